// SPDX-License-Identifier: GPL-2.0
/*
 * Character backends (null, file, fds over a socketpair, unix socket, pty)
 * and the two devices that write to them directly: the 0x402 debug
 * console and isa-debug-exit.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "devmodel/chipset/debugcon.h"
#include "devmodel/core/chardev.h"

/* A receiver with room for `room` more bytes (a device's FIFO). */
struct sink {
	char got[256];
	size_t len, room;
};

static size_t sink_receive(void *opaque, const uint8_t *buf, size_t len)
{
	struct sink *s = opaque;

	if (len > s->room)
		len = s->room;
	s->room -= len;
	memcpy(s->got + s->len, buf, len);
	s->len += len;
	return len;
}

static char tmpdir[64];

static int make_tmpdir(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/test-chardev-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static char *tmp_path(const char *name)
{
	static char path[128];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	return path;
}

static size_t read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, buf, len);
	close(fd);
	return n < 0 ? 0 : (size_t)n;
}

static void test_null(void **state)
{
	char err[128];
	struct chardev *cd = chardev_open(CHARDEV_NULL, NULL, err, sizeof(err));

	(void)state;
	assert_non_null(cd);
	assert_int_equal(chardev_fd(cd), -1);
	assert_int_equal(chardev_write(cd, "x", 1), 0);
	assert_int_equal(chardev_dropped(cd), 1);
	chardev_close(cd);
}

static void test_file_appends(void **state)
{
	char err[128], buf[64];
	const char *path = tmp_path("out.log");
	struct chardev *cd;

	(void)state;
	for (int i = 0; i < 2; i++) {
		cd = chardev_open(CHARDEV_FILE, path, err, sizeof(err));
		assert_non_null(cd);
		assert_int_equal(chardev_fd(cd), -1); /* no input */
		assert_string_equal(chardev_name(cd), path);
		assert_int_equal(chardev_write(cd, i ? "world" : "hello", 5), 5);
		chardev_close(cd);
	}
	assert_int_equal(read_file(path, buf, sizeof(buf)), 10);
	assert_memory_equal(buf, "helloworld", 10);
}

