// SPDX-License-Identifier: GPL-2.0
/*
 * The verbs table and the verbs that are one request on the control
 * socket (create.c: create; console.c: console; monitor.c: the guest).
 * Columns and letters follow Xen 3.x's xm (xm list: Name ID Mem VCPUs
 * State Time(s); states r running, b blocked, p paused, s shutdown,
 * c crashed).
 */
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vmm/toolstack/client.h"
#include "vmm/toolstack/rundir.h"
#include "vmm/toolstack/verbs.h"

static const struct verb verbs[] = {
	{ "create", verb_create, "[-F] [-c] FILE [key=value ...]",
	  "start the guest FILE describes (a Xen .hvm config) in the background;\n"
	  "  key=value pairs override the file; -c then attaches the console;\n"
	  "  -F runs it in this process until it ends (the exit status says how)" },
	{ "list", verb_list, "[-l] [NAME ...]",
	  "the running guests: Name ID Mem VCPUs State Time(s); -l: more" },
	{ "info", verb_info, "[NAME]",
	  "a guest's details; without NAME, this host's" },
	{ "uptime", verb_uptime, "[NAME ...]", "how long the guests have run" },
	{ "vcpu-list", verb_vcpu_list, "[NAME ...]",
	  "the guests' vCPUs: host CPU, state, time, affinity" },
	{ "top", verb_top, "[-b] [-n ITERATIONS] [-d SECONDS]",
	  "refreshing table of CPU %, memory, vCPUs, exits/s per guest;\n"
	  "  -b batch output (no screen control), -n stop after N screens" },
	{ "console", verb_console, "NAME",
	  "attach to the guest's COM1 (Ctrl-] detaches)" },
	{ "destroy", verb_destroy, "NAME", "stop the guest at once (no shutdown)" },
	{ "pause", verb_pause, "NAME", "stop the guest's vCPUs (it stays in memory)" },
	{ "unpause", verb_unpause, "NAME", "let a paused guest run again" },
	{ "shutdown", verb_shutdown, "[-w] NAME",
	  "press the ACPI power button; -w waits until the guest is gone" },
	{ "reboot", verb_reboot, "[-w] NAME",
	  "shut down cleanly and come back (ACPI); -w waits until it is back" },
	{ "trigger", verb_trigger, "NAME nmi|reset|power",
	  "an NMI, a hard reset (the guest comes back), the power button" },
	{ "sysrq", verb_sysrq, "NAME KEY",
	  "type Alt+SysRq+KEY on the guest's PS/2 keyboard" },
	{ "debug-state", verb_debug_state, "NAME",
	  "the vCPU's registers and the interrupt controllers' state\n"
	  "  (for a bug report of a guest that hangs; also in the guest's log)" },
};

const struct verb *verb_find(const char *name)
{
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(verbs[i].name, name))
			return &verbs[i];
	return NULL;
}

void verb_usage(const struct verb *v, FILE *f)
{
	fprintf(f, "usage: vmm %s %s\n  %s\n", v->name, v->usage, v->help);
}

void verbs_print_help(FILE *f)
{
	fprintf(f, "usage: vmm COMMAND [ARGS]   (vmm COMMAND --help for one)\n\n");
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		fprintf(f, "  %s %s\n      %s\n", verbs[i].name, verbs[i].usage,
			verbs[i].help);
	fprintf(f, "  help | version\n\n"
		"Exit statuses: 0 done, 1 failed, 2 usage, 3 no such guest,\n"
		"4 permission denied, 5 the guest's monitor did not answer;\n"
		"create -F: how the guest ended (0 poweroff, 3 reboot, 4 crash).\n"
		"Not implemented yet: save, restore, migrate, mem-set, vcpu-set.\n");
}

int verb_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return 1;
	}
	return 0;
}

/* The verb's NAME argument (exactly `want` operands after options). */
static int need_operands(const char *verb, int argc, int first, int want)
{
	if (argc - first != want) {
		fprintf(stderr, "vmm %s: %s\n", verb, argc - first < want ?
			"missing argument" : "too many arguments");
		verb_usage(verb_find(verb), stderr);
		return -1;
	}
	return 0;
}

