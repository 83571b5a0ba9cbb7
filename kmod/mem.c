// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory. Memslots (KVM_SET_USER_MEMORY_REGION) name ranges of the VM
 * owner's address space. A guest page is mapped into the nested page tables
 * when the guest first touches it (nested page fault), to whatever page the
 * owner has at that address at that moment, and the mapping holds no
 * reference on that page: an MMU notifier on the owner's mm hears of every
 * change to its page tables (munmap, MADV_DONTNEED, mremap, fork's
 * write-protection, copy-on-write, swap, migration, THP splits, KSM,
 * writeback's write-protection) before the host lets the old page go, and
 * unmaps it from the guest first. So the guest and its VMM always see the
 * same memory. Nothing is pinned, so nothing is charged to RLIMIT_MEMLOCK:
 * the pages stay the host's to reclaim, move and swap, as with KVM.
 *
 * The order, every time a mapping goes (an invalidation, a slot deleted or
 * moved, the owner's exit): clear the entries, make every vCPU flush its
 * guest TLB and wait until none can still use them, all under mmu_lock, and
 * only then return to the code that frees or reuses the pages. Under the
 * lock, so that an invalidation that finds the entries already cleared by
 * another one cannot return (and let the page go) before that other one's
 * flush is done.
 *
 * A nested page fault races with invalidations the way KVM's does: it reads
 * the invalidation sequence, gets the page (which may sleep: swap-in,
 * userfaultfd, FUSE; vm->lock is not held), then under mmu_lock installs
 * the entry only if no invalidation ran or is running since; otherwise it
 * drops the page and lets the guest fault again.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/io.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/spinlock.h>
#include <linux/swap.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "backend.h"
#include "dirty.h"

/* The flags KVM_SET_USER_MEMORY_REGION accepts. */
#define VMM_MEMSLOT_VALID_FLAGS (KVM_MEM_READONLY | KVM_MEM_LOG_DIRTY_PAGES)

static struct vmm_memslot *slot_for_gfn(struct vmm_vm *vm, u64 gfn)
{
	unsigned int i;

	for (i = 0; i < VMM_MAX_MEMSLOTS; i++) {
		struct vmm_memslot *s = vm->slots[i];

		if (s && gfn >= s->base_gfn && gfn - s->base_gfn < s->npages)
			return s;
	}
	return NULL;
}

static bool overlaps_other_slot(struct vmm_vm *vm, u32 id, u64 gfn, u64 npages)
{
	unsigned int i;

	for (i = 0; i < VMM_MAX_MEMSLOTS; i++) {
		struct vmm_memslot *s = vm->slots[i];

		if (s && i != id && gfn < s->base_gfn + s->npages &&
		    s->base_gfn < gfn + npages)
			return true;
	}
	return false;
}

/* --- unmapping ------------------------------------------------------------ */

/*
 * Make every vCPU forget guest-physical translations, and be sure none is
 * still running on the old ones when this returns. vmm_vcpu_request() sets
 * the request and, for a vCPU in guest mode, sends an IPI and waits until
 * that CPU took it: the IPI forces a #VMEXIT, and the next entry drops the
 * vCPU's ASID (its TLB entries) before VMRUN. A vCPU about to enter cannot
 * miss it: it publishes ->mode = IN_GUEST, then reads ->requests, with
 * interrupts off up to VMRUN (vcpu.c); against our store of the request,
 * then load of ->mode, either it sees the request or we see it in guest
 * mode and interrupt it.
 *
 * Called with mmu_lock held (interrupts stay on: every CPU can take the
 * IPI, also a vCPU thread spinning on this lock). The vCPU list is
 * append-only while the VM lives; a slot not yet filled belongs to a vCPU
 * that has not run.
 */
void vmm_flush_all_vcpus(struct vmm_vm *vm)
{
	unsigned int i, n = READ_ONCE(vm->nr_vcpus);

	lockdep_assert_held(&vm->mmu_lock);
	for (i = 0; i < n; i++) {
		struct vmm_vcpu *vcpu = READ_ONCE(vm->vcpus[i]);

		if (vcpu)
			vmm_vcpu_request(vcpu, VCPU_REQ_TLB_FLUSH);
	}
}

/*
 * The backend cleared a leaf that mapped host page hpa. The page is still
 * alive: the host's own page tables map it until the invalidation we are
 * part of returns (or, for a slot change, for longer), and we hold mmu_lock,
 * which every unmapping of this leaf takes. Hand the guest's use back to the
 * host's bookkeeping, as the host's own unmap does for its PTEs: a writable
 * leaf may have been written through (the leaves are created dirty), so the
 * page is dirty (file-backed memory gets written back; SetPageDirty and not
 * set_page_dirty_lock: the caller may hold the page lock, e.g. writeback's
 * write-protection, and the mapping was tagged dirty when the write fault
 * that made the host PTE writable ran); an accessed one was used lately.
 */
void vmm_guest_page_unmapped(u64 hpa, bool writable, bool young)
{
	unsigned long pfn = hpa >> PAGE_SHIFT;
	struct page *page;

	if (!pfn_valid(pfn))
		return;
	page = pfn_to_page(pfn);
	if (PageReserved(page)) /* the zero page: no state to keep */
		return;
	if (writable)
		SetPageDirty(page);
	if (young)
		mark_page_accessed(page);
}

enum hva_op { HVA_UNMAP, HVA_CLEAR_YOUNG, HVA_TEST_YOUNG };

/* Apply op to what the slots map of the owner's [start, end) (several
 * slots may name the same memory). mmu_lock held. Whether anything was
 * unmapped / young. */
static bool hva_range_op(struct vmm_vm *vm, unsigned long start,
			 unsigned long end, enum hva_op op)
{
	bool hit = false;
	unsigned int i;

	lockdep_assert_held(&vm->mmu_lock);
	start = round_down(start, PAGE_SIZE);
	end = round_up(end, PAGE_SIZE);
	for (i = 0; i < VMM_MAX_MEMSLOTS; i++) {
		struct vmm_memslot *s = vm->slots[i];
		unsigned long s_end, from, to;
		u64 gpa;

		if (!s)
			continue;
		s_end = s->userspace_addr + (s->npages << PAGE_SHIFT);
		from = max(start, s->userspace_addr);
		to = min(end, s_end);
		if (from >= to)
			continue;
		gpa = (s->base_gfn << PAGE_SHIFT) + (from - s->userspace_addr);
		if (op == HVA_UNMAP)
			hit |= vmm_backend->unmap_range(vm, gpa, to - from);
		else
			hit |= vmm_backend->age_range(vm, gpa, to - from,
						      op == HVA_CLEAR_YOUNG);
	}
	return hit;
}

/* A slot goes or moves: its mappings go, and faults that looked it up
 * before retry. mmu_lock held. */
static void unmap_slot(struct vmm_vm *vm, struct vmm_memslot *s)
{
	lockdep_assert_held(&vm->mmu_lock);
	if (vmm_backend->unmap_range(vm, s->base_gfn << PAGE_SHIFT,
				     s->npages << PAGE_SHIFT))
		vmm_flush_all_vcpus(vm);
	vm->mmu_invalidate_seq++;
}

/* --- the MMU notifier: following the owner's address space -------------- */

static struct vmm_vm *notifier_vm(struct mmu_notifier *mn)
{
	return container_of(mn, struct vmm_vm, mmu_notifier);
}

/*
 * The host is about to change the owner's page tables in [start, end):
 * unmap, flush, wait (see the top of the file). Until the matching _end,
 * faults do not map (in_progress), since the page they got may be the one
 * going. Never sleeps, so non-blocking invalidations (the OOM reaper) are
 * served too.
 */
static int notifier_invalidate_range_start(struct mmu_notifier *mn,
					   const struct mmu_notifier_range *range)
{
	struct vmm_vm *vm = notifier_vm(mn);

	spin_lock(&vm->mmu_lock);
	vm->mmu_invalidate_in_progress++;
	if (hva_range_op(vm, range->start, range->end, HVA_UNMAP))
		vmm_flush_all_vcpus(vm);
	spin_unlock(&vm->mmu_lock);
	return 0;
}

/* The host's change is done: faults that started before it retry. */
static void notifier_invalidate_range_end(struct mmu_notifier *mn,
					  const struct mmu_notifier_range *range)
{
	struct vmm_vm *vm = notifier_vm(mn);

	spin_lock(&vm->mmu_lock);
	vm->mmu_invalidate_seq++;
	vm->mmu_invalidate_in_progress--;
	WARN_ON_ONCE(vm->mmu_invalidate_in_progress < 0);
	spin_unlock(&vm->mmu_lock);
}

/*
 * A PTE gets a new page in place (KSM merging, copy-on-write). The host
 * calls this between invalidate_range_start and _end of the same page, so
 * the leaf is gone already; unmapping again is what stays right if not.
 * The new page is mapped by the next fault.
 */
static void notifier_change_pte(struct mmu_notifier *mn, struct mm_struct *mm,
				unsigned long address, pte_t pte)
{
	struct vmm_vm *vm = notifier_vm(mn);

	spin_lock(&vm->mmu_lock);
	if (hva_range_op(vm, address, address + PAGE_SIZE, HVA_UNMAP))
		vmm_flush_all_vcpus(vm);
	spin_unlock(&vm->mmu_lock);
}

/*
 * Reclaim ages pages: did the guest touch any in [start, end) since the
 * last look? The nested leaves' accessed bits say so; clearing them starts
 * a new period, and the flush makes the CPU walk (and set A) again on the
 * next access. clear_young may skip the flush (the host's contract: a
 * cached translation may hide an access for a while).
 */
static int notifier_clear_flush_young(struct mmu_notifier *mn,
				      struct mm_struct *mm,
				      unsigned long start, unsigned long end)
{
	struct vmm_vm *vm = notifier_vm(mn);
	bool young;

	spin_lock(&vm->mmu_lock);
	young = hva_range_op(vm, start, end, HVA_CLEAR_YOUNG);
	if (young)
		vmm_flush_all_vcpus(vm);
	spin_unlock(&vm->mmu_lock);
	return young;
}

static int notifier_clear_young(struct mmu_notifier *mn, struct mm_struct *mm,
				unsigned long start, unsigned long end)
{
	struct vmm_vm *vm = notifier_vm(mn);
	bool young;

	spin_lock(&vm->mmu_lock);
	young = hva_range_op(vm, start, end, HVA_CLEAR_YOUNG);
	spin_unlock(&vm->mmu_lock);
	return young;
}

static int notifier_test_young(struct mmu_notifier *mn, struct mm_struct *mm,
			       unsigned long address)
{
	struct vmm_vm *vm = notifier_vm(mn);
	bool young;

	spin_lock(&vm->mmu_lock);
	young = hva_range_op(vm, address, address + PAGE_SIZE, HVA_TEST_YOUNG);
	spin_unlock(&vm->mmu_lock);
	return young;
}

/* Unmap every slot's pages; mmu_lock held. */
static void unmap_all(struct vmm_vm *vm)
{
	bool any = false;
	unsigned int i;

	for (i = 0; i < VMM_MAX_MEMSLOTS; i++) {
		struct vmm_memslot *s = vm->slots[i];

		if (s)
			any |= vmm_backend->unmap_range(vm,
					s->base_gfn << PAGE_SHIFT,
					s->npages << PAGE_SHIFT);
	}
	if (any)
		vmm_flush_all_vcpus(vm);
	vm->mmu_invalidate_seq++;
}

/*
 * The owner's address space is being torn down (its last user exited),
 * before its pages are freed; or the VM goes (mmu_notifier_unregister calls
 * this while the mm lives). No thread of the owner can fault pages in any
 * more (KVM_RUN is refused to other processes), so once this is done no
 * leaf is left.
 */
static void notifier_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	struct vmm_vm *vm = notifier_vm(mn);

	spin_lock(&vm->mmu_lock);
	unmap_all(vm);
	spin_unlock(&vm->mmu_lock);
}

static const struct mmu_notifier_ops vmm_mmu_notifier_ops = {
	.release = notifier_release,
	.clear_flush_young = notifier_clear_flush_young,
	.clear_young = notifier_clear_young,
	.test_young = notifier_test_young,
	.change_pte = notifier_change_pte,
	.invalidate_range_start = notifier_invalidate_range_start,
	.invalidate_range_end = notifier_invalidate_range_end,
};

/* KVM_CREATE_VM, in the creating process, after the backend's vm_init. */
int vmm_mmu_init(struct vmm_vm *vm)
{
	spin_lock_init(&vm->mmu_lock);
	vm->mmu_notifier.ops = &vmm_mmu_notifier_ops;
	return mmu_notifier_register(&vm->mmu_notifier, current->mm);
}

/*
 * VM teardown (no fd left, so no vCPU runs; the vCPUs still exist), before
 * the backend frees the tables. Unregistering waits for running callbacks
 * and calls release (everything unmapped, flushed) if the mm still lives.
 */
void vmm_mmu_destroy(struct vmm_vm *vm)
{
	unsigned int i;

	mmu_notifier_unregister(&vm->mmu_notifier, vm->mm);
	spin_lock(&vm->mmu_lock);
	unmap_all(vm); /* if the mm had gone first: nothing left, cheap */
	for (i = 0; i < VMM_MAX_MEMSLOTS; i++) {
		if (vm->slots[i])
			vmm_dirty_bitmap_free(vm->slots[i]->dirty_bitmap);
		kfree(vm->slots[i]);
		vm->slots[i] = NULL;
	}
	spin_unlock(&vm->mmu_lock);
	while (vm->tables.nr)
		free_page((unsigned long)vm->tables.pages[--vm->tables.nr]);
}

static int check_region(struct vmm_vm *vm,
			const struct kvm_userspace_memory_region *mem)
{
	u16 as_id = mem->slot >> 16, id = (u16)mem->slot;

	if (mem->flags & ~VMM_MEMSLOT_VALID_FLAGS)
		return -EINVAL;
	if (as_id != 0 || id >= VMM_MAX_MEMSLOTS) /* no SMM address space */
		return -EINVAL;
	if ((mem->memory_size >> PAGE_SHIFT) > VMM_MEM_MAX_NR_PAGES)
		return -EINVAL; /* as KVM: bounds the dirty bitmap too */
	if (!PAGE_ALIGNED(mem->memory_size) ||
	    !PAGE_ALIGNED(mem->guest_phys_addr) ||
	    !PAGE_ALIGNED(mem->userspace_addr))
		return -EINVAL;
	if (mem->guest_phys_addr + mem->memory_size < mem->guest_phys_addr ||
	    mem->guest_phys_addr + mem->memory_size > vmm_backend->max_gpa(vm))
		return -EINVAL;
	if (mem->memory_size &&
	    !access_ok((void __user *)(unsigned long)mem->userspace_addr,
		       mem->memory_size))
		return -EINVAL;
	return 0;
}

static int delete_slot(struct vmm_vm *vm, u16 id)
{
	struct vmm_memslot *s = vm->slots[id];

	if (!s)
		return -EINVAL; /* as KVM: nothing to delete */
	spin_lock(&vm->mmu_lock);
	unmap_slot(vm, s);
	vm->slots[id] = NULL;
	spin_unlock(&vm->mmu_lock);
	/* Nobody can see it: readers hold vm->lock or mmu_lock (a
	 * KVM_GET_DIRTY_LOG holds vm->lock throughout). */
	vmm_dirty_bitmap_free(s->dirty_bitmap);
	kfree(s);
	return 0;
}

/*
 * KVM_MEM_LOG_DIRTY_PAGES turned on or off on an existing slot (KVM's
 * KVM_MR_FLAGS_ONLY, or with a move). The bitmap is allocated before the
 * locks that must not sleep, freed after. vm->lock held.
 */
static int change_slot_flags(struct vmm_vm *vm, struct vmm_memslot *s,
			     u32 flags)
{
	bool log = flags & KVM_MEM_LOG_DIRTY_PAGES;
	unsigned long *bitmap = NULL;

	if (log == !!s->dirty_bitmap) {
		s->flags = flags;
		return 0;
	}
	if (log) {
		bitmap = vmm_dirty_bitmap_alloc(vm, s->npages);
		if (!bitmap)
			return -ENOMEM;
	}
	spin_lock(&vm->mmu_lock);
	s->flags = flags;
	if (log)
		vmm_dirty_log_start(vm, s, bitmap);
	else
		bitmap = vmm_dirty_log_stop(vm, s);
	spin_unlock(&vm->mmu_lock);
	if (!log)
		vmm_dirty_bitmap_free(bitmap);
	return 0;
}

/* KVM_SET_USER_MEMORY_REGION, with KVM's rules: create, delete (size 0),
 * move (new guest address), dirty logging on/off (KVM_MEM_LOG_DIRTY_PAGES,
 * alone or with a move); size, host address and KVM_MEM_READONLY of a slot
 * are fixed.
 * Slot changes take vm->lock (against other changes and fault lookups) and
 * mmu_lock (against the notifier). */
int vmm_set_memory_region(struct vmm_vm *vm,
			  const struct kvm_userspace_memory_region *mem)
{
	u16 id = (u16)mem->slot;
	u64 gfn = mem->guest_phys_addr >> PAGE_SHIFT;
	u64 npages = mem->memory_size >> PAGE_SHIFT;
	struct vmm_memslot *s;
	int r;

	r = check_region(vm, mem);
	if (r)
		return r;

	mutex_lock(&vm->lock);
	s = vm->slots[id];
	if (!npages) {
		r = delete_slot(vm, id);
		goto out;
	}
	if (s) {
		if (s->userspace_addr != mem->userspace_addr ||
		    s->npages != npages ||
		    ((s->flags ^ mem->flags) & KVM_MEM_READONLY)) {
			r = -EINVAL;
			goto out;
		}
		if (s->base_gfn == gfn) {
			r = change_slot_flags(vm, s, mem->flags);
			goto out;
		}
	}
	if (overlaps_other_slot(vm, id, gfn, npages)) {
		r = -EEXIST;
		goto out;
	}
	if (s) { /* move: the old mappings go, the new ones fault in */
		/* Flags first: only it can fail. A bitmap that stays keeps
		 * its bits, as KVM's does over a move. */
		r = change_slot_flags(vm, s, mem->flags);
		if (r)
			goto out;
		spin_lock(&vm->mmu_lock);
		unmap_slot(vm, s);
		s->base_gfn = gfn;
		spin_unlock(&vm->mmu_lock);
		goto out;
	}
	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s) {
		r = -ENOMEM;
		goto out;
	}
	if (mem->flags & KVM_MEM_LOG_DIRTY_PAGES) {
		s->dirty_bitmap = vmm_dirty_bitmap_alloc(vm, npages);
		if (!s->dirty_bitmap) {
			kfree(s);
			r = -ENOMEM;
			goto out;
		}
	}
	s->id = id;
	s->flags = mem->flags;
	s->base_gfn = gfn;
	s->npages = npages;
	s->userspace_addr = mem->userspace_addr;
	spin_lock(&vm->mmu_lock);
	vm->slots[id] = s;
	spin_unlock(&vm->mmu_lock);
out:
	mutex_unlock(&vm->lock);
	return r;
}

