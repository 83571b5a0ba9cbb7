// SPDX-License-Identifier: GPL-2.0
/*
 * The PIIX3 IDE function and its drives (devmodel/storage/piix_ide.c,
 * ide.c) on a fake machine: a port bus, PCI bus 0, guest RAM, IRQ lines
 * that record their levels, a real worker pool and raw images in a
 * temporary directory. The test thread plays the guest (port accesses,
 * one per element of a `rep ins/outs`) and the event loop
 * (dm_worker_drain runs the completions).
 *
 * Drives: hda a 128 GiB sparse disk (beyond LBA28), hdb absent, hdc an
 * ATAPI CD-ROM with an image of 8 blocks and a bit, hdd a read-only disk;
 * another layout leaves the secondary channel empty.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "tests/unit/fixture.h"

#include "devmodel/core/io.h"
#include "devmodel/core/pci.h"
#include "devmodel/storage/ide.h"
#include "devmodel/storage/piix_ide.h"

#define RAM_SIZE	(1u << 20)
#define PRD_GPA		0x1000
#define BM_BASE		0xc000
#define IRQ_PRI		14
#define IRQ_SEC		15

#define PRI		0x1f0
#define PRI_CTL		0x3f6
#define SEC		0x170
#define SEC_CTL		0x376

#define DISK_SECTORS	((1ull << 28) + 2048)
#define HIGH_LBA	0x1000005ull	/* needs the HOB LBA byte */
#define RO_SECTORS	64
#define CD_BLOCKS	8
#define CD_TAIL		1000	/* bytes of a partial ninth block */

/* Status values. */
#define ST_READY	0x50	/* DRDY | DSC */
#define ST_DRQ		0x58
#define ST_ERR		0x51
#define ST_BSY		0x80

/* ATA commands used here. */
#define CMD_READ_SECTORS	0x20
#define CMD_READ_SECTORS_EXT	0x24
#define CMD_READ_DMA		0xc8
#define CMD_WRITE_DMA		0xca
#define CMD_WRITE_SECTORS	0x30
#define CMD_READ_MULTIPLE	0xc4
#define CMD_WRITE_MULTIPLE	0xc5
#define CMD_SET_MULTIPLE	0xc6
#define CMD_IDENTIFY		0xec
#define CMD_IDENTIFY_PACKET	0xa1
#define CMD_PACKET		0xa0
#define CMD_FLUSH		0xe7
#define CMD_SET_FEATURES	0xef
#define CMD_CHECK_POWER		0xe5
#define CMD_DIAGNOSTIC		0x90
#define CMD_DEVICE_RESET	0x08

enum layout { LAYOUT_STD, LAYOUT_PRIMARY_ONLY };

struct fixture {
	struct io_bus *ports, *mem_bus;
	struct pci_bus *pci;
	struct pci_device isa;	/* 00:01.0, so that 01.1 is visible */
	struct fake_ram ram;
	struct dm_worker_pool *pool;
	char dir[64];
	char disk_path[96], ro_path[96], cd_path[96];
	struct block_backend *disk, *ro, *cd;
	struct piix_ide *ide;
	struct irq_recorder irq;	/* IRQ14 and IRQ15 */
};

/* ---- image contents ---- */

static uint8_t disk_byte(uint64_t lba, unsigned i)
{
	return (uint8_t)(lba * 31 + i * 7 + (lba >> 24) * 3 + 1);
}

static uint8_t ro_byte(uint64_t lba, unsigned i)
{
	return disk_byte(lba + 1000, i);
}

static uint8_t cd_byte(uint64_t block, unsigned i)
{
	return (uint8_t)(block * 59 + i * 3 + 5);
}

static void fill_sectors(int fd, uint64_t first, unsigned n,
			 uint8_t (*byte)(uint64_t, unsigned))
{
	uint8_t buf[512];

	for (uint64_t lba = first; lba < first + n; lba++) {
		for (unsigned i = 0; i < sizeof(buf); i++)
			buf[i] = byte(lba, i);
		assert_int_equal(pwrite(fd, buf, sizeof(buf), (off_t)(lba * 512)),
				 sizeof(buf));
	}
}

static int make_image(char *path, size_t pathlen, const char *dir,
		      const char *name, uint64_t size)
{
	int fd;

	snprintf(path, pathlen, "%s/%s", dir, name);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)size), 0);
	return fd;
}

static void make_images(struct fixture *f)
{
	uint8_t block[2048];
	int fd;

	fd = make_image(f->disk_path, sizeof(f->disk_path), f->dir, "hda.img",
			DISK_SECTORS * 512);
	fill_sectors(fd, 0, 256, disk_byte);
	fill_sectors(fd, HIGH_LBA - 5, 16, disk_byte);
	fill_sectors(fd, DISK_SECTORS - 4, 4, disk_byte);
	close(fd);

	fd = make_image(f->ro_path, sizeof(f->ro_path), f->dir, "hdd.img",
			RO_SECTORS * 512);
	fill_sectors(fd, 0, RO_SECTORS, ro_byte);
	close(fd);

	fd = make_image(f->cd_path, sizeof(f->cd_path), f->dir, "cd.iso",
			CD_BLOCKS * 2048 + CD_TAIL);
	for (unsigned b = 0; b <= CD_BLOCKS; b++) {
		size_t len = b < CD_BLOCKS ? sizeof(block) : CD_TAIL;

		for (unsigned i = 0; i < sizeof(block); i++)
			block[i] = cd_byte(b, i);
		assert_int_equal(pwrite(fd, block, len, b * 2048), (ssize_t)len);
	}
	close(fd);
}

/* ---- the machine ---- */

static const struct pci_device_info isa_bridge_info = {
	.name = "isa", .vendor_id = 0x8086, .device_id = 0x7000,
	.class_code = 0x060100, .multifunction = true,
};

static struct block_backend *open_image(const char *path, bool ro)
{
	char err[256];
	struct block_backend *b = block_open(path, ro, err, sizeof(err));

	if (!b)
		fail_msg("%s", err);
	return b;
}

static int setup_layout(void **state, enum layout layout)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct ide_drive_config drives[IDE_MAX_DRIVES] = { 0 };

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/test-ide.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	make_images(f);
	f->disk = open_image(f->disk_path, false);
	f->ro = open_image(f->ro_path, true);
	f->cd = open_image(f->cd_path, true);

	fake_ram_init(&f->ram, RAM_SIZE);
	f->ports = io_bus_new("ports");
	f->mem_bus = io_bus_new("mem");
	f->pci = pci_bus_new(f->ports, f->mem_bus);
	assert_non_null(f->pci);
	pci_device_init(&f->isa, &isa_bridge_info, f);
	assert_int_equal(pci_bus_register_device(f->pci, &f->isa, 1, 0), 0);
	f->pool = dm_worker_pool_new(2);
	assert_non_null(f->pool);

	drives[0] = (struct ide_drive_config){ IDE_DRIVE_DISK, f->disk };
	if (layout == LAYOUT_STD) {
		drives[2] = (struct ide_drive_config){ IDE_DRIVE_CDROM, f->cd };
		drives[3] = (struct ide_drive_config){ IDE_DRIVE_DISK, f->ro };
	}
	f->ide = piix_ide_create(f->pci, &f->ram.mem,
				 irq_recorder_line(&f->irq, IRQ_PRI),
				 irq_recorder_line(&f->irq, IRQ_SEC),
				 f->pool, drives);
	assert_non_null(f->ide);
	*state = f;
	return 0;
}

