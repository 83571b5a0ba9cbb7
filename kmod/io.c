// SPDX-License-Identifier: GPL-2.0
/*
 * Port I/O exits. Userspace handles the port; the data goes through the
 * page after kvm_run (KVM_PIO_PAGE_OFFSET), and the next KVM_RUN completes
 * the instruction, as in KVM: IN data into AL/AX/EAX, RIP past it.
 *
 * INS/OUTS (string I/O) move up to a guest page of elements per exit
 * (kvm_run.io.count): OUTS data is read from guest memory before the exit,
 * INS data is written to guest memory by the completion, which also steps
 * RSI/RDI by the direction flag and counts RCX down; a REP instruction is
 * re-executed by the guest until RCX reaches 0 (SDM vol. 2B, INS/OUTS/REP).
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/mm.h>

#include "backend.h"
#include "guest_va.h"
#include "x86/emulate.h"
#include "x86/paging.h"

static u64 addr_mask(u8 bytes)
{
	return bytes == 8 ? ~0ull : (1ull << (8 * bytes)) - 1;
}

/* Write `value` into a register used as an address/counter of `bytes`
 * width: 16-bit leaves the upper bits alone, 32-bit zero-extends. */
static void set_addr_reg(u64 *reg, u64 value, u8 bytes)
{
	if (bytes == 2)
		*reg = (*reg & ~0xffffull) | (value & 0xffff);
	else
		*reg = value & addr_mask(bytes);
}

/*
 * The segment OUTS reads from: DS unless a prefix overrides it (INS always
 * writes ES:RDI). The CPU does not report it here (no decode assists), so
 * the prefixes are read from the instruction.
 */
static int outs_segment(struct vmm_vcpu *vcpu, const struct kvm_sregs *sregs,
			bool long_mode)
{
	u8 insn[15];
	int seg = X86_SEG_DS;
	unsigned int i, n;

	n = vmm_fetch_insn(vcpu, sregs, insn, sizeof(insn));
	for (i = 0; i < n; i++) {
		switch (insn[i]) {
		case 0x26: seg = X86_SEG_ES; continue;
		case 0x2e: seg = X86_SEG_CS; continue;
		case 0x36: seg = X86_SEG_SS; continue;
		case 0x3e: seg = X86_SEG_DS; continue;
		case 0x64: seg = X86_SEG_FS; continue;
		case 0x65: seg = X86_SEG_GS; continue;
		case 0x66: case 0x67: case 0xf0: case 0xf2: case 0xf3:
			continue;
		}
		if (long_mode && (insn[i] & 0xf0) == 0x40)
			continue; /* REX */
		break;
	}
	return seg;
}

static u64 seg_base(const struct kvm_sregs *s, int seg, bool long_mode)
{
	if (long_mode && seg != X86_SEG_FS && seg != X86_SEG_GS)
		return 0;
	switch (seg) {
	case X86_SEG_ES: return s->es.base;
	case X86_SEG_CS: return s->cs.base;
	case X86_SEG_SS: return s->ss.base;
	case X86_SEG_FS: return s->fs.base;
	case X86_SEG_GS: return s->gs.base;
	default: return s->ds.base;
	}
}

static int string_io_error(struct vmm_vcpu *vcpu, const struct vmm_exit *exit,
			   const char *why)
{
	pr_info_ratelimited("vcpu %u: string I/O on port %#x at rip %#llx: %s\n",
			    vcpu->id, exit->io.port, vcpu->rip, why);
	vmm_set_internal_error(vcpu, exit);
	return 0;
}

/* Reverse the order of n elements of `size` bytes (DF=1 walks memory
 * downwards while the port sees elements in instruction order). */
static void reverse_elements(u8 *buf, u32 n, u8 size)
{
	u32 i, j;
	u8 tmp[4];

	for (i = 0, j = n - 1; i < j; i++, j--) {
		memcpy(tmp, buf + i * size, size);
		memcpy(buf + i * size, buf + j * size, size);
		memcpy(buf + j * size, tmp, size);
	}
}

static void complete_string_io(struct vmm_vcpu *vcpu);

