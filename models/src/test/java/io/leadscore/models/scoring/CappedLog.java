package io.leadscore.models.scoring;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log1p;

import io.leadscore.transforms.ml.SqlCompilable;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A custom stage for the tests: {@code log1p(max(x, 0))}, transformed row by row in Java (a
 * UDF) and compiled through {@link SqlCompilable}, so the test compares two implementations.
 */
public class CappedLog extends Transformer implements SqlCompilable {

  private static final long serialVersionUID = 1L;

  private final String uid;
  private final Param<String> inputCol;
  private final Param<String> outputCol;
  private final boolean sameOrigin;

  public CappedLog(String uid) {
    this(uid, true);
  }

  CappedLog(String uid, boolean sameOrigin) {
    this.uid = uid; // before the params, which take their owner's uid
    this.inputCol = new Param<>(this, "inputCol", "input column");
    this.outputCol = new Param<>(this, "outputCol", "output column");
    this.sameOrigin = sameOrigin;
  }

  public CappedLog() {
    this(Identifiable.randomUID("cappedLog"));
  }

  public Param<String> inputCol() {
    return inputCol;
  }

  public Param<String> outputCol() {
    return outputCol;
  }

  public CappedLog setInputCol(String value) {
    set(inputCol, value);
    return this;
  }

  public CappedLog setOutputCol(String value) {
    set(outputCol, value);
    return this;
  }

  @Override
  public String uid() {
    return uid;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    UserDefinedFunction f = functions.udf((UDF1<Double, Double>) x -> x == null ? null
        : Math.log1p(Double.isNaN(x) ? x : Math.max(x, 0.0)), DataTypes.DoubleType);
    return dataset.withColumn($(outputCol), f.apply(col($(inputCol)).cast(DataTypes.DoubleType)));
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return schema.add($(outputCol), DataTypes.DoubleType, true);
  }

  @Override
  public CappedLog copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  @Override
  public Map<String, Column> compileSql(Map<String, Column> inputs) {
    Column x = inputs.get($(inputCol)).cast(DataTypes.DoubleType);
    // greatest() skips nulls, so null is kept explicitly; NaN is the largest double in Spark
    // SQL, so greatest(NaN, 0) = NaN, as in the UDF.
    return Map.of($(outputCol), functions.when(x.isNull(), lit(null))
        .otherwise(log1p(greatest(x, lit(0.0)))));
  }

  @Override
  public Optional<String> reasonOrigin(String outputColumn) {
    return sameOrigin ? Optional.of($(inputCol)) : Optional.empty();
  }
}
