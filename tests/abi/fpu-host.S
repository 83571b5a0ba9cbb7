/* SPDX-License-Identifier: GPL-2.0 */
/* fpu_hold(): see fpu-host.h. */
#include "fpu-host.h"

#define REGS	0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
#define X87	0,1,2,3,4,5,6,7

	.text
	.globl	fpu_hold
	.type	fpu_hold, @function
fpu_hold:
	push	%rbx
	mov	%rdi, %rbx		/* the frame; callee-saved across syscall */
	stmxcsr	FH_SAVED_MXCSR(%rbx)
	fnstcw	FH_SAVED_FCW(%rbx)
	ldmxcsr	FH_MXCSR_IN(%rbx)
	fninit
	fldcw	FH_FCW_IN(%rbx)
	.irp	j, X87
	fildq	FH_X87_IN+8*\j(%rbx)
	.endr
	testl	$FH_FLAG_AVX, FH_FLAGS(%rbx)
	jz	1f
	.irp	r, REGS
	vmovdqu	FH_IN+32*\r(%rbx), %ymm\r
	.endr
	jmp	2f
1:	.irp	r, REGS
	movdqu	FH_IN+32*\r(%rbx), %xmm\r
	.endr
2:	mov	FH_SPIN(%rbx), %rcx
	call	spin
	mov	FH_NR(%rbx), %rax
	test	%rax, %rax
	js	3f
	mov	FH_A0(%rbx), %rdi
	mov	FH_A1(%rbx), %rsi
	mov	FH_A2(%rbx), %rdx
	syscall
	mov	%rax, FH_RET(%rbx)
3:	mov	FH_SPIN(%rbx), %rcx
	call	spin
	testl	$FH_FLAG_AVX, FH_FLAGS(%rbx)
	jz	4f
	.irp	r, REGS
	vmovdqu	%ymm\r, FH_OUT+32*\r(%rbx)
	.endr
	jmp	5f
4:	.irp	r, REGS
	movdqu	%xmm\r, FH_OUT+32*\r(%rbx)
	.endr
5:	.irp	j, X87
	fistpq	FH_X87_OUT+8*\j(%rbx)
	.endr
	stmxcsr	FH_MXCSR_OUT(%rbx)
	fnstcw	FH_FCW_OUT(%rbx)
	ldmxcsr	FH_SAVED_MXCSR(%rbx)
	fldcw	FH_SAVED_FCW(%rbx)
	testl	$FH_FLAG_AVX, FH_FLAGS(%rbx)
	jz	6f
	vzeroupper
6:	mov	FH_RET(%rbx), %rax
	pop	%rbx
	ret
	.size	fpu_hold, . - fpu_hold

/* RCX loops (0: none). */
spin:	test	%rcx, %rcx
	jz	2f
1:	dec	%rcx
	jnz	1b
2:	ret

	.section .note.GNU-stack, "", @progbits
