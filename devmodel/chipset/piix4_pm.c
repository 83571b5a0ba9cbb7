// SPDX-License-Identifier: GPL-2.0
/*
 * Intel 82371AB PIIX4 function 3, power management (piix4_pm.h).
 * References: 82371AB PIIX4 datasheet (Intel 290562) by register name and
 * offset; ACPI 6.4 §4.8 (fixed hardware registers).
 *
 * Modelled: identification; PMBA/PMREGMISC and SMBBA/SMBHSTCFG moving the
 * two I/O blocks; in the PM block PMSTS/PMEN (the ACPI PM1a event block:
 * TMR, GBL, PWRBTN, RTC status write-1-to-clear), PMCNTRL (PM1a control:
 * SUS_TYP/SUS_EN, soft off = S5 powers the machine off), PMTMR and
 * GPSTS/GPEN (GPE0: no event source is wired, the bits are stored); the
 * SCI on IRQ 9. The SMBus host controller has no device behind it: every
 * transaction ends at once with DEV_ERR ("no device answered"), which is
 * what Linux's i2c-piix4 sees on an empty bus. DEVACT/DEVRES and the other
 * registers are stored without effect (no SMI#: this board has no SMM).
 *
 * SCI_EN reads 1 always: with no System Management Mode there is no
 * legacy mode to leave, so the FADT's SMI_CMD is 0 and ACPI 6.4 table 4.13
 * says SCI_EN is then hardwired to 1.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devmodel/chipset/piix4_pm.h"

#define PM1_STS_WRITABLE (PM1_TMR | PM1_GBL | PM1_PWRBTN | PM1_RTC | PM1_WAK_STS)
#define PM1_EN_WRITABLE (PM1_TMR | PM1_GBL | PM1_PWRBTN | PM1_RTC)
/* SLP_TYP and the bus-master/global-release bits are stored; SLP_EN is
 * write-only (reads 0), SCI_EN is hardwired to 1. */
#define PM1_CNT_STORED (PM1_CNT_SLP_TYP_MASK | 0x0006)
/* The SCI sources among the PM1 events (ACPI 6.4 §4.8.3.1). */
#define PM1_SCI_EVENTS (PM1_TMR | PM1_GBL | PM1_PWRBTN | PM1_RTC)

static struct piix4_pm *to_pm(struct pci_device *dev)
{
	return dev->opaque;
}

/* ---- the PM timer (PMTMR, 08h) ---- */

static uint64_t timer_ticks(const struct piix4_pm *pm, uint64_t now)
{
	uint64_t ns = now - pm->timer_origin;

	return (uint64_t)((unsigned __int128)ns * PM_TIMER_HZ / NSEC_PER_SEC);
}

/* The first ns on the clock at which the count reaches `ticks`. */
static uint64_t ticks_deadline(const struct piix4_pm *pm, uint64_t ticks)
{
	unsigned __int128 ns = (unsigned __int128)ticks * NSEC_PER_SEC;

	return pm->timer_origin + (uint64_t)((ns + PM_TIMER_HZ - 1) / PM_TIMER_HZ);
}

uint32_t piix4_pm_timer_now(struct piix4_pm *pm)
{
	return timer_ticks(pm, dm_now(pm->cfg.timers)) & PM_TIMER_MASK;
}

/* TMR_STS is set "whenever the MSB of the timer (bit 23) toggles" (ACPI
 * 6.4 table 4.11): looked at on every access and from tmr_timer. */
static void update_timer_status(struct piix4_pm *pm)
{
	uint64_t epoch = timer_ticks(pm, dm_now(pm->cfg.timers)) >> 23;

	if (epoch != pm->timer_epoch) {
		pm->timer_epoch = epoch;
		pm->pm1_sts |= PM1_TMR;
	}
}

static void update_sci(struct piix4_pm *pm);

/* With TMR_EN set the guest wants an SCI at the toggle, not at its next
 * read: a device timer for the next one. */
static void arm_timer_event(struct piix4_pm *pm)
{
	if (pm->pm1_en & PM1_TMR)
		dm_timer_mod(&pm->tmr_timer,
			     ticks_deadline(pm, (pm->timer_epoch + 1) << 23));
	else
		dm_timer_del(&pm->tmr_timer);
}

static void timer_event(void *opaque)
{
	struct piix4_pm *pm = opaque;

	update_timer_status(pm);
	update_sci(pm);
	arm_timer_event(pm);
}

/* ---- SCI ---- */

/* Level, active high on IRQ 9 (the FADT's SCI_INT; ACPI 6.4 §5.2.9 says
 * the SCI is sharable, level, active low on the wire: PIIX4 drives the
 * ISA IRQ active high, the ELCR then makes it level for the 8259). */
