"""The JSON schemas in schemas/ hold for what the tools really write.

Each schema is a valid draft 2020-12 schema, each tool's real output of
several kinds validates against its own schema, and a document with a key
missing or of the wrong type does not (the schemas say something). The
schemas are: scopes-violation (the SIGSYS reporter's JSON lines, as
scopes-run --report and scopes_sigsys_install write them), scopes-bench
(scopes-bench --json) and, where it exists, scopes-trace (scopes-trace
--json).
"""
import copy
import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from conftest import TOP, build_dir, needs_reporter

jsonschema = pytest.importorskip("jsonschema", reason="python3-jsonschema is not installed "
                                 "(scripts/deps.sh installs it)")
Validator = jsonschema.Draft202012Validator

SCHEMAS = TOP / "schemas"


def schema(name):
    return json.loads((SCHEMAS / f"{name}.schema.json").read_text())


def validate(name, doc):
    errors = list(Validator(schema(name)).iter_errors(doc))
    # under anyOf/oneOf the reasons are in each error's context: show those
    leaves = [c for e in errors for c in (e.context or [e])] or errors
    leaves.sort(key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))))
    assert not errors, f"{name}: " + "\n".join(
        f"{list(e.absolute_path)}: {e.message[:300]}" for e in leaves[:10])


def invalid(name, doc):
    return not Validator(schema(name)).is_valid(doc)


@pytest.mark.parametrize("path", sorted(SCHEMAS.glob("*.schema.json")), ids=lambda p: p.name)
def test_schema_is_valid_2020_12(path):
    s = json.loads(path.read_text())
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Validator.check_schema(s)


# -------------------------------------------------------- scopes-violation

def reporter_lines(code, tmp_path, *, returncode=0):
    """Run Python code that installs the reporter with its JSON on the
    descriptor JSON_FD (a file here): the lines it wrote."""
    out = tmp_path / "violations.jsonl"
    env = dict(os.environ, PYTHONPATH=str(TOP / "python"), SCOPES_BUILD_DIR=str(build_dir()))
    env.pop("SCOPES_PENALTY", None)
    with open(out, "w") as f:
        prelude = f"import ctypes, os, scopes\nJSON_FD = {f.fileno()}\n"
        p = subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code)],
                           pass_fds=(f.fileno(),), capture_output=True, text=True, env=env,
                           timeout=60)
    assert p.returncode == returncode, p.stderr
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert lines, p.stderr
    return lines


@needs_reporter
def test_violation_promise_class_from_scopes_run(tmp_path):
    """scopes-run --report: cat under stdio, with the frames of a real program."""
    f = tmp_path / "data"
    f.write_text("x\n")
    out = tmp_path / "v.jsonl"
    env = dict(os.environ)
    env.pop("SCOPES_PENALTY", None)
    with open(out, "w") as w:
        env["SCOPES_SIGSYS_JSON_FD"] = str(w.fileno())
        p = subprocess.run([str(build_dir() / "tools/run/scopes-run"), "-p", "stdio", "--report",
                            "--", "cat", str(f)], pass_fds=(w.fileno(),), env=env,
                           capture_output=True, text=True, timeout=60)
    assert p.returncode == 128 + signal.SIGSYS, p.stderr
    (v,) = [json.loads(line) for line in out.read_text().splitlines()]
    validate("scopes-violation", v)
    assert v["class"] == "promise" and v["syscall"] == "openat" and v["frames"]
    assert v["needs"][0]["promises"] == ["rpath"] and v["needs"][-1]["incidental"]


