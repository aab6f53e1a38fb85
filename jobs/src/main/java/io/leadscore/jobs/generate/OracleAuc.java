package io.leadscore.jobs.generate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * Exact ROC AUC by ranks (Mann-Whitney): the probability that a random positive scores above
 * a random negative, ties counting one half. Integer arithmetic throughout, so the result does
 * not depend on partitioning; no binning (unlike BinaryClassificationEvaluator).
 */
public final class OracleAuc {
  private OracleAuc() {}

  /** Positives, negatives and AUC (NaN when one class is absent). */
  public record Result(long positives, long negatives, double auc) {}

  /**
   * @param scored rows with a numeric score column and a 0/1 label column (nulls skipped)
   */
  public static Result exact(Dataset<Row> scored, String scoreColumn, String labelColumn) {
    Dataset<Row> byScore = scored
        .where(col(scoreColumn).isNotNull().and(col(labelColumn).isNotNull()))
        .groupBy(col(scoreColumn).cast("double").as("score"))
        .agg(sum(when(col(labelColumn).equalTo(1), lit(1L)).otherwise(lit(0L))).as("pos"),
            sum(when(col(labelColumn).equalTo(1), lit(0L)).otherwise(lit(1L))).as("neg"))
        .orderBy("score");
    JavaRDD<Row> sorted = byScore.javaRDD().persist(StorageLevel.MEMORY_AND_DISK());
    try {
      // Pass 1: negatives and positives per partition (partitions are in score order).
      List<long[]> totals = sorted.mapPartitionsWithIndex((index, rows) -> {
        long pos = 0;
        long neg = 0;
        while (rows.hasNext()) {
          Row r = rows.next();
          pos += r.getLong(1);
          neg += r.getLong(2);
        }
        return List.of(new long[] {index, pos, neg}).iterator();
      }, true).collect();
      int partitions = totals.size();
      long[] negBefore = new long[partitions + 1];
      long positives = 0;
      long negatives = 0;
      long[][] byIndex = new long[partitions][];
      for (long[] t : totals) {
        byIndex[(int) t[0]] = t;
      }
      for (int i = 0; i < partitions; i++) {
        negBefore[i + 1] = negBefore[i] + byIndex[i][2];
        positives += byIndex[i][1];
        negatives += byIndex[i][2];
      }
      if (positives == 0 || negatives == 0) {
        return new Result(positives, negatives, Double.NaN);
      }
      // Pass 2: sum over scores of pos × (2 × negatives below + negatives tied).
      long twiceWins = sorted.mapPartitionsWithIndex((index, rows) -> {
        long below = negBefore[index];
        long acc = 0;
        while (rows.hasNext()) {
          Row r = rows.next();
          long pos = r.getLong(1);
          long neg = r.getLong(2);
          acc += pos * (2 * below + neg);
          below += neg;
        }
        return List.of(acc).iterator();
      }, true).reduce(Long::sum);
      return new Result(positives, negatives,
          twiceWins / (2.0 * positives * (double) negatives));
    } finally {
      sorted.unpersist(false);
    }
  }

  /** The same on arrays, for small data and tests. */
  public static double exact(double[] scores, int[] labels) {
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
    long positives = 0;
    long negatives = 0;
    long twiceWins = 0;
    long negBelow = 0;
    int i = 0;
    while (i < order.length) {
      int j = i;
      long pos = 0;
      long neg = 0;
      while (j < order.length && Double.compare(scores[order[j]], scores[order[i]]) == 0) {
        if (labels[order[j]] == 1) {
          pos++;
        } else {
          neg++;
        }
        j++;
      }
      twiceWins += pos * (2 * negBelow + neg);
      negBelow += neg;
      positives += pos;
      negatives += neg;
      i = j;
    }
    return positives == 0 || negatives == 0 ? Double.NaN
        : twiceWins / (2.0 * positives * (double) negatives);
  }

}
