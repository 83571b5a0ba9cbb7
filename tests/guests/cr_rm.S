/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Real mode, control-register writes the hypervisor intercepts (see
 * guest-abi.h, CR_*).  The test starts the vCPU at one of the entry points
 * below; a #GP goes through the IVT to cr_rm_gp, which OUTs CR_GP_MARK and
 * resumes at the address in CR_RESUME_GPA.
 */
#include "guest-abi.h"

#define CR0_MP		(1 << 1)
#define CR0_ET_BIT	(1 << 4)
#define CR0_TS		(1 << 3)
#define CR0_NW		(1 << 29)
#define CR0_CD		(1 << 30)
#define CR0_PG		(1 << 31)
#define CR4_MCE		(1 << 6)
#define CR4_PKE		(1 << 22)

	.code16
	.text

/* set CR4.PKE, WRPKRU, OUT PKRU read back; after the exit read it again
 * and OUT it; HLT; read again, OUT, HLT */
	.globl	cr_rm_pku
cr_rm_pku:
	movw	$cr_rm_pku_gp, CR_RESUME_GPA
	mov	%cr4, %eax
	or	$CR4_PKE, %eax
	mov	%eax, %cr4
	xor	%ecx, %ecx
	xor	%edx, %edx
	mov	$CR_GUEST_PKRU, %eax
	wrpkru
	xor	%eax, %eax
	rdpkru
	out	%eax, $CR_PORT_VALUE
	xor	%eax, %eax
	rdpkru
	out	%eax, $CR_PORT_VALUE
	hlt
	.globl	cr_rm_pku_read
cr_rm_pku_read:
	xor	%ecx, %ecx
	rdpkru
	out	%eax, $CR_PORT_VALUE
	.globl	cr_rm_pku_gp
cr_rm_pku_gp:
	hlt

/* clear CR4.MCE, read CR4 back, OUT it; set it, OUT; clear, OUT; HLT */
	.globl	cr_rm_mce
cr_rm_mce:
	mov	%cr4, %eax
	and	$~CR4_MCE, %eax
	mov	%eax, %cr4
	mov	%cr4, %eax
	out	%eax, $CR_PORT_VALUE
	or	$CR4_MCE, %eax
	mov	%eax, %cr4
	mov	%cr4, %eax
	out	%eax, $CR_PORT_VALUE
	and	$~CR4_MCE, %eax
	mov	%eax, %cr4
	mov	%cr4, %eax
	out	%eax, $CR_PORT_VALUE
	hlt

/* invalid writes, one #GP each (the handler OUTs the mark); then valid
 * LMSW/CLTS writes, CR0 OUT after each; HLT */
.macro	bad_cr0 value
	movw	$1f, CR_RESUME_GPA
	mov	$\value, %eax
	mov	%eax, %cr0
	out	%eax, $CR_PORT_VALUE	/* not reached */
1:
.endm
.macro	bad_cr4 bits
	movw	$1f, CR_RESUME_GPA
	mov	%cr4, %eax
	or	$\bits, %eax
	mov	%eax, %cr4
	out	%eax, $CR_PORT_VALUE	/* not reached */
1:
.endm
	.globl	cr_rm_bad
cr_rm_bad:
	bad_cr0	(CR0_PG | CR0_ET_BIT)		/* PG without PE */
	bad_cr0	(CR0_NW | CR0_ET_BIT)		/* NW without CD */
	bad_cr4	(1 << 15)			/* reserved */
	bad_cr4	(1 << 13)			/* VMXE on AMD */
	bad_cr4	(1 << 17)			/* PCIDE outside long mode */
	bad_cr4	(1 << 28)			/* reserved */
	mov	$CR_BAD_DONE, %eax
	out	%eax, $CR_PORT_VALUE

	mov	$CR0_MP | CR0_TS, %ax		/* LMSW register form */
	lmsw	%ax
	mov	%cr0, %eax
	out	%eax, $CR_PORT_VALUE
	clts
	mov	%cr0, %eax
	out	%eax, $CR_PORT_VALUE
	movw	$CR0_TS, CR_MSW_GPA		/* LMSW memory form */
	lmsw	CR_MSW_GPA
	mov	%cr0, %eax
	out	%eax, $CR_PORT_VALUE
	hlt

/* CR4.PKE alone: #GP without PKU in the guest's CPUID */
	.globl	cr_rm_pke
cr_rm_pke:
	movw	$cr_rm_pke_done, CR_RESUME_GPA
	mov	%cr4, %eax
	or	$CR4_PKE, %eax
	mov	%eax, %cr4
	mov	%cr4, %eax
	out	%eax, $CR_PORT_VALUE
	.globl	cr_rm_pke_done
cr_rm_pke_done:
	hlt

/* Real-mode delivery pushes no error code; the stack is not needed
 * after a fault: start it afresh and go on where the step says. */
	.globl	cr_rm_gp
cr_rm_gp:
	mov	$CR_GP_MARK, %eax
	out	%eax, $CR_PORT_GP
	xor	%ax, %ax
	mov	%ax, %ss
	mov	$KT_STACK_TOP, %sp
	jmp	*CR_RESUME_GPA
