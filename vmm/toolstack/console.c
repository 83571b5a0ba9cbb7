// SPDX-License-Identifier: GPL-2.0
/*
 * vmm console NAME: this terminal (or a pipe) on the guest's COM1, as xm
 * console. The monitor either switches the control connection to raw
 * bytes (serial = 'stdio' in a background guest: it relays its
 * stdin/stdout) or names the pty (serial = 'pty'), which we open. Ctrl-]
 * detaches; a tty is put in raw mode while attached. From a pipe, the end
 * of input detaches after the guest has been quiet for a moment, so a
 * script's command gets its output back.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "vmm/toolstack/client.h"
#include "vmm/toolstack/verbs.h"

#define ESCAPE_CHAR 0x1d        /* Ctrl-] */
#define PIPE_LINGER_MS 1000      /* after stdin's end: output until quiet */

static struct termios saved;
static bool raw_mode;

static void restore_tty(void)
{
	if (raw_mode)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
	raw_mode = false;
}

static void enter_raw(void)
{
	struct termios raw;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved) < 0)
		return;
	raw = saved;
	cfmakeraw(&raw);
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) == 0) {
		raw_mode = true;
		atexit(restore_tty);
	}
}

/* To a socket with send(): a monitor that has gone is an error, not a
 * SIGPIPE. */
static int write_all(int fd, const char *buf, size_t len)
{
	struct stat st;
	bool sock = fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);

	while (len) {
		ssize_t n = sock ? send(fd, buf, len, MSG_NOSIGNAL) : write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Bytes between stdin/stdout and fd until Ctrl-], the far end closing, or
 * stdin's end plus a quiet moment. */
static int relay(int fd, const char *name, const char *first, size_t first_len)
{
	bool stdin_open = true;
	char buf[4096];

	if (first_len && write_all(STDOUT_FILENO, first, first_len) < 0)
		return VERB_FAILED;
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = fd, .events = POLLIN },
			{ .fd = stdin_open ? STDIN_FILENO : -1, .events = POLLIN },
		};
		int r = poll(p, 2, stdin_open ? -1 : PIPE_LINGER_MS);
		ssize_t n;

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return VERB_FAILED;
		if (r == 0)
			return VERB_OK; /* stdin ended and the guest went quiet */
		if (p[0].revents) {
			n = read(fd, buf, sizeof(buf));
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0) {
				restore_tty();
				fprintf(stderr, "\r\nvmm console: %s's console closed "
					"(the guest has ended)\n", name);
				return VERB_OK;
			}
			if (write_all(STDOUT_FILENO, buf, (size_t)n) < 0)
				return VERB_FAILED;
		}
		if (stdin_open && p[1].revents) {
			char *esc;

			n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				stdin_open = false;
				continue;
			}
			esc = memchr(buf, ESCAPE_CHAR, (size_t)n);
			if (esc)
				n = esc - buf;
			if (n > 0 && write_all(fd, buf, (size_t)n) < 0)
				return VERB_FAILED;
			if (esc) {
				restore_tty();
				fprintf(stderr, "\r\nvmm console: detached from %s\n", name);
				return VERB_OK;
			}
		}
	}
}

int console_attach(const char *name)
{
	char err[512];
	int status, fd;
	struct ctl_conn *c = ctl_open(name, CTL_TIMEOUT_MS, err, sizeof(err), &status);
	json_object *r, *ok;
	const char *pty;

	if (!c) {
		fprintf(stderr, "vmm console: %s\n", err);
		return status;
	}
	r = ctl_call(c, ctl_cmd("console"), CTL_TIMEOUT_MS, err, sizeof(err), &status);
	if (!r) {
		fprintf(stderr, "vmm console: %s\n", err);
		ctl_close(c);
		return status;
	}
	if (!json_object_object_get_ex(r, "ok", &ok) || !json_object_get_boolean(ok)) {
		fprintf(stderr, "vmm console: %s\n", proto_get_string(r, "error") ?
			proto_get_string(r, "error") : "refused");
		json_object_put(r);
		ctl_close(c);
		return VERB_FAILED;
	}
	pty = proto_get_string(r, "pty");
	if (isatty(STDIN_FILENO))
		fprintf(stderr, "vmm console: %s's COM1%s%s (Ctrl-] detaches)\r\n",
			name, pty ? " on " : "", pty ? pty : "");
	enter_raw();
	if (pty) {
		fd = open(pty, O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (fd < 0) {
			restore_tty();
			fprintf(stderr, "vmm console: %s: %s\n", pty, strerror(errno));
			status = VERB_FAILED;
		} else {
			status = relay(fd, name, NULL, 0);
			close(fd);
		}
	} else {
		/* bytes the monitor sent after its reply are console output */
		size_t rest = c->rd.len - c->rd.taken;

		status = relay(c->fd, name, c->rd.buf + c->rd.taken, rest);
	}
	restore_tty();
	json_object_put(r);
	ctl_close(c);
	return status;
}
