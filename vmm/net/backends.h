/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The monitor's net backends (devmodel/net/net.h's seam): libslirp's
 * user-mode network (slirp.c) and a TAP device (tap.c), each made from one
 * vif entry. Every failure is one line naming the entry ("FILE:LINE: vif:
 * 'ENTRY': ..."), before the guest starts.
 */
#ifndef VMM_NET_BACKENDS_H
#define VMM_NET_BACKENDS_H

#include <pthread.h>
#include <stddef.h>

#include "devmodel/net/net.h"
#include "vmm/config.h"

/* The vif's backend; INDEX is the NIC's (0..3), GUEST the guest's name.
 * NULL with the message in ERR. */
struct net_backend *net_user_create(const struct vm_vif *vif, unsigned index,
				    const char *guest, pthread_mutex_t *dm_lock,
				    char *err, size_t errlen);
struct net_backend *net_tap_create(const struct vm_vif *vif, unsigned index,
				   const char *guest, pthread_mutex_t *dm_lock,
				   char *err, size_t errlen);

/* The TAP's name for a guest's NIC: VIFNAME, or "vmm-GUEST.INDEX" with
 * GUEST shortened (and characters an interface name cannot hold
 * replaced) to fit IFNAMSIZ. */
void net_tap_name(const struct vm_vif *vif, unsigned index, const char *guest,
		  char *buf, size_t len);

#endif /* VMM_NET_BACKENDS_H */
