// SPDX-License-Identifier: GPL-2.0
/*
 * The VNC console (RFC 6143) through libvncserver: a server on the address
 * and port cfg->display asks for (vnclisten, vncdisplay, vncunused),
 * optional VNC authentication (vncpasswd, RFC 6143 7.2.2), any number of
 * shared clients, DesktopSize when the guest changes mode.
 *
 * Threads: everything libvncserver does runs on one thread of ours. The
 * display's callbacks (device side, surface lock held) only record what
 * changed and wake that thread through an eventfd; the thread copies the
 * changed pixels from the surface into its own framebuffer (libvncserver
 * reads it while encoding, so it must not be the device's surface) and
 * tells libvncserver. With nothing changing and no client talking, it
 * sleeps in poll() without a timeout.
 *
 * The listening socket is ours, not libvncserver's: rfbInitSockets() only
 * logs when it cannot bind (and its autoPort scans 5900..5999 on IPv4
 * only), so a port in use would go unnoticed. We bind it, then hand it to
 * libvncserver as if its own (socketState READY makes rfbInitSockets skip
 * its own setup; rfbShutdownSockets closes it).
 */
#define _GNU_SOURCE   /* pthread_setname_np */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rfb/rfb.h>
#include <xkbcommon/xkbcommon.h>

#include "vmm/console/console.h"
#include "vmm/console/keymap.h"

#define VNC_BASE_PORT 5900
/* vncunused: how many ports from the first one are tried. */
#define VNC_PORT_TRIES 100
/* Damage rectangles kept apart before they are merged into one. */
#define VNC_MAX_RECTS 32
/* Unmapped keysyms reported once each, this many at most. */
#define VNC_MAX_LOGGED_KEYSYMS 32

/* Held-key table: the plain codes, the E0 codes, Pause. */
#define KEY_SLOTS 0x101

struct vnc_rect {
	unsigned x, y, w, h;
};

struct vnc_console {
	struct console_context ctx;
	struct display *display;
	int console_id;
	rfbScreenInfoPtr screen;
	struct keymap *keymap;
	char *passwords[2];          /* rfbCheckPasswordByList's list */
	char *desktop_name;

	/* Our framebuffer (libvncserver's screen->frameBuffer); thread only. */
	uint32_t *fb;
	unsigned fb_width, fb_height;

	pthread_t thread;
	bool thread_started;
	int wake_fd;                 /* eventfd: damage or stop pending */

	/* What changed; written by the display's callbacks. */
	pthread_mutex_t lock;
	struct vnc_rect rects[VNC_MAX_RECTS];
	unsigned nr_rects;
	bool full;                   /* redraw all (resized, or merged) */
	bool woken;                  /* a wake-up is in the eventfd */
	bool stop;

	/* Input state; the thread only. */
	bool keys_down[KEY_SLOTS];
	bool stopping;               /* tearing down: no more input */
	uint32_t logged[VNC_MAX_LOGGED_KEYSYMS];
	unsigned nr_logged;
};

/* Per client: the pointer as VNC gives it (absolute), to make the relative
 * motion the PS/2 mouse reports. */
struct vnc_client {
	bool have_position;
	int x, y;
	int button_mask;
};

/* ---- libvncserver's log ------------------------------------------------ */

/* libvncserver logs every connection and more to stderr; the monitor's
 * stderr is for the user: only with VMM_VNC_DEBUG set. */
static bool vnc_debug;

