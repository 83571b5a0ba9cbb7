/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Runs one emulate_cases.h case against x86_emulate() with a fake linear
 * memory, and checks everything the emulator promises its caller. Framework
 * neutral: returns 0 or -1 with a message, so the cmocka test and the KUnit
 * suite share it.
 *
 * Beyond the expected outcome of the case, every case also checks:
 *  - determinism: a second run issues the same reads in the same order;
 *  - PENDING: for each read n, a run where read n is not available yet
 *    returns X86_EMU_PENDING with the vCPU untouched, no write done, and
 *    the reads before it identical to the full run's (the module's glue
 *    re-runs the instruction once the data has come from userspace);
 *  - at most two reads and one write, reads before the write;
 *  - truncation: the same bytes cut short by one or more are UNHANDLED with
 *    the vCPU untouched; trailing garbage after the instruction changes
 *    nothing.
 */
#ifndef VMM_TESTS_EMULATE_CHECK_H
#define VMM_TESTS_EMULATE_CHECK_H

#ifdef __KERNEL__
#include <linux/kernel.h>
#include <linux/string.h>
#else
#include <stdio.h>
#include <string.h>
#endif

#include "emulate_cases.h"

#define EMU_MAX_ACCESSES 8

struct emu_access {
	u64 addr;
	unsigned int len;
	bool write;
};

struct emu_fake {
	const struct emu_case *c;
	unsigned int pending_at;        /* read number (1-based) to hold back */
	unsigned int n;                 /* accesses so far */
	unsigned int nreads, nwrites;
	bool read_after_write;
	struct emu_access acc[EMU_MAX_ACCESSES];
	u8 wbytes[16];
};

static int emu_fake_read(void *ctx, u64 linear, void *buf, unsigned int len)
{
	struct emu_fake *f = ctx;
	const struct emu_mem *m;
	unsigned int i;

	if (f->nwrites)
		f->read_after_write = true;
	if (f->n < EMU_MAX_ACCESSES)
		f->acc[f->n] = (struct emu_access){ linear, len, false };
	f->n++;
	if (++f->nreads == f->pending_at)
		return X86_EMU_PENDING;
	for (i = 0; i < 2; i++) {
		m = &f->c->mem[i];
		if (m->len && len <= 8 && linear >= m->addr &&
		    linear - m->addr + len <= m->len) {
			memcpy(buf, m->bytes + (linear - m->addr), len);
			return X86_EMU_OK;
		}
	}
	return X86_EMU_FAULT;
}

static int emu_fake_write(void *ctx, u64 linear, const void *buf,
			  unsigned int len)
{
	struct emu_fake *f = ctx;

	if (f->n < EMU_MAX_ACCESSES)
		f->acc[f->n] = (struct emu_access){ linear, len, true };
	f->n++;
	if (!f->nwrites++ && len <= sizeof(f->wbytes))
		memcpy(f->wbytes, buf, len);
	return f->c->write_fault ? X86_EMU_FAULT : X86_EMU_OK;
}

static const struct x86_emu_ops emu_fake_ops = {
	.read = emu_fake_read,
	.write = emu_fake_write,
};

static void emu_case_cpu(const struct emu_case *c, struct x86_emu_cpu *cpu)
{
	unsigned int i;

	memset(cpu, 0, sizeof(*cpu));
	for (i = 0; i < NR_GPRS; i++)
		cpu->gprs[i] = EMU_POISON(i);
	for (i = 0; i < EMU_MAX_REGS; i++)
		if (c->regs[i].set)
			cpu->gprs[c->regs[i].reg] = c->regs[i].val;
	cpu->rip = c->rip;
	cpu->rflags = c->rflags | X86_RFLAGS_FIXED;
	for (i = 0; i < X86_NR_SEGS; i++)
		cpu->seg_base[i] = c->seg[i];
	cpu->code_bytes = c->mode;
}

