/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Motorola MC146818A real-time clock and the PC's 128-byte CMOS RAM at ports
 * 0x70 (index; bit 7 is the NMI mask) and 0x71 (data), interrupting on IRQ8.
 *
 * The time of day follows the timer list's clock from a start time given
 * at creation (tests inject both); the guest's clock never depends on how
 * often it reads. Flags in register C are derived from the clock when they
 * are looked at; dm_timers only fire when an enabled interrupt is due.
 * All calls are made under the device-model lock.
 */
#ifndef DEVMODEL_RTC_H
#define DEVMODEL_RTC_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "devmodel/core/io.h"
#include "devmodel/core/irq.h"
#include "devmodel/core/timer.h"

/* Register indexes (MC146818A datasheet, "Address Map"). */
#define RTC_SECONDS		0x00
#define RTC_SECONDS_ALARM	0x01
#define RTC_MINUTES		0x02
#define RTC_MINUTES_ALARM	0x03
#define RTC_HOURS		0x04
#define RTC_HOURS_ALARM		0x05
#define RTC_DAY_OF_WEEK		0x06
#define RTC_DAY_OF_MONTH	0x07
#define RTC_MONTH		0x08
#define RTC_YEAR		0x09
#define RTC_REG_A		0x0A
#define RTC_REG_B		0x0B
#define RTC_REG_C		0x0C
#define RTC_REG_D		0x0D
#define CMOS_CENTURY		0x32	/* IBM PC convention, kept by the RTC */

#define RTC_A_UIP	0x80
#define RTC_B_SET	0x80
#define RTC_B_PIE	0x40
#define RTC_B_AIE	0x20
#define RTC_B_UIE	0x10
#define RTC_B_SQWE	0x08
#define RTC_B_DM	0x04	/* 1: binary, 0: BCD */
#define RTC_B_24H	0x02
#define RTC_C_IRQF	0x80
#define RTC_C_PF	0x40
#define RTC_C_AF	0x20
#define RTC_C_UF	0x10
#define RTC_D_VRT	0x80

struct rtc {
	uint8_t cmos[128];	/* RAM and, while frozen, the time registers */
	uint8_t index;		/* port 0x70 & 0x7F */
	bool nmi_masked;	/* port 0x70 bit 7, for the machine to query */
	struct dm_timer_list *timers;
	struct irq_line irq;
	bool irq_level;
	struct dm_timer periodic_timer;
	struct dm_timer update_timer;
	/* The divider chain: 32.768 kHz cycles counted from div_epoch (ns on
	 * the clock) while not held in reset by register A. */
	bool div_running;
	int64_t div_epoch;
	/* While counting (divider running, SET clear), the time is secs_base
	 * plus the divider's whole seconds since second secs_base_idx;
	 * seconds are time_t-like, read with gmtime. */
	int64_t secs_base;
	uint64_t secs_base_idx;
	uint64_t last_eval;	/* flags are up to date until this time */
};

/* Start the clock at start (seconds since the epoch, UTC; the monitor
 * passes time(NULL)); with localtime the registers show local time at
 * start's UTC offset. Registers A = 0x26, B = 0x02 (BCD, 24 h), D = VRT.
 * Registers ports 0x70-0x71; irq8 is ISA IRQ8 (edge).
 * 0 or the negative errno of io_bus_register. */
__attribute__((warn_unused_result))
int rtc_init(struct rtc *rtc, struct io_bus *pio, struct dm_timer_list *timers,
	     struct irq_line irq8, time_t start, bool localtime);
/* The RESET pin: clears PIE, AIE, UIE, SQWE and register C, lowers IRQ8;
 * time and RAM are kept. */
void rtc_reset(struct rtc *rtc);

/* What the guest would see at index & 0x7F through port 0x71: RAM bytes as
 * they are, registers with their side effects (reading C clears it). For
 * the monitor to fill RAM size, boot order, CPU count. */
void rtc_cmos_write(struct rtc *rtc, uint8_t index, uint8_t value);
uint8_t rtc_cmos_read(struct rtc *rtc, uint8_t index);

#endif /* DEVMODEL_RTC_H */
