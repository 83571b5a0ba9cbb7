// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the .hvm config parser (vmm/config.c): syntax, every key,
 * every class of error and its message, overrides, defaults, and the
 * example files in tests/configs/.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <libgen.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "vmm/config_parse.h"

/* A scratch directory with a fake BIOS, kernel, ramdisk and meminfo. */
static char dir[64];
static char bios[128], kernel[128], ramdisk[128], meminfo[128];
static char *notices_buf;
static size_t notices_len;
static FILE *notices;
static struct config_host host;
static struct vm_config cfg;
static char err[512];

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test-config.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(bios, sizeof(bios), "%s/bios.bin", dir);
	snprintf(kernel, sizeof(kernel), "%s/vmlinuz", dir);
	snprintf(ramdisk, sizeof(ramdisk), "%s/initrd", dir);
	snprintf(meminfo, sizeof(meminfo), "%s/meminfo", dir);
	write_file(bios, "bios");
	write_file(kernel, "kernel");
	write_file(ramdisk, "initrd");
	write_file(meminfo, "MemTotal:        8000000 kB\n"
			    "MemFree:         1000000 kB\n"
			    "MemAvailable:    2097152 kB\n");   /* 2048 MiB */
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

/* Each test gets fresh notices and the fake host. */
static int before(void **state)
{
	(void)state;
	notices = open_memstream(&notices_buf, &notices_len);
	host = (struct config_host){ .meminfo_path = meminfo,
				     .default_bios = bios,
				     .notices = notices };
	err[0] = '\0';
	return 0;
}

static int after(void **state)
{
	(void)state;
	fclose(notices);
	free(notices_buf);
	notices_buf = NULL;
	config_free(&cfg);
	return 0;
}

static int parse_with(const char *text, char *const *ov, int n_ov)
{
	int r = config_parse_string(text, "guest.hvm", ov, n_ov, &host, &cfg,
				    err, sizeof(err));

	fflush(notices);
	return r;
}

static int parse(const char *text)
{
	return parse_with(text, NULL, 0);
}

/* TEXT must fail with exactly MESSAGE. */
static void expect_error(const char *text, const char *message)
{
	assert_int_equal(parse(text), -1);
	assert_string_equal(err, message);
}

/* TEXT must fail with a message containing PART. */
static void expect_error_part(const char *text, const char *part)
{
	assert_int_equal(parse(text), -1);
	if (!strstr(err, part))
		fail_msg("error '%s' lacks '%s'", err, part);
}

static void expect_ok(const char *text)
{
	if (parse(text))
		fail_msg("unexpected error: %s", err);
}

/* ---- good files -------------------------------------------------------- */

static void defaults(void **state)
{
	(void)state;
	expect_ok("name = 'g'\n");
	assert_string_equal(cfg.name, "g");
	assert_string_equal(cfg.source, "guest.hvm");
	assert_int_equal(cfg.memory_mib, 128);
	assert_int_equal(cfg.vcpus, 1);
	assert_int_equal(cfg.accel, ACCEL_AUTO);
	assert_string_equal(cfg.bios, bios);
	assert_null(cfg.kernel);
	assert_null(cfg.ramdisk);
	assert_null(cfg.extra);
	assert_string_equal(cfg.boot, "cd");
	assert_int_equal(cfg.boot_fail_wait, -1);
	assert_int_equal(cfg.serial, SERIAL_NONE);
	assert_null(cfg.serial_path);
	assert_int_equal(cfg.on_poweroff, VM_ACTION_DESTROY);
	assert_int_equal(cfg.on_reboot, VM_ACTION_RESTART);
	assert_int_equal(cfg.on_crash, VM_ACTION_DESTROY);
	assert_true(cfg.acpi);
	assert_true(cfg.apic);
	assert_true(cfg.pae);
	assert_false(cfg.localtime);
	assert_false(cfg.nographic);
}