/* --- gathering the guests' info ------------------------------------------ */

static const char *jstr(json_object *o, const char *key);

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct guest_info {
	char *name;
	json_object *info;   /* NULL: did not answer (err) */
	char err[256];
	int status;
};

/* The guests named (or all): those gone between readdir and connect are
 * left out when listing all; named ones are an error. */
static int gather(int argc, char **argv, struct guest_info **out, size_t *count,
		  bool *any_error)
{
	char **names = NULL, err[512];
	size_t n = 0;
	struct guest_info *g;
	struct ctl_conn **conns;
	long long deadline;
	bool named = argc > 0;

	*any_error = false;
	if (named) {
		names = calloc((size_t)argc, sizeof(*names));
		for (int i = 0; names && i < argc; i++)
			names[n++] = strdup(argv[i]);
	} else {
		int r = ctl_list_names(&names, &n, err, sizeof(err));

		if (r < 0) {
			fprintf(stderr, "vmm: %s\n", err);
			return r == -2 ? VERB_DENIED : VERB_FAILED;
		}
	}
	g = calloc(n ? n : 1, sizeof(*g));
	conns = calloc(n ? n : 1, sizeof(*conns));
	if (!g || !conns)
		return VERB_FAILED;
	size_t kept = 0;

	/* All at once: connect and ask every monitor before reading any
	 * answer, so the monitors work in parallel (20 guests: one round
	 * trip's time, not twenty). A request may go before the greeting. */
	for (size_t i = 0; i < n; i++) {
		struct guest_info *x = &g[i];

		x->name = names[i];
		conns[i] = ctl_connect(x->name, x->err, sizeof(x->err), &x->status);
		if (conns[i] && ctl_send(conns[i], ctl_cmd("info"), x->err,
					 sizeof(x->err), &x->status) < 0) {
			ctl_close(conns[i]);
			conns[i] = NULL;
		}
	}
	deadline = mono_ms() + (named ? CTL_TIMEOUT_MS : 2000);
	for (size_t i = 0; i < n; i++) {
		struct guest_info *x = &g[i];
		long long left = deadline - mono_ms();
		json_object *ok;

		if (left < 1)
			left = 1;
		if (conns[i] && ctl_greeting(conns[i], (int)left, x->err, sizeof(x->err),
					     &x->status) == 0)
			x->info = ctl_recv(conns[i], (int)left, x->err, sizeof(x->err),
					   &x->status);
		ctl_close(conns[i]);
		if (x->info && (!json_object_object_get_ex(x->info, "ok", &ok) ||
				!json_object_get_boolean(ok))) {
			snprintf(x->err, sizeof(x->err), "%s: %s", x->name,
				 jstr(x->info, "error"));
			json_object_put(x->info);
			x->info = NULL;
			x->status = VERB_FAILED;
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct guest_info *x = &g[i];

		if (!x->info && x->status == VERB_NO_GUEST && !named) {
			free(x->name); /* ended meanwhile, or a dead monitor's socket */
			continue;
		}
		if (!x->info) {
			fprintf(stderr, "vmm: %s\n", x->err);
			*any_error = true;
		}
		g[kept++] = *x;
	}
	free(conns);
	free(names);
	*out = g;
	*count = kept;
	return VERB_OK;
}

static void free_gathered(struct guest_info *g, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(g[i].name);
		json_object_put(g[i].info);
	}
	free(g);
}

static double jnum(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_double(v) : 0;
}

static const char *jstr(json_object *o, const char *key)
{
	const char *s = proto_get_string(o, key);

	return s ? s : "";
}

/* The status of a multi-guest verb: the first guest's failure. */
static int first_failure(struct guest_info *g, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!g[i].info)
			return g[i].status ? g[i].status : VERB_FAILED;
	return VERB_OK;
}

