// SPDX-License-Identifier: GPL-2.0
/*
 * 8042 keyboard controller, after IBM's "Personal System/2 Hardware
 * Interface Technical Reference" (keyboard/auxiliary device controller
 * chapter: status register, command byte, controller commands) and its
 * keyboard and pointing-device chapters for the devices' replies.
 *
 * The devices are their own files: the keyboard on the first port
 * (devmodel/input/ps2_keyboard.c), the mouse on the auxiliary port
 * (devmodel/input/ps2_mouse.c). The controller has one output buffer.
 * Bytes for it come, in this order, from the controller's own replies
 * (never blocked by the port-disable bits), the keyboard, the mouse (each
 * only while its port is enabled in the command byte); the keyboard's
 * bytes pass through the set-2 -> set-1 translation when command byte
 * bit 6 asks for it, as on the real part: the keyboard always speaks its
 * own set.
 *
 * A byte in the output buffer raises IRQ 1 (keyboard) or IRQ 12 (mouse)
 * when the command byte enables it; the line drops when the guest reads
 * port 0x60 and rises again for the next byte, so the edge-triggered PIC
 * sees one edge per byte.
 *
 * Guests met here: SeaBIOS (ps2port.c: self-test 0xAA, interface test
 * 0xAB, keyboard reset FF -> FA AA, F5, F0 02, F4) and Linux's i8042.c
 * (command byte, aux loop 0xD3 with IRQ 12, 0xA9) and atkbd/psmouse.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "devmodel/chipset/i8042.h"
#include "devmodel/input/ps2_keyboard.h"
#include "devmodel/input/ps2_mouse.h"

/* Status register (port 0x64 read). */
#define STAT_OBF     0x01 /* output buffer full */
#define STAT_IBF     0x02 /* input buffer full: never, we are instant */
#define STAT_SYS     0x04 /* system flag: set by self-test / command byte */
#define STAT_A2      0x08 /* last write was to 0x64 (a command) */
#define STAT_INH     0x10 /* 1 = keyboard not inhibited (no key lock) */
#define STAT_AUX_OBF 0x20 /* the byte is from the mouse */

/* Command byte. */
#define CTR_KBD_INT  0x01
#define CTR_AUX_INT  0x02
#define CTR_SYS      0x04
#define CTR_KBD_DIS  0x10
#define CTR_AUX_DIS  0x20
#define CTR_XLATE    0x40

/* Output port (0xD0/0xD1). */
#define OUT_RESET    0x01 /* 0 = CPU held in reset */
#define OUT_A20      0x02

#define QUEUE_SIZE   64
#define FROM_AUX     0x100 /* controller queue entries: byte | FROM_AUX */

struct queue {
	uint16_t buf[QUEUE_SIZE];
	unsigned head, count;
};

struct i8042 {
	struct io_bus *pio;
	struct irq_line kbd_irq, aux_irq;
	int kbd_level, aux_level;
	void (*reset_request)(void *opaque);
	void *opaque;

	uint8_t ctr, outport;
	bool sys_flag, last_was_command;
	uint8_t pending_cmd; /* controller command awaiting its data byte */

	struct queue ctrl_q;
	uint8_t ob;
	bool ob_full, ob_aux;
	bool xlate_break; /* translating: an F0 came, the next byte breaks */

	struct ps2_keyboard *kbd;
	struct ps2_mouse *aux;
};

/* ---- queues and the output buffer */

static int queue_push(struct queue *q, uint16_t value)
{
	if (q->count == QUEUE_SIZE)
		return -ENOSPC;
	q->buf[(q->head + q->count) % QUEUE_SIZE] = value;
	q->count++;
	return 0;
}

static uint16_t queue_pop(struct queue *q)
{
	uint16_t value = q->buf[q->head];

	q->head = (q->head + 1) % QUEUE_SIZE;
	q->count--;
	return value;
}

static void queue_clear(struct queue *q)
{
	q->head = q->count = 0;
}

static void update_irq(struct i8042 *k)
{
	int kbd = k->ob_full && !k->ob_aux && (k->ctr & CTR_KBD_INT);
	int aux = k->ob_full && k->ob_aux && (k->ctr & CTR_AUX_INT);

	if (kbd != k->kbd_level) {
		k->kbd_level = kbd;
		irq_line_set(&k->kbd_irq, kbd);
	}
	if (aux != k->aux_level) {
		k->aux_level = aux;
		irq_line_set(&k->aux_irq, aux);
	}
}

