"""The scope matrix across kernels (scripts/kernel-matrix.sh).

The same cells run on several kernel configurations (Debian 12's 6.1 with
Landlock ABI 2, the same without Landlock in lsm=, the host's own kernel).
The expectation of every cell already follows the running kernel where the
library documents a degradation: path-scoped promises fail closed without
Landlock (harness.landlock_enforced() asks scopes_pathscoped_enforced()),
and features a control run shows absent are n/a. This module adds:

- the quick subset: a fixed list of node ids (quick_ids(): one allowed and
  one denied cell per promise, the denied one under every penalty, the
  Landlock-dependent key cells, the kernel-facing cells, a few unprivileged);
  `python3 -m matrix.kernels quick-ids` prints them (run from pytest/);
- `explain()`: why a cell may legitimately answer differently on two kernels
  (used by scripts/kernel-matrix/summary.py).
"""
import sys

from . import spec

TEST_FILE = "pytest/matrix/test_matrix.py"

# The path-scoped promises (and unveil): their key cells are the ones whose
# answer depends on Landlock, so the quick run has all of them.
LANDLOCK_PROMISES = ("tmppath", "dns", "getpw", "tty", "ps", "vminfo", "unveil")
# Cells the key lists leave out that depend on the Landlock ABI: truncation
# (the truncate right is ABI 3) and creation/removal under tmppath.
LANDLOCK_EXTRA = [("stdio tmppath", "open-trunc"), ("stdio tmppath", "open-rdtrunc"),
                  ("stdio tmppath", "tmpfile"), ("stdio tmppath", "rmdir"),
                  ("stdio rpath tmppath", "open-w-tmp"), ("stdio rpath tmppath", "create"),
                  ("stdio tmppath", "rename"), ("stdio tmppath", "link")]
PENALTIES = ("kill", "log", "error")
# The promises that grant nothing all behave alike: one of them stands for all.
QUICK_SKIP = set(spec.GRANTS_NOTHING) - {"audio"}
UNPRIVILEGED_QUICK = [("stdio rpath", "open-r", "errno"), ("stdio tmppath", "create-tmp", "errno"),
                      ("stdio tmppath", "create", "errno"), ("stdio", "fork", "kill")]


def _grid_id(s, op):
    return f"{TEST_FILE}::test_grid[{s or '(empty)'}::{op}]"


def quick_ids():
    """The quick run's fixed subset of the matrix, as pytest node ids: per
    promise one allowed and one denied cell under ERRNO and the denied one
    under KILL, LOG and `error`; every key cell of the path-scoped promises
    (Landlock's part) and the ABI-dependent extras; the kernel-facing cells
    (foreign ABIs, ENOSYS answers, never-granted calls); a few unprivileged."""
    ids = []
    seen = set()

    def add(i):
        if i not in seen:
            seen.add(i)
            ids.append(i)

    for p in sorted(spec.KEY_CELLS):
        if p in QUICK_SKIP:
            continue
        allows, denies = spec.KEY_CELLS[p]
        add(_grid_id(spec.key_set(p), allows[0]))
        add(_grid_id(spec.key_set(p), denies[0]))
        for pen in PENALTIES:
            add(f"{TEST_FILE}::test_penalty[{p}::{denies[0]}::{pen}]")
    for p in LANDLOCK_PROMISES:
        allows, denies = spec.KEY_CELLS[p]
        for name in allows + denies:
            add(_grid_id(spec.key_set(p), name))
    for row, name in LANDLOCK_EXTRA:
        if row in spec.SETS and name in spec.OPS_BY_NAME:
            add(_grid_id(row, name))
    for op in spec.OPS:
        if op.group in ("always", "never"):
            add(_grid_id("stdio", op.name))
        if op.group == "always":  # with no promise at all (vDSO, clocksource)
            add(_grid_id("", op.name))
    for name in ("test_key_cells_cover_every_promise", "test_every_promise_is_a_row",
                 "test_audit_log_action_enabled"):
        add(f"{TEST_FILE}::{name}")
    for s, o, pen in UNPRIVILEGED_QUICK:
        add(f"{TEST_FILE}::test_unprivileged[{s}::{o}::{pen}]")
    return ids


