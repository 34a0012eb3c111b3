"""libscopes-sigsys: the violation report, read by a person (text) and a tool (JSON).

Each case runs a fresh process that installs the reporter, pledges and then
oversteps: sigsys-violate-* (sigsys-handler/tests/violate.c, built with and
without frame pointers and debug info, and against the static archives) or
scopes-probe -r. The tests assert the exact first line, the promises held,
frames naming the violating function and main, and how the process ends.
"""
import json
import os
import re
import resource
import signal
import subprocess

import pytest

import scopes_probes
from conftest import Completed, built, needs_reporter, run_probe

# every test here runs a program that links the reporter
pytestmark = needs_reporter

VARIANTS = ["fp", "nofp", "static"]
FRAME = re.compile(r"^#(\d+) 0x([0-9a-f]+) in (\S+) \((\S+)\)$")
DONE_LINE = ('scopes: violation: openat(AT_FDCWD, "/tmp/x", O_WRONLY|O_CREAT|O_TRUNC, 0666) '
             'needs promise "wpath cpath" (or "tmppath" under /tmp)')


def parse_frames(lines):
    """(index, ip, symbol, module+offset) of each frame line, in order."""
    out = []
    for line in lines:
        m = FRAME.match(line)
        if m:
            sym = m.group(3)
            out.append((int(m.group(1)), int(m.group(2), 16),
                        None if sym == "??" else sym.rsplit("+0x", 1)[0], m.group(4)))
    return out


class Run(Completed):
    def __init__(self, proc, argv):
        super().__init__(proc, argv)
        self.lines = proc.stderr.splitlines()

    def frames(self):
        return parse_frames(self.lines)

    def __repr__(self):
        return (f"{' '.join(map(str, self.argv))} -> rc {self.returncode}\n"
                f"stdout: {self.stdout[-1500:]}\nstderr: {self.stderr[-3000:]}")


def violate(variant, *args, env=None, pass_fds=(), timeout=30, preexec_fn=None, cwd=None):
    argv = [str(built(f"sigsys-handler/tests/sigsys-violate-{variant}")), *map(str, args)]
    e = dict(os.environ)
    e.pop("SCOPES_PENALTY", None)
    e.pop("SCOPES_SIGSYS_JSON_FD", None)
    if env:
        e.update(env)
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=e,
                          pass_fds=pass_fds, preexec_fn=preexec_fn, cwd=cwd)
    return Run(proc, argv)


def symbols(run):
    return [f[2] for f in run.frames()]


def assert_calls_in_order(run, names):
    """names appear as frame symbols, innermost first, in this order."""
    syms = symbols(run)
    pos = -1
    for name in names:
        assert name in syms[pos + 1:], f"no frame {name} after position {pos}\n{run!r}"
        pos = syms.index(name, pos + 1)


def module_of(run, name):
    return next(f[3] for f in run.frames() if f[2] == name).rsplit("+0x", 1)[0]


# ---------------------------------------------------------------- "Done when"

@pytest.mark.parametrize("variant", VARIANTS)
def test_fopen_under_stdio_names_openat_flags_promise_and_frames(variant):
    r = violate(variant, "fopen")
    assert r.signal == signal.SIGSYS, r
    assert r.lines[0] == DONE_LINE, r
    assert r.lines[1] == 'scopes: promises held: "stdio"', r
    assert all(FRAME.match(line) for line in r.lines[2:]), r
    assert [f[0] for f in r.frames()] == list(range(len(r.frames()))), r
    assert_calls_in_order(r, ["open_for_write", "main"])
    exe = str(built(f"sigsys-handler/tests/sigsys-violate-{variant}"))
    assert module_of(r, "open_for_write") == exe, r
    assert module_of(r, "main") == exe, r
    # frame 0 is the trapping call in libc, at the address the kernel reported
    assert r.frames()[0][3].startswith("/") and "libc" in r.frames()[0][3], r


@pytest.mark.parametrize("variant", VARIANTS)
def test_under_empty_pledge(variant):
    r = violate(variant, "-p", "", "fopen")
    assert r.signal == signal.SIGSYS, r
    assert r.lines[0] == DONE_LINE, r
    assert r.lines[1] == 'scopes: promises held: ""', r
    assert_calls_in_order(r, ["open_for_write", "main"])


