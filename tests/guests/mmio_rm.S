/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MMIO through instruction emulation in real mode: ES points at
 * EMU_RM_MMIO_GPA (no memslot).  Checkpoint OUTs (byte n to
 * EMU_PORT_CHECK) between groups; the exits are listed in abi-test.c
 * (test_mmio_emulation_real_mode).
 */
#include "guest-abi.h"

	.code16
	.text
	xor	%ax, %ax
	mov	%ax, %ds
	mov	$EMU_RM_MMIO_GPA >> 4, %ax
	mov	%ax, %es

	/* 1: loads. */
	movb	%es:0x10, %al			/* read 1 @0x10 */
	movzbl	%es:0x11, %ebx			/* read 1 @0x11 */
	movw	%es:0x12, %cx			/* read 2 @0x12 */
	movl	%es:0x14, %edx			/* read 4 @0x14 */
	mov	%al, %ah
	mov	$1, %al
	out	%al, $EMU_PORT_CHECK

	/* 2: stores, string store, move from RAM, read-modify-write. */
	movw	$0x4321, %es:0x20		/* write 2 @0x20 */
	movl	$0x89abcdef, %es:0x24		/* write 4 @0x24 */
	mov	$0x30, %di
	mov	$0x7788, %ax
	cld
	stosw					/* write 2 @0x30 */
	mov	$EMU_RAM_SRC, %si
	movsb					/* write 1 @0x32 (RAM's byte) */
	orw	$0x8001, %es:0x40		/* read 2, write 2 @0x40 */
	mov	$2, %al
	out	%al, $EMU_PORT_CHECK
	.globl	mmio_rm_hlt
mmio_rm_hlt:
	hlt
