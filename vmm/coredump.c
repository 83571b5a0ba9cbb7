// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's core as an ELF64 file (layout: coredump.h). Written with
 * plain write()s from the guest's own mapping: nothing the size of guest
 * RAM is copied, and all-zero pages become holes, so a mostly idle guest's
 * core is small on disk.
 *
 * References: the System V gABI (ELF header, program headers, notes), the
 * x86-64 psABI and <sys/procfs.h> (NT_PRSTATUS, struct elf_prstatus).
 */
#define _GNU_SOURCE
#include <elf.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/procfs.h>
#include <sys/stat.h>
#include <sys/user.h>
#include <time.h>
#include <unistd.h>

#include "vmm/coredump.h"

#define PAGE 4096
#define NOTE_ALIGN 4   /* ELF64 notes: 4-byte alignment, as Linux writes */

static int fail(char *err, size_t errlen, const char *what)
{
	snprintf(err, errlen, "core dump: %s: %s", what, strerror(errno));
	return -1;
}

/* mkdir -p DIR with mode 0700 for the parts it makes. */
static int make_dirs(const char *dir, char *err, size_t errlen)
{
	char path[4096];

	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return fail(err, errlen, dir);
	}
	for (char *p = path + 1; ; p++) {
		bool end = *p == '\0';

		if (*p != '/' && !end)
			continue;
		*p = '\0';
		if (mkdir(path, 0700) && errno != EEXIST)
			return fail(err, errlen, path);
		if (end)
			return 0;
		*p = '/';
	}
}

int coredump_dir(char *buf, size_t len, char *err, size_t errlen)
{
	const char *run = getenv("XDG_RUNTIME_DIR");
	const char *forced = getenv("VMM_DUMP_DIR");

	if (forced && forced[0] == '/') {   /* tests; a read-only /var */
		snprintf(buf, len, "%s", forced);
	} else if (geteuid() == 0) {
		snprintf(buf, len, "%s", COREDUMP_ROOT_DIR);
	} else if (run && run[0] == '/') {
		snprintf(buf, len, "%s/vmm/dump", run);
	} else {
		snprintf(err, errlen, "core dump: XDG_RUNTIME_DIR is not set: "
			 "no directory for the core (root's go to %s)",
			 COREDUMP_ROOT_DIR);
		return -1;
	}
	return make_dirs(buf, err, errlen);
}

static size_t note_size(size_t name_len, size_t desc_len)
{
	size_t n = (name_len + 1 + NOTE_ALIGN - 1) & ~(size_t)(NOTE_ALIGN - 1);
	size_t d = (desc_len + NOTE_ALIGN - 1) & ~(size_t)(NOTE_ALIGN - 1);

	return sizeof(Elf64_Nhdr) + n + d;
}

/* One note at BUF (zeroed beforehand, note_size() bytes). */
static size_t put_note(unsigned char *buf, const char *name, uint32_t type,
		       const void *desc, size_t desc_len)
{
	Elf64_Nhdr h = { .n_namesz = (Elf64_Word)strlen(name) + 1,
			 .n_descsz = (Elf64_Word)desc_len, .n_type = type };
	size_t at = sizeof(h);

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + at, name, h.n_namesz);
	at += (h.n_namesz + NOTE_ALIGN - 1) & ~(size_t)(NOTE_ALIGN - 1);
	memcpy(buf + at, desc, desc_len);
	return note_size(strlen(name), desc_len);
}

static void gregs_from_kvm(struct user_regs_struct *u,
			   const struct coredump_vcpu *v)
{
	const struct kvm_regs *r = &v->regs;
	const struct kvm_sregs *s = &v->sregs;

	*u = (struct user_regs_struct){
		.r15 = r->r15, .r14 = r->r14, .r13 = r->r13, .r12 = r->r12,
		.rbp = r->rbp, .rbx = r->rbx, .r11 = r->r11, .r10 = r->r10,
		.r9 = r->r9, .r8 = r->r8, .rax = r->rax, .rcx = r->rcx,
		.rdx = r->rdx, .rsi = r->rsi, .rdi = r->rdi,
		.orig_rax = (unsigned long long)-1, .rip = r->rip,
		.cs = s->cs.selector, .eflags = r->rflags, .rsp = r->rsp,
		.ss = s->ss.selector, .fs_base = s->fs.base,
		.gs_base = s->gs.base, .ds = s->ds.selector,
		.es = s->es.selector, .fs = s->fs.selector,
		.gs = s->gs.selector,
	};
}

