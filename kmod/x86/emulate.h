/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The x86 instruction decoder and emulator the module uses for MMIO: on a
 * nested page fault outside guest RAM the CPU here gives no decode assists
 * (no NRIP save, no instruction bytes in the VMCB), so the module fetches the
 * faulting instruction, decodes it and performs its memory access itself.
 *
 * Pure code: only <vmm/types.h> and <vmm/x86.h>, no kernel-only or vendor
 * headers, no inline assembly, so the same file builds into the module, the
 * userspace unit tests (tests/unit/test-emulate) and a KUnit suite (UML).
 *
 * Encodings: Intel SDM vol. 2, chapters 2 (format, prefixes, ModRM/SIB,
 * REX) and 3-4 (instructions); AMD APM vol. 3, chapter 1.
 */
#ifndef VMM_KMOD_X86_EMULATE_H
#define VMM_KMOD_X86_EMULATE_H

#include <vmm/types.h>
#include <vmm/x86.h>

/* Segment registers in the encoding order of the sreg field (SDM vol. 2,
 * B.1.4.3, Table B-6): ES CS SS DS FS GS. */
enum x86_seg {
	X86_SEG_ES, X86_SEG_CS, X86_SEG_SS, X86_SEG_DS, X86_SEG_FS, X86_SEG_GS,
	X86_NR_SEGS
};

/* The vCPU state the emulator reads and changes. */
struct x86_emu_cpu {
	u64 gprs[NR_GPRS];
	u64 rip;
	u64 rflags;
	u64 seg_base[X86_NR_SEGS];
	/*
	 * Default operand/address size: 2 (real mode, virtual-8086 mode,
	 * CS.D=0), 4 (CS.D=1), 8 (64-bit mode: EFER.LMA && CS.L).
	 */
	u8 code_bytes;
};

enum x86_emu_result {
	X86_EMU_OK,        /* instruction done: registers, RIP, RFLAGS updated */
	X86_EMU_PENDING,   /* a read had to go out (ops->read said so); cpu
			    * untouched; call again later with the same bytes */
	X86_EMU_FAULT,     /* ops reported a guest fault (#PF/#GP): cpu
			    * untouched, inject what ops recorded */
	X86_EMU_UNHANDLED, /* not decodable/supported: cpu untouched */
};

/*
 * Memory access callbacks, by LINEAR address (segment base already added,
 * address-size wraparound already applied; outside 64-bit mode the linear
 * address is also truncated to 32 bits). Each returns X86_EMU_OK,
 * X86_EMU_PENDING (read only: the data is not available yet) or
 * X86_EMU_FAULT. Data are little-endian, as in guest memory.
 *
 * The emulator promises, per instruction: all reads come before the write;
 * the same reads in the same order every time the same instruction is
 * emulated on the same state; at most two reads (MOVS/CMPS) and at most one
 * write call. Segment limits and canonical-address checks are the
 * callbacks' business (the emulator has no descriptor state).
 */
struct x86_emu_ops {
	int (*read)(void *ctx, u64 linear, void *buf, unsigned int len);
	int (*write)(void *ctx, u64 linear, const void *buf, unsigned int len);
};

/* The longest legal instruction (SDM vol. 2, 2.3.11). */
#define X86_MAX_INSN_LEN 15

/* No register in a struct x86_insn base/index field. */
#define X86_REG_NONE (-1)
/* base_reg value of a RIP-relative operand (64-bit mode, SDM vol. 2, 2.2.1.6) */
#define X86_REG_RIP 16

/* What x86_decode found: everything the emulator needs, and what tests and
 * diagnostics want to see. */
struct x86_insn {
	u8 len;          /* total length in bytes, prefixes included */
	u8 opcode;       /* the opcode byte (after 0F for two-byte opcodes) */
	bool twobyte;    /* opcode is in the 0F map */
	u8 op_bytes;     /* operand size: 1, 2, 4 or 8 */
	u8 addr_bytes;   /* address size: 2, 4 or 8 */
	u8 mem_bytes;    /* size of the memory access (e.g. 1 for MOVZX r32, m8) */
	u8 rep;          /* 0, 0xf3 (REP/REPE) or 0xf2 (REPNE): the last one seen */
	bool lock;       /* F0 seen: accepted and ignored; a locked RMW is one
			  * read and one write call, atomic only as far as
			  * the callbacks make it (MMIO: the device model) */
	u8 rex;          /* the REX byte in effect (0: none) */
	u8 seg;          /* enum x86_seg of the memory operand (source for
			  * string instructions; their destination is ES) */
	bool seg_override;
	bool has_modrm;
	u8 modrm, mod;   /* ModRM byte and its mod field */
	u8 reg;          /* ModRM.reg with REX.R: register or opcode extension */
	u8 rm;           /* ModRM.rm with REX.B (a register when mod == 3) */
	bool has_sib;
	u8 sib;
	u8 disp_bytes;   /* 0, 1, 2, 4 (or 2/4/8 for a moffs) */
	u8 imm_bytes;    /* 0, 1, 2, 4 */
	signed char base_reg;     /* GPR, X86_REG_RIP or X86_REG_NONE */
	signed char index_reg;    /* GPR or X86_REG_NONE */
	u8 scale;        /* 1, 2, 4, 8 */
	bool has_mem;    /* has an explicit (ModRM or moffs) memory operand */
	bool string;     /* MOVS/CMPS/STOS/LODS/SCAS: implicit rSI/rDI operands */
	u64 disp;        /* displacement, sign-extended; a moffs zero-extended */
	u64 imm;         /* immediate, sign-extended to 64 bits */
};

