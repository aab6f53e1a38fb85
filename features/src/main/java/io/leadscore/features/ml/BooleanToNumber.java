package io.leadscore.features.ml;

import static io.leadscore.features.Columns.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.leadscore.features.FeatureNames;
import io.leadscore.transforms.ml.SqlCompilable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
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
 * Boolean-like columns as doubles: 1.0 for true / yes / y / t / 1, 0.0 for false / no / n / f
 * / 0 (the value as text, trimmed, case-insensitive; so boolean, numeric 0/1 and Yes/No text
 * columns all work), null for anything else, so that an imputer and a missing indicator can
 * follow. Stateless. Output names default to {@code <input>__num}.
 */
public final class BooleanToNumber extends Transformer
    implements DefaultParamsWritable, SqlCompilable {
  private static final long serialVersionUID = 1L;
  private static final String STAGE = "BooleanToNumber";
  private static final Object[] TRUE = {"true", "yes", "y", "t", "1", "1.0"};
  private static final Object[] FALSE = {"false", "no", "n", "f", "0", "0.0"};

  private final String uid;
  private final StringArrayParam inputCols;
  private final StringArrayParam outputCols;

  public BooleanToNumber() {
    this(Identifiable$.MODULE$.randomUID("booleanToNumber"));
  }

  public BooleanToNumber(String uid) {
    this.uid = uid;
    this.inputCols = new StringArrayParam(this, "inputCols", "boolean-like columns");
    this.outputCols = new StringArrayParam(this, "outputCols",
        "names of the 1/0 double columns (default: <input>__num)");
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

  public String[] getOutputCols() {
    if (isDefined(outputCols)) {
      return getOrDefault(outputCols);
    }
    return Arrays.stream(getInputCols()).map(FeatureNames::asNumber).toArray(String[]::new);
  }

  public BooleanToNumber setInputCols(String... columns) {
    set(inputCols, columns);
    return this;
  }

  public BooleanToNumber setOutputCols(String... columns) {
    set(outputCols, columns);
    return this;
  }

  /** 1.0 / 0.0 / null for one boolean-like value of any scalar type. */
  /** The words read as true (after trimming spaces and lower-casing), e.g. "yes". */
  public static List<String> trueWords() {
    return Arrays.stream(TRUE).map(String.class::cast).toList();
  }

  /** The words read as false (after trimming spaces and lower-casing), e.g. "no". */
  public static List<String> falseWords() {
    return Arrays.stream(FALSE).map(String.class::cast).toList();
  }

  public static Column asNumber(Column value) {
    Column s = lower(trim(value.cast(DataTypes.StringType)));
    return when(s.isin(TRUE), lit(1.0))
        .when(s.isin(FALSE), lit(0.0))
        .otherwise(lit(null).cast(DataTypes.DoubleType));
  }

  public List<Column> outputColumns(StructType schema) {
    String[] in = getInputCols();
    String[] out = getOutputCols();
    StageSchemas.checkColumns(STAGE, schema, in, out);
    StageSchemas.checkScalar(STAGE, schema, in);
    List<Column> columns = new ArrayList<>();
    for (int i = 0; i < in.length; i++) {
      columns.add(asNumber(col(in[i])).as(out[i]));
    }
    return columns;
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
    StageSchemas.checkScalar(STAGE, schema, getInputCols());
    return StageSchemas.append(schema, getOutputCols(), DataTypes.DoubleType, true);
  }

  @Override
  public Map<String, Column> compileSql(Map<String, Column> inputs) {
    String[] in = getInputCols();
    String[] out = getOutputCols();
    Map<String, Column> compiled = new LinkedHashMap<>();
    for (int i = 0; i < in.length; i++) {
      compiled.put(out[i], asNumber(MissingIndicator.input(inputs, in[i])));
    }
    return compiled;
  }

  /** The number is the same fact as its input. */
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

  @Override
  public BooleanToNumber copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  public static MLReader<BooleanToNumber> read() {
    return new DefaultParamsReadable<BooleanToNumber>() {}.read();
  }

  public static BooleanToNumber load(String path) {
    return read().load(path);
  }
}
