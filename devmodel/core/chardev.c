// SPDX-License-Identifier: GPL-2.0
/*
 * Character backends (chardev.h).
 *
 * Output never blocks the vCPU: every output fd is O_NONBLOCK and what the
 * backend cannot take is dropped, as a UART whose cable nobody reads would.
 * Input is read into a ring and handed to the device as it has room (a
 * 16550's FIFO holds 16 bytes), so a paste is not lost to FIFO overruns;
 * past the ring's size input is dropped rather than left in the fd, which
 * would keep the event loop's epoll readable and spinning.
 *
 * The unix backend's fd for the event loop is an epoll set of its own (the
 * listening socket and the current client): the loop sees one fd for the
 * backend's whole life while clients come and go.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "devmodel/core/chardev.h"
#include "devmodel/core/errmsg.h"

#define RX_RING_SIZE 4096

struct chardev {
	enum chardev_kind kind;
	char *name;
	int in_fd, out_fd;  /* -1: none */
	bool out_is_socket; /* send() with MSG_NOSIGNAL, no SIGPIPE */
	bool input_ended;

	/* unix */
	int listen_fd, client_fd, epoll_fd;
	char *socket_path;  /* unlinked on close */
	/* pty: our own open slave keeps the master from reporting hangup
	 * (and epoll from spinning) while no terminal program is attached. */
	int pty_slave_fd;

	/* stdio */
	bool tty_raw;
	struct termios saved_termios;
	int saved_stdin_flags, saved_stdout_flags;

	chardev_receive_fn receive;
	void *receive_opaque;
	bool delivering;
	void (*escape)(void *opaque);
	void *escape_opaque;

	uint8_t rx_ring[RX_RING_SIZE];
	size_t rx_head, rx_len;
	uint64_t dropped_out, dropped_in;
};

static int set_nonblock(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return -errno;
	return 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static struct chardev *chardev_alloc(enum chardev_kind kind, const char *name)
{
	struct chardev *cd = calloc(1, sizeof(*cd));

	if (!cd)
		return NULL;
	cd->kind = kind;
	cd->in_fd = cd->out_fd = -1;
	cd->listen_fd = cd->client_fd = cd->epoll_fd = cd->pty_slave_fd = -1;
	cd->saved_stdin_flags = cd->saved_stdout_flags = -1;
	cd->name = strdup(name);
	if (!cd->name) {
		free(cd);
		return NULL;
	}
	return cd;
}

/* ---- stdio: raw terminal, restored however the monitor exits normally */

static struct chardev *stdio_owner; /* at most one stdio backend */

static void stdio_restore(struct chardev *cd)
{
	if (cd->tty_raw)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &cd->saved_termios);
	cd->tty_raw = false;
	if (cd->saved_stdin_flags >= 0)
		fcntl(STDIN_FILENO, F_SETFL, cd->saved_stdin_flags);
	if (cd->saved_stdout_flags >= 0)
		fcntl(STDOUT_FILENO, F_SETFL, cd->saved_stdout_flags);
	cd->saved_stdin_flags = cd->saved_stdout_flags = -1;
}

static void stdio_restore_at_exit(void)
{
	if (stdio_owner)
		stdio_restore(stdio_owner);
}

/* Raw mode: every key (Ctrl-C too) goes to the guest, no local echo, and
 * no output post-processing (the guest sends its own CR LF). */
static int stdio_make_raw(struct chardev *cd)
{
	struct termios raw;

	if (tcgetattr(STDIN_FILENO, &cd->saved_termios) < 0)
		return -errno;
	raw = cd->saved_termios;
	cfmakeraw(&raw);
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) < 0)
		return -errno;
	cd->tty_raw = true;
	return 0;
}

