// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the worker pool (devmodel/core/worker.c): where work and
 * done functions run, the completion eventfd, drain, many jobs over
 * several threads, done functions that submit, and freeing a busy pool.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "devmodel/core/worker.h"

struct req {
	struct dm_job job;	/* first member: &req->job == (void *)req */
	struct dm_worker_pool *pool;
	unsigned sleep_ms;
	atomic_uint works;
	unsigned dones;
	pthread_t work_thread, done_thread;
	struct req *then;	/* done submits this one */
	/* FIFO order of work, over all requests of a test */
	atomic_uint *order_next;
	unsigned order;
};

static struct req *to_req(struct dm_job *job)
{
	return (struct req *)((char *)job - offsetof(struct req, job));
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0)
		;
}

static void req_work(struct dm_job *job)
{
	struct req *r = to_req(job);

	r->work_thread = pthread_self();
	if (r->order_next)
		r->order = atomic_fetch_add(r->order_next, 1);
	if (r->sleep_ms)
		sleep_ms(r->sleep_ms);
	atomic_fetch_add(&r->works, 1);
}

static void req_done(struct dm_job *job)
{
	struct req *r = to_req(job);

	r->done_thread = pthread_self();
	r->dones++;
	if (r->then)
		dm_worker_submit(r->pool, &r->then->job);
}

static void req_init(struct req *r, struct dm_worker_pool *pool)
{
	memset(r, 0, sizeof(*r));
	r->job.work = req_work;
	r->job.done = req_done;
	r->pool = pool;
}

static bool fd_readable(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, timeout_ms) == 1 && (p.revents & POLLIN);
}

static void test_work_on_pool_done_on_caller(void **state)
{
	struct dm_worker_pool *pool = dm_worker_pool_new(2);
	int fd;
	struct req r;

	(void)state;
	assert_non_null(pool);
	fd = dm_worker_completion_fd(pool);
	assert_true(fd >= 0);
	assert_false(fd_readable(fd, 0));

	req_init(&r, pool);
	dm_worker_submit(pool, &r.job);
	/* The fd says when the work is over; done waits for us. */
	assert_true(fd_readable(fd, 5000));
	assert_int_equal(atomic_load(&r.works), 1);
	assert_false(pthread_equal(r.work_thread, pthread_self()));
	sleep_ms(10);
	assert_int_equal(r.dones, 0);

	dm_worker_run_completions(pool);
	assert_int_equal(r.dones, 1);
	assert_true(pthread_equal(r.done_thread, pthread_self()));
	assert_false(fd_readable(fd, 0));
	/* Nothing finished: a no-op. */
	dm_worker_run_completions(pool);
	assert_int_equal(r.dones, 1);
	dm_worker_pool_free(pool);
}

static void test_drain_waits_for_slow_jobs(void **state)
{
	struct dm_worker_pool *pool = dm_worker_pool_new(2);
	struct req r[5];
	unsigned i;

	(void)state;
	assert_non_null(pool);
	for (i = 0; i < 5; i++) {
		req_init(&r[i], pool);
		r[i].sleep_ms = 50;
		dm_worker_submit(pool, &r[i].job);
	}
	dm_worker_drain(pool);
	for (i = 0; i < 5; i++) {
		assert_int_equal(atomic_load(&r[i].works), 1);
		assert_int_equal(r[i].dones, 1);
		assert_true(pthread_equal(r[i].done_thread, pthread_self()));
	}
	assert_false(fd_readable(dm_worker_completion_fd(pool), 0));
	/* An idle pool drains at once. */
	dm_worker_drain(pool);
	dm_worker_pool_free(pool);
}

static void test_one_thread_runs_in_order(void **state)
{
	struct dm_worker_pool *pool = dm_worker_pool_new(1);
	atomic_uint next = 0;
	struct req r[20];
	unsigned i;

	(void)state;
	assert_non_null(pool);
	for (i = 0; i < 20; i++) {
		req_init(&r[i], pool);
		r[i].order_next = &next;
		dm_worker_submit(pool, &r[i].job);
	}
	dm_worker_drain(pool);
	for (i = 0; i < 20; i++)
		assert_int_equal(r[i].order, i);
	dm_worker_pool_free(pool);
}

