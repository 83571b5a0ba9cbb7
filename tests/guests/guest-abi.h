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
/* mem_probe.S: 32-bit protected mode, for mem-test (guest memory follows
 * the VMM's address space).  mem_probe: a command loop; IN (dword) a
 * command from MEM_PORT_CMD and an address from MEM_PORT_ARG, then
 *   MEM_CMD_READ            -> OUT (dword, MEM_PORT_RESULT) the dword there
 *   MEM_CMD_WRITE  value    -> store the dword, OUT MEM_DONE
 *   MEM_CMD_TOUCH  npages   -> write a byte into each of npages pages from
 *                              the address on, OUT MEM_DONE
 * mem_toucher: for ever, over the EDX pages from ESI: read the dword at
 * offset 0 of each page and store the pass number (EBX, from 0) at
 * MEM_TOUCHER_OFFSET; ECX is the page index within the pass.  No exit of
 * its own. */
#define MEM_PORT_CMD		0xa8
#define MEM_PORT_ARG		0xa9
#define MEM_PORT_RESULT		0xaa
#define MEM_CMD_READ		1
#define MEM_CMD_WRITE		2
#define MEM_CMD_TOUCH		3
#define MEM_DONE		0xd09e
#define MEM_TOUCHER_OFFSET	0x800

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

/* coalesced.S: 32-bit mode; writes into a coalesced MMIO zone at
 * COALESCED_GPA (no memslot), OUT 1, 2, 3 to COALESCED_PORT between groups. */
#define COALESCED_GPA		0xc0100000
#define COALESCED_PORT		0x72
#define COALESCED_RUN		300	/* more than a ring holds (169) */
#define COALESCED_VALUE		0x5000
#define COALESCED_LAST_VALUE	0x0badf00d

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

/* mmio_loop.S: real mode; byte writes to MMIO_LOOP_GPA (above the bench's
 * 64 KiB of memory) forever.  cpuid_loop.S: real mode; CPUID_LOOP_COUNT
 * (the dword at CPUID_LOOP_COUNT_GPA) CPUIDs, then OUT to CPUID_LOOP_PORT,
 * forever. */
#define MMIO_LOOP_GPA		0x20000
#define CPUID_LOOP_COUNT_GPA	KT_DATA_GPA
#define CPUID_LOOP_PORT		0x3f1

/* hello.S: real mode; writes "Hello from a guest on <name>!\n" to HELLO_PORT
 * byte by byte, <name> being the NUL-terminated string at HELLO_NAME_GPA. */
#define HELLO_PORT		0xe9
#define HELLO_NAME_GPA		KT_DATA_GPA
#define HELLO_NAME_MAX		256

/* slot_reader.S: 32-bit mode; reads the dword at SLOT_READER_GPA (slot 1)
 * in a loop, counting reads in EBX; never exits by itself. */
#define SLOT_READER_GPA		0x200000
#define SLOT_READER_SLOT_SIZE	0x10000

/* --- exceptions, interrupts, CPU state ------------------------------------
 *
 * guest-idt.h: exception stubs for vectors 0..EXC_STUB_COUNT-1, one every
 * EXC_STUB_STRIDE bytes from <prefix>_exc_stubs (64-bit mode; the test
 * points the IDT gates at them).  The handler of vector v OUTs (dwords) v to
 * EXC_PORT_VECTOR, the error code (0 for vectors without one) to
 * EXC_PORT_ERROR, the low 32 bits of the saved RIP to EXC_PORT_RIP and, for
 * #PF only, the low 32 bits of CR2 to EXC_PORT_CR2; then it IRETs to R15 if
 * R15 is non-zero (and clears R15), else to the saved RIP. */
#define EXC_PORT_VECTOR		0xe0
#define EXC_PORT_ERROR		0xe1
#define EXC_PORT_RIP		0xe2
#define EXC_PORT_CR2		0xe3
#define EXC_STUB_STRIDE		16
#define EXC_STUB_COUNT		32

/* probe.S: 64-bit mode, guest-idt.h handlers; a command loop.  IN (dword)
 * a command from PROBE_PORT_CMD, IN its arguments from PROBE_PORT_ARG, run
 * it, OUT (dword) its results to PROBE_PORT_RESULT:
 *   PROBE_CPUID   leaf, subleaf  ->  eax, ebx, ecx, edx
 *   PROBE_RDMSR   index          ->  low, high
 *   PROBE_WRMSR   index, lo, hi  ->  PROBE_DONE
 *   PROBE_RDTSC                  ->  low, high
 *   PROBE_XGETBV  index          ->  low, high
 *   PROBE_HLT                    ->  (HLT, then the next command)
 * An exception in RDMSR/WRMSR/XGETBV is reported by the exception handler
 * (ports above) and the loop reads the next command; no results. */
