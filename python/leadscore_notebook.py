"""What the notebooks (notebooks/*.ipynb) share: a local PySpark session that reads the Delta
tables the Java jobs wrote, and the lakehouse layout (io.leadscore.transforms.lakehouse.Table:
``<root>/<layer>/<source>/<name>`` for data tables, ``<root>/ops/<name>`` for the ops tables).

The leadscore jar goes on ``spark.jars``: it carries Delta (no download at run time) and the
custom MLlib stages a champion model needs (with :func:`leadscore_stages.register`).
"""
from __future__ import annotations

import os
from pathlib import Path

HOME = Path(__file__).resolve().parents[1]
DEFAULT_JAR = HOME / "jobs/target/leadscore-jobs-all.jar"

# Table -> (layer, per source); the names of io.leadscore.transforms.lakehouse.Table.
TABLES = {
    "bronze_leads": ("bronze", "leads", True),
    "bronze_events": ("bronze", "events", True),
    "silver_leads": ("silver", "leads", True),
    "silver_events": ("silver", "events", True),
    "quarantine": ("silver", "quarantine", True),
    "gold_features": ("gold", "features", True),
    "gold_scoring_features": ("gold", "scoring_features", True),
    "scores": ("serving", "scores", True),
    "ingest_log": ("ops", "ingest_log", False),
    "quality_runs": ("ops", "quality_runs", False),
    "leakage_report": ("ops", "leakage_report", False),
    "drift": ("ops", "drift", False),
    "job_runs": ("ops", "job_runs", False),
}


def table_path(lakehouse: str, table: str, source: str) -> str:
    """Where `table` (a key of TABLES) of `source` lives under the lakehouse root."""
    if table not in TABLES:
        raise ValueError(f"table must be one of {sorted(TABLES)}, cannot be: {table}")
    layer, name, per_source = TABLES[table]
    root = str(lakehouse).rstrip("/")
    return f"{root}/{layer}/{source}/{name}" if per_source else f"{root}/{layer}/{name}"


def spark_session(jar: str | os.PathLike | None = None, app: str = "leadscore-notebook",
                  master: str = "local[2]"):
    """A local Delta-enabled SparkSession with the leadscore jar (default: this checkout's)."""
    from pyspark.sql import SparkSession

    jar = Path(jar or os.environ.get("LEADSCORE_JAR") or DEFAULT_JAR)
    if not jar.is_file():
        raise FileNotFoundError(f"no leadscore jar at {jar}: build it with "
                                "`mvn -B -q package -DskipTests -pl jobs -am`")
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    return (SparkSession.builder.master(master).appName(app)
            .config("spark.jars", str(jar))
            .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
            .config("spark.sql.catalog.spark_catalog",
                    "org.apache.spark.sql.delta.catalog.DeltaCatalog")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.driver.memory", "1g")
            .config("spark.sql.session.timeZone", "UTC")
            .getOrCreate())


def is_table(spark, path: str) -> bool:
    """True when a Delta table exists at `path`."""
    jvm = spark._jvm
    return bool(jvm.io.delta.tables.DeltaTable.isDeltaTable(spark._jsparkSession, path))


def read(spark, lakehouse: str, table: str, source: str, version: int | None = None):
    """The Delta table (optionally at a version); None when it does not exist yet."""
    path = table_path(lakehouse, table, source)
    if not is_table(spark, path):
        return None
    reader = spark.read.format("delta")
    if version is not None:
        reader = reader.option("versionAsOf", version)
    return reader.load(path)


def history(spark, lakehouse: str, table: str, source: str):
    """The Delta history of a table as a pandas frame, oldest version first."""
    path = table_path(lakehouse, table, source)
    return (spark.sql(f"DESCRIBE HISTORY delta.`{path}`")
            .select("version", "timestamp", "operation", "operationMetrics")
            .orderBy("version").toPandas())
