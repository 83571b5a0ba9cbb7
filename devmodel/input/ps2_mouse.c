// SPDX-License-Identifier: GPL-2.0
/*
 * PS/2 mouse, after the IBM "Personal System/2 Hardware Interface
 * Technical Reference", pointing device chapter ("Data Report",
 * "Commands", "Scaling", "Modes of Operation": stream, remote, wrap), and
 * Microsoft's IntelliMouse extension as Linux's psmouse-base.c detects it
 * (intellimouse_detect: rates 200, 100, 80, then ID 3).
 *
 * Data report (3 bytes; a 4th with the wheel when the ID is 3):
 *   byte 0: bit 7 Y overflow, 6 X overflow, 5 Y sign, 4 X sign, 3 always 1,
 *           2 middle, 1 right, 0 left button
 *   byte 1: X (9-bit two's complement with the sign bit), right positive
 *   byte 2: Y, up positive (the opposite of the screen's dy)
 *   byte 3: Z, the wheel, -8..7, positive towards the user
 *
 * Motion is counted between reports as the mouse's counters do. In stream
 * mode a large motion leaves as several reports of at most 255 counts
 * each (Linux reads a count byte of 0 as no motion whatever the sign, so
 * -256 is never sent), and while the output is full the counts wait
 * instead of being lost. A Read Data in remote mode is one report: counts
 * beyond the 9-bit range are clamped and flagged with the overflow bits,
 * as the hardware's counters do.
 */
#include <stdlib.h>
#include <string.h>

#include "devmodel/input/input.h"
#include "devmodel/input/ps2_mouse.h"

#define MOUSE_ID_STANDARD     0x00
#define MOUSE_ID_INTELLIMOUSE 0x03

#define PKT_ALWAYS_1  0x08
#define PKT_X_SIGN    0x10
#define PKT_Y_SIGN    0x20
#define PKT_X_OVER    0x40
#define PKT_Y_OVER    0x80

/* Status request byte 1. */
#define STATUS_RIGHT   0x01
#define STATUS_MIDDLE  0x02
#define STATUS_LEFT    0x04
#define STATUS_SCALING 0x10 /* 2:1 */
#define STATUS_ENABLED 0x20
#define STATUS_REMOTE  0x40

#define DEFAULT_RATE        100
#define DEFAULT_RESOLUTION  2   /* 4 counts/mm */
#define STREAM_MAX          255 /* counts per report in stream mode */
#define WHEEL_MIN           (-8)
#define WHEEL_MAX           7
/* Counts waiting while the output is full: a bound so a guest that never
 * reads cannot make the next burst of reports unbounded. */
#define PENDING_MAX         4096

struct ps2_mouse {
	struct ps2_port port;
	struct ps2_queue out;
	uint8_t last_unit[4];   /* the last reply or report, for 0xFE */
	unsigned last_len;

	uint8_t pending_cmd;    /* E8, F3: the argument byte comes next */
	bool reporting, remote, wrap, scaling_2to1;
	uint8_t resolution, rate, id;
	uint8_t rates[3];       /* the last sample rates, for the knock */

	int dx, dy, dz;         /* counted since the last report; dy up */
	unsigned buttons, reported_buttons;
};

/* ---- output */

static void send_unit(struct ps2_mouse *m, const uint8_t *bytes,
		      unsigned len)
{
	for (unsigned i = 0; i < len; i++)
		ps2_queue_push(&m->out, bytes[i]);
	memcpy(m->last_unit, bytes, len);
	m->last_len = len;
}

static void send_byte(struct ps2_mouse *m, uint8_t byte)
{
	send_unit(m, &byte, 1);
}

static unsigned report_size(const struct ps2_mouse *m)
{
	return m->id == MOUSE_ID_INTELLIMOUSE ? 4 : 3;
}

static int clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* 2:1 scaling (TR, "Scaling"): 0, 1, 1, 3, 6, 9 for counts 0-5, then
 * twice the count; the sign is kept. */
static int scale_2to1(int v)
{
	static const int small[] = { 0, 1, 1, 3, 6, 9 };
	int mag = v < 0 ? -v : v;

	mag = mag < 6 ? small[mag] : 2 * mag;
	return v < 0 ? -mag : mag;
}

static void build_report(const struct ps2_mouse *m, int x, int y, int z,
			 bool x_over, bool y_over, uint8_t *pkt)
{
	pkt[0] = PKT_ALWAYS_1 | (m->buttons & 7) |
		 (x < 0 ? PKT_X_SIGN : 0) | (y < 0 ? PKT_Y_SIGN : 0) |
		 (x_over ? PKT_X_OVER : 0) | (y_over ? PKT_Y_OVER : 0);
	pkt[1] = x & 0xff;
	pkt[2] = y & 0xff;
	pkt[3] = z & 0xff;
}

static bool report_due(const struct ps2_mouse *m)
{
	return m->dx || m->dy || m->dz || m->buttons != m->reported_buttons;
}

