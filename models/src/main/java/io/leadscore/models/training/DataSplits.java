package io.leadscore.models.training;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.xxhash64;

import io.leadscore.transforms.Columns;
import java.sql.Timestamp;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Train/test splits that do not depend on partitioning or on the order rows arrive in. */
public final class DataSplits {
  private static final int BUCKETS = 10_000;

  private DataSplits() {}

  /** The two parts of a split. */
  public record Split(Dataset<Row> train, Dataset<Row> test, String description) {}

  /** Test = the leads whose id hashes into the first {@code testFraction} of buckets. */
  public static Split byIdHash(Dataset<Row> rows, String idCol, double testFraction) {
    checkFraction(testFraction);
    Columns.require(rows, "hash split", idCol);
    var bucket = pmod(xxhash64(col(idCol)), lit(BUCKETS));
    long cut = Math.round(testFraction * BUCKETS);
    return new Split(rows.where(bucket.geq(cut)), rows.where(bucket.lt(cut)),
        String.format("by a hash of %s: %.0f %% of leads held out for test", idCol,
            testFraction * 100));
  }

  /** Train on the earlier observation points, test on the latest {@code testFraction}. */
  public static Split byTime(Dataset<Row> rows, String asOfCol, double testFraction) {
    checkFraction(testFraction);
    Columns.require(rows, "time split", asOfCol);
    Dataset<Row> withEpoch = rows.withColumn("__epoch", col(asOfCol).cast("double"));
    double cut = withEpoch.stat().approxQuantile("__epoch", new double[] {1 - testFraction},
        0.001)[0];
    Timestamp boundary = new Timestamp((long) (cut * 1000));
    return new Split(rows.where(col(asOfCol).lt(lit(boundary))),
        rows.where(col(asOfCol).geq(lit(boundary))),
        String.format("by time: leads observed from %s on (the latest %.0f %%) held out for"
            + " test", boundary.toInstant(), testFraction * 100));
  }

  private static void checkFraction(double testFraction) {
    if (!(testFraction > 0 && testFraction < 1)) {
      throw new IllegalArgumentException(
          "testFraction must be in (0, 1), cannot be: " + testFraction);
    }
  }
}
