"""Landlock escapes: leaving the unveiled tree, or /tmp under tmppath.

A filter cannot read paths; scopes_unveil and the path-scoped promises put a
Landlock ruleset under the filter (docs/promises.md, "seccomp decides the verb,
Landlock decides the place"). The attacker holds rpath/wpath/cpath (the verbs)
and tries to reach a file outside the place: `..`, symlinks, new hard links
and renames, a directory descriptor opened before the unveil, /proc/self/fd
and /proc/self/root, chdir. Landlock answers EACCES (EXDEV for links across
directories). Documented, expected: a file descriptor opened before the
unveil still reads, a hard link or bind mount made before it is part of the
tree (Landlock checks the path at open time); nothing can make new mounts.
"""
import os
import subprocess

import pytest

from .adversary import (AT_FDCWD, O_RDONLY, O_RDWR, O_WRONLY, assert_err, assert_ok, attack,
                        built)

PROMISES = "stdio rpath wpath cpath"


@pytest.fixture(scope="module", autouse=True)
def landlock_usable():
    proc = subprocess.run([str(built("tests/adversarial/scopes-attack")), "-n", "-U", "/=r", "raw",
                           "@nr:getpid"], capture_output=True, text=True)
    if proc.returncode == 3 and "Function not implemented" in proc.stderr:
        pytest.skip("no Landlock on this kernel: unveil and path-scoped promises grant nothing")
    assert proc.returncode == 0, proc.stderr


@pytest.fixture
def tree(wdir):
    """wdir/inside (unveiled rwc) with ok, sym -> ../outside/secret, hl (hard link to it);
    wdir/outside/secret (mode 0666, so only Landlock stands in the way)."""
    inside, outside = os.path.join(wdir, "inside"), os.path.join(wdir, "outside")
    os.mkdir(inside, 0o777)
    os.mkdir(outside, 0o777)
    os.chmod(inside, 0o777)
    os.chmod(outside, 0o777)
    for path, text in ((os.path.join(inside, "ok"), "fine\n"), (os.path.join(outside, "secret"), "secret\n")):
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o666)
    os.symlink("../outside/secret", os.path.join(inside, "sym"))
    os.link(os.path.join(outside, "secret"), os.path.join(inside, "hl"))
    return {"wdir": wdir, "inside": inside, "outside": outside,
            "secret": os.path.join(outside, "secret")}


def unveiled(tree, *args, promises=PROMISES, **kw):
    return attack(*args, promises=promises, unveil=[tree["inside"] + "=rwc"], **kw)


def test_unveiled_file_opens(tree, user):
    """Control: the unveiled file opens read-write."""
    assert_ok(unveiled(tree, "raw", "@nr:openat", AT_FDCWD, "@str:" + tree["inside"] + "/ok", O_RDWR,
                       user=user))


def test_outside_file_control(tree, user):
    """Control: without the unveil the outside file opens (so EACCES below is Landlock's)."""
    assert_ok(attack("raw", "@nr:openat", AT_FDCWD, "@str:" + tree["secret"], O_RDWR,
                     promises=PROMISES, user=user))


# id -> (path to open, relative to the tree, or a token; what it tries)
OPEN_ESCAPES = {
    "direct": ("@str:{secret}", "the outside file by its path"),
    "dotdot": ("@str:{inside}/../outside/secret", "`..` out of the unveiled directory"),
    "symlink": ("@str:{inside}/sym", "a symlink inside pointing outside"),
    "proc-self-fd": ("@fdpath:{secret}", "reopen an O_PATH descriptor from before the unveil"),
    "proc-self-root": ("@str:/proc/self/root{secret}", "the path through /proc/self/root"),
}


@pytest.mark.parametrize("flags", [O_RDONLY, O_WRONLY], ids=["read", "write"])
@pytest.mark.parametrize("escape", sorted(OPEN_ESCAPES))
def test_unveil_open_escapes(escape, flags, tree, user):
    """Gain: open the outside file (OPEN_ESCAPES[escape][1]); expected: EACCES."""
    path = OPEN_ESCAPES[escape][0].format(**tree)
    assert_err(unveiled(tree, "raw", "@nr:openat", AT_FDCWD, path, flags, user=user), "EACCES")


def test_unveil_dirfd_opened_before(tree, user):
    """Gain: openat on a directory descriptor opened before the unveil; expected: EACCES."""
    assert_err(unveiled(tree, "raw", "@nr:openat", "@fd:" + tree["outside"], "@str:secret", O_RDONLY,
                        user=user), "EACCES")


