// SPDX-License-Identifier: GPL-2.0
/*
 * A scripted VNC client for the display tests, on Debian's libvncclient:
 * connects (optionally with VNC authentication), then runs its commands in
 * order while it keeps taking the server's updates.
 *
 *   vnc-client [--password PW] [--timeout S] HOST:PORT COMMAND...
 *
 *   wait-update        wait for the next complete framebuffer update
 *   wait-size WxH      wait until the framebuffer is W x H (DesktopSize)
 *   size               print "WxH"
 *   save FILE.ppm      the framebuffer as a binary PPM
 *   pixel X Y          print the pixel as RRGGBB
 *   wait-pixel X Y RRGGBB  wait until that pixel has that colour
 *   key NAME           press and release a keysym (XKB name or one char)
 *   keydown NAME, keyup NAME
 *   type TEXT          type TEXT as a US keyboard would: Shift held for
 *                      capitals and shifted symbols, '\n' as Return
 *   move X Y           the pointer to X,Y (buttons as they are)
 *   buttons MASK       press/release buttons (bit 0 left, 1 middle, 2 right)
 *   wheel up|down      one wheel step (RFC 6143 buttons 4/5)
 *   sleep MS           wait, still taking updates
 *
 * Exit: 0 done, 1 error, 3 authentication refused, 4 timeout.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rfb/rfbclient.h>
#include <xkbcommon/xkbcommon.h>

#define EXIT_AUTH 3
#define EXIT_TIMEOUT 4

static unsigned long frames;       /* complete updates received */
/* Which pixels the server has sent since the framebuffer got its size: a
 * new size is only "there" when all of it came (an update asked for before
 * the client knew the new size covers the old one only). */
static uint8_t *covered;
static size_t nr_covered;
static rfbBool (*lib_malloc_fb)(rfbClient *);
static const char *password;
static bool auth_failed;
static double timeout_s = 30;

static void client_log(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* libvncclient says "VNC authentication failed" (or the server's
	 * reason) when the password is refused. */
	if (strcasestr(buf, "authentication failed") ||
	    strcasestr(buf, "auth failed") || strcasestr(buf, "password check failed"))
		auth_failed = true;
	if (getenv("VNC_CLIENT_DEBUG"))
		fprintf(stderr, "vnc-client: %s", buf);
}

static char *get_password(rfbClient *client)
{
	(void)client;
	return strdup(password ? password : "");
}

static void finished_update(rfbClient *client)
{
	(void)client;
	frames++;
}

static rfbBool malloc_fb(rfbClient *client)
{
	free(covered);
	covered = calloc((size_t)client->width * client->height, 1);
	nr_covered = 0;
	if (!covered)
		return FALSE;
	return lib_malloc_fb(client);
}

static void got_update(rfbClient *c, int x, int y, int w, int h)
{
	for (int row = y; row < y + h && row < c->height; row++)
		for (int col = x; col < x + w && col < c->width; col++) {
			uint8_t *p = &covered[(size_t)row * c->width + col];

			nr_covered += !*p;
			*p = 1;
		}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("vnc-client: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(code);
}

/* Take server messages for up to `seconds`; false when the link broke. */
static void pump(rfbClient *c, double seconds)
{
	double end = now() + seconds;

	do {
		double left = end - now();
		int n = WaitForMessage(c, left > 0 ? (unsigned)(left * 1e6) : 0);

		if (n < 0)
			die(1, "connection lost");
		if (n > 0 && !HandleRFBServerMessage(c))
			die(1, "connection lost");
	} while (now() < end);
}

static uint32_t pixel_at(rfbClient *c, int x, int y)
{
	const uint32_t *p = (const uint32_t *)c->frameBuffer + (size_t)y * c->width + x;
	uint32_t v = *p;
	unsigned r = (v >> c->format.redShift) & c->format.redMax;
	unsigned g = (v >> c->format.greenShift) & c->format.greenMax;
	unsigned b = (v >> c->format.blueShift) & c->format.blueMax;

	return r << 16 | g << 8 | b;
}

static void wait_frames(rfbClient *c, bool (*done)(rfbClient *, void *),
			void *arg, const char *what)
{
	double end = now() + timeout_s;

	while (!done(c, arg)) {
		if (now() > end)
			die(EXIT_TIMEOUT, "timeout waiting for %s", what);
		pump(c, 0.05);
	}
}

static bool next_frame(rfbClient *c, void *arg)
{
	(void)c;
	return frames > *(unsigned long *)arg;
}

struct want_size { int w, h; };

static bool size_is(rfbClient *c, void *arg)
{
	const struct want_size *s = arg;

	return c->width == s->w && c->height == s->h &&
	       nr_covered == (size_t)c->width * c->height;
}

struct want_pixel { int x, y; uint32_t rgb; };

static bool pixel_is(rfbClient *c, void *arg)
{
	const struct want_pixel *p = arg;

	return frames > 0 && p->x < c->width && p->y < c->height &&
	       pixel_at(c, p->x, p->y) == p->rgb;
}

static void save_ppm(rfbClient *c, const char *path)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		die(1, "%s: %s", path, strerror(errno));
	fprintf(f, "P6\n%d %d\n255\n", c->width, c->height);
	for (int y = 0; y < c->height; y++)
		for (int x = 0; x < c->width; x++) {
			uint32_t rgb = pixel_at(c, x, y);
			unsigned char px[3] = { rgb >> 16, rgb >> 8, rgb };

			fwrite(px, 1, 3, f);
		}
	if (fclose(f))
		die(1, "%s: %s", path, strerror(errno));
}

