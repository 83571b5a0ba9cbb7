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

# Evaluated once (find-kdir says what it picked).
ifeq ($(origin KDIR),undefined)
KDIR := $(shell scripts/find-kdir)
endif

TEST_PROGS :=

.PHONY: all kmod userspace deps demo check bench clean
all: kmod userspace

# The module is built by kbuild from the top-level Kbuild file (which descends
# into kmod/); warnings are errors there too (kmod/Kbuild).
kmod:
	@test -n "$(KDIR)" || { echo "no kernel build tree: run 'make deps' or pass KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

-include tests/tests.mk

userspace: $(TEST_PROGS)

deps:
	scripts/install-deps

demo: deps all
	tests/nested/run --accel vmm -- $(CURDIR)/tests/guests/hello

check: deps all
	tests/run-checks

bench: deps all
	tests/bench/pio

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -f $(TEST_PROGS)
