package io.leadscore.jobs;

import io.leadscore.features.FeatureSpec;
import io.leadscore.features.gold.ContractFeatures;
import io.leadscore.features.gold.GoldColumns;
import io.leadscore.features.gold.GoldWriter;
import io.leadscore.features.leakage.LeakageDetector;
import io.leadscore.features.leakage.LeakageReport;
import io.leadscore.features.pipeline.FeaturePipelineBuilder;
import io.leadscore.jobs.cli.JobCommand;
import io.leadscore.jobs.cli.JobContext;
import io.leadscore.jobs.cli.LeadscoreException;
import io.leadscore.jobs.config.ConfigException;
import io.leadscore.jobs.config.LeadscoreConfig;
import io.leadscore.jobs.generate.DropFiles;
import io.leadscore.jobs.generate.TruthFiles;
import io.leadscore.models.InputTable;
import io.leadscore.models.drift.ReferenceProfile;
import io.leadscore.models.eval.BinaryClassifierEvaluator;
import io.leadscore.models.eval.BinaryMetrics;
import io.leadscore.models.eval.EvaluationOptions;
import io.leadscore.models.eval.OracleComparison;
import io.leadscore.models.gate.ChampionChallengerGate;
import io.leadscore.models.gate.Criterion;
import io.leadscore.models.gate.GateDecision;
import io.leadscore.models.gate.GatePolicy;
import io.leadscore.models.gate.ModelPublisher;
import io.leadscore.models.mlflow.MlflowTracking;
import io.leadscore.models.training.DataSplits;
import io.leadscore.models.training.ModelTrainer;
import io.leadscore.models.training.TrainingOptions;
import io.leadscore.transforms.contract.Contract;
import io.leadscore.transforms.lakehouse.Table;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Gold training rows → a gated model in MLflow: leakage screening, a deterministic split,
 * tuned candidates, exact test evaluation, plots and a model card, and the champion/challenger
 * gate. Fails before training when the tracking server cannot be reached.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train, evaluate and gate a lead-scoring model of a source (MLflow).")
public final class TrainJob extends JobCommand {

  @Mixin
  ContractOptions contract;

  @Option(names = "--as-of-version", paramLabel = "N",
      description = "Delta version of the gold training table to read (default: latest).")
  Long asOfVersion;

  @Option(names = "--model-name", paramLabel = "NAME",
      description = "Registered model name (default: leadscore_<source>).")
  String modelName;

  @Option(names = "--truth", paramLabel = "FOLDER",
      description = "Generated data only: the generator's truth folder. The test AUC is then"
          + " printed and logged next to the oracle AUC (the true probabilities' AUC) on the"
          + " same test rows (default for source synthetic: <landing>/../truth/synthetic,"
          + " when it holds truth files).")
  String truthFolder;

  private TrainingOptions options;
  private ChampionChallengerGate gate;

  @Override
  protected String description() {
    return "train a model of " + contract.source();
  }

  @Override
  protected void checkOptions() {
    contract.load(configFile);
    if (asOfVersion != null && asOfVersion < 0) {
      throw new ConfigException("--as-of-version must be ≥ 0, cannot be: " + asOfVersion);
    }
  }

