package io.leadscore.jobs;


import io.leadscore.features.gold.GoldWriter;
import io.leadscore.jobs.cli.JobCommand;
import io.leadscore.jobs.cli.JobContext;
import io.leadscore.jobs.cli.LeadscoreException;
import io.leadscore.jobs.config.ConfigException;
import io.leadscore.models.scoring.BatchScoring;
import io.leadscore.models.scoring.CompiledScorer;
import io.leadscore.models.scoring.ModelResolver;
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
 * the model's reference profile (its training rows, logged with it) and exits
 * {@value LeadscoreException#EXIT_DRIFT} if it is above {@code scoring.driftThreshold}.
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
    String featuresPath = ctx.lakehouse().path(Table.GOLD_SCORING_FEATURES, source);
    String scoresPath = ctx.lakehouse().path(Table.SCORES, source);
    long featuresVersion = GoldWriter.latestVersion(spark, featuresPath).orElseThrow(() ->
        LeadscoreException.jobFailed("no scoring features at %s: run features --mode scoring"
            + " --source %s first", featuresPath, source));
    StepClock clock = new StepClock(ctx);

    clock.step("resolve model " + modelName);
    ModelResolver.Resolved model = resolveModel(ctx);
    clock.step("find leads to score");
    Dataset<Row> features = spark.read().format("delta").option("versionAsOf", featuresVersion)
        .load(featuresPath);
    ToScore toScore = leadsToScore(ctx, model, features, featuresVersion);
    clock.step("compile the model");
    DriftCheck.Prepared prepared = DriftCheck.prepare(ctx, source, model, features);
    CompiledScorer scorer = prepared.scorer();
    BatchScoring.RunInfo runInfo = new BatchScoring.RunInfo(modelName, model.version(),
        model.fallback(), featuresVersion, ctx.startedAt(), ctx.runId());
    boolean fullRun = toScore.ranking().isEmpty();
    Tally tally = fullRun
        ? scoreAll(ctx, clock, scorer, features, runInfo)
        : scoreChanged(ctx, clock, scorer, toScore, runInfo);
    ModelResolver.recordLastUsed(modelName, model.version(), ctx.lakehouse().modelCachePath(),
        spark.sparkContext().hadoopConfiguration());
    clock.step("count and report");
    Dataset<Row> scores = spark.read().format("delta").load(scoresPath);
    report(ctx, tally.complete() ? tally : tallyOf(features, scores, tally.scored()), fullRun,
        featuresVersion);

    boolean drifted = !noDrift && measureDrift(ctx, clock, prepared, features, scores);
    ctx.say("%s", clock.summary());
    if (drifted && !noDriftExit) {
      throw new LeadscoreException(LeadscoreException.EXIT_DRIFT, String.format(
          "drift above the threshold %.3f (see %s); scores were written",
          ctx.config().scoring().driftThreshold(), ctx.lakehouse().path(Table.DRIFT)));
    }
  }

  /**
   * The leads this run scores: all of them (no ranking: a missing scores table, {@code --full}
   * or another model), or those whose features changed since the version the ranking records,
   * with the ids of deleted leads.
   */
  private record ToScore(Optional<BatchScoring.Ranking> ranking, Dataset<Row> rows,
      Dataset<Row> deletedIds) {}

  private ModelResolver.Resolved resolveModel(JobContext ctx) {
    String cache = ctx.lakehouse().modelCachePath();
    ModelResolver.Resolved model;
    try {
      model = ModelResolver.resolve(ctx.config().mlflow().trackingUri(), modelName,
          modelVersion, cache, ctx.spark().sparkContext().hadoopConfiguration());
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
    return model;
  }

  private ToScore leadsToScore(JobContext ctx, ModelResolver.Resolved model,
      Dataset<Row> features, long featuresVersion) {
    var spark = ctx.spark();
    String featuresPath = ctx.lakehouse().path(Table.GOLD_SCORING_FEATURES, source);
    // The ranking table names the model and the features version the scores hold: no scan of
    // the scores.
    Optional<BatchScoring.Ranking> ranking = full
        || GoldWriter.latestVersion(spark, ctx.lakehouse().path(Table.SCORES, source)).isEmpty()
        ? Optional.empty()
        : BatchScoring.readRanking(spark, ctx.lakehouse().path(Table.SCORE_RANKING, source),
            modelName, model.version(), model.fallback());
    long lastVersion = ranking.map(BatchScoring.Ranking::featuresVersion).orElse(-1L);
    if (ranking.isEmpty()) {
      return new ToScore(ranking, features, null);
    } else if (lastVersion >= featuresVersion) {
      return new ToScore(ranking, features.limit(0), null);
    }
    BatchScoring.Changes changes = BatchScoring.changedFeatures(spark, featuresPath,
        lastVersion + 1, featuresVersion);
    return new ToScore(ranking, changes.current().select(Arrays.stream(features.columns())
        .map(functions::col).toArray(Column[]::new)), changes.deletedIds());
  }

  /**
   * A run's counts: features read, leads scored, rows in the scores table after it, and those
   * rows per tier (in {@link BatchScoring#TIERS} order); null tiers when only the leads scored
   * are known.
   */
  private record Tally(long read, long scored, long current, long[] tiers) {
    static Tally scoredOnly(long scored) {
      return new Tally(-1, scored, -1, null);
    }

    boolean complete() {
      return tiers != null;
    }
  }

  /**
   * Every current lead: two passes over the features and no copy of the scored rows. The
   * ranking needs only the scores (a score-only pass, column-wise where the scorer can); the
   * second pass scores with reasons, ranks and MERGEs, and the new ranking is recorded. The
   * scores table then holds one row per lead ranked, so the ranking's counts are the run's.
   */
  private Tally scoreAll(JobContext ctx, StepClock clock, CompiledScorer scorer,
      Dataset<Row> features, BatchScoring.RunInfo runInfo) {
    var spark = ctx.spark();
    var tierCuts = ctx.config().scoring().tierCuts();
    Dataset<Row> scored = BatchScoring.score(scorer, features, runInfo);
    clock.step("score for the ranking");
    BatchScoring.Ranked ranked = BatchScoring.rank(scorer, features, tierCuts);
    clock.step("score, rank and merge");
    CompiledScorer.withScoringCodegen(spark, () -> BatchScoring.merge(
        BatchScoring.withPercentile(scored, ranked.values(), tierCuts), null, true,
        ctx.lakehouse().path(Table.SCORES, source)));
    BatchScoring.writeRanking(spark, ctx.lakehouse().path(Table.SCORE_RANKING, source),
        ranked.values(), runInfo);
    return ranked.tierCounts() == null ? Tally.scoredOnly(ranked.rows())
        : new Tally(ranked.rows(), ranked.rows(), ranked.rows(), ranked.tierCounts());
  }

  /** The changed leads, placed against the last full run's ranking, and the deleted ones. */
  private Tally scoreChanged(JobContext ctx, StepClock clock, CompiledScorer scorer,
      ToScore toScore, BatchScoring.RunInfo runInfo) {
    var spark = ctx.spark();
    Dataset<Row> scored = BatchScoring.score(scorer, toScore.rows(), runInfo);
    clock.step("score");
    long scoredRows = CompiledScorer.withScoringCodegen(spark,
        () -> scored.persist(StorageLevel.MEMORY_AND_DISK()).count());
    clock.step("rank and merge");
    BatchScoring.Ranking ranking = toScore.ranking().get();
    BatchScoring.merge(BatchScoring.withPercentile(scored, ranking.values(),
        ctx.config().scoring().tierCuts()), toScore.deletedIds(), false,
        ctx.lakehouse().path(Table.SCORES, source), scoredRows);
    scored.unpersist();
    if (ranking.featuresVersion() < runInfo.featuresVersion()) {
      BatchScoring.writeRanking(spark, ctx.lakehouse().path(Table.SCORE_RANKING, source),
          ranking.values(), runInfo);
    }
    return Tally.scoredOnly(scoredRows);
  }

  /** The counts read back from the tables (a full run's ranking has them without reading). */
  private static Tally tallyOf(Dataset<Row> features, Dataset<Row> scores, long scored) {
    long[] tiers = new long[BatchScoring.TIERS.size()];
    for (Row r : scores.groupBy(BatchScoring.TIER).count().collectAsList()) {
      tiers[BatchScoring.TIERS.indexOf(r.getString(0))] = r.getLong(1);
    }
    return new Tally(features.count(), scored, scores.count(), tiers);
  }

  private void report(JobContext ctx, Tally tally, boolean fullRun, long featuresVersion) {
    ctx.metrics().addRows("read", tally.read()).addRows("scored", tally.scored())
        .addRows("written", tally.current());
    StringBuilder tiers = new StringBuilder();
    for (int t = 0; t < BatchScoring.TIERS.size(); t++) {
      String tier = BatchScoring.TIERS.get(t);
      tiers.append(t == 0 ? "" : ", ").append(tier).append(' ').append(tally.tiers()[t]);
      ctx.metrics().gauge("tier_share", "Share of current leads per tier",
          new String[] {"tier"}, new String[] {tier},
          tally.current() == 0 ? 0 : (double) tally.tiers()[t] / tally.current());
    }
    ctx.say("%s run: scored %d leads, %d in %s (features version %d); tiers %s",
        fullRun ? "full" : "incremental", tally.scored(), tally.current(),
        ctx.lakehouse().path(Table.SCORES, source), featuresVersion, tiers);
  }

  /** True if drift is above the threshold; false (with a warning) without a reference. */
  private boolean measureDrift(JobContext ctx, StepClock clock, DriftCheck.Prepared prepared,
      Dataset<Row> features, Dataset<Row> scores) {
    if (prepared.profile().isEmpty()) {
      System.err.printf("WARNING leadscore score: no reference profile for the model and no"
          + " training table at %s: drift not measured%n",
          ctx.lakehouse().path(Table.GOLD_FEATURES, source));
      return false;
    }
    clock.step("measure drift");
    return DriftCheck.measure(ctx, source, prepared.profile().get(), features, scores,
        ctx.config().scoring().driftThreshold());
  }

}
