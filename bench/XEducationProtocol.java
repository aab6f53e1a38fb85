package io.leadscore.bench;

import static org.apache.spark.sql.functions.col;

import io.leadscore.features.FeatureSpec;
import io.leadscore.features.gold.ContractFeatures;
import io.leadscore.features.gold.GoldColumns;
import io.leadscore.features.leakage.LeakageDetector;
import io.leadscore.features.leakage.LeakageReport;
import io.leadscore.jobs.TrainJob;
import io.leadscore.jobs.config.ConfigLoader;
import io.leadscore.jobs.config.LeadscoreConfig;
import io.leadscore.models.eval.MetricSpread;
import io.leadscore.models.training.ModelTrainer;
import io.leadscore.models.training.TrainingOptions;
import io.leadscore.transforms.contract.ColumnSpec;
import io.leadscore.transforms.contract.Contract;
import io.leadscore.transforms.contract.ContractLoader;
import io.leadscore.transforms.lakehouse.Lakehouse;
import io.leadscore.transforms.lakehouse.Table;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.feature.Imputer;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * The X Education protocol of issue 6: 5-fold cross-validated ROC AUC of OUR pipeline (gold
 * rows written by the real ingest → validate → features jobs, the leakage detector choosing the
 * exclusions, FeaturePipelineBuilder and ModelTrainer's candidates with the training settings
 * of the config) next to the plain reference pipeline (StringIndexer + OneHotEncoder + Imputer +
 * VectorAssembler on the raw CSV columns, GBT of 100 trees; and logistic regression), over the
 * same folds, for both column sets:
 * <ul>
 *   <li>A: Tags, Lead Quality, Lead Profile dropped (ours: whatever the detector excludes);</li>
 *   <li>B: A, and the four Asymmetrique columns and Last Activity / Last Notable Activity.</li>
 * </ul>
 * Args: config.yaml contract.yaml Leads.csv [fold seeds, comma-separated; default: config seed]
 * [what: comma list of ours, ref, or per set and family, e.g. A-ref,B-ours,A-ours-gbt
 * (default: ours,ref = everything)].
 */
public final class XEducationProtocol {
  private static final String SOURCE = "xeducation";
  private static final String RAW_ID = "Prospect ID";
  private static final String RAW_LABEL = "Converted";
  private static final List<String> RAW_NEVER = List.of(RAW_ID, "Lead Number", RAW_LABEL);
  private static final List<String> RAW_LEAKY = List.of("Tags", "Lead Quality", "Lead Profile");
  private static final List<String> RAW_SET_B = List.of("Asymmetrique Activity Index",
      "Asymmetrique Profile Index", "Asymmetrique Activity Score", "Asymmetrique Profile Score",
      "Last Activity", "Last Notable Activity");
  private static final List<String> GOLD_SET_B = List.of("asymmetrique_activity_index",
      "asymmetrique_profile_index", "asymmetrique_activity_score", "asymmetrique_profile_score",
      "last_activity", "last_notable_activity");

