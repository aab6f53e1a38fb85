package io.leadscore.jobs.generate;

/**
 * The planted bad records. Each clean export line carries one with probability
 * {@code --bad-record-rate}, the kind drawn uniformly among {@link #LEAD_TRAPS} or
 * {@link #EVENT_TRAPS}. A duplicate adds a second, identical line (the code marks the copy).
 * The encoding trap is per drop ({@code --bad-encoding-rate}): the whole drop is exported in
 * ISO-8859-1, so its lines with accented names are not UTF-8.
 */
public enum Trap {
  LEAD_TRUNCATED_LINE(1, true, "malformed CSV: line cut short (fewer fields than the header)"),
  LEAD_UNQUOTED_COMMA(2, true, "malformed CSV: unquoted comma in company (one field too many)"),
  LEAD_INVALID_EMAIL(3, true, "invalid e-mail address"),
  LEAD_NEGATIVE_SIZE(4, true, "negative company_size"),
  LEAD_ABSURD_SIZE(5, true, "absurd company_size (over 10 million employees)"),
  LEAD_FUTURE_DATE(6, true, "created_at and updated_at 20 years in the future"),
  LEAD_DUPLICATE(7, true, "the same row twice in the drop (duplicate lead_id)"),
  /** Not drawn per line: every line with a non-ASCII character in an ISO-8859-1 drop. */
  LEAD_NON_UTF8(8, true, "non-ASCII line of a drop exported in ISO-8859-1 (not UTF-8)"),
  EVENT_MALFORMED_JSON(11, false, "malformed JSON: line cut short"),
  EVENT_BEFORE_CREATION(12, false, "occurred_at before the lead's created_at"),
  EVENT_UNKNOWN_LEAD(13, false, "lead_id of no lead"),
  EVENT_BAD_TIMESTAMP(14, false, "occurred_at not a valid ISO-8601 timestamp"),
  EVENT_DUPLICATE(15, false, "the same event twice (duplicate event_id)");

  public static final byte CLEAN = 0;
  public static final byte HEADER = -1;
  /** Larger than every code, for arrays indexed by code. */
  public static final int CODES = 16;
  /** Shift applied by the future-date trap. */
  public static final long FUTURE_SHIFT_DAYS = 7300;
  /** Lead numbers of the unknown-lead trap start here (beyond every real lead number). */
  public static final long UNKNOWN_LEAD_BASE = 9_000_000_000L;

  private final byte code;
  private final boolean leadTrap;
  private final String description;

  Trap(int code, boolean leadTrap, String description) {
    this.code = (byte) code;
    this.leadTrap = leadTrap;
    this.description = description;
  }

  public byte code() {
    return code;
  }

  public boolean leadTrap() {
    return leadTrap;
  }

  public String description() {
    return description;
  }

  public static final Trap[] LEAD_TRAPS = {LEAD_TRUNCATED_LINE, LEAD_UNQUOTED_COMMA,
      LEAD_INVALID_EMAIL, LEAD_NEGATIVE_SIZE, LEAD_ABSURD_SIZE, LEAD_FUTURE_DATE,
      LEAD_DUPLICATE};
  public static final Trap[] EVENT_TRAPS = {EVENT_MALFORMED_JSON, EVENT_BEFORE_CREATION,
      EVENT_UNKNOWN_LEAD, EVENT_BAD_TIMESTAMP, EVENT_DUPLICATE};

  public static Trap ofCode(int code) {
    for (Trap t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    return null;
  }
}
