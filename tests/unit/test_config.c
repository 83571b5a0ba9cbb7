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
#include <sys/utsname.h>
#include <unistd.h>
#include <cmocka.h>

#include "vmm/config_parse.h"

/* A scratch directory with a fake BIOS, kernel, ramdisk and meminfo. */
static char dir[64];
static char bios[128], kernel[128], ramdisk[128], meminfo[128];
/* disk images: hard disks, a CD image, one with a comma in its name */
static char img_a[128], img_b[128], img_c[128], img_d[128], iso[128];
static char comma_img[128];
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
	snprintf(img_a, sizeof(img_a), "%s/a.img", dir);
	snprintf(img_b, sizeof(img_b), "%s/b.img", dir);
	snprintf(img_c, sizeof(img_c), "%s/c.img", dir);
	snprintf(img_d, sizeof(img_d), "%s/d.img", dir);
	snprintf(iso, sizeof(iso), "%s/cd.iso", dir);
	snprintf(comma_img, sizeof(comma_img), "%s/x,y.img", dir);
	write_file(img_a, "disk a");
	write_file(img_b, "disk b");
	write_file(img_c, "disk c");
	write_file(img_d, "disk d");
	write_file(iso, "CD001");
	write_file(comma_img, "comma");
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
	int r;

	config_free(&cfg);   /* the previous parse's, if it succeeded */
	r = config_parse_string(text, "guest.hvm", ov, n_ov, &host, &cfg, err,
				sizeof(err));

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
	/* the one notice: builder */
	assert_string_equal(notices_buf, "guest.hvm:2: builder: 'hvm' ignored "
			    "(every vmm guest is HVM)\n");
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
	config_free(&cfg);
	/* xl: statements separated by ';' on one line */
	expect_ok("name = 'semi'; memory = 64 ;vcpus=1;\n;\nacpi = 0;;\n");
	assert_string_equal(cfg.name, "semi");
	assert_int_equal(cfg.memory_mib, 64);
	assert_false(cfg.acpi);
	config_free(&cfg);
	expect_ok("name = 'semi'\nif 1:\n  memory = 64; vcpus = 1\n"
		  "  acpi = 0\n");
	assert_int_equal(cfg.memory_mib, 64);
	assert_false(cfg.acpi);
}

static void list_spanning_lines_then_error_line(void **state)
{
	(void)state;
	/* line numbers keep counting through a multi-line list */
	expect_error("name = 'x'\nvif = [\n\n]\ndisk = [ # none yet\n\n  ]\n"
		     "memory = 'a'\n",
		     "guest.hvm:8: memory: expected an integer (MiB), "
		     "got 'a' (not a number)");
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
	char text[256];

	(void)state;
	expect_ok("name='x'\nkernel = '/usr/lib/xen/boot/hvmloader'\n"
		  "device_model = '/usr/lib/xen/bin/qemu-dm'\n"
		  "shadow_memory = 8\nbuilder = 'hvm'\ntype = \"hvm\"\n");
	assert_null(cfg.kernel);
	assert_string_equal(cfg.bios, bios);   /* the default firmware */
	/* one line each, in the file's order */
	assert_string_equal(notices_buf,
		"guest.hvm:2: kernel: ignoring Xen's hvmloader; the guest "
		"boots SeaBIOS\n"
		"guest.hvm:3: device_model = '/usr/lib/xen/bin/qemu-dm': "
		"ignored (a Xen-internal setting)\n"
		"guest.hvm:4: shadow_memory = 8: ignored (a Xen-internal "
		"setting)\n"
		"guest.hvm:5: builder: 'hvm' ignored (every vmm guest is HVM)\n"
		"guest.hvm:6: type: 'hvm' ignored (every vmm guest is HVM)\n");
	config_free(&cfg);
	/* any other kernel keeps its meaning: direct Linux boot */
	snprintf(text, sizeof(text), "name='x'\nkernel = '%s'\n", kernel);
	expect_ok(text);
	assert_string_equal(cfg.kernel, kernel);
	config_free(&cfg);
	expect_error("name='x'\nkernel = '/usr/lib/xen/boot/hvmloader.old'\n",
		     "guest.hvm:2: kernel: /usr/lib/xen/boot/hvmloader.old: "
		     "No such file or directory");
	expect_error("name='x'\nbuilder = 'linux'\n", "guest.hvm:2: builder: "
		     "only 'hvm' guests are supported, got 'linux'");
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

/* ---- the parser against hostile text ---------------------------------- */

static void fake_uname(const char *sysname, const char *machine);

/* Nesting by recursion is bounded: a clear error, not a blown stack. */
static void deep_nesting_refused(void **state)
{
	static const char *const unit[] = { "(", "not ", "((" };
	size_t n = 200000;
	char *text;

	(void)state;
	fake_uname("Linux", "x86_64");
	text = malloc(n * 4 + 64);
	assert_non_null(text);
	for (size_t u = 0; u < sizeof(unit) / sizeof(unit[0]); u++) {
		size_t len = strlen(unit[u]), at;

		at = (size_t)sprintf(text, "name='p'\n%s", u == 0 ? "x = " :
				     "if ");
		for (size_t i = 0; i < n / len; i++, at += len)
			memcpy(text + at, unit[u], len);
		strcpy(text + at, "1\n");
		assert_int_equal(parse(text), -1);
		assert_string_equal(err, "guest.hvm:2: nested more than 64 "
				    "deep");
	}
	/* if blocks, each deeper than the last */
	{
		size_t at = (size_t)sprintf(text, "name='p'\n");

		for (int d = 0; d < 100; d++) {
			at += (size_t)sprintf(text + at, "%*sif 1:\n", d, "");
		}
		sprintf(text + at, "%*sx = 1\n", 100, "");
		assert_int_equal(parse(text), -1);
		assert_string_equal(err, "guest.hvm:66: nested more than 64 "
				    "deep");
	}
	free(text);
}

static uint64_t fuzz_state;

static unsigned fuzz_next(unsigned bound)
{
	/* xorshift64*: reproducible from the seed */
	fuzz_state ^= fuzz_state >> 12;
	fuzz_state ^= fuzz_state << 25;
	fuzz_state ^= fuzz_state >> 27;
	return (unsigned)((fuzz_state * 2685821657736338717ULL) >> 33) % bound;
}

/*
 * Random edits of good files (Xen's example, the Python subset, disks):
 * every parse ends in a config or in one message naming the file, and
 * (run under ASan: tests/unit/README or the README) touches no memory it
 * should not. CONFIG_FUZZ_SEED and CONFIG_FUZZ_ROUNDS repeat or lengthen
 * a run.
 */
static void fuzz_parser(void **state)
{
	static const char *const tokens[] = {
		"if ", "elif ", "else:", "not ", " and ", " or ", " in ", "(",
		")", "[", "]", "'", "\"", "+", "=", "==", "!=", ":", ",", "#",
		"\n", "\n    ", "\n\t", "\\", "os.uname()[", "re.search(",
		"import ", "0x", "-", "99999999999999999999", "arch", "disk",
		"memory", "'file:", ",hdc:cdrom,r'", "on_crash='preserve'",
		"\"640\"", ";", "\r",
	};
	static const char seed_text[] =
		"import os, re\n"
		"arch_libdir = 'lib'\n"
		"arch = os.uname()[4]\n"
		"if os.uname()[0] == 'Linux' and re.search('6(4)?', arch):\n"
		"    arch_libdir = 'lib64'\n"
		"elif not arch or 'x' in arch:\n"
		"    arch_libdir = ('l' + 'ib') + '32'\n"
		"else:\n"
		"    if arch != 'y':\n"
		"        memory = \"256\"\n"
		"device_model = '/usr/' + arch_libdir + '/qemu-dm'\n"
		"name = \"fuzz\"\n"
		"disk = [ ',hdc:cdrom,r',\n"
		"         'format=raw, vdev=hdd, access=ro, devtype=cdrom' ]\n"
		"vif = [ 'type=ioemu, bridge=xenbr0' ]\n"
		"serial = [ 'pty' ]\n"
		"on_crash = 'coredump-restart'\n"
		"vnc = '1';\nvnclisten = '0.0.0.0:5'\n";
	const char *env_seed = getenv("CONFIG_FUZZ_SEED");
	const char *env_rounds = getenv("CONFIG_FUZZ_ROUNDS");
	uint64_t seed = env_seed ? strtoull(env_seed, NULL, 0) : 20261202;
	unsigned rounds = env_rounds ? (unsigned)atoi(env_rounds) : 4000;
	size_t cap = 16384, accepted = 0;
	char *text = malloc(cap);

	(void)state;
	assert_non_null(text);
	fake_uname("Linux", "x86_64");
	fuzz_state = seed ? seed : 1;
	print_message("fuzz: seed %llu, %u rounds (CONFIG_FUZZ_SEED=%llu "
		      "repeats it)\n", (unsigned long long)seed, rounds,
		      (unsigned long long)seed);
	for (unsigned r = 0; r < rounds; r++) {
		size_t len = strlen(seed_text);
		unsigned edits = 1 + fuzz_next(6);

		memcpy(text, seed_text, len + 1);
		for (unsigned e = 0; e < edits; e++) {
			size_t at = fuzz_next((unsigned)len + 1);
			unsigned kind = fuzz_next(4);

			if (kind == 0 && len) {            /* delete */
				size_t n = 1 + fuzz_next(8);

				if (at + n > len)
					n = len - at;
				memmove(text + at, text + at + n,
					len - at - n + 1);
				len -= n;
			} else if (kind == 1 && at < len) { /* replace a byte */
				text[at] = (char)(1 + fuzz_next(255));
			} else {                            /* insert a token */
				const char *t = tokens[fuzz_next(
					sizeof(tokens) / sizeof(tokens[0]))];
				size_t n = strlen(t);

				if (len + n + 1 > cap)
					continue;
				memmove(text + at + n, text + at,
					len - at + 1);
				memcpy(text + at, t, n);
				len += n;
			}
		}
		err[0] = '\0';
		if (parse(text) == 0) {
			accepted++;
			assert_non_null(cfg.name);
			config_free(&cfg);
		} else if (strncmp(err, "guest.hvm", 9)) {
			fail_msg("round %u: message '%s' for:\n%s", r, err,
				 text);
		}
	}
	/* the edits leave some files good: the good paths ran too */
	assert_true(accepted > 0);
	free(text);
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
			    "(MiB), got 'lots' (not a number)");
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
		     "got 'lots' (not a number)");
	expect_error("name = 5\n", "guest.hvm:1: name: expected a string, "
		     "got 5");
	expect_error("name = 'g'\nboot = ['c']\n", "guest.hvm:2: boot: "
		     "expected a string, got a list");
	expect_error("name = 'g'\nacpi = 'yes'\n", "guest.hvm:2: acpi: "
		     "expected an integer (0 or 1), got 'yes' (not a "
		     "number)");
	expect_error("name = 'g'\napic = 2\n", "guest.hvm:2: apic: expected "
		     "0 or 1, got 2");
	expect_error("name = 'g'\nmemory = 0\n", "guest.hvm:2: memory: 0 is "
		     "out of range (1 to 1073741824)");
	expect_error("name = 'g'\nboot_fail_wait = -2\n", "guest.hvm:2: "
		     "boot_fail_wait: -2 is out of range (-1 to 86400)");
	expect_error("name = 'g'\naccel = 'tcg'\n", "guest.hvm:2: accel: "
		     "expected 'vmm' or 'kvm', got 'tcg'");
	expect_error("name = 'g'\nboot = 'cx'\n", "guest.hvm:2: boot: "
		     "expected up to 7 letters of 'acdn' (floppy, disk, CD, "
		     "network), got 'cx'");
	expect_error_part("name = 'g'\nboot = ''\n", "boot: expected up to");
	expect_error("name = 'g'\nboot = 'cdc'\n", "guest.hvm:2: boot: 'c' "
		     "given twice in 'cdc' (each device once, in the order to "
		     "try)");
	expect_error_part("name = ''\n", "name: '' is not a usable guest name");
	expect_error_part("name = 'a/b'\n", "is not a usable guest name");
}

