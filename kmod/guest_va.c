// SPDX-License-Identifier: GPL-2.0
/*
 * Guest linear-address access (guest_va.h): the guest's page tables are
 * walked by the pure walker in x86/paging.c, reading each entry from guest
 * RAM through the memory slots; then the bytes are copied page by page.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/mm.h>

#include "guest_va.h"
#include "x86/paging.h"

static int read_pte(void *ctx, u64 gpa, u64 *value, unsigned int size)
{
	struct vmm_vcpu *vcpu = ctx;

	*value = 0;
	return vmm_read_guest(vcpu->vm, gpa, value, size) ? -1 : 0;
}

int vmm_translate(struct vmm_vcpu *vcpu, const struct kvm_sregs *sregs,
		  u64 linear, u32 access, u64 *gpa)
{
	struct x86_paging p = {
		.cr0 = sregs->cr0, .cr3 = sregs->cr3,
		.cr4 = sregs->cr4, .efer = sregs->efer,
	};
	int r = x86_translate(&p, linear, access, gpa, read_pte, vcpu);

	/* A fault is X86_PF_FAULT | error code (which may be 0). */
	if (r == X86_TRANSLATE_NONCANONICAL)
		return -ERANGE;
	return r < 0 ? -EFAULT : r;
}

unsigned int vmm_fetch_insn(struct vmm_vcpu *vcpu,
			    const struct kvm_sregs *sregs, u8 *buf,
			    unsigned int max)
{
	u64 linear = sregs->cs.base + vcpu->rip, gpa;
	u32 access = X86_PF_FETCH | (sregs->ss.dpl == 3 ? X86_PF_USER : 0);
	unsigned int done = 0;

	while (done < max) {
		u64 at = linear + done;
		unsigned int n;

		if (!vmm_long_mode(sregs))
			at &= 0xffffffffull;
		n = min_t(u64, max - done, PAGE_SIZE - offset_in_page(at));
		if (vmm_translate(vcpu, sregs, at, access, &gpa) ||
		    vmm_read_guest(vcpu->vm, gpa, buf + done, n))
			break;
		done += n;
	}
	return done;
}

/* Both directions: translate each page's part, then copy it. */
static int copy_guest_va(struct vmm_vcpu *vcpu, const struct kvm_sregs *sregs,
			 u64 linear, void *buf, const void *src,
			 unsigned int len, u32 access, u64 *fault_linear)
{
	unsigned int done = 0;

	while (done < len) {
		u64 at = linear + done, gpa;
		unsigned int n;
		int r;

		if (!vmm_long_mode(sregs))
			at &= 0xffffffffull;
		n = min_t(u64, len - done, PAGE_SIZE - offset_in_page(at));
		r = vmm_translate(vcpu, sregs, at, access, &gpa);
		if (r > 0 && fault_linear)
			*fault_linear = at;
		if (r)
			return r;
		if (src ? vmm_write_guest(vcpu->vm, gpa, (const u8 *)src + done, n)
			: vmm_read_guest(vcpu->vm, gpa, (u8 *)buf + done, n))
			return -EFAULT;
		done += n;
	}
	return 0;
}

int vmm_read_guest_va(struct vmm_vcpu *vcpu, const struct kvm_sregs *sregs,
		      u64 linear, void *buf, unsigned int len, u32 access,
		      u64 *fault_linear)
{
	return copy_guest_va(vcpu, sregs, linear, buf, NULL, len, access,
			     fault_linear);
}

int vmm_write_guest_va(struct vmm_vcpu *vcpu, const struct kvm_sregs *sregs,
		       u64 linear, const void *buf, unsigned int len,
		       u32 access, u64 *fault_linear)
{
	return copy_guest_va(vcpu, sregs, linear, NULL, buf, len,
			     access | X86_PF_WRITE, fault_linear);
}
