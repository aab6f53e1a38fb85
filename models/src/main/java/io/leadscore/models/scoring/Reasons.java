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

  /**
   * The type of {@link #top}'s columns over {@code features} features: entries read from
   * arrays by position, so both fields nullable ({@link #TYPE} when there are none).
   */
  static ArrayType topType(int features) {
    return features == 0 ? TYPE : DataTypes.createArrayType(new StructType()
        .add(FEATURE, DataTypes.StringType, true)
        .add(CONTRIBUTION, DataTypes.DoubleType, true), false);
  }

  private Reasons() {}

  /** Every feature's contribution, in feature order. */
  static Column all(List<String> features, List<Column> contributions) {
    List<Column> items = new ArrayList<>();
    for (int i = 0; i < features.size(); i++) {
      items.add(struct(lit(features.get(i)).as(FEATURE), contributions.get(i).as(CONTRIBUTION)));
    }
    return items.isEmpty() ? lit(null).cast(TYPE) : array(items.toArray(Column[]::new));
  }

  /** Contributions are ranked as if clipped to ±2^12 (a log-odds of 4096 is already certain). */
  private static final double CLIP = 1L << 12;

  /**
   * {@code [up, down]}: the k largest positive contributions, largest first, and the k most
   * negative, most negative first, with their exact values. NaN contributions (from NaN
   * inputs) and those below 2^-40 (about 1e-12) in size are left out; contributions within
   * 2^-40 of each other are ordered by feature position.
   *
   * <p>One primitive sort per row: each contribution is truncated to a multiple of 2^-40 and
   * packed with the feature's position into one long, {@code trunc(c * 2^40) * B + position}
   * (B the next power of two at least the number of features), so that sorting the longs
   * sorts the features by contribution; the positions are read back from both ends of the
   * sorted array. That avoids sorting arrays of structs, which allocates per element.
   */
  static Column[] top(List<String> features, List<Column> contributions, int k, Layers layers) {
    int n = features.size();
    if (n == 0) {
      Column empty = functions.array().cast(TYPE);
      return new Column[] {empty, empty};
    }
    int m = Math.min(k, n);
    long base = Long.highestOneBit(Math.max(1, n - 1)) << 1;
    // |trunc(c * resolution)| <= 2^12 * resolution, times base must stay below 2^62.
    double resolution = Math.scalb(1.0, Math.min(40, 50 - Long.numberOfTrailingZeros(base)));
    layers.nextLayer();
    List<Column> ranks = new ArrayList<>();
    for (int g = 0; g < n; g++) {
      Column c = contributions.get(g);
      Column clipped = functions.least(functions.greatest(c, lit(-CLIP)), lit(CLIP));
      ranks.add(layers.materialize("reason_rank_" + g,
          when(c.isNull().or(functions.isnan(c)), 0L)
              .otherwise(clipped.multiply(resolution).cast("long"))));
    }
    layers.nextLayer();
    List<Column> packed = new ArrayList<>();
    Column upCount = lit(0);
    Column downCount = lit(0);
    for (int g = 0; g < n; g++) {
      packed.add(ranks.get(g).multiply(base).plus(g));
      upCount = upCount.plus(when(ranks.get(g).gt(0L), 1).otherwise(0));
      downCount = downCount.plus(when(ranks.get(g).lt(0L), 1).otherwise(0));
    }
    Column sorted = layers.materialize("reasons_sorted",
        functions.sort_array(array(packed.toArray(Column[]::new)), true));
    Column values = layers.materialize("reasons_values",
        array(contributions.toArray(Column[]::new)));
    upCount = layers.materialize("reasons_up_count", functions.least(upCount, lit(m)));
    downCount = layers.materialize("reasons_down_count", functions.least(downCount, lit(m)));
    layers.nextLayer();
    Column names = functions.lit(features.toArray(String[]::new));
    List<Column> up = new ArrayList<>();
    List<Column> down = new ArrayList<>();
    for (int j = 0; j < m; j++) {
      up.add(entry(names, values, functions.pmod(functions.get(sorted, lit(n - 1 - j)),
          lit(base))));
      down.add(entry(names, values, functions.pmod(functions.get(sorted, lit(j)), lit(base))));
    }
    return new Column[] {
        functions.slice(array(up.toArray(Column[]::new)), lit(1), upCount),
        functions.slice(array(down.toArray(Column[]::new)), lit(1), downCount)};
  }

  /** struct(feature, contribution) of the feature at {@code position}. */
  private static Column entry(Column names, Column values, Column position) {
    Column p = position.cast("int");
    return struct(functions.get(names, p).as(FEATURE), functions.get(values, p).as(CONTRIBUTION));
  }
}
