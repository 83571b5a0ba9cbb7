// SPDX-License-Identifier: GPL-2.0
/*
 * Intel 8259A programmable interrupt controller, master/slave pair.
 * References: Intel 8259A datasheet (order 231468), "Programming the 8259A"
 * (ICW1-ICW4, OCW1-OCW3, priority and EOI modes); Intel 82371FB/SB
 * (PIIX/PIIX3) datasheet §4.1 for the ELCR and the PC wiring.
 */
#include <stddef.h>

#include "devmodel/chipset/i8259.h"

#define PIC_MASTER_BASE	0x20
#define PIC_SLAVE_BASE	0xA0
#define PIC_CASCADE_IRQ	2
#define PIC_SPURIOUS_IR	7

/* ICW1/OCW2/OCW3 bits (8259A datasheet, "Initialization Command Words" and
 * "Operation Command Words"). */
#define ICW1_IC4	0x01
#define ICW1_SNGL	0x02
#define ICW1_SELECT	0x10	/* A0=0, D4=1: ICW1 */
#define OCW3_SELECT	0x08	/* A0=0, D4=0, D3=1: OCW3 (else OCW2) */
#define OCW3_RIS	0x01
#define OCW3_RR		0x02
#define OCW3_P		0x04
#define OCW3_SMM	0x20
#define OCW3_ESMM	0x40
#define ICW4_AEOI	0x02
#define ICW4_SFNM	0x10

/* PIIX3 ELCR: IRQ 0, 1, 2, 8 and 13 are reserved and must stay edge. */
#define ELCR_EDGE_ONLY	0x2107

/* --- one chip ------------------------------------------------------------ */

/* 0 is the highest priority; rotation moves which IR has it. */
static unsigned priority(const struct i8259_chip *c, unsigned ir)
{
	return (ir - c->highest_prio) & 7;
}

/* The IR of highest priority among bits, or -1. */
static int highest_of(const struct i8259_chip *c, uint8_t bits)
{
	for (unsigned p = 0; p < 8; p++) {
		unsigned ir = (c->highest_prio + p) & 7;

		if (bits & (1u << ir))
			return ir;
	}
	return -1;
}

/* The request this chip signals on INT, or -1: the highest unmasked request
 * whose priority is above every IR in service. In special mask mode only
 * unmasked in-service levels inhibit (datasheet, "Special Mask Mode"); in
 * special fully nested mode a slave in service does not lock out further
 * requests from the same slave ("Special Fully Nested Mode"). */
static int chip_pending(const struct i8259_chip *c)
{
	int req = highest_of(c, c->irr & ~c->imr);
	uint8_t blocking = c->special_mask ? c->isr & ~c->imr : c->isr;
	int in_service = highest_of(c, blocking);

	if (req < 0 || in_service < 0)
		return req;
	if (priority(c, req) < priority(c, in_service))
		return req;
	if (c->is_master && c->special_fully_nested &&
	    req == PIC_CASCADE_IRQ && in_service == PIC_CASCADE_IRQ)
		return req;
	return -1;
}

/* An IR input changed. Edge mode latches a rising edge in IRR until INTA;
 * level mode has IRR follow the input (datasheet, "Edge and Level Triggered
 * Modes"; the PIIX ELCR selects the mode per input). */
static void chip_set_input(struct i8259_chip *c, unsigned ir, bool high)
{
	uint8_t bit = 1u << ir;

	if (high && !(c->lines & bit))
		c->irr |= bit;
	else if (!high && (c->elcr & bit))
		c->irr &= ~bit;
	c->lines = high ? c->lines | bit : c->lines & ~bit;
}

/* The chip's part of an INTA cycle for request ir. */
static void chip_ack(struct i8259_chip *c, unsigned ir)
{
	uint8_t bit = 1u << ir;

	if (!c->auto_eoi)
		c->isr |= bit;
	else if (c->rotate_on_aeoi)
		c->highest_prio = (ir + 1) & 7;
	if (!(c->elcr & bit))
		c->irr &= ~bit;
}

static void chip_reset(struct i8259_chip *c, bool is_master)
{
	uint8_t lines = c->lines;

	*c = (struct i8259_chip){ .lines = lines, .is_master = is_master };
}

/* --- the pair -------------------------------------------------------------- */

/* Propagate the slave's INT to the master's IR2 and the master's INT to the
 * CPU; tell the monitor when INTR rose. */
static void pic_update(struct i8259 *pic)
{
	struct i8259_chip *master = &pic->chip[0];
	bool was_high = pic->intr;

	chip_set_input(master, PIC_CASCADE_IRQ, chip_pending(&pic->chip[1]) >= 0);
	pic->intr = chip_pending(master) >= 0;
	if (pic->intr && !was_high && pic->output_changed)
		pic->output_changed(pic->opaque);
}

