#!/usr/bin/env python3
"""train (issue 4): ALS speed against `implicit` and Spark MLlib, and quality side by side.

Full data (the ml-25m preset's silver, 25,000,095 ratings at full scale):
  * `reel train --mode explicit --rank 64 --iterations 10` <= 60 s wall, <= 3 GB peak RSS;
  * `reel train --mode implicit` (rank 64, 10 iterations, λ 20, α 1) reported too;
  * `implicit` (benfred, 64 factors, 10 iterations, CG, 2 threads, OPENBLAS_NUM_THREADS=1) fitted
    on the same ratings (bronze ratings.csv, c = 1 + α·r: the same objective): reel/implicit.
Subset (Spark is too slow for the full set within the suite's time budget): the first users of
the preset up to BENCH_SUBSET_RATINGS ratings (2,500,000 at full scale; all of `small`):
  * `reel evaluate --export-split` on it: Reel's quality (every mode) and the split;
  * Spark MLlib ALS (local[2], explicit, same rank/λ/iterations) and `implicit` fitted on the
    split's train.csv, scored on its test.csv with Reel's metric definitions;
  * quality is the mean over seeds 42..42+BENCH_RUNS-1 on every side (Reel: one `reel evaluate`
    per seed; peers: their timed fits use those seeds): the test set is small, and a single seed
    moved explicit NDCG@10 by ±10% (docs/model.md, "Explicit ALS against Spark");
  * `reel train` (explicit and implicit) on the same train.csv (ETL'd into its own home), so the
    Spark and implicit ratios compare the same work; then once per seed, and als_peers.py scores
    those factors with the peers' code too (`--reel`), user by user (`--per-user`).
The same subset split per user, leave-last-5 (`reel evaluate --split leave-last-n`: each user's
last 5 ratings are the test; ~14,000 users with a relevant test movie instead of ~480), quality
only: `reel train` with 16 seeds, Spark explicit and `implicit` with 8 (not timed; Spark's ~40 s
fits are most of the cost), all scored by als_peers.py.

"No worse" (issue 4: Reel's ranking metrics against Spark's and `implicit`'s) is a
non-inferiority test on the leave-last-5 split. For each user scored, NDCG@10 averaged over each
side's fits; d_u = Reel's − the peer's; 95% CI = mean(d) ± 1.96·sd(d)/√users. PASS when the CI's
lower end ≥ −margin × the peer's mean NDCG@10, margin 15% for explicit ALS against Spark, 2% for
implicit ALS against `implicit`: what the split resolves (explicit ALS at the RMSE-optimal λ gets
a hit for ~1% of users; its CI is ~±7% at 16 + 8 fits, implicit's ~±0.3%), so equal algorithms
pass ~99% of runs while a true deficit of the margin or more fails ≥ 97.5% of them. The temporal
split's ratios are printed without a goal (too few users: a ratio over three seeds is a coin
toss). RMSE within 1% of Spark's is checked on the temporal split (its noise is ~0.1%).
Reel is timed as a whole process (start, reading silver, training, writing the model); the
peers' figures are the fit alone, data already in memory (Spark: in a warm JVM): conservative
for Reel. Reel's fit time alone (model.json trainSeconds) is reported next to it.
"""
import json
import math
import os
import shutil
import sys

import numpy as np

from benchlib import (BENCH_DIR, Bench, HOME, RUNS, SCALE, Subject, bronze_dir, display_command, ensure_silver,
                      fail, log, read_json, reel, reel_cmd)

