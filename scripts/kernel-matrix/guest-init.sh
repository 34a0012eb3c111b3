#!/bin/bash
# PID 1 of the kernel matrix's guest, in the host's root (see init): run the
# test set, then power the machine off. As PID 1 it also reaps the orphans
# the tests leave (bash's wait collects any child).
# Usage: guest-init.sh CONFIG MODE OUT BUILD TOP (KM_MATRIX_TIMEOUT, KM_EXTRA: see guest-run.sh)
exec </dev/null >/dev/console 2>&1
cd /
bash "$5/scripts/kernel-matrix/guest-run.sh" "$@" &
wait $!
echo "kernel-matrix-guest: guest-run exited $?"
sync
echo o >/proc/sysrq-trigger
sleep 10
