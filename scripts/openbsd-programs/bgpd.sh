# SPDX-License-Identifier: MIT
# openbgpd: OpenBSD's bgpd(8) and bgpctl(8), portable. Sourced by
# scripts/openbsd-programs.sh.
#
# The portable tree's include/unistd.h has "#ifndef HAVE_PLEDGE / #define
# pledge(request, paths) 0" (and the same for unveil); configure's
# AC_CHECK_FUNCS([pledge unveil]) finds neither on Linux, so Debian's build
# compiles every pledge away. The pledged build drops both defines, so
# rde.c, session.c, rtr.c, bgpctl.c (and bgplgd's slowcgi.c) call libscopes.
# The parent's own pledge (bgpd.c) is "#if 0 ... BROKEN" upstream, on
# OpenBSD too (its ioctls on /dev/pf): it stays out, so the parent is
# unpledged and executes its three engines (-R, -S, -T), which pledge
# themselves after chroot and setuid.
#
# Both builds: privsep user root (the engines chroot into /root), bgplgd's
# user root, the run-state directory /run (a tmpfs of the run's own mount
# namespace); configurations and the MRT dump are in the working directory.
# Two bgpd of the same build talk BGP over loopback in a network namespace of
# their own: AS 65001 on 127.0.0.1 (the one bgpctl asks) and its peer, AS
# 65002 on 127.0.0.2. The prefixes announced are documentation ranges (RFC
# 5737); with fib-update no and Debian's kroute-disabled.c nothing reaches
# the kernel's routing table.
PKG=openbgpd
DEPS=(libevent-dev bison iproute2 util-linux)
BINS=(src/bgpd/bgpd src/bgpctl/bgpctl src/bgplgd/bgplgd)
SRCDIRS="src/bgpd src/bgpctl src/bgplgd"
DESCRIPTION="bgpd(8): configuration checks (-n, -n -v) of a good and a bad file, then in its own network and mount namespaces two bgpd -d of the same build as BGP peers over loopback (AS 65001 on 127.0.0.1, AS 65002 on 127.0.0.2; each parent executes its route decision, session and RTR engines), bgpctl show summary, show rib, show neighbor, network add/show, show rib of the peer, an MRT table dump read back with show mrt, bgpctl reload, SIGTERM."

build() {
	if [ "$1" = pledged ]; then
		sed -i -e '/^#define pledge(request, paths) 0$/d' \
			-e '/^#define unveil(path, permissions) 0$/d' include/unistd.h
		! grep -q 'define \(pledge\|unveil\)' include/unistd.h
	fi
	local extra="" libs=""
	if [ "$1" = pledged ]; then
		extra="$PLEDGE_CPPFLAGS"
		libs="$PLEDGE_LIBS"
	fi
	./configure --with-privsep-user=root --with-bgplgd-user=root \
		--with-runstatedir=/run --sysconfdir="$PWD/etc" --localstatedir="$PWD/var" \
		CFLAGS="$OBSD_CFLAGS $extra" LIBS="$libs"
	make -j2
	if [ "$1" = pledged ]; then
		# the calls are there, not compiled away (no grep -q: under
		# pipefail nm's SIGPIPE would fail the pipe)
		nm src/bgpd/bgpd | grep ' [TU] pledge$' >/dev/null
		nm src/bgpctl/bgpctl | grep ' [TU] pledge$' >/dev/null
	fi
}

# bgpd_conf AS ID PEER-ID PEER-AS SOCKET NETWORK... : a configuration
bgpd_conf() {
	local as=$1 id=$2 peer=$3 peeras=$4 sock=$5 n
	shift 5
	echo "AS $as"
	echo "router-id $id"
	echo "listen on $id"
	echo "socket \"$sock\""
	echo "fib-update no"
	for n in "$@"; do echo "network $n"; done
	echo "neighbor $peer {"
	echo "	remote-as $peeras"
	echo "	descr \"as$peeras\""
	echo "	local-address $id"
	echo "}"
	echo "allow from any"
	echo "allow to any"
}

