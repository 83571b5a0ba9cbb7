/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Intel 8254 programmable interval timer at ports 0x40-0x43, clocked at
 * 1.193182 MHz, and the PC's System Control Port B at 0x61 (channel 2 gate,
 * speaker data, refresh toggle, channel 2 output).
 *
 * Counters are computed from the timer list's clock, never by counting
 * ticks: a count read is exact whenever it is read, and channel 0's IRQ0
 * edges are scheduled with one dm_timer at absolute times.
 * All calls are made under the device-model lock.
 */
#ifndef DEVMODEL_I8254_H
#define DEVMODEL_I8254_H

#include <stdbool.h>
#include <stdint.h>

#include "devmodel/core/io.h"
#include "devmodel/core/irq.h"
#include "devmodel/core/timer.h"

#define I8254_HZ 1193182ull

/* IRQ0 edges are delivered at most this often (see i8254.c). */
#define I8254_MIN_IRQ_PERIOD_NS 50000ull

struct i8254;

struct i8254_channel {
	struct i8254 *pit;
	uint8_t mode;		/* 0-5 */
	uint8_t access;		/* RW bits: 1 LSB, 2 MSB, 3 LSB then MSB */
	bool bcd;
	bool gate;
	bool loaded;		/* a count was written since the control word */
	bool counting;		/* the counting element runs */
	bool null_count;	/* status bit 6: count written, not yet loaded */
	uint32_t count;		/* count register (0 stands for 65536/10000) */
	uint32_t period;	/* N in the counting element, in clocks */
	/* Clocks elapsed since the counting element was loaded:
	 * base_ticks + ticks between base_ns and now while counting. */
	uint64_t base_ticks;
	uint64_t base_ns;
	/* Access sequencing */
	bool write_msb_next;
	uint8_t write_lsb;
	bool read_msb_next;
	uint8_t latch_bytes;	/* count latch: bytes left to read (0-2) */
	bool latch_msb_next;
	uint16_t latched_count;
	bool status_latched;
	uint8_t status;
	/* Output to an interrupt line (channel 0 only) */
	struct irq_line irq;
	bool has_irq;
	struct dm_timer timer;
};

struct i8254 {
	struct i8254_channel ch[3];
	struct dm_timer_list *timers;
	uint8_t port61;		/* bits 0-3 as written */
	bool refresh_toggle;
};

/* Reset and register 0x40-0x43 and 0x61 on the port bus; channel 0's output
 * drives irq0 (ISA IRQ0, edge). 0 or the negative errno of io_bus_register. */
__attribute__((warn_unused_result))
int i8254_init(struct i8254 *pit, struct io_bus *pio,
	       struct dm_timer_list *timers, struct irq_line irq0);
/* Power-on: channels unprogrammed, channel 2 gate low, timer disarmed. */
void i8254_reset(struct i8254 *pit);

/* Channel 2's OUT as seen on port 0x61 bit 5 (also for a speaker backend). */
bool i8254_channel_out(struct i8254 *pit, unsigned channel);

#endif /* DEVMODEL_I8254_H */
