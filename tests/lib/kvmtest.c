// SPDX-License-Identifier: GPL-2.0
/*
 * kvmtest: helpers for tests that drive the KVM ioctl ABI. See kvmtest.h.
 */
#include "kvmtest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

/* x86 architectural bits the setup code uses. */
#define CR0_PE		(1u << 0)
#define CR0_MP		(1u << 1)
#define CR0_ET		(1u << 4)
#define CR0_NE		(1u << 5)
#define CR0_WP		(1u << 16)
#define CR0_PG		(1u << 31)
#define CR4_PAE		(1u << 5)
#define EFER_LME	(1u << 8)
#define EFER_LMA	(1u << 10)

#define PTE_PRESENT	(1ull << 0)
#define PTE_WRITABLE	(1ull << 1)
#define PTE_LARGE	(1ull << 7)	/* 2 MiB page in a page directory */

#define SEG_TYPE_DATA_RW_ACCESSED	0x3
#define SEG_TYPE_CODE_RX_ACCESSED	0xb
#define SEG_TYPE_TSS_BUSY		0xb
#define TSS_LIMIT			0x67

#define GIB (1ull << 30)
#define MIB (1ull << 20)

/* --- device and raw ioctls --------------------------------------------- */

const char *kt_device_path(void)
{
	const char *env = getenv("VMM_DEV");

	if (env && *env)
		return env;
	if (access("/dev/vmm", F_OK) == 0)
		return "/dev/vmm";
	return "/dev/kvm";
}

int kt_ioctl(int fd, unsigned long request, void *arg)
{
	int ret = ioctl(fd, request, arg);

	return ret < 0 ? -errno : ret;
}

int kt_ioctl_value(int fd, unsigned long request, unsigned long arg)
{
	int ret = ioctl(fd, request, arg);

	return ret < 0 ? -errno : ret;
}

int kt_check_extension(int fd, long capability)
{
	return kt_ioctl_value(fd, KVM_CHECK_EXTENSION, capability);
}

int kt_open_system(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	int version;

	if (fd < 0)
		return -errno;
	version = kt_ioctl_value(fd, KVM_GET_API_VERSION, 0);
	if (version != KT_API_VERSION) {
		close(fd);
		return version < 0 ? version : -EPROTO;
	}
	return fd;
}

/* --- VMs and memory --------------------------------------------------- */

int kt_vm_create(struct kt_vm *vm)
{
	memset(vm, 0, sizeof(*vm));
	vm->sys_fd = -1;
	vm->vm_fd = -1;
	vm->device = kt_device_path();

	vm->sys_fd = kt_open_system(vm->device);
	if (vm->sys_fd < 0)
		return vm->sys_fd;
	vm->vm_fd = kt_ioctl_value(vm->sys_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0) {
		int err = vm->vm_fd;

		kt_vm_destroy(vm);
		return err;
	}
	return 0;
}

static void unmap_slot(struct kt_slot *slot)
{
	if (slot->used && slot->host)
		munmap(slot->host, slot->size);
	memset(slot, 0, sizeof(*slot));
}

void kt_vm_destroy(struct kt_vm *vm)
{
	/* Close the VM before unmapping, so no slot refers to freed memory. */
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->sys_fd >= 0)
		close(vm->sys_fd);
	vm->vm_fd = -1;
	vm->sys_fd = -1;
	for (int i = 0; i < KT_MAX_SLOTS; i++)
		unmap_slot(&vm->slots[i]);
}

int kt_set_memory_region(int vm_fd, uint32_t slot, uint32_t flags,
			 uint64_t gpa, uint64_t size, uint64_t host_address)
{
	struct kvm_userspace_memory_region region = {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = host_address,
	};

	return kt_ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &region);
}

static struct kt_slot *find_slot(struct kt_vm *vm, uint32_t slot)
{
	for (int i = 0; i < KT_MAX_SLOTS; i++)
		if (vm->slots[i].used && vm->slots[i].slot == slot)
			return &vm->slots[i];
	return NULL;
}

static struct kt_slot *free_slot_entry(struct kt_vm *vm)
{
	for (int i = 0; i < KT_MAX_SLOTS; i++)
		if (!vm->slots[i].used)
			return &vm->slots[i];
	return NULL;
}

