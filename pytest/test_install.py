"""The installed library, as a C developer outside the project meets it.

`cmake --install` into a temporary prefix (never the configured one), then:
the files a system library ships (headers, versioned shared library, static
library, pkg-config file, CMake package, man pages, the exec shim in its
private directory), the exported ABI (SONAME, symbol versions, nothing
exported beyond libscopes.map), RUNPATHs relative to $ORIGIN only, and an
outside program built four ways -- pkg-config, find_package(scopes) (also
without libseccomp's pkg-config file), plain -I/-L/-lscopes, and OpenBSD
source with -include scopes/pledge.h -- each of which must run and pledge.
The installed tree, moved elsewhere, still finds its shim.
The man pages must lint clean with mandoc and render with man -l without a
warning.
"""
import ctypes
import os
import pathlib
import re
import shutil
import signal
import subprocess
import tempfile

import pytest

from conftest import TOP, build_dir

MAN_PAGES = [
    "man1/scopes-trace.1",
    "man1/scopes-run.1",
    "man1/scopes-symbolize.1",
    "man3/scopes_pledge.3",
    "man3/scopes_unveil.3",
    "man3/scopes_compile.3",
    "man3/scopes_sigsys_install.3",
    "man3/scopes_query.3",
    "man7/scopes-promises.7",
]
# function name -> the page that documents it (installed as a .so page)
MAN_LINKS = {
    "scopes_apply": "scopes_compile",
    "scopes_filter_free": "scopes_compile",
    "scopes_set_penalty": "scopes_compile",
    "scopes_refuse_env_penalty": "scopes_compile",
    # OpenBSD's names, as <scopes/pledge.h> declares them: man 3 pledge works
    "pledge": "scopes_pledge",
    "unveil": "scopes_unveil",
    "scopes_sigsys_install_options": "scopes_sigsys_install",
    # every function of <scopes/table.h>
    "scopes_query_set_pid": "scopes_query",
    "scopes_table_init": "scopes_query",
    "scopes_promise_count": "scopes_query",
    "scopes_promise_name": "scopes_query",
    "scopes_promise_index": "scopes_query",
    "scopes_promise_summary": "scopes_query",
    "scopes_promise_flags": "scopes_query",
    "scopes_promise_paths": "scopes_query",
    "scopes_promise_caps": "scopes_query",
    "scopes_capability_name": "scopes_query",
    "scopes_promises_parse": "scopes_query",
    "scopes_promises_explain": "scopes_query",
    "scopes_promise_closest": "scopes_query",
    "scopes_promises_format": "scopes_query",
    "scopes_promises_held": "scopes_query",
    "scopes_execpromises_held": "scopes_query",
    "scopes_exec_supervisor": "scopes_query",
    "scopes_pathscoped_enforced": "scopes_query",
    "scopes_native_arch": "scopes_query",
    "scopes_syscall_name": "scopes_query",
    "scopes_syscall_number": "scopes_query",
    "scopes_row_count": "scopes_query",
    "scopes_row_get": "scopes_query",
    "scopes_row_granted": "scopes_query",
    "scopes_set_allows": "scopes_query",
    "scopes_fail_row": "scopes_query",
    "scopes_handler_allow": "scopes_query",
    "scopes_path_beneath": "scopes_query",
    "scopes_promise_covers_path": "scopes_query",
    "scopes_landlock_checks_path": "scopes_query",
    "scopes_penalty_name": "scopes_query",
    "scopes_penalty_parse": "scopes_query",
    "scopes_filter_program": "scopes_query",
    "scopes_filter_promises": "scopes_query",
    "scopes_filter_landlock": "scopes_query",
}

# The outside program: pledges "stdio" with the errno penalty, then tries an
# open that stdio does not grant. EPERM proves the filter is in force.
PROG_C = r"""
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <scopes.h>

int main(void)
{
	if (scopes_set_penalty(SCOPES_PENALTY_ERRNO) != 0 ||
	    scopes_pledge("stdio", NULL) != 0) {
		printf("pledge failed: %s\n", strerrorname_np(errno));
		return 1;
	}
	int fd = open("/etc/hostname", O_RDONLY);
	printf("scopes %s: pledged stdio, open -> %s\n", SCOPES_VERSION_STRING,
	       fd < 0 ? strerrorname_np(errno) : "allowed");
	return fd < 0 && errno == EPERM ? 0 : 1;
}
"""
PROG_OUT = "scopes 0.1.0: pledged stdio, open -> EPERM\n"

