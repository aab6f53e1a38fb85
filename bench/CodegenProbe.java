package io.leadscore.models.scoring;

import static org.apache.spark.sql.functions.col;

import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Per-row cost of compiled scoring under different code-generation settings, on cached
 * in-memory leads (so no I/O): each case runs three times, the best is printed.
 *
 * <p>Args: workDir rows (reads workDir/leads-rows and workDir/model-{lr,gbt} made by
 * ScorerBench).
 */
public final class CodegenProbe {

  public static void main(String[] args) {
    String dir = args[0];
    long rows = Long.parseLong(args[1]);
    SparkSession spark = SparkSession.builder().appName("codegen-probe").getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
    Dataset<Row> leads = spark.read().format("delta").load(dir + "/leads-" + rows)
        .repartition(2).cache();
    leads.count();
    for (String name : new String[] {"lr", "gbt"}) {
      PipelineModel model = PipelineModel.load(dir + "/model-" + name);
      time(spark, name + " transform", model.transform(leads).select(col("lead_id"),
          org.apache.spark.ml.functions.vector_to_array(col("probability"), "float64")
              .getItem(1)), Map.of());
      for (boolean reasons : new boolean[] {false, true}) {
        ScorerOptions options = reasons ? ScorerOptions.defaults()
            : ScorerOptions.defaults().withoutReasons();
        Dataset<Row> scored = CompiledScorer.compile(model, leads.schema(), options).score(leads);
        Column[] out = reasons
            ? new Column[] {col("lead_id"), col("score"), col("reasons_up"), col("reasons_down")}
            : new Column[] {col("lead_id"), col("score")};
        String label = name + " compiled" + (reasons ? " +reasons" : "");
        time(spark, label + " wscg", scored.select(out), Map.of());
        time(spark, label + " nowscg", scored.select(out),
            Map.of("spark.sql.codegen.wholeStage", "false"));
        time(spark, label + " hugeMethodLimit=8000", scored.select(out),
            Map.of("spark.sql.codegen.hugeMethodLimit", "8000"));
      }
    }
    spark.stop();
  }

  static void time(SparkSession spark, String label, Dataset<Row> df, Map<String, String> conf) {
    conf.forEach((k, v) -> spark.conf().set(k, v));
    try {
      long rows = 0;
      double best = Double.MAX_VALUE;
      double first = 0;
      for (int run = 0; run < 3; run++) {
        long t = System.nanoTime();
        Dataset<Row> fresh = df.select(col("*")); // a new plan: planning counted each run
        fresh.write().format("noop").mode(SaveMode.Overwrite).save();
        double s = (System.nanoTime() - t) / 1e9;
        if (run == 0) {
          first = s;
        }
        best = Math.min(best, s);
      }
      rows = df.count();
      System.out.printf(Locale.ROOT, "PROBE %-45s first %6.2fs best %6.2fs  %8.0f rows/s%n",
          label, first, best, rows / best);
    } finally {
      conf.keySet().forEach(k -> spark.conf().unset(k));
    }
  }

  private CodegenProbe() {}
}
