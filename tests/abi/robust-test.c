// SPDX-License-Identifier: GPL-2.0
/*
 * robust-test: does the device survive what a careless or hostile user or
 * guest does, and answer like KVM?  The same suite runs against /dev/vmm and
 * /dev/kvm (kvm-amd in the nested test host, the reference); the nested
 * harness fails the run if the host kernel logs an oops or a warning, so a
 * test here passes when every ioctl returned (with KVM's errno where KVM's
 * answer is specific) and the host is still there.
 *
 *  - FPU/SSE/AVX isolation: a guest holding x87/SSE/AVX values while host
 *    threads and processes on the same CPU do the same; KVM_SET_FPU/XSAVE
 *    values surviving host work; the host's registers surviving KVM_RUN.
 *  - Hostile guests: random code in real, protected and long mode; hand-
 *    picked sequences (reserved CR/EFER bits, unknown MSRs, SVM
 *    instructions, bad XSETBV, MONITOR/MWAIT, RDPMC, IRET of garbage, ...)
 *    whose outcome is compared with KVM's; triple faults in a loop; random
 *    register state.
 *  - Malformed ioctl arguments: bad pointers, absurd counts and sizes,
 *    invalid FPU/XSAVE/XCR/CPUID/MSR contents, ioctls from another process.
 *  - A failed VM entry keeps failing cleanly until the state is fixed.
 *  - Teardown: SIGKILL with vCPUs running, closing fds under a running
 *    vCPU, exiting with the kvm_run page still mapped.
 *
 * Usage: robust-test                   the suite (cmocka output)
 *        robust-test --spin-forever F  two VMs, three vCPU threads spinning
 *                                      in KVM_RUN; creates file F once they
 *                                      are about to enter; never returns
 *                                      (tests/abi/in-nested-host kills it
 *                                      and unloads the module)
 * Environment: VMM_DEV, VMM_ACCEL, VMM_MODULE, VMM_TEST_FILTER as for
 * abi-test; ROBUST_SEED (first seed of the random guests, default 1),
 * ROBUST_RUNS (random guests per mode, default 67), ROBUST_FPU_SECONDS
 * (default 3).
 */
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "kt-assert.h"

#include "kvmtest.h"
#include "guest-abi.h"
#include "guest-symbols.h"
#include "payloads.h"
#include "robust-abi.h"
#include "fpu-host.h"

#define SLOT0_SIZE		(1u << 20)
#define PAGE			4096ul
#define KICK_SIGNAL		SIGUSR2
#define KICK_AFTER_MS		200	/* a KVM_RUN longer than this is kicked */
#define HANG_SECONDS		20	/* ... and one that ignores kicks this long
					 * ends the program */
#define CHILD_WATCHDOG_SECONDS	30

#define CR0_PE		(1ull << 0)
#define CR0_PG		(1ull << 31)
#define CR4_OSFXSR	(1ull << 9)
#define CR4_OSXMMEXCPT	(1ull << 10)
#define CR4_OSXSAVE	(1ull << 18)
#define EFER_LME	(1ull << 8)
#define EFER_LMA	(1ull << 10)

#define MSR_IA32_SYSENTER_CS	0x174
#define MSR_UNKNOWN		0xdeadbeef

/* The limits KVM (6.1) puts on the counts userspace passes. */
#define KVM_MAX_CPUID_ENTRIES	256
#define KVM_MAX_IO_MSRS		256	/* MAX_IO_MSRS: nmsrs must be below */
#define KVM_MAX_XCRS_NR		16
#define KVM_ENOSYS_RESULT	0xfffffc18u	/* -KVM_ENOSYS (-1000) */

/* ------------------------------------------------------------------------
 * Shared helpers
 */

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int env_int(const char *name, int fallback)
{
	const char *text = getenv(name);
	char *end;
	long value;

	if (!text || !*text)
		return fallback;
	value = strtol(text, &end, 0);
	return *end || value < 0 ? fallback : (int)value;
}

/* Is this the nested test host (real SVM semantics)? */
static bool in_nested_host(void)
{
	const char *accel = getenv("VMM_ACCEL");

	return accel && *accel;
}

/* splitmix64: small, seedable, good enough for test data. */
static uint64_t rng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void rng_fill(uint64_t *state, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		uint64_t r = rng_next(state);
		size_t n = len < 8 ? len : 8;

		memcpy(p, &r, n);
		p += n;
		len -= n;
	}
}

static void ignore_signal(int sig)
{
	(void)sig;
}

/* Use count of $VMM_MODULE, or -1 when not asked for / not available. */
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

/* Wait (up to 5 s) until the module's use count is back to `baseline`:
 * every file of the VMs that were created since is released. */
static void assert_refcount_back(long baseline, const char *after)
{
	long now = module_refcount();

	if (baseline < 0) {
		print_message("(VMM_MODULE not set: use count not checked)\n");
		return;
	}
	for (int i = 0; i < 50 && now != baseline; i++) {
		usleep(100000);
		now = module_refcount();
	}
	if (now != baseline)
		fprintf(stderr, "robust-test: %s: module use count %ld, was %ld "
			"before: a VM was not released\n", after, now, baseline);
	assert_int_equal(now, baseline);
}

/* ------------------------------------------------------------------------
 * The guard: kicks a KVM_RUN of the main vCPU thread that lasts longer than
 * KICK_AFTER_MS (a guest may legitimately loop forever without an exit),
 * and ends the program with a message if one does not come back at all.
 */

static struct {
	pthread_t thread;		/* the thread whose KVM_RUN is watched */
	atomic_llong run_start_ms;	/* 0: not in KVM_RUN */
	atomic_int kick_ms;		/* kick runs longer than this */
	char context[200];		/* what was running, for the message */
} guard;

static long long monotonic_ms(void)
{
	return (long long)(now_seconds() * 1000);
}

static void *guard_main(void *arg)
{
	(void)arg;
	for (;;) {
		long long start = atomic_load(&guard.run_start_ms);
		long long elapsed = start ? monotonic_ms() - start : 0;

		if (elapsed > HANG_SECONDS * 1000) {
			fprintf(stderr, "robust-test: KVM_RUN did not return for "
				"%d s despite signals (%s): giving up\n",
				HANG_SECONDS, guard.context);
			_exit(124);
		}
		if (elapsed > atomic_load(&guard.kick_ms))
			pthread_kill(guard.thread, KICK_SIGNAL);
		usleep(5000);
	}
	return NULL;
}

