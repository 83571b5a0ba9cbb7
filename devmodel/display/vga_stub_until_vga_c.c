// SPDX-License-Identifier: GPL-2.0
/*
 * TEMPORARY stand-in for devmodel/display/vga.c (the VGA core, written on
 * another branch), so that stdvga.c and the machine build and boot until
 * it lands: DELETE THIS FILE when vga.c is merged.
 * It keeps the DISPI register file (so Linux's bochs driver finds a Bochs
 * VBE device), stores the VGA ports and the legacy window as plain bytes,
 * renders nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "devmodel/display/vga.h"

#define DISPI_REGS 16

struct vga {
	uint8_t *vram;
	size_t vram_size;
	uint8_t ports[VGA_IOPORT_LEN];
	uint8_t window[VGA_WINDOW_LEN];
	uint16_t dispi[DISPI_REGS];
	uint16_t dispi_index;
};

struct vga *vga_create(uint8_t *vram, size_t vram_size, struct display *display,
		       const struct vga_vram_ops *vram_ops)
{
	struct vga *vga = calloc(1, sizeof(*vga));

	(void)display;
	(void)vram_ops;
	if (!vga)
		return NULL;
	vga->vram = vram;
	vga->vram_size = vram_size;
	vga_reset(vga);
	return vga;
}

void vga_destroy(struct vga *vga)
{
	free(vga);
}

void vga_reset(struct vga *vga)
{
	memset(vga->dispi, 0, sizeof(vga->dispi));
	vga->dispi[0] = 0xb0c5;
	vga->dispi[10] = (uint16_t)(vga->vram_size >> 16);
}

uint16_t vga_dispi_read(struct vga *vga, unsigned index)
{
	static const uint16_t caps[4] = { 0, DISPLAY_MAX_WIDTH, DISPLAY_MAX_HEIGHT, 32 };

	/* ENABLE.GETCAPS: XRES/YRES/BPP read the maximums. */
	if (index >= 1 && index <= 3 && (vga->dispi[4] & 0x02))
		return caps[index];
	return index < DISPI_REGS ? vga->dispi[index] : 0;
}

void vga_dispi_write(struct vga *vga, unsigned index, uint16_t value)
{
	/* ID: the guest picks an interface version (the VGA BIOS writes
	 * 0xB0C0 and expects it back). */
	if (index == 0 && (value < 0xb0c0 || value > 0xb0c5))
		return;
	if (index == 10 || index >= DISPI_REGS)
		return;
	vga->dispi[index] = value;
}

static uint64_t port_read(void *opaque, uint64_t offset, unsigned size)
{
	struct vga *vga = opaque;

	(void)size;
	return offset < VGA_IOPORT_LEN ? vga->ports[offset] : 0xff;
}

static void port_write(void *opaque, uint64_t offset, unsigned size, uint64_t v)
{
	struct vga *vga = opaque;

	(void)size;
	if (offset < VGA_IOPORT_LEN)
		vga->ports[offset] = (uint8_t)v;
}

static uint64_t window_read(void *opaque, uint64_t offset, unsigned size)
{
	struct vga *vga = opaque;
	uint64_t v = 0;

	if (offset + size <= VGA_WINDOW_LEN)
		memcpy(&v, vga->window + offset, size);
	return v;
}

static void window_write(void *opaque, uint64_t offset, unsigned size, uint64_t v)
{
	struct vga *vga = opaque;

	if (offset + size <= VGA_WINDOW_LEN)
		memcpy(vga->window + offset, &v, size);
}

static uint64_t dispi_port_read(void *opaque, uint64_t offset, unsigned size)
{
	struct vga *vga = opaque;

	(void)size;
	return offset == 0 ? vga->dispi_index : vga_dispi_read(vga, vga->dispi_index);
}

static void dispi_port_write(void *opaque, uint64_t offset, unsigned size, uint64_t v)
{
	struct vga *vga = opaque;

	(void)size;
	if (offset == 0)
		vga->dispi_index = (uint16_t)v;
	else
		vga_dispi_write(vga, vga->dispi_index, (uint16_t)v);
}

const struct io_ops vga_ioport_ops = { .read = port_read, .write = port_write };
const struct io_ops vga_window_ops = { .read = window_read, .write = window_write };
const struct io_ops vga_dispi_ioport_ops = { .read = dispi_port_read,
					     .write = dispi_port_write };

void vga_refresh(struct vga *vga)
{
	(void)vga;
}

void vga_invalidate(struct vga *vga)
{
	(void)vga;
}
