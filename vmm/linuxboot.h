/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Direct Linux boot: a bzImage is split and placed the way a PC boot loader
 * does (Linux Documentation/x86/boot.rst), and handed to SeaBIOS through
 * fw_cfg. SeaBIOS runs the linuxboot_dma.bin option ROM (Debian's
 * qemu-system-data), which copies each piece from fw_cfg to its address
 * and jumps to the real-mode setup code.
 */
#ifndef VMM_LINUXBOOT_H
#define VMM_LINUXBOOT_H

#include <stddef.h>
#include <stdint.h>

/* The option ROM's fw_cfg items (QEMU docs/specs/fw_cfg): 32-bit values
 * little-endian, *_DATA items hold the bytes. */
#define LINUXBOOT_ROM "/usr/share/qemu/linuxboot_dma.bin"
#define FW_CFG_KERNEL_ADDR	0x07
#define FW_CFG_KERNEL_SIZE	0x08
#define FW_CFG_INITRD_ADDR	0x0a
#define FW_CFG_INITRD_SIZE	0x0b
#define FW_CFG_KERNEL_DATA	0x11
#define FW_CFG_INITRD_DATA	0x12
#define FW_CFG_CMDLINE_ADDR	0x13
#define FW_CFG_CMDLINE_SIZE	0x14
#define FW_CFG_CMDLINE_DATA	0x15
#define FW_CFG_SETUP_ADDR	0x16
#define FW_CFG_SETUP_SIZE	0x17
#define FW_CFG_SETUP_DATA	0x18

/* Where the pieces go in guest-physical memory. */
#define LINUXBOOT_SETUP_ADDR	0x10000u   /* real-mode setup + header */
#define LINUXBOOT_CMDLINE_ADDR	0x20000u   /* 64 KiB above: stack, heap */
#define LINUXBOOT_KERNEL_ADDR	0x100000u  /* protected-mode kernel */
/* Kept free at the top of RAM below 4 GiB: SeaBIOS puts its ACPI/SMBIOS
 * tables and high allocations there, and the initrd must not overlap. */
#define LINUXBOOT_TOP_RESERVE	(1u << 20)

struct linuxboot {
	uint16_t protocol;          /* boot protocol, e.g. 0x020f = 2.15 */

	uint8_t *setup;             /* the patched real-mode part (owned) */
	uint32_t setup_addr, setup_size;

	const uint8_t *kernel;      /* protected-mode part: points into the
				     * caller's image */
	uint32_t kernel_addr, kernel_size;

	char *cmdline;              /* NUL-terminated (owned) */
	uint32_t cmdline_addr, cmdline_size;   /* size counts the NUL */

	uint32_t initrd_addr, initrd_size;     /* 0, 0 without initrd */
	uint32_t kernel_end;        /* first byte the kernel won't touch
				     * before reading the memory map */
};

/*
 * Parse the bzImage KERNEL (the whole file) and plan its boot with an
 * initrd of INITRD_SIZE bytes (0: none), command line CMDLINE (NULL: "")
 * and RAM_BELOW_4G bytes of RAM below 4 GiB. Returns 0 and fills OUT
 * (release with linuxboot_free), or -1 with a one-line message in ERR.
 */
int linuxboot_prepare(const void *kernel, size_t kernel_size,
		      size_t initrd_size, const char *cmdline,
		      uint64_t ram_below_4g, struct linuxboot *out,
		      char *err, size_t errlen);

void linuxboot_free(struct linuxboot *lb);

#endif /* VMM_LINUXBOOT_H */
