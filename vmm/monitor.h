/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VMM_MONITOR_H
#define VMM_MONITOR_H

#include "config.h"

/* Build the machine, run the guest until it ends for good (on_* actions
 * applied), return an exit status (enum vm_exit_status, or the
 * isa-debug-exit value). Errors are reported on stderr. */
int monitor_run(const struct vm_config *cfg);

#endif /* VMM_MONITOR_H */
