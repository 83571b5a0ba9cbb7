// SPDX-License-Identifier: GPL-2.0
/*
 * x86 instruction decoder and emulator for MMIO accesses: pure code, shared
 * by the module, the userspace unit tests and the KUnit suite (emulate.h).
 *
 * Scope: the instructions compilers and drivers use to touch device memory
 * (MOV and its zero/sign-extending forms, the ALU family, TEST, NOT/NEG,
 * INC/DEC, XCHG, XADD, CMPXCHG, the bit tests, MOVNTI, and the string
 * instructions MOVS/CMPS/STOS/LODS/SCAS with REP). Everything else is
 * X86_EMU_UNHANDLED, and the caller reports an internal error.
 *
 * How it stays safe to restart: the instruction runs on a copy of the vCPU
 * state, every effective address is computed from the state before the
 * instruction, reads are issued before the one write, and the copy is
 * committed only when everything succeeded. So X86_EMU_PENDING (the data of
 * an MMIO read must come from userspace first) can re-run the instruction
 * from scratch later and it will ask for the same reads again.
 */
#ifdef __KERNEL__
#include <linux/string.h>
#else
#include <string.h>
#endif

#include "emulate.h"

/* Decode properties of an opcode (one table entry per supported opcode). */
#define D_VALID  (1u << 0)  /* supported */
#define D_MODRM  (1u << 1)  /* a ModRM byte follows (SDM vol. 2, 2.1.3) */
#define D_BYTE   (1u << 2)  /* 8-bit operands (w bit clear, SDM vol. 2, B.1.4.3) */
#define D_IMM8   (1u << 3)  /* imm8 */
#define D_IMMV   (1u << 4)  /* imm16 or imm32 by operand size (imm32 sign-
			     * extended for 64-bit operands) */
#define D_MOFFS  (1u << 5)  /* moffs: an address-size wide offset, no ModRM */
#define D_STRING (1u << 6)  /* string instruction: rSI/rDI operands */
#define D_NO64   (1u << 7)  /* invalid in 64-bit mode */
#define D_ONLY64 (1u << 8)  /* only in 64-bit mode (63 is ARPL elsewhere) */
#define D_GROUP  (1u << 9)  /* ModRM.reg extends the opcode: group_ok() */
#define D_MEMONLY (1u << 10) /* the register form (mod = 3) is not handled */
#define D_MODREG (1u << 11) /* ModRM.rm is a register whatever mod says (MOV
			     * to/from CRn, SDM vol. 2B "MOV--Move to/from
			     * Control Registers": "the mod bits are ignored") */
#define D_OP64   (1u << 12) /* 64-bit operand in 64-bit mode, else 32-bit;
			     * 66 and REX.W are ignored (MOV CRn, same page) */

#define ALU_RM_R (D_VALID | D_MODRM)

/* One-byte opcode map (SDM vol. 2, Table A-2), the entries we execute. */
static const u16 onebyte[256] = {
	/* ADD OR ADC SBB AND SUB XOR CMP: r/m,r  r,r/m  AL/eAX,imm */
#define ALU_ROW(base)							\
	[(base) + 0] = ALU_RM_R | D_BYTE, [(base) + 1] = ALU_RM_R,	\
	[(base) + 2] = ALU_RM_R | D_BYTE, [(base) + 3] = ALU_RM_R,	\
	[(base) + 4] = D_VALID | D_BYTE | D_IMM8,			\
	[(base) + 5] = D_VALID | D_IMMV
	ALU_ROW(0x00), ALU_ROW(0x08), ALU_ROW(0x10), ALU_ROW(0x18),
	ALU_ROW(0x20), ALU_ROW(0x28), ALU_ROW(0x30), ALU_ROW(0x38),
#undef ALU_ROW
	[0x63] = D_VALID | D_MODRM | D_ONLY64,             /* MOVSXD */
	[0x80] = D_VALID | D_MODRM | D_GROUP | D_BYTE | D_IMM8, /* group 1 */
	[0x81] = D_VALID | D_MODRM | D_GROUP | D_IMMV,
	[0x82] = D_VALID | D_MODRM | D_GROUP | D_BYTE | D_IMM8 | D_NO64,
	[0x83] = D_VALID | D_MODRM | D_GROUP | D_IMM8,
	[0x84] = ALU_RM_R | D_BYTE, [0x85] = ALU_RM_R,     /* TEST */
	[0x86] = ALU_RM_R | D_BYTE, [0x87] = ALU_RM_R,     /* XCHG */
	[0x88] = ALU_RM_R | D_BYTE, [0x89] = ALU_RM_R,     /* MOV */
	[0x8a] = ALU_RM_R | D_BYTE, [0x8b] = ALU_RM_R,
	[0xa0] = D_VALID | D_MOFFS | D_BYTE, [0xa1] = D_VALID | D_MOFFS,
	[0xa2] = D_VALID | D_MOFFS | D_BYTE, [0xa3] = D_VALID | D_MOFFS,
	[0xa4] = D_VALID | D_STRING | D_BYTE, [0xa5] = D_VALID | D_STRING, /* MOVS */
	[0xa6] = D_VALID | D_STRING | D_BYTE, [0xa7] = D_VALID | D_STRING, /* CMPS */
	[0xa8] = D_VALID | D_BYTE | D_IMM8, [0xa9] = D_VALID | D_IMMV,     /* TEST */
	[0xaa] = D_VALID | D_STRING | D_BYTE, [0xab] = D_VALID | D_STRING, /* STOS */
	[0xac] = D_VALID | D_STRING | D_BYTE, [0xad] = D_VALID | D_STRING, /* LODS */
	[0xae] = D_VALID | D_STRING | D_BYTE, [0xaf] = D_VALID | D_STRING, /* SCAS */
	[0xc6] = D_VALID | D_MODRM | D_GROUP | D_BYTE | D_IMM8, /* group 11: MOV */
	[0xc7] = D_VALID | D_MODRM | D_GROUP | D_IMMV,
	[0xf6] = D_VALID | D_MODRM | D_GROUP | D_BYTE, /* group 3 (imm for /0) */
	[0xf7] = D_VALID | D_MODRM | D_GROUP,
	[0xfe] = D_VALID | D_MODRM | D_GROUP | D_BYTE, /* group 4: INC/DEC */
	[0xff] = D_VALID | D_MODRM | D_GROUP,          /* group 5: INC/DEC */
};

