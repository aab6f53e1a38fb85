package io.leadscore.jobs.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.leadscore.jobs.config.ConfigException;
import io.leadscore.jobs.generate.DropFiles.Kind;
import io.leadscore.jobs.generate.DropLines.DropSchema;
import io.leadscore.jobs.generate.Rng.Purpose;
import io.leadscore.jobs.generate.TruthModel.Activity;
import io.leadscore.jobs.generate.Vocabulary.Budget;
import io.leadscore.jobs.generate.Vocabulary.Country;
import io.leadscore.jobs.generate.Vocabulary.EventType;
import io.leadscore.jobs.generate.Vocabulary.Function;
import io.leadscore.jobs.generate.Vocabulary.Industry;
import io.leadscore.jobs.generate.Vocabulary.Seniority;
import io.leadscore.jobs.generate.Vocabulary.Source;
import io.leadscore.jobs.generate.Vocabulary.Timeline;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The generator's pure functions, without Spark. */
class GeneratorUnitTest {

  static GeneratorParams params(long leads, int days) {
    return new GeneratorParams(leads, days, days, LocalDate.parse("2026-01-05"), 42, 0.01, 0.05,
        0.02, 0.8, 60, 1.0).checked();
  }

  @Test
  void streamsArePureFunctionsOfSeedEntityAndPurpose() {
    Rng a = Rng.of(7, 123, Purpose.PROFILE);
    Rng b = Rng.of(7, 123, Purpose.PROFILE);
    Rng otherPurpose = Rng.of(7, 123, Purpose.EVENTS);
    Rng otherEntity = Rng.of(7, 124, Purpose.PROFILE);
    Rng otherSeed = Rng.of(8, 123, Purpose.PROFILE);
    long[] first = new long[5];
    for (int i = 0; i < 5; i++) {
      first[i] = a.nextLong();
      assertThat(b.nextLong()).isEqualTo(first[i]);
    }
    assertThat(otherPurpose.nextLong()).isNotEqualTo(first[0]);
    assertThat(otherEntity.nextLong()).isNotEqualTo(first[0]);
    assertThat(otherSeed.nextLong()).isNotEqualTo(first[0]);
  }

  @Test
  void distributionsHaveTheirMeans() {
    Rng rng = Rng.of(1, 1, Purpose.EVENTS);
    int n = 200_000;
    double poisson = 0;
    double gamma = 0;
    double uniform = 0;
    int[] ints = new int[7];
    for (int i = 0; i < n; i++) {
      poisson += rng.poisson(2.5);
      gamma += rng.gamma(0.8, 1 / 0.8);
      uniform += rng.nextDouble();
      ints[rng.nextInt(7)]++;
    }
    assertThat(poisson / n).isCloseTo(2.5, within(0.03));
    assertThat(gamma / n).isCloseTo(1.0, within(0.02));
    assertThat(uniform / n).isCloseTo(0.5, within(0.005));
    for (int c : ints) {
      assertThat(c / (double) n).isCloseTo(1 / 7.0, within(0.005));
    }
  }

  @Test
  void isoTimestampsMatchJavaTime() {
    Random random = new Random(5);
    for (int i = 0; i < 100_000; i++) {
      long second = 31_536_000L + (long) (random.nextDouble() * 30_000_000_000L);
      assertThat(Timestamps.iso(second)).isEqualTo(Instant.ofEpochSecond(second).toString());
    }
    assertThat(Timestamps.iso(0)).isEqualTo("1970-01-01T00:00:00Z");
  }

