/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Real mode: instruction sequences a well-behaved guest would not run, one
 * step each (see robust-abi.h); the test (robust-test.c, hostile_rm_steps[])
 * names them in this order.  CS = DS = SS = 0; the IVT at 0 points every
 * vector at its stub.
 */
#include "robust-abi.h"

	.code16
	.text
	.globl	hostile_rm
hostile_rm:
	.set	nsteps, 0

.macro	step
	.set	nsteps, nsteps + 1
	movw	$1f, HOSTILE_RESUME_GPA
	mov	$nsteps, %eax
	out	%eax, $HOSTILE_PORT_STEP
.endm
.macro	next
1:	mov	$KT_STACK_TOP, %sp
.endm
.macro	value reg
	mov	\reg, %eax
	out	%eax, $HOSTILE_PORT_VALUE
.endm

	step				/* 1: int3 */
	int3
	next
	step				/* 2: int1 (icebp) */
	.byte	0xf1
	next
	step				/* 3: int $0x21 */
	int	$0x21
	next
	step				/* 4: into with OF set */
	mov	$0x7f, %al
	add	$1, %al
	into
	next
	step				/* 5: divide by zero */
	xor	%cx, %cx
	div	%cx
	next
	step				/* 6: ud2 */
	ud2
	next
	step				/* 7: bound, index out of range */
	movw	$10, HOSTILE_SCRATCH_GPA
	movw	$20, HOSTILE_SCRATCH_GPA + 2
	mov	$30, %ax
	bound	%ax, HOSTILE_SCRATCH_GPA
	next
	step				/* 8: wrmsr 0xdeadbeef */
	mov	$0xdeadbeef, %ecx
	xor	%eax, %eax
	xor	%edx, %edx
	wrmsr
	next
	step				/* 9: cr0 PG without PE */
	mov	%cr0, %eax
	bts	$31, %eax
	mov	%eax, %cr0
	next
	step				/* 10: cr4 reserved bit 15 */
	mov	%cr4, %eax
	bts	$15, %eax
	mov	%eax, %cr4
	next
	step				/* 11: xsetbv with CR4.OSXSAVE = 0 */
	xor	%ecx, %ecx
	xor	%edx, %edx
	mov	$3, %eax
	xsetbv
	next
	step				/* 12: vmrun */
	xor	%eax, %eax
	vmrun
	next
	step				/* 13: vmmcall, unknown hypercall */
	mov	$0xdead, %eax
	vmmcall
	value	%eax
	next
	step				/* 14: hlt */
	hlt
	next
	step				/* 15: iret to garbage CS:IP (HLT filler) */
	push	$0x0002			/* FLAGS */
	push	$0x4321			/* CS */
	push	$0x8765			/* IP: linear 0x4b975 */
	iret
	next
	step				/* 16: iret of a garbage stack */
	mov	$0x1000, %sp		/* the code itself as a stack */
	iret
	next
	step				/* 17: far jump past the end of memory */
	ljmp	$0xffff, $0x0010	/* linear 0x100000 */
	next
	step				/* 18: far jump into the HLT filler */
	ljmp	$0x3000, $0x0123
	next
	step				/* 19: triple fault: IVT limit 0, int3; the
					 * last step, the list ends with it */
	lidt	empty_idt
	int3
	next

	mov	$nsteps, %eax
	out	%eax, $HOSTILE_PORT_DONE
	hlt

empty_idt:
	.word	0
	.long	0

	.balign	HOSTILE_STUB_SIZE
	.globl	hostile_rm_vectors
hostile_rm_vectors:
	.set	vec, 0
	.rept	256
	.balign	HOSTILE_STUB_SIZE
	.byte	0x6a, vec		/* push $vec (sign-extended) */
	jmp	vector_common
	.set	vec, vec + 1
	.endr
vector_common:
	pop	%ax
	movzbl	%al, %eax
	out	%eax, $HOSTILE_PORT_VECTOR
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$KT_STACK_TOP, %sp
	jmp	*HOSTILE_RESUME_GPA
