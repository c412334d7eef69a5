"""Shared helpers for Reel's benchmarks: timing whole commands (wall, CPU seconds, peak RSS)
over several runs, medians, load average, and the results file docs/benchmarks.md is made from.

Every benchmark compares Reel against the peer named in its issue in the same run and prints the
ratio. Medians of several runs only; a single run is never quoted.
"""
import json
import os
import platform
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(ROOT, "Benchmarks", "results")
REEL = os.environ.get("REEL_BIN", os.path.join(ROOT, ".build", "release", "reel"))


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def measure(cmd, runs=3, env=None, cwd=None, setup=None, check=True):
    """Runs `cmd` `runs` times under /usr/bin/time; returns medians and every sample.

    `setup` (a callable) runs before each timed run (e.g. to delete outputs)."""
    samples = []
    for i in range(runs):
        if setup:
            setup()
        full = ["/usr/bin/time", "-f", "%e %U %S %M"] + cmd
        load = os.getloadavg()[0]
        p = subprocess.run(full, env={**os.environ, **(env or {})}, cwd=cwd,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if check and p.returncode != 0:
            raise SystemExit(f"benchmark command failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr[-2000:]}")
        last = p.stderr.strip().splitlines()[-1].split()
        wall, user, sys_, rss_kb = float(last[0]), float(last[1]), float(last[2]), int(last[3])
        samples.append({"wall_s": wall, "cpu_s": user + sys_, "rss_mb": rss_kb / 1024, "load1": load})
        log(f"  run {i + 1}/{runs}: {wall:.2f} s wall, {user + sys_:.2f} CPU-s, {rss_kb / 1024:.0f} MB, load {load:.2f}")
    return summarize(samples)


def summarize(samples):
    out = {"runs": len(samples), "samples": samples}
    for key in ("wall_s", "cpu_s", "rss_mb", "load1"):
        vals = [s[key] for s in samples if key in s]
        if vals:
            out[key] = statistics.median(vals)
    return out


def time_python(fn, runs=3):
    """Median wall and CPU time of an in-process Python callable (for numpy/pyarrow peers)."""
    samples = []
    for i in range(runs):
        load = os.getloadavg()[0]
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        samples.append({"wall_s": wall, "cpu_s": cpu, "load1": load})
        log(f"  run {i + 1}/{runs}: {wall:.2f} s wall, {cpu:.2f} CPU-s, load {load:.2f}")
    return summarize(samples)


def machine():
    return {
        "date": time.strftime("%Y-%m-%d"),
        "cpu": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?"),
        "cores": os.cpu_count(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
        "kernel": platform.release(),
    }


def save(name, result):
    os.makedirs(RESULTS, exist_ok=True)
    result = {"benchmark": name, "machine": machine(), **result}
    with open(os.path.join(RESULTS, f"{name}.json"), "w") as f:
        json.dump(result, f, indent=2)
    log(f"saved {os.path.join(RESULTS, name + '.json')}")
    return result


def ratio(a, b):
    return a / b if b else float("inf")
