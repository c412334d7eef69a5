"""`implicit` (benfred) ALS tuned on a validation grid, for bench_quality.py.

The peer gets what Reel's own choice gets: a validation split carved from the split's train part
by the same rule (quality_lib.carve_validation), a grid of rank × λ × α scored there by NDCG@10
(the evaluation's definitions, at most 8,000 seeded validation users), then the best point
refitted on the whole train part and scored on test. Confidence c = 1 + α·r fed as the matrix
value with implicit's own alpha = 1, so its objective is Reel's implicit one (unscaled λ; see
als_peers.py). CG solver, `threads` threads, OPENBLAS_NUM_THREADS=1 (set by the caller before
numpy loads).
"""
import itertools
import time

import numpy as np
import scipy.sparse as sp

from quality_lib import VALIDATION_USERS, factor_lists, per_user, sample_users

RANKS = (32, 64, 128)
LAMBDAS = (5.0, 20.0, 80.0)
ALPHAS = (0.25, 1.0, 4.0)
ITERATIONS = 15


def confidence_matrix(split, alpha, confidence="raw", half_life_days=0.0):
    """users × movies of c = 1 + α·f(r)·2^(−age / half-life), Reel's transforms (ConfidenceTransform):
    `raw` f(r) = r, `log` f(r) = ln(1 + r), `positive` only ratings ≥ 4 (f(r) = r); age from the
    newest rating kept."""
    t = split.train
    keep = t.rating.values >= 4.0 if confidence == "positive" else np.ones(len(t), dtype=bool)
    r, ts = t.rating.values[keep].astype(np.float64), t.timestamp.values[keep]
    x = np.log1p(r) if confidence == "log" else r
    if half_life_days > 0:
        x = x * np.exp2(-(ts.max() - ts) / (half_life_days * 86_400))
    c = (1.0 + alpha * x).astype(np.float32)
    return sp.csr_matrix((c, (t.u.values[keep], t.m.values[keep])), shape=(split.n_users, split.n_movies))


def fit(split, rank, lam, alpha, iterations=ITERATIONS, threads=2, seed=42, confidence="raw", half_life_days=0.0):
    from implicit.cpu.als import AlternatingLeastSquares
    user_items = confidence_matrix(split, alpha, confidence, half_life_days)
    model = AlternatingLeastSquares(factors=rank, regularization=lam, alpha=1.0, iterations=iterations, use_cg=True,
                                    num_threads=threads, random_state=seed, calculate_training_loss=False)
    model.fit(user_items, show_progress=False)
    return np.asarray(model.user_factors), np.asarray(model.item_factors)


def tune(validation, log, threads=2, seed=42):
    """Every grid point fitted on the validation split's train part and scored on its test part;
    returns (trials sorted in grid order, the best trial)."""
    users = sample_users(validation.scored, VALIDATION_USERS, seed)
    catalog = validation.movie_counts > 0
    trials = []
    for rank, lam, alpha in itertools.product(RANKS, LAMBDAS, ALPHAS):
        t0 = time.perf_counter()
        user_f, movie_f = fit(validation, rank, lam, alpha, threads=threads, seed=seed)
        lists = factor_lists(validation, user_f, movie_f, users, catalog=catalog)
        ndcg = float(per_user(validation, lists, users)["ndcg"].mean())
        trials.append({"rank": rank, "lambda": lam, "alpha": alpha, "iterations": ITERATIONS, "ndcg": ndcg,
                       "seconds": round(time.perf_counter() - t0, 2)})
        log(f"    implicit rank {rank} λ {lam:g} α {alpha:g}: validation NDCG@10 {ndcg:.4f} "
            f"({trials[-1]['seconds']:.1f} s)")
    best = max(trials, key=lambda t: (t["ndcg"], -t["rank"]))
    return trials, best


def refit_lists(split, best, threads=2, seed=42):
    """The chosen point refitted on the whole train part: lists for the split's scored users
    (`best` may also name iterations, confidence and recencyHalfLifeDays, as a Reel tuning record does)."""
    user_f, movie_f = fit(split, best["rank"], best["lambda"], best["alpha"], iterations=best.get("iterations", ITERATIONS),
                          threads=threads, seed=seed, confidence=best.get("confidence", "raw"),
                          half_life_days=best.get("recencyHalfLifeDays", 0.0))
    return factor_lists(split, user_f, movie_f, split.scored, catalog=split.movie_counts > 0)
