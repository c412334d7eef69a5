#!/usr/bin/env python3
"""synth (issue 2): `reel synth --preset ml-25m` writes the MovieLens-shaped bronze data set
(162,541 users, 62,423 movies, 25,000,095 ratings) in <= 60 s wall on the 2-core machine.

The issue names no peer. Each run replaces the benchmark home's bronze data (`--force`); the same
seed gives the same bytes, so the silver, model and release made from it stay valid.
"""
import os

from benchlib import PRESET, Bench, Subject, bronze_dir, ensure_home, reel_cmd


def main():
    ensure_home()
    bench = Bench("synth", "reel synth: MovieLens-shaped bronze data", [2])
    s = bench.compare([Subject("reel synth", reel_cmd("synth", "--quiet", "--preset", PRESET, "--force"),
                               timeout=600)])["reel synth"]
    folder = bronze_dir()
    written = sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder))
    bench.result["data"] = {"preset": PRESET, "bytes_written": written,
                            "ratings_csv_bytes": os.path.getsize(os.path.join(folder, "ratings.csv"))}
    bench.target("reel synth --preset ml-25m wall (median)", s["wall_s"], "<=", 60, "s", issue=2)
    bench.save()


if __name__ == "__main__":
    main()
