// SPDX-License-Identifier: GPL-2.0
/*
 * CPUID: what the guest may be shown (KVM_GET_SUPPORTED_CPUID), the table
 * userspace picks from that (KVM_SET_CPUID2), and the guest's CPUID
 * instructions, answered from that table in the kernel without a trip to
 * userspace.
 *
 * The supported table is the host's CPUID filtered down to what a guest can
 * use under this module: no SVM/VMX (no nested virtualization), no
 * MONITOR/MWAIT (intercepted), no x2APIC or TSC deadline (no in-kernel
 * APIC), no PMU, no machine-check architecture (no MCE MSRs emulated), no
 * RDTSCP/RDPID (TSC_AUX is not switched), no speculation-control MSRs, no
 * XSAVES (IA32_XSS is not switched), and XSAVE limited to x87/SSE/AVX and
 * PKRU state. PKU is offered when the host itself runs with it (OSPKE):
 * PKRU is switched around VMRUN (fpu.c).
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/fpu/xcr.h>
#include <asm/processor.h>

#include "backend.h"
#include "x86/cregs.h"

#define VMM_MAX_CPUID_ENTRIES 256 /* KVM_MAX_CPUID_ENTRIES */
#define BIT32(n) (1u << (n))

/* XCR0 bits (SDM vol. 1, 13.3): x87, SSE, AVX, PKRU (9). */
#define XFEATURE_PKRU (1ull << 9)
#define XFEATURES_GUEST (0x7ull | XFEATURE_PKRU)

/* CPUID.1:ECX (SDM vol. 2A, Table 3-10) */
#define LEAF1_ECX_KEEP (BIT32(0) /* SSE3 */ | BIT32(1) /* PCLMULQDQ */ | \
	BIT32(9) /* SSSE3 */ | BIT32(12) /* FMA */ | BIT32(13) /* CX16 */ | \
	BIT32(19) /* SSE4.1 */ | BIT32(20) /* SSE4.2 */ | BIT32(22) /* MOVBE */ | \
	BIT32(23) /* POPCNT */ | BIT32(25) /* AES */ | BIT32(26) /* XSAVE */ | \
	BIT32(28) /* AVX */ | BIT32(29) /* F16C */ | BIT32(30) /* RDRAND */)
#define LEAF1_ECX_VMX BIT32(5)
#define LEAF1_ECX_PCID BIT32(17)
#define LEAF1_ECX_XSAVE BIT32(26)
#define LEAF1_ECX_OSXSAVE BIT32(27)
#define LEAF1_ECX_AVX BIT32(28)
#define LEAF1_ECX_HYPERVISOR BIT32(31)
/* CPUID.1:EDX (Table 3-11): MCE (7) and MCA (14) left out. */
#define LEAF1_EDX_KEEP (BIT32(0) /* FPU */ | BIT32(1) /* VME */ | \
	BIT32(2) /* DE */ | BIT32(3) /* PSE */ | BIT32(4) /* TSC */ | \
	BIT32(5) /* MSR */ | BIT32(6) /* PAE */ | BIT32(8) /* CX8 */ | \
	BIT32(9) /* APIC */ | BIT32(11) /* SEP */ | BIT32(12) /* MTRR */ | \
	BIT32(13) /* PGE */ | BIT32(15) /* CMOV */ | BIT32(16) /* PAT */ | \
	BIT32(17) /* PSE-36 */ | BIT32(19) /* CLFSH */ | BIT32(23) /* MMX */ | \
	BIT32(24) /* FXSR */ | BIT32(25) /* SSE */ | BIT32(26) /* SSE2 */)
#define LEAF1_EDX_APIC BIT32(9)
/* CPUID.(7,0):EBX (Table 3-8) */
#define LEAF7_EBX_KEEP (BIT32(0) /* FSGSBASE */ | BIT32(3) /* BMI1 */ | \
	BIT32(5) /* AVX2 */ | BIT32(7) /* SMEP */ | BIT32(8) /* BMI2 */ | \
	BIT32(9) /* ERMS */ | BIT32(18) /* RDSEED */ | BIT32(19) /* ADX */ | \
	BIT32(20) /* SMAP */ | BIT32(23) /* CLFLUSHOPT */ | \
	BIT32(24) /* CLWB */ | BIT32(29) /* SHA */)
