package io.leadscore.features.activity;

import static io.leadscore.features.activity.ActivityFeatures.MICROS_PER_DAY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leadscore.features.ActivitySpec;
import io.leadscore.features.FeatureSpec;
import io.leadscore.testing.SparkTestSupport;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Point-in-time correctness of the activity features: a brute-force reference computed in
 * plain Java, and a property test showing that no feature value of a row changes when events
 * at or after its as_of are added, removed, retyped or moved.
 */
class ActivityFeaturesTest extends SparkTestSupport {

  static final List<String> TYPES = List.of("page_view", "email_open", "Demo Request");
  static final ActivitySpec ACTIVITY =
      ActivitySpec.of("lead_ref", "event_type", "occurred_at", TYPES);
  static final FeatureSpec SPEC = FeatureSpec.builder("lead_id", "as_of").activity(ACTIVITY)
      .build();
  static final long T0 = Instant.parse("2025-03-01T00:00:00Z").getEpochSecond() * 1_000_000L;

  static final StructType SPINE = new StructType()
      .add("lead_id", DataTypes.StringType).add("as_of", DataTypes.TimestampType);
  static final StructType EVENTS = new StructType()
      .add("lead_ref", DataTypes.StringType).add("event_type", DataTypes.StringType)
      .add("occurred_at", DataTypes.TimestampType);

  record Ev(String lead, String type, long us) {}

  record Key(String lead, long asOfUs) {}

  // ---------------------------------------------------------------- small, hand-checked case

  @Test
  void countsWindowsRecencyActiveDaysAndTrendOnAHandMadeLead() {
    long asOf = T0 + 100 * MICROS_PER_DAY;
    List<Ev> events = List.of(
        new Ev("a", "page_view", asOf - 1),                       // 1 µs before: counts
        new Ev("a", "page_view", asOf - MICROS_PER_DAY),          // exactly 1 day: in 1d window
        new Ev("a", "page_view", asOf - MICROS_PER_DAY - 1),      // just past 1 day: 7d window
        new Ev("a", "email_open", asOf - 10 * MICROS_PER_DAY),    // 10 days: 30d window
        new Ev("a", "email_open", asOf - 200 * MICROS_PER_DAY),   // beyond 90d: recency only
        new Ev("a", "page_view", asOf),                           // at as_of: never
        new Ev("a", "page_view", asOf + 5),                       // after: never
        new Ev("a", "unknown_type", asOf - 5),                    // not configured: ignored
        new Ev("b", "page_view", asOf - 5));                      // lead not in the spine
    Dataset<Row> spine = spine(List.of(new Key("a", asOf), new Key("c", asOf)));
    Map<Key, Row> rows = byKey(ActivityFeatures.activityFeatures(spine, events(events), SPEC));

    Row a = rows.get(new Key("a", asOf));
    assertThat(a.<Long>getAs("act_page_view_cnt_1d")).isEqualTo(2L);
    assertThat(a.<Long>getAs("act_page_view_cnt_7d")).isEqualTo(3L);
    assertThat(a.<Long>getAs("act_email_open_cnt_30d")).isEqualTo(1L);
    assertThat(a.<Long>getAs("act_email_open_cnt_90d")).isEqualTo(1L);
    assertThat(a.<Long>getAs("act_all_cnt_90d")).isEqualTo(4L);
    assertThat(a.<Double>getAs("act_page_view_days_since")).isEqualTo(1.0 / MICROS_PER_DAY);
    assertThat(a.<Double>getAs("act_email_open_days_since")).isEqualTo(10.0);
    assertThat(a.<Double>getAs("act_demo_request_days_since")).isNull();
    assertThat(a.<Long>getAs("act_demo_request_cnt_90d")).isZero();
    // periods: 0 (two events), 1 (1 day + 1 µs back), 9 (10 days back)
    assertThat(a.<Integer>getAs("act_active_days_1d")).isEqualTo(1);
    assertThat(a.<Integer>getAs("act_active_days_7d")).isEqualTo(2);
    assertThat(a.<Integer>getAs("act_active_days_90d")).isEqualTo(3);
    // recent 3 in 7 days (3/7), before 1 in days 7–30 (1/23)
    double recent = 3 / 7.0;
    double before = 1 / 23.0;
    assertThat(a.<Double>getAs("act_trend_7d_vs_30d"))
        .isCloseTo((recent - before) / (recent + before), org.assertj.core.data.Offset.offset(1e-12));

    Row c = rows.get(new Key("c", asOf));
    assertThat(c.<Long>getAs("act_all_cnt_90d")).isZero();
    assertThat(c.<Double>getAs("act_all_days_since")).isNull();
    assertThat(c.<Double>getAs("act_trend_7d_vs_30d")).isZero();
    assertThat(c.<Integer>getAs("act_active_days_90d")).isZero();
    assertThat(rows).hasSize(2);
  }