/*
 * OUTS whose first element an ioeventfd takes: the rest go the same way in
 * the kernel, and one that is not taken ends it, dropped (KVM's
 * emulator_pio_in_out: "userspace must have unregistered the device while
 * PIO was running"). The instruction then completes as userspace's would.
 */
static bool outs_to_ioeventfd(struct vmm_vcpu *vcpu, u16 port, u8 size, u32 n)
{
	const u8 *data = vcpu->pio_data;
	u32 i;

	if (!vmm_ioeventfd_write(vcpu->vm, VMM_IOEVENTFD_PIO, port, size, data))
		return false;
	for (i = 1; i < n; i++)
		if (!vmm_ioeventfd_write(vcpu->vm, VMM_IOEVENTFD_PIO, port,
					 size, data + i * size))
			break;
	complete_string_io(vcpu);
	vcpu->pio.active = false;
	return true;
}

static int handle_string_io(struct vmm_vcpu *vcpu, const struct vmm_exit *exit)
{
	struct vmm_pending_io *pio = &vcpu->pio;
	struct kvm_run *run = vcpu->run;
	const struct kvm_sregs *sregs = vmm_read_sregs(vcpu);
	bool long_mode, df = vcpu->rflags & X86_RFLAGS_DF;
	u8 size = exit->io.size, ab = exit->io.addr_bytes;
	u64 count, reg, linear, gpa, first_gpa;
	u32 in_page, n;
	int seg, r;

	long_mode = vmm_long_mode(sregs);
	if (!ab) /* the CPU did not say: the default for the code segment */
		ab = long_mode ? 8 : sregs->cs.db ? 4 : 2;

	count = exit->io.rep ? vcpu->gprs[GPR_RCX] & addr_mask(ab) : 1;
	if (!count) { /* REP with RCX = 0 does nothing */
		vcpu->rip = exit->io.next_rip;
		r = 1;
		goto out;
	}
	if (exit->io.in) {
		seg = X86_SEG_ES;
		reg = vcpu->gprs[GPR_RDI];
	} else {
		seg = outs_segment(vcpu, sregs, long_mode);
		reg = vcpu->gprs[GPR_RSI];
	}
	linear = seg_base(sregs, seg, long_mode) + (reg & addr_mask(ab));
	if (!long_mode)
		linear &= 0xffffffffull;
	r = vmm_translate(vcpu, sregs, linear,
			  (exit->io.in ? X86_PF_WRITE : 0) |
			  (sregs->ss.dpl == 3 ? X86_PF_USER : 0), &gpa);
	if (r > 0) {
		vmm_queue_page_fault(vcpu, linear, X86_PF_ERROR_CODE(r));
		r = 1;
		goto out;
	}
	if (r == -ERANGE) { /* non-canonical: #GP(0) */
		vmm_queue_exception(vcpu, X86_VEC_GP, true, 0);
		r = 1;
		goto out;
	}
	if (r < 0 || !vmm_gpa_is_ram(vcpu->vm, gpa, NULL)) {
		r = string_io_error(vcpu, exit, "memory operand is not RAM");
		goto out;
	}

	/* Elements wholly inside this guest page, in the direction of travel. */
	in_page = df ? offset_in_page(gpa) / size + 1
		     : (PAGE_SIZE - offset_in_page(gpa)) / size;
	if (!in_page || (df && offset_in_page(gpa) + size > PAGE_SIZE)) {
		r = string_io_error(vcpu, exit, "element crosses a page");
		goto out;
	}
	n = min_t(u64, count, in_page);
	first_gpa = df ? gpa - (u64)(n - 1) * size : gpa;

	if (!exit->io.in) {
		if (vmm_read_guest(vcpu->vm, first_gpa, vcpu->pio_data, n * size)) {
			r = string_io_error(vcpu, exit, "cannot read the data");
			goto out;
		}
		if (df)
			reverse_elements(vcpu->pio_data, n, size);
	}
	run->exit_reason = KVM_EXIT_IO;
	run->io.direction = exit->io.in ? KVM_EXIT_IO_IN : KVM_EXIT_IO_OUT;
	run->io.size = size;
	run->io.port = exit->io.port;
	run->io.count = n;
	run->io.data_offset = KVM_PIO_PAGE_OFFSET * PAGE_SIZE;

	*pio = (struct vmm_pending_io){
		.active = true, .in = exit->io.in, .size = size,
		.rip = vcpu->rip, .next_rip = exit->io.next_rip,
		.string = true, .rep = exit->io.rep, .addr_bytes = ab,
		.count = n, .ins_gpa = first_gpa,
	};
	r = 0;
	if (!exit->io.in && outs_to_ioeventfd(vcpu, exit->io.port, size, n))
		r = 1;
out:
	return r;
}

