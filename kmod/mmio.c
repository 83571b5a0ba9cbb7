// SPDX-License-Identifier: GPL-2.0
/*
 * Guest accesses outside RAM (and writes to read-only slots) become
 * KVM_EXIT_MMIO. The nested page fault only says which guest-physical
 * address was touched; the CPU here has no decode assists, so the
 * instruction is fetched through the guest's page tables and run by the
 * instruction emulator (x86/emulate.c) against guest memory:
 *
 *  - a read of MMIO cannot finish in the kernel: the emulation stops
 *    (X86_EMU_PENDING, nothing changed), userspace gets a read exit, and the
 *    next KVM_RUN runs the same instruction again with the data at hand;
 *  - a write of MMIO is queued and the instruction completes; userspace
 *    gets a write exit and the guest goes on after the next KVM_RUN.
 *
 * An instruction the emulator does not know ends KVM_RUN with
 * KVM_EXIT_INTERNAL_ERROR (suberror EMULATION) and its bytes, as in KVM.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/mm.h>

#include "backend.h"
#include "coalesced_mmio.h"
#include "guest_va.h"
#include "trace.h"
#include "x86/emulate.h"
#include "x86/paging.h"

/* One emulation pass: the state the callbacks need. */
struct mmio_ctx {
	struct vmm_vcpu *vcpu;
	const struct kvm_sregs *sregs;
	u32 user;            /* X86_PF_USER at CPL 3 */
	bool page_fault;
	bool noncanonical;   /* #GP(0) (SDM vol. 3, 3.3.7.1) */
	u64 fault_linear;
	u32 fault_error;
	const char *failure; /* why the access cannot be done at all */
};

/* Linear to guest-physical for a data access; records a #PF. */
static int translate_data(struct mmio_ctx *c, u64 linear, u32 access,
			  u64 *gpa)
{
	int r = vmm_translate(c->vcpu, c->sregs, linear, access | c->user, gpa);

	if (r > 0) {
		c->page_fault = true;
		c->fault_linear = linear;
		c->fault_error = X86_PF_ERROR_CODE(r);
		return X86_EMU_FAULT;
	}
	if (r == -ERANGE) {
		c->noncanonical = true;
		return X86_EMU_FAULT;
	}
	if (r < 0) {
		c->failure = "guest page tables are not in RAM";
		return X86_EMU_FAULT;
	}
	return X86_EMU_OK;
}

static int mmio_read(void *opaque, u64 linear, void *buf, unsigned int len)
{
	struct mmio_ctx *c = opaque;
	struct vmm_pending_mmio *m = &c->vcpu->mmio;
	u64 gpa;
	int r;

	if (offset_in_page(linear) + len > PAGE_SIZE) {
		c->failure = "access crosses a page";
		return X86_EMU_FAULT;
	}
	r = translate_data(c, linear, 0, &gpa);
	if (r)
		return r;
	/* RAM if a slot has it now; the slot looked up at the fault may have
	 * gone (or come) since, so the answer is this lookup's, and anything
	 * else is userspace's, as KVM's emulator_read_write_onepage. */
	if (!vmm_read_guest(c->vcpu->vm, gpa, buf, len))
		return X86_EMU_OK;
	if (len > sizeof(m->read_data)) {
		c->failure = "MMIO read wider than 8 bytes";
		return X86_EMU_FAULT;
	}
	if (m->read_done) {
		if (m->read_gpa != gpa || m->read_len != len) {
			c->failure = "a second MMIO read in one instruction";
			return X86_EMU_FAULT;
		}
		memcpy(buf, m->read_data, len);
		return X86_EMU_OK;
	}
	m->read_gpa = gpa;
	m->read_len = len;
	return X86_EMU_PENDING;
}

static int mmio_write(void *opaque, u64 linear, const void *buf,
		      unsigned int len)
{
	struct mmio_ctx *c = opaque;
	struct vmm_pending_mmio *m = &c->vcpu->mmio;
	u64 gpa;
	int r;

	if (offset_in_page(linear) + len > PAGE_SIZE) {
		c->failure = "access crosses a page";
		return X86_EMU_FAULT;
	}
	r = translate_data(c, linear, X86_PF_WRITE, &gpa);
	if (r)
		return r;
	/* As for reads, one lookup decides: a slot deleted since the fault
	 * (seen as "guest memory access failed" under a test deleting and
	 * adding slots) makes this MMIO, not an emulation failure. */
	if (!vmm_write_guest(c->vcpu->vm, gpa, buf, len))
		return X86_EMU_OK;
	/* MMIO, or a write to a read-only slot: an ioeventfd's (done, as in
	 * KVM's vcpu_mmio_write; before a coalesced zone, which KVM orders by
	 * address on one bus: both at one address is a VMM's mistake), or
	 * userspace's, now or (in a coalesced zone) when it next looks at
	 * the ring. */
	if (vmm_ioeventfd_write(c->vcpu->vm, VMM_IOEVENTFD_MMIO, gpa, len, buf))
		return X86_EMU_OK;
	if (vmm_coalesced_mmio_write(c->vcpu->vm, gpa, buf, len))
		return X86_EMU_OK;
	if (len > sizeof(m->write_data) || m->write_queued) {
		c->failure = "unsupported MMIO write";
		return X86_EMU_FAULT;
	}
	m->write_queued = true;
	m->write_gpa = gpa;
	m->write_len = len;
	memcpy(m->write_data, buf, len);
	return X86_EMU_OK;
}

static const struct x86_emu_ops mmio_ops = {
	.read = mmio_read,
	.write = mmio_write,
};

