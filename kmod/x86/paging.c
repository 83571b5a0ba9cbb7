// SPDX-License-Identifier: GPL-2.0
/*
 * Guest page-table walker (paging.h): 32-bit, PAE, 4-level and 5-level
 * paging as in SDM vol. 3, chapter 4. Pure code, shared by the module and
 * the tests.
 */
#include "paging.h"

#define PTE_P  (1ull << 0)
#define PTE_RW (1ull << 1)
#define PTE_US (1ull << 2)
#define PTE_PS (1ull << 7)
#define PTE_XD (1ull << 63)

/* Bits hi..lo set (none when lo > hi). */
static u64 bits(unsigned int hi, unsigned int lo)
{
	u64 upto = hi >= 63 ? ~0ull : (1ull << (hi + 1)) - 1;

	return lo > hi ? 0 : upto & ~((1ull << lo) - 1);
}

int x86_translate(const struct x86_paging *p, u64 linear, u32 access, u64 *gpa,
		  int (*read_pte)(void *ctx, u64 gpa, u64 *value,
				  unsigned int size),
		  void *ctx)
{
	bool user = access & X86_PF_USER, write = access & X86_PF_WRITE;
	bool fetch = access & X86_PF_FETCH;
	bool smep = p->cr4 & CR4_SMEP, smap = p->cr4 & CR4_SMAP;
	bool us = true, rw = true, xd = false, report_fetch;
	unsigned int m = p->maxphyaddr ? p->maxphyaddr : 52;
	u32 err = X86_PF_FAULT | (access & (X86_PF_WRITE | X86_PF_USER));
	u64 entry, table, page, offset_mask;

	if (!(p->cr0 & CR0_PG)) {
		/* No paging: linear is physical, 32 bits wide outside long
		 * mode (which needs paging). SDM vol. 3, 4.1.1. */
		*gpa = linear & 0xffffffffull;
		return 0;
	}
	if (m < 32)
		m = 32;
	if (m > 52)
		m = 52;

	if (!(p->cr4 & CR4_PAE)) {
		/* 32-bit paging (SDM vol. 3, 4.3): CR3 -> PD -> PT, 4-byte
		 * entries, 4 MiB pages with CR4.PSE (PSE-36 puts physical
		 * bits 39:32 in PDE bits 20:13); no NX. */
		unsigned int m32 = m < 40 ? m : 40;

		report_fetch = smep;
		if (fetch && report_fetch)
			err |= X86_PF_FETCH;
		linear &= 0xffffffffull;
		if (read_pte(ctx, (p->cr3 & 0xfffff000ull) | ((linear >> 22) << 2),
			     &entry, 4))
			return -1;
		entry &= 0xffffffffull;
		if (!(entry & PTE_P))
			return err;
		us = entry & PTE_US;
		rw = entry & PTE_RW;
		if ((entry & PTE_PS) && (p->cr4 & CR4_PSE)) {
			if (entry & bits(21, m32 - 19))
				return err | X86_PF_PRESENT | X86_PF_RSVD;
			page = (entry & 0xffc00000ull) |
			       (((entry >> 13) & 0xff) << 32);
			offset_mask = bits(21, 0);
		} else {
			table = entry & 0xfffff000ull;
			if (read_pte(ctx, table | (((linear >> 12) & 0x3ff) << 2),
				     &entry, 4))
				return -1;
			entry &= 0xffffffffull;
			if (!(entry & PTE_P))
				return err;
			us = us && (entry & PTE_US);
			rw = rw && (entry & PTE_RW);
			page = entry & 0xfffff000ull;
			offset_mask = bits(11, 0);
		}
	} else {
		/* PAE paging (SDM vol. 3, 4.4), 4-level and 5-level paging
		 * (4.5): 8-byte entries, 9 bits of the address per level. */
		bool lma = p->efer & X86_EFER_LMA, nxe = p->efer & X86_EFER_NXE;
		unsigned int level, shift;
		u64 rsvd_addr, rsvd;

		report_fetch = smep || nxe;
		if (fetch && report_fetch)
			err |= X86_PF_FETCH;
		if (lma) {
			/* Canonical: bits 63:47 (63:56 with LA57) all equal
			 * (SDM vol. 1, 3.3.7.1). */
			unsigned int top = (p->cr4 & CR4_LA57) ? 56 : 47;
			u64 hi = linear & bits(63, top);

			if (hi && hi != bits(63, top))
				return X86_TRANSLATE_NONCANONICAL;
			level = (p->cr4 & CR4_LA57) ? 5 : 4;
			table = p->cr3 & bits(m - 1, 12);
			/* Bits 51:M are reserved; 62:52 are ignored. */
			rsvd_addr = bits(51, m);
		} else {
			linear &= 0xffffffffull;
			/* The four PDPTEs: CR3 bits 31:5 locate them (4.4.1);
			 * they have no R/W, U/S or XD and reserve bits
			 * 63:M, 8:5 and 2:1 (Table 4-8). */
			if (read_pte(ctx, (p->cr3 & 0xffffffe0ull) +
				     ((linear >> 30) & 3) * 8, &entry, 8))
				return -1;
			if (!(entry & PTE_P))
				return err;
			if (entry & (bits(63, m) | bits(8, 5) | bits(2, 1)))
				return err | X86_PF_PRESENT | X86_PF_RSVD;
			level = 2;
			table = entry & bits(m - 1, 12);
			/* PAE entries reserve 62:M (Tables 4-9..4-11). */
			rsvd_addr = bits(62, m);
		}
		for (;; level--) {
			bool leaf;

			shift = 12 + 9 * (level - 1);
			if (read_pte(ctx, table + ((linear >> shift) & 0x1ff) * 8,
				     &entry, 8))
				return -1;
			if (!(entry & PTE_P))
				return err;
			/* XD is reserved without EFER.NXE; PS is reserved in
			 * PML4Es and PML5Es; large pages reserve the bits
			 * between the PAT bit (12) and the page address. */
			leaf = level == 1 || (level <= 3 && (entry & PTE_PS));
			rsvd = rsvd_addr | (nxe ? 0 : PTE_XD);
			if (level >= 4)
				rsvd |= PTE_PS;
			if (leaf && level > 1)
				rsvd |= bits(shift - 1, 13);
			if (entry & rsvd)
				return err | X86_PF_PRESENT | X86_PF_RSVD;
			us = us && (entry & PTE_US);
			rw = rw && (entry & PTE_RW);
			xd = xd || (nxe && (entry & PTE_XD));
			if (leaf) {
				page = entry & bits(m - 1, shift);
				offset_mask = bits(shift - 1, 0);
				break;
			}
			table = entry & bits(m - 1, 12);
		}
	}

	/*
	 * Access rights, combined over all levels (SDM vol. 3, 4.6): a page
	 * is user-accessible / writable / executable only if every level
	 * allows it. User accesses need U/S and (for writes) R/W; supervisor
	 * writes need R/W only with CR0.WP; SMEP forbids supervisor fetches
	 * from user pages, SMAP supervisor data accesses to them unless
	 * RFLAGS.AC allows; XD forbids fetches.
	 */
	if (user) {
		if (!us || (write && !rw))
			return err | X86_PF_PRESENT;
	} else {
		if (write && !rw && (p->cr0 & CR0_WP))
			return err | X86_PF_PRESENT;
		if (us && fetch && smep)
			return err | X86_PF_PRESENT;
		if (us && !fetch && smap && !(access & X86_ACCESS_AC))
			return err | X86_PF_PRESENT;
	}
	if (fetch && xd)
		return err | X86_PF_PRESENT;
	*gpa = page | (linear & offset_mask);
	return 0;
}
