/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One trip into an SVM guest and back.
 *
 *   int vmm_svm_enter(u64 *gprs, u64 vmcb_pa, u64 host_save_pa)
 *
 * Returns how many of its SVM instructions faulted: 0, unless EFER.SVME was
 * cleared under the vCPU (a reboot or the kernel's emergency restart path),
 * when VMSAVE/VMLOAD/VMRUN raise #UD. Each fault is caught (exception
 * table), counted, and the path goes on after the faulting instruction, so
 * the host's state is back as far as it can be and the caller leaves.
 *
 * Called with GIF clear (CLGI), so nothing (interrupts, NMIs) can run between
 * here and the return. VMRUN saves and restores only part of the host state
 * (APM vol. 2, 15.5.1 "VMRUN": RAX, RSP, RIP, RFLAGS, CS/SS/DS/ES, GDTR/IDTR,
 * CR0/3/4, EFER) and loads only part of the guest's: the rest is ours.
 *  - Host FS/GS/TR/LDTR (hidden parts), KernelGSBase, STAR/LSTAR/CSTAR/SFMASK
 *    and SYSENTER_*: VMSAVE to the per-CPU host area before, VMLOAD of it
 *    after, and VMLOAD/VMSAVE of the guest's own in its VMCB (15.5.2).
 *    GS base is the kernel's per-CPU base: until the host VMLOAD below it
 *    is the guest's, so nothing in between may touch per-CPU data.
 *  - RBX, RCX, RDX, RSI, RDI, RBP, R8-R15: loaded from / stored to gprs[]
 *    (indexed by register number, enum x86_gpr). RAX and RSP of the guest
 *    live in the VMCB.
 *  - After #VMEXIT only RAX and RSP are the host's (15.6); callee-saved
 *    registers are restored from the stack.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>

#define GPR(n) ((n) * 8)
#define RCX GPR(1)
#define RDX GPR(2)
#define RBX GPR(3)
#define RBP GPR(5)
#define RSI GPR(6)
#define RDI GPR(7)
#define R8 GPR(8)
#define R9 GPR(9)
#define R10 GPR(10)
#define R11 GPR(11)
#define R12 GPR(12)
#define R13 GPR(13)
#define R14 GPR(14)
#define R15 GPR(15)

	.section .noinstr.text, "ax"

SYM_FUNC_START(vmm_svm_enter)
	push %rbp
	mov %rsp, %rbp
	push %r15
	push %r14
	push %r13
	push %r12
	push %rbx
	push $0		/* faults: the return value */
	/* Stack from here: 0(%rsp) host_save_pa, 8 vmcb_pa, 16 gprs, 24 faults */
	push %rdi
	push %rsi
	push %rdx

	mov %rdx, %rax
1:	vmsave %rax
2:

	mov %rdi, %rax
	mov RCX(%rax), %rcx
	mov RDX(%rax), %rdx
	mov RBX(%rax), %rbx
	mov RBP(%rax), %rbp
	mov RSI(%rax), %rsi
	mov R8(%rax), %r8
	mov R9(%rax), %r9
	mov R10(%rax), %r10
	mov R11(%rax), %r11
	mov R12(%rax), %r12
	mov R13(%rax), %r13
	mov R14(%rax), %r14
	mov R15(%rax), %r15
	mov RDI(%rax), %rdi

	mov 8(%rsp), %rax
3:	vmload %rax
4:	vmrun %rax
5:	vmsave %rax
6:
	/* Guest RDI goes through the stack: RDI then points at gprs[]. */
	push %rdi
	mov 24(%rsp), %rdi
	mov %rcx, RCX(%rdi)
	mov %rdx, RDX(%rdi)
	mov %rbx, RBX(%rdi)
	mov %rbp, RBP(%rdi)
	mov %rsi, RSI(%rdi)
	mov %r8, R8(%rdi)
	mov %r9, R9(%rdi)
	mov %r10, R10(%rdi)
	mov %r11, R11(%rdi)
	mov %r12, R12(%rdi)
	mov %r13, R13(%rdi)
	mov %r14, R14(%rdi)
	mov %r15, R15(%rdi)
	pop RDI(%rdi)

	/* Host FS/GS/TR/LDTR/syscall MSRs back, before any per-CPU access. */
	mov (%rsp), %rax
7:	vmload %rax
8:
	/* The guest's RSB entries must not steer host returns (Spectre-RSB). */
	FILL_RETURN_BUFFER %rax, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT
	/*
	 * Return-address predictions the guest trained must not steer the
	 * host's RETs either (Retbleed, SRSO): untrain before the first RET,
	 * with whatever the host kernel chose at boot (nothing on CPUs not
	 * affected), and an IBPB here if it chose that for VM exits.
	 */
	UNTRAIN_RET
	ALTERNATIVE "", "call entry_ibpb", X86_FEATURE_IBPB_ON_VMEXIT

	/* Leave no guest values in registers for speculation to use. */
	xor %ecx, %ecx
	xor %edx, %edx
	xor %esi, %esi
	xor %edi, %edi
	xor %r8d, %r8d
	xor %r9d, %r9d
	xor %r10d, %r10d
	xor %r11d, %r11d

	add $24, %rsp
	pop %rax	/* faults */
	pop %rbx
	pop %r12
	pop %r13
	pop %r14
	pop %r15
	pop %rbp
	RET

	/* An SVM instruction faulted: count it, go on after it. The stack
	 * is as at the labels above (24(%rsp): faults). */
10:	incq 24(%rsp)
	jmp 2b
30:	incq 24(%rsp)
	jmp 4b
40:	incq 24(%rsp)
	jmp 5b
50:	incq 24(%rsp)
	jmp 6b
70:	incq 24(%rsp)
	jmp 8b

	_ASM_EXTABLE(1b, 10b)
	_ASM_EXTABLE(3b, 30b)
	_ASM_EXTABLE(4b, 40b)
	_ASM_EXTABLE(5b, 50b)
	_ASM_EXTABLE(7b, 70b)
SYM_FUNC_END(vmm_svm_enter)
