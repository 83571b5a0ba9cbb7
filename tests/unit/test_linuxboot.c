// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of direct Linux boot planning (vmm/linuxboot.c): a synthetic
 * bzImage built here, and Debian's real kernel when the checkout has one.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glob.h>
#include <cmocka.h>

#include "vmm/linuxboot.h"

#define MiB (1u << 20)
#define SETUP_SECTS 7
#define SETUP_SIZE ((SETUP_SECTS + 1) * 512)
#define PAYLOAD_SIZE 0x3000

static uint8_t image[SETUP_SIZE + PAYLOAD_SIZE];
static struct linuxboot lb;
static char err[256];

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

static uint16_t get16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) | (uint32_t)get16(p + 2) << 16;
}

/* A minimal bzImage, protocol 2.15, relocatable to 16 MiB with 32 MiB of
 * init_size; the payload is a byte pattern so slices can be checked. */
static int build_image(void **state)
{
	(void)state;
	memset(image, 0, sizeof(image));
	for (size_t i = 0; i < PAYLOAD_SIZE; i++)
		image[SETUP_SIZE + i] = (uint8_t)(i * 7 + 1);
	image[0x1f1] = SETUP_SECTS;
	put32(image + 0x1f4, PAYLOAD_SIZE / 16);
	put16(image + 0x1fa, 0x1234);             /* the build's vid_mode */
	put16(image + 0x1fe, 0xaa55);
	memcpy(image + 0x202, "HdrS", 4);
	put16(image + 0x206, 0x020f);
	image[0x211] = 0x01;                      /* LOADED_HIGH */
	put32(image + 0x22c, 0x7fffffff);         /* initrd_addr_max */
	put32(image + 0x238, 2047);               /* cmdline_size */
	put32(image + 0x258, 0x1000000);          /* pref_address */
	put32(image + 0x260, 32 * MiB);           /* init_size */
	memset(&lb, 0, sizeof(lb));
	err[0] = '\0';
	return 0;
}

static int release(void **state)
{
	(void)state;
	linuxboot_free(&lb);
	return 0;
}

static int prepare(size_t initrd, const char *cmdline, uint64_t ram)
{
	return linuxboot_prepare(image, sizeof(image), initrd, cmdline, ram,
				 &lb, err, sizeof(err));
}

static void expect_error(size_t initrd, const char *cmdline, uint64_t ram,
			 const char *part)
{
	assert_int_equal(prepare(initrd, cmdline, ram), -1);
	if (!strstr(err, part))
		fail_msg("error '%s' lacks '%s'", err, part);
	assert_null(lb.setup);
	assert_null(lb.cmdline);
}

static void splits_and_places(void **state)
{
	(void)state;
	assert_int_equal(prepare(5 * MiB + 1, "console=ttyS0", 128 * MiB), 0);
	assert_int_equal(lb.protocol, 0x020f);
	assert_int_equal(lb.setup_addr, 0x10000);
	assert_int_equal(lb.setup_size, SETUP_SIZE);
	assert_memory_equal(lb.setup, image, 0x1f1);  /* boot sector as is */
	assert_ptr_equal(lb.kernel, image + SETUP_SIZE);
	assert_int_equal(lb.kernel_addr, 0x100000);
	assert_int_equal(lb.kernel_size, PAYLOAD_SIZE);
	assert_int_equal(lb.cmdline_addr, 0x20000);
	assert_int_equal(lb.cmdline_size, strlen("console=ttyS0") + 1);
	assert_string_equal(lb.cmdline, "console=ttyS0");
	/* the initrd ends at most at RAM top - 1 MiB, on a page boundary */
	assert_int_equal(lb.initrd_size, 5 * MiB + 1);
	assert_int_equal(lb.initrd_addr & 0xfff, 0);
	assert_true(lb.initrd_addr + lb.initrd_size <= 127 * MiB);
	assert_true(lb.initrd_addr + lb.initrd_size > 127 * MiB - 4096);
	/* the kernel runs at pref_address with init_size: 16 + 32 MiB */
	assert_int_equal(lb.kernel_end, 48 * MiB);
}

