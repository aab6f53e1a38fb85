package io.leadscore.transforms.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;

import io.delta.tables.DeltaTable;
import io.leadscore.transforms.bronze.BronzeColumns;
import io.leadscore.transforms.bronze.IngestLog;
import io.leadscore.transforms.contract.ContractException;
import io.leadscore.transforms.contract.DatasetContract;
import io.leadscore.transforms.contract.RuleSpec;
import io.leadscore.transforms.lakehouse.Lakehouse;
import io.leadscore.transforms.lakehouse.Table;
import io.leadscore.transforms.quality.DatasetChecks;
import io.leadscore.transforms.quality.QualityReport;
import io.leadscore.transforms.quality.QualityRun;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Validates the bronze batches of one dataset that no earlier run validated: checks every
 * row, runs the dataset checks, and — unless a blocking check fails — MERGEs the latest row
 * per id into silver and the rejects into quarantine; records the quality run and writes its
 * reports either way.
 */
public final class Validator {
  private Validator() {}

  /**
   * What the run is about. {@code piiKey} may be null when the dataset has no PII;
   * {@code step} is told the name of each step as it starts (Spark UI, timings).
   */
  public record Request(SparkSession spark, Lakehouse lakehouse, String source,
      DatasetContract dataset, String contractHash, String piiKey, String runId,
      Instant startedAt, java.util.function.Consumer<String> step) {}

  /** Ingested batches of a dataset no validating run has processed yet, oldest first. */
  public static List<IngestLog.Entry> pendingBatches(SparkSession spark, Lakehouse lakehouse,
      String source, String dataset) {
    String logPath = lakehouse.path(Table.INGEST_LOG);
    if (!DeltaTable.isDeltaTable(spark, logPath)) {
      return List.of();
    }
    List<IngestLog.Entry> ingested = IngestLog.entries(spark.read().format("delta")
        .load(logPath), source, dataset).stream().filter(IngestLog.Entry::ingested).toList();
    String runsPath = lakehouse.path(Table.QUALITY_RUNS);
    Set<String> done = DeltaTable.isDeltaTable(spark, runsPath)
        ? new java.util.HashSet<>(QualityRun.validatedBatches(
            spark.read().format("delta").load(runsPath), source, dataset))
        : Set.of();
    return ingested.stream().filter(e -> !done.contains(e.batchId())).toList();
  }

