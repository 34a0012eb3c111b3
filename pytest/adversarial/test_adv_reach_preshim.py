"""Reach before the shim: a program's own code running under scopes-run's pre-exec grants.

The method (issue 13, an outside review): for every grant, ask what Linux
lets that call reach. scopes-run pledges PROMISES plus what the loader needs
(`exec`: reading libraries, mapping them executable) and lets its shim
narrow to PROMISES once the loader is done. But the loader runs code of the
program before any constructor: IFUNC resolvers, called while it relocates
the program. Whatever the pre-exec grants reach, that code reaches.
docs/promises.md (exec and execpromises): scopes-run must not let the target run code of its
own with more than PROMISES plus the loader's narrow needs: reads only under
the library directories and the program (Landlock: EACCES elsewhere), no
anonymous executable memory, no mprotect to PROT_EXEC, no second execve
(each of those: SIGSYS, scopes-run exits 128 + 31 = 159).

tests/adversarial/ifunc_target's resolver makes one attempt chosen by
REACH_ATTEMPT and reports "reach ATTEMPT ok N | err ERRNO" on fd 2.
"""
import os
import signal
import subprocess

import pytest

import scopes_probes

from .adversary import NOBODY, _env, assert_killed, assert_ok, attack, built

SIGSYS_EXIT = 128 + signal.SIGSYS


@pytest.fixture
def secret(wdir, user):
    """A file the user may read but PROMISES ("stdio") may not: /etc/shadow for root, a 0600
    file of its own for nobody."""
    if user == "root":
        return "/etc/shadow"
    path = os.path.join(wdir, "mine")
    with open(path, "w") as f:
        f.write("nobody's secret\n")
    os.chmod(path, 0o600)
    os.chown(path, 65534, 65534)
    return path


def run_target(user, attempt, path=None, promises="stdio", static=False):
    argv = [str(built("tests/adversarial/ifunc_target" + ("_static" if static else "")))]
    if promises is not None:
        argv = [str(built("tools/run/scopes-run")), "-p", promises, "--", *argv]
    if user == "nobody":
        argv = NOBODY + argv
    env = _env()
    env["REACH_ATTEMPT"] = attempt
    if path:
        env["REACH_PATH"] = path
    return subprocess.run(argv, capture_output=True, text=True, timeout=30, env=env,
                          stdin=subprocess.DEVNULL)


def describe(proc):
    return f"exit {proc.returncode}\n--- stdout\n{proc.stdout}--- stderr\n{proc.stderr}"


# the resolver's refusal is the Landlock layer's (without it: no EACCES)
@scopes_probes.needs("landlock")
def test_resolver_open(secret, user):
    """Gain: the resolver opens a file PROMISES do not let it read (scopes-run -p stdio);
    expected: EACCES (13), and the program goes on to main under stdio."""
    proc = run_target(user, "open", secret)
    assert "reach open err 13" in proc.stderr, describe(proc)
    assert proc.returncode == 0 and proc.stdout == "main 7\n", describe(proc)


@pytest.mark.parametrize("attempt", ["rwx", "mprotect", "exec"])
def test_resolver_code_and_exec(attempt, user):
    """Gain: the resolver maps anonymous read-write-execute memory, makes a page executable
    with mprotect, or execs /bin/echo (empty environment: no shim); expected: SIGSYS (159)."""
    proc = run_target(user, attempt)
    assert proc.returncode == SIGSYS_EXIT, describe(proc)
    assert f"reach {attempt}" not in proc.stderr and "REACH-EXECUTED" not in proc.stdout, describe(proc)


@pytest.mark.parametrize("attempt", ["open", "rwx", "mprotect", "exec"])
def test_resolver_control(attempt, secret, user):
    """Control: without scopes-run every attempt works (the resolver really runs and tries)."""
    proc = run_target(user, attempt, secret, promises=None)
    assert proc.returncode == 0, describe(proc)
    if attempt == "exec":
        assert proc.stdout == "REACH-EXECUTED\n", describe(proc)
    else:
        assert f"reach {attempt} ok" in proc.stderr, describe(proc)


