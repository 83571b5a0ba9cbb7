// SPDX-License-Identifier: GPL-2.0
/*
 * The SDL scancode -> set 1 table (vmm/console/sdl_keys.c): the codes of
 * IBM's set 1 for known keys, every key of a 105-key PC keyboard present,
 * and no two keys sharing a code except the documented aliases.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include <SDL_scancode.h>

#include "devmodel/input/input.h"
#include "vmm/console/sdl_keys.h"

static void test_known_codes(void **state)
{
	(void)state;
	assert_int_equal(sdl_scancode_to_set1(SDL_SCANCODE_A), 0x1e);
	assert_int_equal(sdl_scancode_to_set1(SDL_SCANCODE_Z), 0x2c);
	assert_int_equal(sdl_scancode_to_set1(SDL_SCANCODE_1), 0x02);
	assert_int_equal(sdl_scancode_to_set1(SDL_SCANCODE_0), 0x0b);
	assert_int_equal(sdl_scancode_to_set1(SDL_SCANCODE_RETURN), 0x1c);
	assert_int_equal(sdl_scancode_to_set1(SDL_SCANCODE_ESCAPE), 0x01);
	assert_int_equal(sdl_scancode_to_set1(SDL_SCANCODE_SPACE), 0x39);
	assert_int_equal(sdl_scancode_to_set1(SDL_SCANCODE_UP), 0xe048);
	assert_int_equal(sdl_scancode_to_set1(SDL_SCANCODE_LEFT), 0xe04b);
	assert_int_equal(sdl_scancode_to_set1(SDL_SCANCODE_LCTRL), 0x1d);
	assert_int_equal(sdl_scancode_to_set1(SDL_SCANCODE_RCTRL), 0xe01d);
	assert_int_equal(sdl_scancode_to_set1(SDL_SCANCODE_LALT), 0x38);
	assert_int_equal(sdl_scancode_to_set1(SDL_SCANCODE_RALT), 0xe038);
	assert_int_equal(sdl_scancode_to_set1(SDL_SCANCODE_KP_ENTER), 0xe01c);
	assert_int_equal(sdl_scancode_to_set1(SDL_SCANCODE_KP_DIVIDE), 0xe035);
	assert_int_equal(sdl_scancode_to_set1(SDL_SCANCODE_KP_7), 0x47);
	assert_int_equal(sdl_scancode_to_set1(SDL_SCANCODE_F1), 0x3b);
	assert_int_equal(sdl_scancode_to_set1(SDL_SCANCODE_F10), 0x44);
	assert_int_equal(sdl_scancode_to_set1(SDL_SCANCODE_F11), 0x57);
	assert_int_equal(sdl_scancode_to_set1(SDL_SCANCODE_F12), 0x58);
	assert_int_equal(sdl_scancode_to_set1(SDL_SCANCODE_DELETE), 0xe053);
	assert_int_equal(sdl_scancode_to_set1(SDL_SCANCODE_PRINTSCREEN), 0xe037);
	assert_int_equal(sdl_scancode_to_set1(SDL_SCANCODE_PAUSE), INPUT_KEY_PAUSE);
	assert_int_equal(sdl_scancode_to_set1(SDL_SCANCODE_LGUI), 0xe05b);
	assert_int_equal(sdl_scancode_to_set1(SDL_SCANCODE_RGUI), 0xe05c);
	assert_int_equal(sdl_scancode_to_set1(SDL_SCANCODE_APPLICATION), 0xe05d);
	assert_int_equal(sdl_scancode_to_set1(SDL_SCANCODE_NONUSBACKSLASH), 0x56);
	assert_int_equal(sdl_scancode_to_set1(SDL_SCANCODE_NONUSHASH), 0x2b);
}

/* Every key of a 104-key (ANSI) keyboard plus the ISO 105th key. */
static const SDL_Scancode pc105[] = {
	SDL_SCANCODE_ESCAPE, SDL_SCANCODE_F1, SDL_SCANCODE_F2, SDL_SCANCODE_F3,
	SDL_SCANCODE_F4, SDL_SCANCODE_F5, SDL_SCANCODE_F6, SDL_SCANCODE_F7,
	SDL_SCANCODE_F8, SDL_SCANCODE_F9, SDL_SCANCODE_F10, SDL_SCANCODE_F11,
	SDL_SCANCODE_F12, SDL_SCANCODE_PRINTSCREEN, SDL_SCANCODE_SCROLLLOCK,
	SDL_SCANCODE_PAUSE,
	SDL_SCANCODE_GRAVE, SDL_SCANCODE_1, SDL_SCANCODE_2, SDL_SCANCODE_3,
	SDL_SCANCODE_4, SDL_SCANCODE_5, SDL_SCANCODE_6, SDL_SCANCODE_7,
	SDL_SCANCODE_8, SDL_SCANCODE_9, SDL_SCANCODE_0, SDL_SCANCODE_MINUS,
	SDL_SCANCODE_EQUALS, SDL_SCANCODE_BACKSPACE,
	SDL_SCANCODE_TAB, SDL_SCANCODE_Q, SDL_SCANCODE_W, SDL_SCANCODE_E,
	SDL_SCANCODE_R, SDL_SCANCODE_T, SDL_SCANCODE_Y, SDL_SCANCODE_U,
	SDL_SCANCODE_I, SDL_SCANCODE_O, SDL_SCANCODE_P,
	SDL_SCANCODE_LEFTBRACKET, SDL_SCANCODE_RIGHTBRACKET,
	SDL_SCANCODE_BACKSLASH,
	SDL_SCANCODE_CAPSLOCK, SDL_SCANCODE_A, SDL_SCANCODE_S, SDL_SCANCODE_D,
	SDL_SCANCODE_F, SDL_SCANCODE_G, SDL_SCANCODE_H, SDL_SCANCODE_J,
	SDL_SCANCODE_K, SDL_SCANCODE_L, SDL_SCANCODE_SEMICOLON,
	SDL_SCANCODE_APOSTROPHE, SDL_SCANCODE_RETURN,
	SDL_SCANCODE_LSHIFT, SDL_SCANCODE_NONUSBACKSLASH, SDL_SCANCODE_Z,
	SDL_SCANCODE_X, SDL_SCANCODE_C, SDL_SCANCODE_V, SDL_SCANCODE_B,
	SDL_SCANCODE_N, SDL_SCANCODE_M, SDL_SCANCODE_COMMA,
	SDL_SCANCODE_PERIOD, SDL_SCANCODE_SLASH, SDL_SCANCODE_RSHIFT,
	SDL_SCANCODE_LCTRL, SDL_SCANCODE_LGUI, SDL_SCANCODE_LALT,
	SDL_SCANCODE_SPACE, SDL_SCANCODE_RALT, SDL_SCANCODE_RGUI,
	SDL_SCANCODE_APPLICATION, SDL_SCANCODE_RCTRL,
	SDL_SCANCODE_INSERT, SDL_SCANCODE_HOME, SDL_SCANCODE_PAGEUP,
	SDL_SCANCODE_DELETE, SDL_SCANCODE_END, SDL_SCANCODE_PAGEDOWN,
	SDL_SCANCODE_UP, SDL_SCANCODE_LEFT, SDL_SCANCODE_DOWN,
	SDL_SCANCODE_RIGHT,
	SDL_SCANCODE_NUMLOCKCLEAR, SDL_SCANCODE_KP_DIVIDE,
	SDL_SCANCODE_KP_MULTIPLY, SDL_SCANCODE_KP_MINUS, SDL_SCANCODE_KP_7,
	SDL_SCANCODE_KP_8, SDL_SCANCODE_KP_9, SDL_SCANCODE_KP_PLUS,
	SDL_SCANCODE_KP_4, SDL_SCANCODE_KP_5, SDL_SCANCODE_KP_6,
	SDL_SCANCODE_KP_1, SDL_SCANCODE_KP_2, SDL_SCANCODE_KP_3,
	SDL_SCANCODE_KP_ENTER, SDL_SCANCODE_KP_0, SDL_SCANCODE_KP_PERIOD,
};

