package io.leadscore.jobs;

import io.leadscore.features.FeatureSpec;
import io.leadscore.features.gold.GoldColumns;
import io.leadscore.features.leakage.LeakageReport;
import io.leadscore.jobs.cli.JobContext;
import io.leadscore.models.InputTable;
import io.leadscore.models.drift.ReferenceProfile;
import io.leadscore.models.eval.BinaryMetrics;
import io.leadscore.models.eval.EvaluationOptions;
import io.leadscore.models.eval.OracleComparison;
import io.leadscore.models.gate.Champion;
import io.leadscore.models.gate.ChampionChallengerGate;
import io.leadscore.models.gate.GateDecision;
import io.leadscore.models.gate.ModelPublisher;
import io.leadscore.models.mlflow.LoggedModel;
import io.leadscore.models.mlflow.MlflowRun;
import io.leadscore.models.mlflow.MlflowTracking;
import io.leadscore.models.mlflow.RunTags;
import io.leadscore.models.mlflow.SparkModelEnvironment;
import io.leadscore.models.report.EvaluationPlots;
import io.leadscore.models.report.FeatureImportances;
import io.leadscore.models.report.ModelCard;
import io.leadscore.models.training.DataSplits;
import io.leadscore.models.training.ModelTrainer;
import io.leadscore.transforms.contract.ColumnSpec;
import io.leadscore.transforms.contract.Contract;
import io.leadscore.transforms.lakehouse.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.functions;

/** The MLflow side of a training run: params, metrics, tags, artifacts, model, gate. */
final class TrainingRun {
  /** The model's folder among the run's artifacts. */
  static final String MODEL_ARTIFACT = "model";

  private final JobContext ctx;
  private final MlflowTracking mlflow;
  private final String modelName;
  private final Contract contract;
  private final FeatureSpec spec;
  private final LeakageReport leakage;
  private final DataSplits.Split split;
  private final List<ModelTrainer.Candidate> candidates;
  private final BinaryMetrics metrics;
  private final List<InputTable> inputs;
  private Optional<OracleComparison> oracle = Optional.empty();
  private ReferenceProfile reference;

  /** What the run produced. */
  record Result(String runId, String version, GateDecision decision) {}

  TrainingRun(JobContext ctx, MlflowTracking mlflow, String modelName, Contract contract,
      FeatureSpec spec, LeakageReport leakage, DataSplits.Split split,
      List<ModelTrainer.Candidate> candidates, BinaryMetrics metrics, List<InputTable> inputs) {
    this.ctx = ctx;
    this.mlflow = mlflow;
    this.modelName = modelName;
    this.contract = contract;
    this.spec = spec;
    this.leakage = leakage;
    this.split = split;
    this.candidates = candidates;
    this.metrics = metrics;
    this.inputs = inputs;
  }

  /** Generated data: the test AUC next to the oracle's, logged with the test metrics. */
  TrainingRun withOracle(Optional<OracleComparison> comparison) {
    this.oracle = comparison;
    return this;
  }

  /** The winner's reference profile, logged in the model's folder (drift, reasons). */
  TrainingRun withReference(ReferenceProfile profile) {
    this.reference = profile;
    return this;
  }

  /** The contract's allow-list: columns the detector may flag but that stay, with the reason. */
  static Map<String, String> leakageExemptions(Contract contract) {
    Map<String, String> exempt = new LinkedHashMap<>();
    for (ColumnSpec c : contract.leads().columns()) {
      if (c.leakageExempt() != null) {
        exempt.put(c.name(), c.leakageExempt());
      }
    }
    return exempt;
  }

  /** Appends the screening of every feature to the ops leakage-report table. */
  static void recordLeakage(JobContext ctx, String source, LeakageReport report) {
    report.toDataset(ctx.spark())
        .withColumn("source", functions.lit(source))
        .withColumn("run_id", functions.lit(ctx.runId()))
        .withColumn("screened_at", functions.current_timestamp())
        .write().format("delta").mode(SaveMode.Append).option("mergeSchema", "true")
        .save(ctx.lakehouse().path(Table.LEAKAGE_REPORT));
  }

