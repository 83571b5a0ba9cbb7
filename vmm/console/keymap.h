/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Keyboard layouts for consoles that receive X keysyms (VNC, RFC 6143
 * 7.5.4 KeyEvent): which PC key, scan code set 1 (devmodel/input/input.h),
 * the guest must see pressed for a keysym, and with which modifiers, so
 * that the guest's own keyboard layout (the same one, `keymap` in the
 * config) turns it back into the character the user typed.
 *
 * The table is built once from the XKB description of the layout
 * (libxkbcommon + xkb-data) and read-only after: lookups need no lock.
 */
#ifndef VMM_CONSOLE_KEYMAP_H
#define VMM_CONSOLE_KEYMAP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Modifiers the key needs held for its keysym (its XKB shift level). */
#define KEYMAP_SHIFT 0x01
#define KEYMAP_ALTGR 0x02   /* ISO_Level3_Shift, the right Alt key */

struct keymap_key {
	uint16_t code;      /* set-1 make code: 0x01..0x7f, 0xE0xx, INPUT_KEY_PAUSE */
	uint8_t mods;       /* KEYMAP_* */
};

struct keymap;

/* name: a Xen/QEMU keymap name ("en-us", "de", "fr-ch" ...); NULL means
 * "en-us". NULL with a message in err when the name is unknown or its
 * XKB layout cannot be compiled (xkb-data missing). */
struct keymap *keymap_new(const char *name, char *err, size_t errlen);
void keymap_free(struct keymap *km);

/* false: no key of the layout gives this keysym. */
bool keymap_lookup(const struct keymap *km, uint32_t keysym,
		   struct keymap_key *key);

/* The set-1 code of a Linux evdev key code (input-event-codes.h), 0 when
 * the PC keyboard has no such key. */
uint16_t keymap_evdev_to_set1(unsigned evdev);

/* Whether a set-1 code is one of the modifier keys (Shift, Ctrl, Alt,
 * AltGr, the Windows keys). */
bool keymap_is_modifier(uint16_t code);

#endif /* VMM_CONSOLE_KEYMAP_H */
