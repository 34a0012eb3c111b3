"""scopes-trace: the minimal promises a program needs, with the evidence.

Small programs, one per promise (tools/trace/tests/subject.c), get their
exact minimal set from the notify backend; the log backend gives the same
set where the answer does not depend on arguments, and otherwise lists the
argument-dependent calls as ambiguous with the missing promise among their
candidates. System programs get sound supersets, checked by running them
again under scopes-run with the promises found (--verify).
"""
import contextlib
import fcntl
import json
import os
import pathlib
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time

import pytest

import scopes_probes
from conftest import NOBODY, build_dir, built

ROOT = os.geteuid() == 0


def tracer():
    return str(built("tools/trace/scopes-trace"))


def subject():
    return str(built("tools/trace/tests/trace-subject"))


def landlock_available():
    """Landlock, as the control run of scopes_probes found it (an unclear
    answer raises instead of reading as "no Landlock")."""
    return scopes_probes.have("landlock")


class Trace:
    """One scopes-trace run: its process outcome and its JSON report."""

    def __init__(self, proc, report, argv):
        self.proc = proc
        self.report = report
        self.argv = argv

    @property
    def promises(self):
        return set(self.report["promises"].split())

    def evidence(self, promise):
        return self.report["evidence"].get(promise, [])

    def examples(self, promise, syscall):
        return [ex for e in self.evidence(promise) if e["syscall"] == syscall for ex in e["examples"]]

    def __repr__(self):
        return (f"{' '.join(map(str, self.argv))}\n-> rc {self.proc.returncode}, "
                f"promises {self.report.get('promises')!r}, startup "
                f"{self.report.get('startup_promises')!r}, ambiguous "
                f"{[(a['syscall'], a['candidates']) for a in self.report.get('ambiguous', [])]}, "
                f"notes {self.report.get('notes')}\nstderr: {self.proc.stderr[-1500:]}")


def trace(*argv, backend="notify", extra=(), stdin=subprocess.DEVNULL, wrap=(), timeout=120,
          env=None, cwd=None):
    with tempfile.NamedTemporaryFile(prefix="trace-", suffix=".json", delete=False) as f:
        out = f.name
    os.chmod(out, 0o666)
    # the notify backend is a seccomp listener; the log backend, RET_LOG
    scopes_probes.require("user_notif" if backend == "notify" else "log")
    cmd = [*wrap, tracer(), "-b", backend, "--json", "-o", out, *extra, "--", *map(str, argv)]
    e = dict(os.environ)
    e.pop("SCOPES_PENALTY", None)
    if env:
        e.update(env)
    try:
        with verify_lock(extra):
            proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace",
                                  stdin=stdin, timeout=timeout, env=e, cwd=cwd)
        text = pathlib.Path(out).read_text()
    finally:
        os.unlink(out)
    assert text, f"no report from {cmd}: rc {proc.returncode}, stderr {proc.stderr}"
    return Trace(proc, json.loads(text), cmd)


@pytest.fixture
def outside_tmp():
    """A scratch directory not under /tmp (tmppath would cover /tmp), world-writable.

    The build directory, unless it is itself under /tmp (a CI clone may be),
    else /var/tmp."""
    base = build_dir().resolve()
    if base == pathlib.Path("/tmp") or pathlib.Path("/tmp") in base.parents:
        base = pathlib.Path("/var/tmp")
    d = tempfile.mkdtemp(prefix="trace-scratch-", dir=base)
    os.chmod(d, 0o777)
    yield pathlib.Path(d)
    shutil.rmtree(d, ignore_errors=True)


_audit_lock_depth = 0


