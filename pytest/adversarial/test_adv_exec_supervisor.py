"""The exec supervisor (issue 14): exec'd images run as on OpenBSD, the pre-exec process gains nothing.

With `exec` and `stdio` held and NULL execpromises, an image exec'd after the
pledge runs unrestricted by the pledge's filter (a supervisor process answers
the filter's user notifications); the process that pledged, its threads and
its forks that have not exec'd keep exactly the pledge's verdicts. Every
scenario is one run of build/tests/scopes-execsup-probe (tests/probe/execsup.c):
an unpledged driver forks the subject, which pledges and plays the scenario;
the exec'd image is the same program in its `helper` mode. Expectations come
from the specification (issue 14, ../shared/PROMISES.md Revision 2, the
kernel's ABI), never from the promise table: socket(AF_INET), socket(AF_UNIX),
prctl(PR_GET_KEEPCAPS) and an mprotect to PROT_EXEC are granted by none of
"stdio proc exec"; dns without route answers socket(AF_NETLINK) with EACCES
(docs/promises.md).
"""
import os
import re
import signal
import subprocess
import time
import uuid

import pytest

import scopes_probes
from conftest import NOBODY, built

pytestmark = scopes_probes.needs("user_notif")

SIGSYS = signal.SIGSYS
PRE_EXEC_SETS = ["stdio proc exec", "stdio rpath proc exec"]
# penalties the supervisor serves (every one but log)
PENALTIES = ["kill", "errno", "trap"]
# what a pre-exec violation comes to, by penalty (trap without a handler: SIGSYS)
PRE_EXEC_ERR = {"errno": "EPERM"}
# the calls "stdio proc exec" does not grant (each one a line of the probe)
VIOLATIONS = ["socket", "unix", "keepcaps", "mprotect-exec"]
# the answers an unrestricted image gets for them
FREE = ["op socket ok fd", "op unix ok fd", "op keepcaps ok 0", "op mprotect-exec ok 0"]
FD_OPS = ("socket", "unix", "netlink", "read")


class Run:
    def __init__(self, proc, argv):
        self.argv = argv
        self.returncode = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.lines = [self._canon(l) for l in proc.stdout.splitlines() if l.strip()]

    @staticmethod
    def _canon(line):
        # descriptors and pids vary: "op socket ok 5" -> "op socket ok fd"
        m = re.fullmatch(r"op (\S+) ok (\d+)", line)
        if m and m.group(1) in FD_OPS:
            return f"op {m.group(1)} ok fd"
        if m and m.group(1) == "getpid":
            return "op getpid ok pid"
        return line

    def describe(self):
        return (f"{' '.join(self.argv)}\n--- lines\n" + "\n".join(self.lines) +
                f"\n--- stderr\n{self.stderr[-2000:]}")

    __repr__ = describe

    def value(self, prefix):
        """The words after `prefix` on the one line that starts with it."""
        found = [l[len(prefix):].split() for l in self.lines if l.startswith(prefix + " ")]
        assert len(found) == 1, f"expected one '{prefix}' line\n{self.describe()}"
        return found[0]


def run(scenario, *args, promises="stdio proc exec", penalty="kill", execpromises=None,
        user="root", timeout=120):
    argv = [str(built("tests/scopes-execsup-probe")), "-p", promises, "-P", penalty,
            "-N", "nonce-" + uuid.uuid4().hex, "-T", str(timeout - 10)]
    if execpromises is not None:
        argv += ["-e", execpromises]
    argv += [scenario, *args]
    if user == "nobody":
        argv = NOBODY + argv
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SCOPES_") and k != "LD_PRELOAD"}
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env,
                          stdin=subprocess.DEVNULL)
    r = Run(proc, argv)
    assert proc.returncode == 0, f"driver failed ({proc.returncode})\n{r.describe()}"
    assert "status timeout" not in r.lines, r.describe()
    return r


