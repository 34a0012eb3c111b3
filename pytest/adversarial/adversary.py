"""The adversarial suite's runner: scopes-attack as root or as nobody, and its report.

Every attempt is one run of build/tests/adversarial/scopes-attack: an unpledged
driver forks the attacker, which pledges and makes one attempt; the driver then
says what the attacker reached and what really happened (see attack.c). The
expectations here come from docs/promises.md and the kernel's ABI, never
from the library's table.
"""
import functools
import os
import shutil
import signal
import subprocess
import tempfile

from conftest import NOBODY, built  # noqa: F401 (NOBODY re-exported)

SIGSYS = signal.SIGSYS
USERS = ["root", "nobody"]

# ---- kernel ABI constants (x86_64), named as in the kernel's headers
AUDIT_ARCH_X86_64 = 0xC000003E
HI = 0x100000000  # a bit in the high half of a 64-bit argument
SIGCHLD, SIGKILL, SIGUSR1 = 17, 9, 10
CLONE_VM, CLONE_FS, CLONE_FILES, CLONE_SIGHAND = 0x100, 0x200, 0x400, 0x800
CLONE_THREAD, CLONE_NEWNS = 0x10000, 0x20000
CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC = 0x02000000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
CLONE_NEW_ALL = {
    "CLONE_NEWNS": CLONE_NEWNS, "CLONE_NEWCGROUP": CLONE_NEWCGROUP,
    "CLONE_NEWUTS": CLONE_NEWUTS, "CLONE_NEWIPC": CLONE_NEWIPC,
    "CLONE_NEWUSER": CLONE_NEWUSER, "CLONE_NEWPID": CLONE_NEWPID,
    "CLONE_NEWNET": CLONE_NEWNET,
}
THREAD_FLAGS = (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD)
O_RDONLY, O_WRONLY, O_RDWR, O_ACCMODE3 = 0, 1, 2, 3
O_CREAT, O_EXCL, O_TRUNC, O_APPEND = 0o100, 0o200, 0o1000, 0o2000
O_TMPFILE, O_PATH, O_CLOEXEC = 0o20200000, 0o10000000, 0o2000000
PROT_READ, PROT_WRITE, PROT_EXEC = 1, 2, 4
MAP_SHARED, MAP_PRIVATE, MAP_ANONYMOUS = 1, 2, 0x20
AF_UNIX, AF_INET, AF_INET6, AF_NETLINK, AF_PACKET = 1, 2, 10, 16, 17
SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, SOCK_RDM, SOCK_SEQPACKET, SOCK_PACKET = 1, 2, 3, 4, 5, 10
SOCK_NONBLOCK, SOCK_CLOEXEC = 0o4000, 0o2000000
IPPROTO_TCP, IPPROTO_UDP, NETLINK_ROUTE = 6, 17, 0
TIOCSTI, TIOCLINUX, TCGETS, FIONREAD = 0x5412, 0x541C, 0x5401, 0x541B
F_DUPFD, F_GETFD, F_SETFD, F_GETFL, F_SETFL = 0, 1, 2, 3, 4
AT_FDCWD, AT_EMPTY_PATH = -100, 0x1000
READ_IMPLIES_EXEC = 0x0400000
PR_SET_NAME, PR_SET_NO_NEW_PRIVS = 15, 38


def _env():
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCOPES_")}
    return env