  @Test
  void eventsBeforeTheLeadsStartAreNotReadWhenTheSpineNamesIt() {
    long created = T0 + 50 * MICROS_PER_DAY;
    long asOf = created + 14 * MICROS_PER_DAY;
    StructType withStart = SPINE.add("created_at", DataTypes.TimestampType);
    Dataset<Row> spine = spark().createDataFrame(List.of(
        RowFactory.create("a", ts(asOf), ts(created)),
        RowFactory.create("n", ts(asOf), null)), withStart);    // no start known: no bound
    Dataset<Row> ev = events(List.of(
        new Ev("a", "page_view", created - 3_600_000_000L),    // an hour before creation
        new Ev("a", "email_open", created - 1),                 // 1 µs before creation
        new Ev("a", "page_view", created),                      // at creation: counts
        new Ev("a", "email_open", created + MICROS_PER_DAY),
        new Ev("n", "page_view", created - 3_600_000_000L)));
    Map<Key, Row> bounded = byKey(ActivityFeatures.activityFeatures(spine, "lead_id", "as_of",
        "created_at", ev, ACTIVITY));
    Row a = bounded.get(new Key("a", asOf));
    assertThat(a.<Long>getAs("act_page_view_cnt_30d")).isEqualTo(1L);
    assertThat(a.<Long>getAs("act_email_open_cnt_30d")).isEqualTo(1L);
    assertThat(a.<Long>getAs("act_all_cnt_90d")).isEqualTo(2L);
    assertThat(a.<Double>getAs("act_all_days_since")).isEqualTo(13.0);
    assertThat(bounded.get(new Key("n", asOf)).<Long>getAs("act_all_cnt_90d")).isEqualTo(1L);

    // Without the start column every event before as_of counts, as before.
    Row unbounded = byKey(ActivityFeatures.activityFeatures(spine, ev, SPEC)).get(new Key("a", asOf));
    assertThat(unbounded.<Long>getAs("act_all_cnt_90d")).isEqualTo(4L);
  }

  @Test
  void outputColumnsAreTheKeysThenTheSpecsFeatureColumns() {
    Dataset<Row> out = ActivityFeatures.activityFeatures(
        spine(List.of(new Key("a", T0))), events(List.of()), SPEC);
    List<String> expected = new ArrayList<>(List.of("lead_id", "as_of"));
    expected.addAll(ACTIVITY.featureColumns());
    assertThat(out.columns()).containsExactlyElementsOf(expected);
  }

  @Test
  void aDateAsOfMeansTheStartOfThatDayAndDuplicateSpineRowsCountOnce() {
    StructType dateSpine = new StructType()
        .add("lead_id", DataTypes.StringType).add("as_of", DataTypes.DateType)
        .add("other", DataTypes.IntegerType);
    Dataset<Row> spine = spark().createDataFrame(List.of(
        RowFactory.create("a", Date.valueOf("2025-03-10"), 1),
        RowFactory.create("a", Date.valueOf("2025-03-10"), 2)), dateSpine);
    long midnight = Instant.parse("2025-03-10T00:00:00Z").getEpochSecond() * 1_000_000L;
    Dataset<Row> ev = events(List.of(new Ev("a", "page_view", midnight - 1),
        new Ev("a", "page_view", midnight)));
    List<Row> out = ActivityFeatures.activityFeatures(spine, ev, SPEC).collectAsList();
    assertThat(out).hasSize(1);
    assertThat(out.get(0).<Long>getAs("act_page_view_cnt_1d")).isEqualTo(1L);

    List<Row> joined = spine.transform(ActivityFeatures.withActivityFeatures(ev, SPEC))
        .collectAsList();
    assertThat(joined).hasSize(2);
    assertThat(joined).allSatisfy(r -> assertThat(r.<Long>getAs("act_all_cnt_7d")).isEqualTo(1L));
  }

