/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Dirty page logging (KVM_MEM_LOG_DIRTY_PAGES, KVM_GET_DIRTY_LOG): which
 * guest pages of a slot the guest wrote since the last look. See dirty.c.
 */
#ifndef VMM_KMOD_DIRTY_H
#define VMM_KMOD_DIRTY_H

#include "vmm.h"

/*
 * The most pages one memslot may have: KVM's KVM_MEM_MAX_NR_PAGES (2^31 - 1,
 * 8 TiB), which KVM_SET_USER_MEMORY_REGION enforces for every slot. It keeps
 * a slot's two bitmaps under 512 MiB and a page index in an int.
 */
#define VMM_MEM_MAX_NR_PAGES ((1ull << 31) - 1)

/* The bitmaps of a slot of npages pages (NULL when out of memory), and their
 * end. Allocated sleeping, outside the locks; vm->lock held (all set if the
 * VM asked for KVM_DIRTY_LOG_INITIALLY_SET). */
unsigned long *vmm_dirty_bitmap_alloc(struct vmm_vm *vm, u64 npages);
void vmm_dirty_bitmap_free(unsigned long *bitmap);

/* Logging starts on a slot that may already be mapped: bitmap installed,
 * every writable mapping made read-only, vCPUs flushed. mmu_lock and
 * vm->lock held. */
void vmm_dirty_log_start(struct vmm_vm *vm, struct vmm_memslot *s,
			 unsigned long *bitmap);
/* Logging stops: the bitmap to free once the locks are dropped (both
 * held); read-only mappings become writable on their next write fault. */
unsigned long *vmm_dirty_log_stop(struct vmm_vm *vm, struct vmm_memslot *s);

/* Does the guest get a writable mapping on a read fault of this slot? Not
 * while it logs: its first write must fault. */
static inline bool vmm_dirty_map_writable_on_read(const struct vmm_memslot *s)
{
	return !s->dirty_bitmap;
}

/* The guest (or emulation for it) wrote page gfn of s. With mmu_lock or
 * vm->lock held (either keeps the bitmap alive). */
void vmm_mark_page_dirty(struct vmm_memslot *s, u64 gfn);

/* KVM_GET_DIRTY_LOG, KVM_CLEAR_DIRTY_LOG. */
int vmm_get_dirty_log(struct vmm_vm *vm, const struct kvm_dirty_log *log);
int vmm_clear_dirty_log(struct vmm_vm *vm,
			const struct kvm_clear_dirty_log *log);

/* What KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 answers; KVM_ENABLE_CAP of it. */
#define VMM_DIRTY_LOG_MANUAL_CAPS \
	(KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE | KVM_DIRTY_LOG_INITIALLY_SET)
int vmm_dirty_log_enable_manual(struct vmm_vm *vm,
				const struct kvm_enable_cap *cap);

#endif /* VMM_KMOD_DIRTY_H */
