// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of the module's pure x86 logic: the instruction emulator
 * (kmod/x86/emulate.c), the guest page walker (kmod/x86/paging.c) and the
 * control-register decoder and write checks (kmod/x86/cregs.c),
 * compiled for UML by tests/kunit/run. It runs the very cases the userspace
 * unit tests run (tests/unit/emulate_cases.h with the checks of
 * emulate_check.h, and tests/unit/paging_cases.h), so the same code is
 * proven in the kernel's build environment (kernel headers, -mno-sse and
 * friends, kernel string functions) as well.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/string.h>

#include "emulate_check.h"
#include "paging_cases.h"
#include "cr_cases.h"

static void emu_case_desc(const struct emu_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(emu_case, emu_cases, emu_case_desc);

static void emulate_case_test(struct kunit *test)
{
	const struct emu_case *c = test->param_value;
	char msg[160] = "";

	KUNIT_EXPECT_EQ_MSG(test, emu_case_check(c, msg, sizeof(msg)), 0,
			    "%s: %s", c->name, msg);
}

static void paging_desc(const struct paging_test *t, char *desc)
{
	strscpy(desc, t->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(paging, paging_tests, paging_desc);

static void paging_case_test(struct kunit *test)
{
	const struct paging_test *t = test->param_value;
	char msg[160] = "";

	KUNIT_EXPECT_EQ_MSG(test, t->fn(msg, sizeof(msg)), 0, "%s: %s",
			    t->name, msg);
}

static void cr_desc(const struct cr_test *t, char *desc)
{
	strscpy(desc, t->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(cr, cr_tests, cr_desc);

static void cr_case_test(struct kunit *test)
{
	const struct cr_test *t = test->param_value;
	char msg[160] = "";

	KUNIT_EXPECT_EQ_MSG(test, t->fn(msg, sizeof(msg)), 0, "%s: %s",
			    t->name, msg);
}

static struct kunit_case vmm_x86_cases[] = {
	KUNIT_CASE_PARAM(emulate_case_test, emu_case_gen_params),
	KUNIT_CASE_PARAM(paging_case_test, paging_gen_params),
	KUNIT_CASE_PARAM(cr_case_test, cr_gen_params),
	{}
};

static struct kunit_suite vmm_x86_suite = {
	.name = "vmm-x86",
	.test_cases = vmm_x86_cases,
};
kunit_test_suite(vmm_x86_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of vmm's x86 instruction emulator and page walker");
