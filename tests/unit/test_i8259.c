// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the 8259A pair (devmodel/chipset/i8259.c), programmed the
 * way SeaBIOS and Linux do it, through port accesses on a real io_bus.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/fixture.h"

#include "devmodel/core/io.h"
#include "devmodel/chipset/i8259.h"

struct fixture {
	struct io_bus *bus;
	struct i8259 pic;
	unsigned kicks;
};

static void count_kick(void *opaque)
{
	struct fixture *f = opaque;

	f->kicks++;
}

/* SeaBIOS's pic_setup(): ICW1 0x11, vectors 0x08/0x70, cascade, 8086 mode. */
static void program_pics(struct fixture *f, uint8_t icw4)
{
	port_out8(f->bus, 0x20, 0x11);
	port_out8(f->bus, 0xA0, 0x11);
	port_out8(f->bus, 0x21, 0x08);
	port_out8(f->bus, 0xA1, 0x70);
	port_out8(f->bus, 0x21, 0x04);
	port_out8(f->bus, 0xA1, 0x02);
	port_out8(f->bus, 0x21, icw4);
	port_out8(f->bus, 0xA1, icw4);
	port_out8(f->bus, 0x21, 0x00);	/* OCW1: all unmasked */
	port_out8(f->bus, 0xA1, 0x00);
}

static int setup(void **state)
{
	static struct fixture f;

	f = (struct fixture){ .bus = io_bus_new("pio") };
	assert_non_null(f.bus);
	assert_int_equal(i8259_init(&f.pic, f.bus, count_kick, &f), 0);
	program_pics(&f, 0x01);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	io_bus_free(f->bus);
	return 0;
}

static void eoi_master(struct fixture *f)
{
	port_out8(f->bus, 0x20, 0x20);
}

static void raise_ack_eoi(void **state)
{
	struct fixture *f = *state;

	assert_false(i8259_has_interrupt(&f->pic));
	i8259_set_irq(&f->pic, 1, 1);
	assert_true(i8259_has_interrupt(&f->pic));
	assert_int_equal(f->kicks, 1);
	assert_int_equal(i8259_acknowledge(&f->pic), 0x08 + 1);
	assert_false(i8259_has_interrupt(&f->pic));

	port_out8(f->bus, 0x20, 0x0B);		/* OCW3: read ISR */
	assert_int_equal(port_in8(f->bus, 0x20), 0x02);
	eoi_master(f);
	assert_int_equal(port_in8(f->bus, 0x20), 0x00);
	port_out8(f->bus, 0x20, 0x0A);		/* OCW3: read IRR */
	assert_int_equal(port_in8(f->bus, 0x20), 0x00);	/* edge: cleared by INTA */
	/* The line is still high: no new edge, no new interrupt. */
	assert_false(i8259_has_interrupt(&f->pic));
}

static void irq_line_callback(void **state)
{
	struct fixture *f = *state;
	struct irq_line line = i8259_irq_line(&f->pic, 4);

	irq_line_pulse(&line);		/* an edge is latched after it ends */
	assert_true(i8259_has_interrupt(&f->pic));
	assert_int_equal(i8259_acknowledge(&f->pic), 0x0C);
}

static void mask_blocks(void **state)
{
	struct fixture *f = *state;

	port_out8(f->bus, 0x21, 0x01);		/* mask IRQ0 */
	assert_int_equal(port_in8(f->bus, 0x21), 0x01);
	i8259_irq_handler(&f->pic, 0, 1);
	assert_false(i8259_has_interrupt(&f->pic));
	port_out8(f->bus, 0x21, 0x00);		/* the request was kept in IRR */
	assert_true(i8259_has_interrupt(&f->pic));
	assert_int_equal(i8259_acknowledge(&f->pic), 0x08);
}

static void lower_irq_first(void **state)
{
	struct fixture *f = *state;

	i8259_set_irq(&f->pic, 5, 1);
	i8259_set_irq(&f->pic, 3, 1);
	assert_int_equal(i8259_acknowledge(&f->pic), 0x0B);
	/* IRQ5 has lower priority than IRQ3 in service. */
	assert_false(i8259_has_interrupt(&f->pic));
	i8259_set_irq(&f->pic, 0, 1);	/* but IRQ0 preempts */
	assert_int_equal(i8259_acknowledge(&f->pic), 0x08);
	eoi_master(f);			/* ends IRQ0 */
	assert_false(i8259_has_interrupt(&f->pic));
	eoi_master(f);			/* ends IRQ3 */
	assert_int_equal(i8259_acknowledge(&f->pic), 0x0D);
}

