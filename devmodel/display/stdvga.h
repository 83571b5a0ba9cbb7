/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The standard VGA as a PCI device, as QEMU's `-vga std` (and Xen's
 * `stdvga = 1`) present it, so that SeaBIOS's vgabios-stdvga.bin and
 * Linux's bochs DRM driver drive it:
 *   1234:1111 rev 2, class 0x030000 (VGA-compatible display controller),
 *   subsystem 1af4:1100;
 *   BAR0  VRAM, 32-bit prefetchable memory, RAM-backed (the guest writes
 *         host memory: the owner maps it where the BAR decodes);
 *   BAR2  4 KiB of registers (QEMU's layout): 0x000 EDID (none here: the
 *         guest finds no EDID header and uses its defaults), 0x400 the VGA
 *         ports 0x3C0-0x3DF, 0x500 the DISPI registers (index * 2, 16-bit),
 *         0x600 QEMU's extended registers (size, framebuffer byte order);
 *   ROM   the VGA BIOS image, its size rounded up to a power of two.
 * The legacy ports 0x3B0-0x3DF and 0x1CE-0x1CF and the window
 * 0xA0000-0xBFFFF decode always, as on a PC's primary VGA.
 * Under the device-model lock, like the buses.
 */
#ifndef DEVMODEL_DISPLAY_STDVGA_H
#define DEVMODEL_DISPLAY_STDVGA_H
#include <stddef.h>
#include <stdint.h>

#include "devmodel/core/io.h"
#include "devmodel/core/pci.h"
#include "devmodel/display/display.h"
#include "devmodel/display/vga.h"

#define STDVGA_VENDOR_ID    0x1234
#define STDVGA_DEVICE_ID    0x1111
#define STDVGA_MMIO_SIZE    4096
/* BAR2 (QEMU hw/display/vga-pci.c's layout). */
#define STDVGA_MMIO_EDID    0x000
#define STDVGA_MMIO_VGA     0x400  /* ports 0x3C0-0x3DF */
#define STDVGA_MMIO_VGA_LEN 0x20
#define STDVGA_MMIO_DISPI   0x500
#define STDVGA_MMIO_DISPI_LEN 0x18
#define STDVGA_MMIO_QEXT    0x600
#define STDVGA_MMIO_QEXT_LEN 8
#define STDVGA_QEXT_LITTLE_ENDIAN 0x1e1e1e1eu
#define STDVGA_QEXT_BIG_ENDIAN    0xbebebebeu

struct stdvga_config {
	uint8_t *vram;             /* a power of two, >= 1 MiB, the caller's */
	size_t vram_size;
	struct display *display;
	/* How the guest's direct writes to VRAM are found (vga.h). */
	const struct vga_vram_ops *vram_ops;
	/* Called as BAR0 comes and goes (pci.h, RAM-backed BARs). */
	pci_bar_ram_map_fn vram_map;
	void *vram_map_opaque;
	/* The VGA BIOS image (copied). */
	const void *rom;
	size_t rom_size;
};

struct stdvga;

/* On bus 0 at slot/function 0; the legacy ranges on pio and mmio. NULL
 * with a message in err. */
struct stdvga *stdvga_create(struct pci_bus *bus, struct io_bus *pio,
			     struct io_bus *mmio, unsigned slot,
			     const struct stdvga_config *cfg, char *err,
			     size_t errlen);
void stdvga_destroy(struct stdvga *s);
/* The VGA core, for its refresh and tests. */
struct vga *stdvga_vga(struct stdvga *s);

#endif /* DEVMODEL_DISPLAY_STDVGA_H */
