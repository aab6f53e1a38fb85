package io.leadscore.transforms;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Checks shared by the transforms: each names what is missing and what it was looking at. */
public final class Columns {
  private Columns() {}

  /** Throws naming the columns {@code df} lacks, for the transform {@code what}. */
  public static void require(Dataset<Row> df, String what, Collection<String> names) {
    List<String> have = Arrays.asList(df.columns());
    List<String> missing = names.stream().filter(n -> !have.contains(n)).toList();
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(String.format(
          "%s needs the columns %s, which the input lacks (it has: %s)", what, missing, have));
    }
  }

  public static void require(Dataset<Row> df, String what, String... names) {
    require(df, what, Arrays.asList(names));
  }
}
