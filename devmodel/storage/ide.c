// SPDX-License-Identifier: GPL-2.0
/*
 * An ATA channel and its devices (ide.h): the taskfile registers, the
 * status protocol (BSY, DRDY, DRQ, ERR, DSC), PIO data blocks, INTRQ, the
 * resets, the ATA command set of a hard disk and the PACKET transport of
 * an ATAPI CD-ROM. References are to ATA/ATAPI-6 (T13/1410D) by register,
 * command and protocol name.
 *
 * Block I/O of PIO commands is done inline (one DRQ block, at most
 * IDE_BUF_SIZE bytes, per access that completes a block); FLUSH CACHE and
 * DMA data phases run on the worker pool with the device BSY until their
 * done function posts the status.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "devmodel/storage/ide.h"

/* Command codes (ATA/ATAPI-6 chapter 8; the retry variants are the
 * obsolete "without retries" opcodes, treated alike). */
enum {
	ATA_DEVICE_RESET		= 0x08,
	ATA_RECALIBRATE			= 0x10,	/* 10h-1Fh */
	ATA_READ_SECTORS		= 0x20,
	ATA_READ_SECTORS_NORETRY	= 0x21,
	ATA_READ_SECTORS_EXT		= 0x24,
	ATA_READ_DMA_EXT		= 0x25,
	ATA_READ_MULTIPLE_EXT		= 0x29,
	ATA_WRITE_SECTORS		= 0x30,
	ATA_WRITE_SECTORS_NORETRY	= 0x31,
	ATA_WRITE_SECTORS_EXT		= 0x34,
	ATA_WRITE_DMA_EXT		= 0x35,
	ATA_WRITE_MULTIPLE_EXT		= 0x39,
	ATA_READ_VERIFY			= 0x40,
	ATA_READ_VERIFY_NORETRY		= 0x41,
	ATA_READ_VERIFY_EXT		= 0x42,
	ATA_SEEK			= 0x70,	/* 70h-7Fh */
	ATA_EXECUTE_DIAGNOSTIC		= 0x90,
	ATA_INITIALIZE_PARAMS		= 0x91,
	ATA_PACKET			= 0xa0,
	ATA_IDENTIFY_PACKET		= 0xa1,
	ATA_READ_MULTIPLE		= 0xc4,
	ATA_WRITE_MULTIPLE		= 0xc5,
	ATA_SET_MULTIPLE		= 0xc6,
	ATA_READ_DMA			= 0xc8,
	ATA_READ_DMA_NORETRY		= 0xc9,
	ATA_WRITE_DMA			= 0xca,
	ATA_WRITE_DMA_NORETRY		= 0xcb,
	ATA_STANDBY_IMMEDIATE		= 0xe0,
	ATA_IDLE_IMMEDIATE		= 0xe1,
	ATA_STANDBY			= 0xe2,
	ATA_IDLE			= 0xe3,
	ATA_CHECK_POWER_MODE		= 0xe5,
	ATA_SLEEP			= 0xe6,
	ATA_FLUSH_CACHE			= 0xe7,
	ATA_FLUSH_CACHE_EXT		= 0xea,
	ATA_IDENTIFY			= 0xec,
	ATA_SET_FEATURES		= 0xef,
};

/* SET FEATURES subcommands (Features register). */
enum {
	SETF_WCACHE_ON		= 0x02,
	SETF_XFER_MODE		= 0x03,
	SETF_LOOKAHEAD_OFF	= 0x55,
	SETF_REVERT_OFF		= 0x66,
	SETF_WCACHE_OFF		= 0x82,
	SETF_LOOKAHEAD_ON	= 0xaa,
	SETF_REVERT_ON		= 0xcc,
};

/* PACKET command Features bits. */
#define PACKET_DMA		0x01
#define PACKET_OVL		0x02

/* Transfer mode values of SET FEATURES 03h: mode type in bits 7:3. */
#define XFER_TYPE_PIO_DEFAULT	0x00
#define XFER_TYPE_PIO		0x01
#define XFER_TYPE_MWDMA		0x04
#define XFER_TYPE_UDMA		0x08

/* Identification strings. */
#define IDE_FIRMWARE		"1.0"
#define IDE_DISK_MODEL		"VMM HARDDISK"
#define IDE_CDROM_MODEL		"VMM DVD-ROM"

/* The default translation geometry: 16 heads of 63 sectors, at most
 * 16383 cylinders (the IDENTIFY DEVICE word 1 limit for large disks). */
#define DEFAULT_HEADS		16
#define DEFAULT_SPT		63
#define MAX_DEFAULT_CYLS	16383
#define MAX_CYLS		65535
#define LBA28_MAX		0x0fffffffu

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* ---- Devices and selection ---- */

static bool drive_present(const struct ide_drive *d)
{
	return d->kind != IDE_DRIVE_NONE;
}

static bool is_atapi(const struct ide_drive *d)
{
	return d->kind == IDE_DRIVE_CDROM;
}

static struct ide_drive *selected(struct ide_channel *ch)
{
	return &ch->drive[(ch->device & IDE_DEVICE_DEV) ? 1 : 0];
}

static bool channel_empty(const struct ide_channel *ch)
{
	return !drive_present(&ch->drive[0]) && !drive_present(&ch->drive[1]);
}

/* Status of a device ready for a command: ATA devices report DRDY and DSC;
 * bit 4 of a PACKET device is SERV, which this one never requests. */
static uint8_t ready_status(const struct ide_drive *d)
{
	return is_atapi(d) ? IDE_STATUS_DRDY : IDE_STATUS_DRDY | IDE_STATUS_DSC;
}

/* ---- INTRQ ---- */

/*
 * Only the selected device drives INTRQ, and not while nIEN is set
 * (ATA/ATAPI-6, Device Control register). A new assertion while the line
 * is already high is reported too: the bus master latches each one.
 */
static void update_irq(struct ide_channel *ch, bool new_assertion)
{
	const struct ide_drive *d = selected(ch);
	int level = drive_present(d) && d->intrq &&
		    !(ch->control & IDE_CONTROL_NIEN);

	if (level == ch->irq_level && !(level && new_assertion))
		return;
	ch->irq_level = level;
	if (ch->ops && ch->ops->set_irq)
		ch->ops->set_irq(ch->opaque, level);
}

static void raise_irq(struct ide_drive *d)
{
	d->intrq = true;
	update_irq(d->ch, d == selected(d->ch));
}

/* Reading Status or writing Command clears a pending interrupt. */
static void clear_irq(struct ide_drive *d)
{
	d->intrq = false;
	update_irq(d->ch, false);
}

/* ---- Command state ---- */

static void stop_command(struct ide_drive *d)
{
	d->pio = (struct ide_pio){ 0 };
	d->dma_pending = false;
	d->remaining = 0;
	d->atapi.left = 0;
}

