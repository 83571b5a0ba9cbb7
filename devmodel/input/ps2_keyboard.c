// SPDX-License-Identifier: GPL-2.0
/*
 * PS/2 keyboard, after the IBM "Personal System/2 Hardware Interface
 * Technical Reference", keyboard chapter ("Commands from the System",
 * "Commands to the System", "Scan Code Tables" for sets 1, 2 and 3), and
 * what Linux's atkbd.c does with it (reset, F2 identify, F0 set, F3 rate,
 * ED LEDs, F4 enable; F8/FA in set 3).
 *
 * Two queues feed the wire: the replies to commands go first (a real
 * keyboard answers a command at once and sends its buffered keys after),
 * then the key buffer, 16 bytes as on the hardware, followed by the
 * overrun code when keys are lost.
 *
 * Typematic: the key that went down last repeats its make code after the
 * programmed delay at the programmed rate, until it goes up, another key
 * goes down, or the keyboard is disabled or reset. Consoles only send the
 * down; a console that sends repeated downs itself (VNC clients do) just
 * restarts the delay, so the guest sees the client's rate, not two rates.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devmodel/input/input.h"
#include "devmodel/input/ps2_keyboard.h"

#define KEY_BUFFER      16   /* bytes of scan codes the keyboard holds */
#define OVERRUN_SET1    0xff
#define OVERRUN_SET23   0x00
#define ID_MF2_1        0xab
#define ID_MF2_2        0x83
#define ECHO            0xee
#define BREAK_PREFIX    0xf0 /* sets 2 and 3 */
#define EXT_PREFIX      0xe0
#define SET1_BREAK      0x80

/* Set 3 key types (commands F7-FD). */
#define TYPE_BREAK      0x01 /* sends a break code */
#define TYPE_TYPEMATIC  0x02 /* repeats */

/* Power-on typematic value: 10.9 characters/s, 500 ms delay. */
#define TYPEMATIC_DEFAULT 0x2b

struct ps2_keyboard {
	struct ps2_port port;
	struct dm_timer_list *timers;
	struct dm_timer repeat_timer;

	struct ps2_queue replies, keys;
	uint8_t last_sent;     /* for 0xFE resend */
	uint8_t pending_cmd;   /* ED, F0, F3 (argument next), FB-FD (key list) */

	bool scanning;
	unsigned set;
	uint8_t leds, typematic;
	uint8_t set3_type[256];

	unsigned mods;         /* PS2_KBD_MOD_* held, from the key events */
	uint16_t repeat_code;  /* the key repeating; 0 = none */
};

/* ---- scan code tables */

/* Set 1 make code -> set 2 make code, for the keys without E0
 * (IBM PS/2 TR, keyboard chapter, scan code set 2 table; the Japanese
 * 106-key extras as Microsoft's keyboard scan code specification gives). */
