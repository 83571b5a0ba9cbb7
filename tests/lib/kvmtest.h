/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmtest: a small helper library for userspace tests that drive the KVM
 * ioctl ABI, on /dev/vmm (our module) or /dev/kvm (the reference).
 *
 * Conventions:
 *  - Functions returning int return 0 (or a non-negative value) on success
 *    and -errno on failure; nothing here calls exit() or abort(), so callers
 *    can assert on the results.
 *  - Functions that check an exit (kt_run_expect_*) print a one-line
 *    explanation to stderr when the exit is not the expected one, so a failed
 *    assertion in a test comes with the reason.
 *  - Guest physical memory layout: see guest-layout.h.
 */
#ifndef KVMTEST_H
#define KVMTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>

#include "guest-layout.h"

#define KT_API_VERSION	12
#define KT_MAX_SLOTS	8

struct kt_slot {
	bool used;
	uint32_t slot;
	uint64_t gpa;
	uint64_t size;
	void *host;		/* mmap'ed anonymous memory backing the slot */
};

struct kt_vm {
	const char *device;	/* path the system fd was opened from */
	int sys_fd;
	int vm_fd;
	struct kt_slot slots[KT_MAX_SLOTS];
};

struct kt_vcpu {
	struct kt_vm *vm;
	int fd;
	unsigned int id;
	struct kvm_run *run;
	size_t run_size;
};

/* --- device and raw ioctls --------------------------------------------- */

/* $VMM_DEV, else /dev/vmm if it exists, else /dev/kvm. */
const char *kt_device_path(void);

/* Open the device and check KVM_GET_API_VERSION == 12 (-EPROTO if not).
 * Returns the system fd or -errno. */
int kt_open_system(const char *path);

/* ioctl() returning its non-negative result, or -errno. */
int kt_ioctl(int fd, unsigned long request, void *arg);
int kt_ioctl_value(int fd, unsigned long request, unsigned long arg);

/* KVM_CHECK_EXTENSION on any fd: >= 0 answer or -errno. */
int kt_check_extension(int fd, long capability);

/* --- VMs and memory --------------------------------------------------- */

/* Open kt_device_path() and create a VM of the default type. */
int kt_vm_create(struct kt_vm *vm);
/* Close the VM and system fds and unmap all slot memory. Safe on a
 * zeroed/failed kt_vm and safe to call twice. */
void kt_vm_destroy(struct kt_vm *vm);

/* Raw KVM_SET_USER_MEMORY_REGION, for argument-checking tests. */
int kt_set_memory_region(int vm_fd, uint32_t slot, uint32_t flags,
			 uint64_t gpa, uint64_t size, uint64_t host_address);

/* mmap zeroed anonymous memory of `size` bytes and register it as `slot`
 * at `gpa`. On success *host (if not NULL) points to the memory. */
int kt_vm_add_memory(struct kt_vm *vm, uint32_t slot, uint64_t gpa,
		     uint64_t size, void **host);
/* The same with KVM_SET_USER_MEMORY_REGION flags (e.g. KVM_MEM_READONLY). */
int kt_vm_add_memory_flags(struct kt_vm *vm, uint32_t slot, uint32_t flags,
			   uint64_t gpa, uint64_t size, void **host);
/* Delete the slot (memory_size 0) and unmap its memory. */
int kt_vm_delete_memory(struct kt_vm *vm, uint32_t slot);

/* Host address of guest physical `gpa` if [gpa, gpa+len) lies inside one
 * slot, else NULL. */
void *kt_gpa_to_host(struct kt_vm *vm, uint64_t gpa, size_t len);

/* Copy bytes into guest memory (-EFAULT if not entirely inside a slot). */
int kt_write_guest(struct kt_vm *vm, uint64_t gpa, const void *bytes,
		   size_t len);

/* --- vCPUs ------------------------------------------------------------ */

/* Create vCPU `id` and mmap its kvm_run. */
int kt_vcpu_create(struct kt_vm *vm, unsigned int id, struct kt_vcpu *vcpu);
/* Unmap kvm_run and close the fd. Safe on a zeroed kt_vcpu, and twice. */
void kt_vcpu_destroy(struct kt_vcpu *vcpu);

int kt_get_regs(struct kt_vcpu *vcpu, struct kvm_regs *regs);
int kt_set_regs(struct kt_vcpu *vcpu, const struct kvm_regs *regs);
int kt_get_sregs(struct kt_vcpu *vcpu, struct kvm_sregs *sregs);
int kt_set_sregs(struct kt_vcpu *vcpu, const struct kvm_sregs *sregs);

/* Real mode at cs:ip, all data segments = cs, SP = KT_STACK_TOP. */
int kt_vcpu_setup_real_mode(struct kt_vcpu *vcpu, uint16_t cs, uint16_t ip);

/* The SREGS the 32-bit protected-mode setup uses (flat 4 GiB segments,
 * CR0 = PE|ET, no paging), so tests can compare what KVM_GET_SREGS gives. */
