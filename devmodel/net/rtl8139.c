// SPDX-License-Identifier: GPL-2.0
/*
 * The RTL8139C+ NIC (rtl8139.h). Section names below are the RTL8139C(L)+
 * datasheet's (Realtek, rev 1.6): "Register Descriptions" for the register
 * map, "Receive/Transmit Descriptor" formats for C+ mode.
 *
 * Everything the guest programs is hostile: every DMA goes through
 * guest_memory_ptr() with its length, ring walks are bounded by the ring
 * sizes, and frames are copied into the NIC's own buffers before they are
 * parsed (another vCPU may change guest memory meanwhile).
 */
#include "devmodel/net/rtl8139.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "devmodel/core/errmsg.h"
#include "devmodel/net/eeprom93c46.h"

/* ---- registers ("Register Descriptions", the offset table) ---- */

enum {
	REG_IDR0	= 0x00,	/* ID registers (MAC), 6 bytes */
	REG_MAR0	= 0x08,	/* multicast hash, 8 bytes */
	REG_TSD0	= 0x10,	/* transmit status of descriptor 0-3 */
	REG_DTCCR	= 0x10,	/* C+: dump tally counter command, 64-bit */
	REG_TSAD0	= 0x20,	/* transmit start address of descriptor 0-3 */
	REG_TNPDS	= 0x20,	/* C+: normal priority Tx descriptors, 64-bit */
	REG_THPDS	= 0x28,	/* C+: high priority Tx descriptors, 64-bit */
	REG_RBSTART	= 0x30,	/* receive buffer start */
	REG_ERBCR	= 0x34,	/* early receive byte count */
	REG_ERSR	= 0x36,	/* early receive status */
	REG_CR		= 0x37,	/* command */
	REG_CAPR	= 0x38,	/* current address of packet read */
	REG_CBR		= 0x3a,	/* current buffer address */
	REG_IMR		= 0x3c,	/* interrupt mask */
	REG_ISR		= 0x3e,	/* interrupt status */
	REG_TCR		= 0x40,	/* transmit configuration */
	REG_RCR		= 0x44,	/* receive configuration */
	REG_TCTR	= 0x48,	/* timer count */
	REG_MPC		= 0x4c,	/* missed packet counter, 24 bits */
	REG_9346CR	= 0x50,	/* 93C46 command */
	REG_CONFIG0	= 0x51,
	REG_CONFIG1	= 0x52,
	REG_TIMERINT	= 0x54,	/* timer interrupt */
	REG_MSR		= 0x58,	/* media status */
	REG_CONFIG3	= 0x59,
	REG_CONFIG4	= 0x5a,
	REG_HLTCLK	= 0x5b,
	REG_MULINT	= 0x5c,	/* multiple interrupt select */
	REG_RERID	= 0x5e,	/* PCI revision ID */
	REG_TSAD	= 0x60,	/* transmit status of all descriptors */
	REG_BMCR	= 0x62,	/* basic mode control (MII register 0) */
	REG_BMSR	= 0x64,	/* basic mode status (MII 1) */
	REG_ANAR	= 0x66,	/* auto-negotiation advertisement (MII 4) */
	REG_ANLPAR	= 0x68,	/* auto-negotiation link partner (MII 5) */
	REG_ANER	= 0x6a,	/* auto-negotiation expansion (MII 6) */
	REG_DIS		= 0x6c,	/* disconnect counter */
	REG_FCSC	= 0x6e,	/* false carrier sense counter */
	REG_REC		= 0x72,	/* RX_ER counter */
	REG_CSCR	= 0x74,	/* CS configuration */
	REG_CONFIG5	= 0xd8,
	REG_TPPOLL	= 0xd9,	/* C+: transmit priority polling */
	REG_CPCR	= 0xe0,	/* C+: C+ command */
	REG_INTRMIT	= 0xe2,	/* C+: interrupt mitigation */
	REG_RDSAR	= 0xe4,	/* C+: receive descriptor start, 64-bit */
	REG_ETTHR	= 0xec,	/* C+: early transmit threshold */
};

/* CR */
#define CR_BUFE		0x01	/* receive buffer empty (RO) */
#define CR_TE		0x04
#define CR_RE		0x08
#define CR_RST		0x10

/* ISR / IMR */
#define INT_ROK		0x0001
#define INT_RER		0x0002
#define INT_TOK		0x0004
#define INT_TER		0x0008
#define INT_RXOVW	0x0010	/* C+ mode: RDU, Rx descriptor unavailable */
#define INT_PUN		0x0020	/* packet underrun / link change */
#define INT_FOVW	0x0040	/* Rx FIFO overflow */
#define INT_TDU		0x0080	/* C+: Tx descriptor unavailable */
#define INT_SWINT	0x0100	/* C+: software interrupt */
#define INT_LENCHG	0x2000
#define INT_TIMEOUT	0x4000
#define INT_SERR	0x8000
#define IMR_WRITABLE	0xe1ff

/* TSD0-3 */
#define TSD_SIZE	0x00001fff
#define TSD_OWN		0x00002000
#define TSD_TUN		0x00004000
#define TSD_TOK		0x00008000
#define TSD_ERTXTH	0x003f0000
#define TSD_TABT	0x40000000
#define TSD_WRITABLE	(TSD_SIZE | TSD_OWN | TSD_ERTXTH)
#define TSD_MAX_SIZE	1792	/* "the maximum transmit packet size is 1792 bytes" */

/* TCR */
#define TCR_CLRABT	0x00000001
#define TCR_LBK		0x00060000	/* 11: loopback */
#define TCR_HWVERID_8139CPLUS 0x74800000 /* HWVERID_A 11101, HWVERID_B 10 */
#define TCR_HWVERID_8139C     0x74000000 /* HWVERID_A 11101, HWVERID_B 00 */

/* RCR */
#define RCR_AAP		0x00000001	/* accept all packets (promiscuous) */
#define RCR_APM		0x00000002	/* accept physical match */
#define RCR_AM		0x00000004	/* accept multicast */
#define RCR_AB		0x00000008	/* accept broadcast */
#define RCR_WRAP	0x00000080
#define RCR_RBLEN_SHIFT	11

/* Receive packet header (classic ring), "Packet Header" status bits. */
#define RXH_ROK		0x0001
#define RXH_BAR		0x2000
#define RXH_PAM		0x4000
#define RXH_MAR		0x8000

/* 9346CR */
#define EEM_MASK	0xc0
#define EEM_NORMAL	0x00
#define EEM_AUTOLOAD	0x40
#define EEM_PROGRAM	0x80
#define EEM_CONFIG	0xc0	/* config register write enable */
#define EE_CS		0x08
#define EE_SK		0x04
#define EE_DI		0x02
#define EE_DO		0x01

/* MSR */
#define MSR_LINKB	0x04	/* 1: link fail */
#define MSR_FIXED	0xd0	/* TXFCE, RXFCE, AUX */

/* BMCR / BMSR (MII) */
#define BMCR_RESET	0x8000
#define BMCR_DEFAULT	0x3100	/* 100 Mbps, auto-negotiation, full duplex */
#define BMCR_UNLOCKED	0x3100	/* speed, ANE, duplex: with 9346CR config write */
#define BMSR_BASE	0x7809	/* 100/10 full/half capable, AN able, extended */
#define BMSR_ANC	0x0020	/* auto-negotiation complete */
#define BMSR_LINK	0x0004
#define ANAR_DEFAULT	0x01e1
#define ANLPAR_LINK	0x45e1	/* partner: ack, 100/10 full/half */
#define ANER_LP_NWAY	0x0001
#define CSCR_DEFAULT	0x0340	/* LD, HEART_BIT, F_LINK_100 */
#define CSCR_CON_STATUS	0x0008
#define CSCR_LINK_CHANGE 0x0800	/* 8139too's CSCR_LinkChangeBit */

/* CPCR (C+ command) */
#define CPCR_CPTX	0x0001
#define CPCR_CPRX	0x0002
#define CPCR_RXCHKSUM	0x0020
#define CPCR_RXVLAN	0x0040
#define CPCR_WRITABLE	0x007b

/* TPPoll */
#define TPPOLL_FSWINT	0x01
#define TPPOLL_NPQ	0x40
#define TPPOLL_HPQ	0x80

/* DTCCR */
#define DTCCR_CMD	0x08

