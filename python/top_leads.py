"""Prints the best-scored current leads with their tier and reasons (bin/demo's last step):

    python python/top_leads.py <lakehouse root> <source> [n]

Reads serving/<source>/scores with PySpark and the leadscore jar (see leadscore_notebook).
"""
import sys

from pyspark.sql import functions as F

import leadscore_notebook as ln


def reasons(items) -> str:
    return ", ".join(f"{r['feature']} {r['contribution']:+.2f}" for r in items or [])


def main(lakehouse: str, source: str, n: int) -> None:
    spark = ln.spark_session(app="leadscore top leads")
    path = ln.table_path(lakehouse, "scores", source)
    if not ln.is_table(spark, path):
        sys.exit(f"top_leads: no scores table at {path}: run the score job first")
    scores = spark.read.format("delta").load(path)
    print(f"top {n} of {scores.count()} scored leads in {path} "
          f"(tiers: {dict(sorted((r['tier'], r['count']) for r in scores.groupBy('tier').count().collect()))}):")
    for r in scores.orderBy(F.col("score").desc(), F.col("lead_id")).limit(n).collect():
        print(f"  {r['lead_id']}  score {r['score']:.3f}  percentile {r['percentile']:.4f}  "
              f"tier {r['tier']}  model {r['model_name']} v{r['model_version']}")
        print(f"      up:   {reasons(r['reasons_up'])}")
        print(f"      down: {reasons(r['reasons_down'])}")
    spark.stop()


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) == 4 else 5)
