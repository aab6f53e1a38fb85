package io.leadscore.transforms.contract;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Parses the lower-case spellings of the contract's enumerations with a helpful message. */
final class Names {
  private Names() {}

  static <E extends Enum<E>> E parse(Class<E> type, String what, String value) {
    if (value == null) {
      return null;
    }
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(value.trim())) {
        return e;
      }
    }
    throw new IllegalArgumentException(String.format("%s must be one of %s, cannot be: %s", what,
        Arrays.stream(type.getEnumConstants()).map(Names::spelling)
            .collect(Collectors.joining(", ")), value));
  }

  static String spelling(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }
}
