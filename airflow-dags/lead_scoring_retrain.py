"""
### lead_scoring_retrain

Every Monday at 03:00 UTC, and whenever **lead_scoring_daily** detects drift (it triggers
this DAG with `conf={"reason": "drift", ...}`): build the **training features** (one row per
lead at its observation point, with its label) → **train** the candidate models, log them to
MLflow, register the winner as `challenger` and promote it to `champion` if it passes the
gate → **gate** reports the registry's decision (champion and challenger versions, promoted
or not) and fails when there is no champion at all.

Each job is one `spark-submit` of the leadscore jar (connection `spark_default`); settings as
in lead_scoring_daily (`leadscore_dags/settings.py`). Assets: the gold features and labels,
and the registered model (`leadscore.model.<source>`), which lead_scoring_daily's score reads.
"""
from __future__ import annotations

from datetime import timedelta

from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import DAG, chain

from leadscore_dags import assets, settings
from leadscore_dags.defaults import DEFAULT_ARGS, START_DATE
from leadscore_dags.gate import gate_outcome
from leadscore_dags.operators import LeadscoreJobOperator

with DAG(
    dag_id="lead_scoring_retrain",
    description="training features → train → champion/challenger gate",
    schedule="0 3 * * 1",
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(hours=8),
    default_args=DEFAULT_ARGS,
    tags=["leadscore", "spark", "training"],
    doc_md=__doc__,
) as dag:
    features = LeadscoreJobOperator(
        task_id="features_training",
        job="features",
        job_args=["--mode", "training"],
        inlets=[assets.SILVER_LEADS, assets.SILVER_EVENTS],
        outlets=[assets.GOLD_FEATURES, assets.GOLD_LABELS],
        execution_timeout=timedelta(hours=2),
        doc_md="Point-in-time training rows (features as of each lead's observation point, "
               "label from the label window) → gold features and labels.",
    )
    train = LeadscoreJobOperator(
        task_id="train",
        job="train",
        job_args=["--model-name", settings.MODEL_NAME],
        inlets=[assets.GOLD_FEATURES, assets.GOLD_LABELS],
        outlets=[assets.MODEL],
        execution_timeout=timedelta(hours=4),
        doc_md="Screens features for leakage, tunes the candidate models, evaluates the winner, "
               "logs everything to MLflow, registers it as challenger and runs the gate.",
    )
    gate = PythonOperator(
        task_id="gate",
        python_callable=gate_outcome,
        op_kwargs={"tracking_uri": settings.MLFLOW_URI, "model": settings.MODEL_NAME},
        inlets=[assets.MODEL],
        execution_timeout=timedelta(minutes=5),
        doc_md="Reads the champion/challenger aliases from the MLflow registry (XCom: versions "
               "and whether the new model was promoted); fails when there is no champion.",
    )

    chain(features, train, gate)