void i8259_set_irq(struct i8259 *pic, unsigned irq, int level)
{
	if (irq >= 16)
		return;
	chip_set_input(&pic->chip[irq >> 3], irq & 7, level != 0);
	pic_update(pic);
}

void i8259_irq_handler(void *opaque, unsigned irq, int level)
{
	i8259_set_irq(opaque, irq, level);
}

struct irq_line i8259_irq_line(struct i8259 *pic, unsigned irq)
{
	return (struct irq_line){ .set_level = i8259_irq_handler,
				  .opaque = pic, .line = irq };
}

void i8259_set_elcr(struct i8259 *pic, uint16_t mask)
{
	mask &= ~ELCR_EDGE_ONLY;
	for (unsigned i = 0; i < 2; i++) {
		struct i8259_chip *c = &pic->chip[i];

		c->elcr = mask >> (8 * i);
		/* A level input requests exactly while it is high. */
		c->irr = (c->irr & ~c->elcr) | (c->lines & c->elcr);
	}
	pic_update(pic);
}

bool i8259_has_interrupt(const struct i8259 *pic)
{
	return chip_pending(&pic->chip[0]) >= 0;
}

/* The slave's half of an INTA cycle started on the master's IR2. */
static int ack_slave(struct i8259_chip *slave)
{
	int ir = chip_pending(slave);

	if (ir < 0)	/* request withdrawn: the slave answers IR7 */
		return slave->vector_base + PIC_SPURIOUS_IR;
	chip_ack(slave, ir);
	return slave->vector_base + ir;
}

int i8259_acknowledge(struct i8259 *pic)
{
	struct i8259_chip *master = &pic->chip[0];
	int ir = chip_pending(master);
	int vector;

	if (ir < 0) {
		/* No request at INTA: the 8259A answers with IR7's vector
		 * and sets no ISR bit (datasheet, "Interrupt Sequence"). */
		vector = master->vector_base + PIC_SPURIOUS_IR;
	} else {
		chip_ack(master, ir);
		if (ir == PIC_CASCADE_IRQ && !master->single)
			vector = ack_slave(&pic->chip[1]);
		else
			vector = master->vector_base + ir;
	}
	pic_update(pic);
	return vector;
}

void i8259_reset(struct i8259 *pic)
{
	chip_reset(&pic->chip[0], true);
	chip_reset(&pic->chip[1], false);
	pic->intr = false;
	pic_update(pic);
}

/* --- command words ------------------------------------------------------- */

/* ICW1 starts initialization: IMR and ISR cleared, IR7 lowest priority,
 * special mask mode off, IRR selected for reads, and the edge sense latches
 * reset (an edge input high now must fall and rise again to request). */
static void write_icw1(struct i8259_chip *c, uint8_t val)
{
	c->icw4_expected = val & ICW1_IC4;
	c->single = val & ICW1_SNGL;
	c->imr = 0;
	c->isr = 0;
	c->irr = c->lines & c->elcr;
	c->highest_prio = 0;
	c->special_mask = false;
	c->read_isr = false;
	c->poll = false;
	c->rotate_on_aeoi = false;
	if (!c->icw4_expected) {
		c->auto_eoi = false;
		c->special_fully_nested = false;
	}
	/* ICW1 bit 3 (LTIM) is ignored: on PIIX3 the ELCR decides. */
	c->init_step = 2;
}

static void write_icw(struct i8259_chip *c, uint8_t val)
{
	switch (c->init_step) {
	case 2:
		c->vector_base = val & 0xF8;	/* x86 mode: T7-T3 */
		c->init_step = !c->single ? 3 : c->icw4_expected ? 4 : 0;
		break;
	case 3:
		c->icw3 = val;			/* cascade wiring: fixed on a PC */
		c->init_step = c->icw4_expected ? 4 : 0;
		break;
	default:
		c->auto_eoi = val & ICW4_AEOI;
		c->special_fully_nested = val & ICW4_SFNM;
		c->init_step = 0;
		break;
	}
}