static void every_key(void **state)
{
	char text[2048];

	(void)state;
	snprintf(text, sizeof(text),
		 "name = \"full\"\n"
		 "builder = 'hvm'\n"
		 "memory = 0x200\n"
		 "vcpus = 1\n"
		 "accel = 'kvm'\n"
		 "kernel = '%s'\n"
		 "ramdisk = '%s'\n"
		 "extra = 'console=ttyS0'\n"
		 "boot = 'n'\n"
		 "serial = 'file:/tmp/com1.log'\n"
		 "on_poweroff = 'restart'\n"
		 "on_reboot = 'destroy'\n"
		 "on_crash = 'restart'\n"
		 "acpi = 0\napic = 0\npae = 0\nlocaltime = 1\nnographic = 1\n"
		 "bios_path_override = '%s'\n"
		 "boot_fail_wait = 5\n", kernel, ramdisk, bios);
	expect_ok(text);
	assert_string_equal(cfg.name, "full");
	assert_int_equal(cfg.memory_mib, 512);
	assert_int_equal(cfg.accel, ACCEL_KVM);
	assert_string_equal(cfg.kernel, kernel);
	assert_string_equal(cfg.ramdisk, ramdisk);
	assert_string_equal(cfg.extra, "console=ttyS0");
	assert_string_equal(cfg.boot, "n");
	assert_int_equal(cfg.serial, SERIAL_FILE);
	assert_string_equal(cfg.serial_path, "/tmp/com1.log");
	assert_int_equal(cfg.on_poweroff, VM_ACTION_RESTART);
	assert_int_equal(cfg.on_reboot, VM_ACTION_DESTROY);
	assert_int_equal(cfg.on_crash, VM_ACTION_RESTART);
	assert_false(cfg.acpi);
	assert_false(cfg.apic);
	assert_false(cfg.pae);
	assert_true(cfg.localtime);
	assert_true(cfg.nographic);
	assert_string_equal(cfg.bios, bios);
	assert_int_equal(cfg.boot_fail_wait, 5);
	assert_int_equal(notices_len, 0);
}

static void syntax_comments_quotes_lists(void **state)
{
	(void)state;
	expect_ok("# a comment line\n"
		  "\n"
		  "   name='q # not a comment' # a comment\n"
		  "type = \"hvm\";\n"
		  "vif = [\n"
		  "  # nothing yet\n"
		  "]\n"
		  "disk=[]\n"
		  "serial = [ 'pty', ]\n"
		  "\tmemory\t=\t64\t\n");
	assert_string_equal(cfg.name, "q # not a comment");
	assert_int_equal(cfg.memory_mib, 64);
	assert_int_equal(cfg.serial, SERIAL_PTY);
	config_free(&cfg);
	assert_int_equal(parse("name='a'\naccel = \"vmm\"\n"), 0);
	config_free(&cfg);
	expect_ok("name = 'it\\'s \"x\"'\nserial = 'unix:/run/s'\n");
	assert_string_equal(cfg.name, "it's \"x\"");
	assert_int_equal(cfg.serial, SERIAL_UNIX);
	assert_string_equal(cfg.serial_path, "/run/s");
}

static void list_spanning_lines_then_error_line(void **state)
{
	(void)state;
	/* line numbers keep counting through a multi-line list */
	expect_error("name = 'x'\nvif = [\n\n]\ndisk = [ # none yet\n\n  ]\n"
		     "memory = 'a'\n",
		     "guest.hvm:8: memory: expected an integer (MiB), "
		     "got 'a'");
}

static void serial_backends(void **state)
{
	static const struct { const char *spec; enum serial_backend b; } t[] = {
		{ "stdio", SERIAL_STDIO }, { "pty", SERIAL_PTY },
		{ "null", SERIAL_NULL }, { "none", SERIAL_NONE },
	};
	char text[128];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(text, sizeof(text), "name='s'\nserial='%s'\n",
			 t[i].spec);
		expect_ok(text);
		assert_int_equal(cfg.serial, t[i].b);
		config_free(&cfg);
	}
	expect_error("name='s'\nserial='tcp:1234'\n", "guest.hvm:2: serial: "
		     "expected 'stdio', 'pty', 'null', 'none', 'file:PATH' or "
		     "'unix:PATH', got 'tcp:1234'");
	expect_error_part("name='s'\nserial='file:'\n", "serial: expected");
	expect_error("name='s'\nserial=['pty','null']\n", "guest.hvm:2: "
		     "serial: more than one serial port is not supported yet");
}

static void root_joins_extra(void **state)
{
	char text[256];

	(void)state;
	snprintf(text, sizeof(text), "name='l'\nkernel='%s'\nroot='/dev/vda1 "
		 "ro'\ncmdline='quiet'\n", kernel);
	expect_ok(text);
	assert_string_equal(cfg.extra, "quiet root=/dev/vda1 ro");
	config_free(&cfg);
	snprintf(text, sizeof(text), "name='l'\nkernel='%s'\nroot='/dev/sda'\n",
		 kernel);
	expect_ok(text);
	assert_string_equal(cfg.extra, "root=/dev/sda");
}

