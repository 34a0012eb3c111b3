"""New code: executable memory without prot_exec, and running programs without exec.

An attacker who can make memory executable runs any code it writes; one who
can exec runs any program. Each attempt runs attacker-written code that returns
42: 42 coming back means the code ran. Every set without prot_exec must stop
it; "stdio prot_exec" lets it through (the attempt works), and so does `exec`,
which already lets any program run (docs/promises.md: exec includes what a loader
needs, PROT_EXEC among it).
"""
import os
import shutil
import subprocess

import pytest

from .adversary import assert_killed, assert_ok, attack, full_set, set_id

# Sets that hold neither prot_exec nor exec.
NO_EXEC_SETS = ["", "stdio", "stdio rpath wpath cpath fattr", "stdio proc", "stdio tty",
                "stdio inet unix dns route"]

# how -> what the attacker would gain (one line each)
EXEC_CODE = {
    "mprotect": "make an existing writable mapping executable (mprotect adds PROT_EXEC)",
    "pkey_mprotect": "the same through pkey_mprotect",
    "memfd": "write code into a memfd and map it PROT_READ|PROT_EXEC",
    "personality": "READ_IMPLIES_EXEC, then a plain PROT_READ|PROT_WRITE mapping runs",
}


@pytest.mark.parametrize("promises", NO_EXEC_SETS, ids=set_id)
@pytest.mark.parametrize("how", sorted(EXEC_CODE))
def test_exec_code_without_prot_exec(how, promises, user):
    """Gain: run attacker code (EXEC_CODE[how]); expected: SIGSYS under every set without prot_exec."""
    assert_killed(attack("exec-code", how, promises=promises, user=user))


@pytest.mark.parametrize("promises,how", [
    ("stdio prot_exec", "mprotect"), ("stdio prot_exec", "pkey_mprotect"),
    ("stdio prot_exec", "memfd")])
def test_exec_code_with_prot_exec(how, promises):
    """Control: the same attempt runs the code (42) once prot_exec is held."""
    assert_ok(attack("exec-code", how, promises=promises), 42)


@pytest.mark.parametrize("execpromises", ["stdio", None], ids=["execpromises", "null"])
def test_exec_code_memfd_under_exec(execpromises):
    """exec's loader grant is a file-backed, non-writable PROT_EXEC mapping, which the image
    that pledged keeps, with execpromises or under the exec supervisor alike (glibc maps NSS
    modules into it: inetd's child); a memfd written before it is mapped is such a file
    (documented residual); the code runs (42)."""
    assert_ok(attack("exec-code", "memfd", promises="stdio exec", execpromises=execpromises), 42)


@pytest.mark.parametrize("how", ["mprotect", "pkey_mprotect", "personality"])
def test_exec_code_under_exec_without_prot_exec(how, user):
    """Gain: executable memory under exec alone (Revision 2: exec's loader grant never
    makes anonymous or writable memory executable); expected: SIGSYS."""
    assert_killed(attack("exec-code", how, promises="stdio exec", user=user))


@pytest.mark.parametrize("promises", ["stdio prot_exec", full_set()], ids=set_id)
def test_personality_read_implies_exec_never(promises, user):
    """Gain: READ_IMPLIES_EXEC makes every later readable mapping executable; expected: SIGSYS, always."""
    assert_killed(attack("exec-code", "personality", promises=promises, user=user))


def test_personality_attempt_works_unpledged():
    """Control: unpledged, READ_IMPLIES_EXEC really makes a PROT_READ|PROT_WRITE page run (42)."""
    assert_ok(attack("exec-code", "personality", no_pledge=True), 42)


@pytest.mark.parametrize("kind", ["32", "64", "x32"])
@pytest.mark.parametrize("promises", ["stdio", "stdio rpath wpath cpath fattr proc"], ids=set_id)
def test_map_vdso_without_prot_exec(kind, promises, user):
    """Gain: arch_prctl(ARCH_MAP_VDSO_*) maps executable code at a chosen address; expected: SIGSYS.

    Regression test: `stdio` granted arch_prctl whole, and this attempt mapped
    the 32-bit vDSO (int $0x80 and sysenter gadgets) under pledge("stdio").
    """
    assert_killed(attack("map-vdso", kind, promises=promises, user=user))


@pytest.mark.parametrize("kind", ["32", "64"])
def test_map_vdso_with_prot_exec(kind):
    """Control: the attempt maps the image (8192 bytes of code) once prot_exec is held."""
    assert_ok(attack("map-vdso", kind, promises="stdio prot_exec"), 8192)


def test_arch_prctl_what_glibc_needs_stays_allowed():
    """Control for the fix above: ARCH_GET_FS works, old-CET probes answer EINVAL, not SIGSYS."""
    assert_ok(attack("raw", "@nr:arch_prctl", 0x1003, "@buf", promises="stdio"), 0)
    rep = attack("raw", "@nr:arch_prctl", 0x3001, "@buf", promises="stdio")
    assert rep.errname == "EINVAL", rep.describe()


