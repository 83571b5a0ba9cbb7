/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Core objects of vmm.ko: a VM (one per VM fd) owns memslots and vCPUs; a
 * vCPU (one per vCPU fd) owns its register cache and its kvm_run page.
 * Vendor code (svm/, later vmx/) hangs its own state off ->priv and is
 * reached only through the backend ops (backend.h).
 */
#ifndef VMM_KMOD_VMM_H
#define VMM_KMOD_VMM_H

#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/kvm.h>
#include <asm/fpu/api.h>
#include <asm/fpu/types.h>

#include <vmm/x86.h>

#define VMM_MAX_MEMSLOTS 32
#define VMM_MAX_VCPUS 64
#define VMM_API_VERSION 12 /* KVM_GET_API_VERSION */
/* kvm_run page + the page port I/O data goes through (KVM_PIO_PAGE_OFFSET) */
#define VMM_VCPU_MMAP_PAGES 2

struct vmm_memslot {
	u32 id;
	u32 flags;
	u64 base_gfn;
	u64 npages;
	unsigned long userspace_addr;
};

struct vmm_vm {
	struct kref ref;
	struct mm_struct *mm;     /* the process that created the VM owns it */
	struct mutex lock;        /* memslots, guest-physical mappings, vCPU list */
	struct vmm_memslot *slots[VMM_MAX_MEMSLOTS];
	struct vmm_vcpu *vcpus[VMM_MAX_VCPUS];
	unsigned int nr_vcpus;
	void *priv;               /* backend state (nested page tables ...) */
};

/* Where a vCPU is, for kicks: see vmm_vcpu_kick(). */
enum vmm_vcpu_mode { VCPU_OUTSIDE_GUEST, VCPU_IN_GUEST };

/* Requests other threads make of a running vCPU (bits in ->requests). */
enum vmm_vcpu_request {
	VCPU_REQ_TLB_FLUSH, /* guest-physical mappings were removed */
};

/* A port I/O exit handed to userspace, completed by the next KVM_RUN. */
struct vmm_pending_io {
	bool active;
	bool in;
	u8 size;
	u64 rip;      /* RIP of the instruction; completion is skipped if it moved */
	u64 next_rip;
};

struct vmm_vcpu {
	struct vmm_vm *vm;
	u32 id;
	struct mutex mutex;       /* one ioctl at a time, as KVM does */
	struct kvm_run *run;      /* page 0 of the vCPU mmap */
	void *pio_data;           /* page 1 of the vCPU mmap */

	/* Register cache: common code reads and writes these; the backend
	 * moves RAX/RSP/RIP/RFLAGS to and from its control block around
	 * each entry, the others are switched by its entry code. */
	u64 gprs[NR_GPRS];
	u64 rip;
	u64 rflags;
	u64 apic_base;

	struct vmm_pending_io pio;
	struct fpu_guest guest_fpu;

	int cpu;                  /* last host CPU it ran on */
	int mode;                 /* enum vmm_vcpu_mode */
	unsigned long requests;   /* enum vmm_vcpu_request bits */
	void *priv;               /* backend state (VMCB ...) */
};

/* What the backend saw at #VMEXIT, in vendor-neutral terms. */
enum vmm_exit_reason {
	VMM_EXIT_NONE,        /* host interrupt/NMI: nothing to do, re-enter */
	VMM_EXIT_MCE,         /* a machine check hit while the guest ran */
	VMM_EXIT_IO,
	VMM_EXIT_HLT,
	VMM_EXIT_SHUTDOWN,    /* triple fault */
	VMM_EXIT_NPF,         /* guest-physical access with no mapping */
	VMM_EXIT_FAIL_ENTRY,  /* the CPU refused the guest state */
	VMM_EXIT_UD,          /* guest ran an instruction it must see #UD for */
	VMM_EXIT_UNHANDLED,   /* anything not handled yet */
};

struct vmm_exit {
	enum vmm_exit_reason reason;
	u64 hw_code;          /* vendor exit code, for errors and logs */
	u64 hw_info1, hw_info2; /* vendor exit details, for errors and logs */
	union {
		struct {
			u16 port;
			u8 size;
			bool in;
			bool string;
			u64 next_rip;
		} io;
		struct {
			u64 next_rip;
		} hlt;
		struct {
			u64 gpa;
			bool present; /* a mapping existed: protection fault */
			bool write;
			bool fetch;
		} npf;
	};
};

/* main.c: enabling virtualization on every CPU while VMs exist */
int vmm_hw_get(void);
void vmm_hw_put(void);

/* vm.c */
int vmm_create_vm(unsigned long type);
void vmm_vm_put(struct vmm_vm *vm);
int vmm_vm_check_extension(long cap);

/* mem.c */
int vmm_set_memory_region(struct vmm_vm *vm,
			  const struct kvm_userspace_memory_region *mem);
void vmm_memslots_free(struct vmm_vm *vm);
int vmm_handle_npf(struct vmm_vcpu *vcpu, const struct vmm_exit *exit);
void vmm_release_guest_page(u64 hpa);

/* vcpu.c */
int vmm_create_vcpu(struct vmm_vm *vm, unsigned long id);
void vmm_vcpu_free(struct vmm_vcpu *vcpu);
void vmm_vcpu_request(struct vmm_vcpu *vcpu, enum vmm_vcpu_request req);

#endif /* VMM_KMOD_VMM_H */
