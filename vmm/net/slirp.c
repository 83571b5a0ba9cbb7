// SPDX-License-Identifier: GPL-2.0
/*
 * The user-mode network: libslirp (libslirp.h, 4.7) runs a TCP/IP stack in
 * the monitor, answering the guest's DHCP, DNS and TFTP itself and turning
 * its TCP and UDP into the host's own sockets, as QEMU's -netdev user does.
 * The layout is QEMU's: 10.0.2.0/24, the host (and the host's loopback, to
 * the guest) 10.0.2.2, DNS 10.0.2.3, DHCP from 10.0.2.15.
 *
 * libslirp is not thread-safe, so one thread owns the Slirp: it sleeps in
 * poll() over the fds slirp_pollfds_fill() asks for, an eventfd and the
 * earliest of slirp's timers. The guest's frames (send(), vCPU thread)
 * wait in a queue the thread feeds to slirp_input(); frames slirp makes
 * for the guest (send_packet, on the thread) go to the NIC under the
 * device-model lock, or wait in a small queue while the NIC's ring is full
 * until rx_ready() wakes the thread. The thread holds no lock of its own
 * while it delivers (net.h's rule).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <libslirp.h>

#include "vmm/net/backends.h"
#include "vmm/net/netq.h"

#define USER_NET      0x0a000200u   /* 10.0.2.0/24 */
#define USER_NETMASK  0xffffff00u
#define USER_HOST     0x0a000202u
#define USER_DNS      0x0a000203u
#define USER_DHCP     0x0a00020fu   /* 10.0.2.15 */

#define TX_QUEUE_FRAMES 256   /* the guest's frames waiting for the thread */
#define RX_QUEUE_FRAMES 256   /* slirp's waiting for room in the NIC: a
				* TCP window's worth (64K in MSS-sized
				* frames is ~45) and then some */

struct user_timer {
	SlirpTimerCb cb;
	void *cb_opaque;
	int64_t expire_ms;    /* -1: not armed */
	struct user_timer *next;
};

struct user_net {
	struct net_backend be;     /* first: the seam's handle */
	Slirp *slirp;
	pthread_t thread;
	bool thread_started;
	int wake_fd;               /* eventfd: frames queued, room, stop */
	volatile bool stop;
	struct net_frameq tx, rx;
	struct net_rate rate;
	struct user_timer *timers;
	uint64_t rx_queue_full;    /* of be.rx_dropped: no room to keep them */
	/* the poll set slirp_pollfds_fill() builds, and ours */
	struct pollfd *pfd;
	unsigned npfd, cap_pfd;
	char *hostname, *tftp, *bootfile;
};

static struct user_net *of(struct net_backend *be)
{
	return (struct user_net *)be;
}

static void wake(struct user_net *u)
{
	uint64_t one = 1;

	if (write(u->wake_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		return;     /* the counter is at its maximum: a wake is due */
}

/* ---- slirp's callbacks (on the thread) --------------------------------- */

static ssize_t cb_send_packet(const void *buf, size_t len, void *opaque)
{
	struct user_net *u = opaque;

	/* keep the order: behind what already waits */
	if (!netq_count(&u->rx) && net_deliver_or_keep(&u->be, buf, len))
		return (ssize_t)len;
	if (netq_push_buf(&u->rx, buf, len) < 0) {
		if (u->be.dm_lock)
			pthread_mutex_lock(u->be.dm_lock);
		u->be.rx_dropped++;     /* TCP retransmits; libslirp.h */
		u->rx_queue_full++;
		if (u->be.dm_lock)
			pthread_mutex_unlock(u->be.dm_lock);
	}
	return (ssize_t)len;
}

static void cb_guest_error(const char *msg, void *opaque)
{
	(void)opaque;
	/* the guest's doing: worth a line, not more */
	fprintf(stderr, "vmm: user-mode network: guest error: %s\n", msg);
}

static int64_t cb_clock_get_ns(void *opaque)
{
	(void)opaque;
	return (int64_t)net_now_ns();
}

static void *cb_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
	struct user_net *u = opaque;
	struct user_timer *t = calloc(1, sizeof(*t));

	if (!t)
		abort();
	*t = (struct user_timer){ .cb = cb, .cb_opaque = cb_opaque,
				  .expire_ms = -1, .next = u->timers };
	u->timers = t;
	return t;
}

static void cb_timer_free(void *timer, void *opaque)
{
	struct user_net *u = opaque;

	for (struct user_timer **p = &u->timers; *p; p = &(*p)->next)
		if (*p == timer) {
			*p = ((struct user_timer *)timer)->next;
			free(timer);
			return;
		}
}

static void cb_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
	(void)opaque;
	((struct user_timer *)timer)->expire_ms = expire_ms;
}

