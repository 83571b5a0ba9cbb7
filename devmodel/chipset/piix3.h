/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Intel 82371SB PIIX3, function 0: the PCI-to-ISA bridge at 00:01.0 with
 * the PIRQ router (config 0x60-0x63), the edge/level control registers of
 * the 8259 pair (ELCR, ports 0x4D0/0x4D1), reset control (port 0xCF9) and
 * System Control Port A (port 0x92).
 *
 * Wiring by the monitor:
 *
 *	struct irq_line isa_irq[16] = { ... one per 8259 input ... };
 *	err = piix3_init(&m->piix3, m->pci, isa_irq, machine_request_reset, m);
 *
 * From then on pci_set_irq() on any PCI device reaches isa_irq[n] through
 * the PIRQ registers, and the PIC asks piix3_irq_is_level() (or hooks
 * elcr_changed) for its trigger modes.
 */
#ifndef DEVMODEL_CHIPSET_PIIX3_H
#define DEVMODEL_CHIPSET_PIIX3_H

#include <stdbool.h>
#include <stdint.h>

#include "devmodel/core/irq.h"
#include "devmodel/core/pci.h"

#define PIIX3_VENDOR_ID		0x8086
#define PIIX3_DEVICE_ID		0x7000
#define PIIX3_SLOT		1

#define PIIX3_ISA_IRQS		16
#define PIIX3_PIRQS		4
#define PIIX3_PIRQRC		0x60	/* PIRQRC[A:D], 0x60-0x63 */
#define PIIX3_PIRQRC_DISABLE	0x80	/* IRQEN#: 1 = not routed */
#define PIIX3_PIRQRC_IRQ_MASK	0x0f

#define PIIX3_ELCR1_PORT	0x4d0
#define PIIX3_ELCR2_PORT	0x4d1
#define PIIX3_RESET_CONTROL_PORT 0xcf9
#define PIIX3_RC_SYSTEM_RESET	0x02	/* SRST: 1 hard, 0 soft reset */
#define PIIX3_RC_RESET_CPU	0x04	/* RCPU: start the reset */
#define PORT_A_PORT		0x92
#define PORT_A_FAST_RESET	0x01
#define PORT_A_A20		0x02

typedef void (*piix3_reset_request_fn)(void *opaque);

struct piix3 {
	struct pci_device pci;
	struct pci_bus *bus;
	struct irq_line isa_irq[PIIX3_ISA_IRQS];
	piix3_reset_request_fn reset_request;
	void *opaque;
	/* Optional: told the new ELCR (bit n = IRQ n level-triggered). */
	void (*elcr_changed)(void *opaque, uint16_t elcr);
	void *elcr_opaque;

	uint8_t elcr[2];
	uint8_t reset_control;
	uint8_t port_a;
	bool pirq_level[PIIX3_PIRQS];		/* from the PCI bus */
	bool isa_level[PIIX3_ISA_IRQS];		/* what we drive now */
};

/*
 * Register function 0 at 00:01.0 (multi-function), ports 0x4D0-0x4D1 and
 * 0x92 on the bus's port bus, 0xCF9 on its CF8 pass-through, and become the
 * bus's PIRQ router. isa_irq: 16 lines, copied. reset_request: called when
 * the guest asks for a system reset (0xCF9 or 0x92). 0 or a negative errno.
 */
__attribute__((warn_unused_result))
int piix3_init(struct piix3 *p, struct pci_bus *bus,
	       const struct irq_line isa_irq[PIIX3_ISA_IRQS],
	       piix3_reset_request_fn reset_request, void *opaque);
/* Release the ports and the PCI function (before pci_bus_free). */
void piix3_exit(struct piix3 *p);

/* ELCR: IRQ 0, 1, 2, 8 and 13 are always edge-triggered. */
bool piix3_irq_is_level(const struct piix3 *p, unsigned irq);
uint16_t piix3_elcr(const struct piix3 *p);
/* Port A bit 1 (the monitor does not mask A20 yet; stored only). */
bool piix3_a20_enabled(const struct piix3 *p);
/* The ISA IRQ a PIRQ is routed to, or -1 when disabled or reserved. */
int piix3_pirq_to_isa_irq(const struct piix3 *p, unsigned pirq);

#endif /* DEVMODEL_CHIPSET_PIIX3_H */
