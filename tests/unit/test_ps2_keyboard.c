// SPDX-License-Identifier: GPL-2.0
/*
 * The PS/2 keyboard behind the 8042, through ports 0x60/0x64 as a guest
 * drives it: Linux's atkbd probe, the scan code sets (values from the IBM
 * PS/2 Technical Reference's set 1, 2 and 3 tables), the controller's
 * translation, Print Screen / Pause, typematic repeat on a fake clock,
 * the key buffer's overrun.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/fixture.h"

#include "devmodel/chipset/i8042.h"
#include "devmodel/core/timer.h"
#include "devmodel/input/input.h"
#include "devmodel/input/ps2_keyboard.h"

#define DATA 0x60
#define CMD  0x64
#define ST_OBF 0x01

#define CTR_XLATE 0x40
#define MS 1000000ull

struct fixture {
	struct io_bus *pio;
	struct i8042 *kbc;
	struct dm_timer_list timers;
	uint64_t clock;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	fake_timers_init(&f->timers, &f->clock, 0);
	f->pio = io_bus_new("pio");
	f->kbc = i8042_create(f->pio, (struct irq_line){ 0 },
			      (struct irq_line){ 0 }, NULL, NULL);
	assert_non_null(f->kbc);
	i8042_attach_timers(f->kbc, &f->timers);
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

static void write_ctr(struct fixture *f, uint8_t ctr)
{
	port_out8(f->pio, CMD, 0x60);
	port_out8(f->pio, DATA, ctr);
}

static bool has_byte(struct fixture *f)
{
	return port_in8(f->pio, CMD) & ST_OBF;
}

static uint8_t read_byte(struct fixture *f)
{
	assert_true(has_byte(f));
	return port_in8(f->pio, DATA);
}

/* Everything the keyboard sends until it is quiet must be `want`. */
static void expect_bytes(struct fixture *f, const uint8_t *want, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		uint8_t got = read_byte(f);

		if (got != want[i])
			fail_msg("byte %zu: got %02x, want %02x", i, got, want[i]);
	}
	assert_false(has_byte(f));
}

#define EXPECT(f, ...) do { \
	const uint8_t want_[] = { __VA_ARGS__ }; \
	expect_bytes(f, want_, sizeof(want_)); \
} while (0)

/* A command to the keyboard and its whole answer. */
#define KBD(f, cmd, ...) do { \
	port_out8((f)->pio, DATA, cmd); \
	EXPECT(f, __VA_ARGS__); \
} while (0)

static void select_set(struct fixture *f, uint8_t set)
{
	KBD(f, 0xf0, 0xfa);
	KBD(f, set, 0xfa);
}

static void key(struct fixture *f, uint16_t code, bool down)
{
	i8042_keyboard_event(f->kbc, code, down);
}

static void run_timers_until(struct fixture *f, uint64_t t)
{
	f->clock = t;
	dm_timers_run(&f->timers, t);
}

/* Linux's atkbd on a controller without translation (i8042.direct):
 * reset, ID, set 2, read the set back, typematic, LEDs, enable. */
static void test_atkbd_probe_untranslated(void **state)
{
	struct fixture *f = *state;
	struct ps2_keyboard *kbd = i8042_keyboard(f->kbc);

	write_ctr(f, 0x07);
	KBD(f, 0xff, 0xfa, 0xaa);
	KBD(f, 0xf2, 0xfa, 0xab, 0x83);
	select_set(f, 2);
	KBD(f, 0xf0, 0xfa);
	KBD(f, 0x00, 0xfa, 0x02);
	KBD(f, 0xf3, 0xfa);
	KBD(f, 0x00, 0xfa);
	assert_int_equal(ps2_keyboard_repeat_delay_ns(kbd), 250 * MS);
	assert_int_equal(ps2_keyboard_repeat_period_ns(kbd), 33333333);
	KBD(f, 0xed, 0xfa);
	KBD(f, 0x05, 0xfa);
	assert_int_equal(ps2_keyboard_leds(kbd),
			 PS2_KBD_LED_SCROLL | PS2_KBD_LED_CAPS);
	KBD(f, 0xf5, 0xfa);
	assert_false(ps2_keyboard_scanning(kbd));
	KBD(f, 0xf4, 0xfa);
	assert_true(ps2_keyboard_scanning(kbd));
	KBD(f, 0xee, 0xee); /* echo */
}

/* With translation on (what SeaBIOS and Linux set: command byte 0x47 /
 * 0x65), the 8042 turns the ID's 83 into 41 and set 2's number into 41:
 * its translation table, not the keyboard, changes them. */
