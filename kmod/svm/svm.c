// SPDX-License-Identifier: GPL-2.0
/*
 * The AMD SVM backend (APM vol. 2, chapter 15): probe, per-CPU enable, the
 * VMCB, ASIDs, entering the guest and decoding #VMEXIT into a struct
 * vmm_exit. Emulation lives in common code.
 */
#define pr_fmt(fmt) "vmm: svm: " fmt

#include <linux/cc_platform.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <asm/asm.h>
#include <asm/msr.h>
#include <asm/msr-index.h>
#include <asm/processor.h>
#include <asm/special_insns.h>

#include <vmm/svm.h>

#include "../backend.h"
#include "../x86/sregs.h"
#include "npt.h"

/* entry.S: the number of SVM instructions that faulted (#UD: EFER.SVME
 * was cleared under the vCPU, e.g. by an emergency reboot); 0 normally. */
int vmm_svm_enter(u64 *gprs, u64 vmcb_pa, u64 host_save_pa);

/* Per host CPU: the VMRUN host-state area (VM_HSAVE_PA), the area VMSAVE
 * keeps the host's FS/GS/TR/... in, and the ASID allocator. */
struct svm_cpu {
	struct page *hsave;
	struct page *host_save;
	u32 next_asid;
	u64 asid_generation;
	/* A new generation began: flush all ASIDs at the next VMRUN that
	 * succeeds here, whichever vCPU makes it (one that fails its
	 * consistency checks flushes nothing). */
	bool flush_all_pending;
};

static DEFINE_PER_CPU(struct svm_cpu, svm_cpu);
static u32 svm_max_asid;
static bool svm_has_nrips;
/* All I/O ports and MSRs intercepted: one pair of maps serves every VM. */
static void *svm_iopm;
static void *svm_msrpm;

struct svm_vcpu {
	struct vmcb *vmcb;
	u64 vmcb_pa;
	u64 asid_generation; /* of the CPU it got its ASID on; 0: none */
	int asid_cpu;
	u64 cr4_shadow_mce;  /* CR4.MCE as userspace set it (see set_cr4) */
	/* Under another hypervisor only: the save area and event injection
	 * as handed to VMRUN (see host_state_in_save_area). */
	struct vmcb_save *entry_save;
	u64 entry_event_inj;
	u64 entry_gprs[NR_GPRS];
};

static struct svm_vcpu *to_svm(struct vmm_vcpu *vcpu)
{
	return vcpu->priv;
}

static struct npt *to_npt(struct vmm_vm *vm)
{
	return vm->priv;
}

/* --- probe and per-CPU enable ------------------------------------------ */

static int svm_probe(void)
{
	u32 eax, ebx, ecx, edx;
	u64 vm_cr;

	if (boot_cpu_data.x86_vendor != X86_VENDOR_AMD &&
	    boot_cpu_data.x86_vendor != X86_VENDOR_HYGON)
		return -ENODEV;
	if (!boot_cpu_has(X86_FEATURE_SVM)) {
		pr_err("this AMD CPU has no SVM\n");
		return -ENODEV;
	}
	rdmsrl(MSR_AMD_VM_CR, vm_cr);
	if (vm_cr & VM_CR_SVMDIS) {
		pr_err("SVM is disabled by the firmware (VM_CR.SVMDIS): enable it in the BIOS setup\n");
		return -ENODEV;
	}
	cpuid(CPUID_SVM_FEATURES, &eax, &ebx, &ecx, &edx);
	/* With SME the CPU reads the VMCB, permission maps and nested page
	 * tables through the C-bit (APM vol. 2, 7.10), which this module
	 * does not set. */
	if (cc_platform_has(CC_ATTR_HOST_MEM_ENCRYPT)) {
		pr_err("host memory encryption (SME, mem_encrypt=on) is not supported: boot with mem_encrypt=off\n");
		return -ENODEV;
	}
	if (!(edx & SVM_FEATURE_NPT)) {
		pr_err("SVM without nested paging (NPT) is not supported\n");
		return -ENODEV;
	}
	svm_max_asid = ebx - 1; /* ASID 0 is the host's */
	svm_has_nrips = edx & SVM_FEATURE_NRIPS;
	if (svm_max_asid < 1) {
		pr_err("no guest ASIDs\n");
		return -ENODEV;
	}
	pr_info("SVM with NPT, %u ASIDs, nrips %s\n", svm_max_asid,
		svm_has_nrips ? "yes" : "no");
	return 0;
}

static int svm_cpu_enable(void)
{
	struct svm_cpu *sc = this_cpu_ptr(&svm_cpu);
	u64 efer;

	rdmsrl(MSR_EFER, efer);
	if (efer & EFER_SVME) {
		pr_err_ratelimited("CPU %d: EFER.SVME is already set: another hypervisor (kvm-amd?) is active\n",
				   smp_processor_id());
		return -EBUSY;
	}
	wrmsrl(MSR_AMD_VM_HSAVE_PA, page_to_phys(sc->hsave));
	wrmsrl(MSR_EFER, efer | EFER_SVME);
	/* A new generation: ASIDs handed out before are stale here. */
	sc->asid_generation++;
	sc->next_asid = svm_max_asid + 1;
	return 0;
}

static void svm_cpu_disable(void)
{
	u64 efer;

	wrmsrl(MSR_AMD_VM_HSAVE_PA, 0);
	rdmsrl(MSR_EFER, efer);
	wrmsrl(MSR_EFER, efer & ~EFER_SVME);
}

static void svm_teardown(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct svm_cpu *sc = per_cpu_ptr(&svm_cpu, cpu);

		if (sc->hsave)
			__free_page(sc->hsave);
		if (sc->host_save)
			__free_page(sc->host_save);
		sc->hsave = sc->host_save = NULL;
	}
	free_pages((unsigned long)svm_iopm, get_order(SVM_IOPM_SIZE));
	free_pages((unsigned long)svm_msrpm, get_order(SVM_MSRPM_SIZE));
	svm_iopm = svm_msrpm = NULL;
}

/*
 * MSRs the guest reads and writes without an exit: those VMLOAD/VMSAVE
 * switch with the rest of the guest's state (APM vol. 2, 15.5.2), so the
 * host's are never exposed. Linux writes some on every context switch.
 */
static const u32 svm_passthrough_msrs[] = {
	MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE,
	MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK,
	MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
};

/* The MSR permission map: two bits per MSR (read, write) for three ranges
 * of 8192 MSRs, 2 KiB each (APM vol. 2, 15.11, Table 15-5). */
