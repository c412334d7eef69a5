#!/usr/bin/env python3
"""The Spark engine (issue 20) against Reel's own ETL and training, on one synthetic data set.

    Benchmarks/spark_engine.py --python .build/venv-spark/bin/python [--users N --movies N --ratings N]

Per run (interleaved, BENCH_RUNS times, medians quoted), each stage as a whole process:
  * reel etl                          vs  reel etl --engine spark   (pipeline/spark/etl.py + import)
  * reel train (implicit, same rank)  vs  reel train --engine spark (pipeline/spark/train.py + import)
  * reel publish after the Spark-trained model, and the two imports alone (the durations Reel logs).
  * with --nightly, a whole `reel nightly --force` (engine reel, tuning off, same rank and iterations)
    on the same home, the yardstick for "the import adds <= 10% to a nightly".
Spark runs on pipeline/spark/local-cluster.sh: a master and two workers (1 core and --worker-memory,
2g by default, each; executors get --executor-memory, 1g by default) on this machine, started once.
CPU seconds of a Spark stage = what every process under reel (spark-submit, the driver JVM, its
Python) and under the master and the workers (executors and their Python workers, followed even
once orphaned) used meanwhile, sampled from /proc (TreeCPU); wall and CPU-s are printed with the
load average before each run.
Hold the CPU lock around it: flock /tmp/reel-cpu.lock Benchmarks/spark_engine.py …
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TICK = os.sysconf("SC_CLK_TCK")


def proc_table():
    """{(pid, start time): (parent pid, user + system CPU ticks)} of every process now."""
    table = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            table[(int(d), int(fields[19]))] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    return table


class TreeCPU(threading.Thread):
    """CPU seconds used during a stage by the process trees under `roots` (pids), sampled from /proc.

    Children's reaped CPU (cutime) is not enough here: the Python workers the executors start are
    orphaned when an application ends, and their CPU would reach no one we can read. So every
    process that descends from a root is followed by (pid, start time) for as long as it lives, and
    its own user + system time at the last sample counts (minus what it had when the stage began);
    at most one sampling interval of each process's last moments is missed."""

    def __init__(self, roots, interval=0.25):
        super().__init__(daemon=True)
        self.roots, self.interval = set(roots), interval
        self.baseline, self.latest, self.followed = {}, {}, set()
        self.done = threading.Event()
        self.sample(first=True)

    def sample(self, first=False):
        table = proc_table()
        pids = {pid: key for key, _ in table.items() for pid in [key[0]]}
        changed = True
        while changed:  # descendants of roots and of processes already followed
            changed = False
            for key, (ppid, _) in table.items():
                if key not in self.followed and (key[0] in self.roots or (ppid in pids and pids[ppid] in self.followed)):
                    self.followed.add(key)
                    changed = True
        for key in self.followed:
            if key in table:
                if first:
                    self.baseline[key] = table[key][1]
                self.latest[key] = table[key][1]

    def run(self):
        while not self.done.wait(self.interval):
            self.sample()

    def stop(self):
        self.done.set()
        self.join()
        self.sample()
        return sum(v - self.baseline.get(k, 0) for k, v in self.latest.items()) / TICK


def reaped_cpu(pids):
    """CPU seconds of `pids` and the children they have reaped: what this script counted before
    TreeCPU, printed beside it to show what reaping alone misses."""
    total = 0
    for pid in pids + [key[0] for key, (ppid, _) in proc_table().items() if ppid in pids]:
        try:
            with open(f"/proc/{pid}/stat") as f:
                total += sum(int(x) for x in f.read().rsplit(")", 1)[1].split()[11:15])
        except OSError:
            pass
    return total / TICK


def cluster_pids(state):
    pids = []
    for name in ("master", "worker1", "worker2"):
        with open(os.path.join(state, f"{name}.pid")) as f:
            pids.append(int(f.read()))
    return pids


def timed(cmd, env, cluster_state=None):
    """(wall s, CPU s of the command's and the cluster's process trees or None, load, stderr)."""
    load = os.getloadavg()[0]
    reaped = reaped_cpu(cluster_pids(cluster_state)) if cluster_state else 0.0
    start = time.monotonic()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    sampler = None
    if cluster_state:
        sampler = TreeCPU(cluster_pids(cluster_state) + [p.pid])
        sampler.start()
    _, err = p.communicate()
    wall = time.monotonic() - start
    cpu = sampler.stop() if sampler else None
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({p.returncode}):\n{err[-3000:]}")
    if cluster_state:
        reaped = reaped_cpu(cluster_pids(cluster_state)) - reaped
        m = re.findall(r"CPU ([\d.]+) ([\d.]+) (\d+)", err)
        print(f"  (reel and its waited-for children + the cluster's reaped CPU: {float(m[-1][0]) + float(m[-1][1]) + reaped:.1f} CPU-s)",
              flush=True)
    return wall, cpu, load, err


def seconds(text):
    """A duration as Reel logs it (Console.duration): `12.34 s` or `1m05s`."""
    m = re.fullmatch(r"(?:(\d+)m(\d+)s|([\d.]+) s)", text)
    return int(m[1]) * 60 + int(m[2]) if m[1] else float(m[3])


