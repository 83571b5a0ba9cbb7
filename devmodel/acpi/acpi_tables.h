/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fixed ACPI tables of the PC (RSDP, RSDT, XSDT, FADT, FACS) around a
 * DSDT compiled from bios/acpi/dsdt.asl, and the BIOS linker/loader script
 * that has SeaBIOS place them in guest memory (QEMU's fw_cfg interface:
 * "etc/table-loader", "etc/acpi/tables", "etc/acpi/rsdp"; SeaBIOS
 * src/fw/romfile_loader.c). References: ACPI 6.4 chapter 5.2.
 *
 * No MADT: the machine has no local APIC or I/O APIC (its interrupt
 * controller is the 8259 pair), and a MADT would claim one.
 *
 * The tables hold offsets into "etc/acpi/tables" where pointers go; the
 * loader's ADD_POINTER commands add the blob's guest address, then
 * ADD_CHECKSUM fixes each table's checksum.
 */
#ifndef DEVMODEL_ACPI_TABLES_H
#define DEVMODEL_ACPI_TABLES_H

#include <stddef.h>
#include <stdint.h>

#define ACPI_TABLES_FILE "etc/acpi/tables"
#define ACPI_RSDP_FILE "etc/acpi/rsdp"
#define ACPI_LOADER_FILE "etc/table-loader"

/* The linker/loader script: 128-byte little-endian commands. */
#define ACPI_LOADER_ENTRY_SIZE 128
#define ACPI_LOADER_FILESZ 56
enum {
	ACPI_LOADER_ALLOCATE = 1,
	ACPI_LOADER_ADD_POINTER = 2,
	ACPI_LOADER_ADD_CHECKSUM = 3,
};
enum {
	ACPI_LOADER_ZONE_HIGH = 1,
	ACPI_LOADER_ZONE_FSEG = 2, /* 0xE0000-0xFFFFF, where an OS finds the RSDP */
};

/* The common table header (ACPI 6.4 §5.2.6). */
#define ACPI_HEADER_SIZE 36
#define ACPI_HEADER_LENGTH 4
#define ACPI_HEADER_CHECKSUM 9
#define ACPI_RSDP_SIZE 36	/* revision 2 */
#define ACPI_FADT_SIZE 244	/* revision 3, ACPI 2.0's layout */
#define ACPI_FACS_SIZE 64

/* Field offsets the tests look at (ACPI 6.4 tables 5.3, 5.9). */
#define RSDP_CHECKSUM 8
#define RSDP_RSDT 16
#define RSDP_LENGTH 20
#define RSDP_XSDT 24
#define RSDP_EXT_CHECKSUM 32
#define FADT_FIRMWARE_CTRL 36
#define FADT_DSDT 40
#define FADT_SCI_INT 46
#define FADT_PM1A_EVT_BLK 56
#define FADT_PM1A_CNT_BLK 64
#define FADT_PM_TMR_BLK 76
#define FADT_GPE0_BLK 80
#define FADT_FLAGS 112
#define FADT_RESET_REG 116
#define FADT_RESET_VALUE 128
#define FADT_X_DSDT 140

struct acpi_platform {
	const uint8_t *dsdt;	/* AML with its header */
	size_t dsdt_len;
	uint16_t pm_base;	/* PIIX4 PMBA: the PM1a/timer/GPE0 ports */
	uint8_t sci_irq;
	uint16_t reset_port;	/* FADT RESET_REG (PIIX3 0xCF9) */
	uint8_t reset_value;
	uint8_t rtc_century;	/* CMOS index of the century, 0 = none */
};

struct acpi_blobs {
	uint8_t *tables, *rsdp, *loader;
	size_t tables_len, rsdp_len, loader_len;
	/* Where each table starts in tables (for tests and the log). */
	size_t facs_off, dsdt_off, fadt_off, rsdt_off, xsdt_off;
};

/* 0, -EINVAL (no or malformed DSDT), -ENOMEM. */
int acpi_build_tables(const struct acpi_platform *p, struct acpi_blobs *out);
void acpi_blobs_free(struct acpi_blobs *b);

/* The 8-bit sum of len bytes (0 for a valid table). */
uint8_t acpi_checksum(const uint8_t *p, size_t len);

#endif /* DEVMODEL_ACPI_TABLES_H */
