package io.leadscore.models.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.leadscore.models.testing.MlflowTestServer;
import io.leadscore.models.testing.TinyLeads;
import io.leadscore.testing.SparkTestSupport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fitted PipelineModel logged in MLflow's format, registered, aliased, downloaded back by
 * the JVM and loaded by Python's {@code mlflow.spark.load_model} from the alias, with identical
 * scores on both sides.
 */
class SparkModelRoundTripTest extends SparkTestSupport {

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

  private static Dataset<Row> probabilities(PipelineModel model, Dataset<Row> rows) {
    return model.transform(rows).select(col("lead_id"),
        org.apache.spark.ml.functions.vector_to_array(col("probability"), "float64")
            .getItem(1).as("p"));
  }

  private static Map<Long, Double> collect(Dataset<Row> scored) {
    Map<Long, Double> out = new LinkedHashMap<>();
    for (Row r : scored.collectAsList()) {
      out.put(r.getLong(0), r.getDouble(1));
    }
    return out;
  }

  @Test
  void loggedModelIsAnMlflowSparkModelThatBothJavaAndPythonLoad(@TempDir Path tmp)
      throws Exception {
    String name = server.uniqueName("roundtrip");
    Dataset<Row> data = TinyLeads.generate(spark(), 400, 1);
    PipelineModel model = TinyLeads.fit(data, "engagement", "noise");
    SparkModelEnvironment env = SparkModelEnvironment.of(spark(), server.tracking());
    assertThat(env.pysparkVersion()).isEqualTo(spark().version());

    LoggedModel logged;
    String runId;
    try (MlflowRun run = server.tracking().startRun(name, "roundtrip", Map.of())) {
      runId = run.runId();
      logged = run.logSparkModel(model, "model", env, tmp.resolve("stage").toUri().toString());
      List<String> files = run.listArtifacts("model");
      assertThat(files).contains("model/MLmodel", "model/requirements.txt",
          "model/python_env.yaml", "model/conda.yaml", "model/sparkml/metadata/part-00000",
          "model/code/leadscore_stages.py");
      assertThat(files).anyMatch(f -> f.startsWith("model/sparkml/stages/3_logreg_"));
      assertThat(files).noneMatch(f -> f.endsWith(".crc"));
      assertThat(logged.files()).isEqualTo(files.size());
      String mlmodel = new String(run.readArtifact("model/MLmodel"), StandardCharsets.UTF_8);
      assertThat(mlmodel)
          .contains("  python_function:\n    code: code\n    data: sparkml\n")
          .contains("    loader_module: mlflow.spark\n")
          .contains("    model_class: pyspark.ml.pipeline.PipelineModel\n")
          .contains("  spark:\n    code: code\n")
          .contains("    model_data: sparkml\n")
          .contains("    pyspark_version: '" + spark().version() + "'\n")
          .contains("mlflow_version: '" + env.mlflowVersion() + "'\n")
          .containsPattern("\nrun_id: '?" + runId + "'?\n"); // quoted if it starts with a digit
      assertThat(new String(run.readArtifact("model/requirements.txt"), StandardCharsets.UTF_8))
          .isEqualTo("mlflow==" + env.mlflowVersion() + "\nnumpy\npyspark=="
              + spark().version() + "\n");
      run.finish();
    }
    assertThat(logged.artifactUri()).endsWith("/" + runId + "/artifacts/model");
    assertThat(Files.list(tmp.resolve("stage"))).as("staged copy removed").isEmpty();
    assertThat(server.tracking().runTags(runId)).containsKey("mlflow.log-model.history");

    ModelRegistry registry = server.tracking().registry();
    assertThat(registry.ensureRegisteredModel(name, "test")).isTrue();
    assertThat(registry.ensureRegisteredModel(name, "test")).isFalse();
    ModelVersion v = registry.createVersion(name, logged.artifactUri(), runId,
        Map.of("leadscore.test", "yes"));
    v = registry.waitUntilReady(name, v.version(), Duration.ofSeconds(30));
    registry.setAlias(name, "champion", v.version());
    assertThat(registry.versionByAlias(name, "champion")).get()
        .satisfies(c -> {
          assertThat(c.runId()).isEqualTo(runId);
          assertThat(c.aliases()).containsExactly("champion");
          assertThat(c.tags()).containsEntry("leadscore.test", "yes");
        });
    assertThat(registry.versionByAlias(name, "challenger")).isEmpty();
    assertThat(registry.versionByAlias(name + "-missing", "champion")).isEmpty();

    // The JVM side: download to a cache, load, score like the original.
    String cache = tmp.resolve("cache").toUri().toString();
    String dir = registry.download(name, v.version(), cache);
    Path marker = Path.of(java.net.URI.create(dir)).resolve(ModelRegistry.DOWNLOAD_MARKER);
    long firstDownload = Files.getLastModifiedTime(marker).toMillis();
    PipelineModel loaded = registry.loadSparkModel(name, v.version(), cache);
    assertThat(Files.getLastModifiedTime(marker).toMillis())
        .as("a complete cached copy is reused").isEqualTo(firstDownload);
    Dataset<Row> fresh = TinyLeads.generate(spark(), 60, 2);
    Map<Long, Double> java = collect(probabilities(model, fresh));
    assertThat(collect(probabilities(loaded, fresh))).isEqualTo(java);

    // The Python side: mlflow.spark.load_model("models:/<name>@champion").
    Path scoring = tmp.resolve("scoring.json");
    List<List<Object>> rows = new ArrayList<>();
    for (Row r : fresh.collectAsList()) {
      rows.add(List.of(r.getLong(0), r.getDouble(1), r.getDouble(2), r.getString(3),
          r.getDouble(4)));
    }
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("schema", "lead_id LONG, engagement DOUBLE, noise DOUBLE, source STRING, "
        + "label DOUBLE");
    spec.put("id_column", "lead_id");
    spec.put("rows", rows);
    spec.put("expected", java);
    new ObjectMapper().writeValue(scoring.toFile(), spec);
    PythonResult py = runPytest(Map.of(
        "MLFLOW_TRACKING_URI", MlflowTestServer.uri(),
        "LEADSCORE_TEST_MODEL_URI", "models:/" + name + "@champion",
        "LEADSCORE_TEST_SCORING_FILE", scoring.toString()));
    assertThat(py.exitCode).as(py.output).isZero();
    assertThat(py.output).contains("1 passed");

    registry.deleteAlias(name, "champion");
    assertThat(registry.versionByAlias(name, "champion")).isEmpty();
  }

