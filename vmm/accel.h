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
	unsigned next_slot;
};

/* Open the device cfg asks for (env VMM_DEV overrides the path) and create
 * a VM. 0, or -1 with a message in err. */
int accel_open(struct accel *a, enum vm_accel which, char *err, size_t errlen);
void accel_close(struct accel *a);

/* Back [gpa, gpa+size) with host memory hva. */
int accel_map(struct accel *a, uint64_t gpa, uint64_t size, void *hva,
	      bool readonly, char *err, size_t errlen);

/* Create vCPU 0, map its kvm_run, give it the CPUID table the platform
 * wants (APIC hidden: interrupts come from the 8259 pair in userspace). */
int accel_create_vcpu(struct accel *a, char *err, size_t errlen);

#endif /* VMM_ACCEL_H */
