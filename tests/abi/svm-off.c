// SPDX-License-Identifier: GPL-2.0
/*
 * svm-off: SVM turned off under running vCPUs, as a reboot or the kernel's
 * emergency restart path does (both clear EFER.SVME on every CPU while
 * vCPU threads may be inside KVM_RUN). vmm.ko must notice the faulting SVM
 * instructions and fail KVM_RUN with EIO instead of oopsing the host.
 *
 * Two vCPUs spin in real mode; EFER.SVME is cleared on every CPU through
 * /dev/cpu/N/msr (the msr driver); each vCPU thread must come back from
 * KVM_RUN with EIO within a few seconds. Needs root and the msr module.
 * Only for vmm.ko: kvm-amd takes such a fault for a bug (BUG()) unless it
 * is rebooting itself.
 *
 * Exit status 0 when both vCPUs got EIO, 1 otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kvmtest.h"
#include "guest-abi.h"
#include "guest-symbols.h"
#include "payloads.h"

#define MSR_EFER 0xc0000080
#define EFER_SVME (1ull << 12)
#define NR_VCPUS 2

struct spinner {
	struct kt_vcpu vcpu;
	atomic_int entered;
	int result; /* KVM_RUN's last error, as -errno */
};

static void *spin(void *arg)
{
	struct spinner *s = arg;

	atomic_store(&s->entered, 1);
	for (;;) {
		int r = kt_run(&s->vcpu);

		/* Signals (none expected) and host interrupts: go on. */
		if (r == -EINTR)
			continue;
		s->result = r < 0 ? r : 0;
		if (r < 0)
			return NULL;
		fprintf(stderr, "svm-off: vcpu %u: unexpected exit %s\n",
			s->vcpu.id, kt_exit_reason_name((uint32_t)r));
		return NULL;
	}
}

/* Clear EFER.SVME on every CPU the msr driver has; how many. */
static int svme_off_everywhere(void)
{
	int done = 0;

	for (int cpu = 0; cpu < 1024; cpu++) {
		char path[64];
		uint64_t efer;
		int fd;

		snprintf(path, sizeof(path), "/dev/cpu/%d/msr", cpu);
		fd = open(path, O_RDWR);
		if (fd < 0)
			continue;
		if (pread(fd, &efer, 8, MSR_EFER) == 8) {
			efer &= ~EFER_SVME;
			if (pwrite(fd, &efer, 8, MSR_EFER) == 8)
				done++;
			else
				fprintf(stderr, "svm-off: %s: write EFER: %s\n",
					path, strerror(errno));
		}
		close(fd);
	}
	return done;
}

int main(void)
{
	struct spinner s[NR_VCPUS] = { 0 };
	pthread_t t[NR_VCPUS];
	struct guest_payload spin_code = PAYLOAD(spin);
	struct kt_vm vm;
	int cpus, ok = 1;

	if (kt_vm_create(&vm) || kt_vm_add_memory(&vm, 0, 0, 0x100000, NULL) ||
	    kt_write_guest(&vm, KT_CODE_GPA, spin_code.bytes, spin_code.size)) {
		fprintf(stderr, "svm-off: cannot set up a VM\n");
		return 1;
	}
	for (int i = 0; i < NR_VCPUS; i++) {
		if (kt_vcpu_create(&vm, i, &s[i].vcpu) ||
		    kt_vcpu_setup_real_mode(&s[i].vcpu, 0, GUEST_SYM_spin_loop)) {
			fprintf(stderr, "svm-off: cannot set up vCPU %d\n", i);
			return 1;
		}
		pthread_create(&t[i], NULL, spin, &s[i]);
	}
	while (!atomic_load(&s[0].entered) || !atomic_load(&s[1].entered))
		usleep(1000);
	usleep(300000); /* both in KVM_RUN, spinning in the guest */

	cpus = svme_off_everywhere();
	printf("svm-off: EFER.SVME cleared on %d CPUs under running vCPUs\n",
	       cpus);
	if (!cpus)
		return 1;
	for (int i = 0; i < NR_VCPUS; i++) {
		struct timespec deadline;

		clock_gettime(CLOCK_REALTIME, &deadline);
		deadline.tv_sec += 10;
		if (pthread_timedjoin_np(t[i], NULL, &deadline)) {
			fprintf(stderr, "svm-off: vcpu %d still in KVM_RUN after 10 s\n", i);
			return 1;
		}
		printf("svm-off: vcpu %d: KVM_RUN gave %s\n", i,
		       s[i].result ? strerror(-s[i].result) : "an exit");
		ok &= s[i].result == -EIO;
		kt_vcpu_destroy(&s[i].vcpu);
	}
	kt_vm_destroy(&vm);
	return ok ? 0 : 1;
}
