"""Landlock denials in scopes-run --report and scopes-trace --verify.

Under a path-scoped pledge a missing promise is no seccomp violation: the
kernel's Landlock refuses the open with EACCES and the program goes on.
Landlock ABI 7 (Linux 6.15) logs such denials through audit; scopes-run
--report reads them and names the promise that would allow each, or says
once, with the reason, why they cannot be seen.

What is expected comes from docs/promises.md: `rpath` grants read-only
opens anywhere, `tmppath` files under /tmp, `wpath` opens for writing
existing files; the words of the report are scopes-run(1)'s.

The controls decide what the kernel offers (Landlock's ABI, audit) before
a test relies on it. Tests that change the audit state hold the lock the
log-backend tests hold (test_trace.py), so that no two run at once.
"""
import fcntl
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time

import pytest

import scopes_probes
from conftest import NOBODY, built, without_hints
from test_run_common import clean_env, target
from test_trace import audit_locked

AUDIT_GET, AUDIT_SET = 1000, 1001
AUDIT_STATUS_ENABLED = 1
NLM_F_REQUEST, NLM_F_ACK = 1, 4
CANNOT_SEE = "scopes-run: --report: Landlock denials cannot be seen: "


@pytest.fixture
def audit_lock():
    """test_trace.py's lock: one audit user at a time."""
    with audit_locked():
        yield


def audit_request(kind, payload=b""):
    """One AUDIT_GET/AUDIT_SET over NETLINK_AUDIT; the status (enabled, pid)
    for AUDIT_GET."""
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 9)  # NETLINK_AUDIT
    try:
        s.bind((0, 0))
        s.send(struct.pack("=IHHII", 16 + len(payload), kind, NLM_F_REQUEST | NLM_F_ACK, 1, 0)
               + payload)
        status = None
        acked = False
        while not (acked and (status or kind != AUDIT_GET)):
            data = s.recv(65536)
            off = 0
            while off + 16 <= len(data):
                length, typ = struct.unpack_from("=IH", data, off)
                if typ == 2:  # NLMSG_ERROR: the ack, or the error
                    err = struct.unpack_from("=i", data, off + 16)[0]
                    if err:
                        raise OSError(-err, os.strerror(-err))
                    acked = True
                elif typ == AUDIT_GET:
                    mask, enabled, failure, pid = struct.unpack_from("=IIII", data, off + 16)
                    status = (enabled, pid)
                off += (length + 3) & ~3
        return status
    finally:
        s.close()


def audit_status():
    return audit_request(AUDIT_GET)


SHARED_LOCK = "/run/scopes-audit.lock"  # audit_client.h's AUDIT_SHARED_LOCK


