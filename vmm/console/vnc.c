// SPDX-License-Identifier: GPL-2.0
/*
 * The VNC console: not written yet (issue 11 in progress). A placeholder
 * so the monitor links; vnc = 1 is refused with a clear message.
 */
#include <stdio.h>
#include <stdlib.h>

#include "vmm/console/console.h"

struct vnc_console *vnc_console_start(const struct console_context *ctx,
				      char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: vnc: not supported yet",
		 ctx->cfg->display.where_vnc);
	return NULL;
}

void vnc_console_stop(struct vnc_console *c)
{
	(void)c;
}