static void guard_start(void)
{
	struct sigaction action = { .sa_handler = ignore_signal };
	sigset_t all, old;
	pthread_t thread;

	/* No SA_RESTART: KVM_RUN must come back with EINTR. */
	sigemptyset(&action.sa_mask);
	sigaction(KICK_SIGNAL, &action, NULL);
	guard.thread = pthread_self();
	atomic_store(&guard.kick_ms, KICK_AFTER_MS);
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	if (pthread_create(&thread, NULL, guard_main, NULL) == 0)
		pthread_detach(thread);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static void guard_context(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(guard.context, sizeof(guard.context), fmt, ap);
	va_end(ap);
}

/* Kick KVM_RUNs longer than `ms` from now on (KICK_AFTER_MS by default;
 * each test starts with the default). */
static void guard_kick_after(int ms)
{
	atomic_store(&guard.kick_ms, ms);
}

static void guard_enter(void)
{
	atomic_store(&guard.run_start_ms, monotonic_ms());
}

static void guard_leave(void)
{
	atomic_store(&guard.run_start_ms, 0);
}

/* KVM_RUN under the guard: the exit reason, or -errno (-EINTR if kicked). */
static int run_guarded(struct kt_vcpu *vcpu)
{
	int ret;

	guard_enter();
	ret = kt_run(vcpu);
	guard_leave();
	return ret;
}

/* ------------------------------------------------------------------------
 * Fixture: a VM with SLOT0_SIZE of memory at GPA 0 and vCPU 0.
 */

struct fixture {
	struct kt_vm vm;
	struct kt_vcpu vcpu;
	uint8_t *mem;
	pid_t child;		/* a helper process to kill at teardown */
};

static int create_fixture(struct fixture *f)
{
	int ret;

	f->vm.vm_fd = f->vm.sys_fd = f->vcpu.fd = -1;
	ret = kt_vm_create(&f->vm);
	if (ret == 0)
		ret = kt_vm_add_memory(&f->vm, 0, 0, SLOT0_SIZE,
				       (void **)&f->mem);
	if (ret == 0)
		ret = kt_vcpu_create(&f->vm, 0, &f->vcpu);
	return ret;
}

static int setup_vm(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	int ret;

	if (!f)
		return -1;
	*state = f;
	guard_kick_after(KICK_AFTER_MS);
	ret = create_fixture(f);
	if (ret < 0) {
		fprintf(stderr, "robust-test: creating VM on %s: %s\n",
			kt_device_path(), strerror(-ret));
		return -1;
	}
	return 0;
}

static int teardown_vm(void **state)
{
	struct fixture *f = *state;

	guard_leave();
	if (f->child > 0) {
		kill(f->child, SIGKILL);
		waitpid(f->child, NULL, 0);
	}
	kt_vcpu_destroy(&f->vcpu);
	kt_vm_destroy(&f->vm);
	free(f);
	return 0;
}

static void load_payload(struct kt_vm *vm, struct guest_payload payload)
{
	assert_true(payload.size <= KT_CODE_MAX_SIZE);
	assert_result(kt_write_guest(vm, KT_CODE_GPA, payload.bytes,
				     payload.size), 0);
}

static const char *exit_name(int reason)
{
	return kt_exit_reason_name((uint32_t)reason);
}

static void describe(struct kt_vcpu *vcpu, char *buf, size_t size)
{
	kt_describe_exit(vcpu, buf, size);
}

/* Is the vCPU ioctl there at all?  -ENOTTY (or -EINVAL from a system fd)
 * means not implemented: the caller skips what needs it, with a note. */
static bool implemented(int ret)
{
	return ret != -ENOTTY;
}

static bool set_pc(struct kt_vcpu *vcpu, uint64_t rip, uint64_t rsp)
{
	struct kvm_regs regs;

	if (kt_get_regs(vcpu, &regs) < 0)
		return false;
	regs.rip = rip;
	regs.rsp = rsp;
	return kt_set_regs(vcpu, &regs) == 0;
}

/* ------------------------------------------------------------------------
 * Guest CPUID from KVM_GET_SUPPORTED_CPUID
 */

struct cpuid_buf {
	struct kvm_cpuid2 head;
	struct kvm_cpuid_entry2 entries[KVM_MAX_CPUID_ENTRIES];
};

static int get_supported_cpuid(int sys_fd, struct cpuid_buf *buf)
{
	memset(buf, 0, sizeof(*buf));
	buf->head.nent = KVM_MAX_CPUID_ENTRIES;
	return kt_ioctl(sys_fd, KVM_GET_SUPPORTED_CPUID, buf);
}

static const struct kvm_cpuid_entry2 *
find_cpuid(const struct cpuid_buf *buf, uint32_t function, uint32_t index)
{
	for (uint32_t i = 0; i < buf->head.nent; i++)
		if (buf->entries[i].function == function &&
		    buf->entries[i].index == index)
			return &buf->entries[i];
	return NULL;
}

/*
 * Give the guest AVX: the host and the accelerator support it, and
 * KVM_SET_CPUID2 with KVM_GET_SUPPORTED_CPUID's answer works.  Returns
 * false (saying why) when any of it is missing.
 */
static bool enable_guest_avx(struct fixture *f)
{
	static struct cpuid_buf cpuid;
	const struct kvm_cpuid_entry2 *leaf1, *leafd;
	int ret;

	__builtin_cpu_init();
	if (!__builtin_cpu_supports("avx")) {
		print_message("AVX: the host has none, x87/SSE only\n");
		return false;
	}
	if (kt_check_extension(f->vm.sys_fd, KVM_CAP_XSAVE) <= 0 ||
	    kt_check_extension(f->vm.sys_fd, KVM_CAP_XCRS) <= 0) {
		print_message("AVX: KVM_CAP_XSAVE/XCRS not reported, x87/SSE "
			      "only\n");
		return false;
	}
	ret = get_supported_cpuid(f->vm.sys_fd, &cpuid);
	if (ret < 0) {
		print_message("AVX: KVM_GET_SUPPORTED_CPUID: %s, x87/SSE only\n",
			      strerror(-ret));
		return false;
	}
	leaf1 = find_cpuid(&cpuid, 1, 0);
	leafd = find_cpuid(&cpuid, 0xd, 0);
	if (!leaf1 || !(leaf1->ecx & (1u << 26)) || !(leaf1->ecx & (1u << 28)) ||
	    !leafd || (leafd->eax & 7) != 7) {
		print_message("AVX: not in the supported CPUID, x87/SSE only\n");
		return false;
	}
	ret = kt_ioctl(f->vcpu.fd, KVM_SET_CPUID2, &cpuid);
	if (ret < 0) {
		print_message("AVX: KVM_SET_CPUID2: %s, x87/SSE only\n",
			      strerror(-ret));
		return false;
	}
	/*
	 * XCR0 = x87|SSE|AVX from here too: QEMU's software SVM does not
	 * intercept the guest's XSETBV (it goes straight to the emulated
	 * CPU), so under it the hypervisor would not know the guest's XCR0
	 * and put back its own at the next entry.
	 */
	{
		struct kvm_xcrs xcrs = { .nr_xcrs = 1,
					 .xcrs[0] = { .xcr = 0, .value = 7 } };

		ret = kt_ioctl(f->vcpu.fd, KVM_SET_XCRS, &xcrs);
	}
	if (ret < 0) {
		print_message("AVX: KVM_SET_XCRS: %s, x87/SSE only\n",
			      strerror(-ret));
		return false;
	}
	return true;
}

enum mode { MODE_REAL, MODE_PROTECTED, MODE_LONG };
static const char *const mode_names[] = { "real", "protected", "long" };

/* An interrupt gate (type 0xE, present, DPL 0) in the IDT at `idt`. */
static void write_gate(uint8_t *idt, enum mode mode, int vector,
		       uint64_t handler, bool present)
{
	if (mode == MODE_REAL) {
		uint32_t entry = (uint32_t)handler & 0xffff;	/* seg 0 */

		memcpy(idt + 4 * vector, &entry, 4);
	} else if (mode == MODE_PROTECTED) {
		uint64_t gate = (handler & 0xffff) |
				((uint64_t)KT_SEL_CODE32 << 16) |
				((uint64_t)(present ? 0x8e : 0x0e) << 40) |
				((handler >> 16 & 0xffff) << 48);

		memcpy(idt + 8 * vector, &gate, 8);
	} else {
		uint64_t gate[2] = {
			(handler & 0xffff) | ((uint64_t)KT_SEL_CODE64 << 16) |
			((uint64_t)(present ? 0x8e : 0x0e) << 40) |
			((handler >> 16 & 0xffff) << 48),
			handler >> 32,
		};

		memcpy(idt + 16 * vector, gate, 16);
	}
}

/* ------------------------------------------------------------------------
 * FPU/SSE/AVX isolation
 */

/* Long mode at `entry` of fpu_loop.S with CR4.OSFXSR (and OSXSAVE when
 * AVX is possible and `want_avx`).  Returns whether the guest uses AVX. */
static bool setup_fpu_guest(struct fixture *f, uint64_t entry, bool want_avx,
			    uint64_t spin)
{
	struct kvm_sregs sregs;
	bool avx = want_avx && enable_guest_avx(f);
	uint32_t flags = avx ? FPU_FLAG_AVX : 0;

	load_payload(&f->vm, PAYLOAD(fpu_loop));
	assert_result(kt_vcpu_setup_long_mode(&f->vcpu, entry), 0);
	assert_result(kt_get_sregs(&f->vcpu, &sregs), 0);
	sregs.cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT | (avx ? CR4_OSXSAVE : 0);
	/* Exceptions are reported (vector and RIP), not a triple fault. */
	for (int v = 0; v < 32; v++)
		write_gate(f->mem + HOSTILE_IDT_GPA, MODE_LONG, v,
			   GUEST_SYM_fpu_vectors + FPU_STUB_SIZE * v, true);
	sregs.idt.base = HOSTILE_IDT_GPA;
	sregs.idt.limit = 32 * 16 - 1;
	assert_result(kt_set_sregs(&f->vcpu, &sregs), 0);
	assert_result(kt_write_guest(&f->vm, FPU_CTRL_GPA + FPU_CTRL_FLAGS,
				     &flags, sizeof(flags)), 0);
	assert_result(kt_write_guest(&f->vm, FPU_CTRL_GPA + FPU_CTRL_SPIN,
				     &spin, sizeof(spin)), 0);
	return avx;
}

/* Per-thread register values: unique per (who, iteration). */
static void fill_frame(struct fpu_frame *fr, unsigned int who, uint64_t n,
		       bool avx, uint32_t mxcsr, uint16_t fcw)
{
	uint64_t state = ((uint64_t)who << 48) ^ n;

	memset(fr, 0, sizeof(*fr));
	rng_fill(&state, fr->in, sizeof(fr->in));
	for (int j = 0; j < 8; j++)
		fr->x87_in[j] = (int64_t)((((uint64_t)who << 40) ^ (n << 8) ^
					   (uint64_t)j) & 0x3fffffffffffffull);
	fr->mxcsr_in = mxcsr;
	fr->fcw_in = fcw;
	fr->flags = avx ? FH_FLAG_AVX : 0;
	fr->nr = -1;
}

/* 0 if everything came back as loaded, else says what did not. */
static int check_frame(const struct fpu_frame *fr, const char *who,
		       uint64_t n)
{
	size_t width = fr->flags & FH_FLAG_AVX ? 32 : 16;

	for (int r = 0; r < 16; r++)
		if (memcmp(fr->in[r], fr->out[r], width)) {
			fprintf(stderr, "robust-test: %s, iteration %" PRIu64
				": %s%d changed\n", who, n,
				width == 32 ? "ymm" : "xmm", r);
			return -1;
		}
	for (int k = 0; k < 8; k++)
		if (fr->x87_out[k] != fr->x87_in[7 - k]) {
			fprintf(stderr, "robust-test: %s, iteration %" PRIu64
				": st(%d) changed\n", who, n, k);
			return -1;
		}
	if (fr->mxcsr_out != fr->mxcsr_in || fr->fcw_out != fr->fcw_in) {
		fprintf(stderr, "robust-test: %s, iteration %" PRIu64 ": MXCSR "
			"%#x (loaded %#x), FCW %#x (loaded %#x)\n", who, n,
			fr->mxcsr_out, fr->mxcsr_in, fr->fcw_out, fr->fcw_in);
		return -1;
	}
	return 0;
}

/* This thread's AVX/SSE registers work and hold their values across one
 * system call (after a guest played with XCR0). */
static void check_host_fpu_usable(void)
{
	struct fpu_frame fr;

	fill_frame(&fr, 6, 1, __builtin_cpu_supports("avx"), 0x1f80, 0x037f);
	fr.nr = SYS_getpid;
	fpu_hold(&fr);
	assert_int_equal(check_frame(&fr, "vCPU thread after the guest", 1),
			 0);
}

/* Host workers on the vCPU thread's CPU: one thread, one process. */
struct worker_share {
	atomic_int stop;
	atomic_long iterations;
	atomic_long errors;
};

struct worker {
	struct worker_share *share;	/* MAP_SHARED for the process */
	unsigned int who;
	int cpu;
	bool avx;
	uint32_t mxcsr;
	uint16_t fcw;
};

static void pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void worker_loop(const struct worker *w)
{
	static const char *const names[] = { "?", "host thread",
					     "host process" };
	struct fpu_frame fr;

	pin_to_cpu(w->cpu);
	for (uint64_t n = 1; !atomic_load(&w->share->stop); n++) {
		fill_frame(&fr, w->who, n, w->avx, w->mxcsr, w->fcw);
		fr.nr = SYS_sched_yield;
		fr.spin = 20000;
		fpu_hold(&fr);
		if (check_frame(&fr, names[w->who < 3 ? w->who : 0], n))
			atomic_fetch_add(&w->share->errors, 1);
		atomic_fetch_add(&w->share->iterations, 1);
	}
}

static void *worker_thread(void *arg)
{
	worker_loop(arg);
	return NULL;
}

struct workers {
	struct worker_share *thread_share, *process_share;
	struct worker thread_w, process_w;
	pthread_t thread;
	pid_t pid;
};

static void start_workers(struct workers *ws, struct fixture *f, int cpu,
			  bool avx)
{
	ws->thread_share = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ws->process_share = (void *)((char *)ws->thread_share + 256);
	assert_true(ws->thread_share != MAP_FAILED);
	ws->thread_w = (struct worker){ ws->thread_share, 1, cpu, avx,
					0x5f80, 0x077f };
	ws->process_w = (struct worker){ ws->process_share, 2, cpu, avx,
					 0x3f80, 0x0b7f };
	assert_int_equal(pthread_create(&ws->thread, NULL, worker_thread,
					&ws->thread_w), 0);
	ws->pid = fork();
	assert_true(ws->pid >= 0);
	if (ws->pid == 0) {
		alarm(CHILD_WATCHDOG_SECONDS);
		worker_loop(&ws->process_w);
		_exit(0);
	}
	f->child = ws->pid;
}

/* Stop both; returns the total of their errors. */
static long stop_workers(struct workers *ws, struct fixture *f)
{
	long errors;

	atomic_store(&ws->thread_share->stop, 1);
	atomic_store(&ws->process_share->stop, 1);
	pthread_join(ws->thread, NULL);
	waitpid(ws->pid, NULL, 0);
	f->child = 0;
	errors = atomic_load(&ws->thread_share->errors) +
		 atomic_load(&ws->process_share->errors);
	print_message("host thread: %ld iterations, host process: %ld "
		      "iterations, %ld corrupted\n",
		      atomic_load(&ws->thread_share->iterations),
		      atomic_load(&ws->process_share->iterations), errors);
	munmap(ws->thread_share, PAGE);
	return errors;
}

/* KVM_RUN from inside fpu_hold(), with this thread's registers loaded. */
static int run_holding_fpu(struct kt_vcpu *vcpu, struct fpu_frame *fr,
			   uint64_t n, long *corrupted)
{
	long ret;

	fr->nr = SYS_ioctl;
	fr->a0 = vcpu->fd;
	fr->a1 = KVM_RUN;
	fr->a2 = 0;
	fr->spin = 200;
	guard_enter();
	ret = fpu_hold(fr);
	guard_leave();
	if (check_frame(fr, "vCPU thread across KVM_RUN", n))
		(*corrupted)++;
	return ret < 0 ? (int)ret : (int)vcpu->run->exit_reason;
}

/* If the exit is the FPU guest's exception report, say what it was. */
static bool fpu_guest_exception(struct fixture *f)
{
	uint64_t info[4];

	if (!(f->vcpu.run->exit_reason == KVM_EXIT_IO &&
	      f->vcpu.run->io.port == FPU_PORT_EXCEPTION))
		return false;
	memcpy(info, f->mem + FPU_CTRL_GPA + FPU_CTRL_EXCEPTION, sizeof(info));
	fprintf(stderr, "robust-test: the FPU guest took exception %llu; stack "
		"%#llx %#llx %#llx (RIP, or error code then RIP)\n",
		(unsigned long long)info[0], (unsigned long long)info[1],
		(unsigned long long)info[2], (unsigned long long)info[3]);
	return true;
}

static uint32_t io_value(struct kt_vcpu *vcpu)
{
	uint32_t value = 0;

	memcpy(&value, kt_io_data(vcpu), vcpu->run->io.size <= 4 ?
	       vcpu->run->io.size : 4);
	return value;
}

static bool exit_is_out(struct kt_vcpu *vcpu, uint16_t port)
{
	return vcpu->run->exit_reason == KVM_EXIT_IO &&
	       vcpu->run->io.direction == KVM_EXIT_IO_OUT &&
	       vcpu->run->io.port == port;
}

/*
 * The guest holds values in all x87/SSE(/AVX) registers across host
 * preemption and exits, the host thread and process on the same CPU do the
 * same, and the vCPU thread holds its own across every KVM_RUN: nobody
 * sees anybody else's values, for a few seconds.
 */
static void test_fpu_isolation(void **state)
{
	struct fixture *f = *state;
	struct kt_vcpu *vcpu = &f->vcpu;
	const double seconds = env_int("ROBUST_FPU_SECONDS", 3);
	long guest_iterations = 0, guest_errors = 0, host_corrupted = 0;
	long runs = 0, kicks = 0, worker_errors;
	struct workers ws;
	struct fpu_frame fr;
	struct rusage usage;
	int cpu = sched_getcpu();
	bool avx, other_exit = false;
	char what[160] = "";
	double end;

	avx = setup_fpu_guest(f, GUEST_SYM_fpu_loop, true, 400000);
	pin_to_cpu(cpu);
	guard_context("FPU isolation guest");
	start_workers(&ws, f, cpu, avx);

	end = now_seconds() + seconds;
	while (now_seconds() < end && !other_exit) {
		int reason;

		fill_frame(&fr, 3, (uint64_t)runs, avx, 0x9f80, 0x0f7f);
		reason = run_holding_fpu(vcpu, &fr, runs, &host_corrupted);
		runs++;
		if (reason == -EINTR) {
			kicks++;
			continue;
		}
		if (reason < 0) {
			snprintf(what, sizeof(what), "KVM_RUN: %s",
				 strerror(-reason));
			other_exit = true;
		} else if (exit_is_out(vcpu, FPU_PORT_PROGRESS)) {
			if (!(io_value(vcpu) & 0x80000000u))
				guest_iterations++;
		} else if (exit_is_out(vcpu, FPU_PORT_FAIL)) {
			uint32_t at = io_value(vcpu);

			if (guest_errors++ < 5)
				fprintf(stderr, "robust-test: guest saw its "
					"register state changed (check %#x)\n",
					at);
		} else {
			fpu_guest_exception(f);
			describe(vcpu, what, sizeof(what));
			other_exit = true;
		}
	}
	worker_errors = stop_workers(&ws, f);
	getrusage(RUSAGE_THREAD, &usage);
	print_message("%s guest: %ld iterations checked, %ld corrupted; vCPU "
		      "thread: %ld KVM_RUNs (%ld kicked), %ld corrupted, %ld "
		      "involuntary context switches\n", avx ? "AVX" : "SSE",
		      guest_iterations, guest_errors, runs, kicks,
		      host_corrupted, usage.ru_nivcsw);
	if (other_exit)
		fprintf(stderr, "robust-test: unexpected exit: %s\n", what);
	assert_false(other_exit);
	assert_int_equal(guest_errors, 0);
	assert_int_equal(host_corrupted, 0);
	assert_int_equal(worker_errors, 0);
	assert_true(guest_iterations >= 3);
}

/*
 * The host thread's own registers survive KVM_RUN: a guest that loads other
 * values into every x87/SSE(/AVX) register and MXCSR/FCW each time it runs.
 */
static void test_fpu_host_regs_survive_run(void **state)
{
	struct fixture *f = *state;
	struct kt_vcpu *vcpu = &f->vcpu;
	long corrupted = 0;
	struct fpu_frame fr;
	bool avx;
	char what[160];

	avx = setup_fpu_guest(f, GUEST_SYM_fpu_clobber, true, 1);
	guard_context("FPU clobber guest");
	for (uint64_t n = 0; n < 300; n++) {
		int reason;

		fill_frame(&fr, 4, n, avx || __builtin_cpu_supports("avx"),
			   0x9f80, 0x0f7f);
		reason = run_holding_fpu(vcpu, &fr, n, &corrupted);
		if (reason == -EINTR)
			continue;
		assert_true(reason >= 0);
		if (!exit_is_out(vcpu, FPU_PORT_CLOBBERED)) {
			fpu_guest_exception(f);
			describe(vcpu, what, sizeof(what));
			fprintf(stderr, "robust-test: unexpected exit: %s\n",
				what);
			fail();
		}
	}
	print_message("300 KVM_RUNs of a guest clobbering %s: %ld corrupted\n",
		      avx ? "x87/SSE/AVX" : "x87/SSE", corrupted);
	assert_int_equal(corrupted, 0);
}

/* Offset of the AVX upper halves in the standard XSAVE format. */
static unsigned int xsave_ymmh_offset(void)
{
	unsigned int eax, ebx, ecx, edx;

	if (!__get_cpuid_count(0xd, 2, &eax, &ebx, &ecx, &edx))
		return 0;
	return ebx;
}

/* A few host threads' worth of FPU work on this CPU (this thread too). */
static void host_fpu_work(struct fixture *f, bool avx, double seconds)
{
	struct workers ws;
	struct fpu_frame fr;
	double end = now_seconds() + seconds;
	int cpu = sched_getcpu();
	long errors = 0;

	pin_to_cpu(cpu);
	start_workers(&ws, f, cpu, avx);
	for (uint64_t n = 0; now_seconds() < end; n++) {
		fill_frame(&fr, 5, n, avx, 0x9f80, 0x0f7f);
		fr.nr = SYS_sched_yield;
		fr.spin = 20000;
		fpu_hold(&fr);
		errors += check_frame(&fr, "vCPU thread", n) != 0;
	}
	errors += stop_workers(&ws, f);
	assert_int_equal(errors, 0);
}

/* The x87 registers as 80-bit values 1.0 * 2^(i + 1 + salt). */
static void fill_fpr(uint8_t fpr[8][16], int salt)
{
	memset(fpr, 0, 8 * 16);
	for (int i = 0; i < 8; i++) {
		uint64_t mantissa = 1ull << 63;
		uint16_t exponent = 0x3fff + i + 1 + salt;

		memcpy(fpr[i], &mantissa, 8);
		memcpy(fpr[i] + 8, &exponent, 2);
	}
}

/* Run the fpu_dump guest; returns the FXSAVE image it stored. */
static const uint8_t *run_fpu_dump(struct fixture *f)
{
	const uint8_t *dump;
	int ret;

	assert_true(set_pc(&f->vcpu, GUEST_SYM_fpu_dump, KT_STACK_TOP));
	guard_context("FPU dump guest");
	ret = run_guarded(&f->vcpu);
	assert_true(ret >= 0);
	fpu_guest_exception(f);
	assert_true(exit_is_out(&f->vcpu, FPU_PORT_DUMPED));
	dump = kt_gpa_to_host(&f->vm, FPU_DUMP_GPA, 1024);
	assert_non_null(dump);
	return dump;
}

/*
 * Values given to the guest with KVM_SET_FPU (x87 registers, FCW, xmm)
 * survive host FPU work on the same CPU: KVM_GET_FPU gives them back and
 * the guest's FXSAVE sees them.
 */
static void test_fpu_set_fpu_survives(void **state)
{
	struct fixture *f = *state;
	struct kt_vcpu *vcpu = &f->vcpu;
	struct kvm_fpu fpu, back;
	const uint8_t *dump;
	uint16_t fcw;
	uint64_t rng = 42;
	int ret;

	setup_fpu_guest(f, GUEST_SYM_fpu_dump, false, 1);
	ret = kt_ioctl(vcpu->fd, KVM_GET_FPU, &fpu);
	if (!implemented(ret)) {
		print_message("KVM_GET_FPU not implemented\n");
		fail();
	}
	assert_result(ret, 0);
	rng_fill(&rng, fpu.xmm, sizeof(fpu.xmm));
	fill_fpr(fpu.fpr, 0);
	fpu.fcw = FPU_GUEST_FCW;
	fpu.fsw = 0;		/* TOP = 0: fpr[i] is st(i) */
	fpu.ftwx = 0xff;	/* all valid */
	fpu.mxcsr = 0x1f80;

	/*
	 * Before the guest ever used x87/SSE, KVM 6.1 on an XSAVE host keeps
	 * KVM_SET_FPU's values in the legacy area but not XSTATE_BV, so the
	 * guest starts from the init state (FCW 0x37f, xmm zero) anyway.
	 * Only reported; the check below is after the guest used them.
	 */
	assert_result(kt_ioctl(vcpu->fd, KVM_SET_FPU, &fpu), 0);
	dump = run_fpu_dump(f);
	memcpy(&fcw, dump, 2);
	print_message("KVM_SET_FPU before the guest used x87/SSE: the guest "
		      "saw FCW %#x, xmm0 %s\n", fcw,
		      memcmp(dump + 160, fpu.xmm, 16) ? "not as set" : "as set");
	assert_true(set_pc(vcpu, GUEST_SYM_fpu_clobber, KT_STACK_TOP));
	assert_true(run_guarded(vcpu) >= 0);
	assert_true(exit_is_out(vcpu, FPU_PORT_CLOBBERED));

	rng_fill(&rng, fpu.xmm, sizeof(fpu.xmm));
	fill_fpr(fpu.fpr, 1);
	assert_result(kt_ioctl(vcpu->fd, KVM_SET_FPU, &fpu), 0);

	host_fpu_work(f, false, 0.5);

	memset(&back, 0, sizeof(back));
	assert_result(kt_ioctl(vcpu->fd, KVM_GET_FPU, &back), 0);
	assert_int_equal(back.fcw, fpu.fcw);
	assert_memory_equal(back.xmm, fpu.xmm, sizeof(fpu.xmm));
	for (int i = 0; i < 8; i++)
		assert_memory_equal(back.fpr[i], fpu.fpr[i], 10);

	dump = run_fpu_dump(f);
	memcpy(&fcw, dump, 2);
	assert_int_equal(fcw, FPU_GUEST_FCW);
	for (int i = 0; i < 8; i++)
		assert_memory_equal(dump + 32 + 16 * i, fpu.fpr[i], 10);
	assert_memory_equal(dump + 160, fpu.xmm, sizeof(fpu.xmm));
}

/*
 * The same through KVM_SET_XSAVE, with AVX: x87, FCW, xmm and the upper
 * halves of the ymm registers in the XSAVE image (XSTATE_BV = x87|SSE|AVX)
 * survive host FPU work; KVM_GET_XSAVE gives them back, the guest sees them.
 */
static void test_fpu_set_xsave_survives(void **state)
{
	struct fixture *f = *state;
	struct kt_vcpu *vcpu = &f->vcpu;
	struct kvm_xsave *xs = calloc(1, sizeof(*xs)), *back;
	unsigned int ymmh = xsave_ymmh_offset();
	uint8_t *region, *back_region;
	const uint8_t *dump;
	uint64_t rng = 43, xstate_bv;
	uint16_t fcw = FPU_GUEST_FCW;
	bool avx;

	assert_non_null(xs);
	back = calloc(1, sizeof(*back));
	assert_non_null(back);
	avx = setup_fpu_guest(f, GUEST_SYM_fpu_dump, true, 1);
	if (!avx || !ymmh) {
		free(xs);
		free(back);
		print_message("no AVX for the guest: skipped\n");
		skip();
	}
	assert_result(kt_ioctl(vcpu->fd, KVM_GET_XSAVE, xs), 0);
	region = (uint8_t *)xs->region;
	back_region = (uint8_t *)back->region;
	memcpy(region, &fcw, 2);			/* FCW */
	memset(region + 2, 0, 2);			/* FSW: TOP 0 */
	region[4] = 0xff;				/* abridged tags */
	fill_fpr((uint8_t (*)[16])(region + 32), 3);	/* st0..7 */
	rng_fill(&rng, region + 160, 256);		/* xmm0..15 */
	rng_fill(&rng, region + ymmh, 256);		/* ymm upper halves */
	memcpy(&xstate_bv, region + 512, 8);
	xstate_bv |= 7;
	memcpy(region + 512, &xstate_bv, 8);
	assert_result(kt_ioctl(vcpu->fd, KVM_SET_XSAVE, xs), 0);

	host_fpu_work(f, true, 0.5);

	assert_result(kt_ioctl(vcpu->fd, KVM_GET_XSAVE, back), 0);
	assert_memory_equal(back_region, region, 2);
	for (int i = 0; i < 8; i++)
		assert_memory_equal(back_region + 32 + 16 * i,
				    region + 32 + 16 * i, 10);
	assert_memory_equal(back_region + 160, region + 160, 256);
	assert_memory_equal(back_region + ymmh, region + ymmh, 256);

	dump = run_fpu_dump(f);
	assert_memory_equal(dump, region, 2);
	for (int i = 0; i < 8; i++)
		assert_memory_equal(dump + 32 + 16 * i, region + 32 + 16 * i,
				    10);
	assert_memory_equal(dump + 160, region + 160, 256);
	assert_memory_equal(dump + FPU_DUMP_YMMH, region + ymmh, 256);
	free(xs);
	free(back);
}

/* ------------------------------------------------------------------------
 * Hostile guests
 */

static uint64_t idt_gpa(enum mode mode)
{
	return mode == MODE_REAL ? 0 : HOSTILE_IDT_GPA;
}

static uint16_t idt_limit(enum mode mode)
{
	return mode == MODE_REAL ? 0x3ff : mode == MODE_PROTECTED ? 0x7ff :
	       0xfff;
}

static struct kvm_segment real_segment(uint8_t type)
{
	return (struct kvm_segment){ .limit = 0xffff, .type = type,
				     .present = 1, .s = 1 };
}

/* The vCPU in `mode` at `rip` (real mode: CS = 0), IDTR at the mode's
 * table; the table itself is the caller's.  Works from any state the vCPU
 * was left in (the kvmtest setups keep what they do not set). */
static int setup_mode(struct kt_vcpu *vcpu, enum mode mode, uint64_t rip)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	int ret;

	ret = kt_get_sregs(vcpu, &sregs);
	if (ret < 0)
		return ret;
	if (mode == MODE_REAL) {
		sregs.cr0 = 0x10;	/* ET */
		sregs.cr3 = 0;
		sregs.cr4 = 0;
		sregs.efer = 0;
		sregs.cs = real_segment(0xb);
		sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss =
			real_segment(0x3);
		sregs.tr = (struct kvm_segment){ .limit = 0xffff, .type = 0xb,
						 .present = 1 };
		sregs.ldt = (struct kvm_segment){ .limit = 0xffff, .type = 0x2,
						  .present = 1 };
		sregs.gdt.base = 0;
		sregs.gdt.limit = 0xffff;
	} else {
		/* A neutral 32-bit state first: the kvmtest setups change
		 * only part of SREGS. */
		kt_protected_mode_sregs(&sregs);
	}
	sregs.idt.base = idt_gpa(mode);
	sregs.idt.limit = idt_limit(mode);
	ret = kt_set_sregs(vcpu, &sregs);
	if (ret < 0)
		return ret;
	if (mode == MODE_PROTECTED)
		ret = kt_vcpu_setup_protected_mode(vcpu, (uint32_t)rip);
	else if (mode == MODE_LONG)
		ret = kt_vcpu_setup_long_mode(vcpu, rip);
	if (ret < 0)
		return ret;
	if (mode != MODE_REAL) {
		ret = kt_get_sregs(vcpu, &sregs);
		if (ret < 0)
			return ret;
		sregs.idt.base = idt_gpa(mode);
		sregs.idt.limit = idt_limit(mode);
		return kt_set_sregs(vcpu, &sregs);
	}
	regs = (struct kvm_regs){ .rip = rip, .rsp = KT_STACK_TOP,
				  .rflags = 2 };
	return kt_set_regs(vcpu, &regs);
}

