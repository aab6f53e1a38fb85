package io.leadscore.jobs;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.delta.tables.DeltaTable;
import io.leadscore.features.FeatureSpec;
import io.leadscore.features.gold.GoldColumns;
import io.leadscore.features.gold.GoldWriter;
import io.leadscore.features.pipeline.FeaturePipelineBuilder;
import io.leadscore.jobs.cli.LeadscoreException;
import io.leadscore.models.drift.ReferenceProfile;
import io.leadscore.models.gate.ChampionChallengerGate;
import io.leadscore.models.gate.GateDecision;
import io.leadscore.models.gate.GatePolicy;
import io.leadscore.models.gate.ModelPublisher;
import io.leadscore.models.mlflow.LoggedModel;
import io.leadscore.models.mlflow.MlflowCredentials;
import io.leadscore.models.mlflow.MlflowRun;
import io.leadscore.models.mlflow.MlflowTracking;
import io.leadscore.models.mlflow.ModelRegistry;
import io.leadscore.models.mlflow.SparkModelEnvironment;
import io.leadscore.models.mlflow.TrackingUnavailableException;
import io.leadscore.models.scoring.BatchScoring;
import io.leadscore.models.scoring.KernelCache;
import io.leadscore.models.scoring.ModelResolver;
import io.leadscore.models.scoring.ScorerOptions;
import io.leadscore.transforms.lakehouse.Lakehouse;
import io.leadscore.transforms.lakehouse.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The score job against the real MLflow server: a small logistic-regression pipeline trained
 * here on hand-made gold rows is registered as champion under a unique name, then scored
 * through the CLI on hand-made scoring features.
 */
class ScoreJobTest extends JobTestSupport {
  private static final String SOURCE = "crm";
  private static final String[] SOURCES = {"Google", "Referral", "Direct"};
  private static final StructType TRAINING = new StructType()
      .add(GoldColumns.LEAD_ID, DataTypes.StringType)
      .add(GoldColumns.AS_OF, DataTypes.TimestampType)
      .add("lead_source", DataTypes.StringType)
      .add("engagement", DataTypes.DoubleType)
      .add("noise", DataTypes.DoubleType)
      .add(GoldColumns.LABEL, DataTypes.IntegerType);
  private static final Timestamp AS_OF = Timestamp.valueOf("2026-01-10 00:00:00");

  private static MlflowTracking mlflow;
  private static String modelName;
  private static String loggedReferenceModel;
  private static PipelineModel model;
  private static Dataset<Row> training;

  @TempDir
  static Path shared;
  @TempDir
  Path dir;

  /** Once per class (spark() is an instance method of the fixture). */
  @BeforeEach
  void registerChampion() {
    if (modelName != null) {
      return;
    }
    String uri = Optional.ofNullable(System.getenv("LEADSCORE_TEST_MLFLOW_URI"))
        .filter(s -> !s.isBlank()).orElse("http://127.0.0.1:5000");
    mlflow = MlflowTracking.connect(uri, MlflowCredentials.fromEnvironment());
    try {
      mlflow.checkReachable();
    } catch (TrackingUnavailableException e) {
      if ("1".equals(System.getenv("LEADSCORE_REQUIRE_SERVICES"))) {
        throw e;
      }
      Assumptions.abort(e.getMessage());
    }
    String name = "test-score-" + UUID.randomUUID().toString().substring(0, 8);
    training = trainingRows(400, 1).cache();
    FeatureSpec spec = new FeatureSpec(GoldColumns.LEAD_ID, GoldColumns.AS_OF,
        GoldColumns.LABEL, List.of("lead_source"), List.of("engagement", "noise"), List.of(),
        null);
    List<PipelineStage> stages = new ArrayList<>(Arrays.asList(
        FeaturePipelineBuilder.from(spec).rareMinCount(5).build().getStages()));
    stages.add(new LogisticRegression().setMaxIter(50));
    model = new Pipeline().setStages(stages.toArray(PipelineStage[]::new)).fit(training);
    modelName = name;
    // Logged as a model from before reference profiles: the job computes one.
    register(modelName, null);
  }

  /** Logs {@code model} (with {@code reference} in its folder, if given) as champion of name. */
  private void register(String name, ReferenceProfile reference) {
    try (MlflowRun run = mlflow.startRun(name, "score test", Map.of())) {
      LoggedModel logged = run.logSparkModel(model, TrainingRun.MODEL_ARTIFACT,
          SparkModelEnvironment.of(spark(), mlflow), shared.resolve("stage").toUri().toString());
      if (reference != null) {
        run.logText(reference.toJson(), TrainingRun.MODEL_ARTIFACT + "/" + ReferenceProfile.FILE);
      }
      GatePolicy policy = GatePolicy.of(List.of(), "roc_auc", 0);
      GateDecision decision = new ChampionChallengerGate(policy)
          .decide(Map.of("roc_auc", 0.9), Optional.empty());
      ModelPublisher.publish(mlflow, name, logged, decision, policy);
      run.finish();
    }
  }

