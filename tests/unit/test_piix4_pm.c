// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the PIIX4 power-management function
 * (devmodel/chipset/piix4_pm.c) on a real PCI bus, programmed the way
 * SeaBIOS's piix4_pm_config_setup does, through port accesses, on a timer
 * list driven by a fake clock.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "devmodel/chipset/piix4_pm.h"
#include "devmodel/core/io.h"
#include "devmodel/core/pci.h"
#include "devmodel/core/timer.h"

#define PM 0x600
#define SMB 0x700
#define MS 1000000ull

struct fixture {
	struct io_bus *pio, *mmio;
	struct pci_bus *pci;
	struct dm_timer_list timers;
	uint64_t clock;
	struct piix4_pm *pm;
	int sci_level;
	unsigned sci_changes;
	unsigned poweroffs;
};

static uint64_t fake_now(void *opaque)
{
	return *(uint64_t *)opaque;
}

static void record_sci(void *opaque, unsigned line, int level)
{
	struct fixture *f = opaque;

	assert_int_equal(line, 9);
	f->sci_level = level;
	f->sci_changes++;
}

static void record_poweroff(void *opaque)
{
	((struct fixture *)opaque)->poweroffs++;
}

static uint64_t in(struct fixture *f, uint16_t port, unsigned size)
{
	uint64_t v;

	assert_true(io_bus_read(f->pio, port, size, &v));
	return v;
}

static void out(struct fixture *f, uint16_t port, unsigned size, uint64_t v)
{
	assert_true(io_bus_write(f->pio, port, size, v));
}

static void config_write(struct fixture *f, unsigned off, unsigned size, uint32_t v)
{
	pci_config_write(&f->pm->pci, off, size, v);
}

/* SeaBIOS src/fw/pciinit.c: interrupt line 9, PMBA | 1, PMREGMISC 1,
 * SMBBA | 1, SMBHSTCFG 9; then the PCI command register (I/O on). */
static void seabios_setup(struct fixture *f)
{
	config_write(f, PCI_INTERRUPT_LINE, 1, 9);
	config_write(f, PIIX4_PMBA, 4, PM | 1);
	config_write(f, PIIX4_PMREGMISC, 1, 1);
	config_write(f, PIIX4_SMBBA, 4, SMB | 1);
	config_write(f, PIIX4_SMBHSTCFG, 1, 9);
	config_write(f, PCI_COMMAND, 2, PCI_COMMAND_IO);
}

static int setup(void **state)
{
	static struct fixture f;
	struct piix4_pm_config c;

	f = (struct fixture){ .clock = 5000 * MS };
	f.pio = io_bus_new("pio");
	f.mmio = io_bus_new("mmio");
	assert_non_null(f.pio);
	assert_non_null(f.mmio);
	f.pci = pci_bus_new(f.pio, f.mmio);
	assert_non_null(f.pci);
	f.timers.now = fake_now;
	f.timers.clock_opaque = &f.clock;
	c = (struct piix4_pm_config){
		.timers = &f.timers,
		.sci = { .set_level = record_sci, .opaque = &f, .line = 9 },
		.poweroff = record_poweroff, .opaque = &f,
	};
	f.pm = piix4_pm_create(f.pci, &c);
	assert_non_null(f.pm);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	piix4_pm_destroy(f->pm);
	pci_bus_free(f->pci);
	io_bus_free(f->pio);
	io_bus_free(f->mmio);
	return 0;
}

static void advance(struct fixture *f, uint64_t ns)
{
	uint64_t end = f->clock + ns;
	uint64_t next = dm_timers_run(&f->timers, f->clock);

	while (next <= end) {
		f->clock = next;
		next = dm_timers_run(&f->timers, f->clock);
	}
	f->clock = end;
}

static void test_identity(void **state)
{
	struct fixture *f = *state;
	struct pci_device *d = pci_bus_device(f->pci, 1, 3);

	assert_ptr_equal(d, &f->pm->pci);
	assert_int_equal(pci_config_read(d, PCI_VENDOR_ID, 2), 0x8086);
	assert_int_equal(pci_config_read(d, PCI_DEVICE_ID, 2), 0x7113);
	assert_int_equal(pci_config_read(d, PCI_REVISION_ID, 1), 3);
	assert_int_equal(pci_config_read(d, PCI_CLASS_DEVICE, 2), 0x0680);
	/* I/O indicator bits read 1 before programming */
	assert_int_equal(pci_config_read(d, PIIX4_PMBA, 4), 1);
	assert_int_equal(pci_config_read(d, PIIX4_SMBBA, 4), 1);
}

