// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the guest core writer (vmm/coredump.c): the ELF file read
 * back field by field (header, program headers, each vCPU's notes, every
 * byte of guest RAM), zero pages as holes, the file's name and mode, and
 * readelf's view of it when binutils is there.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/procfs.h>
#include <sys/stat.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "vmm/coredump.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test-coredump.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static void fill_vcpu(struct coredump_vcpu *v, unsigned i)
{
	memset(v, 0, sizeof(*v));
	v->regs.rax = 0x1111000000000000ULL + i;
	v->regs.rbx = 0x2222;
	v->regs.rsp = 0x7000 + i;
	v->regs.rip = 0xffffffff81000000ULL + i;
	v->regs.rflags = 0x246;
	v->regs.r15 = 0xf15;
	v->sregs.cr0 = 0x80050033;
	v->sregs.cr3 = 0x1000 * (i + 1);
	v->sregs.cr4 = 0x3406e0;
	v->sregs.efer = 0xd01;
	v->sregs.cs = (struct kvm_segment){ .base = 0, .limit = 0xffffffff,
		.selector = 0x10, .type = 11, .present = 1, .s = 1, .l = 1,
		.g = 1 };
	v->sregs.ss.selector = 0x18;
	v->sregs.gs.base = 0xffff888000000000ULL + i;
	v->sregs.gdt.base = 0xfffffe0000001000ULL;
	v->sregs.gdt.limit = 0x7f;
}