  @AfterAll
  static void cleanUp() {
    if (mlflow == null) {
      return;
    }
    for (String name : Arrays.asList(modelName, loggedReferenceModel)) {
      try {
        if (name != null && mlflow.registry().exists(name)) {
          mlflow.registry().deleteRegisteredModel(name);
        }
        if (name != null) {
          mlflow.client().getExperimentByName(name)
              .ifPresent(x -> mlflow.client().deleteExperiment(x.getExperimentId()));
        }
      } catch (RuntimeException ignored) {
        // best effort
      }
    }
    mlflow.close();
  }

  /** Labelled rows whose label depends strongly on engagement, a little on the source. */
  private Dataset<Row> trainingRows(int n, long seed) {
    Random random = new Random(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double engagement = random.nextGaussian();
      String source = SOURCES[random.nextInt(SOURCES.length)];
      double logit = 2.5 * engagement + ("Referral".equals(source) ? 0.8 : 0.0) - 0.3;
      int label = random.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
      rows.add(RowFactory.create("t" + i, AS_OF, source, engagement, random.nextGaussian(),
          label));
    }
    return spark().createDataFrame(rows, TRAINING);
  }

  /** Scoring features of n current leads from the training distribution, engagement + shift. */
  private Dataset<Row> scoringRows(int n, long seed, double shift) {
    return trainingRows(n, seed)
        .withColumn(GoldColumns.LEAD_ID, functions.concat(functions.lit("L"),
            functions.substring(col(GoldColumns.LEAD_ID), 2, 10)))
        .withColumn("engagement", col("engagement").plus(shift))
        .drop(GoldColumns.LABEL)
        .transform(ScoreJobTest::withHash);
  }

  private static Dataset<Row> withHash(Dataset<Row> rows) {
    return rows.withColumn(GoldColumns.FEATURE_HASH, functions.sha2(functions.concat_ws("|",
        col("lead_source"), col("engagement").cast("string"), col("noise").cast("string")), 256))
        .withColumn(GoldColumns.FEATURES_RUN_ID, functions.lit("f1"));
  }

  private Lakehouse lakehouse() {
    return new Lakehouse(dir.resolve("lakehouse").toString());
  }

  private String scoresPath() {
    return lakehouse().path(Table.SCORES, SOURCE);
  }

  private Path setUp(Dataset<Row> scoring, String mlflowUri) throws Exception {
    training.write().format("delta").mode(SaveMode.Overwrite)
        .save(lakehouse().path(Table.GOLD_FEATURES, SOURCE));
    GoldWriter.mergeScoring(scoring, lakehouse().path(Table.GOLD_SCORING_FEATURES, SOURCE),
        "{}");
    return config(mlflowUri);
  }

  private Path config(String mlflowUri) throws Exception {
    Path config = writeConfig(dir, "");
    if (mlflowUri != null) {
      Files.writeString(config, Files.readString(config)
          .replaceAll("trackingUri: .*", "trackingUri: " + mlflowUri));
    }
    return config;
  }

  private CliResult score(Path config, String... extra) {
    List<String> args = new ArrayList<>(List.of("score", "--config", config.toString(),
        "--source", SOURCE, "--model-name", modelName));
    args.addAll(List.of(extra));
    return runCli(args.toArray(String[]::new));
  }

  private List<Row> scoreRows() {
    return spark().read().format("delta").load(scoresPath()).orderBy(BatchScoring.LEAD_ID)
        .collectAsList();
  }

