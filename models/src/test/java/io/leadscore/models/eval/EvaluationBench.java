package io.leadscore.models.eval;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.randn;
import static org.apache.spark.sql.functions.when;

import java.util.Locale;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Not a test: run by bench/eval-scale. Times the exact evaluation on N synthetic scored rows
 * (continuous scores, so nearly every row is its own threshold: the worst case) against
 * MLlib's BinaryClassificationEvaluator, binned (its default) and unbinned.
 */
public final class EvaluationBench {

  public static void main(String[] args) {
    long n = args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : 1_000_000L;
    SparkSession spark = SparkSession.builder()
        .master(System.getProperty("spark.master", "local[2]"))
        .appName("leadscore-eval-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "8")
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    Dataset<Row> scored = spark.range(n)
        .withColumn("z", randn(1))
        .withColumn("p", lit(1.0).divide(lit(1.0).plus(exp(col("z").multiply(-1.5)))))
        .withColumn("label", when(rand(2).lt(col("p")), 1.0).otherwise(0.0))
        .select("label", "p")
        .cache();
    System.out.printf(Locale.ROOT, "rows: %,d (materialised in %.1f s)%n", n,
        seconds(() -> scored.count()));

    double[] exact = new double[2];
    double exactSeconds = seconds(() -> {
      BinaryMetrics m = BinaryClassifierEvaluator.evaluate(scored, "label", "p");
      exact[0] = m.rocAuc();
      exact[1] = m.prAuc();
    });
    double[] binned = new double[1];
    double binnedSeconds = seconds(() -> binned[0] = new BinaryClassificationEvaluator()
        .setRawPredictionCol("p").evaluate(scored));
    double[] unbinned = new double[1];
    double unbinnedSeconds = seconds(() -> unbinned[0] = new BinaryClassificationEvaluator()
        .setRawPredictionCol("p").setNumBins(0).evaluate(scored));

    System.out.printf(Locale.ROOT, "leadscore exact evaluation (all metrics): %6.1f s  "
        + "ROC AUC %.10f  PR AUC %.10f%n", exactSeconds, exact[0], exact[1]);
    System.out.printf(Locale.ROOT, "MLlib ROC AUC, 1,000 bins (default):      %6.1f s  "
        + "ROC AUC %.10f  (differs by %.2e)%n", binnedSeconds, binned[0],
        Math.abs(binned[0] - exact[0]));
    System.out.printf(Locale.ROOT, "MLlib ROC AUC, unbinned (numBins=0):      %6.1f s  "
        + "ROC AUC %.10f  (differs by %.2e)%n", unbinnedSeconds, unbinned[0],
        Math.abs(unbinned[0] - exact[0]));
    spark.stop();
  }

  private static double seconds(Runnable r) {
    long t = System.nanoTime();
    r.run();
    return (System.nanoTime() - t) / 1e9;
  }
}
