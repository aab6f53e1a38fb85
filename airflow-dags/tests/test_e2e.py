"""End to end: both real DAGs run with dag.test() on a small generated dataset, every job a
real spark-submit of the jar, against the local MLflow server and Pushgateway; then the three
notebooks run headless (papermill) on what the run wrote.

1. ``generate`` writes 57 of 60 daily drops (3,000 leads, ending yesterday) into a temporary
   landing folder; ``lead_scoring_daily`` runs with only ``ingest`` and ``validate`` executed
   (the rest marked success, since no model exists yet);
2. ``lead_scoring_retrain``: training features → train → gate, on a registered model whose
   name is unique to this test run (Variable ``leadscore_model_name``);
3. ``generate`` adds the last three drops; the whole ``lead_scoring_daily`` runs: new files
   ingested and validated, scoring features, score, drift check (exit 3 = drift is an outcome
   that triggers the retrain DAG, not a failure);
4. notebooks 01-03 run against that lakehouse and registry.

The registered model and its experiment are deleted afterwards (LEADSCORE_E2E_KEEP=1 keeps
them); the temporary lakehouse stays in pytest's basetemp (the last three runs are kept).

Training is kept small by the test's config (logistic regression only, two folds). The DAGs'
retries (5 minutes apart) are set to 0 for these runs so a broken job fails the test at once.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import DAGS, ROOT

SOURCE = "synthetic"
LEADS, DAYS, FIRST_DROPS = 3000, 60, 57
MAIN_CLASS = "io.leadscore.jobs.cli.LeadscoreCli"
NOTEBOOKS = ROOT / "notebooks"
TIMINGS: dict[str, float] = {}


def _mlflow_get(base: str, path: str, **params) -> dict:
    url = f"{base}/api/2.0/mlflow/{path}?{urllib.parse.urlencode(params)}"
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def _mlflow_post(base: str, path: str, body: dict, method: str = "POST") -> dict:
    request = urllib.request.Request(f"{base}/api/2.0/mlflow/{path}", method=method,
                                     data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def _forget_model(base: str, model: str) -> None:
    """Deletes the run's registered model and its experiment (named after the model) from the
    shared server; LEADSCORE_E2E_KEEP=1 keeps them for a look in the MLflow UI."""
    try:
        _mlflow_post(base, "registered-models/delete", {"name": model}, method="DELETE")
        experiment = _mlflow_get(base, "experiments/get-by-name", experiment_name=model)
        _mlflow_post(base, "experiments/delete",
                     {"experiment_id": experiment["experiment"]["experiment_id"]})
    except OSError as error:      # nothing was registered (an earlier step failed)
        print(f"e2e cleanup: {error}")


def _config(work: Path, services: dict[str, str]) -> Path:
    lakehouse = work / "lakehouse"
    path = work / "e2e.yaml"
    # The jobs find a source's contract in contracts/ beside their config (a task's working
    # directory is not the checkout, so conf/contracts/ would not be found).
    shutil.copytree(ROOT / "conf/contracts", work / "contracts")
    path.write_text(f"""\
lakehouse:
  root: {lakehouse}
  landing: {work / "landing"}
mlflow:
  trackingUri: {services["mlflow"]}
metrics:
  pushgateway: {services["pushgateway"]}
pii:
  hashKey: ${{LEADSCORE_PII_KEY}}
spark:
  spark.sql.shuffle.partitions: "4"
training:
  # Small on purpose: one family, two folds (the pipeline, not the model search, is tested).
  families: [lr]
  folds: 2
  parallelism: 1
  gate:
    criteria: ["roc_auc >= 0.6"]
