/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading a guest's .hvm file (xl syntax, Xen key names) into a struct
 * vm_config. Every error is one line naming FILE:LINE and the key.
 */
#ifndef VMM_CONFIG_PARSE_H
#define VMM_CONFIG_PARSE_H

#include <stddef.h>
#include <stdio.h>
#include <sys/utsname.h>

#include "vmm/config.h"

#define CONFIG_DEFAULT_BIOS "/usr/share/seabios/bios.bin"
#define CONFIG_DEFAULT_MEMINFO "/proc/meminfo"

/* What the parser asks of the host; unit tests fake it. A NULL field (or
 * a NULL struct) means the real thing. */
struct config_host {
	const char *meminfo_path;   /* MemAvailable is read from here */
	const char *default_bios;   /* when bios_path_override is not set */
	FILE *notices;              /* "ignored" notices; default stderr */
	/* what os.uname() gives (xm's Python subset); default uname(2) */
	const struct utsname *uname;
};

/*
 * Parse TEXT (named SOURCE in messages), then the "key=value" OVERRIDES as
 * if appended to it (an override replaces the file's value), validate and
 * fill defaults. Returns 0, or -1 with a one-line message in ERR; OUT
 * needs config_free() only on success.
 */
int config_parse_string(const char *text, const char *source,
			char *const overrides[], int n_overrides,
			const struct config_host *host,
			struct vm_config *out, char *err, size_t errlen);

/* config_parse_string() on the contents of the file PATH, real host. */
int config_load(const char *path, char *const overrides[], int n_overrides,
		struct vm_config *out, char *err, size_t errlen);

void config_free(struct vm_config *cfg);

/*
 * What a parsed config asks that the monitor cannot carry out yet
 * (on_* = 'preserve', 'rename-restart', 'coredump-*'):
 * 0, or -1 with "FILE:LINE: KEY: ..." in ERR. `vmm create` asks this
 * before it starts the guest; the list shrinks as the monitor learns.
 */
int config_check_monitor_support(const struct vm_config *cfg, char *err,
				 size_t errlen);

/* "destroy", "coredump-restart" ...: an on_* action as Xen spells it. */
const char *config_action_name(enum vm_action action);

#endif /* VMM_CONFIG_PARSE_H */
