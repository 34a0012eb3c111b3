"""scopes-run: unmodified programs of this machine, pledged from outside.

The right promises: the same output as without the sandbox. One promise
fewer: stopped at the right call, by SIGSYS (exit 159), or with
--penalty=errno by EPERM at that call. Plus the exit statuses, -v, static
programs, and what the pre-exec grants must not leave behind.
"""
import gzip
import os
import re
import shutil
import signal
import stat
import subprocess

import pytest

import scopes_probes
from conftest import built, needs_reporter, without_hints
from test_run_common import NOBODY, clean_env, run, scopes_run, target

SIGSYS_EXIT = 128 + signal.SIGSYS


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    top = tmp_path_factory.mktemp("run")
    os.chmod(top, 0o755)
    text = top / "words.txt"
    text.write_text("".join(f"line {i:03d} {'zyx'[i % 3]}\n" for i in range(300, 0, -1)))
    gz = top / "words.txt.gz"
    with open(text, "rb") as src, gzip.GzipFile(gz, "wb", mtime=0) as dst:
        dst.write(src.read())
    for p in (text, gz):
        os.chmod(p, 0o644)
    return top


def plain(argv, **kw):
    return subprocess.run([str(a) for a in argv], capture_output=True, env=clean_env(), timeout=60, **kw)


def sandboxed(promises, argv, *opts, **kw):
    return subprocess.run([str(built("tools/run/scopes-run")), "-p", promises, *opts, "--",
                           *map(str, argv)], capture_output=True, env=clean_env(), timeout=60, **kw)


# (program and arguments, the promises it needs, the one taken away, the
#  call it is stopped at, what --penalty=errno makes it say)
PROGRAMS = [
    (["cat", "{words}"], "stdio rpath", "rpath", "openat", "Operation not permitted"),
    (["ls", "-1", "{top}"], "stdio rpath", "rpath", "statfs", None),
    (["gzip", "-c", "{words}"], "stdio rpath", "rpath", "openat", "Operation not permitted"),
    (["gzip", "-dc", "{gz}"], "stdio rpath", "rpath", "openat", "Operation not permitted"),
    (["sort", "{words}"], "stdio rpath", "rpath", "newfstatat", "Operation not permitted"),
    (["/usr/bin/python3", "-S", "-c", "import sys; print(sum(range(10)), sys.argv)"],
     "stdio rpath", "rpath", None, None),
]


def expand(argv, files):
    return [a.format(words=files / "words.txt", gz=files / "words.txt.gz", top=files) for a in argv]


@pytest.mark.parametrize("argv,promises,drop,call,errno_says", PROGRAMS,
                         ids=[" ".join(p[0][:2]) for p in PROGRAMS])
def test_right_promises_same_output(files, argv, promises, drop, call, errno_says):
    argv = expand(argv, files)
    want = plain(argv)
    assert want.returncode == 0, want
    got = sandboxed(promises, argv)
    assert got.returncode == 0, got.stderr
    assert got.stdout == want.stdout


@pytest.mark.parametrize("argv,promises,drop,call,errno_says", PROGRAMS,
                         ids=[" ".join(p[0][:2]) for p in PROGRAMS])
def test_one_promise_fewer_is_stopped(files, argv, promises, drop, call, errno_says):
    argv = expand(argv, files)
    fewer = " ".join(p for p in promises.split() if p != drop)
    got = sandboxed(fewer, argv)
    assert got.returncode == SIGSYS_EXIT, got
    assert b"was stopped by SIGSYS" in got.stderr, got.stderr
    assert got.stdout == b""


@pytest.mark.parametrize("argv,promises,drop,call,errno_says", PROGRAMS,
                         ids=[" ".join(p[0][:2]) for p in PROGRAMS])
