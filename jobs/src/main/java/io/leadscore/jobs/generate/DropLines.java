package io.leadscore.jobs.generate;

import io.leadscore.jobs.generate.DropFiles.Kind;
import io.leadscore.jobs.generate.Rng.Purpose;
import io.leadscore.jobs.generate.Vocabulary.EventType;
import io.leadscore.jobs.generate.Vocabulary.Source;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a simulated lead into the lines of the files it appears in: its rows in the lead
 * drops (the creation row and a row on each later day its status changes or it converts), its
 * events in the event drops, its truth row, with the bad-record traps planted. Each line has a
 * sort key (second of the day, lead number, sequence) that fixes the order of lines in a file
 * whatever the partitioning.
 */
public final class DropLines implements Serializable {
  /** Columns of a lead drop, in order (snake_case, as in the header row). */
  public static final List<String> LEAD_COLUMNS = List.of("lead_id", "created_at",
      "updated_at", "first_name", "last_name", "email", "phone", "company", "industry",
      "company_size", "country", "job_title", "lead_source", "campaign", "do_not_email",
      "do_not_call", "budget", "timeline", "status", "converted_at");
  /** Appended in the drops with an extra column. */
  public static final String EXTRA_COLUMN = "utm_medium";
  /** Left out of the drops with a missing optional column. */
  public static final String OPTIONAL_COLUMN = "phone";
  public static final List<String> EVENT_FIELDS =
      List.of("event_id", "lead_id", "event_type", "occurred_at");
  public static final List<String> TRUTH_COLUMNS = List.of("lead_id", "observation_at",
      "true_probability", "converted", "converted_at");
  public static final String CSV_LINE_END = "\r\n";

  private static final int PHONE = LEAD_COLUMNS.indexOf("phone");
  private static final int EMAIL = LEAD_COLUMNS.indexOf("email");
  private static final int COMPANY = LEAD_COLUMNS.indexOf("company");
  private static final int COMPANY_SIZE = LEAD_COLUMNS.indexOf("company_size");
  private static final int FIRST_NAME = LEAD_COLUMNS.indexOf("first_name");
  private static final int CREATED_AT = LEAD_COLUMNS.indexOf("created_at");
  private static final int UPDATED_AT = LEAD_COLUMNS.indexOf("updated_at");
  private static final int STATUS = LEAD_COLUMNS.indexOf("status");

  /** Which columns a lead drop has. */
  public enum DropSchema {
    STANDARD, EXTRA_COLUMN, MISSING_OPTIONAL_COLUMN
  }

  /** Receives the lines; {@code trap} is a {@link Trap} code, 0 for a clean line. */
  public interface Sink {
    void accept(int file, long key, byte[] line, byte trap);
  }

  private final GeneratorParams params;
  private final LeadSimulator simulator;
  private final Schedule schedule;
  private final DropFiles files;

  public DropLines(GeneratorParams params, DropFiles files) {
    this.params = params;
    this.simulator = new LeadSimulator(params);
    this.schedule = simulator.schedule();
    this.files = files;
  }

  public LeadSimulator simulator() {
    return simulator;
  }

  /** The drops with an extra column or a missing one: a per-day draw. */
  public static DropSchema schemaOf(GeneratorParams params, int day) {
    double u = Rng.uniform(params.seed(), day, Purpose.DROP_SCHEMA);
    if (u < params.schemaChangeRate()) {
      return DropSchema.EXTRA_COLUMN;
    }
    if (u < 2 * params.schemaChangeRate()) {
      return DropSchema.MISSING_OPTIONAL_COLUMN;
    }
    return DropSchema.STANDARD;
  }

  /** Whether the lead drop of {@code day} is exported in ISO-8859-1 (a per-day draw). */
  public static boolean latin1Drop(GeneratorParams params, int day) {
    return Rng.uniform(params.seed(), day, Purpose.DROP_ENCODING) < params.badEncodingRate();
  }

  public static List<String> leadHeader(DropSchema schema) {
    List<String> columns = new ArrayList<>(LEAD_COLUMNS);
    if (schema == DropSchema.EXTRA_COLUMN) {
      columns.add(EXTRA_COLUMN);
    } else if (schema == DropSchema.MISSING_OPTIONAL_COLUMN) {
      columns.remove(OPTIONAL_COLUMN);
    }
    return columns;
  }

