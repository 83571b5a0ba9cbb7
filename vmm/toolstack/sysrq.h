/* SPDX-License-Identifier: GPL-2.0 */
/* vmm sysrq: Alt+SysRq+KEY typed on the guest's PS/2 keyboard. */
#ifndef VMM_TOOLSTACK_SYSRQ_H
#define VMM_TOOLSTACK_SYSRQ_H

#include <stdint.h>

struct input_sink;

/* The scan code set 1 make code of a letter or digit; 0 for others. */
uint16_t sysrq_key_code(char key);
/* Alt down, SysRq down, KEY down and up, SysRq up, Alt up. */
void sysrq_press(const struct input_sink *in, uint16_t code);

#endif