static void test_atkbd_probe_translated(void **state)
{
	struct fixture *f = *state;

	write_ctr(f, 0x47);
	assert_true(i8042_translating(f->kbc));
	KBD(f, 0xff, 0xfa, 0xaa);
	KBD(f, 0xf2, 0xfa, 0xab, 0x41);
	KBD(f, 0xf0, 0xfa);
	KBD(f, 0x00, 0xfa, 0x41);
	KBD(f, 0xf3, 0xfa);
	KBD(f, 0x7f, 0xfa);
	assert_int_equal(ps2_keyboard_repeat_delay_ns(i8042_keyboard(f->kbc)),
			 1000 * MS);
	assert_int_equal(ps2_keyboard_repeat_period_ns(i8042_keyboard(f->kbc)),
			 500 * MS); /* 2 characters/s */
	KBD(f, 0xf4, 0xfa);
}

static void test_unknown_and_resend(void **state)
{
	struct fixture *f = *state;

	write_ctr(f, 0x00);
	KBD(f, 0xef, 0xfe); /* not a command: resend */
	KBD(f, 0x01, 0xfe);
	KBD(f, 0xf2, 0xfa, 0xab, 0x83);
	KBD(f, 0xfe, 0x83); /* the last byte again */
	KBD(f, 0xf0, 0xfa);
	KBD(f, 0x07, 0xfe); /* no set 7: refused, the command is over */
	KBD(f, 0x03, 0xfe); /* so this is a (bad) command */
	KBD(f, 0xf0, 0xfa);
	KBD(f, 0x03, 0xfa);
	assert_int_equal(ps2_keyboard_scancode_set(i8042_keyboard(f->kbc)), 3);
	/* set-3 key type commands are accepted */
	KBD(f, 0xf8, 0xfa);
	KBD(f, 0xfa, 0xfa);
	KBD(f, 0xfc, 0xfa);
	KBD(f, 0x1c, 0xfa); /* key ID A */
	KBD(f, 0xf4, 0xfa); /* a command ends the list */
	KBD(f, 0xf6, 0xfa); /* defaults: set 2 */
	assert_int_equal(ps2_keyboard_scancode_set(i8042_keyboard(f->kbc)), 2);
	assert_true(ps2_keyboard_scanning(i8042_keyboard(f->kbc)));
	KBD(f, 0xf5, 0xfa);
	KBD(f, 0xf6, 0xfa); /* F6 does not start a disabled keyboard */
	assert_false(ps2_keyboard_scanning(i8042_keyboard(f->kbc)));
	key(f, 0x1e, true);
	assert_false(has_byte(f));
}

/* The letter A, Esc and F1 in each set (TR tables: set 1 1E/01/3B,
 * set 2 1C/76/05, set 3 1C/08/07). */
static void test_plain_keys_each_set(void **state)
{
	struct fixture *f = *state;

	write_ctr(f, 0x00);
	select_set(f, 1);
	key(f, 0x1e, true);
	key(f, 0x1e, false);
	key(f, 0x01, true);
	key(f, 0x3b, false);
	EXPECT(f, 0x1e, 0x9e, 0x01, 0xbb);
	select_set(f, 2);
	key(f, 0x1e, true);
	key(f, 0x1e, false);
	key(f, 0x01, true);
	key(f, 0x3b, true);
	key(f, 0x41, true); /* F7: set 2's one code above 0x80 */
	EXPECT(f, 0x1c, 0xf0, 0x1c, 0x76, 0x05, 0x83);
	select_set(f, 3);
	key(f, 0x1e, true);
	key(f, 0x1e, false);
	key(f, 0x01, true);
	key(f, 0x3b, true);
	key(f, 0x4e, true); /* KP+ is 7C in set 3, 79 in set 2 */
	EXPECT(f, 0x1c, 0xf0, 0x1c, 0x08, 0x07, 0x7c);
}

/* Translation: the keyboard sends set 2, the guest reads set 1, the F0
 * prefix folded into bit 7. */
static void test_translated_keys(void **state)
{
	struct fixture *f = *state;

	write_ctr(f, CTR_XLATE);
	key(f, 0x1e, true);
	key(f, 0x1e, false);
	key(f, 0x41, true);
	key(f, 0x41, false);
	EXPECT(f, 0x1e, 0x9e, 0x41, 0xc1);
	/* Ctrl-Alt-Del: an ordinary sequence, nothing intercepts it */
	key(f, 0x1d, true);
	key(f, 0x38, true);
	key(f, INPUT_KEY_EXTENDED | 0x53, true);
	key(f, INPUT_KEY_EXTENDED | 0x53, false);
	key(f, 0x38, false);
	key(f, 0x1d, false);
	EXPECT(f, 0x1d, 0x38, 0xe0, 0x53, 0xe0, 0xd3, 0xb8, 0x9d);
}

