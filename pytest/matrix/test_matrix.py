"""The scope matrix: every promise set of spec.SETS against every operation of
spec.OPS under the ERRNO penalty (the grid), and each promise's key cells
under the other penalties: KILL (death by SIGSYS exactly), LOG (success, and
the kernel's audit record of the call), and the `error` promise (ENOSYS).

The expected outcome comes from spec.py, written by hand from docs/promises.md;
the library's own table is never asked.
"""
import json
import os
import shlex
import signal

import pytest

import scopes_probes

from . import harness, kernels, spec

# Disagreements between libscopes and docs/promises.md that are known and not yet
# fixed: (promise set, operation) -> which one is wrong, and why.
KNOWN = {
    # (promise set, operation, penalty) -> why a disagreement is accepted for now
}

# Operations that exist only where the kernel offers a feature, decided by a
# control run (pytest/scopes_probes.py). Where it is absent their cells are
# "n/a on this kernel" in the report and skipped, saying why.
# x32-getpid needs nothing: the filter sees the x32 bit before the kernel
# looks the number up, so the kill holds with or without the x32 table.
OP_FEATURES = {
    "i386-getpid": ("i386",),
    # without Landlock unveil answers ENOSYS whatever is held, unpledged too
    # (the full run on a 6.1 kernel booted without it showed every cell so)
    "unveil-call": ("landlock",),
}
# Operations whose control run (unpledged) needs a feature to get through to
# the call; their cells hold either way (the filter answers first).
CONTROL_FEATURES = {
    **OP_FEATURES,
    "io-uring-setup": ("io_uring",),
    "landlock-abi": ("landlock",),
}


def absent_feature(op, table=OP_FEATURES):
    """The first feature op needs that a control run shows absent (None when
    all are present); an unclear probe fails the test here."""
    for feature in table.get(op.name, ()):
        p = scopes_probes.probe(feature)
        if p.state == scopes_probes.ABSENT:
            return p
        scopes_probes.require(feature)
    return None


@pytest.fixture(scope="session")
def matrix_scratch():
    s = harness.Scratch()
    yield s
    s.cleanup()


@pytest.fixture(scope="session")
def landlock():
    return harness.landlock_enforced()


@pytest.fixture(scope="session")
def audit():
    """The audit record reader, or None unprivileged or without NETLINK_AUDIT
    (then only LOG cells skip); an unclear audit probe fails here."""
    if os.geteuid() != 0 or not scopes_probes.have("audit"):
        yield None
        return
    listener = harness.AuditListener()
    yield listener
    listener.close()


_controls = {}


def control(op, scratch, wrap=()):
    """The operation unpledged: what "allowed" looks like (cached per worker)."""
    key = (op.name, tuple(wrap))
    if key not in _controls:
        _controls[key] = harness.run(op, None, None, scratch, wrap)[0]
    return _controls[key]


@pytest.fixture(scope="session", autouse=True)
def no_core_dumps():
    # KILL cells dump core by default: thousands of them would fill the disk
    import resource
    old = resource.getrlimit(resource.RLIMIT_CORE)
    resource.setrlimit(resource.RLIMIT_CORE, (0, old[1]))
    yield
    resource.setrlimit(resource.RLIMIT_CORE, old)


def _fake(returncode):
    return harness.Observed(returncode)


def expected_outcome(exp, penalty, ctl, held_error):
    V = spec.Verdict
    if exp.verdict is V.ALLOW:
        return ctl
    if exp.verdict is V.DENY:
        if held_error:  # "error: violations fail with ENOSYS instead of the penalty"
            return _fake(100 + 38)
        return {"errno": _fake(100 + 1), "kill": _fake(-signal.SIGSYS),
                "log": ctl, "error": _fake(100 + 38)}[penalty]
    if exp.verdict is V.EACCES:
        # log mode compiles no path-scoped grants and applies no Landlock
        # layer (discovery: "allowed and logged"), so the place is not checked
        return ctl if penalty == "log" else _fake(100 + 13)
    if exp.verdict is V.FAIL:
        import errno as E
        return _fake(100 + getattr(E, exp.errname))
    if exp.verdict is V.KERNEL:
        import errno as E
        return ctl if penalty == "log" else _fake(100 + getattr(E, exp.errname))
    if exp.verdict is V.ENOSYS:
        return _fake(100 + 38)
    return _fake(-signal.SIGSYS)  # KILLED


def which_is_wrong(exp, obs, ctl, penalty):
    V = spec.Verdict
    if obs.kind in ("setup-failed", "pledge-failed"):
        return "the probe is wrong (it failed before the operation): " + obs.stderr.strip()
    allowed_seen = obs == ctl
    if exp.verdict is V.ALLOW and not allowed_seen:
        return ("libscopes is wrong: it denies what docs/promises.md grants (fix the row in "
                "libscopes/src/promise_table.c) — unless spec.py misreads the quoted line")
    if exp.verdict is not V.ALLOW and obs == ctl and penalty != "log":
        return ("libscopes is wrong: it allows what docs/promises.md does not grant (fix the row "
                "in libscopes/src/promise_table.c) — unless spec.py misreads the quoted line")
    return ("libscopes is wrong: the denial does not take the form docs/promises.md gives "
            "(penalty, Landlock EACCES, ENOSYS)")


