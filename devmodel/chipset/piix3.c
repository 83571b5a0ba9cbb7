// SPDX-License-Identifier: GPL-2.0
/*
 * Intel 82371SB PIIX3 function 0, the PCI-to-ISA bridge (00:01.0).
 * References are to the 82371FB/82371SB PIIX/PIIX3 datasheet (Intel
 * 290550), by register name and offset.
 *
 * Modelled: identification, PIRQ routing (PIRQRC 60h-63h) of the PCI INTx#
 * wiring onto ISA IRQs, ELCR1/ELCR2 (4D0h/4D1h), the Reset Control
 * register (CF9h) and System Control Port A (92h; on PIIX3 boards it
 * lives in the keyboard controller or Super I/O, here with the other
 * reset sources). Other ISA bridge registers are stored without effect.
 */
#include <errno.h>
#include <string.h>

#include "devmodel/chipset/piix3.h"

static struct piix3 *to_piix3(struct pci_device *dev)
{
	return dev->opaque;
}

/* ---- PIRQ routing (PIRQRC[A:D], 60h-63h) ---- */

/* IRQ 0, 1, 2, 8 and 13 are reserved routing values: system timer,
 * keyboard, cascade, RTC and FPU error stay ISA-only. */
static bool isa_irq_routable(unsigned irq)
{
	return irq >= 3 && irq <= 15 && irq != 8 && irq != 13;
}

int piix3_pirq_to_isa_irq(const struct piix3 *p, unsigned pirq)
{
	uint8_t route;

	if (pirq >= PIIX3_PIRQS)
		return -1;
	route = p->pci.config[PIIX3_PIRQRC + pirq];
	if (route & PIIX3_PIRQRC_DISABLE ||
	    !isa_irq_routable(route & PIIX3_PIRQRC_IRQ_MASK))
		return -1;
	return route & PIIX3_PIRQRC_IRQ_MASK;
}

/* An ISA IRQ is the OR of every asserted PIRQ routed to it (SeaBIOS
 * routes PIRQA and PIRQB both to IRQ 10). */
static bool isa_irq_wanted(const struct piix3 *p, unsigned irq)
{
	for (unsigned pirq = 0; pirq < PIIX3_PIRQS; pirq++)
		if (p->pirq_level[pirq] && piix3_pirq_to_isa_irq(p, pirq) == (int)irq)
			return true;
	return false;
}

/* Drive only the lines whose level changes, so ISA devices sharing an
 * IRQ with nothing routed see no spurious lowering. */
static void update_isa_irqs(struct piix3 *p)
{
	for (unsigned irq = 0; irq < PIIX3_ISA_IRQS; irq++) {
		bool level = isa_irq_wanted(p, irq);

		if (level == p->isa_level[irq])
			continue;
		p->isa_level[irq] = level;
		irq_line_set(&p->isa_irq[irq], level);
	}
}

static void piix3_set_pirq(void *opaque, unsigned pirq, int level)
{
	struct piix3 *p = opaque;

	if (pirq >= PIIX3_PIRQS)
		return;
	p->pirq_level[pirq] = level;
	update_isa_irqs(p);
}

static void piix3_config_write(struct pci_device *dev, unsigned offset,
			       unsigned size, uint32_t value)
{
	(void)value;
	if (offset < PIIX3_PIRQRC + PIIX3_PIRQS && offset + size > PIIX3_PIRQRC)
		update_isa_irqs(to_piix3(dev));
}

/* ---- ELCR1/ELCR2 (4D0h/4D1h) ---- */

/* Writable bits: ELCR1 bits 2:0 (IRQ 0-2) and ELCR2 bits 0 and 5
 * (IRQ 8, 13) are reserved, those IRQs are always edge-triggered. */
static const uint8_t elcr_writable[2] = { 0xf8, 0xde };

uint16_t piix3_elcr(const struct piix3 *p)
{
	return (uint16_t)(p->elcr[0] | p->elcr[1] << 8);
}

bool piix3_irq_is_level(const struct piix3 *p, unsigned irq)
{
	return irq < PIIX3_ISA_IRQS && (piix3_elcr(p) >> irq) & 1;
}