static void update_sci(struct piix4_pm *pm)
{
	bool level = (pm->pm1_sts & pm->pm1_en & PM1_SCI_EVENTS) ||
		     (pm->gpe0_sts & pm->gpe0_en);

	if (level == pm->sci_level)
		return;
	pm->sci_level = level;
	irq_line_set(&pm->cfg.sci, level);
}

bool piix4_pm_sci_level(const struct piix4_pm *pm)
{
	return pm->sci_level;
}

bool piix4_pm_press_power_button(struct piix4_pm *pm)
{
	pm->pm1_sts |= PM1_PWRBTN;
	update_sci(pm);
	return pm->pm1_en & PM1_PWRBTN;
}

/* ---- PMCNTRL: sleep states ---- */

static void enter_sleep_state(struct piix4_pm *pm, unsigned slp_typ)
{
	switch (slp_typ) {
	case PIIX4_SLP_TYP_SOFT_OFF:
		if (pm->cfg.poweroff)
			pm->cfg.poweroff(pm->cfg.opaque);
		break;
	case PIIX4_SLP_TYP_STR:
		fprintf(stderr, "vmm: the guest asked for S3 (suspend to RAM, "
			"SLP_TYP %u): not supported (the DSDT has no \\_S3), ignored\n",
			slp_typ);
		break;
	default:
		fprintf(stderr, "vmm: the guest asked for sleep type %u (PIIX4 "
			"power-on suspend or reserved; S4 is the OS's own): not "
			"supported, ignored\n", slp_typ);
		break;
	}
}

/* ---- the PM I/O block, byte by byte (accesses of any width) ---- */

static uint8_t pm_read_byte(struct piix4_pm *pm, unsigned off)
{
	unsigned shift = 8 * (off & 1);
	uint32_t ticks;

	switch (off) {
	case PIIX4_PM1_STS:
	case PIIX4_PM1_STS + 1:
		update_timer_status(pm);
		update_sci(pm);
		return pm->pm1_sts >> shift;
	case PIIX4_PM1_EN:
	case PIIX4_PM1_EN + 1:
		return pm->pm1_en >> shift;
	case PIIX4_PM1_CNT:
	case PIIX4_PM1_CNT + 1:
		return (pm->pm1_cnt | PM1_CNT_SCI_EN) >> shift;
	case PIIX4_PM_TMR ... PIIX4_PM_TMR + 3:
		ticks = piix4_pm_timer_now(pm);
		return ticks >> (8 * (off - PIIX4_PM_TMR));
	case PIIX4_GPE0_STS:
	case PIIX4_GPE0_STS + 1:
		return pm->gpe0_sts >> shift;
	case PIIX4_GPE0_EN:
	case PIIX4_GPE0_EN + 1:
		return pm->gpe0_en >> shift;
	default:
		return pm->pm_other[off];
	}
}

static void pm_write_byte(struct piix4_pm *pm, unsigned off, uint8_t value)
{
	unsigned shift = 8 * (off & 1);
	uint16_t bits = (uint16_t)(value << shift);
	uint16_t keep = (uint16_t)~(0xff << shift);

	switch (off) {
	case PIIX4_PM1_STS:
	case PIIX4_PM1_STS + 1:
		update_timer_status(pm);
		pm->pm1_sts &= ~(bits & PM1_STS_WRITABLE); /* write 1 to clear */
		break;
	case PIIX4_PM1_EN:
	case PIIX4_PM1_EN + 1:
		pm->pm1_en = (pm->pm1_en & keep) | (bits & PM1_EN_WRITABLE);
		update_timer_status(pm);
		arm_timer_event(pm);
		break;
	case PIIX4_PM1_CNT:
	case PIIX4_PM1_CNT + 1:
		pm->pm1_cnt = (pm->pm1_cnt & keep) | (bits & PM1_CNT_STORED);
		/* SLP_TYP and SLP_EN share the high byte: a 16-bit write
		 * reaches it whole. */
		if (bits & PM1_CNT_SLP_EN)
			enter_sleep_state(pm, (pm->pm1_cnt & PM1_CNT_SLP_TYP_MASK) >>
					      PM1_CNT_SLP_TYP_SHIFT);
		break;
	case PIIX4_PM_TMR ... PIIX4_PM_TMR + 3:
		break; /* read-only */
	case PIIX4_GPE0_STS:
	case PIIX4_GPE0_STS + 1:
		pm->gpe0_sts &= ~bits;
		break;
	case PIIX4_GPE0_EN:
	case PIIX4_GPE0_EN + 1:
		pm->gpe0_en = (pm->gpe0_en & keep) | bits;
		break;
	default:
		pm->pm_other[off] = value;
		break;
	}
}

static uint64_t pm_io_read(void *opaque, uint64_t offset, unsigned size)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < size && offset + i < PIIX4_PM_IO_SIZE; i++)
		v |= (uint64_t)pm_read_byte(opaque, (unsigned)offset + i) << (8 * i);
	return v;
}