static void vnc_log(const char *fmt, ...)
{
	va_list ap;

	if (!vnc_debug)
		return;
	va_start(ap, fmt);
	fputs("vmm: libvncserver: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

/* ---- the listening socket ---------------------------------------------- */

/* "addr:port", IPv6 in brackets. */
static void format_endpoint(char *buf, size_t len, const char *addr,
			    int family, int port)
{
	if (family == AF_INET6)
		snprintf(buf, len, "[%s]:%d", addr, port);
	else
		snprintf(buf, len, "%s:%d", addr, port);
}

/* 0 with *fd listening; else -errno (EADDRINUSE: taken), or -EINVAL for an
 * address that is not numeric. */
static int listen_on(const char *addr, int port, int *fd, int *family)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
		.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE,
	};
	struct addrinfo *ai;
	char service[16];
	int s, one = 1, err;

	snprintf(service, sizeof(service), "%d", port);
	if (getaddrinfo(addr, service, &hints, &ai))
		return -EINVAL;
	*family = ai->ai_family;
	s = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0) {
		err = -errno;
		freeaddrinfo(ai);
		return err;
	}
	/* Not for sharing the port: a port in TIME_WAIT after the previous
	 * monitor is free (Linux still refuses a port someone listens on). */
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, ai->ai_addr, ai->ai_addrlen) || listen(s, 8)) {
		err = -errno;
		close(s);
		freeaddrinfo(ai);
		return err;
	}
	freeaddrinfo(ai);
	*fd = s;
	return 0;
}

/* vnclisten without the brackets an IPv6 address may be written in. */
static void listen_address(const struct vm_display *d, char *buf, size_t len)
{
	const char *a = d->vnclisten && *d->vnclisten ? d->vnclisten : "127.0.0.1";
	size_t n = strlen(a);

	if (n >= 2 && a[0] == '[' && a[n - 1] == ']')
		snprintf(buf, len, "%.*s", (int)(n - 2), a + 1);
	else
		snprintf(buf, len, "%s", a);
}

/* The socket cfg->display asks for; -1 with err set. */
static int open_listener(const struct vm_config *cfg, int *port_out,
			 char *endpoint, size_t endpoint_len, char *err,
			 size_t errlen)
{
	const struct vm_display *d = &cfg->display;
	int display = d->vncdisplay >= 0 ? d->vncdisplay : 0;
	int first = VNC_BASE_PORT + display;
	int tries = d->vncunused ? VNC_PORT_TRIES : 1;
	char addr[INET6_ADDRSTRLEN + 8];
	int fd = -1, family = AF_INET, rc = 0;

	listen_address(d, addr, sizeof(addr));
	if (first > 65535) {
		snprintf(err, errlen, "%s: vncdisplay: %d gives port %d, beyond 65535",
			 d->where_vnc, d->vncdisplay, first);
		return -1;
	}
	for (int i = 0; i < tries && first + i <= 65535; i++) {
		rc = listen_on(addr, first + i, &fd, &family);
		if (!rc) {
			*port_out = first + i;
			format_endpoint(endpoint, endpoint_len, addr, family,
					first + i);
			return fd;
		}
		if (rc != -EADDRINUSE)
			break;
	}
	if (rc == -EINVAL)
		snprintf(err, errlen, "%s: vnclisten: '%s' is not an IPv4 or IPv6 address",
			 d->where_vnc, addr);
	else if (rc == -EADDRINUSE && !d->vncunused)
		snprintf(err, errlen, "%s: %s: port %d on %s is in use (set vncunused = 1 to take the next free one)",
			 d->where_vnc, d->vncdisplay >= 0 ? "vncdisplay" : "vncunused",
			 first, addr);
	else if (rc == -EADDRINUSE)
		snprintf(err, errlen, "%s: vncunused: no free port in %d..%d on %s",
			 d->where_vnc, first,
			 first + VNC_PORT_TRIES - 1 > 65535 ? 65535 : first + VNC_PORT_TRIES - 1,
			 addr);
	else
		snprintf(err, errlen, "%s: vnclisten: cannot listen on %s port %d: %s",
			 d->where_vnc, addr, first, strerror(-rc));
	return -1;
}

/* ---- the display's callbacks (surface lock held, device thread) -------- */

static void wake_locked(struct vnc_console *v)
{
	uint64_t one = 1;

	if (v->woken)
		return;
	v->woken = true;
	if (write(v->wake_fd, &one, sizeof(one)) < 0) {
		/* The counter cannot overflow with one write per wake-up. */
	}
}

