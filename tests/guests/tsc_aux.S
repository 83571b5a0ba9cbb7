/* SPDX-License-Identifier: GPL-2.0 */
/* What the guest reads as TSC_AUX: RDTSCP, then OUT ECX (guest-abi.h). */
#include "guest-abi.h"

	.code16
	.text
	rdtscp
	mov	%ecx, %eax
	outl	%eax, $TSC_AUX_PORT
	hlt
