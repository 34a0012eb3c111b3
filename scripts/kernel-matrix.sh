#!/usr/bin/env bash
# The C tests and the scope matrix on the kernels people run (docs/kernel-matrix.md).
#
# Usage: scripts/kernel-matrix.sh [--quick] [--extra-only] [--kernels LIST] [--refresh]
#   --quick         a fixed subset: ctest without the long random runs, and
#                   the matrix cells of pytest/matrix/kernels.py quick_ids()
#   --extra-only    only the pytest files KERNEL_MATRIX_EXTRA names (no ctest,
#                   no matrix): to try more suites on a kernel
#   --kernels LIST  comma-separated configurations (default: all of them):
#       debian-6.1             Debian 12's linux-image-6.1.0-N-amd64 as shipped
#                              (lsm= default, Landlock ABI 2), in QEMU
#       debian-6.1-nolandlock  the same kernel booted with landlock left out of
#                              lsm= (lockdown,capability,yama,apparmor)
#       host                   the running kernel, natively
#   --refresh       download the Debian kernel again even if one is cached
#
# Needs a build tree (SCOPES_BUILD_DIR, default build/), qemu-system-x86_64
# and busybox (static) for the QEMU configurations; the kernel .deb comes
# from apt (apt-get download, never installed) into the cache
# ${KERNEL_MATRIX_CACHE:-${XDG_CACHE_HOME:-~/.cache}/seccomp-scopes/kernels}.
# Results: $SCOPES_BUILD_DIR/kernel-matrix/<config>/ (kernel.json, ctest.xml,
# matrix.xml, scopes-matrix.html/.md, logs, console.log) and
# $SCOPES_BUILD_DIR/kernel-matrix/summary.md. One line per configuration:
#   kernel-matrix: <configuration>: N passed, M failed, K skipped
# Exit status: non-zero if any configuration failed.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
here=$top/scripts/kernel-matrix
mode=full
kernels=debian-6.1,debian-6.1-nolandlock,host
refresh=0
extra_only=0
while [ $# -gt 0 ]; do
	case $1 in
	--quick) mode=quick ;;
	--full) mode=full ;;
	--extra-only) extra_only=1 ;;
	--kernels) kernels=$2; shift ;;
	--kernels=*) kernels=${1#*=} ;;
	--refresh) refresh=1 ;;
	-h | --help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "kernel-matrix: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
	shift
done

build=${SCOPES_BUILD_DIR:-$top/build}
case "$build" in /*) ;; *) build="$top/$build" ;; esac
[ -e "$build/tests/scopes-probe" ] ||
	{ echo "kernel-matrix: $build is not a build tree (set SCOPES_BUILD_DIR)" >&2; exit 2; }
out=${KERNEL_MATRIX_OUT:-$build/kernel-matrix}
cache=${KERNEL_MATRIX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/seccomp-scopes/kernels}
mem=${KERNEL_MATRIX_MEM:-3072}
smp=${KERNEL_MATRIX_SMP:-$(nproc)}
if [ "$mode" = quick ]; then
	timeout_s=${KERNEL_MATRIX_TIMEOUT:-2400}
else
	timeout_s=${KERNEL_MATRIX_TIMEOUT:-14400}
fi
# more pytest files run on every kernel: by default, with the full run, the
# Landlock and unveil suites (KERNEL_MATRIX_EXTRA="" for none)
if [ "$mode" = full ]; then
	extra_tests=${KERNEL_MATRIX_EXTRA-pytest/test_landlock.py pytest/test_unveil.py}
else
	extra_tests=${KERNEL_MATRIX_EXTRA-}
fi
if [ "$extra_only" = 1 ]; then
	[ -n "$extra_tests" ] ||
		{ echo "kernel-matrix: --extra-only needs KERNEL_MATRIX_EXTRA (pytest files)" >&2; exit 2; }
	mode=extra  # guest-run.sh: neither ctest nor the matrix
fi
mkdir -p "$out"
py=/usr/bin/python3

# ------------------------------------------------------------ the kernel

# The newest Debian 12 6.1 kernel package apt knows (the one
# linux-image-amd64 points at on a Debian 12 host), -unsigned preferred.
debian61_package() {
	local dep n
	dep=$(apt-cache show --no-all-versions linux-image-amd64 2>/dev/null |
		sed -n 's/^Depends: \(linux-image-6\.1\.0-[0-9]*-amd64\)\b.*/\1/p' | head -1)
	if [ -z "$dep" ]; then
		dep=$(apt-cache pkgnames linux-image-6.1.0- 2>/dev/null |
			grep -E '^linux-image-6\.1\.0-[0-9]+-amd64$' | sort -t- -k4,4n | tail -1)
	fi
	[ -n "$dep" ] || return 1
	for n in "$dep-unsigned" "$dep"; do
		if apt-cache show "$n" >/dev/null 2>&1; then
			echo "$n"
			return 0
		fi
	done
	return 1
}

