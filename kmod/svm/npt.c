// SPDX-License-Identifier: GPL-2.0
/*
 * Nested page tables: a radix tree of 4 KiB tables with 512 entries each.
 * Guest accesses through them count as user-mode accesses (APM vol. 2,
 * 15.25.5), so every entry has U/S set as well as P and R/W.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <asm/special_insns.h>

#include <vmm/x86.h>

#include "npt.h"

#define NPT_P (1ull << 0)
#define NPT_RW (1ull << 1)
#define NPT_US (1ull << 2)
#define NPT_A (1ull << 5)
#define NPT_D (1ull << 6)
#define NPT_ADDR_MASK 0x000ffffffffff000ull
#define NPT_TABLE_FLAGS (NPT_P | NPT_RW | NPT_US | NPT_A)
/* A and D set up front: the CPU need not write them back. */
#define NPT_LEAF_FLAGS (NPT_P | NPT_US | NPT_A | NPT_D)
#define NPT_ENTRIES 512

/* Bits of the address a table at this level indexes (level 1: 4 KiB pages). */
static unsigned int level_shift(int level)
{
	return PAGE_SHIFT + 9 * (level - 1);
}

static unsigned int index_at(u64 gpa, int level)
{
	return (gpa >> level_shift(level)) & (NPT_ENTRIES - 1);
}

static u64 *table_of(u64 entry)
{
	return __va(entry & NPT_ADDR_MASK);
}

static u64 *alloc_table(void)
{
	return (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
}

int npt_init(struct npt *npt)
{
	npt->levels = (native_read_cr4() & CR4_LA57) ? 5 : 4;
	npt->root = alloc_table();
	return npt->root ? 0 : -ENOMEM;
}

u64 npt_root_pa(const struct npt *npt)
{
	return __pa(npt->root);
}

u64 npt_max_gpa(const struct npt *npt)
{
	/* Limited by the tables' reach and by the 52-bit physical address
	 * space of the format. */
	return 1ull << min(level_shift(npt->levels + 1), 52u);
}

int npt_map_4k(struct npt *npt, u64 gpa, u64 hpa, bool writable)
{
	u64 *table = npt->root;
	int level;

	for (level = npt->levels; level > 1; level--) {
		u64 *entry = &table[index_at(gpa, level)];

		if (!(*entry & NPT_P)) {
			u64 *next = alloc_table();

			if (!next)
				return -ENOMEM;
			WRITE_ONCE(*entry, __pa(next) | NPT_TABLE_FLAGS);
		}
		table = table_of(*entry);
	}
	table = &table[index_at(gpa, 1)];
	if (*table & NPT_P)
		return -EEXIST;
	/* Read-only slots: a guest write faults (NPF) and is emulated. */
	WRITE_ONCE(*table, (hpa & NPT_ADDR_MASK) | NPT_LEAF_FLAGS |
			   (writable ? NPT_RW : 0));
	return 0;
}

/* Clear leaves in [start, end) under this table; tables stay (they are
 * few and get reused), freed with the whole tree. */
static void unmap_level(u64 *table, int level, u64 start, u64 end,
			void (*release)(u64 hpa))
{
	u64 span = 1ull << level_shift(level);
	u64 addr = start;

	while (addr < end) {
		u64 next = min((addr & ~(span - 1)) + span, end);
		u64 *entry = &table[index_at(addr, level)];

		if (*entry & NPT_P) {
			if (level == 1) {
				u64 hpa = *entry & NPT_ADDR_MASK;

				WRITE_ONCE(*entry, 0);
				release(hpa);
			} else {
				unmap_level(table_of(*entry), level - 1, addr,
					    next, release);
			}
		}
		addr = next;
	}
}

void npt_unmap_range(struct npt *npt, u64 gpa, u64 size,
		     void (*release)(u64 hpa))
{
	unmap_level(npt->root, npt->levels, gpa, gpa + size, release);
}

static void free_level(u64 *table, int level)
{
	unsigned int i;

	if (level > 1) {
		for (i = 0; i < NPT_ENTRIES; i++)
			if (table[i] & NPT_P)
				free_level(table_of(table[i]), level - 1);
	}
	free_page((unsigned long)table);
}

/* All leaves must have been unmapped (and their pages released) already. */
void npt_destroy(struct npt *npt)
{
	if (npt->root)
		free_level(npt->root, npt->levels);
	npt->root = NULL;
}