static void msrpm_allow(u8 *msrpm, u32 msr)
{
	static const struct { u32 first; u32 offset; } ranges[] = {
		{ 0x00000000, 0x000 },
		{ 0xc0000000, 0x800 },
		{ 0xc0010000, 0x1000 },
	};
	unsigned int i, bit;

	for (i = 0; i < ARRAY_SIZE(ranges); i++) {
		if (msr - ranges[i].first < 0x2000) {
			bit = (msr - ranges[i].first) * 2;
			msrpm[ranges[i].offset + bit / 8] &= ~(3u << (bit % 8));
			return;
		}
	}
}

static int svm_setup(void)
{
	unsigned int i;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct svm_cpu *sc = per_cpu_ptr(&svm_cpu, cpu);

		sc->hsave = alloc_pages_node(cpu_to_node(cpu),
					     GFP_KERNEL | __GFP_ZERO, 0);
		sc->host_save = alloc_pages_node(cpu_to_node(cpu),
						 GFP_KERNEL | __GFP_ZERO, 0);
		if (!sc->hsave || !sc->host_save)
			goto err;
	}
	svm_iopm = (void *)__get_free_pages(GFP_KERNEL, get_order(SVM_IOPM_SIZE));
	svm_msrpm = (void *)__get_free_pages(GFP_KERNEL, get_order(SVM_MSRPM_SIZE));
	if (!svm_iopm || !svm_msrpm)
		goto err;
	memset(svm_iopm, 0xff, SVM_IOPM_SIZE);
	memset(svm_msrpm, 0xff, SVM_MSRPM_SIZE);
	for (i = 0; i < ARRAY_SIZE(svm_passthrough_msrs); i++)
		msrpm_allow(svm_msrpm, svm_passthrough_msrs[i]);
	return 0;
err:
	svm_teardown();
	return -ENOMEM;
}

/* --- guest-physical memory --------------------------------------------- */

static int svm_vm_init(struct vmm_vm *vm)
{
	struct npt *npt = kzalloc(sizeof(*npt), GFP_KERNEL_ACCOUNT);
	int r;

	if (!npt)
		return -ENOMEM;
	r = npt_init(npt);
	if (r) {
		kfree(npt);
		return r;
	}
	vm->priv = npt;
	return 0;
}

static void svm_vm_destroy(struct vmm_vm *vm)
{
	npt_destroy(to_npt(vm));
	kfree(vm->priv);
	vm->priv = NULL;
}

/* Guest-physical addresses end at the host's physical width, as in KVM
 * (what the CPU's nested paging takes). */
static u64 svm_max_gpa(struct vmm_vm *vm)
{
	u64 phys = 1ull << boot_cpu_data.x86_phys_bits;

	return min(npt_max_gpa(to_npt(vm)), phys);
}

static int svm_map_page(struct vmm_vm *vm, u64 gpa, u64 hpa, bool writable,
			struct vmm_table_cache *tables)
{
	return npt_map_4k(to_npt(vm), gpa, hpa, writable, tables);
}

static bool svm_unmap_range(struct vmm_vm *vm, u64 gpa, u64 size)
{
	return npt_walk_range(to_npt(vm), gpa, size, NPT_WALK_UNMAP,
			      vmm_guest_page_unmapped);
}

static bool svm_write_protect_range(struct vmm_vm *vm, u64 gpa, u64 size)
{
	return npt_walk_range(to_npt(vm), gpa, size, NPT_WALK_WRITE_PROTECT,
			      vmm_guest_page_unmapped);
}

static bool svm_age_range(struct vmm_vm *vm, u64 gpa, u64 size, bool clear)
{
	return npt_walk_range(to_npt(vm), gpa, size,
			      clear ? NPT_WALK_CLEAR_YOUNG : NPT_WALK_TEST_YOUNG,
			      NULL);
}

/* --- the VMCB ------------------------------------------------------------ */

static void init_controls(struct vmcb_control *c, struct vmm_vm *vm)
{
	/* Host interrupts and NMIs must leave the guest; instructions that
	 * would reach real hardware state (I/O, MSRs, INVD, the SVM
	 * instructions, MONITOR/MWAIT, XSETBV) trap; SHUTDOWN must never
	 * reach the host CPU. #DB and #AC always exit: a guest can make
	 * their delivery raise them again (a data breakpoint on its own
	 * stack, a misaligned #AC handler stack), and the CPU would loop in
	 * microcode for ever without taking host interrupts (CVE-2015-8104,
	 * CVE-2015-5307); as exits, they are reflected into the guest one at
	 * a time. */
	c->intercept_exc = SVM_INTERCEPT_EXC(X86_VEC_MC) |
			   SVM_INTERCEPT_EXC(X86_VEC_DB) |
			   SVM_INTERCEPT_EXC(X86_VEC_AC);
	/*
	 * Control registers: every CR0/CR4 write is checked in common code
	 * (cr.c), or a bad value fails VMRUN and CR4.PKE/MCE would be the
	 * guest's to change on the host CPU; the full CR0 write intercept
	 * also catches CLTS and TS/MP-only writes (the selective one, set
	 * too, is then never taken: APM vol. 2, 15.9.1). CR4 reads return
	 * the guest's MCE (the CPU runs with the host's set, see set_sregs);
	 * CR8 writes are checked and report a lowered TPR to userspace.
	 */
	c->intercept_cr = SVM_INTERCEPT_CR_READ(4) | SVM_INTERCEPT_CR_WRITE(0) |
			  SVM_INTERCEPT_CR_WRITE(4) | SVM_INTERCEPT_CR_WRITE(8);
	c->intercept_misc1 = SVM_INTERCEPT_INTR | SVM_INTERCEPT_NMI |
			     SVM_INTERCEPT_SMI | SVM_INTERCEPT_INIT |
			     SVM_INTERCEPT_RDPMC | SVM_INTERCEPT_CPUID |
			     SVM_INTERCEPT_RSM | SVM_INTERCEPT_INVD |
			     SVM_INTERCEPT_HLT | SVM_INTERCEPT_INVLPGA |
			     SVM_INTERCEPT_IOIO_PROT | SVM_INTERCEPT_MSR_PROT |
			     SVM_INTERCEPT_TASK_SWITCH |
			     SVM_INTERCEPT_FERR_FREEZE | SVM_INTERCEPT_SHUTDOWN |
			     SVM_INTERCEPT_CR0_SEL_WRITE;
	c->intercept_misc2 = SVM_INTERCEPT_VMRUN | SVM_INTERCEPT_VMMCALL |
			     SVM_INTERCEPT_VMLOAD | SVM_INTERCEPT_VMSAVE |
			     SVM_INTERCEPT_STGI | SVM_INTERCEPT_CLGI |
			     SVM_INTERCEPT_SKINIT | SVM_INTERCEPT_WBINVD |
			     SVM_INTERCEPT_MONITOR | SVM_INTERCEPT_MWAIT |
			     SVM_INTERCEPT_MWAIT_COND | SVM_INTERCEPT_XSETBV |
			     SVM_INTERCEPT_RDPRU;
	c->iopm_base_pa = __pa(svm_iopm);
	c->msrpm_base_pa = __pa(svm_msrpm);
	/* Guest RFLAGS.IF masks only virtual interrupts; physical ones are
	 * the host's (15.21.1). */
	c->int_ctl = SVM_V_INTR_MASKING;
	c->nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
	c->nested_cr3 = npt_root_pa(to_npt(vm));
}

