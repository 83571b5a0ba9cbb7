# shellcheck shell=bash
# Backend qemu-svm of tests/nested/run: the nested test host is Debian's stock
# kernel under QEMU's software CPU (TCG, -cpu max: AMD SVM with NPT), sharing
# the host root read-only over virtio-9p.  See /work/shared/testing-nested.md.
#
# A backend provides:
#   backend_check     fail (exit 125) when a tool it needs is missing
#   backend_argv      set BACKEND_ARGV to the command that boots the nested
#                     host once, runs $IO/cmd.sh and powers off.  It must
#                     write the console to $IO/console.log and make $IO
#                     available to /init (here as the 9p export "nestedio").
# Inputs: CACHE (vmlinuz, vmlinux, initrd.gz), IO, MEM (MiB), SMP, CPU
# (model), FAST_BOOT (1: boot the uncompressed vmlinux).
# run does the rest (io folder, timeout, streaming, verdict), so another
# backend (bochs-vmx: Bochs emulating VMX, booting an ISO) only replaces this.

backend_check() {
	command -v qemu-system-x86_64 >/dev/null || need_pkg qemu-system-x86_64 qemu-system-x86
	[ -s "$CACHE/vmlinuz" ] && [ -s "$CACHE/initrd.gz" ] ||
		die $ST_SETUP "no vmlinuz/initrd.gz in $CACHE (run tests/nested/prepare)"
	[ "$FAST_BOOT" = 0 ] || [ -s "$CACHE/vmlinux" ] ||
		die $ST_SETUP "--fast-boot: no uncompressed kernel $CACHE/vmlinux (see prepare's output)"
}

backend_argv() {
	# Kernel command line, kept short (parameters travel in $IO/params):
	#  loglevel=5  errors and warnings reach the console (console.log is what
	#              is left when the run hangs or panics); info stays in dmesg.
	#  panic=-1    reboot at once on panic, which -no-reboot turns into exit.
	#  log_buf_len a big kernel log, so io/dmesg keeps the start of long runs.
	local append="console=ttyS0 loglevel=5 panic=-1 log_buf_len=4M"
	# The kernel image.  Default: the stock bzImage, booted as a boot loader
	# would (its decompressor enables 5-level paging when the CPU has LA57,
	# as -cpu max does, and randomizes the kernel base).  --fast-boot: the
	# uncompressed vmlinux through its PVH entry point, which saves the ~4 s
	# that xz decompression takes under TCG, but the kernel then runs with
	# 4-level paging (only the decompressor switches to 5 levels) and
	# without KASLR.  Same kernel code otherwise.
	local kernel=$CACHE/vmlinuz
	[ "$FAST_BOOT" = 0 ] || kernel=$CACHE/vmlinux
	BACKEND_ARGV=(
		qemu-system-x86_64
		-accel tcg -cpu "$CPU" -smp "$SMP" -m "$MEM"
		-nodefaults -display none -monitor none -no-reboot
		# A reset of the nested host (a triple fault: the hypervisor under
		# test losing the host) is logged with the CPU state in qemu.log.
		-d cpu_reset,guest_errors
		-kernel "$kernel" -initrd "$CACHE/initrd.gz" -append "$append"
		-serial "file:$IO/console.log"
		# The host root, read-only.  multidevs=remap: the host root spans
		# several file systems; keep their inode numbers apart.
		-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"
		# The per-run io folder, writable: params, cmd.sh in; stdout, stderr,
		# status, dmesg out.
		-virtfs "local,path=$IO,mount_tag=nestedio,security_model=none"
	)
}
