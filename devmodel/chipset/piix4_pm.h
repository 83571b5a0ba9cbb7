/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Intel 82371AB PIIX4 function 3, power management (PCI 8086:7113 rev 3 at
 * 00:01.3): the ACPI fixed hardware of the PC (PM1a event and control
 * blocks, the PM timer, GPE0) in the 64-byte PM I/O block at PMBA, the SCI
 * on IRQ 9, and the SMBus host controller at SMBBA (a bus with no device
 * on it). References: Intel 82371AB PIIX4 datasheet (290562), by register
 * name and offset; ACPI 6.4 chapter 4 ("ACPI Hardware Specification").
 *
 * Wiring by the monitor:
 *
 *	struct piix4_pm_config c = { .timers = &m->timers, .sci = isa_irq[9],
 *				     .poweroff = machine_poweroff, .opaque = m };
 *	pm = piix4_pm_create(pci_bus, &c);
 *
 * The firmware programs PMBA/SMBBA (SeaBIOS: 0x600 and 0x700 when fw_cfg
 * has etc/table-loader); the FADT names the same ports.
 * Everything runs under the device-model lock.
 */
#ifndef DEVMODEL_CHIPSET_PIIX4_PM_H
#define DEVMODEL_CHIPSET_PIIX4_PM_H

#include <stdbool.h>
#include <stdint.h>

#include "devmodel/core/irq.h"
#include "devmodel/core/pci.h"
#include "devmodel/core/timer.h"

#define PIIX4_PM_VENDOR_ID	0x8086
#define PIIX4_PM_DEVICE_ID	0x7113
#define PIIX4_PM_REVISION	0x03
#define PIIX4_PM_SLOT		1
#define PIIX4_PM_FUNCTION	3

/* Function 3 configuration registers (290562 §7.1). */
#define PIIX4_PMBA		0x40	/* PM base address, bits 15:6 */
#define PIIX4_PMBA_MASK		0xffc0u
#define PIIX4_PM_IO_SIZE	64
#define PIIX4_DEVACTA		0x54
#define PIIX4_DEVACTB		0x58
#define PIIX4_DEVRESA		0x5c
#define PIIX4_PMREGMISC		0x80	/* bit 0 PMIOSE: PM I/O space on */
#define PIIX4_PMREGMISC_PMIOSE	0x01
#define PIIX4_SMBBA		0x90	/* SMBus base address, bits 15:4 */
#define PIIX4_SMBBA_MASK	0xfff0u
#define PIIX4_SMB_IO_SIZE	16
#define PIIX4_SMBHSTCFG		0xd2	/* HOSTC: bit 0 SMB_HST_EN */
#define PIIX4_SMBHSTCFG_HST_EN	0x01
#define PIIX4_SMBREV		0xd6

/* The PM I/O block (290562 §7.2), offsets from PMBA. */
#define PIIX4_PM1_STS		0x00	/* PMSTS */
#define PIIX4_PM1_EN		0x02	/* PMEN */
#define PIIX4_PM1_CNT		0x04	/* PMCNTRL */
#define PIIX4_PM_TMR		0x08	/* PMTMR */
#define PIIX4_GPE0_STS		0x0c	/* GPSTS */
#define PIIX4_GPE0_EN		0x0e	/* GPEN */
#define PIIX4_GPE0_BLK_LEN	4

/* PM1 status and enable bits (ACPI 6.4 §4.8.3.1, tables 4.11/4.12). */
#define PM1_TMR			0x0001	/* TMR_STS / TMR_EN */
#define PM1_GBL			0x0020	/* GBL_STS / GBL_EN */
#define PM1_PWRBTN		0x0100	/* PWRBTN_STS / PWRBTN_EN */
#define PM1_RTC			0x0400	/* RTC_STS / RTC_EN */
#define PM1_WAK_STS		0x8000
/* PM1 control (ACPI 6.4 §4.8.3.2.1, table 4.13). */
#define PM1_CNT_SCI_EN		0x0001
#define PM1_CNT_SLP_TYP_SHIFT	10
#define PM1_CNT_SLP_TYP_MASK	0x1c00
#define PM1_CNT_SLP_EN		0x2000

/* PIIX4's SUS_TYP encodings (290562 PMCNTRL bits 12:10): what the DSDT's
 * \_Sx packages hand the OS. */
#define PIIX4_SLP_TYP_SOFT_OFF	0	/* S5 */
#define PIIX4_SLP_TYP_STR	1	/* S3, suspend to RAM */

/* The ACPI PM timer: 3.579545 MHz, 24 bits (ACPI 6.4 §4.8.3.3). */
#define PM_TIMER_HZ		3579545ull
#define PM_TIMER_MASK		0xffffffu

/* SMBus host registers (290562 §7.3), offsets from SMBBA. */
#define PIIX4_SMBHSTSTS		0x00
#define PIIX4_SMBHSTCNT		0x02
#define SMBHSTSTS_HOST_BUSY	0x01
#define SMBHSTSTS_INTR		0x02
#define SMBHSTSTS_DEV_ERR	0x04
#define SMBHSTSTS_BUS_ERR	0x08
#define SMBHSTSTS_FAILED	0x10
#define SMBHSTCNT_KILL		0x02
#define SMBHSTCNT_START		0x40

typedef void (*piix4_pm_poweroff_fn)(void *opaque);

struct piix4_pm_config {
	struct dm_timer_list *timers;	/* the machine's clock */
	struct irq_line sci;		/* ISA IRQ 9 */
	piix4_pm_poweroff_fn poweroff;	/* S5 entered (SLP_TYP 0 + SLP_EN) */
	void *opaque;
};

struct piix4_pm {
	struct pci_device pci;
	struct pci_bus *bus;
	struct piix4_pm_config cfg;

	/* Where the I/O blocks decode now (0: not at all). */
	uint16_t pm_port, smb_port;
	uint16_t pm_refused, smb_refused;	/* last address that overlapped */

	uint16_t pm1_sts, pm1_en, pm1_cnt;
	uint16_t gpe0_sts, gpe0_en;
	uint8_t pm_other[PIIX4_PM_IO_SIZE];	/* stored, no effect */
	uint8_t smb[PIIX4_SMB_IO_SIZE];
	bool sci_level;

	/* The timer counts from timer_origin (ns on cfg.timers' clock);
	 * TMR_STS is set each time its bit 23 toggles: timer_epoch is the
	 * count >> 23 last seen. tmr_timer raises the SCI on time while
	 * TMR_EN is set. */
	uint64_t timer_origin;
	uint64_t timer_epoch;
	struct dm_timer tmr_timer;
};

/* Register 00:01.3 on bus. NULL with errno (ENOMEM, EEXIST, EINVAL). */
struct piix4_pm *piix4_pm_create(struct pci_bus *bus,
				 const struct piix4_pm_config *cfg);
void piix4_pm_destroy(struct piix4_pm *pm);

/* The power button is pressed (and released): PWRBTN_STS is set, the SCI
 * raised when the guest enabled the event. true when it is enabled (an
 * ACPI OS is listening), false when only the status bit was set. */
bool piix4_pm_press_power_button(struct piix4_pm *pm);

/* The PM timer's value now (24 bits), as the guest reads it. */
uint32_t piix4_pm_timer_now(struct piix4_pm *pm);
/* The SCI's level (for tests). */
bool piix4_pm_sci_level(const struct piix4_pm *pm);

#endif /* DEVMODEL_CHIPSET_PIIX4_PM_H */
