// SPDX-License-Identifier: GPL-2.0
/*
 * The vCPU fd: registers, the mmap'ed kvm_run page and KVM_RUN. The run loop
 * and the handling of exits are vendor-neutral; the backend enters the guest
 * and says why it left (struct vmm_exit).
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/fpu/api.h>
#include <asm/mce.h>
#include <asm/nospec-branch.h>

#include "backend.h"
#include "coalesced_mmio.h"
#include "trace.h"
#include "x86/sregs.h"

/*
 * Requests and kicks. A requester sets the bit and, if the vCPU may be in
 * guest mode, interrupts its CPU and waits for the interrupt to be taken:
 * the interrupt forces a #VMEXIT (INTR intercept), and the vCPU checks its
 * requests with interrupts off right before every entry. The ordering that
 * makes this safe is the store of ->mode before the load of ->requests on
 * the vCPU side, against the store of ->requests before the load of ->mode
 * here (both with full barriers).
 */
static void kick_ack(void *unused)
{
}

void vmm_vcpu_request(struct vmm_vcpu *vcpu, enum vmm_vcpu_request req)
{
	set_bit(req, &vcpu->requests);
	smp_mb__after_atomic();
	if (READ_ONCE(vcpu->mode) == VCPU_IN_GUEST) {
		/* ->cpu was written before ->mode: read it after. */
		smp_rmb();
		smp_call_function_single(READ_ONCE(vcpu->cpu), kick_ack, NULL, 1);
	}
}

static void handle_requests(struct vmm_vcpu *vcpu)
{
	if (test_and_clear_bit(VCPU_REQ_TLB_FLUSH, &vcpu->requests))
		vmm_backend->flush_guest_tlb(vcpu);
}

void vmm_set_internal_error(struct vmm_vcpu *vcpu, const struct vmm_exit *exit)
{
	struct kvm_run *run = vcpu->run;

	run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
	run->internal.suberror = KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON;
	run->internal.ndata = 4;
	run->internal.data[0] = exit->hw_code;
	run->internal.data[1] = vcpu->cpu;
	run->internal.data[2] = exit->hw_info1;
	run->internal.data[3] = exit->hw_info2;
	pr_info_ratelimited("vcpu %u: exit %#llx (info %#llx %#llx) at rip %#llx not handled yet\n",
			    vcpu->id, exit->hw_code, exit->hw_info1,
			    exit->hw_info2, vcpu->rip);
}

static void handle_host_machine_check(void)
{
#ifdef CONFIG_X86_MCE
	struct pt_regs regs = { .cs = 3, .flags = X86_EFLAGS_IF };

	do_machine_check(&regs);
#endif
}

const struct kvm_sregs *vmm_read_sregs(struct vmm_vcpu *vcpu)
{
	vmm_backend->get_sregs(vcpu, &vcpu->emu_sregs);
	return &vcpu->emu_sregs;
}

/* INIT: architectural state (backend), and what common code keeps. */
static void vcpu_reset(struct vmm_vcpu *vcpu)
{
	vmm_backend->vcpu_reset(vcpu);
	vmm_msrs_reset(vcpu);
	vmm_backend->set_tsc_offset(vcpu, vcpu->msrs.tsc_offset);
	vmm_events_reset(vcpu);
	vmm_debugregs_reset(vcpu);
	vcpu->pio.active = false;
	memset(&vcpu->mmio, 0, sizeof(vcpu->mmio));
	vcpu->xcr0 = 1; /* x87 only (SDM vol. 1, 13.3) */
}

