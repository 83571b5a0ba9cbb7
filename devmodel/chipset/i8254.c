// SPDX-License-Identifier: GPL-2.0
/*
 * Intel 8254 programmable interval timer and PC port 0x61.
 * References: Intel 8254 datasheet (order 231164): control word format,
 * read-back command, counter latch, modes 0-5 and the gate table; Intel
 * 82371FB/SB (PIIX/PIIX3) datasheet for NMI Status and Control (port 0x61).
 *
 * Model: a channel's counting element is described by N (the count it was
 * loaded with) and how many clocks have elapsed since; both the count read
 * back and OUT are functions of the elapsed clocks, which come from the
 * timer list's clock. Nothing ticks: the guest's time is the host's, and a
 * guest polling a count or OUT always sees it move.
 */
#include <stddef.h>

#include "devmodel/chipset/i8254.h"

#define PIT_BASE	0x40
#define PIT_CONTROL	3
#define PORT_61		0x61

/* Port 0x61 bits (PIIX3 "NMI Status and Control Register"). */
#define P61_T2_GATE	0x01
#define P61_WRITABLE	0x0F
#define P61_REFRESH	0x10
#define P61_T2_OUT	0x20

/* Control word (8254 datasheet, "Control Word Format"). */
#define CW_SC_READBACK	3
#define CW_RW_LATCH	0
#define RB_NO_COUNT	0x20	/* read-back: active low latch-count bit */
#define RB_NO_STATUS	0x10	/* read-back: active low latch-status bit */

/*
 * Why IRQ0 is limited to one edge per 50 us: each edge costs a timer
 * expiry in the monitor's event loop, a signal kicking the vCPU and an
 * injection (several microseconds); a guest that programs mode 2 with a
 * count of 1-59 would get 20k-1.2M interrupts per second and make no other
 * progress. Real software stays far below (Linux HZ=1000 is a count of
 * 1193; PC-speaker sample playback in old games uses 8-20 kHz). Only the
 * interrupt rate is limited: counts and OUT read through ports stay exact,
 * and later edges stay on the exact period grid (no drift).
 */

/* --- time ------------------------------------------------------------------ */

static uint64_t ns_to_ticks(uint64_t ns)
{
	return (unsigned __int128)ns * I8254_HZ / NSEC_PER_SEC;
}

/* The first ns at which ticks have elapsed (rounded up). */
static uint64_t ticks_to_ns(uint64_t ticks)
{
	return ((unsigned __int128)ticks * NSEC_PER_SEC + I8254_HZ - 1) / I8254_HZ;
}

static uint64_t pit_now(const struct i8254 *pit)
{
	return dm_now(pit->timers);
}

static uint64_t ch_elapsed(const struct i8254_channel *ch, uint64_t now)
{
	if (!ch->counting)
		return ch->base_ticks;
	return ch->base_ticks + ns_to_ticks(now - ch->base_ns);
}

/* 0 in the count register means the counter's full range. */
static uint32_t ch_modulus(const struct i8254_channel *ch)
{
	return ch->bcd ? 10000 : 65536;
}

static uint32_t bcd_to_bin(uint32_t v)
{
	return (v >> 12 & 15) * 1000 + (v >> 8 & 15) * 100 + (v >> 4 & 15) * 10
	       + (v & 15);
}

static uint16_t bin_to_bcd(uint32_t v)
{
	return (v / 1000 % 10) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4
	       | v % 10;
}

/* --- the counting element ---------------------------------------------------- */

/* Load N from the count register and restart counting (if the gate lets). */
static void ch_start(struct i8254_channel *ch, uint64_t now, bool run)
{
	uint32_t n = ch->bcd ? bcd_to_bin(ch->count) : ch->count;

	ch->period = n ? n : ch_modulus(ch);
	ch->base_ticks = 0;
	ch->base_ns = now;
	ch->counting = run;
	ch->null_count = false;
}

/* OUT after d clocks of counting N (8254 datasheet, "Mode Definitions").
 * Mode 2 is low for the last clock of each period, mode 3 high for the
 * first half (the larger one for odd N), modes 4/5 strobe low at count 0. */
static bool out_after(const struct i8254_channel *ch, uint64_t d)
{
	uint64_t n = ch->period;

	switch (ch->mode) {
	case 0:
	case 1:
		return d >= n;
	case 2:
		return d % n != n - 1;
	case 3:
		return d % n < (n + 1) / 2;
	default:
		return d != n;
	}
}

