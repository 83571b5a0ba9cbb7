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
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/kvm.h>
#include <asm/fpu/api.h>
#include <asm/fpu/types.h>

#include <vmm/x86.h>

#include "ioeventfd.h"

#define VMM_MAX_MEMSLOTS 32
#define VMM_MAX_VCPUS 64
#define VMM_API_VERSION 12 /* KVM_GET_API_VERSION */
/* kvm_run page, the page port I/O data goes through (KVM_PIO_PAGE_OFFSET),
 * the VM's coalesced MMIO ring (KVM_COALESCED_MMIO_PAGE_OFFSET) */
#define VMM_VCPU_MMAP_PAGES 3
#define VMM_COALESCED_ZONES 100 /* KVM_COALESCED_MMIO_ZONE_MAX */

struct vmm_memslot {
	u32 id;
	u32 flags;
	u64 base_gfn;
	u64 npages;
	unsigned long userspace_addr;
	/* While the slot logs dirty pages (KVM_MEM_LOG_DIRTY_PAGES): two
	 * bitmaps of BITS_TO_LONGS(npages) longs, the live one the write
	 * faults set, then the copy KVM_GET_DIRTY_LOG hands out (dirty.c).
	 * Changed under both vm->lock and mmu_lock; either keeps it alive. */
	unsigned long *dirty_bitmap;
};

/*
 * Page-table pages allocated ahead of a nested page fault, so that the walk
 * that installs the mapping, under the mmu lock, never sleeps: enough for
 * one 5-level walk (4 new tables) and a racing one.
 */
#define VMM_TABLE_CACHE_PAGES 8
struct vmm_table_cache {
	unsigned int nr;
	void *pages[VMM_TABLE_CACHE_PAGES];
};

struct vmm_vm {
	struct kref ref;
	u64 id;                   /* unique for the module's lifetime */
	struct mm_struct *mm;     /* the process that created the VM owns it */
	struct mutex lock;        /* memslots (changes, lookups), vCPU list */
	struct vmm_memslot *slots[VMM_MAX_MEMSLOTS];
	struct vmm_vcpu *vcpus[VMM_MAX_VCPUS];
	unsigned int nr_vcpus;
	u32 bsp_vcpu_id;          /* KVM_SET_BOOT_CPU_ID (for the in-kernel
				   * LAPIC's reset state; none yet) */
	void *priv;               /* backend state (nested page tables ...) */

	/*
	 * Guest memory follows the owner's address space (mem.c): the MMU
	 * notifier unmaps what the host unmaps. mmu_lock (never held across
	 * sleeping) guards the nested tables, the table cache, the two
	 * invalidation counts, and slot changes (which also take ->lock, so
	 * either lock is enough to read the slots).
	 */
	struct mmu_notifier mmu_notifier;
	spinlock_t mmu_lock;
	unsigned long mmu_invalidate_seq;  /* +1 after each invalidation */
	long mmu_invalidate_in_progress;   /* started, not yet ended */
	struct vmm_table_cache tables;

	/* KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 as enabled (KVM_DIRTY_LOG_*
	 * bits; dirty.c), under ->lock. */
	u64 manual_dirty_log_protect;

	/* Coalesced MMIO (coalesced_mmio.c): the zones and the ring's
	 * producer side, under coalesced_lock. */
	spinlock_t coalesced_lock;
	struct kvm_coalesced_mmio_ring *coalesced_ring;
	struct kvm_coalesced_mmio_zone coalesced_zones[VMM_COALESCED_ZONES];
	unsigned int nr_coalesced_zones;

	/* KVM_IOEVENTFD registrations (ioeventfd.c). */
	struct vmm_ioeventfds ioeventfds;
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
	/* INS/OUTS: `count` elements moved per exit, then RCX/RSI/RDI and
	 * (for INS) guest memory are updated by the completion. */
	bool string;
	bool rep;
	u8 addr_bytes;    /* 2, 4 or 8: width of RCX/RSI/RDI used */
	u32 count;
	u64 ins_gpa;      /* INS: where the data goes (one guest page) */
};