static int stdio_open(struct chardev *cd, char *err, size_t errlen)
{
	static bool atexit_done;
	int r;

	if (stdio_owner) {
		dm_set_error(err, errlen, "stdio: already used by another device");
		return -EBUSY;
	}
	cd->saved_stdin_flags = fcntl(STDIN_FILENO, F_GETFL);
	cd->saved_stdout_flags = fcntl(STDOUT_FILENO, F_GETFL);
	if (cd->saved_stdin_flags < 0 || cd->saved_stdout_flags < 0) {
		dm_set_error(err, errlen, "stdio: %s", strerror(errno));
		return -EBADF;
	}
	if (isatty(STDIN_FILENO)) {
		r = stdio_make_raw(cd);
		if (r) {
			dm_set_error(err, errlen, "stdio: cannot set raw mode: %s",
				  strerror(-r));
			return r;
		}
	}
	stdio_owner = cd;
	if (!atexit_done && atexit(stdio_restore_at_exit) == 0)
		atexit_done = true;
	set_nonblock(STDIN_FILENO);
	set_nonblock(STDOUT_FILENO);
	cd->in_fd = STDIN_FILENO;
	cd->out_fd = STDOUT_FILENO;
	return 0;
}

/* ---- pty */

static int pty_open(struct chardev *cd, char *err, size_t errlen)
{
	char slave[64];
	struct termios raw;
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (master < 0 || grantpt(master) || unlockpt(master) ||
	    ptsname_r(master, slave, sizeof(slave))) {
		dm_set_error(err, errlen, "pty: cannot create: %s", strerror(errno));
		if (master >= 0)
			close(master);
		return -ENODEV;
	}
	cd->pty_slave_fd = open(slave, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (cd->pty_slave_fd >= 0 && tcgetattr(cd->pty_slave_fd, &raw) == 0) {
		/* The guest talks to a terminal program (screen, minicom):
		 * no echo or line editing in between. */
		cfmakeraw(&raw);
		tcsetattr(cd->pty_slave_fd, TCSANOW, &raw);
	}
	set_nonblock(master);
	cd->in_fd = cd->out_fd = master;
	free(cd->name);
	cd->name = strdup(slave);
	fprintf(stderr, "vmm: COM1 is %s\n", slave);
	return cd->name ? 0 : -ENOMEM;
}

/* ---- file */

static int file_open(struct chardev *cd, const char *path, char *err,
		     size_t errlen)
{
	int fd;

	if (!path || !*path) {
		dm_set_error(err, errlen, "file: no path given");
		return -EINVAL;
	}
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NONBLOCK,
		  0644);
	if (fd < 0) {
		dm_set_error(err, errlen, "file: cannot open %s: %s", path,
			  strerror(errno));
		return -errno;
	}
	cd->out_fd = fd;
	return 0;
}

/* ---- unix */

static int epoll_add(int epfd, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

/* A socket file left by an earlier run is removed; anything else at the
 * path is the user's and stays. */
static int unix_clear_stale(const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return 0;
	if (!S_ISSOCK(st.st_mode)) {
		dm_set_error(err, errlen, "unix: %s exists and is not a socket",
			  path);
		return -EEXIST;
	}
	unlink(path);
	return 0;
}

static int unix_listen(struct chardev *cd, const char *path, char *err,
		       size_t errlen)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int r;

	if (!path || !*path || strlen(path) >= sizeof(addr.sun_path)) {
		dm_set_error(err, errlen, "unix: socket path missing or longer "
			  "than %zu bytes", sizeof(addr.sun_path) - 1);
		return -EINVAL;
	}
	r = unix_clear_stale(path, err, errlen);
	if (r)
		return r;
	strcpy(addr.sun_path, path);
	cd->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
			       SOCK_CLOEXEC, 0);
	if (cd->listen_fd < 0 ||
	    bind(cd->listen_fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    listen(cd->listen_fd, 1) < 0) {
		dm_set_error(err, errlen, "unix: cannot listen on %s: %s", path,
			  strerror(errno));
		return -errno;
	}
	cd->socket_path = strdup(path);
	cd->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (!cd->socket_path || cd->epoll_fd < 0 ||
	    epoll_add(cd->epoll_fd, cd->listen_fd)) {
		dm_set_error(err, errlen, "unix: %s: %s", path, strerror(errno));
		return -ENOMEM;
	}
	cd->out_is_socket = true;
	return 0;
}