  /** The first line of a file: the CSV header, or nothing for JSON lines. */
  public byte[] header(int file) {
    return switch (files.kindOf(file)) {
      case LEADS -> csvLine(leadHeader(schemaOf(params, files.dayOf(file)))
          .toArray(String[]::new));
      case EVENTS -> new byte[0];
      case TRUTH -> csvLine(TRUTH_COLUMNS.toArray(String[]::new));
    };
  }

  /** Simulates lead {@code index} and sends every line it contributes to {@code sink}. */
  public Lead emit(long index, Sink sink) {
    Lead lead = simulator.simulate(index);
    emitLeadRows(lead, sink);
    emitEvents(lead, sink);
    emitTruth(lead, sink);
    return lead;
  }

  // ---------------------------------------------------------------- lead rows

  private void emitLeadRows(Lead lead, Sink sink) {
    // Change points: status changes and the conversion, in time order.
    long[] points = new long[lead.statusCount + 1];
    int n = 0;
    for (int i = 0; i < lead.statusCount; i++) {
      points[n++] = lead.statusTimes[i];
    }
    if (lead.converted) {
      points[n++] = lead.convertedAt;
    }
    java.util.Arrays.sort(points, 0, n);
    Rng traps = Rng.of(params.seed(), lead.index, Purpose.LEAD_ROW_TRAP);
    int row = 0;
    for (int i = 0; i < n; i++) {
      long day = schedule.dayOfEpochSecond(points[i]);
      // One row per day with changes: the state after the day's last change.
      if (i + 1 < n && schedule.dayOfEpochSecond(points[i + 1]) == day) {
        continue;
      }
      if (day >= params.drops()) {
        break;
      }
      double u = traps.nextDouble();
      int kind = traps.nextInt(Trap.LEAD_TRAPS.length);
      Trap trap = u < params.badRecordRate() ? Trap.LEAD_TRAPS[kind] : null;
      emitLeadRow(lead, (int) day, points[i], row++, trap, traps, sink);
    }
  }

  private void emitLeadRow(Lead lead, int day, long updatedAt, int row, Trap trap, Rng traps,
      Sink sink) {
    DropSchema schema = schemaOf(params, day);
    int file = files.fileNumber(Kind.LEADS, day);
    long key = key(updatedAt, lead.index, 2 * row);
    if (schema == DropSchema.STANDARD && (trap == null || trap == Trap.LEAD_DUPLICATE)) {
      // Fast path: the fields that never change are encoded once per lead.
      if (lead.csvConstantFields == null) {
        StringBuilder middle = new StringBuilder(200);
        String[] f = leadFields(lead, updatedAt);
        for (int i = FIRST_NAME; i < STATUS; i++) {
          appendCsvField(middle, f[i]);
          middle.append(',');
        }
        lead.csvConstantFields = middle.toString();
      }
      StringBuilder sb = new StringBuilder(280);
      sb.append(lead.id).append(',');
      Timestamps.appendIso(sb, lead.createdAt);
      sb.append(',');
      Timestamps.appendIso(sb, updatedAt);
      sb.append(',').append(lead.csvConstantFields).append(lead.statusAt(updatedAt).label())
          .append(',');
      if (lead.converted && lead.convertedAt <= updatedAt) {
        Timestamps.appendIso(sb, lead.convertedAt);
      }
      sb.append(CSV_LINE_END);
      emitLeadLine(sb.toString(), day, file, key, trap, sink);
      return;
    }
    String[] f = leadFields(lead, updatedAt);
    Company company = lead.company;
    boolean rawCompany = false;
    if (trap != null) {
      switch (trap) {
        case LEAD_INVALID_EMAIL -> f[EMAIL] = invalidEmail(lead.email, traps);
        case LEAD_NEGATIVE_SIZE -> f[COMPANY_SIZE] = Integer.toString(-company.employees());
        case LEAD_ABSURD_SIZE -> f[COMPANY_SIZE] =
            Integer.toString(10_000_001 + traps.nextInt(1_000_000_000));
        case LEAD_FUTURE_DATE -> {
          long shift = Trap.FUTURE_SHIFT_DAYS * Schedule.SECONDS_PER_DAY;
          f[CREATED_AT] = Timestamps.iso(lead.createdAt + shift);
          f[UPDATED_AT] = Timestamps.iso(updatedAt + shift);
        }
        case LEAD_UNQUOTED_COMMA -> {
          f[COMPANY] = company.name().replace(",", "").replace("\"", "") + ", Holdings";
          rawCompany = true;
        }
        default -> { }
      }
    }

    List<String> fields = new ArrayList<>(List.of(f));
    List<Boolean> raw = new ArrayList<>(java.util.Collections.nCopies(f.length, false));
    raw.set(COMPANY, rawCompany);
    if (schema == DropSchema.EXTRA_COLUMN) {
      fields.add(utmMedium(lead.source));
      raw.add(false);
    } else if (schema == DropSchema.MISSING_OPTIONAL_COLUMN) {
      fields.remove(PHONE);
      raw.remove(PHONE);
    }
    int keep = fields.size();
    if (trap == Trap.LEAD_TRUNCATED_LINE) {
      keep = 3 + traps.nextInt(fields.size() - 4);
    }
    StringBuilder sb = new StringBuilder(320);
    for (int i = 0; i < keep; i++) {
      if (i > 0) {
        sb.append(',');
      }
      if (raw.get(i)) {
        sb.append(fields.get(i));
      } else {
        appendCsvField(sb, fields.get(i));
      }
    }
    sb.append(CSV_LINE_END);
    emitLeadLine(sb.toString(), day, file, key, trap, sink);
  }

