"""scopes-trace says what it could not see, and what it prints can be pasted.

Issue 17, items 5 and 7: every condition that makes a trace misleading turns
`complete` off with its reason (text and JSON); arguments are printed
shell-quoted (the verify line runs as printed); a huge argument is printed
whole once; every failure under --json is a JSON object with an "error";
evidence names the passwd lookup and the library mapped executable.
"""
import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

import scopes_probes
from conftest import NOBODY, build_dir, built
from test_trace import (ROOT, audit_lock, outside_tmp, subject, trace, tracer,  # noqa: F401
                        verify_lock)


def reasons(t):
    return [i["reason"] for i in t.report["incomplete"]]


def human(*argv, extra=(), timeout=60, **kw):
    """The human report (standard error) of one run."""
    with verify_lock(extra):
        return subprocess.run([tracer(), *extra, "--", *map(str, argv)], capture_output=True,
                              text=True, errors="replace", timeout=timeout,
                              stdin=subprocess.DEVNULL, **kw)


# ------------------------------------------------------------- item 7

def test_sigint_sent_to_the_tracer_alone_reaches_the_program_at_once(tmp_path):
    out = tmp_path / "r.json"
    # its own session: no terminal sends the program anything
    p = subprocess.Popen([tracer(), "--json", "-o", str(out), "--", "sleep", "30"],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, start_new_session=True)
    time.sleep(1.0)
    t0 = time.monotonic()
    p.send_signal(signal.SIGINT)
    rc = p.wait(timeout=10)
    elapsed = time.monotonic() - t0
    assert rc == 128 + signal.SIGINT and elapsed < 3, (rc, elapsed)
    r = json.loads(out.read_text())
    assert r["exit_status"] == 130 and r["signal"] == signal.SIGINT, r
    assert r["complete"] is False and [i["reason"] for i in r["incomplete"]] == ["interrupted"]
    assert "cut short by SIGINT" in r["incomplete"][0]["message"]


def test_arguments_are_shell_quoted_and_the_verify_line_pastes(outside_tmp):
    built("tools/run/scopes-run")
    f = outside_tmp / "it's a file $HOME"
    f.write_text("pasted\n")
    t = trace("cat", f, extra=["--verify"])
    quoted = "'" + str(f).replace("'", "'\\''") + "'"
    want = f'scopes-run -p "stdio rpath" -- cat {quoted}'
    assert t.report["verify"]["command"] == want, t
    assert t.report["verify"]["same"] is True, t
    # pasted into a shell, with scopes-run on PATH, it runs that very file
    env = dict(os.environ, PATH=f"{built('tools/run/scopes-run').parent}:{os.environ['PATH']}")
    pasted = subprocess.run(["/bin/sh", "-c", want], capture_output=True, text=True, env=env)
    assert pasted.returncode == 0 and pasted.stdout == "pasted\n", pasted
    proc = human("cat", f)
    assert proc.stderr.splitlines()[0] == f"scopes-trace: cat {quoted} \u2014 exited 0"


def test_a_huge_argument_is_printed_whole_once():
    built("tools/run/scopes-run")
    big = "x" * 120000
    proc = human("/bin/echo", big, extra=["--verify"])
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout == big + "\n"
    report = proc.stderr
    assert report.count(big) == 1, "the huge argument is printed more than once"
    header = report.splitlines()[0]
    assert header == "scopes-trace: /bin/echo " + "x" * 50 + "\u2026(120000 bytes) \u2014 exited 0"
    verify = [ln for ln in report.splitlines() if ln.startswith("verify: ")]
    assert verify == [f'verify: scopes-run -p "stdio rpath" -- /bin/echo {big}'], verify[0][:200]


