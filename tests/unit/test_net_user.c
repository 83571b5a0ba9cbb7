// SPDX-License-Identifier: GPL-2.0
/*
 * The user-mode network backend (vmm/net/slirp.c) on real libslirp, with a
 * fake NIC: the guest's ARP and DHCP answered, a frame kept while the NIC
 * has no room and delivered after rx_ready, a host port forward that
 * reaches the guest side, a forward port in use refused naming the entry.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "vmm/net/backends.h"

static const uint8_t guest_mac[6] = { 0x00, 0x16, 0x3e, 0x12, 0x34, 0x56 };

/* The fake NIC: frames kept in arrival order, under the "device lock". */
static pthread_mutex_t dm_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t arrived = PTHREAD_COND_INITIALIZER;
static bool nic_room = true;
static uint8_t frames[64][2048];
static size_t frame_len[64];
static unsigned n_frames;

static bool fake_can_receive(void *opaque)
{
	(void)opaque;
	return nic_room;
}

static size_t fake_receive(void *opaque, const struct iovec *iov, int iovcnt)
{
	size_t len = 0;

	(void)opaque;
	if (n_frames == 64)
		return 0;
	for (int i = 0; i < iovcnt; i++) {
		if (len + iov[i].iov_len > sizeof(frames[0]))
			return 0;
		memcpy(frames[n_frames] + len, iov[i].iov_base, iov[i].iov_len);
		len += iov[i].iov_len;
	}
	frame_len[n_frames++] = len;
	pthread_cond_broadcast(&arrived);   /* dm_lock is held here */
	return len;
}

static const struct net_client fake_nic = {
	.can_receive = fake_can_receive, .receive = fake_receive,
};

/* Wait up to 5 s for a frame MATCH accepts; its index, or -1. */
static int wait_frame(bool (*match)(const uint8_t *f, size_t len))
{
	struct timespec until;
	unsigned seen = 0;
	int found = -1;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 5;
	pthread_mutex_lock(&dm_lock);
	while (found < 0) {
		for (; seen < n_frames; seen++)
			if (match(frames[seen], frame_len[seen])) {
				found = (int)seen;
				break;
			}
		if (found >= 0 ||
		    pthread_cond_timedwait(&arrived, &dm_lock, &until))
			break;
	}
	pthread_mutex_unlock(&dm_lock);
	return found;
}

static uint16_t ip_checksum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void send_frame(struct net_backend *be, const uint8_t *f, size_t len)
{
	struct iovec iov[2] = {
		{ .iov_base = (void *)f, .iov_len = 14 },   /* split, as a NIC may */
		{ .iov_base = (void *)(f + 14), .iov_len = len - 14 },
	};

	pthread_mutex_lock(&dm_lock);
	assert_int_equal(net_backend_send(be, iov, 2), 0);
	pthread_mutex_unlock(&dm_lock);
}

/* ARP: who has 10.0.2.2? tell 10.0.2.15 */
static size_t arp_request(uint8_t *f)
{
	memset(f, 0, 60);
	memset(f, 0xff, 6);
	memcpy(f + 6, guest_mac, 6);
	put16(f + 12, 0x0806);
	put16(f + 14, 1);          /* Ethernet */
	put16(f + 16, 0x0800);
	f[18] = 6;
	f[19] = 4;
	put16(f + 20, 1);          /* request */
	memcpy(f + 22, guest_mac, 6);
	memcpy(f + 28, (uint8_t[]){ 10, 0, 2, 15 }, 4);
	memcpy(f + 38, (uint8_t[]){ 10, 0, 2, 2 }, 4);
	return 60;
}

static bool is_arp_reply_for_host(const uint8_t *f, size_t len)
{
	return len >= 42 && get16(f + 12) == 0x0806 && get16(f + 20) == 2 &&
	       !memcmp(f + 28, (uint8_t[]){ 10, 0, 2, 2 }, 4) &&
	       !memcmp(f, guest_mac, 6);
}

