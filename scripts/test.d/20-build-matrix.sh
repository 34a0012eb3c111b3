#!/usr/bin/env bash
# CI stage: the other builds that must stay warning-free (gcc Release, clang,
# the aarch64 cross build, a build without libunwind), each in build/ci-*
# (scripts/ci-builds.sh). It prints how long they took and ends with
# "build-matrix: P passed, F failed".
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
exec bash "$top/scripts/ci-builds.sh"
