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
	vcpu->exception_injected = false;
}

void vmm_queue_page_fault(struct vmm_vcpu *vcpu, u64 linear, u32 error)
{
	vmm_queue_exception(vcpu, X86_VEC_PF, true, error);
	vcpu->exception.cr2 = linear;
	vcpu->exception.has_payload = true;
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
		} else if (vcpu->nmi_injected) {
			/* Its delivery had begun (KVM_SET_VCPU_EVENTS): redone
			 * whatever the blocking, which it set itself. */
			ev.type = VMM_EVENT_NMI;
			ev.vector = X86_VEC_NMI;
			b->inject_event(vcpu, &ev);
			vmm_trace_record_inject(vcpu, &ev);
			vcpu->nmi_injected = false;
			vcpu->nmi_masked = true;
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
	vcpu->exception_injected = false;
	vcpu->irq_pending = false;
	vcpu->nmi_pending = false;
	vcpu->nmi_injected = false;
	vcpu->nmi_masked = false;
	vcpu->nmi_awaiting_iret = false;
	vcpu->nmi_singlestep = false;
}

/*
 * Are NMIs blocked? Until the handler's IRET has run: an IRET that exited
 * but has not run yet still blocks, one that ran (RIP moved on) no longer
 * does, though vmm_inject_events() only notes that at the next entry (KVM
 * notes it at the exit: svm_complete_interrupts()).
 */
static bool nmi_blocked(const struct vmm_vcpu *vcpu)
{
	if (vcpu->nmi_awaiting_iret && vcpu->rip != vcpu->nmi_iret_rip)
		return false;
	return vcpu->nmi_masked;
}

/*
 * KVM_GET_VCPU_EVENTS (api.rst 4.31), as KVM 6.1 reports it without
 * KVM_CAP_EXCEPTION_PAYLOAD: an exception, an interrupt and an NMI, each
 * "injected" when its delivery had begun (an exit interrupted it: the event
 * waits in the backend's injection field for the next entry) or when
 * userspace or emulation queued it. Without the payload capability KVM
 * conflates: a queued exception is reported injected (and pending, if it
 * has not begun), and a #PF's address is put into CR2 now, so that
 * userspace saving the state saves it. A soft interrupt or exception (INT
 * n, INT3, INTO) is never reported: RIP is still on the instruction, which
 * raises it again. SMM and the SIPI vector are not there (no SMM, no
 * in-kernel LAPIC), so their flags are not set: the fields are not valid.
 */
long vmm_get_vcpu_events(struct vmm_vcpu *vcpu,
			 struct kvm_vcpu_events __user *arg)
{
	const struct vmm_backend *b = vmm_backend;
	struct kvm_vcpu_events e;
	struct vmm_event inj;
	bool has_inj = b->get_injected_event(vcpu, &inj);

	memset(&e, 0, sizeof(e));
	/* One exception fits: the one being delivered comes first (a second,
	 * queued behind it, would have been merged by a real CPU). */
	if (has_inj && inj.type == VMM_EVENT_EXCEPTION) {
		e.exception.injected = 1;
		e.exception.nr = inj.vector;
		e.exception.has_error_code = inj.has_error;
		e.exception.error_code = inj.error;
	} else if (vcpu->exception_pending) {
		struct vmm_event *ex = &vcpu->exception;

		if (ex->has_payload) {
			b->set_cr2(vcpu, ex->cr2);
			ex->has_payload = false;
		}
		e.exception.injected = 1;
		e.exception.pending = !vcpu->exception_injected;
		e.exception.nr = ex->vector;
		e.exception.has_error_code = ex->has_error;
		e.exception.error_code = ex->error;
	}

	if (has_inj && inj.type == VMM_EVENT_INTR) {
		e.interrupt.injected = 1;
		e.interrupt.nr = inj.vector;
	} else if (vcpu->irq_pending) {
		e.interrupt.injected = 1;
		e.interrupt.nr = vcpu->irq_vector;
	}
	e.interrupt.shadow = b->get_interrupt_shadow(vcpu);

	e.nmi.injected = (has_inj && inj.type == VMM_EVENT_NMI) ||
			 vcpu->nmi_injected;
	e.nmi.pending = vcpu->nmi_pending;
	e.nmi.masked = nmi_blocked(vcpu);

