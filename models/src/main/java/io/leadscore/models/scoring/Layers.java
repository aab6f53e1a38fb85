package io.leadscore.models.scoring;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.runtime.AbstractPartialFunction;

/**
 * Intermediate results computed once per row as hidden columns, in layers: every expression of
 * a layer reads only the input columns and hidden columns of earlier layers. A value used by
 * many later expressions (a string index read by a hundred trees) is then computed once; the
 * optimizer still inlines those used once.
 *
 * <p>Every hidden column also has an inline definition over the input columns alone, so that
 * the scorer can hand out stand-alone {@link Column}s.
 */
final class Layers {

  static final String PREFIX = "__ls";

  private final List<List<Column>> layers = new ArrayList<>();
  /** Hidden column name → its definition (which may read earlier hidden columns). */
  private final Map<String, Expression> definitions = new HashMap<>();
  /** Hidden column name → its definition over the input columns alone, built on demand. */
  private final Map<String, Expression> inlineDefs = new HashMap<>();
  private final List<String> hiddenNames = new ArrayList<>();
  private final Dataset<Row> emptyInput;
  private List<Column> current = new ArrayList<>();

  Layers(SparkSession spark, StructType inputSchema) {
    this.emptyInput = spark.createDataFrame(new ArrayList<Row>(), inputSchema);
  }

  /** Closes the current layer: what follows may read everything materialized so far. */
  void nextLayer() {
    if (!current.isEmpty()) {
      layers.add(current);
      current = new ArrayList<>();
    }
  }

  /**
   * Computes {@code expr} as a hidden column of the current layer and returns a reference to
   * it. Column references and literals are returned as they are.
   */
  Column materialize(String hint, Column expr) {
    Expression e = expr.expr();
    if (e instanceof UnresolvedAttribute || e instanceof Attribute || e instanceof Literal) {
      return expr;
    }
    String name = PREFIX + hiddenNames.size() + "_" + hint.replaceAll("[^A-Za-z0-9_]", "_");
    current.add(expr.as(name));
    definitions.put(name, e);
    hiddenNames.add(name);
    return functions.col(name);
  }

  /** {@code c} with every hidden column replaced by its definition over the input columns. */
  Column inline(Column c) {
    return definitions.isEmpty() ? c : new Column(inline(c.expr()));
  }

  private Expression inline(Expression e) {
    return e.transformUp(new AbstractPartialFunction<>() {
      @Override
      public boolean isDefinedAt(Expression x) {
        return x instanceof UnresolvedAttribute u && definitions.containsKey(u.name());
      }

      @Override
      public Expression apply(Expression x) {
        String name = ((UnresolvedAttribute) x).name();
        Expression inlined = inlineDefs.get(name);
        if (inlined == null) {
          inlined = inline(definitions.get(name));
          inlineDefs.put(name, inlined);
        }
        return inlined;
      }
    });
  }

  /** Type and nullability of {@code c} evaluated over the input rows. */
  StructField fieldOf(Column c) {
    return emptyInput.select(inline(c).as("v")).schema().fields()[0];
  }

  /** {@code input} with every hidden column added, layer by layer. */
  Dataset<Row> addHiddenColumns(Dataset<Row> input) {
    nextLayer();
    Dataset<Row> out = input;
    for (List<Column> layer : layers) {
      List<Column> cols = new ArrayList<>();
      cols.add(functions.col("*"));
      cols.addAll(layer);
      out = out.select(cols.toArray(Column[]::new));
    }
    return out;
  }

  List<String> hiddenNames() {
    return List.copyOf(hiddenNames);
  }
}
