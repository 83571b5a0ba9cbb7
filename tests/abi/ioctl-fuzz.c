// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl-fuzz: several threads throw random ioctls with random and boundary
 * arguments at one VM (its system, VM and vCPU fds), run random guest code,
 * add, move and delete memslots and replace their memory while vCPUs run,
 * close vCPU and VM fds under running vCPUs, create and drop whole VMs and
 * fork with the fds open.  It checks that the host survives (the nested test
 * host fails the run on any kernel warning, tests/abi/fuzz-check checks the
 * use count, free memory and rmmod afterwards), that no ioctl takes longer
 * than a bound, and the few answers that must hold whatever else happens
 * (API version, mmap size, register round trips on a vCPU only one thread
 * touches).  It never expects particular errnos: KVM's are not the point.
 *
 * Usage: ioctl-fuzz [--seed N] [--seconds S] [--threads T] [--round S]
 *                   [--skip LETTERS]
 *   --seed     first value of every PRNG (default: from the clock; printed)
 *   --seconds  total running time (default 20)
 *   --threads  fuzzing threads on the shared VM (default 4, at most 16)
 *   --round    seconds per round: each round builds a fresh VM and tears it
 *              down at the end (default 4)
 *   --skip     operation classes to leave out, to narrow a failure down:
 *              r KVM_RUN, v vCPU ioctls, m VM ioctls and memslots, s system
 *              ioctls, x random numbers, c vCPU close, C VM close, p slot
 *              memory replaced, f fork, t transient VMs, i invariants
 * Exit status: 0 fine, 1 an invariant broke, 2 an ioctl hung (the message
 * names the thread, the ioctl and the seed), 3 setup failed.
 *
 * Reproducing: every random choice of thread t in round r comes from its
 * own PRNG seeded with (seed, r, t), so a seed replays the same sequence of
 * operations per thread; the interleaving of the threads is the scheduler's.
 * Each thread prints nothing while fuzzing; the last operation of every
 * thread is kept and printed when something fails.
 *
 * Environment: VMM_DEV (device, default /dev/vmm if present, else /dev/kvm),
 * VMM_MODULE (checks its use count is back after each round when set).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kvmtest.h"

#define MAX_THREADS		16
#define NR_VCPU_HANDLES		6
#define NR_FUZZ_SLOTS		5	/* memslots 1..5, moved around */
#define SLOT0_SIZE		(2ul << 20)
#define FUZZ_SLOT_SIZE		(1ul << 20)
#define PAGE			4096ul
#define SCRATCH_SIZE		(256ul << 10)	/* per-thread valid buffer */
#define KICK_SIGNAL		SIGUSR1
#define OP_LIMIT_MS		20000	/* an ioctl longer than this is a hang */
#define TEARDOWN_LIMIT_MS	60000
#define MAX_RUN_MAPS		4096
#define PRIVATE_VCPU_ID_BASE	40	/* ids of the per-thread vCPUs */

/* ------------------------------------------------------------------------
 * Random numbers: splitmix64, one state per thread.
 */

static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t rng_below(uint64_t *s, uint64_t n)
{
	return n ? rng_next(s) % n : 0;
}

static bool rng_chance(uint64_t *s, unsigned int percent)
{
	return rng_below(s, 100) < percent;
}

static void rng_fill(uint64_t *s, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		uint64_t r = rng_next(s);
		size_t n = len < 8 ? len : 8;

		memcpy(p, &r, n);
		p += n;
		len -= n;
	}
}

static const uint64_t boundary_values[] = {
	0, 1, 2, 3, 7, 8, 0xf, 0x10, 0x7f, 0x80, 0xff, 0x100, 0x101, 0x3ff,
	0x400, 0xfff, 0x1000, 0x1001, 0xffff, 0x10000, 0x1fffff, 0x200000,
	0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 0x100000000ull,
	0xfffffffffull, 0x1000000000ull, 0x7fffffffffffull, 0x800000000000ull,
	0xffff800000000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull,
	0xfffffffffffff000ull, 0xfffffffffffffffeull, 0xffffffffffffffffull,
};
#define NR_BOUNDARY (sizeof(boundary_values) / sizeof(boundary_values[0]))

/* A value: half boundary (sometimes +-1), half random of a random width. */
static uint64_t rng_value(uint64_t *s)
{
	uint64_t v;

	switch (rng_below(s, 4)) {
	case 0:
		return boundary_values[rng_below(s, NR_BOUNDARY)];
	case 1:
		v = boundary_values[rng_below(s, NR_BOUNDARY)];
		return rng_chance(s, 50) ? v + 1 : v - 1;
	case 2:
		return rng_next(s) & ((1ull << rng_below(s, 64)) - 1);
	default:
		return rng_next(s);
	}
}

/* Counts for nent/nmsrs/nr_xcrs and the like. */
static uint32_t rng_count(uint64_t *s)
{
	static const uint32_t counts[] = {
		0, 1, 2, 3, 16, 17, 64, 80, 100, 127, 128, 255, 256, 257,
		1023, 1024, 4096, 0x10000, 0x7fffffff, 0x80000000,
		0xfffffffe, 0xffffffff,
	};

	if (rng_chance(s, 75))
		return counts[rng_below(s, sizeof(counts) / sizeof(counts[0]))];
	return (uint32_t)rng_value(s);
}

/* ------------------------------------------------------------------------
 * Global state: options, the watchdog's view of every thread, statistics.
 */

static struct {
	uint64_t seed;
	double seconds;
	double round_seconds;
	int threads;
	const char *device;
	const char *skip;	/* operation classes left out (bisecting) */
} opt = { .skip = "", .seconds = 20, .round_seconds = 4, .threads = 4 };

struct thread_status {
	atomic_llong since_ms;		/* 0: between operations */
	_Atomic(const char *) what;	/* the operation in progress */
	atomic_ulong ops;
};

/* Index MAX_THREADS is the main thread (setup and teardown). */
static struct thread_status status[MAX_THREADS + 1];

/*
 * The fuzzer crashed (its own bug, or a guest that wrote into this process's
 * memory through a slot that should not have reached it): say where and
 * what every thread was doing, with async-signal-safe writes only.
 */
static void crash_write(const char *str)
{
	ssize_t ignored = write(2, str, strlen(str));

	(void)ignored;
}

static void crash_hex(unsigned long v)
{
	char buf[19] = "0x";

	for (int i = 0; i < 16; i++)
		buf[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 0xf];
	buf[18] = 0;
	crash_write(buf);
}

static void on_crash(int sig, siginfo_t *info, void *uctx)
{
	(void)uctx;
	crash_write(sig == SIGSEGV ? "ioctl-fuzz: SIGSEGV at " :
		    "ioctl-fuzz: SIGBUS at ");
	crash_hex((unsigned long)info->si_addr);
	crash_write("\n");
	for (int t = 0; t <= MAX_THREADS; t++) {
		const char *what = atomic_load(&status[t].what);

		if (!what)
			continue;
		crash_write("ioctl-fuzz:   thread ");
		crash_hex(t);
		crash_write(": ");
		crash_write(what);
		crash_write("\n");
	}
	raise(sig);
}
static atomic_int current_round;
static atomic_int failures;
static atomic_bool stop_threads;

static struct {
	atomic_ulong ioctls, runs, exits[32], run_errors, intr, memslot_ok,
		memslot_calls, vcpu_closes, vm_closes, remaps, forks,
		transient_vms, invariants, random_ioctls;
} stats;

static long long monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void begin(int t, const char *what)
{
	atomic_store(&status[t].what, what);
	atomic_store(&status[t].since_ms, monotonic_ms());
	atomic_fetch_add(&status[t].ops, 1);
}

static void end(int t)
{
	atomic_store(&status[t].since_ms, 0);
}

static void print_replay(void)
{
	fprintf(stderr, "ioctl-fuzz: replay with: ioctl-fuzz --seed %" PRIu64
		" --threads %d --seconds %g --round %g (round %d)\n", opt.seed,
		opt.threads, opt.seconds, opt.round_seconds,
		atomic_load(&current_round));
}

static void fail(int t, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "ioctl-fuzz: FAILED (seed %" PRIu64 ", round %d, "
		"thread %d, operation %lu): %s\n", opt.seed,
		atomic_load(&current_round), t,
		atomic_load(&status[t].ops), msg);
	if (atomic_fetch_add(&failures, 1) == 0)
		print_replay();
}

/* Ends the program when an operation has not come back in time: the kicks
 * (KICK_SIGNAL every few ms) end any KVM_RUN, so nothing may take long. */
static void *watchdog_main(void *arg)
{
	(void)arg;
	for (;;) {
		long long now = monotonic_ms();

		for (int t = 0; t <= MAX_THREADS; t++) {
			long long since = atomic_load(&status[t].since_ms);
			long long limit = t == MAX_THREADS ? TEARDOWN_LIMIT_MS :
				OP_LIMIT_MS;

			if (!since || now - since <= limit)
				continue;
			fprintf(stderr, "ioctl-fuzz: HANG: %s %d in %s for %lld "
				"ms (seed %" PRIu64 ", round %d)\n",
				t == MAX_THREADS ? "main thread" : "thread",
				t, atomic_load(&status[t].what), now - since,
				opt.seed, atomic_load(&current_round));
			for (int u = 0; u < opt.threads; u++)
				fprintf(stderr, "ioctl-fuzz:   thread %d: %s "
					"(%s)\n", u,
					atomic_load(&status[u].what) ?
					atomic_load(&status[u].what) : "-",
					atomic_load(&status[u].since_ms) ?
					"in progress" : "done");
			print_replay();
			fflush(stderr);
			_exit(2);
		}
		usleep(100000);
	}
	return NULL;
}

/* ------------------------------------------------------------------------
 * Memory the arguments point to: a valid per-thread buffer, and pages that
 * are unmapped, PROT_NONE, read-only; pointers running off a mapping.
 */

static struct {
	uint8_t *base;
	uint8_t *unmapped, *none, *readonly;
} bad;

static void map_bad_memory(void)
{
	uint8_t *m = mmap(NULL, 5 * PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED) {
		perror("ioctl-fuzz: mmap");
		exit(3);
	}
	memset(m, 0xa5, 5 * PAGE);
	bad.base = m;
	munmap(m + PAGE, PAGE);
	mprotect(m + 2 * PAGE, PAGE, PROT_READ);
	mprotect(m + 3 * PAGE, PAGE, PROT_NONE);
	munmap(m + 4 * PAGE, PAGE);
	bad.unmapped = m + PAGE;
	bad.readonly = m + 2 * PAGE;
	bad.none = m + 3 * PAGE;
}

