// SPDX-License-Identifier: GPL-2.0
/*
 * NS16550A UART, after National Semiconductor's "PC16550D Universal
 * Asynchronous Receiver/Transmitter with FIFOs" datasheet (register and
 * interrupt tables cited as "16550D table N").
 *
 * What guests rely on beyond the register map:
 *  - SeaBIOS and Linux's 8250 driver probe by writing IER = 0x02 and reading
 *    IIR: with the transmitter empty, enabling ETBEI must raise a THRE
 *    interrupt, and reading IIR (when THRE is the source) clears it
 *    (16550D table IV, "THR empty" row).
 *  - Linux's autoconfig checks loopback: MCR = LOOP | RTS | OUT2 must make
 *    MSR's upper nibble read CTS | DCD (16550D "MCR bit 4").
 *  - Linux identifies a 16550A by IIR bits 7:6 = 11 after enabling FIFOs.
 *
 * On the PC the UART's INTRPT pin reaches the PIC through a buffer enabled
 * by OUT2 (MCR bit 3), which loopback disconnects; Linux sets OUT2 before
 * using interrupts.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "devmodel/chipset/uart.h"

/* Register offsets (16550D table II). */
enum {
	REG_RBR_THR = 0, /* DLL when LCR.DLAB */
	REG_IER = 1,     /* DLM when LCR.DLAB */
	REG_IIR_FCR = 2,
	REG_LCR = 3,
	REG_MCR = 4,
	REG_LSR = 5,
	REG_MSR = 6,
	REG_SCR = 7,
};

#define IER_ERBFI 0x01 /* received data available */
#define IER_ETBEI 0x02 /* THR empty */
#define IER_ELSI  0x04 /* receiver line status */
#define IER_EDSSI 0x08 /* modem status */

/* IIR: bit 0 = 0 when an interrupt is pending, bits 3:1 its identity in
 * priority order (16550D table IV). */
#define IIR_NO_INT       0x01
#define IIR_ID_LINE      0x06
#define IIR_ID_RX_DATA   0x04
#define IIR_ID_TIMEOUT   0x0c
#define IIR_ID_THRE      0x02
#define IIR_ID_MODEM     0x00
#define IIR_FIFO_ENABLED 0xc0

#define FCR_ENABLE   0x01
#define FCR_CLEAR_RX 0x02
#define FCR_CLEAR_TX 0x04
#define FCR_DMA_MODE 0x08

#define LCR_DLAB 0x80

#define MCR_DTR  0x01
#define MCR_RTS  0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10

#define LSR_DR     0x01
#define LSR_OE     0x02
#define LSR_PE     0x04
#define LSR_FE     0x08
#define LSR_BI     0x10
#define LSR_THRE   0x20
#define LSR_TEMT   0x40
#define LSR_ERRORS (LSR_OE | LSR_PE | LSR_FE | LSR_BI)

#define MSR_DCTS  0x01
#define MSR_DDSR  0x02
#define MSR_TERI  0x04
#define MSR_DDCD  0x08
#define MSR_CTS   0x10
#define MSR_DSR   0x20
#define MSR_RI    0x40
#define MSR_DCD   0x80
#define MSR_DELTA 0x0f

#define FIFO_SIZE 16
#define UART_CLOCK_HZ 1843200 /* the PC's crystal: divisor 1 = 115200 baud */

struct uart {
	struct io_bus *pio;
	uint16_t base;
	struct irq_line irq;
	int irq_level;
	struct chardev *cd;
	struct dm_timer_list *timers;
	struct dm_timer timeout_timer;

	uint8_t ier, lcr, mcr, msr, scr, fcr, dll, dlm;
	uint8_t lsr_errors;   /* OE, PE, FE, BI: cleared by reading LSR */
	bool thre_pending;    /* THR-empty interrupt latched */
	bool timeout_pending; /* RX FIFO character timeout */

	uint8_t rx_fifo[FIFO_SIZE];
	unsigned rx_head, rx_count;
};

/* ---- RX FIFO */

static bool fifo_enabled(const struct uart *u)
{
	return u->fcr & FCR_ENABLE;
}