#define LEAF7_EBX_AVX2 BIT32(5)
#define LEAF7_EBX_FSGSBASE BIT32(0)
#define LEAF7_EBX_SMEP BIT32(7)
#define LEAF7_EBX_SMAP BIT32(20)
#define LEAF7_ECX_KEEP (BIT32(9) /* VAES */ | BIT32(10) /* VPCLMULQDQ */)
#define LEAF7_ECX_UMIP BIT32(2)
#define LEAF7_ECX_PKU BIT32(3)
#define LEAF7_ECX_OSPKE BIT32(4)
#define LEAF7_ECX_LA57 BIT32(16)
#define LEAF7_EDX_KEEP (BIT32(4) /* FSRM */)
/* CPUID.(0xd,1):EAX: XSAVEOPT, XSAVEC, XGETBV with ECX=1; not XSAVES. */
#define LEAFD1_EAX_KEEP (BIT32(0) | BIT32(1) | BIT32(2))
/* CPUID.80000001h:ECX (APM vol. 3, E.4.2) */
#define LEAF81_ECX_KEEP (BIT32(0) /* LahfSahf */ | BIT32(5) /* ABM */ | \
	BIT32(6) /* SSE4A */ | BIT32(7) /* MisAlignSse */ | \
	BIT32(8) /* 3DNowPrefetch */ | BIT32(11) /* XOP */ | \
	BIT32(16) /* FMA4 */ | BIT32(21) /* TBM */)
/* CPUID.80000001h:EDX: the leaf-1 bits AMD mirrors, plus SYSCALL, NX,
 * MmxExt, FFXSR, Page1GB, LM, 3DNow!; not RDTSCP (27). */
#define LEAF81_EDX_KEEP ((LEAF1_EDX_KEEP & ~(BIT32(11) | BIT32(19) | \
					     BIT32(25) | BIT32(26))) | \
	BIT32(11) /* SYSCALL */ | BIT32(20) /* NX */ | BIT32(22) /* MmxExt */ | \
	BIT32(25) /* FFXSR */ | BIT32(26) /* Page1GB */ | BIT32(29) /* LM */ | \
	BIT32(30) /* 3DNowExt */ | BIT32(31) /* 3DNow */)

#define APIC_BASE_ENABLE (1ull << 11)

static u64 host_xcr0(void)
{
	return boot_cpu_has(X86_FEATURE_OSXSAVE) ? xgetbv(XCR_XFEATURE_ENABLED_MASK) : 0;
}

/* The host runs with protection keys: PKRU can be switched (fpu.c). */
static bool host_pku(void)
{
	return boot_cpu_has(X86_FEATURE_OSPKE);
}

/* The XCR0 bits a guest may set: x87/SSE/AVX that the host has on, and
 * PKRU with PKU (the host's XCR0 has it only with OSPKE). */
u64 vmm_supported_xcr0(void)
{
	u64 mask = XFEATURES_GUEST;

	if (!host_pku())
		mask &= ~XFEATURE_PKRU;
	return boot_cpu_has(X86_FEATURE_XSAVE) ? host_xcr0() & mask : 0;
}

struct cpuid_builder {
	struct kvm_cpuid_entry2 *e;
	u32 n, max;
};

static struct kvm_cpuid_entry2 *add(struct cpuid_builder *b, u32 function,
				    u32 index, bool indexed)
{
	struct kvm_cpuid_entry2 *e;

	if (b->n == b->max)
		return NULL;
	e = &b->e[b->n++];
	memset(e, 0, sizeof(*e));
	e->function = function;
	e->index = index;
	e->flags = indexed ? KVM_CPUID_FLAG_SIGNIFCANT_INDEX : 0;
	cpuid_count(function, index, &e->eax, &e->ebx, &e->ecx, &e->edx);
	return e;
}

