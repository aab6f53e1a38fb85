package io.leadscore.features;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/** Checks on the columns a transform needs, with errors that name what is missing. */
public final class Columns {
  private Columns() {}

  /** Throws naming every missing column, e.g. "activity spine lacks column(s) as_of; it has: ...". */
  public static void require(Dataset<Row> data, String what, Collection<String> columns) {
    require(data.schema(), what, columns);
  }

  public static void require(Dataset<Row> data, String what, String... columns) {
    require(data.schema(), what, Arrays.asList(columns));
  }

  public static void require(StructType schema, String what, Collection<String> columns) {
    Set<String> present = Set.of(schema.fieldNames());
    List<String> missing = new ArrayList<>();
    for (String c : columns) {
      if (!present.contains(c)) {
        missing.add(c);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(String.format("%s lacks column(s) %s; it has: %s",
          what, String.join(", ", missing), String.join(", ", schema.fieldNames())));
    }
  }

  /** A column by its exact name, even when the name holds dots or spaces. */
  public static org.apache.spark.sql.Column col(String name) {
    return org.apache.spark.sql.functions.col(quote(name));
  }

  /** Backtick-quoted identifier for SQL text (a backtick inside the name is doubled). */
  public static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}
