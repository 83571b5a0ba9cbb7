/* SPDX-License-Identifier: GPL-2.0 */
/* Real mode: loop forever without exits, until userspace kicks the vCPU. */
	.code16
	.text
	.globl	spin_loop
spin_loop:
	jmp	spin_loop
