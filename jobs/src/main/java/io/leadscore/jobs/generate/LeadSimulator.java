package io.leadscore.jobs.generate;

import io.leadscore.jobs.generate.Rng.Purpose;
import io.leadscore.jobs.generate.TruthModel.Activity;
import io.leadscore.jobs.generate.Vocabulary.Budget;
import io.leadscore.jobs.generate.Vocabulary.Country;
import io.leadscore.jobs.generate.Vocabulary.EventType;
import io.leadscore.jobs.generate.Vocabulary.Function;
import io.leadscore.jobs.generate.Vocabulary.Seniority;
import io.leadscore.jobs.generate.Vocabulary.SizeBand;
import io.leadscore.jobs.generate.Vocabulary.Source;
import io.leadscore.jobs.generate.Vocabulary.Status;
import io.leadscore.jobs.generate.Vocabulary.Timeline;
import java.io.Serializable;

/**
 * Simulates one lead from (seed, lead number) alone. Each aspect draws from its own stream
 * ({@link Purpose}), so that switching a trap on or off never changes attributes, activity or
 * outcomes.
 *
 * <p>The story of a lead: it is created on its day (weekday-heavy volumes, business-hours
 * heavy times); its company, role and form answers are drawn (the source mix shifts from the
 * drift day on); it is active with an intensity that decays over time (lower from the drift day
 * on); at its observation point (created + 7 days) its conversion probability follows from
 * what it did so far ({@link TruthModel}), and the outcome is drawn: a converter converts
 * within the 30-day label window after the observation point, shows some buying activity
 * just before, and then (the leakage trap) customer activity after it. The sales team moves it
 * New → Working before the observation point, independently of the outcome; afterwards, for a
 * share of leads given by the leak rate, to Qualified → Won or to Lost (the status leak),
 * otherwise at most to Nurture, whatever the outcome.
 */
public final class LeadSimulator implements Serializable {
  /** Activity intensity (events per day) at creation for an average lead. */
  static final double BASE_EVENTS_PER_DAY = 0.55;
  /** Activity decays as exp(-t / 8 days). */
  static final double DECAY_DAYS = 8.0;
  /** Drift lowers engagement by up to 40 %. */
  static final double DRIFT_ENGAGEMENT_DROP = 0.4;
  static final int MAX_EVENTS = 400;
  static final double DO_NOT_EMAIL_RATE = 0.07;
  static final double DO_NOT_CALL_RATE = 0.18;
  static final double NO_PHONE_RATE = 0.12;
  static final double WORKING_RATE = 0.75;
  static final double NURTURE_RATE = 0.35;
  /** Post-conversion events follow within this many days of the conversion. */
  public static final long LEAK_EVENT_MAX_DAYS = 5;
  /** A status that reveals a non-conversion (Lost) is set at most this long after the window. */
  public static final long LOST_AFTER_WINDOW_MAX_DAYS = 7;

  private final GeneratorParams params;
  private final Schedule schedule;

  public LeadSimulator(GeneratorParams params) {
    this.params = params;
    this.schedule = new Schedule(params);
  }

  /** Companies recur (the first ones often): a bounded cache per task saves re-deriving them. */
  private transient java.util.HashMap<Long, Company> companies;

  private Company company(long number) {
    if (companies == null || companies.size() > 200_000) {
      companies = new java.util.HashMap<>();
    }
    return companies.computeIfAbsent(number, n -> Company.of(params.seed(), n));
  }

  public Schedule schedule() {
    return schedule;
  }

  public GeneratorParams params() {
    return params;
  }