static int setup(void **state)
{
	return setup_layout(state, LAYOUT_STD);
}

static int setup_primary_only(void **state)
{
	return setup_layout(state, LAYOUT_PRIMARY_ONLY);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	piix_ide_destroy(f->ide);
	dm_worker_pool_free(f->pool);
	pci_bus_unregister_device(f->pci, &f->isa);
	pci_bus_free(f->pci);
	io_bus_free(f->ports);
	io_bus_free(f->mem_bus);
	block_close(f->disk);
	block_close(f->ro);
	block_close(f->cd);
	unlink(f->disk_path);
	unlink(f->ro_path);
	unlink(f->cd_path);
	rmdir(f->dir);
	fake_ram_free(&f->ram);
	free(f);
	return 0;
}

/* ---- the guest's side ---- */

static uint32_t in(struct fixture *f, uint16_t port, unsigned size)
{
	return (uint32_t)bus_read_any(f->ports, port, size, NULL);
}

static uint8_t inb(struct fixture *f, uint16_t port)
{
	return (uint8_t)in(f, port, 1);
}

static void out(struct fixture *f, uint16_t port, unsigned size, uint32_t v)
{
	bus_write_any(f->ports, port, size, v);
}

static void outb(struct fixture *f, uint16_t port, uint8_t v)
{
	out(f, port, 1, v);
}

/* The IDE function, 00:01.1. */
static uint32_t cfg_read(struct fixture *f, unsigned offset, unsigned size)
{
	return cfg1_read(f->ports, 1, 1, offset, size);
}

static void cfg_write(struct fixture *f, unsigned offset, unsigned size,
		      uint32_t v)
{
	cfg1_write(f->ports, 1, 1, offset, size, v);
}

static void drain(struct fixture *f)
{
	dm_worker_drain(f->pool);
}

static void select_unit(struct fixture *f, uint16_t base, unsigned unit)
{
	outb(f, base + 6, (uint8_t)(0xe0 | unit << 4));	/* LBA */
}

static void taskfile28(struct fixture *f, uint16_t base, unsigned unit,
		       uint32_t lba, uint8_t count)
{
	outb(f, base + 6, (uint8_t)(0xe0 | unit << 4 | ((lba >> 24) & 0x0f)));
	outb(f, base + 2, count);
	outb(f, base + 3, (uint8_t)lba);
	outb(f, base + 4, (uint8_t)(lba >> 8));
	outb(f, base + 5, (uint8_t)(lba >> 16));
}

/* The previous bytes first, as libata's tf_load does. */
static void taskfile48(struct fixture *f, uint16_t base, unsigned unit,
		       uint64_t lba, uint16_t count)
{
	select_unit(f, base, unit);
	outb(f, base + 2, (uint8_t)(count >> 8));
	outb(f, base + 3, (uint8_t)(lba >> 24));
	outb(f, base + 4, (uint8_t)(lba >> 32));
	outb(f, base + 5, (uint8_t)(lba >> 40));
	outb(f, base + 2, (uint8_t)count);
	outb(f, base + 3, (uint8_t)lba);
	outb(f, base + 4, (uint8_t)(lba >> 8));
	outb(f, base + 5, (uint8_t)(lba >> 16));
}

static void command(struct fixture *f, uint16_t base, uint8_t cmd)
{
	outb(f, base + 7, cmd);
}

/* `rep insw` / `rep insl` / `rep outsw`: one access per element. */
static void read_data(struct fixture *f, uint16_t base, void *buf, size_t len,
		      unsigned width)
{
	uint8_t *p = buf;

	for (size_t i = 0; i < len; i += width) {
		uint32_t v = in(f, base, width);

		for (unsigned b = 0; b < width && i + b < len; b++)
			p[i + b] = (uint8_t)(v >> (8 * b));
	}
}

static void write_data(struct fixture *f, uint16_t base, const void *buf,
		       size_t len)
{
	const uint8_t *p = buf;

	for (size_t i = 0; i < len; i += 2)
		out(f, base, 2, p[i] | (uint32_t)p[i + 1] << 8);
}

static void identify(struct fixture *f, uint16_t base, unsigned unit,
		     uint16_t id[256])
{
	uint8_t raw[512];

	select_unit(f, base, unit);
	command(f, base, CMD_IDENTIFY);
	assert_int_equal(inb(f, base + 7) & 0x89, 0x08);
	read_data(f, base, raw, sizeof(raw), 2);
	for (unsigned i = 0; i < 256; i++)
		id[i] = (uint16_t)(raw[2 * i] | raw[2 * i + 1] << 8);
}

static void check_sector(const uint8_t *buf, uint64_t lba,
			 uint8_t (*byte)(uint64_t, unsigned))
{
	for (unsigned i = 0; i < 512; i++)
		if (buf[i] != byte(lba, i))
			fail_msg("sector %llu byte %u: %#x, expected %#x",
				 (unsigned long long)lba, i, buf[i], byte(lba, i));
}

static void check_file_sector(const char *path, uint64_t lba, const uint8_t *want)
{
	uint8_t buf[512];
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, buf, sizeof(buf), (off_t)(lba * 512)), 512);
	close(fd);
	assert_memory_equal(buf, want, sizeof(buf));
}

/* ---- PCI function ---- */

static void pci_identity_and_bar4(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(cfg_read(f, 0x00, 4), 0x70108086);
	assert_int_equal(cfg_read(f, 0x08, 4) >> 8, 0x010180);
	assert_int_equal(cfg_read(f, 0x06, 2), 0x0280);
	assert_int_equal(cfg_read(f, PCI_HEADER_TYPE, 1), 0x00);
	assert_int_equal(cfg_read(f, PCI_INTERRUPT_PIN, 1), 0);
	cfg_write(f, PCI_INTERRUPT_LINE, 1, 14);
	assert_int_equal(cfg_read(f, PCI_INTERRUPT_LINE, 1), 0);
	/* BAR4: 16 bytes of I/O; BAR0-3 unimplemented (legacy mode). */
	assert_int_equal(cfg_read(f, 0x20, 4), 0x00000001);
	cfg_write(f, 0x20, 4, 0xffffffff);
	assert_int_equal(cfg_read(f, 0x20, 4), 0xfffffff1);
	for (unsigned bar = 0x10; bar < 0x20; bar += 4) {
		cfg_write(f, bar, 4, 0xffffffff);
		assert_int_equal(cfg_read(f, bar, 4), 0);
	}
	/* Only I/O space and bus master are implemented. */
	cfg_write(f, PCI_COMMAND, 2, 0xffff);
	assert_int_equal(cfg_read(f, PCI_COMMAND, 2), 0x0005);
}

static void pci_timing_registers(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(cfg_read(f, 0x40, 4), 0);
	cfg_write(f, 0x40, 2, 0x8000);	/* SeaBIOS */
	cfg_write(f, 0x42, 2, 0x8000);
	assert_int_equal(cfg_read(f, 0x41, 1) & 0x80, 0x80);
	assert_int_equal(cfg_read(f, 0x43, 1) & 0x80, 0x80);
	cfg_write(f, 0x40, 2, 0xffff);
	assert_int_equal(cfg_read(f, 0x40, 2), 0xf3ff);
	cfg_write(f, 0x44, 1, 0xa5);
	assert_int_equal(cfg_read(f, 0x44, 1), 0xa5);
	pci_bus_reset(f->pci);
	piix_ide_reset(f->ide);
	assert_int_equal(cfg_read(f, 0x40, 4), 0);
}

