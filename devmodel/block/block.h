/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest disk's backing store: a raw image file (sparse is fine) or a host
 * block device, opened once when the machine is built.
 *
 * Data safety (what a user expects of a hypervisor):
 *  - read-only backends are opened O_RDONLY: no write can reach the file;
 *  - writable backends hold an exclusive OFD lock on the whole file, and
 *    read-only ones a shared lock, so a second guest (or a second disk
 *    entry of the same guest) cannot open an image another one writes;
 *  - block_flush() is fdatasync(): what the guest flushed survives the
 *    monitor being killed and the host losing power.
 *
 * The I/O calls are synchronous and thread-safe (pread/pwrite at explicit
 * offsets): devices call them from the worker pool (worker.h) to keep the
 * vCPU thread running, or inline for small transfers.
 */
#ifndef DEVMODEL_BLOCK_H
#define DEVMODEL_BLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

struct block_backend;

/*
 * Open PATH (regular file or block device). Errors, with one line in ERR
 * naming the path: missing file, directory or other non-disk file, no
 * permission, empty file, lock held elsewhere ("in use by another guest or
 * disk entry"). NULL on error.
 */
struct block_backend *block_open(const char *path, bool read_only,
				 char *err, size_t errlen);
void block_close(struct block_backend *b);

const char *block_path(const struct block_backend *b);
uint64_t block_size(const struct block_backend *b);	/* bytes */
bool block_is_read_only(const struct block_backend *b);

/*
 * Transfer all of iov at byte offset OFFSET (retrying short transfers and
 * EINTR). 0, or a negative errno: -EROFS for a write to a read-only
 * backend, -EINVAL beyond the end, -EIO etc. from the host.
 */
int block_preadv(struct block_backend *b, const struct iovec *iov, int iovcnt,
		 uint64_t offset);
int block_pwritev(struct block_backend *b, const struct iovec *iov, int iovcnt,
		  uint64_t offset);
/*
 * The same, only when it can be done without waiting: data already in the
 * host's page cache, a write that needs no writeback first (RWF_NOWAIT).
 * Otherwise -EAGAIN, and the caller must redo the whole transfer with the
 * calls above, on a thread where waiting is fine (a part may have been
 * done already; doing it again is harmless).
 */
int block_preadv_nowait(struct block_backend *b, const struct iovec *iov,
			int iovcnt, uint64_t offset);
int block_pwritev_nowait(struct block_backend *b, const struct iovec *iov,
			 int iovcnt, uint64_t offset);
int block_pread(struct block_backend *b, void *buf, size_t len, uint64_t offset);
int block_pwrite(struct block_backend *b, const void *buf, size_t len,
		 uint64_t offset);
/* fdatasync(); 0 for a read-only backend. */
int block_flush(struct block_backend *b);

#endif /* DEVMODEL_BLOCK_H */
