"""The Python packages (python/: `scopes` and `scopes_pytest`), installed as a
user installs them, used by a project outside the tree.

Two ways in, each into a fresh venv made with --system-site-packages (the
system's pytest, no network): pip from a copy of python/ (offline,
--no-build-isolation), and `cmake --install` into a temporary prefix whose
package directory the venv reads through a .pth file. Then a small consumer
project's tests run there with plain `python -m pytest` -- the plugin is
loaded by its `pytest11` entry point, not by -p -- and must pass: a command
and a C function under promises, the violation parsed, the binding pledging
a child interpreter. From the cmake install no SCOPES_* variable is set and
the tools are not on PATH: the package finds its own install.
"""
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

import pytest

from conftest import TOP, build_dir, needs_reporter

PY = "/usr/bin/python3"

CONSUMER_TEST = r'''
import ctypes
import ctypes.util
import os
import pathlib
import subprocess
import sys

import scopes
import scopes_pytest


def test_plugin_loaded_without_p(pytestconfig):
    assert pytestconfig.pluginmanager.has_plugin("scopes_pytest")


def test_where_from():
    print("FROM", scopes.__file__, scopes_pytest.__file__)


def test_cat_under_stdio_rpath(scopes_run, tmp_path):
    f = tmp_path / "greeting"
    f.write_text("hello\n")
    r = scopes_run(["cat", str(f)], promises="stdio rpath")
    assert r.ok and r.stdout == "hello\n"


def test_cat_without_rpath_stops_at_openat(scopes_run, tmp_path):
    f = tmp_path / "greeting"
    f.write_text("hello\n")
    r = scopes_run(["cat", str(f)], promises="stdio")
    assert r.signal == 31
    assert r.violation.syscall == "openat" and r.violation.promise == "rpath"


def test_c_function_under_promises(scopes_call):
    libc = ctypes.util.find_library("c")
    r = scopes_call(libc, "getppid", promises="stdio", restype=ctypes.c_int)
    assert r.ok and r.value == os.getpid()
    r = scopes_call(libc, "socket", 2, 1, 0, promises="stdio", restype=ctypes.c_int)
    assert r.signal == 31 and r.violation.syscall == "socket"
    assert r.violation.promise == "inet"


def test_binding_pledges_a_child():
    code = ("import scopes\n"
            "scopes.set_penalty('errno')\n"
            "scopes.pledge('stdio')\n"
            "try:\n"
            "    open('/etc/hostname')\n"
            "except PermissionError as e:\n"
            "    print('denied', e.errno, sorted(scopes.held()))\n")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert (p.returncode, p.stdout) == (0, "denied 1 ['stdio']\n"), p.stderr
'''


def run(argv, **kw):
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    kw.setdefault("timeout", 300)
    return subprocess.run([str(a) for a in argv], **kw)


def check(argv, **kw):
    p = run(argv, **kw)
    assert p.returncode == 0, f"{' '.join(map(str, argv))} -> {p.returncode}\n{p.stdout}\n{p.stderr}"
    return p


def clean_env(**extra):
    """No SCOPES_* variable, no PYTHONPATH, only the system's programs on PATH."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SCOPES_", "PYTEST_", "PYTHON"))}
    env["PATH"] = "/usr/bin:/bin"
    env.update(extra)
    return env


def make_venv(where: pathlib.Path) -> pathlib.Path:
    check([PY, "-m", "venv", "--system-site-packages", where])
    return where / "bin" / "python"


def site_dir(venv_python: pathlib.Path) -> pathlib.Path:
    out = check([venv_python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"])
    return pathlib.Path(out.stdout.strip())


def consumer(where: pathlib.Path) -> pathlib.Path:
    where.mkdir()
    (where / "test_consumer.py").write_text(CONSUMER_TEST)
    return where


def run_consumer(python, project, env, *extra):
    p = run([python, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", *extra, project],
            cwd=project, env=env)
    out = p.stdout + p.stderr
    assert p.returncode == 0, out
    assert re.search(r"^6 passed", p.stdout, re.M), out
    return p.stdout


@pytest.fixture
def work(tmp_path):
    os.chmod(tmp_path, 0o755)
    return tmp_path


def test_versions_agree():
    """pyproject.toml, CMakeLists.txt's project() and the library say the same version."""
    sys.path.insert(0, str(TOP / "python"))
    try:
        import scopes
    finally:
        sys.path.pop(0)
    cm = re.search(r"project\(seccomp-scopes VERSION (\S+)", (TOP / "CMakeLists.txt").read_text())
    pp = re.search(r'^version = "([^"]+)"', (TOP / "python/pyproject.toml").read_text(), re.M)
    os.environ.setdefault("SCOPES_BUILD_DIR", str(build_dir()))
    assert cm.group(1) == pp.group(1) == scopes.version()