# OpenBSD source: no scopes header, pledge() as on OpenBSD.
OBSD_C = r"""
#include <err.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	if (pledge("stdio", NULL) == -1)
		err(1, "pledge");
	if (pledge("stdio rpath", NULL) != -1)
		errx(1, "widening a pledge succeeded");
	puts("pledged the OpenBSD way");
	return 0;
}
"""

# Uses the reporter: the violation must explain itself.
SIGSYS_C = r"""
#include <fcntl.h>
#include <stddef.h>
#include <scopes.h>
#include <scopes/sigsys.h>

int main(void)
{
	if (scopes_sigsys_install(SCOPES_SIGSYS_CORE) != 0)
		return 2;
	if (scopes_pledge("stdio", NULL) != 0)
		return 3;
	open("/etc/hostname", O_RDONLY);
	return 0;
}
"""
SIGSYS_LINE = 'scopes: violation: openat(AT_FDCWD, "/etc/hostname", O_RDONLY) needs promise "rpath"'

# Pledges with execpromises and runs cat: the shim, found next to the
# installed libscopes.so, holds cat to argv[1]'s promises.
EXEC_C = r"""
#include <stdio.h>
#include <unistd.h>
#include <scopes.h>

int main(int argc, char **argv)
{
	if (argc != 2 || scopes_pledge("stdio rpath exec", argv[1]) != 0) {
		perror("pledge");
		return 2;
	}
	execl("/bin/cat", "cat", "/etc/hostname", (char *)NULL);
	perror("exec");
	return 3;
}
"""

CMAKE_PROJECT = """
cmake_minimum_required(VERSION 3.20)
project(outside C)
find_package(scopes 0.1 REQUIRED)
add_executable(prog_shared prog.c)
target_link_libraries(prog_shared PRIVATE scopes::scopes)
add_executable(prog_static prog.c)
target_link_libraries(prog_static PRIVATE scopes::scopes_static)
"""


def run(argv, **kw):
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    kw.setdefault("timeout", 300)
    return subprocess.run(argv, **kw)


def check(argv, **kw):
    p = run(argv, **kw)
    assert p.returncode == 0, f"{' '.join(map(str, argv))} -> {p.returncode}\n{p.stdout}\n{p.stderr}"
    return p


@pytest.fixture(scope="module")
def prefix():
    """An install prefix that the unprivileged test user can read too."""
    d = pathlib.Path(tempfile.mkdtemp(prefix="scopes-install-"))
    os.chmod(d, 0o755)
    check(["cmake", "--install", str(build_dir()), "--prefix", str(d / "usr")])
    for root, dirs, _ in os.walk(d):
        for x in dirs:
            os.chmod(os.path.join(root, x), 0o755)
    yield d / "usr"
    shutil.rmtree(d)


@pytest.fixture(scope="module")
def work(prefix):
    w = prefix.parent / "work"
    w.mkdir()
    os.chmod(w, 0o755)
    (w / "prog.c").write_text(PROG_C)
    (w / "obsd.c").write_text(OBSD_C)
    (w / "sigsys.c").write_text(SIGSYS_C)
    (w / "exec.c").write_text(EXEC_C)
    return w


def libdir(prefix):
    return next(p.parent for p in prefix.glob("lib*/**/libscopes.so.0"))


def pkg_env(prefix):
    env = dict(os.environ)
    env["PKG_CONFIG_PATH"] = str(libdir(prefix) / "pkgconfig")
    return env


def assert_runs_pledged(exe, expected=PROG_OUT, **kw):
    p = run([str(exe)], **kw)
    assert (p.returncode, p.stdout) == (0, expected), p.stderr
    return p