/*
 * Decode one instruction (`len` bytes valid, at most 15 used) for a code
 * segment of default size code_bytes (2, 4, 8). Returns X86_EMU_OK or
 * X86_EMU_UNHANDLED (truncated, longer than 15 bytes, or not one of the
 * instructions x86_emulate executes). Never reads past `len`.
 */
int x86_decode(const u8 *insn, unsigned int len, u8 code_bytes,
	       struct x86_insn *out);

/*
 * The instructions that read or write a control register, as the CR
 * intercepts see them (no decode assists: the CPU does not say which
 * register or GPR): MOV to/from CRn (0F 22 /r, 0F 20 /r), CLTS (0F 06),
 * LMSW (0F 01 /6) and SMSW (0F 01 /4), SDM vol. 2B / APM vol. 3.
 */
enum x86_cr_kind {
	X86_CR_MOV_TO,    /* MOV CRn, r: write */
	X86_CR_MOV_FROM,  /* MOV r, CRn: read */
	X86_CR_CLTS,      /* CR0.TS = 0 */
	X86_CR_LMSW,      /* CR0[3:0] from a 16-bit operand (PE only set) */
	X86_CR_SMSW,      /* CR0[15:0] (or all of it to a 32/64-bit register) */
};

struct x86_cr_insn {
	enum x86_cr_kind kind;
	u8 cr;            /* CRn (REX.R included: 8 is CR8); 0 for the rest */
	bool lock_cr8;    /* LOCK MOV CR0: CR8 on CPUs with AltMovCr8 */
	u8 gpr;           /* the register operand (ModRM.rm with REX.B) */
	bool has_mem;     /* LMSW/SMSW with a memory operand: see insn */
	u8 len;           /* length in bytes, prefixes included */
	struct x86_insn insn; /* the raw decode: op_bytes, ModRM, address */
};

/*
 * Decode one of those (`len` bytes valid): X86_EMU_OK, or
 * X86_EMU_UNHANDLED for anything else, truncated or too long. MOV CRn
 * ignores ModRM.mod and its operand is 64 bits in 64-bit mode, 32 bits
 * otherwise. Whether CRn exists (#UD) is the caller's business.
 */
int x86_decode_cr(const u8 *insn, unsigned int len, u8 code_bytes,
		  struct x86_cr_insn *out);

/* The effective address (offset in the segment) of the ModRM/moffs memory
 * operand, wrapped to the address size; RIP-relative uses cpu->rip as the
 * address of the instruction. */
u64 x86_insn_ea(const struct x86_insn *d, const struct x86_emu_cpu *cpu);

/* Segment base + offset: the linear address the callbacks get. In 64-bit
 * mode ES/CS/SS/DS have base 0 (SDM vol. 1, 3.4.2.1); outside it the linear
 * address space is 32 bits wide. */
u64 x86_linear(const struct x86_emu_cpu *cpu, enum x86_seg seg, u64 ea);

/*
 * Decode and execute ONE instruction whose bytes (up to 15, `len` valid) are
 * given. All-or-nothing: on anything but X86_EMU_OK, *cpu is unchanged.
 * REP string instructions do ONE iteration per call: RSI/RDI/RCX are
 * updated, and RIP advances only when the count reaches zero (or a REPE/
 * REPNE condition ends the loop), so the guest re-executes the instruction
 * for the next element; a REP with a zero count just advances RIP.
 */
int x86_emulate(struct x86_emu_cpu *cpu, const u8 *insn, unsigned int len,
		const struct x86_emu_ops *ops, void *ctx);

#endif /* VMM_KMOD_X86_EMULATE_H */
