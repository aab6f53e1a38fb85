package io.leadscore.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadscore.features.gold.GoldColumns;
import io.leadscore.models.drift.ReferenceProfile;
import io.leadscore.models.mlflow.MlflowTracking;
import io.leadscore.models.mlflow.ModelVersion;
import io.leadscore.models.scoring.ModelResolver;
import io.leadscore.transforms.lakehouse.Lakehouse;
import io.leadscore.transforms.lakehouse.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The train job against the real MLflow server of the local stack. */
class TrainJobTest extends JobTestSupport {
  private static final String CONTRACT = String.join("\n",
      "contract: 1",
      "source: tiny",
      "datasets:",
      "  leads:",
      "    format: csv",
      "    landing: tiny/leads/**/*.csv",
      "    timing: { asOf: snapshot }",
      "    columns:",
      "      - { source: id, name: id, role: id, nullable: false }",
      "      - { source: converted, name: converted, type: integer, role: label }",
      "      - { source: channel, name: channel }",
      "      - { source: minutes, name: minutes, type: double,",
      "          leakageExempt: \"time on site, measured before any sales contact\" }",
      "      - { source: noise, name: noise, type: double }",
      "");
  private static final String FAST = String.join("\n",
      "training:",
      "  families: [lr]",
      "  folds: 2",
      "  gate: { criteria: [\"roc_auc >= 0.7\"], minImprovement: 0.0 }");

  @TempDir
  Path dir;
  private Path contract;
  private Lakehouse lakehouse;

  @BeforeEach
  void goldTrainingTable() throws Exception {
    contract = dir.resolve("tiny.yaml");
    Files.writeString(contract, CONTRACT);
    lakehouse = new Lakehouse(dir.resolve("lakehouse").toString());
    StructType schema = new StructType().add(GoldColumns.LEAD_ID, DataTypes.StringType)
        .add(GoldColumns.AS_OF, DataTypes.TimestampType).add(GoldColumns.LABEL,
            DataTypes.IntegerType).add("channel", DataTypes.StringType)
        .add("minutes", DataTypes.DoubleType).add("noise", DataTypes.DoubleType);
    Random random = new Random(7);
    List<Row> rows = new ArrayList<>();
    Timestamp asOf = Timestamp.valueOf("2026-01-01 00:00:00");
    for (int i = 0; i < 600; i++) {
      String channel = random.nextBoolean() ? "web" : "ads";
      double minutes = random.nextDouble() * 60;
      double p = 1 / (1 + Math.exp(-(minutes / 10 - 3 + ("web".equals(channel) ? 1 : 0))));
      rows.add(RowFactory.create("L" + i, asOf, random.nextDouble() < p ? 1 : 0, channel,
          minutes, random.nextGaussian()));
    }
    spark().createDataFrame(rows, schema).write().format("delta")
        .save(lakehouse.path(Table.GOLD_FEATURES, "tiny"));
  }

