#!/usr/bin/env bash
# Times `reel synth --preset PRESET` (default ml-25m) over RUNS runs (default 3) and prints
# the median wall time, with CPU seconds and the load average next to each run (the machine
# is shared: wall times move with load, CPU seconds much less).
#
#   Benchmarks/synth_bench.sh                 # ml-25m: 25,000,095 ratings, target < 60 s wall
#   Benchmarks/synth_bench.sh small           # quick check
#   RUNS=5 Benchmarks/synth_bench.sh ml-25m
set -euo pipefail
preset=${1:-ml-25m}
runs=${RUNS:-3}
cd "$(dirname "$0")/.."
swift build -c release --product reel >/dev/null
reel=$(swift build -c release --show-bin-path)/reel
root=$(mktemp -d "${TMPDIR:-/tmp}/reel-synth-bench.XXXXXX")
trap 'rm -rf "$root"' EXIT

walls=()
for i in $(seq 1 "$runs"); do
    load=$(cut -d' ' -f1 /proc/loadavg)
    TIMEFORMAT='%R %U %S'
    t=$( { time "$reel" synth --quiet --root "$root" --preset "$preset" --force >/dev/null; } 2>&1 | tail -n 1)
    read -r wall user sys <<<"$t"
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
    echo "run $i: ${wall} s wall, ${cpu} s CPU, load average ${load} before"
    walls+=("$wall")
done
bytes=$(du -sb "$root/lakehouse/bronze/movielens/ml-25m" | cut -f1)
median=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "reel synth --preset $preset: median ${median} s wall over $runs runs ($(nproc) cores, ${bytes} bytes written)"
