#!/usr/bin/env bash
# CI stage: the Debian packages (debian/) build, hold what they should,
# pass lintian, and work once unpacked.
#
# In a copy of the tree (the checkout is never written): dpkg-buildpackage
# -us -uc -b (nocheck: the tests are this suite's), then for each .deb its
# file list (dpkg-deb -c) against what it must ship, lintian (no error and
# no warning), and the packages unpacked with dpkg -x into a throwaway root
# where a C program built with the root's pkg-config file pledges, the
# Python binding pledges a child, and the pytest plugin runs a C function
# pledged -- found by the packages' own paths, with no SCOPES_* variable.
# Then the packages installed for real, with dpkg -i, in a private mount
# namespace whose /usr, /etc and /var are overlays (nothing reaches the
# machine): from a directory outside the tree and with an empty environment,
# a C program built with pkg-config and one with find_package(scopes), a
# Python program and a pytest suite each use the installed project.
#
# SCOPES_DEB_SOURCE=head packages the last commit (git archive) instead of
# the work tree's files. SCOPES_DEB_KEEP=1 keeps the work directory.
# Ends with "debian-packages: P passed, F failed".
set -euo pipefail
self=$(readlink -f "$0")

# Inside the private mount namespace (see the end): install, then use.
# Writes "ok WHAT" / "FAILED WHAT" lines to $work/installed.results.
installed_check() {
	local work=$1 want=$2 d r
	for d in usr etc var; do
		mkdir -p "$work/ovl/$d.up" "$work/ovl/$d.work"
		mount -t overlay overlay \
			-o "lowerdir=/$d,upperdir=$work/ovl/$d.up,workdir=$work/ovl/$d.work" "/$d"
	done
	say() { echo "$*" >>"$work/installed.results"; }
	if ! dpkg -i "$work"/*.deb >"$work/dpkg-i.log" 2>&1; then
		say "FAILED dpkg -i of every package (log: $work/dpkg-i.log)"
		return 0
	fi
	say "ok dpkg -i of every package"
	local out="$work/outside"
	mkdir -p "$out/cmake" "$out/app"
	cp "$work/prog.c" "$out/"
	printf '%s\n' 'cmake_minimum_required(VERSION 3.20)' 'project(outside C)' \
		'find_package(scopes REQUIRED COMPONENTS sigsys)' \
		'add_executable(prog ../prog.c)' \
		'target_link_libraries(prog PRIVATE scopes::scopes)' >"$out/cmake/CMakeLists.txt"
	cp "$work/installed_app.py" "$out/app/test_app.py"
	local clean=(env -i PATH=/usr/bin:/bin HOME="$out" LANG=C.UTF-8)
	cd "$out"
	r=
	if "${clean[@]}" sh -c 'cc prog.c -o prog-pc $(pkg-config --cflags --libs scopes)' &&
		r=$("${clean[@]}" ./prog-pc) && [ "$r" = "$want EPERM" ]; then
		say "ok pkg-config: cc prog.c \$(pkg-config --cflags --libs scopes) pledges ($r)"
	else
		say "FAILED the pkg-config build against the installed package: $r"
	fi
	r=
	if "${clean[@]}" cmake -S cmake -B cmake/build >cmake.log 2>&1 &&
		"${clean[@]}" cmake --build cmake/build >>cmake.log 2>&1 &&
		r=$("${clean[@]}" cmake/build/prog) && [ "$r" = "$want EPERM" ]; then
		say "ok find_package(scopes): the CMake build pledges ($r)"
	else
		say "FAILED the find_package(scopes) build: $r (log: $out/cmake.log)"
	fi
	r=
	if r=$("${clean[@]}" python3 - /usr/lib/python3/dist-packages <"$work/pledge.py") &&
		[ "$r" = "$want EPERM" ]; then
		say "ok python3: import scopes pledges ($r)"
	else
		say "FAILED python3 import scopes: $r"
	fi
	if (cd app && "${clean[@]}" python3 -m pytest -q -p no:cacheprovider >../app.log 2>&1) &&
		grep -q "^3 passed" app.log; then
		say "ok python3 -m pytest: the installed plugin loads itself (scopes_run, scopes_call, scopes_minimal)"
	else
		say "FAILED the pytest suite on the installed plugin (log: $out/app.log)"
	fi
}
if [ "${1:-}" = --installed-check ]; then
	installed_check "$2" "$3"
	exit 0
fi

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
t0=$SECONDS
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "  ok: $*"; }
fail() { failed=$((failed + 1)); echo "  FAILED: $*" >&2; }
finish() {
	echo "80-debian-packages: $((SECONDS - t0)) s"
	echo "debian-packages: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

for tool in dpkg-buildpackage dh dpkg-deb lintian; do
	if ! command -v "$tool" >/dev/null; then
		echo "80-debian-packages: $tool is missing (bash scripts/deps.sh installs it)" >&2
		failed=1
		finish
	fi
done

version=$(dpkg-parsechangelog -l debian/changelog -S Version)
work=$(mktemp -d /tmp/scopes-deb-XXXXXX)
if [ "${SCOPES_DEB_KEEP:-0}" != 1 ]; then
	trap 'rm -rf "$work"' EXIT
fi
src="$work/seccomp-scopes-$version"
mkdir "$src"
if [ "${SCOPES_DEB_SOURCE:-worktree}" = head ]; then
	git archive HEAD | tar -C "$src" -xf -
else
	# tracked and new (not ignored) files as they are now; no build trees
	git ls-files -z --cached --others --exclude-standard |
		(while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done) |
		tar --null -T - -cf - | tar -C "$src" -xf -
fi

echo "== dpkg-buildpackage ($version, in $src)"
if (cd "$src" && DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" \
	dpkg-buildpackage -us -uc -b >"$work/build.log" 2>&1); then
	pass "dpkg-buildpackage -us -uc -b"
else
	tail -40 "$work/build.log" >&2
	fail "dpkg-buildpackage (log: $work/build.log)"
	SCOPES_DEB_KEEP=1
	trap - EXIT
	finish
fi
if grep -E ':[0-9]+:([0-9]+:)? warning: ' "$work/build.log" >&2; then
	fail "the compiler warned in the package build"
else
	pass "no compiler warning in the package build"
fi

arch=$(dpkg-architecture -qDEB_HOST_ARCH)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
deb() { echo "$work/${1}_${version}_${2:-$arch}.deb"; }

echo "== contents (dpkg-deb -c)"
# package, [arch], then the paths it must hold
check_contents() {
	local pkg=$1 a=$2 f
	shift 2
	local list
	if ! list=$(dpkg-deb -c "$(deb "$pkg" "$a")" | awk '{print $6}' | sed 's|^\./|/|'); then
		fail "$pkg: no package"
		return
	fi
	for f in "$@"; do
		if ! grep -qx -- "$f" <<<"$list"; then
			fail "$pkg lacks $f"
			return
		fi
	done
	pass "$pkg holds $*"
}
L=/usr/lib/$multiarch
P=/usr/lib/python3/dist-packages
check_contents libscopes0 "$arch" $L/libscopes.so.0 $L/scopes/libscopes-exec.so
check_contents libscopes-sigsys0 "$arch" $L/libscopes-sigsys.so.0
check_contents libscopes-dev "$arch" /usr/include/scopes.h /usr/include/scopes/pledge.h \
	/usr/include/scopes/table.h /usr/include/scopes/sigsys.h $L/libscopes.so $L/libscopes.a \
	$L/pkgconfig/scopes.pc $L/cmake/scopes/scopesConfig.cmake /usr/share/man/man3/pledge.3.gz
check_contents seccomp-scopes-tools "$arch" /usr/bin/scopes-run /usr/bin/scopes-trace \
	/usr/bin/scopes-symbolize /usr/share/man/man7/scopes-promises.7.gz \
	/usr/share/bash-completion/completions/scopes-run \
	/usr/share/seccomp-scopes/schemas/scopes-violation.schema.json
check_contents python3-scopes all $P/scopes/__init__.py $P/scopes/_install.py \
	$P/scopes_pytest/__init__.py "$P/seccomp_scopes-$version.dist-info/entry_points.txt"
# a library package with nothing but its library: no header, no tool
# (the listings are captured first: under pipefail, grep -q leaving early
# gives the writer SIGPIPE and a match would count as a failure)
listing=$(dpkg-deb -c "$(deb libscopes0)")
if grep -q '/usr/include\|/usr/bin' <<<"$listing"; then
	fail "libscopes0 ships headers or programs"
else
	pass "libscopes0 ships only the library and its shim"
fi

echo "== lintian"
# Known tags, each with its reason, until fixed: the stage fails on any
# other error or warning, and on a known one that is gone (drop it here).
expected_lintian=(
)
lrc=0
lintian --tag-display-limit 0 "$work"/*.changes >"$work/lintian.log" 2>&1 || lrc=$?
got=$(grep -E '^[EW]: ' "$work/lintian.log" | sort -u || true)
want=$(printf '%s\n' "${expected_lintian[@]}" | sort -u)
unexpected=$(comm -23 <(printf '%s\n' "$got" | sed '/^$/d') <(printf '%s\n' "$want"))
gone=$(comm -13 <(printf '%s\n' "$got" | sed '/^$/d') <(printf '%s\n' "$want"))
if [ "$lrc" -gt 1 ]; then  # 1: tags at the fail-on level (error), >1: it did not run
	cat "$work/lintian.log" >&2
	fail "lintian did not run (exit $lrc)"
elif [ -n "$unexpected" ]; then
	printf '%s\n' "$unexpected" >&2
	fail "lintian: errors or warnings"
elif [ -n "$gone" ]; then
	printf '%s\n' "$gone" >&2
	fail "lintian: an expected tag is gone; remove it from expected_lintian"
else
	pass "lintian: no error or warning beyond the ${#expected_lintian[@]} known"
fi
grep -E '^[EWI]: ' "$work/lintian.log" || true

echo "== unpacked into a throwaway root"
root="$work/root"
mkdir "$root"
for f in "$work"/*.deb; do
	dpkg -x "$f" "$root"
done
cat >"$work/prog.c" <<'EOF'
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <scopes.h>

int main(void)
{
	if (scopes_set_penalty(SCOPES_PENALTY_ERRNO) != 0 || scopes_pledge("stdio", NULL) != 0)
		return 2;
	int fd = open("/etc/hostname", O_RDONLY);
	printf("%s %s\n", scopes_version(), fd < 0 ? strerrorname_np(errno) : "allowed");
	return 0;
}
EOF
flags=$(PKG_CONFIG_SYSROOT_DIR="$root" PKG_CONFIG_LIBDIR="$root$L/pkgconfig" \
	pkg-config --cflags --libs scopes)
if cc -Wall -Werror "$work/prog.c" -o "$work/prog" $flags &&
	out=$(LD_LIBRARY_PATH="$root$L" "$work/prog") && [ "$out" = "${version%%-*} EPERM" ]; then
	pass "a C program built with the package's pkg-config file pledges ($out)"
else
	fail "the C program against the packaged library: ${out:-did not build}"
fi
deps=$(LD_LIBRARY_PATH="$root$L" ldd "$work/prog" || true)
if grep -q "libscopes.so.0 => $root$L/libscopes.so.0" <<<"$deps"; then
	pass "it runs on the packaged libscopes.so.0"
else
	fail "it did not load the packaged libscopes.so.0"
fi

if out=$("$root/usr/bin/scopes-run" --version) && [ -n "$out" ] &&
	list=$("$root/usr/bin/scopes-run" --list) && grep -q '^stdio ' <<<"$list"; then
	pass "scopes-run --version, --list ($out)"
else
	fail "the packaged scopes-run"
fi

# The Python program that pledges, run from the unpacked root here and
# from the dpkg -i install (installed_check): its argument is the directory
# the binding must have been imported from.
cat >"$work/pledge.py" <<'PY'
import sys

import scopes

assert scopes.__file__ == sys.argv[1] + "/scopes/__init__.py", scopes.__file__
scopes.set_penalty("errno")
scopes.pledge("stdio")
try:
    open("/etc/hostname")
except PermissionError as e:
    print(scopes.version(), "EPERM" if e.errno == 1 else e.errno)
PY
# The Python parts find the root's libraries and tools by their own
# _install.py: only the package directory is given (a prefix python3 does
# not search), no SCOPES_* variable and no LD_LIBRARY_PATH.
pyenv=(env -u SCOPES_BUILD_DIR -u SCOPES_LIB -u SCOPES_SIGSYS_LIB -u SCOPES_RUN
	-u SCOPES_TRACE -u LD_LIBRARY_PATH PYTHONPATH="$root$P")
if out=$("${pyenv[@]}" /usr/bin/python3 - "$root$P" <"$work/pledge.py") &&
	[ "$out" = "${version%%-*} EPERM" ]; then
	pass "import scopes from the package pledges ($out)"
else
	fail "import scopes from the package: ${out:-}"
fi
mkdir "$work/app"
cat >"$work/app/test_app.py" <<'EOF'
import ctypes
import ctypes.util


def test_socket_needs_inet(scopes_call):
    libc = ctypes.util.find_library("c")
    r = scopes_call(libc, "socket", 2, 1, 0, promises="stdio", restype=ctypes.c_int)
    assert r.violation.syscall == "socket" and r.violation.promise == "inet"
    assert scopes_call(libc, "getpid", promises="stdio").ok
EOF
if (cd "$work/app" && "${pyenv[@]}" /usr/bin/python3 -m pytest -q -p no:cacheprovider \
	test_app.py >"$work/app.log" 2>&1) && grep -q "^1 passed" "$work/app.log"; then
	pass "the packaged pytest plugin, loaded by its entry point, runs a C function pledged"
else
	cat "$work/app.log" >&2
	fail "the packaged pytest plugin"
fi

echo "== installed with dpkg -i (a private mount namespace; overlays on /usr, /etc, /var)"
cat >"$work/installed_app.py" <<'PY'
import ctypes
import ctypes.util


def test_cat_needs_rpath(scopes_run, tmp_path):
    f = tmp_path / "x"
    f.write_text("x\n")
    assert scopes_run(["cat", str(f)], promises="stdio rpath").stdout == "x\n"
    r = scopes_run(["cat", str(f)], promises="stdio")
    assert r.violation.syscall == "openat" and r.violation.promise == "rpath"


def test_socket_needs_inet(scopes_call):
    libc = ctypes.util.find_library("c")
    r = scopes_call(libc, "socket", 2, 1, 0, promises="stdio", restype=ctypes.c_int)
    assert r.violation.syscall == "socket" and r.violation.promise == "inet"


def test_minimal_set(scopes_minimal, tmp_path):
    f = tmp_path / "x"
    f.write_text("x\n")
    assert "stdio" in scopes_minimal(["cat", str(f)]).promises
PY
: >"$work/installed.results"
if unshare --mount --propagation private bash "$self" --installed-check "$work" "${version%%-*}" \
	>"$work/installed.log" 2>&1; then
	while read -r word rest; do
		if [ "$word" = ok ]; then pass "$rest"; else fail "$rest"; fi
	done <"$work/installed.results"
	[ -s "$work/installed.results" ] || fail "the installed check reported nothing"
else
	cat "$work/installed.log" >&2
	fail "the private mount namespace could not be set up (unshare, overlayfs)"
fi

finish
