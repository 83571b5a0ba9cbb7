// SPDX-License-Identifier: GPL-2.0
/* Unit tests of devmodel/core/guestmem.c: regions, overlap, lookups. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <cmocka.h>

#include "devmodel/core/guestmem.h"

static char low[0xa0000], high[0x100000];

static void regions_translate_and_refuse_overlap(void **state)
{
	struct guest_memory mem = { 0 };

	(void)state;
	assert_int_equal(guest_memory_add(&mem, 0, sizeof(low), low), 0);
	assert_int_equal(guest_memory_add(&mem, 0x100000, sizeof(high), high), 0);
	assert_int_equal(guest_memory_add(&mem, 0x9f000, 0x2000, high), -EEXIST);
	assert_int_equal(guest_memory_add(&mem, 0x1fffff, 1, high), -EEXIST);
	assert_int_equal(guest_memory_add(&mem, 0x300000, 0, high), -EINVAL);

	assert_ptr_equal(guest_memory_ptr(&mem, 0x7c00, 512), low + 0x7c00);
	assert_ptr_equal(guest_memory_ptr(&mem, 0x100010, 16), high + 0x10);
	assert_ptr_equal(guest_memory_ptr(&mem, 0x9ff00, 0x100), low + 0x9ff00);
	assert_null(guest_memory_ptr(&mem, 0x9ff00, 0x101)); /* runs off RAM */
	assert_null(guest_memory_ptr(&mem, 0xb8000, 1));      /* a hole */
	assert_null(guest_memory_ptr(&mem, 0x1fffff, 2));
	assert_null(guest_memory_ptr(&mem, UINT64_MAX, 2));   /* wraps */
}

static void region_table_fills_up(void **state)
{
	struct guest_memory mem = { 0 };

	(void)state;
	for (unsigned i = 0; i < GUEST_MEM_MAX_REGIONS; i++)
		assert_int_equal(guest_memory_add(&mem, i * 0x1000ull, 0x1000, low), 0);
	assert_int_equal(guest_memory_add(&mem, 0x100000, 0x1000, low), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(regions_translate_and_refuse_overlap),
		cmocka_unit_test(region_table_fills_up),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