/* DHCPDISCOVER from 0.0.0.0:68 to 255.255.255.255:67 (RFC 2131). */
static size_t dhcp_discover(uint8_t *f)
{
	uint8_t *ip = f + 14, *udp = ip + 20, *bootp = udp + 8;
	size_t bootp_len = 240 + 4, udp_len = 8 + bootp_len;

	memset(f, 0, 14 + 20 + udp_len);
	memset(f, 0xff, 6);
	memcpy(f + 6, guest_mac, 6);
	put16(f + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + udp_len));
	ip[8] = 64;
	ip[9] = 17;                /* UDP */
	memset(ip + 16, 0xff, 4);
	put16(ip + 10, ip_checksum(ip, 20));
	put16(udp, 68);
	put16(udp + 2, 67);
	put16(udp + 4, (uint16_t)udp_len);   /* checksum 0: none */
	bootp[0] = 1;              /* BOOTREQUEST */
	bootp[1] = 1;
	bootp[2] = 6;
	memcpy(bootp + 4, "\x12\x34\x56\x78", 4);
	memcpy(bootp + 28, guest_mac, 6);
	memcpy(bootp + 236, "\x63\x82\x53\x63", 4);    /* the magic cookie */
	memcpy(bootp + 240, "\x35\x01\x01\xff", 4);    /* DISCOVER, end */
	return 14 + 20 + udp_len;
}

static bool is_dhcp_offer(const uint8_t *f, size_t len)
{
	const uint8_t *ip = f + 14, *udp = ip + 20, *bootp = udp + 8;

	if (len < 14 + 20 + 8 + 244 || get16(f + 12) != 0x0800 || ip[9] != 17 ||
	    get16(udp) != 67 || get16(udp + 2) != 68 || bootp[0] != 2)
		return false;
	for (size_t o = 240; o + 2 < len - 42; o += 2 + bootp[o + 1]) {
		if (bootp[o] == 0xff)
			break;
		if (bootp[o] == 53)
			return bootp[o + 2] == 2;   /* DHCPOFFER */
	}
	return false;
}

static uint8_t offered[4];

static bool is_dhcp_offer_keep(const uint8_t *f, size_t len)
{
	if (!is_dhcp_offer(f, len))
		return false;
	memcpy(offered, f + 42 + 16, 4);          /* yiaddr */
	return true;
}

static struct vm_vif vif_for(const char *entry)
{
	struct vm_vif v = { 0 };

	memcpy(v.mac, guest_mac, 6);
	snprintf(v.entry, sizeof(v.entry), "%s", entry);
	snprintf(v.where, sizeof(v.where), "guest.hvm:3");
	return v;
}

static struct net_backend *open_user(struct vm_vif *v)
{
	char err[512];
	struct net_backend *be = net_user_create(v, 0, "unit", &dm_lock, err,
						 sizeof(err));

	if (!be)
		fail_msg("%s", err);
	pthread_mutex_lock(&dm_lock);
	n_frames = 0;
	nic_room = true;
	net_backend_attach(be, &fake_nic);
	pthread_mutex_unlock(&dm_lock);
	return be;
}

static void arp_and_dhcp_answered(void **state)
{
	struct vm_vif v = vif_for("type=user");
	struct net_backend *be = open_user(&v);
	uint8_t f[400];
	int i;

	(void)state;
	send_frame(be, f, arp_request(f));
	i = wait_frame(is_arp_reply_for_host);
	assert_true(i >= 0);
	send_frame(be, f, dhcp_discover(f));
	assert_true(wait_frame(is_dhcp_offer_keep) >= 0);
	assert_memory_equal(offered, ((uint8_t[]){ 10, 0, 2, 15 }), 4);
	net_backend_destroy(be);

	/* ip= moves the DHCP address */
	v = vif_for("type=user, ip=10.0.2.20");
	inet_pton(AF_INET, "10.0.2.20", &v.user_guest_ip);
	be = open_user(&v);
	send_frame(be, f, dhcp_discover(f));
	assert_true(wait_frame(is_dhcp_offer_keep) >= 0);
	assert_memory_equal(offered, ((uint8_t[]){ 10, 0, 2, 20 }), 4);
	net_backend_destroy(be);
}

