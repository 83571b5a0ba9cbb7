/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 32-bit protected mode (flat segments, no paging): the guest side of the
 * dirty-log tests. dirty_writer writes, reads or INSes into pages on
 * command, so the test knows exactly which pages it wrote; dirty_spinner,
 * run by other vCPUs, writes its pages for ever. See guest-abi.h.
 */
#include "guest-abi.h"

	.code32
	.text
	.globl	dirty_writer
dirty_writer:
	mov	$DIRTY_PORT_CMD, %dx
	in	%dx, %eax
	mov	%eax, %edi
	and	$~0xfff, %edi		/* the page */
	and	$0xfff, %eax		/* the operation */
	cmp	$DIRTY_OP_WRITE, %eax
	je	do_write
	cmp	$DIRTY_OP_READ, %eax
	je	do_read
	cmp	$DIRTY_OP_INS, %eax
	je	do_ins
	.globl	dirty_writer_hlt
dirty_writer_hlt:
	hlt

do_write:
	mov	%edi, %eax
	xor	$DIRTY_XOR, %eax
	mov	%eax, DIRTY_OFFSET(%edi)
	jmp	done

do_read:
	mov	DIRTY_OFFSET(%edi), %eax
	jmp	done

do_ins:
	mov	%edi, %eax
	add	$DIRTY_OFFSET, %edi
	mov	$DIRTY_PORT_INS, %dx
	cld
	insl				/* ES:EDI, one dword */

done:
	mov	$DIRTY_PORT_DONE, %dx
	out	%eax, %dx
	jmp	dirty_writer

	.globl	dirty_spinner
dirty_spinner:
	mov	$1, %ebx
pass:	mov	%esi, %edi
	mov	%edx, %ecx
page:	mov	%ebx, DIRTY_OFFSET(%edi)
	add	$KT_PAGE_SIZE, %edi
	loop	page
	inc	%ebx
	jmp	pass