SUBSET_RATINGS = int(os.environ.get("BENCH_SUBSET_RATINGS", 2_500_000 if SCALE == "full" else 10**9))
RANK, ITERATIONS, EXPLICIT_LAMBDA, IMPLICIT_LAMBDA, ALPHA, SEED = 64, 10, 0.05, 20, 1, 42
# The leave-last-5 comparison: fits per side (Spark's ~40 s each dominate) and the non-inferiority
# margins (module docstring). Explicit ALS at its RMSE-optimal λ recommends rare movies: only ~1%
# of the split's users get a hit, so its NDCG@10 (~0.0013) resolves ±7% at 16 + 8 fits, implicit's ±0.3%.
LLN_REEL_SEEDS, LLN_PEER_SEEDS = 16, 8
MARGIN = {"explicit": 0.15, "implicit": 0.02}
Z95 = 1.96
PEERS = os.path.join(BENCH_DIR, "peers", "als_peers.py")
PEER_ENV = {"OPENBLAS_NUM_THREADS": "1"}


def train_subjects(home, suffix=""):
    def fit_seconds(out, err, sample):
        sample["fit_s"] = read_json(os.path.join(home, "output", "models", "latest", "model.json"))["trainSeconds"]

    common = ["--rank", RANK, "--iterations", ITERATIONS, "--threads", 2]
    return [Subject(f"reel train explicit{suffix}", reel_cmd("train", "--quiet", "--mode", "explicit", "--lambda",
                                                            EXPLICIT_LAMBDA, *common, root=home),
                    parse=fit_seconds, timeout=900),
            Subject(f"reel train implicit{suffix}", reel_cmd("train", "--quiet", "--mode", "implicit", "--lambda",
                                                            IMPLICIT_LAMBDA, "--alpha", ALPHA, *common, root=home),
                    parse=fit_seconds, timeout=900)]


