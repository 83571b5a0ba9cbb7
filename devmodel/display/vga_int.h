/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VGA core's state, shared by its files (vga.c: registers and ports,
 * vga_mem.c: the legacy window, vga_dispi.c: Bochs VBE, vga_render.c: the
 * screen). Not a public API: devices use vga.h. Unit tests may include it
 * to look at the state.
 *
 * Addressing model (vga.h): plane p of plane offset o is vram[o * 4 + p].
 * The CPU side compacts the chained modes the way the scan-out reads them
 * (chain-4 byte a is plane a & 3 at offset a >> 2, i.e. vram[a]; odd/even
 * byte a is offset a >> 1), so the CRTC's byte/word/doubleword address
 * modes need no emulation in the renderer: character/pixel group i of a
 * row is always at plane offset row_start + i.
 */
#ifndef DEVMODEL_DISPLAY_VGA_INT_H
#define DEVMODEL_DISPLAY_VGA_INT_H
#include "devmodel/display/vga.h"

/* A VGA mode addresses 64 KiB per plane (IBM VGA: 256 KiB of video
 * memory); VBE's planar 4-bpp modes address all of VRAM. */
#define VGA_PLANE_SIZE   0x10000u

/* Bochs DISPI (vgabios's vbe_display_api.txt, QEMU's vbe.h). */
#define VBE_DISPI_INDEX_ID               0x0
#define VBE_DISPI_INDEX_XRES             0x1
#define VBE_DISPI_INDEX_YRES             0x2
#define VBE_DISPI_INDEX_BPP              0x3
#define VBE_DISPI_INDEX_ENABLE           0x4
#define VBE_DISPI_INDEX_BANK             0x5
#define VBE_DISPI_INDEX_VIRT_WIDTH       0x6
#define VBE_DISPI_INDEX_VIRT_HEIGHT      0x7
#define VBE_DISPI_INDEX_X_OFFSET         0x8
#define VBE_DISPI_INDEX_Y_OFFSET         0x9
#define VBE_DISPI_INDEX_VIDEO_MEMORY_64K 0xa
#define VBE_DISPI_INDEX_NB               0xb

#define VBE_DISPI_ID0          0xb0c0
#define VBE_DISPI_ID5          0xb0c5

#define VBE_DISPI_DISABLED     0x00
#define VBE_DISPI_ENABLED      0x01
#define VBE_DISPI_GETCAPS      0x02
#define VBE_DISPI_8BIT_DAC     0x20
#define VBE_DISPI_LFB_ENABLED  0x40
#define VBE_DISPI_NOCLEARMEM   0x80

#define VBE_DISPI_MAX_XRES     DISPLAY_MAX_WIDTH
#define VBE_DISPI_MAX_YRES     DISPLAY_MAX_HEIGHT
#define VBE_DISPI_MAX_BPP      32

/* What the current registers scan out (vga_render.c computes it). */
enum vga_scan_kind {
	VGA_SCAN_BLANK,     /* screen off / palette being loaded */
	VGA_SCAN_TEXT,
	VGA_SCAN_PLANAR16,  /* 4 planes, one bit each per pixel (also 2-colour) */
	VGA_SCAN_CGA4,      /* shift-register interleave: 2 bits per pixel */
	VGA_SCAN_256,       /* 256-colour shift: one byte per pixel */
	VGA_SCAN_VBE,       /* DISPI linear modes (bpp 8..32) */
	VGA_SCAN_VBE_PLANAR /* DISPI 4 bpp */
};