/* xl reads a number from a string too: memory = "640" (a seed's own). */
static void quoted_numbers(void **state)
{
	char *ov[] = { "memory='0x100'", "vcpus=\"1\"" };

	(void)state;
	expect_ok("name='q'\nmemory = \"640\"\nvcpus = '1'\nacpi = \"0\"\n"
		  "apic = '1'\nvideoram = '8'\nboot_fail_wait = '-1'\n"
		  "maxmem = \"640\"\nmaxvcpus = '1'\nhpet = '0'\n"
		  "vncdisplay = '3'\n");
	assert_int_equal(cfg.memory_mib, 640);
	assert_int_equal(cfg.vcpus, 1);
	assert_false(cfg.acpi);
	assert_true(cfg.apic);
	assert_int_equal(cfg.display.videoram_mib, 8);
	assert_int_equal(cfg.boot_fail_wait, -1);
	assert_int_equal(cfg.display.vncdisplay, 3);
	config_free(&cfg);
	/* hex as in an integer; the command line's quotes too */
	assert_int_equal(parse_with("name='q'\n", ov, 2), 0);
	assert_int_equal(cfg.memory_mib, 256);
	config_free(&cfg);
	/* what is no number is an error naming file, line and key */
	expect_error("name='q'\n\nmemory = \"640M\"\n", "guest.hvm:3: memory: "
		     "expected an integer (MiB), got '640M' (not a number)");
	expect_error("name='q'\nmemory = ' 640'\n", "guest.hvm:2: memory: "
		     "expected an integer (MiB), got ' 640' (not a number)");
	expect_error("name='q'\nmemory = '010'\n", "guest.hvm:2: memory: "
		     "expected an integer (MiB), got '010' (not a number)");
	expect_error("name='q'\nmemory = '99999999999999999999'\n",
		     "guest.hvm:2: memory: expected an integer (MiB), got "
		     "'99999999999999999999' (not a number)");
	expect_error("name='q'\nmemory = '0'\n", "guest.hvm:2: memory: 0 is "
		     "out of range (1 to 1073741824)");
	expect_error("name='q'\npae = '2'\n", "guest.hvm:2: pae: expected 0 "
		     "or 1, got 2");
	expect_error("name='q'\nmemory = 64\nmaxmem = '128'\n", "guest.hvm:3: "
		     "maxmem: not supported yet (ballooning); maxmem must "
		     "equal memory (64)");
	expect_error("name='q'\nhpet = '1'\n", "guest.hvm:2: hpet: not "
		     "supported yet");
	/* a number where a string is wanted stays an error */
	expect_error("name = 640\n", "guest.hvm:1: name: expected a string, "
		     "got 640");
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
		     "the value (one KEY = VALUE per line, or statements "
		     "separated by ';')");
	expect_error("name = 'g'\nif 1:; memory = 64\n", "guest.hvm:2: "
		     "nothing may follow the ':' of a block on its line");
	expect_error("name = 'g'; memory = 64; memory = 32\n", "guest.hvm:1: "
		     "memory: set twice (first on line 1)");
	{
		char *two[] = { "memory=64;vcpus=1" };

		assert_int_equal(parse_with("name='g'\n", two, 1), -1);
		assert_string_equal(err, "command line: memory: nothing may "
				    "follow an override's value on its line");
	}
	expect_error("= 5\n", "guest.hvm:1: expected KEY = VALUE, got '= 5'");
}

/* ---- xm's Python, the small subset ------------------------------------ */

static struct utsname fake_uts;

/* The host os.uname() reports: SYSNAME and MACHINE, the rest fixed. */
static void fake_uname(const char *sysname, const char *machine)
{
	memset(&fake_uts, 0, sizeof(fake_uts));
	snprintf(fake_uts.sysname, sizeof(fake_uts.sysname), "%s", sysname);
	snprintf(fake_uts.nodename, sizeof(fake_uts.nodename), "dom0");
	snprintf(fake_uts.release, sizeof(fake_uts.release), "2.6.18-xen");
	snprintf(fake_uts.version, sizeof(fake_uts.version), "#1 SMP");
	snprintf(fake_uts.machine, sizeof(fake_uts.machine), "%s", machine);
	host.uname = &fake_uts;
}

static void python_subset_evaluated(void **state)
{
	static const char branches[] =
		"import os, re\n"
		"import os\n"
		"arch_libdir = 'lib'\n"
		"arch = os.uname()[4]\n"
		"if os.uname()[0] == 'Linux' and re.search('64', arch):\n"
		"    arch_libdir = 'lib64'\n"
		"elif arch == 'i686' or not arch:\n"
		"    arch_libdir = 'lib32'\n"
		"else:\n"
		"\tarch_libdir = 'other'\n"
		"\tif 'sparc' in arch:\n"
		"\t\tarch_libdir = arch_libdir + '-sparc'\n"
		"device_model = '/usr/' + arch_libdir + '/xen/bin/qemu-dm'\n"
		"name = 'vm-' + os.uname()[1]\n"
		"memory = 64 + 0x40\n"
		"kind = 'hd'\n"
		"disk = [ ',' + kind + 'c:cdrom,r' ]\n"
		"if arch != 'x86_64':\n"
		"    memory = 96\n"
		"if re.match('x86', arch) and (arch != 'i686' or 0):\n"
		"    vcpus = 1\n";
	static const struct { const char *sys, *machine, *libdir; int mem; }
	hosts[] = {
		{ "Linux", "x86_64", "lib64", 128 },
		{ "Linux", "i686", "lib32", 96 },
		{ "NetBSD", "amd64", "other", 96 },
		{ "SunOS", "sparc64", "other-sparc", 96 },
		{ "Linux", "ia64", "lib64", 96 },
	};
	char want[128];

	(void)state;
	for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		fake_uname(hosts[i].sys, hosts[i].machine);
		fclose(notices);
		free(notices_buf);
		notices_buf = NULL;
		notices = open_memstream(&notices_buf, &notices_len);
		host.notices = notices;
		expect_ok(branches);
		assert_string_equal(cfg.name, "vm-dom0");
		assert_int_equal(cfg.memory_mib, hosts[i].mem);
		assert_int_equal(cfg.nr_disks, 1);
		assert_int_equal(cfg.disks[0].media, VM_DISK_CDROM);
		assert_int_equal(cfg.disks[0].ide_index, 2);
		/* the device model path shows which branch ran */
		snprintf(want, sizeof(want), "guest.hvm:13: device_model = "
			 "'/usr/%s/xen/bin/qemu-dm': ignored", hosts[i].libdir);
		if (!strstr(notices_buf, want))
			fail_msg("%s: notices '%s'", hosts[i].machine,
				 notices_buf);
		config_free(&cfg);
	}
	/* the variables are not keys: an unused unknown name still is */
	fake_uname("Linux", "x86_64");
	expect_error("name='p'\nbits = 'a'\n", "guest.hvm:2: bits: unknown "
		     "key");
	/* a taken branch replaces a value; the top level may not */
	expect_ok("name='p'\nmemory = 64\nif 1 == 1:\n  memory = 32\n");
	assert_int_equal(cfg.memory_mib, 32);
	config_free(&cfg);
	expect_error("name='p'\nmemory = 64\nif 1 == 2:\n  memory = 32\n"
		     "memory = 16\n", "guest.hvm:5: memory: set twice (first "
		     "on line 2)");
	/* a branch not taken is read, not evaluated */
	expect_ok("name='p'\nif 0:\n  memory = undefined + os.uname()[3]\n");
	assert_int_equal(cfg.memory_mib, 128);
	config_free(&cfg);
	/* a key read as a variable keeps its meaning */
	expect_ok("memory = 256\nmaxmem = memory\nname = 'p'\n");
	assert_int_equal(cfg.memory_mib, 256);
	config_free(&cfg);
	/* Python's booleans are 1 and 0 */
	expect_ok("name='p'\nacpi = False\napic = True\nif True and not "
		  "False:\n  pae = False\n");
	assert_false(cfg.acpi);
	assert_true(cfg.apic);
	assert_false(cfg.pae);
	config_free(&cfg);
	/* os.uname() of the real host by default */
	host.uname = NULL;
	expect_ok("import os\nname = os.uname()[0]\n");
	assert_string_equal(cfg.name, "Linux");
}

