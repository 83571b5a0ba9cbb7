/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The first guest: real mode, prints "Hello from a guest on <name>!\n" one
 * byte at a time to port 0xE9 (the Bochs/QEMU debug port), then halts.
 * <name> is a string the host put at HELLO_NAME_GPA.
 */
#include "guest-abi.h"

	.code16
	.text
	mov	$greeting, %si
	call	print
	mov	$HELLO_NAME_GPA, %si
	call	print
	mov	$ending, %si
	call	print
	hlt

/* OUT the NUL-terminated string at DS:SI. */
print:	lodsb
	test	%al, %al
	jz	done
	out	%al, $HELLO_PORT
	jmp	print
done:	ret

greeting:	.asciz	"Hello from a guest on "
ending:		.asciz	"!\n"
