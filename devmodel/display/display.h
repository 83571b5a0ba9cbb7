/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The display seam (design.md, "Display"): a display device (the standard
 * VGA) renders the guest's screen into a surface of host pixels and says
 * which rectangles changed; consoles (VNC, SDL) read the surface and show
 * it. Neither side knows the other: devices include this file, consoles
 * include this file, nothing else is shared.
 *
 * Threads and locks:
 *  - Device side (refresh, begin/damage/end) runs under the device-model
 *    lock (the machine's), on the monitor's event-loop thread: the display
 *    owns a ~30 Hz timer on the machine's timer list that calls the
 *    device's refresh while at least one console is attached (none: no
 *    rendering at all).
 *  - Consoles run on threads of their own. They are told about changes
 *    through their callbacks (called with the surface lock held: record
 *    the rectangle and wake the console's thread, nothing more), then take
 *    the surface lock with display_lock() to copy pixels out.
 *  - Lock order: device-model lock, then the surface lock. A console never
 *    takes the device-model lock while it holds the surface lock.
 */
#ifndef DEVMODEL_DISPLAY_DISPLAY_H
#define DEVMODEL_DISPLAY_DISPLAY_H
#include <stdbool.h>
#include <stdint.h>
#include "devmodel/core/timer.h"

/* Largest surface a device may ask for (VBE's limits, design.md). */
#define DISPLAY_MAX_WIDTH  2560
#define DISPLAY_MAX_HEIGHT 1600

/* How often the device is asked to render while consoles are attached:
 * 30 times a second while the picture changes; while it stays the same
 * the interval doubles up to DISPLAY_REFRESH_IDLE_NS (a still screen then
 * costs a check every half second: the dirty-log ioctl is what costs, not
 * the compare), and snaps back on the next change or on display_activity()
 * (QEMU's consoles back off the same way). */
#define DISPLAY_REFRESH_NS      (NSEC_PER_SEC / 30)
#define DISPLAY_REFRESH_IDLE_NS (NSEC_PER_SEC / 2)

/* The screen in host pixels: always 32 bits per pixel, 0x00RRGGBB in host
 * byte order (what libvncserver's and SDL's XRGB8888 formats read). */
struct display_surface {
	unsigned width, height;   /* pixels; both >= 1 */
	unsigned stride;          /* bytes per row, >= width * 4 */
	uint32_t *pixels;
	unsigned generation;      /* bumped on every resize */
};

/* A console's callbacks; called with the surface lock held. */
struct display_console_ops {
	/* The surface changed size (and contents): redraw all of it. */
	void (*resized)(void *opaque, unsigned width, unsigned height);
	/* This rectangle of the surface changed (inside the surface). */
	void (*damaged)(void *opaque, unsigned x, unsigned y, unsigned w,
			unsigned h);
};

/* What the display asks of the device; under the device-model lock. */
struct display_device_ops {
	/* Render what changed since the last call (begin/damage/end). */
	void (*refresh)(void *opaque);
	/* The next refresh must redraw everything (a console attached). */
	void (*invalidate)(void *opaque);
};

struct display;

/* NULL with errno. The timer runs on `timers` (the machine's list). */
struct display *display_create(struct dm_timer_list *timers);
void display_destroy(struct display *d);

/* ---- device side (under the device-model lock) ------------------------- */
void display_set_device(struct display *d, const struct display_device_ops *ops,
			void *opaque);
/* Lock the surface for drawing, resized to width x height first if it has
 * another size (new contents black; consoles get resized()). Returns the
 * surface, or NULL when the size is out of range or memory ran out (then
 * nothing is locked). */
struct display_surface *display_begin(struct display *d, unsigned width,
				      unsigned height);
/* Between begin and end: this rectangle was drawn (clipped to the
 * surface; consoles get damaged()). */
void display_damage(struct display *d, unsigned x, unsigned y, unsigned w,
		    unsigned h);
void display_end(struct display *d);
/* Run the device's refresh now (the timer's work; also for tests). */
void display_refresh(struct display *d);
/* The guest wrote something that may change the picture (a trapped VGA
 * write): the next refresh comes within DISPLAY_REFRESH_NS even when the
 * display had backed off. Cheap when it had not. */
void display_activity(struct display *d);

/* ---- console side (any thread, device-model lock not held) ------------- */
/* 0..n: an id for display_remove_console; -1 with errno (ENOSPC). Under
 * the device-model lock (it arms the refresh timer and asks the device for
 * a full redraw); the console gets resized() at once. */
#define DISPLAY_MAX_CONSOLES 4
int display_add_console(struct display *d, const struct display_console_ops *ops,
			void *opaque);
/* Under the device-model lock; no callback reaches the console after. */
void display_remove_console(struct display *d, int id);
/* The surface, locked against the device drawing or resizing it, until
 * display_unlock(). Never NULL: before the device drew anything it is a
 * black 640x480 surface. */
const struct display_surface *display_lock(struct display *d);
void display_unlock(struct display *d);

#endif /* DEVMODEL_DISPLAY_DISPLAY_H */