def test_offsets_are_elf_addresses_that_name_the_symbol():
    """module+offset of a frame is the ELF virtual address: the symbol table
    of the file names it (what scopes-symbolize and addr2line rely on)."""
    r = violate("fp", "fopen")
    exe = str(built("sigsys-handler/tests/sigsys-violate-fp"))
    frame = next(f for f in r.frames() if f[2] == "open_for_write")
    off = int(frame[3].rsplit("+0x", 1)[1], 16)
    nm = subprocess.run(["nm", "-S", "--defined-only", exe], capture_output=True, text=True,
                        check=True).stdout
    start, size = next((int(a, 16), int(s, 16)) for a, s, _, n in
                       (line.split() for line in nm.splitlines() if len(line.split()) == 4)
                       if n == "open_for_write")
    assert start < off <= start + size, (hex(start), hex(size), hex(off))


# ---------------------------------------------------- where the violation is

@pytest.mark.parametrize("variant", ["fp", "nofp"])
def test_in_a_thread(variant):
    r = violate(variant, "thread")
    assert r.signal == signal.SIGSYS, r
    assert r.lines[0] == DONE_LINE, r
    assert_calls_in_order(r, ["open_for_write", "thread_body", "start_thread"])
    assert "main" not in symbols(r), r


@pytest.mark.parametrize("variant", ["fp", "nofp"])
def test_in_a_forked_child(variant):
    r = violate(variant, "-p", "stdio proc", "fork")
    assert r.returncode == 0, r
    assert r.stdout.strip() == f"child: signal {int(signal.SIGSYS)}", r
    assert r.lines[0] == DONE_LINE, r
    assert r.lines[1] == 'scopes: promises held: "stdio proc"', r
    assert_calls_in_order(r, ["open_for_write", "violate_in_child", "main"])


@pytest.mark.parametrize("variant", ["fp", "nofp"])
def test_in_a_signal_handler(variant):
    r = violate(variant, "signal")
    assert r.signal == signal.SIGSYS, r
    assert r.lines[0] == DONE_LINE, r
    # through the signal trampoline back to the code the signal interrupted
    assert_calls_in_order(r, ["open_for_write", "on_usr1", "__restore_rt",
                              "violate_in_signal_handler", "main"])


@pytest.mark.parametrize("variant", ["fp", "nofp"])
def test_many_threads_at_once_one_report_one_end(variant):
    r = violate(variant, "stress", "64", timeout=60)
    assert r.signal == signal.SIGSYS, r
    assert sum(line.startswith("scopes: violation:") for line in r.lines) == 1, r
    assert r.lines[0] == DONE_LINE, r
    assert_calls_in_order(r, ["create_directly", "stress_body"])


def test_many_threads_continue_every_report_whole():
    """In CONTINUE mode every violation is reported, one report at a time."""
    r = violate("nofp", "-m", "continue", "stress", "32", timeout=60)
    assert r.returncode == 0, r
    assert r.stdout.count("open: EPERM") == 32, r
    reports = 0
    expect = "violation"
    for line in r.lines:
        if line.startswith("scopes: violation:"):
            assert expect in ("violation", "frame"), r
            reports += 1
            expect = "held"
        elif line.startswith("scopes: promises held:"):
            assert expect == "held", r
            expect, index = "frame0", 0
        else:
            m = FRAME.match(line)
            assert m, f"stray line {line!r}"
            if expect == "frame0":
                assert int(m.group(1)) == 0
            else:
                assert expect == "frame" and int(m.group(1)) == index + 1, line
            index = int(m.group(1))
            expect = "frame"
    # malloc's per-thread arenas may read /proc or /sys under the hood too
    assert reports >= 32, r
    assert sum(line == DONE_LINE for line in r.lines) == 32, r


# ----------------------------------------------------------- what follows

def test_exit_with_chosen_status():
    r = violate("nofp", "-m", "exit:7", "ptrace")
    assert r.returncode == 7, r
    assert r.lines[0] == ("scopes: violation: ptrace(PTRACE_TRACEME, 0, NULL, NULL) is never "
                          "allowed under pledge: ptrace cannot be sandboxed"), r
    assert_calls_in_order(r, ["call_ptrace", "main"])


def test_continue_fails_each_call_with_eperm():
    r = violate("fp", "-m", "continue", "three")
    assert r.returncode == 0, r
    assert r.stdout.splitlines() == ["fopen: EPERM", "ptrace: EPERM", "socket: EPERM"], r
    firsts = [line for line in r.lines if line.startswith("scopes: violation:")]
    assert firsts == [
        DONE_LINE,
        "scopes: violation: ptrace(PTRACE_TRACEME, 0, NULL, NULL) is never allowed under "
        "pledge: ptrace cannot be sandboxed",
        'scopes: violation: socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_TCP) needs '
        'promise "inet" (or "dns")',
    ], r


