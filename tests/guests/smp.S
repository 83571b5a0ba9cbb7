/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Two vCPUs in one VM, real mode, each with its own entry point: OUT a
 * counter SMP_ITERATIONS times to its own port, bumping a shared word with a
 * locked add each time, then HLT.
 */
#include "guest-abi.h"

	.code16
	.text

.macro	count_to_port port
	mov	$\port, %dx
	xor	%ax, %ax
1:	out	%ax, %dx
	lock incw SMP_COUNTER_GPA
	inc	%ax
	cmp	$SMP_ITERATIONS, %ax
	jne	1b
	hlt
.endm

	.globl	smp_vcpu0
smp_vcpu0:
	count_to_port SMP_PORT_VCPU0

	.globl	smp_vcpu1
smp_vcpu1:
	count_to_port SMP_PORT_VCPU1
