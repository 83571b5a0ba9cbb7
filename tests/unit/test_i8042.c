// SPDX-License-Identifier: GPL-2.0
/*
 * 8042 PS/2 controller through ports 0x60/0x64: what SeaBIOS's ps2port.c
 * and Linux's i8042.c/atkbd do at boot, the reset line and the IRQs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "tests/unit/fixture.h"

#include "devmodel/chipset/i8042.h"

#define DATA 0x60
#define CMD  0x64
#define STAT 0x64

#define ST_OBF 0x01
#define ST_SYS 0x04
#define ST_A2  0x08
#define ST_AUX 0x20

struct fixture {
	struct io_bus *pio;
	struct i8042 *kbc;
	int resets;
	struct irq_recorder irq;	/* IRQ1 and IRQ12 */
};

static void count_reset(void *opaque)
{
	((struct fixture *)opaque)->resets++;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->pio = io_bus_new("pio");
	f->kbc = i8042_create(f->pio,
		irq_recorder_line(&f->irq, 1), irq_recorder_line(&f->irq, 12),
		count_reset, f);
	assert_non_null(f->kbc);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	i8042_destroy(f->kbc);
	io_bus_free(f->pio);
	free(f);
	return 0;
}

/* Read one byte as a polling driver does: OBF must be set first. */
static uint8_t read_reply(struct fixture *f)
{
	assert_true(port_in8(f->pio, STAT) & ST_OBF);
	return port_in8(f->pio, DATA);
}

static void assert_empty(struct fixture *f)
{
	assert_false(port_in8(f->pio, STAT) & ST_OBF);
}

/* Command byte with both IRQs off, so tests choose what to enable. */
static void write_ctr(struct fixture *f, uint8_t ctr)
{
	port_out8(f->pio, CMD, 0x60);
	port_out8(f->pio, DATA, ctr);
}

static void test_self_test(void **state)
{
	struct fixture *f = *state;

	assert_false(port_in8(f->pio, STAT) & ST_SYS);
	port_out8(f->pio, CMD, 0xaa);
	assert_true(port_in8(f->pio, STAT) & ST_A2);
	assert_int_equal(read_reply(f), 0x55);
	assert_empty(f);
	assert_true(port_in8(f->pio, STAT) & ST_SYS);
}

static void test_interface_tests(void **state)
{
	struct fixture *f = *state;

	port_out8(f->pio, CMD, 0xab);
	assert_int_equal(read_reply(f), 0x00);
	port_out8(f->pio, CMD, 0xa9);
	assert_int_equal(read_reply(f), 0x00);
	assert_empty(f);
}

static void test_command_byte(void **state)
{
	struct fixture *f = *state;

	write_ctr(f, 0x65);
	assert_false(port_in8(f->pio, STAT) & ST_A2); /* last write was data */
	port_out8(f->pio, CMD, 0x20);
	assert_int_equal(read_reply(f), 0x65);
	port_out8(f->pio, CMD, 0xa7); /* disable aux: bit 5 */
	port_out8(f->pio, CMD, 0xae); /* enable keyboard: bit 4 clear */
	port_out8(f->pio, CMD, 0x20);
	assert_int_equal(read_reply(f), 0x65 | 0x20);
	port_out8(f->pio, CMD, 0xad);
	port_out8(f->pio, CMD, 0xa8);
	port_out8(f->pio, CMD, 0x20);
	assert_int_equal(read_reply(f), 0x55);
}

static void test_keyboard_reset_and_commands(void **state)
{
	struct fixture *f = *state;

	write_ctr(f, 0x00);
	port_out8(f->pio, DATA, 0xff);
	assert_int_equal(read_reply(f), 0xfa);
	assert_int_equal(read_reply(f), 0xaa);
	assert_empty(f);
	port_out8(f->pio, DATA, 0xf2);
	assert_int_equal(read_reply(f), 0xfa);
	assert_int_equal(read_reply(f), 0xab);
	assert_int_equal(read_reply(f), 0x83);
	port_out8(f->pio, DATA, 0xf0); /* SeaBIOS: scancode set 2 */
	port_out8(f->pio, DATA, 0x02);
	assert_int_equal(read_reply(f), 0xfa);
	assert_int_equal(read_reply(f), 0xfa);
	port_out8(f->pio, DATA, 0xf0); /* get set */
	port_out8(f->pio, DATA, 0x00);
	assert_int_equal(read_reply(f), 0xfa);
	assert_int_equal(read_reply(f), 0xfa);
	assert_int_equal(read_reply(f), 0x02);
	port_out8(f->pio, DATA, 0xed);
	port_out8(f->pio, DATA, 0x07);
	assert_int_equal(read_reply(f), 0xfa);
	assert_int_equal(read_reply(f), 0xfa);
	port_out8(f->pio, DATA, 0xf5);
	assert_int_equal(read_reply(f), 0xfa);
	assert_empty(f);
}

/* The 8042 translates the ID's second byte with translation on. */
static void test_identify_translated(void **state)
{
	struct fixture *f = *state;

	write_ctr(f, 0x40);
	port_out8(f->pio, DATA, 0xf2);
	assert_int_equal(read_reply(f), 0xfa);
	assert_int_equal(read_reply(f), 0xab);
	assert_int_equal(read_reply(f), 0x41);
	assert_true(i8042_translating(f->kbc));
}

