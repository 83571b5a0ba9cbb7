// SPDX-License-Identifier: GPL-2.0
/*
 * The SDL console (sdl = 1): one SDL2 window showing the display surface,
 * taking the keyboard and, once clicked, the mouse.
 *
 * Threads: every SDL call (SDL_Init, window, renderer, events) is made on
 * the console's own thread; SDL's video subsystem is not thread-safe and
 * on some platforms must stay on the thread that initialised it. The one
 * exception is SDL_PushEvent, documented as callable from any thread: the
 * display callbacks (display.h: called with the surface lock held, on the
 * device-model thread) record what changed under that same lock and push
 * one wake-up event; the console thread then takes the surface lock,
 * copies the changed rectangles into its texture and presents. An idle
 * window sleeps in SDL_WaitEvent (SDL >= 2.0.22 waits on the X/Wayland
 * connection and is woken by SDL_PushEvent, no polling).
 *
 * Keys: SDL scancodes (positions, USB HID usages) to set 1 through
 * sdl_keys.c; SDL's auto-repeat is dropped, the guest's keyboard does its
 * own typematic repeat. Mouse: a click grabs it (relative mode), Ctrl-Alt
 * pressed and released alone releases it, as QEMU's SDL window does.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <SDL.h>

#include "vmm/console/console.h"
#include "vmm/console/sdl_keys.h"

/* Rectangles kept apart before they are merged into their bounding box. */
#define SDL_MAX_DAMAGE 16

struct damage_rect {
	unsigned x, y, w, h;
};

enum sdl_start_state { SDL_STARTING, SDL_RUNNING, SDL_FAILED };

struct sdl_console {
	struct console_context ctx;
	const char *where;          /* "FILE:LINE" of sdl = 1 */
	pthread_t thread;
	int console_id;             /* display_add_console's, -1 before */

	/* Start-up handshake: the thread says whether the window opened. */
	pthread_mutex_t start_lock;
	pthread_cond_t start_cond;
	enum sdl_start_state state;
	char start_err[256];

	/* Our SDL user events (SDL_RegisterEvents, before RUNNING). */
	Uint32 ev_wake, ev_stop;
	atomic_bool stopping;

	/* Written by the display callbacks, read by the console thread:
	 * both under the display's surface lock. */
	bool wake_pending;          /* a wake event is in SDL's queue */
	bool redraw_all;
	struct damage_rect damage[SDL_MAX_DAMAGE];
	unsigned nr_damage;

	/* The console thread's own. */
	SDL_Window *window;
	SDL_Renderer *renderer;
	SDL_Texture *texture;
	unsigned tex_width, tex_height;
	bool grabbed;
	bool ctrl_alt_alone;        /* Ctrl and Alt down, nothing else since */
	unsigned buttons;           /* INPUT_BUTTON_* held, while grabbed */
	bool key_down[SDL_NUM_SCANCODES]; /* keys the guest was told are down */
};

/* ---- display callbacks (surface lock held, device-model thread) -------- */

static void wake_console(struct sdl_console *c)
{
	SDL_Event ev;

	if (c->wake_pending)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.type = c->ev_wake;
	/* 1: queued; 0: filtered; <0: queue full. Only a queued event
	 * counts, so a failed push is retried by the next change. */
	if (SDL_PushEvent(&ev) == 1)
		c->wake_pending = true;
}

static void sdl_resized(void *opaque, unsigned width, unsigned height)
{
	struct sdl_console *c = opaque;

	(void)width;
	(void)height;
	/* The console thread reads the new size from the surface itself. */
	c->redraw_all = true;
	c->nr_damage = 0;
	wake_console(c);
}