/* --- random code --------------------------------------------------------- */

struct random_stats {
	long runs, exits, kicks;
	long by_reason[32];
	long errnos;		/* KVM_RUN errors other than EINTR */
	char first_errno[160];
};

#define RANDOM_MAX_EXITS	48
#define RANDOM_MAX_KICKS	2

static void random_guest(enum mode mode, uint64_t seed,
			 struct random_stats *stats)
{
	struct fixture fx = { 0 };
	struct fixture *f = &fx;
	struct kt_vcpu *vcpu = &f->vcpu;
	uint64_t rng = seed;
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	int kicks = 0;

	assert_result(create_fixture(f), 0);
	/* Random code and data, a table sending every vector into it. */
	rng_fill(&rng, f->mem + KT_CODE_GPA, 0x3000);
	assert_result(setup_mode(vcpu, mode, KT_CODE_GPA), 0);
	for (int v = 0; v < 256; v++)
		write_gate(f->mem + idt_gpa(mode), mode, v,
			   KT_CODE_GPA + rng_next(&rng) % 0x2000, true);
	/* Random GPRs and flags (not VM, RF); RIP and RSP as set up. */
	assert_result(kt_get_regs(vcpu, &regs), 0);
	{
		uint64_t rip = regs.rip, rsp = regs.rsp;

		rng_fill(&rng, &regs, sizeof(regs));
		regs.rip = rip;
		regs.rsp = rsp;
		regs.rflags = 2 | (regs.rflags & 0x47fd5);
	}
	assert_result(kt_set_regs(vcpu, &regs), 0);

	guard_context("random guest, %s mode, seed %" PRIu64,
		      mode_names[mode], seed);
	stats->runs++;
	for (int n = 0; n < RANDOM_MAX_EXITS; n++) {
		struct kvm_run *run = vcpu->run;
		int reason = run_guarded(vcpu);
		bool stop = false;

		if (reason == -EINTR) {
			stats->kicks++;
			if (++kicks > RANDOM_MAX_KICKS)
				break;
			continue;
		}
		if (reason < 0) {
			if (!stats->errnos++)
				snprintf(stats->first_errno,
					 sizeof(stats->first_errno),
					 "KVM_RUN: %s (%s mode, seed %" PRIu64
					 ")", strerror(-reason),
					 mode_names[mode], seed);
			break;
		}
		stats->exits++;
		stats->by_reason[reason < 32 ? reason : 0]++;
		switch (reason) {
		case KVM_EXIT_IO:
			if (run->io.direction == KVM_EXIT_IO_IN) {
				size_t len = (size_t)run->io.size *
					     run->io.count;

				if (len > PAGE)
					len = PAGE;
				rng_fill(&rng, kt_io_data(vcpu), len);
			}
			break;
		case KVM_EXIT_MMIO:
			if (!run->mmio.is_write)
				rng_fill(&rng, run->mmio.data,
					 sizeof(run->mmio.data));
			break;
		case KVM_EXIT_HLT:
			break;
		default:	/* SHUTDOWN, FAIL_ENTRY, INTERNAL_ERROR, ... */
			stop = true;
			break;
		}
		if (stop)
			break;
	}
	/* Whatever happened, the vCPU still answers. */
	assert_result(kt_get_regs(vcpu, &regs), 0);
	assert_result(kt_get_sregs(vcpu, &sregs), 0);
	kt_vcpu_destroy(vcpu);
	kt_vm_destroy(&f->vm);
}