def pre_exec_lines(penalty, ops, promises="stdio proc exec"):
    """What the pledged process itself prints for OPS, ending in its status."""
    err = "ENOSYS" if "error" in promises.split() else PRE_EXEC_ERR.get(penalty)
    if err is None:
        return ["status signal SIGSYS"]
    return [f"op {op} err {err}" for op in ops] + ["status exit 0"]


def set_id(s):
    return s.replace(" ", "+")


# ---------------------------------------------------------------- 1. exec'd images run unrestricted

@pytest.mark.parametrize("penalty", PENALTIES)
@pytest.mark.parametrize("promises", PRE_EXEC_SETS + ["stdio proc exec error"], ids=set_id)
def test_exec_image_runs_unrestricted(promises, penalty, user):
    """An image exec'd with NULL execpromises makes calls the pledge never granted."""
    r = run("exec", *VIOLATIONS, promises=promises, penalty=penalty, user=user)
    assert r.lines == ["pledge ok", "helper start", *FREE, "helper end", "child exit 0",
                       "status exit 0"], r.describe()


def test_exec_image_files_with_rpath(user):
    """With rpath held (reads not scoped by Landlock) the exec'd image reads and opens sockets."""
    r = run("exec", "read", "socket", promises="stdio rpath proc exec", user=user)
    assert r.lines == ["pledge ok", "helper start", "op read ok fd", "op socket ok fd",
                       "helper end", "child exit 0", "status exit 0"], r.describe()


def test_exec_image_children_run_unrestricted(user):
    """A child forked by the exec'd image is as free as the image."""
    r = run("exec", "fork=socket", "fork=unix", user=user)
    assert r.lines == ["pledge ok", "helper start", "op socket ok fd", "child exit 0",
                       "op unix ok fd", "child exit 0", "helper end", "child exit 0",
                       "status exit 0"], r.describe()


@pytest.mark.parametrize("penalty", ["kill", "errno"])
def test_exec_image_started_from_a_thread(penalty, user):
    """A second thread of a pre-exec child execs: the new image is unrestricted."""
    r = run("thread-exec", "socket", "unix", penalty=penalty, user=user)
    assert r.lines == ["pledge ok", "thread start", "helper start", "op socket ok fd",
                       "op unix ok fd", "helper end", "child exit 0", "status exit 0"], \
        r.describe()


# ---------------------------------------------------------------- 2. the pre-exec process: the pledge's verdicts

@pytest.mark.parametrize("penalty", PENALTIES)
@pytest.mark.parametrize("promises", PRE_EXEC_SETS + ["stdio proc exec error"], ids=set_id)
def test_pre_exec_verdicts(promises, penalty, user):
    """kill/trap: SIGSYS at the first violation; errno: EPERM each; with `error`: ENOSYS each."""
    r = run("self", "getpid", *VIOLATIONS, promises=promises, penalty=penalty, user=user)
    assert r.lines == ["pledge ok", "op getpid ok pid",
                       *pre_exec_lines(penalty, VIOLATIONS, promises)], r.describe()


@pytest.mark.parametrize("penalty", ["kill", "errno"])
def test_pre_exec_fixed_errno(penalty, user):
    """A call the specification answers with a fixed errno keeps it (dns, no route: EACCES)."""
    r = run("self", "netlink", promises="stdio dns proc exec", penalty=penalty, user=user)
    assert r.lines == ["pledge ok", "op netlink err EACCES", "status exit 0"], r.describe()


# ---------------------------------------------------------------- 3. exec'd images pledge anything

def test_exec_image_pledges_promises_the_parent_lacks(user):
    """The helper pledges "stdio rpath" (its parent held no rpath): 0, then enforced (SIGSYS)."""
    r = run("exec", "pledge=stdio rpath", "stat", "socket", user=user)
    assert r.lines == ["pledge ok", "helper start", "op pledge=stdio rpath ok 0",
                       "op stat ok 0", "child signal SIGSYS", "status exit 0"], r.describe()


def test_exec_image_pledges_inet(user):
    """The helper pledges "stdio inet": AF_INET works, AF_UNIX kills it."""
    r = run("exec", "pledge=stdio inet", "socket", "unix", user=user)
    assert r.lines == ["pledge ok", "helper start", "op pledge=stdio inet ok 0",
                       "op socket ok fd", "child signal SIGSYS", "status exit 0"], r.describe()


