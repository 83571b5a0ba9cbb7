/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Character backends for byte-stream devices (the 16550 UART, the debug
 * console): where the guest's output goes and where its input comes from.
 *
 *   null   output dropped, no input
 *   stdio  the monitor's stdin/stdout; raw terminal mode while open when
 *          stdin is a tty (restored on close and at exit)
 *   pty    a new pseudo-terminal; prints "vmm: COM1 is /dev/pts/N"
 *   file   output appended to PATH, no input
 *   unix   a listening socket at PATH, one client at a time; output is
 *          dropped while nobody is connected
 *
 * Writes never block (the vCPU thread calls them): what the backend cannot
 * take right now is dropped and counted. Input: the monitor's event loop
 * watches chardev_fd() and calls chardev_read_ready() when it is readable;
 * the bytes go to the receiver (the device), and what the device cannot
 * take yet is buffered until it calls chardev_accept_input().
 *
 * Called under the device-model lock.
 */
#ifndef DEVMODEL_CHARDEV_H
#define DEVMODEL_CHARDEV_H

#include <stddef.h>
#include <stdint.h>

enum chardev_kind {
	CHARDEV_NULL,
	CHARDEV_STDIO,
	CHARDEV_PTY,
	CHARDEV_FILE,
	CHARDEV_UNIX,
};

struct chardev;

/* Bytes arrived for the device; returns how many it took (0..len). */
typedef size_t (*chardev_receive_fn)(void *opaque, const uint8_t *buf,
				     size_t len);

/* path: for FILE and UNIX, else ignored (may be NULL). NULL on failure
 * with a message naming the backend, path and reason in err. */
struct chardev *chardev_open(enum chardev_kind kind, const char *path,
			     char *err, size_t errlen);
/* A backend on file descriptors the caller already has (tests, pipes):
 * takes ownership of both; either may be -1 (no input / output dropped). */
struct chardev *chardev_open_fds(int in_fd, int out_fd, char *err,
				 size_t errlen);
/* Restores the terminal (stdio), removes the socket (unix). NULL is ok. */
void chardev_close(struct chardev *cd);

/* "stdio", "/dev/pts/3", the file or socket path. */
const char *chardev_name(const struct chardev *cd);

/* Queue output without blocking: returns the bytes taken; the rest is
 * dropped (backend full, nobody connected). */
size_t chardev_write(struct chardev *cd, const void *buf, size_t len);
/* Bytes dropped on output so far. */
uint64_t chardev_dropped(const struct chardev *cd);

/* The fd to watch for input (EPOLLIN), stable for the backend's life; -1
 * when the backend has no input. */
int chardev_fd(const struct chardev *cd);
/* The fd is readable: read what is there and deliver it. 1: keep
 * watching; 0: input has ended for good (stop watching); -errno. */
int chardev_read_ready(struct chardev *cd);

void chardev_set_receiver(struct chardev *cd, chardev_receive_fn fn,
			  void *opaque);
/* The device has room again: deliver buffered input. */
void chardev_accept_input(struct chardev *cd);

/* stdio on a tty: Ctrl-] is not passed to the guest but calls fn (the
 * monitor quits). Unset, Ctrl-] goes to the guest like any byte. */
#define CHARDEV_ESCAPE_CHAR 0x1d
void chardev_set_escape(struct chardev *cd, void (*fn)(void *opaque),
			void *opaque);

#endif /* DEVMODEL_CHARDEV_H */