@pytest.mark.parametrize("option", [0x5002, 0x5004], ids=["SHSTK_DISABLE", "SHSTK_UNLOCK"])
def test_arch_prctl_shadow_stack_weakening(option):
    """Gain: switch the shadow stack off; expected: SIGSYS under stdio."""
    assert_killed(attack("raw", "@nr:arch_prctl", option, 1, promises="stdio"))


@pytest.mark.xfail(strict=True, reason="known hole: with wpath, /proc/self/mem writes code "
                   "(FOLL_FORCE ignores page protections); a filter cannot see the path and "
                   "Landlock does not handle writes when wpath is held. Closed by an unveil that "
                   "leaves /proc out (test_unveil_closes_proc_self_mem), or by booting with "
                   "proc_mem.force_override=never")
@pytest.mark.parametrize("promises", ["stdio rpath wpath", "stdio wpath"])
def test_proc_self_mem_write_without_prot_exec(promises):
    """Gain: patch our own text through /proc/self/mem (runs 42); expected: refused without prot_exec."""
    rep = attack("exec-code", "procmem", promises=promises)
    assert rep.value != 42, rep.describe()


@pytest.mark.parametrize("promises", ["stdio", "stdio rpath", "stdio prot_exec"])
def test_proc_self_mem_without_wpath(promises):
    """Gain: the same /proc/self/mem patch; expected: SIGSYS without wpath (no writable open)."""
    assert_killed(attack("exec-code", "procmem", promises=promises))


# ---- running programs without `exec`

EXEC_HOW = {
    "execve": "execve a program by path",
    "execveat-fd": "fexecve: execveat(fd, \"\", AT_EMPTY_PATH) on a descriptor opened before the pledge",
    "memfd": "copy a program into a memfd made after the pledge and execveat it (fileless exec)",
}


@pytest.mark.parametrize("promises", NO_EXEC_SETS + ["stdio prot_exec"], ids=set_id)
@pytest.mark.parametrize("how", sorted(EXEC_HOW))
def test_exec_without_exec(how, promises, user):
    """Gain: run any program (EXEC_HOW[how]); expected: SIGSYS and the program never prints."""
    rep = attack("exec", how, "/bin/echo", "EXECUTED-" + how, promises=promises, user=user)
    assert_killed(rep)
    assert not any("EXECUTED" in line for line in rep.other), rep.describe()


@pytest.mark.parametrize("how", sorted(EXEC_HOW))
def test_exec_with_exec(how, user):
    """Control: with exec held each way runs the program (it prints its marker)."""
    rep = attack("exec", how, "/bin/echo", "EXECUTED-" + how, promises="stdio exec", user=user)
    assert "EXECUTED-" + how in rep.other and rep.exit == 0, rep.describe()


def test_exec_keeps_the_filter(wdir, user):
    """Gain: exec a program to shed the pledge (touch creates a file) where execpromises bound
    the new image; expected: touch dies by SIGSYS (the shim pledges "stdio" in it)."""
    target = os.path.join(wdir, "created-by-touch")
    rep = attack("exec", "execve", "/usr/bin/touch", target, promises="stdio exec",
                 execpromises="stdio", watch=target, user=user)
    assert rep.signal is not None and rep.signal.name == "SIGSYS" and \
        rep.files[target] == "absent", rep.describe()


def test_exec_null_execpromises_runs_unrestricted(wdir, user):
    """OpenBSD's meaning of NULL execpromises (issue 14): the exec'd image runs unrestricted
    by the pledge's filter (the exec supervisor continues its calls); touch creates the file."""
    target = os.path.join(wdir, "created-by-touch")
    rep = attack("exec", "execve", "/usr/bin/touch", target, promises="stdio exec", watch=target,
                 user=user)
    assert rep.exit == 0 and rep.files[target].startswith("present"), rep.describe()


def test_exec_keeps_the_filter_control(wdir, user):
    """Control: with the promises touch needs, the same exec creates the file."""
    target = os.path.join(wdir, "created-by-touch")
    rep = attack("exec", "execve", "/usr/bin/touch", target,
                 promises="stdio rpath wpath cpath fattr exec", watch=target, user=user)
    assert rep.exit == 0 and rep.files[target].startswith("present"), rep.describe()


@pytest.fixture
def suid_id(wdir):
    """A setuid-root copy of id(1) that nobody can run."""
    path = os.path.join(wdir, "id-suid")
    shutil.copy("/usr/bin/id", path)
    os.chown(path, 0, 0)
    os.chmod(path, 0o4755)
    # the scratch directory's file system must honour setuid for the control
    out = subprocess.run(NOBODY_ID + [path, "-u"], capture_output=True, text=True)
    if out.stdout.strip() != "0":
        pytest.fail(f"setuid copy does not run as root here (nosuid mount?): {out}")
    return path


from .adversary import NOBODY as NOBODY_ID  # noqa: E402


def test_exec_setuid_gains_no_privilege(suid_id):
    """Gain: exec a setuid-root program to become root; expected: no_new_privs, it runs as 65534."""
    rep = attack("exec", "execve", suid_id, "-u", promises="stdio rpath exec", user="nobody")
    assert rep.other == ["65534"] and rep.exit == 0, rep.describe()
