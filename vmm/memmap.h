/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PC's guest-physical memory map (platform-seabios.md): RAM from 0 up
 * to the PCI hole, the rest above 4 GiB; the legacy VGA window 0xA0000 -
 * 0xBFFFF is device memory; 0xC0000 - 0xFFFFF is RAM holding the BIOS's
 * shadow copy; the BIOS ROM ends at 4 GiB.
 */
#ifndef VMM_MEMMAP_H
#define VMM_MEMMAP_H

#include <stdint.h>

#define MiB (1ull << 20)
#define GiB (1ull << 30)

#define MEMMAP_VGA_START 0xa0000ull
#define MEMMAP_VGA_END 0xc0000ull
#define MEMMAP_BIOS_SHADOW_END 0x100000ull
/* RAM below 4 GiB stops here when there is more (QEMU's i440FX does the
 * same: the 32-bit PCI window, IOAPIC, HPET, LAPIC and BIOS live above). */
#define MEMMAP_PCI_HOLE_START 0xe0000000ull
#define MEMMAP_HIGH_RAM_START (4 * GiB)

static inline uint64_t memmap_ram_below_4g(uint64_t ram)
{
	return ram < MEMMAP_PCI_HOLE_START ? ram : MEMMAP_PCI_HOLE_START;
}

#endif /* VMM_MEMMAP_H */
