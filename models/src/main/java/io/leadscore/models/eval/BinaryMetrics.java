package io.leadscore.models.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exact evaluation of a binary classifier on a set of rows (see {@link
 * BinaryClassifierEvaluator}).
 *
 * @param rows rows evaluated
 * @param positives rows with label 1
 * @param negatives rows with label 0
 * @param rocAuc area under the ROC curve, exact (Mann–Whitney with average ranks for ties)
 * @param prAuc area under the precision-recall curve as average precision: Σ (Rₖ − Rₖ₋₁) Pₖ
 *     over distinct score thresholds (scikit-learn's {@code average_precision_score})
 * @param logLoss mean negative log-likelihood, probabilities clipped to [ε, 1 − ε]
 * @param brierScore mean squared difference between probability and label
 * @param calibration expected calibration error and the reliability curve
 * @param lift lift and cumulative gains by group of rows (deciles by default)
 * @param atThreshold confusion counts, precision, recall and F1 at the options' threshold
 * @param rocCurve ROC curve, thinned to about {@code options.curvePoints()} points (plots only)
 * @param prCurve precision-recall curve, thinned likewise (plots only)
 * @param options the settings used
 */
public record BinaryMetrics(
    long rows,
    long positives,
    long negatives,
    double rocAuc,
    double prAuc,
    double logLoss,
    double brierScore,
    Calibration calibration,
    List<LiftGroup> lift,
    ThresholdMetrics atThreshold,
    List<CurvePoint> rocCurve,
    List<CurvePoint> prCurve,
    EvaluationOptions options) {

  /** Metric names used by {@link #toMetricMap(String)} and the promotion gate. */
  public static final String ROC_AUC = "roc_auc";
  public static final String PR_AUC = "pr_auc";
  public static final String LOG_LOSS = "log_loss";
  public static final String BRIER = "brier_score";
  public static final String ECE = "ece";
  public static final String MCE = "mce";
  public static final String PRECISION = "precision";
  public static final String RECALL = "recall";
  public static final String F1 = "f1";
  public static final String ACCURACY = "accuracy";
  public static final String THRESHOLD = "threshold";
  public static final String TOP_GROUP_LIFT = "top_group_lift";
  public static final String TOP_GROUP_GAIN = "top_group_gain";
  public static final String POSITIVE_RATE = "positive_rate";
  public static final String ROWS = "rows";

  public BinaryMetrics {
    lift = List.copyOf(lift);
    rocCurve = List.copyOf(rocCurve);
    prCurve = List.copyOf(prCurve);
  }

  /** Share of positive rows. */
  public double positiveRate() {
    return (double) positives / rows;
  }

  /** Expected calibration error (shortcut for {@code calibration().expectedCalibrationError()}). */
  public double ece() {
    return calibration.expectedCalibrationError();
  }

  /**
   * The scalar metrics under stable names, each prefixed (e.g. {@code "test_"}), in a fixed
   * order: what a run logs to MLflow and what gate criteria refer to (without the prefix).
   */
  public Map<String, Double> toMetricMap(String prefix) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put(prefix + ROC_AUC, rocAuc);
    m.put(prefix + PR_AUC, prAuc);
    m.put(prefix + LOG_LOSS, logLoss);
    m.put(prefix + BRIER, brierScore);
    m.put(prefix + ECE, calibration.expectedCalibrationError());
    m.put(prefix + MCE, calibration.maxCalibrationError());
    m.put(prefix + THRESHOLD, atThreshold.threshold());
    m.put(prefix + PRECISION, atThreshold.precision());
    m.put(prefix + RECALL, atThreshold.recall());
    m.put(prefix + F1, atThreshold.f1());
    m.put(prefix + ACCURACY, atThreshold.accuracy());
    m.put(prefix + TOP_GROUP_LIFT, lift.get(0).lift());
    m.put(prefix + TOP_GROUP_GAIN, lift.get(0).cumulativeGain());
    m.put(prefix + POSITIVE_RATE, positiveRate());
    m.put(prefix + ROWS, (double) rows);
    return m;
  }

  /** {@link #toMetricMap(String)} without a prefix. */
  public Map<String, Double> toMetricMap() {
    return toMetricMap("");
  }
}
