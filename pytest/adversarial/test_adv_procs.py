"""Threads and processes around the pledge: who is bound, and who is not.

The filter is installed with thread sync: every thread of the process is bound
at once, including threads started before the pledge and threads racing it.
Children forked after the pledge inherit it. A child forked before the pledge
is a separate process that never pledged: it is not bound (as on OpenBSD,
where pledge applies to the calling process only) - expected behaviour,
documented by a test: fork helpers after pledging, or have them pledge.
"""
import os

import pytest

from .adversary import SIGSYS, assert_killed, assert_ok, attack, set_id


def test_thread_started_before_the_pledge(wdir, user):
    """Gain: a thread from before the pledge unlinks a file; expected: SIGSYS (TSYNC), file intact."""
    target = os.path.join(wdir, "keep")
    rep = attack("thread-before", "@nr:unlink", "@str:" + target, promises="stdio", create=target,
                 user=user)
    assert_killed(rep)
    assert rep.files[target].endswith("original"), rep.describe()


def test_thread_started_before_the_pledge_control(wdir):
    """Control: with cpath the same thread's unlink happens (the thread really acts)."""
    target = os.path.join(wdir, "keep")
    rep = attack("thread-before", "@nr:unlink", "@str:" + target, promises="stdio cpath",
                 create=target)
    assert_ok(rep, 0)
    assert rep.files[target] == "absent", rep.describe()


def test_thread_racing_the_pledge_errno(user):
    """Gain: a thread hammering getpriority while the pledge goes on; expected: no success once it returned."""
    rep = attack("thread-race", "@nr:getpriority", 0, 0, promises="stdio", penalty="errno", user=user)
    assert rep.exit == 0 and rep.kind == "ok" and rep.value == 0, rep.describe()
    assert rep.info["post_attempts"] >= 1000 and rep.info["post_ok"] == 0, rep.describe()


def test_thread_racing_the_pledge_kill():
    """Gain: the same race under KILL; expected: the process dies by SIGSYS, no success after the pledge."""
    rep = attack("thread-race", "@nr:getpriority", 0, 0, promises="stdio")
    # The racing thread may be killed between the filter's thread sync and
    # the main thread's report of the pledge, so "pledge ok" can be missing:
    # only a filter sends SIGSYS, so the signal itself proves the pledge.
    assert rep.signal == SIGSYS and rep.kind == "none", rep.describe()
    assert rep.info.get("post_ok", 0) == 0, rep.describe()


def test_child_forked_before_the_pledge_is_not_bound(wdir, user):
    """Expected behaviour: a child forked before the pledge never pledged; its mkdir succeeds.

    Documented, not a hole: pledge binds the calling process (and its later
    children). A program must pledge before forking helpers, or make them
    pledge. The pledged parent can still ask such a child to act for it.
    """
    target = os.path.join(wdir, "made-by-early-child")
    rep = attack("fork-before", "@nr:mkdir", "@str:" + target, 0o755, promises="stdio",
                 watch=target, user=user)
    assert rep.info["child_result"] == 0 and rep.files[target].startswith("present"), rep.describe()


@pytest.mark.parametrize("promises", ["stdio proc", "stdio rpath wpath fattr proc exec prot_exec unix"],
                         ids=set_id)
def test_child_forked_after_the_pledge_is_bound(promises, wdir, user):
    """Gain: a child forked after the pledge does what the parent may not; expected: the child dies by SIGSYS."""
    target = os.path.join(wdir, "made-by-late-child")
    rep = attack("fork-after", "@nr:mkdir", "@str:" + target, 0o755, promises=promises,
                 watch=target, user=user)
    assert rep.kind == "ok" and rep.info["child_signal"] == SIGSYS, rep.describe()
    assert rep.files[target] == "absent", rep.describe()


def test_child_forked_after_cannot_pledge_wider():
    """Gain: the child asks for rpath its parent dropped; expected: EPERM."""
    rep = attack("fork-after", "pledge:stdio rpath", promises="stdio proc")
    assert rep.info["child_result"] == -1 and rep.info["child_signal"] == 0, rep.describe()  # -EPERM


@pytest.mark.parametrize("call", ["@nr:fork", "@nr:vfork"])
def test_fork_under_stdio(call, user):
    """Gain: a new process without proc; expected: SIGSYS."""
    assert_killed(attack("raw", call, promises="stdio", user=user))