static void vnc_resized(void *opaque, unsigned width, unsigned height)
{
	struct vnc_console *v = opaque;

	(void)width;
	(void)height;   /* read from the surface by the thread */
	pthread_mutex_lock(&v->lock);
	v->full = true;
	v->nr_rects = 0;
	wake_locked(v);
	pthread_mutex_unlock(&v->lock);
}

static void vnc_damaged(void *opaque, unsigned x, unsigned y, unsigned w,
			unsigned h)
{
	struct vnc_console *v = opaque;

	pthread_mutex_lock(&v->lock);
	if (v->full) {
		/* everything is coming anyway */
	} else if (v->nr_rects < VNC_MAX_RECTS) {
		v->rects[v->nr_rects++] = (struct vnc_rect){ x, y, w, h };
	} else {
		/* Too many: their bounding box and this one. */
		unsigned x0 = x, y0 = y, x1 = x + w, y1 = y + h;

		for (unsigned i = 0; i < v->nr_rects; i++) {
			const struct vnc_rect *r = &v->rects[i];

			if (r->x < x0) x0 = r->x;
			if (r->y < y0) y0 = r->y;
			if (r->x + r->w > x1) x1 = r->x + r->w;
			if (r->y + r->h > y1) y1 = r->y + r->h;
		}
		v->rects[0] = (struct vnc_rect){ x0, y0, x1 - x0, y1 - y0 };
		v->nr_rects = 1;
	}
	wake_locked(v);
	pthread_mutex_unlock(&v->lock);
}

static const struct display_console_ops vnc_display_ops = {
	.resized = vnc_resized,
	.damaged = vnc_damaged,
};

/* ---- copying the surface ----------------------------------------------- */

static void copy_rect(uint32_t *dst, unsigned dst_width,
		      const struct display_surface *s, const struct vnc_rect *r)
{
	for (unsigned row = r->y; row < r->y + r->h; row++)
		memcpy(dst + (size_t)row * dst_width + r->x,
		       (const uint8_t *)s->pixels + (size_t)row * s->stride +
			       (size_t)r->x * 4,
		       (size_t)r->w * 4);
}

/* Our pixel layout, 0x00RRGGBB in a host-order 32-bit word (display.h).
 * rfbNewFramebuffer() resets the server format to libvncserver's default
 * (red in the low byte) and sets the clients' translation for that: put
 * ours back and redo theirs. */
static void set_pixel_format(rfbScreenInfoPtr screen)
{
	rfbClientIteratorPtr it;
	rfbClientPtr cl;

	screen->serverFormat.redShift = 16;
	screen->serverFormat.greenShift = 8;
	screen->serverFormat.blueShift = 0;
	it = rfbGetClientIterator(screen);
	while ((cl = rfbClientIteratorNext(it)))
		rfbSetTranslateFunction(cl);
	rfbReleaseClientIterator(it);
}

/* Take what changed from the surface into our framebuffer and tell
 * libvncserver. */
