// SPDX-License-Identifier: GPL-2.0
/*
 * fw_cfg as SeaBIOS uses it: detection through ports 0x510/0x511, the
 * file directory, reads by selector, and DMA into a small fake guest RAM.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/fixture.h"

#include "devmodel/chipset/fwcfg.h"

#define RAM_SIZE 0x10000
#define DESC_GPA 0x1000
#define BUF_GPA  0x2000

struct fixture {
	struct io_bus *pio;
	struct fake_ram ram;
	struct fwcfg *fw;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	fake_ram_init(&f->ram, RAM_SIZE);
	f->pio = io_bus_new("pio");
	f->fw = fwcfg_create(f->pio, &f->ram.mem);
	assert_non_null(f->fw);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	fwcfg_destroy(f->fw);
	io_bus_free(f->pio);
	fake_ram_free(&f->ram);
	free(f);
	return 0;
}

static void select_key(struct fixture *f, uint16_t key)
{
	port_out16(f->pio, 0x510, key);
}

/* `rep insb` from 0x511, as the monitor runs it: one read per byte. */
static void read_data(struct fixture *f, void *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		((uint8_t *)buf)[i] = port_in8(f->pio, 0x511);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* A FWCfgDmaAccess at DESC_GPA, started as SeaBIOS does: one 32-bit out
 * of the big-endian address to 0x518. Returns the control written back. */
static uint32_t dma(struct fixture *f, uint32_t control, uint32_t length,
		    uint64_t address)
{
	uint8_t *d = f->ram.bytes + DESC_GPA;

	put_be32(d, control);
	put_be32(d + 4, length);
	put_be32(d + 8, address >> 32);
	put_be32(d + 12, address);
	port_out32(f->pio, 0x518, __builtin_bswap32(DESC_GPA));
	return be32(d);
}

static void test_signature_and_past_end(void **state)
{
	struct fixture *f = *state;
	char sig[6];

	select_key(f, FW_CFG_SIGNATURE);
	read_data(f, sig, 6);
	assert_memory_equal(sig, "QEMU\0\0", 6);
	/* Selecting again rewinds. */
	select_key(f, FW_CFG_SIGNATURE);
	read_data(f, sig, 1);
	assert_int_equal(sig[0], 'Q');
}

static void test_id_and_dma_signature(void **state)
{
	struct fixture *f = *state;
	uint8_t id[4];
	uint64_t hi, lo;

	select_key(f, FW_CFG_ID);
	read_data(f, id, 4);
	assert_int_equal(id[0] & 3, 3); /* traditional + DMA */
	assert_true(io_bus_read(f->pio, 0x514, 4, &hi));
	assert_true(io_bus_read(f->pio, 0x518, 4, &lo));
	assert_memory_equal(&hi, "QEMU", 4);
	assert_memory_equal(&lo, " CFG", 4);
}

static void test_missing_key_reads_zero(void **state)
{
	struct fixture *f = *state;
	uint8_t b[2] = { 0xff, 0xff };

	select_key(f, 0x1234);
	read_data(f, b, 2);
	assert_int_equal(b[0] | b[1], 0);
}

static void test_file_dir_sorted(void **state)
{
	struct fixture *f = *state;
	uint8_t dir[4 + 3 * 64];
	static const char *names[] = { "alpha", "etc/e820", "zeta" };

	assert_int_equal(fwcfg_add_file(f->fw, "zeta", "zz", 2), 0);
	assert_int_equal(fwcfg_add_file(f->fw, "alpha", "a", 1), 0);
	assert_int_equal(fwcfg_set_e820(f->fw, &(struct fwcfg_e820_entry){
			0, 0x9fc00, E820_RAM }, 1), 0);
	select_key(f, FW_CFG_FILE_DIR);
	read_data(f, dir, sizeof(dir));
	assert_int_equal(be32(dir), 3);
	for (int i = 0; i < 3; i++) {
		const uint8_t *e = dir + 4 + 64 * i;

		assert_string_equal((const char *)e + 8, names[i]);
		assert_int_equal(e[4] << 8 | e[5], 0x20 + i);
		assert_int_equal(fwcfg_file_key(f->fw, names[i]), 0x20 + i);
	}
	assert_int_equal(be32(dir + 4), 1);           /* alpha */
	assert_int_equal(be32(dir + 4 + 64), 20);     /* one e820 entry */
	assert_int_equal(be32(dir + 4 + 128), 2);     /* zeta */
}

static void test_read_file_by_selector(void **state)
{
	struct fixture *f = *state;
	char buf[7];
	int key;

	assert_int_equal(fwcfg_set_bootorder(f->fw, "/rom@genroms/x\n"), 0);
	assert_int_equal(fwcfg_add_file(f->fw, "a", "first", 5), 0);
	key = fwcfg_file_key(f->fw, "a");
	assert_int_equal(key, 0x20);
	select_key(f, key);
	read_data(f, buf, 7);
	assert_memory_equal(buf, "first\0\0", 7);
	/* Replacing a file keeps one entry and takes the new contents. */
	assert_int_equal(fwcfg_add_file(f->fw, "a", "again", 5), 0);
	select_key(f, fwcfg_file_key(f->fw, "a"));
	read_data(f, buf, 5);
	assert_memory_equal(buf, "again", 5);
	select_key(f, FW_CFG_FILE_DIR);
	read_data(f, buf, 4);
	assert_int_equal(be32((uint8_t *)buf), 2);
}

static void test_dma_read_skip_select(void **state)
{
	struct fixture *f = *state;
	int key;

	assert_int_equal(fwcfg_add_file(f->fw, "etc/test", "0123456789", 10),
			 0);
	key = fwcfg_file_key(f->fw, "etc/test");
	assert_int_equal(dma(f, (uint32_t)key << 16 | 0x08 | 0x02, 4, BUF_GPA),
			 0);
	assert_memory_equal(f->ram.bytes + BUF_GPA, "0123", 4);
	/* Same selection: skip 2, then read on from there. */
	assert_int_equal(dma(f, 0x04, 2, 0), 0);
	assert_int_equal(dma(f, 0x02, 3, BUF_GPA), 0);
	assert_memory_equal(f->ram.bytes + BUF_GPA, "678", 3);
	/* The port interface shares the offset. */
	{
		char c;

		read_data(f, &c, 1);
		assert_int_equal(c, '9');
	}
	/* Running past the end: the rest is zeros. */
	memset(f->ram.bytes + BUF_GPA, 0xff, 8);
	assert_int_equal(dma(f, (uint32_t)key << 16 | 0x08 | 0x02, 8,
			     BUF_GPA + 0x100), 0);
	assert_int_equal(dma(f, 0x02, 4, BUF_GPA), 0);
	assert_memory_equal(f->ram.bytes + BUF_GPA, "89\0\0\xff", 5);
}

static void test_dma_high_half(void **state)
{
	struct fixture *f = *state;
	uint8_t *d = f->ram.bytes + DESC_GPA;

	put_be32(d, FW_CFG_SIGNATURE << 16 | 0x08 | 0x02);
	put_be32(d + 4, 4);
	put_be32(d + 8, 0);
	put_be32(d + 12, BUF_GPA);
	assert_true(io_bus_write(f->pio, 0x514, 4, 0));
	port_out32(f->pio, 0x518, __builtin_bswap32(DESC_GPA));
	assert_int_equal(be32(d), 0);
	assert_memory_equal(f->ram.bytes + BUF_GPA, "QEMU", 4);
}

static void test_dma_errors(void **state)
{
	struct fixture *f = *state;

	/* Buffer outside guest RAM. */
	assert_int_equal(dma(f, FW_CFG_SIGNATURE << 16 | 0x08 | 0x02, 4,
			     0x100000000ull), 0x01);
	assert_int_equal(dma(f, 0x02, 16, RAM_SIZE - 8), 0x01);
	/* Writes are not supported. */
	assert_int_equal(dma(f, 0x10, 4, BUF_GPA), 0x01);
}

static void test_legacy_keys_and_helpers(void **state)
{
	struct fixture *f = *state;
	uint8_t b[8];

	assert_int_equal(fwcfg_set_cpus(f->fw, 2, 4), 0);
	assert_int_equal(fwcfg_set_boot_menu(f->fw, false), 0);
	assert_int_equal(fwcfg_add_u64(f->fw, 0x8002, 0x0102030405060708ull),
			 0);
	select_key(f, FW_CFG_NB_CPUS);
	read_data(f, b, 3);
	assert_memory_equal(b, "\x02\x00\x00", 3);
	select_key(f, FW_CFG_MAX_CPUS);
	read_data(f, b, 2);
	assert_memory_equal(b, "\x04\x00", 2);
	select_key(f, FW_CFG_BOOT_MENU);
	read_data(f, b, 2);
	assert_memory_equal(b, "\x00\x00", 2);
	select_key(f, 0x8002);
	read_data(f, b, 8);
	assert_memory_equal(b, "\x08\x07\x06\x05\x04\x03\x02\x01", 8);
	assert_int_equal(fwcfg_set_sercon_port(f->fw, 0x3f8), 0);
	select_key(f, fwcfg_file_key(f->fw, "etc/sercon-port"));
	read_data(f, b, 2);
	assert_memory_equal(b, "\xf8\x03", 2);
	assert_int_equal(fwcfg_set_boot_fail_wait(f->fw, 5000), 0);
	select_key(f, fwcfg_file_key(f->fw, "etc/boot-fail-wait"));
	read_data(f, b, 4);
	assert_memory_equal(b, "\x88\x13\x00\x00", 4);
	/* Keys the device owns, and the file range, are refused. */
	assert_int_equal(fwcfg_add_u16(f->fw, FW_CFG_SIGNATURE, 0), -EINVAL);
	assert_int_equal(fwcfg_add_u16(f->fw, FW_CFG_FILE_DIR, 0), -EINVAL);
	assert_int_equal(fwcfg_add_u16(f->fw, 0x25, 0), -EINVAL);
	{
		char name[80];

		memset(name, 'n', sizeof(name) - 1);
		name[sizeof(name) - 1] = 0;
		assert_int_equal(fwcfg_add_file(f->fw, name, "", 0),
				 -ENAMETOOLONG);
	}
}

static void test_e820_layout(void **state)
{
	struct fixture *f = *state;
	const struct fwcfg_e820_entry map[2] = {
		{ 0, 0x9fc00, E820_RAM },
		{ 0x100000000ull, 0x40000000, E820_RAM },
	};
	uint8_t t[40];

	assert_int_equal(fwcfg_set_e820(f->fw, map, 2), 0);
	select_key(f, fwcfg_file_key(f->fw, "etc/e820"));
	read_data(f, t, sizeof(t));
	assert_memory_equal(t + 8, "\x00\xfc\x09\x00\x00\x00\x00\x00", 8);
	assert_memory_equal(t + 16, "\x01\x00\x00\x00", 4);
	assert_memory_equal(t + 20, "\x00\x00\x00\x00\x01\x00\x00\x00", 8);
	assert_memory_equal(t + 28, "\x00\x00\x00\x40\x00\x00\x00\x00", 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_signature_and_past_end),
		T(test_id_and_dma_signature),
		T(test_missing_key_reads_zero),
		T(test_file_dir_sorted),
		T(test_read_file_by_selector),
		T(test_dma_read_skip_select),
		T(test_dma_high_half),
		T(test_dma_errors),
		T(test_legacy_keys_and_helpers),
		T(test_e820_layout),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
