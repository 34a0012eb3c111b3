"""The decoder's pledge, tested with scopes_pytest (pytest -p scopes_pytest).

decoder.c reads an image header. What it may do is stated once here: the
command needs "stdio rpath" (read the file, print the answer), the pure
function decode_buffer needs nothing beyond stdio, and anything less stops
the program at the call that needed more, with a report naming the promise.
"""
import ctypes

import pytest

from scopes_pytest import ScopesToolMissing


def test_decode_header_under_stdio_rpath(scopes_call, decoder):
    r = scopes_call(decoder / "libdecoder.so", "decode_header", str(decoder / "in.png"),
                    promises="stdio rpath", restype=ctypes.c_int)
    assert r.ok
    assert r.value == 1


def test_decode_header_needs_rpath(scopes_call, decoder):
    """Under "stdio" alone the open is the violation, and the report says why."""
    r = scopes_call(decoder / "libdecoder.so", "decode_header", str(decoder / "in.png"),
                    promises="stdio", restype=ctypes.c_int)
    assert not r.ok
    assert r.violation.syscall == "openat"
    assert r.violation.promise == "rpath"
    assert str(decoder / "in.png") in r.violation.call
    assert "decode_header" in [f.symbol for f in r.violation.frames]


@pytest.mark.scopes_promises("stdio", "stdio rpath")
def test_decode_buffer_needs_no_file_access(scopes_call, decoder, scopes_promises):
    """decode_buffer is pure computation: stdio is enough, whatever else is held."""
    buf = ctypes.create_string_buffer(b"\x89PNG\r\n\x1a\n", 8)
    r = scopes_call(decoder / "libdecoder.so", "decode_buffer", buf, 8,
                    promises=scopes_promises, restype=ctypes.c_int,
                    argtypes=[ctypes.c_char_p, ctypes.c_long])
    assert r.ok and r.value == 1


@pytest.fixture
def need_tools():
    """The command tests need scopes-run (and scopes-trace) built or installed."""
    from scopes_pytest.run import find_tool
    try:
        find_tool("scopes-run", "SCOPES_RUN", "tools/run/scopes-run")
    except ScopesToolMissing as e:
        pytest.skip(str(e))


def test_command_under_stdio_rpath(scopes_run, decoder, need_tools):
    r = scopes_run([decoder / "decoder", decoder / "in.png"], promises="stdio rpath")
    assert r.ok
    assert r.stdout.endswith("in.png: PNG image\n")


def test_command_without_rpath_is_stopped_at_openat(scopes_run, decoder, need_tools):
    r = scopes_run([decoder / "decoder", decoder / "in.png"], promises="stdio")
    assert r.violation.syscall == "openat"
    assert r.violation.promise == "rpath"


def test_command_promises_are_minimal(scopes_assert_minimal, decoder, need_tools):
    scopes_assert_minimal([decoder / "decoder", decoder / "in.txt"], "stdio rpath")


def test_trace_finds_the_minimal_set(scopes_minimal, decoder, need_tools):
    from scopes_pytest.run import find_tool
    try:
        find_tool("scopes-trace", "SCOPES_TRACE", "tools/trace/scopes-trace")
    except ScopesToolMissing as e:
        pytest.skip(str(e))
    found = scopes_minimal([decoder / "decoder", decoder / "in.png"])
    # Reading one file needs rpath: the file is named on the command line, so
    # it is not a temporary file even under /tmp (pytest's tmp_path), and
    # scopes-trace does not offer tmppath for it.
    assert found.promises == {"stdio", "rpath"}