def test_core_dump_by_default(scratch):
    """CORE (the default): SIGSYS's default action, core dump included."""
    with open("/proc/sys/kernel/core_pattern") as f:
        pattern = f.read().strip()
    if pattern.startswith("|") or "/" in pattern:
        pytest.skip(f"core_pattern {pattern!r} does not dump into the working directory")
    exe = str(built("sigsys-handler/tests/sigsys-violate-nofp"))
    pid = os.fork()
    if pid == 0:
        try:
            os.chdir(scratch)
            resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY,) * 2)
            fd = os.open(os.devnull, os.O_WRONLY)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            os.execv(exe, [exe, "fopen"])
        finally:
            os._exit(127)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGSYS, status
    assert os.WCOREDUMP(status), "no core dump"


# --------------------------------------------------- trouble while reporting

def test_violation_while_reporting_ends_at_once():
    """A filter the program stacks traps libunwind's rt_sigprocmask: the
    handler itself violates after its first lines; the process dies by
    SIGSYS at once (no second report, no loop)."""
    r = violate("nofp", "while-reporting", timeout=20)
    assert r.signal == signal.SIGSYS, r
    assert r.lines[0] == DONE_LINE, r
    assert r.lines[1] == 'scopes: promises held: "stdio"', r
    assert sum(line.startswith("scopes: violation:") for line in r.lines) == 1, r
    assert "main" not in symbols(r), r


def test_sigsys_not_from_seccomp_is_the_default_action():
    r = violate("nofp", "raise-sigsys")
    assert r.signal == signal.SIGSYS, r
    assert r.stderr == "", r


def test_sigsys_not_from_seccomp_before_any_pledge():
    r = violate("nofp", "-n", "raise-sigsys")
    assert r.signal == signal.SIGSYS, r
    assert r.stderr == "", r


# ------------------------------------------------------------------ options

def test_no_strings_shows_the_address():
    r = violate("nofp", "-S", "fopen")
    assert r.signal == signal.SIGSYS, r
    assert re.fullmatch(r'scopes: violation: openat\(AT_FDCWD, 0x[0-9a-f]+, '
                        r'O_WRONLY\|O_CREAT\|O_TRUNC, 0666\) needs promise "wpath cpath" '
                        r'\(or "tmppath" under /tmp\)', r.lines[0]), r


def test_no_backtrace():
    r = violate("nofp", "-B", "fopen")
    assert r.signal == signal.SIGSYS, r
    assert r.lines == [DONE_LINE, 'scopes: promises held: "stdio"'], r


def test_relative_path_keeps_every_alternative_and_other_dirs_drop_tmppath():
    r = violate("nofp", "-m", "continue", "fopen", "/var/x")
    assert r.lines[0] == ('scopes: violation: openat(AT_FDCWD, "/var/x", O_WRONLY|O_CREAT|'
                          'O_TRUNC, 0666) needs promise "wpath cpath"'), r
    r = violate("nofp", "-m", "continue", "fopen", "rel/x")
    assert r.lines[0].endswith('needs promise "wpath cpath" (or "tmppath" under /tmp)'), r


# --------------------------------------------------------------------- JSON

def check_json(doc, text_first_line):
    assert doc["type"] == "scopes-violation" and doc["version"] == 1
    assert doc["arch"] == "x86_64"
    assert doc["syscall"] == "openat" and doc["nr"] == 257
    assert len(doc["args"]) == 6 and all(re.fullmatch(r"0x[0-9a-f]+", a) for a in doc["args"])
    assert int(doc["args"][0], 16) == 0xffffff9c  # AT_FDCWD as the kernel saw it
    assert int(doc["args"][2], 16) == 0o1101
    assert doc["call"] == 'openat(AT_FDCWD, "/tmp/x", O_WRONLY|O_CREAT|O_TRUNC, 0666)'
    assert doc["class"] == "promise"
    assert doc["needs"] == [
        {"promises": ["wpath", "cpath"], "paths": [], "incidental": False},
        {"promises": ["tmppath"], "paths": ["/tmp"], "incidental": False},
    ]
    assert doc["reason"] is None
    assert doc["held"] == ["stdio"]
    assert doc["action"] == "core"
    assert doc["message"] == text_first_line
    syms = [f["symbol"] for f in doc["frames"]]
    assert "open_for_write" in syms and "main" in syms
    assert syms.index("open_for_write") < syms.index("main")
    for i, f in enumerate(doc["frames"]):
        assert f["index"] == i
        assert re.fullmatch(r"0x[0-9a-f]+", f["ip"])
        if f["module"] is not None:
            assert re.fullmatch(r"0x[0-9a-f]+", f["offset"])
        if f["symbol"] is not None:
            assert re.fullmatch(r"0x[0-9a-f]+", f["symbol_offset"])


