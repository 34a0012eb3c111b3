#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# OpenBSD programs, from Debian's source packages, with their own pledge()
# and unveil() calls active (<scopes/pledge.h>, -lscopes), each run next to
# an unpledged build of the same tree: outputs equal, no process killed by
# SIGSYS.  See docs/openbsd-programs.md.
#
#   scripts/openbsd-programs.sh [PROGRAM...]      (default: all of them)
#
# Environment:
#   SCOPES_BUILD_DIR      the libscopes build (default: build)
#   OBSD_CACHE            the source cache (default:
#                         ${XDG_CACHE_HOME:-$HOME/.cache}/seccomp-scopes/openbsd-src)
#   OBSD_TIME_LIMIT       seconds for the whole stage (default 1800)
#
# Results: $SCOPES_BUILD_DIR/openbsd-programs/results.md (and one directory
# per program with its builds, both runs' outputs, the call sites reached).
# Last line: "openbsd-programs: N passed, M failed, K expected failures".
# Exit status non-zero on an unexpected failure or when the sources cannot
# be had.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
here="$top/scripts/openbsd-programs"
build=${SCOPES_BUILD_DIR:-$top/build}
case "$build" in /*) ;; *) build="$top/$build" ;; esac
out="$build/openbsd-programs"
cache=${OBSD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/seccomp-scopes/openbsd-src}
limit=${OBSD_TIME_LIMIT:-1800}
start=$SECONDS
programs=("$@")
[ ${#programs[@]} -gt 0 ] || programs=(signify inetd inetd-debug ntpd bgpd bgplgd)

export SCOPES_INC="$top/libscopes/include"
export SCOPES_LIB="$build/libscopes"
SIGSYS_SO="$build/sigsys-handler/libscopes-sigsys.so"
# The pledged builds: OpenBSD's names, the call-site recorder, libscopes.
export PLEDGE_CPPFLAGS="-I$SCOPES_INC -include scopes/pledge.h"
export PLEDGE_LIBS="$out/callsite.o -L$SCOPES_LIB -lscopes -Wl,-rpath,$SCOPES_LIB -ldl"
# Both builds: the same flags.
export OBSD_CFLAGS="-g -O2"
unset SCOPES_PENALTY

say() { printf 'openbsd-programs: %s\n' "$*"; }
die() { printf 'openbsd-programs: ERROR: %s\n' "$*" >&2; exit 1; }
left() { echo $((limit - (SECONDS - start))); }

[ -e "$SCOPES_LIB/libscopes.so" ] || die "no $SCOPES_LIB/libscopes.so: build the project first"
mkdir -p "$out" "$cache"

# --- sources ----------------------------------------------------------------
# A deb-src list made now from the machine's own apt sources (deb822
# .sources files and one-line lists alike), in a private apt state under the
# cache: the system's lists and configuration are not touched.
aptdir="$cache/apt"
mkdir -p "$aptdir/lists/partial" "$aptdir/parts" "$aptdir/cache/archives/partial"
make_src_list() {
	local f
	: >"$aptdir/sources.list.new"
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -r "$f" ] || continue
		# "deb [opts] uri suite comps" -> "deb-src [opts] uri suite comps"
		sed -n -e 's/^[[:space:]]*deb[[:space:]]\+/deb-src /p' "$f" >>"$aptdir/sources.list.new"
	done
	: >"$aptdir/src.sources.new"
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		# each stanza that has "deb" among its Types, with Types: deb-src
		awk 'BEGIN { RS = ""; FS = "\n" }
		{
			keep = 0; enabled = 1; s = ""
			for (i = 1; i <= NF; i++) {
				l = $i
				if (l ~ /^#/) continue
				if (l ~ /^Types:/) { if (l ~ /[[:space:]]deb([[:space:]]|$)/) keep = 1; l = "Types: deb-src" }
				if (l ~ /^Enabled:[[:space:]]*no/) enabled = 0
				s = s l "\n"
			}
			if (keep && enabled) printf "%s\n", s
		}' "$f" >>"$aptdir/src.sources.new"
	done
	mv "$aptdir/sources.list.new" "$aptdir/sources.list"
	mv "$aptdir/src.sources.new" "$aptdir/parts/src.sources"
	[ -s "$aptdir/sources.list" ] || [ -s "$aptdir/parts/src.sources" ] ||
		die "no apt source on this machine to derive a deb-src list from (/etc/apt/sources.list, /etc/apt/sources.list.d/)"
}
APT_OPTS=(-o "Dir::Etc::SourceList=$aptdir/sources.list" -o "Dir::Etc::SourceParts=$aptdir/parts"
	-o "Dir::State::Lists=$aptdir/lists" -o "Dir::Cache=$aptdir/cache"
	-o "APT::Sandbox::User=root" -o "Acquire::Retries=3")
src_ready=0
apt_src_update() {
	[ $src_ready = 1 ] && return 0
	make_src_list
	say "apt-get update (deb-src, private lists in $aptdir)"
	if ! timeout 300 apt-get "${APT_OPTS[@]}" -q update >"$aptdir/update.log" 2>&1 ||
		grep -q '^\(E:\|W: Failed\|Err:\)' "$aptdir/update.log"; then
		cat "$aptdir/update.log" >&2
		die "apt-get update of the deb-src list failed: Debian's sources cannot be reached"
	fi
	src_ready=1
}
# fetch PKG: the unpacked source tree of PKG's candidate version in the cache
fetch() {
	local pkg=$1 d dsc
	d="$cache/$pkg"
	if [ -f "$d/.tree" ] && [ -d "$(cat "$d/.tree")" ]; then
		cat "$d/.tree"
		return
	fi
	apt_src_update >&2
	rm -rf "$d"
	mkdir -p "$d"
	say "apt-get source $pkg" >&2
	(cd "$d" && timeout 600 apt-get "${APT_OPTS[@]}" -q source "$pkg" >"$d/source.log" 2>&1) || {
		cat "$d/source.log" >&2
		die "apt-get source $pkg failed"
	}
	dsc=$(ls "$d"/*.dsc | head -1)
	local tree
	tree=$(find "$d" -mindepth 1 -maxdepth 1 -type d | head -1)
	[ -n "$dsc" ] && [ -d "$tree" ] || die "apt-get source $pkg left no unpacked tree"
	echo "$tree" >"$d/.tree"
	echo "$tree"
}

# --- build dependencies -------------------------------------------------------
need_packages() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] || die "missing build dependencies (install them): ${missing[*]}"
	say "apt-get install ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -q --no-install-recommends \
		"${missing[@]}" >"$out/apt-install.log" 2>&1 || {
		tail -20 "$out/apt-install.log" >&2
		die "apt-get install ${missing[*]} failed"
	}
}
need_packages dpkg-dev gcc make binutils pkg-config

# the call-site recorder (rebuilt each run: cheap)
cc $OBSD_CFLAGS -fPIC -I"$SCOPES_INC" -c "$here/callsite.c" -o "$out/callsite.o"

# --- one program ----------------------------------------------------------------
passed=0 failed=0 xfailed=0
results="$out/results.md"
{
	echo "# OpenBSD programs under libscopes"
	echo
	echo "Made by scripts/openbsd-programs.sh on $(date -u +%Y-%m-%dT%H:%MZ), kernel $(uname -r)."
	echo
} >"$results.new"

dmesg_ts() { dmesg 2>/dev/null | tail -1 | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p'; }
# seccomp kills (audit type 1326, sig=31) of our images since a timestamp
dmesg_kills() {
	local since=${1:-0} under=$2
	dmesg 2>/dev/null | awk -v t="$since" -v u="exe=\"$under" '
		{ s = $0; sub(/^\[ */, "", s); ts = s + 0 }
		ts > t && index($0, "type=1326") && index($0, " sig=31 ") && index($0, u) { print }'
}

