package io.leadscore.features.activity;

import static org.apache.spark.sql.functions.bit_count;
import static org.apache.spark.sql.functions.bit_or;
import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

import io.leadscore.features.ActivitySpec;
import io.leadscore.features.Columns;
import io.leadscore.features.FeatureSpec;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * Point-in-time activity features: for every (lead id, as_of) of a spine, what the lead did
 * strictly before as_of.
 *
 * <p>Definitions (delta = as_of − occurred_at, events with delta ≤ 0 are never read):
 * <ul>
 *   <li>{@code act_<type>_cnt_<w>d}: events of the type with 0 &lt; delta ≤ w days;
 *       {@code act_all_cnt_<w>d} the same over all configured types.</li>
 *   <li>{@code act_<type>_days_since}: smallest delta of the type in days (fractional), over
 *       all history (not only the windows); null when the lead has no such event before as_of.
 *       {@code act_all_days_since} over all configured types.</li>
 *   <li>{@code act_active_days_<w>d}: distinct 24-hour periods counted back from as_of
 *       (period 0 = the last 24 hours) with at least one event in the window. Periods relative
 *       to as_of rather than calendar dates, so the value does not depend on a time zone.</li>
 *   <li>{@code act_trend_<r>d_vs_<b>d}: (rate_recent − rate_before) / (rate_recent +
 *       rate_before) in [−1, 1], where rate_recent = events in the last r days / r and
 *       rate_before = events from r to b days back / (b − r); 0 when both are 0. +1: all recent
 *       activity is new; −1: the lead went quiet.</li>
 * </ul>
 * Events whose type is not in the spec are ignored; events with a null lead id, type or time
 * are ignored. Leads without events get zero counts, null recency and trend 0. When the spine
 * names the lead's start (its creation time), events dated before it are ignored too: an event
 * before the lead existed is a clock or matching error, and counting it would let events of
 * converted leads moved there (after the outcome, so before as_of) leak the label.
 *
 * <p>Cost: one equi-join on the lead id (with the time condition in the join) and one
 * aggregation with conditional aggregates, all in Spark; nothing per row on the driver.
 */
public final class ActivityFeatures {
  static final long MICROS_PER_DAY = 86_400_000_000L;
  private static final int BITS = 64;

  private static final String EV_LEAD = "__ev_lead";
  private static final String EV_TYPE = "__ev_type";
  private static final String EV_US = "__ev_us";
  private static final String AS_OF_US = "__as_of_us";
  private static final String START_US = "__start_us";
  private static final String DELTA = "__delta_us";
  private static final String DAY_INDEX = "__day_idx";
  private static final String WORD = "__active_word_";
  private static final String TREND_RECENT = "__trend_recent";
  private static final String TREND_BEFORE = "__trend_before";
  private static final String ANY_MIN = "__any_min_delta";

  private ActivityFeatures() {}

  /** {@link #activityFeatures(Dataset, String, String, Dataset, ActivitySpec)} with the spec's key names. */
  public static Dataset<Row> activityFeatures(Dataset<Row> spine, Dataset<Row> events,
      FeatureSpec spec) {
    if (!spec.hasActivity()) {
      throw new IllegalArgumentException("the feature spec has no activity (events) section");
    }
    return activityFeatures(spine, spec.idColumn(), spec.asOfColumn(), events, spec.activity());
  }

  /**
   * One row per distinct (id, as_of) of the spine: the two key columns, as typed in the spine,
   * followed by {@link ActivitySpec#featureColumns()}.
   *
   * @param spine   rows naming the leads and observation points (other columns are ignored)
   * @param idCol   spine column with the lead id (joined with the events' lead-ref column)
   * @param asOfCol spine column with the observation point (timestamp or date)
   */
  public static Dataset<Row> activityFeatures(Dataset<Row> spine, String idCol, String asOfCol,
      Dataset<Row> events, ActivitySpec spec) {
    return activityFeatures(spine, idCol, asOfCol, null, events, spec);
  }