/* An argument pointer for a structure of `size` bytes whose valid contents
 * the caller put into `valid`: mostly that, else something hostile. */
static void *rng_pointer(uint64_t *s, void *valid, size_t size)
{
	switch (rng_below(s, 20)) {
	case 0:
		return NULL;
	case 1:
		return bad.unmapped;
	case 2:
		return bad.none;
	case 3:
		return bad.readonly;
	/* At most a page before: a bigger step would start below bad.base,
	 * in whatever is mapped there (libc's data: a KVM_GET_CPUID2 answer
	 * landed in malloc's main_arena, 20 pages below, and the fuzzer
	 * crashed in malloc). */
	case 4:	/* runs into the unmapped page */
		return bad.unmapped - (size > 1 ? rng_below(s, size < PAGE ?
							size : PAGE) + 1 : 1);
	case 5:	/* the end of the read-only page into PROT_NONE */
		return bad.none - (size > 1 ? rng_below(s, size < PAGE ?
							size : PAGE) + 1 : 1);
	case 6:
		return (void *)(uintptr_t)boundary_values[rng_below(s,
							NR_BOUNDARY)];
	case 7:	/* misaligned inside the valid buffer */
		return (uint8_t *)valid + 1 + rng_below(s, 7);
	default:
		return valid;
	}
}

/* ------------------------------------------------------------------------
 * The world of one round: the system fd, one VM, its vCPUs.  Fd numbers of
 * the VM and the vCPU handles never change during a round: "closing" one is
 * dup2() of /dev/null over it (the kvm file loses that reference while other
 * threads may be inside an ioctl on it), "creating" one is dup2() of the new
 * fd onto the number.  So a random ioctl on a handle always reaches either a
 * kvm file or /dev/null, never another file of this process.
 */

struct handle {
	int fd;				/* fixed number for the round */
	pthread_mutex_t life;		/* one closer/creator at a time */
	atomic_bool live;
	_Atomic(struct kvm_run *) run;	/* stays mapped to the round's end */
};

struct fuzz_slot {
	pthread_mutex_t lock;
	uint8_t *host;			/* FUZZ_SLOT_SIZE, address fixed */
	uint64_t gpa;
	uint64_t size;
	uint32_t flags;
	uint64_t offset;		/* of the memory in host */
	bool registered;
};

static struct world {
	int null_fd;
	int sys_fd;
	int first_fd;			/* close_range() from here at the end */
	struct handle vm;
	struct handle vcpu[NR_VCPU_HANDLES];
	struct kt_vm ktvm;		/* slot 0 only, for the kvmtest setups */
	uint8_t *slot0;
	/* Readers: threads writing into slot 0 from userspace; writer: the
	 * thread replacing slot 0's memory under the running vCPUs. */
	pthread_rwlock_t slot0_lock;
	struct fuzz_slot slots[NR_FUZZ_SLOTS];
	int mmap_size;
	int api_version;
	pthread_mutex_t maps_lock;
	struct { void *addr; size_t size; } maps[MAX_RUN_MAPS];
	int nr_maps;
	/* Per-thread vCPU for the invariants: nobody else touches it. */
	struct kt_vcpu priv[MAX_THREADS];
	struct kvm_cpuid2 *supported_cpuid;
	int efds[3];			/* for KVM_IOEVENTFD */
	uint32_t msr_list[512];
	unsigned int nr_msr_list;
} w;

static int fz_ioctl(int t, const char *name, int fd, unsigned long req,
		    unsigned long arg)
{
	int r;

	begin(t, name);
	r = ioctl(fd, req, arg);
	if (r < 0)
		r = -errno;
	end(t);
	atomic_fetch_add(&stats.ioctls, 1);
	return r;
}

static void remember_map(void *addr, size_t size)
{
	pthread_mutex_lock(&w.maps_lock);
	if (w.nr_maps < MAX_RUN_MAPS) {
		w.maps[w.nr_maps].addr = addr;
		w.maps[w.nr_maps].size = size;
		w.nr_maps++;
	}
	pthread_mutex_unlock(&w.maps_lock);
}

static int register_slot0(int t, int vm_fd)
{
	struct kvm_userspace_memory_region r = {
		.slot = 0, .memory_size = SLOT0_SIZE,
		.userspace_addr = (uintptr_t)w.slot0,
	};

	return fz_ioctl(t, "KVM_SET_USER_MEMORY_REGION (slot 0)", vm_fd,
			KVM_SET_USER_MEMORY_REGION, (unsigned long)&r);
}

/* Create vCPU `id` in the current VM and put it at handle h's number. */
static bool vcpu_handle_create(int t, struct handle *h, unsigned int id)
{
	struct kvm_run *run;
	int fd;

	fd = fz_ioctl(t, "KVM_CREATE_VCPU", w.vm.fd, KVM_CREATE_VCPU, id);
	if (fd < 0)
		return false;
	begin(t, "mmap kvm_run");
	run = mmap(NULL, w.mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   0);
	end(t);
	if (run == MAP_FAILED) {
		close(fd);
		return false;
	}
	remember_map(run, w.mmap_size);
	atomic_store(&h->run, run);
	if (dup2(fd, h->fd) < 0) {
		close(fd);
		return false;
	}
	close(fd);
	atomic_store(&h->live, true);
	return true;
}

static void handle_close(int t, struct handle *h)
{
	begin(t, "close (dup2 /dev/null over the fd)");
	atomic_store(&h->live, false);
	dup2(w.null_fd, h->fd);
	end(t);
}