static void test_open_errors(void **state)
{
	char err[256];
	char longpath[200];

	(void)state;
	assert_null(chardev_open(CHARDEV_FILE, "/nonexistent/dir/x", err,
				 sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/dir/x"));
	assert_null(chardev_open(CHARDEV_FILE, NULL, err, sizeof(err)));
	memset(longpath, 'p', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = 0;
	assert_null(chardev_open(CHARDEV_UNIX, longpath, err, sizeof(err)));
	assert_non_null(strstr(err, "unix"));
	/* A regular file in the way of the socket stays. */
	chardev_close(chardev_open(CHARDEV_FILE, tmp_path("f"), err,
				   sizeof(err)));
	assert_int_equal(access(tmp_path("f"), F_OK), 0);
	assert_null(chardev_open(CHARDEV_UNIX, tmp_path("f"), err,
				 sizeof(err)));
	assert_non_null(strstr(err, "not a socket"));
}

static void test_fds_both_ways(void **state)
{
	char err[128], buf[16];
	struct sink sink = { .room = 2 };
	struct chardev *cd;
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	cd = chardev_open_fds(sv[0], dup(sv[0]), err, sizeof(err));
	assert_non_null(cd);
	chardev_set_receiver(cd, sink_receive, &sink);
	assert_int_equal(chardev_write(cd, "out", 3), 3);
	assert_int_equal(read(sv[1], buf, sizeof(buf)), 3);
	assert_memory_equal(buf, "out", 3);

	assert_int_equal(write(sv[1], "input", 5), 5);
	assert_int_equal(chardev_read_ready(cd), 1);
	assert_int_equal(sink.len, 2); /* the device took what it could */
	sink.room = 100;
	chardev_accept_input(cd);
	assert_int_equal(sink.len, 5);
	assert_memory_equal(sink.got, "input", 5);

	close(sv[1]);
	assert_int_equal(chardev_read_ready(cd), 0); /* input ended */
	assert_int_equal(chardev_fd(cd), -1);
	chardev_close(cd);
}

/* The vCPU never stalls on a peer that does not read. */
static void test_write_never_blocks(void **state)
{
	char err[128], chunk[4096] = { 0 };
	struct chardev *cd;
	size_t taken = 0;
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	cd = chardev_open_fds(-1, sv[0], err, sizeof(err));
	assert_non_null(cd);
	for (int i = 0; i < 1024; i++)
		taken += chardev_write(cd, chunk, sizeof(chunk));
	assert_true(taken < 1024 * sizeof(chunk));
	assert_int_equal(chardev_dropped(cd), 1024 * sizeof(chunk) - taken);
	chardev_close(cd);
	close(sv[1]);
}

static int connect_to(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	strcpy(addr.sun_path, path);
	assert_int_equal(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	return fd;
}

static void test_unix_socket(void **state)
{
	char err[128], buf[16];
	const char *path = tmp_path("console.sock");
	struct sink sink = { .room = 100 };
	struct chardev *cd = chardev_open(CHARDEV_UNIX, path, err, sizeof(err));
	int fd = chardev_fd(cd), client, second;

	(void)state;
	assert_non_null(cd);
	assert_true(fd >= 0);
	chardev_set_receiver(cd, sink_receive, &sink);
	assert_int_equal(chardev_write(cd, "lost", 4), 0); /* nobody there */

	client = connect_to(path);
	assert_int_equal(chardev_read_ready(cd), 1); /* accepts */
	assert_int_equal(chardev_write(cd, "hi", 2), 2);
	assert_int_equal(read(client, buf, sizeof(buf)), 2);
	assert_int_equal(write(client, "typed", 5), 5);
	assert_int_equal(chardev_read_ready(cd), 1);
	assert_int_equal(sink.len, 5);
	assert_memory_equal(sink.got, "typed", 5);

	second = connect_to(path); /* one client at a time: closed */
	chardev_read_ready(cd);
	assert_int_equal(setsockopt(second, SOL_SOCKET, SO_RCVTIMEO,
				    &(struct timeval){ .tv_sec = 2 },
				    sizeof(struct timeval)), 0);
	assert_int_equal(read(second, buf, sizeof(buf)), 0);
	close(second);

	close(client);
	chardev_read_ready(cd);
	assert_int_equal(chardev_write(cd, "x", 1), 0);
	assert_int_equal(chardev_fd(cd), fd); /* stable for the event loop */

	client = connect_to(path); /* and a new client is welcome */
	chardev_read_ready(cd);
	assert_int_equal(chardev_write(cd, "again", 5), 5);
	close(client);
	chardev_close(cd);
	assert_int_not_equal(access(path, F_OK), 0); /* socket removed */
}

static void test_pty(void **state)
{
	char err[128], buf[8];
	struct chardev *cd = chardev_open(CHARDEV_PTY, NULL, err, sizeof(err));
	int slave;

	(void)state;
	if (!cd)
		skip();
	assert_int_equal(strncmp(chardev_name(cd), "/dev/pts/", 9), 0);
	slave = open(chardev_name(cd), O_RDWR | O_NOCTTY);
	assert_true(slave >= 0);
	assert_int_equal(chardev_write(cd, "p", 1), 1);
	assert_int_equal(read(slave, buf, sizeof(buf)), 1);
	assert_int_equal(buf[0], 'p');
	close(slave);
	chardev_close(cd);
}

/* ---- debug console and debug exit */

static int exit_status = -1;

static void record_exit(void *opaque, int status)
{
	(void)opaque;
	exit_status = status;
}

static void test_debugcon(void **state)
{
	char err[128], buf[16];
	const char *path = tmp_path("debug.log");
	struct chardev *cd = chardev_open(CHARDEV_FILE, path, err, sizeof(err));
	struct io_bus *pio = io_bus_new("pio");
	struct debugcon *dc = debugcon_create(pio, DEBUGCON_SEABIOS_PORT, cd);
	uint64_t v;

	(void)state;
	assert_non_null(dc);
	assert_true(io_bus_read(pio, 0x402, 1, &v));
	assert_int_equal(v, 0xe9);
	assert_true(io_bus_write(pio, 0x402, 1, 'S'));
	assert_true(io_bus_write(pio, 0x402, 1, 'e'));
	assert_true(io_bus_write(pio, 0x402, 1, 'a'));
	debugcon_destroy(dc);
	assert_false(io_bus_read(pio, 0x402, 1, &v)); /* unregistered */
	chardev_close(cd);
	io_bus_free(pio);
	assert_int_equal(read_file(path, buf, sizeof(buf)), 3);
	assert_memory_equal(buf, "Sea", 3);
}

static void test_debug_exit(void **state)
{
	struct io_bus *pio = io_bus_new("pio");
	struct debug_exit *de = debug_exit_create(pio, DEBUG_EXIT_PORT, 4,
						  record_exit, NULL);

	(void)state;
	assert_non_null(de);
	assert_true(io_bus_write(pio, 0xf4, 1, 0x00));
	assert_int_equal(exit_status, 1);
	assert_true(io_bus_write(pio, 0xf4, 1, 0x10));
	assert_int_equal(exit_status, 0x21);
	assert_true(io_bus_write(pio, 0xf4, 4, 0x1234));
	assert_int_equal(exit_status, 0x2469);
	debug_exit_destroy(de);
	assert_null(debug_exit_create(pio, 0xf4, 3, record_exit, NULL));
	io_bus_free(pio);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_null),
		cmocka_unit_test(test_file_appends),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_fds_both_ways),
		cmocka_unit_test(test_write_never_blocks),
		cmocka_unit_test(test_unix_socket),
		cmocka_unit_test(test_pty),
		cmocka_unit_test(test_debugcon),
		cmocka_unit_test(test_debug_exit),
	};

	return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
