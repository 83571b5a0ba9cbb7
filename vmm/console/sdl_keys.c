// SPDX-License-Identifier: GPL-2.0
/*
 * SDL scancode -> PC scan code set 1 (sdl_keys.h). The set-1 codes are
 * those of the IBM PC AT keyboard (IBM PS/2 Technical Reference, "Keyboard",
 * scan code set 1) plus the 104/105-key additions (Windows and Menu keys,
 * E0 5B/5C/5D) and the ACPI and multimedia keys as Microsoft's "Keyboard
 * Scan Code Specification" (rev. 1.3a, appendix C) assigns them.
 * Only SDL_scancode.h is used (the enum's values): no SDL library.
 */
#include <SDL_scancode.h>

#include "devmodel/input/input.h"
#include "vmm/console/sdl_keys.h"

#define E(code) (INPUT_KEY_EXTENDED | (code))

static const uint16_t set1_of_scancode[SDL_NUM_SCANCODES] = {
	/* letters: the main block, by position (QWERTY names) */
	[SDL_SCANCODE_A] = 0x1e, [SDL_SCANCODE_B] = 0x30,
	[SDL_SCANCODE_C] = 0x2e, [SDL_SCANCODE_D] = 0x20,
	[SDL_SCANCODE_E] = 0x12, [SDL_SCANCODE_F] = 0x21,
	[SDL_SCANCODE_G] = 0x22, [SDL_SCANCODE_H] = 0x23,
	[SDL_SCANCODE_I] = 0x17, [SDL_SCANCODE_J] = 0x24,
	[SDL_SCANCODE_K] = 0x25, [SDL_SCANCODE_L] = 0x26,
	[SDL_SCANCODE_M] = 0x32, [SDL_SCANCODE_N] = 0x31,
	[SDL_SCANCODE_O] = 0x18, [SDL_SCANCODE_P] = 0x19,
	[SDL_SCANCODE_Q] = 0x10, [SDL_SCANCODE_R] = 0x13,
	[SDL_SCANCODE_S] = 0x1f, [SDL_SCANCODE_T] = 0x14,
	[SDL_SCANCODE_U] = 0x16, [SDL_SCANCODE_V] = 0x2f,
	[SDL_SCANCODE_W] = 0x11, [SDL_SCANCODE_X] = 0x2d,
	[SDL_SCANCODE_Y] = 0x15, [SDL_SCANCODE_Z] = 0x2c,

	/* the digit row */
	[SDL_SCANCODE_1] = 0x02, [SDL_SCANCODE_2] = 0x03,
	[SDL_SCANCODE_3] = 0x04, [SDL_SCANCODE_4] = 0x05,
	[SDL_SCANCODE_5] = 0x06, [SDL_SCANCODE_6] = 0x07,
	[SDL_SCANCODE_7] = 0x08, [SDL_SCANCODE_8] = 0x09,
	[SDL_SCANCODE_9] = 0x0a, [SDL_SCANCODE_0] = 0x0b,

	[SDL_SCANCODE_RETURN] = 0x1c,
	[SDL_SCANCODE_ESCAPE] = 0x01,
	[SDL_SCANCODE_BACKSPACE] = 0x0e,
	[SDL_SCANCODE_TAB] = 0x0f,
	[SDL_SCANCODE_SPACE] = 0x39,
	[SDL_SCANCODE_MINUS] = 0x0c,
	[SDL_SCANCODE_EQUALS] = 0x0d,
	[SDL_SCANCODE_LEFTBRACKET] = 0x1a,
	[SDL_SCANCODE_RIGHTBRACKET] = 0x1b,
	[SDL_SCANCODE_BACKSLASH] = 0x2b,
	/* ISO keyboards: the key left of Enter sends what the ANSI backslash
	 * key sends (one physical key, two HID usages). */
	[SDL_SCANCODE_NONUSHASH] = 0x2b,
	[SDL_SCANCODE_SEMICOLON] = 0x27,
	[SDL_SCANCODE_APOSTROPHE] = 0x28,
	[SDL_SCANCODE_GRAVE] = 0x29,
	[SDL_SCANCODE_COMMA] = 0x33,
	[SDL_SCANCODE_PERIOD] = 0x34,
	[SDL_SCANCODE_SLASH] = 0x35,
	[SDL_SCANCODE_CAPSLOCK] = 0x3a,
	/* the 105th key: ISO's key between left Shift and Z */
	[SDL_SCANCODE_NONUSBACKSLASH] = 0x56,

	/* function keys: F11/F12 came with the 101-key keyboard, hence not
	 * after F10 */
	[SDL_SCANCODE_F1] = 0x3b, [SDL_SCANCODE_F2] = 0x3c,
	[SDL_SCANCODE_F3] = 0x3d, [SDL_SCANCODE_F4] = 0x3e,
	[SDL_SCANCODE_F5] = 0x3f, [SDL_SCANCODE_F6] = 0x40,
	[SDL_SCANCODE_F7] = 0x41, [SDL_SCANCODE_F8] = 0x42,
	[SDL_SCANCODE_F9] = 0x43, [SDL_SCANCODE_F10] = 0x44,
	[SDL_SCANCODE_F11] = 0x57, [SDL_SCANCODE_F12] = 0x58,
	[SDL_SCANCODE_F13] = 0x64, [SDL_SCANCODE_F14] = 0x65,
	[SDL_SCANCODE_F15] = 0x66, [SDL_SCANCODE_F16] = 0x67,
	[SDL_SCANCODE_F17] = 0x68, [SDL_SCANCODE_F18] = 0x69,
	[SDL_SCANCODE_F19] = 0x6a, [SDL_SCANCODE_F20] = 0x6b,
	[SDL_SCANCODE_F21] = 0x6c, [SDL_SCANCODE_F22] = 0x6d,
	[SDL_SCANCODE_F23] = 0x6e, [SDL_SCANCODE_F24] = 0x76,

	/* Print Screen's make code is E0 2A E0 37 on the wire; the E0 2A
	 * (fake shift) is the keyboard device's business, the key is E0 37.
	 * Alt+Print (SysRq) is the same key: the guest sees Alt held. */
	[SDL_SCANCODE_PRINTSCREEN] = E(0x37),
	[SDL_SCANCODE_SCROLLLOCK] = 0x46,
	[SDL_SCANCODE_PAUSE] = INPUT_KEY_PAUSE,

	/* the editing and cursor blocks: extended duplicates of the keypad */
	[SDL_SCANCODE_INSERT] = E(0x52),
	[SDL_SCANCODE_HOME] = E(0x47),
	[SDL_SCANCODE_PAGEUP] = E(0x49),
	[SDL_SCANCODE_DELETE] = E(0x53),
	[SDL_SCANCODE_END] = E(0x4f),
	[SDL_SCANCODE_PAGEDOWN] = E(0x51),
	[SDL_SCANCODE_RIGHT] = E(0x4d),
	[SDL_SCANCODE_LEFT] = E(0x4b),
	[SDL_SCANCODE_DOWN] = E(0x50),
	[SDL_SCANCODE_UP] = E(0x48),

	/* the numeric keypad */
	[SDL_SCANCODE_NUMLOCKCLEAR] = 0x45,
	[SDL_SCANCODE_KP_DIVIDE] = E(0x35),
	[SDL_SCANCODE_KP_MULTIPLY] = 0x37,
	[SDL_SCANCODE_KP_MINUS] = 0x4a,
	[SDL_SCANCODE_KP_PLUS] = 0x4e,
	[SDL_SCANCODE_KP_ENTER] = E(0x1c),
	[SDL_SCANCODE_KP_1] = 0x4f, [SDL_SCANCODE_KP_2] = 0x50,
	[SDL_SCANCODE_KP_3] = 0x51, [SDL_SCANCODE_KP_4] = 0x4b,
	[SDL_SCANCODE_KP_5] = 0x4c, [SDL_SCANCODE_KP_6] = 0x4d,
	[SDL_SCANCODE_KP_7] = 0x47, [SDL_SCANCODE_KP_8] = 0x48,
	[SDL_SCANCODE_KP_9] = 0x49, [SDL_SCANCODE_KP_0] = 0x52,
	[SDL_SCANCODE_KP_PERIOD] = 0x53,
	[SDL_SCANCODE_KP_EQUALS] = 0x59,
	[SDL_SCANCODE_KP_COMMA] = 0x7e,

	/* modifiers; the right-hand ones and the Windows keys are extended */
	[SDL_SCANCODE_LCTRL] = 0x1d,
	[SDL_SCANCODE_LSHIFT] = 0x2a,
	[SDL_SCANCODE_LALT] = 0x38,
	[SDL_SCANCODE_LGUI] = E(0x5b),
	[SDL_SCANCODE_RCTRL] = E(0x1d),
	[SDL_SCANCODE_RSHIFT] = 0x36,
	[SDL_SCANCODE_RALT] = E(0x38),
	[SDL_SCANCODE_RGUI] = E(0x5c),
	[SDL_SCANCODE_APPLICATION] = E(0x5d),

	/* Japanese and Brazilian keyboards (Microsoft's spec, "International
	 * keys") */
	[SDL_SCANCODE_INTERNATIONAL1] = 0x73,   /* Ro, ABNT /? */
	[SDL_SCANCODE_INTERNATIONAL2] = 0x70,   /* Katakana/Hiragana */
	[SDL_SCANCODE_INTERNATIONAL3] = 0x7d,   /* Yen */
	[SDL_SCANCODE_INTERNATIONAL4] = 0x79,   /* Henkan */
	[SDL_SCANCODE_INTERNATIONAL5] = 0x7b,   /* Muhenkan */

	/* ACPI keys */
	[SDL_SCANCODE_POWER] = E(0x5e),
	[SDL_SCANCODE_SLEEP] = E(0x5f),

	/* multimedia and browser keys */
	[SDL_SCANCODE_MUTE] = E(0x20),
	[SDL_SCANCODE_AUDIOMUTE] = E(0x20),
	[SDL_SCANCODE_VOLUMEUP] = E(0x30),
	[SDL_SCANCODE_VOLUMEDOWN] = E(0x2e),
	[SDL_SCANCODE_AUDIONEXT] = E(0x19),
	[SDL_SCANCODE_AUDIOPREV] = E(0x10),
	[SDL_SCANCODE_AUDIOSTOP] = E(0x24),
	[SDL_SCANCODE_AUDIOPLAY] = E(0x22),
	[SDL_SCANCODE_MEDIASELECT] = E(0x6d),
	[SDL_SCANCODE_MAIL] = E(0x6c),
	[SDL_SCANCODE_CALCULATOR] = E(0x21),
	[SDL_SCANCODE_COMPUTER] = E(0x6b),
	[SDL_SCANCODE_WWW] = E(0x32),
	[SDL_SCANCODE_AC_HOME] = E(0x32),
	[SDL_SCANCODE_AC_SEARCH] = E(0x65),
	[SDL_SCANCODE_AC_BOOKMARKS] = E(0x66),
	[SDL_SCANCODE_AC_REFRESH] = E(0x67),
	[SDL_SCANCODE_AC_STOP] = E(0x68),
	[SDL_SCANCODE_AC_FORWARD] = E(0x69),
	[SDL_SCANCODE_AC_BACK] = E(0x6a),
};

uint16_t sdl_scancode_to_set1(int scancode)
{
	if (scancode < 0 || scancode >= SDL_NUM_SCANCODES)
		return 0;
	return set1_of_scancode[scancode];
}
