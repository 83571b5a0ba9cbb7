// SPDX-License-Identifier: GPL-2.0
/*
 * PCI bus 0 (pci.h): configuration mechanism #1, type 0 config headers,
 * BAR decoding onto the trap buses and INTx# routing to the PIRQ router.
 * Section numbers are those of the PCI Local Bus Specification 3.0.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devmodel/core/pci.h"

#define PCI_PIRQS 4

struct pci_bus {
	struct io_bus *port_bus;
	struct io_bus *mem_bus;
	struct io_bus *cf8_passthrough;
	struct pci_device *devices[PCI_SLOTS * PCI_FUNCTIONS]; /* by devfn */
	uint32_t config_address;
	pci_pirq_set_fn set_pirq;
	void *pirq_opaque;
	unsigned pirq_asserted[PCI_PIRQS]; /* devices driving each PIRQ */
};

/*
 * CONFIG_ADDRESS (§3.2.2.3.2): bit 31 enable, 23:16 bus, 15:11 device,
 * 10:8 function, 7:2 register; bits 30:24 and 1:0 are reserved and read 0.
 */
#define CONFIG_ADDRESS_ENABLE	0x80000000u
#define CONFIG_ADDRESS_MASK	0x80fffffcu

static unsigned devfn_of(unsigned slot, unsigned function)
{
	return slot << 3 | function;
}

static uint16_t command_of(const struct pci_device *dev)
{
	return (uint16_t)pci_get_bytes(&dev->config[PCI_COMMAND], 2);
}

static bool ranges_overlap(unsigned a, unsigned a_len, unsigned b, unsigned b_len)
{
	return a < b + b_len && b < a + a_len;
}

/* ---- INTx# (§2.2.6, §6.2.4) ---- */

unsigned pci_slot_pin_to_pirq(unsigned slot, unsigned pin)
{
	return (slot + pin - 2) & 3;
}

static unsigned pin_of(const struct pci_device *dev)
{
	return dev->config[PCI_INTERRUPT_PIN];
}

/* Whether the device's INTx# reaches its PIRQ now: asserted and not
 * masked by the command register's Interrupt Disable bit (§6.2.2). */
static bool intx_asserted(const struct pci_device *dev)
{
	unsigned pin = pin_of(dev);

	return dev->bus && dev->intx_level && pin >= 1 && pin <= 4 &&
	       !(command_of(dev) & PCI_COMMAND_INTX_DISABLE);
}

/* PIRQs are wired-OR: the router sees a change only on the first
 * assertion and the last deassertion. */
static void pirq_adjust(struct pci_bus *bus, unsigned pirq, bool assert)
{
	unsigned before = bus->pirq_asserted[pirq];

	if (assert)
		bus->pirq_asserted[pirq]++;
	else if (before)
		bus->pirq_asserted[pirq]--;
	if (!before != !bus->pirq_asserted[pirq] && bus->set_pirq)
		bus->set_pirq(bus->pirq_opaque, pirq, bus->pirq_asserted[pirq] > 0);
}

static void intx_follow(struct pci_device *dev, bool was_asserted)
{
	bool now = intx_asserted(dev);

	if (now != was_asserted)
		pirq_adjust(dev->bus, pci_slot_pin_to_pirq(dev->devfn >> 3, pin_of(dev)),
			    now);
}

void pci_set_irq(struct pci_device *dev, int level)
{
	bool was = intx_asserted(dev);

	dev->intx_level = !!level;
	/* Status bit 3 mirrors the INTx# state, disabled or not (§6.2.3). */
	if (level)
		dev->config[PCI_STATUS] |= PCI_STATUS_INTERRUPT;
	else
		dev->config[PCI_STATUS] &= (uint8_t)~PCI_STATUS_INTERRUPT;
	if (dev->bus)
		intx_follow(dev, was);
}

void pci_bus_set_pirq_router(struct pci_bus *bus, pci_pirq_set_fn set_pirq,
			     void *opaque)
{
	bus->set_pirq = set_pirq;
	bus->pirq_opaque = opaque;
}

int pci_bus_pirq_level(const struct pci_bus *bus, unsigned pirq)
{
	return pirq < PCI_PIRQS && bus->pirq_asserted[pirq] > 0;
}

/* ---- BARs (§6.2.5) ---- */

