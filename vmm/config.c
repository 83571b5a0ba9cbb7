// SPDX-License-Identifier: GPL-2.0
/*
 * The .hvm config's keys: Xen's key names (../shared/xen-config.md), each
 * applied to struct vm_config by its handler, then the result checked as a
 * whole (required keys, files, host memory). The syntax is config_syntax.c's,
 * the device specifications config_disk.c's.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmm/config_internal.h"

#define HVMLOADER "/usr/lib/xen/boot/hvmloader"
#define DEFAULT_MEMORY_MIB 128   /* Xen's default */

/* ---- applying settings ------------------------------------------------- */

static const char *type_name(enum value_type t)
{
	return t == VAL_STRING ? "a string" : t == VAL_INT ? "an integer"
							   : "a list";
}

/* "got 'lots'", "got 512", "got a list": what the user wrote. */
void config_describe_value(const struct value *v, char *buf, size_t len)
{
	if (v->type == VAL_STRING)
		snprintf(buf, len, "'%s'", v->str);
	else if (v->type == VAL_INT)
		snprintf(buf, len, "%lld", v->num);
	else
		snprintf(buf, len, "a list");
}

int config_want_type(struct apply *a, const struct setting *s,
		     enum value_type t, const char *what)
{
	char got[256];

	if (s->val.type == t)
		return 0;
	config_describe_value(&s->val, got, sizeof(got));
	return fail_setting(a, s, "expected %s%s, got %s", type_name(t),
			    what, got);
}

static int get_string(struct apply *a, const struct setting *s,
		      const char **out)
{
	if (config_want_type(a, s, VAL_STRING, ""))
		return -1;
	*out = s->val.str;
	return 0;
}

/*
 * A number as xl reads one: an integer, or a string holding one
 * (memory = "640" is 640; xlu_cfg_get_long() takes both). The string's
 * number is written as our integers are: decimal or 0x hex, an optional
 * '-', nothing else ("010" is refused, not read as octal). true: *OUT set.
 */
bool config_value_number(const struct value *v, long long *out)
{
	const char *s, *digits;
	char *end;
	long long n;

	if (v->type == VAL_INT) {
		*out = v->num;
		return true;
	}
	if (v->type != VAL_STRING)
		return false;
	s = v->str;
	digits = s + (s[0] == '-');
	if (!isdigit((unsigned char)digits[0]) ||
	    (digits[0] == '0' && isdigit((unsigned char)digits[1])))
		return false;
	errno = 0;
	n = strtoll(s, &end, 0);
	if (*end || errno == ERANGE)
		return false;
	*out = n;
	return true;
}

/* A number (see above); a string that is none is "got 'lots' (not a
 * number)". */
static int get_number(struct apply *a, const struct setting *s,
		      const char *what, long long *out)
{
	if (config_value_number(&s->val, out))
		return 0;
	if (s->val.type == VAL_STRING)
		return fail_setting(a, s, "expected an integer%s, got '%s' "
				    "(not a number)", what, s->val.str);
	return config_want_type(a, s, VAL_INT, what);
}

static int get_int(struct apply *a, const struct setting *s, const char *what,
		   long long min, long long max, long long *out)
{
	long long n;

	if (get_number(a, s, what, &n))
		return -1;
	if (n < min || n > max)
		return fail_setting(a, s, "%lld is out of range (%lld to "
				    "%lld)", n, min, max);
	*out = n;
	return 0;
}

static int get_bool(struct apply *a, const struct setting *s, bool *out)
{
	long long n;

	if (get_number(a, s, " (0 or 1)", &n))
		return -1;
	if (n != 0 && n != 1)
		return fail_setting(a, s, "expected 0 or 1, got %lld", n);
	*out = n;
	return 0;
}

void config_set_string(char **field, const char *value)
{
	free(*field);
	*field = strdup(value);
	if (!*field)
		abort();
}

static int key_name(struct apply *a, const struct setting *s)
{
	const char *name;

	if (get_string(a, s, &name))
		return -1;
	/* the name becomes a control socket's file name */
	if (!*name || strchr(name, '/') || name[0] == '.')
		return fail_setting(a, s, "'%s' is not a usable guest name "
				    "(not empty, no '/', not starting "
				    "with '.')", name);
	config_set_string(&a->cfg->name, name);
	return 0;
}