static void sdl_damaged(void *opaque, unsigned x, unsigned y, unsigned w,
			unsigned h)
{
	struct sdl_console *c = opaque;

	if (c->redraw_all) {
		wake_console(c);
		return;
	}
	if (c->nr_damage < SDL_MAX_DAMAGE) {
		c->damage[c->nr_damage++] = (struct damage_rect){ x, y, w, h };
	} else {
		/* Too many pieces: keep their bounding box. */
		struct damage_rect *b = &c->damage[0];
		unsigned x1 = b->x + b->w, y1 = b->y + b->h;

		for (unsigned i = 1; i < c->nr_damage; i++) {
			struct damage_rect *r = &c->damage[i];

			if (r->x < b->x)
				b->x = r->x;
			if (r->y < b->y)
				b->y = r->y;
			if (r->x + r->w > x1)
				x1 = r->x + r->w;
			if (r->y + r->h > y1)
				y1 = r->y + r->h;
		}
		if (x < b->x)
			b->x = x;
		if (y < b->y)
			b->y = y;
		if (x + w > x1)
			x1 = x + w;
		if (y + h > y1)
			y1 = y + h;
		b->w = x1 - b->x;
		b->h = y1 - b->y;
		c->nr_damage = 1;
	}
	wake_console(c);
}

static const struct display_console_ops sdl_display_ops = {
	.resized = sdl_resized,
	.damaged = sdl_damaged,
};

/* ---- the console thread ------------------------------------------------- */

static void set_title(struct sdl_console *c)
{
	char title[256];
	const char *name = c->ctx.cfg->name ? c->ctx.cfg->name : "guest";

	snprintf(title, sizeof(title), "vmm: %s%s", name,
		 c->grabbed ? " (press Ctrl-Alt to release the mouse)" : "");
	SDL_SetWindowTitle(c->window, title);
}

static void set_grab(struct sdl_console *c, bool grab)
{
	if (grab == c->grabbed)
		return;
	if (SDL_SetRelativeMouseMode(grab ? SDL_TRUE : SDL_FALSE) < 0 && grab)
		return; /* no relative mode here: stay ungrabbed */
	SDL_SetWindowGrab(c->window, grab ? SDL_TRUE : SDL_FALSE);
	c->grabbed = grab;
	if (!grab && c->buttons) {
		/* Buttons held while the grab ends would stay held. */
		c->buttons = 0;
		c->ctx.input->pointer(c->ctx.input->opaque, 0, 0, 0, 0);
	}
	set_title(c);
}

static void send_key(struct sdl_console *c, SDL_Scancode sc, bool down)
{
	uint16_t code = sdl_scancode_to_set1(sc);

	if (!code || c->key_down[sc] == down)
		return;
	c->key_down[sc] = down;
	/* Pause has a make code only (input.h). */
	if (code == INPUT_KEY_PAUSE && !down)
		return;
	c->ctx.input->key(c->ctx.input->opaque, code, down);
}

/* The window lost the keyboard: the guest must not see keys stuck down. */
static void release_all_keys(struct sdl_console *c)
{
	for (int sc = 0; sc < SDL_NUM_SCANCODES; sc++)
		if (c->key_down[sc])
			send_key(c, sc, false);
	c->ctrl_alt_alone = false;
}

static bool is_ctrl(SDL_Scancode sc)
{
	return sc == SDL_SCANCODE_LCTRL || sc == SDL_SCANCODE_RCTRL;
}

static bool is_alt(SDL_Scancode sc)
{
	return sc == SDL_SCANCODE_LALT || sc == SDL_SCANCODE_RALT;
}

