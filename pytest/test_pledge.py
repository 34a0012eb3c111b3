"""scopes_pledge end to end through scopes-probe: glibc realities, a sample of
allowed and denied operations per promise under KILL and ERRNO, the penalty
override from the environment, and unprivileged runs.

Expectations are written from docs/promises.md (the full matrix is in
pytest/matrix)."""
import errno
import os
import signal
import subprocess

import pytest

from conftest import NOBODY, built, run_probe



# ---- glibc realities under the smallest sensible promises

GLIBC_CASES = [
    ("stdio", "printf", []),
    ("stdio", "malloc-big", []),
    ("stdio", "fstat", []),
    ("stdio", "thread", []),
    ("stdio", "getrandom", []),
    ("stdio", "clock", []),
    ("stdio", "pipe-io", []),
    ("stdio rpath", "fopen-r", ["/etc/hostname"]),
]


@pytest.mark.parametrize("promises,op,args", GLIBC_CASES, ids=[c[1] for c in GLIBC_CASES])
def test_glibc_reality(promises, op, args):
    out = run_probe(op, *args, promises=promises)
    assert out.kind == "ok", out.describe()


def test_printf_to_a_terminal_under_stdio():
    """printf to a tty calls isatty -> ioctl(TCGETS): stdio allows it."""
    probe = built("tests/scopes-probe")
    # script(1) gives the probe a pseudo-terminal as stdout
    proc = subprocess.run(["script", "-qec", f"{probe} -p stdio printf", "/dev/null"],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert "hello from a pledged printf" in proc.stdout
    assert "ok 0" in proc.stdout


def test_fopen_w_new_file_under_wpath_cpath(scratch):
    target = scratch / "new.txt"
    out = run_probe("fopen-w", target, promises="stdio wpath cpath")
    assert out.kind == "ok", out.describe()
    assert target.read_text() == "written\n"


def test_fopen_w_without_cpath_is_killed(scratch):
    target = scratch / "new.txt"
    out = run_probe("fopen-w", target, promises="stdio wpath")
    assert out.signal == signal.SIGSYS, out.describe()
    assert not target.exists()


# ---- per promise: something it allows, something it does not (KILL and ERRNO)

def per_promise_cases(tmp):
    """(promises, op, args, allowed) written from docs/promises.md."""
    f = tmp / "file"
    f.write_text("x")
    os.chmod(f, 0o666)
    return [
        ("stdio", "read", [], True),
        ("stdio", "open-r", ["/etc/hostname"], False),
        ("stdio rpath", "open-r", ["/etc/hostname"], True),
        ("stdio rpath", "open-w", [f], False),
        ("stdio wpath", "open-w", [f], True),
        ("stdio wpath", "open-r", [f], False),
        ("stdio rpath wpath", "open-rw", [f], True),
        ("stdio rpath", "open-rw", [f], False),
        ("stdio cpath", "mkdir", [tmp / "d"], True),
        ("stdio cpath", "create", [tmp / "c"], False),
        ("stdio wpath cpath", "create", [tmp / "c"], True),
        ("stdio dpath", "mkfifo", [tmp / "fifo"], True),
        ("stdio dpath", "mknod-chr", [tmp / "dev"], False),
        ("stdio fattr", "chmod", [f, "0644"], True),
        ("stdio fattr", "chmod", [f, "04755"], False),
        ("stdio chown", "chown", [f], True),
        ("stdio", "chown", [f], False),
        ("stdio flock", "flock", [], True),
        ("stdio", "flock", [], False),
        ("stdio inet", "socket", ["2", "1"], True),
        ("stdio inet", "socket", ["1", "1"], False),
        ("stdio unix", "socket", ["1", "1"], True),
        ("stdio unix", "socket", ["2", "1"], False),
        ("stdio inet", "setsockopt", ["0", "33"], False),
        ("stdio sendfd", "sendmsg", [], True),
        ("stdio", "sendmsg", [], True),   # Revision 2: stdio sends on open descriptors
        ("stdio recvfd", "recvmsg", [], True),
        ("stdio", "recvmsg", [], True),   # Revision 2: as OpenBSD's stdio (imsg)
        ("stdio tty", "ioctl-tty", ["0x5413"], True),
        ("stdio", "ioctl-tty", ["0x5413"], False),
        ("stdio proc", "fork", [], True),
        ("stdio", "fork", [], False),
        ("stdio proc", "kill-other", [], True),
        ("stdio", "kill-other", [], False),
        ("stdio exec", "exec", ["/bin/true"], True),
        ("stdio", "exec", ["/bin/true"], False),
        ("stdio prot_exec", "mprotect-exec", [], True),
        ("stdio", "mprotect-exec", [], False),
        ("stdio settime", "settimeofday", [], True),
        ("stdio", "settimeofday", [], False),
        ("stdio id", "setuid", [], True),
        ("stdio", "setuid", [], False),
        ("stdio route", "socket", ["16", "3", "0"], True),
        ("stdio route", "socket", ["16", "3", "9"], False),
    ]


@pytest.fixture
def cases(scratch):
    return per_promise_cases(scratch)


@pytest.mark.parametrize("penalty", ["kill", "errno"])
def test_each_promise_allows_and_denies(cases, penalty):
    failures = []
    for promises, op, args, allowed in cases:
        out = run_probe(op, *args, promises=promises, penalty=penalty)
        if allowed and op == "exec":
            # the probe became /bin/true: it ran (loader included) and said nothing
            ok = out.signal is None and out.returncode == 0 and out.kind is None
        elif allowed:
            # allowed: the call reached the kernel (it may still fail on its own terms)
            ok = out.signal is None and out.kind in ("ok", "err") and out.errname != "EPERM"
        elif penalty == "kill":
            ok = out.signal == signal.SIGSYS
        else:
            ok = out.kind == "err" and out.errname == "EPERM"
        if not ok:
            failures.append(f"{promises!r} {op} {args} allowed={allowed}: {out.describe()}")
    assert not failures, "\n".join(failures)


def test_mcast_option_needs_mcast():
    allowed = run_probe("setsockopt", "0", "33", promises="stdio inet mcast", penalty="errno")
    denied = run_probe("setsockopt", "0", "33", promises="stdio inet", penalty="errno")
    assert allowed.kind == "ok", allowed.describe()      # IP_MULTICAST_TTL = 1 is valid
    assert denied.errname == "EPERM", denied.describe()


# ---- penalties and the environment

def test_error_promise_gives_enosys():
    out = run_probe("open-r", "/etc/hostname", promises="stdio error")
    assert (out.kind, out.errname) == ("err", "ENOSYS"), out.describe()


def test_log_penalty_allows():
    out = run_probe("open-r", "/etc/hostname", promises="stdio", penalty="log")
    assert out.kind == "ok", out.describe()


def test_env_log_override_is_announced():
    out = run_probe("open-r", "/etc/hostname", promises="stdio", env={"SCOPES_PENALTY": "log"})
    assert out.kind == "ok", out.describe()
    assert "scopes: SCOPES_PENALTY=log: pledge NOT enforced, violations are only logged" \
        in out.stderr


def test_env_bad_value_is_ignored_and_says_so():
    out = run_probe("open-r", "/etc/hostname", promises="stdio", env={"SCOPES_PENALTY": "allow"})
    assert out.signal == signal.SIGSYS, out.describe()
    assert "scopes: SCOPES_PENALTY=allow is not kill|trap|errno|log; ignored" in out.stderr


def test_env_override_ignored_when_at_secure(tmp_path):
    """A setuid copy of the probe (AT_SECURE) must not honour SCOPES_PENALTY."""
    if os.geteuid() != 0:
        pytest.skip("needs root to make a setuid binary")
    probe = built("tests/scopes-probe")
    copy = tmp_path / "probe-setuid"
    copy.write_bytes(probe.read_bytes())
    os.chown(copy, 0, 0)
    os.chmod(copy, 0o4755)
    os.chmod(tmp_path, 0o755)
    env = dict(os.environ, SCOPES_PENALTY="log",
               LD_LIBRARY_PATH=str(built("libscopes")))
    proc = subprocess.run(NOBODY + [str(copy), "-p", "stdio", "open-r", "/etc/hostname"],
                          capture_output=True, text=True, env=env, timeout=30)
    if "cannot open shared object" in proc.stderr:
        pytest.skip("setuid binaries ignore LD_LIBRARY_PATH; build has no rpath to libscopes")
    assert proc.returncode == -signal.SIGSYS, (proc.returncode, proc.stderr)
    assert "SCOPES_PENALTY ignored in a setuid/AT_SECURE process" in proc.stderr


# ---- unprivileged

def test_works_unprivileged():
    probe = built("tests/scopes-probe")
    for allowed, promises in ((True, "stdio rpath"), (False, "stdio")):
        proc = subprocess.run(NOBODY + [str(probe), "-p", promises, "-P", "errno", "open-r",
                                        "/etc/hostname"], capture_output=True, text=True,
                              timeout=30)
        assert proc.returncode == 0, proc.stderr
        if allowed:
            assert proc.stdout.startswith("ok "), proc.stdout
        else:
            assert proc.stdout.strip() == f"err EPERM {errno.EPERM}", proc.stdout