  @Test
  void scheduleSplitsEveryLeadOntoADayWithWeekdaysBusier() {
    GeneratorParams p = params(100_000, 28);
    Schedule s = new Schedule(p);
    long total = 0;
    long weekday = 0;
    long weekend = 0;
    for (int d = 0; d < 28; d++) {
      total += s.leadsOn(d);
      boolean isWeekend = s.date(d).getDayOfWeek() == DayOfWeek.SATURDAY
          || s.date(d).getDayOfWeek() == DayOfWeek.SUNDAY;
      if (isWeekend) {
        weekend += s.leadsOn(d);
      } else {
        weekday += s.leadsOn(d);
      }
      for (long i : new long[] {s.first(d), s.first(d + 1) - 1}) {
        assertThat(s.dayOf(i)).isEqualTo(d);
      }
    }
    assertThat(total).isEqualTo(100_000);
    assertThat((weekday / 20.0) / (weekend / 8.0)).isCloseTo(29 / 15.0, within(0.01));

    // Fewer leads than days: empty days, and every lead still on a day of its own range.
    Schedule sparse = new Schedule(params(3, 10));
    long sum = 0;
    for (int d = 0; d < 10; d++) {
      sum += sparse.leadsOn(d);
    }
    assertThat(sum).isEqualTo(3);
    for (long i = 0; i < 3; i++) {
      int d = sparse.dayOf(i);
      assertThat(i).isBetween(sparse.first(d), sparse.first(d + 1) - 1);
    }
  }

  @Test
  void everyGeneratedJobTitleParsesBackToItsSeniority() {
    Rng rng = Rng.of(3, 3, Purpose.PROFILE);
    for (Seniority seniority : Seniority.values()) {
      for (Function f : Function.values()) {
        for (int i = 0; i < 40; i++) {
          String title = Vocabulary.jobTitle(seniority, f, rng);
          assertThat(Seniority.parse(title)).as(title).isEqualTo(seniority);
        }
      }
    }
    assertThat(Seniority.parse("VP of Sales")).isEqualTo(Seniority.VP);
    assertThat(Seniority.parse("Senior Data Engineer")).isEqualTo(Seniority.SENIOR);
    assertThat(Seniority.parse("Intern")).isEqualTo(Seniority.INTERN);
    assertThat(Seniority.parse("")).isNull();
  }

  @Test
  void truthModelAddsTheDocumentedTerms() {
    int[] none = new int[EventType.values().length];
    // Baseline: organic, media, Australia (all 0), 398 employees (mid band), senior.
    TruthModel.Observables base = new TruthModel.Observables(Source.ORGANIC_SEARCH,
        Industry.MEDIA, Country.AUSTRALIA, 398, Seniority.SENIOR, false, false,
        Budget.NOT_ANSWERED, Timeline.NOT_ANSWERED, none, -1, 0);
    assertThat(TruthModel.logit(base))
        .isCloseTo(-3.05 + bump(398) + 0.2 /* senior, mid */ - 0.5 /* no event */, within(1e-12));

    // Interactions: budget × timeline, pricing views × size, demo × free-mail.
    int[] pricingTwiceDemoOnce = none.clone();
    pricingTwiceDemoOnce[EventType.PRICING_PAGE_VIEW.ordinal()] = 2;
    pricingTwiceDemoOnce[EventType.DEMO_REQUEST.ordinal()] = 1;
    TruthModel.Observables hot = new TruthModel.Observables(Source.REFERRAL, Industry.MEDIA,
        Country.AUSTRALIA, 50, Seniority.OWNER, true, false, Budget.OVER_250K,
        Timeline.IMMEDIATELY, pricingTwiceDemoOnce, 3600, 1);
    double expected = -3.05 + 0.65 + bump(50) + 0.6 /* owner, small */ - 0.6 /* free mail */
        + 0.20 + 0.20 + 1.0 /* budget, timeline, both */ + 0.7 * Math.log1p(2) * 1.8
        + 0.3 /* demo with free mail */ + 0.45 /* last event within a day */;
    assertThat(TruthModel.logit(hot)).isCloseTo(expected, within(1e-12));
    assertThat(TruthModel.probability(hot)).isCloseTo(1 / (1 + Math.exp(-expected)),
        within(1e-12));

    // Paid social × free-mail, too many e-mail opens, capped page views and downloads.
    int[] busy = none.clone();
    busy[EventType.EMAIL_OPEN.ordinal()] = 8;
    busy[EventType.PAGE_VIEW.ordinal()] = 20;
    busy[EventType.CONTENT_DOWNLOAD.ordinal()] = 6;
    busy[EventType.PRICING_PAGE_VIEW.ordinal()] = 1;
    TruthModel.Observables social = new TruthModel.Observables(Source.PAID_SOCIAL,
        Industry.SOFTWARE, Country.INDIA, 5000, Seniority.CXO, true, true, Budget.NOT_ANSWERED,
        Timeline.NOT_ANSWERED, busy, 2 * 86_400, 3);
    double socialExpected = -3.05 - 0.55 + 0.35 - 0.35 + bump(5000) - 0.8 /* C-level, large */
        - 0.6 - 0.5 /* free mail, and on paid social */ - 0.15 /* do not call */
        + 0.7 * Math.log(2) * 0.3 /* pricing at a large company */
        + 0.2 * Math.sqrt(10) + (0.12 * 4 - 0.6) /* opens: 8 is too many */ + 0.15 * 4
        + 0.2 /* last event within 3 days */ + 0.25 /* 3 active days */;
    assertThat(TruthModel.logit(social)).isCloseTo(socialExpected, within(1e-12));
  }