static void xen_internal_keys_ignored_with_notice(void **state)
{
	(void)state;
	expect_ok("name='x'\nkernel = '/usr/lib/xen/boot/hvmloader'\n"
		  "device_model = '/usr/lib/xen/bin/qemu-dm'\n"
		  "shadow_memory = 8\n");
	assert_null(cfg.kernel);
	assert_non_null(strstr(notices_buf, "guest.hvm:2: kernel: ignoring "
				"Xen's hvmloader"));
	assert_non_null(strstr(notices_buf, "guest.hvm:3: device_model: "
				"ignored"));
	assert_non_null(strstr(notices_buf, "guest.hvm:4: shadow_memory: "
				"ignored"));
}

static void off_values_of_unimplemented_keys(void **state)
{
	(void)state;
	expect_ok("name='x'\nvnc=0\nsdl=0\nvnclisten='0.0.0.0'\nvncunused=1\n"
		  "vncdisplay=1\nvncpasswd=''\nkeymap='de'\ndisk=[ ]\n"
		  "vif=[]\nstdvga=0\nusb=0\nusbdevice=''\nhpet=0\n"
		  "timer_mode=0\nuuid=''\ncpus=''\nvideoram=0\n"
		  "rtc_timeoffset=0\nmaxvcpus=1\nmemory=256\nmaxmem=256\n");
	assert_int_equal(cfg.memory_mib, 256);
}

/* ---- overrides --------------------------------------------------------- */

static void overrides_replace_and_add(void **state)
{
	char kov[160];
	char *ov[] = { "memory=256", "name=web1", "extra='a b'", kov,
		       "serial=stdio" };

	(void)state;
	snprintf(kov, sizeof(kov), "kernel=%s", kernel);
	if (parse_with("name = 'file'\nmemory = 64\n", ov, 5))
		fail_msg("%s", err);
	assert_int_equal(cfg.memory_mib, 256);
	assert_string_equal(cfg.name, "web1");
	assert_string_equal(cfg.extra, "a b");
	assert_string_equal(cfg.kernel, kernel);
	assert_int_equal(cfg.serial, SERIAL_STDIO);
}

static void override_errors_name_command_line(void **state)
{
	char *bad_int[] = { "memory=lots" };
	char *bad_syntax[] = { "memory=12abc" };
	char *no_eq[] = { "memory" };
	char *unknown[] = { "colour=blue" };
	char *bad_list[] = { "disk=['a'" };

	(void)state;
	assert_int_equal(parse_with("name='n'\n", bad_int, 1), -1);
	assert_string_equal(err, "command line: memory: expected an integer "
			    "(MiB), got 'lots'");
	assert_int_equal(parse_with("name='n'\n", bad_syntax, 1), -1);
	assert_string_equal(err, "command line: memory: bad number '12abc' "
			    "(decimal or 0x hex integers only)");
	assert_int_equal(parse_with("name='n'\n", no_eq, 1), -1);
	assert_string_equal(err, "command line: 'memory': expected key=value");
	assert_int_equal(parse_with("name='n'\n", unknown, 1), -1);
	assert_string_equal(err, "command line: colour: unknown key");
	assert_int_equal(parse_with("name='n'\n", bad_list, 1), -1);
	assert_string_equal(err, "command line: disk: list not closed with "
			    "']'");
}

/* ---- errors ------------------------------------------------------------ */