static void complete(struct ide_drive *d)
{
	stop_command(d);
	d->status = ready_status(d);
	raise_irq(d);
}

static void fail(struct ide_drive *d, uint8_t error)
{
	stop_command(d);
	d->error = error;
	d->status = ready_status(d) | IDE_STATUS_ERR;
	raise_irq(d);
}

static void cmd_abort(struct ide_drive *d)
{
	fail(d, IDE_ERROR_ABRT);
}

/* ---- Resets ---- */

/*
 * The signature a device leaves after a reset or a diagnostic (ATA/ATAPI-6,
 * "Signature and persistence"): sector count and LBA low 01h, LBA mid and
 * high 00h/00h for ATA and 14h/EBh for PACKET devices; the error register
 * holds the diagnostic code.
 */
static void set_signature(struct ide_drive *d)
{
	d->feature = d->hob_feature = 0;
	d->hob_nsect = d->hob_lbal = d->hob_lbam = d->hob_lbah = 0;
	d->nsect = 1;
	d->lbal = 1;
	d->lbam = is_atapi(d) ? 0x14 : 0x00;
	d->lbah = is_atapi(d) ? 0xeb : 0x00;
	d->error = IDE_DIAG_PASSED;
}

/* After a reset a PACKET device clears DRDY until its first command. */
static void post_reset_state(struct ide_drive *d)
{
	stop_command(d);
	set_signature(d);
	d->status = is_atapi(d) ? 0 : IDE_STATUS_DRDY | IDE_STATUS_DSC;
	d->intrq = false;
}

static void drive_soft_reset(struct ide_drive *d)
{
	post_reset_state(d);
	if (is_atapi(d))
		atapi_reset(&d->cd);
}

static void default_geometry(struct ide_drive *d)
{
	d->heads = DEFAULT_HEADS;
	d->spt = DEFAULT_SPT;
	d->cyls = min_u64(d->sectors / (DEFAULT_HEADS * DEFAULT_SPT),
			  MAX_DEFAULT_CYLS);
}

/* Power-on: a soft reset plus the settings back to their defaults. */
static void drive_power_on(struct ide_drive *d)
{
	drive_soft_reset(d);
	d->multiple = IDE_MAX_MULTIPLE;
	d->write_cache = true;
	d->xfer_dma = 0;
	default_geometry(d);
}

static void finish_soft_reset(struct ide_channel *ch)
{
	ch->reset_waiting = false;
	ch->device = 0;
	for (unsigned unit = 0; unit < 2; unit++)
		if (drive_present(&ch->drive[unit]))
			drive_soft_reset(&ch->drive[unit]);
	update_irq(ch, false);
}

/*
 * SRST set: both devices drop what they were doing and stay BSY while it
 * is set (ATA/ATAPI-6, "Software reset" protocol). Jobs on the pool from
 * before become stale.
 */
static void begin_soft_reset(struct ide_channel *ch)
{
	ch->generation++;
	for (unsigned unit = 0; unit < 2; unit++) {
		struct ide_drive *d = &ch->drive[unit];

		if (!drive_present(d))
			continue;
		stop_command(d);
		d->intrq = false;
		d->status = IDE_STATUS_BSY;
	}
	update_irq(ch, false);
}

/* SRST cleared: the devices post their signatures and clear BSY. A flush
 * or DMA still on the pool may still be moving data: the devices stay BSY
 * until the last one has ended (job_ended). */
static void end_soft_reset(struct ide_channel *ch)
{
	if (ch->jobs) {
		ch->reset_waiting = true;
		return;
	}
	finish_soft_reset(ch);
}

/* A job of the pool ended: true when it is still current (no reset since
 * it started) and its result is to be posted. */
static bool job_ended(struct ide_channel *ch, uint64_t generation)
{
	ch->jobs--;
	if (generation == ch->generation)
		return true;
	if (!ch->jobs && ch->reset_waiting && !(ch->control & IDE_CONTROL_SRST))
		finish_soft_reset(ch);
	return false;
}

/* ---- PIO data blocks ---- */

static void pio_start(struct ide_drive *d, uint8_t *data, uint32_t len,
		      bool out, ide_drive_fn end)
{
	d->pio = (struct ide_pio){ .data = data, .len = len, .out = out,
				   .end = end };
}

static bool pio_active(const struct ide_drive *d, bool out)
{
	return d->pio.end && d->pio.out == out && (d->status & IDE_STATUS_DRQ);
}

/* N bytes went through the data register; at the end of the block the
 * command takes over. */
static void pio_advance(struct ide_drive *d, unsigned n)
{
	ide_drive_fn end;

	d->pio.pos += n;
	if (d->pio.pos < d->pio.len)
		return;
	end = d->pio.end;
	d->pio = (struct ide_pio){ 0 };
	end(d);
}

/*
 * One access to the data register (16 or 32 bits; `rep insw/insl` arrives
 * as one access per element), little-endian. An access running past the
 * end of an odd-sized block reads the rest as 0 (Linux pads the last
 * ATAPI byte that way) and ends the block.
 */
static uint32_t pio_read(struct ide_drive *d, unsigned size)
{
	uint32_t v = 0;
	unsigned n;

	if (!pio_active(d, false))
		return 0;
	n = min_u64(size, d->pio.len - d->pio.pos);
	for (unsigned i = 0; i < n; i++)
		v |= (uint32_t)d->pio.data[d->pio.pos + i] << (8 * i);
	pio_advance(d, n);
	return v;
}

static void pio_write(struct ide_drive *d, unsigned size, uint32_t v)
{
	unsigned n;

	if (!pio_active(d, true))
		return;
	n = min_u64(size, d->pio.len - d->pio.pos);
	for (unsigned i = 0; i < n; i++)
		d->pio.data[d->pio.pos + i] = (uint8_t)(v >> (8 * i));
	pio_advance(d, n);
}

/* PIO data-in: a block is ready; DRQ and an interrupt for each block
 * (ATA/ATAPI-6, "PIO data-in" protocol). */
static void send_block(struct ide_drive *d, uint32_t len, ide_drive_fn end)
{
	pio_start(d, d->buf, len, false, end);
	d->status = ready_status(d) | IDE_STATUS_DRQ;
	raise_irq(d);
}

/* The last data-in block was read: no interrupt at the end. */
static void data_in_done(struct ide_drive *d)
{
	d->status = ready_status(d);
}

/* ---- DMA data phase ---- */

/*
 * The device asserts DMARQ with DRQ set and waits for the bus master
 * (ATA/ATAPI-6, "DMA" protocol); the transfer starts once the bus master
 * has been started too, in either order.
 */
static void request_dma(struct ide_drive *d, struct ide_dma_request req)
{
	struct ide_channel *ch = d->ch;

	d->dma = req;
	d->dma_pending = true;
	d->status = ready_status(d) | IDE_STATUS_DRQ;
	if (ch->ops && ch->ops->dma_ready)
		ch->ops->dma_ready(ch->opaque);
}

