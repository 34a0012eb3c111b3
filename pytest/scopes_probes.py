"""What the running kernel offers, decided by a control run rather than assumed.

Machines of the same kind differ: on some, `int $0x80` raises a
general-protection fault (SIGSEGV) with no seccomp filter at all, so a test
that expects the filter to kill an i386 call can only fail there. Each
optional feature is asked once per process (one pytest worker) by running
build/tests/probe/scopes-kprobe FEATURE: a fresh child with no filter and
without libscopes. Its exit status, signal and printed facts are classified
here as

  present  the feature works; tests that need it keep their exact assertions
  absent   the kernel clearly lacks it; tests that need it skip, saying why
  error    anything else: the tests that need it fail (never a silent skip)

SCOPES_PROBE_FORCE_ABSENT=i386,x32,... turns features absent without asking
the kernel. Only this module reads it, and only pytest/test_probes.py sets
it, to prove that the skip path is taken.
"""
import dataclasses
import errno
import os
import signal
import subprocess
import threading

import pytest

FEATURES = ("i386", "x32", "landlock", "audit", "user_notif", "log", "io_uring", "userns",
            "so_passrights")
FORCE_ENV = "SCOPES_PROBE_FORCE_ABSENT"
KPROBE = "tests/probe/scopes-kprobe"

PRESENT, ABSENT, ERROR = "present", "absent", "error"

# The errno values that mean "this kernel (or its configuration) lacks it",
# with what they say. Any other failure is an error.
ABSENT_ERRNOS = {
    "x32": {errno.ENOSYS: "x32 system calls answer ENOSYS (no CONFIG_X86_X32_ABI)"},
    "landlock": {errno.ENOSYS: "landlock_create_ruleset answers ENOSYS (not built)",
                 errno.EOPNOTSUPP: "Landlock is built but not enabled (lsm= boot option)"},
    "audit": {errno.EPROTONOSUPPORT: "no NETLINK_AUDIT (no CONFIG_AUDIT)",
              errno.EPERM: "no CAP_AUDIT_READ/CAP_AUDIT_CONTROL here (run as root in the "
                           "initial namespaces)",
              errno.ECONNREFUSED: "audit answers only the initial user and pid namespaces"},
    "user_notif": {errno.EINVAL: "SECCOMP_FILTER_FLAG_NEW_LISTENER unknown (kernel < 5.0)"},
    "log": {errno.EOPNOTSUPP: "SECCOMP_RET_LOG is not an available action (kernel < 4.14)"},
    "io_uring": {errno.ENOSYS: "io_uring_setup answers ENOSYS (not built)",
                 errno.EPERM: "io_uring is disabled (kernel.io_uring_disabled)"},
    "userns": {errno.EPERM: "unprivileged user namespaces are refused (EPERM: sysctl or LSM)",
               errno.ENOSPC: "user.max_user_namespaces is 0 (ENOSPC)",
               errno.EINVAL: "no CONFIG_USER_NS (EINVAL)"},
    "so_passrights": {errno.ENOPROTOOPT: "SO_PASSRIGHTS unknown (ENOPROTOOPT; Linux < 6.16)"},
}

# What an absent feature means for the security claims the tests make.
MOOT = {
    "i386": "the i386 kill is moot here: no call can enter through that door, which is a pass "
            "for the claim that foreign ABIs never reach a system call",
    "x32": "x32 numbers never reach a system call here",
    "landlock": "path-scoped promises fail closed (grant nothing) without it",
    "audit": "LOG-penalty records cannot be read here",
    "user_notif": "the tracer's user-notification backend cannot run here",
    "log": "the LOG penalty cannot be expressed here",
    "io_uring": "no ring can exist to bypass seccomp, so the refusal is moot",
    "userns": "no unprivileged user namespace can be made here, so denying one is moot",
    "so_passrights": "descriptors cannot be refused at the receiver",
}


