/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shows the test the registers it set with KVM_SET_REGS: OUTs EAX, stores
 * every GPR and RFLAGS at REGS_DUMP_GPA, OUTs to say so; then changes every
 * GPR (NOT) and the carry flag (CMC) and halts, for KVM_GET_REGS to see.
 */
#include "guest-abi.h"

#define SLOT(n) (REGS_DUMP_GPA + 8 * (n))

	.code64
	.text
	out	%eax, $REGS_PORT_RAX

	/* struct kvm_regs order: rax rbx rcx rdx rsi rdi rsp rbp r8..r15,
	 * (rip), rflags */
	mov	%rax, SLOT(0)
	mov	%rbx, SLOT(1)
	mov	%rcx, SLOT(2)
	mov	%rdx, SLOT(3)
	mov	%rsi, SLOT(4)
	mov	%rdi, SLOT(5)
	mov	%rsp, SLOT(6)
	mov	%rbp, SLOT(7)
	mov	%r8, SLOT(8)
	mov	%r9, SLOT(9)
	mov	%r10, SLOT(10)
	mov	%r11, SLOT(11)
	mov	%r12, SLOT(12)
	mov	%r13, SLOT(13)
	mov	%r14, SLOT(14)
	mov	%r15, SLOT(15)
	pushfq				/* RSP comes back to its value */
	popq	SLOT(17)
	out	%al, $REGS_PORT_DUMPED

	not	%rax
	not	%rbx
	not	%rcx
	not	%rdx
	not	%rsi
	not	%rdi
	not	%rsp
	not	%rbp
	not	%r8
	not	%r9
	not	%r10
	not	%r11
	not	%r12
	not	%r13
	not	%r14
	not	%r15
	cmc
	.globl	regs_echo_hlt
regs_echo_hlt:
	hlt
