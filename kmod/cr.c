// SPDX-License-Identifier: GPL-2.0
/*
 * Control-register accesses the guest makes, intercepted: writes of CR0,
 * CR4 and CR8, and reads of CR4 (the guest reads its own CR4.MCE while the
 * CPU runs with the host's). The checks are the architectural ones as KVM
 * applies them (x86/cregs.c); a write that fails them is #GP(0) in the
 * guest instead of a failed VMRUN or a host setting in the guest's hands.
 *
 * The CPU here has no decode assists and no NRIP save (QEMU's software
 * SVM; real CPUs before Bulldozer): the exit says only which CR and which
 * direction, so the instruction is fetched at CS:RIP and decoded (MOV
 * to/from CRn, LMSW, CLTS) to find the operand and its length. If the
 * bytes there are not an instruction that makes this exit (another vCPU
 * rewrote them), KVM_RUN ends with an emulation error, as in KVM.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/mm.h>

#include "backend.h"
#include "guest_va.h"
#include "x86/cregs.h"
#include "x86/emulate.h"
#include "x86/paging.h"

static int emulation_failed(struct vmm_vcpu *vcpu, const u8 *insn,
			    unsigned int len, const char *why)
{
	struct kvm_run *run = vcpu->run;

	pr_info_ratelimited("vcpu %u: cannot emulate CR access at rip %#llx (%u bytes %*ph): %s\n",
			    vcpu->id, vcpu->rip, len, len, insn, why);
	run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
	run->internal.suberror = KVM_INTERNAL_ERROR_EMULATION;
	run->internal.ndata = 4;
	run->internal.data[0] = 0;
	run->internal.data[1] = vcpu->rip;
	memset(&run->internal.data[2], 0, 16);
	memcpy(&run->internal.data[2], insn, min_t(unsigned int, len, 15));
	return 0;
}

static void inject_gp(struct vmm_vcpu *vcpu)
{
	vmm_queue_exception(vcpu, X86_VEC_GP, true, 0);
}

/*
 * The 16-bit memory operand of LMSW. Returns 1 with *msw, or the KVM_RUN
 * result when the access faults (#PF/#GP queued: 1 with *faulted) or
 * cannot be done (0, emulation error).
 */
static int read_msw(struct vmm_vcpu *vcpu, const struct kvm_sregs *sregs,
		    const struct x86_cr_insn *ci, u16 *msw, bool *faulted)
{
	struct x86_emu_cpu cpu = {
		.rip = vcpu->rip,
		.code_bytes = vmm_code_bytes(sregs, vcpu->rflags),
		.seg_base = {
			[X86_SEG_ES] = sregs->es.base, [X86_SEG_CS] = sregs->cs.base,
			[X86_SEG_SS] = sregs->ss.base, [X86_SEG_DS] = sregs->ds.base,
			[X86_SEG_FS] = sregs->fs.base, [X86_SEG_GS] = sregs->gs.base,
		},
	};
	u8 bytes[2];
	u64 linear, fault_at;
	int r;

	memcpy(cpu.gprs, vcpu->gprs, sizeof(cpu.gprs));
	linear = x86_linear(&cpu, ci->insn.seg, x86_insn_ea(&ci->insn, &cpu));
	/* The word may straddle a page: each part has its own translation. */
	r = vmm_read_guest_va(vcpu, sregs, linear, bytes, sizeof(bytes), 0,
			      &fault_at);
	if (r > 0) {
		vmm_queue_page_fault(vcpu, fault_at, X86_PF_ERROR_CODE(r));
		*faulted = true;
		return 1;
	}
	if (r == -ERANGE) {
		inject_gp(vcpu);
		*faulted = true;
		return 1;
	}
	if (r < 0)
		return 0;
	*msw = bytes[0] | (bytes[1] << 8);
	return 1;
}

static bool guest_write_cr0(struct vmm_vcpu *vcpu, const struct x86_cr_state *st,
		      u64 val)
{
	u64 cr0, efer;

	if (!x86_cr0_write(st, val, &cr0, &efer))
		return false;
	vmm_backend->set_cr0(vcpu, cr0, efer);
	if (x86_cr0_flush_needed(st->cr0, cr0))
		vmm_backend->flush_guest_tlb(vcpu);
	return true;
}

static bool guest_write_cr4(struct vmm_vcpu *vcpu, const struct x86_cr_state *st,
		      u64 val)
{
	if (!x86_cr4_write(st, val, vmm_guest_cr4_reserved(vcpu),
			   vmm_guest_has_pcid(vcpu)))
		return false;
	vmm_backend->set_cr4(vcpu, val);
	if (x86_cr4_flush_needed(st->cr4, val))
		vmm_backend->flush_guest_tlb(vcpu);
	return true;
}