int verb_list(int argc, char **argv)
{
	bool longer = false, err;
	struct guest_info *g;
	size_t n;
	int opt, r;

	optind = 1;
	opterr = 0;
	while ((opt = getopt(argc, argv, "+l")) != -1) {
		if (opt != 'l') {
			fprintf(stderr, "vmm list: unknown option '-%c'\n", optopt);
			verb_usage(verb_find("list"), stderr);
			return VERB_USAGE;
		}
		longer = true;
	}
	r = gather(argc - optind, argv + optind, &g, &n, &err);
	if (r)
		return r;
	if (longer)
		printf("%-20s %7s %6s %5s %5s %9s %9s %10s %-10s %s\n", "Name", "ID",
		       "Mem", "VCPUs", "State", "Time(s)", "Uptime", "Exits",
		       "Accel", "Log");
	else
		printf("%-20s %7s %6s %5s %5s %9s\n", "Name", "ID", "Mem", "VCPUs",
		       "State", "Time(s)");
	for (size_t i = 0; i < n; i++) {
		json_object *o = g[i].info;

		if (!o)
			continue;
		printf("%-20s %7d %6.0f %5.0f %5s %9.1f", jstr(o, "name"),
		       (int)jnum(o, "id"), jnum(o, "memory_mib"), jnum(o, "vcpus"),
		       jstr(o, "state"), jnum(o, "cpu_time"));
		if (longer)
			printf(" %9.0f %10.0f %-10s %s", jnum(o, "uptime"),
			       jnum(o, "exits"), jstr(o, "accel"), jstr(o, "log"));
		printf("\n");
	}
	r = first_failure(g, n);
	free_gathered(g, n);
	return r;
}

static void print_host_info(void)
{
	char dir[200], err[256];
	char **names;
	size_t n = 0;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);

	printf("%-20s: %s\n", "accelerators",
	       access("/dev/vmm", F_OK) == 0 ?
	       (access("/dev/kvm", F_OK) == 0 ? "/dev/vmm /dev/kvm" : "/dev/vmm") :
	       (access("/dev/kvm", F_OK) == 0 ? "/dev/kvm" : "none"));
	printf("%-20s: %ld\n", "nr_cpus", cpus);
	printf("%-20s: %lld\n", "total_memory (MiB)",
	       (long long)pages * psize / (1024 * 1024));
	if (rundir_get(dir, sizeof(dir), false, err, sizeof(err)) == 0)
		printf("%-20s: %s\n", "run_directory", dir);
	if (ctl_list_names(&names, &n, err, sizeof(err)) == 0) {
		printf("%-20s: %zu\n", "guest_sockets", n);
		for (size_t i = 0; i < n; i++)
			free(names[i]);
		free(names);
	}
}

int verb_info(int argc, char **argv)
{
	json_object *r;
	int status;

	if (argc == 1) {
		print_host_info();
		return VERB_OK;
	}
	if (need_operands("info", argc, 1, 1))
		return VERB_USAGE;
	status = ctl_simple("info", argv[1], ctl_cmd("info"), &r);
	if (status)
		return status;
	json_object_object_foreach(r, key, val) {
		if (!strcmp(key, "ok"))
			continue;
		printf("%-18s: %s\n", key, json_object_get_string(val));
	}
	json_object_put(r);
	return VERB_OK;
}

int verb_debug_state(int argc, char **argv)
{
	json_object *r, *text;
	int status;

	if (need_operands("debug-state", argc, 1, 1))
		return VERB_USAGE;
	status = ctl_simple("debug-state", argv[1], ctl_cmd("debug-state"), &r);
	if (status)
		return status;
	if (json_object_object_get_ex(r, "text", &text))
		fputs(json_object_get_string(text), stdout);
	json_object_put(r);
	return VERB_OK;
}

int verb_uptime(int argc, char **argv)
{
	struct guest_info *g;
	size_t n;
	bool err;
	int r = gather(argc - 1, argv + 1, &g, &n, &err);

	if (r)
		return r;
	printf("%-20s %7s %s\n", "Name", "ID", "Uptime");
	for (size_t i = 0; i < n; i++) {
		json_object *o = g[i].info;
		long s;

		if (!o)
			continue;
		s = (long)jnum(o, "uptime");
		if (s >= 86400)
			printf("%-20s %7d %ld days, %2ld:%02ld:%02ld\n", jstr(o, "name"),
			       (int)jnum(o, "id"), s / 86400, s / 3600 % 24, s / 60 % 60, s % 60);
		else
			printf("%-20s %7d %2ld:%02ld:%02ld\n", jstr(o, "name"),
			       (int)jnum(o, "id"), s / 3600, s / 60 % 60, s % 60);
	}
	r = first_failure(g, n);
	free_gathered(g, n);
	return r;
}

