/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 32-bit protected mode (flat segments, no paging): the guest side of
 * mem-test. mem_probe reads, writes and touches guest memory on command
 * (port I/O); mem_toucher, run by a second vCPU, walks pages for ever.
 * See guest-abi.h.
 */
#include "guest-abi.h"

	.code32
	.text
	.globl	mem_probe
mem_probe:
	mov	$MEM_PORT_CMD, %dx
	in	%dx, %eax
	mov	%eax, %esi
	mov	$MEM_PORT_ARG, %dx
	in	%dx, %eax
	mov	%eax, %edi
	cmp	$MEM_CMD_READ, %esi
	je	do_read
	cmp	$MEM_CMD_WRITE, %esi
	je	do_write
	cmp	$MEM_CMD_TOUCH, %esi
	je	do_touch
	jmp	mem_probe

do_read:
	mov	(%edi), %eax
	jmp	result

do_write:
	in	%dx, %eax		/* the value, from MEM_PORT_ARG */
	mov	%eax, (%edi)
	mov	$MEM_DONE, %eax
	jmp	result

do_touch:
	in	%dx, %eax		/* the page count, from MEM_PORT_ARG */
	mov	%eax, %ecx
	jecxz	2f
1:	movb	$1, (%edi)
	add	$KT_PAGE_SIZE, %edi
	loop	1b
2:	mov	$MEM_DONE, %eax

result:
	mov	$MEM_PORT_RESULT, %dx
	out	%eax, %dx
	jmp	mem_probe

	.globl	mem_toucher
mem_toucher:
	xor	%ebx, %ebx
pass:	mov	%esi, %edi
	xor	%ecx, %ecx
page:	mov	(%edi), %eax
	mov	%ebx, MEM_TOUCHER_OFFSET(%edi)
	add	$KT_PAGE_SIZE, %edi
	inc	%ecx
	cmp	%edx, %ecx
	jb	page
	inc	%ebx
	jmp	pass