  @Test
  void scoresEveryLeadIdempotentlyThenOnlyChangedOnes() throws Exception {
    Dataset<Row> scoring = scoringRows(300, 2, 0.0);
    Path config = setUp(scoring, null);

    CliResult first = score(config);
    assertThat(first.exitCode()).as(first.output()).isEqualTo(0);
    Dataset<Row> scores = spark().read().format("delta").load(scoresPath());
    assertThat(scores.count()).isEqualTo(300);
    List<Row> rows = scoreRows();
    double[] cuts = {0.9, 0.7, 0.4};
    for (Row r : rows) {
      double p = r.getAs(BatchScoring.PERCENTILE);
      String tier = r.getAs(BatchScoring.TIER);
      String expected = p >= cuts[0] ? "A" : p >= cuts[1] ? "B" : p >= cuts[2] ? "C" : "D";
      assertThat(tier).as("tier of percentile %s", p).isEqualTo(expected);
      assertThat((String) r.getAs(BatchScoring.MODEL_VERSION)).isEqualTo("1");
      assertThat((Boolean) r.getAs(BatchScoring.FALLBACK)).isFalse();
      assertThat(r.getList(r.fieldIndex(BatchScoring.REASONS_UP)).size()
          + r.getList(r.fieldIndex(BatchScoring.REASONS_DOWN)).size()).isBetween(1, 6);
    }
    // The tier mix the job reports (from its ranking, not read back) is the table's.
    Map<String, Long> tierCounts = new java.util.TreeMap<>();
    for (Row r : scores.groupBy(BatchScoring.TIER).count().collectAsList()) {
      tierCounts.put(r.getString(0), r.getLong(1));
    }
    assertThat(first.stdout()).contains("full run: scored 300 leads, 300 in").contains(
        String.format("; tiers A %d, B %d, C %d, D %d",
            tierCounts.getOrDefault("A", 0L), tierCounts.getOrDefault("B", 0L),
            tierCounts.getOrDefault("C", 0L), tierCounts.getOrDefault("D", 0L)));
    // Percentiles follow the scores: a higher score never has a lower percentile.
    List<Row> byScore = scores.orderBy(BatchScoring.SCORE).collectAsList();
    for (int i = 1; i < byScore.size(); i++) {
      assertThat(byScore.get(i).getDouble(byScore.get(i).fieldIndex(BatchScoring.PERCENTILE)))
          .isGreaterThanOrEqualTo(byScore.get(i - 1).getDouble(
              byScore.get(i - 1).fieldIndex(BatchScoring.PERCENTILE)));
    }
    // The lead with the highest engagement pushes up on engagement.
    Row best = byScore.get(byScore.size() - 1);
    assertThat(best.getString(best.fieldIndex(BatchScoring.TIER))).isEqualTo("A");
    // The model was logged without a reference profile: the job computed one from the
    // training table and saved it with the cached version, so later runs need not read that
    // table. Its reasons' baseline equals a fresh computation.
    var hadoop = spark().sparkContext().hadoopConfiguration();
    String cache = lakehouse().modelCachePath();
    List<String> problems = new ArrayList<>();
    ReferenceProfile saved = ModelResolver.savedProfile(modelName, "1", cache, hadoop,
        problems::add).orElseThrow();
    assertThat(problems).isEmpty();
    assertThat(saved.origin()).startsWith("computed when scoring");
    assertThat(saved.rows()).isEqualTo(400);
    assertThat(first.stderr()).contains("has no usable reference profile");
    PipelineModel cached = ModelRegistry.loadCachedSparkModel(modelName, "1", cache, hadoop)
        .orElseThrow();
    Dataset<Row> features = spark().read().format("delta")
        .load(lakehouse().path(Table.GOLD_SCORING_FEATURES, SOURCE));
    double[] fresh = DriftCheck.compile(new ModelResolver.Resolved(modelName, "1", cached,
        false, null), features, ScorerOptions.defaults().withReference(spark().read()
        .format("delta").load(lakehouse().path(Table.GOLD_FEATURES, SOURCE))))
        .slotMeans().orElseThrow();
    assertThat(saved.slotMeans()).containsExactly(fresh);
    // Drift: the same distribution as training is not flagged.
    Dataset<Row> drift = spark().read().format("delta").load(lakehouse().path(Table.DRIFT));
    assertThat(drift.count()).isEqualTo(4); // lead_source, engagement, noise, score
    assertThat(drift.where(col("flagged")).count()).as(first.output()).isZero();

    // The first run saved its row kernel with the cached version, so later runs neither load
    // nor compile the model: with the model's files moved away, the rerun still scores.
    Path versionDir = Path.of(new org.apache.hadoop.fs.Path(
        ModelRegistry.cacheFolder(cache, modelName), "1").toUri().getPath());
    assertThat(KernelCache.saved(versionDir.toString(), hadoop)).hasSize(1);
    Path modelFiles = versionDir.resolve("sparkml");
    Path movedAway = versionDir.resolve("sparkml-moved-away");
    Files.move(modelFiles, movedAway);
    CliResult rerun = score(config, "--full");
    Files.move(movedAway, modelFiles);
    assertThat(rerun.exitCode()).as(rerun.output()).isEqualTo(0);
    assertThat(rerun.stderr()).doesNotContain("reference profile").doesNotContain("FALLBACK");
    assertThat(scoreRows()).as("a rerun leaves the table identical").isEqualTo(rows);
    CliResult incrementalRerun = score(config);
    assertThat(incrementalRerun.exitCode()).as(incrementalRerun.output()).isEqualTo(0);
    assertThat(incrementalRerun.stdout()).contains("incremental run: scored 0 leads");
    assertThat(scoreRows()).as("so does an incremental rerun").isEqualTo(rows);
    long driftRows = drift.count();
    CliResult fullRerun = score(config, "--full", "--no-drift");
    assertThat(fullRerun.exitCode()).as(fullRerun.output()).isEqualTo(0);
    assertThat(scoreRows()).as("a full rerun on the same inputs too").isEqualTo(rows);
    assertThat(drift.count()).as("--no-drift measures nothing").isEqualTo(driftRows);

    // One lead's features change, one lead is gone: exactly that one is rescored.
    Dataset<Row> changed = scoring.where(col(GoldColumns.LEAD_ID).notEqual("L1"))
        .withColumn("engagement", functions.when(col(GoldColumns.LEAD_ID).equalTo("L0"),
            col("engagement").plus(3)).otherwise(col("engagement")))
        .transform(ScoreJobTest::withHash);
    GoldWriter.mergeScoring(changed, lakehouse().path(Table.GOLD_SCORING_FEATURES, SOURCE),
        "{}");
    CliResult incremental = score(config);
    assertThat(incremental.exitCode()).as(incremental.output()).isEqualTo(0);
    assertThat(incremental.stdout()).contains("incremental run: scored 1 leads");
    Dataset<Row> after = spark().read().format("delta").load(scoresPath());
    assertThat(after.count()).isEqualTo(299);
    assertThat(after.where(col(BatchScoring.LEAD_ID).equalTo("L1")).count()).isZero();
    String firstRun = rows.get(0).getAs(BatchScoring.RUN_ID);
    List<Row> rescored = after.where(col(BatchScoring.RUN_ID).notEqual(firstRun))
        .collectAsList();
    assertThat(rescored).hasSize(1);
    assertThat(rescored.get(0).getString(rescored.get(0).fieldIndex(BatchScoring.LEAD_ID)))
        .isEqualTo("L0");
    double before = rows.stream().filter(r -> r.getAs(BatchScoring.LEAD_ID).equals("L0"))
        .findFirst().orElseThrow().getAs(BatchScoring.SCORE);
    assertThat((double) rescored.get(0).getAs(BatchScoring.SCORE)).isGreaterThan(before);
    // The incremental run recorded how far it scored: the next one has nothing to do.
    CliResult nothingNew = score(config, "--no-drift");
    assertThat(nothingNew.stdout()).as(nothingNew.output())
        .contains("incremental run: scored 0 leads");

    // Registry down: the last used version from the cache, loudly, every row flagged.
    CliResult down = score(config("http://127.0.0.1:9"), "--full");
    assertThat(down.exitCode()).as(down.output()).isEqualTo(0);
    assertThat(down.stderr()).contains("FALLBACK MODEL");
    Dataset<Row> fallback = spark().read().format("delta").load(scoresPath());
    assertThat(fallback.count()).isEqualTo(299);
    assertThat(fallback.where(col(BatchScoring.FALLBACK)).count()).isEqualTo(299);
    assertThat(fallback.where(col(BatchScoring.MODEL_VERSION).equalTo("1")).count())
        .isEqualTo(299);
  }

