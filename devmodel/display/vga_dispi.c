// SPDX-License-Identifier: GPL-2.0
/*
 * Bochs DISPI (the "VBE" of Bochs, QEMU's stdvga and Xen's stdvga): an
 * index/data register pair at ports 0x1CE/0x1CF (and in stdvga's BAR2)
 * that sets a linear mode: resolution, depth, virtual width, panning, a
 * 64 KiB bank for the legacy window. After vgabios's
 * vbe_display_api.txt; the fix-up rules (a mode that does not fit in
 * VRAM gets fewer lines, panning that does not fit is reset) are the ones
 * QEMU applies, which SeaVGABIOS's bochsvga.c and Linux's bochs DRM driver
 * were written against.
 */
#include <string.h>

#include "devmodel/display/vga_int.h"

static bool valid_bpp(unsigned bpp)
{
	return bpp == 4 || bpp == 8 || bpp == 15 || bpp == 16 || bpp == 24 ||
	       bpp == 32;
}

/* Bytes per line of the virtual screen (4 bpp: one plane's worth per
 * 8 pixels, times four planes, as the interleaved VRAM holds it). */
static size_t line_bytes(unsigned width, unsigned bpp)
{
	if (bpp == 4)
		return (size_t)(width / 8) * 4;
	return (size_t)width * ((bpp + 7) / 8);
}

static size_t offset_bytes(unsigned x, unsigned bpp)
{
	if (bpp == 4)
		return (size_t)(x / 8) * 4;
	return (size_t)x * ((bpp + 7) / 8);
}

/* Make the mode registers consistent and inside VRAM. */
static void fixup(struct vga *vga)
{
	uint16_t *r = vga->dispi;
	unsigned bpp = r[VBE_DISPI_INDEX_BPP];
	size_t stride, max_lines, start;

	if (!valid_bpp(bpp))
		bpp = r[VBE_DISPI_INDEX_BPP] = 8;
	if (r[VBE_DISPI_INDEX_XRES] > VBE_DISPI_MAX_XRES)
		r[VBE_DISPI_INDEX_XRES] = VBE_DISPI_MAX_XRES;
	if (bpp == 4)   /* whole plane bytes */
		r[VBE_DISPI_INDEX_XRES] &= ~7u;
	if (r[VBE_DISPI_INDEX_XRES] == 0)
		r[VBE_DISPI_INDEX_XRES] = 8;
	if (r[VBE_DISPI_INDEX_VIRT_WIDTH] < r[VBE_DISPI_INDEX_XRES])
		r[VBE_DISPI_INDEX_VIRT_WIDTH] = r[VBE_DISPI_INDEX_XRES];
	stride = line_bytes(r[VBE_DISPI_INDEX_VIRT_WIDTH], bpp);
	if (stride > vga->vram_size) {
		r[VBE_DISPI_INDEX_VIRT_WIDTH] = r[VBE_DISPI_INDEX_XRES];
		stride = line_bytes(r[VBE_DISPI_INDEX_VIRT_WIDTH], bpp);
	}
	max_lines = vga->vram_size / stride;
	if (max_lines > 0xffff)
		max_lines = 0xffff;
	if (r[VBE_DISPI_INDEX_YRES] == 0)
		r[VBE_DISPI_INDEX_YRES] = 1;
	if (r[VBE_DISPI_INDEX_YRES] > VBE_DISPI_MAX_YRES)
		r[VBE_DISPI_INDEX_YRES] = VBE_DISPI_MAX_YRES;
	if (r[VBE_DISPI_INDEX_YRES] > max_lines)
		r[VBE_DISPI_INDEX_YRES] = (uint16_t)max_lines;
	r[VBE_DISPI_INDEX_VIRT_HEIGHT] = (uint16_t)max_lines;

	/* Panning: the visible rectangle must stay inside VRAM and inside
	 * the virtual line, else it goes back to the origin. */
	if (r[VBE_DISPI_INDEX_X_OFFSET] + (unsigned)r[VBE_DISPI_INDEX_XRES] >
	    r[VBE_DISPI_INDEX_VIRT_WIDTH])
		r[VBE_DISPI_INDEX_X_OFFSET] = 0;
	start = offset_bytes(r[VBE_DISPI_INDEX_X_OFFSET], bpp) +
		(size_t)r[VBE_DISPI_INDEX_Y_OFFSET] * stride;
	if (start + (size_t)r[VBE_DISPI_INDEX_YRES] * stride > vga->vram_size) {
		r[VBE_DISPI_INDEX_Y_OFFSET] = 0;
		start = offset_bytes(r[VBE_DISPI_INDEX_X_OFFSET], bpp);
		if (start + (size_t)r[VBE_DISPI_INDEX_YRES] * stride >
		    vga->vram_size) {
			r[VBE_DISPI_INDEX_X_OFFSET] = 0;
			start = 0;
		}
	}
	vga->vbe_start = start;
	vga->vbe_stride = stride;
}

void vga_dispi_reset(struct vga *vga)
{
	memset(vga->dispi, 0, sizeof(vga->dispi));
	vga->dispi_index = 0;
	vga->dispi[VBE_DISPI_INDEX_ID] = VBE_DISPI_ID5;
	vga->dispi[VBE_DISPI_INDEX_XRES] = 640;
	vga->dispi[VBE_DISPI_INDEX_YRES] = 480;
	vga->dispi[VBE_DISPI_INDEX_BPP] = 8;
	fixup(vga);
}