/* XSAVE area size, standard format, for the features in xcr0: the legacy
 * area and header (512 + 64), then each component at its offset
 * (CPUID.(0xd,i):EBX) for its size (EAX). */
static u32 xsave_size(u64 xcr0, u32 (*component)(u32 i, u32 *offset, void *),
		      void *ctx)
{
	u32 size = 576, i, offset, len;

	for (i = 2; i < 63; i++) {
		if (!(xcr0 & (1ull << i)))
			continue;
		len = component(i, &offset, ctx);
		size = max(size, offset + len);
	}
	return size;
}

static u32 host_component(u32 i, u32 *offset, void *unused)
{
	u32 eax, ebx, ecx, edx;

	cpuid_count(0xd, i, &eax, &ebx, &ecx, &edx);
	*offset = ebx;
	return eax;
}

/* Fills b; -E2BIG if it does not fit. */
static int build_supported(struct cpuid_builder *b)
{
	u64 xcr0 = vmm_supported_xcr0();
	struct kvm_cpuid_entry2 *e;
	u32 max_basic, max_ext, leaf, i;

#define ADD(f, i, indexed) do { e = add(b, f, i, indexed); if (!e) return -E2BIG; } while (0)
	ADD(0, 0, false);
	max_basic = min_t(u32, e->eax, 0xd);
	e->eax = max_basic;

	ADD(1, 0, false);
	/* The APIC ID (31:24) and logical-processor count are userspace's
	 * to describe; brand index and CLFLUSH size stay. */
	e->ebx = (e->ebx & 0xffff) | (1u << 16);
	e->ecx = (e->ecx & LEAF1_ECX_KEEP) | LEAF1_ECX_HYPERVISOR;
	if (!xcr0)
		e->ecx &= ~(LEAF1_ECX_XSAVE | LEAF1_ECX_AVX);
	else if (!(xcr0 & 4))
		e->ecx &= ~LEAF1_ECX_AVX;
	e->edx &= LEAF1_EDX_KEEP;

	if (max_basic >= 7) {
		ADD(7, 0, true);
		e->eax = 0; /* only subleaf 0 */
		e->ebx &= LEAF7_EBX_KEEP;
		if (!(xcr0 & 4))
			e->ebx &= ~LEAF7_EBX_AVX2;
		e->ecx &= LEAF7_ECX_KEEP | (host_pku() ? LEAF7_ECX_PKU : 0);
		e->edx &= LEAF7_EDX_KEEP;
	}
	if (max_basic >= 0xd && xcr0) {
		ADD(0xd, 0, true);
		e->eax = (u32)xcr0;
		e->edx = (u32)(xcr0 >> 32);
		e->ecx = xsave_size(xcr0, host_component, NULL);
		e->ebx = e->ecx;
		ADD(0xd, 1, true);
		e->eax &= LEAFD1_EAX_KEEP;
		e->ebx = e->ecx = e->edx = 0;
		for (i = 2; i < 63; i++) {
			if (xcr0 & (1ull << i))
				ADD(0xd, i, true);
		}
	}

	ADD(0x80000000, 0, false);
	max_ext = min_t(u32, e->eax, 0x80000008);
	e->eax = max_ext;
	for (leaf = 0x80000001; leaf <= max_ext; leaf++) {
		switch (leaf) {
		case 0x80000001:
			ADD(leaf, 0, false);
			e->ecx &= LEAF81_ECX_KEEP;
			e->edx &= LEAF81_EDX_KEEP;
			break;
		case 0x80000002 ... 0x80000006: /* brand string, caches */
			ADD(leaf, 0, false);
			break;
		case 0x80000008:
			/* Address sizes only: no spec-ctrl bits, one core. */
			ADD(leaf, 0, false);
			e->ebx = e->ecx = e->edx = 0;
			break;
		default:
			break;
		}
	}
#undef ADD
	return 0;
}

