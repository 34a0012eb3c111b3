"""Running one matrix cell: scratch objects, the probe, the kernel's audit records.

Every cell is a fresh process (scopes-probe -p SET -P PENALTY status OP ...):
a filter can never be removed. The probe reports through its exit status
(10 ok, 100+errno) so that sets without stdio are observable too.
"""
import ctypes
import errno
import os
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import threading
import time

from conftest import build_dir, built

from . import spec

SIGSYS = signal.SIGSYS
AUDIT_SECCOMP = 1326
SECCOMP_RET_LOG = 0x7ffc0000
AUDIT_ARCH_X86_64 = 0xc000003e


class Observed:
    """What a probe run came to: ok / err ERRNAME / killed by SIG / exit N / setup or pledge failure."""

    def __init__(self, returncode: int, stderr: str = "", pid: int = 0):
        self.returncode = returncode
        self.stderr = stderr
        self.pid = pid
        self.errname = None
        self.signal = None
        if returncode < 0:
            self.kind = "killed"
            self.signal = -returncode
        elif returncode == 10:
            self.kind = "ok"
        elif 100 <= returncode < 100 + 134:
            self.kind = "err"
            self.errname = errno.errorcode.get(returncode - 100, str(returncode - 100))
        elif returncode == 3:
            self.kind = "setup-failed"
        elif returncode == 4:
            self.kind = "pledge-failed"
        else:
            self.kind = "exit"

    def key(self):
        return (self.kind, self.errname, self.signal,
                self.returncode if self.kind == "exit" else None)

    def __eq__(self, other):
        return isinstance(other, Observed) and self.key() == other.key()

    def __hash__(self):
        return hash(self.key())

    def short(self):
        if self.kind == "killed":
            return f"killed by {signal.Signals(self.signal).name}"
        if self.kind == "err":
            return f"err {self.errname}"
        if self.kind == "exit":
            return f"exit {self.returncode}"
        return self.kind

    def __repr__(self):
        return self.short()


class Scratch:
    """Fresh files and directories per run: outside /tmp, and under /tmp (tmppath's place)."""

    def __init__(self):
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        # /var/tmp: a place outside tmppath's /tmp
        base = "/var/tmp" if os.path.isdir("/var/tmp") else str(build_dir())
        self.outside = tempfile.mkdtemp(prefix=f"scopes-matrix-{worker}-", dir=base)
        self.tmp = tempfile.mkdtemp(prefix=f"scopes-matrix-{worker}-", dir="/tmp")
        for d in (self.outside, self.tmp):
            os.chmod(d, 0o777)
        self.n = 0

    def paths_for(self, args) -> dict:
        self.n += 1
        p = spec.scratch_paths(self.outside, self.tmp, f"c{self.n}")
        text = " ".join(args)
        for key in ("file", "tfile"):
            if "{" + key + "}" in text:
                with open(p[key], "w") as f:
                    f.write("x")
        for key in ("dir", "tdir"):
            if "{" + key + "}" in text:
                os.mkdir(p[key])
        if "{link}" in text:
            os.symlink("target", p["link"])
        return p

    def cleanup(self):
        for d in (self.outside, self.tmp):
            shutil.rmtree(d, ignore_errors=True)


def probe_env():
    e = dict(os.environ)
    for k in ("SCOPES_PENALTY", "SCOPES_TRACE_FD", "LD_PRELOAD"):
        e.pop(k, None)
    return e


def run(op: spec.Op, promises, penalty, scratch: Scratch, wrap=(), timeout=30):
    """Run op under promises (None: no pledge, the control run), as `wrap` says
    (e.g. setpriv to another user). Returns (Observed, argv, paths)."""
    paths = scratch.paths_for(op.probe)
    args = [a.format(**paths) for a in op.probe]
    argv = [*wrap, str(built("tests/scopes-probe"))]
    argv += ["-n"] if promises is None else ["-p", promises, "-P", penalty]
    argv += ["status", *args]
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                         env=probe_env(), cwd=scratch.outside)
    try:
        _, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        _, err = p.communicate()
    return Observed(p.returncode, err, p.pid), argv, paths