/* Stream mode: reports for the counted motion while the output has room. */
static void stream_reports(struct ps2_mouse *m)
{
	/* With 2:1 the count is scaled after the split: halve the chunk. */
	int limit = m->scaling_2to1 ? STREAM_MAX / 2 : STREAM_MAX;
	unsigned size = report_size(m);

	if (!m->reporting || m->remote || m->wrap)
		return;
	while (report_due(m) && ps2_queue_room(&m->out) >= size) {
		int x = clamp(m->dx, -limit, limit);
		int y = clamp(m->dy, -limit, limit);
		int z = clamp(m->dz, WHEEL_MIN, WHEEL_MAX);
		uint8_t pkt[4];

		m->dx -= x;
		m->dy -= y;
		m->dz -= z;
		if (m->scaling_2to1) {
			x = scale_2to1(x);
			y = scale_2to1(y);
		}
		build_report(m, x, y, z, false, false, pkt);
		send_unit(m, pkt, size);
		m->reported_buttons = m->buttons;
	}
}

/* Read Data: one report from the counters, whatever the mode. */
static void read_data_report(struct ps2_mouse *m)
{
	int x = clamp(m->dx, -256, 255), y = clamp(m->dy, -256, 255);
	uint8_t pkt[4];

	build_report(m, x, y, clamp(m->dz, WHEEL_MIN, WHEEL_MAX),
		     x != m->dx, y != m->dy, pkt);
	send_unit(m, pkt, report_size(m));
	m->dx = m->dy = m->dz = 0;
	m->reported_buttons = m->buttons;
}

bool ps2_mouse_pending(const struct ps2_mouse *m)
{
	return m->out.count;
}

uint8_t ps2_mouse_read(struct ps2_mouse *m)
{
	uint8_t byte = m->out.count ? ps2_queue_pop(&m->out) : 0;

	stream_reports(m); /* room again for counts that waited */
	return byte;
}

void ps2_mouse_motion(struct ps2_mouse *m, int dx, int dy, int dz,
		      unsigned buttons)
{
	bool had = m->out.count;

	if (m->wrap || (!m->remote && !m->reporting))
		return;
	m->dx = clamp(m->dx + clamp(dx, -PENDING_MAX, PENDING_MAX),
		      -PENDING_MAX, PENDING_MAX);
	/* PS/2 counts Y up; the input seam's dy is screen-down. */
	m->dy = clamp(m->dy - clamp(dy, -PENDING_MAX, PENDING_MAX),
		      -PENDING_MAX, PENDING_MAX);
	if (m->id == MOUSE_ID_INTELLIMOUSE)
		m->dz = clamp(m->dz + clamp(dz, -PENDING_MAX, PENDING_MAX),
			      -PENDING_MAX, PENDING_MAX);
	m->buttons = buttons & (INPUT_BUTTON_LEFT | INPUT_BUTTON_RIGHT |
				INPUT_BUTTON_MIDDLE);
	stream_reports(m);
	if (m->out.count != had)
		ps2_port_data_ready(&m->port);
}

/* ---- commands */

static void clear_counters(struct ps2_mouse *m)
{
	m->dx = m->dy = m->dz = 0;
	m->reported_buttons = m->buttons;
}

/* Set Defaults (TR): 100 reports/s, 4 counts/mm, 1:1, disabled. */
static void defaults(struct ps2_mouse *m)
{
	m->rate = DEFAULT_RATE;
	m->resolution = DEFAULT_RESOLUTION;
	m->scaling_2to1 = false;
	m->reporting = false;
	m->pending_cmd = 0;
	clear_counters(m);
}

static bool valid_rate(uint8_t rate)
{
	static const uint8_t rates[] = { 10, 20, 40, 60, 80, 100, 200 };

	for (size_t i = 0; i < sizeof(rates); i++)
		if (rates[i] == rate)
			return true;
	return false;
}

/* The IntelliMouse knock: three Set Sample Rate commands in a row with
 * 200, 100, 80 turn on the wheel and ID 3. (200, 200, 80 would ask for
 * the 5-button Explorer, ID 4, which this mouse is not.) */
static void sample_rate_set(struct ps2_mouse *m, uint8_t rate)
{
	m->rate = rate;
	m->rates[0] = m->rates[1];
	m->rates[1] = m->rates[2];
	m->rates[2] = rate;
	if (m->rates[0] == 200 && m->rates[1] == 100 && m->rates[2] == 80)
		m->id = MOUSE_ID_INTELLIMOUSE;
}

static void status_report(struct ps2_mouse *m)
{
	uint8_t s[4] = { PS2_ACK };

	s[1] = (m->remote ? STATUS_REMOTE : 0) |
	       (m->reporting ? STATUS_ENABLED : 0) |
	       (m->scaling_2to1 ? STATUS_SCALING : 0) |
	       (m->buttons & INPUT_BUTTON_LEFT ? STATUS_LEFT : 0) |
	       (m->buttons & INPUT_BUTTON_MIDDLE ? STATUS_MIDDLE : 0) |
	       (m->buttons & INPUT_BUTTON_RIGHT ? STATUS_RIGHT : 0);
	s[2] = m->resolution;
	s[3] = m->rate;
	send_unit(m, s, 4);
}

