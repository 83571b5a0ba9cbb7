// SPDX-License-Identifier: GPL-2.0
/*
 * Coalesced MMIO, as KVM's KVM_REGISTER_COALESCED_MMIO (api.rst 4.116 and
 * the KVM_CAP_COALESCED_MMIO note): userspace names guest-physical ranges
 * whose writes need no answer and no ordering against the vCPU beyond "before
 * the next exit" (a VGA text window, a frame buffer behind MMIO). An
 * emulated write there is appended to a ring shared with userspace instead
 * of leaving KVM_RUN; userspace replays the ring on each exit, before it
 * handles the exit, so a later read or port access of the device sees the
 * writes. A full ring makes the write an ordinary KVM_EXIT_MMIO.
 *
 * The ring is one page per VM, mapped by every vCPU fd at page
 * KVM_COALESCED_MMIO_PAGE_OFFSET. The module writes entries and `last`;
 * userspace writes `first`. Both indices are read from memory userspace can
 * write, so both are checked before use (KVM's CVE-2019-14821: an index
 * from userspace used unchecked wrote past the ring). One entry always
 * stays free, as in KVM: first == last is empty, last + 1 == first full.
 * Writes from several vCPUs take coalesced_lock, which also guards the
 * zones.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/spinlock.h>

#include "coalesced_mmio.h"
#include "vmm.h"

int vmm_coalesced_mmio_init(struct vmm_vm *vm)
{
	spin_lock_init(&vm->coalesced_lock);
	vm->coalesced_ring = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	return vm->coalesced_ring ? 0 : -ENOMEM;
}

/* The page lives on while userspace still maps it (the mapping holds a
 * reference, vcpu.c). */
void vmm_coalesced_mmio_destroy(struct vmm_vm *vm)
{
	free_page((unsigned long)vm->coalesced_ring);
	vm->coalesced_ring = NULL;
}

struct page *vmm_coalesced_mmio_page(struct vmm_vm *vm)
{
	return virt_to_page(vm->coalesced_ring);
}

/* [addr, addr + len) inside the zone, without overflow. */
static bool zone_holds(const struct kvm_coalesced_mmio_zone *z, u64 addr,
		       u64 len)
{
	return addr >= z->addr && addr - z->addr < z->size &&
	       len <= z->size - (addr - z->addr);
}

/*
 * KVM_REGISTER_COALESCED_MMIO. Port I/O zones (pio = 1, KVM_CAP_COALESCED_PIO)
 * are not there: -EINVAL, as KVM answers for any pio value it does not
 * know. Zones may overlap (KVM does not check either); at most
 * KVM_COALESCED_MMIO_ZONE_MAX, then -ENOSPC as in KVM.
 */
int vmm_register_coalesced_mmio(struct vmm_vm *vm,
				const struct kvm_coalesced_mmio_zone *zone)
{
	int r = 0;

	if (zone->pio != 0)
		return -EINVAL;
	spin_lock(&vm->coalesced_lock);
	if (vm->nr_coalesced_zones >= VMM_COALESCED_ZONES)
		r = -ENOSPC;
	else
		vm->coalesced_zones[vm->nr_coalesced_zones++] = *zone;
	spin_unlock(&vm->coalesced_lock);
	return r;
}

/* KVM_UNREGISTER_COALESCED_MMIO: every zone lying wholly inside the range
 * goes (KVM's rule); none is not an error. */
int vmm_unregister_coalesced_mmio(struct vmm_vm *vm,
				  const struct kvm_coalesced_mmio_zone *zone)
{
	unsigned int i = 0;

	if (zone->pio != 0)
		return -EINVAL;
	spin_lock(&vm->coalesced_lock);
	while (i < vm->nr_coalesced_zones) {
		struct kvm_coalesced_mmio_zone *z = &vm->coalesced_zones[i];

		if (z->size && zone_holds(zone, z->addr, z->size))
			*z = vm->coalesced_zones[--vm->nr_coalesced_zones];
		else
			i++;
	}
	spin_unlock(&vm->coalesced_lock);
	return 0;
}

/*
 * An emulated MMIO write of len (1..8) bytes at gpa: true if it went into
 * the ring (the vCPU goes on in the guest), false if it must exit.
 */
bool vmm_coalesced_mmio_write(struct vmm_vm *vm, u64 gpa, const void *data,
			      unsigned int len)
{
	struct kvm_coalesced_mmio_ring *ring = vm->coalesced_ring;
	struct kvm_coalesced_mmio *e;
	bool in_zone = false;
	unsigned int i;
	u32 first, last;

	if (!len || len > sizeof(e->data) || !READ_ONCE(vm->nr_coalesced_zones))
		return false;
	spin_lock(&vm->coalesced_lock);
	for (i = 0; i < vm->nr_coalesced_zones && !in_zone; i++)
		in_zone = zone_holds(&vm->coalesced_zones[i], gpa, len);
	first = READ_ONCE(ring->first);
	last = READ_ONCE(ring->last);
	if (!in_zone || first >= KVM_COALESCED_MMIO_MAX ||
	    last >= KVM_COALESCED_MMIO_MAX ||
	    (last + 1) % KVM_COALESCED_MMIO_MAX == first) {
		spin_unlock(&vm->coalesced_lock);
		return false;
	}
	e = &ring->coalesced_mmio[last];
	e->phys_addr = gpa;
	e->len = len;
	e->pio = 0;
	memset(e->data, 0, sizeof(e->data));
	memcpy(e->data, data, len);
	/* The entry before the index that publishes it (userspace reads
	 * last, then the entry). */
	smp_wmb();
	WRITE_ONCE(ring->last, (last + 1) % KVM_COALESCED_MMIO_MAX);
	spin_unlock(&vm->coalesced_lock);
	return true;
}
