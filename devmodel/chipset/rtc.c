// SPDX-License-Identifier: GPL-2.0
/*
 * Motorola MC146818A real-time clock plus CMOS RAM.
 * Reference: MC146818A datasheet (Motorola, "Real-Time Clock Plus RAM"):
 * address map, registers A-D, update cycle timing (tBUC = 244 us before an
 * update, 1984 us update cycle at 32.768 kHz), periodic rate table, alarm
 * "don't care" codes (11xxxxxx).
 *
 * Model: the divider chain is a count of 32.768 kHz cycles derived from the
 * clock. Update cycles happen at every 32768th cycle, periodic interrupts
 * every 2^(RS-1) cycles. Flags are computed for the interval since they
 * were last evaluated, whenever the guest touches the chip or a timer
 * fires, so a guest that never reads costs nothing and one that reads in a
 * loop sees exactly the clock.
 */
#include <stddef.h>

#include "devmodel/chipset/rtc.h"

#define RTC_PORT_BASE	0x70
#define RTC_HZ		32768ull
#define CYCLES_PER_SEC	RTC_HZ
/* UIP is set tBUC before the update and stays set through the update cycle;
 * our update is instantaneous at the second boundary, so UIP covers the
 * whole window before it: once UIP reads 0, the time registers stay stable
 * for at least 244 us, which is what the datasheet promises software. */
#define UIP_WINDOW_NS	(244000ull + 1984000ull)
/* Register A DV2-0 = 11x holds the divider in reset; when released the
 * first update comes half a second later. */
#define RTC_A_DV_RESET	0x60
#define DIV_RELEASE_NS	(NSEC_PER_SEC / 2)
#define SECS_PER_DAY	86400
#define ALARM_DONT_CARE	0xC0

/* --- the divider chain ------------------------------------------------------ */

static uint64_t rtc_now(const struct rtc *rtc)
{
	return dm_now(rtc->timers);
}

/* Divider cycles elapsed at clock time now. */
static uint64_t div_cycles(const struct rtc *rtc, uint64_t now)
{
	int64_t ns = (int64_t)now - rtc->div_epoch;

	if (ns < 0)
		return 0;
	return (unsigned __int128)ns * RTC_HZ / NSEC_PER_SEC;
}

/* The first clock time at which cycle has been reached (rounded up). */
static uint64_t cycle_time(const struct rtc *rtc, uint64_t cycle)
{
	uint64_t ns = ((unsigned __int128)cycle * NSEC_PER_SEC + RTC_HZ - 1) / RTC_HZ;

	return (uint64_t)(rtc->div_epoch + (int64_t)ns);
}

static bool rtc_counting(const struct rtc *rtc)
{
	return rtc->div_running && !(rtc->cmos[RTC_REG_B] & RTC_B_SET);
}

/* log2 of the periodic interval in divider cycles, or -1 for none
 * (datasheet, "Periodic Interrupt Rate" table: RS 1 and 2 repeat 8, 9). */
static int periodic_shift(const struct rtc *rtc)
{
	unsigned rs = rtc->cmos[RTC_REG_A] & 0x0F;

	if (rs == 0)
		return -1;
	return rs < 3 ? rs + 6 : rs - 1;
}

/* Seconds shown by the time registers, while counting. */
static int64_t rtc_seconds(const struct rtc *rtc, uint64_t now)
{
	uint64_t idx = div_cycles(rtc, now) / CYCLES_PER_SEC;

	return rtc->secs_base + (int64_t)(idx - rtc->secs_base_idx);
}

/* --- register encoding ------------------------------------------------------ */

static bool rtc_binary(const struct rtc *rtc)
{
	return rtc->cmos[RTC_REG_B] & RTC_B_DM;
}

static uint8_t encode(const struct rtc *rtc, unsigned v)
{
	return rtc_binary(rtc) ? v : (v / 10) << 4 | v % 10;
}

static unsigned decode(const struct rtc *rtc, uint8_t v)
{
	return rtc_binary(rtc) ? v : (v >> 4) * 10 + (v & 15);
}

/* 12-hour mode: 1-12 with bit 7 for PM (datasheet, "Time, Calendar and
 * Alarm Data Modes"). */
static uint8_t encode_hour(const struct rtc *rtc, unsigned h)
{
	if (rtc->cmos[RTC_REG_B] & RTC_B_24H)
		return encode(rtc, h);
	return encode(rtc, h % 12 ? h % 12 : 12) | (h >= 12 ? 0x80 : 0);
}

static unsigned decode_hour(const struct rtc *rtc, uint8_t v)
{
	if (rtc->cmos[RTC_REG_B] & RTC_B_24H)
		return decode(rtc, v);
	return decode(rtc, v & 0x7F) % 12 + (v & 0x80 ? 12 : 0);
}

