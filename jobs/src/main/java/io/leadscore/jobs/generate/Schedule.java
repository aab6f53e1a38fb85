package io.leadscore.jobs.generate;

import java.io.Serializable;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;

/**
 * Which day each lead is created on. Leads are numbered in creation order; day {@code d} gets
 * the leads {@code [first(d), first(d + 1))}. Weekdays get 29 shares of volume, weekend days
 * 15 (a week averages 25), computed in exact integer arithmetic so that the split never
 * depends on rounding.
 */
public final class Schedule implements Serializable {
  public static final int WEEKDAY_WEIGHT = 29;
  public static final int WEEKEND_WEIGHT = 15;
  public static final long SECONDS_PER_DAY = 86_400L;

  private final LocalDate start;
  private final long startEpochSecond;
  private final long[] first;

  public Schedule(GeneratorParams params) {
    this.start = params.startDate();
    this.startEpochSecond = start.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    int days = params.days();
    long[] cumulativeWeight = new long[days + 1];
    for (int d = 0; d < days; d++) {
      cumulativeWeight[d + 1] = cumulativeWeight[d] + weight(start.plusDays(d));
    }
    long total = cumulativeWeight[days];
    first = new long[days + 1];
    for (int d = 0; d <= days; d++) {
      // leads * W(d) / W(days) without overflow: leads < 2^34 and W < 2^17.
      first[d] = params.leads() * cumulativeWeight[d] / total;
    }
  }

  public static int weight(LocalDate date) {
    DayOfWeek dow = date.getDayOfWeek();
    return dow == DayOfWeek.SATURDAY || dow == DayOfWeek.SUNDAY ? WEEKEND_WEIGHT : WEEKDAY_WEIGHT;
  }

  public int days() {
    return first.length - 1;
  }

  /** First lead index created on {@code day}; {@code first(days())} is the lead count. */
  public long first(int day) {
    return first[day];
  }

  public long leadsOn(int day) {
    return first[day + 1] - first[day];
  }

  /** The creation day of a lead index. */
  public int dayOf(long leadIndex) {
    if (leadIndex < 0 || leadIndex >= first[first.length - 1]) {
      throw new IllegalArgumentException("lead index out of range: " + leadIndex);
    }
    int pos = Arrays.binarySearch(first, leadIndex);
    if (pos >= 0) {
      // Days without leads share their first index with the next day: take the last of them.
      while (pos + 1 < first.length && first[pos + 1] == leadIndex) {
        pos++;
      }
      return pos;
    }
    return -pos - 2;
  }

  /** Epoch second at 00:00 UTC of {@code day}. */
  public long dayStart(int day) {
    return startEpochSecond + day * SECONDS_PER_DAY;
  }

  /** Day number of an epoch second (may be negative or beyond the span). */
  public long dayOfEpochSecond(long epochSecond) {
    return Math.floorDiv(epochSecond - startEpochSecond, SECONDS_PER_DAY);
  }

  /** Epoch second at which the export span ends (00:00 UTC after the last drop). */
  public long end() {
    return dayStart(days());
  }

  public LocalDate date(int day) {
    return start.plusDays(day);
  }
}
