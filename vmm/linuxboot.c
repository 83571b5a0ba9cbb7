// SPDX-License-Identifier: GPL-2.0
/*
 * Planning a direct Linux boot (see linuxboot.h). A bzImage is the
 * real-mode setup (boot sector + setup code, with the setup header at
 * 0x1f1) followed by the protected-mode kernel. We read the header, pick
 * addresses, and fill in the header fields a boot loader must write; the
 * option ROM then only copies bytes and jumps. Field offsets and meanings:
 * Linux Documentation/x86/boot.rst.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/linuxboot.h"

/* Setup header fields: offsets from the start of the image. */
#define HDR_SETUP_SECTS		0x1f1   /* u8, 0 means 4 */
#define HDR_SYSSIZE		0x1f4   /* u32, in 16-byte paragraphs */
#define HDR_VID_MODE		0x1fa   /* u16 */
#define HDR_BOOT_FLAG		0x1fe   /* u16, 0xaa55 */
#define HDR_MAGIC		0x202   /* "HdrS" */
#define HDR_VERSION		0x206   /* u16, 0x0206 = 2.06 */
#define HDR_TYPE_OF_LOADER	0x210   /* u8 */
#define HDR_LOADFLAGS		0x211   /* u8 */
#define HDR_RAMDISK_IMAGE	0x218   /* u32 */
#define HDR_RAMDISK_SIZE	0x21c   /* u32 */
#define HDR_HEAP_END_PTR	0x224   /* u16, offset from setup start */
#define HDR_CMD_LINE_PTR	0x228   /* u32 */
#define HDR_INITRD_ADDR_MAX	0x22c   /* u32, highest initrd byte */
#define HDR_CMDLINE_SIZE	0x238   /* u32, without the NUL (2.06+) */
#define HDR_PREF_ADDRESS	0x258   /* u64 (2.10+) */
#define HDR_INIT_SIZE		0x260   /* u32 (2.10+) */
#define HDR_END			0x264

#define BOOT_FLAG		0xaa55
#define HDRS_MAGIC		0x53726448u   /* "HdrS" little-endian */
#define LOADED_HIGH		0x01          /* bzImage: kernel at 1 MiB */
#define CAN_USE_HEAP		0x80          /* heap_end_ptr is valid */
/* The boot loader id: 0xB = QEMU, whose option ROM this is; version 0. */
#define LOADER_ID		0xb0
#define VID_MODE_NORMAL		0xffff
#define VID_MODE_EXT		0xfffe
#define VID_MODE_ASK		0xfffd

#define PAGE_MASK		0xfffu
#define MiB			(1u << 20)
/* The option ROM's stack sits just below the command line; keep the
 * setup code's heap 512 bytes short of it. */
#define SETUP_STACK_ROOM	0x200u
/* The setup code must fit below its own heap and stack, in one 64 KiB
 * real-mode segment with them; the kernel's own limit is about 32 KiB. */
#define MAX_SETUP_SIZE		0x8000u
/* The command line lives in conventional memory, below the EBDA. */
#define CMDLINE_AREA_END	0x90000u

static uint16_t get16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

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

static int __attribute__((format(printf, 3, 4)))
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* The header must say bzImage, protocol 2.06 or later. */
static int check_header(const uint8_t *k, size_t size, char *err,
			size_t errlen)
{
	uint16_t version;

	if (size < HDR_END || get16(k + HDR_BOOT_FLAG) != BOOT_FLAG ||
	    get32(k + HDR_MAGIC) != HDRS_MAGIC)
		return fail(err, errlen, "kernel: not a Linux bzImage (no "
			    "\"HdrS\" boot header)");
	version = get16(k + HDR_VERSION);
	if (version < 0x0206)
		return fail(err, errlen, "kernel: boot protocol %u.%02u is too "
			    "old (2.06 or later needed: Linux 2.6.22+)",
			    version >> 8, version & 0xff);
	if (!(k[HDR_LOADFLAGS] & LOADED_HIGH))
		return fail(err, errlen, "kernel: a zImage (loaded below 1 "
			    "MiB); only bzImages are supported");
	return 0;
}