static void random_guests(enum mode mode)
{
	const uint64_t first = (uint64_t)env_int("ROBUST_SEED", 1);
	const int runs = env_int("ROBUST_RUNS", 67);
	struct random_stats stats = { 0 };
	char line[512];
	int len;
	double start = now_seconds();

	guard_kick_after(30);
	print_message("%s mode: %d random guests, seeds %" PRIu64 "..%" PRIu64
		      " (ROBUST_SEED, ROBUST_RUNS)\n", mode_names[mode], runs,
		      first, first + runs - 1);
	for (int i = 0; i < runs; i++)
		random_guest(mode, first + (uint64_t)i + 1000000ull * mode,
			     &stats);
	len = snprintf(line, sizeof(line), "%s mode: %ld runs in %.1f s, %ld "
		       "exits:", mode_names[mode], stats.runs,
		       now_seconds() - start, stats.exits);
	for (int r = 0; r < 32 && len < (int)sizeof(line) - 40; r++)
		if (stats.by_reason[r])
			len += snprintf(line + len, sizeof(line) - len,
					" %s %ld", exit_name(r),
					stats.by_reason[r]);
	print_message("%s; %ld kicked out of loops\n", line, stats.kicks);
	if (stats.errnos)
		fprintf(stderr, "robust-test: %ld KVM_RUN errors, first: %s\n",
			stats.errnos, stats.first_errno);
	assert_int_equal(stats.errnos, 0);
}

static void test_random_code_real(void **state)
{
	(void)state;
	random_guests(MODE_REAL);
}

static void test_random_code_protected(void **state)
{
	(void)state;
	random_guests(MODE_PROTECTED);
}

static void test_random_code_long(void **state)
{
	(void)state;
	random_guests(MODE_LONG);
}

/* --- hand-picked sequences ---------------------------------------------- */

struct hostile_step {
	const char *name;
	const char *expect;	/* what KVM does; NULL: anything goes */
};

/*
 * hostile_lm.S, in order.  Expected outcomes as seen on kvm-amd (6.1) in
 * the nested test host, guest CPUID empty: "#GP" an exception (delivered
 * through the guest's IDT), "=0x..." a value the guest OUTs, "HLT" /
 * "MMIO-R" / "SET_TPR" / "SHUTDOWN" exits (an event repeated N times:
 * "*N"), "" nothing at all; "A|B" either, NULL anything.  Where KVM's answer
 * depends on the machine, both are allowed:
 *  - CR0/CR4 bits 63:32: KVM without decode assists (QEMU's SVM has none)
 *    emulates MOV CR and keeps only the low 32 bits: no fault; with decode
 *    assists #GP;
 *  - CR4.OSXSAVE without XSAVE in the guest's CPUID: KVM checks CR4 against
 *    the guest's CPUID only once KVM_SET_CPUID2 was called;
 *  - CR8 lowered without an in-kernel local APIC: KVM_EXIT_SET_TPR;
 *  - STGI/CLGI: with vGIF (QEMU has it) not intercepted and EFER.SVME is
 *    set in the VMCB: no fault; without vGIF KVM says #UD;
 *  - ICEBP: #DB on hardware, #UD from QEMU's software CPU;
 *  - XSETBV: with CR4.OSXSAVE refused, #UD.  QEMU's software SVM does not
 *    intercept XSETBV at all: a guest's valid XSETBV changes the (emulated)
 *    CPU's XCR0 behind the hypervisor's back, which must put the host's
 *    back after every exit; test_hostile_long_mode checks this thread's AVX
 *    afterwards.
 */
static const struct hostile_step hostile_lm_steps[] = {
	{ "mov cr0, bit 63 set", "|#GP" },
	{ "mov cr0, NW without CD", "#GP" },
	{ "mov cr0, PG cleared in 64-bit mode", "#GP" },
	{ "mov cr0, PE cleared with PG", "#GP" },
	{ "mov cr4, bit 63 set", "|#GP" },
	{ "mov cr4, reserved bit 15", "#GP" },
	{ "mov cr4, VMXE on AMD", "#GP" },
	{ "mov cr4, PAE cleared in long mode", "#GP" },
	{ "mov cr4, LA57 toggled in long mode", "#GP" },
	{ "mov cr4, OSXSAVE without XSAVE in CPUID", "|#GP" },
	{ "mov cr8, 16 (reserved bits)", "#GP" },
	{ "mov cr8, 9; read back", "=0x9 SET_TPR|=0x9" },
	{ "mov dr7, bit 63 set", "#GP" },
	{ "mov dr6, bit 63 set", "#GP" },
	{ "mov from dr4 (CR4.DE = 0: dr6)", "=0xffff0ff0" },
	{ "wrmsr EFER, bit 63 set", "#GP" },
	{ "wrmsr EFER.SVME without SVM in CPUID", "#GP" },
	{ "wrmsr EFER, LME cleared in long mode", "#GP" },
	{ "wrmsr 0xdeadbeef", "#GP" },
	{ "rdmsr 0xdeadbeef", "#GP" },
	{ "wrmsr/rdmsr of random indices", NULL },
	{ "vmrun", "#UD" },
	{ "vmload", "#UD" },
	{ "vmsave", "#UD" },
	{ "stgi", "|#UD" },
	{ "clgi", "|#UD" },
	{ "skinit", "#UD" },
	{ "invlpga", "#UD" },
	{ "vmmcall, unknown hypercall", "=0xfffffc18" },
	{ "vmcall (Intel's) on AMD", NULL },
	{ "xsetbv with CR4.OSXSAVE clear", "#UD" },
	{ "xgetbv with CR4.OSXSAVE clear", "#UD" },
	{ "mov cr4, OSXSAVE set (no XSAVE in CPUID)", "|#GP" },
	{ "xsetbv ecx = 1", "#GP|#UD" },
	{ "xsetbv XCR0 = 0", "#GP|#UD" },
	{ "xsetbv XCR0 = SSE without x87", "#GP|#UD" },
	{ "xsetbv XCR0 = x87|AVX without SSE", "#GP|#UD" },
	{ "xsetbv XCR0 bit 63", "#GP|#UD" },
	{ "xsetbv XCR0 = x87 only; xgetbv", "=0x1|#UD" },
	{ "mov cr4, OSXSAVE cleared", "" },
	{ "invd", "" },
	{ "wbinvd", "" },
	{ "monitor", "" },
	{ "mwait", "" },
	{ "rdpmc 0", NULL },
	{ "rdpmc 0xdeadbeef", "#GP" },
	{ "rdtscp without RDTSCP in CPUID", NULL },
	{ "cpuid of odd leaves", "" },
	{ "hlt", "HLT" },
	{ "ud2", "#UD" },
	{ "int3", "#BP" },
	{ "int1 (icebp)", "#DB|#UD" },
	{ "int $0x80", "#0x80" },
	{ "divide by zero", "#DE" },
	{ "int $0xff, IDT entry not present", "#NP" },
	{ "iretq to garbage selectors", "#GP" },
	{ "iretq to a non-canonical RIP", "#GP" },
	{ "iretq to compatibility mode, ud2 there", "#UD" },
	{ "lretq to a garbage selector", "#GP" },
	{ "lldt of a garbage selector", "#GP" },
	{ "mov garbage to ds", "#GP" },
	{ "non-canonical data access", "#GP" },
	{ "read from a GPA without memslot", "MMIO-R =0x5a5a5a5a" },
	{ "execute from a GPA without memslot", NULL },
	{ "rep insb into a GPA without memslot", NULL },
	{ "rep outsb from a non-canonical address", "#GP" },
	{ "single step (TF)", "#DB" },
	{ "triple fault: lidt limit 0, ud2", "SHUTDOWN" },
};

static const struct hostile_step hostile_rm_steps[] = {
	{ "int3", "#BP" },
	{ "int1 (icebp)", "#DB|#UD" },
	{ "int $0x21", "#0x21" },
	{ "into with OF set", "#OF" },
	{ "divide by zero", "#DE" },
	{ "ud2", "#UD" },
	{ "bound, out of range", "#BR" },
	{ "wrmsr 0xdeadbeef", "#GP" },
	{ "mov cr0, PG without PE", "#GP" },
	{ "mov cr4, reserved bit 15", "#GP" },
	{ "xsetbv with CR4.OSXSAVE clear", "#UD" },
	{ "vmrun", "#UD" },
	{ "vmmcall, unknown hypercall", "=0xfffffc18" },
	{ "hlt", "HLT" },
	{ "iret to garbage CS:IP", NULL },
	{ "iret of a garbage stack", NULL },
	{ "far jump past the end of memory", NULL },
	{ "far jump into HLT filler", NULL },
	{ "triple fault: IVT limit 0, int3", "SHUTDOWN" },
};

#define HOSTILE_MAX_EXITS	6	/* HLT/IO/MMIO exits in one step */
#define HOSTILE_MAX_RESUMES	3	/* restarts of one step */
#define HOSTILE_MAX_RUNS	3000

static const char *vector_name(unsigned int v, char *buf, size_t size)
{
	static const char *const names[32] = {
		"DE", "DB", "NMI", "BP", "OF", "BR", "UD", "NM", "DF", NULL,
		"TS", "NP", "SS", "GP", "PF", NULL, "MF", "AC", "MC", "XM",
		"VE", "CP",
	};

	if (v < 32 && names[v])
		snprintf(buf, size, "#%s", names[v]);
	else
		snprintf(buf, size, "#%#x", v);
	return buf;
}

struct step_record {
	char got[160];
	char last[48];		/* the last event, repeated `repeat` times */
	int repeat;
	int exits;		/* HLT/IO/MMIO exits */
	int resumes;
};

/* Events in order; a repeated one once with "*N". */
static void flush_event(struct step_record *rec)
{
	size_t len = strlen(rec->got);

	if (!rec->repeat)
		return;
	if (rec->repeat == 1)
		snprintf(rec->got + len, sizeof(rec->got) - len, "%s%s",
			 len ? " " : "", rec->last);
	else
		snprintf(rec->got + len, sizeof(rec->got) - len, "%s%s*%d",
			 len ? " " : "", rec->last, rec->repeat);
	rec->repeat = 0;
}

static void add_event(struct step_record *rec, const char *event)
{
	if (rec->repeat && !strcmp(rec->last, event)) {
		rec->repeat++;
		return;
	}
	flush_event(rec);
	snprintf(rec->last, sizeof(rec->last), "%s", event);
	rec->repeat = 1;
}

/* Does `got` match `want` ("A|B": either; "|A": nothing or A)? */
static bool outcome_matches(const char *want, const char *got)
{
	size_t len = strlen(got);

	if (!want)
		return true;
	for (const char *alt = want;; ) {
		const char *bar = strchr(alt, '|');
		size_t n = bar ? (size_t)(bar - alt) : strlen(alt);

		if (n == len && !strncmp(alt, got, n))
			return true;
		if (!bar)
			return false;
		alt = bar + 1;
	}
}

/* Put the vCPU back into `mode` and its tables, at the step's resume
 * address, GPRs kept: after a shutdown, a lost guest, or an exit it cannot
 * go on from. */
static void hostile_resume(struct fixture *f, enum mode mode, uint64_t entry,
			   uint64_t vectors)
{
	struct kvm_regs regs;
	uint64_t resume = 0;

	memcpy(&resume, f->mem + HOSTILE_RESUME_GPA,
	       mode == MODE_REAL ? 2 : 8);
	if (!resume)
		resume = entry;
	assert_result(kt_get_regs(&f->vcpu, &regs), 0);
	assert_result(setup_mode(&f->vcpu, mode, resume), 0);
	regs.rip = resume;
	regs.rsp = KT_STACK_TOP;
	regs.rflags = 2;
	assert_result(kt_set_regs(&f->vcpu, &regs), 0);
	for (int v = 0; v < 256; v++)
		write_gate(f->mem + idt_gpa(mode), mode, v,
			   vectors + HOSTILE_STUB_SIZE * v, v != 0xff);
}

static void print_vcpu_state(struct kt_vcpu *vcpu)
{
	struct kvm_regs regs;
	struct kvm_sregs sregs;

	if (kt_get_regs(vcpu, &regs) || kt_get_sregs(vcpu, &sregs))
		return;
	fprintf(stderr, "robust-test:   rip %#llx rsp %#llx rflags %#llx cs "
		"%#x (base %#llx l %d db %d) cr0 %#llx cr4 %#llx efer %#llx "
		"idt %#llx/%#x\n", (unsigned long long)regs.rip,
		(unsigned long long)regs.rsp, (unsigned long long)regs.rflags,
		sregs.cs.selector, (unsigned long long)sregs.cs.base,
		sregs.cs.l, sregs.cs.db, (unsigned long long)sregs.cr0,
		(unsigned long long)sregs.cr4, (unsigned long long)sregs.efer,
		(unsigned long long)sregs.idt.base, sregs.idt.limit);
}

