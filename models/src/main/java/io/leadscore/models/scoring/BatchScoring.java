package io.leadscore.models.scoring;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.delta.tables.DeltaTable;
import io.leadscore.features.gold.GoldColumns;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * The scores table: one row per current lead with its score, percentile among current leads,
 * tier, reasons and where the score came from. Written by MERGE on lead_id: a row is rewritten
 * only when its features, the model or the fallback flag changed, so a rerun on the same inputs
 * changes nothing (scored_at and run_id included); percentiles and tiers are then recomputed
 * over the whole table and only rows whose percentile or tier moved are rewritten.
 */
public final class BatchScoring {

  public static final String LEAD_ID = GoldColumns.LEAD_ID;
  public static final String SCORE = CompiledScorer.SCORE;
  public static final String PERCENTILE = "percentile";
  public static final String TIER = "tier";
  public static final String REASONS_UP = CompiledScorer.REASONS_UP;
  public static final String REASONS_DOWN = CompiledScorer.REASONS_DOWN;
  public static final String MODEL_NAME = "model_name";
  public static final String MODEL_VERSION = "model_version";
  public static final String FALLBACK = "fallback";
  public static final String FEATURES_VERSION = "features_version";
  public static final String FEATURE_HASH = "feature_hash";
  public static final String SCORED_AT = "scored_at";
  public static final String RUN_ID = "run_id";
  private static final String DELETED = "_deleted";

  public static final String RANKING = "ranking";
  public static final int RANKING_SIZE = 100_000;
  static final StructType RANKING_SCHEMA = new StructType()
      .add(MODEL_NAME, DataTypes.StringType, false)
      .add(MODEL_VERSION, DataTypes.StringType, false)
      .add(FALLBACK, DataTypes.BooleanType, false)
      .add(FEATURES_VERSION, DataTypes.LongType, false)
      .add(RUN_ID, DataTypes.StringType, false)
      .add(SCORED_AT, DataTypes.TimestampType, false)
      .add(RANKING, DataTypes.createArrayType(DataTypes.DoubleType, false), false);
  /** Tiers from best to worst; the cut points separate A|B, B|C and C|D. */
  public static final List<String> TIERS = List.of("A", "B", "C", "D");

  /** Where this run's scores come from. */
  public record RunInfo(String modelName, String modelVersion, boolean fallback,
      long featuresVersion, Instant scoredAt, String runId) {}

  private BatchScoring() {}

