// SPDX-License-Identifier: GPL-2.0
/*
 * exits-bench: the cost of one guest exit round trip, three kinds:
 *
 *   pio    a real-mode guest loops on `out %al, (%dx)`: each KVM_RUN returns
 *          with that OUT (KVM_EXIT_IO), so the time per KVM_RUN is the full
 *          round trip: guest exit, return to userspace, entering again;
 *   mmio   the same with a byte write to a GPA no memslot covers
 *          (KVM_EXIT_MMIO: the write has to be decoded in the kernel);
 *   cpuid  the guest runs CPUID in a loop, handled in the kernel without a
 *          return to userspace; one OUT every -k CPUIDs ends a KVM_RUN, and
 *          the time is divided by the number of CPUIDs (the OUT is under
 *          0.1 % of it with the default -k 1000).
 *
 * Usage: exits-bench [-m pio|mmio|cpuid] [-n ROUNDS] [-w WARMUP] [-k CPUIDS]
 *        (device: $VMM_DEV, see kvmtest)
 * Prints a human line and `<mode>_us=<mean>` for scripts.  When the device
 * cannot do the mode (its first exit is another one, e.g.
 * KVM_EXIT_INTERNAL_ERROR for an exit it does not handle yet), prints
 * `<mode>_na=<what happened>` and exits with status 3; 1 on other errors.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kvmtest.h"
#include "guest-abi.h"
#include "payloads.h"

#define MEMORY_SIZE	0x10000
#define STATUS_NA	3

enum mode { PIO, MMIO, CPUID };
static const char *const mode_names[] = { "pio", "mmio", "cpuid" };

static const struct {
	long rounds, warmup;
} defaults[] = {
	[PIO] = { 20000, 1000 },
	[MMIO] = { 20000, 1000 },
	[CPUID] = { 20, 2 },
};

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int parse_count(const char *text, long *count)
{
	char *end;

	errno = 0;
	*count = strtol(text, &end, 10);
	return errno || *end || *count < 0 ? -1 : 0;
}

/* Is the exit the one the mode's guest makes every round? */
static bool expected_exit(enum mode mode, const struct kvm_run *run)
{
	switch (mode) {
	case PIO:
		return run->exit_reason == KVM_EXIT_IO &&
		       run->io.direction == KVM_EXIT_IO_OUT &&
		       run->io.port == PIO_LOOP_PORT && run->io.size == 1 &&
		       run->io.count == 1;
	case MMIO:
		return run->exit_reason == KVM_EXIT_MMIO &&
		       run->mmio.is_write && run->mmio.len == 1 &&
		       run->mmio.phys_addr == MMIO_LOOP_GPA;
	default:
		return run->exit_reason == KVM_EXIT_IO &&
		       run->io.direction == KVM_EXIT_IO_OUT &&
		       run->io.port == CPUID_LOOP_PORT && run->io.size == 1;
	}
}

/*
 * Run `rounds` times; each must be the mode's exit.  0, or -1 after saying
 * why: as `<mode>_na=...` (status n/a) when `first` and the device gave
 * another exit, else as an error.
 */
static int run_rounds(enum mode mode, struct kt_vcpu *vcpu, long rounds,
		      bool first, int *status)
{
	for (long i = 0; i < rounds; i++) {
		int reason = kt_run(vcpu);
		char what[160];

		if (reason < 0) {
			if (first && i == 0) {
				printf("%s_na=KVM_RUN: %s\n", mode_names[mode],
				       strerror(-reason));
				*status = STATUS_NA;
			} else {
				fprintf(stderr, "exits-bench: KVM_RUN: %s\n",
					strerror(-reason));
			}
			return -1;
		}
		if (expected_exit(mode, vcpu->run))
			continue;
		kt_describe_exit(vcpu, what, sizeof(what));
		if (first && i == 0) {
			printf("%s_na=%s\n", mode_names[mode], what);
			*status = STATUS_NA;
		} else {
			fprintf(stderr, "exits-bench: %s: unexpected %s\n",
				mode_names[mode], what);
		}
		return -1;
	}
	return 0;
}

