package io.leadscore.jobs.generate;

import io.leadscore.jobs.generate.Vocabulary.Budget;
import io.leadscore.jobs.generate.Vocabulary.Country;
import io.leadscore.jobs.generate.Vocabulary.EventType;
import io.leadscore.jobs.generate.Vocabulary.Industry;
import io.leadscore.jobs.generate.Vocabulary.Seniority;
import io.leadscore.jobs.generate.Vocabulary.SizeBand;
import io.leadscore.jobs.generate.Vocabulary.Source;
import io.leadscore.jobs.generate.Vocabulary.Timeline;
import java.util.Arrays;

/**
 * The ground truth: a lead's conversion probability as of its observation point (created_at +
 * 7 days), from what is observable then: the lead's attributes and its activity events
 * strictly before that point. The outcome is then drawn from this probability, so no model can
 * do better than these probabilities with the information of the observation point.
 *
 * <p>{@code p = 1 / (1 + exp(-z))}, z the sum of the terms in {@link #logit}; non-linear
 * effects (a company-size bump, saturating, thresholded and non-monotonic activity counts,
 * recency) and interactions (seniority × company size, budget × timeline, pricing views ×
 * company size, demo request × free-mail, paid social × free-mail) make it a function that
 * trees fit better than a linear model. The same terms are listed in docs/generator.md.
 */
public final class TruthModel {
  public static final long OBSERVATION_DAYS = 7;
  public static final long LABEL_WINDOW_DAYS = 30;
  public static final long OBSERVATION_SECONDS = OBSERVATION_DAYS * Schedule.SECONDS_PER_DAY;
  public static final long LABEL_WINDOW_SECONDS = LABEL_WINDOW_DAYS * Schedule.SECONDS_PER_DAY;

  static final double INTERCEPT = -3.05;

  /** By {@link Source} ordinal. */
  static final double[] SOURCE = {0.0, -0.15, -0.55, 0.65, 0.45, 0.25, 0.30, -0.45, 0.15};
  /** By {@link Industry} ordinal. */
  static final double[] INDUSTRY =
      {0.35, 0.20, 0.05, -0.05, -0.10, -0.25, -0.35, 0.0, 0.05, 0.10, 0.10, 0.15};
  /** By {@link Country} ordinal. */
  static final double[] COUNTRY =
      {0.10, 0.05, 0.05, -0.05, -0.35, 0.05, 0.0, 0.05, -0.20, 0.10, -0.10, -0.15};
  /** By {@link Seniority} ordinal, then {@link SizeBand} ordinal (micro, small, mid, large). */
  static final double[][] SENIORITY_BY_SIZE = {
      {-1.6, -1.6, -1.6, -1.6},
      {-0.8, -0.6, -0.5, -0.4},
      {-0.4, -0.1, 0.0, 0.0},
      {-0.2, 0.1, 0.2, 0.2},
      {0.0, 0.3, 0.5, 0.4},
      {0.0, 0.5, 0.9, 0.8},
      {0.1, 0.5, 0.8, 0.7},
      {1.2, 0.7, 0.0, -0.8},
      {1.3, 0.6, -0.3, -1.0}};
  /** By {@link Budget} ordinal (Select first). */
  static final double[] BUDGET = {0.0, -0.30, 0.0, 0.15, 0.20};
  /** By {@link Timeline} ordinal (Select first). */
  static final double[] TIMELINE = {0.0, 0.20, 0.15, 0.0, -0.15, -0.50};

  private TruthModel() {}

  /** What the truth model reads; built from a lead's attributes and its events. */
  public record Observables(
      Source source, Industry industry, Country country, long companySize, Seniority seniority,
      boolean freeMail, boolean doNotCall, Budget budget, Timeline timeline,
      int[] countsBefore, long secondsSinceLastEvent, int activeDays) {

    public int count(EventType type) {
      return countsBefore[type.ordinal()];
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Observables other && source == other.source
          && industry == other.industry && country == other.country
          && companySize == other.companySize && seniority == other.seniority
          && freeMail == other.freeMail && doNotCall == other.doNotCall
          && budget == other.budget && timeline == other.timeline
          && Arrays.equals(countsBefore, other.countsBefore)
          && secondsSinceLastEvent == other.secondsSinceLastEvent
          && activeDays == other.activeDays;
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(countsBefore) * 31 + source.hashCode();
    }

    @Override
    public String toString() {
      return "Observables[" + source + ", " + industry + ", " + country + ", size " + companySize
          + ", " + seniority + ", freeMail " + freeMail + ", doNotCall " + doNotCall + ", "
          + budget + ", " + timeline + ", counts " + Arrays.toString(countsBefore)
          + ", since last " + secondsSinceLastEvent + " s, active days " + activeDays + "]";
    }
  }

