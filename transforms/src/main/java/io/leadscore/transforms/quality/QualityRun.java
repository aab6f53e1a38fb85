package io.leadscore.transforms.quality;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;

/**
 * One validate run of one dataset, as recorded in the quality-runs table (ops, all sources)
 * and in its JSON/HTML report. Counts reconcile: rows read = inserted + updated + quarantined
 * + superseded (duplicates in the run + rows older than silver's).
 */
public record QualityRun(
    String runId, String source, String dataset, String contractHash, Instant startedAt,
    Instant finishedAt, String status, List<String> batches, long rowsRead, long inserted,
    long updated, long quarantined, long supersededInRun, long supersededStale,
    List<RuleCount> rules, List<CheckResult> checks, Map<String, Double> deequMetrics,
    long silverVersion, String reportJson, String reportHtml, String message) {

  public static final String PASSED = "passed";
  public static final String WARNED = "warned";
  public static final String BLOCKED = "blocked";

  /** Failures of one rule (per column for the built-in ones) among the rows it checked. */
  public record RuleCount(String rule, String column, String severity, long evaluated,
      long failed) {
    public long passed() {
      return evaluated - failed;
    }
  }

  public long superseded() {
    return supersededInRun + supersededStale;
  }

  /** A blocked run writes nothing: all its rows stay pending in bronze, so it reconciles. */
  public boolean reconciled() {
    return BLOCKED.equals(status)
        ? inserted + updated + quarantined + superseded() == 0
        : rowsRead == inserted + updated + quarantined + superseded();
  }

  /** Whether silver was updated (the run's batches count as validated). */
  public boolean validated() {
    return PASSED.equals(status) || WARNED.equals(status);
  }

  public String reconciliation() {
    if (BLOCKED.equals(status)) {
      return String.format("rows read %d, all held back in bronze (blocked: silver and"
          + " quarantine unchanged, the batches stay pending)", rowsRead);
    }
    return String.format("rows read %d = inserted %d + updated %d + quarantined %d + superseded"
        + " %d (%d duplicates in the run, %d older than silver): %s", rowsRead, inserted, updated,
        quarantined, superseded(), supersededInRun, supersededStale,
        reconciled() ? "reconciled" : "DOES NOT RECONCILE");
  }

  // ---- table ----

  private static final StructType RULE = new StructType()
      .add("rule", DataTypes.StringType, false).add("column", DataTypes.StringType, true)
      .add("severity", DataTypes.StringType, false).add("evaluated", DataTypes.LongType, false)
      .add("failed", DataTypes.LongType, false).add("passed", DataTypes.LongType, false);
  private static final StructType CHECK = new StructType()
      .add("name", DataTypes.StringType, false).add("check", DataTypes.StringType, false)
      .add("level", DataTypes.StringType, false).add("value", DataTypes.DoubleType, true)
      .add("min", DataTypes.DoubleType, true).add("max", DataTypes.DoubleType, true)
      .add("passed", DataTypes.BooleanType, false).add("message", DataTypes.StringType, true);

  public static final StructType SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("source", DataTypes.StringType, false)
      .add("dataset", DataTypes.StringType, false)
      .add("contract_hash", DataTypes.StringType, true)
      .add("started_at", DataTypes.TimestampType, false)
      .add("finished_at", DataTypes.TimestampType, false)
      .add("status", DataTypes.StringType, false)
      .add("batches", DataTypes.createArrayType(DataTypes.StringType), false)
      .add("rows_read", DataTypes.LongType, false)
      .add("inserted", DataTypes.LongType, false)
      .add("updated", DataTypes.LongType, false)
      .add("quarantined", DataTypes.LongType, false)
      .add("superseded", DataTypes.LongType, false)
      .add("superseded_in_run", DataTypes.LongType, false)
      .add("superseded_stale", DataTypes.LongType, false)
      .add("reconciled", DataTypes.BooleanType, false)
      .add("rules", DataTypes.createArrayType(RULE), false)
      .add("checks", DataTypes.createArrayType(CHECK), false)
      .add("deequ_metrics", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType),
          false)
      .add("silver_version", DataTypes.LongType, false)
      .add("report_json", DataTypes.StringType, true)
      .add("report_html", DataTypes.StringType, true)
      .add("message", DataTypes.StringType, true);

  public Row toRow() {
    List<Row> ruleRows = rules.stream().map(r -> RowFactory.create(r.rule(), r.column(),
        r.severity(), r.evaluated(), r.failed(), r.passed())).toList();
    List<Row> checkRows = checks.stream().map(c -> RowFactory.create(c.name(), c.check(),
        c.level(), finite(c.value()), finite(c.min()), finite(c.max()), c.passed(), c.message()))
        .toList();
    Map<String, Double> finiteMetrics = new java.util.LinkedHashMap<>();
    deequMetrics.forEach((k, v) -> {
      if (v != null && !v.isNaN() && !v.isInfinite()) {
        finiteMetrics.put(k, v);
      }
    });
    return RowFactory.create(runId, source, dataset, contractHash, Timestamp.from(startedAt),
        Timestamp.from(finishedAt), status, seq(batches), rowsRead, inserted, updated,
        quarantined, superseded(), supersededInRun, supersededStale, reconciled(), seq(ruleRows),
        seq(checkRows), JavaConverters.mapAsScalaMap(finiteMetrics).toMap(
            scala.Predef$.MODULE$.$conforms()),
        silverVersion, reportJson, reportHtml, message);
  }

  private static Double finite(Double v) {
    return v == null || v.isNaN() || v.isInfinite() ? null : v;
  }

  private static <T> scala.collection.Seq<T> seq(List<T> values) {
    return JavaConverters.asScalaBuffer(new ArrayList<>(values)).toSeq();
  }

  /** Batches that earlier runs validated (silver updated) for a source and dataset. */
  public static List<String> validatedBatches(Dataset<Row> runs, String source, String dataset) {
    return runs.filter(runs.col("source").equalTo(source)
            .and(runs.col("dataset").equalTo(dataset))
            .and(runs.col("status").isin(PASSED, WARNED)))
        .select(org.apache.spark.sql.functions.explode(runs.col("batches")))
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
  }

  /** Rows read by the earlier validating runs of a source and dataset, newest first. */
  public static List<Long> earlierRowsRead(Dataset<Row> runs, String source, String dataset) {
    return runs.filter(runs.col("source").equalTo(source)
            .and(runs.col("dataset").equalTo(dataset))
            .and(runs.col("status").isin(PASSED, WARNED)))
        .orderBy(runs.col("started_at").desc())
        .select("rows_read").as(org.apache.spark.sql.Encoders.LONG()).collectAsList();
  }
}
