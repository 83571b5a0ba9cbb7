/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one trap API for port I/O and MMIO: a bus is a set of non-overlapping
 * address ranges, each with a device's read/write callbacks. The monitor
 * owns two buses (ports, memory) and dispatches exits to them; devices
 * register their ranges at creation or when a BAR is programmed.
 *
 * Locking: every call happens under the device-model lock (struct machine),
 * so unregistering a range cannot race with its handler.
 */
#ifndef DEVMODEL_IO_H
#define DEVMODEL_IO_H

#include <stdbool.h>
#include <stdint.h>

struct io_ops {
	/* offset is relative to the range's base; size is 1, 2, 4 or 8 */
	uint64_t (*read)(void *opaque, uint64_t offset, unsigned size);
	void (*write)(void *opaque, uint64_t offset, unsigned size, uint64_t value);
};

struct io_bus;

struct io_bus *io_bus_new(const char *name);
void io_bus_free(struct io_bus *bus);

/* 0, -EEXIST when it overlaps a registered range, -EINVAL, -ENOMEM. */
__attribute__((warn_unused_result))
int io_bus_register(struct io_bus *bus, uint64_t base, uint64_t len,
		    const struct io_ops *ops, void *opaque, const char *name);
/* Remove the range that starts at base: 0 or -ENOENT. */
int io_bus_unregister(struct io_bus *bus, uint64_t base);

/* Dispatch one access. false: nothing there (a read then gives all ones,
 * as on a PC's floating bus, and a write is dropped). */
bool io_bus_read(struct io_bus *bus, uint64_t addr, unsigned size, uint64_t *value);
bool io_bus_write(struct io_bus *bus, uint64_t addr, unsigned size, uint64_t value);

#endif /* DEVMODEL_IO_H */
