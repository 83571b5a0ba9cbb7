// SPDX-License-Identifier: GPL-2.0
/*
 * The legacy window 0xA0000-0xBFFFF: the graphics controller's memory map
 * select, the sequencer's chain-4 and odd/even addressing, the latches,
 * the read modes (0: one plane; 1: colour compare) and the write modes
 * (0: rotate + set/reset; 1: latches; 2: colour fill; 3: rotate as bit
 * mask with set/reset colour), each through the function select and the
 * bit mask. FreeVGA's "VGA Memory Organization" and "Graphics Registers"
 * pages; IBM VGA technical reference, graphics controller chapter.
 *
 * With VBE enabled the window is a 64 KiB bank of VRAM instead (Bochs
 * DISPI bank register), planar only in the 4-bpp modes.
 */
#include "devmodel/display/vga_int.h"

#define SR_MAP_MASK    2
#define SR_MEMORY_MODE 4
#define SR4_ODD_EVEN_OFF 0x04
#define SR4_CHAIN4       0x08

#define GR_SET_RESET     0
#define GR_ENABLE_SR     1
#define GR_COLOR_COMPARE 2
#define GR_ROTATE        3
#define GR_READ_MAP      4
#define GR_MODE          5
#define GR_MISC          6
#define GR_DONT_CARE     7
#define GR_BIT_MASK      8
#define GR5_READ_MODE1   0x08
#define GR5_HOST_OE      0x10
#define GR6_CHAIN_OE     0x02

/* The window offset into the selected memory map (GR6 bits 3:2), or -1
 * when the map does not cover it (the access goes nowhere). */
static int64_t map_window(const struct vga *vga, uint32_t offset32)
{
	int64_t offset = offset32;

	switch ((vga->gr[GR_MISC] >> 2) & 3) {
	case 0:  /* A0000-BFFFF, 128 KiB */
		return offset < 0x20000 ? offset : -1;
	case 1:  /* A0000-AFFFF, 64 KiB */
		return offset < 0x10000 ? offset : -1;
	case 2:  /* B0000-B7FFF, 32 KiB */
		return offset >= 0x10000 && offset < 0x18000 ?
		       offset - 0x10000 : -1;
	default: /* B8000-BFFFF, 32 KiB */
		return offset >= 0x18000 && offset < 0x20000 ?
		       offset - 0x18000 : -1;
	}
}

static bool vbe_linear_window(const struct vga *vga)
{
	return vga_vbe_enabled(vga) && vga->dispi[VBE_DISPI_INDEX_BPP] != 4;
}

/* The bank's offset, in plane offsets for the planar 4-bpp mode. */
static size_t vbe_bank_offset(const struct vga *vga)
{
	return (size_t)vga->dispi[VBE_DISPI_INDEX_BANK] << 16;
}

static unsigned plane_mask(const struct vga *vga)
{
	if (vga_vbe_enabled(vga))
		return (unsigned)(vga->vram_size / 4 - 1);
	return VGA_PLANE_SIZE - 1;
}

/*
 * Where a CPU byte goes: the plane offset and the planes it may reach.
 * chain-4: A1:A0 pick the plane, compacted (vram[a]); odd/even: A0 picks
 * planes 0/2 or 1/3, offset a >> 1; else all four planes at offset a.
 */
static bool chain4(const struct vga *vga)
{
	return vga->sr[SR_MEMORY_MODE] & SR4_CHAIN4;
}

static bool write_odd_even(const struct vga *vga)
{
	return !(vga->sr[SR_MEMORY_MODE] & SR4_ODD_EVEN_OFF) ||
	       (vga->gr[GR_MISC] & GR6_CHAIN_OE);
}

static bool read_odd_even(const struct vga *vga)
{
	return (vga->gr[GR_MODE] & GR5_HOST_OE) ||
	       (vga->gr[GR_MISC] & GR6_CHAIN_OE);
}

static void load_latches(struct vga *vga, uint32_t plane_off)
{
	const uint8_t *p = vga->vram + (size_t)plane_off * 4;

	for (unsigned i = 0; i < 4; i++)
		vga->latch[i] = p[i];
}

static uint8_t planar_read(struct vga *vga, uint32_t a)
{
	uint32_t off;
	unsigned plane;

	if (chain4(vga)) {
		off = a >> 2;
		plane = a & 3;
	} else if (read_odd_even(vga)) {
		off = a >> 1;
		plane = (vga->gr[GR_READ_MAP] & 2) | (a & 1);
	} else {
		off = a;
		plane = vga->gr[GR_READ_MAP] & 3;
	}
	off &= plane_mask(vga);
	load_latches(vga, off);
	if (vga->gr[GR_MODE] & GR5_READ_MODE1) {
		/* Colour compare: a 1 where every plane not marked "don't
		 * care" matches its colour compare bit. */
		uint8_t diff = 0;

		for (unsigned p = 0; p < 4; p++) {
			if (!(vga->gr[GR_DONT_CARE] & (1u << p)))
				continue;
			diff |= vga->latch[p] ^
				((vga->gr[GR_COLOR_COMPARE] >> p) & 1 ? 0xff : 0);
		}
		return (uint8_t)~diff;
	}
	return vga->latch[plane];
}

