"""scopes-trace on real programs from Debian, both backends (issue 17).

Each program runs three times, each in a fresh scratch directory with the
same input: untraced (the control), traced, and under scopes-run with the
promises the trace suggested, enforced. The suggestion is right when the
enforced run ends the same way (and, where the output is deterministic,
prints the same). The log backend sees no arguments: its answer may be wider
than the notify backend's, but it must never fail when enforced without
being flagged; the notify backend's answer is exact.

The programs come from Debian's packages (scripts/deps.sh installs them).
"""
import functools
import http.server
import json
import os
import pathlib
import shutil
import signal
import subprocess
import tempfile
import threading

import pytest

import scopes_probes
from conftest import NOBODY, build_dir, built
from test_trace import ROOT, audit_lock, tracer, verify_lock  # noqa: F401 (fixture)


def scopes_run():
    return str(built("tools/run/scopes-run"))


# ------------------------------------------------------------ inputs

def data(d):
    (d / "data.txt").write_text("".join(f"line {i} alpha beta\n" for i in range(2000)))


def tree(d):
    data(d)
    (d / "dir").mkdir()
    for i in range(5):
        (d / "dir" / f"f{i}.txt").write_text(f"file {i}\n" * 50)


def tarball(d):
    tree(d)
    subprocess.run(["tar", "cf", "in.tar", "dir"], cwd=d, check=True)
    shutil.rmtree(d / "dir")


def json_in(d):
    (d / "data.json").write_text('{"a": [1, 2, 3], "b": "text"}\n')


def xml_in(d):
    (d / "data.xml").write_text("<?xml version='1.0'?><r><a x='1'>t</a></r>\n")


def makefile(d):
    data(d)
    (d / "Makefile").write_text("all: out.txt\nout.txt: data.txt\n\thead -n 3 data.txt > out.txt\n")


def repo(d):
    data(d)
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@t", HOME=str(d))
    for cmd in (["git", "init", "-q"], ["git", "add", "data.txt"],
                ["git", "commit", "-q", "-m", "one"]):
        subprocess.run(cmd, cwd=d, env=env, check=True)
    (d / "data.txt").write_text("changed\n")


def shuffled(d):
    (d / "big.txt").write_text("".join(f"{(i * 7919) % 20011}\n" for i in range(20000)))


def nothing(d):
    pass


# name: (argv, prepare, deterministic stdout, extra environment)
PROGRAMS = {
    "gzip-stdout": (["gzip", "-n", "-c", "data.txt"], data, True, None),
    "gzip-in-place": (["gzip", "-n", "data.txt"], data, True, None),
    "bzip2": (["bzip2", "-c", "data.txt"], data, True, None),
    "xz": (["xz", "-c", "data.txt"], data, True, None),
    "zstd": (["zstd", "-q", "-c", "data.txt"], data, True, None),
    "tar-create": (["tar", "cf", "out.tar", "dir"], tree, True, None),
    "tar-extract": (["tar", "xf", "in.tar"], tarball, True, None),
    "sed-in-place": (["sed", "-i", "s/alpha/gamma/", "data.txt"], data, True, None),
    "sort": (["sort", "data.txt"], data, True, None),
    "sort-mkstemp": (["sort", "-S", "16k", "big.txt"], shuffled, True, {"TMPDIR": "/tmp"}),
    "cp": (["cp", "data.txt", "copy.txt"], data, True, None),
    "mkdir": (["mkdir", "newdir"], nothing, True, None),
    "ls-long": (["ls", "-l", "dir"], tree, False, None),
    "md5sum": (["md5sum", "data.txt"], data, True, None),
    "git-status": (["git", "status", "--short"], repo, True, {"HOME": "."}),
    "sqlite3": (["sqlite3", "db.sqlite",
                 "create table t(x); insert into t values (42); select x from t;"],
                nothing, True, None),
    "curl": (["curl", "-s", "http://127.0.0.1:{port}/data.txt"], nothing, True, None),
    "python3": (["/usr/bin/python3", "-c", "import json; print(json.dumps({'a': [1, 2]}))"],
                nothing, True, None),
    "perl": (["perl", "-e", "print join(',', map { $_ * 2 } 1..5), \"\\n\""], nothing, True,
             None),
    "file": (["file", "data.txt"], data, True, None),
    "jq": (["jq", "-c", ".a", "data.json"], json_in, True, None),
    "xmllint": (["xmllint", "--noout", "data.xml"], xml_in, True, None),
    "make": (["make", "-s"], makefile, True, None),
    "sh-pipeline": (["/bin/sh", "-c", "ls / | wc -l"], nothing, True, None),
    "libnuma": (["qemu-storage-daemon", "--version"], nothing, True, None),
}