@pytest.mark.parametrize("case", ["missing", "usage", "no_program"])
def test_json_failures_are_json_error_objects_in_the_output_file(tmp_path, case):
    out = tmp_path / "r.json"
    argv = {"missing": ["--json", "-o", str(out), "--", "no-such-command-here", "a b"],
            "usage": ["--json", "--backend=bogus", "-o", str(out), "--", "true"],
            "no_program": ["-o", str(out), "--json"]}[case]
    proc = subprocess.run([tracer(), *argv], capture_output=True, text=True)
    r = json.loads(out.read_text())
    want = {"missing": (127, "not_found", "no-such-command-here: command not found"),
            "usage": (125, "usage", "--backend: auto, notify or log, not 'bogus'"),
            "no_program": (125, "usage", "no program given")}[case]
    assert (proc.returncode, r["exit_status"], r["error"]["kind"], r["error"]["message"]) == \
        (want[0], want[0], want[1], want[2]), r
    assert r["complete"] is False
    assert r["command"] == (["no-such-command-here", "a b"] if case == "missing" else
                            ["true"] if case == "usage" else [])
    assert f"scopes-trace: {want[2]}" in proc.stderr


def test_json_failure_without_a_writable_output_goes_to_stderr(tmp_path):
    proc = subprocess.run([tracer(), "--json", "-o", str(tmp_path / "no" / "such" / "dir"),
                           "--", "true"], capture_output=True, text=True)
    assert proc.returncode == 125
    r = json.loads(proc.stderr)  # one JSON document, nothing else
    assert r["error"]["kind"] == "output" and r["error"]["message"].endswith(
        "No such file or directory"), r


def test_a_file_that_cannot_be_executed(tmp_path):
    f = tmp_path / "data.txt"
    f.write_text("not a program\n")
    f.chmod(0o755)
    t = trace(f)
    r = t.report
    assert t.proc.returncode == 126 and r["exit_status"] == 126, t
    assert r["error"] == {"kind": "exec", "message": f"cannot run {f}: Exec format error",
                          "errno": "ENOEXEC"}, r
    assert r["complete"] is False and reasons(t) == ["not_executed"], t
    assert r["suggested_call"] is None and r["no_suggestion"] == \
        "the program could not be executed", t
    proc = human(f)
    assert "INCOMPLETE: not_executed (see notes)" in proc.stderr
    assert "no suggestion: the program could not be executed" in proc.stderr
    assert "scopes_pledge(" not in proc.stderr


@scopes_probes.needs("landlock")
def test_getpw_evidence_shows_the_passwd_lookup(outside_tmp):
    t = trace("ls", "-l", outside_tmp)
    assert "getpw" in t.promises, t
    first = t.evidence("getpw")[0]
    assert first["syscall"] == "openat" and any('"/etc/passwd"' in e for e in first["examples"]), t
    text = human("ls", "-l", outside_tmp).stderr
    block = text[text.index("\ngetpw "):]
    assert block.splitlines()[1].startswith("getpw     openat\u00d7"), block
    assert '"/etc/passwd", O_RDONLY|O_CLOEXEC)' in block.split("\n\n")[0], block


def test_prot_exec_evidence_names_the_library():
    t = trace("/usr/bin/python3", "-c", "import ctypes")
    assert "prot_exec" in t.promises, t
    ex = t.examples("prot_exec", "mmap")
    assert ex and all(re.search(r"PROT_EXEC, [A-Z_|]+, \d+</usr/lib/[^>]+\.so[^>]*>, ", e)
                      for e in ex), ex
    assert any("_ctypes" in e or "libffi" in e for e in ex), ex


# ------------------------------------------------------------- item 5

def test_a_set_user_id_program_is_not_complete(tmp_path):
    if not ROOT:
        pytest.skip("needs root to make a set-user-ID copy owned by another user")
    os.chmod(tmp_path, 0o755)
    f = tmp_path / "id-nobody"
    shutil.copy("/usr/bin/id", f)
    os.chown(f, 65534, 65534)
    f.chmod(0o4755)
    untraced = subprocess.run([f, "-u"], capture_output=True, text=True).stdout.strip()
    t = trace(f, "-u")
    # the control: untraced it is nobody; traced (no_new_privs) it is not
    assert untraced == "65534" and t.proc.stdout.strip() == str(os.geteuid()), t
    assert t.report["complete"] is False and reasons(t) == ["privileged_program"], t
    assert t.report["incomplete"][0]["message"].startswith(f"{f} is set-user-ID nobody: ")
    assert "INCOMPLETE: privileged_program (see notes)" in human(f, "-u").stderr


def test_a_debian_set_user_id_program_traced_unprivileged():
    t = trace("/usr/bin/passwd", "--help", wrap=NOBODY)
    assert reasons(t) == ["privileged_program"], t
    assert "/usr/bin/passwd is set-user-ID root" in t.report["incomplete"][0]["message"]


