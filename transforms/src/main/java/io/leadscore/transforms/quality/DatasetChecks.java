package io.leadscore.transforms.quality;

import com.amazon.deequ.analyzers.Analyzer;
import com.amazon.deequ.analyzers.Completeness;
import com.amazon.deequ.analyzers.Distinctness;
import com.amazon.deequ.analyzers.Size;
import com.amazon.deequ.analyzers.Uniqueness;
import com.amazon.deequ.analyzers.runners.AnalysisRunBuilder;
import com.amazon.deequ.analyzers.runners.AnalysisRunner;
import com.amazon.deequ.analyzers.runners.AnalyzerContext;
import com.amazon.deequ.metrics.Metric;
import io.leadscore.transforms.contract.CheckSpec;
import io.leadscore.transforms.contract.DatasetContract;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.Option;
import scala.collection.JavaConverters;
import scala.util.Try;

/**
 * Runs a dataset's checks on the rows that passed the row rules: Deequ computes the metrics
 * (Size, Completeness of every declared column, and the Uniqueness/Distinctness the checks
 * name, in as few passes as Deequ manages); the thresholds, the quarantine rate and the
 * row-count change against earlier runs are evaluated here.
 */
public final class DatasetChecks {
  private DatasetChecks() {}

  /** Deequ's metrics by readable name ("Completeness(email)") and the checks' outcomes. */
  public record Outcome(Map<String, Double> metrics, List<CheckResult> results) {
    public boolean blocked() {
      return results.stream().anyMatch(r -> r.blocking() && !r.passed());
    }

    public boolean warned() {
      return results.stream().anyMatch(r -> !r.blocking() && !r.passed());
    }
  }

  /**
   * @param accepted rows that passed the row rules, typed, before deduplication
   * @param columns the columns to measure completeness of (the typed declared columns)
   * @param rowsRead bronze rows of the run; {@code quarantined} of them went to quarantine
   * @param earlierRowsRead rows read by earlier successful runs of the dataset, newest first
   */
  public static Outcome run(Dataset<Row> accepted, DatasetContract d, List<String> columns,
      long rowsRead, long quarantined, List<Long> earlierRowsRead) {
    Map<String, Analyzer<?, Metric<?>>> analyzers = new LinkedHashMap<>();
    analyzers.put("Size", analyzer(new Size(Option.empty())));
    for (String c : columns) {
      analyzers.put("Completeness(" + c + ")",
          analyzer(new Completeness(c, Option.empty(), Option.empty())));
    }
    for (CheckSpec check : d.checks()) {
      String key = metricKey(check);
      switch (check.check()) {
        case UNIQUENESS -> analyzers.putIfAbsent(key, analyzer(
            new Uniqueness(seq(check.columns()), Option.empty(), Option.empty())));
        case DISTINCTNESS -> analyzers.putIfAbsent(key, analyzer(
            new Distinctness(seq(check.columns()), Option.empty())));
        default -> { }
      }
    }
    AnalysisRunBuilder builder = AnalysisRunner.onData(accepted);
    analyzers.values().forEach(builder::addAnalyzer);
    AnalyzerContext context = builder.run();
    Map<String, Double> metrics = new LinkedHashMap<>();
    analyzers.forEach((name, a) -> metrics.put(name, value(context, a)));

    List<CheckResult> results = new ArrayList<>();
    for (CheckSpec check : d.checks()) {
      results.add(evaluate(check, metrics, rowsRead, quarantined, earlierRowsRead));
    }
    return new Outcome(metrics, results);
  }

  static String metricKey(CheckSpec check) {
    return switch (check.check()) {
      case COMPLETENESS -> "Completeness(" + check.columns().get(0) + ")";
      case UNIQUENESS -> "Uniqueness(" + String.join(",", check.columns()) + ")";
      case DISTINCTNESS -> "Distinctness(" + String.join(",", check.columns()) + ")";
      case ROW_COUNT -> "Size";
      default -> null;
    };
  }

  private static CheckResult evaluate(CheckSpec check, Map<String, Double> metrics,
      long rowsRead, long quarantined, List<Long> earlier) {
    String kind = check.check().name().toLowerCase(Locale.ROOT);
    String level = check.level().spelling();
    switch (check.check()) {
      case ROW_COUNT_CHANGE -> {
        List<Long> history = earlier.subList(0, Math.min(check.history(), earlier.size()));
        if (history.isEmpty()) {
          return new CheckResult(check.name(), kind, level, null, null, null, true,
              "no earlier runs to compare with");
        }
        double mean = history.stream().mapToLong(Long::longValue).average().orElse(0);
        double change = mean == 0 ? (rowsRead == 0 ? 0 : Double.POSITIVE_INFINITY)
            : rowsRead / mean - 1;
        Double min = check.maxDecrease() == null ? null : -check.maxDecrease();
        Double max = check.maxIncrease();
        boolean ok = (min == null || change >= min) && (max == null || change <= max);
        return new CheckResult(check.name(), kind, level, change, min, max, ok, String.format(
            "%d rows against a mean of %.1f over the last %d run(s): %+.1f %%", rowsRead, mean,
            history.size(), change * 100));
      }
      case QUARANTINE_RATE -> {
        double rate = rowsRead == 0 ? 0 : (double) quarantined / rowsRead;
        return bounded(check, kind, level, rate, String.format("%d of %d rows quarantined",
            quarantined, rowsRead));
      }
      default -> {
        Double value = metrics.get(metricKey(check));
        if (value == null || value.isNaN()) {
          boolean rowCount = check.check() == CheckSpec.Kind.ROW_COUNT;
          return new CheckResult(check.name(), kind, level, null, check.min(), check.max(),
              !rowCount, "no rows to measure");
        }
        return bounded(check, kind, level, value, metricKey(check) + " = " + format(value));
      }
    }
  }

  private static CheckResult bounded(CheckSpec check, String kind, String level, double value,
      String what) {
    boolean ok = (check.min() == null || value >= check.min())
        && (check.max() == null || value <= check.max());
    String bounds = String.format("[%s, %s]", check.min() == null ? "-∞" : format(check.min()),
        check.max() == null ? "∞" : format(check.max()));
    return new CheckResult(check.name(), kind, level, value, check.min(), check.max(), ok,
        what + (ok ? " within " : " outside ") + bounds);
  }

  private static String format(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v)
        : String.format(Locale.ROOT, "%.4f", v);
  }

  @SuppressWarnings("unchecked")
  private static Analyzer<?, Metric<?>> analyzer(Object a) {
    return (Analyzer<?, Metric<?>>) a;
  }

  private static scala.collection.Seq<String> seq(List<String> values) {
    return JavaConverters.asScalaBuffer(new ArrayList<>(values)).toSeq();
  }

  private static Double value(AnalyzerContext context, Analyzer<?, Metric<?>> a) {
    Option<Metric<?>> metric = context.metric(a);
    if (metric.isEmpty()) {
      return Double.NaN;
    }
    Try<?> v = metric.get().value();
    if (v.isFailure() || !(v.get() instanceof Number n)) {
      return Double.NaN;
    }
    return n.doubleValue();
  }
}