/* An MMIO access being emulated (mmio.c). The instruction is kept so the
 * emulation can be run again once userspace has supplied read data. */
struct vmm_pending_mmio {
	bool read_pending;   /* a KVM_EXIT_MMIO read is with userspace */
	bool read_done;      /* read_data holds the answer for read_gpa */
	u64 read_gpa;
	u32 read_len;
	u8 read_data[8];
	bool write_queued;   /* one MMIO write made by the current emulation */
	u64 write_gpa;
	u32 write_len;
	u8 write_data[8];
	u8 insn[15];
	u8 insn_len;
	u64 insn_rip;
};

/* The guest's CPUID table (KVM_SET_CPUID2). */
struct vmm_cpuid {
	bool set;     /* KVM_SET_CPUID2 was called (KVM checks CR4 against it) */
	u32 nent;
	struct kvm_cpuid_entry2 *entries;
};

/* Events waiting for injection (events.c). */
struct vmm_event {
	enum { VMM_EVENT_EXCEPTION, VMM_EVENT_NMI, VMM_EVENT_INTR } type;
	u8 vector;
	bool has_error;
	u32 error;
	u64 cr2;             /* #PF: the faulting linear address */
	bool has_payload;    /* cr2 is written into CR2 at injection */
};

/* Guest MSRs that live in common code (msr.c). Those the CPU switches
 * itself (EFER, STAR..., PAT) are the backend's. */
#define VMM_NR_VAR_MTRRS 8
struct vmm_msrs {
	u64 mtrr_def_type;
	u64 mtrr_fixed[11];
	u64 mtrr_var[2 * VMM_NR_VAR_MTRRS];
	u64 misc_enable;
	u64 tsc_offset;
	u64 hwcr;
	u64 de_cfg;
	u64 tsc_aux;      /* RDTSCP/RDPID: switched by tsc_aux.c */
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
	struct vmm_pending_mmio mmio;
	struct fpu_guest guest_fpu;
	u64 xcr0;                 /* the guest's XCR0 (XSETBV, KVM_SET_XCRS) */
	u32 pkru;                 /* the guest's PKRU while it is not loaded */
	u32 host_pkru;            /* this thread's, while the guest runs */
	bool pkru_loaded;         /* the guest's was loaded for this entry */
	struct vmm_cpuid cpuid;
	struct vmm_msrs msrs;
	/* Scratch copy of the special registers for emulation (string I/O,
	 * MMIO, XSETBV): filled by vmm_read_sregs(), no allocation per exit. */
	struct kvm_sregs emu_sregs;

	/* DR0-3, in the CPU while the guest runs (DR6/DR7 are the
	 * backend's: debugreg.c). */
	u64 db[4];

	/* Event injection (KVM_INTERRUPT, KVM_NMI, emulated faults). */
	bool exception_pending;
	bool exception_injected;  /* from KVM_SET_VCPU_EVENTS: its delivery
				   * had begun (KVM's "injected", not "pending") */
	struct vmm_event exception;
	bool irq_pending;
	u8 irq_vector;
	bool nmi_pending;
	bool nmi_injected;        /* an NMI whose delivery must be redone at
				   * the next entry, blocked or not (api.rst
				   * 4.31 nmi.injected) */
	bool nmi_masked;          /* an NMI handler runs: until its IRET */
	bool nmi_awaiting_iret;   /* its IRET exited; unmasked once it ran */
	u64 nmi_iret_rip;
	bool nmi_singlestep;      /* stepping over that IRET (TF + #DB exit) */

