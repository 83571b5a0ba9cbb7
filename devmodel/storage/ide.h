/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One parallel ATA channel and the two devices on its cable: an ATA hard
 * disk or an ATAPI CD-ROM as device 0 (master) and device 1 (slave).
 * References are to ATA/ATAPI-6 (T13/1410D) by register, command and
 * protocol name; the PACKET commands themselves are atapi.c's.
 *
 * The controller (piix_ide.c) maps the command block (8 ports) and the
 * control block (alternate status / device control, 1 port) with
 * ide_command_block_ops and ide_control_block_ops, opaque = the channel,
 * and carries out DMA data phases: a device that wants one calls
 * ops->dma_ready(); the bus master then takes ide_channel_dma_request(),
 * calls ide_channel_dma_begin(), moves the data (on the worker pool) and
 * reports with ide_channel_dma_end().
 *
 * INTRQ goes out through ops->set_irq(): called with the line's level when
 * it changes, and with 1 again for every new assertion while it is high
 * (the bus master's interrupt status bit latches each one).
 *
 * Everything runs under the device-model lock.
 */
#ifndef DEVMODEL_STORAGE_IDE_H
#define DEVMODEL_STORAGE_IDE_H

#include <stdbool.h>
#include <stdint.h>

#include "devmodel/block/block.h"
#include "devmodel/core/io.h"
#include "devmodel/core/worker.h"
#include "devmodel/storage/atapi.h"
#include "devmodel/storage/piix_ide.h"

/* Command block registers, offsets from 1F0h / 170h. */
#define IDE_REG_DATA		0
#define IDE_REG_ERROR		1	/* read */
#define IDE_REG_FEATURE		1	/* write */
#define IDE_REG_NSECT		2	/* ATAPI: interrupt reason */
#define IDE_REG_LBAL		3
#define IDE_REG_LBAM		4	/* ATAPI: byte count 7:0 */
#define IDE_REG_LBAH		5	/* ATAPI: byte count 15:8 */
#define IDE_REG_DEVICE		6
#define IDE_REG_STATUS		7	/* read */
#define IDE_REG_COMMAND		7	/* write */
#define IDE_COMMAND_BLOCK_SIZE	8
#define IDE_CONTROL_BLOCK_SIZE	1	/* 3F6h / 376h */

/* Status register. */
#define IDE_STATUS_ERR		0x01	/* CHK for PACKET commands */
#define IDE_STATUS_DRQ		0x08
#define IDE_STATUS_DSC		0x10	/* ATA only (SERV for ATAPI) */
#define IDE_STATUS_DF		0x20
#define IDE_STATUS_DRDY		0x40
#define IDE_STATUS_BSY		0x80

/* Error register. */
#define IDE_ERROR_ABRT		0x04
#define IDE_ERROR_IDNF		0x10
#define IDE_ERROR_UNC		0x40
#define IDE_ERROR_SENSE_SHIFT	4	/* ATAPI: sense key in bits 7:4 */
#define IDE_DIAG_PASSED		0x01	/* diagnostic code after a reset */

/* Device register. */
#define IDE_DEVICE_DEV		0x10
#define IDE_DEVICE_LBA		0x40

/* Device control register. */
#define IDE_CONTROL_NIEN	0x02
#define IDE_CONTROL_SRST	0x04
#define IDE_CONTROL_HOB		0x80

/* ATAPI interrupt reason (sector count register). */
#define IDE_IREASON_COD		0x01
#define IDE_IREASON_IO		0x02

#define IDE_SECTOR_SIZE		512
#define IDE_MAX_MULTIPLE	16	/* sectors per READ/WRITE MULTIPLE block */
/* A drive's data buffer: a DRQ block of the largest multiple count, an
 * IDENTIFY block, an ATAPI reply or a batch of CD blocks for PIO. */
#define IDE_BUF_SIZE		(16 * ATAPI_BLOCK_SIZE)

/* A DMA data phase, as the device asks the bus master for it. */
struct ide_dma_request {
	bool to_memory;		/* device to host (reads) */
	bool sync;		/* flush after writing: write cache off */
	uint64_t len;		/* bytes */
	/* Where the data lives: BACKEND at OFFSET, or BUF (ATAPI replies,
	 * to memory only). Reads past the end of the backend give zeros
	 * (the partial last block of a CD image). */
	struct block_backend *backend;
	uint64_t offset;
	const uint8_t *buf;
};

struct ide_channel_ops {
	void (*set_irq)(void *opaque, int level);
	void (*dma_ready)(void *opaque);
};

struct ide_channel;
struct ide_drive;
typedef void (*ide_drive_fn)(struct ide_drive *d);

/* A PIO DRQ data block in progress. */
struct ide_pio {
	uint8_t *data;
	uint32_t pos, len;
	bool out;		/* host to device */
	ide_drive_fn end;	/* the block was transferred */
};

/* The data phase of a PACKET command. */
struct ide_atapi_xfer {
	uint8_t packet[ATAPI_PACKET_SIZE];
	bool dma;		/* Features bit 0 of the PACKET command */
	uint32_t limit;		/* byte count limit for PIO DRQ blocks */
	uint64_t left;		/* bytes still to go to the host */
	uint32_t lba, blocks_left;	/* medium blocks not yet buffered */
	uint32_t buffered, consumed;	/* bytes in buf, and already sent */
	uint32_t chunk;		/* the current DRQ block */
};

struct ide_flush_job {
	struct dm_job job;
	struct ide_drive *drive;
	uint64_t generation;
	int err;
};

struct ide_drive {
	struct ide_channel *ch;
	unsigned index;			/* 0..3: channel * 2 + unit */
	enum ide_drive_kind kind;
	struct block_backend *backend;	/* disk, or NULL (ATAPI: cd.medium) */
	uint64_t sectors;

	/* The registers as this device presents them: each device has its
	 * own, and both latch what the host writes (ATA/ATAPI-6, "Device
	 * addressing considerations"). hob_* hold the previous content of
	 * the 48-bit registers. */
	uint8_t status, error;
	uint8_t feature, nsect, lbal, lbam, lbah;
	uint8_t hob_feature, hob_nsect, hob_lbal, hob_lbam, hob_lbah;
	bool intrq;			/* interrupt pending */

	/* The command in progress. */
	uint8_t command;
	uint64_t lba;
	uint32_t remaining;		/* sectors */
	uint32_t drq_sectors;		/* sectors per DRQ block */
	uint32_t block_sectors;		/* in the current DRQ block */
	struct ide_pio pio;
	bool dma_pending;		/* waiting for the bus master */
	struct ide_dma_request dma;
	struct ide_atapi_xfer atapi;
	struct ide_flush_job flush;

	/* Settings. */
	uint8_t multiple;		/* SET MULTIPLE MODE; 0 = off */
	bool write_cache;
	uint8_t xfer_dma;		/* SET FEATURES DMA mode value, 0 = none */
	uint16_t cyls, heads, spt;	/* current CHS translation */

	struct atapi_cdrom cd;
	uint8_t buf[IDE_BUF_SIZE];
};

struct ide_channel {
	struct ide_drive drive[2];
	uint8_t device;			/* device register: DEV selects */
	uint8_t control;		/* device control register */
	int irq_level;
	unsigned jobs;			/* flushes and DMA not yet ended */
	bool reset_waiting;		/* SRST released with jobs still out */
	uint64_t generation;		/* bumped by every reset */
	struct ide_drive *dma_drive;	/* the drive in the DMA data phase */
	struct dm_worker_pool *pool;
	const struct ide_channel_ops *ops;
	void *opaque;
};

extern const struct io_ops ide_command_block_ops;
extern const struct io_ops ide_control_block_ops;

/* CONFIG[0] is device 0, CONFIG[1] device 1; INDEX (0 or 1) numbers the
 * channel in the drives' serial numbers. -EINVAL: a disk without a
 * backend. */
int ide_channel_init(struct ide_channel *ch, unsigned index,
		     const struct ide_drive_config config[2],
		     struct dm_worker_pool *pool,
		     const struct ide_channel_ops *ops, void *opaque);
/* Machine reset: both devices to their power-on state, INTRQ low. No job
 * may be out (ide_channel_invalidate, then dm_worker_drain). */
void ide_channel_reset(struct ide_channel *ch);
/* Before draining the pool for a reset: jobs ending after this change
 * nothing (their done functions still run and must be let run). */
void ide_channel_invalidate(struct ide_channel *ch);
uint64_t ide_channel_generation(const struct ide_channel *ch);

/* The selected device's DMA data phase waiting for the bus master, or
 * NULL. */
const struct ide_dma_request *ide_channel_dma_request(const struct ide_channel *ch);
/* The bus master takes it: the device goes busy. Returns the generation
 * to hand back to ide_channel_dma_end(). */
uint64_t ide_channel_dma_begin(struct ide_channel *ch);
/* The data phase ended: 0, -EFAULT (the bus master could not do it: bad
 * PRD table or direction) or the backend's negative errno. The device
 * posts its status and interrupts; nothing if the channel was reset
 * since GENERATION. */
void ide_channel_dma_end(struct ide_channel *ch, uint64_t generation, int err);

#endif /* DEVMODEL_STORAGE_IDE_H */
