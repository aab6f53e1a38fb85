package io.leadscore.models.report;

import io.leadscore.models.InputTable;
import io.leadscore.models.eval.BinaryMetrics;
import io.leadscore.models.eval.LiftGroup;
import io.leadscore.models.eval.MetricSpread;
import io.leadscore.models.eval.ReliabilityBin;
import io.leadscore.models.eval.ThresholdMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A model card in Markdown: what the model is, what data and features it was trained on, what
 * the leakage check removed, how it performs on the test set (with fold spread and reference
 * figures), and its limits. Build with {@link #builder(String)}; sections left empty are
 * omitted, except Limits, which always appears.
 *
 * <pre>{@code
 * String md = ModelCard.builder("leadscore")
 *     .algorithm("GBTClassifier", Map.of("maxDepth", "5"))
 *     .inputTables(List.of(features))
 *     .rows(800_000, 200_000)
 *     .features(featureNames)
 *     .excludedColumn("stage", "reveals the outcome in later drops")
 *     .testMetrics(metrics)
 *     .spread(MetricSpread.of("roc_auc", foldAucs))
 *     .reference("oracle ROC AUC", 0.871)
 *     .plots(List.of("plots/roc.png"))
 *     .limit("trained on generated data only")
 *     .toMarkdown();
 * }</pre>
 */
public final class ModelCard {

  /** A column the leakage check excluded and why. */
  public record ExcludedColumn(String column, String reason) {}

  private final String modelName;
  private Instant generatedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  private String summary;
  private String algorithm;
  private final Map<String, String> parameters = new LinkedHashMap<>();
  private String selection;
  private final List<InputTable> inputTables = new ArrayList<>();
  private Long trainingRows;
  private Long testRows;
  private String split;
  private final List<String> features = new ArrayList<>();
  private String leakageSummary;
  private final List<ExcludedColumn> excluded = new ArrayList<>();
  private BinaryMetrics testMetrics;
  private final List<MetricSpread> spreads = new ArrayList<>();
  private final Map<String, Double> references = new LinkedHashMap<>();
  private final List<String> plots = new ArrayList<>();
  private final Map<String, String> tracking = new LinkedHashMap<>();
  private final List<String> limits = new ArrayList<>();

  private ModelCard(String modelName) {
    this.modelName = Objects.requireNonNull(modelName, "modelName");
  }

  /** A card for the registered model {@code modelName}. */
  public static ModelCard builder(String modelName) {
    return new ModelCard(modelName);
  }

  public ModelCard generatedAt(Instant value) {
    this.generatedAt = value;
    return this;
  }

  /** A paragraph on top: what the model predicts and for whom. */
  public ModelCard summary(String value) {
    this.summary = value;
    return this;
  }

  /** The winning algorithm and its chosen parameters. */
  public ModelCard algorithm(String name, Map<String, String> chosenParameters) {
    this.algorithm = name;
    this.parameters.putAll(chosenParameters);
    return this;
  }

  /** How the winner was chosen (candidates, grid, tuning, primary metric). */
  public ModelCard selection(String value) {
    this.selection = value;
    return this;
  }

  public ModelCard inputTables(List<InputTable> tables) {
    this.inputTables.addAll(tables);
    return this;
  }

  public ModelCard rows(long training, long test) {
    this.trainingRows = training;
    this.testRows = test;
    return this;
  }

  /** How train and test rows were split (hash of lead id, time-ordered, …). */
  public ModelCard split(String value) {
    this.split = value;
    return this;
  }

  public ModelCard features(List<String> names) {
    this.features.addAll(names);
    return this;
  }

  /** One line summing up the leakage report (checks run, what was found). */
  public ModelCard leakageSummary(String value) {
    this.leakageSummary = value;
    return this;
  }

  public ModelCard excludedColumn(String column, String reason) {
    this.excluded.add(new ExcludedColumn(column, reason));
    return this;
  }

  public ModelCard testMetrics(BinaryMetrics value) {
    this.testMetrics = value;
    return this;
  }

  /** A cross-validation spread to report next to the test figures. */
  public ModelCard spread(MetricSpread value) {
    this.spreads.add(value);
    return this;
  }

  /** A figure to compare against, e.g. "oracle ROC AUC" or "current champion ROC AUC". */
  public ModelCard reference(String name, double value) {
    this.references.put(name, value);
    return this;
  }

  /** Plot files, as paths relative to the card (they are embedded as images). */
  public ModelCard plots(List<String> relativePaths) {
    this.plots.addAll(relativePaths);
    return this;
  }

  /** A line of the Tracking section, e.g. ("MLflow run", runId). */
  public ModelCard tracking(String key, String value) {
    this.tracking.put(key, value);
    return this;
  }

  /** A known limit or caveat of the model. */
  public ModelCard limit(String value) {
    this.limits.add(value);
    return this;
  }

  /** Renders the card. */
  public String toMarkdown() {
    StringBuilder md = new StringBuilder();
    md.append("# Model card: ").append(modelName).append("\n\n");
    md.append("_Generated ").append(generatedAt).append(" by leadscore._\n\n");
    if (summary != null) {
      md.append(summary.strip()).append("\n\n");
    }
    if (algorithm != null || selection != null) {
      md.append("## Model\n\n");
      if (algorithm != null) {
        md.append("Algorithm: **").append(algorithm).append("**\n\n");
      }
      if (!parameters.isEmpty()) {
        table(md, List.of("parameter", "value"),
            parameters.entrySet().stream().map(e -> List.of(e.getKey(), e.getValue())).toList());
      }
      if (selection != null) {
        md.append(selection.strip()).append("\n\n");
      }
    }
    if (!inputTables.isEmpty() || trainingRows != null || split != null) {
      md.append("## Data\n\n");
      if (!inputTables.isEmpty()) {
        table(md, List.of("input table", "location", "Delta version"),
            inputTables.stream()
                .map(t -> List.of(t.name(), "`" + t.location() + "`", Long.toString(t.version())))
                .toList());
      }
      if (trainingRows != null) {
        md.append("- training rows: ").append(trainingRows).append("\n");
        md.append("- test rows: ").append(testRows).append("\n");
      }
      if (testMetrics != null) {
        md.append("- test positive rate: ").append(fmt(testMetrics.positiveRate())).append(" (")
            .append(testMetrics.positives()).append(" of ").append(testMetrics.rows())
            .append(")\n");
      }
      if (split != null) {
        md.append("- split: ").append(split.strip()).append("\n");
      }
      md.append("\n");
    }
    if (!features.isEmpty()) {
      md.append("## Features\n\n").append(features.size()).append(" features: ");
      md.append(String.join(", ", features.stream().map(f -> "`" + f + "`").toList()));
      md.append("\n\n");
    }
    if (leakageSummary != null || !excluded.isEmpty()) {
      md.append("## Leakage report\n\n");
      if (leakageSummary != null) {
        md.append(leakageSummary.strip()).append("\n\n");
      }
      if (!excluded.isEmpty()) {
        table(md, List.of("excluded column", "reason"),
            excluded.stream().map(e -> List.of("`" + e.column() + "`", e.reason())).toList());
      } else {
        md.append("No column was excluded.\n\n");
      }
    }
    if (testMetrics != null || !spreads.isEmpty() || !references.isEmpty()) {
      md.append("## Metrics\n\n");
      metrics(md);
    }
    if (!plots.isEmpty()) {
      md.append("## Plots\n\n");
      for (String p : plots) {
        String name = Path.of(p).getFileName().toString().replaceFirst("\\.png$", "")
            .replace('_', ' ');
        md.append("![").append(name).append("](").append(p).append(")\n\n");
      }
    }
    if (!tracking.isEmpty()) {
      md.append("## Tracking\n\n");
      tracking.forEach((k, v) -> md.append("- ").append(k).append(": `").append(v).append("`\n"));
      md.append("\n");
    }
    md.append("## Limits\n\n");
    List<String> all = new ArrayList<>(limits);
    all.add("Scores are probabilities estimated on the test period's leads; a shift in lead "
        + "sources or engagement (see drift monitoring) makes them less reliable.");
    for (String l : all) {
      md.append("- ").append(l.strip()).append("\n");
    }
    return md.toString();
  }

  /** Writes {@link #toMarkdown()} to {@code file} (UTF-8), creating parent folders. */
  public Path writeTo(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, toMarkdown(), StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write model card " + file, e);
    }
  }

  private void metrics(StringBuilder md) {
    if (testMetrics != null) {
      BinaryMetrics m = testMetrics;
      md.append("Test set, ").append(m.rows()).append(" rows (exact computation, every distinct "
          + "score a threshold):\n\n");
      List<List<String>> rows = new ArrayList<>();
      rows.add(List.of("ROC AUC", fmt(m.rocAuc())));
      rows.add(List.of("PR AUC (average precision)", fmt(m.prAuc())));
      rows.add(List.of("log loss", fmt(m.logLoss())));
      rows.add(List.of("Brier score", fmt(m.brierScore())));
      rows.add(List.of("expected calibration error (" + m.options().calibrationBins()
          + " bins)", fmt(m.ece())));
      ThresholdMetrics t = m.atThreshold();
      rows.add(List.of("precision @ " + fmt(t.threshold()), fmt(t.precision())));
      rows.add(List.of("recall @ " + fmt(t.threshold()), fmt(t.recall())));
      rows.add(List.of("F1 @ " + fmt(t.threshold()), fmt(t.f1())));
      rows.add(List.of("lift of top group", fmt(m.lift().get(0).lift())));
      table(md, List.of("metric", "value"), rows);
    }
    if (!spreads.isEmpty()) {
      md.append("Cross-validation (mean ± sample std over folds):\n\n");
      table(md, List.of("metric", "spread", "min", "max"),
          spreads.stream()
              .map(s -> List.of(s.metric(), s.format(), fmt(s.min()), fmt(s.max())))
              .toList());
    }
    if (!references.isEmpty()) {
      md.append("For comparison:\n\n");
      table(md, List.of("reference", "value"),
          references.entrySet().stream()
              .map(e -> List.of(e.getKey(), fmt(e.getValue())))
              .toList());
    }
    if (testMetrics != null) {
      ThresholdMetrics t = testMetrics.atThreshold();
      md.append("### Confusion at threshold ").append(fmt(t.threshold())).append("\n\n");
      table(md, List.of("", "predicted positive", "predicted negative"),
          List.of(
              List.of("actual positive", Long.toString(t.truePositives()),
                  Long.toString(t.falseNegatives())),
              List.of("actual negative", Long.toString(t.falsePositives()),
                  Long.toString(t.trueNegatives()))));
      md.append("### Lift and cumulative gains\n\n");
      List<List<String>> lift = new ArrayList<>();
      for (LiftGroup g : testMetrics.lift()) {
        lift.add(List.of(Integer.toString(g.group()), Long.toString(g.rows()),
            fmt(g.positiveRate()), fmt(g.lift()), fmt(g.cumulativeGain()),
            fmt(g.cumulativeLift()), fmt(g.lowestScore())));
      }
      table(md, List.of("group", "rows", "positive rate", "lift", "cumulative gain",
          "cumulative lift", "lowest score"), lift);
      md.append("### Reliability\n\n");
      List<List<String>> rel = new ArrayList<>();
      for (ReliabilityBin b : testMetrics.calibration().bins()) {
        rel.add(List.of("[" + fmt(b.lower()) + ", " + fmt(b.upper()) + ")",
            Long.toString(b.rows()), fmt(b.meanPredicted()), fmt(b.observedRate())));
      }
      table(md, List.of("probability bin", "rows", "mean predicted", "observed rate"), rel);
    }
  }

  private static void table(StringBuilder md, List<String> header, List<List<String>> rows) {
    md.append("| ").append(String.join(" | ", header.stream().map(ModelCard::cell).toList()))
        .append(" |\n");
    md.append("|").append("---|".repeat(header.size())).append("\n");
    for (List<String> row : rows) {
      md.append("| ").append(String.join(" | ", row.stream().map(ModelCard::cell).toList()))
          .append(" |\n");
    }
    md.append("\n");
  }

  private static String cell(String value) {
    return value.replace("|", "\\|").replace("\n", " ");
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }
}
