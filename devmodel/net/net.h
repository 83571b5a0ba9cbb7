/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The net-backend seam (design.md "Network"): a NIC (RTL8139 now,
 * virtio-net later) exchanges Ethernet frames with one backend (libslirp's
 * user-mode network, a TAP device) through these few calls, and knows
 * nothing else about it.
 *
 *   NIC -> backend  net_backend_send(): one frame, given as an iovec (no
 *                   FCS), under the device-model lock, from the vCPU thread.
 *                   Never blocks: a frame the backend cannot take now is
 *                   dropped and counted (a NIC's transmit "completes" as on
 *                   a wire with no carrier).
 *   backend -> NIC  the NIC's struct net_client: can_receive() and
 *                   receive(), called by the backend with the device-model
 *                   lock held (the backend takes it around the calls: it
 *                   runs on its own thread or on the event loop). When
 *                   can_receive() says no, the backend keeps (or, past a
 *                   small queue, drops) its frames and tries again after the
 *                   NIC calls net_backend_rx_ready() (its ring got room).
 *   link            net_backend_link_up(): the carrier the NIC reports in
 *                   its PHY status.
 *   offloads        net_backend_offloads(): what the backend can take
 *                   unfinished (NET_OFFLOAD_*); a NIC that finished the
 *                   checksums itself never needs it (RTL8139), virtio-net
 *                   will pass the work on.
 *
 * No busy polling: a backend sleeps in poll/epoll until a frame or a
 * timer is due.
 *
 * Locking, to stay free of deadlocks: send() and rx_ready() run under the
 * device-model lock and must not take it (rx_ready only wakes the
 * backend's thread); a backend never holds a lock of its own that send()
 * takes while it calls net_backend_deliver().
 */
#ifndef DEVMODEL_NET_H
#define DEVMODEL_NET_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#define ETH_ALEN		6
#define ETH_HLEN		14
#define ETH_MIN_FRAME		60	/* without the FCS */
#define ETH_MAX_FRAME		1514	/* without the FCS and a VLAN tag */
#define NET_MAX_FRAME		65536	/* what a backend accepts at most */

/* Backend capabilities for frames whose work the NIC left undone. */
#define NET_OFFLOAD_CSUM	0x1	/* partial checksums (virtio-net) */
#define NET_OFFLOAD_TSO4	0x2
#define NET_OFFLOAD_TSO6	0x4

/* The NIC's side. */
struct net_client {
	/* True when receive() would take a frame of up to ETH_MAX_FRAME now. */
	bool (*can_receive)(void *opaque);
	/*
	 * One frame (no FCS; the backend pads nothing: a NIC pads runts if it
	 * must). Returns the length taken, 0 when the NIC dropped it (filtered,
	 * no room: counted by the NIC as its hardware would).
	 */
	size_t (*receive)(void *opaque, const struct iovec *iov, int iovcnt);
	void *opaque;
};

struct net_backend;

/*
 * Hooks every backend implements (net_backend.c dispatches; a backend's
 * file fills one of these in and calls net_backend_init()).
 */
struct net_backend_ops {
	const char *kind;	/* "user", "tap" */
	/* NIC -> wire; see above. 0 or -errno (-EAGAIN, -EMSGSIZE ...). */
	int (*send)(struct net_backend *be, const struct iovec *iov, int iovcnt);
	/* The NIC has room again. */
	void (*rx_ready)(struct net_backend *be);
	/* Stop the thread / unwatch fds, free everything. */
	void (*destroy)(struct net_backend *be);
};

struct net_backend {
	const struct net_backend_ops *ops;
	struct net_client client;	/* set by net_backend_attach() */
	pthread_mutex_t *dm_lock;	/* the device-model lock */
	bool link_up;
	unsigned offloads;
	uint64_t tx_dropped, rx_dropped;
};

/* For backend files: fill in the common part. */
void net_backend_init(struct net_backend *be, const struct net_backend_ops *ops,
		      pthread_mutex_t *dm_lock);

/* Connect the NIC. Frames arriving before this are dropped. */
void net_backend_attach(struct net_backend *be, const struct net_client *client);

/* For backend files: hand one received frame to the NIC, taking the
 * device-model lock around it. Returns what receive() returned, or 0 when
 * no NIC is attached or it cannot receive (the caller may keep the frame
 * and retry after rx_ready). */
size_t net_backend_deliver(struct net_backend *be, const struct iovec *iov,
			   int iovcnt);

int net_backend_send(struct net_backend *be, const struct iovec *iov, int iovcnt);
void net_backend_rx_ready(struct net_backend *be);
bool net_backend_link_up(const struct net_backend *be);
unsigned net_backend_offloads(const struct net_backend *be);
void net_backend_destroy(struct net_backend *be);

#endif /* DEVMODEL_NET_H */