/* No room in the NIC: slirp's answer waits, and comes after rx_ready. */
static void frames_wait_for_room(void **state)
{
	struct vm_vif v = vif_for("");
	struct net_backend *be = open_user(&v);
	uint8_t f[100];

	(void)state;
	pthread_mutex_lock(&dm_lock);
	nic_room = false;
	pthread_mutex_unlock(&dm_lock);
	send_frame(be, f, arp_request(f));
	usleep(200 * 1000);
	pthread_mutex_lock(&dm_lock);
	assert_int_equal(n_frames, 0);
	nic_room = true;
	net_backend_rx_ready(be);        /* as the NIC calls it: lock held */
	pthread_mutex_unlock(&dm_lock);
	assert_true(wait_frame(is_arp_reply_for_host) >= 0);
	assert_int_equal(be->rx_dropped, 0);
	net_backend_destroy(be);
}

static uint16_t free_port(int *fd_out)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
	if (fd_out) {
		assert_int_equal(listen(fd, 1), 0);
		*fd_out = fd;
	} else {
		close(fd);
	}
	return ntohs(a.sin_port);
}

static bool is_toward_guest_ssh(const uint8_t *f, size_t len)
{
	/* slirp asks for the guest's MAC, or (knowing it) sends the SYN */
	if (len >= 42 && get16(f + 12) == 0x0806 && get16(f + 20) == 1 &&
	    !memcmp(f + 38, (uint8_t[]){ 10, 0, 2, 15 }, 4))
		return true;
	return len >= 54 && get16(f + 12) == 0x0800 && f[23] == 6 &&
	       !memcmp(f + 30, (uint8_t[]){ 10, 0, 2, 15 }, 4) &&
	       get16(f + 36) == 22;
}

static void hostfwd_reaches_guest(void **state)
{
	struct vm_vif v;
	struct net_backend *be;
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	uint16_t port = free_port(NULL);
	int fd;

	(void)state;
	v = vif_for("hostfwd=tcp:127.0.0.1:PORT-:22");
	v.nr_hostfwd = 1;
	v.hostfwd[0] = (struct vm_hostfwd){ .host_addr = htonl(INADDR_LOOPBACK),
					    .host_port = port,
					    .guest_port = 22 };
	be = open_user(&v);
	a.sin_port = htons(port);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_true(fd >= 0);
	/* in progress: slirp accepts, then opens toward the guest */
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		assert_int_equal(errno, EINPROGRESS);
	assert_true(wait_frame(is_toward_guest_ssh) >= 0);
	close(fd);
	net_backend_destroy(be);
}

static void hostfwd_port_in_use(void **state)
{
	struct vm_vif v;
	char err[512], want[512];
	int busy;
	uint16_t port = free_port(&busy);

	(void)state;
	v = vif_for("hostfwd=tcp:127.0.0.1:PORT-:22");
	v.nr_hostfwd = 1;
	v.hostfwd[0] = (struct vm_hostfwd){ .host_addr = htonl(INADDR_LOOPBACK),
					    .host_port = port,
					    .guest_port = 22 };
	snprintf(v.hostfwd[0].text, sizeof(v.hostfwd[0].text),
		 "tcp:127.0.0.1:%u-:22", port);
	assert_null(net_user_create(&v, 0, "unit", &dm_lock, err, sizeof(err)));
	snprintf(want, sizeof(want), "guest.hvm:3: vif: 'hostfwd=tcp:127.0.0.1:"
		 "PORT-:22': hostfwd=tcp:127.0.0.1:%u-:22: cannot listen on tcp "
		 "127.0.0.1:%u (", port, port);
	if (strncmp(err, want, strlen(want)) ||
	    !strstr(err, "Address already in use"))
		fail_msg("got '%s'", err);
	close(busy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(arp_and_dhcp_answered),
		cmocka_unit_test(frames_wait_for_room),
		cmocka_unit_test(hostfwd_reaches_guest),
		cmocka_unit_test(hostfwd_port_in_use),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