@contextlib.contextmanager
def audit_locked():
    """Our log-backend runs register as the audit daemon, which only one
    process can be at a time, and --verify as root has scopes-run enable
    audit and read Landlock's denials: run them one after the other.
    Reentrant within a process (a test holding audit_lock that traces)."""
    global _audit_lock_depth
    if _audit_lock_depth:
        _audit_lock_depth += 1
        try:
            yield
        finally:
            _audit_lock_depth -= 1
        return
    with open(os.path.join(tempfile.gettempdir(), "scopes-trace-tests.lock"), "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        _audit_lock_depth = 1
        try:
            yield
        finally:
            _audit_lock_depth = 0
            fcntl.flock(f, fcntl.LOCK_UN)


def verify_lock(args):
    """audit_locked() for a run with --verify as root, else nothing."""
    if "--verify" in args and os.geteuid() == 0:
        return audit_locked()
    return contextlib.nullcontext()


@pytest.fixture
def audit_lock():
    with audit_locked():
        yield


def auditd_pid():
    """The audit daemon the kernel knows (AUDIT_GET over NETLINK_AUDIT)."""
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 9)  # NETLINK_AUDIT
    try:
        s.bind((0, 0))
        s.send(struct.pack("=IHHII", 16, 1000, 1, 1, 0))  # AUDIT_GET, NLM_F_REQUEST
        while True:
            data = s.recv(65536)
            off = 0
            while off + 16 <= len(data):
                length, kind = struct.unpack_from("=IH", data, off)
                if kind == 1000:
                    return struct.unpack_from("=IIII", data, off + 16)[3]
                if kind == 2:
                    err = struct.unpack_from("=i", data, off + 16)[0]
                    if err:
                        raise OSError(-err, "AUDIT_GET")
                off += (length + 3) & ~3 if length >= 16 else len(data)
    finally:
        s.close()