/* Each construct beyond the subset: an error with its line. */
static void python_beyond_subset_refused(void **state)
{
	static const struct { const char *text, *message; } refused[] = {
		{ "name='p'\nimport sys\n", "guest.hvm:2: 'import sys': beyond "
		  "the Python subset vmm evaluates (KEY = VALUE, import os/re, "
		  "if/elif/else, string +, os.uname()[N], re.search(); README: "
		  "Python in .hvm files)" },
		{ "name='p'\nimport os.path\n", "guest.hvm:2: 'import os.path': "
		  "beyond the Python subset" },
		{ "name='p'\nimport os, o\n", "guest.hvm:2: 'import o': beyond "
		  "the Python subset" },
		{ "name='p'\nimport os re\n", "guest.hvm:2: unexpected 're'" },
		{ "name='p'\nx = None\n", "guest.hvm:2: 'None' is not assigned "
		  "before this line" },
		{ "name='p'\n\nfrom os import uname\n", "guest.hvm:3: 'from': "
		  "beyond the Python subset" },
		{ "def f():\n  return 1\n", "guest.hvm:1: 'def': beyond" },
		{ "name='p'\nfor d in 'ab':\n  x = d\n", "guest.hvm:2: 'for': "
		  "beyond" },
		{ "name='p'\nprint 'hello'\n", "guest.hvm:2: 'print': beyond" },
		{ "name='p'\nwhile 1:\n  x = 1\n", "guest.hvm:2: 'while': "
		  "beyond" },
		{ "name='p'\nos.system('rm -rf /')\n", "guest.hvm:2: 'os': "
		  "beyond" },
		{ "name='p'\nx = os.getenv('HOME')\n", "guest.hvm:2: "
		  "'os.getenv': beyond" },
		{ "name='p'\nx = open('/etc/passwd')\n", "guest.hvm:2: 'open': "
		  "beyond" },
		{ "name='p'\narch = os.uname()[4]\nif arch.startswith('x'):\n"
		  "  x = 1\n", "guest.hvm:3: 'arch.startswith': beyond" },
		{ "name='p'\nx = re.search('a', 'b')\n", "guest.hvm:2: "
		  "'re.search': beyond" },
		{ "name='p'\nx = lambda: 1\n", "guest.hvm:2: 'lambda': beyond" },
		{ "name='p'\nx = 'a' * 3\n", "guest.hvm:2: unexpected '* 3' "
		  "after the value" },
		{ "name='p'\nx = 'a' % 3\n", "guest.hvm:2: unexpected '% 3'" },
		{ "name='p'\nx = 'a'\nx += 'b'\n", "guest.hvm:3: x: expected "
		  "'=' after the key" },
		{ "name='p'\nx = 'a' + 1\n", "guest.hvm:2: '+' joins two "
		  "strings or two integers, not a string and an integer" },
		{ "name='p'\nx = y\n", "guest.hvm:2: 'y' is not assigned "
		  "before this line (a string is quoted: 'y')" },
		{ "name='p'\nx = os.uname()\n", "guest.hvm:2: os.uname() is a "
		  "tuple: take one field, e.g. os.uname()[4] (the machine)" },
		{ "name='p'\nx = os.uname()[5]\n", "guest.hvm:2: os.uname()[5]: "
		  "the fields are 0 to 4" },
		{ "name='p'\nif 1 < 2:\n  x = 1\n", "guest.hvm:2: expected ':' "
		  "after 'if CONDITION', got '< 2:' (conditions compare with "
		  "==, !=, in)" },
		{ "name='p'\nif 1 == 1\n  x = 1\n", "guest.hvm:2: expected ':' "
		  "after 'if CONDITION'" },
		{ "name='p'\nif 1: x = 1\n", "guest.hvm:2: unexpected 'x = 1'" },
		{ "name='p'\nif 1:\nx = 1\n", "guest.hvm:2: 'if': expected an "
		  "indented block on the lines after it" },
		{ "name='p'\nif 1:\n", "guest.hvm:2: 'if': expected an indented "
		  "block" },
		{ "name='p'\nif 1:\n    x = 1\n  y = 2\n", "guest.hvm:4: this "
		  "line's indentation matches no block around it" },
		{ "name='p'\nelse:\n  x = 1\n", "guest.hvm:2: 'else' without an "
		  "'if' at the same indentation before it" },
		{ "name='p'\nif 1:\n  x = 1\n   else:\n  y = 1\n",
		  "guest.hvm:4: this line's indentation matches no block" },
		{ "name='p'\nif re.search('(', 'x'):\n  x = 1\n", "guest.hvm:2: "
		  "re.search(): '(' is not a regular expression vmm reads "
		  "(POSIX extended)" },
		{ "name='p'\nif re.search(1, 'x'):\n  x = 1\n", "guest.hvm:2: "
		  "re.search(): the pattern and the string must be strings" },
		{ "name='p'\nif 'a' in 5:\n  x = 1\n", "guest.hvm:2: 'in' looks "
		  "in a string or a list, not in an integer" },
		{ "name='p'\nif 'a' is 'a':\n  x = 1\n", "guest.hvm:2: expected "
		  "':' after 'if CONDITION', got 'is 'a':'" },
		{ "name='p'\nif 'a' not 'a':\n  x = 1\n", "guest.hvm:2: 'not': "
		  "beyond" },
		{ "name='p'\nif 1:\n  x = 1\nelse 2:\n  y = 1\n", "guest.hvm:4: "
		  "expected ':' after 'else', got '2:'" },
		{ "name='p'\nif 1:\n  import sys\n", "guest.hvm:3: 'import "
		  "sys': beyond" },
		{ "name='p'\nif 1:\n  def f():\n    x = 1\n", "guest.hvm:3: "
		  "'def': beyond" },
		/* the refusals hold in a branch not taken too */
		{ "name='p'\nif 0:\n  def f():\n    x = 1\n", "guest.hvm:3: "
		  "'def': beyond" },
		{ "name='p'\nx = [ 'a' + 'b', [ 1 ] ]\n", "guest.hvm:2: lists "
		  "inside lists are not supported" },
		{ "name='p'\nx = [ 'a' ] + [ 'b' ]\n", "guest.hvm:2: '+' joins "
		  "two strings or two integers, not a list and a list" },
		{ "name='p'\nx = 0x7fffffffffffffff + 1\n", "guest.hvm:2: "
		  "number out of range" },
	};

	(void)state;
	fake_uname("Linux", "x86_64");
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		if (parse(refused[i].text) == 0) {
			config_free(&cfg);
			fail_msg("accepted: %s", refused[i].text);
		}
		if (strncmp(err, refused[i].message,
			    strlen(refused[i].message)))
			fail_msg("'%s':\n  got  '%s'\n  want '%s...'",
				 refused[i].text, err, refused[i].message);
	}
}

/*
 * Xen's own tools/examples/xmexample.hvm at two Xen 3.x tags, unchanged
 * (tests/configs/XEN-EXAMPLES.md); only the disk path is given another
 * name here, as a user would edit it.
 */
static void xen_example(const char *file, const char *sysname,
			const char *machine, const char *libdir)
{
	char src[] = __FILE__, path[1024], want[256];
	char *text = NULL, *at, *edited;
	static const char xen_disk[] = "/var/images/min-el3-i386.img";
	size_t len = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/../configs/%s", dirname(src), file);
	f = fopen(path, "r");
	if (!f)
		skip();   /* not run from the source tree */
	assert_true(getdelim(&text, &len, '\0', f) > 0);
	fclose(f);
	at = strstr(text, xen_disk);
	assert_non_null(at);
	assert_true(asprintf(&edited, "%.*s%s%s", (int)(at - text), text,
			     img_a, at + strlen(xen_disk)) > 0);
	fake_uname(sysname, machine);
	fclose(notices);
	free(notices_buf);
	notices_buf = NULL;
	notices = open_memstream(&notices_buf, &notices_len);
	host.notices = notices;
	if (config_parse_string(edited, file, NULL, 0, &host, &cfg, err,
				sizeof(err)))
		fail_msg("%s: %s", file, err);
	fflush(notices);
	/* each key's value */
	assert_string_equal(cfg.name, "ExampleHVMDomain");
	assert_null(cfg.kernel);                 /* hvmloader: SeaBIOS */
	assert_string_equal(cfg.bios, bios);
	assert_int_equal(cfg.memory_mib, 128);
	assert_int_equal(cfg.vcpus, 1);
	assert_int_equal(cfg.nr_vifs, 1);
	assert_int_equal(cfg.nr_disks, 2);
	assert_string_equal(cfg.disks[0].path, img_a);
	assert_int_equal(cfg.disks[0].media, VM_DISK_HD);
	assert_int_equal(cfg.disks[0].ide_index, 0);
	assert_false(cfg.disks[0].read_only);
	assert_null(cfg.disks[1].path);          /* an empty CD drive */
	assert_int_equal(cfg.disks[1].media, VM_DISK_CDROM);
	assert_int_equal(cfg.disks[1].ide_index, 2);
	assert_true(cfg.disks[1].read_only);
	assert_false(cfg.display.sdl);
	assert_true(cfg.display.vnc);
	assert_null(cfg.display.vncpasswd);      /* '': no password */
	assert_int_equal(cfg.display.vga, VM_VGA_STD);
	assert_int_equal(cfg.serial, SERIAL_PTY);
	assert_int_equal(cfg.on_poweroff, VM_ACTION_DESTROY);
	assert_int_equal(cfg.on_reboot, VM_ACTION_RESTART);
	assert_int_equal(cfg.on_crash, VM_ACTION_DESTROY);
	assert_string_equal(cfg.boot, "cd");
	/* the notices: hvmloader, builder, device_model (its path shows the
	 * branch taken), opengl, stdvga */
	assert_non_null(strstr(notices_buf, ": kernel: ignoring Xen's "
			       "hvmloader; the guest boots SeaBIOS\n"));
	assert_non_null(strstr(notices_buf, ": builder: 'hvm' ignored"));
	snprintf(want, sizeof(want), ": device_model = '/usr/%s/xen/bin/"
		 "qemu-dm': ignored (a Xen-internal setting)\n", libdir);
	if (!strstr(notices_buf, want))
		fail_msg("%s on %s: notices '%s'", file, machine, notices_buf);
	assert_non_null(strstr(notices_buf, ": opengl: ignored"));
	assert_non_null(strstr(notices_buf, ": stdvga = 0: there is no "
			       "Cirrus VGA here"));
	/* the NIC: an RTL8139 on a TAP in xenbr0 (which create checks) */
	assert_int_equal(cfg.vifs[0].backend, VM_VIF_TAP);
	assert_string_equal(cfg.vifs[0].bridge, "xenbr0");
	assert_int_equal(cfg.vifs[0].model, VM_VIF_RTL8139);
	assert_int_equal(config_check_monitor_support(&cfg, err, sizeof(err)),
			 0);
	free(edited);
	free(text);
}

