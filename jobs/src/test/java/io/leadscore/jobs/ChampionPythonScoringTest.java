package io.leadscore.jobs;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.leadscore.features.gold.GoldColumns;
import io.leadscore.features.gold.GoldWriter;
import io.leadscore.models.mlflow.MlflowCredentials;
import io.leadscore.models.mlflow.MlflowTracking;
import io.leadscore.models.mlflow.ModelVersion;
import io.leadscore.models.mlflow.TrackingUnavailableException;
import io.leadscore.models.scoring.BatchScoring;
import io.leadscore.models.scoring.CompiledScorer;
import io.leadscore.transforms.lakehouse.Lakehouse;
import io.leadscore.transforms.lakehouse.Table;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A champion trained and registered by OUR train job (feature pipeline with the custom stages
 * RareLevelGrouper, MissingIndicator, BooleanToNumber; GBT) is scored three ways on the same
 * rows: by the score job (CompiledScorer → scores table), by PipelineModel.transform in the JVM,
 * and by Python's {@code mlflow.spark.load_model("models:/<name>@champion")}
 * (tests/python/test_champion_scoring.py, run here against the same MLflow server): all within
 * 1e-9.
 */
class ChampionPythonScoringTest extends JobTestSupport {
  private static final String SOURCE = "parity";
  private static final String CONTRACT = String.join("\n",
      "contract: 1",
      "source: " + SOURCE,
      "datasets:",
      "  leads:",
      "    format: csv",
      "    landing: parity/leads/**/*.csv",
      "    timing: { asOf: snapshot }",
      "    columns:",
      "      - { source: id, name: id, role: id, nullable: false }",
      "      - { source: converted, name: converted, type: integer, role: label }",
      "      - { source: channel, name: channel,",
      "          leakageExempt: \"sign-up channel, known before any sales contact\" }",
      "      - { source: minutes, name: minutes, type: double,",
      "          leakageExempt: \"time on site, measured before any sales contact\" }",
      "      - { source: visits, name: visits, type: integer }",
      "      - { source: opted_in, name: opted_in, type: boolean }",
      "");
  private static final String TRAINING = String.join("\n",
      "training:",
      "  families: [gbt]",
      "  folds: 2",
      "  grids:",
      "    gbt: { maxIter: [12], maxDepth: [3], stepSize: [0.3] }",
      "  gate: { criteria: [\"roc_auc >= 0.6\"], minImprovement: 0.0 }");
  private static final String[] CHANNELS = {"web", "ads", "mail", "event", "fax", null};
  private static final StructType GOLD = new StructType()
      .add(GoldColumns.LEAD_ID, DataTypes.StringType)
      .add(GoldColumns.AS_OF, DataTypes.TimestampType)
      .add("channel", DataTypes.StringType)
      .add("minutes", DataTypes.DoubleType)
      .add("visits", DataTypes.IntegerType)
      .add("opted_in", DataTypes.BooleanType)
      .add(GoldColumns.LABEL, DataTypes.IntegerType);
  private static final List<String> FEATURES = List.of("channel", "minutes", "visits",
      "opted_in");
  private static final Timestamp AS_OF = Timestamp.valueOf("2026-01-10 00:00:00");

  @TempDir
  Path dir;