  public Lead simulate(long index) {
    long seed = params.seed();
    Lead lead = new Lead();
    lead.index = index;
    lead.id = Lead.idOf(index);
    int day = schedule.dayOf(index);
    lead.createdDay = day;
    double drift = params.driftOn(day);

    Rng created = Rng.of(seed, index, Purpose.CREATED);
    long secondOfDay = created.chance(0.7)
        ? 8 * 3600 + created.nextInt(10 * 3600) : created.nextInt(24 * 3600);
    lead.createdAt = schedule.dayStart(day) + secondOfDay;
    lead.observationAt = lead.createdAt + TruthModel.OBSERVATION_SECONDS;

    Rng profile = Rng.of(seed, index, Purpose.PROFILE);
    lead.source = Source.values()[profile.weighted(Source.weights(drift))];
    lead.campaign = profile.pick(Vocabulary.campaigns(lead.source));
    double u = profile.nextDouble();
    long companyNumber = (long) (Company.POOL * u * u * u);
    lead.company = company(companyNumber);
    SizeBand band = SizeBand.of(lead.company.employees());
    lead.seniority = Seniority.values()[profile.weighted(Seniority.weights(band))];
    Function function = profile.pick(Function.values());
    lead.jobTitle = Vocabulary.jobTitle(lead.seniority, function, profile);
    lead.doNotEmail = profile.chance(DO_NOT_EMAIL_RATE);
    lead.doNotCall = profile.chance(DO_NOT_CALL_RATE);
    double engagement = profile.gamma(0.8, 1 / 0.8);
    double intent = profile.nextDouble();
    boolean answered = profile.chance(lead.source.formAnswerRate);
    lead.budget = answered
        ? Budget.values()[profile.weighted(Budget.answerWeights(band))] : Budget.NOT_ANSWERED;
    boolean answeredTimeline = profile.chance(answered ? 0.85 : 0.2);
    // Engaged leads more often say they are in a hurry.
    double hurry = Math.min(engagement, 3.0);
    double[] timelineWeights = {0, 0.12 * (0.5 + 0.5 * hurry), 0.28, 0.25, 0.15,
        0.20 / (0.5 + 0.5 * hurry)};
    lead.timeline = answeredTimeline
        ? Timeline.values()[profile.weighted(timelineWeights)] : Timeline.NOT_ANSWERED;

    contact(lead, Rng.of(seed, index, Purpose.CONTACT), band);
    activity(lead, Rng.of(seed, index, Purpose.EVENTS), engagement, intent, drift);

    Activity activity = Activity.of(lead.observationAt, lead.eventTimes, lead.eventTypes,
        lead.eventCount);
    lead.observables = TruthModel.observables(lead.source, lead.company.industry(),
        lead.company.country(), lead.company.employees(), lead.seniority, lead.freeMail,
        lead.doNotCall, lead.budget, lead.timeline, activity);
    lead.probability = TruthModel.probability(lead.observables);

    Rng outcome = Rng.of(seed, index, Purpose.OUTCOME);
    lead.converted = outcome.nextDouble() < lead.probability;
    double when = StrictMath.pow(outcome.nextDouble(), 1.3);
    if (lead.converted) {
      lead.convertedAt = lead.observationAt + 1
          + (long) (when * (TruthModel.LABEL_WINDOW_SECONDS - 1));
      buyingActivity(lead, Rng.of(seed, index, Purpose.BUYING_EVENTS));
    }
    Rng leak = Rng.of(seed, index, Purpose.LEAK);
    lead.statusLeaks = leak.nextDouble() < params.leakRate();
    boolean eventsLeak = leak.nextDouble() < params.leakRate();
    if (lead.converted && eventsLeak) {
      customerActivity(lead, leak);
    }
    sortEvents(lead);
    statuses(lead, Rng.of(seed, index, Purpose.STATUS));
    return lead;
  }

  private static void contact(Lead lead, Rng rng, SizeBand band) {
    int firstIndex = rng.nextInt(Vocabulary.FIRST_NAMES.length);
    int lastIndex = rng.nextInt(Vocabulary.LAST_NAMES.length);
    lead.firstName = Vocabulary.FIRST_NAMES[firstIndex];
    lead.lastName = Vocabulary.LAST_NAMES[lastIndex];
    double freeMailRate = switch (band) {
      case MICRO -> 0.55;
      case SMALL -> 0.25;
      case MID -> 0.12;
      case LARGE -> 0.06;
    };
    String first = FOLDED_FIRST_NAMES[firstIndex];
    String last = FOLDED_LAST_NAMES[lastIndex];
    lead.freeMail = rng.chance(freeMailRate);
    String local;
    String domain;
    if (lead.freeMail) {
      domain = Vocabulary.FREE_MAIL_DOMAINS[rng.weighted(Vocabulary.FREE_MAIL_WEIGHTS)];
      local = rng.chance(0.5) ? first + "." + last + rng.nextInt(100)
          : first + last + (1950 + rng.nextInt(60));
    } else {
      domain = lead.company.domain();
      double f = rng.nextDouble();
      local = f < 0.6 ? first + "." + last : f < 0.85 ? first.charAt(0) + last
          : f < 0.95 ? first : first + "_" + last;
    }
    String email = local + "@" + domain;
    // Some CRMs keep the case people typed.
    lead.email = rng.chance(0.05) ? capitalise(local) + "@" + capitalise(domain) : email;

    if (rng.chance(NO_PHONE_RATE)) {
      lead.phone = "";
    } else {
      Country country = lead.company.country();
      String digits = digits(100 + rng.nextInt(900), 3) + " " + digits(rng.nextInt(1000), 3) + " "
          + digits(rng.nextInt(10000), 4);
      lead.phone = rng.chance(0.8) ? country.phonePrefix + " " + digits
          : country.phonePrefix + digits.replace(" ", "");
    }
  }