static void specific_eoi_and_rotation(void **state)
{
	struct fixture *f = *state;

	i8259_set_irq(&f->pic, 3, 1);
	i8259_set_irq(&f->pic, 6, 1);
	assert_int_equal(i8259_acknowledge(&f->pic), 0x0B);
	port_out8(f->bus, 0x20, 0x60 | 3);	/* specific EOI IR3 */
	assert_int_equal(i8259_acknowledge(&f->pic), 0x0E);
	port_out8(f->bus, 0x20, 0xE0 | 6);	/* rotate on specific EOI: IR6 lowest */
	i8259_set_irq(&f->pic, 6, 0);
	i8259_set_irq(&f->pic, 6, 1);
	i8259_set_irq(&f->pic, 0, 1);
	i8259_set_irq(&f->pic, 7, 1);
	/* IR7 now has the highest priority, then IR0 ... IR6 last. */
	assert_int_equal(i8259_acknowledge(&f->pic), 0x0F);
	port_out8(f->bus, 0x20, 0x0B);
	assert_int_equal(port_in8(f->bus, 0x20), 0x80);	/* a real IR7, in service */
	eoi_master(f);
	assert_int_equal(i8259_acknowledge(&f->pic), 0x08);
	eoi_master(f);
	assert_int_equal(i8259_acknowledge(&f->pic), 0x0E);
}

static void cascade_through_slave(void **state)
{
	struct fixture *f = *state;

	i8259_set_irq(&f->pic, 12, 1);
	assert_true(i8259_has_interrupt(&f->pic));
	assert_int_equal(i8259_acknowledge(&f->pic), 0x70 + 4);
	port_out8(f->bus, 0xA0, 0x0B);
	assert_int_equal(port_in8(f->bus, 0xA0), 0x10);	/* slave ISR: IR4 */
	port_out8(f->bus, 0x20, 0x0B);
	assert_int_equal(port_in8(f->bus, 0x20), 0x04);	/* master ISR: IR2 */

	/* IRQ8 (slave IR0) beats IR4 on the slave, but the master still has
	 * IR2 in service (not special fully nested): it waits for the EOIs. */
	i8259_set_irq(&f->pic, 8, 1);
	assert_false(i8259_has_interrupt(&f->pic));
	port_out8(f->bus, 0xA0, 0x20);		/* slave EOI (IR4) */
	eoi_master(f);
	assert_true(i8259_has_interrupt(&f->pic));
	assert_int_equal(i8259_acknowledge(&f->pic), 0x70);
	/* A masked slave input does not reach the master. */
	port_out8(f->bus, 0xA0, 0x20);
	eoi_master(f);
	port_out8(f->bus, 0xA1, 0x02);
	i8259_set_irq(&f->pic, 9, 1);
	assert_false(i8259_has_interrupt(&f->pic));
}

static void level_stays_pending(void **state)
{
	struct fixture *f = *state;

	i8259_set_elcr(&f->pic, 1u << 10);
	i8259_set_irq(&f->pic, 10, 1);
	assert_int_equal(i8259_acknowledge(&f->pic), 0x72);
	port_out8(f->bus, 0xA0, 0x20);
	eoi_master(f);
	/* Still high: requested again after EOI. */
	assert_true(i8259_has_interrupt(&f->pic));
	assert_int_equal(i8259_acknowledge(&f->pic), 0x72);
	i8259_set_irq(&f->pic, 10, 0);	/* the handler quiets the device */
	port_out8(f->bus, 0xA0, 0x20);
	eoi_master(f);
	assert_false(i8259_has_interrupt(&f->pic));

	/* The same input edge-triggered rings once. */
	i8259_set_elcr(&f->pic, 0);
	i8259_set_irq(&f->pic, 10, 1);
	assert_int_equal(i8259_acknowledge(&f->pic), 0x72);
	port_out8(f->bus, 0xA0, 0x20);
	eoi_master(f);
	assert_false(i8259_has_interrupt(&f->pic));
}

static void elcr_reserved_bits_edge(void **state)
{
	struct fixture *f = *state;

	i8259_set_elcr(&f->pic, 0xFFFF);	/* IRQ0 must stay edge */
	i8259_set_irq(&f->pic, 0, 1);
	assert_int_equal(i8259_acknowledge(&f->pic), 0x08);
	eoi_master(f);
	assert_false(i8259_has_interrupt(&f->pic));
}