  /** Rows with rare levels (event, fax), nulls in every feature, unseen levels when scoring. */
  private Dataset<Row> rows(int n, long seed, boolean scoring) {
    Random random = new Random(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double u = random.nextDouble();
      String channel = u < 0.4 ? "web" : u < 0.75 ? "ads" : u < 0.9 ? "mail" : u < 0.93
          ? "event" : u < 0.95 ? "fax" : null;
      if (scoring && i % 17 == 0) {
        channel = "tiktok"; // never seen in training
      }
      Double minutes = random.nextDouble() < 0.1 ? null : random.nextDouble() * 60;
      Integer visits = random.nextDouble() < 0.1 ? null : random.nextInt(12);
      Boolean optedIn = random.nextDouble() < 0.15 ? null : random.nextBoolean();
      double logit = (minutes == null ? 0.5 : minutes / 12 - 2.5)
          + ("web".equals(channel) ? 0.8 : "mail".equals(channel) ? -0.6 : 0)
          + (visits == null ? 0 : visits * 0.1) + (Boolean.TRUE.equals(optedIn) ? 0.5 : 0);
      int label = random.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
      rows.add(RowFactory.create((scoring ? "S" : "T") + i, AS_OF, channel, minutes, visits,
          optedIn, label));
    }
    Dataset<Row> df = spark().createDataFrame(rows, GOLD);
    return scoring ? df.drop(GoldColumns.LABEL)
        .withColumn(GoldColumns.FEATURE_HASH, functions.sha2(functions.concat_ws("|",
            FEATURES.stream().map(c -> col(c).cast("string")).toArray(
                org.apache.spark.sql.Column[]::new)), 256))
        .withColumn(GoldColumns.FEATURES_RUN_ID, functions.lit("f1")) : df;
  }