  @Test
  void noCacheAndRegistryDownFailsAndWritesNothing() throws Exception {
    Path config = setUp(scoringRows(50, 3, 0.0), "http://127.0.0.1:9");
    CliResult r = score(config);
    assertThat(r.exitCode()).as(r.output()).isEqualTo(LeadscoreException.EXIT_JOB_FAILED);
    assertThat(r.stderr()).contains("no usable model '" + modelName + "'")
        .contains("Nothing was written");
    assertThat(DeltaTable.isDeltaTable(spark(), scoresPath())).isFalse();
    assertThat(DeltaTable.isDeltaTable(spark(), lakehouse().path(Table.DRIFT))).isFalse();
  }

  @Test
  void shiftedFeaturesAreDriftExit3UnlessTurnedOff() throws Exception {
    Path config = setUp(scoringRows(300, 4, 1.5), null);
    CliResult r = score(config);
    assertThat(r.exitCode()).as(r.output()).isEqualTo(LeadscoreException.EXIT_DRIFT);
    assertThat(spark().read().format("delta").load(scoresPath()).count())
        .as("scores are written before the drift exit").isEqualTo(300);
    Dataset<Row> drift = spark().read().format("delta").load(lakehouse().path(Table.DRIFT));
    assertThat(drift.where(col("flagged")).select("feature").as(
        org.apache.spark.sql.Encoders.STRING()).collectAsList())
        .contains("engagement", "__score__").doesNotContain("noise", "lead_source");

    CliResult noExit = score(config, "--no-drift-exit");
    assertThat(noExit.exitCode()).as(noExit.output()).isEqualTo(0);

    // The drift job alone (the DAG's drift_check) says the same.
    CliResult driftOnly = runCli("drift", "--config", config.toString(), "--source", SOURCE);
    assertThat(driftOnly.exitCode()).as(driftOnly.output())
        .isEqualTo(LeadscoreException.EXIT_DRIFT);
    assertThat(spark().read().format("delta").load(lakehouse().path(Table.DRIFT))
        .where(col("flagged")).select("run_id").distinct().count()).isEqualTo(3);
  }

