// SPDX-License-Identifier: GPL-2.0
/*
 * Dirty page logging, as KVM's KVM_MEM_LOG_DIRTY_PAGES / KVM_GET_DIRTY_LOG
 * (Documentation/virt/kvm/api.rst, 4.8 and 4.35): while a slot logs, the
 * VMM can ask which of its pages the guest wrote since it last asked (a
 * display scanning its framebuffer, live migration).
 *
 * The mechanism is write protection in the nested page tables, as KVM's on
 * AMD (no page-modification logging there): while a slot logs, a read fault
 * maps its page read-only, and a write fault sets the page's bit in the
 * slot's live bitmap and maps it writable, both under mmu_lock (mem.c). So
 * a writable leaf of a logging slot always has its bit set. KVM_GET_DIRTY_LOG
 * then, under mmu_lock, takes the live bits (xchg: cleared), write-protects
 * the pages they name, and makes every vCPU drop its TLB before the lock
 * goes (flush_all_vcpus waits until no vCPU can still use a writable
 * translation). A write that happened before the flush completed is in
 * this round's bits; one after it faults and lands in the next round.
 * Emulated writes (string INS, MMIO emulation writing RAM) mark their page
 * after the copy, so they are in this round or the next, never lost.
 *
 * With KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 enabled (api.rst 4.117, 7.18),
 * KVM_GET_DIRTY_LOG only copies the live bits out, and KVM_CLEAR_DIRTY_LOG
 * clears the bits userspace names and write-protects those pages, the same
 * way under mmu_lock; with KVM_DIRTY_LOG_INITIALLY_SET a new log starts
 * with every bit set and nothing write-protected (which a set bit allows).
 *
 * The nested tables map 4 KiB pages only (svm/npt.c), so a bit is a leaf.
 * Pages of read-only slots never get a bit: guest writes to them are MMIO.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/bitmap.h>
#include <linux/compat.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "backend.h"
#include "dirty.h"

static size_t bitmap_longs(u64 npages)
{
	return BITS_TO_LONGS(npages);
}

/* The live bitmap, then the copy handed out (as KVM's second bitmap). One
 * allocation: npages <= VMM_MEM_MAX_NR_PAGES, so 2 * 2^25 longs at most. */
static bool initially_set(const struct vmm_vm *vm)
{
	return (vm->manual_dirty_log_protect &
		KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE) &&
	       (vm->manual_dirty_log_protect & KVM_DIRTY_LOG_INITIALLY_SET);
}

