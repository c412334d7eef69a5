#!/usr/bin/env python3
"""Reel's Parquet writer/reader vs pyarrow on a silver-ratings-shaped table.

Writes userId int32, movieId int32, rating float, timestamp int64 (ROWS rows)
with `reel-parquet-bench` (Swift, release build) and with pyarrow's
`pq.write_table(..., compression="zstd")` on the *same* data (pyarrow loads
Reel's file first, untimed), then reads userId, movieId and rating back with
each. Prints times (median of --repeat), ratios (Reel / pyarrow) and file sizes,
and the issue's targets scaled to 25M rows.

    python3 Benchmarks/parquet_bench.py --rows 1000000
    python3 Benchmarks/parquet_bench.py --rows 25000000   # the ml-25m target (a big machine, ~2 GB RAM)

Needs: pip install pyarrow
"""
import argparse, json, os, statistics, subprocess, sys, time

TARGET_ROWS = 25_000_000
TARGET_WRITE_S, TARGET_READ_S = 10.0, 3.0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--dir", default="/tmp/reel-parquet-bench")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--no-build", action="store_true", help="use the existing release binary")
    args = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if not args.no_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "reel-parquet-bench"], cwd=root, check=True)
    binary = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=root, check=True,
                            capture_output=True, text=True).stdout.strip() + "/reel-parquet-bench"
    os.makedirs(args.dir, exist_ok=True)
    out = subprocess.run([binary, "--rows", str(args.rows), "--dir", args.dir, "--repeat", str(args.repeat),
                          "--seed", str(args.seed)], check=True, capture_output=True, text=True).stdout
    reel = json.loads(out.strip().splitlines()[-1])

    import pyarrow.parquet as pq
    table = pq.read_table(reel["path"])  # the same data, untimed
    arrow_path = os.path.join(args.dir, "ratings.pyarrow.parquet")
    writes, reads = [], []
    for _ in range(args.repeat):
        t = time.perf_counter(); pq.write_table(table, arrow_path, compression="zstd"); writes.append(time.perf_counter() - t)
    for _ in range(args.repeat):
        t = time.perf_counter(); back = pq.read_table(arrow_path, columns=["userId", "movieId", "rating"]); reads.append(time.perf_counter() - t)
    assert back.num_rows == args.rows
    arrow = {"write_seconds": statistics.median(writes), "read3_seconds": statistics.median(reads),
             "write_runs": writes, "read3_runs": reads, "file_bytes": os.path.getsize(arrow_path)}

    scale = TARGET_ROWS / args.rows
    print(f"rows: {args.rows:,} (median of {args.repeat}; machine: {os.cpu_count()} cores)")
    print(f"{'':22}{'Reel':>12}{'pyarrow':>12}{'Reel/pyarrow':>14}")
    for label, key in [("write (s)", "write_seconds"), ("read 3 columns (s)", "read3_seconds")]:
        print(f"{label:22}{reel[key]:12.3f}{arrow[key]:12.3f}{reel[key] / arrow[key]:14.2f}")
    print(f"{'file size (bytes)':22}{reel['file_bytes']:12,}{arrow['file_bytes']:12,}{reel['file_bytes'] / arrow['file_bytes']:14.3f}")
    print(f"scaled to {TARGET_ROWS:,} rows: write {reel['write_seconds'] * scale:.1f} s (target {TARGET_WRITE_S} s), "
          f"read {reel['read3_seconds'] * scale:.1f} s (target {TARGET_READ_S} s)"
          + ("  [extrapolated linearly from a smaller run]" if args.rows != TARGET_ROWS else ""))
    print(json.dumps({"rows": args.rows, "reel": reel, "pyarrow": arrow,
                      "ratio_write": reel["write_seconds"] / arrow["write_seconds"],
                      "ratio_read3": reel["read3_seconds"] / arrow["read3_seconds"],
                      "ratio_size": reel["file_bytes"] / arrow["file_bytes"]}))


if __name__ == "__main__":
    sys.exit(main())
