# SPDX-License-Identifier: GPL-2.0
#
#   make            build vmm.ko (kmod/vmm.ko) and the userspace programs
#   make userspace  only the userspace programs (monitor, unit and ABI tests)
#   make deps       install the Debian packages the build and the tests need
#   make demo       examples/debian.hvm through vmm create: Debian's kernel
#                   to a shell on this terminal, here when /dev/vmm can be,
#                   else in the nested test host (scripts/demo)
#   make check      the tests: the KVM-ABI suite on /dev/vmm and on kvm-amd,
#                   in the nested test host (tests/nested/)
#   make bench      the benchmarks, /dev/vmm next to kvm-amd, as ratios
#   make stress     not in make check: the known flakes' tests (storage
#                   scenario b, the two-vCPU test) ROUNDS times each (default
#                   50) on vmm.ko and kvm-amd (tests/stress/run), then the
#                   toolstack suite 5 times on vmm.ko (the nested-host loss)
#   make clean      everything; make userspace-clean: only build/ and the
#                   userspace programs (kbuild's objects in kmod/ stay)
#
# KDIR=...  kernel build tree (default: running kernel's, else the newest
#           Debian linux-headers-*-amd64: scripts/find-kdir says which)
# V=1       show the commands (default: one "CC file" line per step)
#
# Layout (README, "Build layout"): kbuild builds the module in kmod/ (its
# objects beside the sources); every userspace source is compiled once to
# build/obj/<its path>.o with a dependency file (.d) beside it; devmodel/
# and the monitor's pure parts are the static library build/lib/libdevmodel.a
# that vmm/vmm and the unit tests link; programs land where they always did
# (vmm/vmm, tests/unit/test-*, tests/abi/*, tests/display/*). Sanitizer
# builds have their own object trees (build/tsan/obj, build/asan/obj).

CC      ?= gcc
AR      ?= ar
CFLAGS  ?= -O2 -g
CFLAGS  += -Wall -Wextra -Werror -std=gnu11 -Iinclude
LDLIBS  ?=

# KDIR is looked up when the module is built, not when this file is read:
# 'make check' on a fresh machine installs the headers first.
KDIR ?=
kdir = kdir="$(KDIR)"; [ -n "$$kdir" ] || kdir=$$(scripts/find-kdir) || exit 1

BUILD := build
OBJ := $(BUILD)/obj
TSAN_OBJ := $(BUILD)/tsan/obj
ASAN_OBJ := $(BUILD)/asan/obj
DM_LIB := $(BUILD)/lib/libdevmodel.a

# Userspace includes are rooted at the top ("devmodel/core/io.h").
USER_CPPFLAGS := -I.
DEPFLAGS := -MMD -MP
TSAN_CFLAGS = -O1 -g -fsanitize=thread -fno-omit-frame-pointer $(filter-out -O2,$(CFLAGS))
ASAN_CFLAGS = $(CFLAGS) -fsanitize=address,undefined -fno-sanitize-recover=undefined

# Kernel-style output: "  CC      build/obj/devmodel/core/io.o"; V=1 shows
# the commands instead.
ifeq ($(V),1)
quiet =
else
quiet = @printf '  %-7s %s\n' '$(1)' '$@';
endif

# Libraries found with pkg-config. A target lists what it needs as
# module:debian-package pairs (CC_PKGS for an object, LINK_PKGS for a
# program); when one is missing, make stops naming the Debian package
# (scripts/install-deps installs them all). Looked up when used, not when
# this file is read, so 'make deps' works before they are there.
need_pkg = pkg-config --exists $(1) 2>/dev/null || { echo "make: pkg-config finds no $(1): install pkg-config and $(2) (make deps)" >&2; exit 1; }
pkg_mods = $(foreach p,$(1),$(firstword $(subst :, ,$(p))))
pkg_check = $(if $(1),@$(foreach p,$(1),$(call need_pkg,$(firstword $(subst :, ,$(p))),$(lastword $(subst :, ,$(p))));) true)
pkg_cflags = $(if $(1),$(shell pkg-config --cflags $(call pkg_mods,$(1)) 2>/dev/null))
pkg_libs = $(if $(1),$(shell pkg-config --libs $(call pkg_mods,$(1)) 2>/dev/null))
PKG_VNC := libvncserver:libvncserver-dev
PKG_VNCCLIENT := libvncclient:libvncserver-dev
PKG_XKB := xkbcommon:libxkbcommon-dev
PKG_SDL2 := sdl2:libsdl2-dev
PKG_X11 := x11:libx11-dev
PKG_JSON := json-c:libjson-c-dev
PKG_SLIRP := slirp:libslirp-dev

