#!/usr/bin/env python3
"""etl (issue 3): `reel etl` on the ml-25m preset (25,000,095 ratings, ~680 MB ratings.csv) in
<= 15 s wall and <= 2 GB peak RSS; in the same run DuckDB loads the same ratings.csv
(`CREATE TABLE r AS SELECT * FROM read_csv('ratings.csv')`, in memory) and the ratio Reel/DuckDB
is printed. Reel does more (validation of every field, dedupe, orphan check, two CSR layouts,
movies/tags/links, popularity, fsynced files); the issue's goal is to be no slower anyway.

DuckDB runs as a whole process (Benchmarks/peers/duckdb_load.py), so its figures include starting Python and
importing duckdb (~0.2 s), as Reel's include starting reel and reading its contracts.
"""
import os
import sys

from benchlib import BENCH_DIR, Bench, Subject, bronze_dir, ensure_bronze, reel_cmd


def main():
    ensure_bronze()
    ratings = os.path.join(bronze_dir(), "ratings.csv")
    bench = Bench("etl", "reel etl: bronze CSV to validated silver", [3])
    m = bench.compare([
        Subject("reel etl", reel_cmd("etl", "--quiet", "--threads", "2"), timeout=600),
        Subject("duckdb read_csv", [sys.executable, os.path.join(BENCH_DIR, "peers", "duckdb_load.py"), "csv", ratings],
                role="peer", timeout=600),
    ])
    reel, peer = m["reel etl"], m["duckdb read_csv"]
    bench.result["data"] = {"ratings_csv_bytes": os.path.getsize(ratings)}
    bench.target("reel etl wall (median)", reel["wall_s"], "<=", 15, "s", issue=3)
    bench.target("reel etl peak RSS (median)", reel["rss_mb"], "<=", 2048, "MB", issue=3)
    bench.ratio("reel/duckdb wall", reel["wall_s"] / peer["wall_s"], goal=("<=", 1.0), issue=3,
                meaning="(< 1: Reel faster)")
    bench.ratio("reel/duckdb CPU-s", reel["cpu_s"] / peer["cpu_s"], meaning="(< 1: Reel uses less CPU)")
    bench.save()


if __name__ == "__main__":
    main()
