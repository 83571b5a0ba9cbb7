/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VMM_KMOD_SVM_NPT_H
#define VMM_KMOD_SVM_NPT_H

#include <linux/types.h>

/*
 * Nested page tables (APM vol. 2, 15.25): guest-physical to host-physical,
 * in the format of the host's own long-mode page tables and with the same
 * number of levels as the host's paging (4, or 5 with LA57, 15.25.3).
 */
struct npt {
	u64 *root;
	int levels;
};

int npt_init(struct npt *npt);
void npt_destroy(struct npt *npt);
u64 npt_root_pa(const struct npt *npt);
u64 npt_max_gpa(const struct npt *npt);
int npt_map_4k(struct npt *npt, u64 gpa, u64 hpa, bool writable);
void npt_unmap_range(struct npt *npt, u64 gpa, u64 size,
		     void (*release)(u64 hpa));

#endif /* VMM_KMOD_SVM_NPT_H */
