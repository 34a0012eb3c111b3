"""Argument tricks against the conditions the filter checks.

Arguments are 64-bit and compared whole (docs/promises.md). The kernel truncates
most of them to int (fcntl and ioctl commands, open flags, socket arguments,
pids, prctl options), so a filter that compared only the low half would be
harmless there but would pass pointers whose low half is zero (sendto's
address, prlimit's new limit). Every check must therefore fail closed: the
same call with a bit in the high half is killed. Also: flag bits the checks do
not name, socket families, types and protocols beyond the spec's, negative
descriptors.
"""
import os

import pytest

from .adversary import (AF_INET, AF_INET6, AF_NETLINK, AF_UNIX, AT_EMPTY_PATH, AT_FDCWD,
                        CLONE_THREAD, F_GETFD, F_GETFL, FIONREAD, HI, IPPROTO_TCP, IPPROTO_UDP,
                        MAP_ANONYMOUS, MAP_PRIVATE, NETLINK_ROUTE, O_ACCMODE3, O_APPEND, O_CREAT,
                        O_EXCL, O_RDONLY, O_RDWR, O_TMPFILE, O_TRUNC, O_WRONLY, PR_SET_NAME,
                        PROT_EXEC, PROT_READ, PROT_WRITE, SIGCHLD, SOCK_CLOEXEC, SOCK_DGRAM,
                        SOCK_NONBLOCK, SOCK_PACKET, SOCK_RAW, SOCK_RDM, SOCK_SEQPACKET,
                        SOCK_STREAM, TCGETS, THREAD_FLAGS, assert_err, assert_killed, attack,
                        full_set, set_id)

SOCKET_SETS = "stdio inet unix dns route"

