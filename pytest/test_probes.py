"""The kernel-feature probes (scopes_probes.py): their classification, the
skip and failure paths they drive, and that they agree with this machine.

A skip must never hide a broken feature: only a clearly absent feature skips,
anything unclear is an error that fails the tests needing it.
"""
import errno
import os
import re
import signal
import subprocess
import sys

import pytest

import scopes_probes
from conftest import TOP, build_dir, reporter_built, run_probe
from scopes_probes import ABSENT, ERROR, PRESENT, classify

SEGV, ILL, BUS, KILL = (-signal.SIGSEGV, -signal.SIGILL, -signal.SIGBUS, -signal.SIGKILL)


def line(feature, **facts):
    facts.setdefault("seccomp", 0)
    return feature + "".join(f" {k}={v}" for k, v in facts.items()) + "\n"


# ------------------------------------------------------- the i386 entry

@pytest.mark.parametrize("status,sig", [(SEGV, "SIGSEGV"), (ILL, "SIGILL")])
def test_i386_fault_is_absent(status, sig):
    p = classify("i386", status, "i386 seccomp=0")
    assert p.state == ABSENT, p
    assert sig in p.reason and "int $0x80 faults with no filter" in p.reason, p
    # the skip says why, and that an absent door is a pass for the claim
    assert p.skip_reason().startswith("no i386 on this kernel: int $0x80 faults"), p
    assert "moot" in p.skip_reason() and "pass" in p.skip_reason(), p


def test_i386_pid_is_present():
    p = classify("i386", 0, line("i386", ret=4242, errno=0, pid=4242))
    assert p.state == PRESENT and p.short() == "yes", p


@pytest.mark.parametrize("status,out", [
    (0, line("i386", ret=-38, errno=0, pid=4242)),   # ENOSYS: neither pid nor fault
    (0, line("i386", ret=1, errno=0, pid=4242)),     # a wrong pid
    (0, line("i386")),                               # no facts
    (BUS, "i386 seccomp=0"),                         # another signal
    (KILL, ""),                                      # died before it said anything
    (1, line("i386", ret=4242, errno=0, pid=4242)),  # a strange exit
], ids=["enosys", "wrong-pid", "no-facts", "sigbus", "sigkill-silent", "exit-1"])
def test_i386_anything_else_is_an_error(status, out):
    p = classify("i386", status, out)
    assert p.state == ERROR, p
    assert p.short() == "ERROR", p


def test_a_probe_under_a_filter_is_an_error():
    """Under seccomp (e.g. inside scopes-run) a fault may be the filter's: no answer."""
    p = classify("i386", SEGV, "i386 seccomp=2")
    assert p.state == ERROR and "seccomp mode 2" in p.reason, p
    p = classify("x32", 0, line("x32", seccomp=2, ret=-1, errno=errno.ENOSYS, pid=9))
    assert p.state == ERROR, p


# ------------------------------------------------------- the others

@pytest.mark.parametrize("feature,err", [
    ("x32", errno.ENOSYS), ("landlock", errno.ENOSYS), ("landlock", errno.EOPNOTSUPP),
    ("user_notif", errno.EINVAL), ("log", errno.EOPNOTSUPP), ("io_uring", errno.ENOSYS),
    ("io_uring", errno.EPERM), ("userns", errno.EPERM), ("userns", errno.ENOSPC),
    ("so_passrights", errno.ENOPROTOOPT)])
def test_known_errno_is_absent(feature, err):
    p = classify(feature, 0, line(feature, ret=-1, errno=err, pid=7))
    assert p.state == ABSENT and p.reason, p
    assert p.skip_reason().startswith(f"no {feature} on this kernel: "), p


@pytest.mark.parametrize("feature,err", [
    ("x32", errno.EPERM), ("landlock", errno.EINVAL), ("user_notif", errno.EBUSY),
    ("log", errno.EINVAL), ("io_uring", errno.EFAULT), ("userns", errno.EAGAIN),
    ("so_passrights", errno.EINVAL), ("audit", errno.EINVAL)])
def test_unexpected_errno_is_an_error(feature, err):
    p = classify(feature, 0, line(feature, ret=-1, errno=err, pid=7))
    assert p.state == ERROR and errno.errorcode[err] in p.reason, p


def test_audit_steps():
    p = classify("audit", 0, line("audit", ret=-1, errno=errno.EPERM, step="bind-readlog"))
    assert p.state == ABSENT and "bind-readlog" in p.reason, p
    p = classify("audit", 0, line("audit", ret=-1, errno=errno.EPROTONOSUPPORT, step="socket"))
    assert p.state == ABSENT, p
    assert classify("audit", 0, line("audit", ret=0, errno=0, reply=1000)).state == PRESENT


def test_the_probes_own_setup_failing_is_an_error():
    p = classify("userns", 0, line("userns", ret=-1, errno=0, step="switch-to-nobody"))
    assert p.state == ERROR, p
    p = classify("user_notif", 0, line("user_notif", ret=-1, errno=errno.EINVAL,
                                       step="no_new_privs"))
    assert p.state == ERROR, p