static uint64_t other_read(void *opaque, uint64_t offset, unsigned size)
{
	(void)opaque;
	(void)offset;
	(void)size;
	return 0x5a;
}

static void other_write(void *opaque, uint64_t offset, unsigned size, uint64_t v)
{
	(void)opaque;
	(void)offset;
	(void)size;
	(void)v;
}

static const struct io_ops other_ops = { .read = other_read, .write = other_write };

static void test_decoding_follows_pmba(void **state)
{
	struct fixture *f = *state;
	uint64_t v;

	/* nothing decodes before the firmware enables it */
	assert_false(io_bus_read(f->pio, PM + 8, 4, &v));
	config_write(f, PIIX4_PMBA, 4, PM | 1);
	assert_false(io_bus_read(f->pio, PM + 8, 4, &v)); /* PMIOSE still 0 */
	seabios_setup(f);
	assert_int_equal(pci_config_read(&f->pm->pci, PIIX4_PMBA, 4), PM | 1);
	assert_true(io_bus_read(f->pio, PM + 8, 4, &v));
	assert_true(io_bus_read(f->pio, SMB, 1, &v));
	/* moved: the old ports go quiet */
	config_write(f, PIIX4_PMBA, 4, 0xb000 | 1);
	assert_false(io_bus_read(f->pio, PM + 8, 4, &v));
	assert_true(io_bus_read(f->pio, 0xb008, 4, &v));
	/* over another device's ports: not decoded, that device keeps them,
	 * and a move away works again */
	assert_int_equal(io_bus_register(f->pio, 0x800, 16, &other_ops, NULL, "other"), 0);
	config_write(f, PIIX4_PMBA, 4, 0x800 | 1);
	config_write(f, PIIX4_PMBA, 4, 0x800 | 1);
	assert_false(io_bus_read(f->pio, 0xb008, 4, &v));
	assert_true(io_bus_read(f->pio, 0x808, 1, &v));
	assert_int_equal(v, 0x5a);
	config_write(f, PIIX4_PMBA, 4, 0xb000 | 1);
	assert_true(io_bus_read(f->pio, 0xb008, 4, &v));
	/* the machine's reset turns decoding off */
	pci_bus_reset(f->pci);
	assert_false(io_bus_read(f->pio, 0xb008, 4, &v));
	assert_false(io_bus_read(f->pio, SMB, 1, &v));
}

/* 3.579545 MHz: one second of the clock is 3579545 ticks; the counter is
 * 24 bits and wraps after 2^24 ticks (4.687 s). */
static void test_pm_timer_rate_and_wrap(void **state)
{
	struct fixture *f = *state;
	uint32_t t0, t1;

	seabios_setup(f);
	t0 = in(f, PM + PIIX4_PM_TMR, 4);
	assert_true(t0 <= PM_TIMER_MASK);
	advance(f, 1000 * MS);
	t1 = in(f, PM + PIIX4_PM_TMR, 4);
	assert_int_equal((t1 - t0) & PM_TIMER_MASK, 3579545);
	advance(f, 1 * MS);
	assert_int_equal((in(f, PM + PIIX4_PM_TMR, 4) - t1) & PM_TIMER_MASK, 3579); /* 3579.545, truncated */
	/* across a wrap: 5 s later the value went round once and only the
	 * 24 bits are visible */
	t0 = in(f, PM + PIIX4_PM_TMR, 4);
	advance(f, 5000 * MS);
	t1 = in(f, PM + PIIX4_PM_TMR, 4);
	assert_true(t1 <= PM_TIMER_MASK);
	assert_int_equal((t1 - t0) & PM_TIMER_MASK,
			 (5 * 3579545) & PM_TIMER_MASK);
	/* read-only */
	out(f, PM + PIIX4_PM_TMR, 4, 0);
	assert_int_equal(in(f, PM + PIIX4_PM_TMR, 4), t1);
	/* byte reads see the same counter */
	assert_int_equal(in(f, PM + PIIX4_PM_TMR + 2, 1), (t1 >> 16) & 0xff);
}

