/* SPDX-License-Identifier: GPL-2.0 */
/* Coalesced MMIO: writes to userspace's zones buffered in a ring (coalesced_mmio.c). */
#ifndef VMM_COALESCED_MMIO_H
#define VMM_COALESCED_MMIO_H

#include <linux/kvm.h>
#include <linux/types.h>

struct vmm_vm;
struct page;

int vmm_coalesced_mmio_init(struct vmm_vm *vm);
void vmm_coalesced_mmio_destroy(struct vmm_vm *vm);
/* The ring's page, for the vCPU fd's mmap at KVM_COALESCED_MMIO_PAGE_OFFSET. */
struct page *vmm_coalesced_mmio_page(struct vmm_vm *vm);
int vmm_register_coalesced_mmio(struct vmm_vm *vm,
				const struct kvm_coalesced_mmio_zone *zone);
int vmm_unregister_coalesced_mmio(struct vmm_vm *vm,
				  const struct kvm_coalesced_mmio_zone *zone);
bool vmm_coalesced_mmio_write(struct vmm_vm *vm, u64 gpa, const void *data,
			      unsigned int len);

#endif