# ------------------------------------------------------------ installed files

def test_installed_files(prefix):
    lib = libdir(prefix)
    for f in ["include/scopes.h", "include/scopes/pledge.h", "include/scopes/table.h"]:
        assert (prefix / f).is_file(), f
    assert (lib / "libscopes.so").is_symlink()
    assert os.readlink(lib / "libscopes.so") == "libscopes.so.0"
    assert os.readlink(lib / "libscopes.so.0") == "libscopes.so.0.1.0"
    assert (lib / "libscopes.a").is_file()
    # the exec shim is loaded, never linked: in a private directory
    assert (lib / "scopes/libscopes-exec.so").is_file()
    assert not (lib / "libscopes-exec.so").exists()
    assert (lib / "pkgconfig/scopes.pc").is_file()
    for f in ["scopesConfig.cmake", "scopesConfigVersion.cmake", "scopesTargets.cmake"]:
        assert (lib / "cmake/scopes" / f).is_file(), f


def test_pkgconfig_prefix_is_the_install_prefix(prefix):
    """scopes.pc is written at install time: --prefix, not the configure prefix."""
    pc = (libdir(prefix) / "pkgconfig/scopes.pc").read_text()
    assert f"prefix={prefix}\n" in pc
    env = pkg_env(prefix)
    assert check(["pkg-config", "--modversion", "scopes"], env=env).stdout == "0.1.0\n"
    assert check(["pkg-config", "--cflags", "scopes"], env=env).stdout.split() == [
        f"-I{prefix}/include"]
    assert check(["pkg-config", "--libs", "scopes"], env=env).stdout.split() == [
        f"-L{libdir(prefix)}", "-lscopes"]
    static = check(["pkg-config", "--static", "--libs", "scopes"], env=env).stdout.split()
    assert "-lseccomp" in static and "-lscopes" in static


def test_pkg_config_without_libseccomp_pc(prefix):
    """Building against the shared library needs no libseccomp .pc file;
    --static still names libseccomp."""
    env = dict(os.environ, PKG_CONFIG_LIBDIR=str(libdir(prefix) / "pkgconfig"), PKG_CONFIG_PATH="")
    flags = check(["pkg-config", "--cflags", "--libs", "scopes"], env=env).stdout.split()
    assert flags == [f"-I{prefix}/include", f"-L{libdir(prefix)}", "-lscopes"]
    static = check(["pkg-config", "--static", "--libs", "scopes"], env=env).stdout.split()
    assert "-lseccomp" in static


def test_soname(prefix):
    out = check(["readelf", "-d", str(libdir(prefix) / "libscopes.so.0.1.0")]).stdout
    assert re.search(r"\(SONAME\)\s+Library soname: \[libscopes\.so\.0\]", out), out


def map_symbols():
    """symbol -> the version node of libscopes.map that exports it"""
    text = re.sub(r"/\*.*?\*/", "", (TOP / "libscopes/libscopes.map").read_text(), flags=re.S)
    symbols = {}
    for node, body in re.findall(r"([A-Za-z_][A-Za-z0-9_.]*)\s*\{(.*?)\}", text, re.S):
        exported = body.split("global:")[1].split("local:")[0] if "global:" in body else ""
        for sym in re.findall(r"([A-Za-z_][A-Za-z0-9_]*)\s*;", exported):
            symbols[sym] = node
    return symbols


def test_exports_are_exactly_the_version_script(prefix):
    """Every exported function carries the version libscopes.map gives it;
    nothing else leaks."""
    out = check(["readelf", "--dyn-syms", "-W", str(libdir(prefix) / "libscopes.so.0")]).stdout
    exported = {}
    for line in out.splitlines():
        f = line.split()
        # Num: Value Size Type Bind Vis Ndx Name
        if len(f) >= 8 and f[4] in ("GLOBAL", "WEAK") and f[6] != "UND":
            name, _, version = f[7].partition("@")
            exported[name] = version.lstrip("@")
    expected = map_symbols()
    for node in set(expected.values()):
        exported.pop(node, None)  # the version definitions themselves
    assert exported == expected


