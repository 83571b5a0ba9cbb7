// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU state for diagnostics (see vcpu_dump.h). Only ioctls every KVM-ABI
 * accelerator has, so the same dump comes from /dev/vmm and /dev/kvm.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vmm/vcpu_dump.h"

static void dump_segment(FILE *f, const char *name, const struct kvm_segment *s)
{
	fprintf(f, "vmm:   %-3s sel %04x base %016llx limit %08x type %x s%u dpl%u p%u l%u db%u g%u%s\n",
		name, s->selector, (unsigned long long)s->base, s->limit,
		s->type, s->s, s->dpl, s->present, s->l, s->db, s->g,
		s->unusable ? " unusable" : "");
}

void vcpu_dump_state(const struct accel *a, FILE *f)
{
	struct kvm_regs r;
	struct kvm_sregs s;
	unsigned i;

	if (ioctl(a->vcpu_fd, KVM_GET_REGS, &r) < 0 ||
	    ioctl(a->vcpu_fd, KVM_GET_SREGS, &s) < 0) {
		fprintf(f, "vmm: cannot read the vCPU state: %s\n", strerror(errno));
		return;
	}
	fprintf(f, "vmm: vCPU 0 state (%s):\n", a->device);
	fprintf(f, "vmm:   rip %016llx rflags %08llx rsp %016llx rbp %016llx\n",
		(unsigned long long)r.rip, (unsigned long long)r.rflags,
		(unsigned long long)r.rsp, (unsigned long long)r.rbp);
	fprintf(f, "vmm:   rax %016llx rbx %016llx rcx %016llx rdx %016llx\n",
		(unsigned long long)r.rax, (unsigned long long)r.rbx,
		(unsigned long long)r.rcx, (unsigned long long)r.rdx);
	fprintf(f, "vmm:   rsi %016llx rdi %016llx r8  %016llx r9  %016llx\n",
		(unsigned long long)r.rsi, (unsigned long long)r.rdi,
		(unsigned long long)r.r8, (unsigned long long)r.r9);
	fprintf(f, "vmm:   r10 %016llx r11 %016llx r12 %016llx r13 %016llx\n",
		(unsigned long long)r.r10, (unsigned long long)r.r11,
		(unsigned long long)r.r12, (unsigned long long)r.r13);
	fprintf(f, "vmm:   r14 %016llx r15 %016llx\n",
		(unsigned long long)r.r14, (unsigned long long)r.r15);
	fprintf(f, "vmm:   cr0 %016llx cr2 %016llx cr3 %016llx cr4 %016llx\n",
		(unsigned long long)s.cr0, (unsigned long long)s.cr2,
		(unsigned long long)s.cr3, (unsigned long long)s.cr4);
	fprintf(f, "vmm:   cr8 %llx efer %llx apic_base %llx\n",
		(unsigned long long)s.cr8, (unsigned long long)s.efer,
		(unsigned long long)s.apic_base);
	dump_segment(f, "cs", &s.cs);
	dump_segment(f, "ss", &s.ss);
	dump_segment(f, "ds", &s.ds);
	dump_segment(f, "es", &s.es);
	dump_segment(f, "fs", &s.fs);
	dump_segment(f, "gs", &s.gs);
	dump_segment(f, "tr", &s.tr);
	dump_segment(f, "ldt", &s.ldt);
	fprintf(f, "vmm:   gdt base %016llx limit %04x idt base %016llx limit %04x\n",
		(unsigned long long)s.gdt.base, s.gdt.limit,
		(unsigned long long)s.idt.base, s.idt.limit);
	for (i = 0; i < sizeof(s.interrupt_bitmap) / sizeof(s.interrupt_bitmap[0]); i++)
		if (s.interrupt_bitmap[i])
			fprintf(f, "vmm:   pending interrupt bitmap[%u] %016llx\n", i,
				(unsigned long long)s.interrupt_bitmap[i]);
}