def test_resolver_quiet_under_scopes_run(user):
    """Control: with no attempt the target runs normally under scopes-run -p stdio."""
    proc = run_target(user, "")
    assert proc.returncode == 0 and proc.stdout == "main 7\n", describe(proc)


@pytest.mark.parametrize("attempt", ["open", "rwx", "mprotect", "exec"])
def test_static_resolver(attempt, secret, user):
    """Gain: the same attempts from the resolver of a static program (glibc's static start-up
    calls it after the exec; scopes-run pledges exactly PROMISES plus that one execve);
    expected: SIGSYS (159) for each, nothing printed by the attempt."""
    proc = run_target(user, attempt, secret, static=True)
    assert proc.returncode == SIGSYS_EXIT, describe(proc)
    assert f"reach {attempt}" not in proc.stderr and "REACH-EXECUTED" not in proc.stdout, describe(proc)


@pytest.mark.parametrize("attempt", ["open", "rwx", "mprotect", "exec"])
def test_static_resolver_control(attempt, secret, user):
    """Control: the static program's resolver really makes each attempt when run unpledged."""
    proc = run_target(user, attempt, secret, promises=None, static=True)
    assert proc.returncode == 0, describe(proc)
    if attempt == "exec":
        assert proc.stdout == "REACH-EXECUTED\n", describe(proc)
    else:
        assert f"reach {attempt} ok" in proc.stderr, describe(proc)


# ---- exec's incidental grants: what a loader needs, no more

MMAP_ANON_RWX = ("@nr:mmap", 0, 4096, 7, 0x22, -1, 0)  # PROT_READ|WRITE|EXEC, MAP_PRIVATE|ANONYMOUS


def test_exec_anonymous_rwx_mapping(user):
    """Gain: under "stdio exec", an anonymous read-write-execute mapping (code of one's own);
    expected: SIGSYS."""
    assert_killed(attack("raw", *MMAP_ANON_RWX, promises="stdio exec", user=user))


def test_exec_mprotect_to_exec(user):
    """Gain: under "stdio exec", mprotect a written page to PROT_READ|PROT_EXEC; expected: SIGSYS."""
    assert_killed(attack("raw", "@nr:mprotect", "@map", 4096, 5, promises="stdio exec", user=user))


@pytest.mark.parametrize("execpromises", ["stdio", None], ids=["execpromises", "null"])
def test_exec_file_mapping_allowed(user, execpromises):
    """Expected behaviour: under "stdio exec" a file-backed PROT_READ|PROT_EXEC private mapping
    of /bin/true (what a loader does) is allowed, with execpromises (the exec'd image's loader
    runs under this filter) and under the exec supervisor (glibc maps NSS modules into the
    image that pledged)."""
    rep = attack("raw", "@nr:mmap", 0, 4096, 5, 2, "@fd:/bin/true", 0, promises="stdio exec",
                 execpromises=execpromises, user=user)
    assert_ok(rep)
    assert rep.value > 0, rep.describe()


def test_exec_loader_reads_null_execpromises(user):
    """Gain: under "stdio exec" with NULL execpromises, read a file through exec's loader grant
    (an O_RDONLY open of /etc/hostname); expected: SIGSYS. The exec supervisor serves the
    exec'd images' loaders; the image that pledged opens nothing through exec (issue 14)."""
    assert_killed(attack("raw", "@nr:openat", -100, "@str:/etc/hostname", 0, 0,
                         promises="stdio exec", user=user))


def test_exec_loader_reads_with_execpromises(user):
    """Control: with execpromises the loader runs under this filter, so the same open works
    (the documented residual: read-only opens where reads are not Landlock-restricted)."""
    rep = attack("raw", "@nr:openat", -100, "@str:/etc/hostname", 0, 0, promises="stdio exec",
                 execpromises="stdio", user=user)
    assert_ok(rep)
    assert rep.value >= 0, rep.describe()


def test_exec_code_control(user):
    """Control: unpledged, the anonymous RWX mapping and the mprotect both work."""
    assert_ok(attack("raw", *MMAP_ANON_RWX, no_pledge=True, user=user))
    assert_ok(attack("raw", "@nr:mprotect", "@map", 4096, 5, no_pledge=True, user=user), 0)
