package io.leadscore.models.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leadscore.models.eval.BinaryClassifierEvaluator;
import io.leadscore.models.eval.BinaryMetrics;
import io.leadscore.models.eval.EvaluationOptions;
import io.leadscore.models.mlflow.LoggedModel;
import io.leadscore.models.mlflow.MlflowCredentials;
import io.leadscore.models.mlflow.MlflowRun;
import io.leadscore.models.mlflow.MlflowTracking;
import io.leadscore.models.mlflow.ModelRegistry;
import io.leadscore.models.mlflow.ModelVersion;
import io.leadscore.models.mlflow.SparkModelEnvironment;
import io.leadscore.models.mlflow.TrackingException;
import io.leadscore.models.mlflow.TrackingUnavailableException;
import io.leadscore.models.testing.MlflowTestServer;
import io.leadscore.models.testing.TinyLeads;
import io.leadscore.testing.SparkTestSupport;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole gate against the real MLflow server: train, log, score the champion on the same
 * test rows, decide, publish; a worse model stays challenger, a better one becomes champion,
 * every decision is on the runs; a failing publication leaves nothing behind.
 */
class GateAgainstServerTest extends SparkTestSupport {

  private static final EvaluationOptions OPTIONS = EvaluationOptions.defaults();
  private static MlflowTestServer server;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void connect() {
    server = MlflowTestServer.reachable();
  }

  @AfterAll
  static void cleanUp() {
    if (server != null) {
      server.close();
    }
  }

  /** What the train job does after fitting: evaluate, log, gate, publish. */
  private Outcome trainAndPublish(String modelName, ChampionChallengerGate gate,
      Dataset<Row> test, long seed, String... features) {
    MlflowTracking mlflow = server.tracking();
    PipelineModel model = TinyLeads.fit(TinyLeads.generate(spark(), 800, seed), features);
    BinaryMetrics metrics = BinaryClassifierEvaluator.evaluate(model.transform(test), "label",
        "probability", OPTIONS);
    try (MlflowRun run = mlflow.startRun(modelName, "features " + String.join("+", features),
        Map.of())) {
      run.logMetrics(metrics.toMetricMap("test_"));
      LoggedModel logged = run.logSparkModel(model, "model",
          SparkModelEnvironment.of(spark(), mlflow), tmp.resolve("stage").toUri().toString());
      Optional<Champion> champion = gate.currentChampion(mlflow.registry(), modelName,
          tmp.resolve("cache").toUri().toString(), test, "label", "probability", OPTIONS);
      GateDecision decision = gate.decide(metrics, champion);
      ModelPublisher.Publication p =
          ModelPublisher.publish(mlflow, modelName, logged, decision, gate.policy());
      run.finish();
      return new Outcome(run.runId(), metrics, decision, p);
    }
  }

  private record Outcome(String runId, BinaryMetrics metrics, GateDecision decision,
      ModelPublisher.Publication publication) {}

  @Test
  void aWorseModelStaysChallengerAndABetterOneBecomesChampion() {
    String name = server.uniqueName("gate");
    ModelRegistry registry = server.tracking().registry();
    ChampionChallengerGate gate = new ChampionChallengerGate(GatePolicy.of(
        List.of(Criterion.parse("roc_auc >= 0.45"), Criterion.parse("ece <= 0.30")),
        "roc_auc", 0.005));
    Dataset<Row> test = TinyLeads.generate(spark(), 600, 99).cache();

    // 1. Source and noise only (weak), no champion yet: the criteria decide → champion.
    Outcome first = trainAndPublish(name, gate, test, 1, "noise");
    assertThat(first.decision().promote()).as(first.decision().summary()).isTrue();
    assertThat(first.publication().version().version()).isEqualTo("1");
    assertThat(first.publication().version().aliases())
        .containsExactlyInAnyOrder("champion", "challenger");
    assertThat(server.tracking().runTags(first.runId()))
        .containsEntry(ModelPublisher.TAG_DECISION, "promoted")
        .containsEntry(ModelPublisher.TAG_MODEL_VERSION, name + "/1")
        .containsEntry(ModelPublisher.TAG_CHAMPION_BEFORE, "none");

    // 2. The strong feature: clearly better on the same rows → new champion.
    Outcome better = trainAndPublish(name, gate, test, 2, "engagement", "noise");
    assertThat(better.metrics().rocAuc()).isGreaterThan(first.metrics().rocAuc() + 0.1);
    assertThat(better.decision().promote()).as(better.decision().summary()).isTrue();
    Champion compared = better.decision().champion().orElseThrow();
    assertThat(compared.version().version()).isEqualTo("1");
    assertThat(compared.metricsOnSameRows().orElseThrow().rocAuc())
        .as("the champion was re-scored on the same test rows")
        .isEqualTo(first.metrics().rocAuc());
    assertThat(registry.versionByAlias(name, "champion").orElseThrow().version()).isEqualTo("2");
    assertThat(server.tracking().runTags(first.runId()))
        .containsEntry(ModelPublisher.TAG_REPLACED_BY, name + "/2")
        .hasEntrySatisfying(ModelPublisher.TAG_LAST_CHALLENGE,
            v -> assertThat(v).startsWith("replaced by " + name + "/2"));

    // 3. Back to the weak input: passes the criteria but loses to the champion → challenger.
    Outcome worse = trainAndPublish(name, gate, test, 3, "noise");
    assertThat(worse.decision().promote()).as(worse.decision().summary()).isFalse();
    assertThat(worse.publication().version().version()).isEqualTo("3");
    assertThat(worse.publication().version().aliases()).containsExactly("challenger");
    assertThat(registry.versionByAlias(name, "champion").orElseThrow().version()).isEqualTo("2");
    assertThat(registry.versionByAlias(name, "challenger").orElseThrow().version())
        .isEqualTo("3");
    Map<String, String> worseTags = server.tracking().runTags(worse.runId());
    assertThat(worseTags)
        .containsEntry(ModelPublisher.TAG_DECISION, "rejected")
        .containsEntry(ModelPublisher.TAG_CHAMPION_BEFORE, name + "/2");
    assertThat(worseTags.get(ModelPublisher.TAG_REASONS))
        .contains("(needs >= 0.4500): pass")
        .contains("vs champion v2")
        .endsWith(": FAIL");
    assertThat(server.tracking().runTags(better.runId()))
        .hasEntrySatisfying(ModelPublisher.TAG_LAST_CHALLENGE,
            v -> assertThat(v).startsWith("kept against " + name + "/3"));
    assertThat(registry.version(name, "3").tags())
        .containsEntry(ModelPublisher.TAG_DECISION, "rejected");
    test.unpersist();
  }

