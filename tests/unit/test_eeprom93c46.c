// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the 93C46 serial EEPROM (devmodel/net/eeprom93c46.c),
 * driven on its pins as a driver bit-bangs them: Linux's 8139too
 * read_eeprom() (its address-width probe included), sequential reads, and
 * the programming instructions with their write enable (93C46 datasheet,
 * "Instruction set").
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "devmodel/net/eeprom93c46.h"

static struct eeprom93c46 ee;

static int setup(void **state)
{
	uint16_t words[EEPROM93C46_WORDS];

	for (unsigned i = 0; i < EEPROM93C46_WORDS; i++)
		words[i] = (uint16_t)(0x1000 + i * 0x0101);
	words[0] = 0x8129;
	eeprom93c46_init(&ee, words);
	*state = &ee;
	return 0;
}

/* One bit clocked in: DI set up with SK low, sampled on SK's rise. */
static void clock_in(bool di)
{
	eeprom93c46_set_pins(&ee, true, false, di);
	eeprom93c46_set_pins(&ee, true, true, di);
}

static void select_chip(void)
{
	eeprom93c46_set_pins(&ee, false, false, false);
	eeprom93c46_set_pins(&ee, true, false, false);
}

static void deselect_chip(void)
{
	eeprom93c46_set_pins(&ee, false, false, false);
}

/* Send `bits` bits of value, most significant first. */
static void send(uint32_t value, int bits)
{
	for (int i = bits - 1; i >= 0; i--)
		clock_in(value >> i & 1);
}

/* Linux's read_eeprom(ioaddr, location, addr_len): the command
 * location | 6 << addr_len in 5 + addr_len bits (leading zeros, the start
 * bit, READ = 10, the address), then 16 bits read on SK high. */
static uint16_t linux_read_eeprom(unsigned location, int addr_len)
{
	uint32_t cmd = location | 6u << addr_len;
	uint16_t v = 0;

	select_chip();
	send(cmd, 5 + addr_len);
	eeprom93c46_set_pins(&ee, true, false, false);
	for (int i = 0; i < 16; i++) {
		eeprom93c46_set_pins(&ee, true, true, false);
		v = (uint16_t)(v << 1 | eeprom93c46_data_out(&ee));
		eeprom93c46_set_pins(&ee, true, false, false);
	}
	deselect_chip();
	return v;
}

static void read_every_word_like_8139too(void **state)
{
	(void)state;
	for (unsigned i = 0; i < EEPROM93C46_WORDS; i++)
		assert_int_equal(linux_read_eeprom(i, 6), eeprom93c46_word(&ee, i));
}

static void address_width_probe_finds_a_93c46(void **state)
{
	(void)state;
	/* 8139too: addr_len = read_eeprom(ioaddr, 0, 8) == 0x8129 ? 8 : 6.
	 * With two address bits too many, the 93C46 has already shifted out
	 * its dummy 0 and D15: the value comes back shifted by 2. */
	uint16_t v = linux_read_eeprom(0, 8);

	assert_int_not_equal(v, 0x8129);
	assert_int_equal(v, (uint16_t)(0x8129 << 2 | eeprom93c46_word(&ee, 1) >> 14));
}

static void dummy_zero_then_sequential_read(void **state)
{
	uint32_t got = 0;

	(void)state;
	select_chip();
	send(0x6 << 6 | 5, 9);	/* start, READ, address 5 */
	assert_false(eeprom93c46_data_out(&ee));	/* the dummy 0 */
	for (int i = 0; i < 32; i++) {
		eeprom93c46_set_pins(&ee, true, false, false);
		eeprom93c46_set_pins(&ee, true, true, false);
		got = got << 1 | eeprom93c46_data_out(&ee);
	}
	deselect_chip();
	assert_int_equal(got >> 16, eeprom93c46_word(&ee, 5));
	assert_int_equal(got & 0xffff, eeprom93c46_word(&ee, 6));
	assert_false(eeprom93c46_data_out(&ee));	/* CS low: nothing */
}

static void instruction(uint32_t opcode_addr, int bits)
{
	select_chip();
	send(opcode_addr, bits);
}

static void write_needs_ewen_and_shows_ready(void **state)
{
	(void)state;
	/* Writes are disabled at power-up. */
	instruction(0x5 << 6 | 9, 9);	/* start, WRITE, address 9 */
	send(0xbeef, 16);
	deselect_chip();
	assert_int_equal(eeprom93c46_word(&ee, 9), 0x1000 + 9 * 0x0101);

	instruction(0x4 << 6 | 0x30, 9);	/* EWEN */
	deselect_chip();
	instruction(0x5 << 6 | 9, 9);
	send(0xbeef, 16);
	assert_int_equal(eeprom93c46_word(&ee, 9), 0x1000 + 9 * 0x0101); /* at CS fall */
	deselect_chip();
	assert_int_equal(eeprom93c46_word(&ee, 9), 0xbeef);
	/* CS up again: DO is READY until the next start bit. */
	select_chip();
	assert_true(eeprom93c46_data_out(&ee));
	deselect_chip();
	assert_int_equal(linux_read_eeprom(9, 6), 0xbeef);

	instruction(0x7 << 6 | 9, 9);	/* ERASE */
	deselect_chip();
	assert_int_equal(eeprom93c46_word(&ee, 9), 0xffff);

	instruction(0x4 << 6 | 0x00, 9);	/* EWDS */
	deselect_chip();
	instruction(0x5 << 6 | 10, 9);
	send(0x1234, 16);
	deselect_chip();
	assert_int_equal(eeprom93c46_word(&ee, 10), 0x1000 + 10 * 0x0101);
}

static void write_all_and_erase_all(void **state)
{
	(void)state;
	instruction(0x4 << 6 | 0x30, 9);	/* EWEN */
	deselect_chip();
	instruction(0x4 << 6 | 0x10, 9);	/* WRAL */
	send(0x5a5a, 16);
	deselect_chip();
	for (unsigned i = 0; i < EEPROM93C46_WORDS; i++)
		assert_int_equal(eeprom93c46_word(&ee, i), 0x5a5a);
	instruction(0x4 << 6 | 0x20, 9);	/* ERAL */
	deselect_chip();
	for (unsigned i = 0; i < EEPROM93C46_WORDS; i++)
		assert_int_equal(eeprom93c46_word(&ee, i), 0xffff);
}

static void an_aborted_instruction_writes_nothing(void **state)
{
	(void)state;
	instruction(0x4 << 6 | 0x30, 9);	/* EWEN */
	deselect_chip();
	instruction(0x5 << 6 | 3, 9);	/* WRITE with 8 of its 16 data bits */
	send(0xab, 8);
	deselect_chip();
	assert_int_equal(eeprom93c46_word(&ee, 3), 0x1000 + 3 * 0x0101);
	/* And a READ right after works from a fresh start bit. */
	assert_int_equal(linux_read_eeprom(3, 6), 0x1000 + 3 * 0x0101);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(read_every_word_like_8139too),
		T(address_width_probe_finds_a_93c46),
		T(dummy_zero_then_sequential_read),
		T(write_needs_ewen_and_shows_ready),
		T(write_all_and_erase_all),
		T(an_aborted_instruction_writes_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