	int cpu;                  /* last host CPU it ran on */
	bool has_run;             /* entered the guest at least once */
	int mode;                 /* enum vmm_vcpu_mode */
	unsigned long requests;   /* enum vmm_vcpu_request bits */
	void *priv;               /* backend state (VMCB ...) */
	struct vmm_exit_trace *trace; /* trace.c: NULL unless exit_trace is set */
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
	VMM_EXIT_NOP,         /* an instruction that does nothing here: skip */
	VMM_EXIT_HYPERCALL,   /* VMMCALL */
	VMM_EXIT_GP,          /* guest ran an instruction it gets #GP(0) for */
	VMM_EXIT_CPUID,
	VMM_EXIT_MSR,
	VMM_EXIT_XSETBV,
	VMM_EXIT_IRQ_WINDOW,  /* the guest can take an interrupt now */
	VMM_EXIT_IRET,        /* the guest runs IRET: end of an NMI handler */
	VMM_EXIT_DB,          /* a debug exception (#DB), intercepted */
	VMM_EXIT_EXCEPTION,   /* another intercepted exception: reflect it */
	VMM_EXIT_HW_OFF,      /* virtualization was turned off under the vCPU
			       * (reboot, emergency shutdown) */
	VMM_EXIT_CR,          /* a control-register access, intercepted */
	VMM_EXIT_UNHANDLED,   /* anything not handled yet */
};

