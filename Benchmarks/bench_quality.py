#!/usr/bin/env python3
"""quality (issue 14): the served default against every baseline and a tuned `implicit`, on both
protocols, with paired 95% CIs.

Data: `reel synth` with its default dynamics (release dates, popularity life cycles, sign-up
bursts; full scale: 20,000 users, 8,000 movies, 2,000,000 ratings; BENCH_SCALE=small: the `small`
preset) in a fresh home (`reel init`), then `reel nightly` with the defaults, as a user would; its
run record says what it serves and its tuning and evaluation records hold the validation curves
that chose it.

For each protocol — the global time split (`reel evaluate`'s default, the nightly's task: train
before the 80% time quantile, judge what users rated after it) and the per-user split (each
user's last 10 ratings, `--split leave-last-n --holdout 10`):
  1. `reel evaluate --export-split DIR` on the home writes the split (Reel's own report of that
     split is kept beside: its choice and its test figures);
  2. the served default on the split's train part: a fresh home with train.csv as its bronze
     ratings (`reel init`, `reel bronze bootstrap --source`), `reel nightly` with the defaults
     (it tunes, chooses its candidate on validation carved from that train part, trains and
     publishes), then `reel serve` and GET /v1/users/{id}/recommendations?k=10 for every test
     user: exactly the list a user of that home gets;
  3. the baselines (popular, trending 24h / 7d / 30d as of the split's cut, the evaluation's
     definitions) and `implicit` ALS tuned on a rank × λ × α grid on validation carved from the
     train part by the same rule, refitted on the whole train part (peers/implicit_grid.py);
  4. every list scored user by user with one code (quality_lib.py: the evaluation's metrics,
     relevant = rating ≥ 4, users with a relevant test movie); paired 95% CI of NDCG@10 per user,
     served − each other. PASS when the CI lies above 0.

Python: needs numpy, pandas, scipy and implicit; when `import implicit` fails, the benchmark
runs itself with .build/quality-venv/bin/python3 (created with pip when missing; or
BENCH_QUALITY_PYTHON).
"""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, ".build", "quality-venv")


def ensure_python():
    """Re-runs this script under a Python that has implicit (BENCH_QUALITY_PYTHON, else the
    benchmark's venv, created when missing), with OPENBLAS_NUM_THREADS=1 for its fits."""
    try:
        import implicit  # noqa: F401
        import pandas  # noqa: F401
        import scipy  # noqa: F401
        if os.environ.get("OPENBLAS_NUM_THREADS") == "1":
            return
    except ImportError:
        pass
    if os.environ.get("BENCH_QUALITY_REEXEC"):
        sys.exit("bench_quality: the chosen Python still cannot import implicit, pandas and scipy")
    python = os.environ.get("BENCH_QUALITY_PYTHON") or os.path.join(VENV, "bin", "python3")
    if not os.path.exists(python):
        print(f"bench_quality: creating {VENV} (pip install implicit numpy scipy pandas)", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", "implicit", "numpy", "scipy", "pandas", "threadpoolctl"],
                       check=True)
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "BENCH_QUALITY_REEXEC": "1"}
    os.execve(python, [python, os.path.abspath(__file__), *sys.argv[1:]], env)


if __name__ == "__main__":
    ensure_python()

import glob  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

sys.path.insert(0, os.path.join(ROOT, "Benchmarks"))
sys.path.insert(0, os.path.join(ROOT, "Benchmarks", "peers"))
from benchlib import (HOME, REEL, SCALE, Bench, check_binary, display_command, fail, log, machine,  # noqa: E402
                      read_json, reel, run_timed)
import implicit_grid  # noqa: E402
import quality_lib as q  # noqa: E402

SIZE = {"full": ["--users", 20_000, "--movies", 8_000, "--ratings", 2_000_000],
        "small": ["--preset", "small"]}[SCALE]
HOLDOUT = 10
PROTOCOLS = (("temporal", "global time split (train before the 80% time quantile)", []),
             ("leave-last-n", f"per-user split (each user's last {HOLDOUT} ratings)",
              ["--split", "leave-last-n", "--holdout", HOLDOUT]))
