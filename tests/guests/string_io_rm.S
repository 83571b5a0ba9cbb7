/* SPDX-License-Identifier: GPL-2.0 */
/*
 * String port I/O in real mode (DS = ES = 0): rep outsb, rep insb.  See
 * guest-abi.h.
 */
#include "guest-abi.h"

	.code16
	.text
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %es
	cld
	mov	$STRIO_PORT, %dx
	mov	$STRIO_RM_OUT_BUF, %si
	mov	$STRIO_RM_COUNT, %cx
	rep outsb
	mov	$1, %al
	out	%al, $STRIO_PORT_CHECK
	mov	$STRIO_RM_IN_BUF, %di
	mov	$STRIO_RM_COUNT, %cx
	rep insb
	mov	$2, %al
	out	%al, $STRIO_PORT_CHECK
	hlt
