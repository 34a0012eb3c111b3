"""Signals and terminals: reaching other processes, surviving the penalty, injecting input.

stdio may signal its own process only; proc may signal others. Under the TRAP
penalty an attacker can catch SIGSYS and go on, but the call it made must not
have happened; ignoring or blocking SIGSYS must not help either (the kernel
forces it). TIOCSTI and TIOCLINUX inject input into a terminal: no promise
grants them, tty and the full set included.
"""
import os

import pytest

from .adversary import (AUDIT_ARCH_X86_64, HI, SIGKILL, SIGUSR1, TIOCLINUX, TIOCSTI,
                        assert_err, assert_killed, assert_ok, attack, every_set, full_set,
                        set_id)

# id -> (raw call, what an attacker would gain); -V provides @victim
SIGNAL_OTHERS = {
    "kill-parent": (["@nr:kill", "@parent", SIGUSR1], "signal the parent (it counts what it gets)"),
    "kill-victim": (["@nr:kill", "@victim", SIGKILL], "kill another process"),
    "kill-pgrp": (["@nr:kill", 0, 0], "signal the whole process group"),
    "kill-all": (["@nr:kill", -1, 0], "signal every process we may"),
    "kill-all-32bit": (["@nr:kill", 0xFFFFFFFF, 0], "kill(-1) spelled in the low half only"),
    "tkill-victim": (["@nr:tkill", "@victim", SIGKILL], "a thread-directed kill of another process"),
    "tgkill-victim": (["@nr:tgkill", "@victim", "@victim", SIGKILL], "tgkill another process"),
    "rt_sigqueueinfo-parent": (["@nr:rt_sigqueueinfo", "@parent", SIGUSR1, "@buf"],
                               "queue a signal with data to the parent"),
    "rt_tgsigqueueinfo-victim": (["@nr:rt_tgsigqueueinfo", "@victim", "@victim", SIGKILL, "@buf"],
                                 "queue a signal to another thread group"),
    "pidfd_open-victim": (["@nr:pidfd_open", "@victim", 0], "a pidfd to signal another process"),
    "pidfd_send_signal": (["@nr:pidfd_send_signal", 0, SIGKILL, 0, 0], "signal through a pidfd"),
}


@pytest.mark.parametrize("attempt", sorted(SIGNAL_OTHERS))
def test_signal_other_processes_under_stdio(attempt, user):
    """Gain: SIGNAL_OTHERS[attempt][1]; expected: SIGSYS; the parent got nothing, the victim lives."""
    args, _ = SIGNAL_OTHERS[attempt]
    rep = attack("raw", *args, promises="stdio", victim=True, user=user)
    assert_killed(rep)
    assert rep.victim == "alive" and rep.parent_signals == 0, rep.describe()


def test_tgkill_own_tgid_other_tid():
    """Gain: tgkill(own tgid, another process's tid) passes the tgid check; expected: ESRCH, victim lives."""
    rep = attack("raw", "@nr:tgkill", "@self", "@victim", SIGKILL, promises="stdio", victim=True)
    assert_err(rep, "ESRCH")
    assert rep.victim == "alive", rep.describe()


def test_kill_victim_with_proc():
    """Control: with proc the same kill lands (the victim dies by SIGKILL)."""
    rep = attack("raw", "@nr:kill", "@victim", SIGKILL, promises="stdio proc", victim=True)
    assert_ok(rep, 0)
    assert rep.victim == "dead SIGKILL", rep.describe()


def test_kill_parent_with_proc():
    """Control: with proc the parent receives the signal (so parent-signals 0 above means something)."""
    rep = attack("raw", "@nr:kill", "@parent", SIGUSR1, promises="stdio proc")
    assert_ok(rep, 0)
    assert rep.parent_signals == 1, rep.describe()


@pytest.mark.parametrize("cmd,arg", [(8, "@parent"), (15, "@buf"), (10, SIGUSR1), (1024, 1),
                                     (1026, 0x80000000), (1031, 1 << 20)],
                         ids=["F_SETOWN", "F_SETOWN_EX", "F_SETSIG", "F_SETLEASE", "F_NOTIFY",
                              "F_SETPIPE_SZ"])
@pytest.mark.parametrize("promises", ["stdio", full_set()], ids=set_id)
def test_fcntl_commands_outside_stdio(cmd, arg, promises):
    """Gain: route SIGIO to another process, leases, notifications; expected: SIGSYS, the parent got nothing."""
    rep = attack("raw", "@nr:fcntl", "@pair", cmd, arg, promises=promises)
    assert_killed(rep)


@pytest.mark.parametrize("req", [0x8901, 0x8902], ids=["FIOSETOWN", "SIOCSPGRP"])
def test_ioctl_set_owner(req):
    """Gain: direct SIGIO/SIGURG at the parent through ioctl; expected: SIGSYS under stdio and inet."""
    assert_killed(attack("raw", "@nr:ioctl", "@udp", req, "@buf", promises="stdio inet"))