/* The byte after E8 or F3. A bad value is answered with Resend and ends
 * the command: the host's next byte is a command again (Linux's
 * lifebook_detect sends resolution 7 to any mouse and carries on). */
static void argument(struct ps2_mouse *m, uint8_t arg)
{
	uint8_t cmd = m->pending_cmd;

	m->pending_cmd = 0;
	if (cmd == 0xf3 ? !valid_rate(arg) : arg > 3) {
		send_byte(m, PS2_RESEND);
		return;
	}
	if (cmd == 0xf3)
		sample_rate_set(m, arg);
	else
		m->resolution = arg;
	send_byte(m, PS2_ACK);
}

static void command(struct ps2_mouse *m, uint8_t cmd)
{
	if (cmd != 0xf3)
		memset(m->rates, 0, sizeof(m->rates));
	switch (cmd) {
	case 0xe6: /* set scaling 1:1 */
	case 0xe7: /* set scaling 2:1 */
		m->scaling_2to1 = cmd == 0xe7;
		send_byte(m, PS2_ACK);
		break;
	case 0xe8: /* set resolution: 0-3 follows */
	case 0xf3: /* set sample rate: the rate follows */
		m->pending_cmd = cmd;
		send_byte(m, PS2_ACK);
		break;
	case 0xe9:
		status_report(m);
		break;
	case 0xea: /* set stream mode */
		m->remote = false;
		clear_counters(m);
		send_byte(m, PS2_ACK);
		break;
	case 0xeb: /* read data: ACK then one report */
		send_byte(m, PS2_ACK);
		read_data_report(m);
		break;
	case 0xec: /* reset wrap mode */
		m->wrap = false;
		clear_counters(m);
		send_byte(m, PS2_ACK);
		break;
	case 0xee: /* set wrap mode: echo everything but EC and FF */
		m->wrap = true;
		clear_counters(m);
		send_byte(m, PS2_ACK);
		break;
	case 0xf0: /* set remote mode */
		m->remote = true;
		clear_counters(m);
		send_byte(m, PS2_ACK);
		break;
	case 0xf2: /* read device type */
		send_unit(m, (uint8_t[]){ PS2_ACK, m->id }, 2);
		break;
	case 0xf4: /* enable (data reporting) */
		m->reporting = true;
		clear_counters(m);
		send_byte(m, PS2_ACK);
		break;
	case 0xf5: /* disable */
		m->reporting = false;
		clear_counters(m);
		send_byte(m, PS2_ACK);
		break;
	case 0xf6:
		defaults(m);
		send_byte(m, PS2_ACK);
		break;
	case 0xfe: /* resend the last report or reply */
		if (m->last_len)
			for (unsigned i = 0; i < m->last_len; i++)
				ps2_queue_push(&m->out, m->last_unit[i]);
		break;
	case 0xff: /* reset: ACK, BAT passed (AA), ID 0 */
		ps2_mouse_reset(m);
		send_unit(m, (uint8_t[]){ PS2_ACK, PS2_BAT_OK,
					  MOUSE_ID_STANDARD }, 3);
		break;
	default:
		send_byte(m, PS2_RESEND);
		break;
	}
}

void ps2_mouse_write(struct ps2_mouse *m, uint8_t byte)
{
	if (m->wrap && byte != 0xec && byte != 0xff) {
		ps2_queue_push(&m->out, byte);
		return;
	}
	/* A command byte (E6 and up: no argument is that large) instead of
	 * the argument ends the wait and runs. */
	if (m->pending_cmd && byte < 0xe6) {
		argument(m, byte);
		return;
	}
	m->pending_cmd = 0;
	/* The host talking interrupts the stream: report bytes not yet
	 * clocked out are dropped (their counts are gone, as on hardware). */
	if (byte != 0xfe)
		ps2_queue_clear(&m->out);
	command(m, byte);
}

uint8_t ps2_mouse_id(const struct ps2_mouse *m)
{
	return m->id;
}

void ps2_mouse_reset(struct ps2_mouse *m)
{
	ps2_queue_clear(&m->out);
	defaults(m);
	m->remote = m->wrap = false;
	m->id = MOUSE_ID_STANDARD;
	m->buttons = m->reported_buttons = 0;
	memset(m->rates, 0, sizeof(m->rates));
	m->last_len = 0;
}

struct ps2_mouse *ps2_mouse_create(struct ps2_port port)
{
	struct ps2_mouse *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->port = port;
	ps2_mouse_reset(m);
	return m;
}

void ps2_mouse_destroy(struct ps2_mouse *m)
{
	free(m);
}
