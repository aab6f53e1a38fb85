package io.leadscore.models.scoring;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.randn;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.feature.Imputer;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.types.StructType;
import scala.Tuple3;
import scala.collection.Seq;

/**
 * Times scoring of N synthetic leads (10 categoricals, 15 numerics, nulls, in Delta): a baseline
 * that reads every model input and writes a scores-table-wide output with a trivial
 * expression, {@code PipelineModel.transform} + write, and the compiled scorer + write, for
 * logistic regression and a 100-tree depth-5 GBT. Prints one RESULT line per variant.
 *
 * <p>Args: workDir rows [variants: comma list, default all]
 */
public final class ScorerBench {

  static final int[] CARDINALITIES = {3, 4, 5, 6, 8, 10, 12, 15, 20, 40};
  static final int NUMERICS = 15;

  public static void main(String[] args) throws Exception {
    String dir = args[0];
    long rows = Long.parseLong(args[1]);
    String only = args.length > 2 ? args[2] : "all";
    SparkSession spark = SparkSession.builder().appName("scorer-bench").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    String leads = dir + "/leads-" + rows;

    if (!Files.isDirectory(Paths.get(leads, "_delta_log"))) {
      long t = System.nanoTime();
      generate(spark, rows).write().format("delta").mode(SaveMode.Overwrite).save(leads);
      System.out.printf(Locale.ROOT, "RESULT generate rows=%d seconds=%.1f%n", rows, secs(t));
    }
    List<String> cats = new ArrayList<>();
    for (int i = 0; i < CARDINALITIES.length; i++) {
      cats.add("cat_" + i);
    }
    List<String> nums = new ArrayList<>();
    for (int j = 0; j < NUMERICS; j++) {
      nums.add("num_" + j);
    }
    Dataset<Row> sample = spark.read().format("delta").load(leads)
        .sample(Math.min(1.0, 40_000.0 / rows), 7).cache();
    PipelineModel lr = fitOrLoad(spark, dir + "/model-lr", sample,
        new LogisticRegression().setMaxIter(50).setRegParam(0.001), cats, nums);
    PipelineModel gbt = fitOrLoad(spark, dir + "/model-gbt", sample,
        new GBTClassifier().setMaxIter(100).setMaxDepth(5).setSeed(1), cats, nums);

    List<String> inputs = new ArrayList<>(cats);
    inputs.addAll(nums);
    Map<String, Function<Dataset<Row>, Dataset<Row>>> variants = new LinkedHashMap<>();
    variants.put("baseline", d -> scoresTable(d.select(col("lead_id"), trivialScore(inputs)
        .as("score"), trivialReasons(nums, 0).as("reasons_up"),
        trivialReasons(nums, 3).as("reasons_down"))));
    Map<String, PipelineModel> models = new LinkedHashMap<>();
    models.put("lr", lr);
    models.put("gbt", gbt);
    for (Map.Entry<String, PipelineModel> m : models.entrySet()) {
      String name = m.getKey();
      PipelineModel model = m.getValue();
      variants.put(name + "-transform", d -> scoresTable(model.transform(d).select(
          col("lead_id"), org.apache.spark.ml.functions.vector_to_array(col("probability"),
              "float64").getItem(1).as("score"), trivialReasons(nums, 0).as("reasons_up"),
          trivialReasons(nums, 3).as("reasons_down"))));
      // The reference means are computed once, as the scoring job gets them with the model.
      long t = System.nanoTime();
      double[] means = CompiledScorer.compile(model, sample.schema(),
          ScorerOptions.defaults().withReference(sample)).slotMeans().orElse(null);
      System.out.printf(Locale.ROOT, "RESULT %s reference means: %.1fs%n", name, secs(t));
      ScorerOptions options = means == null ? ScorerOptions.defaults()
          : ScorerOptions.defaults().withSlotMeans(means);
      StructType schema = spark.read().format("delta").load(leads).schema();
      CompiledScorer full = timedCompile(name + "-compiled", model, schema, options);
      CompiledScorer noReasons = timedCompile(name + "-compiled-noreasons", model, schema,
          options.withoutReasons());
      variants.put(name + "-compiled", d -> scoresTable(full.score(d).select(col("lead_id"),
          col("score"), col("reasons_up"), col("reasons_down"))));
      variants.put(name + "-compiled-noreasons", d -> scoresTable(noReasons.score(d).select(
          col("lead_id"), col("score"), trivialReasons(nums, 0).as("reasons_up"),
          trivialReasons(nums, 3).as("reasons_down"))));
      // The same compiled plan with whole-stage code generation left on, for comparison.
      variants.put(name + "-compiled-wscg", d -> scoresTable(full.score(d).select(
          col("lead_id"), col("score"), col("reasons_up"), col("reasons_down"))));
    }
    variants.put("baseline-again", variants.get("baseline"));

    Map<String, Double> rates = new LinkedHashMap<>();
    Map<String, Double> warmRates = new LinkedHashMap<>();
    for (Map.Entry<String, Function<Dataset<Row>, Dataset<Row>>> v : variants.entrySet()) {
      if (!only.equals("all") && !List.of(only.split(",")).contains(v.getKey())) {
        continue;
      }
      Dataset<Row> input = spark.read().format("delta").load(leads);
      long t = System.nanoTime();
      Dataset<Row> out = v.getValue().apply(input); // compile + analysis
      double buildSeconds = secs(t);
      boolean compiled = v.getKey().contains("-compiled") && !v.getKey().endsWith("-wscg");
      t = System.nanoTime();
      SparkPlan[] planned = new SparkPlan[1];
      Runnable planning = () -> planned[0] = out.queryExecution().executedPlan();
      if (compiled) {
        CompiledScorer.withScoringCodegen(spark, planning);
      } else {
        planning.run();
      }
      SparkPlan plan = planned[0]; // optimizer + physical planning
      double planSeconds = secs(t);
      String codegen = codegenStats(plan);
      if (System.getenv("BENCH_DUMP_CODE") != null) {
        Files.writeString(Paths.get(System.getenv("BENCH_DUMP_CODE"), v.getKey() + ".java"),
            org.apache.spark.sql.execution.debug.package$.MODULE$.codegenString(plan));
      }
      // First run: includes generating and compiling the code. Second run of the same plan:
      // the compiled code is cached, so it is the per-row cost.
      double[] runSeconds = new double[2];
      for (int run = 0; run < 2; run++) {
        t = System.nanoTime();
        Runnable write = () -> {
          if ("noop".equals(System.getenv("BENCH_SINK"))) {
            out.write().format("noop").mode(SaveMode.Overwrite).save();
          } else {
            out.write().format("delta").mode(SaveMode.Overwrite)
                .save(dir + "/out-" + v.getKey());
          }
        };
        if (compiled) {
          CompiledScorer.withScoringCodegen(spark, write);
        } else {
          write.run();
        }
        runSeconds[run] = secs(t);
      }
      double seconds = buildSeconds + planSeconds + runSeconds[0];
      double rate = rows / seconds;
      double warmRate = rows / runSeconds[1];
      rates.put(v.getKey(), rate);
      warmRates.put(v.getKey(), warmRate);
      double base = rates.getOrDefault("baseline", rate);
      double warmBase = warmRates.getOrDefault("baseline", warmRate);
      System.out.printf(Locale.ROOT,
          "RESULT %-28s rows=%d first: %6.1fs %8.0f rows/s %5.2fx baseline | second: %6.1fs "
              + "%8.0f rows/s %5.2fx baseline | build %.1fs plan %.1fs | codegen[%s]%n",
          v.getKey(), rows, seconds, rate, base / rate, runSeconds[1], warmRate,
          warmBase / warmRate, buildSeconds, planSeconds, codegen);
    }
    spark.stop();
  }