  /**
   * Scores gold scoring-feature rows: the scores table's columns, percentile and tier still
   * null (see {@link #withPercentile}).
   */
  public static Dataset<Row> score(CompiledScorer scorer, Dataset<Row> features, RunInfo run) {
    List<String> missing = new ArrayList<>();
    for (String c : List.of(LEAD_ID, GoldColumns.FEATURE_HASH)) {
      if (!Arrays.asList(features.columns()).contains(c)) {
        missing.add(c);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("scoring features lack the columns: " + missing);
    }
    return scorer.score(features).select(
        col(LEAD_ID),
        col(SCORE),
        lit(null).cast("double").as(PERCENTILE),
        lit(null).cast("string").as(TIER),
        col(REASONS_UP),
        col(REASONS_DOWN),
        lit(run.modelName()).as(MODEL_NAME),
        lit(run.modelVersion()).as(MODEL_VERSION),
        lit(run.fallback()).as(FALLBACK),
        lit(run.featuresVersion()).as(FEATURES_VERSION),
        col(GoldColumns.FEATURE_HASH).as(FEATURE_HASH),
        lit(Timestamp.from(run.scoredAt())).as(SCORED_AT),
        lit(run.runId()).as(RUN_ID));
  }

  /**
   * MERGEs scored rows into the table at {@code path} (created if missing).
   *
   * @param deletedIds lead ids (column {@value #LEAD_ID}) to remove; ignored when {@code full}
   * @param full the scored rows are every current lead: rows of other leads are removed
   */
  public static void merge(Dataset<Row> scored, Dataset<Row> deletedIds, boolean full,
      String path) {
    merge(scored, deletedIds, full, path, -1);
  }

  /** An incremental MERGE broadcasts a source of at most this many rows (~300 bytes each). */
  public static final long BROADCAST_SOURCE_MAX_ROWS = 250_000;

  /**
   * {@link #merge(Dataset, Dataset, boolean, String)} knowing that {@code scored} has
   * {@code sourceRows} rows (-1: unknown). An incremental run's few rescored leads are then
   * broadcast to the target's tasks: Delta's joins read the target's lead ids without
   * shuffling all of them (twice) to meet a small source.
   */
  public static void merge(Dataset<Row> scored, Dataset<Row> deletedIds, boolean full,
      String path, long sourceRows) {
    SparkSession spark = scored.sparkSession();
    if (!full && sourceRows >= 0 && sourceRows <= BROADCAST_SOURCE_MAX_ROWS) {
      scored = functions.broadcast(scored);
    }
    boolean exists = DeltaTable.isDeltaTable(spark, path);
    if (full && (!exists || DeltaTable.forPath(spark, path).toDF().isEmpty())) {
      // Nothing to keep: a plain write. A MERGE would shuffle every scored row to join them
      // with no rows (its not-matched-by-source clause needs a full outer join). Two such runs
      // at once both read the table as empty: Delta fails the later commit.
      scored.write().format("delta").mode(SaveMode.Overwrite)
          .option("delta.enableDeletionVectors", "true").save(path);
      return;
    }
    if (!exists) {
      // Deletion vectors: a MERGE that updates 1 % of the leads marks their old rows deleted
      // and writes only those, instead of rewriting every file that holds one of them.
      scored.limit(0).write().format("delta")
          .option("delta.enableDeletionVectors", "true").save(path);
    }
    Map<String, Column> set = new java.util.LinkedHashMap<>();
    for (String c : scored.columns()) {
      set.put(c, col("s." + c));
    }
    Column sameLead = col("t." + LEAD_ID).equalTo(col("s." + LEAD_ID));
    // Delta 3.3 reads (and shuffles) every column of the target's touched files as soon as a
    // clause has a condition or deletes (delta-io/delta#4992, #5005); without either it reads
    // only the lead ids. So the common incremental run (changed leads, none deleted) MERGEs
    // with unconditional clauses: its leads all changed, no comparison needed.
    Dataset<Row> gone = full || deletedIds == null ? null
        : deletedIds.select(col(LEAD_ID)).distinct();
    if (!full && (gone == null || gone.isEmpty())) {
      DeltaTable.forPath(spark, path).as("t").merge(scored.as("s"), sameLead)
          .whenMatched().updateExpr(toExpr(set))
          .whenNotMatched().insertExpr(toExpr(set))
          .execute();
      return;
    }
    Dataset<Row> source = scored.withColumn(DELETED, lit(false));
    if (gone != null) {
      List<Column> cols = new ArrayList<>();
      for (var f : scored.schema().fields()) {
        cols.add(f.name().equals(LEAD_ID) ? col(LEAD_ID)
            : lit(null).cast(f.dataType()).as(f.name()));
      }
      cols.add(lit(true).as(DELETED));
      source = source.unionByName(gone.select(cols.toArray(Column[]::new)));
    }
    // A full run rescored every lead: rows whose inputs and placement did not change stay as
    // they are (a rerun leaves the table identical).
    Column changed = col("t." + FEATURE_HASH).notEqual(col("s." + FEATURE_HASH))
        .or(col("t." + MODEL_NAME).notEqual(col("s." + MODEL_NAME)))
        .or(col("t." + MODEL_VERSION).notEqual(col("s." + MODEL_VERSION)))
        .or(col("t." + FALLBACK).notEqual(col("s." + FALLBACK)))
        .or(functions.not(col("t." + PERCENTILE).eqNullSafe(col("s." + PERCENTILE))))
        .or(functions.not(col("t." + TIER).eqNullSafe(col("s." + TIER))));
    var merge = DeltaTable.forPath(spark, path).as("t").merge(source.as("s"), sameLead)
        .whenMatched(col("s." + DELETED)).delete()
        .whenMatched(full ? changed : lit(true)).updateExpr(toExpr(set))
        .whenNotMatched(functions.not(col("s." + DELETED))).insertExpr(toExpr(set));
    if (full) {
      merge = merge.whenNotMatchedBySource().delete();
    }
    if (!full) {
      merge.execute();
      return;
    }
    // A full run's source is every lead, scored: Delta would copy it all to cache it between
    // its two passes over the source. The source is deterministic (features pinned to a
    // version, a fitted model, pure expressions), so computing it twice is safe, and the first
    // pass needs only the lead ids.
    String key = "spark.databricks.delta.merge.materializeSource";
    scala.Option<String> previous = spark.conf().getOption(key);
    spark.conf().set(key, "none");
    try {
      merge.execute();
    } finally {
      if (previous.isDefined()) {
        spark.conf().set(key, previous.get());
      } else {
        spark.conf().unset(key);
      }
    }
  }

  private static Map<String, String> toExpr(Map<String, Column> set) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    set.keySet().forEach(k -> out.put("`" + k + "`", "s.`" + k + "`"));
    return out;
  }