/* The event loop's way: poll the fd, run completions, until all are in. */
static void test_many_jobs_each_once(void **state)
{
	enum { N = 1000 };
	struct dm_worker_pool *pool = dm_worker_pool_new(4);
	struct req *r = calloc(N, sizeof(*r));
	unsigned i, dones = 0, rounds = 0;
	int fd;

	(void)state;
	assert_non_null(pool);
	assert_non_null(r);
	fd = dm_worker_completion_fd(pool);
	for (i = 0; i < N; i++) {
		req_init(&r[i], pool);
		dm_worker_submit(pool, &r[i].job);
	}
	while (dones < N) {
		assert_true(fd_readable(fd, 5000));
		dm_worker_run_completions(pool);
		for (dones = 0, i = 0; i < N; i++)
			dones += r[i].dones;
		rounds++;
	}
	for (i = 0; i < N; i++) {
		assert_int_equal(atomic_load(&r[i].works), 1);
		assert_int_equal(r[i].dones, 1);
	}
	assert_true(rounds >= 1);
	dm_worker_drain(pool);
	for (i = 0; i < N; i++)
		assert_int_equal(r[i].dones, 1);
	dm_worker_pool_free(pool);
	free(r);
}

static void test_done_may_submit(void **state)
{
	struct dm_worker_pool *pool = dm_worker_pool_new(2);
	struct req first, second, third;

	(void)state;
	assert_non_null(pool);
	req_init(&first, pool);
	req_init(&second, pool);
	req_init(&third, pool);
	first.then = &second;
	second.then = &third;
	second.sleep_ms = 20;
	dm_worker_submit(pool, &first.job);
	/* Drain covers what done functions submit while it runs. */
	dm_worker_drain(pool);
	assert_int_equal(first.dones, 1);
	assert_int_equal(second.dones, 1);
	assert_int_equal(third.dones, 1);
	assert_int_equal(atomic_load(&third.works), 1);

	/* And the same job may go round again from its own done. */
	req_init(&first, pool);
	dm_worker_submit(pool, &first.job);
	assert_true(fd_readable(dm_worker_completion_fd(pool), 5000));
	dm_worker_run_completions(pool);
	assert_int_equal(first.dones, 1);
	dm_worker_submit(pool, &first.job);
	dm_worker_drain(pool);
	assert_int_equal(atomic_load(&first.works), 2);
	assert_int_equal(first.dones, 2);
	dm_worker_pool_free(pool);
}

static void test_free_busy_pool(void **state)
{
	struct dm_worker_pool *pool = dm_worker_pool_new(1);
	struct req r[10];
	unsigned i;

	(void)state;
	assert_non_null(pool);
	alarm(30);	/* a hang fails the test instead of blocking forever */
	for (i = 0; i < 10; i++) {
		req_init(&r[i], pool);
		r[i].sleep_ms = 5;
		dm_worker_submit(pool, &r[i].job);
	}
	dm_worker_pool_free(pool);
	alarm(0);
	for (i = 0; i < 10; i++) {
		assert_int_equal(atomic_load(&r[i].works), 1);
		assert_int_equal(r[i].dones, 0);
	}
	/* An idle pool, and one with finished but unreported jobs. */
	pool = dm_worker_pool_new(3);
	assert_non_null(pool);
	dm_worker_pool_free(pool);
	pool = dm_worker_pool_new(3);
	assert_non_null(pool);
	req_init(&r[0], pool);
	dm_worker_submit(pool, &r[0].job);
	assert_true(fd_readable(dm_worker_completion_fd(pool), 5000));
	dm_worker_pool_free(pool);
	assert_int_equal(r[0].dones, 0);
	dm_worker_pool_free(NULL);
}

static void test_zero_threads_refused(void **state)
{
	(void)state;
	assert_null(dm_worker_pool_new(0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_work_on_pool_done_on_caller),
		cmocka_unit_test(test_drain_waits_for_slow_jobs),
		cmocka_unit_test(test_one_thread_runs_in_order),
		cmocka_unit_test(test_many_jobs_each_once),
		cmocka_unit_test(test_done_may_submit),
		cmocka_unit_test(test_free_busy_pool),
		cmocka_unit_test(test_zero_threads_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