/* Returns 1 to re-enter, 0 to return to userspace, -errno to fail KVM_RUN. */
static int handle_exit(struct vmm_vcpu *vcpu, const struct vmm_exit *exit)
{
	struct kvm_run *run = vcpu->run;

	switch (exit->reason) {
	case VMM_EXIT_NONE:
		return 1;
	case VMM_EXIT_MCE:
		/* The machine check was the host's: hand it to the host's
		 * handler as if it had hit user mode, as KVM does. */
		handle_host_machine_check();
		return 1;
	case VMM_EXIT_IO:
		return vmm_handle_io(vcpu, exit);
	case VMM_EXIT_CPUID:
		return vmm_handle_cpuid(vcpu, exit);
	case VMM_EXIT_MSR:
		return vmm_handle_msr(vcpu, exit);
	case VMM_EXIT_XSETBV:
		return vmm_handle_xsetbv(vcpu, exit);
	case VMM_EXIT_CR:
		return vmm_handle_cr(vcpu, exit);
	case VMM_EXIT_IRQ_WINDOW:
		/* vmm_inject_events() re-arms it if still wanted. */
		vmm_backend->set_irq_window(vcpu, false);
		return 1;
	case VMM_EXIT_IRET:
		/* The NMI handler returns; NMIs open once the IRET has run
		 * (vmm_inject_events). */
		vcpu->nmi_awaiting_iret = true;
		vcpu->nmi_iret_rip = vcpu->rip;
		return 1;
	case VMM_EXIT_DB:
		if (vcpu->nmi_singlestep) { /* stepped over the NMI's IRET */
			vcpu->nmi_singlestep = false;
			vmm_backend->set_db_exit(vcpu, false);
			return 1;
		}
		/* The guest's own: the CPU has written its DR6 already. */
		vmm_queue_exception(vcpu, X86_VEC_DB, false, 0);
		return 1;
	case VMM_EXIT_EXCEPTION:
		vmm_queue_exception(vcpu, exit->exc.vector, exit->exc.has_error,
				    exit->exc.error);
		return 1;
	case VMM_EXIT_HW_OFF:
		pr_warn_once("virtualization was turned off under running vCPUs (reboot?): KVM_RUN fails with EIO\n");
		return -EIO;
	case VMM_EXIT_HLT:
		/* With the interrupt controller in userspace, HLT is
		 * userspace's to wait on; RIP is past it, as in KVM. */
		vcpu->rip = exit->hlt.next_rip;
		run->exit_reason = KVM_EXIT_HLT;
		return 0;
	case VMM_EXIT_SHUTDOWN:
		vmm_trace_dump(vcpu, "shutdown (triple fault)");
		/* The CPU state is undefined after a shutdown (APM vol. 2,
		 * 15.12): INIT it, as KVM does, and tell userspace. */
		vcpu_reset(vcpu);
		run->exit_reason = KVM_EXIT_SHUTDOWN;
		return 0;
	case VMM_EXIT_NPF:
		return vmm_handle_npf(vcpu, exit);
	case VMM_EXIT_FAIL_ENTRY:
		vmm_trace_dump(vcpu, "entry failed");
		run->exit_reason = KVM_EXIT_FAIL_ENTRY;
		run->fail_entry.hardware_entry_failure_reason = exit->hw_code;
		run->fail_entry.cpu = vcpu->cpu;
		pr_info_ratelimited("vcpu %u: entry failed (%#llx): invalid guest state\n",
				    vcpu->id, exit->hw_code);
		return 0;
	case VMM_EXIT_UD:
		vmm_queue_exception(vcpu, X86_VEC_UD, false, 0);
		return 1;
	case VMM_EXIT_GP:
		vmm_queue_exception(vcpu, X86_VEC_GP, true, 0);
		return 1;
	case VMM_EXIT_NOP:
		vcpu->rip = exit->nop.next_rip;
		return 1;
	case VMM_EXIT_HYPERCALL:
		vcpu->gprs[GPR_RAX] = (u64)-1000; /* -KVM_ENOSYS */
		vcpu->rip = exit->nop.next_rip;
		return 1;
	case VMM_EXIT_UNHANDLED:
	default:
		vmm_trace_dump(vcpu, "unhandled exit");
		vmm_set_internal_error(vcpu, exit);
		return 0;
	}
}

/*
 * Branch predictions one VM trained must not steer another's (Spectre v2
 * between guests): an IBPB whenever a host CPU starts running a different
 * VM than the one it ran last. vCPUs of one VM share a trust domain. The
 * host itself is protected on every exit (entry.S).
 */
