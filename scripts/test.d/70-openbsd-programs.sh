#!/usr/bin/env bash
# OpenBSD programs from Debian's source packages, built with their own
# pledge()/unveil() calls active against this tree's libscopes and run next
# to an unpledged build of the same source (scripts/openbsd-programs.sh,
# docs/openbsd-programs.md). Sources are cached under
# ${XDG_CACHE_HOME:-$HOME/.cache}/seccomp-scopes/openbsd-src; the first run
# downloads and builds, later ones reuse both.
#
# Bounded: OBSD_TIME_LIMIT seconds for the programs (default 2400) and a hard
# timeout above it. Fails on an unexpected failure, and loudly when Debian's
# sources cannot be fetched. Known library limitations are reported as
# expected failures (scripts/openbsd-programs/known-failures).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
build=${SCOPES_BUILD_DIR:-$top/build}
case "$build" in /*) ;; *) build="$top/$build" ;; esac
export SCOPES_BUILD_DIR="$build"
# openbgpd doubled the builds: about 1,100 s of them without a source cache on
# a loaded 2-core machine (half that idle), the runs about 300 s
export OBSD_TIME_LIMIT=${OBSD_TIME_LIMIT:-2400}

t0=$SECONDS
rc=0
timeout --kill-after=30 $((OBSD_TIME_LIMIT + 300)) bash scripts/openbsd-programs.sh || rc=$?
echo "70-openbsd-programs: $((SECONDS - t0)) s (results: $build/openbsd-programs/results.md)"
if [ $rc -eq 124 ]; then
	echo "70-openbsd-programs: ERROR: timed out" >&2
	echo "openbsd-programs: 0 passed, 1 failed, 0 expected failures"
fi
exit $rc
