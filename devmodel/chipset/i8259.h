/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PC's cascaded pair of Intel 8259A programmable interrupt controllers:
 * the master at ports 0x20/0x21 (IRQ 0-7), the slave at 0xA0/0xA1 (IRQ 8-15)
 * wired to the master's IR2. With a userspace irqchip the monitor polls
 * i8259_has_interrupt() (the master's INTR pin), and when the vCPU can take
 * an interrupt runs the INTA cycle with i8259_acknowledge() and injects the
 * returned vector with KVM_INTERRUPT.
 *
 * All calls are made under the device-model lock.
 */
#ifndef DEVMODEL_I8259_H
#define DEVMODEL_I8259_H

#include <stdbool.h>
#include <stdint.h>

#include "devmodel/core/io.h"
#include "devmodel/core/irq.h"

/* One 8259A: its registers and the state of its initialization sequence. */
struct i8259_chip {
	uint8_t irr;		/* interrupt request register */
	uint8_t isr;		/* in-service register */
	uint8_t imr;		/* interrupt mask register (OCW1) */
	uint8_t lines;		/* current level of the IR inputs */
	uint8_t elcr;		/* level-triggered inputs (PIIX ELCR) */
	uint8_t vector_base;	/* ICW2 & 0xF8 */
	uint8_t icw3;
	uint8_t highest_prio;	/* IR with the highest priority (rotation) */
	uint8_t init_step;	/* next ICW expected: 0 = none (operational) */
	bool icw4_expected;
	bool single;		/* ICW1 SNGL: no ICW3 */
	bool auto_eoi;		/* ICW4 AEOI */
	bool rotate_on_aeoi;	/* OCW2 R=1 SL=0 EOI=0 */
	bool special_fully_nested; /* ICW4 SFNM */
	bool special_mask;	/* OCW3 SMM */
	bool read_isr;		/* OCW3 RIS: port A0=0 reads ISR, else IRR */
	bool poll;		/* OCW3 P: the next read is a poll */
	bool is_master;
};

struct i8259 {
	struct i8259_chip chip[2];	/* [0] master, [1] slave */
	bool intr;			/* the master's INTR output */
	/* Called when INTR goes from low to high, so the monitor can kick a
	 * vCPU out of KVM_RUN (or request an interrupt window). May be NULL. */
	void (*output_changed)(void *opaque);
	void *opaque;
};

/* Reset both chips and register their ports on the port bus.
 * 0 or the negative errno of io_bus_register. */
__attribute__((warn_unused_result))
int i8259_init(struct i8259 *pic, struct io_bus *pio,
	       void (*output_changed)(void *opaque), void *opaque);
/* Power-on state: uninitialized chips (vectors 0, everything unmasked,
 * nothing pending), all inputs edge-triggered. Line levels are kept. */
void i8259_reset(struct i8259 *pic);

/* Drive input irq (0-15) to level (0 or not). Edge-triggered inputs latch a
 * request on a rising edge; level-triggered ones request while high. */
void i8259_set_irq(struct i8259 *pic, unsigned irq, int level);
/* The same with irq_line's callback signature (opaque is the struct i8259). */
void i8259_irq_handler(void *opaque, unsigned irq, int level);
/* An irq_line wired to input irq, for devices. */
struct irq_line i8259_irq_line(struct i8259 *pic, unsigned irq);

/* Bit n of mask: IRQ n is level-triggered (PIIX3 ELCR1/ELCR2 at 0x4D0/0x4D1).
 * IRQ 0, 1, 2, 8 and 13 are always edge-triggered on PIIX3. */
void i8259_set_elcr(struct i8259 *pic, uint16_t mask);

/* The master's INTR pin: an unmasked request of higher priority than what
 * is in service is pending. */
bool i8259_has_interrupt(const struct i8259 *pic);
/* The INTA cycle: the vector to inject. Marks the request in service (unless
 * auto-EOI) and clears an edge request; with nothing pending returns the
 * spurious vector of IR7 of the master or (via IR2) of the slave. */
int i8259_acknowledge(struct i8259 *pic);

#endif /* DEVMODEL_I8259_H */