  static Dataset<Row> generate(SparkSession spark, long rows) {
    Dataset<Row> ids = spark.range(0, rows, 1, 8).toDF();
    List<Column> cols = new ArrayList<>();
    cols.add(format_string("lead-%09d", col("id")).as("lead_id"));
    Column z = lit(-1.0);
    for (int i = 0; i < CARDINALITIES.length; i++) {
      int card = CARDINALITIES[i];
      // Skewed: the last code takes the overflow; 4 % nulls.
      Column code = least(pmod(xxhash64(col("id"), lit(i)), lit(card * 2L)), lit(card - 1L));
      Column value = concat(lit("c" + i + "_"), code.cast("string"));
      cols.add(when(pmod(xxhash64(col("id"), lit(100 + i)), lit(100)).lt(4), lit(null))
          .otherwise(value).as("cat_" + i));
      z = z.plus(when(code.equalTo(1), 0.6).when(code.equalTo(2), -0.4).otherwise(0.0));
    }
    for (int j = 0; j < NUMERICS; j++) {
      Column v = j % 3 == 0 ? exp(randn(1000 + j)) : randn(1000 + j).multiply(10 + j).plus(50);
      cols.add(when(rand(2000 + j).lt(0.05), lit(null)).otherwise(v).as("num_" + j));
      if (j < 5) {
        z = z.plus(v.minus(j % 3 == 0 ? 1.6 : 50).multiply(j % 3 == 0 ? 0.5 : 0.05));
      }
    }
    cols.add(when(rand(3000).lt(lit(1.0).divide(lit(1.0).plus(exp(z.multiply(-1))))), 1.0)
        .otherwise(0.0).as("label"));
    return ids.select(cols.toArray(Column[]::new));
  }