known_reason() { # prints the reason when PROGRAM is a known failure
	sed -n "s/^$1|//p" "$here/known-failures" 2>/dev/null | head -1
}

run_program() {
	local prog=$1 pd="$out/$1" src stamp mode rc_plain rc_pledged t0 why=() mark
	# shellcheck source=/dev/null
	. "$here/$prog.sh"
	need_packages "${DEPS[@]}"
	src=$(fetch "$PKG")
	mkdir -p "$pd"
	# a build is reused while the source, the program's build() and the flags
	# are the same (the pledged build links libscopes.so from the build tree,
	# so a change of the library needs no relink)
	stamp=$( (declare -f build; echo "$OBSD_CFLAGS $PLEDGE_CPPFLAGS $PLEDGE_LIBS"
		cat "$here/callsite.c") |
		sha256sum | cut -c1-16)-$(basename "$src")
	for mode in plain pledged; do
		if [ "$(cat "$pd/$mode/.built" 2>/dev/null)" != "$stamp" ]; then
			t0=$SECONDS
			rm -rf "$pd/$mode"
			cp -a "$src" "$pd/$mode"
			say "$prog: building $mode ($(basename "$src"))"
			if ! (cd "$pd/$mode" && build "$mode") >"$pd/build-$mode.log" 2>&1; then
				tail -30 "$pd/build-$mode.log" >&2
				die "$prog: the $mode build failed (log: $pd/build-$mode.log)"
			fi
			echo "$stamp" >"$pd/$mode/.built"
			say "$prog: $mode built in $((SECONDS - t0)) s"
		fi
	done

	# the pledge/unveil call sites in the source (what Debian builds)
	(cd "$pd/pledged" && grep -rHnE --include='*.c' '(^|[^_a-z])(pledge|unveil)\(' $SRCDIRS |
		grep -vE '^[^:]+:[0-9]+:[[:space:]]*(\*|/\*|#define|int[[:space:]]|extern)' |
		grep -vE ':[0-9]+:BROKEN' | sed 's#^\./##' || true) >"$pd/sites-source.txt"

	local budget
	budget=$(left)
	[ "$budget" -gt 30 ] || { say "$prog: no time left in the stage's ${limit} s"; return 1; }
	[ "$budget" -lt "${RUN_LIMIT:-300}" ] || budget=${RUN_LIMIT:-300}

	rm -rf "$pd/work-plain" "$pd/work-pledged"
	mkdir -p "$pd/work-plain" "$pd/work-pledged"
	: >"$pd/killed-plain.txt"
	: >"$pd/killed-pledged.txt"
	: >"$pd/callsites.txt"
	t0=$SECONDS
	set +e
	(cd "$pd/work-plain" && python3 "$here/reap.py" "$pd/killed-plain.txt" "$budget" \
		bash -c '. "$1"; run "$2" "$3"' run "$here/$prog.sh" "$pd/plain" "$pd/work-plain") \
		>"$pd/out-plain.txt" 2>&1
	rc_plain=$?
	mark=$(dmesg_ts)
	(cd "$pd/work-pledged" && OBSD_CALLSITES="$pd/callsites.txt" python3 "$here/reap.py" \
		"$pd/killed-pledged.txt" "$budget" \
		bash -c '. "$1"; run "$2" "$3"' run "$here/$prog.sh" "$pd/pledged" "$pd/work-pledged") \
		>"$pd/out-pledged.txt" 2>&1
	rc_pledged=$?
	set -e
	local secs=$((SECONDS - t0))
	dmesg_kills "$mark" "$pd/" >"$pd/sigsys-audit.txt" || true

	# compare: outputs with the build's directory named alike
	sed -e "s#$pd/plain#BUILD#g; s#$pd/work-plain#WORK#g" "$pd/out-plain.txt" >"$pd/cmp-plain.txt"
	sed -e "s#$pd/pledged#BUILD#g; s#$pd/work-pledged#WORK#g" "$pd/out-pledged.txt" >"$pd/cmp-pledged.txt"
	[ $rc_plain -eq 0 ] || why+=("the unpledged run failed (status $rc_plain): the scenario itself is broken")
	[ $rc_pledged -eq $rc_plain ] || why+=("exit status $rc_pledged, unpledged $rc_plain")
	diff -u "$pd/cmp-plain.txt" "$pd/cmp-pledged.txt" >"$pd/diff.txt" || why+=("outputs differ ($pd/diff.txt)")
	grep -q SIGSYS "$pd/killed-pledged.txt" && why+=("a process was killed by SIGSYS")
	[ -s "$pd/sigsys-audit.txt" ] && why+=("the kernel logged $(wc -l <"$pd/sigsys-audit.txt") seccomp kill(s)")
	grep -q ' rc=-1 ' "$pd/callsites.txt" && why+=("a pledge or unveil call failed")
	[ -s "$pd/callsites.txt" ] || why+=("no pledge call was reached")

	# reached call sites: file:line of each recorded call
	reached_sites "$pd" >"$pd/sites-reached.txt"

	local outcome reason violation=""
	if [ ${#why[@]} -eq 0 ]; then
		outcome=passed
		passed=$((passed + 1))
	else
		# diagnosis: the pledged run again with the violation reporter
		if [ -e "$SIGSYS_SO" ]; then
			rm -rf "$pd/work-report"
			mkdir -p "$pd/work-report"
			(cd "$pd/work-report" && OBSD_SIGSYS_REPORT=1 LD_PRELOAD="$SIGSYS_SO" \
				python3 "$here/reap.py" /dev/null "$budget" \
				bash -c '. "$1"; run "$2" "$3"' run "$here/$prog.sh" "$pd/pledged" "$pd/work-report") \
				>"$pd/out-report.txt" 2>&1 || true
			# the first report, wherever the program's stderr went
			violation=$(grep -rh -m1 '^scopes: violation:' "$pd/out-report.txt" "$pd/work-report" \
				2>/dev/null | head -1 || true)
		fi
		reason=$(known_reason "$prog")
		if [ -n "$reason" ]; then
			outcome="expected failure"
			xfailed=$((xfailed + 1))
		else
			outcome=FAILED
			failed=$((failed + 1))
		fi
	fi
	say "$prog: $outcome in ${secs} s${why:+ (${why[*]})}"
	[ -z "$violation" ] || say "$prog: $violation"
	[ "$outcome" != "expected failure" ] || say "$prog: known: $reason"
	{
		echo "## $prog ($PKG $(basename "$src"))"
		echo
		echo "$DESCRIPTION"
		echo
		echo "Outcome: **$outcome** (runs: ${secs} s)."
		for w in "${why[@]}"; do echo "- $w"; done
		[ -z "$violation" ] || echo "- first violation: \`${violation#scopes: violation: }\`"
		[ "$outcome" != "expected failure" ] || echo "- known limitation: $reason"
		echo
		echo "| call site | call | reached |"
		echo "| --- | --- | --- |"
		site_table "$pd"
		echo
	} >>"$results.new"
}

# file:line for each line of callsites.txt (module+offset), with the call
reached_sites() {
	local pd=$1 what pid at rc rest mod off bin
	while read -r what pid at rc _ rest; do
		mod=${at%+0x*}
		off=${at##*+}
		bin=""
		for b in "${BINS[@]}"; do
			[ "$(basename "$b")" = "$(basename "$mod")" ] && bin="$pd/pledged/$b"
		done
		# the main program's name is argv[0], which setproctitle() rewrites
		case "$mod" in *.so*) ;; *) [ -n "$bin" ] || bin="$pd/pledged/${BINS[0]}" ;; esac
		if [ -n "$bin" ] && [ -e "$bin" ]; then
			# (a build copied from another program's names its files)
			echo "$(addr2line -e "$bin" "$off" | sed "s#^$out/[^/]*/pledged/##; s# (discriminator.*##") $what $rc $rest"
		else
			echo "$at $what $rc $rest"
		fi
	done <"$pd/callsites.txt" | sort | uniq -c
}

site_table() {
	local pd=$1 file line code
	while IFS=: read -r file line code; do
		code=$(echo "$code" | sed 's/^[[:space:]]*//; s/|/\\|/g')
		if grep -q "[[:space:]]$file:$line " "$pd/sites-reached.txt"; then
			echo "| $file:$line | \`$code\` | yes ($(grep "[[:space:]]$file:$line " "$pd/sites-reached.txt" | awk '{n += $1} END {print n}') calls) |"
		else
			echo "| $file:$line | \`$code\` | no |"
		fi
	done <"$pd/sites-source.txt"
}

for prog in "${programs[@]}"; do
	[ -e "$here/$prog.sh" ] || die "no scenario for $prog ($here/$prog.sh)"
	(
		unset PKG DEPS BINS SRCDIRS DESCRIPTION
		passed=0 failed=0 xfailed=0
		run_program "$prog"
		echo "$passed $failed $xfailed" >"$out/.count"
	) || { say "$prog: FAILED (the stage could not run it)"; echo "0 1 0" >"$out/.count"; }
	read -r p f x <"$out/.count"
	passed=$((passed + p)) failed=$((failed + f)) xfailed=$((xfailed + x))
done
rm -f "$out/.count"

echo "Total: $passed passed, $failed failed, $xfailed expected failures; $((SECONDS - start)) s." >>"$results.new"
mv "$results.new" "$results"
say "results in $results ($((SECONDS - start)) s)"
echo "openbsd-programs: $passed passed, $failed failed, $xfailed expected failures"
[ "$failed" -eq 0 ]
