// SPDX-License-Identifier: GPL-2.0
/*
 * fw_cfg (fwcfg.h), following QEMU's docs/specs/fw_cfg.txt:
 *  - writing the selector (16-bit, little-endian on x86) selects an item
 *    and rewinds its offset; bit 14 asks for write access, which QEMU has
 *    ignored since v2.4 and so do we;
 *  - the data port returns the item's bytes in order, then 0x00 past the
 *    end; `rep insb` arrives as one read per byte;
 *  - the DMA address register is big-endian; writing its low half (offset
 *    4) starts the transfer described by the big-endian FWCfgDmaAccess
 *    {control, length, address} at that guest address, which shares the
 *    selector and offset with the port interface. On completion control is
 *    written back as 0, or with the error bit; the register reads back
 *    "QEMU CFG" when DMA exists.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devmodel/chipset/fwcfg.h"

#define SELECTOR_WRITE 0x4000 /* write channel: ignored */
#define SELECTOR_ARCH  0x8000 /* arch-specific keys, never files */

#define FW_CFG_ID_TRADITIONAL 0x01
#define FW_CFG_ID_DMA         0x02

#define DMA_CTL_ERROR  0x01
#define DMA_CTL_READ   0x02
#define DMA_CTL_SKIP   0x04
#define DMA_CTL_SELECT 0x08
#define DMA_CTL_WRITE  0x10
#define DMA_DESC_SIZE  16

#define FILE_ENTRY_SIZE 64
#define MAX_FILES (SELECTOR_WRITE - FW_CFG_FILE_FIRST)

static const char dma_signature[8] = "QEMU CFG";

struct blob {
	uint8_t *data;
	uint32_t len;
};

struct item {
	uint16_t key;
	struct blob blob;
};

struct file {
	char name[FWCFG_FILE_NAME_MAX];
	struct blob blob;
};

struct fwcfg {
	struct io_bus *pio;
	const struct guest_memory *mem;
	struct item *items; /* legacy keys, unsorted: a handful */
	size_t nr_items;
	struct file *files; /* sorted by name; key = 0x20 + index */
	size_t nr_files;

	uint16_t selector;
	uint32_t offset;
	uint32_t dma_high;
};

/* ---- byte order */

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	put_be16(p, v >> 16);
	put_be16(p + 2, v);
}

