/* SPDX-License-Identifier: GPL-2.0 */
/* The verbs' side of the control socket (proto.h). */
#ifndef VMM_TOOLSTACK_CLIENT_H
#define VMM_TOOLSTACK_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "vmm/toolstack/proto.h"

/* Exit statuses of the verbs (README, "Exit statuses"). */
enum verb_status {
	VERB_OK = 0,
	VERB_FAILED = 1,       /* the guest refused, or a system error */
	VERB_USAGE = 2,        /* bad command line */
	VERB_NO_GUEST = 3,     /* no running guest of that name */
	VERB_DENIED = 4,       /* the guest belongs to another user */
	VERB_TIMEOUT = 5,      /* the monitor did not answer in time */
};

#define CTL_TIMEOUT_MS 5000

struct ctl_conn {
	int fd;
	char name[80];
	struct proto_reader rd;
};

/* Connect to NAME's socket and read its greeting. NULL with a message in
 * err and the status in *status. */
struct ctl_conn *ctl_open(const char *name, int timeout_ms, char *err,
			  size_t errlen, int *status);
void ctl_close(struct ctl_conn *c);
/* The two halves of ctl_open, for talking to many guests at once: the
 * connection (the greeting not read yet: requests may be sent already),
 * then the greeting. */
struct ctl_conn *ctl_connect(const char *name, char *err, size_t errlen,
			     int *status);
int ctl_greeting(struct ctl_conn *c, int timeout_ms, char *err, size_t errlen,
		 int *status);
/* ctl_call's halves: send req (put), read one reply. */
int ctl_send(struct ctl_conn *c, json_object *req, char *err, size_t errlen,
	     int *status);
json_object *ctl_recv(struct ctl_conn *c, int timeout_ms, char *err,
		      size_t errlen, int *status);

/* Send req (put) and read the reply: NULL with err/status on a transport
 * failure; a {"ok": false} reply is returned as is. */
json_object *ctl_call(struct ctl_conn *c, json_object *req, int timeout_ms,
		      char *err, size_t errlen, int *status);
/* {"cmd": cmd} */
json_object *ctl_cmd(const char *cmd);

/* One shot: open, call {"cmd": cmd}, close; prints errors as
 * "vmm VERB: ..." and returns the status; the reply in *reply if ok. */
int ctl_simple(const char *verb, const char *name, json_object *req,
	       json_object **reply);

/* Wait until the monitor closes the connection (the guest has ended):
 * 0, or -1 after timeout_ms (< 0: forever). */
int ctl_wait_closed(struct ctl_conn *c, int timeout_ms);

/* The names with a socket in the run directory, sorted (malloc'd array of
 * malloc'd strings); -1 with err, -2 when it is another user's. */
int ctl_list_names(char ***names, size_t *count, char *err, size_t errlen);

#endif
