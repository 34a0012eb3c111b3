#!/usr/bin/env bash
# The quick kernel matrix (docs/kernel-matrix.md): ctest and a fixed subset of
# the scope matrix on Debian 12's 6.1 kernel (Landlock ABI 2), on the same
# kernel booted without Landlock, and on the host's kernel.
#
# Runs after the build and pytest of scripts/test.sh (SCOPES_BUILD_DIR is the
# build tree). As root it installs what it needs (qemu-system-x86,
# busybox-static) and downloads the kernel .deb into the cache; it never
# installs the kernel. SCOPES_KERNEL_MATRIX=0 skips the stage (say why).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
build=${SCOPES_BUILD_DIR:-$top/build}
case "$build" in /*) ;; *) build="$top/$build" ;; esac
export SCOPES_BUILD_DIR="$build"

if [ "${SCOPES_KERNEL_MATRIX:-1}" = 0 ]; then
	echo "60-kernel-matrix: skipped (SCOPES_KERNEL_MATRIX=0)"
	exit 0
fi
start=$(date +%s)

need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
# the guest's initramfs needs a static busybox (ldd fails on a static program)
if ! command -v busybox >/dev/null || ldd "$(command -v busybox)" >/dev/null 2>&1; then
	need+=(busybox-static)
fi
if [ "${#need[@]}" -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "60-kernel-matrix: needs ${need[*]} (run as root, or install them)" >&2
		exit 1
	fi
	echo "60-kernel-matrix: installing ${need[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null 2>&1 || {
		apt-get update -q >/dev/null
		apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
	}
fi
# the kernel's package name comes from apt's lists
if ! apt-cache show linux-image-amd64 >/dev/null 2>&1; then
	apt-get update -q >/dev/null || true
fi

rc=0
bash scripts/kernel-matrix.sh --quick || rc=$?
echo "60-kernel-matrix: $(($(date +%s) - start)) s (summary: $build/kernel-matrix/summary.md)"
exit $rc