static bool emu_cpu_equal(const struct x86_emu_cpu *a,
			  const struct x86_emu_cpu *b)
{
	unsigned int i;

	for (i = 0; i < NR_GPRS; i++)
		if (a->gprs[i] != b->gprs[i])
			return false;
	for (i = 0; i < X86_NR_SEGS; i++)
		if (a->seg_base[i] != b->seg_base[i])
			return false;
	return a->rip == b->rip && a->rflags == b->rflags &&
	       a->code_bytes == b->code_bytes;
}

#define EMU_FAIL(...) do { snprintf(msg, size, __VA_ARGS__); return -1; } while (0)

/* One run on a fresh vCPU; checks the access discipline. */
static int emu_run(const struct emu_case *c, const u8 *insn, unsigned int len,
		   unsigned int pending_at, struct x86_emu_cpu *cpu,
		   struct emu_fake *f, int *rc, char *msg, unsigned int size)
{
	memset(f, 0, sizeof(*f));
	f->c = c;
	f->pending_at = pending_at;
	emu_case_cpu(c, cpu);
	*rc = x86_emulate(cpu, insn, len, &emu_fake_ops, f);
	if (f->nreads > 2)
		EMU_FAIL("%u reads (at most 2)", f->nreads);
	if (f->nwrites > 1)
		EMU_FAIL("%u writes (at most 1)", f->nwrites);
	if (f->read_after_write)
		EMU_FAIL("a read after the write");
	return 0;
}

