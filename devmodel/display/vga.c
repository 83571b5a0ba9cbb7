// SPDX-License-Identifier: GPL-2.0
/*
 * The VGA core: creation, power-on state and the register set at ports
 * 0x3B0-0x3DF, after IBM's VGA technical reference and FreeVGA's register
 * pages (external, sequencer, graphics controller, CRTC, attribute
 * controller, DAC). The legacy window is vga_mem.c, Bochs DISPI is
 * vga_dispi.c, the screen is vga_render.c.
 *
 * Every write that changes what the screen shows sets full_redraw when the
 * value really changes (guests rewrite the same values all the time: a
 * still screen must stay free); the cursor registers are compared by the
 * text renderer itself so moving the cursor redraws two cells only.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "devmodel/display/vga_int.h"

/* Port offsets from VGA_IOPORT_BASE (0x3B0). */
#define P_CRTC_INDEX_MONO  0x04 /* 0x3B4 */
#define P_CRTC_DATA_MONO   0x05
#define P_STATUS1_MONO     0x0a /* 0x3BA read: input status 1; write: feature */
#define P_AR_INDEX         0x10 /* 0x3C0 */
#define P_AR_DATA_READ     0x11 /* 0x3C1 */
#define P_MISC_WRITE       0x12 /* 0x3C2 write; read: input status 0 */
#define P_ENABLE           0x13 /* 0x3C3 */
#define P_SR_INDEX         0x14
#define P_SR_DATA          0x15
#define P_DAC_MASK         0x16 /* 0x3C6 */
#define P_DAC_READ_INDEX   0x17 /* 0x3C7 write; read: DAC state */
#define P_DAC_WRITE_INDEX  0x18
#define P_DAC_DATA         0x19
#define P_FEATURE_READ     0x1a /* 0x3CA */
#define P_MISC_READ        0x1c /* 0x3CC */
#define P_GR_INDEX         0x1e
#define P_GR_DATA          0x1f
#define P_CRTC_INDEX_COLOR 0x24 /* 0x3D4 */
#define P_CRTC_DATA_COLOR  0x25
#define P_STATUS1_COLOR    0x2a /* 0x3DA */

#define MISC_IO_COLOR      0x01 /* CRTC and status 1 at 0x3Dx, not 0x3Bx */

#define CR_VSYNC_END       0x11
#define CR11_PROTECT       0x80 /* CR0-CR7 read-only (but CR7 bit 4) */
#define CR_OVERFLOW        0x07

/* Input status 1 bits (FreeVGA "Input Status #1"). */
#define ST1_DISPLAY_OFF    0x01 /* horizontal or vertical blanking */
#define ST1_VRETRACE       0x08

/*
 * Timing of the vertical retrace bit: a 60 Hz frame of 525 lines, the
 * last 45 of them vertical blanking. Guests poll it in loops ("wait for
 * the retrace to start, then to end"): following the host's clock ends
 * every such loop within a frame, however slowly the guest runs.
 */
#define FRAME_NS    16683000ull
#define VBLANK_NS   (FRAME_NS * 45 / 525)

uint64_t vga_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

void vga_mark_dirty(struct vga *vga, size_t vram_offset, size_t len)
{
	size_t first, last;

	if (!len || vram_offset >= vga->vram_size)
		return;
	if (len > vga->vram_size - vram_offset)
		len = vga->vram_size - vram_offset;
	first = vram_offset / VGA_PAGE_SIZE;
	last = (vram_offset + len - 1) / VGA_PAGE_SIZE;
	for (size_t p = first; p <= last; p++)
		vga->dirty[p / 64] |= 1ull << (p % 64);
}

static void set_reg(struct vga *vga, uint8_t *reg, uint8_t value)
{
	if (*reg != value) {
		*reg = value;
		vga->full_redraw = true;
	}
}

/* ---- power-on state: what the BIOS leaves for mode 3 ------------------- */

/* IBM VGA mode 3 (80x25 text, 720x400) register values, the state the
 * card shows before (and while) the BIOS runs, so that early output is
 * readable even from firmware that never sets a mode. */
static const uint8_t mode3_sr[5] = { 0x03, 0x00, 0x03, 0x00, 0x02 };
static const uint8_t mode3_cr[0x19] = {
	0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f,
	0x00, 0x4f, 0x0d, 0x0e, 0x00, 0x00, 0x00, 0x00,
	0x9c, 0x8e, 0x8f, 0x28, 0x1f, 0x96, 0xb9, 0xa3, 0xff,
};
static const uint8_t mode3_gr[9] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0e, 0x00, 0xff,
};
static const uint8_t mode3_ar[0x15] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07,
	0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f,
	0x0c, 0x00, 0x0f, 0x08, 0x00,
};

