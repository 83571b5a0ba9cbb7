// SPDX-License-Identifier: GPL-2.0
/*
 * The SDL console with no machine behind it, for tests/display/sdl-tests:
 * a display surface this program draws into on command, and an input sink
 * that prints what the console sends. Real SDL, real X server (Xvfb).
 *
 *   sdl-harness [--fullscreen] NAME
 *
 * Prints "started" (or the console's error on stderr, exit 1), then reads
 * commands on stdin, one a line:
 *   fill W H RRGGBB         resize to W x H and paint all of it
 *   rect X Y W H RRGGBB     paint a rectangle of the current surface
 *   quit                    stop the console, exit 0 (also at EOF)
 * and prints on stdout, one a line:
 *   key 0xCODE down|up      set-1 code from the key sink
 *   pointer DX DY DZ BUTTONS
 *   poweroff                the window was closed
 */
#include <execinfo.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devmodel/display/display.h"
#include "vmm/config.h"
#include "vmm/console/console.h"

static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&out_lock);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
}

static void on_key(void *opaque, uint16_t code, bool down)
{
	(void)opaque;
	say("key 0x%04x %s\n", code, down ? "down" : "up");
}

static void on_pointer(void *opaque, int dx, int dy, int dz, unsigned buttons)
{
	(void)opaque;
	say("pointer %d %d %d %u\n", dx, dy, dz, buttons);
}

static void on_poweroff(void *opaque)
{
	(void)opaque;
	say("poweroff\n");
}

/* A crash in a test is a finding: say where (addr2line -e sdl-harness). */
static void on_crash(int sig)
{
	void *frames[64];
	int n = backtrace(frames, 64);

	dprintf(2, "sdl-harness: signal %d, backtrace:\n", sig);
	backtrace_symbols_fd(frames, n, 2);
	_exit(128 + sig);
}

static void paint(struct display *d, int resize, unsigned x, unsigned y,
		  unsigned w, unsigned h, uint32_t rgb)
{
	const struct display_surface *cur = display_lock(d);
	unsigned cw = cur->width, ch = cur->height;
	struct display_surface *s;

	display_unlock(d);
	s = display_begin(d, resize ? w : cw, resize ? h : ch);
	if (!s) {
		fprintf(stderr, "sdl-harness: bad size %ux%u\n", w, h);
		return;
	}
	for (unsigned r = y; r < y + h && r < s->height; r++)
		for (unsigned col = x; col < x + w && col < s->width; col++)
			s->pixels[(size_t)r * (s->stride / 4) + col] = rgb;
	display_damage(d, x, y, w, h);
	display_end(d);
}

int main(int argc, char **argv)
{
	struct dm_timer_list timers;
	struct vm_config cfg;
	struct input_sink sink = { on_key, on_pointer, NULL };
	struct console_context ctx;
	struct sdl_console *sdl;
	struct display *d;
	char err[512], line[256];
	int argi = 1;

	signal(SIGSEGV, on_crash);
	signal(SIGBUS, on_crash);
	signal(SIGABRT, on_crash);
	memset(&cfg, 0, sizeof(cfg));
	if (argi < argc && !strcmp(argv[argi], "--fullscreen")) {
		cfg.display.fullscreen = true;
		argi++;
	}
	if (argi + 1 != argc) {
		fprintf(stderr, "usage: sdl-harness [--fullscreen] NAME\n");
		return 2;
	}
	cfg.name = argv[argi];
	cfg.display.sdl = true;
	snprintf(cfg.display.where_sdl, sizeof(cfg.display.where_sdl),
		 "harness.hvm:1");

	dm_timer_list_init(&timers);
	d = display_create(&timers);
	if (!d)
		return 1;
	ctx = (struct console_context){ .cfg = &cfg, .display = d,
		.input = &sink, .request_poweroff = on_poweroff };
	sdl = sdl_console_start(&ctx, err, sizeof(err));
	if (!sdl) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	say("started\n");

	while (fgets(line, sizeof(line), stdin)) {
		unsigned x, y, w, h, rgb;

		if (sscanf(line, "fill %u %u %x", &w, &h, &rgb) == 3)
			paint(d, 1, 0, 0, w, h, rgb);
		else if (sscanf(line, "rect %u %u %u %u %x", &x, &y, &w, &h,
				&rgb) == 5)
			paint(d, 0, x, y, w, h, rgb);
		else if (!strncmp(line, "quit", 4))
			break;
		else
			fprintf(stderr, "sdl-harness: bad command: %s", line);
	}
	sdl_console_stop(sdl);
	display_destroy(d);
	say("stopped\n");
	return 0;
}
