/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's debug registers: what userspace set (KVM_SET_DEBUGREGS), the
 * guest's own values kept across exits, and an instruction breakpoint hit
 * in a loop, each #DB delivered through the guest's IDT. Protocol:
 * guest-abi.h (DR_*).
 */
#include "guest-idt.h"

	.code64
	.text
	mov	%dr0, %rax
	out	%eax, $DR_PORT
	mov	%dr1, %rax
	out	%eax, $DR_PORT
	mov	%dr2, %rax
	out	%eax, $DR_PORT
	mov	%dr3, %rax
	out	%eax, $DR_PORT
	mov	%dr6, %rax
	out	%eax, $DR_PORT
	mov	%dr7, %rax
	out	%eax, $DR_PORT

	mov	$DR_GUEST_DR0, %eax
	mov	%rax, %dr0
	inc	%eax
	mov	%rax, %dr1
	inc	%eax
	mov	%rax, %dr2
	inc	%eax
	mov	%rax, %dr3
	mov	$DR_SYNC, %eax
	out	%eax, $DR_PORT
	mov	%dr0, %rax
	out	%eax, $DR_PORT
	mov	%dr1, %rax
	out	%eax, $DR_PORT
	mov	%dr2, %rax
	out	%eax, $DR_PORT
	mov	%dr3, %rax
	out	%eax, $DR_PORT

	/* Single steps (RFLAGS.TF), a trap after the NOP that follows the
	 * POPF: reported at dr_step_next. dr_db_handler clears TF. (QEMU's
	 * software SVM does not raise a nested guest's DR0-3 breakpoints,
	 * so TF is the #DB every test host has.) */
	mov	$DR_BP_ROUNDS, %ecx
1:	pushf
	orl	$0x100, (%rsp)
	popf
	nop
	.globl	dr_step_next
dr_step_next:
	loop	1b
	mov	$DR_DONE, %eax
	out	%eax, $DR_PORT
	hlt

	/* #DB: no error code; the frame is RIP, CS, RFLAGS, RSP, SS. */
	.globl	dr_db_handler
dr_db_handler:
	andq	$~0x100, 16(%rsp)
	jmp	debugregs_exc_stubs + EXC_STUB_STRIDE

	EXC64_HANDLERS debugregs
