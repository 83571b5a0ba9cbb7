// SPDX-License-Identifier: GPL-2.0
/*
 * vmm.ko: module load/unload, choice of the vendor backend, /dev/vmm and its
 * system ioctls, and turning virtualization on on every CPU while VMs exist.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/reboot.h>
#include <linux/smp.h>
#include <asm/processor.h>

#include "backend.h"
#include "dirty.h"

const struct vmm_backend *vmm_backend;

/* Backends in the order they are tried. */
static const struct vmm_backend *const vmm_backends[] = {
	&vmm_svm_backend,
};

static const char *backend_missing_op(const struct vmm_backend *b)
{
#define VMM_OP_CHECK(ret, name, args) \
	if (!b->name)                 \
		return #name;
	VMM_BACKEND_OPS(VMM_OP_CHECK)
#undef VMM_OP_CHECK
	return NULL;
}

static int choose_backend(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vmm_backends); i++) {
		const struct vmm_backend *b = vmm_backends[i];
		const char *missing = backend_missing_op(b);

		if (WARN(missing, "vmm: backend %s lacks op %s\n", b->name, missing))
			continue;
		if (b->probe() == 0) {
			vmm_backend = b;
			return 0;
		}
	}
	if (boot_cpu_data.x86_vendor == X86_VENDOR_INTEL)
		pr_err("Intel CPU (VT-x %s): the VMX backend is not there yet\n",
		       boot_cpu_has(X86_FEATURE_VMX) ? "present" : "absent");
	else
		pr_err("no hardware virtualization this module can use (needs AMD SVM with nested paging)\n");
	return -ENODEV;
}

/*
 * Virtualization is on (EFER.SVME / VMXON) on every online CPU exactly while
 * at least one VM exists. hw_users counts VMs; CPUs coming online while it is
 * non-zero are enabled by the hotplug callback. hw_lock orders both.
 */
static DEFINE_MUTEX(hw_lock);
static unsigned int hw_users;
static DEFINE_PER_CPU(bool, hw_enabled);
static atomic_t hw_enable_failed;
static enum cpuhp_state hw_cpuhp_state;

static void hw_enable_this_cpu(void *unused)
{
	if (__this_cpu_read(hw_enabled))
		return;
	if (vmm_backend->cpu_enable()) {
		atomic_inc(&hw_enable_failed);
		return;
	}
	__this_cpu_write(hw_enabled, true);
}

static void hw_disable_this_cpu(void *unused)
{
	if (!__this_cpu_read(hw_enabled))
		return;
	vmm_tsc_aux_cpu_down();
	vmm_backend->cpu_disable();
	__this_cpu_write(hw_enabled, false);
}

int vmm_hw_get(void)
{
	int r = 0;

	mutex_lock(&hw_lock);
	if (hw_users++ == 0) {
		cpus_read_lock();
		atomic_set(&hw_enable_failed, 0);
		on_each_cpu(hw_enable_this_cpu, NULL, 1);
		if (atomic_read(&hw_enable_failed)) {
			on_each_cpu(hw_disable_this_cpu, NULL, 1);
			hw_users = 0;
			r = -EBUSY;
		}
		cpus_read_unlock();
	}
	mutex_unlock(&hw_lock);
	return r;
}

void vmm_hw_put(void)
{
	mutex_lock(&hw_lock);
	if (!WARN_ON_ONCE(hw_users == 0) && --hw_users == 0) {
		cpus_read_lock();
		on_each_cpu(hw_disable_this_cpu, NULL, 1);
		cpus_read_unlock();
	}
	mutex_unlock(&hw_lock);
}

/* CPU hotplug: runs on the CPU coming up / going down. */
static int hw_cpu_online(unsigned int cpu)
{
	if (!READ_ONCE(hw_users))
		return 0;
	hw_enable_this_cpu(NULL);
	return __this_cpu_read(hw_enabled) ? 0 : -EBUSY;
}

static int hw_cpu_offline(unsigned int cpu)
{
	hw_disable_this_cpu(NULL);
	return 0;
}

bool vmm_rebooting;

/* A reboot must not find CPUs with SVM on (firmware may not expect it).
 * vCPUs may still be running: vmm_rebooting keeps them from entering
 * again (vcpu.c), and one caught between the check and VMRUN faults
 * harmlessly (the backend's exception fixups). */
static int hw_reboot_notify(struct notifier_block *nb, unsigned long code,
			    void *unused)
{
	WRITE_ONCE(vmm_rebooting, true);
	smp_wmb();
	on_each_cpu(hw_disable_this_cpu, NULL, 1);
	return NOTIFY_OK;
}

static struct notifier_block hw_reboot_notifier = {
	.notifier_call = hw_reboot_notify,
};