# ---------------------------------------------------------------- 4. execpromises keep their meaning

@pytest.mark.parametrize("penalty", ["kill", "errno"])
def test_execpromises_hold_the_image(penalty, user):
    """pledge("stdio proc exec", "stdio"): the exec'd image is held to stdio (the shim)."""
    r = run("exec", "socket", execpromises="stdio", penalty=penalty, user=user)
    tail = (["child signal SIGSYS"] if penalty == "kill"
            else ["op socket err EPERM", "helper end", "child exit 0"])
    assert r.lines == ["pledge ok", "helper start", *tail, "status exit 0"], r.describe()


def test_execpromises_hold_a_shell(user):
    """With execpromises "stdio", `sh -c 'ls / && echo ok'` never gets to print ok."""
    r = run("sh", "ls / >/dev/null && echo ok", execpromises="stdio", user=user)
    assert "ok" not in r.lines, r.describe()
    child = r.value("child")
    assert child == ["signal", "SIGSYS"] or (child[0] == "exit" and child[1] != "0"), r.describe()
    assert r.lines[-1] == "status exit 0", r.describe()


# ---------------------------------------------------------------- 5. the supervisor process

@pytest.mark.parametrize("penalty", ["kill", "errno"])
def test_supervisor_is_apart_from_the_pledger(penalty, user):
    """comm scopes-execsup; not a child (waitpid ECHILD); none of our descriptors (the pipe sees
    EOF); its own process group (a SIGINT to ours misses it); gone once the pledger is."""
    r = run("supervisor", penalty=penalty, user=user)
    assert r.lines == ["pledge ok", "op waitpid err ECHILD",
                       "supervisor comm scopes-execsup", "supervisor parent other",
                       "supervisor pgrp other", "pipe eof", "supervisor after-sigint alive",
                       "status exit 0", "supervisor after-exit gone"], r.describe()


# ---------------------------------------------------------------- 6. fail closed

@pytest.mark.parametrize("penalty", ["kill", "errno"])
def test_supervisor_killed_fails_closed(penalty, user):
    """SIGKILL to the supervisor: every call the supervised program does not grant fails
    ENOSYS, never allowed. In the image that pledged that is every ungranted call; an
    exec'd image gets nothing either, not even its loader's reads (the supervisor served
    them: the pledging image holds none of exec's loader grants), so a dynamic program
    fails to start with ENOSYS (exit 127)."""
    r = run("killsup", "getpid", "socket", "unix", penalty=penalty, user=user)
    assert r.lines == ["pledge ok", "supervisor comm scopes-execsup", "supervisor parent other",
                       "supervisor killed gone",
                       "op getpid ok pid", "op socket err ENOSYS", "op unix err ENOSYS",
                       "child exit 127", "status exit 0"], r.describe()
    assert "error while loading shared libraries: libscopes.so.0: cannot open shared " \
        "object file: Error 38" in r.stderr, r.describe()


# ---------------------------------------------------------------- 7. the pre-exec process gains nothing

@pytest.mark.parametrize("penalty", ["kill", "errno"])
def test_child_forked_before_exec_is_held(penalty, user):
    r = run("fork", "socket", "unix", penalty=penalty, user=user)
    child = (["child signal SIGSYS"] if penalty == "kill"
             else ["op socket err EPERM", "op unix err EPERM", "child exit 0"])
    assert r.lines == ["pledge ok", *child, "status exit 0"], r.describe()


@pytest.mark.parametrize("penalty", ["kill", "errno"])
def test_grandchild_forked_before_exec_is_held(penalty, user):
    r = run("fork2", "socket", penalty=penalty, user=user)
    grandchild = (["grandchild signal SIGSYS"] if penalty == "kill"
                  else ["op socket err EPERM", "grandchild exit 0"])
    assert r.lines == ["pledge ok", *grandchild, "child exit 0", "status exit 0"], r.describe()


