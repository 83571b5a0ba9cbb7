// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the PCI bus (devmodel/core/pci.c), the i440FX host bridge
 * and the PIIX3 ISA bridge, all driven through real port accesses on a
 * trap bus as a guest would: configuration mechanism #1, BAR sizing and
 * decoding, multi-function headers, PIRQ routing, ELCR, reset ports, PAM.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "tests/unit/fixture.h"

#include "devmodel/core/io.h"
#include "devmodel/core/pci.h"
#include "devmodel/chipset/i440fx.h"
#include "devmodel/chipset/piix3.h"

#define TEST_SLOT 3

struct test_device {
	struct pci_device pci;
	unsigned io_accesses, mem_accesses, rom_accesses;
};

struct machine {
	struct io_bus *ports, *mem;
	struct pci_bus *pci;
	struct i440fx hb;
	struct piix3 piix3;
	struct test_device dev;
	struct irq_recorder isa_irq;	/* PIIX3's ISA IRQ lines */
	unsigned resets;
	uint8_t pam_seen[I440FX_PAM_COUNT];
	unsigned pam_calls;
};

/* ---- the test device: BAR0 I/O 256 B, BAR1 memory 4 KiB, BAR2
 * prefetchable 16 MiB, ROM 64 KiB, INTA# ---- */

static uint64_t io_bar_read(void *opaque, uint64_t offset, unsigned size)
{
	struct test_device *d = opaque;

	(void)size;
	d->io_accesses++;
	return 0x1000 | offset;
}

static uint64_t mem_bar_read(void *opaque, uint64_t offset, unsigned size)
{
	struct test_device *d = opaque;

	(void)size;
	d->mem_accesses++;
	return 0x2000 | offset;
}

static uint64_t rom_read(void *opaque, uint64_t offset, unsigned size)
{
	struct test_device *d = opaque;

	(void)size;
	d->rom_accesses++;
	return offset == 0 ? 0xaa55 : 0;
}

static const struct io_ops io_bar_ops = { .read = io_bar_read };
static const struct io_ops mem_bar_ops = { .read = mem_bar_read };
static const struct io_ops rom_ops = { .read = rom_read };

/* A device-specific register at 0x40 through the read hook. */
static uint32_t test_config_read(struct pci_device *dev, unsigned offset,
				 unsigned size, uint32_t value)
{
	(void)dev;
	if (offset == 0x40 && size == 4)
		return 0xfeedf00d;
	return value;
}

static const struct pci_device_info test_device_info = {
	.name = "test",
	.vendor_id = 0x1234,
	.device_id = 0x5678,
	.revision = 0x01,
	.class_code = 0x020000,
	.interrupt_pin = 1,
	.config_read = test_config_read,
};

static const struct pci_device_info ide_like_info = {
	.name = "function1", .vendor_id = 0x8086, .device_id = 0x7010,
	.class_code = 0x010180,
};

/* ---- machine callbacks ---- */

static void reset_requested(void *opaque)
{
	struct machine *m = opaque;

	m->resets++;
}

static void pam_changed(void *opaque, const uint8_t pam[I440FX_PAM_COUNT])
{
	struct machine *m = opaque;

	memcpy(m->pam_seen, pam, I440FX_PAM_COUNT);
	m->pam_calls++;
}

static void test_device_init(struct machine *m, struct test_device *d)
{
	pci_device_init(&d->pci, &test_device_info, d);
	assert_int_equal(pci_device_set_bar(&d->pci, 0, PCI_BAR_IO, 0x100,
					    &io_bar_ops, d), 0);
	assert_int_equal(pci_device_set_bar(&d->pci, 1, PCI_BAR_MEM32, 0x1000,
					    &mem_bar_ops, d), 0);
	assert_int_equal(pci_device_set_bar(&d->pci, 2, PCI_BAR_MEM32_PREFETCH,
					    16 << 20, &mem_bar_ops, d), 0);
	assert_int_equal(pci_device_set_bar(&d->pci, PCI_ROM_SLOT, PCI_BAR_ROM,
					    0x10000, &rom_ops, d), 0);
	assert_int_equal(pci_bus_register_device(m->pci, &d->pci, TEST_SLOT, 0), 0);
}

static int setup(void **state)
{
	static struct machine m;
	struct irq_line isa_irq[PIIX3_ISA_IRQS];

	memset(&m, 0, sizeof(m));
	m.ports = io_bus_new("ports");
	m.mem = io_bus_new("mem");
	m.pci = pci_bus_new(m.ports, m.mem);
	if (!m.pci)
		return -1;
	for (unsigned i = 0; i < PIIX3_ISA_IRQS; i++)
		isa_irq[i] = irq_recorder_line(&m.isa_irq, i);
	if (i440fx_init(&m.hb, m.pci, pam_changed, &m) ||
	    piix3_init(&m.piix3, m.pci, isa_irq, reset_requested, &m))
		return -1;
	test_device_init(&m, &m.dev);
	*state = &m;
	return 0;
}

