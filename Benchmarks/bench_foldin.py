#!/usr/bin/env python3
"""foldin (issue 17): `POST /v1/recommendations` — a new user's ALS row solved at request time —
at ml-25m scale (62k movies, rank 64), loaded by wrk, against benfred/implicit's
`recommend(..., recalculate_user=True)` on the same factors.

* Histories: 2,000 bodies of 50 ratings each, sampled (seeded) from real users of the bronze
  ratings (users with at least 60 ratings, from the start of ratings.csv), written one per line.
* Reel: `reel serve --release <current>` (the release must carry the fold-in sections: republished
  when it does not), wrk with Benchmarks/wrk_foldin.lua drawing a random body per request; a 3 s
  warm-up, then BENCH_RUNS runs of BENCH_WRK_SECONDS at each connection count of a sweep (2 … 64).
  Target: p99 <= 2 ms and >= 5,000 req/s with wrk sharing the 2 cores, at one load: the busiest
  point of the sweep whose p99 is within 2 ms must carry >= 5,000 req/s. The daemon's own fold-in histogram (solve + rank, no HTTP) is read
  from /metrics after the runs.
* implicit: Benchmarks/peers/foldin_implicit.py in the venv BENCH_FOLDIN_PYTHON (default
  .build/foldin-venv/bin/python), one thread, the same bodies; per-call latency. The ratio printed
  is implicit's median per-call time over Reel's median fold-in time (the daemon's histogram mean),
  both single-threaded work per history.
"""
import json
import os
import random
import re
import signal
import subprocess
import urllib.request

from benchlib import (BENCH_DIR, HOME, REEL, ROOT, RUNS, SCALE, Bench, bronze_dir, ensure_release, fail, log,
                      reel, run_wrk, which_or_fail)
from bench_serve import free_port, wait_ready
from procstat import cpu_seconds, memory_mb
from sectionfile import SectionFile

SECONDS = int(os.environ.get("BENCH_WRK_SECONDS", 10 if SCALE == "full" else 3))
# wrk connection counts, lowest load first; BENCH_FOLDIN_CONNECTIONS="2,8,64" overrides.
SWEEP = [int(c) for c in os.environ.get("BENCH_FOLDIN_CONNECTIONS", "2,4,8,16,32,64").split(",")]
LUA = os.path.join(BENCH_DIR, "wrk_foldin.lua")
WORK = os.path.join(HOME, "foldin-bench")
PEER_PYTHON = os.environ.get("BENCH_FOLDIN_PYTHON", os.path.join(ROOT, ".build", "foldin-venv", "bin", "python"))


def histories(path, count=2000, size=50, seed=17):
    """`count` bodies of `size` ratings from users with >= size + 10 ratings (start of ratings.csv)."""
    rng = random.Random(seed)
    users, current, rows = [], None, []
    with open(os.path.join(bronze_dir(), "ratings.csv")) as f:
        next(f)
        for line in f:
            parts = line.split(",")
            if len(parts) < 3:
                continue
            if parts[0] != current:
                if len(rows) >= size + 10:
                    users.append(rows)
                    if len(users) >= count:
                        break
                current, rows = parts[0], []
            try:
                rows.append((int(parts[1]), float(parts[2])))
            except ValueError:
                continue
    if len(users) < 100:
        fail(f"only {len(users)} users with {size + 10}+ ratings at the start of ratings.csv")
    with open(path, "w") as out:
        for rows in users:
            pick = rng.sample(rows, size)
            out.write(json.dumps({"ratings": [{"movieId": m, "rating": r} for m, r in pick], "k": 10},
                                 separators=(",", ":")) + "\n")
    return len(users)


def wrk(port, seconds, bodies, connections=SWEEP[-1]):
    return run_wrk(LUA, port, connections, seconds, {"WRK_FOLDIN_BODIES": bodies}, threads=min(2, connections))


def foldin_histogram(port):
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
    total = float(re.search(r"^reel_foldin_duration_seconds_sum (\S+)$", text, re.M).group(1))
    count = float(re.search(r"^reel_foldin_duration_seconds_count (\S+)$", text, re.M).group(1))
    buckets = [(float(le), float(v)) for le, v in
               re.findall(r'^reel_foldin_duration_seconds_bucket\{le="([0-9.]+)"\} (\S+)$', text, re.M)]
    return total, count, buckets