  private static final String[] FOLDED_FIRST_NAMES = fold(Vocabulary.FIRST_NAMES);
  private static final String[] FOLDED_LAST_NAMES = fold(Vocabulary.LAST_NAMES);

  private static String[] fold(String[] names) {
    String[] out = new String[names.length];
    for (int i = 0; i < names.length; i++) {
      out[i] = Vocabulary.asciiFold(names[i]);
    }
    return out;
  }

  private static String digits(int value, int width) {
    String s = Integer.toString(value);
    return s.length() >= width ? s : "0000".substring(0, width - s.length()) + s;
  }

  private static String capitalise(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  /**
   * Prospect activity over the observation period and the label window: a Poisson process
   * with intensity decaying as exp(-t / 8 days).
   */
  private static void activity(Lead lead, Rng rng, double engagement, double intent,
      double drift) {
    double rate = BASE_EVENTS_PER_DAY * engagement * lead.source.engagement
        * lead.seniority.engagement * (1 - DRIFT_ENGAGEMENT_DROP * drift);
    double horizonDays = TruthModel.OBSERVATION_DAYS + TruthModel.LABEL_WINDOW_DAYS;
    double mass = 1 - StrictMath.exp(-horizonDays / DECAY_DAYS);
    int n = Math.min(MAX_EVENTS, rng.poisson(rate * DECAY_DAYS * mass));
    double[] weights = new double[EventType.values().length];
    for (EventType t : EventType.values()) {
      weights[t.ordinal()] = t.weight;
    }
    weights[EventType.PRICING_PAGE_VIEW.ordinal()] *= 0.5 + 1.5 * intent;
    weights[EventType.DEMO_REQUEST.ordinal()] *= 0.3 + 2.0 * intent;
    if (lead.source == Source.WEBINAR) {
      weights[EventType.WEBINAR_ATTENDED.ordinal()] *= 2.5;
    }
    if (lead.doNotEmail) {
      weights[EventType.EMAIL_OPEN.ordinal()] = 0;
      weights[EventType.EMAIL_CLICK.ordinal()] = 0;
    }
    lead.eventTimes = new long[n + 16];
    lead.eventTypes = new EventType[n + 16];
    lead.eventCount = 0;
    // The outcome is not drawn yet: a converter's activity after its conversion is cut later.
    for (int i = 0; i < n; i++) {
      double t = -DECAY_DAYS * StrictMath.log(1 - rng.nextDouble() * mass);
      long at = lead.createdAt + Math.max(1, (long) (t * Schedule.SECONDS_PER_DAY));
      EventType type = EventType.values()[rng.weighted(weights)];
      add(lead, at, type);
    }
  }

  /** A converter stops being a prospect: its prospect activity ends, buying signals come. */
  private static void buyingActivity(Lead lead, Rng rng) {
    int kept = 0;
    for (int i = 0; i < lead.eventCount; i++) {
      if (lead.eventTimes[i] < lead.convertedAt) {
        lead.eventTimes[kept] = lead.eventTimes[i];
        lead.eventTypes[kept] = lead.eventTypes[i];
        kept++;
      }
    }
    lead.eventCount = kept;
    int n = 1 + rng.poisson(1.0);
    long from = Math.max(lead.observationAt + 1,
        lead.convertedAt - 5 * Schedule.SECONDS_PER_DAY);
    double[] weights = lead.doNotEmail ? new double[] {0.55, 0.45, 0}
        : new double[] {0.45, 0.35, 0.20};
    EventType[] types = {EventType.PRICING_PAGE_VIEW, EventType.DEMO_REQUEST,
        EventType.EMAIL_CLICK};
    for (int i = 0; i < n; i++) {
      long at = from + (long) (rng.nextDouble() * (lead.convertedAt - from));
      add(lead, at, types[rng.weighted(weights)]);
    }
  }

  /** The leakage trap: activity that exists only because the lead converted. */
  private static void customerActivity(Lead lead, Rng rng) {
    long day = Schedule.SECONDS_PER_DAY;
    add(lead, lead.convertedAt + (long) (rng.uniform(0.1, 2.0) * day),
        EventType.ONBOARDING_STARTED);
    int more = rng.poisson(1.2);
    for (int i = 0; i < more; i++) {
      add(lead, lead.convertedAt + (long) (rng.uniform(0.2, LEAK_EVENT_MAX_DAYS) * day),
          rng.chance(0.4) ? EventType.INVOICE_PAID : EventType.PRODUCT_LOGIN);
    }
  }

  private static void add(Lead lead, long at, EventType type) {
    if (lead.eventCount == lead.eventTimes.length) {
      lead.eventTimes = java.util.Arrays.copyOf(lead.eventTimes, lead.eventCount * 2);
      lead.eventTypes = java.util.Arrays.copyOf(lead.eventTypes, lead.eventCount * 2);
    }
    lead.eventTimes[lead.eventCount] = at;
    lead.eventTypes[lead.eventCount] = type;
    lead.eventCount++;
  }

  /** Insertion sort by time, stable: lists are short. */
  private static void sortEvents(Lead lead) {
    long[] t = lead.eventTimes;
    EventType[] e = lead.eventTypes;
    for (int i = 1; i < lead.eventCount; i++) {
      long ti = t[i];
      EventType ei = e[i];
      int j = i - 1;
      while (j >= 0 && t[j] > ti) {
        t[j + 1] = t[j];
        e[j + 1] = e[j];
        j--;
      }
      t[j + 1] = ti;
      e[j + 1] = ei;
    }
  }

  private static void statuses(Lead lead, Rng rng) {
    long day = Schedule.SECONDS_PER_DAY;
    // Every draw is made whatever the branch, so a lead's times never depend on the leak rate.
    boolean working = rng.chance(WORKING_RATE);
    long workingAt = lead.createdAt + 60 + (long) (Math.min(rng.exponential(1.5), 6.0) * day);
    boolean nurture = rng.chance(NURTURE_RATE);
    long nurtureAt = lead.observationAt + (long) (rng.uniform(1, 14) * day);
    double qualifiedShare = rng.uniform(0.2, 0.8);
    long lostAt = lead.observationAt + (long) (rng.uniform(5,
        TruthModel.LABEL_WINDOW_DAYS + LOST_AFTER_WINDOW_MAX_DAYS) * day);

    lead.statusTimes = new long[5];
    lead.statuses = new Status[5];
    lead.statusCount = 0;
    addStatus(lead, lead.createdAt, Status.NEW);
    if (working) {
      addStatus(lead, workingAt, Status.WORKING);
    }
    if (lead.statusLeaks && lead.converted) {
      long qualifiedAt = lead.observationAt
          + (long) (qualifiedShare * (lead.convertedAt - lead.observationAt));
      addStatus(lead, qualifiedAt, Status.QUALIFIED);
      addStatus(lead, lead.convertedAt, Status.WON);
    } else if (lead.statusLeaks) {
      if (nurture && nurtureAt < lostAt) {
        addStatus(lead, nurtureAt, Status.NURTURE);
      }
      addStatus(lead, lostAt, Status.LOST);
    } else if (nurture) {
      addStatus(lead, nurtureAt, Status.NURTURE);
    }
  }

  private static void addStatus(Lead lead, long at, Status status) {
    lead.statusTimes[lead.statusCount] = at;
    lead.statuses[lead.statusCount] = status;
    lead.statusCount++;
  }
}