static void test_timer_status_and_sci(void **state)
{
	struct fixture *f = *state;

	seabios_setup(f);
	out(f, PM + PIIX4_PM1_STS, 2, 0xffff); /* clear what is there */
	assert_int_equal(in(f, PM + PIIX4_PM1_STS, 2) & PM1_TMR, 0);
	/* bit 23 toggles every 2^23 ticks = 2.343 s */
	advance(f, 2400 * MS);
	assert_int_equal(in(f, PM + PIIX4_PM1_STS, 2) & PM1_TMR, PM1_TMR);
	assert_int_equal(f->sci_level, 0); /* TMR_EN clear: no SCI */
	out(f, PM + PIIX4_PM1_STS, 2, PM1_TMR); /* write 1 to clear */
	assert_int_equal(in(f, PM + PIIX4_PM1_STS, 2) & PM1_TMR, 0);

	/* TMR_EN: the SCI comes at the toggle itself, from a timer, without
	 * the guest reading anything */
	out(f, PM + PIIX4_PM1_EN, 2, PM1_TMR);
	advance(f, 2400 * MS);
	assert_int_equal(f->sci_level, 1);
	assert_true(piix4_pm_sci_level(f->pm));
	/* level: stays up until the status is cleared */
	advance(f, 10 * MS);
	assert_int_equal(f->sci_level, 1);
	out(f, PM + PIIX4_PM1_STS, 2, PM1_TMR);
	assert_int_equal(f->sci_level, 0);
	out(f, PM + PIIX4_PM1_EN, 2, 0);
}

static void test_pm1_write_one_to_clear(void **state)
{
	struct fixture *f = *state;

	seabios_setup(f);
	out(f, PM + PIIX4_PM1_STS, 2, 0xffff);
	assert_false(piix4_pm_press_power_button(f->pm)); /* PWRBTN_EN clear */
	assert_int_equal(in(f, PM + PIIX4_PM1_STS, 2) & PM1_PWRBTN, PM1_PWRBTN);
	assert_int_equal(f->sci_level, 0);
	/* writing 0 changes nothing; writing another bit leaves it */
	out(f, PM + PIIX4_PM1_STS, 2, 0);
	out(f, PM + PIIX4_PM1_STS, 2, PM1_RTC);
	assert_int_equal(in(f, PM + PIIX4_PM1_STS, 2) & PM1_PWRBTN, PM1_PWRBTN);
	/* the high byte alone clears it too */
	out(f, PM + PIIX4_PM1_STS + 1, 1, PM1_PWRBTN >> 8);
	assert_int_equal(in(f, PM + PIIX4_PM1_STS, 2) & PM1_PWRBTN, 0);

	/* enabled: a press raises the SCI (level) until cleared */
	out(f, PM + PIIX4_PM1_EN, 2, PM1_PWRBTN);
	assert_int_equal(in(f, PM + PIIX4_PM1_EN, 2), PM1_PWRBTN);
	assert_true(piix4_pm_press_power_button(f->pm));
	assert_int_equal(f->sci_level, 1);
	out(f, PM + PIIX4_PM1_STS, 2, PM1_PWRBTN);
	assert_int_equal(f->sci_level, 0);
	/* a status set while disabled raises the SCI when enabled */
	out(f, PM + PIIX4_PM1_EN, 2, 0);
	piix4_pm_press_power_button(f->pm);
	assert_int_equal(f->sci_level, 0);
	out(f, PM + PIIX4_PM1_EN, 2, PM1_PWRBTN);
	assert_int_equal(f->sci_level, 1);
	out(f, PM + PIIX4_PM1_STS, 2, PM1_PWRBTN);
	assert_int_equal(f->sci_level, 0);
}

