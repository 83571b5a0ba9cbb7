// SPDX-License-Identifier: GPL-2.0
/*
 * mem-test: guest memory follows the VMM's address space, as with KVM (an
 * MMU notifier, no pins).  Whatever the VMM does to the memory behind a
 * memslot -- MADV_DONTNEED, munmap and a new mmap at the same address,
 * mremap, fork (the child writing its copy, or shared memory, then exiting),
 * truncating a shared file -- the guest then sees what the VMM sees, and the
 * VMM sees what the guest writes.  The same again many times while a second
 * vCPU walks the pages in guest mode.  The same suite runs on /dev/vmm and
 * /dev/kvm (kvm-amd in the nested host).
 *
 * Usage: mem-test                  the cmocka suite
 *        mem-test --bench-touch [MiB]
 *                                  time a guest writing one byte into each
 *                                  page of MiB (default 64) fresh MiB, then
 *                                  the same pages again (mapped already)
 *
 * Environment: VMM_DEV, VMM_TEST_FILTER as for abi-test; MEM_TEST_ROUNDS
 * (default 300) rounds of the tests under a running vCPU.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "kt-assert.h"

#include "kvmtest.h"
#include "guest-abi.h"
#include "guest-symbols.h"
#include "payloads.h"

#define SLOT0_SIZE	(1u << 20)	/* code, tables, stack */
#define MEM_SLOT	1
#define MEM_GPA		0x200000ull
#define MEM_PAGES	16
#define MEM_SIZE	(MEM_PAGES * KT_PAGE_SIZE)
#define BENCH_GPA	0x10000000ull
#define WATCHDOG_SECONDS 600
#define KICK_SIGNAL	SIGUSR1

/* The second vCPU, walking the test pages in its own thread. */
struct toucher {
	struct kt_vcpu vcpu;
	pthread_t thread;
	bool started;
	volatile bool stop;
	volatile bool finished;
	int efaults;		/* KVM_RUN -EFAULT: the memory was not there */
	int bad_result;		/* a KVM_RUN result that should not happen */
	char bad_exit[160];
};

struct fixture {
	struct kt_vm vm;
	struct kt_vcpu vcpu;	/* runs mem_probe, from the test's thread */
	uint8_t *mem;		/* what backs slot MEM_SLOT (the test's own) */
	size_t mem_size;
	int flags;		/* its mmap flags */
	int fd;			/* its file, or -1 */
	struct toucher t;
};

static void watchdog_fired(int sig)
{
	static const char msg[] = "mem-test: watchdog: a test hung, giving up\n";

	(void)sig;
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(124);
	_exit(124);
}

static void ignore_signal(int sig)
{
	(void)sig;
}

