// SPDX-License-Identifier: GPL-2.0
/* The unit tests' fake machine (fixture.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "tests/unit/fixture.h"

/* ---- the guest's accesses ---- */

uint64_t bus_read(struct io_bus *bus, uint64_t addr, unsigned size)
{
	uint64_t v;

	assert_true(io_bus_read(bus, addr, size, &v));
	return v;
}

void bus_write(struct io_bus *bus, uint64_t addr, unsigned size,
	       uint64_t value)
{
	assert_true(io_bus_write(bus, addr, size, value));
}

uint8_t port_in8(struct io_bus *bus, uint16_t port)
{
	return (uint8_t)bus_read(bus, port, 1);
}

uint16_t port_in16(struct io_bus *bus, uint16_t port)
{
	return (uint16_t)bus_read(bus, port, 2);
}

uint32_t port_in32(struct io_bus *bus, uint16_t port)
{
	return (uint32_t)bus_read(bus, port, 4);
}

void port_out8(struct io_bus *bus, uint16_t port, uint8_t value)
{
	bus_write(bus, port, 1, value);
}

void port_out16(struct io_bus *bus, uint16_t port, uint16_t value)
{
	bus_write(bus, port, 2, value);
}

void port_out32(struct io_bus *bus, uint16_t port, uint32_t value)
{
	bus_write(bus, port, 4, value);
}

uint64_t bus_read_any(struct io_bus *bus, uint64_t addr, unsigned size,
		      bool *hit)
{
	uint64_t v;
	bool answered = io_bus_read(bus, addr, size, &v);

	if (hit)
		*hit = answered;
	return v;
}

bool bus_write_any(struct io_bus *bus, uint64_t addr, unsigned size,
		   uint64_t value)
{
	return io_bus_write(bus, addr, size, value);
}

uint32_t cfg1_address(unsigned bus, unsigned slot, unsigned fn,
		      unsigned offset)
{
	return 0x80000000u | bus << 16 | slot << 11 | fn << 8 | (offset & 0xfc);
}

uint32_t cfg1_read(struct io_bus *ports, unsigned slot, unsigned fn,
		   unsigned offset, unsigned size)
{
	bus_write_any(ports, 0xcf8, 4, cfg1_address(0, slot, fn, offset));
	return (uint32_t)bus_read_any(ports, 0xcfc + (offset & 3), size, NULL);
}

void cfg1_write(struct io_bus *ports, unsigned slot, unsigned fn,
		unsigned offset, unsigned size, uint32_t value)
{
	bus_write_any(ports, 0xcf8, 4, cfg1_address(0, slot, fn, offset));
	bus_write_any(ports, 0xcfc + (offset & 3), size, value);
}

/* ---- time ---- */

uint64_t fake_now(void *clock)
{
	return *(uint64_t *)clock;
}

void fake_timers_init(struct dm_timer_list *timers, uint64_t *clock,
		      uint64_t start_ns)
{
	dm_timer_list_init(timers);
	timers->now = fake_now;
	timers->clock_opaque = clock;
	*clock = start_ns;
}

void fake_timers_advance(struct dm_timer_list *timers, uint64_t *clock,
			 uint64_t ns)
{
	uint64_t end = *clock + ns;
	uint64_t next = dm_timers_run(timers, *clock);

	while (next <= end) {
		*clock = next;
		next = dm_timers_run(timers, *clock);
	}
	*clock = end;
}

uint64_t fake_timers_run_next(struct dm_timer_list *timers, uint64_t *clock)
{
	uint64_t before = *clock;

	assert_non_null(timers->head);
	*clock = timers->head->deadline;
	dm_timers_run(timers, *clock);
	return *clock - before;
}

/* ---- interrupt lines ---- */

static void irq_recorder_set_level(void *opaque, unsigned line, int level)
{
	struct irq_recorder *r = opaque;

	assert_true(line < IRQ_RECORDER_LINES && (r->lines >> line & 1));
	if (level && !r->level[line])
		r->rises[line]++;
	r->level[line] = level;
	r->changes++;
}

struct irq_line irq_recorder_line(struct irq_recorder *r, unsigned line)
{
	assert_true(line < IRQ_RECORDER_LINES);
	r->lines |= 1u << line;
	return (struct irq_line){ .set_level = irq_recorder_set_level,
				  .opaque = r, .line = line };
}

/* ---- guest RAM ---- */

void fake_ram_init(struct fake_ram *ram, size_t size)
{
	*ram = (struct fake_ram){ .bytes = calloc(1, size), .size = size };
	assert_non_null(ram->bytes);
	assert_int_equal(guest_memory_add(&ram->mem, 0, size, ram->bytes), 0);
}

void fake_ram_free(struct fake_ram *ram)
{
	free(ram->bytes);
	*ram = (struct fake_ram){ 0 };
}