static void set_seg(struct vmcb_seg *s, u16 sel, u64 base, u32 limit, u16 attrib)
{
	s->selector = sel;
	s->base = base;
	s->limit = limit;
	s->attrib = attrib;
}

/* RESET state (SDM vol. 3, 9.1.1; APM vol. 2, 14.1.3), as KVM gives it. */
static void svm_vcpu_reset(struct vmm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb *vmcb = svm->vmcb;
	struct vmcb_save *s = &vmcb->save;

	memset(vmcb, 0, sizeof(*vmcb));
	init_controls(&vmcb->control, vcpu->vm);
	svm->asid_generation = 0;
	svm->cr4_shadow_mce = 0;

	/* code: present, read/exec, accessed; data: present, read/write,
	 * accessed; LDT and busy 16-bit TSS descriptors for LDTR/TR. */
	set_seg(&s->cs, X86_RESET_CS_SELECTOR, X86_RESET_CS_BASE, 0xffff, 0x9b);
	set_seg(&s->ds, 0, 0, 0xffff, 0x93);
	set_seg(&s->es, 0, 0, 0xffff, 0x93);
	set_seg(&s->ss, 0, 0, 0xffff, 0x93);
	set_seg(&s->fs, 0, 0, 0xffff, 0x93);
	set_seg(&s->gs, 0, 0, 0xffff, 0x93);
	set_seg(&s->gdtr, 0, 0, 0xffff, 0);
	set_seg(&s->idtr, 0, 0, 0xffff, 0);
	set_seg(&s->ldtr, 0, 0, 0xffff, 0x82);
	set_seg(&s->tr, 0, 0, 0xffff, 0x8b);
	s->cpl = 0;
	s->cr0 = X86_RESET_CR0;
	s->cr4 = CR4_MCE; /* see svm_set_sregs */
	/* VMRUN refuses a guest without EFER.SVME (15.5.1); the guest never
	 * sees it (EFER reads are intercepted, KVM_GET_SREGS masks it). */
	s->efer = X86_EFER_SVME;
	s->dr6 = X86_RESET_DR6;
	s->dr7 = X86_RESET_DR7;
	s->g_pat = X86_PAT_RESET;

	memset(vcpu->gprs, 0, sizeof(vcpu->gprs));
	vcpu->gprs[GPR_RDX] = X86_RESET_RDX;
	vcpu->rip = X86_RESET_RIP;
	vcpu->rflags = X86_RFLAGS_FIXED;
	vcpu->pio.active = false;
}

static int svm_vcpu_create(struct vmm_vcpu *vcpu)
{
	struct svm_vcpu *svm = kzalloc(sizeof(*svm), GFP_KERNEL_ACCOUNT);

	if (!svm)
		return -ENOMEM;
	svm->vmcb = (struct vmcb *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!svm->vmcb) {
		kfree(svm);
		return -ENOMEM;
	}
	svm->vmcb_pa = __pa(svm->vmcb);
	svm->asid_cpu = -1;
	if (boot_cpu_has(X86_FEATURE_HYPERVISOR)) {
		svm->entry_save = kmalloc(sizeof(*svm->entry_save),
					  GFP_KERNEL_ACCOUNT);
		if (!svm->entry_save) {
			free_page((unsigned long)svm->vmcb);
			kfree(svm);
			return -ENOMEM;
		}
	}
	vcpu->priv = svm;
	return 0;
}

static void svm_vcpu_free(struct vmm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	free_page((unsigned long)svm->vmcb);
	kfree(svm->entry_save);
	kfree(svm);
	vcpu->priv = NULL;
}

/* --- KVM_GET/SET_SREGS --------------------------------------------------- */

static void svm_get_sregs(struct vmm_vcpu *vcpu, struct kvm_sregs *k)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	const struct vmcb_save *s = &svm->vmcb->save;

	vmcb_seg_to_kvm(&s->cs, &k->cs);
	vmcb_seg_to_kvm(&s->ds, &k->ds);
	vmcb_seg_to_kvm(&s->es, &k->es);
	vmcb_seg_to_kvm(&s->fs, &k->fs);
	vmcb_seg_to_kvm(&s->gs, &k->gs);
	vmcb_seg_to_kvm(&s->ss, &k->ss);
	vmcb_seg_to_kvm(&s->tr, &k->tr);
	vmcb_seg_to_kvm(&s->ldtr, &k->ldt);
	/* The same normalisations KVM applies, so a state read here can be
	 * written to any KVM: the descriptor cache always has the accessed
	 * bit of usable data segments and the busy bit of TR; SS.DPL is the
	 * CPL; an unusable SS has no D/B. */
	if (!k->ds.unusable) k->ds.type |= 1;
	if (!k->es.unusable) k->es.type |= 1;
	if (!k->fs.unusable) k->fs.type |= 1;
	if (!k->gs.unusable) k->gs.type |= 1;
	k->tr.type |= 2;
	k->ss.dpl = s->cpl;
	if (k->ss.unusable)
		k->ss.db = 0;

	k->gdt.base = s->gdtr.base;
	k->gdt.limit = s->gdtr.limit;
	k->idt.base = s->idtr.base;
	k->idt.limit = s->idtr.limit;
	k->cr0 = s->cr0;
	k->cr2 = s->cr2;
	k->cr3 = s->cr3;
	k->cr4 = (s->cr4 & ~CR4_MCE) | svm->cr4_shadow_mce;
	k->cr8 = svm->vmcb->control.int_ctl & SVM_V_TPR_MASK & 0xf;
	k->efer = s->efer & ~X86_EFER_SVME;
	memset(k->interrupt_bitmap, 0, sizeof(k->interrupt_bitmap));
}