  /**
   * The ranking percentiles are read from: the sorted scores of the current leads when there are
   * at most {@value #RANKING_SIZE} (then a percentile is exactly {@code percent_rank}), else
   * {@value #RANKING_SIZE} exact order statistics of them, evenly spaced by rank (percentile
   * error ≤ 1/({@value #RANKING_SIZE} − 1)). Built from the scores of a full run; incremental
   * runs place the leads they rescore against it, so one lead's new score never rewrites every
   * other lead's row (a global rank would: every rescored lead shifts thousands of others).
   *
   * <p>Cost: a count (no scoring), then one pass computing the scores alone. Up to
   * {@value #RANKING_ON_DRIVER_MAX} scores are sorted on the driver (8 bytes each, one array
   * per task sent back); more are cached as one column and sorted by Spark.
   */
  public static double[] ranking(Dataset<Row> scored) {
    return ranking(scored, RANKING_SIZE);
  }

  /** {@link #ranking(Dataset)} with {@code size} in place of {@value #RANKING_SIZE}. */
  static double[] ranking(Dataset<Row> scored, int size) {
    return ranking(scored, size, RANKING_ON_DRIVER_MAX);
  }

  static double[] ranking(Dataset<Row> scored, int size, long onDriverMax) {
    return rank(scored, size, onDriverMax, null).values();
  }

  /**
   * A full run's ranking (see {@link #ranking(Dataset)}), how many rows it ranked (those with
   * a null or NaN score included) and, when the scores were sorted on the driver, how many of
   * them fall in each tier of {@link #TIERS} (null otherwise): the run's tier mix without
   * reading the scores table back.
   */
  public record Ranked(double[] values, long rows, long[] tierCounts) {}

  /** {@link Ranked} of {@code scored}, tiers cut at {@code tierCuts} (see {@link #tier}). */
  public static Ranked rank(Dataset<Row> scored, List<Double> tierCuts) {
    return rank(scored, RANKING_SIZE, RANKING_ON_DRIVER_MAX, tierCuts);
  }

  /**
   * {@link Ranked} of {@code features} scored by {@code scorer}: column-wise from the scan's
   * batches when the scorer can ({@link CompiledScorer#columnarScores}; several times faster
   * than row by row) and the scores fit on the driver, else from
   * {@link CompiledScorer#scoreOnly}. Both give the same scores.
   */
  public static Ranked rank(CompiledScorer scorer, Dataset<Row> features,
      List<Double> tierCuts) {
    return rank(scorer, features, RANKING_SIZE, RANKING_ON_DRIVER_MAX, tierCuts);
  }

