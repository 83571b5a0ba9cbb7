/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An interrupt line as a device sees it: it raises and lowers it; where it
 * goes (the 8259 pair, later an IOAPIC or KVM's in-kernel irqchip) is the
 * machine's business.
 */
#ifndef DEVMODEL_IRQ_H
#define DEVMODEL_IRQ_H

struct irq_line {
	void (*set_level)(void *opaque, unsigned line, int level);
	void *opaque;
	unsigned line;
};

static inline void irq_line_set(const struct irq_line *irq, int level)
{
	if (irq->set_level)
		irq->set_level(irq->opaque, irq->line, level);
}

/* An edge: high then low (ISA edge-triggered devices). */
static inline void irq_line_pulse(const struct irq_line *irq)
{
	irq_line_set(irq, 1);
	irq_line_set(irq, 0);
}

#endif /* DEVMODEL_IRQ_H */