static void handle_key(struct sdl_console *c, const SDL_KeyboardEvent *k)
{
	SDL_Scancode sc = k->keysym.scancode;
	bool down = k->type == SDL_KEYDOWN;

	if (k->repeat || (int)sc < 0 || sc >= SDL_NUM_SCANCODES)
		return;
	/* Ctrl and Alt go to the guest as well (QEMU does the same); the
	 * combination releases the grab only when released with no other
	 * key pressed in between, so Ctrl-Alt-Del reaches the guest. */
	send_key(c, sc, down);
	if (down) {
		if (is_ctrl(sc) || is_alt(sc)) {
			bool ctrl = c->key_down[SDL_SCANCODE_LCTRL] ||
				    c->key_down[SDL_SCANCODE_RCTRL];
			bool alt = c->key_down[SDL_SCANCODE_LALT] ||
				   c->key_down[SDL_SCANCODE_RALT];

			if (ctrl && alt)
				c->ctrl_alt_alone = true;
		} else {
			c->ctrl_alt_alone = false;
		}
	} else if ((is_ctrl(sc) || is_alt(sc)) && c->ctrl_alt_alone) {
		c->ctrl_alt_alone = false;
		set_grab(c, false);
	}
}

static unsigned button_bit(Uint8 button)
{
	switch (button) {
	case SDL_BUTTON_LEFT:
		return INPUT_BUTTON_LEFT;
	case SDL_BUTTON_RIGHT:
		return INPUT_BUTTON_RIGHT;
	case SDL_BUTTON_MIDDLE:
		return INPUT_BUTTON_MIDDLE;
	default:
		return 0;
	}
}

static void handle_button(struct sdl_console *c, const SDL_MouseButtonEvent *b)
{
	const struct input_sink *in = c->ctx.input;
	unsigned bit = button_bit(b->button);

	if (!c->grabbed) {
		/* The click that grabs is the user's, not the guest's. */
		if (b->type == SDL_MOUSEBUTTONDOWN && b->button == SDL_BUTTON_LEFT)
			set_grab(c, true);
		return;
	}
	if (!bit)
		return;
	if (b->type == SDL_MOUSEBUTTONDOWN)
		c->buttons |= bit;
	else
		c->buttons &= ~bit;
	in->pointer(in->opaque, 0, 0, 0, c->buttons);
}

static void handle_wheel(struct sdl_console *c, const SDL_MouseWheelEvent *w)
{
	const struct input_sink *in = c->ctx.input;
	int y = w->y;

	if (!c->grabbed || !y)
		return;
	if (w->direction == SDL_MOUSEWHEEL_FLIPPED)
		y = -y;
	/* SDL: y > 0 is away from the user; the seam's dz > 0 is towards. */
	in->pointer(in->opaque, 0, 0, -y, c->buttons);
}

/* Recreate the texture (and the window's size) for the surface's size. */
static int fit_surface(struct sdl_console *c, unsigned width, unsigned height)
{
	SDL_Texture *t = SDL_CreateTexture(c->renderer, SDL_PIXELFORMAT_XRGB8888,
					   SDL_TEXTUREACCESS_STREAMING,
					   (int)width, (int)height);

	if (!t)
		return -1;
	if (c->texture)
		SDL_DestroyTexture(c->texture);
	c->texture = t;
	c->tex_width = width;
	c->tex_height = height;
	/* Logical size: the renderer scales to the window keeping the aspect
	 * (letterboxed) when fullscreen; windowed, the window follows. */
	SDL_RenderSetLogicalSize(c->renderer, (int)width, (int)height);
	if (!(SDL_GetWindowFlags(c->window) & SDL_WINDOW_FULLSCREEN))
		SDL_SetWindowSize(c->window, (int)width, (int)height);
	return 0;
}

static void copy_rect(struct sdl_console *c, const struct display_surface *s,
		      unsigned x, unsigned y, unsigned w, unsigned h)
{
	SDL_Rect r = { (int)x, (int)y, (int)w, (int)h };
	const uint8_t *p = (const uint8_t *)s->pixels + (size_t)y * s->stride +
			   (size_t)x * 4;

	/* The callbacks' rectangles are inside the surface (display.h);
	 * clip anyway, the texture must never be written outside. */
	if (x >= s->width || y >= s->height || !w || !h)
		return;
	if (w > s->width - x)
		r.w = (int)(s->width - x);
	if (h > s->height - y)
		r.h = (int)(s->height - y);
	SDL_UpdateTexture(c->texture, &r, p, (int)s->stride);
}

