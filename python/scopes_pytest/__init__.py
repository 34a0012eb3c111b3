"""scopes_pytest: test your program's pledge with pytest.

Installed (pip, `cmake --install`, the python3-scopes package), pytest loads
it by itself (its `pytest11` entry point); from a source tree, put python/ on
sys.path and load it with `pytest -p scopes_pytest`. The libraries and tools
are found without configuration when installed (scopes._find); a fixture
whose tool is missing skips the test, saying what is missing. Fixtures:

  scopes_run(argv, promises, *, unveil=(), penalty=None, report=True, ...)
      run a command under promises with scopes-run --report; returns a
      RunResult: .ok, .returncode, .signal, .stdout, .stderr, and
      .violation (the first sigsys report, parsed: .syscall, .call, .args,
      .promise / .promises_needed, .held, .frames, .message; on a run
      without one, NO_VIOLATION: false, == None, every field None).
      A promise string the library would refuse raises BadPromises.
  scopes_call(library, function, *args, promises, restype=..., argtypes=...)
      call a C function of a shared library in a forked child pledged to
      promises; a RunResult with .value.
  scopes_minimal(argv)
      the smallest promise set the program needs, from scopes-trace --json
      (.promises, a frozenset; .data, the whole report).
  scopes_assert_minimal(argv, promises)
      assert the program runs under promises and needs every one of them.

Marker:
  @pytest.mark.scopes_promises("stdio", "stdio rpath", ...)
      parametrise the test over promise sets: the test takes them through the
      `scopes_promises` argument.

A failing `assert result.ok` shows the violation: which call, with which
arguments, which promise would have allowed it, and where in the program.
"""
import functools

import pytest

from .report import Frame, Violation  # noqa: F401  (public names)
from . import run as _run
from .run import (NO_VIOLATION, BadPromises, Minimal, RunResult,  # noqa: F401
                  ScopesToolMissing, scopes_assert_minimal, scopes_call, scopes_minimal,
                  scopes_run)

__all__ = ["Frame", "Violation", "RunResult", "Minimal", "ScopesToolMissing", "BadPromises",
           "NO_VIOLATION", "scopes_run", "scopes_call", "scopes_minimal",
           "scopes_assert_minimal"]


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "scopes_promises(*sets): run the test once per promise set, given to it "
                   "as the `scopes_promises` argument")


def pytest_generate_tests(metafunc):
    marker = metafunc.definition.get_closest_marker("scopes_promises")
    if marker is None or "scopes_promises" not in metafunc.fixturenames:
        return
    sets = list(marker.args)
    metafunc.parametrize("scopes_promises", sets, ids=[s or "(empty)" for s in sets])


def _skip_if_missing(fn):
    """A test that needs a tool that is not there is skipped, not errored:
    the application's own suite stays green where seccomp-scopes is absent."""
    @functools.wraps(fn)
    def wrapper(*args, **kw):
        try:
            return fn(*args, **kw)
        except ScopesToolMissing as e:
            pytest.skip(f"seccomp-scopes: {e}")
    return wrapper


@pytest.fixture(name="scopes_run")
def _scopes_run_fixture():
    """Run a command under promises: scopes_run(argv, promises) -> RunResult."""
    return _skip_if_missing(scopes_run)


@pytest.fixture(name="scopes_call")
def _scopes_call_fixture():
    """Call a C function under promises: scopes_call(lib, fn, *args, promises=...)."""
    return _skip_if_missing(scopes_call)


@pytest.fixture(name="scopes_minimal")
def _scopes_minimal_fixture():
    """The minimal promise set of a command, from scopes-trace."""
    return _skip_if_missing(scopes_minimal)


@pytest.fixture(name="scopes_assert_minimal")
def _scopes_assert_minimal_fixture():
    """Assert a command needs exactly these promises."""
    return _skip_if_missing(scopes_assert_minimal)


def pytest_runtest_setup(item):
    _run.RECENT.clear()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed test that ran programs under promises gets a section with each
    run that did not end cleanly: the call, the promise it needed, the frames."""
    outcome = yield
    rep = outcome.get_result()
    if rep.when == "call" and rep.failed and _run.RECENT:
        bad = [r for r in _run.RECENT if not r.ok]
        if bad:
            rep.sections.append(("scopes: runs under promises that did not end cleanly",
                                 "\n\n".join(r.describe() for r in bad)))


def pytest_assertrepr_compare(config, op, left, right):
    """`assert result.violation.syscall == "openat"` and the like: show the report."""
    for side in (left, right):
        if isinstance(side, RunResult):
            return [f"{left!r} {op} {right!r}", *side.describe().splitlines()]
    return None