def test_unveil_chdir_then_relative_open(tree, user):
    """Gain: chdir (not a Landlock right) outside, then a relative open; expected: EACCES."""
    assert_err(unveiled(tree, "chdir-open", tree["outside"], "secret", O_RDONLY, user=user), "EACCES")


def test_unveil_new_symlink(tree, user):
    """Gain: make a new symlink inside pointing outside; expected: it is made, but opening it is EACCES."""
    link = os.path.join(tree["inside"], "newsym")
    assert_ok(unveiled(tree, "raw", "@nr:symlinkat", "@str:" + tree["secret"], AT_FDCWD, "@str:" + link,
                       user=user), 0)
    assert_err(unveiled(tree, "raw", "@nr:openat", AT_FDCWD, "@str:" + link, O_RDONLY, user=user),
               "EACCES")


def test_unveil_new_hard_link(tree, user):
    """Gain: hard-link the outside file into the unveiled directory; expected: EXDEV, no link."""
    link = os.path.join(tree["inside"], "newlink")
    rep = unveiled(tree, "raw", "@nr:linkat", AT_FDCWD, "@str:" + tree["secret"], AT_FDCWD,
                   "@str:" + link, 0, watch=link, user=user)
    assert_err(rep, "EXDEV")
    assert rep.files[link] == "absent", rep.describe()


def test_unveil_rename_in(tree, user):
    """Gain: move the outside file into the unveiled directory; expected: EACCES, nothing moved."""
    dest = os.path.join(tree["inside"], "moved")
    rep = unveiled(tree, "raw", "@nr:renameat", AT_FDCWD, "@str:" + tree["secret"], AT_FDCWD,
                   "@str:" + dest, watch=dest, user=user)
    assert_err(rep, "EACCES")
    assert rep.files[dest] == "absent" and os.path.exists(tree["secret"]), rep.describe()


@pytest.mark.parametrize("call", ["truncate", "unlink"])
def test_unveil_change_outside(call, tree, user):
    """Gain: truncate or remove the outside file by path; expected: EACCES, the file intact."""
    victim = os.path.join(tree["outside"], "witness")
    args = ["@nr:truncate", "@str:" + victim, 0] if call == "truncate" else \
        ["@nr:unlinkat", AT_FDCWD, "@str:" + victim, 0]
    rep = unveiled(tree, "raw", *args, create=victim, user=user)
    assert_err(rep, "EACCES")
    assert rep.files[victim].endswith("original") and "size 9 " in rep.files[victim], rep.describe()


def test_unveil_exec_outside(tree, user):
    """Gain: exec a program outside the unveil (no "x"); expected: EACCES."""
    assert_err(unveiled(tree, "exec", "execve", "/bin/echo", "EXECUTED", promises="stdio rpath exec",
                        user=user), "EACCES")


def test_unveil_closes_proc_self_mem(tree):
    """Gain: the /proc/self/mem code patch (the wpath hole); expected: EACCES once /proc is not unveiled."""
    assert_err(unveiled(tree, "exec-code", "procmem", promises="stdio rpath wpath"), "EACCES")


@pytest.mark.parametrize("promises", [PROMISES, PROMISES + " unveil"])
def test_unveil_more_after_the_lock(promises, tree):
    """Gain: unveil / after the lock, holding the unveil promise or not; expected: EPERM."""
    rep = unveiled(tree, "raw", "unveil:/=rwc", promises=promises)
    assert_err(rep, "EPERM")
    assert_err(unveiled(tree, "raw", "@nr:openat", AT_FDCWD, "@str:" + tree["secret"], O_RDONLY,
                        promises=promises), "EACCES")


# ---- documented, expected: what existed before the unveil


def test_unveil_fd_opened_before_still_reads(tree, user):
    """Expected behaviour: a file descriptor opened before the unveil reads on (Landlock checks opens)."""
    rep = unveiled(tree, "raw", "@nr:read", "@fd:" + tree["secret"], "@buf", 64, user=user)
    assert_ok(rep, len("secret\n"))


def test_unveil_hard_link_made_before_is_inside(tree, user):
    """Expected behaviour: a hard link made before the unveil is a path beneath it, and opens."""
    assert_ok(unveiled(tree, "raw", "@nr:openat", AT_FDCWD, "@str:" + tree["inside"] + "/hl", O_RDONLY,
                       user=user))


