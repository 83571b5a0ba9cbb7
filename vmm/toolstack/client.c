// SPDX-License-Identifier: GPL-2.0
/* The verbs' side of the control socket (client.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "vmm/toolstack/client.h"
#include "vmm/toolstack/rundir.h"

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A dead monitor's socket (connection refused): remove it if nobody holds
 * the name's lock, so the next `list` is quick. Harmless if it fails. */
static void remove_stale(const char *dir, const char *name)
{
	char lock[256], sock[256];
	int fd;

	if (rundir_file(lock, sizeof(lock), dir, name, "lock") ||
	    rundir_file(sock, sizeof(sock), dir, name, "sock"))
		return;
	fd = open(lock, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		unlink(sock);
		return;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		unlink(sock);
	close(fd);
}

/* One line within the deadline: 0, or -1 with err/status. */
static int read_line(struct ctl_conn *c, long long deadline, char **line,
		     size_t *len, char *err, size_t errlen, int *status)
{
	for (;;) {
		enum proto_next next = proto_reader_next(&c->rd, line, len);
		struct pollfd p = { .fd = c->fd, .events = POLLIN };
		size_t room;
		char *space;
		ssize_t n;
		long long left = deadline - mono_ms();
		int ready;

		if (next == PROTO_LINE)
			return 0;
		if (next == PROTO_TOO_LONG) {
			snprintf(err, errlen, "%s: reply longer than %d bytes", c->name,
				 PROTO_LINE_MAX);
			*status = VERB_FAILED;
			return -1;
		}
		ready = left > 0 ? poll(&p, 1, (int)left) : 0;

		if (ready < 0 && errno == EINTR)
			continue;
		if (ready <= 0) {
			snprintf(err, errlen, "%s does not answer (its monitor sent "
				 "no reply in time)", c->name);
			*status = VERB_TIMEOUT;
			return -1;
		}
		space = proto_reader_space(&c->rd, &room);
		n = read(c->fd, space, room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "%s: the monitor closed the connection%s%s",
				 c->name, n < 0 ? ": " : "", n < 0 ? strerror(errno) : "");
			*status = VERB_FAILED;
			return -1;
		}
		proto_reader_added(&c->rd, (size_t)n);
	}
}

static json_object *read_object(struct ctl_conn *c, long long deadline,
				char *err, size_t errlen, int *status)
{
	char *line;
	size_t len;
	json_object *o;

	if (read_line(c, deadline, &line, &len, err, errlen, status) < 0)
		return NULL;
	o = json_tokener_parse(line);
	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		snprintf(err, errlen, "%s: the monitor sent something that is not "
			 "a JSON object", c->name);
		*status = VERB_FAILED;
		return NULL;
	}
	return o;
}

struct ctl_conn *ctl_connect(const char *name, char *err, size_t errlen,
			     int *status)
{
	char dir[200], path[300];
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct ctl_conn *c;
	int fd;

	*status = VERB_FAILED;
	if (!guest_name_valid(name, err, errlen)) {
		*status = VERB_NO_GUEST;
		return NULL;
	}
	if (rundir_get(dir, sizeof(dir), false, err, errlen) < 0)
		return NULL;
	if (rundir_file(path, sizeof(path), dir, name, "sock") ||
	    strlen(path) >= sizeof(addr.sun_path)) {
		snprintf(err, errlen, "socket path too long in %s", dir);
		return NULL;
	}
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return NULL;
	}
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int e = errno;

		close(fd);
		if (e == ENOENT || e == ECONNREFUSED || e == ENOTDIR) {
			if (e == ECONNREFUSED)
				remove_stale(dir, name);
			snprintf(err, errlen, "no guest named '%s' is running (vmm list)", name);
			*status = VERB_NO_GUEST;
		} else if (e == EACCES || e == EPERM) {
			snprintf(err, errlen, "permission denied: %s (guest '%s' belongs "
				 "to another user)", path, name);
			*status = VERB_DENIED;
		} else {
			snprintf(err, errlen, "%s: %s", path, strerror(e));
		}
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->fd = fd;
	snprintf(c->name, sizeof(c->name), "%s", name);
	return c;
}

int ctl_greeting(struct ctl_conn *c, int timeout_ms, char *err, size_t errlen,
		 int *status)
{
	json_object *hello = read_object(c, mono_ms() + timeout_ms, err, errlen, status);
	json_object *v = NULL;

	if (!hello)
		return -1;
	if (json_object_object_get_ex(hello, "ok", &v) && !json_object_get_boolean(v)) {
		/* refused at the door: SO_PEERCRED */
		const char *why = proto_get_string(hello, "error");

		snprintf(err, errlen, "%s: %s", c->name, why ? why : "refused");
		*status = why && strstr(why, "permission") ? VERB_DENIED : VERB_FAILED;
		json_object_put(hello);
		return -1;
	}
	if (!json_object_object_get_ex(hello, "protocol", &v) ||
	    json_object_get_int(v) != PROTO_VERSION) {
		snprintf(err, errlen, "%s: the monitor speaks protocol %s, this vmm %d",
			 c->name, v ? json_object_get_string(v) : "(none)", PROTO_VERSION);
		*status = VERB_FAILED;
		json_object_put(hello);
		return -1;
	}
	json_object_put(hello);
	return 0;
}