static int key_builder(struct apply *a, const struct setting *s)
{
	const char *b;

	if (get_string(a, s, &b))
		return -1;
	if (strcmp(b, "hvm"))
		return fail_setting(a, s, "only 'hvm' guests are supported, "
				    "got '%s'", b);
	/* Xen's domain builder: every guest here is a full PC */
	fprintf(a->notices, "%s:%d: %s: 'hvm' ignored (every vmm guest is "
		"HVM)\n", s->source, s->line, s->key);
	return 0;
}

static int key_memory(struct apply *a, const struct setting *s)
{
	long long mib = 0;

	if (get_int(a, s, " (MiB)", 1, 1LL << 30, &mib))
		return -1;
	a->cfg->memory_mib = mib;
	a->memory_at = s;
	return 0;
}

static int key_vcpus(struct apply *a, const struct setting *s)
{
	long long n = 0;

	if (get_int(a, s, "", 1, 1024, &n))
		return -1;
	if (n > 1)
		return fail_setting(a, s, "SMP not supported yet (%lld "
				    "vCPUs asked); use vcpus = 1", n);
	a->cfg->vcpus = n;
	return 0;
}

static int key_kernel(struct apply *a, const struct setting *s)
{
	const char *path;

	if (get_string(a, s, &path))
		return -1;
	if (!strcmp(path, HVMLOADER)) {
		/* Xen's firmware loader: for us that is SeaBIOS */
		fprintf(a->notices, "%s:%d: kernel: ignoring Xen's "
			"hvmloader; the guest boots SeaBIOS\n", s->source,
			s->line);
		return 0;
	}
	config_set_string(&a->cfg->kernel, path);
	a->kernel_at = s;
	return 0;
}

static int key_ramdisk(struct apply *a, const struct setting *s)
{
	const char *path;

	if (get_string(a, s, &path))
		return -1;
	config_set_string(&a->cfg->ramdisk, path);
	a->ramdisk_at = s;
	return 0;
}

static int key_extra(struct apply *a, const struct setting *s)
{
	const char *text;

	if (get_string(a, s, &text))
		return -1;
	if (a->extra_at)
		return fail_setting(a, s, "the kernel command line is "
				    "already set by '%s' (extra and cmdline "
				    "are the same key)", a->extra_at->key);
	config_set_string(&a->cfg->extra, text);
	a->extra_at = s;
	return 0;
}

static int key_root(struct apply *a, const struct setting *s)
{
	const char *dev;

	if (get_string(a, s, &dev))
		return -1;
	config_set_string(&a->root, dev);
	a->root_at = s;
	return 0;
}

static int key_boot(struct apply *a, const struct setting *s)
{
	const char *order;

	if (get_string(a, s, &order))
		return -1;
	if (!*order || strlen(order) >= sizeof(a->cfg->boot) ||
	    strspn(order, "acdn") != strlen(order))
		return fail_setting(a, s, "expected up to %zu letters of "
				    "'acdn' (floppy, disk, CD, network), got "
				    "'%s'", sizeof(a->cfg->boot) - 1, order);
	for (const char *c = order; *c; c++)
		if (strchr(c + 1, *c))
			return fail_setting(a, s, "'%c' given twice in '%s' "
					    "(each device once, in the order "
					    "to try)", *c, order);
	snprintf(a->cfg->boot, sizeof(a->cfg->boot), "%s", order);
	return 0;
}

static int key_serial(struct apply *a, const struct setting *s)
{
	static const struct { const char *name; enum serial_backend b; }
	plain[] = {
		{ "stdio", SERIAL_STDIO }, { "pty", SERIAL_PTY },
		{ "null", SERIAL_NULL }, { "none", SERIAL_NONE },
	};
	const struct value *v = &s->val;
	const char *spec;

	/* xl also takes a list of ports; one is what we have */
	if (v->type == VAL_LIST && v->n_items == 1)
		v = &v->items[0];
	else if (v->type == VAL_LIST)
		return fail_setting(a, s, "more than one serial port is not "
				    "supported yet");
	if (v->type != VAL_STRING)
		return config_want_type(a, s, VAL_STRING, "");
	spec = v->str;
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		if (!strcmp(spec, plain[i].name)) {
			a->cfg->serial = plain[i].b;
			return 0;
		}
	}
	if (!strncmp(spec, "file:", 5) && spec[5]) {
		a->cfg->serial = SERIAL_FILE;
		config_set_string(&a->cfg->serial_path, spec + 5);
		return 0;
	}
	if (!strncmp(spec, "unix:", 5) && spec[5]) {
		a->cfg->serial = SERIAL_UNIX;
		config_set_string(&a->cfg->serial_path, spec + 5);
		return 0;
	}
	return fail_setting(a, s, "expected 'stdio', 'pty', 'null', 'none', "
			    "'file:PATH' or 'unix:PATH', got '%s'", spec);
}