/* Two-byte opcode map, 0F xx (SDM vol. 2, Table A-3). */
static const u16 twobyte[256] = {
	[0xa3] = ALU_RM_R,                                /* BT */
	[0xab] = ALU_RM_R,                                /* BTS */
	[0xb0] = ALU_RM_R | D_BYTE | D_MEMONLY,           /* CMPXCHG */
	[0xb1] = ALU_RM_R | D_MEMONLY,
	[0xb3] = ALU_RM_R,                                /* BTR */
	[0xb6] = ALU_RM_R, [0xb7] = ALU_RM_R,             /* MOVZX */
	[0xba] = ALU_RM_R | D_GROUP | D_IMM8,             /* group 8: BT* imm8 */
	[0xbb] = ALU_RM_R,                                /* BTC */
	[0xbe] = ALU_RM_R, [0xbf] = ALU_RM_R,             /* MOVSX */
	[0xc0] = ALU_RM_R | D_BYTE, [0xc1] = ALU_RM_R,    /* XADD */
	[0xc3] = ALU_RM_R | D_MEMONLY,                    /* MOVNTI */
};

/*
 * The control-register instructions (x86_decode_cr): a map of their own, so
 * that x86_decode() keeps refusing them for MMIO (x86_emulate does not run
 * them) and the CR intercepts see nothing else. SDM vol. 2, Table A-3 and
 * Table A-6 (group 7); AMD APM vol. 3, "MOV CRn", "LMSW", "CLTS".
 */
static const u16 twobyte_cr[256] = {
	[0x01] = D_VALID | D_MODRM | D_GROUP,             /* group 7: SMSW, LMSW */
	[0x06] = D_VALID,                                 /* CLTS */
	[0x20] = D_VALID | D_MODRM | D_MODREG | D_OP64,   /* MOV r, CRn */
	[0x22] = D_VALID | D_MODRM | D_MODREG | D_OP64,   /* MOV CRn, r */
};

static u64 size_mask(unsigned int bytes)
{
	return bytes >= 8 ? ~0ull : (1ull << (bytes * 8)) - 1;
}

/* Sign-extend the low `bytes` bytes of v to 64 bits. */
static u64 sext(u64 v, unsigned int bytes)
{
	unsigned int sh = 64 - bytes * 8;

	return (u64)((long long)(v << sh) >> sh);
}

/* Little-endian fetch of n instruction bytes at *pos, never past max. */
static bool fetch(const u8 *insn, unsigned int *pos, unsigned int max,
		  unsigned int n, u64 *val)
{
	unsigned int i;

	if (n > max - *pos)
		return false;
	*val = 0;
	for (i = n; i--;)
		*val = (*val << 8) | insn[*pos + i];
	*pos += n;
	return true;
}

/* Opcode extensions (ModRM.reg) we execute, for the group opcodes. */
static bool group_ok(const struct x86_insn *d)
{
	unsigned int ext = (d->modrm >> 3) & 7;

	if (d->twobyte && d->opcode == 0x01)
		return ext == 4 || ext == 6;            /* SMSW, LMSW (x86_decode_cr) */
	if (d->twobyte)
		return d->opcode == 0xba && ext >= 4;   /* BT BTS BTR BTC */
	switch (d->opcode) {
	case 0x80: case 0x81: case 0x82: case 0x83:
		return true;                            /* the eight ALU ops */
	case 0xc6: case 0xc7:
		return ext == 0;                        /* MOV (/7 is XABORT/XBEGIN) */
	case 0xf6: case 0xf7:
		/* TEST, NOT, NEG; MUL/IMUL/DIV/IDIV are not MMIO material, and
		 * /1 is an undocumented alias of TEST we do not accept. */
		return ext == 0 || ext == 2 || ext == 3;
	case 0xfe: case 0xff:
		return ext <= 1;                        /* INC, DEC */
	}
	return false;
}

/*
 * The memory operand of a ModRM byte with mod != 3: SDM vol. 2, 2.1.5,
 * Table 2-1 (16-bit forms), Tables 2-2/2-3 (32-bit forms and SIB), 2.2.1
 * (REX.X/REX.B, RIP-relative). Default segment SS for BP/SP-based forms,
 * DS otherwise (SDM vol. 1, 3.7.4.1, Table 3-5).
 */
