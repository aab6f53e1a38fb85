package io.leadscore.transforms.bronze;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import io.leadscore.transforms.contract.DatasetContract;
import io.leadscore.transforms.contract.ReaderOptions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Decides, file by file, what the ingest job does with the landing files of one dataset: skip
 * (unchanged since its last log entry, or same content), refuse (with the reason), or read
 * into bronze rows as the next version of that path.
 */
public final class BronzeIngest {
  private BronzeIngest() {}

  /** What happens to one landing file in this run. */
  public enum Outcome {
    /** Size and modification time equal the last log entry of the path: not read again. */
    UNCHANGED,
    /** Touched but the same bytes as a version already logged. */
    SAME_CONTENT,
    /** Cannot be read at all: logged as failed with the reason. */
    FAILED,
    /** Read into bronze as a new version. */
    INGEST
  }

  /** The decision for one file; {@code rows} is set for INGEST, {@code entry} for INGEST and FAILED. */
  public record FilePlan(LandingFile file, Outcome outcome, IngestLog.Entry entry,
      Dataset<Row> rows, String note) {}

  public static List<FilePlan> plan(SparkSession spark, String source, DatasetContract dataset,
      List<LandingFile> files, List<IngestLog.Entry> log, String runId, Instant now) {
    Map<String, List<IngestLog.Entry>> byPath = new HashMap<>();
    for (IngestLog.Entry e : log) {
      byPath.computeIfAbsent(e.path(), p -> new ArrayList<>()).add(e);
    }
    List<FilePlan> plans = new ArrayList<>();
    for (LandingFile f : files) {
      List<IngestLog.Entry> priors = byPath.getOrDefault(f.path(), List.of());
      IngestLog.Entry last = priors.isEmpty() ? null : priors.get(priors.size() - 1);
      if (last != null && last.size() == f.size() && last.modifiedMillis() == f.modifiedMillis()) {
        plans.add(new FilePlan(f, Outcome.UNCHANGED, last, null,
            last.ingested() ? "unchanged since version " + last.version()
                : "unchanged and still refused: " + last.reason()));
        continue;
      }
      FileInspection inspection = FileInspection.of(
          spark.sparkContext().hadoopConfiguration(), f.path(), dataset.options().encoding());
      IngestLog.Entry same = priors.stream()
          .filter(e -> inspection.sha256().equals(e.contentHash())).findFirst().orElse(null);
      if (same != null) {
        plans.add(new FilePlan(f, Outcome.SAME_CONTENT, same, null,
            "same content as version " + same.version() + " (only touched)"));
        continue;
      }
      int version = priors.stream().mapToInt(IngestLog.Entry::version).max().orElse(0) + 1;
      plans.add(planNew(spark, source, dataset, f, inspection, version, runId, now));
    }
    return plans;
  }

