/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the vCPU looked like when the guest ended abnormally (a triple
 * fault, a reset nobody expected, an exit the monitor cannot handle): its
 * registers and segment state on stderr, so a flaky guest reset in a test
 * log can be told apart from a guest that asked to reboot.
 */
#ifndef VMM_VCPU_DUMP_H
#define VMM_VCPU_DUMP_H

#include <stdio.h>

#include "vmm/accel.h"

/* Print vCPU 0's state (KVM_GET_REGS, KVM_GET_SREGS) to f, each line
 * prefixed "vmm: ". Needs the vCPU out of KVM_RUN (the vCPU thread). */
void vcpu_dump_state(const struct accel *a, FILE *f);

#endif /* VMM_VCPU_DUMP_H */
