/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test cases of the control-register pieces of the module: the decoder of
 * MOV CRn/LMSW/CLTS/SMSW (x86_decode_cr, kmod/x86/emulate.c) and the write
 * checks (kmod/x86/cregs.c). Pure data and framework-neutral checks, run by
 * the userspace unit test (tests/unit/test_cregs.c) and by the KUnit suite
 * (tests/kunit/emulate_kunit.c). Expected values come from the SDM/APM
 * rules (cregs.h cites them), not from the code.
 */
#ifndef VMM_TESTS_CR_CASES_H
#define VMM_TESTS_CR_CASES_H

#ifdef __KERNEL__
#include <linux/kernel.h>
#include <linux/string.h>
#else
#include <stdio.h>
#include <string.h>
#endif

#include "cregs.h"
#include "emulate.h"

#define CR_MSG(...) snprintf(msg, size, __VA_ARGS__)

struct cr_decode_case {
	u8 mode, len, insn[16];
	bool ok;
	enum x86_cr_kind kind;
	u8 cr, gpr, dlen;
	bool lock_cr8, has_mem;
};

#define CRB(...) .insn = { __VA_ARGS__ }, .len = sizeof((const u8[]){ __VA_ARGS__ })

#define CRD(m, k, c, g, l, lk, mem, ...) { .mode = m, CRB(__VA_ARGS__), \
	.ok = true, .kind = k, .cr = c, .gpr = g, .dlen = l, .lock_cr8 = lk, \
	.has_mem = mem }
#define CRX(m, ...) { .mode = m, CRB(__VA_ARGS__), .ok = false }

static const struct cr_decode_case cr_decode_cases[] = {
	/* mov %rax,%cr0 ; mov %cr4,%rbx ; mov %r9,%cr8 (REX.R|REX.B) */
	CRD(8, X86_CR_MOV_TO, 0, GPR_RAX, 3, false, false, 0x0f, 0x22, 0xc0),
	CRD(8, X86_CR_MOV_FROM, 4, GPR_RBX, 3, false, false, 0x0f, 0x20, 0xe3),
	CRD(8, X86_CR_MOV_TO, 8, GPR_R9, 4, false, false, 0x45, 0x0f, 0x22, 0xc1),
	/* mod bits ignored: 0f 22 20 is mov %eax,%cr4, 3 bytes, no SIB/disp */
	CRD(4, X86_CR_MOV_TO, 4, GPR_RAX, 3, false, false, 0x0f, 0x22, 0x20, 0x99, 0x99),
	CRD(2, X86_CR_MOV_TO, 4, GPR_RSP, 3, false, false, 0x0f, 0x22, 0x64),
	/* 16-bit code, 66 prefix: still a 32-bit operand, 4 bytes */
	CRD(2, X86_CR_MOV_TO, 4, GPR_RAX, 4, false, false, 0x66, 0x0f, 0x22, 0xe0),
	/* lock mov %eax,%cr0: AMD's CR8 alias */
	CRD(4, X86_CR_MOV_TO, 0, GPR_RAX, 4, true, false, 0xf0, 0x0f, 0x22, 0xc0),
	/* REX.W ignored; a REX before a legacy prefix does not count */
	CRD(8, X86_CR_MOV_TO, 3, GPR_RAX, 4, false, false, 0x48, 0x0f, 0x22, 0xd8),
	CRD(8, X86_CR_MOV_TO, 0, GPR_RAX, 5, false, false, 0x44, 0x66, 0x0f, 0x22, 0xc0),
	/* clts; lmsw %ax; lmsw (%bx) 16-bit; lmsw 0x10(%rip); smsw %eax */
	CRD(2, X86_CR_CLTS, 0, 0, 2, false, false, 0x0f, 0x06),
	CRD(2, X86_CR_LMSW, 0, GPR_RAX, 3, false, false, 0x0f, 0x01, 0xf0),
	CRD(2, X86_CR_LMSW, 0, 0, 3, false, true, 0x0f, 0x01, 0x37),
	CRD(8, X86_CR_LMSW, 0, 0, 7, false, true, 0x0f, 0x01, 0x35, 0x10, 0, 0, 0),
	CRD(4, X86_CR_SMSW, 0, GPR_RAX, 3, false, false, 0x0f, 0x01, 0xe0),
	/* not CR accesses: mov from dr0, lgdt, invlpg, wrpkru, a MOV to
	 * memory, and truncated forms */
	CRX(8, 0x0f, 0x21, 0xc0),
	CRX(8, 0x0f, 0x01, 0x10),
	CRX(8, 0x0f, 0x01, 0x38),
	CRX(8, 0x0f, 0x01, 0xef),
	CRX(8, 0x89, 0x03),
	CRX(8, 0x0f, 0x22),
	CRX(8, 0x0f),
	CRX(2, 0x0f, 0x01, 0x36, 0x00), /* lmsw [disp16] cut short */
};