void vga_reset(struct vga *vga)
{
	vga->misc = 0x67;
	vga->feature = 0;
	vga->enable = 1;
	vga->sr_index = vga->gr_index = vga->cr_index = 0;
	memset(vga->sr, 0, sizeof(vga->sr));
	memset(vga->gr, 0, sizeof(vga->gr));
	memset(vga->cr, 0, sizeof(vga->cr));
	memcpy(vga->sr, mode3_sr, sizeof(mode3_sr));
	memcpy(vga->cr, mode3_cr, sizeof(mode3_cr));
	memcpy(vga->gr, mode3_gr, sizeof(mode3_gr));
	memcpy(vga->ar, mode3_ar, sizeof(mode3_ar));
	vga->ar_index = 0x20;
	vga->ar_data_next = false;
	memset(vga->latch, 0, sizeof(vga->latch));

	/* The DAC as the BIOS loads it for 16-colour modes: entry i of the
	 * first 64 is the EGA colour rgbRGB (bit 5..3 low intensity). */
	memset(vga->dac, 0, sizeof(vga->dac));
	for (unsigned i = 0; i < 64; i++) {
		vga->dac[i][0] = 0x2a * ((i >> 2) & 1) + 0x15 * ((i >> 5) & 1);
		vga->dac[i][1] = 0x2a * ((i >> 1) & 1) + 0x15 * ((i >> 4) & 1);
		vga->dac[i][2] = 0x2a * (i & 1) + 0x15 * ((i >> 3) & 1);
	}
	vga->dac_mask = 0xff;
	vga->dac_read_index = vga->dac_write_index = 0;
	vga->dac_read_step = vga->dac_write_step = 0;
	vga->dac_state = 0;

	vga_dispi_reset(vga);
	vga->full_redraw = true;
	vga->colours_changed = true;
}

/* ---- the ports --------------------------------------------------------- */

static bool color_io(const struct vga *vga)
{
	return vga->misc & MISC_IO_COLOR;
}

/* Input status 1 (0x3DA/0x3BA); reading it also resets the attribute
 * controller's flip-flop to "index" (FreeVGA, "Attribute Address"). */
static uint8_t read_status1(struct vga *vga)
{
	uint64_t now = vga_now_ns();
	uint64_t in_frame = now % FRAME_NS;
	uint8_t v = 0;

	vga->ar_data_next = false;
	if (in_frame >= FRAME_NS - VBLANK_NS)
		v |= ST1_VRETRACE | ST1_DISPLAY_OFF;
	/* Outside vertical blanking: horizontal blanking on every other
	 * read. A line lasts 32 us, less than a trapped IN takes: the
	 * clock could not show it, and a loop waiting for either state
	 * ends at the next read. */
	else if (++vga->status_reads & 1)
		v |= ST1_DISPLAY_OFF;
	return v;
}

static uint8_t ar_read(const struct vga *vga)
{
	unsigned i = vga->ar_index & 0x1f;

	return i < sizeof(vga->ar) ? vga->ar[i] : 0;
}

/* Bits each attribute register keeps (FreeVGA). */
static const uint8_t ar_mask[0x15] = {
	0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f,
	0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f,
	0xef, 0xff, 0x3f, 0x0f, 0x0f,
};

static void ar_write(struct vga *vga, uint8_t v)
{
	if (!vga->ar_data_next) {
		/* The palette address source bit blanks the screen while
		 * clear; the renderer sees that in the scan-out it computes
		 * (guests clear and set it around every palette write). */
		vga->ar_index = v & 0x3f;
	} else {
		unsigned i = vga->ar_index & 0x1f;

		if (i < sizeof(vga->ar) && vga->ar[i] != (v & ar_mask[i])) {
			vga->ar[i] = v & ar_mask[i];
			vga->full_redraw = true;
			vga->colours_changed = true;
		}
	}
	vga->ar_data_next = !vga->ar_data_next;
}

/* Bits each sequencer register keeps. */
static const uint8_t sr_mask[8] = { 0x03, 0x3d, 0x0f, 0x3f, 0x0e, 0, 0, 0 };