static bool decode_modrm_mem(struct x86_insn *d, const u8 *insn,
			     unsigned int *pos, unsigned int max, bool mode64)
{
	unsigned int rm3 = d->modrm & 7, disp_bytes = 0;
	bool stack = false;
	u64 v;

	d->has_mem = true;
	if (d->addr_bytes == 2) {
		static const signed char base16[8] = {
			GPR_RBX, GPR_RBX, GPR_RBP, GPR_RBP,
			X86_REG_NONE, X86_REG_NONE, GPR_RBP, GPR_RBX };
		static const signed char index16[8] = {
			GPR_RSI, GPR_RDI, GPR_RSI, GPR_RDI,
			GPR_RSI, GPR_RDI, X86_REG_NONE, X86_REG_NONE };

		if (d->mod == 0 && rm3 == 6) {
			disp_bytes = 2;         /* [disp16] */
		} else {
			d->base_reg = base16[rm3];
			d->index_reg = index16[rm3];
			stack = d->base_reg == GPR_RBP;
			disp_bytes = d->mod == 1 ? 1 : d->mod == 2 ? 2 : 0;
		}
	} else {
		if (rm3 == 4) {
			unsigned int index, base3;

			if (!fetch(insn, pos, max, 1, &v))
				return false;
			d->has_sib = true;
			d->sib = v;
			d->scale = 1 << (d->sib >> 6);
			index = ((d->sib >> 3) & 7) | (d->rex & 2 ? 8 : 0);
			if (index != GPR_RSP) /* 100 without REX.X: no index */
				d->index_reg = index;
			base3 = d->sib & 7;
			if (base3 == 5 && d->mod == 0) {
				disp_bytes = 4; /* [index*scale + disp32] */
			} else {
				d->base_reg = base3 | (d->rex & 1 ? 8 : 0);
			}
		} else if (rm3 == 5 && d->mod == 0) {
			/* [disp32]; in 64-bit mode [RIP + disp32], whatever
			 * REX.B says (SDM vol. 2, 2.2.1.6) */
			disp_bytes = 4;
			if (mode64)
				d->base_reg = X86_REG_RIP;
		} else {
			d->base_reg = rm3 | (d->rex & 1 ? 8 : 0);
		}
		stack = d->base_reg == GPR_RSP || d->base_reg == GPR_RBP;
		if (d->mod == 1)
			disp_bytes = 1;
		else if (d->mod == 2)
			disp_bytes = 4;
	}
	if (!d->seg_override && stack)
		d->seg = X86_SEG_SS;
	d->disp_bytes = disp_bytes;
	if (disp_bytes) {
		if (!fetch(insn, pos, max, disp_bytes, &v))
			return false;
		d->disp = sext(v, disp_bytes);
	}
	return true;
}

/* x86_decode() with the ordinary map, or (cr) the control-register one. */
static int decode(const u8 *insn, unsigned int len, u8 code_bytes,
		  struct x86_insn *d, bool cr)
{
	unsigned int max = len < X86_MAX_INSN_LEN ? len : X86_MAX_INSN_LEN;
	unsigned int pos = 0, imm_bytes = 0;
	bool mode64 = code_bytes == 8, opsize = false, adsize = false;
	u16 f;
	u64 v;
	u8 b;

	memset(d, 0, sizeof(*d));
	d->seg = X86_SEG_DS;
	d->base_reg = X86_REG_NONE;
	d->index_reg = X86_REG_NONE;
	d->scale = 1;
	if (code_bytes != 2 && code_bytes != 4 && code_bytes != 8)
		return X86_EMU_UNHANDLED;

	/*
	 * Legacy prefixes in any order (SDM vol. 2, 2.1.1); for repeats of one
	 * group the last wins, as on hardware. REX (64-bit mode only) counts
	 * only immediately before the opcode: one followed by a legacy prefix
	 * is ignored (SDM vol. 2, 2.2.1).
	 */
	for (;; pos++) {
		if (pos >= max)
			return X86_EMU_UNHANDLED;
		b = insn[pos];
		if (mode64 && (b & 0xf0) == 0x40) {
			d->rex = b;
			continue;
		}
		switch (b) {
		case 0x66: opsize = true; break;
		case 0x67: adsize = true; break;
		case 0xf0: d->lock = true; break;
		case 0xf2: case 0xf3: d->rep = b; break;
		case 0x26: d->seg = X86_SEG_ES; d->seg_override = true; break;
		case 0x2e: d->seg = X86_SEG_CS; d->seg_override = true; break;
		case 0x36: d->seg = X86_SEG_SS; d->seg_override = true; break;
		case 0x3e: d->seg = X86_SEG_DS; d->seg_override = true; break;
		case 0x64: d->seg = X86_SEG_FS; d->seg_override = true; break;
		case 0x65: d->seg = X86_SEG_GS; d->seg_override = true; break;
		default:
			goto opcode;
		}
		d->rex = 0;
	}
opcode:
	if (b == 0x0f) {
		d->twobyte = true;
		if (++pos >= max)
			return X86_EMU_UNHANDLED;
		b = insn[pos];
		f = cr ? twobyte_cr[b] : twobyte[b];
	} else {
		f = cr ? 0 : onebyte[b];
	}
	pos++;
	d->opcode = b;
	if (!(f & D_VALID) || (mode64 && (f & D_NO64)) ||
	    (!mode64 && (f & D_ONLY64)))
		return X86_EMU_UNHANDLED;

