/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory through two slots, in 64-bit mode: sum the dwords of slot 1 (which
 * the test filled), OUT the sum; then write (address ^ TWO_SLOTS_XOR) into
 * every dword of slot 1 and of an area of slot 0, OUT, HLT.
 */
#include "guest-abi.h"

	.code64
	.text
	movabs	$TWO_SLOTS_SLOT1_GPA, %rsi
	mov	$TWO_SLOTS_SLOT1_SIZE / 4, %ecx
	xor	%eax, %eax
sum:	add	(%rsi), %eax
	add	$4, %rsi
	dec	%ecx
	jnz	sum
	out	%eax, $TWO_SLOTS_PORT_SUM

	movabs	$TWO_SLOTS_SLOT1_GPA, %rdi
	mov	$TWO_SLOTS_SLOT1_SIZE / 4, %ecx
	call	fill
	mov	$TWO_SLOTS_SLOT0_GPA, %edi
	mov	$TWO_SLOTS_SLOT0_SIZE / 4, %ecx
	call	fill
	mov	$TWO_SLOTS_DONE_VALUE, %al
	out	%al, $TWO_SLOTS_PORT_DONE
	hlt

/* Write (low 32 bits of the address ^ TWO_SLOTS_XOR) to ECX dwords at RDI. */
fill:	mov	%edi, %eax
	xor	$TWO_SLOTS_XOR, %eax
	mov	%eax, (%rdi)
	add	$4, %rdi
	dec	%ecx
	jnz	fill
	ret
