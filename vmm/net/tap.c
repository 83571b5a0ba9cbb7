// SPDX-License-Identifier: GPL-2.0
/*
 * A TAP device (Linux's Documentation/networking/tuntap.rst): the NIC's
 * frames in and out of a host interface "vmm-GUEST.N" (or vifname=), which
 * the monitor adds to bridge= or hands to script= (Xen's hotplug
 * convention, below). The TAP is not persistent: it goes away when its fd
 * closes, so also when the monitor is killed.
 *
 * Transmit: send() writes the frame to the TAP at once (non-blocking: a
 * full queue drops it, as a wire would) unless rate= limits the guest; then
 * frames wait in a queue the thread writes out as the token bucket allows.
 * Receive: the thread reads the TAP while the NIC has room; when it has
 * none the frame waits and the TAP is not read (the kernel's queue holds
 * the rest) until rx_ready() wakes the thread.
 *
 * script= (Xen's vif scripts, e.g. /etc/xen/scripts/vif-bridge): run as
 * "SCRIPT online" once the TAP exists and is up, and "SCRIPT offline"
 * before it goes, with this environment (as Xen's xen-hotplug-common.sh
 * reads it):
 *   vif=TAPNAME  bridge=BRIDGE (if given)  mac=GUEST'S MAC  ip=IP (if given)
 *   type_if=tap  netdev=TAPNAME  vmm_guest=GUEST NAME  vmm_nic=N
 * and TAPNAME as its second argument too (QEMU's qemu-ifup convention).
 * A script that fails "online" stops the guest from starting.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <net/if_arp.h>
#include <poll.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmm/net/backends.h"
#include "vmm/net/netq.h"

#define TX_QUEUE_FRAMES 256

extern char **environ;

struct tap_net {
	struct net_backend be;     /* first: the seam's handle */
	int fd;                    /* /dev/net/tun, non-blocking */
	int wake_fd;               /* eventfd: rx room, tx queued, stop */
	pthread_t thread;
	bool thread_started;
	volatile bool stop;
	bool rate_limited;
	struct net_frameq tx;
	struct net_rate rate;
	uint8_t *rx_buf;           /* one frame read, maybe waiting */
	size_t rx_len;             /* > 0: it waits for room in the NIC */
	char name[IFNAMSIZ];
	struct vm_vif vif;         /* entry, where, script, bridge, ip, mac */
	char guest[64];
	unsigned index;
	bool script_online;
};

static struct tap_net *of(struct net_backend *be)
{
	return (struct tap_net *)be;
}

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

void net_tap_name(const struct vm_vif *vif, unsigned index, const char *guest,
		  char *buf, size_t len)
{
	char suffix[8];
	size_t room, n = 0;

	if (vif->vifname) {
		snprintf(buf, len, "%s", vif->vifname);
		return;
	}
	/* "vmm-" + the name + ".N" in IFNAMSIZ - 1 characters: the name is
	 * cut at its end, and what an interface name cannot hold ('/', ':',
	 * blanks; dev_valid_name()) becomes '_' */
	snprintf(suffix, sizeof(suffix), ".%u", index);
	if (len > IFNAMSIZ)
		len = IFNAMSIZ;
	room = len - 1 - strlen("vmm-") - strlen(suffix);
	n = snprintf(buf, len, "vmm-");
	for (const char *p = guest; *p && room; p++, room--)
		buf[n++] = (*p == '/' || *p == ':' || *p <= ' ' || *p == 0x7f)
			   ? '_' : *p;
	snprintf(buf + n, len - n, "%s", suffix);
}

static void wake(struct tap_net *t)
{
	uint64_t one = 1;

	if (write(t->wake_fd, &one, sizeof(one)) < 0)
		return;     /* at the counter's maximum: a wake is due anyway */
}

/* ---- the host side: the interface, the bridge, the script ---------------- */

static int if_ioctl(unsigned long req, struct ifreq *ifr)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int r, e;

	if (s < 0)
		return -errno;
	r = ioctl(s, req, ifr);
	e = errno;
	close(s);
	return r < 0 ? -e : 0;
}

/* An interface's index, 0 if there is none (net/if.h's if_nametoindex,
 * which cannot be included beside linux/if.h). */
