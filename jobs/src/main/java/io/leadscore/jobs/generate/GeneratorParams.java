package io.leadscore.jobs.generate;

import io.leadscore.jobs.config.ConfigException;
import java.io.Serializable;
import java.time.LocalDate;
import java.util.Locale;

/**
 * What defines one generated world: its size and time span, the seed, and the trap rates.
 * The same values give byte-identical exports. Checked with the bad value in the message.
 *
 * @param leads leads created over the whole span
 * @param days days of the simulated world; day 0 is {@code startDate}
 * @param drops daily drops written: the first {@code drops} days of the world (time passing:
 *     a later run with more drops adds files and leaves the earlier ones byte-identical)
 * @param startDate the first drop's date (UTC)
 * @param seed the seed every draw is derived from
 * @param badRecordRate share of clean export lines that carry a planted bad record
 * @param schemaChangeRate share of lead drops with an extra column, and (separately) with the
 *     optional {@code phone} column missing
 * @param badEncodingRate share of lead drops exported in ISO-8859-1 instead of UTF-8
 * @param leakRate share of leads whose status reveals the outcome, and of converted leads with
 *     post-conversion events
 * @param driftFromDay first day (0-based) whose new leads follow the drifted distributions
 * @param driftStrength 0 = no drift, 1 = the full documented shift of source mix and engagement
 */
public record GeneratorParams(
    long leads,
    int days,
    int drops,
    LocalDate startDate,
    long seed,
    double badRecordRate,
    double schemaChangeRate,
    double badEncodingRate,
    double leakRate,
    int driftFromDay,
    double driftStrength) implements Serializable {

  public static final long MAX_LEADS = 1L << 33;
  public static final int MAX_DAYS = 3650;

  /** Throws {@link ConfigException} naming the option and its bad value. */
  public GeneratorParams checked() {
    if (leads < 1 || leads > MAX_LEADS) {
      throw bad("--leads must be between 1 and %d, cannot be: %d", MAX_LEADS, leads);
    }
    if (days < 1 || days > MAX_DAYS) {
      throw bad("--days must be between 1 and %d, cannot be: %d", MAX_DAYS, days);
    }
    if (drops < 1 || drops > days) {
      throw bad("--drops must be between 1 and --days (%d), cannot be: %d", days, drops);
    }
    if (startDate == null) {
      throw bad("--start-date must be a date like 2026-01-05, cannot be: null");
    }
    if (startDate.getYear() < 1971 || startDate.plusDays(days).getYear() > 2999) {
      throw bad("--start-date must lie between 1971 and 2999 with its days, cannot be: %s",
          startDate);
    }
    checkRate("--bad-record-rate", badRecordRate, 0.5);
    checkRate("--schema-change-rate", schemaChangeRate, 0.5);
    checkRate("--bad-encoding-rate", badEncodingRate, 1.0);
    checkRate("--leak-rate", leakRate, 1.0);
    if (driftFromDay < 0) {
      throw bad("--drift-from-day must be >= 0 (a day number, 0 = the start date), cannot be: %d",
          driftFromDay);
    }
    if (!(driftStrength >= 0 && driftStrength <= 1)) {
      throw bad("--drift-strength must be between 0 (no drift) and 1, cannot be: %s",
          driftStrength);
    }
    return this;
  }

  private static void checkRate(String option, double value, double max) {
    if (!(value >= 0 && value <= max)) {
      throw bad("%s must be between 0 and %s, cannot be: %s", option, max, value);
    }
  }

  private static ConfigException bad(String format, Object... args) {
    return new ConfigException(String.format(Locale.ROOT, format, args));
  }

  /** Whether leads created on {@code day} follow the drifted distributions. */
  public double driftOn(int day) {
    return day >= driftFromDay ? driftStrength : 0.0;
  }

  public boolean hasDrift() {
    return driftStrength > 0 && driftFromDay < drops;
  }

  public LocalDate date(int day) {
    return startDate.plusDays(day);
  }
}