static void world_create(void)
{
	const int t = MAX_THREADS;
	int fd;

	memset(&w, 0, sizeof(w));
	w.null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	w.first_fd = w.null_fd;
	begin(t, "open device");
	w.sys_fd = open(opt.device, O_RDWR | O_CLOEXEC);
	end(t);
	if (w.null_fd < 0 || w.sys_fd < 0) {
		fprintf(stderr, "ioctl-fuzz: open %s: %s\n", opt.device,
			strerror(errno));
		exit(3);
	}
	w.api_version = fz_ioctl(t, "KVM_GET_API_VERSION", w.sys_fd,
				 KVM_GET_API_VERSION, 0);
	w.mmap_size = fz_ioctl(t, "KVM_GET_VCPU_MMAP_SIZE", w.sys_fd,
			       KVM_GET_VCPU_MMAP_SIZE, 0);
	if (w.api_version != KT_API_VERSION ||
	    w.mmap_size < (int)sizeof(struct kvm_run)) {
		fprintf(stderr, "ioctl-fuzz: %s: API version %d, mmap size "
			"%d\n", opt.device, w.api_version, w.mmap_size);
		exit(3);
	}
	w.supported_cpuid = kt_get_supported_cpuid(w.sys_fd);
	/* Above first_fd: the round's close_range() closes them, while
	 * registrations may still hold them (the VM's end drops those). */
	for (int i = 0; i < 3; i++)
		w.efds[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	{
		struct { struct kvm_msr_list h; uint32_t i[512]; } l = {
			.h.nmsrs = 512 };

		if (ioctl(w.sys_fd, KVM_GET_MSR_INDEX_LIST, &l) == 0) {
			w.nr_msr_list = l.h.nmsrs;
			memcpy(w.msr_list, l.i, l.h.nmsrs * 4);
		}
	}

	fd = fz_ioctl(t, "KVM_CREATE_VM", w.sys_fd, KVM_CREATE_VM, 0);
	if (fd < 0) {
		fprintf(stderr, "ioctl-fuzz: KVM_CREATE_VM: %s\n",
			strerror(-fd));
		exit(3);
	}
	w.vm.fd = fd;
	atomic_store(&w.vm.live, true);
	pthread_mutex_init(&w.vm.life, NULL);

	w.slot0 = mmap(NULL, SLOT0_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (w.slot0 == MAP_FAILED || register_slot0(t, w.vm.fd) < 0) {
		fprintf(stderr, "ioctl-fuzz: slot 0 failed\n");
		exit(3);
	}
	pthread_rwlock_init(&w.slot0_lock, NULL);
	w.ktvm.sys_fd = w.sys_fd;
	w.ktvm.vm_fd = w.vm.fd;
	w.ktvm.device = opt.device;
	w.ktvm.slots[0] = (struct kt_slot){ .used = true, .slot = 0, .gpa = 0,
					    .size = SLOT0_SIZE,
					    .host = w.slot0 };
	for (int i = 0; i < NR_FUZZ_SLOTS; i++) {
		struct fuzz_slot *fs = &w.slots[i];

		pthread_mutex_init(&fs->lock, NULL);
		fs->host = mmap(NULL, FUZZ_SLOT_SIZE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (fs->host == MAP_FAILED) {
			perror("ioctl-fuzz: mmap");
			exit(3);
		}
	}
	pthread_mutex_init(&w.maps_lock, NULL);
	for (int i = 0; i < NR_VCPU_HANDLES; i++) {
		struct handle *h = &w.vcpu[i];

		pthread_mutex_init(&h->life, NULL);
		h->fd = dup(w.null_fd);
		if (!vcpu_handle_create(t, h, i))
			fprintf(stderr, "ioctl-fuzz: vCPU %d not created\n", i);
	}
	for (int i = 0; i < opt.threads; i++) {
		struct kt_vcpu *v = &w.priv[i];
		int vfd = fz_ioctl(t, "KVM_CREATE_VCPU", w.vm.fd,
				   KVM_CREATE_VCPU, PRIVATE_VCPU_ID_BASE + i);

		v->vm = &w.ktvm;
		v->fd = vfd;
		v->id = PRIVATE_VCPU_ID_BASE + i;
		if (vfd < 0)
			continue;
		v->run = mmap(NULL, w.mmap_size, PROT_READ | PROT_WRITE,
			      MAP_SHARED, vfd, 0);
		if (v->run == MAP_FAILED) {
			v->run = NULL;
			continue;
		}
		remember_map(v->run, w.mmap_size);
	}
}

static void world_destroy(void)
{
	const int t = MAX_THREADS;

	begin(t, "teardown: close all fds");
	close_range(w.first_fd, ~0u, 0);
	end(t);
	begin(t, "teardown: munmap");
	for (int i = 0; i < w.nr_maps; i++)
		munmap(w.maps[i].addr, w.maps[i].size);
	munmap(w.slot0, SLOT0_SIZE);
	for (int i = 0; i < NR_FUZZ_SLOTS; i++)
		munmap(w.slots[i].host, FUZZ_SLOT_SIZE);
	end(t);
	free(w.supported_cpuid);
}

/* ------------------------------------------------------------------------
 * One fuzzing thread.
 */

struct fuzzer {
	int t;
	uint64_t rng;
	uint8_t *scratch;		/* SCRATCH_SIZE, valid */
	timer_t kick_timer;
};

static struct handle *pick_vcpu(struct fuzzer *f)
{
	return &w.vcpu[rng_below(&f->rng, NR_VCPU_HANDLES)];
}

/* Some fd of the world: mostly a vCPU, else the VM or the system fd. */
static int pick_any_fd(struct fuzzer *f)
{
	uint64_t k = rng_below(&f->rng, 10);

	if (k < 6)
		return pick_vcpu(f)->fd;
	if (k < 8)
		return w.vm.fd;
	return w.sys_fd;
}

static void fill_random_or_sane(struct fuzzer *f, int fd, unsigned long get,
				void *buf, size_t size)
{
	/* A GET first gives sane contents; then maybe flip bits. */
	if (get && rng_chance(&f->rng, 60) &&
	    fz_ioctl(f->t, "GET (for sane contents)", fd, get,
		     (unsigned long)buf) >= 0) {
		int flips = rng_below(&f->rng, 4);

		for (int i = 0; i < flips; i++)
			((uint8_t *)buf)[rng_below(&f->rng, size)] ^=
				1u << rng_below(&f->rng, 8);
		return;
	}
	rng_fill(&f->rng, buf, size);
}

static uint32_t rng_msr_index(struct fuzzer *f)
{
	static const uint32_t interesting[] = {
		0x0, 0x10, 0x1b, 0x3a, 0x48, 0x49, 0x8b, 0xe7, 0xe8, 0xfe,
		0x174, 0x175, 0x176, 0x179, 0x17a, 0x17b, 0x1a0, 0x1d9,
		0x200, 0x201, 0x20e, 0x20f, 0x210, 0x250, 0x258, 0x259, 0x268,
		0x26f, 0x277, 0x2ff, 0x400, 0x401, 0x402, 0x403, 0x47f, 0x480,
		0x6e0, 0x800, 0x802, 0x80b, 0x830, 0x8ff, 0x40000000,
		0x4b564d00, 0x4b564d01, 0x4b564d02, 0x4b564d03, 0x4b564d04,
		0xc0000080, 0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084,
		0xc0000100, 0xc0000101, 0xc0000102, 0xc0000103, 0xc0010000,
		0xc0010004, 0xc0010010, 0xc0010015, 0xc001001f, 0xc0010055,
		0xc0010114, 0xc0010115, 0xc0010117, 0xc0010140, 0xc0010141,
		0xc0011020, 0xc0011029, 0xffffffff,
	};
	uint64_t k = rng_below(&f->rng, 10);

	if (k < 4 && w.nr_msr_list)
		return w.msr_list[rng_below(&f->rng, w.nr_msr_list)];
	if (k < 8)
		return interesting[rng_below(&f->rng, sizeof(interesting) /
					     sizeof(interesting[0]))];
	return (uint32_t)rng_value(&f->rng);
}

/* KVM_GET/SET_MSRS: nmsrs a boundary count, entries of interesting MSRs. */
static void fuzz_msrs(struct fuzzer *f, int fd, bool set)
{
	struct kvm_msrs *m = (struct kvm_msrs *)f->scratch;
	size_t room = (SCRATCH_SIZE - sizeof(*m)) / sizeof(m->entries[0]);
	uint32_t n = rng_count(&f->rng);
	size_t fill = n < room ? n : room;

	memset(m, 0, sizeof(*m));
	m->nmsrs = n;
	if (rng_chance(&f->rng, 10))
		m->pad = (uint32_t)rng_next(&f->rng);
	for (size_t i = 0; i < fill && i < 600; i++) {
		m->entries[i].index = rng_msr_index(f);
		m->entries[i].reserved = rng_chance(&f->rng, 5) ?
					 (uint32_t)rng_next(&f->rng) : 0;
		m->entries[i].data = rng_value(&f->rng);
	}
	fz_ioctl(f->t, set ? "KVM_SET_MSRS" : "KVM_GET_MSRS", fd,
		 set ? KVM_SET_MSRS : KVM_GET_MSRS,
		 (unsigned long)rng_pointer(&f->rng, m,
					    sizeof(*m) + fill * 16));
}

static void fuzz_cpuid2(struct fuzzer *f, int fd, unsigned long req,
			const char *name)
{
	struct kvm_cpuid2 *c = (struct kvm_cpuid2 *)f->scratch;
	size_t room = (SCRATCH_SIZE - sizeof(*c)) / sizeof(c->entries[0]);
	uint32_t n = rng_count(&f->rng);
	size_t fill = n < room ? n : room;

	if (req == KVM_SET_CPUID2 && w.supported_cpuid &&
	    rng_chance(&f->rng, 50)) {
		/* The supported table, maybe cut short, maybe bit-flipped. */
		n = w.supported_cpuid->nent;
		if (rng_chance(&f->rng, 30))
			n = rng_below(&f->rng, n + 1);
		fill = n;
		memcpy(c, w.supported_cpuid, sizeof(*c) + n * 40);
		if (rng_chance(&f->rng, 50) && n)
			((uint8_t *)c->entries)[rng_below(&f->rng, n * 40)] ^=
				1u << rng_below(&f->rng, 8);
	} else {
		memset(c, 0, sizeof(*c));
		rng_fill(&f->rng, c->entries, (fill < 300 ? fill : 300) * 40);
	}
	c->nent = n;
	fz_ioctl(f->t, name, fd, req,
		 (unsigned long)rng_pointer(&f->rng, c,
					    sizeof(*c) + fill * 40));
}

/* Sane register values: what a guest could have. */
static void sane_regs(struct fuzzer *f, struct kvm_regs *r)
{
	rng_fill(&f->rng, r, sizeof(*r));
	r->rip = KT_CODE_GPA + rng_below(&f->rng, 0x1000);
	r->rsp = KT_STACK_TOP - 8 * rng_below(&f->rng, 64);
	/* Only the defined flags, not VM (would need a VM86 setup), bit 1. */
	r->rflags = 2 | (r->rflags & 0x254dd5);
	r->rflags &= ~(1ull << 17);
}

/* A random vCPU ioctl with random/boundary arguments. */
static void fuzz_vcpu_ioctl(struct fuzzer *f)
{
	int fd = pick_vcpu(f)->fd;
	uint8_t *buf = f->scratch;
	uint64_t *s = &f->rng;

	switch (rng_below(s, 22)) {
	case 18:
		fz_ioctl(f->t, "KVM_GET_VCPU_EVENTS", fd, KVM_GET_VCPU_EVENTS,
			 (unsigned long)rng_pointer(s, buf,
					sizeof(struct kvm_vcpu_events)));
		break;
	case 19: {
		/* Mostly sane (what a GET gave, known flags, a vector the
		 * checks let through), so events reach the running guests. */
		struct kvm_vcpu_events *e = (struct kvm_vcpu_events *)buf;

		fill_random_or_sane(f, fd, KVM_GET_VCPU_EVENTS, buf,
				    sizeof(*e));
		if (rng_chance(s, 60)) {
			e->flags &= KVM_VCPUEVENT_VALID_NMI_PENDING |
				    KVM_VCPUEVENT_VALID_SHADOW |
				    KVM_VCPUEVENT_VALID_SIPI_VECTOR;
			e->exception.nr %= 32;
			if (e->exception.nr == 2)
				e->exception.nr = 13;
		}
		fz_ioctl(f->t, "KVM_SET_VCPU_EVENTS", fd, KVM_SET_VCPU_EVENTS,
			 (unsigned long)rng_pointer(s, buf, sizeof(*e)));
		break;
	}
	case 20:
		fz_ioctl(f->t, "KVM_GET_MP_STATE", fd, KVM_GET_MP_STATE,
			 (unsigned long)rng_pointer(s, buf,
					sizeof(struct kvm_mp_state)));
		break;
	case 21: {
		struct kvm_mp_state *mp = (struct kvm_mp_state *)buf;

		mp->mp_state = rng_chance(s, 70) ? (uint32_t)rng_below(s, 12) :
				(uint32_t)rng_value(s);
		fz_ioctl(f->t, "KVM_SET_MP_STATE", fd, KVM_SET_MP_STATE,
			 (unsigned long)rng_pointer(s, buf, sizeof(*mp)));
		break;
	}
	case 0:
		fz_ioctl(f->t, "KVM_GET_REGS", fd, KVM_GET_REGS,
			 (unsigned long)rng_pointer(s, buf,
						    sizeof(struct kvm_regs)));
		break;
	case 1:
		if (rng_chance(s, 50))
			sane_regs(f, (struct kvm_regs *)buf);
		else
			fill_random_or_sane(f, fd, KVM_GET_REGS, buf,
					    sizeof(struct kvm_regs));
		fz_ioctl(f->t, "KVM_SET_REGS", fd, KVM_SET_REGS,
			 (unsigned long)rng_pointer(s, buf,
						    sizeof(struct kvm_regs)));
		break;
	case 2:
		fz_ioctl(f->t, "KVM_GET_SREGS", fd, KVM_GET_SREGS,
			 (unsigned long)rng_pointer(s, buf,
						    sizeof(struct kvm_sregs)));
		break;
	case 3:
		fill_random_or_sane(f, fd, KVM_GET_SREGS, buf,
				    sizeof(struct kvm_sregs));
		fz_ioctl(f->t, "KVM_SET_SREGS", fd, KVM_SET_SREGS,
			 (unsigned long)rng_pointer(s, buf,
						    sizeof(struct kvm_sregs)));
		break;
	case 4:
		fuzz_msrs(f, fd, false);
		break;
	case 5:
		fuzz_msrs(f, fd, true);
		break;
	case 6:
		fuzz_cpuid2(f, fd, KVM_SET_CPUID2, "KVM_SET_CPUID2");
		break;
	case 7:
		fuzz_cpuid2(f, fd, KVM_GET_CPUID2, "KVM_GET_CPUID2");
		break;
	case 8:
		fz_ioctl(f->t, "KVM_GET_FPU", fd, KVM_GET_FPU,
			 (unsigned long)rng_pointer(s, buf,
						    sizeof(struct kvm_fpu)));
		break;
	case 9:
		fill_random_or_sane(f, fd, KVM_GET_FPU, buf,
				    sizeof(struct kvm_fpu));
		fz_ioctl(f->t, "KVM_SET_FPU", fd, KVM_SET_FPU,
			 (unsigned long)rng_pointer(s, buf,
						    sizeof(struct kvm_fpu)));
		break;
	case 10:
		fz_ioctl(f->t, "KVM_GET_XSAVE", fd, KVM_GET_XSAVE,
			 (unsigned long)rng_pointer(s, buf,
						    sizeof(struct kvm_xsave)));
		break;
	case 11:
		fill_random_or_sane(f, fd, KVM_GET_XSAVE, buf,
				    sizeof(struct kvm_xsave));
		if (rng_chance(s, 30))	/* XSTATE_BV, XCOMP_BV */
			((uint64_t *)buf)[64 + rng_below(s, 2)] =
				rng_value(s);
		fz_ioctl(f->t, "KVM_SET_XSAVE", fd, KVM_SET_XSAVE,
			 (unsigned long)rng_pointer(s, buf,
						    sizeof(struct kvm_xsave)));
		break;
	case 12:
		fz_ioctl(f->t, "KVM_GET_XCRS", fd, KVM_GET_XCRS,
			 (unsigned long)rng_pointer(s, buf,
						    sizeof(struct kvm_xcrs)));
		break;
	case 13: {
		struct kvm_xcrs *x = (struct kvm_xcrs *)buf;

		fill_random_or_sane(f, fd, KVM_GET_XCRS, buf, sizeof(*x));
		if (rng_chance(s, 50))
			x->nr_xcrs = rng_count(s);
		if (rng_chance(s, 50))
			x->xcrs[0] = (struct kvm_xcr){
				.xcr = (uint32_t)rng_below(s, 3),
				.value = rng_chance(s, 50) ? 7 : rng_value(s) };
		fz_ioctl(f->t, "KVM_SET_XCRS", fd, KVM_SET_XCRS,
			 (unsigned long)rng_pointer(s, buf, sizeof(*x)));
		break;
	}
	case 14: {
		struct kvm_interrupt *irq = (struct kvm_interrupt *)buf;

		irq->irq = rng_chance(s, 50) ? (uint32_t)rng_below(s, 256) :
					       (uint32_t)rng_value(s);
		fz_ioctl(f->t, "KVM_INTERRUPT", fd, KVM_INTERRUPT,
			 (unsigned long)rng_pointer(s, buf, sizeof(*irq)));
		break;
	}
	case 15:
		fz_ioctl(f->t, "KVM_NMI", fd, KVM_NMI,
			 rng_chance(s, 80) ? 0 : rng_value(s));
		break;
	case 16:
		/* KVM_RUN with an argument: refused, must not run. */
		fz_ioctl(f->t, "KVM_RUN (argument)", fd, KVM_RUN,
			 rng_value(s) | 1);
		break;
	default:
		fz_ioctl(f->t, "KVM_CHECK_EXTENSION (vCPU fd)", fd,
			 KVM_CHECK_EXTENSION, rng_below(s, 300));
		break;
	}
}

/* A memslot: one of the fuzz slots added, moved, flagged or deleted at
 * sane addresses, or a region with absurd fields. */
static void fuzz_memslot(struct fuzzer *f)
{
	uint64_t *s = &f->rng;
	struct kvm_userspace_memory_region r = { 0 };
	int ret;

	if (rng_chance(s, 5)) {	/* slot 0 back, after a delete */
		register_slot0(f->t, w.vm.fd);
		return;
	}
	if (rng_chance(s, 70)) {
		int i = rng_below(s, NR_FUZZ_SLOTS);
		struct fuzz_slot *fs = &w.slots[i];
		uint64_t k = rng_below(s, 10);

		pthread_mutex_lock(&fs->lock);
		r.slot = 1 + i;
		r.userspace_addr = (uintptr_t)fs->host;
		if (k < 3 && fs->registered) {
			r.memory_size = 0;	/* delete */
		} else if (k == 3 && fs->registered) {
			/* dirty logging toggled in place (flags only) */
			r.guest_phys_addr = fs->gpa;
			r.memory_size = fs->size;
			r.userspace_addr += fs->offset;
			r.flags = fs->flags ^ KVM_MEM_LOG_DIRTY_PAGES;
		} else {
			/* add or move: 4 KiB .. 1 MiB somewhere in the first
			 * 8 GiB (what the long-mode page tables map), now
			 * and then overlapping slot 0 or another slot. */
			r.memory_size = PAGE * (1 + rng_below(s, 256));
			r.guest_phys_addr = rng_chance(s, 10) ?
				rng_below(s, SLOT0_SIZE / PAGE) * PAGE :
				(rng_below(s, (8ull << 30) / PAGE - 256) *
				 PAGE);
			if (rng_chance(s, 15))
				r.flags = KVM_MEM_READONLY;
			if (rng_chance(s, 40))
				r.flags |= KVM_MEM_LOG_DIRTY_PAGES;
			r.userspace_addr += rng_below(s, (FUZZ_SLOT_SIZE -
					    r.memory_size) / PAGE + 1) * PAGE;
		}
		ret = fz_ioctl(f->t, r.memory_size ? "KVM_SET_USER_MEMORY_REGION"
			       " (add/move)" : "KVM_SET_USER_MEMORY_REGION "
			       "(delete)", w.vm.fd, KVM_SET_USER_MEMORY_REGION,
			       (unsigned long)&r);
		if (ret == 0) {
			fs->registered = r.memory_size != 0;
			fs->gpa = r.guest_phys_addr;
			fs->size = r.memory_size;
			fs->flags = r.flags;
			fs->offset = r.userspace_addr - (uintptr_t)fs->host;
			atomic_fetch_add(&stats.memslot_ok, 1);
		}
		pthread_mutex_unlock(&fs->lock);
		atomic_fetch_add(&stats.memslot_calls, 1);
		return;
	}
	/* Absurd fields.  The host address is never an arbitrary one of this
	 * process (a guest could then write into our stacks): slot 0's
	 * memory, the hostile pages, misaligned, kernel or non-canonical. */
	r.slot = rng_chance(s, 60) ? (uint32_t)rng_below(s, 40) :
				     (uint32_t)rng_value(s);
	r.flags = rng_chance(s, 60) ? (uint32_t)rng_below(s, 4) :
				      (uint32_t)rng_value(s);
	r.guest_phys_addr = rng_chance(s, 50) ? rng_value(s) & ~(PAGE - 1) :
						rng_value(s);
	r.memory_size = rng_chance(s, 50) ? rng_value(s) & ~(PAGE - 1) :
					    rng_value(s);
	switch (rng_below(s, 6)) {
	case 0:
		r.userspace_addr = (uintptr_t)w.slot0 +
				   rng_below(s, SLOT0_SIZE / PAGE) * PAGE;
		if (rng_chance(s, 50))
			r.memory_size = PAGE * (1 + rng_below(s, 16));
		break;
	case 1:
		r.userspace_addr = (uintptr_t)bad.base +
				   rng_below(s, 5) * PAGE;
		break;
	case 2:
		r.userspace_addr = (uintptr_t)w.slot0 + 1 + rng_below(s, 4095);
		break;
	case 3:
		r.userspace_addr = 0xffff800000000000ull +
				   rng_below(s, 1ull << 40) * PAGE;
		break;
	case 4:
		r.userspace_addr = 0x800000000000ull +
				   rng_below(s, 1ull << 30) * PAGE;
		break;
	default:
		r.userspace_addr = rng_below(s, 16) * PAGE; /* below mmap_min_addr */
		break;
	}
	/* A range that starts in our memory must end there too, or be too
	 * big or misaligned to be accepted: otherwise the guest would write
	 * into whatever this process has mapped next to it. */
	if (r.userspace_addr >= (uintptr_t)w.slot0 &&
	    r.userspace_addr < (uintptr_t)w.slot0 + SLOT0_SIZE &&
	    !(r.memory_size & (PAGE - 1)) && r.memory_size < (1ull << 45) &&
	    r.memory_size > (uintptr_t)w.slot0 + SLOT0_SIZE - r.userspace_addr)
		r.memory_size = (uintptr_t)w.slot0 + SLOT0_SIZE -
				r.userspace_addr;
	if (r.userspace_addr >= (uintptr_t)bad.base &&
	    r.userspace_addr < (uintptr_t)bad.base + 5 * PAGE &&
	    !(r.memory_size & (PAGE - 1)) && r.memory_size < (1ull << 45) &&
	    r.memory_size > (uintptr_t)bad.base + 5 * PAGE - r.userspace_addr)
		r.memory_size = (uintptr_t)bad.base + 5 * PAGE -
				r.userspace_addr;
	fz_ioctl(f->t, "KVM_SET_USER_MEMORY_REGION (absurd)", w.vm.fd,
		 KVM_SET_USER_MEMORY_REGION,
		 (unsigned long)rng_pointer(s, &r, sizeof(r)));
	atomic_fetch_add(&stats.memslot_calls, 1);
}

static void fuzz_vm_ioctl(struct fuzzer *f)
{
	uint64_t *s = &f->rng;
	static const uint64_t ids[] = { 0, 1, 7, 8, 63, 64, 65, 255, 256,
					1023, 1024, 4095, 4096, 0x7fffffff,
					0xffffffff, 0x100000000ull, ~0ull };
	int r;

	switch (rng_below(s, 10)) {
	case 8: {
		/* Ioeventfds come and go: on port 0x80 (the OUT loop below
		 * writes it: those writes then stay in the kernel), a few
		 * low ports and random guest-physical addresses (the
		 * sweeper's MMIO writes hit some), any length, flags and
		 * datamatch, a real eventfd or not; DEASSIGN of what may or
		 * may not be there. */
		static const uint64_t ports[] = { 0x80, 0x80, 0x81, 0xe0,
						  0x3f8, 0xcf8, 0xcfc };
		static const uint32_t lens[] = { 0, 1, 2, 4, 8, 3 };
		int fds[] = { w.efds[0], w.efds[1], w.efds[2], -1, w.null_fd,
			      w.vm.fd };
		uint32_t flags = rng_chance(s, 50) ? KVM_IOEVENTFD_FLAG_PIO : 0;
		struct kvm_ioeventfd a = {
			.len = rng_chance(s, 85) ?
				lens[rng_below(s, 6)] : (uint32_t)rng_value(s),
			.fd = rng_chance(s, 85) ? fds[rng_below(s, 6)] :
				(int)rng_value(s),
			.datamatch = rng_chance(s, 50) ? rng_below(s, 256) :
				rng_value(s),
		};

		if (rng_chance(s, 40))
			flags |= KVM_IOEVENTFD_FLAG_DATAMATCH;
		if (rng_chance(s, 45))
			flags |= KVM_IOEVENTFD_FLAG_DEASSIGN;
		if (rng_chance(s, 5))
			flags |= (uint32_t)rng_value(s);
		a.flags = flags;
		if (flags & KVM_IOEVENTFD_FLAG_PIO)
			a.addr = rng_chance(s, 80) ? ports[rng_below(s, 7)] :
				 rng_value(s);
		else
			a.addr = rng_chance(s, 70) ?
				 rng_below(s, (8ull << 30) / 8) * 8 :
				 rng_value(s);
		if (rng_chance(s, 10))
			rng_fill(s, a.pad, sizeof(a.pad));
		fz_ioctl(f->t, "KVM_IOEVENTFD", w.vm.fd, KVM_IOEVENTFD,
			 (unsigned long)rng_pointer(s, &a, sizeof(a)));
		break;
	}
	case 9: {
		uint64_t addr = rng_value(s);

		if (rng_chance(s, 50))
			fz_ioctl(f->t, "KVM_SET_IDENTITY_MAP_ADDR", w.vm.fd,
				 KVM_SET_IDENTITY_MAP_ADDR,
				 (unsigned long)rng_pointer(s, &addr,
							    sizeof(addr)));
		else
			fz_ioctl(f->t, "KVM_SET_BOOT_CPU_ID", w.vm.fd,
				 KVM_SET_BOOT_CPU_ID, rng_value(s));
		break;
	}
	case 7: {
		/* Coalesced MMIO zones come and go (anywhere, any size, bad
		 * pio values), and the ring's indices get scribbled through
		 * a vCPU's mapping of it: the module must check them. */
		struct kvm_coalesced_mmio_zone zone = {
			.addr = rng_chance(s, 70) ? rng_below(s, 1ull << 32) :
				rng_value(s),
			.size = rng_chance(s, 70) ? (uint32_t)rng_below(s, 1 << 20) :
				(uint32_t)rng_value(s),
			.pio = rng_chance(s, 90) ? 0 : (uint32_t)rng_value(s),
		};
		struct kt_vcpu *v = &w.priv[0];

		if ((size_t)w.mmap_size >= 3 * PAGE && v->run && rng_chance(s, 30)) {
			uint32_t *ring = (uint32_t *)((uint8_t *)v->run + 2 * PAGE);

			ring[rng_below(s, 2)] = rng_chance(s, 50) ?
				(uint32_t)rng_below(s, 200) : (uint32_t)rng_value(s);
			break;
		}
		fz_ioctl(f->t, "KVM_(UN)REGISTER_COALESCED_MMIO", w.vm.fd,
			 rng_chance(s, 60) ? KVM_REGISTER_COALESCED_MMIO :
			 KVM_UNREGISTER_COALESCED_MMIO,
			 (unsigned long)rng_pointer(s, &zone, sizeof(zone)));
		break;
	}
	case 5: {
		/* Clear part of a log: ranges aligned or not, inside the
		 * slot or past it. */
		struct kvm_clear_dirty_log clear = {
			.slot = rng_chance(s, 70) ?
				(uint32_t)rng_below(s, NR_FUZZ_SLOTS + 3) :
				(uint32_t)rng_value(s),
			.first_page = rng_chance(s, 70) ?
				64 * rng_below(s, 8) : rng_value(s),
			.num_pages = rng_chance(s, 70) ?
				(uint32_t)rng_below(s, 600) :
				(uint32_t)rng_value(s),
			.dirty_bitmap = rng_pointer(s, f->scratch, 4096),
		};

		rng_fill(s, f->scratch, 128);
		fz_ioctl(f->t, "KVM_CLEAR_DIRTY_LOG", w.vm.fd,
			 KVM_CLEAR_DIRTY_LOG,
			 (unsigned long)rng_pointer(s, &clear, sizeof(clear)));
		break;
	}
	case 6: {
		/* Manual dirty-log protection on or off (and bad ones);
		 * no other real capability: on kvm-amd some change what a
		 * guest exit is (KVM_CAP_X86_DISABLE_EXITS). */
		struct kvm_enable_cap cap = {
			.cap = rng_chance(s, 80) ?
				KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 :
				rng_chance(s, 50) ? 0x7fffffffu : ~0u,
			.flags = rng_chance(s, 90) ? 0 : (uint32_t)rng_value(s),
			.args = { rng_chance(s, 80) ? rng_below(s, 4) :
				  rng_value(s) },
		};

		fz_ioctl(f->t, "KVM_ENABLE_CAP (VM fd)", w.vm.fd,
			 KVM_ENABLE_CAP,
			 (unsigned long)rng_pointer(s, &cap, sizeof(cap)));
		break;
	}
	case 4: {
		/* The dirty log of a fuzz slot (logging or not, there or
		 * not), slot 0, or any id; into the scratch buffer (bigger
		 * than any slot's bitmap) or a hostile pointer. */
		struct kvm_dirty_log log = {
			.slot = rng_chance(s, 70) ?
				(uint32_t)rng_below(s, NR_FUZZ_SLOTS + 3) :
				(uint32_t)rng_value(s),
			.dirty_bitmap = rng_pointer(s, f->scratch, 4096),
		};

		fz_ioctl(f->t, "KVM_GET_DIRTY_LOG", w.vm.fd,
			 KVM_GET_DIRTY_LOG,
			 (unsigned long)rng_pointer(s, &log, sizeof(log)));
		break;
	}
	case 0:
		/* A vCPU the threads do not hold (closed at once): the VM
		 * keeps it until it goes. */
		r = fz_ioctl(f->t, "KVM_CREATE_VCPU (random id)", w.vm.fd,
			     KVM_CREATE_VCPU,
			     rng_chance(s, 50) ? rng_below(s, 40) :
			     ids[rng_below(s, sizeof(ids) / sizeof(ids[0]))]);
		if (r >= 0 && r != w.vm.fd && r != w.sys_fd)
			close(r);
		break;
	case 1:
		fz_ioctl(f->t, "KVM_SET_TSS_ADDR", w.vm.fd, KVM_SET_TSS_ADDR,
			 rng_value(s));
		break;
	case 2:
		fz_ioctl(f->t, "KVM_CHECK_EXTENSION (VM fd)", w.vm.fd,
			 KVM_CHECK_EXTENSION,
			 rng_chance(s, 70) ? rng_below(s, 300) : rng_value(s));
		break;
	default:
		fuzz_memslot(f);
		break;
	}
}

static void fuzz_sys_ioctl(struct fuzzer *f)
{
	uint64_t *s = &f->rng;
	uint8_t *buf = f->scratch;
	int r;

	switch (rng_below(s, 6)) {
	case 0:
		r = fz_ioctl(f->t, "KVM_GET_API_VERSION", w.sys_fd,
			     KVM_GET_API_VERSION, 0);
		if (r != KT_API_VERSION)
			fail(f->t, "KVM_GET_API_VERSION gave %d", r);
		fz_ioctl(f->t, "KVM_GET_API_VERSION (argument)", w.sys_fd,
			 KVM_GET_API_VERSION, rng_value(s));
		break;
	case 1:
		r = fz_ioctl(f->t, "KVM_GET_VCPU_MMAP_SIZE", w.sys_fd,
			     KVM_GET_VCPU_MMAP_SIZE, 0);
		if (r != w.mmap_size)
			fail(f->t, "KVM_GET_VCPU_MMAP_SIZE gave %d, was %d", r,
			     w.mmap_size);
		break;
	case 2:
		fz_ioctl(f->t, "KVM_CHECK_EXTENSION", w.sys_fd,
			 KVM_CHECK_EXTENSION,
			 rng_chance(s, 70) ? rng_below(s, 300) : rng_value(s));
		break;
	case 3:
		fuzz_cpuid2(f, w.sys_fd, KVM_GET_SUPPORTED_CPUID,
			    "KVM_GET_SUPPORTED_CPUID");
		break;
	case 4: {
		struct kvm_msr_list *l = (struct kvm_msr_list *)buf;

		l->nmsrs = rng_count(s);
		fz_ioctl(f->t, "KVM_GET_MSR_INDEX_LIST", w.sys_fd,
			 KVM_GET_MSR_INDEX_LIST,
			 (unsigned long)rng_pointer(s, l, sizeof(*l) + 4 *
				(l->nmsrs < 1024 ? l->nmsrs : 1024)));
		break;
	}
	default:
		/* A VM of a random type: refused, or closed at once. */
		r = fz_ioctl(f->t, "KVM_CREATE_VM (random type)", w.sys_fd,
			     KVM_CREATE_VM, rng_chance(s, 50) ? 0 :
			     rng_value(s));
		if (r >= 0)
			close(r);
		break;
	}
}

/* Numbers the device does not implement, and random _IOC encodings: on
 * kvm-amd many are real KVM ioctls (fine: that is the reference kernel),
 * except the one that would let the fuzzer block its own kicks. */
static void fuzz_random_ioctl(struct fuzzer *f)
{
	static const unsigned int sizes[] = {
		0, 1, 4, 8, 12, 16, 24, 32, 40, 64, 128, 256, 312, 416, 1024,
		4096, 0x3fff };
	uint64_t *s = &f->rng;
	unsigned int dir = rng_below(s, 4);
	unsigned int type = rng_chance(s, 85) ? KVMIO :
			    (unsigned int)rng_below(s, 256);
	unsigned int nr = rng_below(s, 256);
	unsigned int size = rng_chance(s, 70) ?
		sizes[rng_below(s, sizeof(sizes) / sizeof(sizes[0]))] :
		(unsigned int)rng_below(s, 1u << 14);
	unsigned long req;
	unsigned long arg;
	int r;

	if (rng_chance(s, 15))
		req = (uint32_t)rng_next(s);
	else if (rng_chance(s, 30))
		req = _IO(type, nr);
	else
		req = _IOC(dir, type, nr, size);
	if (req == KVM_SET_SIGNAL_MASK)
		return;
	if (type != KVMIO && !rng_chance(s, 5))
		return;	/* other drivers' numbers on a kvm fd: rarely */
	rng_fill(s, f->scratch, 4096);
	arg = rng_chance(s, 30) ? rng_value(s) :
	      (unsigned long)rng_pointer(s, f->scratch, size);
	r = fz_ioctl(f->t, "random ioctl number", pick_any_fd(f), req, arg);
	atomic_fetch_add(&stats.random_ioctls, 1);
	(void)r;	/* an fd it made is closed with the round */
}

/* --- guest code ---------------------------------------------------------- */

/* Long mode: write a byte into every `stride` bytes from a GPA in the fuzz
 * slots' range (the first 8 GiB), HLT, start again: NPT faults, MMIO exits
 * and read-only slots while the slots move. */
static size_t sweeper_code(struct fuzzer *f, uint8_t *p)
{
	uint64_t start = rng_below(&f->rng, 8ull << 30);
	uint32_t count = 1 + rng_below(&f->rng, 4096);
	uint32_t stride = rng_chance(&f->rng, 50) ? PAGE :
			  1 + rng_below(&f->rng, 1u << 20);
	size_t n = 0;

	p[n++] = 0x48; p[n++] = 0xbf;			/* mov rdi, imm64 */
	memcpy(p + n, &start, 8); n += 8;
	p[n++] = 0x48; p[n++] = 0xc7; p[n++] = 0xc1;	/* mov rcx, imm32 */
	memcpy(p + n, &count, 4); n += 4;
	/* loop: */
	p[n++] = 0x88; p[n++] = 0x07;			/* mov [rdi], al */
	p[n++] = 0x8a; p[n++] = 0x47; p[n++] = 0x01;	/* mov al, [rdi+1] */
	p[n++] = 0x48; p[n++] = 0x81; p[n++] = 0xc7;	/* add rdi, imm32 */
	memcpy(p + n, &stride, 4); n += 4;
	p[n++] = 0x48; p[n++] = 0xff; p[n++] = 0xc9;	/* dec rcx */
	p[n++] = 0x75; p[n++] = (uint8_t)-17;		/* jnz loop */
	p[n++] = 0xf4;					/* hlt */
	p[n++] = 0xeb; p[n] = (uint8_t)-(int)(n + 1); n++; /* jmp start */
	return n;
}

enum guest_mode { MODE_REAL, MODE_PROTECTED, MODE_LONG };

/* New code and state for the vCPU behind fd: random bytes, a memory
 * sweeper or a tight loop, in a random mode; sometimes random registers. */
static void setup_guest(struct fuzzer *f, int fd, struct kvm_run *run)
{
	uint64_t *s = &f->rng;
	struct kt_vcpu v = { .vm = &w.ktvm, .fd = fd, .run = run };
	enum guest_mode mode = rng_below(s, 3);
	uint64_t entry = KT_CODE_GPA + 0x100 * rng_below(s, 16);
	uint8_t code[64];
	size_t len;
	uint64_t kind = rng_below(s, 10);

	if (kind < 4) {
		len = sizeof(code);
		rng_fill(s, code, len);
	} else if (kind < 7) {
		mode = MODE_LONG;
		len = sweeper_code(f, code);
	} else {
		static const uint8_t loops[][4] = {
			{ 0xeb, 0xfe },			/* jmp $ */
			{ 0xe6, 0x80, 0xeb, 0xfc },	/* out 0x80, al; jmp */
			{ 0xf4, 0xeb, 0xfd },		/* hlt; jmp */
			{ 0xe4, 0x71, 0xeb, 0xfc },	/* in al, 0x71; jmp */
		};
		int i = rng_below(s, 4);

		len = 4;
		memcpy(code, loops[i], 4);
	}
	pthread_rwlock_rdlock(&w.slot0_lock);
	memcpy(w.slot0 + entry, code, len);
	if (rng_chance(s, 20))	/* random data and stack */
		rng_fill(s, w.slot0 + KT_DATA_GPA, PAGE);
	begin(f->t, "guest setup (SREGS/REGS)");
	switch (mode) {
	case MODE_REAL:
		kt_vcpu_setup_real_mode(&v, 0, (uint16_t)entry);
		break;
	case MODE_PROTECTED:
		kt_vcpu_setup_protected_mode(&v, (uint32_t)entry);
		break;
	default:
		kt_vcpu_setup_long_mode(&v, entry);
		break;
	}
	end(f->t);
	pthread_rwlock_unlock(&w.slot0_lock);
	if (rng_chance(s, 20)) {
		struct kvm_regs r;

		sane_regs(f, &r);
		r.rip = entry;
		fz_ioctl(f->t, "KVM_SET_REGS (guest)", fd, KVM_SET_REGS,
			 (unsigned long)&r);
	}
	if (rng_chance(s, 10)) {
		struct kvm_sregs sr;

		if (fz_ioctl(f->t, "KVM_GET_SREGS", fd, KVM_GET_SREGS,
			     (unsigned long)&sr) == 0) {
			((uint8_t *)&sr)[rng_below(s, sizeof(sr))] ^=
				1u << rng_below(s, 8);
			fz_ioctl(f->t, "KVM_SET_SREGS (flipped)", fd,
				 KVM_SET_SREGS, (unsigned long)&sr);
		}
	}
}

/* KVM_RUN a few times on one vCPU handle (or a dup of its fd, closed
 * after), answering I/O and MMIO with random data. */
static void fuzz_run(struct fuzzer *f)
{
	uint64_t *s = &f->rng;
	struct handle *h = pick_vcpu(f);
	struct kvm_run *run = atomic_load(&h->run);
	int fd = h->fd;
	bool dupped = false;
	int exits = 1 + rng_below(s, 12);

	if (!run || !atomic_load(&h->live))
		return;
	if (rng_chance(s, 30)) {
		int d = dup(fd);

		if (d >= 0) {
			fd = d;
			dupped = true;
		}
	}
	if (rng_chance(s, 40))
		setup_guest(f, fd, run);
	if (rng_chance(s, 10))
		run->request_interrupt_window = 1;
	for (int i = 0; i < exits; i++) {
		int r;

		run->immediate_exit = rng_chance(s, 5);
		r = fz_ioctl(f->t, "KVM_RUN", fd, KVM_RUN, 0);
		atomic_fetch_add(&stats.runs, 1);
		if (r == -EINTR) {
			atomic_fetch_add(&stats.intr, 1);
			continue;
		}
		if (r < 0) {
			atomic_fetch_add(&stats.run_errors, 1);
			break;
		}
		atomic_fetch_add(&stats.exits[run->exit_reason < 32 ?
					      run->exit_reason : 0], 1);
		if (run->exit_reason == KVM_EXIT_IO &&
		    run->io.direction == KVM_EXIT_IO_IN) {
			uint64_t off = run->io.data_offset;
			uint64_t len = (uint64_t)run->io.size * run->io.count;

			/* Only inside the mapping, whatever the fields say. */
			if (off < (uint64_t)w.mmap_size &&
			    len <= (uint64_t)w.mmap_size - off)
				rng_fill(s, (uint8_t *)run + off, len);
		} else if (run->exit_reason == KVM_EXIT_MMIO &&
			   !run->mmio.is_write) {
			rng_fill(s, run->mmio.data, sizeof(run->mmio.data));
		} else if (run->exit_reason != KVM_EXIT_HLT &&
			   run->exit_reason != KVM_EXIT_IO &&
			   run->exit_reason != KVM_EXIT_MMIO &&
			   run->exit_reason != KVM_EXIT_IRQ_WINDOW_OPEN) {
			break;	/* shutdown, failed entry, internal error */
		}
		if (rng_chance(s, 5))
			fz_ioctl(f->t, "KVM_INTERRUPT", fd, KVM_INTERRUPT,
				 (unsigned long)&(struct kvm_interrupt){
					 .irq = rng_below(s, 256) });
		if (rng_chance(s, 3))
			fz_ioctl(f->t, "KVM_NMI", fd, KVM_NMI, 0);
	}
	run->immediate_exit = 0;
	run->request_interrupt_window = 0;
	if (dupped)
		close(fd);
}

/* --- lifecycle ------------------------------------------------------------ */

/* Close a vCPU handle (others may be in KVM_RUN on it) and make a new
 * vCPU there, in whatever VM is current. */
static void fuzz_close_vcpu(struct fuzzer *f)
{
	struct handle *h = pick_vcpu(f);

	if (pthread_mutex_trylock(&h->life))
		return;
	if (atomic_load(&h->live)) {
		handle_close(f->t, h);
		atomic_fetch_add(&stats.vcpu_closes, 1);
	}
	if (rng_chance(&f->rng, 80))
		vcpu_handle_create(f->t, h, rng_below(&f->rng, 16));
	pthread_mutex_unlock(&h->life);
}

/* Close the VM fd (its vCPUs keep it alive) and make a new one with slot 0;
 * the vCPU handles move to it as they are recreated. */
static void fuzz_close_vm(struct fuzzer *f)
{
	int fd;

	if (pthread_mutex_trylock(&w.vm.life))
		return;
	handle_close(f->t, &w.vm);
	atomic_fetch_add(&stats.vm_closes, 1);
	fd = fz_ioctl(f->t, "KVM_CREATE_VM", w.sys_fd, KVM_CREATE_VM, 0);
	if (fd >= 0) {
		register_slot0(f->t, fd);
		begin(f->t, "dup2 VM fd");
		dup2(fd, w.vm.fd);
		close(fd);
		end(f->t);
		atomic_store(&w.vm.live, true);
		for (int i = 0; i < NR_FUZZ_SLOTS; i++) {
			pthread_mutex_lock(&w.slots[i].lock);
			w.slots[i].registered = false;
			pthread_mutex_unlock(&w.slots[i].lock);
		}
	}
	pthread_mutex_unlock(&w.vm.life);
}

/* Replace a slot's memory under the running vCPUs: mmap(MAP_FIXED) over it
 * (fresh pages, read-only or PROT_NONE), or MADV_DONTNEED.  The address
 * stays reserved, so nothing else of ours lands there. */
static void fuzz_remap(struct fuzzer *f)
{
	uint64_t *s = &f->rng;
	bool slot0 = rng_chance(s, 15);
	uint8_t *base;
	size_t size;
	int prot = PROT_READ | PROT_WRITE;
	uint64_t k = rng_below(s, 10);

	if (slot0) {
		base = w.slot0;
		size = SLOT0_SIZE;
		pthread_rwlock_wrlock(&w.slot0_lock);
	} else {
		int i = rng_below(s, NR_FUZZ_SLOTS);

		base = w.slots[i].host;
		size = FUZZ_SLOT_SIZE;
		if (k == 0)
			prot = PROT_READ;
		else if (k == 1)
			prot = PROT_NONE;
	}
	begin(f->t, k < 7 ? "mmap MAP_FIXED over slot memory" :
		    "madvise MADV_DONTNEED on slot memory");
	if (k < 7) {
		if (mmap(base, size, prot, MAP_PRIVATE | MAP_ANONYMOUS |
			 MAP_FIXED, -1, 0) == MAP_FAILED)
			fail(f->t, "mmap MAP_FIXED: %s", strerror(errno));
	} else {
		madvise(base + rng_below(s, size / PAGE) * PAGE,
			PAGE * (1 + rng_below(s, 64)), MADV_DONTNEED);
	}
	end(f->t);
	if (slot0)
		pthread_rwlock_unlock(&w.slot0_lock);
	atomic_fetch_add(&stats.remaps, 1);
}

/* A whole VM made and dropped beside the shared one: memory, vCPUs, maybe
 * a run, then the fds closed in a random order. */
static void fuzz_transient_vm(struct fuzzer *f)
{
	uint64_t *s = &f->rng;
	int vm, vcpus[3] = { -1, -1, -1 };
	int n = 1 + rng_below(s, 3);

	vm = fz_ioctl(f->t, "KVM_CREATE_VM (transient)", w.sys_fd,
		      KVM_CREATE_VM, 0);
	if (vm < 0)
		return;
	atomic_fetch_add(&stats.transient_vms, 1);
	if (rng_chance(s, 70))
		register_slot0(f->t, vm);
	for (int i = 0; i < n; i++)
		vcpus[i] = fz_ioctl(f->t, "KVM_CREATE_VCPU (transient)", vm,
				    KVM_CREATE_VCPU, i);
	if (vcpus[0] >= 0 && rng_chance(s, 50)) {
		struct kt_vcpu v = { .vm = &w.ktvm, .fd = vcpus[0] };

		pthread_rwlock_rdlock(&w.slot0_lock);
		begin(f->t, "guest setup (transient)");
		kt_vcpu_setup_real_mode(&v, 0, KT_CODE_GPA);
		end(f->t);
		pthread_rwlock_unlock(&w.slot0_lock);
		fz_ioctl(f->t, "KVM_RUN (transient)", vcpus[0], KVM_RUN, 0);
	}
	/* The VM fd first (its vCPUs keep it) or last. */
	if (rng_chance(s, 50)) {
		close(vm);
		vm = -1;
	}
	for (int i = 0; i < n; i++)
		if (vcpus[i] >= 0)
			close(vcpus[i]);
	if (vm >= 0)
		close(vm);
}

/* fork() with all fds open: the child tries the VM and vCPUs (not its
 * memory: KVM answers EIO), makes its own VM from the inherited system fd,
 * runs it and is killed by SIGALRM while it may be in KVM_RUN. */
static void fuzz_fork(struct fuzzer *f)
{
	uint64_t child_rng = rng_next(&f->rng);
	pid_t pid;
	int st;

	begin(f->t, "fork");
	pid = fork();
	if (pid == 0) {
		struct itimerval it = { .it_value.tv_usec = 20000 };
		uint64_t *s = &child_rng;
		struct kvm_regs regs;
		int vm, vcpu;

		signal(SIGALRM, SIG_DFL);
		setitimer(ITIMER_REAL, &it, NULL);
		ioctl(pick_vcpu(f)->fd, KVM_GET_REGS, &regs);
		ioctl(pick_vcpu(f)->fd, KVM_RUN, 0);
		ioctl(w.vm.fd, KVM_CREATE_VCPU, rng_below(s, 64));
		ioctl(w.vm.fd, KVM_SET_USER_MEMORY_REGION,
		      &(struct kvm_userspace_memory_region){
			      .slot = 9, .memory_size = PAGE,
			      .userspace_addr = (uintptr_t)w.slot0 });
		vm = ioctl(w.sys_fd, KVM_CREATE_VM, 0);
		if (vm >= 0) {
			struct kvm_userspace_memory_region r = {
				.slot = 0, .memory_size = SLOT0_SIZE,
				.userspace_addr = (uintptr_t)w.slot0 };

			ioctl(vm, KVM_SET_USER_MEMORY_REGION, &r);
			vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
			if (vcpu >= 0 && rng_chance(s, 70)) {
				static const uint8_t spin[] = { 0xeb, 0xfe };

				memcpy(w.slot0 + KT_CODE_GPA, spin, 2);
				regs = (struct kvm_regs){ .rip = KT_CODE_GPA,
							  .rflags = 2 };
				ioctl(vcpu, KVM_SET_REGS, &regs);
				ioctl(vcpu, KVM_RUN, 0);	/* killed */
			}
		}
		_exit(0);
	}
	if (pid > 0) {
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		atomic_fetch_add(&stats.forks, 1);
	}
	end(f->t);
}

/* --- invariants on the thread's own vCPU ---------------------------------- */

static void check_invariants(struct fuzzer *f)
{
	struct kt_vcpu *v = &w.priv[f->t];
	uint64_t *s = &f->rng;
	struct kvm_regs set, got;
	struct kvm_sregs ss, sg;
	struct kvm_fpu fs, fg;
	int r;

	if (v->fd < 0 || !v->run)
		return;
	atomic_fetch_add(&stats.invariants, 1);
	switch (rng_below(s, 4)) {
	case 0:
		sane_regs(f, &set);
		r = fz_ioctl(f->t, "KVM_SET_REGS (invariant)", v->fd,
			     KVM_SET_REGS, (unsigned long)&set);
		if (r == 0)
			r = fz_ioctl(f->t, "KVM_GET_REGS (invariant)", v->fd,
				     KVM_GET_REGS, (unsigned long)&got);
		if (r != 0) {
			fail(f->t, "KVM_SET/GET_REGS of sane values: %s",
			     strerror(-r));
		} else if (memcmp(&set, &got, sizeof(set))) {
			fail(f->t, "KVM_GET_REGS after KVM_SET_REGS differs "
			     "(rip %#llx/%#llx rflags %#llx/%#llx rax "
			     "%#llx/%#llx)", set.rip, got.rip, set.rflags,
			     got.rflags, set.rax, got.rax);
		}
		break;
	case 1:
		/* Real mode at a random CS, random GDT/IDT: the segment
		 * fields userspace set come back. */
		if (fz_ioctl(f->t, "KVM_GET_SREGS (invariant)", v->fd,
			     KVM_GET_SREGS, (unsigned long)&ss))
			break;
		ss.cr0 = 0x10;
		ss.cr4 = 0;
		ss.efer = 0;
		ss.cs.selector = (uint16_t)rng_next(s);
		ss.cs.base = (uint64_t)ss.cs.selector << 4;
		ss.cs.limit = 0xffff;
		ss.cs.type = 0xb;
		ss.cs.s = 1;
		ss.cs.present = 1;
		ss.cs.dpl = ss.cs.db = ss.cs.l = ss.cs.g = 0;
		ss.gdt.base = rng_below(s, 1u << 24);
		ss.gdt.limit = (uint16_t)rng_next(s);
		ss.idt.base = rng_below(s, 1u << 24);
		ss.idt.limit = (uint16_t)rng_next(s);
		r = fz_ioctl(f->t, "KVM_SET_SREGS (invariant)", v->fd,
			     KVM_SET_SREGS, (unsigned long)&ss);
		if (r == 0)
			r = fz_ioctl(f->t, "KVM_GET_SREGS (invariant)", v->fd,
				     KVM_GET_SREGS, (unsigned long)&sg);
		if (r != 0)
			fail(f->t, "KVM_SET/GET_SREGS of real mode: %s",
			     strerror(-r));
		else if (sg.cs.selector != ss.cs.selector ||
			 sg.cs.base != ss.cs.base ||
			 sg.gdt.base != ss.gdt.base ||
			 sg.gdt.limit != ss.gdt.limit ||
			 sg.idt.base != ss.idt.base ||
			 sg.idt.limit != ss.idt.limit)
			fail(f->t, "KVM_GET_SREGS after KVM_SET_SREGS differs "
			     "(cs %#x/%#x base %#llx/%#llx gdt %#llx/%#llx)",
			     ss.cs.selector, sg.cs.selector, ss.cs.base,
			     sg.cs.base, ss.gdt.base, sg.gdt.base);
		break;
	case 2:
		/* x87 and XMM registers round-trip (MXCSR not compared). */
		if (fz_ioctl(f->t, "KVM_GET_FPU (invariant)", v->fd,
			     KVM_GET_FPU, (unsigned long)&fs))
			break;
		rng_fill(s, fs.fpr, sizeof(fs.fpr));
		for (int i = 0; i < 8; i++)	/* 80-bit values only */
			memset(&fs.fpr[i][10], 0, 6);
		rng_fill(s, fs.xmm, sizeof(fs.xmm));
		r = fz_ioctl(f->t, "KVM_SET_FPU (invariant)", v->fd,
			     KVM_SET_FPU, (unsigned long)&fs);
		if (r == 0)
			r = fz_ioctl(f->t, "KVM_GET_FPU (invariant)", v->fd,
				     KVM_GET_FPU, (unsigned long)&fg);
		if (r != 0)
			fail(f->t, "KVM_SET/GET_FPU: %s", strerror(-r));
		else if (memcmp(fs.fpr, fg.fpr, sizeof(fs.fpr)) ||
			 memcmp(fs.xmm, fg.xmm, sizeof(fs.xmm)))
			fail(f->t, "KVM_GET_FPU after KVM_SET_FPU differs in "
			     "the x87 or XMM registers");
		break;
	default:
		/* immediate_exit: KVM_RUN returns EINTR at once. */
		v->run->immediate_exit = 1;
		r = fz_ioctl(f->t, "KVM_RUN (immediate_exit)", v->fd, KVM_RUN,
			     0);
		v->run->immediate_exit = 0;
		if (r != -EINTR)
			fail(f->t, "KVM_RUN with immediate_exit gave %d (%s), "
			     "not EINTR", r, r < 0 ? strerror(-r) : "ok");
		break;
	}
}

/* --- the thread ----------------------------------------------------------- */

static void on_kick(int sig)
{
	(void)sig;
}

static void start_kick_timer(struct fuzzer *f)
{
	struct sigevent sev = { .sigev_notify = SIGEV_THREAD_ID,
				.sigev_signo = KICK_SIGNAL };
	/* Every 2..20 ms: the longest a KVM_RUN can last before EINTR. */
	long period_ns = (2 + rng_below(&f->rng, 19)) * 1000000l;
	struct itimerspec its = {
		.it_value.tv_nsec = period_ns,
		.it_interval.tv_nsec = period_ns,
	};

	sev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
	if (timer_create(CLOCK_MONOTONIC, &sev, &f->kick_timer) ||
	    timer_settime(f->kick_timer, 0, &its, NULL)) {
		perror("ioctl-fuzz: timer");
		exit(3);
	}
}

/* The letter --skip names the operation class chosen by k with. */
static char op_letter(uint64_t k)
{
	static const struct { uint64_t below; char letter; } classes[] = {
		{ 280, 'r' }, { 530, 'v' }, { 680, 'm' }, { 730, 's' },
		{ 800, 'x' }, { 830, 'c' }, { 836, 'C' }, { 880, 'p' },
		{ 885, 'f' }, { 905, 't' }, { 1000, 'i' },
	};

	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (k < classes[i].below)
			return classes[i].letter;
	return 'i';
}

static void *fuzzer_main(void *arg)
{
	struct fuzzer *f = arg;
	sigset_t kick;

	sigemptyset(&kick);
	sigaddset(&kick, KICK_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &kick, NULL);
	start_kick_timer(f);
	while (!atomic_load(&stop_threads)) {
		uint64_t k = rng_below(&f->rng, 1000);

		if (strchr(opt.skip, op_letter(k)))
			continue;
		if (k < 280)
			fuzz_run(f);
		else if (k < 530)
			fuzz_vcpu_ioctl(f);
		else if (k < 680)
			fuzz_vm_ioctl(f);
		else if (k < 730)
			fuzz_sys_ioctl(f);
		else if (k < 800)
			fuzz_random_ioctl(f);
		else if (k < 830)
			fuzz_close_vcpu(f);
		else if (k < 836)
			fuzz_close_vm(f);
		else if (k < 880)
			fuzz_remap(f);
		else if (k < 885)
			fuzz_fork(f);
		else if (k < 905)
			fuzz_transient_vm(f);
		else
			check_invariants(f);
	}
	timer_delete(f->kick_timer);
	atomic_store(&status[f->t].what, "finished");
	return NULL;
}

/* --- main ----------------------------------------------------------------- */

static long module_refcount(void)
{
	const char *module = getenv("VMM_MODULE");
	char path[256];
	long count = -1;
	FILE *file;

	if (!module || !*module)
		return -1;
	snprintf(path, sizeof(path), "/sys/module/%s/refcnt", module);
	file = fopen(path, "r");
	if (!file)
		return -1;
	if (fscanf(file, "%ld", &count) != 1)
		count = -1;
	fclose(file);
	return count;
}

static void usage(void)
{
	fprintf(stderr, "usage: ioctl-fuzz [--seed N] [--seconds S] "
		"[--threads T] [--round S] [--skip LETTERS]\n");
	exit(3);
}

static void parse_options(int argc, char **argv)
{
	bool seeded = false;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (i + 1 >= argc)
			usage();
		if (!strcmp(a, "--seed")) {
			opt.seed = strtoull(argv[++i], NULL, 0);
			seeded = true;
		} else if (!strcmp(a, "--seconds")) {
			opt.seconds = atof(argv[++i]);
		} else if (!strcmp(a, "--threads")) {
			opt.threads = atoi(argv[++i]);
		} else if (!strcmp(a, "--skip")) {
			opt.skip = argv[++i];
		} else if (!strcmp(a, "--round")) {
			opt.round_seconds = atof(argv[++i]);
		} else {
			usage();
		}
	}
	if (opt.threads < 1 || opt.threads > MAX_THREADS ||
	    opt.seconds <= 0 || opt.round_seconds <= 0)
		usage();
	if (!seeded) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		opt.seed = (uint64_t)ts.tv_sec * 1000003u ^ ts.tv_nsec;
		opt.seed %= 1000000000ull;
	}
}

int main(int argc, char **argv)
{
	struct sigaction kick = { .sa_handler = on_kick };
	struct fuzzer fz[MAX_THREADS];
	pthread_t threads[MAX_THREADS], watchdog;
	long long start = monotonic_ms();
	long refcount;
	sigset_t block;
	int round = 0;

	parse_options(argc, argv);
	opt.device = kt_device_path();
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("ioctl-fuzz: seed %" PRIu64 ", %d threads, %g s in rounds of "
	       "%g s, on %s\n", opt.seed, opt.threads, opt.seconds,
	       opt.round_seconds, opt.device);

	/* No SA_RESTART: the kick must end KVM_RUN with EINTR.  The signal
	 * stays blocked everywhere but in the fuzzing threads. */
	sigemptyset(&kick.sa_mask);
	sigaction(KICK_SIGNAL, &kick, NULL);
	signal(SIGPIPE, SIG_IGN);
	{
		struct sigaction crash = { .sa_sigaction = on_crash,
					   .sa_flags = SA_SIGINFO | SA_RESETHAND };

		sigaction(SIGSEGV, &crash, NULL);
		sigaction(SIGBUS, &crash, NULL);
	}
	sigemptyset(&block);
	sigaddset(&block, KICK_SIGNAL);
	pthread_sigmask(SIG_BLOCK, &block, NULL);
	map_bad_memory();
	refcount = module_refcount();
	if (pthread_create(&watchdog, NULL, watchdog_main, NULL)) {
		perror("ioctl-fuzz: pthread_create");
		return 3;
	}

	while (monotonic_ms() - start < opt.seconds * 1000) {
		double left = opt.seconds - (monotonic_ms() - start) / 1000.0;
		double length = left < opt.round_seconds ? left :
				opt.round_seconds;

		atomic_store(&current_round, round);
		world_create();
		atomic_store(&stop_threads, false);
		for (int t = 0; t < opt.threads; t++) {
			fz[t] = (struct fuzzer){
				.t = t,
				.rng = opt.seed * 0x100000001b3ull ^
				       ((uint64_t)round << 32) ^
				       (uint64_t)(t + 1) * 0x9e3779b97f4a7c15ull,
				.scratch = malloc(SCRATCH_SIZE),
			};
			if (!fz[t].scratch ||
			    pthread_create(&threads[t], NULL, fuzzer_main,
					   &fz[t])) {
				fprintf(stderr, "ioctl-fuzz: thread %d\n", t);
				return 3;
			}
		}
		usleep((useconds_t)(length * 1e6));
		atomic_store(&stop_threads, true);
		begin(MAX_THREADS, "joining the threads");
		for (int t = 0; t < opt.threads; t++) {
			pthread_join(threads[t], NULL);
			free(fz[t].scratch);
		}
		end(MAX_THREADS);
		world_destroy();
		if (refcount >= 0) {
			long now = module_refcount();

			begin(MAX_THREADS, "waiting for the use count");
			for (int i = 0; i < 100 && now != refcount; i++) {
				usleep(100000);
				now = module_refcount();
			}
			end(MAX_THREADS);
			if (now != refcount)
				fail(MAX_THREADS, "after round %d the module's "
				     "use count is %ld, was %ld", round, now,
				     refcount);
		}
		/* Progress, and a sign of life of the host's console and files:
		 * memory corruption has broken them before. */
		if (round % 8 == 7)
			printf("ioctl-fuzz: %d rounds, %.0f s, %lu ioctls\n",
			       round + 1, (monotonic_ms() - start) / 1000.0,
			       atomic_load(&stats.ioctls));
		round++;
	}

	printf("ioctl-fuzz: %d rounds, %lu ioctls (%lu random numbers), "
	       "%lu KVM_RUN (%lu EINTR, %lu errors), exits: io %lu mmio %lu "
	       "hlt %lu shutdown %lu fail_entry %lu internal %lu other %lu\n",
	       round, atomic_load(&stats.ioctls),
	       atomic_load(&stats.random_ioctls), atomic_load(&stats.runs),
	       atomic_load(&stats.intr), atomic_load(&stats.run_errors),
	       atomic_load(&stats.exits[KVM_EXIT_IO]),
	       atomic_load(&stats.exits[KVM_EXIT_MMIO]),
	       atomic_load(&stats.exits[KVM_EXIT_HLT]),
	       atomic_load(&stats.exits[KVM_EXIT_SHUTDOWN]),
	       atomic_load(&stats.exits[KVM_EXIT_FAIL_ENTRY]),
	       atomic_load(&stats.exits[KVM_EXIT_INTERNAL_ERROR]),
	       atomic_load(&stats.exits[0]) +
	       atomic_load(&stats.exits[KVM_EXIT_IRQ_WINDOW_OPEN]));
	printf("ioctl-fuzz: memslots %lu set (%lu accepted), %lu vCPU and "
	       "%lu VM fds closed under the threads, %lu remaps, %lu forks, "
	       "%lu transient VMs, %lu invariant checks\n",
	       atomic_load(&stats.memslot_calls),
	       atomic_load(&stats.memslot_ok), atomic_load(&stats.vcpu_closes),
	       atomic_load(&stats.vm_closes), atomic_load(&stats.remaps),
	       atomic_load(&stats.forks), atomic_load(&stats.transient_vms),
	       atomic_load(&stats.invariants));
	if (atomic_load(&failures)) {
		printf("ioctl-fuzz: %d FAILED checks (seed %" PRIu64 ")\n",
		       atomic_load(&failures), opt.seed);
		return 1;
	}
	printf("ioctl-fuzz: passed (seed %" PRIu64 ")\n", opt.seed);
	return 0;
}