""")
    return path


def _generate(jar: Path, config: Path, drops: int) -> None:
    """The generator through spark-submit; drops end yesterday, so nothing is in the future."""
    start = date.today() - timedelta(days=DAYS)
    command = ["spark-submit", "--master", "local[2]", "--driver-memory", "1g",
               "--conf", "spark.ui.showConsoleProgress=false",
               "--driver-java-options",
               f"-Dlog4j2.configurationFile=file:{ROOT}/conf/log4j2.properties",
               "--class", MAIN_CLASS, str(jar), "generate", "--config", str(config),
               "--leads", str(LEADS), "--days", str(DAYS), "--drops", str(drops),
               "--start-date", start.isoformat()]
    result = subprocess.run(command, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"generate exited {result.returncode}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"


def _set_variables(values: dict[str, str]) -> None:
    from airflow.models.variable import Variable
    for key, value in values.items():
        Variable.set(key, value)


def _delete_variables(keys) -> None:
    from airflow.models.variable import Variable
    for key in keys:
        Variable.delete(key)


def _load_dag(dag_id: str):
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS))
    assert bag.import_errors == {}, bag.import_errors
    dag = bag.dags[dag_id]
    # A failed job fails the run now instead of retrying 5 minutes later (dag.test() would wait).
    for task in dag.tasks:
        task.retries = 0
    return dag


def _run(dag_id: str, mark_success: str | None = None):
    """dag.test() of a DAG file; returns (run, {task_id: (state, xcom return value)})."""
    from airflow.models import TaskInstance
    from airflow.utils.session import create_session

    dag = _load_dag(dag_id)
    t0 = time.monotonic()
    run = dag.test(mark_success_pattern=mark_success)
    TIMINGS[dag_id + (" (ingest, validate)" if mark_success else "")] = time.monotonic() - t0
    with create_session() as session:
        tis = session.query(TaskInstance).filter(TaskInstance.dag_id == dag_id,
                                                 TaskInstance.run_id == run.run_id).all()
        outcome = {ti.task_id: (str(ti.state), ti.xcom_pull(task_ids=ti.task_id)) for ti in tis}
    return run, outcome


def _states(outcome):
    return {task_id: state for task_id, (state, _) in outcome.items()}


@pytest.fixture(scope="module")
def e2e(airflow_db, spark_env, jar, services, tmp_path_factory, spark_submit_venv):
    """Runs the whole sequence once for the module; the tests below assert on its results."""
    work = tmp_path_factory.mktemp("e2e")
    config = _config(work, services)
    model = f"leadscore_e2e_{uuid.uuid4().hex[:10]}"
    os.environ.setdefault("LEADSCORE_PII_KEY", uuid.uuid4().hex)
    variables = {
        "leadscore_config": str(config),
        "leadscore_jar": str(jar),
        "leadscore_model_name": model,
        "leadscore_mlflow_uri": services["mlflow"],
        "leadscore_shuffle_partitions": "4",
    }
    _set_variables(variables)
    state = {"work": work, "lakehouse": work / "lakehouse", "config": config, "model": model,
             "jar": jar, "services": services, "venv": spark_submit_venv}
    try:
        _load_dag("lead_scoring_daily")     # a DAG that does not parse fails before any job runs
        t0 = time.monotonic()
        _generate(jar, config, FIRST_DROPS)
        TIMINGS["generate"] = time.monotonic() - t0
        state["first_daily"] = _run(
            "lead_scoring_daily",
            mark_success="features_scoring|score|drift_check|drift_above_threshold|trigger_retrain")
        state["retrain"] = _run("lead_scoring_retrain")
        _generate(jar, config, DAYS)
        state["daily"] = _run("lead_scoring_daily")
        TIMINGS["end to end"] = time.monotonic() - t0
        print(f"\nE2E TIMINGS (s): {json.dumps({k: round(v, 1) for k, v in TIMINGS.items()})}")
        yield state
    finally:
        _delete_variables(variables)
        if os.environ.get("LEADSCORE_E2E_KEEP") != "1":
            _forget_model(services["mlflow"], model)


@pytest.fixture(scope="module")
def facts(e2e):
    """Facts about the tables, read with PySpark in the project's virtualenv."""
    result = subprocess.run(
        [str(e2e["venv"] / "bin/python"), str(Path(__file__).with_name("e2e_tables.py")),
         str(e2e["lakehouse"]), SOURCE, str(e2e["jar"])],
        capture_output=True, text=True, timeout=600)
    lines = [l for l in result.stdout.splitlines() if l.startswith("E2E_FACTS ")]
    assert result.returncode == 0 and lines, f"e2e_tables.py exited {result.returncode}:\n{result.stderr[-3000:]}"
    return json.loads(lines[-1][len("E2E_FACTS "):])