static const uint8_t set2_plain[0x80] = {
	[0x01] = 0x76, /* Esc */
	[0x02] = 0x16, [0x03] = 0x1e, [0x04] = 0x26, [0x05] = 0x25, /* 1-4 */
	[0x06] = 0x2e, [0x07] = 0x36, [0x08] = 0x3d, [0x09] = 0x3e, /* 5-8 */
	[0x0a] = 0x46, [0x0b] = 0x45, [0x0c] = 0x4e, [0x0d] = 0x55, /* 9 0 - = */
	[0x0e] = 0x66, [0x0f] = 0x0d, /* Backspace, Tab */
	[0x10] = 0x15, [0x11] = 0x1d, [0x12] = 0x24, [0x13] = 0x2d, /* Q W E R */
	[0x14] = 0x2c, [0x15] = 0x35, [0x16] = 0x3c, [0x17] = 0x43, /* T Y U I */
	[0x18] = 0x44, [0x19] = 0x4d, [0x1a] = 0x54, [0x1b] = 0x5b, /* O P [ ] */
	[0x1c] = 0x5a, [0x1d] = 0x14, /* Enter, left Ctrl */
	[0x1e] = 0x1c, [0x1f] = 0x1b, [0x20] = 0x23, [0x21] = 0x2b, /* A S D F */
	[0x22] = 0x34, [0x23] = 0x33, [0x24] = 0x3b, [0x25] = 0x42, /* G H J K */
	[0x26] = 0x4b, [0x27] = 0x4c, [0x28] = 0x52, [0x29] = 0x0e, /* L ; ' ` */
	[0x2a] = 0x12, [0x2b] = 0x5d, /* left Shift, backslash (ISO #) */
	[0x2c] = 0x1a, [0x2d] = 0x22, [0x2e] = 0x21, [0x2f] = 0x2a, /* Z X C V */
	[0x30] = 0x32, [0x31] = 0x31, [0x32] = 0x3a, [0x33] = 0x41, /* B N M , */
	[0x34] = 0x49, [0x35] = 0x4a, [0x36] = 0x59, /* . / right Shift */
	[0x37] = 0x7c, [0x38] = 0x11, [0x39] = 0x29, [0x3a] = 0x58, /* KP* Alt Space Caps */
	[0x3b] = 0x05, [0x3c] = 0x06, [0x3d] = 0x04, [0x3e] = 0x0c, /* F1-F4 */
	[0x3f] = 0x03, [0x40] = 0x0b, [0x41] = 0x83, [0x42] = 0x0a, /* F5-F8 */
	[0x43] = 0x01, [0x44] = 0x09, /* F9, F10 */
	[0x45] = 0x77, [0x46] = 0x7e, /* Num Lock, Scroll Lock */
	[0x47] = 0x6c, [0x48] = 0x75, [0x49] = 0x7d, [0x4a] = 0x7b, /* KP7 8 9 - */
	[0x4b] = 0x6b, [0x4c] = 0x73, [0x4d] = 0x74, [0x4e] = 0x79, /* KP4 5 6 + */
	[0x4f] = 0x69, [0x50] = 0x72, [0x51] = 0x7a, /* KP1 2 3 */
	[0x52] = 0x70, [0x53] = 0x71, /* KP0 . */
	[0x54] = 0x84, /* SysRq (Alt + Print Screen) */
	[0x56] = 0x61, /* the 102nd key, < > on ISO keyboards */
	[0x57] = 0x78, [0x58] = 0x07, /* F11, F12 */
	[0x70] = 0x13, [0x73] = 0x51, [0x79] = 0x64, /* Kana, Ro, Henkan */
	[0x7b] = 0x67, [0x7d] = 0x6a, /* Muhenkan, Yen */
};

/* Set 1 E0 xx -> set 2 E0 yy: the 101/104-key extended keys and the
 * Windows, power and common multimedia keys. */
static const uint8_t set2_extended[0x80] = {
	[0x1c] = 0x5a, /* KP Enter */
	[0x1d] = 0x14, /* right Ctrl */
	[0x35] = 0x4a, /* KP / */
	[0x37] = 0x7c, /* Print Screen (its fake shifts: see below) */
	[0x38] = 0x11, /* right Alt (AltGr) */
	[0x46] = 0x7e, /* Ctrl + Break */
	[0x47] = 0x6c, [0x48] = 0x75, [0x49] = 0x7d, /* Home, Up, Page Up */
	[0x4b] = 0x6b, [0x4d] = 0x74, /* Left, Right */
	[0x4f] = 0x69, [0x50] = 0x72, [0x51] = 0x7a, /* End, Down, Page Down */
	[0x52] = 0x70, [0x53] = 0x71, /* Insert, Delete */
	[0x5b] = 0x1f, [0x5c] = 0x27, [0x5d] = 0x2f, /* left/right Windows, Menu */
	[0x5e] = 0x37, [0x5f] = 0x3f, [0x63] = 0x5e, /* Power, Sleep, Wake */
	[0x10] = 0x15, [0x19] = 0x4d, /* previous, next track */
	[0x20] = 0x23, [0x21] = 0x2b, [0x22] = 0x34, [0x24] = 0x3b, /* mute, calculator, play, stop */
	[0x2e] = 0x21, [0x30] = 0x32, [0x32] = 0x3a, /* volume down, up, WWW home */
};