def audit_status_idle(timeout=120):
    """The audit status once no scopes-run --report is using audit (other
    test files run them at once, as root): the shared lock taken
    exclusively, as the last of them takes it to turn audit off."""
    fd = os.open(SHARED_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.time() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                assert time.time() < deadline, "audit stayed in use"
                time.sleep(0.05)
        return audit_status()
    finally:
        os.close(fd)


def audit_set_enabled(value):
    audit_request(AUDIT_SET, struct.pack("=IIIIIIIII", AUDIT_STATUS_ENABLED, value, 0, 0, 0,
                                         0, 0, 0, 0))


def landlock_abi():
    p = scopes_probes.probe("landlock")
    return p.value if p.present else 0


@pytest.fixture
def denials_visible(audit_lock):
    """The control: Landlock logs denials here (ABI 7) and this process can
    read audit (root in the initial namespaces). Skips otherwise, with the
    control's own words. Leaves audit as it found it, and checks that
    whatever ran in between did too."""
    abi = landlock_abi()
    if abi < 7:
        pytest.skip(f"Landlock ABI {abi}: denials are logged from ABI 7 (Linux 6.15)")
    if os.geteuid() != 0:
        pytest.skip("reading audit needs root")
    audit = scopes_probes.probe("audit")
    if not audit.present:
        pytest.skip(f"audit: {audit.why}")
    before = audit_status_idle()
    yield before
    assert audit_status_idle() == before, "the audit state was not restored"


def scopes_run(*args, prefix=(), env=None, timeout=60, **kw):
    argv = [*prefix, str(built("tools/run/scopes-run")), *map(str, args)]
    return subprocess.run(argv, capture_output=True, text=True, env=clean_env(env),
                          timeout=timeout, **kw)


def exe(name):
    return os.path.realpath(shutil.which(name))


def denial_re(access, obj, program, call, verdict, prefix="scopes-run: "):
    return (re.escape(f"{prefix}Landlock denied {access} of {obj} to {program} (pid ")
            + r"[1-9][0-9]*" + re.escape(f", {call}): {verdict}") + "\n")


@pytest.fixture
def tmpfile():
    """A readable file under /tmp (tmppath's place)."""
    fd, path = tempfile.mkstemp(prefix="ll-denials-", dir="/tmp")
    os.write(fd, b"in tmp\n")
    os.close(fd)
    os.chmod(path, 0o644)
    yield path
    os.unlink(path)


# -------------------------------------------------------------- the report

def test_missing_rpath_is_reported(denials_visible):
    """The issue's case: tmppath held, rpath not; cat's open of a file
    outside /tmp fails with EACCES, and the report says rpath would allow it."""
    r = scopes_run("-p", "stdio tmppath", "--report", "--audit", "--", "cat", "/etc/hostname")
    assert r.returncode == 1, r
    assert r.stdout == "", r
    assert re.fullmatch(re.escape("cat: /etc/hostname: Permission denied\n")
                        + denial_re("fs.read_file", "/etc/hostname", exe("cat"), "openat",
                                    "rpath would allow it"), r.stderr), r.stderr


def test_allowed_reads_report_nothing(denials_visible, tmpfile):
    """The same pledge reading under /tmp: no denial, so not a word."""
    r = scopes_run("-p", "stdio tmppath", "--report", "--audit", "--", "cat", tmpfile)
    assert (r.returncode, r.stdout, r.stderr) == (0, "in tmp\n", ""), r


def test_each_denial_in_words(denials_visible):
    """One program, three refusals: the same read twice (counted, not
    repeated), a new file outside /tmp (the access mode's promise with
    cpath), and an exec of a file outside the library directories (reading
    it is rpath's; exec is held)."""
    prog = str(target())
    r = scopes_run("-p", "stdio tmppath exec", "--report", "--audit", "--", prog, "read", "/etc/hostname",
                   "read", "/etc/hostname", "create", "/var/tmp/ll-denials-never-made",
                   "exec", prog, "read", "/etc/hostname")
    assert not os.path.exists("/var/tmp/ll-denials-never-made")
    assert r.returncode == 0, r
    assert r.stdout == "read err EACCES\nread err EACCES\ncreate err EACCES\nexec err EACCES\n", r
    real = os.path.realpath(prog)
    assert re.fullmatch(
        denial_re("fs.read_file", "/etc/hostname", real, "openat",
                  "rpath would allow it")[:-1] + re.escape(" (2 times)") + "\n"
        # Landlock names the directory a file would be made in
        + denial_re("fs.make_reg", "/var/tmp", real, "openat", "\"wpath cpath\" would allow it")
        + denial_re("fs.read_file", real, real, "execve", "rpath would allow it"),
        r.stderr), r.stderr


def test_static_program_denial_needs_new_exec_logging(denials_visible):
    """A static program loads no shim and makes no layer of its own: its
    denial is refused by scopes-run's pre-exec layer, which the kernel logs
    only because that layer asked for the exec'd program's denials
    (LOG_NEW_EXEC_ON)."""
    prog = target(static=True)
    r = scopes_run("-p", "stdio tmppath", "--report", "--audit", "--", prog, "read", "/etc/hostname")
    assert r.returncode == 0, r
    assert r.stdout == "read err EACCES\n", r
    lines = r.stderr.splitlines(keepends=True)
    assert lines[0].startswith(f"scopes-run: --report: {prog} is statically linked"), r.stderr
    assert re.fullmatch(denial_re("fs.read_file", "/etc/hostname", os.path.realpath(prog),
                                  "openat", "rpath would allow it"), "".join(lines[1:])), r.stderr


def test_denial_in_a_program_the_program_execs(denials_visible, tmp_path):
    """A static program (no shim, no layer of its own) exec'd by the
    program: it is refused by the program's own layer, made before that
    exec. scopes-run asks the program's layers too to log what they refuse
    to later images (SCOPES_LANDLOCK_LOG_EXEC), so the denial is seen,
    and nothing is reported missing. The static program lives under /tmp,
    where tmppath lets it be read and run."""
    static = tmp_path / "static-target"
    shutil.copy(target(static=True), static)
    os.chmod(static, 0o755)
    r = scopes_run("-p", "stdio tmppath exec", "--report", "--audit", "--", target(), "exec", static,
                   "read", "/etc/hostname")
    assert r.returncode == 0, r
    assert r.stdout == "read err EACCES\n", r
    assert re.fullmatch(denial_re("fs.read_file", "/etc/hostname", str(static), "openat",
                                  "rpath would allow it"), r.stderr), r.stderr


def test_unveil_denial_names_the_unveil(denials_visible, tmpfile):
    """With rpath held, only an unveil can refuse a read: the report says
    the promises allow it and the unveil does not."""
    prog = target(static=True)
    r = scopes_run("-p", "stdio rpath", "-v", tmpfile, "--report", "--audit", "--", prog, "read",
                   "/etc/hostname", "read", tmpfile)
    assert r.returncode == 0, r
    assert r.stdout == "read err EACCES\nread ok\n", r
    assert re.search(denial_re("fs.read_file", "/etc/hostname", os.path.realpath(prog),
                               "openat", "the promises allow it: an unveil (-v) does not"),
                     r.stderr), r.stderr


def test_one_call_refused_for_two_objects(denials_visible, tmp_path):
    """link(2) between two unveiled directories: Landlock refuses to
    reparent a file between them (fs.refer, answered EXDEV as the kernel
    does for refer) and logs one record per directory in one event; both
    are reported."""
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "f").write_text("x")
    prog = os.path.realpath(target(static=True))
    r = scopes_run("-p", "stdio rpath wpath cpath", "-v", f"{a}:rwc", "-v", f"{b}:rwc",
                   "--report", "--audit", "--", prog, "link", a / "f", b / "g")
    assert r.returncode == 0, r
    assert r.stdout == "link err EXDEV\n", r
    assert not (b / "g").exists()
    lines = r.stderr.splitlines(keepends=True)
    assert lines[0].startswith(f"scopes-run: --report: {prog} is statically linked"), r.stderr
    verdict = "the promises allow it: an unveil (-v) does not"
    assert re.fullmatch(denial_re("fs.refer", a, prog, "link", verdict)
                        + denial_re("fs.refer", b, prog, "link", verdict),
                        "".join(lines[1:])), r.stderr


