package io.leadscore.models.eval;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * The rank-based metrics, exact, in two passes over the distinct scores sorted in descending
 * order (range-partitioned by Spark, so no single partition ever holds every row): pass one
 * counts each partition's rows and positives, pass two walks each partition knowing the counts
 * of all partitions before it. Tied scores are one group, which is what makes the trapezoidal
 * ROC area equal to the Mann–Whitney statistic with average ranks.
 */
final class RankStatistics {

  /** What pass two yields per partition; merged on the driver in partition order. */
  static final class PartitionResult implements Serializable {
    private static final long serialVersionUID = 1L;
    int partition;
    /** 2 × Σ over groups of negatives × (TP before + TP after): twice the ROC area, exact. */
    long twiceRocArea;
    /** Σ over groups of positives × precision at the group's threshold. */
    double precisionSum;
    /** Lift boundaries met in this partition: {k, expected TP at boundary k, score}. */
    List<double[]> boundaries = new ArrayList<>();
    /** Thinned curve points: {threshold, TP, FP}. */
    List<double[]> points = new ArrayList<>();
  }

  final double rocAuc;
  final double averagePrecision;
  final List<LiftGroup> lift;
  final List<CurvePoint> rocCurve;
  final List<CurvePoint> prCurve;
  /** Partitions the sorted scores were spread over (tests check the merge across them). */
  final int partitions;

  private RankStatistics(
      double rocAuc,
      double averagePrecision,
      List<LiftGroup> lift,
      List<CurvePoint> rocCurve,
      List<CurvePoint> prCurve,
      int partitions) {
    this.rocAuc = rocAuc;
    this.averagePrecision = averagePrecision;
    this.lift = lift;
    this.rocCurve = rocCurve;
    this.prCurve = prCurve;
    this.partitions = partitions;
  }

  /**
   * @param groups one row per distinct score: (score double, positives long, rows long), sorted
   *     by score descending
   */
  static RankStatistics compute(
      Dataset<Row> groups, long totalPositives, long totalRows, int liftGroups, int curvePoints) {
    JavaRDD<Row> sorted = groups.toJavaRDD().persist(StorageLevel.MEMORY_AND_DISK());
    try {
      List<long[]> counts =
          new ArrayList<>(
              sorted
                  .mapPartitionsWithIndex(
                      (Integer index, Iterator<Row> it) -> {
                        long positives = 0;
                        long rows = 0;
                        while (it.hasNext()) {
                          Row r = it.next();
                          positives += r.getLong(1);
                          rows += r.getLong(2);
                        }
                        return Collections.singletonList(new long[] {index, positives, rows})
                            .iterator();
                      },
                      true)
                  .collect());
      counts.sort(Comparator.comparingLong(c -> c[0]));
      int partitions = counts.size();
      long[] positivesBefore = new long[partitions];
      long[] rowsBefore = new long[partitions];
      long p = 0;
      long n = 0;
      for (int i = 0; i < partitions; i++) {
        positivesBefore[i] = p;
        rowsBefore[i] = n;
        p += counts.get(i)[1];
        n += counts.get(i)[2];
      }
      if (p != totalPositives || n != totalRows) {
        throw new IllegalStateException(
            "rank pass counted " + p + " positives in " + n + " rows, the first pass "
                + totalPositives + " in " + totalRows + ": was the input non-deterministic?");
      }
      List<PartitionResult> results =
          new ArrayList<>(
              sorted
                  .mapPartitionsWithIndex(
                      (Integer index, Iterator<Row> it) ->
                          Collections.singletonList(
                                  walk(
                                      index,
                                      it,
                                      positivesBefore[index],
                                      rowsBefore[index],
                                      totalRows,
                                      liftGroups,
                                      curvePoints))
                              .iterator(),
                      true)
                  .collect());
      results.sort(Comparator.comparingInt(r -> r.partition));
      return merge(results, totalPositives, totalRows, liftGroups, partitions);
    } finally {
      sorted.unpersist(false);
    }
  }

  /** Boundary k of the lift table: rows ranked 1..boundary(k) are in groups 1..k. */
  static long boundary(int k, long totalRows, int liftGroups) {
    return Math.floorDiv(Math.multiplyExact((long) k, totalRows), liftGroups);
  }