@pytest.mark.parametrize("penalty", ["kill", "errno"])
def test_thread_is_held(penalty, user):
    r = run("thread", "socket", penalty=penalty, user=user)
    tail = (["status signal SIGSYS"] if penalty == "kill"
            else ["op socket err EPERM", "thread joined", "status exit 0"])
    assert r.lines == ["pledge ok", "thread start", *tail], r.describe()


@pytest.mark.parametrize("penalty", ["kill", "errno"])
def test_pre_exec_parent_held_after_its_child_execs(penalty, user):
    """A child's exec frees the child's image, never the parent that forked it."""
    r = run("exec-then-self", "socket", penalty=penalty, user=user)
    ends = [i for i, l in enumerate(r.lines) if l.startswith("child ")]
    assert len(ends) == 1, r.describe()
    assert r.lines[ends[0] + 1:] == pre_exec_lines(penalty, ["socket"]), r.describe()


# names a supervisor might trust: the shell, the supervisor's own, a program's
@pytest.mark.parametrize("name", ["sh", "scopes-execsup", "true", "helper"])
@pytest.mark.parametrize("penalty", ["kill", "errno"])
def test_renamed_process_is_held(name, penalty, user):
    """PR_SET_NAME (stdio grants it) changes comm, nothing else."""
    r = run("name", name, "socket", penalty=penalty, user=user)
    assert r.lines == ["pledge ok", "op set-name ok 0",
                       *pre_exec_lines(penalty, ["socket"])], r.describe()


# prctls that no stdio grants, tried to look like another process: PR_SET_DUMPABLE,
# and PR_SET_MM with PR_SET_MM_EXE_FILE to look exec'd
@pytest.mark.parametrize("scenario,op", [("dumpable", "set-dumpable"),
                                         ("setmm", "set-mm-exe")])
@pytest.mark.parametrize("penalty", ["kill", "errno"])
def test_ungranted_prctl_gains_nothing(scenario, op, penalty, user):
    """SIGSYS, or EPERM and the next violation EPERM too: the process stays held."""
    r = run(scenario, "socket", penalty=penalty, user=user)
    tail = (["status signal SIGSYS"] if penalty == "kill"
            else [f"op {op} err EPERM", "op socket err EPERM", "status exit 0"])
    assert r.lines == ["pledge ok", *tail], r.describe()


@pytest.mark.parametrize("penalty", ["kill", "errno"])
def test_failed_exec_is_no_exec(penalty, user):
    """A forged exec (execve that fails: a missing file, a directory) leaves the image held."""
    r = run("badexec", "socket", penalty=penalty, user=user)
    assert r.lines == ["pledge ok", "op exec-missing err ENOENT", "op exec-dir err EACCES",
                       *pre_exec_lines(penalty, ["socket"])], r.describe()


@pytest.mark.parametrize("promises,answer", [("stdio proc exec", "EPERM"),
                                             ("stdio proc exec error", "ENOSYS")], ids=set_id)
def test_interrupted_notification_keeps_the_penalty(promises, answer, user):
    """2000 violations while another thread keeps interrupting the caller (SA_RESTART):
    each restarted call is answered as the first, never allowed."""
    r = run("signals", "2000", promises=promises, penalty="errno", user=user)
    assert r.lines[:2] == ["pledge ok", "signals delivered"], r.describe()
    n, *tally = r.value("violations")
    assert int(n) >= 2000, r.describe()
    want = {"EPERM": "0", "ENOSYS": "0"}
    want[answer] = n
    assert tally == ["ok", "0", "EPERM", want["EPERM"], "ENOSYS", want["ENOSYS"],
                     "other", "0"], r.describe()
    assert r.lines[-1] == "status exit 0", r.describe()


def test_interrupted_notification_kill(user):
    r = run("signals", "50", penalty="kill", user=user)
    assert r.lines == ["pledge ok", "status signal SIGSYS"], r.describe()


RACE = 150


