"""Path-scoped promises through Landlock: tmppath, dns, getpw, ps, vminfo.

seccomp decides the verb (a read-only open), Landlock the place. Landlock
refuses with EACCES (no penalty: the kernel's file-system check, not the
filter). These tests need Landlock (this machine has ABI 7) and say so.
"""
import ctypes
import os
import signal
import sys

import pytest

import scopes_probes
from conftest import build_dir
from test_run_common import NOBODY, run, steps


def landlock_abi():
    """The kernel's Landlock ABI, 0 without Landlock: from the control run of
    scopes_probes (landlock_create_ruleset(NULL, 0, VERSION) with no filter).
    An unclear answer raises instead of reading as "no Landlock"."""
    return scopes_probes.probe("landlock").value if scopes_probes.have("landlock") else 0


pytestmark = scopes_probes.needs("landlock")


def test_pathscoped_enforced_says_so():
    lib = ctypes.CDLL(str(build_dir() / "libscopes" / "libscopes.so"))
    why = ctypes.c_char_p(b"unset")
    assert lib.scopes_pathscoped_enforced(ctypes.byref(why)) == 1
    assert why.value is None


# ---- tmppath

@pytest.mark.parametrize("static", [False, True], ids=["dynamic", "static"])
def test_tmppath_mkstemp_in_tmp_but_not_var_tmp(static):
    name = f"/var/tmp/scopes-tmppath-{os.getpid()}-{int(static)}"
    try:
        r = steps("pledge", "stdio tmppath", "-", "mkstemp", "/tmp/x.XXXXXX",
                  "create", name, "read", "/etc/hostname", "list", "/tmp")
        assert r.returncode == 0, r
        assert r.lines[:4] == ["pledge ok", "mkstemp ok", "create err EACCES",
                               "read err EACCES"], r
        assert r.lines[4].startswith("list ok "), r
        assert not os.path.exists(name)
    finally:
        if os.path.exists(name):
            os.unlink(name)


def test_tmppath_create_remove_dirs_under_tmp(tmp_path):
    d = f"/tmp/scopes-tmppath-dir-{os.getpid()}"
    r = steps("pledge", "stdio tmppath", "-", "mkdir", d, "create", d + "/f",
              "read", d + "/f", "unlink", d + "/f", "rmdir", d)
    assert r.lines == ["pledge ok", "mkdir ok", "create ok", "read ok", "unlink ok", "rmdir ok"], r


def test_tmppath_without_landlock_grant_is_still_a_violation_elsewhere():
    # a write-open outside /tmp passes the filter (the verb is tmppath's) and
    # is refused by Landlock: EACCES, the process goes on
    r = steps("pledge", "stdio tmppath", "-", "write", "/dev/null", "trunc", "/etc/hostname")
    assert r.lines == ["pledge ok", "write err EACCES", "trunc err EACCES"], r


def test_tmppath_under_rpath_keeps_reads_global():
    # rpath grants reads everywhere: the ruleset does not handle them
    r = steps("pledge", "stdio rpath tmppath", "-", "read", "/etc/hostname",
              "mkstemp", "/tmp/x.XXXXXX", "create", "/var/tmp/scopes-never")
    assert r.lines == ["pledge ok", "read ok", "mkstemp ok", "create err EACCES"], r


# ---- dns, getpw, ps, vminfo

def test_dns_resolves_localhost_and_cannot_read_shadow():
    r = steps("pledge", "stdio dns", "-", "resolve", "localhost", "read", "/etc/shadow",
              "read", "/etc/hosts", "read", "/etc/resolv.conf", "read", "/etc/passwd")
    assert r.lines == ["pledge ok", "resolve ok 127.0.0.1", "read err EACCES", "read ok",
                       "read ok", "read err EACCES"], r