@pytest.fixture(scope="module")
def server():
    """A local web server for curl: serves data.txt from its own directory."""
    d = pathlib.Path(tempfile.mkdtemp(prefix="trace-www-"))
    data(d)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(d))

    class Quiet(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            pass

    srv = Quiet(("127.0.0.1", 0), handler)
    srv.RequestHandlerClass.log_message = lambda *a: None
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield srv.server_address[1]
    srv.shutdown()
    shutil.rmtree(d, ignore_errors=True)


def scratch_dir():
    base = build_dir().resolve()
    if base == pathlib.Path("/tmp") or pathlib.Path("/tmp") in base.parents:
        base = pathlib.Path("/var/tmp")
    d = pathlib.Path(tempfile.mkdtemp(prefix="trace-deb-", dir=base))
    os.chmod(d, 0o777)
    return d


class Case:
    def __init__(self, name, port):
        argv, self.prepare, self.deterministic, env = PROGRAMS[name]
        self.argv = [a.replace("{port}", str(port)) for a in argv]
        self.env = dict(os.environ)
        self.env.pop("SCOPES_PENALTY", None)
        self.env.update(env or {})
        self.dirs = []
        if shutil.which(self.argv[0]) is None:
            pytest.skip(f"{self.argv[0]} is not installed (scripts/deps.sh installs it)")

    def fresh(self):
        d = scratch_dir()
        self.dirs.append(d)
        self.prepare(d)
        return d

    def run(self, prefix=()):
        d = self.fresh()
        env = dict(self.env)
        if env.get("HOME") == ".":
            env["HOME"] = str(d)
        return subprocess.run([*prefix, *self.argv], cwd=d, env=env, capture_output=True,
                              stdin=subprocess.DEVNULL, timeout=120)

    def cleanup(self):
        for d in self.dirs:
            shutil.rmtree(d, ignore_errors=True)


def traced(case, backend):
    out = scratch_dir() / "report.json"
    case.dirs.append(out.parent)
    proc = case.run([tracer(), "-b", backend, "--json", "-o", str(out), "--"])
    return proc, json.loads(out.read_text())


def enforced(case, promises):
    return case.run([scopes_run(), "-p", promises, "--"])


def check(case, report, control, proc, what):
    assert proc.returncode == control.returncode, (what, report.get("promises"),
                                                    proc.stderr[-2000:])
    if case.deterministic:
        assert proc.stdout == control.stdout, (what, proc.stdout[:300], control.stdout[:300])


def verify_answer(case, r, control):
    """The suggestion runs enforced; or the report said it cannot (calls no
    promise allows: unpledgeable, or a log-backend safe union that cannot
    see such arguments) and the workaround it names (the error promise)
    does."""
    ran = enforced(case, r["promises"])
    if r["pledgeable"] and r["answer"] in ("exact", "verified"):
        check(case, r, control, ran, f"enforced {r['promises']!r}")
        return "ran"
    if ran.returncode == control.returncode and (not case.deterministic or
                                                 ran.stdout == control.stdout):
        return "ran"
    # flagged: either unpledgeable, or an unverified safe union
    assert not r["pledgeable"] or r["answer"] == "safe_union", r
    assert ran.returncode == 128 + signal.SIGSYS, ran.stderr[-500:]
    workaround = r["promises"] + " error"
    check(case, r, control, enforced(case, workaround), f"workaround {workaround!r}")
    return "workaround"


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_notify_suggestion_runs_enforced(name, server):
    case = Case(name, server)
    try:
        control = case.run()
        proc, r = traced(case, "notify")
        check(case, r, control, proc, "traced")
        assert r["backend"] == "notify" and r["answer"] == "exact", r["notes"]
        assert r["complete"] is True, r["incomplete"]
        how = verify_answer(case, r, control)
        # notify's answer is exact: only an unpledgeable program needs the workaround
        assert (how == "workaround") == (not r["pledgeable"]), (how, r["unpledgeable"])
        if r["general_promises"]:
            check(case, r, control, enforced(case, r["general_promises"]),
                  f"general {r['general_promises']!r}")
    finally:
        case.cleanup()


@pytest.mark.skipif(not ROOT, reason="the lossless log backend needs root")
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_log_suggestion_is_never_silently_wrong(name, server, audit_lock):
    case = Case(name, server)
    try:
        control = case.run()
        proc, r = traced(case, "log")
        check(case, r, control, proc, "traced")
        assert r["backend"] == "log" and r["complete"] is True, r["incomplete"]
        assert r["answer"] in ("exact", "safe_union"), r["answer"]
        if r["answer"] == "safe_union":
            assert r["least_promises"] and "UNVERIFIED" not in r["least_promises"], r
        verify_answer(case, r, control)
    finally:
        case.cleanup()


def test_the_stage_covers_what_the_issue_asks():
    """20+ programs, with a forking pipeline, a file under /tmp named on the
    command line (test below), a mkstemp user, python3, a libnuma-linked
    program and a setuid one (test below)."""
    assert len(PROGRAMS) >= 20
    for name in ("sh-pipeline", "sort-mkstemp", "python3", "libnuma"):
        assert name in PROGRAMS
    out = subprocess.run(["ldd", shutil.which("qemu-storage-daemon") or "/nonexistent"],
                         capture_output=True, text=True).stdout
    if "libnuma" not in out:
        pytest.skip("qemu-storage-daemon is not linked with libnuma here")


def test_mkstemp_gets_tmppath_and_both_answers_run(server):
    case = Case("sort-mkstemp", server)
    try:
        control = case.run()
        _, r = traced(case, "notify")
        if not scopes_probes.have("landlock"):
            pytest.skip("tmppath needs Landlock")
        assert "tmppath" in r["promises"].split() and r["general_promises"], r
        assert "tmppath" not in r["general_promises"].split()
        for promises in (r["promises"], r["general_promises"]):
            check(case, r, control, enforced(case, promises), promises)
    finally:
        case.cleanup()


def test_a_file_under_tmp_named_on_the_command_line_gets_the_same_answer(server):
    case = Case("gzip-in-place", server)
    d = pathlib.Path(tempfile.mkdtemp(prefix="trace-tmp-", dir="/tmp"))
    try:
        data(d)
        _, elsewhere = traced(case, "notify")
        out = d / "r.json"
        subprocess.run([tracer(), "--json", "-o", str(out), "--", "gzip", "-n",
                        str(d / "data.txt")], check=True, capture_output=True)
        in_tmp = json.loads(out.read_text())
        assert (d / "data.txt.gz").exists()
        assert in_tmp["promises"] == elsewhere["promises"], (in_tmp["promises"],
                                                              elsewhere["promises"])
        assert "tmppath" not in in_tmp["promises"].split()
    finally:
        case.cleanup()
        shutil.rmtree(d, ignore_errors=True)


def test_a_setuid_debian_program():
    """passwd is set-user-ID root: traced unprivileged it runs without that,
    so the answer is flagged incomplete; what it suggests still runs."""
    with tempfile.TemporaryDirectory() as d:
        os.chmod(d, 0o777)
        out = pathlib.Path(d) / "r.json"
        proc = subprocess.run([*NOBODY, tracer(), "--json", "-o", str(out), "--",
                               "/usr/bin/passwd", "--help"], capture_output=True, text=True)
        r = json.loads(out.read_text())
    assert proc.returncode == 0, proc.stderr
    assert [i["reason"] for i in r["incomplete"]] == ["privileged_program"], r["incomplete"]
    promises = r["promises"] if r["pledgeable"] else r["promises"] + " error"
    run = subprocess.run([*NOBODY, scopes_run(), "-p", promises, "--", "/usr/bin/passwd",
                          "--help"], capture_output=True, text=True)
    assert run.returncode == 0, (promises, run.stderr)


def tree_state(d):
    """Names and contents of what a run left (the report file aside)."""
    out = {}
    for p in sorted(d.rglob("*")):
        rel = str(p.relative_to(d))
        if rel == "report.json" or rel.startswith(".git/"):
            continue
        out[rel] = p.read_bytes() if p.is_file() and not p.is_symlink() else None
    return out


@pytest.mark.parametrize("name", ["gzip-in-place", "tar-extract", "sed-in-place", "cp", "mkdir",
                                  "sqlite3", "make", "tar-create"])
def test_verify_leaves_the_users_files_as_one_run_does(name, server):
    """--verify on programs that change files: the verify runs happen in
    private copies, so the directory ends as after one untraced run, and the
    verdict is 'same' (never a difference the verification caused)."""
    case = Case(name, server)
    try:
        control_dir = case.fresh()
        subprocess.run(case.argv, cwd=control_dir, env=case.env, capture_output=True)
        d = case.fresh()
        out = d / "report.json"
        with verify_lock(["--verify"]):
            proc = subprocess.run([tracer(), "--verify", "--json", "-o", str(out), "--",
                                   *case.argv], cwd=d, env=case.env, capture_output=True,
                                  stdin=subprocess.DEVNULL)
        r = json.loads(out.read_text())
        assert proc.returncode == 0, proc.stderr[-1000:]
        v = r["verify"]
        assert v["refused"] is None and v["ran"] is True, v
        assert v["same"] is True or (not r["pledgeable"] and v["workaround"]), v
        # the same files with the same contents as after one untraced run
        # (tar archives and sqlite databases hold times: names there)
        got, want = tree_state(d), tree_state(control_dir)
        assert sorted(got) == sorted(want), (sorted(got), sorted(want))
        if name not in ("tar-create", "sqlite3"):
            # in.tar, the input, was made for each directory: its times differ
            assert {k: v for k, v in got.items() if k != "in.tar"} == \
                {k: v for k, v in want.items() if k != "in.tar"}
    finally:
        case.cleanup()


@pytest.mark.skipif(not ROOT, reason="the lossless log backend needs root")
def test_log_backend_knows_calls_every_pledge_fails_harmlessly(server, audit_lock):
    """sed -i sets extended attributes (fsetxattr), which fattr answers with
    an error whatever the arguments: without arguments the log backend must
    still not call sed unpledgeable, and its answer runs."""
    case = Case("sed-in-place", server)
    try:
        control = case.run()
        _, r = traced(case, "log")
        assert r["pledgeable"] is True and r["unpledgeable"] == [], r["unpledgeable"]
        assert "fattr" in r["promises"].split(), r["promises"]
        check(case, r, control, enforced(case, r["promises"]), r["promises"])
    finally:
        case.cleanup()
