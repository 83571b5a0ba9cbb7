// SPDX-License-Identifier: GPL-2.0
/*
 * vram-test: the VRAM slot and its dirty pages (vmm/vram.c) on the real
 * accelerator (VMM_DEV, in the nested test host). A real-mode guest writes
 * bytes into chosen VRAM pages through the mapping; vram_collect_dirty
 * must report exactly those pages, once, in whichever way the accelerator
 * allows (its dirty log; the page compare when it has none, and forced).
 * Also: the mapping follows a BAR move (unmap, map elsewhere), writes made
 * before a move are not lost, and a range asked in pieces keeps the rest.
 * Prints one line per check and "N passed, N failed".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "vmm/accel.h"
#include "vmm/vram.h"

#define CODE_GPA   0x0000
#define VRAM_PAGES 16
#define VRAM_SIZE  (VRAM_PAGES * 4096)
#define VRAM_GPA_A 0x10000
#define VRAM_GPA_B 0x40000

static unsigned passed, failed;

static void check(int cond, const char *what, const char *mode)
{
	printf("%s: %s (%s)\n", cond ? "ok" : "FAIL", what, mode);
	if (cond)
		passed++;
	else
		failed++;
}

/* Real mode at 0: DS = VRAM segment, one byte per page in `pages`, HLT.
 * Encoded by hand: mov ax, imm16; mov ds, ax; mov byte [imm16], imm8 ...;
 * hlt. */
static size_t guest_code(uint8_t *code, uint32_t vram_gpa, const unsigned *pages,
			 unsigned n)
{
	size_t i = 0;
	uint16_t seg = (uint16_t)(vram_gpa >> 4);

	code[i++] = 0xb8; code[i++] = seg & 0xff; code[i++] = seg >> 8; /* mov ax */
	code[i++] = 0x8e; code[i++] = 0xd8;                               /* mov ds, ax */
	for (unsigned k = 0; k < n; k++) {
		uint16_t off = (uint16_t)(pages[k] * 4096 + 0x123);

		code[i++] = 0xc6; code[i++] = 0x06;                       /* mov byte [off], imm8 */
		code[i++] = off & 0xff; code[i++] = off >> 8;
		code[i++] = (uint8_t)(0x40 + k);
	}
	code[i++] = 0xf4;                                                 /* hlt */
	return i;
}

static int run_guest(struct accel *a)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs = { .rflags = 2, .rip = CODE_GPA };

	if (ioctl(a->vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
		return -1;
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	sregs.ds.base = 0;
	if (ioctl(a->vcpu_fd, KVM_SET_SREGS, &sregs) < 0 ||
	    ioctl(a->vcpu_fd, KVM_SET_REGS, &regs) < 0)
		return -1;
	for (;;) {
		if (ioctl(a->vcpu_fd, KVM_RUN, 0) < 0 && errno != EINTR)
			return -1;
		if (a->run->exit_reason == KVM_EXIT_HLT)
			return 0;
		if (a->run->exit_reason != KVM_EXIT_INTR) {
			fprintf(stderr, "vram-test: exit %u\n", a->run->exit_reason);
			return -1;
		}
	}
}

/* The dirty pages of [first, first + n) as a mask (n <= 16). */
static unsigned dirty_mask(struct vram *v, size_t first, size_t n)
{
	uint64_t bitmap[1] = { 0 };

	vram_collect_dirty(v, first, n, bitmap);
	return (unsigned)bitmap[0];
}

static unsigned mask_of(const unsigned *pages, unsigned n)
{
	unsigned m = 0;

	for (unsigned k = 0; k < n; k++)
		m |= 1u << pages[k];
	return m;
}

static void one_run(int force_compare)
{
	struct accel a;
	char err[256], what[128];
	uint8_t *code, *vram;
	struct vram *v;
	static const unsigned first[] = { 1, 5, 15 }, second[] = { 2, 3 },
			      third[] = { 0, 9 };
	const char *mode;

	if (accel_open(&a, ACCEL_AUTO, err, sizeof(err)) < 0 ||
	    accel_create_vcpu(&a, err, sizeof(err)) < 0) {
		printf("FAIL: accelerator: %s\n", err);
		failed++;
		return;
	}
	a.no_dirty_log = force_compare;
	code = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	vram = mmap(NULL, VRAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	v = vram_create(&a, vram, VRAM_SIZE);
	if (code == MAP_FAILED || vram == MAP_FAILED || !v ||
	    accel_map(&a, CODE_GPA, 4096, code, false, err, sizeof(err)) < 0) {
		printf("FAIL: setup: %s\n", err);
		failed++;
		return;
	}
	check(vram_bar_map(v, true, VRAM_GPA_A) == 0, "VRAM mapped at 0x10000", "map");
	mode = vram_tracking(v);
	check(dirty_mask(v, 0, VRAM_PAGES) == 0, "nothing dirty before the guest ran", mode);

	guest_code(code, VRAM_GPA_A, first, 3);
	check(run_guest(&a) == 0, "guest wrote pages 1, 5, 15", mode);
	check(vram[1 * 4096 + 0x123] == 0x40 && vram[15 * 4096 + 0x123] == 0x42,
	      "the writes are in the monitor's VRAM buffer", mode);
	/* Asked in two pieces: the second piece's pages wait in between. */
	snprintf(what, sizeof(what), "pages 0-3 dirty: {1} (got %#x)", 0);
	{
		unsigned lo = dirty_mask(v, 0, 4), hi = dirty_mask(v, 4, 12);

		snprintf(what, sizeof(what), "pages 0-3 dirty = {1} (got %#x)", lo);
		check(lo == 0x2, what, mode);
		snprintf(what, sizeof(what), "pages 4-15 dirty = {5, 15} (got %#x)", hi << 4);
		check(hi << 4 == mask_of(first + 1, 2), what, mode);
	}
	check(dirty_mask(v, 0, VRAM_PAGES) == 0, "reported once: clean afterwards", mode);

	/* The BAR moves: unmap, map at the new address. */
	guest_code(code, VRAM_GPA_A, second, 2);
	check(run_guest(&a) == 0, "guest wrote pages 2, 3", mode);
	check(vram_bar_map(v, false, VRAM_GPA_A) == 0 &&
	      vram_bar_map(v, true, VRAM_GPA_B) == 0, "moved to 0x40000", mode);
	guest_code(code, VRAM_GPA_B, third, 2);
	check(run_guest(&a) == 0, "guest wrote pages 0, 9 at the new address", mode);
	check(vram[9 * 4096 + 0x123] == 0x41, "the write through the new address is in VRAM",
	      mode);
	{
		unsigned m = dirty_mask(v, 0, VRAM_PAGES);

		snprintf(what, sizeof(what),
			 "writes before and after the move all reported: {0, 2, 3, 9} (got %#x)", m);
		check(m == (mask_of(second, 2) | mask_of(third, 2)), what, mode);
	}
	printf("tracking: %s\n", vram_tracking(v));
	vram_destroy(v);
	accel_close(&a);
}

int main(void)
{
	one_run(0);
	one_run(1);
	printf("%u passed, %u failed\n", passed, failed);
	return failed != 0;
}
