"""Shared helpers of Reel's benchmark suite (`Benchmarks/run.sh`, one `bench_<name>.py` per benchmark).

Conventions every benchmark follows (so `report.py` can render them all into docs/benchmarks.md):
* Reel and the peer its issue names run in the same session, interleaved run by run, so both see
  the same machine load; each is run `RUNS` times (>= 3) and only medians are quoted: wall time,
  CPU seconds (user + system, all threads), peak RSS and the 1-minute load average before the run.
* `Bench.save()` writes `Benchmarks/results/<name>.json`: the exact commands, every sample, the
  medians, the ratios and the targets of the issue with their verdicts.
* `BENCH_SCALE=full` (default) uses the `reel synth --preset ml-25m` data set the targets are
  written for; `BENCH_SCALE=small` the `small` preset, a quick check of the whole machinery (its
  figures say nothing about the targets).
* Every benchmark works on one shared Reel home (`BENCH_HOME`, default /tmp/reel-bench-<scale>) and
  creates what it needs that is missing (`ensure_*`), so any benchmark can run alone.
"""
import json
import os
import platform
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH_DIR = os.path.join(ROOT, "Benchmarks")
RESULTS = os.path.join(BENCH_DIR, "results")
REEL = os.environ.get("REEL_BIN", os.path.join(ROOT, ".build", "release", "reel"))
SCALE = os.environ.get("BENCH_SCALE", "full")
if SCALE not in ("full", "small"):
    sys.exit(f"BENCH_SCALE must be full or small, not {SCALE!r}")
PRESET = {"full": "ml-25m", "small": "small"}[SCALE]
HOME = os.path.abspath(os.environ.get("BENCH_HOME", f"/tmp/reel-bench-{SCALE}"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))


class Stopped(BaseException):
    """SIGTERM (run.sh's time budget or Ctrl-C): unwinds through `finally` blocks, so the servers
    and peers a benchmark started stop too; never swallowed by `Bench.attempt`."""


def _terminate(signum, frame):
    raise Stopped(f"stopped by signal {signum}")


signal.signal(signal.SIGTERM, _terminate)


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def fail(msg):
    """Stops the benchmark (or, inside `Bench.attempt`, the part) with a message on stderr; a
    benchmark stopped this way exits with status 1, which run.sh reports."""
    log(f"FAILED: {msg}")
    raise SystemExit(msg)


# ---------------------------------------------------------------------------------------------
# Timing whole commands

