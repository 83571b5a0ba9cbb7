// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the raw disk backend (devmodel/block/block.c) on files in a
 * fresh temporary directory: transfers (vectored, sparse, concurrent),
 * range and read-only checks, the error messages for unusable paths, and
 * the OFD locks that keep two users off one image.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devmodel/block/block.h"

#define MiB (1024ull * 1024)

struct fixture {
	char dir[64];
	char path[PATH_MAX];	/* of the last name given to path_of() */
	char err[PATH_MAX + 256];
};

static const char *path_of(struct fixture *f, const char *name)
{
	snprintf(f->path, sizeof(f->path), "%s/%s", f->dir, name);
	return f->path;
}

/* A file of LEN bytes, byte i = pattern(i). */
static uint8_t pattern(uint64_t i)
{
	return (uint8_t)(i * 7 + (i >> 8) + 1);
}

static const char *make_file(struct fixture *f, const char *name, size_t len)
{
	const char *path = path_of(f, name);
	uint8_t *buf = malloc(len ? len : 1);
	size_t i;
	int fd;

	assert_non_null(buf);
	for (i = 0; i < len; i++)
		buf[i] = pattern(i);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);
	free(buf);
	return path;
}

static void read_file(const char *path, void *buf, size_t len, off_t off)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, buf, len, off), (ssize_t)len);
	close(fd);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/test-block.XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	DIR *d = opendir(f->dir);
	struct dirent *e;

	if (d) {
		while ((e = readdir(d))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			path_of(f, e->d_name);
			if (unlink(f->path) < 0)
				rmdir(f->path);
		}
		closedir(d);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static struct block_backend *must_open(struct fixture *f, const char *path,
				       bool read_only)
{
	struct block_backend *b;

	f->err[0] = 0;
	b = block_open(path, read_only, f->err, sizeof(f->err));
	if (!b)
		fail_msg("block_open(%s): %s", path, f->err);
	return b;
}

/* block_open must fail with a message naming PATH and containing WHAT. */
static void expect_open_error(struct fixture *f, const char *path,
			      bool read_only, const char *what)
{
	f->err[0] = 0;
	assert_null(block_open(path, read_only, f->err, sizeof(f->err)));
	if (!strstr(f->err, path) || !strstr(f->err, what))
		fail_msg("message \"%s\" lacks \"%s\" or \"%s\"", f->err, path,
			 what);
	assert_null(strchr(f->err, '\n'));
}

static void test_open_size_and_round_trip(void **state)
{
	struct fixture *f = *state;
	const char *path = make_file(f, "disk.img", 8192);
	struct block_backend *b = must_open(f, path, false);
	uint8_t buf[512], back[512];
	unsigned i;

	assert_string_equal(block_path(b), path);
	assert_int_equal(block_size(b), 8192);
	assert_false(block_is_read_only(b));

	assert_int_equal(block_pread(b, buf, sizeof(buf), 1024), 0);
	for (i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], pattern(1024 + i));

	memset(buf, 0xa5, sizeof(buf));
	assert_int_equal(block_pwrite(b, buf, sizeof(buf), 8192 - 512), 0);
	assert_int_equal(block_flush(b), 0);
	read_file(path, back, sizeof(back), 8192 - 512);
	assert_memory_equal(buf, back, sizeof(buf));
	memset(back, 0, sizeof(back));
	assert_int_equal(block_pread(b, back, sizeof(back), 8192 - 512), 0);
	assert_memory_equal(buf, back, sizeof(buf));
	/* Zero bytes right at the end is inside. */
	assert_int_equal(block_pread(b, buf, 0, 8192), 0);
	block_close(b);
}

