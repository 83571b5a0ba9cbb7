// SPDX-License-Identifier: GPL-2.0
/*
 * The VM fd: created by KVM_CREATE_VM, it owns the memslots and the vCPUs.
 * Every vCPU fd holds a reference on its VM, so the VM (its MMU notifier on
 * the creator's mm, nested page tables and vCPUs) goes away with the last
 * fd. Guest memory is never pinned (mem.c): nothing else to give back.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "backend.h"
#include "coalesced_mmio.h"
#include "dirty.h"

/* VM ids start at 1: a CPU's "last VM" of 0 is none (vcpu.c). */
static atomic64_t vmm_vm_ids;

static void vm_destroy(struct kref *ref)
{
	struct vmm_vm *vm = container_of(ref, struct vmm_vm, ref);
	unsigned int i;

	/* First, while the vCPUs exist (the unmap flushes them): stop
	 * following the owner's mm and unmap all guest memory. */
	vmm_mmu_destroy(vm);
	for (i = 0; i < vm->nr_vcpus; i++)
		vmm_vcpu_free(vm->vcpus[i]);
	vmm_backend->vm_destroy(vm);
	vmm_coalesced_mmio_destroy(vm);
	vmm_ioeventfd_destroy(vm);
	mmdrop(vm->mm);
	kfree(vm);
	vmm_hw_put();
}

void vmm_vm_put(struct vmm_vm *vm)
{
	kref_put(&vm->ref, vm_destroy);
}

static int vm_release(struct inode *inode, struct file *file)
{
	vmm_vm_put(file->private_data);
	return 0;
}

static long vm_ioctl(struct file *file, unsigned int ioctl, unsigned long arg)
{
	struct vmm_vm *vm = file->private_data;
	struct kvm_userspace_memory_region mem;
	struct kvm_dirty_log log;
	struct kvm_clear_dirty_log clear;
	struct kvm_enable_cap cap;
	struct kvm_coalesced_mmio_zone zone;
	struct kvm_ioeventfd ioeventfd;
	u64 ident_addr;
	long r;

	/* A VM belongs to the process that made it (as in KVM): its memslots
	 * name addresses in that process. */
	if (vm->mm != current->mm)
		return -EIO;

	switch (ioctl) {
	case KVM_SET_USER_MEMORY_REGION:
		if (copy_from_user(&mem, (void __user *)arg, sizeof(mem)))
			return -EFAULT;
		return vmm_set_memory_region(vm, &mem);
	case KVM_GET_DIRTY_LOG:
		if (copy_from_user(&log, (void __user *)arg, sizeof(log)))
			return -EFAULT;
		return vmm_get_dirty_log(vm, &log);
	case KVM_CLEAR_DIRTY_LOG:
		if (copy_from_user(&clear, (void __user *)arg, sizeof(clear)))
			return -EFAULT;
		return vmm_clear_dirty_log(vm, &clear);
	case KVM_ENABLE_CAP:
		/* The only capability a VM can enable here (others: -EINVAL,
		 * as KVM answers for what it does not know). */
		if (copy_from_user(&cap, (void __user *)arg, sizeof(cap)))
			return -EFAULT;
		if (cap.cap != KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2)
			return -EINVAL;
		return vmm_dirty_log_enable_manual(vm, &cap);
	case KVM_REGISTER_COALESCED_MMIO:
	case KVM_UNREGISTER_COALESCED_MMIO:
		if (copy_from_user(&zone, (void __user *)arg, sizeof(zone)))
			return -EFAULT;
		return ioctl == KVM_REGISTER_COALESCED_MMIO ?
		       vmm_register_coalesced_mmio(vm, &zone) :
		       vmm_unregister_coalesced_mmio(vm, &zone);
	case KVM_CREATE_VCPU:
		return vmm_create_vcpu(vm, arg);
	case KVM_IOEVENTFD:
		if (copy_from_user(&ioeventfd, (void __user *)arg,
				   sizeof(ioeventfd)))
			return -EFAULT;
		return vmm_ioeventfd_ioctl(vm, &ioeventfd);
	case KVM_SET_TSS_ADDR:
		/* The real-mode TSS is VMX's need (unrestricted guests aside);
		 * SVM runs real mode natively. Accepted and ignored, as KVM on
		 * AMD does, after KVM's common check that the three pages fit
		 * below 4 GiB (kvm_vm_ioctl_set_tss_addr). */
		return arg > (unsigned int)(-3 * PAGE_SIZE) ? -EINVAL : 0;
	case KVM_SET_IDENTITY_MAP_ADDR:
		/* VMX's page for EPT without unrestricted guest; ignored on
		 * AMD. KVM's checks: before any vCPU (-EINVAL), then the
		 * pointer. */
		mutex_lock(&vm->lock);
		if (vm->nr_vcpus)
			r = -EINVAL;
		else if (copy_from_user(&ident_addr, (void __user *)arg,
					sizeof(ident_addr)))
			r = -EFAULT;
		else
			r = 0;
		mutex_unlock(&vm->lock);
		return r;
	case KVM_SET_BOOT_CPU_ID:
		/* Any id, before any vCPU exists (-EBUSY after), as KVM. */
		mutex_lock(&vm->lock);
		if (vm->nr_vcpus) {
			r = -EBUSY;
		} else {
			vm->bsp_vcpu_id = arg;
			r = 0;
		}
		mutex_unlock(&vm->lock);
		return r;
	case KVM_CHECK_EXTENSION:
		return vmm_vm_check_extension(arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations vm_fops = {
	.owner = THIS_MODULE,
	.release = vm_release,
	.unlocked_ioctl = vm_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

int vmm_create_vm(unsigned long type)
{
	struct vmm_vm *vm;
	int r, fd;

	if (type != 0) /* only the default machine type, as KVM on x86 */
		return -EINVAL;

	r = vmm_hw_get();
	if (r) {
		pr_err_ratelimited("cannot turn on %s: another hypervisor holds the CPU (EFER.SVME already set)\n",
				   vmm_backend->name);
		return r;
	}

	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm) {
		r = -ENOMEM;
		goto err_hw;
	}
	kref_init(&vm->ref);
	vm->id = atomic64_inc_return(&vmm_vm_ids);
	mutex_init(&vm->lock);
	vm->mm = current->mm;
	mmgrab(vm->mm);

	vmm_ioeventfd_init(vm);
	r = vmm_coalesced_mmio_init(vm);
	if (r)
		goto err_free;
	r = vmm_backend->vm_init(vm);
	if (r)
		goto err_free;
	r = vmm_mmu_init(vm);
	if (r)
		goto err_backend;

	fd = anon_inode_getfd("vmm-vm", &vm_fops, vm, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		r = fd;
		goto err_mmu;
	}
	return fd;

err_mmu:
	vmm_mmu_destroy(vm);
err_backend:
	vmm_backend->vm_destroy(vm);
err_free:
	vmm_coalesced_mmio_destroy(vm);
	mmdrop(vm->mm);
	kfree(vm);
err_hw:
	vmm_hw_put();
	return r;
}