#define PROBE_PORT_CMD		0xd0
#define PROBE_PORT_ARG		0xd1
#define PROBE_PORT_RESULT	0xd2
#define PROBE_CPUID		1
#define PROBE_RDMSR		2
#define PROBE_WRMSR		3
#define PROBE_RDTSC		4
#define PROBE_XGETBV		5
#define PROBE_HLT		6
#define PROBE_DONE		0x600d

/* exceptions.S: 64-bit mode, guest-idt.h handlers; raises, in order:
 * #DE (div by 0), #UD (ud2), #BP (int3), #GP(EXC_BAD_SELECTOR) (loading
 * DS with a selector past the GDT limit), #GP(0) (non-canonical read),
 * #PF (read, then write, of EXC_UNMAPPED_GVA, not mapped), then OUTs
 * EXC_DONE_VALUE to EXC_PORT_DONE and halts.  Labels exc_de, exc_ud,
 * exc_bp_next, exc_gp_sel, exc_gp_canon, exc_pf_read, exc_pf_write are the
 * RIPs the handler should report. */
#define EXC_BAD_SELECTOR	0x1230
#define EXC_UNMAPPED_GVA	KT_U64(0x240001234)	/* 9 GiB: past the map */
#define EXC_NONCANONICAL_GVA	KT_U64(0x8000000000000000)
#define EXC_PORT_DONE		0xe4
#define EXC_DONE_VALUE		0xd0e

/* irq.S: 64-bit mode.  CLI, OUT to IRQ_PORT_CLI (irq_cli_out), STI, NOP
 * (irq_sti_shadow), then HLT in a loop (irq_window = irq_loop; irq_after_hlt
 * past the HLT).  Handlers irq_handler_30, irq_handler_31 and irq_handler_nmi
 * (vector IRQ_VECTOR_A, IRQ_VECTOR_B, 2) each OUT (dwords) their vector to
 * IRQ_PORT_ENTER, the low 32 bits of the saved RIP to IRQ_PORT_RIP, their
 * vector to IRQ_PORT_LEAVE, then IRETQ. */
#define IRQ_PORT_CLI		0xc0
#define IRQ_PORT_ENTER		0xc1
#define IRQ_PORT_RIP		0xc2
#define IRQ_PORT_LEAVE		0xc3
#define IRQ_VECTOR_A		0x30
#define IRQ_VECTOR_B		0x31

/* irq_rm.S: real mode; STI, HLT in a loop (irq_rm_loop).  irq_rm_handler
 * OUTs (words) IRQ_RM_MARK to IRQ_PORT_ENTER and the saved IP to
 * IRQ_PORT_RIP, then IRET. */
#define IRQ_RM_MARK		0x5a5a
#define IRQ_RM_VECTOR		0x08

/* fpu.S: 64-bit mode, CR4.OSFXSR set by the test.  First puts x87 and SSE
 * out of their initial state (FPU_FIRST_VALUE in XMM0 and XMM15,
 * FPU_FIRST_FCW in the control word) and halts (fpu_hlt_first).  Then OUTs
 * (dwords) to FPU_PORT: XMM0 bits 0..31, XMM0 bits 32..63, the x87 control
 * word; loads FPU_XMM1_VALUE into XMM1's low quadword, FPU_NEW_FCW into the
 * control word, pushes 1.0 (FLD1) and halts (fpu_hlt). */
#define FPU_PORT		0xb0
#define FPU_SCRATCH_GPA		(KT_DATA_GPA + 0x800)
#define FPU_FIRST_VALUE		KT_U64(0x0f0e0d0c0b0a0908)
#define FPU_FIRST_FCW		0x037e
#define FPU_XMM1_VALUE		KT_U64(0x0123456789abcdef)
#define FPU_NEW_FCW		0x0e7f

/* xsave.S: 64-bit mode with CR4.OSFXSR|OSXSAVE and XCR0 = x87|SSE|AVX set
 * by the test.  OUTs (dwords) to XSAVE_PORT: XMM2 bits 0..31, YMM4 bits
 * 128..159, XCR0 (XGETBV); loads XSAVE_XMM3_VALUE into XMM3's low quadword
 * and XSAVE_YMM6_HI_VALUE into YMM6 bits 128..191; HLT (xsave_hlt).  (No
 * XSETBV: QEMU's TCG does not intercept it for an SVM guest, so it would
 * change the nested host's own XCR0 behind the hypervisor's back.) */
#define XSAVE_PORT		0xb1
#define XSAVE_XMM3_VALUE	KT_U64(0x1122334455667788)
#define XSAVE_YMM6_HI_VALUE	KT_U64(0x99aabbccddeeff00)

