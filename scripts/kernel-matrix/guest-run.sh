#!/bin/bash
# The kernel matrix's test set for one configuration, run on the kernel under
# test: inside the QEMU guest (chrooted into the host's root, see init), or
# natively for the `host` configuration.
#
# Usage: guest-run.sh CONFIG MODE OUT BUILD TOP
#   MODE  quick (a fixed subset: pytest/matrix/kernels.py), full, or extra
#         (only KM_EXTRA's pytest files: no ctest, no matrix)
#   OUT   where the results go (in the guest: the host's directory over 9p)
#   BUILD the build tree (SCOPES_BUILD_DIR), TOP the source tree
# Writes OUT/kernel.json (what the kernel offers), OUT/ctest.xml,
# OUT/matrix.xml (JUnit, with every matrix cell as a property), OUT/extra.xml
# (KM_EXTRA's pytest files, if any),
# OUT/scopes-matrix.html, OUT/*.log and OUT/done (the exit codes).
set -uo pipefail
config=$1 mode=$2 out=$3 build=$4 top=$5
py=/usr/bin/python3
jobs=$(nproc)
mkdir -p "$out"
rm -f "$out"/done "$out"/ctest.xml "$out"/filtercheck.xml "$out"/filtercheck.log "$out"/matrix.xml "$out"/extra.xml "$out"/ctest.log \
	"$out"/matrix.log "$out"/extra.log \
	"$out"/scopes-matrix.*
export SCOPES_BUILD_DIR=$build
cd "$top" || exit 3
t0=$(date +%s)

# What this kernel offers: release, LSMs, Landlock ABI (and why not), the
# i386 entry, seccomp's logged actions.
$py - "$config" "$mode" >"$out/kernel.json" <<'EOF'
import ctypes, errno, json, os, platform, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
r = libc.syscall(444, None, 0, 1)  # landlock_create_ruleset(NULL, 0, VERSION)
e = ctypes.get_errno()
def read(p):
    try:
        with open(p) as f:
            return f.read().strip()
    except OSError as x:
        return f"({x.strerror})"
with open("/proc/cmdline") as f:  # only what concerns the LSMs and the clock
    cmdline = " ".join(w for w in f.read().split()
                       if w.startswith(("lsm=", "security=", "landlock", "clocksource=", "tsc=")))
print(json.dumps({
    "config": sys.argv[1], "mode": sys.argv[2], "release": platform.release(),
    "version": read("/proc/version"), "cmdline": cmdline,
    "lsm": read("/sys/kernel/security/lsm") if os.path.exists("/sys/kernel/security/lsm") else "(securityfs not mounted)",
    "landlock_abi": r if r > 0 else 0,
    "landlock_errno": None if r > 0 else errno.errorcode.get(e, str(e)),
    "actions_logged": read("/proc/sys/kernel/seccomp/actions_logged"),
    # vDSO clock_gettime reaches seccomp where the clocksource has no vDSO
    "clocksource": read("/sys/devices/system/clocksource/clocksource0/current_clocksource"),
    "nproc": os.cpu_count(),
}, indent=1))
EOF
echo "guest-run[$config]: $(tr -d '\n' <"$out/kernel.json" | tr -s ' ')"

# ctest: the whole suite, or (quick) without the long random runs.
# filtercheck is mostly the model and libseccomp compared in user space
# (the same on every kernel: the host's ctest runs it); under emulation it
# outgrows its 600 s limit. The full run takes its kernel part below.
ctest_args=(--test-dir "$build" --output-on-failure -j"$jobs" --timeout 900
	--output-junit "$out/ctest.xml")
if [ "$mode" = quick ]; then
	ctest_args+=(-E '^(filtercheck|test_sigsys_decode_random|bench_smoke)$')
else
	ctest_args+=(-E '^filtercheck$')
