#!/usr/bin/env bash
# First-page latency of each kind of call search at a year of calls, as a table.
#
# Usage: tests/bench/search_bench.sh BUILD_DIR [CALLS=1000000] [QUERIES=50]
#
# BUILD_DIR should be a Release build with tests/bench/search_bench built (cmake --build
# BUILD_DIR --target search_bench). The database of CALLS calls is generated on the first run
# into BUILD_DIR/bench-search/search-CALLS.db (about 1 GB per 250,000 calls) and reused after.
# Each kind runs QUERIES varied queries, each once to warm up and once timed; the table gives
# the median, the 90th percentile and the slowest, in milliseconds, against the budget of
# 50 ms (goal 20 ms) for the median. The driver is the plan storage/search_store.cpp chose for
# the kind's first query; rows is the mean number of rows on the page (at most 50).
set -euo pipefail

build=${1:?usage: search_bench.sh BUILD_DIR [CALLS] [QUERIES]}
calls=${2:-1000000}
queries=${3:-50}
work="$build/bench-search"
mkdir -p "$work"

if ! grep -q 'CMAKE_BUILD_TYPE:STRING=Release' "$build/CMakeCache.txt" 2>/dev/null; then
    echo "search_bench.sh: $build is not a Release build; timings will be pessimistic" >&2
fi

"$build/tests/bench/search_bench" --db "$work/search-$calls.db" --calls "$calls" \
    --queries "$queries" --benchmark_format=json --benchmark_out="$work/result.json" \
    --benchmark_out_format=json >/dev/null

python3 - "$work/result.json" "$calls" "$queries" <<'PY'
import json, sys
result, calls, queries = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
rows = {}
for b in result["benchmarks"]:
    if b.get("run_type") != "aggregate":
        continue
    kind = b["run_name"].split("/", 1)[1].split("/")[0]
    entry = rows.setdefault(kind, {"label": b.get("label", ""), "rows": b.get("rows", 0)})
    entry[b["aggregate_name"]] = b["real_time"]
    if b["aggregate_name"] == "mean":
        entry["rows"] = b.get("rows", 0)
print(f"{int(calls):,} calls, {queries} queries per kind, first page of 50, milliseconds")
print(f"{'kind':<26} {'driver':<24} {'median':>8} {'p90':>8} {'max':>8} {'rows':>6}  verdict")
for kind, e in rows.items():
    median = e.get("median", float("nan"))
    verdict = "goal" if median <= 20 else "budget" if median <= 50 else "SLOW"
    if kind.endswith("like_scan"):
        verdict = "(rejected alternative)"
    print(f"{kind:<26} {e['label']:<24} {median:8.2f} {e.get('p90', float('nan')):8.2f} "
          f"{e.get('max', float('nan')):8.2f} {e['rows']:6.1f}  {verdict}")
PY