static uint32_t keysym_of(const char *name)
{
	xkb_keysym_t ks;

	if (strlen(name) == 1)
		return (unsigned char)name[0];
	ks = xkb_keysym_from_name(name, XKB_KEYSYM_NO_FLAGS);
	if (ks == XKB_KEY_NoSymbol)
		die(1, "unknown keysym '%s'", name);
	return ks;
}

static void send_key(rfbClient *c, uint32_t keysym, bool down)
{
	if (!SendKeyEvent(c, keysym, down))
		die(1, "sending a key failed");
}

/* A US keyboard: what needs Shift. */
static bool us_shifted(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || strchr("~!@#$%^&*()_+{}|:\"<>?", ch);
}

static void type_text(rfbClient *c, const char *text)
{
	for (const char *p = text; *p; p++) {
		uint32_t ks = (unsigned char)*p;
		bool shift = us_shifted(*p);

		if (*p == '\n')
			ks = XKB_KEY_Return;
		if (shift)
			send_key(c, XKB_KEY_Shift_L, true);
		send_key(c, ks, true);
		send_key(c, ks, false);
		if (shift)
			send_key(c, XKB_KEY_Shift_L, false);
		/* Let the guest's keyboard controller drain between keys. */
		pump(c, 0.02);
	}
}

/* Close so that the server still reads all we sent: closing at once would
 * reset the connection when its next update arrives, and Linux drops what
 * the server had not read yet (our last key events). Half-close instead,
 * and read until the server, having read everything, closes too. */
static void leave(rfbClient *c)
{
	double end = now() + timeout_s;
	char buf[4096];

	shutdown(c->sock, SHUT_WR);
	while (now() < end) {
		struct pollfd p = { .fd = c->sock, .events = POLLIN };

		if (poll(&p, 1, 100) > 0 && read(c->sock, buf, sizeof(buf)) <= 0)
			break;
	}
}

