// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the module's pure x86 logic (kmod/x86/sregs.c), built into
 * userspace: KVM_SET_SREGS validation and the VMCB segment encoding.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <vmm/x86.h>
#include "../../kmod/x86/sregs.h"

static struct kvm_sregs reset_state(void)
{
	struct kvm_sregs s;

	memset(&s, 0, sizeof(s));
	s.cr0 = X86_RESET_CR0;
	s.cs = (struct kvm_segment){ .base = 0xffff0000, .limit = 0xffff,
				     .selector = 0xf000, .type = 0xb,
				     .present = 1, .s = 1 };
	return s;
}

static struct kvm_sregs long_mode_state(void)
{
	struct kvm_sregs s = reset_state();

	s.cr0 = CR0_PE | CR0_PG;
	s.cr4 = CR4_PAE;
	s.efer = X86_EFER_LME | X86_EFER_LMA;
	s.cs.l = 1;
	return s;
}

static void valid_states_pass(void **state)
{
	struct kvm_sregs s = reset_state();

	(void)state;
	assert_true(vmm_sregs_valid(&s));
	s = long_mode_state();
	assert_true(vmm_sregs_valid(&s));
	s.cr0 |= CR0_CD | CR0_NW; /* caches off is legal */
	assert_true(vmm_sregs_valid(&s));
}

static void cr0_rules(void **state)
{
	struct kvm_sregs s = reset_state();

	(void)state;
	s.cr0 = CR0_NW; /* NW without CD */
	assert_false(vmm_sregs_valid(&s));
	s.cr0 = CR0_PG; /* paging without protection */
	assert_false(vmm_sregs_valid(&s));
	s.cr0 = CR0_PE | (1ull << 32);
	assert_false(vmm_sregs_valid(&s));
}

static void long_mode_rules(void **state)
{
	struct kvm_sregs s;

	(void)state;
	s = long_mode_state();
	s.cr4 = 0; /* long mode needs PAE */
	assert_false(vmm_sregs_valid(&s));
	s = long_mode_state();
	s.efer &= ~X86_EFER_LMA; /* LME + PG means LMA */
	assert_false(vmm_sregs_valid(&s));
	s = long_mode_state();
	s.cr0 &= ~CR0_PG; /* LMA without paging */
	assert_false(vmm_sregs_valid(&s));
	s = reset_state();
	s.cs.l = 1; /* 64-bit code outside long mode */
	assert_false(vmm_sregs_valid(&s));
}

static void efer_rules(void **state)
{
	struct kvm_sregs s = reset_state();

	(void)state;
	s.efer = X86_EFER_SVME; /* guests get no SVM */
	assert_false(vmm_sregs_valid(&s));
	s.efer = 1ull << 20;
	assert_false(vmm_sregs_valid(&s));
	s.efer = X86_EFER_SCE | X86_EFER_NXE;
	assert_true(vmm_sregs_valid(&s));
}

static void segment_encoding(void **state)
{
	struct kvm_segment code64 = { .base = 0, .limit = 0xffffffff,
				      .selector = 8, .type = 0xb, .present = 1,
				      .s = 1, .l = 1, .g = 1 };
	struct kvm_segment real_cs = reset_state().cs;
	struct vmcb_seg v;

	(void)state;
	vmcb_seg_from_kvm(&v, &real_cs);
	assert_int_equal(v.attrib, 0x9b); /* P, S, type 0xb */
	assert_int_equal(v.selector, 0xf000);
	assert_int_equal(v.base, 0xffff0000);
	vmcb_seg_from_kvm(&v, &code64);
	assert_int_equal(v.attrib, 0xa9b); /* + L and G */
	code64.unusable = 1;
	vmcb_seg_from_kvm(&v, &code64);
	assert_int_equal(v.attrib & (1 << SVM_SEG_P_SHIFT), 0);
}

/* Every attribute combination survives KVM -> VMCB -> KVM, with KVM's
 * normalisations: G follows the limit, unusable is "not present". */
static void segment_round_trip(void **state)
{
	unsigned int a;

	(void)state;
	for (a = 0; a < (1u << 12); a++) {
		struct kvm_segment in = {
			.base = 0x12345000, .selector = 0x28,
			.type = a & 0xf, .s = (a >> 4) & 1, .dpl = (a >> 5) & 3,
			.present = (a >> 7) & 1, .avl = (a >> 8) & 1,
			.l = (a >> 9) & 1, .db = (a >> 10) & 1, .g = (a >> 11) & 1,
		}, out;
		struct vmcb_seg v;

		in.limit = in.g ? 0xffffffff : 0xffff;
		in.unusable = !in.present;
		vmcb_seg_from_kvm(&v, &in);
		assert_int_equal(v.attrib, a);
		vmcb_seg_to_kvm(&v, &out);
		assert_memory_equal(&in, &out, sizeof(in));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_states_pass),
		cmocka_unit_test(cr0_rules),
		cmocka_unit_test(long_mode_rules),
		cmocka_unit_test(efer_rules),
		cmocka_unit_test(segment_encoding),
		cmocka_unit_test(segment_round_trip),
	};

	return cmocka_run_group_tests_name("sregs", tests, NULL, NULL);
}