/* Extended keys: E0 prefixes in sets 1 and 2, their own codes in set 3
 * (right arrow: E0 4D / E0 74 / 6A; right Ctrl E0 1D / E0 14 / 58;
 * KP Enter E0 1C / E0 5A / 79). */
static void test_extended_keys(void **state)
{
	struct fixture *f = *state;

	write_ctr(f, 0x00);
	select_set(f, 1);
	key(f, INPUT_KEY_EXTENDED | 0x4d, true);
	key(f, INPUT_KEY_EXTENDED | 0x4d, false);
	EXPECT(f, 0xe0, 0x4d, 0xe0, 0xcd);
	select_set(f, 2);
	key(f, INPUT_KEY_EXTENDED | 0x4d, true);
	key(f, INPUT_KEY_EXTENDED | 0x4d, false);
	key(f, INPUT_KEY_EXTENDED | 0x1d, true);
	key(f, INPUT_KEY_EXTENDED | 0x1c, true);
	key(f, INPUT_KEY_EXTENDED | 0x5b, true); /* left Windows */
	EXPECT(f, 0xe0, 0x74, 0xe0, 0xf0, 0x74, 0xe0, 0x14, 0xe0, 0x5a,
	       0xe0, 0x1f);
	select_set(f, 3);
	key(f, INPUT_KEY_EXTENDED | 0x4d, true);
	key(f, INPUT_KEY_EXTENDED | 0x4d, false);
	key(f, INPUT_KEY_EXTENDED | 0x1d, true);
	key(f, INPUT_KEY_EXTENDED | 0x1c, true);
	key(f, INPUT_KEY_EXTENDED | 0x5b, true);
	EXPECT(f, 0x6a, 0xf0, 0x6a, 0x58, 0x79, 0x8b);
}

/* Pause: E1 1D 45 E1 9D C5 (set 1), E1 14 77 E1 F0 14 F0 77 (set 2),
 * nothing on release; with Ctrl it is Break, E0 46 E0 C6 / E0 7E E0 F0 7E.
 * Print Screen alone: E0 2A E0 37 / E0 12 E0 7C; with Alt it is SysRq,
 * 54 / 84. */
static void test_pause_and_print_screen(void **state)
{
	struct fixture *f = *state;

	write_ctr(f, 0x00);
	key(f, INPUT_KEY_PAUSE, true);
	key(f, INPUT_KEY_PAUSE, false);
	EXPECT(f, 0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77);
	key(f, INPUT_KEY_EXTENDED | 0x37, true);
	key(f, INPUT_KEY_EXTENDED | 0x37, false);
	EXPECT(f, 0xe0, 0x12, 0xe0, 0x7c, 0xe0, 0xf0, 0x7c, 0xe0, 0xf0, 0x12);
	key(f, 0x1d, true);
	key(f, INPUT_KEY_PAUSE, true);
	key(f, 0x1d, false);
	EXPECT(f, 0x14, 0xe0, 0x7e, 0xe0, 0xf0, 0x7e, 0xf0, 0x14);

	/* the same through the translating controller reads as set 1 */
	write_ctr(f, CTR_XLATE);
	key(f, INPUT_KEY_PAUSE, true);
	key(f, INPUT_KEY_PAUSE, false);
	EXPECT(f, 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5);
	key(f, INPUT_KEY_EXTENDED | 0x37, true);
	key(f, INPUT_KEY_EXTENDED | 0x37, false);
	EXPECT(f, 0xe0, 0x2a, 0xe0, 0x37, 0xe0, 0xb7, 0xe0, 0xaa);
	/* SysRq: Alt + Print Screen, as the console sends it (set 1 0x54) */
	key(f, 0x38, true);
	key(f, 0x54, true);
	key(f, 0x54, false);
	key(f, 0x38, false);
	EXPECT(f, 0x38, 0x54, 0xd4, 0xb8);
	/* Print Screen with Alt held is SysRq too */
	key(f, INPUT_KEY_EXTENDED | 0x38, true);
	key(f, INPUT_KEY_EXTENDED | 0x37, true);
	EXPECT(f, 0xe0, 0x38, 0x54);
}

/* The same keys, direct: the set-1 sequences the keyboard itself sends
 * when the guest selects set 1. */