static unsigned bar_offset(unsigned index)
{
	return index == PCI_ROM_SLOT ? PCI_ROM_ADDRESS : PCI_BASE_ADDRESS_0 + 4 * index;
}

static struct io_bus *bar_bus(const struct pci_device *dev, const struct pci_bar *bar)
{
	return bar->type == PCI_BAR_IO ? dev->bus->port_bus : dev->bus->mem_bus;
}

/* Where the BAR decodes now; false when it does not decode at all. An
 * address of 0 counts as unassigned, and I/O above 64 KiB is out of an
 * x86 CPU's reach. */
static bool bar_decoding_at(const struct pci_device *dev, unsigned index,
			    uint64_t *addr)
{
	const struct pci_bar *bar = &dev->bars[index];
	uint32_t raw = pci_get_bytes(&dev->config[bar_offset(index)], 4);
	uint16_t command = command_of(dev);

	switch (bar->type) {
	case PCI_BAR_IO:
		*addr = raw & ~0x3u;
		return (command & PCI_COMMAND_IO) && *addr &&
		       *addr + bar->size <= 0x10000;
	case PCI_BAR_MEM32:
	case PCI_BAR_MEM32_PREFETCH:
		*addr = raw & ~0xfu;
		return (command & PCI_COMMAND_MEMORY) && *addr;
	case PCI_BAR_ROM:
		/* §6.2.5.2: the ROM decodes only with both its own enable
		 * bit and Memory Space enabled. */
		*addr = raw & PCI_ROM_ADDRESS_MASK;
		return (command & PCI_COMMAND_MEMORY) && (raw & PCI_ROM_ENABLE) &&
		       *addr;
	default:
		return false;
	}
}

static void bar_unmap(struct pci_device *dev, struct pci_bar *bar)
{
	if (!bar->mapped)
		return;
	if (bar->ram_map)
		bar->ram_map(bar->opaque, false, bar->mapped_at);
	else
		io_bus_unregister(bar_bus(dev, bar), bar->mapped_at);
	bar->mapped = false;
}

static void bar_map(struct pci_device *dev, unsigned index, uint64_t addr)
{
	struct pci_bar *bar = &dev->bars[index];
	int err;

	if (bar->ram_map)
		err = bar->ram_map(bar->opaque, true, addr);
	else
		err = io_bus_register(bar_bus(dev, bar), addr, bar->size, bar->ops,
				      bar->opaque, dev->info->name);

	if (err) {
		/* A guest may program overlapping BARs; real hardware would
		 * then misbehave too. Leave this one undecoded. */
		fprintf(stderr, "pci: %s BAR%u at %#" PRIx64 " not mapped: %s\n",
			dev->info->name, index, addr, strerror(-err));
		return;
	}
	bar->mapped = true;
	bar->mapped_at = addr;
}

static void bar_update(struct pci_device *dev, unsigned index)
{
	struct pci_bar *bar = &dev->bars[index];
	uint64_t addr = 0;
	bool decode;

	if (bar->type == PCI_BAR_UNUSED || !dev->bus)
		return;
	decode = bar_decoding_at(dev, index, &addr);
	if (bar->mapped && (!decode || bar->mapped_at != addr))
		bar_unmap(dev, bar);
	if (decode && !bar->mapped)
		bar_map(dev, index, addr);
}

static void bars_update(struct pci_device *dev)
{
	for (unsigned i = 0; i <= PCI_ROM_SLOT; i++)
		bar_update(dev, i);
}

static void bars_unmap(struct pci_device *dev)
{
	for (unsigned i = 0; i <= PCI_ROM_SLOT; i++)
		bar_unmap(dev, &dev->bars[i]);
}

static bool is_power_of_two(uint32_t v)
{
	return v && !(v & (v - 1));
}

static bool bar_args_valid(unsigned index, enum pci_bar_type type, uint32_t size)
{
	if (!is_power_of_two(size))
		return false;
	switch (type) {
	case PCI_BAR_IO:
		return index < PCI_NUM_BARS && size >= 4;
	case PCI_BAR_MEM32:
	case PCI_BAR_MEM32_PREFETCH:
		return index < PCI_NUM_BARS && size >= 16;
	case PCI_BAR_ROM:
		return index == PCI_ROM_SLOT && size >= 2048;
	default:
		return false;
	}
}

