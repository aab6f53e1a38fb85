package io.leadscore.transforms.bronze;

import static io.leadscore.transforms.bronze.BronzeColumns.BATCH_ID;
import static io.leadscore.transforms.bronze.BronzeColumns.CORRUPT_RECORD;
import static io.leadscore.transforms.bronze.BronzeColumns.FILE_HASH;
import static io.leadscore.transforms.bronze.BronzeColumns.FILE_VERSION;
import static io.leadscore.transforms.bronze.BronzeColumns.INGESTED_AT;
import static io.leadscore.transforms.bronze.BronzeColumns.INGEST_RUN_ID;
import static io.leadscore.transforms.bronze.BronzeColumns.RECORD_NUMBER;
import static io.leadscore.transforms.bronze.BronzeColumns.RESCUED;
import static io.leadscore.transforms.bronze.BronzeColumns.SOURCE_FILE;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_filter;
import static org.apache.spark.sql.functions.map_from_arrays;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.leadscore.transforms.contract.ColumnSpec;
import io.leadscore.transforms.contract.DatasetContract;
import io.leadscore.transforms.contract.ReaderOptions;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.FileSourceScanExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.collection.Seq;

/**
 * Reads one landing file into bronze rows: every declared column as its raw string under its
 * canonical name (null when an optional column is absent), the file's extra columns in
 * {@code _rescued}, the raw text of unparseable records in {@code _corrupt_record}, and the
 * lineage columns. Nothing is typed or dropped here.
 */
