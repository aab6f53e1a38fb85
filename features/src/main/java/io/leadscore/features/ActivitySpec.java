package io.leadscore.features;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the activity features read from the events table and what they compute.
 *
 * @param leadRefColumn      events column holding the lead id (contract role {@code lead_ref})
 * @param eventTypeColumn    events column holding the event type (role {@code event_type})
 * @param eventTimeColumn    events column holding when it happened (role {@code event_time};
 *                           timestamp or date)
 * @param eventTypes         the event types that get their own features, from config; events of
 *                           any other type are ignored (they count nowhere, not even in the
 *                           all-types features), so a new type in the data never changes the
 *                           feature schema silently
 * @param windowsDays        look-back windows in days, e.g. 1, 7, 30, 90 (ascending, distinct)
 * @param trendRecentDays    the trend compares the rate of the last {@code trendRecentDays}...
 * @param trendBaselineDays  ...with the rate from {@code trendRecentDays} to
 *                           {@code trendBaselineDays} days before as_of
 */
public record ActivitySpec(
    String leadRefColumn,
    String eventTypeColumn,
    String eventTimeColumn,
    List<String> eventTypes,
    List<Integer> windowsDays,
    int trendRecentDays,
    int trendBaselineDays) {

  public static final List<Integer> DEFAULT_WINDOWS_DAYS = List.of(1, 7, 30, 90);
  /** Longest window supported: active days are tracked in a bit set of this many days. */
  public static final int MAX_WINDOW_DAYS = 3660;

  public ActivitySpec {
    requireName(leadRefColumn, "leadRefColumn");
    requireName(eventTypeColumn, "eventTypeColumn");
    requireName(eventTimeColumn, "eventTimeColumn");
    Objects.requireNonNull(eventTypes, "eventTypes");
    Objects.requireNonNull(windowsDays, "windowsDays");
    eventTypes = List.copyOf(eventTypes);
    windowsDays = List.copyOf(windowsDays);
    if (eventTypes.isEmpty()) {
      throw new IllegalArgumentException("eventTypes must name at least one event type");
    }
    Map<String, String> bySafeName = new HashMap<>();
    for (String type : eventTypes) {
      if (type == null || type.isBlank()) {
        throw new IllegalArgumentException("eventTypes must not hold a blank type, cannot be: "
            + eventTypes);
      }
      String clash = bySafeName.put(safeName(type), type);
      if (clash != null) {
        throw new IllegalArgumentException(String.format(
            "event types '%s' and '%s' give the same feature name '%s'", clash, type,
            safeName(type)));
      }
    }
    if (windowsDays.isEmpty()) {
      throw new IllegalArgumentException("windowsDays must hold at least one window");
    }
    int previous = 0;
    for (Integer w : windowsDays) {
      if (w == null || w <= previous || w > MAX_WINDOW_DAYS) {
        throw new IllegalArgumentException(String.format(
            "windowsDays must be ascending, distinct and within 1..%d, cannot be: %s",
            MAX_WINDOW_DAYS, windowsDays));
      }
      previous = w;
    }
    if (trendRecentDays < 1 || trendBaselineDays <= trendRecentDays
        || trendBaselineDays > MAX_WINDOW_DAYS) {
      throw new IllegalArgumentException(String.format(
          "trend windows must satisfy 1 <= recent < baseline <= %d, cannot be: recent=%d,"
              + " baseline=%d", MAX_WINDOW_DAYS, trendRecentDays, trendBaselineDays));
    }
  }

  /** Default windows (1/7/30/90 days) and trend (last 7 days against days 7–30). */
  public static ActivitySpec of(String leadRefColumn, String eventTypeColumn,
      String eventTimeColumn, List<String> eventTypes) {
    return new ActivitySpec(leadRefColumn, eventTypeColumn, eventTimeColumn, eventTypes,
        DEFAULT_WINDOWS_DAYS, 7, 30);
  }

  public ActivitySpec withWindowsDays(List<Integer> windows) {
    return new ActivitySpec(leadRefColumn, eventTypeColumn, eventTimeColumn, eventTypes,
        windows, trendRecentDays, trendBaselineDays);
  }

  public ActivitySpec withTrend(int recentDays, int baselineDays) {
    return new ActivitySpec(leadRefColumn, eventTypeColumn, eventTimeColumn, eventTypes,
        windowsDays, recentDays, baselineDays);
  }

  public int maxWindowDays() {
    return windowsDays.get(windowsDays.size() - 1);
  }

  // ---- names of the produced columns (one place) ----

  /** Events of {@code type} in the {@code days} days before as_of. */
  public static String countColumn(String type, int days) {
    return "act_" + safeName(type) + "_cnt_" + days + "d";
  }

  /** Events of any configured type in the {@code days} days before as_of. */
  public static String totalCountColumn(int days) {
    return "act_all_cnt_" + days + "d";
  }

  /** Days (fractional) from the last event of {@code type} to as_of; null when none. */
  public static String daysSinceColumn(String type) {
    return "act_" + safeName(type) + "_days_since";
  }

  /** Days (fractional) from the last event of any configured type to as_of; null when none. */
  public static String daysSinceAnyColumn() {
    return "act_all_days_since";
  }

  /** Distinct active days (24-hour periods counted back from as_of) in the window. */
  public static String activeDaysColumn(int days) {
    return "act_active_days_" + days + "d";
  }

  public String trendColumn() {
    return "act_trend_" + trendRecentDays + "d_vs_" + trendBaselineDays + "d";
  }

  /** Every feature column the activity features add, in output order. */
  public List<String> featureColumns() {
    List<String> names = new ArrayList<>();
    for (String type : eventTypes) {
      for (int w : windowsDays) {
        names.add(countColumn(type, w));
      }
      names.add(daysSinceColumn(type));
    }
    for (int w : windowsDays) {
      names.add(totalCountColumn(w));
    }
    names.add(daysSinceAnyColumn());
    for (int w : windowsDays) {
      names.add(activeDaysColumn(w));
    }
    names.add(trendColumn());
    return names;
  }

  /** The columns among {@link #featureColumns()} that are null when a lead has no events. */
  public List<String> nullableFeatureColumns() {
    List<String> names = new ArrayList<>();
    for (String type : eventTypes) {
      names.add(daysSinceColumn(type));
    }
    names.add(daysSinceAnyColumn());
    return names;
  }

  /** Lower case, runs of anything but a-z and 0-9 become one underscore. */
  public static String safeName(String eventType) {
    String s = eventType.trim().toLowerCase(java.util.Locale.ROOT)
        .replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
    return s.isEmpty() ? "type" : s;
  }

  private static void requireName(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " must name a column, cannot be: " + value);
    }
  }
}
