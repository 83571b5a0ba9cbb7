// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the device-model timers (devmodel/core/timer.c) on a fake
 * clock: ordering, re-arming and deleting from callbacks, next deadline
 * and the deadline_changed notification.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/fixture.h"

#include "devmodel/core/timer.h"

struct fixture {
	struct dm_timer_list list;
	uint64_t clock;
	char order[16];
	unsigned fired;
	uint64_t notified[16];
	unsigned notifications;
};

struct probe {
	struct fixture *f;
	struct dm_timer timer;
	char name;
	uint64_t period;	/* re-arm by this much when non-zero */
	unsigned runs_left;	/* re-arms this many times */
	struct dm_timer *delete_other;
};

static void record_deadline(void *opaque, uint64_t deadline)
{
	struct fixture *f = opaque;

	if (f->notifications < 16)
		f->notified[f->notifications] = deadline;
	f->notifications++;
}

static void probe_fired(void *opaque)
{
	struct probe *p = opaque;
	struct fixture *f = p->f;

	if (f->fired < sizeof(f->order) - 1)
		f->order[f->fired] = p->name;
	f->fired++;
	if (p->delete_other)
		dm_timer_del(p->delete_other);
	if (p->period && p->runs_left) {
		p->runs_left--;
		dm_timer_mod(&p->timer, p->timer.deadline + p->period);
	}
}

static int setup(void **state)
{
	static struct fixture f;

	f = (struct fixture){ 0 };
	fake_timers_init(&f.list, &f.clock, 0);
	f.list.deadline_changed = record_deadline;
	f.list.deadline_opaque = &f;
	*state = &f;
	return 0;
}

static void probe_init(struct probe *p, struct fixture *f, char name)
{
	*p = (struct probe){ .f = f, .name = name };
	dm_timer_init(&p->timer, &f->list, probe_fired, p);
}

static void due_timers_run_in_deadline_order(void **state)
{
	struct fixture *f = *state;
	struct probe a, b, c, d;

	probe_init(&a, f, 'a');
	probe_init(&b, f, 'b');
	probe_init(&c, f, 'c');
	probe_init(&d, f, 'd');
	dm_timer_mod(&a.timer, 300);
	dm_timer_mod(&b.timer, 100);
	dm_timer_mod(&c.timer, 200);
	dm_timer_mod(&d.timer, 200); /* same deadline: after c */

	assert_int_equal(dm_timers_run(&f->list, 99), 100);
	assert_int_equal(f->fired, 0);
	assert_int_equal(dm_timers_run(&f->list, 250), 300);
	assert_string_equal(f->order, "bcd");
	assert_false(dm_timer_pending(&b.timer));
	assert_true(dm_timer_pending(&a.timer));
	assert_int_equal(dm_timers_run(&f->list, 300), UINT64_MAX);
	assert_string_equal(f->order, "bcda");
}

static void mod_moves_an_armed_timer(void **state)
{
	struct fixture *f = *state;
	struct probe a, b;

	probe_init(&a, f, 'a');
	probe_init(&b, f, 'b');
	dm_timer_mod(&a.timer, 100);
	dm_timer_mod(&b.timer, 200);
	dm_timer_mod(&a.timer, 300); /* re-arm later: once in the list */
	assert_int_equal(dm_timers_run(&f->list, 1000), UINT64_MAX);
	assert_string_equal(f->order, "ba");
}

static void callback_may_rearm_itself(void **state)
{
	struct fixture *f = *state;
	struct probe tick;

	probe_init(&tick, f, 't');
	tick.period = 10;
	tick.runs_left = 100;
	dm_timer_mod(&tick.timer, 10);
	/* Due at 10, 20, 30, 40, 50: a late run catches up, then stops. */
	assert_int_equal(dm_timers_run(&f->list, 55), 60);
	assert_int_equal(f->fired, 5);
	assert_true(dm_timer_pending(&tick.timer));
}

static void callback_may_delete_others(void **state)
{
	struct fixture *f = *state;
	struct probe a, b, c;

	probe_init(&a, f, 'a');
	probe_init(&b, f, 'b');
	probe_init(&c, f, 'c');
	a.delete_other = &b.timer;
	dm_timer_mod(&a.timer, 10);
	dm_timer_mod(&b.timer, 10); /* due too, but deleted by a first */
	dm_timer_mod(&c.timer, 20);
	assert_int_equal(dm_timers_run(&f->list, 20), UINT64_MAX);
	assert_string_equal(f->order, "ac");
	assert_false(dm_timer_pending(&b.timer));
}

static void deleted_timer_never_fires(void **state)
{
	struct fixture *f = *state;
	struct probe a, b;

	probe_init(&a, f, 'a');
	probe_init(&b, f, 'b');
	dm_timer_mod(&a.timer, 10);
	dm_timer_mod(&b.timer, 20);
	dm_timer_del(&a.timer);
	dm_timer_del(&a.timer); /* twice is harmless */
	assert_false(dm_timer_pending(&a.timer));
	assert_int_equal(dm_timers_run(&f->list, 100), UINT64_MAX);
	assert_string_equal(f->order, "b");
}

static void earliest_deadline_changes_are_reported(void **state)
{
	struct fixture *f = *state;
	struct probe a, b, tick;

	probe_init(&a, f, 'a');
	probe_init(&b, f, 'b');
	probe_init(&tick, f, 't');
	dm_timer_mod(&a.timer, 100);		/* new earliest: 100 */
	dm_timer_mod(&b.timer, 200);		/* not earliest: silent */
	dm_timer_mod(&b.timer, 50);		/* new earliest: 50 */
	dm_timer_del(&a.timer);			/* not earliest: silent */
	dm_timer_del(&b.timer);			/* none left */
	assert_int_equal(f->notifications, 3);
	assert_int_equal(f->notified[0], 100);
	assert_int_equal(f->notified[1], 50);
	assert_int_equal(f->notified[2], UINT64_MAX);

	/* A run reports once, with the deadline left after it. */
	tick.period = 10;
	tick.runs_left = 3;
	dm_timer_mod(&tick.timer, 10);
	f->notifications = 0;
	assert_int_equal(dm_timers_run(&f->list, 25), 30);
	assert_int_equal(f->notifications, 1);
	assert_int_equal(f->notified[0], 30);
}

static void list_reads_its_clock(void **state)
{
	struct fixture *f = *state;
	struct dm_timer_list real;
	uint64_t t0, t1;

	f->clock = 12345;
	assert_int_equal(dm_now(&f->list), 12345);
	dm_timer_list_init(&real);
	assert_null(real.head);
	t0 = dm_now(&real);
	t1 = dm_now(&real);
	assert_true(t0 > 0 && t1 >= t0);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(due_timers_run_in_deadline_order),
		T(mod_moves_an_armed_timer),
		T(callback_may_rearm_itself),
		T(callback_may_delete_others),
		T(deleted_timer_never_fires),
		T(earliest_deadline_changes_are_reported),
		T(list_reads_its_clock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
