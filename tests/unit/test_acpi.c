// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the ACPI table builder (devmodel/acpi/acpi_tables.c) on the
 * real DSDT (build/acpi/dsdt.aml, vmm/acpi_dsdt.c): the loader script is
 * run the way SeaBIOS's romfile_loader.c runs it, into a fake guest memory
 * with the RSDP in the F segment and the tables high; then every table is
 * found from the RSDP as an OS finds it (RSDP -> RSDT/XSDT -> FADT -> DSDT,
 * FACS), checksummed, and disassembled back with iasl -d.
 */
#define _GNU_SOURCE /* memmem */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "devmodel/acpi/acpi_tables.h"
#include "vmm/acpi_dsdt.h"

/* Fake guest memory: 1 MiB from 0, F segment at 0xF0000, "high" at
 * 0x80000 (below the F segment; what matters is distinct addresses). */
#define MEM_SIZE 0x100000
#define FSEG_BASE 0xf0000
#define HIGH_BASE 0x80000

static uint8_t mem[MEM_SIZE];

struct loaded {
	char name[ACPI_LOADER_FILESZ];
	uint32_t addr, size;
};

static const struct acpi_platform platform = {
	.pm_base = 0x600, .sci_irq = 9, .reset_port = 0xcf9, .reset_value = 6,
	.rtc_century = 0x32,
};

static uint32_t get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

static struct loaded *find(struct loaded *files, unsigned n, const char *name)
{
	for (unsigned i = 0; i < n; i++)
		if (!strcmp(files[i].name, name))
			return &files[i];
	fail_msg("loader names unknown file %s", name);
	return NULL;
}

/* SeaBIOS's romfile_loader_execute, checked strictly: every command well
 * formed, every file allocated before use. Returns the RSDP's address. */
static uint32_t run_loader(const struct acpi_blobs *b)
{
	struct loaded files[4];
	unsigned nfiles = 0;
	uint32_t fseg = FSEG_BASE, high = HIGH_BASE, rsdp = 0;

	memset(mem, 0, sizeof(mem));
	assert_int_equal(b->loader_len % ACPI_LOADER_ENTRY_SIZE, 0);
	for (size_t off = 0; off < b->loader_len; off += ACPI_LOADER_ENTRY_SIZE) {
		const uint8_t *e = b->loader + off;
		const char *f1 = (const char *)e + 4;
		const char *f2 = f1 + ACPI_LOADER_FILESZ;

		assert_int_equal(f1[ACPI_LOADER_FILESZ - 1], 0);
		switch (get32(e)) {
		case ACPI_LOADER_ALLOCATE: {
			uint32_t align = get32(e + 4 + ACPI_LOADER_FILESZ);
			uint8_t zone = e[8 + ACPI_LOADER_FILESZ];
			const uint8_t *data;
			size_t size;
			uint32_t *at;

			assert_true(align && !(align & (align - 1)));
			assert_true(nfiles < 4);
			if (!strcmp(f1, ACPI_TABLES_FILE)) {
				data = b->tables;
				size = b->tables_len;
			} else if (!strcmp(f1, ACPI_RSDP_FILE)) {
				data = b->rsdp;
				size = b->rsdp_len;
			} else {
				fail_msg("allocate of unknown file %s", f1);
				return 0;
			}
			assert_true(zone == ACPI_LOADER_ZONE_HIGH || zone == ACPI_LOADER_ZONE_FSEG);
			at = zone == ACPI_LOADER_ZONE_FSEG ? &fseg : &high;
			*at = (*at + align - 1) & ~(align - 1);
			assert_true(*at + size <= (zone == ACPI_LOADER_ZONE_FSEG ? MEM_SIZE : FSEG_BASE));
			memcpy(mem + *at, data, size);
			strcpy(files[nfiles].name, f1);
			files[nfiles].addr = *at;
			files[nfiles].size = (uint32_t)size;
			if (zone == ACPI_LOADER_ZONE_FSEG)
				rsdp = *at;
			*at += (uint32_t)size;
			nfiles++;
			break;
		}
		case ACPI_LOADER_ADD_POINTER: {
			struct loaded *dst = find(files, nfiles, f1);
			struct loaded *src = find(files, nfiles, f2);
			uint32_t poff = get32(e + 4 + 2 * ACPI_LOADER_FILESZ);
			uint8_t size = e[8 + 2 * ACPI_LOADER_FILESZ];
			uint64_t v = 0;

			assert_int_equal(f2[ACPI_LOADER_FILESZ - 1], 0);
			assert_true(size == 1 || size == 2 || size == 4 || size == 8);
			assert_true(poff + size <= dst->size);
			memcpy(&v, mem + dst->addr + poff, size);
			/* the value is an offset into the source file */
			assert_true(v < src->size);
			v += src->addr;
			memcpy(mem + dst->addr + poff, &v, size);
			break;
		}
		case ACPI_LOADER_ADD_CHECKSUM: {
			struct loaded *file = find(files, nfiles, f1);
			uint32_t coff = get32(e + 4 + ACPI_LOADER_FILESZ);
			uint32_t start = get32(e + 8 + ACPI_LOADER_FILESZ);
			uint32_t len = get32(e + 12 + ACPI_LOADER_FILESZ);

			assert_true(coff < file->size);
			assert_true(start + len <= file->size && start + len >= start);
			mem[file->addr + coff] -= acpi_checksum(mem + file->addr + start, len);
			break;
		}
		default:
			fail_msg("unknown loader command %u", get32(e));
		}
	}
	assert_int_equal(nfiles, 2);
	return rsdp;
}

