/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VMM_FIRMWARE_H
#define VMM_FIRMWARE_H

#include <stddef.h>

/* Read a whole file (firmware, kernel, initrd). NULL and a message in err
 * when it cannot; *size holds the length. Free with free(). */
void *firmware_read_file(const char *path, size_t *size, size_t max,
			 char *err, size_t errlen);

#endif /* VMM_FIRMWARE_H */
