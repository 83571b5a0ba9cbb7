// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the module's instruction emulator (kmod/x86/emulate.c),
 * built into userspace:
 *  - every case of emulate_cases.h (shared with the KUnit suite), each with
 *    the determinism/PENDING/truncation checks of emulate_check.h;
 *  - the decoder alone: lengths, sizes, ModRM/SIB/displacement/immediate
 *    fields and effective addresses;
 *  - the arithmetic flags against the host CPU itself (x86-64 hosts): the
 *    same operation run natively and through the emulator must agree;
 *  - random bytes: never a crash, never a byte read past `len` (the buffer
 *    ends at an unmapped page), never a changed vCPU unless X86_EMU_OK.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include "emulate_check.h"

/* ---- the shared cases ---- */

static void run_case(void **state)
{
	const struct emu_case *c = *state;
	char msg[256];

	if (emu_case_check(c, msg, sizeof(msg)))
		fail_msg("%s: %s", c->name, msg);
}

/* ---- decoder ---- */

struct decode_case {
	u8 mode, len, insn[15];
	u8 dlen, op_bytes, addr_bytes, mem_bytes;
	bool has_mem;
	signed char base, index;
	u8 scale, seg, disp_bytes, imm_bytes;
	u64 disp, imm;
};

#define DB(...) .insn = { __VA_ARGS__ }, .len = sizeof((const u8[]){ __VA_ARGS__ })
#define NONE X86_REG_NONE