static uint8_t alu(const struct vga *vga, uint8_t v, uint8_t latch)
{
	switch ((vga->gr[GR_ROTATE] >> 3) & 3) {
	case 1:  return v & latch;
	case 2:  return v | latch;
	case 3:  return v ^ latch;
	default: return v;
	}
}

static uint8_t rotate(const struct vga *vga, uint8_t v)
{
	unsigned n = vga->gr[GR_ROTATE] & 7;

	return (uint8_t)((v >> n) | (v << ((8 - n) & 7)));
}

static void planar_write(struct vga *vga, uint32_t a, uint8_t v)
{
	uint8_t out[4];
	uint8_t mask = vga->gr[GR_BIT_MASK];
	unsigned planes = vga->sr[SR_MAP_MASK] & 0x0f;
	uint32_t off;
	uint8_t *dst;

	if (chain4(vga)) {
		off = a >> 2;
		planes &= 1u << (a & 3);
	} else if (write_odd_even(vga)) {
		off = a >> 1;
		planes &= (a & 1) ? 0x0a : 0x05;
	} else {
		off = a;
	}
	off &= plane_mask(vga);
	if (!planes)
		return;

	for (unsigned p = 0; p < 4; p++) {
		uint8_t sr_bits = (vga->gr[GR_SET_RESET] >> p) & 1 ? 0xff : 0;
		uint8_t latch = vga->latch[p];
		uint8_t d, m = mask;

		switch (vga->gr[GR_MODE] & 3) {
		case 0:
			d = (vga->gr[GR_ENABLE_SR] >> p) & 1 ? sr_bits :
			    rotate(vga, v);
			break;
		case 1:
			out[p] = latch;
			continue;
		case 2:
			d = (v >> p) & 1 ? 0xff : 0;
			break;
		default:
			d = sr_bits;
			m &= rotate(vga, v);
			break;
		}
		d = alu(vga, d, latch);
		out[p] = (d & m) | (latch & ~m);
	}

	dst = vga->vram + (size_t)off * 4;
	for (unsigned p = 0; p < 4; p++)
		if (planes & (1u << p))
			dst[p] = out[p];
	vga_mark_dirty(vga, (size_t)off * 4, 4);
}

uint8_t vga_window_read8(struct vga *vga, uint32_t offset)
{
	int64_t a;

	if (vbe_linear_window(vga)) {
		if (offset >= 0x10000)
			return 0xff;
		return vga->vram[(vbe_bank_offset(vga) + offset) &
				 (vga->vram_size - 1)];
	}
	if (vga_vbe_enabled(vga)) {   /* planar 4 bpp, banked */
		if (offset >= 0x10000)
			return 0xff;
		return planar_read(vga, (uint32_t)(vbe_bank_offset(vga) + offset));
	}
	a = map_window(vga, offset);
	if (a < 0)
		return 0xff;
	return planar_read(vga, (uint32_t)a);
}

void vga_window_write8(struct vga *vga, uint32_t offset, uint8_t value)
{
	int64_t a;

	if (vbe_linear_window(vga)) {
		size_t at;

		if (offset >= 0x10000)
			return;
		at = (vbe_bank_offset(vga) + offset) & (vga->vram_size - 1);
		vga->vram[at] = value;
		vga_mark_dirty(vga, at, 1);
		return;
	}
	if (vga_vbe_enabled(vga)) {
		if (offset < 0x10000)
			planar_write(vga, (uint32_t)(vbe_bank_offset(vga) + offset),
				     value);
		return;
	}
	a = map_window(vga, offset);
	if (a >= 0)
		planar_write(vga, (uint32_t)a, value);
}

/* Word and doubleword accesses are bytes at ascending addresses (each
 * through the latches, as the CPU's bus cycles reach a real VGA). */
static uint64_t vga_window_read(void *opaque, uint64_t offset, unsigned size)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < size && i < 8; i++)
		v |= (uint64_t)vga_window_read8(opaque, (uint32_t)(offset + i))
		     << (8 * i);
	return v;
}

static void vga_window_write(void *opaque, uint64_t offset, unsigned size,
			     uint64_t value)
{
	display_activity(((struct vga *)opaque)->display);
	for (unsigned i = 0; i < size && i < 8; i++)
		vga_window_write8(opaque, (uint32_t)(offset + i), value >> (8 * i));
}

const struct io_ops vga_window_ops = {
	.read = vga_window_read,
	.write = vga_window_write,
};
