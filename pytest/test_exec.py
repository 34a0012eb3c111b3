"""execpromises: after execve the new image holds them, never more than the
promises current at the exec.

Dynamic images are narrowed by the shim (libscopes-exec.so, in LD_PRELOAD)
once the loader is done; static images and scrubbed environments cannot load
it and hold the promises current at the exec: the kernel keeps every filter.
Either way a call outside is stopped by the kernel at that call.
"""
import signal

import pytest

from conftest import build_dir
from test_run_common import NOBODY, run, steps, target

SIGSYS = signal.SIGSYS


def test_dynamic_image_is_narrowed_to_execpromises():
    r = steps("pledge", "stdio rpath exec", "stdio", "exec", target(),
              "env", "SCOPES_EXECPROMISES", "read", "/etc/hostname")
    assert r.signal == SIGSYS, r
    assert r.lines == ["pledge ok", "env ok stdio"], r


def test_dynamic_image_keeps_what_execpromises_grant():
    r = steps("pledge", "stdio rpath exec", "stdio rpath", "exec", target(),
              "read", "/etc/hostname", "socket")
    assert r.signal == SIGSYS, r
    assert r.lines == ["pledge ok", "read ok"], r


def test_dynamic_image_does_not_keep_exec_or_prot_exec():
    # exec's loader grants (read-only opens, PROT_EXEC) end with the shim's pledge
    for step in ("mmap-exec", "read"):
        r = steps("pledge", "stdio rpath exec prot_exec", "stdio", "exec", target(), step,
                  "/etc/hostname" if step == "read" else "")
        assert r.signal == SIGSYS, r
    r = steps("pledge", "stdio rpath exec", "stdio rpath", "exec", target(),
              "exec", target(), "env", "X")
    assert r.signal == SIGSYS, r
    assert r.lines == ["pledge ok"], r


def test_errno_penalty_reaches_the_new_image():
    r = steps("penalty", "errno", "pledge", "stdio rpath exec", "stdio", "exec", target(),
              "read", "/etc/hostname", "env", "SCOPES_EXECPENALTY")
    assert r.returncode == 0, r
    assert r.lines == ["penalty ok", "pledge ok", "read err EPERM", "env ok errno"], r


def test_execpromises_carry_on_to_the_next_image():
    # as on OpenBSD, the image started with execpromises keeps them as its own
    r = steps("pledge", "stdio rpath exec", "stdio rpath exec", "exec", target(),
              "exec", target(), "read", "/etc/hostname", "socket")
    assert r.signal == SIGSYS, r
    assert r.lines == ["pledge ok", "read ok"], r


@pytest.mark.parametrize("how", ["static", "scrubbed"])
def test_image_without_the_shim_holds_the_promises_current_at_exec(how):
    # no loader (static) or no environment (execve with an empty envp): no
    # shim; the kernel's bound is the pledge in force at the exec
    exec_step = ["exec", target(static=True)] if how == "static" else ["exec-noenv", target()]
    r = steps("pledge", "stdio rpath exec", "stdio", *exec_step, "read", "/etc/hostname", "socket")
    assert r.signal == SIGSYS, r
    assert r.lines == ["pledge ok", "read ok"], r


def test_execpromises_wider_than_held_are_refused():
    r = steps("pledge", "stdio exec", "-", "pledge", "-", "stdio rpath")
    assert r.lines == ["pledge ok", "pledge err EPERM"], r


def test_execpromises_null_leaves_the_environment_alone():
    r = steps("pledge", "stdio rpath exec", "-", "env", "SCOPES_EXECPROMISES", "env", "LD_PRELOAD")
    assert r.lines == ["pledge ok", "env ok (unset)", "env ok (unset)"], r


def test_the_environment_names_the_shim():
    shim = build_dir() / "libscopes" / "scopes" / "libscopes-exec.so"
    r = steps("pledge", "stdio exec", "stdio", "env", "LD_PRELOAD", "env", "SCOPES_EXECPENALTY",
              env={"LD_PRELOAD": "/lib/x86_64-linux-gnu/libc.so.6"})
    assert r.lines == ["pledge ok", f"env ok {shim}:/lib/x86_64-linux-gnu/libc.so.6",
                       "env ok kill"], r


# ---- the shim on its own: it can only narrow, and it fails closed

def shim_env(promises, penalty=None):
    env = {"LD_PRELOAD": str(build_dir() / "libscopes" / "scopes" / "libscopes-exec.so"),
           "SCOPES_EXECPROMISES": promises}
    if penalty:
        env["SCOPES_EXECPENALTY"] = penalty
    return env


def test_shim_narrows_an_unpledged_program():
    r = run([target(), "read", "/etc/hostname"], env=shim_env("stdio"))
    assert r.signal == SIGSYS, r
    r = run([target(), "read", "/etc/hostname"], env=shim_env("stdio", "errno"))
    assert r.lines == ["read err EPERM"], r


def test_shim_cannot_widen_the_pledge_in_force():
    # the parent's filter stays: a wider SCOPES_EXECPROMISES grants nothing
    r = steps("pledge", "stdio exec", "-", "exec", target(), "env", "SCOPES_EXECPROMISES",
              "socket", env=shim_env("stdio inet exec"))
    assert r.signal == SIGSYS, r
    assert r.lines == ["pledge ok", "env ok stdio inet exec"], r


@pytest.mark.parametrize("promises,penalty", [("stdio bogus", None), ("stdio", "lenient")])
def test_shim_fails_closed(promises, penalty):
    r = run([target(), "env", "X"], env=shim_env(promises, penalty))
    assert r.returncode == 126, r
    assert r.lines == [], r
    assert "scopes: execpromises could not be applied" in r.stderr, r


def test_shim_does_nothing_without_its_variable():
    env = shim_env("stdio")
    del env["SCOPES_EXECPROMISES"]
    r = run([target(), "read", "/etc/hostname"], env=env)
    assert r.lines == ["read ok"], r


def test_execpromises_unprivileged():
    r = steps("pledge", "stdio rpath exec", "stdio", "exec", target(), "env", "X",
              "read", "/etc/hostname", prefix=NOBODY)
    assert r.signal == SIGSYS, r
    assert r.lines == ["pledge ok", "env ok (unset)"], r