static void xen_3_3_example(void **state)
{
	(void)state;
	xen_example("xmexample-xen-3.3.hvm", "Linux", "x86_64", "lib64");
	config_free(&cfg);
	xen_example("xmexample-xen-3.3.hvm", "Linux", "i686", "lib");
}

static void xen_3_4_example(void **state)
{
	(void)state;
	xen_example("xmexample-xen-3.4.hvm", "Linux", "x86_64", "lib64");
	config_free(&cfg);
	xen_example("xmexample-xen-3.4.hvm", "SunOS", "amd64", "lib");
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
	static const struct { const char *name; enum vm_action action; }
	all[] = {
		{ "destroy", VM_ACTION_DESTROY },
		{ "restart", VM_ACTION_RESTART },
		{ "preserve", VM_ACTION_PRESERVE },
		{ "rename-restart", VM_ACTION_RENAME_RESTART },
		{ "coredump-destroy", VM_ACTION_COREDUMP_DESTROY },
		{ "coredump-restart", VM_ACTION_COREDUMP_RESTART },
	};
	char text[192], want[320];

	(void)state;
	/* every action parses for every event, as in xl */
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		snprintf(text, sizeof(text), "name='g'\non_poweroff='%s'\n"
			 "on_reboot='%s'\non_crash='%s'\n", all[i].name,
			 all[i].name, all[i].name);
		expect_ok(text);
		assert_int_equal(cfg.on_poweroff, all[i].action);
		assert_int_equal(cfg.on_reboot, all[i].action);
		assert_int_equal(cfg.on_crash, all[i].action);
		assert_string_equal(config_action_name(all[i].action),
				    all[i].name);
		assert_string_equal(cfg.where_on_crash, "guest.hvm:4");
		config_free(&cfg);
	}
	expect_error("name='g'\non_reboot='reboot'\n", "guest.hvm:2: "
		     "on_reboot: expected 'destroy', 'restart', 'preserve', "
		     "'rename-restart', 'coredump-destroy' or "
		     "'coredump-restart', got 'reboot'");
	expect_error("name='g'\non_crash='soft-reset'\n", "guest.hvm:2: "
		     "on_crash: 'soft-reset' (a Xen kexec feature) is not "
		     "supported");
	expect_error("name='g'\non_crash=1\n", "guest.hvm:2: on_crash: "
		     "expected a string, got 1");

	/* what the monitor cannot do yet is said at create time, with the
	 * key's line */
	expect_ok("name='g'\non_poweroff='destroy'\non_reboot='restart'\n");
	assert_int_equal(config_check_monitor_support(&cfg, err, sizeof(err)),
			 0);
	config_free(&cfg);
	/* the monitor writes cores on a reset or a crash */
	expect_ok("name='g'\non_reboot='coredump-restart'\n"
		  "on_crash='coredump-destroy'\n");
	assert_int_equal(config_check_monitor_support(&cfg, err, sizeof(err)),
			 0);
	config_free(&cfg);
	for (size_t i = 2; i < 4; i++) {
		snprintf(text, sizeof(text), "name='g'\n\non_crash='%s'\n",
			 all[i].name);
		expect_ok(text);
		assert_int_equal(config_check_monitor_support(&cfg, err,
							      sizeof(err)),
				 -1);
		snprintf(want, sizeof(want), "guest.hvm:3: on_crash: '%s' is "
			 "not supported by the monitor yet (", all[i].name);
		if (strncmp(err, want, strlen(want)) ||
		    !strstr(err, "): use 'destroy' or 'restart'"))
			fail_msg("%s: got '%s'", all[i].name, err);
		config_free(&cfg);
	}
	expect_ok("name='g'\non_poweroff='preserve'\n");
	assert_int_equal(config_check_monitor_support(&cfg, err, sizeof(err)),
			 -1);
	assert_string_equal(err, "guest.hvm:2: on_poweroff: 'preserve' is not "
			    "supported by the monitor yet (a guest kept "
			    "stopped until destroyed needs the background "
			    "toolstack): use 'destroy' or 'restart'");
	config_free(&cfg);
	expect_ok("name='g'\non_poweroff='coredump-destroy'\n");
	assert_int_equal(config_check_monitor_support(&cfg, err, sizeof(err)),
			 -1);
	assert_string_equal(err, "guest.hvm:2: on_poweroff: 'coredump-destroy' "
			    "is not supported by the monitor yet (the monitor "
			    "does not act on a power off yet): use 'destroy' "
			    "or 'restart'");
	config_free(&cfg);
	/* from the command line: the message says so */
	{
		char *ov[] = { "on_crash=rename-restart" };

		assert_int_equal(parse_with("name='g'\n", ov, 1), 0);
		assert_int_equal(config_check_monitor_support(&cfg, err,
							      sizeof(err)),
				 -1);
		assert_non_null(strstr(err, "command line: on_crash: "
				       "'rename-restart' is not supported"));
	}
}

/* vif entries parse (Xen's examples have one) and the monitor takes them
 * (tests/unit/test_config_vif.c has every form and error). */
static void vif_entries_taken_at_create(void **state)
{
	(void)state;
	expect_ok("name='g'\nvif = [ 'type=ioemu, bridge=xenbr0',\n"
		  "        'mac=00:16:3e:00:00:11' ]\n");
	assert_int_equal(cfg.nr_vifs, 2);
	assert_int_equal(config_check_monitor_support(&cfg, err, sizeof(err)),
			 0);
	config_free(&cfg);
	expect_ok("name='g'\nvif = 'type=ioemu'\n");
	assert_int_equal(cfg.nr_vifs, 1);
	config_free(&cfg);
	expect_ok("name='g'\nvif = [ ]\n");
	assert_int_equal(cfg.nr_vifs, 0);
	assert_int_equal(config_check_monitor_support(&cfg, err, sizeof(err)),
			 0);
	config_free(&cfg);
	expect_error("name='g'\nvif = [ 'type=ioemu',\n 5 ]\n", "guest.hvm:3: "
		     "vif: expected 'k=v, k=v' strings in the list, got 5");
	expect_error("name='g'\nvif = 1\n", "guest.hvm:2: vif: expected a "
		     "list of interfaces, got 1");
}

