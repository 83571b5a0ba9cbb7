// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the MC146818A RTC and CMOS RAM (devmodel/chipset/rtc.c)
 * through ports 0x70/0x71, with a fake clock and an injected start time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <cmocka.h>

#include "tests/unit/fixture.h"

#include "devmodel/core/io.h"
#include "devmodel/core/timer.h"
#include "devmodel/chipset/rtc.h"

#define MS 1000000ull
#define US 1000ull

struct fixture {
	struct io_bus *bus;
	struct dm_timer_list timers;
	uint64_t clock;
	struct rtc rtc;
	struct irq_recorder irq;	/* IRQ8 */
	bool ack_in_handler;	/* the "guest" reads C on each interrupt */
};

static uint8_t cmos_in(struct fixture *f, uint8_t index);

/* 2024-02-29 13:45:56 UTC, a Thursday */
static time_t start_time(void)
{
	struct tm tm = { .tm_year = 124, .tm_mon = 1, .tm_mday = 29,
			 .tm_hour = 13, .tm_min = 45, .tm_sec = 56 };

	return timegm(&tm);
}

static int setup_with(void **state, bool localtime)
{
	static struct fixture f;
	struct irq_line irq8;

	f = (struct fixture){ .bus = io_bus_new("pio") };
	assert_non_null(f.bus);
	fake_timers_init(&f.timers, &f.clock, 5000 * MS);
	irq8 = irq_recorder_line(&f.irq, 8);
	assert_int_equal(rtc_init(&f.rtc, f.bus, &f.timers, irq8, start_time(),
				  localtime), 0);
	*state = &f;
	return 0;
}

static int setup(void **state)
{
	return setup_with(state, false);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	io_bus_free(f->bus);
	return 0;
}

/* As SeaBIOS does it: NMI masked in the index. */
static uint8_t cmos_in(struct fixture *f, uint8_t index)
{
	port_out8(f->bus, 0x70, 0x80 | index);
	return port_in8(f->bus, 0x71);
}

static void cmos_out(struct fixture *f, uint8_t index, uint8_t val)
{
	port_out8(f->bus, 0x70, 0x80 | index);
	port_out8(f->bus, 0x71, val);
}

/* Move the clock forward, running timers at their deadlines; a guest
 * handler reads register C after each interrupt when asked to. */
static void advance(struct fixture *f, uint64_t ns)
{
	uint64_t end = f->clock + ns;
	uint64_t next = dm_timers_run(&f->timers, f->clock);

	while (next <= end) {
		unsigned before = f->irq.rises[8];

		f->clock = next;
		next = dm_timers_run(&f->timers, f->clock);
		if (f->ack_in_handler && f->irq.rises[8] != before) {
			cmos_in(f, RTC_REG_C);
			next = f->timers.head ? f->timers.head->deadline : UINT64_MAX;
		}
	}
	f->clock = end;
}

static void bcd_time(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(cmos_in(f, RTC_SECONDS), 0x56);
	assert_int_equal(cmos_in(f, RTC_MINUTES), 0x45);
	assert_int_equal(cmos_in(f, RTC_HOURS), 0x13);
	assert_int_equal(cmos_in(f, RTC_DAY_OF_WEEK), 5);
	assert_int_equal(cmos_in(f, RTC_DAY_OF_MONTH), 0x29);
	assert_int_equal(cmos_in(f, RTC_MONTH), 0x02);
	assert_int_equal(cmos_in(f, RTC_YEAR), 0x24);
	assert_int_equal(cmos_in(f, CMOS_CENTURY), 0x20);
	assert_int_equal(cmos_in(f, RTC_REG_D), 0x80);
}

static void binary_and_12_hour(void **state)
{
	struct fixture *f = *state;

	cmos_out(f, RTC_REG_B, RTC_B_DM | RTC_B_24H);
	assert_int_equal(cmos_in(f, RTC_SECONDS), 56);
	assert_int_equal(cmos_in(f, RTC_HOURS), 13);
	assert_int_equal(cmos_in(f, RTC_YEAR), 24);
	cmos_out(f, RTC_REG_B, RTC_B_DM);		/* 12-hour */
	assert_int_equal(cmos_in(f, RTC_HOURS), 0x80 | 1);
	cmos_out(f, RTC_REG_B, 0);			/* BCD, 12-hour */
	assert_int_equal(cmos_in(f, RTC_HOURS), 0x81);
}

static void time_follows_clock_not_reads(void **state)
{
	struct fixture *f = *state;

	f->clock += 2500 * MS;
	assert_int_equal(cmos_in(f, RTC_SECONDS), 0x58);
	for (int i = 0; i < 1000; i++)
		cmos_in(f, RTC_SECONDS);
	assert_int_equal(cmos_in(f, RTC_SECONDS), 0x58);
	f->clock += 3600 * NSEC_PER_SEC;
	assert_int_equal(cmos_in(f, RTC_HOURS), 0x14);
	assert_int_equal(cmos_in(f, RTC_SECONDS), 0x58);
}