/* Remember where a display key was set, for the consoles' messages
 * ("FILE:LINE: vncdisplay: port 5901 is in use"). */
static void note_where(char *buf, size_t len, const struct setting *s)
{
	snprintf(buf, len, "%s:%d", s->source, s->line);
}

/*
 * on_poweroff / on_reboot / on_crash: xl.cfg(5)'s actions, which xl takes
 * for all three events (xm's example offers coredump-* for crashes only).
 * All are parsed; which of them the monitor can carry out yet is
 * config_check_monitor_support()'s to say, at create time.
 */
static const struct { const char *name; enum vm_action action; }
vm_actions[] = {
	{ "destroy", VM_ACTION_DESTROY },
	{ "restart", VM_ACTION_RESTART },
	{ "preserve", VM_ACTION_PRESERVE },
	{ "rename-restart", VM_ACTION_RENAME_RESTART },
	{ "coredump-destroy", VM_ACTION_COREDUMP_DESTROY },
	{ "coredump-restart", VM_ACTION_COREDUMP_RESTART },
};

const char *config_action_name(enum vm_action action)
{
	for (size_t i = 0; i < sizeof(vm_actions) / sizeof(vm_actions[0]); i++)
		if (vm_actions[i].action == action)
			return vm_actions[i].name;
	return "?";
}

static int get_action(struct apply *a, const struct setting *s,
		      enum vm_action *out, char *where, size_t where_len)
{
	const char *act;

	if (get_string(a, s, &act))
		return -1;
	for (size_t i = 0; i < sizeof(vm_actions) / sizeof(vm_actions[0]);
	     i++) {
		if (!strcmp(act, vm_actions[i].name)) {
			*out = vm_actions[i].action;
			config_where_prefix(where, where_len, s->source,
					    s->line);
			return 0;
		}
	}
	if (!strcmp(act, "soft-reset"))
		return fail_setting(a, s, "'soft-reset' (a Xen kexec "
				    "feature) is not supported");
	return fail_setting(a, s, "expected 'destroy', 'restart', "
			    "'preserve', 'rename-restart', "
			    "'coredump-destroy' or 'coredump-restart', got "
			    "'%s'", act);
}

static int key_on_poweroff(struct apply *a, const struct setting *s)
{
	return get_action(a, s, &a->cfg->on_poweroff,
			  a->cfg->where_on_poweroff,
			  sizeof(a->cfg->where_on_poweroff));
}

static int key_on_reboot(struct apply *a, const struct setting *s)
{
	return get_action(a, s, &a->cfg->on_reboot, a->cfg->where_on_reboot,
			  sizeof(a->cfg->where_on_reboot));
}

static int key_on_crash(struct apply *a, const struct setting *s)
{
	return get_action(a, s, &a->cfg->on_crash, a->cfg->where_on_crash,
			  sizeof(a->cfg->where_on_crash));
}

static int key_acpi(struct apply *a, const struct setting *s)
{
	return get_bool(a, s, &a->cfg->acpi);
}

static int key_apic(struct apply *a, const struct setting *s)
{
	return get_bool(a, s, &a->cfg->apic);
}

static int key_pae(struct apply *a, const struct setting *s)
{
	return get_bool(a, s, &a->cfg->pae);
}

static int key_localtime(struct apply *a, const struct setting *s)
{
	return get_bool(a, s, &a->cfg->localtime);
}

static int key_nographic(struct apply *a, const struct setting *s)
{
	return get_bool(a, s, &a->cfg->nographic);
}

static int key_accel(struct apply *a, const struct setting *s)
{
	const char *name;

	if (get_string(a, s, &name))
		return -1;
	if (!strcmp(name, "vmm"))
		a->cfg->accel = ACCEL_VMM;
	else if (!strcmp(name, "kvm"))
		a->cfg->accel = ACCEL_KVM;
	else
		return fail_setting(a, s, "expected 'vmm' or 'kvm', got "
				    "'%s'", name);
	return 0;
}

