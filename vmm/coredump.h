/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest's core: guest memory and vCPU state in one ELF file, what
 * on_crash = 'coredump-destroy' / 'coredump-restart' asks for (xl.cfg(5);
 * Xen writes it with `xl dump-core`).
 *
 * The file is an ELF64 core (ET_CORE, EM_X86_64), in the layout that
 * readelf, gdb and crash(8) read for a machine's physical memory (as
 * QEMU's dump-guest-memory and the kernel's /proc/vmcore do), not Xen's
 * own xc_core sections (.xen_pages, .xen_pfn), which only Xen's tools read:
 *
 *   PT_NOTE   per vCPU: an NT_PRSTATUS "CORE" note (struct elf_prstatus:
 *             the general registers, pr_pid = vCPU index + 1), then a
 *             "VMM" note of type COREDUMP_NOTE_SREGS (struct
 *             coredump_sregs below: control registers, EFER, segments,
 *             descriptor tables);
 *   PT_LOAD   per RAM range: p_paddr the guest-physical address, p_vaddr 0
 *             (guest-virtual addresses depend on the guest's page tables),
 *             p_filesz = p_memsz; all-zero pages are holes in the file.
 *
 * Where: /var/lib/vmm/dump for root, $XDG_RUNTIME_DIR/vmm/dump for others
 * (made 0700 when missing), or $VMM_DUMP_DIR when set (an absolute path);
 * named NAME-YYYYMMDD-HHMMSS.core, mode 0600.
 */
#ifndef VMM_COREDUMP_H
#define VMM_COREDUMP_H

#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>

#define COREDUMP_ROOT_DIR "/var/lib/vmm/dump"
#define COREDUMP_NOTE_SREGS 0x564d4d01   /* "VMM" note: struct coredump_sregs */

/* One range of guest RAM, mapped at HOST in the monitor. */
struct coredump_ram {
	uint64_t gpa;
	const void *host;
	uint64_t size;
};

struct coredump_vcpu {
	struct kvm_regs regs;
	struct kvm_sregs sregs;
};

/* The "VMM" note's layout (version 1), little-endian, no padding. */
struct coredump_segment {
	uint64_t base;
	uint32_t limit;
	uint16_t selector;
	uint8_t type, present, dpl, db, s, l, g, avl, unusable, pad;
} __attribute__((packed));

struct coredump_sregs {
	uint32_t version;        /* 1 */
	uint32_t size;           /* sizeof(struct coredump_sregs) */
	uint64_t cr0, cr2, cr3, cr4, cr8, efer, apic_base;
	struct coredump_segment cs, ds, es, fs, gs, ss, tr, ldt;
	uint64_t gdt_base, idt_base;
	uint16_t gdt_limit, idt_limit;
	uint32_t pad;
} __attribute__((packed));

/* The directory cores go to, made if missing: 0, or -1 with ERR. */
int coredump_dir(char *buf, size_t len, char *err, size_t errlen);

/* Write the core to FD (a new, empty regular file): 0, or -1 with ERR. */
int coredump_write_fd(int fd, const struct coredump_ram *ram, unsigned n_ram,
		      const struct coredump_vcpu *vcpus, unsigned n_vcpus,
		      char *err, size_t errlen);

/* The core of guest NAME into DIR (coredump_dir() when NULL): its path in
 * PATH. 0, or -1 with ERR (nothing left behind). */
int coredump_write(const char *dir, const char *name,
		   const struct coredump_ram *ram, unsigned n_ram,
		   const struct coredump_vcpu *vcpus, unsigned n_vcpus,
		   char *path, size_t path_len, char *err, size_t errlen);

#endif /* VMM_COREDUMP_H */
