#!/usr/bin/env python3
"""Results of scripts/kernel-matrix.sh.

  summary.py counts RESDIR
      prints "N passed, M failed, K skipped" for one configuration's results
      (ctest.xml + matrix.xml; a run that did not finish counts as a failure)
  summary.py summary OUT TOP CONFIG...
      writes OUT/<config>/scopes-matrix.md and OUT/summary.md: each
      configuration's kernel, counts and times, every test that failed, and
      every cell that answered differently on two kernels, with the reason
      (pytest/matrix/kernels.py explain()). Exits 1 if any cell differs
      without a reason the spec gives.
  summary.py junit-one OUT.xml NAME EXIT SECONDS LOG
      writes one JUnit case for a program run (the full run's filtercheck)
"""
import json
import os
import pathlib
import sys
import xml.etree.ElementTree as ET

PROP = "scopes_matrix"


def _read(p, default=None):
    try:
        return pathlib.Path(p).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return default


def load_done(res):
    text = _read(res / "done")
    if text is None:
        return None
    return dict(kv.split("=", 1) for kv in text.split() if "=" in kv)


def junit_cases(path, suite):
    """test id -> (outcome, message, cell dict or None)."""
    cases = {}
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return None
    for tc in root.iter("testcase"):
        name = tc.get("name")
        cls = tc.get("classname", "")
        tid = f"{suite}::{name}" if suite == "ctest" else f"{cls.rsplit('.', 1)[-1]}::{name}"
        if suite == "pytest":
            tid = f"{cls}::{name}"
        outcome, msg = "passed", ""
        st = tc.get("status")  # ctest: run / fail / notrun / disabled
        if st in ("notrun", "disabled"):
            outcome = "skipped"
        for child in tc:
            if child.tag in ("failure", "error"):
                outcome, msg = "failed", (child.get("message") or child.text or "")
            elif child.tag == "skipped":
                typ = child.get("type", "")
                outcome = "xfailed" if "xfail" in typ else "skipped"
                msg = child.get("message") or ""
        if st == "fail" and outcome == "passed":
            outcome = "failed"
        cell = None
        for prop in tc.iter("property"):
            if prop.get("name") == PROP:
                try:
                    cell = json.loads(prop.get("value"))
                except ValueError:
                    pass
        cases[tid] = (outcome, msg, cell)
    return cases


def results(res):
    """(passed, failed, skipped, problems, cases) for one configuration."""
    res = pathlib.Path(res)
    problems = []
    err = _read(res / "error")
    if err:
        problems.append(err.strip())
    done = load_done(res)
    if done is None and not err:
        problems.append("the run did not finish (no done file: see console.log)")
    cases = {}
    for fname, suite, key in (("ctest.xml", "ctest", "ctest"), ("filtercheck.xml", "ctest", "ctest"),
                              ("matrix.xml", "matrix", "matrix"), ("extra.xml", "pytest", "extra")):
        if fname == "filtercheck.xml" and not (res / fname).exists():
            continue  # the quick run has none
        c = junit_cases(res / fname, suite)
        if c is None:
            if done is not None and done.get(key, "none") != "none":
                problems.append(f"no {fname} (exit {done.get(key)}: see {key}.log)")
            continue
        if not c:
            problems.append(f"{fname} holds no test")
        if done is not None and done.get(key) in ("124", "2") and key == "matrix":
            problems.append(f"the matrix was interrupted at its time limit (exit {done[key]}): "
                            "a partial run")
        elif done is not None and done.get(key) not in ("0", None) and \
                not any(o == "failed" for o, _, _ in c.values()):
            problems.append(f"{key} exited {done.get(key)} with no failed test (see {key}.log)")
        cases.update(c)
    passed = sum(o == "passed" for o, _, _ in cases.values())
    failed = sum(o == "failed" for o, _, _ in cases.values()) + len(problems)
    skipped = sum(o in ("skipped", "xfailed") for o, _, _ in cases.values())
    return passed, failed, skipped, problems, cases


def junit_one(path, name, rc, secs, log):
    """One JUnit case (a program's exit status and the tail of its log)."""
    from xml.sax.saxutils import escape, quoteattr
    tail = _read(log, "")[-4000:]
    body = "" if rc == "0" else f"<failure message={quoteattr('exit ' + rc)}>{escape(tail)}</failure>"
    status = "run" if rc == "0" else "fail"
    pathlib.Path(path).write_text(
        f'<?xml version="1.0"?>\n<testsuite name="{name}" tests="1">'
        f'<testcase classname="ctest" name={quoteattr(name)} time="{secs}" status="{status}">'
        f"{body}</testcase></testsuite>\n")
    return 0


def counts(res):
    p, f, s, problems, _ = results(res)
    for pr in problems:
        print(f"kernel-matrix: {pathlib.Path(res).name}: {pr}", file=sys.stderr)
    print(f"{p} passed, {f} failed, {s} skipped")
    return 0


def _outcome_key(outcome, cell):
    if cell:
        return (outcome, cell.get("got"), cell.get("status"))
    return (outcome,)


def _describe(outcome, cell):
    if cell:
        return f"{cell.get('got')} (expected {cell.get('want')}: {cell.get('expected')})"
    return outcome


