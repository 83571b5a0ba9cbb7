// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the 8254 PIT and port 0x61 (devmodel/chipset/i8254.c)
 * through port accesses, on a timer list driven by a fake clock.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/fixture.h"

#include "devmodel/core/io.h"
#include "devmodel/core/timer.h"
#include "devmodel/chipset/i8254.h"

#define MS 1000000ull
#define US 1000ull

struct fixture {
	struct io_bus *bus;
	struct dm_timer_list timers;
	uint64_t clock;
	struct i8254 pit;
	struct irq_recorder irq;	/* IRQ0: rises[0] are its rising edges */
};

static int setup(void **state)
{
	static struct fixture f;
	struct irq_line irq0;

	f = (struct fixture){ .bus = io_bus_new("pio") };
	assert_non_null(f.bus);
	fake_timers_init(&f.timers, &f.clock, 1000 * MS);
	irq0 = irq_recorder_line(&f.irq, 0);
	assert_int_equal(i8254_init(&f.pit, f.bus, &f.timers, irq0), 0);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	io_bus_free(f->bus);
	return 0;
}

/* Move the clock forward, running each timer at its deadline. */
static void advance(struct fixture *f, uint64_t ns)
{
	fake_timers_advance(&f->timers, &f->clock, ns);
}

static void write_count(struct fixture *f, unsigned ch, uint16_t count)
{
	port_out8(f->bus, 0x40 + ch, count & 0xFF);
	port_out8(f->bus, 0x40 + ch, count >> 8);
}

static uint16_t read_count(struct fixture *f, unsigned ch)
{
	uint16_t lo = port_in8(f->bus, 0x40 + ch);

	return lo | port_in8(f->bus, 0x40 + ch) << 8;
}

/* ns of d PIT clocks, rounded up */
static uint64_t clocks(uint64_t d)
{
	return (d * NSEC_PER_SEC + I8254_HZ - 1) / I8254_HZ;
}

static void mode2_periodic_irq0(void **state)
{
	struct fixture *f = *state;

	port_out8(f->bus, 0x43, 0x34);		/* ch0, LSB/MSB, mode 2, binary */
	write_count(f, 0, 1193);	/* ~1 ms, Linux HZ=1000 */
	advance(f, clocks(1193) - 1);
	assert_int_equal(f->irq.rises[0], 1);	/* the control word raised OUT */
	advance(f, 1);
	assert_int_equal(f->irq.rises[0], 2);
	/* Edges at k * 1193 clocks exactly, computed from the clock: over
	 * 10 s that is floor(10 * 1193182 / 1193) = 10001 periods. */
	advance(f, 10 * NSEC_PER_SEC - clocks(1193));
	assert_int_equal(f->irq.rises[0], 1 + 10001);
}

static void mode2_late_callback_coalesces(void **state)
{
	struct fixture *f = *state;

	port_out8(f->bus, 0x43, 0x34);
	write_count(f, 0, 11932);	/* 10 ms */
	f->irq.rises[0] = 0;
	f->clock += 35 * MS;		/* event loop stalled */
	dm_timers_run(&f->timers, f->clock);
	assert_int_equal(f->irq.rises[0], 1);
	/* The next edge is still on the grid: 40 ms after the start. */
	advance(f, clocks(4 * 11932) - 35 * MS - 1);
	assert_int_equal(f->irq.rises[0], 1);
	advance(f, 1);
	assert_int_equal(f->irq.rises[0], 2);
}

static void tiny_period_is_limited(void **state)
{
	struct fixture *f = *state;

	port_out8(f->bus, 0x43, 0x34);
	write_count(f, 0, 2);		/* 596 kHz requested */
	f->irq.rises[0] = 0;
	advance(f, 10 * MS);
	assert_true(f->irq.rises[0] <= 10 * MS / I8254_MIN_IRQ_PERIOD_NS);
	assert_true(f->irq.rises[0] >= 10 * MS / I8254_MIN_IRQ_PERIOD_NS - 2);
	/* The counter itself still runs at full speed. */
	port_out8(f->bus, 0x43, 0x00);
	assert_true(read_count(f, 0) <= 2);
}

static void mode0_one_shot_irq0(void **state)
{
	struct fixture *f = *state;

	port_out8(f->bus, 0x43, 0x30);		/* ch0, LSB/MSB, mode 0 */
	f->irq.rises[0] = 0;
	write_count(f, 0, 1000);
	assert_int_equal(f->irq.level[0], 0);
	advance(f, clocks(1000) - 1);
	assert_int_equal(f->irq.rises[0], 0);
	advance(f, 1);
	assert_int_equal(f->irq.rises[0], 1);
	advance(f, 100 * MS);		/* one shot only */
	assert_int_equal(f->irq.rises[0], 1);
	assert_int_equal(f->irq.level[0], 1);
}