static int emu_case_check(const struct emu_case *c, char *msg,
			  unsigned int size)
{
	/* Static, not on the stack: kernel stack frames stay small (KUnit
	 * runs the cases one at a time). */
	static struct {
		struct x86_emu_cpu before, cpu, cpu2;
		struct emu_fake f, f2;
		u8 padded[16];
	} s;
	unsigned int i, n, len;
	u64 ipmask, expect;
	int rc, rc2;

	emu_case_cpu(c, &s.before);
	if (emu_run(c, c->insn, c->len, 0, &s.cpu, &s.f, &rc, msg, size))
		return -1;
	if (rc != c->result)
		EMU_FAIL("result %d, expected %d", rc, c->result);

	if (rc != X86_EMU_OK) {
		if (!emu_cpu_equal(&s.cpu, &s.before))
			EMU_FAIL("result %d but the vCPU changed", rc);
	} else {
		for (i = 0; i < NR_GPRS; i++) {
			unsigned int k;

			expect = s.before.gprs[i];
			for (k = 0; k < EMU_MAX_REGS; k++)
				if (c->out[k].set && c->out[k].reg == i)
					expect = c->out[k].val;
			if (s.cpu.gprs[i] != expect)
				EMU_FAIL("gpr %u = %#llx, expected %#llx", i,
					 (unsigned long long)s.cpu.gprs[i],
					 (unsigned long long)expect);
		}
		ipmask = c->mode == 8 ? ~0ull : c->mode == 4 ? 0xffffffffull :
			 0xffffull;
		expect = (c->rip + c->rip_delta) & ipmask;
		if (s.cpu.rip != expect)
			EMU_FAIL("rip %#llx, expected %#llx",
				 (unsigned long long)s.cpu.rip,
				 (unsigned long long)expect);
		if ((s.cpu.rflags & c->fmask) != c->flags)
			EMU_FAIL("rflags %#llx, expected %#llx under mask %#llx",
				 (unsigned long long)s.cpu.rflags,
				 (unsigned long long)c->flags,
				 (unsigned long long)c->fmask);
		if ((s.cpu.rflags ^ s.before.rflags) & ~X86_RFLAGS_ARITH)
			EMU_FAIL("rflags %#llx: a non-status flag changed",
				 (unsigned long long)s.cpu.rflags);
		for (i = 0; i < X86_NR_SEGS; i++)
			if (s.cpu.seg_base[i] != s.before.seg_base[i])
				EMU_FAIL("segment base %u changed", i);
		if (s.cpu.code_bytes != s.before.code_bytes)
			EMU_FAIL("code_bytes changed");
	}

	/* The write, if the instruction got that far. */
	if (rc == X86_EMU_OK || c->write_fault) {
		if (s.f.nwrites != (c->wr.len ? 1u : 0u) && !c->write_fault)
			EMU_FAIL("%u writes, expected %u", s.f.nwrites,
				 c->wr.len ? 1 : 0);
		for (i = 0; i < s.f.n && i < EMU_MAX_ACCESSES; i++) {
			const struct emu_access *a = &s.f.acc[i];

			if (!a->write || c->write_fault)
				continue;
			if (a->addr != c->wr.addr || a->len != c->wr.len)
				EMU_FAIL("write of %u bytes at %#llx, expected %u at %#llx",
					 a->len, (unsigned long long)a->addr,
					 c->wr.len,
					 (unsigned long long)c->wr.addr);
			if (memcmp(s.f.wbytes, c->wr.bytes, c->wr.len))
				EMU_FAIL("wrong bytes written at %#llx",
					 (unsigned long long)a->addr);
		}
	}

	/* Determinism: the same accesses again. */
	if (emu_run(c, c->insn, c->len, 0, &s.cpu2, &s.f2, &rc2, msg, size))
		return -1;
	if (rc2 != rc || s.f2.n != s.f.n ||
	    memcmp(s.f2.acc, s.f.acc, sizeof(s.f.acc[0]) *
		   (s.f.n < EMU_MAX_ACCESSES ? s.f.n : EMU_MAX_ACCESSES)) ||
	    !emu_cpu_equal(&s.cpu2, &s.cpu))
		EMU_FAIL("a second run differs");

	/* Each read held back once: PENDING, nothing changed, nothing
	 * written, and the same reads up to that one. */
	for (n = 1; n <= s.f.nreads; n++) {
		if (emu_run(c, c->insn, c->len, n, &s.cpu2, &s.f2, &rc2, msg, size))
			return -1;
		if (rc2 != X86_EMU_PENDING)
			EMU_FAIL("read %u held back: result %d, not PENDING", n,
				 rc2);
		if (!emu_cpu_equal(&s.cpu2, &s.before))
			EMU_FAIL("read %u held back: the vCPU changed", n);
		if (s.f2.nwrites)
			EMU_FAIL("read %u held back: a write was made", n);
		if (s.f2.nreads != n || memcmp(s.f2.acc, s.f.acc, sizeof(s.f.acc[0]) * n))
			EMU_FAIL("read %u held back: different reads", n);
	}

	/* Truncated: every shorter length is UNHANDLED, and harmless. */
	if (rc == X86_EMU_OK) {
		for (len = 0; len < c->len; len++) {
			if (emu_run(c, c->insn, len, 0, &s.cpu2, &s.f2, &rc2, msg,
				    size))
				return -1;
			if (rc2 != X86_EMU_UNHANDLED || s.f2.n ||
			    !emu_cpu_equal(&s.cpu2, &s.before))
				EMU_FAIL("cut to %u bytes: result %d, %u accesses",
					 len, rc2, s.f2.n);
		}
	}

	/* Trailing bytes do not matter (the caller fetches 15 when it can). */
	if (c->len < sizeof(s.padded)) {
		memset(s.padded, 0x90, sizeof(s.padded));
		memcpy(s.padded, c->insn, c->len);
		if (emu_run(c, s.padded, X86_MAX_INSN_LEN, 0, &s.cpu2, &s.f2, &rc2,
			    msg, size))
			return -1;
		/* A cut-short case may become complete with the padding. */
		if (c->result != X86_EMU_UNHANDLED &&
		    (rc2 != rc || !emu_cpu_equal(&s.cpu2, &s.cpu) || s.f2.n != s.f.n))
			EMU_FAIL("with trailing bytes: result %d", rc2);
	}
	return 0;
}

#undef EMU_FAIL

#endif /* VMM_TESTS_EMULATE_CHECK_H */
