/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exceptions delivered through the guest's own IDT (guest-idt.h handlers):
 * each faulting instruction is preceded by loading R15 with where the
 * handler resumes.  Order and values: guest-abi.h.
 */
#include "guest-idt.h"

	.code64
	.text
	/* #DE: divide by zero (fault: RIP of the DIV). */
	lea	1f(%rip), %r15
	xor	%ecx, %ecx
	mov	$1, %eax
	xor	%edx, %edx
	.globl	exc_de
exc_de:
	div	%ecx
1:
	/* #UD */
	lea	1f(%rip), %r15
	.globl	exc_ud
exc_ud:
	ud2
1:
	/* #BP: a trap, the saved RIP is past the INT3. */
	int3
	.globl	exc_bp_next
exc_bp_next:
	/* #GP(selector): selector past the GDT limit. */
	lea	1f(%rip), %r15
	mov	$EXC_BAD_SELECTOR, %ax
	.globl	exc_gp_sel
exc_gp_sel:
	mov	%ax, %ds
1:
	/* #GP(0): non-canonical address. */
	lea	1f(%rip), %r15
	movabs	$EXC_NONCANONICAL_GVA, %rbx
	.globl	exc_gp_canon
exc_gp_canon:
	mov	(%rbx), %rax
1:
	/* #PF, read then write, of an address the page tables leave out. */
	lea	1f(%rip), %r15
	movabs	$EXC_UNMAPPED_GVA, %rbx
	.globl	exc_pf_read
exc_pf_read:
	mov	(%rbx), %eax
1:
	lea	1f(%rip), %r15
	.globl	exc_pf_write
exc_pf_write:
	movl	$1, (%rbx)
1:
	mov	$EXC_DONE_VALUE, %eax
	out	%eax, $EXC_PORT_DONE
	hlt

	EXC64_HANDLERS exceptions
