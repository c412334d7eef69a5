#!/usr/bin/env python3
"""Train the peer ALS implementations on the data Reel trains on, time their fits, and score them
with Reel's metric definitions (docs/model.md).

Input, one of:
  --split DIR     a split written by `reel evaluate --export-split DIR` (train.csv, test.csv,
                  split.json): fit on train, then score on test (quality side by side).
  --ratings CSV   a ratings.csv (userId,movieId,rating,timestamp): fit only (speed on the full
                  data set, no metrics).

Peers:
  spark-explicit   Spark MLlib ALS, implicitPrefs=False (same weighted-λ objective as Reel's
                   explicit mode: Spark's regParam == Reel's lambda).
  spark-implicit   Spark MLlib ALS, implicitPrefs=True, alpha == Reel's alpha (c = 1 + α·r).
                   Spark scales λ by each row's rating count in this mode too; Reel does not,
                   so pass --spark-implicit-reg to choose Spark's regParam separately.
  implicit         benfred/implicit AlternatingLeastSquares (CG). It takes the matrix value as
                   the confidence c itself, so we feed c = 1 + α·r with its alpha=1.0: the
                   objective is then exactly Reel's implicit one (unscaled λ).

Reel itself (no fit here): --reel explicit=F1,F2,... (files or globs; implicit=... likewise)
scores the model.factors files that `reel train` wrote on the split's train.csv (one per seed)
with the same code, as peers reel-explicit and reel-implicit: every side's metrics come from
one implementation.
--per-user FILE.npz also saves each fit's per-user NDCG@k (users with a relevant test movie,
`users`: their external ids; `<peer>`: fits x users) for a paired comparison.

Each peer is fitted --repeat times in one process (data loaded once, untimed), fit i with seed
--seed + i; a fit's time is the fit alone (Spark: `ALS.fit` + materialising the factors, in a warm
JVM; its CPU seconds and peak RSS are the JVM's plus Python's). Each fit is scored after its
timing; the metrics printed are the mean over the fits (one seed decides too much on a small
test set: explicit NDCG@10 spans 0.0071-0.0095 over 8 Spark seeds), with each fit's in
`per_seed`. Prints one JSON line per peer: samples (wall_s, cpu_s, rss_mb, load1), metrics, params.

  pip install -r Benchmarks/requirements.txt
  OPENBLAS_NUM_THREADS=1 python3 Benchmarks/peers/als_peers.py --split /tmp/split \\
      --rank 64 --iterations 10 --explicit-lambda 0.05 --implicit-lambda 20 --alpha 1
"""
import argparse
import glob
import json
import os
import resource
import sys
import time

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from procstat import cpu_seconds, memory_mb  # noqa: E402
from sectionfile import SectionFile  # noqa: E402


def load_split(directory):
    train = pd.read_csv(os.path.join(directory, "train.csv"))
    test = pd.read_csv(os.path.join(directory, "test.csv"))
    with open(os.path.join(directory, "split.json")) as f:
        meta = json.load(f)
    train, test, users, movies = index(train, test)
    return train, test, meta, users, movies


def load_ratings(path):
    train = pd.read_csv(path, usecols=["userId", "movieId", "rating"],
                        dtype={"userId": np.int32, "movieId": np.int32, "rating": np.float32})
    train, _, users, movies = index(train, None)
    return train, users, movies


def index(train, test):
    """Dense rows u, m (ascending external ids, as Reel's) for train and, restricted to them, test."""
    users = np.sort(train.userId.unique())
    movies = np.sort(train.movieId.unique())
    train = train.assign(u=np.searchsorted(users, train.userId.values), m=np.searchsorted(movies, train.movieId.values))
    if test is not None:
        # Reel's export already restricts test to users and movies seen in train; keep the check.
        test = test[test.userId.isin(users) & test.movieId.isin(movies)]
        test = test.assign(u=np.searchsorted(users, test.userId.values), m=np.searchsorted(movies, test.movieId.values))
    return train, test, users, movies