/* What KVM_CHECK_EXTENSION answers, on the system fd and on VM fds. */
int vmm_vm_check_extension(long cap)
{
	switch (cap) {
	case KVM_CAP_USER_MEMORY:
	case KVM_CAP_DESTROY_MEMORY_REGION_WORKS:
	case KVM_CAP_JOIN_MEMORY_REGIONS_WORKS:
	case KVM_CAP_IMMEDIATE_EXIT:
	case KVM_CAP_CHECK_EXTENSION_VM:
	case KVM_CAP_EXT_CPUID:
	case KVM_CAP_SET_TSS_ADDR:
	case KVM_CAP_READONLY_MEM:
	case KVM_CAP_USER_NMI:
	case KVM_CAP_DEBUGREGS:
	case KVM_CAP_ENABLE_CAP_VM: /* for the one below */
	case KVM_CAP_VCPU_EVENTS:
	case KVM_CAP_MP_STATE: /* RUNNABLE only, as KVM without an irqchip */
	case KVM_CAP_IOEVENTFD:
	case KVM_CAP_IOEVENTFD_NO_LENGTH:  /* length 0: any write there */
	case KVM_CAP_IOEVENTFD_ANY_LENGTH: /* the same, api.rst 4.59 */
	case KVM_CAP_SET_IDENTITY_MAP_ADDR:
	case KVM_CAP_SET_BOOT_CPU_ID:
		return 1;
	case KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2:
		return VMM_DIRTY_LOG_MANUAL_CAPS;
	case KVM_CAP_COALESCED_MMIO: /* where the ring is in the vCPU mmap */
		return KVM_COALESCED_MMIO_PAGE_OFFSET;
	case KVM_CAP_XSAVE:
	case KVM_CAP_XCRS:
		return boot_cpu_has(X86_FEATURE_XSAVE);
	case KVM_CAP_NR_MEMSLOTS:
		return VMM_MAX_MEMSLOTS;
	case KVM_CAP_NR_VCPUS:
		return min_t(int, num_online_cpus(), VMM_MAX_VCPUS);
	case KVM_CAP_MAX_VCPUS:
	case KVM_CAP_MAX_VCPU_ID:
		return VMM_MAX_VCPUS;
	default:
		return 0;
	}
}

static long vmm_dev_ioctl(struct file *file, unsigned int ioctl,
			  unsigned long arg)
{
	switch (ioctl) {
	case KVM_GET_API_VERSION:
		return arg ? -EINVAL : VMM_API_VERSION;
	case KVM_CHECK_EXTENSION:
		return vmm_vm_check_extension(arg);
	case KVM_GET_VCPU_MMAP_SIZE:
		return arg ? -EINVAL : VMM_VCPU_MMAP_PAGES * PAGE_SIZE;
	case KVM_CREATE_VM:
		return vmm_create_vm(arg);
	case KVM_GET_SUPPORTED_CPUID:
		return vmm_get_supported_cpuid((void __user *)arg);
	case KVM_GET_MSR_INDEX_LIST:
		return vmm_get_msr_index_list((void __user *)arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations vmm_dev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = vmm_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice vmm_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "vmm",
	.fops = &vmm_dev_fops,
	.mode = 0660,
};

static int __init vmm_init(void)
{
	int r;

	r = choose_backend();
	if (r)
		return r;
	vmm_fpu_setup();
	r = vmm_backend->setup();
	if (r)
		return r;

	r = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "vmm:online",
				      hw_cpu_online, hw_cpu_offline);
	if (r < 0)
		goto err_teardown;
	hw_cpuhp_state = r;

	r = register_reboot_notifier(&hw_reboot_notifier);
	if (r)
		goto err_cpuhp;

	r = misc_register(&vmm_miscdev);
	if (r) {
		pr_err("cannot register /dev/vmm: %d\n", r);
		goto err_reboot;
	}
	pr_info("using %s backend; /dev/vmm ready\n", vmm_backend->name);
	return 0;

err_reboot:
	unregister_reboot_notifier(&hw_reboot_notifier);
err_cpuhp:
	cpuhp_remove_state_nocalls(hw_cpuhp_state);
err_teardown:
	vmm_backend->teardown();
	return r;
}

static void __exit vmm_exit(void)
{
	/* Every VM holds a module reference, so none exists here. */
	WARN_ON(hw_users);
	misc_deregister(&vmm_miscdev);
	unregister_reboot_notifier(&hw_reboot_notifier);
	cpuhp_remove_state_nocalls(hw_cpuhp_state);
	vmm_backend->teardown();
	pr_info("unloaded\n");
}

module_init(vmm_init);
module_exit(vmm_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmm: a KVM-ABI hypervisor for stock kernels (AMD SVM)");
