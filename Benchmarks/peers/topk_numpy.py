#!/usr/bin/env python3
"""The numpy peer of Reel's top-K scoring (issue 5): every user's top-K by dot product over the
same model factors, with the movies the user rated masked, the way one would write it in numpy:
OpenBLAS matmul over blocks of users (never the whole score matrix), masked entries set to -inf,
`argpartition` for the K best and a sort of those K; blocks on --threads Python threads (default
2: measured here, selection dominates and runs ~1.5x faster on both cores than on one).

Reads `model.factors` (REELFACT section file) and silver's `ratings_by_user.silver` with
numpy.memmap (Benchmarks/sectionfile.py). Factor rows are matched to silver rows by external id,
as `reel publish` does. Times the scoring only (factors already in memory), --runs times, and
prints one JSON line: samples (wall_s, cpu_s of all threads, rss_mb, load1), the BLAS in use
(threadpoolctl: library, version, kernel "architecture", threads) and the environment variables
the caller removed. With --sample-out it saves the top-K item rows (silver movie rows) of the
first --sample-users users, for comparison with the release Reel wrote.
"""
import argparse
import json
import os
import resource
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from sectionfile import SectionFile  # noqa: E402


def load(factors_path, silver_dir):
    f = SectionFile(factors_path, "REELFACT")
    rank = f.user_words[0]
    users = np.ascontiguousarray(f.array("userFactors").reshape(-1, rank))
    movies = np.ascontiguousarray(f.array("movieFactors").reshape(-1, rank))
    f_users, f_movies = f.array("userIDs"), f.array("movieIDs")
    s = SectionFile(os.path.join(silver_dir, "ratings_by_user.silver"), "REELSRUM")
    s_users, offsets, seen = s.array("userIDs"), np.asarray(s.array("userOffsets")), s.array("userMovies")
    s_movies = SectionFile(os.path.join(silver_dir, "movies.silver"), "REELSMOV").array("ids")
    # Silver movie row -> factor item index (-1: no factors), factor user row -> silver user row.
    item_of_movie = np.full(len(s_movies), -1, dtype=np.int64)
    pos = np.searchsorted(s_movies, f_movies)
    ok = (pos < len(s_movies)) & (s_movies[np.minimum(pos, len(s_movies) - 1)] == f_movies)
    item_of_movie[pos[ok]] = np.flatnonzero(ok)
    upos = np.searchsorted(s_users, f_users)
    uok = (upos < len(s_users)) & (s_users[np.minimum(upos, len(s_users) - 1)] == f_users)
    silver_row = np.where(uok, upos, -1)
    # Seen lists in factor item indexes, CSR by factor user row.
    counts = np.where(uok, offsets[np.minimum(upos + 1, len(offsets) - 1)] - offsets[np.minimum(upos, len(offsets) - 1)], 0)
    seen_offsets = np.zeros(len(f_users) + 1, dtype=np.int64)
    np.cumsum(counts, out=seen_offsets[1:])
    seen_items = np.empty(seen_offsets[-1], dtype=np.int64)
    for r in np.flatnonzero(uok):
        lo, hi = offsets[upos[r]], offsets[upos[r] + 1]
        seen_items[seen_offsets[r]:seen_offsets[r + 1]] = item_of_movie[seen[lo:hi]]
    keep = seen_items >= 0
    seen_users = np.repeat(np.arange(len(f_users)), counts)[keep]
    seen_offsets = np.searchsorted(seen_users, np.arange(len(f_users) + 1))
    movie_of_item = np.full(len(f_movies), -1, dtype=np.int64)
    movie_of_item[item_of_movie[item_of_movie >= 0]] = np.flatnonzero(item_of_movie >= 0)
    return users, movies, seen_offsets, seen_items[keep], seen_users, silver_row, movie_of_item


def top_k_all(users, movies, seen_offsets, seen_items, seen_users, k, block, threads):
    """Every user's k best items (indexes, best first) and scores; seen items excluded.

    threads == 1: blocks in turn, OpenBLAS using every core for the matmul, selection on one.
    threads > 1: blocks on that many Python threads (numpy releases the GIL in matmul and
    argpartition), OpenBLAS limited to one thread each, so the selection uses every core too."""
    n, m = users.shape[0], movies.shape[0]
    out_items = np.empty((n, k), dtype=np.int32)
    out_scores = np.empty((n, k), dtype=np.float32)
    movies_t = np.ascontiguousarray(movies.T)

    def one(start):
        stop = min(n, start + block)
        scores = users[start:stop] @ movies_t
        lo, hi = seen_offsets[start], seen_offsets[stop]
        scores[seen_users[lo:hi] - start, seen_items[lo:hi]] = -np.inf
        part = np.argpartition(scores, m - k, axis=1)[:, m - k:]
        best = np.take_along_axis(scores, part, axis=1)
        order = np.argsort(-best, axis=1, kind="stable")
        out_items[start:stop] = np.take_along_axis(part, order, axis=1)
        out_scores[start:stop] = np.take_along_axis(best, order, axis=1)

    if threads == 1:
        for start in range(0, n, block):
            one(start)
    else:
        from concurrent.futures import ThreadPoolExecutor
        from threadpoolctl import threadpool_limits
        with threadpool_limits(limits=1, user_api="blas"), ThreadPoolExecutor(threads) as pool:
            list(pool.map(one, range(0, n, block)))
    return out_items, out_scores


def blas_info():
    try:
        from threadpoolctl import threadpool_info
        return [{k: p.get(k) for k in ("internal_api", "version", "architecture", "num_threads")} for p in threadpool_info()]
    except ImportError:
        return [{"note": "threadpoolctl not installed"}]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--factors", required=True, help="model.factors (REELFACT)")
    p.add_argument("--silver", required=True, help="a silver version folder (lakehouse/silver/current)")
    p.add_argument("--k", type=int, default=100)
    p.add_argument("--block", type=int, default=1024, help="users per matmul block")
    p.add_argument("--threads", type=int, default=2, help="Python threads over blocks (1: OpenBLAS threads only)")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--sample-out", help="save the first --sample-users users' lists (silver rows) here (.npz)")
    p.add_argument("--sample-users", type=int, default=2000)
    args = p.parse_args()

    users, movies, seen_offsets, seen_items, seen_users, silver_row, movie_of_item = load(args.factors, args.silver)
    samples = []
    for i in range(args.runs):
        load_avg = os.getloadavg()[0]
        c0, t0 = time.process_time(), time.perf_counter()
        items, scores = top_k_all(users, movies, seen_offsets, seen_items, seen_users, args.k, args.block, args.threads)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        samples.append({"wall_s": wall, "cpu_s": cpu, "load1": load_avg,
                        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})
        print(f"  numpy top-{args.k} run {i + 1}/{args.runs}: {wall:.2f} s wall, {cpu:.2f} CPU-s, load {load_avg:.2f}",
              file=sys.stderr, flush=True)
    if args.sample_out:
        n = min(args.sample_users, items.shape[0])
        rows = np.where(items[:n] >= 0, movie_of_item[items[:n]], -1)
        np.savez(args.sample_out, silver_user_rows=silver_row[:n], movie_rows=rows, scores=scores[:n])
    print(json.dumps({"samples": samples, "users": int(users.shape[0]), "movies": int(movies.shape[0]),
                      "rank": int(users.shape[1]), "k": args.k, "block": args.block, "threads": args.threads, "blas": blas_info(),
                      "numpy": np.__version__}), flush=True)


if __name__ == "__main__":
    main()
