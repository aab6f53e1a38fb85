package io.leadscore.features.leakage;

/**
 * Thresholds of the leakage detector. A statistic at or beyond its threshold raises a flag.
 * The defaults are chosen so that each rule has a clear margin on the real X Education data
 * (see the package documentation for the figures); all are configurable.
 *
 * @param maxAuc               HIGH_AUC when the single-feature AUC (either direction) is at
 *                             least this: the feature alone nearly decides the outcome
 * @param maxCramersV          HIGH_CRAMERS_V (categoricals) at or above this
 * @param maxPointBiserial     HIGH_POINT_BISERIAL (numerics) when |r| is at or above this
 * @param maxPurity            PURE_LEVELS when at least this share of all rows sits in levels
 *                             (of at least {@code minLevelSupport} rows) whose conversion rate is
 *                             at most {@code pureLowRate} or at least {@code pureHighRate}
 * @param pureLowRate          see maxPurity
 * @param pureHighRate         see maxPurity
 * @param minLevelSupport      levels with fewer rows are pooled into one level for every
 *                             statistic, so that tiny levels cannot fake purity or AUC
 * @param sparseMaxFillRate    SPARSE_AND_DECISIVE: filled in fewer than this share of rows...
 * @param sparseMinAnsweredAuc ...and yet AUC at least this among the rows where it is filled
 * @param maxFillRateShift     FILL_RATE_SHIFT when |fill(scoring) − fill(training)| ≥ this
 * @param maxPsi               DISTRIBUTION_SHIFT when PSI(training → scoring) ≥ this
 * @param maxDistinctRatio     IDENTIFIER_LIKE when distinct values / filled rows ≥ this (with
 *                             at least 50 filled rows)...
 * @param maxDistinctLevels    ...or when a categorical has more distinct values than this
 * @param warnAuc              kept features with an AUC at or above this get a "watch" note
 * @param psiBins              numeric PSI uses this many training-quantile bins (plus missing)
 * @param sparseRuleForNumerics whether SPARSE_AND_DECISIVE also applies to numerics (default
 *                             false: a sparse numeric is usually sparse by construction, e.g.
 *                             days since the last demo request is null for leads without one,
 *                             and decisive where filled for honest reasons; numeric leaks are
 *                             caught by HIGH_AUC, the missing-value AUC and |r|)
 */
public record LeakageConfig(
    double maxAuc,
    double maxCramersV,
    double maxPointBiserial,
    double maxPurity,
    double pureLowRate,
    double pureHighRate,
    int minLevelSupport,
    double sparseMaxFillRate,
    double sparseMinAnsweredAuc,
    double maxFillRateShift,
    double maxPsi,
    double maxDistinctRatio,
    int maxDistinctLevels,
    double warnAuc,
    int psiBins,
    boolean sparseRuleForNumerics) {

  public LeakageConfig {
    inRange("maxAuc", maxAuc, 0.5, 1.0);
    inRange("maxCramersV", maxCramersV, 0.0, 1.0);
    inRange("maxPointBiserial", maxPointBiserial, 0.0, 1.0);
    inRange("maxPurity", maxPurity, 0.0, 1.0);
    inRange("pureLowRate", pureLowRate, 0.0, 1.0);
    inRange("pureHighRate", pureHighRate, 0.0, 1.0);
    if (pureLowRate >= pureHighRate) {
      throw new IllegalArgumentException(String.format(
          "pureLowRate must be below pureHighRate, cannot be: %s >= %s", pureLowRate,
          pureHighRate));
    }
    if (minLevelSupport < 1) {
      throw new IllegalArgumentException("minLevelSupport must be >= 1, cannot be: "
          + minLevelSupport);
    }
    inRange("sparseMaxFillRate", sparseMaxFillRate, 0.0, 1.0);
    inRange("sparseMinAnsweredAuc", sparseMinAnsweredAuc, 0.5, 1.0);
    inRange("maxFillRateShift", maxFillRateShift, 0.0, 1.0);
    if (!(maxPsi > 0)) {
      throw new IllegalArgumentException("maxPsi must be > 0, cannot be: " + maxPsi);
    }
    inRange("maxDistinctRatio", maxDistinctRatio, 0.0, 1.0);
    if (maxDistinctLevels < 2) {
      throw new IllegalArgumentException("maxDistinctLevels must be >= 2, cannot be: "
          + maxDistinctLevels);
    }
    inRange("warnAuc", warnAuc, 0.5, 1.0);
    if (psiBins < 2 || psiBins > 100) {
      throw new IllegalArgumentException("psiBins must be within 2..100, cannot be: " + psiBins);
    }
  }

  /**
   * Defaults: AUC 0.90, Cramér's V 0.50, |r| 0.50, purity 0.25 at ≤ 3 % / ≥ 95 % conversion,
   * levels of 30+ rows, sparse-and-decisive below 80 % fill with answered AUC 0.70, fill shift
   * 0.20, PSI 0.25, identifier-like at 50 % distinct or 10,000 levels, watch note at AUC 0.70,
   * 10 PSI bins, sparse rule for categoricals and booleans only.
   */
  public static LeakageConfig defaults() {
    return new LeakageConfig(0.90, 0.50, 0.50, 0.25, 0.03, 0.95, 30, 0.80, 0.70, 0.20, 0.25,
        0.5, 10_000, 0.70, 10, false);
  }

  public LeakageConfig withMaxAuc(double value) {
    return new LeakageConfig(value, maxCramersV, maxPointBiserial, maxPurity, pureLowRate,
        pureHighRate, minLevelSupport, sparseMaxFillRate, sparseMinAnsweredAuc,
        maxFillRateShift, maxPsi, maxDistinctRatio, maxDistinctLevels, warnAuc, psiBins, sparseRuleForNumerics);
  }

  public LeakageConfig withMaxPsi(double value) {
    return new LeakageConfig(maxAuc, maxCramersV, maxPointBiserial, maxPurity, pureLowRate,
        pureHighRate, minLevelSupport, sparseMaxFillRate, sparseMinAnsweredAuc,
        maxFillRateShift, value, maxDistinctRatio, maxDistinctLevels, warnAuc, psiBins, sparseRuleForNumerics);
  }

  /** The sparse-and-decisive rule: fill below, AUC where filled at least, numerics too. */
  public LeakageConfig withSparse(double maxFillRate, double minAnsweredAuc,
      boolean forNumerics) {
    return new LeakageConfig(maxAuc, maxCramersV, maxPointBiserial, maxPurity, pureLowRate,
        pureHighRate, minLevelSupport, maxFillRate, minAnsweredAuc, maxFillRateShift, maxPsi,
        maxDistinctRatio, maxDistinctLevels, warnAuc, psiBins, forNumerics);
  }

  private static void inRange(String name, double value, double lo, double hi) {
    if (!(value >= lo && value <= hi)) {
      throw new IllegalArgumentException(String.format("%s must be within %s..%s, cannot be: %s",
          name, lo, hi, value));
    }
  }
}