static void put_le(uint8_t *p, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		p[i] = v >> (8 * i);
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static uint64_t get_be64(const uint8_t *p)
{
	return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}

/* ---- items */

static int blob_set(struct blob *b, const void *data, size_t len)
{
	uint8_t *copy;

	if (len > UINT32_MAX)
		return -EINVAL;
	copy = malloc(len ? len : 1);
	if (!copy)
		return -ENOMEM;
	if (len)
		memcpy(copy, data, len);
	free(b->data);
	b->data = copy;
	b->len = len;
	return 0;
}

static struct item *find_item(const struct fwcfg *fw, uint16_t key)
{
	for (size_t i = 0; i < fw->nr_items; i++)
		if (fw->items[i].key == key)
			return &fw->items[i];
	return NULL;
}

static int item_set(struct fwcfg *fw, uint16_t key, const void *data,
		    size_t len)
{
	struct item *it = find_item(fw, key), *items;

	if (!it) {
		items = realloc(fw->items, (fw->nr_items + 1) * sizeof(*items));
		if (!items)
			return -ENOMEM;
		fw->items = items;
		it = &items[fw->nr_items++];
		*it = (struct item){ .key = key };
	}
	return blob_set(&it->blob, data, len);
}

/* The blob a selector value refers to, or NULL. */
static const struct blob *lookup(const struct fwcfg *fw, uint16_t selector)
{
	uint16_t key = selector & ~SELECTOR_WRITE;
	const struct item *it;

	if (!(key & SELECTOR_ARCH) && key >= FW_CFG_FILE_FIRST) {
		key -= FW_CFG_FILE_FIRST;
		return key < fw->nr_files ? &fw->files[key].blob : NULL;
	}
	it = find_item(fw, key);
	return it ? &it->blob : NULL;
}

/* Keys the device owns, and the file range, are not for fwcfg_add_bytes. */
static bool key_is_legacy(uint16_t key)
{
	if (key & SELECTOR_WRITE)
		return false;
	if (key & SELECTOR_ARCH)
		return true;
	return key < FW_CFG_FILE_FIRST && key != FW_CFG_SIGNATURE &&
	       key != FW_CFG_ID && key != FW_CFG_FILE_DIR;
}

int fwcfg_add_bytes(struct fwcfg *fw, uint16_t key, const void *data,
		    size_t len)
{
	if (!key_is_legacy(key) || (len && !data))
		return -EINVAL;
	return item_set(fw, key, data, len);
}

int fwcfg_add_u16(struct fwcfg *fw, uint16_t key, uint16_t value)
{
	uint8_t le[2];

	put_le(le, value, sizeof(le));
	return fwcfg_add_bytes(fw, key, le, sizeof(le));
}

int fwcfg_add_u32(struct fwcfg *fw, uint16_t key, uint32_t value)
{
	uint8_t le[4];

	put_le(le, value, sizeof(le));
	return fwcfg_add_bytes(fw, key, le, sizeof(le));
}

int fwcfg_add_u64(struct fwcfg *fw, uint16_t key, uint64_t value)
{
	uint8_t le[8];

	put_le(le, value, sizeof(le));
	return fwcfg_add_bytes(fw, key, le, sizeof(le));
}

/* ---- files and their directory */

/* FWCfgFiles: be32 count, then {be32 size, be16 select, u16 reserved,
 * char name[56]} per file, in key (= name) order. */
static int rebuild_directory(struct fwcfg *fw)
{
	size_t len = 4 + fw->nr_files * FILE_ENTRY_SIZE;
	uint8_t *dir = calloc(1, len);
	int r;

	if (!dir)
		return -ENOMEM;
	put_be32(dir, fw->nr_files);
	for (size_t i = 0; i < fw->nr_files; i++) {
		uint8_t *e = dir + 4 + i * FILE_ENTRY_SIZE;

		put_be32(e, fw->files[i].blob.len);
		put_be16(e + 4, FW_CFG_FILE_FIRST + i);
		memcpy(e + 8, fw->files[i].name, FWCFG_FILE_NAME_MAX);
	}
	r = item_set(fw, FW_CFG_FILE_DIR, dir, len);
	free(dir);
	return r;
}

/* Index where name is, or where it would go to keep the order. */
static size_t file_slot(const struct fwcfg *fw, const char *name, bool *found)
{
	size_t i = 0;
	int cmp = 1;

	while (i < fw->nr_files &&
	       (cmp = strcmp(fw->files[i].name, name)) < 0)
		i++;
	*found = i < fw->nr_files && cmp == 0;
	return i;
}

static int insert_file(struct fwcfg *fw, size_t at, const char *name)
{
	struct file *files;

	if (fw->nr_files >= MAX_FILES)
		return -ENOSPC;
	files = realloc(fw->files, (fw->nr_files + 1) * sizeof(*files));
	if (!files)
		return -ENOMEM;
	fw->files = files;
	memmove(&files[at + 1], &files[at],
		(fw->nr_files - at) * sizeof(*files));
	memset(&files[at], 0, sizeof(*files));
	strcpy(files[at].name, name);
	fw->nr_files++;
	return 0;
}

int fwcfg_add_file(struct fwcfg *fw, const char *name, const void *data,
		   size_t len)
{
	bool found;
	size_t at;
	int r;

	if (!name || !*name || (len && !data))
		return -EINVAL;
	if (strlen(name) >= FWCFG_FILE_NAME_MAX)
		return -ENAMETOOLONG;
	at = file_slot(fw, name, &found);
	if (!found) {
		r = insert_file(fw, at, name);
		if (r)
			return r;
	}
	r = blob_set(&fw->files[at].blob, data, len);
	return r ? r : rebuild_directory(fw);
}

int fwcfg_file_key(const struct fwcfg *fw, const char *name)
{
	bool found;
	size_t at = file_slot(fw, name, &found);

	return found ? (int)(FW_CFG_FILE_FIRST + at) : -ENOENT;
}

/* ---- the port interface */

static void select_item(struct fwcfg *fw, uint16_t selector)
{
	fw->selector = selector;
	fw->offset = 0;
}

static uint8_t next_data_byte(struct fwcfg *fw)
{
	const struct blob *b = lookup(fw, fw->selector);

	if (!b || fw->offset >= b->len)
		return 0;
	return b->data[fw->offset++];
}

static uint64_t port_read(void *opaque, uint64_t offset, unsigned size)
{
	struct fwcfg *fw = opaque;
	uint64_t value = 0;

	if (offset != FWCFG_PORT_DATA - FWCFG_PORT_SELECTOR)
		return 0; /* the selector is write-only */
	for (unsigned i = 0; i < size; i++)
		value |= (uint64_t)next_data_byte(fw) << (8 * i);
	return value;
}

static void port_write(void *opaque, uint64_t offset, unsigned size,
		       uint64_t value)
{
	(void)size;
	/* Data port writes are ignored (QEMU >= 2.4). */
	if (offset == 0)
		select_item(opaque, value & 0xffff);
}

/* ---- DMA */

/* Copy from the selected item to guest memory, zeros past its end. */
static uint32_t dma_read(struct fwcfg *fw, uint64_t gpa, uint32_t length)
{
	const struct blob *b = lookup(fw, fw->selector);
	uint32_t avail = 0;
	uint8_t *dst;

	if (!length)
		return 0;
	dst = guest_memory_ptr(fw->mem, gpa, length);
	if (!dst)
		return DMA_CTL_ERROR;
	if (b && fw->offset < b->len)
		avail = b->len - fw->offset;
	if (avail > length)
		avail = length;
	if (avail)
		memcpy(dst, b->data + fw->offset, avail);
	memset(dst + avail, 0, length - avail);
	fw->offset += avail;
	return 0;
}

static void dma_skip(struct fwcfg *fw, uint32_t length)
{
	const struct blob *b = lookup(fw, fw->selector);
	uint32_t len = b ? b->len : 0;

	/* Like a read, a skip stops at the end of the item. */
	if (fw->offset >= len || length >= len - fw->offset)
		fw->offset = len;
	else
		fw->offset += length;
}

static void dma_transfer(struct fwcfg *fw, uint64_t desc_gpa)
{
	uint8_t *desc = guest_memory_ptr(fw->mem, desc_gpa, DMA_DESC_SIZE);
	uint32_t control, length, status = 0;
	uint64_t address;

	if (!desc)
		return; /* nowhere to even report the error */
	control = get_be32(desc);
	length = get_be32(desc + 4);
	address = get_be64(desc + 8);
	if (control & DMA_CTL_SELECT)
		select_item(fw, control >> 16);
	if (control & DMA_CTL_READ)
		status = dma_read(fw, address, length);
	else if (control & DMA_CTL_SKIP)
		dma_skip(fw, length);
	else if (control & DMA_CTL_WRITE)
		status = DMA_CTL_ERROR; /* no item is writable */
	put_be32(desc, status);
}

static uint64_t dma_port_read(void *opaque, uint64_t offset, unsigned size)
{
	uint64_t value = 0;

	(void)opaque;
	for (unsigned i = 0; i < size && offset + i < sizeof(dma_signature);
	     i++)
		value |= (uint64_t)(uint8_t)dma_signature[offset + i] << (8 * i);
	return value;
}

static uint32_t bswap32(uint32_t v)
{
	return __builtin_bswap32(v);
}

/* The register is big-endian: the port's little-endian value carries the
 * address's most significant byte at the lowest port. */
static void dma_port_write(void *opaque, uint64_t offset, unsigned size,
			   uint64_t value)
{
	struct fwcfg *fw = opaque;
	uint64_t gpa;

	if (offset == 0 && size == 8) {
		gpa = __builtin_bswap64(value);
	} else if (offset == 0 && size == 4) {
		fw->dma_high = bswap32(value);
		return;
	} else if (offset == 4 && size == 4) {
		gpa = (uint64_t)fw->dma_high << 32 | bswap32(value);
	} else {
		return;
	}
	fw->dma_high = 0; /* the register reads 0 after an operation */
	dma_transfer(fw, gpa);
}

/* ---- creation */

void fwcfg_reset(struct fwcfg *fw)
{
	select_item(fw, FW_CFG_SIGNATURE);
	fw->dma_high = 0;
}

static int add_builtin_items(struct fwcfg *fw)
{
	uint8_t id[4];

	put_le(id, FW_CFG_ID_TRADITIONAL | FW_CFG_ID_DMA, sizeof(id));
	if (item_set(fw, FW_CFG_SIGNATURE, "QEMU", 4) ||
	    item_set(fw, FW_CFG_ID, id, sizeof(id)) || rebuild_directory(fw))
		return -ENOMEM;
	return 0;
}

static const struct io_ops fwcfg_port_ops = {
	.read = port_read,
	.write = port_write,
};

static const struct io_ops fwcfg_dma_ops = {
	.read = dma_port_read,
	.write = dma_port_write,
};

static int register_ports(struct fwcfg *fw)
{
	int r = io_bus_register(fw->pio, FWCFG_PORT_SELECTOR, 2,
				&fwcfg_port_ops, fw, "fw_cfg");

	if (r)
		return r;
	r = io_bus_register(fw->pio, FWCFG_PORT_DMA, 8, &fwcfg_dma_ops, fw,
			    "fw_cfg-dma");
	if (r)
		io_bus_unregister(fw->pio, FWCFG_PORT_SELECTOR);
	return r;
}

static void free_contents(struct fwcfg *fw)
{
	for (size_t i = 0; i < fw->nr_items; i++)
		free(fw->items[i].blob.data);
	for (size_t i = 0; i < fw->nr_files; i++)
		free(fw->files[i].blob.data);
	free(fw->items);
	free(fw->files);
}

struct fwcfg *fwcfg_create(struct io_bus *pio, const struct guest_memory *mem)
{
	struct fwcfg *fw = calloc(1, sizeof(*fw));
	int r;

	if (!fw)
		return NULL;
	fw->pio = pio;
	fw->mem = mem;
	r = add_builtin_items(fw);
	if (!r)
		r = register_ports(fw);
	if (r) {
		free_contents(fw);
		free(fw);
		errno = -r;
		return NULL;
	}
	return fw;
}

void fwcfg_destroy(struct fwcfg *fw)
{
	if (!fw)
		return;
	io_bus_unregister(fw->pio, FWCFG_PORT_SELECTOR);
	io_bus_unregister(fw->pio, FWCFG_PORT_DMA);
	free_contents(fw);
	free(fw);
}

/* ---- platform items SeaBIOS reads */

int fwcfg_set_e820(struct fwcfg *fw, const struct fwcfg_e820_entry *map,
		   size_t n)
{
	uint8_t *table = calloc(n ? n : 1, 20);
	int r;

	if (!table)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		put_le(table + 20 * i, map[i].addr, 8);
		put_le(table + 20 * i + 8, map[i].len, 8);
		put_le(table + 20 * i + 16, map[i].type, 4);
	}
	r = fwcfg_add_file(fw, "etc/e820", table, 20 * n);
	free(table);
	return r;
}

