// SPDX-License-Identifier: GPL-2.0
/*
 * The fixed ACPI tables and SeaBIOS's linker/loader script
 * (acpi_tables.h). References: ACPI 6.4 §5.2 (RSDP 5.2.5, header 5.2.6,
 * RSDT 5.2.7, XSDT 5.2.8, FADT 5.2.9, FACS 5.2.10, GAS 5.2.3.2); the
 * loader's command layout is SeaBIOS's src/fw/romfile_loader.h.
 *
 * "etc/acpi/tables" is one blob, 64-byte aligned (the FACS must be):
 * FACS, DSDT, FADT, RSDT, XSDT. "etc/acpi/rsdp" goes to the F segment.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "devmodel/acpi/acpi_tables.h"

#define OEM_ID "VMM   "		/* 6 bytes */
#define OEM_TABLE_ID "VMMPC   "	/* 8 bytes */
#define CREATOR_ID "VMM "	/* 4 bytes */

/* Generic Address Structure (ACPI 6.4 §5.2.3.2). */
#define GAS_SIZE 12
#define GAS_SYSTEM_IO 1
#define GAS_ACCESS_BYTE 1

/* FADT flags (ACPI 6.4 table 5.10). */
#define FADT_F_WBINVD (1u << 0)
#define FADT_F_PROC_C1 (1u << 2)
#define FADT_F_SLP_BUTTON (1u << 5)	/* 1: no fixed sleep button */
#define FADT_F_RESET_REG_SUP (1u << 10)
/* IA-PC boot architecture flags (table 5.11). */
#define IAPC_LEGACY_DEVICES (1u << 0)
#define IAPC_8042 (1u << 1)

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

uint8_t acpi_checksum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	while (len--)
		sum += *p++;
	return sum;
}

static void put_header(uint8_t *t, const char sig[4], uint32_t len, uint8_t rev)
{
	memcpy(t, sig, 4);
	put32(t + ACPI_HEADER_LENGTH, len);
	t[8] = rev;
	t[ACPI_HEADER_CHECKSUM] = 0; /* the loader's ADD_CHECKSUM sets it */
	memcpy(t + 10, OEM_ID, 6);
	memcpy(t + 16, OEM_TABLE_ID, 8);
	put32(t + 24, 1);		/* OEM revision */
	memcpy(t + 28, CREATOR_ID, 4);
	put32(t + 32, 1);		/* creator revision */
}

static void put_gas_io(uint8_t *g, unsigned bits, uint8_t access, uint16_t port)
{
	g[0] = GAS_SYSTEM_IO;
	g[1] = (uint8_t)bits;
	g[2] = 0;		/* bit offset */
	g[3] = access;		/* 0: as wide as the register */
	put64(g + 4, port);
}

/* ---- the loader script ---- */

struct loader {
	uint8_t *buf;
	size_t len, cap;
	bool failed;
};

static uint8_t *loader_entry(struct loader *l, uint32_t command)
{
	uint8_t *e;

	if (l->len + ACPI_LOADER_ENTRY_SIZE > l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16 * ACPI_LOADER_ENTRY_SIZE;
		uint8_t *buf = realloc(l->buf, cap);

		if (!buf) {
			l->failed = true;
			return NULL;
		}
		l->buf = buf;
		l->cap = cap;
	}
	e = l->buf + l->len;
	l->len += ACPI_LOADER_ENTRY_SIZE;
	memset(e, 0, ACPI_LOADER_ENTRY_SIZE);
	put32(e, command);
	return e;
}

/* Names are shorter than ACPI_LOADER_FILESZ: the NUL stays. */
static void loader_allocate(struct loader *l, const char *file, uint32_t align,
			    uint8_t zone)
{
	uint8_t *e = loader_entry(l, ACPI_LOADER_ALLOCATE);

	if (!e)
		return;
	strncpy((char *)e + 4, file, ACPI_LOADER_FILESZ - 1);
	put32(e + 4 + ACPI_LOADER_FILESZ, align);
	e[4 + ACPI_LOADER_FILESZ + 4] = zone;
}

/* dest_file[offset .. offset + size) += the guest address of src_file. */
static void loader_add_pointer(struct loader *l, const char *dest,
			       const char *src, uint32_t offset, uint8_t size)
{
	uint8_t *e = loader_entry(l, ACPI_LOADER_ADD_POINTER);

	if (!e)
		return;
	strncpy((char *)e + 4, dest, ACPI_LOADER_FILESZ - 1);
	strncpy((char *)e + 4 + ACPI_LOADER_FILESZ, src, ACPI_LOADER_FILESZ - 1);
	put32(e + 4 + 2 * ACPI_LOADER_FILESZ, offset);
	e[4 + 2 * ACPI_LOADER_FILESZ + 4] = size;
}