/* Where guest page gfn lives in the VM owner's memory; 0 if no slot. */
static unsigned long gfn_to_hva(struct vmm_vm *vm, u64 gfn, bool *writable)
{
	struct vmm_memslot *s;
	unsigned long hva = 0;

	mutex_lock(&vm->lock);
	s = slot_for_gfn(vm, gfn);
	if (s) {
		hva = s->userspace_addr + ((gfn - s->base_gfn) << PAGE_SHIFT);
		if (writable)
			*writable = !(s->flags & KVM_MEM_READONLY);
	}
	mutex_unlock(&vm->lock);
	return hva;
}

bool vmm_gpa_is_ram(struct vmm_vm *vm, u64 gpa, bool *writable)
{
	return gfn_to_hva(vm, gpa >> PAGE_SHIFT, writable) != 0;
}

/* An emulated guest write went to page gfn: after the copy, so that a
 * KVM_GET_DIRTY_LOG in between reports it next time rather than never. */
static void mark_gfn_dirty(struct vmm_vm *vm, u64 gfn)
{
	struct vmm_memslot *s;

	mutex_lock(&vm->lock);
	s = slot_for_gfn(vm, gfn);
	if (s)
		vmm_mark_page_dirty(s, gfn);
	mutex_unlock(&vm->lock);
}