static void pm_io_write(void *opaque, uint64_t offset, unsigned size,
			uint64_t value)
{
	for (unsigned i = 0; i < size && offset + i < PIIX4_PM_IO_SIZE; i++)
		pm_write_byte(opaque, (unsigned)offset + i, (uint8_t)(value >> (8 * i)));
	update_sci(opaque);
}

static const struct io_ops pm_io_ops = {
	.read = pm_io_read,
	.write = pm_io_write,
};

/* ---- SMBus host controller, an empty bus ---- */

static uint64_t smb_io_read(void *opaque, uint64_t offset, unsigned size)
{
	struct piix4_pm *pm = opaque;
	uint64_t v = 0;

	for (unsigned i = 0; i < size && offset + i < PIIX4_SMB_IO_SIZE; i++)
		v |= (uint64_t)pm->smb[offset + i] << (8 * i);
	return v;
}

static void smb_write_byte(struct piix4_pm *pm, unsigned off, uint8_t value)
{
	switch (off) {
	case PIIX4_SMBHSTSTS: /* write 1 to clear; HOST_BUSY is read-only */
		pm->smb[off] &= ~(value & (SMBHSTSTS_INTR | SMBHSTSTS_DEV_ERR |
					   SMBHSTSTS_BUS_ERR | SMBHSTSTS_FAILED));
		break;
	case PIIX4_SMBHSTCNT:
		/* START and KILL are self-clearing. A started transaction
		 * finds no device: it ends at once with DEV_ERR. A killed
		 * one ends with FAILED. */
		pm->smb[off] = value & ~(SMBHSTCNT_START | SMBHSTCNT_KILL);
		if (value & SMBHSTCNT_KILL)
			pm->smb[PIIX4_SMBHSTSTS] |= SMBHSTSTS_FAILED;
		else if (value & SMBHSTCNT_START)
			pm->smb[PIIX4_SMBHSTSTS] |= SMBHSTSTS_DEV_ERR;
		break;
	default:
		pm->smb[off] = value;
		break;
	}
}

static void smb_io_write(void *opaque, uint64_t offset, unsigned size,
			 uint64_t value)
{
	for (unsigned i = 0; i < size && offset + i < PIIX4_SMB_IO_SIZE; i++)
		smb_write_byte(opaque, (unsigned)offset + i, (uint8_t)(value >> (8 * i)));
}

static const struct io_ops smb_io_ops = {
	.read = smb_io_read,
	.write = smb_io_write,
};

/* ---- decoding of the two I/O blocks ---- */

/* A block the guest put over another device's ports stays undecoded;
 * it is said once per address (*refused), not at every config write. */
static void move_block(struct piix4_pm *pm, uint16_t *at, uint16_t *refused,
		       uint16_t want, unsigned len, const struct io_ops *ops,
		       const char *name)
{
	struct io_bus *ports = pci_bus_port_io(pm->bus);

	if (*at == want)
		return;
	if (*at)
		io_bus_unregister(ports, *at);
	*at = 0;
	if (!want)
		return;
	if (io_bus_register(ports, want, len, ops, pm, name) == 0) {
		*at = want;
		return;
	}
	if (*refused != want)
		fprintf(stderr, "vmm: piix4-pm: the guest put the %s block at "
			"%#x, over another device: not decoded\n", name, want);
	*refused = want;
}

/* PM I/O: PMBA when PMREGMISC.PMIOSE is set. SMBus: SMBBA when PCICMD's
 * I/O space enable and SMBHSTCFG.SMB_HST_EN are both set (290562, PCICMD
 * function 3 bit 0; SMBHSTCFG bit 0). Port 0 never decodes. */
static void update_decoding(struct piix4_pm *pm)
{
	const uint8_t *c = pm->pci.config;
	uint16_t pm_port = 0, smb_port = 0;

	if (c[PIIX4_PMREGMISC] & PIIX4_PMREGMISC_PMIOSE)
		pm_port = pci_get_bytes(&c[PIIX4_PMBA], 2) & PIIX4_PMBA_MASK;
	if ((pci_get_bytes(&c[PCI_COMMAND], 2) & PCI_COMMAND_IO) &&
	    (c[PIIX4_SMBHSTCFG] & PIIX4_SMBHSTCFG_HST_EN))
		smb_port = pci_get_bytes(&c[PIIX4_SMBBA], 2) & PIIX4_SMBBA_MASK;
	move_block(pm, &pm->pm_port, &pm->pm_refused, pm_port, PIIX4_PM_IO_SIZE,
		   &pm_io_ops, "PM");
	move_block(pm, &pm->smb_port, &pm->smb_refused, smb_port,
		   PIIX4_SMB_IO_SIZE, &smb_io_ops, "SMBus");
}

