# SPDX-License-Identifier: MIT
# openbsd-inetd: OpenBSD's inetd(8). Sourced by scripts/openbsd-programs.sh.
#
# inetd.c has "#ifndef HAVE_PLEDGE / #define pledge(a, b) (0)": Debian's
# build (Makefile.debian) never defines HAVE_PLEDGE, so its pledges compile
# away. The pledged build defines it.
PKG=openbsd-inetd
DEPS=(pkg-config libbsd-dev libwrap0-dev libevent-dev libsystemd-dev libtirpc-dev iproute2 util-linux)
BINS=(inetd)
SRCDIRS=inetd.c
DESCRIPTION="inetd(8) in its own network namespace (loopback only), in the foreground (-i) with a local inetd.conf: the internal services (echo, daytime, time, chargen, discard over TCP and UDP; each TCP connection a forked child) and external ones it forks and executes (/bin/echo and /usr/bin/id as nobody, /bin/cat as root; UDP echo, which inetd answers from no loopback address); a client talks to each, then a burst of 20 concurrent connections; then SIGHUP (the configuration read again under the pledge) and echo once more."

# Both builds, the same two changes to Debian's write_pidfile patch:
# - it writes /run/inetd.pid after the pledge, which holds "cpath" but not
#   "wpath": the open would kill inetd on OpenBSD as it does here (a Debian
#   addition the pledge was never written for), so logpid() moves to just
#   before the pledge;
# - the pid file is written in the working directory, not the host's /run.
debian_pidfile() {
	grep -q '^	logpid();$' inetd.c || return 1
	sed -i -e '/^	logpid();$/d' \
		-e 's#^	if (pledge("stdio rpath cpath getpw dns inet unix proc exec id", NULL) == -1)#	logpid();\n&#' \
		-e 's#"/run/inetd.pid"#"inetd.pid"#' inetd.c
	grep -q '^	logpid();$' inetd.c
}

build() {
	debian_pidfile
	if [ "$1" = pledged ]; then
		# (CPPFLAGS would replace the Makefile's own)
		make -f Makefile.debian CFLAGS="$OBSD_CFLAGS -DHAVE_PLEDGE $PLEDGE_CPPFLAGS" \
			LDFLAGS="$PLEDGE_LIBS"
	else
		make -f Makefile.debian CFLAGS="$OBSD_CFLAGS"
	fi
}

run() {
	local b=$1 w=$2
	cat >"$w/inetd.conf" <<-CONF
	127.0.0.1:echo		stream	tcp	nowait	root	internal
	127.0.0.1:echo		dgram	udp	wait	root	internal
	127.0.0.1:daytime	stream	tcp	nowait	root	internal
	127.0.0.1:time		stream	tcp	nowait	root	internal
	127.0.0.1:chargen	stream	tcp	nowait	root	internal
	127.0.0.1:discard	stream	tcp	nowait	root	internal
	127.0.0.1:7001		stream	tcp	nowait	nobody	/bin/echo	echo served by inetd
	127.0.0.1:7002		stream	tcp	nowait	root	/bin/cat	cat
	127.0.0.1:7004		stream	tcp	nowait	nobody	/usr/bin/id	id
	CONF
	# in a network namespace of its own: privileged ports, nothing else seen
	unshare -n bash -c '
		ip link set lo up
		"$1/inetd" $4 "$2/inetd.conf" >"$2/inetd.log" 2>&1 &
		pid=$!
		for i in $(seq 50); do
			python3 -c "import socket; socket.create_connection((\"127.0.0.1\", 7), timeout=1)" 2>/dev/null && break
			sleep 0.1
		done
		python3 "$3/inetd-client.py"
		echo "client status $?"
		# a reload: the configuration read again under the pledge
		kill -HUP $pid
		sleep 0.5
		python3 "$3/inetd-client.py" echo
		echo "client status after SIGHUP $?"
		kill -TERM $pid
		wait $pid
		echo "inetd status $?"
	' inetd "$b" "$w" "$(dirname "${BASH_SOURCE[0]}")" "${INETD_FLAGS--i}"
}
