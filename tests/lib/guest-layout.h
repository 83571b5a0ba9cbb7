/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where things live in a test guest's physical memory.
 *
 * Shared by the C test library and the guest payloads (tests/guests/NAME.S), so
 * this header holds #defines only.  Every payload is linked at KT_CODE_GPA and
 * loaded there; the library writes its descriptor tables and page tables at
 * the addresses below when it sets up protected or long mode.
 */
#ifndef KT_GUEST_LAYOUT_H
#define KT_GUEST_LAYOUT_H

#define KT_PAGE_SIZE		0x1000

#define KT_GDT_GPA		0x0500	/* flat GDT, see KT_SEL_* */
#define KT_TSS_GPA		0x0600	/* a zeroed 104-byte TSS for TR */
#define KT_CODE_GPA		0x1000	/* payloads are linked and loaded here */
#define KT_CODE_MAX_SIZE	0x2000
#define KT_DATA_GPA		0x3000	/* a scratch page shared with the test */
#define KT_STACK_TOP		0x8000	/* initial SP/ESP/RSP */
/* IDT written by kt_vcpu_set_idt_gate() in protected and long mode (256
 * gates of 8 or 16 bytes); real mode uses the IVT at 0. */
#define KT_IDT_GPA		0x9000

/* Long mode: identity map of the first KT_IDENTITY_MAP_GIB GiB, 2 MiB pages. */
#define KT_PAGE_TABLES_GPA	0x10000
#define KT_IDENTITY_MAP_GIB	8
#define KT_PAGE_TABLES_END \
	(KT_PAGE_TABLES_GPA + (2 + KT_IDENTITY_MAP_GIB) * KT_PAGE_SIZE)

/* Selectors of the GDT the library writes at KT_GDT_GPA. */
#define KT_SEL_CODE32		0x08
#define KT_SEL_DATA		0x10
#define KT_SEL_CODE64		0x18
#define KT_SEL_TSS		0x20	/* 16-byte system descriptor */
#define KT_GDT_SIZE		0x30

#endif
