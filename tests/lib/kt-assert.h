/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Result checks for the cmocka test programs (include after <cmocka.h>):
 * compare an ioctl result (>= 0, or -errno) with the expected one and, when
 * they differ, say where, what was called and both answers by name.
 */
#ifndef KT_ASSERT_H
#define KT_ASSERT_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static inline bool check_result_at(long got, long want, const char *what,
				   const char *file, int line)
{
	if (got == want)
		return true;
	fprintf(stderr, "%s: %s:%d: %s\n%s:   gave %ld (%s), expected %ld (%s)\n",
		program_invocation_short_name, file, line, what,
		program_invocation_short_name, got,
		got < 0 ? strerror(-got) : "ok", want,
		want < 0 ? strerror(-want) : "ok");
	return false;
}

/* Check a result; say what differs. */
#define check_result(got, want) \
	check_result_at((got), (want), #got, __FILE__, __LINE__)
/* The same, failing the test at once. */
#define assert_result(got, want) \
	do { \
		if (!check_result((got), (want))) \
			fail(); \
	} while (0)

#endif /* KT_ASSERT_H */