/* ---- identification, absent devices, resets ---- */

static void identify_disk(void **state)
{
	struct fixture *f = *state;
	uint16_t id[256];
	uint8_t sum = 0;

	identify(f, PRI, 0, id);
	assert_true(f->irq.rises[IRQ_PRI] == 1);
	assert_int_equal(inb(f, PRI + 7), ST_READY);
	assert_int_equal(id[0], 0x0040);
	assert_int_equal(id[1], 16383);
	assert_int_equal(id[3], 16);
	assert_int_equal(id[6], 63);
	assert_int_equal(id[27], 'V' << 8 | 'M');	/* "VMM HARDDISK" */
	assert_int_equal(id[28], 'M' << 8 | ' ');
	assert_int_equal(id[29], 'H' << 8 | 'A');
	assert_int_equal(id[32], 'S' << 8 | 'K');
	assert_int_equal(id[33], ' ' << 8 | ' ');
	assert_int_equal(id[47], 0x8010);
	assert_int_equal(id[49] & 0x0300, 0x0300);	/* LBA, DMA */
	assert_int_equal(id[59], 0x0110);
	assert_int_equal(id[60] | (uint32_t)id[61] << 16, 0x0fffffff);
	assert_int_equal(id[63] & 0xff, 0x07);
	assert_int_equal(id[64], 0x0003);
	assert_int_equal(id[80] & 0x00c0, 0x00c0);	/* ATA-6, ATA-7 */
	assert_int_equal(id[83] & 0xc400, 0x4400);	/* LBA48 */
	assert_int_equal(id[83] & 0x3000, 0x3000);	/* FLUSH CACHE (EXT) */
	assert_int_equal(id[85] & 0x0020, 0x0020);	/* write cache on */
	assert_int_equal(id[86] & 0x3400, 0x3400);
	assert_int_equal(id[88] & 0xff, 0x3f);
	assert_int_not_equal(id[93], 0);		/* PATA, not SATA */
	assert_int_equal((uint64_t)id[100] | (uint64_t)id[101] << 16 |
			 (uint64_t)id[102] << 32 | (uint64_t)id[103] << 48,
			 DISK_SECTORS);
	for (unsigned i = 0; i < 256; i++)
		sum += (uint8_t)(id[i] + (id[i] >> 8));
	assert_int_equal(id[255] & 0xff, 0xa5);
	assert_int_equal(sum, 0);
}

static void identify_packet_aborted_by_disk(void **state)
{
	struct fixture *f = *state;

	taskfile28(f, PRI, 0, 0x123456, 0x55);
	command(f, PRI, CMD_IDENTIFY_PACKET);
	assert_int_equal(inb(f, PRI + 7), ST_ERR);
	assert_int_equal(inb(f, PRI + 1), 0x04);
	assert_int_equal(inb(f, PRI + 2), 0x01);
	assert_int_equal(inb(f, PRI + 3), 0x01);
	assert_int_equal(inb(f, PRI + 4), 0x00);
	assert_int_equal(inb(f, PRI + 5), 0x00);
	/* SeaBIOS then waits for DRDY and sends IDENTIFY DEVICE. */
	command(f, PRI, CMD_IDENTIFY);
	assert_int_equal(inb(f, PRI + 7), ST_DRQ);
}

static void floating_bus_without_drives(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(inb(f, SEC + 7), 0xff);
	assert_int_equal(inb(f, SEC_CTL), 0xff);
	assert_int_equal(in(f, SEC, 2), 0xffff);
	assert_int_equal(in(f, SEC, 4), 0xffffffff);
	outb(f, SEC + 6, 0xa0);
	outb(f, SEC + 2, 0x55);
	outb(f, SEC + 3, 0xaa);
	assert_int_equal(inb(f, SEC + 2), 0xff);
	assert_int_equal(inb(f, SEC + 3), 0xff);
	assert_int_equal(inb(f, SEC + 6), 0xff);
	command(f, SEC, CMD_IDENTIFY);
	assert_int_equal(f->irq.rises[IRQ_SEC], 0);
}

static void missing_slave_reads_zero(void **state)
{
	struct fixture *f = *state;

	outb(f, PRI + 6, 0xb0);
	assert_int_equal(inb(f, PRI + 7), 0);
	assert_int_equal(inb(f, PRI_CTL), 0);
	assert_int_equal(inb(f, PRI + 6), 0xb0);	/* selection reads back */
	outb(f, PRI + 2, 0x55);
	outb(f, PRI + 3, 0xaa);
	assert_int_equal(inb(f, PRI + 2), 0);
	assert_int_equal(inb(f, PRI + 3), 0);
	command(f, PRI, CMD_IDENTIFY);			/* nobody answers */
	assert_int_equal(inb(f, PRI_CTL), 0);
	assert_int_equal(f->irq.rises[IRQ_PRI], 0);
	/* The master latched the writes and is idle. */
	outb(f, PRI + 6, 0xa0);
	assert_int_equal(inb(f, PRI + 6), 0xa0);
	assert_int_equal(inb(f, PRI + 2), 0x55);
	assert_int_equal(inb(f, PRI + 3), 0xaa);
	assert_int_equal(inb(f, PRI + 7), ST_READY);
}

static void check_signature(struct fixture *f, uint16_t base, uint8_t mid,
			    uint8_t high)
{
	assert_int_equal(inb(f, base + 1), 0x01);
	assert_int_equal(inb(f, base + 2), 0x01);
	assert_int_equal(inb(f, base + 3), 0x01);
	assert_int_equal(inb(f, base + 4), mid);
	assert_int_equal(inb(f, base + 5), high);
}

static void soft_reset_signatures(void **state)
{
	struct fixture *f = *state;

	outb(f, SEC + 6, 0xb0);
	outb(f, SEC + 4, 0x77);
	outb(f, SEC_CTL, 0x06);		/* SRST | nIEN */
	assert_int_equal(inb(f, SEC_CTL), ST_BSY);
	outb(f, SEC_CTL, 0x02);
	/* Device 0 selected again: the CD-ROM, DRDY clear. */
	assert_int_equal(inb(f, SEC + 6) & 0x10, 0);
	assert_int_equal(inb(f, SEC + 7), 0x00);
	check_signature(f, SEC, 0x14, 0xeb);
	outb(f, SEC + 6, 0xb0);
	assert_int_equal(inb(f, SEC + 7), ST_READY);
	check_signature(f, SEC, 0x00, 0x00);
	assert_int_equal(f->irq.rises[IRQ_SEC], 0);
}

