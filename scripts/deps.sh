#!/usr/bin/env bash
# Install what seccomp-scopes needs to build and test, from Debian's packages.
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then
	echo "scripts/deps.sh: run as root (apt-get install)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends \
	build-essential cmake pkg-config clang libclang-rt-14-dev \
	libseccomp-dev libunwind-dev libdw-dev libpng-dev zlib1g-dev \
	python3 python3-pytest python3-pytest-xdist mandoc man-db util-linux procps bash-completion \
	chromium >/dev/null
# The Python packages (python/: installed offline with pip into a venv by
# the tests), the JSON schemas' validator, and the Debian packaging stage
# (scripts/test.d/80-debian-packages.sh: dpkg-buildpackage with debhelper,
# checked by lintian).
apt-get install -y -q --no-install-recommends \
	python3-venv python3-pip python3-setuptools python3-wheel python3-jsonschema \
	debhelper dpkg-dev fakeroot lintian >/dev/null
# scopes-trace's stage of real programs (pytest/test_trace_debian.py):
# compressors, archivers, editors, interpreters, a web client, a database,
# a libnuma-linked program (qemu-storage-daemon, in qemu-system-common) and strace for the
# tracer's cost figures (tools/trace/README.md).
apt-get install -y -q --no-install-recommends \
	gzip bzip2 xz-utils zstd tar sed coreutils git sqlite3 curl perl file jq \
	libxml2-utils make qemu-system-common passwd strace >/dev/null
