package io.leadscore.jobs.generate;

import java.io.IOException;
import java.util.Optional;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads the truth the generator writes beside the landing folder ({@code truth_<day>.csv}):
 * for evaluation only (the oracle AUC, a model's AUC next to it); the pipeline never reads it.
 */
public final class TruthFiles {
  public static final String LEAD_ID = "lead_id";
  public static final String OBSERVATION_AT = "observation_at";
  public static final String TRUE_PROBABILITY = "true_probability";
  public static final String CONVERTED = "converted";
  public static final String CONVERTED_AT = "converted_at";

  public static final StructType SCHEMA = new StructType()
      .add(LEAD_ID, DataTypes.StringType, false)
      .add(OBSERVATION_AT, DataTypes.TimestampType, false)
      .add(TRUE_PROBABILITY, DataTypes.DoubleType, false)
      .add(CONVERTED, DataTypes.IntegerType, false)
      .add(CONVERTED_AT, DataTypes.TimestampType, true);

  private TruthFiles() {}

  /**
   * Where {@code generate} puts the truth when not told otherwise: {@code
   * <landing>/../truth/synthetic}; empty when the landing folder has no parent.
   */
  public static Optional<String> defaultFolder(String landing) {
    Path parent = new Path(landing).getParent();
    return parent == null ? Optional.empty()
        : Optional.of(DropFiles.stripSlash(parent.toString()) + "/truth/" + DropFiles.SOURCE);
  }

  /** Whether {@code truthRoot} holds at least one truth file (local or s3a://). */
  public static boolean exist(SparkSession spark, String truthRoot) throws IOException {
    Path pattern = new Path(DropFiles.stripSlash(truthRoot) + "/truth_*.csv");
    FileSystem fs = pattern.getFileSystem(spark.sparkContext().hadoopConfiguration());
    FileStatus[] found = fs.globStatus(pattern);
    return found != null && found.length > 0;
  }

  /** The truth of every lead under {@code truthRoot} (a run's {@code --truth} folder). */
  public static Dataset<Row> read(SparkSession spark, String truthRoot) {
    return spark.read()
        .schema(SCHEMA)
        .option("header", "true")
        .option("mode", "FAILFAST")
        .csv(DropFiles.stripSlash(truthRoot) + "/truth_*.csv");
  }
}
