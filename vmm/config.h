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

/* on_poweroff / on_reboot / on_crash (xl.cfg(5); xen-config.md). */
enum vm_action {
	VM_ACTION_DESTROY,
	VM_ACTION_RESTART,
	VM_ACTION_PRESERVE,          /* the guest stays, stopped, until
				      * destroyed */
	VM_ACTION_RENAME_RESTART,    /* the old one stays renamed, a new one
				      * starts */
	VM_ACTION_COREDUMP_DESTROY,  /* an ELF core as `xl dump-core` writes,
				      * then destroy */
	VM_ACTION_COREDUMP_RESTART,  /* the core, then restart */
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

/* boot_fail_wait's bound: one day. SeaBIOS reads etc/boot-fail-wait as a
 * u32 of milliseconds, 0xffffffff meaning "never reboot"; a day in ms
 * (86,400,000) is far below both, so seconds * 1000 cannot wrap. */
#define VM_BOOT_FAIL_WAIT_MAX (24 * 60 * 60)

struct vm_disk {
	char *path;              /* NULL: an empty CD-ROM drive */
	enum vm_disk_media media;
	bool read_only;          /* mode 'r' (always for a CD-ROM) */
	unsigned ide_index;      /* 0 hda, 1 hdb, 2 hdc, 3 hdd */
	char vdev[16];           /* as written, for messages */
	char where[64];          /* "FILE:LINE", for messages */
};

/* The display device (xen-config.md: stdvga, vga, nographic). */
enum vm_vga {
	VM_VGA_STD,      /* standard VGA with Bochs VBE, PCI 1234:1111 */
	VM_VGA_NONE,     /* no display device (nographic = 1, vga = 'none') */
};

#define VM_VIDEORAM_DEFAULT_MIB 16
#define VM_VIDEORAM_MIN_MIB     1
#define VM_VIDEORAM_MAX_MIB     256
#define VM_VNC_BASE_PORT        5900

/* Consoles on the display (xen-config.md: vnc*, sdl, keymap). */
struct vm_display {
	enum vm_vga vga;
	unsigned videoram_mib;   /* VRAM, a power of two */
	bool vnc;
	char *vnclisten;         /* address to bind; default 127.0.0.1 */
	int vncdisplay;          /* port 5900 + N; -1: not given */
	bool vncunused;          /* first free port from 5900 (+ vncdisplay) */
	char *vncpasswd;         /* NULL or "": no authentication */
	bool sdl;
	bool fullscreen;
	char *keymap;            /* layout of VNC keysyms; default "en-us" */
	char where_vnc[64];      /* "FILE:LINE" of the vnc* keys, for messages */
	char where_sdl[64];      /* "FILE:LINE" of sdl = 1 */
};

/*
 * One `vif = [ ... ]` entry (xl-network-configuration(5); xen-config.md):
 * the NIC the guest sees and the host side it is wired to.
 */
#define VM_MAX_VIFS         4    /* PCI slots 3..6 */
#define VM_VIF_MAX_HOSTFWD  16

enum vm_vif_backend {
	VM_VIF_USER,     /* libslirp's user-mode network (no bridge=) */
	VM_VIF_TAP,      /* a TAP device on bridge= (or set up by script=) */
};

enum vm_vif_model {
	VM_VIF_RTL8139,  /* Realtek 8139C+, PCI 10ec:8139 (the default),
			  * as QEMU's: Linux's 8139cp drives it */
	VM_VIF_RTL8139C, /* model=rtl8139c (ours): the plain 8139C without
			  * C+ mode, which Linux's 8139too drives */
};

/* hostfwd=[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT (QEMU's
 * user-net syntax); addresses in network byte order, 0: any / the guest's
 * DHCP address. */
struct vm_hostfwd {
	bool udp;
	uint32_t host_addr, guest_addr;
	uint16_t host_port, guest_port;
	char text[64];           /* as written, for messages */
};

struct vm_vif {
	enum vm_vif_backend backend;
	enum vm_vif_model model;
	uint8_t mac[6];
	bool mac_given;          /* false: derived from the name and index */
	char *bridge;            /* TAP: the bridge to join; NULL with script */
	char *script;            /* TAP: run instead of the bridge step */
	char *vifname;           /* TAP: its name; NULL: vmm-NAME.N */
	char *ip;                /* as written: the script's $ip; user mode:
				  * the address DHCP hands out */
	uint32_t user_guest_ip;  /* user mode: network order; 0 = 10.0.2.15 */
	/* rate=: a token bucket on the guest's transmit, refilled by
	 * rate_bytes_per_interval every rate_interval_us; 0: no limit */
	uint64_t rate_bytes_per_sec;
	uint64_t rate_interval_us;
	uint64_t rate_bytes_per_interval;
	struct vm_hostfwd hostfwd[VM_VIF_MAX_HOSTFWD];
	unsigned nr_hostfwd;
	char *tftp;              /* user mode: slirp's TFTP root */
	char *bootfile;          /* user mode: DHCP's boot file name */
	char entry[160];         /* the entry as written (shortened) */
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
	 * etc/boot-fail-wait, a u32 of milliseconds); -1: SeaBIOS's default;
	 * at most VM_BOOT_FAIL_WAIT_MAX */
	int boot_fail_wait;

	enum serial_backend serial;
	char *serial_path;       /* file:/unix: path */

	enum vm_action on_poweroff, on_reboot, on_crash;
	/* "FILE:LINE" of each on_* key, for create-time messages; "" when
	 * it is the default */
	char where_on_poweroff[64], where_on_reboot[64], where_on_crash[64];

	/* vif = [ ... ]: the NICs, in the list's order (PCI slots 3..6) */
	struct vm_vif vifs[VM_MAX_VIFS];
	unsigned nr_vifs;
	char where_vif[64];

	bool acpi, apic, pae, localtime, nographic;

	struct vm_display display;
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
