// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_IOEVENTFD (api.rst 4.59): a guest write to a registered port or
 * guest-physical address signals an eventfd instead of exiting to
 * userspace, and the guest goes on at once (a virtqueue kick, handled by
 * another thread). The rules are KVM's (virt/kvm/eventfd.c, 6.1):
 *
 *  - a hit needs the exact address; a length of 0 takes any write there,
 *    else the write's length must be the registration's, and with
 *    KVM_IOEVENTFD_FLAG_DATAMATCH its value (the low `len` bytes, little
 *    endian, compared with the whole 64-bit datamatch) too;
 *  - lengths 0, 1, 2, 4, 8; no address range wrapping; no unknown flags; no
 *    DATAMATCH with length 0: -EINVAL; a registration that could take the
 *    same write as an existing one (same space and address, and one of them
 *    of length 0, or the same length with one a wildcard or both the same
 *    datamatch) is -EEXIST; DEASSIGN needs the same space, eventfd,
 *    address, length and datamatch (or wildcard) as a registration, else
 *    -ENOENT. KVM checks the flags of a DEASSIGN no further, and neither do
 *    we;
 *  - KVM_IOEVENTFD_FLAG_VIRTIO_CCW_NOTIFY is s390's: x86 KVM accepts it into
 *    a space no x86 write reaches, so registrations there only ever wait to
 *    be deassigned.
 *
 * So at most one registration matches a write. Writes come from the vCPUs
 * (io.c: OUT and OUTS; mmio.c: emulated MMIO writes) without a lock: each
 * space is an array sorted by address, replaced as a whole under ->lock and
 * read under RCU, as KVM's io bus is read under SRCU. A registration that
 * goes is freed, and its eventfd reference dropped, only after a grace
 * period: a vCPU may be signalling it (DEASSIGN racing a guest write).
 * Nothing is pinned beyond the eventfd contexts, which the VM's end drops.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/eventfd.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <asm/unaligned.h>

#include "ioeventfd.h"
#include "vmm.h"

#define SPACE_CCW VMM_IOEVENTFD_SPACES /* registered, never written */

struct vmm_ioeventfd {
	struct list_head list;
	u64 addr;
	u32 len;             /* 0: any length */
	bool wildcard;       /* no DATAMATCH */
	u64 datamatch;
	unsigned int space;  /* enum vmm_ioeventfd_space, or SPACE_CCW */
	struct eventfd_ctx *eventfd;
};

struct vmm_ioeventfd_bus {
	struct rcu_head rcu;
	unsigned int nr;
	struct vmm_ioeventfd *dev[]; /* by address */
};

void vmm_ioeventfd_init(struct vmm_vm *vm)
{
	mutex_init(&vm->ioeventfds.lock);
	INIT_LIST_HEAD(&vm->ioeventfds.list);
}

/* The VM's end: no vCPU runs any more (each holds a VM reference through
 * its fd while in KVM_RUN), so no reader is left. */
void vmm_ioeventfd_destroy(struct vmm_vm *vm)
{
	struct vmm_ioeventfds *io = &vm->ioeventfds;
	struct vmm_ioeventfd *p, *tmp;
	unsigned int i;

	for (i = 0; i < VMM_IOEVENTFD_SPACES; i++) {
		kvfree(rcu_dereference_protected(io->bus[i], true));
		RCU_INIT_POINTER(io->bus[i], NULL);
	}
	list_for_each_entry_safe(p, tmp, &io->list, list) {
		list_del(&p->list);
		eventfd_ctx_put(p->eventfd);
		kfree(p);
	}
	io->nr = 0;
}

static unsigned int space_from_flags(u32 flags)
{
	if (flags & KVM_IOEVENTFD_FLAG_PIO)
		return VMM_IOEVENTFD_PIO;
	if (flags & KVM_IOEVENTFD_FLAG_VIRTIO_CCW_NOTIFY)
		return SPACE_CCW;
	return VMM_IOEVENTFD_MMIO;
}