def test_static_library_has_the_api(prefix):
    out = check(["nm", "--defined-only", str(libdir(prefix) / "libscopes.a")]).stdout
    for sym in ["scopes_pledge", "scopes_compile", "scopes_apply", "pledge", "unveil"]:
        assert re.search(rf" T {sym}$", out, re.M), sym


# ------------------------------------------------- an outside program, 4 ways

def test_build_with_pkg_config(prefix, work):
    env = pkg_env(prefix)
    flags = check(["pkg-config", "--cflags", "--libs", "scopes"], env=env).stdout.split()
    exe = work / "prog_pc"
    check(["cc", "-o", str(exe), str(work / "prog.c"), *flags,
           f"-Wl,-rpath,{libdir(prefix)}"])
    assert_runs_pledged(exe)


def test_build_static_with_pkg_config(prefix, work):
    """pkg-config --static gives what a fully static link needs (libseccomp)."""
    env = pkg_env(prefix)
    flags = check(["pkg-config", "--static", "--cflags", "--libs", "scopes"], env=env).stdout.split()
    exe = work / "prog_static_pc"
    check(["cc", "-static", "-o", str(exe), str(work / "prog.c"), *flags])
    assert "There is no dynamic section" in check(["readelf", "-d", str(exe)]).stdout
    assert_runs_pledged(exe)


def test_build_with_plain_flags(prefix, work):
    exe = work / "prog_plain"
    check(["cc", "-o", str(exe), str(work / "prog.c"), f"-I{prefix}/include",
           f"-L{libdir(prefix)}", "-lscopes", f"-Wl,-rpath,{libdir(prefix)}"])
    assert_runs_pledged(exe)
    # and as an unprivileged user: pledging needs no privilege
    p = run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", str(exe)])
    assert (p.returncode, p.stdout) == (0, PROG_OUT), p.stderr


def test_build_openbsd_source_unchanged(prefix, work):
    exe = work / "obsd"
    check(["cc", "-include", "scopes/pledge.h", "-o", str(exe), str(work / "obsd.c"),
           f"-I{prefix}/include", f"-L{libdir(prefix)}", "-lscopes",
           f"-Wl,-rpath,{libdir(prefix)}"])
    assert_runs_pledged(exe, expected="pledged the OpenBSD way\n")


def test_build_with_find_package(prefix, work):
    proj = work / "cmake-project"
    proj.mkdir()
    (proj / "CMakeLists.txt").write_text(CMAKE_PROJECT)
    shutil.copy(work / "prog.c", proj / "prog.c")
    check(["cmake", "-S", str(proj), "-B", str(proj / "build"), f"-DCMAKE_PREFIX_PATH={prefix}"])
    check(["cmake", "--build", str(proj / "build")])
    assert_runs_pledged(proj / "build/prog_shared")
    assert_runs_pledged(proj / "build/prog_static")
    # the static one does not need libscopes.so at run time
    assert "libscopes.so" not in check(["ldd", str(proj / "build/prog_static")]).stdout


def test_find_package_version_check(prefix, work):
    """0.x is SameMinorVersion: asking for 0.2 or 1.0 must fail, 0.1.0 passes."""
    proj = work / "cmake-version"
    proj.mkdir()
    for want, ok in [("0.1.0", True), ("0.2", False), ("1.0", False)]:
        (proj / "CMakeLists.txt").write_text(
            f"cmake_minimum_required(VERSION 3.20)\nproject(v C)\nfind_package(scopes {want} REQUIRED)\n")
        shutil.rmtree(proj / "build", ignore_errors=True)
        p = run(["cmake", "-S", str(proj), "-B", str(proj / "build"),
                 f"-DCMAKE_PREFIX_PATH={prefix}"])
        assert (p.returncode == 0) == ok, (want, p.stderr)

