"""scopes-symbolize: a violation report's frames to file and line (libdw), offline."""
import re
import signal
import subprocess

from conftest import TOP, built, needs_reporter

# every test here runs a program that links the reporter
pytestmark = needs_reporter
from test_sigsys import FRAME, violate

SOURCE = TOP / "sigsys-handler" / "tests" / "violate.c"


def line_of(text):
    """1-based line of the first source line containing text."""
    for n, line in enumerate(SOURCE.read_text().splitlines(), 1):
        if text in line:
            return n
    raise AssertionError(f"{text!r} not in {SOURCE}")


def symbolize(text, *args):
    return subprocess.run([str(built("sigsys-handler/scopes-symbolize")), *args], input=text,
                          capture_output=True, text=True, timeout=60)


def test_frames_of_a_debug_build_get_file_and_line():
    r = violate("fp", "fopen")
    assert r.signal == signal.SIGSYS, r
    out = symbolize(r.stderr)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    # report lines other than frames pass through unchanged
    assert lines[:2] == r.lines[:2]
    frame = next(line for line in lines if " in open_for_write+0x" in line)
    m = re.search(r" at (\S+):(\d+)$", frame)
    assert m, frame
    assert m.group(1).endswith("sigsys-handler/tests/violate.c"), frame
    # a return address: the line of the call, not of the next statement
    assert int(m.group(2)) == line_of('FILE *f = fopen(path, "w");'), frame
    main = next(line for line in lines if " in main+0x" in line)
    assert re.search(r" at \S+/violate\.c:\d+$", main), main
    # every frame line still starts with the original frame text
    frames_in = [line for line in r.lines if FRAME.match(line)]
    frames_out = [line for line in lines if line.startswith("#")]
    assert len(frames_in) == len(frames_out)
    assert all(o.startswith(i) for i, o in zip(frames_in, frames_out))


def test_inlined_functions_are_listed():
    """run() is inlined into main at -O1: the frame in main says so."""
    r = violate("fp", "fopen")
    lines = symbolize(r.stderr).stdout.splitlines()
    i = next(k for k, line in enumerate(lines) if " in main+0x" in line)
    call = line_of("return open_for_write(path_arg) ? 0 : 1;")
    assert lines[i].endswith(f"violate.c:{call}"), lines[i]
    assert re.fullmatch(r"    run inlined into main at \S+/violate\.c:(\d+)", lines[i + 1]), lines[i + 1]
    assert int(lines[i + 1].rsplit(":", 1)[1]) == line_of("int rc = run(scenario, arg);")


def test_frames_without_debug_info_pass_unchanged():
    r = violate("nofp", "fopen")
    exe = str(built("sigsys-handler/tests/sigsys-violate-nofp"))
    out = symbolize(r.stderr).stdout.splitlines()
    mine = [line for line in out if f"({exe}+0x" in line]
    assert mine and mine == [line for line in r.lines if f"({exe}+0x" in line]


def test_files_and_errors(tmp_path):
    report = tmp_path / "report.txt"
    report.write_text("not a frame\n#0 0x1 in ?? (??)\n#1 0x2 in f+0x1 (relative/path+0x10)\n")
    out = symbolize("", str(report))
    assert out.returncode == 0
    assert out.stdout == report.read_text()
    out = symbolize("", str(tmp_path / "missing"))
    assert out.returncode == 1 and "missing" in out.stderr
    assert symbolize("", "-x").returncode == 2