	/* Operand size: SDM vol. 2, 2.2.1.2 and Table 2-4 (64-bit mode:
	 * REX.W beats 66); vol. 1, 3.6 (66 toggles the default). */
	if (f & D_BYTE)
		d->op_bytes = 1;
	else if (f & D_OP64)
		d->op_bytes = mode64 ? 8 : 4;
	else if (mode64 && (d->rex & 8))
		d->op_bytes = 8;
	else if (opsize)
		d->op_bytes = code_bytes == 2 ? 4 : 2;
	else
		d->op_bytes = code_bytes == 2 ? 2 : 4;
	/* Address size: 67 toggles 16/32, or 64 -> 32 in 64-bit mode. */
	if (mode64)
		d->addr_bytes = adsize ? 4 : 8;
	else if (code_bytes == 4)
		d->addr_bytes = adsize ? 2 : 4;
	else
		d->addr_bytes = adsize ? 4 : 2;

	d->mem_bytes = d->op_bytes;
	if (d->twobyte) {
		if (d->opcode == 0xb6 || d->opcode == 0xbe)
			d->mem_bytes = 1;       /* MOVZX/MOVSX r, r/m8 */
		else if (d->opcode == 0xb7 || d->opcode == 0xbf)
			d->mem_bytes = 2;       /* MOVZX/MOVSX r, r/m16 */
		else if (d->opcode == 0xc3)     /* MOVNTI: 32 or 64 bits */
			d->op_bytes = d->mem_bytes = d->rex & 8 ? 8 : 4;
	} else if (d->opcode == 0x63 && d->op_bytes == 8) {
		d->mem_bytes = 4;               /* MOVSXD r64, r/m32 */
	}

	if (f & D_MODRM) {
		if (!fetch(insn, &pos, max, 1, &v))
			return X86_EMU_UNHANDLED;
		d->has_modrm = true;
		d->modrm = v;
		d->mod = d->modrm >> 6;
		d->reg = ((d->modrm >> 3) & 7) | (d->rex & 4 ? 8 : 0);
		d->rm = (d->modrm & 7) | (d->rex & 1 ? 8 : 0);
		if ((f & D_GROUP) && !group_ok(d))
			return X86_EMU_UNHANDLED;
		if (d->mod == 3 || (f & D_MODREG)) {
			if (f & D_MEMONLY)
				return X86_EMU_UNHANDLED;
		} else if (!decode_modrm_mem(d, insn, &pos, max, mode64)) {
			return X86_EMU_UNHANDLED;
		}
	} else if (f & D_MOFFS) {
		/* MOV AL/eAX <-> moffs: the offset is address-size wide
		 * (8 bytes in 64-bit mode unless 67; SDM vol. 2, 2.2.1.4). */
		if (!fetch(insn, &pos, max, d->addr_bytes, &v))
			return X86_EMU_UNHANDLED;
		d->has_mem = true;
		d->disp = v;
		d->disp_bytes = d->addr_bytes;
	} else if (f & D_STRING) {
		d->string = true;
	}

	if (f & D_IMM8)
		imm_bytes = 1;
	else if (f & D_IMMV)
		imm_bytes = d->op_bytes == 2 ? 2 : 4;
	else if (!d->twobyte && (d->opcode == 0xf6 || d->opcode == 0xf7) &&
		 ((d->modrm >> 3) & 7) == 0)
		imm_bytes = d->op_bytes == 1 ? 1 : d->op_bytes == 2 ? 2 : 4;
	if (imm_bytes) {
		if (!fetch(insn, &pos, max, imm_bytes, &v))
			return X86_EMU_UNHANDLED;
		d->imm = sext(v, imm_bytes);
		d->imm_bytes = imm_bytes;
	}
	d->len = pos;
	return X86_EMU_OK;
}

int x86_decode(const u8 *insn, unsigned int len, u8 code_bytes,
	       struct x86_insn *d)
{
	return decode(insn, len, code_bytes, d, false);
}

int x86_decode_cr(const u8 *insn, unsigned int len, u8 code_bytes,
		  struct x86_cr_insn *out)
{
	struct x86_insn *d = &out->insn;
	unsigned int ext;

	memset(out, 0, sizeof(*out));
	if (decode(insn, len, code_bytes, d, true) != X86_EMU_OK)
		return X86_EMU_UNHANDLED;
	ext = (d->modrm >> 3) & 7;
	switch (d->opcode) {
	case 0x06:
		out->kind = X86_CR_CLTS;
		out->cr = 0;
		break;
	case 0x01:
		/* LMSW takes a 16-bit operand; SMSW stores 16 bits to
		 * memory, or op_bytes to a register (SDM vol. 2B, SMSW). */
		out->kind = ext == 6 ? X86_CR_LMSW : X86_CR_SMSW;
		out->cr = 0;
		out->gpr = d->rm;
		out->has_mem = d->mod != 3;
		if (out->kind == X86_CR_LMSW || out->has_mem)
			d->op_bytes = d->mem_bytes = 2;
		break;
	default: /* 0x20, 0x22 */
		out->kind = d->opcode == 0x22 ? X86_CR_MOV_TO : X86_CR_MOV_FROM;
		out->cr = d->reg;
		/*
		 * AMD's alternative encoding of CR8 outside 64-bit mode: LOCK
		 * MOV CR0 (CPUID 8000_0001h:ECX[4] AltMovCr8, APM vol. 3,
		 * "MOV CRn"); the caller knows whether the CPU has it.
		 */
		if (d->lock && out->cr == 0)
			out->lock_cr8 = true;
		out->gpr = d->rm;
		break;
	}
	out->len = d->len;
	return X86_EMU_OK;
}

