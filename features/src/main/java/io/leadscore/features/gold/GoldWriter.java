package io.leadscore.features.gold;

import static org.apache.spark.sql.functions.col;

import io.delta.tables.DeltaTable;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Writes the gold tables idempotently, recording the Delta version of every input in the
 * commit's user metadata.
 */
public final class GoldWriter {
  private static final String USER_METADATA = "spark.databricks.delta.commitInfo.userMetadata";

  private GoldWriter() {}

  /** Training rows replace the table: a rerun on the same inputs gives the same content. */
  public static void overwriteTraining(Dataset<Row> gold, String path,
      Map<String, String> properties, String inputs) {
    var writer = gold.write().format("delta").mode(SaveMode.Overwrite)
        .option("overwriteSchema", "true").option("userMetadata", inputs);
    writer.save(path);
    if (!properties.isEmpty()) {
      String set = properties.entrySet().stream()
          .map(e -> String.format("'%s' = '%s'", e.getKey(), e.getValue().replace("'", "\\'")))
          .collect(Collectors.joining(", "));
      gold.sparkSession().sql(String.format("ALTER TABLE delta.`%s` SET TBLPROPERTIES (%s)",
          path, set));
    }
  }

  /**
   * Scoring rows: MERGE on lead_id that rewrites a row only when its features changed (by
   * hash), adds new leads and removes leads no longer current, so the table's change data feed
   * names exactly the leads whose features changed. A rerun changes nothing.
   *
   * @return the table's version after the write
   */
  public static long mergeScoring(Dataset<Row> gold, String path, String inputs) {
    SparkSession spark = gold.sparkSession();
    if (!DeltaTable.isDeltaTable(spark, path)) {
      gold.limit(0).write().format("delta").option("delta.enableChangeDataFeed", "true")
          .save(path);
    }
    String previous = spark.conf().getOption(USER_METADATA).getOrElse(() -> null);
    spark.conf().set(USER_METADATA, inputs);
    try {
      DeltaTable.forPath(spark, path).as("t")
          .merge(gold.as("s"), col("t." + GoldColumns.LEAD_ID)
              .equalTo(col("s." + GoldColumns.LEAD_ID)))
          .whenMatched(col("t." + GoldColumns.FEATURE_HASH)
              .notEqual(col("s." + GoldColumns.FEATURE_HASH))).updateAll()
          .whenNotMatched().insertAll()
          .whenNotMatchedBySource().delete()
          .execute();
    } finally {
      if (previous == null) {
        spark.conf().unset(USER_METADATA);
      } else {
        spark.conf().set(USER_METADATA, previous);
      }
    }
    return latestVersion(spark, path).orElseThrow();
  }

  /** The latest version of a Delta table, or empty when there is no table at the path. */
  public static Optional<Long> latestVersion(SparkSession spark, String path) {
    if (!DeltaTable.isDeltaTable(spark, path)) {
      return Optional.empty();
    }
    return Optional.of(DeltaTable.forPath(spark, path).history(1).select("version").head()
        .getLong(0));
  }

  /** A table property of a Delta table, if set. */
  public static Optional<String> tableProperty(SparkSession spark, String path, String key) {
    if (!DeltaTable.isDeltaTable(spark, path)) {
      return Optional.empty();
    }
    Row detail = DeltaTable.forPath(spark, path).detail().select("properties").head();
    scala.collection.Map<String, String> props = detail.getMap(0);
    return props.contains(key) ? Optional.of(props.apply(key)) : Optional.empty();
  }
}
