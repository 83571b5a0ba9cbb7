// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the module's control-register pieces, built into
 * userspace: the decoder of MOV CRn/LMSW/CLTS (kmod/x86/emulate.c) and the
 * write checks (kmod/x86/cregs.c), the cases of cr_cases.h (shared with
 * the KUnit suite), one cmocka test each.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "cr_cases.h"

static void run_cr_test(void **state)
{
	const struct cr_test *t = *state;
	char msg[256];

	if (t->fn(msg, sizeof(msg)))
		fail_msg("%s: %s", t->name, msg);
}

int main(void)
{
	static struct CMUnitTest tests[CR_NR_TESTS];
	unsigned int i;

	for (i = 0; i < CR_NR_TESTS; i++)
		tests[i] = (struct CMUnitTest){
			.name = cr_tests[i].name,
			.test_func = run_cr_test,
			.initial_state = (void *)&cr_tests[i] };
	return _cmocka_run_group_tests("cregs", tests, CR_NR_TESTS, NULL, NULL);
}
