// SPDX-License-Identifier: GPL-2.0
/*
 * The VNC console (vmm/console/vnc.c) on the real display seam
 * (devmodel/display/display.c) with a test-pattern device instead of a
 * guest: the host-side half of tests/display/vnc-tests. Real clients
 * connect to it; what they send comes out on stdout.
 *
 *   vnc-pattern [--listen ADDR] [--display N] [--unused 0|1]
 *               [--passwd PW] [--keymap NAME]
 *
 * stdin, one command a line:
 *   size W H          the device switches to W x H (pattern redrawn)
 *   rect X Y W H RGB  fill a rectangle (only it is damaged)
 *   quit
 * stdout: "ready", then "key CODE down|up" (set-1 code, hex) and
 * "pointer DX DY DZ BUTTONS" for the input the console gives the machine.
 * The pattern: pixel (x, y) = R x*255/(W-1), G y*255/(H-1), B 0x40.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devmodel/display/display.h"
#include "vmm/console/console.h"

struct pattern {
	struct display *display;
	unsigned width, height;
	bool redraw_all;
	bool rect_pending;
	unsigned rx, ry, rw, rh;
	uint32_t rgb;
};

/* The device-model lock of this little machine. */
static pthread_mutex_t dm_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

static uint32_t pattern_pixel(const struct pattern *p, unsigned x, unsigned y)
{
	unsigned r = p->width > 1 ? x * 255 / (p->width - 1) : 0;
	unsigned g = p->height > 1 ? y * 255 / (p->height - 1) : 0;

	return r << 16 | g << 8 | 0x40;
}

static void pattern_refresh(void *opaque)
{
	struct pattern *p = opaque;
	struct display_surface *s;

	if (!p->redraw_all && !p->rect_pending)
		return;
	s = display_begin(p->display, p->width, p->height);
	if (!s)
		return;
	if (p->redraw_all) {
		for (unsigned y = 0; y < s->height; y++) {
			uint32_t *row = (uint32_t *)((uint8_t *)s->pixels + (size_t)y * s->stride);

			for (unsigned x = 0; x < s->width; x++)
				row[x] = pattern_pixel(p, x, y);
		}
		display_damage(p->display, 0, 0, s->width, s->height);
	}
	if (p->rect_pending) {
		for (unsigned y = p->ry; y < p->ry + p->rh && y < s->height; y++) {
			uint32_t *row = (uint32_t *)((uint8_t *)s->pixels + (size_t)y * s->stride);

			for (unsigned x = p->rx; x < p->rx + p->rw && x < s->width; x++)
				row[x] = p->rgb;
		}
		display_damage(p->display, p->rx, p->ry, p->rw, p->rh);
	}
	display_end(p->display);
	p->redraw_all = p->rect_pending = false;
}

static void pattern_invalidate(void *opaque)
{
	((struct pattern *)opaque)->redraw_all = true;
}

static const struct display_device_ops pattern_ops = {
	.refresh = pattern_refresh,
	.invalidate = pattern_invalidate,
};

static void sink_key(void *opaque, uint16_t code, bool down)
{
	(void)opaque;
	pthread_mutex_lock(&out_lock);
	printf("key %x %s\n", code, down ? "down" : "up");
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
}

static void sink_pointer(void *opaque, int dx, int dy, int dz, unsigned buttons)
{
	(void)opaque;
	pthread_mutex_lock(&out_lock);
	printf("pointer %d %d %d %u\n", dx, dy, dz, buttons);
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
}

static void command(struct pattern *p, char *line)
{
	unsigned a, b, c, d, rgb;

	if (sscanf(line, "size %u %u", &a, &b) == 2) {
		p->width = a;
		p->height = b;
		p->redraw_all = true;
	} else if (sscanf(line, "rect %u %u %u %u %x", &a, &b, &c, &d, &rgb) == 5) {
		p->rx = a, p->ry = b, p->rw = c, p->rh = d, p->rgb = rgb;
		p->rect_pending = true;
	} else {
		fprintf(stderr, "vnc-pattern: bad command: %s\n", line);
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "display", required_argument, NULL, 'd' },
		{ "unused", required_argument, NULL, 'u' },
		{ "passwd", required_argument, NULL, 'p' },
		{ "keymap", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	struct vm_config cfg = { .source = "pattern.hvm", .name = "pattern" };
	struct pattern pat = { .width = 640, .height = 480, .redraw_all = true };
	struct input_sink sink = { sink_key, sink_pointer, NULL };
	struct dm_timer_list timers;
	struct console_context ctx;
	struct vnc_console *vnc;
	char err[512], line[256];
	size_t used = 0;
	int opt;

	cfg.display.vnc = true;
	cfg.display.vncdisplay = -1;
	cfg.display.vncunused = true;
	snprintf(cfg.display.where_vnc, sizeof(cfg.display.where_vnc), "pattern.hvm:3");
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'l': cfg.display.vnclisten = optarg; break;
		case 'd': cfg.display.vncdisplay = atoi(optarg); break;
		case 'u': cfg.display.vncunused = atoi(optarg); break;
		case 'p': cfg.display.vncpasswd = optarg; break;
		case 'k': cfg.display.keymap = optarg; break;
		default: return 2;
		}
	}

	dm_timer_list_init(&timers);
	pat.display = display_create(&timers);
	if (!pat.display)
		return 1;
	display_set_device(pat.display, &pattern_ops, &pat);
	ctx = (struct console_context){ .cfg = &cfg, .display = pat.display,
					.input = &sink };
	pthread_mutex_lock(&dm_lock);
	vnc = vnc_console_start(&ctx, err, sizeof(err));
	pthread_mutex_unlock(&dm_lock);
	if (!vnc) {
		fprintf(stderr, "vmm: %s\n", err);
		return 1;
	}
	printf("ready\n");
	fflush(stdout);

	for (;;) {
		uint64_t next, t;
		int timeout;
		struct pollfd pfd = { .fd = 0, .events = POLLIN };

		pthread_mutex_lock(&dm_lock);
		next = dm_timers_run(&timers, dm_now(&timers));
		t = dm_now(&timers);
		pthread_mutex_unlock(&dm_lock);
		timeout = next == UINT64_MAX ? -1 :
			  next <= t ? 0 : (int)((next - t) / 1000000 + 1);
		if (poll(&pfd, 1, timeout) < 0 && errno != EINTR)
			break;
		if (pfd.revents) {
			ssize_t n = read(0, line + used, sizeof(line) - 1 - used);
			char *nl;

			if (n <= 0)
				break;
			used += (size_t)n;
			line[used] = '\0';
			while ((nl = strchr(line, '\n'))) {
				*nl = '\0';
				if (!strcmp(line, "quit"))
					goto out;
				pthread_mutex_lock(&dm_lock);
				command(&pat, line);
				pthread_mutex_unlock(&dm_lock);
				used -= (size_t)(nl + 1 - line);
				memmove(line, nl + 1, used + 1);
			}
			if (used == sizeof(line) - 1)
				used = 0;   /* a line too long: dropped */
		}
	}
out:
	vnc_console_stop(vnc);
	display_destroy(pat.display);
	return 0;
}