static void unimplemented_keys_when_on(void **state)
{
	static const char *const lines[] = {
		"usb = 1", "maxvcpus = 2", "cpus = '0-3'",
		"hpet = 1", "timer_mode = 1", "uuid = 'abc'",
		"rtc_timeoffset = 3600",
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
	expect_error_part("name='g'\nusbdevice = 'tablet'\n",
			  "guest.hvm:2: usbdevice: not supported yet");
}

/* The display keys (xen-config.md): defaults, values, and bad input. */
static void display_keys(void **state)
{
	(void)state;
	expect_ok("name='g'\n");
	assert_int_equal(cfg.display.vga, VM_VGA_STD);
	assert_int_equal(cfg.display.videoram_mib, 16);
	assert_false(cfg.display.vnc);
	assert_false(cfg.display.sdl);
	assert_string_equal(cfg.display.vnclisten, "127.0.0.1");
	assert_int_equal(cfg.display.vncdisplay, -1);
	assert_true(cfg.display.vncunused);
	assert_null(cfg.display.vncpasswd);
	assert_string_equal(cfg.display.keymap, "en-us");

	expect_ok("name='g'\nvnc=1\nvnclisten='0.0.0.0:3'\nvncunused=0\n"
		  "vncpasswd='secret'\nsdl=1\nfullscreen=1\nkeymap='de'\n"
		  "videoram=32\nstdvga=1\n");
	assert_true(cfg.display.vnc);
	assert_string_equal(cfg.display.vnclisten, "0.0.0.0");
	assert_int_equal(cfg.display.vncdisplay, 3);
	assert_false(cfg.display.vncunused);
	assert_string_equal(cfg.display.vncpasswd, "secret");
	assert_true(cfg.display.sdl);
	assert_true(cfg.display.fullscreen);
	assert_string_equal(cfg.display.keymap, "de");
	assert_int_equal(cfg.display.videoram_mib, 32);
	assert_string_equal(cfg.display.where_vnc, "guest.hvm:3");

	expect_ok("name='g'\nvga='none'\n");
	assert_int_equal(cfg.display.vga, VM_VGA_NONE);
	expect_ok("name='g'\nnographic=1\n");
	assert_int_equal(cfg.display.vga, VM_VGA_NONE);
	expect_ok("name='g'\nstdvga=0\n");
	assert_int_equal(cfg.display.vga, VM_VGA_STD);
	assert_non_null(strstr(notices_buf, "no Cirrus"));

	expect_error("name='g'\nvideoram=12\n", "guest.hvm:2: videoram: 12 "
		     "MiB: the VRAM size must be a power of two (1, 2, 4 ... "
		     "256)");
	expect_error_part("name='g'\nvideoram=512\n",
			  "guest.hvm:2: videoram: 512 is out of range");
	expect_error("name='g'\nvga='vmware'\n", "guest.hvm:2: vga: expected "
		     "'stdvga' or 'none', got 'vmware'");
	expect_error("name='g'\nvncdisplay=70000\n", "guest.hvm:2: "
		     "vncdisplay: 70000 is out of range (0 to 59635)");
	expect_error("name='g'\nvnclisten='1.2.3.4:x'\n", "guest.hvm:2: "
		     "vnclisten: '1.2.3.4:x' is not ADDRESS or "
		     "ADDRESS:DISPLAY");
	expect_error("name='g'\nkeymap='../x'\n", "guest.hvm:2: keymap: "
		     "'../x' is not a keymap name (e.g. 'en-us', 'de', 'fr')");
	expect_error_part("name='g'\nnographic=1\nvnc=1\n",
			  "vnc: there is no display device to show");
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

/* ---- disks ------------------------------------------------------------- */

/*
 * TEXT with @A @B @C @D (hard disk images), @I (a CD image), @X (an image
 * whose name has a comma) and @R (a directory) replaced by the real paths.
 */
static void subst(const char *text, char *out, size_t size)
{
	size_t n = 0;

	for (const char *p = text; *p; p++) {
		const char *put = NULL;

		if (*p == '@') {
			switch (p[1]) {
			case 'A': put = img_a; break;
			case 'B': put = img_b; break;
			case 'C': put = img_c; break;
			case 'D': put = img_d; break;
			case 'I': put = iso; break;
			case 'X': put = comma_img; break;
			case 'R': put = dir; break;
			}
		}
		if (put) {
			n += snprintf(out + n, size - n, "%s", put);
			p++;
		} else {
			n += snprintf(out + n, size - n, "%c", *p);
		}
		assert_true(n < size);
	}
	out[n] = '\0';
}

/* "name='g'\ndisk = [ 'ENTRY' ]\n", paths substituted */
static int parse_disk(const char *entry)
{
	char text[1024], line[1024];

	snprintf(line, sizeof(line), "name='g'\ndisk = [ '%s' ]\n", entry);
	subst(line, text, sizeof(text));
	return parse(text);
}

static void expect_disk_error(const char *entry, const char *message)
{
	char want[1024];

	subst(message, want, sizeof(want));
	if (parse_disk(entry) == 0)
		fail_msg("'%s' was accepted", entry);
	if (strcmp(err, want))
		fail_msg("'%s': expected\n  %s\ngot\n  %s", entry, want, err);
}

static void assert_disk(const struct vm_disk *d, const char *path,
			enum vm_disk_media media, bool ro, unsigned ide,
			const char *vdev)
{
	if (path)
		assert_string_equal(d->path, path);
	else
		assert_null(d->path);
	assert_int_equal(d->media, media);
	assert_int_equal(d->read_only, ro);
	assert_int_equal(d->ide_index, ide);
	assert_string_equal(d->vdev, vdev);
}

static void disk_xm_list(void **state)
{
	char text[1024];

	(void)state;
	subst("name = 'g'\n"
	      "disk = [ 'file:@A,hda,w',\n"
	      "         'file:@I,hdc:cdrom,r',\n"
	      "         ',hdd:cdrom,r',\n"
	      "         'phy:@B,hdb,w' ]\n"
	      "boot = 'dc'\n", text, sizeof(text));
	expect_ok(text);
	assert_int_equal(cfg.nr_disks, 4);
	assert_disk(&cfg.disks[0], img_a, VM_DISK_HD, false, 0, "hda");
	assert_disk(&cfg.disks[1], iso, VM_DISK_CDROM, true, 2, "hdc");
	assert_disk(&cfg.disks[2], NULL, VM_DISK_CDROM, true, 3, "hdd");
	assert_disk(&cfg.disks[3], img_b, VM_DISK_HD, false, 1, "hdb");
	/* each entry is placed on its own line */
	assert_string_equal(cfg.disks[0].where, "guest.hvm:2");
	assert_string_equal(cfg.disks[1].where, "guest.hvm:3");
	assert_string_equal(cfg.disks[2].where, "guest.hvm:4");
	assert_string_equal(cfg.disks[3].where, "guest.hvm:5");
	assert_string_equal(cfg.boot, "dc");
	assert_int_equal(notices_len, 0);
}

/* One entry each: the forms of xm and xl that mean the same kinds of disk. */
static void disk_accepted_forms(void **state)
{
	static const struct {
		const char *entry;
		char path;             /* 'A' img_a, 'I' iso, 'X', 0: none */
		enum vm_disk_media media;
		bool ro;
		unsigned ide;
		const char *vdev;
	} t[] = {
		/* xm: TARGET,VDEV[:cdrom],MODE with its prefixes */
		{ "file:@A,hda,w", 'A', VM_DISK_HD, false, 0, "hda" },
		{ "phy:@A,hdb,w", 'A', VM_DISK_HD, false, 1, "hdb" },
		{ "tap:aio:@A,hda,w", 'A', VM_DISK_HD, false, 0, "hda" },
		{ "tap2:tapdisk:aio:@A,hdd,w", 'A', VM_DISK_HD, false, 3,
		  "hdd" },
		{ "aio:@A,hda,r", 'A', VM_DISK_HD, true, 0, "hda" },
		{ "ioemu:@A,hda,rw", 'A', VM_DISK_HD, false, 0, "hda" },
		{ "raw:@A,hda,ro", 'A', VM_DISK_HD, true, 0, "hda" },
		{ "@A,hda,w", 'A', VM_DISK_HD, false, 0, "hda" },
		{ "@A,xvdb,w", 'A', VM_DISK_HD, false, 1, "xvdb" },
		{ "file:@I,hdc:cdrom,r", 'I', VM_DISK_CDROM, true, 2, "hdc" },
		{ "@I,hdc:cdrom,ro", 'I', VM_DISK_CDROM, true, 2, "hdc" },
		{ "file:@A,hda:disk,w", 'A', VM_DISK_HD, false, 0, "hda" },
		{ ",hdc:cdrom,r", 0, VM_DISK_CDROM, true, 2, "hdc" },
		{ "phy:,hdc:cdrom,r", 0, VM_DISK_CDROM, true, 2, "hdc" },
		{ " file:@A , hda , w ", 'A', VM_DISK_HD, false, 0, "hda" },
		/* xl positional: target, format, vdev, access */
		{ "@A,,hda", 'A', VM_DISK_HD, false, 0, "hda" },
		{ "@A,raw,hda,rw", 'A', VM_DISK_HD, false, 0, "hda" },
		{ "@A,raw,xvdc,ro", 'A', VM_DISK_HD, true, 2, "xvdc" },
		{ "@I,,hdc,cdrom", 'I', VM_DISK_CDROM, true, 2, "hdc" },
		{ "@I,,hdc,,cdrom", 'I', VM_DISK_CDROM, true, 2, "hdc" },
		{ "@I,raw,hdc,devtype=cdrom", 'I', VM_DISK_CDROM, true, 2,
		  "hdc" },
		/* xl keys; target= last, taking commas */
		{ "format=raw, vdev=hda, access=rw, target=@X", 'X',
		  VM_DISK_HD, false, 0, "hda" },
		{ "format=raw, vdev=hdb, access=ro, target=@A", 'A',
		  VM_DISK_HD, true, 1, "hdb" },
		{ "vdev=hda, target=@A,", 'A', VM_DISK_HD, false, 0, "hda" },
		{ "format=raw, vdev=hdc, access=ro, devtype=cdrom, target=@I",
		  'I', VM_DISK_CDROM, true, 2, "hdc" },
		{ "vdev=hdc, cdrom, target=@I", 'I', VM_DISK_CDROM, true, 2,
		  "hdc" },
		{ "vdev=hdd, devtype=cdrom", 0, VM_DISK_CDROM, true, 3,
		  "hdd" },
		{ "format=empty, vdev=hdd, cdrom", 0, VM_DISK_CDROM, true, 3,
		  "hdd" },
		{ "backendtype=qdisk, vdev=hda, target=@A", 'A', VM_DISK_HD,
		  false, 0, "hda" },
		{ "backendtype=phy,vdev=hda,target=@A", 'A', VM_DISK_HD,
		  false, 0, "hda" },
		{ "backendtype=tap, discard, direct-io-safe, vdev=xvda, "
		  "specification=xen, target=@A", 'A', VM_DISK_HD, false, 0,
		  "xvda" },
		{ "@A,hda,w,devtype=disk", 'A', VM_DISK_HD, false, 0, "hda" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *path = t[i].path == 'A' ? img_a :
				   t[i].path == 'I' ? iso :
				   t[i].path == 'X' ? comma_img : NULL;

		if (parse_disk(t[i].entry))
			fail_msg("'%s': %s", t[i].entry, err);
		assert_int_equal(cfg.nr_disks, 1);
		assert_disk(&cfg.disks[0], path, t[i].media, t[i].ro,
			    t[i].ide, t[i].vdev);
		assert_string_equal(cfg.disks[0].where, "guest.hvm:2");
		config_free(&cfg);
	}
}

/* Paths are kept as written: relative ones are the monitor's cwd's. */
static void disk_relative_path(void **state)
{
	char cwd[4096];
	int r;

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(dir), 0);
	r = parse("name='g'\n"
		  "disk = [ 'file:a.img,hda,w', 'cd.iso,hdc:cdrom,r' ]\n");
	assert_int_equal(chdir(cwd), 0);
	if (r)
		fail_msg("%s", err);
	assert_disk(&cfg.disks[0], "a.img", VM_DISK_HD, false, 0, "hda");
	assert_disk(&cfg.disks[1], "cd.iso", VM_DISK_CDROM, true, 2, "hdc");
}

static void disk_overrides_and_forms_of_the_value(void **state)
{
	char text[512], ov1[256], ov2[256], ovbad[256];
	char *one[] = { ov1 }, *list[] = { ov2 }, *bad[] = { ovbad };

	(void)state;
	subst("name='g'\ndisk = [ 'file:@A,hda,w', 'file:@B,hdb,w' ]\n",
	      text, sizeof(text));
	/* a bare word: one entry, replacing the file's list */
	subst("disk=file:@C,hdb,w", ov1, sizeof(ov1));
	if (parse_with(text, one, 1))
		fail_msg("%s", err);
	assert_int_equal(cfg.nr_disks, 1);
	assert_disk(&cfg.disks[0], img_c, VM_DISK_HD, false, 1, "hdb");
	assert_string_equal(cfg.disks[0].where, "command line");
	config_free(&cfg);
	/* a list, quoted as in the file */
	subst("disk=[ 'file:@D,hda,r', ',hdc:cdrom,r' ]", ov2, sizeof(ov2));
	if (parse_with(text, list, 1))
		fail_msg("%s", err);
	assert_int_equal(cfg.nr_disks, 2);
	assert_disk(&cfg.disks[0], img_d, VM_DISK_HD, true, 0, "hda");
	assert_disk(&cfg.disks[1], NULL, VM_DISK_CDROM, true, 2, "hdc");
	config_free(&cfg);
	/* errors name the command line */
	snprintf(ovbad, sizeof(ovbad), "disk=file:/no/x.img,hda,w");
	assert_int_equal(parse_with(text, bad, 1), -1);
	assert_string_equal(err, "command line: disk: 'file:/no/x.img,hda,w': "
			    "/no/x.img: No such file or directory");
	/* and the command line can take the disks away */
	snprintf(ovbad, sizeof(ovbad), "disk=[]");
	if (parse_with(text, bad, 1))
		fail_msg("%s", err);
	assert_int_equal(cfg.nr_disks, 0);
	config_free(&cfg);
	/* in the file, one string is a list of one */
	subst("name='g'\ndisk = 'file:@A,hdd,w'\n", text, sizeof(text));
	expect_ok(text);
	assert_int_equal(cfg.nr_disks, 1);
	assert_disk(&cfg.disks[0], img_a, VM_DISK_HD, false, 3, "hdd");
	assert_string_equal(cfg.disks[0].where, "guest.hvm:2");
	config_free(&cfg);
	expect_error("name='g'\ndisk = 5\n", "guest.hvm:2: disk: expected a "
		     "list of disks, got 5");
	expect_error("name='g'\ndisk = [\n 5 ]\n", "guest.hvm:3: disk: "
		     "expected 'TARGET,VDEV,MODE' strings in the list, got 5");
}

/* A long file name loses its start, not its line, in where[]. */
static void disk_where_keeps_the_line(void **state)
{
	char text[256], source[200];
	size_t n;

	(void)state;
	memset(source, 'x', sizeof(source) - 5);
	snprintf(source + sizeof(source) - 5, 5, ".hvm");
	subst("name='g'\n\ndisk = [ 'file:@A,hda,w' ]\n", text, sizeof(text));
	if (config_parse_string(text, source, NULL, 0, &host, &cfg, err,
				sizeof(err)))
		fail_msg("%s", err);
	n = strlen(cfg.disks[0].where);
	assert_int_equal(n, sizeof(cfg.disks[0].where) - 1);
	assert_memory_equal(cfg.disks[0].where, "...xxx", 6);
	assert_string_equal(cfg.disks[0].where + n - 6, ".hvm:3");
}

static void disk_errors(void **state)
{
	static const struct { const char *entry, *message; } t[] = {
		/* files */
		{ "file:/no/such.img,hda,w", "/no/such.img: No such file or "
		  "directory" },
		{ "format=raw, vdev=hda, target=/no/x,y.img", "/no/x,y.img: "
		  "No such file or directory" },
		{ "file:@R,hda,w", "@R: is a directory" },
		{ "phy:/dev/null,hda,w", "/dev/null: not a regular file or "
		  "block device" },
		/* vdevs */
		{ "file:@A,xyz,w", "bad vdev 'xyz' (expected hda-hdd or "
		  "xvda-xvdd)" },
		{ "file:@A,hda1,w", "bad vdev 'hda1' (expected hda-hdd or "
		  "xvda-xvdd)" },
		{ "file:@A,sda,w", "sda: vmm has no emulated SCSI controller: "
		  "use hda-hdd" },
		{ "vdev=sdb, target=@A", "sdb: vmm has no emulated SCSI "
		  "controller: use hda-hdd" },
		{ "@A,vda,w", "vda: virtio-blk is not available yet: use "
		  "hda-hdd" },
		{ "file:@A,hde,w", "hde: beyond the four IDE drives (hda-hdd, "
		  "or xvda-xvdd)" },
		{ "file:@A,xvde,w", "xvde: beyond the four IDE drives "
		  "(hda-hdd, or xvda-xvdd)" },
		{ "file:@A", "no vdev (the drive: hda-hdd)" },
		{ "vdev=hda, vdev=hdb, target=@A", "vdev given twice ('hda' "
		  "and 'hdb')" },
		{ "file:@A,hdc:floppy,r", "unknown device type ':floppy' "
		  "(:cdrom or :disk)" },
		{ "devtype=floppy, vdev=hda, target=@A", "unknown devtype "
		  "'floppy' (cdrom or disk)" },
		/* media and modes */
		{ "file:@I,hdc:cdrom,w", "hdc: a CD-ROM is read-only: use "
		  "mode r" },
		{ "vdev=hdc, devtype=cdrom, access=rw, target=@I", "hdc: a "
		  "CD-ROM is read-only: use mode r" },
		{ ",hda,w", "hda: no image: only a CD-ROM drive may be empty "
		  "(hda:cdrom)" },
		{ "vdev=hdb", "hdb: no image: only a CD-ROM drive may be "
		  "empty (hdb:cdrom)" },
		{ "file:,hda,w", "hda: no image: only a CD-ROM drive may be "
		  "empty (hda:cdrom)" },
		{ "file:@A,hda,rx", "bad mode 'rx' (r, ro, w or rw)" },
		{ "file:@A,hda,w!", "mode 'w!' (xm's forced sharing) is not "
		  "supported: use r or w" },
		{ "vdev=hda, access=r!, target=@A", "mode 'r!' (xm's forced "
		  "sharing) is not supported: use r or w" },
		{ "file:@A,hda,w,extra", "too many positional parameters at "
		  "'extra'" },
		/* formats and what we don't do */
		{ "format=qcow2, vdev=hda, target=@A", "format qcow2: only raw "
		  "images are supported" },
		{ "@A,qcow2,hda,w", "format qcow2: only raw images are "
		  "supported" },
		{ "qcow2:@A,hda,w", "format qcow2: only raw images are "
		  "supported" },
		{ "tap:qcow:@A,hda,w", "format qcow: only raw images are "
		  "supported" },
		{ "tap:vhd:@A,hda,w", "format vhd: only raw images are "
		  "supported" },
		{ "@A,cow,hda,w", "unknown format 'cow' (only raw images are "
		  "supported)" },
		{ "format=empty, vdev=hdc, cdrom, target=@I", "format=empty "
		  "with a target" },
		{ "vdev=hda, colour=red, target=@A", "unknown parameter "
		  "'colour='" },
		{ "vdev=hda, Bad=1, target=@A", "bad disk syntax at 'Bad=1'" },
		{ "script=block-iscsi, vdev=hda, target=iqn.x", "script="
		  "block-iscsi: block scripts are not supported (give an "
		  "image file or a block device)" },
		{ "iscsi:iqn.x,hda,w", "iscsi: block scripts (block-iscsi) are "
		  "not supported (give an image file or a block device)" },
		{ "nfs:/srv/x.img,hda,w", "unknown prefix 'nfs:' (file:, phy:, "
		  "tap:aio: or none)" },
		{ "backendtype=blktap, vdev=hda, target=@A", "unknown "
		  "backendtype 'blktap' (phy, tap or qdisk)" },
		{ "backend=dd1, vdev=hda, target=@A", "backend=dd1: driver "
		  "domains are a Xen feature, not supported" },
		{ "specification=virtio, vdev=hda, target=@A",
		  "specification=virtio: virtio-blk is not available yet" },
		{ "colo, vdev=hda, target=@A", "colo: COLO replication is not "
		  "supported" },
	};
	char entry[256], want[768];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(want, sizeof(want), "guest.hvm:2: disk: '%s': %s",
			 t[i].entry, t[i].message);
		expect_disk_error(t[i].entry, want);
	}
	/* a target with a comma only works as target= */
	snprintf(entry, sizeof(entry), "file:%s,hda,w", comma_img);
	assert_int_equal(parse_disk(entry), -1);
	snprintf(want, sizeof(want), "guest.hvm:2: disk: '%s': bad mode 'hda' "
		 "(r, ro, w or rw)", entry);
	assert_string_equal(err, want);
}

/* Errors across entries name the entry's own line and the other one. */
static void disk_errors_between_entries(void **state)
{
	char text[1024], want[512];

	(void)state;
	subst("name='g'\n"
	      "disk = [ 'file:@A,hda,w',\n"
	      "         'file:@B,xvda,w' ]\n", text, sizeof(text));
	subst("guest.hvm:3: disk: 'file:@B,xvda,w': xvda is the same IDE "
	      "drive (primary master) as hda (guest.hvm:2)", want,
	      sizeof(want));
	expect_error(text, want);
	subst("name='g'\n"
	      "disk = [ 'file:@A,hda,w', 'file:@B,hdb,w',\n"
	      "         ',hdc:cdrom,r', 'file:@D,hdd,w',\n"
	      "         'file:@C,hda,w' ]\n", text, sizeof(text));
	subst("guest.hvm:4: disk: 'file:@C,hda,w': more than 4 disks: the PC "
	      "has four IDE drives (hda-hdd)", want, sizeof(want));
	expect_error(text, want);
	/* the first bad entry is reported, on its line */
	subst("name='g'\n"
	      "disk = [\n"
	      "  'file:@A,hda,w',\n"
	      "  'file:/gone.iso,hdc:cdrom,r',\n"
	      "  'file:@B,sda,w',\n"
	      "]\n", text, sizeof(text));
	expect_error(text, "guest.hvm:4: disk: 'file:/gone.iso,hdc:cdrom,r': "
		     "/gone.iso: No such file or directory");
}

/* Mode w needs a writable image (root may write anything: skipped). */
static void disk_read_only_image(void **state)
{
	char path[160], want[512];

	(void)state;
	if (geteuid() == 0)
		skip();
	snprintf(path, sizeof(path), "%s/ro.img", dir);
	write_file(path, "ro");
	assert_int_equal(chmod(path, 0444), 0);
	assert_int_equal(parse_disk("file:@R/ro.img,hda,r"), 0);
	config_free(&cfg);
	snprintf(want, sizeof(want), "guest.hvm:2: disk: 'file:@R/ro.img,"
		 "hda,w': @R/ro.img: not writable (Permission denied): use "
		 "mode r for a read-only disk");
	expect_disk_error("file:@R/ro.img,hda,w", want);
}

/* ---- every failure says why -------------------------------------------- */

/*
 * Each way the parser can refuse a config, as a file text (paths as in
 * subst()) and optionally one command-line override. Whatever the path,
 * config_parse_string() must leave a message in the error buffer: a path
 * returning -1 without writing it made `vmm create` print just "vmm: "
 * (issue 19: the empty override "x=").
 */
static const struct { const char *text, *override; } failing[] = {
	/* lexing and statements */
	{ "name = 'g\n", NULL },                    /* unterminated string */
	{ "name = \"g\n", NULL },
	{ "name='g'\nmemory = 12abc\n", NULL },     /* bad number */
	{ "name='g'\nmemory = 010\n", NULL },
	{ "name='g'\nmemory = 1.5\n", NULL },
	{ "name='g'\nmemory = -\n", NULL },
	{ "name='g'\nmemory = 99999999999999999999\n", NULL }, /* range */
	{ "name =\n", NULL },                       /* missing value */
	{ "name = # comment\n", NULL },
	{ "name =", NULL },
	{ "name = g\n", NULL },                     /* a Python name */
	{ "name = @\n", NULL },
	{ "disk = [ 'a',\n 'b'\n", NULL },          /* list not closed */
	{ "disk = [", NULL },
	{ "disk = [ [ 'a' ] ]\n", NULL },           /* nested list */
	{ "disk = [ 'a' 'b' ]\n", NULL },           /* no comma */
	{ "disk = [ 'a', x ]\n", NULL },            /* bad item */
	{ "name = 'g' 'h'\n", NULL },               /* after the value */
	{ "name = 'g'; x\n", NULL },
	{ "= 'g'\n", NULL },                        /* no key */
	{ "1name = 'g'\n", NULL },
	{ "import os\n", NULL },                    /* Python keyword */
	{ "name 'g'\n", NULL },                     /* no '=' */
	{ "name == 'g'\n", NULL },
	{ "name", NULL },
	{ "name = 'g'\nname = 'h'\n", NULL },       /* set twice */
	/* overrides */
	{ "name='g'\n", "memory" },                 /* no '=' */
	{ "name='g'\n", "=5" },                     /* no key */
	{ "name='g'\n", "9x=5" },
	{ "name='g'\n", "me-mory=5" },
	{ "name='g'\n", "" },
	{ "name='g'\n", "memory=12abc" },
	{ "name='g'\n", "memory=-" },
	{ "name='g'\n", "memory=5 6" },
	{ "name='g'\n", "name='g" },
	{ "name='g'\n", "name=\"g" },
	{ "name='g'\n", "disk=['a'" },
	{ "name='g'\n", "disk=[[" },
	{ "name='g'\n", "memory=lots" },
	{ "name='g'\n", "colour=blue" },
	{ "name='g'\n", "x=" },                     /* empty: a string */
	{ "name='g'\n", "name=" },
	{ "name='g'\n", "memory=" },
	{ "name='g'\n", "keymap=" },
	{ "name='g'\n", "vnclisten=" },
	{ "name='g'\n", "boot=" },
	/* keys */
	{ "name='g'\ncolour = 'blue'\n", NULL },    /* unknown key */
	{ "name = 5\n", NULL },                     /* want_type */
	{ "name = [ ]\n", NULL },
	{ "name='g'\nmemory = 'lots'\n", NULL },
	{ "name='g'\nmemory = 0\n", NULL },         /* get_int range */
	{ "name='g'\nacpi = 'yes'\n", NULL },       /* get_bool */
	{ "name='g'\napic = 2\n", NULL },
	{ "name = ''\n", NULL },                    /* key_name */
	{ "name = 'a/b'\n", NULL },
	{ "name = '.g'\n", NULL },
	{ "name='g'\nbuilder = 'pv'\n", NULL },
	{ "name='g'\ntype = 5\n", NULL },
	{ "name='g'\nvcpus = 2\n", NULL },
	{ "name='g'\nvcpus = 0\n", NULL },
	{ "name='g'\nkernel = 5\n", NULL },
	{ "name='g'\nramdisk = 5\n", NULL },
	{ "name='g'\nextra = 'a'\ncmdline = 'b'\n", NULL },
	{ "name='g'\nextra = 5\n", NULL },
	{ "name='g'\nroot = 5\n", NULL },
	{ "name='g'\nboot = ''\n", NULL },
	{ "name='g'\nboot = 'cx'\n", NULL },
	{ "name='g'\nboot = 'cdcdcdcd'\n", NULL },
	{ "name='g'\nboot = 'cdc'\n", NULL },
	{ "name='g'\nboot = 5\n", NULL },
	{ "name='g'\nserial = [ 'pty', 'pty' ]\n", NULL },
	{ "name='g'\nserial = 5\n", NULL },
	{ "name='g'\nserial = [ 5 ]\n", NULL },
	{ "name='g'\nserial = 'file:'\n", NULL },
	{ "name='g'\nserial = 'tcp:1'\n", NULL },
	{ "name='g'\non_poweroff = 'soft-reset'\n", NULL },
	{ "name='g'\non_reboot = 'explode'\n", NULL },
	{ "name='g'\non_crash = 5\n", NULL },
	{ "name='g'\npae = 3\n", NULL },
	{ "name='g'\nlocaltime = 'x'\n", NULL },
	{ "name='g'\nnographic = -1\n", NULL },
	{ "name='g'\naccel = 'tcg'\n", NULL },
	{ "name='g'\naccel = 1\n", NULL },
	{ "name='g'\nbios_path_override = 1\n", NULL },
	{ "name='g'\nboot_fail_wait = -2\n", NULL },
	{ "name='g'\nboot_fail_wait = 86401\n", NULL },
	{ "name='g'\nboot_fail_wait = 4294968\n", NULL },
	{ "name='g'\nboot_fail_wait = 'x'\n", NULL },
	{ "name='g'\nvif = [ 5 ]\n", NULL },
	{ "name='g'\nhpet = 1\n", NULL },
	{ "name='g'\nmaxvcpus = 2\n", NULL },
	{ "name='g'\nvnc = 2\n", NULL },
	{ "name='g'\nsdl = 'x'\n", NULL },
	{ "name='g'\nvnclisten = ''\n", NULL },
	{ "name='g'\nvnclisten = 5\n", NULL },
	{ "name='g'\nvnclisten = '1.2.3.4:x'\n", NULL },
	{ "name='g'\nvnclisten = ':1'\n", NULL },
	{ "name='g'\nvnclisten = '1.2.3.4:99999'\n", NULL },
	{ "name='g'\nvncdisplay = -1\n", NULL },
	{ "name='g'\nvncunused = 2\n", NULL },
	{ "name='g'\nvncpasswd = 5\n", NULL },
	{ "name='g'\nvncconsole = 2\n", NULL },
	{ "name='g'\nopengl = 'x'\n", NULL },
	{ "name='g'\nfullscreen = 2\n", NULL },
	{ "name='g'\nkeymap = '../x'\n", NULL },
	{ "name='g'\nkeymap = ''\n", NULL },
	{ "name='g'\nkeymap = 5\n", NULL },
	{ "name='g'\nstdvga = 2\n", NULL },
	{ "name='g'\nvga = 'cga'\n", NULL },
	{ "name='g'\nvga = 5\n", NULL },
	{ "name='g'\nvideoram = 12\n", NULL },
	{ "name='g'\nvideoram = 512\n", NULL },
	{ "name='g'\nvideoram = 'x'\n", NULL },
	{ "name='g'\nusbdevice = 'tablet'\n", NULL },
	{ "name='g'\nmaxmem = 'x'\n", NULL },
	{ "name='g'\nmaxmem = -1\n", NULL },
	/* disks */
	{ "name='g'\ndisk = 5\n", NULL },
	{ "name='g'\ndisk = [ 5 ]\n", NULL },
	{ "name='g'\ndisk = [ '@A,hda,w', '@B,hdb,w', '@C,hdc,w', '@D,hdd,w',"
	  " ',hde:cdrom,r' ]\n", NULL },
	{ "name='g'\ndisk = [ '@A,hde,w' ]\n", NULL },
	{ "name='g'\ndisk = [ '@A,sda,w' ]\n", NULL },
	{ "name='g'\ndisk = [ '@A,vda,w' ]\n", NULL },
	{ "name='g'\ndisk = [ '@A,raw,fd0,w' ]\n", NULL },
	{ "name='g'\ndisk = [ '@A,raw,hda,w,x' ]\n", NULL },
	{ "name='g'\ndisk = [ 'vdev=hda,vdev=hdb,target=@A' ]\n", NULL },
	{ "name='g'\ndisk = [ '@A,vdev=hda,target=@B' ]\n", NULL },
	{ "name='g'\ndisk = [ '@A,qcow2,hda,w' ]\n", NULL },
	{ "name='g'\ndisk = [ '@A,vmdk,hda,w' ]\n", NULL },
	{ "name='g'\ndisk = [ '@A,raw,hda,w!' ]\n", NULL },
	{ "name='g'\ndisk = [ '@A,raw,hda,rw+' ]\n", NULL },
	{ "name='g'\ndisk = [ '@A,raw,hda:tape,w' ]\n", NULL },
	{ "name='g'\ndisk = [ '@A,devtype=tape,vdev=hda' ]\n", NULL },
	{ "name='g'\ndisk = [ '@A,backendtype=nfs,vdev=hda' ]\n", NULL },
	{ "name='g'\ndisk = [ '@A,specification=virtio,vdev=hda' ]\n", NULL },
	{ "name='g'\ndisk = [ '@A,specification=x,vdev=hda' ]\n", NULL },
	{ "name='g'\ndisk = [ '@A,backend=dom1,vdev=hda' ]\n", NULL },
	{ "name='g'\ndisk = [ '@A,script=block-x,vdev=hda' ]\n", NULL },
	{ "name='g'\ndisk = [ '@A,colo-host=h,vdev=hda' ]\n", NULL },
	{ "name='g'\ndisk = [ '@A,colour=red,vdev=hda' ]\n", NULL },
	{ "name='g'\ndisk = [ '@A,colo,vdev=hda' ]\n", NULL },
	{ "name='g'\ndisk = [ 'iscsi:x,hda,w' ]\n", NULL },
	{ "name='g'\ndisk = [ 'nfs:/x,hda,w' ]\n", NULL },
	{ "name='g'\ndisk = [ 'qcow:@A,hda,w' ]\n", NULL },
	{ "name='g'\ndisk = [ '@A,Bad=1,hda' ]\n", NULL },
	{ "name='g'\ndisk = [ '@A' ]\n", NULL },     /* no vdev */
	{ "name='g'\ndisk = [ '@A,format=empty,vdev=hdc,cdrom' ]\n", NULL },
	{ "name='g'\ndisk = [ ',raw,hda,w' ]\n", NULL }, /* no image */
	{ "name='g'\ndisk = [ '@I,raw,hdc:cdrom,w' ]\n", NULL },
	{ "name='g'\ndisk = [ '@A,raw,hda,w', '@B,raw,xvda,w' ]\n", NULL },
	{ "name='g'\ndisk = [ '/no/such.img,raw,hda,w' ]\n", NULL },
	{ "name='g'\ndisk = [ '@R,raw,hda,w' ]\n", NULL },
	{ "name='g'\n", "disk=/no/such.img,hda,w" },
	/* whole-config checks */
	{ "memory = 64\n", NULL },                  /* no name */
	{ "name='g'\nramdisk = '@A'\n", NULL },     /* orphans */
	{ "name='g'\nextra = 'quiet'\n", NULL },
	{ "name='g'\nroot = '/dev/sda'\n", NULL },
	{ "name='g'\nmemory = 128\nmaxmem = 512\n", NULL },
	{ "name='g'\nnographic = 1\nvnc = 1\n", NULL },
	{ "name='g'\nvga = 'none'\nsdl = 1\n", NULL },
	{ "name='g'\nbios_path_override = '/no/bios.bin'\n", NULL },
	{ "name='g'\nbios_path_override = '@R'\n", NULL },
	{ "name='g'\nkernel = '/no/vmlinuz'\n", NULL },
	{ "name='g'\nkernel = '@A'\nramdisk = '/no/initrd'\n", NULL },
	{ "name='g'\nmemory = 4096\n", NULL },      /* more than the host */
	{ "name='g'\n", "kernel=/no/vmlinuz" },
	{ "name='g'\n", "bios_path_override=/no/bios.bin" },
};

static const char sentinel[] = "\001untouched sentinel";

static void prefill_err(void)
{
	memset(err, 'S', sizeof(err));
	memcpy(err, sentinel, sizeof(sentinel));
}

/* After a refusal: a message of its own, a string that ends in err[]. */
static void check_message(const char *what)
{
	if (!memchr(err, '\0', sizeof(err)))
		fail_msg("%s: the message is not terminated", what);
	if (!strcmp(err, sentinel))
		fail_msg("%s: refused without writing the message", what);
	if (!err[0])
		fail_msg("%s: refused with an empty message", what);
}

static void every_failure_writes_the_message(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(failing) / sizeof(failing[0]); i++) {
		char text[1024], what[1200];
		char *ov[] = { (char *)failing[i].override };
		int n_ov = failing[i].override ? 1 : 0;

		subst(failing[i].text, text, sizeof(text));
		snprintf(what, sizeof(what), "entry %zu ('%s'%s%s)", i,
			 failing[i].text, n_ov ? " with " : "",
			 n_ov ? failing[i].override : "");
		/* x=, name= ... with an empty value: refused below, or by the
		 * key itself; never with the message left out */
		prefill_err();
		if (parse_with(text, ov, n_ov) == 0)
			fail_msg("%s: accepted", what);
		check_message(what);
		config_free(&cfg);
	}
}

