/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MMIO through instruction emulation in 32-bit protected mode: accesses to
 * EMU_PM_MMIO_GPA (no memslot) with several instruction forms, a checkpoint
 * OUT (byte n to EMU_PORT_CHECK) after them; then a #UD through a 32-bit
 * IDT gate (mmio_pm_ud_handler OUTs (dwords) 6 to EXC_PORT_VECTOR and the
 * saved EIP to EXC_PORT_RIP, and returns past the UD2), checkpoint 2, HLT.
 * The exits are listed in abi-test.c (test_mmio_emulation_32).
 */
#include "guest-abi.h"

#define M EMU_PM_MMIO_GPA

	.code32
	.text
	movzbl	M, %ebx				/* read 1 @0 */
	movsbw	M + 1, %bp			/* read 1 @1 */
	movw	$0x1234, M + 2			/* write 2 @2 */
	mov	$M + 0x10, %edi
	mov	$0x99887766, %eax
	mov	$2, %ecx
	cld
	rep stosl				/* write 4 @0x10, @0x14 */
	mov	$EMU_RAM_SRC, %esi
	movsb					/* write 1 @0x18 (RAM's byte) */
	orl	$0x10, M + 0x20			/* read 4, write 4 @0x20 */
	mov	$0x5555, %edx
	xchg	%dx, M + 0x24			/* read 2, write 2 @0x24 */
	mov	$1, %al
	out	%al, $EMU_PORT_CHECK

	.globl	mmio_pm_ud
mmio_pm_ud:
	ud2
	mov	$2, %al
	out	%al, $EMU_PORT_CHECK
	.globl	mmio_pm_hlt
mmio_pm_hlt:
	hlt

	.globl	mmio_pm_ud_handler
mmio_pm_ud_handler:
	push	%eax
	mov	$6, %eax
	out	%eax, $EXC_PORT_VECTOR
	mov	4(%esp), %eax			/* saved EIP */
	out	%eax, $EXC_PORT_RIP
	addl	$2, 4(%esp)			/* past the UD2 */
	pop	%eax
	iret