@needs_reporter
def test_one_promise_fewer_report_names_call_and_promise(files, argv, promises, drop, call, errno_says):
    argv = expand(argv, files)
    fewer = " ".join(p for p in promises.split() if p != drop)
    got = sandboxed(fewer, argv, "--report")
    assert got.returncode == SIGSYS_EXIT, got
    first = without_hints(got.stderr.decode()).splitlines()[0]
    assert first.startswith("scopes: violation: "), first
    if call:
        assert first.startswith(f"scopes: violation: {call}("), first
    assert f'needs promise "{drop}"' in first, first


@pytest.mark.parametrize("argv,promises,drop,call,errno_says",
                         [p for p in PROGRAMS if p[4]], ids=[" ".join(p[0][:2]) for p in PROGRAMS if p[4]])
def test_one_promise_fewer_errno_penalty(files, argv, promises, drop, call, errno_says):
    argv = expand(argv, files)
    fewer = " ".join(p for p in promises.split() if p != drop)
    got = sandboxed(fewer, argv, "--penalty=errno")
    assert got.returncode != 0 and got.returncode < 128, got
    assert errno_says.encode() in got.stderr, got.stderr


# ---- the "done when" of the issue, as a user types it

def test_cat_hostname():
    with open("/etc/hostname", "rb") as f:
        want = f.read()
    got = sandboxed("stdio rpath", ["cat", "/etc/hostname"])
    assert (got.returncode, got.stdout) == (0, want), got


@needs_reporter
def test_cat_hostname_without_rpath_stopped_at_openat():
    got = sandboxed("stdio", ["cat", "/etc/hostname"], "--report")
    assert got.returncode == SIGSYS_EXIT, got
    lines = without_hints(got.stderr.decode()).splitlines()
    assert lines[0].startswith('scopes: violation: openat(AT_FDCWD, "/etc/hostname", O_RDONLY'), lines
    assert 'needs promise "rpath"' in lines[0], lines
    assert lines[1] == 'scopes: promises held: "stdio"', lines


def test_degraded_kernel_hint_said_once_per_run():
    """What the kernel's Landlock cannot restrict is said once per run:
    scopes-run's child says it at its pledge, and the program's shim, which
    pledges again, does not repeat it (SCOPES_HINTED). It used to be said
    twice on 6.1. Where Landlock handles every right (ABI 5+), nothing."""
    ll = scopes_probes.probe("landlock")
    if ll.state == scopes_probes.ERROR:
        pytest.fail(f"the Landlock probe is unclear: {ll.reason}")
    # both pledges need a Landlock layer (tmppath): each would hint
    with open("/etc/hostname") as f:
        want = f.read()
    r = scopes_run("-p", "stdio rpath tmppath", "--", "cat", "/etc/hostname", env=clean_env())
    assert (r.returncode, r.stdout) == (0, want), r
    if not ll.present:
        hint = r"scopes: path-scoped promises grant nothing here: [^\n]*\n"
    elif ll.value < 3:
        hint = (rf"scopes: Landlock ABI {ll.value} cannot restrict:\n"
                r"scopes:   truncation \(ABI 3\)\n(?:scopes:   [^\n]*\n)?")
    elif ll.value < 5:  # device ioctls, where stdio does not grant them everywhere
        hint = rf"(?:scopes: Landlock ABI {ll.value} cannot restrict:\n(?:scopes:   [^\n]*\n)+)?"
    else:
        hint = ""
    assert re.fullmatch(hint, r.stderr), r


def test_obsd_style_program(tmp_path):
    """pledge("stdio rpath tmppath", NULL) and unveil(), built with
    -include scopes/pledge.h -lscopes, behaves as OpenBSD's pages describe
    (except that the hidden /etc/passwd says EACCES: Landlock has no ENOENT)."""
    scopes_probes.require("landlock")  # unveil answers ENOSYS without it
    demo = built("tools/run/tests/obsd-demo")
    r = run([demo, files_path(tmp_path)])
    assert r.returncode == 0, r
    assert r.stdout == "lines 3\n/etc/passwd: Permission denied\n", r
    r = run([demo, files_path(tmp_path), "overstep"])
    assert r.signal == signal.SIGSYS, r
    assert r.stdout == "lines 3\n/etc/passwd: Permission denied\n", r


