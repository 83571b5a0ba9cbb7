// SPDX-License-Identifier: GPL-2.0
/*
 * Close an X window the way a window manager's close button does: a
 * WM_DELETE_WINDOW client message (ICCCM 4.2.8.1). Xvfb has no window
 * manager, and xdotool (Debian 12) has no such command.
 *
 *   sdl-close-window WINDOW-ID
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <X11/Xlib.h>

int main(int argc, char **argv)
{
	Display *dpy;
	XEvent ev;
	Window w;

	if (argc != 2) {
		fprintf(stderr, "usage: sdl-close-window WINDOW-ID\n");
		return 2;
	}
	w = (Window)strtoul(argv[1], NULL, 0);
	dpy = XOpenDisplay(NULL);
	if (!dpy) {
		fprintf(stderr, "sdl-close-window: cannot open the display\n");
		return 1;
	}
	memset(&ev, 0, sizeof(ev));
	ev.xclient.type = ClientMessage;
	ev.xclient.window = w;
	ev.xclient.message_type = XInternAtom(dpy, "WM_PROTOCOLS", False);
	ev.xclient.format = 32;
	ev.xclient.data.l[0] = (long)XInternAtom(dpy, "WM_DELETE_WINDOW", False);
	ev.xclient.data.l[1] = CurrentTime;
	XSendEvent(dpy, w, False, NoEventMask, &ev);
	XCloseDisplay(dpy);
	return 0;
}
