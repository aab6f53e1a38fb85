package io.leadscore.transforms.contract;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations of the contract: {@code 7d}, {@code 12h}, {@code 30m}, {@code 45s} or ISO-8601. */
public final class Duration {
  private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*([dhms])");

  private Duration() {}

  public static java.time.Duration parse(String key, String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(key + " must be a duration like 7d, 12h or P7D, cannot be"
          + " empty");
    }
    Matcher m = SHORT.matcher(text.trim());
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "d" -> java.time.Duration.ofDays(n);
        case "h" -> java.time.Duration.ofHours(n);
        case "m" -> java.time.Duration.ofMinutes(n);
        default -> java.time.Duration.ofSeconds(n);
      };
    }
    try {
      return java.time.Duration.parse(text.trim());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(String.format(
          "%s must be a duration like 7d, 12h, 30m or P7D, cannot be: %s", key, text));
    }
  }
}