@pytest.mark.parametrize("penalty", ["kill", "errno"])
def test_race_pre_exec_forks_against_exec_images(penalty, user):
    """RACE cycles: an exec'd image comes and goes while a pre-exec fork violates: every
    pre-exec violation gets the penalty."""
    r = run("race", str(RACE), penalty=penalty, user=user, timeout=280)
    want = (f"SIGSYS {RACE} EPERM 0" if penalty == "kill" else f"SIGSYS 0 EPERM {RACE}")
    assert f"race pre-exec {want} ENOSYS 0 ok 0 other 0" in r.lines, r.describe()
    assert r.lines[-1] == "status exit 0", r.describe()


def test_race_exec_images_run_free(user):
    """The same race: every exec'd image's violation works (spec 1, under load)."""
    r = run("race", str(RACE), penalty="errno", user=user, timeout=280)
    assert f"race exec ok {RACE} other 0" in r.lines, r.describe()


REUSE = 5


def _reuse_needs(user):
    if user == "nobody":
        scopes_probes.require("userns")


@pytest.mark.parametrize("penalty", ["kill", "errno"])
def test_pid_reuse_by_a_pre_exec_fork(penalty, user):
    """An exec'd child is killed and its pid handed at once to a pre-exec fork (a pid
    namespace whose init sets ns_last_pid): that fork is held, every time."""
    _reuse_needs(user)
    r = run("reuse", str(REUSE), penalty=penalty, user=user)
    want = (f"SIGSYS {REUSE} EPERM 0" if penalty == "kill" else f"SIGSYS 0 EPERM {REUSE}")
    assert f"reuse hits {REUSE} {want} ENOSYS 0 ok 0 other 0" in r.lines, r.describe()
    assert r.lines[-1] == "status exit 0", r.describe()


def test_pid_reuse_exec_images_run_free(user):
    """In that pid namespace (with its own /proc), the exec'd images still run unrestricted."""
    _reuse_needs(user)
    r = run("reuse", str(REUSE), penalty="errno", user=user)
    assert f"reuse exec ok {REUSE} other 0" in r.lines, r.describe()


# ---------------------------------------------------------------- 8. the OpenBSD pattern

SCRIPT = "cat /etc/hostname >/dev/null && ls / >/dev/null && echo ok"


@pytest.mark.parametrize("penalty", ["kill", "errno"])
@pytest.mark.parametrize("promises", ["stdio rpath proc exec", "stdio proc exec"], ids=set_id)
def test_openbsd_sh_c(promises, penalty, user):
    """fork+execve /bin/sh -c '...' from a parent pledged without execpromises: ok, exit 0."""
    r = run("sh", SCRIPT, promises=promises, penalty=penalty, user=user)
    assert r.lines == ["pledge ok", "ok", "child exit 0", "status exit 0"], r.describe()


# ---------------------------------------------------------------- 9. the supervisor confines itself

CONFINED_SUBJECT = r"""
import ctypes, sys, time
lib = ctypes.CDLL(sys.argv[1])
if lib.scopes_pledge(b"stdio proc exec", None) != 0:
    sys.exit(3)
print(lib.scopes_exec_supervisor(), flush=True)
sys.stdin.read()
"""


def _status(pid):
    with open(f"/proc/{pid}/status") as f:
        return dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)


def test_supervisor_confines_itself(user):
    """Defence in depth: once it holds the listener, the supervisor runs under a filter of
    its own (no_new_privs, one filter; it had none), while the pledger waits."""
    argv = ["/usr/bin/python3", "-c", CONFINED_SUBJECT, str(built("libscopes/libscopes.so"))]
    if user == "nobody":
        argv = NOBODY + argv
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        pid = int(p.stdout.readline())
        assert pid > 0
        st = {}
        for _ in range(100):  # the filter comes right after the hand-off
            st = _status(pid)
            if st.get("Seccomp") == "2":
                break
            time.sleep(0.02)
        assert (st["Name"], st["NoNewPrivs"], st["Seccomp"], st["Seccomp_filters"]) == \
            ("scopes-execsup", "1", "2", "1"), st
    finally:
        p.stdin.close()
        p.wait(timeout=30)
    assert p.returncode == 0
