package io.leadscore.models.scoring;

import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.raise_error;
import static org.apache.spark.sql.functions.when;

import io.leadscore.transforms.ml.SqlCompilable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.feature.Bucketizer;
import org.apache.spark.ml.feature.ImputerModel;
import org.apache.spark.ml.feature.OneHotEncoderModel;
import org.apache.spark.ml.feature.StandardScalerModel;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.If;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Walks the feature stages of a fitted pipeline and keeps, for every column they produce, its
 * symbolic value ({@link Sym}). Each stage mirrors what its {@code transform} does, nulls,
 * NaN and {@code handleInvalid} included; rows a stage would skip become a row filter.
 */
final class PipelineCompiler {

  /** Label sets at most this long are looked up by a chain of equality tests. */
  private static final int LINEAR_LOOKUP_MAX = 6;

  private final Layers layers;
  private final Map<String, Sym> columns = new LinkedHashMap<>();
  private final List<Column> rowFilters = new ArrayList<>();
  private final List<String> compiledStages = new ArrayList<>();
  private int nextIndexId;

  PipelineCompiler(SparkSession spark, StructType inputSchema) {
    this.layers = new Layers(spark, inputSchema);
    for (StructField f : inputSchema.fields()) {
      columns.put(f.name(),
          new Sym.Scalar(inputColumn(f.name()), f.dataType(), f.nullable(), f.name()));
    }
  }

  static Column inputColumn(String name) {
    return functions.col("`" + name.replace("`", "``") + "`");
  }

  /** The stages of {@code model}, nested pipelines flattened. */
  static List<Transformer> flatten(PipelineModel model) {
    List<Transformer> out = new ArrayList<>();
    for (Transformer t : model.stages()) {
      if (t instanceof PipelineModel inner) {
        out.addAll(flatten(inner));
      } else {
        out.add(t);
      }
    }
    return out;
  }

  Layers layers() {
    return layers;
  }

  /** Conjunction of the conditions under which a row survives the stages (inline SQL). */
  Column rowFilter() {
    return rowFilters.stream().reduce(Column::and).orElse(null);
  }

  List<String> compiledStages() {
    return List.copyOf(compiledStages);
  }

  /** The symbolic value of a column, or null if the pipeline has no such column. */
  Sym sym(String name) {
    return columns.get(name);
  }

  Sym column(String name, Transformer stage) {
    Sym s = columns.get(name);
    if (s == null) {
      throw new UnsupportedStageException(describe(stage) + " reads column '" + name
          + "', which is neither an input column nor made by an earlier stage");
    }
    return s;
  }

  Sym.Scalar scalar(String name, Transformer stage) {
    if (column(name, stage) instanceof Sym.Scalar s) {
      return s;
    }
    throw new UnsupportedStageException(describe(stage) + " reads vector column '" + name
        + "' as a scalar");
  }

  Sym.Vec vector(String name, Transformer stage) {
    if (column(name, stage) instanceof Sym.Vec v) {
      return v;
    }
    throw new UnsupportedStageException(describe(stage) + " reads column '" + name
        + "' as a vector, but it is a scalar");
  }

  static String describe(Transformer stage) {
    return stage.getClass().getSimpleName() + " '" + stage.uid() + "'";
  }

  /** Compiles one feature stage; throws {@link UnsupportedStageException} if it cannot. */
  void compileFeatureStage(Transformer stage) {
    layers.nextLayer();
    if (stage instanceof SqlCompilable custom) {
      customStage(stage, custom);
    } else if (stage instanceof StringIndexerModel m) {
      stringIndexer(m);
    } else if (stage instanceof OneHotEncoderModel m) {
      oneHotEncoder(m);
    } else if (stage instanceof ImputerModel m) {
      imputer(m);
    } else if (stage instanceof VectorAssembler m) {
      vectorAssembler(m);
    } else if (stage instanceof StandardScalerModel m) {
      standardScaler(m);
    } else if (stage instanceof Bucketizer m) {
      bucketizer(m);
    } else {
      throw new UnsupportedStageException(describe(stage) + " has no SQL form in the scorer");
    }
    compiledStages.add(describe(stage));
  }

