package io.leadscore.models.training;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * @param grids         per family, classifier params (MLlib names, e.g. {@code maxIter}) and
 *                      the values to try; they replace the family's defaults of those params
 *                      (see {@link ModelTrainer#defaultGrid}); empty: the defaults
 */
public record TrainingOptions(List<String> families, String primaryMetric, int folds,
    int parallelism, boolean balanceClasses, long seed,
    Map<String, Map<String, List<Object>>> grids) {

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
    Map<String, Map<String, List<Object>>> copy = new LinkedHashMap<>();
    if (grids != null) {
      grids.forEach((family, params) -> {
        if (!FAMILIES.contains(family)) {
          throw new IllegalArgumentException(String.format(
              "grids: family must be one of %s, cannot be: %s", FAMILIES, family));
        }
        Map<String, List<Object>> p = new LinkedHashMap<>();
        (params == null ? Map.<String, List<Object>>of() : params).forEach((k, v) ->
            p.put(k, v == null ? List.of() : List.copyOf(v)));
        copy.put(family, java.util.Collections.unmodifiableMap(p));
        ModelTrainer.checkGrid(family, p);
      });
    }
    grids = java.util.Collections.unmodifiableMap(copy);
  }

  /** Options with each family's default grid. */
  public TrainingOptions(List<String> families, String primaryMetric, int folds,
      int parallelism, boolean balanceClasses, long seed) {
    this(families, primaryMetric, folds, parallelism, balanceClasses, seed, Map.of());
  }

  public static TrainingOptions defaults() {
    return new TrainingOptions(List.of(LOGISTIC_REGRESSION, RANDOM_FOREST,
        GRADIENT_BOOSTED_TREES), ROC_AUC, 3, 2, false, 42L);
  }
}