/* Without FIFOs the 16550 is a 16450: one receive holding register. */
static unsigned rx_capacity(const struct uart *u)
{
	return fifo_enabled(u) ? FIFO_SIZE : 1;
}

/* FCR bits 7:6 select 1, 4, 8 or 14 bytes (16550D table III). */
static unsigned rx_trigger(const struct uart *u)
{
	static const unsigned level[4] = { 1, 4, 8, 14 };

	return fifo_enabled(u) ? level[u->fcr >> 6] : 1;
}

static void rx_clear(struct uart *u)
{
	u->rx_head = u->rx_count = 0;
	u->timeout_pending = false;
	if (u->timers)
		dm_timer_del(&u->timeout_timer);
}

static uint8_t rx_pop(struct uart *u)
{
	uint8_t byte = u->rx_fifo[u->rx_head];

	u->rx_head = (u->rx_head + 1) % FIFO_SIZE;
	u->rx_count--;
	return byte;
}

/* ---- interrupts */

static uint8_t pending_interrupt(const struct uart *u)
{
	if ((u->ier & IER_ELSI) && (u->lsr_errors & LSR_ERRORS))
		return IIR_ID_LINE;
	if ((u->ier & IER_ERBFI) && u->rx_count >= rx_trigger(u))
		return IIR_ID_RX_DATA;
	if ((u->ier & IER_ERBFI) && u->timeout_pending)
		return IIR_ID_TIMEOUT;
	if ((u->ier & IER_ETBEI) && u->thre_pending)
		return IIR_ID_THRE;
	if ((u->ier & IER_EDSSI) && (u->msr & MSR_DELTA))
		return IIR_ID_MODEM;
	return IIR_NO_INT;
}

static uint8_t iir_value(const struct uart *u)
{
	return pending_interrupt(u) | (fifo_enabled(u) ? IIR_FIFO_ENABLED : 0);
}

/* The PIC sees ISA IRQs as edges: drive the line only when the condition
 * changes, so every new condition after the guest cleared the last one is
 * a fresh rising edge. */
static void update_irq(struct uart *u)
{
	int level = pending_interrupt(u) != IIR_NO_INT &&
		    (u->mcr & MCR_OUT2) && !(u->mcr & MCR_LOOP);

	if (level != u->irq_level) {
		u->irq_level = level;
		irq_line_set(&u->irq, level);
	}
}

/* ---- character timeout: data below the trigger level and no FIFO
 * activity for 4 character times (16550D "FIFO interrupt mode"). */

static uint64_t char_time_ns(const struct uart *u)
{
	unsigned divisor = u->dll | (u->dlm << 8);
	unsigned bits = 1 + 5 + (u->lcr & 3) + 1 + ((u->lcr >> 2) & 1) +
			((u->lcr >> 3) & 1);

	if (!divisor)
		divisor = 1;
	return (uint64_t)bits * divisor * 16 * NSEC_PER_SEC / UART_CLOCK_HZ;
}

static void restart_timeout(struct uart *u)
{
	u->timeout_pending = false;
	if (!fifo_enabled(u) || !u->rx_count)
		return;
	if (!u->timers) {
		u->timeout_pending = true; /* no clock: the time is up now */
		return;
	}
	dm_timer_mod(&u->timeout_timer,
		     dm_now(u->timers) + 4 * char_time_ns(u));
}

static void timeout_expired(void *opaque)
{
	struct uart *u = opaque;

	u->timeout_pending = fifo_enabled(u) && u->rx_count > 0;
	update_irq(u);
}

/* ---- receiving */

static void rx_push(struct uart *u, uint8_t byte)
{
	if (u->rx_count >= rx_capacity(u)) {
		/* 16550D: on overrun the FIFO keeps its contents and the
		 * new character is lost. */
		u->lsr_errors |= LSR_OE;
		return;
	}
	u->rx_fifo[(u->rx_head + u->rx_count) % FIFO_SIZE] = byte;
	u->rx_count++;
}