static unsigned char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	unsigned char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void core_reads_back(void **state)
{
	enum { LOW = 16 * 4096, HIGH = 2 * 4096 + 100 };
	unsigned char *low = calloc(1, LOW), *high = calloc(1, HIGH), *core;
	struct coredump_ram ram[2] = {
		{ .gpa = 0, .host = low, .size = LOW },
		{ .gpa = 0x100000000ULL, .host = high, .size = HIGH },
	};
	struct coredump_vcpu vcpus[2];
	char path[512], err[256], prefix[128];
	const Elf64_Ehdr *eh;
	const Elf64_Phdr *ph;
	size_t len, at;
	struct stat st;
	unsigned seen = 0;

	(void)state;
	assert_non_null(low);
	assert_non_null(high);
	/* some pages written, most zero (holes), the tail of the last range
	 * not page-sized */
	for (size_t i = 0; i < 4096; i++)
		low[i] = (unsigned char)(i * 7 + 1);
	memset(low + 5 * 4096 + 10, 0xab, 3000);
	low[LOW - 1] = 0x5a;
	high[HIGH - 1] = 0xee;
	fill_vcpu(&vcpus[0], 0);
	fill_vcpu(&vcpus[1], 1);

	if (coredump_write(dir, "guest-1", ram, 2, vcpus, 2, path, sizeof(path),
			   err, sizeof(err)))
		fail_msg("%s", err);
	snprintf(prefix, sizeof(prefix), "%s/guest-1-", dir);
	assert_int_equal(strncmp(path, prefix, strlen(prefix)), 0);
	assert_string_equal(path + strlen(path) - 5, ".core");
	assert_int_equal(strlen(path), strlen(prefix) + strlen("YYYYMMDD-"
							       "HHMMSS.core"));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);

	core = read_all(path, &len);
	eh = (const Elf64_Ehdr *)core;
	assert_int_equal(memcmp(eh->e_ident, ELFMAG, SELFMAG), 0);
	assert_int_equal(eh->e_ident[EI_CLASS], ELFCLASS64);
	assert_int_equal(eh->e_ident[EI_DATA], ELFDATA2LSB);
	assert_int_equal(eh->e_type, ET_CORE);
	assert_int_equal(eh->e_machine, EM_X86_64);
	assert_int_equal(eh->e_phnum, 3);
	assert_int_equal(eh->e_phentsize, sizeof(Elf64_Phdr));
	ph = (const Elf64_Phdr *)(core + eh->e_phoff);

	/* the notes: per vCPU NT_PRSTATUS then the VMM sregs note */
	assert_int_equal(ph[0].p_type, PT_NOTE);
	assert_true(ph[0].p_offset + ph[0].p_filesz <= len);
	for (at = 0; at < ph[0].p_filesz; seen++) {
		const Elf64_Nhdr *nh = (const void *)(core + ph[0].p_offset +
						      at);
		const char *name = (const char *)(nh + 1);
		const unsigned char *desc = (const unsigned char *)name +
					    ((nh->n_namesz + 3) & ~3u);
		unsigned vcpu = seen / 2;

		if (seen % 2 == 0) {
			/* notes are 4-byte aligned: copied out to be read */
			struct elf_prstatus prs, *ps = &prs;
			struct user_regs_struct regs, *u = &regs;

			memcpy(ps, desc, sizeof(*ps));
			memcpy(u, &ps->pr_reg, sizeof(*u));

			assert_string_equal(name, "CORE");
			assert_int_equal(nh->n_type, NT_PRSTATUS);
			assert_int_equal(nh->n_descsz, sizeof(*ps));
			assert_int_equal(ps->pr_pid, vcpu + 1);
			assert_int_equal(u->rax, 0x1111000000000000ULL + vcpu);
			assert_int_equal(u->rip, 0xffffffff81000000ULL + vcpu);
			assert_int_equal(u->rsp, 0x7000 + vcpu);
			assert_int_equal(u->eflags, 0x246);
			assert_int_equal(u->r15, 0xf15);
			assert_int_equal(u->cs, 0x10);
			assert_int_equal(u->ss, 0x18);
			assert_int_equal(u->gs_base,
					 0xffff888000000000ULL + vcpu);
		} else {
			struct coredump_sregs sr;

			assert_string_equal(name, "VMM");
			assert_int_equal(nh->n_type, COREDUMP_NOTE_SREGS);
			assert_int_equal(nh->n_descsz, sizeof(sr));
			memcpy(&sr, desc, sizeof(sr));
			assert_int_equal(sr.version, 1);
			assert_int_equal(sr.size, sizeof(sr));
			assert_int_equal(sr.cr0, 0x80050033);
			assert_int_equal(sr.cr3, 0x1000 * (vcpu + 1));
			assert_int_equal(sr.efer, 0xd01);
			assert_int_equal(sr.cs.selector, 0x10);
			assert_int_equal(sr.cs.l, 1);
			assert_int_equal(sr.cs.limit, 0xffffffff);
			assert_int_equal(sr.gdt_base, 0xfffffe0000001000ULL);
			assert_int_equal(sr.gdt_limit, 0x7f);
		}
		at += sizeof(*nh) + ((nh->n_namesz + 3) & ~3u) +
		      ((nh->n_descsz + 3) & ~3u);
	}
	assert_int_equal(seen, 4);
	assert_int_equal(at, ph[0].p_filesz);

	/* guest RAM: where and every byte */
	for (unsigned i = 0; i < 2; i++) {
		const Elf64_Phdr *p = &ph[1 + i];

		assert_int_equal(p->p_type, PT_LOAD);
		assert_int_equal(p->p_paddr, ram[i].gpa);
		assert_int_equal(p->p_vaddr, 0);
		assert_int_equal(p->p_filesz, ram[i].size);
		assert_int_equal(p->p_memsz, ram[i].size);
		assert_int_equal(p->p_offset % 4096, 0);
		assert_true(p->p_offset + p->p_filesz <= len);
		assert_memory_equal(core + p->p_offset, ram[i].host,
				    ram[i].size);
	}
	assert_int_equal(len, ph[2].p_offset + ph[2].p_filesz);
	/* zero pages are holes: the file takes much less than its size */
	assert_true((uint64_t)st.st_blocks * 512 < (uint64_t)st.st_size / 2);

	/* readelf agrees, when binutils is installed */
	if (!system("command -v readelf >/dev/null 2>&1")) {
		char cmd[1024], out[256];
		FILE *f;
		int loads = 0, prstatus = 0;

		snprintf(cmd, sizeof(cmd), "readelf -W -h -l -n '%s' 2>&1",
			 path);
		f = popen(cmd, "r");
		assert_non_null(f);
		while (fgets(out, sizeof(out), f)) {
			if (strstr(out, "Error") || strstr(out, "Warning"))
				fail_msg("readelf: %s", out);
			loads += strncmp(out, "  LOAD", 6) == 0;
			prstatus += strstr(out, "NT_PRSTATUS") != NULL;
		}
		assert_int_equal(pclose(f), 0);
		assert_int_equal(loads, 2);
		assert_int_equal(prstatus, 2);
	}
	free(core);
	free(low);
	free(high);
}

