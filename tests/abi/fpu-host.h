/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fpu_hold(): load this thread's xmm (or ymm) registers, the 8 x87
 * registers, MXCSR and the x87 control word from a frame, spin, optionally
 * make one system call (e.g. ioctl(KVM_RUN) or sched_yield) with all of
 * them live, spin again, and store them back, so the caller can check that
 * nothing between load and store changed them.  Written in assembly
 * (fpu-host.S) so no compiler-generated code runs in between.
 *
 * The store order of the x87 values is the pop order: x87_out[k] is
 * x87_in[7 - k].  Offsets are #defines shared with the assembly.
 */
#ifndef KT_FPU_HOST_H
#define KT_FPU_HOST_H

#define FH_IN		0x000	/* 16 x 32 bytes: xmm0..15 (low 16 bytes) or ymm */
#define FH_OUT		0x200
#define FH_X87_IN	0x400	/* 8 x int64 */
#define FH_X87_OUT	0x440
#define FH_MXCSR_IN	0x480
#define FH_MXCSR_OUT	0x484
#define FH_FCW_IN	0x488
#define FH_FCW_OUT	0x48a
#define FH_SAVED_MXCSR	0x48c
#define FH_SAVED_FCW	0x490
#define FH_NR		0x498	/* system call number, < 0: none */
#define FH_A0		0x4a0
#define FH_A1		0x4a8
#define FH_A2		0x4b0
#define FH_SPIN		0x4b8	/* loops before and after the call */
#define FH_FLAGS	0x4c0	/* FH_FLAG_AVX: ymm instead of xmm */
#define FH_RET		0x4c8	/* the system call's raw result */
#define FH_SIZE		0x4d0
#define FH_FLAG_AVX	1

#ifndef __ASSEMBLER__
#include <stdint.h>

struct fpu_frame {
	uint8_t in[16][32];
	uint8_t out[16][32];
	int64_t x87_in[8];
	int64_t x87_out[8];
	uint32_t mxcsr_in, mxcsr_out;
	uint16_t fcw_in, fcw_out;
	uint32_t saved_mxcsr;
	uint16_t saved_fcw;
	uint16_t pad0[3];
	int64_t nr, a0, a1, a2;
	uint64_t spin;
	uint64_t flags;
	int64_t ret;
} __attribute__((aligned(64)));

_Static_assert(__builtin_offsetof(struct fpu_frame, x87_in) == FH_X87_IN, "");
_Static_assert(__builtin_offsetof(struct fpu_frame, mxcsr_in) == FH_MXCSR_IN, "");
_Static_assert(__builtin_offsetof(struct fpu_frame, saved_fcw) == FH_SAVED_FCW, "");
_Static_assert(__builtin_offsetof(struct fpu_frame, nr) == FH_NR, "");
_Static_assert(__builtin_offsetof(struct fpu_frame, ret) == FH_RET, "");

/* Returns frame->ret (the raw system call result: -errno on failure). */
long fpu_hold(struct fpu_frame *frame);
#endif

#endif
