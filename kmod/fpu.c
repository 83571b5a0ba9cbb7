// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's FPU/SSE/AVX state and XCR0. The registers themselves are
 * swapped with the task's by fpu_swap_kvm_fpstate() around KVM_RUN (the
 * kernel then saves them with the task on a context switch); here are the
 * ioctls that read and write them, and XCR0, which the CPU does not switch:
 * the guest's value is loaded right before VMRUN and the host's right after
 * (SDM vol. 1, 13.3), with interrupts off in between.
 *
 * PKRU, the same way: the kernel keeps it per task apart from the XSAVE
 * state it swaps (a context switch writes the next task's), so the
 * guest's is loaded right before VMRUN only when it can matter (guest
 * CR4.PKE or XCR0.PKRU: WRPKRU, XRSTOR) and differs, read back after the
 * exit and the thread's own put back before interrupts are on again, as
 * KVM does. Otherwise a guest's WRPKRU would change its VMM thread's
 * access rights to its own memory.
 *
 * Userspace sees the state in the standard (uncompacted) XSAVE format,
 * PKRU included; KVM_GET/SET_FPU are the legacy FXSAVE part of it.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/fpu/api.h>
#include <asm/fpu/types.h>
#include <asm/fpu/xcr.h>
#include <asm/pkru.h>

#include "backend.h"

#define XFEATURE_FP_SSE 0x3ull
#define XFEATURE_PKRU_BIT (1ull << 9)
#define XSAVE_HEADER_OFFSET 512

static bool have_xsave(void)
{
	return boot_cpu_has(X86_FEATURE_XSAVE) && boot_cpu_has(X86_FEATURE_OSXSAVE);
}

/* XCR0 values the guest may set (SDM vol. 1, 13.3): x87 always; AVX only
 * with SSE; nothing beyond what its CPUID offers and this module swaps. */
static bool valid_xcr0(struct vmm_vcpu *vcpu, u64 value)
{
	u64 allowed = vmm_guest_supported_xcr0(vcpu);

	if (!(value & 1) || (value & ~allowed))
		return false;
	if ((value & 4) && !(value & 2))
		return false;
	return true;
}

/* The kernel sets XCR0 once at boot, the same on every CPU: read once. */
static u64 host_xcr0;

void vmm_fpu_setup(void)
{
	if (have_xsave())
		host_xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK);
}

/* The guest can reach PKRU: WRPKRU needs CR4.PKE, XRSTOR XCR0.PKRU. */
static bool guest_uses_pkru(struct vmm_vcpu *vcpu)
{
	return boot_cpu_has(X86_FEATURE_OSPKE) &&
	       ((vcpu->xcr0 & XFEATURE_PKRU_BIT) ||
		(vmm_backend->get_cr4(vcpu) & CR4_PKE));
}

void vmm_load_guest_xsave_state(struct vmm_vcpu *vcpu)
{
	if (have_xsave() && vcpu->xcr0 != host_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, vcpu->xcr0);
	/* Interrupts are off: the thread's PKRU cannot change under us. */
	if (!boot_cpu_has(X86_FEATURE_OSPKE))
		return;
	vcpu->host_pkru = rdpkru();
	vcpu->pkru_loaded = guest_uses_pkru(vcpu);
	if (vcpu->pkru_loaded && vcpu->pkru != vcpu->host_pkru)
		wrpkru(vcpu->pkru);
}

void vmm_load_host_xsave_state(struct vmm_vcpu *vcpu)
{
	u64 now;

	/*
	 * What PKRU holds now is the guest's if it was loaded, or if the
	 * guest changed it anyway: QEMU's software SVM lets a guest set
	 * XCR0.PKRU without the XSETBV exit (see below) and XRSTOR it.
	 */
	if (boot_cpu_has(X86_FEATURE_OSPKE)) {
		u32 now_pkru = rdpkru();

		if (vcpu->pkru_loaded || now_pkru != vcpu->host_pkru)
			vcpu->pkru = now_pkru;
		if (now_pkru != vcpu->host_pkru)
			wrpkru(vcpu->host_pkru);
	}
	if (!have_xsave())
		return;
	/*
	 * XSETBV is intercepted, so XCR0 is still the guest's as loaded...
	 * unless the CPU does not honour the intercept: QEMU's software
	 * SVM (7.2) lets the guest write XCR0 directly (kvm-amd loses the
	 * write there, and the guest runs with XCR0 = x87). Keep what the
	 * guest wrote; the check costs one XGETBV per exit.
	 */
	now = xgetbv(XCR_XFEATURE_ENABLED_MASK);
	if (now != vcpu->xcr0 && valid_xcr0(vcpu, now))
		vcpu->xcr0 = now;
	if (now != host_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, host_xcr0);
}

/* XSETBV, intercepted: ECX selects the XCR (only XCR0 exists), EDX:EAX the
 * value; anything invalid is #GP(0). */
int vmm_handle_xsetbv(struct vmm_vcpu *vcpu, const struct vmm_exit *exit)
{
	u64 value = (vcpu->gprs[GPR_RDX] << 32) | (u32)vcpu->gprs[GPR_RAX];
	int cpl = vmm_read_sregs(vcpu)->ss.dpl;

	if (cpl != 0 || (u32)vcpu->gprs[GPR_RCX] != 0 || !valid_xcr0(vcpu, value)) {
		vmm_queue_exception(vcpu, X86_VEC_GP, true, 0);
		return 1;
	}
	vcpu->xcr0 = value;
	vcpu->rip = exit->xsetbv.next_rip;
	return 1;
}

