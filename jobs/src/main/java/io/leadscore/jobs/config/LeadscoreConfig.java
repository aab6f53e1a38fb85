package io.leadscore.jobs.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.leadscore.transforms.lakehouse.Lakehouse;
import java.util.List;
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
    @JsonProperty("training") TrainingSettings training,
    @JsonProperty("scoring") ScoringSettings scoring) {

  public LeadscoreConfig {
    spark = spark == null ? Map.of() : Map.copyOf(spark);
    training = training == null ? TrainingSettings.DEFAULTS : training;
    scoring = scoring == null ? ScoringSettings.defaults() : scoring;
  }

  /**
   * How {@code train} fits, picks and gates models; every key optional.
   *
   * @param families      candidate families (lr, rf, gbt)
   * @param primaryMetric roc_auc or pr_auc: picks the winner on validation, compared by the gate
   * @param folds         cross-validation folds (2..20), or 0 for one validation split
   * @param testFraction  share of leads held out for the test set
   * @param split         hash (by lead id) or time (train on earlier observation points)
   * @param gate          criteria every new model must meet, e.g. "roc_auc >= 0.7", and the
   *                      margin by which it must beat the champion on the same test rows
   * @param grids         per family (lr, rf, gbt), classifier params and the values to try,
   *                      e.g. {@code gbt: { maxIter: [150], maxDepth: [4, 5] }}; they replace
   *                      the family's defaults of those params
   */
  public record TrainingSettings(
      @JsonProperty("families") List<String> families,
      @JsonProperty("primaryMetric") String primaryMetric,
      @JsonProperty("folds") Integer folds,
      @JsonProperty("parallelism") Integer parallelism,
      @JsonProperty("balanceClasses") Boolean balanceClasses,
      @JsonProperty("testFraction") Double testFraction,
      @JsonProperty("split") String split,
      @JsonProperty("seed") Long seed,
      @JsonProperty("gate") GateSettings gate,
      @JsonProperty("grids") Map<String, Map<String, List<Object>>> grids) {
    public static final TrainingSettings DEFAULTS =
        new TrainingSettings(null, null, null, null, null, null, null, null, null, null);

    public TrainingSettings {
      families = families == null ? List.of("lr", "rf", "gbt") : List.copyOf(families);
      primaryMetric = primaryMetric == null ? "roc_auc" : primaryMetric;
      folds = folds == null ? 3 : folds;
      parallelism = parallelism == null ? 2 : parallelism;
      balanceClasses = balanceClasses != null && balanceClasses;
      testFraction = testFraction == null ? 0.2 : testFraction;
      split = split == null ? "hash" : split;
      seed = seed == null ? 42L : seed;
      gate = gate == null ? new GateSettings(null, null) : gate;
      grids = grids == null ? Map.of() : grids;
    }
  }

  /** The champion/challenger gate. */
  public record GateSettings(
      @JsonProperty("criteria") List<String> criteria,
      @JsonProperty("minImprovement") Double minImprovement) {
    public GateSettings {
      criteria = criteria == null ? List.of("roc_auc >= 0.6", "ece <= 0.1")
          : List.copyOf(criteria);
      minImprovement = minImprovement == null ? 0.0 : minImprovement;
    }
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