int verb_vcpu_list(int argc, char **argv)
{
	char **names = NULL, err[512];
	size_t n = 0;
	int worst = VERB_OK;

	if (argc > 1) {
		names = calloc((size_t)argc, sizeof(*names));
		for (int i = 1; names && i < argc; i++)
			names[n++] = strdup(argv[i]);
	} else if (ctl_list_names(&names, &n, err, sizeof(err)) < 0) {
		fprintf(stderr, "vmm vcpu-list: %s\n", err);
		return VERB_FAILED;
	}
	printf("%-20s %7s %4s %3s %5s %9s %s\n", "Name", "ID", "VCPU", "CPU",
	       "State", "Time(s)", "CPU Affinity");
	for (size_t i = 0; i < n; i++) {
		json_object *info, *r, *list, *aff;
		int status;

		if (argc == 1) {
			/* quietly skip a guest that ended since readdir */
			struct ctl_conn *c = ctl_open(names[i], 2000, err, sizeof(err), &status);

			if (!c) {
				if (status != VERB_NO_GUEST)
					fprintf(stderr, "vmm vcpu-list: %s\n", err);
				free(names[i]);
				continue;
			}
			ctl_close(c);
		}
		status = ctl_simple("vcpu-list", names[i], ctl_cmd("info"), &info);
		if (!status)
			status = ctl_simple("vcpu-list", names[i], ctl_cmd("vcpu-list"), &r);
		if (status) {
			if (!worst)
				worst = status;
			free(names[i]);
			continue;
		}
		if (json_object_object_get_ex(r, "vcpus", &list))
			for (size_t v = 0; v < json_object_array_length(list); v++) {
				json_object *x = json_object_array_get_idx(list, v);
				char affinity[256] = "";
				size_t len = 0;

				if (json_object_object_get_ex(x, "affinity", &aff)) {
					size_t na = json_object_array_length(aff);
					long cpus = sysconf(_SC_NPROCESSORS_CONF);

					if ((long)na >= cpus)
						snprintf(affinity, sizeof(affinity), "any cpu");
					else
						for (size_t k = 0; k < na && len < sizeof(affinity) - 8; k++)
							len += (size_t)snprintf(affinity + len,
								sizeof(affinity) - len, "%s%d", k ? "," : "",
								json_object_get_int(json_object_array_get_idx(aff, k)));
				}
				printf("%-20s %7d %4.0f %3.0f %5s %9.1f %s\n", names[i],
				       (int)jnum(info, "id"), jnum(x, "vcpu"), jnum(x, "cpu"),
				       jstr(x, "state"), jnum(x, "time"), affinity);
			}
		json_object_put(info);
		json_object_put(r);
		free(names[i]);
	}
	free(names);
	return worst;
}

/* xentop's screen: per guest the monitor's CPU % over the interval (vCPU
 * and device model: the whole monitor process), memory, vCPUs, exits/s. */