fi
t1=$(date +%s)
ctest_rc=none
[ "$mode" = extra ] || {
	ctest "${ctest_args[@]}" >"$out/ctest.log" 2>&1
	ctest_rc=$?
}
# The full run: filtercheck's live part on this kernel (the generated
# programs loaded and every kind of call made under them, compared with the
# model), with the emulated machine's time limit, as one JUnit case.
if [ "$mode" = full ]; then
	fc_args=(--random-sets 0 --live-sets 8 --pledge-cases 100 --mutants 0)
	ft0=$(date +%s)
	timeout -k 30 "${KM_FILTERCHECK_TIMEOUT:-2400}" "$build/tests/filtercheck/scopes-filtercheck" \
		"${fc_args[@]}" >"$out/filtercheck.log" 2>&1
	fc_rc=$?
	ft1=$(date +%s)
	$py "$top/scripts/kernel-matrix/summary.py" junit-one "$out/filtercheck.xml" filtercheck-live \
		"$fc_rc" "$((ft1 - ft0))" "$out/filtercheck.log"
	echo "guest-run[$config]: filtercheck ${fc_args[*]}: exit $fc_rc in $((ft1 - ft0)) s ($(tail -1 "$out/filtercheck.log"))"
	if [ "$fc_rc" != 0 ] && [ "$ctest_rc" = 0 ]; then
		ctest_rc=8
	fi
fi
t2=$(date +%s)
echo "guest-run[$config]: ctest exit $ctest_rc in $((t2 - t1)) s"

# The scope matrix: all of it, or (quick) the fixed subset, which the
# plugin matrix/kernels.py selects (python3 -m matrix.kernels quick-ids lists it).
sel=(pytest/matrix)
[ "$mode" = quick ] && sel=(-p matrix.kernels --kernel-matrix-quick pytest/matrix)
export PYTHONPATH=$top/pytest${PYTHONPATH:+:$PYTHONPATH}
# KM_MATRIX_TIMEOUT (seconds from this script's start): interrupt pytest
# then (SIGINT: it still writes matrix.xml with the cells that ran, and the
# run counts as failed)
limit=()
if [ -n "${KM_MATRIX_TIMEOUT:-}" ]; then
	left=$((KM_MATRIX_TIMEOUT - ($(date +%s) - t0)))
	limit=(timeout -s INT -k 120 "$((left > 60 ? left : 60))")
fi
matrix_rc=none
[ "$mode" = extra ] || {
	"${limit[@]}" $py -m pytest -p no:cacheprovider -q -n "$jobs" \
		--junitxml="$out/matrix.xml" --scopes-matrix="$out/scopes-matrix.html" \
		"${sel[@]}" >"$out/matrix.log" 2>&1
	matrix_rc=$?
}
t3=$(date +%s)
echo "guest-run[$config]: matrix exit $matrix_rc in $((t3 - t2)) s ($(tail -1 "$out/matrix.log" 2>/dev/null))"

# KM_EXTRA: more pytest files to run on this kernel (the full run: the
# Landlock and unveil suites), results in extra.xml
extra=()
read -r -a extra <<<"${KM_EXTRA:-}"
extra_rc=
if [ "${#extra[@]}" -gt 0 ]; then
	$py -m pytest -p no:cacheprovider -q -n "$jobs" --junitxml="$out/extra.xml" \
		"${extra[@]}" >"$out/extra.log" 2>&1
	extra_rc=$?
	echo "guest-run[$config]: ${extra[*]}: exit $extra_rc in $(($(date +%s) - t3)) s ($(tail -1 "$out/extra.log"))"
fi
t4=$(date +%s)
printf 'ctest=%s matrix=%s extra=%s ctest_s=%s matrix_s=%s extra_s=%s total_s=%s\n' \
	"$ctest_rc" "$matrix_rc" "${extra_rc:-none}" "$((t2 - t1))" "$((t3 - t2))" "$((t4 - t3))" \
	"$((t4 - t0))" >"$out/done"
sync
