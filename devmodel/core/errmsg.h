/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One-line error messages for the caller's buffer (char *err, size_t
 * errlen), the convention of every devmodel/ function that can fail on
 * user input: a NULL or empty buffer means the caller does not want it.
 */
#ifndef DEVMODEL_ERRMSG_H
#define DEVMODEL_ERRMSG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

static inline void dm_set_error(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static inline void dm_set_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

#endif /* DEVMODEL_ERRMSG_H */
