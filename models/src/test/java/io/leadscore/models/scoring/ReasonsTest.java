package io.leadscore.models.scoring;

import static io.leadscore.models.scoring.ScoringTestData.CHANNEL;
import static io.leadscore.models.scoring.ScoringTestData.ENGAGED;
import static io.leadscore.models.scoring.ScoringTestData.ID;
import static io.leadscore.models.scoring.ScoringTestData.MINUTES;
import static io.leadscore.models.scoring.ScoringTestData.PAGES;
import static io.leadscore.models.scoring.ScoringTestData.REGION;
import static io.leadscore.models.scoring.ScoringTestData.SOURCE;
import static io.leadscore.models.scoring.ScoringTestData.VISITS;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.leadscore.testing.SparkTestSupport;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.classification.DecisionTreeClassificationModel;
import org.apache.spark.ml.classification.DecisionTreeClassifier;
import org.apache.spark.ml.classification.GBTClassificationModel;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.classification.RandomForestClassificationModel;
import org.apache.spark.ml.classification.RandomForestClassifier;
import org.apache.spark.ml.feature.OneHotEncoderModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.stat.Summarizer;
import org.apache.spark.ml.tree.DecisionTreeModel;
import org.apache.spark.ml.tree.InternalNode;
import org.apache.spark.ml.tree.Node;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Per-lead reasons checked against independent computations on Spark's own model objects:
 * contributions add up (with the base value) to the model's margin, log-odds or probability
 * as {@code transform} reports it; each contribution equals a brute-force one (leave one input
 * at its reference and re-run Spark's model; walk Spark's trees with the assembled vector);
 * and the top factors are the largest contributions.
 */
class ReasonsTest extends SparkTestSupport {

  private static final double TOLERANCE = 1e-9;
  private static final String ALL = "all_contributions";

  private Dataset<Row> train;
  private Dataset<Row> scoring;

  @BeforeEach
  void data() {
    train = ScoringTestData.training(spark(), 1500, 31).cache();
    scoring = ScoringTestData.leads(spark(), 600, 32, true).cache();
  }

  @Test
  void logisticRegressionContributionsAreExactAndMatchLeaveOneInputOut() {
    PipelineModel m = new Pipeline().setStages(CompiledScorerTest.logisticStages(false)).fit(train);
    CompiledScorer scorer = CompiledScorer.compile(m, scoring.schema(),
        ScorerOptions.defaults().withReference(train).withContributions(ALL));
    assertThat(scorer.reasonUnit()).isEqualTo("log-odds");

    // The reference means are those of the model's input vectors over the training data.
    double[] means = scorer.slotMeans().orElseThrow();
    Row summary = m.transform(train).select(Summarizer.mean(col("features"))).head();
    assertThat(means).containsExactly(((Vector) summary.get(0)).toArray(),
        org.assertj.core.data.Offset.offset(TOLERANCE));
    LogisticRegressionModel lr = (LogisticRegressionModel) last(m);
    double base = lr.intercept();
    for (int j = 0; j < means.length; j++) {
      base += lr.coefficients().apply(j) * means[j];
    }
    assertThat(scorer.baseValue()).isCloseTo(base, org.assertj.core.data.Offset.offset(1e-12));

    // Slot groups, derived from the fitted encoders: one-hot blocks, then one slot each.
    Map<String, int[]> groups = new LinkedHashMap<>();
    OneHotEncoderModel ohe = (OneHotEncoderModel) PipelineCompiler.flatten(m).get(1);
    int at = 0;
    String[] categoricals = {SOURCE, REGION, CHANNEL};
    for (int i = 0; i < categoricals.length; i++) {
      int size = ohe.categorySizes()[i]; // + 1 for keep, - 1 for dropLast
      groups.put(categoricals[i], range(at, at + size));
      at += size;
    }
    for (String single : new String[] {VISITS, MINUTES, PAGES, ENGAGED}) {
      groups.put(single, range(at, at + 1));
      at++;
    }
    assertThat(at).isEqualTo(means.length);

    Map<Long, Row> spark = rowsById(m.transform(scoring), "features", "rawPrediction");
    Map<Long, Row> ours = rowsById(scorer.score(scoring), ALL, CompiledScorer.REASONS_UP,
        CompiledScorer.REASONS_DOWN);
    assertThat(ours.keySet()).isEqualTo(spark.keySet());
    int checked = 0;
    int topChecked = 0;
    for (Map.Entry<Long, Row> e : spark.entrySet()) {
      Vector x = (Vector) e.getValue().get(0);
      double margin = ((Vector) e.getValue().get(1)).apply(1);
      Map<String, Double> contributions = contributions(ours.get(e.getKey()));
      if (Double.isNaN(margin)) {
        continue; // an input is NaN: no meaningful contributions
      }
      checked++;
      assertThat(scorer.baseValue() + sum(contributions)).as("lead %s", e.getKey())
          .isCloseTo(margin, org.assertj.core.data.Offset.offset(TOLERANCE));
      Map<String, Double> brute = new LinkedHashMap<>();
      for (Map.Entry<String, int[]> g : groups.entrySet()) {
        double[] values = x.toArray().clone();
        for (int j : g.getValue()) {
          values[j] = means[j];
        }
        brute.put(g.getKey(), margin - lr.predictRaw(Vectors.dense(values)).apply(1));
      }
      assertSameContributions(brute, contributions, e.getKey());
      if (assertTopReasons(brute, ours.get(e.getKey()), e.getKey())) {
        topChecked++;
      }
    }
    assertThat(checked).isGreaterThan(300);
    assertThat(topChecked).isGreaterThan(checked * 9 / 10);
  }

