package io.leadscore.jobs.cli;

import io.leadscore.transforms.lakehouse.Table;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Appends one row per job run to the {@code ops/job_runs} Delta table. */
public final class JobRunLog {
  public static final StructType SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("job", DataTypes.StringType, false)
      .add("status", DataTypes.StringType, false)
      .add("started_at", DataTypes.TimestampType, false)
      .add("ended_at", DataTypes.TimestampType, false)
      .add("duration_seconds", DataTypes.DoubleType, false)
      .add("rows", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType), false)
      .add("message", DataTypes.StringType, true);

  private JobRunLog() {}

  public static void append(JobContext ctx, String status, String message) {
    long endedMillis = System.currentTimeMillis();
    Map<String, Long> rows = ctx.metrics().rowCounts();
    Row row = RowFactory.create(ctx.runId(), ctx.job(), status,
        Timestamp.from(ctx.startedAt()), new Timestamp(endedMillis),
        (endedMillis - ctx.startedAt().toEpochMilli()) / 1000.0,
        rows, message);
    Dataset<Row> df = ctx.spark().createDataFrame(List.of(row), SCHEMA);
    df.write().format("delta").mode(SaveMode.Append).save(ctx.lakehouse().path(Table.JOB_RUNS));
  }
}
