/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 8042 PS/2 controller (ports 0x60 data, 0x64 status/command) with a
 * PS/2 keyboard (devmodel/input/ps2_keyboard.h) on its first port and a
 * PS/2 mouse (devmodel/input/ps2_mouse.h) on its auxiliary port.
 */
#ifndef DEVMODEL_CHIPSET_I8042_H
#define DEVMODEL_CHIPSET_I8042_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devmodel/core/io.h"
#include "devmodel/core/irq.h"
#include "devmodel/core/timer.h"

#define I8042_DATA_PORT    0x60
#define I8042_COMMAND_PORT 0x64
#define I8042_KBD_IRQ      1
#define I8042_AUX_IRQ      12

struct i8042;
struct ps2_keyboard;
struct ps2_mouse;

/* reset_request: the guest pulsed the CPU reset line (command 0xFE, or
 * output port bit 0 cleared); the machine resets. NULL with errno. */
struct i8042 *i8042_create(struct io_bus *pio, struct irq_line kbd_irq,
			   struct irq_line aux_irq,
			   void (*reset_request)(void *opaque), void *opaque);
void i8042_destroy(struct i8042 *k);
void i8042_reset(struct i8042 *k);
/* The keyboard's typematic repeat runs on this timer list; without it
 * (the state after i8042_create) held keys do not repeat. */
void i8042_attach_timers(struct i8042 *k, struct dm_timer_list *timers);

/* Raw bytes from the keyboard, in its current scan code set, as if keys
 * had produced them; the controller translates them to set 1 when
 * i8042_translating() (the command byte's bit 6, set by SeaBIOS and
 * Linux). All or none; dropped while the keyboard is not scanning.
 * 0 or -ENOSPC. Consoles use i8042_keyboard_event instead. */
int i8042_key_event(struct i8042 *k, const uint8_t *bytes, size_t len);
bool i8042_translating(const struct i8042 *k);
/* The 8042's set-2 -> set-1 translation of one byte (F0 handled apart). */
uint8_t i8042_translate_byte(uint8_t byte);

/* From the consoles' input sink (devmodel/input/input.h): a key, as a set-1
 * code, went down or up; the keyboard sends it in the set the guest uses.
 * And the pointer moved or its buttons changed (PS/2 mouse packets while
 * the guest has reporting on). */
void i8042_keyboard_event(struct i8042 *k, uint16_t code, bool down);
void i8042_mouse_event(struct i8042 *k, int dx, int dy, int dz,
		       unsigned buttons);

/* The devices, for their state (LEDs, scan code set, mouse ID). */
struct ps2_keyboard *i8042_keyboard(struct i8042 *k);
struct ps2_mouse *i8042_mouse(struct i8042 *k);

#endif /* DEVMODEL_CHIPSET_I8042_H */
