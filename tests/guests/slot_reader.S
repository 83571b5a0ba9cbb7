/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 32-bit protected mode: read a dword of slot 1 for ever, counting the reads
 * in EBX. No exit of its own: only losing the slot under it (it turns into
 * MMIO) stops it.
 */
#include "guest-abi.h"

	.code32
	.text
	.globl	slot_reader
slot_reader:
	xor	%ebx, %ebx
1:	mov	SLOT_READER_GPA, %eax
	inc	%ebx
	jmp	1b
