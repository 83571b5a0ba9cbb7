# SPDX-License-Identifier: GPL-2.0
#
#   make            build vmm.ko (kmod/vmm.ko) and the userspace programs
#   make deps       install the Debian packages the build and the tests need
#   make demo       the first guest: boot the nested test host, load vmm.ko,
#                   run a tiny guest that says hello through port I/O
#   make check      the tests: the KVM-ABI suite on /dev/vmm and on kvm-amd,
#                   in the nested test host (tests/nested/)
#   make bench      the benchmarks, /dev/vmm next to kvm-amd, as ratios
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
# Unit tests of the module's pure logic, built for userspace (no VT-x/SVM).
UNIT_TESTS := tests/unit/test-sregs
TEST_PROGS += tests/abi/coexist

.PHONY: all kmod userspace deps demo check bench clean
all: kmod userspace

# The module is built by kbuild from the top-level Kbuild file (which descends
# into kmod/); warnings are errors there too (kmod/Kbuild).
kmod:
	@$(kdir); echo "$(MAKE) -C $$kdir M=$(CURDIR) modules"; \
	$(MAKE) -C "$$kdir" M=$(CURDIR) modules

-include tests/tests.mk

userspace: $(TEST_PROGS) $(UNIT_TESTS)

# One step from sources to binary: no userspace .o next to kbuild's objects.
tests/unit/test-sregs: tests/unit/test_sregs.c kmod/x86/sregs.c kmod/x86/sregs.h $(wildcard include/vmm/*.h)
	$(CC) $(CFLAGS) -o $@ tests/unit/test_sregs.c kmod/x86/sregs.c -lcmocka

deps:
	scripts/install-deps

# These install what they need first, then build, then run: in that order
# even under -j.
demo:
	scripts/install-deps && $(MAKE) all
	tests/nested/run --accel vmm -- $(CURDIR)/tests/guests/hello

check:
	scripts/install-deps && $(MAKE) all
	tests/run-checks

bench:
	scripts/install-deps && $(MAKE) all
	tests/bench/pio

clean:
	-@$(kdir); $(MAKE) -C "$$kdir" M=$(CURDIR) clean
	rm -f $(TEST_PROGS) $(UNIT_TESTS)