/* Set 1 make code -> set 3 code (IBM PS/2 TR, scan code set 3 table). */
static const uint8_t set3_plain[0x80] = {
	[0x01] = 0x08, /* Esc */
	[0x02] = 0x16, [0x03] = 0x1e, [0x04] = 0x26, [0x05] = 0x25,
	[0x06] = 0x2e, [0x07] = 0x36, [0x08] = 0x3d, [0x09] = 0x3e,
	[0x0a] = 0x46, [0x0b] = 0x45, [0x0c] = 0x4e, [0x0d] = 0x55,
	[0x0e] = 0x66, [0x0f] = 0x0d,
	[0x10] = 0x15, [0x11] = 0x1d, [0x12] = 0x24, [0x13] = 0x2d,
	[0x14] = 0x2c, [0x15] = 0x35, [0x16] = 0x3c, [0x17] = 0x43,
	[0x18] = 0x44, [0x19] = 0x4d, [0x1a] = 0x54, [0x1b] = 0x5b,
	[0x1c] = 0x5a, [0x1d] = 0x11, /* Enter, left Ctrl */
	[0x1e] = 0x1c, [0x1f] = 0x1b, [0x20] = 0x23, [0x21] = 0x2b,
	[0x22] = 0x34, [0x23] = 0x33, [0x24] = 0x3b, [0x25] = 0x42,
	[0x26] = 0x4b, [0x27] = 0x4c, [0x28] = 0x52, [0x29] = 0x0e,
	[0x2a] = 0x12, [0x2b] = 0x5c, /* left Shift, backslash */
	[0x2c] = 0x1a, [0x2d] = 0x22, [0x2e] = 0x21, [0x2f] = 0x2a,
	[0x30] = 0x32, [0x31] = 0x31, [0x32] = 0x3a, [0x33] = 0x41,
	[0x34] = 0x49, [0x35] = 0x4a, [0x36] = 0x59,
	[0x37] = 0x7e, [0x38] = 0x19, [0x39] = 0x29, [0x3a] = 0x14, /* KP* Alt Space Caps */
	[0x3b] = 0x07, [0x3c] = 0x0f, [0x3d] = 0x17, [0x3e] = 0x1f, /* F1-F4 */
	[0x3f] = 0x27, [0x40] = 0x2f, [0x41] = 0x37, [0x42] = 0x3f, /* F5-F8 */
	[0x43] = 0x47, [0x44] = 0x4f, /* F9, F10 */
	[0x45] = 0x76, [0x46] = 0x5f, /* Num Lock, Scroll Lock */
	[0x47] = 0x6c, [0x48] = 0x75, [0x49] = 0x7d, [0x4a] = 0x84, /* KP7 8 9 - */
	[0x4b] = 0x6b, [0x4c] = 0x73, [0x4d] = 0x74, [0x4e] = 0x7c, /* KP4 5 6 + */
	[0x4f] = 0x69, [0x50] = 0x72, [0x51] = 0x7a,
	[0x52] = 0x70, [0x53] = 0x71,
	[0x54] = 0x57, /* SysRq: the Print Screen key */
	[0x56] = 0x13, /* 102nd key */
	[0x57] = 0x56, [0x58] = 0x5e, /* F11, F12 */
};

/* Set 1 E0 xx -> set 3 code: set 3 has no prefixes. */
static const uint8_t set3_extended[0x80] = {
	[0x1c] = 0x79, [0x1d] = 0x58, [0x35] = 0x77, [0x37] = 0x57,
	[0x38] = 0x39, [0x46] = 0x62,
	[0x47] = 0x6e, [0x48] = 0x63, [0x49] = 0x6f,
	[0x4b] = 0x61, [0x4d] = 0x6a,
	[0x4f] = 0x65, [0x50] = 0x60, [0x51] = 0x6d,
	[0x52] = 0x67, [0x53] = 0x64,
	[0x5b] = 0x8b, [0x5c] = 0x8c, [0x5d] = 0x8d,
};

#define SET1_PRINT_SCREEN (INPUT_KEY_EXTENDED | 0x37)
#define SET1_SYSRQ        0x54
#define SET3_PAUSE        0x62

static size_t put(uint8_t *out, size_t n, uint8_t byte)
{
	out[n] = byte;
	return n + 1;
}

