/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where a guest's files live: the run directory (one control socket
 * NAME.sock and one lock file NAME.lock per running guest) and the log.
 *
 *   root     /run/vmm, logs in /var/log/vmm (the run directory when
 *            /var/log/vmm cannot be made)
 *   others   $XDG_RUNTIME_DIR/vmm, else /tmp/vmm-UID; logs beside the sockets
 *   VMM_RUN_DIR=DIR overrides both (tests, benchmarks): sockets, locks
 *   and logs in DIR
 *
 * The directory is made mode 0700 and must be a real directory (not a
 * symlink) owned by the caller with no group/other access, or nothing in
 * it is trusted.
 */
#ifndef VMM_TOOLSTACK_RUNDIR_H
#define VMM_TOOLSTACK_RUNDIR_H

#include <stdbool.h>
#include <stddef.h>

#define GUEST_NAME_MAX 64

/* A name usable as a file name in the run directory: 1..64 of
 * [A-Za-z0-9_.+-], not starting with '.' or '-'. */
bool guest_name_valid(const char *name, char *err, size_t errlen);

/* The run directory's path (created when `create` is set). 0 or -1 with
 * a message in err. */
int rundir_get(char *buf, size_t len, bool create, char *err, size_t errlen);

/* DIR/NAME.SUFFIX in the run directory; -1 when too long. */
int rundir_file(char *buf, size_t len, const char *dir, const char *name,
		const char *suffix);

/* The log file's path for NAME (its directory created). */
int rundir_log_path(char *buf, size_t len, const char *dir, const char *name);

#endif