int main(int argc, char **argv)
{
	int pointer_x = 0, pointer_y = 0, mask = 0, i = 1;
	char *server, *colon;
	rfbClient *c;

	for (; i < argc && !strncmp(argv[i], "--", 2); i++) {
		if (!strcmp(argv[i], "--password") && i + 1 < argc)
			password = argv[++i];
		else if (!strcmp(argv[i], "--timeout") && i + 1 < argc)
			timeout_s = atof(argv[++i]);
		else
			die(1, "unknown option %s", argv[i]);
	}
	if (i >= argc)
		die(1, "usage: vnc-client [--password PW] [--timeout S] HOST:PORT COMMAND...");
	server = strdup(argv[i++]);
	colon = strrchr(server, ':');
	if (!server || !colon)
		die(1, "%s: want HOST:PORT", argv[i - 1]);
	*colon = '\0';

	rfbClientLog = client_log;
	rfbClientErr = client_log;
	c = rfbGetClient(8, 3, 4);
	c->serverHost = strdup(server[0] == '[' ? server + 1 : server);
	if (c->serverHost[0] && c->serverHost[strlen(c->serverHost) - 1] == ']')
		c->serverHost[strlen(c->serverHost) - 1] = '\0';
	c->serverPort = atoi(colon + 1);
	c->GetPassword = get_password;
	c->FinishedFrameBufferUpdate = finished_update;
	c->canHandleNewFBSize = TRUE;
	lib_malloc_fb = c->MallocFrameBuffer;
	c->MallocFrameBuffer = malloc_fb;
	c->GotFrameBufferUpdate = got_update;
	/* Lossless encodings only: the tests compare pixels. */
	c->appData.encodingsString = "zrle hextile raw";
	c->appData.shareDesktop = TRUE;
	if (!rfbInitClient(c, NULL, NULL)) {
		if (auth_failed)
			die(EXIT_AUTH, "authentication refused");
		die(1, "cannot connect to %s:%s", server, colon + 1);
	}

	for (; i < argc; i++) {
		const char *cmd = argv[i];
		bool has1 = i + 1 < argc, has2 = i + 2 < argc, has3 = i + 3 < argc;

		if (!strcmp(cmd, "wait-update")) {
			unsigned long seen = frames;

			wait_frames(c, next_frame, &seen, "an update");
		} else if (!strcmp(cmd, "wait-size") && has1) {
			struct want_size s;

			if (sscanf(argv[++i], "%dx%d", &s.w, &s.h) != 2)
				die(1, "wait-size: want WxH");
			wait_frames(c, size_is, &s, argv[i]);
		} else if (!strcmp(cmd, "size")) {
			printf("%dx%d\n", c->width, c->height);
		} else if (!strcmp(cmd, "save") && has1) {
			save_ppm(c, argv[++i]);
		} else if (!strcmp(cmd, "pixel") && has2) {
			int x = atoi(argv[i + 1]), y = atoi(argv[i + 2]);

			i += 2;
			if (x < 0 || y < 0 || x >= c->width || y >= c->height)
				die(1, "pixel %d,%d outside %dx%d", x, y, c->width, c->height);
			printf("%06x\n", pixel_at(c, x, y));
		} else if (!strcmp(cmd, "wait-pixel") && has3) {
			struct want_pixel p = {
				atoi(argv[i + 1]), atoi(argv[i + 2]),
				(uint32_t)strtoul(argv[i + 3], NULL, 16) };

			i += 3;
			wait_frames(c, pixel_is, &p, "a pixel");
		} else if (!strcmp(cmd, "key") && has1) {
			uint32_t ks = keysym_of(argv[++i]);

			send_key(c, ks, true);
			send_key(c, ks, false);
		} else if (!strcmp(cmd, "keydown") && has1) {
			send_key(c, keysym_of(argv[++i]), true);
		} else if (!strcmp(cmd, "keyup") && has1) {
			send_key(c, keysym_of(argv[++i]), false);
		} else if (!strcmp(cmd, "type") && has1) {
			type_text(c, argv[++i]);
		} else if (!strcmp(cmd, "move") && has2) {
			pointer_x = atoi(argv[i + 1]);
			pointer_y = atoi(argv[i + 2]);
			i += 2;
			SendPointerEvent(c, pointer_x, pointer_y, mask);
		} else if (!strcmp(cmd, "buttons") && has1) {
			mask = atoi(argv[++i]) & 7;
			SendPointerEvent(c, pointer_x, pointer_y, mask);
		} else if (!strcmp(cmd, "wheel") && has1) {
			int bit = !strcmp(argv[++i], "up") ? 8 : 16;

			SendPointerEvent(c, pointer_x, pointer_y, mask | bit);
			SendPointerEvent(c, pointer_x, pointer_y, mask);
		} else if (!strcmp(cmd, "sleep") && has1) {
			pump(c, atof(argv[++i]) / 1000);
		} else {
			die(1, "bad command '%s' (or its arguments missing)", cmd);
		}
		fflush(stdout);
	}
	leave(c);
	rfbClientCleanup(c);
	return 0;
}
