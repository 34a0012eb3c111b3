"""`import scopes`: the Python binding of libscopes (python/scopes/).

Every case that pledges runs in a fresh interpreter (a filter can never be
removed) and asserts the exact outcome: the errno an OSError carries, or the
signal the child died of. The table queries run in this process (they
change nothing) and are checked against the C tools that read the same table.
"""
import errno
import os
import signal
import subprocess
import sys
import textwrap

import pytest

import scopes_probes
from conftest import TOP, build_dir, needs_reporter

sys.path.insert(0, str(TOP / "python"))
import scopes  # noqa: E402


@pytest.fixture(autouse=True, scope="module")
def _library_of_this_build():
    os.environ["SCOPES_BUILD_DIR"] = str(build_dir())


def py(code, *, env=None, cwd=None, timeout=60):
    """Run code in a fresh /usr/bin/python3 that imports this tree's binding."""
    e = {k: v for k, v in os.environ.items() if not k.startswith("SCOPES_PENALTY")}
    e["PYTHONPATH"] = str(TOP / "python")
    e["SCOPES_BUILD_DIR"] = str(build_dir())
    if env:
        e.update(env)
    prelude = "import errno, os, sys, scopes\n"
    return subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code)],
                          capture_output=True, text=True, env=e, cwd=cwd, timeout=timeout,
                          preexec_fn=_no_core)


def _no_core():
    import resource
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def outcome(p):
    what = f"killed by {signal.Signals(-p.returncode).name}" if p.returncode < 0 \
        else f"exit {p.returncode}"
    return f"{what}\nstdout: {p.stdout}\nstderr: {p.stderr[-3000:]}"


# ------------------------------------------------------------------- pledge

def test_pledged_python_goes_on_computing():
    p = py("""
        import json
        scopes.pledge("stdio")
        print(json.dumps({"sum": sum(range(1000))}), sorted(scopes.held()))
        """)
    assert (p.returncode, p.stdout) == (0, '{"sum": 499500} [\'stdio\']\n'), outcome(p)


def test_open_under_stdio_is_killed_by_sigsys():
    p = py("""
        scopes.pledge("stdio")
        print("pledged", flush=True)
        open("/etc/hostname")
        print("not reached")
        """)
    assert p.returncode == -signal.SIGSYS, outcome(p)
    assert p.stdout == "pledged\n"


def test_open_under_stdio_rpath_is_allowed():
    p = py("""
        scopes.pledge("stdio rpath")
        print(len(open("/etc/hostname").read()) > 0)
        """)
    assert (p.returncode, p.stdout) == (0, "True\n"), outcome(p)


@pytest.mark.parametrize("promises, word, hint", [
    ("stdio rpth", "rpth", 'did you mean "rpath"?'),
    ("stdio inet6", "inet6", ""),
])
def test_bad_promise_is_einval_with_the_word(promises, word, hint):
    p = py(f"""
        try:
            scopes.pledge({promises!r})
        except OSError as e:
            print(e.errno, e.strerror)
        print("held", scopes.held())
        """)
    assert p.returncode == 0, outcome(p)
    first, second = p.stdout.splitlines()
    assert first.startswith(f"{errno.EINVAL} pledge: Invalid argument: \"{word}\" is not a "
                            "promise"), p.stdout
    assert first.endswith(hint), p.stdout
    assert second == "held None"  # nothing applied


@pytest.mark.parametrize("call, message", [
    ('scopes.pledge("stdio", "stdio rpth")',
     'pledge: Invalid argument: execpromises: "rpth" is not a promise; did you mean "rpath"?'),
    ('scopes.set_penalty("abort")',
     "penalty: Invalid argument: 'abort' is not one of kill, trap, errno, log"),
    ('scopes.compile("stdoi")',
     'compile: Invalid argument: "stdoi" is not a promise; did you mean "stdio"?'),
], ids=["execpromises", "penalty", "compile"])
def test_bad_argument_is_einval_with_the_reason(call, message):
    p = py(f"""
        try:
            {call}
        except OSError as e:
            print(e.errno, e.strerror)
        """)
    assert p.stdout == f"{errno.EINVAL} {message}\n", outcome(p)