static void run_hostile_steps(struct fixture *f, enum mode mode,
			      struct guest_payload payload, uint64_t entry,
			      uint64_t vectors,
			      const struct hostile_step *steps, int nsteps)
{
	struct kt_vcpu *vcpu = &f->vcpu;
	struct kvm_run *run = vcpu->run;
	struct step_record *rec = calloc(nsteps + 1, sizeof(*rec));
	int cur = 0, done = -1, mismatches = 0;
	bool stuck = false;

	assert_non_null(rec);
	load_payload(&f->vm, payload);
	memset(f->mem + HOSTILE_FILL_GPA, 0xf4, SLOT0_SIZE - HOSTILE_FILL_GPA);
	memset(f->mem + HOSTILE_RESUME_GPA, 0, 8);
	hostile_resume(f, mode, entry, vectors);
	guard_context("hostile %s-mode steps", mode_names[mode]);
	guard_kick_after(100);

	for (int n = 0; n < HOSTILE_MAX_RUNS && done < 0 && !stuck; n++) {
		struct step_record *r = &rec[cur];
		int reason = run_guarded(vcpu);
		bool lost = false;
		char event[64];

		if (reason == -EINTR) {
			add_event(r, "TIMEOUT");
			lost = true;
		} else if (reason < 0) {
			snprintf(event, sizeof(event), "KVM_RUN:%s",
				 strerror(-reason));
			add_event(r, event);
			lost = true;
		} else if (reason == KVM_EXIT_IO &&
			   run->io.direction == KVM_EXIT_IO_OUT &&
			   run->io.size == 4 && run->io.count == 1 &&
			   run->io.port >= HOSTILE_PORT_STEP &&
			   run->io.port <= HOSTILE_PORT_DONE) {
			uint32_t value = io_value(vcpu);

			switch (run->io.port) {
			case HOSTILE_PORT_STEP:
				flush_event(r);
				cur = value <= (uint32_t)nsteps ? (int)value : 0;
				guard_context("hostile %s-mode step %d",
					      mode_names[mode], cur);
				break;
			case HOSTILE_PORT_VECTOR:
				add_event(r, vector_name(value, event,
							 sizeof(event)));
				break;
			case HOSTILE_PORT_VALUE:
				snprintf(event, sizeof(event), "=%#x", value);
				add_event(r, event);
				break;
			default:
				done = (int)value;
				break;
			}
		} else if (reason == KVM_EXIT_IO) {
			add_event(r, run->io.direction == KVM_EXIT_IO_IN ?
				  "IO-IN" : "IO-OUT");
			if (run->io.direction == KVM_EXIT_IO_IN)
				memset(kt_io_data(vcpu), 0x5a,
				       (size_t)run->io.size * run->io.count);
			r->exits++;
		} else if (reason == KVM_EXIT_MMIO) {
			add_event(r, run->mmio.is_write ? "MMIO-W" : "MMIO-R");
			if (!run->mmio.is_write)
				memset(run->mmio.data, 0x5a,
				       sizeof(run->mmio.data));
			r->exits++;
		} else if (reason == KVM_EXIT_HLT ||
			   reason == KVM_EXIT_SET_TPR) {
			add_event(r, exit_name(reason));
			r->exits++;
		} else {
			add_event(r, exit_name(reason));
			lost = true;
		}
		if (!lost && r->exits > HOSTILE_MAX_EXITS) {
			add_event(r, "...");
			lost = true;
		}
		if (lost && cur == nsteps) {
			/* The last step (a triple fault) ends the list: no
			 * resuming after it (kvm-amd 6.1 under QEMU livelocks
			 * a real-mode vCPU after a shutdown). */
			flush_event(r);
			done = nsteps;
		} else if (lost && ++r->resumes > HOSTILE_MAX_RESUMES) {
			fprintf(stderr, "robust-test: %s-mode step %d (%s) does "
				"not end: %s\n", mode_names[mode], cur,
				cur ? steps[cur - 1].name : "start", r->last);
			print_vcpu_state(vcpu);
			stuck = true;
		} else if (lost) {
			r->exits = 0;
			hostile_resume(f, mode, entry, vectors);
		}
	}

	/* Whatever the guest did to XCR0, MXCSR & co., this thread's are its
	 * own. */
	check_host_fpu_usable();
	print_message("%s mode: %d hostile steps (%s)\n", mode_names[mode],
		      nsteps, "what happened, and KVM's where it differs");
	for (int i = 1; i <= nsteps; i++) {
		const char *want = steps[i - 1].expect;
		bool ok;

		flush_event(&rec[i]);
		ok = outcome_matches(want, rec[i].got);
		mismatches += !ok;
		print_message("  %2d %-42s %s%-20s%s%s\n", i, steps[i - 1].name,
			      ok ? "  " : "! ", *rec[i].got ? rec[i].got : "-",
			      ok ? "" : "  KVM: ",
			      ok ? "" : (*want ? want : "-"));
	}
	free(rec);
	if (done != nsteps)
		fprintf(stderr, "robust-test: the guest %s (end marker %d, "
			"steps %d)\n", done < 0 ? "never finished" :
			"ran another step list", done, nsteps);
	assert_int_equal(done, nsteps);
	if (mismatches)
		fprintf(stderr, "robust-test: %d steps differ from KVM\n",
			mismatches);
	assert_int_equal(mismatches, 0);
}

static void test_hostile_long_mode(void **state)
{
	__builtin_cpu_init();
	run_hostile_steps(*state, MODE_LONG, PAYLOAD(hostile_lm),
			  GUEST_SYM_hostile_lm, GUEST_SYM_hostile_lm_vectors,
			  hostile_lm_steps,
			  sizeof(hostile_lm_steps) / sizeof(hostile_lm_steps[0]));
}

static void test_hostile_real_mode(void **state)
{
	run_hostile_steps(*state, MODE_REAL, PAYLOAD(hostile_rm),
			  GUEST_SYM_hostile_rm, GUEST_SYM_hostile_rm_vectors,
			  hostile_rm_steps,
			  sizeof(hostile_rm_steps) / sizeof(hostile_rm_steps[0]));
}

/*
 * Triple faults in a loop: each one is KVM_EXIT_SHUTDOWN, after which KVM
 * has INIT the vCPU; set it up again and fault again.  Then a few runs
 * without setting it up (from the INIT state, whose reset vector has no
 * memory behind it here): any exit, but KVM_RUN returns.
 */
static void test_triple_fault_loop(void **state)
{
	struct fixture *f = *state;
	struct kt_vcpu *vcpu = &f->vcpu;
	char what[160];

	load_payload(&f->vm, PAYLOAD(triple_fault));
	guard_context("triple fault loop");
	for (int i = 0; i < 50; i++) {
		int reason;

		assert_result(kt_vcpu_setup_protected_mode(vcpu, KT_CODE_GPA),
			      0);
		reason = run_guarded(vcpu);
		if (reason != KVM_EXIT_SHUTDOWN) {
			describe(vcpu, what, sizeof(what));
			fprintf(stderr, "robust-test: triple fault %d: %s (%d)\n",
				i, what, reason);
		}
		assert_int_equal(reason, KVM_EXIT_SHUTDOWN);
	}
	for (int i = 0; i < 5; i++) {
		int reason = run_guarded(vcpu);

		describe(vcpu, what, sizeof(what));
		if (i == 0)
			print_message("after the last shutdown, from INIT: %s\n",
				      reason >= 0 ? what : strerror(-reason));
		assert_true(reason >= 0 || reason == -EINTR ||
			    reason == -EFAULT);
	}
}

/*
 * Random register state: valid long-, protected- or real-mode SREGS with a
 * few fields replaced by random values.  KVM_SET_SREGS takes it (0) or
 * refuses it (EINVAL); what it takes must run (any exit) and read back.
 */
static void test_random_register_state(void **state)
{
	struct fixture *f = *state;
	struct kt_vcpu *vcpu = &f->vcpu;
	const uint64_t first = (uint64_t)env_int("ROBUST_SEED", 1);
	long accepted = 0, refused = 0, exits[32] = { 0 };
	char line[400];
	int len;

	memset(f->mem + KT_CODE_GPA, 0xf4, 0x2000);	/* HLT */
	for (int i = 0; i < 150; i++) {
		uint64_t rng = first * 7919 + (uint64_t)i;
		enum mode mode = (enum mode)(rng_next(&rng) % 3);
		struct kvm_sregs sregs;
		struct kvm_segment *segs[] = {
			&sregs.cs, &sregs.ds, &sregs.es, &sregs.fs, &sregs.gs,
			&sregs.ss, &sregs.tr, &sregs.ldt,
		};
		int changes = 1 + (int)(rng_next(&rng) % 3), ret;

		assert_result(setup_mode(vcpu, mode, KT_CODE_GPA), 0);
		assert_result(kt_get_sregs(vcpu, &sregs), 0);
		for (int c = 0; c < changes; c++) {
			uint64_t r = rng_next(&rng), bit = 1ull << (r >> 58);
			struct kvm_segment *s = segs[(r >> 8) % 8];

			switch (r % 12) {
			case 0: sregs.cr0 ^= bit; break;
			case 1: sregs.cr4 ^= bit; break;
			case 2: sregs.efer ^= bit; break;
			case 3: sregs.cr3 = rng_next(&rng); break;
			case 4: s->type = (uint8_t)(r >> 16) & 0xf; break;
			case 5: s->dpl = (uint8_t)(r >> 16) & 3; break;
			case 6: s->present ^= 1; break;
			case 7: s->l ^= 1; break;
			case 8: s->db ^= 1; break;
			case 9: s->unusable ^= 1; break;
			case 10: s->base = rng_next(&rng); break;
			default: sregs.cr8 = r >> 60; break;
			}
		}
		guard_context("random register state %d (seed %" PRIu64 ")",
			      i, first);
		ret = kt_set_sregs(vcpu, &sregs);
		if (ret != 0 && ret != -EINVAL)
			fprintf(stderr, "robust-test: KVM_SET_SREGS: %s\n",
				strerror(-ret));
		assert_true(ret == 0 || ret == -EINVAL);
		if (ret) {
			refused++;
			continue;
		}
		accepted++;
		for (int n = 0; n < 4; n++) {
			int reason = run_guarded(vcpu);

			if (reason < 0)
				break;
			exits[reason < 32 ? reason : 0]++;
			if (reason != KVM_EXIT_HLT && reason != KVM_EXIT_IO &&
			    reason != KVM_EXIT_MMIO)
				break;
		}
		assert_result(kt_get_sregs(vcpu, &sregs), 0);
	}
	len = snprintf(line, sizeof(line), "KVM_SET_SREGS took %ld, refused "
		       "%ld (EINVAL); exits:", accepted, refused);
	for (int r = 0; r < 32 && len < (int)sizeof(line) - 40; r++)
		if (exits[r])
			len += snprintf(line + len, sizeof(line) - len,
					" %s %ld", exit_name(r), exits[r]);
	print_message("%s\n", line);
}

/* ------------------------------------------------------------------------
 * Malformed ioctl arguments
 */

/* Addresses that must give EFAULT. */
struct bad_memory {
	void *unmapped;		/* a page that is not mapped */
	void *readonly;		/* PROT_READ */
	void *none;		/* PROT_NONE */
	void *edge;		/* 16 bytes before an unmapped page */
	void *base;
};

