#!/usr/bin/env bash
# Build the libFuzzer targets with clang and run each for a bounded time.
#
#   fuzz/run.sh BUILD_DIR [--seconds N] [--only TARGET]
#
# BUILD_DIR is configured (CC=clang, -DSCOPES_FUZZ=ON) when it is not yet.
# Each target first replays its regression inputs (fuzz/regress/TARGET/:
# inputs that once crashed, kept so the bug stays fixed) and its seed corpus
# (fuzz/corpus/TARGET/), then fuzzes for N seconds (default 30) from a copy
# of the corpus in BUILD_DIR/fuzz-work/TARGET. A crash leaves its input in
# BUILD_DIR/fuzz-artifacts/. Prints executions per second and coverage per
# target; exits non-zero if any target crashed, leaked or timed out.
set -euo pipefail

usage() {
	echo "usage: fuzz/run.sh BUILD_DIR [--seconds N] [--only TARGET]" >&2
	exit 2
}

[ $# -ge 1 ] || usage
build=$1
shift
seconds=30
only=
while [ $# -gt 0 ]; do
	case $1 in
	--seconds) seconds=${2:?}; shift 2 ;;
	--only) only=${2:?}; shift 2 ;;
	*) usage ;;
	esac
done
case $seconds in '' | *[!0-9]*) usage ;; esac

top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$build"
build=$(cd "$build" && pwd)

if [ ! -f "$build/CMakeCache.txt" ]; then
	CC=${CC:-clang} cmake -S "$top" -B "$build" -DSCOPES_FUZZ=ON -DSCOPES_TESTS=OFF \
		-DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
if ! grep -q '^SCOPES_FUZZ:BOOL=ON' "$build/CMakeCache.txt"; then
	echo "fuzz/run.sh: $build is not configured with -DSCOPES_FUZZ=ON" >&2
	exit 2
fi
cmake --build "$build" --target scopes-fuzzers -j"$(nproc)"

# per-target libFuzzer options
options_for() {
	case $1 in
	fuzz_promises) echo "-max_len=8192" ;;      # past the 4095-byte limit
	fuzz_filter) echo "-use_value_profile=1" ;;  # steer arguments onto constants
	fuzz_decode) echo "-max_len=1024" ;;
	*) echo "" ;;
	esac
}

mkdir -p "$build/fuzz-work" "$build/fuzz-artifacts" "$build/fuzz-logs"
status=0
summary=()
while read -r target; do
	[ -n "$target" ] || continue
	[ -z "$only" ] || [ "$only" = "$target" ] || continue
	bin=$build/fuzz/$target
	log=$build/fuzz-logs/$target.log
	work=$build/fuzz-work/$target
	art=$build/fuzz-artifacts/$target-
	mkdir -p "$work"
	opts=$(options_for "$target")

	# 1. regression inputs and seeds: each must pass as it is
	replay=()
	for d in "$top/fuzz/regress/$target" "$top/fuzz/corpus/$target"; do
		[ -d "$d" ] && for f in "$d"/*; do [ -f "$f" ] && replay+=("$f"); done
	done
	if [ ${#replay[@]} -gt 0 ]; then
		# shellcheck disable=SC2086
		if ! "$bin" $opts -artifact_prefix="$art" "${replay[@]}" >"$log.replay" 2>&1; then
			echo "== $target: a regression or seed input fails:" >&2
			grep -E 'check failed|ERROR|Running: ' "$log.replay" | tail -5 >&2
			summary+=("$(printf '%-14s REPLAY FAILED (%s)' "$target" "$log.replay")")
			status=1
			continue
		fi
	fi

	# 2. fuzz from the seeds (and what earlier runs in this build found)
	[ -d "$top/fuzz/corpus/$target" ] && cp -n "$top/fuzz/corpus/$target"/* "$work"/ 2>/dev/null || true
	echo "== $target: fuzzing for ${seconds}s"
	rc=0
	# shellcheck disable=SC2086
	"$bin" $opts -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$art" "$work" >"$log" 2>&1 || rc=$?
	last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$last" | sed -n 's/.*corp: \([0-9]*\).*/\1/p')
	if [ "$rc" -ne 0 ]; then
		status=1
		echo "== $target: FAILED (exit $rc), see $log" >&2
		grep -E 'check failed|ERROR: |SUMMARY|Test unit written' "$log" | head -8 >&2
		summary+=("$(printf '%-14s FAILED: exit %s, input in %s*' "$target" "$rc" "$art")")
	else
		summary+=("$(printf '%-14s ok  %10s execs  %7s exec/s  cov %5s  ft %6s  corpus %5s' \
			"$target" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}")")
	fi
done <"$build/fuzz/fuzzers.txt"

echo "== fuzz summary (${seconds}s each)"
for line in "${summary[@]}"; do
	echo "$line"
done
exit $status