static void core_errors(void **state)
{
	unsigned char page[4096] = { 1 };
	struct coredump_ram ram = { .gpa = 0, .host = page, .size = 4096 };
	struct coredump_vcpu v;
	char path[256], err[256], missing[128];

	(void)state;
	fill_vcpu(&v, 0);
	snprintf(missing, sizeof(missing), "%s/no/such/dir", dir);
	assert_int_equal(coredump_write(missing, "g", &ram, 1, &v, 1, path,
					sizeof(path), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "core dump: "));
	assert_non_null(strstr(err, "No such file or directory"));
	/* a path too long for the buffer: refused, nothing written */
	assert_int_equal(coredump_write(dir, "g", &ram, 1, &v, 1, path, 16,
					err, sizeof(err)), -1);
	assert_non_null(strstr(err, "File name too long"));
}

/* The directory checks, as the user running them (a child may drop root). */
static int directory_checks(void)
{
	char buf[256], want[256], err[256], run[128];
	struct stat st;

	snprintf(run, sizeof(run), "%s/run", dir);
	if (mkdir(run, 0700))
		return 1;
	setenv("XDG_RUNTIME_DIR", run, 1);
	if (coredump_dir(buf, sizeof(buf), err, sizeof(err)))
		return 2;
	snprintf(want, sizeof(want), "%s/vmm/dump", run);
	if (strcmp(buf, want) || stat(buf, &st) || !S_ISDIR(st.st_mode) ||
	    (st.st_mode & 0777) != 0700)
		return 3;
	unsetenv("XDG_RUNTIME_DIR");
	if (coredump_dir(buf, sizeof(buf), err, sizeof(err)) != -1 ||
	    !strstr(err, "XDG_RUNTIME_DIR is not set"))
		return 4;
	/* VMM_DUMP_DIR wins when absolute */
	snprintf(want, sizeof(want), "%s/forced/dump", run);
	setenv("VMM_DUMP_DIR", want, 1);
	if (coredump_dir(buf, sizeof(buf), err, sizeof(err)) ||
	    strcmp(buf, want) || stat(buf, &st))
		return 5;
	setenv("VMM_DUMP_DIR", "relative", 1);
	if (coredump_dir(buf, sizeof(buf), err, sizeof(err)) != -1)
		return 6;
	unsetenv("VMM_DUMP_DIR");
	return 0;
}

/* Non-root: $XDG_RUNTIME_DIR/vmm/dump, made 0700; without it, an error.
 * Run as root, the check drops to nobody in a child: root's own
 * /var/lib/vmm/dump is not made by a unit test. */
static void core_directory(void **state)
{
	int status;
	pid_t pid;

	(void)state;
	assert_string_equal(COREDUMP_ROOT_DIR, "/var/lib/vmm/dump");
	assert_int_equal(chmod(dir, 0777), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (geteuid() == 0 && (setgid(65534) || setuid(65534)))
			_exit(10);
		_exit(directory_checks());
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(chmod(dir, 0700), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(core_reads_back),
		cmocka_unit_test(core_errors),
		cmocka_unit_test(core_directory),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
