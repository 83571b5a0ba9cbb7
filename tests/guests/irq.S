/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interrupt and NMI delivery through the guest's IDT: a CLI section with an
 * OUT, STI, then HLT in a loop; handlers report vector and saved RIP.
 * Details: guest-abi.h.
 */
#include "guest-abi.h"

	.code64
	.text
	cli
	.globl	irq_cli_out
irq_cli_out:
	out	%al, $IRQ_PORT_CLI
	.globl	irq_after_cli_out
irq_after_cli_out:
	sti
	.globl	irq_sti_shadow
irq_sti_shadow:
	nop				/* in the STI shadow */
	.globl	irq_window, irq_loop
irq_window:
irq_loop:
	hlt
	.globl	irq_after_hlt
irq_after_hlt:
	jmp	irq_loop

.macro	handler name, vector
	.balign	16
	.globl	\name
\name:
	push	%rax
	mov	$\vector, %eax
	out	%eax, $IRQ_PORT_ENTER
	mov	8(%rsp), %rax		/* saved RIP */
	out	%eax, $IRQ_PORT_RIP
	mov	$\vector, %eax
	out	%eax, $IRQ_PORT_LEAVE
	pop	%rax
	iretq
.endm

	handler	irq_handler_30, IRQ_VECTOR_A
	handler	irq_handler_31, IRQ_VECTOR_B
	handler	irq_handler_nmi, 2
