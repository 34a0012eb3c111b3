#!/usr/bin/env bash
# The builds CI checks besides its main one (issue 15): each with
# -DSCOPES_WERROR=ON, in its own directory under build/ci-*, all targets.
#   gcc-release   GCC, Release (-O3 and fortify find what -O2 -g does not)
#   clang         clang, RelWithDebInfo
#   cross-arm64   aarch64 with Debian's cross compiler and arm64 libraries
#                 (cmake/toolchain-aarch64-linux-gnu.cmake); skipped, and
#                 said so, where they are not installed
#   no-libunwind  GCC with libunwind hidden from pkg-config: everything but
#                 the reporter (libscopes-sigsys) must still build (issue 19)
# A compiler warning fails a build (-Werror); so does any other "warning:"
# in its log but the one known linker notice below. The directories are
# kept: a second run only rebuilds what changed, and an object that had a
# warning was never written, so it is compiled (and warns) again.
#
# usage: scripts/ci-builds.sh [NAME...]   (default: all four)
# Ends with "build-matrix: P passed, F failed" alone on a line; exit 1 if
# any failed.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
root=${SCOPES_CI_BUILD_ROOT:-$top/build}
jobs=$(nproc)
passed=0
failed=0
skipped=0

# run-target-static calls getaddrinfo on purpose (tools/run/tests); glibc's
# linker notice about static NSS is true and not a defect of the build
known_warning='Using .getaddrinfo. in statically linked applications'

# build NAME DIR [cmake args...]
build() {
	local name=$1 dir=$2
	shift 2
	local log=$dir.log start=$SECONDS
	mkdir -p "$(dirname "$dir")"
	if cmake -S "$top" -B "$dir" -DSCOPES_WERROR=ON "$@" >"$log" 2>&1 &&
		cmake --build "$dir" -j"$jobs" >>"$log" 2>&1; then
		local warnings
		warnings=$(grep -E 'warning:' "$log" | grep -Ev "$known_warning" || true)
		if [ -z "$warnings" ]; then
			echo "build-matrix: $name: clean ($((SECONDS - start)) s)"
			passed=$((passed + 1))
			return 0
		fi
		echo "build-matrix: $name: warnings ($log):"
		printf '%s\n' "$warnings" | head -20
	else
		echo "build-matrix: $name: FAILED ($log):"
		grep -E 'error|warning:|Error' "$log" | grep -Ev "$known_warning" | head -20
	fi
	failed=$((failed + 1))
	return 1
}

gcc_dir=$root/ci-gcc-release

run_gcc_release() {
	CC=gcc build gcc-release "$gcc_dir" -DCMAKE_BUILD_TYPE=Release
}

run_clang() {
	if ! command -v clang >/dev/null; then
		echo "build-matrix: clang: FAILED: clang is missing (scripts/deps.sh installs it)"
		failed=$((failed + 1))
		return
	fi
	CC=clang build clang "$root/ci-clang" -DCMAKE_BUILD_TYPE=RelWithDebInfo
}

# The cross build runs nothing built for arm64: the example images come from
# the GCC build's pngmake (SCOPES_HOST_TOOLS_DIR); scopes-promises(7), which
# describes the architecture it is made on, is made under qemu-aarch64 where
# qemu-user is installed and left out otherwise.
run_cross() {
	if ! command -v aarch64-linux-gnu-gcc >/dev/null ||
		[ ! -e /usr/lib/aarch64-linux-gnu/pkgconfig/libseccomp.pc ]; then
		echo "build-matrix: cross-arm64: skipped: needs gcc-aarch64-linux-gnu and" \
			"libseccomp-dev:arm64 (see cmake/toolchain-aarch64-linux-gnu.cmake)"
		skipped=$((skipped + 1))
		return
	fi
	local args=(-DCMAKE_TOOLCHAIN_FILE="$top/cmake/toolchain-aarch64-linux-gnu.cmake"
		-DCMAKE_BUILD_TYPE=RelWithDebInfo)
	if [ -x "$gcc_dir/examples/pngmake" ]; then
		args+=(-DSCOPES_HOST_TOOLS_DIR="$gcc_dir")
	fi
	if command -v qemu-aarch64 >/dev/null; then
		args+=(-DCMAKE_CROSSCOMPILING_EMULATOR="qemu-aarch64;-L;/usr/aarch64-linux-gnu")
	fi
	build cross-arm64 "$root/ci-cross-arm64" "${args[@]}" || return
	# built for the target, every one of them
	local wrong
	wrong=$(find "$root/ci-cross-arm64" -type f \( -perm -u+x -o -name '*.so*' -o -name '*.a' \) \
		-not -path '*/CMakeFiles/*' -exec file {} + | grep 'ELF' | grep -v 'ARM aarch64' || true)
	if [ -n "$wrong" ]; then
		echo "build-matrix: cross-arm64: not built for aarch64:"
		printf '%s\n' "$wrong" | head
		passed=$((passed - 1))
		failed=$((failed + 1))
	fi
}

# libunwind is found with pkg-config (sigsys-handler/CMakeLists.txt): a
# search path of every other .pc file of the default one hides it alone.
run_no_libunwind() {
	local dir=$root/ci-no-libunwind pcdir=$root/ci-no-libunwind.pc d f
	rm -rf "$pcdir"
	mkdir -p "$pcdir"
	local IFS=:
	for d in $(pkg-config --variable pc_path pkg-config); do
		for f in "$d"/*.pc; do
			[ -e "$f" ] || continue
			case ${f##*/} in
			libunwind*) ;;
			*) [ -e "$pcdir/${f##*/}" ] || ln -s "$f" "$pcdir/" ;;
			esac
		done
	done
	unset IFS
	PKG_CONFIG_LIBDIR=$pcdir CC=gcc build no-libunwind "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo ||
		return
	# the reporter left out, and only it
	local want=(tools/trace/scopes-trace tools/run/scopes-run sigsys-handler/scopes-symbolize
		sigsys-handler/tests/test_sigsys_decode sigsys-handler/tests/test_decode_names) missing=()
	for f in "${want[@]}"; do
		[ -x "$dir/$f" ] || missing+=("$f")
	done
	if ls "$dir"/sigsys-handler/libscopes-sigsys* >/dev/null 2>&1; then
		missing+=("(libscopes-sigsys was built: libunwind was not hidden)")
	fi
	if [ ${#missing[@]} -gt 0 ]; then
		echo "build-matrix: no-libunwind: not as expected: ${missing[*]}"
		passed=$((passed - 1))
		failed=$((failed + 1))
	fi
}

start=$SECONDS
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(gcc-release clang cross-arm64 no-libunwind)
for name in "${names[@]}"; do
	case $name in
	gcc-release) run_gcc_release ;;
	clang) run_clang ;;
	cross-arm64) run_cross ;;
	no-libunwind) run_no_libunwind ;;
	*)
		echo "build-matrix: unknown build $name" >&2
		failed=$((failed + 1))
		;;
	esac
done
[ "$skipped" -eq 0 ] || echo "build-matrix: $skipped skipped"
echo "build-matrix: took $((SECONDS - start)) s"
echo "build-matrix: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
