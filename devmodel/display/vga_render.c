// SPDX-License-Identifier: GPL-2.0
/*
 * The screen: what the CRTC, sequencer, graphics controller and attribute
 * controller make of VRAM (or what DISPI's linear mode shows), rendered
 * into the display surface as the raster a monitor would show: text
 * 720x400 for mode 3, 640x400 for mode 13h (each pixel two dots wide and
 * two scan lines high, as the CRTC scans it), VBE modes 1:1.
 *
 * Only what changed is redrawn:
 *  - registers that change the whole picture set full_redraw (vga.c);
 *  - every trapped write marks its VRAM page dirty, pages the guest wrote
 *    through the direct mapping come from vga_vram_ops.collect_dirty, for
 *    the range the mode scans out only;
 *  - graphics: a line is rendered when a page under it is dirty, then
 *    compared with the surface, and only the changed span is damaged;
 *  - text: every cell's character, attribute, cursor and blink state is
 *    kept; cells that differ are drawn, damage is one span per text row;
 *    a font change (plane 2, compared with a copy) redraws all.
 * With nothing dirty a refresh reads a few words of bitmap and returns.
 *
 * Every address into VRAM is masked (plane offsets with the plane size,
 * bytes with the VRAM size): the registers are the guest's.
 * Resolution and addressing: FreeVGA's CRTC page (horizontal display end,
 * vertical display end + overflow, maximum scan line, offset, start
 * address, line compare, mode control), attribute controller page
 * (palette, mode control, colour plane enable, colour select).
 */
#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "devmodel/display/vga_int.h"

/* Blink rates (IBM VGA, CRTC chapter): the cursor blinks every 16 frames
 * and characters every 32, at 70 Hz: on/off halves of 8 and 16 frames. */
#define CURSOR_HALF_NS (NSEC_PER_SEC * 8 / 70)
#define BLINK_HALF_NS  (NSEC_PER_SEC * 16 / 70)

int vga_render_init(struct vga *vga)
{
	vga->line = malloc(DISPLAY_MAX_WIDTH * sizeof(*vga->line));
	return vga->line ? 0 : -1;
}

void vga_render_fini(struct vga *vga)
{
	free(vga->line);
	free(vga->cells);
	vga->line = NULL;
	vga->cells = NULL;
}

void vga_invalidate(struct vga *vga)
{
	vga->full_redraw = true;
}

/* ---- what is on the screen --------------------------------------------- */

