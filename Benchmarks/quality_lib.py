"""Per-user ranking quality for bench_quality.py, with the definitions of `reel evaluate`
(docs/model.md, section 5): the split exported by `reel evaluate --export-split`, the validation
split carved from its train part by the same rule, the baselines (all-time popularity and
trending 24h / 7d / 30d with the ETL's decay), the ranking metrics user by user, and paired 95%
confidence intervals. numpy only; every list any side produces is scored by this one code.
"""
import json
import math
import os

import numpy as np
import pandas as pd

# Trending windows: the evaluation's PopularityAccumulator (weight 1 per rating, an event of age a
# inside window W counts 2^(−a / (W / 4)); "now" is the split's cutTime).
WINDOWS = (("trending-24h", 86_400), ("trending-7d", 7 * 86_400), ("trending-30d", 30 * 86_400))
BASELINES = ("popular",) + tuple(name for name, _ in WINDOWS)
# The evaluation's validation carve: fewer than this many users with a relevant validation rating
# widens the temporal cut (0.7, 0.6, 0.5 of train) and then falls back to the per-user rule.
MIN_VALIDATION_USERS = 500
VALIDATION_USERS = 8_000   # users scored on validation at most (evaluation.validation_users)


class Split:
    """One train/test split in dense rows: users and movies are the ones with a training rating
    (ascending external ids, Reel's row order); test keeps pairs whose user and movie are known."""

    def __init__(self, train, test, k=10, threshold=4.0, cut=None, rule="temporal", holdout=0, fraction=0.8):
        self.users = np.sort(train.userId.unique())
        self.movies = np.sort(train.movieId.unique())
        self.train = train.assign(u=np.searchsorted(self.users, train.userId.values),
                                  m=np.searchsorted(self.movies, train.movieId.values))
        test = test[test.userId.isin(self.users) & test.movieId.isin(self.movies)]
        self.test = test.assign(u=np.searchsorted(self.users, test.userId.values),
                                m=np.searchsorted(self.movies, test.movieId.values))
        self.k, self.threshold, self.rule, self.holdout, self.fraction = k, threshold, rule, holdout, fraction
        self.cut = int(cut if cut is not None else self.train.timestamp.max())
        self.n_users, self.n_movies = len(self.users), len(self.movies)
        order = np.lexsort((self.train.m.values, self.train.u.values))
        self.seen_u = self.train.u.values[order]
        self.seen_m = self.train.m.values[order].astype(np.int64)
        self.seen_offsets = np.searchsorted(self.seen_u, np.arange(self.n_users + 1))
        rel = self.test[self.test.rating >= threshold]
        self.rel_keys = np.unique(rel.u.values.astype(np.int64) * self.n_movies + rel.m.values)
        counts = np.bincount(rel.u.values, minlength=self.n_users)
        self.scored = np.flatnonzero(counts > 0)           # users with >= 1 relevant test movie
        self.relevant_count = counts
        self.movie_counts = np.bincount(self.train.m.values, minlength=self.n_movies)

    def seen(self, u):
        return self.seen_m[self.seen_offsets[u]:self.seen_offsets[u + 1]]


def load_export(directory):
    """The split `reel evaluate --export-split DIR` wrote (train.csv, test.csv, split.json)."""
    dtypes = {"userId": np.int64, "movieId": np.int64, "rating": np.float32, "timestamp": np.int64}
    train = pd.read_csv(os.path.join(directory, "train.csv"), dtype=dtypes)
    test = pd.read_csv(os.path.join(directory, "test.csv"), dtype=dtypes)
    with open(os.path.join(directory, "split.json")) as f:
        meta = json.load(f)
    rule = "leave-last-n" if meta["split"] in ("leave-last-n", "leaveLastN") else "temporal"
    return Split(train, test, k=meta.get("k", 10), threshold=meta.get("relevantThreshold", 4.0),
                 cut=meta["cutTime"], rule=rule, holdout=meta.get("holdout", 5), fraction=meta.get("fraction", 0.8)), meta


# ---------------------------------------------------------------------------------------------
# Splitting (the evaluation's rules, applied to a split's train part to carve validation)

def temporal_cut(times, fraction):
    s = np.sort(times)
    return int(s[min(len(s) - 1, max(0, int(fraction * len(s))))])


def split_frame(ratings, rule, fraction=0.8, holdout=5):
    """(train, test, cut) of a ratings frame by the evaluation's rule: temporal = strictly before
    the `fraction` quantile of the timestamps (ties at the cut in test); leave-last-n = each
    user's newest `holdout` ratings by (timestamp, movie) when they have more than that."""
    if rule == "temporal":
        cut = temporal_cut(ratings.timestamp.values, fraction)
        is_test = ratings.timestamp.values >= cut
    else:
        r = ratings.sort_values(["userId", "timestamp", "movieId"], kind="stable")
        from_end = r.groupby("userId").cumcount(ascending=False).values
        sizes = r.groupby("userId").userId.transform("size").values
        mask = (from_end < holdout) & (sizes > holdout)
        ratings, is_test = r, mask
        cut = int(r.timestamp.values[~mask].max())
    return ratings[~is_test], ratings[is_test], cut