  /**
   * As {@link #activityFeatures(Dataset, String, String, Dataset, ActivitySpec)}, reading only
   * events at or after the spine's {@code startCol} (the lead's creation; null: no lower bound).
   *
   * @param startCol spine column with the lead's start (timestamp or date), or null for none
   */
  public static Dataset<Row> activityFeatures(Dataset<Row> spine, String idCol, String asOfCol,
      String startCol, Dataset<Row> events, ActivitySpec spec) {
    Columns.require(spine, "activity spine", idCol, asOfCol);
    Columns.require(events, "events", spec.leadRefColumn(), spec.eventTypeColumn(),
        spec.eventTimeColumn());
    requireTime(spine, asOfCol, "activity spine");
    requireTime(events, spec.eventTimeColumn(), "events");
    Column start = lit(null).cast(DataTypes.LongType);
    if (startCol != null) {
      Columns.require(spine, "activity spine", startCol);
      requireTime(spine, startCol, "activity spine");
      start = unix_micros(col(startCol).cast(DataTypes.TimestampType));
    }

    // One start per (id, as_of): the earliest, should a lead carry two.
    Dataset<Row> keys = spine.select(col(idCol), col(asOfCol), start.as(START_US))
        .groupBy(col(idCol), col(asOfCol)).agg(min(col(START_US)).as(START_US))
        .withColumn(AS_OF_US, unix_micros(col(asOfCol).cast(DataTypes.TimestampType)));

    List<String> types = spec.eventTypes();
    Column typeIndex = lit(null).cast(DataTypes.IntegerType);
    for (int k = types.size() - 1; k >= 0; k--) {
      typeIndex = when(col(spec.eventTypeColumn()).equalTo(types.get(k)), lit(k))
          .otherwise(typeIndex);
    }
    Dataset<Row> ev = events
        .where(col(spec.eventTypeColumn()).isin(types.toArray())
            .and(col(spec.leadRefColumn()).isNotNull())
            .and(col(spec.eventTimeColumn()).isNotNull()))
        .select(col(spec.leadRefColumn()).as(EV_LEAD), typeIndex.as(EV_TYPE),
            unix_micros(col(spec.eventTimeColumn()).cast(DataTypes.TimestampType)).as(EV_US));

    // The time condition sits in the join itself: an event at or after as_of (or before the
    // lead's start) never meets its row.
    Dataset<Row> joined = keys
        .join(ev, keys.col(idCol).equalTo(ev.col(EV_LEAD))
            .and(ev.col(EV_US).lt(keys.col(AS_OF_US)))
            .and(keys.col(START_US).isNull().or(ev.col(EV_US).geq(keys.col(START_US)))), "left")
        .select(keys.col(idCol), keys.col(asOfCol), col(EV_TYPE),
            keys.col(AS_OF_US).minus(col(EV_US)).as(DELTA))
        .withColumn(DAY_INDEX, call_function("div", col(DELTA).minus(1L), lit(MICROS_PER_DAY)));

    int maxDays = spec.maxWindowDays();
    int words = (maxDays + BITS - 1) / BITS;
    List<Column> aggs = new ArrayList<>();
    for (int k = 0; k < types.size(); k++) {
      Column isType = col(EV_TYPE).equalTo(k);
      for (int w : spec.windowsDays()) {
        aggs.add(count(when(isType.and(within(w)), lit(1)))
            .as(ActivitySpec.countColumn(types.get(k), w)));
      }
      aggs.add(min(when(isType, col(DELTA))).divide((double) MICROS_PER_DAY)
          .as(ActivitySpec.daysSinceColumn(types.get(k))));
    }
    for (int w : spec.windowsDays()) {
      aggs.add(count(when(within(w), lit(1))).as(ActivitySpec.totalCountColumn(w)));
    }
    aggs.add(min(col(DELTA)).as(ANY_MIN));
    for (int k = 0; k < words; k++) {
      Column inWord = col(DAY_INDEX).geq(k * BITS).and(col(DAY_INDEX).lt((k + 1) * BITS))
          .and(col(DAY_INDEX).lt(maxDays));
      Column bit = call_function("shiftleft", lit(1L),
          col(DAY_INDEX).minus(k * BITS).cast(DataTypes.IntegerType));
      aggs.add(coalesce(bit_or(when(inWord, bit)), lit(0L)).as(WORD + k));
    }
    aggs.add(count(when(within(spec.trendRecentDays()), lit(1))).as(TREND_RECENT));
    aggs.add(count(when(col(DELTA).gt(spec.trendRecentDays() * MICROS_PER_DAY)
        .and(within(spec.trendBaselineDays())), lit(1))).as(TREND_BEFORE));

    Dataset<Row> aggregated = joined.groupBy(col(idCol), col(asOfCol))
        .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0]));

    List<Column> out = new ArrayList<>();
    out.add(col(idCol));
    out.add(col(asOfCol));
    for (String name : spec.featureColumns()) {
      out.add(finalColumn(name, spec, words));
    }
    return aggregated.select(out.toArray(new Column[0]));
  }

  /**
   * Transform for {@code spine.transform(...)}: the spine with the activity feature columns
   * added (left join on id and as_of; spine rows with a null id or as_of get null features).
   */
  public static scala.Function1<Dataset<Row>, Dataset<Row>> withActivityFeatures(Dataset<Row> events,
      FeatureSpec spec) {
    return spine -> {
      Dataset<Row> features = activityFeatures(spine, events, spec);
      return spine.join(features,
          scala.collection.JavaConverters.asScalaBuffer(
              List.of(spec.idColumn(), spec.asOfColumn())).toSeq(), "left");
    };
  }

  private static Column finalColumn(String name, ActivitySpec spec, int words) {
    if (name.equals(ActivitySpec.daysSinceAnyColumn())) {
      return col(ANY_MIN).divide((double) MICROS_PER_DAY).as(name);
    }
    for (int w : spec.windowsDays()) {
      if (name.equals(ActivitySpec.activeDaysColumn(w))) {
        return activeDays(w, words).as(name);
      }
    }
    if (name.equals(spec.trendColumn())) {
      Column recent = col(TREND_RECENT).divide((double) spec.trendRecentDays());
      Column before = col(TREND_BEFORE)
          .divide((double) (spec.trendBaselineDays() - spec.trendRecentDays()));
      return when(recent.plus(before).equalTo(0.0), lit(0.0))
          .otherwise(recent.minus(before).divide(recent.plus(before))).as(name);
    }
    return col(name);
  }

  /** Popcount of the day bits below {@code days}. */
  private static Column activeDays(int days, int words) {
    Column total = lit(0);
    for (int k = 0; k < words; k++) {
      int lo = k * BITS;
      if (days <= lo) {
        break;
      }
      long mask = days >= lo + BITS ? -1L : (1L << (days - lo)) - 1L;
      total = total.plus(bit_count(col(WORD + k).bitwiseAND(lit(mask))));
    }
    return total.cast(DataTypes.IntegerType);
  }

  private static Column within(int days) {
    return col(DELTA).leq(days * MICROS_PER_DAY);
  }

  private static void requireTime(Dataset<Row> data, String column, String what) {
    DataType type = data.schema().apply(column).dataType();
    if (!type.equals(DataTypes.TimestampType) && !type.equals(DataTypes.DateType)
        && !type.equals(DataTypes.TimestampNTZType)) {
      throw new IllegalArgumentException(String.format(
          "%s column %s must be a timestamp or date, cannot be: %s", what, column,
          type.simpleString()));
    }
  }
}
