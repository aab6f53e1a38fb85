package io.leadscore.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.leadscore.testing.SharedData;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;

/** The real X Education file read plainly with Spark CSV, with {@code Select} as null. */
public final class XEducationData {
  public static final String ID = "Prospect ID";
  public static final String LEAD_NUMBER = "Lead Number";
  public static final String LABEL = "Converted";

  private XEducationData() {}

  /** Skips the calling test when the file is absent (SharedData.xeducationCsvOrSkip). */
  public static Dataset<Row> read(SparkSession spark) {
    Dataset<Row> raw = spark.read().option("header", "true").option("inferSchema", "true")
        .csv(SharedData.xeducationCsvOrSkip().toString());
    List<Column> cols = new ArrayList<>();
    for (StructField f : raw.schema().fields()) {
      Column c = Columns.col(f.name());
      cols.add(f.dataType() instanceof StringType
          ? when(trim(c).equalTo("Select"), lit(null).cast("string")).otherwise(c).as(f.name())
          : c);
    }
    return raw.select(cols.toArray(new Column[0]));
  }

  /**
   * As silver will hold it under conf/contracts/xeducation.yaml: Yes/No columns as booleans,
   * {@code unknown} also missing, runs of spaces collapsed.
   */
  public static Dataset<Row> readSilverLike(SparkSession spark) {
    Dataset<Row> raw = read(spark);
    List<String> yesNo = new ArrayList<>();
    for (Row r : raw.select(yesNoProbe(raw)).collectAsList()) {
      for (int i = 0; i < r.length(); i++) {
        if (r.getBoolean(i)) {
          yesNo.add(r.schema().fields()[i].name());
        }
      }
    }
    List<Column> cols = new ArrayList<>();
    for (StructField f : raw.schema().fields()) {
      Column c = Columns.col(f.name());
      if (yesNo.contains(f.name())) {
        cols.add(when(c.equalTo("Yes"), lit(true)).when(c.equalTo("No"), lit(false))
            .as(f.name()));
      } else if (f.dataType() instanceof StringType) {
        Column v = org.apache.spark.sql.functions.regexp_replace(c, "\\s+", " ");
        cols.add(when(v.equalTo("unknown"), lit(null).cast("string")).otherwise(v).as(f.name()));
      } else {
        cols.add(c);
      }
    }
    return raw.select(cols.toArray(new Column[0]));
  }

  /** Per string column: true when every value is Yes, No or null. */
  private static Column[] yesNoProbe(Dataset<Row> raw) {
    List<Column> probes = new ArrayList<>();
    for (StructField f : raw.schema().fields()) {
      if (f.dataType() instanceof StringType) {
        Column c = Columns.col(f.name());
        probes.add(org.apache.spark.sql.functions.bool_and(c.isNull().or(c.isin("Yes", "No")))
            .as(f.name()));
      }
    }
    return probes.toArray(new Column[0]);
  }

  /**
   * Every column but the ids and the label, by Spark type: string → categorical, boolean →
   * boolean, number → numeric.
   */
  public static FeatureSpec.Builder spec(Dataset<Row> data) {
    FeatureSpec.Builder b = FeatureSpec.builder(ID, "as_of").label(LABEL);
    for (StructField f : data.schema().fields()) {
      if (List.of(ID, LEAD_NUMBER, LABEL).contains(f.name())) {
        continue;
      }
      if (f.dataType() instanceof NumericType) {
        b.numeric(f.name());
      } else if (f.dataType() instanceof org.apache.spark.sql.types.BooleanType) {
        b.bool(f.name());
      } else {
        b.categorical(f.name());
      }
    }
    return b;
  }

  /** Deterministic split: about {@code share} of the leads by a hash of the id. */
  public static Column inSample(double share) {
    return org.apache.spark.sql.functions.abs(
        org.apache.spark.sql.functions.xxhash64(col("`" + ID + "`")).mod(1000)).lt(share * 1000);
  }
}