def test_json_on_its_own_descriptor_matches_the_text():
    r_fd, w_fd = os.pipe()
    try:
        r = violate("fp", "-j", str(w_fd), "fopen", pass_fds=(w_fd,))
    finally:
        os.close(w_fd)
    with os.fdopen(r_fd) as f:
        out = f.read()
    assert r.signal == signal.SIGSYS, r
    assert out.count("\n") == 1 and out.endswith("\n"), out
    doc = json.loads(out)
    check_json(doc, r.lines[0])
    # the same frames as the text
    text = r.frames()
    assert [(f["index"], int(f["ip"], 16), f["symbol"]) for f in doc["frames"]] == \
        [(i, ip, sym) for i, ip, sym, _ in text]


def test_json_only_on_stderr():
    r = violate("fp", "-J", "fopen")
    assert r.signal == signal.SIGSYS, r
    assert len(r.lines) == 1, r
    check_json(json.loads(r.lines[0]), DONE_LINE)


def test_json_from_the_environment_for_tools(scratch):
    """SCOPES_SIGSYS_JSON_FD adds the JSON line to a program that installs
    the reporter with scopes_sigsys_install(0) (here scopes-probe -r)."""
    r_fd, w_fd = os.pipe()
    try:
        argv = [str(built("tests/scopes-probe")), "-r", "-p", "stdio", "create",
                str(scratch / "x")]
        e = dict(os.environ, SCOPES_SIGSYS_JSON_FD=str(w_fd))
        e.pop("SCOPES_PENALTY", None)
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=30, env=e,
                              pass_fds=(w_fd,))
    finally:
        os.close(w_fd)
    with os.fdopen(r_fd) as f:
        doc = json.loads(f.read())
    assert proc.returncode == -signal.SIGSYS, proc
    first = proc.stderr.splitlines()[0]
    assert doc["message"] == first
    assert doc["call"] == f'openat(AT_FDCWD, "{scratch}/x", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0644)'
    assert [n["promises"] for n in doc["needs"]][0] == ["wpath", "cpath"]
    assert "run_create" in [f["symbol"] for f in doc["frames"]]


# ------------------------------------------------ decoding, through the probe

E = re.escape
NO_PROMISE = E(" is never allowed under pledge: no promise allows it with these arguments")
PROBE_CASES = [
    # (op and args, promises, regular expression for the first line after
    # "scopes: violation: ", matched whole)
    (["socket", "2", "0x80001", "6"], "stdio",
     E('socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_TCP) needs promise "inet" (or "dns")')),
    (["socket", "16", "3", "0"], "stdio",
     E('socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE) needs promise "inet" (or "route")')),
    (["socket", "17", "3", "0"], "stdio", E("socket(AF_PACKET, SOCK_RAW, 0)") + NO_PROMISE),
    (["mmap-exec"], "stdio",
     E('mmap(NULL, 4096, PROT_READ|PROT_EXEC, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0x0) needs '
       'promise "prot_exec"')),
    (["mprotect-exec"], "stdio",
     r"mprotect\(0x[0-9a-f]+, 4096, PROT_READ\|PROT_EXEC\) " +
     E('needs promise "prot_exec"')),
    (["clone-newuser"], "stdio proc",
     E("clone(CLONE_NEWUSER|SIGCHLD, NULL, NULL, NULL, NULL)") + NO_PROMISE),
    (["prctl", "4", "0"], "stdio", E("prctl(PR_SET_DUMPABLE, 0x0, 0x0, 0x0, 0x0)") + NO_PROMISE),
    (["prctl", "0x59616d61", "0"], "stdio",
     E("prctl(PR_SET_PTRACER, 0x0, 0x0, 0x0, 0x0)") + NO_PROMISE),
    (["kill-parent"], "stdio", r'kill\(\d+, 0\) needs promise "proc"'),
    (["ioctl", "0x5412"], "stdio",
     r"ioctl\(\d+, TIOCSTI, 0x[0-9a-f]+\) " +
     E("is never allowed under pledge: TIOCSTI injects input into a terminal")),
    (["ioctl", "0x5413"], "stdio", r'ioctl\(\d+, TIOCGWINSZ, 0x[0-9a-f]+\) needs promise "tty"'),
    (["fcntl", "6"], "stdio", r'fcntl\(\d+, F_SETLK, 0x0\) needs promise "flock"'),
    (["open-flags", "/etc/x", "0x20241", "0755"], "stdio",
     E('openat(AT_FDCWD, "/etc/x", O_WRONLY|O_CREAT|O_TRUNC|O_NOFOLLOW, 0755) needs promise '
       '"wpath cpath"')),
    (["mknod-chr", "/tmp/sigsys-dev"], "stdio cpath dpath",
     r'mknodat\(AT_FDCWD, "/tmp/sigsys-dev", S_IFCHR\|0600, 0x[0-9a-f]+\)' + NO_PROMISE),
    (["setuid"], "stdio", r'setuid\(\d+\) needs promise "id"'),
    (["exec", "/bin/true"], "stdio",
     r'execve\("/bin/true", 0x[0-9a-f]+, 0x[0-9a-f]+\) needs promise "exec"'),
    (["setsockopt", "1", "2"], "stdio rpath",
     r'setsockopt\(\d+, SOL_SOCKET, SO_REUSEADDR, 0x[0-9a-f]+, 4\) needs promise "inet" '
     r'\(or "unix"\)'),
]