static void unix_disconnect(struct chardev *cd)
{
	if (cd->client_fd < 0)
		return;
	epoll_ctl(cd->epoll_fd, EPOLL_CTL_DEL, cd->client_fd, NULL);
	close_fd(&cd->client_fd);
	cd->in_fd = cd->out_fd = -1;
}

/* One client at a time: a second one is accepted and closed at once, so
 * it sees the console is taken instead of hanging in the backlog. */
static void unix_accept(struct chardev *cd)
{
	int fd = accept4(cd->listen_fd, NULL, NULL,
			 SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return;
	if (cd->client_fd >= 0 || epoll_add(cd->epoll_fd, fd)) {
		close(fd);
		return;
	}
	cd->client_fd = cd->in_fd = cd->out_fd = fd;
}

/* ---- open / close */

static int backend_open(struct chardev *cd, const char *path, char *err,
			size_t errlen)
{
	switch (cd->kind) {
	case CHARDEV_NULL:
		return 0;
	case CHARDEV_STDIO:
		return stdio_open(cd, err, errlen);
	case CHARDEV_PTY:
		return pty_open(cd, err, errlen);
	case CHARDEV_FILE:
		return file_open(cd, path, err, errlen);
	case CHARDEV_UNIX:
		return unix_listen(cd, path, err, errlen);
	}
	dm_set_error(err, errlen, "unknown character backend %d", cd->kind);
	return -EINVAL;
}

static const char *default_name(enum chardev_kind kind, const char *path)
{
	if ((kind == CHARDEV_FILE || kind == CHARDEV_UNIX) && path)
		return path;
	return kind == CHARDEV_STDIO ? "stdio" :
	       kind == CHARDEV_PTY ? "pty" : "null";
}

struct chardev *chardev_open(enum chardev_kind kind, const char *path,
			     char *err, size_t errlen)
{
	struct chardev *cd = chardev_alloc(kind, default_name(kind, path));

	if (!cd) {
		dm_set_error(err, errlen, "character backend: out of memory");
		return NULL;
	}
	if (backend_open(cd, path, err, errlen)) {
		chardev_close(cd);
		return NULL;
	}
	return cd;
}

struct chardev *chardev_open_fds(int in_fd, int out_fd, char *err,
				 size_t errlen)
{
	struct chardev *cd = chardev_alloc(CHARDEV_NULL, "fds");
	struct stat st;

	if (!cd) {
		dm_set_error(err, errlen, "character backend: out of memory");
		return NULL;
	}
	cd->in_fd = in_fd;
	cd->out_fd = out_fd;
	if ((in_fd >= 0 && set_nonblock(in_fd)) ||
	    (out_fd >= 0 && set_nonblock(out_fd))) {
		dm_set_error(err, errlen, "fds %d/%d: %s", in_fd, out_fd,
			  strerror(errno));
		chardev_close(cd);
		return NULL;
	}
	cd->out_is_socket = out_fd >= 0 && fstat(out_fd, &st) == 0 &&
			    S_ISSOCK(st.st_mode);
	return cd;
}

void chardev_close(struct chardev *cd)
{
	if (!cd)
		return;
	if (cd->kind == CHARDEV_STDIO) {
		if (stdio_owner == cd) {
			stdio_restore(cd);
			stdio_owner = NULL;
		}
		cd->in_fd = cd->out_fd = -1; /* not ours to close */
	}
	if (cd->kind == CHARDEV_UNIX) {
		unix_disconnect(cd);
		close_fd(&cd->listen_fd);
		close_fd(&cd->epoll_fd);
		if (cd->socket_path)
			unlink(cd->socket_path);
	}
	if (cd->out_fd != cd->in_fd)
		close_fd(&cd->out_fd);
	close_fd(&cd->in_fd);
	close_fd(&cd->pty_slave_fd);
	free(cd->socket_path);
	free(cd->name);
	free(cd);
}

const char *chardev_name(const struct chardev *cd)
{
	return cd->name;
}

/* ---- output */

static ssize_t write_some(struct chardev *cd, const void *buf, size_t len)
{
	ssize_t n;

	do {
		if (cd->out_is_socket)
			n = send(cd->out_fd, buf, len,
				 MSG_DONTWAIT | MSG_NOSIGNAL);
		else
			n = write(cd->out_fd, buf, len);
	} while (n < 0 && errno == EINTR);
	return n;
}

size_t chardev_write(struct chardev *cd, const void *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	if (!cd)
		return 0;
	while (cd->out_fd >= 0 && done < len) {
		n = write_some(cd, (const uint8_t *)buf + done, len - done);
		if (n <= 0) {
			/* A unix client that went away is noticed here
			 * first when it sent nothing. */
			if (n < 0 && cd->kind == CHARDEV_UNIX &&
			    errno != EAGAIN)
				unix_disconnect(cd);
			break;
		}
		done += (size_t)n;
	}
	cd->dropped_out += len - done;
	return done;
}

uint64_t chardev_dropped(const struct chardev *cd)
{
	return cd->dropped_out;
}

/* ---- input */

int chardev_fd(const struct chardev *cd)
{
	if (!cd)
		return -1;
	if (cd->kind == CHARDEV_UNIX)
		return cd->epoll_fd;
	return cd->input_ended ? -1 : cd->in_fd;
}

void chardev_set_receiver(struct chardev *cd, chardev_receive_fn fn,
			  void *opaque)
{
	cd->receive = fn;
	cd->receive_opaque = opaque;
}

void chardev_set_escape(struct chardev *cd, void (*fn)(void *opaque),
			void *opaque)
{
	cd->escape = fn;
	cd->escape_opaque = opaque;
}

void chardev_accept_input(struct chardev *cd)
{
	size_t chunk, n;

	if (!cd || cd->delivering)
		return;
	cd->delivering = true;
	while (cd->rx_len && cd->receive) {
		chunk = cd->rx_len;
		if (chunk > RX_RING_SIZE - cd->rx_head)
			chunk = RX_RING_SIZE - cd->rx_head;
		n = cd->receive(cd->receive_opaque, cd->rx_ring + cd->rx_head,
				chunk);
		if (!n)
			break;
		cd->rx_head = (cd->rx_head + n) % RX_RING_SIZE;
		cd->rx_len -= n;
	}
	cd->delivering = false;
}

static void ring_push(struct chardev *cd, uint8_t byte)
{
	if (cd->rx_len == RX_RING_SIZE) {
		cd->dropped_in++;
		return;
	}
	cd->rx_ring[(cd->rx_head + cd->rx_len) % RX_RING_SIZE] = byte;
	cd->rx_len++;
}

static void take_input(struct chardev *cd, const uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == CHARDEV_ESCAPE_CHAR && cd->escape && cd->tty_raw) {
			cd->escape(cd->escape_opaque);
			continue;
		}
		ring_push(cd, buf[i]);
	}
}