class ProbeError(Exception):
    """A probe whose answer is neither clearly present nor clearly absent."""


@dataclasses.dataclass(frozen=True)
class Probe:
    feature: str
    state: str            # PRESENT | ABSENT | ERROR
    value: object = None  # e.g. the Landlock ABI (int)
    reason: str = ""      # absent: why; error: what came back; present: the evidence

    @property
    def present(self):
        return self.state == PRESENT

    def short(self):
        """This feature in the header line: yes / no / abi7 / ERROR."""
        if self.state == ERROR:
            return "ERROR"
        if self.state == ABSENT:
            return "no(forced)" if self.reason.startswith("forced absent") else "no"
        if self.feature == "landlock":
            return f"abi{self.value}"
        return "yes"

    def skip_reason(self):
        return f"no {self.feature} on this kernel: {self.reason}; {MOOT[self.feature]}"


def parse_facts(stdout: str) -> dict:
    """The `FEATURE key=value ...` line of scopes-kprobe, as a dict of strings."""
    facts = {}
    for line in stdout.splitlines():
        words = line.split()
        if not words:
            continue
        for w in words[1:]:
            if "=" in w:
                k, v = w.split("=", 1)
                facts[k] = v
    return facts


def _int(facts, key):
    try:
        return int(facts[key])
    except (KeyError, ValueError):
        return None


def classify(feature: str, returncode: int, stdout: str, stderr: str = "") -> Probe:
    """A probe's verdict from the control run's exit status (negative: the
    signal that ended it) and output. Pure: the unit tests feed it statuses."""
    if feature not in FEATURES:
        raise ValueError(f"unknown kernel feature {feature!r}")
    facts = parse_facts(stdout)
    seen = f"exit {returncode}" if returncode >= 0 else \
        f"killed by {signal.Signals(-returncode).name}"
    seen += f", output {stdout.strip()!r}" + (f", stderr {stderr.strip()[-300:]!r}"
                                               if stderr.strip() else "")

    def error(why):
        return Probe(feature, ERROR, None, f"{why} ({seen})")

    mode = _int(facts, "seccomp")
    if mode is None:
        if returncode < 0:
            return error("the probe died before it could report")
        return error("the probe printed no seccomp= fact")
    if mode != 0:
        return error(f"the probe ran under seccomp mode {mode}: its answer says nothing about "
                     "the kernel (run the tests outside any filter)")

    if feature == "i386":
        if returncode in (-signal.SIGSEGV, -signal.SIGILL):
            sig = signal.Signals(-returncode).name
            return Probe(feature, ABSENT, None,
                         f"int $0x80 faults with no filter ({sig})")
        ret, pid = _int(facts, "ret"), _int(facts, "pid")
        if returncode == 0 and ret is not None and pid is not None and ret == pid:
            return Probe(feature, PRESENT, None, f"int $0x80 getpid returned the pid ({pid})")
        return error("int $0x80 getpid neither returned the pid nor faulted")

    if returncode != 0:
        return error("the probe did not finish")
    ret, err = _int(facts, "ret"), _int(facts, "errno")
    if ret is None or err is None:
        return error("the probe printed no ret= or errno= fact")

    if ret < 0:
        if "step" in facts and feature not in ("audit",):
            return error(f"the probe's own setup failed at {facts['step']}")
        known = ABSENT_ERRNOS.get(feature, {})
        if err in known:
            why = known[err]
            if feature == "audit" and "step" in facts:
                why += f" (at {facts['step']})"
            return Probe(feature, ABSENT, None, why)
        return error(f"{feature} failed with {errno.errorcode.get(err, err)}, which says "
                     "neither present nor absent")

    if feature == "x32":
        pid = _int(facts, "pid")
        if ret == pid:
            return Probe(feature, PRESENT, None, f"getpid | 0x40000000 returned the pid ({pid})")
        return error("the x32 getpid returned something other than the pid")
    if feature == "landlock":
        if ret >= 1:
            return Probe(feature, PRESENT, ret, f"Landlock ABI {ret}")
        return error("landlock_create_ruleset returned no ABI version")
    if feature == "io_uring":
        who = facts.get("nobody")
        return Probe(feature, PRESENT, {"nobody": who != "err"} if who else None,
                     "io_uring_setup made a ring" + (f" (as nobody: {who})" if who else ""))
    evidence = {
        "audit": "NETLINK_AUDIT: joined the read-only log group, AUDIT_GET answered",
        "user_notif": "a seccomp listener was created",
        "log": "SECCOMP_GET_ACTION_AVAIL accepts SECCOMP_RET_LOG",
        "userns": f"unshare(CLONE_NEWUSER) worked as {facts.get('as', '?')}",
        "so_passrights": "setsockopt(SOL_SOCKET, SO_PASSRIGHTS) accepted",
    }
    return Probe(feature, PRESENT, None, evidence[feature])


