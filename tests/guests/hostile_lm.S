/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 64-bit mode, CPL 0: instruction sequences a well-behaved guest would not
 * run, one step each (see robust-abi.h for the protocol).  The test
 * (robust-test.c, hostile_lm_steps[]) names the steps in this order and
 * says what KVM does with each.  Guest CPUID is left empty (no
 * KVM_SET_CPUID2), as KVM's checks against it are part of what is seen.
 */
#include "robust-abi.h"

#define CR0_PE		(1 << 0)
#define CR0_NW		(1 << 29)
#define CR0_CD		(1 << 30)
#define MSR_EFER	0xc0000080

	.code64
	.text
	.globl	hostile_lm
hostile_lm:
	.set	nsteps, 0

.macro	step
	.set	nsteps, nsteps + 1
	movq	$1f, HOSTILE_RESUME_GPA
	mov	$nsteps, %eax
	out	%eax, $HOSTILE_PORT_STEP
.endm
/* Each step ends with a local label 1: where the next one resumes. */
.macro	next
1:	mov	$KT_STACK_TOP, %rsp
.endm
.macro	value reg
	mov	\reg, %eax
	out	%eax, $HOSTILE_PORT_VALUE
.endm

	/* 1-4: CR0 */
	step				/* cr0 bit 63 */
	mov	%cr0, %rax
	bts	$63, %rax
	mov	%rax, %cr0
	next
	step				/* cr0 NW without CD */
	mov	%cr0, %rax
	and	$~CR0_CD, %eax
	or	$CR0_NW, %eax
	mov	%rax, %cr0
	next
	step				/* cr0 PG cleared in 64-bit mode */
	mov	%cr0, %rax
	btr	$31, %rax
	mov	%rax, %cr0
	next
	step				/* cr0 PE cleared, PG kept */
	mov	%cr0, %rax
	btr	$0, %rax
	mov	%rax, %cr0
	next

	/* 5-10: CR4 */
	step				/* cr4 bit 63 */
	mov	%cr4, %rax
	bts	$63, %rax
	mov	%rax, %cr4
	next
	step				/* cr4 reserved bit 15 */
	mov	%cr4, %rax
	bts	$15, %rax
	mov	%rax, %cr4
	next
	step				/* cr4 VMXE on AMD */
	mov	%cr4, %rax
	bts	$13, %rax
	mov	%rax, %cr4
	next
	step				/* cr4 PAE cleared in long mode */
	mov	%cr4, %rax
	btr	$5, %rax
	mov	%rax, %cr4
	next
	step				/* cr4 LA57 toggled in long mode */
	mov	%cr4, %rax
	btc	$12, %rax
	mov	%rax, %cr4
	next
	step				/* cr4 OSXSAVE, guest CPUID without XSAVE */
	mov	%cr4, %rax
	bts	$18, %rax
	mov	%rax, %cr4
	btr	$18, %rax		/* taken: clear it again */
	mov	%rax, %cr4
	next

	/* 11-15: CR8, debug registers */
	step				/* cr8 = 16 (reserved bits) */
	mov	$16, %eax
	mov	%rax, %cr8
	next
	step				/* cr8 = 9, read back */
	mov	$9, %eax
	mov	%rax, %cr8
	mov	%cr8, %rax
	value	%eax
	xor	%eax, %eax
	mov	%rax, %cr8
	next
	step				/* dr7 bit 63 */
	mov	$1, %eax
	shl	$63, %rax
	mov	%rax, %dr7
	next
	step				/* dr6 bit 63 */
	mov	$1, %eax
	shl	$63, %rax
	mov	%rax, %dr6
	next
	step				/* dr4 read (CR4.DE = 0: DR6) */
	mov	%dr4, %rax
	value	%eax
	next

	/* 16-21: EFER and unknown MSRs */
	step				/* efer bit 63 */
	mov	$MSR_EFER, %ecx
	rdmsr
	bts	$31, %edx
	wrmsr
	next
	step				/* efer SVME, guest CPUID without SVM */
	mov	$MSR_EFER, %ecx
	rdmsr
	bts	$12, %eax
	wrmsr
	next
	step				/* efer LME cleared in long mode */
	mov	$MSR_EFER, %ecx
	rdmsr
	btr	$8, %eax
	wrmsr
	next
	step				/* wrmsr 0xdeadbeef */
	mov	$0xdeadbeef, %ecx
	xor	%eax, %eax
	xor	%edx, %edx
	wrmsr
	next
	step				/* rdmsr 0xdeadbeef */
	mov	$0xdeadbeef, %ecx
	rdmsr
	next
	step				/* wrmsr/rdmsr of random indices */
	mov	$HOSTILE_RANDOM_MSRS, %r12d
	movabs	$0x9e3779b97f4a7c15, %r13
	movabs	$6364136223846793005, %r14
