"""Shared fixtures for the seccomp-scopes test suites.

Built programs are found through SCOPES_BUILD_DIR (default: build/ at the top
of the checkout), so the same tests run against any build (ASan, installed...).
"""
import os
import pathlib
import re
import signal
import subprocess

import pytest

import scopes_probes

TOP = pathlib.Path(__file__).resolve().parent.parent

# Run a command as an unprivileged user (nobody), without supplementary groups.
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def build_dir() -> pathlib.Path:
    d = pathlib.Path(os.environ.get("SCOPES_BUILD_DIR", TOP / "build"))
    if not d.is_absolute():
        d = TOP / d
    return d


def built(relpath: str) -> pathlib.Path:
    """Path of a program in the build tree; skip-free: a missing program is a failure."""
    p = build_dir() / relpath
    if not p.exists():
        raise FileNotFoundError(f"{p} is not built (SCOPES_BUILD_DIR={build_dir()})")
    return p


def reporter_built() -> bool:
    """Whether this build has libscopes-sigsys, the violation reporter (it
    needs libunwind at configure; the rest of the project does not)."""
    return any((build_dir() / "sigsys-handler").glob("libscopes-sigsys.so*"))


# For tests that need the reporter: skipped, saying why, in a build without it.
needs_reporter = pytest.mark.skipif(
    not reporter_built(),
    reason="libscopes-sigsys is not built (libunwind was missing at configure): "
    "the violation reporter and the programs that link it are absent")


# libscopes' hint on a kernel whose Landlock cannot do what a pledge wants
# (ABI < 3: truncation; no Landlock: path-scoped promises grant nothing),
# said on stderr before the program's own output, once per process, and once
# per scopes-run run (the child says it, the program's shim does not repeat it)
DEGRADED_HINT = re.compile(r"scopes: Landlock ABI \d+ cannot restrict:\n(?:scopes:   .*\n)*"
                           r"|scopes: path-scoped promises grant nothing here: .*\n")


def without_hints(stderr):
    """stderr (str or bytes) without the degraded kernel's hint: a second one
    stays in, so an exact comparison also checks that it was said once."""
    if isinstance(stderr, bytes):
        return without_hints(stderr.decode()).encode()
    return DEGRADED_HINT.sub("", stderr, count=1)


class Completed:
    """A finished program run: argv, exit status or signal, its output."""

    def __init__(self, proc: subprocess.CompletedProcess, argv):
        self.argv = argv
        self.returncode = proc.returncode
        self.signal = -proc.returncode if proc.returncode < 0 else None
        self.stdout = proc.stdout
        self.stderr = proc.stderr


class Outcome(Completed):
    """What one probe run came to: ok/err with a value, killed by a signal, or a setup failure."""

    def __init__(self, proc: subprocess.CompletedProcess, argv):
        super().__init__(proc, argv)
        self.kind = None
        self.value = None
        self.errname = None
        last = [l for l in proc.stdout.splitlines() if l.startswith(("ok ", "err ", "pledge-err "))]
        if self.signal is None and last:
            parts = last[-1].split()
            self.kind = parts[0]
            if parts[0] == "ok":
                self.value = int(parts[1])
            else:
                self.errname = parts[1]
                self.value = int(parts[2])

    @property
    def killed_by_sigsys(self):
        return self.signal == signal.SIGSYS

    def describe(self):
        what = (f"killed by {signal.Signals(self.signal).name}" if self.signal
                else f"{self.kind} {self.errname or self.value} (exit {self.returncode})")
        return f"{' '.join(map(str, self.argv))} -> {what}\nstderr: {self.stderr.strip()[-2000:]}"

    def __repr__(self):
        return self.describe()


def run_probe(op, *args, promises="", penalty="kill", execpromises=None, no_pledge=False,
              reporter=False, env=None, timeout=30, cwd=None, preexec_fn=None):
    argv = [str(built("tests/scopes-probe"))]
    if no_pledge:
        argv.append("-n")
    else:
        argv += ["-p", promises, "-P", penalty]
    if execpromises is not None:
        argv += ["-e", execpromises]
    if reporter:
        argv.append("-r")
    argv += [op, *map(str, args)]
    e = dict(os.environ)
    e.pop("SCOPES_PENALTY", None)
    if env:
        e.update(env)
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=e, cwd=cwd,
                          preexec_fn=preexec_fn)
    return Outcome(proc, argv)


@pytest.fixture
def probe():
    return run_probe


@pytest.fixture
def scratch(tmp_path):
    """A scratch directory the probe may write into (world-writable for unprivileged runs)."""
    os.chmod(tmp_path, 0o777)
    return tmp_path


# The scope matrix report, --scopes-matrix=FILE.html|FILE.md (pytest/matrix/report.py).
pytest_plugins = [*globals().get("pytest_plugins", ()), "matrix.report"]


# Optional kernel features (i386 entry, x32, Landlock, audit, ...): decided by
# control runs in pytest/scopes_probes.py, never assumed.
def pytest_report_header(config):
    return scopes_probes.header_line()


def pytest_configure(config):
    scopes_probes.configure(config)


def pytest_runtest_setup(item):
    scopes_probes.runtest_setup(item)
