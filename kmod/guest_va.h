/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest virtual (linear) addresses: the vCPU's mode as it decides address
 * widths, translation through the guest's own page tables (x86/paging.c on
 * vmm_read_guest), and reading or writing guest linear memory page by page.
 * What the exit handlers that decode an instruction (MMIO emulation, string
 * I/O, CR accesses) use to reach the guest's operands; the CPU here has no
 * decode assists, so every one of them starts with vmm_fetch_insn().
 */
#ifndef VMM_KMOD_GUEST_VA_H
#define VMM_KMOD_GUEST_VA_H

#include "vmm.h"

/* 64-bit mode: EFER.LMA and a 64-bit code segment (SDM vol. 3, 2.2). */
static inline bool vmm_long_mode(const struct kvm_sregs *s)
{
	return (s->efer & X86_EFER_LMA) && s->cs.l;
}

/* Default operand/address size of the code segment in bytes (SDM vol. 3,
 * 21.1: real mode and virtual-8086 mode are 16-bit). */
static inline u8 vmm_code_bytes(const struct kvm_sregs *s, u64 rflags)
{
	if (vmm_long_mode(s))
		return 8;
	if ((s->cr0 & CR0_PE) && !(rflags & X86_RFLAGS_VM) && s->cs.db)
		return 4;
	return 2;
}

/* Translate a guest linear address with the vCPU's paging: 0, or
 * X86_PF_FAULT | #PF error code (x86/paging.h), -ERANGE if the address is
 * not canonical, -EFAULT if a table is not in RAM. */
int vmm_translate(struct vmm_vcpu *vcpu, const struct kvm_sregs *sregs,
		  u64 linear, u32 access, u64 *gpa);

/* Read up to max bytes of the instruction at CS:RIP (fewer if a page is
 * not readable RAM); the number read. */
unsigned int vmm_fetch_insn(struct vmm_vcpu *vcpu,
			    const struct kvm_sregs *sregs, u8 *buf,
			    unsigned int max);

/*
 * Copy len bytes from/to guest linear memory at `linear`, one guest page
 * at a time (an operand may straddle two pages, each with its own
 * translation); outside 64-bit mode the address wraps at 4 GiB. `access`
 * is X86_PF_USER for an access at CPL 3, else 0; the write adds
 * X86_PF_WRITE itself. Returns 0, X86_PF_FAULT | error code with the
 * faulting address in *fault_linear (nothing of a write is done past it),
 * -ERANGE (non-canonical: #GP), or -EFAULT (a table or the operand is not
 * RAM, or a write hit a read-only slot).
 */
int vmm_read_guest_va(struct vmm_vcpu *vcpu, const struct kvm_sregs *sregs,
		      u64 linear, void *buf, unsigned int len, u32 access,
		      u64 *fault_linear);
int vmm_write_guest_va(struct vmm_vcpu *vcpu, const struct kvm_sregs *sregs,
		       u64 linear, const void *buf, unsigned int len,
		       u32 access, u64 *fault_linear);

#endif /* VMM_KMOD_GUEST_VA_H */
