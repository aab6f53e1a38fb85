"""The champion that leadscore's train job registered (a PipelineModel with the custom stages
RareLevelGrouper, MissingIndicator and BooleanToNumber) loads with Python's
``mlflow.spark.load_model("models:/<name>@champion")`` and scores rows exactly like the Java
side: the score job's output (CompiledScorer) and the JVM's PipelineModel.transform, within 1e-9.

Driven by the Java test io.leadscore.jobs.ChampionPythonScoringTest, which runs train and score
against the same MLflow server and passes LEADSCORE_TEST_CHAMPION_URI (models:/ URI),
LEADSCORE_TEST_PARITY_FILE (rows and both Java scores, JSON), LEADSCORE_TEST_SPARK_JARS (the jars
holding the custom stages) and MLFLOW_TRACKING_URI. Skipped when run without them.
"""
import filecmp
import json
import math
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODEL_URI = os.environ.get("LEADSCORE_TEST_CHAMPION_URI")
PARITY_FILE = os.environ.get("LEADSCORE_TEST_PARITY_FILE")
JARS = os.environ.get("LEADSCORE_TEST_SPARK_JARS", "")

pytestmark = pytest.mark.skipif(
    not (MODEL_URI and PARITY_FILE),
    reason="driven by the Java test ChampionPythonScoringTest (needs the champion it trained)",
)


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    jars = JARS
    if not jars:  # run by hand: build the stage jars like test_leadscore_stages does
        sys.path.insert(0, str(ROOT / "tests" / "python"))
        from test_leadscore_stages import _jars
        jars = ",".join(_jars())
    session = (
        SparkSession.builder.master("local[1]")
        .appName("leadscore-test-champion-scoring")
        .config("spark.jars", jars)
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "1")
        .getOrCreate()
    )
    yield session
    session.stop()


@pytest.fixture(scope="module")
def parity():
    with open(PARITY_FILE, encoding="utf-8") as f:
        return json.load(f)


def test_champion_loads_with_mlflow_spark_and_scores_like_the_score_job_and_the_jvm(
        spark, parity, tmp_path):
    import mlflow.spark
    from pyspark.ml import PipelineModel
    from pyspark.ml.functions import vector_to_array

    sys.path.insert(0, str(ROOT / "python"))
    import leadscore_stages
    leadscore_stages.register()

    model = mlflow.spark.load_model(MODEL_URI, dfs_tmpdir=str(tmp_path / "dfs"))
    assert isinstance(model, PipelineModel)
    names = [type(s).__name__ for s in model.stages]
    for stage in parity["custom_stages"]:
        assert stage in names, f"{stage} missing from the champion's stages {names}"

    rows = spark.createDataFrame([tuple(r) for r in parity["rows"]], schema=parity["schema"])
    scored = model.transform(rows).select(
        parity["id_column"], vector_to_array("probability")[1].alias("p"))
    got = {r[0]: r[1] for r in scored.collect()}
    assert not any(math.isnan(v) for v in got.values())
    for which in ("expected_transform", "expected_score_job"):
        expected = parity[which]
        assert set(got) == set(expected), which
        worst = max(abs(got[k] - expected[k]) for k in expected)
        assert worst <= 1e-9, f"largest difference from the JVM's {which}: {worst}"


def test_the_logged_model_ships_the_stage_wrappers_in_its_code_folder(tmp_path):
    import mlflow.artifacts
    import yaml

    local = Path(mlflow.artifacts.download_artifacts(MODEL_URI, dst_path=str(tmp_path)))
    shipped = local / "code" / "leadscore_stages.py"
    assert shipped.is_file()
    assert filecmp.cmp(shipped, ROOT / "python" / "leadscore_stages.py", shallow=False)
    flavors = yaml.safe_load((local / "MLmodel").read_text())["flavors"]
    assert flavors["spark"]["code"] == "code"
    assert flavors["python_function"]["code"] == "code"