/* A table at addr: signature, length within memory, checksum 0. */
static const uint8_t *table_at(uint64_t addr, const char *sig)
{
	const uint8_t *t;
	uint32_t len;

	assert_true(addr && addr + ACPI_HEADER_SIZE <= MEM_SIZE);
	t = mem + addr;
	assert_memory_equal(t, sig, 4);
	len = get32(t + ACPI_HEADER_LENGTH);
	assert_true(len >= ACPI_HEADER_SIZE && addr + len <= MEM_SIZE);
	assert_int_equal(acpi_checksum(t, len), 0);
	return t;
}

static struct acpi_blobs build(void)
{
	struct acpi_platform p = platform;
	struct acpi_blobs b;

	p.dsdt = acpi_dsdt_aml;
	p.dsdt_len = acpi_dsdt_aml_len();
	assert_int_equal(acpi_build_tables(&p, &b), 0);
	return b;
}

static void test_rsdp_to_dsdt(void **state)
{
	struct acpi_blobs b = build();
	uint32_t rsdp_addr = run_loader(&b);
	const uint8_t *rsdp, *rsdt, *xsdt, *fadt, *dsdt, *facs;
	uint32_t facs_addr;

	(void)state;
	/* the RSDP: in the F segment, 16-byte aligned, both checksums */
	assert_true(rsdp_addr >= 0xe0000 && rsdp_addr + ACPI_RSDP_SIZE <= 0x100000);
	assert_int_equal(rsdp_addr % 16, 0);
	rsdp = mem + rsdp_addr;
	assert_memory_equal(rsdp, "RSD PTR ", 8);
	assert_int_equal(acpi_checksum(rsdp, 20), 0);
	assert_int_equal(rsdp[15], 2);
	assert_int_equal(get32(rsdp + RSDP_LENGTH), ACPI_RSDP_SIZE);
	assert_int_equal(acpi_checksum(rsdp, ACPI_RSDP_SIZE), 0);

	/* RSDT and XSDT: one entry each, the same FADT */
	rsdt = table_at(get32(rsdp + RSDP_RSDT), "RSDT");
	xsdt = table_at(get64(rsdp + RSDP_XSDT), "XSDT");
	assert_int_equal(get32(rsdt + ACPI_HEADER_LENGTH), ACPI_HEADER_SIZE + 4);
	assert_int_equal(get32(xsdt + ACPI_HEADER_LENGTH), ACPI_HEADER_SIZE + 8);
	assert_int_equal(get32(rsdt + ACPI_HEADER_SIZE), get64(xsdt + ACPI_HEADER_SIZE));

	/* the FADT: ACPI 2.0 layout, the PIIX4 PM ports at 0x600 */
	fadt = table_at(get32(rsdt + ACPI_HEADER_SIZE), "FACP");
	assert_int_equal(get32(fadt + ACPI_HEADER_LENGTH), ACPI_FADT_SIZE);
	assert_int_equal(fadt[8], 3);
	assert_int_equal(fadt[FADT_SCI_INT] | fadt[FADT_SCI_INT + 1] << 8, 9);
	assert_int_equal(get32(fadt + 48), 0);	/* SMI_CMD: no SMM */
	assert_int_equal(get32(fadt + FADT_PM1A_EVT_BLK), 0x600);
	assert_int_equal(get32(fadt + FADT_PM1A_CNT_BLK), 0x604);
	assert_int_equal(get32(fadt + FADT_PM_TMR_BLK), 0x608);
	assert_int_equal(get32(fadt + FADT_GPE0_BLK), 0x60c);
	assert_int_equal(fadt[88], 4);
	assert_int_equal(fadt[89], 2);
	assert_int_equal(fadt[91], 4);
	assert_int_equal(fadt[92], 4);
	/* fixed power button (PWR_BUTTON clear), reset register supported */
	assert_int_equal(get32(fadt + FADT_FLAGS) & (1u << 4), 0);
	assert_int_equal(get32(fadt + FADT_FLAGS) & (1u << 10), 1u << 10);
	/* RESET_REG: system I/O, 8 bits, byte access, port 0xCF9, value 6
	 * (SeaBIOS's acpi_set_reset_reg wants width 8, offset 0) */
	assert_int_equal(fadt[FADT_RESET_REG], 1);
	assert_int_equal(fadt[FADT_RESET_REG + 1], 8);
	assert_int_equal(fadt[FADT_RESET_REG + 2], 0);
	assert_int_equal(get64(fadt + FADT_RESET_REG + 4), 0xcf9);
	assert_int_equal(fadt[FADT_RESET_VALUE], 6);
	/* X_PM_TMR_BLK: 32 bits at 0x608, as PM_TMR_BLK/PM_TMR_LEN */
	assert_int_equal(fadt[208], 1);
	assert_int_equal(fadt[209], 32);
	assert_int_equal(get64(fadt + 212), 0x608);

	/* DSDT and X_DSDT the same table, the compiled AML unchanged */
	assert_int_equal(get32(fadt + FADT_DSDT), get64(fadt + FADT_X_DSDT));
	dsdt = table_at(get32(fadt + FADT_DSDT), "DSDT");
	assert_int_equal(get32(dsdt + ACPI_HEADER_LENGTH), acpi_dsdt_aml_len());
	assert_memory_equal(dsdt, acpi_dsdt_aml, acpi_dsdt_aml_len());

	/* FACS: 64-byte aligned, no checksum, length 64 */
	facs_addr = get32(fadt + FADT_FIRMWARE_CTRL);
	assert_int_equal(facs_addr % 64, 0);
	facs = mem + facs_addr;
	assert_memory_equal(facs, "FACS", 4);
	assert_int_equal(get32(facs + 4), ACPI_FACS_SIZE);
	assert_int_equal(get64(fadt + 132), 0); /* X_FIRMWARE_CTRL unused */

	/* no MADT anywhere: the machine has no APIC */
	assert_null(memmem(mem, sizeof(mem), "APIC", 4));
	acpi_blobs_free(&b);
}