class Report:
    """The driver's report of one attempt (the line format is in attack.c)."""

    def __init__(self, proc, argv):
        self.argv = argv
        self.returncode = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.driver_signal = -proc.returncode if proc.returncode < 0 else None
        self.pledge = None
        self.kind = None          # ok | err | none
        self.value = None
        self.errname = None
        self.trapped = 0
        self.trapped_nr = None
        self.trapped_arch = None
        self.info = {}
        self.signal = None        # what ended the attacker
        self.exit = None
        self.victim = None
        self.files = {}
        self.received = None
        self.parent_signals = None
        self.parent_memory = None
        self.other = []           # lines of the attacker's exec'd programs
        for line in proc.stdout.splitlines():
            self._parse(line)

    def _parse(self, line):
        w = line.split()
        if not w:
            return
        k = w[0]
        if k == "pledge":
            self.pledge = w[1]
        elif k == "pledge-err":
            self.pledge = "err " + w[1]
        elif k == "result":
            self.kind = w[1]
            if w[1] == "ok":
                self.value = int(w[2])
            elif w[1] == "err":
                self.errname, self.value = w[2], int(w[3])
        elif k == "trapped":
            self.trapped, self.trapped_nr, self.trapped_arch = int(w[1]), int(w[3]), int(w[5], 16)
        elif k == "info":
            self.info[w[1]] = int(w[2])
        elif k == "status":
            if w[1] == "signal":
                self.signal = signal.Signals[w[2]]
            else:
                self.exit = int(w[2])
        elif k == "victim":
            self.victim = " ".join(w[1:])
        elif k == "file":
            self.files[w[1]] = " ".join(w[2:])
        elif k == "received":
            self.received = int(w[1])
        elif k == "parent-signals":
            self.parent_signals = int(w[1])
        elif k == "parent-memory":
            self.parent_memory = w[1]
        else:
            self.other.append(line)

    @property
    def killed(self):
        """The attacker died by SIGSYS after a successful pledge, before its attempt returned."""
        return self.pledge == "ok" and self.kind == "none" and self.signal == SIGSYS

    def describe(self):
        who = " ".join(map(str, self.argv))
        return f"{who}\n--- stdout\n{self.stdout}--- stderr\n{self.stderr[-2000:]}"

    __repr__ = describe


def attack(name, *args, promises="", penalty="kill", execpromises=None, no_pledge=False,
           handler=None, victim=False, create=None, watch=None, receive=None, unveil=(),
           user="root", wrap=(), timeout=30):
    """Run one attempt; the driver must survive and report (else the test fails here).

    unveil: "PATH=PERMS" items the attacker unveils (then locks) before its
    pledge; wrap: a command the driver runs under (root only)."""
    argv = [str(built("tests/adversarial/scopes-attack"))]
    for u in unveil:
        argv += ["-U", u]
    if no_pledge:
        argv.append("-n")
    else:
        argv += ["-p", promises, "-P", penalty]
    if execpromises is not None:
        argv += ["-e", execpromises]
    if handler:
        argv += ["-H", handler]
    if victim:
        argv.append("-V")
    for opt, val in (("-C", create), ("-W", watch), ("-R", receive)):
        if val is not None:
            argv += [opt, str(val)]
    argv += [name, *map(str, args)]
    if user == "nobody":
        argv = NOBODY + argv
    argv = list(wrap) + argv
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=_env(),
                          stdin=subprocess.DEVNULL)
    rep = Report(proc, argv)
    assert rep.driver_signal is None, f"the attack reached the driver:\n{rep.describe()}"
    assert proc.returncode == 0, f"driver failed ({proc.returncode}):\n{rep.describe()}"
    assert rep.parent_memory == "unchanged", rep.describe()
    return rep


def assert_killed(rep):
    """Exact SIGSYS, nothing returned to the attacker, the driver untouched."""
    assert rep.killed, rep.describe()
    assert rep.parent_signals == 0, rep.describe()


def assert_ok(rep, value=None):
    assert rep.pledge in ("ok", "skipped") and rep.kind == "ok", rep.describe()
    if value is not None:
        assert rep.value == value, rep.describe()


def assert_err(rep, errname):
    assert rep.kind == "err" and rep.errname == errname, rep.describe()


@functools.lru_cache(maxsize=None)
def full_set():
    """Every promise but the `error` modifier: the most an attacker could be given."""
    proc = subprocess.run([str(built("tests/adversarial/scopes-attack")), "--all-promises"],
                          capture_output=True, text=True, check=True)
    return proc.stdout.strip()


def every_set():
    """Promise sets from nothing to everything, for attempts no promise may allow."""
    return ["", "stdio", "stdio rpath wpath cpath fattr", "stdio proc exec prot_exec",
            "stdio tty", "stdio inet unix dns route", full_set()]


def set_id(s):
    if s == full_set():
        return "ALL"
    return s.replace(" ", "+") or "empty"


def cpu_vendor():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("vendor_id"):
                return line.split(":", 1)[1].strip()
    return ""
