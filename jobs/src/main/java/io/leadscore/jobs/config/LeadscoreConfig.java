package io.leadscore.jobs.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.leadscore.transforms.lakehouse.Lakehouse;
import java.util.Map;

/**
 * One environment's settings ({@code conf/<env>.yaml}), as read and checked by
 * {@link ConfigLoader}. Every key is named here; a key the file has and this does not is an
 * error.
 */
public record LeadscoreConfig(
    @JsonProperty(value = "lakehouse", required = true) LakehouseSettings lakehouse,
    @JsonProperty(value = "mlflow", required = true) MlflowSettings mlflow,
    @JsonProperty(value = "metrics", required = true) MetricsSettings metrics,
    @JsonProperty("pii") PiiSettings pii,
    @JsonProperty("spark") Map<String, String> spark,
    @JsonProperty("scoring") ScoringSettings scoring) {

  public LeadscoreConfig {
    spark = spark == null ? Map.of() : Map.copyOf(spark);
    scoring = scoring == null ? ScoringSettings.defaults() : scoring;
  }

  /**
   * The score job: percentile cut points of tiers A, B, C (descending; below the last is D)
   * and the PSI above which drift is flagged.
   */
  public record ScoringSettings(
      @JsonProperty("tierCuts") java.util.List<Double> tierCuts,
      @JsonProperty("driftThreshold") Double driftThreshold) {
    public static final java.util.List<Double> DEFAULT_TIER_CUTS = java.util.List.of(0.9, 0.7,
        0.4);
    public static final double DEFAULT_DRIFT_THRESHOLD = 0.2;

    public ScoringSettings {
      tierCuts = tierCuts == null ? DEFAULT_TIER_CUTS : java.util.List.copyOf(tierCuts);
      driftThreshold = driftThreshold == null ? DEFAULT_DRIFT_THRESHOLD : driftThreshold;
    }

    public static ScoringSettings defaults() {
      return new ScoringSettings(null, null);
    }
  }

  /** Where the tables live and where raw files land. */
  public record LakehouseSettings(
      @JsonProperty(value = "root", required = true) String root,
      @JsonProperty(value = "landing", required = true) String landing) {}

  /** The MLflow tracking server (http or https). */
  public record MlflowSettings(
      @JsonProperty(value = "trackingUri", required = true) String trackingUri) {}

  /** The Prometheus Pushgateway every job pushes its run metrics to. */
  public record MetricsSettings(
      @JsonProperty(value = "pushgateway", required = true) String pushgateway,
      @JsonProperty("enabled") Boolean enabled) {
    public MetricsSettings {
      enabled = enabled == null || enabled;
    }
  }

  /** The key of the PII hash; give it as ${ENV_VAR}, never in clear in the file. */
  public record PiiSettings(@JsonProperty(value = "hashKey", required = true) String hashKey) {}

  public Lakehouse lakehouseLayout() {
    return new Lakehouse(lakehouse.root());
  }

  /** The PII hash key, or a configuration error naming what to set. */
  public String requirePiiHashKey() {
    if (pii == null || pii.hashKey() == null || pii.hashKey().isBlank()) {
      throw new ConfigException(
          "pii.hashKey is not configured: add 'pii: {hashKey: ${LEADSCORE_PII_KEY}}' to the"
              + " config and export LEADSCORE_PII_KEY");
    }
    return pii.hashKey();
  }

  @Override
  public String toString() {
    // Never print the PII key.
    return "LeadscoreConfig[lakehouse=" + lakehouse + ", mlflow=" + mlflow + ", metrics=" + metrics
        + ", spark=" + spark.keySet() + "]";
  }
}