int verb_top(int argc, char **argv)
{
	bool batch = false;
	long iterations = -1;
	double delay = 3;
	int opt;
	struct guest_info *prev = NULL;
	size_t nprev = 0;
	struct timespec t0, t1;

	optind = 1;
	opterr = 0;
	while ((opt = getopt(argc, argv, "+bn:d:")) != -1) {
		char *end;

		switch (opt) {
		case 'b':
			batch = true;
			break;
		case 'n':
			iterations = strtol(optarg, &end, 10);
			if (*end || iterations < 1) {
				fprintf(stderr, "vmm top: -n wants a count >= 1\n");
				return VERB_USAGE;
			}
			break;
		case 'd':
			delay = strtod(optarg, &end);
			if (*end || delay < 0.1 || delay > 3600) {
				fprintf(stderr, "vmm top: -d wants seconds (0.1 to 3600)\n");
				return VERB_USAGE;
			}
			break;
		default:
			fprintf(stderr, "vmm top: unknown option '-%c'\n", optopt);
			verb_usage(verb_find("top"), stderr);
			return VERB_USAGE;
		}
	}
	if (optind != argc) {
		verb_usage(verb_find("top"), stderr);
		return VERB_USAGE;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long it = 0; iterations < 0 || it < iterations; it++) {
		struct guest_info *g;
		size_t n;
		bool err;
		double dt;
		char when[32];
		time_t now = time(NULL);

		/* the first screen's rates need a first sample */
		if (it == 0) {
			if (gather(0, NULL, &prev, &nprev, &err))
				return VERB_FAILED;
			usleep(iterations == 1 || batch ? 500000 : 1000000);
		}
		if (gather(0, NULL, &g, &n, &err)) {
			free_gathered(prev, nprev);
			return VERB_FAILED;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		dt = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		t0 = t1;
		strftime(when, sizeof(when), "%H:%M:%S", localtime(&now));
		if (!batch)
			printf("\033[H\033[2J");
		printf("vmm top - %s   %zu guests\n", when, n);
		printf("%-20s %5s %10s %6s %8s %5s %10s %10s\n", "NAME", "STATE",
		       "CPU(sec)", "CPU(%)", "MEM(MiB)", "VCPUS", "EXITS", "EXITS/s");
		for (size_t i = 0; i < n; i++) {
			json_object *o = g[i].info, *p = NULL;
			double cpu_pct = 0, exits_s = 0;

			if (!o)
				continue;
			for (size_t k = 0; k < nprev; k++)
				if (prev[k].info && !strcmp(prev[k].name, g[i].name))
					p = prev[k].info;
			if (p && dt > 0) {
				cpu_pct = 100 * (jnum(o, "monitor_cpu_time") -
						 jnum(p, "monitor_cpu_time")) / dt;
				exits_s = (jnum(o, "exits") - jnum(p, "exits")) / dt;
			}
			printf("%-20s %5s %10.1f %6.1f %8.0f %5.0f %10.0f %10.0f\n",
			       jstr(o, "name"), jstr(o, "state"), jnum(o, "cpu_time"),
			       cpu_pct, jnum(o, "memory_mib"), jnum(o, "vcpus"),
			       jnum(o, "exits"), exits_s);
		}
		fflush(stdout);
		free_gathered(prev, nprev);
		prev = g;
		nprev = n;
		if (iterations >= 0 && it + 1 >= iterations)
			break;
		usleep((useconds_t)(delay * 1e6));
	}
	free_gathered(prev, nprev);
	return VERB_OK;
}

/* --- verbs of one request ------------------------------------------------ */

static int one_request(const char *verb, int argc, char **argv, const char *cmd)
{
	if (need_operands(verb, argc, 1, 1))
		return VERB_USAGE;
	return ctl_simple(verb, argv[1], ctl_cmd(cmd), NULL);
}

int verb_pause(int argc, char **argv)
{
	return one_request("pause", argc, argv, "pause");
}

int verb_unpause(int argc, char **argv)
{
	return one_request("unpause", argc, argv, "unpause");
}

/* Ask, then wait for the monitor to close the connection ("wait"). */
static int request_and_wait(const char *verb, const char *name, json_object *req,
			    int timeout_ms, json_object **reply)
{
	char err[512];
	int status;
	struct ctl_conn *c = ctl_open(name, CTL_TIMEOUT_MS, err, sizeof(err), &status);
	json_object *r, *ok;

	if (reply)
		*reply = NULL;
	if (!c) {
		json_object_put(req);
		fprintf(stderr, "vmm %s: %s\n", verb, err);
		return status;
	}
	r = ctl_call(c, req, CTL_TIMEOUT_MS, err, sizeof(err), &status);
	if (!r) {
		fprintf(stderr, "vmm %s: %s\n", verb, err);
		ctl_close(c);
		return status;
	}
	if (!json_object_object_get_ex(r, "ok", &ok) || !json_object_get_boolean(ok)) {
		fprintf(stderr, "vmm %s: %s\n", verb, jstr(r, "error"));
		json_object_put(r);
		ctl_close(c);
		return VERB_FAILED;
	}
	if (proto_get_string(r, "note"))
		fprintf(stderr, "vmm %s: %s\n", verb, jstr(r, "note"));
	if (timeout_ms != 0 && ctl_wait_closed(c, timeout_ms) < 0) {
		fprintf(stderr, "vmm %s: %s is still there after %d s\n", verb, name,
			timeout_ms / 1000);
		json_object_put(r);
		ctl_close(c);
		return VERB_TIMEOUT;
	}
	ctl_close(c);
	if (reply)
		*reply = r;
	else
		json_object_put(r);
	return VERB_OK;
}

int verb_destroy(int argc, char **argv)
{
	if (need_operands("destroy", argc, 1, 1))
		return VERB_USAGE;
	/* returns once the monitor is gone: `list` then no longer shows it */
	return request_and_wait("destroy", argv[1], ctl_cmd("destroy"), 10000, NULL);
}

static int parse_wait_flag(const char *verb, int argc, char **argv, bool *wait)
{
	int opt;

	*wait = false;
	optind = 1;
	opterr = 0;
	while ((opt = getopt(argc, argv, "+w")) != -1) {
		if (opt != 'w') {
			fprintf(stderr, "vmm %s: unknown option '-%c'\n", verb, optopt);
			verb_usage(verb_find(verb), stderr);
			return -1;
		}
		*wait = true;
	}
	return need_operands(verb, argc, optind, 1);
}

int verb_shutdown(int argc, char **argv)
{
	bool wait;

	if (parse_wait_flag("shutdown", argc, argv, &wait))
		return VERB_USAGE;
	/* -w: the guest's OS takes its time; xm waits without bound */
	return request_and_wait("shutdown", argv[optind], ctl_cmd("shutdown"),
				wait ? -1 : 0, NULL);
}

int verb_reboot(int argc, char **argv)
{
	bool wait;
	json_object *req = ctl_cmd("shutdown"), *before, *now;
	const char *name;
	int status;

	if (parse_wait_flag("reboot", argc, argv, &wait)) {
		json_object_put(req);
		return VERB_USAGE;
	}
	name = argv[optind];
	json_object_object_add(req, "reboot", json_object_new_boolean(1));
	if (!wait)
		return request_and_wait("reboot", name, req, 0, NULL);
	status = ctl_simple("reboot", name, ctl_cmd("info"), &before);
	if (status) {
		json_object_put(req);
		return status;
	}
	status = request_and_wait("reboot", name, req, 0, NULL);
	/* -w: until the machine has been reset (its restart count moves) */
	while (!status) {
		status = ctl_simple("reboot", name, ctl_cmd("info"), &now);
		if (!status && jnum(now, "restarts") > jnum(before, "restarts")) {
			json_object_put(now);
			break;
		}
		json_object_put(now);
		usleep(200000);
	}
	json_object_put(before);
	return status;
}

int verb_trigger(int argc, char **argv)
{
	json_object *req;

	if (need_operands("trigger", argc, 1, 2))
		return VERB_USAGE;
	if (strcmp(argv[2], "nmi") && strcmp(argv[2], "reset") && strcmp(argv[2], "power")) {
		fprintf(stderr, "vmm trigger: '%s' is not nmi, reset or power\n", argv[2]);
		return VERB_USAGE;
	}
	req = ctl_cmd("trigger");
	json_object_object_add(req, "what", json_object_new_string(argv[2]));
	return ctl_simple("trigger", argv[1], req, NULL);
}

int verb_sysrq(int argc, char **argv)
{
	json_object *req;

	if (need_operands("sysrq", argc, 1, 2))
		return VERB_USAGE;
	if (strlen(argv[2]) != 1) {
		fprintf(stderr, "vmm sysrq: KEY is one letter or digit (e.g. s, u, b)\n");
		return VERB_USAGE;
	}
	req = ctl_cmd("sysrq");
	json_object_object_add(req, "key", json_object_new_string(argv[2]));
	return ctl_simple("sysrq", argv[1], req, NULL);
}

int verb_console(int argc, char **argv)
{
	if (need_operands("console", argc, 1, 1))
		return VERB_USAGE;
	return console_attach(argv[1]);
}