/* Copy what changed out of the surface; true when something did. */
static bool update_texture(struct sdl_console *c)
{
	const struct display_surface *s = display_lock(c->ctx.display);
	bool changed = c->redraw_all || c->nr_damage;

	c->wake_pending = false;
	if (s->width != c->tex_width || s->height != c->tex_height) {
		if (fit_surface(c, s->width, s->height) < 0) {
			/* Keep the old texture; the next change retries. */
			display_unlock(c->ctx.display);
			return false;
		}
		c->redraw_all = true;
		changed = true;
	}
	if (c->redraw_all)
		copy_rect(c, s, 0, 0, s->width, s->height);
	else
		for (unsigned i = 0; i < c->nr_damage; i++)
			copy_rect(c, s, c->damage[i].x, c->damage[i].y,
				  c->damage[i].w, c->damage[i].h);
	c->redraw_all = false;
	c->nr_damage = 0;
	display_unlock(c->ctx.display);
	return changed;
}

static void present(struct sdl_console *c)
{
	SDL_SetRenderDrawColor(c->renderer, 0, 0, 0, 255);
	SDL_RenderClear(c->renderer);
	if (c->texture)
		SDL_RenderCopy(c->renderer, c->texture, NULL, NULL);
	SDL_RenderPresent(c->renderer);
}

/* One event; sets *redraw when the window must be presented again. */
static void handle_event(struct sdl_console *c, const SDL_Event *ev,
			 bool *update, bool *redraw)
{
	const struct input_sink *in = c->ctx.input;

	if (ev->type == c->ev_wake) {
		*update = true;
		return;
	}
	switch (ev->type) {
	case SDL_KEYDOWN:
	case SDL_KEYUP:
		handle_key(c, &ev->key);
		break;
	case SDL_MOUSEMOTION:
		if (c->grabbed && (ev->motion.xrel || ev->motion.yrel))
			in->pointer(in->opaque, ev->motion.xrel, ev->motion.yrel,
				    0, c->buttons);
		break;
	case SDL_MOUSEBUTTONDOWN:
	case SDL_MOUSEBUTTONUP:
		handle_button(c, &ev->button);
		break;
	case SDL_MOUSEWHEEL:
		handle_wheel(c, &ev->wheel);
		break;
	case SDL_WINDOWEVENT:
		switch (ev->window.event) {
		case SDL_WINDOWEVENT_CLOSE:
			/* The machine decides what closing means
			 * (console.h): the window stays until stop. */
			c->ctx.request_poweroff(c->ctx.opaque);
			break;
		case SDL_WINDOWEVENT_FOCUS_LOST:
			release_all_keys(c);
			set_grab(c, false);
			break;
		case SDL_WINDOWEVENT_EXPOSED:
		case SDL_WINDOWEVENT_SIZE_CHANGED:
			*redraw = true;
			break;
		}
		break;
	}
}

static void report_start(struct sdl_console *c, enum sdl_start_state state)
{
	pthread_mutex_lock(&c->start_lock);
	c->state = state;
	pthread_cond_signal(&c->start_cond);
	pthread_mutex_unlock(&c->start_lock);
}

