// SPDX-License-Identifier: GPL-2.0
/*
 * The DSDT's AML (build/acpi/dsdt.aml, made by iasl from bios/acpi/dsdt.asl:
 * see the Makefile) as read-only data of the monitor. The path is relative
 * to the top of the tree, where make runs the compiler.
 */
#include "vmm/acpi_dsdt.h"

__asm__(".section .rodata\n"
	".balign 16\n"
	".globl acpi_dsdt_aml\n"
	"acpi_dsdt_aml:\n"
	".incbin \"build/acpi/dsdt.aml\"\n"
	".globl acpi_dsdt_aml_end\n"
	"acpi_dsdt_aml_end:\n"
	".previous\n");
