package io.leadscore.models.gate;

import io.leadscore.models.eval.BinaryMetrics;
import io.leadscore.models.mlflow.ModelVersion;
import java.util.Optional;

/**
 * The current champion version and its metrics re-computed on the challenger's test rows (not
 * its own run's test set, which may differ), so the comparison is like for like.
 *
 * @param metricsOnSameRows empty when the champion could not score these rows (its inputs are
 *     no longer in the table): then the criteria alone decide, and the reason says so
 * @param unscorableReason why it could not score them, when it could not
 */
public record Champion(
    ModelVersion version, Optional<BinaryMetrics> metricsOnSameRows, String unscorableReason) {

  public static Champion scored(ModelVersion version, BinaryMetrics metrics) {
    return new Champion(version, Optional.of(metrics), null);
  }

  public static Champion unscorable(ModelVersion version, String reason) {
    return new Champion(version, Optional.empty(), reason);
  }
}
