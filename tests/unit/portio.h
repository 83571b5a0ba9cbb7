/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Byte port accesses for device unit tests: through the real trap bus, as
 * the monitor dispatches a guest's IN/OUT, failing the test when nothing
 * answers at the port. Include after <cmocka.h>.
 */
#ifndef TESTS_UNIT_PORTIO_H
#define TESTS_UNIT_PORTIO_H

#include <stdint.h>

#include "devmodel/core/io.h"

static inline uint8_t port_in8(struct io_bus *bus, uint16_t port)
{
	uint64_t v;

	assert_true(io_bus_read(bus, port, 1, &v));
	return v;
}

static inline void port_out8(struct io_bus *bus, uint16_t port, uint8_t v)
{
	assert_true(io_bus_write(bus, port, 1, v));
}

#endif /* TESTS_UNIT_PORTIO_H */