size_t uart_receive(struct uart *u, const uint8_t *buf, size_t len)
{
	size_t n = 0;

	/* Loopback disconnects the serial input (16550D "MCR bit 4"). */
	if (u->mcr & MCR_LOOP)
		return len;
	while (n < len && u->rx_count < rx_capacity(u))
		rx_push(u, buf[n++]);
	if (n) {
		restart_timeout(u);
		update_irq(u);
	}
	return n;
}

static size_t receive_from_chardev(void *opaque, const uint8_t *buf,
				   size_t len)
{
	return uart_receive(opaque, buf, len);
}

/* ---- modem status */

static uint8_t modem_lines(const struct uart *u)
{
	uint8_t m = u->mcr;

	/* Loopback wires DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD. */
	if (m & MCR_LOOP)
		return (m & MCR_DTR ? MSR_DSR : 0) | (m & MCR_RTS ? MSR_CTS : 0) |
		       (m & MCR_OUT1 ? MSR_RI : 0) | (m & MCR_OUT2 ? MSR_DCD : 0);
	/* A null-modem peer that is always there and ready. */
	return MSR_DCD | MSR_DSR | MSR_CTS;
}

static void update_msr(struct uart *u)
{
	uint8_t old = u->msr, now = modem_lines(u);
	uint8_t changed = old ^ now;
	uint8_t delta = 0;

	if (changed & MSR_CTS)
		delta |= MSR_DCTS;
	if (changed & MSR_DSR)
		delta |= MSR_DDSR;
	if ((old & MSR_RI) && !(now & MSR_RI))
		delta |= MSR_TERI; /* trailing edge only */
	if (changed & MSR_DCD)
		delta |= MSR_DDCD;
	u->msr = now | (old & MSR_DELTA) | delta;
}

/* ---- register reads */

static uint8_t read_rbr(struct uart *u)
{
	uint8_t byte = 0;

	if (u->rx_count)
		byte = rx_pop(u);
	restart_timeout(u);
	return byte;
}

static uint8_t read_iir(struct uart *u)
{
	uint8_t iir = iir_value(u);

	/* Reading IIR while THRE is the source clears it (16550D table IV). */
	if ((iir & 0x0f) == IIR_ID_THRE)
		u->thre_pending = false;
	return iir;
}

static uint8_t read_lsr(struct uart *u)
{
	uint8_t lsr = LSR_THRE | LSR_TEMT | u->lsr_errors |
		      (u->rx_count ? LSR_DR : 0);

	u->lsr_errors = 0;
	return lsr;
}

static uint8_t read_msr(struct uart *u)
{
	uint8_t msr = u->msr;

	u->msr &= ~MSR_DELTA;
	return msr;
}

static uint8_t uart_read_reg(struct uart *u, unsigned reg)
{
	bool dlab = u->lcr & LCR_DLAB;

	switch (reg) {
	case REG_RBR_THR:
		return dlab ? u->dll : read_rbr(u);
	case REG_IER:
		return dlab ? u->dlm : u->ier;
	case REG_IIR_FCR:
		return read_iir(u);
	case REG_LCR:
		return u->lcr;
	case REG_MCR:
		return u->mcr;
	case REG_LSR:
		return read_lsr(u);
	case REG_MSR:
		return read_msr(u);
	default:
		return u->scr;
	}
}

/* ---- register writes */

static void write_thr(struct uart *u, uint8_t byte)
{
	u->thre_pending = false;
	if (u->mcr & MCR_LOOP) {
		rx_push(u, byte);
		restart_timeout(u);
	} else if (u->cd) {
		chardev_write(u->cd, &byte, 1);
	}
	/* Sent at once: THR is empty again, which is a new THRE event. */
	u->thre_pending = true;
}

static void write_ier(struct uart *u, uint8_t value)
{
	uint8_t old = u->ier;

	u->ier = value & 0x0f;
	/* Enabling ETBEI with THR empty raises THRE at once; disabling it
	 * forgets the latched event. */
	if (!(old & IER_ETBEI) && (u->ier & IER_ETBEI))
		u->thre_pending = true;
	else if (!(u->ier & IER_ETBEI))
		u->thre_pending = false;
}

