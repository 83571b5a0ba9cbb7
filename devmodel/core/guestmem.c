// SPDX-License-Identifier: GPL-2.0
/* Guest RAM as the device model sees it (guestmem.h). */
#include <errno.h>

#include "devmodel/core/guestmem.h"

static uint64_t region_last(const struct guest_mem_region *r)
{
	return r->gpa + r->size - 1;
}

int guest_memory_add(struct guest_memory *mem, uint64_t gpa, uint64_t size,
		     void *hva)
{
	uint64_t last = gpa + size - 1;

	if (!mem || !hva || size == 0 || last < gpa)
		return -EINVAL;
	for (unsigned i = 0; i < mem->nr_regions; i++) {
		const struct guest_mem_region *r = &mem->regions[i];

		if (gpa <= region_last(r) && r->gpa <= last)
			return -EEXIST;
	}
	if (mem->nr_regions >= GUEST_MEM_MAX_REGIONS)
		return -ENOSPC;
	mem->regions[mem->nr_regions++] = (struct guest_mem_region){
		.gpa = gpa, .size = size, .hva = hva };
	return 0;
}

void *guest_memory_ptr(const struct guest_memory *mem, uint64_t gpa,
		       uint64_t len)
{
	uint64_t last = gpa + (len ? len - 1 : 0);

	if (!mem || last < gpa)
		return NULL;
	for (unsigned i = 0; i < mem->nr_regions; i++) {
		const struct guest_mem_region *r = &mem->regions[i];

		if (gpa >= r->gpa && last <= region_last(r))
			return (char *)r->hva + (gpa - r->gpa);
	}
	return NULL;
}
