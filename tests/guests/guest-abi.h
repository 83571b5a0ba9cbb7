/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What each guest payload does, as numbers both sides agree on: ports,
 * values, addresses.  Included by the payloads (tests/guests/NAME.S) and by the
 * test programs, so this header holds #defines only.
 *
 * Addresses of labels inside the payloads (where an OUT or a HLT sits) come
 * from the generated guest-symbols.h: every global symbol of a payload
 * becomes GUEST_SYM_<name>.
 */
#ifndef KT_GUEST_ABI_H
#define KT_GUEST_ABI_H

#include "guest-layout.h"

#ifdef __ASSEMBLER__
#define KT_U64(x) x
#else
#define KT_U64(x) x##ULL
#endif

/* rm_io.S: real mode, OUT byte/word/dword, IN word, OUT (3 * in + 7). */
#define RM_IO_PORT_BYTE		0x80
#define RM_IO_PORT_WORD		0x1234
#define RM_IO_PORT_DWORD	0x5678
#define RM_IO_PORT_IN		0x71
#define RM_IO_PORT_RESULT	0x72
#define RM_IO_BYTE		0xa5
#define RM_IO_WORD		0xbeef
#define RM_IO_DWORD		0xdeadbeef

/* pm_io.S: 32-bit protected mode; reloads CS/DS/ES/SS from the GDT, OUT
 * dword and word, IN dword, OUT ((in rotated left by 8) ^ PM_IO_XOR). */
#define PM_IO_PORT_DWORD	0x40
#define PM_IO_PORT_WORD		0x41
#define PM_IO_PORT_IN		0x4242
#define PM_IO_PORT_RESULT	0x43
#define PM_IO_DWORD		0xcafef00d
#define PM_IO_WORD		0x1357
#define PM_IO_XOR		0x0f0f0f0f

/* lm_io.S: 64-bit mode; OUT dword, IN dword, OUT (in + LM_IO_ADD), then
 * loads LM_REG_VALUE(n) into every GPR (n in struct kvm_regs order: rax rbx
 * rcx rdx rsi rdi rsp rbp r8..r15) and halts. */
#define LM_IO_PORT_DWORD	0x50
#define LM_IO_PORT_IN		0x51
#define LM_IO_PORT_RESULT	0x52
#define LM_IO_DWORD		0x89abcdef
#define LM_IO_ADD		0x11111111
#define LM_REG_VALUE(n) \
	(KT_U64(0x0f1e2d3c4b5a6978) + (n) * KT_U64(0x0101010101010101))

/* regs_echo.S: 64-bit mode; OUT eax, store all GPRs and RFLAGS (struct
 * kvm_regs order, RIP left out) at REGS_DUMP_GPA, OUT, then NOT every GPR,
 * CMC, HLT. */
#define REGS_PORT_RAX		0x60
#define REGS_PORT_DUMPED	0x61
#define REGS_DUMP_GPA		KT_DATA_GPA

/* two_slots.S: 64-bit mode; sums the dwords of slot 1 (OUT the 32-bit sum),
 * then writes (address ^ TWO_SLOTS_XOR) as every dword of slot 1 and of
 * the slot-0 area, OUT TWO_SLOTS_DONE_VALUE, HLT. */
#define TWO_SLOTS_SLOT1_GPA	KT_U64(0x100000000)	/* 4 GiB */
#define TWO_SLOTS_SLOT1_SIZE	0x10000			/* 16 pages */
#define TWO_SLOTS_SLOT0_GPA	0x40000
#define TWO_SLOTS_SLOT0_SIZE	0x4000			/* 4 pages */
#define TWO_SLOTS_XOR		0x5a5aa5a5
#define TWO_SLOTS_PORT_SUM	0x30
#define TWO_SLOTS_PORT_DONE	0x31
#define TWO_SLOTS_DONE_VALUE	0xd0

/* mmio.S: 32-bit mode; reads a dword from MMIO_GPA (no memslot there), OUTs
 * it, writes MMIO_WRITE_VALUE to MMIO_GPA + 0x10, HLT. */
#define MMIO_GPA		0xc0000000
#define MMIO_WRITE_OFFSET	0x10
#define MMIO_WRITE_VALUE	0x600dcafe
#define MMIO_PORT_READ_VALUE	0x70

/* touch_pages.S: real mode; writes byte TOUCH_FIRST_VALUE + i at
 * i * 4 KiB + TOUCH_OFFSET for i < TOUCH_PAGES (all of a 64 KiB slot). */
#define TOUCH_PAGES		16
#define TOUCH_OFFSET		0xf00
#define TOUCH_FIRST_VALUE	0x60

/* smp.S: real mode, two entry points (smp_vcpu0, smp_vcpu1); each OUTs its
 * counter 0..SMP_ITERATIONS-1 to its port, increments the shared word at
 * SMP_COUNTER_GPA with a locked add each time, and halts. */
#define SMP_PORT_VCPU0		0x90
#define SMP_PORT_VCPU1		0x91
#define SMP_ITERATIONS		500
#define SMP_COUNTER_GPA		KT_DATA_GPA

/* pio_loop.S: real mode; OUT %al to PIO_LOOP_PORT forever. */
#define PIO_LOOP_PORT		0x3f0

/* hello.S: real mode; writes "Hello from a guest on <name>!\n" to HELLO_PORT
 * byte by byte, <name> being the NUL-terminated string at HELLO_NAME_GPA. */
#define HELLO_PORT		0xe9
#define HELLO_NAME_GPA		KT_DATA_GPA
#define HELLO_NAME_MAX		256

/* slot_reader.S: 32-bit mode; reads the dword at SLOT_READER_GPA (slot 1)
 * in a loop, counting reads in EBX; never exits by itself. */
#define SLOT_READER_GPA		0x200000
#define SLOT_READER_SLOT_SIZE	0x10000

#endif