  /** The activity part of the observables: events strictly before the observation point. */
  public record Activity(int[] countsBefore, long secondsSinceLastEvent, int activeDays) {

    /**
     * @param observationAt epoch second of the observation point
     * @param times epoch seconds of the lead's events (any order)
     * @param types their types (post-conversion types are ignored)
     */
    public static Activity of(long observationAt, long[] times, EventType[] types, int n) {
      int[] counts = new int[EventType.values().length];
      long last = Long.MIN_VALUE;
      long[] days = new long[8];
      int dayCount = 0;
      for (int i = 0; i < n; i++) {
        if (times[i] >= observationAt || types[i].postConversion()) {
          continue;
        }
        counts[types[i].ordinal()]++;
        last = Math.max(last, times[i]);
        long day = Math.floorDiv(times[i], Schedule.SECONDS_PER_DAY);
        boolean seen = false;
        for (int d = 0; d < dayCount && !seen; d++) {
          seen = days[d] == day;
        }
        if (!seen) {
          if (dayCount == days.length) {
            days = Arrays.copyOf(days, dayCount * 2);
          }
          days[dayCount++] = day;
        }
      }
      return new Activity(counts, last == Long.MIN_VALUE ? -1 : observationAt - last, dayCount);
    }
  }

  public static Observables observables(Source source, Industry industry, Country country,
      long companySize, Seniority seniority, boolean freeMail, boolean doNotCall, Budget budget,
      Timeline timeline, Activity activity) {
    return new Observables(source, industry, country, companySize, seniority, freeMail,
        doNotCall, budget, timeline, activity.countsBefore(), activity.secondsSinceLastEvent(),
        activity.activeDays());
  }

  public static double probability(Observables o) {
    return 1.0 / (1.0 + StrictMath.exp(-logit(o)));
  }

  /** The sum of the documented terms; see the class comment and docs/generator.md. */
  public static double logit(Observables o) {
    SizeBand band = SizeBand.of(o.companySize());
    boolean smallCompany = band == SizeBand.MICRO || band == SizeBand.SMALL;
    double z = INTERCEPT;
    z += SOURCE[o.source().ordinal()];
    z += INDUSTRY[o.industry().ordinal()];
    z += COUNTRY[o.country().ordinal()];
    z += sizeBump(o.companySize());
    z += SENIORITY_BY_SIZE[o.seniority().ordinal()][band.ordinal()];
    z += o.freeMail() ? -0.6 : 0.0;
    z += o.freeMail() && o.source() == Source.PAID_SOCIAL ? -0.5 : 0.0;
    z += o.doNotCall() ? -0.15 : 0.0;
    z += BUDGET[o.budget().ordinal()];
    z += TIMELINE[o.timeline().ordinal()];
    boolean bigBudget = o.budget() == Budget.FROM_50K_TO_250K || o.budget() == Budget.OVER_250K;
    boolean soon = o.timeline() == Timeline.IMMEDIATELY
        || o.timeline() == Timeline.WITHIN_3_MONTHS;
    z += bigBudget && soon ? 1.0 : 0.0;

    z += 0.7 * StrictMath.log1p(o.count(EventType.PRICING_PAGE_VIEW)) * (smallCompany ? 1.8 : 0.3);
    z += o.count(EventType.DEMO_REQUEST) > 0 ? (o.freeMail() ? 0.3 : 1.8) : 0.0;
    z += o.count(EventType.WEBINAR_ATTENDED) > 0 ? 0.35 : 0.0;
    z += 0.2 * StrictMath.sqrt(Math.min(o.count(EventType.PAGE_VIEW), 10));
    z += o.count(EventType.EMAIL_CLICK) > 0 ? 0.3 : 0.0;
    int opens = o.count(EventType.EMAIL_OPEN);
    z += 0.12 * Math.min(opens, 4) - (opens >= 8 ? 0.6 : 0.0);
    z += 0.15 * Math.min(o.count(EventType.CONTENT_DOWNLOAD), 4);
    long since = o.secondsSinceLastEvent();
    if (since < 0) {
      z += -0.5;
    } else if (since <= Schedule.SECONDS_PER_DAY) {
      z += 0.45;
    } else if (since <= 3 * Schedule.SECONDS_PER_DAY) {
      z += 0.2;
    }
    z += o.activeDays() >= 3 ? 0.25 : 0.0;
    return z;
  }

  /** Mid-market companies convert best: a bump around 400 employees on a log scale. */
  static double sizeBump(long employees) {
    double s = StrictMath.log10(Math.max(1, employees));
    double d = s - 2.6;
    return 1.0 * StrictMath.exp(-(d * d) / 0.6) - 0.5;
  }
}