DNS_HELPER = r'''
import ctypes, fcntl, os, socket, struct, subprocess, sys, threading
libc = ctypes.CDLL(None, use_errno=True)
def bind_mount(src, dst):
    if libc.mount(src.encode(), dst.encode(), None, 4096 | 16384, None) != 0:  # MS_BIND|MS_REC
        raise OSError(ctypes.get_errno(), "mount " + dst)
# loopback up in the new network namespace (SIOCGIFFLAGS / SIOCSIFFLAGS)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
ifr = struct.pack("16sH14x", b"lo", 0)
flags = struct.unpack("16sH14x", fcntl.ioctl(s, 0x8913, ifr))[1]
fcntl.ioctl(s, 0x8914, struct.pack("16sH14x", b"lo", flags | 1))
tmp = sys.argv[1]
bind_mount(tmp + "/resolv.conf", "/etc/resolv.conf")
bind_mount(tmp + "/hosts", "/etc/hosts")
srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
srv.bind(("127.0.0.1", 53))
def serve():
    while True:
        q, peer = srv.recvfrom(512)
        qid, = struct.unpack("!H", q[:2])
        end = 12
        while q[end] != 0:
            end += q[end] + 1
        qname, (qtype, qclass) = q[12:end + 1], struct.unpack("!HH", q[end + 1:end + 5])
        question = q[12:end + 5]
        name = b".".join(qname[i + 1:i + 1 + qname[i]] for i in _labels(qname))
        if name == b"host.scopes.test" and qtype == 1:
            ans = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + bytes([10, 1, 2, 3])
            hdr = struct.pack("!HHHHHH", qid, 0x8180, 1, 1, 0, 0)
        else:
            ans = b""
            rcode = 0 if name == b"host.scopes.test" else 3
            hdr = struct.pack("!HHHHHH", qid, 0x8180 | rcode, 1, 0, 0, 0)
        srv.sendto(hdr + question + ans, peer)
def _labels(qname):
    i = 0
    while qname[i]:
        yield i
        i += qname[i] + 1
threading.Thread(target=serve, daemon=True).start()
p = subprocess.run(sys.argv[2:])
sys.exit(p.returncode if p.returncode >= 0 else 128 - p.returncode)
'''


def test_dns_queries_a_resolver_on_loopback(tmp_path):
    """A resolver set up on loopback in a private mount and network
    namespace (a user namespace, so it works unprivileged too)."""
    (tmp_path / "resolv.conf").write_text("nameserver 127.0.0.1\noptions attempts:1 timeout:2\n")
    (tmp_path / "hosts").write_text("127.0.0.1 localhost\n")
    (tmp_path / "helper.py").write_text(DNS_HELPER)
    exe = build_dir() / "tools/run/tests/scopes-steps"
    r = steps_in_ns(tmp_path, [exe, "pledge", "stdio dns", "-", "resolve", "host.scopes.test",
                               "resolve", "nothere.scopes.test", "read", "/etc/shadow"])
    assert r.returncode == 0, r
    assert r.lines[:2] == ["pledge ok", "resolve ok 10.1.2.3"], r
    assert r.lines[2].startswith("resolve err "), r
    assert r.lines[3] == "read err EACCES", r


def test_dns_resolver_without_dns_is_killed(tmp_path):
    (tmp_path / "resolv.conf").write_text("nameserver 127.0.0.1\n")
    (tmp_path / "hosts").write_text("127.0.0.1 localhost\n")
    (tmp_path / "helper.py").write_text(DNS_HELPER)
    exe = build_dir() / "tools/run/tests/scopes-steps"
    r = steps_in_ns(tmp_path, [exe, "pledge", "stdio rpath", "-", "resolve", "host.scopes.test"])
    assert r.returncode == 128 + signal.SIGSYS, r
    assert r.lines == ["pledge ok"], r


def steps_in_ns(tmp_path, argv):
    return run(["unshare", "-Urmn", sys.executable, tmp_path / "helper.py", tmp_path, *argv])


def test_getpw_reads_passwd_group_only():
    r = steps("pledge", "stdio getpw", "-", "read", "/etc/passwd", "read", "/etc/group",
              "read", "/etc/shadow", "read", "/etc/hostname")
    assert r.lines == ["pledge ok", "read ok", "read ok", "read err EACCES", "read err EACCES"], r


def test_ps_reads_proc_only():
    r = steps("pledge", "stdio ps", "-", "read", "/proc/1/stat", "list", "/proc/self/fd",
              "read", "/etc/hostname")
    assert r.lines[0] == "pledge ok" and r.lines[1] == "read ok", r
    assert r.lines[2].startswith("list ok "), r
    assert r.lines[3] == "read err EACCES", r


def test_vminfo_reads_statistics_only():
    r = steps("pledge", "stdio vminfo", "-", "read", "/proc/meminfo", "read", "/proc/loadavg",
              "read", "/proc/1/stat", "read", "/etc/hostname")
    assert r.lines == ["pledge ok", "read ok", "read ok", "read err EACCES", "read err EACCES"], r


def test_stat_is_not_scoped_by_landlock():
    # Landlock cannot restrict stat(2): under a path-scoped promise, metadata
    # of any path is visible (never its contents). A documented difference.
    r = steps("pledge", "stdio dns", "-", "stat", "/etc/shadow", "read", "/etc/shadow")
    assert r.lines == ["pledge ok", "stat ok", "read err EACCES"], r


# ---- layers

