"""The matrix report: --scopes-matrix=FILE.html|FILE.md writes the grid
promise set x operation, each cell allowed / denied / mismatch.

Cells travel as user_properties on the test reports, so results from
pytest-xdist workers reach the controller, which alone writes the file.
Without the option, a run that recorded cells writes
$SCOPES_BUILD_DIR/matrix/scopes-matrix.html and .md (the test stage
50-matrix-report.sh renders that one in headless Chromium).
"""
import datetime
import html
import json
import os
import pathlib

from . import spec

PROP = "scopes_matrix"
SYMBOL = {"allowed": "\u2713", "denied": "\u00b7", "mismatch": "\u2717", "known": "!",
          "na": "\u2013", "notrun": "?"}
# "na": the operation needs a kernel feature a control run showed absent
# (pytest/scopes_probes.py), e.g. the i386 entry: n/a on this kernel.
LABEL = {"na": "n/a on this kernel", "notrun": "not run"}
PENALTY_ORDER = ("errno", "kill", "log", "error")


def pytest_addoption(parser):
    parser.getgroup("scopes").addoption(
        "--scopes-matrix", metavar="FILE", default=None,
        help="write the scope matrix (promise set x operation) to FILE (.html or .md)")


def pytest_configure(config):
    if hasattr(config, "workerinput"):
        return  # an xdist worker: its results go to the controller
    config.pluginmanager.register(MatrixCollector(config), "scopes-matrix-collector")


class MatrixCollector:
    def __init__(self, config):
        self.config = config
        self.cells = {}  # (set, op) -> {penalty: record}

    def pytest_runtest_logreport(self, report):
        for name, value in getattr(report, "user_properties", ()):
            if name != PROP:
                continue
            rec = json.loads(value)
            self.cells.setdefault((rec["set"], rec["op"]), {})[rec["penalty"]] = rec

    def pytest_sessionfinish(self, session):
        if not self.cells:
            return
        targets = []
        opt = self.config.getoption("--scopes-matrix")
        if opt:
            targets.append(pathlib.Path(opt))
        elif summary(self.cells)[0]["notrun"] == 0:
            # the default report is the whole grid: a partial run leaves it be
            from conftest import build_dir
            d = build_dir() / "matrix"
            targets += [d / "scopes-matrix.html", d / "scopes-matrix.md"]
        else:
            return
        for t in targets:
            t.parent.mkdir(parents=True, exist_ok=True)
            text = render_md(self.cells) if t.suffix == ".md" else render_html(self.cells)
            t.write_text(text, encoding="utf-8")
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if reporter:
            reporter.write_line("scope matrix: " + ", ".join(map(str, targets)))


def cell_status(records):
    """One cell from its runs under each penalty: mismatch if any run was."""
    if not records:
        return "notrun"
    statuses = {r["status"] for r in records.values()}
    for st in ("mismatch", "known"):
        if st in statuses:
            return st
    if statuses == {"na"}:
        return "na"
    return "allowed" if "allowed" in statuses else "denied"


def cell_title(setname, op, records):
    lines = [f"{setname or '(empty)'} \u00d7 {op.name}: {' '.join(op.probe)}"]
    for pen in PENALTY_ORDER:
        r = records.get(pen)
        if r and r["status"] == "na":
            lines.append(f"{pen}: n/a on this kernel")
        elif r:
            line = f"{pen}: {r['status']} — expected {r['expected']} ({r['want']}), got {r['got']}"
            if r.get("known"):
                line += f" — KNOWN: {r['known']}"
            if r.get("logged") is not None:
                line += ", audit record " + ("seen" if r["logged"] else "MISSING")
            lines.append(line)
    rec = next(iter(records.values()), None)
    if rec:
        lines.append("why: " + rec["reason"])
        if rec["landlock"]:
            lines.append("depends on Landlock enforcement of path-scoped promises")
    return "\n".join(lines)


