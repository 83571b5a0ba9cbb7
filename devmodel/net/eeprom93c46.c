// SPDX-License-Identifier: GPL-2.0
/* The 93C46 serial EEPROM (eeprom93c46.h). */
#include "devmodel/net/eeprom93c46.h"

#include <string.h>

/* Opcodes after the start bit (93C46 datasheet, "Instruction set", x16). */
#define OP_EXTENDED	0x0	/* EWEN / EWDS / ERAL / WRAL by A5:A4 */
#define OP_WRITE	0x1
#define OP_READ		0x2
#define OP_ERASE	0x3
#define EXT_EWDS	0x0
#define EXT_WRAL	0x1
#define EXT_ERAL	0x2
#define EXT_EWEN	0x3

#define COMMAND_BITS	(2 + EEPROM93C46_ADDR_BITS)

void eeprom93c46_init(struct eeprom93c46 *e, const uint16_t words[EEPROM93C46_WORDS])
{
	memset(e, 0, sizeof(*e));
	memcpy(e->words, words, sizeof(e->words));
	e->state = EEPROM93C46_IDLE;
	/* "The device powers up in the EWDS (programming disabled) state." */
	e->write_enabled = false;
}

static void decode_command(struct eeprom93c46 *e)
{
	e->opcode = (uint8_t)((e->shift >> EEPROM93C46_ADDR_BITS) & 0x3);
	e->addr = (uint8_t)(e->shift & (EEPROM93C46_WORDS - 1));
	e->bit_count = 0;
	e->state = EEPROM93C46_WAIT_CS;
	switch (e->opcode) {
	case OP_READ:
		/* "A dummy zero bit precedes the 16-bit data output." */
		e->state = EEPROM93C46_READ;
		e->shift = e->words[e->addr];
		e->do_pin = false;
		break;
	case OP_WRITE:
		e->state = EEPROM93C46_DATA_IN;
		e->program_all = false;
		e->shift = 0;
		break;
	case OP_ERASE:
		e->program_pending = true;
		e->program_all = false;
		e->program_value = 0xffff;
		break;
	default:
		switch (e->addr >> (EEPROM93C46_ADDR_BITS - 2)) {
		case EXT_EWEN:
			e->write_enabled = true;
			break;
		case EXT_EWDS:
			e->write_enabled = false;
			break;
		case EXT_ERAL:
			e->program_pending = true;
			e->program_all = true;
			e->program_value = 0xffff;
			break;
		case EXT_WRAL:
			e->state = EEPROM93C46_DATA_IN;
			e->program_all = true;
			e->shift = 0;
			break;
		}
		break;
	}
}

/* One rising edge of SK with CS high: DI is sampled, DO changes. */
static void clock_edge(struct eeprom93c46 *e, bool di)
{
	switch (e->state) {
	case EEPROM93C46_START:
		/* Leading zeros before the start bit are ignored. */
		if (di) {
			e->state = EEPROM93C46_COMMAND;
			e->bit_count = 0;
			e->shift = 0;
			e->ready_status = false;
		}
		break;
	case EEPROM93C46_COMMAND:
		e->shift = (uint16_t)(e->shift << 1 | di);
		if (++e->bit_count == COMMAND_BITS)
			decode_command(e);
		break;
	case EEPROM93C46_READ:
		e->do_pin = (e->shift & 0x8000) != 0;
		e->shift = (uint16_t)(e->shift << 1);
		if (++e->bit_count == 16) {
			/* Sequential read: "the address pointer is
			 * automatically incremented and the next word is
			 * output" while CS stays high and SK keeps toggling. */
			e->addr = (e->addr + 1) & (EEPROM93C46_WORDS - 1);
			e->shift = e->words[e->addr];
			e->bit_count = 0;
		}
		break;
	case EEPROM93C46_DATA_IN:
		e->shift = (uint16_t)(e->shift << 1 | di);
		if (++e->bit_count == 16) {
			e->program_value = e->shift;
			e->program_pending = true;
			e->state = EEPROM93C46_WAIT_CS;
		}
		break;
	case EEPROM93C46_IDLE:
	case EEPROM93C46_WAIT_CS:
		break;
	}
}

/* CS falling: "the self-timed programming cycle starts on the falling
 * edge of CS" after a complete WRITE, ERASE, ERAL or WRAL instruction. */
static void chip_deselect(struct eeprom93c46 *e)
{
	if (e->program_pending && e->write_enabled) {
		if (e->program_all) {
			for (unsigned i = 0; i < EEPROM93C46_WORDS; i++)
				e->words[i] = e->program_value;
		} else {
			e->words[e->addr] = e->program_value;
		}
		e->ready_status = true;
	}
	e->program_pending = false;
	e->state = EEPROM93C46_IDLE;
	e->do_pin = false;
}

void eeprom93c46_set_pins(struct eeprom93c46 *e, bool cs, bool sk, bool di)
{
	bool rising = !e->sk && sk;

	if (!cs) {
		if (e->cs)
			chip_deselect(e);
		e->cs = false;
		e->sk = sk;
		return;
	}
	if (!e->cs) {
		e->state = EEPROM93C46_START;
		e->bit_count = 0;
	}
	e->cs = true;
	e->sk = sk;
	if (rising)
		clock_edge(e, di);
}

bool eeprom93c46_data_out(const struct eeprom93c46 *e)
{
	if (!e->cs)
		return false;
	if (e->state == EEPROM93C46_READ)
		return e->do_pin;
	/* READY after a programming cycle, until the next start bit. */
	return e->state == EEPROM93C46_START && e->ready_status;
}
