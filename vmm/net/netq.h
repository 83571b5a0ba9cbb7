/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the user-mode and TAP backends share (vmm/net/): a queue of frames
 * between the vCPU thread (the NIC's send()) and a backend's thread, the
 * rate= token bucket on the guest's transmit, and handing a frame to the
 * NIC with "no room now, keep it" told apart from "taken or dropped".
 */
#ifndef VMM_NET_NETQ_H
#define VMM_NET_NETQ_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "devmodel/net/net.h"

struct net_frame {
	size_t len;
	uint8_t *data;
};

/* A bounded FIFO of copied frames; its lock is held only inside these
 * calls, never while a frame is handed on. */
struct net_frameq {
	pthread_mutex_t lock;
	struct net_frame *ring;
	unsigned cap, head, count;
};

int netq_init(struct net_frameq *q, unsigned cap);
void netq_free(struct net_frameq *q);
/* Copy the frame in: 0, or -EAGAIN when full, -EMSGSIZE past NET_MAX_FRAME. */
int netq_push(struct net_frameq *q, const struct iovec *iov, int iovcnt);
int netq_push_buf(struct net_frameq *q, const void *buf, size_t len);
/* The oldest frame's length, false when empty. */
bool netq_peek(struct net_frameq *q, size_t *len);
/* Take the oldest frame (the caller frees f->data); false when empty. */
bool netq_pop(struct net_frameq *q, struct net_frame *f);
unsigned netq_count(struct net_frameq *q);

/*
 * rate= (xl-network-configuration(5)): a credit of bytes_per_interval,
 * refilled to full every interval, as Xen's netback does; a frame larger
 * than the whole credit passes when the credit is full (else it never
 * would) and empties it.
 */
struct net_rate {
	uint64_t bytes_per_interval;  /* 0: no limit */
	uint64_t interval_ns;
	uint64_t credit;
	uint64_t next_refill_ns;
};

void net_rate_init(struct net_rate *r, uint64_t bytes_per_interval,
		   uint64_t interval_us);
/* May a frame of LEN bytes go at NOW (ns, CLOCK_MONOTONIC)? true: it is
 * charged; false: *wait_ns until the next refill. */
bool net_rate_take(struct net_rate *r, size_t len, uint64_t now_ns,
		   uint64_t *wait_ns);

uint64_t net_now_ns(void);

/*
 * One frame to the NIC under the device-model lock, as
 * net_backend_deliver() does, but telling "no room now" (false: keep the
 * frame, try again after rx_ready) from taken or dropped by the NIC (true).
 */
bool net_deliver_or_keep(struct net_backend *be, const void *buf, size_t len);

/* A backend's thread, with every signal blocked: 0 or an errno. */
int net_thread_start(pthread_t *thread, void *(*fn)(void *), void *arg);

#endif /* VMM_NET_NETQ_H */
