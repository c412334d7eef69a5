#!/usr/bin/env python3
"""parquet (issue 9): writing the silver ratings table of the ml-25m preset (25M rows: userId,
movieId int32, rating float, timestamp int64) with Reel's Parquet writer in <= 10 s, reading
userId, movieId and rating back in <= 3 s, against pyarrow's pq.write_table / pq.read_table (zstd)
on the same data in the same run; file size within 10% of pyarrow's.

Both sides run in their own process through Benchmarks/parquet_bench.py (Reel through the
`reel-parquet-bench` release executable); medians of BENCH_RUNS runs of each.
"""
import json
import os
import subprocess
import sys

from benchlib import ROOT, RUNS, SCALE, Bench, log

ROWS = {"full": 25_000_095, "small": 1_000_000}[SCALE]


def main():
    bench = Bench("parquet", "Parquet: write and read the silver ratings table, Reel vs pyarrow", [9])
    cmd = [sys.executable, os.path.join(ROOT, "Benchmarks", "parquet_bench.py"), "--rows", str(ROWS),
           "--repeat", str(RUNS)]
    log("  $ " + " ".join(cmd))
    out = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    r = json.loads(out.strip().splitlines()[-1])
    reel, arrow = r["reel"], r["pyarrow"]
    shown = "python3 Benchmarks/parquet_bench.py --rows %d --repeat %d" % (ROWS, RUNS)
    bench.add("reel write", "reel", shown, [{"wall_s": w} for w in reel["write_runs"]])
    bench.add("pyarrow write (zstd)", "peer", shown, [{"wall_s": w} for w in arrow["write_runs"]])
    bench.add("reel read 3 columns", "reel", shown, [{"wall_s": w} for w in reel["read3_runs"]])
    bench.add("pyarrow read 3 columns", "peer", shown, [{"wall_s": w} for w in arrow["read3_runs"]])
    bench.result["data"] = {"rows": ROWS, "reel_file_bytes": reel["file_bytes"], "pyarrow_file_bytes": arrow["file_bytes"],
                            "reel_dictionary_columns": reel.get("dictionary")}
    bench.target("Reel write of the ratings table (median)", reel["write_seconds"], "<=", 10, "s", issue=9)
    bench.target("Reel read of userId, movieId, rating (median)", reel["read3_seconds"], "<=", 3, "s", issue=9)
    bench.ratio("reel/pyarrow write", reel["write_seconds"] / arrow["write_seconds"], meaning="(< 1: Reel faster)")
    bench.ratio("reel/pyarrow read 3 columns", reel["read3_seconds"] / arrow["read3_seconds"], meaning="(< 1: Reel faster)")
    size = reel["file_bytes"] / arrow["file_bytes"]
    bench.ratio("reel/pyarrow file size", size, meaning="(goal: within 10%)")
    bench.target("reel/pyarrow file size within 10% (|ratio - 1|)", abs(size - 1), "<=", 0.10, "", issue=9)
    bench.save()


if __name__ == "__main__":
    main()
