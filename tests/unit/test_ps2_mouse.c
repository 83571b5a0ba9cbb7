// SPDX-License-Identifier: GPL-2.0
/*
 * The PS/2 mouse behind the 8042's auxiliary port (commands through
 * 0xD4, replies with the status register's aux bit and IRQ 12), against
 * the IBM PS/2 Technical Reference's pointing device chapter and Linux
 * psmouse-base.c's IntelliMouse detection: reset, the knock and ID 3,
 * 3- and 4-byte reports with sign and overflow bits, splitting large
 * motions, counts kept while the output is full, remote mode, status,
 * 2:1 scaling, wrap mode.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "tests/unit/fixture.h"

#include "devmodel/chipset/i8042.h"
#include "devmodel/input/input.h"
#include "devmodel/input/ps2_mouse.h"

#define DATA 0x60
#define CMD  0x64
#define ST_OBF 0x01
#define ST_AUX 0x20

struct fixture {
	struct io_bus *pio;
	struct i8042 *kbc;
	struct irq_recorder irq;	/* IRQ1 and IRQ12 */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->pio = io_bus_new("pio");
	f->kbc = i8042_create(f->pio,
		irq_recorder_line(&f->irq, 1), irq_recorder_line(&f->irq, 12),
		NULL, NULL);
	assert_non_null(f->kbc);
	/* Linux's command byte: both IRQs, system flag, translation */
	port_out8(f->pio, CMD, 0x60);
	port_out8(f->pio, DATA, 0x47);
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

static bool has_byte(struct fixture *f)
{
	return port_in8(f->pio, CMD) & ST_OBF;
}

static uint8_t read_aux(struct fixture *f)
{
	uint8_t st = port_in8(f->pio, CMD);

	assert_true(st & ST_OBF);
	assert_true(st & ST_AUX);
	return port_in8(f->pio, DATA);
}

static void expect_bytes(struct fixture *f, const uint8_t *want, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		uint8_t got = read_aux(f);

		if (got != want[i])
			fail_msg("byte %zu: got %02x, want %02x", i, got, want[i]);
	}
	assert_false(has_byte(f));
}

#define EXPECT(f, ...) do { \
	const uint8_t want_[] = { __VA_ARGS__ }; \
	expect_bytes(f, want_, sizeof(want_)); \
} while (0)

/* A byte to the mouse (0xD4 then the byte) and the whole answer. */
#define AUX(f, byte, ...) do { \
	port_out8((f)->pio, CMD, 0xd4); \
	port_out8((f)->pio, DATA, byte); \
	EXPECT(f, __VA_ARGS__); \
} while (0)

static void move(struct fixture *f, int dx, int dy, int dz, unsigned buttons)
{
	i8042_mouse_event(f->kbc, dx, dy, dz, buttons);
}

static void set_rate(struct fixture *f, uint8_t rate)
{
	AUX(f, 0xf3, 0xfa);
	AUX(f, rate, 0xfa);
}

static void test_reset_and_id(void **state)
{
	struct fixture *f = *state;

	AUX(f, 0xff, 0xfa, 0xaa, 0x00);
	AUX(f, 0xf2, 0xfa, 0x00);
	AUX(f, 0xf1, 0xfe); /* not a command */
	AUX(f, 0xfe, 0xfe); /* resend: the last reply */
	AUX(f, 0xf2, 0xfa, 0x00);
	AUX(f, 0xfe, 0xfa, 0x00);
	assert_int_equal(f->irq.rises[12], 11);
}

/* Defaults (TR, Set Defaults): stream mode, disabled, 1:1,
 * resolution 2 (4 counts/mm), 100 reports/s. */