/*
 * Guest RAM by guest-physical address, for emulation (string I/O, page
 * walks, instructions touching RAM). Runs in the VM owner's process (every
 * ioctl checks that), so the slots' addresses are ours to copy from/to.
 * -EFAULT if part of the range is not RAM (or, for writes, read-only).
 */
static int access_guest(struct vmm_vm *vm, u64 gpa, void *buf,
			unsigned int len, bool write)
{
	while (len) {
		unsigned int n = min_t(u64, len, PAGE_SIZE - offset_in_page(gpa));
		bool writable;
		unsigned long hva = gfn_to_hva(vm, gpa >> PAGE_SHIFT, &writable);
		unsigned long left;

		if (!hva || (write && !writable))
			return -EFAULT;
		hva += offset_in_page(gpa);
		if (write)
			left = copy_to_user((void __user *)hva, buf, n);
		else
			left = copy_from_user(buf, (void __user *)hva, n);
		if (left)
			return -EFAULT;
		if (write)
			mark_gfn_dirty(vm, gpa >> PAGE_SHIFT);
		gpa += n;
		buf += n;
		len -= n;
	}
	return 0;
}

int vmm_read_guest(struct vmm_vm *vm, u64 gpa, void *buf, unsigned int len)
{
	return access_guest(vm, gpa, buf, len, false);
}