/*
 * The address bits below the size are hardwired to 0 and the type bits are
 * read-only, so writing all ones reads back ~(size - 1) | type (§6.2.5.1).
 */
int pci_device_set_bar(struct pci_device *dev, unsigned index,
		       enum pci_bar_type type, uint32_t size,
		       const struct io_ops *ops, void *opaque)
{
	unsigned offset = bar_offset(index);
	uint32_t type_bits = 0, writable;

	if (!bar_args_valid(index, type, size) || !ops)
		return -EINVAL;
	switch (type) {
	case PCI_BAR_IO:
		type_bits = PCI_BAR_SPACE_IO;
		writable = ~(size - 1) & ~0x3u;
		break;
	case PCI_BAR_MEM32_PREFETCH:
		type_bits = PCI_BAR_MEM_PREFETCH;
		/* fall through */
	case PCI_BAR_MEM32:
		writable = ~(size - 1) & ~0xfu;
		break;
	default: /* PCI_BAR_ROM */
		writable = (~(size - 1) & PCI_ROM_ADDRESS_MASK) | PCI_ROM_ENABLE;
		break;
	}
	dev->bars[index] = (struct pci_bar){ .type = type, .size = size,
					     .ops = ops, .opaque = opaque };
	pci_set_bytes(&dev->config[offset], 4, type_bits);
	pci_set_bytes(&dev->wmask[offset], 4, writable);
	return 0;
}

int pci_device_set_bar_ram(struct pci_device *dev, unsigned index,
			   enum pci_bar_type type, uint32_t size,
			   pci_bar_ram_map_fn map, void *opaque)
{
	/* The trap ops are never called for it; any non-NULL table passes
	 * the common checks. */
	static const struct io_ops unused;
	int err;

	if ((type != PCI_BAR_MEM32 && type != PCI_BAR_MEM32_PREFETCH) || !map)
		return -EINVAL;
	err = pci_device_set_bar(dev, index, type, size, &unused, opaque);
	if (err)
		return err;
	dev->bars[index].ram_map = map;
	return 0;
}

/* ---- Config space ---- */

void pci_device_init(struct pci_device *dev, const struct pci_device_info *info,
		     void *opaque)
{
	uint8_t *c = dev->config;

	memset(dev, 0, sizeof(*dev));
	dev->info = info;
	dev->opaque = opaque;
	pci_set_bytes(&c[PCI_VENDOR_ID], 2, info->vendor_id);
	pci_set_bytes(&c[PCI_DEVICE_ID], 2, info->device_id);
	c[PCI_REVISION_ID] = info->revision;
	pci_set_bytes(&c[PCI_CLASS_PROG], 3, info->class_code);
	c[PCI_HEADER_TYPE] = info->multifunction ? PCI_HEADER_TYPE_MULTIFUNCTION : 0;
	pci_set_bytes(&c[PCI_SUBSYSTEM_VENDOR_ID], 2, info->subsystem_vendor_id);
	pci_set_bytes(&c[PCI_SUBSYSTEM_ID], 2, info->subsystem_id);
	c[PCI_INTERRUPT_PIN] = info->interrupt_pin;

	pci_set_bytes(&dev->wmask[PCI_COMMAND], 2,
		      PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
		      PCI_COMMAND_PARITY | PCI_COMMAND_SERR |
		      PCI_COMMAND_INTX_DISABLE);
	dev->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
	dev->wmask[PCI_LATENCY_TIMER] = 0xff;
	dev->wmask[PCI_INTERRUPT_LINE] = 0xff;
}

static bool access_valid(unsigned offset, unsigned size)
{
	return (size == 1 || size == 2 || size == 4) &&
	       offset < PCI_CONFIG_SPACE_SIZE && (offset & 3) + size <= 4;
}

uint32_t pci_config_read(struct pci_device *dev, unsigned offset, unsigned size)
{
	uint32_t value;

	if (!access_valid(offset, size))
		return UINT32_MAX;
	value = pci_get_bytes(&dev->config[offset], size);
	if (dev->info->config_read)
		value = dev->info->config_read(dev, offset, size, value);
	return value;
}

