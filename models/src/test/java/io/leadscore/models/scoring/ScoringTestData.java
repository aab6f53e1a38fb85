package io.leadscore.models.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Small random lead-like data for the scorer's tests: string, integer-coded and boolean
 * categoricals, skewed numerics, nulls and NaN everywhere, and (for scoring data) categories
 * the training data never had.
 */
final class ScoringTestData {

  static final String ID = "id";
  static final String SOURCE = "source";     // 5 labels
  static final String REGION = "region";     // 14 labels: binary-search lookup
  static final String CHANNEL = "channel";   // int codes 0..3
  static final String VISITS = "visits";     // double, nulls and NaN
  static final String MINUTES = "minutes";   // double, nulls
  static final String PAGES = "pages";       // int, nulls
  static final String ENGAGED = "engaged";   // boolean, nulls
  static final String LABEL = "label";

  static final String[] SOURCES = {"web", "email", "referral", "event", "partner"};
  static final String[] REGIONS = new String[14];

  static {
    for (int i = 0; i < REGIONS.length; i++) {
      REGIONS[i] = String.format("r%02d", i);
    }
  }

  static final StructType SCHEMA = new StructType()
      .add(ID, DataTypes.LongType, false)
      .add(SOURCE, DataTypes.StringType, true)
      .add(REGION, DataTypes.StringType, true)
      .add(CHANNEL, DataTypes.IntegerType, true)
      .add(VISITS, DataTypes.DoubleType, true)
      .add(MINUTES, DataTypes.DoubleType, true)
      .add(PAGES, DataTypes.IntegerType, true)
      .add(ENGAGED, DataTypes.BooleanType, true)
      .add(LABEL, DataTypes.DoubleType, true);

  private ScoringTestData() {}

  /**
   * {@code n} leads. {@code dirty}: nulls and NaN in every column, and unseen categories;
   * otherwise complete rows with known categories only (for stages that reject invalid
   * values).
   */
  static Dataset<Row> leads(SparkSession spark, int n, long seed, boolean dirty) {
    Random r = new Random(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int s = r.nextInt(10) < 4 ? 0 : r.nextInt(SOURCES.length);
      String source = SOURCES[s];
      int g = r.nextInt(REGIONS.length);
      String region = REGIONS[g];
      Integer channel = r.nextInt(4);
      double visitsValue = Math.exp(r.nextGaussian());
      Double visits = visitsValue;
      Double minutes = 30 + 10 * r.nextGaussian();
      Integer pages = (int) Math.floor(visitsValue * 3);
      Boolean engaged = r.nextBoolean();
      double z = -0.5 + 0.8 * (s == 2 ? 1 : 0) - 0.6 * (s == 3 ? 1 : 0) + 0.05 * g
          + 0.7 * Math.log(visitsValue) + 0.03 * (minutes - 30) + (engaged ? 0.9 : 0)
          + 0.3 * channel;
      double label = r.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1.0 : 0.0;
      if (dirty) {
        source = pick(r, source, 0.05, null, 0.03, "tiktok");
        region = pick(r, region, 0.03, null, 0.02, "r99");
        channel = r.nextDouble() < 0.05 ? null : r.nextDouble() < 0.02 ? 7 : channel;
        visits = r.nextDouble() < 0.05 ? null : r.nextDouble() < 0.03 ? Double.NaN : visits;
        minutes = r.nextDouble() < 0.04 ? null : minutes;
        pages = r.nextDouble() < 0.03 ? null : pages;
        engaged = r.nextDouble() < 0.02 ? null : engaged;
      }
      rows.add(RowFactory.create((long) i, source, region, channel, visits, minutes, pages,
          engaged, label));
    }
    return spark.createDataFrame(rows, SCHEMA);
  }

  /**
   * Training leads: categories and the imputed numbers may be missing, but the inputs some
   * pipelines assemble raw are complete, as Spark refuses NaN features when fitting.
   */
  static Dataset<Row> training(SparkSession spark, int n, long seed) {
    Column visits = functions.col(VISITS);
    return leads(spark, n, seed, true)
        .filter(functions.col(ENGAGED).isNotNull().and(functions.col(MINUTES).isNotNull())
            .and(visits.isNotNull()).and(functions.not(functions.isnan(visits))));
  }

  private static String pick(Random r, String value, double pNull, String nullValue,
      double pOther, String other) {
    double u = r.nextDouble();
    return u < pNull ? nullValue : u < pNull + pOther ? other : value;
  }

  /** id → value of {@code value} (a double expression) for every row of {@code df}. */
  static Map<Long, Double> byId(Dataset<Row> df, Column value) {
    Map<Long, Double> out = new HashMap<>();
    for (Row row : df.select(functions.col(ID), value.cast(DataTypes.DoubleType)).collectAsList()) {
      out.put(row.getLong(0), row.isNullAt(1) ? null : row.getDouble(1));
    }
    return out;
  }

  /** The positive-class probability by {@code transform}, by id. */
  static Map<Long, Double> transformProbability(PipelineModel model, Dataset<Row> df,
      String probabilityCol) {
    return byId(model.transform(df), org.apache.spark.ml.functions.vector_to_array(
        functions.col(probabilityCol), "float64").getItem(1));
  }

  /** Same ids, and every value within {@code tolerance} (NaN equals NaN, null equals null). */
  static void assertClose(Map<Long, Double> expected, Map<Long, Double> actual,
      double tolerance) {
    assertThat(actual.keySet()).as("scored ids").isEqualTo(expected.keySet());
    for (Map.Entry<Long, Double> e : expected.entrySet()) {
      Double want = e.getValue();
      Double got = actual.get(e.getKey());
      if (want == null || got == null || want.isNaN() || got.isNaN()) {
        assertThat(got).as("id %s", e.getKey()).isEqualTo(want);
      } else {
        assertThat(Math.abs(got - want)).as("id %s: %s vs %s", e.getKey(), got, want)
            .isLessThanOrEqualTo(tolerance);
      }
    }
  }
}
