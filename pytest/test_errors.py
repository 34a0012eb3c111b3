"""Helpful errors: a refused promise string or option says which word and why,
with the closest promise for a typo — from scopes-run and from the C API
(scopes_promises_explain, scopes_promise_closest)."""
import ctypes
import errno
import subprocess

import pytest

from conftest import build_dir


def run(*args):
    return subprocess.run([str(build_dir() / "tools/run/scopes-run"), *args],
                          capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize("promises,message", [
    ("stdio rpth", '"rpth" is not a promise; did you mean "rpath"?'),
    ("stdio stido", '"stido" is not a promise; did you mean "stdio"?'),
    ("stdio inte", '"inte" is not a promise; did you mean "inet"?'),
    ("stdio foobar", '"foobar" is not a promise (see scopes-promises(7))'),
    ("stdio Rpath", '"Rpath" is not a promise: names are lower-case letters and \'_\''),
    ("stdio\x01", "control byte 0x01 at offset 5"),
    ("a" * 6000, "the promise string is 6000 bytes long; the limit is 4095"),
])
def test_scopes_run_names_the_bad_word(promises, message):
    p = run("-p", promises, "--", "true")
    assert p.returncode == 125, p
    assert p.stderr == f"scopes-run: -p: {message}\n", p.stderr
    assert len(p.stderr) < 200  # a long string is not echoed whole


def test_scopes_run_bad_unveil_permission():
    p = run("-p", "stdio rpath", "-v", "/etc/hostname:q", "--", "cat", "/etc/hostname")
    assert p.returncode == 125
    assert '"q" is not a permission' in p.stderr and p.stdout == ""


@pytest.fixture(scope="module")
def lib():
    lib = ctypes.CDLL(str(build_dir() / "libscopes/libscopes.so.0"), use_errno=True)
    lib.scopes_promises_explain.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t]
    lib.scopes_promise_closest.restype = ctypes.c_char_p
    lib.scopes_promise_closest.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
    return lib


def test_explain_accepts_what_pledge_accepts(lib):
    buf = ctypes.create_string_buffer(b"x" * 64)
    assert lib.scopes_promises_explain(b" stdio\trpath\n", buf, 64) == 0
    assert buf.value == b""


def test_explain_refuses_with_einval_and_truncates(lib):
    buf = ctypes.create_string_buffer(16)
    ctypes.set_errno(0)
    assert lib.scopes_promises_explain(b"stdio rpth", buf, 16) == -1
    assert ctypes.get_errno() == errno.EINVAL
    assert buf.value == b'"rpth" is not a'  # 15 bytes and the NUL
    assert lib.scopes_promises_explain(b"stdio rpth", None, 0) == -1


def test_closest(lib):
    assert lib.scopes_promise_closest(b"wpth", 4) == b"wpath"
    assert lib.scopes_promise_closest(b"prot_exce", 9) == b"prot_exec"
    assert lib.scopes_promise_closest(b"zzzz", 4) is None


def test_version_is_the_headers(lib):
    lib.scopes_version.restype = ctypes.c_char_p
    header = (build_dir().parent / "libscopes/include/scopes.h").read_text() \
        if (build_dir().parent / "libscopes/include/scopes.h").exists() else None
    v = lib.scopes_version().decode()
    assert v.count(".") == 2 and all(x.isdigit() for x in v.split("."))
    if header:
        assert f'#define SCOPES_VERSION_STRING "{v}"' in header


def test_every_tool_has_version():
    """--version on every installed tool: NAME (seccomp-scopes) VERSION."""
    for rel, name in [("tools/run/scopes-run", "scopes-run"),
                      ("tools/trace/scopes-trace", "scopes-trace"),
                      ("sigsys-handler/scopes-symbolize", "scopes-symbolize")]:
        p = subprocess.run([str(build_dir() / rel), "--version"], capture_output=True, text=True,
                           timeout=30)
        assert p.returncode == 0, (rel, p)
        words = p.stdout.split()
        assert words[:2] == [name, "(seccomp-scopes)"] and len(words) == 3, p.stdout
