# SPDX-License-Identifier: MIT
# openntpd: OpenBSD's ntpd(8) and ntpctl(8), portable. Sourced by
# scripts/openbsd-programs.sh.
#
# The portable tree's include/unistd.h has "#define pledge(request, paths) 0"
# unconditionally: Debian's build compiles every pledge away. The pledged
# build drops that line, so ntpd.c, ntp.c, ntp_dns.c and constraint.c call
# libscopes.
#
# Both builds: privsep user root (its home /root is the ntp engine's chroot:
# root-owned, not group- or world-writable), configuration and state under
# the build tree, so nothing of the host's is read or written. The run is in
# its own network and mount namespaces (the control socket is in /run).
# The parent holds "settime" and slews the clock by the offset it measures
# against the local stand-in server, which answers with this machine's own
# clock: microseconds.
PKG=openntpd
DEPS=(autoconf automake libtool bison libssl-dev iproute2 util-linux)
BINS=(src/ntpd)
SRCDIRS=src
DESCRIPTION="ntpd(8): configuration checks (-n) of a good and a bad file, then ntpd in the foreground (-d) in its own network namespace against a stand-in NTP server on 127.0.0.1:123 (the parent, the ntp engine and the dns engine it executes), ntpctl -s status/peers over the control socket once the peer is valid, then SIGTERM."

build() {
	if [ "$1" = pledged ]; then
		sed -i '/^#define pledge(request, paths) 0$/d' include/unistd.h
		! grep -q 'define pledge' include/unistd.h
	fi
	autoreconf -fi
	local extra="" libs=""
	if [ "$1" = pledged ]; then
		extra="$PLEDGE_CPPFLAGS"
		libs="$PLEDGE_LIBS"
	fi
	./configure --with-privsep-user=root --sysconfdir="$PWD/etc" \
		--localstatedir="$PWD/var" CFLAGS="$OBSD_CFLAGS $extra" LIBS="$libs"
	make -j2
}

run() {
	local b=$1 w=$2
	mkdir -p "$b/var/run" "$b/var/db"
	rm -f "$b/var/db/ntpd.drift"
	ln -sf "$b/src/ntpd" "$b/src/ntpctl"
	cat >"$w/good.conf" <<-CONF
	listen on 127.0.0.1
	server 127.0.0.1
	CONF
	cat >"$w/bad.conf" <<-CONF
	server
	sensor nothing-here weight 99
	CONF
	echo "== ntpd -n (good)"
	"$b/src/ntpd" -n -f "$w/good.conf" 2>&1; echo "status $?"
	echo "== ntpd -n (bad)"
	"$b/src/ntpd" -n -f "$w/bad.conf" 2>&1 | sed 's#^[^:]*bad.conf:#bad.conf:#'; echo "status ${PIPESTATUS[0]}"
	echo "== ntpd -d against a local server"
	unshare -n -m bash -c '
		ip link set lo up
		mount -t tmpfs tmpfs /run
		python3 "$3/ntp-server.py" 40 >"$2/server.log" 2>&1 &
		server=$!
		# bound before ntpd starts, or ntpd (which listens on the same
		# address) takes port 123 first and asks itself: under load
		# python3 can take longer than any fixed sleep
		for i in $(seq 100); do
			[ -n "$(ss -Hnlu src 127.0.0.1:123)" ] && break
			sleep 0.1
		done
		"$1/src/ntpd" -d -f "$2/good.conf" >"$2/ntpd.log" 2>&1 &
		ntpd=$!
		valid=no
		for i in $(seq 30); do
			sleep 1
			if "$1/src/ntpctl" -s peers 2>/dev/null | grep -q "^ *[0-9]* *[0-9]* *[0-9]* *[0-9]*s"; then
				"$1/src/ntpctl" -s status 2>&1 | grep -q "1/1 peers valid" && { valid=yes; break; }
			fi
		done
		echo "peer valid: $valid"
		"$1/src/ntpctl" -s status 2>&1 | sed "s/, clock .*//"
		"$1/src/ntpctl" -s peers 2>&1 | sed -n "1p"
		kill -TERM $ntpd; wait $ntpd; echo "ntpd status $?"
		kill -TERM $server 2>/dev/null; wait $server
		grep -c "reply from 127.0.0.1" "$2/ntpd.log" >/dev/null && echo "ntpd logged replies"
		grep -E "fatal|pledge\b|dns engine exiting|ntp engine exiting|lost child" "$2/ntpd.log" | sed "s/[0-9]\{3,\}/N/g" | sort -u
	' ntpd "$b" "$w" "$(dirname "${BASH_SOURCE[0]}")"
}