def histogram_quantile(buckets, count, q):
    """The upper bound of the first bucket holding the q-quantile (seconds), as Prometheus would bound it."""
    for le, cumulative in buckets:
        if cumulative >= q * count:
            return le
    return float("inf")


def sample(w, load, cpu_s, rss_mb):
    seconds = w["duration_us"] / 1e6
    return {"wall_s": seconds, "cpu_s": cpu_s, "rss_mb": rss_mb,
            "load1": load, "rps": w["requests"] / seconds, "p50_ms": w["p50_us"] / 1000,
            "p90_ms": w["p90_us"] / 1000, "p99_ms": w["p99_us"] / 1000, "max_ms": w["max_us"] / 1000,
            "non2xx": w["non2xx"], "socket_errors": w["connect_errors"] + w["read_errors"] + w["write_errors"] + w["timeouts"],
            "requests": w["requests"], "wrk_cpu_s": w["cpu_s"]}


def main():
    which_or_fail("wrk", "wrk")
    release = ensure_release()
    if "foldInGram" not in SectionFile(release, "REELRLSE").sections:
        log("  the current release has no fold-in sections: republishing")
        reel("publish", "--threads", "2")
        release = os.path.realpath(os.path.join(HOME, "output", "current"))
    os.makedirs(WORK, exist_ok=True)
    bodies = os.path.join(WORK, "bodies.jsonl")
    users = histories(bodies)
    log(f"  {users:,} histories of 50 ratings in {bodies}")
    bench = Bench("foldin", "fold-in at request time: POST /v1/recommendations vs implicit recalculate_user", [17])
    port = free_port()
    daemon = subprocess.Popen([REEL, "serve", "--root", HOME, "--release", release, "--host", "127.0.0.1",
                               "--port", str(port)], stdout=subprocess.DEVNULL,
                              stderr=open(os.path.join(WORK, "daemon.log"), "w"))
    sweep = {c: [] for c in SWEEP}
    try:
        wait_ready(port, "/readyz", daemon, "reel serve")
        log("  warm-up, 3 s")
        wrk(port, 3, bodies)
        # Closed-loop load (wrk): each connection sends its next request when the answer arrives,
        # so more connections means more offered load and more queueing (Little's law: mean
        # latency ≈ connections / throughput). The sweep finds the load the daemon carries
        # within the p99 target.
        for conns in SWEEP:
            for i in range(RUNS):
                load = os.getloadavg()[0]
                c0 = cpu_seconds([daemon.pid])
                s = sample(wrk(port, SECONDS, bodies, connections=conns), load,
                           cpu_seconds([daemon.pid]) - c0, memory_mb([daemon.pid]))
                sweep[conns].append(s)
                log(f"  {conns} connections, run {i + 1}/{RUNS}: {s['rps']:,.0f} req/s, p50 {s['p50_ms']:.2f} ms, "
                    f"p99 {s['p99_ms']:.2f} ms, non-2xx {s['non2xx']}, socket errors {s['socket_errors']}, "
                    f"server {s['cpu_s']:.1f} CPU-s, wrk {s['wrk_cpu_s']:.1f} CPU-s, RSS {s['rss_mb']:.0f} MB, "
                    f"load {load:.2f}")
        total, count, buckets = foldin_histogram(port)
    finally:
        if daemon.poll() is None:
            daemon.send_signal(signal.SIGTERM)
            try:
                daemon.wait(timeout=20)
            except subprocess.TimeoutExpired:
                daemon.kill()
    shown = (f".build/release/reel serve --root $BENCH_HOME --release {release.replace(HOME, '$BENCH_HOME')} --port P\n"
             f"WRK_FOLDIN_BODIES=$BENCH_HOME/foldin-bench/bodies.jsonl wrk -tT -cC -d{SECONDS}s --timeout 5s "
             f"-s Benchmarks/wrk_foldin.lua http://127.0.0.1:PORT")
    within = []
    for conns in SWEEP:
        label = f"reel serve, POST /v1/recommendations, {conns} connections"
        bench.add(label, "reel", shown.replace("-tT -cC", f"-t{min(2, conns)} -c{conns}"), sweep[conns])
        r = bench.subject(label)
        if r["p99_ms"] <= 2:
            within.append((r["rps"], conns, r["p99_ms"]))
    # The issue's target is one operating point: >= 5,000 requests/s with p99 <= 2 ms. The best
    # such point of the sweep (medians of the runs at one connection count) is the verdict.
    rps, conns, p99 = max(within) if within else (0.0, 0, float("inf"))
    bench.result["data"]["best_within_p99"] = {"connections": conns, "rps": rps, "p99_ms": p99}
    log(f"  most requests/s with p99 <= 2 ms: {rps:,.0f} at {conns} connections (p99 {p99:.2f} ms)")
    bench.target("fold-in requests/s at the busiest load with round-trip p99 <= 2 ms (wrk sweep)", rps, ">=", 5000,
                 "req/s", issue=17)
    top = bench.subject(f"reel serve, POST /v1/recommendations, {SWEEP[-1]} connections")
    bench.target(f"fold-in requests/s (wrk, {SWEEP[-1]} connections, saturated)", top["rps"], ">=", 5000, "req/s",
                 issue=17)
    bench.target("fold-in non-2xx + socket errors", sum(s["non2xx"] + s["socket_errors"] for v in sweep.values() for s in v),
                 "==", 0, "", issue=17, scale=SCALE)
    p99_s = histogram_quantile(buckets, count, 0.99)
    bench.target("fold-in p99 in the daemon (reel_foldin_duration_seconds bucket bound)", 1000 * p99_s, "<=", 2, "ms",
                 issue=17)
    mean_us = 1e6 * total / max(count, 1)
    bench.result["data"].update({"foldin_mean_us": mean_us, "foldin_count": count, "histogram": buckets, "foldin_p99_bucket_s": p99_s,
                                 "histories": users, "release": os.path.basename(release)})
    log(f"  daemon fold-in (solve + rank) mean {mean_us:.0f} µs over {count:,.0f} fold-ins")
    bench.attempt("implicit recalculate_user", lambda: peer(bench, release, bodies, mean_us))
    bench.note("wall is the wrk run's length, CPU-s the daemon's CPU time during it, RSS its resident memory "
               "after it; wrk (2 threads) shares the 2 cores with the daemon ('wrk CPU-s').")
    bench.save()