static int teardown(void **state)
{
	struct machine *m = *state;

	piix3_exit(&m->piix3);
	pci_bus_free(m->pci);
	io_bus_free(m->ports);
	io_bus_free(m->mem);
	return 0;
}

/* ---- port and config helpers, as a guest does them ---- */

static uint64_t in(struct machine *m, uint16_t port, unsigned size)
{
	return bus_read_any(m->ports, port, size, NULL);
}

static void out(struct machine *m, uint16_t port, unsigned size, uint32_t v)
{
	bus_write_any(m->ports, port, size, v);
}

static uint32_t cfg_read(struct machine *m, unsigned slot, unsigned fn,
			 unsigned offset, unsigned size)
{
	return cfg1_read(m->ports, slot, fn, offset, size);
}

static void cfg_write(struct machine *m, unsigned slot, unsigned fn,
		      unsigned offset, unsigned size, uint32_t value)
{
	cfg1_write(m->ports, slot, fn, offset, size, value);
}

static uint64_t mem_read(struct machine *m, uint64_t addr, unsigned size,
			 bool *hit)
{
	return bus_read_any(m->mem, addr, size, hit);
}

/* ---- configuration mechanism #1 ---- */

static void host_bridge_ids_at_any_width(void **state)
{
	struct machine *m = *state;

	assert_int_equal(cfg_read(m, 0, 0, 0x00, 4), 0x12378086);
	assert_int_equal(cfg_read(m, 0, 0, 0x00, 2), 0x8086);
	assert_int_equal(cfg_read(m, 0, 0, 0x02, 2), 0x1237);
	assert_int_equal(cfg_read(m, 0, 0, 0x01, 1), 0x80);
	assert_int_equal(cfg_read(m, 0, 0, 0x03, 1), 0x12);
	assert_int_equal(cfg_read(m, 0, 0, 0x08, 4) >> 8, 0x060000);
	assert_int_equal(cfg_read(m, 0, 0, 0x0b, 1), 0x06);
	assert_int_equal(cfg_read(m, 0, 0, PCI_HEADER_TYPE, 1), 0x00);
	/* Read-only IDs stay. */
	cfg_write(m, 0, 0, 0x00, 4, 0xffffffff);
	assert_int_equal(cfg_read(m, 0, 0, 0x00, 4), 0x12378086);
}

static void config_address_reads_back_as_dword(void **state)
{
	struct machine *m = *state;

	out(m, 0xcf8, 4, 0x80000000);
	assert_int_equal(in(m, 0xcf8, 4), 0x80000000);
	out(m, 0xcf8, 4, 0x8000fa5c);
	assert_int_equal(in(m, 0xcf8, 4), 0x8000fa5c);
	/* Only dword accesses latch; others go to nothing. */
	out(m, 0xcf8, 1, 0x00);
	out(m, 0xcfa, 2, 0x1234);
	assert_int_equal(in(m, 0xcf8, 4), 0x8000fa5c);
	assert_int_equal(in(m, 0xcf8, 1), 0xff);
	assert_int_equal(in(m, 0xcfa, 2), 0xffff);
	/* Reserved bits 30:24 and 1:0 read 0 (PCI 3.0 §3.2.2.3.2). */
	out(m, 0xcf8, 4, 0xff000003);
	assert_int_equal(in(m, 0xcf8, 4), 0x80000000);
}

static void absent_devices_read_all_ones(void **state)
{
	struct machine *m = *state;

	assert_int_equal(cfg_read(m, 7, 0, 0, 4), 0xffffffff);
	assert_int_equal(cfg_read(m, 7, 0, 2, 2), 0xffff);
	assert_int_equal(cfg_read(m, 0, 1, 0, 4), 0xffffffff); /* no 00:00.1 */
	/* Bus 1 does not exist. */
	out(m, 0xcf8, 4, cfg1_address(1, 0, 0, 0));
	assert_int_equal(in(m, 0xcfc, 4), 0xffffffff);
	/* Enable bit clear: no configuration cycle. */
	out(m, 0xcf8, 4, 0x00000000);
	assert_int_equal(in(m, 0xcfc, 4), 0xffffffff);
	/* Writes to nothing are dropped without harm. */
	cfg_write(m, 7, 0, 0x04, 2, 0xffff);
}

static void piix3_is_a_multifunction_isa_bridge(void **state)
{
	struct machine *m = *state;

	assert_int_equal(cfg_read(m, 1, 0, 0, 4), 0x70008086);
	assert_int_equal(cfg_read(m, 1, 0, 0x0a, 2), 0x0601);
	assert_int_equal(cfg_read(m, 1, 0, PCI_HEADER_TYPE, 1) & 0x80, 0x80);
	for (unsigned pirq = 0; pirq < 4; pirq++)
		assert_int_equal(cfg_read(m, 1, 0, 0x60 + pirq, 1), 0x80);
}