# id -> (promises, the call allowed as is, the same call with the trick, what the trick would gain)
HIGH_HALF = {
    "fcntl-cmd": ("stdio", ["@nr:fcntl", "@fd:/dev/null", F_GETFD],
                  ["@nr:fcntl", "@fd:/dev/null", F_GETFD | HI], "any fcntl command"),
    "ioctl-request": ("stdio", ["@nr:ioctl", "@pair", FIONREAD, "@buf"],
                      ["@nr:ioctl", "@pair", FIONREAD | HI, "@buf"], "any ioctl"),
    "ioctl-tcgets": ("stdio", ["@nr:ioctl", "@ptys", TCGETS, "@buf"],
                     ["@nr:ioctl", "@ptys", TCGETS | HI, "@buf"], "any terminal ioctl"),
    "mmap-prot": ("stdio", ["@nr:mmap", 0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0],
                  ["@nr:mmap", 0, 4096, PROT_READ | PROT_EXEC | HI, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0],
                  "executable memory"),
    "mprotect-prot": ("stdio", ["@nr:mprotect", "@map", 4096, PROT_READ],
                      ["@nr:mprotect", "@map", 4096, PROT_READ | HI], "executable memory"),
    "pkey_mprotect-prot": ("stdio", ["@nr:pkey_mprotect", "@map", 4096, PROT_READ, -1],
                           ["@nr:pkey_mprotect", "@map", 4096, PROT_READ | HI, -1],
                           "executable memory"),
    "open-flags": ("stdio rpath", ["@nr:openat", AT_FDCWD, "@str:/etc/passwd", O_RDONLY],
                   ["@nr:openat", AT_FDCWD, "@str:/etc/passwd", O_RDONLY | HI], "writing opens"),
    "socket-domain": ("stdio inet", ["@nr:socket", AF_INET, SOCK_STREAM, 0],
                      ["@nr:socket", AF_INET | HI, SOCK_STREAM, 0], "other socket families"),
    "socket-type": ("stdio inet", ["@nr:socket", AF_INET, SOCK_STREAM, 0],
                    ["@nr:socket", AF_INET, SOCK_STREAM | HI, 0], "raw sockets"),
    "socket-protocol": ("stdio inet", ["@nr:socket", AF_INET, SOCK_STREAM, 0],
                        ["@nr:socket", AF_INET, SOCK_STREAM, HI], "other protocols"),
    "socketpair-domain": ("stdio", ["@nr:socketpair", AF_UNIX, SOCK_STREAM, 0, "@buf"],
                          ["@nr:socketpair", AF_UNIX | HI, SOCK_STREAM, 0, "@buf"],
                          "socket pairs of other families"),
    "setsockopt-level": ("stdio inet", ["@nr:setsockopt", "@udp", 1, 2, "@buf", 4],
                         ["@nr:setsockopt", "@udp", 1 | HI, 2, "@buf", 4], "any socket option"),
    "setsockopt-option": ("stdio inet", ["@nr:setsockopt", "@udp", 1, 2, "@buf", 4],
                          ["@nr:setsockopt", "@udp", 1, 2 | HI, "@buf", 4], "any socket option"),
    "kill-pid": ("stdio", ["@nr:kill", "@self", 0], ["@nr:kill", "@self|" + hex(HI), 0],
                 "signals to other processes"),
    "tgkill-tgid": ("stdio", ["@nr:tgkill", "@self", "@tid", 0],
                    ["@nr:tgkill", "@self|" + hex(HI), "@tid", 0], "signals to other processes"),
    "prctl-option": ("stdio", ["@nr:prctl", PR_SET_NAME, "@str:x"],
                     ["@nr:prctl", PR_SET_NAME | HI, "@str:x"], "any prctl option"),
    "personality-query": ("stdio", ["@nr:personality", 0xFFFFFFFF],
                          ["@nr:personality", 0xFFFFFFFF | HI], "personality changes"),
    "newfstatat-flags": ("stdio", ["@nr:newfstatat", "@fd:/dev/null", "@str:", "@buf", AT_EMPTY_PATH],
                         ["@nr:newfstatat", "@fd:/dev/null", "@str:", "@buf", AT_EMPTY_PATH | HI],
                         "stat of paths"),
    "statx-flags": ("stdio", ["@nr:statx", "@fd:/dev/null", "@str:", AT_EMPTY_PATH, 0xFFF, "@buf"],
                    ["@nr:statx", "@fd:/dev/null", "@str:", AT_EMPTY_PATH | HI, 0xFFF, "@buf"],
                    "stat of paths"),
    "clone-thread-flags": ("stdio", None, None, "a new process instead of a thread"),
    "clone-proc-flags": ("stdio proc", None, None, "namespaces"),
    "mkdir-mode": ("stdio cpath", ["@nr:mkdirat", AT_FDCWD, "@str:{wdir}/d", 0o755],
                   ["@nr:mkdirat", AT_FDCWD, "@str:{wdir}/d", 0o755 | HI], "setgid directories"),
    "create-mode": ("stdio wpath cpath", ["@nr:openat", AT_FDCWD, "@str:{wdir}/f", O_WRONLY | O_CREAT, 0o644],
                    ["@nr:openat", AT_FDCWD, "@str:{wdir}/f", O_WRONLY | O_CREAT, 0o644 | HI],
                    "setuid files"),
    "chmod-mode": ("stdio fattr", ["@nr:fchmodat", AT_FDCWD, "@str:/dev/null", 0o666],
                   ["@nr:fchmodat", AT_FDCWD, "@str:/dev/null", 0o666 | HI], "setuid bits"),
    "mknod-mode": ("stdio dpath", ["@nr:mknodat", AT_FDCWD, "@str:{wdir}/p", 0o10600, 0],
                   ["@nr:mknodat", AT_FDCWD, "@str:{wdir}/p", 0o10600 | HI, 0], "device nodes"),
}
# clone: the attack's own runner (the child exits at once)
CLONE_HIGH = {
    "clone-thread-flags": ("stdio", THREAD_FLAGS),
    "clone-proc-flags": ("stdio proc", SIGCHLD),
}


def _fill(args, wdir):
    return [a.format(wdir=wdir) if isinstance(a, str) else a for a in args]


@pytest.mark.parametrize("trick", sorted(HIGH_HALF))
def test_high_half_control(trick, wdir):
    """Control: the call without the trick is allowed under its promises (not killed)."""
    promises, plain, _, _ = HIGH_HALF[trick]
    if trick in CLONE_HIGH:
        promises, flags = CLONE_HIGH[trick]
        rep = attack("clone", flags, promises=promises)
    else:
        rep = attack("raw", *_fill(plain, wdir), promises=promises)
    assert rep.signal is None and rep.kind == "ok", rep.describe()


@pytest.mark.parametrize("trick", sorted(HIGH_HALF))
def test_high_half_set(trick, wdir, user):
    """Gain: HIGH_HALF[trick][3] past a low-half check; expected: SIGSYS (compared as 64 bits)."""
    promises, _, tricked, _ = HIGH_HALF[trick]
    if trick in CLONE_HIGH:
        promises, flags = CLONE_HIGH[trick]
        rep = attack("clone", flags | HI, promises=promises, user=user)
    else:
        rep = attack("raw", *_fill(tricked, wdir), promises=promises, user=user)
    assert_killed(rep)


