"""Reach through /proc: other processes' memory, and the capabilities root keeps.

The method (issue 13, an outside review): for every grant, ask what Linux
lets that call reach. `rpath`/`wpath` grant opens; /proc turns an open into
another process's memory, environment and descriptors (/proc/<pid>/mem,
/environ, /fd), and root's capabilities widen what every other grant
reaches (CAP_SYS_PTRACE for those opens, CAP_SYS_RAWIO, CAP_SETFCAP...).
docs/promises.md (containment): every pledge puts the process in a
Landlock domain, whose ptrace-access rule refuses those /proc files of any
process outside it with EACCES, and drops every capability no held promise
needs from every set. Threads that exist at the pledge are in the domain
too. As root and as nobody (uid 65534, same uid as its driver and victim).
"""
import os
import subprocess
import time

import pytest

import scopes_probes

from .adversary import (NOBODY, O_RDONLY, O_RDWR, O_WRONLY, _env, assert_err, assert_killed,
                        assert_ok, attack, built)

# capability numbers (linux/capability.h)
CAP = {"CHOWN": 0, "DAC_OVERRIDE": 1, "DAC_READ_SEARCH": 2, "FOWNER": 3, "KILL": 5, "SETGID": 6,
       "SETUID": 7, "SETPCAP": 8, "NET_BIND_SERVICE": 10, "NET_ADMIN": 12, "SYS_RAWIO": 17,
       "SYS_PTRACE": 19, "SYS_ADMIN": 21, "SYS_NICE": 23, "SYS_RESOURCE": 24, "SYS_TIME": 25,
       "SETFCAP": 31}

# Revision 2: the only capabilities a promise keeps (all others: none)
KEEP = {
    "rpath": ["DAC_OVERRIDE", "DAC_READ_SEARCH"], "wpath": ["DAC_OVERRIDE"],
    "cpath": ["DAC_OVERRIDE", "FOWNER"], "tmppath": ["DAC_OVERRIDE", "FOWNER"],
    "fattr": ["FOWNER"], "chown": ["CHOWN"], "inet": ["NET_BIND_SERVICE"],
    "id": ["SETUID", "SETGID", "SYS_RESOURCE", "SYS_NICE"],
    "proc": ["KILL", "SYS_NICE", "SYS_RESOURCE"], "settime": ["SYS_TIME"], "wroute": ["NET_ADMIN"],
}


def keep_mask(promises):
    mask = 0
    for p in promises.split():
        for c in KEEP.get(p, []):
            mask |= 1 << CAP[c]
    return mask


def cap_names(mask):
    return sorted(n for n, b in CAP.items() if mask >> b & 1) + (
        [f"bit{b}" for b in range(64) if mask >> b & 1 and b not in CAP.values()])


# ---- other processes' memory, environment, descriptors

# id -> (WHO, FILE, FLAGS, promises, needs the -V victim)
PROC_FILES = {
    "parent-mem-read": ("parent", "mem", O_RDONLY, "stdio rpath", False),
    "parent-mem-write": ("parent", "mem", O_WRONLY, "stdio wpath", False),
    "parent-mem-rdwr": ("parent", "mem", O_RDWR, "stdio rpath wpath", False),
    "parent-environ": ("parent", "environ", O_RDONLY, "stdio rpath", False),
    "parent-fd": ("parent", "fd/0", O_RDONLY, "stdio rpath", False),
    "victim-mem-read": ("victim", "mem", O_RDONLY, "stdio rpath", True),
    "victim-mem-write": ("victim", "mem", O_WRONLY, "stdio wpath", True),
    "victim-environ": ("victim", "environ", O_RDONLY, "stdio rpath", True),
    "victim-fd": ("victim", "fd/0", O_RDONLY, "stdio rpath", True),
}


# the refusal is the Landlock domain's: without Landlock, the residual of
# docs/promises.md (Every pledge makes a Landlock domain)
@scopes_probes.needs("landlock")
@pytest.mark.parametrize("case", sorted(PROC_FILES))
def test_other_process_proc_files(case, user):
    """Gain: open (and read or overwrite) /proc/<pid>/FILE of the driver or a sibling; expected: EACCES.

    For mem the attacker reads the driver's secret at its address, or writes
    over it: the driver's parent-memory witness must say unchanged. fd/0
    reopens another process's descriptor (here its /dev/null stdin). The
    /proc/<pid>/fd directory itself is mode 0500 for the same uid and opens
    (no ptrace check): listing descriptor numbers is not reaching them.
    """
    who, file, flags, promises, victim = PROC_FILES[case]
    rep = attack("proc-open", who, file, flags, promises=promises, victim=victim, user=user)
    assert_err(rep, "EACCES")
    assert "leaked" not in rep.info and "written" not in rep.info, rep.describe()
    if victim:
        assert rep.victim == "alive", rep.describe()


