// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the RTL8139C+ NIC (devmodel/net/rtl8139.c) on the fake
 * buses, programmed through its I/O BAR as Linux's 8139too and 8139cp do,
 * with a fake net backend that records what goes out and hands frames in
 * with net_backend_deliver() as the slirp and TAP backends will:
 * the PCI identity, reset values, the EEPROM through 9346CR, the classic
 * receive ring (header, FCS, wrap with and without RCR.WRAP, CAPR/CBR,
 * BUFE, overflow), the four transmit descriptors, ISR and INTx, the MAC
 * filter, C+ transmit with checksum offload and VLAN insertion, C+
 * receive descriptors, the MII registers, the timer, the tally dump, and
 * hostile programming (a fuzz loop of random register writes).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/fixture.h"

#include "devmodel/core/io.h"
#include "devmodel/core/pci.h"
#include "devmodel/net/net.h"
#include "devmodel/net/rtl8139.h"

#define SLOT		4
#define IOBASE		0xc000
#define MMIOBASE	0xfebf1000u
#define RAM_SIZE	(4u << 20)
#define RX_RING		0x100000u	/* classic ring: 64K + 16 + 1.5K room */
#define TX_BUFS		0x120000u
#define CP_RX_RING	0x130000u
#define CP_TX_RING	0x131000u
#define CP_BUFS		0x140000u