long vmm_get_supported_cpuid(struct kvm_cpuid2 __user *arg)
{
	struct kvm_cpuid2 hdr;
	struct cpuid_builder b = { 0 };
	long r;

	if (copy_from_user(&hdr, arg, sizeof(hdr)))
		return -EFAULT;
	if (hdr.nent < 1)
		return -E2BIG;
	b.max = min_t(u32, hdr.nent, VMM_MAX_CPUID_ENTRIES);
	b.e = kvcalloc(b.max, sizeof(*b.e), GFP_KERNEL);
	if (!b.e)
		return -ENOMEM;
	r = build_supported(&b);
	if (!r) {
		hdr.nent = b.n;
		if (copy_to_user(arg->entries, b.e, b.n * sizeof(*b.e)) ||
		    copy_to_user(arg, &hdr, sizeof(hdr)))
			r = -EFAULT;
	}
	kvfree(b.e);
	return r;
}

/* KVM's check of a new table: the linear-address width (leaf 0x80000008
 * EAX[15:8]) is 48 or 57 bits, or 0 for "not given". */
static bool cpuid_table_valid(const struct kvm_cpuid_entry2 *e, u32 nent)
{
	u32 i, width;

	for (i = 0; i < nent; i++) {
		if (e[i].function != 0x80000008)
			continue;
		width = (e[i].eax >> 8) & 0xff;
		if (width && width != 48 && width != 57)
			return false;
	}
	return true;
}

long vmm_set_cpuid2(struct vmm_vcpu *vcpu, struct kvm_cpuid2 __user *arg)
{
	struct kvm_cpuid2 hdr;
	struct kvm_cpuid_entry2 *e;

	if (copy_from_user(&hdr, arg, sizeof(hdr)))
		return -EFAULT;
	if (hdr.nent > VMM_MAX_CPUID_ENTRIES)
		return -E2BIG;
	e = hdr.nent ? vmemdup_user(arg->entries, hdr.nent * sizeof(*e)) : NULL;
	if (IS_ERR(e))
		return PTR_ERR(e);
	/* Once the guest has run, only the same table again (KVM 5.16+):
	 * a guest's view of its CPU does not change under it. */
	if (!cpuid_table_valid(e, hdr.nent) ||
	    (vcpu->has_run && (hdr.nent != vcpu->cpuid.nent ||
			       memcmp(e, vcpu->cpuid.entries,
				      hdr.nent * sizeof(*e))))) {
		kvfree(e);
		return -EINVAL;
	}
	kvfree(vcpu->cpuid.entries);
	vcpu->cpuid.entries = e;
	vcpu->cpuid.nent = hdr.nent;
	vcpu->cpuid.set = true;
	return 0;
}

long vmm_get_cpuid2(struct vmm_vcpu *vcpu, struct kvm_cpuid2 __user *arg)
{
	struct kvm_cpuid2 hdr;

	if (copy_from_user(&hdr, arg, sizeof(hdr)))
		return -EFAULT;
	if (hdr.nent < vcpu->cpuid.nent)
		return -E2BIG;
	hdr.nent = vcpu->cpuid.nent;
	if (copy_to_user(arg->entries, vcpu->cpuid.entries,
			 hdr.nent * sizeof(*vcpu->cpuid.entries)) ||
	    copy_to_user(arg, &hdr, sizeof(hdr)))
		return -EFAULT;
	return 0;
}

void vmm_cpuid_free(struct vmm_vcpu *vcpu)
{
	kvfree(vcpu->cpuid.entries);
	vcpu->cpuid.entries = NULL;
	vcpu->cpuid.nent = 0;
}

static const struct kvm_cpuid_entry2 *find(const struct vmm_vcpu *vcpu,
					   u32 function, u32 index)
{
	u32 i;

	for (i = 0; i < vcpu->cpuid.nent; i++) {
		const struct kvm_cpuid_entry2 *e = &vcpu->cpuid.entries[i];

		if (e->function == function &&
		    (!(e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) || e->index == index))
			return e;
	}
	return NULL;
}

static u32 table_component(u32 i, u32 *offset, void *ctx)
{
	const struct kvm_cpuid_entry2 *e = find(ctx, 0xd, i);

	*offset = e ? e->ebx : 0;
	return e ? e->eax : 0;
}