u64 x86_insn_ea(const struct x86_insn *d, const struct x86_emu_cpu *cpu)
{
	u64 ea = d->disp;

	if (d->base_reg == X86_REG_RIP)
		ea += cpu->rip + d->len;        /* the next instruction */
	else if (d->base_reg != X86_REG_NONE)
		ea += cpu->gprs[d->base_reg];
	if (d->index_reg != X86_REG_NONE)
		ea += cpu->gprs[d->index_reg] * d->scale;
	/* Offsets wrap at the address size (SDM vol. 1, 3.3.7 and 3.6): a
	 * 16-bit sum, for one, is computed modulo 64K. */
	return ea & size_mask(d->addr_bytes);
}

u64 x86_linear(const struct x86_emu_cpu *cpu, enum x86_seg seg, u64 ea)
{
	if (cpu->code_bytes == 8)
		return (seg == X86_SEG_FS || seg == X86_SEG_GS ?
			cpu->seg_base[seg] : 0) + ea;
	return (cpu->seg_base[seg] + ea) & 0xffffffffull;
}

/* ---- execution ---------------------------------------------------------- */

struct emu {
	struct x86_emu_cpu *c;          /* the working copy */
	const struct x86_insn *d;
	const struct x86_emu_ops *ops;
	void *ctx;
	u64 ea;                         /* operand offset, from the old state */
	unsigned int writes;
};

/* GPR access with the 8-bit rule of SDM vol. 2, 3.7.2.1 / Table 3-1:
 * without any REX prefix, byte registers 4-7 are AH CH DH BH; with one,
 * SPL BPL SIL DIL. */
static u64 get_reg(const struct emu *e, unsigned int reg, unsigned int bytes)
{
	if (bytes == 1 && !e->d->rex && reg >= 4 && reg < 8)
		return (e->c->gprs[reg - 4] >> 8) & 0xff;
	return e->c->gprs[reg] & size_mask(bytes);
}

/*
 * 8- and 16-bit writes keep the rest of the register; 32-bit writes
 * zero-extend to 64 bits (SDM vol. 1, 3.4.1.1). Outside 64-bit mode the
 * upper half is not visible and architecturally undefined after a mode
 * switch, so zero-extending there too (as KVM does) is as good as any.
 */
static void set_reg(struct emu *e, unsigned int reg, unsigned int bytes,
		    u64 val)
{
	u64 *r;

	if (bytes == 1 && !e->d->rex && reg >= 4 && reg < 8) {
		r = &e->c->gprs[reg - 4];
		*r = (*r & ~0xff00ull) | ((val & 0xff) << 8);
		return;
	}
	r = &e->c->gprs[reg];
	switch (bytes) {
	case 1:
		*r = (*r & ~0xffull) | (val & 0xff);
		break;
	case 2:
		*r = (*r & ~0xffffull) | (val & 0xffff);
		break;
	case 4:
		*r = val & 0xffffffffull;
		break;
	default:
		*r = val;
	}
}

static int mem_read(struct emu *e, enum x86_seg seg, u64 ea,
		    unsigned int bytes, u64 *val)
{
	u8 buf[8];
	unsigned int i;
	int rc;

	rc = e->ops->read(e->ctx, x86_linear(e->c, seg, ea), buf, bytes);
	if (rc != X86_EMU_OK)
		return rc == X86_EMU_PENDING ? X86_EMU_PENDING : X86_EMU_FAULT;
	*val = 0;
	for (i = bytes; i--;)
		*val = (*val << 8) | buf[i];
	return X86_EMU_OK;
}

static int mem_write(struct emu *e, enum x86_seg seg, u64 ea,
		     unsigned int bytes, u64 val)
{
	u8 buf[8];
	unsigned int i;
	int rc;

	/* The caller's glue holds one pending write; every handler below
	 * makes at most one, so this is a guard against our own bugs. */
	if (e->writes++)
		return X86_EMU_UNHANDLED;
	for (i = 0; i < bytes; i++)
		buf[i] = val >> (8 * i);
	rc = e->ops->write(e->ctx, x86_linear(e->c, seg, ea), buf, bytes);
	if (rc != X86_EMU_OK)
		return rc == X86_EMU_PENDING ? X86_EMU_PENDING : X86_EMU_FAULT;
	return X86_EMU_OK;
}

/* The ModRM r/m operand: a register when mod == 3, else memory. */
static int read_rm(struct emu *e, unsigned int bytes, u64 *val)
{
	if (e->d->mod == 3) {
		*val = get_reg(e, e->d->rm, bytes);
		return X86_EMU_OK;
	}
	return mem_read(e, e->d->seg, e->ea, bytes, val);
}

static int write_rm(struct emu *e, unsigned int bytes, u64 val)
{
	if (e->d->mod == 3) {
		set_reg(e, e->d->rm, bytes, val);
		return X86_EMU_OK;
	}
	return mem_write(e, e->d->seg, e->ea, bytes, val);
}

/* ---- flags (SDM vol. 1, 3.4.3.1 and appendix A) -------------------------- */

#define F_CF X86_RFLAGS_CF
#define F_PF X86_RFLAGS_PF
#define F_AF X86_RFLAGS_AF
#define F_ZF X86_RFLAGS_ZF
#define F_SF X86_RFLAGS_SF
#define F_OF X86_RFLAGS_OF

/* SF, ZF, PF of a result; PF looks at the low byte only, set when it has an
 * even number of one bits. */
static u64 flags_szp(u64 res, unsigned int bytes)
{
	u64 f = 0, p = res & 0xff;

	res &= size_mask(bytes);
	if (!res)
		f |= F_ZF;
	if ((res >> (bytes * 8 - 1)) & 1)
		f |= F_SF;
	p ^= p >> 4;
	p ^= p >> 2;
	p ^= p >> 1;
	if (!(p & 1))
		f |= F_PF;
	return f;
}

