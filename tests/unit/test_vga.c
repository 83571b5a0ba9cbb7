// SPDX-License-Identifier: GPL-2.0
/*
 * The VGA core (devmodel/display/vga*.c) on fake buses: the registers
 * through ports 0x3B0-0x3DF and 0x1CE/0x1CF, the legacy window through a
 * memory bus, the screen through a display with a recording console.
 * What is checked is what a guest would see: bytes read back, VRAM
 * contents, surface pixels, the damage rectangles a console is told.
 *
 * The fuzz case writes random values everywhere; built with
 * -fsanitize=address,undefined (make tests/unit/test-vga-asan) it also
 * proves every access stays inside VRAM and the surface.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/fixture.h"

#include "devmodel/display/vga_int.h"

#define VRAM_SIZE (4u << 20)
#define MAX_DAMAGE 4096

struct rect { unsigned x, y, w, h; };

struct fixture {
	struct io_bus *pio, *mem;
	struct dm_timer_list timers;
	struct display *display;
	struct vga *vga;
	uint8_t *vram;
	int console;
	unsigned resizes;
	unsigned nr_damage;
	struct rect damage[MAX_DAMAGE];
	/* The fake direct mapping's dirty log. */
	uint64_t bar_dirty[VRAM_SIZE / VGA_PAGE_SIZE / 64];
	unsigned collects;
};

static void con_resized(void *opaque, unsigned w, unsigned h)
{
	struct fixture *f = opaque;

	(void)w;
	(void)h;
	f->resizes++;
}

static void con_damaged(void *opaque, unsigned x, unsigned y, unsigned w,
			unsigned h)
{
	struct fixture *f = opaque;

	if (f->nr_damage < MAX_DAMAGE)
		f->damage[f->nr_damage] = (struct rect){ x, y, w, h };
	f->nr_damage++;
}

static const struct display_console_ops console_ops = {
	.resized = con_resized,
	.damaged = con_damaged,
};

