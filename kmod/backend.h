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
	/* Guest-physical mappings, all called with vm->mmu_lock held (no    \
	 * sleeping). Map one 4 KiB guest page, new tables taken from        \
	 * `tables` (-ENOMEM when it is empty); -EEXIST if a mapping that    \
	 * allows this access is there already. */                            \
	OP(int, map_page, (struct vmm_vm *vm, u64 gpa, u64 hpa,               \
			   bool writable, struct vmm_table_cache *tables))    \
	/* Unmap [gpa, gpa+size), vmm_guest_page_unmapped() for each page;   \
	 * whether anything was mapped. The caller flushes the vCPUs. */      \
	OP(bool, unmap_range, (struct vmm_vm *vm, u64 gpa, u64 size))         \
	/* Make the writable mappings in [gpa, gpa+size) read-only, so the   \
	 * next guest write faults (dirty logging); vmm_guest_page_unmapped()\
	 * for each, as written; whether any was writable. The caller        \
	 * flushes the vCPUs. */                                              \
	OP(bool, write_protect_range, (struct vmm_vm *vm, u64 gpa, u64 size)) \
	/* Was any page in [gpa, gpa+size) accessed since the last aging?    \
	 * With clear, start a new period (the caller flushes the vCPUs if   \
	 * it must see the next access). */                                   \
	OP(bool, age_range, (struct vmm_vm *vm, u64 gpa, u64 size,            \
			     bool clear))                                     \
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
	/* CR4 as the guest has it (CPUID's OSXSAVE bit follows it). */       \
	OP(u64, get_cr4, (struct vmm_vcpu *vcpu))                             \
	/* Control-register writes the guest made, checked by cr.c: CR0     \
	 * with the EFER it implies (LMA follows PG), CR4 as the guest sees \
	 * it (the backend keeps what the host needs, e.g. MCE), CR8. */     \
	OP(void, set_cr0, (struct vmm_vcpu *vcpu, u64 cr0, u64 efer))         \
	OP(void, set_cr4, (struct vmm_vcpu *vcpu, u64 cr4))                   \
	OP(void, set_cr8, (struct vmm_vcpu *vcpu, u64 cr8))                   \
	/* MSRs the CPU switches itself (EFER, SYSCALL/SYSENTER, FS/GS       \
	 * bases, PAT): 0, -EINVAL (a value the guest gets #GP for), or      \
	 * -ENOENT (not the backend's). */                                    \
	OP(int, get_msr, (struct vmm_vcpu *vcpu, u32 index, u64 *data))       \
	OP(int, set_msr, (struct vmm_vcpu *vcpu, u32 index, u64 data))        \
	/* DR6/DR7, which the CPU switches (KVM_GET/SET_DEBUGREGS). */        \
	OP(void, get_dr67, (struct vmm_vcpu *vcpu, u64 *dr6, u64 *dr7))       \
	OP(void, set_dr67, (struct vmm_vcpu *vcpu, u64 dr6, u64 dr7))         \
	/* Guest TSC = host TSC + offset. */                                  \
	OP(void, set_tsc_offset, (struct vmm_vcpu *vcpu, u64 offset))         \
	/* Events. Is an event (re)injection already set for the next       \
	 * entry? Can the guest take an external interrupt now (RFLAGS.IF,   \
	 * no interrupt shadow)? Deliver one event at the next entry; ask    \
	 * for an exit when interrupts open / at the next IRET. */            \
	OP(bool, event_injection_busy, (struct vmm_vcpu *vcpu))               \
	OP(bool, interrupt_allowed, (struct vmm_vcpu *vcpu))                  \
	OP(void, inject_event, (struct vmm_vcpu *vcpu,                        \
				const struct vmm_event *ev))                  \
	OP(void, set_irq_window, (struct vmm_vcpu *vcpu, bool on))            \
	OP(void, set_iret_exit, (struct vmm_vcpu *vcpu, bool on))             \
	OP(void, set_db_exit, (struct vmm_vcpu *vcpu, bool on))               \
	/* Event state for KVM_GET/SET_VCPU_EVENTS: the event the next      \
	 * entry (re)injects, if any (an interrupted delivery, 15.7.2), and  \
	 * dropping it; the STI/MOV SS shadow (KVM_X86_SHADOW_INT_* bits);   \
	 * CR2, for a #PF's address delivered before the fault itself.       */\
	OP(bool, get_injected_event, (struct vmm_vcpu *vcpu,                  \
				      struct vmm_event *ev))                  \
	OP(void, cancel_injected_event, (struct vmm_vcpu *vcpu))              \
	OP(u32, get_interrupt_shadow, (struct vmm_vcpu *vcpu))                \
	OP(void, set_interrupt_shadow, (struct vmm_vcpu *vcpu, bool on))      \
	OP(void, set_cr2, (struct vmm_vcpu *vcpu, u64 cr2))                   \
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