def test_unveil_bind_mount_made_before_is_inside(tree):
    """Expected behaviour: a bind mount made before the unveil is part of the tree; no new mounts after."""
    mnt = os.path.join(tree["inside"], "bind")
    os.mkdir(mnt)
    rep = attack("raw", "@nr:openat", AT_FDCWD, "@str:" + mnt + "/secret", O_RDONLY, promises=PROMISES,
                 unveil=[tree["inside"] + "=r"],
                 wrap=["unshare", "--mount", "--propagation", "private", "sh", "-c",
                       'o=$1; m=$2; shift 2; mount --bind "$o" "$m" && exec "$@"', "sh",
                       tree["outside"], mnt])
    assert_ok(rep)
    rep = unveiled(tree, "raw", "@nr:mount", "@str:" + tree["outside"], "@str:" + mnt, 0, 0x1000, 0,
                   promises=PROMISES)
    assert rep.killed, rep.describe()


# ---- tmppath: /tmp and nothing else

TMP_ESCAPES = {
    "etc-passwd": ("@str:/etc/passwd", "a file outside /tmp"),
    "dotdot": ("@str:/tmp/../etc/passwd", "`..` out of /tmp"),
    "symlink": ("@str:{wdir}/outlink", "a symlink in /tmp pointing outside"),
    "proc-self-fd": ("@fdpath:/etc/passwd", "an O_PATH descriptor from before the pledge"),
    "proc-self-mem": ("@str:/proc/self/mem", "our own memory through /proc"),
}


@pytest.mark.parametrize("escape", sorted(TMP_ESCAPES))
def test_tmppath_escapes(escape, wdir, user):
    """Gain: TMP_ESCAPES[escape][1] under stdio tmppath; expected: EACCES."""
    os.symlink("/etc/passwd", os.path.join(wdir, "outlink"))
    path = TMP_ESCAPES[escape][0].format(wdir=wdir)
    assert_err(attack("raw", "@nr:openat", AT_FDCWD, path, O_RDONLY, promises="stdio tmppath",
                      user=user), "EACCES")


def test_tmppath_dirfd_opened_before(user):
    """Gain: openat on /etc opened before the pledge; expected: EACCES."""
    assert_err(attack("raw", "@nr:openat", "@fd:/etc", "@str:passwd", O_RDONLY,
                      promises="stdio tmppath", user=user), "EACCES")


def test_tmppath_write_outside(user):
    """Gain: write a file outside /tmp (in /var/tmp); expected: EACCES, the file intact."""
    victim = "/var/tmp/scopes-adv-%d-%s" % (os.getpid(), user)
    try:
        rep = attack("raw", "@nr:openat", AT_FDCWD, "@str:" + victim, O_WRONLY, promises="stdio tmppath",
                     create=victim, user=user)
        assert_err(rep, "EACCES")
        assert rep.files[victim].endswith("original"), rep.describe()
    finally:
        if os.path.exists(victim):
            os.unlink(victim)


def test_tmppath_control(wdir, user):
    """Control: under /tmp the same process creates and writes."""
    target = os.path.join(wdir, "made")
    rep = attack("raw", "@nr:openat", AT_FDCWD, "@str:" + target, O_WRONLY | 0o100, 0o600,
                 promises="stdio tmppath", watch=target, user=user)
    assert rep.kind == "ok" and rep.files[target].startswith("present"), rep.describe()


def test_thread_before_a_landlock_pledge():
    """Gain: a thread from before the pledge keeps an unrestricted view; expected: no escape.

    Landlock binds the calling thread only before ABI 8: the library refuses
    the pledge (ESRCH) rather than grant the thread the opens without the
    ruleset. With ABI 8 (thread sync) the pledge succeeds and the thread is
    bound.
    """
    rep = attack("thread-before", "@nr:openat", AT_FDCWD, "@str:/etc/passwd", O_RDONLY,
                 promises="stdio tmppath")
    if rep.pledge == "ok":
        assert_err(rep, "EACCES")
    else:
        assert rep.pledge == "err ESRCH" and rep.kind == "none", rep.describe()


@pytest.mark.parametrize("how", ["thread-after", "fork-after"])
def test_later_threads_and_children_are_bound(how):
    """Gain: a thread or child started after a tmppath pledge reads /etc/passwd; expected: EACCES."""
    rep = attack(how, "@nr:openat", AT_FDCWD, "@str:/etc/passwd", O_RDONLY,
                 promises="stdio proc tmppath")
    if how == "fork-after":
        assert rep.info["child_result"] == -13 and rep.info["child_signal"] == 0, rep.describe()
    else:
        assert_err(rep, "EACCES")
