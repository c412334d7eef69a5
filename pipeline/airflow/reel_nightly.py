"""Reel's nightly job as an Apache Airflow DAG, for teams that already run Airflow.

Cron and the systemd timer (pipeline/crontab, pipeline/systemd/) stay the default. This DAG
runs the same stages, one Airflow task each, in the same order:

    validate >> ingest >> etl >> tune >> train >> evaluate >> publish >> prune

Each task runs `reel nightly --only STAGE`, so reel keeps its own semantics:

* the lock (output/.reel.lock): a stage never overlaps another reel run; a held lock is
  exit 3, retried by Airflow;
* skip-unchanged: a stage whose inputs and settings are unchanged since its last success
  is skipped by reel itself (the task succeeds, its log says "skipped");
* the quality gate: `publish` exits 4 when the new model is refused. The task then ends
  as *skipped* (AirflowSkipException), not failed: nothing is broken, the previous release
  keeps serving, and `prune` still runs (trigger rule `none_failed`).

Retries are Airflow's: reel's own retry of transient I/O errors is turned off
(REEL_NIGHTLY_RETRIES=0) and each task gets `retries` / `retry_delay` from the DAG's
default_args (set from nightly.retries and nightly.retry_delay_seconds' defaults: 2 and 5 s,
doubling). Exit codes that retrying cannot fix fail at once (AirflowFailException): 2 (an
input is missing) and 64 (usage). 1 (a stage failed) and 3 (locked) are retried.

The run id: every task returns the reel run id it printed (`run <id>: <outcome>`), so it
is in XCom under the task, and passes Airflow's run id and the previous stage's reel run id
to reel's environment (REEL_AIRFLOW_RUN_ID, REEL_AIRFLOW_UPSTREAM_RUN) for the logs.

Settings (environment variables of the workers, else Airflow Variables of the same name, read
when a task runs, never while the file is parsed):
    REEL_HOME    the Reel home (default /srv/reel)
    REEL_BINARY  the reel executable (default: `reel` on PATH)
    REEL_SCHEDULE  cron expression (default "30 2 * * *", as pipeline/crontab)

Install: copy this file into the Airflow dags folder. The functions below import without
Airflow (the test suite checks the exit-code mapping with plain Python when Airflow is absent).
"""

from __future__ import annotations

import os
import re
import subprocess
from datetime import timedelta

STAGES = ["validate", "ingest", "etl", "tune", "train", "evaluate", "publish", "prune"]

# reel's exit-code table (README, `reel --help`).
EXIT_OK, EXIT_FAILED, EXIT_MISSING, EXIT_LOCKED, EXIT_GATE, EXIT_USAGE = 0, 1, 2, 3, 4, 64


def setting(name: str, default: str, variables: bool = False) -> str:
    """The environment, else (in a running task only: never while the DAG file is parsed) an
    Airflow Variable, else the default."""
    if name in os.environ:
        return os.environ[name]
    if variables:
        try:
            from airflow.models import Variable  # type: ignore

            value = Variable.get(name, default_var=None)
            if value:
                return value
        except Exception:  # no Variable store reachable: the default applies
            pass
    return default


def outcome(exit_code: int) -> str:
    """What a stage's exit code means to Airflow: success, skip, retry or fail."""
    if exit_code == EXIT_OK:
        return "success"
    if exit_code == EXIT_GATE:
        return "skip"
    if exit_code in (EXIT_MISSING, EXIT_USAGE):
        return "fail"
    return "retry"


def stage_command(stage: str, binary: str) -> list[str]:
    return [binary, "nightly", "--only", stage]


def run_stage(stage: str, airflow_run_id: str = "", upstream_run: str = "", variables: bool = False) -> str | None:
    """Runs one stage; returns reel's run id (pushed to XCom) or raises what Airflow needs."""
    home = setting("REEL_HOME", "/srv/reel", variables)
    binary = setting("REEL_BINARY", "reel", variables)
    env = dict(os.environ, REEL_ROOT=home, REEL_NIGHTLY_RETRIES="0",
               REEL_AIRFLOW_RUN_ID=airflow_run_id, REEL_AIRFLOW_UPSTREAM_RUN=upstream_run or "")
    result = subprocess.run(stage_command(stage, binary), cwd=home, env=env, capture_output=True, text=True)
    print(result.stderr, end="")
    print(result.stdout, end="")
    match = re.search(r"^run (\S+): ", result.stdout, re.MULTILINE)
    run_id = match.group(1) if match else None
    verdict = outcome(result.returncode)
    if verdict == "success":
        return run_id
    try:  # Airflow 3
        from airflow.sdk.exceptions import AirflowException, AirflowFailException, AirflowSkipException  # type: ignore
    except ImportError:  # Airflow 2
        from airflow.exceptions import AirflowException, AirflowFailException, AirflowSkipException  # type: ignore

    message = f"reel nightly --only {stage} exited {result.returncode}"
    if verdict == "skip":
        raise AirflowSkipException(f"{message}: the quality gate refused the model; the previous release keeps serving")
    if verdict == "fail":
        raise AirflowFailException(f"{message}: not retried (missing input or usage error)")
    raise AirflowException(f"{message}: retried by Airflow")


def _task(stage: str, **context) -> str | None:
    ti = context.get("ti")
    index = STAGES.index(stage)
    upstream = ti.xcom_pull(task_ids=STAGES[index - 1]) if ti is not None and index > 0 else None
    return run_stage(stage, airflow_run_id=context.get("run_id", ""), upstream_run=upstream or "", variables=True)


try:
    import pendulum  # type: ignore
    from airflow import DAG  # type: ignore

    try:
        from airflow.providers.standard.operators.python import PythonOperator  # type: ignore
    except ImportError:  # Airflow 2
        from airflow.operators.python import PythonOperator  # type: ignore
except ImportError:  # Airflow is not installed: the module still imports (tests, linting).
    DAG = None

if DAG is not None:
    with DAG(
        dag_id="reel_nightly",
        description="Reel nightly: validate → ingest → etl → tune → train → evaluate → publish → prune",
        schedule=setting("REEL_SCHEDULE", "30 2 * * *"),
        start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
        catchup=False,
        max_active_runs=1,
        default_args={
            "retries": 2,
            "retry_delay": timedelta(seconds=5),
            "retry_exponential_backoff": True,
        },
        tags=["reel"],
    ) as dag:
        previous = None
        for name in STAGES:
            task = PythonOperator(
                task_id=name,
                python_callable=_task,
                op_kwargs={"stage": name},
                # prune runs after a publish the gate skipped; a failed stage still stops the run.
                trigger_rule="none_failed" if name == "prune" else "all_success",
            )
            if previous is not None:
                previous >> task
            previous = task
