// SPDX-License-Identifier: GPL-2.0
/*
 * VRAM as guest memory and its dirty pages (vram.h).
 *
 * With a dirty log the accelerator sets a bit for each page the guest
 * writes through the slot; KVM_GET_DIRTY_LOG hands the whole slot's bits
 * over and clears them, so bits for pages nobody asked about yet wait in
 * `pending`. A KVM slot cannot move (KVM API, KVM_SET_USER_MEMORY_REGION):
 * a BAR move deletes it (taking its log first) and creates it again.
 *
 * Without one (or when KVM_GET_DIRTY_LOG fails) the pages asked about are
 * compared with a copy of what they held when last reported: one memcmp per
 * 4 KiB page of the visible screen, and a copy only of those that differ.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "vmm/vram.h"

#define VRAM_PAGE 4096u

enum vram_track {
	TRACK_NONE_YET,   /* never mapped: only trapped writes so far */
	TRACK_DIRTY_LOG,
	TRACK_COMPARE,
};

struct vram {
	struct accel *accel;
	uint8_t *mem;
	size_t size, pages;
	int slot;               /* -1: not mapped */
	uint64_t gpa;
	enum vram_track track;
	uint64_t *log;          /* KVM_GET_DIRTY_LOG's buffer */
	uint64_t *pending;      /* logged, not reported yet */
	uint8_t *shadow;        /* TRACK_COMPARE: VRAM as last reported */
};

static size_t bitmap_words(size_t pages)
{
	return (pages + 63) / 64;
}

struct vram *vram_create(struct accel *accel, uint8_t *mem, size_t size)
{
	struct vram *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	v->accel = accel;
	v->mem = mem;
	v->size = size;
	v->pages = size / VRAM_PAGE;
	v->slot = -1;
	v->log = calloc(bitmap_words(v->pages), sizeof(uint64_t));
	v->pending = calloc(bitmap_words(v->pages), sizeof(uint64_t));
	if (!v->log || !v->pending) {
		vram_destroy(v);
		return NULL;
	}
	return v;
}

void vram_destroy(struct vram *v)
{
	if (!v)
		return;
	if (v->slot >= 0)
		accel_unmap_slot(v->accel, v->slot);
	if (v->shadow)
		munmap(v->shadow, v->size);
	free(v->log);
	free(v->pending);
	free(v);
}

static void mark_all_pending(struct vram *v)
{
	memset(v->pending, 0xff, bitmap_words(v->pages) * sizeof(uint64_t));
}

/* From now on compare pages with a copy. The copy starts zeroed, as VRAM
 * did: every page written since differs from it once. */
static void start_comparing(struct vram *v, const char *why)
{
	if (v->track == TRACK_COMPARE)
		return;
	v->shadow = mmap(NULL, v->size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (v->shadow == MAP_FAILED)
		v->shadow = NULL; /* then every page asked about is dirty */
	fprintf(stderr, "vmm: VRAM: %s: display updates compare pages instead\n",
		why);
	v->track = TRACK_COMPARE;
}

/* Move the accelerator's log into pending. */
static void harvest_log(struct vram *v)
{
	size_t words = bitmap_words(v->pages);

	if (v->track != TRACK_DIRTY_LOG || v->slot < 0)
		return;
	memset(v->log, 0, words * sizeof(uint64_t));
	if (accel_get_dirty_log(v->accel, v->slot, v->log) < 0) {
		char why[128];

		snprintf(why, sizeof(why), "KVM_GET_DIRTY_LOG: %s", strerror(errno));
		mark_all_pending(v);
		start_comparing(v, why);
		return;
	}
	for (size_t i = 0; i < words; i++)
		v->pending[i] |= v->log[i];
}

int vram_bar_map(void *opaque, bool mapped, uint64_t gpa)
{
	struct vram *v = opaque;
	char err[256];
	unsigned got = 0;
	int slot;

	if (!mapped) {
		if (v->slot < 0)
			return 0;
		harvest_log(v);
		if (accel_unmap_slot(v->accel, v->slot) < 0)
			fprintf(stderr, "vmm: VRAM: cannot unmap it from %#" PRIx64 ": %s\n",
				v->gpa, strerror(errno));
		v->slot = -1;
		return 0;
	}
	if (v->slot >= 0)
		vram_bar_map(v, false, v->gpa);
	slot = accel_map_slot(v->accel, gpa, v->size, v->mem,
			      v->track == TRACK_COMPARE ? 0 : ACCEL_MAP_DIRTY_LOG,
			      &got, err, sizeof(err));
	if (slot < 0)
		return -errno; /* pci.c says where it could not go */
	v->slot = slot;
	v->gpa = gpa;
	if (v->track == TRACK_NONE_YET && (got & ACCEL_MAP_DIRTY_LOG))
		v->track = TRACK_DIRTY_LOG;
	else if (!(got & ACCEL_MAP_DIRTY_LOG))
		start_comparing(v, "the accelerator has no dirty log");
	return 0;
}

static bool test_and_clear(uint64_t *bits, size_t i)
{
	uint64_t bit = 1ull << (i % 64);
	bool set = bits[i / 64] & bit;

	bits[i / 64] &= ~bit;
	return set;
}

static void set_bit(uint64_t *bits, size_t i)
{
	bits[i / 64] |= 1ull << (i % 64);
}

void vram_collect_dirty(void *opaque, size_t first_page, size_t nr_pages,
			uint64_t *bitmap)
{
	struct vram *v = opaque;

	if (first_page >= v->pages)
		return;
	if (nr_pages > v->pages - first_page)
		nr_pages = v->pages - first_page;
	harvest_log(v);
	for (size_t i = 0; i < nr_pages; i++) {
		size_t page = first_page + i;
		size_t off = page * VRAM_PAGE;

		if (test_and_clear(v->pending, page)) {
			set_bit(bitmap, i);
			if (v->shadow)
				memcpy(v->shadow + off, v->mem + off, VRAM_PAGE);
			continue;
		}
		if (v->track != TRACK_COMPARE)
			continue;
		if (!v->shadow) {
			set_bit(bitmap, i);
		} else if (memcmp(v->shadow + off, v->mem + off, VRAM_PAGE)) {
			memcpy(v->shadow + off, v->mem + off, VRAM_PAGE);
			set_bit(bitmap, i);
		}
	}
}

const char *vram_tracking(const struct vram *v)
{
	switch (v->track) {
	case TRACK_DIRTY_LOG: return "dirty log";
	case TRACK_COMPARE: return "page compare";
	default: return "none yet";
	}
}