static void sr_write(struct vga *vga, uint8_t v)
{
	unsigned i = vga->sr_index & 7;

	if (i == 2)          /* map mask: no effect on the picture */
		vga->sr[i] = v & sr_mask[i];
	else
		set_reg(vga, &vga->sr[i], v & sr_mask[i]);
}

static const uint8_t gr_mask[16] = {
	0x0f, 0x0f, 0x0f, 0x1f, 0x03, 0x7b, 0x0f, 0x0f, 0xff,
};

static void gr_write(struct vga *vga, uint8_t v)
{
	unsigned i = vga->gr_index & 0x0f;

	if (i == 5 || i == 6)  /* mode: shift modes, odd/even, memory map */
		set_reg(vga, &vga->gr[i], v & gr_mask[i]);
	else
		vga->gr[i] = v & gr_mask[i];
}

static void cr_write(struct vga *vga, uint8_t v)
{
	unsigned i = vga->cr_index;

	if (i <= CR_OVERFLOW && (vga->cr[CR_VSYNC_END] & CR11_PROTECT)) {
		/* Write protect: CR0-CR7 keep their value, but for the
		 * line compare bit 8 in the overflow register. */
		if (i != CR_OVERFLOW)
			return;
		v = (vga->cr[CR_OVERFLOW] & ~0x10) | (v & 0x10);
	}
	switch (i) {
	case 0x0a: case 0x0b: case 0x0e: case 0x0f:
		/* The cursor: the text renderer compares these itself. */
		vga->cr[i] = v;
		break;
	default:
		set_reg(vga, &vga->cr[i], v);
	}
}

static void dac_write_data(struct vga *vga, uint8_t v)
{
	uint8_t *entry;

	/* The 6-bit DAC drops the top bits; VBE's 8-bit DAC keeps them. */
	if (!(vga->dispi[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_8BIT_DAC))
		v &= 0x3f;
	vga->dac_cache[vga->dac_write_step++] = v;
	if (vga->dac_write_step < 3)
		return;
	vga->dac_write_step = 0;
	entry = vga->dac[vga->dac_write_index++];
	if (memcmp(entry, vga->dac_cache, 3)) {
		memcpy(entry, vga->dac_cache, 3);
		vga->full_redraw = true;
		vga->colours_changed = true;
	}
}

static uint8_t dac_read_data(struct vga *vga)
{
	uint8_t v = vga->dac[vga->dac_read_index][vga->dac_read_step++];

	if (vga->dac_read_step == 3) {
		vga->dac_read_step = 0;
		vga->dac_read_index++;
	}
	return v;
}

static uint8_t vga_port_read8(struct vga *vga, unsigned port)
{
	switch (port) {
	case P_CRTC_INDEX_MONO:
	case P_CRTC_INDEX_COLOR:
		if (color_io(vga) != (port == P_CRTC_INDEX_COLOR))
			return 0xff;
		return vga->cr_index;
	case P_CRTC_DATA_MONO:
	case P_CRTC_DATA_COLOR:
		if (color_io(vga) != (port == P_CRTC_DATA_COLOR))
			return 0xff;
		return vga->cr[vga->cr_index];
	case P_STATUS1_MONO:
	case P_STATUS1_COLOR:
		if (color_io(vga) != (port == P_STATUS1_COLOR))
			return 0xff;
		return read_status1(vga);
	case P_AR_INDEX:
		return vga->ar_index;
	case P_AR_DATA_READ:
		return ar_read(vga);
	case P_MISC_WRITE:
		/* Input status 0: no retrace interrupt pending, switch
		 * sense 0. */
		return 0x00;
	case P_ENABLE:
		return vga->enable;
	case P_SR_INDEX:
		return vga->sr_index;
	case P_SR_DATA:
		return vga->sr[vga->sr_index & 7];
	case P_DAC_MASK:
		return vga->dac_mask;
	case P_DAC_READ_INDEX:
		return vga->dac_state;
	case P_DAC_WRITE_INDEX:
		return vga->dac_write_index;
	case P_DAC_DATA:
		return dac_read_data(vga);
	case P_FEATURE_READ:
		return vga->feature;
	case P_MISC_READ:
		return vga->misc;
	case P_GR_INDEX:
		return vga->gr_index;
	case P_GR_DATA:
		return vga->gr[vga->gr_index & 0x0f];
	default:
		return 0xff;
	}
}

static void vga_port_write8(struct vga *vga, unsigned port, uint8_t v)
{
	switch (port) {
	case P_CRTC_INDEX_MONO:
	case P_CRTC_INDEX_COLOR:
		if (color_io(vga) == (port == P_CRTC_INDEX_COLOR))
			vga->cr_index = v;
		break;
	case P_CRTC_DATA_MONO:
	case P_CRTC_DATA_COLOR:
		if (color_io(vga) == (port == P_CRTC_DATA_COLOR))
			cr_write(vga, v);
		break;
	case P_STATUS1_MONO:
	case P_STATUS1_COLOR:
		if (color_io(vga) == (port == P_STATUS1_COLOR))
			vga->feature = v & 0x03;
		break;
	case P_AR_INDEX:
		ar_write(vga, v);
		break;
	case P_MISC_WRITE:
		set_reg(vga, &vga->misc, v & 0xef);
		break;
	case P_ENABLE:
		vga->enable = v & 1;
		break;
	case P_SR_INDEX:
		vga->sr_index = v;
		break;
	case P_SR_DATA:
		sr_write(vga, v);
		break;
	case P_DAC_MASK:
		set_reg(vga, &vga->dac_mask, v);
		vga->colours_changed = true;
		break;
	case P_DAC_READ_INDEX:
		vga->dac_read_index = v;
		vga->dac_read_step = 0;
		vga->dac_state = 0x03;
		break;
	case P_DAC_WRITE_INDEX:
		vga->dac_write_index = v;
		vga->dac_write_step = 0;
		vga->dac_state = 0x00;
		break;
	case P_DAC_DATA:
		dac_write_data(vga, v);
		break;
	case P_GR_INDEX:
		vga->gr_index = v;
		break;
	case P_GR_DATA:
		gr_write(vga, v);
		break;
	default:
		break;  /* 0x3C1 (read only), 0x3CA, 0x3CC, holes */
	}
}

/* Wider accesses are byte accesses to consecutive ports, low byte first
 * (an OUTW to 0x3C4 writes the index, then the data). */
static uint64_t vga_ioport_read(void *opaque, uint64_t offset, unsigned size)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < size && i < 8; i++)
		v |= (uint64_t)vga_port_read8(opaque, (unsigned)offset + i) << (8 * i);
	return v;
}

