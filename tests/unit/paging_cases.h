/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test cases of the guest page walker (kmod/x86/paging.c), framework
 * neutral: each builds page tables in a small fake guest-physical memory
 * and checks translations and page-fault error codes, returning 0 or -1
 * with a message. Run by tests/unit/test_paging.c (cmocka) and by the KUnit
 * suite (tests/kunit/emulate_kunit.c). Expected values follow SDM vol. 3,
 * chapter 4 (4.3 32-bit, 4.4 PAE, 4.5 4/5-level, 4.6 rights, 4.7 #PF).
 */
#ifndef VMM_TESTS_PAGING_CASES_H
#define VMM_TESTS_PAGING_CASES_H

#ifdef __KERNEL__
#include <linux/kernel.h>
#include <linux/string.h>
#else
#include <stdio.h>
#include <string.h>
#endif

#include <vmm/types.h>
#include <vmm/x86.h>
#include "paging.h"

#define TPG_MEM_SIZE 0x40000     /* 64 pages of fake guest-physical memory */
#define TPG_TOP 0x1000ull        /* the top-level table (CR3) */

#define TPG_P  0x001ull
#define TPG_RW 0x002ull
#define TPG_US 0x004ull
#define TPG_PS 0x080ull
#define TPG_XD (1ull << 63)
#define TPG_ALL (TPG_P | TPG_RW | TPG_US)

static struct {
	u8 mem[TPG_MEM_SIZE];
	u64 next;               /* next free table page */
	unsigned int entry_size; /* the walker must read entries this wide */
	unsigned int reads;
} pg;

static void pg_reset(unsigned int entry_size)
{
	memset(pg.mem, 0, sizeof(pg.mem));
	pg.next = 0x10000;
	pg.entry_size = entry_size;
}

static u64 pg_get(u64 gpa, unsigned int size)
{
	u64 v = 0;
	unsigned int i;

	for (i = size; i--;)
		v = (v << 8) | pg.mem[gpa + i];
	return v;
}

static void pg_set(u64 gpa, u64 v, unsigned int size)
{
	unsigned int i;

	for (i = 0; i < size; i++)
		pg.mem[gpa + i] = v >> (8 * i);
}

static int pg_read(void *ctx, u64 gpa, u64 *value, unsigned int size)
{
	(void)ctx;
	pg.reads++;
	if (size != pg.entry_size || (gpa & (size - 1)) ||
	    gpa >= TPG_MEM_SIZE || gpa + size > TPG_MEM_SIZE)
		return -1;
	*value = pg_get(gpa, size);
	return 0;
}

static u64 pg_alloc(void)
{
	u64 a = pg.next;

	pg.next += 0x1000;
	return a;
}

/* Address of the entry for `linear` at `level` (1 = PTE) in 8-byte tables
 * rooted at `top` with `levels` levels; 0 if a table is missing. */
static u64 pg_entry(u64 top, unsigned int levels, u64 linear,
		    unsigned int level)
{
	u64 table = top, e;
	unsigned int l;

	for (l = levels;; l--) {
		e = table + ((linear >> (12 + 9 * (l - 1))) & 0x1ff) * 8;
		if (l == level)
			return e;
		if (!(pg_get(e, 8) & TPG_P))
			return 0;
		table = pg_get(e, 8) & 0x000ffffffffff000ull;
	}
}

/*
 * Map `linear` to `page` with a leaf at leaf_level (1: 4 KiB, 2: 2 MiB,
 * 3: 1 GiB) in 8-byte tables; the tables in between get tflags, the leaf
 * lflags (+PS when large). With 3 levels (PAE) the top entries (PDPTEs)
 * get P only: they have no other rights bits.
 */
static void pg_map(u64 top, unsigned int levels, u64 linear, u64 page,
		   unsigned int leaf_level, u64 tflags, u64 lflags)
{
	u64 table = top, e, v;
	unsigned int l;

	for (l = levels; l > leaf_level; l--) {
		e = table + ((linear >> (12 + 9 * (l - 1))) & 0x1ff) * 8;
		v = pg_get(e, 8);
		if (!(v & TPG_P)) {
			v = pg_alloc() | (levels == 3 && l == 3 ? TPG_P : tflags);
			pg_set(e, v, 8);
		}
		table = v & 0x000ffffffffff000ull;
	}
	e = table + ((linear >> (12 + 9 * (leaf_level - 1))) & 0x1ff) * 8;
	pg_set(e, page | lflags | (leaf_level > 1 ? TPG_PS : 0), 8);
}

static void pg_or(u64 entry, u64 bits)
{
	pg_set(entry, pg_get(entry, 8) | bits, 8);
}

/* Expect x86_translate(p, linear, access) to give rc (and gpa when 0). */
#define TPG_EXPECT(p, linear, access, want_rc, want_gpa) do {		\
	u64 g_ = ~0ull;							\
	int r_ = x86_translate((p), (linear), (access), &g_, pg_read, NULL); \
	if (r_ != (want_rc) || (r_ == 0 && g_ != (u64)(want_gpa))) {	\
		snprintf(msg, size,					\
			 "line %d: %#llx access %#x: rc %d gpa %#llx, expected rc %d gpa %#llx", \
			 __LINE__, (unsigned long long)(linear),	\
			 (unsigned int)(access), r_,			\
			 (unsigned long long)g_, (int)(want_rc),	\
			 (unsigned long long)(want_gpa));		\
		return -1;						\
	}								\
} while (0)

