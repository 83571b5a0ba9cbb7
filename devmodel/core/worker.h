/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Work off the vCPU and event-loop threads (block I/O, design.md
 * "Threads"): a job's work function runs on one of the pool's threads
 * without the device-model lock; its done function runs afterwards on the
 * event loop, under the lock (the monitor watches dm_worker_completion_fd()
 * and calls dm_worker_run_completions()).
 *
 * A device embeds a struct dm_job in its request and finds the request
 * again with container_of-style arithmetic:
 *
 *	req->job.work = dma_work;	 // preadv into guest RAM
 *	req->job.done = dma_done;	 // status, interrupt
 *	dm_worker_submit(pool, &req->job);
 *
 * A job belongs to the pool from submit until its done function is called.
 */
#ifndef DEVMODEL_WORKER_H
#define DEVMODEL_WORKER_H

struct dm_job {
	void (*work)(struct dm_job *job);	/* pool thread, no lock */
	void (*done)(struct dm_job *job);	/* event loop, under the lock */
	struct dm_job *next;			/* the pool's */
};

struct dm_worker_pool;

/* THREADS >= 1. NULL when out of resources. */
struct dm_worker_pool *dm_worker_pool_new(unsigned threads);
/* Waits for running and queued work functions, then stops the threads;
 * done functions that were not run are not run. */
void dm_worker_pool_free(struct dm_worker_pool *pool);

void dm_worker_submit(struct dm_worker_pool *pool, struct dm_job *job);

/* Readable (an eventfd) while finished jobs wait for their done function. */
int dm_worker_completion_fd(struct dm_worker_pool *pool);
/* Under the lock: run the done function of every finished job. */
void dm_worker_run_completions(struct dm_worker_pool *pool);
/* Under the lock: wait until every submitted job has finished its work,
 * and run their done functions (machine reset, tests). */
void dm_worker_drain(struct dm_worker_pool *pool);

#endif /* DEVMODEL_WORKER_H */
