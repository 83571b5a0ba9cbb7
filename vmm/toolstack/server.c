// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket's server (server.h). Every client is hostile until
 * its line parses: reads are bounded by the line reader (64 KiB), replies
 * queue in a bounded buffer, a request left half-sent for
 * CLIENT_PARTIAL_MS or a silent connection past CLIENT_IDLE_MS is closed,
 * and past CTL_MAX_CLIENTS a new client gets an error and is closed. Only
 * the socket owner's uid and root get in (SO_PEERCRED), on top of the
 * socket's mode 0600 and the run directory's 0700.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "devmodel/input/input.h"
#include "vmm/machine.h"
#include "vmm/vcpu_dump.h"
#include "vmm/monitor.h"
#include "vmm/toolstack/proto.h"
#include "vmm/toolstack/server.h"
#include "vmm/toolstack/sysrq.h"

#ifndef VMM_VERSION
#define VMM_VERSION "0.1-dev"
#endif

#define CTL_MAX_CLIENTS   64
#define CLIENT_PARTIAL_MS 5000      /* a request must arrive whole by then */
#define CLIENT_IDLE_MS    60000     /* a silent plain client is closed */
#define CLIENT_OUT_MAX    (1 << 20) /* replies queued for a client */
#define CONSOLE_OUT_MAX   (256 << 10) /* console bytes queued; more dropped */
#define PAUSE_WAIT_MS     2000

enum client_mode {
	CLIENT_REQUESTS,  /* JSON lines */
	CLIENT_WAITING,   /* "wait": until the guest ends */
	CLIENT_CONSOLE,   /* raw bytes to and from COM1 */
};

struct ctl_client {
	int fd;
	enum client_mode mode;
	bool closing;            /* close once the output is sent */
	uint64_t last_input_ms;  /* idle timeout */
	uint64_t partial_since_ms;
	char *out;
	size_t out_len, out_cap;
	bool want_out;           /* EPOLLOUT registered */
	struct proto_reader rd;
};

struct ctl_server {
	struct machine *m;
	int epfd, listen_fd, timer_fd, console_fd;
	char *sock_path;
	const char *log_path;
	uint64_t started_ms;     /* CLOCK_MONOTONIC */
	time_t started_wall;
	struct ctl_client *clients[CTL_MAX_CLIENTS];
};

/* epoll data: the server's own fds by a tag, clients by pointer. */
enum { TAG_LISTEN = 1, TAG_TIMER, TAG_CONSOLE };

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static double timespec_s(const struct timespec *ts)
{
	return (double)ts->tv_sec + (double)ts->tv_nsec / 1e9;
}

/* --- clients ------------------------------------------------------------- */

static void client_update_events(struct ctl_server *srv, struct ctl_client *c)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
	bool want = c->out_len > 0;

	if (want == c->want_out)
		return;
	if (want)
		ev.events |= EPOLLOUT;
	epoll_ctl(srv->epfd, EPOLL_CTL_MOD, c->fd, &ev);
	c->want_out = want;
}

static void client_close(struct ctl_server *srv, struct ctl_client *c)
{
	for (int i = 0; i < CTL_MAX_CLIENTS; i++)
		if (srv->clients[i] == c)
			srv->clients[i] = NULL;
	epoll_ctl(srv->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c->out);
	free(c);
}