#define PGA_W X86_PF_WRITE
#define PGA_U X86_PF_USER
#define PGA_I X86_PF_FETCH
#define PGE_F X86_PF_FAULT
#define PGE_P (PGE_F | X86_PF_PRESENT)
#define PGE_R X86_PF_RSVD

static int pg_paging_off(char *msg, unsigned int size)
{
	struct x86_paging p = { .cr0 = CR0_PE, .cr3 = 0xdead000 };

	pg_reset(8);
	pg.reads = 0;
	TPG_EXPECT(&p, 0x12345678, 0, 0, 0x12345678);
	TPG_EXPECT(&p, 0xfee00300, PGA_W | PGA_U | PGA_I, 0, 0xfee00300);
	/* the linear address space is 32 bits wide without long mode */
	TPG_EXPECT(&p, 0x100001000ull, 0, 0, 0x1000);
	if (pg.reads) {
		snprintf(msg, size, "%u table reads with paging off", pg.reads);
		return -1;
	}
	return 0;
}

/* 32-bit paging with 4 KiB pages (SDM vol. 3, 4.3): rights and errors. */
static int pg_32bit_4k(char *msg, unsigned int size)
{
	struct x86_paging p = { .cr0 = CR0_PE | CR0_PG, .cr3 = TPG_TOP | 0x18 };
	u64 pt = 0x2000;

	pg_reset(4);
	/* PDE 1 -> PT; PTEs 1 (user rw), 2 (supervisor), 3 (user ro) */
	pg_set(TPG_TOP + 1 * 4, pt | TPG_ALL, 4);
	pg_set(pt + 1 * 4, 0x12345000 | TPG_ALL, 4);
	pg_set(pt + 2 * 4, 0x13000000 | TPG_P | TPG_RW, 4);
	pg_set(pt + 3 * 4, 0x14000000 | TPG_P | TPG_US, 4);
	TPG_EXPECT(&p, 0x00401234, 0, 0, 0x12345234);
	TPG_EXPECT(&p, 0x00401234, PGA_W | PGA_U, 0, 0x12345234);
	/* the upper half of a 64-bit "linear" is dropped */
	TPG_EXPECT(&p, 0xffffffff00401234ull, 0, 0, 0x12345234);
	/* supervisor page: user access is a protection fault */
	TPG_EXPECT(&p, 0x00402010, 0, 0, 0x13000010);
	TPG_EXPECT(&p, 0x00402010, PGA_U, PGE_P | PGA_U, 0);
	TPG_EXPECT(&p, 0x00402010, PGA_W | PGA_U, PGE_P | PGA_W | PGA_U, 0);
	/* read-only page: user writes fault, supervisor writes only with WP */
	TPG_EXPECT(&p, 0x00403000, PGA_U, 0, 0x14000000);
	TPG_EXPECT(&p, 0x00403000, PGA_W | PGA_U, PGE_P | PGA_W | PGA_U, 0);
	TPG_EXPECT(&p, 0x00403000, PGA_W, 0, 0x14000000);
	p.cr0 |= CR0_WP;
	TPG_EXPECT(&p, 0x00403000, PGA_W, PGE_P | PGA_W, 0);
	/* read-only at the PDE level counts too */
	pg_set(TPG_TOP + 1 * 4, pt | TPG_P | TPG_US, 4);
	TPG_EXPECT(&p, 0x00401000, PGA_W | PGA_U, PGE_P | PGA_W | PGA_U, 0);
	/* not present: PDE 3, then PTE 4; error code has PGA_W/PGA_U, not P */
	TPG_EXPECT(&p, 0x00c00000, 0, PGE_F, 0);
	TPG_EXPECT(&p, 0x00c00000, PGA_W | PGA_U, PGE_F | PGA_W | PGA_U, 0);
	TPG_EXPECT(&p, 0x00404000, PGA_W, PGE_F | PGA_W, 0);
	/* no NX in 32-bit paging: fetches behave like reads, PGA_I not reported */
	TPG_EXPECT(&p, 0x00401000, PGA_I, 0, 0x12345000);
	TPG_EXPECT(&p, 0x00404000, PGA_I, PGE_F, 0);
	return 0;
}

