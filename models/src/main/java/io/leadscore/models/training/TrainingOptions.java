package io.leadscore.models.training;

import java.util.List;
import java.util.Set;

/**
 * How candidates are trained and chosen.
 *
 * @param families      candidate families: {@code lr}, {@code rf}, {@code gbt}
 * @param primaryMetric {@code roc_auc} or {@code pr_auc}: picks the winner on validation
 * @param folds         cross-validation folds (≥ 2), or 0 for one 80/20 train/validation split
 * @param parallelism   candidate fits run at once
 * @param balanceClasses weight rows so both classes weigh the same (shifts probabilities)
 * @param seed          seed of the folds and the tree models
 */
public record TrainingOptions(List<String> families, String primaryMetric, int folds,
    int parallelism, boolean balanceClasses, long seed) {

  public static final String LOGISTIC_REGRESSION = "lr";
  public static final String RANDOM_FOREST = "rf";
  public static final String GRADIENT_BOOSTED_TREES = "gbt";
  public static final Set<String> FAMILIES =
      Set.of(LOGISTIC_REGRESSION, RANDOM_FOREST, GRADIENT_BOOSTED_TREES);
  public static final String ROC_AUC = "roc_auc";
  public static final String PR_AUC = "pr_auc";

  public TrainingOptions {
    families = List.copyOf(families);
    if (families.isEmpty() || !FAMILIES.containsAll(families)) {
      throw new IllegalArgumentException(String.format(
          "families must be some of %s, cannot be: %s", FAMILIES, families));
    }
    if (!ROC_AUC.equals(primaryMetric) && !PR_AUC.equals(primaryMetric)) {
      throw new IllegalArgumentException(String.format(
          "primaryMetric must be %s or %s, cannot be: %s", ROC_AUC, PR_AUC, primaryMetric));
    }
    if (folds == 1 || folds < 0 || folds > 20) {
      throw new IllegalArgumentException(String.format(
          "folds must be 0 (one validation split) or 2..20, cannot be: %s", folds));
    }
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be ≥ 1, cannot be: " + parallelism);
    }
  }

  public static TrainingOptions defaults() {
    return new TrainingOptions(List.of(LOGISTIC_REGRESSION, RANDOM_FOREST,
        GRADIENT_BOOSTED_TREES), ROC_AUC, 3, 2, false, 42L);
  }
}
