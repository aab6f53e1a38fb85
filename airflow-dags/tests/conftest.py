"""Harness of the DAG tests, run in Airflow's own virtualenv (bin/airflow-env):

    .leadscore/airflow-venv/bin/python -m pytest airflow-dags/tests

At import (before anything imports Airflow) it points AIRFLOW_HOME at a fresh temporary
folder and the DAGs folder at airflow-dags/. Fixtures:

- ``airflow_db``: the metadata DB (SQLite) migrated, the DAGs serialized into it, and the
  connection ``spark_default`` = local[*] with the ``spark-submit`` of the project's Python
  virtualenv ($LEADSCORE_VENV, default /work/main/.leadscore/venv or .leadscore/venv).
- ``spark_env``: puts that spark-submit on PATH with SPARK_HOME, as an Airflow worker has it.
- ``jar``: the leadscore jar (built with Maven if missing).
- ``services``: the MLflow and Pushgateway addresses the jobs should use.
"""
from __future__ import annotations

import atexit
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

DAGS = Path(__file__).resolve().parents[1]
ROOT = DAGS.parent

_home = Path(tempfile.mkdtemp(prefix="leadscore-airflow-"))
atexit.register(shutil.rmtree, _home, True)
os.environ["AIRFLOW_HOME"] = str(_home)
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(DAGS)
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
# One key for this process and the `airflow` CLI subprocesses, or the connection that the CLI
# stores (encrypted) cannot be read back here.
os.environ["AIRFLOW__CORE__FERNET_KEY"] = base64.urlsafe_b64encode(os.urandom(32)).decode()
os.environ["AIRFLOW__LOGGING__LOGGING_LEVEL"] = "INFO"
os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
if str(DAGS) not in sys.path:
    sys.path.insert(0, str(DAGS))

AIRFLOW = str(Path(sys.executable).with_name("airflow"))


def _project_venv() -> Path:
    for candidate in (os.environ.get("LEADSCORE_VENV"), ROOT / ".leadscore/venv",
                      "/work/main/.leadscore/venv"):
        if candidate and (Path(candidate) / "bin/spark-submit").is_file():
            return Path(candidate)
    pytest.fail("no spark-submit: run bin/stack install (or set LEADSCORE_VENV to the project's "
                "Python virtualenv that holds pyspark)")


def _airflow(*args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([AIRFLOW, *args], capture_output=True, text=True, timeout=300,
                            env=dict(os.environ))
    if result.returncode != 0:
        pytest.fail(f"airflow {' '.join(args)} exited {result.returncode}:\n"
                    f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


@pytest.fixture(scope="session")
def spark_submit_venv() -> Path:
    return _project_venv()


@pytest.fixture(scope="session")
def airflow_db(spark_submit_venv):
    """Migrated SQLite metadata DB with the DAGs serialized and spark_default created."""
    _airflow("db", "migrate")
    _airflow("dags", "reserialize")
    _airflow("connections", "add", "spark_default", "--conn-json", json.dumps({
        "conn_type": "spark",
        "host": "local[*]",
        # Only a name on PATH is allowed here; spark_env puts the venv's spark-submit first.
        "extra": {"spark-binary": "spark-submit", "deploy-mode": "client"},
    }))
    # Read by the DAGs' templates at run time (checked by the harness test).
    _airflow("variables", "set", "leadscore_driver_memory", "1g")
    return _home


@pytest.fixture(scope="session")
def spark_env(spark_submit_venv):
    """The environment of an Airflow worker that can run spark-submit (set for the session)."""
    python = spark_submit_venv / "bin/python"
    spark_home = subprocess.run(
        [str(python), "-c", "import os, pyspark; print(os.path.dirname(pyspark.__file__))"],
        capture_output=True, text=True, check=True).stdout.strip()
    saved = {k: os.environ.get(k) for k in ("PATH", "SPARK_HOME", "PYSPARK_PYTHON")}
    os.environ["PATH"] = f"{spark_submit_venv / 'bin'}{os.pathsep}{os.environ['PATH']}"
    os.environ["SPARK_HOME"] = spark_home
    os.environ["PYSPARK_PYTHON"] = str(python)
    yield spark_home
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def jar() -> Path:
    path = Path(os.environ.get("LEADSCORE_JAR", ROOT / "jobs/target/leadscore-jobs-all.jar"))
    if not path.is_file():
        subprocess.run(["mvn", "-B", "-q", "-ntp", "package", "-DskipTests", "-pl", "jobs", "-am"],
                       cwd=ROOT, check=True, timeout=1800)
    assert path.is_file(), f"the jar was not built at {path}"
    return path


@pytest.fixture(scope="session")
def services() -> dict[str, str]:
    return {
        "mlflow": os.environ.get("LEADSCORE_TEST_MLFLOW_URI", "http://127.0.0.1:5000"),
        "pushgateway": os.environ.get("LEADSCORE_TEST_PUSHGATEWAY", "127.0.0.1:9091"),
    }


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serialize_to_db(dag) -> None:
    """Writes a DAG defined in a test into the metadata DB (dag.test() runs only DAGs that a
    bundle has serialized; the DAG files of airflow-dags/ are serialized by airflow_db)."""
    from airflow.dag_processing.dagbag import DagBag, sync_bag_to_db

    bag = DagBag(dag_folder=str(DAGS / "tests"), collect_dags=False)
    bag.bag_dag(dag)
    sync_bag_to_db(bag, "dags-folder", None)