run() {
	local b=$1 w=$2
	bgpd_conf 65001 127.0.0.1 127.0.0.2 65002 /run/bgpd-a.sock 192.0.2.0/24 >"$w/a.conf"
	echo "dump table-v2 \"$w/rib.mrt\" 3" >>"$w/a.conf"
	bgpd_conf 65002 127.0.0.2 127.0.0.1 65001 /run/bgpd-b.sock 198.51.100.0/24 203.0.113.0/24 >"$w/b.conf"
	cat >"$w/bad.conf" <<-CONF
	AS 4294967296
	router-id 127.0.0.1
	neighbor 127.0.0.2 {
		remote-as
	}
	allow from nowhere
	CONF
	echo "== bgpd -n (good)"
	"$b/src/bgpd/bgpd" -n -f "$w/a.conf" 2>&1; echo "status $?"
	echo "== bgpd -n -v (good)"
	"$b/src/bgpd/bgpd" -n -v -f "$w/b.conf" 2>&1; echo "status $?"
	echo "== bgpd -n (bad)"
	"$b/src/bgpd/bgpd" -n -f "$w/bad.conf" 2>&1 | sed 's#^[^:]*bad.conf:#bad.conf:#'; echo "status ${PIPESTATUS[0]}"
	echo "== two bgpd -d, peers over loopback"
	unshare -n -m bash -c '
		b=$1 w=$2
		ip link set lo up
		mount -t tmpfs tmpfs /run
		ctl() { "$b/src/bgpctl/bgpctl" -s /run/bgpd-$1.sock "${@:2}"; }
		"$b/src/bgpd/bgpd" -d -f "$w/a.conf" >"$w/bgpd-a.log" 2>&1 &
		bgpd=$!
		# alone first: its own network only, the neighbour not up. The
		# control socket answers before the session engine has the
		# configuration ("no such"): wait for the neighbour to be listed
		for i in $(seq 80); do
			ctl a show summary 2>/dev/null | grep -q "^as65002 " && break
			sleep 0.25
		done
		echo "-- before the peer: show summary, show rib"
		ctl a show summary 2>&1 | awk "{ print \$1, \$2 }"
		ctl a show rib 2>&1
		"$b/src/bgpd/bgpd" -d -f "$w/b.conf" >"$w/bgpd-b.log" 2>&1 &
		peer=$!
		up=no
		for i in $(seq 60); do
			sleep 0.5
			kill -0 $bgpd 2>/dev/null || break
			# established: the last column is the prefix count
			if ctl a show summary 2>/dev/null | grep -q "^as65002 .* 2$"; then
				up=yes
				break
			fi
		done
		echo "session up with 2 prefixes: $up"
		# times and message counters vary from run to run
		ctl a show summary 2>&1 | awk "{ print \$1, \$2, \$NF }"
		echo "-- show rib"
		ctl a show rib 2>&1
		echo "-- show neighbor"
		ctl a show neighbor 127.0.0.2 2>&1 | grep -E "^BGP neighbor|Description|BGP version|BGP state|Last error" | sed "s/, up for .*//"
		echo "-- network add, show"
		ctl a network add 192.0.2.128/25 2>&1; echo "status $?"
		ctl a network show 2>&1
		for i in $(seq 20); do
			kill -0 $peer 2>/dev/null || break
			ctl b show rib 2>/dev/null | grep -q 192.0.2.128/25 && break
			sleep 0.5
		done
		echo "-- show rib (the peer)"
		ctl b show rib 2>&1
		echo "-- show mrt"
		# a dump every 3 s: one made after the prefix added above
		for i in $(seq 20); do
			kill -0 $bgpd 2>/dev/null || break
			[ -s "$w/rib.mrt" ] && "$b/src/bgpctl/bgpctl" show mrt file "$w/rib.mrt" 2>/dev/null |
				grep 192.0.2.128/25 >/dev/null && break
			sleep 0.5
		done
		"$b/src/bgpctl/bgpctl" show mrt file "$w/rib.mrt" 2>&1 | grep -E "[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+/[0-9]+" | sort
		echo "-- reload"
		ctl a reload 2>&1; echo "status $?"
		sleep 1
		ctl a show summary 2>&1 | awk "{ print \$1, \$2 }" | sed -n "2,\$p"
		kill -TERM $bgpd; wait $bgpd; echo "bgpd status $?"
		kill -TERM $peer; wait $peer; echo "peer status $?"
		grep -hE "fatal|pledge|exiting|lost child|terminated" "$w/bgpd-a.log" "$w/bgpd-b.log" | sed "s/[0-9]\{3,\}/N/g" | sort -u
	' bgpd "$b" "$w"
}
