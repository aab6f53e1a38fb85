package io.leadscore.models.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.leadscore.testing.SparkTestSupport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class BinaryClassifierEvaluatorTest extends SparkTestSupport {

  private static final double EXACT = 1e-12;

  private Dataset<Row> rows(double[] labels, Double[] probabilities) {
    StructType schema =
        new StructType()
            .add("label", DataTypes.DoubleType, true)
            .add("p", DataTypes.DoubleType, true);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < labels.length; i++) {
      rows.add(RowFactory.create(labels[i], probabilities[i]));
    }
    return spark().createDataFrame(rows, schema);
  }

  private Dataset<Row> rows(double[] labels, double[] probabilities) {
    return rows(labels, Arrays.stream(probabilities).boxed().toArray(Double[]::new));
  }

  @Test
  void matchesScikitLearnOnItsDocumentationExample() {
    // sklearn: roc_auc_score → 0.75, average_precision_score → 0.8333...
    BinaryMetrics m =
        BinaryClassifierEvaluator.evaluate(
            rows(new double[] {0, 0, 1, 1}, new double[] {0.1, 0.4, 0.35, 0.8}),
            "label", "p", EvaluationOptions.defaults().withLiftGroups(2));
    assertThat(m.rocAuc()).isCloseTo(0.75, within(EXACT));
    assertThat(m.prAuc()).isCloseTo(5.0 / 6.0, within(EXACT));
    assertThat(m.rows()).isEqualTo(4);
    assertThat(m.positives()).isEqualTo(2);
  }

  @Test
  void everyMetricEqualsBruteForceOnTiedScoresSpreadOverPartitions() {
    Random random = new Random(7);
    int n = 600;
    double[] y = new double[n];
    double[] p = new double[n];
    for (int i = 0; i < n; i++) {
      // Scores rounded to 1/20: heavy ties; label depends on the score, so the AUC is not 0.5.
      p[i] = Math.round(random.nextDouble() * 20) / 20.0;
      y[i] = random.nextDouble() < 0.2 + 0.6 * p[i] ? 1 : 0;
    }
    EvaluationOptions options =
        EvaluationOptions.defaults().withThreshold(0.35).withCalibrationBins(7).withLiftGroups(10);
    String coalesce = "spark.sql.adaptive.coalescePartitions.enabled";
    String before = spark().conf().get(coalesce);
    spark().conf().set(coalesce, "false");
    try {
      Dataset<Row> data = rows(y, p).repartition(3);
      BinaryMetrics m = BinaryClassifierEvaluator.evaluate(data, "label", "p", options);
      RankStatistics ranks =
          BinaryClassifierEvaluator.rankStatistics(data, "label", "p", options);
      assertThat(ranks.partitions).as("the merge across partitions is exercised").isGreaterThan(1);

      assertThat(m.rocAuc()).isCloseTo(BruteForce.rocAuc(y, p), within(EXACT));
      assertThat(m.prAuc()).isCloseTo(BruteForce.averagePrecision(y, p), within(EXACT));
      assertThat(m.logLoss()).isCloseTo(BruteForce.logLoss(y, p, 1e-15), within(EXACT));
      assertThat(m.brierScore()).isCloseTo(BruteForce.brier(y, p), within(EXACT));
      assertThat(m.ece()).isCloseTo(BruteForce.ece(y, p, 7), within(EXACT));
      assertThat(m.calibration().bins())
          .allSatisfy(b -> assertThat(b.lower()).isLessThan(b.upper()));
      assertThat(m.calibration().bins().stream().mapToLong(ReliabilityBin::rows).sum())
          .isEqualTo(n);

      long[] confusion = BruteForce.confusion(y, p, 0.35);
      ThresholdMetrics t = m.atThreshold();
      assertThat(new long[] {t.truePositives(), t.falsePositives(), t.trueNegatives(),
              t.falseNegatives()})
          .containsExactly(confusion);
      double precision = (double) confusion[0] / (confusion[0] + confusion[1]);
      double recall = (double) confusion[0] / (confusion[0] + confusion[3]);
      assertThat(t.precision()).isCloseTo(precision, within(EXACT));
      assertThat(t.recall()).isCloseTo(recall, within(EXACT));
      assertThat(t.f1())
          .isCloseTo(2 * precision * recall / (precision + recall), within(EXACT));

      double[] expectedTopPositives = BruteForce.expectedTopPositives(y, p, 10);
      double totalPositives = Arrays.stream(y).sum();
      for (LiftGroup g : m.lift()) {
        assertThat(g.cumulativeRows()).isEqualTo((long) g.group() * n / 10);
        assertThat(g.cumulativePositives())
            .isCloseTo(expectedTopPositives[g.group() - 1], within(1e-9));
        assertThat(g.cumulativeGain())
            .isCloseTo(expectedTopPositives[g.group() - 1] / totalPositives, within(1e-9));
      }
      assertThat(m.lift().get(9).cumulativeGain()).isCloseTo(1.0, within(EXACT));
      assertThat(m.lift().get(9).cumulativeLift()).isCloseTo(1.0, within(EXACT));
      // Lift decreases from the top group on a model better than random.
      assertThat(m.lift().get(0).lift()).isGreaterThan(m.lift().get(9).lift());
    } finally {
      spark().conf().set(coalesce, before);
    }
  }

  @Test
  void liftSharesTiesAcrossGroupBoundariesAsTheAverageOverEveryOrderOfTheTies() {
    // 9 rows, 3 groups of 3; the tie at 0.6 (4 rows, 2 positive) straddles boundaries 3 and 6.
    double[] y = {1, 0, 1, 1, 0, 0, 1, 0, 0};
    double[] p = {0.9, 0.8, 0.6, 0.6, 0.6, 0.6, 0.3, 0.2, 0.2};
    BinaryMetrics m =
        BinaryClassifierEvaluator.evaluate(
            rows(y, p), "label", "p", EvaluationOptions.defaults().withLiftGroups(3));
    double[] permutations = BruteForce.topPositivesOverAllTieOrders(y, p, new int[] {3, 6, 9});
    assertThat(m.lift()).hasSize(3);
    for (int g = 0; g < 3; g++) {
      assertThat(m.lift().get(g).cumulativePositives())
          .isCloseTo(permutations[g], within(EXACT));
    }
    // Group 1: rows 0.9, 0.8 and a quarter of the four-way tie's two positives → 1.5.
    assertThat(m.lift().get(0).positives()).isCloseTo(1.5, within(EXACT));
    assertThat(m.lift().get(0).lowestScore()).isEqualTo(0.6);
    assertThat(m.lift().get(0).lift()).isCloseTo((1.5 / 3) / (4.0 / 9), within(EXACT));
    assertThat(m.rocAuc()).isCloseTo(BruteForce.rocAuc(y, p), within(EXACT));
  }

  @Test
  void acceptsAClassifiersProbabilityVectorAndAgreesWithUnbinnedMllibAuc() {
    Random random = new Random(11);
    List<Row> data = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      double x1 = random.nextGaussian();
      double x2 = random.nextGaussian();
      double label = random.nextDouble() < 1 / (1 + Math.exp(-(1.5 * x1 - x2))) ? 1 : 0;
      data.add(RowFactory.create(x1, x2, label));
    }
    StructType schema =
        new StructType()
            .add("x1", DataTypes.DoubleType)
            .add("x2", DataTypes.DoubleType)
            .add("label", DataTypes.DoubleType);
    Dataset<Row> df =
        new VectorAssembler()
            .setInputCols(new String[] {"x1", "x2"})
            .setOutputCol("features")
            .transform(spark().createDataFrame(data, schema));
    Dataset<Row> scored = new LogisticRegression().fit(df).transform(df).cache();

    BinaryMetrics fromVector =
        BinaryClassifierEvaluator.evaluate(scored, "label", "probability");
    Dataset<Row> withDouble =
        scored.withColumn(
            "p1",
            org.apache.spark.ml.functions.vector_to_array(scored.col("probability"), "float64")
                .getItem(1));
    BinaryMetrics fromDouble = BinaryClassifierEvaluator.evaluate(withDouble, "label", "p1");
    double mllibExact =
        new BinaryClassificationEvaluator()
            .setRawPredictionCol("probability")
            .setNumBins(0)
            .evaluate(scored);

    assertThat(fromVector.rocAuc()).isEqualTo(fromDouble.rocAuc());
    assertThat(fromVector.rocAuc()).isCloseTo(mllibExact, within(1e-12));
    double[] y = withDouble.select("label").collectAsList().stream()
        .mapToDouble(r -> r.getDouble(0)).toArray();
    double[] p = withDouble.select("p1").collectAsList().stream()
        .mapToDouble(r -> r.getDouble(0)).toArray();
    assertThat(fromVector.prAuc()).isCloseTo(BruteForce.averagePrecision(y, p), within(EXACT));
    assertThat(fromVector.rocCurve().size()).isBetween(150, 260);
    assertThat(fromVector.rocCurve().get(0).x()).isEqualTo(0.0);
    assertThat(fromVector.rocCurve().get(fromVector.rocCurve().size() - 1).y()).isEqualTo(1.0);
    assertThat(fromVector.toMetricMap("test_"))
        .containsEntry("test_roc_auc", fromVector.rocAuc())
        .containsEntry("test_ece", fromVector.ece())
        .containsKeys("test_pr_auc", "test_log_loss", "test_brier_score", "test_f1");
    scored.unpersist();
  }

  @Test
  void perfectAndInvertedRankingsGiveAucOneAndZero() {
    double[] y = {0, 0, 0, 1, 1, 1};
    double[] p = {0.1, 0.2, 0.3, 0.7, 0.8, 0.9};
    EvaluationOptions o = EvaluationOptions.defaults().withLiftGroups(3);
    assertThat(BinaryClassifierEvaluator.evaluate(rows(y, p), "label", "p", o).rocAuc())
        .isEqualTo(1.0);
    double[] inverted = {0.9, 0.8, 0.7, 0.3, 0.2, 0.1};
    BinaryMetrics worst = BinaryClassifierEvaluator.evaluate(rows(y, inverted), "label", "p", o);
    assertThat(worst.rocAuc()).isEqualTo(0.0);
    double[] allTied = {0.5, 0.5, 0.5, 0.5, 0.5, 0.5};
    BinaryMetrics tied = BinaryClassifierEvaluator.evaluate(rows(y, allTied), "label", "p", o);
    assertThat(tied.rocAuc()).isEqualTo(0.5);
    assertThat(tied.prAuc()).isEqualTo(0.5);
    assertThat(tied.lift()).allSatisfy(g -> assertThat(g.lift()).isCloseTo(1.0, within(EXACT)));
  }

  @Test
  void oneClassOnlyIsAClearError() {
    assertThatThrownBy(
            () -> BinaryClassifierEvaluator.evaluate(
                rows(new double[] {0, 0, 0}, new double[] {0.1, 0.5, 0.9}), "label", "p",
                EvaluationOptions.defaults().withLiftGroups(3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("need both classes")
        .hasMessageContaining("all 3 rows have label 0");
    assertThatThrownBy(
            () -> BinaryClassifierEvaluator.evaluate(
                rows(new double[] {1, 1}, new double[] {0.1, 0.5}), "label", "p",
                EvaluationOptions.defaults().withLiftGroups(2)))
        .hasMessageContaining("all 2 rows have label 1");
  }

  @Test
  void badInputIsAClearErrorNamingColumnAndCount() {
    EvaluationOptions o = EvaluationOptions.defaults().withLiftGroups(2);
    assertThatThrownBy(
            () -> BinaryClassifierEvaluator.evaluate(
                rows(new double[] {0, 1, 2}, new double[] {0.1, 0.5, 0.9}), "label", "p", o))
        .hasMessageContaining("label column 'label' must hold 0 or 1: 1 of 3 rows");
    assertThatThrownBy(
            () -> BinaryClassifierEvaluator.evaluate(
                rows(new double[] {0, 1, 1, 0}, new Double[] {0.1, Double.NaN, 1.5, null}),
                "label", "p", o))
        .hasMessageContaining("probability column 'p' must hold values in [0, 1]: 3 of 4 rows");
    assertThatThrownBy(
            () -> BinaryClassifierEvaluator.evaluate(
                rows(new double[] {0, 1}, new double[] {0.1, 0.5}), "converted", "score", o))
        .hasMessageContaining("[converted, score]");
    assertThatThrownBy(
            () -> BinaryClassifierEvaluator.evaluate(
                rows(new double[] {}, new double[] {}), "label", "p", o))
        .hasMessageContaining("no rows");
    assertThatThrownBy(
            () -> BinaryClassifierEvaluator.evaluate(
                rows(new double[] {0, 1, 0}, new double[] {0.1, 0.5, 0.2}), "label", "p",
                EvaluationOptions.defaults()))
        .hasMessageContaining("lift by 10 groups needs at least as many rows, found 3");
    assertThatThrownBy(
            () -> BinaryClassifierEvaluator.evaluate(
                rows(new double[] {0, 1}, new double[] {0.1, 0.5})
                    .withColumn("p", org.apache.spark.sql.functions.lit("x")),
                "label", "p", o))
        .hasMessageContaining("must be numeric or an MLlib vector, cannot be: string");
  }

  @Test
  void optionsRejectBadValuesNamingThem() {
    assertThatThrownBy(() -> EvaluationOptions.defaults().withThreshold(1.5))
        .hasMessage("threshold must be in [0, 1], cannot be: 1.5");
    assertThatThrownBy(() -> EvaluationOptions.defaults().withCalibrationBins(0))
        .hasMessage("calibrationBins must be ≥ 1, cannot be: 0");
    assertThatThrownBy(() -> EvaluationOptions.defaults().withLiftGroups(-2))
        .hasMessage("liftGroups must be ≥ 1, cannot be: -2");
  }
}
