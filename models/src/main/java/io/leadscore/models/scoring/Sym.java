package io.leadscore.models.scoring;

import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;

/**
 * What a pipeline column holds, known symbolically: SQL expressions over the input rows instead
 * of values. Vectors are never built; a vector is the list of its slots.
 */
sealed interface Sym permits Sym.Scalar, Sym.Vec {

  /** A scalar column (string, numeric or boolean). */
  record Scalar(Column expr, DataType type, boolean nullable, String origin) implements Sym {}

  /**
   * A vector column. {@code nullWhen} is the condition under which the whole vector is null
   * (a one-hot vector of a null index), or null when the vector is never null.
   */
  record Vec(List<Slot> slots, Column nullWhen) implements Sym {}

  /** One element of a vector. {@code origin} is the input column it is reported under. */
  sealed interface Slot permits ValueSlot, IndicatorSlot {
    String origin();

    /** The element's value as a double expression (NaN, never null, once assembled). */
    Column value();

    /** This slot with its value mapped by {@code f}, which {@code sqlF} computes in SQL. */
    Slot map(DoubleUnaryOperator f, java.util.function.UnaryOperator<Column> sqlF);
  }

  /** An element whose value is an expression. */
  record ValueSlot(Column value, String origin) implements Slot {
    @Override
    public Slot map(DoubleUnaryOperator f, java.util.function.UnaryOperator<Column> sqlF) {
      return new ValueSlot(sqlF.apply(value), origin);
    }
  }

  /**
   * An element of a one-hot block: {@code on} when the integer {@code index} equals
   * {@code category}, {@code off} otherwise, NaN when the index is null. Kept symbolic so that
   * a linear model can turn the whole block into one lookup by index and a tree can turn a split
   * on it into a test of the index.
   */
  record IndicatorSlot(IndexRef index, int category, double on, double off, String origin)
      implements Slot {
    @Override
    public Column value() {
      Column v = functions.when(index.expr().equalTo(category), on).otherwise(off);
      return index.nullable() ? functions.when(index.expr().isNull(), Double.NaN).otherwise(v) : v;
    }

    @Override
    public Slot map(DoubleUnaryOperator f, java.util.function.UnaryOperator<Column> sqlF) {
      return new IndicatorSlot(index, category, f.applyAsDouble(on), f.applyAsDouble(off), origin);
    }
  }

  /** An integer category index shared by the slots of one one-hot block. */
  record IndexRef(int id, Column expr, boolean nullable) {}
}