int vmm_write_guest(struct vmm_vm *vm, u64 gpa, const void *buf,
		    unsigned int len)
{
	return access_guest(vm, gpa, (void *)buf, len, true);
}

/*
 * A reference on the page behind hva, for as long as it takes to map it:
 * writable if the slot is, so that copy-on-write is resolved now and the
 * guest and the VM owner share one page. Not FOLL_LONGTERM, not a pin: the
 * notifier takes the mapping away whenever the host wants the page back.
 * May sleep (swap-in, userfaultfd, FUSE).
 */
static int get_guest_page(unsigned long hva, bool writable, struct page **page)
{
	int r = get_user_pages_fast(hva, 1, writable ? FOLL_WRITE : 0, page);

	if (r == 1)
		return 0;
	return r < 0 ? r : -EFAULT;
}

/*
 * Enough page-table pages for one walk in vm->tables, allocated here where
 * sleeping is allowed; those a walk does not use stay for the next faults
 * and go with the VM.
 */
#define VMM_TABLES_PER_WALK 4 /* 5-level tables: 4 below the root */

static int table_cache_topup(struct vmm_vm *vm)
{
	void *pages[VMM_TABLE_CACHE_PAGES];
	unsigned int want, got = 0, nr;

	nr = READ_ONCE(vm->tables.nr);
	if (nr >= VMM_TABLES_PER_WALK)
		return 0;
	want = VMM_TABLE_CACHE_PAGES - nr;
	while (got < want) {
		pages[got] = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
		if (!pages[got])
			break;
		got++;
	}
	spin_lock(&vm->mmu_lock);
	while (got && vm->tables.nr < VMM_TABLE_CACHE_PAGES)
		vm->tables.pages[vm->tables.nr++] = pages[--got];
	nr = vm->tables.nr;
	spin_unlock(&vm->mmu_lock);
	while (got)
		free_page((unsigned long)pages[--got]);
	return nr >= VMM_TABLES_PER_WALK ? 0 : -ENOMEM;
}

