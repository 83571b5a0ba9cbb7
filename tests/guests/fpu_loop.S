/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 64-bit mode FPU/SSE/AVX state checks for the robustness suite; what each
 * entry point does is in robust-abi.h.  Expected values (qwords):
 *   xmm/ymm area, qword i (register i / 4):  (n << 32) | (i << 8) | 0xa5,
 *     after PADDQ the low two qwords of each register are doubled, the
 *     upper two (ymm only) unchanged;
 *   x87 value j: (n << 16) | j, loaded in order 0..7, stored doubled from
 *     the top of the stack (so value 7 - k lands in slot k).
 */
#include "robust-abi.h"

#define REGS	0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
#define X87	0,1,2,3,4,5,6,7
#define AVX_ON	testl $FPU_FLAG_AVX, FPU_CTRL_GPA + FPU_CTRL_FLAGS

	.code64
	.text
	.globl	fpu_loop
fpu_loop:
	AVX_ON
	jz	1f
	xor	%ecx, %ecx
	xor	%edx, %edx
	mov	$7, %eax		/* x87 | SSE | AVX */
	xsetbv
1:	ldmxcsr	guest_mxcsr
	fninit
	fldcw	guest_fcw
	xor	%ebx, %ebx		/* n */

iteration:
	inc	%rbx
	mov	$FPU_EXPECT_GPA, %rdi
	mov	$FPU_SEEN_GPA, %rsi
	xor	%ecx, %ecx
2:	mov	%rbx, %rax
	shl	$32, %rax
	mov	%rcx, %rdx
	shl	$8, %rdx
	or	%rdx, %rax
	or	$0xa5, %rax
	mov	%rax, (%rdi,%rcx,8)
	inc	%ecx
	cmp	$64, %ecx
	jb	2b
	xor	%ecx, %ecx
3:	mov	%rbx, %rax
	shl	$16, %rax
	or	%rcx, %rax
	mov	%rax, FPU_X87_OFFSET(%rdi,%rcx,8)
	inc	%ecx
	cmp	$8, %ecx
	jb	3b

	/* Load. */
	AVX_ON
	jz	4f
	.irp	r, REGS
	vmovdqu	32*\r(%rdi), %ymm\r
	.endr
	jmp	5f
4:	.irp	r, REGS
	movdqu	32*\r(%rdi), %xmm\r
	.endr
5:	.irp	j, X87
	fildq	FPU_X87_OFFSET+8*\j(%rdi)
	.endr

	/* Hold the values: spin, exit to userspace once, spin again. */
	call	spin
	mov	%ebx, %eax
	or	$0x80000000, %eax
	out	%eax, $FPU_PORT_PROGRESS
	call	spin

	/* Compute and store. */
	.irp	r, REGS
	paddq	%xmm\r, %xmm\r
	.endr
	.irp	j, X87
	fadd	%st(0), %st
	fistpq	FPU_X87_OFFSET+8*\j(%rsi)
	.endr
	AVX_ON
	jz	6f
	.irp	r, REGS
	vmovdqu	%ymm\r, 32*\r(%rsi)
	.endr
	jmp	7f
6:	.irp	r, REGS
	movdqu	%xmm\r, 32*\r(%rsi)
	.endr
7:	stmxcsr	FPU_MXCSR_OFFSET(%rsi)
	fnstcw	FPU_FCW_OFFSET(%rsi)

	/* Check. */
	xor	%ecx, %ecx
8:	mov	(%rdi,%rcx,8), %rax
	mov	%ecx, %edx
	and	$3, %edx
	cmp	$2, %edx
	jae	9f
	add	%rax, %rax		/* low half: doubled */
	jmp	10f
9:	AVX_ON				/* upper half: only with AVX */
	jz	11f
10:	cmp	(%rsi,%rcx,8), %rax
	jne	fail_xmm
11:	inc	%ecx
	cmp	$64, %ecx
	jb	8b
	xor	%ecx, %ecx