def peer(bench, release, bodies, reel_mean_us):
    if not os.access(PEER_PYTHON, os.X_OK):
        fail(f"{PEER_PYTHON} missing: python3 -m venv .build/foldin-venv && .build/foldin-venv/bin/pip install implicit")
    calls = 2000
    cmd = [PEER_PYTHON, os.path.join(BENCH_DIR, "peers", "foldin_implicit.py"), release, bodies, str(calls)]
    runs = []
    for i in range(RUNS):
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=1200,
                           env={**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"})
        line = next((l for l in p.stdout.splitlines() if l.startswith("IMPLICIT_JSON ")), None)
        if p.returncode != 0 or line is None:
            fail(f"implicit peer failed: {p.stderr[-1500:]}")
        r = json.loads(line[len("IMPLICIT_JSON "):])
        runs.append({"wall_s": r["median_us"] / 1e6, "p99_ms": r["p99_us"] / 1000, "calls_per_s": r["calls_per_s"]})
        log(f"  implicit recalculate_user run {i + 1}/{RUNS}: median {r['median_us']:.0f} µs, p99 {r['p99_us']:.0f} µs, "
            f"{r['calls_per_s']:,.0f} calls/s (one thread)")
    entry = bench.add("implicit recommend(recalculate_user=True), per call", "peer",
                      f"{PEER_PYTHON.replace(ROOT + '/', '')} Benchmarks/peers/foldin_implicit.py <release> "
                      f"$BENCH_HOME/foldin-bench/bodies.jsonl {calls}", runs)
    bench.ratio("implicit per-call time / reel fold-in time (median)", 1e6 * entry["wall_s"] / reel_mean_us,
                meaning="(> 1: Reel's fold-in is faster)")


if __name__ == "__main__":
    main()
