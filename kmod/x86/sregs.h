/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pure logic on special registers: no kernel-only or vendor headers, so it
 * builds into userspace unit tests (tests/unit/) as well as the module.
 */
#ifndef VMM_KMOD_X86_SREGS_H
#define VMM_KMOD_X86_SREGS_H

#include <linux/kvm.h>
#include <vmm/types.h>
#include <vmm/svm.h>

/* The checks KVM applies to KVM_SET_SREGS (see sregs.c). */
bool vmm_sregs_valid(const struct kvm_sregs *s);

/* struct kvm_segment <-> the VMCB's packed segment (APM vol. 2, 15.5.1). */
void vmcb_seg_from_kvm(struct vmcb_seg *s, const struct kvm_segment *k);
void vmcb_seg_to_kvm(const struct vmcb_seg *s, struct kvm_segment *k);

#endif /* VMM_KMOD_X86_SREGS_H */
