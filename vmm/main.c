// SPDX-License-Identifier: GPL-2.0
/*
 * vmm: the toolstack command, with the verbs of Xen 3.x's xm. For now only
 * `vmm create -F` exists: it runs the guest in this process (the monitor)
 * until the guest ends, and exits with the guest's exit status
 * (enum vm_exit_status).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "vmm/config_parse.h"
#include "vmm/monitor.h"

#ifndef VMM_VERSION
#define VMM_VERSION "0.1-dev"
#endif

static const char create_usage[] =
	"usage: vmm create [-F] [-c] FILE [key=value ...]\n";

static void print_help(FILE *f)
{
	fprintf(f,
		"usage: vmm COMMAND [ARGS]\n"
		"\n"
		"  create [-F] [-c] FILE [key=value ...]\n"
		"        start the guest described by FILE (a Xen .hvm config);\n"
		"        key=value pairs override the file's settings\n"
		"        -F  run in the foreground until the guest ends; the\n"
		"            exit status says how it ended\n"
		"        -c  attach the console (with serial = 'stdio' it is\n"
		"            already this terminal)\n"
		"  help     this text\n"
		"  version  the version of vmm\n"
		"\n"
		"Not implemented yet: list, destroy, console, shutdown, reboot,\n"
		"save, restore, migrate, pause, unpause.\n");
}

static int cmd_create(int argc, char **argv)
{
	bool foreground = false;
	struct vm_config cfg;
	char err[1024] = "";   /* never printed uninitialised */
	int opt, status;

	optind = 1;
	opterr = 0;
	/* '+': options come before FILE; key=value pairs follow it */
	while ((opt = getopt(argc, argv, "+Fch")) != -1) {
		switch (opt) {
		case 'F':
			foreground = true;
			break;
		case 'c':
			/* the console is the terminal with serial='stdio' */
			break;
		case 'h':
			fputs(create_usage, stdout);
			return 0;
		default:
			fprintf(stderr, "vmm create: unknown option '-%c'\n%s",
				optopt, create_usage);
			return VM_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "vmm create: no config FILE given\n%s",
			create_usage);
		return VM_EXIT_USAGE;
	}
	if (!foreground) {
		fprintf(stderr, "vmm create: background guests (without -F) "
			"are not supported yet: use -F\n");
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
	/* what the file asks that the monitor cannot do yet: refused here,
	 * before the guest starts, not found out when the guest crashes */
	if (config_check_monitor_support(&cfg, err, sizeof(err))) {
		fprintf(stderr, "vmm: %s\n", err);
		config_free(&cfg);
		return VM_EXIT_USAGE;
	}
	status = monitor_run(&cfg);
	config_free(&cfg);
	return status;
}

/* The xm verbs people will type; say plainly that they don't exist yet. */
static bool is_planned_verb(const char *verb)
{
	static const char *const verbs[] = {
		"list", "destroy", "console", "shutdown", "reboot", "save",
		"restore", "migrate", "pause", "unpause",
	};

	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(verb, verbs[i]))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : NULL;

	if (!verb) {
		print_help(stderr);
		return VM_EXIT_USAGE;
	}
	if (!strcmp(verb, "help") || !strcmp(verb, "--help") ||
	    !strcmp(verb, "-h")) {
		print_help(stdout);
		return 0;
	}
	if (!strcmp(verb, "version") || !strcmp(verb, "--version")) {
		printf("vmm %s\n", VMM_VERSION);
		return 0;
	}
	if (!strcmp(verb, "create"))
		return cmd_create(argc - 1, argv + 1);
	if (is_planned_verb(verb)) {
		fprintf(stderr, "vmm %s: not implemented yet\n", verb);
		return VM_EXIT_USAGE;
	}
	fprintf(stderr, "vmm: unknown command '%s' (try: vmm help)\n", verb);
	return VM_EXIT_USAGE;
}
