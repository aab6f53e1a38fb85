package io.leadscore.features.leakage;

import io.leadscore.features.FeatureSpec;
import io.leadscore.features.leakage.FeatureScreen.Decision;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The detector's result: one {@link FeatureScreen} per candidate feature (in spec order), the
 * decision, and renderings as a Spark table, Markdown and HTML.
 */
public final class LeakageReport {
  private final List<FeatureScreen> screens;
  private final LeakageConfig config;
  private final long rows;
  private final long positives;
  private final Long scoringRows;

  LeakageReport(List<FeatureScreen> screens, LeakageConfig config, long rows, long positives,
      Long scoringRows) {
    this.screens = List.copyOf(screens);
    this.config = config;
    this.rows = rows;
    this.positives = positives;
    this.scoringRows = scoringRows;
  }

  public List<FeatureScreen> screens() {
    return screens;
  }

  public Optional<FeatureScreen> screen(String feature) {
    return screens.stream().filter(s -> s.feature().equals(feature)).findFirst();
  }

  public LeakageConfig config() {
    return config;
  }

  /** Labelled training rows screened. */
  public long rows() {
    return rows;
  }

  public long positives() {
    return positives;
  }

  /** Scoring rows compared with, or null when no scoring rows were given. */
  public Long scoringRows() {
    return scoringRows;
  }

  public List<String> excludedFeatures() {
    return screens.stream().filter(FeatureScreen::excluded).map(FeatureScreen::feature).toList();
  }

  public List<String> keptFeatures() {
    return screens.stream().filter(s -> !s.excluded()).map(FeatureScreen::feature).toList();
  }

  /** Features flagged for a leakage reason, allow-listed or not. */
  public List<String> flaggedAsLeak() {
    return screens.stream().filter(FeatureScreen::flaggedAsLeak).map(FeatureScreen::feature)
        .toList();
  }

  /** The spec without the excluded features: what the model may be trained on. */
  public FeatureSpec applyTo(FeatureSpec spec) {
    return spec.without(excludedFeatures());
  }

  /** The screening table: one row per feature, {@link FeatureScreen#schema()}. */
  public Dataset<Row> toDataset(SparkSession spark) {
    return spark.createDataFrame(screens.stream().map(FeatureScreen::toRow).toList(),
        FeatureScreen.schema());
  }

  /** Excluded first, then allow-listed, then kept; by AUC within each. */
  private List<FeatureScreen> ordered() {
    List<FeatureScreen> out = new ArrayList<>(screens);
    out.sort(Comparator.comparing((FeatureScreen s) -> switch (s.decision()) {
      case EXCLUDE -> 0;
      case KEEP_ALLOW_LISTED -> 1;
      case KEEP -> 2;
    }).thenComparing(s -> s.auc() == null ? 0 : -s.auc()));
    return out;
  }

  public String toMarkdown() {
    StringBuilder md = new StringBuilder();
    md.append("# Feature leakage screening\n\n");
    md.append(summary()).append("\n\n");
    md.append("Rules: ").append(rulesText()).append("\n\n");
    md.append("| feature | kind | fill | AUC | AUC where filled | Cramér's V | r | purity | ")
        .append("PSI | Δ fill | flags | decision |\n");
    md.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (FeatureScreen s : ordered()) {
      md.append("| ").append(mdEscape(s.feature())).append(" | ").append(s.kind())
          .append(" | ").append(pct(s.fillRate())).append(" | ").append(num(s.auc()))
          .append(" | ").append(num(s.answeredAuc())).append(" | ").append(num(s.cramersV()))
          .append(" | ").append(num(s.pointBiserial())).append(" | ").append(pct(s.purity()))
          .append(" | ").append(num(s.psi())).append(" | ").append(signedPct(s.fillRateShift()))
          .append(" | ").append(s.flags().stream().map(Enum::name)
              .collect(Collectors.joining(", ")))
          .append(" | **").append(s.decision().label()).append("** |\n");
    }
    List<FeatureScreen> flagged = ordered().stream().filter(FeatureScreen::flagged).toList();
    if (!flagged.isEmpty()) {
      md.append("\n## Flagged features\n");
      for (FeatureScreen s : flagged) {
        md.append("\n### ").append(mdEscape(s.feature())).append(" — ")
            .append(s.decision().label()).append("\n\n");
        for (int i = 0; i < s.flags().size(); i++) {
          md.append("- ").append(s.flags().get(i).name()).append(": ")
              .append(mdEscape(s.flagDetails().get(i))).append(" (")
              .append(s.flags().get(i).meaning()).append(")\n");
        }
        if (s.allowListReason() != null) {
          md.append("- allow-listed: ").append(mdEscape(s.allowListReason())).append("\n");
        }
        s.notes().forEach(n -> md.append("- note: ").append(mdEscape(n)).append("\n"));
        if (!s.topLevels().isEmpty()) {
          md.append("- levels furthest from the base rate: ")
              .append(mdEscape(s.topLevelsText())).append("\n");
        }
      }
    }
    List<FeatureScreen> watched = ordered().stream()
        .filter(s -> !s.flagged() && !s.notes().isEmpty()).toList();
    if (!watched.isEmpty()) {
      md.append("\n## Kept, to watch\n\n");
      for (FeatureScreen s : watched) {
        md.append("- ").append(mdEscape(s.feature())).append(": ")
            .append(mdEscape(String.join("; ", s.notes()))).append("\n");
      }
    }
    return md.toString();
  }