	e.flags = KVM_VCPUEVENT_VALID_NMI_PENDING | KVM_VCPUEVENT_VALID_SHADOW;
	return copy_to_user(arg, &e, sizeof(e)) ? -EFAULT : 0;
}

/* The flags KVM 6.1 knows; any other is -EINVAL. */
#define VCPUEVENT_KNOWN_FLAGS (KVM_VCPUEVENT_VALID_NMI_PENDING |  \
			       KVM_VCPUEVENT_VALID_SIPI_VECTOR |  \
			       KVM_VCPUEVENT_VALID_SHADOW |       \
			       KVM_VCPUEVENT_VALID_SMM |          \
			       KVM_VCPUEVENT_VALID_PAYLOAD |      \
			       KVM_VCPUEVENT_VALID_TRIPLE_FAULT)

/*
 * KVM_SET_VCPU_EVENTS, with KVM 6.1's rules (kvm_vcpu_ioctl_x86_set_vcpu_
 * events): unknown flags, a payload (KVM_CAP_EXCEPTION_PAYLOAD is never
 * enabled here) and a triple-fault event (KVM_CAP_X86_TRIPLE_FAULT_EVENT,
 * likewise) are -EINVAL; without the payload capability exception.pending
 * is ignored; an injected exception must be a vector 0..31 other than NMI.
 * Reserved fields and pads are not checked (KVM does not). Without SMM,
 * VALID_SMM is accepted only saying "not in SMM, none pending" (what KVM
 * built without SMM accepts); without an in-kernel LAPIC the SIPI vector
 * and the latched INIT mean nothing and are ignored, as in KVM. Everything
 * is checked before anything changes.
 *
 * What was waiting is replaced: an injected exception or NMI is delivered
 * at the next entry whatever the guest's blocking (its delivery had
 * begun); an injected interrupt waits for RFLAGS.IF and no shadow, as
 * KVM_INTERRUPT's does here (one taken from an interrupted delivery always
 * has them). A soft one is dropped: KVM never reports one, and the INT n
 * it came from runs again.
 */
long vmm_set_vcpu_events(struct vmm_vcpu *vcpu,
			 struct kvm_vcpu_events __user *arg)
{
	const struct vmm_backend *b = vmm_backend;
	struct kvm_vcpu_events e;

	if (copy_from_user(&e, arg, sizeof(e)))
		return -EFAULT;
	if (e.flags & ~VCPUEVENT_KNOWN_FLAGS)
		return -EINVAL;
	if (e.flags & (KVM_VCPUEVENT_VALID_PAYLOAD |
		       KVM_VCPUEVENT_VALID_TRIPLE_FAULT))
		return -EINVAL;
	if (e.exception.injected &&
	    (e.exception.nr > 31 || e.exception.nr == X86_VEC_NMI))
		return -EINVAL;
	if ((e.flags & KVM_VCPUEVENT_VALID_SMM) &&
	    (e.smi.smm || e.smi.pending || e.smi.smm_inside_nmi))
		return -EINVAL;

	b->cancel_injected_event(vcpu);
	vcpu->exception_pending = e.exception.injected;
	vcpu->exception_injected = true;
	vcpu->exception = (struct vmm_event){
		.type = VMM_EVENT_EXCEPTION,
		.vector = e.exception.nr,
		.has_error = e.exception.has_error_code,
		.error = e.exception.error_code,
	};

	vcpu->irq_pending = e.interrupt.injected && !e.interrupt.soft;
	vcpu->irq_vector = e.interrupt.nr;
	if (e.flags & KVM_VCPUEVENT_VALID_SHADOW)
		b->set_interrupt_shadow(vcpu, e.interrupt.shadow != 0);

	vcpu->nmi_injected = e.nmi.injected;
	if (e.flags & KVM_VCPUEVENT_VALID_NMI_PENDING)
		vcpu->nmi_pending = e.nmi.pending;
	/* Blocking set anew starts a handler whose IRET is still to come;
	 * blocking kept as it was keeps the IRET already seen. */
	if (!e.nmi.masked) {
		vcpu->nmi_masked = false;
		vcpu->nmi_awaiting_iret = false;
	} else if (!nmi_blocked(vcpu)) {
		vcpu->nmi_masked = true;
		vcpu->nmi_awaiting_iret = false;
	}
	return 0;
}
