package io.leadscore.models.gate;

import java.util.List;
import java.util.Set;

/**
 * What a challenger must do to become champion: meet every criterion, and beat the current
 * champion on {@code comparisonMetric}, computed on the same test rows, by at least {@code
 * minImprovement} (strictly better when the margin is 0). With no champion, the criteria alone
 * decide.
 *
 * @param criteria all must pass (may be empty)
 * @param comparisonMetric e.g. {@code roc_auc} or {@code pr_auc}
 * @param higherIsBetter direction of the comparison metric
 * @param minImprovement margin in the metric's units, ≥ 0
 * @param championAlias alias of the serving model, normally {@code champion}
 * @param challengerAlias alias every newly registered version gets, normally {@code challenger}
 */
public record GatePolicy(
    List<Criterion> criteria,
    String comparisonMetric,
    boolean higherIsBetter,
    double minImprovement,
    String championAlias,
    String challengerAlias) {

  public static final String CHAMPION = "champion";
  public static final String CHALLENGER = "challenger";

  /** Metrics of {@code BinaryMetrics} where lower is better. */
  private static final Set<String> LOWER_IS_BETTER =
      Set.of("log_loss", "brier_score", "ece", "mce");

  public GatePolicy {
    criteria = List.copyOf(criteria);
    if (comparisonMetric == null || comparisonMetric.isBlank()) {
      throw new IllegalArgumentException(
          "comparison metric must not be blank, cannot be: " + comparisonMetric);
    }
    if (!(minImprovement >= 0) || !Double.isFinite(minImprovement)) {
      throw new IllegalArgumentException(
          "minImprovement must be ≥ 0, cannot be: " + minImprovement);
    }
    for (String alias : new String[] {championAlias, challengerAlias}) {
      if (alias == null || alias.isBlank()) {
        throw new IllegalArgumentException("aliases must not be blank, cannot be: " + alias);
      }
    }
    if (championAlias.equals(challengerAlias)) {
      throw new IllegalArgumentException(
          "champion and challenger aliases must differ, cannot both be: " + championAlias);
    }
  }

  /**
   * A policy with the usual aliases; the direction of {@code comparisonMetric} follows its
   * name (log loss, Brier score, ECE and MCE: lower is better; others: higher).
   */
  public static GatePolicy of(
      List<Criterion> criteria, String comparisonMetric, double minImprovement) {
    return new GatePolicy(criteria, comparisonMetric,
        !LOWER_IS_BETTER.contains(comparisonMetric), minImprovement, CHAMPION, CHALLENGER);
  }

  public GatePolicy withAliases(String champion, String challenger) {
    return new GatePolicy(criteria, comparisonMetric, higherIsBetter, minImprovement, champion,
        challenger);
  }
}