/*
 * res = a + b (+ carry in). Bit i of `carries` is the carry out of bit i of
 * a full adder: set when both inputs are set, or one is and the sum bit is
 * clear. CF is the carry out of the top bit, AF out of bit 3; OF is set
 * when both inputs have the same sign and the result the other one.
 */
static u64 flags_add(u64 a, u64 b, u64 res, unsigned int bytes)
{
	unsigned int top = bytes * 8 - 1;
	u64 carries = (a & b) | ((a | b) & ~res);
	u64 f = flags_szp(res, bytes);

	if ((carries >> top) & 1)
		f |= F_CF;
	if (carries & 8)
		f |= F_AF;
	if ((((a ^ res) & (b ^ res)) >> top) & 1)
		f |= F_OF;
	return f;
}

/* res = a - b (- borrow in): the same with borrows (a full subtractor is a
 * full adder on ~a); OF when the operands' signs differ and the result's
 * sign differs from a's. */
static u64 flags_sub(u64 a, u64 b, u64 res, unsigned int bytes)
{
	unsigned int top = bytes * 8 - 1;
	u64 borrows = (~a & b) | ((~a | b) & res);
	u64 f = flags_szp(res, bytes);

	if ((borrows >> top) & 1)
		f |= F_CF;
	if (borrows & 8)
		f |= F_AF;
	if ((((a ^ b) & (a ^ res)) >> top) & 1)
		f |= F_OF;
	return f;
}

enum { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP };

/*
 * The eight group-1 operations in their encoding order (opcode bits 5:3, or
 * ModRM.reg for 80-83). Logic operations clear CF and OF; AF is undefined
 * after them (SDM vol. 2, AND/OR/XOR/TEST "Flags Affected") and we clear it,
 * as the processors we know do.
 */
static u64 alu(struct emu *e, unsigned int op, u64 a, u64 b,
	       unsigned int bytes)
{
	u64 mask = size_mask(bytes), cf = e->c->rflags & F_CF, res, f;

	a &= mask;
	b &= mask;
	switch (op) {
	case ALU_ADD:
		res = a + b;
		f = flags_add(a, b, res, bytes);
		break;
	case ALU_ADC:
		res = a + b + cf;
		f = flags_add(a, b, res, bytes);
		break;
	case ALU_SBB:
		res = a - b - cf;
		f = flags_sub(a, b, res, bytes);
		break;
	case ALU_SUB:
	case ALU_CMP:
		res = a - b;
		f = flags_sub(a, b, res, bytes);
		break;
	case ALU_OR:
		res = a | b;
		f = flags_szp(res, bytes);
		break;
	case ALU_AND:
		res = a & b;
		f = flags_szp(res, bytes);
		break;
	default: /* ALU_XOR */
		res = a ^ b;
		f = flags_szp(res, bytes);
		break;
	}
	e->c->rflags = (e->c->rflags & ~X86_RFLAGS_ARITH) | f;
	return res & mask;
}

/* INC/DEC: ADD/SUB 1 that leave CF alone (SDM vol. 2, INC, DEC). */
static u64 incdec(struct emu *e, bool dec, u64 a, unsigned int bytes)
{
	u64 cf = e->c->rflags & F_CF, res;

	res = alu(e, dec ? ALU_SUB : ALU_ADD, a, 1, bytes);
	e->c->rflags = (e->c->rflags & ~F_CF) | cf;
	return res;
}

static void advance_rip(struct emu *e)
{
	/* IP/EIP wrap at the code segment's size */
	e->c->rip = (e->c->rip + e->d->len) & size_mask(e->c->code_bytes);
}

/*
 * MOVS CMPS STOS LODS SCAS (SDM vol. 2, "REP/REPE/REPZ/REPNE/REPNZ"), one
 * element per call. Source DS:rSI (segment overridable), destination
 * ES:rDI (never overridable); rSI/rDI/rCX are the address-size parts of the
 * registers; DF=1 walks downwards. With a REP prefix the count is checked
 * first (zero: nothing happens but RIP advancing), then one element moves,
 * rCX drops by one and RIP stays put until the count is exhausted (or, for
 * CMPS/SCAS, the REPE/REPNE condition ends the loop), so the guest runs the
 * same instruction again for the next element and interrupts can be taken
 * in between, as on hardware. F2 on MOVS/STOS/LODS repeats like F3.
 */