def check_cell(request, promises, op, penalty, scratch, landlock, audit=None, wrap=()):
    run_set = f"{promises} error".strip() if penalty == "error" else promises
    run_pen = "kill" if penalty == "error" else penalty
    absent = absent_feature(op)
    if absent:
        if not wrap:
            request.node.user_properties.append(("scopes_matrix", json.dumps({
                "set": promises, "op": op.name, "group": op.group, "penalty": penalty,
                "status": "na", "expected": "n/a", "want": "n/a", "got": "not run",
                "landlock": False, "reason": absent.skip_reason(), "logged": None,
                "known": None})))
        pytest.skip(absent.skip_reason())
    if run_pen == "log":
        scopes_probes.require("log")
    obs, argv, paths = harness.run(op, run_set, run_pen, scratch, wrap)
    ctl = control(op, scratch, wrap)
    exp = spec.expect(promises, op, landlock, paths, penalty=run_pen)
    want = expected_outcome(exp, penalty, ctl, "error" in run_set.split())
    ok = obs == want
    logged = None
    if ok and run_pen == "log" and want is ctl and \
            exp.verdict in (spec.Verdict.DENY, spec.Verdict.EACCES):
        if audit is None:
            pytest.skip("reading audit records needs CAP_AUDIT_READ (run as root) and "
                        "NETLINK_AUDIT: " + scopes_probes.probe("audit").reason)
        logged = audit.wait_for(obs.pid, harness.syscall_number(op.syscall))
        if not logged and audit.take_overflow():
            # the multicast socket overflowed (ENOBUFS): this record may be
            # among the lost ones, so run the cell once more
            obs, argv, paths = harness.run(op, run_set, run_pen, scratch, wrap)
            ok = obs == want
            logged = ok and audit.wait_for(obs.pid, harness.syscall_number(op.syscall))
        ok = ok and logged
    known = KNOWN.get((promises, op.name, penalty)) if exp.landlock or landlock else None
    status = ("allowed" if exp.verdict is spec.Verdict.ALLOW else "denied") if ok else \
        "known" if known else "mismatch"
    if wrap:
        pass  # unprivileged runs are not cells of the grid
    else:
        request.node.user_properties.append(("scopes_matrix", json.dumps({
            "set": promises, "op": op.name, "group": op.group, "penalty": penalty,
            "status": status, "expected": exp.verdict.value, "want": want.short(),
            "got": obs.short(), "landlock": exp.landlock, "reason": exp.reason,
            "logged": logged, "known": known})))
    if not ok:
        detail = (f"[{run_set or '(empty)'}] {op.name} under {run_pen}: docs/promises.md gives "
                  f"{exp.verdict.value} ({want.short()}), libscopes gave {obs.short()}")
        if logged is False:
            detail = (f"[{run_set}] {op.name} under log: allowed as it should be, but no "
                      f"audit record of {op.syscall} for pid {obs.pid} (saw {audit.seen(obs.pid)})")
        msg = (f"{detail}\n  why: {exp.reason}\n  which is wrong: "
               f"{which_is_wrong(exp, obs, ctl, penalty) if logged is None else 'libscopes (LOG penalty not logged)'}"
               f"\n  control run (unpledged): {ctl.short()}\n  argv: {shlex.join(argv)}")
        if exp.landlock:
            msg += "\n  (this cell depends on Landlock enforcement of path-scoped promises)"
        if known:
            pytest.xfail(f"known: {known}\n{msg}")
        pytest.fail(msg, pytrace=False)
    elif known:
        pytest.fail(f"[{promises}] {op.name} is listed in KNOWN ({known}) but now passes: "
                    "remove it from KNOWN", pytrace=False)


GRID = [(s, op.name) for s in spec.SETS for op in spec.OPS]


@pytest.mark.parametrize("promises,opname", GRID,
                         ids=[f"{s or '(empty)'}::{o}" for s, o in GRID])
def test_grid(request, promises, opname, matrix_scratch, landlock):
    """The full grid under the ERRNO penalty: allowed cells behave as unpledged,
    denied ones fail with EPERM (ENOSYS with `error`, EACCES from Landlock)."""
    check_cell(request, promises, spec.OPS_BY_NAME[opname], "errno", matrix_scratch, landlock)


PENALTY_CELLS = [(p, name, pen)
                 for p, (allows, denies) in spec.KEY_CELLS.items()
                 for name in allows + denies
                 for pen in ("kill", "log", "error")]


@pytest.mark.parametrize("promise,opname,penalty", PENALTY_CELLS,
                         ids=[f"{p}::{o}::{pen}" for p, o, pen in PENALTY_CELLS])