# ------------------------------------------------------------------ audit

class AuditListener:
    """The kernel's audit records, lossless, from NETLINK_AUDIT's read-only
    multicast group (AUDIT_NLGRP_READLOG; CAP_AUDIT_READ). Unlike the kernel
    log (printk's rate limit keeps about 10 records per 5 s) the multicast
    group sees every record, and it coexists with auditd and other readers."""

    def __init__(self):
        self.records = {}  # pid -> [(syscall nr, code)]
        self.lock = threading.Condition()
        self.overflow = False
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 9)  # NETLINK_AUDIT
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        self.sock.bind((0, 1))  # groups: 1 << (AUDIT_NLGRP_READLOG - 1)
        self.thread = threading.Thread(target=self._drain, daemon=True)
        self.thread.start()

    def _drain(self):
        while True:
            try:
                data = self.sock.recv(1 << 16)
            except OSError as e:
                if e.errno == errno.ENOBUFS:
                    with self.lock:
                        self.overflow = True
                    continue
                return
            if len(data) < 16:
                continue
            _, typ, _, _, _ = struct.unpack("IHHII", data[:16])
            if typ != AUDIT_SECCOMP:
                continue
            fields = dict(kv.split("=", 1) for kv in data[16:].decode(errors="replace").split()
                          if "=" in kv)
            try:
                rec = (int(fields["pid"]), int(fields["syscall"]), int(fields["code"], 16),
                       int(fields["arch"], 16))
            except (KeyError, ValueError):
                continue
            with self.lock:
                self.records.setdefault(rec[0], []).append(rec[1:])
                self.lock.notify_all()

    def wait_for(self, pid, nr, code=SECCOMP_RET_LOG, timeout=5.0):
        """True once a record of (pid, nr, code) arrived; False after timeout."""
        end = time.monotonic() + timeout
        with self.lock:
            while True:
                if any(r[0] == nr and r[1] == code for r in self.records.get(pid, ())):
                    return True
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self.lock.wait(left)

    def take_overflow(self):
        """Were records dropped since the last call (ENOBUFS)?"""
        with self.lock:
            lost, self.overflow = self.overflow, False
            return lost

    def seen(self, pid):
        with self.lock:
            return list(self.records.get(pid, ()))

    def close(self):
        self.sock.close()


# ------------------------------------------------------- the library, read-only

_lib = None


def libscopes():
    global _lib
    if _lib is None:
        _lib = ctypes.CDLL(str(built("libscopes/libscopes.so")))
        _lib.scopes_syscall_number.restype = ctypes.c_long
        _lib.scopes_syscall_number.argtypes = [ctypes.c_uint32, ctypes.c_char_p]
        if _lib.scopes_table_init() != 0:
            raise OSError("scopes_table_init failed")
    return _lib


def syscall_number(name: str) -> int:
    """A syscall's number on x86_64 (libseccomp's names, through libscopes)."""
    nr = libscopes().scopes_syscall_number(AUDIT_ARCH_X86_64, name.encode())
    if nr < 0:
        raise KeyError(name)
    return nr


def landlock_enforced() -> bool:
    """Does libscopes enforce the path-scoped promises with Landlock here?

    The library answers with scopes_pathscoped_enforced() (<scopes/table.h>);
    a library without that function fails closed (path-scoped promises grant
    nothing), which is what the cells then expect.
    SCOPES_MATRIX_LANDLOCK=0|1 overrides, to check the other column by hand."""
    forced = os.environ.get("SCOPES_MATRIX_LANDLOCK")
    if forced in ("0", "1"):
        return forced == "1"
    fn = getattr(libscopes(), "scopes_pathscoped_enforced", None)
    if fn is None:
        return False
    fn.restype = ctypes.c_int
    fn.argtypes = [ctypes.c_void_p]
    return fn(None) == 1
