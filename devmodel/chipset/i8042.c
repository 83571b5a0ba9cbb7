// SPDX-License-Identifier: GPL-2.0
/*
 * 8042 keyboard controller, after IBM's "Personal System/2 Hardware
 * Interface Technical Reference" (keyboard/auxiliary device controller
 * chapter: status register, command byte, controller commands) and its
 * keyboard and pointing-device chapters for the devices' replies.
 *
 * The controller has one output buffer. Bytes waiting for it come from
 * three queues, in this order: the controller's own replies (never blocked
 * by the port-disable bits), the keyboard, the mouse (each only while its
 * port is enabled in the command byte). A byte in the output buffer raises
 * IRQ 1 (keyboard) or IRQ 12 (mouse) when the command byte enables it; the
 * line drops when the guest reads port 0x60 and rises again for the next
 * byte, so the edge-triggered PIC sees one edge per byte.
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

#define KBD_ACK      0xfa
#define KBD_BAT_OK   0xaa

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

	struct queue ctrl_q, kbd_q, aux_q;
	uint8_t ob;
	bool ob_full, ob_aux;

	/* keyboard */
	uint8_t kbd_arg_cmd; /* ED, F0, F3: the next byte is the argument */
	bool kbd_scanning;
	uint8_t scancode_set, leds;

	/* mouse: replies only, no movement yet */
	uint8_t aux_arg_cmd; /* E8, F3 */
	bool aux_streaming;
	uint8_t aux_resolution, aux_rate;
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

static void fill_output_buffer(struct i8042 *k)
{
	uint16_t value;

	if (k->ob_full)
		return;
	if (k->ctrl_q.count)
		value = queue_pop(&k->ctrl_q);
	else if (k->kbd_q.count && !(k->ctr & CTR_KBD_DIS))
		value = queue_pop(&k->kbd_q);
	else if (k->aux_q.count && !(k->ctr & CTR_AUX_DIS))
		value = queue_pop(&k->aux_q) | FROM_AUX;
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

static void kbd_reply(struct i8042 *k, uint8_t byte)
{
	queue_push(&k->kbd_q, byte);
}

static void aux_reply(struct i8042 *k, uint8_t byte)
{
	queue_push(&k->aux_q, byte);
}

/* ---- keyboard device */

static void kbd_defaults(struct i8042 *k)
{
	k->scancode_set = 2;
	k->leds = 0;
	k->kbd_arg_cmd = 0;
}

/* With translation on, the 8042 turns the keyboard's set-2 bytes into
 * set 1, which also changes how the keyboard's ID and set number read. */
static uint8_t translated(const struct i8042 *k, uint8_t byte)
{
	static const struct { uint8_t from, to; } map[] = {
		{ 0x83, 0x41 }, { 0x01, 0x43 }, { 0x02, 0x41 }, { 0x03, 0x3f },
	};

	if (!(k->ctr & CTR_XLATE))
		return byte;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].from == byte)
			return map[i].to;
	return byte;
}

static void kbd_argument(struct i8042 *k, uint8_t arg)
{
	uint8_t cmd = k->kbd_arg_cmd;

	k->kbd_arg_cmd = 0;
	kbd_reply(k, KBD_ACK);
	if (cmd == 0xed)
		k->leds = arg & 7;
	else if (cmd == 0xf0 && arg == 0)
		kbd_reply(k, translated(k, k->scancode_set));
	else if (cmd == 0xf0 && arg <= 3)
		k->scancode_set = arg;
	/* 0xf3 typematic rate/delay: nothing is repeated here */
}