  static Ranked rank(CompiledScorer scorer, Dataset<Row> features, int size, long onDriverMax,
      List<Double> tierCuts) {
    var columnar = features.count() <= onDriverMax ? scorer.columnarScores(features)
        : Optional.<org.apache.spark.api.java.JavaRDD<double[]>>empty();
    if (columnar.isEmpty()) {
      return CompiledScorer.withScoringCodegen(features.sparkSession(),
          () -> rank(scorer.scoreOnly(features), size, onDriverMax, tierCuts));
    }
    checkRankingSize(size);
    List<scala.Tuple2<Long, double[]>> parts = columnar.get().mapPartitions(batches -> {
      long rows = 0;
      ScoreBuffer scores = new ScoreBuffer();
      while (batches.hasNext()) {
        double[] batch = batches.next();
        rows += batch.length;
        for (double score : batch) {
          scores.add(score);
        }
      }
      return List.of(new scala.Tuple2<>(rows, scores.sorted())).iterator();
    }).collect();
    long rows = 0;
    List<double[]> sortedParts = new ArrayList<>();
    for (scala.Tuple2<Long, double[]> p : parts) {
      rows += p._1();
      sortedParts.add(p._2());
    }
    return ranked(concatSorted(sortedParts), rows, size, tierCuts);
  }

  /** A task's scores, NaN left out, sorted when done (one array sent back per task). */
  private static final class ScoreBuffer {
    private double[] buffer = new double[1024];
    private int n;

    void add(double score) {
      if (Double.isNaN(score)) {
        return;
      }
      if (n == buffer.length) {
        buffer = Arrays.copyOf(buffer, 2 * n);
      }
      buffer[n++] = score;
    }

    double[] sorted() {
      double[] part = Arrays.copyOf(buffer, n);
      Arrays.sort(part);
      return part;
    }
  }

  /** The ranking of {@code sorted} (the scores of {@code rows} rows) and its tier counts. */
  private static Ranked ranked(double[] sorted, long rows, int size, List<Double> tierCuts) {
    double[] values = evenlyByRank(sorted, size);
    return new Ranked(values, rows,
        tierCuts == null ? null : tierCounts(sorted, rows, values, tierCuts));
  }

  private static void checkRankingSize(int size) {
    if (size < 2) {
      throw new IllegalArgumentException("ranking size must be ≥ 2, cannot be: " + size);
    }
  }

  /** Scores ranked on the driver at most; beyond, a distributed sort (see {@link #ranking}). */
  static final long RANKING_ON_DRIVER_MAX = 20_000_000L;

  static Ranked rank(Dataset<Row> scored, int size, long onDriverMax, List<Double> tierCuts) {
    checkRankingSize(size);
    long rows = scored.count();
    if (rows <= onDriverMax) {
      return ranked(scoresOnDriver(scored), rows, size, tierCuts);
    }
    return new Ranked(rankedBySpark(scored, size), rows, null);
  }

  /**
   * Rows per tier: each of the {@code sorted} scores placed against {@code ranking} as
   * {@link #withPercentile} places it; the rows without a score are D, as there.
   */
  private static long[] tierCounts(double[] sorted, long rows, double[] ranking,
      List<Double> tierCuts) {
    long[] counts = new long[TIERS.size()];
    for (double score : sorted) {
      counts[tierIndex(percentile(ranking, score), tierCuts)]++;
    }
    counts[TIERS.size() - 1] += rows - sorted.length;
    return counts;
  }