/* 32-bit paging with 4 MiB pages, PSE-36 and its reserved bits. */
static int pg_32bit_4m(char *msg, unsigned int size)
{
	struct x86_paging p = { .cr0 = CR0_PE | CR0_PG, .cr3 = TPG_TOP,
				.cr4 = CR4_PSE };
	u64 pt = 0x10000; /* PDE bits 20:13 = 8 if read as a 4 MiB page */

	pg_reset(4);
	pg_set(TPG_TOP + 2 * 4, 0x40000000 | TPG_PS | TPG_P | TPG_RW, 4);
	TPG_EXPECT(&p, 0x00812345, PGA_W, 0, 0x40012345);
	/* PSE-36: bits 20:13 are physical bits 39:32 */
	pg_set(TPG_TOP + 2 * 4, 0x40000000 | (0x05 << 13) | TPG_PS | TPG_P, 4);
	TPG_EXPECT(&p, 0x00812345, 0, 0, 0x540012345ull);
	/* bit 21 is reserved (MAXPHYADDR >= 40) */
	pg_set(TPG_TOP + 2 * 4, 0x40000000 | (1 << 21) | TPG_PS | TPG_P, 4);
	TPG_EXPECT(&p, 0x00812345, 0, PGE_P | PGE_R, 0);
	TPG_EXPECT(&p, 0x00812345, PGA_W | PGA_U, PGE_P | PGE_R | PGA_W | PGA_U, 0);
	/* with MAXPHYADDR 36 bits 21:17 are reserved, 16:13 are address */
	p.maxphyaddr = 36;
	pg_set(TPG_TOP + 2 * 4, 0x40000000 | (1 << 17) | TPG_PS | TPG_P, 4);
	TPG_EXPECT(&p, 0x00812345, 0, PGE_P | PGE_R, 0);
	pg_set(TPG_TOP + 2 * 4, 0x40000000 | (1 << 16) | TPG_PS | TPG_P, 4);
	TPG_EXPECT(&p, 0x00812345, 0, 0, 0x840012345ull);
	p.maxphyaddr = 0;
	/* PS is ignored without CR4.PSE: the PDE points to a page table */
	pg_set(TPG_TOP + 3 * 4, pt | TPG_PS | TPG_ALL, 4);
	pg_set(pt + 5 * 4, 0xabc000 | TPG_ALL, 4);
	TPG_EXPECT(&p, 0x00c05123, 0, 0, 0x800005123ull);
	p.cr4 = 0;
	TPG_EXPECT(&p, 0x00c05123, 0, 0, 0xabc123);
	return 0;
}

