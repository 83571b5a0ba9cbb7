// SPDX-License-Identifier: GPL-2.0
/*
 * Starting and stopping the consoles cfg->display asks for (VNC, SDL, both
 * or none: with none the guest still has its VGA, as on Xen).
 */
#include <stdlib.h>

#include "vmm/console/console.h"

struct consoles {
	struct vnc_console *vnc;
	struct sdl_console *sdl;
};

struct consoles *consoles_start(const struct console_context *ctx, char *err,
				size_t errlen)
{
	const struct vm_display *d = &ctx->cfg->display;
	struct consoles *c = calloc(1, sizeof(*c));

	if (!c)
		abort();
	if (d->vnc && !(c->vnc = vnc_console_start(ctx, err, errlen)))
		goto fail;
	if (d->sdl && !(c->sdl = sdl_console_start(ctx, err, errlen)))
		goto fail;
	return c;
fail:
	consoles_stop(c);
	return NULL;
}

void consoles_stop(struct consoles *c)
{
	if (!c)
		return;
	if (c->sdl)
		sdl_console_stop(c->sdl);
	if (c->vnc)
		vnc_console_stop(c->vnc);
	free(c);
}