static int rounds(void)
{
	const char *s = getenv("MEM_TEST_ROUNDS");

	return s && atoi(s) > 0 ? atoi(s) : 300;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* --- the VM -------------------------------------------------------------- */

static int vm_setup(struct fixture *f)
{
	int r;

	f->vm.vm_fd = f->vm.sys_fd = f->vcpu.fd = f->t.vcpu.fd = -1;
	f->fd = -1;
	r = kt_vm_create(&f->vm);
	if (r == 0)
		r = kt_vm_add_memory(&f->vm, 0, 0, SLOT0_SIZE, NULL);
	if (r == 0)
		r = kt_vcpu_create(&f->vm, 0, &f->vcpu);
	if (r == 0)
		r = kt_write_guest(&f->vm, KT_CODE_GPA, PAYLOAD(mem_probe).bytes,
				   PAYLOAD(mem_probe).size);
	if (r == 0)
		r = kt_vcpu_setup_protected_mode(&f->vcpu, GUEST_SYM_mem_probe);
	if (r < 0)
		fprintf(stderr, "mem-test: creating the VM on %s: %s\n",
			kt_device_path(), strerror(-r));
	return r;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct sigaction kick = { .sa_handler = ignore_signal };

	if (!f)
		return -1;
	*state = f;
	sigaction(KICK_SIGNAL, &kick, NULL); /* no SA_RESTART: KVM_RUN ends */
	signal(SIGALRM, watchdog_fired);
	alarm(WATCHDOG_SECONDS);
	return vm_setup(f) < 0 ? -1 : 0;
}

static void toucher_stop(struct fixture *f);

static int teardown(void **state)
{
	struct fixture *f = *state;

	toucher_stop(f);
	alarm(0);
	kt_vcpu_destroy(&f->t.vcpu);
	kt_vcpu_destroy(&f->vcpu);
	kt_vm_destroy(&f->vm);
	if (f->mem)
		munmap(f->mem, f->mem_size);
	if (f->fd >= 0)
		close(f->fd);
	free(f);
	return 0;
}

static void *map_memory(size_t size, int flags, int fd, void *at)
{
	void *p = mmap(at, size, PROT_READ | PROT_WRITE,
		       flags | (at ? MAP_FIXED : 0) | (fd < 0 ? MAP_ANONYMOUS : 0),
		       fd, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Test memory (anonymous, or the file fd) registered as slot MEM_SLOT. */
static void add_test_memory(struct fixture *f, int flags, int fd)
{
	f->flags = flags;
	f->fd = fd;
	f->mem_size = MEM_SIZE;
	f->mem = map_memory(MEM_SIZE, flags, fd, NULL);
	assert_non_null(f->mem);
	assert_result(kt_set_memory_region(f->vm.vm_fd, MEM_SLOT, 0, MEM_GPA,
					   MEM_SIZE, (uintptr_t)f->mem), 0);
}

static uint32_t *host_word(struct fixture *f, unsigned int page,
			   unsigned int offset)
{
	return (uint32_t *)(f->mem + page * KT_PAGE_SIZE + offset);
}

static uint64_t page_gpa(unsigned int page, unsigned int offset)
{
	return MEM_GPA + page * KT_PAGE_SIZE + offset;
}

/* --- the probe vCPU ------------------------------------------------------ */

static int probe_command(struct kt_vcpu *v, uint32_t cmd, uint32_t addr)
{
	int r = kt_run_expect_in(v, MEM_PORT_CMD, 4, cmd);

	return r < 0 ? r : kt_run_expect_in(v, MEM_PORT_ARG, 4, addr);
}

/* What the guest reads at gpa (-errno as a negative int64). */
static int64_t guest_read(struct kt_vcpu *v, uint64_t gpa)
{
	uint32_t value;
	int r = probe_command(v, MEM_CMD_READ, gpa);

	if (r == 0)
		r = kt_run_expect_out(v, MEM_PORT_RESULT, 4, &value);
	return r < 0 ? r : (int64_t)value;
}

static int guest_write(struct kt_vcpu *v, uint64_t gpa, uint32_t value)
{
	uint32_t done;
	int r = probe_command(v, MEM_CMD_WRITE, gpa);

	if (r == 0)
		r = kt_run_expect_in(v, MEM_PORT_ARG, 4, value);
	if (r == 0)
		r = kt_run_expect_out(v, MEM_PORT_RESULT, 4, &done);
	if (r == 0 && done != MEM_DONE)
		r = -EPROTO;
	return r;
}

static int guest_touch(struct kt_vcpu *v, uint64_t gpa, uint32_t npages)
{
	uint32_t done;
	int r = probe_command(v, MEM_CMD_TOUCH, gpa);

	if (r == 0)
		r = kt_run_expect_in(v, MEM_PORT_ARG, 4, npages);
	if (r == 0)
		r = kt_run_expect_out(v, MEM_PORT_RESULT, 4, &done);
	if (r == 0 && done != MEM_DONE)
		r = -EPROTO;
	return r;
}

/* The guest reads `want` at offset 0 of every test page, and its writes
 * of ~want at offset 4 reach the VMM. Returns 0 or says what differed. */
static int check_both_ways(struct fixture *f, uint32_t want, const char *when)
{
	for (unsigned int p = 0; p < MEM_PAGES; p++) {
		int64_t got = guest_read(&f->vcpu, page_gpa(p, 0));
		int r;

		if (got != (int64_t)want) {
			fprintf(stderr, "mem-test: %s: guest read %#llx at page %u, the VMM sees %#x\n",
				when, (long long)got, p, *host_word(f, p, 0));
			return -1;
		}
		r = guest_write(&f->vcpu, page_gpa(p, 4), ~want);
		if (r < 0) {
			fprintf(stderr, "mem-test: %s: guest write to page %u: %s\n",
				when, p, strerror(-r));
			return -1;
		}
		if (*host_word(f, p, 4) != ~want) {
			fprintf(stderr, "mem-test: %s: the guest wrote %#x at page %u, the VMM sees %#x\n",
				when, ~want, p, *host_word(f, p, 4));
			return -1;
		}
	}
	return 0;
}

static void fill_pages(struct fixture *f, uint32_t value)
{
	for (unsigned int p = 0; p < MEM_PAGES; p++)
		*host_word(f, p, 0) = value;
}

/* VMM writes, guest reads; guest writes, VMM reads. */
static void assert_coherent(struct fixture *f, uint32_t value, const char *when)
{
	fill_pages(f, value);
	assert_int_equal(check_both_ways(f, value, when), 0);
}

/* --- the ways the VMM changes the memory behind the slot ------------------ */

static void drop_pages(struct fixture *f)
{
	assert_int_equal(madvise(f->mem, f->mem_size, MADV_DONTNEED), 0);
}

static void remap_fresh(struct fixture *f)
{
	assert_int_equal(munmap(f->mem, f->mem_size), 0);
	assert_ptr_equal(map_memory(f->mem_size, f->flags, f->fd, f->mem), f->mem);
}

/* Move the pages away and back (the address is empty in between). */
static void mremap_away_and_back(struct fixture *f)
{
	void *spare = map_memory(f->mem_size, MAP_PRIVATE, -1, NULL);
	void *moved;

	assert_non_null(spare);
	moved = mremap(f->mem, f->mem_size, f->mem_size,
		       MREMAP_MAYMOVE | MREMAP_FIXED, spare);
	assert_ptr_equal(moved, spare);
	moved = mremap(spare, f->mem_size, f->mem_size,
		       MREMAP_MAYMOVE | MREMAP_FIXED, f->mem);
	assert_ptr_equal(moved, f->mem);
}

/*
 * fork: the parent's private pages become copy-on-write (the child's
 * writes go to its own copies), shared ones stay shared. The child writes
 * `value` over offset 0 of every page and exits with 0 if it saw `seen`
 * there first. Returns the child's exit status.
 */
static int fork_child_writes(struct fixture *f, uint32_t seen, uint32_t value)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		int bad = 0;

		for (unsigned int p = 0; p < MEM_PAGES; p++) {
			bad |= *host_word(f, p, 0) != seen;
			*host_word(f, p, 0) = value;
		}
		_exit(bad);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* --- single operations ----------------------------------------------------- */

/* The case: the VMM drops a page the guest has read. */
static void test_madv_dontneed(void **state)
{
	struct fixture *f = *state;

	add_test_memory(f, MAP_PRIVATE, -1);
	assert_coherent(f, 0xabababab, "before MADV_DONTNEED");
	drop_pages(f);
	assert_int_equal(*host_word(f, 0, 0), 0);
	assert_int_equal(check_both_ways(f, 0, "after MADV_DONTNEED"), 0);
	/* Guest writes first this time, then the VMM drops them again. */
	assert_int_equal(guest_write(&f->vcpu, page_gpa(3, 8), 0x5eed), 0);
	assert_int_equal(*host_word(f, 3, 8), 0x5eed);
	drop_pages(f);
	assert_int_equal(guest_read(&f->vcpu, page_gpa(3, 8)), 0);
	assert_coherent(f, 0x12345678, "after the second MADV_DONTNEED");
}

/* munmap + a new mmap at the same address, the slot left as it is: the
 * slot names the address, so the guest sees the new memory (KVM allows
 * this; QEMU's RAM re-mapping relies on it). */
static void test_munmap_mmap_same_slot(void **state)
{
	struct fixture *f = *state;

	add_test_memory(f, MAP_PRIVATE, -1);
	assert_coherent(f, 0x11111111, "before munmap");
	remap_fresh(f);
	assert_int_equal(check_both_ways(f, 0, "after munmap + mmap"), 0);
	assert_coherent(f, 0x22222222, "after munmap + mmap, written");
}

/* The same with the slot deleted before and registered again after. */
static void test_munmap_mmap_slot_readded(void **state)
{
	struct fixture *f = *state;

	add_test_memory(f, MAP_PRIVATE, -1);
	assert_coherent(f, 0x33333333, "before munmap");
	assert_result(kt_set_memory_region(f->vm.vm_fd, MEM_SLOT, 0, MEM_GPA,
					   0, (uintptr_t)f->mem), 0);
	remap_fresh(f);
	fill_pages(f, 0x44444444);
	assert_result(kt_set_memory_region(f->vm.vm_fd, MEM_SLOT, 0, MEM_GPA,
					   MEM_SIZE, (uintptr_t)f->mem), 0);
	assert_int_equal(check_both_ways(f, 0x44444444, "slot re-added"), 0);
}

/* mremap: the pages move away (the guest must not keep them), other pages
 * are moved in (the guest sees those). */
static void test_mremap(void **state)
{
	struct fixture *f = *state;
	uint8_t *old_home, *incoming;

	add_test_memory(f, MAP_PRIVATE, -1);
	assert_coherent(f, 0x55555555, "before mremap");

	old_home = map_memory(MEM_SIZE, MAP_PRIVATE, -1, NULL);
	assert_non_null(old_home);
	assert_ptr_equal(mremap(f->mem, MEM_SIZE, MEM_SIZE,
				MREMAP_MAYMOVE | MREMAP_FIXED, old_home), old_home);
	assert_ptr_equal(map_memory(MEM_SIZE, MAP_PRIVATE, -1, f->mem), f->mem);
	assert_int_equal(check_both_ways(f, 0, "pages moved away"), 0);
	/* The moved pages kept the old contents, untouched by the guest. */
	assert_int_equal(*(uint32_t *)(old_home + 4), ~0x55555555u);
	assert_int_equal(*(uint32_t *)old_home, 0x55555555);

	incoming = map_memory(MEM_SIZE, MAP_PRIVATE, -1, NULL);
	assert_non_null(incoming);
	for (unsigned int p = 0; p < MEM_PAGES; p++)
		*(uint32_t *)(incoming + p * KT_PAGE_SIZE) = 0x66666666;
	assert_ptr_equal(mremap(incoming, MEM_SIZE, MEM_SIZE,
				MREMAP_MAYMOVE | MREMAP_FIXED, f->mem), f->mem);
	assert_int_equal(check_both_ways(f, 0x66666666, "pages moved in"), 0);
	munmap(old_home, MEM_SIZE);
}

/* fork, private memory: the child's writes stay the child's; the parent's
 * later writes (its copy-on-write, or the page back to itself once the
 * child is gone) reach the guest; the guest's reach the parent. */
static void test_fork_private(void **state)
{
	struct fixture *f = *state;

	add_test_memory(f, MAP_PRIVATE, -1);
	assert_coherent(f, 0x77777777, "before fork");
	assert_int_equal(fork_child_writes(f, 0x77777777, 0xdeaddead), 0);
	assert_int_equal(*host_word(f, 0, 0), 0x77777777);
	assert_int_equal(check_both_ways(f, 0x77777777, "after fork (private)"), 0);
	assert_coherent(f, 0x88888888, "after fork (private), written");
}

/* fork, shared memory: the child's writes are everybody's. */
static void test_fork_shared(void **state)
{
	struct fixture *f = *state;

	add_test_memory(f, MAP_SHARED, -1);
	assert_coherent(f, 0x99999999, "before fork");
	assert_int_equal(fork_child_writes(f, 0x99999999, 0xaaaaaaaa), 0);
	assert_int_equal(check_both_ways(f, 0xaaaaaaaa, "after fork (shared)"), 0);
	assert_coherent(f, 0xbbbbbbbb, "after fork (shared), written");
}

/* A shared file mapping: guest writes reach the file; the file's own
 * writes reach the guest; truncating it drops the pages for both. */
static void test_shared_file(void **state)
{
	struct fixture *f = *state;
	const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char path[256];
	uint32_t word;
	int fd;

	snprintf(path, sizeof(path), "%s/mem-test.XXXXXX", dir);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(ftruncate(fd, MEM_SIZE), 0);
	word = 0xf11ef11e;
	for (unsigned int p = 0; p < MEM_PAGES; p++)
		assert_int_equal(pwrite(fd, &word, 4, p * KT_PAGE_SIZE), 4);

	add_test_memory(f, MAP_SHARED, fd);
	assert_int_equal(check_both_ways(f, 0xf11ef11e, "file written with pwrite"), 0);
	for (unsigned int p = 0; p < MEM_PAGES; p++)
		assert_int_equal(guest_write(&f->vcpu, page_gpa(p, 16), 0x900d0000 + p), 0);
	assert_int_equal(msync(f->mem, MEM_SIZE, MS_SYNC), 0);
	for (unsigned int p = 0; p < MEM_PAGES; p++) {
		assert_int_equal(pread(fd, &word, 4, p * KT_PAGE_SIZE + 16), 4);
		assert_int_equal(word, 0x900d0000 + p);
	}
	word = 0xc0ffee;
	assert_int_equal(pwrite(fd, &word, 4, 5 * KT_PAGE_SIZE), 4);
	assert_int_equal(guest_read(&f->vcpu, page_gpa(5, 0)), 0xc0ffee);

	/* Truncate and grow back: the old pages are gone, zeroes come. */
	assert_int_equal(ftruncate(fd, 0), 0);
	assert_int_equal(ftruncate(fd, MEM_SIZE), 0);
	assert_int_equal(check_both_ways(f, 0, "file truncated"), 0);
	assert_int_equal(pread(fd, &word, 4, 7 * KT_PAGE_SIZE + 4), 4);
	assert_int_equal(word, ~0u);
}

/* --- the same under a vCPU running over the pages ------------------------- */

static void *toucher_main(void *arg)
{
	struct toucher *t = arg;

	while (!t->stop) {
		int r = kt_run(&t->vcpu);

		if (t->stop)
			break;
		if (r == -EFAULT) {	/* between munmap and mmap */
			t->efaults++;
			continue;
		}
		if (r == -EINTR)
			continue;
		t->bad_result = r < 0 ? r : 1000 + r;
		kt_describe_exit(&t->vcpu, t->bad_exit, sizeof(t->bad_exit));
		break;
	}
	t->finished = true;
	return NULL;
}

static void toucher_start(struct fixture *f)
{
	struct toucher *t = &f->t;
	struct kvm_regs regs;

	assert_result(kt_vcpu_create(&f->vm, 1, &t->vcpu), 0);
	assert_result(kt_vcpu_setup_protected_mode(&t->vcpu, GUEST_SYM_mem_toucher), 0);
	assert_result(kt_get_regs(&t->vcpu, &regs), 0);
	regs.rsi = MEM_GPA;
	regs.rdx = MEM_PAGES;
	assert_result(kt_set_regs(&t->vcpu, &regs), 0);
	assert_int_equal(pthread_create(&t->thread, NULL, toucher_main, t), 0);
	t->started = true;
}

static void toucher_stop(struct fixture *f)
{
	struct toucher *t = &f->t;

	if (!t->started)
		return;
	t->stop = true;
	t->vcpu.run->immediate_exit = 1;
	while (!t->finished) {
		pthread_kill(t->thread, KICK_SIGNAL);
		usleep(1000);
	}
	pthread_join(t->thread, NULL);
	t->vcpu.run->immediate_exit = 0;
	t->started = false;
}

/* The toucher's pass count, as the VMM sees it in the last page. */
static uint32_t toucher_mark(struct fixture *f)
{
	return __atomic_load_n(host_word(f, MEM_PAGES - 1, MEM_TOUCHER_OFFSET),
			       __ATOMIC_RELAXED);
}

/* The toucher's writes reach the VMM: its mark moves on by two passes. */
static int wait_toucher_passes(struct fixture *f, const char *when)
{
	uint32_t from = toucher_mark(f);
	double until = now_seconds() + 20;

	while (toucher_mark(f) - from < 2 || toucher_mark(f) < from) {
		if (f->t.finished || now_seconds() > until) {
			fprintf(stderr, "mem-test: %s: the running vCPU's writes do not reach the VMM (mark %u, was %u)%s\n",
				when, toucher_mark(f), from,
				f->t.finished ? ", it stopped" : "");
			/* Why it stopped: the assertion after this return
			 * ends the test before the caller could say. */
			if (f->t.finished)
				fprintf(stderr, "mem-test: the running vCPU stopped: %d (%s)\n",
					f->t.bad_result, f->t.bad_exit);
			return -1;
		}
		sched_yield();
	}
	return 0;
}

enum change { DONTNEED, REMAP, MREMAP, FORK, CHANGES };
static const char *const change_names[CHANGES] = {
	"MADV_DONTNEED", "munmap + mmap", "mremap away and back", "fork + exit",
};

static void stress(struct fixture *f, int flags)
{
	int n = rounds();
	char when[96];

	add_test_memory(f, flags, -1);
	toucher_start(f);
	for (int i = 0; i < n; i++) {
		enum change c = i % CHANGES;
		uint32_t value = 0x1000000 * (c + 1) + i;

		fill_pages(f, value);
		switch (c) {
		case DONTNEED:
			drop_pages(f);
			break;
		case REMAP:
			remap_fresh(f);
			break;
		case MREMAP:
			mremap_away_and_back(f);
			break;
		case FORK:
			assert_int_equal(fork_child_writes(f, value, ~value), 0);
			break;
		default:
			break;
		}
		/* What the VMM sees now, then new values both ways. */
		snprintf(when, sizeof(when), "round %d, after %s", i, change_names[c]);
		assert_int_equal(check_both_ways(f, *host_word(f, 0, 0), when), 0);
		assert_coherent(f, value ^ 0x5a5a5a5a, when);
		if (f->t.finished)
			break;
	}
	assert_int_equal(wait_toucher_passes(f, "at the end"), 0);
	toucher_stop(f);
	if (f->t.bad_result)
		fprintf(stderr, "mem-test: the running vCPU stopped: %d (%s)\n",
			f->t.bad_result, f->t.bad_exit);
	assert_int_equal(f->t.bad_result, 0);

	/* It writes the pass number into the pages in order: the VMM must
	 * see its last pass (EBX) or the one before in each page, never
	 * going up along the pages. */
	struct kvm_regs regs;
	uint32_t before = ~0u;

	assert_result(kt_get_regs(&f->t.vcpu, &regs), 0);
	for (unsigned int p = 0; p < MEM_PAGES; p++) {
		uint32_t mark = *host_word(f, p, MEM_TOUCHER_OFFSET);
		uint32_t ebx = regs.rbx;
		bool ok = (mark == ebx || mark == ebx - 1) && mark <= before;

		if (!ok)
			fprintf(stderr, "mem-test: page %u: the VMM sees pass %u, the vCPU stopped in pass %u\n",
				p, mark, ebx);
		assert_true(ok);
		before = mark;
	}
	printf("%d rounds; the running vCPU made %llu passes, hit %d missing pages (KVM_RUN -EFAULT)\n",
	       n, (unsigned long long)regs.rbx, f->t.efaults);
}

static void test_running_vcpu_private(void **state)
{
	stress(*state, MAP_PRIVATE);
}

static void test_running_vcpu_shared(void **state)
{
	stress(*state, MAP_SHARED);
}

/* --- benchmark --------------------------------------------------------------- */

static int bench_touch(int mib)
{
	struct fixture f = { 0 };
	size_t size = (size_t)mib << 20;
	uint32_t pages = size / KT_PAGE_SIZE;
	void *mem;
	double t0, t1, t2;
	int r;

	if (vm_setup(&f) < 0)
		return 1;
	mem = map_memory(size, MAP_PRIVATE | MAP_NORESERVE, -1, NULL);
	if (!mem)
		return 1;
	madvise(mem, size, MADV_NOHUGEPAGE); /* 4 KiB faults, as the NPT maps */
	r = kt_set_memory_region(f.vm.vm_fd, MEM_SLOT, 0, BENCH_GPA, size,
				 (uintptr_t)mem);
	t0 = now_seconds();
	if (r == 0)
		r = guest_touch(&f.vcpu, BENCH_GPA, pages);
	t1 = now_seconds();
	if (r == 0)
		r = guest_touch(&f.vcpu, BENCH_GPA, pages);
	t2 = now_seconds();
	if (r < 0) {
		fprintf(stderr, "mem-test: touching guest memory: %s\n", strerror(-r));
		return 1;
	}
	printf("bench-touch %s: %d MiB (%u pages) fresh: %.1f ms (%.2f us/page); again: %.1f ms\n",
	       kt_device_path(), mib, pages, (t1 - t0) * 1e3,
	       (t1 - t0) * 1e6 / pages, (t2 - t1) * 1e3);
	kt_vcpu_destroy(&f.vcpu);
	kt_vm_destroy(&f.vm);
	munmap(mem, size);
	return 0;
}

/* ------------------------------------------------------------------------ */

#define MEM_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		MEM_TEST(test_madv_dontneed),
		MEM_TEST(test_munmap_mmap_same_slot),
		MEM_TEST(test_munmap_mmap_slot_readded),
		MEM_TEST(test_mremap),
		MEM_TEST(test_fork_private),
		MEM_TEST(test_fork_shared),
		MEM_TEST(test_shared_file),
		MEM_TEST(test_running_vcpu_private),
		MEM_TEST(test_running_vcpu_shared),
	};

	if (argc > 1 && !strcmp(argv[1], "--bench-touch"))
		return bench_touch(argc > 2 ? atoi(argv[2]) : 64);
	printf("mem-test: device %s, %d rounds under a running vCPU\n",
	       kt_device_path(), rounds());
	fflush(stdout);
	if (getenv("VMM_TEST_FILTER"))
		cmocka_set_test_filter(getenv("VMM_TEST_FILTER"));
	return cmocka_run_group_tests_name("guest-memory", tests, NULL, NULL);
}
