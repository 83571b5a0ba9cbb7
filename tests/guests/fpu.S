/* SPDX-License-Identifier: GPL-2.0 */
/*
 * FPU/SSE state set with KVM_SET_FPU, seen by the guest; state the guest
 * sets, seen with KVM_GET_FPU.  See guest-abi.h.
 */
#include "guest-abi.h"

	.code64
	.text
	movabs	$FPU_FIRST_VALUE, %rax
	movq	%rax, %xmm0
	movq	%rax, %xmm15
	movw	$FPU_FIRST_FCW, FPU_SCRATCH_GPA
	fldcw	FPU_SCRATCH_GPA
	.globl	fpu_hlt_first
fpu_hlt_first:
	hlt

	movq	%xmm0, %rax
	out	%eax, $FPU_PORT
	shr	$32, %rax
	out	%eax, $FPU_PORT
	fnstcw	FPU_SCRATCH_GPA
	movzwl	FPU_SCRATCH_GPA, %eax
	out	%eax, $FPU_PORT

	movabs	$FPU_XMM1_VALUE, %rax
	movq	%rax, %xmm1
	movw	$FPU_NEW_FCW, FPU_SCRATCH_GPA
	fldcw	FPU_SCRATCH_GPA
	fld1
	.globl	fpu_hlt
fpu_hlt:
	hlt