static void localtime_flag(void **state)
{
	struct fixture *f;

	setenv("TZ", "EST5", 1);
	tzset();
	setup_with(state, true);
	f = *state;
	assert_int_equal(cmos_in(f, RTC_HOURS), 0x08);
	unsetenv("TZ");
	tzset();
}

/* The second updates 1 s after start; UIP covers the 2228 us before. */
static void uip_window(void **state)
{
	struct fixture *f = *state;
	uint64_t t0 = f->clock;

	f->clock = t0 + NSEC_PER_SEC - 3 * MS;
	assert_int_equal(cmos_in(f, RTC_REG_A), 0x26);
	f->clock = t0 + NSEC_PER_SEC - 100 * US;
	assert_int_equal(cmos_in(f, RTC_REG_A), 0x80 | 0x26);
	assert_int_equal(cmos_in(f, RTC_SECONDS), 0x56);
	f->clock = t0 + NSEC_PER_SEC;
	assert_int_equal(cmos_in(f, RTC_REG_A), 0x26);
	assert_int_equal(cmos_in(f, RTC_SECONDS), 0x57);
	/* SET stops updates, and with them UIP. */
	cmos_out(f, RTC_REG_B, RTC_B_SET | RTC_B_24H);
	f->clock = t0 + 2 * NSEC_PER_SEC - 100 * US;
	assert_int_equal(cmos_in(f, RTC_REG_A), 0x26);
}

static void reg_c_clears_and_lowers_irq(void **state)
{
	struct fixture *f = *state;

	cmos_in(f, RTC_REG_C);
	cmos_out(f, RTC_REG_B, RTC_B_PIE | RTC_B_24H);
	advance(f, 1 * MS);
	assert_int_equal(f->irq.rises[8], 1);
	assert_int_equal(f->irq.level[8], 1);
	assert_int_equal(cmos_in(f, RTC_REG_C), RTC_C_IRQF | RTC_C_PF);
	assert_int_equal(f->irq.level[8], 0);
	assert_int_equal(cmos_in(f, RTC_REG_C), 0);
	/* Without a read of C, IRQ8 stays high: no further edges. */
	advance(f, 100 * MS);
	assert_int_equal(f->irq.rises[8], 2);
	assert_false(dm_timer_pending(&f->rtc.periodic_timer));
}

static void flags_without_enables(void **state)
{
	struct fixture *f = *state;

	cmos_in(f, RTC_REG_C);
	f->clock += 1500 * MS;
	/* PF and UF are set even with their interrupts off; no IRQF. */
	assert_int_equal(cmos_in(f, RTC_REG_C), RTC_C_PF | RTC_C_UF);
	assert_int_equal(f->irq.rises[8], 0);
}

static unsigned interrupts_in_one_second(struct fixture *f, uint8_t reg_a)
{
	cmos_out(f, RTC_REG_A, reg_a);
	cmos_in(f, RTC_REG_C);
	f->irq.rises[8] = 0;
	f->ack_in_handler = true;
	advance(f, NSEC_PER_SEC);
	f->ack_in_handler = false;
	return f->irq.rises[8];
}

static void periodic_rate_from_reg_a(void **state)
{
	struct fixture *f = *state;

	cmos_out(f, RTC_REG_B, RTC_B_PIE | RTC_B_24H);
	assert_int_equal(interrupts_in_one_second(f, 0x26), 1024);
	assert_int_equal(interrupts_in_one_second(f, 0x2F), 2);
	assert_int_equal(interrupts_in_one_second(f, 0x23), 8192);
	assert_int_equal(interrupts_in_one_second(f, 0x21), 256);
	assert_int_equal(interrupts_in_one_second(f, 0x20), 0);
	/* Divider held in reset: nothing. */
	assert_int_equal(interrupts_in_one_second(f, 0x66), 0);
}

static void update_ended_interrupt(void **state)
{
	struct fixture *f = *state;
	uint64_t t0 = f->clock;

	cmos_in(f, RTC_REG_C);
	cmos_out(f, RTC_REG_B, RTC_B_UIE | RTC_B_24H);
	advance(f, NSEC_PER_SEC - 1);
	assert_int_equal(f->irq.rises[8], 0);
	advance(f, 1);
	assert_int_equal(f->irq.rises[8], 1);
	assert_int_equal(cmos_in(f, RTC_REG_C) & (RTC_C_IRQF | RTC_C_UF),
			 RTC_C_IRQF | RTC_C_UF);
	assert_int_equal(f->clock, t0 + NSEC_PER_SEC);
}

