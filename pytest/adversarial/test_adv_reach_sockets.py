"""Reach through sockets: where a connect, a sendto or a recvmsg can go.

The method (issue 13, an outside review): for every grant, ask what Linux
lets that call reach. `unix` connects to any AF_UNIX socket, abstract ones
included, whatever is unveiled; `dns` was a general TCP and UDP client with
sendmsg/recvmsg; `recvmsg` under any promise accepts descriptors (SCM_RIGHTS)
a peer sends. docs/promises.md (containment): abstract AF_UNIX sockets are scoped by
Landlock where the kernel can (ABI >= 6: EPERM); connecting to a pathname
socket outside the unveiled paths is a documented residual; `dns` without
`inet` connects over TCP to port 53 only (Landlock network rules, ABI >= 4:
EACCES elsewhere), sends only on connected sockets (sendto with an address,
bind: the penalty; sendmsg/recvmsg are not dns's but stdio's, on descriptors
already open, as on OpenBSD); UDP connect cannot be scoped (documented).
Passing descriptors is what `sendfd`/`recvfd` add: without
`recvfd` the library switches SO_PASSRIGHTS off on the process's AF_UNIX
sockets where the kernel has it; a descriptor sent after the pledge then
never arrives (this kernel: the sender's sendmsg fails with EPERM and the
receiver gets nothing).
"""
import ctypes
import errno
import os
import socket

import pytest

from .adversary import assert_err, assert_killed, assert_ok, attack

SO_PASSRIGHTS = 83


def landlock_abi():
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    abi = libc.syscall(444, None, ctypes.c_size_t(0), ctypes.c_uint(1))  # landlock_create_ruleset
    return abi if abi > 0 else 0


def need_landlock(abi, what):
    have = landlock_abi()
    if have < abi:
        pytest.skip(f"Landlock ABI {have} < {abi}: the kernel cannot scope {what}")


@pytest.fixture
def unix_listeners(wdir):
    """A listening abstract socket "\\0scopes-test-<pid>" and a pathname one outside the
    unveiled directory (wdir/outside/sock, mode 0777); wdir/inside is what gets unveiled."""
    inside, outside = os.path.join(wdir, "inside"), os.path.join(wdir, "outside")
    for d in (inside, outside):
        os.mkdir(d)
        os.chmod(d, 0o777)
    name = f"scopes-test-{os.getpid()}"
    abstract = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    abstract.bind("\0" + name)
    abstract.listen(16)
    path = os.path.join(outside, "sock")
    named = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    named.bind(path)
    os.chmod(path, 0o777)
    named.listen(16)
    yield {"inside": inside, "abstract": name, "path": path}
    abstract.close()
    named.close()


UNIX_PROMISES = "stdio rpath unix"


def test_unix_abstract_socket_under_unveil(unix_listeners, user):
    """Gain: with an unveil in force, connect to an abstract AF_UNIX socket of a process outside
    the sandbox (a session bus, X11, a container runtime); expected: EPERM (Landlock scoping)."""
    need_landlock(6, "abstract AF_UNIX sockets")
    rep = attack("unix-connect", "abstract", unix_listeners["abstract"], promises=UNIX_PROMISES,
                 unveil=[unix_listeners["inside"] + "=rwc"], user=user)
    assert_err(rep, "EPERM")


@pytest.mark.xfail(strict=True, reason="documented residual: Landlock has no right for connecting "
                   "to a pathname AF_UNIX socket on this kernel, so an unveil cannot stop it")
def test_unix_pathname_socket_outside_unveil(unix_listeners, user):
    """Gain: with an unveil in force, connect to a pathname socket outside the unveiled tree;
    wanted: EACCES - not possible here (see the xfail reason)."""
    rep = attack("unix-connect", "path", unix_listeners["path"], promises=UNIX_PROMISES,
                 unveil=[unix_listeners["inside"] + "=rwc"], user=user)
    assert_err(rep, "EACCES")


@pytest.mark.parametrize("kind", ["abstract", "path"])
def test_unix_connect_control(kind, unix_listeners, user):
    """Control: without the unveil both connects work under the same promises."""
    name = unix_listeners["abstract"] if kind == "abstract" else unix_listeners["path"]
    assert_ok(attack("unix-connect", kind, name, promises=UNIX_PROMISES, user=user), 0)


# ---- dns is not a general client