  @Test
  void gradientBoostedTreeContributionsAreSaabasPathAttributions() {
    PipelineModel m = fitTrees(new GBTClassifier().setMaxIter(20).setMaxDepth(4).setMaxBins(32)
        .setSeed(7));
    GBTClassificationModel gbt = (GBTClassificationModel) last(m);
    CompiledScorer scorer = CompiledScorer.compile(m, scoring.schema(),
        ScorerOptions.defaults().withContributions(ALL));
    assertThat(scorer.reasonUnit()).isEqualTo("log-odds");
    DecisionTreeModel[] trees = gbt.trees();
    double[] scales = new double[trees.length];
    double base = 0;
    for (int i = 0; i < trees.length; i++) {
      scales[i] = 2 * gbt.treeWeights()[i];
      base += scales[i] * trees[i].rootNode().prediction();
    }
    assertThat(scorer.baseValue()).isCloseTo(base, org.assertj.core.data.Offset.offset(1e-12));
    // Spark: rawPrediction = (-margin, margin), probability = 1 / (1 + exp(-2 margin)).
    checkTrees(m, scorer, trees, scales, Node::prediction,
        row -> 2 * ((Vector) row.get(1)).apply(1));
  }

  @Test
  void randomForestContributionsAreSaabasPathAttributionsOfTheProbability() {
    PipelineModel m = fitTrees(new RandomForestClassifier().setNumTrees(15).setMaxDepth(5)
        .setMaxBins(32).setSeed(8));
    RandomForestClassificationModel rf = (RandomForestClassificationModel) last(m);
    CompiledScorer scorer = CompiledScorer.compile(m, scoring.schema(),
        ScorerOptions.defaults().withContributions(ALL));
    assertThat(scorer.reasonUnit()).isEqualTo("probability");
    DecisionTreeModel[] trees = rf.trees();
    double[] scales = new double[trees.length];
    java.util.Arrays.fill(scales, 1.0 / trees.length);
    checkTrees(m, scorer, trees, scales, ReasonsTest::positiveShare,
        row -> ((Vector) row.get(2)).apply(1));
  }

  @Test
  void decisionTreeContributionsAreSaabasPathAttributionsOfTheProbability() {
    PipelineModel m = fitTrees(new DecisionTreeClassifier().setMaxDepth(6).setMaxBins(32));
    CompiledScorer scorer = CompiledScorer.compile(m, scoring.schema(),
        ScorerOptions.defaults().withContributions(ALL));
    DecisionTreeModel tree = (DecisionTreeClassificationModel) last(m);
    checkTrees(m, scorer, new DecisionTreeModel[] {tree}, new double[] {1.0},
        ReasonsTest::positiveShare, row -> ((Vector) row.get(2)).apply(1));
  }

