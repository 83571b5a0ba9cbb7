/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SDL scancodes (the USB HID keyboard usages, "HID Usage Tables" 1.12
 * chapter 10, plus SDL's own numbers for consumer keys from 258 on) to the
 * PC scan code set 1 make codes of the input seam (devmodel/input/input.h).
 * SDL scancodes name the key's position, not its symbol: the guest's own
 * keyboard layout then applies, as on a real PC.
 */
#ifndef VMM_CONSOLE_SDL_KEYS_H
#define VMM_CONSOLE_SDL_KEYS_H
#include <stdint.h>

/* The set-1 code (0x01..0x7f, 0xE0xx, INPUT_KEY_PAUSE) of the key with
 * this SDL scancode; 0 for scancodes a PC keyboard has no key for (and for
 * out-of-range values). */
uint16_t sdl_scancode_to_set1(int scancode);

#endif /* VMM_CONSOLE_SDL_KEYS_H */
