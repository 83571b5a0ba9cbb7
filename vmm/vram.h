/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VRAM of the standard VGA as guest memory: a memory slot of the
 * accelerator at the address of the device's RAM-backed BAR0 (it follows
 * the BAR through pci_bar_ram_map_fn), and which VRAM pages the guest wrote
 * through that mapping (vga_vram_ops.collect_dirty): from the
 * accelerator's dirty log (KVM_MEM_LOG_DIRTY_PAGES, KVM_GET_DIRTY_LOG)
 * where it has one, else by comparing the pages asked about with a copy.
 * Under the device-model lock.
 */
#ifndef VMM_VRAM_H
#define VMM_VRAM_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/accel.h"

struct vram;

/* mem: size bytes (a multiple of 4 KiB), the caller's. NULL when out of
 * memory. */
struct vram *vram_create(struct accel *accel, uint8_t *mem, size_t size);
void vram_destroy(struct vram *v);

/* pci_bar_ram_map_fn for BAR0; opaque = the struct vram. */
int vram_bar_map(void *opaque, bool mapped, uint64_t gpa);
/* vga_vram_ops.collect_dirty; opaque = the struct vram. */
void vram_collect_dirty(void *opaque, size_t first_page, size_t nr_pages,
			uint64_t *bitmap);

/* How dirty pages are found now, for messages and tests: "dirty log",
 * "page compare", or "none yet" (never mapped). */
const char *vram_tracking(const struct vram *v);

#endif /* VMM_VRAM_H */