def summary(cells):
    counts = {"allowed": 0, "denied": 0, "mismatch": 0, "known": 0, "na": 0, "notrun": 0}
    runs = 0
    for s in spec.SETS:
        for op in spec.OPS:
            recs = cells.get((s, op.name), {})
            runs += len(recs)
            counts[cell_status(recs)] += 1
    return counts, runs


def groups():
    out = []
    for op in spec.OPS:
        if out and out[-1][0] == op.group:
            out[-1][1].append(op)
        else:
            out.append((op.group, [op]))
    return out


CSS = """
body { font: 13px/1.4 system-ui, sans-serif; margin: 1em; color: #222; }
h1 { font-size: 20px; margin: 0 0 .3em; }
.legend span, .counts span { margin-right: 1.2em; }
table.grid { border-collapse: collapse; margin-top: 1em; }
table.grid th, table.grid td { border: 1px solid #ccc; padding: 0; text-align: center; }
table.grid td.cell { width: 14px; min-width: 14px; height: 17px; font-size: 11px; }
table.grid th.op { writing-mode: vertical-rl; transform: rotate(180deg); font-weight: normal;
  white-space: nowrap; padding: 3px 0; font-size: 11px; }
table.grid th.group { font-size: 11px; background: #eef; }
table.grid th.set { text-align: left; white-space: nowrap; padding: 0 6px; font-weight: normal;
  position: sticky; left: 0; background: #fff; }
td.allowed { background: #9be39b; }
td.denied { background: #f0f0f0; color: #888; }
td.mismatch { background: #e33; color: #fff; font-weight: bold; }
td.known { background: #f5a623; color: #fff; font-weight: bold; }
td.notrun { background: #fff; color: #bbb; }
td.na { background: #fff; color: #999; font-style: italic; }
td.landlock { box-shadow: inset 0 0 0 2px #36c; }
td.penalties { text-decoration: underline; }
ul.mismatches li { font-family: monospace; white-space: pre-wrap; margin-bottom: .5em; }
"""

SCRIPT = """
document.addEventListener('DOMContentLoaded', function () {
  var cells = document.querySelectorAll('table.grid td.cell');
  var by = {allowed: 0, denied: 0, mismatch: 0, known: 0, na: 0, notrun: 0};
  cells.forEach(function (c) { by[c.dataset.status] += 1; });
  document.body.dataset.rendered = cells.length + ' cells: ' + by.allowed + ' allowed, ' +
    by.denied + ' denied, ' + by.mismatch + ' mismatch, ' + by.known + ' known, ' +
    by.notrun + ' not run';
  // apart: scripts/test.d/50-matrix-report.sh reads data-rendered in this form
  document.body.dataset.na = by.na + ' n/a on this kernel';
  document.getElementById('rendered').textContent = document.body.dataset.rendered +
    ' (' + document.body.dataset.na + ')';
});
"""


