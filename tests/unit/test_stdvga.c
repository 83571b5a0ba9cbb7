// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the standard VGA's PCI side (devmodel/display/stdvga.c) on
 * fake buses, driven as a guest would through configuration mechanism #1:
 * its identity, BAR sizes and types, the VGA BIOS in the ROM BAR, the
 * RAM-backed VRAM BAR's map callbacks, and the register BAR (QEMU's
 * layout) reaching the same DISPI and VGA registers as the ports.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/fixture.h"

#include "devmodel/core/io.h"
#include "devmodel/core/pci.h"
#include "devmodel/display/display.h"
#include "devmodel/display/stdvga.h"

#define SLOT 2
#define VRAM_SIZE (16u << 20)
#define ROM_SIZE 39936 /* vgabios-stdvga.bin's size */

struct fixture {
	struct io_bus *ports, *mem;
	struct pci_bus *pci;
	struct dm_timer_list timers;
	struct display *display;
	uint8_t *vram, *rom;
	struct stdvga *vga;
	unsigned maps;
	bool mapped;
	uint64_t mapped_at;
};

static int vram_map(void *opaque, bool mapped, uint64_t addr)
{
	struct fixture *f = opaque;

	f->maps++;
	f->mapped = mapped;
	f->mapped_at = addr;
	return 0;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct stdvga_config cfg;
	char err[256];

	f->ports = io_bus_new("ports");
	f->mem = io_bus_new("mem");
	f->pci = pci_bus_new(f->ports, f->mem);
	dm_timer_list_init(&f->timers);
	f->display = display_create(&f->timers);
	f->vram = calloc(1, VRAM_SIZE);
	f->rom = calloc(1, ROM_SIZE);
	if (!f->pci || !f->display || !f->vram || !f->rom)
		return -1;
	f->rom[0] = 0x55;
	f->rom[1] = 0xaa;
	f->rom[ROM_SIZE - 1] = 0x5a;
	cfg = (struct stdvga_config){
		.vram = f->vram, .vram_size = VRAM_SIZE, .display = f->display,
		.vram_map = vram_map, .vram_map_opaque = f,
		.rom = f->rom, .rom_size = ROM_SIZE,
	};
	f->vga = stdvga_create(f->pci, f->ports, f->mem, SLOT, &cfg, err, sizeof(err));
	if (!f->vga) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	stdvga_destroy(f->vga);
	display_destroy(f->display);
	pci_bus_free(f->pci);
	io_bus_free(f->ports);
	io_bus_free(f->mem);
	free(f->vram);
	free(f->rom);
	free(f);
	return 0;
}

static uint64_t in(struct fixture *f, uint16_t port, unsigned size)
{
	return bus_read_any(f->ports, port, size, NULL);
}

static void out(struct fixture *f, uint16_t port, unsigned size, uint32_t v)
{
	bus_write_any(f->ports, port, size, v);
}

static uint32_t cfg_read(struct fixture *f, unsigned offset, unsigned size)
{
	return cfg1_read(f->ports, SLOT, 0, offset, size);
}

static void cfg_write(struct fixture *f, unsigned offset, unsigned size, uint32_t v)
{
	cfg1_write(f->ports, SLOT, 0, offset, size, v);
}

static uint64_t mem_read(struct fixture *f, uint64_t addr, unsigned size)
{
	return bus_read(f->mem, addr, size);
}

static void mem_write(struct fixture *f, uint64_t addr, unsigned size, uint64_t v)
{
	bus_write(f->mem, addr, size, v);
}

static uint32_t bar_size(struct fixture *f, unsigned offset, uint32_t type_mask)
{
	cfg_write(f, offset, 4, 0xffffffff);
	return ~(cfg_read(f, offset, 4) & ~type_mask) + 1;
}

static void identity_is_qemus_stdvga(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(cfg_read(f, PCI_VENDOR_ID, 4), 0x11111234);
	assert_int_equal(cfg_read(f, PCI_REVISION_ID, 4), 0x03000002);
	assert_int_equal(cfg_read(f, PCI_SUBSYSTEM_VENDOR_ID, 4), 0x11001af4);
	assert_int_equal(cfg_read(f, PCI_INTERRUPT_PIN, 1), 0);
}

static void bars_have_qemus_sizes_and_types(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(cfg_read(f, 0x10, 4), PCI_BAR_MEM_PREFETCH);
	assert_int_equal(bar_size(f, 0x10, 0xf), VRAM_SIZE);
	assert_int_equal(cfg_read(f, 0x18, 4) & 0xf, 0);
	assert_int_equal(bar_size(f, 0x18, 0xf), STDVGA_MMIO_SIZE);
	/* BAR1, 3-5 are absent. */
	assert_int_equal(bar_size(f, 0x14, 0xf), 0);
	assert_int_equal(bar_size(f, 0x1c, 0xf), 0);
	/* The ROM: 39 KiB rounded up to 64 KiB. */
	assert_int_equal(bar_size(f, PCI_ROM_ADDRESS, 0x7ff), 0x10000);
}