/* Split the image into the real-mode setup and the protected-mode part. */
static int split_image(const uint8_t *k, size_t size, struct linuxboot *lb,
		       char *err, size_t errlen)
{
	unsigned sects = k[HDR_SETUP_SECTS] ? k[HDR_SETUP_SECTS] : 4;
	size_t setup_size = (sects + 1) * 512, payload;

	if (setup_size > MAX_SETUP_SIZE || setup_size >= size)
		return fail(err, errlen, "kernel: bad setup_sects %u for a "
			    "%zu-byte image", sects, size);
	payload = size - setup_size;
	if ((uint64_t)get32(k + HDR_SYSSIZE) * 16 > payload)
		return fail(err, errlen, "kernel: image truncated (the header "
			    "says %llu bytes of kernel, the file has %zu)",
			    (unsigned long long)get32(k + HDR_SYSSIZE) * 16,
			    payload);
	if (payload > UINT32_MAX)
		return fail(err, errlen, "kernel: image too large");
	lb->setup = malloc(setup_size);
	if (!lb->setup)
		return fail(err, errlen, "kernel: out of memory");
	memcpy(lb->setup, k, setup_size);
	lb->setup_addr = LINUXBOOT_SETUP_ADDR;
	lb->setup_size = setup_size;
	lb->kernel = k + setup_size;
	lb->kernel_addr = LINUXBOOT_KERNEL_ADDR;
	lb->kernel_size = payload;
	return 0;
}

/*
 * The highest byte the kernel writes before it reads the memory map: its
 * image, or init_size bytes from where it runs. A relocatable kernel
 * (2.10+) moves itself up to pref_address before decompressing.
 */
static uint64_t kernel_footprint_end(const uint8_t *k, const struct linuxboot *lb)
{
	uint64_t end = (uint64_t)lb->kernel_addr + lb->kernel_size;
	uint64_t run_at = lb->kernel_addr;

	if (lb->protocol >= 0x020a) {
		if (get64(k + HDR_PREF_ADDRESS) > run_at)
			run_at = get64(k + HDR_PREF_ADDRESS);
		if (run_at + get32(k + HDR_INIT_SIZE) > end)
			end = run_at + get32(k + HDR_INIT_SIZE);
	}
	return end;
}

/* The initrd goes as high as allowed, page aligned, above the kernel. */
static int place_initrd(const uint8_t *k, size_t initrd_size,
			uint64_t ram_below_4g, struct linuxboot *lb,
			char *err, size_t errlen)
{
	uint64_t kernel_end = (kernel_footprint_end(k, lb) + PAGE_MASK) &
			      ~(uint64_t)PAGE_MASK;
	uint64_t top = ram_below_4g > LINUXBOOT_TOP_RESERVE ?
		       ram_below_4g - LINUXBOOT_TOP_RESERVE : 0;
	uint64_t addr_max = (uint64_t)get32(k + HDR_INITRD_ADDR_MAX) + 1;

	if (kernel_end > top)
		return fail(err, errlen, "kernel: needs more than the guest's "
			    "%llu MiB of RAM (it uses memory up to %llu MiB "
			    "before reading the memory map, and the top %u "
			    "MiB is the firmware's)",
			    (unsigned long long)ram_below_4g / MiB,
			    (unsigned long long)(kernel_end + MiB - 1) / MiB,
			    LINUXBOOT_TOP_RESERVE / MiB);
	lb->kernel_end = kernel_end;
	if (!initrd_size)
		return 0;
	if (addr_max < top)
		top = addr_max;
	if (initrd_size > top || ((top - initrd_size) & ~(uint64_t)PAGE_MASK)
				 < kernel_end)
		return fail(err, errlen, "ramdisk: %zu bytes don't fit in "
			    "guest memory: free space for it is %llu MiB "
			    "(from %llu MiB, above the kernel, to %llu MiB); "
			    "give the guest more memory", initrd_size,
			    (unsigned long long)(top > kernel_end ?
						 top - kernel_end : 0) / MiB,
			    (unsigned long long)kernel_end / MiB,
			    (unsigned long long)top / MiB);
	lb->initrd_addr = (top - initrd_size) & ~(uint64_t)PAGE_MASK;
	lb->initrd_size = initrd_size;
	return 0;
}

