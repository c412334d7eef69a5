#!/usr/bin/env python3
"""soak (issue 16): `reel serve` under mixed hostile load beside wrk, against the same daemon unloaded.

One daemon (`reel serve --release <current> --idle-timeout 120`, so idle connections stay open for
the whole run) is measured BENCH_RUNS times in two conditions, interleaved:
* unloaded: wrk alone (2 threads, 64 connections, Benchmarks/wrk_random_users.lua) for
  BENCH_SOAK_SECONDS (60 at full scale);
* mixed load: the same wrk run while, on a separate process (one thread, non-blocking sockets):
  - 1,000 idle connections (connected, never send);
  - 100 slow clients: each trickles a request one byte per ~100 ms (a head every ~6 s, inside the
    daemon's 10 s head deadline), reads the answer, starts the next;
  - 50 non-reading clients: pipeline `GET /v1/users/<id>/recommendations?k=100` and
    `GET /openapi.json` as fast as the daemon takes them and never read an answer.
Reported per run: wrk requests/s, p50/p99, non-2xx and socket errors; the daemon's peak RSS
(sampled every 0.5 s) and CPU seconds; the slow clients' answers and any 5xx among them; at the end
the daemon's own 5xx count from /metrics. Targets: zero 5xx, peak RSS under the documented bound,
throughput under load >= 90% of unloaded.
"""
import json
import os
import random
import selectors
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from benchlib import BENCH_DIR, HOME, REEL, RUNS, SCALE, Bench, ensure_release, fail, log, which_or_fail
from procstat import cpu_seconds, memory_mb
from sectionfile import SectionFile

