/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Consoles: the frontends that show the display and take the user's keys
 * and pointer (VNC through libvncserver, an SDL2 window). Each runs on a
 * thread of its own and talks to the machine only through the display
 * seam (devmodel/display/display.h) and the input sink
 * (devmodel/input/input.h).
 */
#ifndef VMM_CONSOLE_CONSOLE_H
#define VMM_CONSOLE_CONSOLE_H
#include <stddef.h>
#include "devmodel/display/display.h"
#include "devmodel/input/input.h"
#include "vmm/config.h"

struct console_context {
	const struct vm_config *cfg;
	struct display *display;
	const struct input_sink *input;
	/* The user closed the window: ask the guest to power off (ACPI
	 * power button when there is one, else the machine ends). Any
	 * thread, no lock held. */
	void (*request_poweroff)(void *opaque);
	void *opaque;
};

/* Start what cfg->display asks for. Called by the monitor before the vCPU
 * runs, under the device-model lock. Bad input (a port in use, an address
 * that cannot be bound, no $DISPLAY for SDL) fails here with a message in
 * err naming the key; nothing then stays started. */
struct consoles;
struct consoles *consoles_start(const struct console_context *ctx, char *err,
				size_t errlen);
/* Without the device-model lock (the console threads may wait for it). */
void consoles_stop(struct consoles *c);

/* One console kind each (vnc.c, sdl.c): same contract as above. */
struct vnc_console;
struct vnc_console *vnc_console_start(const struct console_context *ctx,
				      char *err, size_t errlen);
void vnc_console_stop(struct vnc_console *vnc);
struct sdl_console;
struct sdl_console *sdl_console_start(const struct console_context *ctx,
				      char *err, size_t errlen);
void sdl_console_stop(struct sdl_console *sdl);

#endif /* VMM_CONSOLE_CONSOLE_H */