static void diagnostic_and_device_reset(void **state)
{
	struct fixture *f = *state;

	outb(f, SEC_CTL, 0x00);
	outb(f, SEC + 6, 0xa0);
	command(f, SEC, CMD_DIAGNOSTIC);
	assert_int_equal(f->irq.rises[IRQ_SEC], 1);
	assert_int_equal(inb(f, SEC + 7), 0x00);
	check_signature(f, SEC, 0x14, 0xeb);
	outb(f, SEC + 6, 0xb0);
	check_signature(f, SEC, 0x00, 0x00);
	/* DEVICE RESET: the CD-ROM alone, no interrupt. */
	outb(f, SEC + 6, 0xa0);
	outb(f, SEC + 4, 0x99);
	command(f, SEC, CMD_DEVICE_RESET);
	assert_int_equal(inb(f, SEC + 7), 0x00);
	check_signature(f, SEC, 0x14, 0xeb);
	assert_int_equal(f->irq.rises[IRQ_SEC], 1);
	/* A disk has no DEVICE RESET. */
	outb(f, SEC + 6, 0xb0);
	command(f, SEC, CMD_DEVICE_RESET);
	assert_int_equal(inb(f, SEC + 7), ST_ERR);
	assert_int_equal(inb(f, SEC + 1), 0x04);
}

/* ---- PIO reads and writes ---- */

/* What an interrupt handler does per DRQ block: status, then the data. */
static void read_block(struct fixture *f, uint16_t base, uint8_t *buf,
		       size_t len, unsigned width)
{
	assert_int_equal(inb(f, base + 7), ST_DRQ);
	read_data(f, base, buf, len, width);
}

static void read_sectors_pio(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[512];

	taskfile28(f, PRI, 0, 5, 3);
	command(f, PRI, CMD_READ_SECTORS);
	for (unsigned s = 0; s < 3; s++) {
		assert_int_equal(f->irq.rises[IRQ_PRI], s + 1);
		assert_int_equal(f->irq.level[IRQ_PRI], 1);
		read_block(f, PRI, buf, sizeof(buf), 2);
		check_sector(buf, 5 + s, disk_byte);
	}
	/* No interrupt after the last block. */
	assert_int_equal(f->irq.rises[IRQ_PRI], 3);
	assert_int_equal(inb(f, PRI + 7), ST_READY);
}

static void read_sectors_pio32_and_chs(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[1024];

	/* Sector count 0 = 256 sectors; read two and move on. */
	taskfile28(f, PRI, 0, 0, 2);
	command(f, PRI, CMD_READ_SECTORS);
	read_block(f, PRI, buf, 512, 4);
	read_block(f, PRI, buf + 512, 512, 4);
	check_sector(buf, 0, disk_byte);
	check_sector(buf + 512, 1, disk_byte);
	assert_int_equal(inb(f, PRI + 7), ST_READY);

	/* CHS: cylinder 0, head 1, sector 3 = LBA 63 + 2. */
	outb(f, PRI + 6, 0xa1);
	outb(f, PRI + 2, 1);
	outb(f, PRI + 3, 3);
	outb(f, PRI + 4, 0);
	outb(f, PRI + 5, 0);
	command(f, PRI, CMD_READ_SECTORS);
	read_block(f, PRI, buf, 512, 4);
	check_sector(buf, 65, disk_byte);
	/* Sector 0 does not exist in CHS. */
	outb(f, PRI + 3, 0);
	command(f, PRI, CMD_READ_SECTORS);
	assert_int_equal(inb(f, PRI + 7), ST_ERR);
	assert_int_equal(inb(f, PRI + 1), 0x10);
}

static void read_write_multiple(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[10 * 512], out_data[6 * 512];
	uint16_t id[256];
	unsigned rises;

	outb(f, PRI + 6, 0xe0);
	outb(f, PRI + 2, 3);
	command(f, PRI, CMD_SET_MULTIPLE);
	assert_int_equal(inb(f, PRI + 7), ST_ERR);
	outb(f, PRI + 2, 4);
	command(f, PRI, CMD_SET_MULTIPLE);
	assert_int_equal(inb(f, PRI + 7), ST_READY);
	identify(f, PRI, 0, id);
	assert_int_equal(id[59], 0x0104);

	/* 10 sectors in blocks of 4, 4, 2: one interrupt each. */
	rises = f->irq.rises[IRQ_PRI];
	taskfile28(f, PRI, 0, 20, 10);
	command(f, PRI, CMD_READ_MULTIPLE);
	read_block(f, PRI, buf, 4 * 512, 2);
	read_block(f, PRI, buf + 4 * 512, 4 * 512, 2);
	read_block(f, PRI, buf + 8 * 512, 2 * 512, 4);
	assert_int_equal(f->irq.rises[IRQ_PRI] - rises, 3);
	assert_int_equal(inb(f, PRI + 7), ST_READY);
	for (unsigned s = 0; s < 10; s++)
		check_sector(buf + s * 512, 20 + s, disk_byte);

	/* 6 sectors out: DRQ without interrupt first, then one interrupt
	 * after the first block and one at completion. */
	for (unsigned i = 0; i < sizeof(out_data); i++)
		out_data[i] = (uint8_t)(i * 13 + 7);
	rises = f->irq.rises[IRQ_PRI];
	taskfile28(f, PRI, 0, 100, 6);
	command(f, PRI, CMD_WRITE_MULTIPLE);
	assert_int_equal(inb(f, PRI_CTL), ST_DRQ);
	assert_int_equal(f->irq.rises[IRQ_PRI], rises);
	write_data(f, PRI, out_data, 4 * 512);
	assert_int_equal(f->irq.rises[IRQ_PRI] - rises, 1);
	assert_int_equal(inb(f, PRI + 7), ST_DRQ);
	write_data(f, PRI, out_data + 4 * 512, 2 * 512);
	assert_int_equal(f->irq.rises[IRQ_PRI] - rises, 2);
	assert_int_equal(inb(f, PRI + 7), ST_READY);
	for (unsigned s = 0; s < 6; s++)
		check_file_sector(f->disk_path, 100 + s, out_data + s * 512);

	/* Multiple mode off: READ MULTIPLE is aborted. */
	outb(f, PRI + 2, 0);
	command(f, PRI, CMD_SET_MULTIPLE);
	taskfile28(f, PRI, 0, 20, 1);
	command(f, PRI, CMD_READ_MULTIPLE);
	assert_int_equal(inb(f, PRI + 7), ST_ERR);
	assert_int_equal(inb(f, PRI + 1), 0x04);
}

static void lba48_with_hob(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[2 * 512];

	taskfile48(f, PRI, 0, HIGH_LBA, 2);
	/* HOB reads the previous bytes; any register write clears it. */
	outb(f, PRI_CTL, 0x80);
	assert_int_equal(inb(f, PRI + 2), 0x00);
	assert_int_equal(inb(f, PRI + 3), 0x01);
	outb(f, PRI_CTL, 0x00);
	assert_int_equal(inb(f, PRI + 2), 0x02);
	assert_int_equal(inb(f, PRI + 3), 0x05);
	command(f, PRI, CMD_READ_SECTORS_EXT);
	read_block(f, PRI, buf, 512, 2);
	read_block(f, PRI, buf + 512, 512, 2);
	check_sector(buf, HIGH_LBA, disk_byte);
	check_sector(buf + 512, HIGH_LBA + 1, disk_byte);
	assert_int_equal(inb(f, PRI + 7), ST_READY);

	/* The last sector of a disk beyond 128 GiB. */
	taskfile48(f, PRI, 0, DISK_SECTORS - 1, 1);
	command(f, PRI, CMD_READ_SECTORS_EXT);
	read_block(f, PRI, buf, 512, 4);
	check_sector(buf, DISK_SECTORS - 1, disk_byte);
}

