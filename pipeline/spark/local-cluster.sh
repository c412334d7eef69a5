#!/usr/bin/env bash
# A Spark standalone cluster on this machine — one master and two workers, as the prototype's
# compose file ran them — for tests and demos (docs/scaling.md).
#
#   pipeline/spark/local-cluster.sh start    # prints the master URL: spark://127.0.0.1:7077
#   pipeline/spark/local-cluster.sh status
#   pipeline/spark/local-cluster.sh stop     # stops every process it started
#
# Needs Java 17+ and pyspark (its JARs hold the master and the worker). PYTHON names the Python
# that has pyspark (default: python3); SPARK_WORKER_CORES / SPARK_WORKER_MEMORY size each worker
# (default 1 core, 2g); REEL_SPARK_PORT the master port (7077); REEL_SPARK_STATE the folder for
# logs and pids (/tmp/reel-spark-cluster).
set -euo pipefail
PYTHON=${PYTHON:-python3}
PORT=${REEL_SPARK_PORT:-7077}
STATE=${REEL_SPARK_STATE:-/tmp/reel-spark-cluster}
CORES=${SPARK_WORKER_CORES:-1}
MEMORY=${SPARK_WORKER_MEMORY:-2g}
MASTER="spark://127.0.0.1:$PORT"

spark_home() {
  "$PYTHON" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))' 2>/dev/null || {
    echo "local-cluster: $PYTHON has no pyspark (pip install pyspark, or set PYTHON)" >&2; exit 2; }
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

start_one() { # name class args...
  local name=$1; shift
  if alive "$STATE/$name.pid"; then echo "local-cluster: $name already running"; return; fi
  # The daemons keep only stdin/stdout/stderr: a descriptor inherited from the caller (a pipe, the
  # socket by which Swift's Process notices its child ended, a flock) would stay open for as long
  # as the cluster runs, and whoever waits on it would wait until `stop`.
  (
    for fd in /proc/$BASHPID/fd/*; do
      fd=${fd##*/}
      [ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-" 2>/dev/null
    done
    SPARK_HOME=$SH exec nohup "$SH/bin/spark-class" "$@" </dev/null >"$STATE/$name.log" 2>&1
  ) &
  echo $! >"$STATE/$name.pid"
}

wait_for() { # file pattern what
  for _ in $(seq 1 240); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.5
  done
  echo "local-cluster: $3 did not start in 120 s; see $1" >&2
  tail -20 "$1" >&2 || true
  stop_all  # a half-started cluster leaves nothing behind
  exit 1
}

stop_all() {
  for name in worker2 worker1 master; do
    if alive "$STATE/$name.pid"; then
      pid=$(cat "$STATE/$name.pid")
      pkill -TERM -P "$pid" 2>/dev/null || true
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$STATE/$name.pid"
  done
}

case "${1:-}" in
  start)
    command -v java >/dev/null || { echo "local-cluster: java not found (apt-get install default-jre-headless)" >&2; exit 2; }
    SH=$(spark_home)
    mkdir -p "$STATE"
    export SPARK_LOG_DIR="$STATE" SPARK_WORKER_DIR="$STATE/work" SPARK_LOCAL_IP=127.0.0.1
    start_one master org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$PORT" --webui-port 0
    wait_for "$STATE/master.log" "Starting Spark master\|I have been elected leader" "the master"
    for i in 1 2; do
      start_one "worker$i" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --webui-port 0 \
        --cores "$CORES" --memory "$MEMORY" --work-dir "$STATE/work$i" "$MASTER"
    done
    for i in 1 2; do wait_for "$STATE/worker$i.log" "Successfully registered with master" "worker $i"; done
    echo "$MASTER"
    ;;
  stop)
    stop_all
    echo "local-cluster: stopped"
    ;;
  status)
    up=0
    for name in master worker1 worker2; do
      if alive "$STATE/$name.pid"; then echo "$name: running (pid $(cat "$STATE/$name.pid"))"; up=$((up+1)); else echo "$name: stopped"; fi
    done
    [ "$up" = 3 ] && echo "$MASTER"
    [ "$up" = 3 ]
    ;;
  *)
    echo "usage: $0 start|stop|status" >&2; exit 64 ;;
esac