static int exec_string(struct emu *e)
{
	const struct x86_insn *d = e->d;
	struct x86_emu_cpu *c = e->c;
	unsigned int op = d->op_bytes, ab = d->addr_bytes;
	u64 amask = size_mask(ab);
	u64 si = c->gprs[GPR_RSI] & amask, di = c->gprs[GPR_RDI] & amask;
	u64 step = (c->rflags & X86_RFLAGS_DF) ? -(u64)op : op;
	u64 count = c->gprs[GPR_RCX] & amask, a, b;
	bool uses_si = false, uses_di = false, compare = false;
	int rc;

	if (d->rep && !count) {
		advance_rip(e);
		return X86_EMU_OK;
	}
	switch (d->opcode & ~1) {
	case 0xa4: /* MOVS: read, then the one write */
		rc = mem_read(e, d->seg, si, op, &a);
		if (rc == X86_EMU_OK)
			rc = mem_write(e, X86_SEG_ES, di, op, a);
		uses_si = uses_di = true;
		break;
	case 0xa6: /* CMPS: flags of [rSI] - [rDI]; two reads */
		rc = mem_read(e, d->seg, si, op, &a);
		if (rc == X86_EMU_OK)
			rc = mem_read(e, X86_SEG_ES, di, op, &b);
		if (rc == X86_EMU_OK)
			alu(e, ALU_CMP, a, b, op);
		uses_si = uses_di = compare = true;
		break;
	case 0xaa: /* STOS */
		rc = mem_write(e, X86_SEG_ES, di, op, get_reg(e, GPR_RAX, op));
		uses_di = true;
		break;
	case 0xac: /* LODS */
		rc = mem_read(e, d->seg, si, op, &a);
		if (rc == X86_EMU_OK)
			set_reg(e, GPR_RAX, op, a);
		uses_si = true;
		break;
	default: /* 0xae SCAS: flags of rAX - [rDI] */
		rc = mem_read(e, X86_SEG_ES, di, op, &b);
		if (rc == X86_EMU_OK)
			alu(e, ALU_CMP, get_reg(e, GPR_RAX, op), b, op);
		uses_di = compare = true;
		break;
	}
	if (rc != X86_EMU_OK)
		return rc;
	if (uses_si)
		set_reg(e, GPR_RSI, ab, si + step);
	if (uses_di)
		set_reg(e, GPR_RDI, ab, di + step);
	if (d->rep) {
		bool zf = c->rflags & F_ZF;

		set_reg(e, GPR_RCX, ab, --count);
		if (count && !(compare && (d->rep == 0xf3 ? !zf : zf)))
			return X86_EMU_OK;      /* more to do: same RIP */
	}
	advance_rip(e);
	return X86_EMU_OK;
}

/*
 * BT/BTS/BTR/BTC (SDM vol. 2, BT). With a register bit offset and a memory
 * operand the offset is signed and may address outside the operand: the
 * operand-sized unit at EA + (offset SAR log2(bits)) * bytes is accessed.
 * An immediate offset, or a register destination, take the offset modulo
 * the operand size. CF gets the old bit; ZF is unaffected; OF SF AF PF are
 * undefined and we leave them unchanged.
 */
static int exec_bt(struct emu *e, unsigned int which, u64 offset)
{
	const struct x86_insn *d = e->d;
	unsigned int op = d->op_bytes, bits = op * 8, shift;
	u64 val, bit;
	int rc;

	if (d->mod != 3 && d->opcode != 0xba) {
		shift = op == 2 ? 4 : op == 4 ? 5 : 6;
		e->ea = (e->ea + (((long long)sext(offset, op) >> shift) * op)) &
			size_mask(d->addr_bytes);
	}
	bit = 1ull << (offset & (bits - 1));
	rc = read_rm(e, op, &val);
	if (rc != X86_EMU_OK)
		return rc;
	e->c->rflags = (e->c->rflags & ~F_CF) | ((val & bit) ? F_CF : 0);
	switch (which) {
	case 1: return write_rm(e, op, val | bit);  /* BTS */
	case 2: return write_rm(e, op, val & ~bit); /* BTR */
	case 3: return write_rm(e, op, val ^ bit);  /* BTC */
	}
	return X86_EMU_OK;                          /* BT */
}

static int exec_twobyte(struct emu *e)
{
	const struct x86_insn *d = e->d;
	unsigned int op = d->op_bytes;
	u64 a, b, res;
	int rc;

	switch (d->opcode) {
	case 0xa3: return exec_bt(e, 0, get_reg(e, d->reg, op));
	case 0xab: return exec_bt(e, 1, get_reg(e, d->reg, op));
	case 0xb3: return exec_bt(e, 2, get_reg(e, d->reg, op));
	case 0xbb: return exec_bt(e, 3, get_reg(e, d->reg, op));
	case 0xba: return exec_bt(e, ((d->modrm >> 3) & 7) - 4, d->imm & 0xff);
	case 0xb0:
	case 0xb1:
		/*
		 * CMPXCHG (memory form only): compare rAX with the operand;
		 * equal: ZF=1 and the source is stored; else ZF=0, rAX gets
		 * the operand and the operand is written back unchanged, as
		 * the SDM says the processor does ("the destination operand
		 * is written back if the comparison fails").
		 */
		rc = read_rm(e, op, &b);
		if (rc != X86_EMU_OK)
			return rc;
		a = get_reg(e, GPR_RAX, op);
		alu(e, ALU_CMP, a, b, op);
		if (a == b)
			return write_rm(e, op, get_reg(e, d->reg, op));
		set_reg(e, GPR_RAX, op, b);
		return write_rm(e, op, b);
	case 0xb6: case 0xb7: /* MOVZX */
	case 0xbe: case 0xbf: /* MOVSX */
		rc = read_rm(e, d->mem_bytes, &a);
		if (rc != X86_EMU_OK)
			return rc;
		if (d->opcode >= 0xbe)
			a = sext(a, d->mem_bytes);
		set_reg(e, d->reg, op, a);
		return X86_EMU_OK;
	case 0xc0:
	case 0xc1: /* XADD: TEMP = SRC + DEST; SRC = DEST; DEST = TEMP */
		rc = read_rm(e, op, &a);
		if (rc != X86_EMU_OK)
			return rc;
		res = alu(e, ALU_ADD, a, get_reg(e, d->reg, op), op);
		set_reg(e, d->reg, op, a);
		return write_rm(e, op, res);
	default: /* 0xc3 MOVNTI m, r: a plain store as far as we can tell */
		return write_rm(e, op, get_reg(e, d->reg, op));
	}
}

