// SPDX-License-Identifier: GPL-2.0
/*
 * Model-specific registers: the guest's RDMSR/WRMSR (intercepted) and
 * userspace's KVM_GET/SET_MSRS go through one pair of functions. MSRs the
 * CPU itself switches on VMRUN/VMLOAD (EFER, the SYSCALL/SYSENTER set,
 * FS/GS bases, PAT) belong to the backend; the rest are emulated here.
 * An MSR nobody knows gives the guest #GP(0), as on hardware without it,
 * and a rate-limited log line saying which.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/ratelimit.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/msr.h>

#include "backend.h"

#define VMM_MAX_IO_MSRS 256 /* KVM's MAX_IO_MSRS */

/* MSR numbers: the kernel's names (asm/msr-index.h); SDM vol. 4, APM vol. 2
 * appendix A. The variable-range MTRRs are pairs from 0x200 (SDM vol. 3,
 * 11.11.2.3). */
#define MSR_MTRR_PHYS_BASE0 0x200

/* MTRRcap: 8 variable ranges, fixed ranges, write-combining (SDM vol. 3,
 * 11.11.1). The ranges are stored only: with nested paging the guest's
 * memory types come from its PAT and the host's mappings. */
#define MTRR_CAP_VALUE (VMM_NR_VAR_MTRRS | (1u << 8) | (1u << 10))
/* MISC_ENABLE at reset as KVM has it: no BTS, no PEBS. */
#define MISC_ENABLE_RESET ((1ull << 11) | (1ull << 12))
/* APIC base: BSP (8), enable (11), base (12+); no x2APIC (10). */
#define APIC_BASE_RESERVED 0x6ffull

/* What KVM_GET_MSR_INDEX_LIST lists: what userspace must save and restore
 * beyond sregs. */
static const u32 saved_msrs[] = {
	MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
	MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK, MSR_KERNEL_GS_BASE,
	MSR_IA32_TSC, MSR_IA32_CR_PAT, MSR_IA32_MISC_ENABLE, MSR_MTRRdefType,
	MSR_TSC_AUX,
};

long vmm_get_msr_index_list(struct kvm_msr_list __user *arg)
{
	struct kvm_msr_list hdr;
	u32 n = ARRAY_SIZE(saved_msrs);

	if (copy_from_user(&hdr, arg, sizeof(hdr)))
		return -EFAULT;
	/* As KVM: the count is written back even when it does not fit. */
	if (copy_to_user(&arg->nmsrs, &n, sizeof(n)))
		return -EFAULT;
	if (hdr.nmsrs < n)
		return -E2BIG;
	if (copy_to_user(arg->indices, saved_msrs, sizeof(saved_msrs)))
		return -EFAULT;
	return 0;
}

static int mtrr_fixed_slot(u32 index)
{
	if (index == MSR_MTRRfix64K_00000)
		return 0;
	if (index == MSR_MTRRfix16K_80000 || index == MSR_MTRRfix16K_A0000)
		return 1 + index - MSR_MTRRfix16K_80000;
	if (index >= MSR_MTRRfix4K_C0000 && index <= MSR_MTRRfix4K_F8000)
		return 3 + index - MSR_MTRRfix4K_C0000;
	return -1;
}

/* Memory types valid in PAT entries and MTRRs: UC WC WT WP WB (UC- in PAT
 * only). */
static bool valid_mem_type(u8 t, bool pat)
{
	return t == 0 || t == 1 || t == 4 || t == 5 || t == 6 || (pat && t == 7);
}

static bool valid_mtrr_bytes(u64 v)
{
	int i;

	for (i = 0; i < 8; i++)
		if (!valid_mem_type(v >> (8 * i), false))
			return false;
	return true;
}

