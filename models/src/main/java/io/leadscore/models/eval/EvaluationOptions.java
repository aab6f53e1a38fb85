package io.leadscore.models.eval;

/**
 * Settings of {@link BinaryClassifierEvaluator}.
 *
 * @param threshold probability at or above which a row is predicted positive (for precision,
 *     recall and F1)
 * @param calibrationBins number of equal-width probability bins of the reliability curve and
 *     the expected calibration error
 * @param liftGroups number of equal-size groups of rows, by descending score, of the lift and
 *     cumulative-gains table (10: deciles)
 * @param logLossEpsilon probabilities are clipped to [ε, 1 − ε] before taking logs
 * @param curvePoints approximate number of points kept in the ROC and PR curves returned for
 *     plotting (the AUCs themselves are always computed on every distinct score)
 */
public record EvaluationOptions(
    double threshold, int calibrationBins, int liftGroups, double logLossEpsilon, int curvePoints) {

  public EvaluationOptions {
    if (!(threshold >= 0.0 && threshold <= 1.0)) {
      throw new IllegalArgumentException("threshold must be in [0, 1], cannot be: " + threshold);
    }
    if (calibrationBins < 1) {
      throw new IllegalArgumentException(
          "calibrationBins must be ≥ 1, cannot be: " + calibrationBins);
    }
    if (liftGroups < 1) {
      throw new IllegalArgumentException("liftGroups must be ≥ 1, cannot be: " + liftGroups);
    }
    if (!(logLossEpsilon > 0.0 && logLossEpsilon < 0.5)) {
      throw new IllegalArgumentException(
          "logLossEpsilon must be in (0, 0.5), cannot be: " + logLossEpsilon);
    }
    if (curvePoints < 2) {
      throw new IllegalArgumentException("curvePoints must be ≥ 2, cannot be: " + curvePoints);
    }
  }

  /** Threshold 0.5, 10 calibration bins, deciles, ε = 1e-15, about 200 curve points. */
  public static EvaluationOptions defaults() {
    return new EvaluationOptions(0.5, 10, 10, 1e-15, 200);
  }

  public EvaluationOptions withThreshold(double value) {
    return new EvaluationOptions(value, calibrationBins, liftGroups, logLossEpsilon, curvePoints);
  }

  public EvaluationOptions withCalibrationBins(int value) {
    return new EvaluationOptions(threshold, value, liftGroups, logLossEpsilon, curvePoints);
  }

  public EvaluationOptions withLiftGroups(int value) {
    return new EvaluationOptions(threshold, calibrationBins, value, logLossEpsilon, curvePoints);
  }

  public EvaluationOptions withLogLossEpsilon(double value) {
    return new EvaluationOptions(threshold, calibrationBins, liftGroups, value, curvePoints);
  }

  public EvaluationOptions withCurvePoints(int value) {
    return new EvaluationOptions(threshold, calibrationBins, liftGroups, logLossEpsilon, value);
  }
}
