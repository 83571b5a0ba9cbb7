// SPDX-License-Identifier: GPL-2.0
/*
 * TSC_AUX, what RDTSCP and RDPID read. The CPU does not switch it on VMRUN
 * and RDPID cannot be intercepted on SVM, so the guest would read the
 * host's value: Linux keeps the CPU and node number there (the vDSO's
 * getcpu() uses it), which must neither leak into the guest nor be changed
 * under the host's own programs.
 *
 * The guest's value is written right before entry when the CPU does not
 * hold it already, and the host's comes back only when this CPU next
 * returns to user mode (a user-return notifier), so the exits handled in
 * the kernel cost no MSR write. Whatever runs on the CPU in between is
 * kernel code, which never reads TSC_AUX for itself.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/percpu.h>
#include <linux/user-return-notifier.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>

#include "backend.h"

struct tsc_aux_cpu {
	struct user_return_notifier urn;
	bool registered;  /* the guest's value may be in the CPU */
	bool host_known;
	u64 host;
	u64 current_value;
};

static DEFINE_PER_CPU(struct tsc_aux_cpu, tsc_aux_cpu);

static bool have_tsc_aux(void)
{
	return boot_cpu_has(X86_FEATURE_RDTSCP) || boot_cpu_has(X86_FEATURE_RDPID);
}

static void restore_host(struct tsc_aux_cpu *t)
{
	user_return_notifier_unregister(&t->urn);
	t->registered = false;
	if (t->current_value != t->host)
		wrmsrl(MSR_TSC_AUX, t->host);
	t->current_value = t->host;
}

static void on_user_return(struct user_return_notifier *urn)
{
	struct tsc_aux_cpu *t = container_of(urn, struct tsc_aux_cpu, urn);
	unsigned long flags;

	local_irq_save(flags);
	if (t->registered)
		restore_host(t);
	local_irq_restore(flags);
}

/* Before entry: preemption and interrupts off. */
void vmm_load_guest_tsc_aux(struct vmm_vcpu *vcpu)
{
	struct tsc_aux_cpu *t = this_cpu_ptr(&tsc_aux_cpu);
	u64 guest = vcpu->msrs.tsc_aux;

	if (!have_tsc_aux())
		return;
	if (!t->host_known) {
		/* Not registered yet: the CPU holds the host's value, which
		 * the kernel sets once when the CPU comes up. */
		rdmsrl(MSR_TSC_AUX, t->host);
		t->current_value = t->host;
		t->host_known = true;
	}
	if (guest == t->current_value)
		return;
	wrmsrl(MSR_TSC_AUX, guest);
	t->current_value = guest;
	if (!t->registered) {
		t->urn.on_user_return = on_user_return;
		user_return_notifier_register(&t->urn);
		t->registered = true;
	}
}

/* Virtualization goes off on this CPU (the last VM is gone, the CPU goes
 * offline, the module unloads): no notifier may stay behind. Interrupts
 * off (IPI or hotplug callback). */
void vmm_tsc_aux_cpu_down(void)
{
	struct tsc_aux_cpu *t = this_cpu_ptr(&tsc_aux_cpu);

	if (t->registered)
		restore_host(t);
	t->host_known = false;
}