def ranking_metrics(user_f, movie_f, train, test, k, threshold):
    """Precision/Recall/NDCG/MAP@k and coverage with Reel's definitions: users with >= 1 relevant
    test movie (rating >= threshold); training movies excluded; precision divides by k; recall by
    |relevant|; NDCG binary gain with ideal over min(k, |relevant|); AP divides by min(k, |relevant|);
    coverage = distinct recommended / movies with a training rating. `ndcg_per_user` holds each
    scored user's NDCG (users in ascending row order)."""
    relevant = test[test.rating >= threshold].groupby("u").m.apply(set)
    seen = train.groupby("u").m.apply(np.array)
    users = np.array(sorted(relevant.index))
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    sums = np.zeros(4)
    per_user = np.zeros(len(users))
    recommended = set()
    for start in range(0, len(users), 1024):
        batch = users[start:start + 1024]
        scores = user_f[batch] @ movie_f.T
        for i, u in enumerate(batch):
            scores[i, seen[u]] = -np.inf
        for i, u in enumerate(batch):
            order = top_k(scores[i], k)
            rel = relevant[u]
            hits = np.array([m in rel for m in order], dtype=float)
            recommended.update(order)
            ideal = min(k, len(rel))
            sums[0] += hits.sum() / k
            sums[1] += hits.sum() / len(rel)
            per_user[start + i] = (hits * discounts[:len(hits)]).sum() / discounts[:ideal].sum()
            sums[2] += per_user[start + i]
            sums[3] += (np.cumsum(hits) / np.arange(1, len(hits) + 1) * hits).sum() / ideal
    n = max(1, len(users))
    return {"precision": sums[0] / n, "recall": sums[1] / n, "ndcg": sums[2] / n, "map": sums[3] / n,
            "coverage": len(recommended) / movie_f.shape[0], "users": int(len(users)), "ndcg_per_user": per_user}


def top_k(row, k):
    """The k best entries of `row`, best first, ties to the lower index (Reel's order, including
    at the k-th place, where argpartition alone would pick arbitrarily); -inf entries never."""
    if row.shape[0] > k:
        kth = row[np.argpartition(-row, k - 1)[:k]].min()
    else:
        kth = row.min()
    above = np.flatnonzero(row > kth)
    equal = np.flatnonzero(row == kth) if np.isfinite(kth) else np.array([], dtype=np.int64)
    chosen = np.concatenate([above, equal[:max(0, k - len(above))]])
    return chosen[np.lexsort((chosen, -row[chosen]))][:k]


def rating_errors(user_f, movie_f, test):
    pred = np.einsum("ij,ij->i", user_f[test.u.values], movie_f[test.m.values])
    err = test.rating.values - pred
    return {"rmse": float(np.sqrt(np.mean(err ** 2))), "mae": float(np.mean(np.abs(err)))}


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class ProcessClock:
    """CPU seconds and peak RSS of this process plus, for Spark, its JVM (a child process whose
    CPU time Python's own clocks do not see)."""

    def __init__(self, pid=None):
        self.pid = pid

    def cpu(self):
        return time.process_time() + (cpu_seconds([self.pid]) if self.pid else 0)

    def rss(self):
        return rss_mb() + (memory_mb([self.pid], "VmHWM") if self.pid else 0)


def timed_fits(fit, clock, repeat, label, score=None):
    """Calls `fit(i)` for i in 0..<repeat and, outside the timing, `score(result)` when given;
    returns (samples, the scores)."""
    samples, scores = [], []
    for i in range(repeat):
        load = os.getloadavg()[0]
        c0, t0 = clock.cpu(), time.perf_counter()
        result = fit(i)
        wall, cpu = time.perf_counter() - t0, clock.cpu() - c0
        samples.append({"wall_s": wall, "cpu_s": cpu, "rss_mb": clock.rss(), "load1": load})
        print(f"  {label} fit {i + 1}/{repeat}: {wall:.2f} s wall, {cpu:.2f} CPU-s, load {load:.2f}",
              file=sys.stderr, flush=True)
        if score:
            scores.append(score(result))
    return samples, scores


