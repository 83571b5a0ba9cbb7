# SPDX-License-Identifier: GPL-2.0
#
#   make            build vmm.ko (kmod/vmm.ko) and the userspace programs
#   make deps       install the Debian packages the build and the tests need
#   make demo       the first guest: boot the nested test host, load vmm.ko,
#                   run a tiny guest that says hello through port I/O
#   make check      the tests: the KVM-ABI suite on /dev/vmm and on kvm-amd,
#                   in the nested test host (tests/nested/)
#   make bench      the benchmarks, /dev/vmm next to kvm-amd, as ratios
#   make stress     not in make check: the known flakes' tests (storage
#                   scenario b, the two-vCPU test) ROUNDS times each (default
#                   50) on vmm.ko and kvm-amd (tests/stress/run)
#
# KDIR=...  kernel build tree (default: running kernel's, else the newest
#           Debian linux-headers-*-amd64: scripts/find-kdir says which)
# V=1       verbose

CC      ?= gcc
CFLAGS  ?= -O2 -g
CFLAGS  += -Wall -Wextra -Werror -std=gnu11 -Iinclude
LDLIBS  ?=

# KDIR is looked up when the module is built, not when this file is read:
# 'make check' on a fresh machine installs the headers first.
KDIR ?=
kdir = kdir="$(KDIR)"; [ -n "$$kdir" ] || kdir=$$(scripts/find-kdir) || exit 1

TEST_PROGS :=
TEST_PROGS += tests/abi/coexist
# The VRAM slot and its dirty pages on the real accelerator (display-tests).
TEST_PROGS += tests/display/vram-test
# The display tests' programs (below).
TEST_PROGS += tests/display/vnc-client tests/display/vnc-pattern
TEST_PROGS += tests/display/sdl-harness tests/display/sdl-close-window