  /** The ranking of more scores than the driver sorts: by Spark's sort. */
  private static double[] rankedBySpark(Dataset<Row> scored, int size) {
    // Cached before filtering: a filter on the score would be pushed below the scorer's
    // projections with the whole score expression inlined into it, computing every score
    // again without the shared intermediate columns (3x slower at 1M leads).
    Dataset<Row> all = scored.select(col(SCORE)).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      all.count();
      Dataset<Row> scores = all.where(col(SCORE).isNotNull()
          .and(functions.not(functions.isnan(col(SCORE)))));
      long n = scores.count();
      double[] sorted;
      if (n <= size) {
        sorted = scores.as(org.apache.spark.sql.Encoders.DOUBLE()).collectAsList().stream()
            .mapToDouble(Double::doubleValue).toArray();
      } else {
        long last = n - 1;
        int steps = size - 1;
        sorted = scores.orderBy(col(SCORE)).javaRDD().zipWithIndex()
            .filter(t -> isPickedRank(t._2(), last, steps))
            .map(t -> t._1().getDouble(0)).collect().stream()
            .mapToDouble(Double::doubleValue).toArray();
        if (sorted.length != size) {
          throw new IllegalStateException(String.format(
              "ranking: picked %d of %d scores, expected %d", sorted.length, n, size));
        }
      }
      Arrays.sort(sorted);
      return sorted;
    } finally {
      all.unpersist();
    }
  }

  /**
   * Every non-null, non-NaN score, sorted: each task sorts its scores and sends them as one
   * array (read from Spark's internal rows, no Row objects); the driver's sort then merges runs.
   */
  private static double[] scoresOnDriver(Dataset<Row> scored) {
    List<double[]> parts = scored.select(col(SCORE)).queryExecution().toRdd().toJavaRDD()
        .mapPartitions(rows -> {
          ScoreBuffer scores = new ScoreBuffer();
          while (rows.hasNext()) {
            InternalRow row = rows.next();
            if (!row.isNullAt(0)) {
              scores.add(row.getDouble(0));
            }
          }
          return List.of(scores.sorted()).iterator();
        }).collect();
    return concatSorted(parts);
  }

  /** The parts' scores in one sorted array (each part sorted: the sort merges runs). */
  private static double[] concatSorted(List<double[]> parts) {
    int total = 0;
    for (double[] p : parts) {
      total = Math.addExact(total, p.length);
    }
    double[] all = new double[total];
    int at = 0;
    for (double[] p : parts) {
      System.arraycopy(p, 0, all, at, p.length);
      at += p.length;
    }
    Arrays.sort(all);
    return all;
  }

  /** {@code sorted} itself if short enough, else its ranks round(i · last / (size − 1)). */
  static double[] evenlyByRank(double[] sorted, int size) {
    if (sorted.length <= size) {
      return sorted;
    }
    long last = sorted.length - 1;
    int steps = size - 1;
    double[] out = new double[size];
    for (int i = 0; i < size; i++) {
      out[i] = sorted[(int) Math.round(i * (double) last / steps)];
    }
    return out;
  }

  /** Whether {@code rank} is round(i · last / steps) for some i in 0..steps. */
  static boolean isPickedRank(long rank, long last, int steps) {
    long i = Math.round(rank * (double) steps / last);
    for (long j = Math.max(0, i - 1); j <= Math.min(steps, i + 1); j++) {
      if (Math.round(j * (double) last / steps) == rank) {
        return true;
      }
    }
    return false;
  }

  /** Share of the ranking strictly below {@code score} (0 for an empty or one-score ranking). */
  public static double percentile(double[] ranking, double score) {
    if (ranking.length < 2) {
      return 0.0;
    }
    int lo = 0;
    int hi = ranking.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (ranking[mid] < score) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return Math.min(1.0, lo / (double) (ranking.length - 1));
  }

  /** Fills {@value #PERCENTILE} (against {@code ranking}) and {@value #TIER} of scored rows. */
  public static Dataset<Row> withPercentile(Dataset<Row> scored, double[] ranking,
      List<Double> tierCuts) {
    double[] r = ranking.clone();
    Column p = functions.udf((org.apache.spark.sql.api.java.UDF1<Double, Double>)
        s -> s == null || s.isNaN() ? null : percentile(r, s), DataTypes.DoubleType)
        .apply(col(SCORE));
    return scored.withColumn(PERCENTILE, p).withColumn(TIER, tier(col(PERCENTILE), tierCuts));
  }

  /**
   * Records the ranking of a full run, or the same ranking with the features version an
   * incremental run scored up to (one row: the table holds the current ranking and the last
   * scored features version, so a run finds both without scanning the scores).
   */
  public static void writeRanking(SparkSession spark, String path, double[] ranking,
      RunInfo run) {
    List<Double> values = Arrays.stream(ranking).boxed().toList();
    Row row = RowFactory.create(run.modelName(), run.modelVersion(), run.fallback(),
        run.featuresVersion(), run.runId(), Timestamp.from(run.scoredAt()), values);
    spark.createDataFrame(List.of(row), RANKING_SCHEMA).write().format("delta")
        .mode(SaveMode.Overwrite).save(path);
  }

  /** The current ranking and the features version the scores table holds. */
  public record Ranking(double[] values, long featuresVersion) {}

  /**
   * The ranking of the last full run and the last scored features version, if they were made
   * by the same model (name, version, fallback), else empty: another model's scores are on
   * another scale.
   */
  public static Optional<Ranking> readRanking(SparkSession spark, String path,
      String modelName, String modelVersion, boolean fallback) {
    if (!DeltaTable.isDeltaTable(spark, path)) {
      return Optional.empty();
    }
    List<Row> rows = spark.read().format("delta").load(path)
        .where(col(MODEL_NAME).equalTo(modelName).and(col(MODEL_VERSION).equalTo(modelVersion))
            .and(col(FALLBACK).equalTo(fallback)))
        .select(RANKING, FEATURES_VERSION).collectAsList();
    if (rows.size() != 1) {
      return Optional.empty();
    }
    List<Double> values = rows.get(0).getList(0);
    return Optional.of(new Ranking(values.stream().mapToDouble(Double::doubleValue).toArray(),
        rows.get(0).getLong(1)));
  }

  /** A for percentile ≥ cuts[0], B ≥ cuts[1], C ≥ cuts[2], else D. */
  public static Column tier(Column percentile, List<Double> cuts) {
    checkTierCuts(cuts);
    Column t = when(percentile.geq(cuts.get(0)), TIERS.get(0));
    for (int i = 1; i < cuts.size(); i++) {
      t = t.when(percentile.geq(cuts.get(i)), TIERS.get(i));
    }
    return t.otherwise(TIERS.get(TIERS.size() - 1));
  }

  /** The position in {@link #TIERS} that {@link #tier} gives {@code percentile}. */
  static int tierIndex(double percentile, List<Double> cuts) {
    checkTierCuts(cuts);
    for (int i = 0; i < cuts.size(); i++) {
      if (percentile >= cuts.get(i)) {
        return i;
      }
    }
    return cuts.size();
  }

  private static void checkTierCuts(List<Double> cuts) {
    if (cuts.size() != TIERS.size() - 1) {
      throw new IllegalArgumentException("tier cuts must be " + (TIERS.size() - 1)
          + " percentiles, cannot be: " + cuts);
    }
  }

  /**
   * What changed in versions {@code from..to} of a features table with the change data feed
   * on, read from the change feed alone (not the whole table).
   *
   * @param current    the latest row of every lead inserted or updated in the range and not
   *                   deleted after, with the table's columns
   * @param deletedIds lead ids (column {@value #LEAD_ID}) whose last change was a delete
   */
  public record Changes(Dataset<Row> current, Dataset<Row> deletedIds) {}

  private static final String CHANGE_TYPE = "_change_type";
  private static final String COMMIT_VERSION = "_commit_version";
  private static final String COMMIT_TIMESTAMP = "_commit_timestamp";
  private static final String CHANGE_ORDER = "__change_order";

  /** See {@link Changes}: one pass over the change feed of {@code from..to}. */
  public static Changes changedFeatures(SparkSession spark, String featuresPath, long from,
      long to) {
    Dataset<Row> feed = spark.read().format("delta").option("readChangeFeed", "true")
        .option("startingVersion", from).option("endingVersion", to).load(featuresPath)
        .where(col(CHANGE_TYPE).notEqual("update_preimage"));
    // A lead's last change wins; within one commit (an overwrite deletes and re-inserts), the
    // insert does.
    var byLead = org.apache.spark.sql.expressions.Window.partitionBy(col(LEAD_ID))
        .orderBy(col(COMMIT_VERSION).desc(), when(col(CHANGE_TYPE).equalTo("delete"), 1)
            .otherwise(0));
    Dataset<Row> last = feed.withColumn(CHANGE_ORDER, functions.row_number().over(byLead))
        .where(col(CHANGE_ORDER).equalTo(1));
    Dataset<Row> current = last.where(col(CHANGE_TYPE).notEqual("delete"))
        .drop(CHANGE_TYPE, COMMIT_VERSION, COMMIT_TIMESTAMP, CHANGE_ORDER);
    Dataset<Row> deleted = last.where(col(CHANGE_TYPE).equalTo("delete")).select(col(LEAD_ID));
    return new Changes(current, deleted);
  }
}
