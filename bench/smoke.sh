#!/bin/sh
# CI smoke test for scopes-bench: one quick round runs, every setup took
# effect in its worker (the worker checks the kernel's filter count and that
# each measured call succeeded; the bench fails otherwise), and the JSON
# parses with every figure present. No performance threshold: the CI machine
# is shared and noisy, and numbers from one quick round mean nothing.
set -eu
bench=${1:?usage: smoke.sh path/to/scopes-bench}
out=$(mktemp /tmp/scopes-bench-smoke-XXXXXX.json)
trap 'rm -f "$out"' EXIT INT TERM

"$bench" --quick --json="$out" >/dev/null
/usr/bin/python3 - "$out" <<'PY'
import json, math, sys

d = json.load(open(sys.argv[1]))
assert d["tool"] == "scopes-bench" and d["schema"] == 1, d.get("tool")

def positive(series, what):
    assert series is not None, what + ": missing"
    for k in ("median", "min", "max"):
        v = series[k]
        assert isinstance(v, (int, float)) and v > 0 and math.isfinite(v), (what, k, v)

setups = d["setups"]
for name, s in setups.items():
    seen = s["filters_seen"]
    if seen is not None:  # a per-call setup: the kernel's own count
        assert seen["min"] == seen["max"] == s["filters"], (name, seen, s["filters"])
    assert s["insns"] >= 0, name

percall_setups = ["none", "onerule", "argfloor", "argfloor8", "pledge1", "pledge2",
                  "pledge4", "pledge8", "naive", "docker"]
for op, fig in d["percall_ns"].items():
    for name in percall_setups:
        positive(fig[name]["value"], "percall %s %s" % (op, name))
    assert fig["cached"]["onerule"] is True, op
    assert fig["cached"]["argfloor"] is False, op
# what the cache does under the pledge follows from the table, not from timing
assert d["percall_ns"]["getppid"]["cached"]["pledge8"] is True
assert d["percall_ns"]["fcntl_getfl"]["cached"]["pledge1"] is False

for name in ("none", "pledge1", "naive", "docker"):
    positive(d["workload_ms"][name]["value"], "workload " + name)
for name in ("none", "errno", "trap"):
    positive(d["violation_ns"][name]["value"], "violation " + name)
if "report" in d["violation_ns"]:  # built with libscopes-sigsys
    positive(d["violation_ns"]["report"]["value"], "violation report")
for key in ("pledge_first", "pledge_second", "table_init", "compile_first",
            "compile_warm", "compile_full_set", "apply", "raw_attach", "raw_attach_first",
            "containment_floor", "containment_floor_first"):
    positive(d["latency_us"][key]["wall"], "latency %s wall" % key)
    positive(d["latency_us"][key]["cpu"], "latency %s cpu" % key)
for key in ("apply_over_raw_cpu", "apply_over_floor_cpu", "apply_floor_over_raw_cpu",
            "pledge_over_raw_cpu", "pledge_over_floor_cpu", "pledge_floor_over_raw_cpu"):
    positive(d["latency_us"][key], "latency ratio " + key)

insns = d["filter_insns"]
assert 0 < insns["full_set"] <= insns["kernel_max"], insns["full_set"]
assert all(n > 0 for n in insns["per_promise"].values()), insns["per_promise"]
assert len(d["targets"]) >= 10
for t in d["targets"]:
    assert t["pass"] in (True, False, None), t
print("scopes-bench smoke: ok, %d setups, %d targets" % (len(setups), len(d["targets"])))
PY