/* SMEP in 32-bit paging: the only way PGA_I/D gets reported there. */
static int pg_32bit_smep(char *msg, unsigned int size)
{
	struct x86_paging p = { .cr0 = CR0_PE | CR0_PG, .cr3 = TPG_TOP,
				.cr4 = CR4_SMEP };
	u64 pt = 0x2000;

	pg_reset(4);
	pg_set(TPG_TOP, pt | TPG_ALL, 4);
	pg_set(pt + 1 * 4, 0x100000 | TPG_ALL, 4);          /* user */
	pg_set(pt + 2 * 4, 0x200000 | TPG_P | TPG_RW, 4);    /* supervisor */
	TPG_EXPECT(&p, 0x1000, PGA_I, PGE_P | PGA_I, 0);
	TPG_EXPECT(&p, 0x1000, PGA_I | PGA_U, 0, 0x100000);
	TPG_EXPECT(&p, 0x1000, 0, 0, 0x100000);    /* data: fine */
	TPG_EXPECT(&p, 0x2000, PGA_I, 0, 0x200000);
	TPG_EXPECT(&p, 0x3000, PGA_I, PGE_F | PGA_I, 0);           /* not present */
	p.cr4 = 0;
	TPG_EXPECT(&p, 0x1000, PGA_I, 0, 0x100000);
	TPG_EXPECT(&p, 0x3000, PGA_I, PGE_F, 0);
	return 0;
}

/* PAE paging (SDM vol. 3, 4.4): PDPTEs, 2 MiB pages, >4G addresses. */
static int pg_pae(char *msg, unsigned int size)
{
	/* CR3 bits 31:5 locate the PDPT: here 0x1020 */
	struct x86_paging p = { .cr0 = CR0_PE | CR0_PG, .cr3 = TPG_TOP | 0x20,
				.cr4 = CR4_PAE };
	u64 top = TPG_TOP | 0x20;

	pg_reset(8);
	pg_map(top, 3, 0x40201234, 0x123456000ull, 1, TPG_ALL, TPG_ALL);
	pg_map(top, 3, 0x40400000, 0x80000000ull, 2, TPG_ALL, TPG_P | TPG_RW);
	TPG_EXPECT(&p, 0x40201234, PGA_W | PGA_U, 0, 0x123456234ull);
	TPG_EXPECT(&p, 0x40412345, PGA_W, 0, 0x80012345ull);
	TPG_EXPECT(&p, 0x40412345, PGA_U, PGE_P | PGA_U, 0);
	/* PDPTE 2 not present */
	TPG_EXPECT(&p, 0x80000000, PGA_W, PGE_F | PGA_W, 0);
	/* PDPTE reserved bits: R/PGA_W (bit 1) is reserved there */
	pg_or(top + 1 * 8, TPG_RW);
	TPG_EXPECT(&p, 0x40201234, 0, PGE_P | PGE_R, 0);
	pg_set(top + 1 * 8, pg_get(top + 1 * 8, 8) & ~TPG_RW, 8);
	TPG_EXPECT(&p, 0x40201234, 0, 0, 0x123456234ull);
	/* 2 MiB pages reserve bits 20:13 */
	pg_or(pg_entry(top, 3, 0x40400000, 2), 1ull << 13);
	TPG_EXPECT(&p, 0x40412345, 0, PGE_P | PGE_R, 0);
	return 0;
}

/* PAE entries reserve bits 62:MAXPHYADDR (Tables 4-9..4-11). */
static int pg_pae_maxphyaddr(char *msg, unsigned int size)
{
	struct x86_paging p = { .cr0 = CR0_PE | CR0_PG, .cr3 = TPG_TOP,
				.cr4 = CR4_PAE, .maxphyaddr = 36 };

	pg_reset(8);
	pg_map(TPG_TOP, 3, 0x1000, 0x123456000ull, 1, TPG_ALL, TPG_ALL);
	pg_map(TPG_TOP, 3, 0x2000, 1ull << 40, 1, TPG_ALL, TPG_ALL);
	TPG_EXPECT(&p, 0x1000, 0, 0, 0x123456000ull);
	TPG_EXPECT(&p, 0x2000, 0, PGE_P | PGE_R, 0);
	/* bit 62 is reserved in PAE entries, unlike in 4-level ones */
	pg_map(TPG_TOP, 3, 0x3000, 0x5000 | (1ull << 62), 1, TPG_ALL, TPG_ALL);
	TPG_EXPECT(&p, 0x3000, 0, PGE_P | PGE_R, 0);
	p.maxphyaddr = 0;
	TPG_EXPECT(&p, 0x2000, 0, 0, 1ull << 40);
	TPG_EXPECT(&p, 0x3000, 0, PGE_P | PGE_R, 0);
	return 0;
}