def test_daily_ingests_and_validates_before_any_model_exists(e2e):
    run, outcome = e2e["first_daily"]
    assert str(run.state) == "success", _states(outcome)
    assert outcome["ingest"] == ("success", "ok")
    assert outcome["validate"] == ("success", "ok")


def test_retrain_dag_registers_a_champion(e2e):
    run, outcome = e2e["retrain"]
    assert _states(outcome) == {"features_training": "success", "train": "success",
                                "gate": "success"}, outcome
    assert str(run.state) == "success"
    gate = outcome["gate"][1]
    assert gate["model"] == e2e["model"]
    assert gate["champion"] == gate["challenger"] == "1" and gate["promoted"] is True, gate

    mlflow = e2e["services"]["mlflow"]
    champion = _mlflow_get(mlflow, "registered-models/alias", name=e2e["model"],
                           alias="champion")["model_version"]
    assert champion["version"] == "1"
    metrics = {m["key"]: m["value"] for m in
               _mlflow_get(mlflow, "runs/get", run_id=champion["run_id"])["run"]["data"]["metrics"]}
    assert metrics["test_roc_auc"] >= 0.6


def test_daily_dag_scores_every_current_lead(e2e, facts):
    run, outcome = e2e["daily"]
    states = _states(outcome)
    for task in ("ingest", "validate", "features_scoring", "score", "drift_check",
                 "drift_above_threshold"):
        assert states[task] == "success", states
    drift = outcome["drift_check"][1]
    assert drift in ("ok", "drift")
    # Exit 3 (drift) is an outcome the DAG branches on: the retrain is triggered, the run green.
    assert states["trigger_retrain"] == ("success" if drift == "drift" else "skipped"), states
    assert str(run.state) == "success"

    assert facts["current_leads"] > 1000
    assert facts["current_without_score"] == 0
    assert facts["scores_not_current"] == 0
    assert facts["scores_rows"] == facts["scores_distinct_leads"] == facts["current_leads"]
    assert set(facts["tiers"]) == {"A", "B", "C", "D"}, facts["tiers"]
    assert facts["null_scores"] == 0 and facts["scores_outside_0_1"] == 0
    assert facts["rows_without_reasons"] == 0
    assert facts["models"] == [f"{e2e['model']}@1"] and facts["fallback_rows"] == 0
    assert facts["drift_rows"] > 0


def test_silver_and_quarantine_reconcile_with_the_quality_runs(e2e, facts):
    runs = facts["quality_runs"]
    for dataset in ("leads", "events"):
        mine = [r for r in runs if r["dataset"] == dataset]
        # the first daily run validated 57 drops, the second the 3 new ones
        assert [r["batches"] for r in mine] == [FIRST_DROPS, DAYS - FIRST_DROPS], mine
        for r in mine:
            assert r["reconciled"] and r["status"] in ("passed", "warned"), r
            assert r["rows_read"] == r["inserted"] + r["updated"] + r["quarantined"] + r["superseded"]
        # every bronze row went through exactly one run; silver holds one row per inserted id
        assert sum(r["rows_read"] for r in mine) == facts["bronze_rows"][dataset]
        assert sum(r["inserted"] for r in mine) == facts["silver_rows"][dataset]
        assert sum(r["quarantined"] for r in mine) == facts["quarantine_rows"].get(dataset, 0)
    assert sum(facts["quarantine_rows"].values()) > 0     # the generator plants bad records
    assert facts["quarantine_without_reason"] == 0


# --- notebooks, on what the end-to-end run wrote ---------------------------------------------

