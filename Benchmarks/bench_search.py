#!/usr/bin/env python3
"""search (issue 19): title search latency in the daemon, on a release (the ml-25m preset for the
issue's target: p99 <= 1 ms per query).

    Benchmarks/bench_search.py --root HOME [--reel .build/release/reel] [--seconds 10] [--runs 3]

Queries are drawn from the release's own titles (its `titleNorm` section) the way a person types
them: for 2,000 random movies, a random-length prefix of the folded title (1 character up to the
whole title, cut at a word or inside one), plus every single letter a-z (the widest prefixes);
all percent-encoded. wrk (1 thread, 1 connection: one person typing, so the latency is per query,
not queueing) cycles through them against `reel serve --release HOME/output/current` for
--seconds per run. Reported per run: queries/s and the p50/p99/max latency wrk measured (round trip
on loopback, client included: on a shared 2-core machine its p99 is other processes' time slices).
Then the daemon's own time per query: a second daemon with --access-log and one event-loop thread
answers every query 3 times over one keep-alive connection, and the p50/p99/max of the µs it logs
(request head complete → response written) are the figure the issue's p99 <= 1 ms is judged on.
"""
import argparse, json, os, random, socket, subprocess, sys, tempfile, time, urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sectionfile import SectionFile  # noqa: E402

LUA = r'''
local queries = {}
for line in io.lines(os.getenv("WRK_QUERIES")) do queries[#queries + 1] = line end
local i = 0
function request()
  i = i % #queries + 1
  return wrk.format("GET", "/v1/movies?k=10&q=" .. queries[i])
end
function done(summary, latency, requests)
  io.write(string.format('WRK_JSON {"requests":%d,"duration_us":%d,"non2xx":%d,"p50_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, summary.errors.status, latency:percentile(50), latency:percentile(99), latency.max))
end
'''


def queries(release, n, seed):
    f = SectionFile(release, magic="REELRLSE")
    norm = bytes(f.array("titleNorm", "u1"))
    offsets = f.array("titleNormOffsets", "<u4")
    rng = random.Random(seed)
    out = [chr(c) for c in range(ord("a"), ord("z") + 1)]
    for _ in range(n):
        m = rng.randrange(len(offsets) - 1)
        title = norm[offsets[m]:offsets[m + 1]].decode("utf-8")
        if not title:
            continue
        out.append(title[: rng.randint(1, len(title))].strip() or title[:1])
    return [urllib.parse.quote(q) for q in out]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--reel", default=".build/release/reel")
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    release = os.path.realpath(os.path.join(a.root, "output", "current"))
    qs = queries(release, 2000, 7)
    work = tempfile.mkdtemp(prefix="reel-search-bench-")
    qfile, lua = os.path.join(work, "queries.txt"), os.path.join(work, "search.lua")
    open(qfile, "w").write("\n".join(qs) + "\n")
    open(lua, "w").write(LUA)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    daemon = subprocess.Popen([a.reel, "serve", "--release", release, "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        env = dict(os.environ, WRK_QUERIES=qfile)
        subprocess.run(["wrk", "-t1", "-c1", "-d2s", "-s", lua, f"http://127.0.0.1:{port}"], env=env, capture_output=True)
        results = []
        for run in range(a.runs):
            r = subprocess.run(["wrk", "-t1", "-c1", f"-d{a.seconds}s", "-s", lua, f"http://127.0.0.1:{port}"],
                               env=env, capture_output=True, text=True)
            line = next(l for l in r.stdout.splitlines() if l.startswith("WRK_JSON "))
            res = json.loads(line[len("WRK_JSON "):])
            res["qps"] = round(res["requests"] / (res["duration_us"] / 1e6))
            results.append(res)
            print(json.dumps({"run": run + 1, **res}))
        p99 = sorted(r["p99_us"] for r in results)[len(results) // 2]
        p50 = sorted(r["p50_us"] for r in results)[len(results) // 2]
        qps = sorted(r["qps"] for r in results)[len(results) // 2]
        print(f"search: {len(qs)} queries, median of {a.runs} runs: {qps} queries/s, p50 {p50} µs, p99 {p99} µs "
              f"({'PASS' if p99 <= 1000 else 'FAIL'} p99 <= 1 ms); non-2xx {sum(r['non2xx'] for r in results)}")
    finally:
        daemon.terminate()
        daemon.wait()
    server_side(a.reel, release, qs, port)


def server_side(reel, release, qs, port):
    import http.client, re
    log = os.path.join(tempfile.mkdtemp(prefix="reel-search-log-"), "access.log")
    p = subprocess.Popen([reel, "serve", "--release", release, "--port", str(port), "--access-log", "--threads", "1"],
                         stdout=subprocess.DEVNULL, stderr=open(log, "w"))
    try:
        for _ in range(200):
            try:
                c = http.client.HTTPConnection("127.0.0.1", port)
                c.connect()
                break
            except OSError:
                time.sleep(0.1)
        for _ in range(3):
            for q in qs:
                c.request("GET", "/v1/movies?k=10&q=" + q)
                c.getresponse().read()
    finally:
        p.terminate()
        p.wait()
    us = sorted(int(m.group(1)) for m in re.finditer(r"/v1/movies\S* 200 (\d+)µs", open(log).read()))
    p99 = us[int(len(us) * 0.99)]
    print(f"search in the daemon: {len(us)} queries, p50 {us[len(us) // 2]} µs, p99 {p99} µs, max {us[-1]} µs "
          f"({'PASS' if p99 <= 1000 else 'FAIL'} p99 <= 1 ms)")


if __name__ == "__main__":
    main()