  @Test
  void aFailedPublicationLeavesNoVersionBehind() {
    String name = server.uniqueName("rollback");
    ModelRegistry registry = server.tracking().registry();
    Dataset<Row> test = TinyLeads.generate(spark(), 300, 98);
    ChampionChallengerGate gate =
        new ChampionChallengerGate(GatePolicy.of(List.of(), "roc_auc", 0.0));
    Outcome champion = trainAndPublish(name, gate, test, 4, "engagement");
    assertThat(registry.versions(name)).hasSize(1);

    // MLflow rejects the alias "v9" (reserved for versions) after the version was created.
    ChampionChallengerGate badAlias = new ChampionChallengerGate(
        GatePolicy.of(List.of(), "roc_auc", 0.0).withAliases("champion", "v9"));
    assertThatThrownBy(() -> trainAndPublish(name, badAlias, test, 5, "engagement", "noise"))
        .isInstanceOf(TrackingException.class)
        .hasMessageContaining("publishing model '" + name + "' failed")
        .hasMessageContaining("the registration was undone (version 2 deleted)");
    assertThat(registry.versions(name)).extracting(ModelVersion::version).containsExactly("1");
    assertThat(registry.versionByAlias(name, "champion").orElseThrow().version()).isEqualTo("1");
    assertThat(champion.publication().promoted()).isTrue();

    // A model this call created is removed again too.
    String fresh = server.uniqueName("rollback-new");
    assertThatThrownBy(() -> trainAndPublish(fresh, badAlias, test, 6, "engagement"))
        .isInstanceOf(TrackingException.class);
    assertThat(registry.exists(fresh)).isFalse();
  }

  @Test
  void aChampionWhoseInputsAreGoneIsReportedUnscorable() {
    String name = server.uniqueName("unscorable");
    Dataset<Row> test = TinyLeads.generate(spark(), 300, 97);
    ChampionChallengerGate gate =
        new ChampionChallengerGate(GatePolicy.of(List.of(), "roc_auc", 0.0));
    trainAndPublish(name, gate, test, 7, "engagement", "noise");

    Optional<Champion> champion = gate.currentChampion(server.tracking().registry(), name,
        tmp.resolve("cache").toUri().toString(), test.drop("noise"), "label", "probability",
        OPTIONS);

    assertThat(champion).get().satisfies(c -> {
      assertThat(c.metricsOnSameRows()).isEmpty();
      assertThat(c.unscorableReason()).contains("noise");
    });
  }

  @Test
  void anUnreachableServerStopsPublicationBeforeAnythingIsCreated() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (MlflowTracking down =
        MlflowTracking.connect("http://127.0.0.1:" + port, MlflowCredentials.none())) {
      LoggedModel logged = new LoggedModel("run", "model", "mlflow-artifacts:/1/run/artifacts/model",
          "uuid", 1, 1);
      GateDecision decision = new ChampionChallengerGate(GatePolicy.of(List.of(), "roc_auc", 0))
          .decide(Map.of("roc_auc", 0.9), Optional.empty());
      assertThatThrownBy(() -> ModelPublisher.publish(down, "m", logged, decision,
          GatePolicy.of(List.of(), "roc_auc", 0)))
          .isInstanceOf(TrackingUnavailableException.class)
          .hasMessageContaining("127.0.0.1:" + port + " is unreachable");
    }
  }
}