def summary(out, top, configs):
    out = pathlib.Path(out)
    sys.path.insert(0, str(pathlib.Path(top) / "pytest"))
    from matrix import kernels, report  # noqa: E402

    data = {}
    for c in configs:
        res = out / c
        kernel = {}
        try:
            kernel = json.loads(_read(res / "kernel.json", "{}") or "{}")
        except ValueError:
            pass
        p, f, s, problems, cases = results(res)
        data[c] = dict(kernel=kernel, passed=p, failed=f, skipped=s, problems=problems,
                       cases=cases, done=load_done(res) or {},
                       wall=(_read(res / "wall_s", "?") or "?").strip())
        # the per-configuration grid, as Markdown, from the cells in matrix.xml
        cells = {}
        for tid, (_, _, cell) in cases.items():
            if cell:
                cells.setdefault((cell["set"], cell["op"]), {})[cell["penalty"]] = cell
        if cells:
            try:
                (res / "scopes-matrix.md").write_text(report.render_md(cells), encoding="utf-8")
            except Exception as e:  # noqa: BLE001 - the summary matters more
                print(f"kernel-matrix: {c}: scopes-matrix.md: {e}", file=sys.stderr)

    lines = ["# Kernel matrix", ""]
    lines += ["| configuration | kernel | LSMs | Landlock ABI | mode | passed | failed | skipped "
              "| ctest s | matrix s | extra s | wall s |", "|" + "---|" * 12]
    for c in configs:
        d, k = data[c], data[c]["kernel"]
        abi = k.get("landlock_abi", "?")
        if not abi and k.get("landlock_errno"):
            abi = f"none ({k['landlock_errno']})"
        lines.append(f"| {c} | {k.get('release', '?')} | {k.get('lsm', '?')} | {abi} | "
                     f"{k.get('mode', '?')} | {d['passed']} | {d['failed']} | {d['skipped']} | "
                     f"{d['done'].get('ctest_s', '?')} | {d['done'].get('matrix_s', '?')} | "
                     f"{d['done'].get('extra_s', '?')} | "
                     f"{d['wall']} |")
    lines.append("")

    unexplained = 0
    fails = [(c, tid, msg) for c in configs for tid, (o, msg, _) in data[c]["cases"].items()
             if o == "failed"]
    probs = [(c, p) for c in configs for p in data[c]["problems"]]
    lines += ["## Failures", ""]
    if not fails and not probs:
        lines.append("None.")
    for c, p in probs:
        lines.append(f"- **{c}**: {p}")
    for c, tid, msg in fails:
        first = (msg or "").strip().splitlines()[0] if (msg or "").strip() else ""
        lines.append(f"- **{c}** `{tid}`: {first[:400]}")
    lines.append("")

    # cells that differ between kernels
    ran = [c for c in configs if data[c]["cases"]]
    ids = sorted({t for c in ran for t in data[c]["cases"]})
    diffs = []
    for tid in ids:
        present = [c for c in ran if tid in data[c]["cases"]]
        if len(present) < 2:
            continue
        keys = {c: _outcome_key(data[c]["cases"][tid][0], data[c]["cases"][tid][2])
                for c in present}
        if len(set(keys.values())) < 2:
            continue
        cells = {c: data[c]["cases"][tid][2] for c in present}
        if any(data[c]["cases"][tid][0] == "failed" for c in present):
            ok, why = False, "fails on " + ", ".join(
                c for c in present if data[c]["cases"][tid][0] == "failed")
        elif any(cells.values()):
            ok, why = kernels.explain(cells, {c: data[c]["kernel"] for c in present})
        else:
            ok, why = True, ("the test's outcome follows the kernel (a skip names what is "
                             "missing): " + "; ".join(
                                 f"{c}: {data[c]['cases'][tid][0]} "
                                 f"{(data[c]['cases'][tid][1] or '').strip()[:160]}"
                                 for c in present))
        unexplained += not ok
        diffs.append((tid, present, ok, why))
    lines += ["## Cells and tests that differ between kernels", ""]
    if not diffs:
        lines.append("None: every test common to the configurations answered alike.")
    else:
        lines += [f"{len(diffs)} differ, {unexplained} without a reason from the spec.", ""]
        lines += ["| test | " + " | ".join(ran) + " | explained | why |",
                  "|" + "---|" * (len(ran) + 3)]
        for tid, present, ok, why in diffs:
            row = []
            for c in ran:
                if c in present:
                    o, _, cell = data[c]["cases"][tid]
                    row.append(_describe(o, cell).replace("|", "/"))
                else:
                    row.append("–")
            lines.append(f"| `{tid}` | " + " | ".join(row) +
                         f" | {'yes' if ok else '**no**'} | {why.replace('|', '/')} |")
    lines.append("")
    (out / "summary.md").write_text("\n".join(lines), encoding="utf-8")
    return 1 if unexplained else 0


def main(argv):
    if len(argv) == 3 and argv[1] == "counts":
        return counts(argv[2])
    if len(argv) >= 4 and argv[1] == "summary":
        return summary(argv[2], argv[3], argv[4:])
    if len(argv) == 7 and argv[1] == "junit-one":
        return junit_one(*argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
