package io.leadscore.jobs;

import static org.apache.spark.sql.functions.col;

import io.leadscore.features.gold.GoldColumns;
import io.leadscore.features.gold.GoldWriter;
import io.leadscore.jobs.cli.JobContext;
import io.leadscore.models.drift.DriftMonitor;
import io.leadscore.models.drift.ReferenceProfile;
import io.leadscore.models.scoring.BatchScoring;
import io.leadscore.models.scoring.CompiledScorer;
import io.leadscore.models.scoring.KernelCache;
import io.leadscore.models.scoring.ModelResolver;
import io.leadscore.models.scoring.ScorerOptions;
import io.leadscore.transforms.lakehouse.Table;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Drift of current scoring features and scores against the model's reference profile (its
 * training rows and its scores on them), shared by the score and drift jobs: rows to
 * ops/drift, gauges score_psi, feature_psi{feature}, drift_detected.
 */
final class DriftCheck {

  /** Columns of the gold tables that are never model inputs nor drift subjects. */
  static final Set<String> NOT_FEATURES = Set.of(GoldColumns.LEAD_ID,
      GoldColumns.AS_OF, GoldColumns.LABEL, GoldColumns.FEATURE_HASH,
      GoldColumns.FEATURES_RUN_ID);

  private DriftCheck() {}

  /**
   * The scorer for the feature columns of the gold scoring table: the row kernel saved with the
   * cached model version for these columns and options, or else the model compiled (and its
   * kernel saved there for the next run).
   */
  static CompiledScorer compile(ModelResolver.Resolved model, Dataset<Row> features,
      ScorerOptions options) {
    if (model.versionDir().isEmpty()) {
      return compile(model.model(), features, options);
    }
    String dir = model.versionDir().get();
    var hadoop = features.sparkSession().sparkContext().hadoopConfiguration();
    StructType inputs = inputSchema(features);
    return KernelCache.load(dir, inputs, options, hadoop).orElseGet(() -> {
      CompiledScorer scorer = CompiledScorer.compile(model.model(), inputs, options);
      KernelCache.save(dir, scorer, hadoop);
      return scorer;
    });
  }

  private static StructType inputSchema(Dataset<Row> features) {
    return features.drop(NOT_FEATURES.toArray(String[]::new)).schema();
  }

  /** The scorer for the feature columns of a gold table (training or scoring). */
  static CompiledScorer compile(PipelineModel model, Dataset<Row> features,
      ScorerOptions options) {
    return CompiledScorer.compile(model, inputSchema(features), options);
  }

  /**
   * The reference profile of the training rows {@code training} (every feature column, the
   * model's scores, the reasons' baseline), as training logs it with the model.
   */
  static ReferenceProfile profile(PipelineModel model, Dataset<Row> training, String origin) {
    CompiledScorer scorer = compile(model, training,
        ScorerOptions.defaults().withReference(training));
    List<String> columns = new ArrayList<>();
    for (String c : training.columns()) {
      if (!NOT_FEATURES.contains(c)) {
        columns.add(c);
      }
    }
    return CompiledScorer.withScoringCodegen(training.sparkSession(), () -> ReferenceProfile.of(
        scorer.scoreOnly(training), columns, CompiledScorer.SCORE,
        scorer.slotMeans().orElse(null), origin));
  }

  /** The scorer of a run, and its model's reference profile if there is one. */
  record Prepared(CompiledScorer scorer, Optional<ReferenceProfile> profile) {}

  /**
   * The scorer and the model's reference profile: the one logged with the model (or saved in
   * the model cache earlier); for a model logged without one, one computed now from the
   * source's training table and saved in the cache. Without either, no profile: reasons are
   * measured from a zero baseline and drift cannot be measured.
   */
  static Prepared prepare(JobContext ctx, String source, ModelResolver.Resolved model,
      Dataset<Row> features) {
    String cache = ctx.lakehouse().modelCachePath();
    var hadoop = ctx.spark().sparkContext().hadoopConfiguration();
    Optional<ReferenceProfile> saved = ModelResolver.savedProfile(model.name(), model.version(),
        cache, hadoop, problem -> warn("unreadable reference profile %s", problem));
    if (saved.isPresent()) {
      try {
        return new Prepared(compile(model, features, saved.get()), saved);
      } catch (IllegalArgumentException e) {
        warn("the reference profile of %s version %s does not fit the model (%s)",
            model.name(), model.version(), e.getMessage());
      }
    }
    String trainingPath = ctx.lakehouse().path(Table.GOLD_FEATURES, source);
    Optional<Long> trainingVersion = GoldWriter.latestVersion(ctx.spark(), trainingPath);
    if (trainingVersion.isEmpty()) {
      warn("%s version %s has no reference profile and there is no training table at %s:"
          + " reasons are measured from a zero baseline, drift is not measured",
          model.name(), model.version(), trainingPath);
      return new Prepared(compile(model, features, (ReferenceProfile) null), Optional.empty());
    }
    warn("%s version %s has no usable reference profile: computing it from the training table"
        + " %s version %d (saved in the model cache; retrain to log one with the model)",
        model.name(), model.version(), trainingPath, trainingVersion.get());
    Dataset<Row> training = ctx.spark().read().format("delta")
        .option("versionAsOf", trainingVersion.get()).load(trainingPath);
    ReferenceProfile profile = profile(model.model(), training, "computed when scoring, from "
        + trainingPath + " version " + trainingVersion.get());
    ModelResolver.saveProfile(model.name(), model.version(), profile, cache, hadoop);
    return new Prepared(compile(model, features, profile), Optional.of(profile));
  }

  /** The scorer whose reasons are measured from the profile's baseline (none: zero). */
  private static CompiledScorer compile(ModelResolver.Resolved model, Dataset<Row> features,
      ReferenceProfile profile) {
    double[] means = profile == null ? null : profile.slotMeans();
    return compile(model, features, means == null ? ScorerOptions.defaults()
        : ScorerOptions.defaults().withSlotMeans(means));
  }

  private static void warn(String format, Object... args) {
    System.err.printf("WARNING leadscore: " + format + "%n", args);
  }

  /** Writes drift rows and gauges; true if any column is above the threshold. */
  static boolean measure(JobContext ctx, String source, ReferenceProfile reference,
      Dataset<Row> features, Dataset<Row> scores, double threshold) {
    List<DriftMonitor.ColumnDrift> drift = new ArrayList<>(
        DriftMonitor.compare(reference.columns(), features, threshold));
    DriftMonitor.ColumnDrift scoreDrift = DriftMonitor.compare(List.of(reference.score()),
        scores.select(col(BatchScoring.SCORE).as(ReferenceProfile.SCORE)), threshold).get(0);
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

  /** Table.DRIFT: one row per column and run; the score's feature is {@value
   * ReferenceProfile#SCORE}. */
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
