// SPDX-License-Identifier: GPL-2.0
/*
 * The SDL console: not written yet (issue 11 in progress). A placeholder
 * so the monitor links; sdl = 1 is refused with a clear message.
 */
#include <stdio.h>
#include <stdlib.h>

#include "vmm/console/console.h"

struct sdl_console *sdl_console_start(const struct console_context *ctx,
				      char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: sdl: not supported yet",
		 ctx->cfg->display.where_sdl);
	return NULL;
}

void sdl_console_stop(struct sdl_console *c)
{
	(void)c;
}
