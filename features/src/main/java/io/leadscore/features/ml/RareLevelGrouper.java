package io.leadscore.features.ml;

import static io.leadscore.features.Columns.col;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.trim;

import io.leadscore.features.FeatureNames;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
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
 * Groups rare categorical levels: fitting counts every level of every input column (one pass,
 * values compared as strings) and keeps a level when it occurs at least {@code minCount} times
 * and in at least {@code minFrequency} of the rows (and, with {@code maxLevels} &gt; 0, is
 * among the {@code maxLevels} most frequent). The model maps every other value (rare, or unseen
 * at scoring time) to {@code otherToken} and null/blank to {@code missingToken}.
 *
 * <p>Why: a level seen a handful of times gets an unreliable coefficient or split, and levels
 * that appear only after training must still score; both end up in one well-populated level.
 */
public final class RareLevelGrouper extends Estimator<RareLevelGrouperModel>
    implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;
  private static final String STAGE = "RareLevelGrouper";

  private final String uid;
  private final StringArrayParam inputCols;
  private final StringArrayParam outputCols;
  private final IntParam minCount;
  private final DoubleParam minFrequency;
  private final IntParam maxLevels;
  private final Param<String> otherToken;
  private final Param<String> missingToken;

  public RareLevelGrouper() {
    this(Identifiable$.MODULE$.randomUID("rareLevelGrouper"));
  }

  public RareLevelGrouper(String uid) {
    this.uid = uid;
    this.inputCols = new StringArrayParam(this, "inputCols", "categorical columns to group");
    this.outputCols = new StringArrayParam(this, "outputCols",
        "names of the grouped columns (default: <input>__grp)");
    this.minCount = new IntParam(this, "minCount",
        "a level is kept when it occurs at least this many times (>= 1)",
        ParamValidators.gtEq(1));
    this.minFrequency = new DoubleParam(this, "minFrequency",
        "a level is kept when its share of all rows is at least this (0..1)",
        ParamValidators.inRange(0.0, 1.0));
    this.maxLevels = new IntParam(this, "maxLevels",
        "keep at most this many levels per column, most frequent first (0 = no limit)",
        ParamValidators.gtEq(0));
    this.otherToken = new Param<>(this, "otherToken",
        "level for values rare in training or never seen");
    this.missingToken = new Param<>(this, "missingToken", "level for null or blank values");
    setDefault(minCount, 1);
    setDefault(minFrequency, 0.0);
    setDefault(maxLevels, 0);
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

  public IntParam minCount() {
    return minCount;
  }

  public DoubleParam minFrequency() {
    return minFrequency;
  }

  public IntParam maxLevels() {
    return maxLevels;
  }

  public Param<String> otherToken() {
    return otherToken;
  }

  public Param<String> missingToken() {
    return missingToken;
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

  public int getMinCount() {
    return (Integer) getOrDefault(minCount);
  }

  public double getMinFrequency() {
    return (Double) getOrDefault(minFrequency);
  }

  public int getMaxLevels() {
    return (Integer) getOrDefault(maxLevels);
  }

  public String getOtherToken() {
    return getOrDefault(otherToken);
  }

  public String getMissingToken() {
    return getOrDefault(missingToken);
  }

  public RareLevelGrouper setInputCols(String... columns) {
    set(inputCols, columns);
    return this;
  }

  public RareLevelGrouper setOutputCols(String... columns) {
    set(outputCols, columns);
    return this;
  }

  public RareLevelGrouper setMinCount(int value) {
    set(minCount, value);
    return this;
  }

  public RareLevelGrouper setMinFrequency(double value) {
    set(minFrequency, value);
    return this;
  }

  public RareLevelGrouper setMaxLevels(int value) {
    set(maxLevels, value);
    return this;
  }

  public RareLevelGrouper setOtherToken(String token) {
    set(otherToken, token);
    return this;
  }

  public RareLevelGrouper setMissingToken(String token) {
    set(missingToken, token);
    return this;
  }

  @Override
  public RareLevelGrouperModel fit(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    Dataset<Row> df = dataset.toDF();
    String[] in = getInputCols();

    long threshold = getMinCount();
    if (getMinFrequency() > 0) {
      long rows = df.count();
      threshold = Math.max(threshold, (long) Math.ceil(getMinFrequency() * rows));
    }
    // One pass over the data for all columns: (column index, value) pairs, counted.
    Column[] pairs = new Column[in.length];
    for (int i = 0; i < in.length; i++) {
      pairs[i] = struct(lit(i).as("c"), col(in[i]).cast(DataTypes.StringType).as("v"));
    }
    List<Row> counts = df.select(explode(array(pairs)).as("p"))
        .select("p.c", "p.v")
        .where(org.apache.spark.sql.functions.col("v").isNotNull()
            .and(trim(org.apache.spark.sql.functions.col("v")).notEqual("")))
        .groupBy("c", "v").count()
        .where(org.apache.spark.sql.functions.col("count").geq(threshold))
        .collectAsList();

    List<List<Row>> byColumn = new ArrayList<>();
    for (int i = 0; i < in.length; i++) {
      byColumn.add(new ArrayList<>());
    }
    for (Row r : counts) {
      byColumn.get(r.getInt(0)).add(r);
    }
    String[][] kept = new String[in.length][];
    Comparator<Row> order = Comparator.<Row>comparingLong(r -> -r.getLong(2))
        .thenComparing(r -> r.getString(1));
    for (int i = 0; i < in.length; i++) {
      List<Row> levels = byColumn.get(i);
      levels.sort(order);
      int limit = getMaxLevels() > 0 ? Math.min(getMaxLevels(), levels.size()) : levels.size();
      kept[i] = levels.subList(0, limit).stream().map(r -> r.getString(1)).toArray(String[]::new);
    }

    RareLevelGrouperModel model = new RareLevelGrouperModel(uid)
        .setInputCols(in)
        .setOutputCols(getOutputCols())
        .setOtherToken(getOtherToken())
        .setMissingToken(getMissingToken())
        .setLevels(kept);
    return model.setParent(this);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    StageSchemas.checkColumns(STAGE, schema, isDefined(inputCols) ? getInputCols() : null,
        isDefined(inputCols) ? getOutputCols() : new String[0]);
    StageSchemas.checkScalar(STAGE, schema, getInputCols());
    return StageSchemas.append(schema, getOutputCols(), DataTypes.StringType, false);
  }

  @Override
  public RareLevelGrouper copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  public static MLReader<RareLevelGrouper> read() {
    return new DefaultParamsReadable<RareLevelGrouper>() {}.read();
  }

  public static RareLevelGrouper load(String path) {
    return read().load(path);
  }
}
