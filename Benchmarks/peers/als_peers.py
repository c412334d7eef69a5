#!/usr/bin/env python3
"""Train the peer ALS implementations on the split `reel evaluate --export-split DIR`
wrote, and score them with Reel's metric definitions (docs/model.md).

Peers:
  spark-explicit   Spark MLlib ALS, implicitPrefs=False (same weighted-λ objective as Reel's
                   explicit mode: Spark's regParam == Reel's lambda).
  spark-implicit   Spark MLlib ALS, implicitPrefs=True, alpha == Reel's alpha (c = 1 + α·r).
                   Spark scales λ by each row's rating count in this mode too; Reel does not,
                   so pass --spark-implicit-reg to choose Spark's regParam separately.
  implicit         benfred/implicit AlternatingLeastSquares (CG). It takes the matrix value as
                   the confidence c itself, so we feed c = 1 + α·r with its alpha=1.0: the
                   objective is then exactly Reel's implicit one (unscaled λ).

Prints one JSON line per peer: metrics, fit and recommend wall/CPU seconds, load average.

Setup (not part of Reel's build; run on a quiet machine):
  pip install pyspark implicit numpy pandas scipy threadpoolctl
  OPENBLAS_NUM_THREADS=1 python3 Benchmarks/peers/als_peers.py --split /tmp/split \
      --rank 64 --iterations 10 --explicit-lambda 0.05 --implicit-lambda 20 --alpha 1

Status: the metric code and the `implicit` peer were checked against Reel on small planted data
(implicit 0.7.3; docs/model.md section 9). The Spark peers are written against pyspark 3.5's API
but have not been run yet. Not part of CI.
"""
import argparse
import json
import os
import resource
import sys
import time

import numpy as np
import pandas as pd


def load_split(directory):
    train = pd.read_csv(os.path.join(directory, "train.csv"))
    test = pd.read_csv(os.path.join(directory, "test.csv"))
    with open(os.path.join(directory, "split.json")) as f:
        meta = json.load(f)
    users = np.sort(train.userId.unique())
    movies = np.sort(train.movieId.unique())
    user_row = pd.Series(np.arange(len(users)), index=users)
    movie_row = pd.Series(np.arange(len(movies)), index=movies)
    train = train.assign(u=user_row[train.userId].values, m=movie_row[train.movieId].values)
    # Reel's export already restricts test to users and movies seen in train; keep the check.
    test = test[test.userId.isin(user_row.index) & test.movieId.isin(movie_row.index)]
    test = test.assign(u=user_row[test.userId].values, m=movie_row[test.movieId].values)
    return train, test, meta, users, movies


def ranking_metrics(user_f, movie_f, train, test, k, threshold):
    """Precision/Recall/NDCG/MAP@k and coverage with Reel's definitions: users with >= 1 relevant
    test movie (rating >= threshold); training movies excluded; precision divides by k; recall by
    |relevant|; NDCG binary gain with ideal over min(k, |relevant|); AP divides by min(k, |relevant|);
    coverage = distinct recommended / movies with a training rating."""
    relevant = test[test.rating >= threshold].groupby("u").m.apply(set)
    seen = train.groupby("u").m.apply(np.array)
    users = np.array(sorted(relevant.index))
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    sums = np.zeros(4)
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
            sums[2] += (hits * discounts[:len(hits)]).sum() / discounts[:ideal].sum()
            sums[3] += (np.cumsum(hits) / np.arange(1, len(hits) + 1) * hits).sum() / ideal
    n = max(1, len(users))
    return {"precision": sums[0] / n, "recall": sums[1] / n, "ndcg": sums[2] / n, "map": sums[3] / n,
            "coverage": len(recommended) / movie_f.shape[0], "users": int(len(users))}


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


class Timer:
    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def run_spark(train, test, n_users, n_movies, args, implicit_prefs):
    from pyspark.ml.recommendation import ALS
    from pyspark.sql import SparkSession
    spark = (SparkSession.builder.master("local[2]").appName("reel-peers")
             .config("spark.driver.memory", args.spark_memory).config("spark.ui.enabled", "false").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    df = spark.createDataFrame(train[["u", "m", "rating"]].astype({"u": "int32", "m": "int32", "rating": "float32"}))
    reg = args.explicit_lambda if not implicit_prefs else (args.spark_implicit_reg or args.implicit_lambda)
    als = ALS(rank=args.rank, maxIter=args.iterations, regParam=reg, implicitPrefs=implicit_prefs, alpha=args.alpha,
              userCol="u", itemCol="m", ratingCol="rating", seed=args.seed, coldStartStrategy="drop")
    with Timer() as fit:
        model = als.fit(df)
        model.userFactors.count()
    user_f = np.zeros((n_users, args.rank), dtype=np.float32)
    movie_f = np.zeros((n_movies, args.rank), dtype=np.float32)
    for row in model.userFactors.collect():
        user_f[row.id] = row.features
    for row in model.itemFactors.collect():
        movie_f[row.id] = row.features
    spark.stop()
    return user_f, movie_f, fit, reg


def run_implicit(train, n_users, n_movies, args):
    import scipy.sparse as sp
    from implicit.cpu.als import AlternatingLeastSquares
    confidence = (1.0 + args.alpha * train.rating.values).astype(np.float32)
    user_items = sp.csr_matrix((confidence, (train.u.values, train.m.values)), shape=(n_users, n_movies))
    model = AlternatingLeastSquares(factors=args.rank, regularization=args.implicit_lambda, alpha=1.0,
                                    iterations=args.iterations, use_cg=True, num_threads=args.threads,
                                    random_state=args.seed, calculate_training_loss=False)
    with Timer() as fit:
        model.fit(user_items, show_progress=False)
    return np.asarray(model.user_factors), np.asarray(model.item_factors), fit


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--split", required=True, help="folder written by `reel evaluate --export-split`")
    p.add_argument("--peers", default="spark-explicit,spark-implicit,implicit")
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
    args = p.parse_args()

    train, test, meta, users, movies = load_split(args.split)
    k, threshold = meta.get("k", 10), meta.get("relevantThreshold", 4.0)
    for peer in args.peers.split(","):
        record = {"peer": peer, "rank": args.rank, "iterations": args.iterations, "alpha": args.alpha,
                  "train_ratings": int(len(train)), "test_ratings": int(len(test))}
        if peer.startswith("spark"):
            implicit_prefs = peer == "spark-implicit"
            user_f, movie_f, fit, reg = run_spark(train, test, len(users), len(movies), args, implicit_prefs)
            record["lambda"] = reg
        elif peer == "implicit":
            user_f, movie_f, fit = run_implicit(train, len(users), len(movies), args)
            record["lambda"] = args.implicit_lambda
        else:
            sys.exit(f"unknown peer {peer}")
        record.update({"fit_wall_s": fit.wall, "fit_cpu_s": fit.cpu, "load_avg": os.getloadavg()[0]})
        if peer == "spark-explicit":
            record.update(rating_errors(user_f, movie_f, test))
        with Timer() as rec:
            record.update(ranking_metrics(user_f, movie_f, train, test, k, threshold))
        record["recommend_wall_s"] = rec.wall
        record["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(record, sort_keys=True), flush=True)


if __name__ == "__main__":
    main()