msr_loop:
	movq	$msr_read, HOSTILE_RESUME_GPA
	imul	%r14, %r13
	add	$1442695040888963407 & 0x7fffffff, %r13
	mov	%r13, %rax
	shr	$32, %rax
	mov	%eax, %ecx		/* a random index ... */
	bt	$63, %r13
	jnc	1f
	and	$63, %eax		/* ... or one from the table */
	mov	interesting_msrs(,%rax,4), %ecx
1:	mov	%r13, %rax
	mov	%r13, %rdx
	rol	$17, %rdx
	wrmsr
msr_read:
	mov	$KT_STACK_TOP, %rsp
	movq	$msr_next, HOSTILE_RESUME_GPA
	rdmsr
msr_next:
	mov	$KT_STACK_TOP, %rsp
	dec	%r12d
	jnz	msr_loop
	movq	$1f, HOSTILE_RESUME_GPA
	next

	/* 22-28: SVM instructions in a guest without SVM */
	step				/* vmrun */
	xor	%eax, %eax
	vmrun
	next
	step				/* vmload */
	xor	%eax, %eax
	vmload
	next
	step				/* vmsave */
	xor	%eax, %eax
	vmsave
	next
	step				/* stgi */
	stgi
	next
	step				/* clgi */
	clgi
	next
	step				/* skinit */
	xor	%eax, %eax
	skinit
	next
	step				/* invlpga */
	xor	%eax, %eax
	xor	%ecx, %ecx
	invlpga
	next

	/* 29-30: hypercalls */
	step				/* vmmcall, unknown hypercall */
	mov	$0xdead, %eax
	vmmcall
	value	%eax
	next
	step				/* vmcall (Intel's) on AMD */
	mov	$0xdead, %eax
	vmcall
	value	%eax
	next

	/* 31-32, 41-48: XSETBV/XGETBV, cache control, MONITOR/MWAIT, RDPMC,
	 * RDTSCP, CPUID */
	step				/* xsetbv with CR4.OSXSAVE = 0 */
	xor	%ecx, %ecx
	xor	%edx, %edx
	mov	$3, %eax
	xsetbv
	next
	step				/* xgetbv with CR4.OSXSAVE = 0 */
	xor	%ecx, %ecx
	xgetbv
	next
	/* 33-40: XSETBV with CR4.OSXSAVE set (KVM takes the CR4 write while
	 * the guest has no CPUID; where it is refused these are #UD) */
	step				/* cr4 OSXSAVE set */
	mov	%cr4, %rax
	bts	$18, %rax
	mov	%rax, %cr4
	next
	step				/* xsetbv ecx = 1 */
	mov	$1, %ecx
	xor	%edx, %edx
	mov	$1, %eax
	xsetbv
	next
	step				/* xsetbv XCR0 = 0 */
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%eax, %eax
	xsetbv
	next
	step				/* xsetbv XCR0 = SSE without x87 */
	xor	%ecx, %ecx
	xor	%edx, %edx
	mov	$2, %eax
	xsetbv
	next
	step				/* xsetbv XCR0 = x87|AVX without SSE */
	xor	%ecx, %ecx
	xor	%edx, %edx
	mov	$5, %eax
	xsetbv
	next
	step				/* xsetbv XCR0 bit 63 */
	xor	%ecx, %ecx
	mov	$0x80000000, %edx
	mov	$1, %eax
	xsetbv
	next
	step				/* xsetbv XCR0 = x87 only (valid) */
	xor	%ecx, %ecx
	xor	%edx, %edx
	mov	$1, %eax
	xsetbv
	xgetbv
	value	%eax
	next
	step				/* cr4 OSXSAVE cleared */
	mov	%cr4, %rax
	btr	$18, %rax
	mov	%rax, %cr4
	next

	step				/* invd */
	invd
	next
	step				/* wbinvd */
	wbinvd
	next
	step				/* monitor */
	mov	$HOSTILE_SCRATCH_GPA, %eax
	xor	%ecx, %ecx
	xor	%edx, %edx
	monitor
	next
	step				/* mwait */
	xor	%eax, %eax
	xor	%ecx, %ecx
	mwait
	next
	step				/* rdpmc 0 */
	xor	%ecx, %ecx
	rdpmc
	next
	step				/* rdpmc 0xdeadbeef */
	mov	$0xdeadbeef, %ecx
	rdpmc
	next
	step				/* rdtscp, guest CPUID without it */
	rdtscp
	next
	step				/* cpuid of odd leaves */
	mov	$0x8fffffff, %eax
	xor	%ecx, %ecx
	cpuid
	mov	$0x4fffffff, %eax
	mov	$0xffffffff, %ecx
	cpuid
	mov	$0xd, %eax
	mov	$63, %ecx
	cpuid
	next

	/* 41-47: HLT and exceptions */
	step				/* hlt */
	hlt
	next
	step				/* ud2 */
	ud2
	next
	step				/* int3 */
	int3
	next
	step				/* int1 (icebp) */
	.byte	0xf1
	next
	step				/* int $0x80 */
	int	$0x80
	next
	step				/* divide by zero */
	xor	%ecx, %ecx
	mov	$1, %eax
	xor	%edx, %edx
	div	%ecx
	next
	step				/* int $0xff: IDT entry not present */
	int	$0xff
	next

	/* 48-54: far transfers and segments with garbage */
	step				/* iretq to garbage selectors */
	push	$0x1234			/* SS */
	push	$KT_STACK_TOP		/* RSP */
	push	$2			/* RFLAGS */
	push	$0x5678			/* CS */
	push	$1f			/* RIP */
	iretq
	next
	step				/* iretq to a non-canonical RIP */
	push	$KT_SEL_DATA
	push	$KT_STACK_TOP
	push	$2
	push	$KT_SEL_CODE64
	mov	$1, %eax
	shl	$63, %rax
	push	%rax
	iretq
	next
	step				/* iretq to compatibility mode, UD2 there */
	push	$KT_SEL_DATA
	push	$KT_STACK_TOP
	push	$2
	push	$KT_SEL_CODE32
	push	$compat_ud2
	iretq
