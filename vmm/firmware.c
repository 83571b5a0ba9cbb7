// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/firmware.h"

void *firmware_read_file(const char *path, size_t *size, size_t max,
			 char *err, size_t errlen)
{
	struct stat st;
	size_t done = 0;
	void *buf = NULL;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode) || (size_t)st.st_size > max || st.st_size == 0) {
		snprintf(err, errlen, "%s: not a regular file of 1 to %zu bytes",
			 path, max);
		goto fail;
	}
	buf = malloc(st.st_size);
	if (!buf) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, (char *)buf + done, st.st_size - done);

		if (n <= 0) {
			snprintf(err, errlen, "%s: read: %s", path,
				 n < 0 ? strerror(errno) : "file shrank");
			goto fail;
		}
		done += n;
	}
	close(fd);
	*size = done;
	return buf;
fail:
	free(buf);
	if (fd >= 0)
		close(fd);
	return NULL;
}
