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
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;

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

  /** Tiers from best to worst; the cut points separate A|B, B|C and C|D. */
  public static final List<String> TIERS = List.of("A", "B", "C", "D");

  /** Where this run's scores come from. */
  public record RunInfo(String modelName, String modelVersion, boolean fallback,
      long featuresVersion, Instant scoredAt, String runId) {}

  private BatchScoring() {}

  /**
   * Scores gold scoring-feature rows: the scores table's columns, percentile and tier still
   * null (see {@link #refreshPercentiles}).
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
    SparkSession spark = scored.sparkSession();
    if (!DeltaTable.isDeltaTable(spark, path)) {
      scored.limit(0).write().format("delta").save(path);
    }
    Dataset<Row> source = scored.withColumn(DELETED, lit(false));
    if (!full && deletedIds != null) {
      Dataset<Row> gone = deletedIds.select(col(LEAD_ID)).distinct();
      List<Column> cols = new ArrayList<>();
      for (var f : scored.schema().fields()) {
        cols.add(f.name().equals(LEAD_ID) ? col(LEAD_ID)
            : lit(null).cast(f.dataType()).as(f.name()));
      }
      cols.add(lit(true).as(DELETED));
      source = source.unionByName(gone.select(cols.toArray(Column[]::new)));
    }
    Column changed = col("t." + FEATURE_HASH).notEqual(col("s." + FEATURE_HASH))
        .or(col("t." + MODEL_NAME).notEqual(col("s." + MODEL_NAME)))
        .or(col("t." + MODEL_VERSION).notEqual(col("s." + MODEL_VERSION)))
        .or(col("t." + FALLBACK).notEqual(col("s." + FALLBACK)));
    Map<String, Column> set = new java.util.LinkedHashMap<>();
    for (String c : scored.columns()) {
      set.put(c, col("s." + c));
    }
    var merge = DeltaTable.forPath(spark, path).as("t")
        .merge(source.as("s"), col("t." + LEAD_ID).equalTo(col("s." + LEAD_ID)))
        .whenMatched(col("s." + DELETED)).delete()
        .whenMatched(changed).updateExpr(toExpr(set))
        .whenNotMatched(functions.not(col("s." + DELETED))).insertExpr(toExpr(set));
    if (full) {
      merge = merge.whenNotMatchedBySource().delete();
    }
    merge.execute();
  }

  private static Map<String, String> toExpr(Map<String, Column> set) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    set.keySet().forEach(k -> out.put("`" + k + "`", "s.`" + k + "`"));
    return out;
  }

  /**
   * Recomputes every lead's percentile (share of current leads scoring strictly lower, as
   * {@code percent_rank}: ties share one value, the best lead has 1) and tier, rewriting only
   * rows that changed.
   */
  public static void refreshPercentiles(SparkSession spark, String path, List<Double> tierCuts) {
    Dataset<Row> ranked = spark.read().format("delta").load(path)
        .select(col(LEAD_ID), col(SCORE))
        .withColumn(PERCENTILE, functions.percent_rank().over(Window.orderBy(col(SCORE))))
        .withColumn(TIER, tier(col(PERCENTILE), tierCuts));
    Column moved = functions.not(col("t." + PERCENTILE).eqNullSafe(col("s." + PERCENTILE)))
        .or(functions.not(col("t." + TIER).eqNullSafe(col("s." + TIER))));
    DeltaTable.forPath(spark, path).as("t")
        .merge(ranked.as("s"), col("t." + LEAD_ID).equalTo(col("s." + LEAD_ID)))
        .whenMatched(moved).updateExpr(Map.of(PERCENTILE, "s." + PERCENTILE, TIER, "s." + TIER))
        .execute();
  }

  /** A for percentile ≥ cuts[0], B ≥ cuts[1], C ≥ cuts[2], else D. */
  public static Column tier(Column percentile, List<Double> cuts) {
    if (cuts.size() != TIERS.size() - 1) {
      throw new IllegalArgumentException("tier cuts must be " + (TIERS.size() - 1)
          + " percentiles, cannot be: " + cuts);
    }
    Column t = when(percentile.geq(cuts.get(0)), TIERS.get(0));
    for (int i = 1; i < cuts.size(); i++) {
      t = t.when(percentile.geq(cuts.get(i)), TIERS.get(i));
    }
    return t.otherwise(TIERS.get(TIERS.size() - 1));
  }

  /**
   * Lead ids whose features changed in versions {@code from..to} of a table with the change
   * data feed on (inserted, updated or deleted).
   */
  public static Dataset<Row> changedLeadIds(SparkSession spark, String featuresPath, long from,
      long to) {
    return spark.read().format("delta").option("readChangeFeed", "true")
        .option("startingVersion", from).option("endingVersion", to).load(featuresPath)
        .select(col(LEAD_ID)).distinct();
  }
}
