/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AMD SVM: the VMCB layout, intercept bits and exit codes.
 * Source: AMD64 Architecture Programmer's Manual vol. 2 (APM), chapter 15
 * "Secure Virtual Machine" and appendix B "Layout of VMCB".
 * Offsets are checked at compile time against appendix B.
 */
#ifndef VMM_SVM_H
#define VMM_SVM_H

#include "types.h"

/* MSRs (APM vol. 2, 15.30) */
#define MSR_AMD_VM_CR 0xc0010114
#define MSR_AMD_VM_HSAVE_PA 0xc0010117
#define VM_CR_SVMDIS (1ull << 4) /* firmware disabled SVM (and locked it) */

/* CPUID Fn8000_000A: SVM revision and features (APM vol. 3, E.4.9) */
#define CPUID_SVM_FEATURES 0x8000000a
#define SVM_FEATURE_NPT (1u << 0)
#define SVM_FEATURE_NRIPS (1u << 3)

/* Intercept vector 3 (VMCB offset 0x0c), APM Table B-1 */
#define SVM_INTERCEPT_INTR (1u << 0)
#define SVM_INTERCEPT_NMI (1u << 1)
#define SVM_INTERCEPT_SMI (1u << 2)
#define SVM_INTERCEPT_INIT (1u << 3)
#define SVM_INTERCEPT_VINTR (1u << 4)
#define SVM_INTERCEPT_CR0_SEL_WRITE (1u << 5) /* changes beyond TS/MP */
#define SVM_INTERCEPT_RDPMC (1u << 15)
#define SVM_INTERCEPT_CPUID (1u << 18)
#define SVM_INTERCEPT_RSM (1u << 19)
#define SVM_INTERCEPT_IRET (1u << 20)
#define SVM_INTERCEPT_INVD (1u << 22)
#define SVM_INTERCEPT_HLT (1u << 24)
#define SVM_INTERCEPT_INVLPGA (1u << 26)
#define SVM_INTERCEPT_IOIO_PROT (1u << 27)
#define SVM_INTERCEPT_MSR_PROT (1u << 28)
#define SVM_INTERCEPT_TASK_SWITCH (1u << 29)
#define SVM_INTERCEPT_FERR_FREEZE (1u << 30)
#define SVM_INTERCEPT_SHUTDOWN (1u << 31)

/* Intercept vector 4 (VMCB offset 0x10) */
#define SVM_INTERCEPT_VMRUN (1u << 0)
#define SVM_INTERCEPT_VMMCALL (1u << 1)
#define SVM_INTERCEPT_VMLOAD (1u << 2)
#define SVM_INTERCEPT_VMSAVE (1u << 3)
#define SVM_INTERCEPT_STGI (1u << 4)
#define SVM_INTERCEPT_CLGI (1u << 5)
#define SVM_INTERCEPT_SKINIT (1u << 6)
#define SVM_INTERCEPT_WBINVD (1u << 9)
#define SVM_INTERCEPT_MONITOR (1u << 10)
#define SVM_INTERCEPT_MWAIT (1u << 11)
#define SVM_INTERCEPT_MWAIT_COND (1u << 12)
#define SVM_INTERCEPT_XSETBV (1u << 13)
#define SVM_INTERCEPT_RDPRU (1u << 14)

/* CR intercepts (VMCB offset 0x00): reads of CRn bit n, writes 16 + n */
#define SVM_INTERCEPT_CR_READ(n) (1u << (n))
#define SVM_INTERCEPT_CR_WRITE(n) (1u << (16 + (n)))

/* Exception intercepts (VMCB offset 0x08): one bit per vector */
#define SVM_INTERCEPT_EXC(vector) (1u << (vector))
#define X86_VEC_MC 18

/* V_INTR fields (VMCB offset 0x60) */
#define SVM_V_TPR_MASK 0xffull
#define SVM_V_IRQ (1ull << 8)
#define SVM_V_INTR_PRIO_SHIFT 16
#define SVM_V_IGN_TPR (1ull << 20)
#define SVM_V_INTR_MASKING (1ull << 24)

/* INTERRUPT_SHADOW (VMCB offset 0x68): the guest is in the shadow of an
 * STI or MOV SS (APM vol. 2, 15.21.5) */
#define SVM_INT_STATE_SHADOW (1ull << 0)

/* TLB_CONTROL (VMCB offset 0x5c) */
#define SVM_TLB_CONTROL_NONE 0
#define SVM_TLB_CONTROL_FLUSH_ALL 1

/* NP_ENABLE (VMCB offset 0x90) */
#define SVM_NESTED_CTL_NP_ENABLE (1ull << 0)