static bool keyboard_byte(struct i8042 *k, uint8_t *out);

static void fill_output_buffer(struct i8042 *k)
{
	uint16_t value;
	uint8_t byte;

	if (k->ob_full)
		return;
	if (k->ctrl_q.count)
		value = queue_pop(&k->ctrl_q);
	else if (!(k->ctr & CTR_KBD_DIS) && keyboard_byte(k, &byte))
		value = byte;
	else if (!(k->ctr & CTR_AUX_DIS) && ps2_mouse_pending(k->aux))
		value = ps2_mouse_read(k->aux) | FROM_AUX;
	else
		return;
	k->ob = value & 0xff;
	k->ob_aux = value & FROM_AUX;
	k->ob_full = true;
}

static void controller_reply(struct i8042 *k, uint16_t value)
{
	queue_push(&k->ctrl_q, value);
}

/* ---- translation (command byte bit 6) */

/* The 8042's set-2 -> set-1 table (IBM PS/2 TR, keyboard/auxiliary
 * device controller, "scan code translation"): the keyboard's byte
 * indexes it; bytes 0x80 and up pass through except F7's 0x83 and
 * SysRq's 0x84. A set-2 break prefix F0 is not passed on: it sets bit 7
 * of the byte that follows. */
static const uint8_t set2_to_set1[0x80] = {
	0xff, 0x43, 0x41, 0x3f, 0x3d, 0x3b, 0x3c, 0x58,
	0x64, 0x44, 0x42, 0x40, 0x3e, 0x0f, 0x29, 0x59,
	0x65, 0x38, 0x2a, 0x70, 0x1d, 0x10, 0x02, 0x5a,
	0x66, 0x71, 0x2c, 0x1f, 0x1e, 0x11, 0x03, 0x5b,
	0x67, 0x2e, 0x2d, 0x20, 0x12, 0x05, 0x04, 0x5c,
	0x68, 0x39, 0x2f, 0x21, 0x14, 0x13, 0x06, 0x5d,
	0x69, 0x31, 0x30, 0x23, 0x22, 0x15, 0x07, 0x5e,
	0x6a, 0x72, 0x32, 0x24, 0x16, 0x08, 0x09, 0x5f,
	0x6b, 0x33, 0x25, 0x17, 0x18, 0x0b, 0x0a, 0x60,
	0x6c, 0x34, 0x35, 0x26, 0x27, 0x19, 0x0c, 0x61,
	0x6d, 0x73, 0x28, 0x74, 0x1a, 0x0d, 0x62, 0x6e,
	0x3a, 0x36, 0x1c, 0x1b, 0x75, 0x2b, 0x63, 0x76,
	0x55, 0x56, 0x77, 0x78, 0x79, 0x7a, 0x0e, 0x7b,
	0x7c, 0x4f, 0x7d, 0x4b, 0x47, 0x7e, 0x7f, 0x6f,
	0x52, 0x53, 0x50, 0x4c, 0x4d, 0x48, 0x01, 0x45,
	0x57, 0x4e, 0x51, 0x4a, 0x37, 0x49, 0x46, 0x54,
};

uint8_t i8042_translate_byte(uint8_t byte)
{
	if (byte < 0x80)
		return set2_to_set1[byte];
	if (byte == 0x83)
		return 0x41;
	if (byte == 0x84)
		return 0x54;
	return byte;
}

/* The next byte from the keyboard as the guest reads it; false when the
 * keyboard has nothing (or only a break prefix so far). */
static bool keyboard_byte(struct i8042 *k, uint8_t *out)
{
	while (ps2_keyboard_pending(k->kbd)) {
		uint8_t byte = ps2_keyboard_read(k->kbd);

		if (!(k->ctr & CTR_XLATE)) {
			*out = byte;
			return true;
		}
		if (byte == 0xf0) {
			k->xlate_break = true;
			continue;
		}
		*out = i8042_translate_byte(byte) |
		       (k->xlate_break ? 0x80 : 0);
		k->xlate_break = false;
		return true;
	}
	return false;
}

/* ---- controller */

static void pulse_reset(struct i8042 *k)
{
	if (k->reset_request)
		k->reset_request(k->opaque);
}

static void write_output_port(struct i8042 *k, uint8_t value)
{
	k->outport = value;
	/* Bit 0 drives the CPU's reset line, active low. A20 (bit 1) is
	 * recorded only: the machine keeps A20 enabled. */
	if (!(value & OUT_RESET))
		pulse_reset(k);
}