  // ---------------------------------------------------------------- custom stages

  private void customStage(Transformer stage, SqlCompilable custom) {
    Map<String, Column> inputs = new LinkedHashMap<>();
    columns.forEach((name, sym) -> {
      if (sym instanceof Sym.Scalar s) {
        inputs.put(name, s.expr());
      }
    });
    Map<String, Column> outputs;
    try {
      outputs = custom.compileSql(Map.copyOf(inputs));
    } catch (UnsupportedOperationException e) {
      throw new UnsupportedStageException(describe(stage) + " cannot be compiled: " + e.getMessage());
    }
    if (outputs == null || outputs.isEmpty()) {
      throw new UnsupportedStageException(describe(stage) + " compiled to no output columns");
    }
    Map<String, Sym> made = new LinkedHashMap<>();
    outputs.forEach((name, expr) -> {
      StructField field;
      try {
        field = layers.fieldOf(expr);
      } catch (RuntimeException e) {
        throw new UnsupportedStageException(describe(stage) + " compiled output '" + name
            + "' to an expression that does not resolve: " + e.getMessage());
      }
      String origin = custom.reasonOrigin(name)
          .map(in -> columns.containsKey(in) ? originOf(columns.get(in)) : in)
          .orElse(name);
      made.put(name, new Sym.Scalar(layers.materialize(name, expr), field.dataType(),
          field.nullable(), origin));
    });
    columns.putAll(made);
  }

  private static String originOf(Sym s) {
    if (s instanceof Sym.Scalar sc) {
      return sc.origin();
    }
    List<Sym.Slot> slots = ((Sym.Vec) s).slots();
    return slots.isEmpty() ? "" : slots.get(0).origin();
  }

  // ---------------------------------------------------------------- StringIndexerModel

  private void stringIndexer(StringIndexerModel m) {
    String[][] io = inOut(m);
    String[][] labelsArray = m.labelsArray();
    String handle = m.getHandleInvalid();
    boolean keep = "keep".equals(handle);
    boolean skip = "skip".equals(handle);
    List<Column> skipConditions = new ArrayList<>();
    for (int i = 0; i < io[0].length; i++) {
      String in = io[0][i];
      if (!columns.containsKey(in)) {
        if (skip) {
          throw new UnsupportedStageException(describe(m) + " skips invalid rows but its input '"
              + in + "' is missing");
        }
        continue; // StringIndexerModel ignores input columns that are missing (a label indexer).
      }
      Sym.Scalar s = scalar(in, m);
      String[] labels = labelsArray[i];
      Column label = s.expr().cast(DataTypes.StringType);
      Column unseen = keep ? lit((double) labels.length)
          : raise_error(concat(lit("Unseen label: "), label,
              lit(". To handle unseen labels, set Param handleInvalid to keep.")));
      Column onNull = keep ? lit((double) labels.length)
          : raise_error(lit("StringIndexer encountered NULL value. To handle or skip NULLS, "
              + "try setting StringIndexer.handleInvalid."));
      Column index = when(label.isNull(), onNull).otherwise(labelLookup(label, labels, unseen));
      if (skip) {
        Column c = layers.inline(s.expr()).isNotNull();
        if (s.type() instanceof DoubleType || s.type() instanceof FloatType) {
          c = c.and(functions.not(functions.isnan(layers.inline(s.expr()))));
        }
        skipConditions.add(c.and(layers.inline(label).isin((Object[]) labels)));
      }
      columns.put(io[1][i], new Sym.Scalar(layers.materialize(io[1][i], index),
          DataTypes.DoubleType, false, s.origin()));
    }
    if (!skipConditions.isEmpty()) {
      rowFilters.add(skipConditions.stream().reduce(Column::and).orElseThrow());
    }
  }