/* Guest MAXPHYADDR: CPUID 0x80000008 EAX[7:0], else 36 (SDM vol. 3,
 * 11.11.2.3), as KVM. */
u8 vmm_guest_maxphyaddr(const struct vmm_vcpu *vcpu)
{
	const struct kvm_cpuid_entry2 *e = find(vcpu, 0x80000008, 0);

	return e && (e->eax & 0xff) ? min(e->eax & 0xff, 52u) : 36;
}

/* RDTSCP (0x80000001 EDX[27]) or RDPID (7.0 ECX[22]): the guest may then
 * read and write TSC_AUX with RDMSR/WRMSR, as in KVM. */
bool vmm_guest_has_tsc_aux(const struct vmm_vcpu *vcpu)
{
	const struct kvm_cpuid_entry2 *ext = find(vcpu, 0x80000001, 0);
	const struct kvm_cpuid_entry2 *l7 = find(vcpu, 7, 0);

	return (ext && (ext->edx & BIT32(27))) || (l7 && (l7->ecx & BIT32(22)));
}

/* XCR0 bits the guest may set: x87, and what its CPUID leaf 0xd offers
 * among those this module switches. */
u64 vmm_guest_supported_xcr0(const struct vmm_vcpu *vcpu)
{
	const struct kvm_cpuid_entry2 *e = find(vcpu, 0xd, 0);
	u64 offered = e ? ((u64)e->edx << 32) | e->eax : 0;

	return (offered & vmm_supported_xcr0()) | 1;
}

/*
 * CR4 bits the guest may not set, as KVM decides (__cr4_reserved_bits):
 * those of features this module does not offer (the supported table of
 * build_supported: no VMX, PCID, UMIP or LA57), and, once userspace gave
 * a CPUID table, those of features missing from it.
 */
static void supported_cr4_features(struct x86_cr4_features *f)
{
	*f = (struct x86_cr4_features){
		.xsave = vmm_supported_xcr0() != 0,
		.fsgsbase = boot_cpu_has(X86_FEATURE_FSGSBASE),
		.smep = boot_cpu_has(X86_FEATURE_SMEP),
		.smap = boot_cpu_has(X86_FEATURE_SMAP),
		.pku = host_pku(),
	};
}

static void guest_cr4_features(const struct vmm_vcpu *vcpu,
			       struct x86_cr4_features *f)
{
	const struct kvm_cpuid_entry2 *l1 = find(vcpu, 1, 0), *l7 = find(vcpu, 7, 0);
	u32 ecx1 = l1 ? l1->ecx : 0, ebx7 = l7 ? l7->ebx : 0, ecx7 = l7 ? l7->ecx : 0;

	*f = (struct x86_cr4_features){
		.xsave = ecx1 & LEAF1_ECX_XSAVE,
		.pcid = ecx1 & LEAF1_ECX_PCID,
		.vmx = ecx1 & LEAF1_ECX_VMX,
		.fsgsbase = ebx7 & LEAF7_EBX_FSGSBASE,
		.smep = ebx7 & LEAF7_EBX_SMEP,
		.smap = ebx7 & LEAF7_EBX_SMAP,
		.umip = ecx7 & LEAF7_ECX_UMIP,
		.pku = ecx7 & LEAF7_ECX_PKU,
		.la57 = ecx7 & LEAF7_ECX_LA57,
	};
}

u64 vmm_guest_cr4_reserved(const struct vmm_vcpu *vcpu)
{
	struct x86_cr4_features f;
	u64 reserved;

	supported_cr4_features(&f);
	reserved = x86_cr4_reserved(&f);
	if (vcpu->cpuid.set) {
		guest_cr4_features(vcpu, &f);
		reserved |= x86_cr4_reserved(&f);
	}
	return reserved;
}

/* Setting CR4.PCIDE needs PCID in the guest's CPUID, table or not. */
bool vmm_guest_has_pcid(const struct vmm_vcpu *vcpu)
{
	const struct kvm_cpuid_entry2 *l1 = find(vcpu, 1, 0);

	return l1 && (l1->ecx & LEAF1_ECX_PCID);
}