/* EVENTINJ / EXITINTINFO format (APM vol. 2, 15.20) */
#define SVM_EVTINJ_VECTOR_MASK 0xffull
#define SVM_EVTINJ_TYPE_SHIFT 8
#define SVM_EVTINJ_TYPE_MASK (7ull << SVM_EVTINJ_TYPE_SHIFT)
#define SVM_EVTINJ_TYPE_INTR (0ull << SVM_EVTINJ_TYPE_SHIFT)
#define SVM_EVTINJ_TYPE_NMI (2ull << SVM_EVTINJ_TYPE_SHIFT)
#define SVM_EVTINJ_TYPE_EXEPT (3ull << SVM_EVTINJ_TYPE_SHIFT)
#define SVM_EVTINJ_TYPE_SOFT (4ull << SVM_EVTINJ_TYPE_SHIFT)
#define SVM_EVTINJ_ERR_VALID (1ull << 11)
#define SVM_EVTINJ_VALID (1ull << 31)

/* IOIO intercept EXITINFO1 (APM vol. 2, 15.10.2, Figure 15-2) */
#define SVM_IOIO_TYPE_IN (1ull << 0)
#define SVM_IOIO_STR (1ull << 2)
#define SVM_IOIO_REP (1ull << 3)
#define SVM_IOIO_SIZE_SHIFT 4
#define SVM_IOIO_SIZE_MASK (7ull << SVM_IOIO_SIZE_SHIFT) /* one-hot 1, 2, 4 */
#define SVM_IOIO_ASIZE_SHIFT 7 /* one-hot A16, A32, A64 (bits 7..9) */
#define SVM_IOIO_ASIZE_MASK (7ull << SVM_IOIO_ASIZE_SHIFT)
#define SVM_IOIO_PORT_SHIFT 16

/* Nested page fault EXITINFO1 (APM vol. 2, 15.25.6) */
#define SVM_NPF_PRESENT (1ull << 0)
#define SVM_NPF_WRITE (1ull << 1)
#define SVM_NPF_RSVD (1ull << 3)
#define SVM_NPF_FETCH (1ull << 4)

/* Exit codes (APM vol. 2, appendix C) */
#define SVM_EXIT_READ_CR0 0x000   /* + n: MOV from CRn */
#define SVM_EXIT_WRITE_CR0 0x010  /* + n: MOV to CRn, LMSW and CLTS for CR0 */
#define SVM_EXIT_EXCP_BASE 0x040
#define SVM_EXIT_INTR 0x060
#define SVM_EXIT_NMI 0x061
#define SVM_EXIT_SMI 0x062
#define SVM_EXIT_INIT 0x063
#define SVM_EXIT_VINTR 0x064
#define SVM_EXIT_CR0_SEL_WRITE 0x065
#define SVM_EXIT_RDPMC 0x06f
#define SVM_EXIT_CPUID 0x072
#define SVM_EXIT_IRET 0x074
#define SVM_EXIT_INVD 0x076
#define SVM_EXIT_HLT 0x078
#define SVM_EXIT_INVLPGA 0x07a
#define SVM_EXIT_IOIO 0x07b
#define SVM_EXIT_MSR 0x07c
#define SVM_EXIT_SHUTDOWN 0x07f
#define SVM_EXIT_VMRUN 0x080
#define SVM_EXIT_VMMCALL 0x081
#define SVM_EXIT_VMLOAD 0x082
#define SVM_EXIT_VMSAVE 0x083
#define SVM_EXIT_STGI 0x084
#define SVM_EXIT_CLGI 0x085
#define SVM_EXIT_SKINIT 0x086
#define SVM_EXIT_WBINVD 0x089
#define SVM_EXIT_MONITOR 0x08a
#define SVM_EXIT_MWAIT 0x08b
#define SVM_EXIT_MWAIT_COND 0x08c
#define SVM_EXIT_XSETBV 0x08d
#define SVM_EXIT_RDPRU 0x08e
#define SVM_EXIT_NPF 0x400
#define SVM_EXIT_INVALID 0xffffffffu /* VMRUN's consistency checks failed */

/* Segment attribute packing in the VMCB (APM vol. 2, 15.5.1) */
#define SVM_SEG_TYPE_MASK 0xf
#define SVM_SEG_S_SHIFT 4
#define SVM_SEG_DPL_SHIFT 5
#define SVM_SEG_P_SHIFT 7
#define SVM_SEG_AVL_SHIFT 8
#define SVM_SEG_L_SHIFT 9
#define SVM_SEG_DB_SHIFT 10
#define SVM_SEG_G_SHIFT 11

/* MSR exit: EXITINFO1 says which (APM vol. 2, 15.11) */
#define SVM_MSR_EXIT_WRITE 1

/* Sizes of the permission maps (APM vol. 2, 15.10.1 and 15.11) */
#define SVM_IOPM_SIZE (3 * 4096)
#define SVM_MSRPM_SIZE (2 * 4096)

/* Default guest PAT, the value at RESET (SDM vol. 3, 11.12.4) */
#define X86_PAT_RESET 0x0007040600070406ull

struct vmcb_seg {
	u16 selector;
	u16 attrib;
	u32 limit;
	u64 base;
} __attribute__((packed));