DURATION = r"(\d+m\d+s|[\d.]+ s)"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--python", required=True, help="a Python with pyspark, pyyaml and numpy")
    ap.add_argument("--reel", default=os.path.join(ROOT, ".build", "release", "reel"))
    ap.add_argument("--users", type=int, default=20_000)
    ap.add_argument("--movies", type=int, default=8_000)
    ap.add_argument("--ratings", type=int, default=1_000_000)
    ap.add_argument("--rank", type=int, default=32)
    ap.add_argument("--iterations", type=int, default=10)
    ap.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "3")))
    ap.add_argument("--worker-memory", default="2g", help="memory of each of the two workers (SPARK_WORKER_MEMORY)")
    ap.add_argument("--executor-memory", default="1g", help="memory of each executor (engine.executor_memory)")
    ap.add_argument("--nightly", action="store_true", help="also time a whole `reel nightly --force` per run")
    a = ap.parse_args()
    bindir = os.path.dirname(os.path.abspath(a.python))
    home = tempfile.mkdtemp(prefix="reel-bench-spark-")
    state = os.path.join(home, "cluster")
    env = dict(os.environ, REEL_ROOT=home, REEL_MODEL_RANK=str(a.rank), REEL_MODEL_IMPLICIT_ITERATIONS=str(a.iterations),
               REEL_MODEL_MODE="implicit", REEL_ENGINE_SPARK_SUBMIT=os.path.join(bindir, "spark-submit"),
               REEL_ENGINE_EXECUTOR_MEMORY=a.executor_memory, REEL_SCHEMAS=os.path.join(ROOT, "schemas"))
    cluster_env = dict(os.environ, PYTHON=a.python, REEL_SPARK_STATE=state, REEL_SPARK_PORT="17777", SPARK_WORKER_MEMORY=a.worker_memory)
    script = os.path.join(ROOT, "pipeline", "spark", "local-cluster.sh")
    subprocess.run([a.reel, "synth", "--users", str(a.users), "--movies", str(a.movies), "--ratings", str(a.ratings),
                    "--seed", "7", "--quiet"], env=env, check=True)
    shutil.rmtree(os.path.join(home, "lakehouse", "bronze", "events"), ignore_errors=True)
    shutil.copytree(os.path.join(ROOT, "pipeline", "spark"), os.path.join(home, "pipeline", "spark"))
    master = subprocess.run([script, "start"], env=cluster_env, check=True, capture_output=True, text=True).stdout.split()[-1]
    spark_env = dict(env, REEL_ENGINE_MASTER=master)
    labels = ["reel etl", "spark etl", "reel train", "spark train", "etl import", "factor import", "publish"]
    stages = [("reel etl", [a.reel, "etl"], env, None),
              ("spark etl", [a.reel, "etl", "--engine", "spark"], spark_env, state),
              ("reel train", [a.reel, "train", "--threads", "2"], env, None),
              ("spark train", [a.reel, "train", "--engine", "spark"], spark_env, state),
              ("publish", [a.reel, "publish"], env, None)]
    if a.nightly:
        labels.append("reel nightly")
        stages.append(("reel nightly", [a.reel, "nightly", "--force"], dict(env, REEL_TUNING_NIGHTLY="false"), None))
    rows = {k: [] for k in labels}
    try:
        for i in range(a.runs):
            for label, cmd, e, cl in stages:
                wall, tree_cpu, load, err = timed(["/usr/bin/time", "-f", "CPU %U %S %M", *cmd], e, cl)
                m = re.findall(r"CPU ([\d.]+) ([\d.]+) (\d+)", err)
                cpu = float(m[-1][0]) + float(m[-1][1]) if tree_cpu is None else tree_cpu
                rows[label].append((wall, cpu, load))
                # Peak RSS of the largest process reel waited for (reel itself for Reel's stages; for
                # Spark's, the driver or reel's import, whichever is larger; executors not included).
                print(f"run {i + 1} {label}: {wall:.1f} s wall, {cpu:.1f} CPU-s, load {load:.1f}, "
                      f"peak RSS {int(m[-1][2]) / 1024:.0f} MB", flush=True)
                if label == "spark etl":
                    s = re.findall(r"silver version \S+ is current \(.*\) in " + DURATION, err)
                    rows["etl import"].append((seconds(s[-1]), 0, load))
                if label == "spark train":
                    s = re.findall(r"import: .* in " + DURATION + ";", err)
                    rows["factor import"].append((seconds(s[-1]), 0, load))
    finally:
        subprocess.run([script, "stop"], env=cluster_env, capture_output=True)
    print("\nper run: wall s / CPU-s (load)")
    for label, samples in rows.items():
        print(f"| {label} | " + " | ".join(f"{w:.2f} / {c:.1f} ({l:.1f})" for w, c, l in samples) + " |")
    print(f"\n{a.ratings:,} ratings, {a.users:,} users, {a.movies:,} movies; rank {a.rank}, {a.iterations} iterations; "
          f"medians of {a.runs} runs")
    for label, samples in rows.items():
        print(f"| {label} | {statistics.median(s[0] for s in samples):.2f} s | {statistics.median(s[1] for s in samples):.1f} CPU-s |"
              f" load {statistics.median(s[2] for s in samples):.1f} |")
    shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