  /** Encodes a lead line (ISO-8859-1 in the drops of the encoding trap) and sends it. */
  private void emitLeadLine(String line, int day, int file, long key, Trap trap, Sink sink) {
    boolean latin1 = latin1Drop(params, day);
    byte[] bytes = line.getBytes(latin1 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
    byte code = trap == null || trap == Trap.LEAD_DUPLICATE ? Trap.CLEAN : trap.code();
    if (code == Trap.CLEAN && latin1 && !isAscii(line)) {
      code = Trap.LEAD_NON_UTF8.code();
    }
    sink.accept(file, key, bytes, code);
    if (trap == Trap.LEAD_DUPLICATE) {
      sink.accept(file, key + 1, bytes, trap.code());
    }
  }

  /** The clean fields of a lead's row as of {@code updatedAt}, in {@link #LEAD_COLUMNS} order. */
  private static String[] leadFields(Lead lead, long updatedAt) {
    String[] f = new String[LEAD_COLUMNS.size()];
    Company company = lead.company;
    f[0] = lead.id;
    f[CREATED_AT] = Timestamps.iso(lead.createdAt);
    f[UPDATED_AT] = Timestamps.iso(updatedAt);
    f[FIRST_NAME] = lead.firstName;
    f[4] = lead.lastName;
    f[EMAIL] = lead.email;
    f[PHONE] = lead.phone;
    f[COMPANY] = company.name();
    f[8] = company.industry().label();
    f[COMPANY_SIZE] = Integer.toString(company.employees());
    f[10] = company.country().label();
    f[11] = lead.jobTitle;
    f[12] = lead.source.label();
    f[13] = lead.campaign;
    f[14] = lead.doNotEmail ? Vocabulary.YES : Vocabulary.NO;
    f[15] = lead.doNotCall ? Vocabulary.YES : Vocabulary.NO;
    f[16] = lead.budget.label();
    f[17] = lead.timeline.label();
    f[STATUS] = lead.statusAt(updatedAt).label();
    f[19] = lead.converted && lead.convertedAt <= updatedAt ? Timestamps.iso(lead.convertedAt)
        : "";
    return f;
  }

  private static String invalidEmail(String email, Rng rng) {
    int at = email.indexOf('@');
    String local = email.substring(0, at);
    String domain = email.substring(at + 1);
    return switch (rng.nextInt(5)) {
      case 0 -> local + "@@" + domain;
      case 1 -> local + "." + domain;
      case 2 -> local + "@";
      case 3 -> "@" + domain;
      default -> local.replace('.', ' ') + " @" + domain;
    };
  }

  static String utmMedium(Source source) {
    return switch (source) {
      case PAID_SEARCH -> "cpc";
      case PAID_SOCIAL -> "social";
      case OUTBOUND -> "email";
      case ORGANIC_SEARCH -> "organic";
      case REFERRAL, PARTNER -> "referral";
      default -> "";
    };
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 127) {
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------- events

  private void emitEvents(Lead lead, Sink sink) {
    Rng traps = Rng.of(params.seed(), lead.index, Purpose.EVENT_TRAP);
    StringBuilder sb = new StringBuilder(128);
    for (int i = 0; i < lead.eventCount; i++) {
      long at = lead.eventTimes[i];
      long day = schedule.dayOfEpochSecond(at);
      if (day >= params.drops()) {
        break;
      }
      double u = traps.nextDouble();
      int kind = traps.nextInt(Trap.EVENT_TRAPS.length);
      Trap trap = u < params.badRecordRate() ? Trap.EVENT_TRAPS[kind] : null;
      String eventId = eventId(lead.index, i);
      String leadId = lead.id;
      String occurredAt = Timestamps.iso(at);
      if (trap == Trap.EVENT_UNKNOWN_LEAD) {
        leadId = Lead.idOf(Trap.UNKNOWN_LEAD_BASE + traps.nextInt(999_999_999));
      } else if (trap == Trap.EVENT_BEFORE_CREATION) {
        occurredAt = Timestamps.iso(lead.createdAt - 3600
            - (long) (traps.nextDouble() * 30 * Schedule.SECONDS_PER_DAY));
      } else if (trap == Trap.EVENT_BAD_TIMESTAMP) {
        String date = occurredAt.substring(0, 10);
        occurredAt = traps.chance(0.5) ? date + "T25:61:00Z"
            : date.substring(8, 10) + "/" + date.substring(5, 7) + "/" + date.substring(0, 4)
                + " " + occurredAt.substring(11, 16);
      }
      sb.setLength(0);
      sb.append("{\"event_id\":\"").append(eventId)
          .append("\",\"lead_id\":\"").append(leadId)
          .append("\",\"event_type\":\"").append(lead.eventTypes[i].label())
          .append("\",\"occurred_at\":\"").append(occurredAt).append("\"}");
      if (trap == Trap.EVENT_MALFORMED_JSON) {
        sb.setLength(sb.length() / 2 + traps.nextInt(sb.length() / 3));
      }
      sb.append('\n');
      byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
      int file = files.fileNumber(Kind.EVENTS, (int) day);
      long key = key(at, lead.index, 2 * i);
      sink.accept(file, key, bytes, trap == null || trap == Trap.EVENT_DUPLICATE
          ? Trap.CLEAN : trap.code());
      if (trap == Trap.EVENT_DUPLICATE) {
        sink.accept(file, key + 1, bytes, trap.code());
      }
    }
  }

  /** "ev_" and 16 hex digits: a hash of (seed, lead, event number). */
  String eventId(long leadIndex, int eventNumber) {
    long h = Rng.hash(params.seed(), leadIndex, Purpose.EVENT_ID.code() + 64L * eventNumber);
    String hex = Long.toHexString(h);
    return "ev_" + "0000000000000000".substring(hex.length()) + hex;
  }

  // ---------------------------------------------------------------- truth

  private void emitTruth(Lead lead, Sink sink) {
    StringBuilder sb = new StringBuilder(96);
    sb.append(lead.id).append(',');
    Timestamps.appendIso(sb, lead.observationAt);
    sb.append(',').append(Double.toString(lead.probability))
        .append(',').append(lead.converted ? '1' : '0').append(',');
    if (lead.converted) {
      Timestamps.appendIso(sb, lead.convertedAt);
    }
    sb.append(CSV_LINE_END);
    sink.accept(files.fileNumber(Kind.TRUTH, lead.createdDay), lead.index,
        sb.toString().getBytes(StandardCharsets.US_ASCII), Trap.CLEAN);
  }

  // ---------------------------------------------------------------- formatting

  /**
   * Orders lines in a file: second of the day (17 bits), lead number (34 bits), sequence
   * within the lead (12 bits).
   */
  static long key(long epochSecond, long leadIndex, int sequence) {
    if (sequence >= 4096) {
      throw new IllegalStateException("too many lines for lead " + leadIndex);
    }
    long secondOfDay = Math.floorMod(epochSecond, Schedule.SECONDS_PER_DAY);
    return secondOfDay << 46 | leadIndex << 12 | sequence;
  }

  /** RFC 4180: quoted when it holds a comma, a quote or a line break; quotes doubled. */
  static void appendCsvField(StringBuilder sb, String value) {
    boolean quote = false;
    for (int i = 0; i < value.length() && !quote; i++) {
      char c = value.charAt(i);
      quote = c == ',' || c == '"' || c == '\r' || c == '\n';
    }
    if (!quote) {
      sb.append(value);
      return;
    }
    sb.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"') {
        sb.append('"');
      }
      sb.append(c);
    }
    sb.append('"');
  }

  static byte[] csvLine(String[] values) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      appendCsvField(sb, values[i]);
    }
    return sb.append(CSV_LINE_END).toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Event types a clean export can hold (for docs and tests). */
  public static List<String> eventTypes() {
    List<String> out = new ArrayList<>();
    for (EventType t : EventType.values()) {
      out.add(t.label());
    }
    return out;
  }
}
