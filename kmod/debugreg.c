// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's debug registers. DR6 and DR7 are in the backend's control
 * block and switched by the CPU on every entry and exit; DR0-DR3 are not
 * (AMD APM vol. 2, 15.5.1 lists what VMRUN and #VMEXIT load). Left alone, a
 * guest writing DR0-DR3 would move the host's breakpoints (and a debugger's
 * on the VMM thread), and reading them would show it host addresses.
 *
 * So every MOV to or from a debug register exits, until the guest touches
 * one: then its DR0-DR3 are loaded around the next entry, the intercepts
 * are dropped so the instruction runs natively (with the CPU's own checks:
 * #GP for reserved bits, #UD for DR4/5 with CR4.DE, DR7.GD's #DB), and at
 * that entry's exit the values are saved, the host's breakpoints come back
 * and the intercepts are set again. A guest that never uses its debug
 * registers pays nothing; one that does pays one exit per burst of use.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/hw_breakpoint.h>
#include <linux/uaccess.h>
#include <asm/debugreg.h>

#include "backend.h"

void vmm_debugregs_reset(struct vmm_vcpu *vcpu)
{
	memset(vcpu->db, 0, sizeof(vcpu->db));
	vcpu->dr_passthrough = false;
	vmm_backend->set_dr_exits(vcpu, true);
}

/* A MOV to/from DRn exited: run it natively at the next entry. */
int vmm_handle_dr_access(struct vmm_vcpu *vcpu)
{
	vcpu->dr_passthrough = true;
	vmm_backend->set_dr_exits(vcpu, false);
	return 1; /* RIP stays: the instruction runs again, in the guest */
}

/* Right before entry, interrupts off. */
void vmm_load_guest_debugregs(struct vmm_vcpu *vcpu)
{
	if (!vcpu->dr_passthrough)
		return;
	/* Host breakpoints must not fire on the guest's addresses in the
	 * few host instructions left before VMRUN loads the guest's DR7. */
	if (hw_breakpoint_active())
		set_debugreg(0, 7);
	set_debugreg(vcpu->db[0], 0);
	set_debugreg(vcpu->db[1], 1);
	set_debugreg(vcpu->db[2], 2);
	set_debugreg(vcpu->db[3], 3);
}

/* Right after the exit, interrupts off. */
void vmm_load_host_debugregs(struct vmm_vcpu *vcpu)
{
	bool restore = hw_breakpoint_active();

	if (vcpu->dr_passthrough) {
		get_debugreg(vcpu->db[0], 0);
		get_debugreg(vcpu->db[1], 1);
		get_debugreg(vcpu->db[2], 2);
		get_debugreg(vcpu->db[3], 3);
		vcpu->dr_passthrough = false;
		vmm_backend->set_dr_exits(vcpu, true);
		restore = true;
	}
	/* The exit left DR7 at its reset value (no breakpoints) and maybe
	 * the guest's DR0-3 and DR6 in the CPU: give the host its own. */
	if (restore)
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