  @Test
  void topReasonsAreTheLargestContributionsEachWay() {
    PipelineModel m = fitTrees(new GBTClassifier().setMaxIter(10).setMaxDepth(3).setSeed(9));
    CompiledScorer scorer = CompiledScorer.compile(m, scoring.schema(),
        ScorerOptions.defaults().withContributions(ALL).withTopReasons(2)
            .withReasonColumns("why_up", "why_down"));
    List<Row> rows = scorer.score(scoring).select(col(ALL), col("why_up"), col("why_down"))
        .collectAsList();
    int withBoth = 0;
    for (Row row : rows) {
      Map<String, Double> all = contributions(row);
      List<Row> up = row.getList(1);
      List<Row> down = row.getList(2);
      assertThat(up.size()).isLessThanOrEqualTo(2);
      assertThat(down.size()).isLessThanOrEqualTo(2);
      assertThat(up).allMatch(r -> r.getDouble(1) > 0);
      assertThat(down).allMatch(r -> r.getDouble(1) < 0);
      assertThat(up.size()).isEqualTo(Math.min(2, (int) all.values().stream()
          .filter(v -> v > 0).count()));
      assertThat(down.size()).isEqualTo(Math.min(2, (int) all.values().stream()
          .filter(v -> v < 0).count()));
      if (!up.isEmpty() && !down.isEmpty()) {
        withBoth++;
      }
    }
    assertThat(withBoth).isGreaterThan(rows.size() / 2);
  }

  // ------------------------------------------------------------------ trees

  private PipelineModel fitTrees(PipelineStage model) {
    return new Pipeline().setStages(CompiledScorerTest.treeStages(model)).fit(train);
  }

  /** Slot → reported input, from the tree pipeline's assembler order. */
  private static final String[] TREE_SLOT_GROUPS =
      {SOURCE, REGION, CHANNEL, VISITS, MINUTES, PAGES, MINUTES, VISITS};

  private void checkTrees(PipelineModel m, CompiledScorer scorer, DecisionTreeModel[] trees,
      double[] scales, ToDoubleFunction<Node> value, ToDoubleFunction<Row> sparkRaw) {
    double base = 0;
    for (int i = 0; i < trees.length; i++) {
      base += scales[i] * value.applyAsDouble(trees[i].rootNode());
    }
    assertThat(scorer.baseValue()).isCloseTo(base, org.assertj.core.data.Offset.offset(1e-12));
    Map<Long, Row> spark = rowsById(m.transform(scoring), "features", "rawPrediction",
        "probability");
    Map<Long, Row> ours = rowsById(scorer.score(scoring), ALL, CompiledScorer.REASONS_UP,
        CompiledScorer.REASONS_DOWN);
    assertThat(ours.keySet()).isEqualTo(spark.keySet());
    int topChecked = 0;
    for (Map.Entry<Long, Row> e : spark.entrySet()) {
      Vector x = (Vector) e.getValue().get(0);
      Map<String, Double> contributions = contributions(ours.get(e.getKey()));
      assertThat(base + sum(contributions)).as("lead %s", e.getKey())
          .isCloseTo(sparkRaw.applyAsDouble(e.getValue()),
              org.assertj.core.data.Offset.offset(TOLERANCE));
      Map<String, Double> brute = new LinkedHashMap<>();
      for (int i = 0; i < trees.length; i++) {
        Node node = trees[i].rootNode();
        while (node instanceof InternalNode in) {
          Node next = in.split().shouldGoLeft(x) ? in.leftChild() : in.rightChild();
          brute.merge(TREE_SLOT_GROUPS[in.split().featureIndex()],
              scales[i] * (value.applyAsDouble(next) - value.applyAsDouble(in)), Double::sum);
          node = next;
        }
      }
      assertSameContributions(brute, contributions, e.getKey());
      if (assertTopReasons(brute, ours.get(e.getKey()), e.getKey())) {
        topChecked++;
      }
    }
    assertThat(topChecked).isGreaterThan(spark.size() * 9 / 10);
  }