static bool touches_decoding(unsigned offset, unsigned size)
{
	return ranges_overlap(offset, size, PCI_COMMAND, 2) ||
	       ranges_overlap(offset, size, PCI_BASE_ADDRESS_0, 4 * PCI_NUM_BARS) ||
	       ranges_overlap(offset, size, PCI_ROM_ADDRESS, 4);
}

void pci_config_write(struct pci_device *dev, unsigned offset, unsigned size,
		      uint32_t value)
{
	bool intx_was = intx_asserted(dev);

	if (!access_valid(offset, size))
		return;
	for (unsigned i = 0; i < size; i++) {
		uint8_t mask = dev->wmask[offset + i];
		uint8_t byte = (uint8_t)(value >> (8 * i));

		dev->config[offset + i] = (dev->config[offset + i] & ~mask) |
					  (byte & mask);
	}
	if (touches_decoding(offset, size)) {
		bars_update(dev);
		if (dev->bus)
			intx_follow(dev, intx_was);
	}
	if (dev->info->config_write)
		dev->info->config_write(dev, offset, size, value);
}

/* ---- Configuration mechanism #1 (§3.2.2.3.2) ---- */

static struct pci_device *addressed_device(const struct pci_bus *bus)
{
	uint32_t addr = bus->config_address;
	unsigned devfn = (addr >> 8) & 0xff;

	if (!(addr & CONFIG_ADDRESS_ENABLE) || ((addr >> 16) & 0xff) != 0)
		return NULL;
	/* A slot without function 0 has no functions at all (§6.2.1). */
	if (!bus->devices[devfn & ~7u])
		return NULL;
	return bus->devices[devfn];
}

static uint64_t config_data_read(void *opaque, uint64_t offset, unsigned size)
{
	struct pci_bus *bus = opaque;
	struct pci_device *dev = addressed_device(bus);

	if (!dev)
		return UINT32_MAX; /* master abort: all ones */
	return pci_config_read(dev, (bus->config_address & 0xfc) + (unsigned)offset,
			       size);
}

static void config_data_write(void *opaque, uint64_t offset, unsigned size,
			      uint64_t value)
{
	struct pci_bus *bus = opaque;
	struct pci_device *dev = addressed_device(bus);

	if (dev)
		pci_config_write(dev, (bus->config_address & 0xfc) + (unsigned)offset,
				 size, (uint32_t)value);
}

static const struct io_ops config_data_ops = {
	.read = config_data_read,
	.write = config_data_write,
};

/* Only a dword access to 0xCF8 is CONFIG_ADDRESS; the host bridge passes
 * other accesses to 0xCF8-0xCFB on as ordinary I/O (§3.2.2.3.2). */
static bool is_config_address_access(uint64_t offset, unsigned size)
{
	return offset == 0 && size == 4;
}

static uint64_t config_address_read(void *opaque, uint64_t offset, unsigned size)
{
	struct pci_bus *bus = opaque;
	uint64_t value;

	if (is_config_address_access(offset, size))
		return bus->config_address;
	io_bus_read(bus->cf8_passthrough, PCI_CONFIG_ADDRESS_PORT + offset, size,
		    &value);
	return value;
}

static void config_address_write(void *opaque, uint64_t offset, unsigned size,
				 uint64_t value)
{
	struct pci_bus *bus = opaque;

	if (is_config_address_access(offset, size))
		bus->config_address = (uint32_t)value & CONFIG_ADDRESS_MASK;
	else
		io_bus_write(bus->cf8_passthrough, PCI_CONFIG_ADDRESS_PORT + offset,
			     size, value);
}

static const struct io_ops config_address_ops = {
	.read = config_address_read,
	.write = config_address_write,
};

/* ---- The bus ---- */

struct pci_bus *pci_bus_new(struct io_bus *port_bus, struct io_bus *mem_bus)
{
	struct pci_bus *bus = calloc(1, sizeof(*bus));

	if (!bus)
		return NULL;
	bus->port_bus = port_bus;
	bus->mem_bus = mem_bus;
	bus->cf8_passthrough = io_bus_new("pci-cf8-passthrough");
	if (!bus->cf8_passthrough)
		goto err_free_bus;
	if (io_bus_register(port_bus, PCI_CONFIG_ADDRESS_PORT, 4,
			    &config_address_ops, bus, "pci-config-address"))
		goto err_free_passthrough;
	if (io_bus_register(port_bus, PCI_CONFIG_DATA_PORT, 4, &config_data_ops,
			    bus, "pci-config-data"))
		goto err_unregister_address;
	return bus;

err_unregister_address:
	io_bus_unregister(port_bus, PCI_CONFIG_ADDRESS_PORT);
err_free_passthrough:
	io_bus_free(bus->cf8_passthrough);
err_free_bus:
	free(bus);
	return NULL;
}

