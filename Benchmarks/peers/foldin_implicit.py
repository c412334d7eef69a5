#!/usr/bin/env python3
"""The peer of the fold-in benchmark: benfred/implicit's `recommend(..., recalculate_user=True)`
on the release's own movie factors, one call per 50-rating history, timed per call.

Usage: foldin_implicit.py RELEASE BODIES.jsonl CALLS
Prints one line "IMPLICIT_JSON {...}" with the per-call latencies (median, p99, mean, µs) and calls/s
on one thread. The model is an implicit AlternatingLeastSquares with item_factors = the release's
movieFactors, λ and α from its foldInParams (implicit takes the matrix value as the confidence, so
we feed c = 1 + α·r with its alpha=1, as Benchmarks/peers/als_peers.py does); each call solves the
user's row from YᵀY (implicit caches it) and scores every movie, filtering the rated ones — the
same work as Reel's fold-in.
"""
import json
import os
import sys
import time

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from sectionfile import SectionFile  # noqa: E402


def main():
    release, bodies_path, calls = sys.argv[1], sys.argv[2], int(sys.argv[3])
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from implicit.cpu.als import AlternatingLeastSquares
    f = SectionFile(release, "REELRLSE")
    rank = f.user_words[7]
    movie_ids = np.asarray(f.array("movieIDs", "<i4"))
    factors = np.asarray(f.array("movieFactors", "<f4")).reshape(-1, rank).astype(np.float32)
    params = np.asarray(f.array("foldInParams", "<f4"))
    lam, alpha = float(params[1]), float(params[2])
    row_of = {int(m): i for i, m in enumerate(movie_ids)}
    model = AlternatingLeastSquares(factors=rank, regularization=lam, alpha=1.0, use_cg=False,
                                    num_threads=1, random_state=1)
    model.item_factors = factors
    model.user_factors = np.zeros((1, rank), dtype=np.float32)
    histories = []
    with open(bodies_path) as fh:
        for line in fh:
            body = json.loads(line)
            cols = [row_of[r["movieId"]] for r in body["ratings"] if r["movieId"] in row_of]
            conf = [1.0 + alpha * r["rating"] for r in body["ratings"] if r["movieId"] in row_of]
            histories.append(sp.csr_matrix((np.array(conf, dtype=np.float32), ([0] * len(cols), cols)),
                                           shape=(1, len(movie_ids))))
    # Warm-up (YᵀY cached, code paths loaded).
    for h in histories[:20]:
        model.recommend(0, h, N=10, recalculate_user=True, filter_already_liked_items=True)
    times = []
    for i in range(calls):
        h = histories[i % len(histories)]
        t0 = time.perf_counter()
        model.recommend(0, h, N=10, recalculate_user=True, filter_already_liked_items=True)
        times.append(time.perf_counter() - t0)
    t = np.array(times) * 1e6
    print("IMPLICIT_JSON " + json.dumps({"calls": calls, "median_us": float(np.median(t)),
                                         "p99_us": float(np.percentile(t, 99)), "mean_us": float(t.mean()),
                                         "calls_per_s": float(calls / (t.sum() / 1e6))}))


if __name__ == "__main__":
    main()
