/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the .hvm config reader (not for the monitor: it reads struct
 * vm_config through config_parse.h). Three files share these:
 *   config_syntax.c  the xl syntax (and xm's small Python subset) read into
 *                    settings: KEY, VALUE and where it was written;
 *   config.c         the key table: each setting applied to vm_config,
 *                    then the whole checked;
 *   config_disk.c    one `disk = [ ... ]` entry (a device specification);
 *   config_vif.c     one `vif = [ ... ]` entry (a NIC and its backend).
 */
#ifndef VMM_CONFIG_INTERNAL_H
#define VMM_CONFIG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/utsname.h>

#include "vmm/config_parse.h"

enum value_type { VAL_STRING, VAL_INT, VAL_LIST };

struct value {
	enum value_type type;
	char *str;                /* VAL_STRING */
	long long num;            /* VAL_INT */
	struct value *items;      /* VAL_LIST: strings and integers only */
	size_t n_items;
	int line;                 /* where it starts; 0: the command line */
};

/* One KEY = VALUE, and where it was written (line 0: the command line). */
struct setting {
	char *key;
	struct value val;
	const char *source;
	int line;
	bool used_as_variable;   /* a later expression reads it */
};

struct settings {
	struct setting *v;
	size_t n, cap;
};

struct parser {
	const char *p;
	const char *source;
	int line;
	char *err;
	size_t errlen;
	struct settings *vars;          /* names assigned so far */
	const struct config_host *host; /* its uname, for os.uname() */
	struct utsname uts;             /* the real one, read once */
	bool uts_read;
	int depth;                      /* nesting: ( ), not, if blocks */
	bool more_on_line;              /* a statement follows a ';' */
};
/* What applying the settings needs (config.c, config_disk.c). */
struct apply {
	struct vm_config *cfg;
	const struct config_host *host;
	FILE *notices;
	char *err;
	size_t errlen;
	/* where some keys were set, for the checks that follow */
	const struct setting *memory_at, *kernel_at, *ramdisk_at, *bios_at;
	const struct setting *extra_at, *root_at, *maxmem_at;
	long long maxmem_mib;
	char *root;
};
/* ---- config_syntax.c --------------------------------------------------- */

/* "SOURCE:LINE", or "SOURCE" for line 0 (the command line). */
void config_where_prefix(char *buf, size_t len, const char *source, int line);
/* The same for a fixed where[] of an entry (disk, vif): the file name
 * shortened from the left if it must be, the line number is the useful end. */
void config_where_short(char *buf, size_t size, const char *source, int line);

/* "SOURCE:LINE: message" into ERR; returns -1. */
int __attribute__((format(printf, 5, 6)))
config_fail_at(char *err, size_t errlen, const char *source, int line,
	       const char *fmt, ...);

/* The usual error: "FILE:LINE: KEY: message". */
#define fail_setting(ctx, s, fmt, ...) \
	config_fail_at((ctx)->err, (ctx)->errlen, (s)->source, (s)->line, \
		       "%s: " fmt, (s)->key, ##__VA_ARGS__)

void config_value_free(struct value *v);
void config_settings_free(struct settings *ss);

/* TEXT (named SOURCE in messages) into SS; -1 with the message in ERR. */
int config_syntax_parse(const char *text, const char *source,
			const struct config_host *host, struct settings *ss,
			char *err, size_t errlen);

/* One command-line "key=value", replacing the file's setting or added. */
int config_syntax_override(const char *arg, struct settings *ss,
			   char *err, size_t errlen);

/* ---- config.c: helpers the device specifications share ----------------- */

/* "got 'lots'", "got 512", "got a list": what the user wrote. */
void config_describe_value(const struct value *v, char *buf, size_t len);
int config_want_type(struct apply *a, const struct setting *s,
		     enum value_type t, const char *what);
void config_set_string(char **field, const char *value);
/* An integer, or a string holding one, as xl reads numbers. */
bool config_value_number(const struct value *v, long long *out);
/* 0, '' and [ ] say "off" in every Xen key. */
bool config_value_is_off(const struct value *v);

/* ---- config_disk.c ----------------------------------------------------- */

/* An image we can open: NULL, or why not. */
const char *config_path_problem(const char *path, bool block_ok);
/* disk = [ ... ] */
int config_key_disk(struct apply *a, const struct setting *s);

/* ---- config_vif.c ------------------------------------------------------ */

/* vif = [ ... ] */
int config_key_vif(struct apply *a, const struct setting *s);
/* After all keys: default MACs (from the name), duplicates refused. */
int config_vif_finish(struct apply *a);
void config_vif_free(struct vm_vif *v);

#endif /* VMM_CONFIG_INTERNAL_H */