static bool ch_out(const struct i8254_channel *ch, uint64_t now)
{
	/* After the control word: mode 0 low, every other mode high. */
	if (!ch->loaded || ch->period == 0)
		return ch->mode != 0;
	/* Modes 2 and 3 with the gate low force OUT high. */
	if (!ch->counting && (ch->mode == 2 || ch->mode == 3))
		return true;
	return out_after(ch, ch_elapsed(ch, now));
}

/* The counting element's value after d clocks: modes 0/1/4/5 count down
 * and wrap, mode 2 reloads at 1 -> N, mode 3 counts down by two in each
 * half period. */
static uint32_t value_after(const struct i8254_channel *ch, uint64_t d)
{
	uint32_t mod = ch_modulus(ch);
	uint64_t n = ch->period, p, half;

	switch (ch->mode) {
	case 2:
		return (n - d % n) % mod;
	case 3:
		p = d % n;
		half = (n + 1) / 2;
		if (p >= half)
			p -= half;
		return ((n & ~1ull) - 2 * p) % mod;
	default:
		return (n + mod - d % mod) % mod;
	}
}

static uint16_t ch_value(const struct i8254_channel *ch, uint64_t now)
{
	uint32_t v;

	if (!ch->loaded || ch->period == 0)
		return ch->count;
	v = value_after(ch, ch_elapsed(ch, now));
	return ch->bcd ? bin_to_bcd(v) : v;
}

/* Clocks from the start of counting to OUT's next rising edge after d, or
 * UINT64_MAX when OUT will not rise again without the guest. */
static uint64_t next_rising_edge(const struct i8254_channel *ch, uint64_t d)
{
	uint64_t n = ch->period;

	switch (ch->mode) {
	case 0:
	case 1:
		return d < n ? n : UINT64_MAX;
	case 2:
	case 3:
		return (d / n + 1) * n;
	default:
		return d < n + 1 ? n + 1 : UINT64_MAX;
	}
}

/* --- IRQ0 ------------------------------------------------------------------ */

/* Arm the channel's timer for OUT's next rising edge, at an absolute time
 * computed from the start of counting so periods do not accumulate error.
 * A late callback delivers one edge for all the edges it missed, as the
 * 8259A's edge latch would. */
static void ch_arm(struct i8254_channel *ch, uint64_t now)
{
	uint64_t from = now, edge;

	if (!ch->has_irq)
		return;
	dm_timer_del(&ch->timer);
	if (!ch->loaded || ch->period == 0 || !ch->counting)
		return;
	if ((ch->mode == 2 || ch->mode == 3) &&
	    ticks_to_ns(ch->period) < I8254_MIN_IRQ_PERIOD_NS)
		from = now + I8254_MIN_IRQ_PERIOD_NS;
	edge = next_rising_edge(ch, ch_elapsed(ch, from));
	if (edge == UINT64_MAX)
		return;
	dm_timer_mod(&ch->timer, ch->base_ns + ticks_to_ns(edge - ch->base_ticks));
}

static void ch_set_irq(struct i8254_channel *ch, bool level)
{
	if (ch->has_irq)
		irq_line_set(&ch->irq, level);
}

/* A rising edge of OUT: the line goes (or stays) low for an instant and
 * ends high, which is OUT's level after the edge in every mode. */
static void ch_timer_cb(void *opaque)
{
	struct i8254_channel *ch = opaque;

	ch_set_irq(ch, 0);
	ch_set_irq(ch, 1);
	ch_arm(ch, pit_now(ch->pit));
}

/* --- gate ------------------------------------------------------------------ */

/* 8254 datasheet, "Gate Pin Operations Summary": modes 0/4 pause while the
 * gate is low; modes 1/5 trigger on its rising edge; modes 2/3 stop with
 * OUT high while low and reload on the rising edge. */
static void ch_set_gate(struct i8254_channel *ch, bool gate, uint64_t now)
{
	bool rising = gate && !ch->gate;

	if (gate == ch->gate)
		return;
	ch->gate = gate;
	if (!ch->loaded)
		return;
	if (ch->mode == 0 || ch->mode == 4) {
		if (ch->period == 0)
			return;
		ch->base_ticks = ch_elapsed(ch, now);
		ch->base_ns = now;
		ch->counting = gate;
	} else if (rising) {
		ch_start(ch, now, true);
		if (ch->mode == 1)
			ch_set_irq(ch, 0);	/* one-shot pulse begins */
	} else if (ch->mode == 2 || ch->mode == 3) {
		ch->base_ticks = ch_elapsed(ch, now);
		ch->counting = false;
		ch_set_irq(ch, 1);
	}
	ch_arm(ch, now);
}