static void test_vectored_round_trip(void **state)
{
	struct fixture *f = *state;
	const char *path = make_file(f, "disk.img", 4096);
	struct block_backend *b = must_open(f, path, false);
	uint8_t a[3], c[100], d[1000], out[1103], in[1103];
	struct iovec iov[4] = {
		{ a, sizeof(a) }, { NULL, 0 }, { c, sizeof(c) }, { d, sizeof(d) },
	};
	struct iovec saved[4];
	unsigned i;

	memcpy(saved, iov, sizeof(iov));
	assert_int_equal(block_preadv(b, iov, 4, 100), 0);
	assert_memory_equal(iov, saved, sizeof(iov));	/* caller's array */
	assert_int_equal(a[0], pattern(100));
	assert_int_equal(c[0], pattern(103));
	assert_int_equal(d[999], pattern(100 + 1102));

	for (i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i ^ 0x5a);
	memcpy(a, out, 3);
	memcpy(c, out + 3, 100);
	memcpy(d, out + 103, 1000);
	assert_int_equal(block_pwritev(b, iov, 4, 2000), 0);
	assert_memory_equal(iov, saved, sizeof(iov));
	read_file(path, in, sizeof(in), 2000);
	assert_memory_equal(in, out, sizeof(out));
	/* Untouched neighbours. */
	read_file(path, in, 1, 1999);
	assert_int_equal(in[0], pattern(1999));
	read_file(path, in, 1, 2000 + sizeof(out));
	assert_int_equal(in[0], pattern(2000 + sizeof(out)));
	block_close(b);
}

/* More entries than one system call takes: the transfer goes in chunks. */
static void test_more_than_iov_max_entries(void **state)
{
	struct fixture *f = *state;
	enum { N = 3 * IOV_MAX + 5 };
	const char *path = make_file(f, "disk.img", 64 * 1024);
	struct block_backend *b = must_open(f, path, false);
	struct iovec *iov = calloc(N, sizeof(*iov));
	uint8_t *data = calloc(N, 8), *back = calloc(N, 8);
	size_t total = 0, pos;
	unsigned i;

	assert_non_null(iov);
	assert_non_null(data);
	assert_non_null(back);
	for (i = 0; i < N; i++) {
		iov[i].iov_base = data + total;
		iov[i].iov_len = i % 8;	/* 0..7 bytes, some empty */
		total += i % 8;
	}
	assert_int_equal(block_preadv(b, iov, N, 333), 0);
	for (pos = 0; pos < total; pos++)
		assert_int_equal(data[pos], pattern(333 + pos));

	for (pos = 0; pos < total; pos++)
		data[pos] = (uint8_t)~pos;
	assert_int_equal(block_pwritev(b, iov, N, 5000), 0);
	read_file(path, back, total, 5000);
	assert_memory_equal(back, data, total);
	block_close(b);
	free(iov);
	free(data);
	free(back);
}

static void test_sparse_file_reads_zeros(void **state)
{
	struct fixture *f = *state;
	const char *path = path_of(f, "sparse.img");
	struct block_backend *b;
	uint8_t buf[4096], zero[4096] = { 0 };
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 64 * MiB), 0);
	close(fd);

	b = must_open(f, path, false);
	assert_int_equal(block_size(b), 64 * MiB);
	memset(buf, 0xff, sizeof(buf));
	assert_int_equal(block_pread(b, buf, sizeof(buf), 32 * MiB), 0);
	assert_memory_equal(buf, zero, sizeof(buf));
	assert_int_equal(block_pread(b, buf, sizeof(buf), 64 * MiB - 4096), 0);
	assert_memory_equal(buf, zero, sizeof(buf));
	memset(buf, 0x42, sizeof(buf));
	assert_int_equal(block_pwrite(b, buf, sizeof(buf), 48 * MiB), 0);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(block_pread(b, buf, sizeof(buf), 48 * MiB), 0);
	assert_int_equal(buf[0], 0x42);
	assert_int_equal(buf[4095], 0x42);
	block_close(b);
}

static void test_read_only_refuses_writes(void **state)
{
	struct fixture *f = *state;
	const char *path = make_file(f, "ro.img", 4096);
	struct block_backend *b = must_open(f, path, true);
	uint8_t buf[512], back[512];
	struct iovec iov = { buf, sizeof(buf) };
	unsigned i;

	assert_true(block_is_read_only(b));
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(block_pwrite(b, buf, sizeof(buf), 0), -EROFS);
	assert_int_equal(block_pwritev(b, &iov, 1, 512), -EROFS);
	/* Even past the end, the answer is read-only. */
	assert_int_equal(block_pwrite(b, buf, sizeof(buf), 1 * MiB), -EROFS);
	assert_int_equal(block_flush(b), 0);
	read_file(path, back, sizeof(back), 0);
	for (i = 0; i < sizeof(back); i++)
		assert_int_equal(back[i], pattern(i));
	assert_int_equal(block_pread(b, back, sizeof(back), 512), 0);
	assert_int_equal(back[0], pattern(512));
	block_close(b);
}

