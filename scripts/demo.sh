#!/usr/bin/env bash
# The main job, end to end, on the bundled example (examples/decoder):
#   0. install the dependencies (scripts/deps.sh) and build everything;
#   1. scopes-trace runs the PNG decoder and finds the promises it needs;
#   2. the decoder runs pledged: a good image becomes a thumbnail, crafted bad
#      images are refused cleanly under the pledge;
#   3. the decoder modified to overstep (--overstep) is stopped by the kernel,
#      and with the SIGSYS reporter (-r) says which call needed which promise.
# SCOPES_SKIP_DEPS=1 skips step 0's apt-get, SCOPES_SKIP_BUILD=1 its build (to
# run the demo again); SCOPES_BUILD_DIR picks the build directory (build/). Exits non-zero if any step does not come out as
# shown.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

build=${SCOPES_BUILD_DIR:-build}
case "$build" in /*) ;; *) build="$top/$build" ;; esac

if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold= plain=; fi
say() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }
show() { printf '$ %s\n' "$*"; }

if [ "${SCOPES_SKIP_DEPS:-0}" != 1 ]; then
	say "installing dependencies (scripts/deps.sh)"
	bash scripts/deps.sh
fi

if [ "${SCOPES_SKIP_BUILD:-0}" != 1 ]; then
	say "building ($build)"
	cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build "$build" -j"$(nproc)" >/dev/null
fi

thumb="$build/examples/pngthumb"
images="$build/examples/images"
trace="$build/tools/trace/scopes-trace"
# the scratch directory is in the build tree, not under /tmp: a file written
# under /tmp would (rightly) make scopes-trace suggest "tmppath"
out="$build/demo"
rm -rf "$out"
mkdir -p "$out"
for f in "$thumb" "$images/quadrants.png"; do
	[ -e "$f" ] || { echo "demo: $f was not built" >&2; exit 1; }
done
# work in a scratch directory holding copies of the test images
cp "$images"/*.png "$out"/
cd "$out"

say "1. which promises does the decoder need? (scopes-trace)"
if [ -x "$trace" ]; then
	show "scopes-trace -- pngthumb quadrants.png thumb.png"
	"$trace" --color=never -- "$thumb" quadrants.png traced.png 2>&1
	echo "(the decoder's own pledge point: after scopes_pledge(\"stdio\"), \"stdio\" was enough)"
else
	echo "(scopes-trace is not built in this tree yet: step skipped)"
fi

say "2. the decoder, pledged to \"stdio\" before it reads a byte of the image"
show "pngthumb quadrants.png thumb.png"
"$thumb" quadrants.png thumb.png
file thumb.png 2>/dev/null || true
for bad in truncated badcrc badzlib bomb; do
	show "pngthumb $bad.png bad.png"
	status=0
	msg=$("$thumb" "$bad.png" bad.png 2>&1) || status=$?
	echo "$msg"
	if [ "$status" != 1 ]; then
		echo "demo: expected a clean refusal (exit 1), got $status" >&2
		exit 1
	fi
	echo "(refused cleanly, exit 1)"
done

say "3. the decoder modified to overstep: it opens /etc/passwd after the pledge"
if [ -x "$trace" ]; then
	show "scopes-trace -- pngthumb --overstep quadrants.png thumb.png"
	report=$("$trace" --color=never -- "$thumb" --overstep quadrants.png over.png 2>&1)
	sed -n '/^pledge points/,$p' <<<"$report"
	grep -q 'still needed' <<<"$report" || {
		echo "demo: scopes-trace did not see the overstep after the pledge" >&2
		exit 1
	}
fi
show "pngthumb --overstep quadrants.png thumb.png"
status=0
msg=$("$thumb" --overstep quadrants.png over.png 2>&1) || status=$?
[ -z "$msg" ] || echo "$msg"
echo "(exit status $status: killed by SIGSYS, the kernel's answer to the violation)"
[ "$status" = 159 ] || { echo "demo: expected 159 (128 + SIGSYS)" >&2; exit 1; }

show "pngthumb -r --overstep quadrants.png thumb.png     # with the SIGSYS reporter"
status=0
report=$("$thumb" -r --overstep quadrants.png over.png 2>&1) || status=$?
echo "$report" | sed "s|$build/||"
if [ "$status" = 2 ]; then
	echo "(libscopes-sigsys is not built in this tree yet: no report)"
elif [ "$status" != 159 ] || ! grep -q '^scopes: violation: openat(.*"/etc/passwd".*needs promise "rpath"' <<<"$report"; then
	echo "demo: expected a violation report naming rpath, and exit 159 (got $status)" >&2
	exit 1
fi

say "done: the decoder needs only \"stdio\"; an overstep is stopped and explained"