def test_find_package_without_libseccomp_pc(prefix, work):
    """A consumer of the shared library configures on a machine without
    libseccomp's pkg-config file (only the archive needs libseccomp, and
    finds it by name then)."""
    proj = work / "cmake-no-seccomp-pc"
    proj.mkdir()
    (proj / "CMakeLists.txt").write_text(CMAKE_PROJECT)
    shutil.copy(work / "prog.c", proj / "prog.c")
    empty = work / "empty-pkgconfig"
    empty.mkdir()
    env = dict(os.environ, PKG_CONFIG_LIBDIR=str(empty), PKG_CONFIG_PATH="")
    check(["cmake", "-S", str(proj), "-B", str(proj / "build"), f"-DCMAKE_PREFIX_PATH={prefix}"],
          env=env)
    check(["cmake", "--build", str(proj / "build")], env=env)
    assert_runs_pledged(proj / "build/prog_shared")
    assert_runs_pledged(proj / "build/prog_static")


# ------------------------------------------------- relocation and RUNPATHs

def configured_prefix():
    cache = (build_dir() / "CMakeCache.txt").read_text()
    return re.search(r"^CMAKE_INSTALL_PREFIX:PATH=(.*)$", cache, re.M).group(1)


def installed_elf_files(root):
    for p in sorted(root.rglob("*")):
        if p.is_file() and not p.is_symlink() and p.read_bytes()[:4] == b"\x7fELF":
            yield p


def search_paths(elf):
    out = check(["readelf", "-d", str(elf)]).stdout
    return re.findall(r"\((?:RUNPATH|RPATH)\)\s+Library r(?:un)?path: \[(.*)\]", out)


def test_install_prefix_is_not_the_configured_one(prefix):
    """The other tests then prove that nothing depends on the configured prefix."""
    assert pathlib.Path(configured_prefix()) != prefix


def test_runpaths_are_relative_to_origin(prefix):
    """No installed program or library keeps a search path into the build
    tree or the configured prefix: only $ORIGIN-relative ones."""
    elves = list(installed_elf_files(prefix))
    assert any(e.name.startswith("libscopes.so") for e in elves)
    build = str(build_dir().resolve())
    for elf in elves:
        for entry in search_paths(elf):
            for d in entry.split(":"):
                assert build not in d and configured_prefix() not in d, (elf, entry)
                assert d.startswith("$ORIGIN"), (elf, entry)


def test_runpaths_point_at_libscopes(prefix):
    """Each $ORIGIN search path of an installed object that needs libscopes.so
    leads to the installed one."""
    lib = libdir(prefix)
    for elf in installed_elf_files(prefix):
        dynamic = check(["readelf", "-d", str(elf)]).stdout
        if not re.search(r"\(NEEDED\).*\[libscopes\.so\.0\]", dynamic):
            continue
        dirs = [d.replace("$ORIGIN", str(elf.parent)) for e in search_paths(elf)
                for d in e.split(":")]
        assert any((pathlib.Path(d) / "libscopes.so.0").resolve() == (lib / "libscopes.so.0").resolve()
                   for d in dirs), (elf, dirs)


def exec_prog(prefix, work):
    exe = work / "exec_prog"
    if not exe.exists():
        check(["cc", "-o", str(exe), str(work / "exec.c"), f"-I{prefix}/include",
               f"-L{libdir(prefix)}", "-lscopes", "-Wl,-rpath,$ORIGIN/" +
               os.path.relpath(libdir(prefix), work)])
    return exe


def test_execpromises_find_the_installed_shim(prefix, work):
    exe = exec_prog(prefix, work)
    hostname = pathlib.Path("/etc/hostname").read_text()
    p = run([str(exe), "stdio rpath"])
    assert (p.returncode, p.stdout) == (0, hostname), p.stderr
    p = run([str(exe), "stdio"])  # the shim holds cat to stdio: its open is fatal
    assert p.returncode == -signal.SIGSYS, p


@pytest.fixture
def moved(prefix, work):
    """The install and the outside programs, moved together to another
    directory while the original is out of the way."""
    root = prefix.parent
    dest = pathlib.Path(tempfile.mkdtemp(prefix="scopes-moved-"))
    os.chmod(dest, 0o755)
    exec_prog(prefix, work)
    shutil.copytree(root, dest / "tree", symlinks=True)
    aside = root.with_name(root.name + ".aside")
    root.rename(aside)
    try:
        yield dest / "tree" / prefix.name, dest / "tree" / work.name
    finally:
        aside.rename(root)
        shutil.rmtree(dest)