static int cr_decode_check(char *msg, unsigned int size)
{
	unsigned int i;

	for (i = 0; i < sizeof(cr_decode_cases) / sizeof(cr_decode_cases[0]); i++) {
		const struct cr_decode_case *t = &cr_decode_cases[i];
		struct x86_cr_insn d;
		int rc = x86_decode_cr(t->insn, t->len, t->mode, &d);

		if ((rc == X86_EMU_OK) != t->ok) {
			CR_MSG("case %u: rc %d", i, rc);
			return -1;
		}
		if (!t->ok)
			continue;
		if (d.kind != t->kind || d.cr != t->cr || d.len != t->dlen ||
		    d.lock_cr8 != t->lock_cr8 || d.has_mem != t->has_mem ||
		    (!t->has_mem && t->kind != X86_CR_CLTS && d.gpr != t->gpr)) {
			CR_MSG("case %u: kind %d cr %u gpr %u len %u lock %d mem %d",
			       i, d.kind, d.cr, d.gpr, d.len, d.lock_cr8, d.has_mem);
			return -1;
		}
		if (t->kind == X86_CR_MOV_TO &&
		    d.insn.op_bytes != (t->mode == 8 ? 8 : 4)) {
			CR_MSG("case %u: operand %u bytes", i, d.insn.op_bytes);
			return -1;
		}
	}
	/* The CR map stays out of the MMIO decoder. */
	{
		static const u8 mov_cr[] = { 0x0f, 0x22, 0xc0 };
		struct x86_insn d;

		if (x86_decode(mov_cr, sizeof(mov_cr), 8, &d) != X86_EMU_UNHANDLED) {
			CR_MSG("x86_decode took mov %%rax,%%cr0");
			return -1;
		}
	}
	return 0;
}

#define CR_PROT (CR0_PE | CR0_ET)
#define CR_PAGED (CR0_PG | CR0_PE | CR0_ET)
#define CR_LONG_EFER (X86_EFER_LME | X86_EFER_LMA)

struct cr0_case {
	const char *what;
	struct x86_cr_state s;
	u64 val;
	bool ok;
	u64 out, efer;
};

#define C0(w, st, v, o, ou, ef) { .what = w, .s = st, .val = v, .ok = o, \
	.out = ou, .efer = ef }
#define ST(...) ((struct x86_cr_state){ __VA_ARGS__ })

static const struct cr0_case cr0_cases[] = {
	C0("bit 32", ST(.cr0 = CR_PROT), CR_PROT | (1ull << 32), false, 0, 0),
	C0("NW without CD", ST(.cr0 = CR_PROT), CR_PROT | CR0_NW, false, 0, 0),
	C0("NW with CD", ST(.cr0 = CR_PROT), CR_PROT | CR0_NW | CR0_CD, true,
	   CR_PROT | CR0_NW | CR0_CD, 0),
	C0("PG without PE", ST(.cr0 = CR0_ET), CR0_PG, false, 0, 0),
	C0("ET forced, undefined bits dropped", ST(.cr0 = CR0_ET),
	   CR0_MP | (1ull << 6) | (1ull << 17), true, CR0_ET | CR0_MP, 0),
	C0("PG with LME and PAE: LMA", ST(.cr0 = CR_PROT, .cr4 = CR4_PAE,
	   .efer = X86_EFER_LME), CR_PAGED, true, CR_PAGED, CR_LONG_EFER),
	C0("PG with LME without PAE", ST(.cr0 = CR_PROT, .efer = X86_EFER_LME),
	   CR_PAGED, false, 0, 0),
	C0("PG with LME from a 64-bit CS", ST(.cr0 = CR_PROT, .cr4 = CR4_PAE,
	   .efer = X86_EFER_LME, .cs_l = true), CR_PAGED, false, 0, 0),
	C0("PG cleared in 64-bit mode", ST(.cr0 = CR_PAGED, .cr4 = CR4_PAE,
	   .efer = CR_LONG_EFER, .cs_l = true), CR_PROT, false, 0, 0),
	C0("PG cleared in compatibility mode: LMA off", ST(.cr0 = CR_PAGED,
	   .cr4 = CR4_PAE, .efer = CR_LONG_EFER), CR_PROT, true, CR_PROT,
	   X86_EFER_LME),
	C0("PG cleared with PCIDE", ST(.cr0 = CR_PAGED, .cr4 = CR4_PCIDE | CR4_PAE),
	   CR_PROT, false, 0, 0),
	C0("WP set in long mode", ST(.cr0 = CR_PAGED, .cr4 = CR4_PAE,
	   .efer = CR_LONG_EFER, .cs_l = true), CR_PAGED | CR0_WP, true,
	   CR_PAGED | CR0_WP, CR_LONG_EFER),
	C0("32-bit paging on without LME", ST(.cr0 = CR_PROT), CR_PAGED, true,
	   CR_PAGED, 0),
};

struct cr4_case {
	const char *what;
	struct x86_cr_state s;
	u64 val;
	bool pcid;
	bool ok;
};

