package io.leadscore.models.gate;

import io.leadscore.models.eval.BinaryClassifierEvaluator;
import io.leadscore.models.eval.BinaryMetrics;
import io.leadscore.models.eval.EvaluationOptions;
import io.leadscore.models.mlflow.ModelRegistry;
import io.leadscore.models.mlflow.ModelVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The champion/challenger gate. {@link #currentChampion} scores the serving model on the
 * challenger's test rows; {@link #decide} applies the {@link GatePolicy}; {@link
 * ModelPublisher#publish} registers the challenger and applies the decision.
 *
 * <pre>{@code
 * ChampionChallengerGate gate = new ChampionChallengerGate(GatePolicy.of(
 *     List.of(Criterion.parse("roc_auc >= 0.75"), Criterion.parse("ece <= 0.05")),
 *     "roc_auc", 0.002));
 * Optional<Champion> champion = gate.currentChampion(mlflow.registry(), modelName, cacheDir,
 *     testRows, "label", "probability", options);
 * GateDecision decision = gate.decide(testMetrics, champion);
 * Publication p = ModelPublisher.publish(mlflow, modelName, loggedModel, decision,
 *     gate.policy());
 * }</pre>
 */
public final class ChampionChallengerGate {

  private final GatePolicy policy;

  public ChampionChallengerGate(GatePolicy policy) {
    this.policy = policy;
  }

  public GatePolicy policy() {
    return policy;
  }

  /**
   * The version under the champion alias, scored on {@code testRows} (the challenger's test
   * rows, unscored: the champion's pipeline adds its own output columns). Empty if there is
   * no champion yet.
   *
   * @param cacheDir Hadoop path where model versions are downloaded (see {@link
   *     ModelRegistry#download})
   */
  public Optional<Champion> currentChampion(
      ModelRegistry registry,
      String modelName,
      String cacheDir,
      Dataset<Row> testRows,
      String labelColumn,
      String probabilityColumn,
      EvaluationOptions options) {
    Optional<ModelVersion> version = registry.versionByAlias(modelName, policy.championAlias());
    if (version.isEmpty()) {
      return Optional.empty();
    }
    PipelineModel model = registry.loadSparkModel(modelName, version.get().version(), cacheDir);
    Dataset<Row> scored;
    try {
      // Schema problems (inputs the champion needs are gone) surface here, before any job.
      scored = model.transform(testRows);
    } catch (Exception e) { // AnalysisException is checked for javac, thrown by Scala anyway
      if (e instanceof IllegalArgumentException || e instanceof AnalysisException) {
        return Optional.of(Champion.unscorable(version.get(), firstLine(e.getMessage())));
      }
      if (e instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException("scoring the champion failed", e);
    }
    BinaryMetrics metrics =
        BinaryClassifierEvaluator.evaluate(scored, labelColumn, probabilityColumn, options);
    return Optional.of(Champion.scored(version.get(), metrics));
  }

  /** {@link #decide(Map, Optional)} on the challenger's {@link BinaryMetrics#toMetricMap()}. */
  public GateDecision decide(BinaryMetrics challenger, Optional<Champion> champion) {
    return decide(challenger.toMetricMap(), champion);
  }

  /**
   * Applies the policy.
   *
   * @param challengerMetrics the challenger's test metrics, unprefixed names ({@code roc_auc})
   * @throws IllegalArgumentException if a criterion or the comparison names a metric the
   *     challenger does not have (a configuration error)
   */
  public GateDecision decide(Map<String, Double> challengerMetrics, Optional<Champion> champion) {
    List<String> reasons = new ArrayList<>();
    boolean criteriaPass = true;
    for (Criterion c : policy.criteria()) {
      double v = metric(challengerMetrics, c.metric(), "criterion");
      boolean pass = c.isMetBy(v);
      criteriaPass &= pass;
      reasons.add(c.metric() + " " + Criterion.format(v) + " (needs " + c.bound().symbol() + " "
          + Criterion.format(c.value()) + "): " + (pass ? "pass" : "FAIL"));
    }
    String name = policy.comparisonMetric();
    double mine = metric(challengerMetrics, name, "comparison");
    boolean beatsChampion;
    if (champion.isEmpty()) {
      beatsChampion = true;
      reasons.add("no " + policy.championAlias() + " yet: the criteria alone decide");
    } else if (champion.get().metricsOnSameRows().isEmpty()) {
      beatsChampion = true;
      reasons.add(policy.championAlias() + " v" + champion.get().version().version()
          + " cannot score the test rows (" + champion.get().unscorableReason()
          + "): the criteria alone decide");
    } else {
      BinaryMetrics theirs = champion.get().metricsOnSameRows().get();
      double other = metric(theirs.toMetricMap(), name, "comparison");
      double improvement = policy.higherIsBetter() ? mine - other : other - mine;
      beatsChampion = improvement > 0 && improvement >= policy.minImprovement();
      reasons.add(name + " " + Criterion.format(mine) + " vs " + policy.championAlias() + " v"
          + champion.get().version().version() + " " + Criterion.format(other)
          + " on the same " + theirs.rows() + " test rows: improvement "
          + Criterion.format(improvement) + " (needs > 0 and ≥ "
          + Criterion.format(policy.minImprovement()) + "): " + (beatsChampion ? "pass" : "FAIL"));
    }
    return new GateDecision(criteriaPass && beatsChampion, reasons, name, mine, champion);
  }

  private static double metric(Map<String, Double> metrics, String name, String role) {
    Double v = metrics.get(name);
    if (v == null) {
      throw new IllegalArgumentException("gate " + role + " metric '" + name
          + "' is not among the challenger's metrics " + metrics.keySet());
    }
    return v;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "no message";
    }
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).strip();
  }
}
