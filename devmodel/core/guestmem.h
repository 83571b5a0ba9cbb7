/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest RAM as the device model sees it (DMA, fw_cfg, firmware loading):
 * guest-physical ranges backed by the monitor's mappings.
 */
#ifndef DEVMODEL_GUESTMEM_H
#define DEVMODEL_GUESTMEM_H

#include <stddef.h>
#include <stdint.h>

#define GUEST_MEM_MAX_REGIONS 8

struct guest_mem_region {
	uint64_t gpa;
	uint64_t size;
	void *hva;
};

struct guest_memory {
	struct guest_mem_region regions[GUEST_MEM_MAX_REGIONS];
	unsigned nr_regions;
};

/* 0 or -ENOSPC / -EEXIST (overlap). */
int guest_memory_add(struct guest_memory *mem, uint64_t gpa, uint64_t size,
		     void *hva);
/* Host pointer to [gpa, gpa+len) when all of it is RAM in one region, else
 * NULL (a guest may point DMA anywhere: callers must check). */
void *guest_memory_ptr(const struct guest_memory *mem, uint64_t gpa,
		       uint64_t len);

#endif /* DEVMODEL_GUESTMEM_H */