static void test_beyond_end_is_einval(void **state)
{
	struct fixture *f = *state;
	const char *path = make_file(f, "disk.img", 4096);
	struct block_backend *b = must_open(f, path, false);
	uint8_t buf[16], back[16];
	struct iovec huge[2] = {
		{ buf, SIZE_MAX }, { buf, SIZE_MAX },
	};
	struct iovec two[2] = { { buf, 8 }, { buf + 8, 8 } };
	struct stat st;
	unsigned i;

	memset(buf, 0x77, sizeof(buf));
	assert_int_equal(block_pread(b, buf, 2, 4095), -EINVAL);
	assert_int_equal(block_pread(b, buf, 1, 4096), -EINVAL);
	assert_int_equal(block_pread(b, buf, 1, UINT64_MAX), -EINVAL);
	assert_int_equal(block_pread(b, buf, 0, 4097), -EINVAL);
	assert_int_equal(block_pread(b, buf, SIZE_MAX, 1), -EINVAL);
	assert_int_equal(block_preadv(b, huge, 2, 0), -EINVAL);
	assert_int_equal(block_preadv(b, two, 2, 4096 - 15), -EINVAL);
	assert_int_equal(block_preadv(b, two, -1, 0), -EINVAL);
	for (i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0x77);	/* nothing read */

	assert_int_equal(block_pwrite(b, buf, 2, 4095), -EINVAL);
	assert_int_equal(block_pwrite(b, buf, 1, UINT64_MAX), -EINVAL);
	assert_int_equal(block_pwritev(b, huge, 2, 0), -EINVAL);
	assert_int_equal(block_pwritev(b, two, 2, 4096 - 15), -EINVAL);
	/* Nothing written: not the part that fits, and no growth. */
	read_file(path, back, 15, 4096 - 15);
	for (i = 0; i < 15; i++)
		assert_int_equal(back[i], pattern(4096 - 15 + i));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 4096);
	block_close(b);
}

/* The image shrank under us: a read reaching past its new end is -EIO. */
static void test_truncated_behind_our_back_is_eio(void **state)
{
	struct fixture *f = *state;
	const char *path = make_file(f, "disk.img", 8192);
	struct block_backend *b = must_open(f, path, false);
	uint8_t buf[8192];

	assert_int_equal(truncate(path, 4096), 0);
	memset(buf, 0, sizeof(buf));
	/* A short read (4096 bytes) first, then end of file. */
	assert_int_equal(block_pread(b, buf, sizeof(buf), 0), -EIO);
	assert_int_equal(buf[4095], pattern(4095));
	assert_int_equal(block_pread(b, buf, 512, 6000), -EIO);
	assert_int_equal(block_pread(b, buf, 512, 0), 0);
	block_close(b);
}

struct writer {
	struct block_backend *b;
	unsigned index;
	int result;
};

static void *write_stripes(void *opaque)
{
	struct writer *w = opaque;
	uint8_t buf[4096];
	unsigned i;

	memset(buf, 0x10 + w->index, sizeof(buf));
	w->result = 0;
	/* Interleaved: thread k owns blocks k, k + 4, k + 8 ... */
	for (i = w->index; i < 256 && !w->result; i += 4)
		w->result = block_pwrite(w->b, buf, sizeof(buf), i * 4096ull);
	return NULL;
}

