// SPDX-License-Identifier: GPL-2.0
/*
 * The PIIX3 IDE function (piix_ide.h): PCI function 8086:7010 at 00:01.1,
 * its two legacy-mode channels and the bus-master DMA engine of BAR4.
 * References: Intel 82371FB/82371SB PIIX/PIIX3 datasheet (290550), by
 * register name and offset, and "Programming Interface for Bus Master IDE
 * Controller" rev 1.0 (SFF-8038i), "BMIDE" below.
 *
 * The legacy command and control block ports are decoded whatever IDETIM
 * bit 15 (IDE Decode Enable) and PCICMD say: SeaBIOS sets both before it
 * probes (pciinit's piix_ide_setup, then ata_setup), but a firmware or
 * direct kernel boot that skips them should still find its disks. IDETIM
 * is kept for Linux's ata_piix, which skips a channel whose enable bit
 * (41h/43h bit 7) is clear.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "devmodel/storage/ide.h"
#include "devmodel/storage/piix_ide.h"

#define PIIX_IDE_VENDOR_ID	0x8086
#define PIIX_IDE_CLASS		0x010180 /* IDE, legacy mode, bus master */

/* Function 1 configuration registers. */
#define PIIX_IDE_BMIBA_BAR	4	/* 20h: bus master interface base */
#define PIIX_IDE_BMIBA_SIZE	16
#define PIIX_IDE_IDETIM_PRI	0x40
#define PIIX_IDE_IDETIM_SEC	0x42
#define PIIX_IDE_SIDETIM	0x44
#define PIIX_IDE_UDMACTL	0x48	/* PIIX4; stored only */
#define PIIX_IDE_UDMATIM	0x4a	/* PIIX4; stored only */

/* Legacy ports and IRQs per channel. */
static const uint16_t command_block_port[2] = { 0x1f0, 0x170 };
static const uint16_t control_block_port[2] = { 0x3f6, 0x376 };

/* BMIDE registers, per channel at 0 and 8 of BAR4. */
#define BM_CHANNEL_STRIDE	8
#define BM_COMMAND		0
#define BM_STATUS		2
#define BM_PRDT			4	/* 4 bytes */
#define BM_COMMAND_START	0x01
#define BM_COMMAND_TO_MEMORY	0x08	/* "read/write control": 1 = write memory */
#define BM_STATUS_ACTIVE	0x01
#define BM_STATUS_ERROR		0x02
#define BM_STATUS_INTERRUPT	0x04
#define BM_STATUS_DRIVE_DMA	0x60	/* drive 0/1 DMA capable, R/W */

/* Physical Region Descriptor: base address (bit 0 is 0), byte count in
 * bits 15:1 of the second dword (0 = 64 KiB), end of table in bit 31. */
#define PRD_SIZE		8
#define PRD_COUNT_MASK		0xfffeu
#define PRD_EOT			0x80000000u
#define PRD_MAX_REGION		0x10000u
/* The most regions one transfer may use: preadv's limit (Linux's libata
 * builds at most 256). */
#define BM_MAX_SEGMENTS		1024

struct piix_ide;

struct bm_job {
	struct dm_job job;
	struct piix_bm *bm;
	uint64_t generation;
	struct ide_dma_request req;
	struct iovec iov[BM_MAX_SEGMENTS];
	int iovcnt;
	bool exact;		/* the PRD table ends where the transfer did */
	int err;
};

/* One channel's bus master. */
struct piix_bm {
	struct piix_ide *ide;
	struct ide_channel *ch;
	unsigned index;
	uint8_t command, status;
	uint32_t prdt;
	bool armed;		/* started and not yet used for a transfer */
	bool busy;		/* its job is on the pool */
	int irq_level;
	struct bm_job job;
};

struct piix_ide {
	struct pci_device pci;
	struct pci_bus *bus;
	struct guest_memory *mem;
	struct dm_worker_pool *pool;
	struct irq_line irq[2];
	struct ide_channel ch[2];
	struct piix_bm bm[2];
};

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* ---- Mapping a PRD table ---- */

/*
 * The guest memory of the transfer, region by region from the PRD table,
 * up to LEN bytes. -EFAULT for a descriptor or region outside RAM, or a
 * table too long to follow. A table that ends before the transfer does
 * is an error too: on hardware the engine would go idle with neither
 * interrupt nor error while the drive waits for the rest (BMIDE status
 * table), and the guest would find out by timing out; failing the
 * command at once gets it to the same recovery sooner. A table longer
 * than the transfer is fine: the engine then stays active.
 */
