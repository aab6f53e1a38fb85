package io.leadscore.models.scoring;

import io.leadscore.features.ml.BooleanToNumber;
import io.leadscore.features.ml.MissingIndicator;
import io.leadscore.features.ml.RareLevelGrouperModel;
import io.leadscore.transforms.ml.SqlCompilable;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.feature.ImputerModel;
import org.apache.spark.ml.feature.OneHotEncoderModel;
import org.apache.spark.ml.feature.StandardScalerModel;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * A logistic-regression pipeline scored row by row in plain Java: the fast path of
 * {@link CompiledScorer#score} for the pipelines leadscore trains (BooleanToNumber,
 * MissingIndicator, ImputerModel, RareLevelGrouperModel, StringIndexerModel and
 * OneHotEncoderModel with {@code handleInvalid = "keep"}, VectorAssembler with "keep",
 * StandardScalerModel, then a binomial LogisticRegressionModel).
 *
 * <p>Why: the SQL form of such a pipeline is hundreds of expressions in layered projections,
 * and Spark spends ~5 µs a row in them (string copies between layers, label searches by string
 * comparison, code generation of huge projections on every query). Here a row is one pass over
 * a register array, labels are hash lookups, and nothing is generated.
 *
 * <p>It computes exactly what the SQL form computes, in the same floating-point order, so the
 * scores and reasons are the same (tests hold the scores to {@code transform} within 1e-9 and
 * the reasons equal to the SQL form's). Any other stage, setting or input type makes
 * {@link #compile} refuse, and the scorer keeps the SQL form.
 */
final class RowKernel implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final double CLIP = 1L << 12;

  /** The input columns the kernel reads, in the order of the struct it is given. */
  private final String[] inputs;
  private final byte[] inputKinds;
  /** The register each input is loaded into. */
  private final int[] inputRegisters;
  private final int registers;
  private final Op[] ops;
  private final double intercept;
  private final Group[] groups;
  private final UTF8String[] featureNames;
  private final int topReasons;
  private final long packBase;
  private final double resolution;
  private final List<String> slotOrigins;

  private RowKernel(String[] inputs, byte[] inputKinds, int[] inputRegisters, int registers,
      Op[] ops, double intercept, Group[] groups, List<String> features, int topReasons,
      List<String> slotOrigins) {
    this.inputs = inputs;
    this.inputKinds = inputKinds;
    this.inputRegisters = inputRegisters;
    this.registers = registers;
    this.ops = ops;
    this.intercept = intercept;
    this.groups = groups;
    this.featureNames = features.stream().map(UTF8String::fromString)
        .toArray(UTF8String[]::new);
    this.topReasons = topReasons;
    this.slotOrigins = List.copyOf(slotOrigins);
    int n = groups.length;
    this.packBase = Long.highestOneBit(Math.max(1, n - 1)) << 1;
    this.resolution = Math.scalb(1.0,
        Math.min(40, 50 - Long.numberOfTrailingZeros(packBase)));
  }

  /** The input columns to pass, as a struct in this order, to {@link #score} and reasons. */
  List<String> inputColumns() {
    return List.of(inputs);
  }

  /** The reasons' feature names, in model order (the SQL form's {@code features()}). */
  List<String> features() {
    return Arrays.stream(featureNames).map(UTF8String::toString).toList();
  }

  // ================================================================ evaluation

  /** Register file of one row: numbers (with null flags) and strings. */
  static final class Regs {
    final double[] num;
    final boolean[] isNull;
    final UTF8String[] str;

    Regs(int n) {
      num = new double[n];
      isNull = new boolean[n];
      str = new UTF8String[n];
    }

    /** The register as an assembled vector element: null reads NaN. */
    double value(int r) {
      return isNull[r] ? Double.NaN : num[r];
    }
  }

  /**
   * Registers for {@link #score} and {@link #scoreWithReasons}, to reuse row after row (by one
   * thread at a time): a row then allocates nothing before its reasons.
   */
  Regs newRegs() {
    return new Regs(registers);
  }

  /**
   * Runs the feature stages on one row whose input {@code i} is at {@code ordinals[i]}, in
   * {@code r}. Every register is written before it is read, each by one op; only the null
   * flags, which ops set but do not clear, start afresh.
   */
  private Regs run(InternalRow in, int[] ordinals, Regs r) {
    Arrays.fill(r.isNull, false);
    for (int i = 0; i < inputKinds.length; i++) {
      int o = ordinals[i];
      int g = inputRegisters[i];
      if (in.isNullAt(o)) {
        r.isNull[g] = true;
        continue;
      }
      switch (inputKinds[i]) {
        case STRING -> r.str[g] = in.getUTF8String(o);
        case BOOLEAN -> r.num[g] = in.getBoolean(o) ? 1.0 : 0.0;
        case INT -> r.num[g] = in.getInt(o);
        case LONG -> r.num[g] = in.getLong(o);
        case DOUBLE -> r.num[g] = in.getDouble(o);
        case FLOAT -> r.num[g] = in.getFloat(o);
        case SHORT -> r.num[g] = in.getShort(o);
        default -> throw new IllegalStateException("input kind " + inputKinds[i]);
      }
    }
    for (Op op : ops) {
      op.apply(r);
    }
    return r;
  }

  private double[] terms(Regs r) {
    double[] terms = new double[groups.length];
    for (int g = 0; g < groups.length; g++) {
      terms[g] = groups[g].term(r);
    }
    return terms;
  }

  private double probability(double[] terms) {
    double margin = intercept;
    for (double t : terms) {
      margin = margin + t;
    }
    return sigmoid(margin);
  }

  private static double sigmoid(double margin) {
    // As Spark SQL's exp: StrictMath.
    return 1.0 / (1.0 + StrictMath.exp(margin * -1.0));
  }

  /**
   * The positive-class probability of one row, input {@code i} of {@link #inputColumns} read
   * at {@code ordinals[i]}, computed in {@code regs} (see {@link #newRegs}).
   */
  double score(InternalRow in, int[] ordinals, Regs regs) {
    Regs r = run(in, ordinals, regs);
    double margin = intercept;
    for (Group g : groups) {
      margin = margin + g.term(r); // the order of probability(terms(r))
    }
    return sigmoid(margin);
  }

  /**
   * {@code struct(score, up, down)} of one input row: the score and the top contributions each
   * way, picked exactly as {@link Reasons#top} picks them (computed in {@code regs}).
   */
  InternalRow scoreWithReasons(InternalRow in, int[] ordinals, Regs regs) {
    double[] terms = terms(run(in, ordinals, regs));
    int n = groups.length;
    int m = Math.min(topReasons, n);
    double[] contributions = new double[n];
    // The m largest packed ranks above zero and the m smallest below, kept sorted by insertion:
    // what sorting all of them and reading both ends gives.
    long[] up = new long[m];
    long[] down = new long[m];
    int ups = 0;
    int downs = 0;
    for (int g = 0; g < n; g++) {
      double c = terms[g] - groups[g].offset;
      contributions[g] = c;
      long rank = Double.isNaN(c) ? 0L
          : (long) (Math.min(Math.max(c, -CLIP), CLIP) * resolution);
      long packed = rank * packBase + g;
      if (rank > 0) {
        ups = insert(up, ups, -packed); // descending: keep the smallest negations
      } else if (rank < 0) {
        downs = insert(down, downs, packed);
      }
    }
    Object[] upRows = new Object[ups];
    for (int j = 0; j < ups; j++) {
      upRows[j] = entry(contributions, (int) Math.floorMod(-up[j], packBase));
    }
    Object[] downRows = new Object[downs];
    for (int j = 0; j < downs; j++) {
      downRows[j] = entry(contributions, (int) Math.floorMod(down[j], packBase));
    }
    return new GenericInternalRow(new Object[] {probability(terms),
        new GenericArrayData(upRows), new GenericArrayData(downRows)});
  }

  /** Inserts v into the ascending top[0..size), keeping at most top.length smallest. */
  private static int insert(long[] top, int size, long v) {
    if (size == top.length && (size == 0 || v >= top[size - 1])) {
      return size;
    }
    int i = size == top.length ? size - 1 : size;
    while (i > 0 && top[i - 1] > v) {
      top[i] = top[i - 1];
      i--;
    }
    top[i] = v;
    return Math.min(size + 1, top.length);
  }

  private InternalRow entry(double[] contributions, int position) {
    return new GenericInternalRow(new Object[] {featureNames[position],
        contributions[position]});
  }

  // ================================================================ column-wise scores

  /**
   * How to compute each model term on its own, for {@link #scoreColumns}: per group (term) the
   * inputs it reads and the ops from them to its registers, in program order.
   */
  static final class ColumnPlan implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int[][] inputs;
    private final Op[][] ops;

    private ColumnPlan(int[][] inputs, Op[][] ops) {
      this.inputs = inputs;
      this.ops = ops;
    }
  }

  /** Fresh memos for {@link #scoreColumns}, one per term. */
  TermMemo[] newMemos() {
    TermMemo[] memos = new TermMemo[groups.length];
    for (int g = 0; g < memos.length; g++) {
      memos[g] = new TermMemo();
    }
    return memos;
  }

  /** The plan of column-wise scoring, or null if a register has more than one writer. */
  ColumnPlan columnPlan() {
    Map<Integer, Integer> writer = new HashMap<>();
    for (int k = 0; k < ops.length; k++) {
      if (writer.put(ops[k].out(), k) != null) {
        return null;
      }
    }
    Map<Integer, Integer> inputOf = new HashMap<>();
    for (int i = 0; i < inputRegisters.length; i++) {
      inputOf.put(inputRegisters[i], i);
    }
    int[][] groupInputs = new int[groups.length][];
    Op[][] groupOps = new Op[groups.length][];
    for (int g = 0; g < groups.length; g++) {
      java.util.TreeSet<Integer> inputsRead = new java.util.TreeSet<>();
      java.util.TreeSet<Integer> opsRun = new java.util.TreeSet<>();
      java.util.ArrayDeque<Integer> pending = new java.util.ArrayDeque<>();
      for (ValueSlot v : groups[g].values()) {
        pending.push(v.reg());
      }
      for (Block b : groups[g].blocks()) {
        pending.push(b.index());
      }
      while (!pending.isEmpty()) {
        int reg = pending.pop();
        Integer input = inputOf.get(reg);
        Integer op = writer.get(reg);
        if (input != null) {
          inputsRead.add(input);
        } else if (op == null) {
          return null; // read but never written: no plan
        } else if (opsRun.add(op)) {
          pending.push(ops[op].in());
        }
      }
      groupInputs[g] = inputsRead.stream().mapToInt(Integer::intValue).toArray();
      groupOps[g] = opsRun.stream().map(k -> ops[k]).toArray(Op[]::new);
    }
    return new ColumnPlan(groupInputs, groupOps);
  }

  /**
   * Per group, its terms by dictionary id of its one input, for one batch (a batch's rows
   * share a dictionary): a term is known if its stamp is the batch's.
   */
  static final class TermMemo {
    private int batch;
    private double[] terms = new double[0];
    private int[] stamps = new int[0];
  }

  /**
   * The scores of {@code rows} rows of column vectors, {@code columns[i]} holding input
   * {@code i} of {@link #inputColumns}: what {@link #score} gives each row, computed term by
   * term down the columns. A term that reads one dictionary-encoded input is computed once
   * per dictionary entry ({@code memos}, one per group, kept across batches) instead of once
   * per row.
   */
  void scoreColumns(org.apache.spark.sql.vectorized.ColumnVector[] columns, int rows,
      ColumnPlan plan, Regs regs, TermMemo[] memos, double[] out) {
    Arrays.fill(out, 0, rows, intercept);
    for (int g = 0; g < groups.length; g++) {
      int[] in = plan.inputs[g];
      org.apache.spark.sql.vectorized.ColumnVector single = in.length == 1 ? columns[in[0]]
          : null;
      if (single instanceof org.apache.spark.sql.execution.vectorized.WritableColumnVector w
          && w.hasDictionary()) {
        var ids = w.getDictionaryIds();
        TermMemo memo = memos[g];
        int batch = ++memo.batch;
        for (int row = 0; row < rows; row++) {
          double t;
          if (w.isNullAt(row)) {
            t = term(g, columns, row, plan, regs);
          } else {
            int id = ids.getInt(row);
            if (id >= memo.stamps.length) {
              int size = Math.max(id + 1, 2 * memo.stamps.length);
              memo.stamps = Arrays.copyOf(memo.stamps, size);
              memo.terms = Arrays.copyOf(memo.terms, size);
            }
            if (memo.stamps[id] != batch) {
              memo.terms[id] = term(g, columns, row, plan, regs);
              memo.stamps[id] = batch;
            }
            t = memo.terms[id];
          }
          out[row] = out[row] + t;
        }
      } else {
        for (int row = 0; row < rows; row++) {
          out[row] = out[row] + term(g, columns, row, plan, regs);
        }
      }
    }
    for (int row = 0; row < rows; row++) {
      out[row] = sigmoid(out[row]);
    }
  }

  /** Group g's term of one row: its inputs loaded, its ops run, as {@link #run} would. */
  private double term(int g, org.apache.spark.sql.vectorized.ColumnVector[] columns, int row,
      ColumnPlan plan, Regs r) {
    for (int i : plan.inputs[g]) {
      load(i, columns[i], row, r);
    }
    for (Op op : plan.ops[g]) {
      r.isNull[op.out()] = false;
    }
    for (Op op : plan.ops[g]) {
      op.apply(r);
    }
    return groups[g].term(r);
  }

  private void load(int i, org.apache.spark.sql.vectorized.ColumnVector v, int row, Regs r) {
    int g = inputRegisters[i];
    r.isNull[g] = v.isNullAt(row);
    if (r.isNull[g]) {
      return;
    }
    switch (inputKinds[i]) {
      case STRING -> r.str[g] = v.getUTF8String(row);
      case BOOLEAN -> r.num[g] = v.getBoolean(row) ? 1.0 : 0.0;
      case INT -> r.num[g] = v.getInt(row);
      case LONG -> r.num[g] = v.getLong(row);
      case DOUBLE -> r.num[g] = v.getDouble(row);
      case FLOAT -> r.num[g] = v.getFloat(row);
      case SHORT -> r.num[g] = v.getShort(row);
      default -> throw new IllegalStateException("input kind " + inputKinds[i]);
    }
  }

  // ================================================================ model terms

  /** One input column's linear term: its value slots, then its one-hot blocks. */
  private record Group(ValueSlot[] values, double[] coefs, Block[] blocks, double offset)
      implements Serializable {
    double term(Regs r) {
      double term = 0.0;
      boolean first = true;
      for (int i = 0; i < values.length; i++) {
        double t = values[i].value(r) * coefs[i];
        term = first ? t : term + t;
        first = false;
      }
      for (Block b : blocks) {
        double t = b.term(r);
        term = first ? t : term + t;
        first = false;
      }
      return term;
    }
  }

  /** coef . x over one one-hot block, as a lookup by the block's index (ModelCompiler's). */
  private record Block(int index, double[] delta, boolean allOffZero, double constant)
      implements Serializable {
    double term(Regs r) {
      if (r.isNull[index]) {
        return Double.NaN;
      }
      double idx = r.num[index];
      double looked = idx >= 0 && idx <= delta.length - 1 ? delta[(int) idx] : 0.0;
      return allOffZero ? looked : looked + constant;
    }
  }

  /** A vector element read from a register, then mapped by the scalers in order. */
  private record ValueSlot(int reg, Scale[] scales) implements Serializable {
    double value(Regs r) {
      double x = r.value(reg);
      for (Scale s : scales) {
        x = s.apply(x);
      }
      return x;
    }
  }

  private record Scale(boolean withMean, boolean withStd, double shift, double scale)
      implements Serializable {
    double apply(double x) {
      if (withMean && withStd) {
        return (x - shift) * scale;
      }
      if (withMean) {
        return x - shift;
      }
      return withStd ? x * scale : x;
    }
  }

  // ================================================================ feature stages

  private interface Op extends Serializable {
    void apply(Regs r);

    /** The register it reads. */
    int in();

    /** The register it writes (no other op writes it). */
    int out();
  }

  private record ToNumber(int in, int out, boolean fromString, Set<UTF8String> trueWords,
      Set<UTF8String> falseWords) implements Op {
    @Override
    public void apply(Regs r) {
      if (r.isNull[in]) {
        r.isNull[out] = true;
      } else if (!fromString) {
        r.num[out] = r.num[in];
      } else {
        UTF8String s = r.str[in].trim().toLowerCase();
        if (trueWords.contains(s)) {
          r.num[out] = 1.0;
        } else if (falseWords.contains(s)) {
          r.num[out] = 0.0;
        } else {
          r.isNull[out] = true;
        }
      }
    }
  }

  private record Missing(int in, int out) implements Op {
    @Override
    public void apply(Regs r) {
      r.num[out] = r.isNull[in] || Double.isNaN(r.num[in]) ? 1.0 : 0.0;
    }
  }

  private record Impute(int in, int out, Double surrogate, double missing, byte kind)
      implements Op {
    @Override
    public void apply(Regs r) {
      double x = r.num[in];
      boolean replace = r.isNull[in]
          || (Double.isNaN(x) && Double.isNaN(missing)) || x == missing;
      if (replace && surrogate == null) {
        r.isNull[out] = true;
        return;
      }
      double v = replace ? surrogate : x;
      // ImputerModel casts the result back to the input's type.
      r.num[out] = switch (kind) {
        case INT -> (int) v;
        case LONG -> (long) v;
        case SHORT -> (short) v;
        case FLOAT -> (float) v;
        default -> v;
      };
    }
  }

  private record GroupLevels(int in, int out, LabelTable levels, UTF8String missingToken,
      UTF8String otherToken) implements Op {
    @Override
    public void apply(Regs r) {
      UTF8String v = r.isNull[in] ? null : r.str[in];
      if (v == null || v.trim().numBytes() == 0) {
        r.str[out] = missingToken;
      } else {
        r.str[out] = levels.indexOf(v) >= 0 ? v : otherToken;
      }
    }
  }

  private record Index(int in, int out, LabelTable labels, int unseen, boolean fromInteger)
      implements Op {
    @Override
    public void apply(Regs r) {
      int idx = r.isNull[in] ? -1 : labels.indexOf(fromInteger
          ? UTF8String.fromString(Long.toString((long) r.num[in])) : r.str[in]);
      r.num[out] = idx < 0 ? unseen : idx;
    }
  }

  /**
   * Label → position, open addressing on the label's hash: one hash and usually one byte
   * comparison per lookup, no boxing.
   */
  static final class LabelTable implements Serializable {
    private static final long serialVersionUID = 1L;
    private final UTF8String[] keys;
    private final int[] values;
    private final int mask;

    /** The first position of each label in {@code labels}. */
    LabelTable(List<String> labels) {
      int size = Integer.highestOneBit(Math.max(4, labels.size() * 4 - 1)) << 1;
      keys = new UTF8String[size];
      values = new int[size];
      mask = size - 1;
      for (int i = 0; i < labels.size(); i++) {
        UTF8String k = UTF8String.fromString(labels.get(i));
        int slot = k.hashCode() & mask;
        while (keys[slot] != null && !keys[slot].equals(k)) {
          slot = (slot + 1) & mask;
        }
        if (keys[slot] == null) {
          keys[slot] = k;
          values[slot] = i;
        }
      }
    }

    /** The label's position, or -1. */
    int indexOf(UTF8String label) {
      int slot = label.hashCode() & mask;
      UTF8String k;
      while ((k = keys[slot]) != null) {
        if (k.equals(label)) {
          return values[slot];
        }
        slot = (slot + 1) & mask;
      }
      return -1;
    }
  }

  private record OneHotIndex(int in, int out, int size) implements Op {
    @Override
    public void apply(Regs r) {
      if (r.isNull[in]) {
        r.isNull[out] = true;
        return;
      }
      double label = r.num[in];
      r.num[out] = label >= 0 && label < size ? (int) label : size;
    }
  }

  // ================================================================ compilation

  /** The register of a vector column: none (its slots name theirs). */
  private static final int VECTOR = Integer.MIN_VALUE;

  static final byte STRING = 0;
  static final byte BOOLEAN = 1;
  static final byte INT = 2;
  static final byte LONG = 3;
  static final byte DOUBLE = 4;
  static final byte FLOAT = 5;
  static final byte SHORT = 6;

  private static byte kindOf(DataType t) {
    if (t instanceof StringType) {
      return STRING;
    } else if (t instanceof BooleanType) {
      return BOOLEAN;
    } else if (t instanceof IntegerType) {
      return INT;
    } else if (t instanceof LongType) {
      return LONG;
    } else if (t instanceof DoubleType) {
      return DOUBLE;
    } else if (t instanceof FloatType) {
      return FLOAT;
    } else if (t instanceof ShortType) {
      return SHORT;
    }
    return -1;
  }

  /** A column during compilation: a register (scalar) or a list of slots (vector). */
  private record Col(int reg, byte kind, String origin, List<KSlot> slots) {
    boolean isVector() {
      return slots != null;
    }
  }

  /** A vector element: a value register, or an indicator of a one-hot index register. */
  private record KSlot(int reg, List<Scale> scales, boolean indicator, int category, double on,
      double off, String origin) {
    KSlot map(Scale s) {
      if (indicator) {
        return new KSlot(reg, scales, true, category, s.apply(on), s.apply(off), origin);
      }
      List<Scale> more = new ArrayList<>(scales);
      more.add(s);
      return new KSlot(reg, more, false, 0, 0, 0, origin);
    }
  }

  /** Thrown when a stage, setting or type has no kernel form; the SQL form is used. */
  static final class Unsupported extends RuntimeException {
    Unsupported(String message) {
      super(message, null, false, false);
    }
  }

  private static final class Compiler {
    final StructType schema;
    final Map<String, Col> columns = new HashMap<>();
    final List<String> inputs = new ArrayList<>();
    final List<Byte> inputKinds = new ArrayList<>();
    final List<Integer> inputRegisters = new ArrayList<>();
    int registers;

    Compiler(StructType schema) {
      this.schema = schema;
    }

    /** A column by name: an input is given a register the first time a stage reads it. */
    Col column(String name, Transformer stage) {
      Col c = columns.get(name);
      if (c != null) {
        return c;
      }
      StructField f = Arrays.stream(schema.fields()).filter(x -> x.name().equals(name))
          .findFirst().orElseThrow(() -> new Unsupported(PipelineCompiler.describe(stage)
              + " reads '" + name + "', which is not an input column"));
      byte kind = kindOf(f.dataType());
      if (kind < 0) {
        throw new Unsupported("input '" + name + "' has type " + f.dataType().simpleString());
      }
      c = new Col(registers++, kind, name, null);
      inputs.add(name);
      inputKinds.add(kind);
      inputRegisters.add(c.reg());
      columns.put(name, c);
      return c;
    }

    Col scalar(String name, Transformer stage) {
      Col c = column(name, stage);
      if (c.isVector()) {
        throw new Unsupported(PipelineCompiler.describe(stage) + " reads vector '" + name + "'");
      }
      return c;
    }

    Col define(String name, byte kind, String origin) {
      Col c = new Col(registers++, kind, origin, null);
      columns.put(name, c);
      return c;
    }
  }

  /**
   * Compiles {@code stages} (the feature stages and the model) for rows of {@code schema},
   * reasons measured from {@code means} (one per model slot, as the SQL form's).
   *
   * @throws Unsupported if a stage, setting or input type has no kernel form
   */
  static RowKernel compile(List<Transformer> stages, StructType schema, double[] means,
      int topReasons) {
    Compiler c = new Compiler(schema);
    List<Op> ops = new ArrayList<>();
    for (Transformer stage : stages.subList(0, stages.size() - 1)) {
      ops.addAll(stage(c, stage));
    }
    Transformer last = stages.get(stages.size() - 1);
    if (!(last instanceof LogisticRegressionModel lr)) {
      throw new Unsupported(PipelineCompiler.describe(last) + " is not a logistic regression");
    }
    if (lr.numClasses() != 2 || lr.coefficientMatrix().numRows() != 1) {
      throw new Unsupported(PipelineCompiler.describe(lr) + " is multinomial");
    }
    Col features = c.column(lr.getFeaturesCol(), lr);
    if (!features.isVector()) {
      throw new Unsupported(PipelineCompiler.describe(lr) + " reads a scalar");
    }
    double[] coef = lr.coefficients().toArray();
    List<KSlot> slots = features.slots();
    if (coef.length != slots.size() || means.length != slots.size()) {
      throw new Unsupported(PipelineCompiler.describe(lr) + " has " + coef.length
          + " coefficients for " + slots.size() + " slots");
    }
    Map<String, List<Integer>> byOrigin = new LinkedHashMap<>();
    for (int j = 0; j < slots.size(); j++) {
      byOrigin.computeIfAbsent(slots.get(j).origin(), k -> new ArrayList<>()).add(j);
    }
    List<Group> groups = new ArrayList<>();
    for (List<Integer> members : byOrigin.values()) {
      List<ValueSlot> values = new ArrayList<>();
      List<Double> valueCoefs = new ArrayList<>();
      Map<Integer, List<Integer>> blocks = new LinkedHashMap<>();
      double offset = 0.0;
      for (int j : members) {
        offset += coef[j] * means[j];
        KSlot s = slots.get(j);
        if (s.indicator()) {
          blocks.computeIfAbsent(s.reg(), k -> new ArrayList<>()).add(j);
        } else {
          values.add(new ValueSlot(s.reg(), s.scales().toArray(Scale[]::new)));
          valueCoefs.add(coef[j]);
        }
      }
      List<Block> compiled = new ArrayList<>();
      for (List<Integer> block : blocks.values()) {
        compiled.add(block(block, slots, coef));
      }
      groups.add(new Group(values.toArray(ValueSlot[]::new),
          valueCoefs.stream().mapToDouble(Double::doubleValue).toArray(),
          compiled.toArray(Block[]::new), offset));
    }
    byte[] kinds = new byte[c.inputKinds.size()];
    for (int i = 0; i < kinds.length; i++) {
      kinds[i] = c.inputKinds.get(i);
    }
    return new RowKernel(c.inputs.toArray(String[]::new), kinds,
        c.inputRegisters.stream().mapToInt(Integer::intValue).toArray(), c.registers,
        ops.toArray(Op[]::new),
        lr.intercept(), groups.toArray(Group[]::new), new ArrayList<>(byOrigin.keySet()),
        topReasons, slots.stream().map(KSlot::origin).toList());
  }

  /** The origin of every model slot, in order (to check against the SQL form's). */
  List<String> slotOrigins() {
    return slotOrigins;
  }

  private static Block block(List<Integer> block, List<KSlot> slots, double[] coef) {
    int maxCategory = 0;
    for (int j : block) {
      maxCategory = Math.max(maxCategory, slots.get(j).category());
    }
    double[] delta = new double[maxCategory + 1];
    double constant = 0.0;
    boolean allOffZero = true;
    for (int j : block) {
      allOffZero &= slots.get(j).off() == 0.0;
    }
    for (int j : block) {
      KSlot s = slots.get(j);
      if (allOffZero) {
        delta[s.category()] = s.on() * coef[j];
      } else {
        delta[s.category()] = s.on() * coef[j] - s.off() * coef[j];
        constant += s.off() * coef[j];
      }
    }
    return new Block(slots.get(block.get(0)).reg(), delta, allOffZero, constant);
  }

  private static List<Op> stage(Compiler c, Transformer stage) {
    List<Op> ops = new ArrayList<>();
    if (stage instanceof BooleanToNumber b) {
      String[] in = b.getInputCols();
      String[] out = b.getOutputCols();
      Set<UTF8String> t = words(BooleanToNumber.trueWords());
      Set<UTF8String> f = words(BooleanToNumber.falseWords());
      for (int i = 0; i < in.length; i++) {
        Col x = c.scalar(in[i], stage);
        if (x.kind() != STRING && x.kind() != BOOLEAN) {
          throw new Unsupported("BooleanToNumber input '" + in[i] + "' is not a string or boolean");
        }
        Col y = c.define(out[i], DOUBLE, origin(c, b, out[i]));
        ops.add(new ToNumber(x.reg(), y.reg(), x.kind() == STRING, t, f));
      }
    } else if (stage instanceof MissingIndicator m) {
      String[] in = m.getInputCols();
      String[] out = m.getOutputCols();
      for (int i = 0; i < in.length; i++) {
        Col x = c.scalar(in[i], stage);
        if (x.kind() == STRING) {
          throw new Unsupported("MissingIndicator input '" + in[i] + "' is a string");
        }
        Col y = c.define(out[i], DOUBLE, origin(c, m, out[i]));
        ops.add(new Missing(x.reg(), y.reg()));
      }
    } else if (stage instanceof RareLevelGrouperModel g) {
      String[] in = g.getInputCols();
      String[] out = g.getOutputCols();
      String[][] levels = g.getLevels();
      for (int i = 0; i < in.length; i++) {
        Col x = c.scalar(in[i], stage);
        if (x.kind() != STRING) {
          throw new Unsupported("RareLevelGrouper input '" + in[i] + "' is not a string");
        }
        Col y = c.define(out[i], STRING, origin(c, g, out[i]));
        ops.add(new GroupLevels(x.reg(), y.reg(), new LabelTable(List.of(levels[i])),
            UTF8String.fromString(g.getMissingToken()),
            UTF8String.fromString(g.getOtherToken())));
      }
    } else if (stage instanceof ImputerModel m) {
      String[][] io = PipelineCompiler.inOut(m);
      Row surrogates = m.surrogateDF().select(Arrays.stream(io[0])
          .map(PipelineCompiler::inputColumn).toArray(org.apache.spark.sql.Column[]::new)).head();
      for (int i = 0; i < io[0].length; i++) {
        Col x = c.scalar(io[0][i], stage);
        if (x.kind() == STRING || x.kind() == BOOLEAN) {
          throw new Unsupported("Imputer input '" + io[0][i] + "' is not a number");
        }
        Object s = surrogates.get(i);
        Col y = c.define(io[1][i], x.kind(), x.origin());
        ops.add(new Impute(x.reg(), y.reg(), s == null ? null : ((Number) s).doubleValue(),
            m.getMissingValue(), x.kind()));
      }
    } else if (stage instanceof StringIndexerModel m) {
      if (!"keep".equals(m.getHandleInvalid())) {
        throw new Unsupported("StringIndexer handleInvalid " + m.getHandleInvalid());
      }
      String[][] io = PipelineCompiler.inOut(m);
      String[][] labels = m.labelsArray();
      for (int i = 0; i < io[0].length; i++) {
        if (!c.columns.containsKey(io[0][i]) && !hasInput(c, io[0][i])) {
          continue; // StringIndexerModel ignores missing input columns (a label indexer).
        }
        Col x = c.scalar(io[0][i], stage);
        boolean integer = x.kind() == INT || x.kind() == LONG || x.kind() == SHORT;
        if (x.kind() != STRING && !integer) {
          // How Spark writes other types as strings is not reproduced here.
          throw new Unsupported("StringIndexer input '" + io[0][i] + "' is "
              + (x.kind() == BOOLEAN ? "a boolean" : "a fractional number"));
        }
        Col y = c.define(io[1][i], DOUBLE, x.origin());
        ops.add(new Index(x.reg(), y.reg(), new LabelTable(List.of(labels[i])),
            labels[i].length, integer));
      }
    } else if (stage instanceof OneHotEncoderModel m) {
      if (!"keep".equals(m.getHandleInvalid())) {
        throw new Unsupported("OneHotEncoder handleInvalid " + m.getHandleInvalid());
      }
      String[][] io = PipelineCompiler.inOut(m);
      int[] sizes = m.categorySizes();
      for (int i = 0; i < io[0].length; i++) {
        Col x = c.scalar(io[0][i], stage);
        if (x.kind() == STRING || x.kind() == BOOLEAN) {
          throw new Unsupported("OneHotEncoder input '" + io[0][i] + "' is not a number");
        }
        int k = sizes[i];
        Col idx = c.define(io[1][i] + "#index", INT, x.origin());
        ops.add(new OneHotIndex(x.reg(), idx.reg(), k));
        int vectorSize = k + 1 - (m.getDropLast() ? 1 : 0);
        List<KSlot> slots = new ArrayList<>();
        for (int v = 0; v < vectorSize; v++) {
          slots.add(new KSlot(idx.reg(), List.of(), true, v, 1.0, 0.0, x.origin()));
        }
        c.columns.put(io[1][i], new Col(VECTOR, DOUBLE, x.origin(), slots));
      }
    } else if (stage instanceof VectorAssembler m) {
      if (!"keep".equals(m.getHandleInvalid())) {
        throw new Unsupported("VectorAssembler handleInvalid " + m.getHandleInvalid());
      }
      List<KSlot> slots = new ArrayList<>();
      for (String in : m.getInputCols()) {
        Col x = c.column(in, stage);
        if (x.isVector()) {
          slots.addAll(x.slots());
        } else if (x.kind() == STRING) {
          throw new Unsupported("VectorAssembler input '" + in + "' is a string");
        } else {
          slots.add(new KSlot(x.reg(), List.of(), false, 0, 0, 0, x.origin()));
        }
      }
      c.columns.put(m.getOutputCol(), new Col(VECTOR, DOUBLE, "", slots));
    } else if (stage instanceof StandardScalerModel m) {
      Col x = c.column(m.getInputCol(), stage);
      if (!x.isVector()) {
        throw new Unsupported("StandardScaler input '" + m.getInputCol() + "' is a scalar");
      }
      double[] mean = m.mean().toArray();
      double[] std = m.std().toArray();
      List<KSlot> out = new ArrayList<>();
      for (int j = 0; j < x.slots().size(); j++) {
        double scale = std[j] == 0 ? 0.0 : 1.0 / std[j];
        out.add(x.slots().get(j).map(new Scale(m.getWithMean(), m.getWithStd(),
            m.getWithMean() ? mean[j] : 0.0, scale)));
      }
      c.columns.put(m.getOutputCol(), new Col(VECTOR, DOUBLE, "", out));
    } else {
      throw new Unsupported(PipelineCompiler.describe(stage) + " has no kernel form");
    }
    return ops;
  }

  private static boolean hasInput(Compiler c, String name) {
    return Arrays.asList(c.schema.fieldNames()).contains(name);
  }

  /** A custom stage's output is reported under what its reasonOrigin names, as in SQL. */
  private static String origin(Compiler c, SqlCompilable stage, String out) {
    return stage.reasonOrigin(out)
        .map(in -> c.columns.containsKey(in) ? c.columns.get(in).origin() : in)
        .orElse(out);
  }

  private static Set<UTF8String> words(List<String> words) {
    Set<UTF8String> out = new HashSet<>();
    for (String w : words) {
      out.add(UTF8String.fromString(w));
    }
    return out;
  }
}