/* Pause: make only in sets 1 and 2, a Break (E0 46 / E0 7E) with Ctrl
 * (IBM PS/2 TR, scan code tables, "Pause key"). */
static size_t pause_sequence(unsigned set, bool down, unsigned mods,
			     uint8_t *out)
{
	static const uint8_t set1[] = { 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5 };
	static const uint8_t set2[] = { 0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14,
					0xf0, 0x77 };
	static const uint8_t set1_break[] = { 0xe0, 0x46, 0xe0, 0xc6 };
	static const uint8_t set2_break[] = { 0xe0, 0x7e, 0xe0, 0xf0, 0x7e };
	const uint8_t *seq;
	size_t len;

	if (set == 3) {
		size_t n = 0;

		if (!down)
			n = put(out, n, BREAK_PREFIX);
		return put(out, n, SET3_PAUSE);
	}
	if (!down)
		return 0;
	if (mods & PS2_KBD_MOD_CTRL) {
		seq = set == 1 ? set1_break : set2_break;
		len = set == 1 ? sizeof(set1_break) : sizeof(set2_break);
	} else {
		seq = set == 1 ? set1 : set2;
		len = set == 1 ? sizeof(set1) : sizeof(set2);
	}
	memcpy(out, seq, len);
	return len;
}

/* Print Screen in sets 1 and 2: alone it comes with a fake left Shift
 * (E0 2A E0 37 / E0 12 E0 7C, released in the reverse order), with Shift
 * or Ctrl it is just the extended code, with Alt it is SysRq. */
static size_t print_screen_sequence(unsigned set, bool down, uint8_t *out)
{
	size_t n = 0;

	if (set == 1) {
		if (down) {
			n = put(out, n, EXT_PREFIX);
			n = put(out, n, 0x2a);
			n = put(out, n, EXT_PREFIX);
			return put(out, n, 0x37);
		}
		n = put(out, n, EXT_PREFIX);
		n = put(out, n, 0x37 | SET1_BREAK);
		n = put(out, n, EXT_PREFIX);
		return put(out, n, 0x2a | SET1_BREAK);
	}
	if (down) {
		n = put(out, n, EXT_PREFIX);
		n = put(out, n, 0x12);
		n = put(out, n, EXT_PREFIX);
		return put(out, n, 0x7c);
	}
	n = put(out, n, EXT_PREFIX);
	n = put(out, n, BREAK_PREFIX);
	n = put(out, n, 0x7c);
	n = put(out, n, EXT_PREFIX);
	n = put(out, n, BREAK_PREFIX);
	return put(out, n, 0x12);
}

size_t ps2_keyboard_scancode(unsigned set, uint16_t code, bool down,
			     unsigned mods, uint8_t out[8])
{
	bool extended = (code & 0xff00) == INPUT_KEY_EXTENDED;
	uint8_t low = code & 0x7f;
	uint8_t byte;
	size_t n = 0;

	if (code == INPUT_KEY_PAUSE)
		return pause_sequence(set, down, mods, out);
	if ((code & 0xff00) && !extended)
		return 0;
	if (code & 0x80)
		return 0;
	if (code == SET1_PRINT_SCREEN && set != 3) {
		if (mods & PS2_KBD_MOD_ALT) {
			extended = false;
			low = SET1_SYSRQ;
		} else if (!(mods & (PS2_KBD_MOD_SHIFT | PS2_KBD_MOD_CTRL))) {
			return print_screen_sequence(set, down, out);
		}
	}
	switch (set) {
	case 1:
		if (!low)
			return 0;
		if (extended)
			n = put(out, n, EXT_PREFIX);
		return put(out, n, low | (down ? 0 : SET1_BREAK));
	case 2:
		byte = extended ? set2_extended[low] : set2_plain[low];
		if (!byte)
			return 0;
		if (extended)
			n = put(out, n, EXT_PREFIX);
		if (!down)
			n = put(out, n, BREAK_PREFIX);
		return put(out, n, byte);
	case 3:
		byte = extended ? set3_extended[low] : set3_plain[low];
		if (!byte)
			return 0;
		if (!down)
			n = put(out, n, BREAK_PREFIX);
		return put(out, n, byte);
	}
	return 0;
}