static const struct decode_case decode_cases[] = {
	/* mov [rbx+rcx*8+0x12345678],eax */
	{ 8, DB(0x89, 0x84, 0xcb, 0x78, 0x56, 0x34, 0x12), .dlen = 7,
	  .op_bytes = 4, .addr_bytes = 8, .mem_bytes = 4, .has_mem = true,
	  .base = GPR_RBX, .index = GPR_RCX, .scale = 8, .seg = X86_SEG_DS,
	  .disp_bytes = 4, .disp = 0x12345678 },
	/* add qword [rbp-8],imm8 -1: SS, disp8, imm8 sign-extended */
	{ 8, DB(0x48, 0x83, 0x45, 0xf8, 0xff), .dlen = 5, .op_bytes = 8,
	  .addr_bytes = 8, .mem_bytes = 8, .has_mem = true, .base = GPR_RBP,
	  .index = NONE, .scale = 1, .seg = X86_SEG_SS, .disp_bytes = 1,
	  .disp = ~7ull, .imm_bytes = 1, .imm = ~0ull },
	/* mov word [rip+0x100],imm16: 66 + imm16 */
	{ 8, DB(0x66, 0xc7, 0x05, 0x00, 0x01, 0x00, 0x00, 0x34, 0x12),
	  .dlen = 9, .op_bytes = 2, .addr_bytes = 8, .mem_bytes = 2,
	  .has_mem = true, .base = X86_REG_RIP, .index = NONE, .scale = 1,
	  .seg = X86_SEG_DS, .disp_bytes = 4, .disp = 0x100, .imm_bytes = 2,
	  .imm = 0x1234 },
	/* 16-bit mov al,[bp+si+0x1234] */
	{ 2, DB(0x8a, 0x82, 0x34, 0x12), .dlen = 4, .op_bytes = 1,
	  .addr_bytes = 2, .mem_bytes = 1, .has_mem = true, .base = GPR_RBP,
	  .index = GPR_RSI, .scale = 1, .seg = X86_SEG_SS, .disp_bytes = 2,
	  .disp = 0x1234 },
	/* 16-bit with DS override on a BP form: the override wins */
	{ 2, DB(0x3e, 0x8b, 0x46, 0x02), .dlen = 4, .op_bytes = 2,
	  .addr_bytes = 2, .mem_bytes = 2, .has_mem = true, .base = GPR_RBP,
	  .index = NONE, .scale = 1, .seg = X86_SEG_DS, .disp_bytes = 1,
	  .disp = 2 },
	/* 32-bit movzx eax,byte [esp]: SIB, SS */
	{ 4, DB(0x0f, 0xb6, 0x04, 0x24), .dlen = 4, .op_bytes = 4,
	  .addr_bytes = 4, .mem_bytes = 1, .has_mem = true, .base = GPR_RSP,
	  .index = NONE, .scale = 1, .seg = X86_SEG_SS },
	/* 32-bit [ebp*2+disp32]: index EBP is not a base, so DS */
	{ 4, DB(0x8b, 0x04, 0x6d, 0x00, 0x10, 0x00, 0x00), .dlen = 7,
	  .op_bytes = 4, .addr_bytes = 4, .mem_bytes = 4, .has_mem = true,
	  .base = NONE, .index = GPR_RBP, .scale = 2, .seg = X86_SEG_DS,
	  .disp_bytes = 4, .disp = 0x1000 },
	/* movsxd r9,dword [r10+r11*4]: REX.WRXB */
	{ 8, DB(0x4f, 0x63, 0x0c, 0x9a), .dlen = 4, .op_bytes = 8,
	  .addr_bytes = 8, .mem_bytes = 4, .has_mem = true, .base = GPR_R10,
	  .index = GPR_R11, .scale = 4, .seg = X86_SEG_DS },
	/* mov eax,[moffs64] */
	{ 8, DB(0xa1, 1, 2, 3, 4, 5, 6, 7, 8), .dlen = 9, .op_bytes = 4,
	  .addr_bytes = 8, .mem_bytes = 4, .has_mem = true, .base = NONE,
	  .index = NONE, .scale = 1, .seg = X86_SEG_DS, .disp_bytes = 8,
	  .disp = 0x0807060504030201 },
	/* 32-bit 67 mov al,[moffs16] */
	{ 4, DB(0x67, 0xa0, 0x34, 0x12), .dlen = 4, .op_bytes = 1,
	  .addr_bytes = 2, .mem_bytes = 1, .has_mem = true, .base = NONE,
	  .index = NONE, .scale = 1, .seg = X86_SEG_DS, .disp_bytes = 2,
	  .disp = 0x1234 },
	/* test dword [rax],imm32 (group 3 /0 has an immediate) */
	{ 8, DB(0xf7, 0x00, 0x01, 0x00, 0x00, 0x80), .dlen = 6, .op_bytes = 4,
	  .addr_bytes = 8, .mem_bytes = 4, .has_mem = true, .base = GPR_RAX,
	  .index = NONE, .scale = 1, .seg = X86_SEG_DS, .imm_bytes = 4,
	  .imm = 0xffffffff80000001 },
	/* neg dword [rax] (group 3 /3 has none) */
	{ 8, DB(0xf7, 0x18), .dlen = 2, .op_bytes = 4, .addr_bytes = 8,
	  .mem_bytes = 4, .has_mem = true, .base = GPR_RAX, .index = NONE,
	  .scale = 1, .seg = X86_SEG_DS },
	/* rep movsq: no ModRM */
	{ 8, DB(0xf3, 0x48, 0xa5), .dlen = 3, .op_bytes = 8, .addr_bytes = 8,
	  .mem_bytes = 8, .base = NONE, .index = NONE, .scale = 1,
	  .seg = X86_SEG_DS },
	/* mov [rax],r8: register form is not memory: add ecx,edx */
	{ 8, DB(0x01, 0xd1), .dlen = 2, .op_bytes = 4, .addr_bytes = 8,
	  .mem_bytes = 4, .base = NONE, .index = NONE, .scale = 1,
	  .seg = X86_SEG_DS },
	/* bts word [ebx],imm8 in 16-bit code with 66 67 */
	{ 2, DB(0x66, 0x67, 0x0f, 0xba, 0x2b, 0x05), .dlen = 6, .op_bytes = 4,
	  .addr_bytes = 4, .mem_bytes = 4, .has_mem = true, .base = GPR_RBX,
	  .index = NONE, .scale = 1, .seg = X86_SEG_DS, .imm_bytes = 1,
	  .imm = 5 },
};

