package io.leadscore.testing;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeEach;

/**
 * The one test fixture for Spark: a local SparkSession with Delta enabled, shared by every
 * test class of a Surefire JVM (started on first use, stopped when the JVM exits), plus
 * spark-testing-base's DataFrame assertions usable from JUnit 5.
 */
public abstract class SparkTestSupport extends JavaDataFrameSuiteBase {

  @BeforeEach
  public final void startSharedSpark() {
    // Starts the context once per JVM; later calls find it running. runAfterClass() is never
    // called so that the next test class reuses it instead of paying start-up again.
    runBefore();
  }

  @Override
  public SparkConf conf() {
    return new SparkConf()
        .setMaster("local[2]")
        .setAppName("leadscore-tests")
        .set("spark.ui.enabled", "false")
        .set("spark.sql.shuffle.partitions", "4")
        .set("spark.default.parallelism", "4")
        .set("spark.sql.session.timeZone", "UTC")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1")
        .set("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .set("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .set("spark.databricks.delta.snapshotPartitions", "2")
        .set("spark.sql.warehouse.dir", tempWarehouse().toString());
  }

  @Override
  public boolean enableHiveSupport() {
    return false;
  }

  /** Order-insensitive equality of schema and rows (nullability included). */
  protected void assertSameRows(Dataset<Row> expected, Dataset<Row> actual) {
    assertDataFrameNoOrderEquals(expected, actual);
  }

  /** Order-insensitive equality of rows, ignoring nullability differences in the schema. */
  protected void assertSameData(Dataset<Row> expected, Dataset<Row> actual) {
    assertDataFrameDataEquals(expected, actual);
  }

  /** Root of the checkout, for tests that read files of the project (conf/, contracts). */
  public static Path projectRoot() {
    String root = System.getProperty("leadscore.project.root");
    Path start = root != null ? Paths.get(root) : Paths.get("").toAbsolutePath();
    for (Path p = start.toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("conf")) && Files.exists(p.resolve("pom.xml"))
          && Files.isDirectory(p.resolve("jobs"))) {
        return p;
      }
    }
    throw new IllegalStateException("cannot find the project root above " + start);
  }

  private static Path tempWarehouse() {
    try {
      return Files.createTempDirectory("leadscore-warehouse");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