def test_present_values():
    assert classify("landlock", 0, line("landlock", ret=7, errno=0)).short() == "abi7"
    assert classify("landlock", 0, line("landlock", ret=0, errno=0)).state == ERROR
    assert classify("x32", 0, line("x32", ret=55, errno=0, pid=55)).state == PRESENT
    assert classify("x32", 0, line("x32", ret=54, errno=0, pid=55)).state == ERROR
    p = classify("io_uring", 0, line("io_uring", ret=0, errno=0, nobody="err"))
    assert p.state == PRESENT and p.value == {"nobody": False}, p
    for f in ("user_notif", "log", "userns", "so_passrights"):
        assert classify(f, 0, line(f, ret=0, errno=0)).state == PRESENT, f
    with pytest.raises(ValueError):
        classify("nonesuch", 0, "")


# Real answers of scopes-kprobe: Debian 12's own kernel (6.1) under QEMU, where
# the i386 entry exists, and the 6.18 machine these tests were written on,
# where int $0x80 faults with no filter.
SEEN = [
    ("6.1", "i386", 0, "i386 seccomp=0 ret=84 errno=0 pid=84", PRESENT, "yes"),
    ("6.1", "x32", 0, "x32 seccomp=0 ret=-1 errno=38 pid=85", ABSENT, "no"),
    ("6.1", "landlock", 0, "landlock seccomp=0 ret=2 errno=0", PRESENT, "abi2"),
    ("6.1", "audit", 0, "audit seccomp=0 ret=0 errno=0 reply=1000", PRESENT, "yes"),
    ("6.1", "io_uring", 0, "io_uring seccomp=0 ret=0 errno=0 nobody=ok", PRESENT, "yes"),
    ("6.1", "userns", 0, "userns seccomp=0 ret=0 errno=0 as=nobody", PRESENT, "yes"),
    ("6.1", "so_passrights", 0, "so_passrights seccomp=0 ret=-1 errno=92", ABSENT, "no"),
    ("6.18", "i386", SEGV, "i386 seccomp=0", ABSENT, "no"),
    ("6.18", "landlock", 0, "landlock seccomp=0 ret=7 errno=0", PRESENT, "abi7"),
    ("6.18", "so_passrights", 0, "so_passrights seccomp=0 ret=0 errno=0", PRESENT, "yes"),
]


@pytest.mark.parametrize("kernel,feature,status,out,state,short", SEEN,
                         ids=[f"{k}-{f}" for k, f, *_ in SEEN])
def test_answers_seen_on_real_kernels(kernel, feature, status, out, state, short):
    p = classify(feature, status, out + "\n")
    assert (p.state, p.short()) == (state, short), p


# ---------------------------------------------- what the verdicts drive

@pytest.fixture
def fake(monkeypatch):
    """Put verdicts in the probe cache for the duration of a test."""
    def put(probe):
        monkeypatch.setitem(scopes_probes._cache, probe.feature, probe)
    return put


def test_require_skips_an_absent_feature(fake):
    fake(classify("i386", SEGV, "i386 seccomp=0"))
    with pytest.raises(pytest.skip.Exception, match="no i386 on this kernel: int .0x80 faults"):
        scopes_probes.require("i386")
    assert scopes_probes.have("i386") is False


def test_require_fails_an_unclear_feature(fake):
    fake(classify("i386", BUS, "i386 seccomp=0"))
    with pytest.raises(pytest.fail.Exception, match="unclear.*will not be skipped"):
        scopes_probes.require("i386")
    with pytest.raises(scopes_probes.ProbeError):
        scopes_probes.have("i386")


def test_require_returns_a_present_feature(fake):
    fake(classify("landlock", 0, line("landlock", ret=3, errno=0)))
    assert scopes_probes.require("landlock").value == 3


def test_force_absent_names_are_checked(monkeypatch):
    monkeypatch.setenv(scopes_probes.FORCE_ENV, "i386, x32")
    assert scopes_probes.forced_absent() == {"i386", "x32"}
    monkeypatch.setenv(scopes_probes.FORCE_ENV, "i386,nonesuch")
    with pytest.raises(scopes_probes.ProbeError, match="nonesuch"):
        scopes_probes.forced_absent()


def test_only_the_probe_module_reads_the_override():
    """SCOPES_PROBE_FORCE_ABSENT must not become a way to skip tests elsewhere."""
    readers = []
    for path in (TOP / "pytest").rglob("*.py"):
        if path.name in ("scopes_probes.py", "test_probes.py"):
            continue
        if "SCOPES_PROBE_FORCE_ABSENT" in path.read_text(errors="replace"):
            readers.append(str(path))
    assert readers == []


# -------------------------------------------------- on this machine