int fwcfg_set_cpus(struct fwcfg *fw, uint16_t nb_cpus, uint16_t max_cpus)
{
	int r = fwcfg_add_u16(fw, FW_CFG_NB_CPUS, nb_cpus);

	return r ? r : fwcfg_add_u16(fw, FW_CFG_MAX_CPUS, max_cpus);
}

int fwcfg_set_boot_menu(struct fwcfg *fw, bool show)
{
	return fwcfg_add_u16(fw, FW_CFG_BOOT_MENU, show);
}

int fwcfg_set_nographic(struct fwcfg *fw, bool nographic)
{
	return fwcfg_add_u16(fw, FW_CFG_NOGRAPHIC, nographic);
}

int fwcfg_set_boot_fail_wait(struct fwcfg *fw, uint32_t ms)
{
	uint8_t le[4];

	put_le(le, ms, sizeof(le));
	return fwcfg_add_file(fw, "etc/boot-fail-wait", le, sizeof(le));
}

int fwcfg_set_bootorder(struct fwcfg *fw, const char *text)
{
	return fwcfg_add_file(fw, "bootorder", text, strlen(text) + 1);
}

int fwcfg_set_sercon_port(struct fwcfg *fw, uint16_t port)
{
	uint8_t le[2];

	put_le(le, port, sizeof(le));
	return fwcfg_add_file(fw, "etc/sercon-port", le, sizeof(le));
}