static void alarm_interrupt(void **state)
{
	struct fixture *f = *state;

	cmos_out(f, RTC_HOURS_ALARM, 0x13);
	cmos_out(f, RTC_MINUTES_ALARM, 0x45);
	cmos_out(f, RTC_SECONDS_ALARM, 0x59);
	cmos_in(f, RTC_REG_C);
	cmos_out(f, RTC_REG_B, RTC_B_AIE | RTC_B_24H);
	advance(f, 2 * NSEC_PER_SEC + 900 * MS);
	assert_int_equal(f->irq.rises[8], 0);
	advance(f, 100 * MS);		/* 13:45:59 */
	assert_int_equal(f->irq.rises[8], 1);
	assert_int_equal(cmos_in(f, RTC_REG_C) & (RTC_C_IRQF | RTC_C_AF),
			 RTC_C_IRQF | RTC_C_AF);
	/* "Don't care" hours and minutes: every minute at :30. */
	cmos_out(f, RTC_HOURS_ALARM, 0xC0);
	cmos_out(f, RTC_MINUTES_ALARM, 0xFF);
	cmos_out(f, RTC_SECONDS_ALARM, 0x30);
	advance(f, 31 * NSEC_PER_SEC);	/* 13:46:30 */
	assert_int_equal(f->irq.rises[8], 2);
}

static void set_holds_time_for_writes(void **state)
{
	struct fixture *f = *state;

	cmos_out(f, RTC_REG_B, RTC_B_UIE | RTC_B_24H);
	cmos_out(f, RTC_REG_B, RTC_B_SET | RTC_B_UIE | RTC_B_24H);
	assert_int_equal(cmos_in(f, RTC_REG_B), RTC_B_SET | RTC_B_24H);
	cmos_out(f, RTC_SECONDS, 0x00);
	cmos_out(f, RTC_MINUTES, 0x30);
	cmos_out(f, RTC_HOURS, 0x10);
	cmos_out(f, RTC_DAY_OF_MONTH, 0x01);
	cmos_out(f, RTC_MONTH, 0x03);
	f->clock += 5 * NSEC_PER_SEC;
	assert_int_equal(cmos_in(f, RTC_SECONDS), 0x00);
	cmos_out(f, RTC_REG_B, RTC_B_24H);
	assert_int_equal(cmos_in(f, RTC_SECONDS), 0x00);
	assert_int_equal(cmos_in(f, RTC_MINUTES), 0x30);
	assert_int_equal(cmos_in(f, RTC_DAY_OF_WEEK), 6);	/* Friday */
	f->clock += NSEC_PER_SEC;
	assert_int_equal(cmos_in(f, RTC_SECONDS), 0x01);
	assert_int_equal(cmos_in(f, RTC_HOURS), 0x10);
	assert_int_equal(cmos_in(f, RTC_MONTH), 0x03);
}

static void cmos_ram_and_nmi_bit(void **state)
{
	struct fixture *f = *state;

	rtc_cmos_write(&f->rtc, 0x34, 0x12);
	rtc_cmos_write(&f->rtc, 0x5F, 0x03);
	assert_int_equal(cmos_in(f, 0x34), 0x12);
	port_out8(f->bus, 0x70, 0x5F);		/* NMI enabled: same register */
	assert_int_equal(port_in8(f->bus, 0x71), 0x03);
	assert_false(f->rtc.nmi_masked);
	cmos_out(f, 0x3D, 0x32);
	assert_true(f->rtc.nmi_masked);
	assert_int_equal(rtc_cmos_read(&f->rtc, 0x3D), 0x32);
	assert_int_equal(rtc_cmos_read(&f->rtc, 0x10), 0x00);	/* no floppy */
	for (unsigned i = 0x0E; i < 0x80; i++)
		if (i != CMOS_CENTURY)
			cmos_out(f, i, i ^ 0xA5);
	for (unsigned i = 0x0E; i < 0x80; i++)
		if (i != CMOS_CENTURY)
			assert_int_equal(cmos_in(f, i), i ^ 0xA5);
}

static void reset_clears_enables(void **state)
{
	struct fixture *f = *state;

	cmos_out(f, RTC_REG_B, RTC_B_PIE | RTC_B_24H);
	advance(f, 1 * MS);
	assert_int_equal(f->irq.level[8], 1);
	rtc_reset(&f->rtc);
	assert_int_equal(f->irq.level[8], 0);
	assert_int_equal(cmos_in(f, RTC_REG_B), RTC_B_24H);
	assert_int_equal(cmos_in(f, RTC_SECONDS), 0x56);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(bcd_time),
		T(binary_and_12_hour),
		T(time_follows_clock_not_reads),
		cmocka_unit_test_teardown(localtime_flag, teardown),
		T(uip_window),
		T(reg_c_clears_and_lowers_irq),
		T(flags_without_enables),
		T(periodic_rate_from_reg_a),
		T(update_ended_interrupt),
		T(alarm_interrupt),
		T(set_holds_time_for_writes),
		T(cmos_ram_and_nmi_bit),
		T(reset_clears_enables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