def test_moved_install_still_works(moved):
    mprefix, mwork = moved
    hostname = pathlib.Path("/etc/hostname").read_text()
    p = run([str(mwork / "exec_prog"), "stdio rpath"])
    assert (p.returncode, p.stdout) == (0, hostname), p.stderr
    p = run([str(mwork / "exec_prog"), "stdio"])
    assert p.returncode == -signal.SIGSYS, p
    if tool_built("scopes-run"):
        p = run([str(mprefix / "bin/scopes-run"), "-p", "stdio rpath", "--", "cat", "/etc/hostname"])
        assert (p.returncode, p.stdout) == (0, hostname), p.stderr
        p = run([str(mprefix / "bin/scopes-run"), "-p", "stdio", "--", "cat", "/etc/hostname"])
        assert p.returncode == 128 + signal.SIGSYS, p.stderr


# ------------------------------------------------- libscopes-sigsys, if built

def sigsys_built():
    return any((build_dir() / "sigsys-handler").glob("libscopes-sigsys.so*"))


needs_sigsys = pytest.mark.skipif(not sigsys_built(), reason="libscopes-sigsys is not built")


def assert_reports(exe):
    p = run([str(exe)])
    assert p.returncode == -signal.SIGSYS, p
    assert p.stderr.splitlines()[0].startswith(SIGSYS_LINE), p.stderr


@needs_sigsys
def test_sigsys_installed(prefix):
    lib = libdir(prefix)
    assert (prefix / "include/scopes/sigsys.h").is_file()
    assert os.readlink(lib / "libscopes-sigsys.so") == "libscopes-sigsys.so.0"
    out = check(["readelf", "-d", str(lib / "libscopes-sigsys.so.0")]).stdout
    assert "Library soname: [libscopes-sigsys.so.0]" in out
    pc = (lib / "pkgconfig/scopes-sigsys.pc").read_text()
    assert f"prefix={prefix}\n" in pc


@needs_sigsys
def test_sigsys_with_pkg_config(prefix, work):
    env = pkg_env(prefix)
    flags = check(["pkg-config", "--cflags", "--libs", "scopes-sigsys"], env=env).stdout.split()
    exe = work / "sigsys_pc"
    check(["cc", "-o", str(exe), str(work / "sigsys.c"), *flags, f"-Wl,-rpath,{libdir(prefix)}"])
    assert_reports(exe)


@needs_sigsys
def test_sigsys_with_find_package(prefix, work):
    proj = work / "cmake-sigsys"
    proj.mkdir()
    (proj / "CMakeLists.txt").write_text(
        "cmake_minimum_required(VERSION 3.20)\nproject(s C)\n"
        "find_package(scopes 0.1 REQUIRED COMPONENTS sigsys)\n"
        "add_executable(s sigsys.c)\ntarget_link_libraries(s PRIVATE scopes::sigsys)\n")
    shutil.copy(work / "sigsys.c", proj / "sigsys.c")
    check(["cmake", "-S", str(proj), "-B", str(proj / "build"), f"-DCMAKE_PREFIX_PATH={prefix}"])
    check(["cmake", "--build", str(proj / "build")])
    assert_reports(proj / "build/s")


# ----------------------------------------------------- the tools, if built

def tool_built(name):
    return (build_dir() / f"tools/{name.split('-')[1]}/{name}").exists()


@pytest.mark.parametrize("tool", ["scopes-trace", "scopes-run"])
def test_tool_installed_with_version_and_help(prefix, tool):
    if not tool_built(tool):
        pytest.skip(f"{tool} is not built")
    exe = prefix / "bin" / tool
    p = run([str(exe), "--version"])
    # "NAME (PACKAGE) VERSION", one line, as GNU tools print it
    assert p.returncode == 0, p.stderr
    assert p.stdout == f"{tool} (seccomp-scopes) 0.1.0\n", p.stdout
    p = run([str(exe), "--help"])
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith(f"usage: {tool} "), p.stdout[:200]


