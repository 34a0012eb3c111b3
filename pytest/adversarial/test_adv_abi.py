"""Other ABIs into the same kernel: x32 numbers, int $0x80, sysenter, and a far
return into the 32-bit code segment followed by syscall or int $0x80.

A filter that matches x86_64 numbers only is bypassed through any of them: the
i386 table gives the same numbers other meanings. docs/promises.md: foreign ABIs
are killed whatever the penalty, under every promise set. The attempt used is
exit_group(77), a call every pledge allows natively: if the architecture check
came after the number check it would get through.

The i386 entries exist only where the kernel has ia32 emulation: elsewhere
`int $0x80` faults (SIGSEGV) with no filter at all. A control run decides
(pytest/scopes_probes.py); without the entry those tests skip, and that is a
pass for the claim: no call enters through a door that does not exist. The
x32 attempts need no x32 table: the filter sees the x32 bit before the kernel
looks the number up, so they run everywhere.

The compat-* entries also need the CPU to run the 32-bit code segment: under
QEMU's emulation (TCG, the kernel matrix's guests) a far return to it kills
the process (SIGKILL) unpledged too. A control run of the entry decides.
"""
import functools

import pytest

import scopes_probes

from .adversary import (SIGSYS, assert_killed, assert_ok, attack, cpu_vendor, every_set,
                        full_set, set_id)

# (attack, syscall number token): the call is exit_group(77) through each entry
ENTRIES = {
    "x32": ("x32", "@nr:exit_group"),
    "int80": ("int80", "@nr32:exit_group"),
    "compat-int80": ("compat-int80", "@nr32:exit_group"),
    "compat-syscall": ("compat-syscall", "@nr32:exit_group"),
}
# The entry that reaches the kernel on this CPU in 32-bit mode: AMD has
# syscall there, Intel sysenter; the other raises #UD (SIGILL).
NATIVE32 = "compat-syscall" if cpu_vendor() == "AuthenticAMD" else "compat-int80"
# The entries into the i386 system call table: they need the i386 entry.
I386_ENTRIES = {"int80", "compat-int80", "compat-syscall"}


def entries(names):
    """Parameters for the entries, each i386 one marked as needing that entry."""
    return [pytest.param(e, id=e, marks=scopes_probes.needs("i386") if e in I386_ENTRIES else ())
            for e in names]


@functools.lru_cache(maxsize=None)
def compat_segment_control(entry):
    """The control run of a compat-* entry, unpledged: None where exit_group(77)
    runs; why not where the process dies by a signal with no filter at all."""
    name, nr = ENTRIES[entry]
    rep = attack(name, nr, 77, no_pledge=True)
    if rep.exit == 77 and rep.signal is None:
        return None
    if rep.signal is None:
        pytest.fail(f"the {entry} control is unclear: {rep.describe()}")
    return (f"{entry}: the 32-bit code segment does not run here (unpledged, killed by "
            f"{rep.signal.name}: an emulated CPU, e.g. QEMU TCG)")


def need_compat_segment(entry):
    if entry.startswith("compat-"):
        why = compat_segment_control(entry)
        if why:
            pytest.skip(why)


@pytest.mark.parametrize("entry", entries(["int80", "compat-int80", NATIVE32]))
def test_i386_entry_reaches_the_kernel_without_pledge(entry):
    """Control: unpledged, exit_group(77) through the i386 entry really runs (exit 77)."""
    need_compat_segment(entry)
    name, nr = ENTRIES[entry]
    rep = attack(name, nr, 77, no_pledge=True)
    assert rep.exit == 77 and rep.signal is None, rep.describe()


def test_x32_entry_without_pledge_matches_the_probe():
    """Control: unpledged, an x32 getpid answers ENOSYS where the kernel has no x32
    ABI, and runs (a pid) where it has one, as the kernel probe found."""
    rep = attack("x32", "@nr:getpid", no_pledge=True)
    if scopes_probes.have("x32"):
        assert rep.kind == "ok" and rep.value > 0, rep.describe()
    else:
        assert rep.errname == "ENOSYS", rep.describe()


@pytest.mark.parametrize("promises", every_set() + ["stdio error", full_set() + " error"],
                         ids=lambda s: set_id(s))
@pytest.mark.parametrize("entry", entries(sorted(ENTRIES)))
def test_foreign_abi_killed_under_every_set(entry, promises, user):
    """Gain: any i386/x32 call under x86_64 numbers; expected: SIGSYS under every set, `error` too."""
    need_compat_segment(entry)
    name, nr = ENTRIES[entry]
    assert_killed(attack(name, nr, 77, promises=promises, user=user))


@pytest.mark.parametrize("penalty", ["kill", "trap", "errno", "log"])
@pytest.mark.parametrize("entry", entries(sorted(ENTRIES)))
def test_foreign_abi_killed_whatever_the_penalty(entry, penalty):
    """Gain: survive a foreign call as EPERM/LOG or in a SIGSYS handler; expected: SIGSYS, no trap."""
    need_compat_segment(entry)
    name, nr = ENTRIES[entry]
    rep = attack(name, nr, 77, promises="stdio", penalty=penalty, handler="catch")
    assert_killed(rep)
    assert rep.trapped == 0, rep.describe()


@pytest.mark.parametrize("penalty,errname", [("trap", "EPERM"), ("errno", "EPERM"), ("log", None)])
def test_native_violation_is_survivable_under_the_same_penalty(penalty, errname):
    """Contrast for the test above: the penalty is in force; a native violation is not killed."""
    rep = attack("raw", "@nr:getpriority", 0, 0, promises="stdio", penalty=penalty, handler="catch")
    assert rep.signal is None and rep.exit == 0, rep.describe()
    if errname:
        assert rep.errname == errname, rep.describe()
    else:
        assert_ok(rep)
    assert rep.trapped == (1 if penalty == "trap" else 0), rep.describe()


@pytest.mark.parametrize("promises", ["stdio", full_set()], ids=set_id)
def test_x32_only_numbers_killed(promises, user):
    """Gain: x32-only entries (512-547, e.g. execve 520) bypassing a number list; expected: SIGSYS."""
    assert_killed(attack("x32", 520, promises=promises, user=user))


@pytest.mark.parametrize("promises", ["stdio", full_set()], ids=set_id)
def test_sysenter(promises):
    """Gain: the SYSENTER entry; expected: SIGSYS on Intel; on AMD it is #UD (SIGILL), pledged or not."""
    if cpu_vendor() != "AuthenticAMD":
        scopes_probes.require("i386")  # Intel: sysenter enters the i386 table
    ctl = attack("sysenter", "@nr32:exit_group", 77, no_pledge=True)
    rep = attack("sysenter", "@nr32:exit_group", 77, promises=promises)
    if cpu_vendor() == "AuthenticAMD":
        # AMD: sysenter is invalid in long mode and never enters the kernel
        assert ctl.signal.name == "SIGILL" and rep.signal.name == "SIGILL", rep.describe()
        assert rep.pledge == "ok", rep.describe()
    else:
        assert rep.signal == SIGSYS and rep.kind == "none", rep.describe()