static void rom_bar_holds_the_vga_bios(void **state)
{
	struct fixture *f = *state;

	cfg_write(f, PCI_ROM_ADDRESS, 4, 0xfebc0000 | PCI_ROM_ENABLE);
	cfg_write(f, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	assert_int_equal(mem_read(f, 0xfebc0000, 2), 0xaa55);
	assert_int_equal(mem_read(f, 0xfebc0000 + ROM_SIZE - 1, 1), 0x5a);
	/* The padding up to the BAR size reads 0; writes change nothing. */
	assert_int_equal(mem_read(f, 0xfebc0000 + 0xfffc, 4), 0);
	mem_write(f, 0xfebc0000, 2, 0);
	assert_int_equal(mem_read(f, 0xfebc0000, 2), 0xaa55);
}

static void vram_bar_is_mapped_not_trapped(void **state)
{
	struct fixture *f = *state;
	uint64_t v;

	cfg_write(f, 0x10, 4, 0xfd000000);
	assert_int_equal(f->maps, 0);
	cfg_write(f, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	assert_int_equal(f->maps, 1);
	assert_true(f->mapped);
	assert_int_equal(f->mapped_at, 0xfd000000);
	assert_false(io_bus_read(f->mem, 0xfd000000, 4, &v));
	cfg_write(f, 0x10, 4, 0xfc000000);
	assert_int_equal(f->maps, 3);
	assert_int_equal(f->mapped_at, 0xfc000000);
	pci_bus_reset(f->pci);
	assert_false(f->mapped);
}

static void register_bar_reaches_dispi_and_vga_registers(void **state)
{
	struct fixture *f = *state;
	const uint64_t mmio = 0xfebf0000;

	cfg_write(f, 0x18, 4, (uint32_t)mmio);
	cfg_write(f, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);

	/* DISPI index 0 (ID) at 0x500, as through the ports. */
	out(f, 0x1ce, 2, 0);
	assert_int_equal(mem_read(f, mmio + 0x500, 2), in(f, 0x1cf, 2));
	assert_int_equal(mem_read(f, mmio + 0x500, 2) & 0xfff0, 0xb0c0);
	/* XRES (index 1) written through MMIO reads back through the ports,
	 * and a dword covers XRES and YRES. */
	mem_write(f, mmio + 0x502, 2, 800);
	mem_write(f, mmio + 0x504, 2, 600);
	out(f, 0x1ce, 2, 1);
	assert_int_equal(in(f, 0x1cf, 2), 800);
	assert_int_equal(mem_read(f, mmio + 0x502, 4), 600u << 16 | 800);
	/* A byte write changes half a register. */
	mem_write(f, mmio + 0x503, 1, 0x01);
	assert_int_equal(mem_read(f, mmio + 0x502, 2), 0x0100 | (800 & 0xff));

	/* VGA ports: 0x400 + port - 0x3C0. The sequencer index (0x3C4)
	 * written through MMIO reads back through the port. */
	mem_write(f, mmio + 0x404, 1, 0x02);
	assert_int_equal(in(f, 0x3c4, 1), 0x02);
	assert_int_equal(mem_read(f, mmio + 0x404, 1), 0x02);

	/* QEMU's extended registers: the size, little-endian framebuffer. */
	assert_int_equal(mem_read(f, mmio + 0x600, 4), 8);
	assert_int_equal(mem_read(f, mmio + 0x604, 4), STDVGA_QEXT_LITTLE_ENDIAN);
	mem_write(f, mmio + 0x604, 4, STDVGA_QEXT_BIG_ENDIAN);
	assert_int_equal(mem_read(f, mmio + 0x604, 4), STDVGA_QEXT_LITTLE_ENDIAN);
	/* No EDID: the block reads 0 (no header), holes too. */
	assert_int_equal(mem_read(f, mmio + 0x000, 4), 0);
	assert_int_equal(mem_read(f, mmio + 0xffc, 4), 0);
	/* Hostile accesses: straddling blocks, 8 bytes, the end. */
	mem_write(f, mmio + 0x41e, 4, 0xffffffff);
	mem_write(f, mmio + 0x514, 8, ~0ull);
	mem_write(f, mmio + 0xfff, 1, 0xff);
	(void)mem_read(f, mmio + 0x516, 8);
}

static void legacy_ranges_are_the_vgas(void **state)
{
	struct fixture *f = *state;
	uint64_t v;

	assert_true(io_bus_read(f->ports, 0x3b0, 1, &v));
	assert_true(io_bus_read(f->ports, 0x3df, 1, &v));
	assert_false(io_bus_read(f->ports, 0x3e0, 1, &v));
	assert_true(io_bus_read(f->ports, 0x1ce, 2, &v));
	assert_true(io_bus_read(f->mem, 0xa0000, 1, &v));
	assert_true(io_bus_read(f->mem, 0xbffff, 1, &v));
	assert_false(io_bus_read(f->mem, 0xc0000, 1, &v));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(identity_is_qemus_stdvga),
		T(bars_have_qemus_sizes_and_types),
		T(rom_bar_holds_the_vga_bios),
		T(vram_bar_is_mapped_not_trapped),
		T(register_bar_reaches_dispi_and_vga_registers),
		T(legacy_ranges_are_the_vgas),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
