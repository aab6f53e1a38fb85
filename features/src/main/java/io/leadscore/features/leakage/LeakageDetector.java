package io.leadscore.features.leakage;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.corr;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.leadscore.features.Columns;
import io.leadscore.features.FeatureSpec;
import io.leadscore.features.leakage.FeatureScreen.Decision;
import io.leadscore.features.leakage.LevelStatistics.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * Screens every candidate feature against the label before training, and against the current
 * scoring rows, and decides which features the model may use.
 *
 * <h2>Rules</h2>
 * A feature is flagged for leakage when any of these holds (thresholds in
 * {@link LeakageConfig}; all statistics on the labelled training rows):
 * <ol>
 *   <li><b>HIGH_AUC</b>: single-feature AUC ≥ 0.90 — the feature alone nearly decides the
 *       outcome, which honest lead attributes do not.</li>
 *   <li><b>HIGH_CRAMERS_V</b> (categoricals) ≥ 0.50 / <b>HIGH_POINT_BISERIAL</b> (numerics)
 *       |r| ≥ 0.50 — an association much stronger than behaviour or form answers show.</li>
 *   <li><b>PURE_LEVELS</b>: ≥ 25 % of all rows sit in levels (of ≥ 30 rows) that convert at
 *       ≤ 3 % or ≥ 95 % — outcome codes ("Closed by Horizzon", "Ringing") look like this.</li>
 *   <li><b>SPARSE_AND_DECISIVE</b> (categoricals and booleans; numerics only with
 *       {@link LeakageConfig#sparseRuleForNumerics()}): filled for &lt; 80 % of the rows, yet
 *       AUC ≥ 0.70 among the rows where it is filled — the signature of a field the sales team
 *       fills in during or after contact (lead quality, lead profile): blank for most leads,
 *       telling where set.</li>
 * </ol>
 * AUC alone cannot separate leaks from strong honest features (on X Education, Lead Profile
 * scores 0.67 and Last Activity 0.73), so the rules look at different shapes of leakage; each
 * has a margin on that data: the highest honest values are AUC 0.73 (vs 0.90), V 0.42 (vs
 * 0.50), purity 0.015 (vs 0.25) and, among sparse categoricals, answered AUC 0.60 (vs 0.70;
 * the sparse numeric Asymmetrique Activity Score: 0.625).
 *
 * <p>Quality flags: EMPTY (no value), CONSTANT (one value, always filled), IDENTIFIER_LIKE
 * (mostly distinct). Shift flags (with scoring rows): FILL_RATE_SHIFT (|Δ fill| ≥ 0.20) and
 * DISTRIBUTION_SHIFT (PSI ≥ 0.25; categoricals over training levels, rare levels pooled, unseen
 * ones as one level; numerics over training decile bins plus a missing bin).
 *
 * <p>Decision: quality flags always exclude; leakage and shift flags exclude unless the feature
 * is allow-listed with a reason (contract {@code leakageExempt}), then it is kept and the report
 * says why. Kept features with AUC ≥ 0.70 get a "watch" note.
 *
 * <p>Cost: a handful of aggregations over the (cached) candidate columns, all in Spark; only
 * per-level and per-bin counts reach the driver (categoricals with more than
 * {@code maxDistinctLevels} values are not collected: they are IDENTIFIER_LIKE).
 */
public final class LeakageDetector {
  public static final String KIND_CATEGORICAL = "categorical";
  public static final String KIND_BOOLEAN = "boolean";
  public static final String KIND_NUMERIC = "numeric";

  private static final String Y = "__y";
  private static final String OTHER = "__other__";
  private static final int MIN_ROWS_FOR_DISTINCT_RATIO = 50;

  private final LeakageConfig config;
  private final Map<String, String> allowList;

  private LeakageDetector(LeakageConfig config, Map<String, String> allowList) {
    this.config = Objects.requireNonNull(config, "config");
    this.allowList = Map.copyOf(allowList);
  }

  public static LeakageDetector withDefaults() {
    return new LeakageDetector(LeakageConfig.defaults(), Map.of());
  }

  public static LeakageDetector withConfig(LeakageConfig config) {
    return new LeakageDetector(config, Map.of());
  }

  /** Features kept despite flags, each with the reason (e.g. from the contract's leakageExempt). */
  public LeakageDetector allowList(Map<String, String> featureToReason) {
    featureToReason.forEach((feature, reason) -> {
      if (reason == null || reason.isBlank()) {
        throw new IllegalArgumentException(
            "an allow-listed feature needs a reason, cannot be blank for: " + feature);
      }
    });
    return new LeakageDetector(config, featureToReason);
  }

  public LeakageConfig config() {
    return config;
  }

  /** Screens against the label only (no scoring rows to compare with). */
  public LeakageReport screen(Dataset<Row> training, FeatureSpec spec) {
    return screen(training, null, spec);
  }

  /**
   * Screens the spec's categorical, boolean and numeric features.
   *
   * @param training labelled rows (rows with a null label are left out)
   * @param scoring  current scoring rows, or null to skip the shift checks
   */
  public LeakageReport screen(Dataset<Row> training, Dataset<Row> scoring, FeatureSpec spec) {
    String label = spec.labelColumn();
    if (label == null) {
      throw new IllegalArgumentException("leakage screening needs a label column in the spec");
    }
    List<String> categorical = new ArrayList<>(spec.categoricalColumns());
    categorical.addAll(spec.booleanColumns());
    Set<String> booleans = new HashSet<>(spec.booleanColumns());
    List<String> numeric = spec.numericColumns();
    List<String> all = new ArrayList<>(categorical);
    all.addAll(numeric);
    List<String> needed = new ArrayList<>(all);
    needed.add(label);
    Columns.require(training, "leakage screening (training rows)", needed);
    if (scoring != null) {
      Columns.require(scoring, "leakage screening (scoring rows)", all);
    }
    for (String f : allowList.keySet()) {
      if (!all.contains(f)) {
        throw new IllegalArgumentException(
            "allow-listed feature is not a candidate feature of the spec: " + f);
      }
    }

    Dataset<Row> t = prepared(training, categorical, numeric, label)
        .where(col(Y).isNotNull())
        .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> s = scoring == null ? null
        : prepared(scoring, categorical, numeric, null).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Row labelStats = t.agg(count(lit(1)), sum(col(Y)),
          count(when(col(Y).notEqual(0.0).and(col(Y).notEqual(1.0)), lit(1)))).first();
      long rows = labelStats.getLong(0);
      if (labelStats.getLong(2) > 0) {
        throw new IllegalArgumentException(String.format(
            "label column %s must hold 0 or 1, cannot be: %d rows with other values", label,
            labelStats.getLong(2)));
      }
      long positives = rows == 0 ? 0 : (long) labelStats.getDouble(1);
      if (positives == 0 || positives == rows) {
        throw new IllegalArgumentException(String.format(
            "label column %s needs converted and not converted rows, cannot be: %d of %d"
                + " converted", label, positives, rows));
      }
      long scoringRows = s == null ? 0 : s.count();
      List<FeatureScreen> screens = new ArrayList<>();
      screens.addAll(screenCategorical(t, s, scoringRows, categorical, booleans, rows,
          positives));
      screens.addAll(screenNumeric(t, s, scoringRows, numeric, categorical.size(), rows,
          positives));
      Map<String, FeatureScreen> byName = new HashMap<>();
      screens.forEach(x -> byName.put(x.feature(), x));
      List<FeatureScreen> ordered = all.stream().map(byName::get).toList();
      return new LeakageReport(ordered, config, rows, positives, scoring == null ? null
          : scoringRows);
    } finally {
      t.unpersist();
      if (s != null) {
        s.unpersist();
      }
    }
  }

  /**
   * Only what is screened, under positional names: c0.. categoricals as strings (blank → null),
   * n0.. numerics as doubles (NaN → null), and the label as a double.
   */
  private static Dataset<Row> prepared(Dataset<Row> data, List<String> categorical,
      List<String> numeric, String label) {
    List<Column> cols = new ArrayList<>();
    if (label != null) {
      cols.add(Columns.col(label).cast(DataTypes.DoubleType).as(Y));
    }
    for (int i = 0; i < categorical.size(); i++) {
      Column v = Columns.col(categorical.get(i)).cast(DataTypes.StringType);
      cols.add(when(trim(v).equalTo(""), lit(null).cast(DataTypes.StringType)).otherwise(v)
          .as("c" + i));
    }
    for (int i = 0; i < numeric.size(); i++) {
      Column v = Columns.col(numeric.get(i)).cast(DataTypes.DoubleType);
      cols.add(when(isnan(v), lit(null).cast(DataTypes.DoubleType)).otherwise(v).as("n" + i));
    }
    return data.select(cols.toArray(new Column[0]));
  }

  // ------------------------------------------------------------------ categoricals

  private List<FeatureScreen> screenCategorical(Dataset<Row> t, Dataset<Row> s, long scoringRows,
      List<String> names, Set<String> booleans, long rows, long positives) {
    if (names.isEmpty()) {
      return List.of();
    }
    Column[] pairs = new Column[names.size()];
    for (int i = 0; i < names.size(); i++) {
      pairs[i] = struct(lit(i).as("i"), col("c" + i).as("v"));
    }
    Dataset<Row> grouped = t.select(col(Y), explode(array(pairs)).as("p"))
        .groupBy(col("p.i").as("i"), col("p.v").as("v"))
        .agg(count(lit(1)).as("n"), sum(col(Y)).cast(DataTypes.LongType).as("pos"))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Map<Integer, Long> distinct = new HashMap<>();
      for (Row r : grouped.where(col("v").isNotNull()).groupBy("i").count().collectAsList()) {
        distinct.put(r.getInt(0), r.getLong(1));
      }
      List<Integer> collectable = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        if (distinct.getOrDefault(i, 0L) <= config.maxDistinctLevels()) {
          collectable.add(i);
        }
      }
      Map<Integer, List<Level>> levels = new HashMap<>();
      Map<Integer, Long> missing = new HashMap<>();
      for (Row r : grouped.where(col("i").isin(collectable.toArray())).collectAsList()) {
        int i = r.getInt(0);
        String v = r.isNullAt(1) ? LevelStatistics.MISSING : r.getString(1);
        levels.computeIfAbsent(i, x -> new ArrayList<>()).add(new Level(v, r.getLong(2),
            r.getLong(3)));
      }
      // missing rows of every feature, also the ones not collected
      for (Row r : grouped.where(col("v").isNull()).select("i", "n").collectAsList()) {
        missing.put(r.getInt(0), r.getLong(1));
      }
      Map<Integer, Map<String, Long>> scoringCounts = s == null ? Map.of()
          : scoringLevelCounts(s, levels, names.size());

      List<FeatureScreen> out = new ArrayList<>();
      double base = positives / (double) rows;
      for (int i = 0; i < names.size(); i++) {
        String name = names.get(i);
        long filled = rows - missing.getOrDefault(i, 0L);
        double fill = filled / (double) rows;
        long nDistinct = distinct.getOrDefault(i, 0L);
        Stats st = new Stats();
        st.kind = booleans.contains(name) ? KIND_BOOLEAN : KIND_CATEGORICAL;
        st.fill = fill;
        st.distinct = nDistinct;
        List<Level> lv = levels.get(i);
        boolean identifier = nDistinct > config.maxDistinctLevels()
            || (filled >= MIN_ROWS_FOR_DISTINCT_RATIO
                && nDistinct >= config.maxDistinctRatio() * filled);
        if (filled == 0) {
          st.quality = FlagReason.EMPTY;
          st.qualityDetail = String.format(Locale.ROOT, "no value in %d rows", rows);
        } else if (nDistinct <= 1 && filled == rows) {
          st.quality = FlagReason.CONSTANT;
          st.qualityDetail = "one value in every row";
        } else if (identifier) {
          st.quality = FlagReason.IDENTIFIER_LIKE;
          st.qualityDetail = String.format(Locale.ROOT, "%d distinct values in %d filled rows",
              nDistinct, filled);
        }
        if (lv != null && st.quality != FlagReason.IDENTIFIER_LIKE) {
          List<Level> pooled = LevelStatistics.pool(lv, config.minLevelSupport());
          st.auc = nan(LevelStatistics.aucByRate(pooled));
          st.answeredAuc = nan(LevelStatistics.aucByRate(pooled.stream()
              .filter(l -> !LevelStatistics.MISSING.equals(l.value())).toList()));
          st.cramersV = LevelStatistics.cramersV(pooled);
          st.purity = LevelStatistics.purity(pooled, config.minLevelSupport(),
              config.pureLowRate(), config.pureHighRate());
          st.topLevels = topLevels(pooled, base);
          if (s != null) {
            Map<String, Long> expected = pooledDistribution(lv, lv);
            Map<String, Long> actual = pooledDistribution(lv,
                toLevels(scoringCounts.getOrDefault(i, Map.of())));
            st.psi = nan(LevelStatistics.psi(expected, actual));
            long scoringMissing = scoringCounts.getOrDefault(i, Map.of())
                .getOrDefault(LevelStatistics.MISSING, 0L);
            st.fillScoring = scoringRows == 0 ? null
                : 1 - scoringMissing / (double) scoringRows;
          }
        }
        out.add(decide(name, rows, st));
      }
      return out;
    } finally {
      grouped.unpersist();
    }
  }

  /** Scoring counts per training level; unseen values as {@code __other__}, null as missing. */
  private static Map<Integer, Map<String, Long>> scoringLevelCounts(Dataset<Row> s,
      Map<Integer, List<Level>> levels, int features) {
    List<Column> pairs = new ArrayList<>();
    for (int i = 0; i < features; i++) {
      List<Level> lv = levels.get(i);
      if (lv == null) {
        continue;
      }
      Object[] known = lv.stream().map(Level::value)
          .filter(v -> !LevelStatistics.MISSING.equals(v)).toArray();
      Column c = col("c" + i);
      Column mapped = when(c.isNull(), lit(LevelStatistics.MISSING))
          .when(c.isin(known), c).otherwise(lit(OTHER));
      pairs.add(struct(lit(i).as("i"), mapped.as("v")));
    }
    Map<Integer, Map<String, Long>> out = new HashMap<>();
    if (pairs.isEmpty()) {
      return out;
    }
    for (Row r : s.select(explode(array(pairs.toArray(new Column[0]))).as("p"))
        .groupBy("p.i", "p.v").count().collectAsList()) {
      out.computeIfAbsent(r.getInt(0), x -> new HashMap<>()).put(r.getString(1), r.getLong(2));
    }
    return out;
  }

  private static List<Level> toLevels(Map<String, Long> counts) {
    List<Level> out = new ArrayList<>();
    counts.forEach((k, v) -> out.add(new Level(k, v, 0)));
    return out;
  }

  /** Counts of {@code levels} over the training levels, rare training levels pooled. */
  private Map<String, Long> pooledDistribution(List<Level> training, List<Level> levels) {
    Set<String> rare = new HashSet<>();
    for (Level l : training) {
      if (l.rows() < config.minLevelSupport() && !LevelStatistics.MISSING.equals(l.value())) {
        rare.add(l.value());
      }
    }
    Map<String, Long> out = new LinkedHashMap<>();
    for (Level l : levels) {
      String key = rare.contains(l.value()) ? LevelStatistics.POOLED : l.value();
      out.merge(key, l.rows(), Long::sum);
    }
    return out;
  }

  // ------------------------------------------------------------------ numerics

  private List<FeatureScreen> screenNumeric(Dataset<Row> t, Dataset<Row> s, long scoringRows,
      List<String> names, int offset, long rows, long positives) {
    if (names.isEmpty()) {
      return List.of();
    }
    int k = names.size();
    // fill, positives among filled rows, correlation, min and max: one aggregation
    List<Column> aggs = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      Column n = col("n" + i);
      aggs.add(count(n));
      aggs.add(coalesce(sum(when(n.isNotNull(), col(Y))), lit(0.0)));
      aggs.add(corr(n, col(Y)));
      aggs.add(min(n));
      aggs.add(max(n));
    }
    Row basic = t.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0])).first();

    // exact rank AUC by value over filled rows: cumulative negatives below each distinct value
    Column[] pairs = new Column[k];
    for (int i = 0; i < k; i++) {
      pairs[i] = struct(lit(i).as("i"), col("n" + i).as("v"));
    }
    WindowSpec below = Window.partitionBy("i").orderBy("v")
        .rowsBetween(Window.unboundedPreceding(), -1);
    Map<Integer, Double> valueAuc = new HashMap<>();
    for (Row r : t.select(col(Y), explode(array(pairs)).as("p"))
        .where(col("p.v").isNotNull())
        .groupBy(col("p.i").as("i"), col("p.v").as("v"))
        .agg(sum(col(Y)).as("pos"), sum(lit(1.0).minus(col(Y))).as("neg"))
        .withColumn("neg_below", coalesce(sum("neg").over(below), lit(0.0)))
        .groupBy("i")
        .agg(sum(col("pos").multiply(col("neg_below").plus(col("neg").multiply(0.5)))).as("u"),
            sum("pos").as("p"), sum("neg").as("q"))
        .collectAsList()) {
      double p = r.getDouble(2);
      double q = r.getDouble(3);
      valueAuc.put(r.getInt(0), p == 0 || q == 0 ? Double.NaN : r.getDouble(1) / (p * q));
    }

    // bins from training quantiles, for purity and PSI
    double[] probs = new double[config.psiBins() - 1];
    for (int j = 0; j < probs.length; j++) {
      probs[j] = (j + 1) / (double) config.psiBins();
    }
    String[] numCols = new String[k];
    for (int i = 0; i < k; i++) {
      numCols[i] = "n" + i;
    }
    double[][] quantiles = t.stat().approxQuantile(numCols, probs, 0.001);
    List<double[]> cuts = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      TreeSet<Double> distinctCuts = new TreeSet<>();
      if (quantiles.length > i) {
        Arrays.stream(quantiles[i]).forEach(distinctCuts::add);
      }
      cuts.add(distinctCuts.stream().mapToDouble(Double::doubleValue).toArray());
    }
    Map<Integer, List<Level>> trainBins = binCounts(t, cuts, true);
    Map<Integer, List<Level>> scoreBins = s == null ? Map.of() : binCounts(s, cuts, false);

    List<FeatureScreen> out = new ArrayList<>();
    double base = positives / (double) rows;
    for (int i = 0; i < k; i++) {
      long filled = basic.getLong(5 * i);
      double posFilled = basic.getDouble(5 * i + 1);
      Double r = basic.isNullAt(5 * i + 2) ? null : nan(basic.getDouble(5 * i + 2));
      Double lo = basic.isNullAt(5 * i + 3) ? null : basic.getDouble(5 * i + 3);
      Double hi = basic.isNullAt(5 * i + 4) ? null : basic.getDouble(5 * i + 4);
      Stats st = new Stats();
      st.kind = KIND_NUMERIC;
      st.fill = filled / (double) rows;
      if (filled == 0) {
        st.quality = FlagReason.EMPTY;
        st.qualityDetail = String.format(Locale.ROOT, "no value in %d rows", rows);
      } else if (filled == rows && Objects.equals(lo, hi)) {
        st.quality = FlagReason.CONSTANT;
        st.qualityDetail = "one value (" + fmt(lo) + ") in every row";
      }
      if (filled > 0) {
        double a = valueAuc.getOrDefault(i, Double.NaN);
        st.auc = Double.isNaN(a) ? null : Math.max(a, 1 - a);
        st.answeredAuc = st.auc;
        if (filled < rows) {
          long posMissing = positives - Math.round(posFilled);
          st.missingAuc = nan(LevelStatistics.aucByRate(List.of(
              new Level("filled", filled, Math.round(posFilled)),
              new Level(LevelStatistics.MISSING, rows - filled, posMissing))));
        }
        st.pointBiserial = r;
        List<Level> bins = labelBins(trainBins.getOrDefault(i, List.of()), cuts.get(i));
        st.purity = LevelStatistics.purity(bins, config.minLevelSupport(),
            config.pureLowRate(), config.pureHighRate());
        st.topLevels = topLevels(bins, base);
        if (s != null) {
          List<Level> scoring = labelBins(scoreBins.getOrDefault(i, List.of()), cuts.get(i));
          st.psi = nan(LevelStatistics.psi(asMap(bins), asMap(scoring)));
          long scoringMissing = scoring.stream()
              .filter(l -> LevelStatistics.MISSING.equals(l.value())).mapToLong(Level::rows).sum();
          st.fillScoring = scoringRows == 0 ? null : 1 - scoringMissing / (double) scoringRows;
        }
      }
      out.add(decide(names.get(i), rows, st));
    }
    return out;
  }

  /** Per numeric feature, rows (and positives) per bin; bin −1 = missing. */
  private Map<Integer, List<Level>> binCounts(Dataset<Row> data, List<double[]> cuts,
      boolean withLabel) {
    Column[] pairs = new Column[cuts.size()];
    for (int i = 0; i < cuts.size(); i++) {
      Column v = col("n" + i);
      Column bin = lit(0);
      for (double cut : cuts.get(i)) {
        bin = bin.plus(when(v.gt(cut), lit(1)).otherwise(lit(0)));
      }
      pairs[i] = struct(lit(i).as("i"), when(v.isNull(), lit(-1)).otherwise(bin).as("b"));
    }
    Dataset<Row> exploded = withLabel
        ? data.select(col(Y), explode(array(pairs)).as("p"))
        : data.select(lit(0.0).as(Y), explode(array(pairs)).as("p"));
    Map<Integer, List<Level>> out = new HashMap<>();
    for (Row r : exploded.groupBy(col("p.i").as("i"), col("p.b").as("b"))
        .agg(count(lit(1)), sum(col(Y)).cast(DataTypes.LongType)).collectAsList()) {
      out.computeIfAbsent(r.getInt(0), x -> new ArrayList<>())
          .add(new Level(Integer.toString(r.getInt(1)), r.getLong(2), r.getLong(3)));
    }
    return out;
  }

  /** Bin numbers → readable bin labels ("≤ 57", "(57, 146]", "> 1380", missing). */
  private static List<Level> labelBins(List<Level> bins, double[] cuts) {
    List<Level> out = new ArrayList<>();
    for (Level b : bins) {
      int idx = Integer.parseInt(b.value());
      String name;
      if (idx < 0) {
        name = LevelStatistics.MISSING;
      } else if (cuts.length == 0) {
        name = "all values";
      } else if (idx == 0) {
        name = "<= " + fmt(cuts[0]);
      } else if (idx == cuts.length) {
        name = "> " + fmt(cuts[cuts.length - 1]);
      } else {
        name = "(" + fmt(cuts[idx - 1]) + ", " + fmt(cuts[idx]) + "]";
      }
      out.add(new Level(name, b.rows(), b.positives()));
    }
    out.sort(Comparator.comparing(Level::value));
    return out;
  }

  private static Map<String, Long> asMap(List<Level> levels) {
    Map<String, Long> m = new LinkedHashMap<>();
    levels.forEach(l -> m.merge(l.value(), l.rows(), Long::sum));
    return m;
  }

  // ------------------------------------------------------------------ decision

  /** Mutable statistics of one feature while it is screened. */
  private static final class Stats {
    String kind;
    double fill;
    Long distinct;
    Double auc;
    Double answeredAuc;
    Double missingAuc;
    Double cramersV;
    Double pointBiserial;
    Double purity;
    Double fillScoring;
    Double psi;
    FlagReason quality;
    String qualityDetail;
    List<Level> topLevels = List.of();
  }

  private FeatureScreen decide(String name, long rows, Stats st) {
    List<FlagReason> flags = new ArrayList<>();
    List<String> details = new ArrayList<>();
    LeakageConfig c = config;
    if (st.quality != null) {
      flags.add(st.quality);
      details.add(st.qualityDetail);
    } else {
      if (st.auc != null && st.auc >= c.maxAuc()) {
        flags.add(FlagReason.HIGH_AUC);
        details.add(String.format(Locale.ROOT, "AUC %.3f >= %.2f", st.auc, c.maxAuc()));
      } else if (st.missingAuc != null && st.missingAuc >= c.maxAuc()) {
        flags.add(FlagReason.HIGH_AUC);
        details.add(String.format(Locale.ROOT, "missing-value AUC %.3f >= %.2f", st.missingAuc,
            c.maxAuc()));
      }
      if (st.cramersV != null && st.cramersV >= c.maxCramersV()) {
        flags.add(FlagReason.HIGH_CRAMERS_V);
        details.add(String.format(Locale.ROOT, "Cramér's V %.3f >= %.2f", st.cramersV,
            c.maxCramersV()));
      }
      if (st.pointBiserial != null && Math.abs(st.pointBiserial) >= c.maxPointBiserial()) {
        flags.add(FlagReason.HIGH_POINT_BISERIAL);
        details.add(String.format(Locale.ROOT, "|point-biserial r| %.3f >= %.2f",
            Math.abs(st.pointBiserial), c.maxPointBiserial()));
      }
      if (st.purity != null && st.purity >= c.maxPurity()) {
        flags.add(FlagReason.PURE_LEVELS);
        details.add(String.format(Locale.ROOT,
            "%.1f %% of rows in levels converting <= %.0f %% or >= %.0f %% (limit %.0f %%)",
            100 * st.purity, 100 * c.pureLowRate(), 100 * c.pureHighRate(),
            100 * c.maxPurity()));
      }
      boolean sparseRuleApplies = !KIND_NUMERIC.equals(st.kind) || c.sparseRuleForNumerics();
      if (sparseRuleApplies && st.fill < c.sparseMaxFillRate() && st.answeredAuc != null
          && st.answeredAuc >= c.sparseMinAnsweredAuc()) {
        flags.add(FlagReason.SPARSE_AND_DECISIVE);
        details.add(String.format(Locale.ROOT,
            "filled %.1f %% < %.0f %% and AUC where filled %.3f >= %.2f", 100 * st.fill,
            100 * c.sparseMaxFillRate(), st.answeredAuc, c.sparseMinAnsweredAuc()));
      }
    }
    Double shift = st.fillScoring == null ? null : st.fillScoring - st.fill;
    if (shift != null && Math.abs(shift) >= c.maxFillRateShift()) {
      flags.add(FlagReason.FILL_RATE_SHIFT);
      details.add(String.format(Locale.ROOT, "fill %.1f %% in training, %.1f %% in scoring",
          100 * st.fill, 100 * st.fillScoring));
    }
    if (st.psi != null && st.psi >= c.maxPsi()) {
      flags.add(FlagReason.DISTRIBUTION_SHIFT);
      details.add(String.format(Locale.ROOT, "PSI %.3f >= %.2f", st.psi, c.maxPsi()));
    }

    String allowReason = allowList.get(name);
    List<String> notes = new ArrayList<>();
    Decision decision;
    boolean quality = flags.stream().anyMatch(f -> f.kind() == FlagReason.Kind.QUALITY);
    if (quality) {
      decision = Decision.EXCLUDE;
      if (allowReason != null) {
        notes.add("allow-list ignored: " + flags.get(0).name() + " always excludes");
      }
    } else if (!flags.isEmpty()) {
      decision = allowReason != null ? Decision.KEEP_ALLOW_LISTED : Decision.EXCLUDE;
    } else {
      decision = Decision.KEEP;
    }
    if (decision != Decision.EXCLUDE && st.auc != null && st.auc >= c.warnAuc()) {
      notes.add(String.format(Locale.ROOT, "watch: AUC %.3f >= %.2f; check when it is recorded",
          st.auc, c.warnAuc()));
    }
    return new FeatureScreen(name, st.kind, rows, st.fill, st.distinct, st.auc, st.answeredAuc,
        st.missingAuc, st.cramersV, st.pointBiserial, st.purity, st.fillScoring, shift, st.psi,
        flags, details, allowReason, decision, notes, st.topLevels);
  }

  /** Up to five supported levels furthest from the base rate. */
  private List<Level> topLevels(List<Level> levels, double base) {
    return levels.stream().filter(l -> l.rows() >= config.minLevelSupport())
        .sorted(Comparator.comparingDouble((Level l) -> -Math.abs(l.rate() - base))
            .thenComparing(Level::value))
        .limit(5).toList();
  }

  private static Double nan(double v) {
    return Double.isNaN(v) ? null : v;
  }

  private static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v)
        : String.format(Locale.ROOT, "%.4g", v);
  }
}
