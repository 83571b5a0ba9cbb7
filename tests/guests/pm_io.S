/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 32-bit protected mode port I/O.  Entered with flat segments loaded through
 * KVM_SET_SREGS; first reloads CS, DS, ES and SS from the GDT the library put
 * in guest memory (so a wrong GDT or descriptor cache shows up), then OUTs a
 * dword and a word, INs a dword and OUTs a value computed from it, HLT.
 */
#include "guest-abi.h"

	.code32
	.text
	ljmp	$KT_SEL_CODE32, $reloaded
reloaded:
	mov	$KT_SEL_DATA, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss

	mov	$PM_IO_DWORD, %eax
	.globl	pm_io_first_out
pm_io_first_out:
	out	%eax, $PM_IO_PORT_DWORD
	mov	$PM_IO_WORD, %ax	/* 0x66 prefix: 16-bit operand */
	out	%ax, $PM_IO_PORT_WORD

	mov	$PM_IO_PORT_IN, %dx
	in	%dx, %eax		/* the test supplies the value */
	rol	$8, %eax
	xor	$PM_IO_XOR, %eax
	out	%eax, $PM_IO_PORT_RESULT

	.globl	pm_io_hlt
pm_io_hlt:
	hlt