def test_report_with_unveil_still_loads_the_reporter(audit_lock, tmp_path):
    """-v with --report: the reporter library must be readable through the
    unveil layer. It was not (a Landlock denial --report now shows), so a
    violation killed the program with no report at all."""
    scopes_probes.require("landlock")  # -v: unveil answers ENOSYS without it
    r = scopes_run("-p", "stdio", "-v", tmp_path, "--report", "--audit", "--", "cat", "/etc/hostname")
    assert r.returncode == 128 + signal.SIGSYS, r
    assert "cannot be preloaded" not in r.stderr, r.stderr
    assert without_hints(r.stderr).startswith(
        'scopes: violation: openat(AT_FDCWD, "/etc/hostname", O_RDONLY) needs promise "rpath"'), r


# ------------------------------------------------------- the audit state

def test_audit_already_enabled_is_left_enabled(denials_visible):
    """With audit enabled by someone else, scopes-run only listens (the
    multicast group) and changes nothing; the report is the same."""
    before = denials_visible
    if before[0] == 0:
        audit_set_enabled(1)
    try:
        assert audit_status()[0] == 1
        r = scopes_run("-p", "stdio tmppath", "--report", "--audit", "--", "cat", "/etc/hostname")
        assert audit_status()[0] == 1, "scopes-run disabled an audit it had not enabled"
    finally:
        if before[0] == 0:
            audit_set_enabled(0)
    assert r.returncode == 1, r
    assert re.search(denial_re("fs.read_file", "/etc/hostname", exe("cat"), "openat",
                               "rpath would allow it"), r.stderr), r.stderr