def test_every_probe_has_a_clear_answer_here():
    """An unclear probe here is a broken probe or a broken kernel feature."""
    unclear = {f: scopes_probes.probe(f).reason for f in scopes_probes.FEATURES
               if scopes_probes.probe(f).state == ERROR}
    assert unclear == {}


def test_header_line():
    h = scopes_probes.header_line()
    want = r"kernel features: " + " ".join(
        f"{f}=(abi\\d+|no|no\\(forced\\))" if f == "landlock" else f"{f}=(yes|no|no\\(forced\\))"
        for f in scopes_probes.FEATURES)
    assert re.fullmatch(want, h), h


def test_i386_probe_agrees_with_scopes_probe():
    """A second, independent control run (scopes-probe's int80 operation,
    unpledged) finds the same: the pid where the entry exists, a fault where not."""
    if os.environ.get(scopes_probes.FORCE_ENV):
        pytest.skip("the i386 probe is overridden in this run")
    out = run_probe("int80", "20", no_pledge=True)
    if scopes_probes.have("i386"):
        assert out.signal is None and out.kind == "ok" and out.value > 0, out
    else:
        assert out.signal in (signal.SIGSEGV, signal.SIGILL), out


# ----------------------------- the skip path, end to end, in a pytest run

# Tests of the suites that need the i386 entry (5 with the three entries of
# the ABI control), and one that needs RET_LOG. The first needs the reporter
# too: a build without it skips it for that reason, so it is left out there.
I386_COUNT = 5
I386_TESTS = ["pytest/test_sigsys.py::test_foreign_abi_is_killed_without_a_report",
              "pytest/adversarial/test_adv_abi.py::test_i386_entry_reaches_the_kernel_without_pledge",
              "pytest/matrix/test_matrix.py::test_control[i386-getpid]"]
if not reporter_built():
    I386_COUNT -= 1
    I386_TESTS = I386_TESTS[1:]
LOG_TEST = "pytest/matrix/test_matrix.py::test_audit_log_action_enabled"


def run_pytest(*args, force=None):
    env = {k: v for k, v in os.environ.items()
           if k != scopes_probes.FORCE_ENV and not k.startswith("PYTEST_")}
    env["SCOPES_BUILD_DIR"] = str(build_dir())
    if force is not None:
        env[scopes_probes.FORCE_ENV] = force
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider",
                           "-p", "no:xdist", "-rA", *args],
                          capture_output=True, text=True, cwd=TOP, env=env, timeout=300)
    return proc


def outcomes(proc):
    """test id -> (PASSED|SKIPPED|FAILED|ERROR, reason) from -rA's summary."""
    out = {}
    for ln in proc.stdout.splitlines():
        m = re.match(r"(PASSED|FAILED|ERROR) (\S+)", ln)
        if m:
            out[m.group(2)] = (m.group(1), ln)
        m = re.match(r"SKIPPED \[(\d+)\] \S+: (.*)", ln)
        if m:
            out.setdefault("skipped", []).extend([m.group(2)] * int(m.group(1)))
    return out


def test_forced_absent_skips_with_the_reason():
    """SCOPES_PROBE_FORCE_ABSENT=i386,log: the i386 tests and the RET_LOG one
    are skipped, saying so; the header shows them forced."""
    proc = run_pytest(*I386_TESTS, LOG_TEST, force="i386,log")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "i386=no(forced)" in proc.stdout and "log=no(forced)" in proc.stdout, proc.stdout
    res = outcomes(proc)
    skipped = res.get("skipped", [])
    assert not [k for k, v in res.items() if k != "skipped"], proc.stdout
    assert sum(1 for r in skipped if r.startswith("no i386 on this kernel: forced absent by "
                                                  "SCOPES_PROBE_FORCE_ABSENT")) == I386_COUNT, \
        proc.stdout
    assert any(r.startswith("no log on this kernel: forced absent") for r in skipped), proc.stdout
    assert re.search(rf"\b{I386_COUNT + 1} skipped\b", proc.stdout), proc.stdout


def test_without_the_override_they_run_or_skip_as_the_kernel_says():
    """The same tests unforced: the RET_LOG test runs (and passes) where the
    kernel has it; the i386 ones pass where the entry exists and otherwise
    skip with the control run's reason (not the override's)."""
    proc = run_pytest(*I386_TESTS, LOG_TEST)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    res = outcomes(proc)
    skipped = res.get("skipped", [])
    assert not any("forced" in r for r in skipped), proc.stdout
    if scopes_probes.have("log"):
        assert res.get(LOG_TEST, ("",))[0] == "PASSED", proc.stdout
    if scopes_probes.have("i386"):
        # the ids of the run carry the parameters: match by prefix
        ran = [k for k, v in res.items() if k != "skipped" and v[0] == "PASSED"
               and any(k == t or k.startswith(t + "[") for t in I386_TESTS)]
        assert len(ran) == I386_COUNT, proc.stdout
    else:
        assert sum(1 for r in skipped if r.startswith(
            "no i386 on this kernel: int $0x80 faults with no filter")) == I386_COUNT, proc.stdout
