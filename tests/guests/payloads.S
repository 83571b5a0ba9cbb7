/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Links the flat guest binaries (tests/guests/NAME.bin, made from NAME.S)
 * into the test programs as guest_NAME[] .. guest_NAME_end[]; payloads.h
 * declares them.  The binaries are found through the assembler's -I path.
 */
	.section .rodata

.macro	payload name
	.balign	16
	.globl	guest_\name, guest_\name\()_end
guest_\name:
	.incbin	"\name\().bin"
guest_\name\()_end:
.endm

	payload	rm_io
	payload	pm_io
	payload	lm_io
	payload	regs_echo
	payload	two_slots
	payload	triple_fault
	payload	mmio
	payload	spin
	payload	touch_pages
	payload	smp
	payload	slot_reader
	payload	pio_loop
	payload	hello
	payload	probe
	payload	exceptions
	payload	irq
	payload	irq_rm
	payload	fpu
	payload	xsave
	payload	string_io
	payload	string_io_rm
	payload	mmio_emul
	payload	mmio_rm
	payload	rom
	payload	debugregs
	payload	mmio_pm
	payload	fpu_loop
	payload	hostile_lm
	payload	hostile_rm
	payload	mmio_loop
	payload	coalesced
	payload	cpuid_loop
	payload	mem_probe
	payload	cr_rm
	payload	tsc_aux
	payload	dirty_log
	payload	ioeventfd

	.section .note.GNU-stack, "", @progbits
