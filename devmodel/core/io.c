// SPDX-License-Identifier: GPL-2.0
/*
 * The trap bus (io.h): a sorted array of non-overlapping ranges, looked up
 * by binary search. Buses hold tens of ranges, registration is rare and
 * lookups are on every exit, so an array beats a tree here.
 *
 * A handler may (un)register ranges on its own bus while it runs (a PCI
 * config write moving a BAR): dispatch copies the range's ops and opaque
 * before calling, and touches the array no more after the call.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devmodel/core/io.h"

struct io_range {
	uint64_t base;
	uint64_t last; /* inclusive, so a range may end at 2^64 - 1 */
	const struct io_ops *ops;
	void *opaque;
	char *name;
};

struct io_bus {
	char *name;
	struct io_range *ranges; /* sorted by base */
	size_t nr, capacity;
};

struct io_bus *io_bus_new(const char *name)
{
	struct io_bus *bus = calloc(1, sizeof(*bus));

	if (!bus)
		return NULL;
	bus->name = strdup(name ? name : "io");
	if (!bus->name) {
		free(bus);
		return NULL;
	}
	return bus;
}

void io_bus_free(struct io_bus *bus)
{
	if (!bus)
		return;
	for (size_t i = 0; i < bus->nr; i++)
		free(bus->ranges[i].name);
	free(bus->ranges);
	free(bus->name);
	free(bus);
}

/* Index of the first range whose base is above addr. */
static size_t first_above(const struct io_bus *bus, uint64_t addr)
{
	size_t lo = 0, hi = bus->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (bus->ranges[mid].base <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct io_range *range_containing(struct io_bus *bus, uint64_t addr)
{
	size_t i = first_above(bus, addr);

	if (i == 0 || bus->ranges[i - 1].last < addr)
		return NULL;
	return &bus->ranges[i - 1];
}

static int grow(struct io_bus *bus)
{
	size_t capacity = bus->capacity ? bus->capacity * 2 : 16;
	struct io_range *ranges;

	if (bus->nr < bus->capacity)
		return 0;
	ranges = realloc(bus->ranges, capacity * sizeof(*ranges));
	if (!ranges)
		return -ENOMEM;
	bus->ranges = ranges;
	bus->capacity = capacity;
	return 0;
}

int io_bus_register(struct io_bus *bus, uint64_t base, uint64_t len,
		    const struct io_ops *ops, void *opaque, const char *name)
{
	uint64_t last = base + len - 1;
	size_t i;
	char *copy;

	if (!bus || !ops || len == 0 || last < base)
		return -EINVAL;
	i = first_above(bus, last);
	/* The range just below the new end must end before the new base. */
	if (i > 0 && bus->ranges[i - 1].last >= base)
		return -EEXIST;
	if (grow(bus))
		return -ENOMEM;
	copy = strdup(name ? name : "?");
	if (!copy)
		return -ENOMEM;
	memmove(&bus->ranges[i + 1], &bus->ranges[i],
		(bus->nr - i) * sizeof(*bus->ranges));
	bus->ranges[i] = (struct io_range){ .base = base, .last = last,
					    .ops = ops, .opaque = opaque,
					    .name = copy };
	bus->nr++;
	return 0;
}

int io_bus_unregister(struct io_bus *bus, uint64_t base)
{
	struct io_range *r = bus ? range_containing(bus, base) : NULL;
	size_t i;

	if (!r || r->base != base)
		return -ENOENT;
	i = (size_t)(r - bus->ranges);
	free(r->name);
	memmove(r, r + 1, (bus->nr - i - 1) * sizeof(*r));
	bus->nr--;
	return 0;
}

static bool valid_size(unsigned size)
{
	return size == 1 || size == 2 || size == 4 || size == 8;
}

/* The range holding all of [addr, addr + size), or NULL: an access that
 * straddles a range's end reaches nothing. */
static struct io_range *range_for_access(struct io_bus *bus, uint64_t addr,
					 unsigned size)
{
	struct io_range *r;

	if (!bus || !valid_size(size) || addr + size - 1 < addr)
		return NULL;
	r = range_containing(bus, addr);
	if (!r || addr + size - 1 > r->last)
		return NULL;
	return r;
}

static uint64_t all_ones(unsigned size)
{
	return size >= 8 ? UINT64_MAX : (1ull << (size * 8)) - 1;
}

bool io_bus_read(struct io_bus *bus, uint64_t addr, unsigned size, uint64_t *value)
{
	struct io_range *r = range_for_access(bus, addr, size);
	const struct io_ops *ops;
	void *opaque;
	uint64_t offset;

	if (!r || !r->ops->read) {
		*value = all_ones(size);
		return r != NULL;
	}
	ops = r->ops;
	opaque = r->opaque;
	offset = addr - r->base;
	*value = ops->read(opaque, offset, size) & all_ones(size);
	return true;
}

bool io_bus_write(struct io_bus *bus, uint64_t addr, unsigned size, uint64_t value)
{
	struct io_range *r = range_for_access(bus, addr, size);
	const struct io_ops *ops;
	void *opaque;
	uint64_t offset;

	if (!r)
		return false;
	if (!r->ops->write)
		return true;
	ops = r->ops;
	opaque = r->opaque;
	offset = addr - r->base;
	ops->write(opaque, offset, size, value & all_ones(size));
	return true;
}