/* Execute-disable (EFER.NXE) in PAE paging. */
static int pg_pae_nx(char *msg, unsigned int size)
{
	struct x86_paging p = { .cr0 = CR0_PE | CR0_PG, .cr3 = TPG_TOP,
				.cr4 = CR4_PAE, .efer = X86_EFER_NXE };

	pg_reset(8);
	pg_map(TPG_TOP, 3, 0x1000, 0x5000, 1, TPG_ALL, TPG_ALL | TPG_XD);
	pg_map(TPG_TOP, 3, 0x2000, 0x6000, 1, TPG_ALL, TPG_ALL);
	TPG_EXPECT(&p, 0x1000, 0, 0, 0x5000);
	TPG_EXPECT(&p, 0x1000, PGA_I, PGE_P | PGA_I, 0);
	TPG_EXPECT(&p, 0x1000, PGA_I | PGA_U, PGE_P | PGA_I | PGA_U, 0);
	TPG_EXPECT(&p, 0x2000, PGA_I, 0, 0x6000);
	TPG_EXPECT(&p, 0x3000, PGA_I, PGE_F | PGA_I, 0);        /* not present, PGA_I reported */
	/* XD in a PDE applies to the whole range below it */
	pg_or(pg_entry(TPG_TOP, 3, 0x2000, 2), TPG_XD);
	TPG_EXPECT(&p, 0x2000, PGA_I, PGE_P | PGA_I, 0);
	/* without NXE, XD is a reserved bit and PGA_I is not reported */
	p.efer = 0;
	TPG_EXPECT(&p, 0x1000, 0, PGE_P | PGE_R, 0);
	TPG_EXPECT(&p, 0x1000, PGA_I, PGE_P | PGE_R, 0);
	TPG_EXPECT(&p, 0x40000000, PGA_I, PGE_F, 0);        /* PDPTE not present */
	return 0;
}

#define LM_EFER (X86_EFER_LME | X86_EFER_LMA | X86_EFER_NXE)

/* 4-level paging (SDM vol. 3, 4.5): page sizes, canonical addresses,
 * reserved bits, rights combined over levels. */
