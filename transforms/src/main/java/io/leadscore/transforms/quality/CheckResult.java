package io.leadscore.transforms.quality;

/** The outcome of one dataset check: the measured value against its bounds. */
public record CheckResult(String name, String check, String level, Double value, Double min,
    Double max, boolean passed, String message) {

  public boolean blocking() {
    return "blocking".equals(level);
  }
}
