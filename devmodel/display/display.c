// SPDX-License-Identifier: GPL-2.0
/*
 * The display seam: one surface of host pixels, the consoles watching it
 * and the refresh timer that has the device render while anyone watches
 * (display.h for the threads and locks).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "devmodel/display/display.h"

#define INITIAL_WIDTH  640
#define INITIAL_HEIGHT 480

struct display_console {
	const struct display_console_ops *ops;
	void *opaque;
};

struct display {
	pthread_mutex_t surface_lock;
	struct display_surface surface;

	const struct display_device_ops *dev_ops;
	void *dev_opaque;

	struct display_console consoles[DISPLAY_MAX_CONSOLES];
	unsigned nr_consoles;

	struct dm_timer refresh_timer;
	struct dm_timer_list *timers;
	uint64_t interval;	/* ns until the next refresh */
	bool damaged;		/* display_damage since the last refresh */
};

static int surface_alloc(struct display_surface *s, unsigned width,
			 unsigned height)
{
	uint32_t *pixels = calloc((size_t)width * height, sizeof(*pixels));

	if (!pixels)
		return -1;
	free(s->pixels);
	s->pixels = pixels;
	s->width = width;
	s->height = height;
	s->stride = width * sizeof(*pixels);
	s->generation++;
	return 0;
}

static void refresh_tick(void *opaque)
{
	struct display *d = opaque;

	d->damaged = false;
	display_refresh(d);
	if (d->damaged)
		d->interval = DISPLAY_REFRESH_NS;
	else if (d->interval < DISPLAY_REFRESH_IDLE_NS)
		d->interval = d->interval * 2 > DISPLAY_REFRESH_IDLE_NS ?
			      DISPLAY_REFRESH_IDLE_NS : d->interval * 2;
	if (d->nr_consoles)
		dm_timer_mod(&d->refresh_timer, dm_now(d->timers) + d->interval);
}

void display_activity(struct display *d)
{
	uint64_t soon;

	if (!d || d->interval == DISPLAY_REFRESH_NS || !d->nr_consoles)
		return;
	d->interval = DISPLAY_REFRESH_NS;
	soon = dm_now(d->timers) + DISPLAY_REFRESH_NS;
	if (!dm_timer_pending(&d->refresh_timer) ||
	    d->refresh_timer.deadline > soon)
		dm_timer_mod(&d->refresh_timer, soon);
}

struct display *display_create(struct dm_timer_list *timers)
{
	struct display *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	if (surface_alloc(&d->surface, INITIAL_WIDTH, INITIAL_HEIGHT)) {
		free(d);
		errno = ENOMEM;
		return NULL;
	}
	pthread_mutex_init(&d->surface_lock, NULL);
	d->timers = timers;
	d->interval = DISPLAY_REFRESH_NS;
	dm_timer_init(&d->refresh_timer, timers, refresh_tick, d);
	return d;
}

void display_destroy(struct display *d)
{
	if (!d)
		return;
	dm_timer_del(&d->refresh_timer);
	pthread_mutex_destroy(&d->surface_lock);
	free(d->surface.pixels);
	free(d);
}

void display_set_device(struct display *d, const struct display_device_ops *ops,
			void *opaque)
{
	d->dev_ops = ops;
	d->dev_opaque = opaque;
}

struct display_surface *display_begin(struct display *d, unsigned width,
				      unsigned height)
{
	struct display_surface *s = &d->surface;

	if (!width || !height || width > DISPLAY_MAX_WIDTH ||
	    height > DISPLAY_MAX_HEIGHT)
		return NULL;
	pthread_mutex_lock(&d->surface_lock);
	if (s->width != width || s->height != height) {
		if (surface_alloc(s, width, height)) {
			pthread_mutex_unlock(&d->surface_lock);
			return NULL;
		}
		for (unsigned i = 0; i < d->nr_consoles; i++)
			if (d->consoles[i].ops)
				d->consoles[i].ops->resized(d->consoles[i].opaque,
							    width, height);
	}
	return s;
}

void display_damage(struct display *d, unsigned x, unsigned y, unsigned w,
		    unsigned h)
{
	const struct display_surface *s = &d->surface;

	if (x >= s->width || y >= s->height || !w || !h)
		return;
	if (w > s->width - x)
		w = s->width - x;
	if (h > s->height - y)
		h = s->height - y;
	d->damaged = true;
	for (unsigned i = 0; i < d->nr_consoles; i++)
		if (d->consoles[i].ops)
			d->consoles[i].ops->damaged(d->consoles[i].opaque,
						    x, y, w, h);
}

void display_end(struct display *d)
{
	pthread_mutex_unlock(&d->surface_lock);
}

void display_refresh(struct display *d)
{
	if (d->dev_ops && d->dev_ops->refresh && d->nr_consoles)
		d->dev_ops->refresh(d->dev_opaque);
}

int display_add_console(struct display *d, const struct display_console_ops *ops,
			void *opaque)
{
	unsigned id;

	pthread_mutex_lock(&d->surface_lock);
	for (id = 0; id < DISPLAY_MAX_CONSOLES; id++)
		if (!d->consoles[id].ops)
			break;
	if (id == DISPLAY_MAX_CONSOLES) {
		pthread_mutex_unlock(&d->surface_lock);
		errno = ENOSPC;
		return -1;
	}
	d->consoles[id].ops = ops;
	d->consoles[id].opaque = opaque;
	if (id >= d->nr_consoles)
		d->nr_consoles = id + 1;
	ops->resized(opaque, d->surface.width, d->surface.height);
	pthread_mutex_unlock(&d->surface_lock);

	if (d->dev_ops && d->dev_ops->invalidate)
		d->dev_ops->invalidate(d->dev_opaque);
	d->interval = DISPLAY_REFRESH_NS;
	dm_timer_mod(&d->refresh_timer, dm_now(d->timers));
	return (int)id;
}

void display_remove_console(struct display *d, int id)
{
	if (id < 0 || id >= DISPLAY_MAX_CONSOLES)
		return;
	pthread_mutex_lock(&d->surface_lock);
	d->consoles[id].ops = NULL;
	d->consoles[id].opaque = NULL;
	while (d->nr_consoles && !d->consoles[d->nr_consoles - 1].ops)
		d->nr_consoles--;
	pthread_mutex_unlock(&d->surface_lock);
	if (!d->nr_consoles)
		dm_timer_del(&d->refresh_timer);
}

const struct display_surface *display_lock(struct display *d)
{
	pthread_mutex_lock(&d->surface_lock);
	return &d->surface;
}

void display_unlock(struct display *d)
{
	pthread_mutex_unlock(&d->surface_lock);
}