12:	mov	$7, %edx
	sub	%ecx, %edx
	mov	FPU_X87_OFFSET(%rdi,%rdx,8), %rax
	add	%rax, %rax
	cmp	FPU_X87_OFFSET(%rsi,%rcx,8), %rax
	jne	fail_x87
	inc	%ecx
	cmp	$8, %ecx
	jb	12b
	cmpl	$FPU_GUEST_MXCSR, FPU_MXCSR_OFFSET(%rsi)
	jne	fail_mxcsr
	cmpw	$FPU_GUEST_FCW, FPU_FCW_OFFSET(%rsi)
	jne	fail_fcw
report:
	mov	%ebx, %eax
	out	%eax, $FPU_PORT_PROGRESS
	jmp	iteration

fail_xmm:
	mov	%ecx, %eax
	jmp	fail
fail_x87:
	lea	FPU_FAIL_X87(%rcx), %eax
	jmp	fail
fail_mxcsr:
	mov	$FPU_FAIL_MXCSR, %eax
	jmp	fail
fail_fcw:
	mov	$FPU_FAIL_FCW, %eax
fail:	out	%eax, $FPU_PORT_FAIL
	/* Reload the guest's MXCSR/FCW in case they were what broke. */
	ldmxcsr	guest_mxcsr
	fldcw	guest_fcw
	jmp	report

/* Spin FPU_CTRL_SPIN / 2 (at least 1) loops; clobbers RCX only. */
spin:	mov	FPU_CTRL_GPA + FPU_CTRL_SPIN, %rcx
	shr	$1, %rcx
	jnz	1f
	inc	%rcx
1:	dec	%rcx
	jnz	1b
	ret

	.globl	fpu_dump
fpu_dump:
	fxsave64 FPU_DUMP_GPA
	AVX_ON
	jz	1f
	.irp	r, REGS
	vextractf128 $1, %ymm\r, FPU_DUMP_GPA+FPU_DUMP_YMMH+16*\r
	.endr
1:	out	%al, $FPU_PORT_DUMPED
	.globl	fpu_dump_hlt
fpu_dump_hlt:
	hlt

	.globl	fpu_clobber
fpu_clobber:
	AVX_ON
	jz	1f
	xor	%ecx, %ecx
	xor	%edx, %edx
	mov	$7, %eax
	xsetbv
	.irp	r, REGS
	vmovdqu	clobber_pattern, %ymm\r
	.endr
	jmp	2f
1:	.irp	r, REGS
	movdqu	clobber_pattern, %xmm\r
	.endr
2:	ldmxcsr	guest_mxcsr
	fninit
	fldcw	guest_fcw
	.irp	j, X87
	fldpi
	.endr
	out	%al, $FPU_PORT_CLOBBERED
	jmp	fpu_clobber

	.balign	32
clobber_pattern:
	.quad	0xeeeeeeeeeeeeeeee, 0xdddddddddddddddd
	.quad	0xcccccccccccccccc, 0xbbbbbbbbbbbbbbbb
guest_mxcsr:
	.long	FPU_GUEST_MXCSR
guest_fcw:
	.word	FPU_GUEST_FCW

/*
 * Exception stubs for vectors 0..31 (FPU_STUB_SIZE bytes each, from
 * fpu_vectors): store the vector and the top three stack qwords (RIP, or
 * the error code then RIP) at FPU_CTRL_GPA + FPU_CTRL_EXCEPTION, OUT
 * FPU_PORT_EXCEPTION, HLT.
 */
	.balign	FPU_STUB_SIZE
	.globl	fpu_vectors
fpu_vectors:
	.set	vec, 0
	.rept	32
	.balign	FPU_STUB_SIZE
	.byte	0x6a, vec		/* push $vec */
	jmp	vector_common
	.set	vec, vec + 1
	.endr
vector_common:
	pop	%rax
	mov	%rax, FPU_CTRL_GPA + FPU_CTRL_EXCEPTION
	mov	(%rsp), %rax
	mov	%rax, FPU_CTRL_GPA + FPU_CTRL_EXCEPTION + 8
	mov	8(%rsp), %rax
	mov	%rax, FPU_CTRL_GPA + FPU_CTRL_EXCEPTION + 16
	mov	16(%rsp), %rax
	mov	%rax, FPU_CTRL_GPA + FPU_CTRL_EXCEPTION + 24
	out	%al, $FPU_PORT_EXCEPTION
	hlt
