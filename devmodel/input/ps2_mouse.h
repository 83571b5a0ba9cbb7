/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A PS/2 mouse on the 8042's auxiliary port, after the IBM PS/2 Technical
 * Reference, pointing device chapter, with Microsoft's IntelliMouse wheel
 * extension (ID 3, 4-byte packets, switched on by the sample-rate knock
 * 200, 100, 80 that Linux's psmouse-base.c and Windows send).
 */
#ifndef DEVMODEL_INPUT_PS2_MOUSE_H
#define DEVMODEL_INPUT_PS2_MOUSE_H

#include <stdbool.h>
#include <stdint.h>

#include "devmodel/input/ps2.h"

struct ps2_mouse;

/* NULL with errno on failure. */
struct ps2_mouse *ps2_mouse_create(struct ps2_port port);
void ps2_mouse_destroy(struct ps2_mouse *m);
/* Power-on state: stream mode, reporting off, ID 0. */
void ps2_mouse_reset(struct ps2_mouse *m);

/* The controller's side: a byte from the host (0xD4), the mouse's output. */
void ps2_mouse_write(struct ps2_mouse *m, uint8_t byte);
bool ps2_mouse_pending(const struct ps2_mouse *m);
uint8_t ps2_mouse_read(struct ps2_mouse *m);

/* The pointer moved (dx right, dy down on the screen, dz wheel towards
 * the user) and these INPUT_BUTTON_* are held now. Stream mode with
 * reporting on: packets now (as many as the motion needs, or later when
 * the output is full); remote mode: counted for the next Read Data. */
void ps2_mouse_motion(struct ps2_mouse *m, int dx, int dy, int dz,
		      unsigned buttons);

/* For tests: the device ID (0, or 3 after the IntelliMouse knock). */
uint8_t ps2_mouse_id(const struct ps2_mouse *m);

#endif /* DEVMODEL_INPUT_PS2_MOUSE_H */