int vmm_handle_cr(struct vmm_vcpu *vcpu, const struct vmm_exit *exit)
{
	const struct kvm_sregs *sregs = vmm_read_sregs(vcpu);
	struct x86_cr_state st = {
		.cr0 = sregs->cr0, .cr3 = sregs->cr3, .cr4 = sregs->cr4,
		.efer = sregs->efer, .cs_l = sregs->cs.l,
	};
	u8 bytes = vmm_code_bytes(sregs, vcpu->rflags);
	u8 insn[X86_MAX_INSN_LEN];
	struct x86_cr_insn ci;
	unsigned int len, cr;
	bool faulted = false, ok = true, lowered_tpr = false;
	u64 val;
	u16 msw;
	int r;

	/* The CPU checks CPL before the intercept, but a guest state set
	 * from userspace may be odd: control registers are CPL 0's only
	 * (#GP(0), SDM vol. 2B MOV CRn; virtual-8086 mode is CPL 3). */
	if (sregs->ss.dpl != 0 || (vcpu->rflags & X86_RFLAGS_VM)) {
		inject_gp(vcpu);
		return 1;
	}
	len = vmm_fetch_insn(vcpu, sregs, insn, sizeof(insn));
	if (!len)
		return emulation_failed(vcpu, insn, 0, "cannot fetch the instruction");
	if (x86_decode_cr(insn, len, bytes, &ci) != X86_EMU_OK)
		return emulation_failed(vcpu, insn, len, "not a CR access");
	cr = ci.cr;
	if (ci.lock_cr8 && exit->cr.cr == 8)
		cr = 8; /* the CPU took LOCK MOV CR0 for CR8 (AltMovCr8) */
	if (cr != exit->cr.cr ||
	    exit->cr.write != (ci.kind != X86_CR_MOV_FROM &&
			       ci.kind != X86_CR_SMSW))
		return emulation_failed(vcpu, insn, len,
					"instruction does not match the exit");

	switch (ci.kind) {
	case X86_CR_MOV_FROM:
		/* Only CR4 reads are intercepted: the guest's own value. A
		 * 32-bit destination is zero-extended, as on hardware. */
		if (cr != 4)
			return emulation_failed(vcpu, insn, len, "CR read not emulated");
		vcpu->gprs[ci.gpr] = bytes == 8 ? sregs->cr4 : (u32)sregs->cr4;
		break;
	case X86_CR_MOV_TO:
		/* Outside 64-bit mode the operand is 32 bits (SDM vol. 2B). */
		val = vcpu->gprs[ci.gpr];
		if (bytes != 8)
			val = (u32)val;
		switch (cr) {
		case 0:
			ok = guest_write_cr0(vcpu, &st, val);
			break;
		case 4:
			ok = guest_write_cr4(vcpu, &st, val);
			break;
		case 8:
			ok = x86_cr8_valid(val);
			if (ok) {
				lowered_tpr = val < sregs->cr8;
				vmm_backend->set_cr8(vcpu, val);
			}
			break;
		default:
			return emulation_failed(vcpu, insn, len, "CR write not emulated");
		}
		break;
	case X86_CR_CLTS:
		ok = guest_write_cr0(vcpu, &st, st.cr0 & ~CR0_TS);
		break;
	case X86_CR_LMSW:
		if (ci.has_mem) {
			r = read_msw(vcpu, sregs, &ci, &msw, &faulted);
			if (r <= 0)
				return emulation_failed(vcpu, insn, len,
							"LMSW operand not in RAM");
			if (faulted)
				return 1;
		} else {
			msw = vcpu->gprs[ci.gpr];
		}
		ok = guest_write_cr0(vcpu, &st, x86_lmsw_value(st.cr0, msw));
		break;
	default: /* SMSW: CR0 reads are not intercepted */
		return emulation_failed(vcpu, insn, len, "SMSW not emulated");
	}
	if (!ok) {
		inject_gp(vcpu);
		return 1;
	}
	vcpu->rip += ci.len;
	if (bytes != 8)
		vcpu->rip = (u32)vcpu->rip;
	/*
	 * A TPR lowered without an in-kernel local APIC: userspace's
	 * interrupt controller may now have something to deliver
	 * (KVM_EXIT_SET_TPR, as kvm-amd's CR8 write intercept does).
	 */
	if (lowered_tpr) {
		vcpu->run->exit_reason = KVM_EXIT_SET_TPR;
		return 0;
	}
	return 1;
}