static int open_window(struct sdl_console *c)
{
	const struct display_surface *s;
	unsigned width, height;
	int win_width, win_height;
	Uint32 flags = 0;
	Uint32 first;

	/* The monitor owns SIGINT/SIGTERM: SDL must not turn them into
	 * SDL_QUIT. Closing the window must not end SDL either. */
	SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
	SDL_SetHint(SDL_HINT_QUIT_ON_LAST_WINDOW_CLOSE, "0");
	/* A screensaver over a guest's screen is the guest's business. */
	SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "1");
	/* Unless the user picked a driver, only a real window will do: when
	 * X fails SDL would go on to its "offscreen" driver and "succeed"
	 * with a window nobody can see. */
	if (!getenv("SDL_VIDEODRIVER"))
		SDL_SetHint(SDL_HINT_VIDEODRIVER,
			    getenv("DISPLAY") && *getenv("DISPLAY") ?
			    "x11" : "wayland");
	if (SDL_Init(SDL_INIT_VIDEO) < 0) {
		snprintf(c->start_err, sizeof(c->start_err), "SDL: %s",
			 SDL_GetError());
		return -1;
	}
	first = SDL_RegisterEvents(2);
	if (first == (Uint32)-1) {
		snprintf(c->start_err, sizeof(c->start_err),
			 "SDL: no user events left");
		return -1;
	}
	c->ev_wake = first;
	c->ev_stop = first + 1;

	s = display_lock(c->ctx.display);
	width = s->width;
	height = s->height;
	display_unlock(c->ctx.display);

	win_width = (int)width;
	win_height = (int)height;
	if (c->ctx.cfg->display.fullscreen) {
		SDL_DisplayMode mode;

		flags |= SDL_WINDOW_FULLSCREEN_DESKTOP | SDL_WINDOW_BORDERLESS;
		/* The desktop's size from the start: a window manager makes
		 * it fullscreen anyway, and with none (Xvfb, a bare X
		 * server) nobody else would. */
		if (!SDL_GetDesktopDisplayMode(0, &mode)) {
			win_width = mode.w;
			win_height = mode.h;
		}
	}
	c->window = SDL_CreateWindow("vmm", SDL_WINDOWPOS_CENTERED,
				     SDL_WINDOWPOS_CENTERED, win_width,
				     win_height, flags);
	if (!c->window) {
		snprintf(c->start_err, sizeof(c->start_err), "SDL: %s",
			 SDL_GetError());
		return -1;
	}
	set_title(c);
	/* Accelerated if there is one, else SDL's software renderer (Xvfb,
	 * remote X). */
	c->renderer = SDL_CreateRenderer(c->window, -1, 0);
	if (!c->renderer)
		c->renderer = SDL_CreateRenderer(c->window, -1,
						 SDL_RENDERER_SOFTWARE);
	if (!c->renderer) {
		snprintf(c->start_err, sizeof(c->start_err),
			 "SDL renderer: %s", SDL_GetError());
		return -1;
	}
	if (fit_surface(c, width, height) < 0) {
		snprintf(c->start_err, sizeof(c->start_err),
			 "SDL texture: %s", SDL_GetError());
		return -1;
	}
	c->redraw_all = true;
	return 0;
}

static void close_window(struct sdl_console *c)
{
	if (c->texture)
		SDL_DestroyTexture(c->texture);
	if (c->renderer)
		SDL_DestroyRenderer(c->renderer);
	if (c->window)
		SDL_DestroyWindow(c->window);
	c->texture = NULL;
	c->renderer = NULL;
	c->window = NULL;
	SDL_Quit();
}

static void *sdl_thread(void *opaque)
{
	struct sdl_console *c = opaque;

	if (open_window(c) < 0) {
		close_window(c);
		report_start(c, SDL_FAILED);
		return NULL;
	}
	report_start(c, SDL_RUNNING);

	update_texture(c);
	present(c);
	while (!atomic_load(&c->stopping)) {
		bool update = false, redraw = false;
		SDL_Event ev;

		/* Sleeps until an X event or our wake/stop event. */
		if (!SDL_WaitEvent(&ev)) {
			SDL_Delay(10); /* an SDL error: do not spin on it */
			continue;
		}
		do {
			if (ev.type == c->ev_stop)
				atomic_store(&c->stopping, true);
			else
				handle_event(c, &ev, &update, &redraw);
		} while (SDL_PollEvent(&ev));
		if (atomic_load(&c->stopping))
			break;
		if (update && update_texture(c))
			redraw = true;
		if (redraw)
			present(c);
	}
	release_all_keys(c);
	close_window(c);
	return NULL;
}