@pytest.mark.parametrize("backend", ["notify", "log"])
def test_a_program_with_its_own_seccomp_filter_is_not_complete(backend, request):
    if backend == "log":
        if not ROOT:
            pytest.skip("the lossless log backend needs root")
        request.getfixturevalue("audit_lock")
    t = trace(subject(), "own_filter", backend=backend)
    assert t.proc.returncode == 0, t
    assert t.report["complete"] is False and reasons(t) == ["own_seccomp_filter"], t
    assert "getppid" not in {e["syscall"] for e in t.evidence("stdio")}, \
        "the call the program's own filter refuses was seen"


def test_a_program_with_its_own_listener_is_not_complete():
    t = trace(subject(), "own_filter", "listener")
    # EBUSY: traced, the program cannot do what it does untraced (rc 0)
    untraced = subprocess.run([subject(), "own_filter", "listener"])
    assert untraced.returncode == 0 and t.proc.returncode == 4, t
    assert reasons(t) == ["own_seccomp_listener"], t
    assert "EBUSY" in t.report["incomplete"][0]["message"]


def test_a_program_killed_by_a_signal_is_not_complete():
    t = trace(subject(), "kill", str(int(signal.SIGTERM)))
    assert t.proc.returncode == 128 + signal.SIGTERM, t
    assert reasons(t) == ["killed_by_signal"], t
    assert t.report["incomplete"][0]["message"] == (
        "the program was killed by SIGTERM: what it would have done afterwards was not seen")
    assert t.report["suggested_call"] is not None


def test_a_complete_run_has_no_reasons():
    t = trace("cat", "/etc/hostname")
    assert t.report["complete"] is True and t.report["incomplete"] == [], t
    assert t.report["no_suggestion"] is None


def test_log_run_that_saw_nothing_suggests_nothing(tmp_path):
    os.chmod(build_dir(), 0o755)
    t = trace(subject(), "burst", "100", backend="log", wrap=NOBODY)
    assert t.report["stats"]["calls"] == 0, t  # the control: nothing readable unprivileged
    assert "no_calls" in reasons(t) and t.report["complete"] is False, t
    assert t.report["suggested_call"] is None, t
    assert t.report["no_suggestion"] == "no system call was observed", t
    proc = subprocess.run([*NOBODY, tracer(), "-b", "log", "--", subject(), "burst", "100"],
                          capture_output=True, text=True)
    assert "no suggestion: no system call was observed" in proc.stderr
    assert "scopes_pledge(" not in proc.stderr


# ------------------------------------------------------------- item 1

needs_log_root = pytest.mark.skipif(not ROOT, reason="the lossless log backend needs root")


@needs_log_root
def test_log_answer_is_the_safe_union_marked_unverified(audit_lock):
    t = trace("ls", "-l", "/etc/hostname", backend="log")
    r = t.report
    assert r["answer"] == "safe_union" and r["complete"] is True, t
    # the old guess (socket(AF_UNIX) taken for inet) is only the least set
    assert r["least_promises"] == "stdio rpath inet", t
    # every candidate the ambiguous calls' arguments could need is in it
    assert {"stdio", "rpath", "wpath", "cpath", "inet", "unix", "prot_exec"} <= t.promises, t
    sock = [a for a in r["ambiguous"] if a["syscall"] == "socket" and a["phase"] == "program"]
    assert sock and sock[0]["least"] == "inet" and sock[0]["safe_union"] == "inet unix dns route"
    text = subprocess.run([tracer(), "-b", "log", "--", "ls", "-l", "/etc/hostname"],
                          capture_output=True, text=True).stderr
    assert ('UNVERIFIED: audit records carry no arguments' in text and
            'If their arguments were the harmless ones: "stdio rpath inet".' in text), text
    assert "  socket\u00d74: least inet, safe union inet unix dns route; one of:" in text, text


@needs_log_root
def test_log_verify_confirms_the_least_set_when_it_runs_the_same(audit_lock):
    built("tools/run/scopes-run")
    t = trace("cat", "/etc/hostname", backend="log", extra=["--verify"])
    r = t.report
    assert r["answer"] == "verified" and r["promises"] == "stdio rpath", t
    assert [(a["purpose"], a["promises"], a["same"]) for a in r["verify"]["attempts"]] == \
        [("least", "stdio rpath", True)], t


