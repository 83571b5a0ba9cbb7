/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NS16550A UART (COM1: base 0x3F8, IRQ 4; COM2: 0x2F8, IRQ 3).
 *
 * Transmission is instant (no baud-rate pacing): THR writes go straight to
 * the character backend and the transmitter is always empty again. Input
 * from the backend fills the 16-byte RX FIFO.
 */
#ifndef DEVMODEL_CHIPSET_UART_H
#define DEVMODEL_CHIPSET_UART_H

#include <stddef.h>
#include <stdint.h>

#include "devmodel/core/chardev.h"
#include "devmodel/core/io.h"
#include "devmodel/core/irq.h"
#include "devmodel/core/timer.h"

#define UART_COM1_BASE 0x3f8
#define UART_COM1_IRQ  4
#define UART_NR_PORTS  8

struct uart;

/*
 * Create the UART and register its 8 ports at base on pio. cd may be NULL
 * (output dropped, no input); otherwise the UART becomes cd's receiver.
 * timers drives the FIFO's character-timeout interrupt; NULL reports the
 * timeout at once. NULL with errno on failure.
 */
struct uart *uart_create(struct io_bus *pio, uint16_t base,
			 struct irq_line irq, struct chardev *cd,
			 struct dm_timer_list *timers);
/* Unregisters the ports; the chardev stays the caller's. */
void uart_destroy(struct uart *u);
/* Machine reset: power-on register values, FIFOs emptied. */
void uart_reset(struct uart *u);

/* Input for the guest (what the chardev delivers): returns the bytes the
 * RX FIFO took. */
size_t uart_receive(struct uart *u, const uint8_t *buf, size_t len);

#endif /* DEVMODEL_CHIPSET_UART_H */