const struct ide_dma_request *ide_channel_dma_request(const struct ide_channel *ch)
{
	const struct ide_drive *d = &ch->drive[(ch->device & IDE_DEVICE_DEV) ? 1 : 0];

	return d->dma_pending ? &d->dma : NULL;
}

uint64_t ide_channel_dma_begin(struct ide_channel *ch)
{
	struct ide_drive *d = selected(ch);

	d->dma_pending = false;
	d->status = ready_status(d) | IDE_STATUS_BSY;
	ch->dma_drive = d;
	ch->jobs++;
	return ch->generation;
}

/* ---- Addressing ---- */

/* Sector count 0 means 256 (28-bit) or 65536 (48-bit commands). */
static uint32_t sector_count(const struct ide_drive *d, bool lba48)
{
	uint32_t n;

	if (!lba48)
		return d->nsect ? d->nsect : 256;
	n = (uint32_t)d->hob_nsect << 8 | d->nsect;
	return n ? n : 65536;
}

/* CHS through the current translation (INITIALIZE DEVICE PARAMETERS);
 * sectors count from 1. */
static bool chs_to_lba(const struct ide_drive *d, uint32_t cyl, unsigned head,
		       unsigned sector, uint64_t *lba)
{
	if (!sector || sector > d->spt || head >= d->heads)
		return false;
	*lba = ((uint64_t)cyl * d->heads + head) * d->spt + sector - 1;
	return true;
}

/* The command's first sector: 48-bit from the current and previous LBA
 * bytes, 28-bit with bits 27:24 in the device register, or CHS. */
static bool taskfile_lba(const struct ide_drive *d, bool lba48, uint64_t *lba)
{
	uint8_t dev = d->ch->device;
	uint64_t low = (uint64_t)d->lbah << 16 | (uint64_t)d->lbam << 8 | d->lbal;

	if (lba48) {
		*lba = (uint64_t)d->hob_lbah << 40 | (uint64_t)d->hob_lbam << 32 |
		       (uint64_t)d->hob_lbal << 24 | low;
		return true;
	}
	if (dev & IDE_DEVICE_LBA) {
		*lba = (uint64_t)(dev & 0x0f) << 24 | low;
		return true;
	}
	return chs_to_lba(d, (uint32_t)d->lbah << 8 | d->lbam, dev & 0x0f,
			  d->lbal, lba);
}

/* On an error the LBA registers name the failing sector (the "Error
 * outputs" of the read and write commands); CHS addressing is not mapped
 * back. */
static void set_taskfile_lba(struct ide_drive *d, uint64_t lba, bool lba48)
{
	struct ide_channel *ch = d->ch;

	if (!lba48 && !(ch->device & IDE_DEVICE_LBA))
		return;
	d->lbal = (uint8_t)lba;
	d->lbam = (uint8_t)(lba >> 8);
	d->lbah = (uint8_t)(lba >> 16);
	if (lba48) {
		d->hob_lbal = (uint8_t)(lba >> 24);
		d->hob_lbam = (uint8_t)(lba >> 32);
		d->hob_lbah = (uint8_t)(lba >> 40);
	} else {
		ch->device = (uint8_t)((ch->device & 0xf0) | ((lba >> 24) & 0x0f));
	}
}

/* ---- IDENTIFY DEVICE / IDENTIFY PACKET DEVICE ---- */

/* ATA strings: two characters per word, the first in the high byte,
 * padded with spaces. */
static void id_string(uint16_t *id, unsigned word, unsigned words, const char *s)
{
	size_t n = strlen(s);

	for (unsigned i = 0; i < 2 * words; i++) {
		uint8_t c = i < n ? (uint8_t)s[i] : ' ';

		if (i & 1)
			id[word + i / 2] |= c;
		else
			id[word + i / 2] = (uint16_t)(c << 8);
	}
}

/* Word 93, hardware reset results: bit 14 set, bit 13 80-conductor cable,
 * then device 0's (7:0) or device 1's (12:8) outcome: number by jumper,
 * diagnostics passed; device 0 tells whether device 1 asserted PDIAG-
 * and DASP-. */
static uint16_t id_reset_results(const struct ide_drive *d)
{
	const struct ide_channel *ch = d->ch;
	uint16_t v = 0x6000;

	if (d != &ch->drive[0])
		return v | 0x0b00;
	v |= 0x000b;
	if (drive_present(&ch->drive[1]))
		v |= 0x0030;
	return v;
}

/* What ATA disks and ATAPI drives report alike. */
static void id_common(const struct ide_drive *d, uint16_t *id, const char *model)
{
	char serial[21];
	unsigned xfer_mode = d->xfer_dma & 7;

	snprintf(serial, sizeof(serial), "VMM%s%u", is_atapi(d) ? "CD" : "HD",
		 d->index);
	id_string(id, 10, 10, serial);
	id_string(id, 23, 4, IDE_FIRMWARE);
	id_string(id, 27, 20, model);
	/* IORDY supported and can be disabled, LBA, DMA. */
	id[49] = 0x0f00;
	/* Words 54-58, 64-70 and 88 are valid. */
	id[53] = 0x0007;
	/* Multiword DMA 0-2 and Ultra DMA 0-5 supported; the mode SET
	 * FEATURES selected, if any, in the high byte. */
	id[63] = 0x0007;
	id[88] = 0x003f;
	if (d->xfer_dma >> 3 == XFER_TYPE_MWDMA)
		id[63] |= (uint16_t)(0x100 << xfer_mode);
	if (d->xfer_dma >> 3 == XFER_TYPE_UDMA)
		id[88] |= (uint16_t)(0x100 << xfer_mode);
	id[64] = 0x0003;		/* PIO modes 3 and 4 */
	id[65] = id[66] = 120;		/* multiword DMA cycle times, ns */
	id[67] = id[68] = 120;		/* PIO cycle times, ns */
	id[80] = 0x00f0;		/* ATA/ATAPI-4 to -7 */
	id[93] = id_reset_results(d);
}

