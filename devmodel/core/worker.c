// SPDX-License-Identifier: GPL-2.0
/*
 * The worker pool (worker.h): one FIFO of submitted jobs, N threads that
 * run their work functions, and a list of finished jobs whose done
 * functions the event loop runs when the completion eventfd says so.
 *
 * One mutex (the pool's own, never the device-model lock) guards both
 * lists and the count of jobs not yet finished; it is never held while a
 * work or done function runs, so either may take other locks or submit.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "devmodel/core/worker.h"

struct dm_job_list {
	struct dm_job *head;
	struct dm_job **tail;
};

struct dm_worker_pool {
	pthread_mutex_t lock;
	pthread_cond_t work_ready;	/* queued non-empty, or stopping */
	pthread_cond_t idle;		/* pending dropped to 0 */
	struct dm_job_list queued;
	struct dm_job_list finished;
	unsigned pending;		/* queued + running */
	bool stopping;
	int efd;
	unsigned nthreads;		/* started */
	pthread_t threads[];
};

static void dm_worker_list_init(struct dm_job_list *l)
{
	l->head = NULL;
	l->tail = &l->head;
}

static void dm_worker_list_append(struct dm_job_list *l, struct dm_job *job)
{
	job->next = NULL;
	*l->tail = job;
	l->tail = &job->next;
}

static void *dm_worker_thread(void *opaque)
{
	struct dm_worker_pool *pool = opaque;
	const uint64_t one = 1;

	pthread_mutex_lock(&pool->lock);
	for (;;) {
		struct dm_job *job;

		while (!pool->queued.head && !pool->stopping)
			pthread_cond_wait(&pool->work_ready, &pool->lock);
		/* Stopping still empties the queue first (pool_free's promise). */
		job = pool->queued.head;
		if (!job)
			break;
		pool->queued.head = job->next;
		if (!pool->queued.head)
			pool->queued.tail = &pool->queued.head;
		pthread_mutex_unlock(&pool->lock);

		job->work(job);

		pthread_mutex_lock(&pool->lock);
		dm_worker_list_append(&pool->finished, job);
		if (--pool->pending == 0)
			pthread_cond_broadcast(&pool->idle);
		/*
		 * After the append: whoever reads the eventfd empty and then
		 * takes the list cannot miss this job. A failed write means
		 * the counter is already huge, i.e. readable: nothing lost.
		 */
		if (write(pool->efd, &one, sizeof(one)) < 0) {
			/* nothing to do */
		}
	}
	pthread_mutex_unlock(&pool->lock);
	return NULL;
}

static void dm_worker_stop_threads(struct dm_worker_pool *pool)
{
	unsigned i;

	pthread_mutex_lock(&pool->lock);
	pool->stopping = true;
	pthread_cond_broadcast(&pool->work_ready);
	pthread_mutex_unlock(&pool->lock);
	for (i = 0; i < pool->nthreads; i++)
		pthread_join(pool->threads[i], NULL);
}

struct dm_worker_pool *dm_worker_pool_new(unsigned threads)
{
	struct dm_worker_pool *pool;
	sigset_t all, old;
	unsigned i;

	if (threads < 1)
		return NULL;
	pool = calloc(1, sizeof(*pool) + threads * sizeof(pool->threads[0]));
	if (!pool)
		return NULL;
	pool->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (pool->efd < 0) {
		free(pool);
		return NULL;
	}
	pthread_mutex_init(&pool->lock, NULL);
	pthread_cond_init(&pool->work_ready, NULL);
	pthread_cond_init(&pool->idle, NULL);
	dm_worker_list_init(&pool->queued);
	dm_worker_list_init(&pool->finished);

	/*
	 * The threads start with every signal blocked: a vCPU kick or a
	 * SIGINT/SIGTERM meant for the monitor must land on the thread that
	 * acts on it, not interrupt a worker in the middle of its I/O.
	 */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (i = 0; i < threads; i++) {
		if (pthread_create(&pool->threads[i], NULL, dm_worker_thread,
				   pool))
			break;
		pool->nthreads++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);

	if (pool->nthreads < threads) {
		dm_worker_pool_free(pool);
		return NULL;
	}
	return pool;
}

void dm_worker_pool_free(struct dm_worker_pool *pool)
{
	if (!pool)
		return;
	dm_worker_stop_threads(pool);
	close(pool->efd);
	pthread_cond_destroy(&pool->idle);
	pthread_cond_destroy(&pool->work_ready);
	pthread_mutex_destroy(&pool->lock);
	free(pool);
}

void dm_worker_submit(struct dm_worker_pool *pool, struct dm_job *job)
{
	pthread_mutex_lock(&pool->lock);
	dm_worker_list_append(&pool->queued, job);
	pool->pending++;
	pthread_cond_signal(&pool->work_ready);
	pthread_mutex_unlock(&pool->lock);
}

int dm_worker_completion_fd(struct dm_worker_pool *pool)
{
	return pool->efd;
}

void dm_worker_run_completions(struct dm_worker_pool *pool)
{
	struct dm_job *job, *next;
	uint64_t count;

	/* Clear first, then take the list: a job finishing in between
	 * leaves the fd readable, so the event loop comes back for it. */
	if (read(pool->efd, &count, sizeof(count)) < 0) {
		/* EAGAIN: nothing signalled; the list may still hold jobs
		 * when called from dm_worker_drain, so look anyway. */
	}

	pthread_mutex_lock(&pool->lock);
	job = pool->finished.head;
	dm_worker_list_init(&pool->finished);
	pthread_mutex_unlock(&pool->lock);

	/* Without the pool lock: done may submit (or free) jobs. */
	for (; job; job = next) {
		next = job->next;
		if (job->done)
			job->done(job);
	}
}

void dm_worker_drain(struct dm_worker_pool *pool)
{
	for (;;) {
		bool finished;

		pthread_mutex_lock(&pool->lock);
		while (pool->pending)
			pthread_cond_wait(&pool->idle, &pool->lock);
		finished = pool->finished.head != NULL;
		pthread_mutex_unlock(&pool->lock);
		if (!finished)
			break;
		/* A done function may submit more: go round until quiet. */
		dm_worker_run_completions(pool);
	}
	/* Nothing left to report: the fd must not stay readable. */
	dm_worker_run_completions(pool);
}
