"""PySpark helpers of bench/score_bench.sh (run with spark-submit and the leadscore jar, which
carries Delta):

    score_tools.py inflate  <small scoring features> <out> <rows>
        Replicates a gold scoring-features table to about <rows> leads (new lead ids, numeric
        features jittered, feature hash made unique), change data feed on, as the features job
        writes it.
    score_tools.py baseline <scoring features> <out> <comma-separated model inputs>
        The cost no scorer avoids: reads the model's input columns and writes an output as wide
        as the scores table (the same columns and types, reasons included), computed by a
        trivial expression instead of the model. Timed from before the session was built.
    score_tools.py change   <scoring features> <percent>
        Changes the features of <percent> % of the leads (chosen by a hash of the lead id) in
        one MERGE, as a features run in which that share of the leads moved.
"""
import math
import sys
import time

from pyspark.sql import SparkSession, functions as F
from pyspark.sql.types import DoubleType, FloatType

LEAD_ID = "lead_id"
FEATURE_HASH = "_feature_hash"  # the gold column; the scores table calls it feature_hash


def session(name):
    return (SparkSession.builder.appName(name)
            .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
            .config("spark.sql.catalog.spark_catalog",
                    "org.apache.spark.sql.delta.catalog.DeltaCatalog")
            .config("spark.sql.session.timeZone", "UTC")
            .getOrCreate())


def inflate(spark, source, target, rows):
    small = spark.read.format("delta").load(source)
    n = small.count()
    copies = max(1, math.ceil(rows / n))
    doubles = [f.name for f in small.schema.fields
               if isinstance(f.dataType, (DoubleType, FloatType)) and f.name != LEAD_ID]
    big = small.repartition(8).crossJoin(F.broadcast(spark.range(copies).withColumnRenamed("id", "copy")))
    for c in doubles:
        big = big.withColumn(c, F.col(c) * (F.lit(0.8) + F.rand(seed=hash(c) % 1000) * 0.4))
    big = (big.withColumn(LEAD_ID, F.concat_ws("-", F.col(LEAD_ID), F.col("copy").cast("string")))
           # A new hash per copy, of the gold column's type (xxhash64: a long, as features writes)
           .withColumn(FEATURE_HASH, F.xxhash64(F.col(FEATURE_HASH), F.col("copy")))
           .drop("copy"))
    (big.write.format("delta").mode("overwrite")
     .option("delta.enableChangeDataFeed", "true").save(target))
    print(f"score_tools: {spark.read.format('delta').load(target).count()} leads "
          f"({n} × {copies}) in {target}", flush=True)


def reasons(names, value):
    """The scores table's reasons type, array<struct<feature, contribution>>, trivial values."""
    return F.array(*[F.struct(F.lit(c).alias("feature"), (value / (i + 1)).alias("contribution"))
                     for i, c in enumerate(names)])


def baseline(spark, source, target, inputs, start):
    """Timed from `start`, taken before the session was built, as the score job's in-job time
    includes building its session and loading the features' Delta log."""
    features = spark.read.format("delta").load(source)
    missing = [c for c in inputs if c not in features.columns]
    if missing:
        sys.exit(f"score_tools: the features table lacks the model inputs {missing}")
    trivial = (F.abs(F.xxhash64(*[F.col(c) for c in inputs])) % 1000000) / 1000000.0
    out = features.select(
        F.col(LEAD_ID), trivial.alias("score"),
        # The ranking's resolution: at most 100,000 distinct percentiles, as the job writes.
        (F.floor(trivial * 100000) / 100000).alias("percentile"),
        F.when(trivial >= 0.9, "A").when(trivial >= 0.7, "B").when(trivial >= 0.4, "C")
        .otherwise("D").alias("tier"),
        # Varied contributions pushing down and 100 values pushing up: in the demo champion's
        # scores the up contributions repeat (the same one-hot levels), so they compress to a
        # third of the down ones. At 3M leads this output is 106 MB and the scores table 112 MB,
        # so the baseline does not overstate the floor (bench/score_bench.sh prints both sizes).
        reasons(inputs[:3], F.floor(trivial * 100) / 100).alias("reasons_up"),
        reasons(inputs[-3:], -trivial).alias("reasons_down"),
        F.lit("leadscore_synthetic").alias("model_name"), F.lit("1").alias("model_version"),
        F.lit(False).alias("fallback"), F.lit(1).cast("long").alias("features_version"),
        F.col(FEATURE_HASH).alias("feature_hash"), F.current_timestamp().alias("scored_at"),
        F.lit("baseline").alias("run_id"))
    out.write.format("delta").mode("overwrite").save(target)
    print(f"score_tools: baseline wrote {spark.read.format('delta').load(target).count()} rows "
          f"in {time.time() - start:.1f} s", flush=True)


def change(spark, source, percent):
    from delta.tables import DeltaTable  # noqa: import needs the jar's classes on the JVM side
    table = DeltaTable.forPath(spark, source)
    features = spark.read.format("delta").load(source)
    numeric = next(f.name for f in features.schema.fields
                   if isinstance(f.dataType, DoubleType) and f.name != LEAD_ID)
    # Salted with the table version: a second change picks other leads, as real changes would
    # (the same leads again would sit in the small files the last scoring run wrote).
    version = table.history(1).collect()[0]["version"]
    picked = (features.where(F.abs(F.xxhash64(LEAD_ID, F.lit(version))) % 10000
                             < int(percent * 100))
              .select(LEAD_ID, F.col(numeric), F.col(FEATURE_HASH)))
    changed = (picked.withColumn(numeric, F.coalesce(F.col(numeric), F.lit(0.0)) + 1.0)
               .withColumn(FEATURE_HASH, F.xxhash64(F.col(FEATURE_HASH), F.lit("changed"))))
    (table.alias("t").merge(changed.alias("s"), f"t.{LEAD_ID} = s.{LEAD_ID}")
     .whenMatchedUpdate(set={numeric: f"s.{numeric}", FEATURE_HASH: f"s.{FEATURE_HASH}"})
     .execute())
    n = spark.read.format("delta").option("readChangeFeed", "true").option(
        "startingVersion", table.history(1).collect()[0]["version"]).load(source).where(
        "_change_type = 'update_postimage'").count()
    print(f"score_tools: changed {numeric} of {n} leads", flush=True)


if __name__ == "__main__":
    started = time.time()
    spark = session("leadscore bench: " + " ".join(sys.argv[1:2]))
    command, args = sys.argv[1], sys.argv[2:]
    if command == "inflate":
        inflate(spark, args[0], args[1], int(args[2]))
    elif command == "baseline":
        baseline(spark, args[0], args[1], args[2].split(","), started)
    elif command == "change":
        change(spark, args[0], float(args[1]))
    else:
        sys.exit(__doc__)
    spark.stop()
