/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PCI bus 0 of the PC: configuration mechanism #1 (ports 0xCF8/0xCFC, PCI
 * Local Bus Spec 3.0 §3.2.2.3.2), type 0 configuration headers (§6.1),
 * BARs that move the device's traps on the machine's port and memory buses
 * (§6.2.5), and INTx# routing through the board's PIRQ wiring to the ISA
 * IRQ router (PIIX3).
 *
 * A device embeds a struct pci_device, describes itself with a const
 * struct pci_device_info at the bottom of its file, declares its BARs and
 * registers on the bus:
 *
 *	pci_device_init(&d->pci, &mydev_info, d);
 *	pci_device_set_bar(&d->pci, 0, PCI_BAR_IO, 0x100, &mydev_io_ops, d);
 *	err = pci_bus_register_device(bus, &d->pci, 3, 0);
 *
 * Everything runs under the device-model lock, like io.h.
 */
#ifndef DEVMODEL_PCI_H
#define DEVMODEL_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "devmodel/core/io.h"

/* Configuration mechanism #1 ports. */
#define PCI_CONFIG_ADDRESS_PORT	0xcf8
#define PCI_CONFIG_DATA_PORT	0xcfc

#define PCI_SLOTS		32
#define PCI_FUNCTIONS		8
#define PCI_CONFIG_SPACE_SIZE	256

/* Type 0 header (PCI 3.0 §6.1, figure 6-1). */
#define PCI_VENDOR_ID		0x00
#define PCI_DEVICE_ID		0x02
#define PCI_COMMAND		0x04
#define PCI_STATUS		0x06
#define PCI_REVISION_ID		0x08
#define PCI_CLASS_PROG		0x09
#define PCI_CLASS_DEVICE	0x0a
#define PCI_CACHE_LINE_SIZE	0x0c
#define PCI_LATENCY_TIMER	0x0d
#define PCI_HEADER_TYPE		0x0e
#define PCI_BASE_ADDRESS_0	0x10
#define PCI_SUBSYSTEM_VENDOR_ID	0x2c
#define PCI_SUBSYSTEM_ID	0x2e
#define PCI_ROM_ADDRESS		0x30
#define PCI_INTERRUPT_LINE	0x3c
#define PCI_INTERRUPT_PIN	0x3d

/* Command register (§6.2.2). */
#define PCI_COMMAND_IO		0x0001
#define PCI_COMMAND_MEMORY	0x0002
#define PCI_COMMAND_MASTER	0x0004
#define PCI_COMMAND_PARITY	0x0040
#define PCI_COMMAND_SERR	0x0100
#define PCI_COMMAND_INTX_DISABLE 0x0400

/* Status register (§6.2.3). */
#define PCI_STATUS_INTERRUPT	0x0008

#define PCI_HEADER_TYPE_MULTIFUNCTION 0x80

/* BAR low bits (§6.2.5.1). */
#define PCI_BAR_SPACE_IO	0x1
#define PCI_BAR_MEM_PREFETCH	0x8
#define PCI_ROM_ENABLE		0x1
#define PCI_ROM_ADDRESS_MASK	0xfffff800u

#define PCI_NUM_BARS		6
#define PCI_ROM_SLOT		6 /* bars[PCI_ROM_SLOT] is the expansion ROM */

enum pci_bar_type {
	PCI_BAR_UNUSED = 0,
	PCI_BAR_IO,		/* I/O space, size >= 4 */
	PCI_BAR_MEM32,		/* 32-bit memory, size >= 16 */
	PCI_BAR_MEM32_PREFETCH,	/* same, prefetchable */
	PCI_BAR_ROM,		/* the expansion ROM BAR, size >= 2 KiB */
};

/*
 * A RAM-backed memory BAR (a framebuffer): the guest reads and writes host
 * memory at the BAR's address instead of trapping. The bus does not
 * register it on the memory bus; it tells the owner where the BAR decodes
 * now: map(true, addr) when decoding starts at addr, map(false, addr) when
 * it stops there (address moved, Memory Space off, reset, unregistration).
 * A move is always an unmap then a map. map(true) returns 0, or -errno
 * when the memory cannot go there (the BAR then stays undecoded).
 */
typedef int (*pci_bar_ram_map_fn)(void *opaque, bool mapped, uint64_t addr);

struct pci_bar {
	enum pci_bar_type type;
	uint32_t size; /* a power of two */
	const struct io_ops *ops;
	void *opaque;
	pci_bar_ram_map_fn ram_map; /* non-NULL: RAM-backed, ops unused */
	/* Where it is registered now (port or memory bus), if anywhere. */
	bool mapped;
	uint64_t mapped_at;
};

struct pci_device;

/* A device's description: its descriptor, the last thing in its file. */
struct pci_device_info {
	const char *name;
	uint16_t vendor_id;
	uint16_t device_id;
	uint8_t revision;
	uint32_t class_code;	/* base class << 16 | subclass << 8 | prog-if */
	bool multifunction;	/* header type bit 7 (on function 0) */
	uint8_t interrupt_pin;	/* 0 = none, 1..4 = INTA#..INTD# */
	uint16_t subsystem_vendor_id;
	uint16_t subsystem_id;
	/* Optional hooks. config_read gets the value read from the config
	 * bytes and returns what the guest sees; config_write is called after
	 * the writable bits were stored and BARs moved. offset + size never
	 * crosses a dword. reset runs after the config space was reset. */
	uint32_t (*config_read)(struct pci_device *dev, unsigned offset,
				unsigned size, uint32_t value);
	void (*config_write)(struct pci_device *dev, unsigned offset,
			     unsigned size, uint32_t value);
	void (*reset)(struct pci_device *dev);
};