static void segment_from_kvm(struct coredump_segment *c,
			     const struct kvm_segment *k)
{
	*c = (struct coredump_segment){
		.base = k->base, .limit = k->limit, .selector = k->selector,
		.type = k->type, .present = k->present, .dpl = k->dpl,
		.db = k->db, .s = k->s, .l = k->l, .g = k->g, .avl = k->avl,
		.unusable = k->unusable,
	};
}

static void sregs_from_kvm(struct coredump_sregs *c, const struct kvm_sregs *s)
{
	memset(c, 0, sizeof(*c));
	c->version = 1;
	c->size = sizeof(*c);
	c->cr0 = s->cr0, c->cr2 = s->cr2, c->cr3 = s->cr3, c->cr4 = s->cr4;
	c->cr8 = s->cr8, c->efer = s->efer, c->apic_base = s->apic_base;
	segment_from_kvm(&c->cs, &s->cs);
	segment_from_kvm(&c->ds, &s->ds);
	segment_from_kvm(&c->es, &s->es);
	segment_from_kvm(&c->fs, &s->fs);
	segment_from_kvm(&c->gs, &s->gs);
	segment_from_kvm(&c->ss, &s->ss);
	segment_from_kvm(&c->tr, &s->tr);
	segment_from_kvm(&c->ldt, &s->ldt);
	c->gdt_base = s->gdt.base, c->gdt_limit = s->gdt.limit;
	c->idt_base = s->idt.base, c->idt_limit = s->idt.limit;
}

static int write_all(int fd, const void *buf, size_t len, off_t at)
{
	const unsigned char *p = buf;

	while (len) {
		ssize_t n = pwrite(fd, p, len, at);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		p += n, at += n, len -= (size_t)n;
	}
	return 0;
}

static bool page_is_zero(const unsigned char *p, size_t len)
{
	static const unsigned char zero[PAGE];

	return !memcmp(p, zero, len);
}

/* A RAM range at AT: its non-zero pages, in runs. */
static int write_ram(int fd, const struct coredump_ram *r, off_t at)
{
	const unsigned char *base = r->host;
	uint64_t run = 0, len = 0;

	for (uint64_t off = 0; off < r->size; off += PAGE) {
		size_t n = r->size - off < PAGE ? r->size - off : PAGE;

		if (!page_is_zero(base + off, n)) {
			if (!len)
				run = off;
			len += n;
			continue;
		}
		if (len && write_all(fd, base + run, len, at + (off_t)run))
			return -1;
		len = 0;
	}
	if (len && write_all(fd, base + run, len, at + (off_t)run))
		return -1;
	return 0;
}

