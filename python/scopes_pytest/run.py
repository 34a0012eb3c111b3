"""Run a command or a C function under promises, and find a program's minimal set.

Commands go through scopes-run (tools/run/) with --report; the violation
comes back as a JSON line of the sigsys reporter on a descriptor of ours
(SCOPES_SIGSYS_JSON_FD). C functions run in a forked child of the test
process that installs the reporter, pledges, and calls the function.
The minimal set of a program comes from scopes-trace --json (tools/trace/).

Where things are found (scopes._find): SCOPES_RUN, SCOPES_TRACE and
SCOPES_SIGSYS_LIB name them directly; otherwise the build tree in
SCOPES_BUILD_DIR; otherwise the install this package came with (cmake
--install, the Debian package), then PATH and the loader's path.
"""
import ast
import ctypes
import dataclasses
import json
import os
import pathlib
import shlex
import signal
import subprocess
import tempfile
import threading
from typing import List, Optional, Sequence

from scopes import _find

from . import report as _report


# The runs of the current test, for the failure report (the plugin clears it).
RECENT: list = []


class _NoViolation:
    """RunResult.violation of a run that had none."""
    __slots__ = ()

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return None

    def __bool__(self):
        return False

    def __eq__(self, other):
        return other is None or other is self

    def __hash__(self):
        return hash(None)

    def __repr__(self):
        return "<no violation>"

    def allowed_by(self, promises):
        return False


NO_VIOLATION = _NoViolation()


class BadPromises(ValueError):
    """A promise string scopes_pledge() would refuse: the message says which
    word and the closest promise (scopes_promises_explain)."""


def check_promises(promises: Optional[str], what: str = "promises") -> None:
    """Raise BadPromises for a string the library would refuse with EINVAL,
    so that a typo in a test is an error there, not a run that exits 125."""
    if promises is None:
        return
    import scopes
    try:
        why = scopes.explain(promises)
    except _find.NotFound as e:
        raise ScopesToolMissing(str(e)) from None
    if why is not None:
        raise BadPromises(f"{what} {promises!r}: {why}")


class ScopesToolMissing(_find.NotFound):
    """A tool or library of seccomp-scopes is not built or installed.
    The plugin's fixtures turn it into a skip that says what is missing."""


def _build_dir() -> Optional[pathlib.Path]:
    return _find.build_dir()


def find_tool(name: str, env_var: str, build_rel: str) -> str:
    """env_var if set, else the build tree's build_rel, else the install this
    package belongs to, else PATH; or ScopesToolMissing saying where it looked."""
    try:
        return _find.tool(name, env_var, build_rel)
    except ScopesToolMissing:
        raise
    except _find.NotFound as e:
        raise ScopesToolMissing(str(e)) from None


def find_library(soname: str, env_var: str, build_rel: str) -> str:
    """env_var, the build tree, the install this package belongs to, else the
    SONAME for the loader to find (lib<soname>.so.0)."""
    return _find.library(f"lib{soname}.so.0", env_var, build_rel)


def _signame(n):
    try:
        return signal.Signals(n).name
    except ValueError:
        return f"signal {n}"


@dataclasses.dataclass
class RunResult:
    """How a run under promises ended, and what the reporter said."""
    argv: List[str]
    promises: str
    returncode: int
    stdout: str
    stderr: str
    violations: List[_report.Violation]
    value: object = None          # a C function's return value (scopes_call)
    status_128: bool = False      # the exit status says 128+N for death by signal N

    @property
    def signal(self) -> Optional[int]:
        """The signal that ended the program, else None (scopes-run reports it as 128+N)."""
        if self.returncode < 0:
            return -self.returncode
        if self.status_128 and 128 < self.returncode < 128 + 65:
            return self.returncode - 128
        return None

    @property
    def violation(self):
        """The first violation, or NO_VIOLATION: false, equal to None, every
        field None, so that `assert r.violation.syscall == "openat"` on a
        clean run fails as an assertion (showing the run), not AttributeError."""
        return self.violations[0] if self.violations else NO_VIOLATION

    @property
    def ok(self) -> bool:
        """Ended by itself with status 0 and no violation."""
        return self.returncode == 0 and not self.violations

    def __post_init__(self):
        RECENT.append(self)

    def ended(self) -> str:
        if self.signal:
            return f"killed by {_signame(self.signal)}"
        return f"exit status {self.returncode}"

    def describe(self) -> str:
        head = (f"{shlex.join(map(str, self.argv))} under pledge(\"{self.promises}\"): "
                f"{self.ended()}")
        parts = [head]
        for v in self.violations:
            parts.append("  " + str(v).replace("\n", "\n  "))
        if not self.violations and self.stderr.strip():
            parts.append("  stderr: " + self.stderr.strip()[-1500:].replace("\n", "\n  "))
        return "\n".join(parts)

    def __repr__(self):
        v = self.violation
        if v and v.needs:
            more = len(v.needs) - 1
            what = (f"violation {v.call} needs {v.promise!r}"
                    + (f" (or {more} other set{'s' if more > 1 else ''})" if more else ""))
        else:
            what = v.message if v else "no violation"
        return (f"<RunResult {shlex.join(map(str, self.argv))} under {self.promises!r}: "
                f"{self.ended()}, {what}>")

    def assert_ok(self):
        """Raise AssertionError with the whole report unless the run was ok."""
        if not self.ok:
            raise AssertionError("the program did not run cleanly under its promises:\n"
                                 + self.describe())
        return self


