/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 32-bit protected mode with an IDT limit of 0: the #UD of UD2 cannot be
 * delivered (#GP), nor can that (#DF), so the CPU shuts down (triple fault).
 */
	.code32
	.text
	ud2
	hlt				/* never reached */