static void id_disk(const struct ide_drive *d, uint16_t *id)
{
	uint32_t lba28 = (uint32_t)min_u64(d->sectors, LBA28_MAX);
	uint32_t chs_capacity = (uint32_t)d->cyls * d->heads * d->spt;

	id_common(d, id, IDE_DISK_MODEL);
	id[0] = 0x0040;			/* fixed, not removable */
	id[1] = (uint16_t)min_u64(d->sectors / (DEFAULT_HEADS * DEFAULT_SPT),
				  MAX_DEFAULT_CYLS);
	id[3] = DEFAULT_HEADS;
	id[6] = DEFAULT_SPT;
	id[47] = 0x8000 | IDE_MAX_MULTIPLE;
	id[50] = 0x4000;
	id[51] = 0x0200;		/* PIO mode 2 timing (obsolete word) */
	id[54] = d->cyls;
	id[55] = d->heads;
	id[56] = d->spt;
	id[57] = (uint16_t)chs_capacity;
	id[58] = (uint16_t)(chs_capacity >> 16);
	id[59] = 0x0100 | d->multiple;	/* the multiple setting is valid */
	id[60] = (uint16_t)lba28;
	id[61] = (uint16_t)(lba28 >> 16);
	/* Supported: write cache, power management; FLUSH CACHE, FLUSH
	 * CACHE EXT, 48-bit addressing; words 82-84 and 85-87 valid. No
	 * HPA: Linux then never asks READ NATIVE MAX ADDRESS. */
	id[82] = 0x0028;
	id[83] = 0x7400;
	id[84] = 0x4000;
	id[85] = (d->write_cache ? 0x0020 : 0) | 0x0008;
	id[86] = 0x3400;
	id[87] = 0x4000;
	for (unsigned i = 0; i < 4; i++)
		id[100 + i] = (uint16_t)(d->sectors >> (16 * i));
}

/* Word 0: ATAPI, CD-ROM (type 5), removable, DRQ within 50 us of a PACKET
 * command, 12-byte packets. Command sets: PACKET, DEVICE RESET, power
 * management. Word 125 = 0: a byte count limit of 0 is not given a
 * meaning (byte_count_limit). */
static void id_cdrom(const struct ide_drive *d, uint16_t *id)
{
	id_common(d, id, IDE_CDROM_MODEL);
	id[0] = 0x85c0;
	id[82] = 0x0218;
	id[83] = 0x4000;
	id[84] = 0x4000;
	id[85] = 0x0218;
	id[87] = 0x4000;
}

/* Little-endian into the buffer, with the integrity word 255: signature
 * A5h and a checksum making all 512 bytes sum to 0. */
static void id_store(uint16_t *id, uint8_t *buf)
{
	uint8_t sum = 0xa5;

	id[255] = 0x00a5;
	for (unsigned i = 0; i < 255; i++)
		sum += (uint8_t)id[i] + (uint8_t)(id[i] >> 8);
	id[255] |= (uint16_t)((uint8_t)-sum << 8);
	for (unsigned i = 0; i < 256; i++) {
		buf[2 * i] = (uint8_t)id[i];
		buf[2 * i + 1] = (uint8_t)(id[i] >> 8);
	}
}

static void cmd_identify(struct ide_drive *d)
{
	uint16_t id[256] = { 0 };

	if (is_atapi(d))
		id_cdrom(d, id);
	else
		id_disk(d, id);
	id_store(id, d->buf);
	send_block(d, 512, data_in_done);
}

/* IDENTIFY PACKET DEVICE to a disk, IDENTIFY DEVICE to a PACKET device:
 * aborted, with the signature in the registers so the host can tell
 * which it is (SeaBIOS sends IDENTIFY PACKET DEVICE first). */
static void cmd_abort_with_signature(struct ide_drive *d)
{
	set_signature(d);
	cmd_abort(d);
}

/* ---- Disk reads and writes ---- */

#define RW_LBA48	0x01
#define RW_MULTIPLE	0x02
#define RW_DMA		0x04
#define RW_WRITE	0x08
#define RW_VERIFY	0x10

static unsigned rw_flags(uint8_t command)
{
	switch (command) {
	case ATA_READ_SECTORS_EXT:	return RW_LBA48;
	case ATA_READ_MULTIPLE:		return RW_MULTIPLE;
	case ATA_READ_MULTIPLE_EXT:	return RW_MULTIPLE | RW_LBA48;
	case ATA_READ_DMA:
	case ATA_READ_DMA_NORETRY:	return RW_DMA;
	case ATA_READ_DMA_EXT:		return RW_DMA | RW_LBA48;
	case ATA_WRITE_SECTORS:
	case ATA_WRITE_SECTORS_NORETRY:	return RW_WRITE;
	case ATA_WRITE_SECTORS_EXT:	return RW_WRITE | RW_LBA48;
	case ATA_WRITE_MULTIPLE:	return RW_WRITE | RW_MULTIPLE;
	case ATA_WRITE_MULTIPLE_EXT:	return RW_WRITE | RW_MULTIPLE | RW_LBA48;
	case ATA_WRITE_DMA:
	case ATA_WRITE_DMA_NORETRY:	return RW_WRITE | RW_DMA;
	case ATA_WRITE_DMA_EXT:		return RW_WRITE | RW_DMA | RW_LBA48;
	case ATA_READ_VERIFY:
	case ATA_READ_VERIFY_NORETRY:	return RW_VERIFY;
	case ATA_READ_VERIFY_EXT:	return RW_VERIFY | RW_LBA48;
	default:			return 0; /* READ SECTORS */
	}
}

/* A host I/O error: UNC for reads, ABRT for writes, the sector named. */
static void disk_io_error(struct ide_drive *d, uint8_t error)
{
	set_taskfile_lba(d, d->lba, rw_flags(d->command) & RW_LBA48);
	fail(d, error);
}

static void disk_advance(struct ide_drive *d)
{
	d->lba += d->block_sectors;
	d->remaining -= d->block_sectors;
}

static uint32_t next_block_sectors(const struct ide_drive *d)
{
	return d->remaining < d->drq_sectors ? d->remaining : d->drq_sectors;
}

static void disk_read_block_done(struct ide_drive *d);

static void disk_read_block(struct ide_drive *d)
{
	uint32_t n = next_block_sectors(d);

	if (block_pread(d->backend, d->buf, (size_t)n * IDE_SECTOR_SIZE,
			d->lba * IDE_SECTOR_SIZE)) {
		disk_io_error(d, IDE_ERROR_UNC);
		return;
	}
	d->block_sectors = n;
	send_block(d, n * IDE_SECTOR_SIZE, disk_read_block_done);
}

static void disk_read_block_done(struct ide_drive *d)
{
	disk_advance(d);
	if (d->remaining)
		disk_read_block(d);
	else
		data_in_done(d);
}

static void disk_write_block_done(struct ide_drive *d);

/* PIO data-out: DRQ for the next block; the first comes without an
 * interrupt, the others with one (ATA/ATAPI-6, "PIO data-out"). */
static void disk_receive_block(struct ide_drive *d)
{
	d->block_sectors = next_block_sectors(d);
	pio_start(d, d->buf, d->block_sectors * IDE_SECTOR_SIZE, true,
		  disk_write_block_done);
	d->status = ready_status(d) | IDE_STATUS_DRQ;
}

static void disk_write_block_done(struct ide_drive *d)
{
	int err = block_pwrite(d->backend, d->buf,
			       (size_t)d->block_sectors * IDE_SECTOR_SIZE,
			       d->lba * IDE_SECTOR_SIZE);

	/* Write cache disabled: what the host wrote is on stable storage
	 * when the command completes. */
	if (!err && !d->write_cache)
		err = block_flush(d->backend);
	if (err) {
		disk_io_error(d, IDE_ERROR_ABRT);
		return;
	}
	disk_advance(d);
	if (!d->remaining) {
		complete(d);
		return;
	}
	disk_receive_block(d);
	raise_irq(d);
}

