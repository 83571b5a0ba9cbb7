// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory: memslots (KVM_SET_USER_MEMORY_REGION) name ranges of the VM
 * owner's address space; a guest page is pinned and mapped into the nested
 * page tables when the guest first touches it (nested page fault), and
 * unmapped and unpinned when its slot goes away or the VM dies. The nested
 * page tables themselves are the record of what is pinned: nothing else to
 * keep in sync.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/io.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "backend.h"

/* The flags KVM_SET_USER_MEMORY_REGION accepts (dirty logging is not
 * implemented yet: refused, never silently ignored). */
#define VMM_MEMSLOT_VALID_FLAGS KVM_MEM_READONLY

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

/*
 * Make every vCPU forget guest-physical translations, and be sure none is
 * still running on the old ones when this returns, so the pages behind them
 * can be unpinned. Called with vm->lock held.
 */
static void flush_all_vcpus(struct vmm_vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++)
		vmm_vcpu_request(vm->vcpus[i], VCPU_REQ_TLB_FLUSH);
}

static void unmap_slot(struct vmm_vm *vm, struct vmm_memslot *s)
{
	vmm_backend->unmap_range(vm, s->base_gfn << PAGE_SHIFT,
				 s->npages << PAGE_SHIFT);
	flush_all_vcpus(vm);
}

void vmm_release_guest_page(u64 hpa)
{
	unpin_user_page(pfn_to_page(hpa >> PAGE_SHIFT));
}

static int check_region(struct vmm_vm *vm,
			const struct kvm_userspace_memory_region *mem)
{
	u16 as_id = mem->slot >> 16, id = (u16)mem->slot;

	if (mem->flags & ~VMM_MEMSLOT_VALID_FLAGS)
		return -EINVAL;
	if (as_id != 0 || id >= VMM_MAX_MEMSLOTS) /* no SMM address space */
		return -EINVAL;
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
	unmap_slot(vm, s);
	vm->slots[id] = NULL;
	kfree(s);
	return 0;
}

/* KVM_SET_USER_MEMORY_REGION, with KVM's rules: create, delete (size 0),
 * move (new guest address); size and host address of a slot are fixed. */
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
		    s->npages != npages || s->flags != mem->flags) {
			r = -EINVAL;
			goto out;
		}
		if (s->base_gfn == gfn)
			goto out; /* nothing changes */
	}
	if (overlaps_other_slot(vm, id, gfn, npages)) {
		r = -EEXIST;
		goto out;
	}
	if (s) { /* move: the old mappings go, the new ones fault in */
		unmap_slot(vm, s);
		s->base_gfn = gfn;
		goto out;
	}
	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s) {
		r = -ENOMEM;
		goto out;
	}
	s->id = id;
	s->flags = mem->flags;
	s->base_gfn = gfn;
	s->npages = npages;
	s->userspace_addr = mem->userspace_addr;
	vm->slots[id] = s;
out:
	mutex_unlock(&vm->lock);
	return r;
}

/* VM teardown: no vCPU runs any more. */
void vmm_memslots_free(struct vmm_vm *vm)
{
	unsigned int i;

	for (i = 0; i < VMM_MAX_MEMSLOTS; i++) {
		struct vmm_memslot *s = vm->slots[i];

		if (!s)
			continue;
		vmm_backend->unmap_range(vm, s->base_gfn << PAGE_SHIFT,
					 s->npages << PAGE_SHIFT);
		vm->slots[i] = NULL;
		kfree(s);
	}
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

/* Pin the page behind hva: writable if the slot is, so that copy-on-write
 * is resolved now and the guest and the VM owner share one page. */
static int pin_guest_page(unsigned long hva, bool writable, struct page **page)
{
	int r = pin_user_pages_fast(hva, 1,
				    FOLL_LONGTERM | (writable ? FOLL_WRITE : 0),
				    page);

	if (r == 1)
		return 0;
	return r < 0 ? r : -EFAULT;
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
	struct page *page;
	unsigned long hva;
	bool writable;
	int r;

	mutex_lock(&vm->lock);
	s = slot_for_gfn(vm, gfn);
	writable = s && !(s->flags & KVM_MEM_READONLY);
	if (!s || (exit->npf.write && !writable)) {
		mutex_unlock(&vm->lock);
		return vmm_emulate_mmio(vcpu, exit->npf.gpa);
	}
	hva = s->userspace_addr + ((gfn - s->base_gfn) << PAGE_SHIFT);
	r = pin_guest_page(hva, writable, &page);
	if (r == -EFAULT && writable && !exit->npf.write) {
		/* The VM owner mapped this memory read-only: the guest may
		 * read it; a write then fails KVM_RUN with -EFAULT, as in
		 * KVM. */
		writable = false;
		r = pin_guest_page(hva, false, &page);
	}
	if (r) {
		mutex_unlock(&vm->lock);
		pr_warn_ratelimited("cannot pin guest page gpa %#llx (hva %#lx): %d\n",
				    exit->npf.gpa, hva, r);
		return r;
	}
	r = vmm_backend->map_page(vm, gfn << PAGE_SHIFT, page_to_phys(page),
				  writable);
	if (r) {
		unpin_user_page(page);
		if (r == -EEXIST && !exit->npf.present)
			r = 1; /* another vCPU mapped it meanwhile */
		else if (r == -EEXIST) {
			/* A fault on a present, writable mapping would repeat
			 * for ever: report it instead of spinning. */
			pr_warn_ratelimited("unexpected nested page fault on mapped gpa %#llx\n",
					    exit->npf.gpa);
			vcpu->run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
			vcpu->run->internal.suberror = KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON;
			vcpu->run->internal.ndata = 2;
			vcpu->run->internal.data[0] = exit->hw_code;
			vcpu->run->internal.data[1] = exit->npf.gpa;
			r = 0;
		}
	} else {
		r = 1;
	}
	mutex_unlock(&vm->lock);
	return r;
}