/* string_io.S: 64-bit mode; string port I/O on STRIO_PORT, a checkpoint
 * OUT (byte) to STRIO_PORT_CHECK after each step, then HLT:
 *   1. rep outsb, STRIO_OUTSB_COUNT bytes from STRIO_OUT_BUF
 *   2. rep insw, STRIO_INSW_COUNT words to STRIO_IN_BUF (crosses pages)
 *   3. std; rep outsl, STRIO_OUTSL_COUNT dwords, backwards from
 *      STRIO_OUT_BUF + 4 * (STRIO_OUTSL_COUNT - 1)
 *   4. rep insb, STRIO_INSB_COUNT bytes, backwards from STRIO_IN_BUF2_END;
 *      cld
 *   5. outsw (no rep) from STRIO_OUT_BUF
 * The port of step n's data is STRIO_PORT; the checkpoint value is n. */
#define STRIO_PORT		0x3e8
#define STRIO_PORT_CHECK	0xa0
#define STRIO_OUT_BUF		0x20000
#define STRIO_IN_BUF		0x21f00
#define STRIO_IN_BUF2_END	0x24010
#define STRIO_OUTSB_COUNT	100
#define STRIO_INSW_COUNT	700
#define STRIO_OUTSL_COUNT	20
#define STRIO_INSB_COUNT	48

/* string_io_rm.S: real mode, DS = ES = 0; rep outsb STRIO_RM_COUNT bytes
 * from STRIO_RM_OUT_BUF, OUT 1 to STRIO_PORT_CHECK, rep insb STRIO_RM_COUNT
 * bytes to STRIO_RM_IN_BUF, OUT 2, HLT. */
#define STRIO_RM_OUT_BUF	0x4000
#define STRIO_RM_IN_BUF		0x4800
#define STRIO_RM_COUNT		40

/* mmio_emul.S: 64-bit mode; accesses to EMU_MMIO_GPA (no memslot) with
 * many instruction forms, a checkpoint OUT (byte, value n) to
 * EMU_PORT_CHECK after each group; abi-test.c lists them.  EMU_RAM_SRC and
 * EMU_RAM_DST are RAM the string moves use. */
#define EMU_MMIO_GPA		0x10000000
#define EMU_PORT_CHECK		0xa1
#define EMU_RAM_SRC		(KT_DATA_GPA + 0x200)
#define EMU_RAM_DST		(KT_DATA_GPA + 0x300)

/* mmio_pm.S: 32-bit protected mode; the same idea at EMU_PM_MMIO_GPA, then a
 * #UD handled through a 32-bit IDT gate (see the file). */
#define EMU_PM_MMIO_GPA		(MMIO_GPA + 0x100)

/* mmio_rm.S: real mode; the same idea with ES = EMU_RM_MMIO_GPA >> 4 (the
 * test shrinks slot 0 so that nothing backs it). */
#define EMU_RM_MMIO_GPA		0xb0000
#define EMU_RM_SLOT0_SIZE	0x80000

/* rom.S: 64-bit mode; ROM_GPA is a KVM_MEM_READONLY slot the test fills.
 * OUT (dword, ROM_PORT) the dword at ROM_GPA; write ROM_WRITE_VALUE to
 * ROM_GPA + 4; OUT the dword at ROM_GPA + 4; call ROM_GPA +
 * ROM_CODE_OFFSET (code the test put there, returning a value in EAX);
 * OUT EAX; HLT. */
#define ROM_GPA			0x300000
#define ROM_SIZE		0x10000
#define ROM_PORT		0xb2

/* debugregs.S: 64-bit mode, guest-idt.h handlers. OUTs (dwords) to DR_PORT
 * the low halves of DR0-DR3, DR6, DR7 as it finds them; writes
 * DR_GUEST_DR0..DR_GUEST_DR0+3 to DR0-DR3 and OUTs DR_SYNC; reads them back
 * and OUTs them; then single-steps (TF) DR_BP_ROUNDS times, each #DB
 * reported by the handler (dr_db_handler clears TF first); then OUTs
 * DR_DONE and halts. */
#define DR_PORT			0xb3
#define DR_GUEST_DR0		0x7000
#define DR_SYNC			0x5157
#define DR_BP_ROUNDS		200
#define DR_DONE			0xd0e

/* tsc_aux.S: real mode; RDTSCP, OUT (dword) ECX (TSC_AUX) to TSC_AUX_PORT, HLT. */
#define TSC_AUX_PORT		0xb4
#define ROM_WRITE_VALUE		0x0badc0de
#define ROM_CODE_OFFSET		0x100

