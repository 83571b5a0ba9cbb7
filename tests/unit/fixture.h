/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The unit tests' fake machine, once for all tests (fixture.c, linked into
 * each tests/unit/test-*): the guest's side of the trap buses (port and
 * MMIO accesses as the monitor dispatches a guest's IN/OUT and MMIO exits,
 * PCI configuration mechanism #1), a clock that moves only when a test
 * says so and runs the device model's timers at their deadlines, interrupt
 * lines that record their levels, and guest RAM for DMA.
 *
 * Include after <cmocka.h>: the checked accessors fail the test.
 */
#ifndef TESTS_UNIT_FIXTURE_H
#define TESTS_UNIT_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devmodel/core/guestmem.h"
#include "devmodel/core/io.h"
#include "devmodel/core/irq.h"
#include "devmodel/core/timer.h"

/* ---- the guest's accesses ---------------------------------------------- */

/* A device must answer (the test fails when nothing is at the address):
 * byte, word and dword ports, and any size on any bus (MMIO). */
uint8_t port_in8(struct io_bus *bus, uint16_t port);
uint16_t port_in16(struct io_bus *bus, uint16_t port);
uint32_t port_in32(struct io_bus *bus, uint16_t port);
void port_out8(struct io_bus *bus, uint16_t port, uint8_t value);
void port_out16(struct io_bus *bus, uint16_t port, uint16_t value);
void port_out32(struct io_bus *bus, uint16_t port, uint32_t value);
uint64_t bus_read(struct io_bus *bus, uint64_t addr, unsigned size);
void bus_write(struct io_bus *bus, uint64_t addr, unsigned size,
	       uint64_t value);

/* What a guest sees whether or not a device answers: all ones from
 * nothing (io_bus_read). *hit (may be NULL): whether one answered. */
uint64_t bus_read_any(struct io_bus *bus, uint64_t addr, unsigned size,
		      bool *hit);
bool bus_write_any(struct io_bus *bus, uint64_t addr, unsigned size,
		   uint64_t value);

/* PCI configuration mechanism #1 (PCI Local Bus 3.0, 3.2.2.3.2): the
 * address to port 0xCF8, the data at 0xCFC + (offset & 3). */
uint32_t cfg1_address(unsigned bus, unsigned slot, unsigned fn,
		      unsigned offset);
uint32_t cfg1_read(struct io_bus *ports, unsigned slot, unsigned fn,
		   unsigned offset, unsigned size);
void cfg1_write(struct io_bus *ports, unsigned slot, unsigned fn,
		unsigned offset, unsigned size, uint32_t value);

/* ---- time ----------------------------------------------------------------- */

/* The device model's timers on a clock the test owns (*clock, ns). */
void fake_timers_init(struct dm_timer_list *timers, uint64_t *clock,
		      uint64_t start_ns);
/* The dm_timer_list clock callback: *(uint64_t *)clock. */
uint64_t fake_now(void *clock);
/* Move the clock forward by ns, running each timer at its deadline (a
 * timer a callback re-arms inside the interval runs again). */
void fake_timers_advance(struct dm_timer_list *timers, uint64_t *clock,
			 uint64_t ns);
/* Move the clock to the earliest deadline and run what is due there; the
 * time that took. The test fails when no timer is armed. */
uint64_t fake_timers_run_next(struct dm_timer_list *timers, uint64_t *clock);

/* ---- interrupt lines ---------------------------------------------------- */

#define IRQ_RECORDER_LINES 32

/* Levels as the device last set them, rising edges, and every call. */
struct irq_recorder {
	int level[IRQ_RECORDER_LINES];
	unsigned rises[IRQ_RECORDER_LINES];
	unsigned changes;
	uint32_t lines;		/* handed out: a device raising another fails */
};

/* An irq_line into r (line < IRQ_RECORDER_LINES). */
struct irq_line irq_recorder_line(struct irq_recorder *r, unsigned line);

/* ---- guest RAM ------------------------------------------------------------ */

/* size bytes of zeroed RAM at guest-physical 0, for DMA and fw_cfg. */
struct fake_ram {
	uint8_t *bytes;
	size_t size;
	struct guest_memory mem;
};

void fake_ram_init(struct fake_ram *ram, size_t size);
void fake_ram_free(struct fake_ram *ram);

#endif /* TESTS_UNIT_FIXTURE_H */