@pytest.fixture
def tcp_port():
    """A listening TCP socket on 127.0.0.1 (a port other than 53)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    yield s.getsockname()[1]
    s.close()


def port_53_free():
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", 53))
        return True
    except OSError:
        return False
    finally:
        s.close()


def test_dns_tcp_connect_other_port(tcp_port, user):
    """Gain: under "stdio dns" (no inet), a TCP connect to a local service on another port;
    expected: EACCES (Landlock TCP connect rule: port 53 only)."""
    need_landlock(4, "TCP ports")
    assert_err(attack("inet", "tcp-connect", tcp_port, promises="stdio dns", user=user), "EACCES")


def test_dns_tcp_connect_port_53(user):
    """Expected behaviour: TCP to port 53 is not refused by the sandbox (nothing listens: ECONNREFUSED)."""
    if not port_53_free():
        pytest.skip("something listens on 127.0.0.1:53 here")
    assert_err(attack("inet", "tcp-connect", 53, promises="stdio dns", user=user), "ECONNREFUSED")


def test_dns_tcp_connect_control(tcp_port, user):
    """Control: with inet the same connect succeeds."""
    assert_ok(attack("inet", "tcp-connect", tcp_port, promises="stdio inet", user=user), 0)


@pytest.mark.parametrize("how", ["udp-sendto", "udp-bind"])
def test_dns_udp_send_to_any_address_or_bind(how, user):
    """Gain: under "stdio dns", sendto with an address (127.0.0.1:9999) or bind a UDP socket;
    expected: SIGSYS (dns sends on connected sockets only)."""
    assert_killed(attack("inet", how, 9999, promises="stdio dns", user=user))


@pytest.mark.parametrize("how", ["udp-sendto", "udp-bind"])
def test_dns_udp_send_to_any_address_or_bind_errno(how, user):
    """The same with the errno penalty: EPERM."""
    assert_err(attack("inet", how, 9999, promises="stdio dns", penalty="errno", user=user), "EPERM")


@pytest.mark.xfail(strict=True, reason="documented: UDP cannot be scoped (Landlock has no UDP "
                   "rules; a filter cannot read the address), so dns connects UDP anywhere")
def test_dns_udp_connect_other_port(user):
    """Gain: under "stdio dns", connect a UDP socket to port 9999; wanted: EACCES - not possible."""
    assert_err(attack("inet", "udp-connect", 9999, promises="stdio dns", user=user), "EACCES")


# ---- descriptor passing

@pytest.mark.parametrize("how", ["send", "recv"])
def test_dns_no_sendmsg_recvmsg(how, user):
    """Gain: under "dns" (without stdio), sendmsg/recvmsg on a socketpair made before the pledge
    (the calls that carry descriptors); expected: SIGSYS."""
    assert_killed(attack("msg", how, promises="dns", user=user))


@pytest.mark.parametrize("how", ["send", "recv"])
def test_dns_no_sendmsg_recvmsg_errno(how, user):
    """The same with the errno penalty: EPERM."""
    assert_err(attack("msg", how, promises="dns", penalty="errno", user=user), "EPERM")


def test_route_no_sendmsg(user):
    """Gain: under "route" (without stdio), sendmsg on the socketpair (route answers its
    socket with sendto); expected: SIGSYS."""
    assert_killed(attack("msg", "send", promises="route", user=user))


@pytest.mark.parametrize("how", ["send", "recv"])
def test_stdio_messages_on_open_descriptors(how, user):
    """Expected behaviour (Revision 2, OpenBSD's stdio, imsg): sendmsg/recvmsg on descriptors
    already open are stdio's, so "stdio dns" has them; what they may not carry is a descriptor
    (below)."""
    assert_ok(attack("msg", how, promises="stdio dns", user=user), 1)


def test_msg_control(user):
    """Control: with sendfd / recvfd alone the same calls work."""
    assert_ok(attack("msg", "send", promises="sendfd", user=user), 1)
    assert_ok(attack("msg", "recv", promises="recvfd", user=user), 1)


def kernel_has_passrights():
    a, b = socket.socketpair()
    try:
        a.setsockopt(socket.SOL_SOCKET, SO_PASSRIGHTS, 0)
        return True
    except OSError as e:
        assert e.errno == errno.ENOPROTOOPT, e
        return False
    finally:
        a.close()
        b.close()


NO_PASSRIGHTS = pytest.mark.xfail(
    not kernel_has_passrights(), strict=True,
    reason="the kernel has no SO_PASSRIGHTS (before 6.16): a filter cannot see SCM_RIGHTS, so "
           "recvmsg under any promise that grants it accepts descriptors")


# path-scoped promises (dns, getpw, tmppath) add a Landlock layer: the refusal must not depend on it
RECV_SETS = ["stdio", "stdio route", "stdio unix", "stdio inet dns", "stdio getpw", "stdio tmppath"]


@NO_PASSRIGHTS
@pytest.mark.parametrize("promises", RECV_SETS, ids=lambda s: s.replace(" ", "+"))
@pytest.mark.parametrize("stype", ["stream", "dgram"])
def test_no_descriptor_arrives_without_recvfd(stype, promises, user):
    """Gain: a peer (forked before the pledge) sends a descriptor of /etc/passwd over an AF_UNIX
    socketpair after the pledge and the attacker recvmsg's; expected: no descriptor arrives
    (the peer's sendmsg fails with EPERM, a plain byte comes instead)."""
    rep = attack("rights", stype, promises=promises, user=user)
    assert_ok(rep, 0)
    assert rep.info["peer_send"] == -errno.EPERM and rep.info["bytes"] == 1, rep.describe()


# not NO_PASSRIGHTS: the setsockopt is refused by the filter on every kernel
# (on 6.1, without SO_PASSRIGHTS, it passed: a strict xfail failed there)
@pytest.mark.parametrize("promises", RECV_SETS, ids=lambda s: s.replace(" ", "+"))
def test_passrights_cannot_be_switched_back_on(promises, user):
    """Gain: switch SO_PASSRIGHTS on again with setsockopt, then receive; expected: the process
    dies by SIGSYS at the setsockopt, or no descriptor arrives."""
    rep = attack("rights", "stream", "reenable", promises=promises, user=user)
    if rep.killed:
        return
    assert_ok(rep, 0)


@NO_PASSRIGHTS
def test_no_descriptor_arrives_under_unveil(wdir, user):
    """Gain: the same with an unveil in force ("stdio rpath", wdir unveiled "r"); expected: no
    descriptor arrives."""
    rep = attack("rights", "stream", promises="stdio rpath", unveil=[wdir + "=r"], user=user)
    assert_ok(rep, 0)
    assert rep.info["peer_send"] == -errno.EPERM, rep.describe()


def test_descriptor_arrives_with_recvfd(user):
    """Control: with recvfd the descriptor arrives (the peer really sends one)."""
    rep = attack("rights", "stream", promises="stdio route recvfd", user=user)
    assert_ok(rep, 1)
    assert rep.info["peer_send"] == 1, rep.describe()