/* C+ descriptors ("Transmit/Receive Descriptor Format"): 16 bytes. */
#define CP_DESC_SIZE	16
#define CP_RING_MAX	64	/* descriptors per ring */
#define CP_RING_ALIGN	256	/* "must be 256-byte aligned" */
#define DESC_OWN	0x80000000u
#define DESC_EOR	0x40000000u
#define DESC_FS		0x20000000u
#define DESC_LS		0x10000000u
/* Tx command bits */
#define TXD_LGSEN	0x08000000u
#define TXD_IPCS	0x00040000u
#define TXD_UDPCS	0x00020000u
#define TXD_TCPCS	0x00010000u
#define TXD_SIZE	0x0000ffffu
#define TXD_MSS_SHIFT	16
#define TXD_MSS_MAX	0x7ff	/* 11 bits, as 8139cp's MSSMask */
#define TXD_TAGC	0x00020000u	/* dword 1 */
/* Tx status bits */
#define TXD_TES		0x00800000u
/* Rx status bits */
#define RXD_MAR		0x04000000u
#define RXD_PAM		0x02000000u
#define RXD_BAR		0x01000000u
#define RXD_PID_TCP	0x00010000u
#define RXD_PID_UDP	0x00020000u
#define RXD_PID_IP	0x00030000u
#define RXD_IPF		0x00008000u
#define RXD_UDPF	0x00004000u
#define RXD_TCPF	0x00002000u
#define RXD_SIZE	0x00001fffu
#define RXD_TAVA	0x00010000u	/* dword 1 */

/* "Packets whose size exceeds 4K bytes" are long: we take up to 4K with
 * the FCS. */
#define RX_MAX_FRAME	(4096 - 4)
#define FCS_LEN		4
#define VLAN_HLEN	4
#define CP_TX_MAX	65536
/* Room can_receive() wants in the classic ring: header, a full frame
 * with a VLAN tag and the FCS, the dword alignment. */
#define RX_RING_ROOM	(4 + ETH_MAX_FRAME + VLAN_HLEN + FCS_LEN + 4)

/* TCTR counts PCI clocks, 33 MHz. */

#define CP_RX_RETRY_MIN_NS 1000000ull	/* see cp_rx_stall_timer() */
#define CP_RX_RETRY_MAX_NS 64000000ull

struct tally {
	uint64_t tx_ok, rx_ok, tx_err;
	uint32_t rx_err;
	uint16_t miss_pkt, fae;
	uint32_t tx_1col, tx_mcol;
	uint64_t rx_ok_phy, rx_ok_brd;
	uint32_t rx_ok_mul;
	uint16_t tx_abt, tx_undrn;
};

struct cp_tx_queue {
	uint8_t reg;		/* REG_TNPDS or REG_THPDS */
	unsigned next;		/* descriptor index */
	uint8_t *buf;		/* CP_TX_MAX + padding, the frame being gathered */
	size_t len;
	bool bad;		/* the frame being gathered is dropped */
};

struct rtl8139 {
	struct pci_device pci;
	struct pci_bus *bus;
	bool registered;
	struct guest_memory *mem;
	struct net_backend *backend;
	struct dm_timer_list *timers;
	struct dm_timer timer;		/* TimerInt */
	struct dm_timer rx_retry;	/* C+ receive stalled, see below */
	uint64_t rx_retry_ns;
	uint8_t revision;
	uint8_t *rom;
	uint32_t rom_bar_size;

	struct eeprom93c46 eeprom;

	/* The registers without side state, as the guest last wrote them
	 * (masked); the others are computed in reg_read_byte(). */
	uint8_t regs[RTL8139_REGS_SIZE];
	uint16_t isr, imr;
	uint16_t cbr;			/* receive write offset */
	uint32_t mpc;
	uint64_t tctr_base;		/* ns when TCTR was 0 */
	unsigned tx_next;		/* classic descriptor in turn */
	bool cplus;			/* a CPCR write: 0x10-0x2f are C+ */
	unsigned cp_rx_next;
	struct cp_tx_queue cp_tx[2];	/* normal, high priority */
	bool rx_stalled;		/* told the backend no: wake it on room */
	bool link_seen;			/* the carrier as last reported */
	bool link_changed;		/* CSCR's link change bit */
	struct tally tally;

	uint8_t rx_frame[RX_MAX_FRAME + FCS_LEN + 64];
	uint8_t tx_frame[TSD_MAX_SIZE + ETH_MIN_FRAME];
	uint8_t tso_segment[ETH_HLEN + VLAN_HLEN + 60 + 60 + TXD_MSS_MAX];
};

static const struct pci_device_info rtl8139_info;
static size_t receive_frame(struct rtl8139 *nic, const uint8_t *frame, size_t len);

/* ---- small helpers ---- */

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}
static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}
static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}
static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static uint32_t reg32(const struct rtl8139 *nic, unsigned off) { return get32(&nic->regs[off]); }
static uint16_t reg16(const struct rtl8139 *nic, unsigned off) { return get16(&nic->regs[off]); }
static uint64_t reg64(const struct rtl8139 *nic, unsigned off)
{
	return reg32(nic, off) | (uint64_t)reg32(nic, off + 4) << 32;
}

static bool has_cplus(const struct rtl8139 *nic)
{
	return nic->revision >= RTL8139_REVISION_8139CPLUS;
}

static bool link_up(const struct rtl8139 *nic)
{
	return !nic->backend || net_backend_link_up(nic->backend);
}

/* The backend's carrier changed since we last looked: ISR PUN/LinkChg
 * ("ISR bit 5: packet underrun / link change") and CSCR's change bit. */
static void check_link(struct rtl8139 *nic)
{
	bool up = link_up(nic);

	if (up == nic->link_seen)
		return;
	nic->link_seen = up;
	nic->link_changed = true;
	nic->isr |= INT_PUN;
	pci_set_irq(&nic->pci, (nic->isr & nic->imr) != 0);
}

static uint64_t now_ns(const struct rtl8139 *nic)
{
	return nic->timers ? dm_now(nic->timers) : 0;
}

/* Guest RAM for a bus-master transfer, or NULL: outside RAM, or Bus Master
 * off in the PCI command register (PCI 3.0 §6.2.2: no DMA then). */
static void *dma(const struct rtl8139 *nic, uint64_t gpa, uint64_t len)
{
	if (!(pci_get_bytes(&nic->pci.config[PCI_COMMAND], 2) & PCI_COMMAND_MASTER))
		return NULL;
	return guest_memory_ptr(nic->mem, gpa, len);
}

static void update_irq(struct rtl8139 *nic)
{
	pci_set_irq(&nic->pci, (nic->isr & nic->imr) != 0);
}

static void isr_set(struct rtl8139 *nic, uint16_t bits)
{
	nic->isr |= bits;
	update_irq(nic);
}

/* ---- CRC-32 (IEEE 802.3 FCS; reflected, slicing by 4) ---- */

static uint32_t crc_table[4][256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_build(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int t = 1; t < 4; t++)
			crc_table[t][i] = crc_table[0][crc_table[t - 1][i] & 0xff] ^
					  (crc_table[t - 1][i] >> 8);
}

static void crc_init(void)
{
	pthread_once(&crc_once, crc_build);
}

/* The FCS of a frame: as the wire carries it, least significant byte
 * first (the value zlib's crc32() gives). */
static uint32_t ether_fcs(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	for (; n >= 4; p += 4, n -= 4) {
		c ^= get32(p);
		c = crc_table[3][c & 0xff] ^ crc_table[2][(c >> 8) & 0xff] ^
		    crc_table[1][(c >> 16) & 0xff] ^ crc_table[0][c >> 24];
	}
	while (n--)
		c = crc_table[0][(c ^ *p++) & 0xff] ^ (c >> 8);
	return ~c;
}

/*
 * The multicast hash: the MAR bit indexed by the six most significant bits
 * of the Ethernet CRC of the destination address, computed MSB-first as
 * Linux's ether_crc() (8139too's and 8139cp's set_rx_mode fill MAR so).
 */
static unsigned multicast_hash(const uint8_t *addr)
{
	uint32_t crc = 0xffffffffu;

	for (int i = 0; i < ETH_ALEN; i++) {
		uint8_t octet = addr[i];

		for (int bit = 0; bit < 8; bit++, octet >>= 1) {
			bool feedback = ((crc >> 31) ^ octet) & 1;

			crc <<= 1;
			if (feedback)
				crc ^= 0x04c11db7u;
		}
	}
	return crc >> 26;
}

/* ---- Internet checksums for the C+ offloads ---- */

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	for (; n >= 2; p += 2, n -= 2)
		sum += be16(p);
	if (n)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

struct ipv4_frame {
	uint8_t *ip;		/* header */
	size_t ihl;		/* header length */
	size_t l4_len;		/* payload length by the header's total length */
	uint8_t proto;
	bool fragment;		/* MF or an offset: no L4 checksum */
};

