// SPDX-License-Identifier: GPL-2.0
/*
 * The standard VGA's PCI side (stdvga.h): config header, BARs, ROM, the
 * MMIO register BAR, the legacy ranges. The VGA itself is vga.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devmodel/display/stdvga.h"

struct stdvga {
	struct pci_device pci;
	struct pci_bus *bus;
	struct io_bus *pio, *mmio;
	struct vga *vga;
	uint8_t *rom;
	uint32_t rom_bar_size;
	size_t vram_size;
	bool registered, ports, dispi, window;
};

static const struct pci_device_info stdvga_info;

static uint32_t round_up_pow2(size_t n)
{
	uint32_t p = 2048; /* the smallest ROM BAR (PCI 3.0 §6.2.5.2) */

	while (p < n)
		p <<= 1;
	return p;
}

/* ---- ROM BAR ---- */

static uint64_t rom_read(void *opaque, uint64_t offset, unsigned size)
{
	struct stdvga *s = opaque;
	uint64_t v = 0;

	if (offset < s->rom_bar_size && size <= s->rom_bar_size - offset)
		memcpy(&v, s->rom + offset, size); /* x86: little-endian */
	return v;
}

static void rom_write(void *opaque, uint64_t offset, unsigned size, uint64_t v)
{
	(void)opaque, (void)offset, (void)size, (void)v; /* ROM */
}

static const struct io_ops rom_ops = { .read = rom_read, .write = rom_write };

/* ---- BAR2: the registers ---- */

/* The VGA ports through MMIO, one byte at a time (a 16-bit write to the
 * sequencer's index is index then data, as OUT DX, AX does). */
static uint64_t vga_regs_read(struct stdvga *s, uint64_t off, unsigned size)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < size; i++) {
		uint64_t port = 0x3c0 + off + i;

		if (port >= 0x3e0)
			break;
		v |= (vga_ioport_ops.read(s->vga, port - VGA_IOPORT_BASE, 1) & 0xff)
		     << (8 * i);
	}
	return v;
}

static void vga_regs_write(struct stdvga *s, uint64_t off, unsigned size, uint64_t v)
{
	for (unsigned i = 0; i < size; i++) {
		uint64_t port = 0x3c0 + off + i;

		if (port >= 0x3e0)
			break;
		vga_ioport_ops.write(s->vga, port - VGA_IOPORT_BASE, 1,
				     (v >> (8 * i)) & 0xff);
	}
}

/* The DISPI registers are 16 bits wide at 0x500 + index * 2: wider
 * accesses cover several, byte accesses half of one. */
static uint64_t dispi_regs_read(struct stdvga *s, uint64_t off, unsigned size)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < size; i++) {
		uint64_t byte = off + i;
		uint16_t reg;

		if (byte >= STDVGA_MMIO_DISPI_LEN)
			break;
		reg = vga_dispi_read(s->vga, (unsigned)(byte / 2));
		v |= (uint64_t)((reg >> (8 * (byte & 1))) & 0xff) << (8 * i);
	}
	return v;
}

static void dispi_regs_write(struct stdvga *s, uint64_t off, unsigned size, uint64_t v)
{
	unsigned i = 0;

	while (i < size && off + i < STDVGA_MMIO_DISPI_LEN) {
		uint64_t byte = off + i;
		unsigned index = (unsigned)(byte / 2);
		uint16_t reg;

		if (!(byte & 1) && i + 1 < size) {
			reg = (uint16_t)(v >> (8 * i));
			i += 2;
		} else {
			/* Half a register: the other byte as it reads now. */
			unsigned shift = 8 * (byte & 1);

			reg = vga_dispi_read(s->vga, index);
			reg = (uint16_t)((reg & ~(0xffu << shift)) |
					 (((v >> (8 * i)) & 0xff) << shift));
			i++;
		}
		vga_dispi_write(s->vga, index, reg);
	}
}

/* QEMU's extension: the size of the block, and the framebuffer byte order
 * (always little-endian here; a request for big-endian is not taken, and
 * the register says so). */
static uint64_t qext_read(uint64_t off, unsigned size)
{
	uint8_t regs[STDVGA_MMIO_QEXT_LEN];
	uint32_t le = STDVGA_QEXT_LITTLE_ENDIAN, len = STDVGA_MMIO_QEXT_LEN;
	uint64_t v = 0;

	memcpy(regs, &len, 4);
	memcpy(regs + 4, &le, 4);
	if (off + size <= sizeof(regs))
		memcpy(&v, regs + off, size);
	return v;
}

static bool in_block(uint64_t off, unsigned size, uint64_t base, uint64_t len)
{
	return off >= base && off + size <= base + len;
}

static uint64_t mmio_read(void *opaque, uint64_t off, unsigned size)
{
	struct stdvga *s = opaque;

	if (in_block(off, size, STDVGA_MMIO_VGA, STDVGA_MMIO_VGA_LEN))
		return vga_regs_read(s, off - STDVGA_MMIO_VGA, size);
	if (in_block(off, size, STDVGA_MMIO_DISPI, STDVGA_MMIO_DISPI_LEN))
		return dispi_regs_read(s, off - STDVGA_MMIO_DISPI, size);
	if (in_block(off, size, STDVGA_MMIO_QEXT, STDVGA_MMIO_QEXT_LEN))
		return qext_read(off - STDVGA_MMIO_QEXT, size);
	return 0; /* the EDID block (empty) and the holes */
}