static DEFINE_PER_CPU(u64, last_vm_id);

static void isolate_from_last_vm(struct vmm_vm *vm)
{
	if (this_cpu_read(last_vm_id) == vm->id)
		return;
	this_cpu_write(last_vm_id, vm->id);
	indirect_branch_prediction_barrier();
}

/* Enter the guest once. Preemption and interrupts are off from the last
 * check of requests to the exit, so a kick cannot be missed and the vCPU
 * cannot change host CPU between choosing its ASID and running. */
static void enter_guest(struct vmm_vcpu *vcpu, struct vmm_exit *exit)
{
	preempt_disable();
	local_irq_disable();

	/* A reboot turns virtualization off on every CPU by IPI, which
	 * cannot land before interrupts are on again: checked here, no
	 * vCPU enters after it. (The emergency path does it by NMI: the
	 * backend catches the faulting instructions.) */
	if (READ_ONCE(vmm_rebooting)) {
		exit->reason = VMM_EXIT_HW_OFF;
		goto out;
	}

	/* Our FPU state (the guest's) may have been saved away by a context
	 * switch; reload it before the guest runs. */
	if (test_thread_flag(TIF_NEED_FPU_LOAD))
		switch_fpu_return();

	WRITE_ONCE(vcpu->cpu, smp_processor_id());
	vcpu->has_run = true;
	WRITE_ONCE(vcpu->mode, VCPU_IN_GUEST);
	smp_mb();
	handle_requests(vcpu);
	vmm_inject_events(vcpu);

	isolate_from_last_vm(vcpu->vm);
	vmm_load_guest_tsc_aux(vcpu);
	vmm_load_guest_debugregs(vcpu);
	/* XCR0 is switched inside the backend's no-NMI window. */
	vmm_backend->run(vcpu, exit);
	vmm_load_host_debugregs(vcpu);

	WRITE_ONCE(vcpu->mode, VCPU_OUTSIDE_GUEST);
out:
	local_irq_enable();
	preempt_enable();
}

/* Userspace asked to hear when it can inject (request_interrupt_window)
 * and now it can: KVM_EXIT_IRQ_WINDOW_OPEN. */
static bool irq_window_exit(struct vmm_vcpu *vcpu)
{
	if (!vcpu->run->request_interrupt_window ||
	    !vmm_ready_for_interrupt(vcpu))
		return false;
	vcpu->run->exit_reason = KVM_EXIT_IRQ_WINDOW_OPEN;
	return true;
}

static int vcpu_run(struct vmm_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	struct vmm_exit exit;
	int r;

	/* The guest's FPU/SSE/AVX registers replace this task's for the
	 * duration (the task's are saved, and restored below); emulation
	 * may touch neither, but the guest's state must be current first. */
	fpu_swap_kvm_fpstate(&vcpu->guest_fpu, true);

	/* Finish what userspace did for the last exit. */
	r = vmm_complete_io(vcpu);
	if (r > 0)
		r = vmm_complete_mmio(vcpu);
	if (r <= 0)
		goto out;
	if (READ_ONCE(run->immediate_exit)) {
		run->exit_reason = KVM_EXIT_INTR;
		r = -EINTR;
		goto out;
	}
	for (;;) {
		if (signal_pending(current)) {
			run->exit_reason = KVM_EXIT_INTR;
			r = -EINTR;
			break;
		}
		cond_resched();
		enter_guest(vcpu, &exit);
		vmm_trace_record_exit(vcpu, &exit);
		r = handle_exit(vcpu, &exit);
		if (r <= 0)
			break;
		if (irq_window_exit(vcpu)) {
			r = 0;
			break;
		}
	}
out:
	fpu_swap_kvm_fpstate(&vcpu->guest_fpu, false);

	run->if_flag = !!(vcpu->rflags & X86_RFLAGS_IF);
	run->apic_base = vcpu->apic_base;
	run->ready_for_interrupt_injection = vmm_ready_for_interrupt(vcpu);
	run->cr8 = 0;
	run->flags = 0;
	return r;
}