void kt_protected_mode_sregs(struct kvm_sregs *sregs);
/* 32-bit protected mode at eip; writes the GDT (KT_GDT_GPA) and TSS into
 * guest memory so the guest may reload segments from it. */
int kt_vcpu_setup_protected_mode(struct kt_vcpu *vcpu, uint32_t eip);

/* The SREGS of the long-mode setup (EFER.LME|LMA, CR0.PE|PG, CR4.PAE,
 * CR3 = KT_PAGE_TABLES_GPA, CS.L = 1). */
void kt_long_mode_sregs(struct kvm_sregs *sregs);
/* Build identity-mapped page tables for the first KT_IDENTITY_MAP_GIB GiB at
 * KT_PAGE_TABLES_GPA (needs guest memory up to KT_PAGE_TABLES_END). */
int kt_build_identity_page_tables(struct kt_vm *vm);
/* 64-bit long mode at rip: GDT, TSS, page tables, SREGS, REGS. */
int kt_vcpu_setup_long_mode(struct kt_vcpu *vcpu, uint64_t rip);

/* --- interrupts and exceptions -------------------------------------- */

/* Point vector `vector` at `handler`, for the vCPU's current mode (read with
 * KVM_GET_SREGS, so set the mode up first): in long mode a 16-byte interrupt
 * gate (selector KT_SEL_CODE64) and in protected mode an 8-byte 32-bit
 * interrupt gate (KT_SEL_CODE32), both in an IDT at KT_IDT_GPA; in real
 * mode the IVT entry 0000:handler at vector * 4.  IDTR is set to cover all
 * 256 vectors (KVM_SET_SREGS). */
int kt_vcpu_set_idt_gate(struct kt_vcpu *vcpu, uint8_t vector,
			 uint64_t handler);
/* Vectors first .. first + count - 1 to handlers `stride` bytes apart,
 * starting at `handlers` (e.g. the stubs of tests/guests/guest-idt.h). */
int kt_vcpu_set_idt_gates(struct kt_vcpu *vcpu, unsigned int first,
			  unsigned int count, uint64_t handlers,
			  unsigned int stride);

/* --- MSRs and CPUID --------------------------------------------------- */

/* KVM_GET_MSRS / KVM_SET_MSRS of one MSR: 1 when done, 0 when the device
 * refused that MSR, -errno when the ioctl failed. */
int kt_get_msr(struct kt_vcpu *vcpu, uint32_t index, uint64_t *value);
int kt_set_msr(struct kt_vcpu *vcpu, uint32_t index, uint64_t value);

/* KVM_GET_SUPPORTED_CPUID with a table grown until it fits: a malloc'ed
 * struct kvm_cpuid2 (free() it), or NULL with errno set. */
struct kvm_cpuid2 *kt_get_supported_cpuid(int sys_fd);
/* The entry for function/index (index compared only where the entry has
 * KVM_CPUID_FLAG_SIGNIFCANT_INDEX, as KVM does), or NULL. */
struct kvm_cpuid_entry2 *kt_cpuid_find(struct kvm_cpuid2 *cpuid,
				       uint32_t function, uint32_t index);
/* KVM_SET_CPUID2 with these entries. */
int kt_set_cpuid(struct kt_vcpu *vcpu, const struct kvm_cpuid_entry2 *entries,
		 unsigned int nent);

/* --- running ---------------------------------------------------------- */

/* KVM_RUN once: returns run->exit_reason (>= 0) or -errno. */
int kt_run(struct kt_vcpu *vcpu);

const char *kt_exit_reason_name(uint32_t reason);
/* One line describing the last exit, e.g. "IO out port 0x80 size 1 ...". */
void kt_describe_exit(const struct kt_vcpu *vcpu, char *buf, size_t size);

/* Pointer to the PIO data of the current KVM_EXIT_IO exit. */
void *kt_io_data(struct kt_vcpu *vcpu);

/* Is the current exit KVM_EXIT_IO with exactly these fields? Prints why
 * not to stderr. */
bool kt_exit_is_io(const struct kt_vcpu *vcpu, uint8_t direction,
		   uint16_t port, uint8_t size, uint32_t count);

/* Run once and expect an OUT of one `size`-byte value to `port`; the value
 * goes to *value. Returns 0, -EPROTO on another exit, or -errno of KVM_RUN. */
int kt_run_expect_out(struct kt_vcpu *vcpu, uint16_t port, uint8_t size,
		      uint32_t *value);

/* Run once and expect an IN of one `size`-byte value from `port`; stores
 * `value` so the guest receives it on the next KVM_RUN. */
int kt_run_expect_in(struct kt_vcpu *vcpu, uint16_t port, uint8_t size,
		     uint32_t value);

/* Is the current exit KVM_EXIT_MMIO with exactly these fields? Prints why
 * not to stderr. */
bool kt_exit_is_mmio(const struct kt_vcpu *vcpu, uint64_t gpa, uint32_t len,
		     bool is_write);

/* Run once and expect exit `reason` (-EPROTO on another). */
int kt_run_expect_exit(struct kt_vcpu *vcpu, uint32_t reason);

#endif
