"""Widening a pledge after the fact: a second pledge, another filter, no_new_privs.

A later pledge may only narrow (EPERM for a promise not held); a filter the
attacker adds itself cannot override the pledge's (the kernel takes the
strictest answer of all filters); no_new_privs and filter mode cannot be
switched off. The follow-up attempt is getpriority, which stdio does not
grant: it must still be killed after each try.
"""
import pytest

from .adversary import assert_err, assert_killed, attack

FOLLOW_UP = ["@nr:getpriority", 0, 0]


@pytest.mark.parametrize("wider", ["stdio proc", "stdio error", "stdio proc exec prot_exec"])
def test_second_pledge_asking_for_more(wider, user):
    """Gain: regain dropped promises (or soften the penalty with error); expected: EPERM, then SIGSYS."""
    rep = attack("pledge-again", wider, "-", *FOLLOW_UP, promises="stdio", user=user)
    assert_killed(rep)
    assert rep.info["pledge2"] == 1, rep.describe()  # EPERM


def test_second_pledge_asking_for_more_errno_penalty():
    """Gain: the same under ERRNO, to see the follow-up's answer; expected: EPERM twice."""
    rep = attack("pledge-again", "stdio proc", "-", *FOLLOW_UP, promises="stdio", penalty="errno")
    assert rep.info["pledge2"] == 1, rep.describe()
    assert_err(rep, "EPERM")


@pytest.mark.parametrize("env", ["log", "errno", "trap"])
def test_penalty_from_the_environment_after_the_pledge(env):
    """Gain: set SCOPES_PENALTY in our own environment and pledge again; expected: still SIGSYS."""
    rep = attack("pledge-again", "stdio", env, *FOLLOW_UP, promises="stdio")
    assert_killed(rep)


@pytest.mark.parametrize("how", ["seccomp", "tsync", "prctl", "log"])
def test_own_filter_returning_allow(how, user):
    """Gain: a filter of our own that allows everything (or logs); expected: it loads, changes nothing: SIGSYS."""
    rep = attack("seccomp-allow", how, *FOLLOW_UP, promises="stdio", user=user)
    assert rep.info["install"] == 0, rep.describe()
    assert_killed(rep)


def test_apply_a_wider_compiled_filter():
    """Gain: a wider filter compiled before the pledge, applied after; expected: EPERM, direct load no help."""
    rep = attack("apply-compiled", "stdio proc", *FOLLOW_UP, promises="stdio")
    assert rep.info["apply"] == 1 and rep.info["direct"] == 0, rep.describe()
    assert_killed(rep)


def test_clear_no_new_privs(user):
    """Gain: switch no_new_privs and seccomp off; expected: EINVAL for both, both still on."""
    rep = attack("clear-nnp", promises="stdio", user=user)
    assert_err(rep, "EINVAL")
    assert rep.info["disable_seccomp"] == -22, rep.describe()
    assert rep.info["nnp"] == 1 and rep.info["seccomp"] == 2, rep.describe()


def test_clear_no_new_privs_control():
    """Control: unpledged, the status reads no_new_privs 0 and seccomp 0 (the reading works)."""
    rep = attack("clear-nnp", no_pledge=True)
    assert rep.info["nnp"] == 0 and rep.info["seccomp"] == 0, rep.describe()
