// SPDX-License-Identifier: GPL-2.0
/*
 * Control-register write checks (cregs.h): pure code shared by the module,
 * the userspace unit tests and KUnit.
 */
#include "cregs.h"

u64 x86_cr4_reserved(const struct x86_cr4_features *f)
{
	u64 reserved = ~X86_CR4_DEFINED;

	if (!f->xsave)
		reserved |= CR4_OSXSAVE;
	if (!f->pcid)
		reserved |= CR4_PCIDE;
	if (!f->vmx)
		reserved |= CR4_VMXE;
	if (!f->fsgsbase)
		reserved |= CR4_FSGSBASE;
	if (!f->smep)
		reserved |= CR4_SMEP;
	if (!f->smap)
		reserved |= CR4_SMAP;
	if (!f->umip)
		reserved |= CR4_UMIP;
	if (!f->pku)
		reserved |= CR4_PKE;
	if (!f->la57)
		reserved |= CR4_LA57;
	return reserved;
}

/* 64-bit mode: long mode active and a 64-bit code segment. */
static bool mode64(const struct x86_cr_state *s)
{
	return (s->efer & X86_EFER_LMA) && s->cs_l;
}

bool x86_cr0_write(const struct x86_cr_state *s, u64 val, u64 *out,
		   u64 *efer)
{
	bool was_paging = s->cr0 & CR0_PG;

	/* SDM vol. 3, 2.5: bits 63:32 must be zero; NW without CD and PG
	 * without PE are invalid combinations (#GP). */
	if (val >> 32)
		return false;
	if ((val & CR0_NW) && !(val & CR0_CD))
		return false;
	if ((val & CR0_PG) && !(val & CR0_PE))
		return false;
	val = (val | CR0_ET) & X86_CR0_DEFINED;

	/* Turning paging on with EFER.LME activates long mode: that needs
	 * PAE, and the code segment may not be 64-bit yet (APM vol. 2,
	 * 14.6.1; SDM vol. 3, 10.8.5). */
	if ((s->efer & X86_EFER_LME) && !was_paging && (val & CR0_PG)) {
		if (!(s->cr4 & CR4_PAE) || s->cs_l)
			return false;
	}
	/* Paging cannot be turned off in 64-bit mode, nor with PCIDs on
	 * (SDM vol. 3, 4.10.1 and MOV CR). */
	if (!(val & CR0_PG) && (mode64(s) || (s->cr4 & CR4_PCIDE)))
		return false;

	*efer = s->efer;
	if ((s->efer & X86_EFER_LME) && !was_paging && (val & CR0_PG))
		*efer |= X86_EFER_LMA;
	if (was_paging && !(val & CR0_PG))
		*efer &= ~X86_EFER_LMA;
	*out = val;
	return true;
}

bool x86_cr4_write(const struct x86_cr_state *s, u64 val, u64 reserved,
		   bool pcid_allowed)
{
	if (val & reserved)
		return false;
	/* In long mode PAE stays on and the paging depth cannot change
	 * (SDM vol. 3, 4.1.2; APM vol. 2, 5.3). */
	if (s->efer & X86_EFER_LMA) {
		if (!(val & CR4_PAE))
			return false;
		if ((val ^ s->cr4) & CR4_LA57)
			return false;
	}
	/* PCIDE may be set only in long mode with CR3's PCID 0, and with
	 * PCID in the guest's CPUID (SDM vol. 3, 4.10.1). */
	if ((val & CR4_PCIDE) && !(s->cr4 & CR4_PCIDE)) {
		if (!pcid_allowed || (s->cr3 & 0xfff) ||
		    !(s->efer & X86_EFER_LMA))
			return false;
	}
	return true;
}
