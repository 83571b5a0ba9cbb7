/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Two one-port devices firmware and test guests write to:
 *  - the debug console (Bochs/QEMU "port 0xE9 hack", at 0x402 for SeaBIOS):
 *    bytes written go to a character backend; reads return 0xE9 so the
 *    guest can tell it is there;
 *  - isa-debug-exit (0xF4): a write of v ends the monitor with status
 *    (v << 1) | 1, QEMU's convention, never 0, so a guest cannot fake a
 *    clean exit.
 */
#ifndef DEVMODEL_CHIPSET_DEBUGCON_H
#define DEVMODEL_CHIPSET_DEBUGCON_H

#include <stdint.h>

#include "devmodel/core/chardev.h"
#include "devmodel/core/io.h"

#define DEBUGCON_SEABIOS_PORT 0x402
#define DEBUGCON_READBACK     0xe9
#define DEBUG_EXIT_PORT       0xf4

struct debugcon;
struct debug_exit;

/* cd may be NULL (output dropped); it stays the caller's. NULL with errno. */
struct debugcon *debugcon_create(struct io_bus *pio, uint16_t port,
				 struct chardev *cd);
void debugcon_destroy(struct debugcon *dc);

/* iosize: 1, 2 or 4 ports claimed from `port` (guests write the status
 * with outb, or with outw/outl when iosize allows). */
struct debug_exit *debug_exit_create(struct io_bus *pio, uint16_t port,
				     unsigned iosize,
				     void (*exit_request)(void *opaque,
							  int status),
				     void *opaque);
void debug_exit_destroy(struct debug_exit *de);

#endif /* DEVMODEL_CHIPSET_DEBUGCON_H */