  @Override
  protected LeadscoreConfig loadConfig() {
    LeadscoreConfig config = super.loadConfig();
    LeadscoreConfig.TrainingSettings t = config.training();
    try {
      options = trainingOptions(t);
      gate = new ChampionChallengerGate(GatePolicy.of(
          t.gate().criteria().stream().map(Criterion::parse).toList(), t.primaryMetric(),
          t.gate().minImprovement()));
      if (!List.of("hash", "time").contains(t.split())) {
        throw new IllegalArgumentException("training.split must be hash or time, cannot be: "
            + t.split());
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException(configFile + ": training: " + e.getMessage(), e);
    }
    return config;
  }

  /** The training options the settings describe (IllegalArgumentException when bad). */
  public static TrainingOptions trainingOptions(LeadscoreConfig.TrainingSettings t) {
    return new TrainingOptions(t.families(), t.primaryMetric(), t.folds(), t.parallelism(),
        t.balanceClasses(), t.seed(), t.grids());
  }

  /** The feature pipeline every candidate starts with (shared with bench/XEducationProtocol). */
  public static FeaturePipelineBuilder featurePipeline(FeatureSpec spec) {
    return FeaturePipelineBuilder.from(spec);
  }

  @Override
  protected void run(JobContext ctx) throws Exception {
    Contract c = contract.contract();
    String name = modelName != null ? modelName : "leadscore_" + c.source();
    ctx.step("check the MLflow tracking server");
    MlflowTracking mlflow = MlflowTracking.connect(ctx.config().mlflow().trackingUri());
    mlflow.checkReachable();
    Optional<String> truth = truthFolder(ctx, c);

    String goldPath = ctx.lakehouse().path(Table.GOLD_FEATURES, c.source());
    long version = asOfVersion != null ? asOfVersion
        : GoldWriter.latestVersion(ctx.spark(), goldPath).orElseThrow(() ->
            LeadscoreException.jobFailed("no training features at %s: run features --mode"
                + " training --source %s first", goldPath, c.source()));
    Dataset<Row> gold = ctx.spark().read().format("delta").option("versionAsOf", version)
        .load(goldPath).cache();
    String scoringPath = ctx.lakehouse().path(Table.GOLD_SCORING_FEATURES, c.source());
    Dataset<Row> scoring = GoldWriter.latestVersion(ctx.spark(), scoringPath).isPresent()
        ? ctx.spark().read().format("delta").load(scoringPath) : null;
    List<String> eventTypes = GoldWriter.tableProperty(ctx.spark(), goldPath,
        GoldColumns.EVENT_TYPES_PROPERTY).filter(v -> !v.isEmpty())
        .map(v -> Arrays.asList(v.split(","))).orElse(List.of());
    FeatureSpec candidates = ContractFeatures.spec(c.leads(), c.events(), eventTypes, true);

    ctx.step("screen features for leakage");
    LeakageReport leakage = LeakageDetector.withDefaults()
        .allowList(TrainingRun.leakageExemptions(c)).screen(gold, scoring, candidates);
    TrainingRun.recordLeakage(ctx, c.source(), leakage);
    FeatureSpec spec = leakage.applyTo(candidates);
    ctx.say("leakage screening: %d features kept, excluded %s", spec.featureColumns().size(),
        leakage.excludedFeatures());

    DataSplits.Split split = "time".equals(ctx.config().training().split())
        ? DataSplits.byTime(gold, GoldColumns.AS_OF, ctx.config().training().testFraction())
        : DataSplits.byIdHash(gold, GoldColumns.LEAD_ID, ctx.config().training().testFraction());
    // Ten values per fold at least, or a fold's imputer may find none to fill from.
    List<String> empty = ModelTrainer.sparseColumns(split.train(), spec.numericColumns(),
        10L * Math.max(options.folds(), 2));
    if (!empty.isEmpty()) {
      ctx.say("too few values in the training rows, left out: %s", empty);
      spec = spec.without(empty);
    }
    ctx.step("fit candidates " + options.families());
    List<ModelTrainer.Candidate> fitted;
    String checkpoints = ctx.lakehouse().checkpointPath(ctx.runId());
    ctx.spark().sparkContext().setCheckpointDir(checkpoints);
    try {
      fitted = ModelTrainer.fitAll(featurePipeline(spec).build(), split.train(),
          GoldColumns.LEAD_ID, GoldColumns.LABEL, options);
    } finally {
      org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(checkpoints);
      dir.getFileSystem(ctx.spark().sparkContext().hadoopConfiguration()).delete(dir, true);
    }
    fitted.forEach(f -> ctx.say("candidate %s: validation %s %s, fitted in %.1f s", f.family(),
        f.validation(), f.chosenParams(), f.fitSeconds()));
    ModelTrainer.Candidate winner = fitted.get(0);

    ctx.step("evaluate the winner on the test rows");
    Dataset<Row> test = split.test().cache();
    Dataset<Row> scoredTest = winner.model().transform(test);
    BinaryMetrics metrics = BinaryClassifierEvaluator.evaluate(scoredTest,
        GoldColumns.LABEL, ModelTrainer.PROBABILITY, EvaluationOptions.defaults());
    ctx.say("winner %s: test ROC AUC %.4f, PR AUC %.4f, ECE %.4f on %d rows", winner.family(),
        metrics.rocAuc(), metrics.prAuc(), metrics.ece(), test.count());
    Optional<OracleComparison> oracle = truth.map(t -> compareWithOracle(ctx, t, scoredTest));
    oracle.ifPresent(o -> ctx.say("winner %s: %s", winner.family(), o.summary()));

    InputTable input = new InputTable("gold." + c.source() + ".features", goldPath, version);
    ctx.step("profile the training rows (drift reference, reasons' baseline)");
    ReferenceProfile reference = DriftCheck.profile(winner.model(), gold, "training rows of "
        + input.name() + " version " + version + " (train run " + ctx.runId() + ")");

    ctx.step("log to MLflow and gate");
    TrainingRun.Result result = new TrainingRun(ctx, mlflow, name, c, spec, leakage, split,
        fitted, metrics, List.of(input)).withOracle(oracle).withReference(reference)
        .logAndGate(gate, test);
    GateDecision decision = result.decision();
    ctx.metrics().addRows("read", gold.count())
        .gauge("model_test_auc", "Test ROC AUC of the last trained model", metrics.rocAuc())
        .gauge("model_promoted", "1 when the last trained model became champion",
            decision.promote() ? 1 : 0);
    oracle.ifPresent(o -> ctx.metrics().gauge("model_test_auc_to_oracle_ratio",
        "Test ROC AUC over the oracle AUC on the same rows (generated data)", o.ratio()));
    ctx.say("model %s version %s: %s (%s); MLflow run %s", name, result.version(),
        decision.promote() ? "promoted to champion" : "stays challenger", decision.summary(),
        result.runId());
  }

  /**
   * Where the source's truth is, if it is known: {@code --truth} (checked before any training),
   * or for the generated source the generator's default folder if it holds truth files. Real
   * sources have none, and nothing is required of them.
   */
  private Optional<String> truthFolder(JobContext ctx, Contract c) throws java.io.IOException {
    if (truthFolder != null) {
      if (!TruthFiles.exist(ctx.spark(), truthFolder)) {
        throw LeadscoreException.jobFailed("--truth %s holds no truth_*.csv files: pass the"
            + " folder generate wrote its truth to", truthFolder);
      }
      return Optional.of(truthFolder);
    }
    if (!DropFiles.SOURCE.equals(c.source())) {
      return Optional.empty();
    }
    Optional<String> folder = TruthFiles.defaultFolder(ctx.config().lakehouse().landing());
    if (folder.isEmpty() || !TruthFiles.exist(ctx.spark(), folder.get())) {
      ctx.say("no truth files at %s: no oracle comparison (pass --truth FOLDER)",
          folder.orElse("(landing has no parent)"));
      return Optional.empty();
    }
    return folder;
  }

  /** The winner's test AUC next to the oracle's on the same test rows. */
  private static OracleComparison compareWithOracle(JobContext ctx, String truth,
      Dataset<Row> scoredTest) {
    ctx.step("compare the test AUC with the oracle AUC (truth at " + truth + ")");
    try {
      return OracleComparison.of(scoredTest, GoldColumns.LEAD_ID, GoldColumns.LABEL,
          ModelTrainer.PROBABILITY, TruthFiles.read(ctx.spark(), truth), TruthFiles.LEAD_ID,
          TruthFiles.TRUE_PROBABILITY, TruthFiles.CONVERTED);
    } catch (IllegalArgumentException e) {
      throw LeadscoreException.jobFailed("oracle comparison with the truth at %s: %s", truth,
          e.getMessage());
    }
  }
}
