package io.leadscore.models.scoring;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.leadscore.testing.SparkTestSupport;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
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

  @Test
  void mergeIsIdempotentRewritesOnlyChangesAndTiersFollowPercentiles() {
    String path = dir.resolve("scores").toString();
    List<Double> cuts = List.of(0.9, 0.7, 0.4);
    BatchScoring.merge(scored("r1", 11, null), null, true, path);
    BatchScoring.refreshPercentiles(spark(), path, cuts);
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

    // Same inputs under another run id: nothing changes.
    BatchScoring.merge(scored("r2", 11, null), null, true, path);
    BatchScoring.refreshPercentiles(spark(), path, cuts);
    assertThat(table.orderBy(BatchScoring.SCORE).collectAsList()).isEqualTo(first);

    // One changed hash, one deleted lead (incremental): only those rows move.
    Dataset<Row> deleted = spark().createDataFrame(List.of(RowFactory.create("L0")),
        new StructType().add(BatchScoring.LEAD_ID, DataTypes.StringType));
    BatchScoring.merge(scored("r3", 11, "L5").where(col(BatchScoring.LEAD_ID).equalTo("L5")),
        deleted, false, path);
    BatchScoring.refreshPercentiles(spark(), path, cuts);
    assertThat(table.count()).isEqualTo(10);
    assertThat(table.where(col(BatchScoring.RUN_ID).equalTo("r3")).select(BatchScoring.LEAD_ID)
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList()).containsExactly("L5");
    assertThat(table.where(col(BatchScoring.PERCENTILE).isNull()).count()).isZero();
  }
}