static void map_bad_memory(struct bad_memory *b)
{
	uint8_t *m = mmap(NULL, 5 * PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_true(m != MAP_FAILED);
	b->base = m;
	assert_int_equal(munmap(m + PAGE, PAGE), 0);
	assert_int_equal(mprotect(m + 2 * PAGE, PAGE, PROT_READ), 0);
	assert_int_equal(mprotect(m + 3 * PAGE, PAGE, PROT_NONE), 0);
	assert_int_equal(munmap(m + 4 * PAGE, PAGE), 0);
	b->unmapped = m + PAGE;
	b->readonly = m + 2 * PAGE;
	b->none = m + 3 * PAGE;
	b->edge = m + PAGE - 16;
}

static void unmap_bad_memory(struct bad_memory *b)
{
	munmap(b->base, PAGE);
	munmap((uint8_t *)b->base + 2 * PAGE, 2 * PAGE);
}

struct ioctl_case {
	const char *name;
	unsigned long request;
	bool writes_to_user;	/* a GET: read-only memory faults too */
};

static const struct ioctl_case vcpu_pointer_ioctls[] = {
	{ "KVM_GET_REGS", KVM_GET_REGS, true },
	{ "KVM_SET_REGS", KVM_SET_REGS },
	{ "KVM_GET_SREGS", KVM_GET_SREGS, true },
	{ "KVM_SET_SREGS", KVM_SET_SREGS },
	{ "KVM_GET_FPU", KVM_GET_FPU, true },
	{ "KVM_SET_FPU", KVM_SET_FPU },
	{ "KVM_GET_XSAVE", KVM_GET_XSAVE, true },
	{ "KVM_SET_XSAVE", KVM_SET_XSAVE },
	{ "KVM_GET_XCRS", KVM_GET_XCRS, true },
	{ "KVM_SET_XCRS", KVM_SET_XCRS },
	{ "KVM_GET_MSRS", KVM_GET_MSRS },
	{ "KVM_SET_MSRS", KVM_SET_MSRS },
	{ "KVM_GET_CPUID2", KVM_GET_CPUID2 },
	{ "KVM_SET_CPUID2", KVM_SET_CPUID2 },
	{ "KVM_INTERRUPT", KVM_INTERRUPT },
};

/* Is the ioctl implemented at all?  Tried with a zeroed, valid buffer. */
static bool vcpu_ioctl_present(int fd, unsigned long request)
{
	static union {
		struct kvm_xsave xsave;
		struct kvm_cpuid2 cpuid;
		uint8_t bytes[8192];
	} zero;
	int ret;

	memset(&zero, 0, sizeof(zero));
	if (request == KVM_INTERRUPT || request == KVM_SET_XSAVE ||
	    request == KVM_SET_SREGS || request == KVM_SET_FPU ||
	    request == KVM_SET_REGS || request == KVM_SET_XCRS)
		/* Setting zeroes could change the vCPU (or be refused for
		 * content): ask for the matching GET instead. */
		request = request == KVM_INTERRUPT ? KVM_GET_REGS :
			  request == KVM_SET_XSAVE ? KVM_GET_XSAVE :
			  request == KVM_SET_SREGS ? KVM_GET_SREGS :
			  request == KVM_SET_FPU ? KVM_GET_FPU :
			  request == KVM_SET_XCRS ? KVM_GET_XCRS : KVM_GET_REGS;
	ret = kt_ioctl(fd, request, &zero);
	return implemented(ret);
}

/*
 * Every vCPU ioctl that takes a pointer, given NULL, an unmapped page, a
 * PROT_NONE page, a struct running into an unmapped page, and (for GETs)
 * a read-only page: EFAULT each time, in KVM.  A SET that faults changes
 * nothing.  Ioctls the device does not implement (ENOTTY) are listed and
 * skipped.
 */
static void test_vcpu_bad_pointers(void **state)
{
	struct fixture *f = *state;
	int fd = f->vcpu.fd;
	struct bad_memory b;
	struct kvm_regs regs, now;
	char missing[300] = "";
	int checked = 0;

	map_bad_memory(&b);
	for (size_t i = 0; i < sizeof(vcpu_pointer_ioctls) /
			       sizeof(vcpu_pointer_ioctls[0]); i++) {
		const struct ioctl_case *c = &vcpu_pointer_ioctls[i];
		size_t size = _IOC_SIZE(c->request);
		/* A struct (or a count header) running into the unmapped
		 * page. */
		void *edge = (uint8_t *)b.unmapped - (size < 32 ? size / 2 : 16);
		void *ptrs[] = { NULL, b.unmapped, b.none, edge,
				 c->writes_to_user ? b.readonly : NULL };

		if (!vcpu_ioctl_present(fd, c->request)) {
			size_t len = strlen(missing);

			snprintf(missing + len, sizeof(missing) - len, " %s",
				 c->name);
			continue;
		}
		for (size_t p = 0; p < sizeof(ptrs) / sizeof(ptrs[0]); p++) {
			int ret;

			if (p == 4 && !ptrs[p])
				continue;
			ret = kt_ioctl(fd, c->request, ptrs[p]);
			if (ret != -EFAULT)
				fprintf(stderr, "robust-test: %s(%s): %d (%s), "
					"expected EFAULT\n", c->name,
					(const char *[]){ "NULL", "unmapped",
					"PROT_NONE", "across the end",
					"read-only" }[p], ret,
					ret < 0 ? strerror(-ret) : "ok");
			assert_int_equal(ret, -EFAULT);
			checked++;
		}
	}
	/* A faulting KVM_SET_REGS changes nothing. */
	assert_result(kt_get_regs(&f->vcpu, &regs), 0);
	memcpy(b.edge, &regs, 16);
	((struct kvm_regs *)b.edge)->rax = ~regs.rax;
	assert_result(kt_ioctl(fd, KVM_SET_REGS, b.edge), -EFAULT);
	assert_result(kt_get_regs(&f->vcpu, &now), 0);
	assert_memory_equal(&now, &regs, sizeof(regs));
	unmap_bad_memory(&b);
	print_message("%d bad pointers: EFAULT each%s%s\n", checked,
		      *missing ? "; not implemented:" : "", missing);
}

/* System and VM ioctls with bad pointers. */
static void test_vm_and_system_bad_pointers(void **state)
{
	struct fixture *f = *state;
	struct bad_memory b;
	int ret;

	map_bad_memory(&b);
	assert_result(kt_ioctl(f->vm.vm_fd, KVM_SET_USER_MEMORY_REGION, NULL),
		      -EFAULT);
	assert_result(kt_ioctl(f->vm.vm_fd, KVM_SET_USER_MEMORY_REGION,
			       b.unmapped), -EFAULT);
	assert_result(kt_ioctl(f->vm.vm_fd, KVM_SET_USER_MEMORY_REGION,
			       b.edge), -EFAULT);
	ret = kt_ioctl(f->vm.sys_fd, KVM_GET_SUPPORTED_CPUID, NULL);
	if (ret == -EINVAL || ret == -ENOTTY) {
		print_message("KVM_GET_SUPPORTED_CPUID not implemented (%s)\n",
			      strerror(-ret));
	} else {
		assert_result(ret, -EFAULT);
		assert_result(kt_ioctl(f->vm.sys_fd, KVM_GET_SUPPORTED_CPUID,
				       b.none), -EFAULT);
	}
	ret = kt_ioctl(f->vm.sys_fd, KVM_GET_MSR_INDEX_LIST, NULL);
	if (ret == -EINVAL || ret == -ENOTTY) {
		print_message("KVM_GET_MSR_INDEX_LIST not implemented (%s)\n",
			      strerror(-ret));
	} else {
		assert_result(ret, -EFAULT);
		assert_result(kt_ioctl(f->vm.sys_fd, KVM_GET_MSR_INDEX_LIST,
				       b.unmapped), -EFAULT);
	}
	unmap_bad_memory(&b);
}

/* Arguments of system ioctls that take none must be 0 (EINVAL in KVM). */
static void test_system_ioctl_arguments(void **state)
{
	struct fixture *f = *state;

	assert_result(kt_ioctl_value(f->vm.sys_fd, KVM_GET_API_VERSION, 1),
		      -EINVAL);
	assert_result(kt_ioctl_value(f->vm.sys_fd, KVM_GET_VCPU_MMAP_SIZE, 1),
		      -EINVAL);
	assert_result(kt_ioctl_value(f->vcpu.fd, KVM_RUN, 1), -EINVAL);
	/* A vCPU id that is too large, and one that exists. */
	assert_result(kt_ioctl_value(f->vm.vm_fd, KVM_CREATE_VCPU,
				     0xffffffffu), -EINVAL);
	assert_result(kt_ioctl_value(f->vm.vm_fd, KVM_CREATE_VCPU, 0),
		      -EEXIST);
}

static void test_cpuid_counts(void **state)
{
	struct fixture *f = *state;
	static struct cpuid_buf buf, back;
	struct kvm_cpuid2 head = { 0 };
	struct bad_memory b;
	int ret;

	ret = get_supported_cpuid(f->vm.sys_fd, &buf);
	if (ret == -EINVAL || ret == -ENOTTY) {
		print_message("KVM_GET_SUPPORTED_CPUID not implemented\n");
		skip();
	}
	assert_result(ret, 0);
	assert_true(buf.head.nent > 1 && buf.head.nent <= KVM_MAX_CPUID_ENTRIES);
	print_message("KVM_GET_SUPPORTED_CPUID: %u entries\n", buf.head.nent);

	/* Too small a buffer: E2BIG (0 and 1 entries). */
	head.nent = 0;
	assert_result(kt_ioctl(f->vm.sys_fd, KVM_GET_SUPPORTED_CPUID, &head),
		      -E2BIG);
	memset(&back, 0, sizeof(back));
	back.head.nent = 1;
	assert_result(kt_ioctl(f->vm.sys_fd, KVM_GET_SUPPORTED_CPUID, &back),
		      -E2BIG);
	/* A huge count is capped to what KVM has (the buffer holds it). */
	memset(&back, 0, sizeof(back));
	back.head.nent = 0x7fffffff;
	assert_result(kt_ioctl(f->vm.sys_fd, KVM_GET_SUPPORTED_CPUID, &back),
		      0);
	assert_int_equal(back.head.nent, buf.head.nent);
	/* Entries running into unmapped memory: EFAULT. */
	map_bad_memory(&b);
	{
		struct kvm_cpuid2 *edge = (struct kvm_cpuid2 *)
			((uint8_t *)b.unmapped - sizeof(struct kvm_cpuid2) -
			 sizeof(struct kvm_cpuid_entry2));

		edge->nent = buf.head.nent;
		assert_result(kt_ioctl(f->vm.sys_fd, KVM_GET_SUPPORTED_CPUID,
				       edge), -EFAULT);
		edge->nent = 2;
		assert_result(kt_ioctl(f->vcpu.fd, KVM_SET_CPUID2, edge),
			      -EFAULT);
	}
	unmap_bad_memory(&b);

	/* KVM_SET_CPUID2: more than KVM_MAX_CPUID_ENTRIES: E2BIG; 0: fine. */
	head.nent = KVM_MAX_CPUID_ENTRIES + 1;
	assert_result(kt_ioctl(f->vcpu.fd, KVM_SET_CPUID2, &head), -E2BIG);
	head.nent = 0xffffffff;
	assert_result(kt_ioctl(f->vcpu.fd, KVM_SET_CPUID2, &head), -E2BIG);
	head.nent = 0;
	assert_result(kt_ioctl(f->vcpu.fd, KVM_SET_CPUID2, &head), 0);
	/* 0x80000008 with a virtual-address width that is neither 48 nor
	 * 57: EINVAL. */
	{
		struct cpuid_buf bad = buf;

		for (uint32_t i = 0; i < bad.head.nent; i++)
			if (bad.entries[i].function == 0x80000008)
				bad.entries[i].eax = (bad.entries[i].eax &
						      ~0xff00u) | (40 << 8);
		if (find_cpuid(&bad, 0x80000008, 0))
			assert_result(kt_ioctl(f->vcpu.fd, KVM_SET_CPUID2,
					       &bad), -EINVAL);
	}
	/* The supported CPUID itself is taken; KVM_GET_CPUID2 with too small
	 * a buffer: E2BIG; big enough: the same entries. */
	assert_result(kt_ioctl(f->vcpu.fd, KVM_SET_CPUID2, &buf), 0);
	head.nent = 1;
	ret = kt_ioctl(f->vcpu.fd, KVM_GET_CPUID2, &head);
	if (implemented(ret)) {
		assert_result(ret, -E2BIG);
		memset(&back, 0, sizeof(back));
		back.head.nent = KVM_MAX_CPUID_ENTRIES;
		assert_result(kt_ioctl(f->vcpu.fd, KVM_GET_CPUID2, &back), 0);
		/* KVM 6.1 leaves nent as passed on success; it updates
		 * some registers itself (e.g. leaf 0xd's XSAVE size for
		 * the current XCR0): the leaves are the same. */
		assert_true(back.head.nent == buf.head.nent ||
			    back.head.nent == KVM_MAX_CPUID_ENTRIES);
		for (uint32_t i = 0; i < buf.head.nent; i++) {
			assert_int_equal(back.entries[i].function,
					 buf.entries[i].function);
			assert_int_equal(back.entries[i].index,
					 buf.entries[i].index);
		}
	} else {
		print_message("KVM_GET_CPUID2 not implemented\n");
	}

	/* After the vCPU ran, KVM (5.16+) takes only the same CPUID again:
	 * a different one is EINVAL. */
	load_payload(&f->vm, PAYLOAD(rm_io));
	assert_result(kt_vcpu_setup_real_mode(&f->vcpu, 0, KT_CODE_GPA), 0);
	assert_result(kt_run_expect_out(&f->vcpu, RM_IO_PORT_BYTE, 1, NULL), 0);
	assert_result(kt_ioctl(f->vcpu.fd, KVM_SET_CPUID2, &buf), 0);
	buf.head.nent--;
	assert_result(kt_ioctl(f->vcpu.fd, KVM_SET_CPUID2, &buf), -EINVAL);
}

struct msrs_buf {
	struct kvm_msrs head;
	struct kvm_msr_entry entries[KVM_MAX_IO_MSRS + 1];
};

static void test_msr_counts(void **state)
{
	struct fixture *f = *state;
	static struct msrs_buf buf;
	struct kvm_msr_list list = { 0 };
	int fd = f->vcpu.fd, ret;

	memset(&buf, 0, sizeof(buf));
	ret = kt_ioctl(fd, KVM_GET_MSRS, &buf);
	if (!implemented(ret)) {
		print_message("KVM_GET_MSRS not implemented\n");
		skip();
	}
	/* nmsrs 0: nothing done, 0. */
	assert_result(ret, 0);
	assert_result(kt_ioctl(fd, KVM_SET_MSRS, &buf), 0);

	/* nmsrs must be below 256 (MAX_IO_MSRS): E2BIG. */
	for (int i = 0; i <= KVM_MAX_IO_MSRS; i++)
		buf.entries[i].index = MSR_IA32_SYSENTER_CS;
	buf.head.nmsrs = KVM_MAX_IO_MSRS;
	assert_result(kt_ioctl(fd, KVM_GET_MSRS, &buf), -E2BIG);
	assert_result(kt_ioctl(fd, KVM_SET_MSRS, &buf), -E2BIG);
	buf.head.nmsrs = 0xffffffff;
	assert_result(kt_ioctl(fd, KVM_GET_MSRS, &buf), -E2BIG);
	assert_result(kt_ioctl(fd, KVM_SET_MSRS, &buf), -E2BIG);
	buf.head.nmsrs = KVM_MAX_IO_MSRS - 1;
	assert_result(kt_ioctl(fd, KVM_GET_MSRS, &buf), KVM_MAX_IO_MSRS - 1);
	assert_result(kt_ioctl(fd, KVM_SET_MSRS, &buf), KVM_MAX_IO_MSRS - 1);

	/* An unknown MSR stops the list: the count done so far. */
	buf.head.nmsrs = 3;
	buf.entries[0].index = MSR_IA32_SYSENTER_CS;
	buf.entries[1].index = MSR_UNKNOWN;
	buf.entries[2].index = MSR_IA32_SYSENTER_CS;
	assert_result(kt_ioctl(fd, KVM_GET_MSRS, &buf), 1);
	assert_result(kt_ioctl(fd, KVM_SET_MSRS, &buf), 1);
	buf.entries[0].index = MSR_UNKNOWN;
	assert_result(kt_ioctl(fd, KVM_GET_MSRS, &buf), 0);

	/* The MSR index list: too small a buffer is E2BIG, with the count
	 * needed written back. */
	ret = kt_ioctl(f->vm.sys_fd, KVM_GET_MSR_INDEX_LIST, &list);
	if (ret == -EINVAL || ret == -ENOTTY) {
		print_message("KVM_GET_MSR_INDEX_LIST not implemented\n");
		return;
	}
	assert_result(ret, -E2BIG);
	assert_true(list.nmsrs > 0);
	print_message("KVM_GET_MSR_INDEX_LIST: %u MSRs\n", list.nmsrs);
}

/* KVM_SET_FPU takes any bytes (KVM 6.1 does not even look at MXCSR); the
 * guest runs afterwards. */
static void test_fpu_garbage(void **state)
{
	struct fixture *f = *state;
	struct kvm_fpu fpu;
	uint64_t rng = 7;
	int ret;

	rng_fill(&rng, &fpu, sizeof(fpu));
	ret = kt_ioctl(f->vcpu.fd, KVM_SET_FPU, &fpu);
	if (!implemented(ret)) {
		print_message("KVM_SET_FPU not implemented\n");
		skip();
	}
	assert_result(ret, 0);
	load_payload(&f->vm, PAYLOAD(rm_io));
	assert_result(kt_vcpu_setup_real_mode(&f->vcpu, 0, KT_CODE_GPA), 0);
	assert_result(kt_run_expect_out(&f->vcpu, RM_IO_PORT_BYTE, 1, NULL), 0);
}

/*
 * KVM_SET_XSAVE validates the header (XSTATE_BV within what KVM supports,
 * XCOMP_BV zero, reserved bytes zero) and MXCSR's reserved bits: EINVAL.
 */
static void test_xsave_garbage(void **state)
{
	struct fixture *f = *state;
	struct kvm_xsave *good = calloc(1, sizeof(*good));
	struct kvm_xsave *bad = calloc(1, sizeof(*bad));
	uint8_t *region;
	uint64_t rng = 11, value;
	uint32_t mxcsr;
	int fd = f->vcpu.fd, ret;

	assert_non_null(good);
	assert_non_null(bad);
	ret = kt_ioctl(fd, KVM_GET_XSAVE, good);
	if (!implemented(ret)) {
		print_message("KVM_GET_XSAVE not implemented\n");
		free(good);
		free(bad);
		skip();
	}
	assert_result(ret, 0);
	assert_result(kt_ioctl(fd, KVM_SET_XSAVE, good), 0);
	region = (uint8_t *)bad->region;

	/* XSTATE_BV bit 63 (a feature nobody supports). */
	*bad = *good;
	memcpy(&value, region + 512, 8);
	value |= 1ull << 63;
	memcpy(region + 512, &value, 8);
	assert_result(kt_ioctl(fd, KVM_SET_XSAVE, bad), -EINVAL);
	/* XCOMP_BV non-zero (the compacted format is not the ABI's). */
	*bad = *good;
	value = 1ull << 63 | 3;
	memcpy(region + 520, &value, 8);
	assert_result(kt_ioctl(fd, KVM_SET_XSAVE, bad), -EINVAL);
	/* Reserved header bytes. */
	*bad = *good;
	region[540] = 1;
	assert_result(kt_ioctl(fd, KVM_SET_XSAVE, bad), -EINVAL);
	/* MXCSR reserved bits, with x87/SSE state present. */
	*bad = *good;
	value = 3;
	memcpy(region + 512, &value, 8);
	mxcsr = 0xffff1f80;
	memcpy(region + 24, &mxcsr, 4);
	assert_result(kt_ioctl(fd, KVM_SET_XSAVE, bad), -EINVAL);
	/* All random: refused (the header is garbage). */
	rng_fill(&rng, bad, sizeof(*bad));
	assert_result(kt_ioctl(fd, KVM_SET_XSAVE, bad), -EINVAL);
	/* Random legacy area, XSTATE_BV = 0 (all in init state): taken. */
	rng_fill(&rng, bad, 512);
	memset(region + 512, 0, 64);
	assert_result(kt_ioctl(fd, KVM_SET_XSAVE, bad), 0);

	free(good);
	free(bad);
	/* The vCPU still runs. */
	load_payload(&f->vm, PAYLOAD(rm_io));
	assert_result(kt_vcpu_setup_real_mode(&f->vcpu, 0, KT_CODE_GPA), 0);
	assert_result(kt_run_expect_out(&f->vcpu, RM_IO_PORT_BYTE, 1, NULL), 0);
}

/*
 * KVM_SET_XCRS: flags or more than 16 entries: EINVAL; XCR0 without x87,
 * with AVX but not SSE, or with features the guest's CPUID does not have
 * (none set here): EINVAL; other XCR indices are ignored.
 */
static void test_xcrs_garbage(void **state)
{
	struct fixture *f = *state;
	struct kvm_xcrs xcrs;
	int fd = f->vcpu.fd, ret;

	memset(&xcrs, 0, sizeof(xcrs));
	ret = kt_ioctl(fd, KVM_GET_XCRS, &xcrs);
	if (!implemented(ret)) {
		print_message("KVM_GET_XCRS not implemented\n");
		skip();
	}
	assert_result(ret, 0);
	print_message("KVM_GET_XCRS: %u XCRs, XCR0 %#llx\n", xcrs.nr_xcrs,
		      (unsigned long long)xcrs.xcrs[0].value);

	memset(&xcrs, 0, sizeof(xcrs));
	xcrs.nr_xcrs = 1;
	xcrs.xcrs[0].xcr = 0;
	xcrs.xcrs[0].value = 1;
	assert_result(kt_ioctl(fd, KVM_SET_XCRS, &xcrs), 0);
	xcrs.flags = 1;
	assert_result(kt_ioctl(fd, KVM_SET_XCRS, &xcrs), -EINVAL);
	xcrs.flags = 0;
	xcrs.nr_xcrs = KVM_MAX_XCRS_NR + 1;
	assert_result(kt_ioctl(fd, KVM_SET_XCRS, &xcrs), -EINVAL);
	xcrs.nr_xcrs = 0xffffffff;
	assert_result(kt_ioctl(fd, KVM_SET_XCRS, &xcrs), -EINVAL);
	xcrs.nr_xcrs = 1;
	xcrs.xcrs[0].value = 0;			/* no x87 */
	assert_result(kt_ioctl(fd, KVM_SET_XCRS, &xcrs), -EINVAL);
	xcrs.xcrs[0].value = 2;			/* SSE without x87 */
	assert_result(kt_ioctl(fd, KVM_SET_XCRS, &xcrs), -EINVAL);
	xcrs.xcrs[0].value = 5;			/* AVX without SSE */
	assert_result(kt_ioctl(fd, KVM_SET_XCRS, &xcrs), -EINVAL);
	xcrs.xcrs[0].value = 7;			/* not in the (empty) CPUID */
	assert_result(kt_ioctl(fd, KVM_SET_XCRS, &xcrs), -EINVAL);
	xcrs.xcrs[0].value = 1ull << 63;
	assert_result(kt_ioctl(fd, KVM_SET_XCRS, &xcrs), -EINVAL);
	xcrs.xcrs[0].xcr = 1;			/* not XCR0: ignored */
	xcrs.xcrs[0].value = 0xffffffffffffffffull;
	assert_result(kt_ioctl(fd, KVM_SET_XCRS, &xcrs), 0);
}

/* KVM_INTERRUPT: vectors above 255 are EINVAL; 255 is taken. */
static void test_interrupt_vectors(void **state)
{
	struct fixture *f = *state;
	struct kvm_interrupt irq = { .irq = 256 };
	int ret = kt_ioctl(f->vcpu.fd, KVM_INTERRUPT, &irq);

	if (!implemented(ret)) {
		print_message("KVM_INTERRUPT not implemented\n");
		skip();
	}
	assert_result(ret, -EINVAL);
	irq.irq = 0xffffffff;
	assert_result(kt_ioctl(f->vcpu.fd, KVM_INTERRUPT, &irq), -EINVAL);
	irq.irq = 255;
	assert_result(kt_ioctl(f->vcpu.fd, KVM_INTERRUPT, &irq), 0);
}

/*
 * Memory regions with absurd sizes and addresses (sizes beyond the address
 * space, wrapping ranges, kernel host addresses, slot ids, GPAs past the
 * host's physical address width): EINVAL, never a crash;
 * regions whose host memory is not mapped, read-only or unmapped later are
 * accepted (KVM checks only access_ok) and make KVM_RUN fail with EFAULT
 * when the guest touches them.
 */
static void test_memory_region_absurd(void **state)
{
	struct fixture *f = *state;
	int vm = f->vm.vm_fd;
	uint8_t *mem = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t host = (uintptr_t)mem;
	const uint64_t gpa = 0x200000;

	assert_true(mem != MAP_FAILED);
	assert_result(kt_set_memory_region(vm, 1, 0, gpa, 1ull << 63, host),
		      -EINVAL);
	assert_result(kt_set_memory_region(vm, 1, 0, gpa,
					   0xfffffffffffff000ull, host),
		      -EINVAL);
	assert_result(kt_set_memory_region(vm, 1, 0, 0xfffffffffffff000ull,
					   0x2000, host), -EINVAL);
	assert_result(kt_set_memory_region(vm, 1, 0, gpa, 0x1000,
					   0xffff888000000000ull), -EINVAL);
	assert_result(kt_set_memory_region(vm, 1, 0, gpa, 0x2000,
					   0xfffffffffffff000ull), -EINVAL);
	assert_result(kt_set_memory_region(vm, 0xffff, 0, gpa, 0x1000, host),
		      -EINVAL);
	/* GPAs beyond the host's physical address width (what nested
	 * paging can map): EINVAL; the last page below it is fine. */
	{
		unsigned int eax = 0, ebx, ecx, edx, bits;
		uint64_t top;

		assert_true(__get_cpuid(0x80000008, &eax, &ebx, &ecx, &edx));
		bits = eax & 0xff;
		top = 1ull << bits;
		print_message("host physical address width %u bits\n", bits);
		assert_result(kt_set_memory_region(vm, 1, 0, top - PAGE, PAGE,
						   host), 0);
		assert_result(kt_set_memory_region(vm, 1, 0, top - PAGE, 0,
						   host), 0);
		assert_result(kt_set_memory_region(vm, 1, 0, top - PAGE,
						   2 * PAGE, host), -EINVAL);
		assert_result(kt_set_memory_region(vm, 1, 0, top, PAGE, host),
			      -EINVAL);
		assert_result(kt_set_memory_region(vm, 1, 0,
						   0xffffffffffff0000ull, PAGE,
						   host), -EINVAL);
	}
	munmap(mem, 4 * PAGE);
}

/* The mmio payload reads MMIO_GPA: put a slot there backed by `host` and
 * run it; returns KVM_RUN's result. */
static int run_reader_on(struct fixture *f, void *host, int prot)
{
	int ret;

	assert_true(mprotect(host, PAGE, prot) == 0);
	assert_result(kt_set_memory_region(f->vm.vm_fd, 1, 0, MMIO_GPA, PAGE,
					   (uintptr_t)host), 0);
	load_payload(&f->vm, PAYLOAD(mmio));
	assert_result(kt_vcpu_setup_protected_mode(&f->vcpu, KT_CODE_GPA), 0);
	guard_context("guest reading a slot without usable memory");
	ret = run_guarded(&f->vcpu);
	return ret;
}

static void test_memory_without_backing(void **state)
{
	struct fixture *f = *state;
	uint8_t *mem = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char what[160];
	int ret;

	assert_true(mem != MAP_FAILED);
	/* PROT_NONE: the read faults. */
	ret = run_reader_on(f, mem, PROT_NONE);
	print_message("guest read of PROT_NONE memory: %s\n",
		      ret < 0 ? strerror(-ret) : exit_name(ret));
	assert_result(ret, -EFAULT);
	assert_result(kt_set_memory_region(f->vm.vm_fd, 1, 0, MMIO_GPA, 0,
					   (uintptr_t)mem), 0);

	/* PROT_READ: the read works, the write faults. */
	memset(mem + PAGE, 0x33, PAGE);
	assert_true(mprotect(mem + PAGE, PAGE, PROT_READ) == 0);
	ret = run_reader_on(f, mem + PAGE, PROT_READ);
	describe(&f->vcpu, what, sizeof(what));
	assert_true(ret == KVM_EXIT_IO);
	assert_int_equal(io_value(&f->vcpu), 0x33333333);
	ret = run_guarded(&f->vcpu);
	print_message("guest write to PROT_READ memory: %s\n",
		      ret < 0 ? strerror(-ret) : exit_name(ret));
	assert_result(ret, -EFAULT);
	assert_result(kt_set_memory_region(f->vm.vm_fd, 1, 0, MMIO_GPA, 0,
					   (uintptr_t)mem + PAGE), 0);

	/* Unmapped after it was registered. */
	munmap(mem, 2 * PAGE);
	assert_result(kt_set_memory_region(f->vm.vm_fd, 1, 0, MMIO_GPA, PAGE,
					   (uintptr_t)mem), 0);
	load_payload(&f->vm, PAYLOAD(mmio));
	assert_result(kt_vcpu_setup_protected_mode(&f->vcpu, KT_CODE_GPA), 0);
	ret = run_guarded(&f->vcpu);
	print_message("guest read of unmapped memory: %s\n",
		      ret < 0 ? strerror(-ret) : exit_name(ret));
	assert_result(ret, -EFAULT);
	assert_result(kt_set_memory_region(f->vm.vm_fd, 1, 0, MMIO_GPA, 0,
					   (uintptr_t)mem), 0);
	/* After all that, the vCPU runs a guest as usual. */
	load_payload(&f->vm, PAYLOAD(rm_io));
	assert_result(kt_vcpu_setup_real_mode(&f->vcpu, 0, KT_CODE_GPA), 0);
	assert_result(kt_run_expect_out(&f->vcpu, RM_IO_PORT_BYTE, 1, NULL), 0);
}

/* VM and vCPU fds used from another process (a forked child): EIO for
 * every ioctl, in KVM; the system fd still works. */
static void test_ioctls_from_another_process(void **state)
{
	struct fixture *f = *state;
	int pipefd[2], status;
	int32_t results[5];
	pid_t pid;

	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct kvm_regs regs;

		alarm(CHILD_WATCHDOG_SECONDS);
		results[0] = kt_get_regs(&f->vcpu, &regs);
		results[1] = kt_ioctl_value(f->vcpu.fd, KVM_RUN, 0);
		results[2] = kt_ioctl_value(f->vm.vm_fd, KVM_CREATE_VCPU, 1);
		results[3] = kt_set_memory_region(f->vm.vm_fd, 1, 0, 0x200000,
						  PAGE, (uintptr_t)f->mem);
		results[4] = kt_ioctl_value(f->vm.sys_fd, KVM_GET_API_VERSION,
					    0);
		if (write(pipefd[1], results, sizeof(results)) < 0)
			_exit(2);
		_exit(0);
	}
	close(pipefd[1]);
	assert_int_equal(read(pipefd[0], results, sizeof(results)),
			 sizeof(results));
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	assert_result(results[0], -EIO);
	assert_result(results[1], -EIO);
	assert_result(results[2], -EIO);
	assert_result(results[3], -EIO);
	assert_result(results[4], KT_API_VERSION);
	/* The parent's VM is unharmed. */
	load_payload(&f->vm, PAYLOAD(rm_io));
	assert_result(kt_vcpu_setup_real_mode(&f->vcpu, 0, KT_CODE_GPA), 0);
	assert_result(kt_run_expect_out(&f->vcpu, RM_IO_PORT_BYTE, 1, NULL), 0);
}

