// SPDX-License-Identifier: GPL-2.0
/*
 * vmm: the toolstack command, with the verbs of Xen 3.x's xm. The verbs
 * live in vmm/toolstack/ (verbs.c has the table); `vmm create` becomes the
 * guest's monitor (monitor.c), in the background or with -F here.
 */
#include <stdio.h>
#include <string.h>

#include "vmm/config.h"
#include "vmm/toolstack/verbs.h"

#ifndef VMM_VERSION
#define VMM_VERSION "0.1-dev"
#endif

/* xm verbs people will type that do not exist yet. */
static bool is_planned_verb(const char *verb)
{
	static const char *const planned[] = {
		"save", "restore", "migrate", "mem-set", "mem-max", "vcpu-set",
		"vcpu-pin",
	};

	for (size_t i = 0; i < sizeof(planned) / sizeof(planned[0]); i++)
		if (!strcmp(verb, planned[i]))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : NULL;
	const struct verb *verb;

	if (!name) {
		verbs_print_help(stderr);
		return VM_EXIT_USAGE;
	}
	if (!strcmp(name, "help") || !strcmp(name, "--help") || !strcmp(name, "-h")) {
		verbs_print_help(stdout);
		return 0;
	}
	if (!strcmp(name, "version") || !strcmp(name, "--version")) {
		printf("vmm %s\n", VMM_VERSION);
		return 0;
	}
	verb = verb_find(name);
	if (verb) {
		/* create's -h/--help is its own (FILE's key=value may follow) */
		if (strcmp(name, "create") && verb_wants_help(argc - 1, argv + 1)) {
			verb_usage(verb, stdout);
			return 0;
		}
		return verb->run(argc - 1, argv + 1);
	}
	if (is_planned_verb(name)) {
		fprintf(stderr, "vmm %s: not implemented yet\n", name);
		return VM_EXIT_USAGE;
	}
	fprintf(stderr, "vmm: unknown command '%s' (try: vmm help)\n", name);
	return VM_EXIT_USAGE;
}