def test_widening_is_eperm():
    p = py("""
        scopes.pledge(["stdio"])
        try:
            scopes.pledge("stdio rpath")
        except PermissionError as e:
            print(e.errno, sorted(scopes.held()))
        """)
    assert (p.returncode, p.stdout) == (0, f"{errno.EPERM} ['stdio']\n"), outcome(p)


def test_errno_penalty_fails_the_call_with_eperm():
    p = py("""
        scopes.set_penalty("errno")
        scopes.pledge("stdio")
        try:
            open("/etc/hostname")
        except OSError as e:
            print("open", e.errno)
        print("goes on")
        """)
    assert (p.returncode, p.stdout) == (0, f"open {errno.EPERM}\ngoes on\n"), outcome(p)


def test_error_promise_answers_enosys():
    p = py("""
        scopes.pledge("stdio error")
        try:
            open("/etc/hostname")
        except OSError as e:
            print("open", e.errno)
        """)
    assert (p.returncode, p.stdout) == (0, f"open {errno.ENOSYS}\n"), outcome(p)


def test_compiled_filter_applies_in_a_forked_child():
    p = py("""
        f = scopes.compile("stdio", "kill")
        print(sorted(f.promises), f.instructions > 0, flush=True)
        pid = os.fork()
        if pid == 0:
            f.apply()
            os.open("/etc/hostname", os.O_RDONLY)
            os._exit(0)
        _, status = os.waitpid(pid, 0)
        print("child", os.WTERMSIG(status) if os.WIFSIGNALED(status) else "exited")
        print("parent", len(open("/etc/hostname").read()) > 0, scopes.held())
        """)
    assert p.returncode == 0, outcome(p)
    assert p.stdout == f"['stdio'] True\nchild {int(signal.SIGSYS)}\nparent True None\n"


# ---------------------------------------------------------------- reporter

@needs_reporter
def test_reporter_names_the_call_and_the_promise():
    p = py("""
        scopes.install_reporter()
        scopes.pledge("stdio")
        open("/etc/hostname")
        """)
    assert p.returncode == -signal.SIGSYS, outcome(p)
    assert ('scopes: violation: openat(AT_FDCWD, "/etc/hostname", O_RDONLY|O_CLOEXEC) needs '
            'promise "rpath"') in p.stderr, outcome(p)
    assert 'scopes: promises held: "stdio"' in p.stderr


@needs_reporter
def test_reporter_continue_reports_and_fails_eperm():
    p = py("""
        scopes.install_reporter("continue", backtrace=False)
        scopes.pledge("stdio")
        try:
            os.mkdir("/tmp/never")
        except OSError as e:
            print("mkdir", e.errno)
        print("goes on")
        """)
    assert p.returncode == 0, outcome(p)
    assert p.stdout.endswith(f"mkdir {errno.EPERM}\ngoes on\n"), outcome(p)
    assert 'scopes: violation: mkdir("/tmp/never", 0777) needs promise "cpath"' in p.stderr, \
        outcome(p)


@needs_reporter
def test_reporter_exit_status():
    p = py("""
        scopes.install_reporter("exit", exit_status=42, backtrace=False)
        scopes.pledge("stdio")
        os.rmdir("/tmp/never")
        """)
    assert p.returncode == 42, outcome(p)
    assert 'scopes: violation: rmdir("/tmp/never") needs promise "cpath"' in p.stderr, outcome(p)


# ------------------------------------------------------------------ unveil

@scopes_probes.needs("landlock")
def test_unveil_limits_the_view(tmp_path):
    (tmp_path / "seen").write_text("seen\n")
    p = py(f"""
        scopes.unveil({str(tmp_path)!r}, "r")
        scopes.unveil()
        print(open({str(tmp_path / "seen")!r}).read().strip())
        try:
            open("/etc/hostname")
        except OSError as e:
            print("hidden", e.errno)
        try:
            scopes.unveil("/etc", "r")
        except OSError as e:
            print("locked", e.errno)
        """)
    assert p.returncode == 0, outcome(p)
    assert p.stdout == f"seen\nhidden {errno.EACCES}\nlocked {errno.EPERM}\n"


