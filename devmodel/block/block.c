// SPDX-License-Identifier: GPL-2.0
/*
 * Raw disk backends (block.h).
 *
 * A backend is immutable once opened (fd, size, mode), and every transfer
 * names its offset (preadv/pwritev): there is no shared file position, so
 * any number of threads may do I/O on one backend at once without a lock.
 *
 * The size is fixed at open. A guest's disk does not change size under it;
 * if someone truncates the image anyway, reads past the new end fail with
 * -EIO rather than returning zeros the guest would take for data.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/fs.h>	/* BLKGETSIZE64 */

#include "devmodel/block/block.h"
#include "devmodel/core/errmsg.h"

#ifndef IOV_MAX
#define IOV_MAX 1024
#endif

struct block_backend {
	int fd;
	bool read_only;
	uint64_t size;
	/* RWF_NOWAIT refused by the file system (per direction): the no-wait
	 * calls give up at once from then on. Set by any thread, read by
	 * any: a stale value only costs one refused system call. */
	bool nowait_refused[2];
	char path[];
};

/* The usual reasons a path cannot be used, in words a user acts on. */
static void block_path_error(const char *path, int e, bool read_only,
			     const char *what, char *err, size_t errlen)
{
	switch (e) {
	case ENOENT:
		dm_set_error(err, errlen, "%s: no such file", path);
		break;
	case EACCES:
	case EPERM:
		dm_set_error(err, errlen, "%s: permission denied%s", path,
				read_only ? "" : " (the disk is writable: "
				"it needs read and write access)");
		break;
	case EROFS:
		dm_set_error(err, errlen,
				"%s: on a read-only file system (make the disk read-only)",
				path);
		break;
	default:
		dm_set_error(err, errlen, "%s: cannot %s: %s", path, what,
				strerror(e));
		break;
	}
}

/* A regular file or a block device with at least one byte in it. */
static bool block_check_type(const char *path, const struct stat *st,
			     char *err, size_t errlen)
{
	if (S_ISDIR(st->st_mode)) {
		dm_set_error(err, errlen, "%s: is a directory, not a disk image",
				path);
		return false;
	}
	if (!S_ISREG(st->st_mode) && !S_ISBLK(st->st_mode)) {
		dm_set_error(err, errlen,
				"%s: not a disk image (neither a regular file nor a block device)",
				path);
		return false;
	}
	return true;
}

/*
 * An open file description (OFD) lock on the whole file: exclusive for a
 * writable backend, shared for a read-only one. OFD locks, unlike classic
 * POSIX (F_SETLK) locks, belong to the open file description rather than to
 * the process, so they conflict between two opens in the same process too:
 * that is what catches a config whose two disk entries name the same image
 * (a POSIX lock would be silently shared, and merged, by the one process).
 * The lock goes away with the last fd of the description (block_close, or
 * the process dying), so a killed monitor never leaves a stale lock.
 */
static int block_lock(int fd, bool read_only)
{
	struct flock fl = {
		.l_type = read_only ? F_RDLCK : F_WRLCK,
		.l_whence = SEEK_SET,
		.l_start = 0,
		.l_len = 0,	/* to the end, however large the file grows */
		.l_pid = 0,	/* must be 0 for OFD locks */
	};

	if (fcntl(fd, F_OFD_SETLK, &fl) < 0)
		return -errno;
	return 0;
}

struct block_backend *block_open(const char *path, bool read_only,
				 char *err, size_t errlen)
{
	struct block_backend *b;
	struct stat st;
	uint64_t size;
	int fd, r;

	/*
	 * Look before opening: open() on a FIFO would block, and the stat
	 * gives the clearer message for a directory or a missing file.
	 */
	if (stat(path, &st) < 0) {
		block_path_error(path, errno, read_only, "stat", err, errlen);
		return NULL;
	}
	if (!block_check_type(path, &st, err, errlen))
		return NULL;

	fd = open(path, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		block_path_error(path, errno, read_only, "open", err, errlen);
		return NULL;
	}
	/* What we opened is what counts (the path may have changed since). */
	if (fstat(fd, &st) < 0) {
		block_path_error(path, errno, read_only, "stat", err, errlen);
		goto fail;
	}
	if (!block_check_type(path, &st, err, errlen))
		goto fail;

	if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, &size) < 0) {
			dm_set_error(err, errlen,
					"%s: cannot read the device's size: %s",
					path, strerror(errno));
			goto fail;
		}
	} else {
		size = (uint64_t)st.st_size;
	}
	if (size == 0) {
		dm_set_error(err, errlen, "%s: empty (0 bytes), not a disk image",
				path);
		goto fail;
	}

	r = block_lock(fd, read_only);
	if (r == -EAGAIN || r == -EACCES) {
		dm_set_error(err, errlen,
				"%s: in use by another guest or another disk entry (locked)",
				path);
		goto fail;
	}
	if (r < 0) {
		dm_set_error(err, errlen, "%s: cannot lock: %s", path,
				strerror(-r));
		goto fail;
	}

	b = malloc(sizeof(*b) + strlen(path) + 1);
	if (!b) {
		dm_set_error(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	b->fd = fd;
	b->read_only = read_only;
	b->size = size;
	b->nowait_refused[0] = b->nowait_refused[1] = false;
	strcpy(b->path, path);
	return b;

fail:
	close(fd);
	return NULL;
}

void block_close(struct block_backend *b)
{
	if (!b)
		return;
	close(b->fd);	/* drops the OFD lock */
	free(b);
}

const char *block_path(const struct block_backend *b)
{
	return b->path;
}

uint64_t block_size(const struct block_backend *b)
{
	return b->size;
}

bool block_is_read_only(const struct block_backend *b)
{
	return b->read_only;
}

/* 0 when [offset, offset + total length of iov) lies inside the disk. */
static int block_check_range(const struct block_backend *b,
			     const struct iovec *iov, int iovcnt,
			     uint64_t offset)
{
	uint64_t len = 0;
	int i;

	if (iovcnt < 0 || (iovcnt > 0 && !iov))
		return -EINVAL;
	for (i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len > b->size - len)
			return -EINVAL;
		len += iov[i].iov_len;
	}
	/* len <= size here, so size - len cannot wrap. */
	if (offset > b->size - len)
		return -EINVAL;
	return 0;
}