  private static FilePlan planNew(SparkSession spark, String source, DatasetContract dataset,
      LandingFile f, FileInspection inspection, int version, String runId, Instant now) {
    String batchId = UUID.randomUUID().toString();
    Lineage lineage = new Lineage(f.path(), inspection.sha256(), version, batchId, runId, now);
    String problem = null;
    HeaderMatch match = null;
    String note = null;
    ReaderOptions o = dataset.options();
    if (f.size() == 0) {
      problem = "empty file (0 bytes): nothing to read; replace it with a complete export";
    } else if (!inspection.encodingOk()) {
      problem = String.format("%s: the contract says %s; re-export the file as %s or set"
          + " options.encoding in the contract", inspection.encodingError(), o.encoding(),
          o.encoding());
    } else {
      switch (dataset.format()) {
        case CSV -> {
          if (inspection.firstLine().isBlank()) {
            problem = "the first line is empty: a CSV file of this source starts with its header";
          } else {
            match = HeaderMatch.of(HeaderMatch.parseCsvHeader(inspection.firstLine(),
                o.delimiter().charAt(0), o.quote().charAt(0), o.escape().charAt(0)), dataset);
            problem = match.problem(o.delimiter().charAt(0));
            if (problem == null && !inspection.hasDataAfterFirstLine()) {
              note = "header only: no data rows";
            }
          }
        }
        case PARQUET -> {
          try {
            match = HeaderMatch.of(BronzeReader.parquetColumns(spark, f.path()), dataset);
            problem = match.problem(',');
          } catch (RuntimeException e) {
            problem = "not a readable Parquet file: " + firstLine(e.getMessage());
          }
        }
        default -> { }
      }
    }
    if (problem != null) {
      IngestLog.Entry failed = new IngestLog.Entry(source, dataset.name(), f.path(), f.size(),
          f.modifiedMillis(), inspection.sha256(), version, null, IngestLog.FAILED, problem, null,
          null, null, null, runId, now);
      return new FilePlan(f, Outcome.FAILED, failed, null, problem);
    }
    Dataset<Row> rows = switch (dataset.format()) {
      case CSV -> BronzeReader.readCsv(spark, dataset, match, lineage);
      case JSON -> BronzeReader.readJsonLines(spark, dataset, lineage);
      case PARQUET -> BronzeReader.readParquet(spark, dataset, match, lineage);
    };
    List<String> rescued = match == null ? null : List.copyOf(match.extra().keySet());
    List<String> missingOptional = match == null ? null : match.missingOptional();
    IngestLog.Entry entry = new IngestLog.Entry(source, dataset.name(), f.path(), f.size(),
        f.modifiedMillis(), inspection.sha256(), version, batchId, IngestLog.INGESTED, note, null,
        null, rescued, missingOptional, runId, now);
    return new FilePlan(f, Outcome.INGEST, entry, rows, note);
  }

  /**
   * The rows of all files to append, as one Dataset written by at most {@code writeTasks} tasks.
   * Without the coalesce each small landing file became its own write task and its own bronze
   * Parquet file (120 daily drops: 120 tasks of ~100 rows, and 120 files for validate to
   * read). The union is built as a balanced tree: folding 120 Datasets one by one re-analyses
   * the growing plan each time.
   */
  public static Dataset<Row> appendBatch(List<FilePlan> toIngest, int writeTasks) {
    if (writeTasks < 1) {
      throw new IllegalArgumentException(
          String.format("writeTasks must be ≥ 1, cannot be: %s", writeTasks));
    }
    List<Dataset<Row>> reads = toIngest.stream().map(FilePlan::rows).toList();
    if (reads.isEmpty()) {
      throw new IllegalArgumentException("appendBatch needs at least one file to ingest");
    }
    // coalesce never adds partitions, so fewer files than tasks stay as they are.
    return unionTree(reads, 0, reads.size()).coalesce(writeTasks);
  }

  /**
   * Write tasks for {@code bytes} of landing files: one per {@code bytesPerTask}, at least the
   * cluster's parallelism, never more than the files.
   */
  public static int writeTasks(long bytes, int files, int parallelism, long bytesPerTask) {
    long bySize = (bytes + bytesPerTask - 1) / bytesPerTask;
    return (int) Math.max(1, Math.min(files, Math.max(parallelism, bySize)));
  }

  private static Dataset<Row> unionTree(List<Dataset<Row>> reads, int from, int to) {
    if (to - from == 1) {
      return reads.get(from);
    }
    int mid = (from + to) >>> 1;
    return unionTree(reads, from, mid).unionByName(unionTree(reads, mid, to));
  }

  /** Rows and malformed rows per batch of one ingest run, read back from bronze. */
  public static Map<String, long[]> countsByBatch(Dataset<Row> bronze, String runId) {
    Map<String, long[]> counts = new HashMap<>();
    for (Row r : bronze.filter(col(BronzeColumns.INGEST_RUN_ID).equalTo(lit(runId)))
        .groupBy(BronzeColumns.BATCH_ID)
        .agg(count(lit(1)), count(col(BronzeColumns.CORRUPT_RECORD)))
        .collectAsList()) {
      counts.put(r.getString(0), new long[] {r.getLong(1), r.getLong(2)});
    }
    return counts;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