static int if_index(const char *name)
{
	struct ifreq ifr = { 0 };

	if (strlen(name) >= sizeof(ifr.ifr_name))
		return 0;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	return if_ioctl(SIOCGIFINDEX, &ifr) ? 0 : ifr.ifr_ifindex;
}

static const char *perm_hint(int e)
{
	return e == EPERM || e == EACCES ?
	       " (this needs CAP_NET_ADMIN: run as root, or give the monitor "
	       "the capability)" : "";
}

/* Up, with Xen's fe:ff:ff:ff:ff:ff as the host side's address (vif-common.sh):
 * a Linux bridge takes its lowest port address as its own, never this. */
static int bring_up(struct tap_net *t, char *err, size_t errlen)
{
	struct ifreq ifr = { 0 };
	int r;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", t->name);
	ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	memset(ifr.ifr_hwaddr.sa_data, 0xff, ETH_ALEN);
	ifr.ifr_hwaddr.sa_data[0] = (char)0xfe;
	if_ioctl(SIOCSIFHWADDR, &ifr);   /* cosmetic: go on without it */
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", t->name);
	r = if_ioctl(SIOCGIFFLAGS, &ifr);
	if (!r) {
		ifr.ifr_flags |= IFF_UP;
		r = if_ioctl(SIOCSIFFLAGS, &ifr);
	}
	if (r) {
		fail_vif(err, errlen, &t->vif, "cannot bring %s up: %s%s",
			 t->name, strerror(-r), perm_hint(-r));
		return -1;
	}
	return 0;
}

static int join_bridge(struct tap_net *t, char *err, size_t errlen)
{
	const char *br = t->vif.bridge;
	struct ifreq ifr = { 0 };
	char path[128];
	struct stat st;
	int r;

	if (!if_index(br)) {
		fail_vif(err, errlen, &t->vif, "bridge=%s: no such interface "
			 "(make it first, e.g. ip link add %s type bridge; ip "
			 "link set %s up)", br, br, br);
		return -1;
	}
	snprintf(path, sizeof(path), "/sys/class/net/%s/bridge", br);
	if (stat(path, &st)) {
		fail_vif(err, errlen, &t->vif, "bridge=%s: not a bridge (no %s)",
			 br, path);
		return -1;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", br);
	ifr.ifr_ifindex = if_index(t->name);
	r = if_ioctl(SIOCBRADDIF, &ifr);
	if (r) {
		fail_vif(err, errlen, &t->vif, "cannot add %s to bridge %s: "
			 "%s%s", t->name, br, strerror(-r), perm_hint(-r));
		return -1;
	}
	return 0;
}

/* SCRIPT ACTION TAPNAME with the environment above; its exit status. */
static int run_script(struct tap_net *t, const char *action, char *why,
		      size_t whylen)
{
	char mac[32], nic[16], *envbuf[8], **env;
	char *argv[] = { t->vif.script, (char *)action, t->name, NULL };
	size_t n_env = 0, n = 0;
	const uint8_t *m = t->vif.mac;
	pid_t pid;
	int status, e;

	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1],
		 m[2], m[3], m[4], m[5]);
	snprintf(nic, sizeof(nic), "%u", t->index);
	while (environ[n_env])
		n_env++;
	env = calloc(n_env + sizeof(envbuf) / sizeof(envbuf[0]) + 1,
		     sizeof(*env));
	if (!env)
		abort();
	for (size_t i = 0; i < n_env; i++)
		if (strncmp(environ[i], "vif=", 4) &&
		    strncmp(environ[i], "bridge=", 7) &&
		    strncmp(environ[i], "mac=", 4) &&
		    strncmp(environ[i], "ip=", 3))
			env[n++] = environ[i];
	if (asprintf(&envbuf[0], "vif=%s", t->name) < 0 ||
	    asprintf(&envbuf[1], "netdev=%s", t->name) < 0 ||
	    asprintf(&envbuf[2], "mac=%s", mac) < 0 ||
	    asprintf(&envbuf[3], "type_if=tap") < 0 ||
	    asprintf(&envbuf[4], "vmm_guest=%s", t->guest) < 0 ||
	    asprintf(&envbuf[5], "vmm_nic=%s", nic) < 0 ||
	    asprintf(&envbuf[6], "bridge=%s", t->vif.bridge ? t->vif.bridge
							     : "") < 0 ||
	    asprintf(&envbuf[7], "ip=%s", t->vif.ip ? t->vif.ip : "") < 0)
		abort();
	for (size_t i = 0; i < 8; i++)
		if ((i != 6 || t->vif.bridge) && (i != 7 || t->vif.ip))
			env[n++] = envbuf[i];
	env[n] = NULL;
	e = posix_spawn(&pid, t->vif.script, NULL, NULL, argv, env);
	for (size_t i = 0; i < 8; i++)
		free(envbuf[i]);
	free(env);
	if (e) {
		snprintf(why, whylen, "cannot run it: %s", strerror(e));
		return -1;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			snprintf(why, whylen, "waitpid: %s", strerror(errno));
			return -1;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		snprintf(why, whylen, "exit status %d", WEXITSTATUS(status));
	else
		snprintf(why, whylen, "killed by signal %d", WTERMSIG(status));
	return -1;
}

