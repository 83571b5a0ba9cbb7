/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Virtual timers for devices (PIT, RTC, UART ...): a device arms a timer for
 * an absolute time on its timer list's clock and is called back when it is
 * due. The monitor runs the list from its event loop (a timerfd armed for
 * the next deadline); unit tests drive it with a fake clock.
 * Called under the device-model lock.
 */
#ifndef DEVMODEL_TIMER_H
#define DEVMODEL_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#define NSEC_PER_SEC 1000000000ull

typedef void (*dm_timer_cb)(void *opaque);

struct dm_timer_list;

struct dm_timer {
	struct dm_timer_list *list;
	dm_timer_cb cb;
	void *opaque;
	uint64_t deadline; /* ns on the list's clock */
	bool armed;
	struct dm_timer *next; /* in the list's deadline order */
};

struct dm_timer_list {
	uint64_t (*now)(void *clock_opaque); /* ns, monotonic */
	void *clock_opaque;
	struct dm_timer *head;
	/* Called when the earliest deadline changed (the monitor re-arms
	 * its timerfd); may be NULL. */
	void (*deadline_changed)(void *opaque, uint64_t deadline);
	void *deadline_opaque;
};

/* A list on CLOCK_MONOTONIC. */
void dm_timer_list_init(struct dm_timer_list *list);
uint64_t dm_now(const struct dm_timer_list *list);

void dm_timer_init(struct dm_timer *t, struct dm_timer_list *list,
		   dm_timer_cb cb, void *opaque);
void dm_timer_mod(struct dm_timer *t, uint64_t deadline_ns);
void dm_timer_del(struct dm_timer *t);
bool dm_timer_pending(const struct dm_timer *t);

/* Run every timer due at `now` (callbacks may re-arm); returns the next
 * deadline, or UINT64_MAX when none is armed. */
uint64_t dm_timers_run(struct dm_timer_list *list, uint64_t now);

#endif /* DEVMODEL_TIMER_H */