static void test_concurrent_writers(void **state)
{
	struct fixture *f = *state;
	const char *path = make_file(f, "disk.img", 1 * MiB);
	struct block_backend *b = must_open(f, path, false);
	struct writer w[4];
	pthread_t t[4];
	uint8_t buf[4096];
	unsigned i;

	for (i = 0; i < 4; i++) {
		w[i] = (struct writer){ .b = b, .index = i };
		assert_int_equal(pthread_create(&t[i], NULL, write_stripes,
						&w[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].result, 0);
	}
	for (i = 0; i < 256; i++) {
		assert_int_equal(block_pread(b, buf, sizeof(buf), i * 4096ull), 0);
		assert_int_equal(buf[0], 0x10 + i % 4);
		assert_int_equal(buf[4095], 0x10 + i % 4);
	}
	block_close(b);
}

static void test_unusable_paths(void **state)
{
	struct fixture *f = *state;
	char path[PATH_MAX];

	expect_open_error(f, path_of(f, "missing.img"), false, "no such file");
	expect_open_error(f, path_of(f, "missing.img"), true, "no such file");

	assert_int_equal(mkdir(path_of(f, "adir"), 0755), 0);
	expect_open_error(f, f->path, false, "is a directory, not a disk image");

	make_file(f, "empty.img", 0);
	strcpy(path, f->path);
	expect_open_error(f, path, false, "empty");
	expect_open_error(f, path, true, "empty");

	/* A FIFO: refused before open(), which would block. */
	assert_int_equal(mkfifo(path_of(f, "fifo"), 0644), 0);
	expect_open_error(f, f->path, true, "not a disk image");
	expect_open_error(f, "/dev/null", false, "not a disk image");
}

static void test_permission_denied(void **state)
{
	struct fixture *f = *state;
	char path[PATH_MAX];

	if (geteuid() == 0)
		skip();	/* root reads and writes anything */
	strcpy(path, make_file(f, "noperm.img", 4096));
	assert_int_equal(chmod(path, 0444), 0);
	expect_open_error(f, path, false, "permission denied");
	block_close(must_open(f, path, true));
	assert_int_equal(chmod(path, 0), 0);
	expect_open_error(f, path, true, "permission denied");
}

static void test_locks(void **state)
{
	struct fixture *f = *state;
	char path[PATH_MAX];
	struct block_backend *a, *b;

	strcpy(path, make_file(f, "shared.img", 4096));

	/* Writable twice: the second disk entry is refused. */
	a = must_open(f, path, false);
	expect_open_error(f, path, false,
			  "in use by another guest or another disk entry");
	/* Writable, then read-only. */
	expect_open_error(f, path, true, "in use");
	block_close(a);

	/* Read-only twice is fine; a writer is then refused. */
	a = must_open(f, path, true);
	b = must_open(f, path, true);
	expect_open_error(f, path, false, "in use");
	block_close(a);
	expect_open_error(f, path, false, "in use");
	block_close(b);

	/* Closed: the lock is gone. */
	a = must_open(f, path, false);
	assert_int_equal(block_flush(a), 0);
	block_close(a);
	a = must_open(f, path, false);
	block_close(a);
}

/* The no-wait calls: a file just written is in the page cache, so they
 * transfer (or, where the file system has no RWF_NOWAIT, say -EAGAIN and
 * touch nothing the blocking call would not redo); the checks of range and
 * read-only mode come first, as for the blocking calls. */
static void test_nowait(void **state)
{
	struct fixture *f = *state;
	const char *path = make_file(f, "disk.img", 8192);
	struct block_backend *b = must_open(f, path, false);
	uint8_t buf[1024], back[1024];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	int r;
	unsigned i;

	r = block_preadv_nowait(b, &iov, 1, 2048);
	assert_true(r == 0 || r == -EAGAIN);
	if (r == 0)
		for (i = 0; i < sizeof(buf); i++)
			assert_int_equal(buf[i], pattern(2048 + i));
	memset(buf, 0x5a, sizeof(buf));
	r = block_pwritev_nowait(b, &iov, 1, 4096);
	assert_true(r == 0 || r == -EAGAIN);
	if (r == -EAGAIN)
		assert_int_equal(block_pwritev(b, &iov, 1, 4096), 0);
	read_file(path, back, sizeof(back), 4096);
	assert_memory_equal(buf, back, sizeof(buf));
	assert_int_equal(block_preadv_nowait(b, &iov, 1, 8192 - 512), -EINVAL);
	block_close(b);

	b = must_open(f, path, true);
	assert_int_equal(block_pwritev_nowait(b, &iov, 1, 0), -EROFS);
	block_close(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_open_size_and_round_trip),
		T(test_vectored_round_trip),
		T(test_more_than_iov_max_entries),
		T(test_sparse_file_reads_zeros),
		T(test_read_only_refuses_writes),
		T(test_beyond_end_is_einval),
		T(test_truncated_behind_our_back_is_eio),
		T(test_concurrent_writers),
		T(test_unusable_paths),
		T(test_permission_denied),
		T(test_locks),
		T(test_nowait),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
