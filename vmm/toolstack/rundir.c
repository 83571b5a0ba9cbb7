// SPDX-License-Identifier: GPL-2.0
/* The run directory and the log's place (rundir.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/toolstack/rundir.h"

bool guest_name_valid(const char *name, char *err, size_t errlen)
{
	size_t n = strlen(name);

	if (n == 0 || n > GUEST_NAME_MAX || name[0] == '.' || name[0] == '-')
		goto bad;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("_.+-", *p)))
			goto bad;
	return true;
bad:
	snprintf(err, errlen, "'%.80s' cannot name a guest's control socket: "
		 "use 1 to %d letters, digits, '_', '.', '+', '-' (not "
		 "starting with '.' or '-')", name, GUEST_NAME_MAX);
	return false;
}

/* The directory is ours alone, or a local user could plant sockets or
 * read our guests' consoles. A client (!strict) also accepts root's
 * directory: connecting there is then refused by the kernel (EACCES),
 * which says plainly whose guests they are. */
static int check_private_dir(const char *dir, bool strict, char *err,
			     size_t errlen)
{
	struct stat st;

	if (lstat(dir, &st) < 0) {
		snprintf(err, errlen, "run directory %s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "run directory %s is not a directory", dir);
		return -1;
	}
	if (!strict && st.st_uid == 0 && geteuid() != 0)
		return 0;
	if (st.st_uid != geteuid()) {
		snprintf(err, errlen, "run directory %s belongs to uid %u, not to "
			 "you (uid %u)", dir, (unsigned)st.st_uid, (unsigned)geteuid());
		return -1;
	}
	if (st.st_mode & 077) {
		snprintf(err, errlen, "run directory %s has mode %04o: it must "
			 "be private (0700)", dir, (unsigned)(st.st_mode & 07777));
		return -1;
	}
	return 0;
}

int rundir_get(char *buf, size_t len, bool create, char *err, size_t errlen)
{
	const char *override = getenv("VMM_RUN_DIR");
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	int n;

	if (override && *override)
		n = snprintf(buf, len, "%s", override);
	else if (geteuid() == 0)
		n = snprintf(buf, len, "/run/vmm");
	else if (xdg && *xdg == '/')
		n = snprintf(buf, len, "%s/vmm", xdg);
	else
		n = snprintf(buf, len, "/tmp/vmm-%u", (unsigned)geteuid());
	if (n < 0 || (size_t)n >= len) {
		snprintf(err, errlen, "run directory path too long");
		return -1;
	}
	if (create && mkdir(buf, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot make the run directory %s: %s", buf,
			 strerror(errno));
		return -1;
	}
	if (!create) {
		struct stat st;

		/* Nothing there yet: no guests, not an error. */
		if (lstat(buf, &st) < 0 && errno == ENOENT)
			return 0;
	}
	return check_private_dir(buf, create, err, errlen);
}

int rundir_file(char *buf, size_t len, const char *dir, const char *name,
		const char *suffix)
{
	int n = snprintf(buf, len, "%s/%s.%s", dir, name, suffix);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int rundir_log_path(char *buf, size_t len, const char *dir, const char *name)
{
	const char *override = getenv("VMM_RUN_DIR");

	if (geteuid() == 0 && !(override && *override)) {
		/* A read-only /var (the nested test host) falls back below. */
		if ((mkdir("/var/log/vmm", 0750) == 0 || errno == EEXIST) &&
		    access("/var/log/vmm", W_OK) == 0)
			return rundir_file(buf, len, "/var/log/vmm", name, "log");
	}
	return rundir_file(buf, len, dir, name, "log");
}