  /**
   * The index of {@code label} in {@code labels} as a double, or {@code unseen}. Short label
   * lists are a chain of equality tests; longer ones a binary search in the order Spark SQL
   * compares strings (UTF-8 bytes), so a lookup costs O(log n) comparisons.
   */
  static Column labelLookup(Column label, String[] labels, Column unseen) {
    Integer[] order = new Integer[labels.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparing(i -> UTF8String.fromString(labels[i])));
    return search(label, labels, order, 0, order.length - 1, unseen);
  }

  private static Column search(Column label, String[] labels, Integer[] order, int lo, int hi,
      Column unseen) {
    if (hi - lo + 1 <= LINEAR_LOOKUP_MAX) {
      Column out = unseen;
      for (int k = hi; k >= lo; k--) {
        int idx = order[k];
        out = when(label.equalTo(labels[idx]), (double) idx).otherwise(out);
      }
      return out;
    }
    int mid = (lo + hi + 1) >>> 1;
    return ifThen(label.lt(labels[order[mid]]),
        search(label, labels, order, lo, mid - 1, unseen),
        search(label, labels, order, mid, hi, unseen));
  }

  static Column ifThen(Column condition, Column then, Column otherwise) {
    return new Column(new If(condition.expr(), then.expr(), otherwise.expr()));
  }

  // ---------------------------------------------------------------- OneHotEncoderModel

  private void oneHotEncoder(OneHotEncoderModel m) {
    String[][] io = inOut(m);
    int[] sizes = m.categorySizes();
    boolean keep = "keep".equals(m.getHandleInvalid());
    for (int i = 0; i < io[0].length; i++) {
      Sym.Scalar s = scalar(io[0][i], m);
      int k = sizes[i];
      Column label = s.expr().cast(DataTypes.DoubleType);
      Column invalid = keep ? lit(k)
          : when(label.lt(0), raise_error(concat(lit("Negative value: "), label.cast("string"),
              lit(". Input can't be negative. To handle invalid values, set Param handleInvalid "
                  + "to keep"))))
              .otherwise(raise_error(concat(lit("Unseen value: "), label.cast("string"),
                  lit(". To handle unseen values, set Param handleInvalid to keep."))));
      Column index = when(label.isNull(), lit(null).cast(DataTypes.IntegerType))
          .when(label.geq(0).and(label.lt(k)), label.cast(DataTypes.IntegerType))
          .otherwise(invalid);
      int vectorSize = (keep ? k + 1 : k) - (m.getDropLast() ? 1 : 0);
      Sym.IndexRef ref = new Sym.IndexRef(nextIndexId++, layers.materialize(io[1][i] + "_idx",
          index), s.nullable());
      List<Sym.Slot> slots = new ArrayList<>();
      for (int c = 0; c < vectorSize; c++) {
        slots.add(new Sym.IndicatorSlot(ref, c, 1.0, 0.0, s.origin()));
      }
      columns.put(io[1][i], new Sym.Vec(slots, s.nullable() ? ref.expr().isNull() : null));
    }
  }

  // ---------------------------------------------------------------- ImputerModel

  private void imputer(ImputerModel m) {
    String[][] io = inOut(m);
    Row surrogates = m.surrogateDF().select(
        Arrays.stream(io[0]).map(PipelineCompiler::inputColumn).toArray(Column[]::new)).head();
    double missing = m.getMissingValue();
    for (int i = 0; i < io[0].length; i++) {
      Sym.Scalar s = scalar(io[0][i], m);
      Object surrogate = surrogates.get(i);
      Column ic = s.expr().cast(DataTypes.DoubleType);
      Column out = when(ic.isNull(), surrogate).when(ic.equalTo(missing), surrogate)
          .otherwise(ic).cast(s.type());
      columns.put(io[1][i], new Sym.Scalar(layers.materialize(io[1][i], out), s.type(),
          surrogate == null, s.origin()));
    }
  }

  // ---------------------------------------------------------------- VectorAssembler

