/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 64-bit long mode port I/O, then a distinct 64-bit value in every GPR so
 * the test can check with KVM_GET_REGS that all of them were saved.
 */
#include "guest-abi.h"

	.code64
	.text
	mov	$LM_IO_DWORD, %eax
	.globl	lm_io_first_out
lm_io_first_out:
	out	%eax, $LM_IO_PORT_DWORD
	in	$LM_IO_PORT_IN, %eax	/* the test supplies the value */
	add	$LM_IO_ADD, %eax
	out	%eax, $LM_IO_PORT_RESULT

	/* struct kvm_regs order: rax rbx rcx rdx rsi rdi rsp rbp r8..r15 */
	movabs	$LM_REG_VALUE(0), %rax
	movabs	$LM_REG_VALUE(1), %rbx
	movabs	$LM_REG_VALUE(2), %rcx
	movabs	$LM_REG_VALUE(3), %rdx
	movabs	$LM_REG_VALUE(4), %rsi
	movabs	$LM_REG_VALUE(5), %rdi
	movabs	$LM_REG_VALUE(6), %rsp	/* no stack use after this */
	movabs	$LM_REG_VALUE(7), %rbp
	movabs	$LM_REG_VALUE(8), %r8
	movabs	$LM_REG_VALUE(9), %r9
	movabs	$LM_REG_VALUE(10), %r10
	movabs	$LM_REG_VALUE(11), %r11
	movabs	$LM_REG_VALUE(12), %r12
	movabs	$LM_REG_VALUE(13), %r13
	movabs	$LM_REG_VALUE(14), %r14
	movabs	$LM_REG_VALUE(15), %r15
	.globl	lm_io_hlt
lm_io_hlt:
	hlt
