// SPDX-License-Identifier: GPL-2.0
/*
 * vmm create: the guest in the background (the monitor detaches, one
 * process per guest as qemu-dm was per domain) or, with -F, in this
 * process.
 *
 * The name is the guest's identity: NAME.lock in the run directory,
 * flock()ed by the monitor for its whole life, is the arbiter between two
 * creates of one name (the kernel drops the lock when a monitor dies, even
 * by SIGKILL, so leftovers never block the next create). The lock is
 * taken here, before the fork, so a second create fails at once.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vmm/config_parse.h"
#include "vmm/monitor.h"
#include "vmm/toolstack/client.h"
#include "vmm/toolstack/rundir.h"
#include "vmm/toolstack/verbs.h"

/* The name's lock, held by this process (and the monitor it becomes).
 * An unlinked lock file (a monitor ending removes it) is not the name's
 * lock any more: retry on the new one. */
static int take_name_lock(const char *path, const char *name, char *err,
			  size_t errlen)
{
	for (int tries = 0; tries < 10; tries++) {
		struct stat a, b;
		int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

		if (fd < 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return -1;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			int e = errno;

			close(fd);
			if (e == EWOULDBLOCK)
				snprintf(err, errlen, "a guest named '%s' is already "
					 "running (vmm list; vmm destroy %s)", name, name);
			else
				snprintf(err, errlen, "%s: %s", path, strerror(e));
			return -1;
		}
		if (fstat(fd, &a) == 0 && stat(path, &b) == 0 &&
		    a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			return fd;
		close(fd);
	}
	snprintf(err, errlen, "%s: keeps changing", path);
	return -1;
}

/* The monitor's last act, the lock still held: nobody can have taken the
 * name meanwhile. */
static void release_name(const char *lock_path, int lock_fd)
{
	unlink(lock_path);
	close(lock_fd);
}

/* In the detached monitor: stdio to the log, or for serial = 'stdio' to
 * the console relay (a socketpair whose other end the control server
 * reads: `vmm console` attaches to it). */
static int setup_daemon_stdio(const struct vm_config *cfg, int log_fd,
			      int *console_fd)
{
	int null_fd = open("/dev/null", O_RDWR);
	int sv[2];

	*console_fd = -1;
	if (null_fd < 0)
		return -1;
	if (cfg->serial == SERIAL_STDIO) {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
			return -1;
		dup2(sv[0], STDIN_FILENO);
		dup2(sv[0], STDOUT_FILENO);
		close(sv[0]);
		*console_fd = sv[1];
	} else {
		dup2(null_fd, STDIN_FILENO);
		dup2(log_fd, STDOUT_FILENO);
	}
	dup2(log_fd, STDERR_FILENO);
	close(null_fd);
	close(log_fd);
	return 0;
}

static int run_background(struct vm_config *cfg, const char *sock_path,
			  const char *lock_path, int lock_fd, const char *log_path,
			  bool attach)
{
	int pipefd[2], log_fd;
	pid_t child;
	char msg[1024];
	size_t got = 0;
	int status;

	log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (log_fd < 0) {
		fprintf(stderr, "vmm create: log %s: %s\n", log_path, strerror(errno));
		return VERB_FAILED;
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		fprintf(stderr, "vmm create: pipe: %s\n", strerror(errno));
		return VERB_FAILED;
	}
	fflush(NULL);
	child = fork();
	if (child < 0) {
		fprintf(stderr, "vmm create: fork: %s\n", strerror(errno));
		return VERB_FAILED;
	}
	if (child == 0) {
		/* The first child: a new session, then the monitor in a
		 * grandchild that no terminal can reach (no controlling tty
		 * can be reacquired by a non-leader). */
		struct monitor_options opts = {
			.sock_path = sock_path, .log_path = log_path,
			.ready_fd = pipefd[1],
		};
		char when[64];
		time_t now = time(NULL);

		close(pipefd[0]);
		if (setsid() < 0)
			_exit(1);
		signal(SIGHUP, SIG_IGN);
		child = fork();
		if (child != 0)
			_exit(child < 0);
		signal(SIGHUP, SIG_DFL);
		if (setup_daemon_stdio(cfg, log_fd, &opts.console_fd) < 0) {
			if (write(pipefd[1], "cannot set up the monitor's stdio", 33) < 0)
				(void)0;
			_exit(1);
		}
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S %z", localtime(&now));
		fprintf(stderr, "vmm: %s: guest '%s' from %s, monitor pid %d\n", when,
			cfg->name, cfg->source, (int)getpid());
		status = monitor_run(cfg, &opts);
		fprintf(stderr, "vmm: guest '%s' ended, status %d\n", cfg->name, status);
		release_name(lock_path, lock_fd);
		_exit(status);
	}
	close(pipefd[1]);
	close(log_fd);
	close(lock_fd); /* the monitor holds the lock now */
	waitpid(child, &status, 0);
	for (;;) {
		ssize_t n = read(pipefd[0], msg + got, sizeof(msg) - 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || (got += (size_t)n) >= sizeof(msg) - 1)
			break;
	}
	close(pipefd[0]);
	msg[got] = '\0';
	if (strcmp(msg, "running\n") != 0) {
		char *nl = strrchr(msg, '\n');

		if (nl && !nl[1])
			*nl = '\0';
		fprintf(stderr, "vmm create: %s\n", got ? msg :
			"the monitor ended before the guest ran");
		fprintf(stderr, "vmm create: guest '%s' not started (log: %s)\n",
			cfg->name, log_path);
		return VERB_FAILED;
	}
	printf("vmm: guest '%s' is running (log: %s)\n", cfg->name, log_path);
	fflush(stdout);
	if (attach)
		return console_attach(cfg->name);
	return VERB_OK;
}

int verb_create(int argc, char **argv)
{
	bool foreground = false, attach = false;
	struct vm_config cfg;
	char err[1024] = "";   /* never printed uninitialised */
	char dir[200], sock_path[300], lock_path[300], log_path[300];
	int opt, status, lock_fd;

	optind = 1;
	opterr = 0;
	/* '+': options come before FILE; key=value pairs follow it */
	while ((opt = getopt(argc, argv, "+Fch")) != -1) {
		switch (opt) {
		case 'F':
			foreground = true;
			break;
		case 'c':
			attach = true;
			break;
		case 'h':
			verb_usage(verb_find("create"), stdout);
			return 0;
		default:
			fprintf(stderr, "vmm create: unknown option '-%c'\n", optopt);
			verb_usage(verb_find("create"), stderr);
			return VM_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "vmm create: no config FILE given\n");
		verb_usage(verb_find("create"), stderr);
		return VM_EXIT_USAGE;
	}
	if (config_load(argv[optind], argv + optind + 1, argc - optind - 1,
			&cfg, err, sizeof(err))) {
		if (err[0])
			fprintf(stderr, "vmm: %s\n", err);
		else
			fprintf(stderr, "vmm: %s: refused (no reason given)\n",
				argv[optind]);
		return VM_EXIT_USAGE;
	}
	/* What the file asks that the monitor cannot do yet: refused here,
	 * before the guest starts, not found out when the guest ends. */
	if (config_check_monitor_support(&cfg, err, sizeof(err))) {
		fprintf(stderr, "vmm: %s\n", err);
		config_free(&cfg);
		return VM_EXIT_USAGE;
	}
	if (!guest_name_valid(cfg.name, err, sizeof(err))) {
		fprintf(stderr, "vmm create: %s: name: %s\n", cfg.source, err);
		config_free(&cfg);
		return VM_EXIT_USAGE;
	}
	if (rundir_get(dir, sizeof(dir), true, err, sizeof(err)) < 0 ||
	    rundir_file(sock_path, sizeof(sock_path), dir, cfg.name, "sock") ||
	    rundir_file(lock_path, sizeof(lock_path), dir, cfg.name, "lock") ||
	    rundir_log_path(log_path, sizeof(log_path), dir, cfg.name)) {
		fprintf(stderr, "vmm create: %s\n", err[0] ? err : "run directory path too long");
		config_free(&cfg);
		return VM_EXIT_ERROR;
	}
	lock_fd = take_name_lock(lock_path, cfg.name, err, sizeof(err));
	if (lock_fd < 0) {
		fprintf(stderr, "vmm create: %s\n", err);
		config_free(&cfg);
		return VM_EXIT_ERROR;
	}
	if (foreground) {
		struct monitor_options opts = {
			.sock_path = sock_path, .ready_fd = -1, .console_fd = -1,
		};

		status = monitor_run(&cfg, &opts);
		release_name(lock_path, lock_fd);
	} else {
		status = run_background(&cfg, sock_path, lock_path, lock_fd,
					log_path, attach);
	}
	config_free(&cfg);
	return status;
}