static void decode_fields(void **state)
{
	unsigned int i;
	struct x86_insn d;

	(void)state;
	for (i = 0; i < sizeof(decode_cases) / sizeof(decode_cases[0]); i++) {
		const struct decode_case *t = &decode_cases[i];

		if (x86_decode(t->insn, t->len, t->mode, &d) != X86_EMU_OK)
			fail_msg("decode case %u: not decoded", i);
		if (d.len != t->dlen || d.op_bytes != t->op_bytes ||
		    d.addr_bytes != t->addr_bytes ||
		    d.mem_bytes != t->mem_bytes || d.has_mem != t->has_mem)
			fail_msg("decode case %u: len %u op %u addr %u mem %u has_mem %d",
				 i, d.len, d.op_bytes, d.addr_bytes,
				 d.mem_bytes, d.has_mem);
		if (d.has_mem && (d.base_reg != t->base ||
				  d.index_reg != t->index ||
				  d.scale != t->scale || d.seg != t->seg ||
				  d.disp_bytes != t->disp_bytes ||
				  d.disp != t->disp))
			fail_msg("decode case %u: base %d index %d scale %u seg %u disp %u:%#llx",
				 i, d.base_reg, d.index_reg, d.scale, d.seg,
				 d.disp_bytes, (unsigned long long)d.disp);
		if (d.imm_bytes != t->imm_bytes || d.imm != t->imm)
			fail_msg("decode case %u: imm %u:%#llx", i, d.imm_bytes,
				 (unsigned long long)d.imm);
	}
}

/* Effective addresses straight from the decoder. */
static void decode_effective_addresses(void **state)
{
	struct x86_emu_cpu cpu;
	struct x86_insn d;
	/* lea-like forms with a mov: [rbx+rsi*2-1] */
	static const u8 sib[] = { 0x8b, 0x44, 0x73, 0xff };
	static const u8 rip[] = { 0x8b, 0x05, 0xf0, 0xff, 0xff, 0xff };
	static const u8 bx_si[] = { 0x8b, 0x40, 0x10 };   /* [bx+si+0x10] */

	(void)state;
	memset(&cpu, 0, sizeof(cpu));
	cpu.gprs[GPR_RBX] = 0x1000;
	cpu.gprs[GPR_RSI] = 0x20;
	cpu.rip = 0x400000;
	cpu.code_bytes = 8;
	assert_int_equal(x86_decode(sib, sizeof(sib), 8, &d), X86_EMU_OK);
	assert_int_equal(x86_insn_ea(&d, &cpu), 0x1000 + 0x40 - 1);
	assert_int_equal(x86_decode(rip, sizeof(rip), 8, &d), X86_EMU_OK);
	assert_int_equal(x86_insn_ea(&d, &cpu), 0x400006 - 0x10);

	cpu.code_bytes = 2;
	cpu.gprs[GPR_RBX] = 0xfff0;
	cpu.gprs[GPR_RSI] = 0x0001;
	cpu.seg_base[X86_SEG_DS] = 0xf0000;
	assert_int_equal(x86_decode(bx_si, sizeof(bx_si), 2, &d), X86_EMU_OK);
	assert_int_equal(x86_insn_ea(&d, &cpu), 0x0001); /* 64K wrap */
	assert_int_equal(x86_linear(&cpu, d.seg, 0x0001), 0xf0001);

	/* 64-bit: DS/ES/SS/CS bases are zero, FS/GS are not */
	cpu.code_bytes = 8;
	cpu.seg_base[X86_SEG_DS] = 0x1000;
	cpu.seg_base[X86_SEG_FS] = 0x7fff00000000;
	assert_int_equal(x86_linear(&cpu, X86_SEG_DS, 0x10), 0x10);
	assert_int_equal(x86_linear(&cpu, X86_SEG_FS, 0x10), 0x7fff00000010);
	/* 32-bit: the linear address space wraps at 4G */
	cpu.code_bytes = 4;
	cpu.seg_base[X86_SEG_DS] = 0xffffff00;
	assert_int_equal(x86_linear(&cpu, X86_SEG_DS, 0x200), 0x100);
}

