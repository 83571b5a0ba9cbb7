/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 32-bit protected mode access to a GPA that no memslot covers (MMIO): read a
 * dword, OUT what was read, write a dword, HLT.
 */
#include "guest-abi.h"

	.code32
	.text
	mov	MMIO_GPA, %eax
	out	%eax, $MMIO_PORT_READ_VALUE
	movl	$MMIO_WRITE_VALUE, MMIO_GPA + MMIO_WRITE_OFFSET
	hlt