def files_path(tmp_path):
    p = tmp_path / "three.txt"
    p.write_text("a\nb\nc\n")
    return p


# ---- what the pre-exec grants must not leave behind

@pytest.mark.parametrize("static", [False, True], ids=["dynamic", "static"])
@pytest.mark.parametrize("step,promises", [
    (["read", "/etc/hostname"], "stdio"),         # exec's loader reads
    (["mmap-exec"], "stdio rpath"),               # exec's loader maps executable
    (["exec", "{self}", "env", "X"], "stdio rpath"),  # exec itself
    (["socket"], "stdio rpath"),
])
def test_program_holds_exactly_its_promises(static, step, promises):
    prog = target(static)
    step = [s.format(self=prog) for s in step]
    r = scopes_run("-p", promises, "--", prog, "env", "X", *step)
    assert r.returncode == SIGSYS_EXIT, r
    assert r.lines == ["env ok (unset)"], r
    r = scopes_run("-p", promises, "--penalty=errno", "--", prog, *step)
    assert r.returncode == 0, r
    assert r.lines == [f"{step[0]} err EPERM"], r


@pytest.mark.parametrize("static", [False, True], ids=["dynamic", "static"])
def test_given_promises_work(static):
    prog = target(static)
    r = scopes_run("-p", "stdio rpath prot_exec inet", "--", prog, "read", "/etc/hostname",
                   "mmap-exec", "socket")
    assert r.lines == ["read ok", "mmap-exec ok", "socket ok"], r
    r = scopes_run("-p", "stdio rpath exec", "--", prog, "exec", target(), "read", "/etc/hostname")
    assert r.lines == ["read ok"], r


def test_static_startup_readlink_answers_enoent():
    # glibc's static start-up reads /proc/self/exe; without a promise for
    # readlink it fails (ENOENT) instead of being the penalty
    r = scopes_run("-p", "stdio", "--", target(static=True), "readlink", "/proc/self/exe")
    assert r.lines == ["readlink err ENOENT"], r
    r = scopes_run("-p", "stdio rpath", "--", target(static=True), "readlink", "/proc/self/exe")
    assert r.lines == ["readlink ok"], r


@pytest.mark.parametrize("static", [False, True], ids=["dynamic", "static"])
def test_pathscoped_promises_through_scopes_run(static):
    scopes_probes.require("landlock")
    name = f"/var/tmp/scopes-run-{os.getpid()}-{int(static)}"
    r = scopes_run("-p", "stdio tmppath", "--", target(static), "mkstemp", "/tmp/x.XXXXXX",
                   "create", name, "read", "/etc/hostname")
    assert r.lines == ["mkstemp ok", "create err EACCES", "read err EACCES"], r
    assert not os.path.exists(name)


def test_dns_through_scopes_run():
    scopes_probes.require("landlock")  # dns is path-scoped: without it, the penalty
    r = scopes_run("-p", "stdio dns", "--", target(), "resolve", "localhost", "read", "/etc/shadow")
    assert r.lines == ["resolve ok 127.0.0.1", "read err EACCES"], r


# ---- -v

@pytest.mark.parametrize("static", [False, True], ids=["dynamic", "static"])
def test_unveil_option(files, static):
    scopes_probes.require("landlock")
    words = files / "words.txt"
    r = scopes_run("-p", "stdio rpath wpath", "-v", words, "--", target(static), "read", words,
                   "read", files / "words.txt.gz", "write", words)
    assert r.lines == ["read ok", "read err EACCES", "write err EACCES"], r
    r = scopes_run("-p", "stdio rpath wpath", "-v", f"{files}:rw", "--", target(static),
                   "read", words, "read", "/etc/hostname")
    assert r.lines == ["read ok", "read err EACCES"], r


def test_unveil_option_gzip(files):
    scopes_probes.require("landlock")
    got = sandboxed("stdio rpath", ["gzip", "-dc", files / "words.txt.gz"], "-v",
                    f"{files / 'words.txt.gz'}:r")
    assert got.returncode == 0, got.stderr
    assert got.stdout == (files / "words.txt").read_bytes()