static void mmio_write(void *opaque, uint64_t off, unsigned size, uint64_t v)
{
	struct stdvga *s = opaque;

	if (in_block(off, size, STDVGA_MMIO_VGA, STDVGA_MMIO_VGA_LEN))
		vga_regs_write(s, off - STDVGA_MMIO_VGA, size, v);
	else if (in_block(off, size, STDVGA_MMIO_DISPI, STDVGA_MMIO_DISPI_LEN))
		dispi_regs_write(s, off - STDVGA_MMIO_DISPI, size, v);
	/* the rest (EDID, the size, the byte order) is read-only */
}

static const struct io_ops mmio_ops = { .read = mmio_read, .write = mmio_write };

/* ---- the device ---- */

static void stdvga_pci_reset(struct pci_device *dev)
{
	struct stdvga *s = dev->opaque;

	vga_reset(s->vga);
}

struct vga *stdvga_vga(struct stdvga *s)
{
	return s->vga;
}

void stdvga_destroy(struct stdvga *s)
{
	if (!s)
		return;
	if (s->window)
		io_bus_unregister(s->mmio, VGA_WINDOW_BASE);
	if (s->dispi)
		io_bus_unregister(s->pio, VGA_DISPI_IOPORT);
	if (s->ports)
		io_bus_unregister(s->pio, VGA_IOPORT_BASE);
	if (s->registered)
		pci_bus_unregister_device(s->bus, &s->pci);
	if (s->vga)
		vga_destroy(s->vga);
	free(s->rom);
	free(s);
}

struct stdvga *stdvga_create(struct pci_bus *bus, struct io_bus *pio,
			     struct io_bus *mmio, unsigned slot,
			     const struct stdvga_config *cfg, char *err,
			     size_t errlen)
{
	struct stdvga *s = calloc(1, sizeof(*s));
	int r;

	if (!s) {
		snprintf(err, errlen, "stdvga: out of memory");
		return NULL;
	}
	s->bus = bus;
	s->pio = pio;
	s->mmio = mmio;
	s->vram_size = cfg->vram_size;
	if (cfg->vram_size > UINT32_MAX || !cfg->rom_size ||
	    cfg->rom_size > 16u << 20) {
		snprintf(err, errlen, "stdvga: bad VRAM (%zu bytes) or ROM (%zu bytes) size",
			 cfg->vram_size, cfg->rom_size);
		goto fail;
	}
	s->rom_bar_size = round_up_pow2(cfg->rom_size);
	s->rom = calloc(1, s->rom_bar_size);
	s->vga = vga_create(cfg->vram, cfg->vram_size, cfg->display, cfg->vram_ops);
	if (!s->rom || !s->vga) {
		snprintf(err, errlen, "stdvga: cannot create the VGA: %s", strerror(errno));
		goto fail;
	}
	memcpy(s->rom, cfg->rom, cfg->rom_size);

	pci_device_init(&s->pci, &stdvga_info, s);
	r = pci_device_set_bar_ram(&s->pci, 0, PCI_BAR_MEM32_PREFETCH,
				   (uint32_t)cfg->vram_size, cfg->vram_map,
				   cfg->vram_map_opaque);
	if (!r)
		r = pci_device_set_bar(&s->pci, 2, PCI_BAR_MEM32, STDVGA_MMIO_SIZE,
				       &mmio_ops, s);
	if (!r)
		r = pci_device_set_bar(&s->pci, PCI_ROM_SLOT, PCI_BAR_ROM,
				       s->rom_bar_size, &rom_ops, s);
	if (r) {
		snprintf(err, errlen, "stdvga: cannot declare its BARs: %s", strerror(-r));
		goto fail;
	}
	r = pci_bus_register_device(bus, &s->pci, slot, 0);
	if (r) {
		snprintf(err, errlen, "stdvga: PCI slot %u: %s", slot, strerror(-r));
		goto fail;
	}
	s->registered = true;

	r = io_bus_register(pio, VGA_IOPORT_BASE, VGA_IOPORT_LEN, &vga_ioport_ops,
			    s->vga, "vga");
	s->ports = !r;
	if (!r) {
		r = io_bus_register(pio, VGA_DISPI_IOPORT, VGA_DISPI_IOLEN,
				    &vga_dispi_ioport_ops, s->vga, "vga-dispi");
		s->dispi = !r;
	}
	if (!r) {
		r = io_bus_register(mmio, VGA_WINDOW_BASE, VGA_WINDOW_LEN,
				    &vga_window_ops, s->vga, "vga-window");
		s->window = !r;
	}
	if (r) {
		snprintf(err, errlen, "stdvga: the legacy VGA ports or window are taken: %s",
			 strerror(-r));
		goto fail;
	}
	return s;
fail:
	stdvga_destroy(s);
	return NULL;
}

static const struct pci_device_info stdvga_info = {
	.name = "stdvga",
	.vendor_id = STDVGA_VENDOR_ID,
	.device_id = STDVGA_DEVICE_ID,
	.revision = 2,
	.class_code = 0x030000,  /* display, VGA-compatible */
	.subsystem_vendor_id = 0x1af4,
	.subsystem_id = 0x1100,
	.reset = stdvga_pci_reset,
};