WORK = os.path.join(HOME, "quality")
SCHEMAS = os.path.join(ROOT, "schemas")
THREADS = 2
# An extra row, not a target: `implicit` fitted with the settings Reel's own tuning chose (rank, λ, α,
# confidence transform, recency, iterations), which separates the library from the tuning.
REEL_SETTINGS = "implicit at Reel's tuned settings"


def reel_env():
    os.environ.setdefault("REEL_SCHEMAS", SCHEMAS)


# ---------------------------------------------------------------------------------------------
# Homes and what their nightly chose

def fresh_home(name):
    home = os.path.join(WORK, name)
    shutil.rmtree(home, ignore_errors=True)
    os.makedirs(os.path.dirname(home), exist_ok=True)
    reel("init", root=home, quiet=True)
    return home


def nightly(bench, home, label):
    """`reel nightly` with the defaults on `home`, timed once (a subject of the page); returns
    its run record."""
    cmd = [REEL, "nightly", "--root", home]
    log(f"  $ {display_command(cmd)}")
    sample, _, _ = run_timed(cmd, timeout=1800)
    bench.add(label, "reel", display_command(cmd), [sample])
    log(f"  {label}: {sample['wall_s']:.1f} s wall, {sample['rss_mb']:.0f} MB")
    runs = sorted(glob.glob(os.path.join(home, "output", "runs", "*", "run.json")))
    if not runs:
        fail(f"no run record in {home}/output/runs")
    return read_json(runs[-1])


def latest_evaluation(home):
    path = os.path.join(home, "output", "models", "latest", "evaluation.json")
    return read_json(path) if os.path.exists(path) else None


def latest_tuning(home):
    path = os.path.join(home, "output", "tuning", "latest", "tuning.json")
    return read_json(path) if os.path.exists(path) else None


def choice_of(evaluation):
    c = (evaluation or {}).get("choice") or {}
    return {"served": c.get("chosenLabel") or (evaluation or {}).get("defaultMode"), "reason": c.get("reason", ""),
            "validation": c.get("validation", {}), "servingBaseline": c.get("servingBaseline")}


def split_home(name, split_dir, bronze):
    """A home whose bronze is the split's train part (movies and links as they are, tags of
    training pairs only), installed with `reel bronze bootstrap --source`."""
    source = os.path.join(WORK, name + "-source")
    shutil.rmtree(source, ignore_errors=True)
    os.makedirs(source)
    shutil.copy(os.path.join(split_dir, "train.csv"), os.path.join(source, "ratings.csv"))
    for f in ("movies.csv", "links.csv"):
        shutil.copy(os.path.join(bronze, f), source)
    train = pd.read_csv(os.path.join(split_dir, "train.csv"), usecols=["userId", "movieId"])
    tags = pd.read_csv(os.path.join(bronze, "tags.csv"), dtype=str, keep_default_na=False)
    keep = pd.MultiIndex.from_frame(tags[["userId", "movieId"]].astype(np.int64)).isin(
        pd.MultiIndex.from_frame(train))
    tags[keep].to_csv(os.path.join(source, "tags.csv"), index=False)
    home = fresh_home(name)
    reel("bronze", "bootstrap", "--source", source, root=home, quiet=True)
    return home