/* ---- output */

static void reply(struct ps2_keyboard *kbd, uint8_t byte)
{
	ps2_queue_push(&kbd->replies, byte);
}

static uint8_t overrun_code(const struct ps2_keyboard *kbd)
{
	return kbd->set == 1 ? OVERRUN_SET1 : OVERRUN_SET23;
}

/* A key's bytes go into the buffer whole or not at all (half a sequence
 * would confuse the guest); a lost key leaves the overrun code once, in
 * the buffer's extra position, as the TR describes. */
static bool queue_key_bytes(struct ps2_keyboard *kbd, const uint8_t *bytes,
			    size_t len)
{
	struct ps2_queue *q = &kbd->keys;

	if (q->count + len > KEY_BUFFER) {
		if (!q->count || ps2_queue_last(q) != overrun_code(kbd))
			ps2_queue_push(q, overrun_code(kbd));
		return false;
	}
	for (size_t i = 0; i < len; i++)
		ps2_queue_push(q, bytes[i]);
	return true;
}

bool ps2_keyboard_pending(const struct ps2_keyboard *kbd)
{
	return kbd->replies.count || kbd->keys.count;
}

uint8_t ps2_keyboard_read(struct ps2_keyboard *kbd)
{
	if (kbd->replies.count)
		kbd->last_sent = ps2_queue_pop(&kbd->replies);
	else if (kbd->keys.count)
		kbd->last_sent = ps2_queue_pop(&kbd->keys);
	return kbd->last_sent;
}

/* ---- typematic */

/* 0xF3's byte (TR, "Set Typematic Rate/Delay"): bits 6-5 the delay,
 * (1 + D) * 250 ms; bits 4-3 (B) and 2-0 (A) the period,
 * (8 + A) * 2^B * 4.17 ms, 4.17 ms being 1/240 s. */
uint64_t ps2_keyboard_repeat_delay_ns(const struct ps2_keyboard *kbd)
{
	return (1 + ((kbd->typematic >> 5) & 3)) * 250000000ull;
}

uint64_t ps2_keyboard_repeat_period_ns(const struct ps2_keyboard *kbd)
{
	unsigned a = kbd->typematic & 7, b = (kbd->typematic >> 3) & 3;

	return ((8 + a) << b) * NSEC_PER_SEC / 240;
}

static void stop_repeat(struct ps2_keyboard *kbd)
{
	kbd->repeat_code = 0;
	if (kbd->timers)
		dm_timer_del(&kbd->repeat_timer);
}

static void start_repeat(struct ps2_keyboard *kbd, uint16_t code)
{
	kbd->repeat_code = code;
	if (kbd->timers)
		dm_timer_mod(&kbd->repeat_timer, dm_now(kbd->timers) +
			     ps2_keyboard_repeat_delay_ns(kbd));
}

static void repeat_expired(void *opaque)
{
	struct ps2_keyboard *kbd = opaque;
	uint8_t bytes[8];
	size_t n;

	if (!kbd->repeat_code || !kbd->scanning)
		return;
	n = ps2_keyboard_scancode(kbd->set, kbd->repeat_code, true, kbd->mods,
				  bytes);
	/* A repeat that does not fit is simply not sent: no overrun for a
	 * key the user is still holding. */
	if (n && kbd->keys.count + n <= KEY_BUFFER)
		queue_key_bytes(kbd, bytes, n);
	dm_timer_mod(&kbd->repeat_timer, kbd->repeat_timer.deadline +
		     ps2_keyboard_repeat_period_ns(kbd));
	ps2_port_data_ready(&kbd->port);
}

static bool key_repeats(const struct ps2_keyboard *kbd, uint16_t code)
{
	uint8_t bytes[8];

	if (kbd->set == 3) {
		if (ps2_keyboard_scancode(3, code, true, 0, bytes) != 1)
			return false;
		return kbd->set3_type[bytes[0]] & TYPE_TYPEMATIC;
	}
	return code != INPUT_KEY_PAUSE; /* "It does not repeat." */
}

/* ---- keys */