  private static double bump(long employees) {
    return Math.exp(-Math.pow(Math.log10(employees) - 2.6, 2) / 0.6) - 0.5;
  }

  @Test
  void activityCountsOnlyProspectEventsStrictlyBeforeTheObservationPoint() {
    long obs = 1_000_000;
    long[] times = {obs - 200_000, obs - 100, obs - 50, obs, obs + 10, obs - 10};
    EventType[] types = {EventType.PAGE_VIEW, EventType.PAGE_VIEW, EventType.DEMO_REQUEST,
        EventType.PRICING_PAGE_VIEW, EventType.PAGE_VIEW, EventType.ONBOARDING_STARTED};
    Activity a = Activity.of(obs, times, types, times.length);
    assertThat(a.countsBefore()[EventType.PAGE_VIEW.ordinal()]).isEqualTo(2);
    assertThat(a.countsBefore()[EventType.DEMO_REQUEST.ordinal()]).isEqualTo(1);
    assertThat(a.countsBefore()[EventType.PRICING_PAGE_VIEW.ordinal()]).isZero();
    assertThat(a.secondsSinceLastEvent()).isEqualTo(50);
    assertThat(a.activeDays()).isEqualTo(2); // 1970-01-10 and 1970-01-12
    assertThat(Activity.of(obs, new long[0], new EventType[0], 0).secondsSinceLastEvent())
        .isEqualTo(-1);
  }