static void kbd_command(struct i8042 *k, uint8_t cmd)
{
	if (k->kbd_arg_cmd) {
		kbd_argument(k, cmd);
		return;
	}
	switch (cmd) {
	case 0xed: /* set LEDs */
	case 0xf0: /* get/set scancode set */
	case 0xf3: /* typematic */
		k->kbd_arg_cmd = cmd;
		kbd_reply(k, KBD_ACK);
		break;
	case 0xee: /* echo */
		kbd_reply(k, 0xee);
		break;
	case 0xf2: /* identify: an MF2 keyboard */
		kbd_reply(k, KBD_ACK);
		kbd_reply(k, 0xab);
		kbd_reply(k, translated(k, 0x83));
		break;
	case 0xf4: /* enable scanning */
		k->kbd_scanning = true;
		kbd_reply(k, KBD_ACK);
		break;
	case 0xf5: /* disable scanning and restore defaults */
		k->kbd_scanning = false;
		kbd_defaults(k);
		kbd_reply(k, KBD_ACK);
		break;
	case 0xff: /* reset and basic assurance test */
		queue_clear(&k->kbd_q);
		kbd_defaults(k);
		k->kbd_scanning = true;
		kbd_reply(k, KBD_ACK);
		kbd_reply(k, KBD_BAT_OK);
		break;
	default: /* F6 defaults, F7..FD key modes, ...: acknowledged */
		if (cmd == 0xf6)
			kbd_defaults(k);
		kbd_reply(k, KBD_ACK);
		break;
	}
}

/* ---- mouse device: a plain PS/2 mouse (ID 0) that never moves */

static void aux_defaults(struct i8042 *k)
{
	k->aux_streaming = false;
	k->aux_resolution = 2; /* 4 counts/mm */
	k->aux_rate = 100;
	k->aux_arg_cmd = 0;
}

static void aux_command(struct i8042 *k, uint8_t cmd)
{
	if (k->aux_arg_cmd) {
		if (k->aux_arg_cmd == 0xe8)
			k->aux_resolution = cmd & 3;
		else
			k->aux_rate = cmd;
		k->aux_arg_cmd = 0;
		aux_reply(k, KBD_ACK);
		return;
	}
	aux_reply(k, KBD_ACK);
	switch (cmd) {
	case 0xe8: /* set resolution */
	case 0xf3: /* set sample rate */
		k->aux_arg_cmd = cmd;
		break;
	case 0xe9: /* status request: mode, resolution, rate */
		aux_reply(k, k->aux_streaming ? 0x20 : 0);
		aux_reply(k, k->aux_resolution);
		aux_reply(k, k->aux_rate);
		break;
	case 0xeb: /* read data: a packet without movement */
		aux_reply(k, 0x08);
		aux_reply(k, 0);
		aux_reply(k, 0);
		break;
	case 0xf2: /* identify: standard mouse */
		aux_reply(k, 0x00);
		break;
	case 0xf4:
		k->aux_streaming = true;
		break;
	case 0xf5:
		k->aux_streaming = false;
		break;
	case 0xf6:
		aux_defaults(k);
		break;
	case 0xff: /* reset: ACK, BAT passed, ID 0 */
		aux_defaults(k);
		aux_reply(k, KBD_BAT_OK);
		aux_reply(k, 0x00);
		break;
	default:
		break;
	}
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
		aux_command(k, value);
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
	kbd_command(k, value);
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
	if (!k->kbd_scanning)
		return 0;
	/* All of a key's bytes or none: half a sequence confuses atkbd. */
	if (k->kbd_q.count + len > QUEUE_SIZE)
		return -ENOSPC;
	for (size_t i = 0; i < len; i++)
		kbd_reply(k, bytes[i]);
	settle(k);
	return 0;
}

/* Placeholder until the keyboard speaks every scan code set: set-1 bytes
 * only while the controller translates (what SeaBIOS and Linux set up). */
void i8042_keyboard_event(struct i8042 *k, uint16_t code, bool down)
{
	uint8_t bytes[2];
	size_t n = 0;

	if (!i8042_translating(k))
		return;
	if (code & 0xff00)
		bytes[n++] = code >> 8;
	bytes[n++] = (code & 0x7f) | (down ? 0 : 0x80);
	i8042_key_event(k, bytes, n);
}

/* Placeholder: the mouse does not move yet. */
void i8042_mouse_event(struct i8042 *k, int dx, int dy, int dz,
		       unsigned buttons)
{
	(void)k, (void)dx, (void)dy, (void)dz, (void)buttons;
}

/* ---- creation and reset */

void i8042_reset(struct i8042 *k)
{
	queue_clear(&k->ctrl_q);
	queue_clear(&k->kbd_q);
	queue_clear(&k->aux_q);
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
	kbd_defaults(k);
	k->kbd_scanning = true;
	aux_defaults(k);
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
	free(k);
}