int kt_vm_add_memory(struct kt_vm *vm, uint32_t slot, uint64_t gpa,
		     uint64_t size, void **host)
{
	return kt_vm_add_memory_flags(vm, slot, 0, gpa, size, host);
}

int kt_vm_add_memory_flags(struct kt_vm *vm, uint32_t slot, uint32_t flags,
			   uint64_t gpa, uint64_t size, void **host)
{
	struct kt_slot *entry;
	void *mem;
	int ret;

	if (find_slot(vm, slot))
		return -EEXIST;
	entry = free_slot_entry(vm);
	if (!entry)
		return -ENOSPC;

	mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED)
		return -errno;

	ret = kt_set_memory_region(vm->vm_fd, slot, flags, gpa, size,
				   (uintptr_t)mem);
	if (ret < 0) {
		munmap(mem, size);
		return ret;
	}
	*entry = (struct kt_slot){ .used = true, .slot = slot, .gpa = gpa,
				   .size = size, .host = mem };
	if (host)
		*host = mem;
	return 0;
}

int kt_vm_delete_memory(struct kt_vm *vm, uint32_t slot)
{
	struct kt_slot *entry = find_slot(vm, slot);
	int ret;

	if (!entry)
		return -ENOENT;
	ret = kt_set_memory_region(vm->vm_fd, slot, 0, entry->gpa, 0,
				   (uintptr_t)entry->host);
	if (ret < 0)
		return ret;
	unmap_slot(entry);
	return 0;
}

void *kt_gpa_to_host(struct kt_vm *vm, uint64_t gpa, size_t len)
{
	for (int i = 0; i < KT_MAX_SLOTS; i++) {
		struct kt_slot *s = &vm->slots[i];

		if (s->used && gpa >= s->gpa && len <= s->size &&
		    gpa - s->gpa <= s->size - len)
			return (char *)s->host + (gpa - s->gpa);
	}
	return NULL;
}

int kt_write_guest(struct kt_vm *vm, uint64_t gpa, const void *bytes,
		   size_t len)
{
	void *dst = kt_gpa_to_host(vm, gpa, len);

	if (!dst)
		return -EFAULT;
	memcpy(dst, bytes, len);
	return 0;
}

/* --- vCPUs ------------------------------------------------------------ */

