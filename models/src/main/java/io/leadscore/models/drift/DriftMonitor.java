package io.leadscore.models.drift;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * One aggregation pass per dataset whatever the number of columns; the reference side can be
 * kept as a {@link ReferenceProfile} (logged with a model) instead of the reference data.
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
    return compare(profile(reference, columns), current, threshold);
  }

  /**
   * Drift of {@code current} against columns profiled earlier ({@link #profile}): one
   * aggregation pass over {@code current}. Profiled columns {@code current} lacks are left out.
   */
  public static List<ColumnDrift> compare(List<ReferenceProfile.Column> reference,
      Dataset<Row> current, double threshold) {
    Set<String> present = Set.of(current.columns());
    List<ReferenceProfile.Column> columns = reference.stream()
        .filter(c -> present.contains(c.feature())).toList();
    Measured now = measure(current, columns);
    List<ColumnDrift> out = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      ReferenceProfile.Column c = columns.get(i);
      double psi = psi(c.shares(), now.shares()[i]);
      out.add(new ColumnDrift(c.feature(), c.kind(), psi, c.fillRate(), now.fillRates()[i],
          psi > threshold));
    }
    return out;
  }

  /**
   * The reference side of {@link #compare}, to keep instead of the data: per column its bins
   * (numeric: the deciles, duplicates merged; categorical: the levels with at least {@value
   * #MIN_LEVEL_SHARE} of the non-null rows, at most {@value #MAX_LEVELS}), the share of the
   * non-null rows in each bin, and the fill rate. Columns of other types are skipped.
   */
  public static List<ReferenceProfile.Column> profile(Dataset<Row> reference,
      List<String> columns) {
    Map<String, ReferenceProfile.Column> bins = new LinkedHashMap<>();
    List<String> numeric = new ArrayList<>();
    for (String c : columns) {
      DataType t = reference.schema().apply(c).dataType();
      if (t instanceof NumericType) {
        numeric.add(c);
        bins.put(c, null);
      } else if (t instanceof StringType || t instanceof BooleanType) {
        bins.put(c, null);
      }
    }
    if (!numeric.isEmpty()) {
      double[] probs = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};
      Dataset<Row> asDouble = reference.select(numeric.stream()
          .map(c -> col(c).cast("double").as(c)).toArray(Column[]::new));
      double[][] q = asDouble.stat().approxQuantile(numeric.toArray(String[]::new), probs,
          0.0001);
      for (int i = 0; i < numeric.size(); i++) {
        double[] cuts = new TreeSet<>(Arrays.stream(q[i]).boxed().toList()).stream()
            .mapToDouble(Double::doubleValue).toArray();
        bins.put(numeric.get(i), ReferenceProfile.Column.numeric(numeric.get(i), cuts));
      }
    }
    for (Map.Entry<String, ReferenceProfile.Column> e : bins.entrySet()) {
      if (e.getValue() != null) {
        continue;
      }
      String c = e.getKey();
      Column x = col(c).cast("string");
      long n = reference.where(x.isNotNull()).count();
      List<Row> counted = reference.where(x.isNotNull()).groupBy(x.as("v")).count()
          .orderBy(col("count").desc(), col("v")).limit(MAX_LEVELS).collectAsList();
      List<String> levels = new ArrayList<>();
      for (Row r : counted) {
        if (n > 0 && (double) r.getLong(1) / n >= MIN_LEVEL_SHARE) {
          levels.add(r.getString(0));
        }
      }
      e.setValue(ReferenceProfile.Column.categorical(c, levels));
    }
    List<ReferenceProfile.Column> binned = new ArrayList<>(bins.values());
    Measured measured = measure(reference, binned);
    List<ReferenceProfile.Column> out = new ArrayList<>();
    for (int i = 0; i < binned.size(); i++) {
      out.add(binned.get(i).withShares(measured.shares()[i], measured.fillRates()[i]));
    }
    return out;
  }

  /** Per column, the share of the non-null rows in each bin, and the fill rate. */
  private record Measured(double[][] shares, double[] fillRates) {}

  /** One aggregation pass: fill counts and bin counts of every column. */
  private static Measured measure(Dataset<Row> data, List<ReferenceProfile.Column> columns) {
    List<Column> aggs = new ArrayList<>();
    aggs.add(functions.count(lit(1)));
    for (ReferenceProfile.Column c : columns) {
      aggs.add(functions.count(col(c.feature())));
      Column bin = binOf(c);
      for (int k = 0; k < c.binCount(); k++) {
        aggs.add(functions.sum(when(bin.equalTo(k), 1L).otherwise(0L)));
      }
    }
    Row r = data.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).head();
    long rows = r.getLong(0);
    double[][] shares = new double[columns.size()][];
    double[] fill = new double[columns.size()];
    int at = 1;
    for (int i = 0; i < columns.size(); i++) {
      long filled = r.getLong(at++);
      fill[i] = rows == 0 ? 0 : (double) filled / rows;
      int nb = columns.get(i).binCount();
      long[] counts = new long[nb];
      long total = 0;
      for (int k = 0; k < nb; k++) {
        counts[k] = r.isNullAt(at) ? 0 : r.getLong(at);
        total += counts[k];
        at++;
      }
      shares[i] = new double[nb];
      for (int k = 0; k < nb; k++) {
        shares[i][k] = total == 0 ? 0 : (double) counts[k] / total;
      }
    }
    return new Measured(shares, fill);
  }

  /** The bin number of a column's non-null values (null for nulls). */
  private static Column binOf(ReferenceProfile.Column c) {
    Column b = null;
    if ("numeric".equals(c.kind())) {
      Column x = col(c.feature()).cast("double");
      double[] cuts = c.cuts();
      for (int k = 0; k < cuts.length; k++) {
        b = b == null ? when(x.leq(cuts[k]), k) : b.when(x.leq(cuts[k]), k);
      }
      return b == null ? when(x.isNotNull(), 0) : b.when(x.isNotNull(), cuts.length);
    }
    Column x = col(c.feature()).cast("string");
    List<String> levels = c.levels();
    for (int k = 0; k < levels.size(); k++) {
      b = b == null ? when(x.equalTo(levels.get(k)), k) : b.when(x.equalTo(levels.get(k)), k);
    }
    return b == null ? when(x.isNotNull(), 0) : b.when(x.isNotNull(), levels.size());
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
