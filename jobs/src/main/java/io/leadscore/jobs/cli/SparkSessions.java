package io.leadscore.jobs.cli;

import io.leadscore.jobs.config.LeadscoreConfig;
import org.apache.spark.sql.SparkSession;

/** Builds the run's one SparkSession. The master comes from spark-submit, never from here. */
public final class SparkSessions {
  public static final String DELTA_EXTENSION = "io.delta.sql.DeltaSparkSessionExtension";
  public static final String DELTA_CATALOG = "org.apache.spark.sql.delta.catalog.DeltaCatalog";

  private SparkSessions() {}

  public static SparkSession build(String appName, LeadscoreConfig config) {
    SparkSession.Builder builder = SparkSession.builder()
        .appName(appName)
        .config("spark.sql.extensions", DELTA_EXTENSION)
        .config("spark.sql.catalog.spark_catalog", DELTA_CATALOG)
        .config("spark.sql.session.timeZone", "UTC");
    // Hadoop settings (fs.s3a.*) from the config reach the Hadoop configuration via spark.hadoop.
    config.spark().forEach((key, value) ->
        builder.config(key.startsWith("fs.") ? "spark.hadoop." + key : key, value));
    return builder.getOrCreate();
  }
}
