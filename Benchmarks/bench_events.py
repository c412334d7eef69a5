#!/usr/bin/env python3
"""events (issue 8): validated event ingest >= 500,000 events/s, median of 3 runs.

`reel synth events --output FILE` writes EVENTS synthetic view/click/rating events (default
2,000,000 at full scale) to one NDJSON file (`.ndjson.zst` with BENCH_EVENTS_ZSTD=1); each run
ingests it with `reel events ingest --from FILE` into an empty home (schema validation, routing
into date partitions, dedupe index, atomic writes). A second subject re-ingests the same file into
a home that already holds it, where every event is a duplicate (the exactly-once path).

The issue names no peer. For orientation only, DuckDB's `read_json` loads the same file into an
in-memory table (parsing and typing, no validation rules, no partitions, no dedupe): a reference,
not a target.
"""
import os
import shutil
import sys

from benchlib import BENCH_DIR, HOME, SCALE, Bench, Subject, ensure_home, log, reel, reel_cmd

EVENTS = int(os.environ.get("EVENTS", 2_000_000 if SCALE == "full" else 200_000))
DAYS = 10


def main():
    ensure_home()
    work = os.path.join(HOME, "events-bench")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    per_day = -(-EVENTS // DAYS)
    suffix = ".ndjson.zst" if os.environ.get("BENCH_EVENTS_ZSTD") == "1" else ".ndjson"
    source = os.path.join(work, "events" + suffix)
    log(f"preparing: {DAYS * per_day:,} synthetic events in {source}")
    reel("synth", "events", "--days", DAYS, "--per-day", per_day, "--users", 100000, "--movies", 20000,
         "--output", source, root=work, quiet=True)
    lines = DAYS * per_day

    fresh = os.path.join(work, "fresh")
    again = os.path.join(work, "again")

    def empty_home():
        shutil.rmtree(fresh, ignore_errors=True)
        os.makedirs(fresh)

    def rate(out, err, sample):
        sample["events_per_s"] = lines / sample["wall_s"]

    os.makedirs(again)
    reel("events", "ingest", "--from", source, root=again, quiet=True)  # so every event is a duplicate
    subjects = [
        Subject("reel events ingest", reel_cmd("events", "ingest", "--quiet", "--from", source, root=fresh),
                setup=empty_home, parse=rate, timeout=600),
        Subject("reel events ingest (all duplicates)", reel_cmd("events", "ingest", "--quiet", "--from", source, root=again),
                parse=rate, timeout=600),
    ]
    if suffix == ".ndjson":
        subjects.append(Subject("duckdb read_json (reference)",
                                [sys.executable, os.path.join(BENCH_DIR, "peers", "duckdb_load.py"), "json", source],
                                role="reference", parse=rate, timeout=600))
    bench = Bench("events", "reel events ingest: validated NDJSON events", [8])
    m = bench.compare(subjects)
    bench.result["data"] = {"events": lines, "file_bytes": os.path.getsize(source), "format": suffix.lstrip(".")}
    bench.target("validated ingest rate (median)", m["reel events ingest"]["events_per_s"], ">=", 500_000, "events/s", issue=8)
    if "duckdb read_json (reference)" in m:
        bench.ratio("reel ingest / duckdb read_json rate", m["reel events ingest"]["events_per_s"] /
                    m["duckdb read_json (reference)"]["events_per_s"], meaning="(> 1: Reel faster; reference only)")
    shutil.rmtree(work, ignore_errors=True)
    bench.save()


if __name__ == "__main__":
    main()
