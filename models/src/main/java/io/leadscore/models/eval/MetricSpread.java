package io.leadscore.models.eval;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Mean ± sample standard deviation of one metric over folds (cross-validation), for reporting
 * figures such as "ROC AUC 0.924 ± 0.006 (5 folds)".
 *
 * @param std sample standard deviation (n − 1 in the denominator); 0 for a single fold
 */
public record MetricSpread(
    String metric, int folds, double mean, double std, double min, double max) {

  /** The spread of {@code values}, one per fold. */
  public static MetricSpread of(String metric, double... values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("a spread of '" + metric + "' needs at least one fold");
    }
    double sum = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException(
            "metric '" + metric + "' must be finite in every fold, cannot be: " + v);
      }
      sum += v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    double mean = sum / values.length;
    double squares = 0;
    for (double v : values) {
      squares += (v - mean) * (v - mean);
    }
    double std = values.length == 1 ? 0.0 : Math.sqrt(squares / (values.length - 1));
    return new MetricSpread(metric, values.length, mean, std, min, max);
  }

  /** The spread of one metric of per-fold evaluations, e.g. {@code BinaryMetrics::rocAuc}. */
  public static MetricSpread of(
      String metric, List<BinaryMetrics> folds, ToDoubleFunction<BinaryMetrics> extractor) {
    return of(metric, folds.stream().mapToDouble(extractor).toArray());
  }

  /** "0.9240 ± 0.0061 (5 folds)". */
  public String format() {
    return String.format(Locale.ROOT, "%.4f ± %.4f (%d fold%s)", mean, std, folds,
        folds == 1 ? "" : "s");
  }

  @Override
  public String toString() {
    return metric + " " + format();
  }
}