/* 0, or -EINVAL for an MSR this vCPU does not have. */
static int get_msr(struct vmm_vcpu *vcpu, u32 index, u64 *data)
{
	struct vmm_msrs *m = &vcpu->msrs;
	int r, slot;

	r = vmm_backend->get_msr(vcpu, index, data);
	if (r != -ENOENT)
		return r;
	switch (index) {
	case MSR_IA32_TSC:
		*data = rdtsc() + m->tsc_offset;
		return 0;
	case MSR_IA32_APICBASE:
		*data = vcpu->apic_base;
		return 0;
	case MSR_IA32_UCODE_REV:
	case MSR_AMD64_SYSCFG:
	case MSR_K8_INT_PENDING_MSG: /* K8 C1E state: none (Linux reads it) */
	case MSR_IA32_DEBUGCTLMSR:
		*data = 0;
		return 0;
	case MSR_MTRRcap:
		*data = MTRR_CAP_VALUE;
		return 0;
	case MSR_MTRRdefType:
		*data = m->mtrr_def_type;
		return 0;
	case MSR_IA32_MISC_ENABLE:
		*data = m->misc_enable;
		return 0;
	case MSR_K7_HWCR:
		*data = m->hwcr;
		return 0;
	case MSR_AMD64_DE_CFG:
		*data = m->de_cfg;
		return 0;
	case MSR_TSC_AUX:
		*data = m->tsc_aux;
		return 0;
	}
	if (index >= MSR_MTRR_PHYS_BASE0 &&
	    index < MSR_MTRR_PHYS_BASE0 + 2 * VMM_NR_VAR_MTRRS) {
		*data = m->mtrr_var[index - MSR_MTRR_PHYS_BASE0];
		return 0;
	}
	slot = mtrr_fixed_slot(index);
	if (slot >= 0) {
		*data = m->mtrr_fixed[slot];
		return 0;
	}
	return -EINVAL;
}

void vmm_set_tsc(struct vmm_vcpu *vcpu, u64 guest_tsc)
{
	vcpu->msrs.tsc_offset = guest_tsc - rdtsc();
	vmm_backend->set_tsc_offset(vcpu, vcpu->msrs.tsc_offset);
}

/* 0, or -EINVAL: no such MSR, or a value the guest gets #GP for. */
static int set_msr(struct vmm_vcpu *vcpu, u32 index, u64 data)
{
	struct vmm_msrs *m = &vcpu->msrs;
	int r, slot;

	r = vmm_backend->set_msr(vcpu, index, data);
	if (r != -ENOENT)
		return r;
	switch (index) {
	case MSR_IA32_TSC:
		vmm_set_tsc(vcpu, data);
		return 0;
	case MSR_IA32_APICBASE:
		if (data & APIC_BASE_RESERVED)
			return -EINVAL;
		vcpu->apic_base = data;
		return 0;
	case MSR_IA32_UCODE_REV:  /* software writes 0 before CPUID (SDM 9.11.7) */
	case MSR_AMD64_SYSCFG:
		return 0;
	case MSR_IA32_DEBUGCTLMSR:   /* no LBR/BTF support: only 0 */
		return data ? -EINVAL : 0;
	case MSR_MTRRcap:   /* read-only, for userspace too (as KVM) */
		return -EINVAL;
	case MSR_MTRRdefType:
		/* type (7:0), FE (10), E (11) */
		if ((data & ~0xcffull) || !valid_mem_type(data, false))
			return -EINVAL;
		m->mtrr_def_type = data;
		return 0;
	case MSR_IA32_MISC_ENABLE:
		m->misc_enable = data;
		return 0;
	case MSR_K7_HWCR:
		m->hwcr = data;
		return 0;
	case MSR_AMD64_DE_CFG:
		m->de_cfg = data;
		return 0;
	case MSR_TSC_AUX:
		/* AMD CPUs ignore bits 63:32 (they read as 0) where Intel's
		 * reserve them; KVM drops them for a guest on AMD, and so do
		 * we (only AMD hosts here). */
		m->tsc_aux = (u32)data;
		return 0;
	}
	if (index >= MSR_MTRR_PHYS_BASE0 &&
	    index < MSR_MTRR_PHYS_BASE0 + 2 * VMM_NR_VAR_MTRRS) {
		/* PHYSBASE: type 7:0, 11:8 reserved; PHYSMASK: 10:0
		 * reserved, valid bit 11; both: bits from MAXPHYADDR up
		 * reserved (SDM vol. 3, 11.11.2.3). */
		u64 reserved = ~0ull << vmm_guest_maxphyaddr(vcpu);

		reserved |= (index & 1) ? 0x7ffull : 0xf00ull;
		if ((data & reserved) ||
		    (!(index & 1) && !valid_mem_type(data, false)))
			return -EINVAL;
		m->mtrr_var[index - MSR_MTRR_PHYS_BASE0] = data;
		return 0;
	}
	slot = mtrr_fixed_slot(index);
	if (slot >= 0) {
		if (!valid_mtrr_bytes(data))
			return -EINVAL;
		m->mtrr_fixed[slot] = data;
		return 0;
	}
	return -EINVAL;
}