static void write_fcr(struct uart *u, uint8_t value)
{
	/* Switching FIFO mode on or off empties both FIFOs. */
	if ((value ^ u->fcr) & FCR_ENABLE)
		rx_clear(u);
	else if (value & FCR_CLEAR_RX)
		rx_clear(u);
	/* FCR_CLEAR_TX: the transmitter never holds anything. */
	u->fcr = value & (FCR_ENABLE | FCR_DMA_MODE | 0xc0);
	restart_timeout(u);
}

static void write_mcr(struct uart *u, uint8_t value)
{
	u->mcr = value & 0x1f;
	update_msr(u);
}

static void uart_write_reg(struct uart *u, unsigned reg, uint8_t value)
{
	bool dlab = u->lcr & LCR_DLAB;

	switch (reg) {
	case REG_RBR_THR:
		if (dlab)
			u->dll = value;
		else
			write_thr(u, value);
		break;
	case REG_IER:
		if (dlab)
			u->dlm = value;
		else
			write_ier(u, value);
		break;
	case REG_IIR_FCR:
		write_fcr(u, value);
		break;
	case REG_LCR:
		u->lcr = value;
		break;
	case REG_MCR:
		write_mcr(u, value);
		break;
	case REG_SCR:
		u->scr = value;
		break;
	default:
		break; /* LSR and MSR are read-only (factory test only) */
	}
}

/* ---- bus glue: byte registers; wider accesses touch consecutive ones */

static uint64_t uart_io_read(void *opaque, uint64_t offset, unsigned size)
{
	struct uart *u = opaque;
	uint64_t value = 0;
	bool had_room = u->rx_count < rx_capacity(u);

	for (unsigned i = 0; i < size && offset + i < UART_NR_PORTS; i++)
		value |= (uint64_t)uart_read_reg(u, offset + i) << (8 * i);
	update_irq(u);
	/* A read made room in the FIFO: let the backend deliver more. */
	if (!had_room && u->rx_count < rx_capacity(u))
		chardev_accept_input(u->cd);
	return value;
}

static void uart_io_write(void *opaque, uint64_t offset, unsigned size,
			  uint64_t value)
{
	struct uart *u = opaque;

	for (unsigned i = 0; i < size && offset + i < UART_NR_PORTS; i++)
		uart_write_reg(u, offset + i, value >> (8 * i));
	update_irq(u);
	/* FCR may have emptied the FIFO, IER/MCR changed nothing to take. */
	chardev_accept_input(u->cd);
}

void uart_reset(struct uart *u)
{
	rx_clear(u);
	u->ier = u->lcr = u->mcr = u->scr = u->fcr = 0;
	u->lsr_errors = 0;
	u->thre_pending = false;
	u->dll = 12; /* 9600 baud until the firmware sets a rate */
	u->dlm = 0;
	u->msr = modem_lines(u);
	update_irq(u);
}

static const struct io_ops uart_io_ops = {
	.read = uart_io_read,
	.write = uart_io_write,
};

struct uart *uart_create(struct io_bus *pio, uint16_t base,
			 struct irq_line irq, struct chardev *cd,
			 struct dm_timer_list *timers)
{
	struct uart *u = calloc(1, sizeof(*u));
	int r;

	if (!u)
		return NULL;
	u->pio = pio;
	u->base = base;
	u->irq = irq;
	u->cd = cd;
	u->timers = timers;
	if (timers)
		dm_timer_init(&u->timeout_timer, timers, timeout_expired, u);
	uart_reset(u);
	r = io_bus_register(pio, base, UART_NR_PORTS, &uart_io_ops, u, "uart");
	if (r) {
		free(u);
		errno = -r;
		return NULL;
	}
	if (cd)
		chardev_set_receiver(cd, receive_from_chardev, u);
	return u;
}

void uart_destroy(struct uart *u)
{
	if (!u)
		return;
	if (u->cd)
		chardev_set_receiver(u->cd, NULL, NULL);
	if (u->timers)
		dm_timer_del(&u->timeout_timer);
	io_bus_unregister(u->pio, u->base);
	free(u);
}