/* config_load's own refusals, and the default memory against a small
 * host. */
static void every_failure_writes_the_message_load(void **state)
{
	char path[160], small[160];
	FILE *f;

	(void)state;
	prefill_err();
	assert_int_equal(config_load("/no/such.hvm", NULL, 0, &cfg, err,
				     sizeof(err)), -1);
	check_message("a missing file");
	snprintf(path, sizeof(path), "%s/nul.hvm", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fwrite("name='g'\n\0\n", 1, 11, f);
	fclose(f);
	prefill_err();
	assert_int_equal(config_load(path, NULL, 0, &cfg, err, sizeof(err)),
			 -1);
	check_message("a file with a NUL");
	assert_non_null(strstr(err, "not a text file"));
	prefill_err();
	assert_int_equal(config_load(dir, NULL, 0, &cfg, err, sizeof(err)),
			 -1);
	check_message("a directory");

	snprintf(small, sizeof(small), "%s/small-meminfo", dir);
	write_file(small, "MemAvailable:      65536 kB\n");   /* 64 MiB */
	host.meminfo_path = small;
	prefill_err();
	assert_int_equal(parse("name='g'\n"), -1);
	check_message("the default memory on a small host");
	assert_non_null(strstr(err, "memory: the default 128 MiB"));
	host.meminfo_path = meminfo;
	host.default_bios = "/no/default/bios.bin";
	prefill_err();
	assert_int_equal(parse("name='g'\n"), -1);
	check_message("a missing default BIOS");
}

/* "x=" is the key x set to '' (as xl's x=""), then judged by the key. */
static void empty_override_is_an_empty_string(void **state)
{
	char *unknown[] = { "x=" };
	char *passwd[] = { "vncpasswd=" };
	char *name[] = { "name=" };
	char *memory[] = { "memory=" };
	char *disk[] = { "disk=" };

	(void)state;
	prefill_err();
	assert_int_equal(parse_with("name='g'\n", unknown, 1), -1);
	assert_string_equal(err, "command line: x: unknown key");
	prefill_err();
	assert_int_equal(parse_with("name='g'\n", name, 1), -1);
	assert_string_equal(err, "command line: name: '' is not a usable "
			    "guest name (not empty, no '/', not starting "
			    "with '.')");
	prefill_err();
	assert_int_equal(parse_with("name='g'\n", memory, 1), -1);
	assert_string_equal(err, "command line: memory: expected an integer "
			    "(MiB), got '' (not a number)");
	/* where '' means "none" it is accepted */
	if (parse_with("name='g'\nvncpasswd='old'\n", passwd, 1))
		fail_msg("vncpasswd=: %s", err);
	assert_null(cfg.display.vncpasswd);
	config_free(&cfg);
	if (parse_with("name='g'\ndisk=[ '@A,hda,w' ]\n", disk, 1))
		fail_msg("disk=: %s", err);
	assert_int_equal(cfg.nr_disks, 0);
}

/* boot_fail_wait * 1000 is SeaBIOS's u32 of milliseconds: bounded to a
 * day, so that it cannot wrap (4294968 s once became 704 ms). */
static void boot_fail_wait_bounded(void **state)
{
	(void)state;
	expect_ok("name='g'\nboot_fail_wait = 86400\n");
	assert_int_equal(cfg.boot_fail_wait, 86400);
	assert_true((uint64_t)cfg.boot_fail_wait * 1000 <= UINT32_MAX);
	config_free(&cfg);
	expect_ok("name='g'\nboot_fail_wait = 0\n");
	assert_int_equal(cfg.boot_fail_wait, 0);
	config_free(&cfg);
	expect_ok("name='g'\nboot_fail_wait = -1\n");
	assert_int_equal(cfg.boot_fail_wait, -1);
	config_free(&cfg);
	expect_error("name='g'\nboot_fail_wait = 86401\n", "guest.hvm:2: "
		     "boot_fail_wait: 86401 is out of range (-1 to 86400)");
	expect_error("name='g'\nboot_fail_wait = 4294968\n", "guest.hvm:2: "
		     "boot_fail_wait: 4294968 is out of range (-1 to 86400)");
	expect_error("name='g'\nboot_fail_wait = 2147483647\n", "guest.hvm:2: "
		     "boot_fail_wait: 2147483647 is out of range (-1 to "
		     "86400)");
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

		/* Xen's own examples have their own tests (xen_example) */
		if (!strncmp(e->d_name, "xmexample-", 10))
			continue;
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
		T(quoted_numbers),
		T(syntax_errors),
		T(python_subset_evaluated),
		T(python_beyond_subset_refused),
		T(xen_3_3_example),
		T(xen_3_4_example),
		T(deep_nesting_refused),
		T(fuzz_parser),
		T(key_errors),
		T(actions),
		T(vif_entries_taken_at_create),
		T(unimplemented_keys_when_on),
		T(display_keys),
		T(files_must_exist),
		T(boot_pieces_need_kernel),
		T(memory_against_host),
		T(disk_xm_list),
		T(disk_accepted_forms),
		T(disk_relative_path),
		T(disk_overrides_and_forms_of_the_value),
		T(disk_where_keeps_the_line),
		T(disk_errors),
		T(disk_errors_between_entries),
		T(disk_read_only_image),
		T(every_failure_writes_the_message),
		T(every_failure_writes_the_message_load),
		T(empty_override_is_an_empty_string),
		T(boot_fail_wait_bounded),
		T(load_from_file),
		T(example_configs),
#undef T
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
