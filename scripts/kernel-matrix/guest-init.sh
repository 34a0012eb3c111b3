#!/bin/bash
# PID 1 of the kernel matrix's guest, in the host's root (see init): run the
# test set, then power the machine off. As PID 1 it also reaps the orphans
# the tests leave (bash's wait collects any child).
# Usage: guest-init.sh CONFIG MODE OUT BUILD TOP [MATRIX_TIMEOUT_SECONDS]
exec </dev/null >/dev/console 2>&1
cd /
KM_MATRIX_TIMEOUT=${6:-} bash "$5/scripts/kernel-matrix/guest-run.sh" "$1" "$2" "$3" "$4" "$5" &
wait $!
echo "kernel-matrix-guest: guest-run exited $?"
sync
echo o >/proc/sysrq-trigger
sleep 10