#define CR_LM_STATE ST(.cr0 = CR_PAGED, .cr4 = CR4_PAE, .efer = CR_LONG_EFER, \
			 .cs_l = true)
#define C4(w, st, v, p, o) { .what = w, .s = st, .val = v, .pcid = p, .ok = o }

static const struct cr4_case cr4_cases[] = {
	C4("PAE cleared in long mode", CR_LM_STATE, 0, false, false),
	C4("LA57 toggled in long mode", CR_LM_STATE, CR4_PAE | CR4_LA57, false, false),
	C4("PGE in long mode", CR_LM_STATE, CR4_PAE | CR4_PGE, false, true),
	C4("PCIDE without PCID", CR_LM_STATE, CR4_PAE | CR4_PCIDE, false, false),
	C4("PCIDE with PCID", CR_LM_STATE, CR4_PAE | CR4_PCIDE, true, true),
	C4("PCIDE with CR3 PCID != 0", ST(.cr0 = CR_PAGED, .cr3 = 0x1001,
	   .cr4 = CR4_PAE, .efer = CR_LONG_EFER, .cs_l = true),
	   CR4_PAE | CR4_PCIDE, true, false),
	C4("PCIDE outside long mode", ST(.cr0 = CR_PROT), CR4_PCIDE, true, false),
	C4("PAE cleared outside long mode", ST(.cr0 = CR_PAGED, .cr4 = CR4_PAE),
	   0, false, true),
	C4("bit 15", ST(.cr0 = 0), 1ull << 15, false, false),
	C4("bit 63", ST(.cr0 = 0), 1ull << 63, false, false),
	C4("VMXE", ST(.cr0 = 0), CR4_VMXE, false, false),
	C4("PKE without PKU", ST(.cr0 = 0), CR4_PKE, false, false),
	C4("MCE, DE, PCE, OSFXSR", ST(.cr0 = 0),
	   CR4_MCE | CR4_DE | CR4_PCE | CR4_OSFXSR, false, true),
};

static int cr_write_check(char *msg, unsigned int size)
{
	/* A CPU with SMEP/SMAP/FSGSBASE/XSAVE and nothing else optional. */
	const struct x86_cr4_features f = { .xsave = true, .smep = true,
					    .smap = true, .fsgsbase = true };
	u64 reserved = x86_cr4_reserved(&f), out, efer;
	unsigned int i;

	if (!(reserved & CR4_VMXE) || !(reserved & CR4_PKE) ||
	    !(reserved & CR4_LA57) || !(reserved & (1ull << 15)) ||
	    (reserved & (CR4_SMEP | CR4_OSXSAVE | CR4_PAE | CR4_MCE))) {
		CR_MSG("reserved %#llx", (unsigned long long)reserved);
		return -1;
	}
	for (i = 0; i < sizeof(cr0_cases) / sizeof(cr0_cases[0]); i++) {
		const struct cr0_case *t = &cr0_cases[i];
		bool ok;

		out = efer = 0xdead;
		ok = x86_cr0_write(&t->s, t->val, &out, &efer);
		if (ok != t->ok || (ok && (out != t->out || efer != t->efer))) {
			CR_MSG("CR0 %s: ok %d cr0 %#llx efer %#llx", t->what, ok,
			       (unsigned long long)out, (unsigned long long)efer);
			return -1;
		}
	}
	for (i = 0; i < sizeof(cr4_cases) / sizeof(cr4_cases[0]); i++) {
		const struct cr4_case *t = &cr4_cases[i];
		u64 r = reserved & ~(t->pcid ? CR4_PCIDE : 0);

		if (x86_cr4_write(&t->s, t->val, r, t->pcid) != t->ok) {
			CR_MSG("CR4 %s: not %s", t->what, t->ok ? "taken" : "refused");
			return -1;
		}
	}
	if (x86_cr8_valid(16) || !x86_cr8_valid(15) ||
	    x86_lmsw_value(CR_PROT | CR0_TS, 0) != CR_PROT ||
	    x86_lmsw_value(CR0_ET, 0xffff) != (CR0_ET | 0xf) ||
	    !x86_cr0_flush_needed(CR_PROT, CR_PAGED) ||
	    x86_cr0_flush_needed(CR_PROT, CR_PROT | CR0_TS) ||
	    !x86_cr4_flush_needed(0, CR4_PGE) ||
	    x86_cr4_flush_needed(0, CR4_OSXSAVE)) {
		CR_MSG("CR8/LMSW/flush helpers");
		return -1;
	}
	return 0;
}

struct cr_test {
	const char *name;
	int (*fn)(char *msg, unsigned int size);
};

static const struct cr_test cr_tests[] = {
	{ "decode MOV CRn, LMSW, CLTS, SMSW", cr_decode_check },
	{ "CR0/CR4/CR8 write checks", cr_write_check },
};

#define CR_NR_TESTS (sizeof(cr_tests) / sizeof(cr_tests[0]))

#endif /* VMM_TESTS_CR_CASES_H */
