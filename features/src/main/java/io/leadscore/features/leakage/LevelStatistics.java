package io.leadscore.features.leakage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Screening statistics computed from per-level counts (rows and converted rows per level). Pure
 * functions on small aggregated data: the detector aggregates in Spark and computes these on the
 * driver.
 */
public final class LevelStatistics {
  private LevelStatistics() {}

  /** Name of the level that pools all levels below the support threshold. */
  public static final String POOLED = "__rare__";
  /** Name of the level of null/blank values. */
  public static final String MISSING = "__missing__";

  /**
   * One level: its label, rows and converted rows.
   *
   * @param value the level, or {@link #MISSING} / {@link #POOLED}
   */
  public record Level(String value, long rows, long positives) {
    public long negatives() {
      return rows - positives;
    }

    public double rate() {
      return rows == 0 ? 0 : positives / (double) rows;
    }
  }

  /** Levels with fewer than {@code minSupport} rows (except the missing level) pooled into one. */
  public static List<Level> pool(List<Level> levels, int minSupport) {
    List<Level> out = new ArrayList<>();
    long rows = 0;
    long pos = 0;
    boolean any = false;
    for (Level l : levels) {
      if (l.rows() < minSupport && !MISSING.equals(l.value())) {
        rows += l.rows();
        pos += l.positives();
        any = true;
      } else {
        out.add(l);
      }
    }
    if (any) {
      out.add(new Level(POOLED, rows, pos));
    }
    return out;
  }

  /**
   * AUC of scoring each row by its level's conversion rate (rows of levels with equal rates tie
   * and count one half): the in-sample single-feature AUC. NaN when a class is absent.
   */
  public static double aucByRate(List<Level> levels) {
    List<Level> sorted = new ArrayList<>(levels);
    // exact rational comparison of rates: p1/n1 vs p2/n2
    Comparator<Level> byRate = (a, b) -> Long.compare(a.positives() * b.rows(),
        b.positives() * a.rows());
    sorted.sort(byRate);
    List<long[]> groups = new ArrayList<>();
    Level previous = null;
    for (Level l : sorted) {
      if (l.rows() == 0) {
        continue;
      }
      if (previous != null && byRate.compare(previous, l) == 0) {
        long[] g = groups.get(groups.size() - 1);
        g[0] += l.positives();
        g[1] += l.negatives();
      } else {
        groups.add(new long[] {l.positives(), l.negatives()});
      }
      previous = l;
    }
    return aucOfOrderedGroups(groups);
  }

  /**
   * Mann–Whitney AUC from groups in increasing score order, each {positives, negatives} of one
   * score value (ties inside a group count one half). NaN when a class is absent.
   */
  public static double aucOfOrderedGroups(List<long[]> groups) {
    double u = 0;
    long negBefore = 0;
    long p = 0;
    long n = 0;
    for (long[] g : groups) {
      u += g[0] * (negBefore + 0.5 * g[1]);
      negBefore += g[1];
      p += g[0];
      n += g[1];
    }
    if (p == 0 || n == 0) {
      return Double.NaN;
    }
    return u / ((double) p * (double) n);
  }

  /** Cramér's V of levels × {converted, not}: sqrt(χ² / n) for a binary outcome; 0 for one level. */
  public static double cramersV(List<Level> levels) {
    long n = 0;
    long p = 0;
    int k = 0;
    for (Level l : levels) {
      if (l.rows() > 0) {
        n += l.rows();
        p += l.positives();
        k++;
      }
    }
    if (k < 2 || p == 0 || p == n) {
      return 0;
    }
    double share = p / (double) n;
    double chi2 = 0;
    for (Level l : levels) {
      if (l.rows() == 0) {
        continue;
      }
      double expectedPos = l.rows() * share;
      double expectedNeg = l.rows() * (1 - share);
      chi2 += sq(l.positives() - expectedPos) / expectedPos
          + sq(l.negatives() - expectedNeg) / expectedNeg;
    }
    return Math.sqrt(chi2 / n);
  }

  /** Share of all rows in levels of at least {@code minSupport} rows with rate ≤ low or ≥ high. */
  public static double purity(List<Level> levels, int minSupport, double low, double high) {
    long total = 0;
    long pure = 0;
    for (Level l : levels) {
      total += l.rows();
      if (l.rows() >= minSupport && (l.rate() <= low || l.rate() >= high)) {
        pure += l.rows();
      }
    }
    return total == 0 ? 0 : pure / (double) total;
  }

  /**
   * Population stability index of {@code actual} against {@code expected} counts over the same
   * categories: Σ (a − e) · ln(a / e) over shares, each share floored at 1e-4 so that an empty
   * category costs a bounded amount.
   */
  public static double psi(Map<String, Long> expected, Map<String, Long> actual) {
    Map<String, long[]> both = new LinkedHashMap<>();
    expected.forEach((k, v) -> both.computeIfAbsent(k, x -> new long[2])[0] += v);
    actual.forEach((k, v) -> both.computeIfAbsent(k, x -> new long[2])[1] += v);
    double e = 0;
    double a = 0;
    for (long[] c : both.values()) {
      e += c[0];
      a += c[1];
    }
    if (e == 0 || a == 0) {
      return Double.NaN;
    }
    double psi = 0;
    for (long[] c : both.values()) {
      double pe = Math.max(c[0] / e, 1e-4);
      double pa = Math.max(c[1] / a, 1e-4);
      psi += (pa - pe) * Math.log(pa / pe);
    }
    return psi;
  }

  private static double sq(double x) {
    return x * x;
  }
}