/* Every one-byte opcode either decodes or is refused, never more bytes than
 * given: lengths of a few well-known encodings. */
static void decode_lengths(void **state)
{
	static const struct { u8 mode, len, insn[15]; u8 dlen; } t[] = {
		{ 8, 2, { 0x89, 0x03 }, 2 },
		{ 8, 3, { 0x89, 0x43, 0x01 }, 3 },
		{ 8, 6, { 0x89, 0x83, 1, 2, 3, 4 }, 6 },
		{ 8, 3, { 0x89, 0x04, 0x24 }, 3 },
		{ 8, 7, { 0x89, 0x04, 0x25, 1, 2, 3, 4 }, 7 },
		{ 8, 6, { 0x89, 0x05, 1, 2, 3, 4 }, 6 },
		{ 4, 6, { 0x89, 0x05, 1, 2, 3, 4 }, 6 },
		{ 2, 4, { 0x89, 0x06, 1, 2 }, 4 },
		{ 2, 2, { 0x89, 0x46 }, 0 },               /* disp8 missing */
		{ 2, 4, { 0x89, 0x86, 1, 2 }, 4 },
		{ 4, 3, { 0x66, 0x67, 0xa1 }, 0 },          /* moffs16 missing */
		{ 4, 5, { 0x66, 0x67, 0xa1, 1, 2 }, 5 },
		{ 8, 12, { 0x48, 0xc7, 0x84, 0x24, 1, 2, 3, 4, 5, 6, 7, 8 }, 12 },
		{ 8, 4, { 0x66, 0x81, 0x03, 1 }, 0 },       /* imm16 missing */
		{ 8, 5, { 0x66, 0x81, 0x03, 1, 2 }, 5 },
		{ 8, 4, { 0x0f, 0xba, 0x23, 1 }, 4 },
		{ 8, 2, { 0xf3, 0xab }, 2 },
		{ 8, 5, { 0xf0, 0x48, 0x0f, 0xb1, 0x0b }, 5 },
	};
	struct x86_insn d;
	unsigned int i;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		rc = x86_decode(t[i].insn, t[i].len, t[i].mode, &d);
		if (!t[i].dlen) {
			if (rc != X86_EMU_UNHANDLED)
				fail_msg("length case %u: decoded", i);
		} else if (rc != X86_EMU_OK || d.len != t[i].dlen) {
			fail_msg("length case %u: rc %d len %u", i, rc, d.len);
		}
	}
}

/* ---- flags against the host CPU ---- */

#if defined(__x86_64__)
/* Run `insn src,dst` natively with the given input flags; returns the
 * result, *flags gets RFLAGS after. The red zone is stepped over before
 * pushing. */
#define HOST_BINOP(name, insn, type, sfx)					\
static u64 host_##name##sfx(u64 a, u64 b, u64 fin, u64 *flags)		\
{									\
	type x = a, y = b;						\
	u64 f;								\
	asm volatile("lea -128(%%rsp), %%rsp\n\tpush %[fin]\n\tpopfq\n\t"	\
		     insn " %[y], %[x]\n\tpushfq\n\tpop %[f]\n\t"		\
		     "lea 128(%%rsp), %%rsp"					\
		     : [x] "+r" (x), [f] "=&r" (f)				\
		     : [y] "r" (y), [fin] "r" (fin) : "cc", "memory");	\
	*flags = f;							\
	return x;							\
}
#define HOST_ALL(name, insn)						\
	HOST_BINOP(name, insn, u8, 8) HOST_BINOP(name, insn, u16, 16)	\
	HOST_BINOP(name, insn, u32, 32) HOST_BINOP(name, insn, u64, 64)