  private void vectorAssembler(VectorAssembler m) {
    String handle = m.getHandleInvalid();
    List<Sym.Slot> slots = new ArrayList<>();
    List<Column> skipConditions = new ArrayList<>();
    for (String in : m.getInputCols()) {
      Sym sym = column(in, m);
      if (sym instanceof Sym.Scalar s) {
        if (!(s.type() instanceof NumericType || s.type() instanceof BooleanType)) {
          throw new UnsupportedStageException(describe(m) + " input '" + in + "' has type "
              + s.type().simpleString());
        }
        Column v = s.expr().cast(DataTypes.DoubleType);
        if (s.nullable()) {
          switch (handle) {
            case "keep" -> v = functions.coalesce(v, lit(Double.NaN));
            case "error" -> v = when(v.isNull(), raise_error(lit("Encountered null while "
                + "assembling a row with handleInvalid = \"error\". Consider removing nulls from "
                + "dataset or using handleInvalid = \"keep\" or \"skip\"."))).otherwise(v);
            default -> { } // skip: the row filter below drops it
          }
        }
        if ("skip".equals(handle)) {
          Column raw = layers.inline(s.expr());
          Column c = raw.isNotNull();
          if (s.type() instanceof DoubleType || s.type() instanceof FloatType) {
            c = c.and(functions.not(functions.isnan(raw)));
          }
          skipConditions.add(c);
        }
        slots.add(new Sym.ValueSlot(v, s.origin()));
      } else {
        Sym.Vec vec = (Sym.Vec) sym;
        if (vec.nullWhen() == null || "keep".equals(handle)) {
          slots.addAll(nullAsNaN(vec));
        } else if ("skip".equals(handle)) {
          skipConditions.add(functions.not(layers.inline(vec.nullWhen())));
          slots.addAll(vec.slots());
        } else {
          slots.addAll(nullRaises(vec, in));
        }
      }
    }
    if (!skipConditions.isEmpty()) {
      rowFilters.add(skipConditions.stream().reduce(Column::and).orElseThrow());
    }
    columns.put(m.getOutputCol(), new Sym.Vec(slots, null));
  }

  /** The slots of a possibly null vector, each NaN where the vector is null. */
  private static List<Sym.Slot> nullAsNaN(Sym.Vec vec) {
    if (vec.nullWhen() == null) {
      return vec.slots();
    }
    List<Sym.Slot> out = new ArrayList<>();
    for (Sym.Slot slot : vec.slots()) {
      // Indicator slots already read NaN when their index is null.
      out.add(slot instanceof Sym.ValueSlot v
          ? new Sym.ValueSlot(when(vec.nullWhen(), Double.NaN).otherwise(v.value()), v.origin())
          : slot);
    }
    return out;
  }