static void emulation_failed(struct vmm_vcpu *vcpu, u64 gpa, const char *why)
{
	struct vmm_pending_mmio *m = &vcpu->mmio;
	struct kvm_run *run = vcpu->run;

	pr_info_ratelimited("vcpu %u: cannot emulate at rip %#llx (gpa %#llx, %u bytes %*ph): %s\n",
			    vcpu->id, vcpu->rip, gpa, m->insn_len,
			    m->insn_len, m->insn, why);
	vmm_trace_dump(vcpu, "cannot emulate");
	run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
	run->internal.suberror = KVM_INTERNAL_ERROR_EMULATION;
	run->internal.ndata = 4;
	run->internal.data[0] = gpa;
	run->internal.data[1] = vcpu->rip;
	memset(&run->internal.data[2], 0, 16);
	memcpy(&run->internal.data[2], m->insn, min_t(u8, m->insn_len, 15));
}

/*
 * Run the saved instruction once. Returns 1 to re-enter the guest, 0 with
 * an exit for userspace in kvm_run, or -errno.
 */
static int emulate(struct vmm_vcpu *vcpu, const struct kvm_sregs *sregs,
		   u64 gpa)
{
	struct vmm_pending_mmio *m = &vcpu->mmio;
	struct kvm_run *run = vcpu->run;
	struct x86_emu_cpu cpu;
	struct mmio_ctx c = { .vcpu = vcpu, .sregs = sregs };
	int r;

	c.user = sregs->ss.dpl == 3 ? X86_PF_USER : 0;

	memcpy(cpu.gprs, vcpu->gprs, sizeof(cpu.gprs));
	cpu.rip = vcpu->rip;
	cpu.rflags = vcpu->rflags;
	cpu.seg_base[X86_SEG_ES] = sregs->es.base;
	cpu.seg_base[X86_SEG_CS] = sregs->cs.base;
	cpu.seg_base[X86_SEG_SS] = sregs->ss.base;
	cpu.seg_base[X86_SEG_DS] = sregs->ds.base;
	cpu.seg_base[X86_SEG_FS] = sregs->fs.base;
	cpu.seg_base[X86_SEG_GS] = sregs->gs.base;
	cpu.code_bytes = vmm_code_bytes(sregs, vcpu->rflags);

	m->write_queued = false;
	r = x86_emulate(&cpu, m->insn, m->insn_len, &mmio_ops, &c);
	switch (r) {
	case X86_EMU_OK:
		memcpy(vcpu->gprs, cpu.gprs, sizeof(cpu.gprs));
		vcpu->rip = cpu.rip;
		vcpu->rflags = cpu.rflags;
		m->read_done = false;
		if (!m->write_queued) {
			r = 1;
			break;
		}
		m->write_queued = false;
		run->exit_reason = KVM_EXIT_MMIO;
		run->mmio.phys_addr = m->write_gpa;
		run->mmio.len = m->write_len;
		run->mmio.is_write = 1;
		memset(run->mmio.data, 0, sizeof(run->mmio.data));
		memcpy(run->mmio.data, m->write_data, m->write_len);
		r = 0;
		break;
	case X86_EMU_PENDING:
		m->read_pending = true;
		run->exit_reason = KVM_EXIT_MMIO;
		run->mmio.phys_addr = m->read_gpa;
		run->mmio.len = m->read_len;
		run->mmio.is_write = 0;
		memset(run->mmio.data, 0, sizeof(run->mmio.data));
		r = 0;
		break;
	case X86_EMU_FAULT:
		m->read_done = false;
		if (c.page_fault) {
			vmm_queue_page_fault(vcpu, c.fault_linear, c.fault_error);
			r = 1;
			break;
		}
		if (c.noncanonical) {
			vmm_queue_exception(vcpu, X86_VEC_GP, true, 0);
			r = 1;
			break;
		}
		emulation_failed(vcpu, gpa, c.failure ?: "guest memory access failed");
		r = 0;
		break;
	default:
		m->read_done = false;
		emulation_failed(vcpu, gpa, "instruction not emulated");
		r = 0;
		break;
	}
	return r;
}

/* A nested page fault outside RAM at gpa. */
int vmm_emulate_mmio(struct vmm_vcpu *vcpu, u64 gpa)
{
	struct vmm_pending_mmio *m = &vcpu->mmio;
	const struct kvm_sregs *sregs = vmm_read_sregs(vcpu);
	struct x86_insn d;

	m->insn_len = vmm_fetch_insn(vcpu, sregs, m->insn, sizeof(m->insn));
	m->insn_rip = vcpu->rip;
	m->read_done = false;
	m->read_pending = false;
	if (!m->insn_len) {
		emulation_failed(vcpu, gpa, "cannot fetch the instruction");
		return 0;
	}
	/* Only an instruction that touches memory can have faulted here. */
	if (x86_decode(m->insn, m->insn_len, vmm_code_bytes(sregs, vcpu->rflags),
		       &d) != X86_EMU_OK ||
	    !(d.has_mem || d.string)) {
		emulation_failed(vcpu, gpa, "instruction not emulated");
		return 0;
	}
	return emulate(vcpu, sregs, gpa);
}

/* At KVM_RUN: userspace answered an MMIO read; run the instruction again
 * with the data. Returns 1 to enter the guest, 0 for another exit. */
int vmm_complete_mmio(struct vmm_vcpu *vcpu)
{
	struct vmm_pending_mmio *m = &vcpu->mmio;

	if (!m->read_pending)
		return 1;
	m->read_pending = false;
	if (vcpu->rip != m->insn_rip)
		return 1; /* userspace moved the guest on */
	memcpy(m->read_data, vcpu->run->mmio.data, m->read_len);
	m->read_done = true;
	return emulate(vcpu, vmm_read_sregs(vcpu), m->read_gpa);
}