static void get_regs(struct vmm_vcpu *vcpu, struct kvm_regs *regs)
{
	const u64 *g = vcpu->gprs;

	*regs = (struct kvm_regs){
		.rax = g[GPR_RAX], .rbx = g[GPR_RBX], .rcx = g[GPR_RCX],
		.rdx = g[GPR_RDX], .rsi = g[GPR_RSI], .rdi = g[GPR_RDI],
		.rsp = g[GPR_RSP], .rbp = g[GPR_RBP],
		.r8 = g[GPR_R8], .r9 = g[GPR_R9], .r10 = g[GPR_R10],
		.r11 = g[GPR_R11], .r12 = g[GPR_R12], .r13 = g[GPR_R13],
		.r14 = g[GPR_R14], .r15 = g[GPR_R15],
		.rip = vcpu->rip, .rflags = vcpu->rflags,
	};
}

static void set_regs(struct vmm_vcpu *vcpu, const struct kvm_regs *regs)
{
	u64 *g = vcpu->gprs;

	g[GPR_RAX] = regs->rax; g[GPR_RBX] = regs->rbx;
	g[GPR_RCX] = regs->rcx; g[GPR_RDX] = regs->rdx;
	g[GPR_RSI] = regs->rsi; g[GPR_RDI] = regs->rdi;
	g[GPR_RSP] = regs->rsp; g[GPR_RBP] = regs->rbp;
	g[GPR_R8] = regs->r8; g[GPR_R9] = regs->r9;
	g[GPR_R10] = regs->r10; g[GPR_R11] = regs->r11;
	g[GPR_R12] = regs->r12; g[GPR_R13] = regs->r13;
	g[GPR_R14] = regs->r14; g[GPR_R15] = regs->r15;
	vcpu->rip = regs->rip;
	vcpu->rflags = regs->rflags | X86_RFLAGS_FIXED;
}

/*
 * KVM_GET/SET_MP_STATE (api.rst 4.38) without an in-kernel irqchip, as KVM
 * 6.1 has it (kvm_arch_vcpu_ioctl_get/set_mpstate): every vCPU is RUNNABLE
 * (HLT goes to userspace, INIT and SIPI are userspace's business), and
 * RUNNABLE is the only state that can be set; the others (HALTED,
 * INIT_RECEIVED, SIPI_RECEIVED, UNINITIALIZED, AP_RESET_HOLD) need the
 * in-kernel LAPIC, and unknown values are refused: -EINVAL.
 */
static long mp_state_ioctl(struct vmm_vcpu *vcpu, unsigned int ioctl,
			   void __user *argp)
{
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_RUNNABLE };

	if (ioctl == KVM_GET_MP_STATE)
		return copy_to_user(argp, &mp, sizeof(mp)) ? -EFAULT : 0;
	if (copy_from_user(&mp, argp, sizeof(mp)))
		return -EFAULT;
	return mp.mp_state == KVM_MP_STATE_RUNNABLE ? 0 : -EINVAL;
}

