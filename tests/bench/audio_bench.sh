#!/usr/bin/env bash
# Audio import and playback benchmarks, side by side in one run: builds Release, generates the
# corpus (cached: regenerated only when its parameters change) and runs audio_bench, which prints
# the tables (throughput ratios against a bare libav decode loop and against ffmpeg, open and
# seek latency and landing error in 60-min calls, resident memory while streaming).
#
# It also measures the whole import use case (core::importDay: hashing, analysis and SQLite
# inserts of a metadata.csv that audio_bench writes into the corpus folder) against the same bare
# decode loop.
#
# Usage: tests/bench/audio_bench.sh [BUILD_DIR=build-bench] [CORPUS_DIR=BUILD_DIR/audio-corpus]
# Environment: CALLS (default 200), SEED (1), REPS (3), TRIALS (30), THREADS (all cores),
#              ONLY=import (just the import row and its bare-decode baseline; items 2-4 skipped).
set -euo pipefail

source_dir=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$source_dir/build-bench}
corpus=${2:-$build/audio-corpus}
jobs=$(nproc)
threads=${THREADS:-$jobs}

cmake -S "$source_dir" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCALLQC_WERROR=OFF \
    -DCALLQC_BUILD_STATION=OFF >/dev/null
cmake --build "$build" --parallel "$jobs" --target make_audio_corpus audio_bench

echo "== corpus in $corpus"
start=$(date +%s)
"$build/tests/bench/make_audio_corpus" "$corpus" --seed "${SEED:-1}" --calls "${CALLS:-200}" \
    --threads "$jobs"
echo "   ($(($(date +%s) - start)) s)"

if ! command -v ffmpeg >/dev/null; then
    echo "ffmpeg is not installed: the ffmpeg comparison is skipped (apt-get install ffmpeg)"
    ffmpeg_flag=--no-ffmpeg
fi
echo "== benchmarks ($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
"$build/tests/bench/audio_bench" "$corpus" --threads "$threads" --reps "${REPS:-3}" \
    --trials "${TRIALS:-30}" ${ffmpeg_flag:-} ${ONLY:+--only "$ONLY"}
