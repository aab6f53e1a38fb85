package io.leadscore.models.gate;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One validation criterion a challenger must meet, on a metric of {@link
 * io.leadscore.models.eval.BinaryMetrics#toMetricMap()} (e.g. {@code roc_auc >= 0.75}, {@code
 * ece <= 0.05}).
 */
public record Criterion(String metric, Bound bound, double value) {

  /** Direction of the bound. */
  public enum Bound {
    AT_LEAST(">="),
    AT_MOST("<=");

    private final String symbol;

    Bound(String symbol) {
      this.symbol = symbol;
    }

    public String symbol() {
      return symbol;
    }
  }

  private static final Pattern TEXT =
      Pattern.compile("\\s*([A-Za-z0-9_.\\-/]+)\\s*(>=|<=|≥|≤)\\s*([-+0-9.eE]+)\\s*");

  public Criterion {
    if (metric == null || metric.isBlank()) {
      throw new IllegalArgumentException("criterion metric must not be blank, cannot be: "
          + metric);
    }
    if (bound == null) {
      throw new IllegalArgumentException("criterion on '" + metric + "' needs a bound");
    }
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(
          "criterion on '" + metric + "' needs a finite value, cannot be: " + value);
    }
  }

  public static Criterion atLeast(String metric, double value) {
    return new Criterion(metric, Bound.AT_LEAST, value);
  }

  public static Criterion atMost(String metric, double value) {
    return new Criterion(metric, Bound.AT_MOST, value);
  }

  /** Parses {@code "roc_auc >= 0.75"} or {@code "ece <= 0.05"} (as written in config). */
  public static Criterion parse(String text) {
    Matcher m = TEXT.matcher(text == null ? "" : text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "criterion must look like 'roc_auc >= 0.75' or 'ece <= 0.05', cannot be: " + text);
    }
    double value;
    try {
      value = Double.parseDouble(m.group(3));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "criterion must look like 'roc_auc >= 0.75' or 'ece <= 0.05', cannot be: " + text, e);
    }
    Bound bound = m.group(2).equals(">=") || m.group(2).equals("≥") ? Bound.AT_LEAST
        : Bound.AT_MOST;
    return new Criterion(m.group(1), bound, value);
  }

  /** Whether {@code actual} meets the bound. */
  public boolean isMetBy(double actual) {
    return bound == Bound.AT_LEAST ? actual >= value : actual <= value;
  }

  @Override
  public String toString() {
    return metric + " " + bound.symbol() + " " + format(value);
  }

  static String format(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }
}
