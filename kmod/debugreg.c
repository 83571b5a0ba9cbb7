// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's debug registers. DR6 and DR7 are in the backend's control
 * block and switched by the CPU on every entry and exit; DR0-DR3 are not
 * (AMD APM vol. 2, 15.5.1 lists what VMRUN and #VMEXIT load). Left alone, a
 * guest would read the host's DR0-3 (host addresses, a debugger's
 * breakpoints on the VMM thread) and its own writes would be lost to the
 * host's.
 *
 * So the guest's DR0-3 are in the CPU whenever it runs: written before
 * entry where the CPU holds something else, read back after the exit. Its
 * MOV DR instructions run natively (the CPU's own checks: #GP for reserved
 * bits, #UD for DR4/5 with CR4.DE, DR7.GD's #DB). The host's breakpoints
 * come back after the exit when it has any.
 *
 * KVM instead intercepts DR accesses until the guest first uses them; that
 * saves the four reads per exit, but under QEMU's software SVM the switch
 * from intercepted to native accesses coincided with wedged host CPUs in
 * the ioctl fuzzer (not root-caused; the V_INTR_MASKING loss fixed in svm.c
 * may have been the cause), so the simpler scheme stays until it is shown
 * safe there.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/hw_breakpoint.h>
#include <linux/uaccess.h>
#include <asm/debugreg.h>

#include "backend.h"

void vmm_debugregs_reset(struct vmm_vcpu *vcpu)
{
	memset(vcpu->db, 0, sizeof(vcpu->db));
}

/* DR n (0-3) holds `value` from here on; written only where it holds
 * something else, as debug-register writes are slow. */
#define LOAD_DR(n, value)						\
	do {								\
		unsigned long now_;					\
									\
		get_debugreg(now_, n);					\
		if (now_ != (value))					\
			set_debugreg((value), n);			\
	} while (0)

/* Right before entry, interrupts off. */
void vmm_load_guest_debugregs(struct vmm_vcpu *vcpu)
{
	/* Host breakpoints must not fire on the guest's addresses in the
	 * few host instructions left before VMRUN loads the guest's DR7. */
	if (hw_breakpoint_active())
		set_debugreg(0, 7);
	LOAD_DR(0, vcpu->db[0]);
	LOAD_DR(1, vcpu->db[1]);
	LOAD_DR(2, vcpu->db[2]);
	LOAD_DR(3, vcpu->db[3]);
}

/* Right after the exit, interrupts off. */
void vmm_load_host_debugregs(struct vmm_vcpu *vcpu)
{
	get_debugreg(vcpu->db[0], 0);
	get_debugreg(vcpu->db[1], 1);
	get_debugreg(vcpu->db[2], 2);
	get_debugreg(vcpu->db[3], 3);
	/*
	 * The exit left DR7 at its reset value: no breakpoint is armed, so
	 * the guest's DR0-3 may stay in the CPU (nobody reads them: the next
	 * guest gets its own loaded, the host's breakpoint code writes the
	 * address registers it arms). Only a host with breakpoints of its
	 * own needs them back, as in KVM.
	 */
	if (hw_breakpoint_active())
		hw_breakpoint_restore();
}

/* KVM_GET/SET_DEBUGREGS. As KVM: flags must be 0 and DR6/DR7 bits 63:32
 * are reserved (SDM vol. 3, 18.2.4/18.2.5: writing them is #GP). */
long vmm_debugregs_ioctl(struct vmm_vcpu *vcpu, unsigned int ioctl,
			 void __user *argp)
{
	struct kvm_debugregs d;

	if (ioctl == KVM_GET_DEBUGREGS) {
		memset(&d, 0, sizeof(d));
		memcpy(d.db, vcpu->db, sizeof(d.db));
		vmm_backend->get_dr67(vcpu, &d.dr6, &d.dr7);
		return copy_to_user(argp, &d, sizeof(d)) ? -EFAULT : 0;
	}
	if (copy_from_user(&d, argp, sizeof(d)))
		return -EFAULT;
	if (d.flags || (d.dr6 >> 32) || (d.dr7 >> 32))
		return -EINVAL;
	memcpy(vcpu->db, d.db, sizeof(vcpu->db));
	vmm_backend->set_dr67(vcpu, d.dr6, d.dr7);
	return 0;
}
