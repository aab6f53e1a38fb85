"""Where the DAGs find the jar, the config and the lakehouse: environment variables read at
parse time (documented defaults, no Variable or Connection lookups), plus Jinja templates that
read Airflow Variables only when a task runs.

Parse time (environment of the scheduler/DAG processor and the workers):

=========================  ====================================================  ============
variable                   default                                               used for
=========================  ====================================================  ============
LEADSCORE_HOME             the checkout holding this folder                      defaults below
LEADSCORE_SOURCE           ``synthetic``                                         --source, Asset URIs
LEADSCORE_LAKEHOUSE_URI    ``file://$LEADSCORE_HOME/lakehouse`` (conf/local.yaml)  Asset URIs only
LEADSCORE_JAR              ``$LEADSCORE_HOME/jobs/target/leadscore-jobs-all.jar``  Variable default
LEADSCORE_CONFIG           ``$LEADSCORE_HOME/conf/local.yaml``                   Variable default
LEADSCORE_MODEL_NAME       ``leadscore_$LEADSCORE_SOURCE`` (the jobs' default)   Variable default
LEADSCORE_MLFLOW_URI       ``http://127.0.0.1:5000``                             Variable default
=========================  ====================================================  ============

Run time (Airflow Variables, each optional; the default is the parse-time value above):
``leadscore_jar``, ``leadscore_config``, ``leadscore_model_name``, ``leadscore_mlflow_uri``,
``leadscore_shuffle_partitions`` (8), ``leadscore_driver_memory`` (2g),
``leadscore_driver_java_options`` (the checkout's quiet log4j2 config).

The Airflow worker needs ``spark-submit`` on its PATH (the provider accepts only the names
spark-submit/spark2-submit/spark3-submit, so the connection cannot hold a path) with
SPARK_HOME set, and the jobs' secrets in its environment (LEADSCORE_PII_KEY). The config file
must give an absolute ``lakehouse.root``: a task's working directory is not the checkout.

The source and the lakehouse location are environment only, because they name the Assets,
which Airflow needs when it parses the DAG; the job itself reads the lakehouse root from its
config file, so LEADSCORE_LAKEHOUSE_URI must point where that config's ``lakehouse.root`` does.
"""
from __future__ import annotations

import os
from pathlib import Path

HOME = Path(os.environ.get("LEADSCORE_HOME") or Path(__file__).resolve().parents[2])
SOURCE = os.environ.get("LEADSCORE_SOURCE", "synthetic")
LAKEHOUSE_URI = os.environ.get("LEADSCORE_LAKEHOUSE_URI", f"file://{HOME}/lakehouse").rstrip("/")

MAIN_CLASS = "io.leadscore.jobs.cli.LeadscoreCli"
SPARK_CONN_ID = "spark_default"


def _var(name: str, default: str) -> str:
    """A Jinja expression that reads Variable `name` when the task runs, else `default`."""
    return "{{ var.value.get('%s', '%s') }}" % (name, default.replace("'", "\\'"))


JAR = _var("leadscore_jar", os.environ.get("LEADSCORE_JAR", str(HOME / "jobs/target/leadscore-jobs-all.jar")))
CONFIG = _var("leadscore_config", os.environ.get("LEADSCORE_CONFIG", str(HOME / "conf/local.yaml")))
# train registers, score reads and the gate checks this registered model (the jobs' own
# default is leadscore_<source>; a Variable lets a test or a second deployment use another).
MODEL_NAME = _var("leadscore_model_name", os.environ.get("LEADSCORE_MODEL_NAME", f"leadscore_{SOURCE}"))
MLFLOW_URI = _var("leadscore_mlflow_uri", os.environ.get("LEADSCORE_MLFLOW_URI", "http://127.0.0.1:5000"))
SHUFFLE_PARTITIONS = _var("leadscore_shuffle_partitions", "8")
DRIVER_MEMORY = _var("leadscore_driver_memory", "2g")
DRIVER_JAVA_OPTIONS = _var("leadscore_driver_java_options",
                           f"-Dlog4j2.configurationFile=file:{HOME}/conf/log4j2.properties")
