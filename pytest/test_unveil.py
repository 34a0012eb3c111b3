"""unveil(2) on Landlock: the matrix of permissions, files and directories,
nested paths, repeated calls, the lock, timing, and exec of an unveiled
program. Each case is a fresh scopes-steps process.

Where Linux cannot do what OpenBSD does, the test asserts the documented
Linux behaviour and says so (EACCES rather than ENOENT; rights add up along
a path; unveils take effect at the lock or the next pledge).
"""
import os
import pathlib
import shutil
import tempfile

import pytest

import scopes_probes
from test_landlock import landlock_abi
from test_run_common import NOBODY, steps, target, world_tree

pytestmark = scopes_probes.needs("landlock")


@pytest.fixture
def tree():
    """A world-accessible tree (pytest's own tmp_path is root's, mode 0700)."""
    top = pathlib.Path(tempfile.mkdtemp(prefix="scopes-unveil-", dir="/tmp"))
    try:
        yield world_tree(top)
    finally:
        shutil.rmtree(top, ignore_errors=True)


def lock_then(tree, unveils, ops):
    """unveil each (path, perms), lock, then the ops; returns the op lines."""
    args = []
    for path, perms in unveils:
        args += ["unveil", tree / path, perms]
    r = steps(*args, "unveil-lock", *ops)
    head = ["unveil ok"] * len(unveils) + ["unveil-lock ok"]
    assert r.returncode == 0, r
    assert r.lines[:len(head)] == head, r
    return r.lines[len(head):]


def P(tree, *parts):
    return str(tree.joinpath(*parts))


# (unveils, op, path, expected) — permissions on a directory
DIR_MATRIX = [
    ("r", "read", "d/f", "ok"),
    ("r", "read", "d/sub/g", "ok"),
    ("r", "list", "d", "ok 4"),
    ("r", "write", "d/f", "err EACCES"),
    ("r", "create", "d/new", "err EACCES"),
    ("r", "unlink", "d/f", "err EACCES"),
    ("r", "read", "other/h", "err EACCES"),
    ("w", "write", "d/f", "ok"),
    ("w", "trunc", "d/f", "ok"),
    ("w", "read", "d/f", "err EACCES"),
    ("w", "create", "d/new", "err EACCES"),
    ("rw", "read", "d/sub/g", "ok"),
    ("rw", "write", "d/sub/g", "ok"),
    ("c", "mkdir", "d/newdir", "ok"),
    ("c", "unlink", "d/f", "ok"),
    ("c", "rmdir", "d/sub", "err ENOTEMPTY"),
    ("c", "read", "d/f", "err EACCES"),
    ("wc", "create", "d/new", "ok"),
    ("rwc", "rename", ("d/f", "d/sub/f2"), "ok"),
    ("rwc", "link", ("d/f", "d/sub/f3"), "ok"),
    ("x", "read", "d/f", "ok"),  # Landlock's exec needs read: x carries r
    ("x", "write", "d/f", "err EACCES"),
    ("", "read", "d/f", "err EACCES"),
]


@pytest.mark.parametrize("perms,op,path,expected", DIR_MATRIX,
                         ids=[f"{p or 'none'}-{o}-{a if isinstance(a, str) else a[0]}"
                              for p, o, a, _ in DIR_MATRIX])
def test_directory_permissions(tree, perms, op, path, expected):
    paths = [path] if isinstance(path, str) else list(path)
    lines = lock_then(tree, [("d", perms)], [op, *[P(tree, p) for p in paths]])
    assert lines == [f"{op} {expected}"], lines


FILE_MATRIX = [
    ("r", "read", "d/f", "ok"),
    ("r", "write", "d/f", "err EACCES"),
    ("r", "read", "d/sub/g", "err EACCES"),
    ("w", "write", "d/f", "ok"),
    ("w", "read", "d/f", "err EACCES"),
    ("rw", "read", "d/f", "ok"),
    # c on a file: Landlock's create and remove rights live on directories
    ("c", "unlink", "d/f", "err EACCES"),
]