# ---- surviving the TRAP penalty


def test_trap_handler_survives_but_the_call_did_not_happen(wdir, user):
    """Gain: a SIGSYS handler to go on after unlink; expected: trapped once, the file intact."""
    target = os.path.join(wdir, "keep")
    rep = attack("raw", "@nr:unlink", "@str:" + target, promises="stdio", penalty="trap",
                 handler="catch", create=target, user=user)
    assert rep.exit == 0 and rep.trapped == 1 and rep.trapped_arch == AUDIT_ARCH_X86_64, rep.describe()
    assert rep.errname == "EPERM" and rep.files[target].endswith("original"), rep.describe()


def test_trap_handler_retrying_the_call(wdir):
    """Gain: redo the trapped call from inside the handler; expected: trapped again, file intact."""
    target = os.path.join(wdir, "keep")
    rep = attack("raw", "@nr:unlink", "@str:" + target, promises="stdio", penalty="trap",
                 handler="retry", create=target)
    assert rep.trapped == 2 and rep.info["retry"] == -1, rep.describe()
    assert rep.files[target].endswith("original"), rep.describe()


def test_trap_handler_control(wdir):
    """Control: with cpath the same unlink happens (the file is gone, nothing trapped)."""
    target = os.path.join(wdir, "keep")
    rep = attack("raw", "@nr:unlink", "@str:" + target, promises="stdio cpath", penalty="trap",
                 handler="catch", create=target)
    assert_ok(rep, 0)
    assert rep.trapped == 0 and rep.files[target] == "absent", rep.describe()


@pytest.mark.parametrize("how", ["ign", "block"])
def test_trap_with_sigsys_ignored_or_blocked(how, wdir, user):
    """Gain: SIG_IGN or a blocked SIGSYS to shrug TRAP off; expected: killed by SIGSYS, file intact."""
    target = os.path.join(wdir, "keep")
    rep = attack("sigsys-disposition", how, "@nr:unlink", "@str:" + target, promises="stdio",
                 penalty="trap", create=target, user=user)
    assert_killed(rep)
    assert rep.files[target].endswith("original"), rep.describe()


def test_errno_penalty_call_did_not_happen(wdir):
    """Gain: under ERRNO the attacker goes on; expected: EPERM and the file intact."""
    target = os.path.join(wdir, "keep")
    rep = attack("raw", "@nr:unlink", "@str:" + target, promises="stdio", penalty="errno",
                 create=target)
    assert_err(rep, "EPERM")
    assert rep.files[target].endswith("original"), rep.describe()


# ---- terminal injection


@pytest.mark.parametrize("promises", every_set() + ["stdio tty rpath wpath"], ids=set_id)
@pytest.mark.parametrize("req", [TIOCSTI, TIOCLINUX, TIOCSTI | HI, TIOCLINUX | HI],
                         ids=["TIOCSTI", "TIOCLINUX", "TIOCSTI-hi", "TIOCLINUX-hi"])
def test_terminal_injection(req, promises, user):
    """Gain: push keystrokes into a terminal (TIOCSTI/TIOCLINUX; the kernel truncates the high half); expected: SIGSYS."""
    assert_killed(attack("raw", "@nr:ioctl", "@ptys", req, "@str:x", promises=promises, user=user))


def test_terminal_injection_control():
    """Control: unpledged as root, TIOCSTI on the pseudo-terminal really injects (returns 0)."""
    # the switch exists from Linux 6.2; before it, TIOCSTI always injects
    try:
        with open("/proc/sys/dev/tty/legacy_tiocsti") as f:
            legacy = f.read().strip()
    except FileNotFoundError:
        legacy = "1"
    if legacy != "1":
        pytest.skip("TIOCSTI disabled system-wide (dev.tty.legacy_tiocsti=0)")
    assert_ok(attack("raw", "@nr:ioctl", "@ptys", TIOCSTI, "@str:x", no_pledge=True), 0)


@pytest.mark.parametrize("req", [0x5423, 0x541D, 0x540E, 0x5422, 0x5457, 0x5425],
                         ids=["TIOCSETD", "TIOCCONS", "TIOCSCTTY", "TIOCNOTTY", "TIOCSLCKTRMIOS",
                              "TCSBRKP"])
def test_tty_ioctls_outside_tty(req):
    """Gain: line discipline, console redirection, controlling tty; expected: SIGSYS under stdio tty."""
    assert_killed(attack("raw", "@nr:ioctl", "@ptys", req, "@buf", promises="stdio tty"))


@pytest.mark.parametrize("req", [0x5401, 0x5413], ids=["TCGETS", "TIOCGWINSZ"])
def test_tty_ioctls_tty_grants(req):
    """Control: what tty grants works on the same descriptor."""
    assert_ok(attack("raw", "@nr:ioctl", "@ptys", req, "@buf", promises="stdio tty"), 0)