static void disk_dma(struct ide_drive *d, bool write)
{
	request_dma(d, (struct ide_dma_request){
		.to_memory = !write,
		.sync = write && !d->write_cache,
		.len = (uint64_t)d->remaining * IDE_SECTOR_SIZE,
		.backend = d->backend,
		.offset = d->lba * IDE_SECTOR_SIZE,
	});
}

static void disk_dma_end(struct ide_drive *d, int err)
{
	if (!err)
		complete(d);
	else if (err == -EFAULT)
		cmd_abort(d);
	else
		disk_io_error(d, d->dma.to_memory ? IDE_ERROR_UNC : IDE_ERROR_ABRT);
}

/* READ/WRITE SECTORS, MULTIPLE, DMA and READ VERIFY, 28- and 48-bit.
 * Sectors outside the disk: IDNF; a read-only disk refuses writes. */
static void cmd_rw(struct ide_drive *d)
{
	unsigned flags = rw_flags(d->command);
	bool lba48 = flags & RW_LBA48;
	uint32_t count = sector_count(d, lba48);
	uint64_t lba;

	if ((flags & RW_MULTIPLE) && !d->multiple) {
		cmd_abort(d);
		return;
	}
	if (!taskfile_lba(d, lba48, &lba) || lba >= d->sectors ||
	    count > d->sectors - lba) {
		fail(d, IDE_ERROR_IDNF);
		return;
	}
	if ((flags & RW_WRITE) && block_is_read_only(d->backend)) {
		cmd_abort(d);
		return;
	}
	d->lba = lba;
	d->remaining = count;
	d->drq_sectors = (flags & RW_MULTIPLE) ? d->multiple : 1;
	if (flags & RW_VERIFY)
		complete(d);
	else if (flags & RW_DMA)
		disk_dma(d, flags & RW_WRITE);
	else if (flags & RW_WRITE)
		disk_receive_block(d);
	else
		disk_read_block(d);
}

/* ---- FLUSH CACHE (EXT) ---- */

static struct ide_flush_job *to_flush_job(struct dm_job *job)
{
	return (struct ide_flush_job *)((char *)job - offsetof(struct ide_flush_job, job));
}

/* fdatasync() off the vCPU thread. */
static void flush_work(struct dm_job *job)
{
	struct ide_flush_job *f = to_flush_job(job);

	f->err = block_flush(f->drive->backend);
}

static void flush_done(struct dm_job *job)
{
	struct ide_flush_job *f = to_flush_job(job);
	struct ide_drive *d = f->drive;

	if (!job_ended(d->ch, f->generation))
		return;
	if (f->err)
		cmd_abort(d);
	else
		complete(d);
}

/* BSY until the data is on stable storage, then an interrupt. */
static void cmd_flush(struct ide_drive *d)
{
	struct ide_channel *ch = d->ch;

	if (!ch->pool) {
		if (block_flush(d->backend))
			cmd_abort(d);
		else
			complete(d);
		return;
	}
	d->status = ready_status(d) | IDE_STATUS_BSY;
	d->flush.job.work = flush_work;
	d->flush.job.done = flush_done;
	d->flush.drive = d;
	d->flush.generation = ch->generation;
	ch->jobs++;
	dm_worker_submit(ch->pool, &d->flush.job);
}

/* ---- Other commands ---- */

/* RECALIBRATE, SEEK and the power commands: nothing to move or spin. */
static void cmd_no_data(struct ide_drive *d)
{
	complete(d);
}

/* CHECK POWER MODE: FFh in the sector count, active or idle. */
static void cmd_check_power_mode(struct ide_drive *d)
{
	d->nsect = 0xff;
	complete(d);
}

/* SET MULTIPLE MODE: 0 turns READ/WRITE MULTIPLE off; otherwise a power
 * of two up to the maximum of word 47. */
static void cmd_set_multiple(struct ide_drive *d)
{
	uint8_t n = d->nsect;

	if (n > IDE_MAX_MULTIPLE || (n & (n - 1))) {
		cmd_abort(d);
		return;
	}
	d->multiple = n;
	complete(d);
}

/* INITIALIZE DEVICE PARAMETERS: the CHS translation for sectors per
 * track (sector count) and heads (device register bits 3:0, plus one). */
static void cmd_initialize_params(struct ide_drive *d)
{
	unsigned heads = (d->ch->device & 0x0f) + 1;
	unsigned spt = d->nsect;

	if (!spt) {
		cmd_abort(d);
		return;
	}
	d->heads = (uint16_t)heads;
	d->spt = (uint16_t)spt;
	d->cyls = (uint16_t)min_u64(d->sectors / (heads * spt), MAX_CYLS);
	complete(d);
}

/* Transfer mode (SET FEATURES 03h, sector count): PIO default or flow
 * control modes up to 4, multiword DMA 0-2, Ultra DMA 0-5; single word
 * DMA is not supported. The DMA mode shows in IDENTIFY words 63/88. */
static bool set_transfer_mode(struct ide_drive *d, uint8_t value)
{
	unsigned mode = value & 7;

	switch (value >> 3) {
	case XFER_TYPE_PIO_DEFAULT:
		return mode <= 1;
	case XFER_TYPE_PIO:
		return mode <= 4;
	case XFER_TYPE_MWDMA:
		if (mode > 2)
			return false;
		break;
	case XFER_TYPE_UDMA:
		if (mode > 5)
			return false;
		break;
	default:
		return false;
	}
	d->xfer_dma = value;
	return true;
}

/* Turning the write cache off makes every later write synchronous; what
 * was cached before goes to stable storage now. */
static bool set_write_cache(struct ide_drive *d, bool on)
{
	if (is_atapi(d))
		return false;
	if (!on && d->write_cache && block_flush(d->backend))
		return false;
	d->write_cache = on;
	return true;
}

/* SET FEATURES: what this device has, plus the harmless settings every
 * drive accepts (read look-ahead, reverting to power-on defaults);
 * anything else is aborted as on a drive without that feature. */
static void cmd_set_features(struct ide_drive *d)
{
	bool ok;

	switch (d->feature) {
	case SETF_XFER_MODE:
		ok = set_transfer_mode(d, d->nsect);
		break;
	case SETF_WCACHE_ON:
	case SETF_WCACHE_OFF:
		ok = set_write_cache(d, d->feature == SETF_WCACHE_ON);
		break;
	case SETF_LOOKAHEAD_OFF:
	case SETF_LOOKAHEAD_ON:
	case SETF_REVERT_OFF:
	case SETF_REVERT_ON:
		ok = true;
		break;
	default:
		ok = false;
		break;
	}
	if (ok)
		complete(d);
	else
		cmd_abort(d);
}

