/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SSE and AVX state through KVM_SET_XSAVE/KVM_GET_XSAVE, XCR0 through
 * KVM_SET_XCRS/KVM_GET_XCRS and the guest's XGETBV/XSETBV.  See
 * guest-abi.h.
 */
#include "guest-abi.h"

	.code64
	.text
	movd	%xmm2, %eax
	out	%eax, $XSAVE_PORT
	vextractf128 $1, %ymm4, %xmm5
	movd	%xmm5, %eax
	out	%eax, $XSAVE_PORT
	xor	%ecx, %ecx
	xgetbv
	out	%eax, $XSAVE_PORT

	movabs	$XSAVE_XMM3_VALUE, %rax
	movq	%rax, %xmm3
	movabs	$XSAVE_YMM6_HI_VALUE, %rax
	movq	%rax, %xmm7
	vinsertf128 $1, %xmm7, %ymm6, %ymm6
	.globl	xsave_hlt
xsave_hlt:
	hlt