static int key_bios(struct apply *a, const struct setting *s)
{
	const char *path;

	if (get_string(a, s, &path))
		return -1;
	config_set_string(&a->cfg->bios, path);
	a->bios_at = s;
	return 0;
}

static int key_boot_fail_wait(struct apply *a, const struct setting *s)
{
	long long secs = 0;

	/* bounded so that machine.c's seconds * 1000 fits SeaBIOS's u32 */
	if (get_int(a, s, " (seconds, -1 for SeaBIOS's default)", -1,
		    VM_BOOT_FAIL_WAIT_MAX, &secs))
		return -1;
	a->cfg->boot_fail_wait = secs;
	return 0;
}

/* Xen-internal keys that mean nothing here. */
static int key_ignored(struct apply *a, const struct setting *s)
{
	char value[256];

	config_describe_value(&s->val, value, sizeof(value));
	fprintf(a->notices, "%s:%d: %s = %s: ignored (a Xen-internal "
		"setting)\n", s->source, s->line, s->key, value);
	return 0;
}

/* 0 (also "0"), '' and [ ] say "off" in every Xen key. */
bool config_value_is_off(const struct value *v)
{
	long long n;

	return (config_value_number(v, &n) && n == 0) ||
	       (v->type == VAL_STRING && !v->str[0]) ||
	       (v->type == VAL_LIST && v->n_items == 0);
}

/* Xen keys we know but don't implement: off is fine, on is an error. */
static int key_not_yet(struct apply *a, const struct setting *s)
{
	if (config_value_is_off(&s->val))
		return 0;
	return fail_setting(a, s, "not supported yet");
}

static int key_vnc(struct apply *a, const struct setting *s)
{
	struct vm_display *d = &a->cfg->display;

	if (get_bool(a, s, &d->vnc))
		return -1;
	if (!d->where_vnc[0])
		note_where(d->where_vnc, sizeof(d->where_vnc), s);
	return 0;
}

static int key_sdl(struct apply *a, const struct setting *s)
{
	struct vm_display *d = &a->cfg->display;

	note_where(d->where_sdl, sizeof(d->where_sdl), s);
	return get_bool(a, s, &d->sdl);
}

/* vnclisten = "ADDR" or xl's "ADDR:DISPLAY". */
static int key_vnclisten(struct apply *a, const struct setting *s)
{
	struct vm_display *d = &a->cfg->display;
	const char *v, *colon;
	char *addr;

	if (get_string(a, s, &v))
		return -1;
	if (!*v)
		return fail_setting(a, s, "expected an address, got ''");
	addr = strdup(v);
	if (!addr)
		abort();
	colon = strchr(v, ':');
	/* one colon: ADDR:DISPLAY (an IPv6 address has several) */
	if (colon && !strchr(colon + 1, ':')) {
		char *end;
		long n;

		errno = 0;
		n = strtol(colon + 1, &end, 10);
		if (colon == v || !colon[1] || *end || errno || n < 0 ||
		    n > 65535 - VM_VNC_BASE_PORT) {
			free(addr);
			return fail_setting(a, s, "'%s' is not ADDRESS or "
					    "ADDRESS:DISPLAY", v);
		}
		addr[colon - v] = 0;
		d->vncdisplay = (int)n;
	}
	free(d->vnclisten);
	d->vnclisten = addr;
	note_where(d->where_vnc, sizeof(d->where_vnc), s);
	return 0;
}

static int key_vncdisplay(struct apply *a, const struct setting *s)
{
	long long n = 0;

	if (get_int(a, s, " (port 5900 + N)", 0, 65535 - VM_VNC_BASE_PORT, &n))
		return -1;
	a->cfg->display.vncdisplay = (int)n;
	note_where(a->cfg->display.where_vnc,
		   sizeof(a->cfg->display.where_vnc), s);
	return 0;
}

static int key_vncunused(struct apply *a, const struct setting *s)
{
	return get_bool(a, s, &a->cfg->display.vncunused);
}

static int key_vncpasswd(struct apply *a, const struct setting *s)
{
	const char *pw;

	if (get_string(a, s, &pw))
		return -1;
	free(a->cfg->display.vncpasswd);
	a->cfg->display.vncpasswd = NULL;
	if (*pw)
		config_set_string(&a->cfg->display.vncpasswd, pw);
	return 0;
}

static int key_fullscreen(struct apply *a, const struct setting *s)
{
	return get_bool(a, s, &a->cfg->display.fullscreen);
}

