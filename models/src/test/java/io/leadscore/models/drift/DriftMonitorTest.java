package io.leadscore.models.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.leadscore.testing.SparkTestSupport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class DriftMonitorTest extends SparkTestSupport {
  private static final StructType SCHEMA = new StructType()
      .add("x", DataTypes.DoubleType).add("level", DataTypes.StringType);

  @Test
  void psiOfKnownShares() {
    // (0.3-0.5)ln(0.3/0.5) + (0.7-0.5)ln(0.7/0.5)
    double expected = -0.2 * Math.log(0.6) + 0.2 * Math.log(1.4);
    assertThat(DriftMonitor.psi(new double[] {0.5, 0.5}, new double[] {0.3, 0.7}))
        .isCloseTo(expected, within(1e-12));
    assertThat(DriftMonitor.psi(new double[] {0.2, 0.8}, new double[] {0.2, 0.8})).isZero();
    // An empty bin counts with the floor, not as infinity.
    assertThat(DriftMonitor.psi(new double[] {1.0, 0.0}, new double[] {0.5, 0.5}))
        .isCloseTo(-0.5 * Math.log(0.5) + (0.5 - 1e-4) * Math.log(0.5 / 1e-4), within(1e-9));
  }

  private Dataset<Row> rows(int n, double shift, String rareLevel, boolean someNulls) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Double x = someNulls && i % 4 == 0 ? null : (i % 100) + shift;
      String level = i % 3 == 0 ? "a" : i % 3 == 1 ? "b" : "c";
      if (rareLevel != null && i % 200 == 0) {
        level = rareLevel;
      }
      rows.add(RowFactory.create(x, level));
    }
    return spark().createDataFrame(rows, SCHEMA);
  }

  private static Map<String, DriftMonitor.ColumnDrift> byFeature(
      List<DriftMonitor.ColumnDrift> d) {
    return d.stream().collect(Collectors.toMap(DriftMonitor.ColumnDrift::feature,
        Function.identity()));
  }

  @Test
  void sameDistributionIsStableAndShiftedIsFlagged() {
    Dataset<Row> reference = rows(1000, 0, null, false);
    var same = byFeature(DriftMonitor.compare(reference, rows(1000, 0, "zz", false),
        List.of("x", "level"), 0.2));
    assertThat(same.get("x").psi()).isLessThan(0.01);
    assertThat(same.get("x").kind()).isEqualTo("numeric");
    // An unseen level goes to the grouped bin: a small PSI, not a failure.
    assertThat(same.get("level").kind()).isEqualTo("categorical");
    assertThat(same.get("level").psi()).isGreaterThan(0).isLessThan(0.2);
    assertThat(same.values()).noneMatch(DriftMonitor.ColumnDrift::flagged);

    var shifted = byFeature(DriftMonitor.compare(reference, rows(1000, 50, null, true),
        List.of("x", "level"), 0.2));
    assertThat(shifted.get("x").flagged()).isTrue();
    assertThat(shifted.get("x").psi()).isGreaterThan(1.0);
    assertThat(shifted.get("x").referenceFillRate()).isEqualTo(1.0);
    assertThat(shifted.get("x").currentFillRate()).isEqualTo(0.75);
    assertThat(shifted.get("x").fillRateChange()).isCloseTo(-0.25, within(1e-12));
    assertThat(shifted.get("level").flagged()).isFalse();
  }

  @Test
  void aProfileReadBackFromJsonMeasuresAsTheReferenceData() {
    Dataset<Row> reference = rows(1000, 0, null, true).withColumn("score",
        org.apache.spark.sql.functions.col("x").divide(100));
    ReferenceProfile profile = ReferenceProfile.of(reference, List.of("x", "level"), "score",
        new double[] {0.25, Double.NaN}, "unit test");
    ReferenceProfile read = ReferenceProfile.fromJson(profile.toJson());
    assertThat(read.rows()).isEqualTo(1000);
    assertThat(read.origin()).isEqualTo("unit test");
    assertThat(read.slotMeans()).containsExactly(0.25, Double.NaN);
    assertThat(read.columns()).extracting(ReferenceProfile.Column::feature)
        .containsExactly("x", "level");
    assertThat(read.score().feature()).isEqualTo(ReferenceProfile.SCORE);
    assertThat(read.score().shares()).hasSize(read.score().cuts().length + 1);
    assertThat(read.columns().get(1).levels()).containsExactly("a", "b", "c");
    assertThat(read.columns().get(0).fillRate()).isEqualTo(0.75);

    Dataset<Row> current = rows(1000, 30, "zz", false);
    assertThat(DriftMonitor.compare(read.columns(), current, 0.2))
        .isEqualTo(DriftMonitor.compare(reference, current, List.of("x", "level"), 0.2));
    // Columns the current data lacks are left out, not an error.
    assertThat(DriftMonitor.compare(read.columns(), current.drop("level"), 0.2))
        .extracting(DriftMonitor.ColumnDrift::feature).containsExactly("x");

    assertThatThrownBy(() -> ReferenceProfile.fromJson("{\"format\": 9}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("format");
    assertThatThrownBy(() -> ReferenceProfile.fromJson("not json"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a reference");
  }
}