static void spurious_vectors(void **state)
{
	struct fixture *f = *state;

	/* Nothing pending at INTA: IR7 of the master, no ISR bit. */
	assert_int_equal(i8259_acknowledge(&f->pic), 0x0F);
	port_out8(f->bus, 0x20, 0x0B);
	assert_int_equal(port_in8(f->bus, 0x20), 0x00);

	/* A level request withdrawn between INTR and INTA on the slave:
	 * the master's IR2 was latched, the slave answers its IR7. */
	i8259_set_elcr(&f->pic, 1u << 11);
	i8259_set_irq(&f->pic, 11, 1);
	assert_true(i8259_has_interrupt(&f->pic));
	i8259_set_irq(&f->pic, 11, 0);
	assert_int_equal(i8259_acknowledge(&f->pic), 0x77);
	port_out8(f->bus, 0xA0, 0x0B);
	assert_int_equal(port_in8(f->bus, 0xA0), 0x00);
}

static void auto_eoi(void **state)
{
	struct fixture *f = *state;

	program_pics(f, 0x03);		/* ICW4: 8086 mode, AEOI */
	i8259_set_irq(&f->pic, 3, 1);
	assert_int_equal(i8259_acknowledge(&f->pic), 0x0B);
	port_out8(f->bus, 0x20, 0x0B);
	assert_int_equal(port_in8(f->bus, 0x20), 0x00);	/* never in service */
	i8259_set_irq(&f->pic, 5, 1);
	assert_true(i8259_has_interrupt(&f->pic));
}

static void init_resets_state(void **state)
{
	struct fixture *f = *state;

	port_out8(f->bus, 0x21, 0xFF);
	i8259_set_irq(&f->pic, 1, 1);
	program_pics(f, 0x01);
	assert_int_equal(port_in8(f->bus, 0x21), 0x00);
	/* ICW1 reset the edge latch: the old request is gone. */
	assert_false(i8259_has_interrupt(&f->pic));
	/* Vectors come from ICW2 on both chips. */
	port_out8(f->bus, 0x20, 0x11);
	port_out8(f->bus, 0x21, 0x20);
	port_out8(f->bus, 0x21, 0x04);
	port_out8(f->bus, 0x21, 0x01);
	i8259_set_irq(&f->pic, 6, 1);
	assert_int_equal(i8259_acknowledge(&f->pic), 0x26);
}

static void poll_mode(void **state)
{
	struct fixture *f = *state;

	port_out8(f->bus, 0x20, 0x0C);		/* OCW3: poll */
	assert_int_equal(port_in8(f->bus, 0x20), 0x00);
	i8259_set_irq(&f->pic, 6, 1);
	port_out8(f->bus, 0x20, 0x0C);
	assert_int_equal(port_in8(f->bus, 0x20), 0x86);
	port_out8(f->bus, 0x20, 0x0B);
	assert_int_equal(port_in8(f->bus, 0x20), 0x40);	/* poll acknowledged IR6 */
}

static void special_mask_mode(void **state)
{
	struct fixture *f = *state;

	i8259_set_irq(&f->pic, 1, 1);
	assert_int_equal(i8259_acknowledge(&f->pic), 0x09);
	i8259_set_irq(&f->pic, 4, 1);
	assert_false(i8259_has_interrupt(&f->pic));
	port_out8(f->bus, 0x21, 0x02);		/* mask the level in service */
	port_out8(f->bus, 0x20, 0x68);		/* OCW3: set special mask mode */
	assert_true(i8259_has_interrupt(&f->pic));
	assert_int_equal(i8259_acknowledge(&f->pic), 0x0C);
}

static void kick_only_on_rising_intr(void **state)
{
	struct fixture *f = *state;

	i8259_set_irq(&f->pic, 3, 1);
	i8259_set_irq(&f->pic, 4, 1);
	assert_int_equal(f->kicks, 1);	/* INTR already high */
	i8259_acknowledge(&f->pic);
	eoi_master(f);			/* IRQ4 unblocked: INTR rises again */
	assert_int_equal(f->kicks, 2);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(raise_ack_eoi),
		T(irq_line_callback),
		T(mask_blocks),
		T(lower_irq_first),
		T(specific_eoi_and_rotation),
		T(cascade_through_slave),
		T(level_stays_pending),
		T(elcr_reserved_bits_edge),
		T(spurious_vectors),
		T(auto_eoi),
		T(init_resets_state),
		T(poll_mode),
		T(special_mask_mode),
		T(kick_only_on_rising_intr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