def test_audit_restored_after_sigterm(denials_visible):
    """SIGTERM is passed on to the program; scopes-run still restores audit."""
    before = denials_visible
    p = subprocess.Popen([str(built("tools/run/scopes-run")), "-p", "stdio", "--report", "--audit", "--",
                          "sleep", "30"], env=clean_env(), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1.0)
        if before == (0, 0):
            # while it runs audit is on; scopes-run only listens, never as
            # the daemon (that place stays free for the log backend)
            assert audit_status() == (1, 0)
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    assert p.returncode == 128 + signal.SIGTERM, err
    assert err == "", err
    assert audit_status_idle() == before


def test_concurrent_runs_share_audit(denials_visible):
    """Three at once, beside a long one: none waits for another to end, each
    reports its own program's denial and no other's, none says it missed
    any, and the last one leaves audit as it was."""
    prog = os.path.realpath(target(static=True))
    long_run = subprocess.Popen([str(built("tools/run/scopes-run")), "-p", "stdio", "--report", "--audit",
                                 "--", "sleep", "20"], env=clean_env(), stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 10
    while audit_status()[0] != 1 and time.time() < deadline:
        time.sleep(0.05)
    started = time.time()
    procs = [subprocess.Popen([str(built("tools/run/scopes-run")), "-p", "stdio tmppath",
                               "--report", "--audit", "--", prog, "read", "/etc/hostname"],
                              env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(3)]
    for p in procs:
        out, err = p.communicate(timeout=60)
        assert (p.returncode, out) == (0, "read err EACCES\n"), err
        lines = err.splitlines(keepends=True)
        assert re.fullmatch(denial_re("fs.read_file", "/etc/hostname", prog, "openat",
                                      "rpath would allow it"), "".join(lines[1:])), err
    # done while the long one still runs, audit still on for it
    assert long_run.poll() is None and time.time() - started < 15
    assert audit_status()[0] == 1
    long_run.send_signal(signal.SIGTERM)
    _, err = long_run.communicate(timeout=30)
    assert (long_run.returncode, err) == (128 + signal.SIGTERM, ""), err


def test_audit_enabled_by_a_killed_run_is_disabled_by_the_next(denials_visible):
    """SIGKILL leaves no time to restore: audit stays on, marked as a
    tool's; the next run with --report, the last user, turns it off."""
    before = denials_visible
    if before[0] != 0:
        pytest.skip("audit is enabled by someone else here: it is never turned off")
    p = subprocess.Popen([str(built("tools/run/scopes-run")), "-p", "stdio", "--report", "--audit", "--",
                          "sleep", "30"], env=clean_env(), stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.time() + 10
        while audit_status()[0] != 1 and time.time() < deadline:
            time.sleep(0.05)
        assert audit_status()[0] == 1
        os.killpg(p.pid, signal.SIGKILL)
        p.wait(timeout=30)
        assert audit_status()[0] == 1, "the killed run had audit on"
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
    r = scopes_run("-p", "stdio", "--report", "--audit", "--", "true")
    assert (r.returncode, r.stderr) == (0, ""), r
    assert audit_status_idle() == before


def test_unprivileged_says_it_cannot_see(tmp_path):
    """As nobody, audit cannot be read: one line says so, with the reason;
    the program runs as it would without --report."""
    if landlock_abi() < 7:
        pytest.skip("Landlock ABI < 7: the notice names the ABI instead (see the next test)")
    r = scopes_run("-p", "stdio tmppath", "--report", "--", "cat", "/etc/hostname",
                   prefix=NOBODY, cwd=tmp_path)
    assert r.returncode == 1, r
    # after the program, like the denials it is about
    assert r.stderr == ("cat: /etc/hostname: Permission denied\n" + CANNOT_SEE
                        + "reading audit records needs root (CAP_AUDIT_CONTROL to enable audit, "
                        "CAP_AUDIT_READ to read it): the audit multicast group: "
                        "Operation not permitted\n"), r


AUDIT_OFF = ("audit is disabled (--audit turns it on for the run; the kernel then audits every "
             "task created after it until reboot)\n")


def test_audit_left_off_without_the_audit_option(denials_visible, tmp_path):
    """Enabling audit has a cost until reboot (every task created after it
    gets an audit context), so --report alone never turns it on: with audit
    off it says the denials cannot be seen and how to see them, and audit
    stays off. The control: with --audit the same run sees the denial."""
    if denials_visible[0]:
        pytest.skip("audit is enabled on this machine (by its own daemon or rules): "
                    "the off case cannot be made without changing the system's audit")
    r = scopes_run("-p", "stdio tmppath", "--report", "--", "cat", "/etc/hostname",
                   cwd=tmp_path)
    assert r.returncode == 1, r
    assert r.stderr == ("cat: /etc/hostname: Permission denied\n" + CANNOT_SEE + AUDIT_OFF), r
    assert audit_status_idle() == denials_visible
    # scopes-trace --verify without --audit: the verify run says the same
    trace = str(built("tools/trace/scopes-trace"))
    out = tmp_path / "report.json"
    r = subprocess.run([trace, "--verify", "--json", "-o", str(out), "--", "cat", "/etc/hostname"],
                       capture_output=True, text=True, timeout=120, cwd=tmp_path,
                       stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r
    import json
    (attempt,) = json.loads(out.read_text())["verify"]["attempts"]
    assert attempt["landlock_denials"] == [] and attempt["landlock_denials_unseen"] == \
        AUDIT_OFF.rstrip("\n"), attempt
    assert audit_status_idle() == denials_visible
    # the control
    r = scopes_run("-p", "stdio tmppath", "--report", "--audit", "--", "cat", "/etc/hostname",
                   cwd=tmp_path)
    assert re.fullmatch(re.escape("cat: /etc/hostname: Permission denied\n")
                        + denial_re("fs.read_file", "/etc/hostname", exe("cat"), "openat",
                                    "rpath would allow it"), r.stderr), r.stderr


@pytest.mark.parametrize("tool,argv,message", [
    ("tools/run/scopes-run", ["-p", "stdio", "--audit", "--", "true"],
     "scopes-run: --audit: only with --report or --denials-fd\n"),
    ("tools/trace/scopes-trace", ["--audit", "--", "true"],
     "scopes-trace: --audit: only with --verify\n"),
])
def test_audit_option_alone_is_a_usage_error(tool, argv, message):
    r = subprocess.run([str(built(tool)), *argv], capture_output=True, text=True, timeout=60,
                       stdin=subprocess.DEVNULL)
    assert (r.returncode, r.stdout) == (125, ""), r
    assert r.stderr.startswith(message), r.stderr


def test_no_audit_logging_in_landlock_says_so():
    """Below ABI 7 the notice names the kernel's ABI (only checkable there)."""
    abi = landlock_abi()
    if abi >= 7 or abi == 0:
        pytest.skip(f"Landlock ABI {abi}: the ABI notice cannot appear here")
    r = scopes_run("-p", "stdio tmppath", "--report", "--audit", "--", "cat", "/etc/hostname")
    assert r.returncode == 1, r
    assert without_hints(r.stderr) == (
        "cat: /etc/hostname: Permission denied\n" + CANNOT_SEE
        + f"this kernel's Landlock (ABI {abi}) does not log denials (ABI 7, Linux 6.15, does)\n"), r


# ------------------------------------------------------------ --verify

# Reads a file under /tmp when traced, and /etc/hostname when run by
# scopes-run (whose shim is in LD_PRELOAD): the traced answer is "stdio
# tmppath" (the file is not named on the command line, which would make it
# rpath's), and the verify run is refused a read that only rpath allows,
# yet ends the same way (exit 0).
VERIFY_SCRIPT = 'f=$LL_DATA; [ -n "$LD_PRELOAD" ] && f=/etc/hostname; read x < $f; true'


def test_verify_names_the_denial(denials_visible, tmpfile, tmp_path):
    trace = str(built("tools/trace/scopes-trace"))
    script = VERIFY_SCRIPT
    # PWD as the shell will find it (else it asks getcwd, which is rpath's)
    env = clean_env({"LL_DATA": tmpfile, "PWD": str(tmp_path)})
    out = tmp_path / "report.json"
    r = subprocess.run([trace, "--verify", "--audit", "--json", "-o", str(out), "--", "/bin/sh",
                        "-c", script], capture_output=True, text=True, env=env, timeout=120,
                       cwd=tmp_path, stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r
    import json
    rep = json.loads(out.read_text())
    assert rep["promises"] == "stdio tmppath", rep
    (attempt,) = rep["verify"]["attempts"]
    assert attempt["exit_status"] == 0 and attempt["same"] is False, attempt
    (d,) = attempt["landlock_denials"]
    assert d["pid"] > 0, d
    del d["pid"]
    assert d == {"access": "fs.read_file", "object": "/etc/hostname", "program": exe("dash"),
                 "syscall": "openat", "count": 1, "verdict": "rpath would allow it",
                 "allowed_by": ["rpath"]}, d
    assert attempt["landlock_denials_unseen"] is None and attempt["landlock_denials_lost"] is None
    # the text report says the same in words
    r = subprocess.run([trace, "--verify", "--audit", "--", "/bin/sh", "-c", script],
                       capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path,
                       stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r
    verify = r.stderr[r.stderr.index("\nverify: "):]
    assert re.match(re.escape("\nverify: scopes-run -p \"stdio tmppath\" -- /bin/sh -c ")
                    + ".*\n"
                    + re.escape("  NOT the same: exited 0, but Landlock refused calls (they "
                                "failed with EACCES):\n  ")
                    + denial_re("fs.read_file", "/etc/hostname", exe("dash"), "openat",
                                "rpath would allow it", prefix=""),
                    verify), verify


def test_verify_unprivileged_says_denials_unseen(tmpfile):
    """As nobody the verify run cannot see denials: the report says so
    rather than calling the run the same without a word."""
    if landlock_abi() < 7:
        pytest.skip("Landlock ABI < 7")
    import json
    with tempfile.TemporaryDirectory(prefix="ll-denials-") as work:
        os.chmod(work, 0o777)
        out = os.path.join(work, "report.json")
        r = subprocess.run([*NOBODY, str(built("tools/trace/scopes-trace")), "--verify",
                            "--json", "-o", out, "--", "/bin/sh", "-c", VERIFY_SCRIPT],
                           capture_output=True, text=True, env=clean_env({"LL_DATA": tmpfile, "PWD": work}),
                           timeout=120, cwd=work, stdin=subprocess.DEVNULL)
        assert r.returncode == 0, r
        with open(out) as f:
            (attempt,) = json.load(f)["verify"]["attempts"]
    assert attempt["landlock_denials"] == [], attempt
    assert attempt["landlock_denials_unseen"] == (
        "reading audit records needs root (CAP_AUDIT_CONTROL to enable audit, CAP_AUDIT_READ "
        "to read it): the audit multicast group: Operation not permitted"), attempt


def test_verify_copy_keeps_pwd_true(audit_lock, tmp_path):
    """A verify run in a private copy of the working directory gets $PWD
    naming that copy: with a stale $PWD dash asks getcwd, which "stdio
    tmppath proc exec" does not allow (the run died by SIGSYS), so the
    verify reported a difference the promises did not make."""
    scopes_probes.require("landlock")  # else tmppath grants nothing: no such pledge found
    script = 'f=/tmp/ll-denials-$$; echo x > $f; rm -f $f; true'
    r = subprocess.run([str(built("tools/trace/scopes-trace")), "--verify", "--", "/bin/sh", "-c",
                        script], capture_output=True, text=True, timeout=120, cwd=tmp_path,
                       env=clean_env({"PWD": str(tmp_path)}), stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r
    assert "\n    scopes_pledge(\"stdio tmppath proc exec\", \"stdio tmppath\");\n" in r.stderr, r
    assert "so each verify run ran in a private copy of the working directory" in r.stderr, r
    verify = r.stderr[r.stderr.index("\nverify: "):]
    assert verify.splitlines()[2] == "  same outcome: exited 0", verify
