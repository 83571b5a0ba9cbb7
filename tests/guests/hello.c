// SPDX-License-Identifier: GPL-2.0
/*
 * hello: the first guest.  Creates a VM with 64 KiB of memory, puts the
 * device name into it, runs a real-mode guest (hello.S) that writes a greeting
 * to port 0xE9 one byte at a time, prints each byte as it arrives, and stops
 * when the guest halts.
 *
 *   $ tests/guests/hello
 *   Hello from a guest on /dev/vmm!
 *   hello: /dev/vmm: guest halted after 33 exits
 *
 * The device is $VMM_DEV, else /dev/vmm if present, else /dev/kvm.
 */
#include <stdio.h>
#include <string.h>

#include "kvmtest.h"
#include "guest-abi.h"
#include "payloads.h"

#define MEMORY_SIZE	0x10000
#define MAX_EXITS	10000	/* the greeting is far shorter: a bug loops */

static int load_guest(struct kt_vm *vm)
{
	struct guest_payload guest = PAYLOAD(hello);
	char name[HELLO_NAME_MAX] = { 0 };
	int ret;

	strncpy(name, vm->device, sizeof(name) - 1);
	ret = kt_write_guest(vm, HELLO_NAME_GPA, name, sizeof(name));
	if (ret < 0)
		return ret;
	return kt_write_guest(vm, KT_CODE_GPA, guest.bytes, guest.size);
}

/* Print the guest's output until it halts: the exit count, or -1. */
static int run_guest(struct kt_vcpu *vcpu)
{
	char what[160];

	for (int exits = 1; exits <= MAX_EXITS; exits++) {
		int reason = kt_run(vcpu);

		if (reason == KVM_EXIT_HLT)
			return exits;
		if (reason == KVM_EXIT_IO &&
		    vcpu->run->io.direction == KVM_EXIT_IO_OUT &&
		    vcpu->run->io.port == HELLO_PORT &&
		    vcpu->run->io.size == 1) {
			const char *bytes = kt_io_data(vcpu);

			fwrite(bytes, 1, vcpu->run->io.count, stdout);
			fflush(stdout);
			continue;
		}
		if (reason < 0) {
			fprintf(stderr, "hello: KVM_RUN: %s\n",
				strerror(-reason));
		} else {
			kt_describe_exit(vcpu, what, sizeof(what));
			fprintf(stderr, "hello: unexpected %s\n", what);
		}
		return -1;
	}
	fprintf(stderr, "hello: no HLT after %d exits\n", MAX_EXITS);
	return -1;
}

int main(void)
{
	struct kt_vm vm = { .sys_fd = -1, .vm_fd = -1 };
	struct kt_vcpu vcpu = { .fd = -1 };
	int ret, exits = -1;

	ret = kt_vm_create(&vm);
	if (ret == 0)
		ret = kt_vm_add_memory(&vm, 0, 0, MEMORY_SIZE, NULL);
	if (ret == 0)
		ret = load_guest(&vm);
	if (ret == 0)
		ret = kt_vcpu_create(&vm, 0, &vcpu);
	if (ret == 0)
		ret = kt_vcpu_setup_real_mode(&vcpu, 0, KT_CODE_GPA);
	if (ret < 0)
		fprintf(stderr, "hello: setting up a VM on %s: %s\n",
			kt_device_path(), strerror(-ret));
	else
		exits = run_guest(&vcpu);

	if (exits > 0)
		printf("hello: %s: guest halted after %d exits\n", vm.device,
		       exits);
	kt_vcpu_destroy(&vcpu);
	kt_vm_destroy(&vm);
	return exits > 0 ? 0 : 1;
}
