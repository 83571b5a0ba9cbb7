/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PIIX3 IDE controller (Intel 82371SB function 1, 8086:7010 at
 * 00:01.1): two legacy-mode channels (0x1F0-0x1F7/0x3F6 on IRQ 14,
 * 0x170-0x177/0x376 on IRQ 15), each with a master and a slave drive, and
 * bus-master DMA through BAR4 (Intel 82371SB datasheet §2.7, "Bus Master
 * IDE"). The drives (ATA disks and ATAPI CD-ROMs) are ide.c's.
 *
 * Wiring by the monitor:
 *
 *	struct ide_drive_config drives[IDE_MAX_DRIVES] = { ... };
 *	ide = piix_ide_create(pci, &mem, isa_irq[14], isa_irq[15], pool, drives);
 *
 * Everything runs under the device-model lock; transfers of READ/WRITE DMA
 * and ATAPI DMA run on POOL's threads and complete on the event loop.
 */
#ifndef DEVMODEL_STORAGE_PIIX_IDE_H
#define DEVMODEL_STORAGE_PIIX_IDE_H

#include "devmodel/block/block.h"
#include "devmodel/core/guestmem.h"
#include "devmodel/core/irq.h"
#include "devmodel/core/pci.h"
#include "devmodel/core/worker.h"

#define PIIX_IDE_DEVICE_ID	0x7010
#define PIIX_IDE_SLOT		1
#define PIIX_IDE_FUNCTION	1

/* Drive index: channel * 2 + unit (0 hda primary master, 1 hdb primary
 * slave, 2 hdc secondary master, 3 hdd secondary slave). */
#define IDE_MAX_DRIVES		4

enum ide_drive_kind {
	IDE_DRIVE_NONE,
	IDE_DRIVE_DISK,		/* ATA hard disk; backend required */
	IDE_DRIVE_CDROM,	/* ATAPI CD-ROM; backend NULL = no disc */
};

struct ide_drive_config {
	enum ide_drive_kind kind;
	struct block_backend *backend;	/* not owned: the caller closes it */
};

struct piix_ide;

/* Register 00:01.1 and the legacy ports on the bus's port bus. NULL on
 * error (out of memory, slot or ports taken). */
struct piix_ide *piix_ide_create(struct pci_bus *bus, struct guest_memory *mem,
				 struct irq_line irq14, struct irq_line irq15,
				 struct dm_worker_pool *pool,
				 const struct ide_drive_config drives[IDE_MAX_DRIVES]);
/* Machine reset (after pci_bus_reset): in-flight DMA is drained first. */
void piix_ide_reset(struct piix_ide *ide);
/* Release the ports and the PCI function (before pci_bus_free). In-flight
 * DMA and flushes are drained first, so call it before
 * dm_worker_pool_free(). */
void piix_ide_destroy(struct piix_ide *ide);

#endif /* DEVMODEL_STORAGE_PIIX_IDE_H */