/*
 * Transfer everything in iov, resuming after short transfers and EINTR.
 * The caller's array is left alone: each system call gets a local copy of
 * the part still to do (at most IOV_MAX entries, the kernel's limit), and
 * the position in the caller's array is kept as (entry, bytes done in it).
 */
static int block_transfer(struct block_backend *b, const struct iovec *iov,
			  int iovcnt, uint64_t offset, bool write, bool nowait)
{
	int flags = nowait ? RWF_NOWAIT : 0;

	if (nowait && __atomic_load_n(&b->nowait_refused[write], __ATOMIC_RELAXED))
		return -EAGAIN;

	struct iovec local[IOV_MAX];
	size_t skip = 0;	/* bytes of iov[i] already transferred */
	int i = 0;

	for (;;) {
		ssize_t done;
		int n = 0, j;

		for (j = i; j < iovcnt && n < IOV_MAX; j++) {
			size_t from = j == i ? skip : 0;

			if (iov[j].iov_len == from)
				continue;	/* nothing (left) in it */
			local[n].iov_base = (char *)iov[j].iov_base + from;
			local[n].iov_len = iov[j].iov_len - from;
			n++;
		}
		if (!n)
			return 0;

		if (write)
			done = pwritev2(b->fd, local, n, (off_t)offset, flags);
		else
			done = preadv2(b->fd, local, n, (off_t)offset, flags);
		if (done < 0) {
			if (errno == EINTR)
				continue;
			/*
			 * Without waiting, every failure sends the caller the
			 * blocking way, which reports real errors: EAGAIN is
			 * "not cached"; file systems without RWF_NOWAIT say
			 * EOPNOTSUPP (overlayfs), and Linux 6.1 says EINVAL
			 * for buffered writes on most (ext4): remember those.
			 */
			if (nowait && (errno == EOPNOTSUPP || errno == EINVAL))
				__atomic_store_n(&b->nowait_refused[write], true,
						 __ATOMIC_RELAXED);
			if (nowait)
				return -EAGAIN;
			return -errno;
		}
		/*
		 * Zero bytes for a non-empty request: the file ended before
		 * the size we opened it with (truncated behind our back).
		 * Stop rather than loop, and do not pass zeros off as data.
		 */
		if (done == 0)
			return -EIO;

		offset += (uint64_t)done;
		while (done > 0) {
			size_t left = iov[i].iov_len - skip;

			if ((size_t)done < left) {
				skip += (size_t)done;
				done = 0;
			} else {
				done -= (ssize_t)left;
				i++;
				skip = 0;
			}
		}
	}
}

static int block_read(struct block_backend *b, const struct iovec *iov,
		      int iovcnt, uint64_t offset, bool nowait)
{
	int r = block_check_range(b, iov, iovcnt, offset);

	if (r)
		return r;
	return block_transfer(b, iov, iovcnt, offset, false, nowait);
}

static int block_write(struct block_backend *b, const struct iovec *iov,
		       int iovcnt, uint64_t offset, bool nowait)
{
	int r;

	if (b->read_only)
		return -EROFS;
	r = block_check_range(b, iov, iovcnt, offset);
	if (r)
		return r;
	return block_transfer(b, iov, iovcnt, offset, true, nowait);
}

int block_preadv(struct block_backend *b, const struct iovec *iov, int iovcnt,
		 uint64_t offset)
{
	return block_read(b, iov, iovcnt, offset, false);
}

int block_pwritev(struct block_backend *b, const struct iovec *iov, int iovcnt,
		  uint64_t offset)
{
	return block_write(b, iov, iovcnt, offset, false);
}

int block_preadv_nowait(struct block_backend *b, const struct iovec *iov,
			int iovcnt, uint64_t offset)
{
	return block_read(b, iov, iovcnt, offset, true);
}

int block_pwritev_nowait(struct block_backend *b, const struct iovec *iov,
			 int iovcnt, uint64_t offset)
{
	return block_write(b, iov, iovcnt, offset, true);
}

int block_pread(struct block_backend *b, void *buf, size_t len, uint64_t offset)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };

	return block_preadv(b, &iov, 1, offset);
}

int block_pwrite(struct block_backend *b, const void *buf, size_t len,
		 uint64_t offset)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };

	return block_pwritev(b, &iov, 1, offset);
}

int block_flush(struct block_backend *b)
{
	if (b->read_only)
		return 0;
	if (fdatasync(b->fd) < 0)
		return -errno;
	return 0;
}