def test_sendto_address_with_low_half_zero(wdir, user):
    """Gain: send to any address under stdio (pointer 0x200000000, low half 0); expected: SIGSYS, nothing received."""
    rx = os.path.join(wdir, "rx.sock")
    rep = attack("raw", "@nr:sendto", "@udgram", "@str:x", 1, 0, "@lz-sun:" + rx, 110,
                 promises="stdio", receive=rx, user=user)
    assert_killed(rep)
    assert rep.received == 0, rep.describe()


def test_sendto_address_control(wdir):
    """Control: with unix held the same datagram is delivered (the pointer is a real address)."""
    rx = os.path.join(wdir, "rx.sock")
    rep = attack("raw", "@nr:sendto", "@udgram", "@str:x", 1, 0, "@lz-sun:" + rx, 110,
                 promises="stdio unix", receive=rx)
    assert rep.value == 1 and rep.received == 1, rep.describe()


def test_prlimit_new_limit_with_low_half_zero(user):
    """Gain: set limits under stdio (new-limit pointer 0x200000000, low half 0); expected: SIGSYS."""
    assert_killed(attack("raw", "@nr:prlimit64", 0, 7, "@lz-rlim:64", 0, promises="stdio", user=user))


def test_prlimit_read_control():
    """Control: reading a limit (new-limit NULL) is stdio's."""
    rep = attack("raw", "@nr:prlimit64", 0, 7, 0, "@buf", promises="stdio")
    assert rep.kind == "ok", rep.describe()


# ---- open flags the checks do not name, and combinations they must refuse

# id -> (promises, flags, mode, expected "ok" or "kill", expected file state, gain)
OPEN_TRICKS = {
    "unknown-bit-readonly": ("stdio rpath", O_RDONLY | 0x40000000, 0, "ok", "original",
                             "an unnamed flag bit: ignored by the kernel, the open stays read-only"),
    "rdonly-trunc": ("stdio rpath", O_RDONLY | O_TRUNC, 0, "kill", "original",
                     "truncate through a read-only open"),
    "accmode-3": ("stdio rpath", O_ACCMODE3, 0, "kill", "original",
                  "access mode 3 (read and write permission checks) under rpath"),
    "rdwr-under-wpath": ("stdio wpath", O_RDWR, 0, "kill", "original",
                         "read through O_RDWR with wpath alone"),
    "append-under-rpath": ("stdio rpath", O_WRONLY | O_APPEND, 0, "kill", "original",
                           "append under rpath"),
    "creat-existing-cpath": ("stdio cpath", O_WRONLY | O_CREAT, 0o644, "kill", "original",
                             "write an existing file with O_CREAT under cpath alone"),
    "creat-rdonly-cpath": ("stdio cpath", O_RDONLY | O_CREAT, 0o644, "kill", "original",
                           "read an existing file with O_CREAT under cpath alone"),
    "creat-rpath": ("stdio rpath", O_RDONLY | O_CREAT, 0o644, "kill", "original",
                    "create under rpath"),
    "tmpfile-no-cpath": ("stdio rpath wpath", O_TMPFILE | O_RDWR, 0o600, "kill", "original",
                         "an O_TMPFILE without cpath"),
}


@pytest.mark.parametrize("trick", sorted(OPEN_TRICKS))
def test_open_flag_tricks(trick, wdir, user):
    """Gain: OPEN_TRICKS[trick][5]; expected: as listed, and the existing file keeps its content."""
    promises, flags, mode, expected, state, _ = OPEN_TRICKS[trick]
    target = os.path.join(wdir, "existing")
    path = wdir if flags & O_TMPFILE == O_TMPFILE else target
    rep = attack("raw", "@nr:openat", AT_FDCWD, "@str:" + path, flags, mode, promises=promises,
                 create=target, user=user)
    if expected == "kill":
        assert_killed(rep)
    else:
        assert rep.kind == "ok", rep.describe()
    assert rep.files[target].endswith(state) and "size 9 " in rep.files[target], rep.describe()