static void header_patched_like_a_boot_loader(void **state)
{
	const uint8_t *h;

	(void)state;
	assert_int_equal(prepare(4096, "root=/dev/ram0", 64 * MiB), 0);
	h = lb.setup;
	assert_int_equal(h[0x210], 0xb0);                 /* type_of_loader */
	assert_int_equal(h[0x211], 0x81);       /* LOADED_HIGH|CAN_USE_HEAP */
	assert_int_equal(get16(h + 0x224), 0xfe00);       /* heap_end_ptr */
	assert_int_equal(get32(h + 0x228), 0x20000);      /* cmd_line_ptr */
	assert_int_equal(get32(h + 0x218), lb.initrd_addr);
	assert_int_equal(get32(h + 0x21c), 4096);
	assert_int_equal(get16(h + 0x1fa), 0xffff);       /* vid_mode */
	assert_int_equal(lb.initrd_addr, 63 * MiB - 4096);
	/* the caller's image is left alone */
	assert_int_equal(image[0x210], 0);
	assert_int_equal(get32(image + 0x228), 0);
}

static void video_mode_from_cmdline(void **state)
{
	static const struct { const char *cmdline; uint16_t mode; } t[] = {
		{ "quiet", 0xffff }, { "vga=ext", 0xfffe },
		{ "a vga=ask", 0xfffd }, { "vga=0x317 b", 0x317 },
		{ "vga=normal", 0xffff }, { "xvga=791", 0xffff },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(prepare(0, t[i].cmdline, 64 * MiB), 0);
		assert_int_equal(get16(lb.setup + 0x1fa), t[i].mode);
		linuxboot_free(&lb);
	}
}

static void no_initrd_no_cmdline(void **state)
{
	(void)state;
	assert_int_equal(prepare(0, NULL, 64 * MiB), 0);
	assert_int_equal(lb.initrd_addr, 0);
	assert_int_equal(lb.initrd_size, 0);
	assert_string_equal(lb.cmdline, "");
	assert_int_equal(lb.cmdline_size, 1);
	assert_int_equal(get32(lb.setup + 0x21c), 0);
}

static void setup_sects_zero_means_four(void **state)
{
	(void)state;
	image[0x1f1] = 0;
	put32(image + 0x1f4, (sizeof(image) - 5 * 512) / 16);
	assert_int_equal(prepare(0, "", 64 * MiB), 0);
	assert_int_equal(lb.setup_size, 5 * 512);
	assert_int_equal(lb.kernel_size, sizeof(image) - 5 * 512);
}

static void initrd_addr_max_respected(void **state)
{
	(void)state;
	put32(image + 0x22c, 0x37ffffff);   /* the old 896 MiB limit */
	assert_int_equal(prepare(MiB, "", 2048ull * MiB), 0);
	assert_int_equal(lb.initrd_addr, 0x38000000 - MiB);
	/* an old kernel (pre-2.10) has no init_size: only its image counts */
	put16(image + 0x206, 0x0206);
	linuxboot_free(&lb);
	assert_int_equal(prepare(0, "", 4 * MiB), 0);
	assert_int_equal(lb.kernel_end, 0x103000);
}

