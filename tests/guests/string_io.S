/* SPDX-License-Identifier: GPL-2.0 */
/*
 * String port I/O in 64-bit mode: rep outs/ins both directions, and one
 * outs without rep; a checkpoint OUT after each.  See guest-abi.h.
 */
#include "guest-abi.h"

	.code64
	.text
	cld
	mov	$STRIO_PORT, %dx

	mov	$STRIO_OUT_BUF, %esi
	mov	$STRIO_OUTSB_COUNT, %ecx
	rep outsb
	mov	$1, %al
	out	%al, $STRIO_PORT_CHECK

	mov	$STRIO_IN_BUF, %edi
	mov	$STRIO_INSW_COUNT, %ecx
	rep insw
	mov	$2, %al
	out	%al, $STRIO_PORT_CHECK

	std
	mov	$STRIO_OUT_BUF + 4 * (STRIO_OUTSL_COUNT - 1), %esi
	mov	$STRIO_OUTSL_COUNT, %ecx
	rep outsl
	mov	$3, %al
	out	%al, $STRIO_PORT_CHECK

	mov	$STRIO_IN_BUF2_END, %edi
	mov	$STRIO_INSB_COUNT, %ecx
	rep insb
	cld
	mov	$4, %al
	out	%al, $STRIO_PORT_CHECK

	mov	$STRIO_OUT_BUF, %esi
	outsw
	mov	$5, %al
	out	%al, $STRIO_PORT_CHECK
	hlt
