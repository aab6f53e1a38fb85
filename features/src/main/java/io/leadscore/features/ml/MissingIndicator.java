package io.leadscore.features.ml;

import static io.leadscore.features.Columns.col;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.leadscore.features.FeatureNames;
import io.leadscore.transforms.ml.SqlCompilable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Adds one 0/1 double column per input column: 1.0 when the value is null or NaN, else 0.0.
 * NaN means the value cast to double is NaN: a float/double NaN, and also the text "NaN"
 * (a missing marker); the check needs no input type, so the compiled SQL equals transform. Placed before an {@code Imputer}, it keeps the fact that a
 * value was missing once the imputer has filled it in. Stateless: nothing is fitted.
 *
 * <p>Output names default to {@code <input>__missing}.
 */
public final class MissingIndicator extends Transformer
    implements DefaultParamsWritable, SqlCompilable {
  private static final long serialVersionUID = 1L;
  private static final String STAGE = "MissingIndicator";

  private final String uid;
  private final StringArrayParam inputCols;
  private final StringArrayParam outputCols;

  public MissingIndicator() {
    this(Identifiable$.MODULE$.randomUID("missingIndicator"));
  }

  public MissingIndicator(String uid) {
    this.uid = uid;
    this.inputCols = new StringArrayParam(this, "inputCols", "columns to check for null/NaN");
    this.outputCols = new StringArrayParam(this, "outputCols",
        "names of the 0/1 indicator columns (default: <input>__missing)");
  }

  @Override
  public String uid() {
    return uid;
  }

  public StringArrayParam inputCols() {
    return inputCols;
  }

  public StringArrayParam outputCols() {
    return outputCols;
  }

  public String[] getInputCols() {
    return getOrDefault(inputCols);
  }

  /** The explicit output names, or {@code <input>__missing} for each input. */
  public String[] getOutputCols() {
    if (isDefined(outputCols)) {
      return getOrDefault(outputCols);
    }
    return Arrays.stream(getInputCols()).map(FeatureNames::missingIndicator)
        .toArray(String[]::new);
  }

  public MissingIndicator setInputCols(String... columns) {
    set(inputCols, columns);
    return this;
  }

  public MissingIndicator setOutputCols(String... columns) {
    set(outputCols, columns);
    return this;
  }

  /**
   * The indicator columns as expressions over the input schema, named with the output names:
   * what {@link #transform} appends (also usable to compile the stage into one {@code select}).
   */
  public List<Column> outputColumns(StructType schema) {
    String[] in = getInputCols();
    String[] out = getOutputCols();
    StageSchemas.checkColumns(STAGE, schema, in, out);
    List<Column> columns = new ArrayList<>();
    for (int i = 0; i < in.length; i++) {
      columns.add(indicator(col(in[i])).as(out[i]));
    }
    return columns;
  }

  /** 1.0 when {@code value} is null or NaN as a double, else 0.0; valid for any scalar type. */
  static Column indicator(Column value) {
    Column missing = value.isNull().or(isnan(value.cast(DataTypes.DoubleType)));
    return when(missing, lit(1.0)).otherwise(lit(0.0));
  }

  @Override
  public Map<String, Column> compileSql(Map<String, Column> inputs) {
    String[] in = getInputCols();
    String[] out = getOutputCols();
    Map<String, Column> compiled = new LinkedHashMap<>();
    for (int i = 0; i < in.length; i++) {
      compiled.put(out[i], indicator(input(inputs, in[i])));
    }
    return compiled;
  }

  /** An indicator is reported under the column it describes. */
  @Override
  public Optional<String> reasonOrigin(String outputColumn) {
    String[] in = getInputCols();
    String[] out = getOutputCols();
    for (int i = 0; i < out.length; i++) {
      if (out[i].equals(outputColumn)) {
        return Optional.of(in[i]);
      }
    }
    return Optional.empty();
  }

  static Column input(Map<String, Column> inputs, String name) {
    Column c = inputs.get(name);
    if (c == null) {
      throw new UnsupportedOperationException("input column " + name
          + " is not among the scalar columns given to compileSql: " + inputs.keySet());
    }
    return c;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    Dataset<Row> df = dataset.toDF();
    List<Column> select = new ArrayList<>();
    select.add(org.apache.spark.sql.functions.col("*"));
    select.addAll(outputColumns(df.schema()));
    return df.select(select.toArray(new Column[0]));
  }

  @Override
  public StructType transformSchema(StructType schema) {
    StageSchemas.checkColumns(STAGE, schema, isDefined(inputCols) ? getInputCols() : null,
        isDefined(inputCols) ? getOutputCols() : new String[0]);
    return StageSchemas.append(schema, getOutputCols(), DataTypes.DoubleType, false);
  }

  @Override
  public MissingIndicator copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  public static MLReader<MissingIndicator> read() {
    return new DefaultParamsReadable<MissingIndicator>() {}.read();
  }

  public static MissingIndicator load(String path) {
    return read().load(path);
  }
}
