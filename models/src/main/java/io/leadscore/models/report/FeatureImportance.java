package io.leadscore.models.report;

/** Importance of one model input, as shown on the feature-importance plot and model card. */
public record FeatureImportance(String feature, double importance) {

  public FeatureImportance {
    if (feature == null || feature.isBlank()) {
      throw new IllegalArgumentException("feature name must not be blank, cannot be: " + feature);
    }
    if (!Double.isFinite(importance)) {
      throw new IllegalArgumentException(
          "importance of '" + feature + "' must be finite, cannot be: " + importance);
    }
  }
}