/*
 * EXECUTE DEVICE DIAGNOSTIC: both devices run it whichever is selected
 * and post their signatures with code 01h (passed; device 1 passed or
 * absent). One interrupt, from the selected device (or device 0). A
 * device still busy with a job on the pool ignores it, as it ignores any
 * command.
 */
static void cmd_diagnostic(struct ide_drive *d)
{
	struct ide_channel *ch = d->ch;
	struct ide_drive *irq_drive = NULL;

	for (unsigned unit = 0; unit < 2; unit++) {
		struct ide_drive *u = &ch->drive[unit];

		if (!drive_present(u) || (u->status & IDE_STATUS_BSY))
			continue;
		post_reset_state(u);
		if (!irq_drive || u == selected(ch))
			irq_drive = u;
	}
	if (irq_drive)
		raise_irq(irq_drive);
}

/* DEVICE RESET (PACKET devices): the device alone is reset; the "Device
 * reset" protocol ends without an interrupt. */
static void cmd_device_reset(struct ide_drive *d)
{
	drive_soft_reset(d);
	update_irq(d->ch, false);
}

/* ---- ATAPI: the PACKET command ---- */

/* PACKET completion (ATA/ATAPI-6, PACKET "Normal/Error outputs"):
 * interrupt reason I/O and C/D both set, DRDY, and on CHECK CONDITION
 * the CHK bit with the sense key in error bits 7:4. */
static void atapi_end(struct ide_drive *d, uint8_t status, uint8_t error)
{
	stop_command(d);
	d->nsect = IDE_IREASON_IO | IDE_IREASON_COD;
	d->error = error;
	d->status = IDE_STATUS_DRDY | status;
	raise_irq(d);
}

static void atapi_done(struct ide_drive *d)
{
	atapi_end(d, 0, 0);
}

static void atapi_check(struct ide_drive *d)
{
	atapi_end(d, IDE_STATUS_ERR,
		  (uint8_t)(d->cd.sense_key << IDE_ERROR_SENSE_SHIFT));
}

/* LEN bytes of the medium at OFFSET; the part of a partial last block
 * beyond the image reads as zeros. */
static int read_medium(struct block_backend *medium, uint8_t *buf,
		       uint64_t offset, uint32_t len)
{
	uint64_t size = medium ? block_size(medium) : 0;
	uint32_t avail;

	if (offset >= size)
		return -EIO;
	avail = (uint32_t)min_u64(len, size - offset);
	memset(buf + avail, 0, len - avail);
	return block_pread(medium, buf, avail, offset);
}

/* The next batch of blocks for PIO: as many as one DRQ block may carry,
 * at least one, at most a buffer full. */
static bool atapi_fill(struct ide_drive *d)
{
	struct ide_atapi_xfer *x = &d->atapi;
	uint32_t n = x->limit / ATAPI_BLOCK_SIZE;

	if (n < 1)
		n = 1;
	n = (uint32_t)min_u64(min_u64(n, x->blocks_left),
			      IDE_BUF_SIZE / ATAPI_BLOCK_SIZE);
	if (read_medium(d->cd.medium, d->buf, (uint64_t)x->lba * ATAPI_BLOCK_SIZE,
			n * ATAPI_BLOCK_SIZE)) {
		atapi_set_medium_error(&d->cd);
		atapi_check(d);
		return false;
	}
	x->lba += n;
	x->blocks_left -= n;
	x->buffered = n * ATAPI_BLOCK_SIZE;
	x->consumed = 0;
	return true;
}

/* A DRQ block may not exceed the byte count limit, and only the last may
 * be odd (ATA/ATAPI-6, PACKET command, Byte Count Limit). */
static uint32_t drq_limit(const struct ide_atapi_xfer *x)
{
	uint32_t limit = x->limit;

	if ((limit & 1) && x->left > limit)
		limit = limit > 1 ? limit - 1 : 2;
	return limit;
}

static void atapi_chunk_done(struct ide_drive *d);

/*
 * PIO data-in of a PACKET command: each DRQ block comes with its byte
 * count in LBA mid/high, interrupt reason I/O=1 C/D=0 and an interrupt;
 * after the last one, the completion interrupts once more.
 */
static void atapi_next_chunk(struct ide_drive *d)
{
	struct ide_atapi_xfer *x = &d->atapi;
	uint32_t chunk;

	if (!x->left) {
		atapi_done(d);
		return;
	}
	if (x->consumed == x->buffered && !atapi_fill(d))
		return;
	chunk = (uint32_t)min_u64(min_u64(x->left, x->buffered - x->consumed),
				  drq_limit(x));
	x->chunk = chunk;
	d->lbam = (uint8_t)chunk;
	d->lbah = (uint8_t)(chunk >> 8);
	d->nsect = IDE_IREASON_IO;
	pio_start(d, d->buf + x->consumed, chunk, false, atapi_chunk_done);
	d->status = IDE_STATUS_DRDY | IDE_STATUS_DRQ;
	raise_irq(d);
}

static void atapi_chunk_done(struct ide_drive *d)
{
	struct ide_atapi_xfer *x = &d->atapi;

	x->consumed += x->chunk;
	x->left -= x->chunk;
	atapi_next_chunk(d);
}

/* The reply goes out by PIO, or by DMA when the PACKET command asked for
 * it: from the medium at OFFSET, or from buf. */
static void atapi_data_phase(struct ide_drive *d, struct block_backend *medium,
			     uint64_t offset)
{
	if (!d->atapi.dma) {
		atapi_next_chunk(d);
		return;
	}
	d->nsect = IDE_IREASON_IO;
	request_dma(d, (struct ide_dma_request){
		.to_memory = true,
		.len = d->atapi.left,
		.backend = medium,
		.offset = offset,
		.buf = medium ? NULL : d->buf,
	});
}

static void atapi_dma_end(struct ide_drive *d, int err)
{
	if (!err) {
		atapi_done(d);
	} else if (err == -EFAULT) {
		atapi_end(d, IDE_STATUS_ERR, IDE_ERROR_ABRT);
	} else {
		atapi_set_medium_error(&d->cd);
		atapi_check(d);
	}
}

/* The 12 command bytes are in: atapi.c decides what follows. */
static void atapi_packet_received(struct ide_drive *d)
{
	struct ide_atapi_xfer *x = &d->atapi;
	struct atapi_reply r = atapi_execute(&d->cd, x->packet, d->buf);

	x->consumed = 0;
	x->blocks_left = 0;
	switch (r.action) {
	case ATAPI_DATA_IN:
		x->left = r.len;
		x->buffered = r.len;
		atapi_data_phase(d, NULL, 0);
		break;
	case ATAPI_READ:
		x->left = (uint64_t)r.nblocks * ATAPI_BLOCK_SIZE;
		x->lba = r.lba;
		x->blocks_left = r.nblocks;
		x->buffered = 0;
		if (x->left)
			atapi_data_phase(d, d->cd.medium,
					 (uint64_t)r.lba * ATAPI_BLOCK_SIZE);
		else
			atapi_done(d);
		break;
	case ATAPI_CHECK_CONDITION:
		atapi_check(d);
		break;
	default:
		atapi_done(d);
		break;
	}
}

