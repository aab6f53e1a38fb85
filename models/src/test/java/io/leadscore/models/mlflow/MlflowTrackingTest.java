package io.leadscore.models.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leadscore.models.InputTable;
import io.leadscore.models.testing.MlflowTestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunStatus;

/** Tracking against the real MLflow server: experiments, runs, artifacts via the proxy. */
class MlflowTrackingTest {

  private static MlflowTestServer server;

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

  @Test
  void reachableServerReportsItsVersion() {
    assertThat(server.tracking().serverVersion()).matches("\\d+\\.\\d+\\.\\d+.*");
  }

  @Test
  void unreachableServerIsAClearErrorNamingTheUri() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    String uri = "http://127.0.0.1:" + port;
    try (MlflowTracking down = MlflowTracking.connect(uri, MlflowCredentials.none())) {
      assertThatThrownBy(down::checkReachable)
          .isInstanceOf(TrackingUnavailableException.class)
          .hasMessageStartingWith("MLflow tracking server " + uri + " is unreachable (")
          .hasMessageEndingWith("start it (bin/stack up) or fix mlflow.trackingUri");
      // Calls through MLflow's Java client fail the same way.
      assertThatThrownBy(() -> down.experimentId("x"))
          .isInstanceOf(TrackingUnavailableException.class)
          .hasMessageContaining(uri);
    }
  }

  @Test
  void somethingElseAnsweringIsNotAnMlflowServer() throws Exception {
    // The Pushgateway-like case: an HTTP server that is not MLflow.
    com.sun.net.httpserver.HttpServer other =
        com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0),
            0);
    other.createContext("/", exchange -> {
      byte[] body = "<html>hello</html>".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    other.start();
    try (MlflowTracking wrong = MlflowTracking.connect(
        "http://127.0.0.1:" + other.getAddress().getPort(), MlflowCredentials.none())) {
      assertThatThrownBy(wrong::checkReachable)
          .isInstanceOf(TrackingUnavailableException.class)
          .hasMessageContaining("answered /health with '<html>hello</html>', not OK");
    } finally {
      other.stop(0);
    }
  }

  @Test
  void onlyHttpTrackingUrisAreAccepted() {
    assertThatThrownBy(() -> MlflowTracking.connect("file:/tmp/mlruns", MlflowCredentials.none()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("MLflow tracking URI must be an http(s) URL, cannot be: file:/tmp/mlruns");
    assertThatThrownBy(() -> MlflowTracking.connect("127.0.0.1:5000", MlflowCredentials.none()))
        .hasMessageContaining("cannot be: 127.0.0.1:5000");
  }

  @Test
  void experimentIsCreatedOnceThenFound() {
    String name = server.uniqueName("experiment");
    String id = server.tracking().experimentId(name);
    assertThat(server.tracking().experimentId(name)).isEqualTo(id);
    assertThat(server.tracking().client().getExperiment(id).getName()).isEqualTo(name);
  }

  @Test
  void runRecordsParamsMetricsTagsInputsAndArtifacts(@TempDir Path tmp) throws IOException {
    String name = server.uniqueName("run");
    Path plots = tmp.resolve("plots");
    Files.createDirectories(plots.resolve("sub"));
    Files.writeString(plots.resolve("a.txt"), "alpha");
    Files.write(plots.resolve("sub").resolve("b.bin"), new byte[] {0, 1, 2, (byte) 255});
    Path report = tmp.resolve("leakage report.json");
    Files.writeString(report, "{\"excluded\": [\"tags\"]}");
    Map<String, Object> params = new LinkedHashMap<>();
    for (int i = 0; i < 130; i++) {
      params.put("p" + i, i); // more than one log-batch request
    }
    List<InputTable> inputs =
        List.of(new InputTable("gold.features", "/lake/gold/features", 7),
            new InputTable("gold.labels", "/lake/gold/labels", 3));

    String runId;
    try (MlflowRun run = server.tracking().startRun(name, "unit-run",
        RunTags.standard("0123456789abcdef0123456789abcdef01234567", inputs, "3.5.9",
            "leadscore train"))) {
      runId = run.runId();
      assertThat(run.artifactUri()).startsWith("mlflow-artifacts:/");
      run.logParams(params);
      run.logMetrics(Map.of("test_roc_auc", 0.91, "test_ece", 0.02));
      run.setTag("leadscore.note", "hello");
      run.logInputTables(inputs, "training");
      assertThat(run.logArtifacts(plots, "plots"))
          .containsExactly("plots/a.txt", "plots/sub/b.bin");
      assertThat(run.logArtifact(report, null)).isEqualTo("leakage report.json");
      assertThat(run.logText("# card\n", "model_card.md")).isEqualTo("model_card.md");
      run.finish();
    }

    Run stored = server.tracking().client().getRun(runId);
    assertThat(stored.getInfo().getStatus()).isEqualTo(RunStatus.FINISHED);
    assertThat(stored.getInfo().getRunName()).isEqualTo("unit-run");
    assertThat(stored.getData().getParamsList()).hasSize(130);
    assertThat(stored.getData().getMetricsList())
        .anySatisfy(m -> {
          assertThat(m.getKey()).isEqualTo("test_roc_auc");
          assertThat(m.getValue()).isEqualTo(0.91);
        });
    Map<String, String> tags = server.tracking().runTags(runId);
    assertThat(tags)
        .containsEntry(RunTags.GIT_COMMIT, "0123456789abcdef0123456789abcdef01234567")
        .containsEntry(RunTags.SPARK_VERSION, "3.5.9")
        .containsEntry("leadscore.input.gold.features", "/lake/gold/features@v7")
        .containsEntry("leadscore.input.gold.labels", "/lake/gold/labels@v3")
        .containsEntry("leadscore.note", "hello");
    String inputsJson = server.tracking().client().sendGet("runs/get?run_id=" + runId);
    assertThat(inputsJson).contains("delta_table_version\\\": 7").contains("gold.labels");

    MlflowRun again = server.tracking().run(runId);
    assertThat(again.listArtifacts(null)).containsExactlyInAnyOrder(
        "plots/a.txt", "plots/sub/b.bin", "leakage report.json", "model_card.md");
    assertThat(again.readArtifact("plots/sub/b.bin")).containsExactly(0, 1, 2, 255);
    assertThat(new String(again.readArtifact("leakage report.json"), StandardCharsets.UTF_8))
        .isEqualTo("{\"excluded\": [\"tags\"]}");
  }

  @Test
  void aRunClosedWithoutFinishIsFailedAndBadMetricsAreRefused() {
    String name = server.uniqueName("failed");
    String runId;
    try (MlflowRun run = server.tracking().startRun(name, null, Map.of())) {
      runId = run.runId();
      assertThatThrownBy(() -> run.logMetrics(Map.of("auc", Double.NaN)))
          .hasMessage("metric 'auc' must be a finite number, cannot be: NaN");
    }
    assertThat(server.tracking().client().getRun(runId).getInfo().getStatus())
        .isEqualTo(RunStatus.FAILED);

    try (MlflowRun run = server.tracking().startRun(name, null, Map.of())) {
      runId = run.runId();
      run.fail("training diverged");
    }
    assertThat(server.tracking().runTags(runId))
        .containsEntry("leadscore.failure", "training diverged");
    assertThat(server.tracking().client().getRun(runId).getInfo().getStatus())
        .isEqualTo(RunStatus.FAILED);
  }

  @Test
  void credentialsFromTheEnvironmentAreSentButNeverLogged() {
    String token = "tok-3f9a1c-very-secret";
    MlflowCredentials creds = MlflowCredentials.from(Map.of(MlflowCredentials.TOKEN, token));
    assertThat(creds.toString()).doesNotContain(token).isEqualTo("MlflowCredentials[token]");
    // The local server has no auth: it ignores the header, so calls still work.
    try (MlflowTracking withToken = MlflowTracking.connect(MlflowTestServer.uri(), creds)) {
      withToken.checkReachable();
      String name = server.uniqueName("secret");
      try (MlflowRun run = withToken.startRun(name, null, Map.of())) {
        assertThatThrownBy(() -> run.logParams(Map.of("config", "token=" + token)))
            .hasMessage("refusing to log parameter 'config': its value contains the MLflow "
                + "credential from the environment")
            .hasMessageNotContaining(token);
        assertThatThrownBy(() -> run.setTag("debug", token))
            .hasMessageNotContaining(token);
        run.finish();
      }
    }
  }
}