static void wrong_types(void **state)
{
	(void)state;
	expect_error("name = 'g'\n\n\n\n\n\nmemory = 'lots'\n",
		     "guest.hvm:7: memory: expected an integer (MiB), "
		     "got 'lots'");
	expect_error("name = 5\n", "guest.hvm:1: name: expected a string, "
		     "got 5");
	expect_error("name = 'g'\nboot = ['c']\n", "guest.hvm:2: boot: "
		     "expected a string, got a list");
	expect_error("name = 'g'\nacpi = 'yes'\n", "guest.hvm:2: acpi: "
		     "expected an integer (0 or 1), got 'yes'");
	expect_error("name = 'g'\napic = 2\n", "guest.hvm:2: apic: expected "
		     "0 or 1, got 2");
	expect_error("name = 'g'\nmemory = 0\n", "guest.hvm:2: memory: 0 is "
		     "out of range (1 to 1073741824)");
	expect_error("name = 'g'\nboot_fail_wait = -2\n", "guest.hvm:2: "
		     "boot_fail_wait: -2 is out of range (-1 to 2147483647)");
	expect_error("name = 'g'\naccel = 'tcg'\n", "guest.hvm:2: accel: "
		     "expected 'vmm' or 'kvm', got 'tcg'");
	expect_error("name = 'g'\nboot = 'cx'\n", "guest.hvm:2: boot: "
		     "expected up to 7 letters of 'acdn' (floppy, disk, CD, "
		     "network), got 'cx'");
	expect_error_part("name = 'g'\nboot = ''\n", "boot: expected up to");
	expect_error_part("name = ''\n", "name: '' is not a usable guest name");
	expect_error_part("name = 'a/b'\n", "is not a usable guest name");
}

static void syntax_errors(void **state)
{
	(void)state;
	expect_error("name = 'g\n", "guest.hvm:1: unterminated string (a "
		     "string ends on its line with ')");
	expect_error("name = 'g'\ndisk = [ 'a',\n 'b'\n", "guest.hvm:2: list "
		     "not closed with ']'");
	expect_error("name = 'g'\ndisk = [ 'a' 'b' ]\n", "guest.hvm:2: "
		     "expected ',' or ']' in the list, got ''b' ]'");
	expect_error("name = 'g'\ndisk = [ ['a'] ]\n", "guest.hvm:2: lists "
		     "inside lists are not supported");
	expect_error("name = 'g'\nmemory = 010\n", "guest.hvm:2: bad number "
		     "'010' (decimal or 0x hex integers only)");
	expect_error("name = 'g'\nmemory = 1.5\n", "guest.hvm:2: bad number "
		     "'1.5' (decimal or 0x hex integers only)");
	expect_error("name = 'g'\nmemory = 99999999999999999999\n",
		     "guest.hvm:2: number out of range");
	expect_error("name = 'g'\nmemory =\n", "guest.hvm:2: missing value "
		     "after '='");
	expect_error("name = 'g'\nmemory 64\n", "guest.hvm:2: memory: "
		     "expected '=' after the key");
	expect_error("name = 'g'\nmemory == 64\n", "guest.hvm:2: memory: "
		     "expected '=' after the key");
	expect_error("name = 'g' 'h'\n", "guest.hvm:1: unexpected ''h'' after "
		     "the value (one KEY = VALUE per line; xm's Python "
		     "expressions are not supported)");
	expect_error("= 5\n", "guest.hvm:1: expected KEY = VALUE, got '= 5'");
}

static void python_is_refused_clearly(void **state)
{
	(void)state;
	expect_error("import os, re\n", "guest.hvm:1: 'import': xm's Python "
		     "syntax is not supported, only KEY = VALUE lines (xl "
		     "syntax)");
	expect_error_part("name='p'\nif os.uname()[4] == 'x86_64':\n",
			  "guest.hvm:2: 'if': xm's Python syntax");
	expect_error_part("def f():\n", "guest.hvm:1: 'def': xm's Python");
	expect_error("name='p'\narch = os.uname()[4]\n", "guest.hvm:2: "
		     "expected a value ('string', integer or [ list ]), got "
		     "'os.uname()[4]': xm's Python expressions are not "
		     "supported");
	expect_error_part("name = 'a' + 'b'\n", "after the value");
}

static void key_errors(void **state)
{
	(void)state;
	expect_error("name='g'\ncolour = 'blue'\n", "guest.hvm:2: colour: "
		     "unknown key");
	expect_error("name='g'\nmemory=64\n\nmemory=128\n", "guest.hvm:4: "
		     "memory: set twice (first on line 2)");
	expect_error("name='g'\nextra='a'\ncmdline='b'\n", "guest.hvm:3: "
		     "cmdline: the kernel command line is already set by "
		     "'extra' (extra and cmdline are the same key)");
	expect_error("memory = 64\n", "guest.hvm: name: missing (every guest "
		     "needs one, e.g. name = \"guest1\")");
	expect_error("name='g'\nbuilder = 'linux'\n", "guest.hvm:2: builder: "
		     "only 'hvm' guests are supported, got 'linux'");
	expect_error("name='g'\ntype = 'pv'\n", "guest.hvm:2: type: only "
		     "'hvm' guests are supported, got 'pv'");
	expect_error("name='g'\nvcpus = 2\n", "guest.hvm:2: vcpus: SMP not "
		     "supported yet (2 vCPUs asked); use vcpus = 1");
	expect_error("name='g'\nvcpus = 0\n", "guest.hvm:2: vcpus: 0 is out "
		     "of range (1 to 1024)");
}