# The monitor (vmm/vmm): the toolstack command, the emulated PC of devmodel/.
DM_SRCS := $(sort $(wildcard devmodel/*/*.c))
VMM_SRCS := $(sort $(wildcard vmm/*.c vmm/console/*.c))
# Monitor code with no accelerator or threads in it, for unit tests.
VMM_LIB_SRCS := vmm/config.c vmm/config_syntax.c vmm/config_disk.c vmm/coredump.c vmm/linuxboot.c vmm/firmware.c
USER_HDRS := $(wildcard include/vmm/*.h devmodel/*/*.h vmm/*.h vmm/console/*.h)

# SDL2 for the sdl = 1 window (vmm/console/sdl.c). Looked up when used, not
# when this file is read, so 'make deps' works before libsdl2-dev is there.
SDL2_CFLAGS = $(shell pkg-config --cflags sdl2 2>/dev/null)
SDL2_LIBS = $(shell pkg-config --libs sdl2 2>/dev/null)
need_sdl2 = pkg-config --exists sdl2 2>/dev/null || { echo "make: SDL2 not found (pkg-config sdl2): install pkg-config and libsdl2-dev (make deps)" >&2; exit 1; }

# Unit tests (cmocka), no hypervisor needed: the module's pure logic
# (test-sregs, the instruction emulator and page walker: test-emulate,
# test-paging; the same cases also run as KUnit: make kunit), the config parser, the device model on fake buses.
UNIT_TESTS := tests/unit/test-sregs tests/unit/test-emulate tests/unit/test-cregs tests/unit/test-paging \
	$(patsubst %,tests/unit/test-%,config linuxboot io timer guestmem pci \
		i8259 i8254 rtc uart i8042 ps2_keyboard ps2_mouse fwcfg chardev block worker atapi ide vga stdvga display keymap sdl_keys coredump)

.PHONY: all kmod userspace deps demo check bench stress clean kunit
all: kmod userspace

# The module is built by kbuild from the top-level Kbuild file (which descends
# into kmod/); warnings are errors there too (kmod/Kbuild).
kmod:
	@$(kdir); echo "$(MAKE) -C $$kdir M=$(CURDIR) modules"; \
	$(MAKE) -C "$$kdir" M=$(CURDIR) modules

-include tests/tests.mk

userspace: vmm/vmm $(TEST_PROGS) $(UNIT_TESTS)

# Libraries found with pkg-config (the VNC console: libvncserver; its
# keymaps: libxkbcommon): when one is missing, make names the Debian package
# (scripts/install-deps installs them all).
need_pkg = pkg-config --exists $(1) || { echo "make: pkg-config finds no $(1): install $(2) (make deps)" >&2; exit 1; }
VMM_PKGS := libvncserver xkbcommon

vmm/vmm: $(VMM_SRCS) $(DM_SRCS) $(USER_HDRS)
	@$(call need_pkg,libvncserver,libvncserver-dev)
	@$(call need_pkg,xkbcommon,libxkbcommon-dev)
	@$(need_sdl2)
	$(CC) $(CFLAGS) -I. $(SDL2_CFLAGS) -o $@ $(VMM_SRCS) $(DM_SRCS) -pthread $$(pkg-config --libs $(VMM_PKGS)) $(SDL2_LIBS)

# The display tests' programs (tests/display/vnc-tests): a scripted VNC
# client on libvncclient, and the VNC console on a test-pattern device.
tests/display/vnc-client: tests/display/vnc-client.c
	@$(call need_pkg,libvncclient,libvncserver-dev)
	$(CC) $(CFLAGS) -o $@ $< $$(pkg-config --libs libvncclient xkbcommon)
tests/display/vnc-pattern: tests/display/vnc-pattern.c vmm/console/vnc.c vmm/console/keymap.c \
		devmodel/display/display.c devmodel/core/timer.c $(USER_HDRS)
	$(CC) $(CFLAGS) -I. -o $@ $< vmm/console/vnc.c vmm/console/keymap.c \
		devmodel/display/display.c devmodel/core/timer.c -pthread $$(pkg-config --libs $(VMM_PKGS))

# The monitor under ThreadSanitizer (tests/e2e/tsan-tests): races between
# the vCPU thread, the event loop and the workers. Not part of `userspace`.
build/tsan/vmm: $(VMM_SRCS) $(DM_SRCS) $(USER_HDRS)
	@mkdir -p $(@D)
	@$(need_sdl2)
	$(CC) -O1 -g -fsanitize=thread -fno-omit-frame-pointer $(filter-out -O2,$(CFLAGS)) \
		-I. $(SDL2_CFLAGS) -o $@ $(VMM_SRCS) $(DM_SRCS) -pthread $$(pkg-config --libs $(VMM_PKGS)) $(SDL2_LIBS)

tests/unit/test-%: tests/unit/test_%.c $(DM_SRCS) $(VMM_LIB_SRCS) $(USER_HDRS) $(wildcard tests/unit/*.h)
	$(CC) $(CFLAGS) -I. -o $@ $< $(DM_SRCS) $(VMM_LIB_SRCS) $(UNIT_EXTRA) -lcmocka -pthread

# Unit tests of monitor code beyond VMM_LIB_SRCS: its sources and libraries.
tests/unit/test-keymap: UNIT_EXTRA = vmm/console/keymap.c -lxkbcommon
tests/unit/test-keymap: vmm/console/keymap.c

tests/display/vram-test: tests/display/vram-test.c vmm/vram.c vmm/accel.c vmm/vram.h vmm/accel.h vmm/config.h
	$(CC) $(CFLAGS) -I. -o $@ tests/display/vram-test.c vmm/vram.c vmm/accel.c

# The SDL key table: SDL_scancode.h's values only, no SDL library linked.
tests/unit/test-sdl_keys: tests/unit/test_sdl_keys.c vmm/console/sdl_keys.c vmm/console/sdl_keys.h devmodel/input/input.h
	@$(need_sdl2)
	$(CC) $(CFLAGS) -I. $(SDL2_CFLAGS) -o $@ tests/unit/test_sdl_keys.c vmm/console/sdl_keys.c -lcmocka

# A console-only driver for tests/display/sdl-tests: the SDL window on a
# display with no machine behind it (keys and pointer printed on stdout).
tests/display/sdl-harness: tests/display/sdl-harness.c vmm/console/sdl.c vmm/console/sdl_keys.c devmodel/display/display.c devmodel/core/timer.c $(USER_HDRS)
	@$(need_sdl2)
	$(CC) $(CFLAGS) -I. $(SDL2_CFLAGS) -o $@ tests/display/sdl-harness.c vmm/console/sdl.c vmm/console/sdl_keys.c devmodel/display/display.c devmodel/core/timer.c -pthread $(SDL2_LIBS)

# X11 comes with libsdl2-dev (its dependency libx11-dev).
tests/display/sdl-close-window: tests/display/sdl-close-window.c
	$(CC) $(CFLAGS) -o $@ $< -lX11

# The VGA core's tests under AddressSanitizer and UBSan: its fuzz loop then
# also proves every VRAM and surface access in bounds (VGA_FUZZ_ROUNDS=N
# for a longer run). Not in userspace: build it with this target.
tests/unit/test-vga-asan: tests/unit/test_vga.c $(DM_SRCS) $(USER_HDRS) $(wildcard tests/unit/*.h)
	$(CC) $(CFLAGS) -fsanitize=address,undefined -fno-sanitize-recover=undefined \
		-I. -o $@ $< $(DM_SRCS) -lcmocka -pthread

# One step from sources to binary: no userspace .o next to kbuild's objects.
tests/unit/test-sregs: tests/unit/test_sregs.c kmod/x86/sregs.c kmod/x86/sregs.h $(wildcard include/vmm/*.h)
	$(CC) $(CFLAGS) -o $@ tests/unit/test_sregs.c kmod/x86/sregs.c -lcmocka

# The instruction emulator and the guest page walker (pure code of the module).
X86_PURE_DEPS := kmod/x86/emulate.c kmod/x86/emulate.h kmod/x86/paging.c \
	kmod/x86/paging.h $(wildcard include/vmm/*.h)
tests/unit/test-emulate: tests/unit/test_emulate.c tests/unit/emulate_cases.h tests/unit/emulate_check.h $(X86_PURE_DEPS)
	$(CC) $(CFLAGS) -Ikmod/x86 -o $@ tests/unit/test_emulate.c kmod/x86/emulate.c -lcmocka

tests/unit/test-cregs: tests/unit/test_cregs.c tests/unit/cr_cases.h kmod/x86/cregs.c kmod/x86/cregs.h $(X86_PURE_DEPS)
	$(CC) $(CFLAGS) -Ikmod/x86 -o $@ tests/unit/test_cregs.c kmod/x86/cregs.c kmod/x86/emulate.c -lcmocka

tests/unit/test-paging: tests/unit/test_paging.c tests/unit/paging_cases.h $(X86_PURE_DEPS)
	$(CC) $(CFLAGS) -Ikmod/x86 -o $@ tests/unit/test_paging.c kmod/x86/paging.c -lcmocka

# The same emulator and page-walker cases as a KUnit suite, in a UML kernel
# built from Debian's linux-source-6.1 (cached under build/kunit/).
kunit:
	tests/kunit/run

deps:
	scripts/install-deps

# These install what they need first, then build, then run: in that order
# even under -j.
demo:
	scripts/install-deps && $(MAKE) all
	tests/nested/run --accel vmm -- $(CURDIR)/tests/guests/hello

check:
	scripts/install-deps && $(MAKE) all build/tsan/vmm
	tests/run-checks

bench:
	scripts/install-deps && $(MAKE) all
	tests/bench/exits
	tests/bench/boot
	tests/bench/storage
	tests/bench/display

ROUNDS ?= 50
stress:
	scripts/install-deps && $(MAKE) all
	tests/stress/run --rounds $(ROUNDS)

clean:
	-@$(kdir); $(MAKE) -C "$$kdir" M=$(CURDIR) clean
	rm -f vmm/vmm $(TEST_PROGS) $(UNIT_TESTS) tests/unit/test-vga-asan
	rm -rf build/tsan