/* --- control word and counts ---------------------------------------------- */

static void ch_program(struct i8254_channel *ch, uint8_t cw, uint64_t now)
{
	uint8_t mode = (cw >> 1) & 7;

	ch->mode = mode > 5 ? mode - 4 : mode;	/* 6, 7 are 2, 3 */
	ch->access = (cw >> 4) & 3;
	ch->bcd = cw & 1;
	ch->loaded = false;
	ch->period = 0;
	ch->counting = false;
	ch->null_count = true;
	ch->write_msb_next = false;
	ch->read_msb_next = false;
	ch->latch_bytes = 0;
	ch->status_latched = false;
	ch_set_irq(ch, ch_out(ch, now));
	ch_arm(ch, now);
}

/* The count register is complete: modes 0, 2, 3, 4 (re)start counting now
 * (the real part waits for the next CLK); modes 1 and 5 wait for a gate
 * trigger. A new count in modes 2/3 takes effect at once instead of at the
 * end of the current period, a simplification no PC software relies on. */
static void ch_count_written(struct i8254_channel *ch, uint64_t now)
{
	ch->loaded = true;
	ch->null_count = true;
	if (ch->mode != 1 && ch->mode != 5) {
		ch_start(ch, now, ch->gate);
		ch_set_irq(ch, ch_out(ch, now));
	}
	ch_arm(ch, now);
}

static void ch_write(struct i8254_channel *ch, uint8_t val, uint64_t now)
{
	switch (ch->access) {
	case 1:
		ch->count = val;
		break;
	case 2:
		ch->count = val << 8;
		break;
	default:
		if (!ch->write_msb_next) {
			ch->write_lsb = val;
			ch->write_msb_next = true;
			/* Mode 0: the first byte stops counting, OUT low. */
			if (ch->mode == 0 && ch->loaded) {
				ch->period = 0;
				ch_set_irq(ch, 0);
				ch_arm(ch, now);
			}
			return;
		}
		ch->count = ch->write_lsb | val << 8;
		ch->write_msb_next = false;
		break;
	}
	ch_count_written(ch, now);
}

/* Counter latch command: the first one holds until read. */
static void ch_latch_count(struct i8254_channel *ch, uint64_t now)
{
	if (ch->latch_bytes)
		return;
	ch->latched_count = ch_value(ch, now);
	ch->latch_bytes = ch->access == 3 ? 2 : 1;
	ch->latch_msb_next = ch->access == 2;
}

/* Status byte: OUT, NULL COUNT, RW, mode, BCD (datasheet, "Status Byte"). */
static void ch_latch_status(struct i8254_channel *ch, uint64_t now)
{
	if (ch->status_latched)
		return;
	ch->status = ch_out(ch, now) << 7 | ch->null_count << 6 |
		     ch->access << 4 | ch->mode << 1 | ch->bcd;
	ch->status_latched = true;
}

static uint8_t take_byte(uint16_t v, bool msb)
{
	return msb ? v >> 8 : v & 0xFF;
}

/* Reads return the latched status, then the latched count, then the live
 * count, each byte by byte per the RW mode. */
static uint8_t ch_read(struct i8254_channel *ch, uint64_t now)
{
	bool msb;

	if (ch->status_latched) {
		ch->status_latched = false;
		return ch->status;
	}
	if (ch->latch_bytes) {
		msb = ch->latch_msb_next;
		ch->latch_msb_next = !msb;
		ch->latch_bytes--;
		return take_byte(ch->latched_count, msb);
	}
	msb = ch->access == 2;
	if (ch->access == 3) {
		msb = ch->read_msb_next;
		ch->read_msb_next = !msb;
	}
	return take_byte(ch_value(ch, now), msb);
}

/* Read-back: bits 3-1 select counters 2-0; bits 5/4 (active low) latch
 * count and status. */
static void pit_read_back(struct i8254 *pit, uint8_t cw, uint64_t now)
{
	for (unsigned i = 0; i < 3; i++) {
		if (!(cw & (2u << i)))
			continue;
		if (!(cw & RB_NO_STATUS))
			ch_latch_status(&pit->ch[i], now);
		if (!(cw & RB_NO_COUNT))
			ch_latch_count(&pit->ch[i], now);
	}
}

