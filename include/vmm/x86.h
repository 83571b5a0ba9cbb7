/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86 architectural constants used by the module and by userspace, named
 * after the Intel SDM / AMD APM. Kept free of kernel headers on purpose.
 */
#ifndef VMM_X86_H
#define VMM_X86_H

/* General-purpose registers in encoding order (SDM vol. 2, Table 2-2). */
enum x86_gpr {
	GPR_RAX, GPR_RCX, GPR_RDX, GPR_RBX, GPR_RSP, GPR_RBP, GPR_RSI, GPR_RDI,
	GPR_R8, GPR_R9, GPR_R10, GPR_R11, GPR_R12, GPR_R13, GPR_R14, GPR_R15,
	NR_GPRS
};

/* CR0 (SDM vol. 3, 2.5) */
#define CR0_PE (1ull << 0)
#define CR0_MP (1ull << 1)
#define CR0_EM (1ull << 2)
#define CR0_TS (1ull << 3)
#define CR0_ET (1ull << 4)
#define CR0_NE (1ull << 5)
#define CR0_WP (1ull << 16)
#define CR0_AM (1ull << 18)
#define CR0_NW (1ull << 29)
#define CR0_CD (1ull << 30)
#define CR0_PG (1ull << 31)

/* CR4 (SDM vol. 3, 2.5) */
#define CR4_VME (1ull << 0)
#define CR4_PVI (1ull << 1)
#define CR4_TSD (1ull << 2)
#define CR4_DE (1ull << 3)
#define CR4_PSE (1ull << 4)
#define CR4_PAE (1ull << 5)
#define CR4_MCE (1ull << 6)
#define CR4_PGE (1ull << 7)
#define CR4_PCE (1ull << 8)
#define CR4_OSFXSR (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_UMIP (1ull << 11)
#define CR4_LA57 (1ull << 12)
#define CR4_VMXE (1ull << 13)
#define CR4_FSGSBASE (1ull << 16)
#define CR4_PCIDE (1ull << 17)
#define CR4_OSXSAVE (1ull << 18)
#define CR4_SMEP (1ull << 20)
#define CR4_SMAP (1ull << 21)
#define CR4_PKE (1ull << 22)

/* EFER (APM vol. 2, 3.1.7) */
#define X86_EFER_SCE (1ull << 0)
#define X86_EFER_LME (1ull << 8)
#define X86_EFER_LMA (1ull << 10)
#define X86_EFER_NXE (1ull << 11)
#define X86_EFER_SVME (1ull << 12)

/* RFLAGS (SDM vol. 1, 3.4.3) */
#define X86_RFLAGS_CF (1ull << 0)
#define X86_RFLAGS_FIXED (1ull << 1) /* bit 1 always reads as one */
#define X86_RFLAGS_PF (1ull << 2)
#define X86_RFLAGS_AF (1ull << 4)
#define X86_RFLAGS_ZF (1ull << 6)
#define X86_RFLAGS_SF (1ull << 7)
#define X86_RFLAGS_TF (1ull << 8)
#define X86_RFLAGS_IF (1ull << 9)
#define X86_RFLAGS_DF (1ull << 10)
#define X86_RFLAGS_OF (1ull << 11)
#define X86_RFLAGS_VM (1ull << 17)
#define X86_RFLAGS_AC (1ull << 18)
/* The status flags the arithmetic instructions write (SDM vol. 1, 3.4.3.1) */
#define X86_RFLAGS_ARITH (X86_RFLAGS_CF | X86_RFLAGS_PF | X86_RFLAGS_AF | \
			  X86_RFLAGS_ZF | X86_RFLAGS_SF | X86_RFLAGS_OF)

/* Exception vectors */
#define X86_VEC_DB 1
#define X86_VEC_NMI 2
#define X86_VEC_BP 3
#define X86_VEC_OF 4
#define X86_VEC_UD 6
#define X86_VEC_SS 12
#define X86_VEC_GP 13
#define X86_VEC_PF 14
#define X86_VEC_AC 17

/* Architectural state at RESET (SDM vol. 3, 9.1.1, Table 9-1) */
#define X86_RESET_CR0 (CR0_CD | CR0_NW | CR0_ET)
#define X86_RESET_RIP 0xfff0ull
#define X86_RESET_CS_SELECTOR 0xf000
#define X86_RESET_CS_BASE 0xffff0000ull
#define X86_RESET_DR6 0xffff0ff0ull
#define X86_RESET_DR7 0x400ull
#define X86_RESET_APIC_BASE 0xfee00900ull /* xAPIC enabled, BSP */
/* RDX at reset holds the CPU signature; with no CPUID table set, KVM uses
 * family 6 (0x600), and so do we. */
#define X86_RESET_RDX 0x600ull

#define X86_PAGE_SHIFT 12
#define X86_PAGE_SIZE (1ull << X86_PAGE_SHIFT)

#endif /* VMM_X86_H */
