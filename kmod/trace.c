// SPDX-License-Identifier: GPL-2.0
/*
 * The per-vCPU exit trace (see trace.h). The ring is allocated on the first
 * exit after the parameter is set (writable at run time through
 * /sys/module/vmm/parameters/exit_trace), freed with the vCPU. Only the
 * vCPU's own thread touches it (KVM_RUN holds the vCPU mutex).
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/module.h>
#include <linux/slab.h>

#include "backend.h"
#include "trace.h"

#define TRACE_MAX 256

static unsigned int exit_trace;
module_param(exit_trace, uint, 0644);
MODULE_PARM_DESC(exit_trace,
		 "remember each vCPU's last N exits (max 256) and print them when the guest shuts down or fails (debugging; default 0: off)");

struct vmm_trace_entry {
	u64 code, info1, info2, int_info, rip;
	u32 injected;   /* vector | type << 8 | 1 << 31 when an event went in */
	s16 cpu;
};

struct vmm_exit_trace {
	unsigned int size, next, count;
	u32 injected;   /* at the coming entry */
	struct vmm_trace_entry e[];
};

static struct vmm_exit_trace *trace_get(struct vmm_vcpu *vcpu)
{
	unsigned int n = READ_ONCE(exit_trace);
	struct vmm_exit_trace *t = vcpu->trace;

	if (likely(!n && !t))
		return NULL;
	if (t)
		return t;
	n = min(n, (unsigned int)TRACE_MAX);
	/* Called with interrupts on, between entries. */
	t = kzalloc(struct_size(t, e, n), GFP_KERNEL_ACCOUNT);
	if (t)
		t->size = n;
	vcpu->trace = t;
	return t;
}

void vmm_trace_record_inject(struct vmm_vcpu *vcpu, const struct vmm_event *ev)
{
	struct vmm_exit_trace *t = vcpu->trace; /* no allocation: IRQs are off */

	if (unlikely(t))
		t->injected = ev->vector | (u32)ev->type << 8 | 1u << 31;
}

void vmm_trace_record_exit(struct vmm_vcpu *vcpu, const struct vmm_exit *exit)
{
	struct vmm_exit_trace *t = trace_get(vcpu);
	struct vmm_trace_entry *e;

	if (likely(!t))
		return;
	e = &t->e[t->next];
	e->code = exit->hw_code;
	e->info1 = exit->hw_info1;
	e->info2 = exit->hw_info2;
	e->int_info = exit->hw_int_info;
	e->rip = vcpu->rip;
	e->injected = t->injected;
	e->cpu = vcpu->cpu;
	t->injected = 0;
	t->next = (t->next + 1) % t->size;
	if (t->count < t->size)
		t->count++;
}

void vmm_trace_dump(struct vmm_vcpu *vcpu, const char *why)
{
	struct vmm_exit_trace *t = vcpu->trace;
	struct kvm_sregs *s = &vcpu->emu_sregs;
	unsigned int i;

	if (!t)
		return;
	vmm_backend->get_sregs(vcpu, s);
	pr_info("vcpu %u: %s: rip %#llx rsp %#llx rflags %#llx cr0 %#llx cr2 %#llx cr3 %#llx cr4 %#llx efer %#llx\n",
		vcpu->id, why, vcpu->rip, vcpu->gprs[GPR_RSP], vcpu->rflags,
		s->cr0, s->cr2, s->cr3, s->cr4, s->efer);
	pr_info("vcpu %u: cs %#x base %#llx l%u db%u ss %#x idt %#llx/%#x gdt %#llx/%#x tr %#x base %#llx\n",
		vcpu->id, s->cs.selector, s->cs.base, s->cs.l, s->cs.db,
		s->ss.selector, s->idt.base, s->idt.limit, s->gdt.base,
		s->gdt.limit, s->tr.selector, s->tr.base);
	pr_info("vcpu %u: last %u exits, oldest first (cpu code info1 info2 int_info rip [injected at entry])\n",
		vcpu->id, t->count);
	for (i = 0; i < t->count; i++) {
		const struct vmm_trace_entry *e =
			&t->e[(t->next + t->size - t->count + i) % t->size];

		if (e->injected)
			pr_info("  %d %#llx %#llx %#llx %#llx %#llx [type %u vector %#x]\n",
				e->cpu, e->code, e->info1, e->info2, e->int_info,
				e->rip, (e->injected >> 8) & 0xff, e->injected & 0xff);
		else
			pr_info("  %d %#llx %#llx %#llx %#llx %#llx\n", e->cpu,
				e->code, e->info1, e->info2, e->int_info, e->rip);
	}
	t->count = 0;
}

void vmm_trace_free(struct vmm_vcpu *vcpu)
{
	kfree(vcpu->trace);
	vcpu->trace = NULL;
}