/* Our loop polls every fd slirp_pollfds_fill() names each round. */
static void cb_register_poll_fd(int fd, void *opaque)
{
	(void)fd;
	(void)opaque;
}

static void cb_unregister_poll_fd(int fd, void *opaque)
{
	(void)fd;
	(void)opaque;
}

/* Only the thread calls into slirp, and it refills its poll set every
 * round: nothing to kick. */
static void cb_notify(void *opaque)
{
	(void)opaque;
}

static const SlirpCb user_callbacks = {
	.send_packet = cb_send_packet,
	.guest_error = cb_guest_error,
	.clock_get_ns = cb_clock_get_ns,
	.timer_new = cb_timer_new,
	.timer_free = cb_timer_free,
	.timer_mod = cb_timer_mod,
	.register_poll_fd = cb_register_poll_fd,
	.unregister_poll_fd = cb_unregister_poll_fd,
	.notify = cb_notify,
};

/* ---- the poll set ------------------------------------------------------ */

static int add_poll(int fd, int events, void *opaque)
{
	struct user_net *u = opaque;
	short ev = 0;

	if (u->npfd == u->cap_pfd) {
		unsigned cap = u->cap_pfd ? 2 * u->cap_pfd : 32;
		struct pollfd *p = realloc(u->pfd, cap * sizeof(*p));

		if (!p)
			abort();
		u->pfd = p;
		u->cap_pfd = cap;
	}
	if (events & SLIRP_POLL_IN)
		ev |= POLLIN;
	if (events & SLIRP_POLL_OUT)
		ev |= POLLOUT;
	if (events & SLIRP_POLL_PRI)
		ev |= POLLPRI;
	u->pfd[u->npfd] = (struct pollfd){ .fd = fd, .events = ev };
	return (int)u->npfd++;
}

static int get_revents(int idx, void *opaque)
{
	struct user_net *u = opaque;
	short re;
	int events = 0;

	if (idx < 0 || (unsigned)idx >= u->npfd)
		return 0;
	re = u->pfd[idx].revents;
	if (re & POLLIN)
		events |= SLIRP_POLL_IN;
	if (re & POLLOUT)
		events |= SLIRP_POLL_OUT;
	if (re & POLLPRI)
		events |= SLIRP_POLL_PRI;
	if (re & POLLERR)
		events |= SLIRP_POLL_ERR;
	if (re & POLLHUP)
		events |= SLIRP_POLL_HUP;
	return events;
}

/* ---- the thread -------------------------------------------------------- */

/* Frames slirp made while the NIC was full, as far as it has room now. */
static void flush_rx(struct user_net *u)
{
	struct net_frame f;
	size_t len;

	while (netq_peek(&u->rx, &len)) {
		struct net_frame *head = &u->rx.ring[u->rx.head];

		/* only this thread pops rx: the head stays while we try */
		if (!net_deliver_or_keep(&u->be, head->data, len))
			return;
		if (netq_pop(&u->rx, &f))
			free(f.data);
	}
}

/* The guest's frames into slirp, as far as rate= lets them: the wait
 * until more may go, in ms (-1: nothing waits). */
