package io.leadscore.transforms.lakehouse;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The one place that turns a {@link Table} into a path. The root is a local folder or any
 * Hadoop URI ({@code s3a://bucket/prefix}); nothing here touches the file system.
 */
public final class Lakehouse {
  private static final Pattern SOURCE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

  private final String root;

  public Lakehouse(String root) {
    Objects.requireNonNull(root, "lakehouse root");
    if (root.isBlank()) {
      throw new IllegalArgumentException("lakehouse root must not be blank");
    }
    this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
  }

  public String root() {
    return root;
  }

  /** Path of a per-source data table. */
  public String path(Table table, String source) {
    if (!table.isPerSource()) {
      throw new IllegalArgumentException(
          String.format("%s is an ops table shared by all sources; call path(table)", table));
    }
    return String.join("/", root, table.layer().folder(), checkSource(source), table.tableName());
  }

  /** Path of an ops table (ingest log, quality runs, drift, ...). */
  public String path(Table table) {
    if (table.isPerSource()) {
      throw new IllegalArgumentException(
          String.format("%s is kept per source; call path(table, source)", table));
    }
    return String.join("/", root, table.layer().folder(), table.tableName());
  }

  /** Folder for run reports (quality HTML/JSON, model cards) of one source. */
  public String reportsPath(String source) {
    return String.join("/", root, "reports", checkSource(source));
  }

  /** Local copies of registered models, one folder per model name and version. */
  public String modelCachePath() {
    return String.join("/", root, "_models", "cache");
  }

  /** Where a training run stages its model before uploading it to MLflow. */
  public String modelStagingPath(String runId) {
    return String.join("/", root, "_models", "staging", runId);
  }

  /**
   * Spark checkpoints of one run (tree ensembles cut their lineage there every 10 iterations;
   * without it a long GBT overflows the stack serialising its tasks). Deleted by the run.
   */
  public String checkpointPath(String runId) {
    return String.join("/", root, "_checkpoints", runId);
  }

  public static String checkSource(String source) {
    if (source == null || !SOURCE_NAME.matcher(source).matches()) {
      throw new IllegalArgumentException(String.format(
          "source must be lower snake_case (a-z, 0-9, _; starting with a letter), cannot be: %s",
          source));
    }
    return source;
  }

  @Override
  public String toString() {
    return "Lakehouse[" + root + "]";
  }
}