static void vga_ioport_write(void *opaque, uint64_t offset, unsigned size,
			     uint64_t value)
{
	display_activity(((struct vga *)opaque)->display);
	for (unsigned i = 0; i < size && i < 8; i++)
		vga_port_write8(opaque, (unsigned)offset + i, value >> (8 * i));
}

const struct io_ops vga_ioport_ops = {
	.read = vga_ioport_read,
	.write = vga_ioport_write,
};

/* ---- life cycle -------------------------------------------------------- */

static void device_refresh(void *opaque)
{
	vga_refresh(opaque);
}

static void device_invalidate(void *opaque)
{
	vga_invalidate(opaque);
}

static const struct display_device_ops vga_display_ops = {
	.refresh = device_refresh,
	.invalidate = device_invalidate,
};

struct vga *vga_create(uint8_t *vram, size_t vram_size, struct display *display,
		       const struct vga_vram_ops *vram_ops)
{
	struct vga *vga;

	if (!vram || vram_size < (1u << 20) || (vram_size & (vram_size - 1)) ||
	    vram_size > (1ull << 32)) {
		errno = EINVAL;
		return NULL;
	}
	vga = calloc(1, sizeof(*vga));
	if (!vga)
		return NULL;
	vga->vram = vram;
	vga->vram_size = vram_size;
	vga->display = display;
	if (vram_ops && vram_ops->collect_dirty) {
		vga->vram_ops = *vram_ops;
		vga->have_vram_ops = true;
	}
	vga->dirty_words = (vram_size / VGA_PAGE_SIZE + 63) / 64;
	vga->dirty = calloc(vga->dirty_words, sizeof(*vga->dirty));
	if (!vga->dirty || vga_render_init(vga)) {
		free(vga->dirty);
		free(vga);
		errno = ENOMEM;
		return NULL;
	}
	vga_reset(vga);
	if (display)
		display_set_device(display, &vga_display_ops, vga);
	return vga;
}

void vga_destroy(struct vga *vga)
{
	if (!vga)
		return;
	if (vga->display)
		display_set_device(vga->display, NULL, NULL);
	vga_render_fini(vga);
	free(vga->dirty);
	free(vga);
}
