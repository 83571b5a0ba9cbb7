/* SPDX-License-Identifier: GPL-2.0 */
/* Real mode: OUT %al to one port forever; each OUT is one exit to time. */
#include "guest-abi.h"

	.code16
	.text
	mov	$PIO_LOOP_PORT, %dx
again:	out	%al, %dx
	jmp	again