static long vcpu_ioctl_locked(struct vmm_vcpu *vcpu, unsigned int ioctl,
			      void __user *argp)
{
	struct kvm_regs regs;
	struct kvm_sregs *sregs;
	long r;

	switch (ioctl) {
	case KVM_RUN:
		if (argp)
			return -EINVAL;
		return vcpu_run(vcpu);
	case KVM_GET_REGS:
		get_regs(vcpu, &regs);
		return copy_to_user(argp, &regs, sizeof(regs)) ? -EFAULT : 0;
	case KVM_SET_REGS:
		if (copy_from_user(&regs, argp, sizeof(regs)))
			return -EFAULT;
		set_regs(vcpu, &regs);
		return 0;
	case KVM_GET_SREGS:
		sregs = kzalloc(sizeof(*sregs), GFP_KERNEL);
		if (!sregs)
			return -ENOMEM;
		vmm_backend->get_sregs(vcpu, sregs);
		sregs->apic_base = vcpu->apic_base;
		r = copy_to_user(argp, sregs, sizeof(*sregs)) ? -EFAULT : 0;
		kfree(sregs);
		return r;
	case KVM_SET_SREGS:
		sregs = memdup_user(argp, sizeof(*sregs));
		if (IS_ERR(sregs))
			return PTR_ERR(sregs);
		r = -EINVAL;
		if (vmm_sregs_valid(sregs)) {
			vmm_backend->set_sregs(vcpu, sregs);
			vcpu->apic_base = sregs->apic_base;
			r = 0;
		}
		kfree(sregs);
		return r;
	case KVM_SET_CPUID2:
		return vmm_set_cpuid2(vcpu, argp);
	case KVM_GET_CPUID2:
		return vmm_get_cpuid2(vcpu, argp);
	case KVM_GET_MSRS:
		return vmm_msrs_ioctl(vcpu, argp, false);
	case KVM_SET_MSRS:
		return vmm_msrs_ioctl(vcpu, argp, true);
	case KVM_INTERRUPT:
		return vmm_ioctl_interrupt(vcpu, argp);
	case KVM_NMI:
		return vmm_ioctl_nmi(vcpu);
	case KVM_GET_VCPU_EVENTS:
		return vmm_get_vcpu_events(vcpu, argp);
	case KVM_SET_VCPU_EVENTS:
		return vmm_set_vcpu_events(vcpu, argp);
	case KVM_GET_MP_STATE:
	case KVM_SET_MP_STATE:
		return mp_state_ioctl(vcpu, ioctl, argp);
	case KVM_GET_FPU:
	case KVM_SET_FPU:
	case KVM_GET_XSAVE:
	case KVM_SET_XSAVE:
	case KVM_GET_XCRS:
	case KVM_SET_XCRS:
		return vmm_fpu_ioctl(vcpu, ioctl, argp);
	case KVM_GET_DEBUGREGS:
	case KVM_SET_DEBUGREGS:
		return vmm_debugregs_ioctl(vcpu, ioctl, argp);
	default:
		return -ENOTTY;
	}
}

static long vcpu_ioctl(struct file *file, unsigned int ioctl, unsigned long arg)
{
	struct vmm_vcpu *vcpu = file->private_data;
	long r;

	if (vcpu->vm->mm != current->mm)
		return -EIO;
	if (mutex_lock_killable(&vcpu->mutex))
		return -EINTR;
	r = vcpu_ioctl_locked(vcpu, ioctl, (void __user *)arg);
	mutex_unlock(&vcpu->mutex);
	return r;
}

/* mmap: page 0 is struct kvm_run, page 1 the port I/O data, page 2 the VM's
 * coalesced MMIO ring. */
static vm_fault_t vcpu_fault(struct vm_fault *vmf)
{
	struct vmm_vcpu *vcpu = vmf->vma->vm_file->private_data;
	void *addr;

	switch (vmf->pgoff) {
	case 0:
		addr = vcpu->run;
		break;
	case KVM_PIO_PAGE_OFFSET:
		addr = vcpu->pio_data;
		break;
	case KVM_COALESCED_MMIO_PAGE_OFFSET:
		vmf->page = vmm_coalesced_mmio_page(vcpu->vm);
		get_page(vmf->page);
		return 0;
	default:
		return VM_FAULT_SIGBUS;
	}
	vmf->page = virt_to_page(addr);
	get_page(vmf->page);
	return 0;
}

static const struct vm_operations_struct vcpu_vm_ops = {
	.fault = vcpu_fault,
};

static int vcpu_mmap(struct file *file, struct vm_area_struct *vma)
{
	vma->vm_ops = &vcpu_vm_ops;
	return 0;
}

static int vcpu_release(struct inode *inode, struct file *file)
{
	struct vmm_vcpu *vcpu = file->private_data;

	/* The vCPU itself lives as long as its VM (KVM does the same). */
	vmm_vm_put(vcpu->vm);
	return 0;
}

