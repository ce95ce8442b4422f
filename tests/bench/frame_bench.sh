#!/usr/bin/env bash
# Frame cost of the workstation, side by side in one run under Xvfb and Mesa llvmpipe: the
# Import screen with nothing to show (the floor: ImGui, llvmpipe and X11 present at this size),
# the Library paging down through a year of calls (1,000,000 recordings), and Review playing a
# call with its waveform, transcript and scorecard. Each runs `callqc-station --bench-frames`,
# which draws frames back to back (no vsync, glFinish after each) and prints the median, p95 and
# max of the UI thread's CPU time, the whole process's CPU time (llvmpipe's rasteriser threads
# included) and the wall clock per frame.
#
# Usage: tests/bench/frame_bench.sh [BUILD_DIR=build-bench-station] [FRAMES=600]
# Environment: CALLS (1000000): the library's size. Its database is generated once by
# search_bench into BUILD_DIR/bench-search/search-CALLS.db (about 3.5 GB, ~20 min) and copied
# for the station, which adds its own tables to it.
set -euo pipefail

source_dir=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$source_dir/build-bench-station}
frames=${2:-600}
calls=${CALLS:-1000000}
work="$build/bench-frames"
mkdir -p "$work" "$build/bench-search"

cmake -S "$source_dir" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCALLQC_WERROR=OFF \
    -DCALLQC_BUILD_STATION=ON \
    >/dev/null
cmake --build "$build" --parallel "$(nproc)" --target callqc callqc-station search_bench

library="$build/bench-search/search-$calls.db"
if [ ! -f "$library" ]; then
    "$build/tests/bench/search_bench" --db "$library" --calls "$calls" --queries 1 \
        --benchmark_filter=none >/dev/null
fi
if [ ! -f "$work/library.db" ] || [ "$library" -nt "$work/library.db" ]; then
    cp "$library" "$work/library.db"
fi
if [ ! -f "$work/demo.db" ]; then
    "$build/app/cli/callqc" demo "$work/day" --calls 40 --seed 5 --date 2026-11-25 >/dev/null
    "$build/app/cli/callqc" import "$work/day" --db "$work/demo.db" >/dev/null
    "$build/app/cli/callqc" sample --date 2026-11-25 --per-agent 1 --seed 3 --inspector bench \
        --db "$work/demo.db" >/dev/null
fi

station() {
    LIBGL_ALWAYS_SOFTWARE=1 xvfb-run -a -s "-screen 0 1600x900x24" \
        "$build/app/station/callqc-station" --no-audio --settings "$work/station.toml" \
        --bench-frames "$frames" "$@"
}
echo "== frames at 1600x900 ($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
station --db "$work/library.db" --inspector bench --screen import | tee "$work/floor.txt"
station --db "$work/library.db" --inspector bench --screen library | tee "$work/library.txt"
station --db "$work/demo.db" --inspector bench --open-first --play-at 20 | tee "$work/review.txt"

python3 - "$work" <<'PY'
import sys
work = sys.argv[1]
def medians(name):
    out = {}
    for line in open(f"{work}/{name}.txt"):
        parts = line.split()
        if line.startswith("  CPU, UI thread"):
            out["ui"] = float(parts[3])
        elif line.startswith("  CPU, whole process"):
            out["process"] = float(parts[3])
    return out
floor = medians("floor")
print("\n== median CPU ms per frame (budget 8, goal 4), and as a ratio to the empty screen")
print(f"  {'screen':<28} {'UI thread':>10} {'ratio':>6} {'process':>10} {'ratio':>6}")
for name, label in [("floor", "Import, empty (floor)"), ("library", "Library, 1M calls, paging"),
                    ("review", "Review, playing")]:
    m = medians(name)
    print(f"  {label:<28} {m['ui']:>10.2f} {m['ui'] / floor['ui']:>6.2f} "
          f"{m['process']:>10.2f} {m['process'] / floor['process']:>6.2f}")
PY