static const uint8_t MAC[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* Registers (RTL8139C(L)+ datasheet). */
enum {
	IDR0 = 0x00, MAR0 = 0x08, TSD0 = 0x10, DTCCR = 0x10, TSAD0 = 0x20,
	TNPDS = 0x20, THPDS = 0x28, RBSTART = 0x30, CR = 0x37, CAPR = 0x38,
	CBR = 0x3a, IMR = 0x3c, ISR = 0x3e, TCR = 0x40, RCR = 0x44, TCTR = 0x48,
	MPC = 0x4c, CR9346 = 0x50, CONFIG0 = 0x51, CONFIG1 = 0x52,
	TIMERINT = 0x54, MSR = 0x58, CONFIG3 = 0x59, RERID = 0x5e, TSAD = 0x60,
	BMCR = 0x62, BMSR = 0x64, ANAR = 0x66, ANLPAR = 0x68, ANER = 0x6a,
	CSCR = 0x74, TPPOLL = 0xd9, CPCR = 0xe0, RDSAR = 0xe4,
};

#define ROK 0x0001
#define RER 0x0002
#define TOK 0x0004
#define TER 0x0008
#define RXOVW 0x0010
#define FOVW 0x0040
#define TDU 0x0080
#define TIMEOUT 0x4000
#define SERR 0x8000

#define OWN 0x80000000u
#define EOR 0x40000000u
#define FS 0x20000000u
#define LS 0x10000000u

/* ---- the fake backend ---- */

#define MAX_SENT 64

struct fake_backend {
	struct net_backend be;
	uint8_t frame[MAX_SENT][2048];
	size_t len[MAX_SENT];
	unsigned sent;
	unsigned rx_ready;
};

static int fake_send(struct net_backend *be, const struct iovec *iov, int iovcnt)
{
	struct fake_backend *fb = (struct fake_backend *)be;
	unsigned n = fb->sent++ % MAX_SENT;
	size_t len = 0;

	for (int i = 0; i < iovcnt; i++) {
		size_t c = iov[i].iov_len;

		if (len + c > sizeof(fb->frame[0]))
			c = sizeof(fb->frame[0]) - len;
		memcpy(fb->frame[n] + len, iov[i].iov_base, c);
		len += iov[i].iov_len;
	}
	fb->len[n] = len;
	return 0;
}

static void fake_rx_ready(struct net_backend *be)
{
	((struct fake_backend *)be)->rx_ready++;
}

static const struct net_backend_ops fake_ops = {
	.kind = "fake", .send = fake_send, .rx_ready = fake_rx_ready,
};

/* ---- the fixture ---- */

struct fixture {
	struct io_bus *ports, *mem;
	struct pci_bus *pci;
	struct fake_ram ram;
	struct dm_timer_list timers;
	uint64_t clock;
	struct fake_backend fb;
	struct rtl8139 *nic;
	int pirq[4];
};

static void pirq_set(void *opaque, unsigned pirq, int level)
{
	struct fixture *f = opaque;

	f->pirq[pirq & 3] = level;
}

static int intx(struct fixture *f)
{
	return f->pirq[pci_slot_pin_to_pirq(SLOT, 1)];
}

static struct fixture *create(uint8_t revision)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct rtl8139_config cfg = { .revision = revision };
	char err[256] = "";

	f->ports = io_bus_new("ports");
	f->mem = io_bus_new("mem");
	f->pci = pci_bus_new(f->ports, f->mem);
	fake_ram_init(&f->ram, RAM_SIZE);
	fake_timers_init(&f->timers, &f->clock, 1000000000ull);
	net_backend_init(&f->fb.be, &fake_ops, NULL);
	pci_bus_set_pirq_router(f->pci, pirq_set, f);
	memcpy(cfg.mac, MAC, 6);
	cfg.backend = &f->fb.be;
	cfg.timers = &f->timers;
	f->nic = rtl8139_create(f->pci, SLOT, &f->ram.mem, &cfg, err, sizeof(err));
	if (!f->nic) {
		fprintf(stderr, "%s\n", err);
		return NULL;
	}
	cfg1_write(f->ports, SLOT, 0, PCI_BASE_ADDRESS_0, 4, IOBASE);
	cfg1_write(f->ports, SLOT, 0, PCI_BASE_ADDRESS_0 + 4, 4, MMIOBASE);
	cfg1_write(f->ports, SLOT, 0, PCI_COMMAND, 2,
		   PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	return f;
}

static int setup(void **state)
{
	*state = create(0);
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	rtl8139_destroy(f->nic);
	pci_bus_free(f->pci);
	io_bus_free(f->ports);
	io_bus_free(f->mem);
	fake_ram_free(&f->ram);
	free(f);
	return 0;
}

static uint8_t r8(struct fixture *f, unsigned reg) { return port_in8(f->ports, IOBASE + reg); }
static uint16_t r16(struct fixture *f, unsigned reg) { return port_in16(f->ports, IOBASE + reg); }
static uint32_t r32(struct fixture *f, unsigned reg) { return port_in32(f->ports, IOBASE + reg); }
static void w8(struct fixture *f, unsigned reg, uint8_t v) { port_out8(f->ports, IOBASE + reg, v); }
static void w16(struct fixture *f, unsigned reg, uint16_t v) { port_out16(f->ports, IOBASE + reg, v); }
static void w32(struct fixture *f, unsigned reg, uint32_t v) { port_out32(f->ports, IOBASE + reg, v); }

static uint8_t *ram(struct fixture *f, uint32_t gpa) { return f->ram.bytes + gpa; }
static uint32_t ram32(struct fixture *f, uint32_t gpa)
{
	uint8_t *p = ram(f, gpa);

	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static void ram_put32(struct fixture *f, uint32_t gpa, uint32_t v)
{
	uint8_t *p = ram(f, gpa);

	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* ---- independent reference computations ---- */

/* IEEE 802.3 FCS, bit by bit (reflected polynomial 0xEDB88320). */
static uint32_t ref_fcs(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	while (n--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (c & 1 ? 0xedb88320u : 0);
	}
	return ~c;
}

/* Linux's ether_crc(6, addr) >> 26: the MAR bit 8139too sets. */
static unsigned ref_mcast_bit(const uint8_t *addr)
{
	uint32_t crc = 0xffffffffu;

	for (int i = 0; i < 6; i++) {
		uint8_t o = addr[i];

		for (int b = 0; b < 8; b++, o >>= 1)
			crc = (crc << 1) ^ ((((crc >> 31) ^ o) & 1) ? 0x04c11db7u : 0);
	}
	return crc >> 26;
}

/* One's complement sum of 16-bit big-endian words. */
static uint32_t ref_sum(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t ref_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* ---- frames ---- */

static size_t make_frame(uint8_t *buf, const uint8_t *dst, size_t len, uint8_t seed)
{
	memcpy(buf, dst, 6);
	memcpy(buf + 6, "\x02\x00\x00\x00\x00\x01", 6);
	buf[12] = 0x88;
	buf[13] = 0xb5;	/* local experimental ethertype */
	for (size_t i = 14; i < len; i++)
		buf[i] = (uint8_t)(seed + i * 7);
	return len;
}

/* An IPv4 frame to MAC with a TCP (6) or UDP (17) payload, checksums 0. */
static size_t make_ip_frame(uint8_t *buf, uint8_t proto, size_t payload)
{
	size_t l4 = proto == 6 ? 20 : 8;
	size_t iplen = 20 + l4 + payload;
	uint8_t *ip = buf + 14, *t = ip + 20;

	memset(buf, 0, 14 + iplen);
	memcpy(buf, MAC, 6);
	memcpy(buf + 6, "\x02\x00\x00\x00\x00\x01", 6);
	buf[12] = 0x08;
	ip[0] = 0x45;
	ip[2] = (uint8_t)(iplen >> 8);
	ip[3] = (uint8_t)iplen;
	ip[4] = 0x12; ip[5] = 0x34;
	ip[6] = 0x40;	/* DF */
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, "\x0a\x00\x02\x0f\x0a\x00\x02\x02", 8);
	t[0] = 0x30; t[1] = 0x39; t[2] = 0x00; t[3] = 0x50;
	if (proto == 6) {
		t[4] = 1; t[8] = 2;	/* seq, ack */
		t[12] = 0x50;
		t[13] = 0x18;
		t[14] = 0xff;
	} else {
		t[4] = (uint8_t)((8 + payload) >> 8);
		t[5] = (uint8_t)(8 + payload);
	}
	for (size_t i = 0; i < payload; i++)
		t[l4 + i] = (uint8_t)(i * 13 + 1);
	return 14 + iplen;
}

static bool ip_checksums_valid(const uint8_t *frame, size_t len)
{
	const uint8_t *ip = frame + 14;
	size_t ihl = (ip[0] & 15) * 4, iplen = (size_t)ip[2] << 8 | ip[3];
	uint32_t pseudo;

	if (14 + iplen > len || ref_fold(ref_sum(ip, ihl, 0)) != 0xffff)
		return false;
	pseudo = ref_sum(ip + 12, 8, 0) + ip[9] + (uint32_t)(iplen - ihl);
	return ref_fold(ref_sum(ip + ihl, iplen - ihl, pseudo)) == 0xffff;
}

static size_t deliver(struct fixture *f, const uint8_t *frame, size_t len)
{
	struct iovec iov = { (void *)frame, len };

	return net_backend_deliver(&f->fb.be, &iov, 1);
}

/* Straight to receive(), as a backend that did not ask can_receive(). */
static size_t force_receive(struct fixture *f, const uint8_t *frame, size_t len)
{
	struct iovec iov = { (void *)frame, len };

	return f->fb.be.client.receive(f->fb.be.client.opaque, &iov, 1);
}

/* 8139too's rtl8139_hw_start, roughly: reset, MAC, ring, RE|TE, RCR. */
static void start_classic(struct fixture *f, uint32_t rcr)
{
	w8(f, CR, 0x10);
	while (r8(f, CR) & 0x10)
		;
	w8(f, CR9346, 0xc0);
	w32(f, RBSTART, RX_RING);
	w8(f, CR, 0x0c);
	w32(f, RCR, rcr);
	w32(f, TCR, 0x03000600);
	w8(f, CR9346, 0x00);
	for (int i = 0; i < 4; i++)
		w32(f, TSAD0 + 4 * i, TX_BUFS + 0x800u * i);
	w16(f, IMR, 0xe07f);
}

/* xorshift64*: fixed seed, reproducible. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

/* ---- identity and reset ---- */

static void pci_identity_and_bars(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(cfg1_read(f->ports, SLOT, 0, PCI_VENDOR_ID, 4), 0x813910ec);
	assert_int_equal(cfg1_read(f->ports, SLOT, 0, PCI_REVISION_ID, 1), 0x20);
	assert_int_equal(cfg1_read(f->ports, SLOT, 0, PCI_CLASS_DEVICE, 2), 0x0200);
	assert_int_equal(cfg1_read(f->ports, SLOT, 0, PCI_INTERRUPT_PIN, 1), 1);
	cfg1_write(f->ports, SLOT, 0, PCI_BASE_ADDRESS_0, 4, 0xffffffff);
	assert_int_equal(cfg1_read(f->ports, SLOT, 0, PCI_BASE_ADDRESS_0, 4) & 0xffff, 0xff01);
	cfg1_write(f->ports, SLOT, 0, PCI_BASE_ADDRESS_0, 4, IOBASE);
	cfg1_write(f->ports, SLOT, 0, PCI_BASE_ADDRESS_0 + 4, 4, 0xffffffff);
	assert_int_equal(cfg1_read(f->ports, SLOT, 0, PCI_BASE_ADDRESS_0 + 4, 4), 0xffffff00);
	cfg1_write(f->ports, SLOT, 0, PCI_BASE_ADDRESS_0 + 4, 4, MMIOBASE);
	/* The same registers through the memory BAR. */
	assert_int_equal(bus_read(f->mem, MMIOBASE + IDR0, 4), r32(f, IDR0));
	bus_write(f->mem, MMIOBASE + MAR0, 4, 0xa5a5a5a5);
	assert_int_equal(r32(f, MAR0), 0xa5a5a5a5);
	assert_int_equal(bus_read(f->mem, MMIOBASE + TCR, 4), 0x74800000);
}

static void reset_values(void **state)
{
	struct fixture *f = *state;

	for (int i = 0; i < 6; i++)
		assert_int_equal(r8(f, IDR0 + i), MAC[i]);
	for (int i = 0; i < 4; i++)
		assert_int_equal(r32(f, TSD0 + 4 * i), 0x2000);	/* OWN */
	assert_int_equal(r16(f, TSAD), 0x000f);
	assert_int_equal(r8(f, CR), 0x01);	/* BUFE */
	assert_int_equal(r16(f, CAPR), 0xfff0);
	assert_int_equal(r16(f, CBR), 0);
	assert_int_equal(r16(f, IMR), 0);
	assert_int_equal(r16(f, ISR), 0);
	assert_int_equal(r32(f, TCR), 0x74800000);	/* RTL8139C+ */
	assert_int_equal(r32(f, RCR), 0);
	assert_int_equal(r8(f, CR9346), 0);
	assert_int_equal(r8(f, CONFIG1), 0x0c);
	assert_int_equal(r8(f, RERID), 0x20);
	assert_int_equal(r16(f, BMCR), 0x3100);
	assert_int_equal(r16(f, BMSR), 0x782d);
	assert_int_equal(r8(f, MSR) & 0x04, 0);	/* link OK */
	assert_int_equal(r32(f, MPC), 0);

	/* CR.RST: IDR stays (datasheet), the rest goes back. */
	w32(f, IDR0, 0x44332211);
	w16(f, IMR, 0xffff);
	w32(f, TSD0, 0x100);	/* TE off: not sent */
	w8(f, CR, 0x10);
	assert_int_equal(r8(f, CR), 0x01);
	assert_int_equal(r32(f, IDR0), 0x44332211);
	assert_int_equal(r16(f, IMR), 0);
	assert_int_equal(r32(f, TSD0), 0x2000);
	/* The machine's reset reloads the MAC from the EEPROM (and unmaps
	 * the BARs: the firmware maps them again). */
	pci_bus_reset(f->pci);
	cfg1_write(f->ports, SLOT, 0, PCI_BASE_ADDRESS_0, 4, IOBASE);
	cfg1_write(f->ports, SLOT, 0, PCI_COMMAND, 2, PCI_COMMAND_IO);
	for (int i = 0; i < 6; i++)
		assert_int_equal(r8(f, IDR0 + i), MAC[i]);
	assert_int_equal(f->fb.sent, 0);
}

/* 8139too's read_eeprom() through 9346CR, bit by bit. */
static uint16_t read_eeprom(struct fixture *f, unsigned location, int addr_len)
{
	unsigned cmd = location | 6u << addr_len;
	uint16_t v = 0;

	w8(f, CR9346, 0x80);
	w8(f, CR9346, 0x88);
	for (int i = 4 + addr_len; i >= 0; i--) {
		uint8_t d = (cmd >> i & 1) ? 0x02 : 0;

		w8(f, CR9346, 0x88 | d);
		w8(f, CR9346, 0x88 | d | 0x04);
	}
	w8(f, CR9346, 0x88);
	for (int i = 16; i > 0; i--) {
		w8(f, CR9346, 0x88 | 0x04);
		v = (uint16_t)(v << 1 | (r8(f, CR9346) & 0x01));
		w8(f, CR9346, 0x88);
	}
	w8(f, CR9346, 0);
	return v;
}

static void eeprom_through_9346cr(void **state)
{
	struct fixture *f = *state;
	int addr_len = read_eeprom(f, 0, 8) == 0x8129 ? 8 : 6;

	assert_int_equal(addr_len, 6);
	assert_int_equal(read_eeprom(f, 0, 6), 0x8129);
	assert_int_equal(read_eeprom(f, 1, 6), 0x10ec);
	assert_int_equal(read_eeprom(f, 2, 6), 0x8139);
	for (int i = 0; i < 3; i++) {
		uint16_t w = read_eeprom(f, 7 + i, addr_len);

		assert_int_equal(w & 0xff, MAC[2 * i]);
		assert_int_equal(w >> 8, MAC[2 * i + 1]);
	}
	/* EEDO reads 0 out of programming mode. */
	assert_int_equal(r8(f, CR9346) & 1, 0);
}

static void config_registers_need_the_write_enable(void **state)
{
	struct fixture *f = *state;

	w8(f, CONFIG1, 0x20);
	assert_int_equal(r8(f, CONFIG1), 0x0c);
	w8(f, CR9346, 0xc0);
	w8(f, CONFIG1, 0x20);	/* DVRLOAD; MEMMAP/IOMAP read-only */
	assert_int_equal(r8(f, CONFIG1), 0x2c);
	w8(f, CONFIG3, 0x40);
	assert_int_equal(r8(f, CONFIG3), 0x41);
	w8(f, CR9346, 0x00);
	w8(f, CONFIG1, 0x00);
	assert_int_equal(r8(f, CONFIG1), 0x2c);
	/* Auto-load: a reset from the EEPROM, back to normal mode. */
	w32(f, IDR0, 0);
	w8(f, CR9346, 0x40);
	assert_int_equal(r8(f, CR9346), 0);
	assert_int_equal(r8(f, CONFIG1), 0x0c);
	assert_int_equal(r8(f, IDR0 + 5), MAC[5]);
}

/* ---- classic receive ---- */

static void check_packet(struct fixture *f, uint32_t off, const uint8_t *frame,
			 size_t len, uint16_t status, uint32_t ring_len, bool wrap)
{
	size_t padded = len < 60 ? 60 : len;
	uint8_t expect[2048] = { 0 };
	uint32_t hdr = ram32(f, RX_RING + off);
	uint32_t fcs;

	memcpy(expect, frame, len);
	fcs = ref_fcs(expect, padded);
	for (int i = 0; i < 4; i++)
		expect[padded + i] = (uint8_t)(fcs >> (8 * i));
	assert_int_equal(hdr & 0xffff, status | ROK);
	assert_int_equal(hdr >> 16, padded + 4);
	for (size_t i = 0; i < padded + 4; i++) {
		uint32_t at = off + 4 + (uint32_t)i;

		if (!wrap)
			at %= ring_len;
		assert_int_equal(*ram(f, RX_RING + at), expect[i]);
	}
}

static void classic_rx_ring(void **state)
{
	struct fixture *f = *state;
	uint8_t frame[1600];
	size_t len;
	uint32_t cur = 0;

	start_classic(f, 0x0000e78a);	/* 8K, WRAP, APM | AB, like 8139too */
	assert_int_equal(r8(f, CR) & 0x0d, 0x0d);

	/* A runt: padded to 60, FCS appended, header ROK | PAM. */
	len = make_frame(frame, MAC, 42, 1);
	assert_int_equal(deliver(f, frame, len), len);
	check_packet(f, 0, frame, len, 0x4000, 8192, true);
	cur = (4 + 64 + 3) & ~3u;
	assert_int_equal(r16(f, CBR), cur);
	assert_int_equal(r8(f, CR) & 1, 0);	/* not empty */
	assert_int_equal(r16(f, ISR), ROK);
	assert_int_equal(intx(f), 1);

	/* A broadcast after it, dword-aligned. */
	len = make_frame(frame, BCAST, 333, 2);
	assert_int_equal(deliver(f, frame, len), len);
	check_packet(f, cur, frame, len, 0x2000, 8192, true);

	/* 8139too consumes both: CAPR = cur_rx - 16; empty again. */
	cur = (cur + 4 + 337 + 3) & ~3u;
	assert_int_equal(r16(f, CBR), cur);
	w16(f, CAPR, (uint16_t)(cur - 16));
	assert_int_equal(r8(f, CR) & 1, 1);
	w16(f, ISR, ROK);
	assert_int_equal(intx(f), 0);
}

/* Fill an 8K ring with 1000-byte frames, consuming as we go, until one
 * crosses the end: WRAP decides where its tail goes. */
static void wrap_case(struct fixture *f, uint32_t rcr, bool wrap)
{
	uint8_t frame[1000];
	uint32_t cur = 0;

	memset(ram(f, RX_RING), 0, 8192 + 2048);
	start_classic(f, rcr);
	for (int n = 0; n < 9; n++) {
		make_frame(frame, MAC, sizeof(frame), (uint8_t)n);
		assert_int_equal(deliver(f, frame, sizeof(frame)), sizeof(frame));
		check_packet(f, cur, frame, sizeof(frame), 0x4000, 8192, wrap);
		cur = (cur + 4 + 1004 + 3) & ~3u;
		cur %= 8192;
		assert_int_equal(r16(f, CBR), cur);
		w16(f, CAPR, (uint16_t)(cur - 16));
	}
	/* The ninth started at 8064: its last bytes are at 0.. without WRAP,
	 * past 8192 with it. */
	if (wrap)
		assert_int_equal(*ram(f, RX_RING + 8192), frame[8192 - 8064 - 4]);
	else
		assert_int_equal(*ram(f, RX_RING + 0), frame[8192 - 8064 - 4]);
}

static void classic_rx_wrap_bit(void **state)
{
	struct fixture *f = *state;

	wrap_case(f, 0x0000e70a, false);
	wrap_case(f, 0x0000e78a, true);
}

static void classic_rx_ring_sizes(void **state)
{
	struct fixture *f = *state;
	uint8_t frame[1500];
	static const uint32_t sizes[4] = { 8192, 16384, 32768, 65536 };

	make_frame(frame, MAC, sizeof(frame), 9);
	for (unsigned s = 0; s < 4; s++) {
		unsigned n = 0;

		start_classic(f, 0x0000e70a | s << 11);	/* no WRAP: wrap at the size */
		/* Never consumed: frames go in until the ring is full. */
		while (deliver(f, frame, sizeof(frame)))
			n++;
		/* 1508 bytes a frame; taken while more than a full frame's
		 * room (1530) is left. */
		assert_int_equal(n, (sizes[s] - 1531) / 1508 + 1);
	}
}

static void classic_rx_overflow(void **state)
{
	struct fixture *f = *state;
	uint8_t frame[1500];
	unsigned n = 0, ready;

	start_classic(f, 0x0000e78a);
	make_frame(frame, MAC, sizeof(frame), 3);
	while (deliver(f, frame, sizeof(frame)))
		n++;
	assert_int_equal(n, 5);	/* 5 * 1508 of 8192; a 6th would not fit */
	assert_int_equal(f->fb.be.rx_dropped, 1);
	assert_int_equal(r16(f, ISR) & (RXOVW | FOVW), 0);
	/* A backend that pushes anyway: the frame is missed. */
	assert_int_equal(force_receive(f, frame, sizeof(frame)), 0);
	assert_int_equal(r16(f, ISR) & (RXOVW | FOVW), RXOVW | FOVW);
	assert_int_equal(r32(f, MPC), 1);
	w32(f, MPC, 0);
	assert_int_equal(r32(f, MPC), 0);
	/* The driver reads one: CAPR moves, the backend hears of the room. */
	ready = f->fb.rx_ready;
	w16(f, CAPR, 1508 - 16);
	assert_int_equal(f->fb.rx_ready, ready + 1);
	assert_int_equal(deliver(f, frame, sizeof(frame)), sizeof(frame));
	/* Another CAPR write without a stall says nothing. */
	w16(f, CAPR, 2 * 1508 - 16);
	assert_int_equal(f->fb.rx_ready, ready + 1);
	/* W1C of the overflow bits. */
	w16(f, ISR, RXOVW | FOVW | ROK);
	assert_int_equal(r16(f, ISR), 0);
}

/* ---- classic transmit ---- */

static void classic_tx_round_robin(void **state)
{
	struct fixture *f = *state;
	uint8_t frame[1200];

	start_classic(f, 0x0000e78a);
	for (int n = 0; n < 6; n++) {
		unsigned d = n % 4;
		size_t len = 100 + 200 * (size_t)n;

		make_frame(frame, BCAST, len, (uint8_t)n);
		memcpy(ram(f, TX_BUFS + 0x800u * d), frame, len);
		w32(f, TSD0 + 4 * d, (uint32_t)len | 0x00080000);	/* OWN = 0, ERTXTH */
		assert_int_equal(f->fb.sent, n + 1);
		assert_int_equal(f->fb.len[n], len);
		assert_memory_equal(f->fb.frame[n], frame, len);
		assert_int_equal(r32(f, TSD0 + 4 * d), 0x00080000 | 0x8000 | 0x2000 | len);
		assert_int_equal(r16(f, ISR) & TOK, TOK);
		w16(f, ISR, TOK);
	}
	assert_int_equal(r16(f, TSAD), 0xf00f);	/* all TOK, all OWN */

	/* Out of turn: descriptor 3 before 2 waits for 2. */
	make_frame(frame, BCAST, 60, 0x33);
	memcpy(ram(f, TX_BUFS + 0x800u * 3), frame, 60);
	w32(f, TSD0 + 12, 60);
	assert_int_equal(f->fb.sent, 6);
	assert_int_equal(r16(f, TSAD) & 0x0008, 0);	/* 3 is the NIC's */
	make_frame(frame, BCAST, 60, 0x22);
	memcpy(ram(f, TX_BUFS + 0x800u * 2), frame, 60);
	w32(f, TSD0 + 8, 60);
	assert_int_equal(f->fb.sent, 8);
	assert_int_equal(f->fb.frame[6][20], (uint8_t)(0x22 + 20 * 7));
	assert_int_equal(f->fb.frame[7][20], (uint8_t)(0x33 + 20 * 7));

	/* A runt goes out padded to 60. */
	memcpy(ram(f, TX_BUFS), frame, 20);
	w32(f, TSD0, 20);
	assert_int_equal(f->fb.len[8], 60);
}

static void classic_tx_bad_descriptors(void **state)
{
	struct fixture *f = *state;

	start_classic(f, 0x0000e78a);
	/* Longer than 1792: aborted, nothing sent. */
	w32(f, TSD0, 1793);
	assert_int_equal(r32(f, TSD0) & 0x40002000, 0x40002000);	/* TABT, OWN */
	assert_int_equal(r16(f, ISR) & (TER | TOK), TER);
	assert_int_equal(r16(f, TSAD) & 0x0010, 0x0010);
	/* Outside RAM. */
	w32(f, TSAD0 + 4, 0xfffff000);
	w32(f, TSD0 + 4, 1500);
	assert_int_equal(r32(f, TSD0 + 4) & 0x40002000, 0x40002000);
	/* Across the end of RAM. */
	w32(f, TSAD0 + 8, RAM_SIZE - 100);
	w32(f, TSD0 + 8, 200);
	assert_int_equal(r32(f, TSD0 + 8) & 0x40002000, 0x40002000);
	/* Bus master off: no DMA at all. */
	cfg1_write(f->ports, SLOT, 0, PCI_COMMAND, 2, PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
	w32(f, TSD0 + 12, 100);
	assert_int_equal(r32(f, TSD0 + 12) & 0x40002000, 0x40002000);
	assert_int_equal(f->fb.sent, 0);
	/* TCR's CLRABT does not loop on them. */
	w32(f, TCR, 1);
	assert_int_equal(f->fb.sent, 0);
}

/* ---- interrupts ---- */

static void isr_write_one_to_clear_and_intx(void **state)
{
	struct fixture *f = *state;

	start_classic(f, 0x0000e78a);
	w16(f, IMR, 0);
	memcpy(ram(f, TX_BUFS), BCAST, 6);
	w32(f, TSD0, 60);
	assert_int_equal(r16(f, ISR), TOK);
	assert_int_equal(intx(f), 0);		/* masked */
	w16(f, IMR, TOK);
	assert_int_equal(intx(f), 1);
	w16(f, ISR, ROK);			/* another bit: no change */
	assert_int_equal(r16(f, ISR), TOK);
	assert_int_equal(intx(f), 1);
	/* INTx# off in the PCI command register. */
	cfg1_write(f->ports, SLOT, 0, PCI_COMMAND, 2, 0x0407);
	assert_int_equal(intx(f), 0);
	cfg1_write(f->ports, SLOT, 0, PCI_COMMAND, 2, 0x0007);
	assert_int_equal(intx(f), 1);
	w8(f, ISR, TOK);			/* byte writes too */
	assert_int_equal(r16(f, ISR), 0);
	assert_int_equal(intx(f), 0);
}

/* ---- the address filter ---- */

static void mac_filter(void **state)
{
	struct fixture *f = *state;
	uint8_t frame[100];
	static const uint8_t other[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x57 };
	static const uint8_t mc_hit[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };
	uint8_t mc_miss[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
	unsigned bit = ref_mcast_bit(mc_hit);

	while (ref_mcast_bit(mc_miss) == bit)
		mc_miss[5]++;
	start_classic(f, 0x0000e702);	/* APM only */
	make_frame(frame, MAC, 100, 0);
	assert_int_equal(deliver(f, frame, 100), 100);
	make_frame(frame, other, 100, 0);
	assert_int_equal(deliver(f, frame, 100), 0);
	make_frame(frame, BCAST, 100, 0);
	assert_int_equal(deliver(f, frame, 100), 0);
	w32(f, RCR, 0x0000e70a);	/* + AB */
	assert_int_equal(deliver(f, frame, 100), 100);

	/* Multicast: AM and the MAR hash bit. */
	make_frame(frame, mc_hit, 100, 0);
	assert_int_equal(deliver(f, frame, 100), 0);	/* no AM */
	w32(f, RCR, 0x0000e70e);
	assert_int_equal(deliver(f, frame, 100), 0);	/* MAR empty */
	w8(f, MAR0 + bit / 8, (uint8_t)(1u << (bit % 8)));
	assert_int_equal(deliver(f, frame, 100), 100);
	assert_int_equal(ram32(f, RX_RING + r16(f, CBR) - 108) & 0xffff, 0x8000 | ROK);
	make_frame(frame, mc_miss, 100, 0);
	assert_int_equal(deliver(f, frame, 100), 0);

	/* Promiscuous: everything, with its address type in the header. */
	w32(f, RCR, 0x0000e701);
	assert_int_equal(deliver(f, frame, 100), 100);
	make_frame(frame, other, 100, 0);
	uint16_t at = r16(f, CBR);
	assert_int_equal(deliver(f, frame, 100), 100);
	assert_int_equal(ram32(f, RX_RING + at) & 0xffff, ROK);
}

/* ---- C+ mode ---- */

/* 8139cp's cp_init_hw / cp_start_hw, with `rx` descriptors of `bufsz`. */
static void start_cplus(struct fixture *f, unsigned rx, uint32_t bufsz, uint16_t cpcr)
{
	w8(f, CR, 0x10);
	w8(f, CR9346, 0xc0);
	w32(f, IDR0, (uint32_t)MAC[0] | MAC[1] << 8 | MAC[2] << 16 | (uint32_t)MAC[3] << 24);
	w32(f, IDR0 + 4, MAC[4] | MAC[5] << 8);
	w16(f, CPCR, cpcr);
	w32(f, THPDS, 0);
	w32(f, THPDS + 4, 0);
	memset(ram(f, CP_RX_RING), 0, 0x2000);
	for (unsigned i = 0; i < rx; i++) {
		uint32_t d = CP_RX_RING + 16 * i;

		ram_put32(f, d, OWN | (i == rx - 1 ? EOR : 0) | bufsz);
		ram_put32(f, d + 8, CP_BUFS + 0x800 * i);
	}
	w32(f, RDSAR, CP_RX_RING);
	w32(f, RDSAR + 4, 0);
	w32(f, TNPDS, CP_TX_RING);
	w32(f, TNPDS + 4, 0);
	w8(f, CR, 0x0c);
	w16(f, ISR, 0xffff);
	w32(f, RCR, 0x0000e70a);
	w32(f, TCR, 0x03000700);
	w8(f, CR9346, 0);
	w16(f, IMR, 0x807f);
}

static void cp_tx_desc(struct fixture *f, unsigned i, uint32_t dw0, uint32_t dw1,
		       uint32_t buf)
{
	uint32_t d = CP_TX_RING + 16 * i;

	ram_put32(f, d + 4, dw1);
	ram_put32(f, d + 8, buf);
	ram_put32(f, d + 12, 0);
	ram_put32(f, d, dw0);
}

static void cplus_tx_checksum_offload(void **state)
{
	struct fixture *f = *state;
	uint8_t frame[1514];
	size_t len;

	start_cplus(f, 4, 1536, 0x0003 | 0x0020 | 0x0040);
	/* TCP in two fragments (SG), IP + TCP checksums asked for. */
	len = make_ip_frame(frame, 6, 1000);
	assert_false(ip_checksums_valid(frame, len));
	memcpy(ram(f, CP_BUFS), frame, 54);
	memcpy(ram(f, CP_BUFS + 0x1000), frame + 54, len - 54);
	cp_tx_desc(f, 0, OWN | FS | 0x00040000 | 0x00010000 | 54, 0, CP_BUFS);
	cp_tx_desc(f, 1, OWN | LS | 0x00040000 | 0x00010000 | (uint32_t)(len - 54), 0,
		   CP_BUFS + 0x1000);
	w8(f, TPPOLL, 0x40);
	assert_int_equal(f->fb.sent, 1);
	assert_int_equal(f->fb.len[0], len);
	assert_true(ip_checksums_valid(f->fb.frame[0], len));
	/* Only the checksums changed. */
	assert_memory_equal(f->fb.frame[0] + 26, frame + 26, 24);
	assert_memory_equal(f->fb.frame[0] + 54, frame + 54, len - 54);
	assert_int_equal(ram32(f, CP_TX_RING) & OWN, 0);
	assert_int_equal(ram32(f, CP_TX_RING + 16) & (OWN | 0x00800000), 0);
	assert_int_equal(r16(f, ISR) & TOK, TOK);

	/* UDP with an odd payload, and an 802.1Q tag inserted (TAGC,
	 * TCI 0x0123 in wire order as 8139cp writes it: swab16). */
	len = make_ip_frame(frame, 17, 333);
	memcpy(ram(f, CP_BUFS), frame, len);
	cp_tx_desc(f, 2, OWN | FS | LS | 0x00040000 | 0x00020000 | (uint32_t)len,
		   0x00020000 | 0x2301, CP_BUFS);
	w8(f, TPPOLL, 0x40);
	assert_int_equal(f->fb.sent, 2);
	assert_int_equal(f->fb.len[1], len + 4);
	uint8_t *out = f->fb.frame[1];
	assert_memory_equal(out + 12, "\x81\x00\x01\x23", 4);
	uint8_t untagged[1514];
	memcpy(untagged, out, 12);
	memcpy(untagged + 12, out + 16, len - 12);
	assert_true(ip_checksums_valid(untagged, len));
	assert_int_not_equal(untagged[14 + 20 + 6] | untagged[14 + 20 + 7], 0);

	/* Nothing more owned: TDU, no frame. */
	w8(f, TPPOLL, 0x40);
	assert_int_equal(f->fb.sent, 2);
	assert_int_equal(r16(f, ISR) & TDU, TDU);
}

static void cplus_tx_large_send(void **state)
{
	struct fixture *f = *state;
	static uint8_t frame[3100];
	size_t len = make_ip_frame(frame, 6, 2500);	/* PSH | ACK */

	start_cplus(f, 4, 1536, 0x0003);
	memcpy(ram(f, CP_BUFS), frame, len);
	/* LGSEN with MSS 1000: three segments. */
	cp_tx_desc(f, 0, OWN | FS | LS | 0x08000000 | 1000u << 16 | (uint32_t)len, 0, CP_BUFS);
	w8(f, TPPOLL, 0x40);
	assert_int_equal(f->fb.sent, 3);
	for (unsigned n = 0; n < 3; n++) {
		const uint8_t *o = f->fb.frame[n];
		size_t chunk = n < 2 ? 1000 : 500;
		uint32_t seq = (uint32_t)o[38] << 24 | o[39] << 16 | o[40] << 8 | o[41];

		assert_int_equal(f->fb.len[n], 54 + chunk);
		assert_int_equal((o[16] << 8 | o[17]), 40 + chunk);	/* IP total */
		assert_int_equal((o[18] << 8 | o[19]), 0x1234 + n);	/* IP ID */
		assert_int_equal(seq, 0x01000000u + 1000 * n);
		assert_int_equal(o[47], n < 2 ? 0x10 : 0x18);		/* PSH last */
		assert_true(ip_checksums_valid(o, f->fb.len[n]));
		assert_memory_equal(o + 54, frame + 54 + 1000 * n, chunk);
	}
}

static void cplus_tx_ring_wraps_and_loops_are_bounded(void **state)
{
	struct fixture *f = *state;
	uint8_t frame[60];

	start_cplus(f, 4, 1536, 0x0003);
	make_frame(frame, BCAST, 60, 5);
	memcpy(ram(f, CP_BUFS), frame, 60);
	/* 64 descriptors, all owned by the NIC, no EOR: one ring's worth
	 * per poll, the index wraps at 64. */
	for (unsigned i = 0; i < 64; i++)
		cp_tx_desc(f, i, OWN | FS | LS | 60, 0, CP_BUFS);
	w8(f, TPPOLL, 0x40);
	assert_int_equal(f->fb.sent, 64);
	for (unsigned i = 0; i < 64; i++)
		assert_int_equal(ram32(f, CP_TX_RING + 16 * i) & OWN, 0);
	/* The driver gives them all back again: a second poll, from 0. */
	for (unsigned i = 0; i < 64; i++)
		cp_tx_desc(f, i, OWN | FS | LS | 60, 0, CP_BUFS);
	w8(f, TPPOLL, 0x40);
	assert_int_equal(f->fb.sent, 128);
	/* EOR on descriptor 1: 0, 1, then 0 again. */
	start_cplus(f, 4, 1536, 0x0003);
	cp_tx_desc(f, 0, OWN | FS | LS | 60, 0, CP_BUFS);
	cp_tx_desc(f, 1, OWN | EOR | FS | LS | 60, 0, CP_BUFS);
	cp_tx_desc(f, 2, OWN | FS | LS | 60, 0, CP_BUFS);
	w8(f, TPPOLL, 0x40);
	assert_int_equal(f->fb.sent, 130);
	assert_int_equal(ram32(f, CP_TX_RING + 32) & OWN, OWN);	/* never reached */
	/* A frame without LS is held; one longer than 64K is dropped with
	 * TES; a buffer outside RAM too. */
	cp_tx_desc(f, 0, OWN | FS | 60, 0, CP_BUFS);
	cp_tx_desc(f, 1, OWN | EOR | LS | 60, 0, 0xfff00000u);
	w8(f, TPPOLL, 0x40);
	assert_int_equal(f->fb.sent, 130);
	assert_int_equal(ram32(f, CP_TX_RING + 16) & (OWN | 0x00800000), 0x00800000);
	assert_int_equal(r16(f, ISR) & TER, TER);
	/* The ring itself outside RAM: a bus error, nothing else. */
	w32(f, TNPDS, 0xffffff00u);
	w8(f, TPPOLL, 0x40);
	assert_int_equal(r16(f, ISR) & SERR, SERR);
	assert_int_equal(f->fb.sent, 130);
}

static void cplus_rx_descriptors(void **state)
{
	struct fixture *f = *state;
	uint8_t frame[1514];
	unsigned ready;

	start_cplus(f, 4, 1536, 0x0003);
	for (unsigned n = 0; n < 4; n++) {
		size_t len = make_frame(frame, MAC, 200 + 100 * n, (uint8_t)n);
		uint32_t d = CP_RX_RING + 16 * n, dw0;
		uint32_t fcs = ref_fcs(frame, len);

		assert_int_equal(deliver(f, frame, len), len);
		dw0 = ram32(f, d);
		assert_int_equal(dw0 & (OWN | FS | LS), FS | LS);
		assert_int_equal(dw0 & 0x1fff, len + 4);
		assert_int_equal(dw0 & 0x02000000, 0x02000000);	/* PAM */
		assert_int_equal(dw0 & EOR, n == 3 ? EOR : 0);
		assert_memory_equal(ram(f, CP_BUFS + 0x800 * n), frame, len);
		assert_int_equal(ram32(f, CP_BUFS + 0x800 * n + (uint32_t)len), fcs);
	}
	assert_int_equal(r16(f, ISR) & ROK, ROK);
	/* No descriptor: the backend is told to wait, a pushed frame is
	 * missed with RDU (ISR bit 4) and MPC. */
	make_frame(frame, MAC, 100, 9);
	assert_int_equal(deliver(f, frame, 100), 0);
	assert_int_equal(force_receive(f, frame, 100), 0);
	assert_int_equal(r16(f, ISR) & RXOVW, RXOVW);
	assert_int_equal(r32(f, MPC), 1);
	/* 8139cp gives descriptor 0 back and acks ISR: the backend hears. */
	ready = f->fb.rx_ready;
	ram_put32(f, CP_RX_RING, OWN | 1536);
	w16(f, ISR, 0x0013);
	assert_int_equal(f->fb.rx_ready, ready + 1);
	assert_int_equal(deliver(f, frame, 100), 100);	/* EOR took us to 0 */
	assert_int_equal(ram32(f, CP_RX_RING) & (OWN | 0x1fff), 104);
}

static void cplus_rx_stall_retries_without_register_writes(void **state)
{
	struct fixture *f = *state;
	uint8_t frame[100];
	unsigned ready;

	start_cplus(f, 1, 1536, 0x0003);
	make_frame(frame, MAC, 100, 1);
	assert_int_equal(deliver(f, frame, 100), 100);
	ready = f->fb.rx_ready;
	assert_int_equal(deliver(f, frame, 100), 0);	/* stalled */
	ram_put32(f, CP_RX_RING, OWN | EOR | 1536);	/* silently given back */
	fake_timers_advance(&f->timers, &f->clock, 1000000);
	assert_int_equal(f->fb.rx_ready, ready + 1);
	assert_int_equal(deliver(f, frame, 100), 100);
}

static void cplus_rx_spread_checksum_and_vlan(void **state)
{
	struct fixture *f = *state;
	uint8_t frame[1514], tagged[1518];
	size_t len;
	uint32_t dw0;

	/* Small buffers: a frame of 1000 + FCS over four 256-byte ones. */
	start_cplus(f, 8, 256, 0x0003 | 0x0020 | 0x0040);
	len = make_frame(frame, MAC, 1000, 4);
	assert_int_equal(deliver(f, frame, len), len);
	for (unsigned i = 0; i < 4; i++) {
		dw0 = ram32(f, CP_RX_RING + 16 * i);
		assert_int_equal(dw0 & (OWN | FS | LS), (i == 0 ? FS : 0) | (i == 3 ? LS : 0));
		assert_memory_equal(ram(f, CP_BUFS + 0x800 * i), frame + 256 * i,
				    i < 3 ? 256 : len - 768);
	}
	assert_int_equal(dw0 & 0x1fff, len + 4);
	assert_int_equal(ram32(f, CP_RX_RING + 16 * 4) & OWN, OWN);

	/* A good UDP frame: PID = UDP, no failure bit; a bad one: UDPF. */
	start_cplus(f, 4, 1536, 0x0003 | 0x0020 | 0x0040);
	len = make_ip_frame(frame, 17, 100);
	/* fill in valid checksums through our own TX offload path */
	memcpy(ram(f, CP_BUFS + 0x3000), frame, len);
	cp_tx_desc(f, 0, OWN | FS | LS | 0x00040000 | 0x00020000 | (uint32_t)len, 0,
		   CP_BUFS + 0x3000);
	w8(f, TPPOLL, 0x40);
	memcpy(frame, f->fb.frame[0], len);
	assert_int_equal(deliver(f, frame, len), len);
	dw0 = ram32(f, CP_RX_RING);
	assert_int_equal(dw0 & 0x0003e000, 0x00020000);
	frame[len - 1] ^= 0x55;
	assert_int_equal(deliver(f, frame, len), len);
	dw0 = ram32(f, CP_RX_RING + 16);
	assert_int_equal(dw0 & 0x0003e000, 0x00020000 | 0x00004000);

	/* A tagged frame: the tag goes to dword 1, the frame without it. */
	memcpy(tagged, frame, 12);
	memcpy(tagged + 12, "\x81\x00\x0a\xbc", 4);
	memcpy(tagged + 16, frame + 12, len - 12);
	assert_int_equal(deliver(f, tagged, len + 4), len + 4);
	assert_int_equal(ram32(f, CP_RX_RING + 32 + 4), 0x00010000 | 0xbc0a);
	assert_memory_equal(ram(f, CP_BUFS + 0x1000), frame, len);
	assert_int_equal(ram32(f, CP_RX_RING + 32) & 0x1fff, len + 4);
}

static void cplus_tally_dump(void **state)
{
	struct fixture *f = *state;
	uint8_t frame[100];

	start_cplus(f, 4, 1536, 0x0003);
	make_frame(frame, MAC, 100, 1);
	deliver(f, frame, 100);
	deliver(f, frame, 100);
	memcpy(ram(f, CP_BUFS + 0x3000), frame, 100);
	cp_tx_desc(f, 0, OWN | FS | LS | 100, 0, CP_BUFS + 0x3000);
	w8(f, TPPOLL, 0x40);
	memset(ram(f, 0x150000), 0xee, 64);
	w32(f, DTCCR + 4, 0);
	w32(f, DTCCR, 0x150000 | 0x8);
	assert_int_equal(r32(f, DTCCR) & 0x8, 0);	/* done */
	assert_int_equal(ram32(f, 0x150000), 1);	/* TxOk */
	assert_int_equal(ram32(f, 0x150008), 2);	/* RxOk */
	assert_int_equal(ram32(f, 0x150010), 0);	/* TxERR */
	assert_int_equal(ram32(f, 0x150028), 2);	/* RxOkPhy */
	assert_int_equal(ram32(f, 0x150030), 0);	/* RxOkBrd */
}

static void revision_8139c_has_no_cplus(void **state)
{
	struct fixture *f = *state;

	teardown(state);
	f = create(0x10);
	*state = f;
	assert_int_equal(cfg1_read(f->ports, SLOT, 0, PCI_REVISION_ID, 1), 0x10);
	assert_int_equal(r32(f, TCR), 0x74000000);
	w16(f, CPCR, 0x0003);
	assert_int_equal(r16(f, CPCR), 0);	/* iPXE's C+ probe fails: legacy */
	/* TSD0 stays a transmit status register. */
	start_classic(f, 0x0000e78a);
	memcpy(ram(f, TX_BUFS), BCAST, 6);
	w32(f, TSD0, 60);
	assert_int_equal(f->fb.sent, 1);
}

static void option_rom_in_the_rom_bar(void **state)
{
	struct fixture *f = *state;
	static uint8_t rom[60000];
	struct rtl8139_config cfg = { .rom = rom, .rom_size = sizeof(rom) };
	struct rtl8139 *nic;
	char err[128];

	memset(rom, 0x11, sizeof(rom));
	rom[0] = 0x55;
	rom[1] = 0xaa;
	rom[sizeof(rom) - 1] = 0x77;
	memcpy(cfg.mac, MAC, 6);
	nic = rtl8139_create(f->pci, SLOT + 1, &f->ram.mem, &cfg, err, sizeof(err));
	assert_non_null(nic);
	cfg1_write(f->ports, SLOT + 1, 0, PCI_ROM_ADDRESS, 4, 0xffffffff);
	assert_int_equal(cfg1_read(f->ports, SLOT + 1, 0, PCI_ROM_ADDRESS, 4) & ~0x7ffu,
			 0xffff0000u);	/* 64K */
	cfg1_write(f->ports, SLOT + 1, 0, PCI_ROM_ADDRESS, 4, 0xfeb00000u | PCI_ROM_ENABLE);
	cfg1_write(f->ports, SLOT + 1, 0, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
	assert_int_equal(bus_read(f->mem, 0xfeb00000u, 2), 0xaa55);
	assert_int_equal(bus_read(f->mem, 0xfeb00000u + sizeof(rom) - 1, 1), 0x77);
	assert_int_equal(bus_read(f->mem, 0xfeb00000u + sizeof(rom), 1), 0);
	/* CONFIG0 BS2-0 tells the boot ROM size: 64K = 100b. */
	cfg1_write(f->ports, SLOT + 1, 0, PCI_BASE_ADDRESS_0, 4, IOBASE + 0x100);
	assert_int_equal(port_in8(f->ports, IOBASE + 0x100 + CONFIG0) & 7, 4);
	assert_int_equal(r8(f, CONFIG0) & 7, 0);	/* the first NIC has none */
	rtl8139_destroy(nic);
	/* A bad size is a clear error. */
	cfg.rom_size = 0;
	assert_null(rtl8139_create(f->pci, SLOT + 1, &f->ram.mem, &cfg, err, sizeof(err)));
	assert_non_null(strstr(err, "ROM"));
	/* The slot taken too. */
	cfg.rom = NULL;
	assert_null(rtl8139_create(f->pci, SLOT, &f->ram.mem, &cfg, err, sizeof(err)));
	assert_non_null(strstr(err, "slot"));
}

/* ---- PHY, timer ---- */

static void mii_link_status(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(r16(f, BMSR) & 0x0024, 0x0024);
	assert_int_equal(r16(f, ANLPAR), 0x45e1);
	assert_int_equal(r16(f, ANAR), 0x01e1);
	assert_int_equal(r16(f, ANER), 0x0001);
	assert_int_equal(r16(f, CSCR) & 0x0008, 0x0008);
	f->fb.be.link_up = false;
	assert_int_equal(r16(f, BMSR) & 0x0004, 0);
	assert_int_equal(r8(f, MSR) & 0x04, 0x04);	/* LINKB */
	assert_int_equal(r16(f, ANLPAR), 0);
	assert_int_equal(r16(f, CSCR) & 0x0008, 0);
	f->fb.be.link_up = true;
	assert_int_equal(r8(f, MSR) & 0x04, 0);
	/* A carrier change: LinkChg (ISR bit 5) and CSCR's change bit,
	 * pushed by the machine or seen at the next ISR read. */
	w16(f, IMR, 0x0020);
	f->fb.be.link_up = false;
	rtl8139_link_changed(f->nic);
	assert_int_equal(intx(f), 1);
	assert_int_equal(r16(f, ISR), 0x0020);
	assert_int_equal(r16(f, CSCR) & 0x0800, 0x0800);
	w16(f, ISR, 0x0020);
	assert_int_equal(intx(f), 0);
	assert_int_equal(r16(f, CSCR) & 0x0800, 0);
	f->fb.be.link_up = true;
	assert_int_equal(r16(f, ISR), 0x0020);	/* noticed on the read */
	assert_int_equal(intx(f), 1);
	w16(f, ISR, 0x0020);
	assert_int_equal(r16(f, ISR), 0);
	/* BMCR reset is self-clearing; speed bits want the write enable. */
	w16(f, BMCR, 0x0000);
	assert_int_equal(r16(f, BMCR), 0x3100);
	w8(f, CR9346, 0xc0);
	w16(f, BMCR, 0x1000);
	assert_int_equal(r16(f, BMCR), 0x1000);
	w16(f, BMCR, 0x8000);
	assert_int_equal(r16(f, BMCR), 0x3100);
}

static void timer_interrupt(void **state)
{
	struct fixture *f = *state;
	uint32_t t;

	w16(f, IMR, TIMEOUT);
	w32(f, TCTR, 0);
	fake_timers_advance(&f->timers, &f->clock, 1000000);	/* 1 ms */
	t = r32(f, TCTR);
	assert_int_equal(t, 33000);
	assert_int_equal(r16(f, ISR), 0);	/* TimerInt 0: off */
	w32(f, TIMERINT, 66000);		/* 2 ms after the TCTR reset */
	fake_timers_advance(&f->timers, &f->clock, 999999);
	assert_int_equal(r16(f, ISR), 0);
	fake_timers_advance(&f->timers, &f->clock, 1);
	assert_int_equal(r16(f, ISR), TIMEOUT);
	assert_int_equal(intx(f), 1);
	w16(f, ISR, TIMEOUT);
	assert_int_equal(intx(f), 0);
	/* Writing TCTR restarts the count. */
	w32(f, TCTR, 0x1234);
	assert_int_equal(r32(f, TCTR), 0);
	fake_timers_advance(&f->timers, &f->clock, 2000000);
	assert_int_equal(r16(f, ISR), TIMEOUT);
	w32(f, TIMERINT, 0);
	assert_null(f->timers.head);
}


/* ---- the drivers' own loops, many frames ---- */

struct expected {
	uint8_t frame[1514];
	size_t len;
};

static size_t random_frame(uint8_t *buf, uint64_t r)
{
	size_t len = 14 + (size_t)(r % 1501);

	memset(buf, 0, 1514);	/* what the NIC pads runts with */
	make_frame(buf, (r >> 16) & 1 ? MAC : BCAST, len, (uint8_t)(r >> 8));
	return len;
}

/* 8139too's rtl8139_rx(): 32K ring with WRAP (RX_BUF_IDX 2), cur_rx
 * growing without bound, CAPR = cur_rx - 16 as a u16. */
static unsigned linux_8139too_rx(struct fixture *f, unsigned *cur_rx,
				 struct expected *q, unsigned *head, unsigned tail)
{
	unsigned got = 0;

	while (!(r8(f, CR) & 0x01)) {
		uint32_t off = *cur_rx % 32768;
		uint32_t status = ram32(f, RX_RING + off);
		uint32_t rx_size = status >> 16;
		struct expected *e = &q[*head % 64];
		size_t padded = e->len < 60 ? 60 : e->len;

		assert_true(*head != tail);
		assert_int_equal(status & 1, 1);
		assert_int_equal(rx_size, padded + 4);
		assert_memory_equal(ram(f, RX_RING + off + 4), e->frame, e->len);
		assert_int_equal(ram32(f, RX_RING + off + 4 + (uint32_t)padded),
				 ref_fcs(e->frame, padded));
		(*head)++;
		got++;
		*cur_rx = (*cur_rx + rx_size + 4 + 3) & ~3u;
		w16(f, CAPR, (uint16_t)(*cur_rx - 16));
		w16(f, ISR, ROK | RXOVW | FOVW);
	}
	return got;
}

static void linux_8139too_receives_thousands(void **state)
{
	struct fixture *f = *state;
	static struct expected q[64];
	unsigned head = 0, tail = 0, cur_rx = 0, received = 0, stalls = 0;

	start_classic(f, 0x0000e78a | 2 << 11);	/* 32K, WRAP */
	for (unsigned n = 0; n < 5000; n++) {
		uint64_t r = rnd();
		struct expected *e = &q[tail % 64];

		e->len = random_frame(e->frame, r);
		if (tail - head == 63) {
			received += linux_8139too_rx(f, &cur_rx, q, &head, tail);
			assert_int_equal(deliver(f, e->frame, e->len), e->len);
		} else if (!deliver(f, e->frame, e->len)) {
			unsigned ready = f->fb.rx_ready;

			/* The ring was full: the driver's CAPR write wakes us. */
			stalls++;
			received += linux_8139too_rx(f, &cur_rx, q, &head, tail);
			assert_int_equal(f->fb.rx_ready, ready + 1);
			assert_int_equal(deliver(f, e->frame, e->len), e->len);
		}
		tail++;
		if (r % 53 == 0)
			received += linux_8139too_rx(f, &cur_rx, q, &head, tail);
	}
	received += linux_8139too_rx(f, &cur_rx, q, &head, tail);
	assert_int_equal(received, 5000);
	assert_int_equal(r32(f, MPC), 0);
	assert_true(stalls > 20);
	assert_true(cur_rx > 32768 * 10);	/* wrapped many times */
}

/* 8139cp's cp_rx_poll(): 64 descriptors of 1536, EOR on the last, refill
 * with OWN, ISR written first and IMR at the end. */
static unsigned linux_8139cp_rx(struct fixture *f, unsigned *rx_tail,
				struct expected *q, unsigned *head, unsigned tail)
{
	unsigned got = 0;

	w16(f, ISR, ROK | RER | RXOVW | FOVW);
	for (;;) {
		uint32_t d = CP_RX_RING + 16 * *rx_tail;
		uint32_t status = ram32(f, d);
		struct expected *e = &q[*head % 128];
		size_t padded = e->len < 60 ? 60 : e->len;

		if (status & OWN)
			break;
		assert_true(*head != tail);
		assert_int_equal(status & (FS | LS), FS | LS);
		assert_int_equal((status & 0x1fff) - 4, padded);
		assert_memory_equal(ram(f, CP_BUFS + 0x800 * *rx_tail), e->frame, e->len);
		(*head)++;
		got++;
		ram_put32(f, d + 4, 0);
		ram_put32(f, d, OWN | (*rx_tail == 63 ? EOR : 0) | 1536);
		*rx_tail = (*rx_tail + 1) & 63;
	}
	w16(f, IMR, 0x80ff);
	return got;
}

static void linux_8139cp_receives_thousands(void **state)
{
	struct fixture *f = *state;
	static struct expected q[128];
	unsigned head = 0, tail = 0, rx_tail = 0, received = 0, stalls = 0;

	start_cplus(f, 64, 1536, 0x0003 | 0x0008 | 0x0020);
	for (unsigned n = 0; n < 5000; n++) {
		uint64_t r = rnd();
		struct expected *e = &q[tail % 128];

		e->len = random_frame(e->frame, r);
		if (tail - head == 127) {
			received += linux_8139cp_rx(f, &rx_tail, q, &head, tail);
			assert_int_equal(deliver(f, e->frame, e->len), e->len);
		} else if (!deliver(f, e->frame, e->len)) {
			unsigned ready = f->fb.rx_ready;

			/* No descriptor: the driver's ISR/IMR writes wake us. */
			stalls++;
			received += linux_8139cp_rx(f, &rx_tail, q, &head, tail);
			assert_true(f->fb.rx_ready > ready);
			assert_int_equal(deliver(f, e->frame, e->len), e->len);
		}
		tail++;
		if (r % 97 == 0)
			received += linux_8139cp_rx(f, &rx_tail, q, &head, tail);
	}
	received += linux_8139cp_rx(f, &rx_tail, q, &head, tail);
	assert_int_equal(received, 5000);
	assert_int_equal(r32(f, MPC), 0);
	assert_true(stalls > 20);
}

/* 8139cp's cp_start_xmit(): a frame in 1-4 fragments, the first
 * descriptor handed over last, EOR at 63, TxPoll; cp_tx() reclaims. */
static void linux_8139cp_transmits_thousands(void **state)
{
	struct fixture *f = *state;
	static uint8_t frame[1514];
	unsigned head = 0;

	start_cplus(f, 4, 1536, 0x0003);
	for (unsigned n = 0; n < 3000; n++) {
		uint64_t r = rnd();
		size_t len = random_frame(frame, r);
		unsigned frags = 1 + (unsigned)(r >> 40) % 4, first = head;
		size_t off = 0, piece = len / frags;

		if (len < 60)
			len = 60;	/* eth_skb_pad: random_frame zeroed the rest */
		for (unsigned i = 0; i < frags; i++) {
			size_t l = i == frags - 1 ? len - off : piece;
			uint32_t buf = CP_BUFS + 0x800 * head;
			uint32_t ctl = OWN | (head == 63 ? EOR : 0) | (uint32_t)l |
				       (i == 0 ? FS : 0) | (i == frags - 1 ? LS : 0);

			memcpy(ram(f, buf), frame + off, l);
			off += l;
			if (i == 0)
				ctl &= ~OWN;	/* given last */
			cp_tx_desc(f, head, ctl, 0, buf);
			head = (head + 1) & 63;
		}
		ram_put32(f, CP_TX_RING + 16 * first, ram32(f, CP_TX_RING + 16 * first) | OWN);
		w8(f, TPPOLL, 0x40);
		assert_int_equal(f->fb.sent, n + 1);
		assert_int_equal(f->fb.len[n % MAX_SENT], len);
		assert_memory_equal(f->fb.frame[n % MAX_SENT], frame, len);
		for (unsigned i = 0, d = first; i < frags; i++, d = (d + 1) & 63)
			assert_int_equal(ram32(f, CP_TX_RING + 16 * d) & (OWN | 0x00800000), 0);
		w16(f, ISR, TOK | TDU);
	}
}

/* ---- hostile programming ---- */

static void hostile_rings(void **state)
{
	struct fixture *f = *state;
	uint8_t frame[1500];

	make_frame(frame, MAC, sizeof(frame), 1);
	/* RBSTART outside RAM, or the ring across its end. */
	start_classic(f, 0x0000e78a | 3 << 11);
	w32(f, RBSTART, 0xfffffff0u);
	assert_int_equal(deliver(f, frame, sizeof(frame)), 0);
	assert_int_equal(r16(f, ISR) & SERR, SERR);
	w32(f, RBSTART, RAM_SIZE - 1000);
	assert_int_equal(deliver(f, frame, sizeof(frame)), 0);
	/* CAPR anywhere: the NIC only ever writes inside its ring. */
	w32(f, RBSTART, RX_RING);
	for (uint32_t capr = 0; capr < 0x10000; capr += 0x1111) {
		w16(f, CAPR, (uint16_t)capr);
		deliver(f, frame, sizeof(frame));
		force_receive(f, frame, sizeof(frame));
		assert_true(r16(f, CBR) < 65536);
	}
	/* Frames longer than 4K are not taken; a 4K one is. */
	static uint8_t big[5000];
	make_frame(big, MAC, sizeof(big), 1);
	start_classic(f, 0x0000e78a | 3 << 11);
	assert_int_equal(deliver(f, big, sizeof(big)), 0);
	assert_int_equal(deliver(f, big, 4092), 4092);

	/* C+: RDSAR outside RAM, buffers outside RAM, zero-sized buffers. */
	start_cplus(f, 4, 1536, 0x0003);
	w32(f, RDSAR, 0xffffff00u);
	assert_int_equal(deliver(f, frame, 100), 0);
	w32(f, RDSAR, CP_RX_RING);
	ram_put32(f, CP_RX_RING + 8, 0xfffff000u);
	assert_int_equal(deliver(f, frame, 100), 0);
	ram_put32(f, CP_RX_RING + 8, CP_BUFS);
	ram_put32(f, CP_RX_RING, OWN | 0);
	assert_int_equal(force_receive(f, frame, 100), 0);
	/* 64 descriptors without EOR, each 16 bytes: a frame larger than
	 * the whole ring is missed, the walk stops at 64. */
	for (unsigned i = 0; i < 64; i++) {
		ram_put32(f, CP_RX_RING + 16 * i, OWN | 16);
		ram_put32(f, CP_RX_RING + 16 * i + 8, CP_BUFS);
	}
	assert_int_equal(force_receive(f, frame, 1500), 0);
	assert_int_equal(ram32(f, CP_RX_RING) & OWN, OWN);
}


static void fuzz_registers_and_rings(void **state)
{
	struct fixture *f = *state;
	unsigned rounds = getenv("RTL8139_FUZZ_ROUNDS") ? (unsigned)atoi(getenv("RTL8139_FUZZ_ROUNDS")) : 200000;
	static uint8_t frame[4200];
	unsigned accepted = 0;

	if (getenv("RTL8139_FUZZ_SEED"))
		rng_state = strtoull(getenv("RTL8139_FUZZ_SEED"), NULL, 0) * 0x9e3779b97f4a7c15ull | 1;
	/* Guest RAM full of noise, rings anywhere (often in RAM). */
	for (size_t i = 0; i < RAM_SIZE; i += 8) {
		uint64_t v = rnd();

		memcpy(ram(f, (uint32_t)i), &v, 8);
	}
	for (unsigned n = 0; n < rounds; n++) {
		uint64_t r = rnd();
		unsigned reg = (unsigned)(r & 0xff);
		unsigned size = 1u << ((r >> 8) & 3);
		uint64_t v = rnd();

		switch ((r >> 16) & 15) {
		case 0: case 1: case 2: case 3: case 4: case 5:
			/* Addresses: half of them inside RAM. */
			if ((r >> 20) & 1)
				v &= RAM_SIZE - 1;
			if (size == 8)
				size = 4;
			bus_write_any(f->ports, IOBASE + reg, size, v);
			break;
		case 6: case 7: case 8:
			bus_read_any(f->ports, IOBASE + reg, size, NULL);
			break;
		case 9:
			bus_write_any(f->mem, MMIOBASE + reg, size, v);
			break;
		case 10: case 11: {
			size_t len = (size_t)(v % sizeof(frame));

			for (size_t i = 0; i < len; i++)
				frame[i] = (uint8_t)rnd();
			if (v & 0x100000)
				memcpy(frame, MAC, 6);
			if (v & 0x200000)
				memcpy(frame, BCAST, 6);
			accepted += deliver(f, frame, len) != 0;
			accepted += force_receive(f, frame, len) != 0;
			break;
		}
		case 12:
			w8(f, TPPOLL, (uint8_t)v);
			break;
		case 13: {
			/* The usual enable bits and rings in RAM, for the fuzz
			 * to reach the DMA paths (their contents are noise). */
			uint32_t at = (uint32_t)(v % (RAM_SIZE - 0x11000));

			w8(f, CR, 0x0c);
			if (v & 0x10000000)
				w16(f, CPCR, (uint16_t)(v & 0x7b));
			w32(f, RCR, (uint32_t)v | 0x0f);
			w32(f, RBSTART, at & ~3u);
			w32(f, RDSAR, at);
			w32(f, RDSAR + 4, 0);
			w32(f, TNPDS + 8 * ((v >> 40) & 1), at ^ 0x100);
			w32(f, TSAD0 + 4 * ((v >> 41) & 3), at);
			w32(f, TSD0 + 4 * ((v >> 43) & 3), (uint32_t)(v >> 44) & 0x7ff);
			break;
		}
		case 14:
			if (v & 1) {
				fake_timers_advance(&f->timers, &f->clock, v % 5000000);
				break;
			}
			/* An IPv4 frame with hostile header fields through the
			 * C+ offloads (TSO included) and the RX checksums. */
			{
				size_t len = make_ip_frame(frame, (v & 2) ? 6 : 17, (v >> 8) % 3000);
				uint32_t dw0 = OWN | FS | LS | (uint32_t)len |
					       ((uint32_t)(v >> 20) & 0x0fff0000u);
				uint8_t *ip = frame + 14;

				for (int k = 0; k < 3; k++)
					ip[rnd() % 60] = (uint8_t)rnd();
				start_cplus(f, 4, (uint32_t)(v >> 4) & 0x1fff, 0x0063);
				memcpy(ram(f, CP_BUFS + 0x4000), frame, len);
				cp_tx_desc(f, 0, dw0, (uint32_t)(v >> 32) & 0x3ffff, CP_BUFS + 0x4000);
				w8(f, TPPOLL, 0x40);
				memcpy(frame, MAC, 6);
				accepted += deliver(f, frame, len) != 0;
			}
			break;
		default:
			if ((v & 0xff) == 0) {
				pci_bus_reset(f->pci);
				cfg1_write(f->ports, SLOT, 0, PCI_BASE_ADDRESS_0, 4, IOBASE);
				cfg1_write(f->ports, SLOT, 0, PCI_COMMAND, 2, 7);
			} else {
				uint32_t at = (uint32_t)(v % (RAM_SIZE - 8));
				uint64_t x = rnd();

				memcpy(ram(f, at), &x, 8);	/* the guest scribbles */
			}
			break;
		}
	}
	if (getenv("RTL8139_FUZZ_VERBOSE"))
		fprintf(stderr, "fuzz: %u frames out, %u in, %llu dropped in, mpc %u\n",
			f->fb.sent, accepted, (unsigned long long)f->fb.be.rx_dropped,
			r32(f, MPC));
	/* Still a working NIC afterwards. */
	pci_bus_reset(f->pci);
	cfg1_write(f->ports, SLOT, 0, PCI_BASE_ADDRESS_0, 4, IOBASE);
	cfg1_write(f->ports, SLOT, 0, PCI_COMMAND, 2, 7);
	start_classic(f, 0x0000e78a);
	make_frame(frame, MAC, 100, 1);
	assert_int_equal(deliver(f, frame, 100), 100);
	check_packet(f, 0, frame, 100, 0x4000, 8192, true);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(pci_identity_and_bars),
		T(reset_values),
		T(eeprom_through_9346cr),
		T(config_registers_need_the_write_enable),
		T(classic_rx_ring),
		T(classic_rx_wrap_bit),
		T(classic_rx_ring_sizes),
		T(classic_rx_overflow),
		T(classic_tx_round_robin),
		T(classic_tx_bad_descriptors),
		T(isr_write_one_to_clear_and_intx),
		T(mac_filter),
		T(cplus_tx_checksum_offload),
		T(cplus_tx_large_send),
		T(cplus_tx_ring_wraps_and_loops_are_bounded),
		T(cplus_rx_descriptors),
		T(cplus_rx_stall_retries_without_register_writes),
		T(cplus_rx_spread_checksum_and_vlan),
		T(cplus_tally_dump),
		T(revision_8139c_has_no_cplus),
		T(option_rom_in_the_rom_bar),
		T(mii_link_status),
		T(timer_interrupt),
		T(linux_8139too_receives_thousands),
		T(linux_8139cp_receives_thousands),
		T(linux_8139cp_transmits_thousands),
		T(hostile_rings),
		T(fuzz_registers_and_rings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