static sigjmp_buf sigbus_jump;

static void on_sigbus(int sig)
{
	(void)sig;
	siglongjmp(sigbus_jump, 1);
}

/*
 * mmap: the system and VM fds have nothing to map (KVM: ENODEV); a vCPU
 * mapping larger than KVM_GET_VCPU_MMAP_SIZE maps, but touching a page past
 * that size is SIGBUS.
 */
static void test_mmap_odd(void **state)
{
	struct fixture *f = *state;
	struct sigaction action = { .sa_handler = on_sigbus }, old;
	long size = kt_ioctl_value(f->vm.sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	volatile uint8_t *big;
	void *p;
	int faulted;

	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, f->vm.vm_fd, 0);
	assert_true(p == MAP_FAILED);
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, f->vm.sys_fd,
		 0);
	assert_true(p == MAP_FAILED);

	assert_true(size > 0);
	big = mmap(NULL, size + PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		   f->vcpu.fd, 0);
	assert_true(big != MAP_FAILED);
	sigemptyset(&action.sa_mask);
	sigaction(SIGBUS, &action, &old);
	faulted = sigsetjmp(sigbus_jump, 1);
	if (!faulted)
		(void)big[size];
	sigaction(SIGBUS, &old, NULL);
	munmap((void *)big, size + PAGE);
	assert_int_equal(faulted, 1);
}