def render_html(cells):
    counts, runs = summary(cells)
    e = html.escape
    out = ["<!DOCTYPE html>", "<html lang='en'><head><meta charset='utf-8'>",
           "<title>seccomp-scopes: the scope matrix</title>", f"<style>{CSS}</style>",
           f"<script>{SCRIPT}</script></head><body>",
           "<h1>The scope matrix: promise set \u00d7 operation</h1>",
           f"<p>Expected outcomes are written by hand from docs/promises.md (pytest/matrix/spec.py); "
           f"each cell is a fresh scopes-probe process. Grid: ERRNO penalty; underlined cells "
           f"were also run under KILL, LOG and <code>error</code> (hover for every run). "
           f"Generated {e(datetime.datetime.now().strftime('%Y-%m-%d %H:%M'))}.</p>",
           "<p class='counts'>"
           + "".join(f"<span class='{k}'>{SYMBOL[k]} {LABEL.get(k, k)}: <b id='n-{k}'>{v}</b>"
                     "</span>" for k, v in counts.items())
           + f"<span>probe runs: {runs}</span></p>",
           "<p class='legend'><span>\u2713 allowed</span><span>\u00b7 denied (the penalty, "
           "EACCES from Landlock, ENOSYS, or SIGSYS for a foreign ABI)</span><span>\u2717 "
           "mismatch: libscopes and docs/promises.md disagree</span><span>! known disagreement (reported,"
           " see the cell)</span><span>\u2013 n/a on this kernel (a feature the operation needs "
           "is absent: a control run with no filter shows it)</span><span style='box-shadow: inset 0 "
           "0 0 2px #36c'>&nbsp;framed&nbsp;</span> depends on Landlock</p>",
           "<p>Rendered: <span id='rendered'>(not rendered by a browser)</span></p>",
           "<table class='grid' id='grid'><thead><tr><th></th>"]
    gs = groups()
    for g, ops in gs:
        out.append(f"<th class='group' colspan='{len(ops)}'>{e(g)}</th>")
    out.append("</tr><tr><th></th>")
    for _, ops in gs:
        for op in ops:
            out.append(f"<th class='op' title='{e(op.why, quote=True)}'>{e(op.name)}</th>")
    out.append("</tr></thead><tbody>")
    mismatches = []
    for s in spec.SETS:
        out.append(f"<tr><th class='set'>{e(s or '(empty)')}</th>")
        for _, ops in gs:
            for op in ops:
                recs = cells.get((s, op.name), {})
                st = cell_status(recs)
                cls = ["cell", st]
                if any(r["landlock"] for r in recs.values()):
                    cls.append("landlock")
                if len(recs) > 1:
                    cls.append("penalties")
                title = cell_title(s, op, recs)
                if st in ("mismatch", "known"):
                    mismatches.append(title)
                out.append(f"<td class='{' '.join(cls)}' data-status='{st}' data-set='{e(s)}' "
                           f"data-op='{e(op.name)}' title='{e(title, quote=True)}'>"
                           f"{SYMBOL[st]}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    out.append(f"<h2>Mismatches and known disagreements ({len(mismatches)})</h2>"
               "<ul class='mismatches'>")
    out += [f"<li>{e(m)}</li>" for m in mismatches]
    out.append("</ul></body></html>")
    return "\n".join(out) + "\n"


def render_md(cells):
    counts, runs = summary(cells)
    out = ["# The scope matrix: promise set \u00d7 operation", "",
           "Expected outcomes are written by hand from docs/promises.md (pytest/matrix/spec.py). "
           "Grid under the ERRNO penalty; cells marked `*` were also run under KILL, LOG and "
           "`error`; `L`: depends on Landlock.", "",
           "Legend: \u2713 allowed, \u00b7 denied, \u2717 mismatch, ! known disagreement, "
           "\u2013 n/a on this kernel (the operation needs a kernel feature that a control run "
           "shows absent), ? not run.", "",
           " | ".join(f"{LABEL.get(k, k)}: {v}" for k, v in counts.items()) + f" | probe runs: {runs}", ""]
    mismatches = []
    for g, ops in groups():
        out += [f"## {g}", "", "| set | " + " | ".join(f"`{op.name}`" for op in ops) + " |",
                "|---|" + "---|" * len(ops)]
        for s in spec.SETS:
            row = []
            for op in ops:
                recs = cells.get((s, op.name), {})
                st = cell_status(recs)
                mark = SYMBOL[st]
                if any(r["landlock"] for r in recs.values()):
                    mark += "L"
                if len(recs) > 1:
                    mark += "*"
                if st in ("mismatch", "known"):
                    mismatches.append(cell_title(s, op, recs))
                row.append(mark)
            out.append(f"| `{s or '(empty)'}` | " + " | ".join(row) + " |")
        out.append("")
    out += [f"## Mismatches and known disagreements ({len(mismatches)})", ""]
    for m in mismatches:
        out += ["```", m, "```", ""]
    return "\n".join(out) + "\n"
