// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the trap bus (devmodel/core/io.c): registration, overlap,
 * dispatch, straddling accesses, unregistration (also from a handler).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <cmocka.h>

#include "devmodel/core/io.h"

struct recorder {
	unsigned tag;
	unsigned reads, writes;
	uint64_t last_offset;
	unsigned last_size;
	uint64_t last_value;
	/* Optional action from inside the write handler. */
	struct io_bus *bus;
	uint64_t unregister_on_write;
};

static uint64_t rec_read(void *opaque, uint64_t offset, unsigned size)
{
	struct recorder *r = opaque;

	r->reads++;
	r->last_offset = offset;
	r->last_size = size;
	return (uint64_t)r->tag << 8 | offset;
}

static void rec_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	struct recorder *r = opaque;

	r->writes++;
	r->last_offset = offset;
	r->last_size = size;
	r->last_value = value;
	if (r->bus)
		assert_int_equal(io_bus_unregister(r->bus, r->unregister_on_write), 0);
}

static const struct io_ops rec_ops = { .read = rec_read, .write = rec_write };

static int bus_setup(void **state)
{
	*state = io_bus_new("test");
	return *state ? 0 : -1;
}

static int bus_teardown(void **state)
{
	io_bus_free(*state);
	return 0;
}

static void dispatch_reaches_the_right_range(void **state)
{
	struct io_bus *bus = *state;
	struct recorder a = { .tag = 0xa }, b = { .tag = 0xb };
	uint64_t v;

	assert_int_equal(io_bus_register(bus, 0x3f8, 8, &rec_ops, &a, "a"), 0);
	assert_int_equal(io_bus_register(bus, 0x60, 1, &rec_ops, &b, "b"), 0);

	assert_true(io_bus_read(bus, 0x3fd, 2, &v));
	assert_int_equal(v, 0xa05);
	assert_int_equal(a.last_size, 2);
	assert_true(io_bus_read(bus, 0x3fd, 1, &v));
	assert_int_equal(v, 0x05); /* truncated to the size */
	assert_true(io_bus_write(bus, 0x60, 1, 0x1ff));
	assert_int_equal(b.last_offset, 0);
	assert_int_equal(b.last_value, 0xff); /* truncated to the size */
	assert_int_equal(a.writes, 0);
	assert_true(io_bus_read(bus, 0x3f8, 2, &v));
	assert_int_equal(v, 0xa00);
}

static void empty_addresses_float(void **state)
{
	struct io_bus *bus = *state;
	struct recorder a = { .tag = 1 };
	uint64_t v = 0;

	assert_int_equal(io_bus_register(bus, 0x100, 0x10, &rec_ops, &a, "a"), 0);
	assert_false(io_bus_read(bus, 0xff, 1, &v));
	assert_int_equal(v, 0xff);
	assert_false(io_bus_read(bus, 0x110, 4, &v));
	assert_int_equal(v, 0xffffffff);
	assert_false(io_bus_write(bus, 0x110, 1, 0));
	assert_int_equal(a.reads + a.writes, 0);
}

static void overlap_is_refused(void **state)
{
	struct io_bus *bus = *state;
	struct recorder a = { 0 };

	assert_int_equal(io_bus_register(bus, 0x100, 0x10, &rec_ops, &a, "a"), 0);
	assert_int_equal(io_bus_register(bus, 0x100, 0x10, &rec_ops, &a, "x"), -EEXIST);
	assert_int_equal(io_bus_register(bus, 0xf8, 0x9, &rec_ops, &a, "x"), -EEXIST);
	assert_int_equal(io_bus_register(bus, 0x10f, 1, &rec_ops, &a, "x"), -EEXIST);
	assert_int_equal(io_bus_register(bus, 0x80, 0x100, &rec_ops, &a, "x"), -EEXIST);
	/* Adjacent on both sides is fine. */
	assert_int_equal(io_bus_register(bus, 0xf8, 8, &rec_ops, &a, "below"), 0);
	assert_int_equal(io_bus_register(bus, 0x110, 8, &rec_ops, &a, "above"), 0);
	assert_int_equal(io_bus_register(bus, 0x200, 0, &rec_ops, &a, "x"), -EINVAL);
	assert_int_equal(io_bus_register(bus, UINT64_MAX, 2, &rec_ops, &a, "x"), -EINVAL);
	assert_int_equal(io_bus_register(bus, 0x200, 1, NULL, &a, "x"), -EINVAL);
	/* A range may end at the top of the address space. */
	assert_int_equal(io_bus_register(bus, UINT64_MAX - 0xfff, 0x1000, &rec_ops,
					 &a, "top"), 0);
}

