// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual timers (timer.h): a singly linked list kept in deadline order,
 * timers with equal deadlines in arming order. Devices arm a handful of
 * timers, so insertion by walking the list is cheap.
 */
#include <time.h>

#include "devmodel/core/timer.h"

static uint64_t monotonic_now(void *unused)
{
	struct timespec ts;

	(void)unused;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

void dm_timer_list_init(struct dm_timer_list *list)
{
	*list = (struct dm_timer_list){ .now = monotonic_now };
}

uint64_t dm_now(const struct dm_timer_list *list)
{
	return list->now(list->clock_opaque);
}

void dm_timer_init(struct dm_timer *t, struct dm_timer_list *list,
		   dm_timer_cb cb, void *opaque)
{
	*t = (struct dm_timer){ .list = list, .cb = cb, .opaque = opaque };
}

static uint64_t earliest_deadline(const struct dm_timer_list *list)
{
	return list->head ? list->head->deadline : UINT64_MAX;
}

static void notify_if_earliest_changed(struct dm_timer_list *list,
				       uint64_t before)
{
	uint64_t after = earliest_deadline(list);

	if (after != before && list->deadline_changed)
		list->deadline_changed(list->deadline_opaque, after);
}

static void unlink_timer(struct dm_timer *t)
{
	struct dm_timer **link = &t->list->head;

	while (*link && *link != t)
		link = &(*link)->next;
	if (*link)
		*link = t->next;
	t->next = NULL;
	t->armed = false;
}

static void insert_timer(struct dm_timer *t)
{
	struct dm_timer **link = &t->list->head;

	while (*link && (*link)->deadline <= t->deadline)
		link = &(*link)->next;
	t->next = *link;
	*link = t;
	t->armed = true;
}

void dm_timer_mod(struct dm_timer *t, uint64_t deadline_ns)
{
	uint64_t before = earliest_deadline(t->list);

	if (t->armed)
		unlink_timer(t);
	t->deadline = deadline_ns;
	insert_timer(t);
	notify_if_earliest_changed(t->list, before);
}

void dm_timer_del(struct dm_timer *t)
{
	uint64_t before;

	if (!t->armed)
		return;
	before = earliest_deadline(t->list);
	unlink_timer(t);
	notify_if_earliest_changed(t->list, before);
}

bool dm_timer_pending(const struct dm_timer *t)
{
	return t->armed;
}

/*
 * The head is re-read after every callback, so a callback may re-arm or
 * delete itself or any other timer. deadline_changed is held back while
 * timers run and reported once at the end (the caller also gets the next
 * deadline as the return value).
 */
uint64_t dm_timers_run(struct dm_timer_list *list, uint64_t now)
{
	uint64_t before = earliest_deadline(list);
	void (*deadline_changed)(void *, uint64_t) = list->deadline_changed;
	struct dm_timer *t;

	list->deadline_changed = NULL;
	while ((t = list->head) && t->deadline <= now) {
		list->head = t->next;
		t->next = NULL;
		t->armed = false;
		t->cb(t->opaque);
	}
	list->deadline_changed = deadline_changed;
	notify_if_earliest_changed(list, before);
	return earliest_deadline(list);
}
