/* SPDX-License-Identifier: GPL-2.0 */
/* The vmm verbs (xm's, Xen 3.x): one function per verb, a table in
 * verbs.c that main.c dispatches on. Each returns an enum verb_status
 * (client.h) or, for create -F, the guest's exit status. */
#ifndef VMM_TOOLSTACK_VERBS_H
#define VMM_TOOLSTACK_VERBS_H

#include <stdio.h>

struct verb {
	const char *name;
	int (*run)(int argc, char **argv);  /* argv[0] is the verb */
	const char *usage;                  /* "NAME [-w]" ... */
	const char *help;                   /* one line */
};

/* NULL for an unknown verb. */
const struct verb *verb_find(const char *name);
void verbs_print_help(FILE *f);
/* "--help"/"-h" anywhere before a "--": print the verb's usage. */
int verb_wants_help(int argc, char **argv);
void verb_usage(const struct verb *v, FILE *f);

int verb_create(int argc, char **argv);
int verb_list(int argc, char **argv);
int verb_info(int argc, char **argv);
int verb_uptime(int argc, char **argv);
int verb_vcpu_list(int argc, char **argv);
int verb_top(int argc, char **argv);
int verb_destroy(int argc, char **argv);
int verb_pause(int argc, char **argv);
int verb_unpause(int argc, char **argv);
int verb_shutdown(int argc, char **argv);
int verb_reboot(int argc, char **argv);
int verb_trigger(int argc, char **argv);
int verb_sysrq(int argc, char **argv);
int verb_debug_state(int argc, char **argv);
int verb_console(int argc, char **argv);

/* console.c: attach this terminal (or pipe) to NAME's COM1. */
int console_attach(const char *name);

#endif