def mean_metrics(scores):
    """The mean of each metric over the fits' scores, and the scores themselves."""
    if not scores:
        return {}
    keys = [k for k, v in scores[0].items() if isinstance(v, float)]
    out = {k: float(np.mean([s[k] for s in scores])) for k in keys}
    out.update({k: v for k, v in scores[0].items() if k not in keys})
    out["per_seed"] = scores
    return out


def run_spark(train_csv, users, movies, args, implicit_prefs, score):
    """Spark reads the ratings CSV itself (external ids are Spark's ids) and fits --repeat times;
    `score(user_f, movie_f)` (or None) scores each fit's factors in Reel's row order."""
    from pyspark.ml.recommendation import ALS
    from pyspark.sql import SparkSession
    from pyspark.sql.types import FloatType, IntegerType, LongType, StructField, StructType
    spark = (SparkSession.builder.master("local[2]").appName("reel-peers")
             .config("spark.driver.memory", args.spark_memory).config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.shuffle.partitions", "4").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    schema = StructType([StructField("userId", IntegerType()), StructField("movieId", IntegerType()),
                         StructField("rating", FloatType()), StructField("timestamp", LongType())])
    df = spark.read.csv(train_csv, header=True, schema=schema).select("userId", "movieId", "rating").cache()
    df.count()
    reg = args.explicit_lambda if not implicit_prefs else (args.spark_implicit_reg or args.implicit_lambda)
    als = ALS(rank=args.rank, maxIter=args.iterations, regParam=reg, implicitPrefs=implicit_prefs, alpha=args.alpha,
              userCol="userId", itemCol="movieId", ratingCol="rating", seed=args.seed, coldStartStrategy="drop")

    def fit(i):
        model = als.setSeed(args.seed + i).fit(df)
        model.userFactors.count()
        model.itemFactors.count()
        return model

    def factors(model):
        user_f = np.zeros((len(users), args.rank), dtype=np.float32)
        movie_f = np.zeros((len(movies), args.rank), dtype=np.float32)
        for row in model.userFactors.collect():
            user_f[np.searchsorted(users, row.id)] = row.features
        for row in model.itemFactors.collect():
            movie_f[np.searchsorted(movies, row.id)] = row.features
        return score(user_f, movie_f)

    clock = ProcessClock(spark.sparkContext._gateway.proc.pid)
    samples, scores = timed_fits(fit, clock, args.repeat, "spark-implicit" if implicit_prefs else "spark-explicit",
                                 factors if score else None)
    spark.stop()
    return samples, scores, reg


def run_implicit(train, n_users, n_movies, args, score):
    import scipy.sparse as sp
    from implicit.cpu.als import AlternatingLeastSquares
    confidence = (1.0 + args.alpha * train.rating.values).astype(np.float32)
    user_items = sp.csr_matrix((confidence, (train.u.values, train.m.values)), shape=(n_users, n_movies))

    def fit(i):
        model = AlternatingLeastSquares(factors=args.rank, regularization=args.implicit_lambda, alpha=1.0,
                                        iterations=args.iterations, use_cg=True, num_threads=args.threads,
                                        random_state=args.seed + i, calculate_training_loss=False)
        model.fit(user_items, show_progress=False)
        return model

    def factors(model):
        return score(np.asarray(model.user_factors), np.asarray(model.item_factors))

    return timed_fits(fit, ProcessClock(), args.repeat, "implicit", factors if score else None)


def reel_factors(path, users, movies):
    """A model.factors written by `reel train` as (user_f, movie_f) in this split's row order
    (rows Reel has no factors for stay zero, as Reel scores them)."""
    f = SectionFile(path, "REELFACT")
    rank = f.user_words[0]

    def rows(ids, name):
        out = np.zeros((len(ids), rank), dtype=np.float32)
        theirs = np.asarray(f.array(name + "IDs"))
        pos = np.searchsorted(ids, theirs)
        ok = (pos < len(ids)) & (ids[np.minimum(pos, len(ids) - 1)] == theirs)
        out[pos[ok]] = np.asarray(f.array(name + "Factors")).reshape(-1, rank)[ok]
        return out

    return rows(users, "user"), rows(movies, "movie")