/* Drain fd: 1 when it is still open, 0 at end of input, -errno. */
static int drain_fd(struct chardev *cd, int fd)
{
	uint8_t buf[512];
	ssize_t n;

	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n > 0) {
			take_input(cd, buf, (size_t)n);
			continue;
		}
		if (n == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN)
			return 1;
		return -errno;
	}
}

static int unix_read_ready(struct chardev *cd)
{
	struct epoll_event ev[2];
	int n = epoll_wait(cd->epoll_fd, ev, 2, 0);

	for (int i = 0; i < n; i++) {
		if (ev[i].data.fd == cd->listen_fd)
			unix_accept(cd);
		else if (ev[i].data.fd == cd->client_fd &&
			 drain_fd(cd, cd->client_fd) <= 0)
			unix_disconnect(cd); /* a client left; wait for more */
	}
	return 1;
}

int chardev_read_ready(struct chardev *cd)
{
	int r;

	if (!cd)
		return 0;
	if (cd->kind == CHARDEV_UNIX) {
		r = unix_read_ready(cd);
	} else {
		if (cd->in_fd < 0 || cd->input_ended)
			return 0;
		r = drain_fd(cd, cd->in_fd);
		if (r <= 0)
			cd->input_ended = true;
	}
	chardev_accept_input(cd);
	return r;
}