def test_penalty(request, promise, opname, penalty, matrix_scratch, landlock, audit):
    """Each promise's key cells under KILL, LOG and `error`."""
    check_cell(request, spec.key_set(promise), spec.OPS_BY_NAME[opname], penalty,
               matrix_scratch, landlock, audit)


@pytest.mark.parametrize("opname", [op.name for op in spec.OPS])
def test_control(opname, matrix_scratch):
    """Unpledged, every operation gets through to its call, and its result cannot
    be mistaken for a denial (EPERM, ENOSYS, EACCES, SIGSYS)."""
    op = spec.OPS_BY_NAME[opname]
    absent = absent_feature(op, CONTROL_FEATURES)
    if absent:
        pytest.skip(absent.skip_reason())
    ctl = control(op, matrix_scratch)
    assert ctl.kind in ("ok", "err", "exit"), f"{opname} unpledged: {ctl.short()} {ctl.stderr}"
    if op.foreign:
        # unpledged, a foreign ABI's call runs where the kernel has that entry
        # (the probe said so, or the test was skipped above); a kernel without
        # x32 answers ENOSYS. The cells expect SIGSYS either way.
        present = op.name != "x32-getpid" or scopes_probes.have("x32")
        want = "ok" if present else "err ENOSYS"
        assert ctl.short() == want, f"{opname} unpledged: {ctl.short()}, the kernel probe " \
            f"implies {want} ({scopes_probes.probe('x32' if op.name == 'x32-getpid' else 'i386')})"
        return
    if not (op.enosys and ctl.kind == "err"):
        assert ctl.errname not in ("EPERM", "ENOSYS", "EACCES"), \
            f"{opname}: its unpledged result {ctl.short()} looks like a denial; choose other arguments"


def test_key_cells_cover_every_promise(landlock, monkeypatch):
    """At least three operations each promise allows and three it denies, and
    the lists agree with the spec (with Landlock, as docs/promises.md means it)."""
    kernels.assume_newest_landlock(monkeypatch)  # whatever this kernel's ABI
    assert set(spec.KEY_CELLS) == set(spec.PROMISES)
    for p, (allows, denies) in spec.KEY_CELLS.items():
        assert len(allows) >= 3 and len(denies) >= 3, p
        for name in allows:
            e = spec.expect(spec.key_set(p), spec.OPS_BY_NAME[name], True)
            assert e.verdict is spec.Verdict.ALLOW, (p, name, e)
        for name in denies:
            e = spec.expect(spec.key_set(p), spec.OPS_BY_NAME[name], True)
            assert e.verdict is not spec.Verdict.ALLOW, (p, name, e)


def test_every_promise_is_a_row():
    rows = {frozenset(s.split()) for s in spec.SETS}
    for p in spec.PROMISES:
        assert frozenset(spec.key_set(p).split()) in rows, p
    assert frozenset() in rows


@scopes_probes.needs("log")
def test_audit_log_action_enabled():
    """LOG cells need the kernel to record SECCOMP_RET_LOG at all."""
    with open("/proc/sys/kernel/seccomp/actions_logged") as f:
        assert "log" in f.read().split(), "kernel.seccomp.actions_logged lacks 'log'"


NOBODY = ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups")
# Cells where privilege matters: unprivileged, an allowed settimeofday or
# setgroups fails EPERM in the kernel, so only KILL tells the filter's
# answer (SIGSYS) from the kernel's; the others show pledge needs no root.
UNPRIVILEGED = [("stdio settime", "settimeofday", "kill"), ("stdio", "settimeofday", "kill"),
                ("stdio id", "setuid", "kill"), ("stdio", "setuid", "kill"),
                ("stdio id", "setgroups", "kill"), ("stdio proc", "setgroups", "kill"),
                ("stdio rpath", "open-r", "errno"), ("stdio", "open-r", "errno"),
                ("stdio wpath cpath", "create", "errno"), ("stdio wpath", "create", "errno"),
                ("stdio inet", "socket-inet-stream", "errno"), ("stdio", "socket-inet-raw", "kill"),
                ("stdio proc", "fork", "errno"), ("stdio", "fork", "kill"),
                ("stdio tmppath", "create-tmp", "errno"), ("stdio tmppath", "create", "errno")]


@pytest.mark.skipif(os.geteuid() != 0, reason="setpriv to nobody needs root")
@pytest.mark.parametrize("promises,opname,penalty", UNPRIVILEGED,
                         ids=[f"{s}::{o}::{p}" for s, o, p in UNPRIVILEGED])
def test_unprivileged(request, promises, opname, penalty, matrix_scratch, landlock):
    """The same spec holds for a process without privileges (uid/gid 65534)."""
    check_cell(request, promises, spec.OPS_BY_NAME[opname], penalty, matrix_scratch, landlock,
               wrap=NOBODY)
