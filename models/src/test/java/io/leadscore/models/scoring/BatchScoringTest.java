package io.leadscore.models.scoring;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

import io.delta.tables.DeltaTable;
import io.leadscore.testing.SparkTestSupport;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scores table's MERGE, percentiles and tiers on hand-made scored rows. */
class BatchScoringTest extends SparkTestSupport {
  private static final StructType SCORED = new StructType()
      .add(BatchScoring.LEAD_ID, DataTypes.StringType)
      .add(BatchScoring.SCORE, DataTypes.DoubleType)
      .add(BatchScoring.PERCENTILE, DataTypes.DoubleType)
      .add(BatchScoring.TIER, DataTypes.StringType)
      .add(BatchScoring.MODEL_NAME, DataTypes.StringType)
      .add(BatchScoring.MODEL_VERSION, DataTypes.StringType)
      .add(BatchScoring.FALLBACK, DataTypes.BooleanType)
      .add(BatchScoring.FEATURES_VERSION, DataTypes.LongType)
      .add(BatchScoring.FEATURE_HASH, DataTypes.StringType)
      .add(BatchScoring.SCORED_AT, DataTypes.TimestampType)
      .add(BatchScoring.RUN_ID, DataTypes.StringType);

  @TempDir
  Path dir;

  private Dataset<Row> scored(String run, int n, String changedHashOf) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = "L" + i;
      rows.add(RowFactory.create(id, (i + 1) / (double) (n + 1), null, null, "m", "1", false,
          1L, id.equals(changedHashOf) ? "h2" : "h", Timestamp.valueOf("2026-01-01 00:00:00"),
          run));
    }
    return spark().createDataFrame(rows, SCORED);
  }

  private static Dataset<Row> ranked(Dataset<Row> scored, double[] ranking) {
    return BatchScoring.withPercentile(scored, ranking, List.of(0.9, 0.7, 0.4));
  }

  @Test
  void mergeIsIdempotentRewritesOnlyChangesAndTiersFollowPercentiles() {
    String path = dir.resolve("scores").toString();
    Dataset<Row> all = scored("r1", 11, null);
    double[] ranking = BatchScoring.ranking(all);
    BatchScoring.merge(ranked(all, ranking), null, true, path);
    Dataset<Row> table = spark().read().format("delta").load(path);
    List<Row> first = table.orderBy(BatchScoring.SCORE).collectAsList();
    // 11 distinct scores: percent_rank = i / 10.
    for (int i = 0; i < first.size(); i++) {
      Row r = first.get(i);
      double p = r.getAs(BatchScoring.PERCENTILE);
      assertThat(p).isCloseTo(i / 10.0, org.assertj.core.api.Assertions.within(1e-12));
      String tier = r.getAs(BatchScoring.TIER);
      assertThat(tier).isEqualTo(p >= 0.9 ? "A" : p >= 0.7 ? "B" : p >= 0.4 ? "C" : "D");
    }
    assertThat(first.get(10).<String>getAs(BatchScoring.TIER)).isEqualTo("A");
    assertThat(first.get(0).<String>getAs(BatchScoring.TIER)).isEqualTo("D");
    long version = DeltaTable.forPath(spark(), path).history(1).head().getLong(0);
    // Into no table, a full run is a plain write (nothing to MERGE with), with deletion vectors.
    assertThat(DeltaTable.forPath(spark(), path).history(1).head().<String>getAs("operation"))
        .isEqualTo("WRITE");
    assertThat(DeltaTable.forPath(spark(), path).detail().head()
        .<scala.collection.Map<String, String>>getAs("properties")
        .get("delta.enableDeletionVectors").get()).isEqualTo("true");

    // Same inputs under another run id: nothing changes, not even a rewritten row.
    BatchScoring.merge(ranked(scored("r2", 11, null), ranking), null, true, path);
    assertThat(table.orderBy(BatchScoring.SCORE).collectAsList()).isEqualTo(first);
    assertThat(table.where(col(BatchScoring.RUN_ID).equalTo("r2")).count()).isZero();

    // One changed lead, one deleted lead (incremental, against the full run's ranking): only
    // those rows move; the others keep their percentiles.
    Dataset<Row> deleted = spark().createDataFrame(List.of(RowFactory.create("L0")),
        new StructType().add(BatchScoring.LEAD_ID, DataTypes.StringType));
    Dataset<Row> l5 = scored("r3", 11, "L5").where(col(BatchScoring.LEAD_ID).equalTo("L5"))
        .withColumn(BatchScoring.SCORE, lit(0.99));
    BatchScoring.merge(ranked(l5, ranking), deleted, false, path);
    assertThat(table.count()).isEqualTo(10);
    assertThat(table.where(col(BatchScoring.RUN_ID).equalTo("r3")).select(BatchScoring.LEAD_ID)
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList()).containsExactly("L5");
    Row moved = table.where(col(BatchScoring.LEAD_ID).equalTo("L5")).head();
    assertThat(moved.<Double>getAs(BatchScoring.PERCENTILE)).isEqualTo(1.0);
    assertThat(moved.<String>getAs(BatchScoring.TIER)).isEqualTo("A");
    for (Row r : first) {
      String id = r.getAs(BatchScoring.LEAD_ID);
      if (!id.equals("L5") && !id.equals("L0")) {
        assertThat(table.where(col(BatchScoring.LEAD_ID).equalTo(id)).head()).isEqualTo(r);
      }
    }
    // The incremental MERGE wrote deletion vectors, not rewritten files.
    assertThat(DeltaTable.forPath(spark(), path).history(1).head().<scala.collection.Map<String,
        String>>getAs("operationMetrics").get("numTargetRowsCopied").get()).isEqualTo("0");
    assertThat(DeltaTable.forPath(spark(), path).history(1).head().getLong(0))
        .isEqualTo(version + 1);
    List<Row> afterDelete = table.orderBy(BatchScoring.LEAD_ID).collectAsList();

    // An incremental run without deletions (its own MERGE form): L6 changed, L11 is new.
    Dataset<Row> noneDeleted = spark().createDataFrame(List.of(),
        new StructType().add(BatchScoring.LEAD_ID, DataTypes.StringType));
    Dataset<Row> r4 = scored("r4", 12, "L6").where(col(BatchScoring.LEAD_ID).isin("L6", "L11"));
    // Its source is small and known to be: broadcast to the target's tasks.
    BatchScoring.merge(ranked(r4, ranking), noneDeleted, false, path, r4.count());
    assertThat(table.count()).isEqualTo(11);
    assertThat(table.where(col(BatchScoring.RUN_ID).equalTo("r4")).select(BatchScoring.LEAD_ID)
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList())
        .containsExactlyInAnyOrder("L6", "L11");
    assertThat(table.where(col(BatchScoring.LEAD_ID).equalTo("L6")).head()
        .<String>getAs(BatchScoring.FEATURE_HASH)).isEqualTo("h2");
    for (Row r : afterDelete) {
      if (!r.getAs(BatchScoring.LEAD_ID).equals("L6")) {
        assertThat(table.where(col(BatchScoring.LEAD_ID).equalTo(r.getAs(BatchScoring.LEAD_ID)))
            .head()).isEqualTo(r);
      }
    }
    assertThat(DeltaTable.forPath(spark(), path).history(1).head().<scala.collection.Map<String,
        String>>getAs("operationMetrics").get("numTargetRowsCopied").get()).isEqualTo("0");
  }

  @Test
  void percentilesAreExactPercentRankUpToTheRankingSizeAndCloseAbove() {
    double[] ranking = {0.1, 0.2, 0.2, 0.5, 0.9};
    assertThat(BatchScoring.percentile(ranking, 0.1)).isEqualTo(0.0);
    assertThat(BatchScoring.percentile(ranking, 0.2)).isEqualTo(0.25);
    assertThat(BatchScoring.percentile(ranking, 0.5)).isEqualTo(0.75);
    assertThat(BatchScoring.percentile(ranking, 0.95)).isEqualTo(1.0);
    assertThat(BatchScoring.percentile(ranking, 0.0)).isEqualTo(0.0);
    assertThat(BatchScoring.percentile(new double[] {0.3}, 0.3)).isEqualTo(0.0);

    // Above the ranking size the ranking holds exact order statistics evenly spaced by rank
    // (here a permutation of k / n: the value of rank r is r / n); percentiles stay within
    // 1/(size − 1).
    int size = 1000;
    int n = size * 30 + 7;
    Dataset<Row> many = spark().range(n).select(
        functions.pmod(col("id").multiply(7919L), lit(n)).divide((double) n)
            .as(BatchScoring.SCORE)).repartition(5);
    double[] sketch = BatchScoring.ranking(many, size);
    assertThat(sketch).hasSize(size);
    for (int i = 0; i < size; i++) {
      long rank = Math.round(i * (double) (n - 1) / (size - 1));
      assertThat(sketch[i]).as("rank %d", rank).isEqualTo(rank / (double) n);
    }
    // The driver-side sort and Spark's distributed one pick the same ranks, and both leave out
    // null and NaN scores.
    Dataset<Row> withMissing = many
        .union(spark().range(3).select(lit(Double.NaN).as(BatchScoring.SCORE)))
        .union(spark().range(2).select(lit(null).cast("double").as(BatchScoring.SCORE)));
    assertThat(BatchScoring.ranking(withMissing, size)).containsExactly(sketch);
    assertThat(BatchScoring.ranking(withMissing, size, 0)).containsExactly(sketch);
    // Sorted on the driver, the ranking also counts every row and the rows per tier, as
    // withPercentile places them (missing scores are D); Spark's sort leaves that to the table.
    List<Double> cuts = List.of(0.9, 0.7, 0.4);
    BatchScoring.Ranked ranked = BatchScoring.rank(withMissing, size, Long.MAX_VALUE, cuts);
    assertThat(ranked.rows()).isEqualTo(n + 5);
    long[] tiers = new long[BatchScoring.TIERS.size()];
    for (Row r : BatchScoring.withPercentile(withMissing, sketch, cuts)
        .groupBy(BatchScoring.TIER).count().collectAsList()) {
      tiers[BatchScoring.TIERS.indexOf(r.getString(0))] = r.getLong(1);
    }
    assertThat(ranked.tierCounts()).containsExactly(tiers);
    assertThat(tiers[3]).isGreaterThan(5);
    assertThat(BatchScoring.rank(withMissing, size, 0, cuts).tierCounts()).isNull();
    for (double s : new double[] {0.05, 0.3, 0.4, 0.7, 0.9, 0.999}) {
      assertThat(BatchScoring.percentile(sketch, s)).as("score %s", s)
          .isCloseTo(s * n / (n - 1), org.assertj.core.api.Assertions.within(1.0 / (size - 1) + 1.0 / (n - 1)));
    }
  }

  @Test
  void twoRunsAtOnceNeverDoubleOrLoseRows() throws Exception {
    int n = 40;
    for (boolean tableExists : new boolean[] {false, true}) {
      String path = dir.resolve("concurrent-" + tableExists).toString();
      double[] ranking = BatchScoring.ranking(scored("r0", n, null));
      if (tableExists) {
        BatchScoring.merge(ranked(scored("r0", n, null), ranking), null, true, path);
      }
      List<String> runs = List.of("a", "b");
      var pool = java.util.concurrent.Executors.newFixedThreadPool(runs.size());
      List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
      for (String run : runs) {
        // Each run rescored every lead (new feature hashes): both want to rewrite every row.
        Dataset<Row> rows = scored(run, n, null)
            .withColumn(BatchScoring.FEATURE_HASH, lit("hash-" + run));
        futures.add(pool.submit(() -> BatchScoring.merge(ranked(rows, ranking), null, true,
            path)));
      }
      List<String> succeeded = new ArrayList<>();
      for (int i = 0; i < runs.size(); i++) {
        try {
          futures.get(i).get();
          succeeded.add(runs.get(i));
        } catch (java.util.concurrent.ExecutionException e) {
          // The loser of the race fails loudly on Delta's conflict check, it never half-writes.
          assertThat(e.getCause()).as("table exists: %s", tableExists)
              .isInstanceOf(io.delta.exceptions.DeltaConcurrentModificationException.class);
        }
      }
      pool.shutdown();
      assertThat(succeeded).as("table exists: %s", tableExists).isNotEmpty();
      Dataset<Row> table = spark().read().format("delta").load(path);
      assertThat(table.count()).as("table exists: %s", tableExists).isEqualTo(n);
      assertThat(table.select(BatchScoring.LEAD_ID).distinct().count()).isEqualTo(n);
      List<String> runIds = table.select(BatchScoring.RUN_ID).distinct()
          .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
      assertThat(runIds).hasSize(1);
      assertThat(succeeded).contains(runIds.get(0));
    }
  }
}
