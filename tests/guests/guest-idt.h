/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exception handlers for 64-bit payloads, as an assembler macro: a payload
 * says `EXC64_HANDLERS name` once (after its main code) and gets global
 * stubs at name_exc_stubs, one per vector 0..EXC_STUB_COUNT-1 every
 * EXC_STUB_STRIDE bytes, for the test to point IDT gates at
 * (kt_vcpu_set_idt_gates).  What a handler reports: guest-abi.h.
 */
#ifndef KT_GUEST_IDT_H
#define KT_GUEST_IDT_H

#include "guest-abi.h"

#ifdef __ASSEMBLER__

/* Vectors for which the CPU pushes an error code. */
.macro	exc64_stub prefix, vector
	.balign	EXC_STUB_STRIDE
	.if (\vector == 8) || (\vector >= 10 && \vector <= 14) || \
	    (\vector == 17) || (\vector == 21) || (\vector == 29) || \
	    (\vector == 30)
	.else
	pushq	$0			/* no error code: push one */
	.endif
	pushq	$\vector
	jmp	\prefix\()_exc_common
.endm

.macro	EXC64_HANDLERS prefix
	.balign	EXC_STUB_STRIDE
	.globl	\prefix\()_exc_stubs
\prefix\()_exc_stubs:
	.irp	v, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, \
		   16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, \
		   30, 31
	exc64_stub \prefix, \v
	.endr

/* Stack: saved RAX, vector, error code, RIP, CS, RFLAGS, RSP, SS. */
\prefix\()_exc_common:
	push	%rax
	mov	8(%rsp), %eax
	out	%eax, $EXC_PORT_VECTOR
	mov	16(%rsp), %eax
	out	%eax, $EXC_PORT_ERROR
	mov	24(%rsp), %eax
	out	%eax, $EXC_PORT_RIP
	cmpl	$14, 8(%rsp)
	jne	1f
	mov	%cr2, %rax
	out	%eax, $EXC_PORT_CR2
1:	test	%r15, %r15
	jz	2f
	mov	%r15, 24(%rsp)		/* resume where the code asked */
	xor	%r15d, %r15d
2:	pop	%rax
	add	$16, %rsp		/* vector and error code */
	iretq
.endm

#endif /* __ASSEMBLER__ */
#endif
