package io.leadscore.jobs.generate;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadscore.jobs.JobTestSupport;
import io.leadscore.jobs.generate.GeneratedDrops.EventLine;
import io.leadscore.jobs.generate.GeneratedDrops.LeadLine;
import io.leadscore.jobs.generate.GeneratedDrops.TruthRow;
import io.leadscore.jobs.generate.Vocabulary.EventType;
import io.leadscore.jobs.generate.Vocabulary.Source;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every trap appears at its configured rate (within 4.5 binomial standard deviations),
 * detected in the written files by a reader that knows nothing of the generator's code.
 * One generated dataset (4,000 leads over 60 days) serves all the checks.
 */
class GeneratedTrapsTest extends JobTestSupport {
  static final double BAD_RECORD_RATE = 0.08;
  static final double LEAK_RATE = 0.7;
  static final int DAYS = 60;
  static final int DRIFT_DAY = 20;
  static final LocalDate START = LocalDate.parse("2026-01-05");
  static final long END = START.plusDays(DAYS).atStartOfDay(java.time.ZoneOffset.UTC)
      .toEpochSecond();
  static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");

  private static GeneratedDrops drops;
  private static String stdout;
  /** Lead id → truth row; created_at = observation_at - 7 days. */
  private static Map<String, TruthRow> truth;

  @BeforeEach
  void generateOnce() throws IOException {
    if (drops != null) {
      return;
    }
    Path dir = Files.createTempDirectory("leadscore-generated-traps");
    Path config = writeConfig(dir, "");
    CliResult r = runCli("generate", "--config", config.toString(), "--leads", "4000",
        "--days", String.valueOf(DAYS), "--seed", "7", "--start-date", START.toString(),
        "--bad-record-rate", String.valueOf(BAD_RECORD_RATE), "--schema-change-rate", "0.15",
        "--bad-encoding-rate", "0.15", "--leak-rate", String.valueOf(LEAK_RATE),
        "--drift-from-day", String.valueOf(DRIFT_DAY), "--drift-strength", "1");
    assertThat(r.exitCode()).as(r.output()).isZero();
    stdout = r.stdout();
    drops = new GeneratedDrops(dir.resolve("landing"), dir.resolve("truth/synthetic"));
    truth = new HashMap<>();
    for (TruthRow t : drops.truthRows) {
      truth.put(t.leadId(), t);
    }
  }

  private static long createdAt(String leadId) {
    return GeneratedDrops.epochSecond(truth.get(leadId).observationAt()) - 7 * 86_400;
  }

  /** |observed - expected| within 4.5 binomial standard deviations. */
  private static void assertRate(String what, long observed, long trials, double rate) {
    double expected = trials * rate;
    double sd = Math.sqrt(trials * rate * (1 - rate));
    assertThat((double) observed).as("%s: %d of %d, expected %.1f ± %.1f", what, observed,
        trials, expected, 4.5 * sd).isBetween(expected - 4.5 * sd, expected + 4.5 * sd);
  }

  enum LeadDefect { NON_UTF8, TRUNCATED, EXTRA_FIELD, INVALID_EMAIL, NEGATIVE_SIZE, ABSURD_SIZE,
    FUTURE_DATE, DUPLICATE }

  @Test
  void everyLeadRowTrapAppearsAtItsRate() {
    Map<LeadDefect, Long> found = new EnumMap<>(LeadDefect.class);
    Map<LocalDate, Set<String>> seen = new HashMap<>();
    long lines = 0;
    for (LeadLine line : drops.leadLines) {
      lines++;
      LeadDefect defect = classify(line, seen.computeIfAbsent(line.drop(), d -> new HashSet<>()));
      if (defect != null) {
        found.merge(defect, 1L, Long::sum);
      }
    }
    long duplicates = found.getOrDefault(LeadDefect.DUPLICATE, 0L);
    long cleanRows = lines - duplicates;
    double perKind = BAD_RECORD_RATE / Trap.LEAD_TRAPS.length;
    for (LeadDefect d : LeadDefect.values()) {
      if (d != LeadDefect.NON_UTF8) {
        assertRate(d.name(), found.getOrDefault(d, 0L), cleanRows, perKind);
      }
    }
    // The job's own count of each trap equals what the independent reader found.
    assertThat(stdout).contains("lead_truncated_line " + found.get(LeadDefect.TRUNCATED))
        .contains("lead_duplicate " + duplicates)
        .contains("lead_invalid_email " + found.get(LeadDefect.INVALID_EMAIL))
        .contains("lead_non_utf8 " + found.get(LeadDefect.NON_UTF8));
  }