  @Test
  void championOfTheTrainJobScoresTheSameInPythonAsInTheScoreJobAndTheJvm() throws Exception {
    String uri = Optional.ofNullable(System.getenv("LEADSCORE_TEST_MLFLOW_URI"))
        .filter(s -> !s.isBlank()).orElse("http://127.0.0.1:5000");
    MlflowTracking mlflow = MlflowTracking.connect(uri, MlflowCredentials.fromEnvironment());
    try {
      mlflow.checkReachable();
    } catch (TrackingUnavailableException e) {
      if ("1".equals(System.getenv("LEADSCORE_REQUIRE_SERVICES"))) {
        throw e;
      }
      Assumptions.abort(e.getMessage());
    }
    String name = "test-parity-" + UUID.randomUUID().toString().substring(0, 8);
    Lakehouse lake = new Lakehouse(dir.resolve("lakehouse").toString());
    Path contract = dir.resolve(SOURCE + ".yaml");
    Files.writeString(contract, CONTRACT);
    Path config = writeConfig(dir, TRAINING);
    rows(800, 1, false).write().format("delta").save(lake.path(Table.GOLD_FEATURES, SOURCE));
    Dataset<Row> scoring = rows(120, 2, true);
    GoldWriter.mergeScoring(scoring, lake.path(Table.GOLD_SCORING_FEATURES, SOURCE), "{}");
    try {
      CliResult train = runCli("train", "--source", SOURCE, "--contract", contract.toString(),
          "--config", config.toString(), "--model-name", name);
      assertThat(train.exitCode()).as(train.output()).isZero();
      assertThat(train.stdout()).contains("promoted to champion").contains("maxIter=12");
      CliResult score = runCli("score", "--source", SOURCE, "--config", config.toString(), "--model-name", name, "--no-drift-exit");
      assertThat(score.exitCode()).as(score.output()).isZero();

      // The JVM: the champion as registered, with the custom stages, compiled by the scorer.
      ModelVersion champion = mlflow.registry().versionByAlias(name, "champion").orElseThrow();
      PipelineModel model = mlflow.registry().loadSparkModel(name, champion.version(),
          dir.resolve("cache").toUri().toString());
      List<String> stages = Arrays.stream(model.stages())
          .map(s -> s.getClass().getSimpleName()).toList();
      assertThat(stages).contains("BooleanToNumber", "MissingIndicator",
          "RareLevelGrouperModel", "GBTClassificationModel");
      assertThat(CompiledScorer.compile(model, scoring.schema()).isCompiled())
          .as("the score job used the compiled scorer, not transform").isTrue();
      Map<String, Double> transform = new LinkedHashMap<>();
      for (Row r : model.transform(scoring).select(col(GoldColumns.LEAD_ID),
          org.apache.spark.ml.functions.vector_to_array(col("probability"), "float64")
              .getItem(1)).collectAsList()) {
        transform.put(r.getString(0), r.getDouble(1));
      }
      Map<String, Double> scoreJob = new LinkedHashMap<>();
      for (Row r : spark().read().format("delta").load(lake.path(Table.SCORES, SOURCE))
          .select(BatchScoring.LEAD_ID, BatchScoring.SCORE).collectAsList()) {
        scoreJob.put(r.getString(0), r.getDouble(1));
      }
      assertThat(scoreJob.keySet()).isEqualTo(transform.keySet()).hasSize(120);
      transform.forEach((id, p) -> assertThat(scoreJob.get(id)).as(id)
          .isCloseTo(p, org.assertj.core.data.Offset.offset(1e-9)));
      assertThat(transform.values().stream().distinct().count()).as("scores vary")
          .isGreaterThan(10);

      // Python: mlflow.spark.load_model("models:/<name>@champion") with leadscore_stages.
      List<List<Object>> rows = new ArrayList<>();
      for (Row r : scoring.select(GoldColumns.LEAD_ID, "channel", "minutes", "visits",
          "opted_in").collectAsList()) {
        rows.add(Arrays.asList(r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)));
      }
      Map<String, Object> spec = new LinkedHashMap<>();
      spec.put("schema", "lead_id STRING, channel STRING, minutes DOUBLE, visits INT,"
          + " opted_in BOOLEAN");
      spec.put("id_column", GoldColumns.LEAD_ID);
      spec.put("rows", rows);
      spec.put("expected_transform", transform);
      spec.put("expected_score_job", scoreJob);
      spec.put("custom_stages", List.of("RareLevelGrouperModel", "MissingIndicator",
          "BooleanToNumber"));
      Path file = dir.resolve("parity.json");
      new ObjectMapper().writeValue(file.toFile(), spec);
      Map<String, String> env = new LinkedHashMap<>();
      env.put("MLFLOW_TRACKING_URI", uri);
      env.put("LEADSCORE_TEST_CHAMPION_URI", "models:/" + name + "@champion");
      env.put("LEADSCORE_TEST_PARITY_FILE", file.toString());
      env.put("LEADSCORE_TEST_SPARK_JARS", stageJars());
      PythonResult py = runPytest("tests/python/test_champion_scoring.py", env);
      assertThat(py.exitCode).as(py.output).isZero();
      assertThat(py.output).contains("2 passed");
    } finally {
      try {
        if (mlflow.registry().exists(name)) {
          mlflow.registry().deleteRegisteredModel(name);
        }
        mlflow.client().getExperimentByName(name)
            .ifPresent(x -> mlflow.client().deleteExperiment(x.getExperimentId()));
      } catch (RuntimeException ignored) {
        // best effort
      }
      mlflow.close();
    }
  }

  /** The jars holding the custom stages (built by the reactor before this module's tests). */
  private static String stageJars() throws IOException {
    List<String> jars = new ArrayList<>();
    for (String module : List.of("features", "transforms")) {
      Path target = projectRoot().resolve(module).resolve("target");
      try (Stream<Path> files = Files.exists(target) ? Files.list(target) : Stream.empty()) {
        files.map(Path::toString).filter(f -> f.endsWith(".jar") && !f.endsWith("-tests.jar")
            && f.contains("leadscore-" + module)).forEach(jars::add);
      }
    }
    return String.join(",", jars);
  }

  private record PythonResult(int exitCode, String output) {}

  private static PythonResult runPytest(String test, Map<String, String> env)
      throws IOException, InterruptedException {
    Path root = projectRoot();
    String venv = System.getenv().getOrDefault("LEADSCORE_VENV",
        root.resolve(".leadscore/venv").toString());
    Path python = Path.of(venv, "bin", "python");
    if (!Files.isExecutable(python)) {
      String why = python + " is missing: run bin/stack install, or set LEADSCORE_VENV";
      if ("1".equals(System.getenv("LEADSCORE_REQUIRE_SERVICES"))) {
        throw new IllegalStateException(why);
      }
      Assumptions.abort(why);
    }
    ProcessBuilder pb = new ProcessBuilder(python.toString(), "-m", "pytest", "-q",
        "-p", "no:cacheprovider", test).directory(root.toFile()).redirectErrorStream(true);
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