/* An IPv4 packet in an Ethernet frame (untagged or with an 802.1Q tag),
 * every length checked against the frame. */
static bool parse_ipv4(uint8_t *frame, size_t len, struct ipv4_frame *f)
{
	size_t l3 = ETH_HLEN;
	size_t total;

	if (len >= 18 && be16(frame + 12) == 0x8100)
		l3 += VLAN_HLEN;
	if (len < l3 + 20 || be16(frame + l3 - 2) != 0x0800)
		return false;
	f->ip = frame + l3;
	if (f->ip[0] >> 4 != 4)
		return false;
	f->ihl = (size_t)(f->ip[0] & 0xf) * 4;
	total = be16(f->ip + 2);
	if (f->ihl < 20 || total < f->ihl || l3 + total > len)
		return false;
	f->l4_len = total - f->ihl;
	f->proto = f->ip[9];
	f->fragment = (be16(f->ip + 6) & 0x3fff) != 0;
	return true;
}

static uint32_t pseudo_header_sum(const struct ipv4_frame *f)
{
	uint32_t sum = csum_add(0, f->ip + 12, 8);

	return sum + f->proto + (uint32_t)f->l4_len;
}

/* Where the L4 checksum is (TCP 16, UDP 6), or -1. */
static int l4_csum_offset(const struct ipv4_frame *f)
{
	if (f->fragment)
		return -1;
	if (f->proto == 6 && f->l4_len >= 20)
		return 16;
	if (f->proto == 17 && f->l4_len >= 8)
		return 6;
	return -1;
}

/* C+ transmit checksum offload (TxDesc IPCS/TCPCS/UDPCS). */
static void tx_checksum(uint8_t *frame, size_t len, uint32_t cmd)
{
	struct ipv4_frame f;
	int at;

	if (!parse_ipv4(frame, len, &f))
		return;
	if (cmd & TXD_IPCS) {
		f.ip[10] = f.ip[11] = 0;
		uint16_t c = csum_fold(csum_add(0, f.ip, f.ihl));
		f.ip[10] = (uint8_t)(c >> 8);
		f.ip[11] = (uint8_t)c;
	}
	at = l4_csum_offset(&f);
	if (at < 0 || !((f.proto == 6 && (cmd & TXD_TCPCS)) ||
			(f.proto == 17 && (cmd & TXD_UDPCS))))
		return;
	uint8_t *l4 = f.ip + f.ihl;
	l4[at] = l4[at + 1] = 0;
	uint16_t c = csum_fold(csum_add(pseudo_header_sum(&f), l4, f.l4_len));
	if (f.proto == 17 && c == 0)
		c = 0xffff;	/* RFC 768: 0 means no checksum */
	l4[at] = (uint8_t)(c >> 8);
	l4[at + 1] = (uint8_t)c;
}

/* C+ receive checksum offload (CPCR RxChkSum): the PID and IPF/UDPF/TCPF
 * bits of the RxDesc status. */
static uint32_t rx_checksum_status(uint8_t *frame, size_t len)
{
	struct ipv4_frame f;
	uint32_t st;
	int at;

	if (!parse_ipv4(frame, len, &f))
		return 0;
	st = RXD_PID_IP;
	if (csum_fold(csum_add(0, f.ip, f.ihl)) != 0)
		st |= RXD_IPF;
	at = l4_csum_offset(&f);
	if (at < 0)
		return st;
	uint8_t *l4 = f.ip + f.ihl;
	bool ok;
	if (f.proto == 17 && be16(l4 + 6) == 0)
		ok = true;	/* no UDP checksum */
	else
		ok = csum_fold(csum_add(pseudo_header_sum(&f), l4, f.l4_len)) == 0;
	if (f.proto == 6)
		return (st & ~RXD_PID_IP) | RXD_PID_TCP | (ok ? 0 : RXD_TCPF) |
		       (st & RXD_IPF);
	return (st & ~RXD_PID_IP) | RXD_PID_UDP | (ok ? 0 : RXD_UDPF) |
	       (st & RXD_IPF);
}

/* ---- the receive side ---- */

static uint32_t rx_ring_len(const struct rtl8139 *nic)
{
	return 8192u << ((reg32(nic, REG_RCR) >> RCR_RBLEN_SHIFT) & 3);
}

/* The driver's read offset: CAPR is kept 16 below it ("CAPR: the initial
 * value is 0xFFF0"; Linux's 8139too writes cur_rx - 16). */
static uint32_t rx_read_offset(const struct rtl8139 *nic)
{
	return (uint32_t)(uint16_t)(reg16(nic, REG_CAPR) + 16) & (rx_ring_len(nic) - 1);
}

static uint32_t rx_ring_free(const struct rtl8139 *nic)
{
	uint32_t len = rx_ring_len(nic);
	uint32_t used = (nic->cbr - rx_read_offset(nic)) & (len - 1);

	return len - used;
}

static bool rx_ring_empty(const struct rtl8139 *nic)
{
	return (nic->cbr & (rx_ring_len(nic) - 1)) == rx_read_offset(nic);
}

static bool cp_rx_mode(const struct rtl8139 *nic)
{
	return nic->cplus && (reg16(nic, REG_CPCR) & CPCR_CPRX);
}

static uint64_t cp_rx_desc_addr(const struct rtl8139 *nic, unsigned idx)
{
	return (reg64(nic, REG_RDSAR) & ~(uint64_t)(CP_RING_ALIGN - 1)) +
	       (uint64_t)idx * CP_DESC_SIZE;
}

/* Tell the backend it may deliver again, once, after it was told no. */
static void rx_kick(struct rtl8139 *nic)
{
	if (!nic->rx_stalled)
		return;
	nic->rx_stalled = false;
	if (nic->timers)
		dm_timer_del(&nic->rx_retry);
	if (nic->backend)
		net_backend_rx_ready(nic->backend);
}

/*
 * The C+ driver gives receive descriptors back by writing guest memory,
 * which the NIC does not see. Linux's 8139cp also writes ISR or IMR after
 * each refill (those kick us); for a driver that writes nothing, a stalled
 * receiver looks again after 1 ms, then ever more rarely (up to 64 ms),
 * only while it is stalled.
 */
static void cp_rx_stall_timer(void *opaque)
{
	struct rtl8139 *nic = opaque;

	if (nic->rx_retry_ns < CP_RX_RETRY_MAX_NS)
		nic->rx_retry_ns *= 2;
	rx_kick(nic);
}

static void rx_stall(struct rtl8139 *nic)
{
	nic->rx_stalled = true;
	if (cp_rx_mode(nic) && nic->timers && !dm_timer_pending(&nic->rx_retry)) {
		if (!nic->rx_retry_ns)
			nic->rx_retry_ns = CP_RX_RETRY_MIN_NS;
		dm_timer_mod(&nic->rx_retry, dm_now(nic->timers) + nic->rx_retry_ns);
	}
}

static bool nic_can_receive(void *opaque)
{
	struct rtl8139 *nic = opaque;
	const uint8_t *desc;

	/* A disabled receiver drops what the wire brings. */
	if (!(nic->regs[REG_CR] & CR_RE))
		return true;
	if (cp_rx_mode(nic)) {
		desc = dma(nic, cp_rx_desc_addr(nic, nic->cp_rx_next), CP_DESC_SIZE);
		if (!desc || (get32(desc) & DESC_OWN))
			return true;	/* a bad ring errors in receive() */
	} else if (rx_ring_free(nic) > RX_RING_ROOM) {
		return true;
	}
	rx_stall(nic);
	return false;
}

/* Copy into the classic ring at offset pos: wrapping to its start, or with
 * RCR.WRAP (not in the 64K ring) on past its end into the 1.5K the driver
 * reserved there ("RCR: WRAP"). */
static bool rx_ring_write(struct rtl8139 *nic, uint32_t pos, const uint8_t *src,
			  size_t n)
{
	uint32_t len = rx_ring_len(nic);
	bool linear = (reg32(nic, REG_RCR) & RCR_WRAP) && len < 65536;
	uint32_t base = reg32(nic, REG_RBSTART);

	if (!linear)
		pos &= len - 1;
	while (n) {
		size_t chunk = n;
		uint8_t *p;

		if (!linear && pos + chunk > len)
			chunk = len - pos;
		p = dma(nic, (uint64_t)base + pos, chunk);
		if (!p)
			return false;
		memcpy(p, src, chunk);
		src += chunk;
		n -= chunk;
		pos = linear ? pos + (uint32_t)chunk : (uint32_t)((pos + chunk) & (len - 1));
	}
	return true;
}