  private static LeadDefect classify(LeadLine line, Set<String> seenInDrop) {
    String bytes = new String(line.bytes(), StandardCharsets.ISO_8859_1);
    if (!seenInDrop.add(bytes)) {
      return LeadDefect.DUPLICATE;
    }
    if (line.fields().size() < line.header().size()) {
      return LeadDefect.TRUNCATED;
    }
    if (line.fields().size() > line.header().size()) {
      return LeadDefect.EXTRA_FIELD;
    }
    if (!EMAIL.matcher(line.get("email")).matches()) {
      return LeadDefect.INVALID_EMAIL;
    }
    long size = Long.parseLong(line.get("company_size"));
    if (size < 0) {
      return LeadDefect.NEGATIVE_SIZE;
    }
    if (size > 10_000_000) {
      return LeadDefect.ABSURD_SIZE;
    }
    if (GeneratedDrops.epochSecond(line.get("updated_at")) >= END
        || GeneratedDrops.epochSecond(line.get("created_at")) >= END) {
      return LeadDefect.FUTURE_DATE;
    }
    // The encoding trap counts the lines it broke that no row trap had claimed.
    return line.utf8() ? null : LeadDefect.NON_UTF8;
  }

  @Test
  void dropsChangeTheirColumnsAndEncodingAsDrawn() {
    GeneratorParams p = new GeneratorParams(4000, DAYS, DAYS, START, 7, BAD_RECORD_RATE, 0.15,
        0.15, LEAK_RATE, DRIFT_DAY, 1.0);
    int latin1 = 0;
    for (int d = 0; d < DAYS; d++) {
      LocalDate date = START.plusDays(d);
      assertThat(drops.headers.get(date)).as(date.toString())
          .isEqualTo(DropLines.leadHeader(DropLines.schemaOf(p, d)));
      boolean hasNonUtf8 = drops.leadLines.stream()
          .anyMatch(l -> l.drop().equals(date) && !l.utf8());
      assertThat(hasNonUtf8).as(date.toString()).isEqualTo(DropLines.latin1Drop(p, d));
      latin1 += hasNonUtf8 ? 1 : 0;
    }
    assertThat(latin1).isPositive();
    assertThat(drops.headers.values().stream().map(List::size).distinct())
        .containsExactlyInAnyOrder(19, 20, 21);
    // A line that is not UTF-8 is an ISO-8859-1 line with an accented name.
    LeadLine line = drops.leadLines.stream().filter(l -> !l.utf8()).findFirst().orElseThrow();
    String latin = new String(line.bytes(), StandardCharsets.ISO_8859_1);
    assertThat(latin).containsPattern("[À-ÿ]");
    assertThat(GeneratedDrops.parseCsv(latin)).hasSameSizeAs(line.header());
  }

  enum EventDefect { MALFORMED, BAD_TIMESTAMP, UNKNOWN_LEAD, BEFORE_CREATION, DUPLICATE }

  @Test
  void everyEventTrapAppearsAtItsRateAndNoOtherEventPrecedesItsLead() {
    Map<EventDefect, Long> found = new EnumMap<>(EventDefect.class);
    Set<String> eventIds = new HashSet<>();
    long lines = 0;
    for (EventLine e : drops.eventLines) {
      lines++;
      EventDefect defect;
      Instant at = GeneratedDrops.instantOrNull(e.get("occurred_at"));
      if (e.json() == null) {
        defect = EventDefect.MALFORMED;
      } else if (!eventIds.add(e.get("event_id"))) {
        defect = EventDefect.DUPLICATE;
      } else if (at == null) {
        defect = EventDefect.BAD_TIMESTAMP;
      } else if (!truth.containsKey(e.get("lead_id"))) {
        defect = EventDefect.UNKNOWN_LEAD;
      } else if (at.getEpochSecond() < createdAt(e.get("lead_id"))) {
        defect = EventDefect.BEFORE_CREATION;
      } else {
        defect = null;
        // A clean event: after its lead's creation, in the drop of its day, a known type.
        assertThat(e.drop()).isEqualTo(LocalDate.ofInstant(at, java.time.ZoneOffset.UTC));
        assertThat(EventType.fromLabel(e.get("event_type"))).isNotNull();
      }
      if (defect != null) {
        found.merge(defect, 1L, Long::sum);
      }
    }
    long cleanEvents = lines - found.getOrDefault(EventDefect.DUPLICATE, 0L);
    double perKind = BAD_RECORD_RATE / Trap.EVENT_TRAPS.length;
    for (EventDefect d : EventDefect.values()) {
      assertRate(d.name(), found.getOrDefault(d, 0L), cleanEvents, perKind);
    }
    assertThat(stdout).contains("event_before_creation "
        + found.get(EventDefect.BEFORE_CREATION));
  }

  /** The latest parseable row of each lead (by updated_at), from the well-formed lines. */
  private static Map<String, LeadLine> latestRows() {
    Map<String, LeadLine> latest = new HashMap<>();
    for (LeadLine line : drops.leadLines) {
      if (!line.wellFormed() || !truth.containsKey(line.get("lead_id"))) {
        continue;
      }
      long updated = GeneratedDrops.epochSecond(line.get("updated_at"));
      if (updated >= END) {
        continue;
      }
      latest.merge(line.get("lead_id"), line, (a, b) ->
          GeneratedDrops.epochSecond(a.get("updated_at")) >= updated ? a : b);
    }
    return latest;
  }