static uint64_t elcr_read(void *opaque, uint64_t offset, unsigned size)
{
	struct piix3 *p = opaque;

	if (size == 2)
		return piix3_elcr(p);
	return p->elcr[offset];
}

static void elcr_store(struct piix3 *p, unsigned index, uint8_t value)
{
	p->elcr[index] = value & elcr_writable[index];
}

static void elcr_write(void *opaque, uint64_t offset, unsigned size,
		       uint64_t value)
{
	struct piix3 *p = opaque;
	uint16_t before = piix3_elcr(p);

	elcr_store(p, (unsigned)offset, (uint8_t)value);
	if (size == 2)
		elcr_store(p, 1, (uint8_t)(value >> 8));
	if (piix3_elcr(p) != before && p->elcr_changed)
		p->elcr_changed(p->elcr_opaque, piix3_elcr(p));
}

static const struct io_ops elcr_ops = {
	.read = elcr_read,
	.write = elcr_write,
};

/* ---- Reset Control register (CF9h) ---- */

/*
 * RCPU (bit 2) starts a reset, hard or soft by SRST (bit 1). The datasheet
 * triggers on RCPU going 0 to 1; since the reset returns the register to 0
 * anyway, any write with RCPU set requests it (SeaBIOS and Linux write
 * 02h then 06h; ACPI's RESET_REG writes 06h alone). RCPU reads back 0.
 */
static uint64_t reset_control_read(void *opaque, uint64_t offset, unsigned size)
{
	struct piix3 *p = opaque;

	(void)offset;
	(void)size;
	return p->reset_control;
}

static void reset_control_write(void *opaque, uint64_t offset, unsigned size,
				uint64_t value)
{
	struct piix3 *p = opaque;

	(void)offset;
	(void)size;
	p->reset_control = value & PIIX3_RC_SYSTEM_RESET;
	if (value & PIIX3_RC_RESET_CPU && p->reset_request)
		p->reset_request(p->opaque);
}

static const struct io_ops reset_control_ops = {
	.read = reset_control_read,
	.write = reset_control_write,
};

/* ---- System Control Port A (92h) ---- */

/* Bit 1 gates A20; bit 0 written 1 pulses a fast CPU reset and reads 0
 * (platform-seabios.md: SeaBIOS needs bit 0 to read 0). */
bool piix3_a20_enabled(const struct piix3 *p)
{
	return p->port_a & PORT_A_A20;
}

static uint64_t port_a_read(void *opaque, uint64_t offset, unsigned size)
{
	struct piix3 *p = opaque;

	(void)offset;
	(void)size;
	return p->port_a;
}

static void port_a_write(void *opaque, uint64_t offset, unsigned size,
			 uint64_t value)
{
	struct piix3 *p = opaque;

	(void)offset;
	(void)size;
	p->port_a = value & PORT_A_A20;
	if (value & PORT_A_FAST_RESET && p->reset_request)
		p->reset_request(p->opaque);
}

static const struct io_ops port_a_ops = {
	.read = port_a_read,
	.write = port_a_write,
};

/* ---- Configuration space ---- */

static void set_register(struct pci_device *dev, unsigned offset,
			 unsigned size, uint32_t reset_value, uint32_t writable)
{
	pci_set_bytes(&dev->config[offset], size, reset_value);
	pci_set_bytes(&dev->wmask[offset], size, writable);
}

static void piix3_set_reset_values(struct pci_device *dev)
{
	/* PCICMD 0007h (I/O, memory, bus master), PCISTS 0200h (medium
	 * DEVSEL timing). */
	pci_set_bytes(&dev->config[PCI_COMMAND], 2, 0x0007);
	pci_set_bytes(&dev->config[PCI_STATUS], 2, 0x0200);
	for (unsigned pirq = 0; pirq < PIIX3_PIRQS; pirq++)
		set_register(dev, PIIX3_PIRQRC + pirq, 1, PIIX3_PIRQRC_DISABLE,
			     PIIX3_PIRQRC_DISABLE | PIIX3_PIRQRC_IRQ_MASK);
	/* Stored, no effect: IORT 4Ch, XBCS 4Eh, TOM 69h, MBIRQ0/1 70h,
	 * MBDMA0/1 76h. */
	set_register(dev, 0x4c, 1, 0x4d, 0xff);
	set_register(dev, 0x4e, 2, 0x0003, 0xffff);
	set_register(dev, 0x69, 1, 0x02, 0xff);
	set_register(dev, 0x70, 2, 0x8080, 0xffff);
	set_register(dev, 0x76, 2, 0x0c0c, 0xffff);
}

