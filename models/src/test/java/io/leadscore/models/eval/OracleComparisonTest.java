package io.leadscore.models.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.leadscore.testing.SparkTestSupport;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The oracle comparison on hand-checked rows. */
class OracleComparisonTest extends SparkTestSupport {

  private Dataset<Row> predictions(Object[]... rows) {
    StructType schema = new StructType().add("lead_id", DataTypes.StringType)
        .add("label", DataTypes.IntegerType).add("probability", SQLDataTypes.VectorType());
    return spark().createDataFrame(java.util.Arrays.stream(rows).map(r -> RowFactory.create(
        r[0], r[1], Vectors.dense(1 - (double) r[2], (double) r[2]))).toList(), schema);
  }

  private Dataset<Row> truth(Object[]... rows) {
    StructType schema = new StructType().add("lead_id", DataTypes.StringType)
        .add("true_probability", DataTypes.DoubleType).add("converted", DataTypes.IntegerType);
    return spark().createDataFrame(java.util.Arrays.stream(rows).map(RowFactory::create)
        .toList(), schema);
  }

  @Test
  void bothAucsOnExactlyTheTestRowsThatHaveATruth() {
    Dataset<Row> scored = predictions(new Object[] {"a", 1, 0.9}, new Object[] {"b", 0, 0.8},
        new Object[] {"c", 1, 0.4}, new Object[] {"d", 0, 0.3},
        new Object[] {"e", 1, 0.7}); // no truth: left out
    Dataset<Row> truth = truth(new Object[] {"a", 0.6, 1}, new Object[] {"b", 0.2, 0},
        new Object[] {"c", 0.5, 1},
        new Object[] {"d", 0.5, 1},  // the truth drew 1, the test row says 0
        new Object[] {"f", 0.9, 1}); // not a test row: ignored

    OracleComparison o = OracleComparison.of(scored, "lead_id", "label", "probability", truth,
        "lead_id", "true_probability", "converted");

    // Model: a beats b and d, c beats d only → 3/4. Oracle: a beats b and d, c beats b and
    // ties d → 3.5/4. Both against the test rows' labels.
    assertThat(o.rows()).isEqualTo(4);
    assertThat(o.rowsWithoutTruth()).isEqualTo(1);
    assertThat(o.labelDisagreements()).isEqualTo(1);
    assertThat(o.modelAuc()).isCloseTo(0.75, within(1e-12));
    assertThat(o.oracleAuc()).isCloseTo(0.875, within(1e-12));
    assertThat(o.ratio()).isCloseTo(0.75 / 0.875, within(1e-12));
    assertThat(o.toMetricMap("test_")).containsEntry("test_oracle_auc", 0.875)
        .containsEntry("test_auc_to_oracle_ratio", 0.75 / 0.875)
        .containsEntry("test_oracle_rows", 4.0);
    assertThat(o.summary()).startsWith("test ROC AUC 0.7500 vs oracle AUC 0.8750 on the same 4"
        + " rows: ratio 0.8571 (at or below the oracle)")
        .contains("1 test rows without truth left out, 1 labels differ");
  }

  @Test
  void aModelAboveTheOracleIsCalledOut() {
    Dataset<Row> scored = predictions(new Object[] {"a", 1, 0.9}, new Object[] {"b", 0, 0.1},
        new Object[] {"c", 1, 0.8}, new Object[] {"d", 0, 0.2});
    Dataset<Row> truth = truth(new Object[] {"a", 0.3, 1}, new Object[] {"b", 0.4, 0},
        new Object[] {"c", 0.6, 1}, new Object[] {"d", 0.5, 0});

    OracleComparison o = OracleComparison.of(scored, "lead_id", "label", "probability", truth,
        "lead_id", "true_probability", "converted");

    assertThat(o.modelAuc()).isEqualTo(1.0);
    assertThat(o.oracleAuc()).isCloseTo(0.5, within(1e-12));
    assertThat(o.summary()).contains("ABOVE the oracle").doesNotContain("without truth");
  }

  @Test
  void aTruthOfOtherDataOrAMissingColumnIsNamed() {
    Dataset<Row> scored = predictions(new Object[] {"a", 1, 0.9}, new Object[] {"b", 0, 0.1});
    Dataset<Row> other = truth(new Object[] {"x", 0.3, 1});

    assertThatThrownBy(() -> OracleComparison.of(scored, "lead_id", "label", "probability",
        other, "lead_id", "true_probability", "converted"))
        .hasMessageContaining("none of the 2 test rows");
    assertThatThrownBy(() -> OracleComparison.of(scored, "lead_id", "label", "probability",
        other.drop("converted"), "lead_id", "true_probability", "converted"))
        .hasMessageContaining("converted");
  }
}