static int bm_map(struct piix_bm *bm, uint64_t len, struct bm_job *job)
{
	const struct guest_memory *mem = bm->ide->mem;
	uint32_t addr = bm->prdt;

	job->iovcnt = 0;
	job->exact = false;
	while (len) {
		const uint8_t *prd = guest_memory_ptr(mem, addr, PRD_SIZE);
		uint32_t base, flags, count, take;
		void *host;

		if (!prd || job->iovcnt == BM_MAX_SEGMENTS)
			return -EFAULT;
		base = get_le32(prd) & ~1u;
		flags = get_le32(prd + 4);
		count = flags & PRD_COUNT_MASK ? flags & PRD_COUNT_MASK : PRD_MAX_REGION;
		take = len < count ? (uint32_t)len : count;
		host = guest_memory_ptr(mem, base, take);
		if (!host)
			return -EFAULT;
		job->iov[job->iovcnt++] = (struct iovec){ host, take };
		len -= take;
		if (flags & PRD_EOT) {
			if (len)
				return -EFAULT;
			job->exact = take == count;
		}
		addr += PRD_SIZE;
	}
	return 0;
}

/* ---- The transfer, on the pool ---- */

static struct bm_job *to_bm_job(struct dm_job *job)
{
	return (struct bm_job *)((char *)job - offsetof(struct bm_job, job));
}

/* Keep the first LEN bytes of the iovec; zero the rest. */
static void iov_truncate_zero(struct iovec *iov, int *iovcnt, uint64_t len)
{
	int kept = 0;

	for (int i = 0; i < *iovcnt; i++) {
		size_t keep = len < iov[i].iov_len ? (size_t)len : iov[i].iov_len;

		memset((char *)iov[i].iov_base + keep, 0, iov[i].iov_len - keep);
		iov[i].iov_len = keep;
		len -= keep;
		if (keep)
			kept = i + 1;
	}
	*iovcnt = kept;
}

/* From the backend; past its end (a CD image's partial last block) the
 * host gets zeros. */
static int bm_read_backend(struct bm_job *j, bool nowait)
{
	uint64_t size = block_size(j->req.backend);
	uint64_t avail = j->req.offset < size ? size - j->req.offset : 0;

	if (avail < j->req.len)
		iov_truncate_zero(j->iov, &j->iovcnt, avail);
	if (!j->iovcnt)
		return -EIO;
	if (nowait)
		return block_preadv_nowait(j->req.backend, j->iov, j->iovcnt,
					   j->req.offset);
	return block_preadv(j->req.backend, j->iov, j->iovcnt, j->req.offset);
}

static int bm_write_backend(struct bm_job *j, bool nowait)
{
	int err;

	/* A flush always waits for the disk. */
	if (nowait && j->req.sync)
		return -EAGAIN;
	if (nowait)
		return block_pwritev_nowait(j->req.backend, j->iov, j->iovcnt,
					    j->req.offset);
	err = block_pwritev(j->req.backend, j->iov, j->iovcnt, j->req.offset);
	if (!err && j->req.sync)
		err = block_flush(j->req.backend);
	return err;
}

static void bm_copy_buffer(struct bm_job *j)
{
	const uint8_t *src = j->req.buf;

	for (int i = 0; i < j->iovcnt; i++) {
		memcpy(j->iov[i].iov_base, src, j->iov[i].iov_len);
		src += j->iov[i].iov_len;
	}
}

/* The whole transfer; NOWAIT: -EAGAIN rather than wait for the host. */
static int bm_transfer(struct bm_job *j, bool nowait)
{
	if (!j->req.backend) {
		bm_copy_buffer(j);
		return 0;
	}
	if (j->req.to_memory)
		return bm_read_backend(j, nowait);
	return bm_write_backend(j, nowait);
}

/* Without the lock: the device is BSY, nothing else touches the request
 * or the drive's buffer until the done function runs. */
static void bm_work(struct dm_job *job)
{
	struct bm_job *j = to_bm_job(job);

	j->err = bm_transfer(j, false);
}

static void bm_try_start(struct piix_bm *bm);

/*
 * On the event loop. BMIDE status after a transfer: interrupt (from the
 * drive's INTRQ, see bm_set_irq) with active cleared when the PRD table
 * was used up exactly, or still set when it describes more. A job from
 * before a reset leaves the engine alone.
 */
static void bm_done(struct dm_job *job)
{
	struct bm_job *j = to_bm_job(job);
	struct piix_bm *bm = j->bm;

	bm->busy = false;
	if (j->generation == ide_channel_generation(bm->ch) && j->exact)
		bm->status &= (uint8_t)~BM_STATUS_ACTIVE;
	ide_channel_dma_end(bm->ch, j->generation, j->err);
	bm_try_start(bm);
}

