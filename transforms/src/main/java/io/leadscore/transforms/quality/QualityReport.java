package io.leadscore.transforms.quality;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.leadscore.transforms.bronze.BronzeColumns;
import io.leadscore.transforms.silver.SilverColumns;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The quality report of a validate run, as JSON (for tools) and HTML (for people): counts and
 * reconciliation, dataset checks, rule failures, Deequ metrics, extra columns seen, and sample
 * rejects taken from quarantine (so PII is already hashed or masked there). Every value is
 * HTML-escaped: a formula or a script in the data stays inert text.
 */
public final class QualityReport {
  public static final int SAMPLE_REJECTS = 20;

  private QualityReport() {}

  /** A quarantined row as the report shows it. */
  public record SampleReject(String sourceFile, long recordNumber, List<String> violations,
      Map<String, String> raw, String rawText) {}

  /** Up to {@code n} rejects from quarantine-shaped rows (PII already hashed or masked). */
  public static List<SampleReject> samples(Dataset<Row> quarantineRows, int n) {
    List<SampleReject> out = new ArrayList<>();
    for (Row r : quarantineRows.orderBy(BronzeColumns.SOURCE_FILE, BronzeColumns.RECORD_NUMBER)
        .limit(n).collectAsList()) {
      List<String> violations = new ArrayList<>();
      for (Row v : r.<Row>getList(r.fieldIndex(SilverColumns.Q_VIOLATIONS))) {
        violations.add(String.format("%s %s%s: %s", v.getString(2), v.getString(0),
            v.isNullAt(1) ? "" : " (" + v.getString(1) + ")", v.getString(3)));
      }
      Map<String, String> raw = new LinkedHashMap<>();
      Map<String, String> m = r.getJavaMap(r.fieldIndex(SilverColumns.Q_RAW));
      m.forEach((k, v) -> {
        if (v != null) {
          raw.put(k, v.length() > 200 ? v.substring(0, 200) + "…" : v);
        }
      });
      String text = r.getAs(SilverColumns.Q_RAW_TEXT);
      out.add(new SampleReject(r.getAs(BronzeColumns.SOURCE_FILE),
          r.<Long>getAs(BronzeColumns.RECORD_NUMBER), violations, raw,
          text == null ? null : text.length() > 500 ? text.substring(0, 500) + "…" : text));
    }
    return out;
  }