static void multifunction_bit_follows_functions(void **state)
{
	struct machine *m = *state;
	struct pci_device f1, f0, other;

	pci_device_init(&f1, &ide_like_info, NULL);
	pci_device_init(&f0, &ide_like_info, NULL);
	pci_device_init(&other, &ide_like_info, NULL);

	/* Function 1 alone: invisible without function 0. */
	assert_int_equal(pci_bus_register_device(m->pci, &f1, 5, 1), 0);
	assert_int_equal(cfg_read(m, 5, 1, 0, 4), 0xffffffff);
	assert_int_equal(pci_bus_register_device(m->pci, &f0, 5, 0), 0);
	assert_int_equal(cfg_read(m, 5, 0, PCI_HEADER_TYPE, 1), 0x80);
	assert_int_equal(cfg_read(m, 5, 1, 0, 4), 0x70108086);
	assert_int_equal(cfg_read(m, 5, 1, PCI_HEADER_TYPE, 1), 0x00);
	/* The test device at slot 3 is single-function. */
	assert_int_equal(cfg_read(m, TEST_SLOT, 0, PCI_HEADER_TYPE, 1), 0x00);
	assert_int_equal(pci_bus_register_device(m->pci, &other, 5, 1), -EEXIST);
	assert_int_equal(pci_bus_register_device(m->pci, &other, 32, 0), -EINVAL);
	assert_int_equal(pci_bus_register_device(m->pci, &other, 0, 8), -EINVAL);
	pci_bus_unregister_device(m->pci, &f1);
	pci_bus_unregister_device(m->pci, &f0);
	assert_int_equal(cfg_read(m, 5, 0, 0, 4), 0xffffffff);
}

static void device_hook_sees_config_reads(void **state)
{
	struct machine *m = *state;

	assert_int_equal(cfg_read(m, TEST_SLOT, 0, 0x40, 4), 0xfeedf00d);
	assert_int_equal(cfg_read(m, TEST_SLOT, 0, 0x40, 1), 0x00);
	assert_int_equal(cfg_read(m, TEST_SLOT, 0, 0, 4), 0x56781234);
}

/* ---- BARs ---- */

static void bar_sizing_keeps_type_bits(void **state)
{
	struct machine *m = *state;

	assert_int_equal(cfg_read(m, TEST_SLOT, 0, 0x10, 4), 0x00000001);
	cfg_write(m, TEST_SLOT, 0, 0x10, 4, 0xffffffff);
	assert_int_equal(cfg_read(m, TEST_SLOT, 0, 0x10, 4), 0xffffff01);
	cfg_write(m, TEST_SLOT, 0, 0x14, 4, 0xffffffff);
	assert_int_equal(cfg_read(m, TEST_SLOT, 0, 0x14, 4), 0xfffff000);
	cfg_write(m, TEST_SLOT, 0, 0x18, 4, 0xffffffff);
	assert_int_equal(cfg_read(m, TEST_SLOT, 0, 0x18, 4), 0xff000008);
	/* An unimplemented BAR reads 0 whatever is written. */
	cfg_write(m, TEST_SLOT, 0, 0x1c, 4, 0xffffffff);
	assert_int_equal(cfg_read(m, TEST_SLOT, 0, 0x1c, 4), 0);
	/* Restoring the old value keeps the type bits too. */
	cfg_write(m, TEST_SLOT, 0, 0x10, 4, 0);
	assert_int_equal(cfg_read(m, TEST_SLOT, 0, 0x10, 4), 0x00000001);
}

static void rom_bar_sizing(void **state)
{
	struct machine *m = *state;

	cfg_write(m, TEST_SLOT, 0, PCI_ROM_ADDRESS, 4, 0xfffff800);
	assert_int_equal(cfg_read(m, TEST_SLOT, 0, PCI_ROM_ADDRESS, 4), 0xffff0000);
	cfg_write(m, TEST_SLOT, 0, PCI_ROM_ADDRESS, 4, 0xffffffff);
	assert_int_equal(cfg_read(m, TEST_SLOT, 0, PCI_ROM_ADDRESS, 4), 0xffff0001);
	/* A device without a ROM reads 0. */
	cfg_write(m, 0, 0, PCI_ROM_ADDRESS, 4, 0xfffff800);
	assert_int_equal(cfg_read(m, 0, 0, PCI_ROM_ADDRESS, 4), 0);
}

