package io.leadscore.models.scoring;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The top factors pushing a score up and down, as SQL: one sort of the per-feature
 * contributions per row (generated code, no lambda functions), then the last k positive and
 * first k negative entries.
 */
final class Reasons {

  static final String FEATURE = "feature";
  static final String CONTRIBUTION = "contribution";

  /** array&lt;struct&lt;feature: string, contribution: double&gt;&gt;. */
  static final ArrayType TYPE = DataTypes.createArrayType(new StructType()
      .add(FEATURE, DataTypes.StringType, false)
      .add(CONTRIBUTION, DataTypes.DoubleType, true), false);

  private Reasons() {}

  /** Every feature's contribution, in feature order. */
  static Column all(List<String> features, List<Column> contributions) {
    List<Column> items = new ArrayList<>();
    for (int i = 0; i < features.size(); i++) {
      items.add(struct(lit(features.get(i)).as(FEATURE), contributions.get(i).as(CONTRIBUTION)));
    }
    return items.isEmpty() ? lit(null).cast(TYPE) : array(items.toArray(Column[]::new));
  }

  /**
   * {@code [up, down]}: the k largest positive contributions, largest first, and the k most
   * negative, most negative first. NaN contributions (from NaN inputs) are left out; ties are
   * broken by feature name.
   */
  static Column[] top(List<String> features, List<Column> contributions, int k, Layers layers) {
    int n = features.size();
    if (n == 0) {
      Column empty = functions.array().cast(TYPE);
      return new Column[] {empty, empty};
    }
    layers.nextLayer();
    List<Column> items = new ArrayList<>();
    Column positives = lit(0);
    Column negatives = lit(0);
    for (int i = 0; i < n; i++) {
      Column c = contributions.get(i);
      Column key = when(c.isNull().or(functions.isnan(c)), 0.0).otherwise(c);
      items.add(struct(key.as("k"), lit(features.get(i)).as(FEATURE), c.as(CONTRIBUTION)));
      positives = positives.plus(when(key.gt(0.0), 1).otherwise(0));
      negatives = negatives.plus(when(key.lt(0.0), 1).otherwise(0));
    }
    Column sorted = layers.materialize("reasons_sorted",
        functions.sort_array(array(items.toArray(Column[]::new)), true));
    positives = layers.materialize("reasons_up_n", positives);
    negatives = layers.materialize("reasons_down_n", negatives);
    layers.nextLayer();
    int m = Math.min(k, n);
    List<Column> up = new ArrayList<>();
    List<Column> down = new ArrayList<>();
    for (int i = 0; i < m; i++) {
      up.add(entry(sorted.getItem(n - 1 - i)));
      down.add(entry(sorted.getItem(i)));
    }
    return new Column[] {
        functions.slice(array(up.toArray(Column[]::new)), lit(1), functions.least(positives,
            lit(m))),
        functions.slice(array(down.toArray(Column[]::new)), lit(1), functions.least(negatives,
            lit(m)))};
  }

  private static Column entry(Column item) {
    return struct(item.getField(FEATURE).as(FEATURE), item.getField(CONTRIBUTION).as(CONTRIBUTION));
  }
}