static unsigned modifier_of(uint16_t code)
{
	switch (code) {
	case 0x2a: case 0x36:
		return PS2_KBD_MOD_SHIFT;
	case 0x1d: case INPUT_KEY_EXTENDED | 0x1d:
		return PS2_KBD_MOD_CTRL;
	case 0x38: case INPUT_KEY_EXTENDED | 0x38:
		return PS2_KBD_MOD_ALT;
	}
	return 0;
}

void ps2_keyboard_key(struct ps2_keyboard *kbd, uint16_t code, bool down)
{
	uint8_t bytes[8];
	size_t n;
	unsigned mod = modifier_of(code);

	if (mod)
		kbd->mods = down ? kbd->mods | mod : kbd->mods & ~mod;
	if (!kbd->scanning)
		return;
	n = ps2_keyboard_scancode(kbd->set, code, down, kbd->mods, bytes);
	if (kbd->set == 3 && !down && n == 2 &&
	    !(kbd->set3_type[bytes[1]] & TYPE_BREAK))
		n = 0; /* a make-only key in set 3 */
	if (n)
		queue_key_bytes(kbd, bytes, n);
	if (down) {
		if (key_repeats(kbd, code))
			start_repeat(kbd, code);
		else
			stop_repeat(kbd);
	} else if (code == kbd->repeat_code) {
		stop_repeat(kbd);
	}
	if (n)
		ps2_port_data_ready(&kbd->port);
}

int ps2_keyboard_send_raw(struct ps2_keyboard *kbd, const uint8_t *bytes,
			  size_t len)
{
	if (!kbd->scanning)
		return 0;
	if (kbd->keys.count + len > KEY_BUFFER)
		return -ENOSPC;
	queue_key_bytes(kbd, bytes, len);
	ps2_port_data_ready(&kbd->port);
	return 0;
}

/* ---- commands from the system */

/* F6 / F5 / reset: "all conditions to the power-on default state". The
 * TR's per-key set-3 defaults are not modelled: every key starts as
 * typematic make/break (what 0xFA selects, and what Linux programs). */
static void defaults(struct ps2_keyboard *kbd)
{
	kbd->set = 2;
	kbd->typematic = TYPEMATIC_DEFAULT;
	memset(kbd->set3_type, TYPE_BREAK | TYPE_TYPEMATIC,
	       sizeof(kbd->set3_type));
	kbd->pending_cmd = 0;
	stop_repeat(kbd);
}

static void set_all_types(struct ps2_keyboard *kbd, uint8_t cmd)
{
	static const uint8_t type[] = {
		[0xf7 - 0xf7] = TYPE_TYPEMATIC,
		[0xf8 - 0xf7] = TYPE_BREAK,
		[0xf9 - 0xf7] = 0,
		[0xfa - 0xf7] = TYPE_TYPEMATIC | TYPE_BREAK,
	};

	memset(kbd->set3_type, type[cmd - 0xf7], sizeof(kbd->set3_type));
}

static uint8_t key_type_of(uint8_t cmd)
{
	return cmd == 0xfb ? TYPE_TYPEMATIC :
	       cmd == 0xfc ? TYPE_BREAK : 0;
}

static void command(struct ps2_keyboard *kbd, uint8_t cmd)
{
	switch (cmd) {
	case 0xed: /* set/reset mode indicators: the LED byte follows */
	case 0xf0: /* select alternate scan codes: 0 = read, 1-3 = set */
	case 0xf3: /* set typematic rate/delay */
		kbd->pending_cmd = cmd;
		reply(kbd, PS2_ACK);
		break;
	case 0xee:
		reply(kbd, ECHO);
		break;
	case 0xf2: /* read ID: an MF II keyboard */
		reply(kbd, PS2_ACK);
		reply(kbd, ID_MF2_1);
		reply(kbd, ID_MF2_2);
		break;
	case 0xf4: /* enable: clears the buffer, starts scanning */
		ps2_queue_clear(&kbd->keys);
		stop_repeat(kbd);
		kbd->scanning = true;
		reply(kbd, PS2_ACK);
		break;
	case 0xf5: /* default disable */
	case 0xf6: /* set default */
		ps2_queue_clear(&kbd->keys);
		defaults(kbd);
		kbd->scanning = cmd == 0xf6;
		reply(kbd, PS2_ACK);
		break;
	case 0xf7: case 0xf8: case 0xf9: case 0xfa: /* set all keys' type */
		set_all_types(kbd, cmd);
		reply(kbd, PS2_ACK);
		break;
	case 0xfb: case 0xfc: case 0xfd: /* set key type: key IDs follow */
		kbd->pending_cmd = cmd;
		reply(kbd, PS2_ACK);
		break;
	case 0xfe: /* resend: the last byte sent, no ACK */
		reply(kbd, kbd->last_sent);
		break;
	case 0xff: /* reset: ACK, basic assurance test, AA */
		ps2_queue_clear(&kbd->replies);
		ps2_queue_clear(&kbd->keys);
		defaults(kbd);
		kbd->leds = 0;
		kbd->scanning = true;
		reply(kbd, PS2_ACK);
		reply(kbd, PS2_BAT_OK);
		break;
	default: /* not a command: "Resend" as a real keyboard answers */
		reply(kbd, PS2_RESEND);
		break;
	}
}