def blas_info():
    try:
        from threadpoolctl import threadpool_info
        return [{k: p.get(k) for k in ("internal_api", "version", "architecture", "num_threads")} for p in threadpool_info()]
    except ImportError:
        return []


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--split", help="folder written by `reel evaluate --export-split`")
    src.add_argument("--ratings", help="a ratings.csv to fit on (timing only, no metrics)")
    p.add_argument("--peers", default="spark-explicit,spark-implicit,implicit")
    p.add_argument("--repeat", type=int, default=1,
                   help="fits per peer, fit i with seed --seed + i (timing: the median; metrics: the mean)")
    p.add_argument("--rank", type=int, default=64)
    p.add_argument("--iterations", type=int, default=10)
    p.add_argument("--explicit-lambda", type=float, default=0.05)
    p.add_argument("--implicit-lambda", type=float, default=20.0)
    p.add_argument("--spark-implicit-reg", type=float, default=None,
                   help="Spark regParam for implicit mode (Spark scales it by each row's count)")
    p.add_argument("--alpha", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--spark-memory", default="8g")
    p.add_argument("--reel", action="append", default=[], metavar="MODE=F1,F2,...",
                   help="score Reel's model.factors files (explicit or implicit mode; one per seed; globs "
                        "allowed) as reel-MODE")
    p.add_argument("--per-user", help="save each fit's per-user NDCG@k to this .npz")
    args = p.parse_args()

    if args.split:
        train, test, meta, users, movies = load_split(args.split)
        train_csv = os.path.join(args.split, "train.csv")
        k, threshold = meta.get("k", 10), meta.get("relevantThreshold", 4.0)
    else:
        train, users, movies = load_ratings(args.ratings)
        test, train_csv = None, args.ratings
    reel_files = {"reel-" + mode: [f for item in files.split(",") for f in sorted(glob.glob(item)) or [item]]
                  for mode, files in (r.split("=", 1) for r in args.reel)}
    if reel_files and test is None:
        sys.exit("--reel needs --split")
    per_user = {}
    for peer in [p for p in args.peers.split(",") if p] + list(reel_files):
        record = {"peer": peer, "rank": args.rank, "iterations": args.iterations, "alpha": args.alpha,
                  "threads": args.threads, "train_ratings": int(len(train)),
                  "test_ratings": int(len(test)) if test is not None else 0,
                  "seeds": [args.seed + i for i in range(args.repeat)]}

        def score(user_f, movie_f, errors=peer in ("spark-explicit", "reel-explicit"), peer=peer):
            metrics = rating_errors(user_f, movie_f, test) if errors else {}
            metrics.update(ranking_metrics(user_f, movie_f, train, test, k, threshold))
            per_user.setdefault(peer, []).append(metrics.pop("ndcg_per_user"))
            return metrics

        scorer = score if test is not None else None
        if peer in reel_files:
            samples, scores = [], [score(*reel_factors(f, users, movies)) for f in reel_files[peer]]
            record["seeds"], record["files"] = None, reel_files[peer]
        elif peer.startswith("spark"):
            samples, scores, record["lambda"] = run_spark(train_csv, users, movies, args, peer == "spark-implicit", scorer)
        elif peer == "implicit":
            samples, scores = run_implicit(train, len(users), len(movies), args, scorer)
            record["lambda"] = args.implicit_lambda
            record["blas"] = blas_info()
        else:
            sys.exit(f"unknown peer {peer}")
        record["samples"] = samples
        record.update(mean_metrics(scores))
        print(json.dumps(record, sort_keys=True), flush=True)
    if args.per_user and per_user:
        scored = np.array(sorted(test[test.rating >= threshold].u.unique()), dtype=np.int64)
        np.savez(args.per_user, users=users[scored], **{p: np.array(v) for p, v in per_user.items()})


if __name__ == "__main__":
    main()
