"""System calls that sidestep seccomp or every promise: never granted, whatever is held.

docs/promises.md lists them under "Never granted by any promise". Each attempt is
killed under every promise set (the full set included), answers ENOSYS under
`error`, and (where harmless) reaches the kernel when unpledged, to show the
attempt itself works.
"""
import os

import pytest

import scopes_probes

from .adversary import (CLONE_NEWNET, CLONE_NEWNS, CLONE_NEWUSER, READ_IMPLIES_EXEC,
                        assert_err, assert_killed, assert_ok, attack, every_set, full_set,
                        set_id)

# id -> (raw call, what an attacker would gain, the control may run it unpledged)
NEVER = {
    "io_uring_setup": (["@nr:io_uring_setup", 8, "@buf"],
                       "an io_uring: file and socket I/O that seccomp never sees", True),
    # a real ring cannot exist at a pledge (the first pledge refuses one:
    # EBUSY, below), so these aim at another descriptor: allowed, the kernel
    # would answer EOPNOTSUPP; the filter kills first
    "io_uring_enter": (["@nr:io_uring_enter", "@fd:/dev/null", 0, 0, 0, 0, 0],
                       "submit to a ring", True),
    "io_uring_register": (["@nr:io_uring_register", "@fd:/dev/null", 0, 0, 0],
                          "register files and buffers with a ring", True),
    "ptrace_traceme": (["@nr:ptrace", 0, 0, 0, 0],
                       "let the parent drive every call we make", False),
    "ptrace_attach": (["@nr:ptrace", 16, "@victim", 0, 0],
                      "take control of another process", True),
    "ptrace_seize": (["@nr:ptrace", 0x4206, "@victim", 0, 0],
                     "take control of another process without stopping it", True),
    "userfaultfd": (["@nr:userfaultfd", 0o2000000 | 1],
                    "a kernel exploitation primitive (stall kernel accesses)", True),
    "bpf": (["@nr:bpf", 0, "@buf", 72], "eBPF maps and programs in the kernel", True),
    "perf_event_open": (["@nr:perf_event_open", "@buf", 0, -1, -1, 0],
                        "kernel and other processes' state through perf", True),
    "unshare_user": (["@nr:unshare", CLONE_NEWUSER], "a user namespace: root inside it", True),
    "unshare_mount": (["@nr:unshare", CLONE_NEWNS], "a private mount table", False),
    "unshare_net": (["@nr:unshare", CLONE_NEWNET], "a private network stack", False),
    "setns": (["@nr:setns", "@fd:/proc/self/ns/net", 0], "enter another namespace", True),
    "mount": (["@nr:mount", 0, 0, 0, 0, 0], "change the mount table", True),
    "umount2": (["@nr:umount2", "@str:/nonexistent-scopes-adv", 0], "unmount", True),
    "pivot_root": (["@nr:pivot_root", 0, 0], "change the root file system", True),
    "chroot": (["@nr:chroot", "@str:/nonexistent-scopes-adv"], "change the root directory", True),
    "open_tree": (["@nr:open_tree", -100, "@str:/", 1], "a detached copy of a mount", True),
    "fsopen": (["@nr:fsopen", "@str:tmpfs", 0], "a new file system (new mount API)", True),
    "name_to_handle_at": (["@nr:name_to_handle_at", -100, "@str:/etc/passwd", "@buf", "@buf", 0],
                          "a file handle that later opens without a path check", True),
    "open_by_handle_at": (["@nr:open_by_handle_at", -100, "@buf", 0],
                          "open any file by handle, past path checks (shocker)", True),
    "keyctl": (["@nr:keyctl", 0, -3, 0], "the session keyring shared beyond the process", True),
    "add_key": (["@nr:add_key", "@str:user", "@str:scopes-adv", "@str:x", 1, -3],
                "store a key in a keyring shared beyond the process", False),
    "request_key": (["@nr:request_key", "@str:user", "@str:scopes-adv-none", 0, 0],
                    "look keys up (and run the upcall helper)", True),
    "process_madvise": (["@nr:process_madvise", -1, 0, 0, 0, 0], "act on another process's memory", True),
    "pidfd_getfd": (["@nr:pidfd_getfd", -1, 0, 0], "steal another process's descriptor", True),
    "kcmp": (["@nr:kcmp", "@self", "@parent", 0, 0, 0], "compare other processes' kernel objects", True),
    "remap_file_pages": (["@nr:remap_file_pages", "@shm", 4096, 0, 1, 0],
                         "rearrange a mapping outside mmap's checks", True),
    "personality": (["@nr:personality", READ_IMPLIES_EXEC],
                    "READ_IMPLIES_EXEC: readable memory becomes executable", True),
    "modify_ldt": (["@nr:modify_ldt", 0, "@buf", 16], "change the CPU's segment tables", True),
    "iopl": (["@nr:iopl", 3], "direct hardware port I/O", False),
    "fanotify_init": (["@nr:fanotify_init", 0, 0], "watch the whole file system", True),
    "syslog": (["@nr:syslog", 10, 0, 0], "read or control the kernel log", True),
    "io_setup": (["@nr:io_setup", 1, "@buf"], "Linux AIO, kernel attack surface", True),
    "memfd_secret": (["@nr:memfd_secret", 0], "secret memory outside any promise", True),
    "init_module": (["@nr:init_module", 0, 0, "@str:"], "load a kernel module", False),
    "kexec_load": (["@nr:kexec_load", 0, 0, 0, 0], "replace the running kernel", False),
    "reboot": (["@nr:reboot", 0, 0, 0, 0], "reboot the machine (bad magic here)", False),
    "get_robust_list": (["@nr:get_robust_list", "@parent", "@buf", "@buf"],
                        "read another thread's robust-futex list (ASLR leak)", True),
    "move_pages": (["@nr:move_pages", 0, 0, 0, 0, 0, 0], "move another process's pages", True),
    "shmget": (["@nr:shmget", 0, 4096, 0o600], "System V memory shared beyond the process", False),
}