static void vnc_update(struct vnc_console *v)
{
	struct vnc_rect rects[VNC_MAX_RECTS];
	unsigned nr, width, height;
	bool full;
	uint32_t *new_fb = NULL;
	const struct display_surface *s;

	/* Lock order as the callbacks: surface, then ours. */
	s = display_lock(v->display);
	pthread_mutex_lock(&v->lock);
	nr = v->nr_rects;
	memcpy(rects, v->rects, nr * sizeof(rects[0]));
	full = v->full;
	v->nr_rects = 0;
	v->full = false;
	pthread_mutex_unlock(&v->lock);

	width = s->width;
	height = s->height;
	if (width != v->fb_width || height != v->fb_height) {
		new_fb = malloc((size_t)width * height * 4);
		if (!new_fb)
			abort();
		full = true;
	}
	if (full) {
		struct vnc_rect all = { 0, 0, width, height };

		copy_rect(new_fb ? new_fb : v->fb, width, s, &all);
	} else {
		for (unsigned i = 0; i < nr; i++) {
			struct vnc_rect *r = &rects[i];

			/* The display clips to the surface; a resize may
			 * have raced the recording: clip again. */
			if (r->x >= width || r->y >= height) {
				r->w = r->h = 0;
				continue;
			}
			if (r->w > width - r->x)
				r->w = width - r->x;
			if (r->h > height - r->y)
				r->h = height - r->y;
			copy_rect(v->fb, width, s, r);
		}
	}
	display_unlock(v->display);

	if (new_fb) {
		uint32_t *old = v->fb;

		/* Clients with DesktopSize get the new size (RFC 6143
		 * 7.8.2); libvncserver marks everything modified. */
		rfbNewFramebuffer(v->screen, (char *)new_fb, (int)width,
				  (int)height, 8, 3, 4);
		set_pixel_format(v->screen);
		v->fb = new_fb;
		v->fb_width = width;
		v->fb_height = height;
		free(old);
	}
	if (full) {
		rfbMarkRectAsModified(v->screen, 0, 0, (int)width, (int)height);
		return;
	}
	for (unsigned i = 0; i < nr; i++)
		if (rects[i].w && rects[i].h)
			rfbMarkRectAsModified(v->screen, (int)rects[i].x,
					      (int)rects[i].y,
					      (int)(rects[i].x + rects[i].w),
					      (int)(rects[i].y + rects[i].h));
}

/* ---- input ------------------------------------------------------------- */

static int key_slot(uint16_t code)
{
	if (code < 0x80)
		return code;
	if ((code & 0xff00) == INPUT_KEY_EXTENDED)
		return 0x80 + (code & 0x7f);
	return 0x100;   /* INPUT_KEY_PAUSE */
}

static void send_key(struct vnc_console *v, uint16_t code, bool down)
{
	v->ctx.input->key(v->ctx.input->opaque, code, down);
}

static void release_all_keys(struct vnc_console *v)
{
	for (unsigned slot = 0; slot < KEY_SLOTS; slot++) {
		uint16_t code;

		if (!v->keys_down[slot])
			continue;
		v->keys_down[slot] = false;
		code = slot < 0x80 ? slot :
		       slot < 0x100 ? (uint16_t)(INPUT_KEY_EXTENDED | (slot - 0x80)) :
		       INPUT_KEY_PAUSE;
		send_key(v, code, false);
	}
}

static void log_unmapped(struct vnc_console *v, uint32_t keysym)
{
	char name[64];

	for (unsigned i = 0; i < v->nr_logged; i++)
		if (v->logged[i] == keysym)
			return;
	if (v->nr_logged == VNC_MAX_LOGGED_KEYSYMS)
		return;
	v->logged[v->nr_logged++] = keysym;
	if (!vnc_debug)
		return;
	if (xkb_keysym_get_name(keysym, name, sizeof(name)) < 0)
		snprintf(name, sizeof(name), "?");
	fprintf(stderr, "vmm: vnc: keysym 0x%x (%s) has no key in keymap %s: dropped\n",
		keysym, name,
		v->ctx.cfg->display.keymap ? v->ctx.cfg->display.keymap : "en-us");
}

/* RFC 6143 7.5.4 KeyEvent. The client sends keysyms, and its own
 * modifier keys as keysyms too; we press the key of our layout that gives
 * the keysym. When the key needs another Shift/AltGr state than the one
 * the client holds (a US client's Shift+2 '@' is AltGr+Q on de), the
 * modifiers are pressed or released around the key's press. Only for
 * symbols: letters keep the client's Shift (their case may come from the
 * guest's Caps Lock), keys that are no character keep every modifier. */
