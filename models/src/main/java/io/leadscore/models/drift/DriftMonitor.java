package io.leadscore.models.drift;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;

/**
 * Population stability of current data against a reference (the training rows): per column
 * the PSI {@code sum((a - e) * ln(a / e))} over bins of the non-null values, plus the fill
 * rates. Numeric bins are the reference deciles (duplicates merged); categorical bins are the
 * reference levels with at least {@value #MIN_LEVEL_SHARE} of its rows, every other level
 * (rare or unseen) in one bin. Shares are floored at {@value #EPSILON} so empty bins count.
 * One aggregation pass per dataset whatever the number of columns.
 */
public final class DriftMonitor {

  public static final double MIN_LEVEL_SHARE = 0.01;
  public static final double EPSILON = 1e-4;
  private static final int MAX_LEVELS = 50;

  /** One column's drift. */
  public record ColumnDrift(String feature, String kind, double psi, double referenceFillRate,
      double currentFillRate, boolean flagged) {
    public double fillRateChange() {
      return currentFillRate - referenceFillRate;
    }
  }

  private DriftMonitor() {}

  /**
   * Drift of {@code columns} (numeric, string or boolean; others are skipped) between
   * {@code reference} and {@code current}; a column is flagged when its PSI exceeds
   * {@code threshold}.
   */
  public static List<ColumnDrift> compare(Dataset<Row> reference, Dataset<Row> current,
      List<String> columns, double threshold) {
    Map<String, Column> bins = new LinkedHashMap<>();
    Map<String, Integer> binCount = new LinkedHashMap<>();
    Map<String, String> kinds = new LinkedHashMap<>();
    List<String> numeric = new ArrayList<>();
    for (String c : columns) {
      DataType t = reference.schema().apply(c).dataType();
      if (t instanceof NumericType) {
        numeric.add(c);
      } else if (t instanceof StringType || t instanceof BooleanType) {
        kinds.put(c, "categorical");
      }
    }
    if (!numeric.isEmpty()) {
      double[] probs = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};
      Dataset<Row> asDouble = reference.select(numeric.stream()
          .map(c -> col(c).cast("double").as(c)).toArray(Column[]::new));
      double[][] q = asDouble.stat().approxQuantile(numeric.toArray(String[]::new), probs,
          0.0001);
      for (int i = 0; i < numeric.size(); i++) {
        String c = numeric.get(i);
        double[] cuts = new TreeSet<>(Arrays.stream(q[i]).boxed().toList()).stream()
            .mapToDouble(Double::doubleValue).toArray();
        Column x = col(c).cast("double");
        Column b = null;
        for (int k = 0; k < cuts.length; k++) {
          b = b == null ? when(x.leq(cuts[k]), k) : b.when(x.leq(cuts[k]), k);
        }
        bins.put(c, b == null ? when(x.isNotNull(), 0) : b.when(x.isNotNull(), cuts.length));
        binCount.put(c, cuts.length + 1);
        kinds.put(c, "numeric");
      }
    }
    for (Map.Entry<String, String> e : new ArrayList<>(kinds.entrySet())) {
      if (!e.getValue().equals("categorical")) {
        continue;
      }
      String c = e.getKey();
      Column x = col(c).cast("string");
      long n = reference.where(x.isNotNull()).count();
      List<Row> levels = reference.where(x.isNotNull()).groupBy(x.as("v")).count()
          .orderBy(col("count").desc(), col("v")).limit(MAX_LEVELS).collectAsList();
      Column b = null;
      int k = 0;
      for (Row r : levels) {
        if (n == 0 || (double) r.getLong(1) / n < MIN_LEVEL_SHARE) {
          continue;
        }
        b = b == null ? when(x.equalTo(r.getString(0)), k) : b.when(x.equalTo(r.getString(0)), k);
        k++;
      }
      bins.put(c, b == null ? when(x.isNotNull(), 0) : b.when(x.isNotNull(), k));
      binCount.put(c, k + 1);
    }
    double[][][] shares = new double[2][][];
    double[][] fill = new double[2][];
    List<String> names = new ArrayList<>(bins.keySet());
    Dataset<Row>[] data = new Dataset[] {reference, current};
    for (int d = 0; d < 2; d++) {
      List<Column> aggs = new ArrayList<>();
      aggs.add(functions.count(lit(1)));
      for (String c : names) {
        aggs.add(functions.count(col(c)));
        for (int k = 0; k < binCount.get(c); k++) {
          aggs.add(functions.sum(when(bins.get(c).equalTo(k), 1L).otherwise(0L)));
        }
      }
      Row r = data[d].agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new))
          .head();
      long rows = r.getLong(0);
      shares[d] = new double[names.size()][];
      fill[d] = new double[names.size()];
      int at = 1;
      for (int i = 0; i < names.size(); i++) {
        long filled = r.getLong(at++);
        fill[d][i] = rows == 0 ? 0 : (double) filled / rows;
        int nb = binCount.get(names.get(i));
        long[] counts = new long[nb];
        long total = 0;
        for (int k = 0; k < nb; k++) {
          counts[k] = r.isNullAt(at) ? 0 : r.getLong(at);
          total += counts[k];
          at++;
        }
        shares[d][i] = new double[nb];
        for (int k = 0; k < nb; k++) {
          shares[d][i][k] = total == 0 ? 0 : (double) counts[k] / total;
        }
      }
    }
    List<ColumnDrift> out = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      double psi = psi(shares[0][i], shares[1][i]);
      out.add(new ColumnDrift(names.get(i), kinds.get(names.get(i)), psi, fill[0][i],
          fill[1][i], psi > threshold));
    }
    return out;
  }

  /** PSI of two share vectors over the same bins; shares floored at {@value #EPSILON}. */
  public static double psi(double[] expected, double[] actual) {
    if (expected.length != actual.length) {
      throw new IllegalArgumentException("bins differ: " + expected.length + " vs "
          + actual.length);
    }
    double sum = 0;
    for (int k = 0; k < expected.length; k++) {
      double e = Math.max(expected[k], EPSILON);
      double a = Math.max(actual[k], EPSILON);
      sum += (a - e) * Math.log(a / e);
    }
    return sum;
  }
}