static void actions(void **state)
{
	static const char *const not_yet[] = {
		"preserve", "rename-restart", "coredump-destroy",
		"coredump-restart",
	};
	char text[128], want[160];

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		snprintf(text, sizeof(text), "name='g'\non_crash='%s'\n",
			 not_yet[i]);
		snprintf(want, sizeof(want), "guest.hvm:2: on_crash: '%s' not "
			 "supported yet (use 'destroy' or 'restart')",
			 not_yet[i]);
		expect_error(text, want);
	}
	expect_error("name='g'\non_reboot='reboot'\n", "guest.hvm:2: "
		     "on_reboot: expected 'destroy' or 'restart', got "
		     "'reboot'");
	expect_error_part("name='g'\non_poweroff='preserve'\n",
			  "on_poweroff: 'preserve' not supported yet");
}

static void unimplemented_keys_when_on(void **state)
{
	static const char *const lines[] = {
		"disk = [ 'file:/x.img,hda,w' ]", "vif = [ 'type=ioemu' ]",
		"vnc = 1", "sdl = 1", "stdvga = 1", "usb = 1",
		"usbdevice = 'tablet'", "maxvcpus = 2", "cpus = '0-3'",
		"hpet = 1", "timer_mode = 1", "uuid = 'abc'",
		"videoram = 8", "rtc_timeoffset = 3600", "vga = 'stdvga'",
	};
	char text[128], want[128], key[32];

	(void)state;
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		snprintf(text, sizeof(text), "name='g'\n%s\n", lines[i]);
		sscanf(lines[i], "%31[a-z_]", key);
		snprintf(want, sizeof(want), "guest.hvm:2: %s: not supported "
			 "yet", key);
		expect_error(text, want);
	}
	expect_error("name='g'\nmemory=128\nmaxmem=512\n", "guest.hvm:3: "
		     "maxmem: not supported yet (ballooning); maxmem must "
		     "equal memory (128)");
	expect_error("name='g'\nvnc = 2\n", "guest.hvm:2: vnc: expected 0 or "
		     "1, got 2");
}

static void files_must_exist(void **state)
{
	char text[256], want[256];

	(void)state;
	expect_error("name='g'\n\nkernel = '/nonexistent/vmlinuz'\n",
		     "guest.hvm:3: kernel: /nonexistent/vmlinuz: No "
		     "such file or directory");
	snprintf(text, sizeof(text), "name='g'\nkernel = '%s'\n", dir);
	snprintf(want, sizeof(want), "guest.hvm:2: kernel: %s: is a "
		 "directory", dir);
	expect_error(text, want);
	snprintf(text, sizeof(text), "name='g'\nkernel = '%s'\n"
		 "ramdisk = '/no/initrd'\n", kernel);
	expect_error(text, "guest.hvm:3: ramdisk: /no/initrd: No such "
		     "file or directory");
	expect_error("name='g'\nbios_path_override = '/no/bios.bin'\n",
		     "guest.hvm:2: bios_path_override: SeaBIOS image "
		     "/no/bios.bin: No such file or directory");
	snprintf(text, sizeof(text), "name='g'\nbios_path_override = '%s'\n",
		 dir);
	expect_error_part(text, "is a directory");
	/* the default BIOS path is checked too, naming the key to set */
	host.default_bios = "/no/default/bios.bin";
	expect_error("name='g'\n", "guest.hvm: bios_path_override: SeaBIOS "
		     "image /no/default/bios.bin: No such file or directory");
}

static void boot_pieces_need_kernel(void **state)
{
	char text[256];

	(void)state;
	snprintf(text, sizeof(text), "name='g'\nramdisk = '%s'\n", ramdisk);
	expect_error(text, "guest.hvm:2: ramdisk: only used with kernel "
		     "(direct Linux boot), and no kernel is set");
	expect_error_part("name='g'\nextra = 'quiet'\n",
			  "guest.hvm:2: extra: only used with kernel");
	expect_error_part("name='g'\nroot = '/dev/sda'\n",
			  "guest.hvm:2: root: only used with kernel");
}