# ---------------------------------------------------------------------------------------------
# The served lists, from the daemon

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def served_lists(home, split):
    """Every scored test user's default list (no mode) from `reel serve` on `home`, as movie rows
    of `split`; and the count of each `source` the daemon named."""
    port = free_port()
    cmd = [REEL, "serve", "--root", home, "--host", "127.0.0.1", "--port", str(port), "--threads", str(THREADS)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.time() + 120
        while True:
            if proc.poll() is not None:
                fail(f"reel serve exited {proc.returncode}: {proc.stderr.read().decode()[-2000:]}")
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                c.request("GET", "/healthz")
                c.getresponse().read()
                break
            except OSError:
                if time.time() > deadline:
                    fail("reel serve not ready after 120 s")
                time.sleep(0.2)
        out = np.full((len(split.scored), split.k), -1, dtype=np.int64)
        sources = {}
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for i, u in enumerate(split.scored):
            c.request("GET", f"/v1/users/{split.users[u]}/recommendations?k={split.k}")
            r = c.getresponse()
            body = r.read()
            if r.status != 200:
                fail(f"user {split.users[u]}: HTTP {r.status}: {body[:300]!r}")
            doc = json.loads(body)
            sources[doc.get("source", "?")] = sources.get(doc.get("source", "?"), 0) + 1
            ids = np.array([x["movieId"] for x in doc["items"]], dtype=np.int64)
            rows = np.searchsorted(split.movies, ids)
            ok = (rows < split.n_movies) & (split.movies[np.minimum(rows, split.n_movies - 1)] == ids)
            rows = rows[ok][:split.k]
            out[i, :len(rows)] = rows
        return out, sources
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


# ---------------------------------------------------------------------------------------------
# Scoring one protocol

def protocol(bench, home, name, title, args):
    """One protocol: export the split, the served default on its train part, the baselines and
    tuned implicit; every list scored per user; paired CIs served − each other."""
    split_dir = os.path.join(WORK, f"split-{name}")
    shutil.rmtree(split_dir, ignore_errors=True)
    log(f"{name}: export the split, Reel's own evaluation of it")
    own = json.loads(reel("evaluate", *args, "--no-explicit", "--threads", THREADS, "--json", "--export-split",
                          split_dir, root=home, quiet=True))
    split, meta = q.load_export(split_dir)
    log(f"{name}: {len(split.train):,} train ratings, {len(split.test):,} test ratings, "
        f"{len(split.scored):,} users with a relevant test movie; cut {meta['cutTime']}")

    log(f"{name}: the served default on the train part (fresh home, reel nightly)")
    shome = split_home(f"home-{name}", split_dir, os.path.join(home, "lakehouse", "bronze", "movielens", "ml-25m"))
    run = nightly(bench, shome, f"reel nightly on the {name} split's train part")
    served_choice = choice_of(latest_evaluation(shome))
    lists = {}
    lists["served"], sources = served_lists(shome, split)
    log(f"{name}: served {served_choice['served']} (daemon sources: {sources})")

    for base in q.BASELINES:
        window = dict(q.WINDOWS).get(base)
        lists[base] = q.baseline_lists(split, q.global_ranking(split, window), split.scored)

    log(f"{name}: implicit on a validation grid (rank × λ × α) carved from train by the same rule")
    validation, widened = q.carve_validation(split)
    trials, best = implicit_grid.tune(validation, log, threads=THREADS)
    log(f"{name}: implicit chose rank {best['rank']} λ {best['lambda']:g} α {best['alpha']:g} "
        f"(validation NDCG@10 {best['ndcg']:.4f}); refit on train")
    lists["implicit (tuned)"] = implicit_grid.refit_lists(split, best, threads=THREADS)
    reel_tuned = (latest_tuning(shome) or {}).get("chosen")
    if reel_tuned:
        log(f"{name}: implicit at the settings Reel's tuning chose on this train part ({reel_tuned})")
        lists[REEL_SETTINGS] = implicit_grid.refit_lists(split, reel_tuned, threads=THREADS)

    metrics = {label: q.per_user(split, l) for label, l in lists.items()}
    summaries = {label: q.summary(m) for label, m in metrics.items()}
    cis = {label: q.paired_ci(metrics["served"]["ndcg"], m["ndcg"]) for label, m in metrics.items() if label != "served"}
    return {"name": name, "title": title, "split": meta, "users": int(len(split.scored)),
            "trainRatings": int(len(split.train)), "testRatings": int(len(split.test)),
            "served": served_choice, "reelTuned": reel_tuned, "servedSources": sources, "runRecord": run.get("id") or run.get("runId"),
            "summaries": summaries, "pairedNDCG": cis,
            "implicitGrid": {"validation": {"rule": validation.rule, "fraction": validation.fraction,
                                            "cut": validation.cut, "users": int(len(validation.scored)),
                                            "note": widened},
                             "trials": trials, "best": best},
            "reelEvaluate": {"served": choice_of(own), "results": own.get("results", []),
                             "comparisons": own.get("comparisons", [])}}


# ---------------------------------------------------------------------------------------------
# The page

def verdict_rows(bench, p):
    rows = []
    for label, ci in p["pairedNDCG"].items():
        if label == REEL_SETTINGS:
            rows.append([p["name"], f"served − {label}", f"{ci['users']:,}", f"{p['summaries']['served']['ndcg']:.4f}",
                         f"{p['summaries'][label]['ndcg']:.4f}", f"{ci['diff']:+.4f}",
                         f"[{ci['low']:+.4f}, {ci['high']:+.4f}]", "(context)"])
            continue
        ok = ci["low"] > 0
        rows.append([p["name"], f"served − {label}", f"{ci['users']:,}", f"{p['summaries']['served']['ndcg']:.4f}",
                     f"{p['summaries'][label]['ndcg']:.4f}", f"{ci['diff']:+.4f}",
                     f"[{ci['low']:+.4f}, {ci['high']:+.4f}]",
                     "beats" if ok else ("LOSES" if ci["high"] < 0 else "not separated")])
        bench.target(f"{p['name']}: served − {label}, NDCG@10 paired 95% CI lower end", ci["low"], ">", 0, "",
                     issue=14)
    return rows


def tuning_curves(tuning):
    """Best validation NDCG@10 per value of each knob `reel tune` searched (any rung)."""
    rows = []
    trials = tuning.get("trials", []) if tuning else []
    for knob, key, fmt in (("rank", "rank", "{}"), ("λ", "lambda", "{:g}"), ("α", "alpha", "{:g}"),
                           ("confidence", "confidence", "{}"), ("recency half-life (days)", "recencyHalfLifeDays", "{:g}"),
                           ("iterations", "iterations", "{}")):
        values = sorted({t[key] for t in trials}, key=lambda v: (isinstance(v, str), v))
        for v in values:
            sel = [t["ndcg"] for t in trials if t[key] == v]
            rows.append([knob, fmt.format(v), str(len(sel)), f"{max(sel):.4f}", f"{np.mean(sel):.4f}"])
    return rows


def blend_curve(evaluation):
    """Validation NDCG@10 against w_trending per window (diversity 0) from the nightly's choice,
    and the other candidates' best."""
    cands = ((evaluation or {}).get("choice") or {}).get("candidates", [])
    by = {c["label"]: c["ndcg"] for c in cands}
    weights = sorted({float(lab.split("t=")[1]) for lab in by if lab.startswith("hybrid ") and " d=" not in lab
                      and "activity" not in lab})
    rows = [["0 (implicit-als)"] + [f"{by['implicit-als']:.4f}" if "implicit-als" in by else "—"] * 3]
    for w in weights:
        row = [f"{w:g}"]
        for win in ("24h", "7d", "30d"):
            v = next((by[lab] for lab in by if lab.startswith(f"hybrid {win} t=") and " d=" not in lab
                      and "activity" not in lab and float(lab.split("t=")[1]) == w), None)
            row.append("—" if v is None else f"{v:.4f}")
        rows.append(row)
    others = [[c["label"], c["family"], f"{c['ndcg']:.4f}"] for c in cands
              if c["family"] in ("popular", "trending", "itemBased", "model")]
    act = [c for c in cands if c["family"] == "activityBlend"]
    if act:
        b = max(act, key=lambda c: c["ndcg"])
        others.append([b["label"] + " (best of " + str(len(act)) + ")", b["family"], f"{b['ndcg']:.4f}"])
    return rows, others


def grid_curve(p):
    """The implicit peer's validation NDCG@10 by rank (best over λ, α) and by λ × α at its chosen rank."""
    trials, best = p["implicitGrid"]["trials"], p["implicitGrid"]["best"]
    rows = []
    for rank in implicit_grid.RANKS:
        sel = [t for t in trials if t["rank"] == rank]
        b = max(sel, key=lambda t: t["ndcg"])
        rows.append([p["name"], str(rank), f"{b['ndcg']:.4f}", f"λ {b['lambda']:g}, α {b['alpha']:g}"]
                    + [f"{next(t['ndcg'] for t in sel if t['lambda'] == lam and t['alpha'] == best['alpha']):.4f}"
                       for lam in implicit_grid.LAMBDAS])
    return rows


def main():
    check_binary()
    reel_env()
    bench = Bench("quality", "served default against every baseline and tuned implicit, both protocols", [14])
    if SCALE == "full":
        bench.result["preset"] = "reel synth --users 20000 --movies 8000 --ratings 2000000"
    m = machine()
    bench.result["data"].update({
        "machine": f"{m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB",
        "command": ("Benchmarks/run.sh quality" if SCALE == "full" else "BENCH_SCALE=small Benchmarks/run.sh quality")
                   + " (or python3 Benchmarks/bench_quality.py; then python3 Benchmarks/report.py --only quality)"})
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    log("data: reel init, reel synth (default dynamics), reel nightly (defaults)")
    home = fresh_home("home")
    reel("synth", *SIZE, root=home, quiet=True)
    run = nightly(bench, home, "reel nightly (synth home)")
    evaluation, tuning = latest_evaluation(home), latest_tuning(home)
    chosen = choice_of(evaluation)
    bench.result["data"].update({
        "synth": "reel synth " + " ".join(map(str, SIZE)) + " (default dynamics, seed 42)",
        "nightly serves": f"{chosen['served']} — {chosen['reason']}",
        "tuning chose": (tuning or {}).get("chosen", "no tuning record"),
        "holdout": HOLDOUT, "implicit grid": f"rank {implicit_grid.RANKS} × λ {implicit_grid.LAMBDAS} × "
                                              f"α {implicit_grid.ALPHAS}, {implicit_grid.ITERATIONS} iterations, CG"})
    bench.result["nightly"] = {"run": run, "choice": chosen, "tuning": tuning,
                               "candidates": ((evaluation or {}).get("choice") or {}).get("candidates", [])}

    results = []
    for name, title, args in PROTOCOLS:
        p = bench.attempt(f"{name} protocol", lambda: protocol(bench, home, name, title, args))
        if p:
            results.append(p)
    bench.result["protocols"] = results
    render(bench, results, evaluation, tuning, chosen)
    import resource
    cpu = sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
              for f in ("ru_utime", "ru_stime"))
    bench.result["data"]["whole benchmark"] = (f"{time.time() - bench.started:.0f} s wall, {cpu:.0f} CPU-s "
                                               f"(load {os.getloadavg()[0]:.1f} at the end)")
    bench.save()