/* A layout name as Xen's keymap files are named ("en-us", "de", "fr-ch"):
 * whether the layout exists is the VNC console's to say, at start. */
static int key_keymap(struct apply *a, const struct setting *s)
{
	const char *v;

	if (get_string(a, s, &v))
		return -1;
	for (const char *p = v; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '-' || *p == '_'))
			return fail_setting(a, s, "'%s' is not a keymap name "
					    "(e.g. 'en-us', 'de', 'fr')", v);
	if (!*v)
		return fail_setting(a, s, "expected a keymap name, got ''");
	config_set_string(&a->cfg->display.keymap, v);
	return 0;
}

/* vncconsole (start a viewer) and opengl: nothing to do for us. */
static int key_display_ignored(struct apply *a, const struct setting *s)
{
	bool on;

	if (get_bool(a, s, &on))
		return -1;
	if (on && !strcmp(s->key, "opengl"))
		fprintf(a->notices, "%s:%d: opengl: ignored (the SDL window "
			"draws without OpenGL)\n", s->source, s->line);
	else if (on)
		fprintf(a->notices, "%s:%d: %s: ignored (connect a viewer "
			"yourself; the port is printed at start)\n",
			s->source, s->line, s->key);
	return 0;
}

/* stdvga = 1: the standard VGA (also the default). stdvga = 0 asks Xen for
 * a Cirrus; there is none here, the standard VGA serves instead. */
static int key_stdvga(struct apply *a, const struct setting *s)
{
	bool on;

	if (get_bool(a, s, &on))
		return -1;
	if (!on)
		fprintf(a->notices, "%s:%d: stdvga = 0: there is no Cirrus "
			"VGA here; the guest gets the standard VGA\n",
			s->source, s->line);
	return 0;
}

/* vga = 'stdvga' | 'none' (xl). 'cirrus' gets the standard VGA, noted. */
static int key_vga(struct apply *a, const struct setting *s)
{
	const char *v;

	if (get_string(a, s, &v))
		return -1;
	if (!strcmp(v, "stdvga") || !strcmp(v, "std")) {
		a->cfg->display.vga = VM_VGA_STD;
	} else if (!strcmp(v, "cirrus")) {
		fprintf(a->notices, "%s:%d: vga = 'cirrus': there is no Cirrus "
			"VGA here; the guest gets the standard VGA\n",
			s->source, s->line);
		a->cfg->display.vga = VM_VGA_STD;
	} else if (!strcmp(v, "none")) {
		a->cfg->display.vga = VM_VGA_NONE;
	} else {
		return fail_setting(a, s, "expected 'stdvga' or 'none', got "
				    "'%s'", v);
	}
	return 0;
}

/* videoram in MiB; the VRAM BAR is a power of two, as on QEMU's stdvga. */
static int key_videoram(struct apply *a, const struct setting *s)
{
	long long mib = 0;

	if (config_value_is_off(&s->val)) { /* 0: the default, as in xl */
		a->cfg->display.videoram_mib = VM_VIDEORAM_DEFAULT_MIB;
		return 0;
	}
	if (get_int(a, s, " (MiB)", VM_VIDEORAM_MIN_MIB, VM_VIDEORAM_MAX_MIB,
		    &mib))
		return -1;
	if (mib & (mib - 1))
		return fail_setting(a, s, "%lld MiB: the VRAM size must be a "
				    "power of two (1, 2, 4 ... 256)", mib);
	a->cfg->display.videoram_mib = (unsigned)mib;
	return 0;
}

/* usbdevice = 'tablet' would need a USB controller (README). */
static int key_usbdevice(struct apply *a, const struct setting *s)
{
	if (config_value_is_off(&s->val))
		return 0;
	return fail_setting(a, s, "not supported yet (no USB controller: the "
			    "pointer is a relative PS/2 mouse)");
}

/* maxmem = memory asks for no ballooning: fine. Checked once memory is
 * known, since the keys may come in any order. */
static int key_maxmem(struct apply *a, const struct setting *s)
{
	long long mib = 0;

	if (config_value_is_off(&s->val))
		return 0;
	if (get_int(a, s, " (MiB)", 1, 1LL << 30, &mib))
		return -1;
	a->maxmem_at = s;
	a->maxmem_mib = mib;
	return 0;
}

static int key_maxvcpus(struct apply *a, const struct setting *s)
{
	long long n;

	if (config_value_number(&s->val, &n) && n == 1)
		return 0;
	return key_not_yet(a, s);
}

