package io.leadscore.models.gate;

import java.util.List;
import java.util.Optional;

/**
 * The gate's verdict on a challenger, with every reason (one per criterion, one for the
 * comparison with the champion), in the order checked.
 *
 * @param promote whether the challenger becomes champion
 * @param reasons human-readable, e.g. {@code "roc_auc 0.8123 >= 0.7500: pass"}
 * @param challengerMetric the challenger's value of the comparison metric
 * @param champion the champion it was compared with, if any
 */
public record GateDecision(
    boolean promote,
    List<String> reasons,
    String comparisonMetric,
    double challengerMetric,
    Optional<Champion> champion) {

  /** Tag values recorded on runs and versions. */
  public static final String PROMOTED = "promoted";
  public static final String REJECTED = "rejected";

  public GateDecision {
    reasons = List.copyOf(reasons);
  }

  /** {@value #PROMOTED} or {@value #REJECTED}. */
  public String verdict() {
    return promote ? PROMOTED : REJECTED;
  }

  /** One line: the verdict and every reason. */
  public String summary() {
    return verdict() + ": " + String.join("; ", reasons);
  }
}