def run_timed(cmd, env=None, cwd=None, timeout=None, unset=()):
    """Runs `cmd` once under /usr/bin/time, with `env` added to the environment and the variables
    in `unset` removed. Returns (sample, stdout, stderr); fails loudly on a non-zero exit or when
    it takes longer than `timeout` seconds."""
    with tempfile.NamedTemporaryFile("r", prefix="bench-time-", suffix=".txt") as tf:
        full = ["/usr/bin/time", "-f", "%e %U %S %M", "-o", tf.name] + [str(c) for c in cmd]
        environment = {k: v for k, v in {**os.environ, **(env or {})}.items() if k not in unset}
        load = os.getloadavg()[0]
        t0 = time.perf_counter()
        try:
            p = subprocess.run(full, env=environment, cwd=cwd, capture_output=True,
                               text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            fail(f"timed out after {timeout} s: {shlex.join(map(str, cmd))}")
        if p.returncode != 0:
            fail(f"exit {p.returncode}: {shlex.join(map(str, cmd))}\n{p.stderr[-3000:]}")
        wall = time.perf_counter() - t0  # finer than /usr/bin/time's 10 ms
        _, user, sys_, rss_kb = tf.read().split()[-4:]
    sample = {"wall_s": wall, "cpu_s": float(user) + float(sys_), "rss_mb": int(rss_kb) / 1024, "load1": load}
    return sample, p.stdout, p.stderr


def fmt_sample(s):
    parts = [f"{s['wall_s']:.2f} s wall"]
    if "cpu_s" in s:
        parts.append(f"{s['cpu_s']:.2f} CPU-s")
    if "rss_mb" in s:
        parts.append(f"{s['rss_mb']:.0f} MB")
    parts.append(f"load {s.get('load1', 0):.2f}")
    parts += [f"{k} {v:,.0f}" if abs(v) >= 1000 else f"{k} {v:.4g}" for k, v in s.items()
              if k not in ("wall_s", "cpu_s", "rss_mb", "load1") and isinstance(v, (int, float))]
    return ", ".join(parts)


class Subject:
    """One thing timed: a label, its role (reel, peer or reference), the exact command, and how to
    run it once. `parse(stdout, stderr, sample)` may add metrics to the sample (e.g. a phase time
    read from the log); `setup()` runs before every run, untimed."""

    def __init__(self, label, cmd, role="reel", env=None, setup=None, parse=None, timeout=None, unset=()):
        self.label, self.cmd, self.role = label, [str(c) for c in cmd], role
        self.env, self.setup, self.parse, self.timeout = env, setup, parse, timeout
        self.unset = [k for k in unset if k in os.environ]
        self.shown = display_command(self.cmd, env, self.unset)
        self.samples = []

    def run_once(self, i, runs):
        if self.setup:
            self.setup()
        sample, out, err = run_timed(self.cmd, env=self.env, timeout=self.timeout, unset=self.unset)
        if self.parse:
            self.parse(out, err, sample)
        self.samples.append(sample)
        log(f"  {self.label} run {i + 1}/{runs}: {fmt_sample(sample)}")


def summarize(samples):
    """Medians of every numeric metric over the samples (plus the samples themselves)."""
    out = {"runs": len(samples), "samples": samples}
    keys = sorted({k for s in samples for k, v in s.items() if isinstance(v, (int, float))})
    for key in keys:
        vals = [s[key] for s in samples if isinstance(s.get(key), (int, float))]
        if vals:
            out[key] = statistics.median(vals)
    return out


def display_command(cmd, env=None, unset=()):
    """The command as a reader would type it: the benchmark home as $BENCH_HOME, the checkout as ."""
    text = shlex.join(cmd)
    if env:
        text = " ".join(f"{k}={shlex.quote(str(v))}" for k, v in env.items()) + " " + text
    if unset:
        text = "env " + " ".join(f"-u {k}" for k in unset) + " " + text
    text = text.replace(REEL, ".build/release/reel").replace(HOME, "$BENCH_HOME").replace(ROOT + "/", "")
    return text.replace(sys.executable, "python3")


# ---------------------------------------------------------------------------------------------
# Results

def machine():
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {"date": time.strftime("%Y-%m-%d %H:%M %Z"), "cpu": cpu, "cores": os.cpu_count(),
            "memory_gib": round(mem / 2**30), "kernel": platform.release(), "python": platform.python_version()}


class Bench:
    """Collects one benchmark's results and writes Benchmarks/results/<name>.json."""

    def __init__(self, name, title, issues):
        self.name = name
        self.started = time.time()
        self.result = {"benchmark": name, "title": title, "issues": issues, "scale": SCALE, "preset": PRESET,
                       "runs": RUNS, "subjects": [], "ratios": [], "targets": [], "tables": [], "notes": [],
                       "errors": [], "data": {}}
        if RUNS < 3:
            self.note(f"BENCH_RUNS={RUNS}: fewer than the 3 runs a quoted median needs (a development run).")
        log(f"== {name}: {title} (scale {SCALE}, preset {PRESET}, home {HOME}, {RUNS} runs)")

    # Measuring
    def compare(self, subjects, runs=None):
        """Runs every subject `runs` times, interleaved (A B A B A B), and records their medians."""
        runs = runs or RUNS
        for i in range(runs):
            for s in subjects:
                s.run_once(i, runs)
        for s in subjects:
            self.add(s.label, s.role, s.shown, s.samples)
        return {s.label: self.subject(s.label) for s in subjects}

    def add(self, label, role, command, samples, **extra):
        """Records a subject measured elsewhere (e.g. in-process by a peer script)."""
        entry = {"label": label, "role": role, "command": command, **summarize(samples), **extra}
        self.result["subjects"] = [e for e in self.result["subjects"] if e["label"] != label] + [entry]
        return entry

    def subject(self, label):
        return next(e for e in self.result["subjects"] if e["label"] == label)

    # Verdicts
    def ratio(self, label, value, goal=None, issue=None, meaning=""):
        """A ratio printed with the run; `goal` = (op, limit) from the issue makes it a target too."""
        entry = {"label": label, "value": value, "meaning": meaning}
        self.result["ratios"].append(entry)
        log(f"  ratio {label}: {value:.3g} {meaning}")
        if goal:
            self.target(label, value, goal[0], goal[1], "", issue=issue)
        return value

    def target(self, label, value, op, limit, unit, issue=None, scale="full"):
        ok = {"<=": value <= limit, ">=": value >= limit, "<": value < limit, ">": value > limit, "==": value == limit}[op]
        self.result["targets"].append({"label": label, "value": value, "op": op, "limit": limit, "unit": unit,
                                       "issue": issue, "pass": bool(ok), "scale": scale})
        verdict = ("PASS" if ok else "MISS") if SCALE == scale else f"{'pass' if ok else 'miss'} (target is for {scale} scale)"
        log(f"  target {label}: {value:.4g} {unit} {op} {limit} {unit}: {verdict}")

    def table(self, title, columns, rows, note=""):
        """A free-form table (e.g. quality metrics side by side) for the report."""
        self.result["tables"].append({"title": title, "columns": columns, "rows": rows, "note": note})

    def note(self, text):
        self.result["notes"].append(text)

    def attempt(self, part, fn):
        """Runs one part of the benchmark. A failure is recorded, the other parts still run and
        their results are saved, and `save` then exits non-zero, so run.sh reports it."""
        try:
            return fn()
        except (Exception, SystemExit) as e:
            message = f"{part}: {e if str(e) else type(e).__name__}"
            log(f"FAILED part: {message}")
            self.result["errors"].append(message)
            return None

    def save(self):
        os.makedirs(RESULTS, exist_ok=True)
        self.result["machine"] = machine()
        self.result["elapsed_s"] = round(time.time() - self.started, 1)
        path = os.path.join(RESULTS, f"{self.name}.json")
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.result, f, indent=2)
            f.write("\n")
        os.replace(tmp, path)
        log(f"saved {os.path.relpath(path, ROOT)} ({self.result['elapsed_s']} s)")
        if self.result["errors"]:
            fail(f"{len(self.result['errors'])} part(s) failed: " + "; ".join(self.result["errors"]))


