/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vendor seam, written once as a list: VMM_BACKEND_OPS generates the ops
 * table every backend fills (svm/svm.c, later vmx/) and the load-time check
 * that none is missing. Common code calls only these.
 */
#ifndef VMM_KMOD_BACKEND_H
#define VMM_KMOD_BACKEND_H

#include "vmm.h"

#define VMM_BACKEND_OPS(OP)                                                   \
	/* Turn virtualization on/off on the calling CPU (preemption off). */ \
	OP(int, cpu_enable, (void))                                           \
	OP(void, cpu_disable, (void))                                         \
	/* Per-VM state: the guest-physical address space. */                 \
	OP(int, vm_init, (struct vmm_vm *vm))                                 \
	OP(void, vm_destroy, (struct vmm_vm *vm))                             \
	/* Highest guest-physical address the nested tables can map, + 1. */  \
	OP(u64, max_gpa, (struct vmm_vm *vm))                                 \
	/* Map one 4 KiB guest page; -EEXIST if it is mapped already. */      \
	OP(int, map_page, (struct vmm_vm *vm, u64 gpa, u64 hpa))              \
	/* Unmap [gpa, gpa+size): vmm_release_guest_page() for each page. */  \
	OP(void, unmap_range, (struct vmm_vm *vm, u64 gpa, u64 size))         \
	/* Per-vCPU state. */                                                 \
	OP(int, vcpu_create, (struct vmm_vcpu *vcpu))                         \
	OP(void, vcpu_free, (struct vmm_vcpu *vcpu))                          \
	/* Architectural RESET/INIT state (registers in the common cache too).*/\
	OP(void, vcpu_reset, (struct vmm_vcpu *vcpu))                         \
	OP(void, get_sregs, (struct vmm_vcpu *vcpu, struct kvm_sregs *sregs)) \
	OP(void, set_sregs, (struct vmm_vcpu *vcpu,                           \
			     const struct kvm_sregs *sregs))                  \
	/* Drop the guest's TLB entries before the next entry. */             \
	OP(void, flush_guest_tlb, (struct vmm_vcpu *vcpu))                    \
	/* Deliver an exception (no error code) at the next entry. */         \
	OP(void, queue_exception, (struct vmm_vcpu *vcpu, u8 vector))         \
	/* Enter the guest once and describe the exit. Called with            \
	 * preemption and interrupts off; returns with them off. */           \
	OP(void, run, (struct vmm_vcpu *vcpu, struct vmm_exit *exit))

struct vmm_backend {
	const char *name;
	/* Can this backend run here? Logs why not; 0 or -errno. */
	int (*probe)(void);
	/* Module-wide setup/teardown once chosen (per-CPU areas ...). */
	int (*setup)(void);
	void (*teardown)(void);
#define VMM_OP_MEMBER(ret, name, args) ret(*name) args;
	VMM_BACKEND_OPS(VMM_OP_MEMBER)
#undef VMM_OP_MEMBER
};

/* The backend chosen at load. */
extern const struct vmm_backend *vmm_backend;

extern const struct vmm_backend vmm_svm_backend;

#endif /* VMM_KMOD_BACKEND_H */
