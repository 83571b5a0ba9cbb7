/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The control socket, served in the monitor's event loop (proto.h for
 * the protocol, README "The control socket" for the commands). One fd for
 * the event loop (an epoll set of the listening socket, the clients, a
 * timer for slow clients and the console relay); never on the vCPU thread.
 */
#ifndef VMM_TOOLSTACK_SERVER_H
#define VMM_TOOLSTACK_SERVER_H

#include <stddef.h>

struct machine;
struct monitor_options;
struct ctl_server;

/* Bind and listen at opts->sock_path (mode 0600; a stale socket there is
 * replaced: the caller holds the name's lock). NULL with a message. */
struct ctl_server *ctl_server_start(struct machine *m,
				    const struct monitor_options *opts,
				    char *err, size_t errlen);
int ctl_server_fd(const struct ctl_server *srv);
/* The fd is readable: serve what is ready. No lock held. */
void ctl_server_ready(struct ctl_server *srv);
/* Remove the socket, close every client. NULL is ok. */
void ctl_server_stop(struct ctl_server *srv);

#endif
