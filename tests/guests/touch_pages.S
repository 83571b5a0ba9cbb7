/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Real mode: write one byte into each of the 16 pages of a 64 KiB slot at
 * GPA 0 (offset TOUCH_OFFSET in each page, clear of this code), HLT.
 */
#include "guest-abi.h"

	.code16
	.text
	mov	$TOUCH_OFFSET, %di
	mov	$TOUCH_PAGES, %cx
	mov	$TOUCH_FIRST_VALUE, %al
next:	mov	%al, (%di)
	inc	%al
	add	$KT_PAGE_SIZE, %di
	loop	next
	hlt