static void pit_control(struct i8254 *pit, uint8_t cw, uint64_t now)
{
	unsigned sc = cw >> 6;

	if (sc == CW_SC_READBACK)
		pit_read_back(pit, cw, now);
	else if (((cw >> 4) & 3) == CW_RW_LATCH)
		ch_latch_count(&pit->ch[sc], now);
	else
		ch_program(&pit->ch[sc], cw, now);
}

/* --- ports ------------------------------------------------------------------ */

static uint8_t pit_read_port(struct i8254 *pit, unsigned port)
{
	if (port == PIT_CONTROL)
		return 0xFF;	/* the control register is write-only */
	return ch_read(&pit->ch[port], pit_now(pit));
}

static void pit_write_port(struct i8254 *pit, unsigned port, uint8_t val)
{
	uint64_t now = pit_now(pit);

	if (port == PIT_CONTROL)
		pit_control(pit, val, now);
	else
		ch_write(&pit->ch[port], val, now);
}

/* The 8254 is byte-wide; a wider access touches consecutive ports. */
static uint64_t pit_io_read(void *opaque, uint64_t offset, unsigned size)
{
	uint64_t value = ~0ull;

	for (unsigned i = 0; i < size && offset + i < 4; i++) {
		value &= ~(0xFFull << (8 * i));
		value |= (uint64_t)pit_read_port(opaque, offset + i) << (8 * i);
	}
	return value;
}

static void pit_io_write(void *opaque, uint64_t offset, unsigned size,
			 uint64_t value)
{
	for (unsigned i = 0; i < size && offset + i < 4; i++)
		pit_write_port(opaque, offset + i, value >> (8 * i));
}

bool i8254_channel_out(struct i8254 *pit, unsigned channel)
{
	return channel < 3 && ch_out(&pit->ch[channel], pit_now(pit));
}

/* Port 0x61: bit 4 toggles on every read so that delay loops which wait
 * for refresh transitions always progress; bit 5 is channel 2's OUT. */
static uint64_t port61_read(void *opaque, uint64_t offset, unsigned size)
{
	struct i8254 *pit = opaque;
	uint8_t v = pit->port61;

	(void)offset;
	(void)size;
	pit->refresh_toggle = !pit->refresh_toggle;
	if (pit->refresh_toggle)
		v |= P61_REFRESH;
	if (i8254_channel_out(pit, 2))
		v |= P61_T2_OUT;
	return v;
}

static void port61_write(void *opaque, uint64_t offset, unsigned size,
			 uint64_t value)
{
	struct i8254 *pit = opaque;

	(void)offset;
	(void)size;
	pit->port61 = value & P61_WRITABLE;
	ch_set_gate(&pit->ch[2], value & P61_T2_GATE, pit_now(pit));
}

void i8254_reset(struct i8254 *pit)
{
	for (unsigned i = 0; i < 3; i++) {
		struct i8254_channel *ch = &pit->ch[i];

		dm_timer_del(&ch->timer);
		ch->mode = 0;
		ch->access = 3;
		ch->bcd = false;
		ch->count = 0;
		ch->gate = i != 2;	/* channels 0, 1: gate tied high */
		ch_program(ch, 0x30 | i << 6, pit_now(pit));
		ch->null_count = false;
	}
	pit->port61 = 0;
	pit->refresh_toggle = false;
}

static const struct io_ops i8254_ops = {
	.read = pit_io_read,
	.write = pit_io_write,
};

static const struct io_ops port61_ops = {
	.read = port61_read,
	.write = port61_write,
};

int i8254_init(struct i8254 *pit, struct io_bus *pio,
	       struct dm_timer_list *timers, struct irq_line irq0)
{
	int err;

	*pit = (struct i8254){ .timers = timers };
	for (unsigned i = 0; i < 3; i++) {
		pit->ch[i].pit = pit;
		dm_timer_init(&pit->ch[i].timer, timers, ch_timer_cb, &pit->ch[i]);
	}
	pit->ch[0].irq = irq0;
	pit->ch[0].has_irq = true;
	i8254_reset(pit);
	err = io_bus_register(pio, PIT_BASE, 4, &i8254_ops, pit, "i8254");
	if (err)
		return err;
	err = io_bus_register(pio, PORT_61, 1, &port61_ops, pit, "port61");
	if (err)
		io_bus_unregister(pio, PIT_BASE);
	return err;
}