def _collect(read_fd: int, sink: list):
    with os.fdopen(read_fd, "rb") as f:
        sink.append(f.read())


def scopes_run(argv: Sequence[str], promises: str, *, unveil: Sequence[str] = (),
               penalty: Optional[str] = None, report: bool = True, cwd=None, env=None,
               input: Optional[str] = None, timeout: float = 60) -> RunResult:
    """Run argv under `promises` with scopes-run and return how it went.

    unveil: "PATH[:PERMS]" strings (scopes-run -v). penalty: kill|trap|errno|log
    (default: scopes-run's). report: load the sigsys reporter into the program
    (--report) so a violation comes back parsed in result.violation.
    """
    tool = find_tool("scopes-run", "SCOPES_RUN", "tools/run/scopes-run")
    check_promises(promises)
    cmd = [tool, "-p", promises]
    for u in unveil:
        cmd += ["-v", u]
    if report:
        cmd.append("--report")
    if penalty:
        cmd.append(f"--penalty={penalty}")
    cmd += ["--", *map(str, argv)]
    e = dict(os.environ if env is None else env)
    for k in ("SCOPES_PENALTY", "SCOPES_TRACE_FD", "SCOPES_SIGSYS_JSON_FD"):
        e.pop(k, None)
    r, w = os.pipe()
    e["SCOPES_SIGSYS_JSON_FD"] = str(w)
    sink: list = []
    reader = threading.Thread(target=_collect, args=(r, sink), daemon=True)
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if input is not None else
                                subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=e, cwd=cwd,
                                pass_fds=(w,))
    finally:
        os.close(w)
    reader.start()
    try:
        out, err = proc.communicate(input, timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        err += f"\n(scopes_pytest: killed after {timeout} s)"
    reader.join(timeout=10)
    js = sink[0].decode(errors="replace") if sink else ""
    violations = _report.parse_json_lines(js) or _report.parse_text(err)
    return RunResult(list(map(str, argv)), promises, proc.returncode, out, err, violations,
                     status_128=True)


# ------------------------------------------------------------- C functions

_libs = {}


def _cdll(path):
    if path not in _libs:
        _libs[path] = ctypes.CDLL(path)
    return _libs[path]


class _SigsysOptions(ctypes.Structure):
    _fields_ = [("flags", ctypes.c_uint), ("report_fd", ctypes.c_int), ("json_fd", ctypes.c_int)]


def scopes_call(library, function: str, *args, promises: str,
                execpromises: Optional[str] = None, restype=ctypes.c_long, argtypes=None,
                timeout: float = 60) -> RunResult:
    """Call function(*args) from `library` in a forked child pledged to `promises`.

    str arguments are passed as char *, ints as long (or as argtypes says).
    The child installs the sigsys reporter, pledges, calls, and hands the
    return value back; a violation comes back parsed in result.violation.
    The Python caller itself needs "stdio" between the pledge and the call.
    """
    check_promises(promises)
    check_promises(execpromises, "execpromises")
    lib = _cdll(str(library))
    fn = getattr(lib, function)
    fn.restype = restype
    if argtypes is not None:
        fn.argtypes = argtypes
    sigpath = find_library("scopes-sigsys", "SCOPES_SIGSYS_LIB",
                           "sigsys-handler/libscopes-sigsys.so")
    try:
        sig = _cdll(sigpath)
    except OSError as e:
        raise ScopesToolMissing(f"libscopes-sigsys could not be loaded ({sigpath}): {e}; "
                                "install seccomp-scopes, or set SCOPES_SIGSYS_LIB or "
                                "SCOPES_BUILD_DIR") from None
    # scopes_pledge of the very libscopes the reporter registered its rules
    # with: looked up through the reporter's handle (its own dependency),
    # since another copy of libscopes.so.0 may already be in this process
    # (then the loader binds the reporter to that one, by its SONAME).
    pledge = sig.scopes_pledge
    cargs = [a.encode() if isinstance(a, str) else a for a in args]
    files = [tempfile.TemporaryFile() for _ in range(3)]  # stdout, stderr, json
    rv, wv = os.pipe()
    prom = promises.encode()
    eprom = execpromises.encode() if execpromises is not None else None
    pid = os.fork()
    if pid == 0:  # the child: never returns to pytest
        code = 120
        try:
            import resource
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            os.close(rv)
            os.dup2(files[0].fileno(), 1)
            os.dup2(files[1].fileno(), 2)
            opts = _SigsysOptions(0, 2, files[2].fileno())
            code = 121
            if sig.scopes_sigsys_install_options(ctypes.byref(opts)) != 0:
                os.write(2, f"scopes_sigsys_install_options: {os.strerror(ctypes.get_errno())}\n"
                         .encode())
                os._exit(code)
            code = 122
            if pledge(prom, eprom) != 0:
                os._exit(code)
            value = fn(*cargs)
            os.write(wv, repr(value).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(wv)
    out = b""
    with os.fdopen(rv, "rb") as f:
        out = f.read()
    _, status = os.waitpid(pid, 0)
    rc = os.waitstatus_to_exitcode(status)
    texts = []
    for f in files:
        f.seek(0)
        texts.append(f.read().decode(errors="replace"))
        f.close()
    violations = _report.parse_json_lines(texts[2]) or _report.parse_text(texts[1])
    value = None
    if out:
        try:
            value = ast.literal_eval(out.decode())
        except (ValueError, SyntaxError):
            value = out.decode()
    if rc == 121:
        texts[1] += "\n(scopes_pytest: the sigsys reporter could not be installed)"
    elif rc == 122:
        texts[1] += f"\n(scopes_pytest: scopes_pledge({promises!r}) failed)"
    return RunResult([f"{library}:{function}", *map(str, args)], promises, rc, texts[0],
                     texts[1], violations, value)


# ------------------------------------------------------------ minimal sets

@dataclasses.dataclass
class Minimal:
    """What scopes-trace found a program needs."""
    argv: List[str]
    promises: frozenset
    data: dict           # scopes-trace's whole JSON report
    returncode: int

    @property
    def string(self) -> str:
        return " ".join(sorted(self.promises))

    def __repr__(self):
        return f"<Minimal {shlex.join(self.argv)}: {self.string!r}>"


def scopes_minimal(argv: Sequence[str], *, cwd=None, env=None, timeout: float = 120) -> Minimal:
    """The smallest promise set argv needs, found by scopes-trace --json."""
    tool = find_tool("scopes-trace", "SCOPES_TRACE", "tools/trace/scopes-trace")
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        proc = subprocess.run([tool, "--json", "-o", out.name, "--", *map(str, argv)],
                              stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              env=env, cwd=cwd, timeout=timeout)
        text = pathlib.Path(out.name).read_text()
    if not text.strip():
        raise RuntimeError(f"scopes-trace wrote no report (exit {proc.returncode}): "
                           f"{proc.stderr.strip()[-1000:]}")
    data = json.loads(text)
    p = data.get("promises", "")
    promises = frozenset(p.split() if isinstance(p, str) else p)
    return Minimal(list(map(str, argv)), promises, data, proc.returncode)


def scopes_assert_minimal(argv: Sequence[str], promises: str, **kw) -> List[RunResult]:
    """Assert argv runs cleanly under `promises` and that each one is needed:
    without it, the program is stopped by a violation that names it."""
    full = scopes_run(argv, promises, **kw)
    if not full.ok:
        raise AssertionError(f"not enough promises: {promises!r}\n{full.describe()}")
    results = [full]
    have = promises.split()
    for p in have:
        fewer = " ".join(x for x in have if x != p)
        r = scopes_run(argv, fewer, **kw)
        results.append(r)
        if r.ok:
            raise AssertionError(f"{promises!r} is not minimal: {p!r} is not needed, "
                                 f"{shlex.join(map(str, argv))} runs cleanly under {fewer!r}")
        if r.violation and r.violation.needs and not r.violation.allowed_by(p):
            raise AssertionError(f"without {p!r} the program stops at a call {p!r} would not "
                                 f"allow:\n{r.describe()}")
    return results