/* ---- The engine ---- */

static bool bus_master_enabled(const struct piix_bm *bm)
{
	return pci_get_bytes(&bm->ide->pci.config[PCI_COMMAND], 2) &
	       PCI_COMMAND_MASTER;
}

/* The transfer cannot be done: error and no longer active; the drive
 * aborts its command and interrupts. */
static void bm_fail(struct piix_bm *bm, uint64_t generation)
{
	bm->status = (uint8_t)((bm->status & ~BM_STATUS_ACTIVE) | BM_STATUS_ERROR);
	ide_channel_dma_end(bm->ch, generation, -EFAULT);
}

/*
 * A transfer runs when the engine was started (start bit 0 to 1, bus
 * mastering enabled) and the selected drive requests DMA, whichever came
 * first. A direction bit that disagrees with the drive is an error: the
 * data would have nowhere to go.
 */
static void bm_try_start(struct piix_bm *bm)
{
	const struct ide_dma_request *req;
	struct bm_job *j = &bm->job;
	uint64_t generation;

	if (!bm->armed || bm->busy || !bus_master_enabled(bm))
		return;
	req = ide_channel_dma_request(bm->ch);
	if (!req)
		return;
	bm->armed = false;
	j->req = *req;
	generation = ide_channel_dma_begin(bm->ch);
	if (req->to_memory != !!(bm->command & BM_COMMAND_TO_MEMORY) ||
	    bm_map(bm, j->req.len, j)) {
		bm_fail(bm, generation);
		return;
	}
	j->job.work = bm_work;
	j->job.done = bm_done;
	j->bm = bm;
	j->generation = generation;
	bm->busy = true;
	/*
	 * Data the host has at hand (its page cache) is moved right here,
	 * on the vCPU thread: handing it to a pool thread and the completion
	 * back through the event loop costs more than the copy. Only a
	 * transfer that would wait for the host's disk goes to the pool.
	 */
	j->err = bm_transfer(j, true);
	if (j->err != -EAGAIN) {
		bm_done(&j->job);
		return;
	}
	dm_worker_submit(bm->ide->pool, &j->job);
}

/* Clearing start stops the engine at once; a transfer already on the
 * pool still completes and posts its status (the data cannot be called
 * back half-way). */
static void bm_write_command(struct piix_bm *bm, uint8_t v)
{
	bool was_started = bm->command & BM_COMMAND_START;

	bm->command = v & (BM_COMMAND_START | BM_COMMAND_TO_MEMORY);
	if (!was_started && (v & BM_COMMAND_START)) {
		bm->status |= BM_STATUS_ACTIVE;
		bm->armed = true;
		bm_try_start(bm);
	} else if (was_started && !(v & BM_COMMAND_START)) {
		bm->status &= (uint8_t)~BM_STATUS_ACTIVE;
		bm->armed = false;
	}
}

/* Interrupt and error are write-1-to-clear, the drive DMA capable bits
 * read/write, active and simplex (0: both channels at once) read-only. */
static void bm_write_status(struct piix_bm *bm, uint8_t v)
{
	uint8_t cleared = v & (BM_STATUS_INTERRUPT | BM_STATUS_ERROR);

	bm->status = (uint8_t)((bm->status & ~cleared & ~BM_STATUS_DRIVE_DMA) |
			       (v & BM_STATUS_DRIVE_DMA));
}

static uint8_t bm_read_byte(const struct piix_bm *bm, unsigned reg)
{
	switch (reg) {
	case BM_COMMAND:
		return bm->command;
	case BM_STATUS:
		return bm->status;
	case BM_PRDT ... BM_PRDT + 3:
		return (uint8_t)(bm->prdt >> (8 * (reg - BM_PRDT)));
	default:
		return 0;
	}
}

/* The descriptor table is dword-aligned: bits 1:0 read 0. */
static void bm_write_byte(struct piix_bm *bm, unsigned reg, uint8_t v)
{
	unsigned shift;

	switch (reg) {
	case BM_COMMAND:
		bm_write_command(bm, v);
		break;
	case BM_STATUS:
		bm_write_status(bm, v);
		break;
	case BM_PRDT ... BM_PRDT + 3:
		shift = 8 * (reg - BM_PRDT);
		bm->prdt = (bm->prdt & ~(0xffu << shift)) | (uint32_t)v << shift;
		bm->prdt &= ~3u;
		break;
	}
}