HOST_ALL(add, "add")
HOST_ALL(or, "or")
HOST_ALL(adc, "adc")
HOST_ALL(sbb, "sbb")
HOST_ALL(and, "and")
HOST_ALL(sub, "sub")
HOST_ALL(xor, "xor")
HOST_ALL(cmp, "cmp")

typedef u64 (*host_fn)(u64, u64, u64, u64 *);
static const host_fn host_ops[8][4] = {
#define ROW(n) { host_##n##8, host_##n##16, host_##n##32, host_##n##64 }
	ROW(add), ROW(or), ROW(adc), ROW(sbb), ROW(and), ROW(sub), ROW(xor),
	ROW(cmp),
#undef ROW
};

static int one_mem(void *ctx, u64 linear, void *buf, unsigned int len)
{
	(void)linear;
	memcpy(buf, ctx, len);
	return X86_EMU_OK;
}

static int one_write(void *ctx, u64 linear, const void *buf, unsigned int len)
{
	(void)linear;
	memcpy(ctx, buf, len);
	return X86_EMU_OK;
}

static const u64 edge[] = {
	0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
	0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull,
	0x7fffffffffffffffull, 0x8000000000000000ull, 0xffffffffffffffffull,
	0x0f, 0x10, 0x8f, 0xf0, 0x123456789abcdef0ull, 0xfedcba9876543210ull,
};

/* op [rbx],eax-family (opcode op*8 + 0/1) with all sizes and edge operands,
 * carry in 0 and 1: result and the defined flags must match the host. */
static void flags_match_host(void **state)
{
	static const struct x86_emu_ops ops = { one_mem, one_write };
	const unsigned int sizes[4] = { 1, 2, 4, 8 };
	unsigned int op, s, i, j, cin, n = 0;

	(void)state;
	for (op = 0; op < 8; op++)
		for (s = 0; s < 4; s++)
			for (i = 0; i < sizeof(edge) / sizeof(edge[0]); i++)
				for (j = 0; j < sizeof(edge) / sizeof(edge[0]); j++)
					for (cin = 0; cin < 2; cin++) {
		struct x86_emu_cpu cpu;
		u8 insn[3], mem[8];
		unsigned int len = 0, bytes = sizes[s];
		u64 mask = bytes == 8 ? ~0ull : (1ull << (bytes * 8)) - 1;
		u64 a = edge[i] & mask, b = edge[j] & mask, hf, res, got = 0;
		/* AF is undefined after logic ops */
		u64 defined = (op == 1 || op == 4 || op == 6) ?
			X86_RFLAGS_ARITH & ~X86_RFLAGS_AF : X86_RFLAGS_ARITH;
		unsigned int k;

		if (bytes == 2)
			insn[len++] = 0x66;
		if (bytes == 8)
			insn[len++] = 0x48;
		insn[len++] = op * 8 + (bytes == 1 ? 0 : 1);
		insn[len++] = 0x03; /* [rbx], eax/al */
		memset(&cpu, 0, sizeof(cpu));
		cpu.code_bytes = 8;
		cpu.rflags = X86_RFLAGS_FIXED | cin;
		cpu.gprs[GPR_RAX] = b;
		for (k = 0; k < 8; k++)
			mem[k] = a >> (8 * k);
		res = host_ops[op][s](a, b, cpu.rflags, &hf);
		assert_int_equal(x86_emulate(&cpu, insn, len, &ops, mem),
				 X86_EMU_OK);
		for (k = bytes; k--;)
			got = (got << 8) | mem[k];
		if (op != 7 && got != (res & mask))
			fail_msg("op %u size %u %#llx,%#llx: %#llx, host %#llx",
				 op, bytes, (unsigned long long)a,
				 (unsigned long long)b, (unsigned long long)got,
				 (unsigned long long)res);
		if ((cpu.rflags ^ hf) & defined)
			fail_msg("op %u size %u %#llx,%#llx cf %u: flags %#llx, host %#llx",
				 op, bytes, (unsigned long long)a,
				 (unsigned long long)b, cin,
				 (unsigned long long)cpu.rflags,
				 (unsigned long long)hf);
		n++;
					}
	assert_true(n > 10000);
}