/* ---- the thread -------------------------------------------------------- */

static void write_out(struct tap_net *t, const void *buf, size_t len)
{
	if (write(t->fd, buf, len) < 0) {
		if (t->be.dm_lock)
			pthread_mutex_lock(t->be.dm_lock);
		t->be.tx_dropped++;
		if (t->be.dm_lock)
			pthread_mutex_unlock(t->be.dm_lock);
	}
}

/* Queued frames out as rate= lets them; the ms until more may go, or -1. */
static int drain_tx(struct tap_net *t)
{
	struct net_frame f;
	size_t len;
	uint64_t wait_ns;

	while (netq_peek(&t->tx, &len)) {
		if (!net_rate_take(&t->rate, len, net_now_ns(), &wait_ns))
			return (int)((wait_ns + 999999) / 1000000);
		if (!netq_pop(&t->tx, &f))
			break;
		write_out(t, f.data, f.len);
		free(f.data);
	}
	return -1;
}

static void *tap_thread(void *opaque)
{
	struct tap_net *t = opaque;

	while (!t->stop) {
		struct pollfd pfd[2] = {
			{ .fd = t->wake_fd, .events = POLLIN },
			{ .fd = t->fd, .events = 0 },
		};
		int wait = -1;
		uint64_t count;
		ssize_t n;

		if (t->rx_len && net_deliver_or_keep(&t->be, t->rx_buf,
						     t->rx_len))
			t->rx_len = 0;
		if (t->rate_limited)
			wait = drain_tx(t);
		/* read the TAP only when a frame can go on */
		if (!t->rx_len)
			pfd[1].events = POLLIN;
		if (poll(pfd, 2, wait) < 0 && errno != EINTR)
			break;
		if ((pfd[0].revents & POLLIN) &&
		    read(t->wake_fd, &count, sizeof(count)) < 0)
			count = 0;
		/* a burst at a time, then look at the wake fd again */
		for (int i = 0; i < 64 && !t->rx_len &&
				(pfd[1].revents & POLLIN); i++) {
			n = read(t->fd, t->rx_buf, NET_MAX_FRAME);
			if (n <= 0)
				break;
			if (!net_deliver_or_keep(&t->be, t->rx_buf, (size_t)n))
				t->rx_len = (size_t)n;
		}
	}
	return NULL;
}

/* ---- the seam ---------------------------------------------------------- */

static int tap_send(struct net_backend *be, const struct iovec *iov,
		    int iovcnt)
{
	struct tap_net *t = of(be);
	int r;

	if (t->rate_limited) {
		r = netq_push(&t->tx, iov, iovcnt);
		if (!r)
			wake(t);
		return r;
	}
	/* the lowest latency: straight to the kernel from the vCPU thread */
	if (writev(t->fd, iov, iovcnt) < 0)
		return -errno;
	return 0;
}

static void tap_rx_ready(struct net_backend *be)
{
	/* Always: the thread may have been told "no room" and not yet
	 * marked the frame it keeps (it does so outside the lock). */
	wake(of(be));
}