static int pg_4level(char *msg, unsigned int size)
{
	struct x86_paging p = { .cr0 = CR0_PE | CR0_PG | CR0_WP,
				.cr3 = TPG_TOP, .cr4 = CR4_PAE, .efer = LM_EFER };
	const u64 k = 0xffff888000000000ull; /* a kernel direct map */
	const u64 u = 0x00007f0000000000ull; /* user space */

	pg_reset(8);
	pg_map(TPG_TOP, 4, k + 0x201000, 0xfebf0000, 1, TPG_P | TPG_RW, TPG_P | TPG_RW);
	pg_map(TPG_TOP, 4, k + 0x400000, 0x40000000, 2, TPG_P | TPG_RW, TPG_P | TPG_RW);
	pg_map(TPG_TOP, 4, k + 0x40000000, 0x80000000, 3, TPG_P | TPG_RW, TPG_P);
	pg_map(TPG_TOP, 4, u, 0x7000, 1, TPG_ALL, TPG_ALL);
	TPG_EXPECT(&p, k + 0x201234, PGA_W, 0, 0xfebf0234);
	TPG_EXPECT(&p, k + 0x412345, 0, 0, 0x40012345);
	TPG_EXPECT(&p, k + 0x7fedcba9, 0, 0, 0x80000000 + 0x3fedcba9);
	TPG_EXPECT(&p, k + 0x7fedcba9, PGA_W, PGE_P | PGA_W, 0);   /* RO 1 GiB, WP */
	TPG_EXPECT(&p, k + 0x201234, PGA_U, PGE_P | PGA_U, 0);
	TPG_EXPECT(&p, u + 0x10, PGA_W | PGA_U, 0, 0x7010);
	TPG_EXPECT(&p, u + 0x1000, PGA_U, PGE_F | PGA_U, 0);          /* not present */
	/* not canonical: #GP, not #PF */
	TPG_EXPECT(&p, 0x0000800000000000ull, 0, X86_TRANSLATE_NONCANONICAL, 0);
	TPG_EXPECT(&p, 0xffff7fffffffffffull, 0, X86_TRANSLATE_NONCANONICAL, 0);
	/* PGA_U/S clear at the PDPTE level alone forbids user access */
	pg_set(pg_entry(TPG_TOP, 4, u, 3),
	       pg_get(pg_entry(TPG_TOP, 4, u, 3), 8) & ~TPG_US, 8);
	TPG_EXPECT(&p, u + 0x10, PGA_U, PGE_P | PGA_U, 0);
	TPG_EXPECT(&p, u + 0x10, 0, 0, 0x7010);
	/* bits 62:52 are ignored in 4-level entries */
	pg_or(pg_entry(TPG_TOP, 4, k + 0x201000, 1), 0x7ffull << 52);
	TPG_EXPECT(&p, k + 0x201234, 0, 0, 0xfebf0234);
	/* bits 51:MAXPHYADDR are reserved */
	p.maxphyaddr = 40;
	pg_or(pg_entry(TPG_TOP, 4, k + 0x201000, 1), 1ull << 45);
	TPG_EXPECT(&p, k + 0x201234, 0, PGE_P | PGE_R, 0);
	p.maxphyaddr = 0;
	TPG_EXPECT(&p, k + 0x201234, 0, 0, 0xfebf0234ull | (1ull << 45));
	/* large-page reserved bits: 2 MiB 20:13, 1 GiB 29:13 */
	pg_or(pg_entry(TPG_TOP, 4, k + 0x400000, 2), 1ull << 20);
	TPG_EXPECT(&p, k + 0x412345, 0, PGE_P | PGE_R, 0);
	pg_or(pg_entry(TPG_TOP, 4, k + 0x40000000, 3), 1ull << 29);
	TPG_EXPECT(&p, k + 0x40000000, PGA_W | PGA_U, PGE_P | PGE_R | PGA_W | PGA_U, 0);
	/* PS is reserved in a PML4E */
	pg_or(pg_entry(TPG_TOP, 4, u, 4), TPG_PS);
	TPG_EXPECT(&p, u, 0, PGE_P | PGE_R, 0);
	return 0;
}

/* SMEP and SMAP in 4-level paging. */
static int pg_smep_smap(char *msg, unsigned int size)
{
	struct x86_paging p = { .cr0 = CR0_PE | CR0_PG, .cr3 = TPG_TOP,
				.cr4 = CR4_PAE | CR4_SMEP | CR4_SMAP,
				.efer = LM_EFER };

	pg_reset(8);
	pg_map(TPG_TOP, 4, 0x400000, 0x9000, 1, TPG_ALL, TPG_ALL);
	pg_map(TPG_TOP, 4, 0xffffffff81000000ull, 0x1000000, 2, TPG_P | TPG_RW,
	       TPG_P | TPG_RW);
	/* supervisor: no fetch, no data access (unless RFLAGS.AC) */
	TPG_EXPECT(&p, 0x400010, PGA_I, PGE_P | PGA_I, 0);
	TPG_EXPECT(&p, 0x400010, 0, PGE_P, 0);
	TPG_EXPECT(&p, 0x400010, PGA_W, PGE_P | PGA_W, 0);
	TPG_EXPECT(&p, 0x400010, X86_ACCESS_AC, 0, 0x9010);
	TPG_EXPECT(&p, 0x400010, PGA_W | X86_ACCESS_AC, 0, 0x9010);
	TPG_EXPECT(&p, 0x400010, PGA_I | X86_ACCESS_AC, PGE_P | PGA_I, 0);
	/* user mode: unaffected */
	TPG_EXPECT(&p, 0x400010, PGA_U, 0, 0x9010);
	TPG_EXPECT(&p, 0x400010, PGA_I | PGA_U, 0, 0x9010);
	/* supervisor pages: unaffected */
	TPG_EXPECT(&p, 0xffffffff81012345ull, PGA_I, 0, 0x1012345);
	TPG_EXPECT(&p, 0xffffffff81012345ull, PGA_W, 0, 0x1012345);
	/* PGA_I is reported with SMEP even without EFER.NXE (SDM vol. 3, 4.7) */
	p.efer = X86_EFER_LME | X86_EFER_LMA;
	TPG_EXPECT(&p, 0x400010, PGA_I, PGE_P | PGA_I, 0);
	TPG_EXPECT(&p, 0x401000, PGA_I, PGE_F | PGA_I, 0);
	p.cr4 = CR4_PAE;
	TPG_EXPECT(&p, 0x401000, PGA_I, PGE_F, 0);
	return 0;
}