struct key_handler {
	const char *key;
	int (*apply)(struct apply *a, const struct setting *s);
};

static const struct key_handler key_handlers[] = {
	{ "name", key_name },
	{ "builder", key_builder },
	{ "type", key_builder },
	{ "memory", key_memory },
	{ "vcpus", key_vcpus },
	{ "kernel", key_kernel },
	{ "ramdisk", key_ramdisk },
	{ "extra", key_extra },
	{ "cmdline", key_extra },
	{ "root", key_root },
	{ "boot", key_boot },
	{ "serial", key_serial },
	{ "on_poweroff", key_on_poweroff },
	{ "on_reboot", key_on_reboot },
	{ "on_crash", key_on_crash },
	{ "acpi", key_acpi },
	{ "apic", key_apic },
	{ "pae", key_pae },
	{ "localtime", key_localtime },
	{ "nographic", key_nographic },
	{ "accel", key_accel },
	{ "bios_path_override", key_bios },
	{ "boot_fail_wait", key_boot_fail_wait },
	{ "device_model", key_ignored },
	{ "shadow_memory", key_ignored },
	{ "vnc", key_vnc },
	{ "sdl", key_sdl },
	{ "vnclisten", key_vnclisten },
	{ "vncdisplay", key_vncdisplay },
	{ "vncunused", key_vncunused },
	{ "vncpasswd", key_vncpasswd },
	{ "vncconsole", key_display_ignored },
	{ "keymap", key_keymap },
	{ "opengl", key_display_ignored },
	{ "fullscreen", key_fullscreen },
	{ "disk", config_key_disk },
	{ "vif", config_key_vif },
	{ "stdvga", key_stdvga },
	{ "vga", key_vga },
	{ "usb", key_not_yet },
	{ "usbdevice", key_usbdevice },
	{ "maxmem", key_maxmem },
	{ "maxvcpus", key_maxvcpus },
	{ "cpus", key_not_yet },
	{ "hpet", key_not_yet },
	{ "timer_mode", key_not_yet },
	{ "uuid", key_not_yet },
	{ "videoram", key_videoram },
	{ "rtc_timeoffset", key_not_yet },
};

static int apply_setting(struct apply *a, const struct setting *s)
{
	for (size_t i = 0; i < sizeof(key_handlers) / sizeof(key_handlers[0]);
	     i++)
		if (!strcmp(s->key, key_handlers[i].key))
			return key_handlers[i].apply(a, s);
	/* arch_libdir = 'lib': a variable of xm's Python, read by a later
	 * line, not a key */
	if (s->used_as_variable)
		return 0;
	return fail_setting(a, s, "unknown key");
}

/* ---- whole-config checks ----------------------------------------------- */

static void set_defaults(struct vm_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->memory_mib = DEFAULT_MEMORY_MIB;
	cfg->vcpus = 1;
	cfg->accel = ACCEL_AUTO;
	snprintf(cfg->boot, sizeof(cfg->boot), "cd");
	cfg->boot_fail_wait = -1;
	cfg->serial = SERIAL_NONE;
	cfg->on_poweroff = VM_ACTION_DESTROY;
	cfg->on_reboot = VM_ACTION_RESTART;
	cfg->on_crash = VM_ACTION_DESTROY;
	cfg->acpi = cfg->apic = cfg->pae = true;
	cfg->display.vga = VM_VGA_STD;
	cfg->display.videoram_mib = VM_VIDEORAM_DEFAULT_MIB;
	cfg->display.vncdisplay = -1;
	cfg->display.vncunused = true;
}

/* A regular file we can read; else why not, in ERR ("KEY: [WHAT ]PATH:
 * reason"). */
static int check_file(struct apply *a, const struct setting *at,
		      const char *key, const char *source, const char *path,
		      const char *what)
{
	const char *why = config_path_problem(path, false);

	if (!why)
		return 0;
	if (at)
		return fail_setting(a, at, "%s%s%s: %s", what ? what : "",
				    what ? " " : "", path, why);
	return config_fail_at(a->err, a->errlen, source, 0,
			      "%s: %s%s%s: %s", key,
		       what ? what : "", what ? " " : "", path, why);
}

