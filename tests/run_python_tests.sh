#!/usr/bin/env bash
# Runs the Python test suites, each in its own virtualenv, and exits non-zero if any fails:
#   tests/python        (.leadscore/venv: the stack, spark-submit, monitoring with promtool,
#                        notebooks committed without outputs)
#   airflow-dags/tests  (.leadscore/airflow-venv: DagBag, task graphs, gate, dag.test() harness,
#                        both DAGs end to end + the notebooks run by papermill in .leadscore/venv)
# Installs what they need through the project's scripts (bin/stack install: venv, Pushgateway,
# promtool; bin/airflow-env: Airflow's venv) and starts the local services if they are not up
# (stopping them again at the end); running ones are used as they are. Extra arguments go to both pytest runs (e.g. -x, -k expr).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="${LEADSCORE_VENV:-$ROOT/.leadscore/venv}"
AIRFLOW_VENV="${LEADSCORE_AIRFLOW_VENV:-$ROOT/.leadscore/airflow-venv}"
export LEADSCORE_VENV="$VENV" LEADSCORE_AIRFLOW_VENV="$AIRFLOW_VENV"
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
export LEADSCORE_TEST_MLFLOW_URI="${LEADSCORE_TEST_MLFLOW_URI:-http://127.0.0.1:${LEADSCORE_MLFLOW_PORT:-5000}}"
export LEADSCORE_TEST_PUSHGATEWAY="${LEADSCORE_TEST_PUSHGATEWAY:-127.0.0.1:${LEADSCORE_PUSHGATEWAY_PORT:-9091}}"

bin/stack install || exit 1
bin/airflow-env || exit 1

services_answer() {
  curl -fs -o /dev/null --max-time 3 "$LEADSCORE_TEST_MLFLOW_URI/health" \
    && curl -fs -o /dev/null --max-time 3 "http://$LEADSCORE_TEST_PUSHGATEWAY/-/ready"
}
started_stack=false
if ! services_answer; then
  started_stack=true
  bin/stack up || exit 1
fi
cleanup() { if $started_stack; then bin/stack down || true; fi; }
trap cleanup EXIT

failed=()
run_suite() { # name python folder
  local name=$1 python=$2 folder=$3 t0 rc
  echo "== Python tests: $name ($folder) =="
  t0=$(date +%s)
  "$python" -m pytest -q -p no:cacheprovider "$folder" "${@:4}"
  rc=$?
  # pytest exits 5 when it collected nothing: a suite that ran no test has failed too.
  [[ $rc -eq 0 ]] || failed+=("$name (pytest exit $rc)")
  echo "== $name: exit $rc in $(( $(date +%s) - t0 )) s =="
}

run_suite stack "$VENV/bin/python" tests/python "$@"
run_suite airflow "$AIRFLOW_VENV/bin/python" airflow-dags/tests "$@"

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "python tests: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "python tests: all suites passed"