static void test_bad_dsdt(void **state)
{
	struct acpi_platform p = platform;
	struct acpi_blobs b;
	uint8_t short_aml[ACPI_HEADER_SIZE];

	(void)state;
	p.dsdt = NULL;
	assert_int_equal(acpi_build_tables(&p, &b), -22);
	memcpy(short_aml, acpi_dsdt_aml, sizeof(short_aml));
	p.dsdt = short_aml;
	p.dsdt_len = sizeof(short_aml); /* its header says longer */
	assert_int_equal(acpi_build_tables(&p, &b), -22);
	{
		uint8_t *copy = malloc(acpi_dsdt_aml_len());

		assert_non_null(copy);
		memcpy(copy, acpi_dsdt_aml, acpi_dsdt_aml_len());
		memcpy(copy, "SSDT", 4); /* not a DSDT */
		p.dsdt = copy;
		p.dsdt_len = acpi_dsdt_aml_len();
		assert_int_equal(acpi_build_tables(&p, &b), -22);
		free(copy);
	}
}

/* Write one table out and have iasl disassemble it: the file iasl writes
 * must name the table's signature. */
static void disassemble(const char *dir, const char *name, const uint8_t *t,
			size_t len, const char *expect)
{
	char path[512], cmd[1200], dsl[600];
	FILE *f;
	char *text;
	long n;

	snprintf(path, sizeof(path), "%s/%s.dat", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(t, 1, len, f), len);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "cd %s && iasl -d %s.dat >%s.out 2>&1", dir, name, name);
	assert_int_equal(system(cmd), 0);
	snprintf(dsl, sizeof(dsl), "%s/%s.dsl", dir, name);
	f = fopen(dsl, "r");
	assert_non_null(f);
	text = calloc(1, 1 << 20);
	assert_non_null(text);
	n = (long)fread(text, 1, (1 << 20) - 1, f);
	fclose(f);
	assert_true(n > 0);
	if (!strstr(text, expect))
		fail_msg("iasl -d %s: no '%s' in its output", name, expect);
	free(text);
}