static int feed_tx(struct user_net *u)
{
	struct net_frame f;
	size_t len;
	uint64_t wait_ns;

	while (netq_peek(&u->tx, &len)) {
		if (!net_rate_take(&u->rate, len, net_now_ns(), &wait_ns))
			return (int)((wait_ns + 999999) / 1000000);
		if (!netq_pop(&u->tx, &f))
			break;
		slirp_input(u->slirp, f.data, (int)f.len);
		free(f.data);
	}
	return -1;
}

static void run_timers(struct user_net *u)
{
	int64_t now_ms = (int64_t)(net_now_ns() / 1000000);
	bool again = true;

	/* a callback may free or re-arm timers: start over after each */
	while (again) {
		again = false;
		for (struct user_timer *t = u->timers; t; t = t->next)
			if (t->expire_ms >= 0 && t->expire_ms <= now_ms) {
				t->expire_ms = -1;
				t->cb(t->cb_opaque);
				again = true;
				break;
			}
	}
}

static void *user_thread(void *opaque)
{
	struct user_net *u = opaque;

	while (!u->stop) {
		uint32_t timeout = UINT32_MAX;
		int64_t now_ms = (int64_t)(net_now_ns() / 1000000);
		int tx_wait, wait, n;
		uint64_t count;

		flush_rx(u);
		tx_wait = feed_tx(u);
		u->npfd = 0;
		slirp_pollfds_fill(u->slirp, &timeout, add_poll, u);
		add_poll(u->wake_fd, SLIRP_POLL_IN, u);
		wait = timeout == UINT32_MAX ? -1 :
		       (int)(timeout > 1000000 ? 1000000 : timeout);
		for (struct user_timer *t = u->timers; t; t = t->next)
			if (t->expire_ms >= 0) {
				int64_t d = t->expire_ms - now_ms;
				int dms = d < 0 ? 0 : d > 1000000 ? 1000000 : (int)d;

				if (wait < 0 || dms < wait)
					wait = dms;
			}
		if (tx_wait >= 0 && (wait < 0 || tx_wait < wait))
			wait = tx_wait;
		n = poll(u->pfd, u->npfd, wait);
		if (n < 0 && errno != EINTR)
			fprintf(stderr, "vmm: user-mode network: poll: %s\n",
				strerror(errno));
		if (u->pfd[u->npfd - 1].revents & POLLIN &&
		    read(u->wake_fd, &count, sizeof(count)) < 0)
			count = 0;
		/* the wake fd is ours, last: slirp's indices come first */
		u->npfd--;
		slirp_pollfds_poll(u->slirp, n < 0, get_revents, u);
		run_timers(u);
	}
	return NULL;
}

/* ---- the seam ---------------------------------------------------------- */

static int user_send(struct net_backend *be, const struct iovec *iov,
		     int iovcnt)
{
	struct user_net *u = of(be);
	int r = netq_push(&u->tx, iov, iovcnt);

	if (!r)
		wake(u);
	return r;
}

static void user_rx_ready(struct net_backend *be)
{
	/* Always: the thread may have been told "no room" and not yet
	 * queued the frame it keeps (it does so outside the lock). */
	wake(of(be));
}

static void user_destroy(struct net_backend *be)
{
	struct user_net *u = of(be);

	if (u->thread_started) {
		u->stop = true;
		wake(u);
		pthread_join(u->thread, NULL);
	}
	if (u->rx_queue_full)
		fprintf(stderr, "vmm: user-mode network: %llu frames to the guest "
			"dropped with the NIC full and the queue too\n",
			(unsigned long long)u->rx_queue_full);
	if (u->slirp)
		slirp_cleanup(u->slirp);
	while (u->timers)
		cb_timer_free(u->timers, u);
	netq_free(&u->tx);
	netq_free(&u->rx);
	if (u->wake_fd >= 0)
		close(u->wake_fd);
	free(u->pfd);
	free(u->hostname);
	free(u->tftp);
	free(u->bootfile);
	free(u);
}

static const struct net_backend_ops user_ops = {
	.kind = "user",
	.send = user_send,
	.rx_ready = user_rx_ready,
	.destroy = user_destroy,
};