@pytest.mark.parametrize("perms,op,path,expected", FILE_MATRIX,
                         ids=[f"{p}-{o}-{a}" for p, o, a, _ in FILE_MATRIX])
def test_file_permissions(tree, perms, op, path, expected):
    lines = lock_then(tree, [("d/f", perms)], [op, P(tree, path)])
    assert lines == [f"{op} {expected}"], lines


def test_nested_unveil_adds_rights(tree):
    lines = lock_then(tree, [("d", "r"), ("d/sub", "rw")],
                      ["write", P(tree, "d/sub/g"), "write", P(tree, "d/f"), "read", P(tree, "d/f")])
    assert lines == ["write ok", "write err EACCES", "read ok"], lines


def test_nested_unveil_cannot_take_rights_away(tree):
    # OpenBSD: the most specific unveil wins (d/sub would be read-only).
    # Landlock: rights add up along the path. A documented difference.
    lines = lock_then(tree, [("d", "rw"), ("d/sub", "r")], ["write", P(tree, "d/sub/g")])
    assert lines == ["write ok"], lines
    lines = lock_then(tree, [("d", "r"), ("d/sub", "")], ["read", P(tree, "d/sub/g")])
    assert lines == ["read ok"], lines


def test_multiple_calls_accumulate(tree):
    lines = lock_then(tree, [("d/f", "r"), ("other", "r")],
                      ["read", P(tree, "d/f"), "read", P(tree, "other/h"), "read", P(tree, "d/sub/g")])
    assert lines == ["read ok", "read ok", "read err EACCES"], lines


@pytest.mark.parametrize("first,second,expected", [("r", "rw", "ok"), ("rw", "r", "err EACCES")])
def test_same_path_again_replaces_permissions(tree, first, second, expected):
    lines = lock_then(tree, [("d", first), ("d", second)], ["write", P(tree, "d/f")])
    assert lines == [f"write {expected}"], lines


def test_lock_refuses_further_unveils(tree):
    r = steps("unveil", tree / "d", "r", "unveil-lock", "unveil", tree / "other", "r",
              "unveil-lock", "read", tree / "other/h")
    assert r.lines == ["unveil ok", "unveil-lock ok", "unveil err EPERM", "unveil-lock err EPERM",
                       "read err EACCES"], r


def test_lock_without_unveils_hides_nothing(tree):
    # OpenBSD: "If the veil is not yet active, this does not activate it."
    r = steps("unveil-lock", "read", tree / "other/h", "unveil", tree / "d", "r")
    assert r.lines == ["unveil-lock ok", "read ok", "unveil err EPERM"], r


def test_unveils_take_effect_at_the_lock_not_before(tree):
    # OpenBSD hides the rest of the file system at the first unveil(); here
    # the unveils are collected and take effect together at the lock (or the
    # next pledge): Landlock rulesets cannot be extended once in force.
    r = steps("unveil", tree / "d", "r", "read", tree / "other/h", "unveil-lock",
              "read", tree / "other/h")
    assert r.lines == ["unveil ok", "read ok", "unveil-lock ok", "read err EACCES"], r


def test_unveils_take_effect_at_the_next_pledge(tree):
    r = steps("unveil", tree / "d", "r", "pledge", "stdio rpath", "-",
              "read", tree / "d/f", "read", tree / "other/h", "unveil", tree / "other", "r")
    assert r.lines == ["unveil ok", "pledge ok", "read ok", "read err EACCES",
                       "unveil err EPERM"], r


def test_pledge_keeping_unveil_then_more_unveils(tree):
    # Unveils after they first took effect can only narrow: the union is
    # committed as a further layer, and the earlier layer still hides other/.
    r = steps("unveil", tree / "d", "rw", "pledge", "stdio rpath wpath unveil", "-",
              "unveil", tree / "other", "r", "unveil", tree / "d", "r", "unveil-lock",
              "read", tree / "d/f", "write", tree / "d/f", "read", tree / "other/h")
    assert r.lines == ["unveil ok", "pledge ok", "unveil ok", "unveil ok", "unveil-lock ok",
                       "read ok", "write err EACCES", "read err EACCES"], r