def render(bench, results, evaluation, tuning, chosen):
    """The page's targets, ratios, tables and notes from the protocols' results and the synth
    home's evaluation and tuning records."""
    cols = ["protocol", "list", "users", "NDCG@10", "R@10", "P@10", "MAP@10", "coverage"]
    rows = []
    for p in results:
        for label, s in p["summaries"].items():
            name = f"served ({p['served']['served']})" if label == "served" else label
            if label == "implicit (tuned)":
                b = p["implicitGrid"]["best"]
                name += f" rank {b['rank']} λ {b['lambda']:g} α {b['alpha']:g}"
            if label == REEL_SETTINGS and p.get("reelTuned"):
                t = p["reelTuned"]
                name += (f" (rank {t['rank']} λ {t['lambda']:g} α {t['alpha']:g} {t['confidence']}"
                         f"{', half-life %g d' % t['recencyHalfLifeDays'] if t.get('recencyHalfLifeDays') else ''}, "
                         f"{t['iterations']} it)")
            rows.append([p["name"], name, f"{s['users']:,}"] + [f"{s[c]:.4f}" for c in ("ndcg", "recall", "precision", "map")]
                        + [f"{s['coverage']:.3f}"])
    bench.table("Test quality of every list, scored user by user by one code (quality_lib.py; relevant = rating ≥ 4; "
                "users with a relevant test movie)", cols, rows)
    pair_rows = [r for p in results for r in verdict_rows(bench, p)]
    bench.table("Paired per-user NDCG@10, served − other (95% CI = mean ± t·sd/√users)",
                ["protocol", "comparison", "users", "served", "other", "difference", "95% CI", "verdict"], pair_rows)
    for p in results:
        s = p["summaries"]
        if p["name"] == "temporal":
            bench.ratio("trending-30d / popular NDCG@10, global time split", s["trending-30d"]["ndcg"] / s["popular"]["ndcg"],
                        goal=(">=", 1.3), issue=14, meaning="(issue 14's synth fact: ≥ 1.3)")
        else:
            bench.ratio("tuned implicit / popular NDCG@10, per-user split",
                        s["implicit (tuned)"]["ndcg"] / s["popular"]["ndcg"], goal=(">=", 1.5), issue=14,
                        meaning="(issue 14's synth fact: ≥ 1.5)")
            bench.ratio("trending-30d / popular NDCG@10, per-user split", s["trending-30d"]["ndcg"] / s["popular"]["ndcg"],
                        meaning="(issue 14: trending is weak per user)")
        served = p["served"]
        bench.note(f"{p['name']}: the nightly on the split's train part serves **{served['served']}** "
                   f"(validation: {served['validation'].get('rule', '?')}, {served['validation'].get('scoredUsers', '?')} "
                   f"users): {served['reason']} Daemon sources of the lists scored: {p['servedSources']}.")
        own = p["reelEvaluate"]["served"]
        bench.note(f"{p['name']}: `reel evaluate` on the synth home (tuned settings of its nightly) would serve "
                   f"{own['served']} on this split.")
        if p["implicitGrid"]["validation"]["note"]:
            bench.note(f"{p['name']}: implicit's validation split {p['implicitGrid']['validation']['note']}.")

    check = []
    for p in results:
        reel_ndcg = {r["mode"]: r["ndcg"] for r in p["reelEvaluate"]["results"]}
        for base in q.BASELINES:
            mine, theirs = p["summaries"][base]["ndcg"], reel_ndcg.get(base)
            check.append([p["name"], base, f"{mine:.4f}", "—" if theirs is None else f"{theirs:.4f}",
                          "same" if theirs is not None and abs(mine - theirs) < 5e-4 else "DIFFERENT"])
        for mode in ("implicit-als", "item-knn", "hybrid"):
            if mode in reel_ndcg:
                check.append([p["name"], f"{mode} (reel evaluate on the synth home, its tuned settings)", "",
                              f"{reel_ndcg[mode]:.4f}", ""])
    bench.table("Cross-check: the baselines scored here against `reel evaluate`'s own test figures on the same split",
                ["protocol", "list", "NDCG@10 here", "reel evaluate", ""], check)
    for p in results:
        lost = [f"{label} (served − it {ci['diff']:+.4f}, 95% CI [{ci['low']:+.4f}, {ci['high']:+.4f}])"
                for label, ci in p["pairedNDCG"].items() if ci["low"] <= 0 and label != REEL_SETTINGS]
        bench.result["data"][f"verdict, {p['name']}"] = (
            f"served {p['served']['served']} beats all {len(q.BASELINES) + 1} others (every paired CI above 0)"
            if not lost else "NOT above: " + "; ".join(lost))

    rows, others = blend_curve(evaluation)
    bench.table("Validation curve that chose the served candidate (the synth home's nightly, `reel evaluate`'s "
                f"validation split: {chosen['validation'].get('rule', '?')} at {chosen['validation'].get('cut', '?')}, "
                f"{chosen['validation'].get('scoredUsers', '?')} users): NDCG@10 against w_trending per window "
                "(w_model = 1 − w_trending, diversity 0)", ["w_trending", "24h", "7d", "30d"], rows)
    bench.table("The other candidates on the same validation split", ["candidate", "family", "NDCG@10"], others)
    bench.table("Validation curves of `reel tune` in the synth home's nightly (best and mean NDCG@10 of the trials "
                "with each value; the chosen settings in 'tuning chose' above)",
                ["knob", "value", "trials", "best NDCG@10", "mean"], tuning_curves(tuning))
    bench.table("Validation curve of the implicit peer: best NDCG@10 per rank, and at its chosen α per λ",
                ["protocol", "rank", "best", "at", *[f"λ {lam:g}" for lam in implicit_grid.LAMBDAS]],
                [r for p in results for r in grid_curve(p)])
    bench.note("Quality figures are deterministic (fixed seeds: synth 42, Reel's models, implicit random_state 42); "
               "each nightly is timed once, for context only.")


def rerender():
    """`--render-only`: rebuilds the tables of Benchmarks/results/quality.json from the results
    it holds (no run), e.g. after a change to the page's layout."""
    path = os.path.join(ROOT, "Benchmarks", "results", "quality.json")
    old = read_json(path)
    bench = Bench("quality", old["title"], old["issues"])
    keep = ("scale", "preset", "runs", "subjects", "data", "errors", "nightly", "protocols")
    bench.result.update({k: old[k] for k in keep if k in old})
    bench.result["notes"] = []
    nightly = old.get("nightly", {})
    render(bench, old.get("protocols", []), {"choice": {"candidates": nightly.get("candidates", [])}},
           nightly.get("tuning"), nightly.get("choice", {}))
    bench.started = time.time() - old.get("elapsed_s", 0)
    bench.save()


if __name__ == "__main__":
    rerender() if "--render-only" in sys.argv[1:] else main()