static void test_set1_specials(void **state)
{
	uint8_t out[8];
	const uint8_t pause1[] = { 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5 };
	const uint8_t prtsc_up[] = { 0xe0, 0xb7, 0xe0, 0xaa };
	const uint8_t brk[] = { 0xe0, 0x46, 0xe0, 0xc6 };

	(void)state;
	assert_int_equal(ps2_keyboard_scancode(1, INPUT_KEY_PAUSE, true, 0, out), 6);
	assert_memory_equal(out, pause1, 6);
	assert_int_equal(ps2_keyboard_scancode(1, INPUT_KEY_PAUSE, false, 0, out), 0);
	assert_int_equal(ps2_keyboard_scancode(1, INPUT_KEY_PAUSE, true,
					       PS2_KBD_MOD_CTRL, out), 4);
	assert_memory_equal(out, brk, 4);
	assert_int_equal(ps2_keyboard_scancode(1, INPUT_KEY_EXTENDED | 0x37,
					       false, 0, out), 4);
	assert_memory_equal(out, prtsc_up, 4);
	/* with Shift, just the extended code */
	assert_int_equal(ps2_keyboard_scancode(2, INPUT_KEY_EXTENDED | 0x37,
					       true, PS2_KBD_MOD_SHIFT, out), 2);
	assert_int_equal(out[0], 0xe0);
	assert_int_equal(out[1], 0x7c);
	/* set 3: Print Screen 57, Pause 62 (make and break) */
	assert_int_equal(ps2_keyboard_scancode(3, INPUT_KEY_EXTENDED | 0x37,
					       true, 0, out), 1);
	assert_int_equal(out[0], 0x57);
	assert_int_equal(ps2_keyboard_scancode(3, INPUT_KEY_PAUSE, false, 0, out), 2);
	assert_int_equal(out[0], 0xf0);
	assert_int_equal(out[1], 0x62);
	/* not keys */
	assert_int_equal(ps2_keyboard_scancode(2, 0x00, true, 0, out), 0);
	assert_int_equal(ps2_keyboard_scancode(2, 0x9e, true, 0, out), 0);
	assert_int_equal(ps2_keyboard_scancode(2, 0xe1aa, true, 0, out), 0);
}

/* Every key of a 105-key keyboard has a set-2 and a set-3 code, and the
 * 8042's translation of its set-2 bytes gives back its set-1 code: the
 * set-2 table and the controller's translation table (written apart,
 * from the TR's two tables) agree. */
static void test_every_key_translates_back(void **state)
{
	uint16_t keys[140];
	size_t n = 0;
	uint8_t out[8], out3[8];

	(void)state;
	for (uint16_t c = 0x01; c <= 0x58; c++)
		if (c != 0x54 && c != 0x55) /* SysRq checked apart; 55 none */
			keys[n++] = c;
	{
		static const uint8_t ext[] = {
			0x1c, 0x1d, 0x35, 0x38, 0x47, 0x48, 0x49, 0x4b,
			0x4d, 0x4f, 0x50, 0x51, 0x52, 0x53, 0x5b, 0x5c, 0x5d,
		};

		for (size_t i = 0; i < sizeof(ext); i++)
			keys[n++] = INPUT_KEY_EXTENDED | ext[i];
	}
	assert_int_equal(n, 86 + 17); /* 104 keys + the ISO key - PrtSc, Pause */
	for (size_t i = 0; i < n; i++) {
		for (int down = 1; down >= 0; down--) {
			size_t len = ps2_keyboard_scancode(2, keys[i], down, 0, out);
			uint8_t set1[2];
			size_t j = 0, k = 0;
			bool brk = false;

			if (!len)
				fail_msg("key %04x has no set-2 code", keys[i]);
			assert_true(ps2_keyboard_scancode(3, keys[i], down, 0, out3));
			for (j = 0; j < len; j++) {
				if (out[j] == 0xf0) {
					brk = true;
					continue;
				}
				assert_true(k < 2);
				set1[k++] = i8042_translate_byte(out[j]) |
					    (brk ? 0x80 : 0);
				brk = false;
			}
			if (keys[i] & INPUT_KEY_EXTENDED) {
				assert_int_equal(k, 2);
				assert_int_equal(set1[0], 0xe0);
				assert_int_equal(set1[1], (keys[i] & 0x7f) |
						 (down ? 0 : 0x80));
			} else {
				assert_int_equal(k, 1);
				assert_int_equal(set1[0], keys[i] | (down ? 0 : 0x80));
			}
		}
	}
}