  @Test
  void aVersionWhoseSourceIsNotAnMlflowModelCannotBeDownloaded(@TempDir Path tmp) {
    String name = server.uniqueName("notamodel");
    String runId;
    String source;
    try (MlflowRun run = server.tracking().startRun(name, null, Map.of())) {
      runId = run.runId();
      run.logText("not a model", "stuff/readme.txt");
      source = run.artifactUri() + "/stuff";
      run.finish();
    }
    ModelRegistry registry = server.tracking().registry();
    registry.ensureRegisteredModel(name, null);
    ModelVersion v = registry.createVersion(name, source, runId, Map.of());
    assertThatThrownBy(() -> registry.download(name, v.version(),
        tmp.toUri().toString()))
        .isInstanceOf(TrackingException.class)
        .hasMessageContaining("has no MLmodel file");
  }

  @Test
  void logSparkModelWithoutStagingFolderIsFineInLocalMode() {
    String name = server.uniqueName("localstage");
    PipelineModel model = TinyLeads.fit(TinyLeads.generate(spark(), 200, 3), "engagement");
    try (MlflowRun run = server.tracking().startRun(name, null, Map.of())) {
      LoggedModel logged = run.logSparkModel(model, "model",
          SparkModelEnvironment.of(spark(), server.tracking()));
      assertThat(run.listArtifacts("model")).contains("model/MLmodel");
      assertThat(logged.sizeBytes()).isPositive();
      run.finish();
    }
  }

  private record PythonResult(int exitCode, String output) {}

  private static PythonResult runPytest(Map<String, String> env)
      throws IOException, InterruptedException {
    Path root = projectRoot();
    String venv = System.getenv().getOrDefault("LEADSCORE_VENV",
        root.resolve(".leadscore/venv").toString());
    Path python = Path.of(venv, "bin", "python");
    if (!Files.isExecutable(python)) {
      String why = python + " is missing: run bin/stack install, or set LEADSCORE_VENV";
      if (MlflowTestServer.servicesRequired()) {
        throw new IllegalStateException(why);
      }
      org.junit.jupiter.api.Assumptions.abort(why);
    }
    ProcessBuilder pb = new ProcessBuilder(python.toString(), "-m", "pytest", "-q",
        "-p", "no:cacheprovider", "tests/python/test_mlflow_model.py")
        .directory(root.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("pytest did not finish in 10 minutes");
    }
    return new PythonResult(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