  @Test
  void theReferenceLoggedWithTheModelIsTheDriftBaseline() throws Exception {
    // Logged with the model: a profile of training rows whose engagement was 1.5 higher. The
    // training table holds the unshifted rows, as do the scoring features, so only a job that
    // measures against the logged profile (not the table) sees drift.
    if (loggedReferenceModel == null) {
      loggedReferenceModel = modelName + "-logged";
      register(loggedReferenceModel, DriftCheck.profile(model,
          training.withColumn("engagement", col("engagement").plus(1.5)), "shifted reference"));
    }
    Path config = setUp(scoringRows(300, 6, 0.0), null);
    CliResult r = runCli("score", "--config", config.toString(), "--source", SOURCE,
        "--model-name", loggedReferenceModel);
    assertThat(r.exitCode()).as(r.output()).isEqualTo(LeadscoreException.EXIT_DRIFT);
    assertThat(r.stderr()).doesNotContain("reference profile");
    Dataset<Row> drift = spark().read().format("delta").load(lakehouse().path(Table.DRIFT));
    assertThat(drift.where(col("flagged")).select("feature").as(
        org.apache.spark.sql.Encoders.STRING()).collectAsList())
        .contains("engagement", ReferenceProfile.SCORE).doesNotContain("noise", "lead_source");
    ReferenceProfile downloaded = ModelResolver.savedProfile(loggedReferenceModel, "1",
        lakehouse().modelCachePath(), spark().sparkContext().hadoopConfiguration(),
        p -> { }).orElseThrow();
    assertThat(downloaded.origin()).isEqualTo("shifted reference");

    // The drift job reads the same profile; the training table is not needed any more.
    org.apache.hadoop.fs.Path trainingTable = new org.apache.hadoop.fs.Path(
        lakehouse().path(Table.GOLD_FEATURES, SOURCE));
    trainingTable.getFileSystem(spark().sparkContext().hadoopConfiguration())
        .delete(trainingTable, true);
    CliResult driftOnly = runCli("drift", "--config", config.toString(), "--source", SOURCE);
    assertThat(driftOnly.exitCode()).as(driftOnly.output())
        .isEqualTo(LeadscoreException.EXIT_DRIFT);
  }

  @Test
  void withoutAReferenceProfileOrTrainingTableScoresButCannotMeasureDrift() throws Exception {
    Path config = config(null);
    GoldWriter.mergeScoring(scoringRows(120, 7, 0.0),
        lakehouse().path(Table.GOLD_SCORING_FEATURES, SOURCE), "{}");
    CliResult r = score(config);
    assertThat(r.exitCode()).as(r.output()).isEqualTo(0);
    assertThat(r.stderr()).contains("has no reference profile and there is no training table")
        .contains("drift not measured");
    assertThat(spark().read().format("delta").load(scoresPath()).count()).isEqualTo(120);
    assertThat(DeltaTable.isDeltaTable(spark(), lakehouse().path(Table.DRIFT))).isFalse();

    CliResult drift = runCli("drift", "--config", config.toString(), "--source", SOURCE);
    assertThat(drift.exitCode()).as(drift.output())
        .isEqualTo(LeadscoreException.EXIT_JOB_FAILED);
    assertThat(drift.stderr()).contains(modelName + " version 1 has no reference profile")
        .contains("retrain it");
    assertThat(DeltaTable.isDeltaTable(spark(), lakehouse().path(Table.DRIFT))).isFalse();
  }
}
