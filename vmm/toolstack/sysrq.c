// SPDX-License-Identifier: GPL-2.0
/*
 * Alt+SysRq+KEY on the PS/2 keyboard (sysrq.h). SysRq is the Print Screen
 * key (set 1 E0 37): Linux's atkbd maps it (set 2 E0 7C, as the 8042
 * translates it back) to KEY_SYSRQ, which with Alt held is the magic SysRq
 * combination (Documentation/admin-guide/sysrq.rst); the guest's
 * kernel.sysrq decides which keys it obeys.
 */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "devmodel/input/input.h"
#include "vmm/toolstack/sysrq.h"

#define KEY_LEFT_ALT 0x38
#define KEY_SYSRQ    0xe037

uint16_t sysrq_key_code(char key)
{
	/* set 1 make codes of the US layout's rows */
	static const char *const rows[] = { "1234567890", "qwertyuiop",
					    "asdfghjkl", "zxcvbnm" };
	static const uint16_t first[] = { 0x02, 0x10, 0x1e, 0x2c };
	char k = (char)tolower((unsigned char)key);

	for (unsigned r = 0; r < 4; r++) {
		const char *p = k ? strchr(rows[r], k) : NULL;

		if (p)
			return (uint16_t)(first[r] + (p - rows[r]));
	}
	return 0;
}

void sysrq_press(const struct input_sink *in, uint16_t code)
{
	in->key(in->opaque, KEY_LEFT_ALT, true);
	in->key(in->opaque, KEY_SYSRQ, true);
	in->key(in->opaque, code, true);
	in->key(in->opaque, code, false);
	in->key(in->opaque, KEY_SYSRQ, false);
	in->key(in->opaque, KEY_LEFT_ALT, false);
}