  @Test
  void missingColumnsAndWrongTypesAreNamed() {
    Dataset<Row> spine = spine(List.of(new Key("a", T0)));
    assertThatThrownBy(() -> ActivityFeatures.activityFeatures(spine.drop("as_of"),
        events(List.of()), SPEC))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("activity spine lacks column(s) as_of");
    assertThatThrownBy(() -> ActivityFeatures.activityFeatures(spine,
        events(List.of()).withColumn("occurred_at",
            org.apache.spark.sql.functions.lit("2025-01-01")), SPEC))
        .hasMessageContaining("occurred_at must be a timestamp or date, cannot be: string");
  }

  // ---------------------------------------------------------------- brute force and property

  @Test
  void everyFeatureEqualsABruteForceReferenceAroundManyBoundaries() {
    for (long seed : new long[] {1, 2, 3}) {
      Random rnd = new Random(seed);
      List<Key> keys = randomSpine(rnd, 150);
      List<Ev> evs = randomEvents(rnd, keys);
      Map<Key, Row> actual = byKey(ActivityFeatures.activityFeatures(spine(keys), events(evs),
          SPEC));
      assertThat(actual).hasSize(new HashSet<>(keys).size());
      int nonZero = 0;
      for (Key k : new HashSet<>(keys)) {
        Map<String, Object> expected = bruteForce(k, evs, ACTIVITY);
        Row row = actual.get(k);
        for (String name : ACTIVITY.featureColumns()) {
          Object want = expected.get(name);
          Object got = row.getAs(name);
          if (want instanceof Double d && got != null) {
            assertThat((Double) got).as("seed %d %s %s", seed, k, name)
                .isCloseTo(d, org.assertj.core.data.Offset.offset(1e-12));
          } else {
            assertThat(got).as("seed %d %s %s", seed, k, name).isEqualTo(want);
          }
        }
        if ((Long) expected.get(ActivitySpec.totalCountColumn(1)) > 0) {
          nonZero++;
        }
      }
      // the generator puts events right at the window edges: the 1-day window is exercised
      assertThat(nonZero).as("rows with events in the last day").isGreaterThan(20);
    }
  }

  @Test
  void noFeatureDependsOnAnEventAtOrAfterAsOf() {
    for (long seed : new long[] {11, 12, 13, 14}) {
      Random rnd = new Random(seed);
      List<Key> keys = randomSpine(rnd, 200);
      List<Ev> evs = randomEvents(rnd, keys);

      // per lead, one of its as_of values is the cut; only events at or after it change
      Map<String, Long> cut = new HashMap<>();
      Map<String, List<Long>> asOfsByLead = new HashMap<>();
      for (Key k : keys) {
        asOfsByLead.computeIfAbsent(k.lead(), x -> new ArrayList<>()).add(k.asOfUs());
      }
      asOfsByLead.forEach((lead, list) -> cut.put(lead, list.get(rnd.nextInt(list.size()))));
      List<Ev> perturbed = perturbAtOrAfterCut(rnd, evs, cut);
      assertThat(perturbed).isNotEqualTo(evs);

      Map<Key, Row> before = byKey(ActivityFeatures.activityFeatures(spine(keys), events(evs),
          SPEC));
      Map<Key, Row> after = byKey(ActivityFeatures.activityFeatures(spine(keys),
          events(perturbed), SPEC));
      int protectedRows = 0;
      int laterRowsChanged = 0;
      for (Key k : before.keySet()) {
        if (k.asOfUs() <= cut.get(k.lead())) {
          assertThat(after.get(k)).as("seed %d, row %s (cut %d)", seed, k, cut.get(k.lead()))
              .isEqualTo(before.get(k));
          protectedRows++;
        } else if (!after.get(k).equals(before.get(k))) {
          laterRowsChanged++;
        }
      }
      assertThat(protectedRows).isGreaterThan(150);
      // the perturbation is real: rows whose as_of lies after the cut do see it
      assertThat(laterRowsChanged).as("rows after the cut that changed").isGreaterThan(10);
    }
  }

