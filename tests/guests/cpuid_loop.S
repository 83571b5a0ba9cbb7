/* SPDX-License-Identifier: GPL-2.0 */
/* Real mode: CPUID (leaf 0) CPUID_LOOP_COUNT times (the dword at
 * CPUID_LOOP_COUNT_GPA), then OUT to CPUID_LOOP_PORT; forever.  CPUID is
 * handled in the kernel, so only the OUT comes to userspace. */
#include "guest-abi.h"

	.code16
	.text
again:	mov	CPUID_LOOP_COUNT_GPA, %ebp
1:	xor	%eax, %eax
	xor	%ecx, %ecx
	cpuid
	dec	%ebp
	jnz	1b
	mov	$CPUID_LOOP_PORT, %dx
	out	%al, (%dx)
	jmp	again