/* ---- start and stop (console.h) ---------------------------------------- */

static bool env_set(const char *name)
{
	const char *v = getenv(name);

	return v && *v;
}

static void stop_thread(struct sdl_console *c)
{
	SDL_Event ev;

	atomic_store(&c->stopping, true);
	memset(&ev, 0, sizeof(ev));
	ev.type = c->ev_stop;
	/* The queue holds at most our wake event plus the window's events;
	 * should it ever be full, the thread drains it and we retry. */
	while (SDL_PushEvent(&ev) < 0)
		SDL_Delay(1);
	pthread_join(c->thread, NULL);
}

static void free_console(struct sdl_console *c)
{
	pthread_cond_destroy(&c->start_cond);
	pthread_mutex_destroy(&c->start_lock);
	free(c);
}

struct sdl_console *sdl_console_start(const struct console_context *ctx,
				      char *err, size_t errlen)
{
	const char *where = ctx->cfg->display.where_sdl;
	struct sdl_console *c;
	sigset_t all, old;
	int rc;

	/* Asked before SDL is: its error for this case ("No available video
	 * device") does not say what to do. SDL_VIDEODRIVER lets a user pick
	 * another driver (kmsdrm, offscreen) on purpose. */
	if (!env_set("DISPLAY") && !env_set("WAYLAND_DISPLAY") &&
	    !env_set("SDL_VIDEODRIVER")) {
		snprintf(err, errlen, "%s: sdl: cannot open a window: DISPLAY "
			 "is not set (nor WAYLAND_DISPLAY)", where);
		return NULL;
	}

	c = calloc(1, sizeof(*c));
	if (!c)
		abort();
	c->ctx = *ctx;
	c->where = where;
	c->console_id = -1;
	c->state = SDL_STARTING;
	pthread_mutex_init(&c->start_lock, NULL);
	pthread_cond_init(&c->start_cond, NULL);

	/* The monitor's signals (vCPU kicks, SIGINT) are not this thread's
	 * business, nor that of the threads SDL starts from it. */
	sigfillset(&all);
	/* Faults stay deliverable: blocked, they would kill the process
	 * without the monitor's handlers seeing them. */
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGILL);
	sigdelset(&all, SIGABRT);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&c->thread, NULL, sdl_thread, c);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		snprintf(err, errlen, "%s: sdl: cannot start its thread: %s",
			 where, strerror(rc));
		free_console(c);
		return NULL;
	}

	pthread_mutex_lock(&c->start_lock);
	while (c->state == SDL_STARTING)
		pthread_cond_wait(&c->start_cond, &c->start_lock);
	pthread_mutex_unlock(&c->start_lock);
	if (c->state == SDL_FAILED) {
		const char *d = getenv("DISPLAY");

		pthread_join(c->thread, NULL);
		if (d && *d)
			snprintf(err, errlen, "%s: sdl: cannot open a window on "
				 "DISPLAY=%s (%s)", where, d, c->start_err);
		else
			snprintf(err, errlen, "%s: sdl: cannot open a window "
				 "(%s)", where, c->start_err);
		free_console(c);
		return NULL;
	}

	c->console_id = display_add_console(c->ctx.display, &sdl_display_ops, c);
	if (c->console_id < 0) {
		snprintf(err, errlen, "%s: sdl: cannot attach to the display: %s",
			 where, strerror(errno));
		stop_thread(c);
		free_console(c);
		return NULL;
	}
	return c;
}

void sdl_console_stop(struct sdl_console *c)
{
	if (!c)
		return;
	/* No callback (hence no SDL_PushEvent) after this, so SDL_Quit on
	 * the thread races with nothing. */
	display_remove_console(c->ctx.display, c->console_id);
	stop_thread(c);
	free_console(c);
}