  // ---------------------------------------------------------------- generators

  /** 1–3 as_of values per lead, some of them close together so that windows overlap. */
  static List<Key> randomSpine(Random rnd, int leads) {
    List<Key> keys = new ArrayList<>();
    for (int i = 0; i < leads; i++) {
      String lead = "L" + i;
      long base = T0 + rnd.nextInt(60) * MICROS_PER_DAY + rnd.nextInt(86_400) * 1_000_000L;
      int n = 1 + rnd.nextInt(3);
      for (int j = 0; j < n; j++) {
        long offset = switch (rnd.nextInt(4)) {
          case 0 -> 0;
          case 1 -> 1;                                       // 1 µs apart
          case 2 -> rnd.nextInt(3) * MICROS_PER_DAY;         // whole days apart
          default -> (long) (rnd.nextDouble() * 40 * MICROS_PER_DAY);
        };
        keys.add(new Key(lead, base + offset));
      }
    }
    return keys;
  }

  /** Events clustered at the edges that matter: as_of itself, ±1 µs, and every window edge. */
  static List<Ev> randomEvents(Random rnd, List<Key> keys) {
    List<String> types = new ArrayList<>(TYPES);
    types.add("unknown_type");
    types.add(null);
    List<Integer> edges = new ArrayList<>(ACTIVITY.windowsDays());
    edges.add(ACTIVITY.trendBaselineDays());
    List<Ev> evs = new ArrayList<>();
    for (Key k : keys) {
      int n = rnd.nextInt(25);
      for (int i = 0; i < n; i++) {
        long t;
        int edge = edges.get(rnd.nextInt(edges.size()));
        t = switch (rnd.nextInt(7)) {
          case 0 -> k.asOfUs();
          case 1 -> k.asOfUs() + (rnd.nextBoolean() ? 1 : -1);
          case 2 -> k.asOfUs() - edge * MICROS_PER_DAY;
          case 3 -> k.asOfUs() - edge * MICROS_PER_DAY + (rnd.nextBoolean() ? 1 : -1);
          case 4 -> k.asOfUs() - (long) (rnd.nextDouble() * 2 * MICROS_PER_DAY);
          default -> k.asOfUs() + (long) ((rnd.nextDouble() * 150 - 120) * MICROS_PER_DAY);
        };
        evs.add(new Ev(k.lead(), types.get(rnd.nextInt(types.size())), t));
      }
    }
    evs.add(new Ev("not_in_spine", "page_view", T0));
    evs.add(new Ev(null, "page_view", T0));
    return evs;
  }

  /** Removes, retypes, moves and adds events at or after each lead's cut; others untouched. */
  static List<Ev> perturbAtOrAfterCut(Random rnd, List<Ev> evs, Map<String, Long> cut) {
    List<Ev> out = new ArrayList<>();
    for (Ev e : evs) {
      Long c = e.lead() == null ? null : cut.get(e.lead());
      if (c == null || e.us() < c) {
        out.add(e);
        continue;
      }
      switch (rnd.nextInt(4)) {
        case 0 -> { }                                                   // removed
        case 1 -> out.add(new Ev(e.lead(), TYPES.get(rnd.nextInt(TYPES.size())), e.us()));
        case 2 -> out.add(new Ev(e.lead(), e.type(), e.us() + rnd.nextInt(5) * MICROS_PER_DAY));
        default -> out.add(e);
      }
    }
    for (Map.Entry<String, Long> e : cut.entrySet()) {
      for (String type : TYPES) {
        out.add(new Ev(e.getKey(), type, e.getValue()));                // exactly at the cut
        out.add(new Ev(e.getKey(), type, e.getValue() + 1));
        out.add(new Ev(e.getKey(), type,
            e.getValue() + (long) (rnd.nextDouble() * 30 * MICROS_PER_DAY)));
      }
    }
    return out;
  }

