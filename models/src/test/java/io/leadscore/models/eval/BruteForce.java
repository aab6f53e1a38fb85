package io.leadscore.models.eval;

import java.util.ArrayList;
import java.util.List;

/** Textbook O(n²) / enumeration versions of the metrics, for small data only. */
final class BruteForce {

  private BruteForce() {}

  /** P(score of a positive > score of a negative) + ½ P(equal), over all pairs. */
  static double rocAuc(double[] y, double[] p) {
    double wins = 0;
    long pairs = 0;
    for (int i = 0; i < y.length; i++) {
      for (int j = 0; j < y.length; j++) {
        if (y[i] == 1 && y[j] == 0) {
          pairs++;
          wins += p[i] > p[j] ? 1 : p[i] == p[j] ? 0.5 : 0;
        }
      }
    }
    return wins / pairs;
  }

  /** Mean over positives of the precision among rows scoring at least as high. */
  static double averagePrecision(double[] y, double[] p) {
    double sum = 0;
    int positives = 0;
    for (int i = 0; i < y.length; i++) {
      if (y[i] != 1) {
        continue;
      }
      positives++;
      int above = 0;
      int positivesAbove = 0;
      for (int j = 0; j < y.length; j++) {
        if (p[j] >= p[i]) {
          above++;
          positivesAbove += y[j] == 1 ? 1 : 0;
        }
      }
      sum += (double) positivesAbove / above;
    }
    return sum / positives;
  }

  static double logLoss(double[] y, double[] p, double eps) {
    double sum = 0;
    for (int i = 0; i < y.length; i++) {
      double q = Math.min(1 - eps, Math.max(eps, p[i]));
      sum -= y[i] == 1 ? Math.log(q) : Math.log(1 - q);
    }
    return sum / y.length;
  }

  static double brier(double[] y, double[] p) {
    double sum = 0;
    for (int i = 0; i < y.length; i++) {
      sum += (p[i] - y[i]) * (p[i] - y[i]);
    }
    return sum / y.length;
  }

  static double ece(double[] y, double[] p, int bins) {
    double ece = 0;
    for (int b = 0; b < bins; b++) {
      int n = 0;
      double sumP = 0;
      double sumY = 0;
      for (int i = 0; i < y.length; i++) {
        int bin = Math.min((int) Math.floor(p[i] * bins), bins - 1);
        if (bin == b) {
          n++;
          sumP += p[i];
          sumY += y[i];
        }
      }
      if (n > 0) {
        ece += (double) n / y.length * Math.abs(sumY / n - sumP / n);
      }
    }
    return ece;
  }

  /** {TP, FP, TN, FN} with p ≥ threshold predicted positive. */
  static long[] confusion(double[] y, double[] p, double threshold) {
    long[] c = new long[4];
    for (int i = 0; i < y.length; i++) {
      boolean predicted = p[i] >= threshold;
      boolean actual = y[i] == 1;
      c[predicted ? (actual ? 0 : 1) : (actual ? 3 : 2)]++;
    }
    return c;
  }

  /**
   * Expected positives among the top floor(k·n/groups) rows for k = 1..groups, when tied
   * scores are ordered at random: rows strictly above the cut count fully, the tie group at the
   * cut contributes its positive share times the rows it places above the cut.
   */
  static double[] expectedTopPositives(double[] y, double[] p, int groups) {
    int n = y.length;
    double[] out = new double[groups];
    for (int k = 1; k <= groups; k++) {
      long cut = (long) k * n / groups;
      // Score of the cut-th row in descending order.
      double[] sorted = p.clone();
      java.util.Arrays.sort(sorted);
      double s = sorted[n - (int) cut];
      int above = 0;
      double positivesAbove = 0;
      int tied = 0;
      double positivesTied = 0;
      for (int i = 0; i < n; i++) {
        if (p[i] > s) {
          above++;
          positivesAbove += y[i];
        } else if (p[i] == s) {
          tied++;
          positivesTied += y[i];
        }
      }
      out[k - 1] = positivesAbove + positivesTied * (cut - above) / tied;
    }
    return out;
  }

  /** Averages, over every permutation of the rows, positives in the top cut of a stable sort. */
  static double[] topPositivesOverAllTieOrders(double[] y, double[] p, int[] cuts) {
    List<int[]> perms = new ArrayList<>();
    permute(new int[y.length], new boolean[y.length], 0, perms);
    double[] sums = new double[cuts.length];
    for (int[] order : perms) {
      Integer[] idx = new Integer[y.length];
      for (int i = 0; i < y.length; i++) {
        idx[i] = order[i];
      }
      java.util.Arrays.sort(idx, (a, b) -> Double.compare(p[b], p[a])); // stable
      for (int c = 0; c < cuts.length; c++) {
        for (int r = 0; r < cuts[c]; r++) {
          sums[c] += y[idx[r]];
        }
      }
    }
    for (int c = 0; c < cuts.length; c++) {
      sums[c] /= perms.size();
    }
    return sums;
  }

  private static void permute(int[] current, boolean[] used, int depth, List<int[]> out) {
    if (depth == current.length) {
      out.add(current.clone());
      return;
    }
    for (int i = 0; i < current.length; i++) {
      if (!used[i]) {
        used[i] = true;
        current[depth] = i;
        permute(current, used, depth + 1, out);
        used[i] = false;
      }
    }
  }
}