# Prints the extracted kernel's directory (boot/vmlinuz-*, lib/modules/*).
fetch_debian61() {
	local dir=$cache/debian-6.1 pkg deb
	if [ "$refresh" = 0 ] && [ -s "$dir/root/.complete" ]; then
		echo "$dir/root"
		return
	fi
	mkdir -p "$dir"
	pkg=${KERNEL_MATRIX_DEB61_PACKAGE:-$(debian61_package)} || {
		echo "kernel-matrix: apt knows no linux-image-6.1.0-*-amd64 (apt-get update? Debian 12 sources?)" >&2
		return 1
	}
	echo "kernel-matrix: downloading $pkg into $dir" >&2
	rm -f "$dir"/*.deb
	(cd "$dir" && apt-get download -q "$pkg" >&2 2>/dev/null) ||
		(cd "$dir" && chmod 777 . && apt-get download -q "$pkg" >&2)
	deb=$(ls "$dir"/*.deb | head -1)
	rm -rf "$dir/root"
	mkdir -p "$dir/root"
	dpkg-deb -x "$deb" "$dir/root"
	basename "$deb" >"$dir/root/.complete"
	echo "$dir/root"
}

# The guest's initramfs: static busybox, the 9p/virtio/overlay modules of
# this kernel (dependencies first), init and the run's parameters.
make_initramfs() { # kroot config dest
	local kroot=$1 config=$2 dest=$3 w moddir bb m p
	bb=$(command -v busybox) || { echo "kernel-matrix: busybox is not installed" >&2; return 1; }
	if ldd "$bb" >/dev/null 2>&1; then  # ldd fails on a static program
		echo "kernel-matrix: $bb is dynamically linked; install busybox-static" >&2
		return 1
	fi
	moddir=$(ls -d "$kroot"/lib/modules/*/ | head -1)
	w=$(mktemp -d)
	mkdir -p "$w/bin" "$w/modules"
	cp "$bb" "$w/bin/busybox"
	$py "$here/modorder.py" "$moddir" virtio_pci 9pnet_virtio 9p overlay |
		while read -r m p; do
			cp "$p" "$w/modules/$m.ko"
			echo "$m" >>"$w/modules/order"
		done
	cp "$here/init" "$w/init"
	chmod 755 "$w/init"
	{
		printf 'KM_CONFIG=%q\nKM_MODE=%q\nKM_OUT=%q\n' "$config" "$mode" "$out/$config"
		printf 'KM_BUILD=%q\nKM_TOP=%q\n' "$build" "$top"
		# the matrix stops (and reports what ran) before qemu's own limit
		printf 'KM_MATRIX_TIMEOUT=%q\n' "$((timeout_s > 1200 ? timeout_s - 600 : timeout_s * 3 / 4))"
		printf 'KM_EXTRA=%q\n' "$extra_tests"
	} >"$w/km.env"
	(cd "$w" && find . | busybox cpio -o -H newc 2>/dev/null) >"$dest"
	rm -rf "$w"
}

run_qemu() { # config kroot cmdline-extra
	local config=$1 kroot=$2 extra=$3 res=$out/$1 accel=tcg cpu=max vmlinuz rc=0
	vmlinuz=$(ls "$kroot"/boot/vmlinuz-* | head -1)
	if [ -w /dev/kvm ]; then
		accel=kvm
		cpu=host
	fi
	make_initramfs "$kroot" "$config" "$res/initramfs.cpio"
	echo "-- $config: booting $(basename "$vmlinuz") ($accel, $smp CPUs, ${mem} MiB) $extra"
	timeout --foreground -k 10 "$timeout_s" qemu-system-x86_64 \
		-machine q35 -accel "$accel" -cpu "$cpu" -smp "$smp" -m "$mem" \
		-display none -monitor none -serial "file:$res/console.log" -nic none -no-reboot \
		-kernel "$vmlinuz" -initrd "$res/initramfs.cpio" \
		-append "console=ttyS0 quiet loglevel=3 panic=-1 tsc=reliable clocksource=tsc $extra" \
		-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
		-virtfs "local,path=$res,mount_tag=kmout,security_model=none,multidevs=remap" \
		</dev/null || rc=$?
	rm -f "$res/initramfs.cpio"
	grep -a 'guest-run\|kernel-matrix-guest' "$res/console.log" | sed "s/^/  /" || true
	[ "$rc" = 0 ] || echo "-- $config: qemu exited $rc (124: timed out after ${timeout_s}s)"
}

# ------------------------------------------------------------ the runs

status=0
IFS=, read -r -a configs <<<"$kernels"
for config in "${configs[@]}"; do
	res=$out/$config
	rm -rf "$res"
	mkdir -p "$res"
	start=$(date +%s)
	case $config in
	host)
		echo "-- host: $(uname -r), natively"
		KM_MATRIX_TIMEOUT=$timeout_s KM_EXTRA=$extra_tests bash "$here/guest-run.sh" host "$mode" "$res" "$build" "$top" 2>&1 |
			sed "s/^/  /" || true
		;;
	debian-6.1 | debian-6.1-nolandlock)
		if kroot=$(fetch_debian61); then
			extra=
			[ "$config" = debian-6.1-nolandlock ] && extra="lsm=lockdown,capability,yama,apparmor"
			run_qemu "$config" "$kroot" "$extra"
		else
			echo "kernel-matrix: $config: no kernel" >"$res/error"
		fi
		;;
	*)
		echo "kernel-matrix: unknown configuration $config" >&2
		echo "unknown configuration" >"$res/error"
		;;
	esac
	echo "$(($(date +%s) - start))" >"$res/wall_s"
	line=$($py "$here/summary.py" counts "$res") || status=1
	echo "kernel-matrix: $config: $line"
	case $line in *" 0 failed,"*) ;; *) status=1 ;; esac
	echo "-- $config: took $(cat "$res/wall_s") s; results in $res"
done
$py "$here/summary.py" summary "$out" "$top" "${configs[@]}" || status=1
echo "kernel-matrix: summary: $out/summary.md"
exit $status
