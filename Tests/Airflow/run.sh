#!/usr/bin/env bash
# The Airflow DAG test (issue 18): pipeline/airflow/reel_nightly.py parsed by Apache Airflow
# (installed from PyPI into .build/airflow-venv) and run once with `airflow dags test` against a
# synthetic home.
#
#   Tests/Airflow/run.sh [REEL_BINARY]        # default .build/debug/reel
#
# The install is bounded (REEL_AIRFLOW_INSTALL_TIMEOUT seconds, default 900). If Airflow cannot
# be installed, the DAG module is still checked with plain Python (exit-code mapping, the task
# against a fake reel) and the Airflow checks are reported as skipped, with the reason.
set -euo pipefail
cd "$(dirname "$0")/../.."
reel="${1:-.build/debug/reel}"
venv=.build/airflow-venv
python=python3
if [ ! -x "$venv/bin/airflow" ]; then
  if python3 -m venv "$venv" >/dev/null 2>&1 \
     && timeout "${REEL_AIRFLOW_INSTALL_TIMEOUT:-900}" "$venv/bin/pip" install -q "apache-airflow>=2.9,<4" >/dev/null 2>&1; then
    python="$venv/bin/python"
  else
    echo "airflow checks skipped: could not install apache-airflow from PyPI into $venv within ${REEL_AIRFLOW_INSTALL_TIMEOUT:-900} s"
  fi
else
  python="$venv/bin/python"
fi
args=()
[ -x "$reel" ] && args=(--reel "$reel")
exec "$python" Tests/Airflow/dag_test.py "${args[@]}"