struct pci_bus;

struct pci_device {
	const struct pci_device_info *info;
	void *opaque;			/* the device's state, for the hooks */
	struct pci_bus *bus;		/* NULL until registered */
	uint8_t devfn;			/* slot << 3 | function */
	uint8_t config[PCI_CONFIG_SPACE_SIZE];
	uint8_t wmask[PCI_CONFIG_SPACE_SIZE];	/* 1 = guest-writable bit */
	uint8_t reset_config[PCI_CONFIG_SPACE_SIZE];	/* taken at registration */
	struct pci_bar bars[PCI_NUM_BARS + 1];	/* + the ROM */
	int intx_level;			/* the device's INTx# output */
};

/*
 * The bus registers 0xCF8-0xCFB and 0xCFC-0xCFF on port_bus; BARs go to
 * port_bus (I/O) and mem_bus (memory). NULL when out of memory or when the
 * ports are taken.
 */
struct pci_bus *pci_bus_new(struct io_bus *port_bus, struct io_bus *mem_bus);
/* Unmaps every BAR and releases the ports; the devices stay the caller's. */
void pci_bus_free(struct pci_bus *bus);

struct io_bus *pci_bus_port_io(const struct pci_bus *bus);
struct io_bus *pci_bus_mem_io(const struct pci_bus *bus);

/*
 * Only dword accesses to 0xCF8 are CONFIG_ADDRESS. The 82441FX passes the
 * other accesses to 0xCF8-0xCFB on to PCI, where the PIIX3 claims byte
 * port 0xCF9 (reset control): they are dispatched to this bus, on which a
 * device registers the port (absolute port numbers).
 */
struct io_bus *pci_bus_cf8_passthrough(const struct pci_bus *bus);

/*
 * Board wiring of INTx#: slot S pin P drives PIRQ[(S + P - 2) & 3]
 * (platform-seabios.md; the $PIR table SeaBIOS builds). The router (PIIX3)
 * gets the wired-OR level of every PIRQ when it changes.
 */
typedef void (*pci_pirq_set_fn)(void *opaque, unsigned pirq, int level);
void pci_bus_set_pirq_router(struct pci_bus *bus, pci_pirq_set_fn set_pirq,
			     void *opaque);
unsigned pci_slot_pin_to_pirq(unsigned slot, unsigned pin);
int pci_bus_pirq_level(const struct pci_bus *bus, unsigned pirq);

/* Device at slot/function of bus 0, or NULL. */
struct pci_device *pci_bus_device(const struct pci_bus *bus, unsigned slot,
				  unsigned function);

/* Machine reset: every device's config back to its registration state
 * (BARs unmapped, decoding off), then its reset hook. */
void pci_bus_reset(struct pci_bus *bus);

/* Fill in the header from info; no BARs, nothing writable but the
 * command register, cache line size, latency timer and interrupt line. */
void pci_device_init(struct pci_device *dev, const struct pci_device_info *info,
		     void *opaque);

/* Declare BAR index (0..5) or the ROM (PCI_ROM_SLOT with PCI_BAR_ROM) before
 * registering the device. -EINVAL: bad index, type or size. */
__attribute__((warn_unused_result))
int pci_device_set_bar(struct pci_device *dev, unsigned index,
		       enum pci_bar_type type, uint32_t size,
		       const struct io_ops *ops, void *opaque);

/* The same for a RAM-backed memory BAR (PCI_BAR_MEM32 or
 * PCI_BAR_MEM32_PREFETCH): map is called instead of trapping. */
__attribute__((warn_unused_result))
int pci_device_set_bar_ram(struct pci_device *dev, unsigned index,
			   enum pci_bar_type type, uint32_t size,
			   pci_bar_ram_map_fn map, void *opaque);

/* 0, -EINVAL (slot/function out of range), -EEXIST (taken). Registering a
 * function other than 0 sets the multi-function bit of function 0. */
__attribute__((warn_unused_result))
int pci_bus_register_device(struct pci_bus *bus, struct pci_device *dev,
			    unsigned slot, unsigned function);
void pci_bus_unregister_device(struct pci_bus *bus, struct pci_device *dev);

/* Drive the device's INTx# (the pin in its interrupt pin register). */
void pci_set_irq(struct pci_device *dev, int level);

/* Config space as the guest sees it (hooks and BAR moves included), for
 * devices and tests; offset + size must not cross a dword. */
uint32_t pci_config_read(struct pci_device *dev, unsigned offset, unsigned size);
void pci_config_write(struct pci_device *dev, unsigned offset, unsigned size,
		      uint32_t value);

/* Little-endian helpers on the raw config bytes (no hooks). */
static inline uint32_t pci_get_bytes(const uint8_t *p, unsigned size)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

static inline void pci_set_bytes(uint8_t *p, unsigned size, uint32_t v)
{
	for (unsigned i = 0; i < size; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

#endif /* DEVMODEL_PCI_H */