static int exec_onebyte(struct emu *e)
{
	const struct x86_insn *d = e->d;
	unsigned int op = d->op_bytes, ext = (d->modrm >> 3) & 7;
	u8 opc = d->opcode;
	u64 a, b, res;
	int rc;

	if (opc < 0x40) {
		/* ADD OR ADC SBB AND SUB XOR CMP; bit 1 = direction */
		unsigned int kind = opc >> 3;

		switch (opc & 7) {
		case 0: case 1: /* r/m op= reg */
			rc = read_rm(e, op, &a);
			if (rc != X86_EMU_OK)
				return rc;
			res = alu(e, kind, a, get_reg(e, d->reg, op), op);
			return kind == ALU_CMP ? X86_EMU_OK : write_rm(e, op, res);
		case 2: case 3: /* reg op= r/m */
			rc = read_rm(e, op, &b);
			if (rc != X86_EMU_OK)
				return rc;
			res = alu(e, kind, get_reg(e, d->reg, op), b, op);
			if (kind != ALU_CMP)
				set_reg(e, d->reg, op, res);
			return X86_EMU_OK;
		default: /* AL/eAX op= imm */
			res = alu(e, kind, get_reg(e, GPR_RAX, op), d->imm, op);
			if (kind != ALU_CMP)
				set_reg(e, GPR_RAX, op, res);
			return X86_EMU_OK;
		}
	}
	switch (opc) {
	case 0x63: /* MOVSXD; without REX.W a plain 16/32-bit MOV */
		rc = read_rm(e, d->mem_bytes, &a);
		if (rc != X86_EMU_OK)
			return rc;
		set_reg(e, d->reg, op, sext(a, d->mem_bytes));
		return X86_EMU_OK;
	case 0x80: case 0x81: case 0x82: case 0x83: /* group 1, imm */
		rc = read_rm(e, op, &a);
		if (rc != X86_EMU_OK)
			return rc;
		res = alu(e, ext, a, d->imm, op);
		return ext == ALU_CMP ? X86_EMU_OK : write_rm(e, op, res);
	case 0x84: case 0x85: /* TEST r/m, reg */
		rc = read_rm(e, op, &a);
		if (rc == X86_EMU_OK)
			alu(e, ALU_AND, a, get_reg(e, d->reg, op), op);
		return rc;
	case 0x86: case 0x87: /* XCHG r/m, reg: a locked RMW on hardware */
		rc = read_rm(e, op, &a);
		if (rc != X86_EMU_OK)
			return rc;
		b = get_reg(e, d->reg, op);
		set_reg(e, d->reg, op, a);
		return write_rm(e, op, b);
	case 0x88: case 0x89: /* MOV r/m, reg */
		return write_rm(e, op, get_reg(e, d->reg, op));
	case 0x8a: case 0x8b: /* MOV reg, r/m */
		rc = read_rm(e, op, &a);
		if (rc == X86_EMU_OK)
			set_reg(e, d->reg, op, a);
		return rc;
	case 0xa0: case 0xa1: /* MOV AL/eAX, moffs */
		rc = mem_read(e, d->seg, e->ea, op, &a);
		if (rc == X86_EMU_OK)
			set_reg(e, GPR_RAX, op, a);
		return rc;
	case 0xa2: case 0xa3: /* MOV moffs, AL/eAX */
		return mem_write(e, d->seg, e->ea, op, get_reg(e, GPR_RAX, op));
	case 0xa8: case 0xa9: /* TEST AL/eAX, imm */
		alu(e, ALU_AND, get_reg(e, GPR_RAX, op), d->imm, op);
		return X86_EMU_OK;
	case 0xc6: case 0xc7: /* MOV r/m, imm */
		return write_rm(e, op, d->imm);
	case 0xf6: case 0xf7: /* group 3: TEST NOT NEG */
		rc = read_rm(e, op, &a);
		if (rc != X86_EMU_OK)
			return rc;
		if (ext == 0) {
			alu(e, ALU_AND, a, d->imm, op);
			return X86_EMU_OK;
		}
		if (ext == 2) /* NOT: no flags */
			return write_rm(e, op, ~a);
		/* NEG: 0 - a; CF = (a != 0) falls out of the borrow */
		return write_rm(e, op, alu(e, ALU_SUB, 0, a, op));
	default: /* 0xfe, 0xff: group 4/5 INC DEC */
		rc = read_rm(e, op, &a);
		if (rc != X86_EMU_OK)
			return rc;
		return write_rm(e, op, incdec(e, ext == 1, a, op));
	}
}

int x86_emulate(struct x86_emu_cpu *cpu, const u8 *insn, unsigned int len,
		const struct x86_emu_ops *ops, void *ctx)
{
	struct x86_emu_cpu c = *cpu;
	struct x86_insn d;
	struct emu e = { .c = &c, .d = &d, .ops = ops, .ctx = ctx };
	int rc;

	if (x86_decode(insn, len, cpu->code_bytes, &d) != X86_EMU_OK)
		return X86_EMU_UNHANDLED;
	e.ea = x86_insn_ea(&d, cpu);
	if (d.string) {
		rc = exec_string(&e);   /* moves RIP itself (REP) */
	} else {
		rc = d.twobyte ? exec_twobyte(&e) : exec_onebyte(&e);
		if (rc == X86_EMU_OK)
			advance_rip(&e);
	}
	if (rc != X86_EMU_OK)
		return rc;              /* *cpu untouched */
	c.rflags |= X86_RFLAGS_FIXED;
	*cpu = c;
	return X86_EMU_OK;
}