uint16_t vga_dispi_read(struct vga *vga, unsigned index)
{
	bool caps = vga->dispi[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_GETCAPS;

	switch (index) {
	case VBE_DISPI_INDEX_XRES:
		return caps ? VBE_DISPI_MAX_XRES : vga->dispi[index];
	case VBE_DISPI_INDEX_YRES:
		return caps ? VBE_DISPI_MAX_YRES : vga->dispi[index];
	case VBE_DISPI_INDEX_BPP:
		return caps ? VBE_DISPI_MAX_BPP : vga->dispi[index];
	case VBE_DISPI_INDEX_VIDEO_MEMORY_64K:
		return (uint16_t)(vga->vram_size >> 16 > 0xffff ? 0xffff :
				  vga->vram_size >> 16);
	default:
		return index < VBE_DISPI_INDEX_NB ? vga->dispi[index] : 0;
	}
}

static void set_enable(struct vga *vga, uint16_t v)
{
	uint16_t *r = vga->dispi;
	bool was = r[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_ENABLED;

	v &= VBE_DISPI_ENABLED | VBE_DISPI_GETCAPS | VBE_DISPI_8BIT_DAC |
	     VBE_DISPI_LFB_ENABLED | VBE_DISPI_NOCLEARMEM;
	if ((v & VBE_DISPI_ENABLED) && !was) {
		/* A new mode: the virtual screen is the visible one. */
		r[VBE_DISPI_INDEX_VIRT_WIDTH] = r[VBE_DISPI_INDEX_XRES];
		r[VBE_DISPI_INDEX_X_OFFSET] = 0;
		r[VBE_DISPI_INDEX_Y_OFFSET] = 0;
		r[VBE_DISPI_INDEX_BANK] = 0;
		fixup(vga);
		if (!(v & VBE_DISPI_NOCLEARMEM)) {
			size_t len = vga->vbe_stride *
				     r[VBE_DISPI_INDEX_VIRT_HEIGHT];

			if (len > vga->vram_size)
				len = vga->vram_size;
			memset(vga->vram, 0, len);
			vga_mark_dirty(vga, 0, len);
		}
	} else if (!(v & VBE_DISPI_ENABLED)) {
		r[VBE_DISPI_INDEX_BANK] = 0;
	}
	/* NOCLEARMEM is an action, not a state (QEMU keeps it; so do we,
	 * for guests that read back what they wrote). */
	if ((r[VBE_DISPI_INDEX_ENABLE] ^ v) & (VBE_DISPI_ENABLED | VBE_DISPI_8BIT_DAC))
		vga->colours_changed = true;
	r[VBE_DISPI_INDEX_ENABLE] = v;
	vga->full_redraw = true;
}

void vga_dispi_write(struct vga *vga, unsigned index, uint16_t v)
{
	uint16_t *r = vga->dispi;

	display_activity(vga->display);

	switch (index) {
	case VBE_DISPI_INDEX_ID:
		if (v >= VBE_DISPI_ID0 && v <= VBE_DISPI_ID5)
			r[index] = v;
		break;
	case VBE_DISPI_INDEX_BPP:
		if (v == 0)
			v = 8;
		if (!valid_bpp(v))
			break;
		/* fall through */
	case VBE_DISPI_INDEX_XRES:
	case VBE_DISPI_INDEX_YRES:
	case VBE_DISPI_INDEX_VIRT_WIDTH:
	case VBE_DISPI_INDEX_X_OFFSET:
	case VBE_DISPI_INDEX_Y_OFFSET:
		if (r[index] == v)
			break;
		r[index] = v;
		/* Applies at once in an enabled mode (panning, Linux's
		 * bochs driver changing the mode while enabled); else at
		 * the next enable. */
		if (r[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_ENABLED) {
			fixup(vga);
			vga->full_redraw = true;
		}
		break;
	case VBE_DISPI_INDEX_ENABLE:
		set_enable(vga, v);
		break;
	case VBE_DISPI_INDEX_BANK:
		/* Banks past the end of VRAM wrap (QEMU masks the same). */
		r[index] = v & (uint16_t)((vga->vram_size >> 16) - 1);
		break;
	default:
		break;  /* VIRT_HEIGHT and VIDEO_MEMORY_64K are read-only */
	}
}

/* Port 0x1CE: the index; 0x1CF: the data (16-bit accesses; a byte access
 * reaches the low byte). */
static uint64_t dispi_ioport_read(void *opaque, uint64_t offset, unsigned size)
{
	struct vga *vga = opaque;
	uint16_t v;

	(void)size;
	if (offset == 0)
		v = vga->dispi_index;
	else
		v = vga_dispi_read(vga, vga->dispi_index);
	return size == 1 ? (v & 0xff) : v;
}

static void dispi_ioport_write(void *opaque, uint64_t offset, unsigned size,
			       uint64_t value)
{
	struct vga *vga = opaque;

	(void)size;
	display_activity(vga->display);
	if (offset == 0)
		vga->dispi_index = (uint16_t)value;
	else
		vga_dispi_write(vga, vga->dispi_index, (uint16_t)value);
}

const struct io_ops vga_dispi_ioport_ops = {
	.read = dispi_ioport_read,
	.write = dispi_ioport_write,
};
