/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VGA core: the register set of IBM's VGA (sequencer, graphics
 * controller, CRTC, attribute controller, DAC, misc output, input status),
 * the legacy window 0xA0000-0xBFFFF in every memory mode, the Bochs DISPI
 * (VBE) interface, and rendering the screen into the display surface.
 * The PCI side (stdvga.c: BARs, ROM, the VRAM mapping) is not here.
 *
 * VRAM is one linear buffer: what BAR0 maps into the guest, what VBE modes
 * scan out. Planar VGA modes keep plane p of byte address a at vram[a*4+p]
 * (the four planes interleaved, as QEMU's stdvga does, so chain-4 mode 13h
 * and VBE linear modes see plain bytes).
 *
 * All calls under the device-model lock.
 */
#ifndef DEVMODEL_DISPLAY_VGA_H
#define DEVMODEL_DISPLAY_VGA_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "devmodel/core/io.h"
#include "devmodel/display/display.h"

/* The standard ports, 0x3B0-0x3DF (offsets from VGA_IOPORT_BASE). */
#define VGA_IOPORT_BASE   0x3b0
#define VGA_IOPORT_LEN    0x30
/* The legacy memory window (offsets from VGA_WINDOW_BASE). */
#define VGA_WINDOW_BASE   0xa0000
#define VGA_WINDOW_LEN    0x20000
/* Bochs DISPI: index at 0x1CE, data at 0x1CF (16-bit accesses: a word
 * at 0x1CF covers 0x1D0, which is data too, as on QEMU's x86 stdvga). */
#define VGA_DISPI_IOPORT  0x1ce
#define VGA_DISPI_IOLEN   3

#define VGA_PAGE_SIZE     4096

/* Where the guest can write VRAM behind the device's back: the VRAM BAR
 * mapped as guest RAM. Set in `bitmap` (bit i = VRAM page first_page + i,
 * 64 pages per word) each page written since the last call for that page;
 * pages the source cannot tell about must be set (a source without a
 * dirty log compares against a copy). NULL ops: the guest has no direct
 * mapping, only trapped accesses (unit tests). */
struct vga_vram_ops {
	void (*collect_dirty)(void *opaque, size_t first_page, size_t nr_pages,
			      uint64_t *bitmap);
	void *opaque;
};

struct vga;

/* vram: vram_size bytes (a power of two, >= 1 MiB), owned by the caller.
 * NULL with errno. The device registers itself with the display. */
struct vga *vga_create(uint8_t *vram, size_t vram_size, struct display *display,
		       const struct vga_vram_ops *vram_ops);
void vga_destroy(struct vga *vga);
/* Power-on state (machine reset). */
void vga_reset(struct vga *vga);

/* opaque = the struct vga for all three. */
extern const struct io_ops vga_ioport_ops;     /* ports 0x3B0-0x3DF */
extern const struct io_ops vga_window_ops;     /* 0xA0000-0xBFFFF */
extern const struct io_ops vga_dispi_ioport_ops; /* ports 0x1CE-0x1CF */

/* The DISPI register file by index (VBE_DISPI_INDEX_*), for the MMIO
 * copy in stdvga's BAR2 (QEMU's layout: 0x500 + index * 2). */
uint16_t vga_dispi_read(struct vga *vga, unsigned index);
void vga_dispi_write(struct vga *vga, unsigned index, uint16_t value);

/* Render what changed into the display (display_device_ops.refresh). */
void vga_refresh(struct vga *vga);
/* The next refresh redraws the whole screen. */
void vga_invalidate(struct vga *vga);

#endif /* DEVMODEL_DISPLAY_VGA_H */
