#!/usr/bin/env bash
# ETL benchmark (issue 3): `reel etl` on the ml-25m-shaped bronze data, median of RUNS runs,
# wall time, CPU seconds and peak RSS, next to DuckDB loading the same ratings.csv
# (CREATE TABLE r AS SELECT * FROM read_csv('ratings.csv')) in the same session.
#
#   Benchmarks/etl.sh [HOME] [RUNS]        HOME defaults to a scratch folder under /tmp
#   PRESET=ml-25m (default) | small | tiny  data set `reel synth` makes when HOME has none
#
# Needs a release build (`swift build -c release`), /usr/bin/time, python3 with duckdb
# (`pip install duckdb`; skipped with a note when missing). Load is recorded with every
# figure: on a shared 2-core machine wall times double under load while CPU seconds do not.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release/reel}
HOME_DIR=${1:-/tmp/reel-bench-etl}
RUNS=${2:-3}
PRESET=${PRESET:-ml-25m}
BRONZE="$HOME_DIR/lakehouse/bronze/movielens/ml-25m"
OUT=Benchmarks/results/etl-$(date -u +%Y%m%dT%H%M%SZ).txt
mkdir -p Benchmarks/results
[ -x "$BIN" ] || { echo "build first: swift build -c release" >&2; exit 1; }
if [ ! -s "$BRONZE/ratings.csv" ]; then
  echo "generating the $PRESET data set in $HOME_DIR (reel synth)"
  "$BIN" synth --root "$HOME_DIR" --preset "$PRESET"
fi

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
measure() { # label, command...: appends "wall cpu rss_mb" lines to /tmp/etl-bench-$label
  local label=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o /tmp/etl-bench-time "$@" >/dev/null 2>/tmp/etl-bench-err || { cat /tmp/etl-bench-err >&2; exit 1; }
  awk '{printf "%s %.2f %.0f\n", $1, $2 + $3, $4 / 1024}' /tmp/etl-bench-time >> "/tmp/etl-bench-$label"
}

rm -f /tmp/etl-bench-reel /tmp/etl-bench-duckdb
{
  echo "reel etl benchmark, $(date -u +%FT%TZ), $(nproc) cores, $(ls -l "$BRONZE/ratings.csv" | awk '{print $5}') bytes of ratings.csv"
  for i in $(seq "$RUNS"); do
    echo "run $i: load average $(cut -d' ' -f1-3 /proc/loadavg)"
    measure reel "$BIN" etl -q --root "$HOME_DIR" --threads 2
    if python3 -c "import duckdb" 2>/dev/null; then
      measure duckdb python3 -c "import duckdb; duckdb.connect().execute(\"CREATE TABLE r AS SELECT * FROM read_csv('$BRONZE/ratings.csv')\")"
    fi
  done
  r_wall=$(cut -d' ' -f1 /tmp/etl-bench-reel | median); r_cpu=$(cut -d' ' -f2 /tmp/etl-bench-reel | median)
  r_rss=$(cut -d' ' -f3 /tmp/etl-bench-reel | median)
  echo "reel etl:  median wall ${r_wall} s, CPU ${r_cpu} s, peak RSS ${r_rss} MB  (runs: $(tr '\n' ';' < /tmp/etl-bench-reel))"
  if [ -s /tmp/etl-bench-duckdb ]; then
    d_wall=$(cut -d' ' -f1 /tmp/etl-bench-duckdb | median); d_cpu=$(cut -d' ' -f2 /tmp/etl-bench-duckdb | median)
    d_rss=$(cut -d' ' -f3 /tmp/etl-bench-duckdb | median)
    echo "duckdb:    median wall ${d_wall} s, CPU ${d_cpu} s, peak RSS ${d_rss} MB  (runs: $(tr '\n' ';' < /tmp/etl-bench-duckdb))"
    echo "ratio reel/duckdb: wall $(awk "BEGIN {printf \"%.2f\", $r_wall / $d_wall}"), CPU $(awk "BEGIN {printf \"%.2f\", $r_cpu / $d_cpu}")"
  else
    echo "duckdb: not installed (pip install duckdb), no ratio"
  fi
  echo "targets at ml-25m: wall <= 15 s, peak RSS <= 2048 MB, reel/duckdb wall <= 1"
} | tee "$OUT"