/* The byte after ED, F0, F3, or a key ID after FB-FD. A command byte
 * (0xED and up) instead ends the wait and runs (TR, each command's
 * "if the keyboard receives a command instead of the option byte"). */
static bool argument(struct ps2_keyboard *kbd, uint8_t byte)
{
	uint8_t cmd = kbd->pending_cmd;

	if (byte >= 0xed) {
		kbd->pending_cmd = 0;
		return false;
	}
	switch (cmd) {
	case 0xed:
		kbd->leds = byte & 7;
		kbd->pending_cmd = 0;
		break;
	case 0xf3:
		kbd->typematic = byte & 0x7f;
		kbd->pending_cmd = 0;
		break;
	case 0xf0:
		if (byte > 3) {
			/* no such set: Resend, and the command is over */
			kbd->pending_cmd = 0;
			reply(kbd, PS2_RESEND);
			return true;
		}
		reply(kbd, PS2_ACK);
		kbd->pending_cmd = 0;
		if (byte == 0)
			reply(kbd, kbd->set);
		else
			kbd->set = byte;
		stop_repeat(kbd);
		return true;
	default: /* FB-FD: one key ID, keep listening */
		kbd->set3_type[byte] = key_type_of(cmd);
		break;
	}
	reply(kbd, PS2_ACK);
	return true;
}

void ps2_keyboard_write(struct ps2_keyboard *kbd, uint8_t byte)
{
	if (kbd->pending_cmd && argument(kbd, byte))
		return;
	command(kbd, byte);
}

/* ---- state */

uint8_t ps2_keyboard_leds(const struct ps2_keyboard *kbd)
{
	return kbd->leds;
}

unsigned ps2_keyboard_scancode_set(const struct ps2_keyboard *kbd)
{
	return kbd->set;
}

bool ps2_keyboard_scanning(const struct ps2_keyboard *kbd)
{
	return kbd->scanning;
}

void ps2_keyboard_reset(struct ps2_keyboard *kbd)
{
	ps2_queue_clear(&kbd->replies);
	ps2_queue_clear(&kbd->keys);
	defaults(kbd);
	kbd->leds = 0;
	kbd->mods = 0;
	kbd->last_sent = 0;
	kbd->scanning = true;
}

void ps2_keyboard_set_timers(struct ps2_keyboard *kbd,
			     struct dm_timer_list *timers)
{
	stop_repeat(kbd);
	kbd->timers = timers;
	if (timers)
		dm_timer_init(&kbd->repeat_timer, timers, repeat_expired, kbd);
}

struct ps2_keyboard *ps2_keyboard_create(struct ps2_port port,
					 struct dm_timer_list *timers)
{
	struct ps2_keyboard *kbd = calloc(1, sizeof(*kbd));

	if (!kbd)
		return NULL;
	kbd->port = port;
	ps2_keyboard_set_timers(kbd, timers);
	ps2_keyboard_reset(kbd);
	return kbd;
}

void ps2_keyboard_destroy(struct ps2_keyboard *kbd)
{
	if (!kbd)
		return;
	stop_repeat(kbd);
	free(kbd);
}
