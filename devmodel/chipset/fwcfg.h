/* SPDX-License-Identifier: GPL-2.0 */
/*
 * QEMU's firmware configuration device (fw_cfg) on x86 ports, as SeaBIOS
 * reads it: selector 0x510, data 0x511, DMA address 0x514-0x51B. Items are
 * blobs under 16-bit keys; named "files" get keys from 0x20 and an entry in
 * the file directory (key 0x19). Reference: QEMU docs/specs/fw_cfg.txt.
 *
 * Add every item before the guest runs: file keys follow name order, so
 * adding a file may renumber the others (as in QEMU).
 */
#ifndef DEVMODEL_CHIPSET_FWCFG_H
#define DEVMODEL_CHIPSET_FWCFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devmodel/core/guestmem.h"
#include "devmodel/core/io.h"

#define FWCFG_PORT_SELECTOR 0x510
#define FWCFG_PORT_DATA     0x511
#define FWCFG_PORT_DMA      0x514

/* Legacy keys (QEMU include/standard-headers/linux/qemu_fw_cfg.h). */
#define FW_CFG_SIGNATURE  0x00
#define FW_CFG_ID         0x01
#define FW_CFG_NOGRAPHIC  0x04
#define FW_CFG_NB_CPUS    0x05
#define FW_CFG_BOOT_MENU  0x0e
#define FW_CFG_MAX_CPUS   0x0f
#define FW_CFG_FILE_DIR   0x19
#define FW_CFG_FILE_FIRST 0x20

#define FWCFG_FILE_NAME_MAX 56 /* including the NUL */

struct fwcfg;

/* Registers the ports; mem is where DMA descriptors and buffers live.
 * NULL with errno. */
struct fwcfg *fwcfg_create(struct io_bus *pio, const struct guest_memory *mem);
void fwcfg_destroy(struct fwcfg *fw);
/* Machine reset: selection and DMA address cleared; items stay. */
void fwcfg_reset(struct fwcfg *fw);

/* Items are copied; adding an existing key or name replaces it.
 * 0, -EINVAL (reserved key, bad name), -ENAMETOOLONG, -ENOSPC, -ENOMEM. */
int fwcfg_add_bytes(struct fwcfg *fw, uint16_t key, const void *data,
		    size_t len);
int fwcfg_add_u16(struct fwcfg *fw, uint16_t key, uint16_t value); /* LE */
int fwcfg_add_u32(struct fwcfg *fw, uint16_t key, uint32_t value);
int fwcfg_add_u64(struct fwcfg *fw, uint16_t key, uint64_t value);
int fwcfg_add_file(struct fwcfg *fw, const char *name, const void *data,
		   size_t len);
/* The key a file got, or -ENOENT. */
int fwcfg_file_key(const struct fwcfg *fw, const char *name);

/* ---- what SeaBIOS reads (src/fw/paravirt.c, romfile.c, boot.c) */

#define E820_RAM      1
#define E820_RESERVED 2
#define E820_ACPI     3
#define E820_NVS      4

struct fwcfg_e820_entry {
	uint64_t addr, len;
	uint32_t type;
};

/* "etc/e820": 20-byte entries {le64 addr, le64 len, le32 type}. */
int fwcfg_set_e820(struct fwcfg *fw, const struct fwcfg_e820_entry *map,
		   size_t n);
/* NB_CPUS (0x05) and MAX_CPUS (0x0F), le16. */
int fwcfg_set_cpus(struct fwcfg *fw, uint16_t nb_cpus, uint16_t max_cpus);
/* BOOT_MENU (0x0E), le16: without it SeaBIOS shows its menu and waits. */
int fwcfg_set_boot_menu(struct fwcfg *fw, bool show);
/* NOGRAPHIC (0x04), le16. */
int fwcfg_set_nographic(struct fwcfg *fw, bool nographic);
/* "etc/boot-fail-wait", le32 in milliseconds (-1: never retry). */
int fwcfg_set_boot_fail_wait(struct fwcfg *fw, uint32_t ms);
/* "bootorder": newline-separated device paths, stored with its NUL. */
int fwcfg_set_bootorder(struct fwcfg *fw, const char *text);
/* "etc/sercon-port", le16: SeaBIOS mirrors its screen to this UART
 * (0x3F8) when there is no display. */
int fwcfg_set_sercon_port(struct fwcfg *fw, uint16_t port);

#endif /* DEVMODEL_CHIPSET_FWCFG_H */