# Object files of sources: $(call objs,DIR,SOURCES).
objs = $(foreach d,$(1),$(patsubst %.c,$(d)/%.o,$(patsubst %.S,$(d)/%.o,$(2))))

# --- sources ---------------------------------------------------------------

# The emulated PC; new devmodel/<area>/*.c files are picked up here.
DM_SRCS := $(sort $(wildcard devmodel/*/*.c))
# The monitor (vmm/vmm): the toolstack command and its consoles.
VMM_SRCS := $(sort $(wildcard vmm/*.c vmm/*/*.c))
# Monitor code with no accelerator or threads in it, for unit tests: in the
# library with the device model (vmm/config*.c or vmm/config/: the parser
# and its parts).
VMM_LIB_SRCS := $(sort $(wildcard vmm/config*.c vmm/config/*.c)) vmm/linuxboot.c vmm/firmware.c \
	vmm/coredump.c
LIB_SRCS := $(DM_SRCS) $(VMM_LIB_SRCS)
VMM_OWN_SRCS := $(filter-out $(VMM_LIB_SRCS),$(VMM_SRCS))

# Per-object needs: headers of pkg-config libraries, the kernel's pure x86
# code's include directory.
$(call objs,$(OBJ) $(TSAN_OBJ),vmm/console/vnc.c): CC_PKGS = $(PKG_VNC) $(PKG_XKB)
$(call objs,$(OBJ) $(TSAN_OBJ),vmm/console/keymap.c): CC_PKGS = $(PKG_XKB)
$(call objs,$(OBJ) $(TSAN_OBJ),vmm/console/sdl.c vmm/console/sdl_keys.c): CC_PKGS = $(PKG_SDL2)
$(OBJ)/tests/unit/test_keymap.o: CC_PKGS = $(PKG_XKB)
$(call objs,$(OBJ) $(TSAN_OBJ),$(wildcard vmm/toolstack/*.c)): CC_PKGS = $(PKG_JSON)
$(OBJ)/tests/unit/test_proto.o: CC_PKGS = $(PKG_JSON)
$(call objs,$(OBJ) $(TSAN_OBJ),vmm/net/slirp.c): CC_PKGS = $(PKG_SLIRP)
$(OBJ)/tests/unit/test_sdl_keys.o: CC_PKGS = $(PKG_SDL2)
$(OBJ)/tests/display/vnc-client.o: CC_PKGS = $(PKG_VNCCLIENT) $(PKG_XKB)
$(OBJ)/tests/display/sdl-harness.o: CC_PKGS = $(PKG_SDL2)
$(OBJ)/tests/display/sdl-close-window.o: CC_PKGS = $(PKG_X11)
$(OBJ)/kmod/x86/%.o: EXTRA_CPPFLAGS = -Ikmod/x86
$(patsubst %,$(OBJ)/tests/unit/test_%.o,emulate cregs paging): EXTRA_CPPFLAGS = -Ikmod/x86

# --- objects, libraries, programs --------------------------------------------

# One rule per object tree; the recipe is the same but for the flags.
cc_recipe = $(call quiet,CC)$(CC) $(1) $(USER_CPPFLAGS) $(EXTRA_CPPFLAGS) \
	$(call pkg_cflags,$(CC_PKGS)) $(DEPFLAGS) -c -o $@ $<

$(OBJ)/%.o: %.c
	@mkdir -p $(@D)
	$(call pkg_check,$(CC_PKGS))
	$(call cc_recipe,$(CFLAGS))
$(OBJ)/%.o: %.S
	@mkdir -p $(@D)
	$(call cc_recipe,$(CFLAGS))
$(TSAN_OBJ)/%.o: %.c
	@mkdir -p $(@D)
	$(call pkg_check,$(CC_PKGS))
	$(call cc_recipe,$(TSAN_CFLAGS))
$(ASAN_OBJ)/%.o: %.c
	@mkdir -p $(@D)
	$(call cc_recipe,$(ASAN_CFLAGS))

# Programs: objects first, then archives, then LINK_LIBS and LINK_PKGS.
# (private: the variables are the program's, not its objects'.)
LINK_CFLAGS = $(CFLAGS)
define link_recipe
	$(call pkg_check,$(LINK_PKGS))
	$(call quiet,LD)$(CC) $(LINK_CFLAGS) -o $@ $(filter %.o,$^) $(filter %.a,$^) \
		$(LINK_LIBS) $(call pkg_libs,$(LINK_PKGS)) $(LDLIBS)
endef

$(DM_LIB): $(call objs,$(OBJ),$(LIB_SRCS))
	@mkdir -p $(@D)
	$(call quiet,AR)rm -f $@ && $(AR) rcs $@ $^

# The ACPI DSDT: ASL compiled by iasl (acpica-tools), warnings as errors,
# embedded by vmm/acpi_dsdt.c with .incbin (which -MMD does not see: the
# objects name it here).
ACPI_AML := $(BUILD)/acpi/dsdt.aml
$(ACPI_AML): bios/acpi/dsdt.asl
	@command -v iasl >/dev/null || { echo "make: iasl not found: install acpica-tools (make deps)" >&2; exit 1; }
	@mkdir -p $(@D)
	$(call quiet,IASL)iasl -vs -vr -we -p $(basename $@) $<
$(call objs,$(OBJ) $(TSAN_OBJ),vmm/acpi_dsdt.c): $(ACPI_AML)

TEST_PROGS :=
TEST_PROGS += tests/abi/coexist
# The VRAM slot and its dirty pages on the real accelerator (display-tests).
TEST_PROGS += tests/display/vram-test
# The display tests' programs (below).
TEST_PROGS += tests/display/vnc-client tests/display/vnc-pattern
TEST_PROGS += tests/display/sdl-harness tests/display/sdl-close-window

# Unit tests (cmocka), no hypervisor needed: every tests/unit/test_NAME.c
# is tests/unit/test-NAME. The module's pure logic (test-sregs, the
# instruction emulator and page walker: test-emulate, test-paging; the same
# cases also run as KUnit: make kunit), the config parser, the device model
# on the fake buses of tests/unit/fixture.c.
UNIT_TESTS := $(sort $(patsubst tests/unit/test_%.c,tests/unit/test-%,$(wildcard tests/unit/test_*.c)))
UNIT_FIXTURE := $(OBJ)/tests/unit/fixture.o

.PHONY: all kmod userspace userspace-clean deps demo check bench stress clean kunit
all: kmod userspace

# The module is built by kbuild from the top-level Kbuild file (which descends
# into kmod/); warnings are errors there too (kmod/Kbuild).
kmod:
	@$(kdir); echo "$(MAKE) -C $$kdir M=$(CURDIR) modules"; \
	$(MAKE) -C "$$kdir" M=$(CURDIR) modules

-include tests/tests.mk

userspace: vmm/vmm $(TEST_PROGS) $(UNIT_TESTS)

vmm/vmm: $(call objs,$(OBJ),$(VMM_OWN_SRCS)) $(DM_LIB)
vmm/vmm: private LINK_LIBS = -pthread
vmm/vmm: private LINK_PKGS = $(PKG_VNC) $(PKG_XKB) $(PKG_SDL2) $(PKG_JSON) $(PKG_SLIRP)
vmm/vmm:
	$(link_recipe)

# The monitor under ThreadSanitizer (tests/e2e/tsan-tests): races between
# the vCPU thread, the event loop and the workers. Not part of `userspace`.
build/tsan/vmm: $(call objs,$(TSAN_OBJ),$(VMM_SRCS) $(DM_SRCS))
build/tsan/vmm: private LINK_CFLAGS = $(TSAN_CFLAGS)
build/tsan/vmm: private LINK_LIBS = -pthread
build/tsan/vmm: private LINK_PKGS = $(PKG_VNC) $(PKG_XKB) $(PKG_SDL2) $(PKG_JSON) $(PKG_SLIRP)
build/tsan/vmm:
	$(link_recipe)

# The unit tests: their own object, the shared fixtures, the library.
# (A static pattern: the objects are named, so make keeps them.)
$(UNIT_TESTS): tests/unit/test-%: $(OBJ)/tests/unit/test_%.o $(UNIT_FIXTURE) $(DM_LIB)
	$(link_recipe)
$(UNIT_TESTS): private LINK_LIBS = -lcmocka -pthread

# Unit tests of code outside the library: its objects and libraries.
tests/unit/test-keymap: $(OBJ)/vmm/console/keymap.o
tests/unit/test-keymap: private LINK_PKGS = $(PKG_XKB)
# The SDL key table: SDL_scancode.h's values only, no SDL library linked.
tests/unit/test-sdl_keys: $(OBJ)/vmm/console/sdl_keys.o
# The table builder on the real DSDT.
tests/unit/test-acpi: $(OBJ)/vmm/acpi_dsdt.o
# The control protocol (json-c) and the run directory's name rule.
tests/unit/test-proto: $(OBJ)/vmm/toolstack/proto.o $(OBJ)/vmm/toolstack/rundir.o
tests/unit/test-proto: private LINK_PKGS = $(PKG_JSON)
# The user-mode network backend on real libslirp, with a fake NIC.
tests/unit/test-net_user: $(OBJ)/vmm/net/slirp.o $(OBJ)/vmm/net/netq.o
tests/unit/test-net_user: private LINK_PKGS = $(PKG_SLIRP)
# The module's pure x86 code, compiled for userspace (build/obj/kmod/x86/).
tests/unit/test-sregs: $(OBJ)/kmod/x86/sregs.o
tests/unit/test-emulate: $(OBJ)/kmod/x86/emulate.o
tests/unit/test-cregs: $(OBJ)/kmod/x86/cregs.o $(OBJ)/kmod/x86/emulate.o
tests/unit/test-paging: $(OBJ)/kmod/x86/paging.o

# The VGA core's tests under AddressSanitizer and UBSan: its fuzz loop then
# also proves every VRAM and surface access in bounds (VGA_FUZZ_ROUNDS=N
# for a longer run). Not in userspace: build it with this target.
tests/unit/test-vga-asan: $(call objs,$(ASAN_OBJ),tests/unit/test_vga.c tests/unit/fixture.c $(DM_SRCS))
tests/unit/test-vga-asan: private LINK_CFLAGS = $(ASAN_CFLAGS)
tests/unit/test-vga-asan: private LINK_LIBS = -lcmocka -pthread
tests/unit/test-vga-asan:
	$(link_recipe)

# The VRAM slot on the real accelerator (tests/display/display-tests).
tests/display/vram-test: $(call objs,$(OBJ),tests/display/vram-test.c vmm/vram.c vmm/accel.c)
	$(link_recipe)

# The display tests' programs (tests/display/vnc-tests): a scripted VNC
# client on libvncclient, and the VNC console on a test-pattern device.
tests/display/vnc-client: $(OBJ)/tests/display/vnc-client.o
tests/display/vnc-client: private LINK_PKGS = $(PKG_VNCCLIENT) $(PKG_XKB)
tests/display/vnc-client:
	$(link_recipe)
tests/display/vnc-pattern: $(call objs,$(OBJ),tests/display/vnc-pattern.c vmm/console/vnc.c vmm/console/keymap.c) $(DM_LIB)
tests/display/vnc-pattern: private LINK_LIBS = -pthread
tests/display/vnc-pattern: private LINK_PKGS = $(PKG_VNC) $(PKG_XKB)
tests/display/vnc-pattern:
	$(link_recipe)

# A console-only driver for tests/display/sdl-tests: the SDL window on a
# display with no machine behind it (keys and pointer printed on stdout).
tests/display/sdl-harness: $(call objs,$(OBJ),tests/display/sdl-harness.c vmm/console/sdl.c vmm/console/sdl_keys.c) $(DM_LIB)
tests/display/sdl-harness: private LINK_LIBS = -pthread
tests/display/sdl-harness: private LINK_PKGS = $(PKG_SDL2)
tests/display/sdl-harness:
	$(link_recipe)

# X11 comes with libsdl2-dev (its dependency libx11-dev).
tests/display/sdl-close-window: $(OBJ)/tests/display/sdl-close-window.o
tests/display/sdl-close-window: private LINK_PKGS = $(PKG_X11)
tests/display/sdl-close-window:
	$(link_recipe)

tests/abi/coexist: $(OBJ)/tests/abi/coexist.o
	$(link_recipe)

# What -MMD found each object includes (-MP: a removed header is no error).
-include $(shell find $(OBJ) $(TSAN_OBJ) $(ASAN_OBJ) -name '*.d' 2>/dev/null)

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
	scripts/demo

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
	tests/stress/toolstack-rounds 5 vmm

# kbuild's clean removes the module's objects (and, as it finds every *.o
# under M=, build/'s too, which the next make compiles again).
clean: userspace-clean
	-@$(kdir); $(MAKE) -C "$$kdir" M=$(CURDIR) clean

userspace-clean: tests-clean
	rm -f vmm/vmm $(TEST_PROGS) $(UNIT_TESTS) tests/unit/test-vga-asan
	rm -rf $(OBJ) $(BUILD)/lib $(BUILD)/tsan $(BUILD)/asan $(BUILD)/acpi