static void test_sleep_states(void **state)
{
	struct fixture *f = *state;

	seabios_setup(f);
	/* SCI_EN reads 1: no legacy (SMM) mode on this board */
	assert_int_equal(in(f, PM + PIIX4_PM1_CNT, 2) & PM1_CNT_SCI_EN, 1);
	/* SLP_TYP alone does nothing */
	out(f, PM + PIIX4_PM1_CNT, 2, PIIX4_SLP_TYP_STR << PM1_CNT_SLP_TYP_SHIFT);
	assert_int_equal(f->poweroffs, 0);
	/* S3 with SLP_EN: refused (logged), no power-off */
	out(f, PM + PIIX4_PM1_CNT, 2,
	    PIIX4_SLP_TYP_STR << PM1_CNT_SLP_TYP_SHIFT | PM1_CNT_SLP_EN);
	assert_int_equal(f->poweroffs, 0);
	/* SLP_EN reads 0 */
	assert_int_equal(in(f, PM + PIIX4_PM1_CNT, 2) & PM1_CNT_SLP_EN, 0);
	/* another reserved type */
	out(f, PM + PIIX4_PM1_CNT, 2, 4 << PM1_CNT_SLP_TYP_SHIFT | PM1_CNT_SLP_EN);
	assert_int_equal(f->poweroffs, 0);
	/* S5: SLP_TYP 0 (the DSDT's \_S5) + SLP_EN, as Linux writes it */
	out(f, PM + PIIX4_PM1_CNT, 2, PIIX4_SLP_TYP_SOFT_OFF << PM1_CNT_SLP_TYP_SHIFT);
	out(f, PM + PIIX4_PM1_CNT, 2, PM1_CNT_SLP_EN | PM1_CNT_SCI_EN);
	assert_int_equal(f->poweroffs, 1);
	/* SeaBIOS's APM power-off: outw(0x2000, pm1a_cnt) */
	out(f, PM + PIIX4_PM1_CNT, 2, 0x2000);
	assert_int_equal(f->poweroffs, 2);
}

static void test_gpe0(void **state)
{
	struct fixture *f = *state;

	seabios_setup(f);
	out(f, PM + PIIX4_GPE0_EN, 2, 0x0102);
	assert_int_equal(in(f, PM + PIIX4_GPE0_EN, 2), 0x0102);
	assert_int_equal(in(f, PM + PIIX4_GPE0_STS, 2), 0);
	out(f, PM + PIIX4_GPE0_STS, 1, 0xff); /* W1C of nothing */
	assert_int_equal(in(f, PM + PIIX4_GPE0_STS, 2), 0);
	assert_int_equal(f->sci_level, 0);
	/* the whole block as one dword (ACPICA reads GPE0 by bytes; any
	 * width works) */
	assert_int_equal(in(f, PM + PIIX4_GPE0_STS, 4), 0x01020000);
}

/* i2c-piix4 on an empty bus: every transaction ends with DEV_ERR, which
 * the driver reports as "no device" (-ENXIO). */
static void test_smbus_no_device(void **state)
{
	struct fixture *f = *state;

	seabios_setup(f);
	assert_int_equal(in(f, SMB + PIIX4_SMBHSTSTS, 1), 0);
	out(f, SMB + 4, 1, 0x50 << 1 | 1);	/* SMBHSTADD: read from 0x50 */
	out(f, SMB + PIIX4_SMBHSTCNT, 1, SMBHSTCNT_START | 0x08); /* byte data */
	assert_int_equal(in(f, SMB + PIIX4_SMBHSTSTS, 1) & SMBHSTSTS_HOST_BUSY, 0);
	assert_int_equal(in(f, SMB + PIIX4_SMBHSTSTS, 1), SMBHSTSTS_DEV_ERR);
	assert_int_equal(in(f, SMB + PIIX4_SMBHSTCNT, 1) & SMBHSTCNT_START, 0);
	out(f, SMB + PIIX4_SMBHSTSTS, 1, 0x1e);	/* W1C */
	assert_int_equal(in(f, SMB + PIIX4_SMBHSTSTS, 1), 0);
	/* the SMBus block goes when the host interface is disabled */
	config_write(f, PIIX4_SMBHSTCFG, 1, 0);
	{
		uint64_t v;

		assert_false(io_bus_read(f->pio, SMB, 1, &v));
	}
}

static void test_reset_clears_events(void **state)
{
	struct fixture *f = *state;

	seabios_setup(f);
	out(f, PM + PIIX4_PM1_EN, 2, PM1_PWRBTN);
	piix4_pm_press_power_button(f->pm);
	assert_int_equal(f->sci_level, 1);
	pci_bus_reset(f->pci);
	assert_int_equal(f->sci_level, 0);
	seabios_setup(f);
	assert_int_equal(in(f, PM + PIIX4_PM1_EN, 2), 0);
	assert_int_equal(in(f, PM + PIIX4_PM1_STS, 2) & PM1_PWRBTN, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_identity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_decoding_follows_pmba, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pm_timer_rate_and_wrap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timer_status_and_sci, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pm1_write_one_to_clear, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sleep_states, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gpe0, setup, teardown),
		cmocka_unit_test_setup_teardown(test_smbus_no_device, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_clears_events, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