  private XEducationProtocol() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      throw new IllegalArgumentException(
          "usage: XEducationProtocol config.yaml contract.yaml Leads.csv [seeds] [ours,ref]");
    }
    LeadscoreConfig config = ConfigLoader.fromSystemEnvironment().load(Path.of(args[0]));
    Contract contract = ContractLoader.loadFor(Path.of(args[1]), SOURCE);
    TrainingOptions options = TrainJob.trainingOptions(config.training());
    List<Long> seeds = new ArrayList<>();
    if (args.length > 3 && !args[3].isBlank()) {
      for (String s : args[3].split(",")) {
        seeds.add(Long.parseLong(s.trim()));
      }
    } else {
      seeds.add(options.seed());
    }
    String what = args.length > 4 ? args[4] : "ours,ref";
    int folds = options.folds() < 2 ? 5 : options.folds();
    SparkSession spark = SparkSession.builder().appName("xeducation-protocol").getOrCreate();
    // As the train job: long GBTs cut their lineage at checkpoints (else a stack overflow).
    java.nio.file.Path checkpoints = java.nio.file.Files.createTempDirectory("xedu-checkpoints");
    spark.sparkContext().setCheckpointDir(checkpoints.toString());
    spark.sparkContext().setLogLevel("ERROR");

    Lakehouse lake = new Lakehouse(config.lakehouse().root());
    Dataset<Row> gold = spark.read().format("delta")
        .load(lake.path(Table.GOLD_FEATURES, SOURCE)).cache();
    FeatureSpec candidates = ContractFeatures.spec(contract.leads(), contract.events(),
        List.of(), true);
    Map<String, String> exempt = new LinkedHashMap<>();
    for (ColumnSpec c : contract.leads().columns()) {
      if (c.leakageExempt() != null) {
        exempt.put(c.name(), c.leakageExempt());
      }
    }
    LeakageReport leakage = LeakageDetector.withDefaults().allowList(exempt)
        .screen(gold, null, candidates);
    FeatureSpec setA = leakage.applyTo(candidates);
    System.out.printf("PROTOCOL %d gold rows (%d positive); leakage detector excluded %s%n",
        gold.count(), gold.where(col(GoldColumns.LABEL).equalTo(1)).count(),
        leakage.excludedFeatures());
    FeatureSpec setB = setA.without(GOLD_SET_B);

    Dataset<Row> raw = spark.read().option("header", true).option("inferSchema", true)
        .option("quote", "\"").option("escape", "\"").csv(args[2]);
    raw = raw.withColumn(RAW_LABEL, col(RAW_LABEL).cast("double"));

    System.out.printf("PROTOCOL %d folds by a hash of the lead id, seeds %s; training settings:"
        + " families %s, balanceClasses %s, parallelism %d%n", folds, seeds, options.families(),
        options.balanceClasses(), options.parallelism());
    for (String set : List.of("A", "B")) {
      FeatureSpec ours = set.equals("A") ? setA : setB;
      List<String> rawDropped = new ArrayList<>(RAW_LEAKY);
      if (set.equals("B")) {
        rawDropped.addAll(RAW_SET_B);
      }
      for (long seed : seeds) {
        System.out.printf("%nSET %s seed %d: reference drops %s; ours uses %d features %s%n",
            set, seed, rawDropped, ours.featureColumns().size(), ours.featureColumns());
        Dataset<Row> goldFolds = ModelTrainer.withFolds(gold, GoldColumns.LEAD_ID, folds, seed)
            .cache();
        if (selected(what, set, "ours", null)) {
          runOurs(set, seed, ours, goldFolds, folds, options, what);
        }
        if (selected(what, set, "ref", null)) {
          Dataset<Row> rawFolds = raw.join(goldFolds.select(col(GoldColumns.LEAD_ID).as(RAW_ID),
              col(ModelTrainer.foldColumn())), RAW_ID).cache();
          long joined = rawFolds.count();
          if (joined != gold.count()) {
            throw new IllegalStateException("raw rows matched to gold lead ids: " + joined
                + " of " + gold.count());
          }
          runReference(set, seed, raw, rawDropped, rawFolds, folds, options);
          rawFolds.unpersist();
        }
        goldFolds.unpersist();
      }
    }
    spark.stop();
  }

  /** Whether {@code what} asks for this set / side / family (family null: any). */
  private static boolean selected(String what, String set, String who, String family) {
    for (String token : what.split(",")) {
      String t = token.trim();
      if (t.equals(who) || t.equals(set + "-" + who)
          || (family == null && t.startsWith(set + "-" + who + "-"))
          || (family != null && t.equals(set + "-" + who + "-" + family))) {
        return true;
      }
    }
    return false;
  }

  private static void runOurs(String set, long seed, FeatureSpec spec, Dataset<Row> withFold,
      int folds, TrainingOptions options, String what) {
    List<String> sparse = ModelTrainer.sparseColumns(withFold, spec.numericColumns(),
        10L * folds);
    FeatureSpec used = sparse.isEmpty() ? spec : spec.without(sparse);
    Pipeline features = TrainJob.featurePipeline(used).build();
    Dataset<Row> rows = options.balanceClasses()
        ? ModelTrainer.withClassWeights(withFold, GoldColumns.LABEL).cache() : withFold;
    for (String family : options.families()) {
      if (!selected(what, set, "ours", family)) {
        continue;
      }
      long t0 = System.nanoTime();
      ModelTrainer.FamilySetup setup = ModelTrainer.setup(family, features, GoldColumns.LABEL,
          options);
      double[][] m = ModelTrainer.crossValidate(setup.pipeline(), setup.grid(), rows, folds,
          ModelTrainer.evaluator(GoldColumns.LABEL, options), options.parallelism(), family);
      int best = ModelTrainer.best(m);
      StringBuilder grid = new StringBuilder();
      for (int g = 0; g < m.length; g++) {
        grid.append(String.format(Locale.ROOT, " %s=%.4f", ModelTrainer.params(setup.grid()[g]),
            MetricSpread.of("roc_auc", m[g]).mean()));
      }
      print(set, seed, "ours", family, m[best], ModelTrainer.params(setup.grid()[best])
          + " grid:" + grid, t0);
    }
  }

  private static void runReference(String set, long seed, Dataset<Row> raw,
      List<String> dropped, Dataset<Row> withFold, int folds, TrainingOptions options) {
    List<String> categorical = new ArrayList<>();
    List<String> numeric = new ArrayList<>();
    for (StructField f : raw.schema().fields()) {
      if (RAW_NEVER.contains(f.name()) || dropped.contains(f.name())) {
        continue;
      }
      if (f.dataType().equals(DataTypes.StringType)) {
        categorical.add(f.name());
      } else {
        numeric.add(f.name());
      }
    }
    Dataset<Row> rows = withFold;
    for (String n : numeric) {
      rows = rows.withColumn(n, col(n).cast("double"));
    }
    String[] cat = categorical.toArray(String[]::new);
    String[] idx = categorical.stream().map(c -> c + "_idx").toArray(String[]::new);
    String[] ohe = categorical.stream().map(c -> c + "_ohe").toArray(String[]::new);
    String[] num = numeric.toArray(String[]::new);
    String[] imp = numeric.stream().map(c -> c + "_imp").toArray(String[]::new);
    List<String> assembled = new ArrayList<>(List.of(ohe));
    assembled.addAll(List.of(imp));
    PipelineStage[] prep = {
        new StringIndexer().setInputCols(cat).setOutputCols(idx).setHandleInvalid("keep"),
        new OneHotEncoder().setInputCols(idx).setOutputCols(ohe),
        new Imputer().setInputCols(num).setOutputCols(imp),
        new VectorAssembler().setInputCols(assembled.toArray(String[]::new))
            .setOutputCol("features")};
    BinaryClassificationEvaluator evaluator = new BinaryClassificationEvaluator()
        .setLabelCol(RAW_LABEL).setRawPredictionCol("rawPrediction").setNumBins(0)
        .setMetricName("areaUnderROC");
    Map<String, PipelineStage> classifiers = new LinkedHashMap<>();
    classifiers.put("gbt", new GBTClassifier().setLabelCol(RAW_LABEL).setMaxIter(100)
        .setSeed(options.seed()));
    classifiers.put("lr", new LogisticRegression().setLabelCol(RAW_LABEL));
    for (Map.Entry<String, PipelineStage> e : classifiers.entrySet()) {
      long t0 = System.nanoTime();
      PipelineStage[] stages = java.util.Arrays.copyOf(prep, prep.length + 1);
      stages[prep.length] = e.getValue();
      double[][] m = ModelTrainer.crossValidate(new Pipeline().setStages(stages),
          new ParamMap[] {new ParamMap()}, rows, folds, evaluator, options.parallelism(),
          "reference " + e.getKey());
      print(set, seed, "reference", e.getKey(), m[0], categorical.size() + " categorical + "
          + numeric.size() + " numeric raw columns", t0);
    }
  }

  private static void print(String set, long seed, String who, String family, double[] folds,
      String detail, long t0) {
    MetricSpread s = MetricSpread.of("roc_auc", folds);
    StringBuilder each = new StringBuilder();
    for (double v : folds) {
      each.append(String.format(Locale.ROOT, " %.4f", v));
    }
    System.out.printf(Locale.ROOT,
        "RESULT set=%s seed=%d %-9s %-3s ROC AUC %.4f ± %.4f (min %.4f – max %.4f; folds%s)"
            + " %.0f s  %s%n", set, seed, who, family, s.mean(), s.std(), s.min(), s.max(),
        each, (System.nanoTime() - t0) / 1e9, detail);
  }
}