@pytest.mark.parametrize("mode", [0o4755, 0o2755, 0o1755, 0o6777])
def test_create_with_setuid_bits(mode, wdir, user):
    """Gain: create a setuid/setgid/sticky file; expected: SIGSYS under wpath cpath, nothing created."""
    target = os.path.join(wdir, "suid")
    rep = attack("raw", "@nr:openat", AT_FDCWD, "@str:" + target, O_WRONLY | O_CREAT | O_EXCL, mode,
                 promises="stdio wpath cpath", watch=target, user=user)
    assert_killed(rep)
    assert rep.files[target] == "absent", rep.describe()


# ---- socket families, types and protocols


def socket_allowed(promises, fam, typ, proto):
    """docs/promises.md: inet/dns AF_INET(6) STREAM|DGRAM with 0/TCP/UDP; unix AF_UNIX
    STREAM|DGRAM|SEQPACKET; route NETLINK_ROUTE RAW|DGRAM (dns: RAW)."""
    held = set(promises.split())
    base = typ & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)
    if typ & ~(SOCK_NONBLOCK | SOCK_CLOEXEC | 0xF) or typ >= HI:
        return False
    if fam in (AF_INET, AF_INET6) and held & {"inet", "dns"}:
        return (base, proto) in {(SOCK_STREAM, 0), (SOCK_STREAM, IPPROTO_TCP), (SOCK_DGRAM, 0),
                                 (SOCK_DGRAM, IPPROTO_UDP)}
    if fam == AF_UNIX and "unix" in held:
        return base in (SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET) and proto == 0
    if fam == AF_NETLINK and proto == NETLINK_ROUTE:
        return ("route" in held and base in (SOCK_RAW, SOCK_DGRAM)) or \
               ("dns" in held and base == SOCK_RAW)
    return False


def check_socket(promises, fam, typ, proto, user="root"):
    rep = attack("raw", "@nr:socket", fam, typ, proto, promises=promises, user=user)
    if socket_allowed(promises, fam, typ, proto):
        # allowed by the filter; the kernel may still refuse (no IPv6, ...)
        assert rep.signal is None and rep.kind in ("ok", "err"), rep.describe()
    else:
        assert_killed(rep)


@pytest.mark.parametrize("family", range(64))
def test_socket_families(family):
    """Gain: any family (numbers equal to syscall numbers included); expected: only AF_UNIX/INET/INET6/NETLINK."""
    check_socket(SOCKET_SETS, family, SOCK_DGRAM, 0)


@pytest.mark.parametrize("family", [0, 3, 4, 16, 17, 38, 40, 41, 44])
def test_socket_families_full_set(family):
    """Gain: a family no promise names, with every promise held; expected: SIGSYS (16: route only)."""
    check_socket(full_set(), family, SOCK_RAW, 0)


SOCK_TYPES = {
    "STREAM": SOCK_STREAM, "DGRAM": SOCK_DGRAM, "RAW": SOCK_RAW, "RDM": SOCK_RDM,
    "SEQPACKET": SOCK_SEQPACKET, "PACKET": SOCK_PACKET, "STREAM|DGRAM": SOCK_STREAM | SOCK_DGRAM,
    "DGRAM|NONBLOCK|CLOEXEC": SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
    "STREAM|unknown-flag": SOCK_STREAM | 0x100000, "DGRAM|0x40": SOCK_DGRAM | 0x40,
}


@pytest.mark.parametrize("typ", sorted(SOCK_TYPES))
@pytest.mark.parametrize("family", [AF_UNIX, AF_INET, AF_INET6, AF_NETLINK],
                         ids=["AF_UNIX", "AF_INET", "AF_INET6", "AF_NETLINK"])
def test_socket_types(family, typ, user):
    """Gain: raw, packet or combined types (STREAM|DGRAM is RAW); expected: only the spec's types."""
    check_socket(SOCKET_SETS, family, SOCK_TYPES[typ], 0, user)


@pytest.mark.parametrize("typ,proto", [(SOCK_STREAM, p) for p in (0, 1, 6, 17, 132, 255, 262)]
                         + [(SOCK_DGRAM, p) for p in (0, 1, 17, 136, 255)])
def test_inet_protocols(typ, proto):
    """Gain: ICMP, SCTP, UDP-Lite, raw IP, MPTCP under inet; expected: only 0/TCP/UDP."""
    check_socket("stdio inet", AF_INET, typ, proto)


