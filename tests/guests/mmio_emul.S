/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MMIO through instruction emulation in 64-bit mode: reads and writes of
 * EMU_MMIO_GPA (no memslot) with many instruction forms.  After each group
 * a checkpoint OUT (byte n to EMU_PORT_CHECK) lets the test look at the
 * registers.  The MMIO exits each group must give are listed in abi-test.c
 * (test_mmio_emulation_64); offsets below are from EMU_MMIO_GPA.
 */
#include "guest-abi.h"

#define M EMU_MMIO_GPA

	.code64
	.text
text_start:				/* linked at KT_CODE_GPA */
	/* 1: loads of every width, zero- and sign-extended. */
	movzbl	M, %r10d			/* read 1 @0 */
	movsbq	M + 1, %rbx			/* read 1 @1 */
	movzwl	M + 2, %ecx			/* read 2 @2 */
	mov	M + 8, %rdx			/* read 8 @8 */
	movswl	M + 4, %esi			/* read 2 @4 */
	movabs	M + 0x88, %eax			/* read 4 @0x88, moffs form */
	mov	%eax, %edi
	mov	$1, %al
	out	%al, $EMU_PORT_CHECK

	/* 2: stores of every width, string stores. */
	movabs	$0xa1b2c3d4e5f60718, %r8
	mov	%r8w, M + 0x10			/* write 2 @0x10 */
	mov	%r8, M + 0x18			/* write 8 @0x18 */
	movb	$0x5a, M + 0x20			/* write 1 @0x20 */
	movl	$-2, M + 0x24			/* write 4 @0x24 */
	mov	$M + 0x40, %edi
	mov	$0xcafebabe, %eax
	stosl					/* write 4 @0x40 */
	mov	$3, %ecx
	rep stosw				/* write 2 @0x44, 0x46, 0x48 */
	mov	$2, %al
	out	%al, $EMU_PORT_CHECK

	/* 3: string moves between RAM and MMIO. */
	mov	$EMU_RAM_SRC, %esi
	mov	$M + 0x50, %edi
	movsl					/* write 4 @0x50 (RAM's value) */
	mov	$M + 0x60, %esi
	mov	$EMU_RAM_DST, %edi
	movsl					/* read 4 @0x60, to RAM */
	mov	$3, %al
	out	%al, $EMU_PORT_CHECK

	/* 4: read-modify-write and compare. */
	orl	$0x80000001, M + 0x70		/* read 4, write 4 @0x70 */
	andb	$0x0f, M + 0x74			/* read 1, write 1 @0x74 */
	mov	$0x76543210, %esi
	xchg	%esi, M + 0x78			/* read 4, write 4 @0x78 */
	mov	$0x77, %r9d
	add	%r9d, M + 0x7c			/* read 4, write 4 @0x7c */
	cmpl	$0x1234, M + 0x84		/* read 4 @0x84 only */
	sete	%al
	mov	$4, %bl				/* AL holds the result */
	xchg	%al, %bl
	out	%al, $EMU_PORT_CHECK

	/* 5: RIP-relative and base + index * scale + displacement. */
	/* The assembler resolves a RIP-relative operand against a
	 * constant as a plain displacement: name the target relative to
	 * this section instead. */
	mov	text_start + (M + 0x80 - KT_CODE_GPA)(%rip), %eax /* @0x80 */
	mov	$M, %rbx
	mov	$2, %ecx
	mov	%eax, 0x100(%rbx, %rcx, 8)	/* write 4 @0x110 */
	mov	%eax, %edx
	mov	$5, %al
	out	%al, $EMU_PORT_CHECK
	.globl	mmio_emul_hlt
mmio_emul_hlt:
	hlt
