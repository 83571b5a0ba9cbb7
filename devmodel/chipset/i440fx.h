/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Intel 82441FX PCI and Memory Controller (PMC), the i440FX host bridge at
 * 00:00.0: identification, PAM (0x59-0x5F) and SMRAM (0x72) registers.
 * The monitor decides what PAM settings mean for its memory map; it hooks
 * pam_changed to learn about them.
 */
#ifndef DEVMODEL_CHIPSET_I440FX_H
#define DEVMODEL_CHIPSET_I440FX_H

#include <stdint.h>

#include "devmodel/core/pci.h"

#define I440FX_VENDOR_ID	0x8086
#define I440FX_DEVICE_ID	0x1237
#define I440FX_SLOT		0

/* PAM0 (0x59) holds only the 0xF0000 segment (high nibble); PAM1-PAM6
 * (0x5A-0x5F) two 16 KiB segments each from 0xC0000 up. Per nibble: bit 0
 * RE (reads go to DRAM), bit 1 WE (writes go to DRAM). */
#define I440FX_PAM0		0x59
#define I440FX_PAM_COUNT	7
#define I440FX_PAM_RE		0x1
#define I440FX_PAM_WE		0x2

#define I440FX_SMRAM		0x72
#define I440FX_SMRAM_D_OPEN	0x40
#define I440FX_SMRAM_D_CLS	0x20
#define I440FX_SMRAM_D_LCK	0x10
#define I440FX_SMRAM_G_SMRAME	0x08

typedef void (*i440fx_pam_changed_fn)(void *opaque,
				      const uint8_t pam[I440FX_PAM_COUNT]);

struct i440fx {
	struct pci_device pci;
	i440fx_pam_changed_fn pam_changed;
	void *pam_opaque;
	uint8_t pam_reported[I440FX_PAM_COUNT]; /* last values given to the hook */
};

/* Register the host bridge at 00:00.0; pam_changed (may be NULL) is called
 * with PAM0..PAM6 whenever one of them changes (reset included). */
__attribute__((warn_unused_result))
int i440fx_init(struct i440fx *hb, struct pci_bus *bus,
		i440fx_pam_changed_fn pam_changed, void *opaque);

/* PAM0..PAM6 as stored now. */
const uint8_t *i440fx_pam(const struct i440fx *hb);
/* The RE/WE nibble that covers guest-physical addr in 0xC0000-0xFFFFF,
 * or -1 outside that window. */
int i440fx_pam_attributes(const struct i440fx *hb, uint32_t addr);
uint8_t i440fx_smram(const struct i440fx *hb);

#endif /* DEVMODEL_CHIPSET_I440FX_H */