  private static PartitionResult walk(
      int index,
      Iterator<Row> it,
      long positivesBefore,
      long rowsBefore,
      long totalRows,
      int liftGroups,
      int curvePoints) {
    PartitionResult out = new PartitionResult();
    out.partition = index;
    long tp = positivesBefore;
    long seen = rowsBefore;
    int k = 1;
    while (k <= liftGroups && boundary(k, totalRows, liftGroups) <= seen) {
      k++;
    }
    while (it.hasNext()) {
      Row r = it.next();
      double score = r.getDouble(0);
      long pos = r.getLong(1);
      long rows = r.getLong(2);
      long neg = rows - pos;
      long tpAfter = tp + pos;
      long seenAfter = seen + rows;
      out.twiceRocArea =
          Math.addExact(out.twiceRocArea, Math.multiplyExact(neg, tp + tpAfter));
      out.precisionSum += pos * ((double) tpAfter / seenAfter);
      while (k <= liftGroups && boundary(k, totalRows, liftGroups) <= seenAfter) {
        long b = boundary(k, totalRows, liftGroups);
        double tpAtBoundary = tp + pos * ((double) (b - seen) / rows);
        out.boundaries.add(new double[] {k, tpAtBoundary, score});
        k++;
      }
      // Keep the point where the rank crosses a multiple of totalRows / curvePoints.
      if (seenAfter == totalRows
          || Math.floorDiv(seenAfter * curvePoints, totalRows)
              > Math.floorDiv(seen * curvePoints, totalRows)) {
        out.points.add(new double[] {score, tpAfter, seenAfter - tpAfter});
      }
      tp = tpAfter;
      seen = seenAfter;
    }
    return out;
  }

  private static RankStatistics merge(
      List<PartitionResult> results,
      long totalPositives,
      long totalRows,
      int liftGroups,
      int partitions) {
    long totalNegatives = totalRows - totalPositives;
    long twiceArea = 0;
    double precisionSum = 0;
    List<double[]> boundaries = new ArrayList<>();
    List<CurvePoint> roc = new ArrayList<>();
    List<CurvePoint> pr = new ArrayList<>();
    roc.add(new CurvePoint(Double.POSITIVE_INFINITY, 0.0, 0.0));
    pr.add(new CurvePoint(Double.POSITIVE_INFINITY, 0.0, 1.0));
    for (PartitionResult r : results) {
      twiceArea = Math.addExact(twiceArea, r.twiceRocArea);
      precisionSum += r.precisionSum;
      boundaries.addAll(r.boundaries);
      for (double[] pt : r.points) {
        double tp = pt[1];
        double fp = pt[2];
        roc.add(new CurvePoint(pt[0], fp / totalNegatives, tp / totalPositives));
        pr.add(new CurvePoint(pt[0], tp / totalPositives, tp / (tp + fp)));
      }
    }
    if (boundaries.size() != liftGroups) {
      throw new IllegalStateException(
          "expected " + liftGroups + " lift boundaries, found " + boundaries.size());
    }
    double overallRate = (double) totalPositives / totalRows;
    List<LiftGroup> lift = new ArrayList<>();
    double previousTp = 0;
    long previousBoundary = 0;
    for (double[] b : boundaries) {
      int k = (int) b[0];
      long cumulativeRows = boundary(k, totalRows, liftGroups);
      long rows = cumulativeRows - previousBoundary;
      double positives = b[1] - previousTp;
      double rate = positives / rows;
      double cumulativeRate = b[1] / cumulativeRows;
      lift.add(
          new LiftGroup(
              k,
              rows,
              positives,
              rate,
              rate / overallRate,
              cumulativeRows,
              b[1],
              b[1] / totalPositives,
              cumulativeRate / overallRate,
              b[2]));
      previousTp = b[1];
      previousBoundary = cumulativeRows;
    }
    double auc = twiceArea / (2.0 * totalPositives * totalNegatives);
    return new RankStatistics(
        auc, precisionSum / totalPositives, lift, roc, pr, partitions);
  }
}