/* SeaBIOS's TSC calibration: gate on, channel 2 mode 0, poll 0x61 bit 5. */
static void channel2_gate_and_port61(void **state)
{
	struct fixture *f = *state;

	port_out8(f->bus, 0x61, 0x01);
	port_out8(f->bus, 0x43, 0xB0);		/* ch2, LSB/MSB, mode 0 */
	write_count(f, 2, 0x2E9B);	/* ~10 ms */
	assert_int_equal(port_in8(f->bus, 0x61) & 0x20, 0);
	f->clock += clocks(0x2E9B) - 1;	/* no timer involved: pure clock */
	assert_int_equal(port_in8(f->bus, 0x61) & 0x20, 0);
	f->clock += 1;
	assert_int_equal(port_in8(f->bus, 0x61) & 0x20, 0x20);
	assert_int_equal(f->irq.rises[0], 0);	/* channel 2 has no IRQ */

	/* Gate low holds the count: it only runs while bit 0 is set. */
	port_out8(f->bus, 0x61, 0x00);
	port_out8(f->bus, 0x43, 0xB0);
	write_count(f, 2, 1000);
	f->clock += 10 * MS;
	assert_int_equal(port_in8(f->bus, 0x61) & 0x20, 0);
	port_out8(f->bus, 0x61, 0x01);
	f->clock += clocks(600);
	port_out8(f->bus, 0x61, 0x00);
	f->clock += 10 * MS;
	assert_int_equal(port_in8(f->bus, 0x61) & 0x20, 0);
	port_out8(f->bus, 0x61, 0x01);
	f->clock += clocks(400);
	assert_int_equal(port_in8(f->bus, 0x61) & 0x20, 0x20);
}

static void port61_bits(void **state)
{
	struct fixture *f = *state;
	uint8_t a, b;

	port_out8(f->bus, 0x61, 0x02);		/* speaker data, gate off */
	a = port_in8(f->bus, 0x61);
	b = port_in8(f->bus, 0x61);
	assert_int_equal(a & 0x0F, 0x02);
	assert_int_equal((a ^ b) & 0x10, 0x10);	/* refresh toggles */
	assert_int_equal(b & 0x0F, 0x02);
}

static void latch_and_read_back(void **state)
{
	struct fixture *f = *state;

	port_out8(f->bus, 0x43, 0x34);		/* ch0 mode 2 */
	write_count(f, 0, 1000);
	f->clock += clocks(100);
	port_out8(f->bus, 0x43, 0x00);		/* latch ch0 */
	f->clock += clocks(300);
	assert_int_equal(read_count(f, 0), 900);	/* the latched value */
	assert_int_equal(read_count(f, 0), 600);	/* live again */

	/* A second latch before reading keeps the first one. */
	port_out8(f->bus, 0x43, 0x00);
	f->clock += clocks(50);
	port_out8(f->bus, 0x43, 0x00);
	assert_int_equal(read_count(f, 0), 600);

	/* Read-back of ch0: status then count. OUT high, RW 3, mode 2. */
	port_out8(f->bus, 0x43, 0xC2);
	f->clock += clocks(10);
	assert_int_equal(port_in8(f->bus, 0x40), 0x80 | 0x30 | 2 << 1);
	assert_int_equal(read_count(f, 0), 550);
	/* Read-back of status only, ch2 unprogrammed after a new control
	 * word: NULL COUNT set, OUT low in mode 0. */
	port_out8(f->bus, 0x43, 0xB0);
	port_out8(f->bus, 0x43, 0xE8);
	assert_int_equal(port_in8(f->bus, 0x42), 0x40 | 0x30);
}

static void access_modes(void **state)
{
	struct fixture *f = *state;

	port_out8(f->bus, 0x43, 0x94);		/* ch2, LSB only, mode 2 */
	port_out8(f->bus, 0x61, 0x01);
	port_out8(f->bus, 0x42, 200);
	assert_int_equal(port_in8(f->bus, 0x42), 200);	/* LSB only each read */
	assert_int_equal(port_in8(f->bus, 0x42), 200);
	f->clock += clocks(50);
	assert_int_equal(port_in8(f->bus, 0x42), 150);

	port_out8(f->bus, 0x43, 0xA4);		/* ch2, MSB only, mode 2 */
	port_out8(f->bus, 0x42, 0x12);		/* count 0x1200 */
	assert_int_equal(port_in8(f->bus, 0x42), 0x12);
	f->clock += clocks(0x100);
	assert_int_equal(port_in8(f->bus, 0x42), 0x11);

	port_out8(f->bus, 0x43, 0xB4);		/* LSB then MSB */
	port_out8(f->bus, 0x42, 0x34);
	port_out8(f->bus, 0x42, 0x12);
	assert_int_equal(port_in8(f->bus, 0x42), 0x34);
	assert_int_equal(port_in8(f->bus, 0x42), 0x12);
	assert_int_equal(port_in8(f->bus, 0x42), 0x34);	/* flip-flop wrapped */
}

static void mode3_square_wave_and_bcd(void **state)
{
	struct fixture *f = *state;

	port_out8(f->bus, 0x61, 0x01);
	port_out8(f->bus, 0x43, 0xB7);		/* ch2, LSB/MSB, mode 3, BCD */
	write_count(f, 2, 0x1000);	/* 1000 decimal */
	assert_int_equal(port_in8(f->bus, 0x61) & 0x20, 0x20);
	f->clock += clocks(499);
	assert_int_equal(port_in8(f->bus, 0x61) & 0x20, 0x20);
	f->clock += clocks(500) - clocks(499);
	assert_int_equal(port_in8(f->bus, 0x61) & 0x20, 0);
	port_out8(f->bus, 0x43, 0x80);		/* latch ch2: counts by 2 from 1000 */
	assert_int_equal(read_count(f, 2), 0x1000);
	f->clock += clocks(1000) - clocks(500);
	assert_int_equal(port_in8(f->bus, 0x61) & 0x20, 0x20);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(mode2_periodic_irq0),
		T(mode2_late_callback_coalesces),
		T(tiny_period_is_limited),
		T(mode0_one_shot_irq0),
		T(channel2_gate_and_port61),
		T(port61_bits),
		T(latch_and_read_back),
		T(access_modes),
		T(mode3_square_wave_and_bcd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