struct vmm_exit {
	enum vmm_exit_reason reason;
	u64 hw_code;          /* vendor exit code, for errors and logs */
	u64 hw_info1, hw_info2; /* vendor exit details, for errors and logs */
	u64 hw_int_info;      /* the event being delivered at the exit (trace.c) */
	union {
		struct {
			u16 port;
			u8 size;
			bool in;
			bool string;
			bool rep;
			u8 addr_bytes; /* 0 if the CPU did not say */
			u64 next_rip;
		} io;
		struct {
			u64 next_rip;
		} hlt, cpuid, xsetbv, nop;
		struct {
			u32 index;
			bool write;
			u64 next_rip;
		} msr;
		struct {
			u8 vector;
			bool has_error;
			u32 error;
		} exc;
		struct {
			u8 cr;        /* 0, 4 or 8 */
			bool write;   /* else a read */
		} cr;
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
/* KVM_CREATE_VM: follow current->mm; VM teardown: stop, drop everything. */
int vmm_mmu_init(struct vmm_vm *vm);
void vmm_mmu_destroy(struct vmm_vm *vm);
int vmm_set_memory_region(struct vmm_vm *vm,
			  const struct kvm_userspace_memory_region *mem);
int vmm_handle_npf(struct vmm_vcpu *vcpu, const struct vmm_exit *exit);
/* Every vCPU drops its guest-physical translations before this returns
 * (mmu_lock held). */
void vmm_flush_all_vcpus(struct vmm_vm *vm);
/* The backend's unmap tells what each cleared leaf mapped (mmu_lock held). */
void vmm_guest_page_unmapped(u64 hpa, bool writable, bool young);

int vmm_read_guest(struct vmm_vm *vm, u64 gpa, void *buf, unsigned int len);
int vmm_write_guest(struct vmm_vm *vm, u64 gpa, const void *buf,
		    unsigned int len);
/* Is gpa guest RAM (a memslot)? *writable: not a read-only slot. */
bool vmm_gpa_is_ram(struct vmm_vm *vm, u64 gpa, bool *writable);

/* vcpu.c */
int vmm_create_vcpu(struct vmm_vm *vm, unsigned long id);
void vmm_vcpu_free(struct vmm_vcpu *vcpu);
void vmm_vcpu_request(struct vmm_vcpu *vcpu, enum vmm_vcpu_request req);
void vmm_set_internal_error(struct vmm_vcpu *vcpu, const struct vmm_exit *exit);
const struct kvm_sregs *vmm_read_sregs(struct vmm_vcpu *vcpu);

/* cpuid.c */
long vmm_get_supported_cpuid(struct kvm_cpuid2 __user *arg);
long vmm_set_cpuid2(struct vmm_vcpu *vcpu, struct kvm_cpuid2 __user *arg);
long vmm_get_cpuid2(struct vmm_vcpu *vcpu, struct kvm_cpuid2 __user *arg);
int vmm_handle_cpuid(struct vmm_vcpu *vcpu, const struct vmm_exit *exit);
u64 vmm_supported_xcr0(void);
u64 vmm_guest_supported_xcr0(const struct vmm_vcpu *vcpu);
u8 vmm_guest_maxphyaddr(const struct vmm_vcpu *vcpu);
/* Does the guest's CPUID offer RDTSCP or RDPID (so TSC_AUX)? */
bool vmm_guest_has_tsc_aux(const struct vmm_vcpu *vcpu);
u64 vmm_guest_cr4_reserved(const struct vmm_vcpu *vcpu);
bool vmm_guest_has_pcid(const struct vmm_vcpu *vcpu);
void vmm_cpuid_free(struct vmm_vcpu *vcpu);

/* msr.c */
long vmm_get_msr_index_list(struct kvm_msr_list __user *arg);
long vmm_msrs_ioctl(struct vmm_vcpu *vcpu, struct kvm_msrs __user *arg,
		    bool set);
int vmm_handle_msr(struct vmm_vcpu *vcpu, const struct vmm_exit *exit);
void vmm_msrs_reset(struct vmm_vcpu *vcpu);
void vmm_set_tsc(struct vmm_vcpu *vcpu, u64 guest_tsc);

/* events.c */
void vmm_queue_exception(struct vmm_vcpu *vcpu, u8 vector, bool has_error,
			 u32 error);
void vmm_queue_page_fault(struct vmm_vcpu *vcpu, u64 linear, u32 error);
long vmm_ioctl_interrupt(struct vmm_vcpu *vcpu, struct kvm_interrupt __user *arg);
long vmm_ioctl_nmi(struct vmm_vcpu *vcpu);
long vmm_get_vcpu_events(struct vmm_vcpu *vcpu,
			 struct kvm_vcpu_events __user *arg);
long vmm_set_vcpu_events(struct vmm_vcpu *vcpu,
			 struct kvm_vcpu_events __user *arg);
void vmm_inject_events(struct vmm_vcpu *vcpu);
bool vmm_ready_for_interrupt(struct vmm_vcpu *vcpu);
void vmm_events_reset(struct vmm_vcpu *vcpu);

/* io.c: port I/O exits, string I/O */
int vmm_handle_io(struct vmm_vcpu *vcpu, const struct vmm_exit *exit);
int vmm_complete_io(struct vmm_vcpu *vcpu);

/* mmio.c: accesses outside RAM, emulated */
int vmm_emulate_mmio(struct vmm_vcpu *vcpu, u64 gpa);
int vmm_complete_mmio(struct vmm_vcpu *vcpu);
/* guest_va.c: guest linear addresses (vmm_translate, vmm_fetch_insn,
 * vmm_read_guest_va): guest_va.h */

/* debugreg.c */
void vmm_debugregs_reset(struct vmm_vcpu *vcpu);
void vmm_load_guest_debugregs(struct vmm_vcpu *vcpu);
void vmm_load_host_debugregs(struct vmm_vcpu *vcpu);
long vmm_debugregs_ioctl(struct vmm_vcpu *vcpu, unsigned int ioctl,
			 void __user *argp);

/* tsc_aux.c */
void vmm_load_guest_tsc_aux(struct vmm_vcpu *vcpu);
void vmm_tsc_aux_cpu_down(void);

/* main.c: set once a reboot begins; no vCPU enters after it */
extern bool vmm_rebooting;
/* cr.c: MOV to/from CRn, LMSW, CLTS */
int vmm_handle_cr(struct vmm_vcpu *vcpu, const struct vmm_exit *exit);

/* fpu.c */
long vmm_fpu_ioctl(struct vmm_vcpu *vcpu, unsigned int ioctl,
		   void __user *argp);
int vmm_handle_xsetbv(struct vmm_vcpu *vcpu, const struct vmm_exit *exit);
void vmm_fpu_setup(void);
void vmm_load_guest_xsave_state(struct vmm_vcpu *vcpu);
void vmm_load_host_xsave_state(struct vmm_vcpu *vcpu);

#endif /* VMM_KMOD_VMM_H */