/* The classic ring ("Packet Header"): a 4-byte header (status, length with
 * the FCS), the frame, its FCS, the next packet dword-aligned. */
static size_t rx_classic(struct rtl8139 *nic, const uint8_t *frame, size_t len,
			 uint16_t status)
{
	uint32_t need = (uint32_t)(4 + len + 3) & ~3u;	/* len has the FCS */
	uint8_t header[4];

	if (need >= rx_ring_free(nic)) {
		/* "RXOVW: set when the Rx buffer ring storage resources have
		 * been exhausted"; the frame then overflows the FIFO and is
		 * missed (MPC, FOVW). */
		nic->mpc = (nic->mpc + 1) & 0xffffff;
		nic->tally.miss_pkt++;
		isr_set(nic, INT_RXOVW | INT_FOVW);
		return 0;
	}
	put16(header, status | RXH_ROK);
	put16(header + 2, (uint16_t)len);
	/* The frame first, the header last: a driver that looks at the
	 * header sees a complete packet. */
	if (!rx_ring_write(nic, nic->cbr + 4, frame, len) ||
	    !rx_ring_write(nic, nic->cbr, header, 4)) {
		/* RBSTART outside RAM: a master abort on the bus. */
		nic->tally.rx_err++;
		isr_set(nic, INT_SERR);
		return 0;
	}
	nic->cbr = (uint16_t)((nic->cbr + need) & (rx_ring_len(nic) - 1));
	nic->tally.rx_ok++;
	isr_set(nic, INT_ROK);
	return len;
}

/* C+ receive ("Receive Descriptor Format"): the frame spread over as many
 * descriptors as it needs, FS on the first, LS on the last. */
static size_t rx_cplus(struct rtl8139 *nic, uint8_t *frame, size_t len,
		       uint32_t status, uint32_t vlan)
{
	struct { uint64_t desc, buf; uint32_t dw0, chunk; } d[CP_RING_MAX];
	unsigned n = 0, idx = nic->cp_rx_next;
	size_t covered = 0;

	while (covered < len) {
		const uint8_t *desc;
		uint32_t size;

		if (n == CP_RING_MAX)
			goto no_descriptor;	/* the whole ring is too small */
		d[n].desc = cp_rx_desc_addr(nic, idx);
		desc = dma(nic, d[n].desc, CP_DESC_SIZE);
		if (!desc)
			goto bus_error;
		d[n].dw0 = get32(desc);
		d[n].buf = get32(desc + 8) | (uint64_t)get32(desc + 12) << 32;
		if (!(d[n].dw0 & DESC_OWN))
			goto no_descriptor;
		size = d[n].dw0 & RXD_SIZE;
		if (!size)
			goto no_descriptor;
		d[n].chunk = (uint32_t)(len - covered < size ? len - covered : size);
		if (!dma(nic, d[n].buf, d[n].chunk))
			goto bus_error;
		covered += d[n].chunk;
		idx = (d[n].dw0 & DESC_EOR) ? 0 : (idx + 1) % CP_RING_MAX;
		n++;
	}
	covered = 0;
	for (unsigned i = 0; i < n; i++) {
		memcpy(dma(nic, d[i].buf, d[i].chunk), frame + covered, d[i].chunk);
		covered += d[i].chunk;
	}
	/* Back to the driver, the last first: when it sees FS, all is there. */
	for (unsigned i = n; i-- > 0;) {
		uint8_t *desc = dma(nic, d[i].desc, CP_DESC_SIZE);
		uint32_t dw0 = d[i].dw0 & DESC_EOR;

		if (i == 0)
			dw0 |= DESC_FS;
		if (i == n - 1)
			dw0 |= DESC_LS | status | (uint32_t)(len & RXD_SIZE);
		else
			dw0 |= d[i].chunk;
		put32(desc + 4, vlan);
		put32(desc, dw0);
	}
	nic->cp_rx_next = idx;
	nic->rx_retry_ns = 0;
	nic->tally.rx_ok++;
	isr_set(nic, INT_ROK);
	return len;

no_descriptor:
	/* RDU ("Rx Descriptor Unavailable", ISR bit 4 in C+ mode); the frame
	 * is missed. */
	nic->mpc = (nic->mpc + 1) & 0xffffff;
	nic->tally.miss_pkt++;
	nic->tally.rx_err++;
	isr_set(nic, INT_RXOVW);
	return 0;
bus_error:
	nic->tally.rx_err++;
	isr_set(nic, INT_SERR);
	return 0;
}

/* The tally's per-address-type counters ("DTCCR": RxOkPhy/Brd/Mul). */
static size_t count_rx(struct rtl8139 *nic, uint16_t status, size_t taken)
{
	if (taken) {
		if (status & RXH_PAM)
			nic->tally.rx_ok_phy++;
		else if (status & RXH_BAR)
			nic->tally.rx_ok_brd++;
		else if (status & RXH_MAR)
			nic->tally.rx_ok_mul++;
	}
	return taken;
}

/* A frame (no FCS) from the wire or from loopback. */
static size_t receive_frame(struct rtl8139 *nic, const uint8_t *in, size_t len)
{
	static const uint8_t broadcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint32_t rcr = reg32(nic, REG_RCR);
	uint8_t *frame = nic->rx_frame;
	uint16_t status;
	uint32_t fcs, vlan = 0, cp_status = 0;
	size_t taken = len;

	if (!(nic->regs[REG_CR] & CR_RE) || len < ETH_HLEN || len > RX_MAX_FRAME)
		return 0;
	/* The address filter ("RCR": AAP, APM, AM, AB; MAR0-7). */
	if (!memcmp(in, broadcast, ETH_ALEN)) {
		status = RXH_BAR;
		if (!(rcr & (RCR_AB | RCR_AAP)))
			return 0;
	} else if (in[0] & 1) {
		unsigned bit = multicast_hash(in);

		status = RXH_MAR;
		if (!(rcr & RCR_AAP) &&
		    (!(rcr & RCR_AM) || !(nic->regs[REG_MAR0 + bit / 8] & (1u << (bit % 8)))))
			return 0;
	} else if (!memcmp(in, &nic->regs[REG_IDR0], ETH_ALEN)) {
		status = RXH_PAM;
		if (!(rcr & (RCR_APM | RCR_AAP)))
			return 0;
	} else {
		status = 0;
		if (!(rcr & RCR_AAP))
			return 0;
	}
	if (in != frame)
		memcpy(frame, in, len);
	/* A runt from the backend was never on a wire: pad it as the sender's
	 * MAC would have, so no RUNT status (RCR.AR/AER accept nothing more). */
	if (len < ETH_MIN_FRAME) {
		memset(frame + len, 0, ETH_MIN_FRAME - len);
		len = ETH_MIN_FRAME;
	}
	fcs = ether_fcs(frame, len);

	if (!cp_rx_mode(nic)) {
		put32(frame + len, fcs);
		return count_rx(nic, status, rx_classic(nic, frame, len + FCS_LEN, status)) ?
		       taken : 0;
	}
	if (status & RXH_BAR)
		cp_status |= RXD_BAR;
	if (status & RXH_MAR)
		cp_status |= RXD_MAR;
	if (status & RXH_PAM)
		cp_status |= RXD_PAM;
	if (reg16(nic, REG_CPCR) & CPCR_RXCHKSUM)
		cp_status |= rx_checksum_status(frame, len);
	/* VLAN tag removal (CPCR RxVLAN): the TCI goes to the descriptor,
	 * its bytes in wire order as 8139cp reads them (swab16). */
	if ((reg16(nic, REG_CPCR) & CPCR_RXVLAN) && be16(frame + 12) == 0x8100 &&
	    len >= ETH_HLEN + VLAN_HLEN) {
		vlan = RXD_TAVA | frame[14] | (uint32_t)frame[15] << 8;
		memmove(frame + 12, frame + 16, len - 16);
		len -= VLAN_HLEN;
		if (len < ETH_MIN_FRAME) {
			memset(frame + len, 0, ETH_MIN_FRAME - len);
			len = ETH_MIN_FRAME;
		}
	}
	put32(frame + len, fcs);
	return count_rx(nic, status, rx_cplus(nic, frame, len + FCS_LEN, cp_status, vlan)) ?
	       taken : 0;
}

static size_t nic_receive(void *opaque, const struct iovec *iov, int iovcnt)
{
	struct rtl8139 *nic = opaque;
	size_t len = 0, r;

	for (int i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len > RX_MAX_FRAME - len) {
			nic->tally.rx_err++;	/* longer than 4K: dropped */
			return 0;
		}
		memcpy(nic->rx_frame + len, iov[i].iov_base, iov[i].iov_len);
		len += iov[i].iov_len;
	}
	r = receive_frame(nic, nic->rx_frame, len);
	return r;
}

