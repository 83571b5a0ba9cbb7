# shellcheck shell=bash
# Shared helpers of the nested test host harness (sourced by prepare and run).
#
# The nested host boots Debian's stock kernel (package linux-image-<ABI>),
# which must be the very kernel vmm.ko is built against: the installed
# linux-headers-amd64 decides.  Everything fetched or built lives in one cache
# folder per kernel ABI, so a kernel update never mixes files of two kernels.

NESTED_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(cd "$NESTED_DIR/../.." && pwd -P)

# Statuses shared by all harness scripts (see README.md).
readonly ST_SETUP=125     # missing package, bad option, setup problem
readonly ST_TIMEOUT=124   # the whole run took longer than --timeout
readonly ST_NOBOOT=126    # nested kernel did not boot / 9p / accelerator load failed
readonly ST_KERNEL=123    # kernel trouble (oops, WARNING, BUG...) in the nested host

# Modules the initramfs needs to mount the host root over virtio-9p, and the
# modules giving a real /dev/kvm (kvm-amd) to compare against.  Only the top
# of each stack is named here; prepare adds the dependencies (read from each
# .ko's .modinfo "depends=") and orders them, because the package ships no
# modules.dep.
readonly INITRD_TOP_MODULES="virtio_pci 9pnet_virtio 9p overlay"
readonly KVM_TOP_MODULES="kvm_amd"

: "${NESTED_PROG:=nested}"
say() { printf '%s: %s\n' "$NESTED_PROG" "$*"; }
err() { printf '%s: %s\n' "$NESTED_PROG" "$*" >&2; }
die() { local st=$1; shift; err "$*"; exit "$st"; }

# Debian package → need it.  Prints the one-line "run: make deps" advice.
need_pkg() {  # need_pkg WHAT PACKAGE
	die $ST_SETUP "missing $1 (Debian package $2); run: make deps"
}

# kernel_abi: sets KABI (e.g. 6.1.0-56-amd64) and KVER (package version, e.g.
# 6.1.192-2) of the kernel to boot.  The ABI comes from what the
# linux-image-amd64 metapackage depends on (never hard-coded), and must be the
# one of the installed linux-headers-amd64, which vmm.ko is built against.
kernel_abi() {
	command -v apt-cache >/dev/null || need_pkg apt-cache apt
	command -v dpkg-query >/dev/null || need_pkg dpkg-query dpkg
	local img_abi hdr_dep hdr_abi hdr_ver
	img_abi=$(LC_ALL=C apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: <*linux-image-\([^ >]*\)>*$/\1/p' | head -n 1)
	[ -n "$img_abi" ] ||
		die $ST_SETUP "apt knows no linux-image-amd64 (run: apt-get update, or make deps)"
	hdr_dep=$(dpkg-query -W -f='${Status} ${Depends}' linux-headers-amd64 2>/dev/null) ||
		need_pkg "kernel headers" linux-headers-amd64
	case $hdr_dep in
	*"ok installed"*) ;;
	*) need_pkg "kernel headers" linux-headers-amd64 ;;
	esac
	hdr_abi=$(printf '%s\n' "$hdr_dep" | sed -n 's/.*linux-headers-\([^ ,]*-amd64\).*/\1/p')
	if [ "$hdr_abi" != "$img_abi" ]; then
		die $ST_SETUP "kernel mismatch: linux-image-amd64 is $img_abi but the installed" \
			"linux-headers-amd64 is ${hdr_abi:-unknown}; vmm.ko must be built for the" \
			"kernel the nested host boots (run: apt-get update && make deps)"
	fi
	hdr_ver=$(dpkg-query -W -f='${Version}' "linux-headers-$hdr_abi" 2>/dev/null) ||
		need_pkg "linux-headers-$hdr_abi" linux-headers-amd64
	KABI=$img_abi
	KVER=$hdr_ver
}

# cache_dir: sets CACHE (NESTED_CACHE, or build/nested/<ABI> in the checkout).
cache_dir() {
	CACHE=${NESTED_CACHE:-$REPO/build/nested/$KABI}
	mkdir -p "$CACHE" || die $ST_SETUP "cannot create cache dir $CACHE"
	CACHE=$(cd "$CACHE" && pwd -P)
}

# hidden_in_guest PATH: true when the nested host cannot see PATH at the same
# absolute path (it shares the host root read-only, with a writable overlay
# on /tmp that still shows the host's files, and a fresh tmpfs on /run).
hidden_in_guest() {
	case $1 in
	/run | /run/*) return 0 ;;
	esac
	return 1
}

# sq STRING: STRING quoted for sh (single quotes; any content works).
sq() { local q="'\\''"; printf "'%s'" "${1//\'/$q}"; }

# modinfo_field KO FIELD: a field of a module's .modinfo section, read without
# binutils or kmod (the strings there are NUL separated "key=value").
modinfo_field() {
	# awk reads to the end: no SIGPIPE for tr under `set -o pipefail`.
	tr '\0' '\n' <"$1" | awk -v k="$2=" 'index($0, k) == 1 && !n++ { print substr($0, length(k) + 1) }'
}