static void bad_images(void **state)
{
	(void)state;
	memcpy(image + 0x202, "HdrX", 4);
	expect_error(0, "", 64 * MiB, "kernel: not a Linux bzImage");
	memcpy(image + 0x202, "HdrS", 4);
	put16(image + 0x1fe, 0);
	expect_error(0, "", 64 * MiB, "kernel: not a Linux bzImage");
	put16(image + 0x1fe, 0xaa55);
	put16(image + 0x206, 0x0205);
	expect_error(0, "", 64 * MiB, "kernel: boot protocol 2.05 is too old "
		     "(2.06 or later needed");
	put16(image + 0x206, 0x020f);
	image[0x211] = 0;
	expect_error(0, "", 64 * MiB, "kernel: a zImage");
	image[0x211] = 1;
	put32(image + 0x1f4, PAYLOAD_SIZE / 16 + 1);
	expect_error(0, "", 64 * MiB, "kernel: image truncated");
	put32(image + 0x1f4, PAYLOAD_SIZE / 16);
	image[0x1f1] = 200;
	expect_error(0, "", 64 * MiB, "kernel: bad setup_sects 200");
	image[0x1f1] = SETUP_SECTS;
	assert_int_equal(linuxboot_prepare(image, 0x100, 0, "", 64 * MiB, &lb,
					   err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a Linux bzImage"));
}

static void too_big_for_memory(void **state)
{
	(void)state;
	/* kernel needs up to 48 MiB; 1 MiB at the top is reserved */
	expect_error(0, "", 48 * MiB, "kernel: needs more than the guest's 48 "
		     "MiB of RAM");
	assert_int_equal(prepare(0, "", 49 * MiB), 0);
	linuxboot_free(&lb);
	/* 64 MiB of RAM: 63 - 48 = 15 MiB for the initrd */
	assert_int_equal(prepare(15 * MiB, "", 64 * MiB), 0);
	assert_int_equal(lb.initrd_addr, 48 * MiB);
	linuxboot_free(&lb);
	expect_error(15 * MiB + 1, "", 64 * MiB, "ramdisk: 15728641 bytes "
		     "don't fit in guest memory: free space for it is 15 MiB "
		     "(from 48 MiB, above the kernel, to 63 MiB)");
	expect_error(5000ull * MiB, "", 64 * MiB, "ramdisk: ");
}

static void cmdline_limit(void **state)
{
	char line[2100];

	(void)state;
	memset(line, 'x', sizeof(line));
	line[2047] = '\0';
	assert_int_equal(prepare(0, line, 64 * MiB), 0);
	assert_int_equal(lb.cmdline_size, 2048);
	linuxboot_free(&lb);
	line[2047] = 'x';
	line[2048] = '\0';
	expect_error(0, line, 64 * MiB, "extra: kernel command line of 2048 "
		     "bytes is longer than the kernel's limit of 2047");
}

/* Debian's kernel from the nested test host, when this checkout has it
 * (the test runs from the top of the tree or from tests/unit). */
static char *find_debian_kernel(void)
{
	static const char *const patterns[] = {
		"build/nested/*/vmlinuz", "../../build/nested/*/vmlinuz",
	};
	char *path = NULL;

	for (size_t i = 0; i < 2 && !path; i++) {
		glob_t g;

		if (glob(patterns[i], 0, NULL, &g) == 0 && g.gl_pathc)
			path = strdup(g.gl_pathv[0]);
		globfree(&g);
	}
	return path;
}

static void real_debian_kernel(void **state)
{
	char *path = find_debian_kernel();
	FILE *f = path ? fopen(path, "rb") : NULL;
	uint8_t *k;
	long size;

	(void)state;
	free(path);
	if (!f)
		skip();
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	k = malloc(size);
	assert_non_null(k);
	assert_int_equal(fread(k, 1, size, f), size);
	fclose(f);

	assert_int_equal(linuxboot_prepare(k, size, 20 * MiB,
					   "console=ttyS0 panic=-1",
					   256 * MiB, &lb, err, sizeof(err)),
			 0);
	assert_true(lb.protocol >= 0x020f);       /* Linux 6.1: 2.15 */
	assert_true(lb.setup_size >= 5 * 512 && lb.setup_size <= 0x8000);
	assert_int_equal(lb.setup_size + lb.kernel_size, size);
	assert_true(lb.kernel_size > 4 * MiB);
	assert_int_equal(get32(lb.setup + 0x228), 0x20000);
	assert_int_equal(lb.initrd_addr, 255 * MiB - 20 * MiB);
	/* relocatable 64-bit kernel: runs at 16 MiB with tens of MiB */
	assert_true(lb.kernel_end > 16 * MiB + 8 * MiB);
	assert_true(lb.kernel_end < lb.initrd_addr);
	linuxboot_free(&lb);
	/* with the default 128 MiB, a big initrd does not fit */
	assert_int_equal(linuxboot_prepare(k, size, 100 * MiB, "", 128 * MiB,
					   &lb, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "ramdisk: "));
	free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, build_image, release)
		T(splits_and_places),
		T(header_patched_like_a_boot_loader),
		T(video_mode_from_cmdline),
		T(no_initrd_no_cmdline),
		T(setup_sects_zero_means_four),
		T(initrd_addr_max_respected),
		T(bad_images),
		T(too_big_for_memory),
		T(cmdline_limit),
		T(real_debian_kernel),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
