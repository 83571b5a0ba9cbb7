/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest payloads linked into the test programs (see payloads.S).  Each is
 * a flat binary linked to run at KT_CODE_GPA.
 */
#ifndef KT_PAYLOADS_H
#define KT_PAYLOADS_H

#include <stddef.h>
#include <stdint.h>

struct guest_payload {
	const char *name;
	const uint8_t *bytes;
	size_t size;
};

#define DECLARE_PAYLOAD(name) \
	extern const uint8_t guest_##name[], guest_##name##_end[]

/* PAYLOAD(rm_io) gives a struct guest_payload for tests/guests/rm_io.S. */
#define PAYLOAD(name) ((struct guest_payload){ \
	#name, guest_##name, (size_t)(guest_##name##_end - guest_##name) })

DECLARE_PAYLOAD(rm_io);
DECLARE_PAYLOAD(pm_io);
DECLARE_PAYLOAD(lm_io);
DECLARE_PAYLOAD(regs_echo);
DECLARE_PAYLOAD(two_slots);
DECLARE_PAYLOAD(triple_fault);
DECLARE_PAYLOAD(mmio);
DECLARE_PAYLOAD(spin);
DECLARE_PAYLOAD(touch_pages);
DECLARE_PAYLOAD(smp);
DECLARE_PAYLOAD(slot_reader);
DECLARE_PAYLOAD(pio_loop);
DECLARE_PAYLOAD(hello);
DECLARE_PAYLOAD(probe);
DECLARE_PAYLOAD(exceptions);
DECLARE_PAYLOAD(irq);
DECLARE_PAYLOAD(irq_rm);
DECLARE_PAYLOAD(fpu);
DECLARE_PAYLOAD(xsave);
DECLARE_PAYLOAD(string_io);
DECLARE_PAYLOAD(string_io_rm);
DECLARE_PAYLOAD(mmio_emul);
DECLARE_PAYLOAD(mmio_rm);
DECLARE_PAYLOAD(rom);
DECLARE_PAYLOAD(debugregs);
DECLARE_PAYLOAD(mmio_pm);
DECLARE_PAYLOAD(fpu_loop);
DECLARE_PAYLOAD(hostile_lm);
DECLARE_PAYLOAD(hostile_rm);
DECLARE_PAYLOAD(mmio_loop);
DECLARE_PAYLOAD(coalesced);
DECLARE_PAYLOAD(cpuid_loop);
DECLARE_PAYLOAD(mem_probe);
DECLARE_PAYLOAD(cr_rm);
DECLARE_PAYLOAD(tsc_aux);
DECLARE_PAYLOAD(dirty_log);
DECLARE_PAYLOAD(ioeventfd);

#endif
