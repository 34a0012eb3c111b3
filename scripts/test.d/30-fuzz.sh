#!/usr/bin/env bash
# CI stage: build the libFuzzer targets with clang (in their own build
# directory) and run each for a bounded time: first its regression inputs
# and seeds, then SCOPES_FUZZ_SECONDS of fuzzing (default 20). Fails on any
# crash, sanitizer report or failed check. Longer runs: fuzz/run.sh.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${SCOPES_FUZZ_BUILD_DIR:-${SCOPES_BUILD_DIR:-$top/build}-fuzz}
seconds=${SCOPES_FUZZ_SECONDS:-20}

if ! command -v clang >/dev/null; then
	echo "30-fuzz: clang is missing (scripts/deps.sh installs it)" >&2
	exit 1
fi
exec bash "$top/fuzz/run.sh" "$build" --seconds "$seconds"