def test_unveil_option_errors():
    scopes_probes.require("landlock")  # without it, every -v says ENOSYS first
    r = scopes_run("-p", "stdio", "-v", "/nonexistent/scopes:r", "--", "true")
    assert r.returncode == 125, r
    assert "-v /nonexistent/scopes:r: No such file or directory" in r.stderr, r


# ---- exit statuses

def test_exit_status_is_the_programs():
    assert scopes_run("-p", "stdio", "--", "false").returncode == 1
    assert scopes_run("-p", "stdio", "--", "true").returncode == 0


def test_death_by_signal_is_128_plus_n():
    r = scopes_run("-p", "stdio", "--", target(), "raise", str(int(signal.SIGTERM)))
    assert r.returncode == 128 + signal.SIGTERM, r


def test_bad_promise_is_125():
    r = scopes_run("-p", "stdio bogus", "--", "true")
    assert r.returncode == 125, r
    assert r.stderr == 'scopes-run: -p: "bogus" is not a promise (see scopes-promises(7))\n'


@pytest.mark.parametrize("args", [["--penalty=soft", "-p", "stdio", "--", "true"],
                                  ["--", "true"], ["-p", "stdio"], ["--bogus", "-p", "x", "--", "true"]])
def test_usage_errors_are_125(args):
    r = scopes_run(*args)
    assert r.returncode == 125, r
    assert r.stderr.startswith(("scopes-run: ", "usage:")) or "unrecognized" in r.stderr, r


def test_not_found_is_127():
    r = scopes_run("-p", "stdio", "--", "scopes-no-such-program")
    assert r.returncode == 127, r
    assert r.stderr == "scopes-run: scopes-no-such-program: command not found\n"


def test_not_executable_is_126(tmp_path):
    f = tmp_path / "data"
    f.write_text("not a program\n")
    os.chmod(f, 0o644)
    r = scopes_run("-p", "stdio", "--", f)
    assert r.returncode == 126, r
    f.chmod(0o755)
    r = scopes_run("-p", "stdio", "--", f)
    assert r.returncode == 126, r
    assert "Exec format error" in r.stderr, r


def test_program_found_on_path(tmp_path):
    prog = tmp_path / "scopes-run-target-copy"
    shutil.copy(target(), prog)
    prog.chmod(prog.stat().st_mode | stat.S_IXUSR)
    r = scopes_run("-p", "stdio", "--", prog.name, "env", "X",
                   env={"PATH": f"/nonexistent:{tmp_path}:/usr/bin"})
    assert r.lines == ["env ok (unset)"], r


def test_script(tmp_path):
    s = tmp_path / "script.sh"
    s.write_text("#!/bin/sh\necho hello from a script\n")
    s.chmod(0o755)
    r = scopes_run("-p", "stdio rpath", "--", s)
    assert (r.returncode, r.stdout) == (0, "hello from a script\n"), r


def test_help_and_version():
    r = scopes_run("--help")
    assert r.returncode == 0 and r.stdout.startswith("usage: scopes-run -p PROMISES"), r
    r = scopes_run("--version")
    assert (r.returncode, r.stdout) == (0, "scopes-run (seccomp-scopes) 0.1.0\n"), r


def test_unprivileged():
    with open("/etc/hostname") as f:
        want = f.read()
    r = scopes_run("-p", "stdio rpath", "--", "cat", "/etc/hostname", prefix=NOBODY)
    assert (r.returncode, r.stdout) == (0, want), r
    r = scopes_run("-p", "stdio", "--", "cat", "/etc/hostname", prefix=NOBODY)
    assert r.returncode == SIGSYS_EXIT, r


def test_unprivileged_pathscoped():
    scopes_probes.require("landlock")
    r = scopes_run("-p", "stdio tmppath", "--", target(), "mkstemp", "/tmp/x.XXXXXX", prefix=NOBODY)
    assert r.lines == ["mkstemp ok"], r