static void svm_set_sregs(struct vmm_vcpu *vcpu, const struct kvm_sregs *k)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb *vmcb = svm->vmcb;
	struct vmcb_save *s = &vmcb->save;

	vmcb_seg_from_kvm(&s->cs, &k->cs);
	vmcb_seg_from_kvm(&s->ds, &k->ds);
	vmcb_seg_from_kvm(&s->es, &k->es);
	vmcb_seg_from_kvm(&s->fs, &k->fs);
	vmcb_seg_from_kvm(&s->gs, &k->gs);
	vmcb_seg_from_kvm(&s->ss, &k->ss);
	vmcb_seg_from_kvm(&s->tr, &k->tr);
	vmcb_seg_from_kvm(&s->ldtr, &k->ldt);
	/* The CPL lives apart in the VMCB; SS.DPL is it (APM vol. 2, 15.5.1). */
	s->cpl = k->ss.dpl & 3;
	s->gdtr.base = k->gdt.base;
	s->gdtr.limit = k->gdt.limit;
	s->idtr.base = k->idt.base;
	s->idtr.limit = k->idt.limit;
	s->cr0 = k->cr0;
	s->cr2 = k->cr2;
	s->cr3 = k->cr3;
	/* Machine checks stay enabled while the guest runs, or a host #MC
	 * would shut the CPU down; userspace still reads back its own bit. */
	svm->cr4_shadow_mce = k->cr4 & CR4_MCE;
	s->cr4 = k->cr4 | CR4_MCE;
	s->efer = k->efer | X86_EFER_SVME;
	vmcb->control.int_ctl = (vmcb->control.int_ctl & ~SVM_V_TPR_MASK) |
				(k->cr8 & 0xf);
}

/* --- running ------------------------------------------------------------- */

/*
 * ASIDs tag the guest's TLB entries (15.16). Each host CPU hands them out in
 * generations; a vCPU takes a fresh one whenever it lands on another CPU or
 * its old one is from an older generation, and running out starts a new
 * generation with a flush of all ASIDs on that CPU. A vCPU drops its ASID
 * to forget its translations (flush_guest_tlb).
 */
static void assign_asid(struct svm_vcpu *svm, int cpu)
{
	struct svm_cpu *sc = per_cpu_ptr(&svm_cpu, cpu);
	struct vmcb_control *c = &svm->vmcb->control;

	if (svm->asid_cpu == cpu && svm->asid_generation == sc->asid_generation)
		return;
	if (sc->next_asid > svm_max_asid) {
		sc->asid_generation++;
		sc->next_asid = 1;
		sc->flush_all_pending = true;
	}
	c->asid = sc->next_asid++;
	svm->asid_generation = sc->asid_generation;
	svm->asid_cpu = cpu;
}

static void svm_flush_guest_tlb(struct vmm_vcpu *vcpu)
{
	to_svm(vcpu)->asid_generation = 0;
}

static u64 svm_get_cr4(struct vmm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	return (svm->vmcb->save.cr4 & ~CR4_MCE) | svm->cr4_shadow_mce;
}

/* CR writes checked by cr.c. EFER.SVME stays set for VMRUN (15.5.1). */
static void svm_set_cr0(struct vmm_vcpu *vcpu, u64 cr0, u64 efer)
{
	struct vmcb_save *s = &to_svm(vcpu)->vmcb->save;

	s->cr0 = cr0;
	s->efer = efer | X86_EFER_SVME;
}

static void svm_set_cr4(struct vmm_vcpu *vcpu, u64 cr4)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	/* Machine checks stay enabled on the CPU, as in svm_set_sregs. */
	svm->cr4_shadow_mce = cr4 & CR4_MCE;
	svm->vmcb->save.cr4 = cr4 | CR4_MCE;
}

static void svm_set_cr8(struct vmm_vcpu *vcpu, u64 cr8)
{
	struct vmcb_control *c = &to_svm(vcpu)->vmcb->control;

	c->int_ctl = (c->int_ctl & ~SVM_V_TPR_MASK) | (cr8 & 0xf);
}

static void svm_set_tsc_offset(struct vmm_vcpu *vcpu, u64 offset)
{
	to_svm(vcpu)->vmcb->control.tsc_offset = offset;
}

/* --- events (APM vol. 2, 15.20 event injection, 15.21 interrupts) ----- */

static bool svm_event_injection_busy(struct vmm_vcpu *vcpu)
{
	return to_svm(vcpu)->vmcb->control.event_inj & SVM_EVTINJ_VALID;
}

static bool svm_interrupt_allowed(struct vmm_vcpu *vcpu)
{
	const struct vmcb_control *c = &to_svm(vcpu)->vmcb->control;

	return (vcpu->rflags & X86_RFLAGS_IF) &&
	       !(c->int_state & SVM_INT_STATE_SHADOW);
}

static void svm_inject_event(struct vmm_vcpu *vcpu, const struct vmm_event *ev)
{
	struct vmcb *vmcb = to_svm(vcpu)->vmcb;
	u64 inj = ev->vector | SVM_EVTINJ_VALID;

	switch (ev->type) {
	case VMM_EVENT_EXCEPTION:
		inj |= SVM_EVTINJ_TYPE_EXEPT;
		if (ev->has_error)
			inj |= SVM_EVTINJ_ERR_VALID | ((u64)ev->error << 32);
		/* A #PF's CR2 is written at injection, as delivery would
		 * (unless it was written already, or the fault came from
		 * userspace: KVM_SET_VCPU_EVENTS carries no address). */
		if (ev->vector == X86_VEC_PF && ev->has_payload)
			vmcb->save.cr2 = ev->cr2;
		break;
	case VMM_EVENT_NMI:
		inj |= SVM_EVTINJ_TYPE_NMI;
		break;
	case VMM_EVENT_INTR:
		inj |= SVM_EVTINJ_TYPE_INTR;
		break;
	}
	vmcb->control.event_inj = inj;
}

/* What EVENTINJ holds for the next entry: after an exit, an event whose
 * delivery it interrupted (reinject_interrupted_event). Soft interrupts are
 * never put there. */
static bool svm_get_injected_event(struct vmm_vcpu *vcpu, struct vmm_event *ev)
{
	u64 inj = to_svm(vcpu)->vmcb->control.event_inj;

	if (!(inj & SVM_EVTINJ_VALID))
		return false;
	*ev = (struct vmm_event){ .vector = inj & SVM_EVTINJ_VECTOR_MASK };
	switch (inj & SVM_EVTINJ_TYPE_MASK) {
	case SVM_EVTINJ_TYPE_INTR:
		ev->type = VMM_EVENT_INTR;
		return true;
	case SVM_EVTINJ_TYPE_NMI:
		ev->type = VMM_EVENT_NMI;
		return true;
	case SVM_EVTINJ_TYPE_EXEPT:
		ev->type = VMM_EVENT_EXCEPTION;
		ev->has_error = inj & SVM_EVTINJ_ERR_VALID;
		ev->error = inj >> 32;
		return true;
	default:
		return false;
	}
}