/* Send what is queued without blocking. false: the client is gone. */
static bool client_flush(struct ctl_server *srv, struct ctl_client *c)
{
	while (c->out_len) {
		ssize_t n = send(c->fd, c->out, c->out_len, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		if (n <= 0) {
			client_close(srv, c);
			return false;
		}
		memmove(c->out, c->out + n, c->out_len - (size_t)n);
		c->out_len -= (size_t)n;
	}
	if (!c->out_len && c->closing) {
		client_close(srv, c);
		return false;
	}
	client_update_events(srv, c);
	return true;
}

/* Queue bytes (at most `max` queued in all: past it, dropped). */
static bool client_queue(struct ctl_client *c, const void *buf, size_t len,
			 size_t max)
{
	if (c->out_len + len > max)
		return false;
	if (c->out_len + len > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 4096;
		char *p;

		while (cap < c->out_len + len)
			cap *= 2;
		p = realloc(c->out, cap);
		if (!p)
			return false;
		c->out = p;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, buf, len);
	c->out_len += len;
	return true;
}

/* One reply line; the object is put. A client that does not read its
 * replies is closed once a megabyte waits. */
static bool client_reply(struct ctl_server *srv, struct ctl_client *c,
			 json_object *reply)
{
	size_t len;
	char *line = proto_line(reply, &len);
	bool queued = line && client_queue(c, line, len, CLIENT_OUT_MAX);

	free(line);
	json_object_put(reply);
	if (!queued) {
		client_close(srv, c);
		return false;
	}
	return client_flush(srv, c);
}

/* --- the commands ---------------------------------------------------------- */

static char state_letter(const struct machine *m)
{
	if (m->paused)
		return 'p';
	if (m->event == EVENT_CRASH)
		return 'c';
	if (m->event != EVENT_NONE)
		return 's';
	return m->vcpu_halted ? 'b' : 'r';
}

static double vcpu_seconds(struct machine *m)
{
	clockid_t cid;
	struct timespec ts;

	if (!m->vcpu_started || pthread_getcpuclockid(m->vcpu_thread, &cid) ||
	    clock_gettime(cid, &ts))
		return 0;
	return timespec_s(&ts);
}

static const char *accel_name(enum vm_accel a)
{
	return a == ACCEL_VMM ? "vmm" : a == ACCEL_KVM ? "kvm" : "auto";
}

/* Under lock. */
static json_object *cmd_info(struct ctl_server *srv, json_object *req)
{
	struct machine *m = srv->m;
	const struct vm_config *cfg = m->cfg;
	json_object *o = proto_ok();
	struct timespec ts;
	char st[2] = { state_letter(m), 0 };
	const char *serial = machine_serial_name(m);

	(void)req;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	json_object_object_add(o, "name", json_object_new_string(cfg->name));
	json_object_object_add(o, "id", json_object_new_int((int)getpid()));
	json_object_object_add(o, "memory_mib", json_object_new_int64((int64_t)cfg->memory_mib));
	json_object_object_add(o, "vcpus", json_object_new_int(1));
	json_object_object_add(o, "state", json_object_new_string(st));
	json_object_object_add(o, "cpu_time", json_object_new_double(vcpu_seconds(m)));
	json_object_object_add(o, "monitor_cpu_time", json_object_new_double(timespec_s(&ts)));
	json_object_object_add(o, "uptime", json_object_new_double(
		(double)(now_ms() - srv->started_ms) / 1000.0));
	json_object_object_add(o, "started", json_object_new_int64((int64_t)srv->started_wall));
	json_object_object_add(o, "exits", json_object_new_int64((int64_t)m->exits));
	json_object_object_add(o, "restarts", json_object_new_int((int)m->restarts));
	json_object_object_add(o, "accel", json_object_new_string(m->accel.device ?
		m->accel.device : accel_name(cfg->accel)));
	json_object_object_add(o, "config", json_object_new_string(cfg->source ? cfg->source : ""));
	json_object_object_add(o, "log", json_object_new_string(srv->log_path ? srv->log_path : ""));
	json_object_object_add(o, "serial", json_object_new_string(serial ? serial : "none"));
	json_object_object_add(o, "console", json_object_new_boolean(
		srv->console_fd >= 0 || cfg->serial == SERIAL_PTY));
	json_object_object_add(o, "acpi", json_object_new_boolean(cfg->acpi));
	json_object_object_add(o, "protocol", json_object_new_int(PROTO_VERSION));
	return o;
}

/* Under lock. */
static json_object *cmd_vcpu_list(struct ctl_server *srv, json_object *req)
{
	struct machine *m = srv->m;
	json_object *o = proto_ok(), *list = json_object_new_array(), *v;
	char path[64], buf[1024], st[2] = { state_letter(m), 0 };
	int cpu = -1;
	FILE *f;
	cpu_set_t set;

	(void)req;
	/* /proc/self/task/TID/stat field 39: the CPU it last ran on */
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", m->vcpu_tid);
	f = m->vcpu_tid > 0 ? fopen(path, "r") : NULL;
	if (f) {
		if (fgets(buf, sizeof(buf), f)) {
			char *p = strrchr(buf, ')');
			int field = 2;

			for (; p && *p && field < 39; p++)
				if (*p == ' ')
					field++;
			if (p && field == 39)
				cpu = atoi(p);
		}
		fclose(f);
	}
	v = json_object_new_object();
	json_object_object_add(v, "vcpu", json_object_new_int(0));
	json_object_object_add(v, "cpu", json_object_new_int(cpu));
	json_object_object_add(v, "state", json_object_new_string(st));
	json_object_object_add(v, "time", json_object_new_double(vcpu_seconds(m)));
	CPU_ZERO(&set);
	if (m->vcpu_tid > 0 && sched_getaffinity(m->vcpu_tid, sizeof(set), &set) == 0) {
		json_object *aff = json_object_new_array();

		for (int i = 0; i < CPU_SETSIZE; i++)
			if (CPU_ISSET(i, &set))
				json_object_array_add(aff, json_object_new_int(i));
		json_object_object_add(v, "affinity", aff);
	}
	json_object_array_add(list, v);
	json_object_object_add(o, "vcpus", list);
	return o;
}

/* Under lock: hold the vCPU out of KVM_RUN and wait until it is. */
static json_object *cmd_pause(struct ctl_server *srv, json_object *req)
{
	struct machine *m = srv->m;
	struct timespec deadline;

	(void)req;
	if (m->event != EVENT_NONE)
		return proto_error("%s is shutting down", m->cfg->name);
	if (m->paused)
		return proto_error("%s is already paused", m->cfg->name);
	m->paused = true;
	machine_kick(m);
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += PAUSE_WAIT_MS / 1000;
	while (!m->vcpu_held && m->event == EVENT_NONE)
		if (pthread_cond_timedwait(&m->held, &m->lock, &deadline) == ETIMEDOUT)
			break;
	if (!m->vcpu_held && m->event == EVENT_NONE) {
		/* still inside KVM_RUN: it stops at its next exit */
		json_object *o = proto_ok();

		json_object_object_add(o, "note", json_object_new_string(
			"the vCPU has not left the guest yet; it stops at its next exit"));
		return o;
	}
	return proto_ok();
}

/*
 * Under lock: the vCPU's registers and the interrupt path's state, for bug
 * reports of a guest that hangs (what `xenctx` and `xl debug-keys` give a
 * Xen user). The vCPU is held out of KVM_RUN while its registers are read,
 * then let go again unless the guest was paused already. The text goes to
 * the guest's log too.
 */
static json_object *cmd_debug_state(struct ctl_server *srv, json_object *req)
{
	struct machine *m = srv->m;
	bool was_paused = m->paused;
	struct timespec deadline;
	json_object *o;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	(void)req;
	if (m->event != EVENT_NONE)
		return proto_error("%s is shutting down", m->cfg->name);
	m->paused = true;
	machine_kick(m);
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += PAUSE_WAIT_MS / 1000;
	while (!m->vcpu_held && !m->vcpu_halted && m->event == EVENT_NONE)
		if (pthread_cond_timedwait(&m->held, &m->lock, &deadline) == ETIMEDOUT)
			break;
	f = open_memstream(&text, &len);
	if (!f) {
		m->paused = was_paused;
		pthread_cond_broadcast(&m->wake);
		return proto_error("out of memory");
	}
	if (m->vcpu_held || m->vcpu_halted)
		vcpu_dump_state(&m->accel, f);
	else
		fprintf(f, "vmm: the vCPU did not leave the guest in %d ms: no registers\n",
			PAUSE_WAIT_MS);
	machine_dump_devices(m, f);
	fclose(f);
	m->paused = was_paused;
	pthread_cond_broadcast(&m->wake);
	fputs(text, stderr);
	o = proto_ok();
	json_object_object_add(o, "text", json_object_new_string(text));
	free(text);
	return o;
}

static json_object *cmd_unpause(struct ctl_server *srv, json_object *req)
{
	struct machine *m = srv->m;

	(void)req;
	if (!m->paused)
		return proto_error("%s is not paused", m->cfg->name);
	m->paused = false;
	pthread_cond_broadcast(&m->wake);
	return proto_ok();
}

static json_object *cmd_destroy(struct ctl_server *srv, json_object *req)
{
	(void)req;
	fprintf(stderr, "vmm: destroyed by `vmm destroy`\n");
	machine_request(srv->m, EVENT_QUIT, VM_EXIT_ERROR);
	return proto_ok();
}

/* shutdown / reboot: the ACPI power button; reboot without ACPI is the
 * machine's reset (not a clean shutdown: the reply says so). */
static json_object *cmd_shutdown(struct ctl_server *srv, json_object *req)
{
	struct machine *m = srv->m;
	bool reboot = proto_get_bool(req, "reboot", false);
	json_object *o;

	if (m->event != EVENT_NONE)
		return proto_error("%s is already shutting down", m->cfg->name);
	if (machine_power_button(m) == 0) {
		if (reboot)
			m->restart_next = true;
		fprintf(stderr, "vmm: power button pressed (vmm %s)\n",
			reboot ? "reboot" : "shutdown");
		o = proto_ok();
		json_object_object_add(o, "method", json_object_new_string("acpi"));
		return o;
	}
	if (!reboot)
		return proto_error("%s has no ACPI power button (acpi = 0): "
				   "use vmm destroy", m->cfg->name);
	fprintf(stderr, "vmm: reset (vmm reboot, no ACPI power button)\n");
	m->restart_next = true;
	machine_request(m, EVENT_RESET, 0);
	o = proto_ok();
	json_object_object_add(o, "method", json_object_new_string("reset"));
	json_object_object_add(o, "note", json_object_new_string(
		"no ACPI power button (acpi = 0): the machine was reset, not shut down cleanly"));
	return o;
}

static json_object *cmd_trigger(struct ctl_server *srv, json_object *req)
{
	struct machine *m = srv->m;
	const char *what = proto_get_string(req, "what");

	if (!what)
		return proto_error("trigger: \"what\" missing (nmi, reset or power)");
	if (!strcmp(what, "nmi")) {
		m->nmi_pending = true;
		machine_kick(m);
	} else if (!strcmp(what, "reset")) {
		fprintf(stderr, "vmm: reset (vmm trigger reset)\n");
		m->restart_next = true;
		machine_request(m, EVENT_RESET, 0);
	} else if (!strcmp(what, "power")) {
		if (machine_power_button(m) < 0)
			return proto_error("%s has no ACPI power button (acpi = 0)",
					   m->cfg->name);
	} else {
		return proto_error("trigger: unknown '%.40s' (nmi, reset or power)", what);
	}
	return proto_ok();
}

/* Not under lock: the input sink takes it. */
static json_object *cmd_sysrq(struct ctl_server *srv, json_object *req)
{
	const struct input_sink *in = machine_input(srv->m);
	const char *key = proto_get_string(req, "key");
	uint16_t code;

	if (!key || strlen(key) != 1)
		return proto_error("sysrq: \"key\" must be one character");
	code = sysrq_key_code(key[0]);
	if (!code)
		return proto_error("sysrq: no key for '%c' (letters, digits)", key[0]);
	sysrq_press(in, code);
	return proto_ok();
}

/* Under lock. */
static json_object *cmd_console(struct ctl_server *srv, struct ctl_client *c)
{
	struct machine *m = srv->m;
	const char *serial = machine_serial_name(m);
	json_object *o;

	if (srv->console_fd >= 0) {
		o = proto_ok();
		json_object_object_add(o, "mode", json_object_new_string("raw"));
		c->mode = CLIENT_CONSOLE;
		return o;
	}
	if (m->cfg->serial == SERIAL_PTY && serial) {
		o = proto_ok();
		json_object_object_add(o, "pty", json_object_new_string(serial));
		return o;
	}
	if (m->cfg->serial == SERIAL_NONE)
		return proto_error("%s has no serial port (serial = 'none')", m->cfg->name);
	if (m->cfg->serial == SERIAL_STDIO)
		return proto_error("%s's console is the terminal it was started on "
				   "(vmm create -F)", m->cfg->name);
	return proto_error("%s's COM1 goes to %s: no console to attach", m->cfg->name,
			   serial ? serial : "nowhere");
}

struct command {
	const char *name;
	json_object *(*fn)(struct ctl_server *srv, json_object *req);
	bool locked;
};

static const struct command commands[] = {
	{ "info", cmd_info, true },
	{ "vcpu-list", cmd_vcpu_list, true },
	{ "pause", cmd_pause, true },
	{ "unpause", cmd_unpause, true },
	{ "debug-state", cmd_debug_state, true },
	{ "destroy", cmd_destroy, true },
	{ "shutdown", cmd_shutdown, true },
	{ "trigger", cmd_trigger, true },
	{ "sysrq", cmd_sysrq, false },
};

/* One request line. false: the client is gone. */
static bool client_request(struct ctl_server *srv, struct ctl_client *c,
			   const char *line, size_t len)
{
	json_object *req, *reply = NULL;
	const char *cmd;
	char err[256];

	if (proto_parse_request(line, len, &req, &cmd, err, sizeof(err)) < 0)
		return client_reply(srv, c, proto_error("%s", err));
	if (!strcmp(cmd, "console")) {
		pthread_mutex_lock(&srv->m->lock);
		reply = cmd_console(srv, c);
		pthread_mutex_unlock(&srv->m->lock);
	} else if (!strcmp(cmd, "wait")) {
		/* no reply: the connection closes when the guest has ended */
		c->mode = CLIENT_WAITING;
	} else {
		for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
			if (strcmp(cmd, commands[i].name))
				continue;
			if (commands[i].locked)
				pthread_mutex_lock(&srv->m->lock);
			reply = commands[i].fn(srv, req);
			if (commands[i].locked)
				pthread_mutex_unlock(&srv->m->lock);
			break;
		}
		if (!reply)
			reply = proto_error("unknown command '%.60s'", cmd);
	}
	json_object_put(req);
	return reply ? client_reply(srv, c, reply) : true;
}