/* BAR4: any width, byte by byte in address order. */
static uint64_t bm_io_read(void *opaque, uint64_t offset, unsigned size)
{
	struct piix_ide *ide = opaque;
	uint64_t v = 0;

	for (unsigned i = 0; i < size; i++) {
		unsigned addr = (unsigned)offset + i;

		v |= (uint64_t)bm_read_byte(&ide->bm[addr / BM_CHANNEL_STRIDE],
					    addr % BM_CHANNEL_STRIDE) << (8 * i);
	}
	return v;
}

static void bm_io_write(void *opaque, uint64_t offset, unsigned size,
			uint64_t value)
{
	struct piix_ide *ide = opaque;

	for (unsigned i = 0; i < size; i++) {
		unsigned addr = (unsigned)offset + i;

		bm_write_byte(&ide->bm[addr / BM_CHANNEL_STRIDE],
			      addr % BM_CHANNEL_STRIDE, (uint8_t)(value >> (8 * i)));
	}
}

static const struct io_ops bm_io_ops = {
	.read = bm_io_read,
	.write = bm_io_write,
};

static void bm_reset(struct piix_bm *bm)
{
	bm->command = 0;
	bm->status = 0;
	bm->prdt = 0;
	bm->armed = false;
	bm->busy = false;
}

/* ---- The channels' outputs ---- */

/*
 * INTRQ of channel 0 goes to ISA IRQ 14, channel 1 to IRQ 15: legacy mode
 * has no PCI interrupt. The 8259 latches the rising edge of these
 * edge-triggered inputs, so the line follows INTRQ's level. Each
 * assertion sets the BMIDE interrupt bit.
 */
static void bm_set_irq(void *opaque, int level)
{
	struct piix_bm *bm = opaque;

	if (level)
		bm->status |= BM_STATUS_INTERRUPT;
	if (level == bm->irq_level)
		return;
	bm->irq_level = level;
	irq_line_set(&bm->ide->irq[bm->index], level);
}

static void bm_dma_ready(void *opaque)
{
	bm_try_start(opaque);
}

static const struct ide_channel_ops piix_channel_ops = {
	.set_irq = bm_set_irq,
	.dma_ready = bm_dma_ready,
};

/* ---- Configuration space ---- */

static void set_register(struct pci_device *dev, unsigned offset, unsigned size,
			 uint32_t reset_value, uint32_t writable)
{
	pci_set_bytes(&dev->config[offset], size, reset_value);
	pci_set_bytes(&dev->wmask[offset], size, writable);
}

/*
 * PCICMD: only I/O space and bus master enable are implemented; PCISTS
 * 0280h (fast back-to-back, medium DEVSEL); MLT bits 7:4; no cache line
 * size, interrupt line or pin (legacy mode: IRQ 14/15). IDETIM (40h,
 * 42h, reset 0000h): all but the reserved bits 11:10; SIDETIM (44h). The
 * PIIX4's UDMACTL/UDMATIM (48h, 4Ah) are stored so drivers that write
 * them are not surprised; Linux's ata_piix drives the 7010 as
 * "piix_pata_mwdma" and touches only 40h-44h.
 */
static void piix_ide_set_reset_values(struct pci_device *dev)
{
	set_register(dev, PCI_COMMAND, 2, 0x0000,
		     PCI_COMMAND_IO | PCI_COMMAND_MASTER);
	set_register(dev, PCI_STATUS, 2, 0x0280, 0);
	set_register(dev, PCI_LATENCY_TIMER, 1, 0x00, 0xf0);
	set_register(dev, PCI_CACHE_LINE_SIZE, 1, 0x00, 0x00);
	set_register(dev, PCI_INTERRUPT_LINE, 1, 0x00, 0x00);
	set_register(dev, PIIX_IDE_IDETIM_PRI, 2, 0x0000, 0xf3ff);
	set_register(dev, PIIX_IDE_IDETIM_SEC, 2, 0x0000, 0xf3ff);
	set_register(dev, PIIX_IDE_SIDETIM, 1, 0x00, 0xff);
	set_register(dev, PIIX_IDE_UDMACTL, 1, 0x00, 0x0f);
	set_register(dev, PIIX_IDE_UDMATIM, 2, 0x0000, 0x3333);
}

/* Bus mastering may be enabled after the engine was started. */
static void piix_ide_config_write(struct pci_device *dev, unsigned offset,
				  unsigned size, uint32_t value)
{
	struct piix_ide *ide = dev->opaque;

	(void)value;
	if (offset < PCI_COMMAND + 2 && offset + size > PCI_COMMAND)
		for (unsigned i = 0; i < 2; i++)
			bm_try_start(&ide->bm[i]);
}