  /** The definitions of {@link ActivityFeatures}, computed naively. */
  static Map<String, Object> bruteForce(Key k, List<Ev> evs, ActivitySpec spec) {
    Map<String, Object> f = new HashMap<>();
    List<Ev> past = evs.stream().filter(e -> k.lead().equals(e.lead()))
        .filter(e -> e.type() != null && spec.eventTypes().contains(e.type()))
        .filter(e -> e.us() < k.asOfUs()).toList();
    for (String type : spec.eventTypes()) {
      List<Long> deltas = past.stream().filter(e -> e.type().equals(type))
          .map(e -> k.asOfUs() - e.us()).toList();
      for (int w : spec.windowsDays()) {
        f.put(ActivitySpec.countColumn(type, w),
            deltas.stream().filter(d -> d <= w * MICROS_PER_DAY).count());
      }
      f.put(ActivitySpec.daysSinceColumn(type), deltas.stream().min(Long::compare)
          .map(d -> d / (double) MICROS_PER_DAY).orElse(null));
    }
    List<Long> all = past.stream().map(e -> k.asOfUs() - e.us()).toList();
    for (int w : spec.windowsDays()) {
      f.put(ActivitySpec.totalCountColumn(w),
          all.stream().filter(d -> d <= w * MICROS_PER_DAY).count());
      Set<Long> days = new TreeSet<>();
      all.stream().filter(d -> d <= w * MICROS_PER_DAY).forEach(d -> days.add((d - 1) / MICROS_PER_DAY));
      f.put(ActivitySpec.activeDaysColumn(w), days.size());
    }
    f.put(ActivitySpec.daysSinceAnyColumn(), all.stream().min(Long::compare)
        .map(d -> d / (double) MICROS_PER_DAY).orElse(null));
    long recent = all.stream().filter(d -> d <= spec.trendRecentDays() * MICROS_PER_DAY).count();
    long before = all.stream().filter(d -> d > spec.trendRecentDays() * MICROS_PER_DAY
        && d <= spec.trendBaselineDays() * MICROS_PER_DAY).count();
    double r = recent / (double) spec.trendRecentDays();
    double b = before / (double) (spec.trendBaselineDays() - spec.trendRecentDays());
    f.put(spec.trendColumn(), r + b == 0 ? 0.0 : (r - b) / (r + b));
    return f;
  }

  // ---------------------------------------------------------------- helpers

  Dataset<Row> spine(List<Key> keys) {
    List<Row> rows = keys.stream().map(k -> RowFactory.create(k.lead(), ts(k.asOfUs()))).toList();
    return spark().createDataFrame(rows, SPINE);
  }

  Dataset<Row> events(List<Ev> evs) {
    List<Row> rows = evs.stream().map(e -> RowFactory.create(e.lead(), e.type(), ts(e.us())))
        .toList();
    return spark().createDataFrame(rows, EVENTS);
  }

  static Map<Key, Row> byKey(Dataset<Row> features) {
    Map<Key, Row> out = new HashMap<>();
    for (Row r : features.collectAsList()) {
      Key k = new Key(r.getString(0), micros((Timestamp) r.get(1)));
      assertThat(out.put(k, r)).as("duplicate key %s", k).isNull();
    }
    return out;
  }

  static Timestamp ts(long micros) {
    return Timestamp.from(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
        Math.floorMod(micros, 1_000_000L) * 1000L));
  }

  static long micros(Timestamp t) {
    Instant i = t.toInstant();
    return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
  }
}
