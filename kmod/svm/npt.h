/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VMM_KMOD_SVM_NPT_H
#define VMM_KMOD_SVM_NPT_H

#include <linux/types.h>

struct vmm_table_cache; /* vmm.h */

/*
 * Nested page tables (APM vol. 2, 15.25): guest-physical to host-physical,
 * in the format of the host's own long-mode page tables and with the same
 * number of levels as the host's paging (4, or 5 with LA57, 15.25.3).
 */
struct npt {
	u64 *root;
	int levels;
};

/* What npt_walk_range() does to each present leaf. */
enum npt_walk_op {
	NPT_WALK_UNMAP,       /* clear it; unmapped() is told what it was */
	NPT_WALK_CLEAR_YOUNG, /* clear its accessed bit */
	NPT_WALK_TEST_YOUNG,  /* only look at the accessed bit */
	NPT_WALK_WRITE_PROTECT, /* clear R/W; unmapped() is told the page
				 * was writable (it may have been written) */
};

int npt_init(struct npt *npt);
void npt_destroy(struct npt *npt);
u64 npt_root_pa(const struct npt *npt);
u64 npt_max_gpa(const struct npt *npt);
/* Map one 4 KiB page, taking missing tables from `tables` (-ENOMEM if it
 * runs dry); -EEXIST if a leaf allowing this access is there already. */
int npt_map_4k(struct npt *npt, u64 gpa, u64 hpa, bool writable,
	       struct vmm_table_cache *tables);
/* Returns whether any leaf was unmapped (UNMAP), write-protected
 * (WRITE_PROTECT) or young (the others). */
bool npt_walk_range(struct npt *npt, u64 gpa, u64 size, enum npt_walk_op op,
		    void (*unmapped)(u64 hpa, bool writable, bool young));

#endif /* VMM_KMOD_SVM_NPT_H */
