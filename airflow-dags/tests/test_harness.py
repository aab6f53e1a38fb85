"""Proves the end-to-end harness: a real dag.test() whose tasks run the leadscore jar through
SparkSubmitOperator (LeadscoreJobOperator) and the real spark-submit, against the local MLflow
and Pushgateway. The `doctor` job stands in for the pipeline's jobs until they exist.

One DAG run covers the three ways a job can end:
- exit 0: the task succeeds, returns "ok", and its outlet Asset gets an event; its jar and
  driver memory are the DAGs' templated defaults, rendered at run time (Variable
  leadscore_driver_memory, set by the fixture);
- a non-zero exit declared as an outcome (here doctor's exit 1 with MLflow unreachable, the
  same path as the drift job's exit 3): the task succeeds with that outcome, a ShortCircuit
  lets the downstream TriggerDagRunOperator start lead_scoring_retrain (as in
  lead_scoring_daily);
- exit 2 (a configuration error): the task fails at once, without using its retries.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from conftest import free_port, serialize_to_db

from airflow.providers.standard.operators.python import ShortCircuitOperator
from airflow.providers.standard.operators.trigger_dagrun import TriggerDagRunOperator
from airflow.sdk import DAG, Asset

from leadscore_dags.operators import LeadscoreJobOperator


def _config(path, lakehouse, mlflow, pushgateway, extra=""):
    path.write_text(f"""\
lakehouse:
  root: {lakehouse}
  landing: {lakehouse}/landing
mlflow:
  trackingUri: {mlflow}
metrics:
  pushgateway: {pushgateway}
{extra}""")
    return str(path)


def good_config(tmp_path):
    return str(tmp_path / "good.yaml")


def _harness_dag(tmp_path, jar, services, doctor_asset):
    good = _config(tmp_path / "good.yaml", tmp_path / "lakehouse", services["mlflow"],
                   services["pushgateway"])
    # Nothing listens on these ports: doctor reports MLflow and the Pushgateway down and exits
    # 1 (its failure metrics go nowhere, so the shared Pushgateway shows no failed run).
    dead_mlflow = _config(tmp_path / "dead.yaml", tmp_path / "lakehouse-dead",
                          f"http://127.0.0.1:{free_port()}", f"127.0.0.1:{free_port()}")
    bad_key = _config(tmp_path / "bad.yaml", tmp_path / "lakehouse-bad", services["mlflow"],
                      services["pushgateway"], extra="no_such_section: 1\n")
    common = dict(job="doctor", with_source=False, application=str(jar), driver_memory="1g",
                  retries=2, retry_delay=timedelta(seconds=1))
    with DAG(dag_id="leadscore_harness", schedule=None,
             start_date=datetime(2026, 1, 1, tzinfo=timezone.utc), catchup=False) as dag:
        # The jar and the driver memory come from the DAGs' templated defaults (a Variable).
        LeadscoreJobOperator(task_id="doctor_ok", config=good, outlets=[doctor_asset], job="doctor",
                             with_source=False, retries=2)
        unhealthy = LeadscoreJobOperator(task_id="doctor_unhealthy", config=dead_mlflow,
                                         outcomes={1: "unhealthy"}, **common)
        acted = ShortCircuitOperator(
            task_id="outcome_is_unhealthy",
            python_callable=lambda ti: ti.xcom_pull(task_ids="doctor_unhealthy") == "unhealthy")
        trigger = TriggerDagRunOperator(task_id="trigger_retrain",
                                        trigger_dag_id="lead_scoring_retrain",
                                        conf={"reason": "harness"})
        unhealthy >> acted >> trigger
        LeadscoreJobOperator(task_id="doctor_config_error", config=bad_key, **common)
    return dag


def test_dag_test_runs_the_jar_through_spark_submit(airflow_db, spark_env, jar, services,
                                                    tmp_path):
    from airflow.models import DagRun, TaskInstance
    from airflow.models.asset import AssetEvent, AssetModel
    from airflow.models.renderedtifields import RenderedTaskInstanceFields
    from airflow.utils.session import create_session

    doctor_asset = Asset(name="leadscore.harness.job_runs",
                         uri=f"file://{tmp_path}/lakehouse/ops/job_runs")
    dag = _harness_dag(tmp_path, jar, services, doctor_asset)

    serialize_to_db(dag)
    # The Airflow database is shared with the other modules' DAG runs (the e2e test triggers
    # retraining too): only the runs this DAG run adds count.
    with create_session() as session:
        retrain_runs_before = {run.run_id for run in session.query(DagRun).filter(
            DagRun.dag_id == "lead_scoring_retrain")}
    dag_run = dag.test()

    with create_session() as session:
        tis = {ti.task_id: ti for ti in session.query(TaskInstance).filter(
            TaskInstance.dag_id == "leadscore_harness", TaskInstance.run_id == dag_run.run_id)}
        states = {task_id: str(ti.state) for task_id, ti in tis.items()}
        assert states == {
            "doctor_ok": "success",
            "doctor_unhealthy": "success",
            "outcome_is_unhealthy": "success",
            "trigger_retrain": "success",
            "doctor_config_error": "failed",
        }, states
        # exit 2 is not retried although the task has retries=2
        assert tis["doctor_config_error"].try_number == 1
        assert tis["doctor_ok"].xcom_pull(task_ids="doctor_ok") == "ok"
        assert tis["doctor_ok"].xcom_pull(task_ids="doctor_unhealthy") == "unhealthy"

        rendered = RenderedTaskInstanceFields.get_templated_fields(tis["doctor_ok"], session=session)
        assert rendered["application"] == str(jar)
        assert rendered["_driver_memory"] == "1g"          # Variable leadscore_driver_memory
        assert rendered["application_args"] == ["doctor", "--config", good_config(tmp_path)]

        events = session.query(AssetEvent).join(AssetModel, AssetEvent.asset_id == AssetModel.id).filter(
            AssetModel.name == doctor_asset.name).all()
        assert len(events) == 1

        triggered = [run for run in session.query(DagRun).filter(
            DagRun.dag_id == "lead_scoring_retrain") if run.run_id not in retrain_runs_before]
        assert [run.conf for run in triggered] == [{"reason": "harness"}]

    # The doctor job really ran: it wrote its run record into the temporary lakehouse.
    assert (tmp_path / "lakehouse/ops/job_runs/_delta_log").is_dir()
    # doctor_unhealthy ran the job too (a failed run is recorded as well): its "unhealthy" came
    # from the job's own exit 1, not from spark-submit failing to start.
    assert (tmp_path / "lakehouse-dead/ops/job_runs/_delta_log").is_dir()
    # The configuration error stopped the job before it touched its lakehouse.
    assert not (tmp_path / "lakehouse-bad").exists()
