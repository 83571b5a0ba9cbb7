/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 8042 PS/2 controller (ports 0x60 data, 0x64 status/command) with its
 * keyboard and a mouse port answering a basic PS/2 mouse's replies.
 */
#ifndef DEVMODEL_CHIPSET_I8042_H
#define DEVMODEL_CHIPSET_I8042_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devmodel/core/io.h"
#include "devmodel/core/irq.h"

#define I8042_DATA_PORT    0x60
#define I8042_COMMAND_PORT 0x64
#define I8042_KBD_IRQ      1
#define I8042_AUX_IRQ      12

struct i8042;

/* reset_request: the guest pulsed the CPU reset line (command 0xFE, or
 * output port bit 0 cleared); the machine resets. NULL with errno. */
struct i8042 *i8042_create(struct io_bus *pio, struct irq_line kbd_irq,
			   struct irq_line aux_irq,
			   void (*reset_request)(void *opaque), void *opaque);
void i8042_destroy(struct i8042 *k);
void i8042_reset(struct i8042 *k);

/* A key went down or up (for VNC/SDL consoles): bytes as the guest must
 * read them, i.e. set 1 when i8042_translating() (the command byte's
 * translation bit, set by SeaBIOS and Linux) and the keyboard's current set
 * otherwise. Dropped while the keyboard is not scanning. 0 or -ENOSPC. */
int i8042_key_event(struct i8042 *k, const uint8_t *bytes, size_t len);
bool i8042_translating(const struct i8042 *k);

/* From the consoles' input sink (devmodel/input/input.h): a key, as a set-1
 * code, went down or up; the keyboard sends it in the set the guest uses.
 * And the pointer moved or its buttons changed (PS/2 mouse packets while
 * the guest has reporting on). */
void i8042_keyboard_event(struct i8042 *k, uint16_t code, bool down);
void i8042_mouse_event(struct i8042 *k, int dx, int dy, int dz,
		       unsigned buttons);

#endif /* DEVMODEL_CHIPSET_I8042_H */
