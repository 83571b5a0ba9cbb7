// SPDX-License-Identifier: GPL-2.0
/*
 * Nested page tables: a radix tree of 4 KiB tables with 512 entries each.
 * Guest accesses through them count as user-mode accesses (APM vol. 2,
 * 15.25.5), so every entry has U/S set as well as P and R/W.
 *
 * Locking is the caller's (the VM's mmu lock, a spinlock): nothing here
 * sleeps. Tables a mapping needs come from a cache the caller filled before
 * taking the lock; the leaves hold no reference on the pages they point to
 * (the MMU notifier unmaps them before the host lets a page go, mem.c).
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <asm/special_insns.h>

#include <vmm/x86.h>

#include "../vmm.h"
#include "npt.h"

#define NPT_P (1ull << 0)
#define NPT_RW_BIT 1
#define NPT_RW (1ull << NPT_RW_BIT)
#define NPT_US (1ull << 2)
#define NPT_A_BIT 5
#define NPT_A (1ull << NPT_A_BIT)
#define NPT_D (1ull << 6)
#define NPT_ADDR_MASK 0x000ffffffffff000ull
#define NPT_TABLE_FLAGS (NPT_P | NPT_RW | NPT_US | NPT_A)
/*
 * A and D set up front: the CPU need not write them back on the first
 * access. D stays set for good, so a writable leaf counts as dirty when it
 * goes; A is cleared by aging (npt_age_range) and set again by the CPU on
 * the next access through a fresh TLB entry (APM vol. 2, 15.25.8: the nested
 * walk updates A/D like a host walk).
 */
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

int npt_init(struct npt *npt)
{
	npt->levels = (native_read_cr4() & CR4_LA57) ? 5 : 4;
	npt->root = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
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

int npt_map_4k(struct npt *npt, u64 gpa, u64 hpa, bool writable,
	       struct vmm_table_cache *tables)
{
	u64 *table = npt->root, leaf;
	int level;

	for (level = npt->levels; level > 1; level--) {
		u64 *entry = &table[index_at(gpa, level)];

		if (!(*entry & NPT_P)) {
			void *next;

			if (!tables->nr)
				return -ENOMEM; /* another walk took them */
			next = tables->pages[--tables->nr];
			/* Zeroed when allocated; the CPU may walk it as soon
			 * as the entry is written (the mmu lock orders our
			 * own walks, not the CPU's). */
			WRITE_ONCE(*entry, __pa(next) | NPT_TABLE_FLAGS);
		}
		table = table_of(*entry);
	}
	table = &table[index_at(gpa, 1)];
	leaf = READ_ONCE(*table);
	if (leaf & NPT_P) {
		/* Another vCPU mapped it meanwhile; or a read-only leaf of the
		 * same page becomes writable, which needs no TLB flush (the
		 * stale read-only entry only faults again). */
		if ((leaf & NPT_ADDR_MASK) != (hpa & NPT_ADDR_MASK) ||
		    (leaf & NPT_RW) || !writable)
			return -EEXIST;
		WRITE_ONCE(*table, leaf | NPT_RW);
		return 0;
	}
	/* Read-only slots: a guest write faults (NPF) and is emulated. */
	WRITE_ONCE(*table, (hpa & NPT_ADDR_MASK) | NPT_LEAF_FLAGS |
			   (writable ? NPT_RW : 0));
	return 0;
}

struct range_walk {
	u64 end;
	enum npt_walk_op op;
	void (*unmapped)(u64 hpa, bool writable, bool young);
	bool hit;
};

/* Visit the leaves in [addr, w->end) under this table. Tables stay (they
 * are few and get reused), freed with the whole tree. */
static void walk_level(u64 *table, int level, u64 addr, u64 end,
		       struct range_walk *w)
{
	u64 span = 1ull << level_shift(level);

	while (addr < end) {
		u64 next = min((addr & ~(span - 1)) + span, end);
		u64 *entry = &table[index_at(addr, level)];
		u64 e = READ_ONCE(*entry);

		if (!(e & NPT_P)) {
			addr = next;
			continue;
		}
		if (level > 1) {
			walk_level(table_of(e), level - 1, addr, next, w);
			addr = next;
			continue;
		}
		switch (w->op) {
		case NPT_WALK_UNMAP:
			/* xchg: the A bit the CPU may set meanwhile is not
			 * lost. The page is still the host's to free only
			 * once every vCPU has flushed (the caller's job). */
			e = xchg(entry, 0);
			w->unmapped(e & NPT_ADDR_MASK, e & NPT_RW, e & NPT_A);
			w->hit = true;
			break;
		case NPT_WALK_CLEAR_YOUNG:
			if (e & NPT_A) {
				clear_bit(NPT_A_BIT, (unsigned long *)entry);
				w->hit = true;
			}
			break;
		case NPT_WALK_TEST_YOUNG:
			if (e & NPT_A)
				w->hit = true;
			break;
		case NPT_WALK_WRITE_PROTECT:
			/* Dirty logging: the next write faults again. Atomic
			 * against the CPU setting A meanwhile. The leaf may
			 * have been written through (D is set up front): the
			 * host learns that now, as it would at unmap. */
			if (e & NPT_RW) {
				clear_bit(NPT_RW_BIT, (unsigned long *)entry);
				w->unmapped(e & NPT_ADDR_MASK, true, false);
				w->hit = true;
			}
			break;
		}
		addr = next;
	}
}

bool npt_walk_range(struct npt *npt, u64 gpa, u64 size, enum npt_walk_op op,
		    void (*unmapped)(u64 hpa, bool writable, bool young))
{
	struct range_walk w = { .op = op, .unmapped = unmapped };
	u64 end = min(gpa + size, npt_max_gpa(npt));

	if (gpa < end)
		walk_level(npt->root, npt->levels, gpa, end, &w);
	return w.hit;
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

/* No vCPU may run on the tree any more; leaves need no release (they hold
 * no page references). */
void npt_destroy(struct npt *npt)
{
	if (npt->root)
		free_level(npt->root, npt->levels);
	npt->root = NULL;
}
