package io.leadscore.features.leakage;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.leadscore.features.FeatureSpec;
import io.leadscore.features.XEducationData;
import io.leadscore.features.leakage.FeatureScreen.Decision;
import io.leadscore.testing.SparkTestSupport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class LeakageDetectorTest extends SparkTestSupport {

  static final List<String> CONSTANT_COLUMNS = List.of("Magazine",
      "Receive More Updates About Our Courses", "Update me on Supply Chain Content",
      "Get updates on DM Content", "I agree to pay the amount through cheque");

  // ------------------------------------------------------------------ the real data

  @Test
  void onXEducationItFlagsTagsLeadQualityAndLeadProfileByItself() {
    Dataset<Row> data = XEducationData.read(spark()).cache();
    FeatureSpec spec = XEducationData.spec(data).build();
    LeakageReport report = LeakageDetector.withDefaults().screen(data, spec);
    System.out.println(report.toMarkdown());

    assertThat(report.rows()).isEqualTo(9240);
    assertThat(report.positives()).isEqualTo(3561);
    assertThat(report.flaggedAsLeak())
        .containsExactlyInAnyOrder("Tags", "Lead Quality", "Lead Profile");
    for (String honest : List.of("Lead Origin", "Lead Source", "Total Time Spent on Website",
        "Last Activity", "Last Notable Activity", "What is your current occupation",
        "TotalVisits", "Asymmetrique Activity Score", "Specialization", "Country")) {
      FeatureScreen s = report.screen(honest).orElseThrow();
      assertThat(s.flags()).as(honest).isEmpty();
      assertThat(s.decision()).as(honest).isEqualTo(Decision.KEEP);
    }
    FeatureScreen tags = report.screen("Tags").orElseThrow();
    assertThat(tags.flags()).contains(FlagReason.HIGH_AUC, FlagReason.HIGH_CRAMERS_V,
        FlagReason.PURE_LEVELS, FlagReason.SPARSE_AND_DECISIVE);
    assertThat(tags.auc()).isCloseTo(0.92, within(0.01));      // README: 0.92
    assertThat(report.screen("Lead Quality").orElseThrow().auc())
        .isCloseTo(0.80, within(0.01));                          // README: 0.80
    assertThat(report.screen("Lead Quality").orElseThrow().flags())
        .contains(FlagReason.HIGH_CRAMERS_V, FlagReason.SPARSE_AND_DECISIVE);
    FeatureScreen profile = report.screen("Lead Profile").orElseThrow();
    assertThat(profile.flags()).containsExactly(FlagReason.SPARSE_AND_DECISIVE);
    assertThat(profile.fillRate()).isCloseTo(0.258, within(0.001));   // Select counts as missing
    // the numerics are scored by value: Total Time is 0.65 that way (0.85 by per-value rates)
    FeatureScreen time = report.screen("Total Time Spent on Website").orElseThrow();
    assertThat(time.auc()).isCloseTo(0.651, within(0.002));
    assertThat(time.pointBiserial()).isCloseTo(0.362, within(0.002));
    assertThat(report.screen("Last Activity").orElseThrow().notes())
        .anySatisfy(n -> assertThat(n).startsWith("watch: AUC 0.7"));

    for (String constant : CONSTANT_COLUMNS) {
      assertThat(report.screen(constant).orElseThrow().flags()).as(constant)
          .containsExactly(FlagReason.CONSTANT);
    }
    List<String> expectedExcluded = new ArrayList<>(List.of("Tags", "Lead Quality",
        "Lead Profile"));
    expectedExcluded.addAll(CONSTANT_COLUMNS);
    assertThat(report.excludedFeatures()).containsExactlyInAnyOrderElementsOf(expectedExcluded);
    assertThat(report.applyTo(spec).featureColumns()).doesNotContainAnyElementsOf(
        expectedExcluded).contains("Lead Origin", "Total Time Spent on Website");

    // the screening table: one row per candidate feature
    Dataset<Row> table = report.toDataset(spark());
    assertThat(table.count()).isEqualTo(spec.featureColumns().size());
    Row tagsRow = table.where(col("feature").equalTo("Tags")).first();
    assertThat(tagsRow.<String>getAs("decision")).isEqualTo("exclude");
    assertThat(tagsRow.getList(tagsRow.fieldIndex("flags"))).contains("PURE_LEVELS");
    assertThat(tagsRow.<String>getAs("top_levels")).contains("Closed by Horizzon");

    assertThat(report.toMarkdown()).contains("| Tags | categorical |")
        .contains("### Lead Profile — exclude").contains("SPARSE_AND_DECISIVE");
    assertThat(report.toHtml()).contains("<tr class=\"exclude\"><td>Tags</td>")
        .contains("Cramér's V");
    data.unpersist();
  }

  @Test
  void onSilverLikeXEducationRowsWithBooleansTheSameThreeAreFlagged() {
    Dataset<Row> silver = XEducationData.readSilverLike(spark());
    FeatureSpec spec = XEducationData.spec(silver).build();
    assertThat(spec.booleanColumns()).contains("Do Not Email", "Magazine", "Search");
    LeakageReport report = LeakageDetector.withDefaults().screen(silver, spec);
    assertThat(report.flaggedAsLeak())
        .containsExactlyInAnyOrder("Tags", "Lead Quality", "Lead Profile");
    assertThat(report.screen("Magazine").orElseThrow().flags())
        .containsExactly(FlagReason.CONSTANT);
    assertThat(report.screen("Do Not Email").orElseThrow().kind()).isEqualTo("boolean");
    assertThat(report.screen("Do Not Email").orElseThrow().decision()).isEqualTo(Decision.KEEP);
  }

  @Test
  void anAllowListedFeatureIsKeptWithItsReasonAndStillReported() {
    Dataset<Row> data = XEducationData.read(spark());
    FeatureSpec spec = XEducationData.spec(data).build();
    LeakageReport report = LeakageDetector.withDefaults()
        .allowList(Map.of("Lead Quality", "assigned at first call, before the outcome is known",
            "Magazine", "wanted anyway"))
        .screen(data, spec);
    FeatureScreen quality = report.screen("Lead Quality").orElseThrow();
    assertThat(quality.flaggedAsLeak()).isTrue();
    assertThat(quality.decision()).isEqualTo(Decision.KEEP_ALLOW_LISTED);
    assertThat(quality.allowListReason()).startsWith("assigned at first call");
    assertThat(report.keptFeatures()).contains("Lead Quality");
    // quality flags cannot be allow-listed
    FeatureScreen magazine = report.screen("Magazine").orElseThrow();
    assertThat(magazine.decision()).isEqualTo(Decision.EXCLUDE);
    assertThat(magazine.notes()).anySatisfy(n -> assertThat(n).contains("allow-list ignored"));
    assertThat(report.toMarkdown()).contains("allow-listed: assigned at first call");
    assertThatThrownBy(() -> LeakageDetector.withDefaults().allowList(Map.of("Tags", " ")))
        .hasMessageContaining("needs a reason");
    assertThatThrownBy(() -> LeakageDetector.withDefaults().allowList(Map.of("Nope", "x"))
        .screen(data, spec))
        .hasMessageContaining("not a candidate feature of the spec: Nope");
  }

  @Test
  void fillRateAndDistributionShiftsAgainstScoringRowsAreFlagged() {
    Dataset<Row> data = XEducationData.read(spark()).cache();
    FeatureSpec spec = FeatureSpec.builder(XEducationData.ID, "as_of")
        .label(XEducationData.LABEL)
        .categorical("Lead Source", "Lead Origin", "City")
        .numeric("Total Time Spent on Website", "TotalVisits").build();
    Dataset<Row> training = data.where(XEducationData.inSample(0.6));
    // same population, untouched: no shift flags
    Dataset<Row> sameScoring = data.where(org.apache.spark.sql.functions.not(
        XEducationData.inSample(0.6))).drop(XEducationData.LABEL);
    LeakageReport stable = LeakageDetector.withDefaults().screen(training, sameScoring, spec);
    for (FeatureScreen s : stable.screens()) {
      assertThat(s.flags()).as(s.feature()).isEmpty();
      assertThat(s.psi()).as(s.feature()).isLessThan(0.05);
      assertThat(Math.abs(s.fillRateShift())).as(s.feature()).isLessThan(0.05);
    }
    // Lead Source mostly blank now, time on site tripled, City rewritten to an unseen value
    Dataset<Row> shifted = sameScoring
        .withColumn("Lead Source", when(col("`Lead Number`").mod(4).equalTo(0),
            col("`Lead Source`")).otherwise(lit(null)))
        .withColumn("Total Time Spent on Website",
            col("`Total Time Spent on Website`").multiply(3))
        .withColumn("City", when(col("City").isNotNull(), lit("Atlantis")));
    LeakageReport report = LeakageDetector.withDefaults().screen(training, shifted, spec);
    assertThat(report.screen("Lead Source").orElseThrow().flags())
        .contains(FlagReason.FILL_RATE_SHIFT, FlagReason.DISTRIBUTION_SHIFT);
    assertThat(report.screen("Total Time Spent on Website").orElseThrow().flags())
        .containsExactly(FlagReason.DISTRIBUTION_SHIFT);
    assertThat(report.screen("City").orElseThrow().flags())
        .containsExactly(FlagReason.DISTRIBUTION_SHIFT);
    assertThat(report.screen("Lead Origin").orElseThrow().flags()).isEmpty();
    assertThat(report.screen("TotalVisits").orElseThrow().flags()).isEmpty();
    assertThat(report.excludedFeatures()).containsExactlyInAnyOrder("Lead Source",
        "Total Time Spent on Website", "City");
    assertThat(report.scoringRows()).isEqualTo(shifted.count());
    data.unpersist();
  }

  // ------------------------------------------------------------------ synthetic cases

  static final StructType SYNTH = new StructType()
      .add("label", DataTypes.IntegerType)
      .add("honest", DataTypes.DoubleType)
      .add("days_to_close", DataTypes.DoubleType)
      .add("mirror", DataTypes.DoubleType)
      .add("empty", DataTypes.DoubleType)
      .add("email_hash", DataTypes.StringType)
      .add("stage", DataTypes.StringType)
      .add("flag", DataTypes.BooleanType)
      .add("sparse_score", DataTypes.DoubleType);

  Dataset<Row> synthetic(long seed, int n) {
    Random rnd = new Random(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int y = rnd.nextDouble() < 0.3 ? 1 : 0;
      double honest = rnd.nextGaussian() + 0.4 * y + (rnd.nextInt(10) == 0 ? 0 : 0);
      Double daysToClose = y == 1 ? 1.0 + rnd.nextInt(30) : null;     // only set after a win
      double mirror = y + 0.3 * rnd.nextGaussian();                      // correlated copy
      String stage = y == 1 ? (rnd.nextInt(10) == 0 ? "open" : "won")
          : (rnd.nextInt(10) == 0 ? "open" : "lost");
      // filled for 30 % of the leads at random, telling where filled (AUC about 0.76)
      Double sparse = rnd.nextDouble() < 0.3 ? y + rnd.nextGaussian() : null;
      rows.add(RowFactory.create(y, rnd.nextInt(20) == 0 ? Double.NaN : honest, daysToClose,
          mirror, null, "h" + i, stage, rnd.nextBoolean(), sparse));
    }
    return spark().createDataFrame(rows, SYNTH);
  }

  @Test
  void plantedLeaksAndBadColumnsAreFlaggedForTheRightReasons() {
    Dataset<Row> data = synthetic(3, 2000);
    FeatureSpec spec = FeatureSpec.builder("id", "as_of").label("label")
        .categorical("email_hash", "stage").numeric("honest", "days_to_close", "mirror", "empty")
        .bool("flag").build();
    LeakageReport report = LeakageDetector.withDefaults().screen(data, spec);
    assertThat(report.screen("honest").orElseThrow().flags()).isEmpty();
    assertThat(report.screen("flag").orElseThrow().flags()).isEmpty();
    assertThat(report.screen("flag").orElseThrow().kind()).isEqualTo("boolean");
    assertThat(report.screen("days_to_close").orElseThrow().flagDetails())
        .anySatisfy(d -> assertThat(d).startsWith("missing-value AUC 1.000"));
    assertThat(report.screen("mirror").orElseThrow().flags())
        .contains(FlagReason.HIGH_AUC, FlagReason.HIGH_POINT_BISERIAL);
    assertThat(report.screen("stage").orElseThrow().flags())
        .contains(FlagReason.HIGH_AUC, FlagReason.PURE_LEVELS);
    assertThat(report.screen("empty").orElseThrow().flags()).containsExactly(FlagReason.EMPTY);
    assertThat(report.screen("email_hash").orElseThrow().flags())
        .containsExactly(FlagReason.IDENTIFIER_LIKE);
    assertThat(report.keptFeatures()).containsExactlyInAnyOrder("honest", "flag");
    // NaN counts as missing: 1 in 20 of "honest"
    assertThat(report.screen("honest").orElseThrow().fillRate()).isCloseTo(0.95, within(0.02));
  }

  @Test
  void theSparseRuleCoversNumericsOnlyWhenConfigured() {
    Dataset<Row> data = synthetic(4, 3000);
    FeatureSpec spec = FeatureSpec.builder("id", "as_of").label("label")
        .numeric("sparse_score").build();
    FeatureScreen byDefault = LeakageDetector.withDefaults().screen(data, spec)
        .screen("sparse_score").orElseThrow();
    assertThat(byDefault.fillRate()).isCloseTo(0.3, within(0.03));
    assertThat(byDefault.answeredAuc()).isBetween(0.70, 0.85);
    assertThat(byDefault.flags()).isEmpty();
    LeakageConfig strict = LeakageConfig.defaults().withSparse(0.8, 0.7, true);
    assertThat(LeakageDetector.withConfig(strict).screen(data, spec).screen("sparse_score")
        .orElseThrow().flags()).containsExactly(FlagReason.SPARSE_AND_DECISIVE);
  }

  @Test
  void numericAucEqualsABruteForceRankAucWithTies() {
    Random rnd = new Random(9);
    List<Row> rows = new ArrayList<>();
    List<double[]> pairs = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      int y = rnd.nextInt(3) == 0 ? 1 : 0;
      double v = rnd.nextInt(15) - 3 * y;       // integers: many ties; lower → converts more
      Double value = rnd.nextInt(25) == 0 ? null : v;
      rows.add(RowFactory.create(y, value, null, 0.0, null, "x", "a", true, null));
      if (value != null) {
        pairs.add(new double[] {value, y});
      }
    }
    double wins = 0;
    long n = 0;
    for (double[] a : pairs) {
      for (double[] b : pairs) {
        if (a[1] == 1 && b[1] == 0) {
          n++;
          wins += a[0] > b[0] ? 1 : a[0] == b[0] ? 0.5 : 0;
        }
      }
    }
    double expected = Math.max(wins / n, 1 - wins / n);
    FeatureSpec spec = FeatureSpec.builder("id", "as_of").label("label").numeric("honest")
        .build();
    FeatureScreen s = LeakageDetector.withDefaults()
        .screen(spark().createDataFrame(rows, SYNTH), spec).screen("honest").orElseThrow();
    assertThat(wins / n).as("the planted direction is downward").isLessThan(0.5);
    assertThat(s.auc()).isCloseTo(expected, within(1e-12));
  }

  @Test
  void badLabelsAndMissingColumnsAreClearErrors() {
    FeatureSpec spec = FeatureSpec.builder("id", "as_of").label("label").numeric("honest")
        .build();
    Dataset<Row> data = synthetic(1, 100);
    assertThatThrownBy(() -> LeakageDetector.withDefaults()
        .screen(data.withColumn("label", lit(2)), spec))
        .hasMessageContaining("label column label must hold 0 or 1, cannot be: 100 rows");
    assertThatThrownBy(() -> LeakageDetector.withDefaults()
        .screen(data.withColumn("label", lit(0)), spec))
        .hasMessageContaining("needs converted and not converted rows, cannot be: 0 of 100");
    assertThatThrownBy(() -> LeakageDetector.withDefaults().screen(data.drop("honest"), spec))
        .hasMessageContaining("leakage screening (training rows) lacks column(s) honest");
    assertThatThrownBy(() -> LeakageDetector.withDefaults().screen(data,
        data.drop("honest"), spec))
        .hasMessageContaining("leakage screening (scoring rows) lacks column(s) honest");
    assertThatThrownBy(() -> LeakageDetector.withDefaults().screen(data,
        FeatureSpec.builder("id", "as_of").numeric("honest").build()))
        .hasMessageContaining("needs a label column");
    assertThatThrownBy(() -> LeakageConfig.defaults().withMaxAuc(0.4))
        .hasMessageContaining("maxAuc must be within 0.5..1.0, cannot be: 0.4");
  }
}