/* Write the current time into the time registers. */
static void time_to_regs(struct rtc *rtc, int64_t secs)
{
	time_t t = secs;
	struct tm tm;

	gmtime_r(&t, &tm);
	rtc->cmos[RTC_SECONDS] = encode(rtc, tm.tm_sec);
	rtc->cmos[RTC_MINUTES] = encode(rtc, tm.tm_min);
	rtc->cmos[RTC_HOURS] = encode_hour(rtc, tm.tm_hour);
	rtc->cmos[RTC_DAY_OF_WEEK] = encode(rtc, tm.tm_wday + 1);
	rtc->cmos[RTC_DAY_OF_MONTH] = encode(rtc, tm.tm_mday);
	rtc->cmos[RTC_MONTH] = encode(rtc, tm.tm_mon + 1);
	rtc->cmos[RTC_YEAR] = encode(rtc, (tm.tm_year + 1900) % 100);
	rtc->cmos[CMOS_CENTURY] = encode(rtc, (tm.tm_year + 1900) / 100);
}

/* The time the registers hold (the day of week is derived, not read). */
static int64_t regs_to_time(const struct rtc *rtc)
{
	unsigned century = decode(rtc, rtc->cmos[CMOS_CENTURY]);
	unsigned year = decode(rtc, rtc->cmos[RTC_YEAR]);
	struct tm tm = {
		.tm_sec = decode(rtc, rtc->cmos[RTC_SECONDS]),
		.tm_min = decode(rtc, rtc->cmos[RTC_MINUTES]),
		.tm_hour = decode_hour(rtc, rtc->cmos[RTC_HOURS]),
		.tm_mday = decode(rtc, rtc->cmos[RTC_DAY_OF_MONTH]),
		.tm_mon = decode(rtc, rtc->cmos[RTC_MONTH]) - 1,
	};

	if (century < 19 || century > 29)	/* not kept by the guest */
		century = year < 70 ? 20 : 19;
	tm.tm_year = century * 100 + year - 1900;
	return timegm(&tm);
}

static bool is_time_register(unsigned index)
{
	return index <= RTC_YEAR || index == CMOS_CENTURY;
}

/* --- flags and the interrupt ------------------------------------------------ */

static bool alarm_field_matches(const struct rtc *rtc, uint8_t alarm,
				unsigned value, bool hour)
{
	if ((alarm & ALARM_DONT_CARE) == ALARM_DONT_CARE)
		return true;
	return (hour ? decode_hour(rtc, alarm) : decode(rtc, alarm)) == value;
}

static bool alarm_matches(const struct rtc *rtc, int64_t secs)
{
	unsigned tod = ((secs % SECS_PER_DAY) + SECS_PER_DAY) % SECS_PER_DAY;

	return alarm_field_matches(rtc, rtc->cmos[RTC_SECONDS_ALARM], tod % 60, false) &&
	       alarm_field_matches(rtc, rtc->cmos[RTC_MINUTES_ALARM], tod / 60 % 60, false) &&
	       alarm_field_matches(rtc, rtc->cmos[RTC_HOURS_ALARM], tod / 3600, true);
}

/* Did an update in (from, to] reach the alarm time? A day covers them all. */
static bool alarm_between(const struct rtc *rtc, int64_t from, int64_t to)
{
	if (to - from > SECS_PER_DAY)
		from = to - SECS_PER_DAY;
	for (int64_t s = from + 1; s <= to; s++)
		if (alarm_matches(rtc, s))
			return true;
	return false;
}

/* Set PF, UF and AF for what the divider did since the last evaluation.
 * The flags are set whether or not their interrupt is enabled. */
static void rtc_catch_up(struct rtc *rtc, uint64_t now)
{
	uint64_t then = rtc->last_eval;
	uint64_t c0 = div_cycles(rtc, then), c1 = div_cycles(rtc, now);
	int shift = periodic_shift(rtc);
	uint8_t *c = &rtc->cmos[RTC_REG_C];

	rtc->last_eval = now;
	if (!rtc->div_running || c1 <= c0)
		return;
	if (shift >= 0 && (c1 >> shift) > (c0 >> shift))
		*c |= RTC_C_PF;
	if (!rtc_counting(rtc) || c1 / CYCLES_PER_SEC == c0 / CYCLES_PER_SEC)
		return;
	*c |= RTC_C_UF;
	if (alarm_between(rtc, rtc_seconds(rtc, then), rtc_seconds(rtc, now)))
		*c |= RTC_C_AF;
}

/* IRQF = PF.PIE + AF.AIE + UF.UIE; IRQ8 follows it until register C is
 * read (datasheet, "Register C"). */