  @Test
  void simulatedLeadsAreConsistent() {
    GeneratorParams p = params(5_000, 60);
    LeadSimulator sim = new LeadSimulator(p);
    int converted = 0;
    for (long i = 0; i < 5_000; i++) {
      Lead lead = sim.simulate(i);
      assertThat(lead.observationAt - lead.createdAt).isEqualTo(7 * 86_400);
      for (int e = 0; e < lead.eventCount; e++) {
        assertThat(lead.eventTimes[e]).isGreaterThan(lead.createdAt);
        if (e > 0) {
          assertThat(lead.eventTimes[e]).isGreaterThanOrEqualTo(lead.eventTimes[e - 1]);
        }
        if (lead.eventTypes[e].postConversion()) {
          assertThat(lead.converted).isTrue();
          assertThat(lead.eventTimes[e]).isGreaterThan(lead.convertedAt);
        }
        if (lead.doNotEmail) {
          assertThat(lead.eventTypes[e]).isNotIn(EventType.EMAIL_OPEN, EventType.EMAIL_CLICK);
        }
      }
      if (lead.converted) {
        converted++;
        assertThat(lead.convertedAt).isGreaterThan(lead.observationAt)
            .isLessThanOrEqualTo(lead.observationAt + 30 * 86_400);
      }
      // Status: New first, times ascending, Won only for converters, Lost only for the others.
      assertThat(lead.statuses[0]).isEqualTo(Vocabulary.Status.NEW);
      for (int s = 1; s < lead.statusCount; s++) {
        assertThat(lead.statusTimes[s]).isGreaterThanOrEqualTo(lead.statusTimes[s - 1]);
        if (lead.statuses[s] == Vocabulary.Status.WON) {
          assertThat(lead.converted).isTrue();
        }
        if (lead.statuses[s] == Vocabulary.Status.LOST) {
          assertThat(lead.converted).isFalse();
        }
        if (lead.statusTimes[s] < lead.observationAt) {
          assertThat(lead.statuses[s]).isEqualTo(Vocabulary.Status.WORKING);
        }
      }
      assertThat(Seniority.parse(lead.jobTitle)).isEqualTo(lead.seniority);
      assertThat(Vocabulary.isFreeMail(lead.email)).isEqualTo(lead.freeMail);
      assertThat(lead.email).matches("[A-Za-z0-9._]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
      // A pure function: simulating again gives the same lead.
      Lead again = new LeadSimulator(p).simulate(i);
      assertThat(again.probability).isEqualTo(lead.probability);
      assertThat(again.email).isEqualTo(lead.email);
      assertThat(again.eventCount).isEqualTo(lead.eventCount);
    }
    assertThat(converted / 5000.0).isBetween(0.08, 0.16);
  }

  @Test
  void trapRatesNeverMoveTheCleanWorld() {
    LeadSimulator clean = new LeadSimulator(new GeneratorParams(2_000, 30, 30,
        LocalDate.parse("2026-01-05"), 42, 0, 0, 0, 0, 60, 1.0));
    LeadSimulator trapped = new LeadSimulator(new GeneratorParams(2_000, 30, 30,
        LocalDate.parse("2026-01-05"), 42, 0.3, 0.3, 0.5, 1.0, 60, 1.0));
    for (long i = 0; i < 2_000; i++) {
      Lead a = clean.simulate(i);
      Lead b = trapped.simulate(i);
      assertThat(b.probability).isEqualTo(a.probability);
      assertThat(b.converted).isEqualTo(a.converted);
      assertThat(b.convertedAt).isEqualTo(a.convertedAt);
      assertThat(b.email).isEqualTo(a.email);
      assertThat(b.observables()).isEqualTo(a.observables());
    }
  }

  @Test
  void dropSchemasAndEncodingsChangeAtTheirRates() {
    GeneratorParams p = new GeneratorParams(10, 3000, 3000, LocalDate.parse("2020-01-01"), 9,
        0, 0.1, 0.1, 0, 0, 0).checked();
    int extra = 0;
    int missing = 0;
    int latin1 = 0;
    for (int d = 0; d < 3000; d++) {
      DropSchema s = DropLines.schemaOf(p, d);
      extra += s == DropSchema.EXTRA_COLUMN ? 1 : 0;
      missing += s == DropSchema.MISSING_OPTIONAL_COLUMN ? 1 : 0;
      latin1 += DropLines.latin1Drop(p, d) ? 1 : 0;
    }
    // Binomial(3000, 0.1): sd ≈ 16.4; 4 sd.
    assertThat(extra).isBetween(234, 366);
    assertThat(missing).isBetween(234, 366);
    assertThat(latin1).isBetween(234, 366);
    assertThat(DropLines.leadHeader(DropSchema.EXTRA_COLUMN)).endsWith("utm_medium")
        .hasSize(21);
    assertThat(DropLines.leadHeader(DropSchema.MISSING_OPTIONAL_COLUMN))
        .doesNotContain("phone").hasSize(19);
  }

  @Test
  void csvFieldsAreQuotedOnlyWhenNeededAndRoundTrip() {
    String[] values = {"plain", "Northwind Labs, Inc.", "Nova \"Labs\" Group", "", "Zoë",
        "line\r\nbreak"};
    String line = new String(DropLines.csvLine(values), StandardCharsets.UTF_8);
    assertThat(line).isEqualTo("plain,\"Northwind Labs, Inc.\",\"Nova \"\"Labs\"\" Group\",,Zoë,"
        + "\"line\r\nbreak\"\r\n");
    assertThat(GeneratedDrops.parseCsv(line.substring(0, line.length() - 2)))
        .containsExactly(values);
  }

  @Test
  void linesOfALeadGoToTheFilesOfTheirDaysInKeyOrder() {
    GeneratorParams p = new GeneratorParams(500, 40, 40, LocalDate.parse("2026-01-05"), 42, 0,
        0, 0, 0.8, 60, 1.0).checked();
    DropFiles files = new DropFiles("/l", "/t", p.startDate(), p.days());
    DropLines dl = new DropLines(p, files);
    Schedule schedule = new Schedule(p);
    for (long i = 0; i < 500; i++) {
      List<int[]> fileOf = new ArrayList<>();
      List<String> texts = new ArrayList<>();
      Lead lead = dl.emit(i, (file, key, line, trap) -> {
        fileOf.add(new int[] {file});
        texts.add(new String(line, StandardCharsets.UTF_8));
        assertThat(trap).isEqualTo(Trap.CLEAN);
        assertThat(key).isNotNegative();
      });
      int created = schedule.dayOf(i);
      // The first line is the creation row, in the drop of the creation day.
      assertThat(files.kindOf(fileOf.get(0)[0])).isEqualTo(Kind.LEADS);
      assertThat(files.dayOf(fileOf.get(0)[0])).isEqualTo(created);
      assertThat(texts.get(0)).startsWith(lead.id + ",");
      long truthLines = fileOf.stream().filter(f -> files.kindOf(f[0]) == Kind.TRUTH).count();
      assertThat(truthLines).isEqualTo(1);
      for (int k = 0; k < texts.size(); k++) {
        Kind kind = files.kindOf(fileOf.get(k)[0]);
        if (kind == Kind.EVENTS) {
          String occurred = texts.get(k).replaceAll(".*\"occurred_at\":\"([^\"]+)\".*\\n", "$1");
          long day = schedule.dayOfEpochSecond(Instant.parse(occurred).getEpochSecond());
          assertThat(day).isEqualTo(files.dayOf(fileOf.get(k)[0]));
        }
      }
    }
    assertThat(DropLines.key(86_399, (1L << 34) - 1, 4095)).isPositive();
    assertThatThrownBy(() -> DropLines.key(0, 0, 4096)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void oracleAucOnArraysEqualsThePairwiseDefinitionWithTies() {
    Random random = new Random(11);
    for (int round = 0; round < 20; round++) {
      int n = 50 + random.nextInt(200);
      double[] s = new double[n];
      int[] y = new int[n];
      for (int i = 0; i < n; i++) {
        s[i] = random.nextInt(20) / 20.0; // many ties
        y[i] = random.nextDouble() < 0.3 ? 1 : 0;
      }
      double wins = 0;
      long pairs = 0;
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          if (y[i] == 1 && y[j] == 0) {
            pairs++;
            wins += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
          }
        }
      }
      assertThat(OracleAuc.exact(s, y)).isCloseTo(wins / pairs, within(1e-12));
    }
    assertThat(OracleAuc.exact(new double[] {0.1, 0.2}, new int[] {1, 1})).isNaN();
  }

  @Test
  void paramsAreCheckedWithTheBadValueInTheMessage() {
    assertThatThrownBy(() -> params(0, 10)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("--leads").hasMessageContaining("cannot be: 0");
    assertThatThrownBy(() -> new GeneratorParams(10, 10, 10, LocalDate.parse("2026-01-05"), 1,
        0.7, 0, 0, 0, 0, 0).checked()).hasMessageContaining("--bad-record-rate")
        .hasMessageContaining("0.7");
    assertThatThrownBy(() -> new GeneratorParams(10, 10, 10, LocalDate.parse("2026-01-05"), 1,
        0, 0, 0, 0, -3, 0).checked()).hasMessageContaining("--drift-from-day")
        .hasMessageContaining("-3");
    assertThatThrownBy(() -> new GeneratorParams(10, 10, 10, LocalDate.parse("2026-01-05"), 1,
        0, 0, 0, Double.NaN, 0, 0).checked()).hasMessageContaining("--leak-rate")
        .hasMessageContaining("NaN");
    assertThatThrownBy(() -> new GeneratorParams(10, 10, 11, LocalDate.parse("2026-01-05"), 1,
        0, 0, 0, 0, 0, 0).checked()).hasMessageContaining("--drops")
        .hasMessageContaining("cannot be: 11");
  }
}
