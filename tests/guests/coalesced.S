/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 32-bit protected mode writes for coalesced MMIO (abi-test): a byte, a word
 * and a dword into COALESCED_GPA (no memslot there), OUT 1; then
 * COALESCED_RUN dwords, the i-th (COALESCED_VALUE + i) at COALESCED_GPA +
 * 0x100 + 4 * (i % 64), OUT 2; then one dword more and OUT 3; HLT.
 */
#include "guest-abi.h"

	.code32
	.text
	movb	$0x11, COALESCED_GPA
	movw	$0x2233, COALESCED_GPA + 2
	movl	$0x44556677, COALESCED_GPA + 4
	mov	$1, %eax
	out	%eax, $COALESCED_PORT
	xor	%ecx, %ecx
run:	mov	%ecx, %edx
	and	$63, %edx
	lea	COALESCED_VALUE(%ecx), %eax
	mov	%eax, COALESCED_GPA + 0x100(,%edx,4)
	inc	%ecx
	cmp	$COALESCED_RUN, %ecx
	jb	run
	mov	$2, %eax
	out	%eax, $COALESCED_PORT
	movl	$COALESCED_LAST_VALUE, COALESCED_GPA + 8
	mov	$3, %eax
	out	%eax, $COALESCED_PORT
	hlt
