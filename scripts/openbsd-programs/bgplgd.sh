# SPDX-License-Identifier: MIT
# openbgpd's bgplgd(8), the looking glass: a FastCGI server that answers each
# request by executing bgpctl(8). Sourced by scripts/openbsd-programs.sh.
#
# The builds are bgpd's (bgpd.sh): when this stage run built them, they are
# copied, not built again. bgplgd unveils bgpctl ("x"), pledges
# "stdio rpath unix proc exec" with no execpromises (so under the exec
# supervisor), and for each request forks a child that pledges
# "stdio rpath exec" and executes bgpctl, which pledges
# "stdio rpath wpath cpath unix inet dns" itself: on OpenBSD it runs
# unrestricted until then.
. "$(dirname "${BASH_SOURCE[0]}")/bgpd.sh"
DESCRIPTION="bgplgd(8): in its own network and mount namespaces, bgpd -d (AS 65001 on 127.0.0.1, its neighbour absent) and bgplgd -d in front of its control socket; FastCGI GET requests for /summary, /neighbors, /rib and an unknown path, each answered by a bgpctl that bgplgd's pledged child executes; then SIGTERM."

eval "bgpd_$(declare -f build)"
build() {
	# bgpd's build, when the stage has one (it runs bgpd first): the same
	# tree, configure flags and build() (this file sources bgpd.sh)
	local from="$out/bgpd/$1"
	if [ -f "$from/.built" ] && [ -x "$from/src/bgplgd/bgplgd" ]; then
		cp -a "$from/." .
		rm -f .built
		return 0
	fi
	bgpd_build "$@"
}

run() {
	local b=$1 w=$2
	bgpd_conf 65001 127.0.0.1 127.0.0.2 65002 /run/bgpd.sock 192.0.2.0/24 >"$w/a.conf"
	unshare -n -m bash -c '
		b=$1 w=$2 here=$3
		ip link set lo up
		mount -t tmpfs tmpfs /run
		"$b/src/bgpd/bgpd" -d -f "$w/a.conf" >"$w/bgpd.log" 2>&1 &
		bgpd=$!
		for i in $(seq 40); do
			[ -S /run/bgpd.sock ] && break
			sleep 0.25
		done
		"$b/src/bgplgd/bgplgd" -d -p "$b/src/bgpctl/bgpctl" -S /run/bgpd.sock \
			-s /run/bgplgd.sock -U root >"$w/bgplgd.log" 2>&1 &
		lgd=$!
		for i in $(seq 40); do
			[ -S /run/bgplgd.sock ] && break
			sleep 0.25
		done
		# JSON with times in it: the status line and the stable fields
		get() {
			echo "-- GET $1"
			python3 "$here/fcgi-get.py" /run/bgplgd.sock "$@" |
				grep -oE "^Status: .*|^stderr: .*|\"(remote_addr|remote_as|description|state|prefix|nexthop|origin|aspath)\": *\"?[^,\"]*\"?" |
				sort -u
			echo "status ${PIPESTATUS[0]}"
		}
		get /summary
		get /neighbors
		get /rib
		get /nothing-here
		kill -TERM $lgd; wait $lgd; echo "bgplgd status $?"
		kill -TERM $bgpd; wait $bgpd; echo "bgpd status $?"
		grep -hE "fatal|pledge|unveil|exiting|terminated|signal" "$w/bgplgd.log" "$w/bgpd.log" |
			sed "s/[0-9]\{3,\}/N/g" | sort -u
	' bgplgd "$b" "$w" "$(dirname "${BASH_SOURCE[0]}")"
}