int vmm_handle_io(struct vmm_vcpu *vcpu, const struct vmm_exit *exit)
{
	struct kvm_run *run = vcpu->run;

	if (exit->io.string)
		return handle_string_io(vcpu, exit);
	/* A write an ioeventfd takes completes here: no exit (KVM's fast
	 * PIO path, kernel_pio()). */
	if (!exit->io.in &&
	    vmm_ioeventfd_write(vcpu->vm, VMM_IOEVENTFD_PIO, exit->io.port,
				exit->io.size, &vcpu->gprs[GPR_RAX])) {
		vcpu->rip = exit->io.next_rip;
		return 1;
	}
	run->exit_reason = KVM_EXIT_IO;
	run->io.direction = exit->io.in ? KVM_EXIT_IO_IN : KVM_EXIT_IO_OUT;
	run->io.size = exit->io.size;
	run->io.port = exit->io.port;
	run->io.count = 1;
	run->io.data_offset = KVM_PIO_PAGE_OFFSET * PAGE_SIZE;
	if (!exit->io.in)
		memcpy(vcpu->pio_data, &vcpu->gprs[GPR_RAX], exit->io.size);

	/* As KVM, RIP stays on the instruction until userspace completes it
	 * with the next KVM_RUN. */
	vcpu->pio = (struct vmm_pending_io){
		.active = true, .in = exit->io.in, .size = exit->io.size,
		.rip = vcpu->rip, .next_rip = exit->io.next_rip,
	};
	return 0;
}

static void complete_string_io(struct vmm_vcpu *vcpu)
{
	struct vmm_pending_io *pio = &vcpu->pio;
	u64 *g = vcpu->gprs;
	u32 bytes = pio->count * pio->size;
	int reg = pio->in ? GPR_RDI : GPR_RSI;
	s64 step = (vcpu->rflags & X86_RFLAGS_DF) ? -(s64)bytes : bytes;
	u64 left;

	if (pio->in) {
		if (vcpu->rflags & X86_RFLAGS_DF)
			reverse_elements(vcpu->pio_data, pio->count, pio->size);
		/* The page was RAM at the exit; if userspace removed it since,
		 * the data is dropped as a write to nothing would be. */
		vmm_write_guest(vcpu->vm, pio->ins_gpa, vcpu->pio_data, bytes);
	}
	set_addr_reg(&g[reg], g[reg] + step, pio->addr_bytes);
	if (!pio->rep) {
		vcpu->rip = pio->next_rip;
		return;
	}
	left = (g[GPR_RCX] & addr_mask(pio->addr_bytes)) - pio->count;
	set_addr_reg(&g[GPR_RCX], left, pio->addr_bytes);
	if (!left)
		vcpu->rip = pio->next_rip;
}

/* At KVM_RUN: finish the port I/O userspace handled. Skipped if userspace
 * moved RIP meanwhile. Returns 1 to go on into the guest. */
int vmm_complete_io(struct vmm_vcpu *vcpu)
{
	struct vmm_pending_io *pio = &vcpu->pio;
	u64 *rax = &vcpu->gprs[GPR_RAX];
	u32 data = 0;

	if (!pio->active)
		return 1;
	pio->active = false;
	if (vcpu->rip != pio->rip)
		return 1;
	if (pio->string) {
		complete_string_io(vcpu);
		return 1;
	}
	if (pio->in) {
		memcpy(&data, vcpu->pio_data, pio->size);
		switch (pio->size) {
		case 1:
			*rax = (*rax & ~0xffull) | (u8)data;
			break;
		case 2:
			*rax = (*rax & ~0xffffull) | (u16)data;
			break;
		default: /* a 32-bit destination zero-extends (SDM vol. 1, 3.4.1.1) */
			*rax = data;
			break;
		}
	}
	vcpu->rip = pio->next_rip;
	return 1;
}
