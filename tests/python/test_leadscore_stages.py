"""A PipelineModel with leadscore's custom stages, saved by the JVM, loads in PySpark with
leadscore_stages.register() (and does not without it) and scores like the JVM model."""
import glob
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python"))


def _jars():
    def find():
        return [j for pattern in ("features/target/leadscore-features-*.jar",
                                  "transforms/target/leadscore-transforms-*.jar")
                for j in glob.glob(str(ROOT / pattern)) if not j.endswith("-tests.jar")]
    if len(find()) < 2:
        subprocess.run(["mvn", "-B", "-q", "-DskipTests", "package", "-pl", "features", "-am"],
                       cwd=ROOT, check=True)
    return find()


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession
    session = (SparkSession.builder.master("local[1]").appName("leadscore-stages-test")
               .config("spark.jars", ",".join(_jars()))
               .config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "2").getOrCreate())
    yield session
    session.stop()


def _java_array(gateway, cls, values):
    array = gateway.new_array(cls, len(values))
    for i, v in enumerate(values):
        array[i] = v
    return array


def _saved_model(spark, tmp_path):
    jvm = spark._jvm
    gateway = spark.sparkContext._gateway
    ml = jvm.io.leadscore.features.ml
    strings = lambda *v: _java_array(gateway, jvm.String, list(v))
    stages = _java_array(gateway, jvm.org.apache.spark.ml.PipelineStage, [
        ml.RareLevelGrouper().setInputCols(strings("city")).setMinCount(2),
        ml.MissingIndicator().setInputCols(strings("amount")),
        ml.BooleanToNumber().setInputCols(strings("flag")),
    ])
    training = spark.createDataFrame(
        [("Berlin", 1.0, True), ("Berlin", None, False), ("Oslo", 2.0, None)],
        "city string, amount double, flag boolean")
    model = jvm.org.apache.spark.ml.Pipeline().setStages(stages).fit(training._jdf)
    path = str(tmp_path / "model")
    model.save(path)
    return path, model


def test_custom_stages_load_in_pyspark_only_with_the_wrappers(spark, tmp_path):
    from pyspark.ml import PipelineModel
    from pyspark.sql import DataFrame
    path, java_model = _saved_model(spark, tmp_path)
    scoring = spark.createDataFrame(
        [("Berlin", 3.0, True), ("Tokyo", None, None), (None, float("nan"), False)],
        "city string, amount double, flag boolean")

    sys.modules.pop("io.leadscore.features.ml", None)
    with pytest.raises(ModuleNotFoundError):
        PipelineModel.load(path)

    import leadscore_stages
    leadscore_stages.register()
    model = PipelineModel.load(path)
    assert [type(s).__name__ for s in model.stages] == [
        "RareLevelGrouperModel", "MissingIndicator", "BooleanToNumber"]
    rows = [tuple(r) for r in model.transform(scoring)
            .select("city__grp", "amount__missing", "flag__num").collect()]
    assert rows == [("Berlin", 0.0, 1.0), ("__other__", 1.0, None), ("__missing__", 1.0, 0.0)]
    jvm_rows = DataFrame(java_model.transform(scoring._jdf), spark) \
        .select("city__grp", "amount__missing", "flag__num").collect()
    assert rows == [tuple(r) for r in jvm_rows]