static void straddling_access_reaches_nothing(void **state)
{
	struct io_bus *bus = *state;
	struct recorder a = { .tag = 1 }, b = { .tag = 2 };
	uint64_t v;

	assert_int_equal(io_bus_register(bus, 0xcf8, 4, &rec_ops, &a, "a"), 0);
	assert_int_equal(io_bus_register(bus, 0xcfc, 4, &rec_ops, &b, "b"), 0);
	assert_false(io_bus_read(bus, 0xcfa, 4, &v));
	assert_int_equal(v, 0xffffffff);
	assert_false(io_bus_write(bus, 0xcff, 2, 0));
	assert_int_equal(a.reads + a.writes + b.reads + b.writes, 0);
	assert_true(io_bus_read(bus, 0xcfe, 2, &v));
	assert_int_equal(v, 0x202);
	assert_false(io_bus_read(bus, 0xcfc, 3, &v)); /* not an access size */
}

static void unregister_removes_only_that_range(void **state)
{
	struct io_bus *bus = *state;
	struct recorder a = { .tag = 1 }, b = { .tag = 2 };
	uint64_t v;

	assert_int_equal(io_bus_register(bus, 0x1000, 0x100, &rec_ops, &a, "a"), 0);
	assert_int_equal(io_bus_register(bus, 0x2000, 0x100, &rec_ops, &b, "b"), 0);
	assert_int_equal(io_bus_unregister(bus, 0x1010), -ENOENT); /* not a base */
	assert_int_equal(io_bus_unregister(bus, 0x3000), -ENOENT);
	assert_int_equal(io_bus_unregister(bus, 0x1000), 0);
	assert_false(io_bus_read(bus, 0x1000, 1, &v));
	assert_true(io_bus_read(bus, 0x2004, 2, &v));
	assert_int_equal(v, 0x204);
	assert_int_equal(io_bus_unregister(bus, 0x1000), -ENOENT);
	/* The space is free again, even for a larger range. */
	assert_int_equal(io_bus_register(bus, 0x1000, 0x1000, &rec_ops, &a, "a2"), 0);
	assert_true(io_bus_read(bus, 0x1800, 2, &v));
	assert_int_equal(v, 0x100 | 0x800);
}

static void handler_may_unregister_ranges(void **state)
{
	struct io_bus *bus = *state;
	struct recorder self = { .tag = 1 }, other = { .tag = 2 };
	uint64_t v;

	assert_int_equal(io_bus_register(bus, 0x10, 1, &rec_ops, &other, "other"), 0);
	assert_int_equal(io_bus_register(bus, 0x20, 1, &rec_ops, &self, "self"), 0);
	self.bus = bus;
	self.unregister_on_write = 0x10;
	assert_true(io_bus_write(bus, 0x20, 1, 1));
	assert_false(io_bus_read(bus, 0x10, 1, &v));
	self.unregister_on_write = 0x20;
	assert_true(io_bus_write(bus, 0x20, 1, 2));
	assert_int_equal(self.last_value, 2);
	assert_false(io_bus_read(bus, 0x20, 1, &v));
}

/* Many ranges registered out of order: every one found, gaps empty. */
static void many_ranges_stay_sorted(void **state)
{
	struct io_bus *bus = *state;
	struct recorder recs[64];
	uint64_t v;

	for (unsigned i = 0; i < 64; i++) {
		unsigned slot = (i * 37) % 64; /* a permutation of 0..63 */

		recs[slot] = (struct recorder){ .tag = slot };
		assert_int_equal(io_bus_register(bus, 0x100000 + slot * 0x100, 0x80,
						 &rec_ops, &recs[slot], "r"), 0);
	}
	for (unsigned slot = 0; slot < 64; slot++) {
		assert_true(io_bus_read(bus, 0x100000 + slot * 0x100 + 0x7e, 2, &v));
		assert_int_equal(v, (uint64_t)slot << 8 | 0x7e);
		assert_false(io_bus_read(bus, 0x100000 + slot * 0x100 + 0x80, 1, &v));
	}
}

static void range_without_read_handler_reads_ones(void **state)
{
	static const struct io_ops write_only = { .write = rec_write };
	struct io_bus *bus = *state;
	struct recorder a = { 0 };
	uint64_t v;

	assert_int_equal(io_bus_register(bus, 0x80, 1, &write_only, &a, "post"), 0);
	assert_true(io_bus_read(bus, 0x80, 1, &v));
	assert_int_equal(v, 0xff);
	assert_true(io_bus_write(bus, 0x80, 1, 0x42));
	assert_int_equal(a.last_value, 0x42);
}

#define T(f) cmocka_unit_test_setup_teardown(f, bus_setup, bus_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(dispatch_reaches_the_right_range),
		T(empty_addresses_float),
		T(overlap_is_refused),
		T(straddling_access_reaches_nothing),
		T(unregister_removes_only_that_range),
		T(handler_may_unregister_ranges),
		T(many_ranges_stay_sorted),
		T(range_without_read_handler_reads_ones),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
