package io.leadscore.jobs;

import io.leadscore.features.gold.GoldWriter;
import io.leadscore.jobs.cli.JobCommand;
import io.leadscore.jobs.cli.JobContext;
import io.leadscore.jobs.cli.LeadscoreException;
import io.leadscore.jobs.config.ConfigException;
import io.leadscore.models.drift.ReferenceProfile;
import io.leadscore.models.scoring.BatchScoring;
import io.leadscore.models.scoring.ModelResolver;
import io.leadscore.transforms.lakehouse.Lakehouse;
import io.leadscore.transforms.lakehouse.Table;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Drift only (the daily DAG's drift_check task): current scoring features and the scores table
 * against the reference profile of the model the scores were made with (logged with it at
 * training). Exit 3 above {@code scoring.driftThreshold}.
 */
@Command(name = "drift", mixinStandardHelpOptions = true,
    description = "Measure drift of scoring features and scores against the model's training"
        + " reference."
        + " Exit 3: drift above scoring.driftThreshold.")
public final class DriftJob extends JobCommand {

  @Option(names = "--source", required = true, paramLabel = "NAME", description = "Source.")
  String source;

  @Override
  protected String description() {
    return "drift of " + source;
  }

  @Override
  protected void checkOptions() {
    try {
      Lakehouse.checkSource(source);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("--source: " + e.getMessage());
    }
  }

  @Override
  protected void run(JobContext ctx) {
    var spark = ctx.spark();
    String featuresPath = ctx.lakehouse().path(Table.GOLD_SCORING_FEATURES, source);
    String scoresPath = ctx.lakehouse().path(Table.SCORES, source);
    for (String path : List.of(featuresPath, scoresPath)) {
      if (GoldWriter.latestVersion(spark, path).isEmpty()) {
        throw LeadscoreException.jobFailed("no table at %s: run features --mode scoring and"
            + " score --source %s first", path, source);
      }
    }
    Dataset<Row> scores = spark.read().format("delta").load(scoresPath);
    List<Row> models = scores.select(BatchScoring.MODEL_NAME, BatchScoring.MODEL_VERSION)
        .distinct().orderBy(org.apache.spark.sql.functions.col(BatchScoring.MODEL_VERSION)
            .cast("long")).collectAsList();
    if (models.isEmpty()) {
      throw LeadscoreException.jobFailed("%s is empty: nothing to measure", scoresPath);
    }
    Row model = models.get(models.size() - 1);
    ctx.step("load model " + model.getString(0) + " version " + model.getString(1));
    ModelResolver.Resolved resolved;
    try {
      resolved = ModelResolver.resolve(ctx.config().mlflow().trackingUri(), model.getString(0),
          model.getString(1), ctx.lakehouse().modelCachePath(),
          spark.sparkContext().hadoopConfiguration());
    } catch (ModelResolver.NoUsableModelException e) {
      throw new LeadscoreException(LeadscoreException.EXIT_JOB_FAILED, e.getMessage(), e);
    }
    Dataset<Row> features = spark.read().format("delta").load(featuresPath);
    ReferenceProfile reference = DriftCheck.prepare(ctx, source, resolved, features).profile()
        .orElseThrow(() -> LeadscoreException.jobFailed("model %s version %s has no reference"
            + " profile and there is no training table at %s to compute one from: retrain it,"
            + " or run features --mode training --source %s", resolved.name(),
            resolved.version(), ctx.lakehouse().path(Table.GOLD_FEATURES, source), source));
    ctx.step("measure drift");
    double threshold = ctx.config().scoring().driftThreshold();
    if (DriftCheck.measure(ctx, source, reference, features, scores, threshold)) {
      throw new LeadscoreException(LeadscoreException.EXIT_DRIFT, String.format(
          "drift above the threshold %.3f (see %s)", threshold,
          ctx.lakehouse().path(Table.DRIFT)));
    }
  }
}
