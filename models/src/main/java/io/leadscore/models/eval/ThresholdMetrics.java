package io.leadscore.models.eval;

/**
 * Confusion counts and derived rates when rows with probability ≥ {@code threshold} are
 * predicted positive. Precision is 0 when nothing is predicted positive, and F1 is 0 when
 * precision + recall is 0 (scikit-learn's {@code zero_division=0}).
 */
public record ThresholdMetrics(
    double threshold,
    long truePositives,
    long falsePositives,
    long trueNegatives,
    long falseNegatives,
    double precision,
    double recall,
    double f1,
    double accuracy) {

  static ThresholdMetrics of(double threshold, long tp, long fp, long tn, long fn) {
    double precision = tp + fp == 0 ? 0.0 : (double) tp / (tp + fp);
    double recall = tp + fn == 0 ? 0.0 : (double) tp / (tp + fn);
    double f1 = precision + recall == 0.0 ? 0.0 : 2 * precision * recall / (precision + recall);
    double accuracy = (double) (tp + tn) / (tp + fp + tn + fn);
    return new ThresholdMetrics(threshold, tp, fp, tn, fn, precision, recall, f1, accuracy);
  }
}
