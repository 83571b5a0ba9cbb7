/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Real mode: STI, HLT in a loop; an interrupt handler (through the IVT)
 * OUTs a mark and the saved IP.  See guest-abi.h.
 */
#include "guest-abi.h"

	.code16
	.text
	sti
	.globl	irq_rm_loop
irq_rm_loop:
	hlt
	.globl	irq_rm_after_hlt
irq_rm_after_hlt:
	jmp	irq_rm_loop

	.globl	irq_rm_handler
irq_rm_handler:
	push	%ax
	push	%bp
	mov	%sp, %bp
	mov	$IRQ_RM_MARK, %ax
	out	%ax, $IRQ_PORT_ENTER
	mov	4(%bp), %ax		/* saved IP, above BP and AX */
	out	%ax, $IRQ_PORT_RIP
	pop	%bp
	pop	%ax
	iret