static int place_cmdline(const uint8_t *k, const char *cmdline,
			 struct linuxboot *lb, char *err, size_t errlen)
{
	size_t len = strlen(cmdline);
	uint32_t max = get32(k + HDR_CMDLINE_SIZE);

	if (len > max || len + 1 > CMDLINE_AREA_END - LINUXBOOT_CMDLINE_ADDR)
		return fail(err, errlen, "extra: kernel command line of %zu "
			    "bytes is longer than the kernel's limit of %u",
			    len, max);
	lb->cmdline = strdup(cmdline);
	if (!lb->cmdline)
		return fail(err, errlen, "out of memory");
	lb->cmdline_addr = LINUXBOOT_CMDLINE_ADDR;
	lb->cmdline_size = len + 1;
	return 0;
}

/* vga= on the command line picks the setup code's video mode, as with
 * any boot loader; without it, the current text mode stays. */
static uint16_t video_mode(const char *cmdline)
{
	const char *p = cmdline;

	while ((p = strstr(p, "vga="))) {
		if (p == cmdline || p[-1] == ' ')
			break;
		p += 4;
	}
	if (!p)
		return VID_MODE_NORMAL;
	p += 4;
	if (!strncmp(p, "normal", 6))
		return VID_MODE_NORMAL;
	if (!strncmp(p, "ext", 3))
		return VID_MODE_EXT;
	if (!strncmp(p, "ask", 3))
		return VID_MODE_ASK;
	return strtoul(p, NULL, 0);
}

/* What a boot loader writes into the header (boot.rst, "loader" fields). */
static void patch_header(struct linuxboot *lb)
{
	uint8_t *h = lb->setup;

	h[HDR_TYPE_OF_LOADER] = LOADER_ID;
	h[HDR_LOADFLAGS] |= CAN_USE_HEAP;
	put16(h + HDR_HEAP_END_PTR,
	      lb->cmdline_addr - lb->setup_addr - SETUP_STACK_ROOM);
	put32(h + HDR_CMD_LINE_PTR, lb->cmdline_addr);
	put32(h + HDR_RAMDISK_IMAGE, lb->initrd_addr);
	put32(h + HDR_RAMDISK_SIZE, lb->initrd_size);
	put16(h + HDR_VID_MODE, video_mode(lb->cmdline));
}

int linuxboot_prepare(const void *kernel, size_t kernel_size,
		      size_t initrd_size, const char *cmdline,
		      uint64_t ram_below_4g, struct linuxboot *out,
		      char *err, size_t errlen)
{
	const uint8_t *k = kernel;

	memset(out, 0, sizeof(*out));
	if (check_header(k, kernel_size, err, errlen))
		return -1;
	out->protocol = get16(k + HDR_VERSION);
	if (split_image(k, kernel_size, out, err, errlen) ||
	    place_cmdline(k, cmdline ? cmdline : "", out, err, errlen) ||
	    place_initrd(k, initrd_size, ram_below_4g, out, err, errlen)) {
		linuxboot_free(out);
		return -1;
	}
	patch_header(out);
	return 0;
}

void linuxboot_free(struct linuxboot *lb)
{
	free(lb->setup);
	free(lb->cmdline);
	memset(lb, 0, sizeof(*lb));
}