static void out_of_range_is_idnf(void **state)
{
	struct fixture *f = *state;

	taskfile48(f, PRI, 0, DISK_SECTORS - 1, 2);
	command(f, PRI, CMD_READ_SECTORS_EXT);
	assert_int_equal(inb(f, PRI + 7), ST_ERR);
	assert_int_equal(inb(f, PRI + 1), 0x10);
	assert_int_equal(f->irq.rises[IRQ_PRI], 1);

	taskfile28(f, SEC, 1, RO_SECTORS, 1);
	command(f, SEC, CMD_READ_SECTORS);
	assert_int_equal(inb(f, SEC + 7), ST_ERR);
	assert_int_equal(inb(f, SEC + 1), 0x10);
}

static void write_sectors_reach_the_file(void **state)
{
	struct fixture *f = *state;
	uint8_t data[2 * 512];

	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i ^ 0x5a);
	taskfile28(f, PRI, 0, 10, 2);
	command(f, PRI, CMD_WRITE_SECTORS);
	assert_int_equal(inb(f, PRI_CTL), ST_DRQ);
	assert_int_equal(f->irq.rises[IRQ_PRI], 0);
	write_data(f, PRI, data, 512);
	assert_int_equal(f->irq.rises[IRQ_PRI], 1);
	assert_int_equal(inb(f, PRI + 7), ST_DRQ);
	write_data(f, PRI, data + 512, 512);
	assert_int_equal(f->irq.rises[IRQ_PRI], 2);
	assert_int_equal(inb(f, PRI + 7), ST_READY);
	check_file_sector(f->disk_path, 10, data);
	check_file_sector(f->disk_path, 11, data + 512);
}

static void read_only_disk_refuses_writes(void **state)
{
	struct fixture *f = *state;
	uint8_t before[512];

	for (unsigned i = 0; i < 512; i++)
		before[i] = ro_byte(3, i);
	taskfile28(f, SEC, 1, 3, 1);
	command(f, SEC, CMD_WRITE_SECTORS);
	assert_int_equal(inb(f, SEC + 7), ST_ERR);
	assert_int_equal(inb(f, SEC + 1), 0x04);
	write_data(f, SEC, before, 512);	/* no DRQ: dropped */
	taskfile28(f, SEC, 1, 3, 1);
	command(f, SEC, CMD_WRITE_DMA);
	assert_int_equal(inb(f, SEC + 7), ST_ERR);
	check_file_sector(f->ro_path, 3, before);
	/* Reads work. */
	taskfile28(f, SEC, 1, 3, 1);
	command(f, SEC, CMD_READ_SECTORS);
	read_block(f, SEC, before, 512, 2);
	check_sector(before, 3, ro_byte);
}

/* ---- bus-master DMA ---- */