static void piix3_reset(struct pci_device *dev)
{
	struct piix3 *p = to_piix3(dev);
	uint16_t elcr_before = piix3_elcr(p);

	p->elcr[0] = p->elcr[1] = 0;
	p->reset_control = 0;
	p->port_a = 0;
	update_isa_irqs(p);
	if (elcr_before && p->elcr_changed)
		p->elcr_changed(p->elcr_opaque, 0);
}

/* ---- Descriptor and registration ---- */

static const struct pci_device_info piix3_info = {
	.name = "piix3",
	.vendor_id = PIIX3_VENDOR_ID,
	.device_id = PIIX3_DEVICE_ID,
	.class_code = 0x060100, /* bridge, PCI-to-ISA */
	.multifunction = true,  /* IDE at 01.1, USB at 01.2 */
	.config_write = piix3_config_write,
	.reset = piix3_reset,
};

static int register_ports(struct piix3 *p)
{
	struct io_bus *ports = pci_bus_port_io(p->bus);
	int err;

	err = io_bus_register(ports, PIIX3_ELCR1_PORT, 2, &elcr_ops, p, "piix3-elcr");
	if (err)
		return err;
	err = io_bus_register(ports, PORT_A_PORT, 1, &port_a_ops, p, "port-a");
	if (err)
		goto err_unregister_elcr;
	err = io_bus_register(pci_bus_cf8_passthrough(p->bus),
			      PIIX3_RESET_CONTROL_PORT, 1, &reset_control_ops, p,
			      "piix3-reset-control");
	if (err)
		goto err_unregister_port_a;
	return 0;

err_unregister_port_a:
	io_bus_unregister(ports, PORT_A_PORT);
err_unregister_elcr:
	io_bus_unregister(ports, PIIX3_ELCR1_PORT);
	return err;
}

static void unregister_ports(struct piix3 *p)
{
	io_bus_unregister(pci_bus_port_io(p->bus), PIIX3_ELCR1_PORT);
	io_bus_unregister(pci_bus_port_io(p->bus), PORT_A_PORT);
	io_bus_unregister(pci_bus_cf8_passthrough(p->bus), PIIX3_RESET_CONTROL_PORT);
}

int piix3_init(struct piix3 *p, struct pci_bus *bus,
	       const struct irq_line isa_irq[PIIX3_ISA_IRQS],
	       piix3_reset_request_fn reset_request, void *opaque)
{
	int err;

	if (!bus || !isa_irq)
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	p->bus = bus;
	memcpy(p->isa_irq, isa_irq, sizeof(p->isa_irq));
	p->reset_request = reset_request;
	p->opaque = opaque;
	pci_device_init(&p->pci, &piix3_info, p);
	piix3_set_reset_values(&p->pci);

	err = register_ports(p);
	if (err)
		return err;
	err = pci_bus_register_device(bus, &p->pci, PIIX3_SLOT, 0);
	if (err) {
		unregister_ports(p);
		return err;
	}
	pci_bus_set_pirq_router(bus, piix3_set_pirq, p);
	for (unsigned pirq = 0; pirq < PIIX3_PIRQS; pirq++)
		p->pirq_level[pirq] = pci_bus_pirq_level(bus, pirq);
	update_isa_irqs(p);
	return 0;
}

void piix3_exit(struct piix3 *p)
{
	pci_bus_set_pirq_router(p->bus, NULL, NULL);
	pci_bus_unregister_device(p->bus, &p->pci);
	unregister_ports(p);
}