  private List<Sym.Slot> nullRaises(Sym.Vec vec, String column) {
    Column error = raise_error(lit("Encountered null while assembling a row with handleInvalid "
        + "= \"error\" (column " + column + "). Consider removing nulls from dataset or using "
        + "handleInvalid = \"keep\" or \"skip\"."));
    Map<Integer, Sym.IndexRef> guarded = new LinkedHashMap<>();
    List<Sym.Slot> out = new ArrayList<>();
    for (Sym.Slot slot : vec.slots()) {
      if (slot instanceof Sym.IndicatorSlot s) {
        Sym.IndexRef ref = guarded.computeIfAbsent(s.index().id(), id -> new Sym.IndexRef(
            nextIndexId++, layers.materialize(column + "_idx",
                when(s.index().expr().isNull(), error).otherwise(s.index().expr())), false));
        out.add(new Sym.IndicatorSlot(ref, s.category(), s.on(), s.off(), s.origin()));
      } else {
        Sym.ValueSlot v = (Sym.ValueSlot) slot;
        out.add(new Sym.ValueSlot(when(vec.nullWhen(), error).otherwise(v.value()), v.origin()));
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- StandardScalerModel

  private void standardScaler(StandardScalerModel m) {
    Sym.Vec in = vector(m.getInputCol(), m);
    double[] mean = m.mean().toArray();
    double[] std = m.std().toArray();
    boolean withMean = m.getWithMean();
    boolean withStd = m.getWithStd();
    List<Sym.Slot> out = new ArrayList<>();
    for (int j = 0; j < in.slots().size(); j++) {
      double shift = withMean ? mean[j] : 0.0;
      double scale = std[j] == 0 ? 0.0 : 1.0 / std[j];
      Sym.Slot slot = in.slots().get(j);
      if (withMean && withStd) {
        out.add(slot.map(x -> (x - shift) * scale, c -> c.minus(shift).multiply(scale)));
      } else if (withMean) {
        out.add(slot.map(x -> x - shift, c -> c.minus(shift)));
      } else if (withStd) {
        out.add(slot.map(x -> x * scale, c -> c.multiply(scale)));
      } else {
        out.add(slot);
      }
    }
    columns.put(m.getOutputCol(), new Sym.Vec(out, in.nullWhen()));
  }

  // ---------------------------------------------------------------- Bucketizer

  private void bucketizer(Bucketizer m) {
    String[][] io = inOut(m);
    double[][] splitsArray = m.isDefined(m.splitsArray()) && m.isSet(m.splitsArray())
        ? m.getSplitsArray() : new double[][] {m.getSplits()};
    String handle = m.getHandleInvalid();
    List<Column> skipConditions = new ArrayList<>();
    for (int i = 0; i < io[0].length; i++) {
      Sym.Scalar s = scalar(io[0][i], m);
      double[] splits = splitsArray[i];
      Column v = s.expr().cast(DataTypes.DoubleType);
      int last = splits.length - 1;
      Column onNaN = "keep".equals(handle) ? lit((double) last)
          : raise_error(lit("Bucketizer encountered NaN value. To handle or skip NaNs, try "
              + "setting Bucketizer.handleInvalid."));
      Column outOfBounds = raise_error(concat(lit("Feature value "), v.cast("string"),
          lit(" out of Bucketizer bounds [" + splits[0] + ", " + splits[last]
              + "].  Check your features, or loosen the lower/upper bound constraints.")));
      Column bucket = when(v.isNull(), lit(null).cast(DataTypes.DoubleType))
          .when(functions.isnan(v), onNaN)
          .when(v.equalTo(splits[last]), (double) (last - 1))
          .when(v.lt(splits[0]).or(v.gt(splits[last])), outOfBounds)
          .otherwise(bucketSearch(v, splits, 0, last - 1));
      if ("skip".equals(handle)) {
        Column raw = layers.inline(v);
        skipConditions.add(raw.isNotNull().and(functions.not(functions.isnan(raw))));
      }
      columns.put(io[1][i], new Sym.Scalar(layers.materialize(io[1][i], bucket),
          DataTypes.DoubleType, s.nullable(), s.origin()));
    }
    if (!skipConditions.isEmpty()) {
      rowFilters.add(skipConditions.stream().reduce(Column::and).orElseThrow());
    }
  }

  /** The largest bucket b in [lo, hi] with splits[b] <= v, for v within the splits. */
  private static Column bucketSearch(Column v, double[] splits, int lo, int hi) {
    if (lo == hi) {
      return lit((double) lo);
    }
    int mid = (lo + hi + 1) >>> 1;
    return ifThen(v.geq(splits[mid]), bucketSearch(v, splits, mid, hi),
        bucketSearch(v, splits, lo, mid - 1));
  }

  // ---------------------------------------------------------------- helpers

  /** Input and output column names of a single- or multi-column stage. */
  @SuppressWarnings("unchecked")
  static String[][] inOut(Params p) {
    if (p.hasParam("inputCols") && p.isSet(p.getParam("inputCols"))) {
      return new String[][] {
          (String[]) p.getOrDefault((Param<Object>) p.getParam("inputCols")),
          (String[]) p.getOrDefault((Param<Object>) p.getParam("outputCols"))};
    }
    return new String[][] {
        {(String) p.getOrDefault((Param<Object>) p.getParam("inputCol"))},
        {(String) p.getOrDefault((Param<Object>) p.getParam("outputCol"))}};
  }

  static boolean isString(DataType t) {
    return t instanceof StringType;
  }
}