SECONDS = int(os.environ.get("BENCH_SOAK_SECONDS", 60 if SCALE == "full" else 20))
IDLE, SLOW, NON_READING = 1000, 100, 50
CONNECTIONS = 64
RSS_BOUND_MB = int(os.environ.get("BENCH_SOAK_RSS_MB", 400))
LUA = os.path.join(BENCH_DIR, "wrk_random_users.lua")
WORK = os.path.join(HOME, "soak-bench")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def hostile_load(port, ids, seconds, report):
    """The load generator (run as a child process: `bench_soak.py --load PORT IDS SECONDS REPORT`)."""
    rng = random.Random(16)
    sel = selectors.DefaultSelector()
    idle, slow, pushers = [], [], []

    def connect(rcvbuf=None):
        s = socket.socket()
        if rcvbuf:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        s.connect(("127.0.0.1", port))
        s.setblocking(False)
        return s

    for _ in range(IDLE):
        idle.append(connect())
    for i in range(SLOW):
        s = connect()
        slow.append({"sock": s, "req": b"", "pos": 0, "buf": b"", "next": time.time() + rng.random() * 0.1})
    unit = b"".join(b"GET /v1/users/%d/recommendations?k=100 HTTP/1.1\r\nHost: x\r\n\r\nGET /openapi.json HTTP/1.1\r\nHost: x\r\n\r\n"
                    % rng.choice(ids) for _ in range(64))
    for _ in range(NON_READING):
        s = connect(rcvbuf=4096)
        pushers.append({"sock": s, "sent": 0, "closed": False})
    stats = {"slow_answers": 0, "slow_5xx": 0, "slow_other": 0, "slow_reconnects": 0, "pushed_bytes": 0,
             "pushers_closed_by_daemon": 0, "idle_closed_by_daemon": 0}
    end = time.time() + seconds
    last_push = 0.0
    while time.time() < end:
        now = time.time()
        for c in slow:
            if not c["req"]:
                c["req"] = b"GET /v1/users/%d/recommendations?k=10 HTTP/1.1\r\nHost: x\r\n\r\n" % rng.choice(ids)
                c["pos"] = 0
            if c["pos"] < len(c["req"]) and now >= c["next"]:
                try:
                    c["sock"].send(c["req"][c["pos"]:c["pos"] + 1])
                    c["pos"] += 1
                except OSError:
                    c["sock"].close()
                    c["sock"], c["req"], c["buf"] = connect(), b"", b""
                    stats["slow_reconnects"] += 1
                c["next"] = now + 0.1
            if c["pos"] == len(c["req"]) and c["req"]:
                try:
                    data = c["sock"].recv(65536)
                    if not data:
                        raise OSError("closed")
                    c["buf"] += data
                except BlockingIOError:
                    continue
                except OSError:
                    c["sock"].close()
                    c["sock"], c["req"], c["buf"] = connect(), b"", b""
                    stats["slow_reconnects"] += 1
                    continue
                head, sep, rest = c["buf"].partition(b"\r\n\r\n")
                if not sep:
                    continue
                status = int(head.split(b" ")[1])
                length = next((int(l.split(b":")[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")), 0)
                if len(rest) < length:
                    continue
                c["buf"], c["req"] = rest[length:], b""
                stats["slow_answers"] += 1
                if status >= 500:
                    stats["slow_5xx"] += 1
                elif status != 200:
                    stats["slow_other"] += 1
        if now - last_push > 0.05:
            last_push = now
            for p in pushers:
                if p["closed"]:
                    continue
                try:
                    while True:
                        n = p["sock"].send(unit)
                        p["sent"] += n
                        stats["pushed_bytes"] += n
                        if n < len(unit):
                            break
                except BlockingIOError:
                    pass
                except OSError:
                    p["closed"] = True
                    stats["pushers_closed_by_daemon"] += 1
        time.sleep(0.01)
    for s in idle:
        try:
            if s.recv(1) == b"":
                stats["idle_closed_by_daemon"] += 1
        except BlockingIOError:
            pass
        except OSError:
            stats["idle_closed_by_daemon"] += 1
    with open(report, "w") as f:
        json.dump(stats, f)


def wrk(port, seconds, ids_file):
    cmd = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "5s", "-s", LUA, f"http://127.0.0.1:{port}"]
    p = subprocess.run(cmd, env={**os.environ, "WRK_USER_IDS": ids_file}, capture_output=True, text=True,
                       timeout=seconds + 60)
    line = next((l for l in p.stdout.splitlines() if l.startswith("WRK_JSON ")), None)
    if p.returncode != 0 or line is None:
        fail(f"wrk failed ({p.returncode}): {p.stdout[-1500:]} {p.stderr[-1500:]}")
    return json.loads(line[len("WRK_JSON "):])


def server_5xx(port):
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
    total = 0
    for line in text.splitlines():
        if line.startswith("reel_http_requests_total{") and 'status="5' in line:
            total += int(float(line.rsplit(" ", 1)[1]))
    return total, text


def measure(port, pid, ids_file, loaded, ids):
    report = os.path.join(WORK, "load.json")
    load_proc = None
    if loaded:
        if os.path.exists(report):
            os.remove(report)
        load_proc = subprocess.Popen([sys.executable, __file__, "--load", str(port), os.path.join(WORK, "ids.json"),
                                      str(SECONDS + 8), report])
        time.sleep(5)  # all connections open, the pushers' connections paused
    peak = [memory_mb([pid])]
    stop = [False]

    def sample():
        while not stop[0]:
            peak[0] = max(peak[0], memory_mb([pid]))
            time.sleep(0.5)

    import threading
    sampler = threading.Thread(target=sample)
    sampler.start()
    load1 = os.getloadavg()[0]
    c0 = cpu_seconds([pid])
    w = wrk(port, SECONDS, ids_file)
    cpu = cpu_seconds([pid]) - c0
    stop[0] = True
    sampler.join()
    extra = {}
    if load_proc:
        load_proc.wait(timeout=60)
        with open(report) as f:
            extra = json.load(f)
    seconds = w["duration_us"] / 1e6
    s = {"wall_s": seconds, "cpu_s": cpu, "rps": w["requests"] / seconds, "p50_ms": w["p50_us"] / 1000,
         "p99_ms": w["p99_us"] / 1000, "non2xx": w["non2xx"],
         "socket_errors": w["connect_errors"] + w["read_errors"] + w["write_errors"] + w["timeouts"],
         "rss_peak_mb": peak[0], "load1": load1, **extra}
    return s


def main():
    which_or_fail("wrk", "wrk")
    release = ensure_release()
    ids = [int(x) for x in SectionFile(release, "REELRLSE").array("userIDs")]
    os.makedirs(WORK, exist_ok=True)
    ids_file = os.path.join(WORK, "user_ids.txt")
    with open(ids_file, "w") as f:
        f.write("\n".join(map(str, ids)) + "\n")
    with open(os.path.join(WORK, "ids.json"), "w") as f:
        json.dump(ids[:5000], f)
    bench = Bench("soak", "reel serve under 1,000 idle + 100 slow + 50 non-reading connections beside wrk", [16])
    port = free_port()
    daemon = subprocess.Popen([REEL, "serve", "--root", HOME, "--release", release, "--host", "127.0.0.1",
                               "--port", str(port), "--idle-timeout", "120"], stdout=subprocess.DEVNULL,
                              stderr=open(os.path.join(WORK, "daemon.log"), "w"))
    try:
        deadline = time.time() + 120
        while True:
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2).status == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline or daemon.poll() is not None:
                fail("the daemon did not become ready")
            time.sleep(0.2)
        log("  warm-up, 3 s")
        wrk(port, 3, ids_file)
        samples = {"unloaded": [], "mixed load": []}
        for i in range(RUNS):
            for name in samples:
                s = measure(port, daemon.pid, ids_file, name == "mixed load", ids)
                samples[name].append(s)
                log(f"  {name} run {i + 1}/{RUNS}: {s['rps']:,.0f} req/s, p50 {s['p50_ms']:.2f} ms, p99 {s['p99_ms']:.2f} ms, "
                    f"non-2xx {s['non2xx']}, socket errors {s['socket_errors']}, daemon peak RSS {s['rss_peak_mb']:.0f} MB, "
                    f"{s['cpu_s']:.1f} CPU-s, load {s['load1']:.2f}"
                    + (f"; slow answers {s['slow_answers']} (5xx {s['slow_5xx']}), pushed {s['pushed_bytes'] / 2**20:.1f} MiB, "
                       f"pushers closed {s['pushers_closed_by_daemon']}, idle closed {s['idle_closed_by_daemon']}"
                       if name == "mixed load" else ""))
        fivexx, metrics = server_5xx(port)
        serve = (f".build/release/reel serve --root $BENCH_HOME --release {release.replace(HOME, '$BENCH_HOME')} "
                 f"--port P --idle-timeout 120")
        wrk_cmd = (f"WRK_USER_IDS=$BENCH_HOME/soak-bench/user_ids.txt wrk -t2 -c{CONNECTIONS} -d{SECONDS}s --timeout 5s "
                   f"-s Benchmarks/wrk_random_users.lua http://127.0.0.1:P")
        bench.add("reel serve, wrk alone", "reference", serve + "\n" + wrk_cmd, samples["unloaded"])
        bench.add("reel serve, wrk + 1,000 idle, 100 slow, 50 non-reading", "reel",
                  serve + "\n" + wrk_cmd + "\npython3 Benchmarks/bench_soak.py --load P ids.json SECONDS report.json",
                  samples["mixed load"])
        u, m = bench.subject("reel serve, wrk alone"), bench.subject("reel serve, wrk + 1,000 idle, 100 slow, 50 non-reading")
        bench.ratio("req/s under mixed load / unloaded", m["rps"] / u["rps"], goal=(">=", 0.9), issue=16,
                    meaning="(goal >= 0.9)")
        bench.target("daemon peak RSS under mixed load", max(s["rss_peak_mb"] for s in samples["mixed load"]),
                     "<=", RSS_BOUND_MB, "MB", issue=16, scale=SCALE)
        bench.target("5xx answered by the daemon (all runs, /metrics)", fivexx, "==", 0, "", issue=16, scale=SCALE)
        bench.target("wrk non-2xx + socket errors under mixed load",
                     sum(s["non2xx"] + s["socket_errors"] for s in samples["mixed load"]), "==", 0, "", issue=16,
                     scale=SCALE)
        pauses = next((l.split()[-1] for l in metrics.splitlines() if l.startswith("reel_http_backpressure_pauses_total")), "?")
        bench.result["data"].update({"release": os.path.basename(release), "users": len(ids), "soak_seconds": SECONDS,
                                     "rss_bound_mb": RSS_BOUND_MB, "backpressure_pauses": pauses,
                                     "release_mb": os.path.getsize(release) / 2**20})
        bench.note("The load generator is one Python process (one thread, non-blocking sockets) sharing the 2 cores "
                   "with the daemon and wrk; the slow clients read their answers, the non-reading ones never do, "
                   "and the daemon stops reading those once their unsent answers pass --max-queued-bytes (256 KiB).")
    finally:
        if daemon.poll() is None:
            daemon.send_signal(signal.SIGTERM)
            try:
                daemon.wait(timeout=30)
            except subprocess.TimeoutExpired:
                daemon.kill()
    bench.save()


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--load":
        with open(sys.argv[3]) as f:
            hostile_load(int(sys.argv[2]), json.load(f), float(sys.argv[4]), sys.argv[5])
    else:
        main()
