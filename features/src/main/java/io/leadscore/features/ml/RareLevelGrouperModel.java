package io.leadscore.features.ml;

import static io.leadscore.features.Columns.col;
import static org.apache.spark.sql.functions.lit;
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
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.Param;
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
 * Fitted {@link RareLevelGrouper}: per input column, the levels kept in training. A value that
 * is one of them passes unchanged (as a string); any other value (rare in training, or never
 * seen) becomes {@code otherToken}; null or blank becomes {@code missingToken}. Output columns
 * are never null, so a downstream {@code StringIndexer} always sees a known or a grouped level.
 *
 * <p>The fitted levels are a param ({@code levels}), so the model persists with
 * {@code DefaultParamsWritable} as JSON metadata.
 */
public final class RareLevelGrouperModel extends Model<RareLevelGrouperModel>
    implements DefaultParamsWritable, SqlCompilable {
  private static final long serialVersionUID = 1L;
  private static final String STAGE = "RareLevelGrouperModel";

  private final String uid;
  private final StringArrayParam inputCols;
  private final StringArrayParam outputCols;
  private final Param<String> otherToken;
  private final Param<String> missingToken;
  private final StringArrayArrayParam levels;

  public RareLevelGrouperModel() {
    this(Identifiable$.MODULE$.randomUID("rareLevelGrouperModel"));
  }

  public RareLevelGrouperModel(String uid) {
    this.uid = uid;
    this.inputCols = new StringArrayParam(this, "inputCols", "categorical columns to group");
    this.outputCols = new StringArrayParam(this, "outputCols",
        "names of the grouped columns (default: <input>__grp)");
    this.otherToken = new Param<>(this, "otherToken",
        "level for values rare in training or never seen");
    this.missingToken = new Param<>(this, "missingToken", "level for null or blank values");
    this.levels = new StringArrayArrayParam(this, "levels",
        "per input column, the levels kept (most frequent first)");
    setDefault(otherToken, FeatureNames.OTHER_TOKEN);
    setDefault(missingToken, FeatureNames.MISSING_TOKEN);
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

  public Param<String> otherToken() {
    return otherToken;
  }

  public Param<String> missingToken() {
    return missingToken;
  }

  public StringArrayArrayParam levels() {
    return levels;
  }

  public String[] getInputCols() {
    return getOrDefault(inputCols);
  }

  public String[] getOutputCols() {
    if (isDefined(outputCols)) {
      return getOrDefault(outputCols);
    }
    return Arrays.stream(getInputCols()).map(FeatureNames::grouped).toArray(String[]::new);
  }

  public String getOtherToken() {
    return getOrDefault(otherToken);
  }

  public String getMissingToken() {
    return getOrDefault(missingToken);
  }

  /** Per input column, the kept levels, most frequent first. */
  public String[][] getLevels() {
    return getOrDefault(levels);
  }

  /** {@link #getLevels()} keyed by input column, in input order. */
  public Map<String, List<String>> levelsByColumn() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    String[] in = getInputCols();
    String[][] lv = getLevels();
    for (int i = 0; i < in.length; i++) {
      out.put(in[i], List.of(lv[i]));
    }
    return out;
  }

  public RareLevelGrouperModel setInputCols(String... columns) {
    set(inputCols, columns);
    return this;
  }

  public RareLevelGrouperModel setOutputCols(String... columns) {
    set(outputCols, columns);
    return this;
  }

  public RareLevelGrouperModel setOtherToken(String token) {
    set(otherToken, token);
    return this;
  }

  public RareLevelGrouperModel setMissingToken(String token) {
    set(missingToken, token);
    return this;
  }

  public RareLevelGrouperModel setLevels(String[][] kept) {
    set(levels, kept);
    return this;
  }

  /**
   * The grouped columns as expressions over the input schema, named with the output names:
   * what {@link #transform} appends (also usable to compile the stage into one {@code select}).
   */
  public List<Column> outputColumns(StructType schema) {
    String[] in = getInputCols();
    String[] out = getOutputCols();
    StageSchemas.checkColumns(STAGE, schema, in, out);
    StageSchemas.checkScalar(STAGE, schema, in);
    String[][] kept = getLevels();
    if (kept.length != in.length) {
      throw new IllegalArgumentException(String.format(
          "%s: levels must hold one list per input column, cannot be: %d lists for %d columns",
          STAGE, kept.length, in.length));
    }
    List<Column> columns = new ArrayList<>();
    for (int i = 0; i < in.length; i++) {
      columns.add(grouped(col(in[i]), kept[i]).as(out[i]));
    }
    return columns;
  }

  private Column grouped(Column value, String[] kept) {
    Column v = value.cast(DataTypes.StringType);
    return when(v.isNull().or(trim(v).equalTo("")), lit(getMissingToken()))
        .when(v.isin((Object[]) kept), v)
        .otherwise(lit(getOtherToken()));
  }

  @Override
  public Map<String, Column> compileSql(Map<String, Column> inputs) {
    String[] in = getInputCols();
    String[] out = getOutputCols();
    String[][] kept = getLevels();
    Map<String, Column> compiled = new LinkedHashMap<>();
    for (int i = 0; i < in.length; i++) {
      compiled.put(out[i], grouped(MissingIndicator.input(inputs, in[i]), kept[i]));
    }
    return compiled;
  }

  /** A grouped column is a cleaned copy of its input: reasons name the input. */
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
    return StageSchemas.append(schema, getOutputCols(), DataTypes.StringType, false);
  }

  @Override
  public RareLevelGrouperModel copy(ParamMap extra) {
    RareLevelGrouperModel copied = copyValues(new RareLevelGrouperModel(uid), extra);
    return copied.setParent(parent());
  }

  public static MLReader<RareLevelGrouperModel> read() {
    return new DefaultParamsReadable<RareLevelGrouperModel>() {}.read();
  }

  public static RareLevelGrouperModel load(String path) {
    return read().load(path);
  }
}