def test_narrowing_pledges_stack_layers():
    r = steps("pledge", "stdio rpath tmppath", "-", "read", "/etc/hostname",
              "pledge", "stdio tmppath", "-", "read", "/etc/hostname",
              "pledge", "stdio tmppath", "-", "mkstemp", "/tmp/x.XXXXXX")
    assert r.lines == ["pledge ok", "read ok", "pledge ok", "read err EACCES", "pledge ok",
                       "mkstemp ok"], r


def test_dropping_the_pathscoped_promise_keeps_the_layer():
    r = steps("pledge", "stdio tmppath dns", "-", "pledge", "stdio dns", "-",
              "read", "/etc/hosts", "mkstemp", "/tmp/x.XXXXXX")
    assert r.returncode == -signal.SIGSYS, r  # mkstemp's O_CREAT: no tmppath any more
    assert r.lines == ["pledge ok", "pledge ok", "read ok"], r


def test_many_pledges_do_not_exhaust_landlock_layers():
    """Landlock stacks at most 16 layers. A pledge whose layer would be the
    same as the last one (it drops only promises Landlock does not see)
    commits none: 20 narrowing pledges, one layer."""
    extra = ["flock", "fattr", "chown", "inet", "mcast", "sendfd", "recvfd", "proc", "settime",
             "id", "route", "audio", "video", "drm", "bpf", "pf", "tape", "disklabel", "vmm"]
    args = []
    for k in range(len(extra), -1, -1):
        args += ["pledge", " ".join(["stdio", "tmppath"] + extra[:k]), "-"]
    r = steps(*args, "mkstemp", "/tmp/x.XXXXXX", "read", "/etc/hostname")
    assert r.lines == ["pledge ok"] * (len(extra) + 1) + ["mkstemp ok", "read err EACCES"], r


# ---- threads

def test_other_threads_join_a_pathscoped_pledge():
    """A ruleset binds only the calling thread (before Landlock ABI 8), the
    filter binds all: every thread alive at the pledge is brought into the
    layer too (threads.c), so no thread gets the path-scoped opens without
    the ruleset that scopes them."""
    r = steps("threads", "1", "pledge", "stdio dns", "-", "thread-read", "/etc/shadow",
              "read", "/etc/shadow")
    assert r.lines == ["threads ok", "pledge ok", "thread-read err EACCES", "read err EACCES"], r


def test_other_threads_do_not_matter_without_landlock():
    r = steps("threads", "1", "pledge", "stdio rpath", "-", "thread-read", "/etc/hostname")
    assert r.lines == ["threads ok", "pledge ok", "thread-read ok"], r


def test_pathscoped_pledge_before_threads_binds_them():
    # threads started after the pledge inherit the ruleset and the filter
    r = steps("pledge", "stdio dns", "-", "threads", "1", "thread-read", "/etc/shadow")
    assert r.lines == ["pledge ok", "threads ok", "thread-read err EACCES"], r


# ---- unprivileged

def test_pathscoped_unprivileged():
    r = steps("pledge", "stdio tmppath dns", "-", "mkstemp", "/tmp/x.XXXXXX",
              "read", "/etc/hosts", "read", "/etc/hostname", prefix=NOBODY)
    assert r.lines == ["pledge ok", "mkstemp ok", "read ok", "read err EACCES"], r


# ---- a kernel without Landlock (a filter answers landlock_create_ruleset)

def without_landlock(err, *args):
    return run([build_dir() / "tools/run/tests/no-landlock", err,
                build_dir() / "tools/run/tests/scopes-steps", *args])


@pytest.mark.parametrize("err,why", [
    (38, "this kernel has no Landlock (CONFIG_SECURITY_LANDLOCK)"),
    (95, "Landlock is disabled on this kernel (boot it with landlock in lsm=)")],
    ids=["ENOSYS", "EOPNOTSUPP"])
def test_without_landlock_pathscoped_promises_grant_nothing(err, why):
    r = without_landlock(err, "pathscoped", "pledge", "stdio tmppath dns", "-",
                         "read", "/etc/hosts")
    assert r.signal == signal.SIGSYS, r  # fail closed: not even the resolver's files
    assert r.lines == [f"pathscoped ok 0 {why}", "pledge ok"], r
    assert r.stderr.startswith(f"scopes: path-scoped promises grant nothing here: {why}."), r


def test_without_landlock_unveil_is_refused():
    r = without_landlock(38, "unveil", "/tmp", "r", "unveil-lock", "pledge", "stdio rpath", "-",
                         "read", "/etc/hostname")
    assert r.lines == ["unveil err ENOSYS", "unveil-lock err ENOSYS", "pledge ok", "read ok"], r