@pytest.mark.parametrize("case", ["parent-mem-read", "victim-environ", "parent-fd"])
def test_other_process_proc_files_control(case, user):
    """Control: unpledged, the same open works (same uid, no Yama here): the refusal is the domain's."""
    who, file, flags, _, victim = PROC_FILES[case]
    rep = attack("proc-open", who, file, flags, no_pledge=True, victim=victim, user=user)
    assert_ok(rep)
    if file == "mem":
        assert rep.info["leaked"] == 1, rep.describe()


def test_own_proc_files_stay_readable(user):
    """Control: the pledged process still reads its own /proc/self/environ (same domain)."""
    assert_ok(attack("proc-open", "self", "environ", O_RDONLY, promises="stdio rpath", user=user))


@pytest.fixture
def stranger(user):
    """A process of the test's user that has nothing to do with the attacker (sleep 60)."""
    argv = ["sleep", "60"]
    if user == "nobody":
        argv = NOBODY + argv
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL)
    # setpriv is root until it execs sleep: wait for the exec
    for _ in range(2000):
        with open(f"/proc/{proc.pid}/comm") as f:
            if f.read().strip() == "sleep":
                break
        time.sleep(0.005)
    yield proc.pid
    proc.kill()
    proc.wait()


def run_target(user, *args, promises=None):
    argv = [str(built("tests/adversarial/ifunc_target")), *map(str, args)]
    if promises is not None:
        argv = [str(built("tools/run/scopes-run")), "-p", promises, "--", *argv]
    if user == "nobody":
        argv = NOBODY + argv
    return subprocess.run(argv, capture_output=True, text=True, timeout=30, env=_env(),
                          stdin=subprocess.DEVNULL)


# the refusal is the Landlock domain's: without Landlock, the residual of
# docs/promises.md (Every pledge makes a Landlock domain)
@scopes_probes.needs("landlock")
@pytest.mark.parametrize("flags", [O_RDONLY, O_RDWR], ids=["read", "rdwr"])
def test_scopes_run_other_process_mem(flags, stranger, user):
    """Gain: a program run by scopes-run -p "stdio rpath wpath" opens /proc/PID/mem of an
    unrelated process of the same user; expected: EACCES (errno 13)."""
    proc = run_target(user, "open", f"/proc/{stranger}/mem", flags, promises="stdio rpath wpath")
    assert proc.returncode == 0 and proc.stdout.strip() == "open err 13", (proc.stdout, proc.stderr)


def test_scopes_run_other_process_mem_control(stranger, user):
    """Control: without scopes-run the same program opens it."""
    proc = run_target(user, "open", f"/proc/{stranger}/mem", O_RDONLY)
    assert proc.stdout.startswith("open ok"), (proc.stdout, proc.stderr)


# ---- capabilities: what root keeps

@pytest.fixture(scope="module")
def root_caps():
    """The sets an unpledged root attacker has here (the bounding set may lack some)."""
    rep = attack("caps", no_pledge=True)
    assert_ok(rep, 0)
    return rep.info


CAP_SETS = ["stdio", "stdio rpath", "stdio rpath wpath cpath fattr chown", "stdio inet dns",
            "stdio proc exec", "stdio id", "stdio route", "stdio route wroute", "stdio ps vminfo",
            "stdio tty unix sendfd recvfd"]


@pytest.mark.parametrize("promises", CAP_SETS, ids=lambda s: s.replace(" ", "+"))
@pytest.mark.parametrize("ambient", [False, True], ids=["plain", "ambient"])
def test_root_capabilities_after_pledge(promises, ambient, root_caps):
    """Gain: root keeps capabilities no promise needs (SYS_PTRACE, SYS_ADMIN, SETFCAP, ...);
    expected: effective, permitted and bounding (root holds SETPCAP) are exactly the promise
    table's needs; inheritable and ambient hold nothing beyond them.

    ambient: the attacker starts with SYS_ADMIN, SYS_PTRACE, SETFCAP and DAC_OVERRIDE in its
    inheritable and ambient sets (setpriv), so those sets have something to drop."""
    wrap = ["setpriv", "--inh-caps=+sys_admin,+sys_ptrace,+setfcap,+dac_override",
            "--ambient-caps=+sys_admin,+sys_ptrace,+setfcap,+dac_override"] if ambient else []
    rep = attack("caps", promises=promises, wrap=wrap)
    assert_ok(rep, 0)
    want = keep_mask(promises) & root_caps["prm"]
    got = {k: rep.info[k] for k in ("eff", "prm", "inh", "amb", "bnd")}
    for k in ("eff", "prm", "bnd"):
        assert got[k] == want, f"{k}: {cap_names(got[k])} != {cap_names(want)}\n{rep.describe()}"
    for k in ("inh", "amb"):
        assert got[k] & ~want == 0, f"{k} keeps {cap_names(got[k] & ~want)}\n{rep.describe()}"


