"""Checks pipeline/airflow/reel_nightly.py.

With Apache Airflow importable: the DAG parses with no import errors (`airflow dags
list-import-errors`), has one task per stage in order, maps exit 4 to a skipped publish, and
one `airflow dags test` run against a synthetic home succeeds. Without Airflow (it could not be
installed): the same module is imported with plain Python and its exit-code mapping and task
function are checked against a fake reel; the Airflow-only checks are reported as skipped.
"""

import argparse
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DAG_FILE = os.path.join(ROOT, "pipeline", "airflow", "reel_nightly.py")
failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)


def load():
    spec = importlib.util.spec_from_file_location("reel_nightly", DAG_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fake_reel(folder, code):
    path = os.path.join(folder, f"reel-exit-{code}")
    with open(path, "w") as f:
        f.write(f"#!/bin/sh\necho \"$@\" > \"$REEL_ROOT/args\"\necho 'run 20261206T000000Z-abcd: ok'\nexit {code}\n")
    os.chmod(path, 0o755)
    return path


def plain_checks(module, airflow):
    check(module.STAGES == ["validate", "ingest", "etl", "tune", "train", "evaluate", "publish", "prune"], "one task per stage, in order")
    check([module.outcome(c) for c in (0, 1, 2, 3, 4, 64)] == ["success", "retry", "fail", "retry", "skip", "fail"],
          "exit codes: 0 success, 4 skip, 2/64 fail, 1/3 retry")
    with tempfile.TemporaryDirectory() as home:
        os.environ["REEL_HOME"] = home
        os.environ["REEL_BINARY"] = fake_reel(home, 0)
        run_id = module.run_stage("train", airflow_run_id="manual__1")
        check(run_id == "20261206T000000Z-abcd", "the task returns reel's run id (XCom)")
        check(open(os.path.join(home, "args")).read().split() == ["nightly", "--only", "train"], "reel nightly --only STAGE")
        if airflow:
            try:
                from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException
            except ImportError:
                from airflow.exceptions import AirflowFailException, AirflowSkipException
            for code, expected in ((4, AirflowSkipException), (64, AirflowFailException)):
                os.environ["REEL_BINARY"] = fake_reel(home, code)
                try:
                    module.run_stage("publish")
                    check(False, f"exit {code} raises {expected.__name__}")
                except expected:
                    check(True, f"exit {code} raises {expected.__name__}")


def airflow_checks(reel):
    env = dict(os.environ)
    env.pop("REEL_HOME", None)
    env.pop("REEL_BINARY", None)
    airflow = os.path.join(os.path.dirname(sys.executable), "airflow")
    subprocess.run([airflow, "db", "migrate"], env=env, check=True, capture_output=True, timeout=600)
    subprocess.run([airflow, "dags", "reserialize"], env=env, capture_output=True, timeout=300)
    errors = subprocess.run([airflow, "dags", "list-import-errors", "-o", "json"], env=env, capture_output=True, text=True, timeout=300)
    # Airflow's own warnings share stdout: the JSON document is the line that starts a list.
    lists = [line for line in errors.stdout.splitlines() if line.startswith("[]") or line.startswith("[{")]
    parsed = json.loads(lists[-1]) if lists else None
    check(errors.returncode == 0 and parsed == [], f"airflow dags list-import-errors is empty (got {parsed!r}{'' if parsed == [] else errors.stderr.strip()[-300:]})")
    module = load()
    check(module.dag is not None and [t.task_id for t in module.dag.topological_sort()] == module.STAGES, "the DAG's tasks are the stages in order")
    check(module.dag.get_task("prune").trigger_rule == "none_failed", "prune runs after a gate-skipped publish")
    if reel:
        reel = os.path.abspath(reel)
        home = tempfile.mkdtemp(prefix="reel-airflow-home-")
        fast = dict(env, REEL_ROOT=home, REEL_MODEL_RANK="8", REEL_MODEL_IMPLICIT_ITERATIONS="3", REEL_MODEL_EXPLICIT_ITERATIONS="3")
        subprocess.run([reel, "synth", "--preset", "tiny", "--seed", "2", "--quiet"], cwd=home, env=fast, check=True, timeout=300)
        run = subprocess.run([airflow, "dags", "test", "reel_nightly", "2026-12-06"], cwd=home, timeout=1200, capture_output=True, text=True,
                             env=dict(fast, REEL_HOME=home, REEL_BINARY=os.path.abspath(reel)))
        check(run.returncode == 0 and os.path.exists(os.path.join(home, "output", "current")),
              "airflow dags test reel_nightly publishes a release"
              + ("" if run.returncode == 0 else f" ({run.stdout[-400:]}{run.stderr[-400:]})"))
        # The quality gate refusing the model (exit 4 from publish): publish skipped, prune run, the DAG run a success.
        gate = os.path.join(home, "reel-gate")
        with open(gate, "w") as f:
            f.write("#!/bin/sh\n[ \"$3\" = publish ] && exit 4\nexit 0\n")
        os.chmod(gate, 0o755)
        blocked = subprocess.run([airflow, "dags", "test", "reel_nightly", "2026-12-07"], cwd=home, timeout=600,
                                 capture_output=True, text=True, env=dict(fast, REEL_HOME=home, REEL_BINARY=gate))
        run_id = re.search(r"run_id=([^,\s]+)", blocked.stdout + blocked.stderr)
        states = {}
        if run_id:
            listed = subprocess.run([airflow, "tasks", "states-for-dag-run", "reel_nightly", run_id.group(1), "-o", "json"],
                                    env=fast, capture_output=True, text=True, timeout=300)
            rows = [line for line in listed.stdout.splitlines() if line.startswith("[{")]
            states = {row["task_id"]: row["state"] for row in json.loads(rows[-1])} if rows else {}
        check(blocked.returncode == 0 and states.get("publish") == "skipped" and states.get("prune") == "success"
              and states.get("evaluate") == "success",
              f"exit 4 from publish: publish skipped, prune run, the run not failed (states {states})")


def main():
    # Everything Airflow writes (its database, logs) goes to a temporary AIRFLOW_HOME.
    os.environ["AIRFLOW_HOME"] = tempfile.mkdtemp(prefix="reel-airflow-")
    os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = os.path.dirname(DAG_FILE)
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    parser = argparse.ArgumentParser()
    parser.add_argument("--reel", help="reel binary for the `airflow dags test` run (omit to skip it)")
    args = parser.parse_args()
    try:
        import airflow  # noqa: F401
        have_airflow = True
    except ImportError:
        have_airflow = False
    module = load()
    check(have_airflow == (module.DAG is not None), "the DAG is defined exactly when Airflow is importable")
    plain_checks(module, have_airflow)
    if have_airflow:
        airflow_checks(args.reel)
    else:
        print("skipped: Airflow checks (list-import-errors, dags test): Apache Airflow is not importable; "
              "the DAG module was checked with plain Python only")
    if failures:
        print(f"{len(failures)} check(s) failed")
        sys.exit(1)
    print("airflow DAG test passed")


if __name__ == "__main__":
    main()
