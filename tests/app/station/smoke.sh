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
# A second day with rows the import must reject, for the Import screen's report.
"$callqc" demo "$work/inbox/day2" --calls 6 --seed 6 --date 2026-11-26 >/dev/null
echo "C20261126-0099,audio/missing.wav,2026-11-26 17:05:00,60,008012,王丽娜,客服一组,信用卡服务,inbound,13800001234" \
    >>"$work/inbox/day2/metadata.csv"

station() {
    LIBGL_ALWAYS_SOFTWARE=1 xvfb-run -a -s "-screen 0 1600x900x24" \
        "$station" --db "$work/smoke.db" --inspector smoke --no-audio \
        --settings "$work/station.toml" --frames 30 "$@"
}
# Review mid-playback (a stereo call with marks), the Library, the Import report, Settings.
station --open-row 2 --play-at 20 --screenshot "$work/review.png"
station --screen library --screenshot "$work/library.png"
station --screen import --import-folder "$work/inbox/day2" --start-import \
    --screenshot "$work/import.png"
station --screen settings --screenshot "$work/settings.png"
for shot in review library import settings; do
    size=$(stat -c %s "$work/$shot.png")
    if [ "$size" -lt 20000 ]; then
        echo "$shot.png is only $size bytes: the window looks empty" >&2
        exit 1
    fi
    echo "screenshot: $work/$shot.png ($size bytes)"
done
# The import ran from the workstation: its calls are in the database now.
imported=$("$callqc" search --from 2026-11-26 --to 2026-11-26 --db "$work/smoke.db" --json | grep -o '"call_id"' | wc -l)
if [ "$imported" -ne 6 ]; then
    echo "the Import screen's import left $imported calls of 2026-11-26, not 6" >&2
    exit 1
fi