/* Console bytes from a client go to COM1's input (dropped when full). */
static void console_input(struct ctl_server *srv, const char *buf, size_t len)
{
	if (srv->console_fd >= 0 && send(srv->console_fd, buf, len,
					 MSG_NOSIGNAL | MSG_DONTWAIT) < 0 &&
	    errno != EAGAIN)
		fprintf(stderr, "vmm: console relay: %s\n", strerror(errno));
}

static void client_readable(struct ctl_server *srv, struct ctl_client *c)
{
	char *line, *space;
	size_t room, len;
	ssize_t n;

	if (c->mode == CLIENT_CONSOLE) {
		char buf[4096];

		n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0)
			console_input(srv, buf, (size_t)n);
		else if (n == 0 || (errno != EAGAIN && errno != EINTR))
			client_close(srv, c);
		return;
	}
	space = proto_reader_space(&c->rd, &room);
	n = room ? recv(c->fd, space, room, MSG_DONTWAIT) : 0;
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		client_close(srv, c);
		return;
	}
	proto_reader_added(&c->rd, (size_t)n);
	c->last_input_ms = now_ms();
	for (;;) {
		enum proto_next next = proto_reader_next(&c->rd, &line, &len);

		if (next == PROTO_TOO_LONG) {
			c->closing = true;
			client_reply(srv, c, proto_error("request longer than %d bytes",
							 PROTO_LINE_MAX));
			return;
		}
		if (next == PROTO_NEED_MORE)
			break;
		if (c->mode != CLIENT_REQUESTS)
			continue; /* waiting: nothing more to ask */
		if (!client_request(srv, c, line, len))
			return;
		if (c->mode == CLIENT_CONSOLE) {
			/* What came after the console request is the first input. */
			size_t rest = c->rd.len - c->rd.taken;

			if (rest)
				console_input(srv, c->rd.buf + c->rd.taken, rest);
			c->rd.len = c->rd.taken = 0;
			return;
		}
	}
	c->partial_since_ms = proto_reader_pending(&c->rd) ?
			      (c->partial_since_ms ? c->partial_since_ms : now_ms()) : 0;
}