  private static double positiveShare(Node node) {
    double[] stats = node.impurityStats().stats();
    return stats[1] / (stats[0] + stats[1]);
  }

  // ------------------------------------------------------------------ helpers

  private static Transformer last(PipelineModel m) {
    List<Transformer> stages = PipelineCompiler.flatten(m);
    return stages.get(stages.size() - 1);
  }

  private static int[] range(int from, int to) {
    int[] out = new int[to - from];
    for (int i = 0; i < out.length; i++) {
      out[i] = from + i;
    }
    return out;
  }

  private static Map<Long, Row> rowsById(Dataset<Row> df, String... columns) {
    List<org.apache.spark.sql.Column> cols = new ArrayList<>();
    cols.add(col(ID));
    for (String c : columns) {
      cols.add(col(c));
    }
    Map<Long, Row> out = new HashMap<>();
    for (Row row : df.select(cols.toArray(org.apache.spark.sql.Column[]::new)).collectAsList()) {
      Object[] rest = new Object[columns.length];
      for (int i = 0; i < rest.length; i++) {
        rest[i] = row.get(i + 1);
      }
      out.put(row.getLong(0), org.apache.spark.sql.RowFactory.create(rest));
    }
    return out;
  }

  /** feature → contribution from the first column (all contributions) of {@code row}. */
  private static Map<String, Double> contributions(Row row) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Row item : row.<Row>getList(0)) {
      out.put(item.getString(0), item.getDouble(1));
    }
    return out;
  }

  private static double sum(Map<String, Double> contributions) {
    return contributions.values().stream().mapToDouble(Double::doubleValue).sum();
  }

  /** Same features with a non-zero contribution, and the same values. */
  private static void assertSameContributions(Map<String, Double> brute,
      Map<String, Double> ours, long id) {
    for (String f : union(brute, ours)) {
      assertThat(ours.getOrDefault(f, 0.0)).as("lead %s, %s", id, f)
          .isCloseTo(brute.getOrDefault(f, 0.0), org.assertj.core.data.Offset.offset(TOLERANCE));
    }
  }

  /**
   * reasons_up / reasons_down are the top three of the brute-force contributions. Returns
   * false (not checked) when rounding could reorder them: two contributions within 1e-12 of
   * each other or of zero.
   */
  private static boolean assertTopReasons(Map<String, Double> brute, Row ours, long id) {
    List<Double> values = new ArrayList<>(brute.values());
    values.add(0.0);
    values.sort(Double::compare);
    for (int i = 1; i < values.size(); i++) {
      double gap = values.get(i) - values.get(i - 1);
      if (gap <= 1e-12 && !(values.get(i) == 0.0 && values.get(i - 1) == 0.0)) {
        return false;
      }
    }
    List<Map.Entry<String, Double>> sorted = new ArrayList<>(brute.entrySet());
    sorted.sort(Comparator.comparingDouble(Map.Entry::getValue));
    List<String> wantUp = new ArrayList<>();
    for (int i = sorted.size() - 1; i >= 0 && wantUp.size() < 3; i--) {
      if (sorted.get(i).getValue() > 0) {
        wantUp.add(sorted.get(i).getKey());
      }
    }
    List<String> wantDown = new ArrayList<>();
    for (int i = 0; i < sorted.size() && wantDown.size() < 3; i++) {
      if (sorted.get(i).getValue() < 0) {
        wantDown.add(sorted.get(i).getKey());
      }
    }
    assertThat(names(ours.getList(1))).as("lead %s up", id).isEqualTo(wantUp);
    assertThat(names(ours.getList(2))).as("lead %s down", id).isEqualTo(wantDown);
    return true;
  }

  private static List<String> names(List<Row> reasons) {
    List<String> out = new ArrayList<>();
    for (Row r : reasons) {
      out.add(r.getString(0));
    }
    return out;
  }

  private static java.util.Set<String> union(Map<String, Double> a, Map<String, Double> b) {
    java.util.Set<String> out = new java.util.LinkedHashSet<>(a.keySet());
    out.addAll(b.keySet());
    return out;
  }
}