/* ------------------------------------------------------------------------
 * A failed entry, and after it
 */

/*
 * Long mode with CS.L = CS.D = 1: KVM_SET_SREGS takes it, VMRUN does not.
 * KVM_RUN says KVM_EXIT_FAIL_ENTRY again and again without the guest
 * running (RAX untouched, RIP the same each time: QEMU's software SVM
 * writes back an odd RIP on the failed VMRUN, hardware leaves it), the
 * other ioctls work, and once KVM_SET_SREGS/KVM_SET_REGS give a valid state
 * the guest runs.
 */
static void test_failed_entry_recovers(void **state)
{
	struct fixture *f = *state;
	struct kt_vcpu *vcpu = &f->vcpu;
	struct kvm_sregs sregs, good, back;
	struct kvm_regs regs;
	uint64_t first_rip = 0;
	char what[160];

	load_payload(&f->vm, PAYLOAD(lm_io));
	assert_result(kt_vcpu_setup_long_mode(vcpu, KT_CODE_GPA), 0);
	assert_result(kt_get_sregs(vcpu, &good), 0);
	sregs = good;
	sregs.cs.db = 1;
	assert_result(kt_set_sregs(vcpu, &sregs), 0);

	guard_context("failed entry");
	for (int i = 0; i < 5; i++) {
		int reason = run_guarded(vcpu);

		describe(vcpu, what, sizeof(what));
		if (reason != KVM_EXIT_FAIL_ENTRY && !in_nested_host()) {
			print_message("no failed entry here (%s): emulated "
				      "KVM\n", what);
			skip();
		}
		assert_int_equal(reason, KVM_EXIT_FAIL_ENTRY);
		assert_result(kt_get_regs(vcpu, &regs), 0);
		if (i == 0) {
			first_rip = regs.rip;
			print_message("%s; RIP %#llx (was %#x)\n", what,
				      (unsigned long long)regs.rip,
				      KT_CODE_GPA);
		}
		assert_int_equal(regs.rip, first_rip);
		assert_int_equal(regs.rax, 0);	/* lm_io's first MOV */
		assert_result(kt_get_sregs(vcpu, &back), 0);
		assert_int_equal(back.cs.db, 1);
	}
	assert_result(kt_set_sregs(vcpu, &good), 0);
	assert_true(set_pc(vcpu, KT_CODE_GPA, KT_STACK_TOP));
	assert_result(kt_run_expect_out(vcpu, LM_IO_PORT_DWORD, 4, NULL), 0);

	/* And once more, with an OUT pending when the entry fails. */
	assert_result(kt_set_sregs(vcpu, &sregs), 0);
	assert_int_equal(run_guarded(vcpu), KVM_EXIT_FAIL_ENTRY);
	assert_int_equal(run_guarded(vcpu), KVM_EXIT_FAIL_ENTRY);
	assert_result(kt_set_sregs(vcpu, &good), 0);
	assert_true(set_pc(vcpu, KT_CODE_GPA, KT_STACK_TOP));
	assert_result(kt_run_expect_out(vcpu, LM_IO_PORT_DWORD, 4, NULL), 0);
}

/* ------------------------------------------------------------------------
 * Teardown
 */

/* Child side: a VM (1 MiB) with `vcpus` threads spinning in KVM_RUN. */
struct spinner {
	struct kt_vm vm;
	struct kt_vcpu vcpus[4];
	pthread_t threads[4];
	atomic_int entering;
};

static struct kt_vcpu *spin_arg(struct spinner *s, int i)
{
	return &s->vcpus[i];
}

static void *spin_vcpu(void *arg)
{
	struct kt_vcpu *vcpu = arg;
	struct spinner *s = (struct spinner *)((char *)(vcpu - vcpu->id) -
					       offsetof(struct spinner, vcpus));

	atomic_fetch_add(&s->entering, 1);
	for (;;)
		kt_run(vcpu);
	return NULL;
}

static int spinner_start(struct spinner *s, int vcpus)
{
	int ret;

	memset(s, 0, sizeof(*s));
	s->vm.vm_fd = s->vm.sys_fd = -1;
	ret = kt_vm_create(&s->vm);
	if (ret == 0)
		ret = kt_vm_add_memory(&s->vm, 0, 0, SLOT0_SIZE, NULL);
	if (ret == 0)
		ret = kt_write_guest(&s->vm, KT_CODE_GPA, guest_spin,
				     (size_t)(guest_spin_end - guest_spin));
	for (int i = 0; ret == 0 && i < vcpus; i++) {
		ret = kt_vcpu_create(&s->vm, i, &s->vcpus[i]);
		if (ret == 0)
			ret = kt_vcpu_setup_real_mode(&s->vcpus[i], 0,
						      KT_CODE_GPA);
	}
	/* vcpus[i].id == i: the thread finds its spinner from that. */
	for (int i = 0; ret == 0 && i < vcpus; i++)
		ret = -pthread_create(&s->threads[i], NULL, spin_vcpu,
				      spin_arg(s, i));
	while (ret == 0 && atomic_load(&s->entering) < vcpus)
		usleep(1000);
	return ret;
}

/* robust-test --spin-forever FILE */
static int spin_forever(const char *ready_file)
{
	static struct spinner a, b;
	int ret = spinner_start(&a, 2);
	int fd;

	if (ret == 0)
		ret = spinner_start(&b, 1);
	if (ret < 0) {
		fprintf(stderr, "robust-test: --spin-forever: %s\n",
			strerror(-ret));
		return 1;
	}
	usleep(200000);		/* into KVM_RUN */
	fd = open(ready_file, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd >= 0)
		close(fd);
	printf("robust-test: 2 VMs, 3 vCPUs spinning in KVM_RUN (pid %d)\n",
	       (int)getpid());
	fflush(stdout);
	for (;;)
		pause();
}

/*
 * A process with vCPUs running in KVM_RUN (two VMs, three vCPU threads)
 * is SIGKILLed: it dies, and every VM is released (the module's use count
 * is back).  tests/abi/in-nested-host also unloads the module afterwards.
 */
static void test_teardown_sigkill_running(void **state)
{
	long baseline = module_refcount();
	int pipefd[2], status;
	char ready;
	pid_t pid;

	(void)state;
	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		static struct spinner a, b;

		alarm(CHILD_WATCHDOG_SECONDS);
		close(pipefd[0]);
		if (spinner_start(&a, 2) || spinner_start(&b, 1))
			_exit(1);
		usleep(100000);
		if (write(pipefd[1], "r", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(pipefd[1]);
	assert_int_equal(read(pipefd[0], &ready, 1), 1);
	close(pipefd[0]);
	usleep(200000);
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	assert_refcount_back(baseline, "SIGKILL of a process with running "
			     "vCPUs");
}

struct closer {
	struct kt_vcpu *vcpu;
	atomic_int state;	/* 1: entering KVM_RUN, 2: returned */
	int first, second;
};

static void *closer_vcpu(void *arg)
{
	struct closer *c = arg;

	atomic_store(&c->state, 1);
	c->first = kt_ioctl_value(c->vcpu->fd, KVM_RUN, 0);
	atomic_store(&c->state, 2);
	/* The fd number is closed by now: EBADF. */
	c->second = kt_ioctl_value(c->vcpu->fd, KVM_RUN, 0);
	return NULL;
}

/*
 * Closing the vCPU fd (and the VM's and the system's) while another thread
 * is in KVM_RUN on it: the run goes on until a signal ends it, the kvm_run
 * page stays readable, the fd is gone for the next ioctl, and once the page
 * is unmapped everything is released.
 */
static void test_teardown_close_under_run(void **state)
{
	struct fixture *f = *state;
	struct sigaction action = { .sa_handler = ignore_signal };
	struct closer c = { .vcpu = &f->vcpu };
	long baseline;
	pthread_t thread;

	/* The fixture's VM is this test's: measure without it. */
	kt_vcpu_destroy(&f->vcpu);
	kt_vm_destroy(&f->vm);
	baseline = module_refcount();
	assert_result(create_fixture(f), 0);
	load_payload(&f->vm, PAYLOAD(spin));
	assert_result(kt_vcpu_setup_real_mode(&f->vcpu, 0, KT_CODE_GPA), 0);

	sigemptyset(&action.sa_mask);
	sigaction(SIGUSR1, &action, NULL);
	assert_int_equal(pthread_create(&thread, NULL, closer_vcpu, &c), 0);
	while (atomic_load(&c.state) < 1)
		usleep(1000);
	usleep(200000);
	assert_int_equal(close(f->vcpu.fd), 0);
	assert_int_equal(close(f->vm.vm_fd), 0);
	assert_int_equal(close(f->vm.sys_fd), 0);
	f->vm.vm_fd = f->vm.sys_fd = -1;
	usleep(100000);
	/* Still running: nothing ended it. */
	assert_int_equal(atomic_load(&c.state), 1);
	for (int i = 0; i < 500 && atomic_load(&c.state) < 2; i++) {
		pthread_kill(thread, SIGUSR1);
		usleep(10000);
	}
	pthread_join(thread, NULL);
	assert_result(c.first, -EINTR);
	assert_result(c.second, -EBADF);
	assert_int_equal(f->vcpu.run->exit_reason, KVM_EXIT_INTR);
	f->vcpu.fd = -1;
	kt_vcpu_destroy(&f->vcpu);	/* unmaps the kvm_run page */
	kt_vm_destroy(&f->vm);		/* and the guest memory */
	assert_refcount_back(baseline, "closing fds under a running vCPU");
	/* The teardown function must not close anything again. */
	assert_result(create_fixture(f), 0);
}

/*
 * Processes that exit without cleaning up: one with only the kvm_run
 * pages still mapped (every fd closed), one whose guest memory was
 * unmapped under the VM, one exiting (exit_group from another thread)
 * while a vCPU thread is in KVM_RUN.  Every VM is released.
 */
static void test_teardown_exit_with_mappings(void **state)
{
	long baseline = module_refcount();

	(void)state;
	for (int variant = 0; variant < 3; variant++) {
		int status;
		pid_t pid = fork();

		assert_true(pid >= 0);
		if (pid == 0) {
			static struct spinner s;
			struct kt_vm vm;
			struct kt_vcpu vcpu;
			void *mem, *run2;

			alarm(CHILD_WATCHDOG_SECONDS);
			if (variant == 2) {
				if (spinner_start(&s, 1))
					_exit(1);
				usleep(100000);
				exit(0);	/* the vCPU thread is in KVM_RUN */
			}
			if (kt_vm_create(&vm) ||
			    kt_vm_add_memory(&vm, 0, 0, SLOT0_SIZE, &mem) ||
			    kt_vcpu_create(&vm, 0, &vcpu))
				_exit(1);
			memcpy((uint8_t *)mem + KT_CODE_GPA, guest_rm_io,
			       (size_t)(guest_rm_io_end - guest_rm_io));
			if (kt_vcpu_setup_real_mode(&vcpu, 0, KT_CODE_GPA) ||
			    kt_run(&vcpu) != KVM_EXIT_IO)
				_exit(1);
			run2 = mmap(NULL, vcpu.run_size, PROT_READ, MAP_SHARED,
				    vcpu.fd, 0);
			if (run2 == MAP_FAILED)
				_exit(1);
			if (variant == 0) {
				close(vcpu.fd);
				close(vm.vm_fd);
				close(vm.sys_fd);
			} else {
				munmap(mem, SLOT0_SIZE);
			}
			_exit(0);
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
		assert_refcount_back(baseline, variant == 0 ?
				     "exit with kvm_run mapped, fds closed" :
				     variant == 1 ?
				     "exit with guest memory unmapped" :
				     "exit with a vCPU in KVM_RUN");
	}
}

/* ------------------------------------------------------------------------ */

#define VM_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup_vm, teardown_vm)

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		VM_TEST(test_fpu_host_regs_survive_run),
		VM_TEST(test_fpu_set_fpu_survives),
		VM_TEST(test_fpu_set_xsave_survives),
		VM_TEST(test_fpu_isolation),
		VM_TEST(test_random_code_real),
		VM_TEST(test_random_code_protected),
		VM_TEST(test_random_code_long),
		VM_TEST(test_hostile_long_mode),
		VM_TEST(test_hostile_real_mode),
		VM_TEST(test_triple_fault_loop),
		VM_TEST(test_random_register_state),
		VM_TEST(test_vcpu_bad_pointers),
		VM_TEST(test_vm_and_system_bad_pointers),
		VM_TEST(test_system_ioctl_arguments),
		VM_TEST(test_cpuid_counts),
		VM_TEST(test_msr_counts),
		VM_TEST(test_fpu_garbage),
		VM_TEST(test_xsave_garbage),
		VM_TEST(test_xcrs_garbage),
		VM_TEST(test_interrupt_vectors),
		VM_TEST(test_memory_region_absurd),
		VM_TEST(test_memory_without_backing),
		VM_TEST(test_ioctls_from_another_process),
		VM_TEST(test_mmap_odd),
		VM_TEST(test_failed_entry_recovers),
		VM_TEST(test_teardown_sigkill_running),
		VM_TEST(test_teardown_close_under_run),
		VM_TEST(test_teardown_exit_with_mappings),
	};

	if (argc == 3 && !strcmp(argv[1], "--spin-forever"))
		return spin_forever(argv[2]);
	if (argc != 1) {
		fprintf(stderr, "usage: robust-test [--spin-forever FILE]\n");
		return 2;
	}
	printf("robust-test: device %s, VMM_ACCEL=%s, VMM_MODULE=%s\n",
	       kt_device_path(), getenv("VMM_ACCEL") ? getenv("VMM_ACCEL") :
	       "(unset: local)", getenv("VMM_MODULE") ? getenv("VMM_MODULE") :
	       "(unset)");
	fflush(stdout);
	guard_start();
	if (getenv("VMM_TEST_FILTER"))
		cmocka_set_test_filter(getenv("VMM_TEST_FILTER"));
	return cmocka_run_group_tests_name("robustness", tests, NULL, NULL);
}
