// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the display seam (devmodel/display/display.c) on a fake
 * clock: consoles hear of resizes and damage, the refresh timer runs only
 * while a console is attached, backs off while the device draws nothing
 * and snaps back on damage or display_activity().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/fixture.h"

#include "devmodel/display/display.h"

static uint64_t clock_ns;
static struct dm_timer_list timers;
static struct display *disp;

/* The device: draws a pixel when `draw` is set. */
static unsigned refreshes, invalidations;
static int draw;

static void dev_refresh(void *opaque)
{
	struct display_surface *s;

	(void)opaque;
	refreshes++;
	if (!draw)
		return;
	s = display_begin(disp, 320, 200);
	assert_non_null(s);
	s->pixels[0] = 0xff0000;
	display_damage(disp, 0, 0, 1, 1);
	display_end(disp);
	draw--;
}

static void dev_invalidate(void *opaque)
{
	(void)opaque;
	invalidations++;
}

static const struct display_device_ops dev_ops = {
	.refresh = dev_refresh,
	.invalidate = dev_invalidate,
};

/* The console: records what it was told. */
static unsigned resizes, damages, last_w, last_h;

static void con_resized(void *opaque, unsigned w, unsigned h)
{
	(void)opaque;
	resizes++;
	last_w = w;
	last_h = h;
}

static void con_damaged(void *opaque, unsigned x, unsigned y, unsigned w,
			unsigned h)
{
	(void)opaque, (void)x, (void)y, (void)w, (void)h;
	damages++;
}

static const struct display_console_ops con_ops = {
	.resized = con_resized,
	.damaged = con_damaged,
};

static int setup(void **state)
{
	(void)state;
	fake_timers_init(&timers, &clock_ns, 1000);
	refreshes = invalidations = resizes = damages = 0;
	draw = 0;
	disp = display_create(&timers);
	assert_non_null(disp);
	display_set_device(disp, &dev_ops, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	display_destroy(disp);
	return 0;
}

/* Advance the clock to the next timer and run it; its deadline delta. */
static uint64_t tick(void)
{
	return fake_timers_run_next(&timers, &clock_ns);
}

static void no_console_no_refresh(void **state)
{
	(void)state;
	assert_null(timers.head);
	display_refresh(disp);
	assert_int_equal(refreshes, 0);
	const struct display_surface *s = display_lock(disp);
	assert_int_equal(s->width, 640);
	assert_int_equal(s->height, 480);
	display_unlock(disp);
}

static void console_hears_resize_and_damage(void **state)
{
	int id;

	(void)state;
	id = display_add_console(disp, &con_ops, NULL);
	assert_true(id >= 0);
	assert_int_equal(resizes, 1);          /* the current size at once */
	assert_int_equal(last_w, 640);
	assert_int_equal(invalidations, 1);    /* the device redraws all */
	draw = 1;
	tick();
	assert_int_equal(refreshes, 1);
	assert_int_equal(resizes, 2);
	assert_int_equal(last_w, 320);
	assert_int_equal(last_h, 200);
	assert_int_equal(damages, 1);
	display_remove_console(disp, id);
	assert_null(timers.head);              /* nobody watches: no timer */
}

static void refresh_backs_off_and_snaps_back(void **state)
{
	uint64_t gap = 0;

	(void)state;
	display_add_console(disp, &con_ops, NULL);
	tick();                                 /* the first, at once */
	/* nothing drawn: the gaps double up to the idle interval */
	assert_int_equal(tick(), DISPLAY_REFRESH_NS * 2);
	assert_int_equal(tick(), DISPLAY_REFRESH_NS * 4);
	for (int i = 0; i < 10; i++)
		gap = tick();
	assert_int_equal(gap, DISPLAY_REFRESH_IDLE_NS);
	/* a trapped write: the next refresh within DISPLAY_REFRESH_NS */
	display_activity(disp);
	assert_int_equal(tick(), DISPLAY_REFRESH_NS);
	/* the device drew: the interval stays short */
	draw = 2;
	tick();
	assert_int_equal(tick(), DISPLAY_REFRESH_NS);
	assert_int_equal(tick(), DISPLAY_REFRESH_NS);
	assert_int_equal(tick(), DISPLAY_REFRESH_NS * 2);
}

static void too_many_consoles(void **state)
{
	(void)state;
	for (int i = 0; i < DISPLAY_MAX_CONSOLES; i++)
		assert_int_equal(display_add_console(disp, &con_ops, NULL), i);
	assert_int_equal(display_add_console(disp, &con_ops, NULL), -1);
	assert_null(display_begin(disp, 0, 10));
	assert_null(display_begin(disp, DISPLAY_MAX_WIDTH + 1, 10));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(no_console_no_refresh, setup, teardown),
		cmocka_unit_test_setup_teardown(console_hears_resize_and_damage, setup, teardown),
		cmocka_unit_test_setup_teardown(refresh_backs_off_and_snaps_back, setup, teardown),
		cmocka_unit_test_setup_teardown(too_many_consoles, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