static void io_bar_moves_with_its_address(void **state)
{
	struct machine *m = *state;

	cfg_write(m, TEST_SLOT, 0, 0x10, 4, 0xc000);
	/* Decoding off: nothing there yet. */
	assert_int_equal(in(m, 0xc010, 2), 0xffff);
	assert_int_equal(m->dev.io_accesses, 0);
	cfg_write(m, TEST_SLOT, 0, PCI_COMMAND, 2, PCI_COMMAND_IO);
	assert_int_equal(in(m, 0xc010, 2), 0x1010);
	assert_int_equal(in(m, 0xc0ff, 1), 0xff); /* 0x1000 | 0xff, truncated */

	/* Moved: old address empty, new one reaches the device. */
	cfg_write(m, TEST_SLOT, 0, 0x10, 4, 0xc100);
	assert_int_equal(in(m, 0xc010, 2), 0xffff);
	assert_int_equal(in(m, 0xc110, 2), 0x1010);
	/* Byte writes to the BAR move it too. */
	cfg_write(m, TEST_SLOT, 0, 0x11, 1, 0xd0);
	assert_int_equal(in(m, 0xd010, 2), 0x1010);
	assert_int_equal(in(m, 0xc110, 2), 0xffff);

	/* I/O decode off: gone; memory decode does not bring it back. */
	cfg_write(m, TEST_SLOT, 0, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	assert_int_equal(in(m, 0xd010, 2), 0xffff);
	assert_int_equal(m->dev.io_accesses, 4);
}

static void memory_bar_follows_command_register(void **state)
{
	struct machine *m = *state;
	bool hit;

	cfg_write(m, TEST_SLOT, 0, 0x14, 4, 0xfebf0000);
	cfg_write(m, TEST_SLOT, 0, PCI_COMMAND, 2, PCI_COMMAND_IO);
	mem_read(m, 0xfebf0010, 4, &hit);
	assert_false(hit);
	cfg_write(m, TEST_SLOT, 0, PCI_COMMAND, 2, 0x0103); /* SeaBIOS' value */
	assert_int_equal(mem_read(m, 0xfebf0010, 4, &hit), 0x2010);
	assert_true(hit);
	cfg_write(m, TEST_SLOT, 0, 0x14, 4, 0xfebe0000);
	mem_read(m, 0xfebf0010, 4, &hit);
	assert_false(hit);
	assert_int_equal(mem_read(m, 0xfebe0ffc, 4, &hit), 0x2ffc);
	assert_true(hit);
	mem_read(m, 0xfebe1000, 4, &hit); /* past the 4 KiB BAR */
	assert_false(hit);
	cfg_write(m, TEST_SLOT, 0, PCI_COMMAND, 2, 0);
	mem_read(m, 0xfebe0010, 4, &hit);
	assert_false(hit);
}

static void rom_decodes_with_enable_and_memory_space(void **state)
{
	struct machine *m = *state;
	bool hit;

	cfg_write(m, TEST_SLOT, 0, PCI_ROM_ADDRESS, 4, 0xfeb00000);
	cfg_write(m, TEST_SLOT, 0, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	mem_read(m, 0xfeb00000, 2, &hit);
	assert_false(hit); /* ROM enable bit clear */
	cfg_write(m, TEST_SLOT, 0, PCI_ROM_ADDRESS, 4, 0xfeb00001);
	assert_int_equal(mem_read(m, 0xfeb00000, 2, &hit), 0xaa55);
	assert_true(hit);
	cfg_write(m, TEST_SLOT, 0, PCI_COMMAND, 2, 0);
	mem_read(m, 0xfeb00000, 2, &hit);
	assert_false(hit);
	assert_int_equal(m->dev.rom_accesses, 1);
}

static void bar_declarations_are_checked(void **state)
{
	struct machine *m = *state;
	struct pci_device d;

	(void)m;
	pci_device_init(&d, &ide_like_info, NULL);
	assert_int_equal(pci_device_set_bar(&d, 0, PCI_BAR_IO, 0x30, &io_bar_ops, NULL),
			 -EINVAL); /* not a power of two */
	assert_int_equal(pci_device_set_bar(&d, 0, PCI_BAR_IO, 2, &io_bar_ops, NULL),
			 -EINVAL);
	assert_int_equal(pci_device_set_bar(&d, 0, PCI_BAR_MEM32, 8, &io_bar_ops, NULL),
			 -EINVAL);
	assert_int_equal(pci_device_set_bar(&d, 6, PCI_BAR_IO, 16, &io_bar_ops, NULL),
			 -EINVAL);
	assert_int_equal(pci_device_set_bar(&d, 0, PCI_BAR_ROM, 0x800, &rom_ops, NULL),
			 -EINVAL);
	assert_int_equal(pci_device_set_bar(&d, PCI_ROM_SLOT, PCI_BAR_ROM, 0x400,
					    &rom_ops, NULL), -EINVAL);
	assert_int_equal(pci_device_set_bar(&d, 5, PCI_BAR_MEM32, 16, &io_bar_ops, NULL),
			 0);
}

/* ---- INTx routing ---- */

static void program_pirqs_like_seabios(struct machine *m)
{
	/* PIRQA..D = 10, 10, 11, 11 (platform-seabios.md). */
	cfg_write(m, 1, 0, 0x60, 4, 0x0b0b0a0a);
	out(m, 0x4d1, 1, 0x0c);
}

static void slot_pin_wiring_matches_seabios_table(void **state)
{
	static const unsigned seabios_irq[4] = { 10, 10, 11, 11 };
	struct machine *m = *state;

	program_pirqs_like_seabios(m);
	for (unsigned slot = 1; slot < 32; slot++)
		for (unsigned pin = 1; pin <= 4; pin++) {
			unsigned pirq = pci_slot_pin_to_pirq(slot, pin);

			assert_int_equal(piix3_pirq_to_isa_irq(&m->piix3, pirq),
					 seabios_irq[(slot - 1 + pin - 1) & 3]);
		}
}

static void intx_reaches_the_routed_isa_irq(void **state)
{
	struct machine *m = *state;

	program_pirqs_like_seabios(m);
	/* Slot 3 INTA# -> PIRQ[(3 + 1 - 2) & 3] = PIRQC -> IRQ 11. */
	pci_set_irq(&m->dev.pci, 1);
	assert_int_equal(m->isa_irq.level[11], 1);
	assert_int_equal(m->isa_irq.level[10], 0);
	assert_int_equal(m->isa_irq.changes, 1);
	assert_int_equal(cfg_read(m, TEST_SLOT, 0, PCI_STATUS, 1) & PCI_STATUS_INTERRUPT,
			 PCI_STATUS_INTERRUPT);
	pci_set_irq(&m->dev.pci, 1); /* no edge on repeated level */
	assert_int_equal(m->isa_irq.changes, 1);
	pci_set_irq(&m->dev.pci, 0);
	assert_int_equal(m->isa_irq.level[11], 0);
	assert_int_equal(cfg_read(m, TEST_SLOT, 0, PCI_STATUS, 1) & PCI_STATUS_INTERRUPT, 0);
}

static void rerouting_moves_an_asserted_interrupt(void **state)
{
	struct machine *m = *state;

	program_pirqs_like_seabios(m);
	pci_set_irq(&m->dev.pci, 1);
	cfg_write(m, 1, 0, 0x62, 1, 5);
	assert_int_equal(m->isa_irq.level[11], 0);
	assert_int_equal(m->isa_irq.level[5], 1);
	/* Disabled (bit 7) and reserved targets route nowhere. */
	cfg_write(m, 1, 0, 0x62, 1, 0x85);
	assert_int_equal(m->isa_irq.level[5], 0);
	cfg_write(m, 1, 0, 0x62, 1, 13);
	assert_int_equal(m->isa_irq.level[13], 0);
	assert_int_equal(piix3_pirq_to_isa_irq(&m->piix3, 2), -1);
	assert_int_equal(cfg_read(m, 1, 0, 0x62, 1), 13);
	cfg_write(m, 1, 0, 0x62, 1, 0xff); /* bits 6:4 reserved */
	assert_int_equal(cfg_read(m, 1, 0, 0x62, 1), 0x8f);
}

static void shared_pirq_is_wired_or(void **state)
{
	static const struct pci_device_info pin_b_info = {
		.name = "pin-b", .vendor_id = 0x1af4, .device_id = 0x1000,
		.interrupt_pin = 2,
	};
	struct machine *m = *state;
	struct pci_device other;

	program_pirqs_like_seabios(m);
	/* Slot 2 INTB# -> PIRQ[(2 + 2 - 2) & 3] = PIRQC too. */
	pci_device_init(&other, &pin_b_info, NULL);
	assert_int_equal(pci_bus_register_device(m->pci, &other, 2, 0), 0);
	pci_set_irq(&m->dev.pci, 1);
	pci_set_irq(&other, 1);
	pci_set_irq(&m->dev.pci, 0);
	assert_int_equal(m->isa_irq.level[11], 1);
	pci_set_irq(&other, 0);
	assert_int_equal(m->isa_irq.level[11], 0);
	pci_bus_unregister_device(m->pci, &other);
}

static void interrupt_disable_masks_intx(void **state)
{
	struct machine *m = *state;

	program_pirqs_like_seabios(m);
	cfg_write(m, TEST_SLOT, 0, PCI_COMMAND, 2, PCI_COMMAND_INTX_DISABLE);
	pci_set_irq(&m->dev.pci, 1);
	assert_int_equal(m->isa_irq.level[11], 0);
	cfg_write(m, TEST_SLOT, 0, PCI_COMMAND, 2, 0);
	assert_int_equal(m->isa_irq.level[11], 1);
	cfg_write(m, TEST_SLOT, 0, PCI_COMMAND, 2, PCI_COMMAND_INTX_DISABLE);
	assert_int_equal(m->isa_irq.level[11], 0);
	assert_int_equal(cfg_read(m, TEST_SLOT, 0, PCI_INTERRUPT_PIN, 1), 1);
	cfg_write(m, TEST_SLOT, 0, PCI_INTERRUPT_LINE, 1, 11);
	assert_int_equal(cfg_read(m, TEST_SLOT, 0, PCI_INTERRUPT_LINE, 1), 11);
}

/* ---- PIIX3 ports ---- */

static void elcr_keeps_reserved_irqs_edge(void **state)
{
	struct machine *m = *state;

	assert_int_equal(in(m, 0x4d0, 1), 0);
	out(m, 0x4d0, 1, 0xff);
	out(m, 0x4d1, 1, 0xff);
	assert_int_equal(in(m, 0x4d0, 1), 0xf8);
	assert_int_equal(in(m, 0x4d1, 1), 0xde);
	assert_int_equal(in(m, 0x4d0, 2), 0xdef8);
	for (unsigned irq = 0; irq < 16; irq++) {
		bool edge_only = irq <= 2 || irq == 8 || irq == 13;

		assert_int_equal(piix3_irq_is_level(&m->piix3, irq), !edge_only);
	}
	out(m, 0x4d0, 2, 0x0c00); /* SeaBIOS: IRQ 10 and 11 level */
	assert_int_equal(piix3_elcr(&m->piix3), 0x0c00);
	assert_true(piix3_irq_is_level(&m->piix3, 10));
	assert_false(piix3_irq_is_level(&m->piix3, 9));
	assert_false(piix3_irq_is_level(&m->piix3, 16));
}

static void reset_control_port(void **state)
{
	struct machine *m = *state;

	out(m, 0xcf9, 1, 0x02); /* SeaBIOS: select hard reset ... */
	assert_int_equal(m->resets, 0);
	assert_int_equal(in(m, 0xcf9, 1), 0x02);
	out(m, 0xcf9, 1, 0x06); /* ... then start it */
	assert_int_equal(m->resets, 1);
	/* CONFIG_ADDRESS dword writes never touch it. */
	out(m, 0xcf8, 4, 0x80000000 | 0x0400);
	assert_int_equal(m->resets, 1);
	assert_int_equal(in(m, 0xcf8, 4), 0x80000400);
	/* A word at 0xCF9 straddles the byte register: nothing. */
	out(m, 0xcf9, 2, 0x0606);
	assert_int_equal(m->resets, 1);
}

static void port_a_gates_a20_and_resets(void **state)
{
	struct machine *m = *state;

	assert_int_equal(in(m, 0x92, 1), 0);
	out(m, 0x92, 1, 0x02);
	assert_true(piix3_a20_enabled(&m->piix3));
	assert_int_equal(in(m, 0x92, 1), 0x02);
	assert_int_equal(m->resets, 0);
	out(m, 0x92, 1, 0x03);
	assert_int_equal(m->resets, 1);
	assert_int_equal(in(m, 0x92, 1) & 1, 0);
}

/* ---- i440FX ---- */

static void pam_registers_store_and_report(void **state)
{
	struct machine *m = *state;

	assert_int_equal(cfg_read(m, 0, 0, 0x58, 4), 0);
	cfg_write(m, 0, 0, 0x58, 4, 0x33333000); /* SeaBIOS unlocks */
	cfg_write(m, 0, 0, 0x5c, 4, 0x33333333);
	assert_int_equal(cfg_read(m, 0, 0, 0x59, 1), 0x30);
	assert_int_equal(cfg_read(m, 0, 0, 0x5c, 4), 0x33333333);
	assert_int_equal(m->pam_calls, 2);
	assert_memory_equal(m->pam_seen, "\x30\x33\x33\x33\x33\x33\x33", 7);
	assert_int_equal(i440fx_pam_attributes(&m->hb, 0xf1234), 3);
	assert_int_equal(i440fx_pam_attributes(&m->hb, 0xc4000), 3);

	cfg_write(m, 0, 0, 0x58, 4, 0x11111000); /* ... and locks */
	cfg_write(m, 0, 0, 0x5c, 4, 0x31111111);
	assert_int_equal(i440fx_pam_attributes(&m->hb, 0xf0000), I440FX_PAM_RE);
	assert_int_equal(i440fx_pam_attributes(&m->hb, 0xef000), I440FX_PAM_WE | I440FX_PAM_RE);
	assert_int_equal(i440fx_pam_attributes(&m->hb, 0xc0000), I440FX_PAM_RE);
	assert_int_equal(i440fx_pam_attributes(&m->hb, 0xa0000), -1);
	assert_int_equal(m->pam_seen[6], 0x31);
	/* Unchanged values and reserved bits: no report, not stored. */
	cfg_write(m, 0, 0, 0x5c, 4, 0x31111111);
	assert_int_equal(m->pam_calls, 4);
	cfg_write(m, 0, 0, 0x5a, 1, 0x44 | 0x11);
	assert_int_equal(cfg_read(m, 0, 0, 0x5a, 1), 0x11);
	assert_int_equal(m->pam_calls, 4);
}

static void smram_lock_closes_d_open(void **state)
{
	struct machine *m = *state;

	assert_int_equal(cfg_read(m, 0, 0, I440FX_SMRAM, 1), 0x02);
	cfg_write(m, 0, 0, I440FX_SMRAM, 1, 0x4a);
	assert_int_equal(cfg_read(m, 0, 0, I440FX_SMRAM, 1), 0x4a);
	cfg_write(m, 0, 0, I440FX_SMRAM, 1, 0x5a); /* lock while open */
	assert_int_equal(i440fx_smram(&m->hb), 0x1a);
	cfg_write(m, 0, 0, I440FX_SMRAM, 1, 0x4a);
	assert_int_equal(i440fx_smram(&m->hb), 0x1a);
}

/* ---- machine reset ---- */

static void bus_reset_restores_power_on_state(void **state)
{
	struct machine *m = *state;

	program_pirqs_like_seabios(m);
	cfg_write(m, 0, 0, 0x5c, 4, 0x33333333);
	cfg_write(m, 0, 0, I440FX_SMRAM, 1, 0x18);
	cfg_write(m, TEST_SLOT, 0, 0x10, 4, 0xc000);
	cfg_write(m, TEST_SLOT, 0, PCI_COMMAND, 2, PCI_COMMAND_IO);
	pci_set_irq(&m->dev.pci, 1);
	assert_int_equal(m->isa_irq.level[11], 1);

	pci_bus_reset(m->pci);
	assert_int_equal(in(m, 0xc010, 2), 0xffff);
	assert_int_equal(cfg_read(m, TEST_SLOT, 0, 0x10, 4), 1);
	assert_int_equal(m->isa_irq.level[11], 0);
	assert_int_equal(cfg_read(m, 1, 0, 0x60, 4), 0x80808080);
	assert_int_equal(in(m, 0x4d1, 1), 0);
	assert_int_equal(cfg_read(m, 0, 0, 0x5c, 4), 0);
	assert_int_equal(m->pam_seen[3], 0);
	assert_int_equal(cfg_read(m, 1, 0, PCI_HEADER_TYPE, 1) & 0x80, 0x80);
	/* The SMRAM lock is gone with the reset. */
	cfg_write(m, 0, 0, I440FX_SMRAM, 1, 0x4a);
	assert_int_equal(i440fx_smram(&m->hb), 0x4a);
}

/* ---- a RAM-backed BAR (a framebuffer mapped as guest memory) ---- */

#define RAM_SLOT 5
#define RAM_BAR_SIZE (16u << 20)

struct ram_device {
	struct pci_device pci;
	struct { bool mapped; uint64_t addr; } calls[16];
	unsigned nr_calls;
	int fail_next_map; /* -errno for the next map(true) */
};

static int ram_bar_map(void *opaque, bool mapped, uint64_t addr)
{
	struct ram_device *d = opaque;
	int err = 0;

	if (mapped && d->fail_next_map) {
		err = d->fail_next_map;
		d->fail_next_map = 0;
	}
	if (d->nr_calls < 16)
		d->calls[d->nr_calls] = (typeof(d->calls[0])){ mapped, addr };
	d->nr_calls++;
	return err;
}

static const struct pci_device_info ram_device_info = {
	.name = "framebuffer", .vendor_id = 0x1234, .device_id = 0x1111,
	.class_code = 0x030000,
};

static void assert_call(const struct ram_device *d, unsigned i, bool mapped,
			uint64_t addr)
{
	assert_true(i < d->nr_calls);
	assert_int_equal(d->calls[i].mapped, mapped);
	assert_int_equal(d->calls[i].addr, addr);
}

static void ram_bar_tells_its_owner_where_it_decodes(void **state)
{
	struct machine *m = *state;
	static struct ram_device d;
	bool hit;

	memset(&d, 0, sizeof(d));
	pci_device_init(&d.pci, &ram_device_info, &d);
	/* Only memory BARs can be RAM; a map function is required. */
	assert_int_equal(pci_device_set_bar_ram(&d.pci, 1, PCI_BAR_IO, 0x100,
						ram_bar_map, &d), -EINVAL);
	assert_int_equal(pci_device_set_bar_ram(&d.pci, 1, PCI_BAR_MEM32, 0x1000,
						NULL, &d), -EINVAL);
	assert_int_equal(pci_device_set_bar_ram(&d.pci, 0, PCI_BAR_MEM32_PREFETCH,
						RAM_BAR_SIZE, ram_bar_map, &d), 0);
	assert_int_equal(pci_bus_register_device(m->pci, &d.pci, RAM_SLOT, 0), 0);
	assert_int_equal(d.nr_calls, 0);

	/* Sizing reads like any prefetchable BAR. */
	cfg_write(m, RAM_SLOT, 0, 0x10, 4, 0xffffffff);
	assert_int_equal(cfg_read(m, RAM_SLOT, 0, 0x10, 4),
			 ~(RAM_BAR_SIZE - 1) | PCI_BAR_MEM_PREFETCH);
	cfg_write(m, RAM_SLOT, 0, 0x10, 4, 0xfd000000);
	assert_int_equal(d.nr_calls, 0); /* Memory Space still off */

	cfg_write(m, RAM_SLOT, 0, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	assert_int_equal(d.nr_calls, 1);
	assert_call(&d, 0, true, 0xfd000000);
	/* No trap there: the guest reaches the memory directly. */
	mem_read(m, 0xfd000000, 4, &hit);
	assert_false(hit);

	/* A move: unmap the old place, then map the new one. */
	cfg_write(m, RAM_SLOT, 0, 0x10, 4, 0xfc000000);
	assert_int_equal(d.nr_calls, 3);
	assert_call(&d, 1, false, 0xfd000000);
	assert_call(&d, 2, true, 0xfc000000);
	/* Rewriting the same address changes nothing. */
	cfg_write(m, RAM_SLOT, 0, 0x10, 4, 0xfc000000);
	assert_int_equal(d.nr_calls, 3);

	/* Memory Space off and on again. */
	cfg_write(m, RAM_SLOT, 0, PCI_COMMAND, 2, 0);
	assert_call(&d, 3, false, 0xfc000000);
	cfg_write(m, RAM_SLOT, 0, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	assert_call(&d, 4, true, 0xfc000000);
	assert_int_equal(d.nr_calls, 5);

	/* Sizing with decoding on moves it to all ones and back. */
	cfg_write(m, RAM_SLOT, 0, 0x10, 4, 0xffffffff);
	assert_call(&d, 5, false, 0xfc000000);
	assert_call(&d, 6, true, 0xff000000);
	cfg_write(m, RAM_SLOT, 0, 0x10, 4, 0xfc000000);
	assert_call(&d, 7, false, 0xff000000);
	assert_call(&d, 8, true, 0xfc000000);

	/* The owner could not map it (an overlap): it stays undecoded, so
	 * no unmap follows; the next move tries again. */
	d.nr_calls = 0;
	cfg_write(m, RAM_SLOT, 0, PCI_COMMAND, 2, 0);
	d.fail_next_map = -EEXIST;
	cfg_write(m, RAM_SLOT, 0, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	assert_int_equal(d.nr_calls, 2);
	assert_call(&d, 1, true, 0xfc000000);
	cfg_write(m, RAM_SLOT, 0, 0x10, 4, 0xfb000000);
	assert_int_equal(d.nr_calls, 3);
	assert_call(&d, 2, true, 0xfb000000);

	/* Machine reset: back to undecoded. */
	pci_bus_reset(m->pci);
	assert_int_equal(d.nr_calls, 4);
	assert_call(&d, 3, false, 0xfb000000);
	assert_int_equal(cfg_read(m, RAM_SLOT, 0, 0x10, 4), PCI_BAR_MEM_PREFETCH);

	/* Unregistration unmaps too. */
	cfg_write(m, RAM_SLOT, 0, 0x10, 4, 0xfd000000);
	cfg_write(m, RAM_SLOT, 0, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	assert_call(&d, 4, true, 0xfd000000);
	pci_bus_unregister_device(m->pci, &d.pci);
	assert_int_equal(d.nr_calls, 6);
	assert_call(&d, 5, false, 0xfd000000);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(host_bridge_ids_at_any_width),
		T(config_address_reads_back_as_dword),
		T(absent_devices_read_all_ones),
		T(piix3_is_a_multifunction_isa_bridge),
		T(multifunction_bit_follows_functions),
		T(device_hook_sees_config_reads),
		T(bar_sizing_keeps_type_bits),
		T(rom_bar_sizing),
		T(io_bar_moves_with_its_address),
		T(memory_bar_follows_command_register),
		T(rom_decodes_with_enable_and_memory_space),
		T(bar_declarations_are_checked),
		T(slot_pin_wiring_matches_seabios_table),
		T(intx_reaches_the_routed_isa_irq),
		T(rerouting_moves_an_asserted_interrupt),
		T(shared_pirq_is_wired_or),
		T(interrupt_disable_masks_intx),
		T(elcr_keeps_reserved_irqs_edge),
		T(reset_control_port),
		T(port_a_gates_a20_and_resets),
		T(pam_registers_store_and_report),
		T(smram_lock_closes_d_open),
		T(bus_reset_restores_power_on_state),
		T(ram_bar_tells_its_owner_where_it_decodes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