static void fake_collect(void *opaque, size_t first, size_t nr, uint64_t *bits)
{
	struct fixture *f = opaque;

	f->collects++;
	for (size_t i = 0; i < nr; i++) {
		size_t p = first + i;

		if (f->bar_dirty[p / 64] >> (p % 64) & 1) {
			bits[i / 64] |= 1ull << (i % 64);
			f->bar_dirty[p / 64] &= ~(1ull << (p % 64));
		}
	}
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct vga_vram_ops ops = { .collect_dirty = fake_collect, .opaque = f };

	assert_non_null(f);
	f->vram = calloc(1, VRAM_SIZE);
	assert_non_null(f->vram);
	dm_timer_list_init(&f->timers);
	f->display = display_create(&f->timers);
	assert_non_null(f->display);
	f->vga = vga_create(f->vram, VRAM_SIZE, f->display, &ops);
	assert_non_null(f->vga);
	f->pio = io_bus_new("pio");
	f->mem = io_bus_new("mem");
	assert_int_equal(io_bus_register(f->pio, VGA_IOPORT_BASE, VGA_IOPORT_LEN,
					 &vga_ioport_ops, f->vga, "vga"), 0);
	assert_int_equal(io_bus_register(f->pio, VGA_DISPI_IOPORT, VGA_DISPI_IOLEN,
					 &vga_dispi_ioport_ops, f->vga, "dispi"), 0);
	assert_int_equal(io_bus_register(f->mem, VGA_WINDOW_BASE, VGA_WINDOW_LEN,
					 &vga_window_ops, f->vga, "vga-window"), 0);
	f->console = display_add_console(f->display, &console_ops, f);
	assert_true(f->console >= 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	display_remove_console(f->display, f->console);
	vga_destroy(f->vga);
	display_destroy(f->display);
	io_bus_free(f->pio);
	io_bus_free(f->mem);
	free(f->vram);
	free(f);
	return 0;
}

/* ---- helpers ----------------------------------------------------------- */

static void out8(struct fixture *f, uint16_t port, uint8_t v)
{
	port_out8(f->pio, port, v);
}

static uint8_t in8(struct fixture *f, uint16_t port)
{
	return port_in8(f->pio, port);
}

static void outw(struct fixture *f, uint16_t port, uint16_t v)
{
	port_out16(f->pio, port, v);
}

static uint16_t inw(struct fixture *f, uint16_t port)
{
	return port_in16(f->pio, port);
}

static void sr(struct fixture *f, uint8_t i, uint8_t v)
{
	outw(f, 0x3c4, (uint16_t)(v << 8 | i));   /* index + data, as OUTW */
}

static void gr(struct fixture *f, uint8_t i, uint8_t v)
{
	out8(f, 0x3ce, i);
	out8(f, 0x3cf, v);
}

static void cr(struct fixture *f, uint8_t i, uint8_t v)
{
	out8(f, 0x3d4, i);
	out8(f, 0x3d5, v);
}

static uint8_t cr_read(struct fixture *f, uint8_t i)
{
	out8(f, 0x3d4, i);
	return in8(f, 0x3d5);
}

static void ar(struct fixture *f, uint8_t i, uint8_t v)
{
	(void)in8(f, 0x3da);
	out8(f, 0x3c0, i);
	out8(f, 0x3c0, v);
	out8(f, 0x3c0, 0x20);   /* palette address source: display on */
}

static void dac(struct fixture *f, uint8_t i, uint8_t r, uint8_t g, uint8_t b)
{
	out8(f, 0x3c8, i);
	out8(f, 0x3c9, r);
	out8(f, 0x3c9, g);
	out8(f, 0x3c9, b);
}

static void dispi(struct fixture *f, uint16_t i, uint16_t v)
{
	outw(f, 0x1ce, i);
	outw(f, 0x1cf, v);
}

static uint16_t dispi_get(struct fixture *f, uint16_t i)
{
	outw(f, 0x1ce, i);
	return inw(f, 0x1cf);
}

static void mw8(struct fixture *f, uint32_t addr, uint8_t v)
{
	bus_write(f->mem, addr, 1, v);
}

static uint8_t mr8(struct fixture *f, uint32_t addr)
{
	return (uint8_t)bus_read(f->mem, addr, 1);
}

static void planes_at(struct fixture *f, unsigned off, uint8_t p0, uint8_t p1,
		      uint8_t p2, uint8_t p3)
{
	assert_int_equal(f->vram[off * 4 + 0], p0);
	assert_int_equal(f->vram[off * 4 + 1], p1);
	assert_int_equal(f->vram[off * 4 + 2], p2);
	assert_int_equal(f->vram[off * 4 + 3], p3);
}

/* Mode 12h's memory setup: planar, A0000 64K, all planes, write mode 0. */
static void planar_mode(struct fixture *f)
{
	sr(f, 2, 0x0f);
	sr(f, 4, 0x06);
	gr(f, 0, 0);
	gr(f, 1, 0);
	gr(f, 3, 0);
	gr(f, 4, 0);
	gr(f, 5, 0x00);
	gr(f, 6, 0x05);
	gr(f, 7, 0x0f);
	gr(f, 8, 0xff);
}

static const struct display_surface *surface(struct fixture *f)
{
	const struct display_surface *s = display_lock(f->display);

	display_unlock(f->display);   /* single-threaded test: safe to read */
	return s;
}

static uint32_t pixel(struct fixture *f, unsigned x, unsigned y)
{
	const struct display_surface *s = surface(f);

	assert_true(x < s->width && y < s->height);
	return s->pixels[(size_t)y * (s->stride / 4) + x];
}

static void refresh(struct fixture *f)
{
	f->nr_damage = 0;
	vga_refresh(f->vga);
}

/* ---- memory modes ------------------------------------------------------ */

static void test_write_mode0(void **state)
{
	struct fixture *f = *state;

	planar_mode(f);
	mw8(f, 0xa0000, 0xa5);
	planes_at(f, 0, 0xa5, 0xa5, 0xa5, 0xa5);

	/* Map mask: plane 1 only. */
	sr(f, 2, 0x02);
	mw8(f, 0xa0001, 0x3c);
	planes_at(f, 1, 0, 0x3c, 0, 0);
	sr(f, 2, 0x0f);

	/* Set/reset: planes 0 and 2 from GR0 (plane 0 set, 2 reset), 1 and
	 * 3 from the CPU byte. */
	gr(f, 1, 0x05);
	gr(f, 0, 0x01);
	mw8(f, 0xa0002, 0x3c);
	planes_at(f, 2, 0xff, 0x3c, 0x00, 0x3c);
	gr(f, 1, 0);

	/* Rotate right by 2: 0x81 -> 0x60. */
	gr(f, 3, 0x02);
	mw8(f, 0xa0003, 0x81);
	planes_at(f, 3, 0x60, 0x60, 0x60, 0x60);

	/* Function select against the latches (loaded by a read). */
	planar_mode(f);
	mw8(f, 0xa0004, 0xf0);
	(void)mr8(f, 0xa0004);
	gr(f, 3, 0x08);          /* AND */
	mw8(f, 0xa0004, 0x3c);
	planes_at(f, 4, 0x30, 0x30, 0x30, 0x30);
	(void)mr8(f, 0xa0004);
	gr(f, 3, 0x10);          /* OR */
	mw8(f, 0xa0004, 0x03);
	planes_at(f, 4, 0x33, 0x33, 0x33, 0x33);
	(void)mr8(f, 0xa0004);
	gr(f, 3, 0x18);          /* XOR */
	mw8(f, 0xa0004, 0xff);
	planes_at(f, 4, 0xcc, 0xcc, 0xcc, 0xcc);

	/* Bit mask: the unmasked bits come from the latches. */
	planar_mode(f);
	(void)mr8(f, 0xa0004);   /* latches 0xcc */
	gr(f, 8, 0x0f);
	mw8(f, 0xa0005, 0x00);
	planes_at(f, 5, 0xc0, 0xc0, 0xc0, 0xc0);
}

static void test_write_modes_1_2_3(void **state)
{
	struct fixture *f = *state;

	planar_mode(f);
	/* Distinct planes at offset 0x10 through the map mask. */
	for (unsigned p = 0; p < 4; p++) {
		sr(f, 2, (uint8_t)(1u << p));
		mw8(f, 0xa0010, (uint8_t)(0x11 * (p + 1)));
	}
	sr(f, 2, 0x0f);
	planes_at(f, 0x10, 0x11, 0x22, 0x33, 0x44);

	/* Mode 1: the latches, whatever the CPU writes (a screen copy). */
	gr(f, 5, 0x01);
	(void)mr8(f, 0xa0010);
	mw8(f, 0xa0020, 0x00);
	planes_at(f, 0x20, 0x11, 0x22, 0x33, 0x44);

	/* Mode 2: CPU bits 3:0 are the colour, through the bit mask. */
	gr(f, 5, 0x02);
	gr(f, 8, 0xf0);
	(void)mr8(f, 0xa0010);
	mw8(f, 0xa0030, 0x05);
	planes_at(f, 0x30, 0xf1, 0x02, 0xf3, 0x04);

	/* Mode 3: GR0 is the colour, the rotated CPU byte ANDs the bit
	 * mask. */
	gr(f, 5, 0x03);
	gr(f, 0, 0x0c);
	gr(f, 8, 0xf0);
	gr(f, 3, 0x04);          /* rotate 4: 0xc3 -> 0x3c */
	(void)mr8(f, 0xa0010);
	mw8(f, 0xa0040, 0xc3);   /* mask 0xf0 & 0x3c = 0x30 */
	planes_at(f, 0x40, 0x11 & ~0x30, 0x22 & ~0x30, 0x33 | 0x30, 0x44 | 0x30);
}

static void test_read_modes(void **state)
{
	struct fixture *f = *state;

	planar_mode(f);
	for (unsigned p = 0; p < 4; p++) {
		sr(f, 2, (uint8_t)(1u << p));
		mw8(f, 0xa0100, (uint8_t)(0x0f << p));   /* 0f 1e 3c 78 */
	}
	sr(f, 2, 0x0f);
	/* Mode 0: the plane GR4 selects. */
	for (unsigned p = 0; p < 4; p++) {
		gr(f, 4, (uint8_t)p);
		assert_int_equal(mr8(f, 0xa0100), (uint8_t)(0x0f << p));
	}
	/* Mode 1: colour 0b0101 in planes 0..3 bit by bit:
	 *   bit: 7 6 5 4 3 2 1 0
	 *   p0:  0 0 0 0 1 1 1 1     p1: 0 0 0 1 1 1 1 0
	 *   p2:  0 0 1 1 1 1 0 0     p3: 0 1 1 1 1 0 0 0
	 * pixel value bit 3 = p3 ...: bit 7 = 0, 6 = 8, 5 = c, 4 = e,
	 * 3 = f, 2 = 7, 1 = 3, 0 = 1. */
	gr(f, 5, 0x08);
	gr(f, 7, 0x0f);
	gr(f, 2, 0x0f);
	assert_int_equal(mr8(f, 0xa0100), 0x08);   /* colour f at bit 3 */
	gr(f, 2, 0x00);
	assert_int_equal(mr8(f, 0xa0100), 0x80);
	gr(f, 2, 0x07);
	assert_int_equal(mr8(f, 0xa0100), 0x04);
	/* Don't care about plane 3: colours 7 and f both match. */
	gr(f, 7, 0x07);
	assert_int_equal(mr8(f, 0xa0100), 0x0c);
	/* Care about nothing: everything matches. */
	gr(f, 7, 0x00);
	assert_int_equal(mr8(f, 0xa0100), 0xff);
}

static void test_odd_even_text(void **state)
{
	struct fixture *f = *state;

	/* Power-on state is mode 3: odd/even at B8000. */
	mw8(f, 0xb8000, 'A');
	mw8(f, 0xb8001, 0x1f);
	mw8(f, 0xb8002, 'B');
	mw8(f, 0xb8003, 0x2e);
	/* Character i is plane 0, attribute plane 1, both at offset i. */
	assert_int_equal(f->vram[0], 'A');
	assert_int_equal(f->vram[1], 0x1f);
	assert_int_equal(f->vram[4], 'B');
	assert_int_equal(f->vram[5], 0x2e);
	assert_int_equal(f->vram[2], 0);   /* plane 2 (font) untouched */
	assert_int_equal(mr8(f, 0xb8000), 'A');
	assert_int_equal(mr8(f, 0xb8001), 0x1f);
	assert_int_equal(mr8(f, 0xb8003), 0x2e);
	/* The map mask gates the odd plane. */
	sr(f, 2, 0x01);
	mw8(f, 0xb8001, 0x77);
	mw8(f, 0xb8000, 'C');
	assert_int_equal(f->vram[1], 0x1f);
	assert_int_equal(f->vram[0], 'C');
}

static void test_chain4(void **state)
{
	struct fixture *f = *state;

	sr(f, 2, 0x0f);
	sr(f, 4, 0x0e);
	gr(f, 5, 0x40);
	gr(f, 6, 0x05);
	for (unsigned i = 0; i < 8; i++)
		mw8(f, 0xa0000 + 320 + i, (uint8_t)(0x80 + i));
	/* Plain bytes in VRAM, as VBE's linear view. */
	for (unsigned i = 0; i < 8; i++) {
		assert_int_equal(f->vram[320 + i], 0x80 + i);
		assert_int_equal(mr8(f, 0xa0000 + 320 + i), 0x80 + i);
	}
	/* A word and a doubleword access are bytes in ascending order. */
	assert_true(io_bus_write(f->mem, 0xa1000, 4, 0x44332211));
	assert_int_equal(f->vram[0x1000], 0x11);
	assert_int_equal(f->vram[0x1003], 0x44);
	{
		uint64_t v;

		assert_true(io_bus_read(f->mem, 0xa1001, 2, &v));
		assert_int_equal(v, 0x3322);
	}
}

static void test_memory_map_select(void **state)
{
	struct fixture *f = *state;

	planar_mode(f);
	gr(f, 6, 0x0d);          /* B8000, 32 KiB */
	mw8(f, 0xa0000, 0x11);   /* outside: goes nowhere */
	assert_int_equal(mr8(f, 0xa0000), 0xff);
	mw8(f, 0xb8000, 0x22);
	planes_at(f, 0, 0x22, 0x22, 0x22, 0x22);
	gr(f, 6, 0x09);          /* B0000, 32 KiB */
	assert_int_equal(mr8(f, 0xb8000), 0xff);
	mw8(f, 0xb0001, 0x33);
	planes_at(f, 1, 0x33, 0x33, 0x33, 0x33);
	gr(f, 6, 0x05);          /* A0000, 64 KiB */
	assert_int_equal(mr8(f, 0xb0001), 0xff);
	assert_int_equal(mr8(f, 0xa0001), 0x33);
	gr(f, 6, 0x01);          /* A0000, 128 KiB: B0001 is offset 0x10001 */
	mw8(f, 0xb0001, 0x44);
	/* Beyond a plane's 64 KiB the offset wraps (256 KiB of VGA). */
	planes_at(f, 1, 0x44, 0x44, 0x44, 0x44);
	mw8(f, 0xaffff, 0x55);
	planes_at(f, 0xffff, 0x55, 0x55, 0x55, 0x55);
}

/* ---- registers --------------------------------------------------------- */

static void test_attribute_flip_flop(void **state)
{
	struct fixture *f = *state;

	(void)in8(f, 0x3da);
	out8(f, 0x3c0, 0x01);
	out8(f, 0x3c0, 0x15);
	assert_int_equal(in8(f, 0x3c0), 0x01);  /* the index, PAS clear */
	assert_int_equal(in8(f, 0x3c1), 0x15);
	/* The next write is an index again. */
	out8(f, 0x3c0, 0x22);
	assert_int_equal(in8(f, 0x3c0), 0x22);
	assert_int_equal(in8(f, 0x3c1), 0x02);  /* AR2 of mode 3 */
	/* A status read in the middle resets the flip-flop to index. */
	(void)in8(f, 0x3da);
	out8(f, 0x3c0, 0x03);
	out8(f, 0x3c0, 0x3f);
	assert_int_equal(in8(f, 0x3c1), 0x3f);
	out8(f, 0x3c0, 0x20);
	/* Palette registers keep 6 bits. */
	ar(f, 0x04, 0xff);
	(void)in8(f, 0x3da);
	out8(f, 0x3c0, 0x24);
	assert_int_equal(in8(f, 0x3c1), 0x3f);
}

static void test_ports_and_crtc(void **state)
{
	struct fixture *f = *state;
	uint8_t seen = 0, last = 0;

	assert_int_equal(in8(f, 0x3cc), 0x67);
	/* Colour addressing: the mono CRTC floats. */
	assert_int_equal(in8(f, 0x3b5), 0xff);
	out8(f, 0x3b4, 0x0c);
	assert_int_equal(cr_read(f, 0x01), 0x4f);
	/* Mono addressing: the colour CRTC floats instead. */
	out8(f, 0x3c2, 0x66);
	assert_int_equal(in8(f, 0x3d5), 0xff);
	assert_int_equal(in8(f, 0x3da), 0xff);
	out8(f, 0x3b4, 0x01);
	assert_int_equal(in8(f, 0x3b5), 0x4f);
	out8(f, 0x3c2, 0x67);

	/* CR11 bit 7 protects CR0-CR7, but CR7 bit 4. */
	cr(f, 0x01, 0x27);
	assert_int_equal(cr_read(f, 0x01), 0x4f);
	cr(f, 0x07, 0x00);
	assert_int_equal(cr_read(f, 0x07), 0x1f & ~0x10);
	cr(f, 0x11, 0x0e);
	cr(f, 0x01, 0x27);
	assert_int_equal(cr_read(f, 0x01), 0x27);

	/* 16-bit port access: index then data. */
	outw(f, 0x3ce, 0x0f08);
	out8(f, 0x3ce, 0x08);
	assert_int_equal(in8(f, 0x3cf), 0x0f);
	assert_int_equal(inw(f, 0x3ce), 0x0f08);

	/* Input status 1 changes between polls, so that polling loops
	 * end: the display-enable bit outside vertical retrace ... */
	for (unsigned i = 0, n = 0; n < 16 && i < 1000000; i++) {
		uint8_t v = in8(f, 0x3da);

		if (!(v & 0x08)) {
			if (n++)
				seen |= v ^ last;
			last = v;
		}
	}
	assert_true(seen & 0x01);
	/* ... and "wait for the retrace, then for its end" within a frame
	 * or two of the host's clock (2 s: the test host may be busy). */
	{
		uint64_t t0 = vga_now_ns();
		bool retrace = false, ended = false;

		while (!ended && vga_now_ns() - t0 < 2 * NSEC_PER_SEC) {
			uint8_t v = in8(f, 0x3da);

			if (v & 0x08)
				retrace = true;
			else if (retrace)
				ended = true;
		}
		assert_true(ended);
	}
}

static void test_dac(void **state)
{
	struct fixture *f = *state;

	out8(f, 0x3c8, 0x05);
	for (unsigned i = 0; i < 6; i++)
		out8(f, 0x3c9, (uint8_t)(0x10 + i));
	assert_int_equal(in8(f, 0x3c8), 0x07);   /* auto-incremented twice */
	assert_int_equal(in8(f, 0x3c7) & 3, 0);  /* write mode */
	out8(f, 0x3c7, 0x05);
	assert_int_equal(in8(f, 0x3c7) & 3, 3);  /* read mode */
	for (unsigned i = 0; i < 6; i++)
		assert_int_equal(in8(f, 0x3c9), 0x10 + i);
	/* 6-bit DAC: the top bits are dropped. */
	dac(f, 0xff, 0xff, 0x40, 0x3f);
	out8(f, 0x3c7, 0xff);
	assert_int_equal(in8(f, 0x3c9), 0x3f);
	assert_int_equal(in8(f, 0x3c9), 0x00);
	assert_int_equal(in8(f, 0x3c9), 0x3f);
	/* Index wraps from 255 to 0. */
	out8(f, 0x3c8, 0xff);
	for (unsigned i = 0; i < 3; i++)
		out8(f, 0x3c9, 1);
	assert_int_equal(in8(f, 0x3c8), 0);
	out8(f, 0x3c6, 0x0f);
	assert_int_equal(in8(f, 0x3c6), 0x0f);
}

static void test_dispi(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(dispi_get(f, VBE_DISPI_INDEX_ID), VBE_DISPI_ID5);
	dispi(f, VBE_DISPI_INDEX_ID, VBE_DISPI_ID0);
	assert_int_equal(dispi_get(f, VBE_DISPI_INDEX_ID), VBE_DISPI_ID0);
	dispi(f, VBE_DISPI_INDEX_ID, 0x1234);     /* not an ID: ignored */
	assert_int_equal(dispi_get(f, VBE_DISPI_INDEX_ID), VBE_DISPI_ID0);
	assert_int_equal(dispi_get(f, VBE_DISPI_INDEX_VIDEO_MEMORY_64K),
			 VRAM_SIZE >> 16);

	/* GETCAPS: the maxima instead of the mode. */
	dispi(f, VBE_DISPI_INDEX_ENABLE, VBE_DISPI_GETCAPS);
	assert_int_equal(dispi_get(f, VBE_DISPI_INDEX_XRES), 2560);
	assert_int_equal(dispi_get(f, VBE_DISPI_INDEX_YRES), 1600);
	assert_int_equal(dispi_get(f, VBE_DISPI_INDEX_BPP), 32);
	dispi(f, VBE_DISPI_INDEX_ENABLE, 0);

	/* Depths other than 4/8/15/16/24/32 are refused. */
	dispi(f, VBE_DISPI_INDEX_BPP, 16);
	dispi(f, VBE_DISPI_INDEX_BPP, 7);
	assert_int_equal(dispi_get(f, VBE_DISPI_INDEX_BPP), 16);

	/* A mode set clears VRAM; the virtual height is what fits. */
	memset(f->vram, 0xaa, VRAM_SIZE);
	dispi(f, VBE_DISPI_INDEX_XRES, 1024);
	dispi(f, VBE_DISPI_INDEX_YRES, 768);
	dispi(f, VBE_DISPI_INDEX_BPP, 32);
	dispi(f, VBE_DISPI_INDEX_ENABLE,
	      VBE_DISPI_ENABLED | VBE_DISPI_LFB_ENABLED);
	assert_int_equal(dispi_get(f, VBE_DISPI_INDEX_ENABLE),
			 VBE_DISPI_ENABLED | VBE_DISPI_LFB_ENABLED);
	assert_int_equal(dispi_get(f, VBE_DISPI_INDEX_VIRT_WIDTH), 1024);
	assert_int_equal(dispi_get(f, VBE_DISPI_INDEX_VIRT_HEIGHT),
			 VRAM_SIZE / 4096);
	assert_int_equal(f->vram[0], 0);
	assert_int_equal(f->vram[VRAM_SIZE - 1], 0);
	dispi(f, VBE_DISPI_INDEX_ENABLE, 0);

	/* NOCLEARMEM keeps VRAM. */
	f->vram[100] = 0x5a;
	dispi(f, VBE_DISPI_INDEX_ENABLE, VBE_DISPI_ENABLED | VBE_DISPI_NOCLEARMEM);
	assert_int_equal(f->vram[100], 0x5a);
	dispi(f, VBE_DISPI_INDEX_ENABLE, 0);

	/* A mode that does not fit gets the lines that fit. */
	dispi(f, VBE_DISPI_INDEX_XRES, 2560);
	dispi(f, VBE_DISPI_INDEX_YRES, 1600);
	dispi(f, VBE_DISPI_INDEX_BPP, 32);
	dispi(f, VBE_DISPI_INDEX_ENABLE, VBE_DISPI_ENABLED);
	assert_int_equal(dispi_get(f, VBE_DISPI_INDEX_YRES),
			 VRAM_SIZE / (2560 * 4));
	/* Panning past the end goes back to 0. */
	dispi(f, VBE_DISPI_INDEX_Y_OFFSET, 1000);
	assert_int_equal(dispi_get(f, VBE_DISPI_INDEX_Y_OFFSET), 0);
	dispi(f, VBE_DISPI_INDEX_ENABLE, 0);

	/* Too wide: the maximum. */
	dispi(f, VBE_DISPI_INDEX_XRES, 9999);
	dispi(f, VBE_DISPI_INDEX_BPP, 8);
	dispi(f, VBE_DISPI_INDEX_ENABLE, VBE_DISPI_ENABLED);
	assert_int_equal(dispi_get(f, VBE_DISPI_INDEX_XRES), 2560);

	/* The banked window. */
	dispi(f, VBE_DISPI_INDEX_BANK, 3);
	mw8(f, 0xa0010, 0x99);
	assert_int_equal(f->vram[0x30010], 0x99);
	assert_int_equal(mr8(f, 0xa0010), 0x99);
	assert_int_equal(mr8(f, 0xb0000), 0xff);   /* past the 64 KiB bank */
}

/* ---- rendering --------------------------------------------------------- */

static const uint8_t glyph_a[16] = {
	0x00, 0x00, 0x10, 0x38, 0x6c, 0xc6, 0xc6, 0xfe,
	0xc6, 0xc6, 0xc6, 0xc6, 0x00, 0x00, 0x00, 0x81,
};

/* Load a glyph into plane 2 the way a VGA BIOS does: planar access to
 * plane 2 at A0000, then back to text mode's odd/even at B8000. */
static void load_glyph(struct fixture *f, unsigned ch, const uint8_t *rows)
{
	sr(f, 2, 0x04);
	sr(f, 4, 0x06);
	gr(f, 4, 0x02);
	gr(f, 5, 0x00);
	gr(f, 6, 0x04);
	for (unsigned i = 0; i < 16; i++)
		mw8(f, 0xa0000 + ch * 32 + i, rows[i]);
	sr(f, 2, 0x03);
	sr(f, 4, 0x02);
	gr(f, 4, 0x00);
	gr(f, 5, 0x10);
	gr(f, 6, 0x0e);
}

static void test_text_cell_pixels(void **state)
{
	struct fixture *f = *state;
	const uint32_t yellow = 0xffff55, blue = 0x0000aa;
	unsigned col = 2, row = 1, x0 = col * 9, y0 = row * 16;

	load_glyph(f, 'A', glyph_a);
	cr(f, 0x0a, 0x20);                        /* no cursor */
	mw8(f, 0xb8000 + (row * 80 + col) * 2, 'A');
	mw8(f, 0xb8000 + (row * 80 + col) * 2 + 1, 0x1e);  /* yellow on blue */
	refresh(f);
	assert_int_equal(surface(f)->width, 720);
	assert_int_equal(surface(f)->height, 400);
	for (unsigned y = 0; y < 16; y++)
		for (unsigned x = 0; x < 9; x++) {
			bool on = x < 8 && (glyph_a[y] >> (7 - x)) & 1;

			assert_int_equal(pixel(f, x0 + x, y0 + y),
					 on ? yellow : blue);
		}
	/* The cell before is character 0 on black. */
	assert_int_equal(pixel(f, x0 - 1, y0), 0);

	/* 8-dot characters (SR1 bit 0): 640 wide. */
	sr(f, 1, 0x01);
	refresh(f);
	assert_int_equal(surface(f)->width, 640);
	assert_int_equal(pixel(f, col * 8 + 3, y0 + 2), yellow);
	assert_int_equal(pixel(f, col * 8 + 2, y0 + 2), blue);
}

static void test_text_cursor_and_blink(void **state)
{
	struct fixture *f = *state;

	load_glyph(f, 'A', glyph_a);
	mw8(f, 0xb8000, 'A');
	mw8(f, 0xb8001, 0x07);
	/* Cursor at cell 0, scan lines 14-15, colour of the attribute. */
	cr(f, 0x0a, 0x0e);
	cr(f, 0x0b, 0x0f);
	cr(f, 0x0e, 0);
	cr(f, 0x0f, 0);
	refresh(f);
	/* Whatever the blink phase: with the cursor shown, lines 14 and 15
	 * are grey; without, line 14 is background. */
	if (f->vga->cursor_shown)
		assert_int_equal(pixel(f, 4, 14), 0xaaaaaa);
	else
		assert_int_equal(pixel(f, 4, 14), 0);
	/* Line 15 of the glyph (0x81) shows its pixels in either case. */
	assert_int_equal(pixel(f, 0, 15), 0xaaaaaa);
}

/* Mode 13h's registers (IBM VGA BIOS tables). */
static void mode13h(struct fixture *f)
{
	out8(f, 0x3c2, 0x63);
	sr(f, 1, 0x01);
	sr(f, 2, 0x0f);
	sr(f, 4, 0x0e);
	gr(f, 5, 0x40);
	gr(f, 6, 0x05);
	cr(f, 0x11, 0x0e);
	cr(f, 0x01, 0x4f);
	cr(f, 0x07, 0x1f);
	cr(f, 0x09, 0x41);
	cr(f, 0x12, 0x8f);
	cr(f, 0x13, 0x28);
	cr(f, 0x14, 0x40);
	cr(f, 0x17, 0xa3);
	ar(f, 0x10, 0x41);
}

static void test_256_colour_pixel(void **state)
{
	struct fixture *f = *state;

	mode13h(f);
	dac(f, 0x42, 0x3f, 0x00, 0x15);
	mw8(f, 0xa0000 + 3 * 320 + 10, 0x42);
	refresh(f);
	assert_int_equal(surface(f)->width, 640);
	assert_int_equal(surface(f)->height, 400);
	/* Two dots wide, two scan lines high. */
	for (unsigned y = 6; y < 8; y++)
		for (unsigned x = 20; x < 22; x++)
			assert_int_equal(pixel(f, x, y), 0xff0055);
	assert_int_equal(pixel(f, 19, 6), 0);
	assert_int_equal(pixel(f, 22, 7), 0);
	assert_int_equal(pixel(f, 20, 8), 0);

	/* A second pixel: only its lines and dots are damaged. */
	mw8(f, 0xa0000 + 100 * 320 + 200, 0x42);
	refresh(f);
	assert_int_equal(f->nr_damage, 1);
	assert_int_equal(f->damage[0].x, 400);
	assert_int_equal(f->damage[0].y, 200);
	assert_int_equal(f->damage[0].w, 2);
	assert_int_equal(f->damage[0].h, 2);
	/* The DAC mask applies: index 0x42 & 0x0f is entry 2 (green). */
	out8(f, 0x3c6, 0x0f);
	refresh(f);
	assert_int_equal(pixel(f, 400, 200), 0x00aa00);
}

static void test_mode_x_and_line_compare(void **state)
{
	struct fixture *f = *state;

	mode13h(f);
	/* Unchained (mode X): pixel x is plane x & 3 at offset x / 4. */
	sr(f, 4, 0x06);
	cr(f, 0x14, 0x00);
	cr(f, 0x17, 0xe3);
	dac(f, 0x21, 0x3f, 0x3f, 0x00);
	sr(f, 2, 1u << (5 & 3));
	mw8(f, 0xa0000 + 2 * 80 + 5 / 4, 0x21);
	refresh(f);
	assert_int_equal(pixel(f, 10, 4), 0xffff00);
	assert_int_equal(pixel(f, 11, 5), 0xffff00);
	assert_int_equal(pixel(f, 8, 4), 0);
	assert_int_equal(pixel(f, 12, 4), 0);

	/* Page flipping by the start address: row 2 at the top. */
	cr(f, 0x0c, 0);
	cr(f, 0x0d, 2 * 80);
	refresh(f);
	assert_int_equal(pixel(f, 10, 0), 0xffff00);
	assert_int_equal(pixel(f, 10, 4), 0);

	/* Line compare 99: from raster line 100 on, memory from 0 (the
	 * split screen), so row 2 shows again at lines 104-105. */
	cr(f, 0x18, 99);
	cr(f, 0x07, 0x0f);     /* line compare bit 8 clear */
	cr(f, 0x09, 0x01);     /* bit 9 clear */
	refresh(f);
	assert_int_equal(pixel(f, 10, 0), 0xffff00);
	assert_int_equal(pixel(f, 10, 104), 0xffff00);
	assert_int_equal(pixel(f, 10, 105), 0xffff00);
	assert_int_equal(pixel(f, 10, 103), 0);
}

static void test_cga_mode4(void **state)
{
	struct fixture *f = *state;
	static const uint8_t crtc[0x19] = {
		0x2d, 0x27, 0x28, 0x90, 0x2b, 0x80, 0xbf, 0x1f,
		0x00, 0xc1, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x9c, 0x8e, 0x8f, 0x14, 0x00, 0x96, 0xb9, 0xa2, 0xff,
	};
	static const uint8_t attr[0x15] = {
		0x00, 0x13, 0x15, 0x17, 0x02, 0x04, 0x06, 0x07,
		0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
		0x01, 0x00, 0x03, 0x00, 0x00,
	};

	/* Mode 4 (320x200, 4 colours, CGA layout at B8000). */
	out8(f, 0x3c2, 0x63);
	sr(f, 1, 0x09);
	sr(f, 2, 0x03);
	sr(f, 4, 0x02);
	gr(f, 5, 0x30);
	gr(f, 6, 0x0f);
	cr(f, 0x11, 0);
	for (unsigned i = 0; i < sizeof(crtc); i++)
		cr(f, (uint8_t)i, crtc[i]);
	for (unsigned i = 0; i < sizeof(attr); i++)
		ar(f, (uint8_t)i, attr[i]);
	/* Pixel 1 of line 1 (odd lines at +0x2000) is colour 1; pixel 6 of
	 * line 0 (the second byte) is colour 2. */
	mw8(f, 0xb8000 + 0x2000, 0x10);
	mw8(f, 0xb8001, 0x08);
	refresh(f);
	assert_int_equal(surface(f)->width, 640);
	assert_int_equal(surface(f)->height, 400);
	/* Colour 1: AR1 = 0x13 -> DAC 0x13 = (0, 0x3f, 0x2a). */
	assert_int_equal(pixel(f, 2, 2), 0x00ffaa);
	assert_int_equal(pixel(f, 3, 3), 0x00ffaa);
	assert_int_equal(pixel(f, 2, 0), 0);
	/* Colour 2: AR2 = 0x15 -> DAC 0x15 = (0x2a, 0x15, 0x2a). */
	assert_int_equal(pixel(f, 12, 0), 0xaa55aa);
	assert_int_equal(pixel(f, 13, 1), 0xaa55aa);
	assert_int_equal(pixel(f, 12, 2), 0);
}

static void test_planar16_pixel(void **state)
{
	struct fixture *f = *state;

	/* Mode 12h, 640x480. */
	out8(f, 0x3c2, 0xe3);
	sr(f, 1, 0x01);
	cr(f, 0x11, 0x0c);
	cr(f, 0x01, 0x4f);
	cr(f, 0x07, 0x3e);
	cr(f, 0x09, 0x40);
	cr(f, 0x12, 0xdf);
	cr(f, 0x13, 0x28);
	cr(f, 0x17, 0xe3);
	ar(f, 0x10, 0x01);
	planar_mode(f);
	/* Colour 0xc (light red: AR12 = 0x3c -> DAC 0x3c) at x = 9, y = 2,
	 * through write mode 2. */
	gr(f, 5, 0x02);
	gr(f, 8, 0x40);
	(void)mr8(f, 0xa0000 + 2 * 80 + 1);
	mw8(f, 0xa0000 + 2 * 80 + 1, 0x0c);
	refresh(f);
	assert_int_equal(surface(f)->width, 640);
	assert_int_equal(surface(f)->height, 480);
	assert_int_equal(pixel(f, 9, 2), 0xff5555);
	assert_int_equal(pixel(f, 8, 2), 0);
	assert_int_equal(pixel(f, 10, 2), 0);
}

static void test_vbe_32bpp_pixel(void **state)
{
	struct fixture *f = *state;
	size_t at = (5 * 800 + 7) * 4;

	dispi(f, VBE_DISPI_INDEX_XRES, 800);
	dispi(f, VBE_DISPI_INDEX_YRES, 600);
	dispi(f, VBE_DISPI_INDEX_BPP, 32);
	dispi(f, VBE_DISPI_INDEX_ENABLE,
	      VBE_DISPI_ENABLED | VBE_DISPI_LFB_ENABLED);
	/* Through the direct mapping (the fake dirty log says so). */
	memcpy(f->vram + at, "\x56\x34\x12\x00", 4);
	f->bar_dirty[at / VGA_PAGE_SIZE / 64] |= 1ull << (at / VGA_PAGE_SIZE % 64);
	refresh(f);
	assert_int_equal(surface(f)->width, 800);
	assert_int_equal(surface(f)->height, 600);
	assert_int_equal(pixel(f, 7, 5), 0x123456);
	assert_int_equal(pixel(f, 6, 5), 0);

	/* Another through the log: one damage of one pixel. */
	at = (300 * 800 + 400) * 4;
	memcpy(f->vram + at, "\xff\xee\xdd\x00", 4);
	f->bar_dirty[at / VGA_PAGE_SIZE / 64] |= 1ull << (at / VGA_PAGE_SIZE % 64);
	refresh(f);
	assert_int_equal(f->nr_damage, 1);
	assert_int_equal(f->damage[0].x, 400);
	assert_int_equal(f->damage[0].y, 300);
	assert_int_equal(f->damage[0].w, 1);
	assert_int_equal(f->damage[0].h, 1);
	assert_int_equal(pixel(f, 400, 300), 0xddeeff);

	/* Through the banked window. */
	at = (100 * 800 + 3) * 4;
	dispi(f, VBE_DISPI_INDEX_BANK, (uint16_t)(at >> 16));
	assert_true(io_bus_write(f->mem, 0xa0000 + (at & 0xffff), 4, 0x00abcdef));
	refresh(f);
	assert_int_equal(pixel(f, 3, 100), 0xabcdef);
	assert_int_equal(f->nr_damage, 1);

	/* Panning: Y offset 5 shows line 5 at the top. */
	dispi(f, VBE_DISPI_INDEX_Y_OFFSET, 5);
	refresh(f);
	assert_int_equal(pixel(f, 7, 0), 0x123456);

	/* 16 bpp, 565. */
	dispi(f, VBE_DISPI_INDEX_ENABLE, 0);
	dispi(f, VBE_DISPI_INDEX_BPP, 16);
	dispi(f, VBE_DISPI_INDEX_ENABLE, VBE_DISPI_ENABLED);
	f->vram[2 * 2] = 0x1f;                 /* blue at x = 2 */
	f->vram[2 * 2 + 1] = 0xf8;             /* and red */
	vga_invalidate(f->vga);
	refresh(f);
	assert_int_equal(pixel(f, 2, 0), 0xff00ff);
}

static void vbe_mode(struct fixture *f, unsigned w, unsigned h, unsigned bpp,
		     uint16_t flags)
{
	dispi(f, VBE_DISPI_INDEX_ENABLE, 0);
	dispi(f, VBE_DISPI_INDEX_XRES, (uint16_t)w);
	dispi(f, VBE_DISPI_INDEX_YRES, (uint16_t)h);
	dispi(f, VBE_DISPI_INDEX_BPP, (uint16_t)bpp);
	dispi(f, VBE_DISPI_INDEX_ENABLE,
	      VBE_DISPI_ENABLED | VBE_DISPI_LFB_ENABLED | flags);
}

static void test_vbe_depths(void **state)
{
	struct fixture *f = *state;

	/* 8 bpp through the 6-bit DAC, then the 8-bit DAC. */
	vbe_mode(f, 640, 480, 8, 0);
	dac(f, 0x80, 0x3f, 0x20, 0x00);
	f->vram[640 + 3] = 0x80;
	vga_invalidate(f->vga);
	refresh(f);
	assert_int_equal(pixel(f, 3, 1), 0xff8200);   /* 0x20 -> 0x82 */
	vbe_mode(f, 640, 480, 8, VBE_DISPI_8BIT_DAC | VBE_DISPI_NOCLEARMEM);
	dac(f, 0x80, 0xfe, 0x20, 0x01);
	refresh(f);
	assert_int_equal(pixel(f, 3, 1), 0xfe2001);

	/* 15 bpp: x555. */
	vbe_mode(f, 640, 480, 15, 0);
	f->vram[2 * 5] = 0x1f;          /* blue 31 */
	f->vram[2 * 5 + 1] = 0x7c;      /* red 31 */
	vga_invalidate(f->vga);
	refresh(f);
	assert_int_equal(pixel(f, 5, 0), 0xff00ff);

	/* 24 bpp: B, G, R bytes; virtual width 700 with an X offset. */
	vbe_mode(f, 640, 480, 24, 0);
	dispi(f, VBE_DISPI_INDEX_VIRT_WIDTH, 700);
	assert_int_equal(dispi_get(f, VBE_DISPI_INDEX_VIRT_WIDTH), 700);
	memcpy(f->vram + (2 * 700 + 50) * 3, "\x01\x02\x03", 3);
	dispi(f, VBE_DISPI_INDEX_X_OFFSET, 40);
	refresh(f);
	assert_int_equal(pixel(f, 10, 2), 0x030201);
	/* An X offset past the virtual width is refused. */
	dispi(f, VBE_DISPI_INDEX_X_OFFSET, 100);
	assert_int_equal(dispi_get(f, VBE_DISPI_INDEX_X_OFFSET), 0);
}

static void test_text_dirty_tracking(void **state)
{
	struct fixture *f = *state;
	unsigned col = 40, row = 12;

	load_glyph(f, 'A', glyph_a);
	cr(f, 0x0a, 0x20);                     /* no cursor blinking */
	refresh(f);
	assert_true(f->nr_damage >= 1);        /* the first picture */
	/* Nothing changed: nothing damaged, the log asked once. */
	f->collects = 0;
	refresh(f);
	assert_int_equal(f->nr_damage, 0);
	refresh(f);
	assert_int_equal(f->nr_damage, 0);
	/* Rewriting the same register values changes nothing either. */
	ar(f, 0x01, 0x01);
	dac(f, 0x01, 0x00, 0x00, 0x2a);
	cr(f, 0x0c, 0);
	refresh(f);
	assert_int_equal(f->nr_damage, 0);

	/* One cell: one rectangle, that cell's. */
	mw8(f, 0xb8000 + (row * 80 + col) * 2, 'A');
	mw8(f, 0xb8000 + (row * 80 + col) * 2 + 1, 0x07);
	refresh(f);
	assert_int_equal(f->nr_damage, 1);
	assert_int_equal(f->damage[0].x, col * 9);
	assert_int_equal(f->damage[0].y, row * 16);
	assert_int_equal(f->damage[0].w, 9);
	assert_int_equal(f->damage[0].h, 16);
	/* The same byte again: the page is dirty, the cell is not. */
	mw8(f, 0xb8000 + (row * 80 + col) * 2, 'A');
	refresh(f);
	assert_int_equal(f->nr_damage, 0);

	/* A font change redraws the cells using it. */
	load_glyph(f, 'A', (const uint8_t[16]){ 0xff });
	refresh(f);
	assert_true(f->nr_damage >= 1);
	assert_int_equal(pixel(f, col * 9, row * 16), 0xaaaaaa);

	/* The cursor moved: its old and new cells only. */
	cr(f, 0x0a, 0x00);
	cr(f, 0x0b, 0x0f);
	cr(f, 0x0e, 0);
	cr(f, 0x0f, 5);
	refresh(f);
	if (f->vga->cursor_shown) {
		assert_int_equal(f->nr_damage, 1);
		assert_int_equal(f->damage[0].x, 5 * 9);
		assert_int_equal(f->damage[0].w, 9);
	}

	/* A palette change redraws everything. */
	dac(f, 0x07, 0x3f, 0x3f, 0x3f);
	refresh(f);
	assert_int_equal(f->nr_damage, 1);
	assert_int_equal(f->damage[0].w, 720);
	assert_int_equal(f->damage[0].h, 400);
	vga_invalidate(f->vga);
	refresh(f);
	assert_int_equal(f->nr_damage, 1);
}

/* ---- hostile guests ---------------------------------------------------- */

static uint32_t rnd_state = 12345;

static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

static void test_fuzz(void **state)
{
	struct fixture *f = *state;
	static const unsigned sizes[] = { 1, 2, 4, 8 };
	unsigned rounds = getenv("VGA_FUZZ_ROUNDS") ?
			  (unsigned)atoi(getenv("VGA_FUZZ_ROUNDS")) : 400;
	unsigned seen = 0;

	for (unsigned r = 0; r < rounds; r++) {
		for (unsigned i = 0; i < 500; i++) {
			uint32_t k = rnd(), v = rnd();
			unsigned size = sizes[(k >> 8) & 3];
			uint64_t val = (uint64_t)v << 32 | rnd();

			switch (k % 8) {
			case 0: /* an index register, then its data */
				out8(f, (uint16_t)(0x3b0 + (v % 0x30)), (uint8_t)v);
				(void)io_bus_write(f->pio, 0x3b0 + ((v >> 8) % 0x30),
						   1, v >> 16);
				break;
			case 1:
				(void)io_bus_read(f->pio, 0x3b0 + (v % 0x30), 1,
						  &val);
				break;
			case 2:
				dispi(f, (uint16_t)(v % 12), (uint16_t)(v >> 16));
				break;
			case 3:
				(void)vga_dispi_read(f->vga, v % 16);
				vga_dispi_write(f->vga, (v >> 4) % 16,
						(uint16_t)(v >> 16));
				break;
			case 4: case 5:
				(void)io_bus_write(f->mem, 0xa0000 +
						   (v % (0x20000 - 8)), size, val);
				break;
			case 6:
				(void)io_bus_read(f->mem, 0xa0000 +
						  (v % (0x20000 - 8)), size, &val);
				break;
			default: /* the registers that matter most, hard */
				cr(f, 0x11, 0);
				cr(f, (uint8_t)(v % 0x19), (uint8_t)(v >> 8));
				sr(f, (uint8_t)((v >> 16) % 5), (uint8_t)(v >> 24));
				gr(f, (uint8_t)((k >> 16) % 9), (uint8_t)(k >> 24));
				break;
			}
		}
		if (r % 16 == 0)   /* the direct mapping too */
			memset(f->bar_dirty, 0xff, sizeof(f->bar_dirty));
		if (r % 32 == 0)
			vga_invalidate(f->vga);
		refresh(f);
		seen |= 1u << f->vga->last.kind;
		if (r % 64 == 0)
			vga_reset(f->vga);
	}
	/* The loop reached every kind of scan-out (else it proves less). */
	print_message("scan-out kinds seen: %#x\n", seen);
	assert_int_equal(seen, (1u << (VGA_SCAN_VBE_PLANAR + 1)) - 1);
	/* Still a working device. */
	vga_reset(f->vga);
	refresh(f);
	assert_int_equal(dispi_get(f, VBE_DISPI_INDEX_ID), VBE_DISPI_ID5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_write_mode0),
		T(test_write_modes_1_2_3),
		T(test_read_modes),
		T(test_odd_even_text),
		T(test_chain4),
		T(test_memory_map_select),
		T(test_attribute_flip_flop),
		T(test_ports_and_crtc),
		T(test_dac),
		T(test_dispi),
		T(test_text_cell_pixels),
		T(test_text_cursor_and_blink),
		T(test_256_colour_pixel),
		T(test_planar16_pixel),
		T(test_mode_x_and_line_compare),
		T(test_cga_mode4),
		T(test_vbe_32bpp_pixel),
		T(test_vbe_depths),
		T(test_text_dirty_tracking),
		T(test_fuzz),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
