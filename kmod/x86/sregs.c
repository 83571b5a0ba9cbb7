// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_SET_SREGS validation and segment packing: pure code, shared by the
 * module and the unit tests.
 */
#include <vmm/x86.h>

#include "sregs.h"

/*
 * A state the CPU would refuse at entry for a reason userspace could have
 * known is refused at KVM_SET_SREGS with -EINVAL, with KVM's rules:
 * CR0.NW needs CR0.CD and CR0.PG needs CR0.PE (SDM vol. 3, 2.5); long mode
 * with paging on needs CR4.PAE and EFER.LMA, and without it neither LMA nor
 * a 64-bit code segment make sense (APM vol. 2, 14.6); CR0/CR4 have no bits
 * above 31; EFER only the bits this module gives guests.
 */
bool vmm_sregs_valid(const struct kvm_sregs *s)
{
	const u64 efer_ok = X86_EFER_SCE | X86_EFER_LME | X86_EFER_LMA |
			    X86_EFER_NXE;

	if (s->efer & ~efer_ok)
		return false;
	if ((s->cr0 & CR0_NW) && !(s->cr0 & CR0_CD))
		return false;
	if ((s->cr0 & CR0_PG) && !(s->cr0 & CR0_PE))
		return false;
	if (s->cr0 >> 32 || s->cr4 >> 32)
		return false;
	if ((s->efer & X86_EFER_LME) && (s->cr0 & CR0_PG))
		return (s->cr4 & CR4_PAE) && (s->efer & X86_EFER_LMA);
	return !(s->efer & X86_EFER_LMA) && !s->cs.l;
}

void vmcb_seg_from_kvm(struct vmcb_seg *s, const struct kvm_segment *k)
{
	s->base = k->base;
	s->limit = k->limit;
	s->selector = k->selector;
	/* An unusable segment is loaded not-present. */
	s->attrib = (k->type & SVM_SEG_TYPE_MASK) |
		    (k->s & 1) << SVM_SEG_S_SHIFT |
		    (k->dpl & 3) << SVM_SEG_DPL_SHIFT |
		    ((k->present & 1) && !k->unusable) << SVM_SEG_P_SHIFT |
		    (k->avl & 1) << SVM_SEG_AVL_SHIFT |
		    (k->l & 1) << SVM_SEG_L_SHIFT |
		    (k->db & 1) << SVM_SEG_DB_SHIFT |
		    (k->g & 1) << SVM_SEG_G_SHIFT;
}

void vmcb_seg_to_kvm(const struct vmcb_seg *s, struct kvm_segment *k)
{
	u16 a = s->attrib;

	k->base = s->base;
	k->limit = s->limit;
	k->selector = s->selector;
	k->type = a & SVM_SEG_TYPE_MASK;
	k->s = (a >> SVM_SEG_S_SHIFT) & 1;
	k->dpl = (a >> SVM_SEG_DPL_SHIFT) & 3;
	k->present = (a >> SVM_SEG_P_SHIFT) & 1;
	k->avl = (a >> SVM_SEG_AVL_SHIFT) & 1;
	k->l = (a >> SVM_SEG_L_SHIFT) & 1;
	k->db = (a >> SVM_SEG_DB_SHIFT) & 1;
	/* SVM ignores G (15.5.1); report the one that matches the limit, as
	 * KVM does, so the state also loads on VMX. */
	k->g = s->limit > 0xfffff;
	k->unusable = !k->present;
	k->padding = 0;
}
