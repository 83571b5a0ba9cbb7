/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A debugging aid, off by default: with the module parameter exit_trace=N
 * (N up to 256) each vCPU remembers its last N exits (host CPU, exit code,
 * exit info, the event in delivery, RIP, and the event injected at that
 * entry) and prints them with the guest's special registers when the guest
 * ends badly (shutdown, failed entry, an exit nothing handles). For flakes
 * that show up once in many runs: the trail before the triple fault.
 * Off, it costs one predictable branch per exit.
 */
#ifndef VMM_TRACE_H
#define VMM_TRACE_H

#include "vmm.h"

void vmm_trace_free(struct vmm_vcpu *vcpu);
void vmm_trace_record_exit(struct vmm_vcpu *vcpu, const struct vmm_exit *exit);
void vmm_trace_record_inject(struct vmm_vcpu *vcpu, const struct vmm_event *ev);
void vmm_trace_dump(struct vmm_vcpu *vcpu, const char *why);

#endif /* VMM_TRACE_H */