static void vnc_key_event(rfbBool down, rfbKeySym keysym, rfbClientPtr cl)
{
	struct vnc_console *v = cl->screen->screenData;
	struct keymap_key key;
	int slot;

	if (v->stopping)
		return;
	if (!keymap_lookup(v->keymap, keysym, &key)) {
		log_unmapped(v, keysym);
		return;
	}
	slot = key_slot(key.code);
	if (!down) {
		if (v->keys_down[slot]) {
			v->keys_down[slot] = false;
			send_key(v, key.code, false);
		}
		return;
	}
	if (!keymap_is_modifier(key.code)) {
		bool shift_l = v->keys_down[0x2a], shift_r = v->keys_down[0x36];
		bool have_shift = shift_l || shift_r;
		bool have_altgr = v->keys_down[key_slot(0xe038)];
		bool need_shift = key.mods & KEYMAP_SHIFT;
		bool need_altgr = key.mods & KEYMAP_ALTGR;
		uint32_t ch = xkb_keysym_to_utf32(keysym);
		/* Only characters: Shift+Tab or Shift+arrows keep their
		 * Shift whatever the level of the key. */
		bool symbol = ch >= 0x20 && ch != 0x7f &&
			xkb_keysym_to_lower(keysym) == xkb_keysym_to_upper(keysym);
		bool fix_shift = symbol && have_shift != need_shift;
		bool fix_altgr = symbol && have_altgr != need_altgr;

		if (fix_shift && need_shift)
			send_key(v, 0x2a, true);
		if (fix_shift && !need_shift) {
			if (shift_l)
				send_key(v, 0x2a, false);
			if (shift_r)
				send_key(v, 0x36, false);
		}
		if (fix_altgr)
			send_key(v, 0xe038, need_altgr);
		v->keys_down[slot] = true;
		send_key(v, key.code, true);
		if (fix_altgr)
			send_key(v, 0xe038, have_altgr);
		if (fix_shift && need_shift)
			send_key(v, 0x2a, false);
		if (fix_shift && !need_shift) {
			if (shift_l)
				send_key(v, 0x2a, true);
			if (shift_r)
				send_key(v, 0x36, true);
		}
		return;
	}
	v->keys_down[slot] = true;
	send_key(v, key.code, true);
}

/* RFC 6143 7.5.5 PointerEvent: absolute position and a button mask (bit 0
 * left, 1 middle, 2 right, 3/4 wheel up/down as press-release pairs). The
 * guest's PS/2 mouse is relative: report the motion since this client's
 * last event. */
static void vnc_pointer_event(int mask, int x, int y, rfbClientPtr cl)
{
	struct vnc_console *v = cl->screen->screenData;
	struct vnc_client *c = cl->clientData;
	int dx = 0, dy = 0, dz = 0, pressed;
	unsigned buttons = 0;

	if (v->stopping || !c)
		return;
	if (c->have_position) {
		dx = x - c->x;
		dy = y - c->y;
	}
	c->have_position = true;
	c->x = x;
	c->y = y;
	pressed = mask & ~c->button_mask;
	if (pressed & 0x08)
		dz -= 1;    /* wheel up: away from the user */
	if (pressed & 0x10)
		dz += 1;
	if (mask & 0x01)
		buttons |= INPUT_BUTTON_LEFT;
	if (mask & 0x02)
		buttons |= INPUT_BUTTON_MIDDLE;
	if (mask & 0x04)
		buttons |= INPUT_BUTTON_RIGHT;
	if (dx || dy || dz || (mask & 0x07) != (c->button_mask & 0x07))
		v->ctx.input->pointer(v->ctx.input->opaque, dx, dy, dz, buttons);
	c->button_mask = mask;
}

static void vnc_client_gone(rfbClientPtr cl)
{
	struct vnc_console *v = cl->screen->screenData;

	free(cl->clientData);
	cl->clientData = NULL;
	/* A key held when the client went would repeat forever. */
	if (!v->stopping)
		release_all_keys(v);
}