/* First index whose address is >= addr. */
static unsigned int bus_lower_bound(const struct vmm_ioeventfd_bus *b, u64 addr)
{
	unsigned int lo = 0, hi = b->nr;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (b->dev[mid]->addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Publish the space's array with p added (add) or removed. The old array
 * goes after a grace period. -ENOMEM leaves everything as it was (KVM
 * drops the whole bus when it cannot shrink it; keeping the registration
 * and failing the DEASSIGN is kinder).
 */
static int bus_update(struct vmm_ioeventfds *io, unsigned int space,
		      struct vmm_ioeventfd *p, bool add)
{
	struct vmm_ioeventfd_bus *old, *new = NULL;
	unsigned int nr, i, at;

	if (space >= VMM_IOEVENTFD_SPACES)
		return 0;
	old = rcu_dereference_protected(io->bus[space],
					lockdep_is_held(&io->lock));
	nr = old ? old->nr : 0;
	if (add) {
		new = kvmalloc(struct_size(new, dev, nr + 1),
			       GFP_KERNEL_ACCOUNT);
		if (!new)
			return -ENOMEM;
		at = old ? bus_lower_bound(old, p->addr) : 0;
		for (i = 0; i < at; i++)
			new->dev[i] = old->dev[i];
		new->dev[at] = p;
		for (i = at; i < nr; i++)
			new->dev[i + 1] = old->dev[i];
		new->nr = nr + 1;
	} else if (nr > 1) {
		new = kvmalloc(struct_size(new, dev, nr - 1),
			       GFP_KERNEL_ACCOUNT);
		if (!new)
			return -ENOMEM;
		for (i = 0, at = 0; i < nr; i++)
			if (old->dev[i] != p)
				new->dev[at++] = old->dev[i];
		new->nr = nr - 1;
	}
	rcu_assign_pointer(io->bus[space], new);
	if (old)
		kvfree_rcu(old, rcu);
	return 0;
}

/* Could p and q take the same write? (ioeventfd_check_collision) */
static bool collide(const struct vmm_ioeventfd *p, const struct vmm_ioeventfd *q)
{
	return p->space == q->space && p->addr == q->addr &&
	       (!p->len || !q->len ||
		(p->len == q->len &&
		 (p->wildcard || q->wildcard || p->datamatch == q->datamatch)));
}

static int assign(struct vmm_vm *vm, const struct kvm_ioeventfd *args)
{
	struct vmm_ioeventfds *io = &vm->ioeventfds;
	struct vmm_ioeventfd *p, *q;
	struct eventfd_ctx *eventfd;
	int r;

	switch (args->len) {
	case 0: case 1: case 2: case 4: case 8:
		break;
	default:
		return -EINVAL;
	}
	if (args->addr + args->len < args->addr)
		return -EINVAL;
	if (args->flags & ~KVM_IOEVENTFD_VALID_FLAG_MASK)
		return -EINVAL;
	if (!args->len && (args->flags & KVM_IOEVENTFD_FLAG_DATAMATCH))
		return -EINVAL;

	eventfd = eventfd_ctx_fdget(args->fd); /* -EBADF, or -EINVAL: not one */
	if (IS_ERR(eventfd))
		return PTR_ERR(eventfd);
	p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!p) {
		r = -ENOMEM;
		goto err_put;
	}
	p->addr = args->addr;
	p->len = args->len;
	p->space = space_from_flags(args->flags);
	p->eventfd = eventfd;
	if (args->flags & KVM_IOEVENTFD_FLAG_DATAMATCH)
		p->datamatch = args->datamatch;
	else
		p->wildcard = true;

	mutex_lock(&io->lock);
	r = -EEXIST;
	list_for_each_entry(q, &io->list, list)
		if (collide(p, q))
			goto err_unlock;
	r = -ENOSPC;
	if (io->nr >= VMM_MAX_IOEVENTFDS)
		goto err_unlock;
	r = bus_update(io, p->space, p, true);
	if (r)
		goto err_unlock;
	list_add_tail(&p->list, &io->list);
	io->nr++;
	mutex_unlock(&io->lock);
	return 0;

err_unlock:
	mutex_unlock(&io->lock);
	kfree(p);
err_put:
	eventfd_ctx_put(eventfd);
	return r;
}

static int deassign(struct vmm_vm *vm, const struct kvm_ioeventfd *args)
{
	struct vmm_ioeventfds *io = &vm->ioeventfds;
	unsigned int space = space_from_flags(args->flags);
	bool wildcard = !(args->flags & KVM_IOEVENTFD_FLAG_DATAMATCH);
	struct vmm_ioeventfd *p, *found = NULL;
	struct eventfd_ctx *eventfd;
	int r = -ENOENT;

	eventfd = eventfd_ctx_fdget(args->fd);
	if (IS_ERR(eventfd))
		return PTR_ERR(eventfd);

	mutex_lock(&io->lock);
	list_for_each_entry(p, &io->list, list) {
		if (p->space != space || p->eventfd != eventfd ||
		    p->addr != args->addr || p->len != args->len ||
		    p->wildcard != wildcard ||
		    (!wildcard && p->datamatch != args->datamatch))
			continue;
		r = bus_update(io, space, p, false);
		if (!r) {
			list_del(&p->list);
			io->nr--;
			found = p;
		}
		break;
	}
	mutex_unlock(&io->lock);

	if (found) {
		/* A vCPU may still be signalling it from the old array. */
		synchronize_rcu();
		eventfd_ctx_put(found->eventfd);
		kfree(found);
	}
	eventfd_ctx_put(eventfd);
	return r;
}

int vmm_ioeventfd_ioctl(struct vmm_vm *vm, const struct kvm_ioeventfd *args)
{
	if (args->flags & KVM_IOEVENTFD_FLAG_DEASSIGN)
		return deassign(vm, args);
	return assign(vm, args);
}

/* ioeventfd_in_range: the address exactly, then length and value. */
static bool hit(const struct vmm_ioeventfd *p, unsigned int len,
		const void *val)
{
	u64 v;

	if (!p->len)
		return true;
	if (len != p->len)
		return false;
	if (p->wildcard)
		return true;
	switch (len) {
	case 1: v = *(const u8 *)val; break;
	case 2: v = get_unaligned((const u16 *)val); break;
	case 4: v = get_unaligned((const u32 *)val); break;
	case 8: v = get_unaligned((const u64 *)val); break;
	default: return false;
	}
	return v == p->datamatch;
}

bool vmm_ioeventfd_write(struct vmm_vm *vm, enum vmm_ioeventfd_space space,
			 u64 addr, unsigned int len, const void *val)
{
	const struct vmm_ioeventfd_bus *b;
	bool taken = false;
	unsigned int i;

	/* The common case, nothing registered: no RCU section at all. */
	if (!rcu_access_pointer(vm->ioeventfds.bus[space]))
		return false;
	rcu_read_lock();
	b = rcu_dereference(vm->ioeventfds.bus[space]);
	if (b) {
		for (i = bus_lower_bound(b, addr);
		     i < b->nr && b->dev[i]->addr == addr; i++) {
			if (hit(b->dev[i], len, val)) {
				eventfd_signal(b->dev[i]->eventfd, 1);
				taken = true;
				break;
			}
		}
	}
	rcu_read_unlock();
	return taken;
}
