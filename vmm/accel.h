/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The accelerator: /dev/vmm or /dev/kvm, driven through the KVM ioctl ABI.
 * The monitor asks for capabilities and adapts.
 */
#ifndef VMM_ACCEL_H
#define VMM_ACCEL_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/kvm.h>

#include "vmm/config.h"

struct accel {
	const char *device;
	int sys_fd;
	int vm_fd;
	int vcpu_fd;
	struct kvm_run *run;
	size_t run_size;
	bool readonly_mem;   /* KVM_CAP_READONLY_MEM */
	/* KVM_MEM_LOG_DIRTY_PAGES was refused once (EINVAL): not asked for
	 * again. */
	bool no_dirty_log;
	uint64_t slots_used; /* bit n: memory slot n holds a mapping */
	/* KVM_CAP_COALESCED_MMIO: the VM's ring in the vCPU mapping, or
	 * NULL where the accelerator has none. */
	struct kvm_coalesced_mmio_ring *coalesced_ring;
};

/* Slot numbers the monitor hands out: 0..ACCEL_MAX_SLOTS-1 (vmm.ko has
 * 32, KVM more; KVM_CAP_NR_MEMSLOTS bounds it further). */
#define ACCEL_MAX_SLOTS 32

#define ACCEL_MAP_READONLY  0x1u  /* where the accelerator can */
#define ACCEL_MAP_DIRTY_LOG 0x2u  /* where the accelerator can */

/* Open the device cfg asks for (env VMM_DEV overrides the path) and create
 * a VM. 0, or -1 with a message in err. */
int accel_open(struct accel *a, enum vm_accel which, char *err, size_t errlen);
void accel_close(struct accel *a);

/* Back [gpa, gpa+size) with host memory hva. */
int accel_map(struct accel *a, uint64_t gpa, uint64_t size, void *hva,
	      bool readonly, char *err, size_t errlen);

/* The same in a free slot, for mappings that come and go (a VRAM BAR):
 * the slot number, or -1 with a message in err (errno kept: EEXIST when it
 * overlaps another slot). *got: the ACCEL_MAP_* flags in force (dirty
 * logging only when the accelerator took it). A KVM slot cannot move: to
 * move a mapping, unmap it and map it again. */
int accel_map_slot(struct accel *a, uint64_t gpa, uint64_t size, void *hva,
		   unsigned flags, unsigned *got, char *err, size_t errlen);
/* Delete the slot (KVM_SET_USER_MEMORY_REGION with size 0); the number is
 * free again. 0 or -1 with errno. */
int accel_unmap_slot(struct accel *a, int slot);
/* KVM_GET_DIRTY_LOG: the pages of the slot written since the last call
 * (bit i = page i of the slot, 64 per word, the slot's size rounded up to
 * 64 pages), and the accelerator's log cleared. 0 or -1 with errno. */
int accel_get_dirty_log(struct accel *a, int slot, uint64_t *bitmap);

/*
 * Coalesced MMIO: writes into [gpa, gpa + size) need no exit; the
 * accelerator keeps them in a ring the monitor replays, in order, with
 * accel_flush_coalesced() before it handles any exit or looks at device
 * state. 0, or -1 where the accelerator cannot (the writes then exit as
 * before).
 */
int accel_coalesce_mmio(struct accel *a, uint64_t gpa, uint32_t size);
/* Hand every write in the ring to write(), oldest first, and empty it. */
void accel_flush_coalesced(struct accel *a,
			   void (*write)(void *opaque, uint64_t gpa,
					 unsigned len, uint64_t value),
			   void *opaque);

/* Create vCPU 0, map its kvm_run, give it the CPUID table the platform
 * wants (APIC hidden: interrupts come from the 8259 pair in userspace). */
int accel_create_vcpu(struct accel *a, char *err, size_t errlen);

#endif /* VMM_ACCEL_H */