static void svm_cancel_injected_event(struct vmm_vcpu *vcpu)
{
	to_svm(vcpu)->vmcb->control.event_inj = 0;
}

/* The VMCB has one shadow bit for both STI and MOV SS (15.21.5): reported
 * as both, as KVM does. */
static u32 svm_get_interrupt_shadow(struct vmm_vcpu *vcpu)
{
	return to_svm(vcpu)->vmcb->control.int_state & SVM_INT_STATE_SHADOW ?
	       KVM_X86_SHADOW_INT_STI | KVM_X86_SHADOW_INT_MOV_SS : 0;
}

static void svm_set_interrupt_shadow(struct vmm_vcpu *vcpu, bool on)
{
	struct vmcb_control *c = &to_svm(vcpu)->vmcb->control;

	if (on)
		c->int_state |= SVM_INT_STATE_SHADOW;
	else
		c->int_state &= ~SVM_INT_STATE_SHADOW;
}

static void svm_set_cr2(struct vmm_vcpu *vcpu, u64 cr2)
{
	to_svm(vcpu)->vmcb->save.cr2 = cr2;
}

/*
 * Exit when the guest can take an interrupt: a virtual interrupt (V_IRQ)
 * is made pending with the VINTR intercept on; the CPU takes it, and exits,
 * exactly when RFLAGS.IF is set and no interrupt shadow holds (15.21.4).
 * It never reaches the guest.
 */
static void svm_set_irq_window(struct vmm_vcpu *vcpu, bool on)
{
	struct vmcb_control *c = &to_svm(vcpu)->vmcb->control;

	if (on) {
		c->int_ctl |= SVM_V_IRQ | SVM_V_IGN_TPR |
			      (0xfull << SVM_V_INTR_PRIO_SHIFT);
		c->intercept_misc1 |= SVM_INTERCEPT_VINTR;
	} else {
		c->int_ctl &= ~(SVM_V_IRQ | SVM_V_IGN_TPR |
				(0xfull << SVM_V_INTR_PRIO_SHIFT));
		c->intercept_misc1 &= ~SVM_INTERCEPT_VINTR;
	}
}

/* The CPU does not track NMI blocking for an SVM guest: the end of the
 * handler is seen by intercepting IRET. */
static void svm_set_iret_exit(struct vmm_vcpu *vcpu, bool on)
{
	struct vmcb_control *c = &to_svm(vcpu)->vmcb->control;

	if (on)
		c->intercept_misc1 |= SVM_INTERCEPT_IRET;
	else
		c->intercept_misc1 &= ~SVM_INTERCEPT_IRET;
}

/* #DB always exits (init_controls); what remains is to hide our own
 * single step from the guest once it is over. */
static void svm_set_db_exit(struct vmm_vcpu *vcpu, bool on)
{
	if (!on)
		to_svm(vcpu)->vmcb->save.dr6 &= ~(1ull << 14); /* no DR6.BS */
}

static void svm_get_dr67(struct vmm_vcpu *vcpu, u64 *dr6, u64 *dr7)
{
	const struct vmcb_save *s = &to_svm(vcpu)->vmcb->save;

	*dr6 = s->dr6;
	*dr7 = s->dr7;
}

static void svm_set_dr67(struct vmm_vcpu *vcpu, u64 dr6, u64 dr7)
{
	struct vmcb_save *s = &to_svm(vcpu)->vmcb->save;

	s->dr6 = dr6;
	s->dr7 = dr7;
}

/* --- MSRs kept in the VMCB ------------------------------------------------ */

static bool canonical(u64 addr)
{
	/* 48-bit (57-bit with LA57 in the guest is also accepted by the CPU
	 * itself on the pass-through path). */
	return (u64)((s64)(addr << 16) >> 16) == addr;
}

static int svm_get_msr(struct vmm_vcpu *vcpu, u32 index, u64 *data)
{
	const struct vmcb_save *s = &to_svm(vcpu)->vmcb->save;

	switch (index) {
	case MSR_EFER: *data = s->efer & ~X86_EFER_SVME; return 0;
	case MSR_STAR: *data = s->star; return 0;
	case MSR_LSTAR: *data = s->lstar; return 0;
	case MSR_CSTAR: *data = s->cstar; return 0;
	case MSR_SYSCALL_MASK: *data = s->sfmask; return 0;
	case MSR_KERNEL_GS_BASE: *data = s->kernel_gs_base; return 0;
	case MSR_FS_BASE: *data = s->fs.base; return 0;
	case MSR_GS_BASE: *data = s->gs.base; return 0;
	case MSR_IA32_SYSENTER_CS: *data = s->sysenter_cs; return 0;
	case MSR_IA32_SYSENTER_ESP: *data = s->sysenter_esp; return 0;
	case MSR_IA32_SYSENTER_EIP: *data = s->sysenter_eip; return 0;
	case MSR_IA32_CR_PAT: *data = s->g_pat; return 0;
	default: return -ENOENT;
	}
}

/* EFER bits a guest may write: SCE, LME, LMA (kept by the CPU), NXE,
 * FFXSR (APM vol. 2, 3.1.7); SVME stays hidden (no nested SVM). */
#define EFER_GUEST_BITS (X86_EFER_SCE | X86_EFER_LME | X86_EFER_LMA | \
			 X86_EFER_NXE | (1ull << 14))

static int set_efer(struct vmcb_save *s, u64 data)
{
	if (data & ~EFER_GUEST_BITS)
		return -EINVAL;
	/* LME cannot change while paging is on (#GP, APM vol. 2, 14.6.1). */
	if ((s->cr0 & CR0_PG) && ((data ^ s->efer) & X86_EFER_LME))
		return -EINVAL;
	/* LMA follows CR0.PG && LME; the CPU maintains it. */
	s->efer = (data & ~X86_EFER_LMA) | (s->efer & X86_EFER_LMA) |
		  X86_EFER_SVME;
	return 0;
}

static bool valid_pat(u64 pat)
{
	int i;

	for (i = 0; i < 8; i++) {
		u8 t = pat >> (8 * i);

		if (t == 2 || t == 3 || t > 7)
			return false;
	}
	return true;
}

