// SPDX-License-Identifier: GPL-2.0
/*
 * Two hypervisors on one host: vmm.ko and kvm-amd both loaded. Whichever
 * holds SVM (has a VM) first wins; the other must refuse KVM_CREATE_VM with
 * EBUSY (and say so in the kernel log), and work again once the first VM is
 * gone. Runs in the nested test host with both modules loaded.
 *
 *   coexist /dev/vmm /dev/kvm
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int failures;

static void check(int ok, const char *what)
{
	printf("%s: %s\n", ok ? "ok" : "FAIL", what);
	if (!ok)
		failures++;
}

static int open_dev(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		fprintf(stderr, "coexist: %s: %s\n", path, strerror(errno));
	return fd;
}

/* Create a VM on `holder`, then expect `other` to refuse one, then accept
 * one once the holder's VM is closed. */
static void one_way(int holder, const char *holder_name, int other,
		    const char *other_name)
{
	char what[160];
	int vm, vm2;

	vm = ioctl(holder, KVM_CREATE_VM, 0);
	snprintf(what, sizeof(what), "VM on %s", holder_name);
	check(vm >= 0, what);
	if (vm < 0)
		return;

	vm2 = ioctl(other, KVM_CREATE_VM, 0);
	snprintf(what, sizeof(what), "%s refuses a VM with EBUSY while %s has one (got %s)",
		 other_name, holder_name, vm2 >= 0 ? "a VM" : strerror(errno));
	check(vm2 < 0 && errno == EBUSY, what);
	if (vm2 >= 0)
		close(vm2);

	close(vm);
	vm2 = ioctl(other, KVM_CREATE_VM, 0);
	snprintf(what, sizeof(what), "%s gives a VM once %s's is gone", other_name,
		 holder_name);
	check(vm2 >= 0, what);
	if (vm2 >= 0)
		close(vm2);
}

int main(int argc, char **argv)
{
	int vmm, kvm;

	if (argc != 3) {
		fprintf(stderr, "usage: coexist /dev/vmm /dev/kvm\n");
		return 2;
	}
	vmm = open_dev(argv[1]);
	kvm = open_dev(argv[2]);
	if (vmm < 0 || kvm < 0)
		return 2;

	one_way(kvm, "kvm-amd", vmm, "vmm.ko");
	one_way(vmm, "vmm.ko", kvm, "kvm-amd");

	printf("%d passed, %d failed\n", 6 - failures, failures);
	return failures ? 1 : 0;
}