static const struct pci_device_info piix_ide_info = {
	.name = "piix-ide",
	.vendor_id = PIIX_IDE_VENDOR_ID,
	.device_id = PIIX_IDE_DEVICE_ID,
	.class_code = PIIX_IDE_CLASS,
	.interrupt_pin = 0,	/* legacy mode: ISA IRQ 14/15 */
	.config_write = piix_ide_config_write,
};

/* ---- Creation, reset, destruction ---- */

static void unregister_ports(struct piix_ide *ide, unsigned channels)
{
	struct io_bus *ports = pci_bus_port_io(ide->bus);

	for (unsigned i = 0; i < channels; i++) {
		io_bus_unregister(ports, command_block_port[i]);
		io_bus_unregister(ports, control_block_port[i]);
	}
}

static int register_ports(struct piix_ide *ide)
{
	struct io_bus *ports = pci_bus_port_io(ide->bus);

	for (unsigned i = 0; i < 2; i++) {
		int err = io_bus_register(ports, command_block_port[i],
					  IDE_COMMAND_BLOCK_SIZE,
					  &ide_command_block_ops, &ide->ch[i],
					  "ide-command");

		if (!err) {
			err = io_bus_register(ports, control_block_port[i],
					      IDE_CONTROL_BLOCK_SIZE,
					      &ide_control_block_ops, &ide->ch[i],
					      "ide-control");
			if (err)
				io_bus_unregister(ports, command_block_port[i]);
		}
		if (err) {
			unregister_ports(ide, i);
			return err;
		}
	}
	return 0;
}

static int init_channels(struct piix_ide *ide,
			 const struct ide_drive_config drives[IDE_MAX_DRIVES])
{
	for (unsigned i = 0; i < 2; i++) {
		struct piix_bm *bm = &ide->bm[i];
		int err;

		bm->ide = ide;
		bm->ch = &ide->ch[i];
		bm->index = i;
		err = ide_channel_init(&ide->ch[i], i, &drives[2 * i], ide->pool,
				       &piix_channel_ops, bm);
		if (err)
			return err;
	}
	return 0;
}

struct piix_ide *piix_ide_create(struct pci_bus *bus, struct guest_memory *mem,
				 struct irq_line irq14, struct irq_line irq15,
				 struct dm_worker_pool *pool,
				 const struct ide_drive_config drives[IDE_MAX_DRIVES])
{
	struct piix_ide *ide;

	if (!bus || !mem || !pool || !drives)
		return NULL;
	ide = calloc(1, sizeof(*ide));
	if (!ide)
		return NULL;
	ide->bus = bus;
	ide->mem = mem;
	ide->pool = pool;
	ide->irq[0] = irq14;
	ide->irq[1] = irq15;
	if (init_channels(ide, drives))
		goto err_free;

	pci_device_init(&ide->pci, &piix_ide_info, ide);
	piix_ide_set_reset_values(&ide->pci);
	if (pci_device_set_bar(&ide->pci, PIIX_IDE_BMIBA_BAR, PCI_BAR_IO,
			       PIIX_IDE_BMIBA_SIZE, &bm_io_ops, ide))
		goto err_free;
	if (register_ports(ide))
		goto err_free;
	if (pci_bus_register_device(bus, &ide->pci, PIIX_IDE_SLOT,
				    PIIX_IDE_FUNCTION))
		goto err_unregister_ports;
	return ide;

err_unregister_ports:
	unregister_ports(ide, 2);
err_free:
	free(ide);
	return NULL;
}

/* Stale completions first (they see the new generation and change
 * nothing), then the power-on state. */
static void quiesce(struct piix_ide *ide)
{
	for (unsigned i = 0; i < 2; i++)
		ide_channel_invalidate(&ide->ch[i]);
	dm_worker_drain(ide->pool);
}

void piix_ide_reset(struct piix_ide *ide)
{
	quiesce(ide);
	for (unsigned i = 0; i < 2; i++) {
		bm_reset(&ide->bm[i]);
		ide_channel_reset(&ide->ch[i]);
	}
}

void piix_ide_destroy(struct piix_ide *ide)
{
	if (!ide)
		return;
	quiesce(ide);
	for (unsigned i = 0; i < 2; i++)
		if (ide->bm[i].irq_level)
			irq_line_set(&ide->irq[i], 0);
	pci_bus_unregister_device(ide->bus, &ide->pci);
	unregister_ports(ide, 2);
	free(ide);
}