@needs_reporter
def test_violation_never_class_and_continue(tmp_path):
    """ptrace (never allowed: a reason, no needs), then two more violations
    in continue mode, each its own line."""
    lines = reporter_lines("""
        scopes.install_reporter("continue", json_fd=JSON_FD, report_fd=-1)
        scopes.pledge("stdio")
        libc = ctypes.CDLL(None, use_errno=True)
        libc.ptrace(16, 1, None, None)
        try:
            os.mkdir("/nonexistent/x")
        except PermissionError:
            pass
        try:
            os.open("/tmp/scopes-schema-test", os.O_RDONLY)
        except PermissionError:
            pass
        """, tmp_path)
    assert [v["class"] for v in lines] == ["never", "promise", "promise"]
    for v in lines:
        validate("scopes-violation", v)
    assert lines[0]["needs"] == [] and lines[0]["reason"] == "ptrace cannot be sandboxed"
    assert lines[1]["action"] == "continue" and lines[1]["held"] == ["stdio"]
    # a path-scoped alternative carries its paths
    assert {"promises": ["tmppath"], "paths": ["/tmp"], "incidental": False} in lines[2]["needs"]


@needs_reporter
def test_violation_no_backtrace_no_strings(tmp_path):
    (v,) = reporter_lines("""
        scopes.install_reporter("exit", exit_status=3, json_fd=JSON_FD, report_fd=-1,
                                strings=False, backtrace=False)
        scopes.pledge("stdio")
        os.open("/etc/hostname", os.O_RDONLY)
        """, tmp_path, returncode=3)
    validate("scopes-violation", v)
    assert v["frames"] == [] and v["action"] == "exit"
    assert '"/etc/hostname"' not in v["call"]


def test_violation_schema_rejects_wrong_documents(tmp_path):
    good = {"type": "scopes-violation", "version": 1, "arch": "x86_64", "nr": 257,
            "syscall": "openat", "args": ["0xffffff9c", "0x1", "0x0", "0x0", "0x0", "0x0"],
            "call": "openat(AT_FDCWD, ...)", "class": "promise",
            "needs": [{"promises": ["rpath"], "paths": [], "incidental": False}],
            "reason": None, "held": ["stdio"], "action": "core",
            "message": "scopes: violation: openat(...) needs promise \"rpath\"", "frames": []}
    validate("scopes-violation", good)
    for mutate in (lambda d: d.pop("frames"),
                   lambda d: d["args"].pop(),
                   lambda d: d.__setitem__("nr", "257"),
                   lambda d: d.__setitem__("class", "maybe"),
                   lambda d: d.__setitem__("version", 2),
                   lambda d: d.__setitem__("extra", 1),
                   lambda d: d.__setitem__("class", "never"),  # never, yet needs and no reason
                   lambda d: d["needs"][0].__setitem__("promises", "rpath")):
        d = copy.deepcopy(good)
        mutate(d)
        assert invalid("scopes-violation", d), d


# ------------------------------------------------------------ scopes-bench

def test_bench_quick_json(tmp_path):
    bench = build_dir() / "bench/scopes-bench"
    if not bench.exists():
        pytest.skip(f"{bench} is not built (SCOPES_BUILD_BENCH=OFF)")
    out = tmp_path / "bench.json"
    p = subprocess.run([str(bench), "--quick", f"--json={out}"], capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 0, p.stderr
    doc = json.loads(out.read_text())
    validate("scopes-bench", doc)
    assert "pledge8" in doc["setups"] and "getppid" in doc["percall_ns"]
    broken = copy.deepcopy(doc)
    del broken["percall_ns"]["getppid"]["none"]["value"]["median"]
    assert invalid("scopes-bench", broken)
    broken = copy.deepcopy(doc)
    broken["machine"]["ncpu"] = 0
    assert invalid("scopes-bench", broken)


# ------------------------------------------------------------ scopes-trace

def test_trace_json(tmp_path):
    """scopes-trace's schema is its owner's; once it exists, its output is checked too."""
    if not (SCHEMAS / "scopes-trace.schema.json").exists():
        pytest.skip("schemas/scopes-trace.schema.json does not exist yet (the tracer's "
                    "owner writes it)")
    trace = build_dir() / "tools/trace/scopes-trace"
    f = tmp_path / "data"
    f.write_text("x\n")
    out = tmp_path / "trace.json"
    p = subprocess.run([str(trace), "--json", "-o", str(out), "--", "cat", str(f)],
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    validate("scopes-trace", json.loads(out.read_text()))