  static PipelineModel fitOrLoad(SparkSession spark, String path, Dataset<Row> sample,
      PipelineStage model, List<String> cats, List<String> nums) throws Exception {
    if (Files.isDirectory(Paths.get(path))) {
      return PipelineModel.load(path);
    }
    String[] idx = cats.stream().map(c -> c + "_idx").toArray(String[]::new);
    String[] vec = cats.stream().map(c -> c + "_vec").toArray(String[]::new);
    String[] imp = nums.stream().map(c -> c + "_imp").toArray(String[]::new);
    List<String> features = new ArrayList<>(List.of(vec));
    features.addAll(List.of(imp));
    long t = System.nanoTime();
    PipelineModel m = new Pipeline().setStages(new PipelineStage[] {
        new StringIndexer().setInputCols(cats.toArray(String[]::new)).setOutputCols(idx)
            .setHandleInvalid("keep"),
        new OneHotEncoder().setInputCols(idx).setOutputCols(vec).setHandleInvalid("keep"),
        new Imputer().setInputCols(nums.toArray(String[]::new)).setOutputCols(imp),
        new VectorAssembler().setInputCols(features.toArray(String[]::new))
            .setOutputCol("features").setHandleInvalid("keep"),
        model}).fit(sample);
    System.out.printf(Locale.ROOT, "RESULT fit %-24s rows=%d seconds=%.1f%n",
        Paths.get(path).getFileName(), sample.count(), secs(t));
    m.write().overwrite().save(path);
    return m;
  }

  static CompiledScorer timedCompile(String name, PipelineModel model, StructType schema,
      ScorerOptions options) {
    long t = System.nanoTime();
    CompiledScorer scorer = CompiledScorer.compile(model, schema, options);
    System.out.printf(Locale.ROOT, "RESULT %s compile: %.1fs%n", name, secs(t));
    return scorer;
  }

  /** The cheapest expression that still reads every model input. */
  static Column trivialScore(List<String> inputs) {
    Column sum = lit(0.0);
    for (String c : inputs) {
      sum = sum.plus(c.startsWith("cat_") ? coalesce(length(col(c)), lit(0))
          : coalesce(col(c), lit(0.0)));
    }
    return sum.divide(1000.0);
  }

  static Column trivialReasons(List<String> nums, int from) {
    List<Column> items = new ArrayList<>();
    for (int k = from; k < from + 3; k++) {
      items.add(struct(lit(nums.get(k)).as("feature"), coalesce(col(nums.get(k)), lit(0.0))
          .as("contribution")));
    }
    return array(items.toArray(Column[]::new));
  }

  /** The scores table's other columns. */
  static Dataset<Row> scoresTable(Dataset<Row> scored) {
    return scored.select(col("lead_id"), col("score"), col("reasons_up"), col("reasons_down"),
        lit("bench-model").as("model_name"), lit("1").as("model_version"),
        lit(0L).as("features_version"), current_timestamp().as("scored_at"),
        lit("bench-run").as("run_id"));
  }

  /** Per whole-stage-codegen subtree: the largest generated method, in bytecode bytes. */
  static String codegenStats(SparkPlan plan) {
    try {
      Seq<Tuple3<String, String, org.apache.spark.sql.catalyst.expressions.codegen.ByteCodeStats>>
          seq = org.apache.spark.sql.execution.debug.package$.MODULE$.codegenStringSeq(plan);
      List<String> out = new ArrayList<>();
      scala.collection.Iterator<Tuple3<String, String,
          org.apache.spark.sql.catalyst.expressions.codegen.ByteCodeStats>> it = seq.iterator();
      while (it.hasNext()) {
        out.add("maxMethod=" + it.next()._3().maxMethodCodeSize());
      }
      return out.isEmpty() ? "no whole-stage code" : String.join(" ", out);
    } catch (RuntimeException e) {
      return "stats failed: " + e.getClass().getSimpleName();
    }
  }

  private static double secs(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  private ScorerBench() {}
}
