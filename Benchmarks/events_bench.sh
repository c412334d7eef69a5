#!/usr/bin/env bash
# Validated event ingest speed: generates EVENTS synthetic events (default 2,000,000) to one
# NDJSON file with `reel synth events --output`, then times `reel events ingest --from FILE`
# into a fresh home over RUNS runs (default 3) and prints the median events/s (target ≥ 500,000/s
# on the 2-core machine). A last run re-ingests the same file into the same home, where every
# event is a duplicate, to time the exactly-once path. CPU seconds and the load average are
# printed next to each run: the machine is shared, wall times move with load.
#
#   Benchmarks/events_bench.sh                  # 2M events
#   EVENTS=200000 Benchmarks/events_bench.sh    # quick check
#   ZSTD=1 Benchmarks/events_bench.sh           # the same from a .ndjson.zst file
set -euo pipefail
events=${EVENTS:-2000000}
runs=${RUNS:-3}
days=10
per_day=$(( (events + days - 1) / days ))
cd "$(dirname "$0")/.."
swift build -c release --product reel >/dev/null
reel=$(swift build -c release --show-bin-path)/reel
work=$(mktemp -d "${TMPDIR:-/tmp}/reel-events-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
export REEL_SCHEMAS="$PWD/schemas"

synth=(synth events)
input="$work/events.ndjson"
[ "${ZSTD:-0}" = 1 ] && input="$work/events.ndjson.zst"
"$reel" "${synth[@]}" --quiet --root "$work" --days "$days" --per-day "$per_day" \
    --users 100000 --movies 20000 --output "$input" >/dev/null
lines=$(( days * per_day ))
echo "input: $lines events, $(du -b "$input" | cut -f1) bytes ($input)"

rates=()
for i in $(seq 1 "$runs"); do
    rm -rf "$work/home"
    mkdir -p "$work/home"
    load=$(cut -d' ' -f1 /proc/loadavg)
    TIMEFORMAT='%R %U %S'
    t=$( { time "$reel" events ingest --quiet --root "$work/home" --from "$input" >/dev/null; } 2>&1 | tail -n 1)
    read -r wall user sys <<<"$t"
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
    rate=$(awk -v n="$lines" -v w="$wall" 'BEGIN { printf "%d", n / w }')
    echo "run $i: ${wall} s wall, ${cpu} s CPU, ${rate} events/s, load average ${load} before"
    rates+=("$rate")
done
TIMEFORMAT='%R'
again=$( { time "$reel" events ingest --quiet --root "$work/home" --from "$input" >/dev/null; } 2>&1 | tail -n 1)
echo "rerun (all duplicates): ${again} s wall, $(awk -v n="$lines" -v w="$again" 'BEGIN { printf "%d", n / w }') events/s"
median=$(printf '%s\n' "${rates[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "reel events ingest: median ${median} events/s over $runs runs ($(nproc) cores, $lines events; target 500000)"