@pytest.mark.parametrize("path, perms, err", [
    # the path is resolved only where there is Landlock (else ENOSYS first)
    pytest.param("/nonexistent/scopes", "r", errno.ENOENT, marks=scopes_probes.needs("landlock")),
    ("/etc", "q", errno.EINVAL),
])
def test_unveil_errors(path, perms, err):
    p = py(f"""
        try:
            scopes.unveil({path!r}, {perms!r})
        except OSError as e:
            print(e.errno, e.filename)
        """)
    assert p.stdout == f"{err} {path}\n", outcome(p)


# ------------------------------------------------- the table, in this process

def test_version():
    assert scopes.version() == "0.1.0" == scopes.__version__


def test_promises_are_the_tables():
    """Same names, order and summaries as scopes-run --list prints."""
    listed = subprocess.run([str(build_dir() / "tools/run/scopes-run"), "--list"],
                            capture_output=True, text=True, check=True).stdout
    rows = [line.split(None, 1) for line in listed.splitlines() if line.strip()]
    names = [p.name for p in scopes.promises()]
    assert names[:len(rows)] == [r[0] for r in rows]
    by_name = {p.name: p for p in scopes.promises()}
    assert by_name["stdio"].summary == rows[0][1].strip()
    assert by_name["tmppath"].pathscoped and "/tmp" in by_name["tmppath"].paths
    assert by_name["error"].modifier and by_name["bpf"].compat
    assert "CAP_DAC_OVERRIDE" in by_name["rpath"].capabilities


def test_query_openat():
    v = scopes.query("openat", [0xffffff9c, 0, os.O_RDONLY])
    assert v.cls == "promise" and v.syscall == "openat" and v.promise == "rpath"
    assert any(a.promises == {"tmppath"} and a.pathscoped for a in v.alternatives)
    assert v.alternatives[-1].promises == {"exec"} and v.alternatives[-1].incidental


def test_query_never_and_unknown():
    v = scopes.query("ptrace")
    assert (v.cls, v.reason) == ("never", "ptrace cannot be sandboxed")
    assert scopes.query(100000).cls == "unknown"
    with pytest.raises(OSError) as e:
        scopes.query("no_such_call")
    assert e.value.errno == errno.EINVAL


def test_set_allows_and_fail_rows():
    assert scopes.set_allows("stdio", "read") == (True, 0)
    assert scopes.set_allows("stdio", "openat", [0xffffff9c, 0, 0]) == (False, 0)
    assert scopes.set_allows("stdio error", "openat", [0xffffff9c, 0, 0]) == (False, errno.ENOSYS)
    # glibc's nscd probe under getpw: answered EACCES by a FAIL row
    assert scopes.set_allows("stdio getpw", "socket", [1, 1, 0]) == (False, errno.EACCES)
    row = scopes.fail_row("socket", [1, 1, 0])
    assert row.kind == "fail" and row.errnum == errno.EACCES and "getpw" in row.any


def test_strings():
    assert scopes.explain("stdio rpath") is None
    assert scopes.explain("stdio rpth") == '"rpth" is not a promise; did you mean "rpath"?'
    assert scopes.closest("stdoi") == "stdio" and scopes.closest("zzzzzzzz") is None
    assert scopes.parse("rpath stdio rpath") == {"stdio", "rpath"}
    assert scopes.format_set(["rpath", "stdio"]) == "stdio rpath"
    with pytest.raises(OSError) as e:
        scopes.parse("stdio\x01")
    assert e.value.errno == errno.EINVAL


def test_rows_and_syscalls():
    rows = scopes.rows()
    assert len(rows) > 100 and {r.kind for r in rows} == {"always", "grant", "enosys", "never",
                                                          "fail"}
    assert scopes.syscall_number("openat", "x86_64") == 257
    assert scopes.syscall_name(257, "x86_64") == "openat"
    assert scopes.syscall_number("openat", "aarch64") == 56
    assert scopes.landlock_checks_path("openat") and not scopes.landlock_checks_path("newfstatat")
    assert scopes.promise_covers_path("tmppath", "/tmp/x")
    assert not scopes.promise_covers_path("tmppath", "/etc/passwd")
    assert scopes.path_beneath("/a/b", "/a") and not scopes.path_beneath("/ab", "/a")
    assert scopes.penalty_names() == ["kill", "trap", "errno", "log"]
    assert scopes.held() is None  # this process never pledged