/* ---- the transmit side ---- */

static void send_frame(struct rtl8139 *nic, uint8_t *frame, size_t len,
		       const uint8_t *vlan_tci)
{
	struct iovec iov[3];
	uint8_t tag[VLAN_HLEN];
	int n = 0;

	if (len < ETH_MIN_FRAME) {
		/* The MAC pads short frames (the buffers have room). */
		memset(frame + len, 0, ETH_MIN_FRAME - len);
		len = ETH_MIN_FRAME;
	}
	if (vlan_tci) {
		tag[0] = 0x81;
		tag[1] = 0x00;
		tag[2] = vlan_tci[0];
		tag[3] = vlan_tci[1];
		iov[n++] = (struct iovec){ frame, 12 };
		iov[n++] = (struct iovec){ tag, VLAN_HLEN };
		iov[n++] = (struct iovec){ frame + 12, len - 12 };
	} else {
		iov[n++] = (struct iovec){ frame, len };
	}
	if ((reg32(nic, REG_TCR) & TCR_LBK) == TCR_LBK) {
		/* "TCR: LBK = 11: loopback mode": back into our receiver. */
		uint8_t *rx = nic->rx_frame;
		size_t total = 0;

		for (int i = 0; i < n; i++) {
			if (total + iov[i].iov_len > RX_MAX_FRAME)
				return;
			memcpy(rx + total, iov[i].iov_base, iov[i].iov_len);
			total += iov[i].iov_len;
		}
		receive_frame(nic, rx, total);
		return;
	}
	if (nic->backend)
		net_backend_send(nic->backend, iov, n);
}

/* Classic transmit: descriptor d ("TSD0-3": OWN = 0 hands it to the NIC). */
static void tx_classic_one(struct rtl8139 *nic, unsigned d)
{
	uint32_t tsd = reg32(nic, REG_TSD0 + 4 * d);
	uint32_t size = tsd & TSD_SIZE;
	const uint8_t *src;

	if (!size)
		src = nic->tx_frame;	/* nothing to fetch, nothing sent */
	else if (size <= TSD_MAX_SIZE)
		src = dma(nic, reg32(nic, REG_TSAD0 + 4 * d), size);
	else
		src = NULL;
	if (!src) {
		/* Too long, or outside RAM: the transmit aborts. */
		put32(&nic->regs[REG_TSD0 + 4 * d], tsd | TSD_OWN | TSD_TABT);
		nic->tally.tx_err++;
		nic->tally.tx_abt++;
		isr_set(nic, INT_TER);
		return;
	}
	if (size)
		memcpy(nic->tx_frame, src, size);
	put32(&nic->regs[REG_TSD0 + 4 * d], tsd | TSD_OWN | TSD_TOK);
	nic->tally.tx_ok++;
	if (size)
		send_frame(nic, nic->tx_frame, size, NULL);
	isr_set(nic, INT_TOK);
}

/* The four descriptors in turn ("Transmit": round robin from TSD0). */
static void tx_classic(struct rtl8139 *nic)
{
	if (!(nic->regs[REG_CR] & CR_TE) || nic->cplus)
		return;
	for (int i = 0; i < 4; i++) {
		unsigned d = nic->tx_next;

		if (reg32(nic, REG_TSD0 + 4 * d) & TSD_OWN)
			break;
		nic->tx_next = (d + 1) % 4;
		tx_classic_one(nic, d);
	}
}

static uint32_t tsad_summary(const struct rtl8139 *nic)
{
	uint32_t v = 0;

	for (unsigned d = 0; d < 4; d++) {
		uint32_t tsd = reg32(nic, REG_TSD0 + 4 * d);

		/* TOK3-0 bits 15-12, TUN3-0 11-8, TABT3-0 7-4, OWN3-0 3-0 */
		v |= (tsd & TSD_TOK ? 1u << (12 + d) : 0) |
		     (tsd & TSD_TUN ? 1u << (8 + d) : 0) |
		     (tsd & TSD_TABT ? 1u << (4 + d) : 0) |
		     (tsd & TSD_OWN ? 1u << d : 0);
	}
	return v;
}

/*
 * Large send (TxDesc LGSEN, the MSS in bits 26-16): a TCP/IPv4 frame cut
 * into MSS-sized segments, each with its own IP total length and ID, TCP
 * sequence number, FIN/PSH only on the last, CWR only on the first, and
 * both checksums. What cannot be cut (not TCP/IPv4, MSS 0) goes out as is.
 */
static bool tso_send(struct rtl8139 *nic, uint8_t *frame, size_t len, unsigned mss,
		     const uint8_t *tci)
{
	struct ipv4_frame f;
	size_t l3, thl, hdr, payload;
	uint8_t *seg = nic->tso_segment;
	uint16_t id;
	uint32_t seq;

	if (!mss || !parse_ipv4(frame, len, &f) || f.proto != 6 || f.fragment ||
	    f.l4_len < 20)
		return false;
	l3 = (size_t)(f.ip - frame);
	thl = (size_t)(f.ip[f.ihl + 12] >> 4) * 4;
	if (thl < 20 || thl > f.l4_len)
		return false;
	hdr = l3 + f.ihl + thl;
	payload = f.l4_len - thl;
	id = be16(f.ip + 4);
	seq = (uint32_t)be16(f.ip + f.ihl + 4) << 16 | be16(f.ip + f.ihl + 6);
	for (size_t off = 0, n = 0; off < payload || (!payload && !n); off += mss, n++) {
		size_t chunk = payload - off < mss ? payload - off : mss;
		uint8_t *ip = seg + l3, *tcp = ip + f.ihl;
		size_t total = f.ihl + thl + chunk;
		uint32_t s = seq + (uint32_t)off;
		uint16_t i = (uint16_t)(id + n);

		memcpy(seg, frame, hdr);
		memcpy(seg + hdr, frame + hdr + off, chunk);
		ip[2] = (uint8_t)(total >> 8);
		ip[3] = (uint8_t)total;
		ip[4] = (uint8_t)(i >> 8);
		ip[5] = (uint8_t)i;
		tcp[4] = (uint8_t)(s >> 24);
		tcp[5] = (uint8_t)(s >> 16);
		tcp[6] = (uint8_t)(s >> 8);
		tcp[7] = (uint8_t)s;
		if (off + chunk < payload)
			tcp[13] &= (uint8_t)~0x09;	/* FIN, PSH */
		if (n)
			tcp[13] &= (uint8_t)~0x80;	/* CWR */
		tx_checksum(seg, hdr + chunk, TXD_IPCS | TXD_TCPCS);
		send_frame(nic, seg, hdr + chunk, tci);
		if (!payload)
			break;
	}
	return true;
}

/* A C+ frame gathered: offloads, VLAN tag, out. */
static void cp_tx_finish(struct rtl8139 *nic, struct cp_tx_queue *q, uint32_t dw0,
			 uint32_t dw1)
{
	uint8_t tci[2] = { (uint8_t)dw1, (uint8_t)(dw1 >> 8) };
	const uint8_t *tag = (dw1 & TXD_TAGC) ? tci : NULL;

	nic->tally.tx_ok++;
	if (dw0 & TXD_LGSEN) {
		/* The checksum bits hold the MSS here. */
		if (tso_send(nic, q->buf, q->len, (dw0 >> TXD_MSS_SHIFT) & TXD_MSS_MAX, tag))
			return;
	} else if (dw0 & (TXD_IPCS | TXD_TCPCS | TXD_UDPCS)) {
		tx_checksum(q->buf, q->len, dw0);
	}
	send_frame(nic, q->buf, q->len, tag);
}

/* C+ transmit (TPPoll): the descriptors the driver owns to the NIC, from
 * where the queue stopped, at most one ring's worth per poll. */
