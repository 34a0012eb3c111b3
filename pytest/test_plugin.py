"""scopes_pytest, the plugin for application developers, tested.

In-process: scopes_call runs real C functions under promises and parses the
real sigsys report (JSON and text agree). Through a subprocess pytest run:
an application test that gives its program too few promises fails, and its
message says which call, which promise was missing, and where.
"""
import ctypes
import os
import shutil
import subprocess
import sys

import pytest

from conftest import TOP, build_dir, needs_reporter

# the plugin as shipped: python/ (installed by cmake --install, pip, python3-scopes)
sys.path.insert(0, str(TOP / "python"))
import scopes_pytest  # noqa: E402
from scopes_pytest import report as sreport  # noqa: E402
from scopes_pytest.run import ScopesToolMissing, find_tool  # noqa: E402

LIB_SRC = r"""
#include <fcntl.h>
#include <unistd.h>
/* opens path read-only: needs rpath */
int open_it(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd >= 0)
		close(fd);
	return fd >= 0;
}
/* pure computation: needs nothing */
long square(long x)
{
	return x * x;
}
/* a socket: needs inet */
int make_socket(void)
{
	extern int socket(int, int, int);
	return socket(2, 1, 0) >= 0;
}
"""


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    cc = shutil.which("cc") or shutil.which("gcc")
    assert cc, "a C compiler is needed to build the test library"
    d = tmp_path_factory.mktemp("plugin")
    (d / "lib.c").write_text(LIB_SRC)
    subprocess.run([cc, "-O1", "-shared", "-fPIC", str(d / "lib.c"), "-o", str(d / "libt.so")],
                   check=True)
    (d / "data").write_text("data\n")
    return d


def call(lib, fn, *args, promises, **kw):
    return scopes_pytest.scopes_call(lib / "libt.so", fn, *args, promises=promises,
                                     restype=kw.pop("restype", ctypes.c_long), **kw)


@needs_reporter
def test_call_allowed_returns_value(lib):
    r = call(lib, "square", 12, promises="stdio")
    assert r.ok, r.describe()
    assert r.value == 144 and not r.violation and r.signal is None
    # a clean run's violation is falsy, == None, and every field is None
    assert r.violation == None and r.violation.syscall is None  # noqa: E711
    assert r.violation is scopes_pytest.NO_VIOLATION and repr(r.violation) == "<no violation>"


@pytest.mark.parametrize("kw, what", [
    ({"promises": "stdio rpth"}, "promises 'stdio rpth'"),
    ({"promises": "stdio", "execpromises": "stdoi"}, "execpromises 'stdoi'"),
])
def test_call_bad_promises_raise(lib, kw, what):
    with pytest.raises(scopes_pytest.BadPromises) as e:
        scopes_pytest.scopes_call(lib / "libt.so", "square", 3, **kw)
    assert str(e.value).startswith(what + ': "')
    assert "did you mean" in str(e.value)


@needs_reporter
def test_call_violation_parsed(lib):
    path = str(lib / "data")
    r = call(lib, "open_it", path, promises="stdio")
    assert not r.ok
    assert r.signal == 31  # SIGSYS, after the report
    v = r.violation
    assert v.syscall == "openat" and v.nr == 257 and v.arch == "x86_64"
    assert v.cls == "promise"
    assert v.promise == "rpath"
    assert v.held == frozenset({"stdio"})
    assert v.args[0] == 0xffffff9c and v.args[2] == os.O_RDONLY  # AT_FDCWD, flags
    assert v.call == f'openat(AT_FDCWD, "{path}", O_RDONLY)'
    assert v.message.startswith(f'scopes: violation: openat(AT_FDCWD, "{path}", O_RDONLY) '
                                'needs promise "rpath"')
    assert "open_it" in [f.symbol for f in v.frames]
    assert v.allowed_by("rpath") and not v.allowed_by("wpath")


@needs_reporter
def test_text_report_agrees_with_json(lib):
    """Without the JSON line (a program that cannot write it), the text report parses the same."""
    r = call(lib, "open_it", str(lib / "data"), promises="stdio")
    (t,) = sreport.parse_text(r.stderr)
    v = r.violation
    assert (t.syscall, t.call, t.cls, t.needs, t.held, t.message) == \
        (v.syscall, v.call, v.cls, v.needs, v.held, v.message)
    assert [f.symbol for f in t.frames] == [f.symbol for f in v.frames]


@needs_reporter
def test_call_inet(lib):
    assert call(lib, "make_socket", promises="stdio inet").value == 1
    r = call(lib, "make_socket", promises="stdio")
    assert r.violation.syscall == "socket" and r.violation.promise == "inet"