static void test_reset_line(void **state)
{
	struct fixture *f = *state;

	port_out8(f->pio, CMD, 0xff); /* pulse nothing */
	assert_int_equal(f->resets, 0);
	port_out8(f->pio, CMD, 0xfe);
	assert_int_equal(f->resets, 1);
	port_out8(f->pio, CMD, 0xd1); /* output port, reset bit kept high */
	port_out8(f->pio, DATA, 0x03);
	assert_int_equal(f->resets, 1);
	port_out8(f->pio, CMD, 0xd0);
	assert_int_equal(read_reply(f), 0x03);
	port_out8(f->pio, CMD, 0xd1);
	port_out8(f->pio, DATA, 0x02);
	assert_int_equal(f->resets, 2);
}

/* IRQ 1 per byte (edges) when the command byte enables it, never else. */
static void test_irq1(void **state)
{
	struct fixture *f = *state;

	write_ctr(f, 0x00);
	port_out8(f->pio, DATA, 0xff);
	assert_int_equal(f->irq.rises[1], 0);
	read_reply(f);
	read_reply(f);
	write_ctr(f, 0x01);
	port_out8(f->pio, DATA, 0xff);
	assert_int_equal(f->irq.level[1], 1);
	assert_int_equal(f->irq.rises[1], 1);
	assert_int_equal(port_in8(f->pio, DATA), 0xfa);
	assert_int_equal(f->irq.rises[1], 2); /* AA: a new edge */
	assert_int_equal(port_in8(f->pio, DATA), 0xaa);
	assert_int_equal(f->irq.level[1], 0);
	assert_int_equal(f->irq.rises[12], 0);
}

/* Linux's i8042_check_aux: 0xD3 loop with IRQ 12, then a mouse reset. */
static void test_aux(void **state)
{
	struct fixture *f = *state;

	write_ctr(f, 0x02 | 0x20); /* aux IRQ on, aux port disabled */
	port_out8(f->pio, CMD, 0xd3);
	port_out8(f->pio, DATA, 0x5a);
	assert_true(port_in8(f->pio, STAT) & ST_AUX);
	assert_int_equal(f->irq.level[12], 1);
	assert_int_equal(read_reply(f), 0x5a);
	assert_int_equal(f->irq.level[12], 0);
	port_out8(f->pio, CMD, 0xd4);
	port_out8(f->pio, DATA, 0xff);
	assert_true(port_in8(f->pio, STAT) & ST_AUX);
	assert_int_equal(read_reply(f), 0xfa);
	assert_int_equal(read_reply(f), 0xaa);
	assert_int_equal(read_reply(f), 0x00);
	port_out8(f->pio, CMD, 0xd4);
	port_out8(f->pio, DATA, 0xf2);
	assert_int_equal(read_reply(f), 0xfa);
	assert_int_equal(read_reply(f), 0x00);
	assert_int_equal(f->irq.rises[12], 6); /* one edge per byte */
	assert_int_equal(f->irq.rises[1], 0);
}

static void test_key_events(void **state)
{
	struct fixture *f = *state;
	const uint8_t make[] = { 0xe0, 0x48 };

	write_ctr(f, 0x01 | 0x10); /* keyboard port disabled */
	assert_int_equal(i8042_key_event(f->kbc, make, sizeof(make)), 0);
	assert_empty(f);
	assert_int_equal(f->irq.level[1], 0);
	port_out8(f->pio, CMD, 0xae);
	assert_int_equal(f->irq.level[1], 1);
	assert_int_equal(read_reply(f), 0xe0);
	assert_int_equal(read_reply(f), 0x48);
	assert_empty(f);
	port_out8(f->pio, DATA, 0xf5); /* scanning off: keys dropped */
	read_reply(f);
	assert_int_equal(i8042_key_event(f->kbc, make, 1), 0);
	assert_empty(f);
}

/* A hostile guest: random bytes to both ports and random reads, with
 * key and pointer events mixed in, never break the controller or its
 * devices (run under ASan/UBSan by hand); afterwards a reset brings back
 * a keyboard that answers. */
static void test_random_traffic(void **state)
{
	struct fixture *f = *state;
	uint32_t seed = 12345;

	for (int i = 0; i < 200000; i++) {
		seed = seed * 1103515245 + 12345;
		uint8_t r = seed >> 24, v = seed >> 16;

		switch (r % 6) {
		case 0: port_out8(f->pio, CMD, v); break;
		case 1: port_out8(f->pio, DATA, v); break;
		case 2: port_in8(f->pio, DATA); break;
		case 3: port_in8(f->pio, STAT); break;
		case 4: i8042_keyboard_event(f->kbc, v & 1 ? 0xe000 | (v >> 1) : v,
					     r & 0x40); break;
		case 5: i8042_mouse_event(f->kbc, (int8_t)v * 40, (int8_t)r * 40,
					  (int8_t)v, r); break;
		}
	}
	i8042_reset(f->kbc);
	write_ctr(f, 0x00);
	port_out8(f->pio, DATA, 0xf2);
	assert_int_equal(read_reply(f), 0xfa);
	assert_int_equal(read_reply(f), 0xab);
	assert_int_equal(read_reply(f), 0x83);
	assert_empty(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_self_test),
		T(test_interface_tests),
		T(test_command_byte),
		T(test_keyboard_reset_and_commands),
		T(test_identify_translated),
		T(test_reset_line),
		T(test_irq1),
		T(test_aux),
		T(test_key_events),
		T(test_random_traffic),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