/* NEG, INC, DEC against the host. */
#define HOST_UNOP(name, insn, type, sfx)					\
static u64 host_##name##sfx(u64 a, u64 fin, u64 *flags)			\
{									\
	type x = a;							\
	u64 f;								\
	asm volatile("lea -128(%%rsp), %%rsp\n\tpush %[fin]\n\tpopfq\n\t"	\
		     insn " %[x]\n\tpushfq\n\tpop %[f]\n\t"			\
		     "lea 128(%%rsp), %%rsp"					\
		     : [x] "+r" (x), [f] "=&r" (f) : [fin] "r" (fin)	\
		     : "cc", "memory");					\
	*flags = f;							\
	return x;							\
}
#define HOST_UALL(name, insn)						\
	HOST_UNOP(name, insn, u8, 8) HOST_UNOP(name, insn, u16, 16)	\
	HOST_UNOP(name, insn, u32, 32) HOST_UNOP(name, insn, u64, 64)
HOST_UALL(neg, "neg")
HOST_UALL(inc, "inc")
HOST_UALL(dec, "dec")

typedef u64 (*host_ufn)(u64, u64, u64 *);
static const host_ufn host_uops[3][4] = {
	{ host_neg8, host_neg16, host_neg32, host_neg64 },
	{ host_inc8, host_inc16, host_inc32, host_inc64 },
	{ host_dec8, host_dec16, host_dec32, host_dec64 },
};

static void unary_flags_match_host(void **state)
{
	static const struct x86_emu_ops ops = { one_mem, one_write };
	const unsigned int sizes[4] = { 1, 2, 4, 8 };
	unsigned int op, s, i, cin;

	(void)state;
	for (op = 0; op < 3; op++)
		for (s = 0; s < 4; s++)
			for (i = 0; i < sizeof(edge) / sizeof(edge[0]); i++)
				for (cin = 0; cin < 2; cin++) {
		struct x86_emu_cpu cpu;
		u8 insn[3], mem[8];
		unsigned int len = 0, bytes = sizes[s], k;
		u64 mask = bytes == 8 ? ~0ull : (1ull << (bytes * 8)) - 1;
		u64 a = edge[i] & mask, hf, res, got = 0;

		if (bytes == 2)
			insn[len++] = 0x66;
		if (bytes == 8)
			insn[len++] = 0x48;
		/* F6/F7 /3 NEG; FE/FF /0 INC, /1 DEC; [rbx] */
		insn[len++] = (op ? 0xfe : 0xf6) + (bytes == 1 ? 0 : 1);
		insn[len++] = op == 0 ? 0x1b : op == 1 ? 0x03 : 0x0b;
		memset(&cpu, 0, sizeof(cpu));
		cpu.code_bytes = 8;
		cpu.rflags = X86_RFLAGS_FIXED | cin;
		for (k = 0; k < 8; k++)
			mem[k] = a >> (8 * k);
		res = host_uops[op][s](a, cpu.rflags, &hf);
		assert_int_equal(x86_emulate(&cpu, insn, len, &ops, mem),
				 X86_EMU_OK);
		for (k = bytes; k--;)
			got = (got << 8) | mem[k];
		if (got != (res & mask) ||
		    ((cpu.rflags ^ hf) & X86_RFLAGS_ARITH))
			fail_msg("unary op %u size %u %#llx: %#llx flags %#llx, host %#llx flags %#llx",
				 op, bytes, (unsigned long long)a,
				 (unsigned long long)got,
				 (unsigned long long)cpu.rflags,
				 (unsigned long long)res,
				 (unsigned long long)hf);
				}
}
#else
static void flags_match_host(void **state)
{
	(void)state;
	skip();
}