  Result logAndGate(ChampionChallengerGate gate, Dataset<Row> test) throws Exception {
    java.util.Objects.requireNonNull(reference, "reference profile (withReference)");
    ModelTrainer.Candidate winner = candidates.get(0);
    Path dir = Files.createTempDirectory("leadscore-train-" + ctx.runId());
    Map<String, String> tags = new LinkedHashMap<>(RunTags.standard(RunTags.detectGitCommit(),
        inputs, ctx.spark().version(), "leadscore train --source " + contract.source()));
    tags.put("leadscore.source", contract.source());
    tags.put("leadscore.job_run_id", ctx.runId());
    try (MlflowRun run = mlflow.startRun(modelName, winner.family() + " " + ctx.runId(), tags)) {
      Map<String, Object> params = new LinkedHashMap<>();
      params.put("winner_family", winner.family());
      winner.chosenParams().forEach((k, v) -> params.put("winner_" + k, v));
      params.put("families", String.join(",", candidates.stream()
          .map(ModelTrainer.Candidate::family).toList()));
      params.put("primary_metric", winner.validation().metric());
      params.put("folds", winner.validation().folds());
      params.put("split", split.description());
      params.put("features", String.join(",", spec.featureColumns()));
      params.put("leakage_excluded", String.join(",", leakage.excludedFeatures()));
      params.put("contract_hash", String.valueOf(contract.contentHash()));
      run.logParams(params);
      run.logInputTables(inputs, "training");

      Map<String, Double> logged = new LinkedHashMap<>(metrics.toMetricMap("test_"));
      oracle.ifPresent(o -> logged.putAll(o.toMetricMap("test_")));
      for (ModelTrainer.Candidate c : candidates) {
        logged.put("val_" + c.family() + "_" + c.validation().metric() + "_mean",
            c.validation().mean());
        logged.put("val_" + c.family() + "_" + c.validation().metric() + "_std",
            c.validation().std());
        logged.put("fit_seconds_" + c.family(), c.fitSeconds());
      }
      run.logMetrics(logged);

      FeatureImportances.Result importances = FeatureImportances.of(winner.model(), test.limit(5));
      List<Path> plots = EvaluationPlots.writeAll(modelName, metrics, importances,
          dir.resolve("plots"));
      run.logArtifacts(dir.resolve("plots"), "plots");
      run.logText(leakage.toMarkdown(), "leakage/leakage_report.md");
      run.logText(leakage.toHtml(), "leakage/leakage_report.html");
      ModelCard card = ModelCard.builder(modelName)
          .algorithm(winner.family(), winner.chosenParams())
          .selection("best validation " + winner.validation() + " among "
              + candidates.stream().map(c -> c.family() + " " + c.validation().format())
              .toList())
          .inputTables(inputs).split(split.description())
          .features(spec.featureColumns())
          .leakageSummary(leakage.excludedFeatures().isEmpty() ? "no feature excluded"
              : "excluded: " + String.join(", ", leakage.excludedFeatures()))
          .testMetrics(metrics).spread(winner.validation())
          .plots(plots.stream().map(p -> "plots/" + p.getFileName()).toList())
          .tracking("mlflow_run", run.runId())
          .limit("Trained on leads observed at their observation point; scores are"
              + " comparable only within a source.");
      oracle.ifPresent(o -> card.limit("Generated data, compared with the truth: " + o.summary()));
      run.logText(card.toMarkdown(), "model_card.md");

      LoggedModel model = run.logSparkModel(winner.model(), MODEL_ARTIFACT,
          SparkModelEnvironment.of(ctx.spark(), mlflow),
          ctx.lakehouse().modelStagingPath(ctx.runId()));
      // Before registration: a registered version is downloaded with its reference.
      run.logText(reference.toJson(), MODEL_ARTIFACT + "/" + ReferenceProfile.FILE);
      Optional<Champion> champion = gate.currentChampion(mlflow.registry(), modelName,
          ctx.lakehouse().modelCachePath(), test, GoldColumns.LABEL, ModelTrainer.PROBABILITY,
          EvaluationOptions.defaults());
      GateDecision decision = gate.decide(metrics, champion);
      ModelPublisher.Publication publication =
          ModelPublisher.publish(mlflow, modelName, model, decision, gate.policy());
      run.finish();
      return new Result(run.runId(), publication.version().version(), decision);
    }
  }
}
