/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A read-only memslot: reads come from memory, writes exit as MMIO and
 * change nothing, code there runs.  See guest-abi.h.
 */
#include "guest-abi.h"

	.code64
	.text
	mov	ROM_GPA, %eax
	out	%eax, $ROM_PORT
	.globl	rom_write
rom_write:
	movl	$ROM_WRITE_VALUE, ROM_GPA + 4
	mov	ROM_GPA + 4, %eax
	out	%eax, $ROM_PORT
	mov	$ROM_GPA + ROM_CODE_OFFSET, %ebx
	call	*%rbx
	out	%eax, $ROM_PORT
	hlt