int kt_vcpu_create(struct kt_vm *vm, unsigned int id, struct kt_vcpu *vcpu)
{
	int mmap_size;
	void *run;

	memset(vcpu, 0, sizeof(*vcpu));
	vcpu->fd = -1;
	vcpu->vm = vm;
	vcpu->id = id;

	mmap_size = kt_ioctl_value(vm->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (mmap_size < 0)
		return mmap_size;
	if ((size_t)mmap_size < sizeof(struct kvm_run))
		return -EPROTO;

	vcpu->fd = kt_ioctl_value(vm->vm_fd, KVM_CREATE_VCPU, id);
	if (vcpu->fd < 0)
		return vcpu->fd;

	run = mmap(NULL, mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   vcpu->fd, 0);
	if (run == MAP_FAILED) {
		int err = -errno;

		kt_vcpu_destroy(vcpu);
		return err;
	}
	vcpu->run = run;
	vcpu->run_size = mmap_size;
	return 0;
}

void kt_vcpu_destroy(struct kt_vcpu *vcpu)
{
	if (vcpu->run)
		munmap(vcpu->run, vcpu->run_size);
	if (vcpu->fd >= 0)
		close(vcpu->fd);
	vcpu->run = NULL;
	vcpu->fd = -1;
}

int kt_get_regs(struct kt_vcpu *vcpu, struct kvm_regs *regs)
{
	return kt_ioctl(vcpu->fd, KVM_GET_REGS, regs);
}

int kt_set_regs(struct kt_vcpu *vcpu, const struct kvm_regs *regs)
{
	return kt_ioctl(vcpu->fd, KVM_SET_REGS, (void *)regs);
}

int kt_get_sregs(struct kt_vcpu *vcpu, struct kvm_sregs *sregs)
{
	return kt_ioctl(vcpu->fd, KVM_GET_SREGS, sregs);
}

int kt_set_sregs(struct kt_vcpu *vcpu, const struct kvm_sregs *sregs)
{
	return kt_ioctl(vcpu->fd, KVM_SET_SREGS, (void *)sregs);
}

/* RIP, RSP and the always-one RFLAGS bit; all other GPRs zero. */
static int set_entry_regs(struct kt_vcpu *vcpu, uint64_t rip)
{
	struct kvm_regs regs = {
		.rip = rip,
		.rsp = KT_STACK_TOP,
		.rflags = 0x2,
	};

	return kt_set_regs(vcpu, &regs);
}

static struct kvm_segment real_mode_segment(uint16_t selector, uint8_t type)
{
	return (struct kvm_segment){
		.base = (uint64_t)selector << 4,
		.limit = 0xffff,
		.selector = selector,
		.type = type,
		.present = 1,
		.s = 1,
	};
}

int kt_vcpu_setup_real_mode(struct kt_vcpu *vcpu, uint16_t cs, uint16_t ip)
{
	struct kvm_sregs sregs;
	int ret = kt_get_sregs(vcpu, &sregs);

	if (ret < 0)
		return ret;
	/* Keep everything else at its reset value; enable caching (CR0.CD
	 * and NW clear) as firmware would. */
	sregs.cr0 = CR0_ET;
	sregs.cs = real_mode_segment(cs, SEG_TYPE_CODE_RX_ACCESSED);
	sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss =
		real_mode_segment(cs, SEG_TYPE_DATA_RW_ACCESSED);
	ret = kt_set_sregs(vcpu, &sregs);
	if (ret < 0)
		return ret;
	return set_entry_regs(vcpu, ip);
}

/*
 * Segment registers are described once, as kvm_segment values, and encoded
 * into the in-memory GDT from those, so the hidden parts loaded through
 * SREGS always match what a guest reload from the GDT would give.  The
 * values are the ones KVM's GET_SREGS reports back unchanged (accessed bit
 * set, TSS busy, G=1 with a 4 GiB limit).
 */
static struct kvm_segment flat_segment(uint16_t selector, uint8_t type)
{
	return (struct kvm_segment){
		.base = 0,
		.limit = 0xffffffff,
		.selector = selector,
		.type = type,
		.present = 1,
		.s = 1,
		.db = 1,
		.g = 1,
	};
}

static struct kvm_segment code64_segment(void)
{
	struct kvm_segment cs = flat_segment(KT_SEL_CODE64,
					     SEG_TYPE_CODE_RX_ACCESSED);

	cs.db = 0;
	cs.l = 1;
	return cs;
}

static struct kvm_segment tss_segment(void)
{
	return (struct kvm_segment){
		.base = KT_TSS_GPA,
		.limit = TSS_LIMIT,
		.selector = KT_SEL_TSS,
		.type = SEG_TYPE_TSS_BUSY,
		.present = 1,
	};
}

static uint64_t gdt_descriptor(const struct kvm_segment *s)
{
	uint32_t limit = s->g ? s->limit >> 12 : s->limit;
	uint64_t d = 0;

	d |= limit & 0xffff;
	d |= (s->base & 0xffffffull) << 16;
	d |= (uint64_t)(s->type & 0xf) << 40;
	d |= (uint64_t)(s->s & 1) << 44;
	d |= (uint64_t)(s->dpl & 3) << 45;
	d |= (uint64_t)(s->present & 1) << 47;
	d |= (uint64_t)((limit >> 16) & 0xf) << 48;
	d |= (uint64_t)(s->avl & 1) << 52;
	d |= (uint64_t)(s->l & 1) << 53;
	d |= (uint64_t)(s->db & 1) << 54;
	d |= (uint64_t)(s->g & 1) << 55;
	d |= ((s->base >> 24) & 0xffull) << 56;
	return d;
}

/* GDT: null, 32-bit code, data, 64-bit code, TSS (16 bytes); and a TSS. */
static int write_descriptor_tables(struct kt_vm *vm)
{
	struct kvm_segment code32 = flat_segment(KT_SEL_CODE32,
						 SEG_TYPE_CODE_RX_ACCESSED);
	struct kvm_segment data = flat_segment(KT_SEL_DATA,
					       SEG_TYPE_DATA_RW_ACCESSED);
	struct kvm_segment code64 = code64_segment();
	struct kvm_segment tss = tss_segment();
	uint64_t gdt[KT_GDT_SIZE / 8] = { 0 };
	uint8_t tss_bytes[TSS_LIMIT + 1] = { 0 };
	int ret;

	gdt[KT_SEL_CODE32 / 8] = gdt_descriptor(&code32);
	gdt[KT_SEL_DATA / 8] = gdt_descriptor(&data);
	gdt[KT_SEL_CODE64 / 8] = gdt_descriptor(&code64);
	gdt[KT_SEL_TSS / 8] = gdt_descriptor(&tss);
	gdt[KT_SEL_TSS / 8 + 1] = tss.base >> 32;

	ret = kt_write_guest(vm, KT_GDT_GPA, gdt, sizeof(gdt));
	if (ret < 0)
		return ret;
	return kt_write_guest(vm, KT_TSS_GPA, tss_bytes, sizeof(tss_bytes));
}

static void set_descriptor_table_registers(struct kvm_sregs *sregs)
{
	sregs->gdt.base = KT_GDT_GPA;
	sregs->gdt.limit = KT_GDT_SIZE - 1;
	/* No IDT: any exception escalates to a shutdown (triple fault), which
	 * makes a guest bug visible as KVM_EXIT_SHUTDOWN at once. */
	sregs->idt.base = 0;
	sregs->idt.limit = 0;
	sregs->tr = tss_segment();
	sregs->ldt = (struct kvm_segment){ .type = 0x2, .unusable = 1 };
}

void kt_protected_mode_sregs(struct kvm_sregs *sregs)
{
	struct kvm_segment data = flat_segment(KT_SEL_DATA,
					       SEG_TYPE_DATA_RW_ACCESSED);

	sregs->cr0 = CR0_PE | CR0_ET;
	sregs->cr3 = 0;
	sregs->cr4 = 0;
	sregs->efer = 0;
	sregs->cs = flat_segment(KT_SEL_CODE32, SEG_TYPE_CODE_RX_ACCESSED);
	sregs->ds = sregs->es = sregs->fs = sregs->gs = sregs->ss = data;
	set_descriptor_table_registers(sregs);
}

int kt_vcpu_setup_protected_mode(struct kt_vcpu *vcpu, uint32_t eip)
{
	struct kvm_sregs sregs;
	int ret;

	ret = write_descriptor_tables(vcpu->vm);
	if (ret < 0)
		return ret;
	ret = kt_get_sregs(vcpu, &sregs);
	if (ret < 0)
		return ret;
	kt_protected_mode_sregs(&sregs);
	ret = kt_set_sregs(vcpu, &sregs);
	if (ret < 0)
		return ret;
	return set_entry_regs(vcpu, eip);
}

void kt_long_mode_sregs(struct kvm_sregs *sregs)
{
	kt_protected_mode_sregs(sregs);
	sregs->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	sregs->cr3 = KT_PAGE_TABLES_GPA;
	sregs->cr4 = CR4_PAE;
	sregs->efer = EFER_LME | EFER_LMA;
	sregs->cs = code64_segment();
}

/*
 * Page map level 4 at KT_PAGE_TABLES_GPA, one page-directory-pointer table
 * after it, then one page directory per GiB, each mapping 512 2 MiB pages.
 */
int kt_build_identity_page_tables(struct kt_vm *vm)
{
	uint64_t pdpt_gpa = KT_PAGE_TABLES_GPA + KT_PAGE_SIZE;
	uint64_t pd_gpa = pdpt_gpa + KT_PAGE_SIZE;
	uint64_t *pml4, *pdpt, *pd;

	pml4 = kt_gpa_to_host(vm, KT_PAGE_TABLES_GPA,
			      KT_PAGE_TABLES_END - KT_PAGE_TABLES_GPA);
	if (!pml4)
		return -EFAULT;
	pdpt = pml4 + 512;
	pd = pdpt + 512;

	memset(pml4, 0, KT_PAGE_TABLES_END - KT_PAGE_TABLES_GPA);
	pml4[0] = pdpt_gpa | PTE_PRESENT | PTE_WRITABLE;
	for (uint64_t gib = 0; gib < KT_IDENTITY_MAP_GIB; gib++) {
		pdpt[gib] = (pd_gpa + gib * KT_PAGE_SIZE) |
			    PTE_PRESENT | PTE_WRITABLE;
		for (uint64_t i = 0; i < 512; i++)
			pd[gib * 512 + i] = (gib * GIB + i * 2 * MIB) |
					    PTE_PRESENT | PTE_WRITABLE |
					    PTE_LARGE;
	}
	return 0;
}

int kt_vcpu_setup_long_mode(struct kt_vcpu *vcpu, uint64_t rip)
{
	struct kvm_sregs sregs;
	int ret;

	ret = write_descriptor_tables(vcpu->vm);
	if (ret < 0)
		return ret;
	ret = kt_build_identity_page_tables(vcpu->vm);
	if (ret < 0)
		return ret;
	ret = kt_get_sregs(vcpu, &sregs);
	if (ret < 0)
		return ret;
	kt_long_mode_sregs(&sregs);
	ret = kt_set_sregs(vcpu, &sregs);
	if (ret < 0)
		return ret;
	return set_entry_regs(vcpu, rip);
}

/* --- interrupts and exceptions -------------------------------------- */

#define IDT_VECTORS		256
#define GATE_TYPE_INTERRUPT	0xe	/* 32-bit / 64-bit interrupt gate */
#define IVT_LIMIT		(IDT_VECTORS * 4 - 1)

int kt_vcpu_set_idt_gate(struct kt_vcpu *vcpu, uint8_t vector,
			 uint64_t handler)
{
	struct kvm_sregs sregs;
	int ret = kt_get_sregs(vcpu, &sregs);

	if (ret < 0)
		return ret;
	if (sregs.efer & EFER_LMA) {
		uint64_t gate[2];

		gate[0] = (handler & 0xffff) |
			  ((uint64_t)KT_SEL_CODE64 << 16) |
			  ((uint64_t)(0x80 | GATE_TYPE_INTERRUPT) << 40) |
			  ((handler >> 16) & 0xffff) << 48;
		gate[1] = handler >> 32;
		ret = kt_write_guest(vcpu->vm, KT_IDT_GPA + 16 * vector, gate,
				     sizeof(gate));
		sregs.idt.base = KT_IDT_GPA;
		sregs.idt.limit = IDT_VECTORS * 16 - 1;
	} else if (sregs.cr0 & CR0_PE) {
		uint64_t gate;

		gate = (handler & 0xffff) |
		       ((uint64_t)KT_SEL_CODE32 << 16) |
		       ((uint64_t)(0x80 | GATE_TYPE_INTERRUPT) << 40) |
		       ((handler >> 16) & 0xffff) << 48;
		ret = kt_write_guest(vcpu->vm, KT_IDT_GPA + 8 * vector, &gate,
				     sizeof(gate));
		sregs.idt.base = KT_IDT_GPA;
		sregs.idt.limit = IDT_VECTORS * 8 - 1;
	} else {
		uint16_t entry[2] = { (uint16_t)handler, 0 };

		if (handler > 0xffff)
			return -EINVAL;
		ret = kt_write_guest(vcpu->vm, 4 * vector, entry,
				     sizeof(entry));
		sregs.idt.base = 0;
		sregs.idt.limit = IVT_LIMIT;
	}
	if (ret < 0)
		return ret;
	return kt_set_sregs(vcpu, &sregs);
}

int kt_vcpu_set_idt_gates(struct kt_vcpu *vcpu, unsigned int first,
			  unsigned int count, uint64_t handlers,
			  unsigned int stride)
{
	for (unsigned int i = 0; i < count; i++) {
		int ret = kt_vcpu_set_idt_gate(vcpu, first + i,
					       handlers + (uint64_t)i * stride);

		if (ret < 0)
			return ret;
	}
	return 0;
}

/* --- MSRs and CPUID --------------------------------------------------- */

struct one_msr {
	struct kvm_msrs header;
	struct kvm_msr_entry entry;
};

int kt_get_msr(struct kt_vcpu *vcpu, uint32_t index, uint64_t *value)
{
	struct one_msr msr = {
		.header.nmsrs = 1,
		.entry.index = index,
	};
	int ret = kt_ioctl(vcpu->fd, KVM_GET_MSRS, &msr);

	if (ret == 1 && value)
		*value = msr.entry.data;
	return ret;
}

int kt_set_msr(struct kt_vcpu *vcpu, uint32_t index, uint64_t value)
{
	struct one_msr msr = {
		.header.nmsrs = 1,
		.entry.index = index,
		.entry.data = value,
	};

	return kt_ioctl(vcpu->fd, KVM_SET_MSRS, &msr);
}

#define CPUID_FIRST_NENT	64
#define CPUID_MAX_NENT		4096

struct kvm_cpuid2 *kt_get_supported_cpuid(int sys_fd)
{
	for (unsigned int nent = CPUID_FIRST_NENT; nent <= CPUID_MAX_NENT;
	     nent *= 2) {
		struct kvm_cpuid2 *cpuid;
		int ret;

		cpuid = calloc(1, sizeof(*cpuid) +
				  nent * sizeof(struct kvm_cpuid_entry2));
		if (!cpuid)
			return NULL;
		cpuid->nent = nent;
		ret = kt_ioctl(sys_fd, KVM_GET_SUPPORTED_CPUID, cpuid);
		if (ret == 0)
			return cpuid;
		free(cpuid);
		if (ret != -E2BIG) {
			errno = -ret;
			return NULL;
		}
	}
	errno = E2BIG;
	return NULL;
}

struct kvm_cpuid_entry2 *kt_cpuid_find(struct kvm_cpuid2 *cpuid,
				       uint32_t function, uint32_t index)
{
	for (uint32_t i = 0; i < cpuid->nent; i++) {
		struct kvm_cpuid_entry2 *e = &cpuid->entries[i];

		if (e->function != function)
			continue;
		if (!(e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) ||
		    e->index == index)
			return e;
	}
	return NULL;
}

int kt_set_cpuid(struct kt_vcpu *vcpu, const struct kvm_cpuid_entry2 *entries,
		 unsigned int nent)
{
	size_t size = nent * sizeof(struct kvm_cpuid_entry2);
	struct kvm_cpuid2 *cpuid = calloc(1, sizeof(*cpuid) + size);
	int ret;

	if (!cpuid)
		return -ENOMEM;
	cpuid->nent = nent;
	if (size)
		memcpy(cpuid->entries, entries, size);
	ret = kt_ioctl(vcpu->fd, KVM_SET_CPUID2, cpuid);
	free(cpuid);
	return ret;
}

/* --- running ---------------------------------------------------------- */

int kt_run(struct kt_vcpu *vcpu)
{
	int ret = kt_ioctl_value(vcpu->fd, KVM_RUN, 0);

	return ret < 0 ? ret : (int)vcpu->run->exit_reason;
}

const char *kt_exit_reason_name(uint32_t reason)
{
	static const char *const names[] = {
		[KVM_EXIT_UNKNOWN] = "UNKNOWN",
		[KVM_EXIT_EXCEPTION] = "EXCEPTION",
		[KVM_EXIT_IO] = "IO",
		[KVM_EXIT_HYPERCALL] = "HYPERCALL",
		[KVM_EXIT_DEBUG] = "DEBUG",
		[KVM_EXIT_HLT] = "HLT",
		[KVM_EXIT_MMIO] = "MMIO",
		[KVM_EXIT_IRQ_WINDOW_OPEN] = "IRQ_WINDOW_OPEN",
		[KVM_EXIT_SHUTDOWN] = "SHUTDOWN",
		[KVM_EXIT_FAIL_ENTRY] = "FAIL_ENTRY",
		[KVM_EXIT_INTR] = "INTR",
		[KVM_EXIT_SET_TPR] = "SET_TPR",
		[KVM_EXIT_TPR_ACCESS] = "TPR_ACCESS",
		[KVM_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR",
		[KVM_EXIT_SYSTEM_EVENT] = "SYSTEM_EVENT",
	};

	if (reason < sizeof(names) / sizeof(names[0]) && names[reason])
		return names[reason];
	return "?";
}

void *kt_io_data(struct kt_vcpu *vcpu)
{
	return (char *)vcpu->run + vcpu->run->io.data_offset;
}

static uint32_t read_io_value(const void *data, uint8_t size)
{
	uint32_t value = 0;

	memcpy(&value, data, size <= 4 ? size : 4);
	return value;
}

void kt_describe_exit(const struct kt_vcpu *vcpu, char *buf, size_t size)
{
	const struct kvm_run *run = vcpu->run;
	int n = snprintf(buf, size, "exit %u (%s)", run->exit_reason,
			 kt_exit_reason_name(run->exit_reason));

	if (n < 0 || (size_t)n >= size)
		return;
	buf += n;
	size -= n;
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		snprintf(buf, size, ": %s port 0x%x size %u count %u value 0x%x",
			 run->io.direction == KVM_EXIT_IO_OUT ? "out" : "in",
			 run->io.port, run->io.size, run->io.count,
			 read_io_value((const char *)run + run->io.data_offset,
				       run->io.size));
		break;
	case KVM_EXIT_MMIO: {
		uint64_t data = 0;

		memcpy(&data, run->mmio.data,
		       run->mmio.len <= 8 ? run->mmio.len : 8);
		snprintf(buf, size, ": %s gpa 0x%llx len %u data 0x%llx",
			 run->mmio.is_write ? "write" : "read",
			 (unsigned long long)run->mmio.phys_addr,
			 run->mmio.len, (unsigned long long)data);
		break;
	}
	case KVM_EXIT_FAIL_ENTRY:
		snprintf(buf, size, ": hardware reason 0x%llx cpu %u",
			 (unsigned long long)
			 run->fail_entry.hardware_entry_failure_reason,
			 run->fail_entry.cpu);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		snprintf(buf, size, ": suberror %u ndata %u data[0] 0x%llx",
			 run->internal.suberror, run->internal.ndata,
			 (unsigned long long)run->internal.data[0]);
		break;
	default:
		break;
	}
}

static void report_unexpected_exit(const struct kt_vcpu *vcpu,
				   const char *expected)
{
	char what[160];

	kt_describe_exit(vcpu, what, sizeof(what));
	fprintf(stderr, "kvmtest: vcpu %u: expected %s, got %s\n",
		vcpu->id, expected, what);
}

bool kt_exit_is_io(const struct kt_vcpu *vcpu, uint8_t direction,
		   uint16_t port, uint8_t size, uint32_t count)
{
	const struct kvm_run *run = vcpu->run;
	char expected[96];

	if (run->exit_reason == KVM_EXIT_IO && run->io.direction == direction &&
	    run->io.port == port && run->io.size == size &&
	    run->io.count == count)
		return true;
	snprintf(expected, sizeof(expected),
		 "IO %s port 0x%x size %u count %u",
		 direction == KVM_EXIT_IO_OUT ? "out" : "in", port, size, count);
	report_unexpected_exit(vcpu, expected);
	return false;
}

bool kt_exit_is_mmio(const struct kt_vcpu *vcpu, uint64_t gpa, uint32_t len,
		     bool is_write)
{
	const struct kvm_run *run = vcpu->run;
	char expected[96];

	if (run->exit_reason == KVM_EXIT_MMIO && run->mmio.phys_addr == gpa &&
	    run->mmio.len == len && !!run->mmio.is_write == is_write)
		return true;
	snprintf(expected, sizeof(expected), "MMIO %s gpa 0x%llx len %u",
		 is_write ? "write" : "read", (unsigned long long)gpa, len);
	report_unexpected_exit(vcpu, expected);
	return false;
}

static int run_and_check_io(struct kt_vcpu *vcpu, uint8_t direction,
			    uint16_t port, uint8_t size)
{
	int ret = kt_run(vcpu);

	if (ret < 0) {
		fprintf(stderr, "kvmtest: vcpu %u: KVM_RUN failed: %s\n",
			vcpu->id, strerror(-ret));
		return ret;
	}
	if (!kt_exit_is_io(vcpu, direction, port, size, 1))
		return -EPROTO;
	return 0;
}

int kt_run_expect_out(struct kt_vcpu *vcpu, uint16_t port, uint8_t size,
		      uint32_t *value)
{
	int ret = run_and_check_io(vcpu, KVM_EXIT_IO_OUT, port, size);

	if (ret == 0 && value)
		*value = read_io_value(kt_io_data(vcpu), size);
	return ret;
}

int kt_run_expect_in(struct kt_vcpu *vcpu, uint16_t port, uint8_t size,
		     uint32_t value)
{
	int ret = run_and_check_io(vcpu, KVM_EXIT_IO_IN, port, size);

	if (ret == 0)
		memcpy(kt_io_data(vcpu), &value, size <= 4 ? size : 4);
	return ret;
}

int kt_run_expect_exit(struct kt_vcpu *vcpu, uint32_t reason)
{
	int ret = kt_run(vcpu);

	if (ret < 0) {
		fprintf(stderr, "kvmtest: vcpu %u: KVM_RUN failed: %s\n",
			vcpu->id, strerror(-ret));
		return ret;
	}
	if ((uint32_t)ret != reason) {
		report_unexpected_exit(vcpu, kt_exit_reason_name(reason));
		return -EPROTO;
	}
	return 0;
}