static int svm_set_msr(struct vmm_vcpu *vcpu, u32 index, u64 data)
{
	struct vmcb_save *s = &to_svm(vcpu)->vmcb->save;

	switch (index) {
	case MSR_EFER:
		return set_efer(s, data);
	case MSR_STAR: s->star = data; return 0;
	case MSR_SYSCALL_MASK: s->sfmask = data; return 0;
	case MSR_IA32_SYSENTER_CS: s->sysenter_cs = data; return 0;
	case MSR_LSTAR:
	case MSR_CSTAR:
	case MSR_KERNEL_GS_BASE:
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP:
		if (!canonical(data))
			return -EINVAL;
		switch (index) {
		case MSR_LSTAR: s->lstar = data; break;
		case MSR_CSTAR: s->cstar = data; break;
		case MSR_KERNEL_GS_BASE: s->kernel_gs_base = data; break;
		case MSR_FS_BASE: s->fs.base = data; break;
		case MSR_GS_BASE: s->gs.base = data; break;
		case MSR_IA32_SYSENTER_ESP: s->sysenter_esp = data; break;
		case MSR_IA32_SYSENTER_EIP: s->sysenter_eip = data; break;
		}
		return 0;
	case MSR_IA32_CR_PAT:
		if (!valid_pat(data))
			return -EINVAL;
		s->g_pat = data;
		return 0;
	default:
		return -ENOENT;
	}
}

/*
 * An exit in the middle of delivering an event (e.g. a nested page fault
 * on the IDT) loses the event unless it is injected again (15.7.2). Soft
 * interrupts and INT3/INTO are not: RIP still points at the instruction,
 * which raises them again when it re-executes.
 */
static void reinject_interrupted_event(struct vmcb_control *c)
{
	u64 info = c->exit_int_info;
	u64 type = info & SVM_EVTINJ_TYPE_MASK;
	u8 vector = info & SVM_EVTINJ_VECTOR_MASK;

	c->event_inj = 0;
	if (!(info & SVM_EVTINJ_VALID) || type == SVM_EVTINJ_TYPE_SOFT)
		return;
	if (type == SVM_EVTINJ_TYPE_EXEPT &&
	    (vector == X86_VEC_BP || vector == X86_VEC_OF))
		return;
	c->event_inj = info;
}

static void decode_ioio(const struct vmcb_control *c, struct vmm_exit *exit)
{
	u64 info = c->exit_info_1;

	exit->reason = VMM_EXIT_IO;
	exit->io.in = info & SVM_IOIO_TYPE_IN;
	exit->io.string = info & SVM_IOIO_STR;
	exit->io.rep = info & SVM_IOIO_REP;
	/* A16/A32/A64 are one-hot bits 7..9: 2, 4 or 8 bytes */
	exit->io.addr_bytes = ((info & SVM_IOIO_ASIZE_MASK) >> SVM_IOIO_ASIZE_SHIFT) << 1;
	exit->io.port = info >> SVM_IOIO_PORT_SHIFT;
	/* SZ8/SZ16/SZ32 are one-hot bits 4..6: 1, 2 or 4 bytes */
	exit->io.size = (info & SVM_IOIO_SIZE_MASK) >> SVM_IOIO_SIZE_SHIFT;
	/* The next RIP is in EXITINFO2 even without the NRIP feature. */
	exit->io.next_rip = c->exit_info_2;
}

/* Where the guest goes on after an instruction the exit is for: NRIP
 * when the CPU saves it (15.7.1), else its usual length (without decode
 * assists, prefixes on these are not seen; compilers do not emit any). */
static u64 next_rip(struct vmm_vcpu *vcpu, const struct vmcb_control *c,
		    unsigned int len)
{
	return svm_has_nrips ? c->next_rip : vcpu->rip + len;
}

/* Exits for instructions the handler completes (RIP moves past them): the
 * STI/MOV SS shadow they may sit in ends with them, as it would have. */
static bool ends_shadow(u32 code)
{
	return code == SVM_EXIT_HLT || code == SVM_EXIT_CPUID ||
	       code == SVM_EXIT_WBINVD || code == SVM_EXIT_INVD ||
	       code == SVM_EXIT_MONITOR || code == SVM_EXIT_MWAIT ||
	       code == SVM_EXIT_VMMCALL ||
	       code == SVM_EXIT_MSR || code == SVM_EXIT_XSETBV ||
	       code == SVM_EXIT_IOIO || code == SVM_EXIT_CR0_SEL_WRITE ||
	       code <= SVM_EXIT_WRITE_CR0 + 15;
}

