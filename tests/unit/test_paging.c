// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the module's guest page walker (kmod/x86/paging.c), built
 * into userspace: the cases of paging_cases.h (shared with the KUnit
 * suite), one cmocka test each.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "paging_cases.h"

static void run_paging_test(void **state)
{
	const struct paging_test *t = *state;
	char msg[256];

	if (t->fn(msg, sizeof(msg)))
		fail_msg("%s: %s", t->name, msg);
}

int main(void)
{
	static struct CMUnitTest tests[PAGING_NR_TESTS];
	unsigned int i;

	for (i = 0; i < PAGING_NR_TESTS; i++)
		tests[i] = (struct CMUnitTest){
			.name = paging_tests[i].name,
			.test_func = run_paging_test,
			.initial_state = (void *)&paging_tests[i] };
	return _cmocka_run_group_tests("paging", tests, PAGING_NR_TESTS, NULL,
				       NULL);
}