static enum rfbNewClientAction vnc_new_client(rfbClientPtr cl)
{
	struct vnc_client *c = calloc(1, sizeof(*c));

	if (!c)
		return RFB_CLIENT_REFUSE;
	cl->clientData = c;
	cl->clientGoneHook = vnc_client_gone;
	return RFB_CLIENT_ACCEPT;
}

/* ---- the thread -------------------------------------------------------- */

static void *vnc_thread(void *opaque)
{
	struct vnc_console *v = opaque;
	struct pollfd fds[FD_SETSIZE + 1];

	for (;;) {
		rfbScreenInfoPtr screen = v->screen;
		nfds_t n = 0;
		bool stop, work;

		fds[n++] = (struct pollfd){ .fd = v->wake_fd, .events = POLLIN };
		for (int fd = 0; fd <= screen->maxFd && fd < FD_SETSIZE; fd++)
			if (FD_ISSET(fd, &screen->allFds))
				fds[n++] = (struct pollfd){ .fd = fd, .events = POLLIN };
		if (poll(fds, n, -1) < 0 && errno != EINTR)
			break;
		if (fds[0].revents & POLLIN) {
			uint64_t count;

			if (read(v->wake_fd, &count, sizeof(count)) < 0) {
				/* EAGAIN: another reader cannot exist */
			}
		}
		pthread_mutex_lock(&v->lock);
		stop = v->stop;
		work = v->woken;
		v->woken = false;
		pthread_mutex_unlock(&v->lock);
		if (stop)
			break;
		if (work)
			vnc_update(v);
		/* Sockets that poll() found ready, then what the clients
		 * asked for: deferUpdateTime is 0, updates go out now. */
		rfbProcessEvents(screen, 0);
	}
	return NULL;
}

/* ---- start and stop ---------------------------------------------------- */

static void vnc_free(struct vnc_console *v)
{
	if (v->screen) {
		rfbShutdownServer(v->screen, TRUE);
		rfbScreenCleanup(v->screen);
	}
	if (v->wake_fd >= 0)
		close(v->wake_fd);
	keymap_free(v->keymap);
	pthread_mutex_destroy(&v->lock);
	free(v->passwords[0]);
	free(v->desktop_name);
	free(v->fb);
	free(v);
}