static void rtc_update_irq(struct rtc *rtc)
{
	uint8_t *c = &rtc->cmos[RTC_REG_C];

	if (*c & rtc->cmos[RTC_REG_B] & (RTC_C_PF | RTC_C_AF | RTC_C_UF))
		*c |= RTC_C_IRQF;
	if (!!(*c & RTC_C_IRQF) != rtc->irq_level) {
		rtc->irq_level = *c & RTC_C_IRQF;
		irq_line_set(&rtc->irq, rtc->irq_level);
	}
}

/* Arm timers only for interrupts that are enabled and whose flag is not
 * already set: a guest that stops reading register C gets no more
 * interrupts, on the real part and here, so nothing needs to fire. */
static void rtc_arm(struct rtc *rtc, uint64_t now)
{
	uint8_t b = rtc->cmos[RTC_REG_B], c = rtc->cmos[RTC_REG_C];
	uint64_t cycles = div_cycles(rtc, now);
	int shift = periodic_shift(rtc);

	dm_timer_del(&rtc->periodic_timer);
	dm_timer_del(&rtc->update_timer);
	if (!rtc->div_running)
		return;
	if ((b & RTC_B_PIE) && !(c & RTC_C_PF) && shift >= 0)
		dm_timer_mod(&rtc->periodic_timer,
			     cycle_time(rtc, ((cycles >> shift) + 1) << shift));
	if (rtc_counting(rtc) &&
	    (((b & RTC_B_UIE) && !(c & RTC_C_UF)) ||
	     ((b & RTC_B_AIE) && !(c & RTC_C_AF))))
		dm_timer_mod(&rtc->update_timer,
			     cycle_time(rtc, (cycles / CYCLES_PER_SEC + 1) * CYCLES_PER_SEC));
}

static void rtc_timer_cb(void *opaque)
{
	struct rtc *rtc = opaque;
	uint64_t now = rtc_now(rtc);

	rtc_catch_up(rtc, now);
	rtc_update_irq(rtc);
	rtc_arm(rtc, now);
}

/* --- registers --------------------------------------------------------------- */

static bool rtc_uip(const struct rtc *rtc, uint64_t now)
{
	uint64_t next = (div_cycles(rtc, now) / CYCLES_PER_SEC + 1) * CYCLES_PER_SEC;

	return rtc_counting(rtc) && cycle_time(rtc, next) - now <= UIP_WINDOW_NS;
}

/* Counting resumes from what the time registers hold, in step with the
 * divider: the next update is at its next second boundary. */
static void resume_from_regs(struct rtc *rtc, uint64_t now)
{
	rtc->secs_base = regs_to_time(rtc);
	rtc->secs_base_idx = div_cycles(rtc, now) / CYCLES_PER_SEC;
}

/* New register A and B values: counting may stop (SET, divider reset), in
 * which case the time registers keep the time, or start again from them. */
static void rtc_set_control(struct rtc *rtc, uint64_t now, uint8_t a, uint8_t b)
{
	bool was_counting = rtc_counting(rtc);
	bool was_running = rtc->div_running;

	if (was_counting)
		time_to_regs(rtc, rtc_seconds(rtc, now));
	rtc->cmos[RTC_REG_A] = a & ~RTC_A_UIP;
	rtc->cmos[RTC_REG_B] = b;
	rtc->div_running = (a & RTC_A_DV_RESET) != RTC_A_DV_RESET;
	if (rtc->div_running && !was_running)
		rtc->div_epoch = (int64_t)now - (int64_t)DIV_RELEASE_NS;
	if (rtc_counting(rtc) && !was_counting)
		resume_from_regs(rtc, now);
}

static void write_reg_b(struct rtc *rtc, uint64_t now, uint8_t val)
{
	uint8_t old = rtc->cmos[RTC_REG_B];

	/* Setting SET also clears UIE (datasheet, "Register B"). */
	if ((val & RTC_B_SET) && !(old & RTC_B_SET))
		val &= ~RTC_B_UIE;
	rtc_set_control(rtc, now, rtc->cmos[RTC_REG_A], val);
}

/* While counting, a written field replaces that field of the running time;
 * while SET is held the registers are just stored until SET is cleared. */
static void write_time_reg(struct rtc *rtc, uint64_t now, unsigned index,
			   uint8_t val)
{
	if (!rtc_counting(rtc)) {
		rtc->cmos[index] = val;
		return;
	}
	time_to_regs(rtc, rtc_seconds(rtc, now));
	rtc->cmos[index] = val;
	resume_from_regs(rtc, now);
}