static void test_iasl_disassembles(void **state)
{
	struct acpi_blobs b = build();
	uint32_t rsdp_addr = run_loader(&b);
	char dir[] = "/tmp/test-acpi.XXXXXX", cmd[600];
	/* (iasl -d takes no lone RSDP: its checksums are checked above) */
	const uint8_t *rsdp = mem + rsdp_addr;
	const uint8_t *rsdt = mem + get32(rsdp + RSDP_RSDT);
	const uint8_t *xsdt = mem + get64(rsdp + RSDP_XSDT);
	const uint8_t *fadt = mem + get32(rsdt + ACPI_HEADER_SIZE);
	const uint8_t *dsdt = mem + get32(fadt + FADT_DSDT);
	const uint8_t *facs = mem + get32(fadt + FADT_FIRMWARE_CTRL);

	(void)state;
	if (system("command -v iasl >/dev/null") != 0)
		fail_msg("iasl missing: install acpica-tools (make deps)");
	assert_non_null(mkdtemp(dir));
	disassemble(dir, "rsdt", rsdt, get32(rsdt + 4), "RSDT");
	disassemble(dir, "xsdt", xsdt, get32(xsdt + 4), "XSDT");
	disassemble(dir, "facp", fadt, get32(fadt + 4), "PM Timer Block Address : 00000608");
	disassemble(dir, "facs", facs, ACPI_FACS_SIZE, "FACS");
	/* the DSDT back to ASL: the devices are there */
	disassemble(dir, "dsdt", dsdt, get32(dsdt + 4), "EisaId (\"PNP0A03\")");
	disassemble(dir, "dsdt", dsdt, get32(dsdt + 4), "EisaId (\"PNP0303\")");
	disassemble(dir, "dsdt", dsdt, get32(dsdt + 4), "_S5");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	acpi_blobs_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rsdp_to_dsdt),
		cmocka_unit_test(test_bad_dsdt),
		cmocka_unit_test(test_iasl_disassembles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
