package io.leadscore.jobs;

import static org.apache.spark.sql.functions.col;

import io.leadscore.features.gold.GoldColumns;
import io.leadscore.jobs.cli.JobContext;
import io.leadscore.models.drift.DriftMonitor;
import io.leadscore.models.scoring.BatchScoring;
import io.leadscore.models.scoring.CompiledScorer;
import io.leadscore.models.scoring.ModelResolver;
import io.leadscore.models.scoring.ScorerOptions;
import io.leadscore.transforms.lakehouse.Table;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Drift of current scoring features and scores against the training features (reference
 * scores: the model's scores on the training rows), shared by the score and drift jobs:
 * rows to ops/drift, gauges score_psi, feature_psi{feature}, drift_detected.
 */
final class DriftCheck {

  /** Columns of the gold tables that are never model inputs nor drift subjects. */
  static final Set<String> NOT_FEATURES = Set.of(GoldColumns.LEAD_ID,
      GoldColumns.AS_OF, GoldColumns.LABEL, GoldColumns.FEATURE_HASH,
      GoldColumns.FEATURES_RUN_ID);
  /** The drift row of the score itself. */
  static final String SCORE_FEATURE = "__score__";

  private DriftCheck() {}

  /** The scorer for the feature columns of the gold scoring table. */
  static CompiledScorer compile(ModelResolver.Resolved model, Dataset<Row> features,
      ScorerOptions options) {
    return CompiledScorer.compile(model.model(),
        features.drop(NOT_FEATURES.toArray(String[]::new)).schema(), options);
  }

  /** Writes drift rows and gauges; true if any column is above the threshold. */
  static boolean measure(JobContext ctx, String source, CompiledScorer scorer, Dataset<Row> training,
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
