"""Reads the tables an end-to-end run wrote and prints facts about them as one JSON line.

Run by test_e2e.py with the project's Python (PySpark; Airflow's virtualenv has none):

    $LEADSCORE_VENV/bin/python e2e_tables.py <lakehouse> <source> <jar>

It only measures; test_e2e.py asserts.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "python"))
import leadscore_notebook as ln  # noqa: E402


def main(lakehouse: str, source: str, jar: str) -> dict:
    from pyspark.sql import functions as F

    spark = ln.spark_session(jar, app="leadscore-e2e-checks", master="local[1]")
    read = lambda table: ln.read(spark, lakehouse, table, source)  # noqa: E731
    facts: dict = {}

    scoring, scores = read("gold_scoring_features"), read("scores")
    current = scoring.select("lead_id").distinct()
    scored = scores.select("lead_id")
    facts["current_leads"] = current.count()
    facts["scores_rows"] = scores.count()
    facts["scores_distinct_leads"] = scored.distinct().count()
    facts["current_without_score"] = current.join(scored, "lead_id", "left_anti").count()
    facts["scores_not_current"] = scored.join(current, "lead_id", "left_anti").count()
    facts["tiers"] = {r["tier"]: r["count"] for r in scores.groupBy("tier").count().collect()}
    facts["null_scores"] = scores.where(F.col("score").isNull() | F.isnan("score")).count()
    facts["scores_outside_0_1"] = scores.where((F.col("score") < 0) | (F.col("score") > 1)).count()
    reasons = F.coalesce(F.size("reasons_up"), F.lit(0)) + F.coalesce(F.size("reasons_down"), F.lit(0))
    facts["rows_without_reasons"] = scores.where(reasons <= 0).count()
    facts["models"] = [f"{r[0]}@{r[1]}" for r in
                       scores.select("model_name", "model_version").distinct().collect()]
    facts["fallback_rows"] = scores.where(F.col("fallback")).count()

    runs = read("quality_runs").where(F.col("source") == source)
    facts["quality_runs"] = [
        {k: (list(v) if isinstance(v, list) else v) for k, v in r.asDict().items()}
        for r in runs.select("dataset", "status", F.size("batches").alias("batches"),
                             "rows_read", "inserted", "updated", "quarantined", "superseded",
                             "reconciled").orderBy("started_at").collect()]
    facts["bronze_rows"] = {"leads": read("bronze_leads").count(),
                            "events": read("bronze_events").count()}
    facts["silver_rows"] = {"leads": read("silver_leads").count(),
                            "events": read("silver_events").count()}
    quarantine = read("quarantine")
    facts["quarantine_rows"] = {r[0]: r[1] for r in
                                quarantine.groupBy("dataset").count().collect()}
    facts["quarantine_without_reason"] = quarantine.where(F.size("violations") <= 0).count()
    drift = read("drift")
    facts["drift_rows"] = drift.count() if drift is not None else 0
    spark.stop()
    return facts


if __name__ == "__main__":
    print("E2E_FACTS " + json.dumps(main(*sys.argv[1:4]), default=str))