static void test_status_request(void **state)
{
	struct fixture *f = *state;

	AUX(f, 0xe9, 0xfa, 0x00, 0x02, 0x64);
	AUX(f, 0xf4, 0xfa);
	AUX(f, 0xe7, 0xfa);
	AUX(f, 0xe8, 0xfa);
	AUX(f, 0x03, 0xfa);
	set_rate(f, 40);
	AUX(f, 0xf0, 0xfa); /* remote */
	move(f, 0, 0, 0, INPUT_BUTTON_LEFT | INPUT_BUTTON_RIGHT);
	/* remote 0x40, enabled 0x20, 2:1 0x10, left 0x04, right 0x01 */
	AUX(f, 0xe9, 0xfa, 0x75, 0x03, 0x28);
	move(f, 0, 0, 0, INPUT_BUTTON_MIDDLE);
	AUX(f, 0xe6, 0xfa);
	AUX(f, 0xe9, 0xfa, 0x62, 0x03, 0x28);
	AUX(f, 0xe8, 0xfa);
	AUX(f, 0x07, 0xfe); /* resolution 0-3 only (Linux's lifebook probe) */
	AUX(f, 0x01, 0xfe); /* the command is over: not a command */
	AUX(f, 0xe8, 0xfa);
	AUX(f, 0x01, 0xfa);
	AUX(f, 0xf3, 0xfa);
	AUX(f, 33, 0xfe);   /* not a sample rate */
	AUX(f, 0xf3, 0xfa);
	AUX(f, 0xf4, 0xfa); /* a command instead of the rate: runs */
	AUX(f, 0xf5, 0xfa);
	AUX(f, 0xf3, 0xfa);
	AUX(f, 200, 0xfa);
	AUX(f, 0xf6, 0xfa); /* defaults; the mode stays remote */
	AUX(f, 0xe9, 0xfa, 0x42, 0x02, 0x64);
}

/* 3-byte reports: bit 3 always set, buttons in bits 0-2, sign bits 4-5,
 * Y up positive (the input's dy is screen-down). */
static void test_stream_reports(void **state)
{
	struct fixture *f = *state;

	move(f, 5, 5, 0, 0); /* reporting off: nothing */
	assert_false(has_byte(f));
	AUX(f, 0xf4, 0xfa);
	move(f, 5, -3, 0, INPUT_BUTTON_LEFT);
	EXPECT(f, 0x09, 0x05, 0x03);
	move(f, -1, 1, 0, INPUT_BUTTON_LEFT);
	EXPECT(f, 0x38 | 0x01, 0xff, 0xff);
	move(f, 0, 0, 0, 0); /* a button change alone is a report */
	EXPECT(f, 0x08, 0x00, 0x00);
	move(f, 0, 0, 0, 0); /* nothing changed: no report */
	move(f, 0, 0, 3, 0); /* the wheel without ID 3: nothing */
	assert_false(has_byte(f));
	move(f, -200, 0, 0, INPUT_BUTTON_RIGHT | INPUT_BUTTON_MIDDLE);
	EXPECT(f, 0x08 | 0x10 | 0x06, 0x38, 0x00); /* -200 = 1 38 */
	assert_true(f->irq.rises[12] >= 4 * 3);
	AUX(f, 0xf5, 0xfa);
	move(f, 1, 1, 0, 0);
	assert_false(has_byte(f));
}

/* Large motions leave as several reports of at most 255 counts. */
static void test_large_motion_split(void **state)
{
	struct fixture *f = *state;

	AUX(f, 0xf4, 0xfa);
	move(f, 600, -300, 0, 0);
	EXPECT(f, 0x08, 0xff, 0xff,
		  0x08, 0xff, 0x2d,
		  0x08, 0x5a, 0x00);
	move(f, -256, 0, 0, 0);
	EXPECT(f, 0x18, 0x01, 0x00,  /* -255 */
		  0x18, 0xff, 0x00); /* -1 */
}

/* While nobody reads (the aux port disabled), counts wait: nothing lost. */
static void test_counts_wait_while_full(void **state)
{
	struct fixture *f = *state;
	int total = 0, reports = 0;

	AUX(f, 0xf4, 0xfa);
	port_out8(f->pio, CMD, 0xa7);
	for (int i = 0; i < 40; i++)
		move(f, 3, 0, 0, 0);
	assert_false(has_byte(f));
	port_out8(f->pio, CMD, 0xa8);
	while (has_byte(f)) {
		uint8_t b0 = read_aux(f), x = read_aux(f), y = read_aux(f);

		assert_int_equal(b0, 0x08);
		assert_int_equal(y, 0);
		total += x;
		reports++;
	}
	assert_int_equal(total, 120);
	assert_true(reports < 40); /* the waiting counts were merged */
}

/* Linux's intellimouse_detect: rates 200, 100, 80, then ID 3; reports
 * get a 4th byte, the wheel (-8..7, positive towards the user). */