/* file[offset] -= sum of file[start .. start + length). */
static void loader_add_checksum(struct loader *l, const char *file,
				uint32_t offset, uint32_t start, uint32_t length)
{
	uint8_t *e = loader_entry(l, ACPI_LOADER_ADD_CHECKSUM);

	if (!e)
		return;
	strncpy((char *)e + 4, file, ACPI_LOADER_FILESZ - 1);
	put32(e + 4 + ACPI_LOADER_FILESZ, offset);
	put32(e + 8 + ACPI_LOADER_FILESZ, start);
	put32(e + 12 + ACPI_LOADER_FILESZ, length);
}

/* A table in "etc/acpi/tables": its checksum over its length. */
static void loader_table_checksum(struct loader *l, size_t off, size_t len)
{
	loader_add_checksum(l, ACPI_TABLES_FILE, (uint32_t)(off + ACPI_HEADER_CHECKSUM),
			    (uint32_t)off, (uint32_t)len);
}

/* A pointer field at `field` in tables to the table at `target` there. */
static void table_pointer(struct loader *l, uint8_t *tables, size_t field,
			  size_t target, uint8_t size)
{
	if (size == 8)
		put64(tables + field, target);
	else
		put32(tables + field, (uint32_t)target);
	loader_add_pointer(l, ACPI_TABLES_FILE, ACPI_TABLES_FILE, (uint32_t)field, size);
}

/* ---- the tables ---- */

static void build_facs(uint8_t *t)
{
	memcpy(t, "FACS", 4);
	put32(t + 4, ACPI_FACS_SIZE);
	/* Hardware signature, waking vectors, global lock, flags: 0. */
	t[32] = 1; /* version (ACPI 2.0's layout) */
}

static void build_fadt(uint8_t *t, const struct acpi_platform *p)
{
	uint16_t pm = p->pm_base;

	put_header(t, "FACP", ACPI_FADT_SIZE, 3);
	/* FIRMWARE_CTRL and DSDT: pointers, set by the caller. */
	t[45] = 0;			/* preferred PM profile: unspecified */
	put16(t + FADT_SCI_INT, p->sci_irq);
	/* SMI_CMD 0: no SMM, the hardware is in ACPI mode from reset
	 * (ACPI_ENABLE/DISABLE, S4BIOS_REQ, PSTATE_CNT 0). */
	put32(t + FADT_PM1A_EVT_BLK, pm + 0x00);
	put32(t + FADT_PM1A_CNT_BLK, pm + 0x04);
	put32(t + FADT_PM_TMR_BLK, pm + 0x08);
	put32(t + FADT_GPE0_BLK, pm + 0x0c);
	t[88] = 4;			/* PM1_EVT_LEN */
	t[89] = 2;			/* PM1_CNT_LEN */
	t[91] = 4;			/* PM_TMR_LEN */
	t[92] = 4;			/* GPE0_BLK_LEN */
	/* No C2/C3 (latencies above 100/1000 us say so), no CST_CNT. */
	put16(t + 96, 0x0fff);
	put16(t + 98, 0x0fff);
	t[108] = p->rtc_century;
	put16(t + 109, IAPC_LEGACY_DEVICES | IAPC_8042);
	/* PWR_BUTTON clear: the fixed-feature power button is there. */
	put32(t + FADT_FLAGS, FADT_F_WBINVD | FADT_F_PROC_C1 | FADT_F_SLP_BUTTON |
			      FADT_F_RESET_REG_SUP);
	put_gas_io(t + FADT_RESET_REG, 8, GAS_ACCESS_BYTE, p->reset_port);
	t[FADT_RESET_VALUE] = p->reset_value;
	/* X_FIRMWARE_CTRL stays 0 (FIRMWARE_CTRL is set); X_DSDT as DSDT.
	 * The extended blocks repeat the 32-bit ones with their widths. */
	put_gas_io(t + 148, 32, 0, pm + 0x00);	/* X_PM1a_EVT_BLK */
	put_gas_io(t + 172, 16, 0, pm + 0x04);	/* X_PM1a_CNT_BLK */
	put_gas_io(t + 208, 32, 0, pm + 0x08);	/* X_PM_TMR_BLK */
	put_gas_io(t + 220, 32, 0, pm + 0x0c);	/* X_GPE0_BLK */
}