def ratio(a, b):
    return a / b if b else float("inf")


# ---------------------------------------------------------------------------------------------
# The shared benchmark home and what the stages leave in it

def reel_cmd(*args, root=HOME):
    return [REEL, *map(str, args), "--root", root]


def reel(*args, root=HOME, timeout=3600, quiet=False):
    """Runs a reel command on a home (default: the benchmark home), untimed preparation; fails loudly."""
    cmd = reel_cmd(*args, root=root) + (["--quiet"] if quiet else [])
    log(f"  $ {display_command(cmd)}")
    try:
        p = subprocess.run(cmd, timeout=timeout, capture_output=True, text=True)
    except subprocess.TimeoutExpired:
        fail(f"timed out after {timeout} s: {shlex.join(cmd)}")
    if p.returncode != 0:
        fail(f"exit {p.returncode}: {shlex.join(cmd)}\n{p.stderr[-3000:]}")
    return p.stdout


def check_binary():
    if not os.access(REEL, os.X_OK):
        fail(f"{REEL} is missing: build it with `swift build -c release --product reel` (run.sh does)")


def bronze_dir(home=HOME):
    return os.path.join(home, "lakehouse", "bronze", "movielens", "ml-25m")


def ensure_home():
    """Creates the home and checks it holds data of this scale's preset (never mixes two)."""
    check_binary()
    os.makedirs(HOME, exist_ok=True)
    stamp = os.path.join(HOME, ".bench-preset")
    if os.path.exists(stamp):
        with open(stamp) as f:
            have = f.read().strip()
        if have != PRESET:
            fail(f"{HOME} holds the {have!r} preset, not {PRESET!r}: remove it or set BENCH_HOME")
    else:
        with open(stamp, "w") as f:
            f.write(PRESET + "\n")


def ensure_bronze():
    ensure_home()
    if not os.path.exists(os.path.join(bronze_dir(), "_manifest.json")):
        log(f"preparing: bronze data ({PRESET} preset) in {HOME}")
        reel("synth", "--preset", PRESET, "--force")


def ensure_silver():
    ensure_bronze()
    if not os.path.exists(os.path.join(HOME, "lakehouse", "silver", "current")):
        log("preparing: silver (reel etl)")
        reel("etl", "--threads", "2")
    return os.path.realpath(os.path.join(HOME, "lakehouse", "silver", "current"))


MODEL_ARGS = ["--mode", "implicit", "--rank", "64", "--iterations", "10", "--threads", "2"]


def ensure_model():
    """A rank-64 model (output/models/latest, made by the train benchmark or here); returns the
    resolved path of its model.factors, so later training runs do not change it under a reader."""
    ensure_silver()
    latest = os.path.join(HOME, "output", "models", "latest")
    info = os.path.join(latest, "model.json")
    rank = None
    if os.path.exists(info):
        with open(info) as f:
            rank = json.load(f).get("params", {}).get("rank")
    if rank != 64:
        log("preparing: a rank-64 model (reel train)")
        reel("train", *MODEL_ARGS)
    return os.path.realpath(os.path.join(latest, "model.factors"))


def ensure_release():
    """The current release, published from the rank-64 model; returns its resolved path."""
    model = ensure_model()
    current = os.path.join(HOME, "output", "current")
    if not os.path.exists(current):
        log("preparing: a release (reel publish)")
        reel("publish", "--model", model, "--threads", "2")
    return os.path.realpath(current)


def run_wrk(script, port, connections, seconds, env, threads=2):
    """One wrk run of `script` (a Benchmarks/wrk_*.lua, which ends with wrk_common.lua's WRK_JSON line)
    against 127.0.0.1:`port`; `env` passes the script its inputs. Returns the WRK_JSON counts and
    percentiles plus `cpu_s`, wrk's own CPU time: it shares the 2 cores with the server, so it bounds
    what any server can reach."""
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "-s", script,
           f"http://127.0.0.1:{port}"]
    before = os.times()
    p = subprocess.run(cmd, env={**os.environ, **env}, capture_output=True, text=True, timeout=seconds + 60)
    after = os.times()
    line = next((l for l in p.stdout.splitlines() if l.startswith("WRK_JSON ")), None)
    if p.returncode != 0 or line is None:
        fail(f"wrk failed ({p.returncode}): {p.stdout[-1500:]} {p.stderr[-1500:]}")
    result = json.loads(line[len("WRK_JSON "):])
    result["cpu_s"] = (after.children_user + after.children_system) - (before.children_user + before.children_system)
    return result


def read_json(path):
    with open(path) as f:
        return json.load(f)


def which_or_fail(tool, package):
    if not shutil.which(tool):
        fail(f"{tool} not found: apt-get install {package} (run.sh installs it)")