static void write_command_byte(struct i8042 *k, uint8_t value)
{
	k->ctr = value;
	k->sys_flag = value & CTR_SYS;
}

/* Data byte for a controller command that takes one (0x60, 0xD1-0xD4). */
static void command_data(struct i8042 *k, uint8_t cmd, uint8_t value)
{
	switch (cmd) {
	case 0x60:
		write_command_byte(k, value);
		break;
	case 0xd1:
		write_output_port(k, value);
		break;
	case 0xd2: /* as if the keyboard had sent it */
		controller_reply(k, value);
		break;
	case 0xd3: /* as if the mouse had sent it: Linux's aux loop test */
		controller_reply(k, value | FROM_AUX);
		break;
	case 0xd4: /* to the mouse; talking to it enables its port */
		k->ctr &= ~CTR_AUX_DIS;
		ps2_mouse_write(k->aux, value);
		break;
	}
}

static void write_data(struct i8042 *k, uint8_t value)
{
	uint8_t cmd = k->pending_cmd;

	k->last_was_command = false;
	k->pending_cmd = 0;
	if (cmd) {
		command_data(k, cmd, value);
		return;
	}
	/* Bytes to port 0x60 go to the keyboard, and enable its port. */
	k->ctr &= ~CTR_KBD_DIS;
	ps2_keyboard_write(k->kbd, value);
}

static void write_command(struct i8042 *k, uint8_t cmd)
{
	k->last_was_command = true;
	k->pending_cmd = 0;
	switch (cmd) {
	case 0x20: /* read command byte */
		controller_reply(k, k->ctr);
		break;
	case 0x60: /* write command byte */
	case 0xd1: /* write output port */
	case 0xd2: /* write keyboard output buffer */
	case 0xd3: /* write aux output buffer */
	case 0xd4: /* write to aux device */
		k->pending_cmd = cmd;
		break;
	case 0xa7:
		k->ctr |= CTR_AUX_DIS;
		break;
	case 0xa8:
		k->ctr &= ~CTR_AUX_DIS;
		break;
	case 0xa9: /* aux interface test: no fault */
	case 0xab: /* keyboard interface test: no fault */
		controller_reply(k, 0x00);
		break;
	case 0xaa: /* self-test: passed, and the system flag is set */
		k->sys_flag = true;
		controller_reply(k, 0x55);
		break;
	case 0xad:
		k->ctr |= CTR_KBD_DIS;
		break;
	case 0xae:
		k->ctr &= ~CTR_KBD_DIS;
		break;
	case 0xd0: /* read output port */
		controller_reply(k, k->outport);
		break;
	case 0xdd: /* A20 off / on (not on every 8042, harmless) */
	case 0xdf:
		k->outport = (k->outport & ~OUT_A20) | (cmd == 0xdf ? OUT_A20 : 0);
		break;
	default:
		/* 0xF0-0xFF pulse output port bits 3:0 low for 6 us where the
		 * command's bit is 0: bit 0 is the reset line (0xFE). */
		if (cmd >= 0xf0 && !(cmd & 1))
			pulse_reset(k);
		break;
	}
}

static uint8_t read_status(const struct i8042 *k)
{
	return (k->ob_full ? STAT_OBF : 0) |
	       (k->ob_full && k->ob_aux ? STAT_AUX_OBF : 0) |
	       (k->sys_flag ? STAT_SYS : 0) |
	       (k->last_was_command ? STAT_A2 : 0) | STAT_INH;
}

static uint8_t read_data(struct i8042 *k)
{
	/* An empty buffer reads as the last byte, as on the real part. */
	if (!k->ob_full)
		return k->ob;
	k->ob_full = false;
	update_irq(k); /* drop the line, so the next byte is a new edge */
	return k->ob;
}

/* After every access: move the next waiting byte into the buffer and
 * drive the lines from the result. */
static void settle(struct i8042 *k)
{
	fill_output_buffer(k);
	update_irq(k);
}

/* ---- bus glue: port 0x60 (data) and 0x64 (status / command) */

static uint64_t data_io_read(void *opaque, uint64_t offset, unsigned size)
{
	struct i8042 *k = opaque;
	uint8_t value = read_data(k);

	(void)offset;
	(void)size;
	settle(k);
	return value;
}

static void data_io_write(void *opaque, uint64_t offset, unsigned size,
			  uint64_t value)
{
	struct i8042 *k = opaque;

	(void)offset;
	(void)size;
	write_data(k, value);
	settle(k);
}