/* MemAvailable in MiB, or -1 when unknown (then we don't check). */
static long long host_available_mib(const char *meminfo_path)
{
	FILE *f = fopen(meminfo_path, "r");
	char line[256];
	long long kib = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %lld kB", &kib) == 1)
			break;
	fclose(f);
	return kib < 0 ? -1 : kib / 1024;
}

static int check_memory(struct apply *a, const char *source)
{
	const char *path = a->host && a->host->meminfo_path ?
			   a->host->meminfo_path : CONFIG_DEFAULT_MEMINFO;
	long long avail = host_available_mib(path);

	if (avail < 0 || a->cfg->memory_mib <= (uint64_t)avail)
		return 0;
	if (a->memory_at)
		return fail_setting(a, a->memory_at, "%" PRIu64 " MiB is more "
				    "than the host has available (%lld MiB "
				    "MemAvailable in %s)", a->cfg->memory_mib,
				    avail, path);
	return config_fail_at(a->err, a->errlen, source, 0,
			      "memory: the default "
		       "%" PRIu64 " MiB is more than the host has available "
		       "(%lld MiB MemAvailable in %s)", a->cfg->memory_mib,
		       avail, path);
}

/* extra and root make the kernel command line: "EXTRA root=ROOT". */
static void build_cmdline(struct apply *a)
{
	char *line;

	if (!a->root)
		return;
	if (asprintf(&line, "%s%sroot=%s", a->cfg->extra ? a->cfg->extra : "",
		     a->cfg->extra ? " " : "", a->root) < 0)
		abort();
	free(a->cfg->extra);
	a->cfg->extra = line;
}

/* nographic = 1 leaves the display device out, as vga = 'none' does; a
 * console then has nothing to show. */
static int check_display(struct apply *a, const char *source)
{
	struct vm_display *d = &a->cfg->display;

	if (a->cfg->nographic)
		d->vga = VM_VGA_NONE;
	if (d->vga == VM_VGA_NONE && (d->vnc || d->sdl))
		return config_fail_at(a->err, a->errlen, source, 0,
				      "%s: there is no "
			       "display device to show (nographic = 1 or "
			       "vga = 'none')", d->vnc ? "vnc" : "sdl");
	if (!d->vnclisten)
		config_set_string(&d->vnclisten, "127.0.0.1");
	if (!d->keymap)
		config_set_string(&d->keymap, "en-us");
	if (!d->where_vnc[0])
		snprintf(d->where_vnc, sizeof(d->where_vnc), "%s", source);
	if (!d->where_sdl[0])
		snprintf(d->where_sdl, sizeof(d->where_sdl), "%s", source);
	return 0;
}

static int check_config(struct apply *a, const char *source)
{
	struct vm_config *cfg = a->cfg;
	const char *bios_default = a->host && a->host->default_bios ?
				   a->host->default_bios : CONFIG_DEFAULT_BIOS;

	if (!cfg->name)
		return config_fail_at(a->err, a->errlen, source, 0,
				      "name: missing "
			       "(every guest needs one, e.g. name = "
			       "\"guest1\")");
	if (!cfg->kernel) {
		const struct setting *orphan = a->ramdisk_at ? a->ramdisk_at :
			a->extra_at ? a->extra_at : a->root_at;

		if (orphan)
			return fail_setting(a, orphan, "only used with "
					    "kernel (direct Linux boot), and "
					    "no kernel is set");
	}
	if (a->maxmem_at && (uint64_t)a->maxmem_mib != cfg->memory_mib)
		return fail_setting(a, a->maxmem_at, "not supported yet "
				    "(ballooning); maxmem must equal memory "
				    "(%" PRIu64 ")", cfg->memory_mib);
	build_cmdline(a);
	if (config_vif_finish(a) || check_display(a, source))
		return -1;
	if (!cfg->bios)
		config_set_string(&cfg->bios, bios_default);
	if (check_file(a, a->bios_at, "bios_path_override", source,
		       cfg->bios, "SeaBIOS image"))
		return -1;
	if (cfg->kernel && check_file(a, a->kernel_at, "kernel", source,
				      cfg->kernel, NULL))
		return -1;
	if (cfg->ramdisk && check_file(a, a->ramdisk_at, "ramdisk", source,
				       cfg->ramdisk, NULL))
		return -1;
	return check_memory(a, source);
}

/* ---- what the monitor can carry out ------------------------------------ */