@pytest.mark.parametrize("proto", [0, 4, 9, 12, 15, 16])
def test_netlink_protocols(proto):
    """Gain: audit, uevent, netfilter, sock_diag, generic netlink under route; expected: NETLINK_ROUTE only."""
    check_socket("stdio route", AF_NETLINK, SOCK_RAW, proto)


@pytest.mark.parametrize("family", [AF_INET, AF_INET6, AF_NETLINK, 17, 41])
def test_socketpair_families_under_stdio(family):
    """Gain: a socket pair of another family under stdio; expected: SIGSYS (AF_UNIX only)."""
    assert_killed(attack("raw", "@nr:socketpair", family, SOCK_STREAM, 0, "@buf", promises="stdio"))


# ---- negative descriptors


def test_negative_fd_is_not_a_grant():
    """Gain: a negative descriptor confusing a check; expected: fd is never checked, the kernel says EBADF."""
    assert_err(attack("raw", "@nr:fcntl", -1, F_GETFL, promises="stdio"), "EBADF")
    assert_err(attack("raw", "@nr:fcntl", 0xFFFFFFFF, F_GETFL, promises="stdio"), "EBADF")


def test_at_fdcwd_open_under_stdio():
    """Gain: open relative to AT_FDCWD under stdio; expected: SIGSYS (no open without a path promise)."""
    assert_killed(attack("raw", "@nr:openat", AT_FDCWD, "@str:/etc/passwd", O_RDONLY, promises="stdio"))


def test_at_fdcwd_stat_with_empty_path_flag_is_the_documented_residual():
    """Gain: stat any path with AT_FDCWD and AT_EMPTY_PATH under stdio; expected: allowed, metadata only.

    docs/promises.md documents this residual: glibc's fstat is newfstatat(fd, "",
    AT_EMPTY_PATH), and a filter cannot tell "" from a path.
    """
    rep = attack("raw", "@nr:newfstatat", AT_FDCWD, "@str:/etc/passwd", "@buf", AT_EMPTY_PATH,
                 promises="stdio")
    assert rep.kind == "ok" and rep.value == 0, rep.describe()
    # ... but the contents stay out of reach
    assert_killed(attack("raw", "@nr:openat", AT_FDCWD, "@str:/etc/passwd", O_RDONLY,
                         promises="stdio"))


def test_execveat_at_fdcwd_without_exec():
    """Gain: execveat relative to AT_FDCWD; expected: SIGSYS without exec."""
    assert_killed(attack("raw", "@nr:execveat", AT_FDCWD, "@str:/bin/true", 0, 0, 0,
                         promises="stdio rpath"))


# ---- clone flags

@pytest.mark.parametrize("promises", ["stdio proc", full_set()], ids=set_id)
@pytest.mark.parametrize("flag", ["CLONE_NEWNS", "CLONE_NEWCGROUP", "CLONE_NEWUTS", "CLONE_NEWIPC",
                                  "CLONE_NEWUSER", "CLONE_NEWPID", "CLONE_NEWNET"])
def test_clone_namespace_flags(flag, promises, user):
    """Gain: a new namespace from clone (root inside a user namespace); expected: SIGSYS even with proc."""
    from .adversary import CLONE_NEW_ALL
    assert_killed(attack("clone", SIGCHLD | CLONE_NEW_ALL[flag], promises=promises, user=user))


def test_clone_namespace_control():
    """Control: unpledged, clone(CLONE_NEWUSER) really creates the child (exit 0)."""
    from .adversary import CLONE_NEWUSER
    rep = attack("clone", SIGCHLD | CLONE_NEWUSER, no_pledge=True)
    assert rep.kind == "ok" and rep.info.get("child_exit") == 0, rep.describe()


@pytest.mark.parametrize("flags", [SIGCHLD, THREAD_FLAGS & ~CLONE_THREAD],
                         ids=["fork-like", "vm-without-thread"])
def test_clone_process_under_stdio(flags, user):
    """Gain: a new process from stdio's thread-only clone; expected: SIGSYS (CLONE_THREAD required)."""
    assert_killed(attack("clone", flags, promises="stdio", user=user))


@pytest.mark.parametrize("promises", ["", "stdio", "stdio proc", full_set()], ids=set_id)
def test_clone3_is_enosys(promises):
    """Gain: clone3, whose flags a filter cannot read; expected: ENOSYS under every set (libc falls back)."""
    assert_err(attack("raw", "@nr:clone3", "@buf", 88, promises=promises), "ENOSYS")