static void pm_config_write(struct pci_device *dev, unsigned offset,
			    unsigned size, uint32_t value)
{
	(void)offset;
	(void)size;
	(void)value;
	update_decoding(to_pm(dev));
}

/* ---- configuration space and reset ---- */

static void set_register(struct pci_device *dev, unsigned offset,
			 unsigned size, uint32_t reset_value, uint32_t writable)
{
	pci_set_bytes(&dev->config[offset], size, reset_value);
	pci_set_bytes(&dev->wmask[offset], size, writable);
}

static void pm_set_reset_values(struct pci_device *dev)
{
	/* PCISTS 0280h: fast back-to-back capable, medium DEVSEL timing. */
	pci_set_bytes(&dev->config[PCI_STATUS], 2, 0x0280);
	/* PMBA and SMBBA: I/O space indicators (bit 0) hardwired to 1. */
	set_register(dev, PIIX4_PMBA, 4, 0x00000001, PIIX4_PMBA_MASK);
	set_register(dev, PIIX4_SMBBA, 4, 0x00000001, PIIX4_SMBBA_MASK);
	set_register(dev, PIIX4_PMREGMISC, 1, 0, PIIX4_PMREGMISC_PMIOSE);
	/* SMBHSTCFG: enable and interrupt select (bits 3:1). */
	set_register(dev, PIIX4_SMBHSTCFG, 1, 0, 0x0f);
	/* Stored, no effect: CNTA/CNTB 44h-4Bh, GENTMR 4Ch, DEVACTA/B
	 * 54h-5Bh, DEVRESA-DEVRESJ 5Ch-7Fh, SMBSLVC and the shadow
	 * commands D3h-D5h. DEVRES* read 0 by default, so Linux's PIIX4
	 * quirk claims no extra I/O or memory ranges. */
	for (unsigned off = 0x44; off < 0x80; off++)
		set_register(dev, off, 1, 0, 0xff);
	set_register(dev, 0xd3, 3, 0, 0xffffff);
	/* SMBREV: 0 (read-only). */
}

static void pm_reset(struct pci_device *dev)
{
	struct piix4_pm *pm = to_pm(dev);

	pm->pm1_sts = pm->pm1_en = pm->pm1_cnt = 0;
	pm->gpe0_sts = pm->gpe0_en = 0;
	memset(pm->pm_other, 0, sizeof(pm->pm_other));
	memset(pm->smb, 0, sizeof(pm->smb));
	/* The timer keeps counting across a reset (it runs from RTC
	 * power); only the event stops. */
	dm_timer_del(&pm->tmr_timer);
	update_timer_status(pm);
	pm->pm1_sts = 0;
	update_sci(pm);
	update_decoding(pm);
}

static const struct pci_device_info piix4_pm_info = {
	.name = "piix4-pm",
	.vendor_id = PIIX4_PM_VENDOR_ID,
	.device_id = PIIX4_PM_DEVICE_ID,
	.revision = PIIX4_PM_REVISION,
	.class_code = 0x068000, /* bridge, other */
	/* The SCI is wired to IRQ 9 (SeaBIOS writes 9 to the interrupt
	 * line), not to a PIRQ: no INTx# pin. */
	.interrupt_pin = 0,
	.config_write = pm_config_write,
	.reset = pm_reset,
};

struct piix4_pm *piix4_pm_create(struct pci_bus *bus,
				 const struct piix4_pm_config *cfg)
{
	struct piix4_pm *pm;
	int err;

	if (!bus || !cfg || !cfg->timers) {
		errno = EINVAL;
		return NULL;
	}
	pm = calloc(1, sizeof(*pm));
	if (!pm)
		return NULL;
	pm->bus = bus;
	pm->cfg = *cfg;
	pm->timer_origin = dm_now(cfg->timers);
	dm_timer_init(&pm->tmr_timer, cfg->timers, timer_event, pm);
	pci_device_init(&pm->pci, &piix4_pm_info, pm);
	pm_set_reset_values(&pm->pci);
	err = pci_bus_register_device(bus, &pm->pci, PIIX4_PM_SLOT,
				      PIIX4_PM_FUNCTION);
	if (err) {
		free(pm);
		errno = -err;
		return NULL;
	}
	return pm;
}

void piix4_pm_destroy(struct piix4_pm *pm)
{
	if (!pm)
		return;
	dm_timer_del(&pm->tmr_timer);
	move_block(pm, &pm->pm_port, &pm->pm_refused, 0, 0, NULL, NULL);
	move_block(pm, &pm->smb_port, &pm->smb_refused, 0, 0, NULL, NULL);
	pci_bus_unregister_device(pm->bus, &pm->pci);
	free(pm);
}