/* Typematic on a fake clock: F3 0x20 = 500 ms delay, 30/s (33.3 ms). */
static void test_typematic_repeat(void **state)
{
	struct fixture *f = *state;

	write_ctr(f, 0x00);
	KBD(f, 0xf3, 0xfa);
	KBD(f, 0x20, 0xfa);
	f->clock = 1000 * MS;
	key(f, 0x1e, true);
	EXPECT(f, 0x1c);
	run_timers_until(f, 1499 * MS);
	assert_false(has_byte(f));
	run_timers_until(f, 1500 * MS);
	EXPECT(f, 0x1c);
	run_timers_until(f, 1533 * MS);
	assert_false(has_byte(f));
	run_timers_until(f, 1534 * MS);
	EXPECT(f, 0x1c);
	run_timers_until(f, 1567 * MS);
	EXPECT(f, 0x1c);
	/* another key down: it repeats, A no longer */
	key(f, 0x30, true);
	EXPECT(f, 0x32);
	run_timers_until(f, 2066 * MS);
	assert_false(has_byte(f));
	run_timers_until(f, 2067 * MS);
	EXPECT(f, 0x32);
	/* up stops it */
	key(f, 0x30, false);
	EXPECT(f, 0xf0, 0x32);
	run_timers_until(f, 5000 * MS);
	assert_false(has_byte(f));
	/* a key held then the keyboard disabled: no more repeats */
	key(f, INPUT_KEY_EXTENDED | 0x48, true);
	EXPECT(f, 0xe0, 0x75);
	run_timers_until(f, 5500 * MS);
	EXPECT(f, 0xe0, 0x75); /* extended keys repeat with their prefix */
	KBD(f, 0xf5, 0xfa);
	run_timers_until(f, 9000 * MS);
	assert_false(has_byte(f));
	/* defaults after F5: 500 ms, 10.9/s (91.7 ms) */
	assert_int_equal(ps2_keyboard_repeat_delay_ns(i8042_keyboard(f->kbc)),
			 500 * MS);
	assert_int_equal(ps2_keyboard_repeat_period_ns(i8042_keyboard(f->kbc)),
			 91666666);
	/* Pause does not repeat */
	KBD(f, 0xf4, 0xfa);
	key(f, INPUT_KEY_PAUSE, true);
	EXPECT(f, 0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77);
	run_timers_until(f, 20000 * MS);
	assert_false(has_byte(f));
}

/* A controller the machine gave no timer list: keys work, nothing
 * repeats, and a held key leaves no timer behind at destroy. */
static void test_no_timers_no_repeat(void **state)
{
	struct fixture *f = *state;
	struct io_bus *pio = io_bus_new("pio2");
	struct i8042 *kbc = i8042_create(pio, (struct irq_line){ 0 },
					 (struct irq_line){ 0 }, NULL, NULL);

	(void)f;
	assert_non_null(kbc);
	i8042_keyboard_event(kbc, 0x1e, true);
	assert_int_equal(port_in8(pio, CMD) & ST_OBF, ST_OBF);
	assert_int_equal(port_in8(pio, DATA), 0x1c);
	assert_int_equal(port_in8(pio, CMD) & ST_OBF, 0);
	i8042_destroy(kbc);
	io_bus_free(pio);
}

/* The key buffer holds 16 bytes; a lost key leaves the overrun code
 * (00 in sets 2 and 3, FF in set 1; 00 reads as FF through translation). */
static void test_buffer_overrun(void **state)
{
	struct fixture *f = *state;
	uint8_t want[17];

	write_ctr(f, 0x10); /* keyboard port disabled: bytes stay in the keyboard */
	for (int i = 0; i < 20; i++)
		key(f, 0x1e, true);
	port_out8(f->pio, CMD, 0xae);
	memset(want, 0x1c, 16);
	want[16] = 0x00;
	expect_bytes(f, want, 17);

	write_ctr(f, 0x00);
	KBD(f, 0xf0, 0xfa);
	KBD(f, 0x01, 0xfa);
	write_ctr(f, 0x10);
	for (int i = 0; i < 9; i++)
		key(f, INPUT_KEY_EXTENDED | 0x48, true); /* 2 bytes each */
	port_out8(f->pio, CMD, 0xae);
	for (int i = 0; i < 16; i += 2) {
		want[i] = 0xe0;
		want[i + 1] = 0x48;
	}
	want[16] = 0xff;
	expect_bytes(f, want, 17);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_atkbd_probe_untranslated),
		T(test_atkbd_probe_translated),
		T(test_unknown_and_resend),
		T(test_plain_keys_each_set),
		T(test_translated_keys),
		T(test_extended_keys),
		T(test_pause_and_print_screen),
		T(test_set1_specials),
		T(test_every_key_translates_back),
		T(test_typematic_repeat),
		T(test_buffer_overrun),
		T(test_no_timers_no_repeat),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
