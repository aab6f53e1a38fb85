"""Baseline for bench/ingest_validate.sh: a plain Spark copy of the same landing CSV files into
Delta (header, every column a string, no checks), the least any CSV → Delta ingestion costs.

    spark-submit --jars leadscore-jobs-all.jar bench/csv_to_delta.py <leads folder> <delta out>
"""
import sys
import time

from pyspark.sql import SparkSession


def main(source: str, target: str) -> None:
    spark = (SparkSession.builder.appName("bench csv to delta")
             .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
             .config("spark.sql.catalog.spark_catalog",
                     "org.apache.spark.sql.delta.catalog.DeltaCatalog")
             .getOrCreate())
    start = time.time()
    rows = (spark.read.option("header", True).option("recursiveFileLookup", True)
            .option("pathGlobFilter", "*.csv").csv(source))
    rows.write.format("delta").mode("overwrite").save(target)
    written = spark.read.format("delta").load(target).count()
    print(f"csv_to_delta: copied {written} rows in {time.time() - start:.1f} s", flush=True)
    spark.stop()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: csv_to_delta.py <leads folder> <delta out>")
    main(sys.argv[1], sys.argv[2])