static uint64_t command_io_read(void *opaque, uint64_t offset, unsigned size)
{
	(void)offset;
	(void)size;
	return read_status(opaque);
}

static void command_io_write(void *opaque, uint64_t offset, unsigned size,
			     uint64_t value)
{
	struct i8042 *k = opaque;

	(void)offset;
	(void)size;
	write_command(k, value);
	settle(k);
}

/* ---- key input from consoles */

bool i8042_translating(const struct i8042 *k)
{
	return k->ctr & CTR_XLATE;
}

int i8042_key_event(struct i8042 *k, const uint8_t *bytes, size_t len)
{
	return ps2_keyboard_send_raw(k->kbd, bytes, len);
}

void i8042_keyboard_event(struct i8042 *k, uint16_t code, bool down)
{
	ps2_keyboard_key(k->kbd, code, down);
}

void i8042_mouse_event(struct i8042 *k, int dx, int dy, int dz,
		       unsigned buttons)
{
	ps2_mouse_motion(k->aux, dx, dy, dz, buttons);
}

struct ps2_keyboard *i8042_keyboard(struct i8042 *k)
{
	return k->kbd;
}

struct ps2_mouse *i8042_mouse(struct i8042 *k)
{
	return k->aux;
}

void i8042_attach_timers(struct i8042 *k, struct dm_timer_list *timers)
{
	ps2_keyboard_set_timers(k->kbd, timers);
}

/* A device queued bytes on its own (a key, a motion, a repeat). */
static void port_data_ready(void *opaque)
{
	settle(opaque);
}

/* ---- creation and reset */

void i8042_reset(struct i8042 *k)
{
	queue_clear(&k->ctrl_q);
	k->xlate_break = false;
	k->ob = 0;
	k->ob_full = k->ob_aux = false;
	k->pending_cmd = 0;
	k->last_was_command = false;
	/* Power-on: both IRQs enabled, no translation until the firmware
	 * writes its command byte; the system flag is clear until the
	 * self-test (IBM PS/2 TR, "system flag"). */
	k->ctr = CTR_KBD_INT | CTR_AUX_INT;
	k->sys_flag = false;
	k->outport = OUT_RESET | OUT_A20;
	ps2_keyboard_reset(k->kbd);
	ps2_mouse_reset(k->aux);
	update_irq(k);
}

static const struct io_ops i8042_data_ops = {
	.read = data_io_read,
	.write = data_io_write,
};

static const struct io_ops i8042_command_ops = {
	.read = command_io_read,
	.write = command_io_write,
};

struct i8042 *i8042_create(struct io_bus *pio, struct irq_line kbd_irq,
			   struct irq_line aux_irq,
			   void (*reset_request)(void *opaque), void *opaque)
{
	struct i8042 *k = calloc(1, sizeof(*k));
	int r;

	if (!k)
		return NULL;
	k->pio = pio;
	k->kbd_irq = kbd_irq;
	k->aux_irq = aux_irq;
	k->reset_request = reset_request;
	k->opaque = opaque;
	k->kbd = ps2_keyboard_create((struct ps2_port){ port_data_ready, k },
				     NULL);
	k->aux = ps2_mouse_create((struct ps2_port){ port_data_ready, k });
	if (!k->kbd || !k->aux) {
		ps2_keyboard_destroy(k->kbd);
		ps2_mouse_destroy(k->aux);
		free(k);
		errno = ENOMEM;
		return NULL;
	}
	i8042_reset(k);
	r = io_bus_register(pio, I8042_DATA_PORT, 1, &i8042_data_ops, k,
			    "i8042-data");
	if (!r) {
		r = io_bus_register(pio, I8042_COMMAND_PORT, 1,
				    &i8042_command_ops, k, "i8042-cmd");
		if (r)
			io_bus_unregister(pio, I8042_DATA_PORT);
	}
	if (r) {
		ps2_keyboard_destroy(k->kbd);
		ps2_mouse_destroy(k->aux);
		free(k);
		errno = -r;
		return NULL;
	}
	return k;
}

void i8042_destroy(struct i8042 *k)
{
	if (!k)
		return;
	io_bus_unregister(k->pio, I8042_DATA_PORT);
	io_bus_unregister(k->pio, I8042_COMMAND_PORT);
	ps2_keyboard_destroy(k->kbd);
	ps2_mouse_destroy(k->aux);
	free(k);
}
