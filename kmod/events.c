// SPDX-License-Identifier: GPL-2.0
/*
 * Events for the guest: exceptions raised by emulation, NMIs (KVM_NMI) and
 * external interrupts from userspace's interrupt controller
 * (KVM_INTERRUPT). One event can be delivered per entry; before each entry
 * the most urgent one that may be taken is handed to the backend, and the
 * backend is asked for an exit when the guest opens for an interrupt
 * (RFLAGS.IF set, no interrupt shadow) or leaves its NMI handler (IRET).
 * Priorities as SDM vol. 3, 6.9: exceptions, then NMI, then INTR.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/uaccess.h>

#include "backend.h"
#include "trace.h"

void vmm_queue_exception(struct vmm_vcpu *vcpu, u8 vector, bool has_error,
			 u32 error)
{
	vcpu->exception = (struct vmm_event){
		.type = VMM_EVENT_EXCEPTION,
		.vector = vector,
		.has_error = has_error,
		.error = error,
	};
	vcpu->exception_pending = true;
}

void vmm_queue_page_fault(struct vmm_vcpu *vcpu, u64 linear, u32 error)
{
	vmm_queue_exception(vcpu, X86_VEC_PF, true, error);
	vcpu->exception.cr2 = linear;
}

/* KVM_INTERRUPT with userspace's interrupt controller: one vector waits
 * until the guest can take it (as KVM: -EEXIST while one still waits). */
long vmm_ioctl_interrupt(struct vmm_vcpu *vcpu, struct kvm_interrupt __user *arg)
{
	struct kvm_interrupt irq;

	if (copy_from_user(&irq, arg, sizeof(irq)))
		return -EFAULT;
	if (irq.irq >= 256)
		return -EINVAL;
	if (vcpu->irq_pending)
		return -EEXIST;
	vcpu->irq_vector = irq.irq;
	vcpu->irq_pending = true;
	return 0;
}

long vmm_ioctl_nmi(struct vmm_vcpu *vcpu)
{
	vcpu->nmi_pending = true;
	return 0;
}

/* kvm_run.ready_for_interrupt_injection: KVM_INTERRUPT now would be taken
 * at the next entry. */
bool vmm_ready_for_interrupt(struct vmm_vcpu *vcpu)
{
	return !vcpu->irq_pending && !vcpu->exception_pending &&
	       !vmm_backend->event_injection_busy(vcpu) &&
	       vmm_backend->interrupt_allowed(vcpu);
}

/* Right before entry (interrupts off). */
void vmm_inject_events(struct vmm_vcpu *vcpu)
{
	const struct vmm_backend *b = vmm_backend;
	struct vmm_event ev = { 0 };

	/* The IRET ending an NMI handler has run once RIP left it. */
	if (vcpu->nmi_awaiting_iret && vcpu->rip != vcpu->nmi_iret_rip) {
		vcpu->nmi_awaiting_iret = false;
		vcpu->nmi_masked = false;
	}
	if (!b->event_injection_busy(vcpu)) {
		if (vcpu->exception_pending) {
			b->inject_event(vcpu, &vcpu->exception);
			vmm_trace_record_inject(vcpu, &vcpu->exception);
			vcpu->exception_pending = false;
		} else if (vcpu->nmi_pending && !vcpu->nmi_masked) {
			/* NMIs stay blocked until the handler's IRET
			 * (SDM vol. 3, 6.7.1). */
			ev.type = VMM_EVENT_NMI;
			ev.vector = X86_VEC_NMI;
			b->inject_event(vcpu, &ev);
			vmm_trace_record_inject(vcpu, &ev);
			vcpu->nmi_pending = false;
			vcpu->nmi_masked = true;
		} else if (vcpu->irq_pending && b->interrupt_allowed(vcpu)) {
			ev.type = VMM_EVENT_INTR;
			ev.vector = vcpu->irq_vector;
			b->inject_event(vcpu, &ev);
			vmm_trace_record_inject(vcpu, &ev);
			vcpu->irq_pending = false;
		}
	}
	b->set_iret_exit(vcpu, vcpu->nmi_masked && !vcpu->nmi_awaiting_iret);
	/*
	 * An NMI waits for an IRET that exited but has not run: step over
	 * it. TF set before IRET raises a #DB trap right after it (SDM vol.
	 * 3, 17.3.1.4), and IRET loads RFLAGS from the stack, so the guest
	 * never sees our TF.
	 */
	if (vcpu->nmi_pending && vcpu->nmi_awaiting_iret &&
	    !vcpu->nmi_singlestep) {
		vcpu->rflags |= X86_RFLAGS_TF;
		vcpu->nmi_singlestep = true;
		b->set_db_exit(vcpu, true);
	}
	b->set_irq_window(vcpu, vcpu->irq_pending ||
				vcpu->run->request_interrupt_window);
}

void vmm_events_reset(struct vmm_vcpu *vcpu)
{
	vcpu->exception_pending = false;
	vcpu->irq_pending = false;
	vcpu->nmi_pending = false;
	vcpu->nmi_masked = false;
	vcpu->nmi_awaiting_iret = false;
	vcpu->nmi_singlestep = false;
}