  @Test
  void trainsLogsAndPromotesTheFirstModelToChampion() throws Exception {
    String model = "leadscore_test_" + UUID.randomUUID().toString().substring(0, 8);
    Path config = writeConfig(dir, FAST);

    CliResult result = runCli("train", "--source", "tiny", "--contract", contract.toString(),
        "--config", config.toString(), "--model-name", model);

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.stdout()).contains("candidate lr: validation roc_auc")
        .contains("promoted to champion");
    MlflowTracking mlflow = MlflowTracking.connect(
        System.getenv().getOrDefault("LEADSCORE_TEST_MLFLOW_URI", "http://127.0.0.1:5000"));
    ModelVersion champion = mlflow.registry().versionByAlias(model, "champion").orElseThrow();
    assertThat(champion.version()).isEqualTo("1");
    // Every candidate family's fit time is on the run (the 1M training-time figure reads it).
    java.util.Map<String, Double> metrics = mlflow.client().getRun(champion.runId()).getData()
        .getMetricsList().stream().collect(java.util.stream.Collectors.toMap(
            m -> m.getKey(), m -> m.getValue()));
    assertThat(metrics).hasEntrySatisfying("fit_seconds_lr", s -> assertThat(s).isPositive());
    assertThat(spark().read().format("delta").load(lakehouse.path(Table.LEAKAGE_REPORT))
        .count()).isEqualTo(3);
    // The drift reference and reasons' baseline are in the model's folder: a download of the
    // registered version brings them.
    String cache = dir.resolve("cache").toString();
    mlflow.registry().download(model, "1", cache);
    List<String> problems = new ArrayList<>();
    ReferenceProfile reference = ModelResolver.savedProfile(model, "1", cache,
        spark().sparkContext().hadoopConfiguration(), problems::add).orElseThrow();
    assertThat(problems).isEmpty();
    assertThat(reference.rows()).isEqualTo(600);
    assertThat(reference.origin()).contains("gold.tiny.features version 0");
    assertThat(reference.columns()).extracting(ReferenceProfile.Column::feature)
        .containsExactlyInAnyOrder("channel", "minutes", "noise");
    assertThat(reference.columns()).filteredOn(c -> c.feature().equals("channel")).singleElement()
        .satisfies(c -> assertThat(c.levels()).containsExactlyInAnyOrder("web", "ads"));
    assertThat(reference.score().shares()).hasSize(10);
    assertThat(reference.slotMeans()).isNotEmpty();
    mlflow.registry().deleteRegisteredModel(model);
  }

  @Test
  void aLongBoostedEnsembleTrainsAndLeavesNoCheckpoints() throws Exception {
    // 300 iterations: without a checkpoint directory the GBT's lineage overflowed the stack
    // when Spark serialised its tasks (found with a 300-tree grid on X Education).
    String model = "leadscore_test_" + UUID.randomUUID().toString().substring(0, 8);
    Path config = writeConfig(dir, String.join("\n",
        "training:",
        "  families: [gbt]",
        "  folds: 0",
        "  grids:",
        "    gbt: { maxIter: [300], maxDepth: [2] }",
        "  gate: { criteria: [\"roc_auc >= 0.5\"], minImprovement: 0.0 }"));

    CliResult result = runCli("train", "--source", "tiny", "--contract", contract.toString(),
        "--config", config.toString(), "--model-name", model);

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.stdout()).contains("candidate gbt: validation roc_auc")
        .contains("maxIter=300");
    Path checkpoints = dir.resolve("lakehouse").resolve("_checkpoints");
    if (Files.exists(checkpoints)) {
      try (var left = Files.list(checkpoints)) {
        assertThat(left).as("checkpoints of the run are deleted").isEmpty();
      }
    }
    MlflowTracking.connect(System.getenv().getOrDefault("LEADSCORE_TEST_MLFLOW_URI",
        "http://127.0.0.1:5000")).registry().deleteRegisteredModel(model);
  }

  @Test
  void anUnreachableTrackingServerFailsBeforeTraining() throws Exception {
    Path config = writeConfig(dir, FAST);
    Files.writeString(config, Files.readString(config)
        .replaceAll("trackingUri: .*", "trackingUri: http://127.0.0.1:9"));

    CliResult result = runCli("train", "--source", "tiny", "--contract", contract.toString(),
        "--config", config.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderr()).contains("127.0.0.1:9").doesNotContain("\tat ");
    assertThat(Files.exists(Path.of(lakehouse.path(Table.LEAKAGE_REPORT)))).isFalse();
  }

  @Test
  void aTruthFolderWithoutTruthFilesFailsBeforeTraining() throws Exception {
    Path config = writeConfig(dir, FAST);
    Path empty = Files.createDirectories(dir.resolve("no-truth-here"));

    CliResult result = runCli("train", "--source", "tiny", "--contract", contract.toString(),
        "--config", config.toString(), "--truth", empty.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderr()).contains("--truth " + empty + " holds no truth_*.csv files")
        .doesNotContain("\tat ");
    assertThat(result.stdout()).doesNotContain("candidate lr");
    assertThat(Files.exists(Path.of(lakehouse.path(Table.LEAKAGE_REPORT)))).isFalse();
  }

  @Test
  void badTrainingSettingsAreConfigErrors() throws Exception {
    Path config = writeConfig(dir, "training:\n  families: [svm]\n");

    CliResult result = runCli("train", "--source", "tiny", "--contract", contract.toString(),
        "--config", config.toString());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr()).contains("cannot be: [svm]");
  }

  @Test
  void badClassifierGridsAreConfigErrorsNamingTheValue() throws Exception {
    for (String[] bad : new String[][] {
        {"  grids:\n    gbt: { maxDepth: [4, -1] }\n", "cannot be: -1"},
        {"  grids:\n    gbt: { maxDepht: [4] }\n", "cannot be: maxDepht"},
        {"  grids:\n    svm: { maxIter: [4] }\n", "cannot be: svm"},
        {"  grids:\n    lr: { regParam: [fast] }\n", "cannot be: fast"},
        {"  grids:\n    lr: { labelCol: [x] }\n", "cannot be: labelCol"}}) {
      Path config = writeConfig(dir, "training:\n" + bad[0]);

      CliResult result = runCli("train", "--source", "tiny", "--contract", contract.toString(),
          "--config", config.toString());

      assertThat(result.exitCode()).as(bad[0] + result.output()).isEqualTo(2);
      assertThat(result.stderr()).as(bad[0]).contains("grids").contains(bad[1])
          .doesNotContain("\tat ");
    }
  }
}