/* --- accept, timers, the relay ------------------------------------------- */

static void accept_client(struct ctl_server *srv)
{
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	struct ctl_client *c;
	int fd, slot = -1;

	fd = accept4(srv->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0 ||
	    (cred.uid != 0 && cred.uid != geteuid())) {
		static const char denied[] =
			"{\"ok\":false,\"error\":\"permission denied: not the guest's owner\"}\n";

		fprintf(stderr, "vmm: control socket: refused uid %u\n",
			(unsigned)cred.uid);
		if (send(fd, denied, sizeof(denied) - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
			(void)0;
		close(fd);
		return;
	}
	for (int i = 0; i < CTL_MAX_CLIENTS; i++)
		if (!srv->clients[i]) {
			slot = i;
			break;
		}
	c = slot >= 0 ? calloc(1, sizeof(*c)) : NULL;
	if (!c) {
		static const char busy[] =
			"{\"ok\":false,\"error\":\"too many clients\"}\n";

		if (send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
			(void)0;
		close(fd);
		return;
	}
	c->fd = fd;
	c->last_input_ms = now_ms();
	srv->clients[slot] = c;
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };

	if (epoll_ctl(srv->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		srv->clients[slot] = NULL;
		close(fd);
		free(c);
		return;
	}
	client_reply(srv, c, proto_greeting(VMM_VERSION, srv->m->cfg->name));
}

static void reap_slow_clients(struct ctl_server *srv)
{
	uint64_t expirations, now = now_ms();

	if (read(srv->timer_fd, &expirations, sizeof(expirations)) < 0)
		(void)0;
	for (int i = 0; i < CTL_MAX_CLIENTS; i++) {
		struct ctl_client *c = srv->clients[i];

		if (!c || c->mode != CLIENT_REQUESTS || c->closing)
			continue;
		if (c->partial_since_ms && now - c->partial_since_ms > CLIENT_PARTIAL_MS) {
			c->closing = true;
			client_reply(srv, c, proto_error("request incomplete after %d s",
							 CLIENT_PARTIAL_MS / 1000));
		} else if (now - c->last_input_ms > CLIENT_IDLE_MS) {
			c->closing = true;
			client_reply(srv, c, proto_error("idle for %d s", CLIENT_IDLE_MS / 1000));
		}
	}
}

/* COM1's output (the monitor's stdout) to every attached console. */
static void console_output(struct ctl_server *srv)
{
	char buf[4096];
	ssize_t n = recv(srv->console_fd, buf, sizeof(buf), MSG_DONTWAIT);

	if (n <= 0)
		return;
	for (int i = 0; i < CTL_MAX_CLIENTS; i++) {
		struct ctl_client *c = srv->clients[i];

		if (c && c->mode == CLIENT_CONSOLE) {
			/* a console that does not keep up loses bytes, as a
			 * terminal on a UART would */
			client_queue(c, buf, (size_t)n, CONSOLE_OUT_MAX);
			client_flush(srv, c);
		}
	}
}

void ctl_server_ready(struct ctl_server *srv)
{
	struct epoll_event evs[16];
	int n = epoll_wait(srv->epfd, evs, 16, 0);

	for (int i = 0; i < n; i++) {
		uint64_t tag = evs[i].data.u64;

		if (tag == TAG_LISTEN) {
			accept_client(srv);
		} else if (tag == TAG_TIMER) {
			reap_slow_clients(srv);
		} else if (tag == TAG_CONSOLE) {
			console_output(srv);
		} else {
			struct ctl_client *c = evs[i].data.ptr;
			bool known = false;

			/* an earlier event of this batch may have closed it */
			for (int j = 0; j < CTL_MAX_CLIENTS; j++)
				known |= srv->clients[j] == c;
			if (!known)
				continue;
			if (evs[i].events & EPOLLOUT) {
				if (!client_flush(srv, c))
					continue;
			}
			if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
				client_readable(srv, c);
		}
	}
}

int ctl_server_fd(const struct ctl_server *srv)
{
	return srv->epfd;
}

static int watch(int epfd, int fd, uint64_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = tag };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

struct ctl_server *ctl_server_start(struct machine *m,
				    const struct monitor_options *opts,
				    char *err, size_t errlen)
{
	struct ctl_server *srv = calloc(1, sizeof(*srv));
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct itimerspec tick = { { 1, 0 }, { 1, 0 } };
	mode_t old_mask;

	if (!srv) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	/* times in seconds with ms resolution, not 17 digits */
	json_c_set_serialization_double_format("%.3f", JSON_C_OPTION_GLOBAL);
	srv->m = m;
	srv->listen_fd = srv->timer_fd = srv->epfd = -1;
	srv->console_fd = opts->console_fd;
	srv->log_path = opts->log_path;
	srv->started_ms = now_ms();
	srv->started_wall = time(NULL);
	if (strlen(opts->sock_path) >= sizeof(addr.sun_path)) {
		snprintf(err, errlen, "control socket path too long: %s", opts->sock_path);
		goto fail;
	}
	strcpy(addr.sun_path, opts->sock_path);
	srv->sock_path = strdup(opts->sock_path);
	srv->epfd = epoll_create1(EPOLL_CLOEXEC);
	srv->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	srv->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (!srv->sock_path || srv->epfd < 0 || srv->timer_fd < 0 || srv->listen_fd < 0) {
		snprintf(err, errlen, "control socket: %s", strerror(errno));
		goto fail;
	}
	/* The caller holds the name's lock: what is there is a dead
	 * monitor's socket. */
	unlink(opts->sock_path);
	old_mask = umask(0177); /* born 0600: no window with a wider mode */
	if (bind(srv->listen_fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		umask(old_mask);
		snprintf(err, errlen, "control socket %s: %s", opts->sock_path,
			 strerror(errno));
		goto fail;
	}
	umask(old_mask);
	if (chmod(opts->sock_path, 0600) < 0 || listen(srv->listen_fd, 16) < 0 ||
	    watch(srv->epfd, srv->listen_fd, TAG_LISTEN) < 0 ||
	    timerfd_settime(srv->timer_fd, 0, &tick, NULL) < 0 ||
	    watch(srv->epfd, srv->timer_fd, TAG_TIMER) < 0 ||
	    (srv->console_fd >= 0 && watch(srv->epfd, srv->console_fd, TAG_CONSOLE) < 0)) {
		snprintf(err, errlen, "control socket %s: %s", opts->sock_path,
			 strerror(errno));
		unlink(opts->sock_path);
		goto fail;
	}
	return srv;
fail:
	if (srv->listen_fd >= 0)
		close(srv->listen_fd);
	if (srv->timer_fd >= 0)
		close(srv->timer_fd);
	if (srv->epfd >= 0)
		close(srv->epfd);
	free(srv->sock_path);
	free(srv);
	return NULL;
}

void ctl_server_stop(struct ctl_server *srv)
{
	if (!srv)
		return;
	unlink(srv->sock_path);
	close(srv->listen_fd);
	for (int i = 0; i < CTL_MAX_CLIENTS; i++)
		if (srv->clients[i]) {
			client_flush(srv, srv->clients[i]);
			if (srv->clients[i])
				client_close(srv, srv->clients[i]);
		}
	close(srv->timer_fd);
	close(srv->epfd);
	free(srv->sock_path);
	free(srv);
}