/* mem_probe.S: 32-bit protected mode, for mem-test (guest memory follows
 * the VMM's address space).  mem_probe: a command loop; IN (dword) a
 * command from MEM_PORT_CMD and an address from MEM_PORT_ARG, then
 *   MEM_CMD_READ            -> OUT (dword, MEM_PORT_RESULT) the dword there
 *   MEM_CMD_WRITE  value    -> store the dword, OUT MEM_DONE
 *   MEM_CMD_TOUCH  npages   -> write a byte into each of npages pages from
 *                              the address on, OUT MEM_DONE
 * mem_toucher: for ever, over the EDX pages from ESI: read the dword at
 * offset 0 of each page and store the pass number (EBX, from 0) at
 * MEM_TOUCHER_OFFSET; ECX is the page index within the pass.  No exit of
 * its own. */
#define MEM_PORT_CMD		0xa8
#define MEM_PORT_ARG		0xa9
#define MEM_PORT_RESULT		0xaa
#define MEM_CMD_READ		1
#define MEM_CMD_WRITE		2
#define MEM_CMD_TOUCH		3
#define MEM_DONE		0xd09e
#define MEM_TOUCHER_OFFSET	0x800

/* cr_rm.S: real mode, intercepted control-register writes. A #GP OUTs
 * CR_GP_MARK on CR_PORT_GP and resumes at the 16-bit address stored at
 * CR_RESUME_GPA; values go out on CR_PORT_VALUE. */
#define CR_PORT_VALUE		0x90
#define CR_PORT_GP		0x91
#define CR_GP_MARK		0x0d0d
#define CR_RESUME_GPA		KT_DATA_GPA
#define CR_MSW_GPA		(KT_DATA_GPA + 0x10)
#define CR_GUEST_PKRU		0xfffffffc	/* all keys but 0 denied */
#define CR_BAD_DONE		0xbadd
#define CR_BAD_STEPS		6

/* dirty_log.S: 32-bit protected mode (flat, no paging), for the dirty-log
 * tests of abi-test.  dirty_writer: a command loop; IN (dword,
 * DIRTY_PORT_CMD) a page address | an operation in the low 12 bits:
 *   DIRTY_OP_WRITE -> store (address ^ DIRTY_XOR) at address + DIRTY_OFFSET
 *   DIRTY_OP_READ  -> load the dword at address + DIRTY_OFFSET
 *   DIRTY_OP_INS   -> INSL from DIRTY_PORT_INS to address + DIRTY_OFFSET (an
 *                     emulated write: the kernel stores the data)
 *   anything else  -> HLT
 * then OUT (dword, DIRTY_PORT_DONE) the value stored or loaded (for INS,
 * the address).  dirty_spinner: for ever, over the EDX pages from ESI,
 * store the pass number (EBX, from 1) at DIRTY_OFFSET of each page.  No
 * exit of its own. */
#define DIRTY_PORT_CMD		0xb5
#define DIRTY_PORT_DONE		0xb6
#define DIRTY_PORT_INS		0xb7
#define DIRTY_OP_WRITE		0
#define DIRTY_OP_READ		1
#define DIRTY_OP_INS		2
#define DIRTY_OP_HALT		3
#define DIRTY_OFFSET		0x40
#define DIRTY_XOR		0x5a5a0000

/* ioeventfd.S: 32-bit protected mode writes for KVM_IOEVENTFD (abi-test),
 * in order: OUT (dword) IOEVENTFD_MATCH to IOEVENTFD_PORT; OUT (dword)
 * IOEVENTFD_MISS there; OUT (word) IOEVENTFD_WORD there; IN (dword) from
 * there; OUT (byte) 0xff to IOEVENTFD_PORT_BYTE; MOV (dword)
 * IOEVENTFD_MATCH, then IOEVENTFD_MISS, to IOEVENTFD_GPA (no memslot);
 * MOV (byte) 0x77 and (word) 0x7788 to IOEVENTFD_GPA + 8; REP OUTSB of
 * IOEVENTFD_STRING_LEN bytes from KT_DATA_GPA to IOEVENTFD_PORT_STRING;
 * OUT (dword) 1 to IOEVENTFD_DONE_PORT; then again OUT (dword)
 * IOEVENTFD_MATCH to IOEVENTFD_PORT and MOV (dword) IOEVENTFD_MATCH to
 * IOEVENTFD_GPA; OUT (dword) 2 to IOEVENTFD_DONE_PORT; HLT. */
#define IOEVENTFD_PORT		0x5f0
#define IOEVENTFD_PORT_BYTE	0x5f4
#define IOEVENTFD_PORT_STRING	0x5f5
#define IOEVENTFD_DONE_PORT	0x5f6
#define IOEVENTFD_GPA		0xc0300000
#define IOEVENTFD_MATCH		0x1eafcafe
#define IOEVENTFD_MISS		0x0badcafe
#define IOEVENTFD_WORD		0xcafe
#define IOEVENTFD_STRING_LEN	5

#endif
