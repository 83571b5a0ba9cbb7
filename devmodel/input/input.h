/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The input seam (design.md, "Display"): consoles (VNC, SDL) turn their
 * library's key and pointer events into these, and the machine hands them
 * to the input devices (the i8042's keyboard and PS/2 mouse).
 *
 * Keys are PC scan code set 1 make codes: 0x01..0x7f for the plain keys,
 * 0xE0xx for the extended ones (0xE048 cursor up, 0xE01D right Ctrl ...),
 * INPUT_KEY_PAUSE for Pause. The keyboard device sends the set the guest
 * chose (set 1 when the controller translates, set 2 or 3 otherwise).
 */
#ifndef DEVMODEL_INPUT_INPUT_H
#define DEVMODEL_INPUT_INPUT_H
#include <stdbool.h>
#include <stdint.h>

#define INPUT_KEY_EXTENDED 0xe000
#define INPUT_KEY_PAUSE    0xe11d  /* set 1: E1 1D 45 E1 9D C5, make only */

/* Buttons held, as a mask. */
#define INPUT_BUTTON_LEFT   0x01
#define INPUT_BUTTON_RIGHT  0x02
#define INPUT_BUTTON_MIDDLE 0x04

/* What the machine gives each console. Called from the console's thread
 * with no lock held; the machine takes the device-model lock. */
struct input_sink {
	void (*key)(void *opaque, uint16_t code, bool down);
	/* Relative motion: dx right, dy down (screen direction), dz wheel
	 * (positive = towards the user, "scroll down"); buttons held now. */
	void (*pointer)(void *opaque, int dx, int dy, int dz, unsigned buttons);
	void *opaque;
};

#endif /* DEVMODEL_INPUT_INPUT_H */
