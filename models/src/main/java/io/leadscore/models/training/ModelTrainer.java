package io.leadscore.models.training;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.leadscore.models.eval.MetricSpread;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.RandomForestClassifier;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamPair;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Fits each candidate family (feature pipeline + classifier) over a small grid, tuned by
 * k-fold cross-validation (or one 80/20 validation split) on the training rows only, with the
 * folds' metrics kept for their spread, and picks the winner by the primary validation metric. The feature pipeline is refitted inside every fold, so
 * rare-level grouping and imputation never see validation rows.
 */
public final class ModelTrainer {
  public static final String FEATURES = "features";
  public static final String PROBABILITY = "probability";
  public static final String WEIGHT = "class_weight";
  private static final String FOLD = "__fold";

  private ModelTrainer() {}

  /** One tuned family. */
  public record Candidate(String family, PipelineModel model, MetricSpread validation,
      Map<String, String> chosenParams) {}

  /** All candidates, best first by the primary validation metric. */
  public static List<Candidate> fitAll(Pipeline featurePipeline, Dataset<Row> training,
      String idCol, String labelCol, TrainingOptions options) {
    Dataset<Row> rows = options.balanceClasses() ? withClassWeights(training, labelCol)
        : training;
    List<Candidate> candidates = new ArrayList<>();
    for (String family : options.families()) {
      candidates.add(fit(family, featurePipeline, rows, idCol, labelCol, options));
    }
    candidates.sort((a, b) -> Double.compare(b.validation().mean(), a.validation().mean()));
    return candidates;
  }

  private static Candidate fit(String family, Pipeline featurePipeline, Dataset<Row> rows,
      String idCol, String labelCol, TrainingOptions options) {
    Estimator<?> classifier;
    ParamMap[] grid;
    switch (family) {
      case TrainingOptions.LOGISTIC_REGRESSION -> {
        LogisticRegression lr = new LogisticRegression().setLabelCol(labelCol)
            .setFeaturesCol(FEATURES).setMaxIter(100);
        if (options.balanceClasses()) {
          lr.setWeightCol(WEIGHT);
        }
        grid = new ParamGridBuilder().addGrid(lr.regParam(), new double[] {0.0, 0.003, 0.03})
            .build();
        classifier = lr;
      }
      case TrainingOptions.RANDOM_FOREST -> {
        RandomForestClassifier rf = new RandomForestClassifier().setLabelCol(labelCol)
            .setFeaturesCol(FEATURES).setNumTrees(60).setSeed(options.seed());
        if (options.balanceClasses()) {
          rf.setWeightCol(WEIGHT);
        }
        grid = new ParamGridBuilder().addGrid(rf.maxDepth(), new int[] {6, 10}).build();
        classifier = rf;
      }
      default -> {
        GBTClassifier gbt = new GBTClassifier().setLabelCol(labelCol).setFeaturesCol(FEATURES)
            .setMaxIter(60).setStepSize(0.1).setSeed(options.seed());
        if (options.balanceClasses()) {
          gbt.setWeightCol(WEIGHT);
        }
        grid = new ParamGridBuilder().addGrid(gbt.maxDepth(), new int[] {3, 5}).build();
        classifier = gbt;
      }
    }
    List<PipelineStage> stages = new ArrayList<>(Arrays.asList(featurePipeline.getStages()));
    stages.add((PipelineStage) classifier);
    Pipeline pipeline = new Pipeline().setStages(stages.toArray(PipelineStage[]::new));
    BinaryClassificationEvaluator evaluator = new BinaryClassificationEvaluator()
        .setLabelCol(labelCol).setRawPredictionCol("rawPrediction").setNumBins(0)
        .setMetricName(TrainingOptions.PR_AUC.equals(options.primaryMetric())
            ? "areaUnderPR" : "areaUnderROC");
    int folds = Math.max(options.folds(), 1);
    // Folds by a hash of the lead id: the same leads share a fold whatever the partitioning.
    Dataset<Row> withFold = rows.withColumn(FOLD, folds == 1
        ? when(pmod(xxhash64(col(idCol), lit(options.seed())), lit(5)).equalTo(0), lit(0))
            .otherwise(lit(-1))
        : pmod(xxhash64(col(idCol), lit(options.seed())), lit(folds))).cache();
    double[][] metrics = new double[grid.length][folds];
    ExecutorService pool = Executors.newFixedThreadPool(options.parallelism());
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int g = 0; g < grid.length; g++) {
        for (int f = 0; f < folds; f++) {
          final int gi = g;
          final int fi = f;
          running.add(pool.submit(() -> {
            PipelineModel m = pipeline.fit(withFold.where(col(FOLD).notEqual(fi)), grid[gi]);
            metrics[gi][fi] = evaluator.evaluate(m.transform(withFold.where(col(FOLD)
                .equalTo(fi))));
          }));
        }
      }
      for (Future<?> f : running) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("training interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(family + " training failed: " + e.getCause().getMessage(),
          e.getCause());
    } finally {
      pool.shutdownNow();
    }
    int best = 0;
    for (int g = 1; g < grid.length; g++) {
      if (mean(metrics[g]) > mean(metrics[best])) {
        best = g;
      }
    }
    PipelineModel model = pipeline.fit(rows, grid[best]);
    withFold.unpersist();
    return new Candidate(family, model, MetricSpread.of(options.primaryMetric(), metrics[best]),
        params(grid[best]));
  }

  private static double mean(double[] values) {
    return Arrays.stream(values).average().orElse(Double.NaN);
  }

  /**
   * The columns among {@code columns} with fewer than {@code minValues} non-null, non-NaN
   * values: an imputer cannot fill a column that has no value in some training fold.
   */
  public static List<String> sparseColumns(Dataset<Row> rows, List<String> columns,
      long minValues) {
    if (columns.isEmpty()) {
      return List.of();
    }
    org.apache.spark.sql.Column[] counts = columns.stream()
        .map(c -> org.apache.spark.sql.functions.count(
            when(col(c).isNotNull().and(org.apache.spark.sql.functions.not(
                org.apache.spark.sql.functions.isnan(col(c).cast("double")))), lit(1))).as(c))
        .toArray(org.apache.spark.sql.Column[]::new);
    Row row = rows.agg(counts[0], Arrays.copyOfRange(counts, 1, counts.length)).head();
    List<String> empty = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      if (row.getLong(i) < minValues) {
        empty.add(columns.get(i));
      }
    }
    return empty;
  }

  /** Weights n / (2 · n_class): each class weighs half of the rows in total. */
  static Dataset<Row> withClassWeights(Dataset<Row> rows, String labelCol) {
    long total = rows.count();
    long positives = rows.where(col(labelCol).equalTo(1)).count();
    if (positives == 0 || positives == total) {
      throw new IllegalArgumentException(String.format(
          "training rows need both classes, have %d positives of %d", positives, total));
    }
    double wPos = total / (2.0 * positives);
    double wNeg = total / (2.0 * (total - positives));
    return rows.withColumn(WEIGHT, when(col(labelCol).equalTo(1), lit(wPos)).otherwise(lit(wNeg)));
  }

  private static Map<String, String> params(ParamMap map) {
    Map<String, String> out = new LinkedHashMap<>();
    for (ParamPair<?> pair : map.toList()) {
      out.put(pair.param().name(), String.valueOf(pair.value()));
    }
    return out;
  }
}
