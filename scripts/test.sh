#!/usr/bin/env bash
# The whole test suite: install dependencies, build, run ctest and pytest,
# then every stage in scripts/test.d/ (fuzzing, install test, ...).
# Fails if any part fails or runs no test.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

if [ "${SCOPES_SKIP_DEPS:-0}" != 1 ]; then
	bash scripts/deps.sh
fi
build=${SCOPES_BUILD_DIR:-build}
export SCOPES_BUILD_DIR="$top/${build#"$top"/}"
case "$build" in /*) export SCOPES_BUILD_DIR="$build" ;; esac

echo "== build ($SCOPES_BUILD_DIR)"
# warnings are errors here (CI), not in a user's build (SCOPES_WERROR defaults OFF)
cmake -S . -B "$SCOPES_BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSCOPES_WERROR=ON >/dev/null
cmake --build "$SCOPES_BUILD_DIR" -j"$(nproc)"

echo "== ctest"
ctest --test-dir "$SCOPES_BUILD_DIR" --output-on-failure -j"$(nproc)" --no-tests=error

echo "== pytest"
/usr/bin/python3 -m pytest pytest -n auto -q -p no:cacheprovider

for stage in scripts/test.d/*.sh; do
	[ -e "$stage" ] || continue
	echo "== stage $(basename "$stage")"
	bash "$stage"
done
echo "== all tests passed"