/* OCW2: R, SL, EOI in bits 7-5, the IR level in bits 2-0. */
static void write_ocw2(struct i8259_chip *c, uint8_t val)
{
	unsigned level = val & 7;
	int ir;

	switch (val >> 5) {
	case 0: /* clear rotate in automatic EOI mode */
		c->rotate_on_aeoi = false;
		break;
	case 4: /* set rotate in automatic EOI mode */
		c->rotate_on_aeoi = true;
		break;
	case 1: /* non-specific EOI */
	case 5: /* rotate on non-specific EOI */
		ir = highest_of(c, c->isr);
		if (ir < 0)
			break;
		c->isr &= ~(1u << ir);
		if (val & 0x80)
			c->highest_prio = (ir + 1) & 7;
		break;
	case 3: /* specific EOI */
		c->isr &= ~(1u << level);
		break;
	case 7: /* rotate on specific EOI */
		c->isr &= ~(1u << level);
		c->highest_prio = (level + 1) & 7;
		break;
	case 6: /* set priority: level becomes the lowest */
		c->highest_prio = (level + 1) & 7;
		break;
	default: /* 2: no operation */
		break;
	}
}

static void write_ocw3(struct i8259_chip *c, uint8_t val)
{
	if (val & OCW3_ESMM)
		c->special_mask = val & OCW3_SMM;
	if (val & OCW3_P)
		c->poll = true;
	if (val & OCW3_RR)
		c->read_isr = val & OCW3_RIS;
}

/* Poll mode: the read is the INTA cycle; bit 7 says whether there was a
 * request and bits 2-0 give its level (datasheet, "The Poll Command"). */
static uint8_t read_poll(struct i8259 *pic, struct i8259_chip *c)
{
	int ir = chip_pending(c);

	c->poll = false;
	if (ir < 0)
		return 0;
	chip_ack(c, ir);
	pic_update(pic);
	return 0x80 | ir;
}

static uint8_t chip_read(struct i8259 *pic, struct i8259_chip *c, unsigned a0)
{
	if (c->poll)
		return read_poll(pic, c);
	if (a0)
		return c->imr;
	return c->read_isr ? c->isr : c->irr;
}

static void chip_write(struct i8259 *pic, struct i8259_chip *c, unsigned a0,
		       uint8_t val)
{
	if (!a0 && (val & ICW1_SELECT))
		write_icw1(c, val);
	else if (!a0 && (val & OCW3_SELECT))
		write_ocw3(c, val);
	else if (!a0)
		write_ocw2(c, val);
	else if (c->init_step)
		write_icw(c, val);
	else
		c->imr = val;	/* OCW1 */
	pic_update(pic);
}

/* --- port I/O -------------------------------------------------------------- */

/* The chips are byte-wide; a wider access touches consecutive ports. */
static uint64_t pic_read(struct i8259 *pic, struct i8259_chip *c,
			 uint64_t offset, unsigned size)
{
	uint64_t value = ~0ull;

	for (unsigned i = 0; i < size && offset + i < 2; i++) {
		value &= ~(0xFFull << (8 * i));
		value |= (uint64_t)chip_read(pic, c, offset + i) << (8 * i);
	}
	return value;
}

static void pic_write(struct i8259 *pic, struct i8259_chip *c,
		      uint64_t offset, unsigned size, uint64_t value)
{
	for (unsigned i = 0; i < size && offset + i < 2; i++)
		chip_write(pic, c, offset + i, value >> (8 * i));
}

static uint64_t master_read(void *opaque, uint64_t offset, unsigned size)
{
	struct i8259 *pic = opaque;

	return pic_read(pic, &pic->chip[0], offset, size);
}

static void master_write(void *opaque, uint64_t offset, unsigned size,
			 uint64_t value)
{
	struct i8259 *pic = opaque;

	pic_write(pic, &pic->chip[0], offset, size, value);
}

static uint64_t slave_read(void *opaque, uint64_t offset, unsigned size)
{
	struct i8259 *pic = opaque;

	return pic_read(pic, &pic->chip[1], offset, size);
}

static void slave_write(void *opaque, uint64_t offset, unsigned size,
			uint64_t value)
{
	struct i8259 *pic = opaque;

	pic_write(pic, &pic->chip[1], offset, size, value);
}

static const struct io_ops i8259_master_ops = {
	.read = master_read,
	.write = master_write,
};

static const struct io_ops i8259_slave_ops = {
	.read = slave_read,
	.write = slave_write,
};

int i8259_init(struct i8259 *pic, struct io_bus *pio,
	       void (*output_changed)(void *opaque), void *opaque)
{
	int err;

	*pic = (struct i8259){ .output_changed = output_changed,
			       .opaque = opaque };
	i8259_reset(pic);
	err = io_bus_register(pio, PIC_MASTER_BASE, 2, &i8259_master_ops, pic,
			      "i8259-master");
	if (err)
		return err;
	err = io_bus_register(pio, PIC_SLAVE_BASE, 2, &i8259_slave_ops, pic,
			      "i8259-slave");
	if (err)
		io_bus_unregister(pio, PIC_MASTER_BASE);
	return err;
}