static void test_pc105_complete_and_distinct(void **state)
{
	size_t n = sizeof(pc105) / sizeof(pc105[0]);

	(void)state;
	assert_int_equal(n, 105);
	for (size_t i = 0; i < n; i++) {
		uint16_t code = sdl_scancode_to_set1(pc105[i]);

		if (!code)
			fail_msg("scancode %d has no set-1 code", pc105[i]);
		for (size_t j = 0; j < i; j++)
			if (sdl_scancode_to_set1(pc105[j]) == code)
				fail_msg("scancodes %d and %d share 0x%x",
					 pc105[j], pc105[i], code);
	}
}

/* A make code must leave room for its break code (make | 0x80): plain codes
 * below 0x80, extended ones E0 00..E0 7F, and the only E1 code is Pause. */
static void test_codes_well_formed(void **state)
{
	(void)state;
	for (int sc = 0; sc < SDL_NUM_SCANCODES; sc++) {
		uint16_t code = sdl_scancode_to_set1(sc);

		if (!code || code == INPUT_KEY_PAUSE)
			continue;
		if ((code & 0xff00) != 0 && (code & 0xff00) != INPUT_KEY_EXTENDED)
			fail_msg("scancode %d: 0x%x has a bad prefix", sc, code);
		if ((code & 0xff) == 0 || (code & 0x80))
			fail_msg("scancode %d: 0x%x is no make code", sc, code);
	}
}

static void test_unknown_and_out_of_range(void **state)
{
	(void)state;
	assert_int_equal(sdl_scancode_to_set1(SDL_SCANCODE_UNKNOWN), 0);
	assert_int_equal(sdl_scancode_to_set1(-1), 0);
	assert_int_equal(sdl_scancode_to_set1(SDL_NUM_SCANCODES), 0);
	assert_int_equal(sdl_scancode_to_set1(100000), 0);
	/* keys no PC keyboard has */
	assert_int_equal(sdl_scancode_to_set1(SDL_SCANCODE_AGAIN), 0);
	assert_int_equal(sdl_scancode_to_set1(SDL_SCANCODE_KP_HEXADECIMAL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_codes),
		cmocka_unit_test(test_pc105_complete_and_distinct),
		cmocka_unit_test(test_codes_well_formed),
		cmocka_unit_test(test_unknown_and_out_of_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
