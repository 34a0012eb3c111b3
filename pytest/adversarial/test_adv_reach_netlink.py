"""Reach through netlink: a resolver's socket that can reconfigure the network.

The method (issue 13, an outside review): for every grant, ask what Linux
lets that call reach. `dns` was given an AF_NETLINK NETLINK_ROUTE socket for
glibc's AI_ADDRCONFIG probe, and `route` one to read routes; a filter cannot
read netlink messages, so for root the same socket also sets links up, adds
addresses and routes (CAP_NET_ADMIN). docs/promises.md (narrow answers): `dns` gets no
netlink socket (EACCES, glibc falls back), and a pledge drops NET_ADMIN unless
`wroute` is held: `route` reads (an RTM_GETLINK dump) but a change is answered
by the kernel with NLMSG_ERROR -EPERM. `inet` reads the same way (glibc's
getifaddrs; OpenBSD's inet allows it: bgpd's session engine calls it). Changes
are tried as root in a fresh network namespace (`unshare -n`: lo, down, no
addresses), never on the host's.
"""
import subprocess

import pytest

from .adversary import AF_NETLINK, NETLINK_ROUTE, SOCK_DGRAM, SOCK_RAW, assert_err, assert_ok, attack

NETLINK_SOCK_DIAG, NETLINK_AUDIT = 4, 9
NETNS = ["unshare", "-n"]


@pytest.fixture(scope="module")
def netns():
    """A fresh network namespace around the attacker (root only)."""
    proc = subprocess.run(NETNS + ["true"], capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"no network namespace here: {proc.stderr.strip()}")
    return NETNS


# ---- dns: no netlink socket at all

NETLINK_KINDS = pytest.mark.parametrize(
    "stype,proto", [(SOCK_RAW, NETLINK_ROUTE), (SOCK_DGRAM, NETLINK_ROUTE),
                    (SOCK_RAW, NETLINK_SOCK_DIAG), (SOCK_RAW, NETLINK_AUDIT)],
    ids=["raw-route", "dgram-route", "sock-diag", "audit"])


@NETLINK_KINDS
def test_dns_gets_no_netlink_socket(stype, proto, user):
    """Gain: a netlink socket under dns alone; expected: EACCES (an errno, not the penalty:
    glibc's AI_ADDRCONFIG probe falls back)."""
    assert_err(attack("raw", "@nr:socket", AF_NETLINK, stype, proto, promises="stdio dns",
                      user=user), "EACCES")


@NETLINK_KINDS
def test_inet_gets_a_route_socket_only(stype, proto, user):
    """Under "stdio inet dns" (inet: getifaddrs, as OpenBSD's inet allows) a NETLINK_ROUTE
    socket opens; any other netlink family is the penalty (SIGSYS), not dns's errno."""
    rep = attack("raw", "@nr:socket", AF_NETLINK, stype, proto, promises="stdio inet dns",
                 user=user)
    if proto == NETLINK_ROUTE:
        assert_ok(rep)
        assert rep.value >= 0, rep.describe()
    else:
        assert rep.signal is not None and rep.signal.name == "SIGSYS", rep.describe()


def test_dns_netlink_control(user):
    """Control: unpledged, the same socket opens."""
    assert_ok(attack("raw", "@nr:socket", AF_NETLINK, SOCK_RAW, NETLINK_ROUTE, no_pledge=True, user=user))


def test_dns_cannot_set_a_link_up(netns):
    """Gain: as root under dns, set lo up through a route socket; expected: EACCES at the socket."""
    rep = attack("rtnl", "setlink-up", promises="stdio dns", wrap=netns)
    assert_err(rep, "EACCES")
    assert rep.info["socket"] == -13 and "sent" not in rep.info, rep.describe()


# ---- route: read, never change

READERS = pytest.mark.parametrize("promises", ["stdio route", "stdio inet", "stdio inet dns"],
                                  ids=lambda s: s.replace(" ", "+"))


@READERS
def test_route_reads_links(promises, netns):
    """Expected behaviour: under route (or inet: getifaddrs) the socket opens and an
    RTM_GETLINK dump lists lo."""
    rep = attack("rtnl", "getlink", promises=promises, wrap=netns)
    assert_ok(rep)
    assert rep.value >= 1, rep.describe()


@READERS
@pytest.mark.parametrize("how", ["setlink-up", "newaddr"])
def test_route_cannot_change_the_network(how, promises, netns):
    """Gain: as root under route or inet, set lo up (RTM_NEWLINK) or add 10.11.12.13/32 to it
    (RTM_NEWADDR); expected: the kernel's acknowledgement is -EPERM (NET_ADMIN dropped)."""
    rep = attack("rtnl", how, promises=promises, wrap=netns)
    assert rep.info.get("socket", -1) >= 0 and rep.info.get("sent", -1) > 0, rep.describe()
    assert_err(rep, "EPERM")


@pytest.mark.parametrize("how", ["setlink-up", "newaddr"])
def test_route_wroute_changes_the_network(how, netns):
    """Control: with wroute (NET_ADMIN kept) the same change is acknowledged with 0."""
    assert_ok(attack("rtnl", how, promises="stdio route wroute", wrap=netns), 0)


@pytest.mark.parametrize("how", ["setlink-up", "newaddr"])
def test_route_change_control(how, netns):
    """Control: unpledged root changes the namespace's network (the attempt is real)."""
    assert_ok(attack("rtnl", how, no_pledge=True, wrap=netns), 0)