static uint8_t read_reg_c(struct rtc *rtc, uint64_t now)
{
	uint8_t val = rtc->cmos[RTC_REG_C];

	/* Reading C clears every flag and deasserts IRQ8. */
	rtc->cmos[RTC_REG_C] = 0;
	rtc_update_irq(rtc);
	rtc_arm(rtc, now);
	return val;
}

static uint8_t rtc_read(struct rtc *rtc, unsigned index)
{
	uint64_t now = rtc_now(rtc);

	rtc_catch_up(rtc, now);
	rtc_update_irq(rtc);
	switch (index) {
	case RTC_REG_A:
		return rtc->cmos[RTC_REG_A] | (rtc_uip(rtc, now) ? RTC_A_UIP : 0);
	case RTC_REG_C:
		return read_reg_c(rtc, now);
	case RTC_REG_D:
		return RTC_D_VRT;	/* battery always good */
	default:
		if (is_time_register(index) && rtc_counting(rtc))
			time_to_regs(rtc, rtc_seconds(rtc, now));
		return rtc->cmos[index];
	}
}

static void rtc_write(struct rtc *rtc, unsigned index, uint8_t val)
{
	uint64_t now = rtc_now(rtc);

	rtc_catch_up(rtc, now);
	switch (index) {
	case RTC_REG_A:
		rtc_set_control(rtc, now, val, rtc->cmos[RTC_REG_B]);
		break;
	case RTC_REG_B:
		write_reg_b(rtc, now, val);
		break;
	case RTC_REG_C:
	case RTC_REG_D:
		break;		/* read-only */
	default:
		if (is_time_register(index))
			write_time_reg(rtc, now, index, val);
		else
			rtc->cmos[index] = val;
		break;
	}
	rtc_update_irq(rtc);
	rtc_arm(rtc, now);
}

void rtc_cmos_write(struct rtc *rtc, uint8_t index, uint8_t value)
{
	rtc_write(rtc, index & 0x7F, value);
}

uint8_t rtc_cmos_read(struct rtc *rtc, uint8_t index)
{
	return rtc_read(rtc, index & 0x7F);
}

void rtc_reset(struct rtc *rtc)
{
	uint64_t now = rtc_now(rtc);

	rtc_catch_up(rtc, now);
	rtc->cmos[RTC_REG_B] &= ~(RTC_B_PIE | RTC_B_AIE | RTC_B_UIE | RTC_B_SQWE);
	rtc->cmos[RTC_REG_C] = 0;
	rtc_update_irq(rtc);
	rtc_arm(rtc, now);
}

/* --- ports ------------------------------------------------------------------ */

/* Port 0x70 is write-only on the PC (reads float); bit 7 of the index is
 * the NMI mask, not part of the address. */
static uint64_t rtc_io_read(void *opaque, uint64_t offset, unsigned size)
{
	struct rtc *rtc = opaque;

	(void)size;
	if (offset == 0)
		return 0xFF;
	return rtc_read(rtc, rtc->index);
}

static void rtc_io_write(void *opaque, uint64_t offset, unsigned size,
			 uint64_t value)
{
	struct rtc *rtc = opaque;

	(void)size;
	if (offset == 0) {
		rtc->index = value & 0x7F;
		rtc->nmi_masked = value & 0x80;
		return;
	}
	rtc_write(rtc, rtc->index, value);
}

static const struct io_ops rtc_ops = {
	.read = rtc_io_read,
	.write = rtc_io_write,
};

/* Seconds as the registers count them: UTC, or local time at start's UTC
 * offset (a PC RTC does not follow daylight saving changes by itself). */
static int64_t initial_seconds(time_t start, bool localtime)
{
	struct tm tm;

	if (!localtime || !localtime_r(&start, &tm))
		return start;
	return (int64_t)start + tm.tm_gmtoff;
}

int rtc_init(struct rtc *rtc, struct io_bus *pio, struct dm_timer_list *timers,
	     struct irq_line irq8, time_t start, bool localtime)
{
	uint64_t now;

	*rtc = (struct rtc){ .timers = timers, .irq = irq8 };
	dm_timer_init(&rtc->periodic_timer, timers, rtc_timer_cb, rtc);
	dm_timer_init(&rtc->update_timer, timers, rtc_timer_cb, rtc);
	now = rtc_now(rtc);
	rtc->cmos[RTC_REG_A] = 0x26;	/* 32.768 kHz time base, 1024 Hz */
	rtc->cmos[RTC_REG_B] = RTC_B_24H;
	rtc->div_running = true;
	rtc->div_epoch = now;
	rtc->last_eval = now;
	rtc->secs_base = initial_seconds(start, localtime);
	return io_bus_register(pio, RTC_PORT_BASE, 2, &rtc_ops, rtc, "rtc");
}