def test_root_capabilities_stdio_all_zero():
    """Gain: root pledged "stdio" keeps any capability; expected: every set is 0."""
    rep = attack("caps", promises="stdio")
    assert_ok(rep, 0)
    assert all(rep.info[k] == 0 for k in ("eff", "prm", "inh", "amb", "bnd")), rep.describe()


def test_root_capabilities_control(root_caps):
    """Control: unpledged root has SYS_PTRACE, SYS_ADMIN and SETFCAP (so dropping them is the pledge's)."""
    for c in ("SYS_PTRACE", "SYS_ADMIN", "SETFCAP", "SETPCAP"):
        assert root_caps["eff"] >> CAP[c] & 1 and root_caps["bnd"] >> CAP[c] & 1, root_caps


# ---- threads that exist at the pledge

# the refusal is the Landlock domain's: without Landlock, the residual of
# docs/promises.md (Every pledge makes a Landlock domain)
@scopes_probes.needs("landlock")
@pytest.mark.parametrize("file", ["mem", "environ"])
def test_threads_from_before_the_pledge(file, user, root_caps):
    """Gain: three threads started before a "stdio rpath" pledge (one blocking every signal, one
    in a blocking read(), one sleeping) and the main thread open /proc/<driver>/FILE; expected:
    the pledge returns 0, EACCES in every thread, and (root) each thread's own status shows the
    reduced capability sets."""
    rep = attack("threads-procmem", "parent", file, promises="stdio rpath", user=user)
    assert rep.pledge == "ok", rep.describe()
    assert_err(rep, "EACCES")
    for t in range(4):
        assert rep.info[f"t{t}_open"] == -13, f"thread {t}\n{rep.describe()}"
    assert "leaked" not in rep.info, rep.describe()
    if user == "root":
        want = keep_mask("stdio rpath") & root_caps["prm"]
        for t in range(4):
            assert rep.info[f"t{t}_eff"] == want and rep.info[f"t{t}_prm"] == want, \
                f"thread {t}: {cap_names(rep.info[f't{t}_eff'])}\n{rep.describe()}"


def test_threads_from_before_the_pledge_control():
    """Control: unpledged, every thread opens the driver's memory (the threads really try)."""
    rep = attack("threads-procmem", "parent", "mem", no_pledge=True)
    assert_ok(rep)
    assert all(rep.info[f"t{t}_open"] >= 0 for t in range(4)), rep.describe()


# ---- ps: reading other processes' state is not CAP_SYS_RAWIO / CAP_SYSLOG

# ps is path-scoped: without Landlock it grants nothing (the penalty)
@scopes_probes.needs("landlock")
@pytest.mark.parametrize("path", ["/proc/kcore", "/proc/kmsg"])
def test_ps_privileged_proc_files(path):
    """Gain: root under "stdio ps" opens a /proc file only a capability opens (kcore: SYS_RAWIO,
    kmsg: SYSLOG); expected: EPERM (the capability is dropped)."""
    if not os.path.exists(path):
        pytest.skip(f"{path} does not exist on this kernel")
    control = attack("raw", "@nr:openat", -100, "@str:" + path, O_RDONLY, no_pledge=True)
    assert_ok(control)
    assert_err(attack("raw", "@nr:openat", -100, "@str:" + path, O_RDONLY, promises="stdio ps"),
               "EPERM")


# ---- madvise: advice that acts beyond the caller's own memory

MADV_DONTNEED, MADV_FREE, MADV_HWPOISON, MADV_SOFT_OFFLINE = 4, 8, 100, 101
# Never a real mapping: as root, an executed MADV_HWPOISON poisons the page for good. The
# filter cannot see the address, so an unmapped one tells the same (SIGSYS = not executed).
UNMAPPED = 0x10000


@pytest.mark.parametrize("advice", [MADV_HWPOISON, MADV_SOFT_OFFLINE], ids=["hwpoison", "soft-offline"])
def test_madvise_memory_failure_advice(advice, user):
    """Gain: as root under "stdio", MADV_HWPOISON / MADV_SOFT_OFFLINE (poison or offline a
    physical page, shared page cache included); expected: SIGSYS (the call is not executed).

    Kernels without CONFIG_MEMORY_FAILURE (this one: no /proc/sys/vm/memory_failure_*) answer
    EINVAL themselves; the test pins the filter's answer, which must not depend on that."""
    assert_killed(attack("raw", "@nr:madvise", UNMAPPED, 4096, advice, promises="stdio", user=user))


@pytest.mark.parametrize("advice", [MADV_DONTNEED, MADV_FREE], ids=["dontneed", "free"])
def test_madvise_allocator_advice(advice, user):
    """Expected behaviour: the advice allocators give about their own memory works under stdio."""
    assert_ok(attack("raw", "@nr:madvise", "@map", 4096, advice, promises="stdio", user=user), 0)