def run_peers(bench, source_args, peers, suffix, timeout, repeat=RUNS, timed=True):
    """Runs als_peers.py; records each peer's fits as a subject when `timed`; returns its JSON
    records by peer (Reel's own factors, scored by `--reel` in `source_args`, included)."""
    import subprocess
    cmd = [sys.executable, PEERS, *source_args, "--peers", ",".join(peers), "--repeat", str(repeat),
           "--rank", str(RANK), "--iterations", str(ITERATIONS), "--explicit-lambda", str(EXPLICIT_LAMBDA),
           "--implicit-lambda", str(IMPLICIT_LAMBDA), "--alpha", str(ALPHA), "--threads", "2", "--seed", str(SEED)]
    log(f"  $ {display_command(cmd, PEER_ENV)}")
    if not timed:  # no subject carries the command into the page's Commands block: say it in a note
        bench.note(f"Quality only, not timed: `{display_command(cmd, PEER_ENV)}` (Reel's factors from "
                   f"`reel train --seed S` on the split's train.csv, one per seed).")
    try:
        p = subprocess.run(cmd, env={**os.environ, **PEER_ENV}, stdout=subprocess.PIPE, stderr=None, text=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        fail(f"peers timed out after {timeout} s")
    if p.returncode != 0:
        fail(f"als_peers.py exited {p.returncode}")
    records = {}
    for line in p.stdout.splitlines():
        if line.startswith("{"):
            r = json.loads(line)
            records[r["peer"]] = r
            if not timed or not r["samples"]:
                continue
            name = {"implicit": "implicit (benfred) fit", "spark-explicit": "Spark MLlib ALS explicit fit",
                    "spark-implicit": "Spark MLlib ALS implicit fit"}[r["peer"]]
            bench.add(name + suffix, "peer", display_command(cmd, PEER_ENV), r["samples"],
                      blas=r.get("blas"), train_ratings=r["train_ratings"])
    missing = set(peers) - set(records)
    if missing:
        fail(f"als_peers.py printed no result for {sorted(missing)}")
    return records


def subset_home(name, ratings_source, limit, bronze):
    """A Reel home whose bronze ratings are the first users of `ratings_source` up to `limit`
    ratings (whole users only), with the preset's movies, tags and links; ETL'd."""
    home = os.path.join(HOME, name)
    shutil.rmtree(home, ignore_errors=True)
    target = bronze_dir(home)
    os.makedirs(target)
    count, last_user = 0, None
    with open(ratings_source) as src, open(os.path.join(target, "ratings.csv"), "w") as dst:
        dst.write(src.readline())
        for line in src:
            user = line[:line.index(",")]
            if count >= limit and user != last_user:
                break
            dst.write(line)
            count += 1
            last_user = user
    for f in ("movies.csv", "tags.csv", "links.csv"):
        shutil.copy(os.path.join(bronze, f), target)
    reel("etl", "--threads", 2, root=home, quiet=True)
    return home, count


def main():
    ensure_silver()
    bench = Bench("train", "reel train: ALS against implicit and Spark MLlib", [4])
    ratings_csv = os.path.join(bronze_dir(), "ratings.csv")

    # 1. The full data set: Reel (explicit, implicit), then implicit on the same ratings.
    log("full data: reel train explicit and implicit")
    m = bench.compare(train_subjects(HOME))
    ex, im = m["reel train explicit"], m["reel train implicit"]
    bench.target("explicit ALS rank 64 × 10 wall (median)", ex["wall_s"], "<=", 60, "s", issue=4)
    bench.target("explicit ALS peak RSS (median)", ex["rss_mb"], "<=", 3072, "MB", issue=4)
    bench.attempt("implicit on the full data", lambda: full_data_peer(bench, ratings_csv, im))
    # 2. The subset: quality of every mode and peer on one split, and Spark's speed.
    bench.attempt("Spark and quality on the subset", lambda: subset(bench, ratings_csv))
    bench.note("Spark and implicit are timed in-process, fit only (Spark: ALS.fit plus materialising both factor "
               "tables in an already warm JVM, data cached; CPU-s and RSS include the JVM); Reel as a whole `reel train` "
               "process: start, opening silver (checksums verified), initial factors, the iterations with the loss "
               "after each, writing and verifying model.factors and model.json. 'fit only' is the iterations alone.")
    bench.save()


def full_data_peer(bench, ratings_csv, im):
    log("full data: implicit (benfred)")
    records = run_peers(bench, ["--ratings", ratings_csv], ["implicit"], "", timeout=3600)
    peer = bench.subject("implicit (benfred) fit")
    bench.result["data"]["full_ratings"] = records["implicit"]["train_ratings"]
    bench.ratio("reel implicit (whole command) / implicit fit, wall", im["wall_s"] / peer["wall_s"],
                goal=("<=", 1.0), issue=4, meaning="(< 1: Reel faster; goal: no slower than implicit)")
    bench.ratio("reel implicit fit / implicit fit, wall", im["fit_s"] / peer["wall_s"], meaning="(fit only, both)")


def reel_quality(home, split):
    """`reel evaluate` once per seed SEED..SEED+RUNS-1 (the peers' fits use the same seeds), the
    first also exporting the split; returns the first report with each mode's metrics replaced by
    their mean over the seeds (the test set is small: one seed moves explicit NDCG@10 by ±10%)."""
    reports = []
    for i in range(RUNS):
        extra = ["--export-split", split] if i == 0 else []
        reports.append(json.loads(reel("evaluate", "--rank", RANK, "--iterations", ITERATIONS, "--explicit-lambda",
                                       EXPLICIT_LAMBDA, "--implicit-lambda", IMPLICIT_LAMBDA, "--alpha", ALPHA,
                                       "--threads", 2, "--seed", SEED + i, "--json", *extra, root=home, quiet=True)))
    report = reports[0]
    for j, r in enumerate(report["results"]):
        for c in ("rmse", "mae", "precision", "recall", "ndcg", "map", "coverage"):
            if r.get(c) is not None:
                r[c] = sum(rep["results"][j][c] for rep in reports) / len(reports)
    return report


# Reel's mode -> the peer it is held against (als_peers.py's name, the table's name, a short name).
PAIRS = (("explicit", "spark-explicit", "Spark MLlib ALS explicit", "Spark"),
         ("implicit", "implicit", "implicit (benfred)", "implicit"))


def reel_fits(home, seeds):
    """`reel train` of both modes once per seed on `home` (a split's train.csv, ETL'd), each
    model.factors linked as <home>/seed-factors/<mode>-<seed>.factors; returns als_peers.py's
    --reel arguments naming them, so that one scoring code (the peers') scores every side."""
    folder = os.path.join(home, "seed-factors")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    modes = (("explicit", ["--lambda", EXPLICIT_LAMBDA]), ("implicit", ["--lambda", IMPLICIT_LAMBDA, "--alpha", ALPHA]))
    for seed in seeds:
        for mode, extra in modes:
            reel("train", "--mode", mode, *extra, "--rank", RANK, "--iterations", ITERATIONS, "--threads", 2,
                 "--seed", seed, root=home, quiet=True)
            os.symlink(os.path.realpath(os.path.join(home, "output", "models", "latest", "model.factors")),
                       os.path.join(folder, f"{mode}-{seed}.factors"))
    return [arg for mode, _ in modes for arg in ("--reel", f"{mode}={folder}/{mode}-*.factors")]


def seed_stats(record):
    """NDCG@10 of a side: mean over its fits and the standard error of that mean (across fits)."""
    v = np.array([s["ndcg"] for s in record["per_seed"]])
    return v.mean(), (v.std(ddof=1) / math.sqrt(len(v)) if len(v) > 1 else float("nan")), len(v)


def paired(per_user, reel_key, peer_key):
    """Per-user NDCG@10 of Reel minus the peer's, each user's value averaged over each side's
    fits (so the seed noise of every user is in the spread): mean difference and the half-width
    of its 95% confidence interval (normal approximation, mean ± 1.96·sd/√users)."""
    d = per_user[reel_key].mean(axis=0) - per_user[peer_key].mean(axis=0)
    return d.mean(), Z95 * d.std(ddof=1) / math.sqrt(len(d)), len(d)


def compare_split(split_name, records, per_user_file, side_rows, pair_rows):
    """Adds one split's rows to the side-by-side and paired tables (cells formatted here: explicit
    NDCG@10 is ~0.001 on one split); returns by Reel mode (Reel's mean, peer's mean, mean
    difference, CI half-width)."""
    per_user = np.load(per_user_file)
    out = {}
    for mode, peer, peer_name, _ in PAIRS:
        for key, name in ((f"reel-{mode}", f"Reel {mode} ALS"), (peer, peer_name)):
            r = records[key]
            mean, se, fits = seed_stats(r)
            rmse = "—" if r.get("rmse") is None else f"{r['rmse']:.4f}"
            side_rows.append([split_name, name, str(fits), f"{r['users']:,}", rmse]
                             + [f"{v:.6f}" for v in (r["precision"], mean, se, r["map"])])
        reel_mean, peer_mean = records[f"reel-{mode}"]["ndcg"], records[peer]["ndcg"]
        diff, half, users = paired(per_user, f"reel-{mode}", peer)
        pair_rows.append([split_name, f"Reel {mode} − {peer_name}", f"{users:,}", f"{reel_mean:.6f}",
                          f"{peer_mean:.6f}", f"{diff:+.6f}", f"[{diff - half:+.6f}, {diff + half:+.6f}]",
                          f"[{(diff - half) / peer_mean:+.1%}, {(diff + half) / peer_mean:+.1%}]"])
        out[mode] = (reel_mean, peer_mean, diff, half)
    return out


def subset(bench, ratings_csv):
    log("subset: first users up to " + (f"{SUBSET_RATINGS:,} ratings" if SUBSET_RATINGS < 10**9 else "the end (all)"))
    sub, sub_count = subset_home("train-subset", ratings_csv, SUBSET_RATINGS, bronze_dir())
    split, lln = os.path.join(sub, "split"), os.path.join(sub, "split-lln")
    report = reel_quality(sub, split)
    train_home, train_count = subset_home("train-subset-split", os.path.join(split, "train.csv"), 10**12, bronze_dir())
    log("subset: reel train on the split's train.csv")
    ms = bench.compare(train_subjects(train_home, " (subset train split)"))
    log("subset: reel train per seed, then Spark MLlib ALS and implicit on the split")
    seeds = range(SEED, SEED + RUNS)
    per_user_t = os.path.join(sub, "per-user-temporal.npz")
    peers = run_peers(bench, ["--split", split, *reel_fits(train_home, seeds), "--per-user", per_user_t],
                      ["spark-explicit", "implicit"], " (subset train split)", timeout=3600)
    spark = bench.subject("Spark MLlib ALS explicit fit (subset train split)")
    sub_peer = bench.subject("implicit (benfred) fit (subset train split)")
    rex, rim = ms["reel train explicit (subset train split)"], ms["reel train implicit (subset train split)"]
    bench.result["data"].update({"subset_ratings": sub_count, "subset_train_ratings": train_count,
                                 "subset_test_ratings": peers["spark-explicit"]["test_ratings"]})
    bench.ratio("Spark explicit fit / reel train explicit (whole command), wall, subset", spark["wall_s"] / rex["wall_s"],
                goal=(">=", 10.0), issue=4, meaning="(speed-up over Spark; goal >= 10)")
    bench.ratio("Spark explicit fit / reel explicit fit only, wall, subset", spark["wall_s"] / rex["fit_s"],
                meaning="(fit only, both: Reel's iterations from model.json)")
    bench.ratio("Spark explicit fit / reel train explicit (whole command), CPU-s, subset", spark["cpu_s"] / rex["cpu_s"],
                meaning="(CPU-seconds: less sensitive to the shared machine's load)")
    bench.ratio("reel implicit / implicit fit, wall, subset", rim["wall_s"] / sub_peer["wall_s"],
                meaning="(< 1: Reel faster)")

    # The same subset split per user (leave-last-n): ~30x the temporal split's scored users.
    log(f"subset: leave-last-n split; reel train × {LLN_REEL_SEEDS} seeds, Spark and implicit × {LLN_PEER_SEEDS}")
    reel("evaluate", "--split", "leave-last-n", "--rank", RANK, "--iterations", 1, "--threads", 2, "--no-tune-blend",
         "--export-split", lln, root=sub, quiet=True)
    lln_home, lln_train = subset_home("train-subset-lln", os.path.join(lln, "train.csv"), 10**12, bronze_dir())
    per_user_l = os.path.join(sub, "per-user-lln.npz")
    peers_lln = run_peers(bench, ["--split", lln, *reel_fits(lln_home, range(SEED, SEED + LLN_REEL_SEEDS)),
                                  "--per-user", per_user_l],
                          ["spark-explicit", "implicit"], "", timeout=3600, repeat=LLN_PEER_SEEDS, timed=False)
    bench.result["data"].update({"subset_lln_train_ratings": lln_train,
                                 "subset_lln_test_ratings": peers_lln["spark-explicit"]["test_ratings"]})

    # Quality of every Reel mode (reel evaluate) on the temporal split.
    cols = ["rmse", "mae", "precision", "recall", "ndcg", "map", "coverage"]
    rows = []
    for r in report["results"]:
        rows.append(["Reel " + r["mode"] + (" (default)" if r["mode"] == report.get("defaultMode") else "")]
                    + [r.get(c) for c in cols])
    for name, key in (("Spark MLlib ALS explicit", "spark-explicit"), ("implicit (benfred)", "implicit")):
        rows.append([name] + [peers[key].get(c) for c in cols])
    bench.table(f"Quality on the subset's temporal split (rank {RANK}, {ITERATIONS} iterations; relevant = rating ≥ 4; "
                f"@10; mean of seeds {SEED}–{SEED + RUNS - 1}; Reel's rows from `reel evaluate`)",
                ["model"] + ["RMSE", "MAE", "P@10", "R@10", "NDCG@10", "MAP@10", "coverage"], rows)
    by_mode = {r["mode"]: r for r in report["results"]}

    # Reel against the peers: Reel's `reel train` factors scored by the peers' code, both splits.
    side_rows, pair_rows = [], []
    temporal = compare_split("temporal", peers, per_user_t, side_rows, pair_rows)
    lln_stats = compare_split("leave-last-5", peers_lln, per_user_l, side_rows, pair_rows)
    bench.table("Reel against the peers, every side scored by als_peers.py (Reel: `reel train` on the split's "
                "train.csv, one fit per seed from 42); NDCG@10 = mean over the fits ± its standard error across fits",
                ["split", "model", "fits", "users scored", "RMSE", "P@10", "NDCG@10", "± SE", "MAP@10"], side_rows)
    bench.table("Paired per-user NDCG@10, Reel − peer (each user's NDCG averaged over each side's fits; "
                "95% CI = mean ± 1.96·sd/√users)",
                ["split", "comparison", "users", "Reel", "peer", "Reel − peer", "95% CI", "95% CI / peer"], pair_rows)
    bench.ratio("reel explicit RMSE / Spark explicit RMSE",
                peers["reel-explicit"]["rmse"] / peers["spark-explicit"]["rmse"],
                goal=("<=", 1.01), issue=4, meaning="(temporal split; goal: within 1%)")
    bench.ratio("reel explicit RMSE / Spark explicit RMSE, leave-last-5",
                peers_lln["reel-explicit"]["rmse"] / peers_lln["spark-explicit"]["rmse"], meaning="(per-user split)")
    for mode, _, _, peer_name in PAIRS:
        reel_mean, peer_mean, _, _ = temporal[mode]
        bench.ratio(f"reel {mode} NDCG@10 / {peer_name} NDCG@10, temporal", reel_mean / peer_mean,
                    meaning=f"(means over {RUNS} fits a side, {peers[f'reel-{mode}']['users']} users: too few for "
                            "a goal)")
        reel_mean, peer_mean, diff, half = lln_stats[mode]
        bench.ratio(f"reel {mode} NDCG@10 / {peer_name} NDCG@10, leave-last-5", reel_mean / peer_mean,
                    meaning="(means; the goal is on the paired CI below)")
        bench.ratio(f"{mode} NDCG@10, leave-last-5: paired 95% CI of (reel − {peer_name}) / {peer_name}, lower end",
                    (diff - half) / peer_mean, goal=(">=", -MARGIN[mode]), issue=4,
                    meaning=f"(goal: no worse: the CI lies above -{MARGIN[mode]:.0%})")
    bench.ratio("reel default mode NDCG@10 / popular NDCG@10", by_mode[report["defaultMode"]]["ndcg"] / by_mode["popular"]["ndcg"],
                goal=(">", 1.0), issue=4, meaning="(ALS must beat popularity clearly on synth data)")
    bench.note("\"No worse\" (issue 4) is judged on the leave-last-5 split of the subset (the last 5 ratings of "
               "every user are the test; ~14,000 users with a relevant test movie, against ~480 in the temporal "
               "split, where one seed moves explicit NDCG@10 by ±10%): PASS when the paired per-user 95% CI of "
               "NDCG@10 (Reel − peer), relative to the peer's mean, lies above −15% for explicit ALS against Spark "
               "and above −2% for implicit ALS against `implicit`. The margins are what the split resolves: explicit "
               "ALS at its RMSE-optimal λ recommends rare movies and only ~1% of users get a hit (NDCG@10 ~0.0013), "
               "so with 16 Reel and 8 Spark fits the CI is about ±7%: equal algorithms pass ~99% of runs and a true "
               "deficit of 15% or more fails ≥ 97.5% of them; implicit's CI is about ±0.3%. The temporal split's "
               "figures are reported without a goal (docs/model.md, \"Explicit ALS against Spark\").")
    if SCALE == "full":
        bench.note(f"Spark MLlib runs on a subset only: the first users of the ml-25m preset up to "
                   f"{SUBSET_RATINGS:,} ratings ({sub_count:,} ratings, {train_count:,} in the split's train part); "
                   "on the full 25 M ratings it would take several minutes a fit (the issue measured 80–105 s per "
                   "fit at 5 M ratings), beyond the suite's time budget.")


if __name__ == "__main__":
    main()