def forced_absent() -> set:
    """Features SCOPES_PROBE_FORCE_ABSENT turns absent (for test_probes.py only)."""
    names = {n.strip() for n in os.environ.get(FORCE_ENV, "").split(",") if n.strip()}
    unknown = names - set(FEATURES)
    if unknown:
        raise ProbeError(f"{FORCE_ENV} names unknown features: {', '.join(sorted(unknown))}")
    return names


def _kprobe_path():
    from conftest import built
    return built(KPROBE)


def run_control(feature: str) -> Probe:
    """One control run of scopes-kprobe FEATURE, classified."""
    argv = [str(_kprobe_path()), feature]
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SCOPES_") and k != "LD_PRELOAD"}
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=30, env=env,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return Probe(feature, ERROR, None, f"{' '.join(argv)} did not finish within 30 s")
    return classify(feature, proc.returncode, proc.stdout, proc.stderr)


_lock = threading.Lock()
_cache = {}


def probe(feature: str) -> Probe:
    """The feature's verdict, asked of the kernel once per process."""
    if feature not in FEATURES:
        raise ValueError(f"unknown kernel feature {feature!r}")
    with _lock:
        if feature not in _cache:
            if feature in forced_absent():
                _cache[feature] = Probe(feature, ABSENT, None,
                                        f"forced absent by {FORCE_ENV} (a test of the skip path)")
            else:
                _cache[feature] = run_control(feature)
        return _cache[feature]


def have(feature: str) -> bool:
    """True when present, False when absent; an unclear answer raises ProbeError."""
    p = probe(feature)
    if p.state == ERROR:
        raise ProbeError(f"kernel feature probe '{feature}' is unclear: {p.reason}")
    return p.present


def require(feature: str) -> Probe:
    """In a test (or fixture): skip with the reason when the feature is absent,
    fail loudly when its probe is unclear, return the probe when present."""
    p = probe(feature)
    if p.state == ERROR:
        pytest.fail(f"kernel feature probe '{feature}' is unclear, so the tests that need it "
                    f"cannot run and will not be skipped: {p.reason}", pytrace=False)
    if p.state == ABSENT:
        pytest.skip(p.skip_reason())
    return p


def needs(*features):
    """A marker for tests that need features: the conftest hook below calls
    require() for each at setup, so nothing is probed at collection."""
    return pytest.mark.kernel_feature(*features)


# ------------------------------------------------- hooks for the conftests

def header_line() -> str:
    try:
        return "kernel features: " + " ".join(f"{f}={probe(f).short()}" for f in FEATURES)
    except (OSError, ProbeError) as e:
        return f"kernel features: not probed ({e})"


def configure(config):
    config.addinivalue_line(
        "markers", "kernel_feature(*names): the test needs these kernel features "
        "(scopes_probes.FEATURES): skipped with the reason where a control run shows one "
        "absent, failed where the probe is unclear")


def runtest_setup(item):
    for mark in item.iter_markers("kernel_feature"):
        for feature in mark.args:
            require(feature)