@pytest.mark.parametrize("op,promises,want", PROBE_CASES,
                         ids=[" ".join(c[0]) for c in PROBE_CASES])
def test_decoded_first_line(op, promises, want):
    out = run_probe(*op, promises=promises, reporter=True)
    assert out.signal == signal.SIGSYS, out
    lines = out.stderr.splitlines()
    assert lines[0].startswith("scopes: violation: "), out
    assert re.fullmatch(want, lines[0][len("scopes: violation: "):]), out
    assert lines[1] == f'scopes: promises held: "{promises}"', out


@scopes_probes.needs("i386")
def test_foreign_abi_is_killed_without_a_report():
    """int 0x80 is killed by the filter itself (never trapped): no report.
    Skipped where the kernel has no i386 entry (int $0x80 faults unfiltered)."""
    out = run_probe("int80", "20", promises="stdio", reporter=True)
    assert out.signal == signal.SIGSYS, out
    assert "scopes: violation" not in out.stderr, out


# ------------------------------------------------ the handler's rules, narrow

def test_empty_pledge_grants_the_report_descriptor_only():
    """Under pledge("") the handler's rule lets write(2) through on the report
    descriptor only: a write to stdout is still a violation, reported."""
    out = run_probe("write-stdout", promises="", reporter=True)
    assert out.signal == signal.SIGSYS, out
    lines = out.stderr.splitlines()
    assert re.fullmatch(r'scopes: violation: write\(1, 0x[0-9a-f]+, 0\) needs promise "stdio"',
                        lines[0]), out
    assert lines[1] == 'scopes: promises held: ""', out
    assert "run_write_stdout" in [f[2] for f in parse_frames(lines)], out


def test_unprivileged(scratch):
    """The same report for an unprivileged process (no capability needed:
    no_new_privs, a filter, a handler)."""
    exe = built("sigsys-handler/tests/sigsys-violate-nofp")
    argv = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", str(exe), "-p", "",
            "fopen", f"{scratch}/x"]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=30, cwd=scratch)
    r = Run(proc, argv)
    assert r.signal == signal.SIGSYS, r
    assert r.lines[0] == (f'scopes: violation: openat(AT_FDCWD, "{scratch}/x", O_WRONLY|O_CREAT|'
                          'O_TRUNC, 0666) needs promise "wpath cpath"'
                          + (' (or "tmppath" under /tmp)' if str(scratch).startswith("/tmp/") else "")), r
    assert r.lines[1] == 'scopes: promises held: ""', r
    assert_calls_in_order(r, ["open_for_write", "main"])
    assert not (scratch / "x").exists()


def test_empty_pledge_backtrace_through_libunwind_validation():
    """pthread_create under pledge(""): the handler's unwind of this stack
    makes libunwind validate an address (mincore, its pipe; seen with
    strace). Those rules let the backtrace reach main instead of the
    handler dying half-way."""
    r = violate("nofp", "-p", "", "stress", "4")
    assert r.signal == signal.SIGSYS, r
    assert re.fullmatch(r'scopes: violation: \S+\(.*\) needs promise "stdio"', r.lines[0]), r
    assert r.lines[1] == 'scopes: promises held: ""', r
    assert_calls_in_order(r, ["pthread_create", "stress_threads", "main", "_start"])