/* 5-level paging (CR4.LA57): 57-bit linear addresses. */
static int pg_5level(char *msg, unsigned int size)
{
	struct x86_paging p = { .cr0 = CR0_PE | CR0_PG, .cr3 = TPG_TOP,
				.cr4 = CR4_PAE | CR4_LA57, .efer = LM_EFER };
	const u64 a = 0x00fedcba98765000ull; /* bits 55:48 in use */

	pg_reset(8);
	pg_map(TPG_TOP, 5, a, 0x3000, 1, TPG_ALL, TPG_ALL);
	pg_map(TPG_TOP, 5, 0xff11000000000000ull, 0x4000, 1, TPG_ALL, TPG_ALL);
	TPG_EXPECT(&p, a + 0x123, PGA_W | PGA_U, 0, 0x3123);
	TPG_EXPECT(&p, 0xff11000000000abcull, 0, 0, 0x4abc);
	TPG_EXPECT(&p, 0x0100000000000000ull, 0, X86_TRANSLATE_NONCANONICAL, 0);
	TPG_EXPECT(&p, a + 0x1000, 0, PGE_F, 0);
	/* PS in a PML5E is reserved */
	pg_or(pg_entry(TPG_TOP, 5, a, 5), TPG_PS);
	TPG_EXPECT(&p, a, 0, PGE_P | PGE_R, 0);
	/* the same address is not canonical with 4 levels */
	p.cr4 = CR4_PAE;
	TPG_EXPECT(&p, a, 0, X86_TRANSLATE_NONCANONICAL, 0);
	return 0;
}

/* A table outside guest memory: -1, not a page fault. */
static int pg_unreadable(char *msg, unsigned int size)
{
	struct x86_paging p = { .cr0 = CR0_PE | CR0_PG, .cr3 = 0x7fff0000,
				.cr4 = CR4_PAE, .efer = LM_EFER };

	pg_reset(8);
	TPG_EXPECT(&p, 0x1000, 0, -1, 0);
	p.cr3 = TPG_TOP;
	pg_set(TPG_TOP, 0x7fff0000 | TPG_ALL, 8);
	TPG_EXPECT(&p, 0x1000, 0, -1, 0);
	return 0;
}

#undef PGA_W
#undef PGA_U
#undef PGA_I
#undef PGE_P
#undef PGE_F
#undef PGE_R
#undef LM_EFER

struct paging_test {
	const char *name;
	int (*fn)(char *msg, unsigned int size);
};

static const struct paging_test paging_tests[] = {
	{ "paging off", pg_paging_off },
	{ "32-bit, 4 KiB pages", pg_32bit_4k },
	{ "32-bit, 4 MiB pages, PSE-36", pg_32bit_4m },
	{ "32-bit, SMEP", pg_32bit_smep },
	{ "PAE", pg_pae },
	{ "PAE, MAXPHYADDR", pg_pae_maxphyaddr },
	{ "PAE, NX", pg_pae_nx },
	{ "4-level", pg_4level },
	{ "4-level, SMEP and SMAP", pg_smep_smap },
	{ "5-level", pg_5level },
	{ "unreadable tables", pg_unreadable },
};

#define PAGING_NR_TESTS (sizeof(paging_tests) / sizeof(paging_tests[0]))

#endif /* VMM_TESTS_PAGING_CASES_H */
