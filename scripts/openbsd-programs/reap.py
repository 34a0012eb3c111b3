#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""reap.py REPORT TIMEOUT CMD...: run CMD as a child subreaper.

Every process of CMD's tree that is orphaned (daemons, double forks, a
privilege-separated child whose parent died) is reparented here, so its end
is seen: each process that ended by a signal is written to REPORT as
"<pid> <signal name>", SIGSYS among them. CMD's own status is this
program's (128+N for a signal). After TIMEOUT seconds the whole tree is
sent SIGTERM, then SIGKILL, and the status is 124 as timeout(1)'s.
Processes still left when CMD has ended get SIGTERM (a daemon it started).
"""
import ctypes
import os
import signal
import sys
import time

PR_SET_CHILD_SUBREAPER = 36


def main():
    report, limit, cmd = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        sys.exit("reap.py: PR_SET_CHILD_SUBREAPER failed")
    pid = os.fork()
    if pid == 0:
        os.setpgid(0, 0)
        os.execvp(cmd[0], cmd)
    deadline = time.monotonic() + limit
    status = None
    killed = []
    timed_out = False
    stopping = False
    while True:
        try:
            p, st = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if p == 0:
            now = time.monotonic()
            if now > deadline and not timed_out:
                timed_out = True
                terminate(pid, signal.SIGTERM)
                deadline = now + 5
            elif now > deadline and timed_out:
                terminate(pid, signal.SIGKILL)
                deadline = now + 5
            elif status is not None and not stopping:
                # CMD is done; what it left running (a daemon) is stopped
                stopping = True
                terminate(pid, signal.SIGTERM)
                deadline = min(deadline, now + 5)
            time.sleep(0.02)
            continue
        if os.WIFSIGNALED(st):
            killed.append((p, signal.Signals(os.WTERMSIG(st)).name))
        if p == pid:
            status = (128 + os.WTERMSIG(st)) if os.WIFSIGNALED(st) else os.WEXITSTATUS(st)
    with open(report, "a") as f:
        for p, name in killed:
            f.write(f"{p} {name}\n")
    if timed_out:
        sys.exit(124)
    sys.exit(status if status is not None else 125)


def terminate(pgid, sig):
    # the command's process group, and every other process reparented here
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        pass
    me = str(os.getpid())
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    ppid = f.read().rsplit(")", 1)[1].split()[1]
            except OSError:
                continue
            if ppid == me:
                try:
                    os.kill(int(d), sig)
                except ProcessLookupError:
                    pass


if __name__ == "__main__":
    main()
