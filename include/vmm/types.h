/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fixed-width types for headers shared by the kernel module and userspace
 * (unit tests, the monitor): the kernel spells them u8..u64, so userspace
 * gets the same names here.
 */
#ifndef VMM_TYPES_H
#define VMM_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/build_bug.h>
#define VMM_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#else
#include <stdint.h>
#include <stdbool.h>
#include <assert.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
#define VMM_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif

#endif /* VMM_TYPES_H */
