// SPDX-License-Identifier: GPL-2.0
/*
 * The i440FX host bridge: Intel 82441FX PCI and Memory Controller (PMC),
 * device 00:00.0. Register references are to the 82441FX PMC datasheet
 * (its "PCI configuration registers" chapter, cited by register offset).
 *
 * Only what firmware and Linux touch is modelled: identification, the
 * PAM shadowing registers and SMRAM control. DRAM sizing registers are
 * not needed: SeaBIOS takes RAM size from fw_cfg/CMOS.
 */
#include <string.h>

#include "devmodel/chipset/i440fx.h"

static struct i440fx *to_i440fx(struct pci_device *dev)
{
	return dev->opaque;
}

const uint8_t *i440fx_pam(const struct i440fx *hb)
{
	return &hb->pci.config[I440FX_PAM0];
}

uint8_t i440fx_smram(const struct i440fx *hb)
{
	return hb->pci.config[I440FX_SMRAM];
}

/* PAM0 high nibble: 0xF0000-0xFFFFF (64 KiB). PAMn (n = 1..6): 0xC0000 +
 * (n - 1) * 32 KiB, low nibble the first 16 KiB, high nibble the second. */
int i440fx_pam_attributes(const struct i440fx *hb, uint32_t addr)
{
	const uint8_t *pam = i440fx_pam(hb);
	unsigned segment;

	if (addr < 0xc0000 || addr > 0xfffff)
		return -1;
	if (addr >= 0xf0000)
		return pam[0] >> 4;
	segment = (addr - 0xc0000) / 0x4000;
	return (pam[1 + segment / 2] >> (4 * (segment % 2))) & 0xf;
}

static void report_pam_if_changed(struct i440fx *hb)
{
	const uint8_t *pam = i440fx_pam(hb);

	if (!memcmp(hb->pam_reported, pam, I440FX_PAM_COUNT))
		return;
	memcpy(hb->pam_reported, pam, I440FX_PAM_COUNT);
	if (hb->pam_changed)
		hb->pam_changed(hb->pam_opaque, pam);
}

/* SMRAM (72h): once D_LCK is set, D_OPEN clears and both become read
 * only until reset. */
static void smram_apply_lock(struct i440fx *hb)
{
	uint8_t *smram = &hb->pci.config[I440FX_SMRAM];

	if (!(*smram & I440FX_SMRAM_D_LCK))
		return;
	*smram &= (uint8_t)~I440FX_SMRAM_D_OPEN;
	hb->pci.wmask[I440FX_SMRAM] = I440FX_SMRAM_D_CLS;
}

static void i440fx_config_write(struct pci_device *dev, unsigned offset,
				unsigned size, uint32_t value)
{
	struct i440fx *hb = to_i440fx(dev);

	(void)value;
	if (offset < I440FX_PAM0 + I440FX_PAM_COUNT && offset + size > I440FX_PAM0)
		report_pam_if_changed(hb);
	if (offset <= I440FX_SMRAM && offset + size > I440FX_SMRAM)
		smram_apply_lock(hb);
}

/* PAM: 0x59 has only its high nibble (bits 5:4); the cacheability bits
 * (6 and 2) are reserved on the 82441FX (PAM 59h-5Fh). SMRAM (72h): bits
 * 6:3 writable, C_BASE_SEG fixed at 010b = 0xA0000. */
static void i440fx_set_writable_registers(struct pci_device *dev)
{
	dev->wmask[I440FX_PAM0] = 0x30;
	memset(&dev->wmask[I440FX_PAM0 + 1], 0x33, I440FX_PAM_COUNT - 1);
	dev->wmask[I440FX_SMRAM] = I440FX_SMRAM_D_OPEN | I440FX_SMRAM_D_CLS |
				   I440FX_SMRAM_D_LCK | I440FX_SMRAM_G_SMRAME;
}

static void i440fx_reset(struct pci_device *dev)
{
	i440fx_set_writable_registers(dev);
	report_pam_if_changed(to_i440fx(dev));
}

static void i440fx_set_reset_values(struct pci_device *dev)
{
	/* PCICMD (04h) 0006h (memory and bus master always on),
	 * PCISTS (06h) 0280h (fast back-to-back, medium DEVSEL timing). */
	pci_set_bytes(&dev->config[PCI_COMMAND], 2,
		      PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	pci_set_bytes(&dev->config[PCI_STATUS], 2, 0x0280);
	dev->config[I440FX_SMRAM] = 0x02;
	i440fx_set_writable_registers(dev);
}

static const struct pci_device_info i440fx_info = {
	.name = "i440fx",
	.vendor_id = I440FX_VENDOR_ID,
	.device_id = I440FX_DEVICE_ID,
	.revision = 0x02,
	.class_code = 0x060000, /* bridge, host bridge */
	.config_write = i440fx_config_write,
	.reset = i440fx_reset,
};

int i440fx_init(struct i440fx *hb, struct pci_bus *bus,
		i440fx_pam_changed_fn pam_changed, void *opaque)
{
	memset(hb, 0, sizeof(*hb));
	pci_device_init(&hb->pci, &i440fx_info, hb);
	i440fx_set_reset_values(&hb->pci);
	hb->pam_changed = pam_changed;
	hb->pam_opaque = opaque;
	return pci_bus_register_device(bus, &hb->pci, I440FX_SLOT, 0);
}
