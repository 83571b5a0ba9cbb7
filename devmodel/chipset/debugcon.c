// SPDX-License-Identifier: GPL-2.0
/*
 * Debug console and isa-debug-exit (debugcon.h), as QEMU defines them
 * (hw/char/debugcon.c's readback byte, hw/misc/debugexit.c's status).
 */
#include <errno.h>
#include <stdlib.h>

#include "devmodel/chipset/debugcon.h"

struct debugcon {
	struct io_bus *pio;
	uint16_t port;
	struct chardev *cd;
};

struct debug_exit {
	struct io_bus *pio;
	uint16_t port;
	void (*exit_request)(void *opaque, int status);
	void *opaque;
};

/* ---- debug console */

/* SeaBIOS probes with inb and only writes when it reads 0xE9. */
static uint64_t debugcon_read(void *opaque, uint64_t offset, unsigned size)
{
	(void)opaque;
	(void)offset;
	(void)size;
	return DEBUGCON_READBACK;
}

/* A wider out carries its bytes in port order (little-endian). */
static void debugcon_write(void *opaque, uint64_t offset, unsigned size,
			   uint64_t value)
{
	struct debugcon *dc = opaque;
	uint8_t bytes[8];

	(void)offset;
	for (unsigned i = 0; i < size && i < sizeof(bytes); i++)
		bytes[i] = value >> (8 * i);
	if (dc->cd)
		chardev_write(dc->cd, bytes, size);
}

static const struct io_ops debugcon_ops = {
	.read = debugcon_read,
	.write = debugcon_write,
};

struct debugcon *debugcon_create(struct io_bus *pio, uint16_t port,
				 struct chardev *cd)
{
	struct debugcon *dc = calloc(1, sizeof(*dc));
	int r;

	if (!dc)
		return NULL;
	dc->pio = pio;
	dc->port = port;
	dc->cd = cd;
	r = io_bus_register(pio, port, 1, &debugcon_ops, dc, "debugcon");
	if (r) {
		free(dc);
		errno = -r;
		return NULL;
	}
	return dc;
}

void debugcon_destroy(struct debugcon *dc)
{
	if (!dc)
		return;
	io_bus_unregister(dc->pio, dc->port);
	free(dc);
}

/* ---- isa-debug-exit */

static void debug_exit_write(void *opaque, uint64_t offset, unsigned size,
			     uint64_t value)
{
	struct debug_exit *de = opaque;

	(void)offset;
	(void)size; /* the bus already cut value to the access size */
	if (de->exit_request)
		de->exit_request(de->opaque, (int)((value << 1) | 1));
}

static const struct io_ops debug_exit_ops = {
	.write = debug_exit_write,
};

struct debug_exit *debug_exit_create(struct io_bus *pio, uint16_t port,
				     unsigned iosize,
				     void (*exit_request)(void *opaque,
							  int status),
				     void *opaque)
{
	struct debug_exit *de;
	int r;

	if (iosize != 1 && iosize != 2 && iosize != 4) {
		errno = EINVAL;
		return NULL;
	}
	de = calloc(1, sizeof(*de));
	if (!de)
		return NULL;
	de->pio = pio;
	de->port = port;
	de->exit_request = exit_request;
	de->opaque = opaque;
	r = io_bus_register(pio, port, iosize, &debug_exit_ops, de,
			    "debug-exit");
	if (r) {
		free(de);
		errno = -r;
		return NULL;
	}
	return de;
}

void debug_exit_destroy(struct debug_exit *de)
{
	if (!de)
		return;
	io_bus_unregister(de->pio, de->port);
	free(de);
}