void vmm_msrs_reset(struct vmm_vcpu *vcpu)
{
	struct vmm_msrs *m = &vcpu->msrs;
	u64 tsc_offset = m->tsc_offset;
	u64 tsc_aux = m->tsc_aux;

	memset(m, 0, sizeof(*m));
	m->tsc_aux = tsc_aux; /* kept across INIT, as in KVM */
	m->misc_enable = MISC_ENABLE_RESET;
	m->tsc_offset = tsc_offset; /* the TSC keeps counting across INIT */
}

/* KVM_GET_MSRS / KVM_SET_MSRS: the number of MSRs done, stopping at the
 * first one that fails (KVM's contract). */
long vmm_msrs_ioctl(struct vmm_vcpu *vcpu, struct kvm_msrs __user *arg,
		    bool set)
{
	struct kvm_msrs hdr;
	struct kvm_msr_entry *e;
	u32 i;
	long r;

	if (copy_from_user(&hdr, arg, sizeof(hdr)))
		return -EFAULT;
	if (hdr.nmsrs >= VMM_MAX_IO_MSRS)
		return -E2BIG;
	e = memdup_user(arg->entries, hdr.nmsrs * sizeof(*e));
	if (IS_ERR(e))
		return PTR_ERR(e);
	for (i = 0; i < hdr.nmsrs; i++) {
		if (set ? set_msr(vcpu, e[i].index, e[i].data)
			: get_msr(vcpu, e[i].index, &e[i].data))
			break;
	}
	r = i;
	if (!set && copy_to_user(arg->entries, e, i * sizeof(*e)))
		r = -EFAULT;
	kfree(e);
	return r;
}

/* Any guest can make these: at most 5 lines a minute for all VMs. */
static DEFINE_RATELIMIT_STATE(msr_log_limit, 60 * HZ, 5);

/* The guest's RDMSR/WRMSR: ECX the index, EDX:EAX the value. */
int vmm_handle_msr(struct vmm_vcpu *vcpu, const struct vmm_exit *exit)
{
	u64 *g = vcpu->gprs;
	u32 index = exit->msr.index;
	u64 data;

	/* Userspace may always save and restore it; the guest only with
	 * RDTSCP or RDPID in its CPUID (as KVM). */
	if (index == MSR_TSC_AUX && !vmm_guest_has_tsc_aux(vcpu)) {
		vmm_queue_exception(vcpu, X86_VEC_GP, true, 0);
		return 1;
	}

	if (exit->msr.write) {
		data = (g[GPR_RDX] << 32) | (u32)g[GPR_RAX];
		if (set_msr(vcpu, index, data)) {
			if (__ratelimit(&msr_log_limit))
				pr_info("vcpu %u: wrmsr %#x <- %#llx: #GP\n",
					vcpu->id, index, data);
			vmm_queue_exception(vcpu, X86_VEC_GP, true, 0);
			return 1;
		}
	} else {
		if (get_msr(vcpu, index, &data)) {
			if (__ratelimit(&msr_log_limit))
				pr_info("vcpu %u: rdmsr %#x: #GP\n",
					vcpu->id, index);
			vmm_queue_exception(vcpu, X86_VEC_GP, true, 0);
			return 1;
		}
		g[GPR_RAX] = (u32)data;
		g[GPR_RDX] = data >> 32;
	}
	vcpu->rip = exit->msr.next_rip;
	return 1;
}
