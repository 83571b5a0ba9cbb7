// SPDX-License-Identifier: GPL-2.0
/* The backends' shared parts (netq.h). */
#include "vmm/net/netq.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int netq_init(struct net_frameq *q, unsigned cap)
{
	memset(q, 0, sizeof(*q));
	q->ring = calloc(cap, sizeof(*q->ring));
	if (!q->ring)
		return -ENOMEM;
	q->cap = cap;
	pthread_mutex_init(&q->lock, NULL);
	return 0;
}

void netq_free(struct net_frameq *q)
{
	struct net_frame f;

	if (!q->ring)
		return;
	while (netq_pop(q, &f))
		free(f.data);
	free(q->ring);
	pthread_mutex_destroy(&q->lock);
	q->ring = NULL;
}

static int push_copied(struct net_frameq *q, uint8_t *data, size_t len)
{
	int r = 0;

	pthread_mutex_lock(&q->lock);
	if (q->count == q->cap) {
		r = -EAGAIN;
	} else {
		q->ring[(q->head + q->count) % q->cap] =
			(struct net_frame){ .len = len, .data = data };
		q->count++;
	}
	pthread_mutex_unlock(&q->lock);
	if (r)
		free(data);
	return r;
}

int netq_push(struct net_frameq *q, const struct iovec *iov, int iovcnt)
{
	size_t len = 0, off = 0;
	uint8_t *data;

	for (int i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len > NET_MAX_FRAME)
			return -EMSGSIZE;
		len += iov[i].iov_len;
	}
	if (len > NET_MAX_FRAME)
		return -EMSGSIZE;
	if (netq_count(q) == q->cap)     /* spare the copy */
		return -EAGAIN;
	data = malloc(len ? len : 1);
	if (!data)
		return -ENOMEM;
	for (int i = 0; i < iovcnt; i++) {
		memcpy(data + off, iov[i].iov_base, iov[i].iov_len);
		off += iov[i].iov_len;
	}
	return push_copied(q, data, len);
}

int netq_push_buf(struct net_frameq *q, const void *buf, size_t len)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };

	return netq_push(q, &iov, 1);
}

bool netq_peek(struct net_frameq *q, size_t *len)
{
	bool any;

	pthread_mutex_lock(&q->lock);
	any = q->count > 0;
	if (any)
		*len = q->ring[q->head].len;
	pthread_mutex_unlock(&q->lock);
	return any;
}

bool netq_pop(struct net_frameq *q, struct net_frame *f)
{
	bool any;

	pthread_mutex_lock(&q->lock);
	any = q->count > 0;
	if (any) {
		*f = q->ring[q->head];
		q->head = (q->head + 1) % q->cap;
		q->count--;
	}
	pthread_mutex_unlock(&q->lock);
	return any;
}

unsigned netq_count(struct net_frameq *q)
{
	unsigned n;

	pthread_mutex_lock(&q->lock);
	n = q->count;
	pthread_mutex_unlock(&q->lock);
	return n;
}

uint64_t net_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void net_rate_init(struct net_rate *r, uint64_t bytes_per_interval,
		   uint64_t interval_us)
{
	*r = (struct net_rate){
		.bytes_per_interval = bytes_per_interval,
		.interval_ns = interval_us * 1000,
		.credit = bytes_per_interval,
	};
}

bool net_rate_take(struct net_rate *r, size_t len, uint64_t now_ns,
		   uint64_t *wait_ns)
{
	if (!r->bytes_per_interval)
		return true;
	if (now_ns >= r->next_refill_ns) {
		r->credit = r->bytes_per_interval;
		r->next_refill_ns = now_ns + r->interval_ns;
	}
	if (len <= r->credit) {
		r->credit -= len;
		return true;
	}
	if (r->credit == r->bytes_per_interval) {
		r->credit = 0;
		return true;
	}
	*wait_ns = r->next_refill_ns - now_ns;
	return false;
}

bool net_deliver_or_keep(struct net_backend *be, const void *buf, size_t len)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	bool done = true;

	if (be->dm_lock)
		pthread_mutex_lock(be->dm_lock);
	if (!be->client.receive)
		be->rx_dropped++;       /* no NIC attached */
	else if (be->client.can_receive &&
		 !be->client.can_receive(be->client.opaque))
		done = false;
	else if (!be->client.receive(be->client.opaque, &iov, 1))
		be->rx_dropped++;
	if (be->dm_lock)
		pthread_mutex_unlock(be->dm_lock);
	return done;
}

int net_thread_start(pthread_t *thread, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int e;

	/* Signals are the monitor's business (the vCPU kick, SIGINT): this
	 * thread takes none; a SIGPIPE of a socket it writes stays pending
	 * here and the write says EPIPE. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	e = pthread_create(thread, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return e;
}
