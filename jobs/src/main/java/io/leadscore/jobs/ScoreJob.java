package io.leadscore.jobs;

import static org.apache.spark.sql.functions.col;

import io.leadscore.features.gold.GoldColumns;
import io.leadscore.features.gold.GoldWriter;
import io.leadscore.jobs.cli.JobCommand;
import io.leadscore.jobs.cli.JobContext;
import io.leadscore.jobs.cli.LeadscoreException;
import io.leadscore.jobs.config.ConfigException;
import io.leadscore.jobs.config.LeadscoreConfig;
import io.leadscore.models.drift.DriftMonitor;
import io.leadscore.models.scoring.BatchScoring;
import io.leadscore.models.scoring.CompiledScorer;
import io.leadscore.models.scoring.ModelResolver;
import io.leadscore.models.scoring.ScorerOptions;
import io.leadscore.transforms.lakehouse.Lakehouse;
import io.leadscore.transforms.lakehouse.Table;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
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

  /** Columns of the gold tables that are never model inputs nor drift subjects. */
  private static final Set<String> NOT_FEATURES = Set.of(GoldColumns.LEAD_ID,
      GoldColumns.AS_OF, GoldColumns.LABEL, GoldColumns.FEATURE_HASH,
      GoldColumns.FEATURES_RUN_ID);
  static final String SCORE_FEATURE = "__score__";

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

    ctx.step("resolve model " + modelName);
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

    ctx.step("find leads to score");
    Dataset<Row> features = spark.read().format("delta").option("versionAsOf", featuresVersion)
        .load(featuresPath);
    Optional<Long> lastVersion = lastFeaturesVersion(ctx, scoresPath, model);
    boolean fullRun = full || lastVersion.isEmpty();
    Dataset<Row> toScore = features;
    Dataset<Row> deleted = null;
    if (!fullRun) {
      Dataset<Row> changed = lastVersion.get() >= featuresVersion
          ? features.select(GoldColumns.LEAD_ID).limit(0)
          : BatchScoring.changedLeadIds(spark, featuresPath, lastVersion.get() + 1,
              featuresVersion);
      toScore = features.join(changed, GoldColumns.LEAD_ID, "left_semi");
      deleted = changed.join(features.select(GoldColumns.LEAD_ID), GoldColumns.LEAD_ID,
          "left_anti");
    }

    ctx.step("score and merge");
    Optional<Dataset<Row>> training = GoldWriter.latestVersion(spark, trainingPath)
        .map(v -> spark.read().format("delta").load(trainingPath));
    ScorerOptions options = training.map(t -> ScorerOptions.defaults().withReference(t))
        .orElse(ScorerOptions.defaults());
    CompiledScorer scorer = CompiledScorer.compile(model.model(),
        features.drop(NOT_FEATURES.toArray(String[]::new)).schema(), options);
    Dataset<Row> scored = BatchScoring.score(scorer, toScore, new BatchScoring.RunInfo(
        modelName, model.version(), model.fallback(), featuresVersion, ctx.startedAt(),
        ctx.runId())).cache();
    long scoredRows = scored.count();
    BatchScoring.merge(scored, deleted, fullRun, scoresPath);
    BatchScoring.refreshPercentiles(spark, scoresPath, settings.tierCuts());
    scored.unpersist();
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

    if (training.isEmpty()) {
      System.err.printf("WARNING leadscore score: no training features at %s: drift not"
          + " measured%n", trainingPath);
      return;
    }
    ctx.step("measure drift");
    boolean drifted = measureDrift(ctx, scorer, training.get(), features, scores,
        settings.driftThreshold());
    if (drifted && !noDriftExit) {
      throw new LeadscoreException(LeadscoreException.EXIT_DRIFT, String.format(
          "drift above the threshold %.3f (see %s); scores were written",
          settings.driftThreshold(), ctx.lakehouse().path(Table.DRIFT)));
    }
  }

  /**
   * The features version of the last scoring run, if the scores table exists and was written
   * by this same model (another model, or a change of fallback, rescoring everything).
   */
  private static Optional<Long> lastFeaturesVersion(JobContext ctx, String scoresPath,
      ModelResolver.Resolved model) {
    if (GoldWriter.latestVersion(ctx.spark(), scoresPath).isEmpty()) {
      return Optional.empty();
    }
    Dataset<Row> scores = ctx.spark().read().format("delta").load(scoresPath);
    List<Row> models = scores.select(BatchScoring.MODEL_NAME, BatchScoring.MODEL_VERSION,
        BatchScoring.FALLBACK).distinct().collectAsList();
    boolean sameModel = models.size() == 1 && models.get(0).getString(0).equals(model.name())
        && models.get(0).getString(1).equals(model.version())
        && models.get(0).getBoolean(2) == model.fallback();
    if (!sameModel) {
      return Optional.empty();
    }
    Row max = scores.agg(org.apache.spark.sql.functions.max(BatchScoring.FEATURES_VERSION))
        .head();
    return max.isNullAt(0) ? Optional.empty() : Optional.of(max.getLong(0));
  }

  private boolean measureDrift(JobContext ctx, CompiledScorer scorer, Dataset<Row> training,
      Dataset<Row> features, Dataset<Row> scores, double threshold) {
    List<String> columns = new ArrayList<>();
    for (String c : features.columns()) {
      if (!NOT_FEATURES.contains(c) && List.of(training.columns()).contains(c)) {
        columns.add(c);
      }
    }
    List<DriftMonitor.ColumnDrift> drift = new ArrayList<>(
        DriftMonitor.compare(training, features, columns, threshold));
    Dataset<Row> referenceScores = scorer.score(training)
        .select(col(CompiledScorer.SCORE).as(SCORE_FEATURE));
    DriftMonitor.ColumnDrift scoreDrift = DriftMonitor.compare(referenceScores,
        scores.select(col(BatchScoring.SCORE).as(SCORE_FEATURE)), List.of(SCORE_FEATURE),
        threshold).get(0);
    drift.add(scoreDrift);

    List<Row> rows = new ArrayList<>();
    Timestamp at = Timestamp.from(ctx.startedAt());
    boolean flagged = false;
    for (DriftMonitor.ColumnDrift d : drift) {
      rows.add(RowFactory.create(source, ctx.runId(), at, d.feature(), d.kind(), d.psi(),
          d.referenceFillRate(), d.currentFillRate(), d.fillRateChange(), threshold,
          d.flagged()));
      flagged |= d.flagged();
      if (d != scoreDrift) {
        ctx.metrics().gauge("feature_psi", "PSI of a feature against training",
            new String[] {"feature"}, new String[] {d.feature()}, d.psi());
      }
      if (d.flagged()) {
        ctx.say("DRIFT: %s PSI %.3f > %.3f (fill rate %.3f → %.3f)", d.feature(), d.psi(),
            threshold, d.referenceFillRate(), d.currentFillRate());
      }
    }
    ctx.metrics().gauge("score_psi", "PSI of the score against training", scoreDrift.psi())
        .gauge("drift_detected", "1 if any PSI is above the threshold", flagged ? 1 : 0);
    ctx.spark().createDataFrame(rows, DRIFT_SCHEMA).write().format("delta")
        .mode(SaveMode.Append).save(ctx.lakehouse().path(Table.DRIFT));
    ctx.say("drift: score PSI %.3f, %d of %d features above %.3f", scoreDrift.psi(),
        drift.stream().filter(d -> d.flagged() && d != scoreDrift).count(), drift.size() - 1,
        threshold);
    return flagged;
  }

  /** Table.DRIFT: one row per column and run; feature {@value #SCORE_FEATURE} is the score. */
  static final StructType DRIFT_SCHEMA = new StructType()
      .add("source", DataTypes.StringType)
      .add("run_id", DataTypes.StringType)
      .add("measured_at", DataTypes.TimestampType)
      .add("feature", DataTypes.StringType)
      .add("kind", DataTypes.StringType)
      .add("psi", DataTypes.DoubleType)
      .add("reference_fill_rate", DataTypes.DoubleType)
      .add("current_fill_rate", DataTypes.DoubleType)
      .add("fill_rate_change", DataTypes.DoubleType)
      .add("threshold", DataTypes.DoubleType)
      .add("flagged", DataTypes.BooleanType);
}