static struct in_addr addr(uint32_t host_order)
{
	return (struct in_addr){ .s_addr = htonl(host_order) };
}

/* "FILE:LINE: vif: 'ENTRY': message" */
static void __attribute__((format(printf, 4, 5)))
fail_vif(char *err, size_t errlen, const struct vm_vif *vif,
	 const char *fmt, ...)
{
	char why[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "%s: vif: '%s': %s", vif->where, vif->entry, why);
}

static int add_forwards(struct user_net *u, const struct vm_vif *vif,
			struct in_addr guest, char *err, size_t errlen)
{
	for (unsigned i = 0; i < vif->nr_hostfwd; i++) {
		const struct vm_hostfwd *f = &vif->hostfwd[i];
		struct in_addr host = { .s_addr = f->host_addr };
		struct in_addr to = { .s_addr = f->guest_addr ? f->guest_addr
							      : guest.s_addr };
		char where[INET_ADDRSTRLEN];

		errno = 0;
		if (slirp_add_hostfwd(u->slirp, f->udp, host, f->host_port, to,
				      f->guest_port) < 0) {
			int e = errno;

			inet_ntop(AF_INET, &host, where, sizeof(where));
			fail_vif(err, errlen, vif, "hostfwd=%s: cannot listen on "
				 "%s %s:%u (%s)", f->text, f->udp ? "udp" : "tcp",
				 where, f->host_port, e ? strerror(e) :
				 "the port is in use or may not be bound");
			return -1;
		}
	}
	return 0;
}

struct net_backend *net_user_create(const struct vm_vif *vif, unsigned index,
				    const char *guest, pthread_mutex_t *dm_lock,
				    char *err, size_t errlen)
{
	struct user_net *u = calloc(1, sizeof(*u));
	struct in_addr dhcp;
	SlirpConfig sc;
	int e;

	(void)index;
	if (!u) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	net_backend_init(&u->be, &user_ops, dm_lock);
	u->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (u->wake_fd < 0 || netq_init(&u->tx, TX_QUEUE_FRAMES) ||
	    netq_init(&u->rx, RX_QUEUE_FRAMES)) {
		fail_vif(err, errlen, vif, "the user-mode network: %s",
			 strerror(errno));
		goto fail;
	}
	net_rate_init(&u->rate, vif->rate_bytes_per_interval,
		      vif->rate_interval_us);
	dhcp = vif->user_guest_ip ? (struct in_addr){ .s_addr =
						      vif->user_guest_ip }
				  : addr(USER_DHCP);
	u->hostname = strdup(guest);
	u->tftp = vif->tftp ? strdup(vif->tftp) : NULL;
	u->bootfile = vif->bootfile ? strdup(vif->bootfile) : NULL;
	sc = (SlirpConfig){
		.version = 1,
		.restricted = 0,
		.in_enabled = true,
		.vnetwork = addr(USER_NET),
		.vnetmask = addr(USER_NETMASK),
		.vhost = addr(USER_HOST),
		.in6_enabled = false,
		.vhostname = u->hostname,
		.tftp_path = u->tftp,
		.bootfile = u->bootfile,
		.vdhcp_start = dhcp,
		.vnameserver = addr(USER_DNS),
	};
	errno = 0;
	u->slirp = slirp_new(&sc, &user_callbacks, u);
	if (!u->slirp) {
		fail_vif(err, errlen, vif, "libslirp would not start (%s)",
			 errno ? strerror(errno) : "no reason given");
		goto fail;
	}
	if (add_forwards(u, vif, dhcp, err, errlen))
		goto fail;
	e = net_thread_start(&u->thread, user_thread, u);
	if (e) {
		fail_vif(err, errlen, vif, "cannot start the user-mode "
			 "network's thread: %s", strerror(e));
		goto fail;
	}
	u->thread_started = true;
	return &u->be;
fail:
	user_destroy(&u->be);
	return NULL;
}