static int get_xsave(struct vmm_vcpu *vcpu, struct kvm_xsave *xs)
{
	memset(xs, 0, sizeof(*xs));
	fpu_copy_guest_fpstate_to_uabi(&vcpu->guest_fpu, xs->region,
				       sizeof(xs->region),
				       vmm_supported_xcr0() | XFEATURE_FP_SSE,
				       vcpu->pkru);
	return 0;
}

/* PKRU comes with the state when its header bit is set; otherwise it
 * stays as it was (KVM's ABI). */
static int set_xsave(struct vmm_vcpu *vcpu, const struct kvm_xsave *xs)
{
	return fpu_copy_uabi_to_guest_fpstate(&vcpu->guest_fpu, xs->region,
					      vmm_supported_xcr0() | XFEATURE_FP_SSE,
					      &vcpu->pkru);
}

static void fxsave_to_kvm(const struct fxregs_state *fx, struct kvm_fpu *f)
{
	memset(f, 0, sizeof(*f));
	memcpy(f->fpr, fx->st_space, sizeof(f->fpr));
	f->fcw = fx->cwd;
	f->fsw = fx->swd;
	f->ftwx = fx->twd;
	f->last_opcode = fx->fop;
	f->last_ip = fx->rip;
	f->last_dp = fx->rdp;
	memcpy(f->xmm, fx->xmm_space, sizeof(f->xmm));
	f->mxcsr = fx->mxcsr;
}

static void kvm_to_fxsave(const struct kvm_fpu *f, struct fxregs_state *fx)
{
	memcpy(fx->st_space, f->fpr, sizeof(f->fpr));
	fx->cwd = f->fcw;
	fx->swd = f->fsw;
	fx->twd = f->ftwx;
	fx->fop = f->last_opcode;
	fx->rip = f->last_ip;
	fx->rdp = f->last_dp;
	memcpy(fx->xmm_space, f->xmm, sizeof(f->xmm));
	/* MXCSR stays: KVM's KVM_SET_FPU does not write it either (a bad
	 * value would make the state unloadable). */
}

static long ioctl_xsave(struct vmm_vcpu *vcpu, unsigned int ioctl,
			void __user *argp)
{
	struct kvm_xsave *xs;
	struct kvm_fpu *f;
	long r = 0;

	xs = kzalloc(sizeof(*xs), GFP_KERNEL);
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!xs || !f) {
		r = -ENOMEM;
		goto out;
	}
	switch (ioctl) {
	case KVM_GET_XSAVE:
		get_xsave(vcpu, xs);
		if (copy_to_user(argp, xs, sizeof(*xs)))
			r = -EFAULT;
		break;
	case KVM_SET_XSAVE:
		if (copy_from_user(xs, argp, sizeof(*xs)))
			r = -EFAULT;
		else
			r = set_xsave(vcpu, xs);
		break;
	case KVM_GET_FPU:
		get_xsave(vcpu, xs);
		fxsave_to_kvm((struct fxregs_state *)xs->region, f);
		if (copy_to_user(argp, f, sizeof(*f)))
			r = -EFAULT;
		break;
	case KVM_SET_FPU:
		if (copy_from_user(f, argp, sizeof(*f))) {
			r = -EFAULT;
			break;
		}
		/* Edit the legacy area of the full state and mark x87/SSE
		 * as not in their init state, so XRSTOR loads them. */
		get_xsave(vcpu, xs);
		kvm_to_fxsave(f, (struct fxregs_state *)xs->region);
		if (have_xsave())
			*(u64 *)((u8 *)xs->region + XSAVE_HEADER_OFFSET) |= XFEATURE_FP_SSE;
		r = set_xsave(vcpu, xs);
		break;
	}
out:
	kfree(f);
	kfree(xs);
	return r;
}

static long ioctl_xcrs(struct vmm_vcpu *vcpu, unsigned int ioctl,
		       void __user *argp)
{
	struct kvm_xcrs xcrs;
	u32 i;

	if (!have_xsave())
		return -EINVAL;
	if (ioctl == KVM_GET_XCRS) {
		memset(&xcrs, 0, sizeof(xcrs));
		xcrs.nr_xcrs = 1;
		xcrs.xcrs[0].xcr = XCR_XFEATURE_ENABLED_MASK;
		xcrs.xcrs[0].value = vcpu->xcr0;
		return copy_to_user(argp, &xcrs, sizeof(xcrs)) ? -EFAULT : 0;
	}
	if (copy_from_user(&xcrs, argp, sizeof(xcrs)))
		return -EFAULT;
	if (xcrs.nr_xcrs > KVM_MAX_XCRS || xcrs.flags)
		return -EINVAL;
	/* Only XCR0 exists; entries for others are ignored, as in KVM. */
	for (i = 0; i < xcrs.nr_xcrs; i++) {
		if (xcrs.xcrs[i].xcr == XCR_XFEATURE_ENABLED_MASK &&
		    !valid_xcr0(vcpu, xcrs.xcrs[i].value))
			return -EINVAL;
	}
	for (i = 0; i < xcrs.nr_xcrs; i++)
		if (xcrs.xcrs[i].xcr == XCR_XFEATURE_ENABLED_MASK)
			vcpu->xcr0 = xcrs.xcrs[i].value;
	return 0;
}

long vmm_fpu_ioctl(struct vmm_vcpu *vcpu, unsigned int ioctl,
		   void __user *argp)
{
	switch (ioctl) {
	case KVM_GET_XCRS:
	case KVM_SET_XCRS:
		return ioctl_xcrs(vcpu, ioctl, argp);
	default:
		return ioctl_xsave(vcpu, ioctl, argp);
	}
}
