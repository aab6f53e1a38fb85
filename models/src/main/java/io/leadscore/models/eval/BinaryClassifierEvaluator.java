package io.leadscore.models.eval;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

/**
 * Exact evaluation of a binary classifier's probabilities with Spark.
 *
 * <p>Unlike MLlib's {@code BinaryClassificationEvaluator} (which bins scores into 1,000 by
 * default), every distinct score is its own threshold here, so the AUCs are exact at any scale:
 * the rank-based metrics group rows by distinct score and walk them in sorted order across
 * partitions (no single partition holds all rows), and the others are one aggregation.
 *
 * <pre>{@code
 * BinaryMetrics m = BinaryClassifierEvaluator.evaluate(
 *     model.transform(test), "label", "probability", EvaluationOptions.defaults());
 * m.rocAuc(); m.ece(); m.lift(); m.toMetricMap("test_");
 * }</pre>
 */
public final class BinaryClassifierEvaluator {

  private static final String Y = "__y";
  private static final String P = "__p";
  private static final String BIN = "__bin";

  private BinaryClassifierEvaluator() {}

  /** {@link #evaluate(Dataset, String, String, EvaluationOptions)} with default options. */
  public static BinaryMetrics evaluate(
      Dataset<Row> scored, String labelColumn, String probabilityColumn) {
    return evaluate(scored, labelColumn, probabilityColumn, EvaluationOptions.defaults());
  }

  /**
   * Evaluates the rows of {@code scored}.
   *
   * @param labelColumn numeric column holding 0 or 1
   * @param probabilityColumn the probability of class 1: a numeric column, or an MLlib vector
   *     column such as a classifier's {@code probability} (element 1 is taken)
   * @throws IllegalArgumentException naming the column and the count of offending rows when a
   *     column is missing, a label is not 0/1 or null, a probability is null, NaN or outside [0,
   *     1]; when there are no rows, only one class, or fewer rows than lift groups
   */
  public static BinaryMetrics evaluate(
      Dataset<Row> scored,
      String labelColumn,
      String probabilityColumn,
      EvaluationOptions options) {
    Column probability = probabilityOf(scored.schema(), labelColumn, probabilityColumn);
    Dataset<Row> yp =
        scored.select(col(labelColumn).cast("double").as(Y), probability.as(P));

    int bins = options.calibrationBins();
    double eps = options.logLossEpsilon();
    Column y = col(Y);
    Column p = col(P);
    Column validP = p.isNotNull().and(isnan(p).unary_$bang()).and(p.geq(0.0)).and(p.leq(1.0));
    Column validY = y.isNotNull().and(y.equalTo(0.0).or(y.equalTo(1.0)));
    Column bin = when(validP, least(floor(p.multiply(bins)), lit(bins - 1)).cast("int"))
        .otherwise(lit(-1));
    Column clipped = greatest(lit(eps), least(lit(1.0 - eps), p));
    Column logLossTerm =
        y.multiply(log(clipped)).plus(lit(1.0).minus(y).multiply(log(lit(1.0).minus(clipped))))
            .unary_$minus();
    Column predictedPositive = p.geq(options.threshold());
    Column isPositive = y.equalTo(1.0);

    List<Row> perBin =
        yp.withColumn(BIN, bin)
            .groupBy(BIN)
            .agg(
                count(lit(1)).as("rows"),
                sum(when(validY, 0).otherwise(1)).as("bad_labels"),
                sum(when(validY, y)).as("positives"),
                sum(p).as("sum_p"),
                sum(logLossTerm).as("log_loss"),
                sum(p.minus(y).multiply(p.minus(y))).as("brier"),
                sum(when(predictedPositive.and(isPositive), 1).otherwise(0)).as("tp"),
                sum(when(predictedPositive.and(isPositive.unary_$bang()), 1).otherwise(0))
                    .as("fp"))
            .collectAsList();

    long rows = 0;
    long badLabels = 0;
    long badProbabilities = 0;
    long positives = 0;
    double logLossSum = 0;
    double brierSum = 0;
    long tp = 0;
    long fp = 0;
    long[] binRows = new long[bins];
    double[] binSumP = new double[bins];
    double[] binPositives = new double[bins];
    for (Row r : perBin) {
      int b = r.getInt(0);
      long n = r.getLong(1);
      rows += n;
      badLabels += r.getLong(2);
      if (b < 0) {
        badProbabilities += n;
        continue;
      }
      long pos = r.isNullAt(3) ? 0 : Math.round(r.getDouble(3));
      positives += pos;
      binRows[b] = n;
      binSumP[b] = r.getDouble(4);
      binPositives[b] = pos;
      logLossSum += r.isNullAt(5) ? 0 : r.getDouble(5);
      brierSum += r.isNullAt(6) ? 0 : r.getDouble(6);
      tp += r.getLong(7);
      fp += r.getLong(8);
    }
    checkRows(labelColumn, probabilityColumn, rows, badLabels, badProbabilities, positives,
        options);
    long negatives = rows - positives;

    List<ReliabilityBin> reliability = new ArrayList<>();
    double ece = 0;
    double mce = 0;
    for (int b = 0; b < bins; b++) {
      if (binRows[b] == 0) {
        continue;
      }
      ReliabilityBin rb =
          new ReliabilityBin(
              b,
              (double) b / bins,
              (double) (b + 1) / bins,
              binRows[b],
              binSumP[b] / binRows[b],
              binPositives[b] / binRows[b]);
      reliability.add(rb);
      ece += (double) binRows[b] / rows * rb.gap();
      mce = Math.max(mce, rb.gap());
    }

    Dataset<Row> groups =
        yp.groupBy(P)
            .agg(sum(y).cast("long").as("positives"), count(lit(1)).as("rows"))
            .orderBy(desc(P));
    RankStatistics ranks =
        RankStatistics.compute(
            groups, positives, rows, options.liftGroups(), options.curvePoints());

    return new BinaryMetrics(
        rows,
        positives,
        negatives,
        ranks.rocAuc,
        ranks.averagePrecision,
        logLossSum / rows,
        brierSum / rows,
        new Calibration(ece, mce, reliability),
        ranks.lift,
        ThresholdMetrics.of(options.threshold(), tp, fp, negatives - fp, positives - tp),
        ranks.rocCurve,
        ranks.prCurve,
        options);
  }