  public static String json(QualityRun run, List<SampleReject> samples,
      List<String> extraColumns) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("run_id", run.runId());
    doc.put("source", run.source());
    doc.put("dataset", run.dataset());
    doc.put("status", run.status());
    doc.put("started_at", run.startedAt().toString());
    doc.put("finished_at", run.finishedAt().toString());
    doc.put("contract_hash", run.contractHash());
    doc.put("message", run.message());
    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("rows_read", run.rowsRead());
    counts.put("inserted", run.inserted());
    counts.put("updated", run.updated());
    counts.put("quarantined", run.quarantined());
    counts.put("superseded", run.superseded());
    counts.put("superseded_in_run", run.supersededInRun());
    counts.put("superseded_stale", run.supersededStale());
    counts.put("reconciled", run.reconciled());
    counts.put("reconciliation", run.reconciliation());
    doc.put("counts", counts);
    doc.put("batches", run.batches());
    doc.put("checks", run.checks());
    doc.put("rules", run.rules().stream().map(r -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("rule", r.rule());
      m.put("column", r.column());
      m.put("severity", r.severity());
      m.put("evaluated", r.evaluated());
      m.put("failed", r.failed());
      m.put("passed", r.passed());
      return m;
    }).toList());
    Map<String, Object> metrics = new LinkedHashMap<>();
    run.deequMetrics().forEach((k, v) -> metrics.put(k, v == null || v.isNaN() ? null : v));
    doc.put("deequ_metrics", metrics);
    doc.put("extra_columns", extraColumns);
    doc.put("sample_rejects", samples);
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(doc);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String html(QualityRun run, List<SampleReject> samples,
      List<String> extraColumns) {
    StringBuilder h = new StringBuilder();
    String title = String.format("Quality report: %s / %s", run.source(), run.dataset());
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>").append(esc(title)).append("</title><style>")
        .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}")
        .append("table{border-collapse:collapse;margin:1em 0}")
        .append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}")
        .append("th{background:#f0f0f0}.fail{color:#b00020;font-weight:bold}.ok{color:#1b5e20}")
        .append(".warn{color:#8a6d00}code,pre{white-space:pre-wrap;word-break:break-all}")
        .append("</style></head><body>\n");
    h.append("<h1>").append(esc(title)).append("</h1>\n");
    String cls = QualityRun.BLOCKED.equals(run.status()) ? "fail"
        : QualityRun.WARNED.equals(run.status()) ? "warn" : "ok";
    h.append("<p>Status: <span class=\"").append(cls).append("\">")
        .append(esc(run.status().toUpperCase(Locale.ROOT))).append("</span>");
    if (run.message() != null) {
      h.append(" — ").append(esc(run.message()));
    }
    h.append("</p>\n<p>Run <code>").append(esc(run.runId())).append("</code>, ")
        .append(esc(run.startedAt().toString())).append(" → ")
        .append(esc(run.finishedAt().toString())).append(", ").append(run.batches().size())
        .append(" bronze batch(es), contract <code>")
        .append(esc(String.valueOf(run.contractHash()).substring(0,
            Math.min(12, String.valueOf(run.contractHash()).length()))))
        .append("</code></p>\n");

    h.append("<h2>Counts</h2>\n<table><tr><th>rows read</th><th>inserted</th><th>updated</th>")
        .append("<th>quarantined</th><th>superseded</th></tr><tr>");
    for (long v : new long[] {run.rowsRead(), run.inserted(), run.updated(), run.quarantined(),
        run.superseded()}) {
      h.append("<td>").append(v).append("</td>");
    }
    h.append("</tr></table>\n<p class=\"").append(run.reconciled() ? "ok" : "fail")
        .append("\">").append(esc(run.reconciliation())).append("</p>\n");

    h.append("<h2>Dataset checks</h2>\n");
    if (run.checks().isEmpty()) {
      h.append("<p>The contract declares none.</p>\n");
    } else {
      h.append("<table><tr><th>check</th><th>kind</th><th>level</th><th>result</th>")
          .append("<th>detail</th></tr>\n");
      for (CheckResult c : run.checks()) {
        h.append("<tr><td>").append(esc(c.name())).append("</td><td>").append(esc(c.check()))
            .append("</td><td>").append(esc(c.level())).append("</td><td class=\"")
            .append(c.passed() ? "ok\">pass" : c.blocking() ? "fail\">FAIL" : "warn\">fail")
            .append("</td><td>").append(esc(c.message())).append("</td></tr>\n");
      }
      h.append("</table>\n");
    }

    h.append("<h2>Row rules</h2>\n");
    List<QualityRun.RuleCount> failing = run.rules().stream().filter(r -> r.failed() > 0)
        .sorted(Comparator.comparingLong(QualityRun.RuleCount::failed).reversed()).toList();
    h.append("<p>").append(run.rules().size()).append(" rule checks, ").append(failing.size())
        .append(" with failures.</p>\n");
    if (!failing.isEmpty()) {
      h.append("<table><tr><th>rule</th><th>column</th><th>severity</th><th>failed</th>")
          .append("<th>checked</th><th>failed %</th></tr>\n");
      for (QualityRun.RuleCount r : failing) {
        h.append("<tr><td>").append(esc(r.rule())).append("</td><td>")
            .append(esc(r.column() == null ? "" : r.column())).append("</td><td class=\"")
            .append("error".equals(r.severity()) ? "fail" : "warn").append("\">")
            .append(esc(r.severity())).append("</td><td>").append(r.failed())
            .append("</td><td>").append(r.evaluated()).append("</td><td>")
            .append(String.format(Locale.ROOT, "%.2f", r.evaluated() == 0 ? 0
                : 100.0 * r.failed() / r.evaluated())).append("</td></tr>\n");
      }
      h.append("</table>\n");
    }

    if (!extraColumns.isEmpty()) {
      h.append("<h2>Extra columns</h2>\n<p>Columns of the files the contract does not declare")
          .append(" (kept in bronze <code>_rescued</code>): ")
          .append(esc(String.join(", ", extraColumns))).append("</p>\n");
    }

    h.append("<h2>Sample rejects</h2>\n");
    if (samples.isEmpty()) {
      h.append("<p>None.</p>\n");
    } else {
      h.append("<p>Up to ").append(SAMPLE_REJECTS).append(" quarantined rows; personal data is")
          .append(" hashed or masked.</p>\n<table><tr><th>file</th><th>record</th>")
          .append("<th>rules broken</th><th>raw record</th></tr>\n");
      for (SampleReject s : samples) {
        h.append("<tr><td>").append(esc(shortPath(s.sourceFile()))).append("</td><td>")
            .append(s.recordNumber()).append("</td><td>");
        s.violations().forEach(v -> h.append(esc(v)).append("<br>"));
        h.append("</td><td><code>");
        if (s.rawText() != null) {
          h.append(esc(s.rawText()));
        } else {
          s.raw().forEach((k, v) -> h.append(esc(k)).append(" = ").append(esc(v))
              .append("<br>"));
        }
        h.append("</code></td></tr>\n");
      }
      h.append("</table>\n");
    }

    h.append("<h2>Deequ metrics</h2>\n<table><tr><th>metric</th><th>value</th></tr>\n");
    run.deequMetrics().forEach((k, v) -> h.append("<tr><td>").append(esc(k)).append("</td><td>")
        .append(v == null || v.isNaN() ? "n/a" : String.format(Locale.ROOT, "%.4f", v))
        .append("</td></tr>\n"));
    h.append("</table>\n</body></html>\n");
    return h.toString();
  }

  /** Writes text to any Hadoop path (local or s3a://), replacing it. */
  public static void write(Configuration hadoop, String path, String text) {
    Path p = new Path(path);
    try {
      FileSystem fs = p.getFileSystem(hadoop);
      try (OutputStream out = fs.create(p, true)) {
        out.write(text.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write report " + path + ": " + e.getMessage(), e);
    }
  }

  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static String shortPath(String path) {
    int slash = path.lastIndexOf('/');
    int prev = slash > 0 ? path.lastIndexOf('/', slash - 1) : -1;
    return prev >= 0 ? "…" + path.substring(prev) : path;
  }
}