/* Control area, APM Table B-1 */
struct vmcb_control {
	u32 intercept_cr;     /* 0x000: reads 15:0, writes 31:16 */
	u32 intercept_dr;     /* 0x004 */
	u32 intercept_exc;    /* 0x008 */
	u32 intercept_misc1;  /* 0x00c: vector 3 */
	u32 intercept_misc2;  /* 0x010: vector 4 */
	u32 intercept_misc3;  /* 0x014: vector 5 */
	u8 reserved_1[0x3c - 0x18];
	u16 pause_filter_thresh; /* 0x03c */
	u16 pause_filter_count;  /* 0x03e */
	u64 iopm_base_pa;     /* 0x040 */
	u64 msrpm_base_pa;    /* 0x048 */
	u64 tsc_offset;       /* 0x050 */
	u32 asid;             /* 0x058 */
	u8 tlb_control;       /* 0x05c */
	u8 reserved_2[3];
	u64 int_ctl;          /* 0x060 */
	u64 int_state;        /* 0x068: bit 0 interrupt shadow */
	u32 exit_code;        /* 0x070: codes fit in 32 bits; -1 is 0xffffffff */
	u32 exit_code_hi;
	u64 exit_info_1;      /* 0x078 */
	u64 exit_info_2;      /* 0x080 */
	u64 exit_int_info;    /* 0x088 */
	u64 nested_ctl;       /* 0x090 */
	u64 avic_vapic_bar;   /* 0x098 */
	u64 ghcb_pa;          /* 0x0a0 */
	u64 event_inj;        /* 0x0a8 */
	u64 nested_cr3;       /* 0x0b0 */
	u64 virt_ext;         /* 0x0b8 */
	u32 clean;            /* 0x0c0 */
	u32 reserved_3;
	u64 next_rip;         /* 0x0c8 */
	u8 insn_len;          /* 0x0d0 */
	u8 insn_bytes[15];    /* 0x0d1 */
	u8 reserved_4[0x400 - 0x0e0];
} __attribute__((packed));

/* State save area, APM Table B-2 (offsets from the start of the VMCB) */
struct vmcb_save {
	struct vmcb_seg es;   /* 0x400 */
	struct vmcb_seg cs;
	struct vmcb_seg ss;
	struct vmcb_seg ds;
	struct vmcb_seg fs;
	struct vmcb_seg gs;
	struct vmcb_seg gdtr;
	struct vmcb_seg ldtr;
	struct vmcb_seg idtr;
	struct vmcb_seg tr;   /* 0x490 */
	u8 reserved_1[0x4cb - 0x4a0];
	u8 cpl;               /* 0x4cb */
	u32 reserved_2;
	u64 efer;             /* 0x4d0 */
	u8 reserved_3[0x548 - 0x4d8];
	u64 cr4;              /* 0x548 */
	u64 cr3;
	u64 cr0;
	u64 dr7;
	u64 dr6;
	u64 rflags;
	u64 rip;              /* 0x578 */
	u8 reserved_4[0x5d8 - 0x580];
	u64 rsp;              /* 0x5d8 */
	u64 s_cet;
	u64 ssp;
	u64 isst_addr;
	u64 rax;              /* 0x5f8 */
	u64 star;             /* 0x600 */
	u64 lstar;
	u64 cstar;
	u64 sfmask;
	u64 kernel_gs_base;
	u64 sysenter_cs;
	u64 sysenter_esp;
	u64 sysenter_eip;
	u64 cr2;              /* 0x640 */
	u8 reserved_5[0x668 - 0x648];
	u64 g_pat;            /* 0x668 */
	u64 dbgctl;
	u64 br_from;
	u64 br_to;
	u64 last_excp_from;
	u64 last_excp_to;     /* 0x690 */
} __attribute__((packed));

struct vmcb {
	struct vmcb_control control;
	struct vmcb_save save;
} __attribute__((packed));

#define VMCB_CHECK(field, off) \
	VMM_STATIC_ASSERT(__builtin_offsetof(struct vmcb, field) == (off), \
			  "VMCB layout: " #field " is not at " #off)
VMCB_CHECK(control.iopm_base_pa, 0x040);
VMCB_CHECK(control.asid, 0x058);
VMCB_CHECK(control.int_ctl, 0x060);
VMCB_CHECK(control.exit_code, 0x070);
VMCB_CHECK(control.nested_ctl, 0x090);
VMCB_CHECK(control.event_inj, 0x0a8);
VMCB_CHECK(control.nested_cr3, 0x0b0);
VMCB_CHECK(control.clean, 0x0c0);
VMCB_CHECK(control.next_rip, 0x0c8);
VMCB_CHECK(save.es, 0x400);
VMCB_CHECK(save.tr, 0x490);
VMCB_CHECK(save.cpl, 0x4cb);
VMCB_CHECK(save.efer, 0x4d0);
VMCB_CHECK(save.cr4, 0x548);
VMCB_CHECK(save.rip, 0x578);
VMCB_CHECK(save.rsp, 0x5d8);
VMCB_CHECK(save.rax, 0x5f8);
VMCB_CHECK(save.cr2, 0x640);
VMCB_CHECK(save.g_pat, 0x668);

#endif /* VMM_SVM_H */