static void decode_exit(struct vmm_vcpu *vcpu, struct vmm_exit *exit)
{
	const struct vmcb_control *c = &to_svm(vcpu)->vmcb->control;

	exit->hw_code = c->exit_code;
	exit->hw_info1 = c->exit_info_1;
	exit->hw_info2 = c->exit_info_2;
	exit->hw_int_info = c->exit_int_info;

	switch (c->exit_code) {
	case SVM_EXIT_INTR:
	case SVM_EXIT_NMI:
	case SVM_EXIT_SMI:
	case SVM_EXIT_INIT:
		/* The host takes it once GIF and IF are set again. */
		exit->reason = VMM_EXIT_NONE;
		break;
	case SVM_EXIT_EXCP_BASE + X86_VEC_MC:
		exit->reason = VMM_EXIT_MCE;
		break;
	case SVM_EXIT_EXCP_BASE + X86_VEC_DB:
		exit->reason = VMM_EXIT_DB;
		break;
	case SVM_EXIT_EXCP_BASE + X86_VEC_AC:
		/* #AC's error code is always 0 (SDM vol. 3, 6.15). */
		exit->reason = VMM_EXIT_EXCEPTION;
		exit->exc.vector = X86_VEC_AC;
		exit->exc.has_error = true;
		exit->exc.error = 0;
		break;
	case SVM_EXIT_IOIO:
		decode_ioio(c, exit);
		break;
	case SVM_EXIT_HLT:
		exit->reason = VMM_EXIT_HLT;
		/* HLT is one byte (F4); prefixes on it are not used. */
		exit->hlt.next_rip = next_rip(vcpu, c, 1);
		break;
	case SVM_EXIT_CPUID:
		exit->reason = VMM_EXIT_CPUID;
		exit->cpuid.next_rip = next_rip(vcpu, c, 2); /* 0F A2 */
		break;
	case SVM_EXIT_MSR:
		exit->reason = VMM_EXIT_MSR;
		exit->msr.index = vcpu->gprs[GPR_RCX];
		exit->msr.write = c->exit_info_1 & SVM_MSR_EXIT_WRITE;
		exit->msr.next_rip = next_rip(vcpu, c, 2); /* 0F 30 / 0F 32 */
		break;
	case SVM_EXIT_XSETBV:
		exit->reason = VMM_EXIT_XSETBV;
		exit->xsetbv.next_rip = next_rip(vcpu, c, 3); /* 0F 01 D1 */
		break;
	case SVM_EXIT_VINTR:
		exit->reason = VMM_EXIT_IRQ_WINDOW;
		break;
	case SVM_EXIT_READ_CR0 + 4:
	case SVM_EXIT_WRITE_CR0:
	case SVM_EXIT_WRITE_CR0 + 4:
	case SVM_EXIT_WRITE_CR0 + 8:
	case SVM_EXIT_CR0_SEL_WRITE:
		/* No decode assists: EXITINFO1 says nothing, cr.c decodes. */
		exit->reason = VMM_EXIT_CR;
		exit->cr.write = c->exit_code != SVM_EXIT_READ_CR0 + 4;
		exit->cr.cr = c->exit_code == SVM_EXIT_CR0_SEL_WRITE ? 0 :
			      c->exit_code & 0xf;
		break;
	case SVM_EXIT_WBINVD:
	case SVM_EXIT_INVD:
		/* Caches are the host's business: with nested paging the
		 * guest's memory is coherent; skipped as KVM does. */
		exit->reason = VMM_EXIT_NOP;
		exit->nop.next_rip = next_rip(vcpu, c, 2); /* 0F 09 / 0F 08 */
		break;
	case SVM_EXIT_RDPMC:
		/* No performance counters in the guest's CPUID: RDPMC of
		 * a counter that does not exist is #GP(0) (SDM vol. 2B). */
		exit->reason = VMM_EXIT_GP;
		break;
	case SVM_EXIT_MONITOR:
	case SVM_EXIT_MWAIT:
	case SVM_EXIT_MWAIT_COND:
		/* Not in the guest's CPUID, yet KVM runs them as NOPs
		 * (guests that use them unchecked keep working). */
		exit->reason = VMM_EXIT_NOP;
		exit->nop.next_rip = next_rip(vcpu, c, 3); /* 0F 01 C8/C9/FB */
		break;
	case SVM_EXIT_VMMCALL:
		/* No hypercalls: answered as KVM answers an unknown one,
		 * RAX = -KVM_ENOSYS (linux/kvm_para.h). */
		exit->reason = VMM_EXIT_HYPERCALL;
		exit->nop.next_rip = next_rip(vcpu, c, 3); /* 0F 01 D9 */
		break;
	case SVM_EXIT_RDPRU:
		/* Not in the guest's CPUID. */
		exit->reason = VMM_EXIT_UD;
		break;
	case SVM_EXIT_IRET:
		exit->reason = VMM_EXIT_IRET;
		break;
	case SVM_EXIT_SHUTDOWN:
		exit->reason = VMM_EXIT_SHUTDOWN;
		break;
	case SVM_EXIT_NPF:
		exit->reason = VMM_EXIT_NPF;
		exit->npf.gpa = c->exit_info_2;
		exit->npf.present = c->exit_info_1 & SVM_NPF_PRESENT;
		exit->npf.write = c->exit_info_1 & SVM_NPF_WRITE;
		exit->npf.fetch = c->exit_info_1 & SVM_NPF_FETCH;
		break;
	case SVM_EXIT_VMRUN:
	case SVM_EXIT_VMLOAD:
	case SVM_EXIT_VMSAVE:
	case SVM_EXIT_STGI:
	case SVM_EXIT_CLGI:
	case SVM_EXIT_SKINIT:
	case SVM_EXIT_INVLPGA:
		/* The guest's CPUID has no SVM: these are undefined to it. */
		exit->reason = VMM_EXIT_UD;
		break;
	case SVM_EXIT_INVALID:
		exit->reason = VMM_EXIT_FAIL_ENTRY;
		break;
	default:
		exit->reason = VMM_EXIT_UNHANDLED;
		break;
	}
}

/*
 * CLGI and STGI #UD once EFER.SVME is clear: the reboot notifier and the
 * kernel's emergency restart path (which clears SVME on every CPU by NMI)
 * can do that under a vCPU. The fault is then caught here and the vCPU
 * leaves instead of oopsing the host.
 */
static bool svm_clgi(void)
{
	asm goto("1: clgi\n\t" _ASM_EXTABLE(1b, %l[fault])
		 ::: "memory" : fault);
	return true;
fault:
	return false;
}

static void svm_stgi(void)
{
	asm goto("1: stgi\n\t" _ASM_EXTABLE(1b, %l[fault])
		 ::: "memory" : fault);
fault:
	return;
}

/*
 * QEMU's software SVM (7.2, our nested test host) sometimes leaves the
 * host's state in the save area after a #VMEXIT (seen: RIP inside
 * vmm_svm_enter, CR3 the host's page table; the next entry then ran the
 * guest at a host address, an NPT fault at "host PGD | 0xff8" ending in
 * KVM_EXIT_INTERNAL_ERROR). Real CPUs never do (APM vol. 2, 15.6: #VMEXIT
 * saves the guest's state). No guest can be at our VMRUN instruction with
 * this process's CR3, so that pair identifies it; the entry is then undone:
 * the save area and the event injection back as handed to VMRUN, the exit
 * taken as a physical interrupt (re-entered). Only under a hypervisor
 * (CPUID.1:ECX[31]), where the copy before each entry costs nothing that
 * matters; on bare metal nothing is copied or checked.
 */
static bool host_state_in_save_area(const struct vmcb *vmcb)
{
	unsigned long rip = vmcb->save.rip;

	return rip - (unsigned long)vmm_svm_enter < 0x400 &&
	       (vmcb->save.cr3 & PAGE_MASK) == (__read_cr3() & PAGE_MASK);
}

static void undo_corrupted_exit(struct vmm_vcpu *vcpu, struct svm_vcpu *svm)
{
	struct vmcb *vmcb = svm->vmcb;
	/* The general registers are the CPU's at the exit, saved by
	 * vmm_svm_enter: the same as handed to VMRUN means the guest (most
	 * likely) ran nothing and the undo is exact; changed means it ran and
	 * its state after is lost. Seen: #VMEXIT 0x400 (NPF) on the fetch of
	 * our own instruction after VMRUN, its page walk at the host's
	 * CR3 | 0xff8, i.e. QEMU fetched host code with nested paging still
	 * on. Rate-limited, for the test logs. */
	bool ran = memcmp(svm->entry_gprs, vcpu->gprs, sizeof(svm->entry_gprs));

	pr_warn_ratelimited("svm: vcpu %u: the save area held this CPU's host state after #VMEXIT %#llx (info1 %#llx info2 %#llx; a software SVM's bug): the entry is undone; guest registers %s\n",
			    vcpu->id, (u64)vmcb->control.exit_code,
			    (u64)vmcb->control.exit_info_1,
			    (u64)vmcb->control.exit_info_2,
			    ran ? "changed: it ran, its later state is lost" : "unchanged");
	memcpy(&vmcb->save, svm->entry_save, sizeof(vmcb->save));
	vmcb->control.event_inj = svm->entry_event_inj;
	vmcb->control.exit_int_info = 0;
	vmcb->control.exit_code = SVM_EXIT_INTR;
	vmcb->control.exit_info_1 = 0;
	vmcb->control.exit_info_2 = 0;
}