static void unary_flags_match_host(void **state)
{
	(void)state;
	skip();
}
#endif

/* ---- random bytes ---- */

struct fuzz_mem {
	unsigned int reads, writes;
	bool read_after_write;
};

static int fuzz_read(void *ctx, u64 linear, void *buf, unsigned int len)
{
	struct fuzz_mem *m = ctx;

	if (m->writes)
		m->read_after_write = true;
	m->reads++;
	if (len > 8)
		return X86_EMU_FAULT;
	memset(buf, (int)(linear & 0xff), len);
	return X86_EMU_OK;
}

static int fuzz_write(void *ctx, u64 linear, const void *buf, unsigned int len)
{
	struct fuzz_mem *m = ctx;

	(void)linear;
	(void)buf;
	m->writes++;
	return len > 8 ? X86_EMU_FAULT : X86_EMU_OK;
}

static void random_bytes(void **state)
{
	static const struct x86_emu_ops ops = { fuzz_read, fuzz_write };
	static const u8 modes[3] = { 2, 4, 8 };
	long page = sysconf(_SC_PAGESIZE);
	u8 *area, *end;
	unsigned int iter, ok = 0, i;
	u64 seed = 0x9e3779b97f4a7c15ull;

	(void)state;
	/* Two pages, the second inaccessible: instruction bytes are placed
	 * right before it, so a read past `len` faults the test. */
	area = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(area != MAP_FAILED);
	assert_int_equal(mprotect(area + page, page, PROT_NONE), 0);
	end = area + page;
	for (iter = 0; iter < 300000; iter++) {
		struct x86_emu_cpu cpu, before;
		struct fuzz_mem m = { 0 };
		unsigned int len;
		u8 *insn;
		int rc;

		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		len = seed % 16;
		insn = end - len;
		for (i = 0; i < len; i++) {
			seed ^= seed << 13;
			seed ^= seed >> 7;
			seed ^= seed << 17;
			/* bias towards opcodes we know, so that decoding
			 * goes deep and not just stops at byte one */
			insn[i] = (i == 0 && (seed & 0x100)) ?
				  "\x88\x89\x8a\x8b\x0f\xf3\x66\x48\xc7\xf7\xa5\x81"
				  [(seed >> 9) % 12] : (u8)(seed >> 24);
		}
		memset(&cpu, 0, sizeof(cpu));
		for (i = 0; i < NR_GPRS; i++)
			cpu.gprs[i] = seed * (i + 1);
		cpu.gprs[GPR_RCX] &= 0xff;
		cpu.code_bytes = modes[iter % 3];
		cpu.rflags = X86_RFLAGS_FIXED | (seed & X86_RFLAGS_DF);
		before = cpu;
		rc = x86_emulate(&cpu, insn, len, &ops, &m);
		if (rc != X86_EMU_OK)
			assert_memory_equal(&cpu, &before, offsetof(struct x86_emu_cpu, code_bytes));
		else
			ok++;
		assert_true(rc >= X86_EMU_OK && rc <= X86_EMU_UNHANDLED);
		assert_true(m.reads <= 2 && m.writes <= 1 && !m.read_after_write);
	}
	munmap(area, 2 * page);
	/* the bias makes a fair share of them real instructions */
	assert_true(ok > 10000);
}

int main(void)
{
	static struct CMUnitTest tests[EMU_NR_CASES + 6];
	unsigned int i, n = 0;

	for (i = 0; i < EMU_NR_CASES; i++)
		tests[n++] = (struct CMUnitTest){
			.name = emu_cases[i].name, .test_func = run_case,
			.initial_state = (void *)&emu_cases[i] };
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(decode_fields);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(decode_effective_addresses);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(decode_lengths);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(flags_match_host);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(unary_flags_match_host);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(random_bytes);
	return _cmocka_run_group_tests("emulate", tests, n, NULL, NULL);
}
