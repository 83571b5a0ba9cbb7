/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A 93C46 serial EEPROM (64 words of 16 bits, the x16 organisation) as the
 * RTL8139 wires it to its 9346CR register (RTL8139C(L)+ datasheet,
 * "9346CR: 93C46 Command Register": EECS, EESK, EEDI drive the chip's CS,
 * SK and DI pins in programming mode, EEDO reads its DO pin).
 *
 * The protocol is the 93C46 datasheet's (Microchip 93C46 / Atmel AT93C46,
 * "Instruction set"): with CS high, a start bit (DI = 1 on a rising SK),
 * two opcode bits and six address bits, sampled on the rising edge of SK:
 *   READ  10 A5..A0            DO gives a dummy 0, then D15..D0 on the
 *                              following rising edges; more clocks go on
 *                              with the next word (sequential read);
 *   WRITE 01 A5..A0 D15..D0    programs the word (if enabled) when CS falls;
 *   ERASE 11 A5..A0            sets the word to 0xFFFF (if enabled);
 *   EWEN  00 11xxxx            enables writes (they are disabled at power-up);
 *   EWDS  00 00xxxx            disables them;
 *   ERAL  00 10xxxx            erases every word (if enabled);
 *   WRAL  00 01xxxx D15..D0    writes every word (if enabled).
 * Programming is instantaneous here: once CS rises again after a
 * programming instruction, DO reads 1 (READY) until the next start bit.
 */
#ifndef DEVMODEL_NET_EEPROM93C46_H
#define DEVMODEL_NET_EEPROM93C46_H

#include <stdbool.h>
#include <stdint.h>

#define EEPROM93C46_WORDS	64
#define EEPROM93C46_ADDR_BITS	6

enum eeprom93c46_state {
	EEPROM93C46_IDLE,	/* CS low */
	EEPROM93C46_START,	/* CS high, waiting for the start bit */
	EEPROM93C46_COMMAND,	/* shifting in opcode + address */
	EEPROM93C46_READ,	/* shifting out data */
	EEPROM93C46_DATA_IN,	/* shifting in WRITE / WRAL data */
	EEPROM93C46_WAIT_CS,	/* instruction complete: ignores SK until CS falls */
};

struct eeprom93c46 {
	uint16_t words[EEPROM93C46_WORDS];
	enum eeprom93c46_state state;
	bool cs, sk, do_pin;
	bool write_enabled;
	unsigned bit_count;	/* bits shifted in / out in this phase */
	uint16_t shift;		/* bits shifted in, or the word being read */
	uint8_t opcode;		/* 2-bit opcode of the current instruction */
	uint8_t addr;
	bool program_pending;	/* a WRITE/ERASE/ERAL/WRAL to do when CS falls */
	bool program_all;
	uint16_t program_value;
	bool ready_status;	/* show READY on DO once CS rises again */
};

/* Power-up: the given contents, writes disabled, CS low. */
void eeprom93c46_init(struct eeprom93c46 *e, const uint16_t words[EEPROM93C46_WORDS]);

/* The pins as the 9346CR bits drive them. */
void eeprom93c46_set_pins(struct eeprom93c46 *e, bool cs, bool sk, bool di);

/* The DO pin (0 while CS is low). */
bool eeprom93c46_data_out(const struct eeprom93c46 *e);

static inline uint16_t eeprom93c46_word(const struct eeprom93c46 *e, unsigned addr)
{
	return e->words[addr % EEPROM93C46_WORDS];
}

#endif /* DEVMODEL_NET_EEPROM93C46_H */
