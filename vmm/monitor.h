/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VMM_MONITOR_H
#define VMM_MONITOR_H

#include "config.h"

/* How the toolstack runs a monitor (vmm/toolstack/create.c). */
struct monitor_options {
	const char *sock_path;   /* the control socket to serve; NULL: none */
	const char *log_path;    /* where stderr goes, for `info`; may be NULL */
	int ready_fd;            /* gets "running\n" once the guest runs, or
	                          * the startup error's text; -1: none */
	int console_fd;          /* serial = 'stdio' in the background: the
	                          * other end of the monitor's stdin/stdout,
	                          * relayed to `vmm console`; -1: none */
};

/* Build the machine, run the guest until it ends for good (on_* actions
 * applied), return an exit status (enum vm_exit_status, or the
 * isa-debug-exit value). Errors are reported on stderr. opts may be NULL. */
int monitor_run(const struct vm_config *cfg, const struct monitor_options *opts);

#endif /* VMM_MONITOR_H */