/* The PIO byte count limit from LBA mid/high: FFFFh counts as FFFEh; 0,
 * which the host shall not use and IDENTIFY word 125 leaves undefined,
 * as the largest limit too. */
static uint32_t byte_count_limit(const struct ide_drive *d)
{
	uint32_t limit = (uint32_t)d->lbah << 8 | d->lbam;

	return limit == 0 || limit == 0xffff ? 0xfffe : limit;
}

/* PACKET: DRQ with interrupt reason C/D=1 I/O=0 for the command bytes; no
 * interrupt, this device asserts DRQ within 50 us (IDENTIFY word 0).
 * Overlap is not supported. */
static void cmd_packet(struct ide_drive *d)
{
	if (d->feature & PACKET_OVL) {
		cmd_abort(d);
		return;
	}
	d->atapi.dma = d->feature & PACKET_DMA;
	d->atapi.limit = byte_count_limit(d);
	d->nsect = IDE_IREASON_COD;
	pio_start(d, d->atapi.packet, ATAPI_PACKET_SIZE, true,
		  atapi_packet_received);
	d->status = IDE_STATUS_DRDY | IDE_STATUS_DRQ;
}

/* ---- Command dispatch ---- */

static const ide_drive_fn disk_commands[256] = {
	[ATA_RECALIBRATE ... ATA_RECALIBRATE + 0x0f] = cmd_no_data,
	[ATA_READ_SECTORS]		= cmd_rw,
	[ATA_READ_SECTORS_NORETRY]	= cmd_rw,
	[ATA_READ_SECTORS_EXT]		= cmd_rw,
	[ATA_READ_DMA_EXT]		= cmd_rw,
	[ATA_READ_MULTIPLE_EXT]		= cmd_rw,
	[ATA_WRITE_SECTORS]		= cmd_rw,
	[ATA_WRITE_SECTORS_NORETRY]	= cmd_rw,
	[ATA_WRITE_SECTORS_EXT]		= cmd_rw,
	[ATA_WRITE_DMA_EXT]		= cmd_rw,
	[ATA_WRITE_MULTIPLE_EXT]	= cmd_rw,
	[ATA_READ_VERIFY]		= cmd_rw,
	[ATA_READ_VERIFY_NORETRY]	= cmd_rw,
	[ATA_READ_VERIFY_EXT]		= cmd_rw,
	[ATA_SEEK ... ATA_SEEK + 0x0f]	= cmd_no_data,
	[ATA_EXECUTE_DIAGNOSTIC]	= cmd_diagnostic,
	[ATA_INITIALIZE_PARAMS]		= cmd_initialize_params,
	[ATA_IDENTIFY_PACKET]		= cmd_abort_with_signature,
	[ATA_READ_MULTIPLE]		= cmd_rw,
	[ATA_WRITE_MULTIPLE]		= cmd_rw,
	[ATA_SET_MULTIPLE]		= cmd_set_multiple,
	[ATA_READ_DMA]			= cmd_rw,
	[ATA_READ_DMA_NORETRY]		= cmd_rw,
	[ATA_WRITE_DMA]			= cmd_rw,
	[ATA_WRITE_DMA_NORETRY]		= cmd_rw,
	[ATA_STANDBY_IMMEDIATE]		= cmd_no_data,
	[ATA_IDLE_IMMEDIATE]		= cmd_no_data,
	[ATA_STANDBY]			= cmd_no_data,
	[ATA_IDLE]			= cmd_no_data,
	[ATA_CHECK_POWER_MODE]		= cmd_check_power_mode,
	[ATA_SLEEP]			= cmd_no_data,
	[ATA_FLUSH_CACHE]		= cmd_flush,
	[ATA_FLUSH_CACHE_EXT]		= cmd_flush,
	[ATA_IDENTIFY]			= cmd_identify,
	[ATA_SET_FEATURES]		= cmd_set_features,
};

/* The PACKET feature set's mandatory ATA commands (ATA/ATAPI-6). */
static const ide_drive_fn cdrom_commands[256] = {
	[ATA_DEVICE_RESET]		= cmd_device_reset,
	[ATA_EXECUTE_DIAGNOSTIC]	= cmd_diagnostic,
	[ATA_PACKET]			= cmd_packet,
	[ATA_IDENTIFY_PACKET]		= cmd_identify,
	[ATA_STANDBY_IMMEDIATE]		= cmd_no_data,
	[ATA_IDLE_IMMEDIATE]		= cmd_no_data,
	[ATA_STANDBY]			= cmd_no_data,
	[ATA_IDLE]			= cmd_no_data,
	[ATA_CHECK_POWER_MODE]		= cmd_check_power_mode,
	[ATA_SLEEP]			= cmd_no_data,
	[ATA_IDENTIFY]			= cmd_abort_with_signature,
	[ATA_SET_FEATURES]		= cmd_set_features,
};

/*
 * A write to the Command register. A busy device takes no command (its
 * result would be indeterminate; here BSY lasts as long as a flush or DMA
 * on the pool, SRST being the way out). A command written while DRQ is
 * set abandons the transfer in progress. An absent device 1 executes
 * nothing, but EXECUTE DEVICE DIAGNOSTIC reaches device 0 anyway.
 */
static void execute_command(struct ide_channel *ch, uint8_t command)
{
	struct ide_drive *d = selected(ch);
	ide_drive_fn fn;

	if (!drive_present(d)) {
		if (command == ATA_EXECUTE_DIAGNOSTIC)
			cmd_diagnostic(&ch->drive[0]);
		return;
	}
	if (d->status & IDE_STATUS_BSY)
		return;
	stop_command(d);
	clear_irq(d);
	d->command = command;
	d->error = 0;
	fn = is_atapi(d) ? cdrom_commands[command] : disk_commands[command];
	if (fn)
		fn(d);
	else
		cmd_abort(d);
}

/* ---- Register access ---- */

/* Reading Status clears the pending interrupt; while BSY every command
 * block register reads as Status. HOB selects the previous content of
 * the 48-bit registers. */
static uint8_t register_read(struct ide_drive *d, unsigned reg)
{
	bool hob = d->ch->control & IDE_CONTROL_HOB;

	if (reg == IDE_REG_STATUS) {
		clear_irq(d);
		return d->status;
	}
	if (d->status & IDE_STATUS_BSY)
		return d->status;
	switch (reg) {
	case IDE_REG_ERROR:
		return d->error;
	case IDE_REG_NSECT:
		return hob ? d->hob_nsect : d->nsect;
	case IDE_REG_LBAL:
		return hob ? d->hob_lbal : d->lbal;
	case IDE_REG_LBAM:
		return hob ? d->hob_lbam : d->lbam;
	case IDE_REG_LBAH:
		return hob ? d->hob_lbah : d->lbah;
	default:
		return d->ch->device;
	}
}

