"""
### lead_scoring_daily

Every day at 02:00 UTC: **ingest** the new landing files into bronze → **validate** them into
silver (bad rows to quarantine) → build the **scoring features** of every current lead →
**score** them with the champion model → **drift check** of features and scores against the
model's training reference. When the drift job reports drift above its configured threshold
(exit code 3), `drift_above_threshold` lets `trigger_retrain` start **lead_scoring_retrain**;
otherwise those two tasks are skipped and the run is green.

Each job is one `spark-submit` of the leadscore jar (connection `spark_default`). Settings:
environment variables at parse time and optional Airflow Variables at run time, listed in
`leadscore_dags/settings.py` (e.g. Variable `leadscore_config` = the config file the jobs read).
Every task declares the Delta tables it reads and writes as Assets, so other DAGs can be
scheduled on them (e.g. `schedule=[leadscore_dags.assets.SCORES]`).

Exit codes of the jobs: 0 ok, 1 job failure (retried), 2 usage/config error (failed, not
retried), 3 drift above the threshold (drift job only; not a failure).
"""
from __future__ import annotations

from datetime import timedelta

from airflow.providers.standard.operators.python import ShortCircuitOperator
from airflow.providers.standard.operators.trigger_dagrun import TriggerDagRunOperator
from airflow.sdk import DAG, chain

from leadscore_dags import assets, settings
from leadscore_dags.defaults import DEFAULT_ARGS, START_DATE
from leadscore_dags.operators import EXIT_DRIFT, LeadscoreJobOperator

RETRAIN_DAG_ID = "lead_scoring_retrain"


def drift_detected(ti) -> bool:
    """True when the drift job exited 3 (its task returned "drift")."""
    return ti.xcom_pull(task_ids="drift_check") == "drift"


with DAG(
    dag_id="lead_scoring_daily",
    description="ingest → validate → scoring features → score → drift check (→ retrain)",
    schedule="0 2 * * *",
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(hours=6),
    default_args=DEFAULT_ARGS,
    tags=["leadscore", "spark", "scoring"],
    doc_md=__doc__,
) as dag:
    ingest = LeadscoreJobOperator(
        task_id="ingest",
        job="ingest",
        outlets=[assets.BRONZE_LEADS, assets.BRONZE_EVENTS, assets.INGEST_LOG],
        doc_md="New landing files → bronze Delta (each file once; the ingest log records it).",
    )
    validate = LeadscoreJobOperator(
        task_id="validate",
        job="validate",
        inlets=[assets.BRONZE_LEADS, assets.BRONZE_EVENTS],
        outlets=[assets.SILVER_LEADS, assets.SILVER_EVENTS, assets.QUARANTINE, assets.QUALITY_RUNS],
        doc_md="Bronze batches not yet validated → silver (typed, deduplicated, PII hashed) and "
               "quarantine, by the source's data contract. A blocking check fails it.",
    )
    features = LeadscoreJobOperator(
        task_id="features_scoring",
        job="features",
        job_args=["--mode", "scoring"],
        inlets=[assets.SILVER_LEADS, assets.SILVER_EVENTS],
        outlets=[assets.GOLD_SCORING_FEATURES],
        doc_md="One feature row per current lead as of the run date (gold scoring features).",
    )
    score = LeadscoreJobOperator(
        task_id="score",
        job="score",
        # Drift is measured once, by the next task (exit 3 there): scoring does not measure it.
        job_args=["--model-name", settings.MODEL_NAME, "--no-drift"],
        inlets=[assets.GOLD_SCORING_FEATURES, assets.MODEL],
        outlets=[assets.SCORES],
        execution_timeout=timedelta(hours=2),
        doc_md="Scores the changed leads with the champion model (cached fallback if the "
               "registry is down) and MERGEs score, percentile, tier and reasons into scores.",
    )
    drift_check = LeadscoreJobOperator(
        task_id="drift_check",
        job="drift",
        outcomes={EXIT_DRIFT: "drift"},
        inlets=[assets.GOLD_SCORING_FEATURES, assets.SCORES],
        outlets=[assets.DRIFT],
        execution_timeout=timedelta(minutes=30),
        doc_md="PSI per feature and of the score against the training reference → ops/drift "
               "and the Pushgateway. Returns \"drift\" (exit 3) above the threshold, else \"ok\".",
    )
    drift_above_threshold = ShortCircuitOperator(
        task_id="drift_above_threshold",
        python_callable=drift_detected,
        retries=0,
        doc_md="Lets trigger_retrain run only when drift_check returned \"drift\".",
    )
    trigger_retrain = TriggerDagRunOperator(
        task_id="trigger_retrain",
        trigger_dag_id=RETRAIN_DAG_ID,
        conf={"reason": "drift", "triggered_by": "{{ dag.dag_id }}/{{ run_id }}"},
        wait_for_completion=False,
        doc_md=f"Starts {RETRAIN_DAG_ID} (features in training mode → train → gate).",
    )

    chain(ingest, validate, features, score, drift_check, drift_above_threshold, trigger_retrain)
