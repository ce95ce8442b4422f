#!/usr/bin/env bash
# Smoke test of callqc-station: a small demo day is generated, imported and sampled; the station
# runs under xvfb-run for some frames with the first call open and writes a PNG screenshot.
# Usage: smoke.sh CALLQC CALLQC_STATION WORKDIR
set -euo pipefail
callqc=$1
station=$2
work=$3
if ! command -v xvfb-run >/dev/null; then
    echo "SKIPPED: xvfb-run is not installed (apt-get install xvfb)"
    exit 77
fi
# Under the sanitizers: Mesa's llvmpipe and the X libraries keep allocations until exit, which
# LeakSanitizer reports without usable stacks; our own code's leaks are caught by the unit tests.
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0"
rm -rf "$work"
mkdir -p "$work"
"$callqc" demo "$work/day" --calls 12 --seed 5 --date 2026-11-25 >/dev/null
"$callqc" import "$work/day" --db "$work/smoke.db" >/dev/null
"$callqc" sample --date 2026-11-25 --per-agent 1 --seed 3 --inspector smoke --db "$work/smoke.db" >/dev/null
LIBGL_ALWAYS_SOFTWARE=1 xvfb-run -a -s "-screen 0 1600x900x24" \
    "$station" --db "$work/smoke.db" --inspector smoke --open-first --no-audio \
    --frames 30 --screenshot "$work/station.png"
size=$(stat -c %s "$work/station.png")
if [ "$size" -lt 20000 ]; then
    echo "screenshot is only $size bytes: the window looks empty" >&2
    exit 1
fi
echo "screenshot: $work/station.png ($size bytes)"