compat_ud2:
	ud2				/* the same bytes in 32-bit code */
	next
	step				/* lretq to a garbage selector */
	push	$0x1234
	push	$1f
	lretq
	next
	step				/* lldt of a garbage selector */
	mov	$0x1234, %eax
	lldt	%ax
	next
	step				/* mov garbage to DS */
	mov	$0x1234, %eax
	mov	%eax, %ds
	next
	step				/* non-canonical data access */
	mov	$1, %eax
	shl	$63, %rax
	mov	(%rax), %rax
	next

	/* 55-59: memory without a slot, string I/O, single step */
	step				/* read from a GPA without memslot */
	mov	$HOSTILE_UNBACKED_GPA, %eax
	mov	(%rax), %eax
	value	%eax
	next
	step				/* execute from a GPA without memslot */
	mov	$HOSTILE_UNBACKED_GPA, %eax
	jmp	*%rax
	next
	step				/* rep insb into a GPA without memslot */
	mov	$HOSTILE_UNBACKED_GPA, %edi
	mov	$4, %ecx
	mov	$0xe4, %edx
	cld
	rep insb
	next
	step				/* rep outsb from a non-canonical address */
	mov	$1, %esi
	shl	$63, %rsi
	mov	$4, %ecx
	mov	$0xe4, %edx
	rep outsb
	next
	step				/* TF set: single-step #DB */
	pushfq
	orq	$0x100, (%rsp)
	popfq
	nop
	pushfq
	andq	$~0x100, (%rsp)
	popfq
	next

	/* 60: triple fault, the last step: the list ends with it */
	step				/* lidt limit 0, then ud2 */
	lidt	empty_idt
	ud2
	next

	mov	$nsteps, %eax
	out	%eax, $HOSTILE_PORT_DONE
	hlt

empty_idt:
	.word	0
	.quad	0

	.balign	4
interesting_msrs:
	.long	0x10, 0x1b, 0x3a, 0x3b, 0x48, 0x49, 0x8b, 0xe7
	.long	0xe8, 0xfe, 0x174, 0x175, 0x176, 0x179, 0x17a, 0x17b
	.long	0x1d9, 0x1db, 0x200, 0x201, 0x250, 0x277, 0x2ff, 0x400
	.long	0x401, 0x6e0, 0x802, 0x808, 0x80b, 0x830, 0x838, 0xda0
	.long	0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084
	.long	0xc0000100, 0xc0000101, 0xc0000102, 0xc0000103
	.long	0xc0010000, 0xc0010004, 0xc0010010, 0xc0010015
	.long	0xc0010114, 0xc0010117, 0xc0010140, 0xc0011020
	.long	0x4b564d00, 0x4b564d01, 0x4b564d02, 0x4b564d03
	.long	0x4b564d04, 0x4b564d05, 0x11, 0x12
	.long	0x40000000, 0x40000001, 0x40000070, 0xc0000080
	.long	0x9b, 0x1a0, 0x13, 0xc001100d

/*
 * Exception and interrupt stubs, HOSTILE_STUB_SIZE bytes each: push the
 * vector, then report it and resume the next step.
 */
	.balign	HOSTILE_STUB_SIZE
	.globl	hostile_lm_vectors
hostile_lm_vectors:
	.set	vec, 0
	.rept	256
	.balign	HOSTILE_STUB_SIZE
	.byte	0x6a, vec		/* push $vec (sign-extended) */
	jmp	vector_common
	.set	vec, vec + 1
	.endr
vector_common:
	pop	%rax
	movzbl	%al, %eax
	out	%eax, $HOSTILE_PORT_VECTOR
	mov	$KT_STACK_TOP, %rsp
	jmp	*HOSTILE_RESUME_GPA