/*
 * A nested page fault: map the page if a memslot covers it; accesses
 * outside RAM, and writes to read-only slots, are MMIO (mmio.c).
 * Returns 1 to re-enter the guest, 0 when the exit goes to userspace (filled
 * in run), or -errno for KVM_RUN to fail with.
 */
int vmm_handle_npf(struct vmm_vcpu *vcpu, const struct vmm_exit *exit)
{
	struct vmm_vm *vm = vcpu->vm;
	u64 gfn = exit->npf.gpa >> PAGE_SHIFT;
	struct vmm_memslot *s;
	unsigned long seq, hva;
	struct page *page;
	bool writable, map_writable;
	int r;

	/* Before the slot lookup and the page: an invalidation or slot change
	 * from here on changes it, and the mapping below is not made. */
	seq = READ_ONCE(vm->mmu_invalidate_seq);
	smp_rmb();

	mutex_lock(&vm->lock);
	s = slot_for_gfn(vm, gfn);
	writable = s && !(s->flags & KVM_MEM_READONLY);
	if (!s || (exit->npf.write && !writable)) {
		mutex_unlock(&vm->lock);
		return vmm_emulate_mmio(vcpu, exit->npf.gpa);
	}
	hva = s->userspace_addr + ((gfn - s->base_gfn) << PAGE_SHIFT);
	/* A logging slot's page is mapped writable only by a write fault,
	 * which marks it dirty (dirty.c). */
	map_writable = writable &&
		       (exit->npf.write || vmm_dirty_map_writable_on_read(s));
	mutex_unlock(&vm->lock);

	r = get_guest_page(hva, writable, &page);
	if (r == -EFAULT && writable && !exit->npf.write) {
		/* The VM owner mapped this memory read-only: the guest may
		 * read it; a write then fails KVM_RUN with -EFAULT, as in
		 * KVM. */
		writable = map_writable = false;
		r = get_guest_page(hva, false, &page);
	}
	if (r) {
		pr_warn_ratelimited("cannot get guest page gpa %#llx (hva %#lx): %d\n",
				    exit->npf.gpa, hva, r);
		return r;
	}
	r = table_cache_topup(vm);
	if (r) {
		put_page(page);
		return r;
	}

	spin_lock(&vm->mmu_lock);
	if (vm->mmu_invalidate_in_progress || vm->mmu_invalidate_seq != seq) {
		r = -EAGAIN; /* the page may be the one going: fault again */
	} else {
		r = vmm_backend->map_page(vm, gfn << PAGE_SHIFT,
					  page_to_phys(page), map_writable,
					  &vm->tables);
		/* Under the lock, with the leaf: a KVM_GET_DIRTY_LOG sees
		 * the bit and protects the leaf again, or runs before both.
		 * The slot is still s: its deletion or any flags change
		 * would have moved the sequence (and frees after it). */
		if (map_writable && (r == 0 || r == -EEXIST))
			vmm_mark_page_dirty(s, gfn);
	}
	spin_unlock(&vm->mmu_lock);
	/* The mapping holds no reference: the notifier unmaps it before the
	 * host frees or reuses the page. */
	put_page(page);

	switch (r) {
	case 0:
	case -EEXIST: /* another vCPU mapped it meanwhile */
		/* A write fault on a read-only leaf (now writable, made so by
		 * us or another vCPU): the CPU may still hold the read-only
		 * translation; this vCPU drops its TLB before re-entering (no
		 * IPI: it is not in guest mode). Others fault the same way. */
		if (exit->npf.present)
			vmm_vcpu_request(vcpu, VCPU_REQ_TLB_FLUSH);
		return 1;
	case -EAGAIN:
	case -ENOMEM: /* a racing walk took the tables: top up again */
		return 1;
	default:
		return r;
	}
}