static const struct file_operations vcpu_fops = {
	.owner = THIS_MODULE,
	.release = vcpu_release,
	.unlocked_ioctl = vcpu_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = vcpu_mmap,
	.llseek = noop_llseek,
};

void vmm_vcpu_free(struct vmm_vcpu *vcpu)
{
	vmm_trace_free(vcpu);
	vmm_backend->vcpu_free(vcpu);
	vmm_cpuid_free(vcpu);
	fpu_free_guest_fpstate(&vcpu->guest_fpu);
	free_page((unsigned long)vcpu->pio_data);
	free_page((unsigned long)vcpu->run);
	kfree(vcpu);
}

static struct vmm_vcpu *vcpu_alloc(struct vmm_vm *vm, u32 id)
{
	struct vmm_vcpu *vcpu;

	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		return NULL;
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->cpu = -1;
	mutex_init(&vcpu->mutex);
	vcpu->run = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	vcpu->pio_data = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vcpu->run || !vcpu->pio_data)
		goto err_pages;
	if (!fpu_alloc_guest_fpstate(&vcpu->guest_fpu))
		goto err_pages;
	if (vmm_backend->vcpu_create(vcpu))
		goto err_fpu;
	vcpu->apic_base = X86_RESET_APIC_BASE;
	vcpu_reset(vcpu);
	/* The guest's TSC starts at 0 with its first vCPU, as KVM's does;
	 * later vCPUs join it in step (called with vm->lock held). */
	if (vm->nr_vcpus) {
		vcpu->msrs.tsc_offset = vm->vcpus[0]->msrs.tsc_offset;
		vmm_backend->set_tsc_offset(vcpu, vcpu->msrs.tsc_offset);
	} else {
		vmm_set_tsc(vcpu, 0);
	}
	return vcpu;

err_fpu:
	fpu_free_guest_fpstate(&vcpu->guest_fpu);
err_pages:
	free_page((unsigned long)vcpu->pio_data);
	free_page((unsigned long)vcpu->run);
	kfree(vcpu);
	return NULL;
}

int vmm_create_vcpu(struct vmm_vm *vm, unsigned long id)
{
	struct vmm_vcpu *vcpu;
	unsigned int i;
	int fd;

	if (id >= VMM_MAX_VCPUS)
		return -EINVAL;

	mutex_lock(&vm->lock);
	for (i = 0; i < vm->nr_vcpus; i++) {
		if (vm->vcpus[i]->id == id) {
			mutex_unlock(&vm->lock);
			return -EEXIST;
		}
	}
	vcpu = vcpu_alloc(vm, id);
	if (!vcpu) {
		mutex_unlock(&vm->lock);
		return -ENOMEM;
	}
	/* The fd's reference on the VM is taken before the fd exists:
	 * userspace may close it the moment it is installed. And the vCPU is
	 * in the list before: userspace may run it at once, and a running
	 * vCPU must get the flushes when guest mappings go (mem.c reads the
	 * list without vm->lock). */
	kref_get(&vm->ref);
	WRITE_ONCE(vm->vcpus[vm->nr_vcpus], vcpu);
	smp_wmb();
	WRITE_ONCE(vm->nr_vcpus, vm->nr_vcpus + 1);
	fd = anon_inode_getfd("vmm-vcpu", &vcpu_fops, vcpu, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		WRITE_ONCE(vm->nr_vcpus, vm->nr_vcpus - 1);
		WRITE_ONCE(vm->vcpus[vm->nr_vcpus], NULL);
		/* A flush in progress (under mmu_lock) may still look at it. */
		spin_lock(&vm->mmu_lock);
		spin_unlock(&vm->mmu_lock);
		vmm_vcpu_free(vcpu);
		mutex_unlock(&vm->lock);
		vmm_vm_put(vm); /* not the last: the caller's VM fd holds one */
		return fd;
	}
	mutex_unlock(&vm->lock);
	return fd;
}