int coredump_write_fd(int fd, const struct coredump_ram *ram, unsigned n_ram,
		      const struct coredump_vcpu *vcpus, unsigned n_vcpus,
		      char *err, size_t errlen)
{
	size_t per_vcpu = note_size(4, sizeof(struct elf_prstatus)) +
			  note_size(3, sizeof(struct coredump_sregs));
	size_t notes_len = per_vcpu * n_vcpus;
	unsigned n_phdr = 1 + n_ram;
	off_t notes_at = sizeof(Elf64_Ehdr) + n_phdr * sizeof(Elf64_Phdr);
	off_t data_at = (notes_at + (off_t)notes_len + PAGE - 1) &
			~(off_t)(PAGE - 1);
	Elf64_Ehdr eh = {
		.e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64,
			     ELFDATA2LSB, EV_CURRENT, ELFOSABI_NONE },
		.e_type = ET_CORE, .e_machine = EM_X86_64,
		.e_version = EV_CURRENT, .e_phoff = sizeof(Elf64_Ehdr),
		.e_ehsize = sizeof(Elf64_Ehdr),
		.e_phentsize = sizeof(Elf64_Phdr),
		.e_phnum = (Elf64_Half)n_phdr,
	};
	Elf64_Phdr *ph = calloc(n_phdr, sizeof(*ph));
	unsigned char *notes = calloc(1, notes_len ? notes_len : 1);
	size_t at = 0;
	off_t end;
	int r = -1;

	if (!ph || !notes)
		abort();
	if (n_phdr > 0xfff0) {
		errno = E2BIG;
		fail(err, errlen, "too many RAM ranges");
		goto out;
	}
	for (unsigned i = 0; i < n_vcpus; i++) {
		struct elf_prstatus st;
		struct coredump_sregs sr;
		struct user_regs_struct u;

		memset(&st, 0, sizeof(st));
		st.pr_pid = (int)i + 1;
		gregs_from_kvm(&u, &vcpus[i]);
		memcpy(&st.pr_reg, &u, sizeof(st.pr_reg));
		at += put_note(notes + at, "CORE", NT_PRSTATUS, &st,
			       sizeof(st));
		sregs_from_kvm(&sr, &vcpus[i].sregs);
		at += put_note(notes + at, "VMM", COREDUMP_NOTE_SREGS, &sr,
			       sizeof(sr));
	}
	ph[0] = (Elf64_Phdr){ .p_type = PT_NOTE, .p_offset = (Elf64_Off)notes_at,
			      .p_filesz = notes_len, .p_align = NOTE_ALIGN };
	end = data_at;
	for (unsigned i = 0; i < n_ram; i++) {
		ph[1 + i] = (Elf64_Phdr){
			.p_type = PT_LOAD, .p_flags = PF_R | PF_W | PF_X,
			.p_offset = (Elf64_Off)end, .p_vaddr = 0,
			.p_paddr = ram[i].gpa, .p_filesz = ram[i].size,
			.p_memsz = ram[i].size, .p_align = PAGE,
		};
		end += (off_t)ram[i].size;
	}
	if (write_all(fd, &eh, sizeof(eh), 0) ||
	    write_all(fd, ph, n_phdr * sizeof(*ph), sizeof(eh)) ||
	    write_all(fd, notes, notes_len, notes_at)) {
		fail(err, errlen, "write");
		goto out;
	}
	for (unsigned i = 0; i < n_ram; i++) {
		if (write_ram(fd, &ram[i], (off_t)ph[1 + i].p_offset)) {
			fail(err, errlen, "write");
			goto out;
		}
	}
	/* the holes up to the end: the last pages may all be zero */
	if (ftruncate(fd, end)) {
		fail(err, errlen, "ftruncate");
		goto out;
	}
	r = 0;
out:
	free(ph);
	free(notes);
	return r;
}

int coredump_write(const char *dir, const char *name,
		   const struct coredump_ram *ram, unsigned n_ram,
		   const struct coredump_vcpu *vcpus, unsigned n_vcpus,
		   char *path, size_t path_len, char *err, size_t errlen)
{
	char where[4096], stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	int fd;

	if (errlen)
		err[0] = '\0';
	if (!dir) {
		if (coredump_dir(where, sizeof(where), err, errlen))
			return -1;
		dir = where;
	}
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	if (snprintf(path, path_len, "%s/%s-%s.core", dir, name, stamp) >=
	    (int)path_len) {
		errno = ENAMETOOLONG;
		return fail(err, errlen, dir);
	}
	/* a new file: never through a link, never over an older core */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0)
		return fail(err, errlen, path);
	if (coredump_write_fd(fd, ram, n_ram, vcpus, n_vcpus, err, errlen) ||
	    fsync(fd)) {
		if (!err[0])
			fail(err, errlen, path);
		close(fd);
		unlink(path);
		return -1;
	}
	if (close(fd)) {
		unlink(path);
		return fail(err, errlen, path);
	}
	return 0;
}
