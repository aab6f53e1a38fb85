package io.leadscore.models.scoring;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.codegen.CodegenContext;
import org.apache.spark.sql.catalyst.expressions.codegen.CodegenFallback;
import org.apache.spark.sql.catalyst.expressions.codegen.ExprCode;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * A {@link RowKernel} as a Spark SQL expression over its input columns: the score (double), or
 * the score with the reasons ({@code struct<score, up, down>} of the given type). Generated code calls {@link #eval}
 * (CodegenFallback): the kernel is already compiled Java. Once bound to the input row, the
 * inputs are read straight from it by ordinal, without boxing.
 */
final class KernelExpression extends Expression
    implements CodegenFallback, java.io.Serializable {

  private static final long serialVersionUID = 1L;

  private final RowKernel kernel;
  private final DataType reasonsType; // null: the score alone
  private final scala.collection.Seq<Expression> children;

  // Where each input is in the row eval() is given; null until the first call.
  private transient int[] ordinals;
  // The kernel's registers, reused row after row by the thread that made them (one field, so
  // that a thread never sees another's registers with its own name).
  private transient Scratch scratch;

  private record Scratch(Thread owner, RowKernel.Regs regs) {}

  private KernelExpression(scala.collection.Seq<Expression> children, RowKernel kernel,
      DataType reasonsType) {
    this.kernel = kernel;
    this.reasonsType = reasonsType;
    this.children = children;
  }

  /** The score of each row of the kernel's input columns. */
  static Column score(RowKernel kernel) {
    return new Column(new KernelExpression(inputs(kernel), kernel, null));
  }

  /** Score and reasons of each row, {@code struct<score, up, down>} typed {@code reasonsType}. */
  static Column scoreWithReasons(RowKernel kernel, DataType reasonsType) {
    return new Column(new KernelExpression(inputs(kernel), kernel, reasonsType));
  }

  private static scala.collection.Seq<Expression> inputs(RowKernel kernel) {
    List<Expression> in = kernel.inputColumns().stream()
        .map(name -> PipelineCompiler.inputColumn(name).expr()).toList();
    return scala.collection.JavaConverters.asScalaBuffer(in).toList();
  }

  @Override
  public scala.collection.Seq<Expression> children() {
    return children;
  }

  @Override
  public DataType dataType() {
    return reasonsType == null ? DataTypes.DoubleType : reasonsType;
  }

  @Override
  public boolean nullable() {
    return reasonsType == null; // as the SQL form's score; reasons are never null
  }

  @Override
  public Object eval(InternalRow input) {
    InternalRow row = input;
    int[] at = ordinals;
    if (at == null) {
      at = boundOrdinals();
    }
    if (at == null) { // not bound to the input row: evaluate the children
      int n = children.size();
      Object[] values = new Object[n];
      for (int i = 0; i < n; i++) {
        values[i] = children.apply(i).eval(input);
      }
      row = new GenericInternalRow(values);
      at = java.util.stream.IntStream.range(0, n).toArray();
    }
    Scratch own = scratch;
    if (own == null || own.owner() != Thread.currentThread()) {
      own = new Scratch(Thread.currentThread(), kernel.newRegs());
      scratch = own;
    }
    return reasonsType == null ? (Object) kernel.score(row, at, own.regs())
        : kernel.scoreWithReasons(row, at, own.regs());
  }

  /** The input ordinals if every child is a reference into the input row, else null. */
  private int[] boundOrdinals() {
    int n = children.size();
    int[] at = new int[n];
    for (int i = 0; i < n; i++) {
      if (!(children.apply(i) instanceof BoundReference b)) {
        return null;
      }
      at[i] = b.ordinal();
    }
    ordinals = at;
    return at;
  }

  @Override
  public ExprCode doGenCode(CodegenContext ctx, ExprCode ev) {
    return CodegenFallback.super.doGenCode(ctx, ev);
  }

  @Override
  public Expression withNewChildrenInternal(
      scala.collection.IndexedSeq<Expression> newChildren) {
    return new KernelExpression(newChildren.toList(), kernel, reasonsType);
  }

  // TreeNode copies by reflection over the product's elements otherwise.
  @Override
  public Expression makeCopy(Object[] newArgs) {
    @SuppressWarnings("unchecked")
    scala.collection.Seq<Expression> newChildren = (scala.collection.Seq<Expression>) newArgs[0];
    return new KernelExpression(newChildren, kernel, reasonsType);
  }

  @Override
  public Expression clone() {
    return new KernelExpression(children, kernel, reasonsType);
  }

  @Override
  public String prettyName() {
    return reasonsType == null ? "leadscore_kernel_score" : "leadscore_kernel_score_reasons";
  }

  @Override
  public int productArity() {
    return 1;
  }

  @Override
  public Object productElement(int n) {
    if (n != 0) {
      throw new IndexOutOfBoundsException("KernelExpression has one element, not: " + n);
    }
    return children;
  }

  @Override
  public boolean canEqual(Object that) {
    return that instanceof KernelExpression;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KernelExpression k && k.kernel == kernel && k.children.equals(children)
        && java.util.Objects.equals(k.reasonsType, reasonsType);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(System.identityHashCode(kernel), children, reasonsType);
  }
}
