/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest page-table walker: linear -> guest-physical address with the
 * guest's paging mode and permission rules (SDM vol. 3, chapter 4; AMD APM
 * vol. 2, chapter 5). Used to fetch the instruction at CS:RIP and to turn
 * the emulator's linear addresses into guest-physical ones.
 *
 * Pure code (only <vmm/types.h> and <vmm/x86.h>): built into the module,
 * the userspace unit tests and the KUnit suite.
 *
 * What it does not do: set accessed/dirty bits (the walk is read-only; a
 * caller that needs them set must add that), protection keys (CR4.PKE/PKS),
 * the AMD-only reserved bit 8 of non-leaf entries, and the PDPTE registers
 * of PAE paging (PDPTEs are read from memory on every walk, as AMD does
 * with nested paging, instead of at MOV CR3).
 */
#ifndef VMM_KMOD_X86_PAGING_H
#define VMM_KMOD_X86_PAGING_H

#include <vmm/types.h>
#include <vmm/x86.h>

#if defined(__KERNEL__) && defined(CONFIG_X86) && !defined(CONFIG_UML)
/*
 * The kernel's <asm/trap_pf.h> has X86_PF_WRITE/USER/RSVD as enumerators
 * with the same values as our macros below. Include it first, so that the
 * macros only shadow them whatever order a file includes headers in (the
 * other way round its enum would not compile).
 */
#include <asm/trap_pf.h>
#endif

struct x86_paging {
	u64 cr0, cr3, cr4, efer;
	/* Guest MAXPHYADDR (CPUID 0x80000008 EAX[7:0]): address bits at and
	 * above it are reserved in paging entries. 0 means 52. */
	u8 maxphyaddr;
};

/* Page-fault error code bits (SDM vol. 3, 4.7, Figure 4-12). */
#define X86_PF_PRESENT 1u  /* 0: not present; 1: protection/reserved bit */
#define X86_PF_WRITE   2u
#define X86_PF_USER    4u  /* the access was made at CPL 3 */
#define X86_PF_RSVD    8u  /* a reserved bit was set in an entry */
#define X86_PF_FETCH   16u /* instruction fetch (reported only with
			    * CR4.SMEP, or PAE-style paging with EFER.NXE) */

/*
 * Set in every page-fault return of x86_translate, beside the error code:
 * a not-present fault on a supervisor read has error code 0, which must
 * not look like success. Inject #PF with X86_PF_ERROR_CODE(rc).
 */
#define X86_PF_FAULT (1 << 30)
#define X86_PF_ERROR_CODE(rc) ((u32)(rc) & 0xffffu)

/*
 * Not an error-code bit: pass it in `access` for a supervisor-mode data
 * access made with RFLAGS.AC=1 (and not an implicit supervisor access):
 * SMAP then allows user pages (SDM vol. 3, 4.6.1). Without it SMAP applies.
 */
#define X86_ACCESS_AC (1u << 31)

/* x86_translate: the linear address is not canonical (4/5-level paging):
 * the access gets #GP (#SS for stack accesses), not #PF. */
#define X86_TRANSLATE_NONCANONICAL (-2)

/*
 * Translate a linear address. access = X86_PF_WRITE | X86_PF_USER |
 * X86_PF_FETCH bits describing the access (plus X86_ACCESS_AC).
 * read_pte(ctx, gpa, &value, size) reads a page-table entry (4 or 8 bytes,
 * little-endian value) from guest-physical memory, returning 0, or -1 on
 * failure (not guest RAM).
 * Returns 0 and *gpa; or, for a page fault, a positive value:
 * X86_PF_FAULT | error code (inject #PF with X86_PF_ERROR_CODE(rc), CR2 =
 * linear); or -1 if a table could not be read; or
 * X86_TRANSLATE_NONCANONICAL.
 */
int x86_translate(const struct x86_paging *p, u64 linear, u32 access, u64 *gpa,
		  int (*read_pte)(void *ctx, u64 gpa, u64 *value,
				  unsigned int size),
		  void *ctx);

#endif /* VMM_KMOD_X86_PAGING_H */
