/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the robustness suite's payloads (tests/abi/robust-test.c) and the
 * test agree on: ports, addresses, flags.  #defines only (included by the
 * payloads and by C).  Labels inside the payloads come from guest-symbols.h.
 */
#ifndef KT_ROBUST_ABI_H
#define KT_ROBUST_ABI_H

#include "guest-layout.h"

/*
 * fpu_loop.S: 64-bit mode with CR4.OSFXSR (and CR4.OSXSAVE for AVX).
 *
 * fpu_loop: if FPU_FLAG_AVX, XSETBV(XCR0 = x87|SSE|AVX) first.  Then, for
 * iteration n = 1, 2, ...: fills xmm0..15 (ymm0..15 with AVX) and the 8 x87
 * registers with values unique to (n, register), spins FPU_CTRL_SPIN loops
 * (the host preempts it), doubles the xmm registers (PADDQ) and the x87
 * values (FADD), stores everything and checks it, also MXCSR and the x87
 * control word it set.  OUT FPU_PORT_FAIL (value: the failing check, the
 * data at FPU_SEEN_GPA / FPU_EXPECT_GPA) on a mismatch, then OUT
 * FPU_PORT_PROGRESS (value: n) every iteration.
 *
 * fpu_dump: FXSAVE64 to FPU_DUMP_GPA; with FPU_FLAG_AVX also the upper
 * halves of ymm0..15 at FPU_DUMP_GPA + FPU_DUMP_YMMH; OUT FPU_PORT_DUMPED,
 * HLT.
 *
 * fpu_vectors: exception stubs (see fpu_loop.S) the test points the IDT at.
 *
 * fpu_clobber: loads guest values into all xmm (ymm) and x87 registers,
 * MXCSR = FPU_GUEST_MXCSR, FCW = FPU_GUEST_FCW, OUT FPU_PORT_CLOBBERED, and
 * again (a loop: one exit per KVM_RUN).
 */
#define FPU_CTRL_GPA		KT_DATA_GPA
#define FPU_CTRL_FLAGS		0x00	/* dword */
#define FPU_CTRL_SPIN		0x08	/* qword: spin loop count */
#define FPU_CTRL_EXCEPTION	0x10	/* 4 qwords: vector, stack top */
#define FPU_FLAG_AVX		1
#define FPU_EXPECT_GPA		0x30000	/* 16 x 32 bytes, then 8 x87 qwords */
#define FPU_SEEN_GPA		0x31000	/* the same layout */
#define FPU_X87_OFFSET		0x200
#define FPU_MXCSR_OFFSET	0x240	/* dword (in SEEN) */
#define FPU_FCW_OFFSET		0x244	/* word (in SEEN) */
#define FPU_DUMP_GPA		0x32000	/* FXSAVE image, 16-byte aligned */
#define FPU_DUMP_YMMH		0x200	/* 16 x 16 bytes after the image */
#define FPU_GUEST_MXCSR		0x7f80	/* all masked, round toward zero */
#define FPU_GUEST_FCW		0x027f	/* all masked, 53-bit precision */
#define FPU_PORT_PROGRESS	0xf0
#define FPU_PORT_FAIL		0xf1
#define FPU_PORT_DUMPED		0xf2
#define FPU_PORT_CLOBBERED	0xf3
#define FPU_PORT_EXCEPTION	0xf4	/* an exception (fpu_vectors) */
#define FPU_STUB_SIZE		8
/* FPU_PORT_FAIL values: the failing qword of the xmm/ymm area, or: */
#define FPU_FAIL_X87		0x100	/* + index of the x87 value */
#define FPU_FAIL_MXCSR		0x200
#define FPU_FAIL_FCW		0x201

/*
 * hostile_lm.S (64-bit mode) and hostile_rm.S (real mode): a list of
 * steps, each an instruction sequence a well-behaved guest would not run.
 * Each step OUTs its number to HOSTILE_PORT_STEP and stores the address of
 * the next step at HOSTILE_RESUME_GPA.  Every exception vector has a stub
 * (8 bytes each, from hostile_lm_vectors / hostile_rm_vectors; the test
 * fills the IDT/IVT) that OUTs the vector to HOSTILE_PORT_VECTOR, reloads
 * the stack pointer and jumps to the resume address.  Some steps OUT a
 * result to HOSTILE_PORT_VALUE.  The end: OUT HOSTILE_PORT_DONE, HLT.
 */
#define HOSTILE_RESUME_GPA	KT_DATA_GPA
#define HOSTILE_SCRATCH_GPA	(KT_DATA_GPA + 0x100)
#define HOSTILE_IDT_GPA		0x20000
#define HOSTILE_FILL_GPA	0x30000	/* up to the end of the slot: HLT */
#define HOSTILE_UNBACKED_GPA	0xc0000000
#define HOSTILE_PORT_STEP	0xe0
#define HOSTILE_PORT_VECTOR	0xe1
#define HOSTILE_PORT_VALUE	0xe2
#define HOSTILE_PORT_DONE	0xe3
#define HOSTILE_STUB_SIZE	8
#define HOSTILE_RANDOM_MSRS	48	/* WRMSR/RDMSR of random indices */

#endif
