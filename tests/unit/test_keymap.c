// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the VNC keysym -> set-1 scan code tables
 * (vmm/console/keymap.c), built from xkb-data's layouts: plain and
 * shifted letters, the E0-prefixed keys, the keypad, and what differs
 * between en-us and de (Z/Y swapped, the umlaut keys, AltGr symbols).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <xkbcommon/xkbcommon-keysyms.h>

#include "devmodel/input/input.h"
#include "vmm/console/keymap.h"

static struct keymap *load(const char *name)
{
	char err[256] = "";
	struct keymap *km = keymap_new(name, err, sizeof(err));

	if (!km)
		fail_msg("keymap_new(%s): %s", name, err);
	return km;
}

static void expect(const struct keymap *km, uint32_t keysym, uint16_t code,
		   uint8_t mods)
{
	struct keymap_key k = { 0, 0 };

	if (!keymap_lookup(km, keysym, &k))
		fail_msg("keysym 0x%x: no key", keysym);
	if (k.code != code || k.mods != mods)
		fail_msg("keysym 0x%x: code 0x%x mods %u, want 0x%x mods %u",
			 keysym, k.code, k.mods, code, mods);
}

static void en_us_keys(void **state)
{
	struct keymap *km = load("en-us");

	(void)state;
	expect(km, 'a', 0x1e, 0);
	expect(km, 'A', 0x1e, KEYMAP_SHIFT);
	expect(km, 'z', 0x2c, 0);
	expect(km, 'y', 0x15, 0);
	expect(km, '1', 0x02, 0);
	expect(km, '!', 0x02, KEYMAP_SHIFT);
	expect(km, '@', 0x03, KEYMAP_SHIFT);
	expect(km, ' ', 0x39, 0);
	expect(km, '/', 0x35, 0);
	expect(km, XKB_KEY_Return, 0x1c, 0);
	expect(km, XKB_KEY_Escape, 0x01, 0);
	expect(km, XKB_KEY_BackSpace, 0x0e, 0);
	expect(km, XKB_KEY_Tab, 0x0f, 0);
	expect(km, XKB_KEY_Up, 0xe048, 0);
	expect(km, XKB_KEY_Down, 0xe050, 0);
	expect(km, XKB_KEY_Left, 0xe04b, 0);
	expect(km, XKB_KEY_Right, 0xe04d, 0);
	expect(km, XKB_KEY_Home, 0xe047, 0);
	expect(km, XKB_KEY_Delete, 0xe053, 0);
	expect(km, XKB_KEY_KP_Enter, 0xe01c, 0);
	expect(km, XKB_KEY_KP_Divide, 0xe035, 0);
	expect(km, XKB_KEY_KP_1, 0x4f, 0);
	expect(km, XKB_KEY_KP_End, 0x4f, 0);
	expect(km, XKB_KEY_Control_L, 0x1d, 0);
	expect(km, XKB_KEY_Control_R, 0xe01d, 0);
	expect(km, XKB_KEY_Shift_L, 0x2a, 0);
	expect(km, XKB_KEY_Shift_R, 0x36, 0);
	expect(km, XKB_KEY_Alt_L, 0x38, 0);
	expect(km, XKB_KEY_Alt_R, 0xe038, 0);
	expect(km, XKB_KEY_Super_L, 0xe05b, 0);
	expect(km, XKB_KEY_F1, 0x3b, 0);
	expect(km, XKB_KEY_F12, 0x58, 0);
	expect(km, XKB_KEY_Print, 0xe037, 0);
	expect(km, XKB_KEY_Sys_Req, 0x54, 0);
	expect(km, XKB_KEY_Pause, INPUT_KEY_PAUSE, 0);
	keymap_free(km);
}

static void default_is_en_us(void **state)
{
	struct keymap *km = load(NULL);

	(void)state;
	expect(km, 'y', 0x15, 0);
	expect(km, '@', 0x03, KEYMAP_SHIFT);
	keymap_free(km);
}

static void de_keys(void **state)
{
	struct keymap *km = load("de");

	(void)state;
	expect(km, 'a', 0x1e, 0);
	expect(km, 'A', 0x1e, KEYMAP_SHIFT);
	expect(km, 'z', 0x15, 0);
	expect(km, 'y', 0x2c, 0);
	expect(km, 'Z', 0x15, KEYMAP_SHIFT);
	expect(km, XKB_KEY_adiaeresis, 0x28, 0);
	expect(km, XKB_KEY_odiaeresis, 0x27, 0);
	expect(km, XKB_KEY_udiaeresis, 0x1a, 0);
	expect(km, XKB_KEY_ssharp, 0x0c, 0);
	expect(km, '@', 0x10, KEYMAP_ALTGR);      /* AltGr+Q */
	expect(km, XKB_KEY_EuroSign, 0x12, KEYMAP_ALTGR);
	expect(km, '"', 0x03, KEYMAP_SHIFT);
	expect(km, '<', 0x56, 0);                  /* the ISO key */
	expect(km, XKB_KEY_Return, 0x1c, 0);
	expect(km, XKB_KEY_Up, 0xe048, 0);
	expect(km, XKB_KEY_KP_Enter, 0xe01c, 0);
	expect(km, XKB_KEY_Control_R, 0xe01d, 0);
	expect(km, XKB_KEY_ISO_Level3_Shift, 0xe038, 0);
	expect(km, XKB_KEY_F12, 0x58, 0);
	keymap_free(km);
}

static void other_layouts(void **state)
{
	struct keymap *km;

	(void)state;
	km = load("fr");                          /* AZERTY */
	expect(km, 'a', 0x10, 0);
	expect(km, 'q', 0x1e, 0);
	keymap_free(km);
	km = load("en-gb");
	expect(km, '"', 0x03, KEYMAP_SHIFT);
	expect(km, XKB_KEY_sterling, 0x04, KEYMAP_SHIFT);
	keymap_free(km);
	km = load("fr-ch");
	expect(km, 'z', 0x15, 0);
	keymap_free(km);
}

static void unknown_layout_names_keymap(void **state)
{
	char err[256] = "";

	(void)state;
	assert_null(keymap_new("xx-nowhere", err, sizeof(err)));
	assert_non_null(strstr(err, "keymap"));
	assert_non_null(strstr(err, "xx-nowhere"));
}

static void unmapped_keysym(void **state)
{
	struct keymap *km = load("en-us");
	struct keymap_key k;

	(void)state;
	assert_false(keymap_lookup(km, XKB_KEY_adiaeresis, &k));
	assert_false(keymap_lookup(km, 0x12345678, &k));
	assert_false(keymap_lookup(km, 0, &k));
	keymap_free(km);
}

static void evdev_table(void **state)
{
	(void)state;
	assert_int_equal(keymap_evdev_to_set1(1), 0x01);
	assert_int_equal(keymap_evdev_to_set1(83), 0x53);
	assert_int_equal(keymap_evdev_to_set1(84), 0);
	assert_int_equal(keymap_evdev_to_set1(88), 0x58);
	assert_int_equal(keymap_evdev_to_set1(103), 0xe048);
	assert_int_equal(keymap_evdev_to_set1(0), 0);
	assert_int_equal(keymap_evdev_to_set1(10000), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(en_us_keys),
		cmocka_unit_test(default_is_en_us),
		cmocka_unit_test(de_keys),
		cmocka_unit_test(other_layouts),
		cmocka_unit_test(unknown_layout_names_keymap),
		cmocka_unit_test(unmapped_keysym),
		cmocka_unit_test(evdev_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
