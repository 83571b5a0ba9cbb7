/* SPDX-License-Identifier: GPL-2.0 */
/* Real mode: write AL to MMIO_LOOP_GPA (no memslot there) forever; each
 * write is one KVM_EXIT_MMIO to time. */
#include "guest-abi.h"

	.code16
	.text
	mov	$(MMIO_LOOP_GPA >> 4), %bx
	mov	%bx, %ds
again:	movb	%al, 0
	jmp	again