@needs_log_root
def test_log_verify_falls_back_to_the_safe_union(audit_lock):
    """sh -c forks: the least set (fork as stdio's clone) is killed, the
    safe union (with proc) runs the same, and that is the answer."""
    built("tools/run/scopes-run")
    t = trace("/bin/sh", "-c", "ls / | wc -l", backend="log", extra=["--verify"])
    r = t.report
    att = r["verify"]["attempts"]
    assert [(a["purpose"], a["same"]) for a in att] == [("least", False), ("safe_union", True)], t
    assert att[0]["exit_status"] == 128 + signal.SIGSYS, t
    assert r["answer"] == "verified" and {"proc", "exec", "stdio", "rpath"} <= t.promises, t
    assert "proc" not in r["least_promises"].split(), t
    # what the verified answer is, scopes-run agrees with
    run = subprocess.run([str(built("tools/run/scopes-run")), "-p", r["promises"], "--",
                          "/bin/sh", "-c", "ls / | wc -l"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def test_json_usage_error_on_stderr_is_one_document():
    proc = subprocess.run([tracer(), "--json", "--bogus", "--", "true"], capture_output=True,
                          text=True)
    assert proc.returncode == 125
    assert json.loads(proc.stderr)["error"] == {"kind": "usage",
                                                "message": "unknown option '--bogus'"}
    # without --json: the message and the hint, for people
    proc = subprocess.run([tracer(), "--bogus", "--", "true"], capture_output=True, text=True)
    assert proc.stderr == ("scopes-trace: unknown option '--bogus'\n"
                           "Try 'scopes-trace --help' for more information.\n")


def test_auto_prefers_notify():
    proc = subprocess.run([tracer(), "--json", "--", "true"], capture_output=True, text=True)
    r = json.loads(proc.stderr)
    assert r["backend"] == "notify" and r["answer"] == "exact" and r["least_promises"] is None


# ------------------------------------------------------------- item 4

@pytest.mark.parametrize("where", ["tmp", "elsewhere"])
def test_a_file_named_on_the_command_line_is_not_a_temporary_file(where, outside_tmp, tmp_path):
    base = pathlib.Path(tempfile.mkdtemp(dir="/tmp")) if where == "tmp" else outside_tmp
    try:
        f = base / "data.txt"
        f.write_text("some data\n" * 100)
        t = trace("gzip", f)
        assert t.proc.returncode == 0 and (base / "data.txt.gz").exists(), t
        # the same answer wherever the file lies: never tmppath for it
        assert t.report["promises"] == "stdio rpath wpath cpath fattr chown", t
        assert t.report["general_promises"] is None, t
    finally:
        if where == "tmp":
            shutil.rmtree(base, ignore_errors=True)


@scopes_probes.needs("landlock")
def test_tmppath_for_a_file_the_program_chose_shows_the_general_alternative():
    built("tools/run/scopes-run")
    t = trace(subject(), "tmppath")
    assert t.report["promises"] == "stdio tmppath", t
    assert t.report["general_promises"] == "stdio rpath wpath cpath", t
    proc = human(subject(), "tmppath")
    assert ('tmppath allows files under /tmp only (the ones this run chose there). For the '
            'same work anywhere (another TMPDIR, other files):\n'
            '    scopes_pledge("stdio rpath wpath cpath", NULL);') in proc.stderr, proc.stderr
    # both run: tmppath for the program's own temporary file, and the general one
    for promises in ("stdio tmppath", "stdio rpath wpath cpath"):
        run = subprocess.run([str(built("tools/run/scopes-run")), "-p", promises, "--",
                              subject(), "tmppath"], capture_output=True, text=True)
        assert run.returncode == 0, (promises, run.stderr)


# ------------------------------------------------------------- item 3

def test_verify_refuses_when_changed_files_lie_outside_the_copy(outside_tmp, tmp_path):
    built("tools/run/scopes-run")
    # a small working directory of its own (--verify copies it): the one
    # pytest runs in may hold the build directory, and outside_tmp with it
    work = tmp_path / "work"
    work.mkdir()
    d = outside_tmp / "newdir"
    t = trace("mkdir", d, extra=["--verify"], cwd=work)
    v = t.report["verify"]
    assert t.proc.returncode == 0 and d.is_dir(), t
    assert v["ran"] is False and v["attempts"] == [], t
    # the file lies outside the working directory, which is all it copies
    assert v["refused"] == (
        f'the program changed files (mkdir("{d}", 0777)) and it changed {d}, outside the '
        f'working directory {work}: running it again would find them '
        f'changed or change them twice; run it on a copy of its files as scopes-run -p '
        f'"{t.report["promises"]}" -- mkdir {d}'), v
    with verify_lock(["--verify"]):
        text = subprocess.run([tracer(), "--verify", "--", "mkdir", outside_tmp / "other"],
                              capture_output=True, text=True, cwd=work).stderr
    assert (f'\nverify: not run: the program changed files (mkdir("{outside_tmp}/other", 0777)) '
            f'and it changed {outside_tmp}/other, outside the working directory') in text, text
    assert "same outcome" not in text and "DIFFERENT" not in text
    # the control: a reading program is verified as before
    f = outside_tmp / "f"
    f.write_text("x\n")
    t = trace("cat", f, extra=["--verify"], cwd=work)
    assert t.report["verify"]["same"] is True and t.report["verify"]["refused"] is None, t


def test_sed_in_place_is_applied_once(outside_tmp, tmp_path):
    built("tools/run/scopes-run")
    f = outside_tmp / "f"
    f.write_text("a\n")
    t = trace("sed", "-i", "s/a/aa/", f, extra=["--verify"], cwd=tmp_path)
    assert f.read_text() == "aa\n", "the verify run applied the edit again"
    assert t.report["verify"]["ran"] is False and "changed files" in t.report["verify"]["refused"]


@pytest.mark.parametrize("case", ["mkdir", "sed", "tar"])
def test_verify_runs_in_a_private_copy_of_the_working_directory(case, outside_tmp):
    """mkdir d twice would fail (EEXIST), sed -i twice would edit twice: each
    verify run gets a copy of the working directory as it was before the
    first run, and the user's files see the program once."""
    built("tools/run/scopes-run")
    (outside_tmp / "f").write_text("a\n")
    marker = "m-" + outside_tmp.name  # tells this test's copies from others'
    (outside_tmp / marker).write_text("")
    if case == "tar":
        subprocess.run(["tar", "cf", "in.tar", "f"], cwd=outside_tmp, check=True)
        (outside_tmp / "f").unlink()
    argv = {"mkdir": ["mkdir", "d"], "sed": ["sed", "-i", "s/a/aa/", "f"],
            "tar": ["tar", "xf", str(outside_tmp / "in.tar")]}[case]
    out = outside_tmp.parent / (outside_tmp.name + ".json")
    before = {p.stat().st_ino for p in pathlib.Path("/var/tmp").glob("scopes-trace-verify.*")}
    try:
        with verify_lock(["--verify"]):
            proc = subprocess.run([tracer(), "--verify", "--json", "-o", str(out), "--", *argv],
                                  cwd=outside_tmp, capture_output=True, text=True)
        r = json.loads(out.read_text())
    finally:
        out.unlink(missing_ok=True)
    assert proc.returncode == 0, proc.stderr
    v = r["verify"]
    assert v["refused"] is None and v["ran"] is True and v["same"] is True, v
    assert [a["purpose"] for a in v["attempts"]] == ["found"], v
    assert any(n.startswith("verify: the program changed files (") and
               n.endswith(f"ran in a private copy of the working directory {outside_tmp} as "
                          "it was before the first run") for n in r["notes"]), r["notes"]
    # the user's files: changed once, by the traced run only
    if case == "mkdir":
        assert (outside_tmp / "d").is_dir()
    elif case == "sed":
        assert (outside_tmp / "f").read_text() == "aa\n"
    else:
        assert (outside_tmp / "f").read_text() == "a\n"
    assert sorted(p.name for p in outside_tmp.iterdir()) == sorted({
        "mkdir": ["d", "f"], "sed": ["f"], "tar": ["f", "in.tar"]}[case] + [marker])
    # the copies are gone (the tests run in parallel: only ours counted)
    mine = [p for p in pathlib.Path("/var/tmp").glob("scopes-trace-verify.*")
            if (p / "orig" / marker).exists() and p.stat().st_ino not in before]
    assert not mine, mine


# ------------------------------------------------------------- item 2

def test_unpledgeable_program_is_said_so_and_the_error_workaround_verified():
    built("tools/run/scopes-run")
    t = trace(subject(), "unpledgeable", extra=["--verify"])
    r = t.report
    assert r["pledgeable"] is False and [u["syscall"] for u in r["unpledgeable"]] == ["ptrace"]
    att = r["verify"]["attempts"]
    assert [(a["purpose"], a["promises"], a["same"]) for a in att] == [
        ("found", r["promises"], False),
        ("error_workaround", r["promises"] + " error", True)], t
    assert att[0]["exit_status"] == 128 + signal.SIGSYS, t
    assert r["verify"]["workaround"] == r["promises"] + " error", t
    text = human(subject(), "unpledgeable").stderr
    assert "no pledge can run this program as it runs here" in text
    assert f'Workaround: add the error promise (they fail with ENOSYS instead), ' \
           f'scopes_pledge("{r["promises"]} error", NULL)' in text


def test_a_pledgeable_program_says_so():
    t = trace("cat", "/etc/hostname")
    assert t.report["pledgeable"] is True and t.report["unpledgeable"] == [], t


# ------------------------------------------------------------- the schema

def test_reports_and_errors_match_the_schema(tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    built("tools/run/scopes-run")
    schema = json.loads((pathlib.Path(__file__).parent.parent / "schemas" /
                         "scopes-trace.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    v = jsonschema.Draft202012Validator(schema)
    docs = [trace("cat", "/etc/hostname", extra=["--verify"]).report,
            trace(subject(), "unpledgeable", extra=["--verify"]).report,
            trace(subject(), "tmppath").report]
    f = tmp_path / "not-a-program"
    f.write_text("x\n")
    f.chmod(0o755)
    docs.append(trace(f).report)
    out = tmp_path / "e.json"
    subprocess.run([tracer(), "--json", "-o", str(out), "--", "no-such-command-here"])
    docs.append(json.loads(out.read_text()))
    for d in docs:
        errors = [e.message for e in v.iter_errors(d)]
        assert errors == [], (d.get("command"), errors)
    # and the schema is not vacuous: a report without its answer fails it
    broken = dict(docs[0])
    del broken["answer"]
    assert list(v.iter_errors(broken))


# ------------------------------------------------------------- item 8 (caches)

@scopes_probes.needs("landlock")
@pytest.mark.parametrize("how", ["chdir", "symlink"])
def test_cached_paths_follow_the_program(how, outside_tmp):
    """The working directory is cached until a chdir, directory resolutions
    until the namespace changes: a file created in /tmp through a new cwd or
    a symbolic link is still seen as under /tmp (tmppath), and nothing else."""
    os.symlink("/tmp", outside_tmp / "totmp")
    script = {
        "chdir": 'read x </etc/hostname; cd /tmp && : > "trace-c-$$" && rm -f "trace-c-$$"',
        "symlink": ': > "totmp/trace-l-$$"; rm -f "totmp/trace-l-$$"',
    }[how]
    proc = subprocess.run([tracer(), "--json", "--", "/bin/sh", "-c", script],
                          cwd=outside_tmp, capture_output=True, text=True)
    r = json.loads(proc.stderr)
    ev = [ex for e in r["evidence"].get("tmppath", []) for ex in e["examples"]]
    assert "tmppath" in r["promises"].split() and ev, r["promises"]
    assert not {"wpath", "cpath"} & set(r["promises"].split()), r["promises"]


# ------------------------------------------------------------- --merge

def merged(*reports, extra=()):
    proc = subprocess.run([tracer(), "--merge", "--json", *extra, *map(str, reports)],
                          capture_output=True, text=True)
    return proc, json.loads(proc.stderr)


def saved(tmp_path, name, *argv, backend="notify"):
    out = tmp_path / f"{name}.json"
    subprocess.run([tracer(), "-b", backend, "--json", "-o", str(out), "--", *map(str, argv)],
                   capture_output=True, stdin=subprocess.DEVNULL)
    return out


def test_merge_gives_one_answer_for_several_runs(tmp_path):
    built("tools/run/scopes-run")
    a = saved(tmp_path, "a", "cat", "/etc/hostname")
    b = saved(tmp_path, "b", subject(), "proc")
    proc, r = merged(a, b)
    assert proc.returncode == 0, proc.stderr
    assert r["promises"] == "stdio rpath proc" and r["answer"] == "exact", r["promises"]
    assert r["complete"] is True and r["backend"] == "notify"
    assert [(x["file"], x["command"]) for x in r["runs"]] == [
        (str(a), "cat /etc/hostname"), (str(b), f"{subject()} proc")]
    ev = {p: [e["syscall"] for e in r["evidence"][p]] for p in r["evidence"]}
    assert "clone" in ev["proc"] and "openat" in ev["rpath"], ev
    # the one answer runs both programs
    for argv in (["cat", "/etc/hostname"], [subject(), "proc"]):
        run = subprocess.run([str(built("tools/run/scopes-run")), "-p", r["promises"], "--", *argv],
                             capture_output=True)
        assert run.returncode == 0, (argv, run.stderr)
    text = subprocess.run([tracer(), "--merge", str(a), str(b)], capture_output=True,
                          text=True).stderr.splitlines()
    assert text[:3] == ["scopes-trace --merge: 2 runs, one answer",
                        f"  {a}: cat /etc/hostname \u2014 exited 0 (notify)",
                        f"  {b}: {subject()} proc \u2014 exited 0 (notify)"], text[:4]
    assert '    scopes_pledge("stdio rpath proc", NULL);' in text


def test_merge_keeps_what_made_a_run_incomplete(tmp_path):
    a = saved(tmp_path, "a", "cat", "/etc/hostname")
    b = saved(tmp_path, "b", subject(), "kill", "15")
    _, r = merged(a, b)
    assert r["complete"] is False, r
    assert [(i["reason"], i["message"]) for i in r["incomplete"]] == [
        ("killed_by_signal", f"{b}: the program was killed by SIGTERM: what it would have done "
                             "afterwards was not seen")]


@pytest.mark.skipif(not ROOT, reason="the lossless log backend needs root")
def test_merge_of_both_backends_keeps_the_log_guesses_flagged(tmp_path, audit_lock):
    a = saved(tmp_path, "a", "cat", "/etc/hostname")
    b = saved(tmp_path, "b", subject(), "unix", backend="log")
    _, r = merged(a, b)
    assert r["backend"] == "notify+log" and r["answer"] == "safe_union", r
    assert {"stdio", "rpath", "unix"} <= set(r["promises"].split()), r["promises"]
    assert set(r["least_promises"].split()) <= set(r["promises"].split())


@pytest.mark.parametrize("bad", ["not-json", "failed-run", "missing"])
def test_merge_refuses_what_is_not_a_report(tmp_path, bad):
    good = saved(tmp_path, "a", "cat", "/etc/hostname")
    f = tmp_path / "bad.json"
    if bad == "not-json":
        f.write_text("hello\n")
    elif bad == "failed-run":
        subprocess.run([tracer(), "--json", "-o", str(f), "--", "no-such-command-here"])
    proc, r = merged(good, f)
    assert proc.returncode == 125 and r["error"]["kind"] == "merge", r
    assert r["error"]["message"] == {
        "not-json": f"{f}: not JSON (at byte 0)",
        "failed-run": f"{f}: a run that failed (not_found: no-such-command-here: command not found)",
        "missing": f"{f}: No such file or directory"}[bad]


def test_merged_report_matches_the_schema(tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((pathlib.Path(__file__).parent.parent / "schemas" /
                         "scopes-trace.schema.json").read_text())
    a = saved(tmp_path, "a", "cat", "/etc/hostname")
    b = saved(tmp_path, "b", subject(), "tmppath")
    _, r = merged(a, b)
    errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(r)]
    assert errors == [] and r["runs"], errors
    _, e = merged(a, tmp_path / "nothing.json")
    assert [x.message for x in jsonschema.Draft202012Validator(schema).iter_errors(e)] == []