static int setup_guest(enum mode mode, struct kt_vm *vm, struct kt_vcpu *vcpu,
		       uint32_t cpuids)
{
	struct guest_payload guest = mode == PIO ? PAYLOAD(pio_loop) :
				     mode == MMIO ? PAYLOAD(mmio_loop) :
				     PAYLOAD(cpuid_loop);
	int ret;

	ret = kt_vm_create(vm);
	if (ret == 0)
		ret = kt_vm_add_memory(vm, 0, 0, MEMORY_SIZE, NULL);
	if (ret == 0)
		ret = kt_write_guest(vm, KT_CODE_GPA, guest.bytes, guest.size);
	if (ret == 0)
		ret = kt_write_guest(vm, CPUID_LOOP_COUNT_GPA, &cpuids,
				     sizeof(cpuids));
	if (ret == 0)
		ret = kt_vcpu_create(vm, 0, vcpu);
	if (ret == 0)
		ret = kt_vcpu_setup_real_mode(vcpu, 0, KT_CODE_GPA);
	if (ret < 0)
		fprintf(stderr, "exits-bench: setting up a VM on %s: %s\n",
			kt_device_path(), strerror(-ret));
	return ret;
}

static void usage(void)
{
	fprintf(stderr, "usage: exits-bench [-m pio|mmio|cpuid] [-n ROUNDS] "
		"[-w WARMUP] [-k CPUIDS]\n");
}

int main(int argc, char **argv)
{
	long rounds = -1, warmup = -1, cpuids = 1000;
	struct kt_vm vm = { .sys_fd = -1, .vm_fd = -1 };
	struct kt_vcpu vcpu = { .fd = -1 };
	enum mode mode = PIO;
	double start, mean_us;
	int opt, status = 1;

	while ((opt = getopt(argc, argv, "m:n:w:k:")) != -1) {
		int bad = 0;

		switch (opt) {
		case 'm':
			if (!strcmp(optarg, "pio"))
				mode = PIO;
			else if (!strcmp(optarg, "mmio"))
				mode = MMIO;
			else if (!strcmp(optarg, "cpuid"))
				mode = CPUID;
			else
				bad = 1;
			break;
		case 'n':
			bad = parse_count(optarg, &rounds);
			break;
		case 'w':
			bad = parse_count(optarg, &warmup);
			break;
		case 'k':
			bad = parse_count(optarg, &cpuids) || cpuids == 0 ||
			      cpuids > 0x7fffffff;
			break;
		default:
			bad = 1;
		}
		if (bad) {
			usage();
			return 2;
		}
	}
	if (optind != argc) {
		usage();
		return 2;
	}
	if (rounds < 0)
		rounds = defaults[mode].rounds;
	if (warmup < 0)
		warmup = defaults[mode].warmup;
	if (rounds == 0)
		rounds = 1;

	if (setup_guest(mode, &vm, &vcpu, (uint32_t)cpuids) < 0)
		goto out;
	/* The first exit says whether the device can do this at all. */
	if (run_rounds(mode, &vcpu, 1, true, &status) < 0 ||
	    run_rounds(mode, &vcpu, warmup, false, &status) < 0)
		goto out;
	start = now_seconds();
	if (run_rounds(mode, &vcpu, rounds, false, &status) < 0)
		goto out;
	mean_us = (now_seconds() - start) * 1e6 / rounds;
	if (mode == CPUID) {
		mean_us /= cpuids;
		printf("exits-bench: %s: %ld x %ld CPUIDs handled in the kernel "
		       "(after %ld warm-up), mean %.3f us per CPUID\n",
		       vm.device, rounds, cpuids, warmup, mean_us);
	} else {
		printf("exits-bench: %s: %ld %s exit round trips (after %ld "
		       "warm-up), mean %.2f us\n", vm.device, rounds,
		       mode == PIO ? "PIO" : "MMIO", warmup, mean_us);
	}
	printf("%s_us=%.3f\n", mode_names[mode], mean_us);
	status = 0;
out:
	kt_vcpu_destroy(&vcpu);
	kt_vm_destroy(&vm);
	return status;
}
