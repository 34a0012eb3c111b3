#!/usr/bin/env bash
# The scope matrix report renders in a browser and shows the full grid.
#
# The pytest run of scripts/test.sh writes $SCOPES_BUILD_DIR/matrix/
# scopes-matrix.html (pytest/matrix/report.py); when it is missing or not the
# full grid (a partial run), this stage runs the matrix itself. Then headless
# Chromium loads the report: the DOM it dumps must hold every cell of the
# grid (its script counts them at load), none of them a mismatch, and a
# screenshot is written beside the report for a person to look at.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
build=${SCOPES_BUILD_DIR:-$top/build}
case "$build" in /*) ;; *) build="$top/$build" ;; esac
export SCOPES_BUILD_DIR="$build"
out="$build/matrix"
report="$out/scopes-matrix.html"

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
	if [ "$(id -u)" -eq 0 ]; then
		echo "50-matrix-report: installing chromium (add it to scripts/deps.sh)"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
			chromium >/dev/null
		browser=$(command -v chromium)
	else
		echo "50-matrix-report: chromium is not installed (scripts/deps.sh installs it)" >&2
		exit 1
	fi
fi

# The grid's size, from the spec the report was made from.
expected=$(cd pytest && /usr/bin/python3 -c \
	'from matrix import spec; print(len(spec.SETS) * len(spec.OPS))')

complete() {
	[ -s "$report" ] && grep -q "id='n-notrun'>0<" "$report" &&
		[ "$(grep -o "class='cell " "$report" | wc -l)" -eq "$expected" ]
}
if ! complete; then
	echo "50-matrix-report: running the matrix for the report"
	/usr/bin/python3 -m pytest pytest/matrix -q -n auto -p no:cacheprovider \
		--scopes-matrix="$report" >"$out.log" 2>&1 || {
		tail -40 "$out.log"
		exit 1
	}
fi
complete || { echo "50-matrix-report: $report is not the full grid" >&2; exit 1; }

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
chrome() {
	timeout 120 "$browser" --headless --no-sandbox --disable-gpu \
		--disable-background-networking --disable-component-update --disable-sync \
		--no-first-run --user-data-dir="$profile" "$@" 2>>"$out/chromium.log"
}
chrome --dump-dom "file://$report" >"$out/scopes-matrix.dom.html"
chrome --screenshot="$out/scopes-matrix.png" --window-size=3400,1500 "file://$report" >/dev/null

/usr/bin/python3 - "$out/scopes-matrix.dom.html" "$expected" "$out/scopes-matrix.png" <<'EOF'
import re
import sys

dom = open(sys.argv[1], encoding="utf-8").read()
expected = int(sys.argv[2])
m = re.search(r'<body[^>]*data-rendered="(\d+) cells: (\d+) allowed, (\d+) denied, '
              r'(\d+) mismatch, (\d+) known, (\d+) not run"', dom)
if not m:
    sys.exit("50-matrix-report: the browser did not run the report's script (no data-rendered)")
cells, allowed, denied, mismatch, known, notrun = map(int, m.groups())
print(f"50-matrix-report: Chromium rendered {cells} cells: {allowed} allowed, "
      f"{denied} denied, {mismatch} mismatch, {known} known disagreement(s), {notrun} not run")
tds = len(re.findall(r'<td class="cell ', dom))
problems = []
if cells != expected or tds != expected:
    problems.append(f"expected {expected} cells, the DOM has {tds} (script counted {cells})")
if mismatch or notrun:
    problems.append(f"{mismatch} mismatch and {notrun} not-run cells")
if allowed == 0 or denied == 0:
    problems.append("a grid with no allowed or no denied cell is not the matrix")
png = open(sys.argv[3], "rb").read()
if not png.startswith(b"\x89PNG") or len(png) < 10000:
    problems.append("the screenshot is missing or empty")
if problems:
    sys.exit("50-matrix-report: " + "; ".join(problems))
EOF
echo "50-matrix-report: $report (screenshot: $out/scopes-matrix.png)"