static void svm_run(struct vmm_vcpu *vcpu, struct vmm_exit *exit)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb *vmcb = svm->vmcb;
	struct svm_cpu *sc = this_cpu_ptr(&svm_cpu);
	int faults;

	assign_asid(svm, smp_processor_id());
	if (sc->flush_all_pending)
		vmcb->control.tlb_control = SVM_TLB_CONTROL_FLUSH_ALL;
	vmcb->save.rax = vcpu->gprs[GPR_RAX];
	vmcb->save.rsp = vcpu->gprs[GPR_RSP];
	vmcb->save.rip = vcpu->rip;
	vmcb->save.rflags = vcpu->rflags;
	/* Physical interrupts stay the host's whatever happened to the VMCB
	 * since init_controls: QEMU's SVM (7.2) stores its host-mode int_ctl,
	 * 0, into the VMCB when VMRUN fails its early CR0/CR3/CR4 checks, and
	 * without V_INTR_MASKING a guest with RFLAGS.IF clear masks host
	 * interrupts for as long as it spins (an RCU stall, a host CPU lost:
	 * seen with the ioctl fuzzer), and its CR8 writes reach the host's
	 * TPR. Set on every entry, so no path can leave it off (15.21.1). */
	vmcb->control.int_ctl |= SVM_V_INTR_MASKING;
	/* Nothing is cached across entries: a vCPU may move between CPUs,
	 * and common code edits the VMCB freely (15.15). */
	vmcb->control.clean = 0;
	if (svm->entry_save) {
		memcpy(svm->entry_save, &vmcb->save, sizeof(vmcb->save));
		svm->entry_event_inj = vmcb->control.event_inj;
		memcpy(svm->entry_gprs, vcpu->gprs, sizeof(svm->entry_gprs));
	}

	/*
	 * GIF clear holds off interrupts and NMIs until STGI; host IF set
	 * lets a physical interrupt arriving while the guest runs cause the
	 * INTR intercept (with V_INTR_MASKING, the host's IF governs physical
	 * interrupts in the guest: 15.21.1, 15.17).
	 *
	 * XCR0 and PKRU are the guest's only inside that window: an NMI or #MC
	 * handler must never run with them (APM vol. 2, 15.17 on GIF).
	 */
	if (!svm_clgi()) {
		exit->reason = VMM_EXIT_HW_OFF;
		return;
	}
	vmm_load_guest_xsave_state(vcpu);
	local_irq_enable();
	faults = vmm_svm_enter(vcpu->gprs, svm->vmcb_pa,
			       page_to_phys(sc->host_save));
	local_irq_disable();
	vmm_load_host_xsave_state(vcpu);
	svm_stgi();
	vmcb->control.tlb_control = SVM_TLB_CONTROL_NONE;
	if (faults) {
		exit->reason = VMM_EXIT_HW_OFF;
		return;
	}
	/* (a failed VMRUN is handled below: it must stay an exit) */
	if (svm->entry_save && vmcb->control.exit_code != SVM_EXIT_INVALID &&
	    host_state_in_save_area(vmcb))
		undo_corrupted_exit(vcpu, svm);

	/*
	 * A VMRUN that fails its checks runs nothing, so the registers are
	 * still the ones handed to it (hardware leaves the save area alone;
	 * QEMU's software SVM writes the host's RIP, RSP, RAX and RFLAGS
	 * there: taking those would leak host addresses to userspace and
	 * start the guest at one).
	 */
	if (vmcb->control.exit_code != SVM_EXIT_INVALID) {
		vcpu->gprs[GPR_RAX] = vmcb->save.rax;
		vcpu->gprs[GPR_RSP] = vmcb->save.rsp;
		vcpu->rip = vmcb->save.rip;
		vcpu->rflags = vmcb->save.rflags;
		sc->flush_all_pending = false;
	}

	decode_exit(vcpu, exit);
	if (exit->reason != VMM_EXIT_FAIL_ENTRY)
		reinject_interrupted_event(&vmcb->control);
	if (ends_shadow(vmcb->control.exit_code))
		vmcb->control.int_state &= ~SVM_INT_STATE_SHADOW;
}

const struct vmm_backend vmm_svm_backend = {
	.name = "svm",
	.probe = svm_probe,
	.setup = svm_setup,
	.teardown = svm_teardown,
	.cpu_enable = svm_cpu_enable,
	.cpu_disable = svm_cpu_disable,
	.vm_init = svm_vm_init,
	.vm_destroy = svm_vm_destroy,
	.max_gpa = svm_max_gpa,
	.map_page = svm_map_page,
	.unmap_range = svm_unmap_range,
	.write_protect_range = svm_write_protect_range,
	.age_range = svm_age_range,
	.vcpu_create = svm_vcpu_create,
	.vcpu_free = svm_vcpu_free,
	.vcpu_reset = svm_vcpu_reset,
	.get_sregs = svm_get_sregs,
	.set_sregs = svm_set_sregs,
	.flush_guest_tlb = svm_flush_guest_tlb,
	.get_cr4 = svm_get_cr4,
	.set_cr0 = svm_set_cr0,
	.set_cr4 = svm_set_cr4,
	.set_cr8 = svm_set_cr8,
	.get_msr = svm_get_msr,
	.set_msr = svm_set_msr,
	.get_dr67 = svm_get_dr67,
	.set_dr67 = svm_set_dr67,
	.set_tsc_offset = svm_set_tsc_offset,
	.event_injection_busy = svm_event_injection_busy,
	.interrupt_allowed = svm_interrupt_allowed,
	.inject_event = svm_inject_event,
	.set_irq_window = svm_set_irq_window,
	.set_iret_exit = svm_set_iret_exit,
	.set_db_exit = svm_set_db_exit,
	.get_injected_event = svm_get_injected_event,
	.cancel_injected_event = svm_cancel_injected_event,
	.get_interrupt_shadow = svm_get_interrupt_shadow,
	.set_interrupt_shadow = svm_set_interrupt_shadow,
	.set_cr2 = svm_set_cr2,
	.run = svm_run,
};
