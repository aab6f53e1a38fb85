package io.leadscore.transforms.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** A row rule: error → the row is quarantined; warning → it passes and is counted. */
public record RuleSpec(
    @JsonProperty(value = "name", required = true) String name,
    @JsonProperty(value = "check", required = true) Check check,
    @JsonProperty("column") String column,
    @JsonProperty("severity") Severity severity,
    @JsonProperty("message") String message,
    @JsonProperty("min") String min,
    @JsonProperty("max") String max,
    @JsonProperty("pattern") String pattern,
    @JsonProperty("values") List<String> values,
    @JsonProperty("tolerance") String tolerance,
    @JsonProperty("left") String left,
    @JsonProperty("op") String op,
    @JsonProperty("right") String right) {

  public static final List<String> COMPARE_OPS = List.of(">=", ">", "<=", "<", "==", "!=");

  /** What a rule checks. */
  public enum Check {
    NOT_NULL, RANGE, REGEX, ALLOWED, NOT_IN_FUTURE, COMPARE, MAX_LENGTH;

    @JsonCreator
    public static Check of(String value) {
      return Names.parse(Check.class, "check", value);
    }
  }

  /** Error quarantines the row; warning only counts it. */
  public enum Severity {
    ERROR, WARNING;

    @JsonCreator
    public static Severity of(String value) {
      return Names.parse(Severity.class, "severity", value);
    }

    public String spelling() {
      return Names.spelling(this);
    }
  }

  public RuleSpec {
    severity = severity == null ? Severity.ERROR : severity;
    values = values == null ? null : List.copyOf(values);
  }

  /** Built-in rules the validator adds to every dataset. */
  public static RuleSpec builtIn(String name, Check check, String column, Severity severity,
      String message) {
    return new RuleSpec(name, check, column, severity, message, null, null, null, null, null,
        null, null, null);
  }

  public java.time.Duration toleranceDuration() {
    return tolerance == null ? java.time.Duration.ofHours(1)
        : Duration.parse("rules." + name + ".tolerance", tolerance);
  }
}