/* One on_* key the monitor cannot act on yet: the message, -1. */
static int action_unsupported(const struct vm_config *cfg, const char *key,
			      enum vm_action action, const char *where,
			      char *err, size_t errlen)
{
	bool poweroff = !strcmp(key, "on_poweroff");
	const char *why = "";

	switch (action) {
	case VM_ACTION_DESTROY:
	case VM_ACTION_RESTART:
		return 0;
	case VM_ACTION_COREDUMP_DESTROY:
	case VM_ACTION_COREDUMP_RESTART:
		/* monitor.c writes the core on a reset or a crash; a power
		 * off simply ends the guest (no power-off event yet) */
		if (!poweroff)
			return 0;
		why = "the monitor does not act on a power off yet";
		break;
	case VM_ACTION_PRESERVE:
		why = "a guest kept stopped until destroyed needs the "
		      "background toolstack";
		break;
	case VM_ACTION_RENAME_RESTART:
		why = "keeping the old guest under a new name needs the "
		      "background toolstack";
		break;
	}
	return config_fail_at(err, errlen, where[0] ? where : cfg->source, 0,
			      "%s: '%s' is not supported by the monitor yet "
			      "(%s): use 'destroy' or 'restart'", key,
			      config_action_name(action), why);
}

int config_check_monitor_support(const struct vm_config *cfg, char *err,
				 size_t errlen)
{
	if (action_unsupported(cfg, "on_poweroff", cfg->on_poweroff,
			       cfg->where_on_poweroff, err, errlen) ||
	    action_unsupported(cfg, "on_reboot", cfg->on_reboot,
			       cfg->where_on_reboot, err, errlen) ||
	    action_unsupported(cfg, "on_crash", cfg->on_crash,
			       cfg->where_on_crash, err, errlen))
		return -1;
	return 0;
}

/* ---- entry points ------------------------------------------------------ */

void config_free(struct vm_config *cfg)
{
	free(cfg->source);
	free(cfg->name);
	free(cfg->bios);
	free(cfg->kernel);
	free(cfg->ramdisk);
	free(cfg->extra);
	free(cfg->serial_path);
	free(cfg->display.vnclisten);
	free(cfg->display.vncpasswd);
	free(cfg->display.keymap);
	for (unsigned i = 0; i < cfg->nr_disks; i++)
		free(cfg->disks[i].path);
	for (unsigned i = 0; i < cfg->nr_vifs; i++)
		config_vif_free(&cfg->vifs[i]);
	memset(cfg, 0, sizeof(*cfg));
}

static int apply_all(struct settings *ss, struct apply *a)
{
	for (size_t i = 0; i < ss->n; i++)
		if (apply_setting(a, &ss->v[i]))
			return -1;
	return 0;
}

int config_parse_string(const char *text, const char *source,
			char *const overrides[], int n_overrides,
			const struct config_host *host,
			struct vm_config *out, char *err, size_t errlen)
{
	struct settings ss = { 0 };
	struct apply a = { .cfg = out, .host = host, .err = err,
			   .errlen = errlen };
	int r = -1;

	a.notices = host && host->notices ? host->notices : stderr;
	set_defaults(out);
	out->source = strdup(source);
	if (config_syntax_parse(text, source, host, &ss, err, errlen))
		goto out;
	for (int i = 0; i < n_overrides; i++)
		if (config_syntax_override(overrides[i], &ss, err, errlen))
			goto out;
	if (apply_all(&ss, &a) || check_config(&a, source))
		goto out;
	r = 0;
out:
	free(a.root);
	config_settings_free(&ss);
	if (r)
		config_free(out);
	return r;
}

static char *read_whole_file(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0, cap = 0, got;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	do {
		if (cap - len < 4096) {
			cap = cap ? 2 * cap : 8192;
			text = realloc(text, cap + 1);
			if (!text)
				abort();
		}
		got = fread(text + len, 1, cap - len, f);
		len += got;
	} while (got > 0);
	if (ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(text);
		text = NULL;
	} else if (memchr(text, '\0', len)) {
		snprintf(err, errlen, "%s: not a text file", path);
		free(text);
		text = NULL;
	} else {
		text[len] = '\0';
	}
	fclose(f);
	return text;
}

int config_load(const char *path, char *const overrides[], int n_overrides,
		struct vm_config *out, char *err, size_t errlen)
{
	char *text = read_whole_file(path, err, errlen);
	int r;

	if (!text)
		return -1;
	r = config_parse_string(text, path, overrides, n_overrides, NULL, out,
				err, errlen);
	free(text);
	return r;
}