unsigned long *vmm_dirty_bitmap_alloc(struct vmm_vm *vm, u64 npages)
{
	unsigned long *bitmap;

	lockdep_assert_held(&vm->lock);
	if (WARN_ON_ONCE(!npages || npages > VMM_MEM_MAX_NR_PAGES))
		return NULL;
	bitmap = kvcalloc(2 * bitmap_longs(npages), sizeof(long),
			  GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (bitmap && initially_set(vm))
		bitmap_set(bitmap, 0, npages);
	return bitmap;
}

void vmm_dirty_bitmap_free(unsigned long *bitmap)
{
	kvfree(bitmap);
}

void vmm_dirty_log_start(struct vmm_vm *vm, struct vmm_memslot *s,
			 unsigned long *bitmap)
{
	lockdep_assert_held(&vm->lock);
	lockdep_assert_held(&vm->mmu_lock);
	s->dirty_bitmap = bitmap;
	/* Pages the guest wrote before are not dirty in this log (KVM starts
	 * with an empty one too): their next write faults and counts. An
	 * initially set log needs no protection until it is cleared. */
	if (!initially_set(vm) &&
	    vmm_backend->write_protect_range(vm, s->base_gfn << PAGE_SHIFT,
					     s->npages << PAGE_SHIFT))
		vmm_flush_all_vcpus(vm);
	/* A fault that looked the slot up before maps nothing: it may have
	 * decided on a writable leaf. */
	vm->mmu_invalidate_seq++;
}

unsigned long *vmm_dirty_log_stop(struct vmm_vm *vm, struct vmm_memslot *s)
{
	unsigned long *bitmap = s->dirty_bitmap;

	lockdep_assert_held(&vm->lock);
	lockdep_assert_held(&vm->mmu_lock);
	s->dirty_bitmap = NULL;
	/* Faults that looked the slot up before may still want the bitmap. */
	vm->mmu_invalidate_seq++;
	return bitmap;
}

void vmm_mark_page_dirty(struct vmm_memslot *s, u64 gfn)
{
	unsigned long *bitmap = s->dirty_bitmap;

	if (!bitmap || (s->flags & KVM_MEM_READONLY))
		return;
	if (WARN_ON_ONCE(gfn < s->base_gfn || gfn - s->base_gfn >= s->npages))
		return;
	/* Atomic: a write fault (mmu_lock) and an emulated write (vm->lock)
	 * may mark the same long at once. */
	set_bit(gfn - s->base_gfn, bitmap);
}

/*
 * Take the live bits into the copy, clearing them, and write-protect what
 * they name; the vCPUs have flushed when this returns. mmu_lock held.
 */
static void take_dirty_bits(struct vmm_vm *vm, struct vmm_memslot *s)
{
	size_t i, longs = bitmap_longs(s->npages);
	unsigned long *live = s->dirty_bitmap, *copy = live + longs;
	unsigned int start, end;
	bool protected = false;

	lockdep_assert_held(&vm->mmu_lock);
	for (i = 0; i < longs; i++)
		copy[i] = READ_ONCE(live[i]) ? xchg(&live[i], 0) : 0;
	for_each_set_bitrange(start, end, copy, s->npages)
		protected |= vmm_backend->write_protect_range(vm,
				(s->base_gfn + start) << PAGE_SHIFT,
				(u64)(end - start) << PAGE_SHIFT);
	if (protected)
		vmm_flush_all_vcpus(vm);
}

/* The copy could not be handed out: its bits go back to the live bitmap
 * for the next call, so no write is lost (the pages stay write-protected,
 * which a set bit allows). mmu_lock held. */
static void give_back_dirty_bits(struct vmm_vm *vm, struct vmm_memslot *s)
{
	size_t longs = bitmap_longs(s->npages);
	unsigned long *live = s->dirty_bitmap, *copy = live + longs;
	unsigned int bit;

	lockdep_assert_held(&vm->mmu_lock);
	for_each_set_bit(bit, copy, s->npages)
		set_bit(bit, live);
}

/* A 32-bit process gives a 32-bit pointer in the 64-bit field. */
static void __user *user_bitmap(u64 field)
{
	if (in_compat_syscall())
		return compat_ptr((u32)field);
	return u64_to_user_ptr(field);
}

/* The logging slot of a KVM_GET/CLEAR_DIRTY_LOG; vm->lock held. */
static int logging_slot(struct vmm_vm *vm, u32 slot, struct vmm_memslot **s)
{
	u16 as_id = slot >> 16, id = (u16)slot;

	if (as_id != 0 || id >= VMM_MAX_MEMSLOTS) /* no SMM address space */
		return -EINVAL;
	*s = vm->slots[id];
	return *s && (*s)->dirty_bitmap ? 0 : -ENOENT;
}

/*
 * KVM_GET_DIRTY_LOG: slot id (address space in the high 16 bits, as
 * KVM_SET_USER_MEMORY_REGION), and where BITS_TO_LONGS(npages) longs of
 * bitmap go. As KVM (kvm_get_dirty_log_protect): -EINVAL for a slot id out
 * of range, -ENOENT for a slot that does not exist or does not log,
 * -EFAULT if the bitmap cannot be written. vm->lock is held throughout:
 * calls are one at a time, and the slot (and its bitmap) cannot go or stop
 * logging meanwhile; the copy to userspace may fault and sleep under it
 * (nothing the fault path of the owner's memory takes needs vm->lock).
 */
int vmm_get_dirty_log(struct vmm_vm *vm, const struct kvm_dirty_log *log)
{
	void __user *ubitmap = user_bitmap(log->padding2);
	struct vmm_memslot *s;
	size_t bytes;
	int r;

	mutex_lock(&vm->lock);
	r = logging_slot(vm, log->slot, &s);
	if (r)
		goto out;
	bytes = bitmap_longs(s->npages) * sizeof(long);
	if (vm->manual_dirty_log_protect &
	    KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE) {
		/* Only a look: KVM_CLEAR_DIRTY_LOG clears. A bit set while
		 * this copies is seen now or next time. */
		if (copy_to_user(ubitmap, s->dirty_bitmap, bytes))
			r = -EFAULT;
		goto out;
	}
	spin_lock(&vm->mmu_lock);
	take_dirty_bits(vm, s);
	spin_unlock(&vm->mmu_lock);
	if (copy_to_user(ubitmap, s->dirty_bitmap + bitmap_longs(s->npages),
			 bytes)) {
		spin_lock(&vm->mmu_lock);
		give_back_dirty_bits(vm, s);
		spin_unlock(&vm->mmu_lock);
		r = -EFAULT;
	}
out:
	mutex_unlock(&vm->lock);
	return r;
}

/*
 * KVM_CLEAR_DIRTY_LOG: clear the bits of [first_page, first_page +
 * num_pages) that userspace's bitmap (bit 0 = first_page) names, and
 * write-protect those pages, so their next write is caught. KVM's checks
 * (kvm_clear_dirty_log_protect): first_page a multiple of 64, the range
 * inside the slot, num_pages a multiple of 64 unless it reaches the end.
 * Only bits that were set are cleared and protected.
 */
int vmm_clear_dirty_log(struct vmm_vm *vm,
			const struct kvm_clear_dirty_log *log)
{
	void __user *ubitmap = user_bitmap(log->padding2);
	unsigned long *live, *wanted;
	size_t i, first, longs;
	struct vmm_memslot *s;
	bool protected = false;
	int r;

	if (log->first_page & 63)
		return -EINVAL;
	mutex_lock(&vm->lock);
	r = logging_slot(vm, log->slot, &s);
	if (r)
		goto out;
	if (log->first_page > s->npages ||
	    log->num_pages > s->npages - log->first_page ||
	    (log->num_pages < s->npages - log->first_page &&
	     (log->num_pages & 63))) {
		r = -EINVAL;
		goto out;
	}
	/* Into the copy half: no KVM_GET_DIRTY_LOG uses it meanwhile
	 * (vm->lock). */
	first = log->first_page / BITS_PER_LONG;
	longs = BITS_TO_LONGS(log->num_pages);
	live = s->dirty_bitmap;
	wanted = live + bitmap_longs(s->npages);
	if (copy_from_user(wanted, ubitmap, longs * sizeof(long))) {
		r = -EFAULT;
		goto out;
	}
	spin_lock(&vm->mmu_lock);
	for (i = 0; i < longs; i++) {
		unsigned long mask = wanted[i];
		unsigned int start, end;

		if (!mask)
			continue;
		/* The bits really cleared: never any past the slot's end
		 * (they are never set), whatever userspace passed. */
		mask &= atomic_long_fetch_andnot(mask,
				(atomic_long_t *)&live[first + i]);
		for_each_set_bitrange(start, end, &mask, BITS_PER_LONG)
			protected |= vmm_backend->write_protect_range(vm,
				(s->base_gfn + (first + i) * BITS_PER_LONG +
				 start) << PAGE_SHIFT,
				(u64)(end - start) << PAGE_SHIFT);
	}
	if (protected)
		vmm_flush_all_vcpus(vm);
	spin_unlock(&vm->mmu_lock);
out:
	mutex_unlock(&vm->lock);
	return r;
}

/* KVM_ENABLE_CAP(KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2), as KVM's: args[0]
 * the KVM_DIRTY_LOG_* bits (INITIALLY_SET only with MANUAL_PROTECT_ENABLE),
 * 0 turns it off; flags must be 0. */
int vmm_dirty_log_enable_manual(struct vmm_vm *vm,
				const struct kvm_enable_cap *cap)
{
	u64 allowed = KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE;

	if (cap->args[0] & KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE)
		allowed = VMM_DIRTY_LOG_MANUAL_CAPS;
	if (cap->flags || (cap->args[0] & ~allowed))
		return -EINVAL;
	mutex_lock(&vm->lock);
	vm->manual_dirty_log_protect = cap->args[0];
	mutex_unlock(&vm->lock);
	return 0;
}
