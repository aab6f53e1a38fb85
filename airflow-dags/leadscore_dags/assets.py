"""The lakehouse's Delta tables as Airflow Assets, so that DAGs can be scheduled on them.

Names are stable (``leadscore.<layer>.<source>.<table>``); URIs are where the tables live
(the layout of io.leadscore.transforms.lakehouse.Lakehouse: ``<root>/<layer>/<source>/<name>``
for data tables, ``<root>/ops/<name>`` for the ops tables shared by all sources). A DAG of
yours can run whenever fresh scores land with ``schedule=[assets.SCORES]``.
"""
from __future__ import annotations

from airflow.sdk import Asset

from leadscore_dags.settings import LAKEHOUSE_URI, SOURCE

GROUP = "leadscore"


def table(layer: str, name: str, per_source: bool = True) -> Asset:
    path = f"{layer}/{SOURCE}/{name}" if per_source else f"{layer}/{name}"
    label = f"{layer}.{SOURCE}.{name}" if per_source else f"{layer}.{name}"
    return Asset(name=f"leadscore.{label}", uri=f"{LAKEHOUSE_URI}/{path}", group=GROUP,
                 extra={"format": "delta"})


BRONZE_LEADS = table("bronze", "leads")
BRONZE_EVENTS = table("bronze", "events")
SILVER_LEADS = table("silver", "leads")
SILVER_EVENTS = table("silver", "events")
QUARANTINE = table("silver", "quarantine")
GOLD_FEATURES = table("gold", "features")
GOLD_LABELS = table("gold", "labels")
GOLD_SCORING_FEATURES = table("gold", "scoring_features")
SCORES = table("serving", "scores")
INGEST_LOG = table("ops", "ingest_log", per_source=False)
QUALITY_RUNS = table("ops", "quality_runs", per_source=False)
LEAKAGE_REPORT = table("ops", "leakage_report", per_source=False)
DRIFT = table("ops", "drift", per_source=False)

# The registered model in MLflow (new version, aliases) that train and the gate update: a
# logical Asset, since the model name is a run-time Variable.
MODEL = Asset(name=f"leadscore.model.{SOURCE}", uri=f"x-leadscore://model/{SOURCE}",
              group=GROUP)