struct vnc_console *vnc_console_start(const struct console_context *ctx,
				      char *err, size_t errlen)
{
	const struct vm_config *cfg = ctx->cfg;
	const struct vm_display *d = &cfg->display;
	struct vnc_console *v = calloc(1, sizeof(*v));
	char endpoint[INET6_ADDRSTRLEN + 80], kmerr[256];
	int argc = 1, port = 0, fd;
	char *argv[] = { (char *)"vmm", NULL };
	const struct display_surface *s;
	rfbScreenInfoPtr screen;

	if (!v)
		abort();
	v->ctx = *ctx;
	v->display = ctx->display;
	v->console_id = -1;
	v->wake_fd = -1;
	pthread_mutex_init(&v->lock, NULL);
	vnc_debug = getenv("VMM_VNC_DEBUG") != NULL;
	rfbLog = vnc_log;
	rfbErr = vnc_log;

	if (!v->display) {
		snprintf(err, errlen, "%s: vnc: the machine has no display device",
			 d->where_vnc);
		goto fail;
	}
	v->keymap = keymap_new(d->keymap, kmerr, sizeof(kmerr));
	if (!v->keymap) {
		snprintf(err, errlen, "%s: %s", cfg->source ? cfg->source : "config",
			 kmerr);
		goto fail;
	}
	fd = open_listener(cfg, &port, endpoint, sizeof(endpoint), err, errlen);
	if (fd < 0)
		goto fail;

	/* The surface as it is now; the device redraws it all when we
	 * attach (display_add_console). Start is under the device-model
	 * lock: taking the surface lock after it is the documented order. */
	s = display_lock(v->display);
	v->fb_width = s->width;
	v->fb_height = s->height;
	v->fb = malloc((size_t)s->width * s->height * 4);
	if (!v->fb)
		abort();
	copy_rect(v->fb, s->width, s, &(struct vnc_rect){ 0, 0, s->width, s->height });
	display_unlock(v->display);

	screen = rfbGetScreen(&argc, argv, (int)v->fb_width, (int)v->fb_height,
			      8, 3, 4);
	if (!screen) {
		close(fd);
		snprintf(err, errlen, "%s: vnc: libvncserver cannot start", d->where_vnc);
		goto fail;
	}
	v->screen = screen;
	screen->screenData = v;
	screen->frameBuffer = (char *)v->fb;
	set_pixel_format(screen);
	v->desktop_name = strdup(cfg->name ? cfg->name : "vmm");
	if (!v->desktop_name)
		abort();
	screen->desktopName = v->desktop_name;
	/* No cursor of the server's drawn into the picture: the guest draws
	 * its own pointer (the PS/2 mouse is relative, ours would not be
	 * where the guest's is). */
	screen->cursor = NULL;
	/* Several viewers at once: a client asking for exclusive access
	 * does not disconnect the others. */
	screen->alwaysShared = TRUE;
	/* Our thread only calls rfbProcessEvents when something happened:
	 * nothing may be left waiting for a later call. */
	screen->deferUpdateTime = 0;
	screen->deferPtrUpdateTime = 0;
	screen->kbdAddEvent = vnc_key_event;
	screen->ptrAddEvent = vnc_pointer_event;
	screen->newClientHook = vnc_new_client;
	if (d->vncpasswd && *d->vncpasswd) {
		/* VNC authentication uses the first 8 characters (DES key,
		 * RFC 6143 7.2.2), as every VNC server does. */
		v->passwords[0] = strdup(d->vncpasswd);
		if (!v->passwords[0])
			abort();
		screen->authPasswdData = v->passwords;
		screen->passwordCheck = rfbCheckPasswordByList;
	}
	/* Our socket as libvncserver's own (see the top of the file). */
	screen->autoPort = FALSE;
	screen->port = port;
	screen->ipv6port = 0;
	screen->httpPort = 0;
	screen->listenSock = fd;
	FD_ZERO(&screen->allFds);
	FD_SET(fd, &screen->allFds);
	screen->maxFd = fd;
	screen->socketState = RFB_SOCKET_READY;
	rfbInitServer(screen);

	v->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (v->wake_fd < 0) {
		snprintf(err, errlen, "%s: vnc: eventfd: %s", d->where_vnc,
			 strerror(errno));
		goto fail;
	}
	v->console_id = display_add_console(v->display, &vnc_display_ops, v);
	if (v->console_id < 0) {
		snprintf(err, errlen, "%s: vnc: too many consoles on the display",
			 d->where_vnc);
		goto fail;
	}
	if (pthread_create(&v->thread, NULL, vnc_thread, v)) {
		snprintf(err, errlen, "%s: vnc: cannot start its thread", d->where_vnc);
		goto fail;
	}
	v->thread_started = true;
	pthread_setname_np(v->thread, "vnc");   /* for top -H, and the tests */
	fprintf(stderr, "vmm: VNC on %s (display :%d)\n", endpoint,
		port - VNC_BASE_PORT);
	return v;
fail:
	if (v->console_id >= 0)
		display_remove_console(v->display, v->console_id);
	vnc_free(v);
	return NULL;
}

void vnc_console_stop(struct vnc_console *v)
{
	if (!v)
		return;
	/* No callback reaches us after this. */
	if (v->console_id >= 0)
		display_remove_console(v->display, v->console_id);
	if (v->thread_started) {
		pthread_mutex_lock(&v->lock);
		v->stop = true;
		v->woken = false;
		wake_locked(v);
		pthread_mutex_unlock(&v->lock);
		pthread_join(v->thread, NULL);
	}
	v->stopping = true;
	vnc_free(v);
}
