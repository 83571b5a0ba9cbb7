/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A PS/2 (MF II, 101/102/104/105-key) keyboard on the 8042's first port,
 * after the IBM PS/2 Technical Reference, keyboard chapter: its commands
 * (reset, echo, identify, scan code set, LEDs, typematic rate/delay,
 * enable/disable/defaults, the set-3 key-type commands, resend), its
 * 16-byte output buffer and scan code sets 1, 2 and 3.
 *
 * Keys arrive as set-1 codes (devmodel/input/input.h) and leave in the set
 * the guest selected; the keyboard never translates to set 1 itself: that
 * is the 8042's job when its command byte asks for it (chipset/i8042.c).
 */
#ifndef DEVMODEL_INPUT_PS2_KEYBOARD_H
#define DEVMODEL_INPUT_PS2_KEYBOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devmodel/core/timer.h"
#include "devmodel/input/ps2.h"

/* LED bits as command 0xED sets them. */
#define PS2_KBD_LED_SCROLL 0x01
#define PS2_KBD_LED_NUM    0x02
#define PS2_KBD_LED_CAPS   0x04

struct ps2_keyboard;

/* timers: where the typematic repeat runs; NULL = keys do not repeat.
 * NULL with errno on failure. */
struct ps2_keyboard *ps2_keyboard_create(struct ps2_port port,
					 struct dm_timer_list *timers);
void ps2_keyboard_destroy(struct ps2_keyboard *kbd);
/* Power-on state (the BAT passed; nothing waiting). */
void ps2_keyboard_reset(struct ps2_keyboard *kbd);
/* Use this timer list from now on (the machine may attach it after
 * creation); NULL stops any repeat. */
void ps2_keyboard_set_timers(struct ps2_keyboard *kbd,
			     struct dm_timer_list *timers);

/* The controller's side: a byte from the host, and the keyboard's output. */
void ps2_keyboard_write(struct ps2_keyboard *kbd, uint8_t byte);
bool ps2_keyboard_pending(const struct ps2_keyboard *kbd);
uint8_t ps2_keyboard_read(struct ps2_keyboard *kbd);

/* A key (set-1 code, INPUT_KEY_EXTENDED | code, INPUT_KEY_PAUSE) went
 * down or up. A down without an up is a held key: it repeats at the
 * typematic rate until it goes up, another key goes down or the keyboard
 * is disabled. Dropped while scanning is off. */
void ps2_keyboard_key(struct ps2_keyboard *kbd, uint16_t code, bool down);
/* Bytes in the keyboard's current set as if keys had produced them: all
 * of them or none (-ENOSPC); 0 when queued or dropped (scanning off). */
int ps2_keyboard_send_raw(struct ps2_keyboard *kbd, const uint8_t *bytes,
			  size_t len);

/* State for tests and the consoles. */
uint8_t ps2_keyboard_leds(const struct ps2_keyboard *kbd);
unsigned ps2_keyboard_scancode_set(const struct ps2_keyboard *kbd);
bool ps2_keyboard_scanning(const struct ps2_keyboard *kbd);
/* Typematic: delay before the first repeat and the period between
 * repeats, in ns, from the last 0xF3 (or the defaults, 500 ms / 10.9 cps). */
uint64_t ps2_keyboard_repeat_delay_ns(const struct ps2_keyboard *kbd);
uint64_t ps2_keyboard_repeat_period_ns(const struct ps2_keyboard *kbd);

/* Scan code conversion, exposed for tests: the bytes a key sends in `set`
 * (1, 2, 3) going down or up, into out[8]; 0 when the key has no code or
 * sends nothing (Pause's release). `mods` are the PS2_KBD_MOD_* held,
 * which change Print Screen's and Pause's sequences. */
#define PS2_KBD_MOD_SHIFT 0x01
#define PS2_KBD_MOD_CTRL  0x02
#define PS2_KBD_MOD_ALT   0x04
size_t ps2_keyboard_scancode(unsigned set, uint16_t code, bool down,
			     unsigned mods, uint8_t out[8]);

#endif /* DEVMODEL_INPUT_PS2_KEYBOARD_H */