# ---------------------------------------- the quick run, as a pytest plugin

def pytest_addoption(parser):
    parser.getgroup("scopes").addoption(
        "--kernel-matrix-quick", action="store_true", default=False,
        help="run only the kernel matrix's quick subset (matrix/kernels.py quick_ids())")


def _short(nodeid):
    return nodeid.split("::", 1)[1] if "::" in nodeid else nodeid


def pytest_collection_modifyitems(config, items):
    """With --kernel-matrix-quick (load this module with -p matrix.kernels),
    keep the quick subset of the collected tests: ids the matrix no longer
    has are left out with a warning instead of failing the collection."""
    if not config.getoption("--kernel-matrix-quick", default=False):
        return
    want = {_short(i) for i in quick_ids()}
    keep = [it for it in items if _short(it.nodeid) in want]
    gone = [it for it in items if _short(it.nodeid) not in want]
    missing = want - {_short(it.nodeid) for it in keep}
    if missing and not hasattr(config, "workerinput"):
        import warnings
        warnings.warn(f"kernel matrix: {len(missing)} quick test(s) not in the matrix any more, "
                      f"e.g. {sorted(missing)[:3]}")
    if gone:
        config.hook.pytest_deselected(items=gone)
        items[:] = keep


# ------------------------------------------------- why kernels may differ

def explain(cell_by_config, kernel_by_config):
    """Why one matrix cell (a test) answered differently on several kernels.

    cell_by_config: config -> the cell's recorded dict (report.PROP json:
    want/got/status/landlock/reason/expected) or None when the test recorded
    no cell (controls); kernel_by_config: config -> kernel.json.
    Returns (explained: bool, text)."""
    parts = []
    statuses = {c: (r or {}).get("status") for c, r in cell_by_config.items()}
    bad = [c for c, st in statuses.items() if st in ("mismatch",)]
    if bad:
        return False, ("the spec does not explain it: mismatch on " + ", ".join(sorted(bad)))
    exp = {c: (r or {}).get("expected") for c, r in cell_by_config.items()}
    ll = {c: (r or {}).get("landlock") for c, r in cell_by_config.items()}
    if len(set(exp.values())) > 1:
        for c in sorted(exp):
            k = kernel_by_config.get(c, {})
            abi = k.get("landlock_abi", "?")
            why = (cell_by_config[c] or {}).get("reason", "")
            parts.append(f"{c} (Landlock ABI {abi}): {exp[c]} — {why}")
        return True, "; ".join(parts)
    wants = {c: (r or {}).get("want") for c, r in cell_by_config.items()}
    if len(set(wants.values())) > 1:
        return True, ("the unpledged control run differs between the kernels, and the cell "
                      "follows it: " + ", ".join(f"{c}: {w}" for c, w in sorted(wants.items())))
    if any(ll.values()):
        return True, "Landlock-dependent cell: " + "; ".join(
            f"{c}: {(r or {}).get('reason', '')}" for c, r in sorted(cell_by_config.items()))
    return True, "same expectation, both matched"


# ------------------------------------------ docs/promises.md's Landlock

# The newest Landlock ABI the spec knows of (7: audit flags, Linux 6.15).
NEWEST_ABI = 7


def assume_newest_landlock(monkeypatch):
    """Let spec.expect() answer as docs/promises.md means it, with every Landlock
    feature (network rules: ABI 4), whatever the running kernel's ABI: for
    checks of the spec's own lists, not for cells that run."""
    if hasattr(spec, "_landlock_abi"):
        monkeypatch.setattr(spec, "_landlock_abi", lambda: NEWEST_ABI)


def main(argv):
    if argv[1:] == ["quick-ids"]:
        print("\n".join(quick_ids()))
        return 0
    print("usage: python3 -m matrix.kernels quick-ids", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