static unsigned clampu(unsigned v, unsigned lo, unsigned hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

void vga_compute_scanout(const struct vga *vga, struct vga_scanout *sc)
{
	const uint8_t *cr = vga->cr;
	unsigned hde, vde;

	memset(sc, 0, sizeof(*sc));
	sc->line_compare = ~0u;
	sc->cms = sc->srs = true;
	sc->max_scan = 1;

	if (vga_vbe_enabled(vga)) {
		sc->width = clampu(vga->dispi[VBE_DISPI_INDEX_XRES], 1,
				   DISPLAY_MAX_WIDTH);
		sc->height = clampu(vga->dispi[VBE_DISPI_INDEX_YRES], 1,
				    DISPLAY_MAX_HEIGHT);
		sc->bpp = vga->dispi[VBE_DISPI_INDEX_BPP];
		sc->vbe_start = vga->vbe_start;
		sc->vbe_stride = vga->vbe_stride;
		if (sc->bpp == 4) {
			sc->kind = VGA_SCAN_VBE_PLANAR;
			sc->start = (unsigned)(vga->vbe_start / 4);
			sc->stride = (unsigned)(vga->vbe_stride / 4);
			sc->plane_mask = (unsigned)(vga->vram_size / 4 - 1);
		} else {
			sc->kind = VGA_SCAN_VBE;
		}
		if (!(vga->ar_index & 0x20))
			sc->kind = VGA_SCAN_BLANK;
		return;
	}

	hde = cr[0x01] + 1u;
	vde = (cr[0x12] | (cr[0x07] & 0x02) << 7 | (cr[0x07] & 0x40) << 3) + 1u;
	sc->max_scan = (cr[0x09] & 0x1f) + 1u;
	sc->dscan = cr[0x09] >> 7;
	sc->hshift = (vga->sr[1] >> 3) & 1;
	sc->start = (unsigned)cr[0x0c] << 8 | cr[0x0d];
	sc->stride = cr[0x13] * 2u;
	sc->plane_mask = VGA_PLANE_SIZE - 1;
	sc->line_compare = cr[0x18] | (cr[0x07] & 0x10) << 4 |
			   (cr[0x09] & 0x40) << 3;
	sc->cms = cr[0x17] & 0x01;
	sc->srs = cr[0x17] & 0x02;
	/* The row counter replaces address bit 13 of the CRTC's counter,
	 * which the word mode shifts to plane offset bit 12 here. */
	sc->bank_bit = (cr[0x17] & 0x40) ? 13 : 12;
	sc->pan = vga->ar[0x13] & 0x07;
	sc->height = clampu(vde, 1, DISPLAY_MAX_HEIGHT);

	if (!(vga->gr[6] & 0x01)) {
		unsigned cw;

		sc->kind = VGA_SCAN_TEXT;
		sc->char_w = (vga->sr[1] & 0x01) ? 8 : 9;
		sc->char_h = sc->max_scan;
		cw = sc->char_w << sc->hshift;
		sc->width = clampu(hde * cw, cw, DISPLAY_MAX_WIDTH);
		sc->cols = sc->width / cw;
		sc->rows = (sc->height + (sc->char_h << sc->dscan) - 1) /
			   (sc->char_h << sc->dscan);
	} else {
		sc->width = clampu((hde * 8) << sc->hshift, 8, DISPLAY_MAX_WIDTH);
		if (vga->gr[5] & 0x40)
			sc->kind = VGA_SCAN_256;
		else if (vga->gr[5] & 0x20)
			sc->kind = VGA_SCAN_CGA4;
		else
			sc->kind = VGA_SCAN_PLANAR16;
	}
	/* Screen off (SR1 bit 5), or the attribute controller's palette
	 * address source clear (the palette is being loaded). */
	if ((vga->sr[1] & 0x20) || !(vga->ar_index & 0x20))
		sc->kind = VGA_SCAN_BLANK;
}

/* ---- colours ----------------------------------------------------------- */

static void update_colours(struct vga *vga)
{
	bool dac8 = vga->dispi[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_8BIT_DAC;
	const uint8_t *ar = vga->ar;

	for (unsigned i = 0; i < 256; i++) {
		uint32_t c[3];

		for (unsigned k = 0; k < 3; k++) {
			unsigned v = vga->dac[i][k];

			if (!dac8) {
				v &= 0x3f;
				v = (v << 2) | (v >> 4);
			}
			c[k] = v;
		}
		vga->dac_rgb[i] = c[0] << 16 | c[1] << 8 | c[2];
	}
	/* Pixel value -> colour plane enable -> palette register -> colour
	 * select (P5:P4 when AR10 bit 7, P7:P6 always) -> DAC mask -> DAC. */
	for (unsigned v = 0; v < 16; v++) {
		unsigned idx = ar[v & ar[0x12] & 0x0f] & 0x3f;

		if (ar[0x10] & 0x80)
			idx = (idx & 0x0f) | (ar[0x14] & 0x03) << 4;
		idx |= (ar[0x14] & 0x0c) << 4;
		vga->attr_rgb[v] = vga->dac_rgb[idx & vga->dac_mask];
	}
	vga->colours_changed = false;
}

/* ---- dirty pages ------------------------------------------------------- */

static bool page_dirty(const struct vga *vga, size_t page)
{
	return vga->dirty[page / 64] >> (page % 64) & 1;
}

static bool pages_dirty(const struct vga *vga, size_t from, size_t len)
{
	size_t last;

	if (!len)
		return false;
	last = (from + len - 1) / VGA_PAGE_SIZE;
	for (size_t p = from / VGA_PAGE_SIZE; p <= last; p++)
		if (page_dirty(vga, p))
			return true;
	return false;
}

/* [from, from + len) in a region of `wrap` bytes at VRAM offset 0 that
 * the addresses wrap around in. */
static bool range_dirty(const struct vga *vga, size_t from, size_t len,
			size_t wrap)
{
	from &= wrap - 1;
	if (len >= wrap)
		return pages_dirty(vga, 0, wrap);
	if (from + len > wrap)
		return pages_dirty(vga, from, wrap - from) ||
		       pages_dirty(vga, 0, from + len - wrap);
	return pages_dirty(vga, from, len);
}

static bool any_dirty(const struct vga *vga)
{
	for (size_t i = 0; i < vga->dirty_words; i++)
		if (vga->dirty[i])
			return true;
	return false;
}

/* The pages the guest wrote through its direct VRAM mapping, for the
 * range this mode scans out. */
static void collect_dirty(struct vga *vga, size_t from, size_t len)
{
	size_t first, nr, words;
	uint64_t *bits;

	if (!vga->have_vram_ops || !len || from >= vga->vram_size)
		return;
	if (len > vga->vram_size - from)
		len = vga->vram_size - from;
	first = from / VGA_PAGE_SIZE;
	nr = (from + len - 1) / VGA_PAGE_SIZE - first + 1;
	words = (nr + 63) / 64;
	bits = calloc(words, sizeof(*bits));
	if (!bits) {        /* cannot tell: all of it is dirty */
		vga_mark_dirty(vga, from, len);
		return;
	}
	vga->vram_ops.collect_dirty(vga->vram_ops.opaque, first, nr, bits);
	for (size_t w = 0; w < words; w++) {
		uint64_t b = bits[w];

		while (b) {
			size_t i = w * 64 + (size_t)__builtin_ctzll(b);

			b &= b - 1;
			if (i < nr)
				vga->dirty[(first + i) / 64] |=
					1ull << ((first + i) % 64);
		}
	}
	free(bits);
}

/* ---- graphics ---------------------------------------------------------- */

static inline uint32_t *surface_row(struct display_surface *s, unsigned y)
{
	return (uint32_t *)((uint8_t *)s->pixels + (size_t)y * s->stride);
}

/* Plane offset of the memory row shown on raster line y (VGA modes). */
static unsigned row_address(const struct vga_scanout *sc, unsigned y)
{
	unsigned start = sc->start, y2, scan, row, a;

	if (y > sc->line_compare) {   /* split screen: the rest from 0 */
		y -= sc->line_compare + 1;
		start = 0;
	}
	y2 = y >> sc->dscan;
	scan = y2 % sc->max_scan;
	row = y2 / sc->max_scan;
	a = start + row * sc->stride;
	/* CGA / Hercules interleave (CR17 bits 0/1 clear): the row scan
	 * counter's bits 0/1 replace two address bits. */
	if (!sc->cms)
		a = (a & ~(1u << sc->bank_bit)) | (scan & 1) << sc->bank_bit;
	if (!sc->srs)
		a = (a & ~(2u << sc->bank_bit)) | (scan & 2) << sc->bank_bit;
	return a & sc->plane_mask;
}

/* Plane offsets one line reads. */
static unsigned row_span(const struct vga_scanout *sc)
{
	unsigned dots = sc->width >> sc->hshift;

	switch (sc->kind) {
	case VGA_SCAN_256:
		return dots / 8 + 1;
	default:
		return (dots + sc->pan) / 8 + 1;
	}
}

static void draw_planar16(const struct vga *vga, const struct vga_scanout *sc,
			  unsigned base, uint32_t *out)
{
	unsigned dots = sc->width >> sc->hshift;
	unsigned rep = 1u << sc->hshift;

	for (unsigned lx = 0, sx = 0; lx < dots; lx++) {
		unsigned px = lx + sc->pan;
		const uint8_t *p = vga->vram +
			(size_t)((base + px / 8) & sc->plane_mask) * 4;
		unsigned bit = 7 - (px & 7);
		unsigned v = ((p[0] >> bit) & 1) | ((p[1] >> bit) & 1) << 1 |
			     ((p[2] >> bit) & 1) << 2 | ((p[3] >> bit) & 1) << 3;
		uint32_t c = vga->attr_rgb[v];

		for (unsigned r = 0; r < rep; r++)
			out[sx++] = c;
	}
}

/* CGA 4-colour (GR5 bit 5): planes 0 and 1 hold 4 pixels of 2 bits each
 * (planes 2 and 3 add the upper bits), even byte first. */
static void draw_cga4(const struct vga *vga, const struct vga_scanout *sc,
		      unsigned base, uint32_t *out)
{
	unsigned dots = sc->width >> sc->hshift;
	unsigned rep = 1u << sc->hshift;

	for (unsigned lx = 0, sx = 0; lx < dots; lx++) {
		const uint8_t *p = vga->vram +
			(size_t)((base + lx / 8) & sc->plane_mask) * 4;
		unsigned k = lx & 7, lo = k < 4 ? 0 : 1;
		unsigned shift = 6 - 2 * (k & 3);
		unsigned v = ((p[lo] >> shift) & 3) |
			     ((p[lo + 2] >> shift) & 3) << 2;
		uint32_t c = vga->attr_rgb[v];

		for (unsigned r = 0; r < rep; r++)
			out[sx++] = c;
	}
}

/* 256 colours (GR5 bit 6): a byte per pixel, two dots wide; pixel i of
 * the row is plane i & 3 at offset i >> 2 (mode 13h and mode X alike). */
static void draw_256(const struct vga *vga, const struct vga_scanout *sc,
		     unsigned base, uint32_t *out)
{
	unsigned pixels = sc->width >> (sc->hshift + 1);
	unsigned rep = 2u << sc->hshift;
	unsigned sx = 0;

	for (unsigned lx = 0; lx < pixels; lx++) {
		size_t at = (size_t)((base + lx / 4) & sc->plane_mask) * 4 +
			    (lx & 3);
		uint32_t c = vga->dac_rgb[vga->vram[at] & vga->dac_mask];

		for (unsigned r = 0; r < rep; r++)
			out[sx++] = c;
	}
	while (sx < sc->width)
		out[sx++] = 0;
}

static inline uint32_t expand5(unsigned v)
{
	return (v << 3) | (v >> 2);
}

static inline uint32_t expand6(unsigned v)
{
	return (v << 2) | (v >> 4);
}

static void draw_vbe(const struct vga *vga, const struct vga_scanout *sc,
		     size_t base, uint32_t *out)
{
	size_t mask = vga->vram_size - 1;
	unsigned bytes = (sc->bpp + 7) / 8;
	const uint8_t *v = vga->vram;
	uint8_t tmp[DISPLAY_MAX_WIDTH * 4];
	size_t len = (size_t)sc->width * bytes;

	base &= mask;
	if (base + len > vga->vram_size) {   /* wraps: gather */
		for (size_t i = 0; i < len; i++)
			tmp[i] = vga->vram[(base + i) & mask];
		v = tmp;
	} else {
		v += base;
	}
	switch (sc->bpp) {
	case 8:
		for (unsigned x = 0; x < sc->width; x++)
			out[x] = vga->dac_rgb[v[x] & vga->dac_mask];
		break;
	case 15:
		for (unsigned x = 0; x < sc->width; x++) {
			unsigned p = v[2 * x] | v[2 * x + 1] << 8;

			out[x] = expand5((p >> 10) & 31) << 16 |
				 expand5((p >> 5) & 31) << 8 | expand5(p & 31);
		}
		break;
	case 16:
		for (unsigned x = 0; x < sc->width; x++) {
			unsigned p = v[2 * x] | v[2 * x + 1] << 8;

			out[x] = expand5((p >> 11) & 31) << 16 |
				 expand6((p >> 5) & 63) << 8 | expand5(p & 31);
		}
		break;
	case 24:
		for (unsigned x = 0; x < sc->width; x++)
			out[x] = (uint32_t)v[3 * x + 2] << 16 |
				 v[3 * x + 1] << 8 | v[3 * x];
		break;
	default: /* 32: BGRX in memory, XRGB in a little-endian word */
		memcpy(out, v, (size_t)sc->width * 4);
		for (unsigned x = 0; x < sc->width; x++)
			out[x] = le32toh(out[x]) & 0xffffff;
		break;
	}
}

struct damage_band {
	bool open;
	unsigned y0, y1, x0, x1;  /* [y0, y1) x [x0, x1) */
};

static void band_flush(struct vga *vga, struct damage_band *b)
{
	if (b->open)
		display_damage(vga->display, b->x0, b->y0, b->x1 - b->x0,
			       b->y1 - b->y0);
	b->open = false;
}

static void band_add(struct vga *vga, struct damage_band *b, unsigned y,
		     unsigned x0, unsigned x1)
{
	if (b->open && b->y1 == y) {
		b->y1 = y + 1;
		if (x0 < b->x0)
			b->x0 = x0;
		if (x1 > b->x1)
			b->x1 = x1;
		return;
	}
	band_flush(vga, b);
	*b = (struct damage_band){ true, y, y + 1, x0, x1 };
}

static void render_graphics(struct vga *vga, const struct vga_scanout *sc,
			    struct display_surface *s, bool full)
{
	struct damage_band band = { 0 };
	bool vbe = sc->kind == VGA_SCAN_VBE;
	size_t wrap = vbe ? vga->vram_size : (size_t)(sc->plane_mask + 1) * 4;
	size_t span = vbe ? (size_t)sc->width * ((sc->bpp + 7) / 8) :
			    (size_t)row_span(sc) * 4;
	size_t prev = SIZE_MAX;

	if (!full && !any_dirty(vga))
		return;
	for (unsigned y = 0; y < sc->height; y++) {
		size_t base = vbe ? sc->vbe_start + (size_t)y * sc->vbe_stride :
				    row_address(sc, y);
		size_t vram_at = vbe ? base : base * 4;
		uint32_t *row = surface_row(s, y);
		unsigned x0, x1;

		if (!full && !range_dirty(vga, vram_at, span, wrap))
			continue;
		if (base != prev) {
			if (vbe)
				draw_vbe(vga, sc, base, vga->line);
			else if (sc->kind == VGA_SCAN_256)
				draw_256(vga, sc, (unsigned)base, vga->line);
			else if (sc->kind == VGA_SCAN_CGA4)
				draw_cga4(vga, sc, (unsigned)base, vga->line);
			else
				draw_planar16(vga, sc, (unsigned)base, vga->line);
			prev = base;
		}
		if (full) {
			memcpy(row, vga->line, sc->width * sizeof(*row));
			continue;
		}
		for (x0 = 0; x0 < sc->width && row[x0] == vga->line[x0]; x0++)
			;
		if (x0 == sc->width)
			continue;
		for (x1 = sc->width; row[x1 - 1] == vga->line[x1 - 1]; x1--)
			;
		memcpy(row + x0, vga->line + x0, (x1 - x0) * sizeof(*row));
		band_add(vga, &band, y, x0, x1);
	}
	band_flush(vga, &band);
	if (full)
		display_damage(vga->display, 0, 0, sc->width, sc->height);
}

/* ---- text -------------------------------------------------------------- */

/* Character map n's plane-2 offset (FreeVGA, "Character Map Select"). */
static unsigned font_base(unsigned n)
{
	return (n & 3) * 0x4000 + (n >> 2) * 0x2000;
}

static void font_maps(const struct vga *vga, unsigned *a, unsigned *b)
{
	uint8_t sr3 = vga->sr[3];

	*a = font_base(((sr3 >> 2) & 3) | ((sr3 >> 3) & 4));
	*b = font_base((sr3 & 3) | ((sr3 >> 2) & 4));
}

static inline uint8_t plane_byte(const struct vga *vga, unsigned off,
				 unsigned plane)
{
	return vga->vram[(size_t)(off & (VGA_PLANE_SIZE - 1)) * 4 + plane];
}

/* Did a font change? Compares plane 2 of both maps with the copy of what
 * was drawn, page by page where a page is dirty (pages of plane 2 are
 * also pages of the text: a dirty page alone does not say); all of it
 * when `all`. */
static bool fonts_changed(struct vga *vga, bool all)
{
	const unsigned per_page = VGA_PAGE_SIZE / 4;  /* plane offsets */
	unsigned base[2];
	bool changed = false;

	font_maps(vga, &base[0], &base[1]);
	for (unsigned m = 0; m < 2; m++) {
		if (m == 1 && base[1] == base[0] && !all) {
			/* One map for both: the copy of B follows A. */
			if (changed)
				memcpy(vga->font_copy[1], vga->font_copy[0],
				       sizeof(vga->font_copy[1]));
			break;
		}
		for (unsigned i = 0; i < sizeof(vga->font_copy[m]); i += per_page) {
			unsigned off = (base[m] + i) & (VGA_PLANE_SIZE - 1);

			if (!all && !page_dirty(vga, (size_t)off * 4 / VGA_PAGE_SIZE))
				continue;
			for (unsigned k = i; k < i + per_page; k++) {
				uint8_t g = plane_byte(vga, base[m] + k, 2);

				if (vga->font_copy[m][k] != g) {
					vga->font_copy[m][k] = g;
					changed = true;
				}
			}
		}
	}
	return changed;
}

#define CELL_CURSOR       (1u << 16)
#define CELL_CURSOR_SHIFT 17      /* start 5 bits, end 5 bits */
#define CELL_HIDDEN       (1u << 27)
#define CELL_INVALID      (1u << 31)

static void draw_cell(struct vga *vga, const struct vga_scanout *sc,
		      struct display_surface *s, unsigned col, unsigned row,
		      uint32_t key)
{
	unsigned ch = key & 0xff, attr = (key >> 8) & 0xff;
	unsigned fgi = attr & 0x0f, bgi = attr >> 4;
	unsigned base_a, base_b, font;
	unsigned hrep = 1u << sc->hshift;
	unsigned vrep = 1u << sc->dscan;
	unsigned x0 = col * (sc->char_w << sc->hshift), y0 = row * (sc->char_h << sc->dscan);
	unsigned cstart = (key >> CELL_CURSOR_SHIFT) & 0x1f;
	unsigned cend = (key >> (CELL_CURSOR_SHIFT + 5)) & 0x1f;
	unsigned underline = vga->cr[0x14] & 0x1f;
	bool line_graphics = sc->char_w == 9 && (vga->ar[0x10] & 0x04) &&
			     ch >= 0xc0 && ch <= 0xdf;
	uint32_t fg, bg;

	if (vga->ar[0x10] & 0x08) {   /* blink instead of bright background */
		bgi &= 7;
		if (key & CELL_HIDDEN)
			fgi = bgi;
	}
	fg = vga->attr_rgb[fgi];
	bg = vga->attr_rgb[bgi];
	font_maps(vga, &base_a, &base_b);
	font = (attr & 0x08) ? base_a : base_b;

	for (unsigned line = 0; line < sc->char_h; line++) {
		unsigned glyph = line < 32 ?
			plane_byte(vga, font + ch * 32 + line, 2) : 0;
		unsigned bits;
		uint32_t px[18];   /* one line of the cell: 9 dots, doubled */
		unsigned n = 0, w;

		/* 9 dots: the ninth repeats the eighth for line graphics. */
		bits = glyph << 1 | (line_graphics ? (glyph & 1) : 0);
		if (sc->char_w == 8)
			bits >>= 1;
		if ((key & CELL_CURSOR) && line >= cstart && line <= cend)
			bits = ~0u;
		if (line == underline && (attr & 0x77) == 0x01)
			bits = ~0u;
		for (unsigned d = 0; d < sc->char_w; d++) {
			uint32_t c = (bits >> (sc->char_w - 1 - d)) & 1 ? fg : bg;

			px[n++] = c;
			if (hrep == 2)
				px[n++] = c;
		}
		w = x0 >= s->width ? 0 : s->width - x0 < n ? s->width - x0 : n;
		for (unsigned r = 0; r < vrep; r++) {
			unsigned y = y0 + line * vrep + r;

			if (y >= s->height)
				return;
			memcpy(surface_row(s, y) + x0, px, w * sizeof(px[0]));
		}
	}
}

static void render_text(struct vga *vga, const struct vga_scanout *sc,
			struct display_surface *s, bool full)
{
	size_t nr = (size_t)sc->cols * sc->rows;
	uint64_t now = vga_now_ns();
	unsigned cursor_addr = (unsigned)vga->cr[0x0e] << 8 | vga->cr[0x0f];
	unsigned cstart = vga->cr[0x0a] & 0x1f, cend = vga->cr[0x0b] & 0x1f;
	bool blink_on = vga->ar[0x10] & 0x08;
	bool cursor_on = !(vga->cr[0x0a] & 0x20) && cstart <= cend &&
			 cstart < sc->char_h && (now / CURSOR_HALF_NS) % 2 == 0;
	bool hidden_phase = blink_on && (now / BLINK_HALF_NS) % 2 == 1;
	unsigned cw = sc->char_w << sc->hshift, chp = sc->char_h << sc->dscan;
	size_t text_len;

	if (nr != vga->nr_cells) {
		uint32_t *cells = realloc(vga->cells, nr * sizeof(*cells));

		if (!cells && nr)
			return;
		vga->cells = cells;
		vga->nr_cells = nr;
		full = true;
	}
	if (fonts_changed(vga, full))
		full = true;

	/* Anything to look at? */
	text_len = ((size_t)(sc->rows - 1) * sc->stride + sc->cols) * 4;
	if (!full && cursor_addr == vga->cursor_addr &&
	    cstart == vga->cursor_start && cend == vga->cursor_end &&
	    cursor_on == vga->cursor_shown && hidden_phase == vga->blink_phase &&
	    !range_dirty(vga, (size_t)sc->start * 4, text_len,
			 VGA_PLANE_SIZE * 4))
		return;
	vga->cursor_addr = cursor_addr;
	vga->cursor_start = cstart;
	vga->cursor_end = cend;
	vga->cursor_shown = cursor_on;
	vga->blink_phase = hidden_phase;

	for (unsigned row = 0; row < sc->rows; row++) {
		int first = -1, last = -1;

		for (unsigned col = 0; col < sc->cols; col++) {
			unsigned addr = (sc->start + row * sc->stride + col) &
					(VGA_PLANE_SIZE - 1);
			unsigned ch = plane_byte(vga, addr, 0);
			unsigned attr = plane_byte(vga, addr, 1);
			uint32_t key = ch | attr << 8;
			uint32_t *cell = &vga->cells[(size_t)row * sc->cols + col];

			if (cursor_on && addr == (cursor_addr & (VGA_PLANE_SIZE - 1)))
				key |= CELL_CURSOR | cstart << CELL_CURSOR_SHIFT |
				       cend << (CELL_CURSOR_SHIFT + 5);
			if (hidden_phase && (attr & 0x80))
				key |= CELL_HIDDEN;
			if (!full && *cell == key)
				continue;
			*cell = key;
			draw_cell(vga, sc, s, col, row, key);
			if (first < 0)
				first = (int)col;
			last = (int)col;
		}
		if (first >= 0 && !full)
			display_damage(vga->display, (unsigned)first * cw,
				       row * chp, (unsigned)(last - first + 1) * cw,
				       chp);
	}
	if (full) {
		/* Pixels right of / below the cells. */
		for (unsigned y = 0; y < s->height; y++) {
			uint32_t *out = surface_row(s, y);
			unsigned from = y < sc->rows * chp ? sc->cols * cw : 0;

			for (unsigned x = from; x < s->width; x++)
				out[x] = 0;
		}
		display_damage(vga->display, 0, 0, s->width, s->height);
	}
}

/* ---- refresh ----------------------------------------------------------- */

static void blank(struct vga *vga, struct display_surface *s)
{
	for (unsigned y = 0; y < s->height; y++)
		memset(surface_row(s, y), 0, (size_t)s->width * 4);
	display_damage(vga->display, 0, 0, s->width, s->height);
}

void vga_refresh(struct vga *vga)
{
	struct vga_scanout sc;
	struct display_surface *s;
	bool full;

	vga_compute_scanout(vga, &sc);
	if (!vga->display)
		goto out;

	/* What the guest wrote directly, where this mode looks. */
	if (sc.kind == VGA_SCAN_VBE || sc.kind == VGA_SCAN_VBE_PLANAR)
		collect_dirty(vga, sc.vbe_start,
			      sc.vbe_stride * sc.height);
	else if (sc.kind != VGA_SCAN_BLANK)
		collect_dirty(vga, 0, VGA_PLANE_SIZE * 4);

	full = vga->full_redraw || memcmp(&sc, &vga->last, sizeof(sc));
	s = display_begin(vga->display, sc.width, sc.height);
	if (!s)
		return;   /* keep the dirty state for the next try */
	if (vga->colours_changed)
		update_colours(vga);

	switch (sc.kind) {
	case VGA_SCAN_BLANK:
		if (full)
			blank(vga, s);
		break;
	case VGA_SCAN_TEXT:
		render_text(vga, &sc, s, full);
		break;
	case VGA_SCAN_VBE_PLANAR:
		sc.kind = VGA_SCAN_PLANAR16;
		render_graphics(vga, &sc, s, full);
		sc.kind = VGA_SCAN_VBE_PLANAR;
		break;
	default:
		render_graphics(vga, &sc, s, full);
		break;
	}
	display_end(vga->display);
	vga->last = sc;
	vga->full_redraw = false;
out:
	memset(vga->dirty, 0, vga->dirty_words * sizeof(*vga->dirty));
}
