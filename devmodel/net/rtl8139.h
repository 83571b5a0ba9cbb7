/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Realtek RTL8139C+ Fast Ethernet controller (RTL8139C(L)+ datasheet
 * 1.6, "Register Descriptions" and "C+ mode"), as QEMU's -device rtl8139
 * presents it so that the same drivers bind (Linux's 8139cp, and 8139too
 * with .revision = RTL8139_REVISION_8139C; iPXE's realtek driver):
 *   PCI 10EC:8139, class 0x020000, subsystem 1AF4:1100, INTA#;
 *   BAR0  256 bytes of I/O ports, BAR1 the same registers as 256 bytes of
 *         memory; the option ROM (iPXE's pxe-rtl8139.rom) in the ROM BAR;
 *   the 93C46 EEPROM (eeprom93c46.h) with the MAC at words 7..9;
 *   the classic receive ring (RBSTART/CAPR/CBR) and four transmit
 *   descriptors (TSD0-3/TSAD0-3), C+ descriptor rings (TNPDS/THPDS/RDSAR)
 *   with IPv4/TCP/UDP checksum offload (transmit and receive), TCP large
 *   send (LGSEN, 8139cp turns TSO on) and VLAN tag insertion/removal.
 * Frames come and go through a net backend (net.h). Everything runs under
 * the device-model lock; receive() is called with it held.
 */
#ifndef DEVMODEL_NET_RTL8139_H
#define DEVMODEL_NET_RTL8139_H

#include <stddef.h>
#include <stdint.h>

#include "devmodel/core/guestmem.h"
#include "devmodel/core/pci.h"
#include "devmodel/core/timer.h"
#include "devmodel/net/net.h"

#define RTL8139_VENDOR_ID 0x10ec
#define RTL8139_DEVICE_ID 0x8139

#define RTL8139_REGS_SIZE 256		/* BAR0 and BAR1 */

/* PCI revision IDs: 0x20 and up is the 8139C+ (C+ mode). Linux's 8139too
 * refuses a rev >= 0x20 chip ("use 8139cp"); rev 0x10 is a plain 8139C
 * without C+ registers, which 8139too drives. */
#define RTL8139_REVISION_8139C		0x10
#define RTL8139_REVISION_8139CPLUS	0x20

struct rtl8139_config {
	uint8_t mac[6];
	struct net_backend *backend;
	struct dm_timer_list *timers;
	const void *rom;	/* the PXE option ROM (copied) or NULL */
	size_t rom_size;
	/* 0: RTL8139_REVISION_8139CPLUS (QEMU's); RTL8139_REVISION_8139C
	 * for an 8139C without C+ mode. */
	uint8_t revision;
};

struct rtl8139;

/* On bus 0 at slot/function 0; attaches itself to cfg->backend with
 * net_backend_attach(). NULL with a message in err. */
struct rtl8139 *rtl8139_create(struct pci_bus *bus, unsigned slot,
			       struct guest_memory *mem,
			       const struct rtl8139_config *cfg, char *err,
			       size_t errlen);
/* Detaches from the backend (the backend stays the caller's). */
void rtl8139_destroy(struct rtl8139 *nic);

/* The backend's net_backend_link_up() changed: the NIC raises its link
 * change interrupt (it also notices by itself when the guest reads ISR).
 * Under the device-model lock. */
void rtl8139_link_changed(struct rtl8139 *nic);

/* For tests: the PCI function. */
struct pci_device *rtl8139_pci(struct rtl8139 *nic);

#endif /* DEVMODEL_NET_RTL8139_H */