def test_the_usual_order_pledge_unveil_pledge(tree):
    r = steps("pledge", "stdio rpath wpath cpath unveil", "-",
              "unveil", tree / "d", "rwc", "unveil", tree / "other", "r",
              "pledge", "stdio rpath wpath cpath", "-",
              "create", tree / "d/new", "read", tree / "other/h", "write", tree / "other/h",
              "read", "/etc/hostname", "unveil", tree / "d", "r")
    assert r.lines == ["pledge ok", "unveil ok", "unveil ok", "pledge ok", "create ok", "read ok",
                       "write err EACCES", "read err EACCES", "unveil err EPERM"], r


def test_unveil_needs_the_unveil_promise(tree):
    r = steps("pledge", "stdio rpath", "-", "unveil", tree / "d", "r")
    assert r.lines == ["pledge ok", "unveil err EPERM"], r


@pytest.mark.parametrize("args,err", [
    (["unveil", "/tmp", "rz"], "EINVAL"),
    (["unveil", "/tmp", "R"], "EINVAL"),
    (["unveil-null-path", "r"], "EINVAL"),
    (["unveil", "/nonexistent/scopes", "r"], "ENOENT"),
    (["unveil", "/etc/hostname/x", "r"], "ENOTDIR"),
])
def test_unveil_errors(args, err):
    r = steps(*args)
    assert r.lines == [f"{args[0]} err {err}"], r


def test_too_many_unveils(tree):
    for i in range(257):
        (tree / f"n{i}").write_text("")
    args = []
    for i in range(257):
        args += ["unveil", tree / f"n{i}", "r"]
    r = steps(*args)
    assert r.lines == ["unveil ok"] * 256 + ["unveil err E2BIG"], r.lines[-3:]


@pytest.mark.parametrize("static", [False, True], ids=["dynamic", "static"])
@pytest.mark.parametrize("perms,expected", [("x", "ok"), ("r", "err EACCES"), (None, "err EACCES")])
def test_exec_of_an_unveiled_program(tree, static, perms, expected):
    prog = target(static)
    args = ["unveil", tree / "d", "r"]
    if perms:
        args += ["unveil", prog, perms]
    r = steps(*args, "unveil-lock", "exec", prog, "read", tree / "d/f", "read", tree / "other/h")
    if expected == "ok":
        # the new image keeps the veil (Landlock stays across execve)
        assert r.lines[-2:] == ["read ok", "read err EACCES"], r
    else:
        assert r.lines[-1] == f"exec {expected}", r


def test_stat_is_not_hidden(tree):
    # OpenBSD answers ENOENT for paths outside the veil; Landlock cannot
    # restrict stat(2): metadata stays visible. A documented difference.
    lines = lock_then(tree, [("d", "r")], ["stat", P(tree, "other/h"), "read", P(tree, "other/h")])
    assert lines == ["stat ok", "read err EACCES"], lines


def test_other_threads_are_bound_by_the_lock(tree):
    """Every thread alive at the lock joins the unveil layer (threads.c)."""
    r = steps("threads", "1", "unveil", tree / "d", "r", "unveil-lock",
              "thread-read", tree / "other/h")
    assert r.lines == ["threads ok", "unveil ok", "unveil-lock ok", "thread-read err EACCES"], r


def test_unveil_unprivileged(tree):
    r = steps("unveil", tree / "d", "rwc", "unveil-lock", "create", tree / "d/new",
              "read", tree / "other/h", prefix=NOBODY)
    assert r.lines == ["unveil ok", "unveil-lock ok", "create ok", "read err EACCES"], r
    assert os.stat(tree / "d/new").st_uid == 65534