static void cp_tx_poll(struct rtl8139 *nic, struct cp_tx_queue *q)
{
	uint64_t ring = reg64(nic, q->reg) & ~(uint64_t)(CP_RING_ALIGN - 1);
	bool sent = false, error = false;

	if (!(nic->regs[REG_CR] & CR_TE) || !(reg16(nic, REG_CPCR) & CPCR_CPTX))
		return;
	for (int i = 0; i < CP_RING_MAX; i++) {
		uint8_t *desc = dma(nic, ring + (uint64_t)q->next * CP_DESC_SIZE, CP_DESC_SIZE);
		uint32_t dw0, dw1, size;
		uint64_t buf;
		const uint8_t *src;

		if (!desc) {
			error = true;
			nic->tally.tx_err++;
			isr_set(nic, INT_SERR);
			break;
		}
		dw0 = get32(desc);
		if (!(dw0 & DESC_OWN)) {
			isr_set(nic, INT_TDU);
			break;
		}
		dw1 = get32(desc + 4);
		buf = get32(desc + 8) | (uint64_t)get32(desc + 12) << 32;
		size = dw0 & TXD_SIZE;
		if (dw0 & DESC_FS) {
			q->len = 0;
			q->bad = false;
		}
		src = size ? dma(nic, buf, size) : q->buf;
		if (!src || q->len + size > CP_TX_MAX) {
			q->bad = true;	/* outside RAM, or longer than 64K */
		} else if (size) {
			memcpy(q->buf + q->len, src, size);
			q->len += size;
		}
		q->next = (dw0 & DESC_EOR) ? 0 : (q->next + 1) % CP_RING_MAX;
		dw0 &= ~DESC_OWN;
		if (dw0 & DESC_LS) {
			if (q->bad || !q->len) {
				dw0 |= TXD_TES;
				error = true;
				nic->tally.tx_err++;
			} else {
				cp_tx_finish(nic, q, dw0, dw1);
				sent = true;
			}
			q->len = 0;
			q->bad = false;
		}
		put32(desc, dw0);
	}
	if (sent)
		isr_set(nic, INT_TOK);
	if (error)
		isr_set(nic, INT_TER);
}

/* "DTCCR": the tally counters, 64 bytes at a 64-byte aligned address. */
static void dump_tally(struct rtl8139 *nic)
{
	uint64_t addr = reg64(nic, REG_DTCCR) & ~(uint64_t)0x3f;
	uint8_t *p = dma(nic, addr, 64);
	const struct tally *t = &nic->tally;

	if (p) {
		put64(p + 0, t->tx_ok);
		put64(p + 8, t->rx_ok);
		put64(p + 16, t->tx_err);
		put32(p + 24, t->rx_err);
		put16(p + 28, t->miss_pkt);
		put16(p + 30, t->fae);
		put32(p + 32, t->tx_1col);
		put32(p + 36, t->tx_mcol);
		put64(p + 40, t->rx_ok_phy);
		put64(p + 48, t->rx_ok_brd);
		put32(p + 56, t->rx_ok_mul);
		put16(p + 60, t->tx_abt);
		put16(p + 62, t->tx_undrn);
	}
	nic->regs[REG_DTCCR] &= (uint8_t)~DTCCR_CMD;
}

/* ---- the timer (TCTR, TimerInt) ---- */

static uint64_t tctr_ticks(const struct rtl8139 *nic)
{
	uint64_t ns = now_ns(nic) - nic->tctr_base;

	/* 33 ticks a microsecond, without overflow */
	return ns / 1000 * 33 + ns % 1000 * 33 / 1000;
}

/* "TimerInt: when TCTR reaches this value, TimeOut is set in ISR; 0
 * disables it." TCTR runs on (32 bits, at the PCI clock). */
static void timer_rearm(struct rtl8139 *nic)
{
	uint32_t target = reg32(nic, REG_TIMERINT);
	uint64_t ticks, next;

	if (!nic->timers)
		return;
	if (!target) {
		dm_timer_del(&nic->timer);
		return;
	}
	ticks = tctr_ticks(nic);
	next = (ticks & ~0xffffffffull) + target;
	if ((uint32_t)ticks >= target)
		next += 1ull << 32;
	/* The first ns at which the count reaches next. */
	dm_timer_mod(&nic->timer, nic->tctr_base + next / 33 * 1000 +
		     (next % 33 * 1000 + 32) / 33);
}

static void timer_expired(void *opaque)
{
	struct rtl8139 *nic = opaque;

	isr_set(nic, INT_TIMEOUT);
	timer_rearm(nic);
}

/* ---- reset ---- */

/* CR.RST ("CR: RST"): transmitter and receiver off, FIFOs and buffer
 * pointers back ("Tx at TSAD0, Rx buffer empty"); IDR, MAR and the PCI
 * configuration stay. */
static void soft_reset(struct rtl8139 *nic)
{
	nic->regs[REG_CR] = 0;
	nic->isr = 0;
	nic->imr = 0;
	for (unsigned d = 0; d < 4; d++)
		put32(&nic->regs[REG_TSD0 + 4 * d], TSD_OWN);
	nic->tx_next = 0;
	nic->cbr = 0;
	put16(&nic->regs[REG_CAPR], 0xfff0);
	put16(&nic->regs[REG_CPCR], 0);
	nic->cplus = false;
	nic->cp_rx_next = 0;
	for (int i = 0; i < 2; i++) {
		nic->cp_tx[i].next = 0;
		nic->cp_tx[i].len = 0;
		nic->cp_tx[i].bad = false;
	}
	update_irq(nic);
}

/* Power-on, PCI reset, 9346CR auto-load: every register to its default,
 * the MAC loaded from the EEPROM (words 7-9). */
static void hard_reset(struct rtl8139 *nic)
{
	uint8_t bs = 0;

	memset(nic->regs, 0, sizeof(nic->regs));
	for (unsigned i = 0; i < 3; i++)
		put16(&nic->regs[REG_IDR0 + 2 * i], eeprom93c46_word(&nic->eeprom, 7 + i));
	put32(&nic->regs[REG_TCR], has_cplus(nic) ? TCR_HWVERID_8139CPLUS : TCR_HWVERID_8139C);
	/* CONFIG0 BS2-0: the boot ROM size (8K = 1 .. 128K = 5). */
	if (nic->rom)
		for (bs = 1; (8192u << (bs - 1)) < nic->rom_bar_size && bs < 5; bs++)
			;
	nic->regs[REG_CONFIG0] = bs;
	nic->regs[REG_CONFIG1] = 0x0c;	/* MEMMAP, IOMAP */
	nic->regs[REG_CONFIG3] = 0x01;	/* FBtBEn */
	put16(&nic->regs[REG_BMCR], BMCR_DEFAULT);
	put16(&nic->regs[REG_ANAR], ANAR_DEFAULT);
	put16(&nic->regs[REG_CSCR], CSCR_DEFAULT);
	nic->mpc = 0;
	nic->link_seen = link_up(nic);
	nic->link_changed = false;
	nic->tctr_base = now_ns(nic);
	eeprom93c46_set_pins(&nic->eeprom, false, false, false);
	memset(&nic->tally, 0, sizeof(nic->tally));
	if (nic->timers)
		dm_timer_del(&nic->timer);
	soft_reset(nic);
}

static void rtl8139_pci_reset(struct pci_device *dev)
{
	struct rtl8139 *nic = dev->opaque;

	hard_reset(nic);
	rx_kick(nic);
}

/* ---- register access ---- */

static bool config_unlocked(const struct rtl8139 *nic)
{
	return (nic->regs[REG_9346CR] & EEM_MASK) == EEM_CONFIG;
}

static uint8_t byte_of(uint32_t v, unsigned off, unsigned reg)
{
	return (uint8_t)(v >> (8 * (off - reg)));
}

static uint8_t reg_read_byte(struct rtl8139 *nic, unsigned off)
{
	bool up = link_up(nic);

	switch (off) {
	case REG_CR:
		return (uint8_t)((nic->regs[REG_CR] & (CR_RE | CR_TE)) |
				 (rx_ring_empty(nic) ? CR_BUFE : 0));
	case REG_CBR ... REG_CBR + 1:
		return byte_of(nic->cbr, off, REG_CBR);
	case REG_IMR ... REG_IMR + 1:
		return byte_of(nic->imr, off, REG_IMR);
	case REG_ISR ... REG_ISR + 1:
		check_link(nic);
		return byte_of(nic->isr, off, REG_ISR);
	case REG_TCTR ... REG_TCTR + 3:
		return byte_of((uint32_t)tctr_ticks(nic), off, REG_TCTR);
	case REG_MPC ... REG_MPC + 3:
		return byte_of(nic->mpc, off, REG_MPC);
	case REG_9346CR: {
		uint8_t v = nic->regs[REG_9346CR];

		if ((v & EEM_MASK) == EEM_PROGRAM && eeprom93c46_data_out(&nic->eeprom))
			v |= EE_DO;
		return v;
	}
	case REG_MSR:
		return MSR_FIXED | (up ? 0 : MSR_LINKB);
	case REG_RERID:
		return nic->revision;
	case REG_TSAD ... REG_TSAD + 1:
		return byte_of(tsad_summary(nic), off, REG_TSAD);
	case REG_BMSR ... REG_BMSR + 1:
		return byte_of(BMSR_BASE | BMSR_ANC | (up ? BMSR_LINK : 0), off, REG_BMSR);
	case REG_ANLPAR ... REG_ANLPAR + 1:
		return byte_of(up ? ANLPAR_LINK : 0, off, REG_ANLPAR);
	case REG_ANER ... REG_ANER + 1:
		return byte_of(ANER_LP_NWAY, off, REG_ANER);
	case REG_CSCR:
		return (uint8_t)((nic->regs[REG_CSCR] & ~CSCR_CON_STATUS) |
				 (up ? CSCR_CON_STATUS : 0));
	case REG_CSCR + 1:
		return (uint8_t)((nic->regs[REG_CSCR + 1] & ~(CSCR_LINK_CHANGE >> 8)) |
				 (nic->link_changed ? CSCR_LINK_CHANGE >> 8 : 0));
	case REG_TPPOLL:
		return 0;
	case REG_CPCR ... REG_ETTHR:
		return has_cplus(nic) ? nic->regs[off] : 0;
	default:
		return nic->regs[off];
	}
}