  @Test
  void statusRevealsTheOutcomeAtTheLeakRate() {
    Map<String, LeadLine> latest = latestRows();
    long complete = 0;
    long revealed = 0;
    for (TruthRow t : drops.truthRows) {
      long obs = GeneratedDrops.epochSecond(t.observationAt());
      // Every status change of the lead happened before the end of the last drop.
      if (obs + (30 + LeadSimulator.LOST_AFTER_WINDOW_MAX_DAYS) * 86_400 >= END
          || !latest.containsKey(t.leadId())) {
        continue;
      }
      complete++;
      String status = latest.get(t.leadId()).get("status");
      if (status.equals("Won") || status.equals("Lost")) {
        revealed++;
        // Won means converted, Lost means not: the status is the outcome.
        assertThat(status.equals("Won")).as(t.leadId()).isEqualTo(t.converted() == 1);
      }
    }
    assertThat(complete).isGreaterThan(500);
    // A lead's last row may be a malformed or future-dated bad record (3 of the 7 row traps):
    // then the row before it, with an earlier status, is the latest readable one.
    assertRate("status reveals the outcome", revealed, complete,
        LEAK_RATE * (1 - BAD_RECORD_RATE * 3 / 7));
  }

  @Test
  void convertedLeadsHavePostConversionEventsAtTheLeakRate() {
    Map<String, Boolean> hasLeakEvent = new HashMap<>();
    for (EventLine e : drops.eventLines) {
      EventType type = EventType.fromLabel(e.get("event_type"));
      if (type != null && type.postConversion() && truth.containsKey(e.get("lead_id"))) {
        hasLeakEvent.put(e.get("lead_id"), true);
        // Only converted leads have them, and only after the conversion.
        TruthRow t = truth.get(e.get("lead_id"));
        assertThat(t.converted()).isEqualTo(1);
        Instant at = GeneratedDrops.instantOrNull(e.get("occurred_at"));
        if (at != null && at.getEpochSecond() >= createdAt(t.leadId())) {
          assertThat(at.getEpochSecond()).isGreaterThan(
              GeneratedDrops.epochSecond(t.convertedAt()));
        }
      }
    }
    long converters = 0;
    long leaking = 0;
    for (TruthRow t : drops.truthRows) {
      if (t.converted() == 1 && GeneratedDrops.epochSecond(t.convertedAt())
          + LeadSimulator.LEAK_EVENT_MAX_DAYS * 86_400 < END) {
        converters++;
        leaking += hasLeakEvent.containsKey(t.leadId()) ? 1 : 0;
      }
    }
    assertThat(converters).isGreaterThan(150);
    // A leak event may itself be hidden by a bad record (malformed or unknown lead: 2 of the
    // 5 event traps); all of a lead's 1 + Poisson(1.2) leak events are hidden in about 1 %.
    assertRate("converters with post-conversion events", leaking, converters,
        LEAK_RATE * 0.99);
  }

  @Test
  void fromTheDriftDaySourceMixAndEngagementShift() {
    Map<String, LeadLine> creation = new HashMap<>();
    for (LeadLine line : drops.leadLines) {
      if (line.wellFormed() && truth.containsKey(line.get("lead_id"))) {
        creation.putIfAbsent(line.get("lead_id"), line);
      }
    }
    Map<String, Integer> preObservationEvents = new HashMap<>();
    for (EventLine e : drops.eventLines) {
      Instant at = GeneratedDrops.instantOrNull(e.get("occurred_at"));
      String lead = e.get("lead_id");
      if (at != null && truth.containsKey(lead) && at.getEpochSecond() >= createdAt(lead)
          && at.getEpochSecond() < createdAt(lead) + 7 * 86_400) {
        preObservationEvents.merge(lead, 1, Integer::sum);
      }
    }
    long driftStart = START.plusDays(DRIFT_DAY).atStartOfDay(java.time.ZoneOffset.UTC)
        .toEpochSecond();
    long[] leads = new long[2];
    long[] paidSocial = new long[2];
    long[] events = new long[2];
    for (String id : creation.keySet()) {
      long created = createdAt(id);
      if (created + 7 * 86_400 >= END) {
        continue;
      }
      int after = created >= driftStart ? 1 : 0;
      leads[after]++;
      paidSocial[after] += creation.get(id).get("lead_source").equals("Paid Social") ? 1 : 0;
      events[after] += preObservationEvents.getOrDefault(id, 0);
    }
    assertRate("Paid Social before the drift", paidSocial[0], leads[0],
        Source.PAID_SOCIAL.weight);
    assertRate("Paid Social after the drift", paidSocial[1], leads[1],
        Source.PAID_SOCIAL.driftedWeight);
    // Engagement drops by 40 %, and the new source mix changes it a little more.
    double mixBefore = Arrays.stream(Source.values()).mapToDouble(s -> s.weight * s.engagement)
        .sum();
    double mixAfter = Arrays.stream(Source.values())
        .mapToDouble(s -> s.driftedWeight * s.engagement).sum();
    double expectedRatio = (1 - LeadSimulator.DRIFT_ENGAGEMENT_DROP) * mixAfter / mixBefore;
    double ratio = (events[1] / (double) leads[1]) / (events[0] / (double) leads[0]);
    assertThat(ratio).as("events per lead after / before the drift")
        .isBetween(expectedRatio - 0.15, expectedRatio + 0.15);
  }
}