# every set for root; the two ends of the range for nobody
CASES = [(p, "root") for p in every_set()] + [("stdio", "nobody"), (full_set(), "nobody")]


@pytest.mark.parametrize("promises,who", CASES, ids=[f"{w}-{set_id(p)}" for p, w in CASES])
@pytest.mark.parametrize("call", sorted(NEVER))
def test_never_granted(call, promises, who):
    """Gain: NEVER[call][1]; expected: SIGSYS under every promise set, the full set included."""
    args, gain, _ = NEVER[call]
    rep = attack("raw", *args, promises=promises, victim=True, user=who)
    assert_killed(rep)
    assert rep.victim == "alive", rep.describe()


@pytest.mark.parametrize("call", sorted(NEVER))
def test_never_granted_under_error_is_enosys(call):
    """Gain: NEVER[call][1] under `error`; expected: ENOSYS and the call did not happen."""
    args, gain, _ = NEVER[call]
    rep = attack("raw", *args, promises="stdio error", victim=True)
    assert_err(rep, "ENOSYS")
    assert rep.victim == "alive", rep.describe()


@pytest.mark.parametrize("call", sorted(c for c in NEVER if NEVER[c][2]))
def test_never_granted_reaches_the_kernel_unpledged(call):
    """Control: unpledged, each attempt is a real call (the kernel answers, nobody is killed)."""
    args, gain, _ = NEVER[call]
    rep = attack("raw", *args, no_pledge=True, victim=True)
    assert rep.signal is None and rep.kind in ("ok", "err"), rep.describe()


def test_ptrace_attach_unpledged_really_attaches():
    """Control: the attach attempt works without a pledge (so the SIGSYS above is the filter's)."""
    assert_ok(attack("raw", "@nr:ptrace", 0x4206, "@victim", 0, 0, no_pledge=True, victim=True), 0)


@pytest.mark.parametrize("promises", ["stdio", "stdio proc", full_set()], ids=set_id)
def test_process_vm_readv_parent(promises, user):
    """Gain: read the parent's memory (a secret); expected: SIGSYS, nothing leaked."""
    rep = attack("vm-read", promises=promises, user=user)
    assert_killed(rep)
    assert "leaked" not in rep.info, rep.describe()


def test_process_vm_readv_control():
    """Control: unpledged, the same attempt reads the driver's secret."""
    rep = attack("vm-read", no_pledge=True)
    assert rep.info.get("leaked") == 1, rep.describe()


@pytest.mark.parametrize("promises", ["stdio", "stdio proc", full_set()], ids=set_id)
def test_process_vm_writev_parent(promises, user):
    """Gain: write into the parent's memory; expected: SIGSYS, the parent's memory unchanged."""
    assert_killed(attack("vm-write", promises=promises, user=user))


# ---- prctl: stdio allows a short list of options; nothing else, under any promise

PRCTL_DENIED = {
    "PR_SET_DUMPABLE": ([4, 1], "make the process dumpable (core, /proc access by others)"),
    "PR_SET_PTRACER": ([0x59616D61, -1], "let any process ptrace us past Yama"),
    "PR_SET_MM": ([35, 1, 0], "rewrite our own memory map descriptors"),
    "PR_SET_PDEATHSIG": ([1, 9], "a signal delivered when the parent dies"),
    "PR_SET_CHILD_SUBREAPER": ([36, 1], "adopt orphaned descendants"),
    "PR_SET_SECUREBITS": ([28, 0], "change capability securebits"),
    "PR_CAP_AMBIENT": ([47, 2, 0], "raise an ambient capability"),
    "PR_SET_KEEPCAPS": ([8, 1], "keep capabilities across setuid"),
    "PR_SET_SPECULATION_CTRL": ([53, 0, 2], "switch speculation mitigations off"),
    "PR_SET_SYSCALL_USER_DISPATCH": ([59, 0, 0, 0, 0], "syscall user dispatch"),
    "PR_SET_TSC": ([26, 1], "change the time-stamp counter access"),
    "PR_SET_THP_DISABLE": ([41, 1], "change transparent huge pages"),
    "PR_SET_IO_FLUSHER": ([57, 1], "become an I/O flusher (memory reclaim)"),
    "PR_SET_TIMERSLACK": ([29, 1], "change timer slack"),
    "PR_SET_VMA": ([0x53564D41, 0, 0, 0, 0], "name anonymous mappings"),
    "PR_SET_TAGGED_ADDR_CTRL": ([55, 0, 0, 0, 0], "tagged address ABI"),
    "PR_SET_MEMORY_MERGE": ([67, 1, 0, 0, 0], "KSM merging (a cross-process side channel)"),
    "PR_SET_MDWE": ([65, 0, 0, 0, 0], "memory-deny-write-execute flags"),
    "PR_SET_NO_NEW_PRIVS_hi": ([38 | (1 << 32), 1], "the always-allowed option with a high half"),
}


