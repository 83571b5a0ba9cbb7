/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a PS/2 device (ps2_keyboard, ps2_mouse) and the 8042 controller's
 * port share: the device's byte queue and the "bytes are waiting" call.
 *
 * On the wire the device clocks a byte out whenever the controller lets it
 * (IBM PS/2 TR, keyboard/auxiliary device controller: the controller holds
 * the clock line low while its output buffer is full). Here the controller
 * pulls: it asks ps2_*_pending() and takes one byte with ps2_*_read() when
 * its output buffer is free and the port is enabled; bytes the device
 * produces on its own (a key, a motion, a typematic repeat) are followed by
 * the port's data_ready call so the controller looks again.
 */
#ifndef DEVMODEL_INPUT_PS2_H
#define DEVMODEL_INPUT_PS2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PS2_ACK    0xfa
#define PS2_RESEND 0xfe
#define PS2_BAT_OK 0xaa

/* The controller side of a port, given to the device at creation. */
struct ps2_port {
	void (*data_ready)(void *opaque);
	void *opaque;
};

static inline void ps2_port_data_ready(const struct ps2_port *port)
{
	if (port->data_ready)
		port->data_ready(port->opaque);
}

/* A bounded FIFO of bytes; the capacity is the array's. */
#define PS2_QUEUE_MAX 32

struct ps2_queue {
	uint8_t buf[PS2_QUEUE_MAX];
	unsigned head, count;
};

static inline unsigned ps2_queue_room(const struct ps2_queue *q)
{
	return PS2_QUEUE_MAX - q->count;
}

static inline bool ps2_queue_push(struct ps2_queue *q, uint8_t byte)
{
	if (q->count == PS2_QUEUE_MAX)
		return false;
	q->buf[(q->head + q->count) % PS2_QUEUE_MAX] = byte;
	q->count++;
	return true;
}

static inline uint8_t ps2_queue_pop(struct ps2_queue *q)
{
	uint8_t byte = q->buf[q->head];

	q->head = (q->head + 1) % PS2_QUEUE_MAX;
	q->count--;
	return byte;
}

static inline uint8_t ps2_queue_last(const struct ps2_queue *q)
{
	return q->buf[(q->head + q->count - 1) % PS2_QUEUE_MAX];
}

static inline void ps2_queue_clear(struct ps2_queue *q)
{
	q->head = q->count = 0;
}

#endif /* DEVMODEL_INPUT_PS2_H */