static void tap_destroy(struct net_backend *be)
{
	struct tap_net *t = of(be);
	char why[128];

	if (t->thread_started) {
		t->stop = true;
		wake(t);
		pthread_join(t->thread, NULL);
	}
	if (t->script_online && run_script(t, "offline", why, sizeof(why)))
		fprintf(stderr, "vmm: %s: vif: '%s': script=%s offline %s: %s\n",
			t->vif.where, t->vif.entry, t->vif.script, t->name, why);
	/* closing the fd deletes the (non-persistent) TAP */
	if (t->fd >= 0)
		close(t->fd);
	if (t->wake_fd >= 0)
		close(t->wake_fd);
	netq_free(&t->tx);
	free(t->rx_buf);
	free(t->vif.bridge);
	free(t->vif.script);
	free(t->vif.ip);
	free(t);
}

static const struct net_backend_ops tap_ops = {
	.kind = "tap",
	.send = tap_send,
	.rx_ready = tap_rx_ready,
	.destroy = tap_destroy,
};

static int open_tap(struct tap_net *t, char *err, size_t errlen)
{
	struct ifreq ifr = { 0 };
	int e;

	t->fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (t->fd < 0) {
		e = errno;
		fail_vif(err, errlen, &t->vif, "cannot open /dev/net/tun: %s%s",
			 strerror(e), e == ENOENT ? " (no TUN/TAP driver: "
			 "modprobe tun)" : perm_hint(e));
		return -1;
	}
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", t->name);
	if (ioctl(t->fd, TUNSETIFF, &ifr) < 0) {
		e = errno;
		fail_vif(err, errlen, &t->vif, "cannot create TAP %s: %s%s",
			 t->name, strerror(e), e == EBUSY ? " (another guest "
			 "or program has it: give this NIC another vifname=)"
			 : perm_hint(e));
		return -1;
	}
	/* the kernel may have adjusted the name */
	snprintf(t->name, sizeof(t->name), "%s", ifr.ifr_name);
	return 0;
}

struct net_backend *net_tap_create(const struct vm_vif *vif, unsigned index,
				   const char *guest, pthread_mutex_t *dm_lock,
				   char *err, size_t errlen)
{
	struct tap_net *t = calloc(1, sizeof(*t));
	char why[256];
	int e;

	if (!t) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	net_backend_init(&t->be, &tap_ops, dm_lock);
	t->fd = t->wake_fd = -1;
	t->index = index;
	snprintf(t->guest, sizeof(t->guest), "%s", guest);
	/* what the backend keeps of the entry (its strings copied) */
	memcpy(t->vif.mac, vif->mac, sizeof(t->vif.mac));
	snprintf(t->vif.entry, sizeof(t->vif.entry), "%s", vif->entry);
	snprintf(t->vif.where, sizeof(t->vif.where), "%s", vif->where);
	t->vif.bridge = vif->bridge ? strdup(vif->bridge) : NULL;
	t->vif.script = vif->script ? strdup(vif->script) : NULL;
	t->vif.ip = vif->ip ? strdup(vif->ip) : NULL;
	net_tap_name(vif, index, guest, t->name, sizeof(t->name));
	t->rate_limited = vif->rate_bytes_per_interval != 0;
	net_rate_init(&t->rate, vif->rate_bytes_per_interval,
		      vif->rate_interval_us);
	t->rx_buf = malloc(NET_MAX_FRAME);
	t->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (!t->rx_buf || t->wake_fd < 0 ||
	    netq_init(&t->tx, TX_QUEUE_FRAMES)) {
		fail_vif(err, errlen, vif, "the TAP backend: %s",
			 strerror(errno));
		goto fail;
	}
	if (open_tap(t, err, errlen) || bring_up(t, err, errlen))
		goto fail;
	if (t->vif.script) {
		if (run_script(t, "online", why, sizeof(why))) {
			fail_vif(err, errlen, vif, "script=%s online %s: %s",
				 t->vif.script, t->name, why);
			goto fail;
		}
		t->script_online = true;
	} else if (join_bridge(t, err, errlen)) {
		goto fail;
	}
	e = net_thread_start(&t->thread, tap_thread, t);
	if (e) {
		fail_vif(err, errlen, vif, "cannot start the TAP's thread: %s",
			 strerror(e));
		goto fail;
	}
	t->thread_started = true;
	return &t->be;
fail:
	tap_destroy(&t->be);
	return NULL;
}