static size_t align_up(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

void acpi_blobs_free(struct acpi_blobs *b)
{
	free(b->tables);
	free(b->rsdp);
	free(b->loader);
	memset(b, 0, sizeof(*b));
}

int acpi_build_tables(const struct acpi_platform *p, struct acpi_blobs *out)
{
	struct loader l = { 0 };
	uint8_t *t, *rsdp;
	size_t len;

	memset(out, 0, sizeof(*out));
	if (!p->dsdt || p->dsdt_len < ACPI_HEADER_SIZE ||
	    memcmp(p->dsdt, "DSDT", 4) ||
	    (p->dsdt[4] | p->dsdt[5] << 8 | p->dsdt[6] << 16 |
	     (uint32_t)p->dsdt[7] << 24) != p->dsdt_len)
		return -EINVAL;

	out->facs_off = 0;
	out->dsdt_off = ACPI_FACS_SIZE;
	out->fadt_off = align_up(out->dsdt_off + p->dsdt_len, 8);
	out->rsdt_off = out->fadt_off + ACPI_FADT_SIZE;
	out->xsdt_off = align_up(out->rsdt_off + ACPI_HEADER_SIZE + 4, 8);
	len = out->xsdt_off + ACPI_HEADER_SIZE + 8;
	t = calloc(1, len);
	rsdp = calloc(1, ACPI_RSDP_SIZE);
	if (!t || !rsdp) {
		free(t);
		free(rsdp);
		return -ENOMEM;
	}

	loader_allocate(&l, ACPI_RSDP_FILE, 16, ACPI_LOADER_ZONE_FSEG);
	loader_allocate(&l, ACPI_TABLES_FILE, 64, ACPI_LOADER_ZONE_HIGH);

	build_facs(t + out->facs_off);

	memcpy(t + out->dsdt_off, p->dsdt, p->dsdt_len);
	loader_table_checksum(&l, out->dsdt_off, p->dsdt_len);

	build_fadt(t + out->fadt_off, p);
	table_pointer(&l, t, out->fadt_off + FADT_FIRMWARE_CTRL, out->facs_off, 4);
	table_pointer(&l, t, out->fadt_off + FADT_DSDT, out->dsdt_off, 4);
	table_pointer(&l, t, out->fadt_off + FADT_X_DSDT, out->dsdt_off, 8);
	loader_table_checksum(&l, out->fadt_off, ACPI_FADT_SIZE);

	put_header(t + out->rsdt_off, "RSDT", ACPI_HEADER_SIZE + 4, 1);
	table_pointer(&l, t, out->rsdt_off + ACPI_HEADER_SIZE, out->fadt_off, 4);
	loader_table_checksum(&l, out->rsdt_off, ACPI_HEADER_SIZE + 4);

	put_header(t + out->xsdt_off, "XSDT", ACPI_HEADER_SIZE + 8, 1);
	table_pointer(&l, t, out->xsdt_off + ACPI_HEADER_SIZE, out->fadt_off, 8);
	loader_table_checksum(&l, out->xsdt_off, ACPI_HEADER_SIZE + 8);

	/* RSDP (§5.2.5.3): the checksum covers the first 20 bytes (ACPI
	 * 1.0's structure), the extended checksum all 36. */
	memcpy(rsdp, "RSD PTR ", 8);
	memcpy(rsdp + 9, OEM_ID, 6);
	rsdp[15] = 2;
	put32(rsdp + RSDP_RSDT, (uint32_t)out->rsdt_off);
	put32(rsdp + RSDP_LENGTH, ACPI_RSDP_SIZE);
	put64(rsdp + RSDP_XSDT, out->xsdt_off);
	loader_add_pointer(&l, ACPI_RSDP_FILE, ACPI_TABLES_FILE, RSDP_RSDT, 4);
	loader_add_pointer(&l, ACPI_RSDP_FILE, ACPI_TABLES_FILE, RSDP_XSDT, 8);
	loader_add_checksum(&l, ACPI_RSDP_FILE, RSDP_CHECKSUM, 0, 20);
	loader_add_checksum(&l, ACPI_RSDP_FILE, RSDP_EXT_CHECKSUM, 0, ACPI_RSDP_SIZE);

	if (l.failed) {
		free(l.buf);
		free(t);
		free(rsdp);
		return -ENOMEM;
	}
	out->tables = t;
	out->tables_len = len;
	out->rsdp = rsdp;
	out->rsdp_len = ACPI_RSDP_SIZE;
	out->loader = l.buf;
	out->loader_len = l.len;
	return 0;
}