static void enable_bus_master(struct fixture *f)
{
	cfg_write(f, 0x20, 4, BM_BASE);
	cfg_write(f, PCI_COMMAND, 2, 0x0005);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put_prd(struct fixture *f, unsigned index, uint32_t addr,
		    uint32_t count, bool eot)
{
	uint8_t *prd = f->ram.bytes + PRD_GPA + 8 * index;

	put_le32(prd, addr);
	put_le32(prd + 4, (count & 0xffff) | (eot ? 0x80000000u : 0));
}

static void bm_setup(struct fixture *f, unsigned channel, bool to_memory)
{
	uint16_t bm = (uint16_t)(BM_BASE + 8 * channel);

	out(f, bm + 4, 4, PRD_GPA);
	outb(f, bm, to_memory ? 0x08 : 0x00);
	outb(f, bm + 2, 0x06);		/* clear interrupt and error */
}

static void bm_start(struct fixture *f, unsigned channel)
{
	uint16_t bm = (uint16_t)(BM_BASE + 8 * channel);

	outb(f, bm, inb(f, bm) | 0x01);
}

static void bm_stop(struct fixture *f, unsigned channel)
{
	uint16_t bm = (uint16_t)(BM_BASE + 8 * channel);

	outb(f, bm, inb(f, bm) & ~0x01);
}

/* 64 KiB (count 0) + 2 KiB + 512 bytes = 133 sectors. */
#define DMA_SECTORS	133
static const uint32_t dma_region[3] = { 0x20000, 0x40000, 0x50000 };

static void three_region_table(struct fixture *f)
{
	put_prd(f, 0, dma_region[0], 0, false);
	put_prd(f, 1, dma_region[1], 0x800, false);
	put_prd(f, 2, dma_region[2], 0x200, true);
}

static void check_dma_regions(struct fixture *f, uint64_t lba)
{
	check_sector(f->ram.bytes + dma_region[0], lba, disk_byte);
	check_sector(f->ram.bytes + dma_region[0] + 0xfe00, lba + 127, disk_byte);
	check_sector(f->ram.bytes + dma_region[1], lba + 128, disk_byte);
	check_sector(f->ram.bytes + dma_region[1] + 0x600, lba + 131, disk_byte);
	check_sector(f->ram.bytes + dma_region[2], lba + 132, disk_byte);
}

static void read_dma_command_then_start(void **state)
{
	struct fixture *f = *state;

	enable_bus_master(f);
	three_region_table(f);
	bm_setup(f, 0, true);
	taskfile28(f, PRI, 0, 2, DMA_SECTORS);
	command(f, PRI, CMD_READ_DMA);
	assert_int_equal(inb(f, PRI_CTL), ST_DRQ);
	drain(f);
	assert_int_equal(f->ram.bytes[dma_region[0]], 0);	/* not started */
	bm_start(f, 0);
	drain(f);
	assert_int_equal(inb(f, BM_BASE + 2), 0x04);	/* interrupt, done */
	assert_int_equal(f->irq.rises[IRQ_PRI], 1);
	bm_stop(f, 0);
	assert_int_equal(inb(f, PRI + 7), ST_READY);
	assert_int_equal(f->irq.level[IRQ_PRI], 0);
	check_dma_regions(f, 2);
	outb(f, BM_BASE + 2, 0x04);
	assert_int_equal(inb(f, BM_BASE + 2), 0x00);
}

static void read_dma_start_then_command(void **state)
{
	struct fixture *f = *state;

	enable_bus_master(f);
	three_region_table(f);
	bm_setup(f, 0, true);
	bm_start(f, 0);
	assert_int_equal(inb(f, BM_BASE + 2), 0x01);	/* active */
	taskfile28(f, PRI, 0, 40, DMA_SECTORS);
	command(f, PRI, CMD_READ_DMA);
	drain(f);
	assert_int_equal(inb(f, BM_BASE + 2), 0x04);
	assert_int_equal(f->irq.rises[IRQ_PRI], 1);
	bm_stop(f, 0);
	assert_int_equal(inb(f, PRI + 7), ST_READY);
	check_dma_regions(f, 40);
}

static void write_dma_reaches_the_file(void **state)
{
	struct fixture *f = *state;
	uint8_t *a = f->ram.bytes + 0x30000, *b = f->ram.bytes + 0x31000;

	enable_bus_master(f);
	for (unsigned i = 0; i < 512; i++) {
		a[i] = (uint8_t)(i * 3);
		b[i] = (uint8_t)(i * 5 + 1);
	}
	put_prd(f, 0, 0x30000, 0x200, false);
	put_prd(f, 1, 0x31000, 0x200, true);
	bm_setup(f, 0, false);
	taskfile48(f, PRI, 0, HIGH_LBA, 2);
	command(f, PRI, 0x35);		/* WRITE DMA EXT */
	bm_start(f, 0);
	drain(f);
	assert_int_equal(inb(f, BM_BASE + 2), 0x04);
	bm_stop(f, 0);
	assert_int_equal(inb(f, PRI + 7), ST_READY);
	check_file_sector(f->disk_path, HIGH_LBA, a);
	check_file_sector(f->disk_path, HIGH_LBA + 1, b);
}

static void dma_prd_errors(void **state)
{
	struct fixture *f = *state;

	enable_bus_master(f);
	/* A region outside RAM: error and interrupt, the drive aborts. */
	put_prd(f, 0, 0x80000000u, 0x200, true);
	bm_setup(f, 0, true);
	taskfile28(f, PRI, 0, 0, 1);
	command(f, PRI, CMD_READ_DMA);
	bm_start(f, 0);
	drain(f);
	assert_int_equal(inb(f, BM_BASE + 2), 0x06);
	assert_int_equal(inb(f, PRI + 7), ST_ERR);
	assert_int_equal(inb(f, PRI + 1), 0x04);
	bm_stop(f, 0);

	/* A table that ends before the transfer does. */
	put_prd(f, 0, 0x20000, 0x200, true);
	bm_setup(f, 0, true);
	taskfile28(f, PRI, 0, 0, 2);
	command(f, PRI, CMD_READ_DMA);
	bm_start(f, 0);
	drain(f);
	assert_int_equal(inb(f, BM_BASE + 2), 0x06);
	assert_int_equal(inb(f, PRI + 7), ST_ERR);
	bm_stop(f, 0);

	/* A table longer than the transfer: done, engine still active. */
	put_prd(f, 0, 0x20000, 0x400, true);
	bm_setup(f, 0, true);
	taskfile28(f, PRI, 0, 7, 1);
	command(f, PRI, CMD_READ_DMA);
	bm_start(f, 0);
	drain(f);
	assert_int_equal(inb(f, BM_BASE + 2), 0x05);
	assert_int_equal(inb(f, PRI + 7), ST_READY);
	check_sector(f->ram.bytes + 0x20000, 7, disk_byte);
	bm_stop(f, 0);
	assert_int_equal(inb(f, BM_BASE + 2), 0x04);

	/* Direction bit against the command: error. */
	bm_setup(f, 0, false);
	taskfile28(f, PRI, 0, 7, 1);
	command(f, PRI, CMD_READ_DMA);
	bm_start(f, 0);
	drain(f);
	assert_int_equal(inb(f, BM_BASE + 2), 0x06);
	assert_int_equal(inb(f, PRI + 7), ST_ERR);
}

static void flush_cache_on_the_pool(void **state)
{
	struct fixture *f = *state;

	select_unit(f, PRI, 0);
	command(f, PRI, CMD_FLUSH);
	/* BSY until the event loop ran the completion. */
	assert_int_equal(inb(f, PRI_CTL) & ST_BSY, ST_BSY);
	assert_int_equal(inb(f, PRI + 3), inb(f, PRI + 7));	/* reads Status */
	assert_int_equal(f->irq.rises[IRQ_PRI], 0);
	drain(f);
	assert_int_equal(f->irq.rises[IRQ_PRI], 1);
	assert_int_equal(inb(f, PRI + 7), ST_READY);
	command(f, PRI, 0xea);		/* FLUSH CACHE EXT */
	drain(f);
	assert_int_equal(inb(f, PRI + 7), ST_READY);
	assert_int_equal(f->irq.rises[IRQ_PRI], 2);
}

static void set_features(void **state)
{
	struct fixture *f = *state;
	uint16_t id[256];

	select_unit(f, PRI, 0);
	outb(f, PRI + 1, 0x03);
	outb(f, PRI + 2, 0x22);		/* multiword DMA 2 */
	command(f, PRI, CMD_SET_FEATURES);
	assert_int_equal(inb(f, PRI + 7), ST_READY);
	identify(f, PRI, 0, id);
	assert_int_equal(id[63], 0x0407);
	assert_int_equal(id[88], 0x003f);

	outb(f, PRI + 1, 0x03);
	outb(f, PRI + 2, 0x45);		/* UDMA 5 */
	command(f, PRI, CMD_SET_FEATURES);
	identify(f, PRI, 0, id);
	assert_int_equal(id[63], 0x0007);
	assert_int_equal(id[88], 0x203f);

	outb(f, PRI + 1, 0x03);
	outb(f, PRI + 2, 0x46);		/* UDMA 6: not supported */
	command(f, PRI, CMD_SET_FEATURES);
	assert_int_equal(inb(f, PRI + 7), ST_ERR);

	outb(f, PRI + 1, 0x82);		/* write cache off */
	command(f, PRI, CMD_SET_FEATURES);
	assert_int_equal(inb(f, PRI + 7), ST_READY);
	identify(f, PRI, 0, id);
	assert_int_equal(id[85] & 0x0020, 0);

	outb(f, PRI + 1, 0x05);		/* APM: not supported */
	command(f, PRI, CMD_SET_FEATURES);
	assert_int_equal(inb(f, PRI + 7), ST_ERR);

	command(f, PRI, CMD_CHECK_POWER);
	assert_int_equal(inb(f, PRI + 7), ST_READY);
	assert_int_equal(inb(f, PRI + 2), 0xff);
	command(f, PRI, 0xf8);		/* READ NATIVE MAX: no HPA */
	assert_int_equal(inb(f, PRI + 7), ST_ERR);
}

/* ---- interrupts ---- */

static void nien_masks_intrq(void **state)
{
	struct fixture *f = *state;
	uint16_t id[256];

	outb(f, PRI_CTL, 0x02);
	identify(f, PRI, 0, id);
	assert_int_equal(f->irq.rises[IRQ_PRI], 0);
	/* Pending and unmasked: INTRQ rises now. */
	select_unit(f, PRI, 0);
	command(f, PRI, CMD_CHECK_POWER);
	assert_int_equal(f->irq.level[IRQ_PRI], 0);
	outb(f, PRI_CTL, 0x00);
	assert_int_equal(f->irq.rises[IRQ_PRI], 1);
	assert_int_equal(f->irq.level[IRQ_PRI], 1);
}

static void status_clears_intrq_alt_status_does_not(void **state)
{
	struct fixture *f = *state;

	select_unit(f, PRI, 0);
	command(f, PRI, CMD_CHECK_POWER);
	assert_int_equal(f->irq.level[IRQ_PRI], 1);
	assert_int_equal(inb(f, PRI_CTL), ST_READY);
	assert_int_equal(f->irq.level[IRQ_PRI], 1);
	assert_int_equal(inb(f, PRI + 7), ST_READY);
	assert_int_equal(f->irq.level[IRQ_PRI], 0);
	/* A new command clears a pending interrupt too. */
	command(f, PRI, CMD_CHECK_POWER);
	assert_int_equal(f->irq.rises[IRQ_PRI], 2);
	outb(f, PRI + 2, 3);
	command(f, PRI, CMD_SET_MULTIPLE);	/* aborted: asserts again */
	assert_int_equal(f->irq.rises[IRQ_PRI], 3);
	/* Selecting the absent slave releases INTRQ. */
	outb(f, PRI + 6, 0xb0);
	assert_int_equal(f->irq.level[IRQ_PRI], 0);
}

/* ---- ATAPI ---- */

static void send_packet(struct fixture *f, const uint8_t cdb[12],
			uint16_t limit, bool dma)
{
	outb(f, SEC + 6, 0xa0);
	outb(f, SEC + 1, dma ? 0x01 : 0x00);
	outb(f, SEC + 4, (uint8_t)limit);
	outb(f, SEC + 5, (uint8_t)(limit >> 8));
	command(f, SEC, CMD_PACKET);
	assert_int_equal(inb(f, SEC_CTL), 0x48);	/* DRDY | DRQ */
	assert_int_equal(inb(f, SEC + 2), 0x01);	/* C/D */
	write_data(f, SEC, cdb, 12);
}

/* The PIO data-in of a PACKET command, DRQ block by DRQ block, as
 * libata's atapi_pio_bytes reads it (32-bit). */
static size_t atapi_read_pio(struct fixture *f, uint8_t *buf, size_t max,
			     unsigned *blocks, size_t *largest)
{
	size_t total = 0;

	*blocks = 0;
	*largest = 0;
	for (;;) {
		uint8_t st = inb(f, SEC + 7);
		size_t n;

		if (!(st & 0x08))
			break;
		assert_int_equal(inb(f, SEC + 2), 0x02);	/* I/O */
		n = inb(f, SEC + 4) | (size_t)inb(f, SEC + 5) << 8;
		assert_true(total + n <= max);
		read_data(f, SEC, buf + total, n, 4);
		total += n;
		(*blocks)++;
		if (n > *largest)
			*largest = n;
	}
	assert_int_equal(inb(f, SEC + 2), 0x03);		/* I/O, C/D */
	return total;
}

static void atapi_identify(void **state)
{
	struct fixture *f = *state;
	uint16_t id[256];
	uint8_t raw[512];

	outb(f, SEC + 6, 0xa0);
	command(f, SEC, CMD_IDENTIFY);
	assert_int_equal(inb(f, SEC + 7), 0x41);
	assert_int_equal(inb(f, SEC + 1), 0x04);
	assert_int_equal(inb(f, SEC + 4), 0x14);
	assert_int_equal(inb(f, SEC + 5), 0xeb);
	command(f, SEC, CMD_IDENTIFY_PACKET);
	assert_int_equal(inb(f, SEC + 7), 0x48);
	read_data(f, SEC, raw, sizeof(raw), 2);
	assert_int_equal(inb(f, SEC + 7), 0x40);
	for (unsigned i = 0; i < 256; i++)
		id[i] = (uint16_t)(raw[2 * i] | raw[2 * i + 1] << 8);
	assert_int_equal(id[0], 0x85c0);
	assert_int_equal(id[27], 'V' << 8 | 'M');
	assert_int_equal(id[30], 'D' << 8 | '-');	/* "VMM DVD-ROM" */
	assert_int_equal(id[49] & 0x0100, 0x0100);
	assert_int_equal(id[88] & 0x3f, 0x3f);
}

static void atapi_test_unit_ready(void **state)
{
	struct fixture *f = *state;
	const uint8_t tur[12] = { 0 };

	outb(f, SEC_CTL, 0);
	send_packet(f, tur, 0, false);
	assert_int_equal(f->irq.rises[IRQ_SEC], 1);
	assert_int_equal(inb(f, SEC + 7), 0x40);
	assert_int_equal(inb(f, SEC + 2), 0x03);
}

static void atapi_inquiry_in_small_drq_blocks(void **state)
{
	struct fixture *f = *state;
	const uint8_t inquiry[12] = { 0x12, 0, 0, 0, 36, 0 };
	uint8_t buf[64];
	unsigned blocks;
	size_t largest;

	send_packet(f, inquiry, 0x10, false);
	assert_int_equal(atapi_read_pio(f, buf, sizeof(buf), &blocks, &largest),
			 36);
	assert_int_equal(blocks, 3);			/* 16 + 16 + 4 */
	assert_int_equal(largest, 16);
	assert_int_equal(f->irq.rises[IRQ_SEC], 4);		/* 3 blocks + end */
	assert_int_equal(inb(f, SEC + 7), 0x40);
	assert_int_equal(buf[0], 0x05);
	assert_memory_equal(buf + 16, "VMM DVD-ROM", 11);

	/* An odd limit: even blocks until the last. */
	send_packet(f, inquiry, 0x0b, false);
	assert_int_equal(atapi_read_pio(f, buf, sizeof(buf), &blocks, &largest),
			 36);
	assert_int_equal(largest, 10);
	assert_int_equal(blocks, 4);
}

static void check_cd_block(const uint8_t *p, unsigned block)
{
	for (unsigned i = 0; i < 2048; i++)
		if (p[i] != cd_byte(block, i))
			fail_msg("CD block %u byte %u", block, i);
}

static void atapi_read10_pio(void **state)
{
	struct fixture *f = *state;
	const uint8_t read10[12] = { 0x28, 0, 0, 0, 0, 2, 0, 0, 2 };
	uint8_t buf[4 * 2048];
	unsigned blocks;
	size_t largest;

	send_packet(f, read10, 0xffff, false);
	assert_int_equal(atapi_read_pio(f, buf, sizeof(buf), &blocks, &largest),
			 4096);
	assert_int_equal(blocks, 1);
	check_cd_block(buf, 2);
	check_cd_block(buf + 2048, 3);

	send_packet(f, read10, 0x800, false);	/* SeaBIOS' limit */
	assert_int_equal(atapi_read_pio(f, buf, sizeof(buf), &blocks, &largest),
			 4096);
	assert_int_equal(blocks, 2);
	check_cd_block(buf + 2048, 3);
	assert_int_equal(inb(f, SEC + 7), 0x40);
}

static void atapi_read10_dma(void **state)
{
	struct fixture *f = *state;
	const uint8_t read10[12] = { 0x28, 0, 0, 0, 0, 6, 0, 0, 2 };

	enable_bus_master(f);
	put_prd(f, 0, 0x20000, 0x1000, true);
	bm_setup(f, 1, true);
	send_packet(f, read10, 0, true);
	assert_int_equal(inb(f, SEC_CTL), 0x48);	/* DMA requested */
	bm_start(f, 1);
	drain(f);
	assert_int_equal(inb(f, BM_BASE + 8 + 2), 0x04);
	bm_stop(f, 1);
	assert_int_equal(inb(f, SEC + 7), 0x40);
	assert_int_equal(inb(f, SEC + 2), 0x03);
	check_cd_block(f->ram.bytes + 0x20000, 6);
	check_cd_block(f->ram.bytes + 0x20800, 7);

	/* A reply from the buffer goes by DMA too. */
	const uint8_t capacity[12] = { 0x25 };
	put_prd(f, 0, 0x28000, 8, true);
	bm_setup(f, 1, true);
	send_packet(f, capacity, 0, true);
	bm_start(f, 1);
	drain(f);
	bm_stop(f, 1);
	assert_int_equal(inb(f, SEC + 7), 0x40);
	assert_int_equal(f->ram.bytes[0x28003], CD_BLOCKS);	/* last LBA */
	assert_int_equal(f->ram.bytes[0x28006], 0x08);	/* 2048 */
}

/* The image ends inside its last block: the rest reads as zeros. */
static void check_partial_block(const uint8_t *p)
{
	for (unsigned i = 0; i < 2048; i++)
		if (p[i] != (i < CD_TAIL ? cd_byte(CD_BLOCKS, i) : 0))
			fail_msg("partial block byte %u: %#x", i, p[i]);
}

static void atapi_partial_last_block(void **state)
{
	struct fixture *f = *state;
	const uint8_t read10[12] = { 0x28, 0, 0, 0, 0, CD_BLOCKS, 0, 0, 1 };
	uint8_t buf[2048];
	unsigned blocks;
	size_t largest;

	send_packet(f, read10, 0x800, false);
	assert_int_equal(atapi_read_pio(f, buf, sizeof(buf), &blocks, &largest),
			 2048);
	check_partial_block(buf);

	enable_bus_master(f);
	memset(f->ram.bytes + 0x20000, 0xee, 0x1000);
	put_prd(f, 0, 0x20000, 0x400, false);
	put_prd(f, 1, 0x20400, 0x400, true);
	bm_setup(f, 1, true);
	send_packet(f, read10, 0, true);
	bm_start(f, 1);
	drain(f);
	bm_stop(f, 1);
	assert_int_equal(inb(f, SEC + 7), 0x40);
	check_partial_block(f->ram.bytes + 0x20000);
	assert_int_equal(f->ram.bytes[0x20800], 0xee);
}

static void atapi_check_condition_and_sense(void **state)
{
	struct fixture *f = *state;
	const uint8_t read10[12] = { 0x28, 0, 0, 0, 0, 100, 0, 0, 1 };
	const uint8_t sense[12] = { 0x03, 0, 0, 0, 18 };
	uint8_t buf[18];
	unsigned blocks;
	size_t largest;

	send_packet(f, read10, 0x800, false);
	assert_int_equal(inb(f, SEC + 7), 0x41);	/* CHK */
	assert_int_equal(inb(f, SEC + 1), 0x50);	/* ILLEGAL REQUEST */
	assert_int_equal(inb(f, SEC + 2), 0x03);
	send_packet(f, sense, 18, false);
	assert_int_equal(atapi_read_pio(f, buf, sizeof(buf), &blocks, &largest),
			 18);
	assert_int_equal(buf[0], 0x70);
	assert_int_equal(buf[2], 0x05);
	assert_int_equal(buf[12], 0x21);		/* LBA out of range */
	assert_int_equal(inb(f, SEC + 7), 0x40);
}

/* ---- resets with work outstanding ---- */

static void machine_reset(void **state)
{
	struct fixture *f = *state;
	uint16_t id[256];

	enable_bus_master(f);
	select_unit(f, PRI, 0);
	outb(f, PRI + 2, 2);
	command(f, PRI, CMD_SET_MULTIPLE);
	command(f, PRI, CMD_FLUSH);		/* still out at the reset */
	outb(f, BM_BASE + 4, 0x12);
	pci_bus_reset(f->pci);
	piix_ide_reset(f->ide);
	assert_int_equal(f->irq.rises[IRQ_PRI], 1);	/* SET MULTIPLE's only */
	assert_int_equal(f->irq.level[IRQ_PRI], 0);
	assert_int_equal(inb(f, PRI + 7), ST_READY);
	check_signature(f, PRI, 0, 0);
	assert_int_equal(inb(f, SEC + 7), 0x00);	/* CD-ROM: DRDY clear */
	check_signature(f, SEC, 0x14, 0xeb);
	enable_bus_master(f);
	assert_int_equal(in(f, BM_BASE + 4, 4), 0);
	assert_int_equal(inb(f, BM_BASE + 2), 0);
	identify(f, PRI, 0, id);
	assert_int_equal(id[59], 0x0110);		/* default multiple */
}

static void soft_reset_waits_for_the_pool(void **state)
{
	struct fixture *f = *state;

	select_unit(f, PRI, 0);
	command(f, PRI, CMD_FLUSH);
	outb(f, PRI_CTL, 0x04);
	outb(f, PRI_CTL, 0x00);
	assert_int_equal(inb(f, PRI_CTL), ST_BSY);
	drain(f);
	/* The stale flush posts nothing; the reset completes. */
	assert_int_equal(f->irq.rises[IRQ_PRI], 0);
	assert_int_equal(inb(f, PRI + 7), ST_READY);
	check_signature(f, PRI, 0, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(pci_identity_and_bar4, setup, teardown),
		cmocka_unit_test_setup_teardown(pci_timing_registers, setup, teardown),
		cmocka_unit_test_setup_teardown(identify_disk, setup, teardown),
		cmocka_unit_test_setup_teardown(identify_packet_aborted_by_disk, setup, teardown),
		cmocka_unit_test_setup_teardown(floating_bus_without_drives,
						setup_primary_only, teardown),
		cmocka_unit_test_setup_teardown(missing_slave_reads_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(soft_reset_signatures, setup, teardown),
		cmocka_unit_test_setup_teardown(diagnostic_and_device_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(read_sectors_pio, setup, teardown),
		cmocka_unit_test_setup_teardown(read_sectors_pio32_and_chs, setup, teardown),
		cmocka_unit_test_setup_teardown(read_write_multiple, setup, teardown),
		cmocka_unit_test_setup_teardown(lba48_with_hob, setup, teardown),
		cmocka_unit_test_setup_teardown(out_of_range_is_idnf, setup, teardown),
		cmocka_unit_test_setup_teardown(write_sectors_reach_the_file, setup, teardown),
		cmocka_unit_test_setup_teardown(read_only_disk_refuses_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(read_dma_command_then_start, setup, teardown),
		cmocka_unit_test_setup_teardown(read_dma_start_then_command, setup, teardown),
		cmocka_unit_test_setup_teardown(write_dma_reaches_the_file, setup, teardown),
		cmocka_unit_test_setup_teardown(dma_prd_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(flush_cache_on_the_pool, setup, teardown),
		cmocka_unit_test_setup_teardown(set_features, setup, teardown),
		cmocka_unit_test_setup_teardown(nien_masks_intrq, setup, teardown),
		cmocka_unit_test_setup_teardown(status_clears_intrq_alt_status_does_not,
						setup, teardown),
		cmocka_unit_test_setup_teardown(atapi_identify, setup, teardown),
		cmocka_unit_test_setup_teardown(atapi_test_unit_ready, setup, teardown),
		cmocka_unit_test_setup_teardown(atapi_inquiry_in_small_drq_blocks,
						setup, teardown),
		cmocka_unit_test_setup_teardown(atapi_read10_pio, setup, teardown),
		cmocka_unit_test_setup_teardown(atapi_read10_dma, setup, teardown),
		cmocka_unit_test_setup_teardown(atapi_partial_last_block, setup, teardown),
		cmocka_unit_test_setup_teardown(atapi_check_condition_and_sense,
						setup, teardown),
		cmocka_unit_test_setup_teardown(machine_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(soft_reset_waits_for_the_pool,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
