package io.leadscore.models.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leadscore.models.InputTable;
import io.leadscore.models.eval.BinaryClassifierEvaluator;
import io.leadscore.models.eval.BinaryMetrics;
import io.leadscore.models.eval.MetricSpread;
import io.leadscore.testing.SparkTestSupport;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import javax.imageio.ImageIO;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.RandomForestClassifier;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class ReportTest extends SparkTestSupport {

  /** Where the sample plots stay after the run, for a look by eye. */
  private static final Path SAMPLE = Path.of("target", "report-sample");

  private Dataset<Row> leads(int n, long seed) {
    Random random = new Random(seed);
    String[] sources = {"Google", "Referral", "Olark Chat", "Direct"};
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double strong = random.nextGaussian();
      double noise = random.nextGaussian();
      String source = sources[random.nextInt(sources.length)];
      double logit = 2.0 * strong + ("Referral".equals(source) ? 1.0 : 0.0) - 0.5;
      double label = random.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
      rows.add(RowFactory.create(strong, noise, source, label));
    }
    StructType schema = new StructType()
        .add("x_strong", DataTypes.DoubleType)
        .add("x_noise", DataTypes.DoubleType)
        .add("lead_source", DataTypes.StringType)
        .add("label", DataTypes.DoubleType);
    return spark().createDataFrame(rows, schema);
  }

  private PipelineModel fit(Dataset<Row> data, PipelineStage classifier) {
    return new Pipeline().setStages(new PipelineStage[] {
        new StringIndexer().setInputCol("lead_source").setOutputCol("lead_source_idx"),
        new OneHotEncoder().setInputCols(new String[] {"lead_source_idx"})
            .setOutputCols(new String[] {"lead_source_oh"}),
        new VectorAssembler().setInputCols(new String[] {"x_strong", "x_noise", "lead_source_oh"})
            .setOutputCol("features"),
        classifier}).fit(data);
  }

  @Test
  void writesEveryPlotAsAReadablePng() throws Exception {
    Dataset<Row> data = leads(1500, 3);
    PipelineModel model = fit(data, new RandomForestClassifier().setNumTrees(20).setSeed(1));
    BinaryMetrics metrics =
        BinaryClassifierEvaluator.evaluate(model.transform(data), "label", "probability");
    FeatureImportances.Result importances = FeatureImportances.of(model, data.limit(5));

    List<Path> files = EvaluationPlots.writeAll("leadscore-test", metrics, importances, SAMPLE);

    assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly(
        "roc.png", "precision_recall.png", "calibration.png", "lift_gains.png",
        "feature_importance.png");
    for (Path f : files) {
      BufferedImage image = ImageIO.read(f.toFile());
      assertThat(image).as(f + " is a PNG").isNotNull();
      assertThat(distinctColours(image)).as(f + " has drawing on it").isGreaterThan(20);
    }
    assertThat(ImageIO.read(files.get(0).toFile()).getWidth()).isEqualTo(800);
    assertThat(ImageIO.read(files.get(3).toFile()).getWidth()).as("two panels").isEqualTo(1600);
  }

  @Test
  void namesImportancesAfterTheFeatureVectorSlots() {
    Dataset<Row> data = leads(1500, 5);
    FeatureImportances.Result rf = FeatureImportances.of(
        fit(data, new RandomForestClassifier().setNumTrees(20).setSeed(1)), data.limit(5));
    assertThat(rf.kind()).isEqualTo(FeatureImportances.Kind.IMPURITY);
    assertThat(rf.importances().get(0).feature()).isEqualTo("x_strong");
    assertThat(rf.importances()).extracting(FeatureImportance::feature)
        .contains("x_noise", "lead_source_oh_Referral")
        .hasSize(2 + 3); // one-hot drops the last of 4 categories
    assertThat(rf.importances().stream().mapToDouble(FeatureImportance::importance).sum())
        .isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-9));

    FeatureImportances.Result lr =
        FeatureImportances.of(fit(data, new LogisticRegression()), data.limit(5));
    assertThat(lr.kind()).isEqualTo(FeatureImportances.Kind.ABS_COEFFICIENT);
    assertThat(lr.importances().get(0).feature()).isEqualTo("x_strong");
    assertThat(lr.importances()).allSatisfy(f -> assertThat(f.importance()).isNotNegative());
  }

  @Test
  void modelCardHasEverySectionWithTheFigures() throws Exception {
    Dataset<Row> data = leads(800, 9);
    PipelineModel model = fit(data, new LogisticRegression());
    BinaryMetrics metrics =
        BinaryClassifierEvaluator.evaluate(model.transform(data), "label", "probability");

    Path file = ModelCard.builder("leadscore-test")
        .generatedAt(Instant.parse("2026-01-05T10:00:00Z"))
        .summary("Probability that a lead converts within 30 days.")
        .algorithm("LogisticRegression", Map.of("regParam", "0.01"))
        .selection("Winner of 3 families by validation ROC AUC.")
        .inputTables(List.of(new InputTable("gold.features", "/lake/gold/features", 7)))
        .rows(640, 160)
        .split("hash of lead_id, 80/20")
        .features(List.of("x_strong", "x_noise", "lead_source"))
        .leakageSummary("2 columns exceeded the single-feature AUC bar of 0.95.")
        .excludedColumn("tags", "single-feature AUC 0.97 | written after contact")
        .testMetrics(metrics)
        .spread(MetricSpread.of("roc_auc", 0.90, 0.92, 0.91))
        .reference("oracle ROC AUC", 0.93)
        .plots(List.of("plots/roc.png"))
        .tracking("MLflow run", "abc123")
        .limit("Trained on generated data.")
        .writeTo(SAMPLE.resolve("model_card.md"));
    String md = Files.readString(file);

    assertThat(md).startsWith("# Model card: leadscore-test\n\n_Generated 2026-01-05T10:00:00Z");
    assertThat(md).contains("## Model", "## Data", "## Features", "## Leakage report",
        "## Metrics", "## Plots", "## Tracking", "## Limits");
    assertThat(md).contains("| gold.features | `/lake/gold/features` | 7 |");
    assertThat(md).contains(String.format(java.util.Locale.ROOT, "| ROC AUC | %.4f |",
        metrics.rocAuc()));
    assertThat(md).contains("| roc_auc | 0.9100 ± 0.0100 (3 folds) | 0.9000 | 0.9200 |");
    assertThat(md).contains("| `tags` | single-feature AUC 0.97 \\| written after contact |");
    assertThat(md).contains("| oracle ROC AUC | 0.9300 |");
    assertThat(md).contains("![roc](plots/roc.png)");
    assertThat(md).contains("- Trained on generated data.");
    assertThat(md).contains("3 features: `x_strong`, `x_noise`, `lead_source`");
    // Ten lift groups and the reliability bins are tabulated.
    assertThat(md.lines().filter(l -> l.matches("\\| (10|[1-9]) \\| \\d+ \\| .*")).count())
        .isEqualTo(10);
  }

  @Test
  void aBareCardStillStatesItsLimits() {
    String md = ModelCard.builder("m").toMarkdown();
    assertThat(md).contains("## Limits").doesNotContain("## Metrics", "## Data");
    assertThatThrownBy(() -> EvaluationPlots.featureImportance("m",
        new FeatureImportances.Result(FeatureImportances.Kind.IMPURITY, List.of()), 10,
        SAMPLE.resolve("x.png")))
        .hasMessage("no feature importances to plot");
  }

  private static int distinctColours(BufferedImage image) {
    Set<Integer> colours = new HashSet<>();
    for (int x = 0; x < image.getWidth(); x += 3) {
      for (int y = 0; y < image.getHeight(); y += 3) {
        colours.add(image.getRGB(x, y));
      }
    }
    return colours.size();
  }
}
