#!/usr/bin/env bash
# Reel's benchmark suite (`make bench`): runs Benchmarks/bench_<name>.py|sh, each of which times
# Reel against the peer its issue names in the same session (medians of BENCH_RUNS runs) and
# writes Benchmarks/results/<name>.json; then Benchmarks/report.py renders docs/benchmarks.md.
#
#   Benchmarks/run.sh                      # every benchmark, full scale (ml-25m preset)
#   Benchmarks/run.sh etl topk             # some
#   BENCH_SCALE=small Benchmarks/run.sh    # quick check of the machinery (figures meaningless)
#
# Environment: BENCH_SCALE full|small (default full), BENCH_HOME (the Reel home the benchmarks
# share; default /tmp/reel-bench-<scale>), BENCH_RUNS (default 3), BENCH_SKIP_INSTALL=1 (no apt
# or pip), BENCH_SKIP_BUILD=1, and per benchmark: BENCH_SUBSET_RATINGS (train: Spark's subset),
# BENCH_WRK_SECONDS (serve), EVENTS (events).
#
# A new benchmark is a Benchmarks/bench_<name>.py (or .sh) that writes results/<name>.json with
# benchlib.Bench; it is picked up here and in the report without further changes. Each
# benchmark has a time budget (BUDGET below, or 1800 s); one that fails or overruns is reported
# and the others still run; the exit status is then non-zero.
set -uo pipefail
cd "$(dirname "$0")/.."
export BENCH_SCALE=${BENCH_SCALE:-full}
export PYTHONUNBUFFERED=1
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
ORDER=(synth etl train topk serve events)
# Seconds each benchmark may take at full scale (small: 600 each), preparation included.
declare -A BUDGET=([synth]=600 [etl]=600 [train]=2400 [topk]=1200 [serve]=900 [events]=600)
APT=(wrk nginx-light hyperfine libopenblas0-pthread default-jre-headless time)
PY_MODULES="numpy pandas scipy threadpoolctl duckdb implicit pyspark"

say() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }

# Which benchmarks exist: every bench_<name>.py|sh, the known ones first.
declare -A script
for f in Benchmarks/bench_*.py Benchmarks/bench_*.sh; do
    [ -e "$f" ] || continue
    n=${f#Benchmarks/bench_}; script[${n%.*}]=$f
done
all=()
for n in "${ORDER[@]}"; do [ -n "${script[$n]:-}" ] && all+=("$n"); done
for n in $(printf '%s\n' "${!script[@]}" | sort); do [[ " ${ORDER[*]} " == *" $n "* ]] || all+=("$n"); done
names=("$@"); [ ${#names[@]} -eq 0 ] && names=("${all[@]}")
for n in "${names[@]}"; do
    [ -n "${script[$n]:-}" ] || { echo "unknown benchmark '$n'; have: ${all[*]}" >&2; exit 2; }
done

if [ "${BENCH_SKIP_INSTALL:-0}" != 1 ]; then
    missing=(); for p in "${APT[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
    # Java (for Spark): any java on the PATH will do.
    if command -v java >/dev/null; then missing=("${missing[@]/default-jre-headless}"); fi
    missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$'))
    if [ ${#missing[@]} -gt 0 ]; then
        say "installing ${missing[*]} (apt)"
        $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" || exit 1
    fi
    if ! python3 -c "import $(echo $PY_MODULES | tr ' ' ',')" 2>/dev/null; then
        say "installing the Python peers (pip install -r Benchmarks/requirements.txt)"
        python3 -m pip install -q -r Benchmarks/requirements.txt || exit 1
    fi
fi
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
    say "building reel (swift build -c release --product reel)"
    swift build -c release --product reel || exit 1
fi

mkdir -p Benchmarks/results
failed=()
i=0
suite_start=$(date +%s)
for n in "${names[@]}"; do
    i=$((i + 1))
    budget=${BUDGET[$n]:-1800}; [ "$BENCH_SCALE" = small ] && budget=600
    f=${script[$n]}
    run=(python3 "$f"); [[ $f == *.sh ]] && run=(bash "$f")
    rm -f "Benchmarks/results/$n.json" "Benchmarks/results/$n.failed"
    say "[$i/${#names[@]}] $n ($f, scale $BENCH_SCALE, budget ${budget} s, $(date +%H:%M:%S))"
    start=$(date +%s)
    # timeout runs the benchmark in its own process group and signals the whole group, so servers
    # and peers it started stop with it; Ctrl-C here does the same.
    timeout -k 30 "$budget" "${run[@]}" > >(tee "Benchmarks/results/$n.log") 2>&1 &
    pid=$!
    trap 'kill -TERM -- -"$pid" 2>/dev/null; echo "interrupted" >&2; exit 130' INT TERM
    wait "$pid"; rc=$?
    trap - INT TERM
    secs=$(( $(date +%s) - start ))
    if [ $rc -ne 0 ] || [ ! -s "Benchmarks/results/$n.json" ]; then
        [ $rc -eq 124 ] && echo "$n: over its budget of $budget s" >&2
        echo "FAILED: $n (exit $rc after ${secs} s; log: Benchmarks/results/$n.log)" >&2
        touch "Benchmarks/results/$n.failed"
        failed+=("$n")
    else
        echo "$n: done in ${secs} s" >&2
    fi
done

say "report"
python3 Benchmarks/report.py || exit 1
echo "suite: ${#names[@]} benchmarks in $(( $(date +%s) - suite_start )) s; results in Benchmarks/results/, page docs/benchmarks.md" >&2
if [ ${#failed[@]} -gt 0 ]; then
    echo "FAILED: ${failed[*]}" >&2
    exit 1
fi
