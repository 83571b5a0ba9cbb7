/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest's configuration, as read from a Xen-style .hvm file (xl syntax,
 * Xen key names: ../shared/xen-config.md) plus command-line overrides.
 * config.c parses and validates; the monitor only reads it.
 */
#ifndef VMM_CONFIG_H
#define VMM_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

enum vm_action {
	VM_ACTION_DESTROY,
	VM_ACTION_RESTART,
};

enum serial_backend {
	SERIAL_NONE,   /* no COM1 at all (serial = 'none') */
	SERIAL_NULL,   /* a COM1 whose output goes nowhere */
	SERIAL_STDIO,
	SERIAL_PTY,
	SERIAL_FILE,
	SERIAL_UNIX,   /* a listening UNIX socket */
};

enum vm_accel {
	ACCEL_AUTO,    /* /dev/vmm when present, else /dev/kvm */
	ACCEL_VMM,
	ACCEL_KVM,
};

/* One entry of `disk = [ ... ]` (xen-config.md). */
enum vm_disk_media {
	VM_DISK_HD,       /* a hard disk */
	VM_DISK_CDROM,    /* `vdev:cdrom` or `devtype=cdrom` */
};

#define VM_MAX_DISKS 4   /* the two IDE channels' masters and slaves */

struct vm_disk {
	char *path;              /* NULL: an empty CD-ROM drive */
	enum vm_disk_media media;
	bool read_only;          /* mode 'r' (always for a CD-ROM) */
	unsigned ide_index;      /* 0 hda, 1 hdb, 2 hdc, 3 hdd */
	char vdev[16];           /* as written, for messages */
	char where[64];          /* "FILE:LINE", for messages */
};

struct vm_config {
	char *source;            /* the config file, for messages */
	char *name;
	uint64_t memory_mib;
	unsigned vcpus;
	enum vm_accel accel;

	/* firmware: SeaBIOS image (default: Debian's seabios package) */
	char *bios;
	/* direct Linux boot (optional) */
	char *kernel, *ramdisk, *extra;
	char boot[8];            /* boot order letters, e.g. "cd" */
	/* disks, in the order of the config's list */
	struct vm_disk disks[VM_MAX_DISKS];
	unsigned nr_disks;
	/* seconds SeaBIOS waits when nothing boots (fw_cfg
	 * etc/boot-fail-wait); -1: SeaBIOS's default */
	int boot_fail_wait;

	enum serial_backend serial;
	char *serial_path;       /* file:/unix: path */

	enum vm_action on_poweroff, on_reboot, on_crash;

	bool acpi, apic, pae, localtime, nographic;
};

/* How `vmm create -F` exits: the guest's end, for scripts and tests. */
enum vm_exit_status {
	VM_EXIT_POWEROFF = 0,    /* guest powered off */
	VM_EXIT_ERROR = 1,       /* the monitor failed (message on stderr) */
	VM_EXIT_USAGE = 2,       /* bad command line or config */
	VM_EXIT_REBOOT = 3,      /* guest rebooted, on_reboot = 'destroy' */
	VM_EXIT_CRASH = 4,       /* guest crashed, on_crash = 'destroy' */
	/* isa-debug-exit: a guest write of v to port 0xf4 exits (v << 1) | 1 */
};

#endif /* VMM_CONFIG_H */