/*
 * Both devices latch writes to the command block; a busy one ignores
 * them. The 48-bit registers are two-deep FIFOs: the previous byte moves
 * to hob_*.
 */
static void latch(struct ide_drive *d, unsigned reg, uint8_t v)
{
	if (!drive_present(d) || (d->status & IDE_STATUS_BSY))
		return;
	switch (reg) {
	case IDE_REG_FEATURE:
		d->hob_feature = d->feature;
		d->feature = v;
		break;
	case IDE_REG_NSECT:
		d->hob_nsect = d->nsect;
		d->nsect = v;
		break;
	case IDE_REG_LBAL:
		d->hob_lbal = d->lbal;
		d->lbal = v;
		break;
	case IDE_REG_LBAM:
		d->hob_lbam = d->lbam;
		d->lbam = v;
		break;
	case IDE_REG_LBAH:
		d->hob_lbah = d->lbah;
		d->lbah = v;
		break;
	}
}

/* The device register selects the device; not while the selected one is
 * busy. The new selection drives INTRQ from now on. */
static void select_device(struct ide_channel *ch, uint8_t v)
{
	if (selected(ch)->status & IDE_STATUS_BSY)
		return;
	ch->device = v;
	update_irq(ch, false);
}

/*
 * With no device on the cable nothing drives the bus: all ones, which
 * SeaBIOS (powerup_await_non_bsy) and Linux (status FFh) take as "no
 * device". A selected device 1 that is absent reads 0 (Status 00h, as
 * ATA/ATAPI-6 has device 0 answer for it), so neither sees a device
 * there; the device register still reads back the selection.
 */
static uint64_t command_block_read(void *opaque, uint64_t offset, unsigned size)
{
	struct ide_channel *ch = opaque;
	struct ide_drive *d = selected(ch);

	if (channel_empty(ch))
		return UINT64_MAX;
	if (!drive_present(d))
		return offset == IDE_REG_DEVICE ? ch->device : 0;
	if (offset == IDE_REG_DATA)
		return pio_read(d, size);
	return register_read(d, (unsigned)offset);
}

/* A write to any command block register clears HOB. */
static void command_block_write(void *opaque, uint64_t offset, unsigned size,
				uint64_t value)
{
	struct ide_channel *ch = opaque;
	struct ide_drive *d = selected(ch);

	if (channel_empty(ch))
		return;
	if (offset == IDE_REG_DATA) {
		if (drive_present(d))
			pio_write(d, size, (uint32_t)value);
		return;
	}
	ch->control &= (uint8_t)~IDE_CONTROL_HOB;
	if (offset == IDE_REG_COMMAND) {
		execute_command(ch, (uint8_t)value);
	} else if (offset == IDE_REG_DEVICE) {
		select_device(ch, (uint8_t)value);
	} else {
		latch(&ch->drive[0], (unsigned)offset, (uint8_t)value);
		latch(&ch->drive[1], (unsigned)offset, (uint8_t)value);
	}
}

const struct io_ops ide_command_block_ops = {
	.read = command_block_read,
	.write = command_block_write,
};

/* Alternate Status: Status without clearing the interrupt. */
static uint64_t control_block_read(void *opaque, uint64_t offset, unsigned size)
{
	struct ide_channel *ch = opaque;
	const struct ide_drive *d = selected(ch);

	(void)offset;
	(void)size;
	if (channel_empty(ch))
		return UINT64_MAX;
	return drive_present(d) ? d->status : 0;
}

/* Device Control: nIEN masks INTRQ, SRST resets both devices on its
 * falling edge, HOB picks the register bytes read. */
static void control_block_write(void *opaque, uint64_t offset, unsigned size,
				uint64_t value)
{
	struct ide_channel *ch = opaque;
	uint8_t old = ch->control;

	(void)offset;
	(void)size;
	ch->control = (uint8_t)value;
	if (!(old & IDE_CONTROL_SRST) && (value & IDE_CONTROL_SRST))
		begin_soft_reset(ch);
	else if ((old & IDE_CONTROL_SRST) && !(value & IDE_CONTROL_SRST))
		end_soft_reset(ch);
	update_irq(ch, false);
}

const struct io_ops ide_control_block_ops = {
	.read = control_block_read,
	.write = control_block_write,
};

/* ---- DMA completion, channel life cycle ---- */

void ide_channel_dma_end(struct ide_channel *ch, uint64_t generation, int err)
{
	struct ide_drive *d = ch->dma_drive;

	if (!job_ended(ch, generation))
		return;
	ch->dma_drive = NULL;
	if (is_atapi(d))
		atapi_dma_end(d, err);
	else
		disk_dma_end(d, err);
}

uint64_t ide_channel_generation(const struct ide_channel *ch)
{
	return ch->generation;
}

void ide_channel_invalidate(struct ide_channel *ch)
{
	ch->generation++;
}

void ide_channel_reset(struct ide_channel *ch)
{
	ch->generation++;
	ch->device = 0;
	ch->control = 0;
	ch->reset_waiting = false;
	ch->dma_drive = NULL;
	for (unsigned unit = 0; unit < 2; unit++)
		if (drive_present(&ch->drive[unit]))
			drive_power_on(&ch->drive[unit]);
	ch->irq_level = 0;
	if (ch->ops && ch->ops->set_irq)
		ch->ops->set_irq(ch->opaque, 0);
}

static int drive_init(struct ide_drive *d, struct ide_channel *ch,
		      unsigned index, const struct ide_drive_config *config)
{
	d->ch = ch;
	d->index = index;
	d->kind = config->kind;
	switch (config->kind) {
	case IDE_DRIVE_NONE:
		return 0;
	case IDE_DRIVE_DISK:
		if (!config->backend)
			return -EINVAL;
		d->backend = config->backend;
		d->sectors = block_size(config->backend) / IDE_SECTOR_SIZE;
		return 0;
	case IDE_DRIVE_CDROM:
		atapi_init(&d->cd, config->backend);
		return 0;
	default:
		return -EINVAL;
	}
}

int ide_channel_init(struct ide_channel *ch, unsigned index,
		     const struct ide_drive_config config[2],
		     struct dm_worker_pool *pool,
		     const struct ide_channel_ops *ops, void *opaque)
{
	memset(ch, 0, sizeof(*ch));
	ch->pool = pool;
	ch->ops = ops;
	ch->opaque = opaque;
	for (unsigned unit = 0; unit < 2; unit++) {
		int err = drive_init(&ch->drive[unit], ch, index * 2 + unit,
				     &config[unit]);

		if (err)
			return err;
	}
	ide_channel_reset(ch);
	return 0;
}