static void memory_against_host(void **state)
{
	char want[256];

	(void)state;
	expect_ok("name='g'\nmemory = 2048\n");
	config_free(&cfg);
	snprintf(want, sizeof(want), "guest.hvm:2: memory: 2049 MiB is more "
		 "than the host has available (2048 MiB MemAvailable in %s)",
		 meminfo);
	expect_error("name='g'\nmemory = 2049\n", want);
	/* no meminfo: nothing to compare with, no error */
	host.meminfo_path = "/nonexistent/meminfo";
	expect_ok("name='g'\nmemory = 999999\n");
}

/* ---- files ------------------------------------------------------------- */

static void load_from_file(void **state)
{
	char path[160], kov[160];
	char *ov[] = { kov, "bios_path_override=/no/such/bios" };

	(void)state;
	snprintf(path, sizeof(path), "%s/g.hvm", dir);
	write_file(path, "name = 'g'\nmemory = 'big'\n");
	assert_int_equal(config_load(path, NULL, 0, &cfg, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "/g.hvm:2: memory: expected an integer"));
	/* overrides reach config_load too; the BIOS check runs last */
	write_file(path, "name = 'g'\nmemory = 16\n");
	snprintf(kov, sizeof(kov), "kernel=%s", kernel);
	assert_int_equal(config_load(path, ov, 2, &cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "command line: bios_path_override: SeaBIOS "
			    "image /no/such/bios: No such file or directory");
	assert_int_equal(config_load("/no/such.hvm", NULL, 0, &cfg, err,
				     sizeof(err)), -1);
	assert_string_equal(err, "/no/such.hvm: No such file or directory");
	if (access(CONFIG_DEFAULT_BIOS, R_OK) == 0) {
		assert_int_equal(config_load(path, NULL, 0, &cfg, err,
					     sizeof(err)), 0);
		assert_string_equal(cfg.bios, CONFIG_DEFAULT_BIOS);
		assert_string_equal(cfg.source, path);
	}
}

/* The first comment line of a bad-*.hvm says "# expect: MESSAGE". */
static void check_example(const char *configs, const char *file)
{
	char path[1024], *text = NULL, kov[160];
	char *ov[] = { kov };
	size_t len = 0;
	FILE *f;
	int r;

	snprintf(path, sizeof(path), "%s/%s", configs, file);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_true(getdelim(&text, &len, '\0', f) > 0);
	fclose(f);
	/* placeholders stand for real paths given on the command line */
	snprintf(kov, sizeof(kov), "kernel=%s", kernel);
	r = config_parse_string(text, file, ov,
				strstr(text, "PLACEHOLDER") ? 1 : 0, &host,
				&cfg, err, sizeof(err));
	if (!strncmp(file, "bad-", 4)) {
		char want[256];

		assert_int_equal(sscanf(text, "# expect: %255[^\n]", want), 1);
		if (r == 0 || !strstr(err, want))
			fail_msg("%s: expected '%s', got '%s'", file, want,
				 r ? err : "success");
	} else if (r) {
		fail_msg("%s", err);
	}
	config_free(&cfg);
	free(text);
}

static void example_configs(void **state)
{
	char src[] = __FILE__, configs[512];
	struct dirent *e;
	int checked = 0;
	DIR *d;

	(void)state;
	snprintf(configs, sizeof(configs), "%s/../configs", dirname(src));
	d = opendir(configs);
	if (!d)
		skip();   /* not run from the source tree */
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);

		if (n > 4 && !strcmp(e->d_name + n - 4, ".hvm")) {
			check_example(configs, e->d_name);
			checked++;
		}
	}
	closedir(d);
	assert_true(checked >= 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, before, after)
		T(defaults),
		T(every_key),
		T(syntax_comments_quotes_lists),
		T(list_spanning_lines_then_error_line),
		T(serial_backends),
		T(root_joins_extra),
		T(xen_internal_keys_ignored_with_notice),
		T(off_values_of_unimplemented_keys),
		T(overrides_replace_and_add),
		T(override_errors_name_command_line),
		T(wrong_types),
		T(syntax_errors),
		T(python_is_refused_clearly),
		T(key_errors),
		T(actions),
		T(unimplemented_keys_when_on),
		T(files_must_exist),
		T(boot_pieces_need_kernel),
		T(memory_against_host),
		T(load_from_file),
		T(example_configs),
#undef T
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