def _papermill(e2e, name: str, out_dir: Path) -> tuple[dict, float]:
    output = out_dir / name
    python = e2e["venv"] / "bin/python"
    t0 = time.monotonic()
    result = subprocess.run(
        [str(python), "-m", "papermill", str(NOTEBOOKS / name), str(output),
         "--cwd", str(NOTEBOOKS), "--kernel", "python3", "--no-progress-bar",
         "--execution-timeout", "600",
         "-p", "lakehouse", str(e2e["lakehouse"]),
         "-p", "mlflow_uri", e2e["services"]["mlflow"],
         "-p", "model_name", e2e["model"],
         "-p", "source", SOURCE,
         "-p", "jar", str(e2e["jar"])],
        capture_output=True, text=True, timeout=900,
        env={**os.environ, "PYSPARK_PYTHON": str(python), "PYSPARK_DRIVER_PYTHON": str(python)})
    elapsed = time.monotonic() - t0
    TIMINGS[f"notebook {name}"] = elapsed
    print(f"\nNOTEBOOK {name}: {elapsed:.1f} s")
    assert result.returncode == 0, f"papermill {name} exited {result.returncode}:\n{result.stderr[-4000:]}"
    return json.loads(output.read_text()), elapsed


def _summary(notebook: dict) -> dict:
    """The JSON the cell tagged `summary` printed."""
    for cell in notebook["cells"]:
        if "summary" in cell.get("metadata", {}).get("tags", []):
            text = "".join("".join(o.get("text", "")) for o in cell.get("outputs", [])
                           if o.get("output_type") == "stream")
            match = re.search(r"^SUMMARY (.*)$", text, re.M)
            assert match, f"the summary cell printed no SUMMARY line: {text[-500:]}"
            return json.loads(match.group(1))
    raise AssertionError("no cell tagged summary")


def _images(notebook: dict) -> int:
    return sum(1 for cell in notebook["cells"] for o in cell.get("outputs", [])
               if "image/png" in o.get("data", {}))


@pytest.fixture(scope="module")
def notebook_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("notebooks")


def test_notebook_01_data_quality(e2e, facts, notebook_dir):
    notebook, _ = _papermill(e2e, "01_data_quality.ipynb", notebook_dir)
    summary = _summary(notebook)
    assert summary["bronze_leads"] == facts["bronze_rows"]["leads"]
    assert summary["silver_leads"] == facts["silver_rows"]["leads"]
    assert summary["quarantine_rows"] == sum(facts["quarantine_rows"].values())
    assert summary["quality_runs"] == len(facts["quality_runs"])
    assert summary["all_runs_reconciled"] is True
    assert summary["top_failing_rules"], summary
    assert _images(notebook) >= 3


def test_notebook_02_model_review(e2e, facts, notebook_dir):
    notebook, _ = _papermill(e2e, "02_model_review.ipynb", notebook_dir)
    summary = _summary(notebook)
    assert summary["champion_version"] == "1"
    assert summary["runs_compared"] >= 1
    assert 0.6 <= summary["champion_roc_auc"] <= 1.0
    # recomputed on the held-out rows: close to what train logged
    assert abs(summary["champion_roc_auc"] - summary["logged_test_roc_auc"]) < 0.02, summary
    assert summary["sample_scored"] > 0 and summary["sample_scores_in_0_1"] is True
    # the MLflow model in Python and the score job's compiled scorer (JVM) agree
    assert summary["max_difference_to_served"] < 1e-9, summary
    assert summary["leakage_excluded"] > 0        # the generator plants leaking features
    assert _images(notebook) >= 3


def test_notebook_03_scoring_monitoring(e2e, facts, notebook_dir):
    notebook, _ = _papermill(e2e, "03_scoring_monitoring.ipynb", notebook_dir)
    summary = _summary(notebook)
    assert summary["current_scores"] == facts["scores_rows"]
    assert summary["tiers"] == facts["tiers"]
    assert summary["drift_features"] > 0
    assert summary["score_versions"] >= 1
    assert _images(notebook) >= 2