  public String toHtml() {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>Feature leakage screening</title><style>")
        .append("body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}")
        .append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}")
        .append("td:first-child,th:first-child,td.t{text-align:left}")
        .append("tr.exclude{background:#fde8e8}tr.keep_allow_listed{background:#fff6dd}")
        .append("</style></head><body>\n<h1>Feature leakage screening</h1>\n<p>")
        .append(esc(summary())).append("</p>\n<p>Rules: ").append(esc(rulesText()))
        .append("</p>\n<table>\n<tr><th>feature</th><th>kind</th><th>fill</th><th>AUC</th>")
        .append("<th>AUC where filled</th><th>Cramér's V</th><th>r</th><th>purity</th>")
        .append("<th>PSI</th><th>Δ fill</th><th>flags</th><th>decision</th><th>why</th>")
        .append("<th>levels furthest from the base rate</th></tr>\n");
    for (FeatureScreen s : ordered()) {
      List<String> why = new ArrayList<>(s.flagDetails());
      if (s.allowListReason() != null) {
        why.add("allow-listed: " + s.allowListReason());
      }
      why.addAll(s.notes());
      h.append("<tr class=\"").append(s.decision().label()).append("\"><td>")
          .append(esc(s.feature())).append("</td><td class=\"t\">").append(s.kind())
          .append("</td><td>").append(pct(s.fillRate())).append("</td><td>").append(num(s.auc()))
          .append("</td><td>").append(num(s.answeredAuc())).append("</td><td>")
          .append(num(s.cramersV())).append("</td><td>").append(num(s.pointBiserial()))
          .append("</td><td>").append(pct(s.purity())).append("</td><td>").append(num(s.psi()))
          .append("</td><td>").append(signedPct(s.fillRateShift())).append("</td><td class=\"t\">")
          .append(esc(s.flags().stream().map(Enum::name).collect(Collectors.joining(", "))))
          .append("</td><td class=\"t\"><b>").append(s.decision().label())
          .append("</b></td><td class=\"t\">").append(esc(String.join("; ", why)))
          .append("</td><td class=\"t\">").append(esc(s.topLevelsText())).append("</td></tr>\n");
    }
    h.append("</table>\n</body></html>\n");
    return h.toString();
  }

  private String summary() {
    long excluded = screens.stream().filter(FeatureScreen::excluded).count();
    long allowed = screens.stream().filter(s -> s.decision() == Decision.KEEP_ALLOW_LISTED)
        .count();
    return String.format(Locale.ROOT,
        "%d training rows, %d converted (%.1f %%)%s. %d features screened: %d excluded, %d kept"
            + " by allow-list, %d kept.",
        rows, positives, 100.0 * positives / rows,
        scoringRows == null ? ", no scoring rows compared"
            : String.format(Locale.ROOT, "; compared with %d scoring rows", scoringRows),
        screens.size(), excluded, allowed, screens.size() - excluded - allowed);
  }

  private String rulesText() {
    LeakageConfig c = config;
    return String.format(Locale.ROOT,
        "HIGH_AUC at AUC >= %.2f; HIGH_CRAMERS_V at V >= %.2f; HIGH_POINT_BISERIAL at |r| >="
            + " %.2f; PURE_LEVELS when >= %.0f %% of rows are in levels of >= %d rows converting"
            + " <= %.0f %% or >= %.0f %%; SPARSE_AND_DECISIVE when filled < %.0f %% and AUC"
            + " where filled >= %.2f; FILL_RATE_SHIFT at |Δ fill| >= %.0f points;"
            + " DISTRIBUTION_SHIFT at PSI >= %.2f. Levels under %d rows are pooled. Leakage and"
            + " shift flags exclude unless allow-listed; EMPTY, CONSTANT and IDENTIFIER_LIKE"
            + " always exclude.",
        c.maxAuc(), c.maxCramersV(), c.maxPointBiserial(), 100 * c.maxPurity(),
        c.minLevelSupport(), 100 * c.pureLowRate(), 100 * c.pureHighRate(),
        100 * c.sparseMaxFillRate(), c.sparseMinAnsweredAuc(), 100 * c.maxFillRateShift(),
        c.maxPsi(), c.minLevelSupport());
  }

  private static String num(Double v) {
    return v == null ? "" : String.format(Locale.ROOT, "%.3f", v);
  }

  private static String pct(Double v) {
    return v == null ? "" : String.format(Locale.ROOT, "%.1f %%", 100 * v);
  }

  private static String signedPct(Double v) {
    return v == null ? "" : String.format(Locale.ROOT, "%+.1f", 100 * v);
  }

  private static String mdEscape(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
