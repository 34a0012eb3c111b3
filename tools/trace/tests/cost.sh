#!/bin/sh
# The tracer's cost against strace -f -c on the same syscall-heavy commands,
# in one run (issue 17 item 8). Usage: cost.sh SCOPES-TRACE [ROUNDS]
# Prints, per command: untraced, scopes-trace and strace -f -c wall times
# (median of ROUNDS), and each tracer's overhead (traced - untraced).
set -eu
T=${1:?usage: cost.sh SCOPES-TRACE [ROUNDS]}
ROUNDS=${2:-5}
W=$(mktemp -d /var/tmp/trace-cost.XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$W"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
wall() { # wall seconds of "$@", output discarded
	s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N)
	echo "$e - $s" | bc -l
}
measure() {
	name=$1; shift
	u=$(for i in $(seq "$ROUNDS"); do wall "$@"; done | median)
	t=$(for i in $(seq "$ROUNDS"); do wall "$T" -o /dev/null -- "$@"; done | median)
	s=$(for i in $(seq "$ROUNDS"); do wall strace -f -c -o /dev/null "$@"; done | median)
	printf '%-28s untraced %6.3fs  scopes-trace %6.3fs (+%6.3f)  strace -f -c %6.3fs (+%6.3f)  ratio %.2f\n' \
		"$name" "$u" "$t" "$(echo "$t - $u" | bc -l)" "$s" "$(echo "$s - $u" | bc -l)" \
		"$(echo "($t - $u) / ($s - $u)" | bc -l)"
}
measure "tar c /usr/share/doc" tar cf "$W/x.tar" /usr/share/doc
measure "find /usr/share -type f" find /usr/share -type f
measure "du -s /usr/lib" du -s /usr/lib
measure "sh -c (100 forks)" sh -c 'for i in $(seq 100); do /bin/true; done'