  /** Package-private for tests: the rank pass alone, to see how many partitions it merged. */
  static RankStatistics rankStatistics(
      Dataset<Row> scored, String labelColumn, String probabilityColumn, EvaluationOptions o) {
    Column probability = probabilityOf(scored.schema(), labelColumn, probabilityColumn);
    Dataset<Row> yp = scored.select(col(labelColumn).cast("double").as(Y), probability.as(P));
    Row totals = yp.agg(sum(col(Y)).cast("long"), count(lit(1))).first();
    Dataset<Row> groups =
        yp.groupBy(P)
            .agg(sum(col(Y)).cast("long").as("positives"), count(lit(1)).as("rows"))
            .orderBy(desc(P));
    return RankStatistics.compute(
        groups, totals.getLong(0), totals.getLong(1), o.liftGroups(), o.curvePoints());
  }

  private static Column probabilityOf(
      StructType schema, String labelColumn, String probabilityColumn) {
    List<String> names = Arrays.asList(schema.fieldNames());
    List<String> missing = new ArrayList<>();
    for (String c : List.of(labelColumn, probabilityColumn)) {
      if (!names.contains(c)) {
        missing.add(c);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          "evaluation needs column(s) " + missing + "; the rows have " + names);
    }
    DataType labelType = schema.apply(labelColumn).dataType();
    if (!(labelType instanceof NumericType)) {
      throw new IllegalArgumentException(
          "label column '" + labelColumn + "' must be numeric (0/1), cannot be: "
              + labelType.simpleString());
    }
    DataType type = schema.apply(probabilityColumn).dataType();
    if (type instanceof NumericType) {
      return col(probabilityColumn).cast("double");
    }
    if (type.equals(SQLDataTypes.VectorType())) {
      return org.apache.spark.ml.functions.vector_to_array(col(probabilityColumn), "float64")
          .getItem(1);
    }
    throw new IllegalArgumentException(
        "probability column '" + probabilityColumn
            + "' must be numeric or an MLlib vector, cannot be: " + type.simpleString());
  }

  private static void checkRows(
      String labelColumn,
      String probabilityColumn,
      long rows,
      long badLabels,
      long badProbabilities,
      long positives,
      EvaluationOptions options) {
    if (rows == 0) {
      throw new IllegalArgumentException("cannot evaluate a classifier on no rows");
    }
    if (badLabels > 0) {
      throw new IllegalArgumentException(
          "label column '" + labelColumn + "' must hold 0 or 1: " + badLabels + " of " + rows
              + " rows are null or another value");
    }
    if (badProbabilities > 0) {
      throw new IllegalArgumentException(
          "probability column '" + probabilityColumn + "' must hold values in [0, 1]: "
              + badProbabilities + " of " + rows + " rows are null, NaN or out of range");
    }
    if (positives == 0 || positives == rows) {
      throw new IllegalArgumentException(
          "ROC AUC, PR AUC and lift need both classes, but all " + rows + " rows have label "
              + (positives == 0 ? "0" : "1") + " in column '" + labelColumn
              + "': evaluate on a set with positives and negatives");
    }
    if (rows < options.liftGroups()) {
      throw new IllegalArgumentException(
          "lift by " + options.liftGroups() + " groups needs at least as many rows, found "
              + rows + ": lower liftGroups or evaluate more rows");
    }
  }
}