public final class BronzeReader {
  public static final MapType RESCUED_TYPE =
      DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType, true);
  private static final String JSON_LINE = "value";

  private BronzeReader() {}

  /** The bronze table's schema for a dataset (what every reader here returns). */
  public static StructType schema(DatasetContract dataset) {
    StructType s = new StructType();
    for (ColumnSpec c : dataset.columns()) {
      s = s.add(c.name(), DataTypes.StringType, true);
    }
    return s.add(RESCUED, RESCUED_TYPE, true)
        .add(CORRUPT_RECORD, DataTypes.StringType, true)
        .add(SOURCE_FILE, DataTypes.StringType, false)
        .add(RECORD_NUMBER, DataTypes.LongType, false)
        .add(FILE_HASH, DataTypes.StringType, false)
        .add(FILE_VERSION, DataTypes.IntegerType, false)
        .add(BATCH_ID, DataTypes.StringType, false)
        .add(INGEST_RUN_ID, DataTypes.StringType, false)
        .add(INGESTED_AT, DataTypes.TimestampType, false);
  }

  /** A CSV file whose header {@code match} describes. */
  public static Dataset<Row> readCsv(SparkSession spark, DatasetContract dataset, HeaderMatch match,
      Lineage lineage) {
    StructType positional = new StructType();
    for (int i = 0; i < match.header().size(); i++) {
      positional = positional.add(positional(i), DataTypes.StringType, true);
    }
    positional = positional.add(CORRUPT_RECORD, DataTypes.StringType, true);
    ReaderOptions o = dataset.options();
    Dataset<Row> raw = spark.read().format("csv").schema(positional)
        // The header, parsed on the driver, is record 1: columns are matched by position and
        // record numbers stay line numbers.
        .option("header", "false")
        .option("sep", o.delimiter())
        .option("quote", o.quote())
        .option("escape", o.escape())
        .option("encoding", o.encoding())
        .option("multiLine", String.valueOf(o.multiLine()))
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", CORRUPT_RECORD)
        .option("ignoreLeadingWhiteSpace", "false")
        .option("ignoreTrailingWhiteSpace", "false")
        .option("maxCharsPerColumn", "-1")
        .load(lineage.sourceFile());
    raw = withRecordNumbers(raw).filter(col(RECORD_NUMBER).gt(1));
    List<Column> out = new ArrayList<>();
    for (ColumnSpec c : dataset.columns()) {
      Integer at = match.positions().get(c.name());
      out.add((at == null ? lit(null).cast(DataTypes.StringType) : col(positional(at)))
          .as(c.name()));
    }
    List<Column> keys = new ArrayList<>();
    List<Column> values = new ArrayList<>();
    match.extra().forEach((name, at) -> {
      keys.add(lit(name));
      values.add(col(positional(at)));
    });
    out.add(rescued(keys, values));
    out.add(col(CORRUPT_RECORD));
    out.add(col(RECORD_NUMBER));
    return withLineage(raw.select(out.toArray(Column[]::new)), dataset, lineage);
  }

  /** A JSON-lines file: one object per line; blank lines are skipped. */
  public static Dataset<Row> readJsonLines(SparkSession spark, DatasetContract dataset,
      Lineage lineage) {
    Dataset<Row> lines = withRecordNumbers(spark.read().text(lineage.sourceFile()))
        .filter(trim(col(JSON_LINE)).notEqual(lit("")));
    Column parsed = from_json(col(JSON_LINE),
        DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType),
        Map.of("mode", "PERMISSIVE"));
    Dataset<Row> withMap = lines.withColumn("_parsed", parsed);
    List<Column> out = new ArrayList<>();
    List<String> sources = new ArrayList<>();
    for (ColumnSpec c : dataset.columns()) {
      out.add(col("_parsed").getItem(c.source()).as(c.name()));
      sources.add(c.source());
    }
    Column extras = map_filter(col("_parsed"), (k, v) -> not(k.isin(sources.toArray())));
    out.add(when(size(extras).gt(0), extras).otherwise(lit(null).cast(RESCUED_TYPE))
        .as(RESCUED));
    out.add(when(col("_parsed").isNull(), col(JSON_LINE)).as(CORRUPT_RECORD));
    out.add(col(RECORD_NUMBER));
    return withLineage(withMap.select(out.toArray(Column[]::new)), dataset, lineage);
  }

  /** Columns a Parquet file has (its footer only); for the required-column check. */
  public static List<String> parquetColumns(SparkSession spark, String path) {
    return List.of(spark.read().parquet(path).schema().fieldNames());
  }

  /** A Parquet file: values are cast to their string form. */
  public static Dataset<Row> readParquet(SparkSession spark, DatasetContract dataset,
      HeaderMatch match, Lineage lineage) {
    Dataset<Row> raw = withRecordNumbers(spark.read().parquet(lineage.sourceFile()));
    List<Column> out = new ArrayList<>();
    for (ColumnSpec c : dataset.columns()) {
      Integer at = match.positions().get(c.name());
      out.add((at == null ? lit(null) : quoted(match.header().get(at)))
          .cast(DataTypes.StringType).as(c.name()));
    }
    List<Column> keys = new ArrayList<>();
    List<Column> values = new ArrayList<>();
    match.extra().forEach((name, at) -> {
      keys.add(lit(name));
      values.add(quoted(match.header().get(at)).cast(DataTypes.StringType));
    });
    out.add(rescued(keys, values));
    out.add(lit(null).cast(DataTypes.StringType).as(CORRUPT_RECORD));
    out.add(col(RECORD_NUMBER));
    return withLineage(raw.select(out.toArray(Column[]::new)), dataset, lineage);
  }

  /** An empty bronze batch (a header-only file still gets a log entry, and no rows). */
  public static Dataset<Row> empty(SparkSession spark, DatasetContract dataset) {
    return spark.createDataFrame(List.of(), schema(dataset));
  }

  private static Column rescued(List<Column> keys, List<Column> values) {
    if (keys.isEmpty()) {
      return lit(null).cast(RESCUED_TYPE).as(RESCUED);
    }
    return map_from_arrays(array(keys.toArray(Column[]::new)),
        array(values.toArray(Column[]::new))).as(RESCUED);
  }

  private static Dataset<Row> withLineage(Dataset<Row> df, DatasetContract dataset,
      Lineage lineage) {
    Dataset<Row> withLineage = df
        .withColumn(SOURCE_FILE, lit(lineage.sourceFile()))
        .withColumn(FILE_HASH, lit(lineage.fileHash()))
        .withColumn(FILE_VERSION, lit(lineage.fileVersion()))
        .withColumn(BATCH_ID, lit(lineage.batchId()))
        .withColumn(INGEST_RUN_ID, lit(lineage.ingestRunId()))
        .withColumn(INGESTED_AT, lit(Timestamp.from(lineage.ingestedAt())));
    StructType target = schema(dataset);
    return withLineage.select(java.util.Arrays.stream(target.fields())
        .map(f -> col(f.name()).cast(f.dataType()).as(f.name())).toArray(Column[]::new));
  }

  /**
   * Adds the 1-based position of each row in the file. One partition (any file up to
   * spark.sql.files.maxPartitionBytes) numbers rows in place; larger files take an extra pass
   * (zipWithIndex), since the order of partitions is the order of the file.
   */
  static Dataset<Row> withRecordNumbers(Dataset<Row> df) {
    if (scanPartitions(df) <= 1) {
      return df.withColumn(RECORD_NUMBER, monotonically_increasing_id().plus(1));
    }
    StructType schema = df.schema().add(new StructField(RECORD_NUMBER, DataTypes.LongType, false,
        org.apache.spark.sql.types.Metadata.empty()));
    JavaRDD<Row> numbered = df.javaRDD().zipWithIndex().map(t -> {
      Object[] values = new Object[t._1().length() + 1];
      for (int i = 0; i < t._1().length(); i++) {
        values[i] = t._1().get(i);
      }
      values[values.length - 1] = t._2() + 1;
      return RowFactory.create(values);
    });
    return df.sparkSession().createDataFrame(numbered, schema);
  }

  /**
   * Partitions of a plain file read, from its scan's splits: {@code df.rdd()} would plan the
   * whole query and generate its code once more per landing file only to count them.
   */
  static int scanPartitions(Dataset<Row> df) {
    SparkPlan plan = df.queryExecution().executedPlan();
    Seq<SparkPlan> leaves = plan.collectLeaves();
    if (leaves.size() == 1 && leaves.head() instanceof FileSourceScanExec scan) {
      return scan.inputRDD().getNumPartitions();
    }
    return df.rdd().getNumPartitions();
  }

  private static String positional(int i) {
    return "_c" + i;
  }

  private static Column quoted(String name) {
    return col("`" + name.replace("`", "``") + "`");
  }
}
