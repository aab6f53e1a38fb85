package io.leadscore.features.ml;

import io.leadscore.features.Columns;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Schema checks shared by the custom stages; errors name the stage and the columns. */
final class StageSchemas {
  private StageSchemas() {}

  /** Input columns exist; output names are as many, distinct and not taken already. */
  static void checkColumns(String stage, StructType schema, String[] inputs, String[] outputs) {
    if (inputs == null || inputs.length == 0) {
      throw new IllegalArgumentException(stage + ": inputCols must name at least one column");
    }
    Columns.require(schema, stage + " input", Arrays.asList(inputs));
    if (outputs.length != inputs.length) {
      throw new IllegalArgumentException(String.format(
          "%s: outputCols must match inputCols one to one, cannot be: %d outputs for %d inputs",
          stage, outputs.length, inputs.length));
    }
    Set<String> taken = new HashSet<>(List.of(schema.fieldNames()));
    Set<String> seen = new HashSet<>();
    for (String out : outputs) {
      if (taken.contains(out) || !seen.add(out)) {
        throw new IllegalArgumentException(String.format(
            "%s: output column %s already exists or is named twice", stage, out));
      }
    }
  }

  /** Scalar columns only: arrays, maps, structs and vectors cannot be categories. */
  static void checkScalar(String stage, StructType schema, String[] inputs) {
    for (String c : inputs) {
      DataType t = schema.apply(c).dataType();
      if (t instanceof ArrayType || t instanceof MapType || t instanceof StructType
          || t.typeName().equals("vector")) {
        throw new IllegalArgumentException(String.format(
            "%s: column %s must be a string, number or boolean, cannot be: %s", stage, c,
            t.simpleString()));
      }
    }
  }

  static StructType append(StructType schema, String[] names, DataType type, boolean nullable) {
    StructType out = schema;
    for (String n : names) {
      out = out.add(new StructField(n, type, nullable,
          org.apache.spark.sql.types.Metadata.empty()));
    }
    return out;
  }
}