struct vga_scanout {
	enum vga_scan_kind kind;
	unsigned width, height;   /* surface pixels */
	/* VGA modes */
	unsigned start;           /* plane offset of the first row */
	unsigned stride;          /* plane offsets per memory row */
	unsigned plane_mask;      /* plane offsets wrap with this */
	unsigned max_scan;        /* scan lines per memory row (CR9 + 1) */
	unsigned dscan;           /* 1: every scan line twice (CR9 bit 7) */
	unsigned hshift;          /* log2 surface pixels per dot (SR1 bit 3) */
	unsigned line_compare;    /* raster line where the address resets */
	bool cms, srs;            /* CR17 bits 0/1 clear: CGA/Hercules banks */
	unsigned bank_bit;        /* plane offset bit the row counter replaces */
	unsigned pan;             /* AR13 horizontal pel panning */
	/* text */
	unsigned cols, rows, char_w, char_h;
	/* VBE */
	unsigned bpp;
	size_t vbe_start, vbe_stride; /* bytes */
};

struct vga {
	uint8_t *vram;
	size_t vram_size;
	struct display *display;
	struct vga_vram_ops vram_ops;
	bool have_vram_ops;

	/* General registers (FreeVGA "External registers"). */
	uint8_t misc;           /* 0x3C2 write / 0x3CC read */
	uint8_t feature;        /* 0x3DA/0x3BA write / 0x3CA read */
	uint8_t enable;         /* 0x3C3 */
	uint8_t sr_index, sr[8];
	uint8_t gr_index, gr[16];
	uint8_t cr_index, cr[256];
	uint8_t ar_index;       /* bits 4:0 index, bit 5 palette address source */
	bool ar_data_next;      /* the 0x3C0 flip-flop: next write is data */
	uint8_t ar[0x15];
	uint8_t latch[4];

	/* DAC (FreeVGA "DAC registers"). */
	uint8_t dac_mask;
	uint8_t dac_read_index, dac_write_index;
	uint8_t dac_read_step, dac_write_step; /* 0..2: R, G, B */
	uint8_t dac_state;      /* 0x3C7 read: 0 = write mode, 3 = read mode */
	uint8_t dac_cache[3];
	uint8_t dac[256][3];

	/* Bochs DISPI. */
	uint16_t dispi_index;
	uint16_t dispi[VBE_DISPI_INDEX_NB];
	size_t vbe_start;       /* bytes, after the fix-ups */
	size_t vbe_stride;      /* bytes per line */

	/* Rendering (vga_render.c). */
	uint64_t *dirty;        /* one bit per VRAM page written */
	size_t dirty_words;
	bool full_redraw;       /* registers changed the whole picture */
	bool colours_changed;   /* recompute the palette cache */
	uint32_t dac_rgb[256];  /* the DAC in host XRGB */
	uint32_t attr_rgb[16];  /* attribute palette -> DAC -> XRGB */
	struct vga_scanout last;
	bool blanked;           /* the surface shows the blank screen */
	uint32_t *line;         /* one rendered line, DISPLAY_MAX_WIDTH */
	/* Text mode: what each cell shows now (char | attr << 8 | state). */
	uint32_t *cells;
	size_t nr_cells;
	uint8_t font_copy[2][256 * 32]; /* glyphs of maps A and B as drawn */
	unsigned cursor_addr, cursor_start, cursor_end;
	bool cursor_shown;
	bool blink_phase;       /* characters with the blink bit hidden */
	/* Retrace emulation (input status 1). */
	unsigned status_reads;
};

/* vga.c */
void vga_mark_dirty(struct vga *vga, size_t vram_offset, size_t len);
uint64_t vga_now_ns(void);

/* vga_mem.c */
uint8_t vga_window_read8(struct vga *vga, uint32_t offset);
void vga_window_write8(struct vga *vga, uint32_t offset, uint8_t value);

/* vga_dispi.c */
void vga_dispi_reset(struct vga *vga);
static inline bool vga_vbe_enabled(const struct vga *vga)
{
	return vga->dispi[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_ENABLED;
}

/* vga_render.c */
int vga_render_init(struct vga *vga);
void vga_render_fini(struct vga *vga);
void vga_compute_scanout(const struct vga *vga, struct vga_scanout *sc);

#endif /* DEVMODEL_DISPLAY_VGA_INT_H */