void pci_bus_free(struct pci_bus *bus)
{
	if (!bus)
		return;
	for (unsigned devfn = 0; devfn < PCI_SLOTS * PCI_FUNCTIONS; devfn++)
		if (bus->devices[devfn])
			pci_bus_unregister_device(bus, bus->devices[devfn]);
	io_bus_unregister(bus->port_bus, PCI_CONFIG_DATA_PORT);
	io_bus_unregister(bus->port_bus, PCI_CONFIG_ADDRESS_PORT);
	io_bus_free(bus->cf8_passthrough);
	free(bus);
}

struct io_bus *pci_bus_port_io(const struct pci_bus *bus)
{
	return bus->port_bus;
}

struct io_bus *pci_bus_mem_io(const struct pci_bus *bus)
{
	return bus->mem_bus;
}

struct io_bus *pci_bus_cf8_passthrough(const struct pci_bus *bus)
{
	return bus->cf8_passthrough;
}

struct pci_device *pci_bus_device(const struct pci_bus *bus, unsigned slot,
				  unsigned function)
{
	if (slot >= PCI_SLOTS || function >= PCI_FUNCTIONS)
		return NULL;
	return bus->devices[devfn_of(slot, function)];
}

static void mark_multifunction(struct pci_device *function0)
{
	function0->config[PCI_HEADER_TYPE] |= PCI_HEADER_TYPE_MULTIFUNCTION;
	function0->reset_config[PCI_HEADER_TYPE] |= PCI_HEADER_TYPE_MULTIFUNCTION;
}

static bool slot_has_other_functions(const struct pci_bus *bus, unsigned slot)
{
	for (unsigned f = 1; f < PCI_FUNCTIONS; f++)
		if (bus->devices[devfn_of(slot, f)])
			return true;
	return false;
}

int pci_bus_register_device(struct pci_bus *bus, struct pci_device *dev,
			    unsigned slot, unsigned function)
{
	unsigned devfn = devfn_of(slot, function);

	if (!bus || !dev || !dev->info || slot >= PCI_SLOTS ||
	    function >= PCI_FUNCTIONS || dev->bus)
		return -EINVAL;
	if (bus->devices[devfn])
		return -EEXIST;
	dev->bus = bus;
	dev->devfn = (uint8_t)devfn;
	memcpy(dev->reset_config, dev->config, sizeof(dev->config));
	bus->devices[devfn] = dev;
	/* Header type bit 7 on function 0 tells software to scan functions
	 * 1-7 (§6.2.1). */
	if (function != 0 && bus->devices[devfn_of(slot, 0)])
		mark_multifunction(bus->devices[devfn_of(slot, 0)]);
	if (function == 0 && slot_has_other_functions(bus, slot))
		mark_multifunction(dev);
	bars_update(dev);
	if (dev->intx_level)
		intx_follow(dev, false);
	return 0;
}

void pci_bus_unregister_device(struct pci_bus *bus, struct pci_device *dev)
{
	if (!bus || !dev || dev->bus != bus)
		return;
	if (intx_asserted(dev))
		pirq_adjust(bus, pci_slot_pin_to_pirq(dev->devfn >> 3, pin_of(dev)),
			    false);
	bars_unmap(dev);
	bus->devices[dev->devfn] = NULL;
	dev->bus = NULL;
}

static void device_reset(struct pci_device *dev)
{
	pci_set_irq(dev, 0);
	memcpy(dev->config, dev->reset_config, sizeof(dev->config));
	bars_update(dev);
	if (dev->info->reset)
		dev->info->reset(dev);
}

void pci_bus_reset(struct pci_bus *bus)
{
	bus->config_address = 0;
	for (unsigned devfn = 0; devfn < PCI_SLOTS * PCI_FUNCTIONS; devfn++)
		if (bus->devices[devfn])
			device_reset(bus->devices[devfn]);
}