def test_installed_scopes_run_finds_its_parts(prefix):
    """Relocated to the install prefix, scopes-run still finds what it loads
    into the program (the exec shim, the reporter)."""
    if not tool_built("scopes-run"):
        pytest.skip("scopes-run is not built")
    exe = prefix / "bin/scopes-run"
    p = run([str(exe), "-p", "stdio rpath", "--", "cat", "/etc/hostname"])
    assert (p.returncode, p.stdout) == (0, pathlib.Path("/etc/hostname").read_text()), p.stderr
    p = run([str(exe), "-p", "stdio", "--", "cat", "/etc/hostname"])
    assert p.returncode == 128 + signal.SIGSYS, p.stderr


# --------------------------------------------------------------- man pages

def mandoc_lint(path):
    """mandoc -T lint messages, without those about the system's mandoc.db
    (whether other pages are installed here is not the page's fault) and
    mandoc's style note on `.Os seccomp-scopes`: it is for the BSDs' own
    pages; a third-party page names itself there, or groff's footer says
    "BSD" (every other message still fails the test)."""
    p = run(["mandoc", "-T", "lint", str(path)])
    msgs = (p.stdout + p.stderr).splitlines()
    return [m for m in msgs
            if "referenced manual not found" not in m and "mandoc.db" not in m
            and "operating system explicitly specified: Os seccomp-scopes" not in m]


@pytest.mark.parametrize("page", MAN_PAGES)
def test_man_page_footer_names_the_project(prefix, page):
    """groff renders an empty .Os as "BSD"; the footer names seccomp-scopes."""
    path = prefix / "share/man" / page
    env = dict(os.environ, MANWIDTH="80", MAN_KEEP_FORMATTING="0")
    p = run(["man", "-l", str(path)], env=env)
    last = [line for line in p.stdout.splitlines() if line.strip()][-1]
    assert last.split()[0] == "seccomp-scopes", last


@pytest.mark.parametrize("page", MAN_PAGES)
def test_man_page_lints_clean(prefix, page):
    path = prefix / "share/man" / page
    assert path.is_file(), f"{page} is not installed"
    assert mandoc_lint(path) == []


@pytest.mark.parametrize("page", MAN_PAGES)
def test_man_page_renders_without_warnings(prefix, page):
    path = prefix / "share/man" / page
    assert path.is_file(), f"{page} is not installed"
    env = dict(os.environ, MANWIDTH="80", MAN_KEEP_FORMATTING="0")
    p = run(["man", "--warnings", "-l", str(path)], env=env)
    assert p.returncode == 0 and p.stderr == "", p.stderr
    assert len(p.stdout.splitlines()) > 20


@pytest.mark.parametrize("name,target", sorted(MAN_LINKS.items()))
def test_man_link_pages(prefix, name, target):
    """`man scopes_apply` shows scopes_compile(3)."""
    env = dict(os.environ, MANPATH=str(prefix / "share/man"), MANWIDTH="80")
    p = run(["man", "3", name], env=env)
    assert p.returncode == 0 and p.stderr == "", p.stderr
    assert p.stdout.lstrip().startswith(target.upper() + "(3)")


def test_man_cross_references_resolve(prefix):
    """Every .Xr to one of our pages names a page that is installed."""
    ours = {pathlib.Path(p).stem for p in MAN_PAGES} | set(MAN_LINKS)
    for page in MAN_PAGES:
        text = (prefix / "share/man" / page).read_text()
        for name, sec in re.findall(r"^\.Xr (\S+) (\d)", text, re.M):
            if name.startswith("scopes"):
                assert name in ours, f"{page} refers to {name}({sec}), not installed"
                assert list((prefix / "share/man").glob(f"man{sec}/{name}.{sec}")), (page, name)