@needs_reporter
def test_pip_install_offline_and_consumer(work):
    src = work / "src"
    shutil.copytree(TOP / "python", src, ignore=shutil.ignore_patterns("__pycache__"))
    py = make_venv(work / "venv")
    check([py, "-m", "pip", "install", "--no-build-isolation", "--no-deps", "--no-index",
           "--disable-pip-version-check", "-q", src], env=clean_env())
    shutil.rmtree(src)  # what runs below is the installed copy, nothing else
    site = site_dir(py)
    assert (site / "scopes" / "__init__.py").is_file()
    eps = next(site.glob("seccomp_scopes-*.dist-info")) / "entry_points.txt"
    assert "[pytest11]\nscopes_pytest = scopes_pytest" in eps.read_text()
    # pip knows nothing of where the C parts are: a build tree here (an
    # installed seccomp-scopes would be found on PATH and the loader's path)
    env = clean_env(SCOPES_BUILD_DIR=str(build_dir()))
    out = run_consumer(py, consumer(work / "app"), env)
    assert f"FROM {site}/scopes/__init__.py {site}/scopes_pytest/__init__.py" in out, out
    # -p scopes_pytest as well (a source-tree habit) loads it once, not twice
    run_consumer(py, work / "app", env, "-p", "scopes_pytest")


@needs_reporter
def test_cmake_install_finds_its_own_tools_and_libraries(work):
    prefix = work / "prefix"
    check(["cmake", "--install", build_dir(), "--prefix", prefix])
    pkgs = [p.parent.parent for p in prefix.glob("lib/python3*/*-packages/scopes/__init__.py")]
    assert len(pkgs) == 1, list(prefix.rglob("__init__.py"))
    pkgdir = pkgs[0]
    assert list(pkgdir.glob("seccomp_scopes-*.dist-info/entry_points.txt"))
    py = make_venv(work / "venv")
    # a prefix python3 does not search: one .pth line, no environment variable
    (site_dir(py) / "seccomp-scopes.pth").write_text(f"{pkgdir}\n")
    env = clean_env()
    if shutil.which("scopes-run", path=env["PATH"]):
        pytest.skip("scopes-run is installed on this system: PATH would find it anyway")
    out = run_consumer(py, consumer(work / "app"), env)
    assert f"FROM {pkgdir}/scopes/__init__.py" in out, out


def test_missing_tools_skip_with_the_reason(work):
    """Where seccomp-scopes is not installed, the application's sandbox tests
    are skipped with what is missing, never errors."""
    if shutil.which("scopes-run", path="/usr/bin:/bin"):
        pytest.skip("scopes-run is installed on this system")
    app = work / "app"
    app.mkdir()
    (app / "test_app.py").write_text(
        "def test_needs_tool(scopes_run):\n"
        "    scopes_run(['true'], promises='stdio')\n")
    empty = work / "empty-build"
    empty.mkdir()
    env = clean_env(PYTHONPATH=str(TOP / "python"), SCOPES_BUILD_DIR=str(empty))
    p = run([PY, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "-p", "scopes_pytest",
             app], cwd=app, env=env)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "1 skipped" in p.stdout, p.stdout
    assert "seccomp-scopes: scopes-run not found" in p.stdout, p.stdout
