#!/usr/bin/env python3
"""Start-up time of `reel serve`: exec to the first /readyz 200, 5 starts per binary, with its RSS then.

    python3 Benchmarks/start_time.py RELEASE BINARY [BINARY…]   (run from anywhere; BENCH_HOME is the home)
"""
import subprocess, time, socket, http.client, sys, os, statistics
def port():
    s=socket.socket(); s.bind(("127.0.0.1",0)); p=s.getsockname()[1]; s.close(); return p
def once(binary, release):
    p=port(); t0=time.monotonic()
    proc=subprocess.Popen([binary,"serve","--root",os.environ.get("BENCH_HOME", "/tmp/reel-bench-full"),"--release",release,"--host","127.0.0.1","--port",str(p)],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL)
    while True:
        try:
            c=http.client.HTTPConnection("127.0.0.1",p,timeout=1); c.request("GET","/readyz")
            if c.getresponse().status==200: break
        except OSError: pass
        time.sleep(0.005)
    t=time.monotonic()-t0
    rss=int(open(f"/proc/{proc.pid}/status").read().split("VmRSS:")[1].split()[0])//1024
    proc.terminate(); proc.wait()
    return t, rss
rel=sys.argv[1]
for b in sys.argv[2:]:
    r=[once(b,rel) for _ in range(5)]
    print(f"{b}: start to ready median {statistics.median(x[0] for x in r):.2f} s (runs {[round(x[0],2) for x in r]}), RSS {statistics.median(x[1] for x in r)} MB, binary {os.path.getsize(b)/1e6:.1f} MB")