def test_pure_modules_units():
    """The C unit tests of the audit parser, JSON writer and set cover (also a
    ctest; run here too, as ctest only sees tools/ tests once tools/ enables
    testing)."""
    proc = subprocess.run([str(built("tools/trace/tests/test_trace_units"))], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0 and ", 0 failed" in proc.stdout + proc.stderr, proc


# --------------------------------------------------------- the small programs

# op -> (argument kind, exact set from notify, promises path-scoped by Landlock)
SMALL = {
    "none": (None, "stdio"),
    "stdio": (None, "stdio"),
    "rpath": (None, "stdio rpath"),
    "wpath": ("file", "stdio wpath"),
    "cpath": ("newdir", "stdio cpath"),
    "dpath": ("newfifo", "stdio dpath"),
    "tmppath": ("mkstemp", "stdio tmppath"),
    "fattr": ("file", "stdio fattr"),
    "chown": ("file", "stdio chown"),
    "flock": ("stdin", "stdio flock"),
    "inet": (None, "stdio inet"),
    "mcast": (None, "stdio inet mcast"),
    "unix": (None, "stdio unix"),
    # Revision 2: stdio sends and receives messages on open descriptors; on
    # Linux passing a descriptor is refused at the receiver (SO_PASSRIGHTS,
    # set at the first pledge without recvfd), and a socketpair made after
    # the pledge has no such refusal: these subjects need stdio alone
    "sendfd": (None, "stdio"),
    "recvfd": (None, "stdio"),
    "dns": (None, "stdio dns"),
    "getpw": (None, "stdio getpw"),
    "tty": (None, "stdio tty"),
    "proc": (None, "stdio proc"),
    "exec": (None, "stdio exec"),
    "forkexec": (None, "stdio proc exec"),
    "prot_exec": (None, "stdio prot_exec"),
    "settime": (None, "stdio settime"),
    "id": (None, "stdio id"),
    "ps": (None, "stdio ps"),
    "vminfo": (None, "stdio vminfo"),
    "route": (None, "stdio route"),
    "unveil": (None, "stdio unveil"),
    "threads": (None, "stdio"),
}
PATH_SCOPED = {"tmppath", "dns", "getpw", "ps", "vminfo"}


def run_small(op, scratch, backend="notify", extra=(), wrap=()):
    kind, _ = SMALL[op]
    args, stdin = [], subprocess.DEVNULL
    if kind == "file":
        f = scratch / "file.txt"
        f.write_text("data\n")
        os.chmod(f, 0o666)
        args = [f]
    elif kind in ("newdir", "newfifo"):
        args = [scratch / kind]
    elif kind == "tmpfile":
        args = [pathlib.Path(tempfile.gettempdir()) / f"scopes-trace-{os.getpid()}-{backend}"]
    elif kind == "stdin":
        f = scratch / "locked.txt"
        f.write_text("data\n")
        stdin = open(f)
    try:
        return trace(subject(), op, *args, backend=backend, extra=extra, stdin=stdin, wrap=wrap)
    finally:
        if kind == "stdin":
            stdin.close()
        for a in args:
            if os.path.lexists(a):
                os.unlink(a) if not os.path.isdir(a) else os.rmdir(a)


@pytest.mark.parametrize("op", sorted(SMALL))
def test_small_program_exact_set_notify(op, outside_tmp):
    if op in PATH_SCOPED and not landlock_available():
        pytest.skip("path-scoped promises need Landlock")
    t = run_small(op, outside_tmp)
    assert t.proc.returncode == 0, t
    assert t.report["backend"] == "notify" and t.report["complete"] is True, t
    assert t.report["promises"] == SMALL[op][1], t
    assert t.report["minimal_proven"] is True, t
    assert t.report["unpledgeable"] == [], t
    # notify sees arguments: nothing is ambiguous
    assert t.report["ambiguous"] == [], t
    # every promise has its evidence, with counts and decoded calls
    for p in t.promises:
        assert t.evidence(p) and all(e["count"] >= 1 and e["examples"] for e in t.evidence(p)), t


@pytest.mark.skipif(not ROOT, reason="the lossless log backend needs root (NETLINK_AUDIT)")
@pytest.mark.parametrize("op", sorted(SMALL))
def test_small_program_log_backend_agrees(op, outside_tmp, audit_lock):
    """Same set as notify, or the difference is exactly argument-dependent
    calls that the log backend lists as ambiguous, naming the missing
    promise among their candidates."""
    if op in PATH_SCOPED and not landlock_available():
        pytest.skip("path-scoped promises need Landlock")
    t = run_small(op, outside_tmp, backend="log")
    assert t.proc.returncode == 0, t
    assert t.report["backend"] == "log" and t.report["complete"] is True, t
    assert t.report["source"] in ("netlink-daemon", "netlink-multicast"), t
    exact = set(SMALL[op][1].split())
    amb = [a for a in t.report["ambiguous"] if a["phase"] != "startup"]
    candidates = {p for a in amb for c in a["candidates"] for p in c.split()}
    every = {p for a in t.report["ambiguous"] for c in a["candidates"] for p in c.split()}
    least = set((t.report["least_promises"] or t.report["promises"]).split())
    # the answer is never a guess: what the program needs is in it (a
    # path-scoped promise's grant within rpath's, which the union holds) ...
    missing = exact - t.promises
    assert missing <= PATH_SCOPED | {"unveil"} and (not missing or "rpath" in t.promises), t
    # ... and what it adds comes from an ambiguous call's candidates, said so
    assert t.promises - exact <= every, t
    if t.promises != exact:
        assert amb and t.report["answer"] == "safe_union", t
    # the least set (harmless arguments) misses nothing without a candidate saying so
    assert exact - least <= candidates, t


# these make no call whose promise depends on its arguments after main
ARG_INDEPENDENT = ["cpath", "dpath", "fattr", "chown", "flock", "inet", "sendfd", "recvfd",
                   "settime", "id", "stdio", "none", "exec", "rpath", "threads"]


@pytest.mark.skipif(not ROOT, reason="the lossless log backend needs root (NETLINK_AUDIT)")
@pytest.mark.parametrize("op", ARG_INDEPENDENT)
def test_small_program_same_set_both_backends(op, outside_tmp, audit_lock):
    notify = run_small(op, outside_tmp)
    log = run_small(op, outside_tmp, backend="log")
    least = log.report["least_promises"] or log.report["promises"]
    assert notify.report["promises"] == least == SMALL[op][1], (notify, log)
    assert notify.report["answer"] == "exact", notify
    # where the log backend's least set is the answer only if nothing was a guess
    if log.report["answer"] == "exact":
        assert log.report["promises"] == SMALL[op][1], log
    else:
        assert log.report["answer"] == "safe_union", log
        assert set(SMALL[op][1].split()) <= log.promises, log


def test_rpath_evidence_names_the_file(outside_tmp):
    t = run_small("rpath", outside_tmp)
    assert t.examples("rpath", "openat") == ['openat(AT_FDCWD, "/etc/hostname", O_RDONLY)'], t
    # the loader's needs are apart: it maps libraries executable
    assert t.report["startup_promises"] == "prot_exec", t
    assert any(e["syscall"] == "mmap" and "PROT_EXEC" in e["examples"][0]
               for e in t.report["startup_evidence"]["prot_exec"]), t


@scopes_probes.needs("landlock")
def test_path_scoped_choice_shows_the_alternative():
    """/etc/resolv.conf read-only: dns or rpath would do; dns is chosen (it
    also covers the socket) and the evidence lists rpath as the alternative."""
    t = trace(subject(), "dns")
    assert t.report["promises"] == "stdio dns", t
    opens = [e for e in t.evidence("dns") if e["syscall"] == "openat"]
    assert opens and opens[0]["examples"] == ['openat(AT_FDCWD, "/etc/resolv.conf", O_RDONLY)'], t
    assert "rpath" in opens[0]["allowed_by"] and "dns" in opens[0]["allowed_by"], t


@scopes_probes.needs("landlock")
def test_nscd_probe_is_a_harmless_fallback():
    """getpwuid asks nscd over AF_UNIX first; under getpw that socket fails
    with EACCES and glibc reads the files: no unix promise is needed."""
    t = trace(subject(), "getpw")
    assert t.report["promises"] == "stdio getpw", t
    socks = [e for e in t.evidence("getpw") if e["syscall"] == "socket"]
    assert socks and "nscd" in socks[0]["fails_harmlessly"], t
    assert "unix" in socks[0]["allowed_by"], t


def test_unpledgeable_calls_are_reported_with_the_reason():
    t = trace(subject(), "unpledgeable")
    assert t.proc.returncode == 0, t
    [u] = t.report["unpledgeable"]
    assert u["syscall"] == "ptrace" and u["count"] == 1 and u["reason"], t
    assert "ptrace" not in json.dumps(t.report["evidence"]), t


def test_enosys_calls_take_the_fallback_path():
    """Every pledge answers clone3 with ENOSYS; so does the tracer, and the
    thread is then created with clone, which is what the pledge checks."""
    t = trace(subject(), "threads")
    assert t.proc.returncode == 0, t
    assert [e["syscall"] for e in t.report["enosys"]] == ["clone3"], t
    assert any(e["syscall"] == "clone" for e in t.evidence("stdio")), t
    assert t.report["stats"]["threads"] >= 2, t


# ------------------------------------------------------- process tree, exit

def test_follows_fork_and_exec():
    t = trace(subject(), "forkexec")
    assert t.proc.returncode == 0, t
    images = t.report["images"]
    assert len(images) == 2 and images[1]["parent"] == 0, t
    assert images[1]["exe"].endswith("/true") and images[1]["interpreter"], t
    assert t.report["stats"]["processes"] == 2, t
    assert t.report["execpromises"] == "stdio", t
    assert t.report["suggested_call"] == 'scopes_pledge("stdio proc exec", "stdio")', t
    # the exec'd image's loader is covered by exec, not by rpath
    assert any(e["image"].endswith("/true") for e in t.evidence("exec")), t


@pytest.mark.parametrize("backend", ["notify", "log"])
def test_exit_status_and_output_pass_through(backend, request):
    if backend == "log":
        if not ROOT:
            pytest.skip("the log backend needs root")
        request.getfixturevalue("audit_lock")
    t = trace(subject(), "exit", "7", backend=backend)
    assert t.proc.returncode == 7 and t.report["exit_status"] == 7, t
    assert t.report["signal"] is None, t
    t = trace(subject(), "kill", str(int(signal.SIGTERM)), backend=backend)
    assert t.proc.returncode == 128 + signal.SIGTERM, t
    assert t.report["signal"] == signal.SIGTERM and t.report["exit_status"] == 143, t
    proc = subprocess.run([tracer(), "-b", backend, "-o", os.devnull, "--", subject(), "cat"],
                          input="through the tracer\n", capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout == "through the tracer\n", proc.stderr
    assert proc.stderr == "", proc.stderr


def test_cannot_run_and_usage_errors():
    proc = subprocess.run([tracer(), "--", "/nonexistent/program"], capture_output=True, text=True)
    assert proc.returncode == 127 and "No such file" in proc.stderr, proc.stderr
    proc = subprocess.run([tracer(), "--", "no-such-command-here"], capture_output=True, text=True)
    assert proc.returncode == 127 and "command not found" in proc.stderr, proc.stderr
    proc = subprocess.run([tracer(), "--backend=strace", "--", "true"], capture_output=True,
                          text=True)
    assert proc.returncode == 125 and "--backend" in proc.stderr, proc.stderr
    proc = subprocess.run([tracer()], capture_output=True, text=True)
    assert proc.returncode == 125 and "no program" in proc.stderr, proc.stderr


def test_version_and_help():
    proc = subprocess.run([tracer(), "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.startswith("scopes-trace (seccomp-scopes) "), proc
    proc = subprocess.run([tracer(), "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.startswith("usage: scopes-trace"), proc
    for word in ("--backend", "--json", "--timeline", "--verify", "--output", "startup_promises"):
        assert word in proc.stdout


def test_human_report_starts_with_the_call_and_has_no_colour_off_a_tty():
    proc = subprocess.run([tracer(), "--", "cat", "/etc/hostname"], capture_output=True, text=True,
                          timeout=60)
    lines = [l for l in proc.stderr.splitlines() if l.strip()]
    assert lines[0].startswith("scopes-trace: cat /etc/hostname"), proc.stderr
    assert lines[2].strip() == 'scopes_pledge("stdio rpath", NULL);', proc.stderr
    assert "\033[" not in proc.stderr
    assert any(l.startswith("rpath") and "openat" in l for l in lines), proc.stderr
    proc = subprocess.run([tracer(), "--color=always", "--", "true"], capture_output=True,
                          text=True, timeout=60)
    assert "\033[1m" in proc.stderr


# ------------------------------------------------------------ the done-when

def test_cat_hostname_names_stdio_rpath_and_verify_confirms_it():
    built("tools/run/scopes-run")  # --verify runs the program again under it
    t = trace("cat", "/etc/hostname", extra=["--verify"])
    r = t.report
    assert r["promises"] == "stdio rpath", t
    assert r["startup_promises"] == "prot_exec", t  # the loader's, shown apart
    assert r["complete"] is True and r["exit_status"] == 0, t
    assert r["suggested_call"] == 'scopes_pledge("stdio rpath", NULL)', t
    assert t.examples("rpath", "openat")[0].startswith('openat(AT_FDCWD, "'), t
    assert any('"/etc/hostname"' in ex for ex in t.examples("rpath", "openat")), t
    assert r["verify"]["ran"] and r["verify"]["same"] and r["verify"]["exit_status"] == 0, t
    assert r["verify"]["command"] == 'scopes-run -p "stdio rpath" -- cat /etc/hostname', t


@pytest.mark.skipif(not ROOT, reason="the lossless log backend needs root (NETLINK_AUDIT)")
def test_cat_hostname_log_backend(audit_lock):
    t = trace("cat", "/etc/hostname", backend="log")
    assert t.report["least_promises"] == "stdio rpath" and t.report["complete"] is True, t
    assert t.report["source"] in ("netlink-daemon", "netlink-multicast"), t
    assert t.proc.stdout == pathlib.Path("/etc/hostname").read_text(), t
    # openat's promise depends on its flags, which audit records lack: the
    # answer is the safe union, unverified, never the least guess
    assert t.report["answer"] == "safe_union", t
    assert {"stdio", "rpath", "wpath", "cpath", "prot_exec"} <= t.promises, t
    assert any(a["syscall"] == "openat" and a["least"] == "rpath" and
               a["safe_union"] == "rpath wpath cpath" and "wpath" in a["candidates"]
               for a in t.report["ambiguous"]), t


# ------------------------------------------------------------ system programs

def sound_superset(t, needed=("stdio", "rpath"), never=("inet", "unix", "exec", "proc")):
    assert t.proc.returncode == 0, t
    assert set(needed) <= t.promises, t
    assert not set(never) & t.promises, t
    assert t.report["complete"] is True, t


def test_cat_file(outside_tmp):
    f = outside_tmp / "input.txt"
    f.write_text("some input\n")
    t = trace("cat", f, extra=["--verify"])
    sound_superset(t)
    assert t.proc.stdout == "some input\n"
    assert t.report["verify"]["same"], t


def test_ls_long(outside_tmp):
    (outside_tmp / "a").write_text("x")
    t = trace("ls", "-l", outside_tmp, extra=["--verify"])
    sound_superset(t)
    assert "a" in t.proc.stdout
    assert t.report["verify"]["same"], t


def test_gzip_stdout(outside_tmp):
    f = outside_tmp / "data.txt"
    f.write_text("compress me\n" * 100)
    t = trace("gzip", "-c", f, extra=["--verify"])
    sound_superset(t)
    assert t.proc.stdout  # compressed bytes passed through (text mode tolerates them)
    assert t.report["verify"]["same"], t


def test_python_print():
    t = trace("/usr/bin/python3", "-c", "print(1)", extra=["--verify"])
    sound_superset(t)
    assert t.proc.stdout == "1\n", t
    assert t.report["verify"]["same"], t


# ---------------------------------------------------- programs that pledge

def test_pledge_points_split_the_report():
    t = trace(str(built("tools/trace/tests/trace-pledger")))
    assert t.proc.returncode == 0, t
    first, second = t.report["pledges"]
    assert first["promises"] == "stdio rpath" and first["split"], t
    assert first["needed_beyond"] == "" and first["suggested"] == "stdio rpath", t
    assert second["promises"] == "stdio" and second["split"], t
    assert second["needed_beyond"] == "rpath", t
    [e] = second["evidence"]["rpath"]
    assert e["syscall"] == "openat" and e["count"] == 1, t
    assert e["examples"] == ['openat(AT_FDCWD, "/etc/hostname", O_RDONLY)'], t
    # located in the program: trace-pledger's main (and the line, libdw and
    # the test programs' debug information permitting: both are built here)
    assert "trace-pledger+" in second["location"] and "(main+" in second["location"], t
    assert "pledger.c:" in second["location"], t
    assert first["location"] != second["location"], t


# ----------------------------------------------------------------- timeline

def test_timeline_locates_the_last_call_needing_each_promise():
    t = trace(subject(), "rpath", extra=["--timeline"])
    steps = t.report["timeline"]
    assert steps[0]["after"] == 'openat(AT_FDCWD, "/etc/hostname", O_RDONLY)', t
    assert steps[0]["promises"] == "stdio", t
    assert "trace-subject+" in steps[0]["called_from"] and "(op_rpath+" in steps[0]["called_from"]
    assert "subject.c:" in steps[0]["called_from"], t
    assert steps[-1]["promises"] == "", t


# ------------------------------------------------------- the log backend

@pytest.mark.skipif(not ROOT, reason="registering as the audit daemon needs root")
@scopes_probes.needs("audit")
def test_log_backend_loses_nothing_in_a_burst_as_root(audit_lock):
    before = auditd_pid()
    t = trace(subject(), "burst", "10000", backend="log", extra=["--log-source=daemon"])
    assert t.proc.returncode == 0, t
    assert t.report["source"] == "netlink-daemon" and t.report["complete"] is True, t
    counts = {e["syscall"]: e["count"] for e in t.evidence("stdio")}
    assert counts.get("getppid") == 10000, t
    # the registration was withdrawn
    assert auditd_pid() == before


@pytest.mark.skipif(not ROOT, reason="needs root to read the kernel log here")
def test_log_backend_from_the_kernel_log_says_it_is_incomplete(audit_lock):
    t = trace(subject(), "burst", "10000", backend="log", extra=["--log-source=kmsg"])
    assert t.proc.returncode == 0, t
    assert t.report["source"] == "kmsg" and t.report["complete"] is False, t
    assert t.report["notes"], t
    counts = {e["syscall"]: e["count"] for e in t.evidence("stdio")}
    assert counts.get("getppid", 0) < 10000, t


def test_log_backend_unprivileged_is_incomplete(scratch):
    os.chmod(build_dir(), 0o755)
    t = trace(subject(), "burst", "1000", backend="log", wrap=NOBODY)
    assert t.proc.returncode == 0, t
    assert t.report["complete"] is False, t
    assert any("audit" in n or "kernel log" in n or "kmsg" in n for n in t.report["notes"]), t


def test_notify_backend_unprivileged_is_complete():
    t = trace("cat", "/etc/hostname", wrap=NOBODY)
    assert t.report["complete"] is True and t.report["promises"] == "stdio rpath", t


@pytest.mark.skipif(not ROOT, reason="registering as the audit daemon needs root")
@scopes_probes.needs("audit")
def test_sigterm_is_passed_on_and_the_audit_daemon_withdrawn(audit_lock):
    before = auditd_pid()
    with tempfile.NamedTemporaryFile(suffix=".txt") as out:
        p = subprocess.Popen([tracer(), "-b", "log", "--log-source=daemon", "-o", out.name, "--",
                              "sleep", "30"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + 10
        while auditd_pid() != p.pid and time.time() < deadline:
            time.sleep(0.05)
        assert auditd_pid() == p.pid
        time.sleep(0.2)
        p.send_signal(signal.SIGTERM)
        assert p.wait(timeout=20) == 128 + signal.SIGTERM
        report = pathlib.Path(out.name).read_text()
    assert "killed by SIGTERM" in report
    assert auditd_pid() == before
