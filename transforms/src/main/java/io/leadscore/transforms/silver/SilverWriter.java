package io.leadscore.transforms.silver;

import io.delta.tables.DeltaTable;
import io.leadscore.transforms.bronze.BronzeColumns;
import io.leadscore.transforms.contract.DatasetContract;

import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Writes silver and quarantine with Delta MERGE, so a repeated batch changes nothing. */
public final class SilverWriter {
  private static final String AUTO_MERGE = "spark.databricks.delta.schema.autoMerge.enabled";

  private SilverWriter() {}

  /** What one MERGE did, from Delta's operation metrics. */
  public record MergeCounts(long sourceRows, long inserted, long updated, long version) {
    /** Source rows that matched a row that was as new or newer: superseded by silver. */
    public long stale() {
      return sourceRows - inserted - updated;
    }
  }

  /**
   * MERGEs one row per id into silver: new ids are inserted, a row replaces the stored one only
   * when it is newer (updated-at; without one, ingested later).
   */
  public static MergeCounts mergeLatest(SparkSession spark, String path, Dataset<Row> latest,
      DatasetContract d) {
    if (!DeltaTable.isDeltaTable(spark, path)) {
      return create(spark, path, latest);
    }
    String id = d.idColumn().name();
    String newer = d.updatedAtColumn()
        .map(u -> String.format("s.`%1$s` > t.`%1$s` OR t.`%1$s` IS NULL", u.name()))
        .orElse(String.format("s.`%1$s` > t.`%1$s`", BronzeColumns.INGESTED_AT));
    return withAutoMerge(spark, () -> {
      DeltaTable.forPath(spark, path).as("t")
          .merge(latest.as("s"), String.format("t.`%1$s` = s.`%1$s`", id))
          .whenMatched(newer).updateAll()
          .whenNotMatched().insertAll()
          .execute();
      return lastMergeCounts(spark, path);
    });
  }

  /** Inserts quarantine rows not already there (same dataset, batch and record). */
  public static MergeCounts appendQuarantine(SparkSession spark, String path,
      Dataset<Row> quarantine) {
    if (!DeltaTable.isDeltaTable(spark, path)) {
      return create(spark, path, quarantine);
    }
    String on = SilverTransforms.QUARANTINE_KEY.stream()
        .map(k -> String.format("t.`%1$s` = s.`%1$s`", k)).collect(Collectors.joining(" AND "));
    return withAutoMerge(spark, () -> {
      DeltaTable.forPath(spark, path).as("t").merge(quarantine.as("s"), on)
          .whenNotMatched().insertAll().execute();
      return lastMergeCounts(spark, path);
    });
  }

  /** The current version of a Delta table, or -1 when there is none. */
  public static long version(SparkSession spark, String path) {
    if (!DeltaTable.isDeltaTable(spark, path)) {
      return -1;
    }
    return DeltaTable.forPath(spark, path).history(1).select("version").head().getLong(0);
  }

  /** The first batch of a table: a plain write (every row an insert) costs less than MERGE. */
  private static MergeCounts create(SparkSession spark, String path, Dataset<Row> rows) {
    rows.write().format("delta").mode("errorifexists").save(path);
    Row last = DeltaTable.forPath(spark, path).history(1)
        .select("version", "operationMetrics").head();
    long written = metric(last.getJavaMap(1), "numOutputRows");
    return new MergeCounts(written, written, 0, last.getLong(0));
  }

  private static MergeCounts lastMergeCounts(SparkSession spark, String path) {
    Row last = DeltaTable.forPath(spark, path).history(1)
        .select("version", "operation", "operationMetrics").head();
    if (!"MERGE".equals(last.getString(1))) {
      throw new IllegalStateException(String.format(
          "expected the last commit of %s to be our MERGE, found %s (another writer?)", path,
          last.getString(1)));
    }
    Map<String, String> m = last.getJavaMap(2);
    return new MergeCounts(metric(m, "numSourceRows"), metric(m, "numTargetRowsInserted"),
        metric(m, "numTargetRowsUpdated"), last.getLong(0));
  }

  private static long metric(Map<String, String> m, String name) {
    String v = m.get(name);
    return v == null ? 0 : Long.parseLong(v);
  }

  private static <T> T withAutoMerge(SparkSession spark, java.util.function.Supplier<T> work) {
    String before = spark.conf().get(AUTO_MERGE, "false");
    spark.conf().set(AUTO_MERGE, "true");
    try {
      return work.get();
    } finally {
      spark.conf().set(AUTO_MERGE, before);
    }
  }

}
