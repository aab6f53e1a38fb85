package io.leadscore.transforms.bronze;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The ingest log (ops table, all sources): one row per file version the ingest job has seen,
 * ingested or failed with the reason. A file is identified by path and content hash.
 */
public final class IngestLog {
  public static final String SOURCE = "source";
  public static final String DATASET = "dataset";
  public static final String PATH = "path";
  public static final String SIZE = "size";
  public static final String MODIFIED_AT = "modified_at";
  public static final String CONTENT_HASH = "content_hash";
  public static final String VERSION = "version";
  public static final String BATCH_ID = "batch_id";
  public static final String STATUS = "status";
  public static final String REASON = "reason";
  public static final String ROWS = "rows";
  public static final String MALFORMED_ROWS = "malformed_rows";
  public static final String RESCUED_COLUMNS = "rescued_columns";
  public static final String MISSING_OPTIONAL_COLUMNS = "missing_optional_columns";
  public static final String RUN_ID = "run_id";
  public static final String LOGGED_AT = "logged_at";

  public static final String INGESTED = "ingested";
  public static final String FAILED = "failed";

  public static final StructType SCHEMA = new StructType()
      .add(SOURCE, DataTypes.StringType, false)
      .add(DATASET, DataTypes.StringType, false)
      .add(PATH, DataTypes.StringType, false)
      .add(SIZE, DataTypes.LongType, false)
      .add(MODIFIED_AT, DataTypes.TimestampType, false)
      .add(CONTENT_HASH, DataTypes.StringType, true)
      .add(VERSION, DataTypes.IntegerType, false)
      .add(BATCH_ID, DataTypes.StringType, true)
      .add(STATUS, DataTypes.StringType, false)
      .add(REASON, DataTypes.StringType, true)
      .add(ROWS, DataTypes.LongType, true)
      .add(MALFORMED_ROWS, DataTypes.LongType, true)
      .add(RESCUED_COLUMNS, DataTypes.createArrayType(DataTypes.StringType), true)
      .add(MISSING_OPTIONAL_COLUMNS, DataTypes.createArrayType(DataTypes.StringType), true)
      .add(RUN_ID, DataTypes.StringType, false)
      .add(LOGGED_AT, DataTypes.TimestampType, false);

  private IngestLog() {}

  /** One log row. */
  public record Entry(String source, String dataset, String path, long size, long modifiedMillis,
      String contentHash, int version, String batchId, String status, String reason, Long rows,
      Long malformedRows, List<String> rescuedColumns, List<String> missingOptionalColumns,
      String runId, Instant loggedAt) {

    public boolean ingested() {
      return INGESTED.equals(status);
    }

    public Entry withCounts(long rowCount, long malformed) {
      return new Entry(source, dataset, path, size, modifiedMillis, contentHash, version, batchId,
          status, reason, rowCount, malformed, rescuedColumns, missingOptionalColumns, runId,
          loggedAt);
    }

    public Row toRow() {
      return RowFactory.create(source, dataset, path, size, new Timestamp(modifiedMillis),
          contentHash, version, batchId, status, reason, rows, malformedRows,
          scalaSeq(rescuedColumns), scalaSeq(missingOptionalColumns), runId,
          Timestamp.from(loggedAt));
    }

    public static Entry fromRow(Row r) {
      return new Entry(r.getAs(SOURCE), r.getAs(DATASET), r.getAs(PATH), r.<Long>getAs(SIZE),
          r.<Timestamp>getAs(MODIFIED_AT).getTime(), r.getAs(CONTENT_HASH),
          r.<Integer>getAs(VERSION), r.getAs(BATCH_ID), r.getAs(STATUS), r.getAs(REASON),
          r.getAs(ROWS), r.getAs(MALFORMED_ROWS), javaList(r, RESCUED_COLUMNS),
          javaList(r, MISSING_OPTIONAL_COLUMNS), r.getAs(RUN_ID),
          r.<Timestamp>getAs(LOGGED_AT).toInstant());
    }
  }

  /** Entries of one source and dataset, oldest first. */
  public static List<Entry> entries(Dataset<Row> log, String source, String dataset) {
    List<Entry> out = new ArrayList<>();
    for (Row r : log.filter(log.col(SOURCE).equalTo(source)
        .and(log.col(DATASET).equalTo(dataset))).collectAsList()) {
      out.add(Entry.fromRow(r));
    }
    out.sort(java.util.Comparator.comparing(Entry::loggedAt).thenComparing(Entry::version));
    return out;
  }

  private static Object scalaSeq(List<String> values) {
    return values == null ? null
        : scala.collection.JavaConverters.asScalaBuffer(new ArrayList<>(values)).toSeq();
  }

  private static List<String> javaList(Row r, String field) {
    int i = r.fieldIndex(field);
    return r.isNullAt(i) ? null : r.<String>getList(i);
  }
}