static void test_intellimouse(void **state)
{
	struct fixture *f = *state;

	set_rate(f, 200);
	set_rate(f, 80);
	set_rate(f, 100);
	AUX(f, 0xf2, 0xfa, 0x00); /* the wrong order: still a plain mouse */
	set_rate(f, 200);
	set_rate(f, 100);
	set_rate(f, 80);
	AUX(f, 0xf2, 0xfa, 0x03);
	assert_int_equal(ps2_mouse_id(i8042_mouse(f->kbc)), 3);
	/* the Explorer knock (200, 200, 80) does not make it ID 4 */
	set_rate(f, 200);
	set_rate(f, 200);
	set_rate(f, 80);
	AUX(f, 0xf2, 0xfa, 0x03);
	AUX(f, 0xf4, 0xfa);
	move(f, 1, 0, 1, 0);
	EXPECT(f, 0x08, 0x01, 0x00, 0x01);
	move(f, 0, 0, -2, INPUT_BUTTON_MIDDLE);
	EXPECT(f, 0x0c, 0x00, 0x00, 0xfe);
	move(f, 0, 0, 10, INPUT_BUTTON_MIDDLE); /* more than 7: two reports */
	EXPECT(f, 0x0c, 0x00, 0x00, 0x07,
		  0x0c, 0x00, 0x00, 0x03);
	AUX(f, 0xff, 0xfa, 0xaa, 0x00); /* reset: a plain mouse again */
	AUX(f, 0xf2, 0xfa, 0x00);
}

/* Remote mode: no reports on motion; Read Data (EB) sends one with the
 * counts, clamped to the 9-bit range with the overflow bits set. */
static void test_remote_read_data(void **state)
{
	struct fixture *f = *state;

	AUX(f, 0xf0, 0xfa);
	move(f, 300, 10, 0, INPUT_BUTTON_LEFT);
	assert_false(has_byte(f));
	/* X overflow 0x40, Y sign 0x20, left: X 255, Y -10 */
	AUX(f, 0xeb, 0xfa, 0x69, 0xff, 0xf6);
	AUX(f, 0xeb, 0xfa, 0x09, 0x00, 0x00); /* counters were reset */
	move(f, -1000, -1000, 0, 0);
	/* both overflow, X sign, Y up: X -256 (1 00), Y 255 */
	AUX(f, 0xeb, 0xfa, 0xd8, 0x00, 0xff);
	AUX(f, 0xea, 0xfa); /* stream mode again, reporting still off */
	move(f, 1, 0, 0, 0);
	assert_false(has_byte(f));
}

/* 2:1 scaling (TR table: 1->1, 2->1, 3->3, 4->6, 5->9, n->2n) applies to
 * stream reports, not to Read Data. */
static void test_scaling_2to1(void **state)
{
	struct fixture *f = *state;
	const int in[] = { 1, 2, 3, 4, 5, 6, 20 };
	const uint8_t out[] = { 1, 1, 3, 6, 9, 12, 40 };

	AUX(f, 0xe7, 0xfa);
	AUX(f, 0xf4, 0xfa);
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		move(f, in[i], 0, 0, 0);
		EXPECT(f, 0x08, out[i], 0x00);
	}
	move(f, 0, 4, 0, 0); /* Y down 4: -6 */
	EXPECT(f, 0x28, 0x00, 0xfa);
	AUX(f, 0xf0, 0xfa);
	move(f, 4, 0, 0, 0);
	AUX(f, 0xeb, 0xfa, 0x08, 0x04, 0x00);
	AUX(f, 0xe6, 0xfa);
	AUX(f, 0xea, 0xfa);
	move(f, 4, 0, 0, 0);
	EXPECT(f, 0x08, 0x04, 0x00);
}

/* Wrap mode echoes every byte but EC (leave) and FF (reset). */
static void test_wrap_mode(void **state)
{
	struct fixture *f = *state;

	AUX(f, 0xee, 0xfa);
	AUX(f, 0x55, 0x55);
	AUX(f, 0xf2, 0xf2);
	AUX(f, 0xec, 0xfa);
	AUX(f, 0xf2, 0xfa, 0x00);
	AUX(f, 0xee, 0xfa);
	AUX(f, 0xff, 0xfa, 0xaa, 0x00);
	AUX(f, 0x55, 0xfe); /* out of wrap mode after the reset */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_reset_and_id),
		T(test_status_request),
		T(test_stream_reports),
		T(test_large_motion_split),
		T(test_counts_wait_while_full),
		T(test_intellimouse),
		T(test_remote_read_data),
		T(test_scaling_2to1),
		T(test_wrap_mode),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
