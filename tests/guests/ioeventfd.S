/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 32-bit protected mode port and MMIO writes for KVM_IOEVENTFD (abi-test):
 * which ones exit depends on what the test registered. Details:
 * guest-abi.h.
 */
#include "guest-abi.h"
#include "guest-layout.h"

	.code32
	.text
	mov	$IOEVENTFD_PORT, %dx
	mov	$IOEVENTFD_MATCH, %eax
	out	%eax, %dx
	mov	$IOEVENTFD_MISS, %eax
	out	%eax, %dx
	mov	$IOEVENTFD_WORD, %ax
	out	%ax, %dx
	in	%dx, %eax
	mov	$IOEVENTFD_PORT_BYTE, %dx
	mov	$0xff, %al
	out	%al, %dx
	movl	$IOEVENTFD_MATCH, IOEVENTFD_GPA
	movl	$IOEVENTFD_MISS, IOEVENTFD_GPA
	movb	$0x77, IOEVENTFD_GPA + 8
	movw	$0x7788, IOEVENTFD_GPA + 8
	mov	$KT_DATA_GPA, %esi
	mov	$IOEVENTFD_STRING_LEN, %ecx
	mov	$IOEVENTFD_PORT_STRING, %dx
	cld
	rep outsb
	mov	$IOEVENTFD_DONE_PORT, %dx
	mov	$1, %eax
	out	%eax, %dx
	mov	$IOEVENTFD_PORT, %dx
	mov	$IOEVENTFD_MATCH, %eax
	out	%eax, %dx
	movl	$IOEVENTFD_MATCH, IOEVENTFD_GPA
	mov	$IOEVENTFD_DONE_PORT, %dx
	mov	$2, %eax
	out	%eax, %dx
	hlt