@pytest.mark.parametrize("promises", ["stdio", full_set()], ids=set_id)
@pytest.mark.parametrize("option", sorted(PRCTL_DENIED))
def test_prctl_tricks(option, promises, user):
    """Gain: PRCTL_DENIED[option][1]; expected: SIGSYS under stdio and under the full set."""
    args, gain = PRCTL_DENIED[option]
    assert_killed(attack("raw", "@nr:prctl", *args, promises=promises, user=user))


@pytest.mark.parametrize("args,value", [
    ([15, "@str:renamed"], 0),          # PR_SET_NAME
    ([16, "@buf"], 0),                  # PR_GET_NAME
    ([21], 2),                          # PR_GET_SECCOMP: filter mode
    ([23, 0], None),                    # PR_CAPBSET_READ
    ([38, 1, 0, 0, 0], 0),              # PR_SET_NO_NEW_PRIVS (again)
], ids=["PR_SET_NAME", "PR_GET_NAME", "PR_GET_SECCOMP", "PR_CAPBSET_READ", "PR_SET_NO_NEW_PRIVS"])
def test_prctl_stdio_options_work(args, value):
    """Control: the options stdio grants still work (so the SIGSYS above is about the option)."""
    assert_ok(attack("raw", "@nr:prctl", *args, promises="stdio"), value)


def test_prctl_seccomp_strict_after_a_filter():
    """Gain: PR_SET_SECCOMP strict is allowed (it only narrows); expected: EINVAL, nothing changes."""
    assert_err(attack("raw", "@nr:prctl", 22, 1, promises="stdio"), "EINVAL")


@pytest.mark.parametrize("promises", ["", "stdio"], ids=set_id)
def test_seccomp_strict_via_seccomp(promises):
    """Gain: seccomp(SECCOMP_SET_MODE_STRICT), always allowed; expected: EINVAL (a filter is set)."""
    assert_err(attack("raw", "@nr:seccomp", 0, 0, 0, promises=promises), "EINVAL")


# ---- an io_uring from before the pledge: the first pledge refuses it


def require_io_uring(user):
    """These attempts set a ring up before the pledge: skip where the kernel
    (or kernel.io_uring_disabled, for nobody) lets no such ring exist."""
    p = scopes_probes.require("io_uring")
    if user == "nobody" and p.value and not p.value["nobody"]:
        pytest.skip("no io_uring for nobody on this kernel (kernel.io_uring_disabled=1): "
                    "no ring can exist to bypass seccomp, so the refusal is moot")

def test_io_uring_sqpoll_ring_from_before_the_pledge(wdir, user):
    """Gain: a polling ring set up before the pledge runs submissions with no syscall; expected: the pledge fails EBUSY.

    With IORING_SETUP_SQPOLL the kernel's poller reads submissions from
    memory: after pledge("") the attacker would write an openat(O_CREAT) into
    the ring and the file would appear, with no system call at all. The
    first pledge refuses while the process holds an io_uring (descriptor or
    mapping), so the program learns it before any untrusted data.
    """
    require_io_uring(user)
    target = os.path.join(wdir, "via-ring")
    rep = attack("uring-sqpoll", target, promises="", watch=target, user=user)
    assert rep.pledge == "err EBUSY", rep.describe()
    assert not rep.files[target].startswith("present"), rep.describe()


def test_io_uring_sqpoll_ring_refused_under_tmppath_too(user):
    """Gain: the same ring writing outside /tmp under tmppath (its credentials predate Landlock); expected: EBUSY."""
    require_io_uring(user)
    target = "/var/tmp/scopes-adv-ring-%d-%s" % (os.getpid(), user)
    try:
        rep = attack("uring-sqpoll", target, promises="stdio tmppath", watch=target, user=user)
        assert rep.pledge == "err EBUSY", rep.describe()
        assert not os.path.exists(target), rep.describe()
    finally:
        if os.path.exists(target):
            os.unlink(target)


@pytest.mark.parametrize("promises", ["stdio", full_set()], ids=set_id)
def test_capbset_drop_only_narrows(promises, user):
    """PR_CAPBSET_DROP is allowed under every pledge (a later pledge drops capabilities in
    every thread with it; dropping only narrows): after the pledge no CAP_SETPCAP is left,
    so the kernel refuses it with EPERM; it never widens anything."""
    assert_err(attack("raw", "@nr:prctl", 24, 0, promises=promises, user=user), "EPERM")
