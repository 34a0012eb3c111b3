"""The scope matrix across kernels (scripts/kernel-matrix.sh).

The same cells run on several kernel configurations (Debian 12's 6.1 with
Landlock ABI 2, the same without Landlock in lsm=, the host's own kernel).
The expectation of every cell already follows the running kernel where the
library documents a degradation: path-scoped promises fail closed without
Landlock (harness.landlock_enforced() asks scopes_pathscoped_enforced()),
and features a control run shows absent are n/a. This module adds:

- the quick subset: a fixed list of node ids, one allowed and one denied
  cell per promise under every penalty, every Landlock-dependent cell of the
  path-scoped rows, the controls and the unprivileged cells;
  `python3 -m matrix.kernels quick-ids` prints them (run from pytest/);
- `explain()`: why a cell may legitimately answer differently on two kernels
  (used by scripts/kernel-matrix/summary.py).
"""
import sys

from . import spec

TEST_FILE = "pytest/matrix/test_matrix.py"

# Rows whose cells depend on Landlock: every operation with a verb runs there.
LANDLOCK_ROWS = ["stdio tmppath", "stdio dns", "stdio getpw", "stdio tty", "stdio ps",
                 "stdio vminfo", "stdio rpath tmppath", "stdio unveil"]
PENALTIES = ("kill", "log", "error")


def _grid_id(s, op):
    return f"{TEST_FILE}::test_grid[{s or '(empty)'}::{op}]"


def quick_ids():
    """The quick run's fixed subset of the matrix, as pytest node ids."""
    ids = []
    seen = set()

    def add(i):
        if i not in seen:
            seen.add(i)
            ids.append(i)

    for p in sorted(spec.KEY_CELLS):
        allows, denies = spec.KEY_CELLS[p]
        for name in (allows[0], denies[0]):
            add(_grid_id(spec.key_set(p), name))
            for pen in PENALTIES:
                add(f"{TEST_FILE}::test_penalty[{p}::{name}::{pen}]")
    for row in LANDLOCK_ROWS:
        if row not in spec.SETS:
            continue
        for op in spec.OPS:
            if op.verb or op.name in ("unveil-call", "landlock-abi"):
                add(_grid_id(row, op.name))
    # the kernel-facing odd ones: foreign ABIs, ENOSYS answers, never-granted calls
    for op in spec.OPS:
        if op.group in ("always", "never"):
            add(_grid_id("stdio", op.name))
    for op in spec.OPS:
        add(f"{TEST_FILE}::test_control[{op.name}]")
    for name in ("test_key_cells_cover_every_promise", "test_every_promise_is_a_row",
                 "test_audit_log_action_enabled"):
        add(f"{TEST_FILE}::{name}")
    # test_unprivileged: every cell (few)
    try:
        from . import test_matrix
        for s, o, pen in test_matrix.UNPRIVILEGED:
            add(f"{TEST_FILE}::test_unprivileged[{s}::{o}::{pen}]")
    except Exception:  # noqa: BLE001 - the list is optional
        pass
    return ids


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


def main(argv):
    if argv[1:] == ["quick-ids"]:
        print("\n".join(quick_ids()))
        return 0
    print("usage: python3 -m matrix.kernels quick-ids", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
