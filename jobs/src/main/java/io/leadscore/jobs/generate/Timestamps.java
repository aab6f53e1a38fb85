package io.leadscore.jobs.generate;

/** ISO-8601 UTC timestamps ({@code 2026-01-05T13:45:12Z}) without java.time on the hot path. */
public final class Timestamps {
  private Timestamps() {}

  public static String iso(long epochSecond) {
    StringBuilder sb = new StringBuilder(20);
    appendIso(sb, epochSecond);
    return sb.toString();
  }

  /** Appends {@code yyyy-MM-ddTHH:mm:ssZ}; days from civil arithmetic (H. Hinnant). */
  public static void appendIso(StringBuilder sb, long epochSecond) {
    long days = Math.floorDiv(epochSecond, 86_400L);
    long secondOfDay = Math.floorMod(epochSecond, 86_400L);
    long z = days + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long doe = z - era * 146_097;
    long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    long year = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long dayOfMonth = doy - (153 * mp + 2) / 5 + 1;
    long month = mp < 10 ? mp + 3 : mp - 9;
    if (month <= 2) {
      year++;
    }
    pad(sb, year, 4).append('-');
    pad(sb, month, 2).append('-');
    pad(sb, dayOfMonth, 2).append('T');
    pad(sb, secondOfDay / 3600, 2).append(':');
    pad(sb, secondOfDay / 60 % 60, 2).append(':');
    pad(sb, secondOfDay % 60, 2).append('Z');
  }

  private static StringBuilder pad(StringBuilder sb, long value, int width) {
    if (value < 0 || value >= 10_000) {
      String digits = Long.toString(value);
      for (int i = digits.length(); i < width; i++) {
        sb.append('0');
      }
      return sb.append(digits);
    }
    int v = (int) value;
    if (width >= 4) {
      sb.append((char) ('0' + v / 1000));
    }
    if (width >= 3) {
      sb.append((char) ('0' + v / 100 % 10));
    }
    return sb.append((char) ('0' + v / 10 % 10)).append((char) ('0' + v % 10));
  }
}
