/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Control-register writes: the architectural checks a MOV to CR0/CR4/CR8
 * (and LMSW, CLTS) must pass, the value that results, and which changes
 * make the TLB stale. Pure code (no kernel-only or vendor headers), shared
 * by the module (kmod/cr.c), the userspace unit tests (tests/unit/
 * test-cregs) and KUnit.
 *
 * The rules are Intel SDM vol. 3, 2.5 and 4.1.1 and AMD APM vol. 2,
 * 3.1.1-3.1.3 and 14.6, as KVM applies them (arch/x86/kvm/x86.c
 * kvm_set_cr0/kvm_set_cr4/kvm_set_cr8 in Linux 6.1), with nested paging:
 * the PAE PDPTEs are not checked at the write (KVM does not either).
 */
#ifndef VMM_KMOD_X86_CREGS_H
#define VMM_KMOD_X86_CREGS_H

#include <vmm/types.h>
#include <vmm/x86.h>

/* The vCPU state a CR write is checked against. */
struct x86_cr_state {
	u64 cr0, cr3, cr4, efer;
	bool cs_l;      /* CS.L: 64-bit mode when EFER.LMA is set */
};

/* The CPUID features that make CR4 bits legal (KVM's __cr4_reserved_bits). */
struct x86_cr4_features {
	bool xsave;     /* OSXSAVE: CPUID.1:ECX[26] */
	bool pcid;      /* PCIDE: CPUID.1:ECX[17] */
	bool vmx;       /* VMXE: CPUID.1:ECX[5] */
	bool fsgsbase;  /* CPUID.(7,0):EBX[0] */
	bool smep;      /* CPUID.(7,0):EBX[7] */
	bool smap;      /* CPUID.(7,0):EBX[20] */
	bool umip;      /* CPUID.(7,0):ECX[2] */
	bool pku;       /* PKE: CPUID.(7,0):ECX[3] */
	bool la57;      /* CPUID.(7,0):ECX[16] */
};

/* CR4 bits no x86 CPU defines today (SDM vol. 3, Figure 2-7). */
#define X86_CR4_DEFINED (CR4_VME | CR4_PVI | CR4_TSD | CR4_DE | CR4_PSE | \
	CR4_PAE | CR4_MCE | CR4_PGE | CR4_PCE | CR4_OSFXSR |               \
	CR4_OSXMMEXCPT | CR4_UMIP | CR4_LA57 | CR4_VMXE | CR4_FSGSBASE |   \
	CR4_PCIDE | CR4_OSXSAVE | CR4_SMEP | CR4_SMAP | CR4_PKE)

/* CR0 bits a write keeps (SDM vol. 3, 2.5); the others are ignored. */
#define X86_CR0_DEFINED (CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET |     \
	CR0_NE | CR0_WP | CR0_AM | CR0_NW | CR0_CD | CR0_PG)

/* CR0/CR4 bits whose change invalidates cached translations: paging on
 * or off, write protection, caching; global pages, the paging mode,
 * PCIDs and the access-rights features (SDM vol. 3, 4.10.4.1). */
#define X86_CR0_TLB_BITS (CR0_PG | CR0_WP | CR0_CD)
#define X86_CR4_TLB_BITS (CR4_PGE | CR4_PAE | CR4_PSE | CR4_SMEP |       \
	CR4_SMAP | CR4_PKE | CR4_LA57 | CR4_PCIDE)

/* CR4 bits that are reserved for a CPU with these features. */
u64 x86_cr4_reserved(const struct x86_cr4_features *f);

/*
 * A write of `val` to CR0 in state s: false if it is #GP(0); else *out is
 * what CR0 becomes (ET reads as 1, undefined bits ignored) and *efer the
 * new EFER (LMA follows CR0.PG with EFER.LME, APM vol. 2, 14.6.1).
 * Bits 63:32 set are #GP(0), as on hardware.
 */
bool x86_cr0_write(const struct x86_cr_state *s, u64 val, u64 *out,
		   u64 *efer);

/*
 * A write of `val` to CR4 in state s, `reserved` the bits that are not
 * the guest's to set (x86_cr4_reserved): false if it is #GP(0).
 * pcid_allowed: the guest's CPUID has PCID (setting PCIDE needs it even
 * when reserved says nothing).
 */
bool x86_cr4_write(const struct x86_cr_state *s, u64 val, u64 reserved,
		   bool pcid_allowed);

/* CR8 (the TPR): bits 63:4 are reserved (SDM vol. 3, 2.5). */
static inline bool x86_cr8_valid(u64 val)
{
	return !(val & ~0xfull);
}

/* LMSW: CR0[3:0] from the operand, but PE can only be set (SDM vol. 2A,
 * LMSW). The result goes through x86_cr0_write as a MOV would. */
static inline u64 x86_lmsw_value(u64 cr0, u16 msw)
{
	return (cr0 & ~(CR0_MP | CR0_EM | CR0_TS)) | (msw & 0xf);
}

/* Does a change of CR0 (or CR4) from old to new need a TLB flush? */
static inline bool x86_cr0_flush_needed(u64 old, u64 new)
{
	return (old ^ new) & X86_CR0_TLB_BITS;
}

static inline bool x86_cr4_flush_needed(u64 old, u64 new)
{
	return (old ^ new) & X86_CR4_TLB_BITS;
}

#endif /* VMM_KMOD_X86_CREGS_H */
