// SPDX-License-Identifier: GPL-2.0
/*
 * pio-bench: the cost of one port I/O exit round trip to userspace.
 *
 * A real-mode guest executes `out %al, (%dx)` in a loop; each KVM_RUN
 * returns with that OUT, so the time per KVM_RUN is the full round trip:
 * guest exit, return to userspace, and entering the guest again.
 *
 * Usage: pio-bench [-n ROUNDS] [-w WARMUP]   (device: $VMM_DEV, see kvmtest)
 * Prints a human line and `pio_roundtrip_us=<mean>` for scripts.
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

#define DEFAULT_ROUNDS	20000
#define DEFAULT_WARMUP	1000
#define MEMORY_SIZE	0x10000

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

/* Run `rounds` times, each must be the guest's OUT. 0 or -1 (reported). */
static int run_rounds(struct kt_vcpu *vcpu, long rounds)
{
	for (long i = 0; i < rounds; i++) {
		int reason = kt_run(vcpu);

		if (reason < 0) {
			fprintf(stderr, "pio-bench: KVM_RUN: %s\n",
				strerror(-reason));
			return -1;
		}
		if (!kt_exit_is_io(vcpu, KVM_EXIT_IO_OUT, PIO_LOOP_PORT, 1, 1))
			return -1;
	}
	return 0;
}

static int setup_guest(struct kt_vm *vm, struct kt_vcpu *vcpu)
{
	struct guest_payload guest = PAYLOAD(pio_loop);
	int ret;

	ret = kt_vm_create(vm);
	if (ret == 0)
		ret = kt_vm_add_memory(vm, 0, 0, MEMORY_SIZE, NULL);
	if (ret == 0)
		ret = kt_write_guest(vm, KT_CODE_GPA, guest.bytes, guest.size);
	if (ret == 0)
		ret = kt_vcpu_create(vm, 0, vcpu);
	if (ret == 0)
		ret = kt_vcpu_setup_real_mode(vcpu, 0, KT_CODE_GPA);
	if (ret < 0)
		fprintf(stderr, "pio-bench: setting up a VM on %s: %s\n",
			kt_device_path(), strerror(-ret));
	return ret;
}

int main(int argc, char **argv)
{
	long rounds = DEFAULT_ROUNDS, warmup = DEFAULT_WARMUP;
	struct kt_vm vm = { .sys_fd = -1, .vm_fd = -1 };
	struct kt_vcpu vcpu = { .fd = -1 };
	double start, mean_us;
	int opt, status = 1;

	while ((opt = getopt(argc, argv, "n:w:")) != -1) {
		long *target = opt == 'n' ? &rounds : &warmup;

		if ((opt != 'n' && opt != 'w') || parse_count(optarg, target)) {
			fprintf(stderr,
				"usage: pio-bench [-n ROUNDS] [-w WARMUP]\n");
			return 2;
		}
	}
	if (rounds == 0)
		rounds = 1;

	if (setup_guest(&vm, &vcpu) < 0)
		goto out;
	if (run_rounds(&vcpu, warmup) < 0)
		goto out;
	start = now_seconds();
	if (run_rounds(&vcpu, rounds) < 0)
		goto out;
	mean_us = (now_seconds() - start) * 1e6 / rounds;

	printf("pio-bench: %s: %ld PIO exit round trips (after %ld warm-up), "
	       "mean %.2f us\n", vm.device, rounds, warmup, mean_us);
	printf("pio_roundtrip_us=%.3f\n", mean_us);
	status = 0;
out:
	kt_vcpu_destroy(&vcpu);
	kt_vm_destroy(&vm);
	return status;
}