struct ctl_conn *ctl_open(const char *name, int timeout_ms, char *err,
			  size_t errlen, int *status)
{
	struct ctl_conn *c = ctl_connect(name, err, errlen, status);

	if (c && ctl_greeting(c, timeout_ms, err, errlen, status) < 0) {
		ctl_close(c);
		return NULL;
	}
	return c;
}

void ctl_close(struct ctl_conn *c)
{
	if (!c)
		return;
	close(c->fd);
	free(c);
}

json_object *ctl_cmd(const char *cmd)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "cmd", json_object_new_string(cmd));
	return o;
}

int ctl_send(struct ctl_conn *c, json_object *req, char *err, size_t errlen,
	     int *status)
{
	size_t len, off = 0;
	char *line = proto_line(req, &len);

	json_object_put(req);
	if (!line) {
		snprintf(err, errlen, "out of memory");
		*status = VERB_FAILED;
		return -1;
	}
	while (off < len) {
		ssize_t n = send(c->fd, line + off, len - off, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "%s: %s", c->name, strerror(errno));
			*status = VERB_FAILED;
			free(line);
			return -1;
		}
		off += (size_t)n;
	}
	free(line);
	return 0;
}

json_object *ctl_recv(struct ctl_conn *c, int timeout_ms, char *err,
		      size_t errlen, int *status)
{
	return read_object(c, mono_ms() + timeout_ms, err, errlen, status);
}

json_object *ctl_call(struct ctl_conn *c, json_object *req, int timeout_ms,
		      char *err, size_t errlen, int *status)
{
	if (ctl_send(c, req, err, errlen, status) < 0)
		return NULL;
	return ctl_recv(c, timeout_ms, err, errlen, status);
}

int ctl_simple(const char *verb, const char *name, json_object *req,
	       json_object **reply)
{
	char err[512];
	int status;
	struct ctl_conn *c = ctl_open(name, CTL_TIMEOUT_MS, err, sizeof(err), &status);
	json_object *r;
	json_object *ok;

	if (reply)
		*reply = NULL;
	if (!c) {
		json_object_put(req);
		fprintf(stderr, "vmm %s: %s\n", verb, err);
		return status;
	}
	r = ctl_call(c, req, CTL_TIMEOUT_MS, err, sizeof(err), &status);
	ctl_close(c);
	if (!r) {
		fprintf(stderr, "vmm %s: %s\n", verb, err);
		return status;
	}
	if (!json_object_object_get_ex(r, "ok", &ok) || !json_object_get_boolean(ok)) {
		const char *why = proto_get_string(r, "error");

		fprintf(stderr, "vmm %s: %s\n", verb, why ? why : "refused");
		json_object_put(r);
		return VERB_FAILED;
	}
	if (reply)
		*reply = r;
	else
		json_object_put(r);
	return VERB_OK;
}

int ctl_wait_closed(struct ctl_conn *c, int timeout_ms)
{
	long long deadline = mono_ms() + timeout_ms;
	char buf[4096];

	for (;;) {
		struct pollfd p = { .fd = c->fd, .events = POLLIN };
		long long left = deadline - mono_ms();
		ssize_t n;

		if (timeout_ms >= 0 && left <= 0)
			return -1;
		if (poll(&p, 1, timeout_ms < 0 ? -1 : (int)left) == 0)
			return -1;
		n = read(c->fd, buf, sizeof(buf));
		if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
			return 0;
	}
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int ctl_list_names(char ***names, size_t *count, char *err, size_t errlen)
{
	char dir[200];
	DIR *d;
	struct dirent *e;
	size_t n = 0, cap = 0;
	char **list = NULL;

	*names = NULL;
	*count = 0;
	if (rundir_get(dir, sizeof(dir), false, err, errlen) < 0)
		return -1;
	d = opendir(dir);
	if (!d) {
		if (errno == ENOENT)
			return 0;
		int e = errno;

		snprintf(err, errlen, "run directory %s: %s%s", dir, strerror(e),
			 e == EACCES ? " (another user's guests)" : "");
		return e == EACCES ? -2 : -1;
	}
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char tmp[1];

		if (len <= 5 || strcmp(e->d_name + len - 5, ".sock"))
			continue;
		e->d_name[len - 5] = '\0';
		if (!guest_name_valid(e->d_name, tmp, sizeof(tmp)))
			continue;
		if (n == cap) {
			char **p = realloc(list, (cap = cap ? cap * 2 : 16) * sizeof(*p));

			if (!p)
				break;
			list = p;
		}
		list[n] = strdup(e->d_name);
		if (list[n])
			n++;
	}
	closedir(d);
	qsort(list, n, sizeof(*list), cmp_names);
	*names = list;
	*count = n;
	return 0;
}
