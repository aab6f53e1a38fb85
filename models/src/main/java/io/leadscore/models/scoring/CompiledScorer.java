package io.leadscore.models.scoring;

import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.classification.DecisionTreeClassificationModel;
import org.apache.spark.ml.classification.GBTClassificationModel;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.classification.RandomForestClassificationModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores with a fitted {@link PipelineModel} as plain Spark SQL: every stage is turned into
 * column expressions over the input rows, so that whole-stage code generation runs the whole
 * pipeline and no vector is ever built. The score equals {@code transform}'s
 * {@code probability[1]} (tests hold it to 1e-9).
 *
 * <pre>{@code
 * CompiledScorer scorer = CompiledScorer.compile(model, features.schema(),
 *     ScorerOptions.defaults().withReference(trainingSample));
 * Dataset<Row> scored = scorer.score(features); // + score, reasons_up, reasons_down
 * }</pre>
 *
 * <p>Compiled stages: StringIndexerModel, OneHotEncoderModel, ImputerModel, VectorAssembler,
 * StandardScalerModel, Bucketizer, and stages implementing
 * {@link io.leadscore.transforms.ml.SqlCompilable}; ending in a binary
 * LogisticRegressionModel, GBTClassificationModel, RandomForestClassificationModel or
 * DecisionTreeClassificationModel. Any other stage makes the scorer fall back to
 * {@code PipelineModel.transform} for the whole pipeline (logged at WARN, see
 * {@link #fallbackReason()}); reasons are then null.
 *
 * <p>Reasons: {@value #REASONS_UP} and {@value #REASONS_DOWN} are
 * {@code array<struct<feature: string, contribution: double>>}, the top factors pushing the
 * score up (largest first) and down (most negative first), named by input column (all one-hot
 * slots of {@code lead_source} are {@code lead_source}). The method per model is documented on
 * {@link ModelCompiler}: exact linear contributions for logistic regression, Saabas path
 * attribution for trees; the unit is {@link #reasonUnit()}, and for every lead
 * {@link #baseValue()} + the sum of {@link #contributions()} = {@link #rawScore()}.
 */
public final class CompiledScorer {

  public static final String SCORE = "score";
  public static final String REASONS_UP = "reasons_up";
  public static final String REASONS_DOWN = "reasons_down";
  private static final String KERNEL_REASONS = Layers.PREFIX + "_kernel_reasons";
  private static final String KERNEL_SCORE = "score";
  private static final String KERNEL_UP = "up";
  private static final String KERNEL_DOWN = "down";

  private static final Logger LOG = LoggerFactory.getLogger(CompiledScorer.class);

  private final PipelineModel model;
  private final StructType inputSchema;
  private final ScorerOptions options;
  private final String fallbackReason;
  // Compiled form; null when falling back.
  private final Layers layers;
  private final Column rowFilter;
  private final ModelCompiler.Compiled compiled;
  // The SQL form's reasons, built on first use: a few seconds of Catalyst work for a wide
  // model, which the row kernel does not need.
  private Column[] topReasons;
  private final double[] slotMeans;
  private final List<String> compiledStages;
  // The fast path of score(); null when the pipeline has no kernel form.
  private final RowKernel kernel;
  private final DataType reasonsType;

  private CompiledScorer(PipelineModel model, StructType inputSchema, ScorerOptions options,
      String fallbackReason, Layers layers, Column rowFilter, ModelCompiler.Compiled compiled,
      double[] slotMeans, List<String> compiledStages, RowKernel kernel,
      DataType reasonsType) {
    this.model = model;
    this.inputSchema = inputSchema;
    this.options = options;
    this.fallbackReason = fallbackReason;
    this.layers = layers;
    this.rowFilter = rowFilter;
    this.compiled = compiled;
    this.slotMeans = slotMeans;
    this.compiledStages = compiledStages;
    this.kernel = kernel;
    this.reasonsType = reasonsType;
  }

  /** {@link #compile(PipelineModel, StructType, ScorerOptions)} with default options. */
  public static CompiledScorer compile(PipelineModel model, StructType inputSchema) {
    return compile(model, inputSchema, ScorerOptions.defaults());
  }

  /**
   * Compiles {@code model} for input rows of {@code inputSchema}, or prepares the
   * {@code transform} fallback if a stage cannot be compiled.
   *
   * @throws IllegalArgumentException if the pipeline does not end in a probabilistic classifier
   */
  public static CompiledScorer compile(PipelineModel model, StructType inputSchema,
      ScorerOptions options) {
    List<Transformer> stages = PipelineCompiler.flatten(model);
    if (stages.isEmpty() || !(stages.get(stages.size() - 1)
        instanceof ProbabilisticClassificationModel<?, ?>)) {
      throw new IllegalArgumentException("the pipeline must end in a probabilistic classifier, "
          + "but its last stage is: " + (stages.isEmpty() ? "none"
              : PipelineCompiler.describe(stages.get(stages.size() - 1))));
    }
    Transformer last = stages.get(stages.size() - 1);
    try {
      PipelineCompiler pc = new PipelineCompiler(SparkSession.active(), inputSchema);
      for (Transformer stage : stages.subList(0, stages.size() - 1)) {
        pc.compileFeatureStage(stage);
      }
      if (!ModelCompiler.supports(last)) {
        throw new UnsupportedStageException(PipelineCompiler.describe(last)
            + " has no SQL form in the scorer");
      }
      Sym.Vec features = pc.vector(ModelCompiler.featuresCol(last), last);
      Layers layers = pc.layers();
      double[] means = null;
      ModelCompiler.Compiled c;
      if (last instanceof LogisticRegressionModel lr) {
        means = slotMeans(options, features, pc);
        c = ModelCompiler.logistic(lr, features, means, layers);
      } else if (last instanceof GBTClassificationModel gbt) {
        c = ModelCompiler.gbt(gbt, features, layers);
      } else if (last instanceof RandomForestClassificationModel rf) {
        c = ModelCompiler.randomForest(rf, features, layers);
      } else {
        c = ModelCompiler.decisionTree((DecisionTreeClassificationModel) last, features, layers);
      }
      layers.nextLayer();
      List<String> done = new ArrayList<>(pc.compiledStages());
      done.add(PipelineCompiler.describe(last));
      RowKernel kernel = means != null && options.rowKernel() && pc.rowFilter() == null
          ? rowKernel(stages, inputSchema, means, options, c, features) : null;
      // The kernel's reasons have the SQL form's type, which needs no SQL form to know.
      DataType reasonsType = kernel == null || !options.reasons() ? null : new StructType()
          .add(KERNEL_SCORE, DataTypes.DoubleType, true)
          .add(KERNEL_UP, Reasons.topType(c.features().size()), false)
          .add(KERNEL_DOWN, Reasons.topType(c.features().size()), false);
      LOG.info("scorer: compiled {} stages into SQL expressions ({}); reasons in {}; {}",
          done.size(), c.description(), c.unit(),
          kernel == null ? "scored in SQL" : "scored by the row kernel");
      return new CompiledScorer(model, inputSchema, options, null, layers, pc.rowFilter(), c,
          means, done, kernel, reasonsType);
    } catch (UnsupportedStageException e) {
      LOG.warn("scorer: falling back to PipelineModel.transform for the whole pipeline "
          + "(slower, no reasons): {}", e.getMessage());
      return new CompiledScorer(model, inputSchema, options, e.getMessage(), null, null, null,
          null, List.of(), null, null);
    }
  }

  /**
   * A scorer of a row kernel saved earlier ({@link KernelCache}): no model and no SQL form, so
   * only {@link #score} and {@link #scoreOnly} (without a contributions column) are available.
   */
  static CompiledScorer ofKernel(RowKernel kernel, StructType inputSchema,
      ScorerOptions options, DataType reasonsType, List<String> compiledStages) {
    return new CompiledScorer(null, inputSchema, options, null, null, null, null,
        options.slotMeans(), compiledStages, kernel, reasonsType);
  }

  RowKernel kernel() {
    return kernel;
  }

  DataType kernelReasonsType() {
    return reasonsType;
  }

  StructType inputSchema() {
    return inputSchema;
  }

  ScorerOptions options() {
    return options;
  }

  /**
   * The row kernel for this pipeline, or null if it has none. Its features and slots must be
   * the SQL form's, in order, or it is not used.
   */
  private static RowKernel rowKernel(List<Transformer> stages, StructType inputSchema,
      double[] means, ScorerOptions options, ModelCompiler.Compiled c, Sym.Vec features) {
    try {
      RowKernel k = RowKernel.compile(stages, inputSchema, means, options.topReasons());
      List<String> origins = features.slots().stream().map(Sym.Slot::origin).toList();
      if (!k.features().equals(c.features()) || !k.slotOrigins().equals(origins)) {
        LOG.warn("scorer: the row kernel's features differ from the SQL form's; scoring in SQL "
            + "({} vs {})", k.features(), c.features());
        return null;
      }
      return k;
    } catch (RowKernel.Unsupported e) {
      LOG.info("scorer: no row kernel ({}); scoring in SQL", e.getMessage());
      return null;
    }
  }

  private static double[] slotMeans(ScorerOptions options, Sym.Vec features,
      PipelineCompiler pc) {
    int n = features.slots().size();
    if (options.slotMeans() != null) {
      if (options.slotMeans().length != n) {
        throw new IllegalArgumentException("slotMeans must have one mean per model feature ("
            + n + "), cannot be of length: " + options.slotMeans().length);
      }
      return options.slotMeans();
    }
    double[] means = new double[n];
    Dataset<Row> reference = options.reference();
    if (reference == null) {
      return means;
    }
    Column filter = pc.rowFilter();
    Dataset<Row> rows = pc.layers().addHiddenColumns(
        filter == null ? reference : reference.filter(filter));
    Column[] averages = new Column[n];
    for (int j = 0; j < n; j++) {
      Column v = features.slots().get(j).value();
      averages[j] = functions.avg(functions.when(functions.isnan(v), null).otherwise(v));
    }
    Row row = rows.agg(averages[0], Arrays.copyOfRange(averages, 1, n)).head();
    for (int j = 0; j < n; j++) {
      means[j] = row.isNullAt(j) ? 0.0 : row.getDouble(j);
    }
    return means;
  }

  /**
   * {@code input}'s columns plus the score and, unless turned off, the reasons. Rows a stage
   * would skip ({@code handleInvalid = "skip"}) are dropped, as {@code transform} does.
   */
  public Dataset<Row> score(Dataset<Row> input) {
    checkInput(input.schema());
    List<Column> out = columnsOf(input);
    if (fallbackReason != null) {
      Transformer last = PipelineCompiler.flatten(model).get(PipelineCompiler.flatten(model)
          .size() - 1);
      String probabilityCol = ((ProbabilisticClassificationModel<?, ?>) last).getProbabilityCol();
      out.add(org.apache.spark.ml.functions.vector_to_array(
          PipelineCompiler.inputColumn(probabilityCol), "float64").getItem(1)
          .as(options.scoreColumn()));
      if (options.reasons()) {
        out.add(lit(null).cast(Reasons.TYPE).as(options.reasonsUpColumn()));
        out.add(lit(null).cast(Reasons.TYPE).as(options.reasonsDownColumn()));
      }
      if (options.contributionsColumn() != null) {
        out.add(lit(null).cast(Reasons.TYPE).as(options.contributionsColumn()));
      }
      return model.transform(input).select(out.toArray(Column[]::new));
    }
    if (kernel != null && options.contributionsColumn() == null) {
      return scoreByKernel(input, out);
    }
    Dataset<Row> rows = rowFilter == null ? input : input.filter(rowFilter);
    out.add(compiled.probability().as(options.scoreColumn()));
    if (options.reasons()) {
      Column[] top = topReasons();
      out.add(top[0].as(options.reasonsUpColumn()));
      out.add(top[1].as(options.reasonsDownColumn()));
    }
    if (options.contributionsColumn() != null) {
      out.add(Reasons.all(compiled.features(), compiled.contributions())
          .as(options.contributionsColumn()));
    }
    return layers.addHiddenColumns(rows).select(out.toArray(Column[]::new));
  }

  /**
   * {@link #score} by the row kernel: score and reasons are computed once per row in a first
   * projection, then split into their columns.
   */
  private Dataset<Row> scoreByKernel(Dataset<Row> input, List<Column> inputColumns) {
    List<Column> first = new ArrayList<>(inputColumns);
    if (!options.reasons()) {
      first.add(KernelExpression.score(kernel).as(options.scoreColumn()));
      return input.select(first.toArray(Column[]::new));
    }
    first.add(KernelExpression.scoreWithReasons(kernel, reasonsType).as(KERNEL_REASONS));
    List<Column> second = columnsOf(input);
    Column all = PipelineCompiler.inputColumn(KERNEL_REASONS);
    second.add(all.getField(KERNEL_SCORE).as(options.scoreColumn()));
    second.add(all.getField(KERNEL_UP).as(options.reasonsUpColumn()));
    second.add(all.getField(KERNEL_DOWN).as(options.reasonsDownColumn()));
    return input.select(first.toArray(Column[]::new)).select(second.toArray(Column[]::new));
  }

  /**
   * {@code input}'s columns plus the score alone: what ranking needs. With the row kernel this
   * is cheaper than {@link #score}, whose score comes with the reasons.
   */
  public Dataset<Row> scoreOnly(Dataset<Row> input) {
    if (kernel != null) {
      checkInput(input.schema());
      List<Column> out = columnsOf(input);
      out.add(KernelExpression.score(kernel).as(options.scoreColumn()));
      return input.select(out.toArray(Column[]::new));
    }
    Dataset<Row> scored = score(input);
    List<String> extra = new ArrayList<>(List.of(options.reasonsUpColumn(),
        options.reasonsDownColumn()));
    if (options.contributionsColumn() != null) {
      extra.add(options.contributionsColumn());
    }
    return scored.drop(extra.toArray(String[]::new));
  }

  /**
   * The score of every row of {@code input}, one array per column batch of its scan (in scan
   * order, NaN where {@link #scoreOnly} gives NaN), computed by the row kernel column by column
   * straight from the batches ({@link RowKernel#scoreColumns}): no row is assembled and a
   * dictionary-encoded input's terms are computed once per dictionary entry. Empty when that
   * does not apply: no row kernel, or {@code input} is not a plain columnar file scan of the
   * kernel's inputs (a filter, deleted rows to skip, whole-stage code generation off).
   */
  public Optional<org.apache.spark.api.java.JavaRDD<double[]>> columnarScores(
      Dataset<Row> input) {
    RowKernel.ColumnPlan plan = kernel == null ? null : kernel.columnPlan();
    if (plan == null) {
      return Optional.empty();
    }
    checkInput(input.schema());
    Dataset<Row> inputs = input.select(kernel.inputColumns().stream()
        .map(PipelineCompiler::inputColumn).toArray(Column[]::new));
    org.apache.spark.sql.execution.FileSourceScanExec scan =
        plainColumnarScan(inputs.queryExecution().executedPlan());
    if (scan == null) {
      return Optional.empty();
    }
    List<String> scanned = scala.collection.JavaConverters.seqAsJavaList(scan.output())
        .stream().map(a -> a.name()).toList();
    List<String> names = kernel.inputColumns();
    int[] at = new int[names.size()];
    for (int i = 0; i < at.length; i++) {
      at[i] = scanned.indexOf(names.get(i));
      if (at[i] < 0 || scanned.lastIndexOf(names.get(i)) != at[i]) {
        return Optional.empty();
      }
    }
    RowKernel k = kernel;
    return Optional.of(scan.executeColumnar().toJavaRDD()
        .mapPartitions(batches -> new BatchScores(k, plan, at, batches)));
  }

  /** The scores of a task's column batches, one array per batch, as they are read. */
  private static final class BatchScores implements java.util.Iterator<double[]> {
    private final RowKernel kernel;
    private final RowKernel.ColumnPlan plan;
    private final int[] at;
    private final java.util.Iterator<org.apache.spark.sql.vectorized.ColumnarBatch> batches;
    private final RowKernel.Regs regs;
    private final RowKernel.TermMemo[] memos;
    private final org.apache.spark.sql.vectorized.ColumnVector[] columns;

    BatchScores(RowKernel kernel, RowKernel.ColumnPlan plan, int[] at,
        java.util.Iterator<org.apache.spark.sql.vectorized.ColumnarBatch> batches) {
      this.kernel = kernel;
      this.plan = plan;
      this.at = at;
      this.batches = batches;
      this.regs = kernel.newRegs();
      this.memos = kernel.newMemos();
      this.columns = new org.apache.spark.sql.vectorized.ColumnVector[at.length];
    }

    @Override
    public boolean hasNext() {
      return batches.hasNext();
    }

    @Override
    public double[] next() {
      // The reader reuses its batch: everything is read from it here.
      org.apache.spark.sql.vectorized.ColumnarBatch batch = batches.next();
      for (int i = 0; i < at.length; i++) {
        columns[i] = batch.column(at[i]);
      }
      double[] scores = new double[batch.numRows()];
      kernel.scoreColumns(columns, scores.length, plan, regs, memos, scores);
      return scores;
    }
  }

  /**
   * The columnar file scan under {@code plan} if every node above it only converts batches to
   * rows or selects columns (rows reach the top exactly as the scan reads them), else null.
   */
  private static org.apache.spark.sql.execution.FileSourceScanExec plainColumnarScan(
      org.apache.spark.sql.execution.SparkPlan plan) {
    org.apache.spark.sql.execution.SparkPlan node = plan;
    while (true) {
      if (node instanceof org.apache.spark.sql.execution.FileSourceScanExec scan) {
        return scan.supportsColumnar() ? scan : null;
      } else if (node instanceof org.apache.spark.sql.execution.WholeStageCodegenExec w) {
        node = w.child();
      } else if (node instanceof org.apache.spark.sql.execution.InputAdapter a) {
        node = a.child();
      } else if (node instanceof org.apache.spark.sql.execution.ColumnarToRowExec c) {
        node = c.child();
      } else if (node instanceof org.apache.spark.sql.execution.ProjectExec p
          && scala.collection.JavaConverters.seqAsJavaList(p.projectList()).stream()
              .allMatch(e -> e instanceof org.apache.spark.sql.catalyst.expressions.Attribute)) {
        node = p.child();
      } else {
        return null;
      }
    }
  }

  /** Every column of {@code input}, to select with the score columns (a list to add to). */
  private static List<Column> columnsOf(Dataset<Row> input) {
    List<Column> columns = new ArrayList<>();
    for (String name : input.columns()) {
      columns.add(PipelineCompiler.inputColumn(name));
    }
    return columns;
  }

  /** Whether {@link #score} runs the row kernel (see {@link RowKernel}) rather than SQL. */
  public boolean usesRowKernel() {
    return kernel != null;
  }

  private void checkInput(StructType schema) {
    List<String> problems = new ArrayList<>();
    for (StructField f : inputSchema.fields()) {
      Optional<StructField> actual = Arrays.stream(schema.fields())
          .filter(g -> g.name().equals(f.name())).findFirst();
      if (actual.isEmpty()) {
        problems.add(f.name() + " is missing");
      } else if (!actual.get().dataType().equals(f.dataType())) {
        problems.add(f.name() + " is " + actual.get().dataType().simpleString() + ", compiled for "
            + f.dataType().simpleString());
      }
    }
    Set<String> outputs = new java.util.HashSet<>(List.of(options.scoreColumn(),
        options.reasonsUpColumn(), options.reasonsDownColumn()));
    if (options.contributionsColumn() != null) {
      outputs.add(options.contributionsColumn());
    }
    for (String name : schema.fieldNames()) {
      if (outputs.contains(name)) {
        problems.add(name + " already exists (an output column of the scorer)");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("cannot score this dataset: " + String.join("; ",
          problems));
    }
  }

  /**
   * Runs {@code action}, the action that executes {@link #score}'s result (its write), with
   * whole-stage code generation off, and restores the setting afterwards.
   *
   * <p>Why: a compiled model is hundreds to thousands of expressions (a 100-tree depth-5
   * ensemble is some 6,000 tree nodes). Whole-stage code generation inlines all of a stage's
   * projections into one Java method; at this size Spark either fails to compile it (over
   * 64 KB of bytecode: it logs an ERROR and falls back, recompiling on every run) or the JIT
   * leaves it interpreted (over 8,000 bytes). Without it, Spark generates one projection per
   * layer and splits every large expression into small methods. Measured on 100k cached
   * leads (bench/CodegenProbe.java), e.g. the 100-tree GBT scored 2.6x faster this way than
   * with whole-stage code generation on, logistic regression 4x.
   *
   * <p>The setting is read when the action plans its query, so the action must run inside.
   * Other queries of the session running at the same time are affected too; run the scoring
   * write on its own (then compute percentiles, tiers and the MERGE from what it wrote).
   */
  public static void withScoringCodegen(SparkSession spark, Runnable action) {
    withScoringCodegen(spark, () -> {
      action.run();
      return null;
    });
  }

  /**
   * {@link #withScoringCodegen(SparkSession, Runnable)} returning the action's result. To cache
   * scores, persist and materialise them both inside: a cache planned with whole-stage code
   * generation on and executed with it off trips Spark's columnar-transition assertion.
   */
  public static <T> T withScoringCodegen(SparkSession spark,
      java.util.function.Supplier<T> action) {
    String key = "spark.sql.codegen.wholeStage";
    scala.Option<String> previous = spark.conf().getOption(key);
    spark.conf().set(key, false);
    try {
      return action.get();
    } finally {
      if (previous.isDefined()) {
        spark.conf().set(key, previous.get());
      } else {
        spark.conf().unset(key);
      }
    }
  }

  /** Whether the pipeline runs as SQL expressions (false: {@code transform} fallback). */
  public boolean isCompiled() {
    return fallbackReason == null;
  }

  /** Why the scorer falls back to {@code transform}, if it does. */
  public Optional<String> fallbackReason() {
    return Optional.ofNullable(fallbackReason);
  }

  /** The stages compiled, in order (empty when falling back). */
  public List<String> compiledStages() {
    return compiledStages;
  }

  /**
   * The positive-class probability as one stand-alone expression over the input columns
   * (intermediate results inlined). Rows that {@link #rowFilter()} rejects are ones
   * {@code transform} would drop. {@link #score} computes shared intermediates once and is the
   * faster way to score a dataset.
   */
  public Column probability() {
    return layers().inline(compiled.probability());
  }

  /** The value the contributions add up to: log-odds, or the probability for forests. */
  public Column rawScore() {
    return layers().inline(compiled.raw());
  }

  /** Every input column's contribution, {@code array<struct<feature, contribution>>}. */
  public Column contributions() {
    return layers().inline(Reasons.all(compiled.features(), compiled.contributions()));
  }

  /** The top factors pushing the score up, largest first (stand-alone expression). */
  public Column reasonsUp() {
    return layers().inline(topReasons()[0]);
  }

  /** The top factors pushing the score down, most negative first (stand-alone expression). */
  public Column reasonsDown() {
    return layers().inline(topReasons()[1]);
  }

  /** True for the rows the pipeline keeps (all rows unless a stage skips invalid ones). */
  public Column rowFilter() {
    layers();
    return rowFilter == null ? lit(true) : rowFilter;
  }

  /** Contributions are measured from this value: {@code rawScore = base + sum(contributions)}. */
  public double baseValue() {
    layers();
    return compiled.base();
  }

  /** "log-odds" (logistic regression, gradient-boosted trees) or "probability" (forests). */
  public String reasonUnit() {
    layers();
    return compiled.unit();
  }

  /** The features reasons are reported under (input column names), in model order. */
  public List<String> reasonFeatures() {
    layers();
    return compiled.features();
  }

  /**
   * Logistic regression: the baseline input of each slot of the model's feature vector
   * (reference means), to save and pass back with {@link ScorerOptions#withSlotMeans}.
   */
  public Optional<double[]> slotMeans() {
    return Optional.ofNullable(slotMeans).map(double[]::clone);
  }

  private Layers layers() {
    if (layers == null) {
      throw new IllegalStateException(fallbackReason != null
          ? "the scorer falls back to transform and has no SQL form: " + fallbackReason
          : "the scorer runs a saved row kernel and has no SQL form: compile the model for it");
    }
    return layers;
  }

  /** {@code [up, down]} as SQL over the layers, built the first time they are asked for. */
  private synchronized Column[] topReasons() {
    if (!options.reasons()) {
      throw new IllegalStateException("the scorer was compiled without reasons");
    }
    if (topReasons == null) {
      topReasons = Reasons.top(compiled.features(), compiled.contributions(),
          options.topReasons(), layers());
      layers.nextLayer();
    }
    return topReasons;
  }
}