/* What a write access asks for once all its bytes are in. */
#define ACT_TSD(d)	(1u << (d))	/* 0..3 */
#define ACT_IRQ		0x0010
#define ACT_CAPR	0x0020
#define ACT_TCTR	0x0040
#define ACT_TIMERINT	0x0080
#define ACT_RX_KICK	0x0100
#define ACT_DTCCR	0x0200
#define ACT_TX_CLASSIC	0x0400
#define ACT_POLL_NPQ	0x0800
#define ACT_POLL_HPQ	0x1000

static void store_masked(struct rtl8139 *nic, unsigned off, uint8_t v, uint8_t mask)
{
	nic->regs[off] = (uint8_t)((nic->regs[off] & ~mask) | (v & mask));
}

static void write_cr(struct rtl8139 *nic, uint8_t v, unsigned *act)
{
	uint8_t old;

	if (v & CR_RST)
		soft_reset(nic);	/* done at once: RST reads back 0 */
	old = nic->regs[REG_CR];
	nic->regs[REG_CR] = v & (CR_RE | CR_TE);
	if ((v & CR_RE) && !(old & CR_RE)) {
		/* The receiver starts on an empty ring (Linux's 8139too
		 * restarts it so after an Rx error, with cur_rx = 0). */
		nic->cbr = 0;
		put16(&nic->regs[REG_CAPR], 0xfff0);
		nic->cp_rx_next = 0;
		*act |= ACT_RX_KICK;
	}
	if ((v & CR_TE) && !(old & CR_TE)) {
		nic->cp_tx[0].next = nic->cp_tx[1].next = 0;
		*act |= ACT_TX_CLASSIC;
	}
}

static void write_9346cr(struct rtl8139 *nic, uint8_t v)
{
	switch (v & EEM_MASK) {
	case EEM_AUTOLOAD:
		/* "Auto-load: the RTL8139 loads the 93C46 contents as at RSTB,
		 * then returns to normal mode with the registers reset." */
		hard_reset(nic);
		return;
	case EEM_PROGRAM:
		nic->regs[REG_9346CR] = v & (EEM_MASK | EE_CS | EE_SK | EE_DI);
		eeprom93c46_set_pins(&nic->eeprom, v & EE_CS, v & EE_SK, v & EE_DI);
		return;
	default:
		/* The EEPROM pins are driven only in programming mode. */
		nic->regs[REG_9346CR] = v & (EEM_MASK | EE_CS | EE_SK | EE_DI);
		eeprom93c46_set_pins(&nic->eeprom, false, false, false);
		return;
	}
}

static void reg_write_byte(struct rtl8139 *nic, unsigned off, uint8_t v, unsigned *act)
{
	switch (off) {
	case REG_IDR0 ... REG_IDR0 + 5:
	case REG_MAR0 ... REG_MAR0 + 7:
	case REG_RBSTART ... REG_RBSTART + 3:
		nic->regs[off] = v;
		return;
	case REG_TSD0 ... REG_TSD0 + 15:
		nic->regs[off] = v;
		if (nic->cplus)
			*act |= off < REG_DTCCR + 8 ? ACT_DTCCR : 0;
		else
			*act |= ACT_TSD((off - REG_TSD0) / 4);
		return;
	case REG_TSAD0 ... REG_TSAD0 + 15:
		nic->regs[off] = v;
		return;
	case REG_CR:
		write_cr(nic, v, act);
		return;
	case REG_CAPR ... REG_CAPR + 1:
		nic->regs[off] = v;
		*act |= ACT_CAPR;
		return;
	case REG_IMR:
	case REG_IMR + 1: {
		unsigned sh = 8 * (off - REG_IMR);

		nic->imr = (uint16_t)((nic->imr & ~(0xffu << sh)) |
				      ((unsigned)v << sh & IMR_WRITABLE));
		*act |= ACT_IRQ | ACT_RX_KICK;
		return;
	}
	case REG_ISR:
	case REG_ISR + 1:
		/* "Writing 1 to any bit in the ISR will reset that bit." */
		nic->isr &= (uint16_t)~((unsigned)v << (8 * (off - REG_ISR)));
		if (!(nic->isr & INT_PUN))
			nic->link_changed = false;
		*act |= ACT_IRQ | ACT_RX_KICK;
		return;
	case REG_TCR ... REG_TCR + 3: {
		/* IFG, LBK, CRC, MXDMA, TXRR; HWVERID read-only; CLRABT is
		 * ignored (our aborts are for bad descriptors: a retry would
		 * abort again). */
		static const uint8_t mask[4] = { 0xf0, 0x07, 0x07, 0x03 };

		store_masked(nic, off, v, mask[off - REG_TCR]);
		return;
	}
	case REG_RCR ... REG_RCR + 3: {
		/* 9356SEL (bit 6) and bits 31-28 read-only. */
		static const uint8_t mask[4] = { 0xbf, 0xff, 0x03, 0x0f };

		store_masked(nic, off, v, mask[off - REG_RCR]);
		*act |= ACT_RX_KICK;
		return;
	}
	case REG_TCTR ... REG_TCTR + 3:
		*act |= ACT_TCTR;	/* "writing any value resets it" */
		return;
	case REG_MPC ... REG_MPC + 3:
		nic->mpc = 0;		/* "writing any value clears it" */
		return;
	case REG_9346CR:
		write_9346cr(nic, v);
		return;
	case REG_CONFIG1:
		if (config_unlocked(nic))
			store_masked(nic, off, v, 0xf3);
		return;
	case REG_CONFIG3:
		if (config_unlocked(nic))
			store_masked(nic, off, v, 0x70);
		return;
	case REG_CONFIG4:
		if (config_unlocked(nic))
			store_masked(nic, off, v, 0xf5);
		return;
	case REG_TIMERINT ... REG_TIMERINT + 3:
		nic->regs[off] = v;
		*act |= ACT_TIMERINT;
		return;
	case REG_MULINT:
		nic->regs[off] = v;
		return;
	case REG_MULINT + 1:
		nic->regs[off] = v & 0x0f;
		return;
	case REG_BMCR:
		return;	/* bits 7-0 reserved */
	case REG_BMCR + 1:
		if (v & (BMCR_RESET >> 8)) {
			put16(&nic->regs[REG_BMCR], BMCR_DEFAULT);	/* self-clearing */
			return;
		}
		/* Restart AN (bit 9) completes at once; speed, ANE and duplex
		 * only with the config write enable. */
		if (config_unlocked(nic))
			store_masked(nic, off, v, BMCR_UNLOCKED >> 8);
		return;
	case REG_ANAR ... REG_ANAR + 1:
	case REG_CSCR ... REG_CSCR + 1:
	case 0x70 ... 0x71:	/* NWAYTR */
	case 0x78 ... REG_CONFIG5 - 1:	/* PHY parameters, wake-up frames */
		nic->regs[off] = v;
		return;
	case REG_CONFIG5:
		store_masked(nic, off, v, 0x7f);
		return;
	case REG_TPPOLL:
		if (!has_cplus(nic))
			return;
		if (v & TPPOLL_FSWINT) {
			nic->isr |= INT_SWINT;
			*act |= ACT_IRQ;
		}
		if (v & TPPOLL_HPQ)
			*act |= ACT_POLL_HPQ;
		if (v & TPPOLL_NPQ)
			*act |= ACT_POLL_NPQ;
		return;
	case REG_CPCR:
		if (!has_cplus(nic))
			return;
		store_masked(nic, off, v, CPCR_WRITABLE);
		nic->cplus = true;	/* 0x10-0x2f are now DTCCR/TNPDS/THPDS */
		*act |= ACT_RX_KICK;
		return;
	case REG_CPCR + 1:
		return;
	case REG_INTRMIT ... REG_ETTHR:
		if (has_cplus(nic))
			nic->regs[off] = v;
		*act |= ACT_RX_KICK;
		return;
	default:
		return;	/* read-only or reserved */
	}
}

