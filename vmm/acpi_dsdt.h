/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The DSDT's AML, compiled from bios/acpi/dsdt.asl at build time (iasl)
 * and embedded in the monitor (vmm/acpi_dsdt.c).
 */
#ifndef VMM_ACPI_DSDT_H
#define VMM_ACPI_DSDT_H

#include <stdint.h>

extern const uint8_t acpi_dsdt_aml[];
extern const uint8_t acpi_dsdt_aml_end[];

static inline unsigned long acpi_dsdt_aml_len(void)
{
	return (unsigned long)(acpi_dsdt_aml_end - acpi_dsdt_aml);
}

#endif /* VMM_ACPI_DSDT_H */