static bool vendor_amd(const struct kvm_cpuid_entry2 *leaf0)
{
	/* "AuthenticAMD", "HygonGenuine" in EBX EDX ECX */
	return (leaf0->ebx == 0x68747541 && leaf0->edx == 0x69746e65 &&
		leaf0->ecx == 0x444d4163) ||
	       (leaf0->ebx == 0x6f677948 && leaf0->edx == 0x6e65476e &&
		leaf0->ecx == 0x656e6975);
}

/*
 * A leaf that is not in the table. Intel CPUs answer a leaf above the
 * highest of its range (basic, 0x4000_0000 or extended) with the highest
 * basic leaf (SDM vol. 2A, CPUID: "If a value entered ... is higher than
 * the maximum input value for basic or extended function ... the data for
 * the highest basic information leaf is returned"); AMD CPUs with zeros.
 * KVM follows the guest's vendor string, and so do we.
 */
static const struct kvm_cpuid_entry2 *out_of_range(const struct vmm_vcpu *vcpu,
						   u32 *function, u32 index)
{
	const struct kvm_cpuid_entry2 *basic = find(vcpu, 0, 0), *class;
	u32 f = *function;

	if (!basic || vendor_amd(basic))
		return NULL;
	if (f >= 0x40000000 && f <= 0x4fffffff)
		class = find(vcpu, f & 0xffffff00, 0);
	else
		class = find(vcpu, f & 0x80000000, 0);
	if (class && f <= class->eax)
		return NULL;
	*function = basic->eax;
	return find(vcpu, basic->eax, index);
}

/*
 * The guest's CPUID: its table, with the bits that follow the vCPU's
 * state made live as on hardware: OSXSAVE mirrors CR4.OSXSAVE, OSPKE
 * mirrors CR4.PKE (SDM vol. 2A, CPUID leaf 7), APIC
 * disappears while IA32_APIC_BASE has the APIC disabled (SDM vol. 3,
 * 10.4.3), and the XSAVE size follows XCR0. A leaf not in the table reads
 * as zeros.
 */
int vmm_handle_cpuid(struct vmm_vcpu *vcpu, const struct vmm_exit *exit)
{
	u32 function = vcpu->gprs[GPR_RAX], index = vcpu->gprs[GPR_RCX];
	const struct kvm_cpuid_entry2 *e = find(vcpu, function, index);
	u32 eax = 0, ebx = 0, ecx = 0, edx = 0;

	if (!e)
		e = out_of_range(vcpu, &function, index);

	if (e) {
		eax = e->eax;
		ebx = e->ebx;
		ecx = e->ecx;
		edx = e->edx;
	}
	switch (function) {
	case 1:
		ecx &= ~LEAF1_ECX_OSXSAVE;
		if ((ecx & LEAF1_ECX_XSAVE) &&
		    (vmm_backend->get_cr4(vcpu) & CR4_OSXSAVE))
			ecx |= LEAF1_ECX_OSXSAVE;
		if (!(vcpu->apic_base & APIC_BASE_ENABLE))
			edx &= ~LEAF1_EDX_APIC;
		break;
	case 7:
		if (index != 0)
			break;
		ecx &= ~LEAF7_ECX_OSPKE;
		if ((ecx & LEAF7_ECX_PKU) &&
		    (vmm_backend->get_cr4(vcpu) & CR4_PKE))
			ecx |= LEAF7_ECX_OSPKE;
		break;
	case 0xd:
		if (e && index == 0)
			ebx = xsave_size(vcpu->xcr0, table_component, vcpu);
		break;
	}
	vcpu->gprs[GPR_RAX] = eax;
	vcpu->gprs[GPR_RBX] = ebx;
	vcpu->gprs[GPR_RCX] = ecx;
	vcpu->gprs[GPR_RDX] = edx;
	vcpu->rip = exit->cpuid.next_rip;
	return 1;
}
