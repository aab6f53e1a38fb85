package io.leadscore.jobs;


import io.leadscore.features.gold.GoldWriter;
import io.leadscore.jobs.cli.JobCommand;
import io.leadscore.jobs.cli.JobContext;
import io.leadscore.jobs.cli.LeadscoreException;
import io.leadscore.jobs.config.ConfigException;
import io.leadscore.jobs.config.LeadscoreConfig;
import io.leadscore.models.scoring.BatchScoring;
import io.leadscore.models.scoring.CompiledScorer;
import io.leadscore.models.scoring.ModelResolver;
import io.leadscore.models.scoring.ScorerOptions;
import io.leadscore.transforms.lakehouse.Lakehouse;
import io.leadscore.transforms.lakehouse.Table;
import java.util.Arrays;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Gold scoring features → serving scores: resolves the champion (or a given version, with a
 * cached fallback), scores the leads whose features changed since the last run (all with
 * {@code --full}), MERGEs scores with percentile, tier and reasons, then measures drift against
 * the training features and exits {@value LeadscoreException#EXIT_DRIFT} if it is above
 * {@code scoring.driftThreshold}.
 */
@Command(name = "score", mixinStandardHelpOptions = true,
    description = "Score current leads of a source into the scores table; measure drift."
        + " Exit 3: drift above scoring.driftThreshold (scores written).")
public final class ScoreJob extends JobCommand {

  @Option(names = "--source", required = true, paramLabel = "NAME", description = "Source.")
  String source;

  @Option(names = "--model-name", paramLabel = "NAME",
      description = "Registered model (default: leadscore_<source>).")
  String modelName;

  @Option(names = "--model-version", paramLabel = "V",
      description = "Model version (default: the one with alias champion).")
  String modelVersion;

  @Option(names = "--full", description = "Score every current lead, not only changed ones.")
  boolean full;

  @Option(names = "--no-drift-exit", description = "Exit 0 even when drift is flagged.")
  boolean noDriftExit;

  @Option(names = "--no-drift", description = "Do not measure drift (leave it to the drift"
      + " job, e.g. a DAG's own drift task).")
  boolean noDrift;

  @Override
  protected String description() {
    return "score leads of " + source;
  }

  @Override
  protected void checkOptions() {
    try {
      Lakehouse.checkSource(source);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("--source: " + e.getMessage());
    }
    if (modelName == null) {
      modelName = "leadscore_" + source;
    } else if (modelName.isBlank()) {
      throw new ConfigException("--model-name must not be blank, cannot be: '" + modelName + "'");
    }
    if (modelVersion != null && !modelVersion.matches("[1-9][0-9]*")) {
      throw new ConfigException("--model-version must be a positive integer, cannot be: "
          + modelVersion);
    }
  }

  @Override
  protected void run(JobContext ctx) {
    var spark = ctx.spark();
    LeadscoreConfig.ScoringSettings settings = ctx.config().scoring();
    String featuresPath = ctx.lakehouse().path(Table.GOLD_SCORING_FEATURES, source);
    String trainingPath = ctx.lakehouse().path(Table.GOLD_FEATURES, source);
    String scoresPath = ctx.lakehouse().path(Table.SCORES, source);
    long featuresVersion = GoldWriter.latestVersion(spark, featuresPath).orElseThrow(() ->
        LeadscoreException.jobFailed("no scoring features at %s: run features --mode scoring"
            + " --source %s first", featuresPath, source));

    StepClock clock = new StepClock(ctx);
    clock.step("resolve model " + modelName);
    String cache = ctx.lakehouse().modelCachePath();
    var hadoop = spark.sparkContext().hadoopConfiguration();
    ModelResolver.Resolved model;
    try {
      model = ModelResolver.resolve(ctx.config().mlflow().trackingUri(), modelName,
          modelVersion, cache, hadoop);
    } catch (ModelResolver.NoUsableModelException e) {
      throw new LeadscoreException(LeadscoreException.EXIT_JOB_FAILED, e.getMessage()
          + ". Nothing was written.", e);
    }
    if (model.fallback()) {
      System.err.printf("WARNING leadscore score: FALLBACK MODEL: %s; scoring with the last used"
          + " version %s of '%s' from the cache at %s, every row flagged fallback=true%n",
          model.problem(), model.version(), modelName, cache);
    }
    ctx.say("model %s version %s%s", modelName, model.version(),
        model.fallback() ? " (FALLBACK)" : "");

    clock.step("find leads to score");
    Dataset<Row> features = spark.read().format("delta").option("versionAsOf", featuresVersion)
        .load(featuresPath);
    String rankingPath = ctx.lakehouse().path(Table.SCORE_RANKING, source);
    // The ranking table names the model and the features version the scores hold: no scan of
    // the scores. A missing scores table, --full or another model means a full run.
    Optional<BatchScoring.Ranking> ranking = full
        || GoldWriter.latestVersion(spark, scoresPath).isEmpty() ? Optional.empty()
        : BatchScoring.readRanking(spark, rankingPath, modelName, model.version(),
            model.fallback());
    boolean fullRun = ranking.isEmpty();
    Dataset<Row> toScore = features;
    Dataset<Row> deleted = null;
    long lastVersion = ranking.map(BatchScoring.Ranking::featuresVersion).orElse(-1L);
    if (!fullRun && lastVersion < featuresVersion) {
      BatchScoring.Changes changes = BatchScoring.changedFeatures(spark, featuresPath,
          lastVersion + 1, featuresVersion);
      toScore = changes.current().select(Arrays.stream(features.columns())
          .map(functions::col).toArray(Column[]::new));
      deleted = changes.deletedIds();
    } else if (!fullRun) {
      toScore = features.limit(0);
    }

    clock.step("compile the model");
    Optional<Dataset<Row>> training = GoldWriter.latestVersion(spark, trainingPath)
        .map(v -> spark.read().format("delta").load(trainingPath));
    ScorerOptions options = training.map(t -> ScorerOptions.defaults().withReference(t))
        .orElse(ScorerOptions.defaults());
    CompiledScorer scorer = DriftCheck.compile(model, features, options);
    BatchScoring.RunInfo runInfo = new BatchScoring.RunInfo(modelName, model.version(),
        model.fallback(), featuresVersion, ctx.startedAt(), ctx.runId());
    Dataset<Row> scored = BatchScoring.score(scorer, toScore, runInfo);
    long scoredRows;
    if (fullRun) {
      clock.step("score for the ranking");
      // Two passes over the features, no copy of the scored rows: the ranking needs only the
      // scores (Spark prunes the reasons from that pass); the second scores, ranks and MERGEs.
      double[] rankedBy = CompiledScorer.withScoringCodegen(spark,
          () -> BatchScoring.ranking(scored));
      clock.step("score, rank and merge");
      CompiledScorer.withScoringCodegen(spark, () -> BatchScoring.merge(
          BatchScoring.withPercentile(scored, rankedBy, settings.tierCuts()), null, true,
          scoresPath));
      BatchScoring.writeRanking(spark, rankingPath, rankedBy, runInfo);
      scoredRows = toScore.count();
    } else {
      clock.step("score");
      scoredRows = CompiledScorer.withScoringCodegen(spark,
          () -> scored.persist(StorageLevel.MEMORY_AND_DISK()).count());
      clock.step("rank and merge");
      double[] rankedBy = ranking.get().values();
      BatchScoring.merge(BatchScoring.withPercentile(scored, rankedBy, settings.tierCuts()),
          deleted, false, scoresPath);
      scored.unpersist();
      if (lastVersion < featuresVersion) {
        BatchScoring.writeRanking(spark, rankingPath, rankedBy, runInfo);
      }
    }
    ModelResolver.recordLastUsed(modelName, model.version(), cache, hadoop);
    Dataset<Row> scores = spark.read().format("delta").load(scoresPath);
    long current = scores.count();
    ctx.metrics().addRows("read", features.count()).addRows("scored", scoredRows)
        .addRows("written", current);
    ctx.say("%s run: scored %d leads, %d in %s (features version %d)",
        fullRun ? "full" : "incremental", scoredRows, current, scoresPath, featuresVersion);
    for (Row r : scores.groupBy(BatchScoring.TIER).count().collectAsList()) {
      ctx.metrics().gauge("tier_share", "Share of current leads per tier",
          new String[] {"tier"}, new String[] {String.valueOf(r.getString(0))},
          current == 0 ? 0 : (double) r.getLong(1) / current);
    }

    boolean drifted = false;
    if (!noDrift && training.isEmpty()) {
      System.err.printf("WARNING leadscore score: no training features at %s: drift not"
          + " measured%n", trainingPath);
    } else if (!noDrift) {
      clock.step("measure drift");
      drifted = DriftCheck.measure(ctx, source, scorer, training.get(), features, scores,
          settings.driftThreshold());
    }
    ctx.say("%s", clock.summary());
    if (drifted && !noDriftExit) {
      throw new LeadscoreException(LeadscoreException.EXIT_DRIFT, String.format(
          "drift above the threshold %.3f (see %s); scores were written",
          settings.driftThreshold(), ctx.lakehouse().path(Table.DRIFT)));
    }
  }

}
