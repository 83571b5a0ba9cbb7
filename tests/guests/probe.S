/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A command loop the test drives through port I/O: CPUID, RDMSR, WRMSR,
 * RDTSC, XGETBV, HLT (protocol in guest-abi.h), with exception handlers
 * reporting a #GP from RDMSR/WRMSR and going back to the loop.
 */
#include "guest-idt.h"

	.code64
	.text
	.globl	probe_loop
probe_loop:
	lea	probe_loop(%rip), %r15	/* where a faulting command resumes */
	in	$PROBE_PORT_CMD, %eax
	cmp	$PROBE_CPUID, %eax
	je	do_cpuid
	cmp	$PROBE_RDMSR, %eax
	je	do_rdmsr
	cmp	$PROBE_WRMSR, %eax
	je	do_wrmsr
	cmp	$PROBE_RDTSC, %eax
	je	do_rdtsc
	cmp	$PROBE_XGETBV, %eax
	je	do_xgetbv
	cmp	$PROBE_HLT, %eax
	je	do_hlt
	jmp	probe_loop

do_cpuid:
	in	$PROBE_PORT_ARG, %eax
	mov	%eax, %esi
	in	$PROBE_PORT_ARG, %eax
	mov	%eax, %ecx
	mov	%esi, %eax
	.globl	probe_cpuid
probe_cpuid:
	cpuid
	out	%eax, $PROBE_PORT_RESULT
	mov	%ebx, %eax
	out	%eax, $PROBE_PORT_RESULT
	mov	%ecx, %eax
	out	%eax, $PROBE_PORT_RESULT
	mov	%edx, %eax
	out	%eax, $PROBE_PORT_RESULT
	jmp	probe_loop

do_rdmsr:
	in	$PROBE_PORT_ARG, %eax
	mov	%eax, %ecx
	.globl	probe_rdmsr
probe_rdmsr:
	rdmsr
out_edx_eax:
	out	%eax, $PROBE_PORT_RESULT
	mov	%edx, %eax
	out	%eax, $PROBE_PORT_RESULT
	jmp	probe_loop

do_wrmsr:
	in	$PROBE_PORT_ARG, %eax
	mov	%eax, %ecx
	in	$PROBE_PORT_ARG, %eax
	mov	%eax, %esi
	in	$PROBE_PORT_ARG, %eax
	mov	%eax, %edx
	mov	%esi, %eax
	.globl	probe_wrmsr
probe_wrmsr:
	wrmsr
	mov	$PROBE_DONE, %eax
	out	%eax, $PROBE_PORT_RESULT
	jmp	probe_loop

do_rdtsc:
	rdtsc
	jmp	out_edx_eax

do_xgetbv:
	in	$PROBE_PORT_ARG, %eax
	mov	%eax, %ecx
	.globl	probe_xgetbv
probe_xgetbv:
	xgetbv
	jmp	out_edx_eax

do_hlt:
	hlt
	jmp	probe_loop

	EXC64_HANDLERS probe
