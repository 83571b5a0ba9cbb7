/* SPDX-License-Identifier: GPL-2.0 */
/* KVM_IOEVENTFD: guest writes that signal an eventfd (ioeventfd.c). */
#ifndef VMM_IOEVENTFD_H
#define VMM_IOEVENTFD_H

#include <linux/kvm.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>

struct vmm_vm;
struct vmm_ioeventfd_bus;

/* The address spaces a guest write can hit (KVM's PIO and MMIO buses). */
enum vmm_ioeventfd_space { VMM_IOEVENTFD_PIO, VMM_IOEVENTFD_MMIO,
			   VMM_IOEVENTFD_SPACES };

struct vmm_ioeventfds {
	struct mutex lock;        /* changes: the list and the buses */
	struct list_head list;    /* every registration */
	unsigned int nr;
	/* Sorted by address, read by vCPUs under RCU. */
	struct vmm_ioeventfd_bus __rcu *bus[VMM_IOEVENTFD_SPACES];
};

/* At most this many per VM (KVM's own bound is the memory cgroup). */
#define VMM_MAX_IOEVENTFDS 4096

void vmm_ioeventfd_init(struct vmm_vm *vm);
void vmm_ioeventfd_destroy(struct vmm_vm *vm);
int vmm_ioeventfd_ioctl(struct vmm_vm *vm, const struct kvm_ioeventfd *args);
/* A guest write of len bytes at addr: true if an ioeventfd took it (the
 * write is done, no exit). */
bool vmm_ioeventfd_write(struct vmm_vm *vm, enum vmm_ioeventfd_space space,
			 u64 addr, unsigned int len, const void *val);

#endif