static void after_write(struct rtl8139 *nic, unsigned act)
{
	for (unsigned d = 0; d < 4; d++) {
		if (act & ACT_TSD(d)) {
			unsigned off = REG_TSD0 + 4 * d;

			/* A write starts a new transmit: the status bits go. */
			put32(&nic->regs[off], reg32(nic, off) & TSD_WRITABLE);
			act |= ACT_TX_CLASSIC;
		}
	}
	if (act & ACT_TCTR) {
		nic->tctr_base = now_ns(nic);
		act |= ACT_TIMERINT;
	}
	if (act & ACT_TIMERINT)
		timer_rearm(nic);
	if ((act & ACT_DTCCR) && (nic->regs[REG_DTCCR] & DTCCR_CMD))
		dump_tally(nic);
	if (act & ACT_TX_CLASSIC)
		tx_classic(nic);
	if (act & ACT_POLL_HPQ)
		cp_tx_poll(nic, &nic->cp_tx[1]);
	if (act & ACT_POLL_NPQ)
		cp_tx_poll(nic, &nic->cp_tx[0]);
	if (act & ACT_IRQ)
		update_irq(nic);
	if (act & (ACT_CAPR | ACT_RX_KICK))
		rx_kick(nic);
}

static uint64_t regs_read(void *opaque, uint64_t offset, unsigned size)
{
	struct rtl8139 *nic = opaque;
	uint64_t v = 0;

	for (unsigned i = 0; i < size && i < 8; i++)
		v |= (uint64_t)reg_read_byte(nic, (unsigned)(offset + i) & 0xff) << (8 * i);
	return v;
}

static void regs_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	struct rtl8139 *nic = opaque;
	unsigned act = 0;

	for (unsigned i = 0; i < size && i < 8; i++)
		reg_write_byte(nic, (unsigned)(offset + i) & 0xff, (uint8_t)(value >> (8 * i)), &act);
	after_write(nic, act);
}

static const struct io_ops regs_ops = { .read = regs_read, .write = regs_write };

static uint64_t rom_read(void *opaque, uint64_t offset, unsigned size)
{
	struct rtl8139 *nic = opaque;
	uint64_t v = 0;

	if (offset < nic->rom_bar_size && size <= nic->rom_bar_size - offset)
		memcpy(&v, nic->rom + offset, size);	/* x86: little-endian */
	return v;
}

static void rom_write(void *opaque, uint64_t offset, unsigned size, uint64_t v)
{
	(void)opaque; (void)offset; (void)size; (void)v;
}

static const struct io_ops rom_ops = { .read = rom_read, .write = rom_write };

/* ---- the device ---- */

struct pci_device *rtl8139_pci(struct rtl8139 *nic)
{
	return &nic->pci;
}

void rtl8139_link_changed(struct rtl8139 *nic)
{
	check_link(nic);
}

void rtl8139_destroy(struct rtl8139 *nic)
{
	if (!nic)
		return;
	if (nic->backend && nic->backend->client.opaque == nic)
		net_backend_attach(nic->backend, &(struct net_client){ 0 });
	if (nic->timers) {
		dm_timer_del(&nic->timer);
		dm_timer_del(&nic->rx_retry);
	}
	if (nic->registered)
		pci_bus_unregister_device(nic->bus, &nic->pci);
	for (int i = 0; i < 2; i++)
		free(nic->cp_tx[i].buf);
	free(nic->rom);
	free(nic);
}

struct rtl8139 *rtl8139_create(struct pci_bus *bus, unsigned slot,
			       struct guest_memory *mem,
			       const struct rtl8139_config *cfg, char *err,
			       size_t errlen)
{
	struct rtl8139 *nic;
	uint16_t words[EEPROM93C46_WORDS] = { 0 };
	int r;

	if (cfg->rom && (!cfg->rom_size || cfg->rom_size > (16u << 20))) {
		dm_set_error(err, errlen, "rtl8139: bad option ROM size (%zu bytes)",
			     cfg->rom_size);
		return NULL;
	}
	if (cfg->revision && cfg->revision != RTL8139_REVISION_8139C &&
	    cfg->revision != RTL8139_REVISION_8139CPLUS) {
		dm_set_error(err, errlen, "rtl8139: unknown revision 0x%02x", cfg->revision);
		return NULL;
	}
	nic = calloc(1, sizeof(*nic));
	if (!nic) {
		dm_set_error(err, errlen, "rtl8139: out of memory");
		return NULL;
	}
	crc_init();
	nic->bus = bus;
	nic->mem = mem;
	nic->backend = cfg->backend;
	nic->timers = cfg->timers;
	nic->revision = cfg->revision ? cfg->revision : RTL8139_REVISION_8139CPLUS;
	nic->cp_tx[0].reg = REG_TNPDS;
	nic->cp_tx[1].reg = REG_THPDS;
	for (int i = 0; i < 2; i++) {
		nic->cp_tx[i].buf = malloc(CP_TX_MAX + ETH_MIN_FRAME);
		if (!nic->cp_tx[i].buf) {
			dm_set_error(err, errlen, "rtl8139: out of memory");
			goto fail;
		}
	}
	if (cfg->rom) {
		nic->rom_bar_size = 2048;
		while (nic->rom_bar_size < cfg->rom_size)
			nic->rom_bar_size <<= 1;
		nic->rom = calloc(1, nic->rom_bar_size);
		if (!nic->rom) {
			dm_set_error(err, errlen, "rtl8139: out of memory");
			goto fail;
		}
		memcpy(nic->rom, cfg->rom, cfg->rom_size);
	}
	if (nic->timers) {
		dm_timer_init(&nic->timer, nic->timers, timer_expired, nic);
		dm_timer_init(&nic->rx_retry, nic->timers, cp_rx_stall_timer, nic);
	}

	/* The EEPROM as QEMU lays it out: the 8129 signature 8139too checks
	 * (word 0), the PCI IDs, the MAC in words 7-9 (low byte first). */
	words[0] = 0x8129;
	words[1] = RTL8139_VENDOR_ID;
	words[2] = RTL8139_DEVICE_ID;
	for (unsigned i = 0; i < 3; i++)
		words[7 + i] = (uint16_t)(cfg->mac[2 * i] | cfg->mac[2 * i + 1] << 8);
	eeprom93c46_init(&nic->eeprom, words);

	pci_device_init(&nic->pci, &rtl8139_info, nic);
	nic->pci.config[PCI_REVISION_ID] = nic->revision;
	r = pci_device_set_bar(&nic->pci, 0, PCI_BAR_IO, RTL8139_REGS_SIZE, &regs_ops, nic);
	if (!r)
		r = pci_device_set_bar(&nic->pci, 1, PCI_BAR_MEM32, RTL8139_REGS_SIZE,
				       &regs_ops, nic);
	if (!r && nic->rom)
		r = pci_device_set_bar(&nic->pci, PCI_ROM_SLOT, PCI_BAR_ROM,
				       nic->rom_bar_size, &rom_ops, nic);
	if (r) {
		dm_set_error(err, errlen, "rtl8139: cannot declare its BARs: %s", strerror(-r));
		goto fail;
	}
	hard_reset(nic);
	r = pci_bus_register_device(bus, &nic->pci, slot, 0);
	if (r) {
		dm_set_error(err, errlen, "rtl8139: PCI slot %u: %s", slot, strerror(-r));
		goto fail;
	}
	nic->registered = true;
	if (nic->backend)
		net_backend_attach(nic->backend, &(struct net_client){
			.can_receive = nic_can_receive,
			.receive = nic_receive,
			.opaque = nic,
		});
	return nic;
fail:
	rtl8139_destroy(nic);
	return NULL;
}

static const struct pci_device_info rtl8139_info = {
	.name = "rtl8139",
	.vendor_id = RTL8139_VENDOR_ID,
	.device_id = RTL8139_DEVICE_ID,
	.revision = RTL8139_REVISION_8139CPLUS,	/* the config's, set at create */
	.class_code = 0x020000,			/* network, Ethernet */
	.interrupt_pin = 1,			/* INTA# */
	.subsystem_vendor_id = 0x1af4,		/* QEMU's, as -device rtl8139 */
	.subsystem_id = 0x1100,
	.reset = rtl8139_pci_reset,
};