  public static QualityRun validate(Request q, List<IngestLog.Entry> batches) {
    SparkSession spark = q.spark();
    DatasetContract d = q.dataset();
    List<String> batchIds = batches.stream().map(IngestLog.Entry::batchId).toList();
    Dataset<Row> bronze = spark.read().format("delta")
        .load(q.lakehouse().path(bronzeTable(d), q.source()))
        .filter(col(BronzeColumns.BATCH_ID).isin(batchIds.toArray()));
    List<String> lacking = d.columnNames().stream()
        .filter(n -> !Arrays.asList(bronze.columns()).contains(n)).toList();
    if (!lacking.isEmpty()) {
      throw new ContractException(String.format("the contract of %s declares %s column(s) %s that"
          + " bronze does not have (added after those files were ingested?): mark them required:"
          + " false and re-ingest, or fix the contract", q.source(), d.name(), lacking));
    }
    q.step().accept("check every row against the rules");
    Dataset<Row> checked = bronze
        .transform(b -> SilverTransforms.normalised(b, d))
        .transform(n -> SilverTransforms.typed(n, d))
        .transform(t -> SilverTransforms.withRuleViolations(t, d, q.startedAt()))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      return validateChecked(q, batches, batchIds, checked);
    } finally {
      checked.unpersist();
    }
  }

  private static QualityRun validateChecked(Request q, List<IngestLog.Entry> batches,
      List<String> batchIds, Dataset<Row> checked) {
    SparkSession spark = q.spark();
    DatasetContract d = q.dataset();
    long rowsRead = checked.count();
    q.step().accept("count rule failures and rejects");
    List<QualityRun.RuleCount> rules = ruleCounts(checked, d, rowsRead);
    Dataset<Row> quarantineRows = SilverTransforms.quarantineShape(
        SilverTransforms.rejected(checked), d, q.piiKey(), q.runId(), q.startedAt());
    long quarantined = SilverTransforms.rejected(checked).count();
    Dataset<Row> accepted = SilverTransforms.accepted(checked);

    q.step().accept("run the dataset checks (Deequ)");
    String runsPath = q.lakehouse().path(Table.QUALITY_RUNS);
    List<Long> history = DeltaTable.isDeltaTable(spark, runsPath)
        ? QualityRun.earlierRowsRead(spark.read().format("delta").load(runsPath), q.source(),
            d.name()) : List.of();
    DatasetChecks.Outcome checks = DatasetChecks.run(
        accepted.select(d.columnNames().stream().map(org.apache.spark.sql.functions::col)
            .toArray(org.apache.spark.sql.Column[]::new)),
        d, d.columnNames(), rowsRead, quarantined, history);
    q.step().accept("sample rejects for the report");
    List<QualityReport.SampleReject> samples =
        QualityReport.samples(quarantineRows, QualityReport.SAMPLE_REJECTS);
    List<String> extra = extraColumns(batches);
    String silverPath = q.lakehouse().path(silverTable(d), q.source());

    if (checks.blocked()) {
      String failed = checks.results().stream().filter(r -> r.blocking() && !r.passed())
          .map(r -> r.name() + " (" + r.message() + ")").reduce((a, b) -> a + "; " + b)
          .orElse("");
      QualityRun run = new QualityRun(q.runId(), q.source(), d.name(), q.contractHash(),
          q.startedAt(), Instant.now(), QualityRun.BLOCKED, batchIds, rowsRead, 0, 0, 0, 0, 0,
          rules, checks.results(), checks.metrics(),
          SilverWriter.version(spark, silverPath), null, null,
          "blocking check failed, silver and quarantine unchanged: " + failed);
      return record(q, run, samples, extra);
    }

    q.step().accept("hash PII and keep the latest row per id");
    Dataset<Row> latest = accepted
        .transform(a -> SilverTransforms.withPiiHashed(a, d, q.piiKey()))
        .transform(a -> SilverTransforms.latestPerId(a, d))
        .transform(a -> SilverTransforms.silverShape(a, d, q.runId(), q.startedAt()))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long distinctIds = latest.count();
      q.step().accept("MERGE into silver");
      SilverWriter.MergeCounts merged = SilverWriter.mergeLatest(spark, silverPath, latest, d);
      if (merged.sourceRows() != distinctIds) {
        throw new IllegalStateException(String.format("MERGE into %s saw %d source rows, expected"
            + " %d", silverPath, merged.sourceRows(), distinctIds));
      }
      long quarantineInserted = 0;
      if (quarantined > 0) {
        q.step().accept("MERGE into quarantine");
        quarantineInserted = SilverWriter.appendQuarantine(spark,
            q.lakehouse().path(Table.QUARANTINE, q.source()), quarantineRows).inserted();
      }
      String status = checks.warned() ? QualityRun.WARNED : QualityRun.PASSED;
      String message = quarantineInserted == quarantined ? null : String.format(
          "%d of the %d rejected rows were already in quarantine (a repeated run)",
          quarantined - quarantineInserted, quarantined);
      QualityRun run = new QualityRun(q.runId(), q.source(), d.name(), q.contractHash(),
          q.startedAt(), Instant.now(), status, batchIds, rowsRead, merged.inserted(),
          merged.updated(), quarantined, rowsRead - quarantined - distinctIds, merged.stale(),
          rules, checks.results(), checks.metrics(), merged.version(), null, null, message);
      return record(q, run, samples, extra);
    } finally {
      latest.unpersist();
    }
  }

  /** Writes the reports and appends the run to the quality-runs table. */
  private static QualityRun record(Request q, QualityRun run,
      List<QualityReport.SampleReject> samples, List<String> extra) {
    q.step().accept("record the quality run and write its reports");
    String base = q.lakehouse().reportsPath(q.source()) + "/quality/" + run.dataset() + "-"
        + run.runId();
    QualityRun withPaths = new QualityRun(run.runId(), run.source(), run.dataset(),
        run.contractHash(), run.startedAt(), run.finishedAt(), run.status(), run.batches(),
        run.rowsRead(), run.inserted(), run.updated(), run.quarantined(), run.supersededInRun(),
        run.supersededStale(), run.rules(), run.checks(), run.deequMetrics(),
        run.silverVersion(), base + ".json", base + ".html", run.message());
    var hadoop = q.spark().sparkContext().hadoopConfiguration();
    QualityReport.write(hadoop, withPaths.reportJson(),
        QualityReport.json(withPaths, samples, extra));
    QualityReport.write(hadoop, withPaths.reportHtml(),
        QualityReport.html(withPaths, samples, extra));
    q.spark().createDataFrame(List.of(withPaths.toRow()), QualityRun.SCHEMA)
        .write().format("delta").mode(SaveMode.Append).option("mergeSchema", "true")
        .save(q.lakehouse().path(Table.QUALITY_RUNS));
    return withPaths;
  }

  /** Failures per rule (and column, for the built-in rules) among the rows each rule saw. */
  static List<QualityRun.RuleCount> ruleCounts(Dataset<Row> checked, DatasetContract d,
      long rowsRead) {
    Map<String, Long> failed = new HashMap<>();
    for (Row r : checked.select(explode(col(SilverColumns.VIOLATIONS)).as("v"))
        .groupBy(col("v." + SilverColumns.RULE), col("v." + SilverColumns.COLUMN))
        .count().collectAsList()) {
      failed.put(r.getString(0) + "|" + r.getString(1), r.getLong(2));
    }
    long malformed = failed.getOrDefault(Rules.MALFORMED + "|null", 0L);
    List<QualityRun.RuleCount> out = new ArrayList<>();
    for (RuleSpec r : Rules.effective(d)) {
      String column = r.check() == RuleSpec.Check.COMPARE ? r.left() + "," + r.right()
          : r.column();
      boolean isMalformed = Rules.MALFORMED.equals(r.name());
      out.add(new QualityRun.RuleCount(r.name(), column, r.severity().spelling(),
          isMalformed ? rowsRead : rowsRead - malformed,
          failed.getOrDefault(r.name() + "|" + column, 0L)));
    }
    return out;
  }

  private static List<String> extraColumns(List<IngestLog.Entry> batches) {
    Set<String> names = new LinkedHashSet<>();
    batches.forEach(b -> {
      if (b.rescuedColumns() != null) {
        names.addAll(b.rescuedColumns());
      }
    });
    return List.copyOf(names);
  }

  public static Table bronzeTable(DatasetContract d) {
    return DatasetContract.EVENTS.equals(d.name()) ? Table.BRONZE_EVENTS : Table.BRONZE_LEADS;
  }

  public static Table silverTable(DatasetContract d) {
    return DatasetContract.EVENTS.equals(d.name()) ? Table.SILVER_EVENTS : Table.SILVER_LEADS;
  }

  /** Columns of the silver table of a dataset (for tests and later stages). */
  public static List<String> silverColumns(DatasetContract d) {
    return SilverTransforms.silverColumnNames(d);
  }

}