def carve_validation(split):
    """The validation split carved from `split`'s train part by the same rule (temporal at
    `fraction` of train, widened to 0.7, 0.6, 0.5 and then the per-user rule with `holdout` when
    fewer than 500 users have a relevant rating, as `ValidationCarve` does); returns (Split, note)."""
    train = split.train[["userId", "movieId", "rating", "timestamp"]]
    tries = ([("temporal", f) for f in (split.fraction, 0.7, 0.6, 0.5)] if split.rule == "temporal" else [])
    tries.append(("leave-last-n", split.fraction))
    note = ""
    for rule, fraction in tries:
        vtrain, vtest, cut = split_frame(train, rule, fraction, split.holdout or 5)
        v = Split(vtrain, vtest, split.k, split.threshold, cut, rule, split.holdout or 5, fraction)
        if len(v.scored) >= MIN_VALIDATION_USERS or rule == "leave-last-n":
            if (rule, fraction) != tries[0]:
                note = f"widened to {rule}" + (f" {fraction}" if rule == "temporal" else "")
            return v, note
    raise AssertionError("unreachable")


# ---------------------------------------------------------------------------------------------
# Lists

def global_ranking(split, window=None):
    """Movie rows by all-time count (`window` None) or by the window's decayed count ending at the
    cut, ties by all-time count then row (GlobalRankingRecommender)."""
    counts = split.movie_counts.astype(np.float64)
    if window is None:
        score = counts
    else:
        age = split.cut - split.train.timestamp.values
        inside = (age >= 0) & (age < window)
        decay = np.exp2(-age[inside] / (window * 0.25))
        score = np.bincount(split.train.m.values[inside], weights=decay, minlength=split.n_movies).astype(np.float32)
        score = score / score.max() if score.max() > 0 else score
    catalog = np.flatnonzero(split.movie_counts > 0)
    rows = np.arange(split.n_movies)
    return catalog[np.lexsort((rows[catalog], -counts[catalog], -score[catalog]))]


def baseline_lists(split, order, users):
    """Per user the first k of `order` they have not rated (`users` × k, -1 padded)."""
    k = split.k
    out = np.full((len(users), k), -1, dtype=np.int64)
    for i, u in enumerate(users):
        seen = split.seen(u)
        head = order[:k + len(seen)]
        head = head[~np.isin(head, seen, assume_unique=True)][:k]
        out[i, :len(head)] = head
    return out


def factor_lists(split, user_f, movie_f, users, catalog=None, batch=2048):
    """Top-k by x_u·y_i with the user's rated movies (and movies outside `catalog`) excluded,
    ties to the lower row."""
    k = split.k
    out = np.full((len(users), k), -1, dtype=np.int64)
    blocked = None if catalog is None else ~catalog
    for start in range(0, len(users), batch):
        b = users[start:start + batch]
        s = user_f[b] @ movie_f.T
        if blocked is not None:
            s[:, blocked] = -np.inf
        lo, hi = split.seen_offsets[b], split.seen_offsets[b + 1]
        rows = np.repeat(np.arange(len(b)), hi - lo)
        cols = np.concatenate([split.seen_m[a:z] for a, z in zip(lo, hi)]) if len(b) else np.array([], np.int64)
        s[rows, cols] = -np.inf
        top = np.argpartition(-s, k - 1, axis=1)[:, :k]
        top.sort(axis=1)
        order = np.argsort(-np.take_along_axis(s, top, 1), axis=1, kind="stable")
        top = np.take_along_axis(top, order, 1)
        top[~np.isfinite(np.take_along_axis(s, top, 1))] = -1
        out[start:start + len(b)] = top
    return out


# ---------------------------------------------------------------------------------------------
# Metrics

def per_user(split, lists, users=None):
    """The evaluation's metrics for each scored user (`users`: rows of `lists`, default
    `split.scored`): NDCG@k (binary gain, ideal over min(k, |R|)), recall, precision (÷ k), AP@k;
    and coverage (distinct recommended ÷ catalog)."""
    users = split.scored if users is None else users
    k = split.k
    n_rel = split.relevant_count[users]
    keys = users[:, None].astype(np.int64) * split.n_movies + lists
    hits = np.isin(keys, split.rel_keys) & (lists >= 0)
    disc = 1.0 / np.log2(np.arange(2, k + 2))
    ideal = np.cumsum(disc)[np.minimum(k, n_rel) - 1]
    ndcg = (hits * disc).sum(1) / ideal
    h = hits.sum(1)
    ap = (np.cumsum(hits, 1) / np.arange(1, k + 1) * hits).sum(1) / np.minimum(k, n_rel)
    catalog = int((split.movie_counts > 0).sum())
    coverage = len(np.unique(lists[lists >= 0])) / max(1, catalog)
    return {"ndcg": ndcg, "recall": h / n_rel, "precision": h / k, "ap": ap, "coverage": coverage}


def summary(m):
    return {"ndcg": float(m["ndcg"].mean()), "recall": float(m["recall"].mean()),
            "precision": float(m["precision"].mean()), "map": float(m["ap"].mean()),
            "coverage": float(m["coverage"]), "users": int(len(m["ndcg"]))}


def t975(df):
    """Student's t quantile 0.975 (Reel's PairedCI); normal beyond 1,000 degrees of freedom."""
    try:
        from scipy.stats import t
        return float(t.ppf(0.975, df))
    except ImportError:
        return 1.96


def paired_ci(a, b):
    """Mean of the per-user differences a − b and its 95% CI (Student's t over users)."""
    d = np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)
    n = len(d)
    mean = float(d.mean()) if n else float("nan")
    half = t975(n - 1) * float(d.std(ddof=1)) / math.sqrt(n) if n > 1 else float("inf")
    return {"diff": mean, "low": mean - half, "high": mean + half, "users": n}


def sample_users(users, limit, seed=42):
    """At most `limit` of `users`, a seeded sample in ascending order (validation's cost stays flat)."""
    if len(users) <= limit:
        return users
    return np.sort(np.random.default_rng(seed).choice(users, limit, replace=False))