def write_app_tests(d, lib):
    (d / "test_app.py").write_text(f'''
import ctypes

LIB = {str(lib / "libt.so")!r}
DATA = {str(lib / "data")!r}


def test_open_under_stdio(scopes_call):
    result = scopes_call(LIB, "open_it", DATA, promises="stdio", restype=ctypes.c_int)
    assert result.ok


def test_open_expects_stat(scopes_call):
    result = scopes_call(LIB, "open_it", DATA, promises="stdio", restype=ctypes.c_int)
    assert result.violation.syscall == "stat"


def test_clean_run_expects_a_violation(scopes_call):
    result = scopes_call(LIB, "open_it", DATA, promises="stdio rpath", restype=ctypes.c_int)
    assert result.violation.syscall == "openat"


@__import__("pytest").mark.scopes_promises("stdio", "stdio rpath")
def test_sets(scopes_call, scopes_promises):
    result = scopes_call(LIB, "open_it", DATA, promises=scopes_promises, restype=ctypes.c_int)
    assert result.ok == ("rpath" in scopes_promises)
''')


def run_pytest(args, cwd):
    env = dict(os.environ, PYTHONPATH=str(TOP / "python"), SCOPES_BUILD_DIR=str(build_dir()))
    env.pop("PYTEST_XDIST_WORKER", None)
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "scopes_pytest", "-p",
                           "no:cacheprovider", "-q", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


@needs_reporter
def test_application_test_fails_readably(lib, tmp_path):
    """The acceptance test: a program given too few promises fails its test with a
    message naming the call, its arguments, the missing promise and the frames."""
    write_app_tests(tmp_path, lib)
    p = run_pytest([str(tmp_path)], tmp_path)
    out = p.stdout
    assert p.returncode == 1, out + p.stderr
    assert "3 failed, 2 passed" in out, out
    # a clean run's violation fields are None: an assertion, not AttributeError
    assert "assert None == 'openat'" in out and "AttributeError" not in out, out
    # assert result.ok: the RunResult's repr names the call and the promise
    assert "where False = <RunResult " in out and ".ok" in out, out
    # every failed test that ran something under promises gets the whole report
    section = "scopes: runs under promises that did not end cleanly"
    assert out.count(section) == 2, out  # not for the clean run
    assert f'open_it {lib / "data"} under pledge("stdio"): killed by SIGSYS' in out, out
    # assert result.violation.syscall == "stat": the whole report follows
    assert "AssertionError: assert 'openat' == 'stat'" in out or "assert 'openat' == 'stat'" in out, out
    assert 'needs promise "rpath"' in out and "open_it" in out, out


@needs_reporter
def test_worked_example_passes():
    """examples/pytest-plugin: the README's example, run as a user would."""
    p = run_pytest([str(TOP / "examples" / "pytest-plugin")], TOP)
    assert p.returncode == 0, p.stdout + p.stderr
    assert " passed" in p.stdout and " failed" not in p.stdout, p.stdout


def tool_or_skip(name, var, rel):
    try:
        return find_tool(name, var, rel)
    except ScopesToolMissing as e:
        pytest.skip(f"{e} (not built yet)")


@needs_reporter
def test_run_command(tmp_path):
    tool_or_skip("scopes-run", "SCOPES_RUN", "tools/run/scopes-run")
    f = tmp_path / "hostname"
    f.write_text("scopes-host\n")
    r = scopes_pytest.scopes_run(["cat", str(f)], "stdio rpath")
    assert r.ok and r.stdout == "scopes-host\n", r.describe()
    r = scopes_pytest.scopes_run(["cat", str(f)], "stdio")
    assert not r.ok and r.signal == 31, r.describe()
    assert r.violation.syscall == "openat" and r.violation.promise == "rpath", r.describe()


@needs_reporter
def test_assert_minimal(tmp_path):
    tool_or_skip("scopes-run", "SCOPES_RUN", "tools/run/scopes-run")
    f = tmp_path / "x"
    f.write_text("x\n")
    scopes_pytest.scopes_assert_minimal(["cat", str(f)], "stdio rpath")
    with pytest.raises(AssertionError, match="is not minimal: 'inet' is not needed"):
        scopes_pytest.scopes_assert_minimal(["cat", str(f)], "stdio rpath inet")


def test_minimal_from_trace(tmp_path):
    tool_or_skip("scopes-trace", "SCOPES_TRACE", "tools/trace/scopes-trace")
    f = tmp_path / "x"
    f.write_text("x\n")
    m = scopes_pytest.scopes_minimal(["cat", str(f)])
    assert m.promises == {"stdio", "rpath"}, m.data


def test_run_bad_promises_raise(tmp_path):
    tool_or_skip("scopes-run", "SCOPES_RUN", "tools/run/scopes-run")
    with pytest.raises(scopes_pytest.BadPromises,
                       match="promises 'stdio rpth': \"rpth\" is not a promise; did you mean "
                             "\"rpath\"?"):
        scopes_pytest.scopes_run(["true"], "stdio rpth")