def test_promises_page_is_the_table(prefix):
    """scopes-promises(7) is generated from the table: every promise has an
    entry, and sample grants read as the table says (docs/promises.md)."""
    text = (prefix / "share/man/man7/scopes-promises.7").read_text()
    names = re.findall(r"^\.It Cm (\S+)$", text, re.M)
    for expected in ["stdio", "rpath", "wpath", "cpath", "dpath", "tmppath", "inet", "unix",
                     "dns", "getpw", "tty", "proc", "exec", "prot_exec", "error", "wroute"]:
        assert expected in names
    assert len(names) == len(set(names))
    rendered = run(["mandoc", "-T", "utf8", str(prefix / "share/man/man7/scopes-promises.7")],
                   env=dict(os.environ, MANWIDTH="200")).stdout
    rendered = re.sub(r".\x08", "", rendered)
    flat = " ".join(rendered.split())
    assert "mmap: prot without PROT_EXEC" in flat
    assert "ioctl: request is FIONREAD, FIONBIO, FIOCLEX, FIONCLEX or TCGETS" in flat
    # the constants are named as a violation report names them (decode/)
    assert ("prctl: option is PR_SET_NAME, PR_GET_NAME, PR_GET_SECCOMP, PR_SET_SECCOMP, "
            "PR_CAPBSET_READ or PR_GET_SECUREBITS") in flat
    assert "level == IPPROTO_TCP and optname is TCP_NODELAY," in flat
    assert "ptrace: ptrace cannot be sandboxed" in flat


class Cond(ctypes.Structure):
    _fields_ = [("arg", ctypes.c_uint), ("mask", ctypes.c_uint64), ("value", ctypes.c_uint64)]


class Row(ctypes.Structure):
    """struct scopes_row of <scopes/table.h>."""
    _fields_ = [("kind", ctypes.c_int), ("syscall", ctypes.c_char_p),
                ("any", ctypes.c_uint64), ("all", ctypes.c_uint64), ("unless", ctypes.c_uint64),
                ("errnum", ctypes.c_int), ("flags", ctypes.c_uint), ("ncond", ctypes.c_uint),
                ("cond", Cond * 3), ("note", ctypes.c_char_p)]


ROW_ALWAYS, ROW_GRANT, ROW_ENOSYS, ROW_NEVER, ROW_FAIL = range(5)


def table_rows(lib):
    lib.scopes_row_count.restype = ctypes.c_size_t
    lib.scopes_row_get.restype = ctypes.POINTER(Row)
    lib.scopes_row_get.argtypes = [ctypes.c_size_t]
    return [lib.scopes_row_get(i).contents for i in range(lib.scopes_row_count())]


def test_promises_page_covers_every_row(prefix):
    """Read the table from the installed library (ctypes) and find each row
    in the installed page: every syscall a promise grants is listed in that
    promise's entry, every never-granted or ENOSYS call in its section."""
    lib = ctypes.CDLL(str(libdir(prefix) / "libscopes.so.0"))
    lib.scopes_promise_name.restype = ctypes.c_char_p
    lib.scopes_promise_name.argtypes = [ctypes.c_int]
    names = [lib.scopes_promise_name(i).decode() for i in range(lib.scopes_promise_count())]
    src = (prefix / "share/man/man7/scopes-promises.7").read_text().replace("\\%", "")
    entries = dict(re.findall(r"^\.It Cm (\S+)\n(.*?)(?=^\.It Cm |^\.El\n\.Sh )", src,
                              re.M | re.S))
    assert list(entries) == names
    never = src.split(".Sh NEVER GRANTED")[1].split(".Sh ")[0]
    enosys = src.split(".Ss Answered with ENOSYS")[1].split(".S")[0]
    rows = table_rows(lib)
    assert len(rows) > 300
    for r in rows:
        sysname = r.syscall.decode()
        word = re.compile(rf"(?<![\w]){re.escape(sysname)}(?![\w])")
        if r.kind == ROW_GRANT:
            grantees = r.any or r.all
            for i, p in enumerate(names):
                if grantees >> i & 1:
                    assert word.search(entries[p]), f"{sysname} missing under {p}"
        elif r.kind == ROW_NEVER:
            assert word.search(never), sysname
        elif r.kind == ROW_ENOSYS:
            assert word.search(enosys), sysname
