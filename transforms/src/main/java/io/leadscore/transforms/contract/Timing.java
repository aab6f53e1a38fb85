package io.leadscore.transforms.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Where a lead's observation point ({@code as_of}) lies and, for label events, the window in
 * which an event counts as a conversion. Used by the features stage.
 */
public record Timing(
    @JsonProperty("asOf") AsOf asOf,
    @JsonProperty("delay") String delay,
    @JsonProperty("snapshotDate") String snapshotDate,
    @JsonProperty("labelWindow") String labelWindow) {

  public static final Timing DEFAULT = new Timing(AsOf.SNAPSHOT, null, null, null);

  /** How {@code as_of} is found. */
  public enum AsOf {
    /** No time in the data: one as-of for all rows (snapshotDate, else the ingest time). */
    SNAPSHOT,
    /** created-at + delay. */
    CREATED_PLUS;

    @JsonCreator
    public static AsOf of(String value) {
      return Names.parse(AsOf.class, "asOf", value);
    }
  }

  public Timing {
    asOf = asOf == null ? AsOf.SNAPSHOT : asOf;
  }

  /** created_plus: how long after creation the lead is observed. */
  public java.time.Duration delayDuration() {
    return delay == null ? null : Duration.parse("timing.delay", delay);
  }

  /** label_event: how long after as_of an event still counts as a conversion. */
  public java.time.Duration labelWindowDuration() {
    return labelWindow == null ? null : Duration.parse("timing.labelWindow", labelWindow);
  }

  public java.time.LocalDate snapshotLocalDate() {
    return snapshotDate == null ? null : java.time.LocalDate.parse(snapshotDate);
  }
}
