/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Real mode port I/O: OUT a byte, a word and a dword, IN a word, OUT a
 * result computed from it, HLT.  Constants: guest-abi.h.
 */
#include "guest-abi.h"

	.code16
	.text
	mov	$RM_IO_BYTE, %al
	.globl	rm_io_first_out
rm_io_first_out:			/* RIP seen at the first OUT exit */
	out	%al, $RM_IO_PORT_BYTE

	mov	$RM_IO_PORT_WORD, %dx	/* ports above 0xff need DX */
	mov	$RM_IO_WORD, %ax
	out	%ax, %dx

	mov	$RM_IO_PORT_DWORD, %dx
	mov	$RM_IO_DWORD, %eax	/* 0x66 prefix: 32-bit operand */
	out	%eax, %dx

	.globl	rm_io_in
rm_io_in:
	in	$RM_IO_PORT_IN, %ax	/* the test supplies the value */
	mov	%ax, %bx		/* ax = 3 * ax + 7 */
	add	%ax, %ax
	add	%bx, %ax
	add	$7, %ax
	out	%ax, $RM_IO_PORT_RESULT

	.globl	rm_io_hlt
rm_io_hlt:
	hlt
