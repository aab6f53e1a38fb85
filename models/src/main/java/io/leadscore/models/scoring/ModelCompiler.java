package io.leadscore.models.scoring;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.classification.DecisionTreeClassificationModel;
import org.apache.spark.ml.classification.GBTClassificationModel;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.classification.RandomForestClassificationModel;
import org.apache.spark.ml.tree.CategoricalSplit;
import org.apache.spark.ml.tree.ContinuousSplit;
import org.apache.spark.ml.tree.DecisionTreeModel;
import org.apache.spark.ml.tree.InternalNode;
import org.apache.spark.ml.tree.LeafNode;
import org.apache.spark.ml.tree.Node;
import org.apache.spark.ml.tree.Split;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * The classifier at the end of a pipeline as SQL over the symbolic slots of its feature vector:
 * the positive-class probability, plus per-feature contributions for the reasons.
 *
 * <p>Contributions, summed with {@link Compiled#base()}, give {@link Compiled#raw()}:
 * <ul>
 *   <li>logistic regression, in log-odds: {@code coef_j * (x_j - mean_j)} per vector slot, summed
 *       per input column; base = intercept + sum {@code coef_j * mean_j}; raw = the margin.
 *       The means are those of a reference data set (the training data), zero without one.</li>
 *   <li>gradient-boosted trees, in log-odds ({@code 2 * margin}, as Spark's log-loss
 *       probability is {@code 1 / (1 + exp(-2 margin))}): Saabas path attribution, the change
 *       of the node value (the node's mean training target) along the lead's decision path
 *       credited to the split's feature, times {@code 2 * treeWeight}, summed over trees;
 *       base = the weighted root values.</li>
 *   <li>random forest and decision tree, in probability: the same attribution on the node's
 *       positive-class fraction, divided by the number of trees; raw = the probability.</li>
 * </ul>
 */
final class ModelCompiler {

  /** The compiled model. {@code features} and {@code contributions} are parallel lists. */
  record Compiled(Column probability, Column raw, double base, String unit,
      List<String> features, List<Column> contributions, String description) {}

  private ModelCompiler() {}

  static boolean supports(Transformer stage) {
    return stage instanceof LogisticRegressionModel || stage instanceof GBTClassificationModel
        || stage instanceof RandomForestClassificationModel
        || stage instanceof DecisionTreeClassificationModel;
  }

  static String featuresCol(Transformer model) {
    return (String) model.getOrDefault(model.getParam("featuresCol"));
  }

  // ---------------------------------------------------------------- logistic regression

  static Compiled logistic(LogisticRegressionModel lr, Sym.Vec features, double[] means,
      Layers layers) {
    if (lr.numClasses() != 2 || lr.coefficientMatrix().numRows() != 1) {
      throw new UnsupportedStageException(PipelineCompiler.describe(lr)
          + " is multinomial; only binomial logistic regression is compiled");
    }
    double[] coef = lr.coefficients().toArray();
    List<Sym.Slot> slots = features.slots();
    checkSize(lr, coef.length, slots.size());
    double intercept = lr.intercept();

    // One linear term per input column: value slots as coef * x, one-hot blocks as a lookup
    // by category index (never the vector).
    Map<String, List<Integer>> groups = groupSlots(slots);
    layers.nextLayer();
    List<String> names = new ArrayList<>();
    List<Column> terms = new ArrayList<>();
    List<Double> offsets = new ArrayList<>();
    double base = intercept;
    for (Map.Entry<String, List<Integer>> g : groups.entrySet()) {
      Column term = null;
      Map<Integer, List<Integer>> blocks = new LinkedHashMap<>();
      double offset = 0.0;
      for (int j : g.getValue()) {
        offset += coef[j] * means[j];
        Sym.Slot slot = slots.get(j);
        if (slot instanceof Sym.IndicatorSlot s) {
          blocks.computeIfAbsent(s.index().id(), id -> new ArrayList<>()).add(j);
        } else {
          term = plus(term, slot.value().multiply(coef[j]));
        }
      }
      for (List<Integer> block : blocks.values()) {
        term = plus(term, oneHotTerm(block, slots, coef));
      }
      base += offset;
      names.add(g.getKey());
      terms.add(layers.materialize("lr_" + g.getKey(), term));
      offsets.add(offset);
    }
    layers.nextLayer();
    Column margin = lit(intercept);
    for (Column t : terms) {
      margin = margin.plus(t);
    }
    margin = layers.materialize("margin", margin);
    List<Column> contributions = new ArrayList<>();
    for (int i = 0; i < terms.size(); i++) {
      contributions.add(layers.materialize("contrib_" + names.get(i),
          terms.get(i).minus(offsets.get(i))));
    }
    // Spark: rawPrediction = (-margin, margin), probability(1) = 1 / (1 + exp(-margin)).
    Column probability = lit(1.0).divide(lit(1.0).plus(functions.exp(margin.multiply(-1.0))));
    return new Compiled(probability, margin, base, "log-odds", names, contributions,
        "logistic regression over " + slots.size() + " features, " + names.size() + " inputs");
  }

  /** coef . x over the slots of one one-hot block, as a lookup by the block's index. */
  private static Column oneHotTerm(List<Integer> block, List<Sym.Slot> slots, double[] coef) {
    Sym.IndexRef ref = ((Sym.IndicatorSlot) slots.get(block.get(0))).index();
    int maxCategory = 0;
    for (int j : block) {
      maxCategory = Math.max(maxCategory, ((Sym.IndicatorSlot) slots.get(j)).category());
    }
    double[] delta = new double[maxCategory + 1];
    double constant = 0.0;
    boolean allOffZero = true;
    for (int j : block) {
      allOffZero &= ((Sym.IndicatorSlot) slots.get(j)).off() == 0.0;
    }
    for (int j : block) {
      Sym.IndicatorSlot s = (Sym.IndicatorSlot) slots.get(j);
      if (allOffZero) {
        delta[s.category()] = s.on() * coef[j]; // what the sparse dot product adds
      } else {
        delta[s.category()] = s.on() * coef[j] - s.off() * coef[j];
        constant += s.off() * coef[j];
      }
    }
    Column idx = ref.expr();
    Column looked = when(idx.geq(0).and(idx.leq(maxCategory)),
        functions.get(arrayLiteral(delta), idx)).otherwise(0.0);
    Column term = allOffZero ? looked : looked.plus(constant);
    return ref.nullable() ? when(idx.isNull(), Double.NaN).otherwise(term) : term;
  }

  // ---------------------------------------------------------------- tree ensembles

  static Compiled gbt(GBTClassificationModel m, Sym.Vec features, Layers layers) {
    checkBinary(m, m.numClasses());
    DecisionTreeModel[] trees = m.trees();
    double[] weights = m.treeWeights();
    checkSize(m, m.numFeatures(), features.slots().size());
    List<TreeExpr> compiled = new ArrayList<>();
    double base = 0.0;
    for (int i = 0; i < trees.length; i++) {
      double w = weights[i];
      TreeExpr t = TreeExpr.build(trees[i].rootNode(), features.slots(), Node::prediction,
          2.0 * w);
      compiled.add(t);
      base += 2.0 * w * t.rootValue();
    }
    List<Column> leafIds = leafIds(compiled, layers);
    List<double[]> weighted = new ArrayList<>();
    for (int i = 0; i < compiled.size(); i++) {
      double[] w = new double[compiled.get(i).leafValues().length];
      for (int l = 0; l < w.length; l++) {
        w[l] = compiled.get(i).leafValues()[l] * weights[i];
      }
      weighted.add(w);
    }
    Contributions c = contributions(compiled, leafIds, layers);
    Column margin = sumOfLeafValues(weighted, leafIds, layers, "margin");
    layers.nextLayer();
    Column logOdds = layers.materialize("logodds", margin.multiply(2.0));
    // Spark: probability(0) = 1 / (1 + exp(2 margin)), probability(1) = 1 - probability(0).
    Column probability = lit(1.0).minus(lit(1.0).divide(lit(1.0).plus(functions.exp(logOdds))));
    return new Compiled(probability, logOdds, base, "log-odds", c.names, c.columns,
        "gradient-boosted trees: " + trees.length + " trees over " + features.slots().size()
            + " features");
  }

  static Compiled randomForest(RandomForestClassificationModel m, Sym.Vec features,
      Layers layers) {
    checkBinary(m, m.numClasses());
    checkSize(m, m.numFeatures(), features.slots().size());
    DecisionTreeModel[] trees = m.trees();
    int n = trees.length;
    List<TreeExpr> compiled = new ArrayList<>();
    double base = 0.0;
    for (DecisionTreeModel tree : trees) {
      TreeExpr t = TreeExpr.build(tree.rootNode(), features.slots(), ModelCompiler::positiveShare,
          1.0 / n);
      compiled.add(t);
      base += t.rootValue() / n;
    }
    List<Column> leafIds = leafIds(compiled, layers);
    // Spark: votes(c) = sum over trees of the leaf's class share; probability = votes / sum.
    List<double[]> shares0 = new ArrayList<>();
    List<double[]> shares1 = new ArrayList<>();
    for (TreeExpr t : compiled) {
      double[] share0 = new double[t.leafValues().length];
      for (int l = 0; l < share0.length; l++) {
        share0[l] = classShare(t.leaves().get(l), 0);
      }
      shares0.add(share0);
      shares1.add(t.leafValues());
    }
    Contributions c = contributions(compiled, leafIds, layers);
    Column votes0 = sumOfLeafValues(shares0, leafIds, layers, "votes0");
    Column votes1 = sumOfLeafValues(shares1, leafIds, layers, "votes1");
    layers.nextLayer();
    Column probability = layers.materialize("probability", votes1.divide(votes0.plus(votes1)));
    return new Compiled(probability, probability, base, "probability", c.names, c.columns,
        "random forest: " + n + " trees over " + features.slots().size() + " features");
  }

  static Compiled decisionTree(DecisionTreeClassificationModel m, Sym.Vec features,
      Layers layers) {
    checkBinary(m, m.numClasses());
    checkSize(m, m.numFeatures(), features.slots().size());
    TreeExpr t = TreeExpr.build(m.rootNode(), features.slots(), ModelCompiler::positiveShare, 1.0);
    List<Column> leafIds = leafIds(List.of(t), layers);
    Column probability = layers.materialize("probability",
        functions.get(arrayLiteral(t.leafValues()), leafIds.get(0)));
    Contributions c = contributions(List.of(t), leafIds, layers);
    return new Compiled(probability, probability, t.rootValue(), "probability", c.names,
        c.columns, "decision tree of depth " + m.depth() + " over " + features.slots().size()
            + " features");
  }

  private record Contributions(List<String> names, List<Column> columns) {}

  /** Per input column, the sum over trees of its path contribution at the lead's leaf. */
  private static Contributions contributions(List<TreeExpr> trees, List<Column> leafIds,
      Layers layers) {
    Map<String, Column> sums = new LinkedHashMap<>();
    for (int i = 0; i < trees.size(); i++) {
      for (Map.Entry<String, double[]> e : trees.get(i).contributions().entrySet()) {
        Column term = functions.get(arrayLiteral(e.getValue()), leafIds.get(i));
        sums.merge(e.getKey(), term, Column::plus);
      }
    }
    List<String> names = new ArrayList<>();
    List<Column> columns = new ArrayList<>();
    sums.forEach((name, sum) -> {
      names.add(name);
      columns.add(layers.materialize("contrib_" + name, sum));
    });
    return new Contributions(names, columns);
  }

  /** Each tree's leaf number, as hidden columns of one layer; the next layer reads them. */
  private static List<Column> leafIds(List<TreeExpr> trees, Layers layers) {
    List<Column> ids = new ArrayList<>();
    layers.nextLayer();
    for (int i = 0; i < trees.size(); i++) {
      ids.add(layers.materialize("leaf" + i, trees.get(i).leafId()));
    }
    layers.nextLayer();
    return ids;
  }

  /** Trees per partial sum of the score: keeps each generated sum method small. */
  private static final int TREES_PER_SUM = 25;

  /** sum over trees i of {@code values[i][leaf_i]}, in partial sums of TREES_PER_SUM trees. */
  private static Column sumOfLeafValues(List<double[]> values, List<Column> leafIds,
      Layers layers, String hint) {
    Column total = null;
    for (int from = 0; from < values.size(); from += TREES_PER_SUM) {
      Column partial = null;
      for (int i = from; i < Math.min(values.size(), from + TREES_PER_SUM); i++) {
        partial = plus(partial, functions.get(arrayLiteral(values.get(i)), leafIds.get(i)));
      }
      total = plus(total, layers.materialize(hint + "_" + from, partial));
    }
    return total;
  }

  /** The positive-class share of a classification node's training counts (0 if empty). */
  static double positiveShare(Node node) {
    return classShare(node, 1);
  }

  static double classShare(Node node, int label) {
    double[] stats = node.impurityStats().stats();
    double total = 0.0;
    for (double s : stats) {
      total += s;
    }
    return total == 0.0 ? 0.0 : stats[label] / total;
  }

  // ---------------------------------------------------------------- one tree

  /**
   * One decision tree as a nested IF on the slots that yields the leaf's number (leaves in
   * depth-first order), with each leaf's value and, per input column, the Saabas contribution
   * of the path to it (times {@code scale}).
   */
  record TreeExpr(Column leafId, List<Node> leaves, double[] leafValues,
      Map<String, double[]> contributions, double rootValue) {

    static TreeExpr build(Node root, List<Sym.Slot> slots, ToDoubleFunction<Node> value,
        double scale) {
      Builder b = new Builder(slots, value, scale);
      Column id = b.visit(root, new LinkedHashMap<>());
      double[] values = b.leaves.stream().mapToDouble(value).toArray();
      Map<String, double[]> contributions = new LinkedHashMap<>();
      for (int l = 0; l < b.paths.size(); l++) {
        for (Map.Entry<String, Double> e : b.paths.get(l).entrySet()) {
          contributions.computeIfAbsent(e.getKey(), k -> new double[b.leaves.size()])[l] =
              e.getValue();
        }
      }
      return new TreeExpr(id, b.leaves, values, contributions, value.applyAsDouble(root));
    }

    private static final class Builder {
      final List<Sym.Slot> slots;
      final ToDoubleFunction<Node> value;
      final double scale;
      final List<Node> leaves = new ArrayList<>();
      final List<Map<String, Double>> paths = new ArrayList<>();

      Builder(List<Sym.Slot> slots, ToDoubleFunction<Node> value, double scale) {
        this.slots = slots;
        this.value = value;
        this.scale = scale;
      }

      Column visit(Node node, Map<String, Double> path) {
        if (node instanceof LeafNode) {
          leaves.add(node);
          paths.add(path);
          return lit(leaves.size() - 1);
        }
        InternalNode in = (InternalNode) node;
        Split split = in.split();
        Sym.Slot slot = slots.get(split.featureIndex());
        double here = value.applyAsDouble(in);
        Column left = visit(in.leftChild(), step(path, slot.origin(),
            value.applyAsDouble(in.leftChild()) - here));
        Column right = visit(in.rightChild(), step(path, slot.origin(),
            value.applyAsDouble(in.rightChild()) - here));
        Decision d = decide(slot, split);
        return switch (d.kind) {
          case LEFT -> left;
          case RIGHT -> right;
          case TEST -> PipelineCompiler.ifThen(d.condition, left, right);
        };
      }

      private Map<String, Double> step(Map<String, Double> path, String origin, double delta) {
        Map<String, Double> next = new LinkedHashMap<>(path);
        next.merge(origin, delta * scale, Double::sum);
        return next;
      }
    }
  }

  private enum Kind { LEFT, RIGHT, TEST }

  private record Decision(Kind kind, Column condition) {}

  /** Spark's Split.shouldGoLeft on a symbolic slot. */
  static Decision decide(Sym.Slot slot, Split split) {
    if (slot instanceof Sym.IndicatorSlot s) {
      // The slot holds one of two constants, or NaN when its index is null.
      boolean onLeft = goesLeft(split, s.on());
      boolean offLeft = goesLeft(split, s.off());
      boolean nanLeft = goesLeft(split, Double.NaN);
      Column idx = s.index().expr();
      Decision notNull = onLeft == offLeft ? new Decision(onLeft ? Kind.LEFT : Kind.RIGHT, null)
          : new Decision(Kind.TEST, onLeft ? idx.equalTo(s.category())
              : idx.notEqual(s.category()));
      if (!s.index().nullable() || (notNull.kind != Kind.TEST && onLeft == nanLeft)) {
        return notNull;
      }
      Column whenNotNull = notNull.kind == Kind.TEST ? notNull.condition
          : lit(notNull.kind == Kind.LEFT);
      return new Decision(Kind.TEST, when(idx.isNull(), nanLeft).otherwise(whenNotNull));
    }
    Column v = slot.value();
    if (split instanceof ContinuousSplit c) {
      // NaN <= t is false in SQL as in Java, so NaN goes right in both.
      return new Decision(Kind.TEST, v.leq(c.threshold()));
    }
    CategoricalSplit c = (CategoricalSplit) split;
    // As CategoricalSplit does: it keeps the smaller side's categories and tests membership
    // in them, so a value in neither side (NaN, an index past numCategories) goes to the
    // other side.
    return storesLeft(c) ? new Decision(Kind.TEST, in(v, c.leftCategories()))
        : new Decision(Kind.TEST, functions.not(in(v, c.rightCategories())));
  }

  private static boolean storesLeft(CategoricalSplit c) {
    return c.leftCategories().length <= c.numCategories() / 2;
  }

  private static Column in(Column v, double[] categories) {
    if (categories.length == 0) {
      return lit(false);
    }
    Object[] values = new Object[categories.length];
    for (int i = 0; i < categories.length; i++) {
      values[i] = categories[i];
    }
    return v.isin(values);
  }

  /** Spark's shouldGoLeft for a known value. */
  static boolean goesLeft(Split split, double x) {
    if (split instanceof ContinuousSplit c) {
      return x <= c.threshold();
    }
    CategoricalSplit c = (CategoricalSplit) split;
    return storesLeft(c) ? contains(c.leftCategories(), x) : !contains(c.rightCategories(), x);
  }

  private static boolean contains(double[] categories, double x) {
    for (double cat : categories) {
      if (cat == x) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- helpers

  /** Slot indices grouped by the input column they are reported under, in slot order. */
  static Map<String, List<Integer>> groupSlots(List<Sym.Slot> slots) {
    Map<String, List<Integer>> groups = new LinkedHashMap<>();
    for (int j = 0; j < slots.size(); j++) {
      groups.computeIfAbsent(slots.get(j).origin(), k -> new ArrayList<>()).add(j);
    }
    return groups;
  }

  /** A double[] literal stored as UnsafeArrayData, read without boxing. */
  static Column arrayLiteral(double[] values) {
    return new Column(new Literal(UnsafeArrayData.fromPrimitiveArray(values),
        DataTypes.createArrayType(DataTypes.DoubleType, false)));
  }

  private static Column plus(Column sum, Column term) {
    return sum == null ? term : sum.plus(term);
  }

  private static void checkBinary(Transformer m, int numClasses) {
    if (numClasses != 2) {
      throw new UnsupportedStageException(PipelineCompiler.describe(m) + " has " + numClasses
          + " classes; only binary classifiers are compiled");
    }
  }

  private static void checkSize(Transformer m, int expected, int actual) {
    if (expected != actual) {
      throw new UnsupportedStageException(PipelineCompiler.describe(m) + " expects "
          + expected + " features but its features column has " + actual + " slots");
    }
  }
}
