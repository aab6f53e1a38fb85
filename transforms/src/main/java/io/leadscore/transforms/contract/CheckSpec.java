package io.leadscore.transforms.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** A dataset-level check (Deequ metric or run history) with a threshold. */
public record CheckSpec(
    @JsonProperty(value = "name", required = true) String name,
    @JsonProperty(value = "check", required = true) Kind check,
    @JsonProperty("column") String column,
    @JsonProperty("columns") List<String> columns,
    @JsonProperty("min") Double min,
    @JsonProperty("max") Double max,
    @JsonProperty("maxDecrease") Double maxDecrease,
    @JsonProperty("maxIncrease") Double maxIncrease,
    @JsonProperty("history") Integer history,
    @JsonProperty("level") Level level) {

  /** What a check measures. */
  public enum Kind {
    COMPLETENESS, UNIQUENESS, DISTINCTNESS, ROW_COUNT, QUARANTINE_RATE, ROW_COUNT_CHANGE;

    @JsonCreator
    public static Kind of(String value) {
      return Names.parse(Kind.class, "check", value);
    }
  }

  /** Blocking stops the validate run before silver changes; warning is reported only. */
  public enum Level {
    BLOCKING, WARNING;

    @JsonCreator
    public static Level of(String value) {
      return Names.parse(Level.class, "level", value);
    }

    public String spelling() {
      return Names.spelling(this);
    }
  }

  public CheckSpec {
    level = level == null ? Level.WARNING : level;
    history = history == null ? 5 : history;
    if (columns == null && column != null) {
      columns = List.of(column);
    }
    columns = columns == null ? List.of() : List.copyOf(columns);
  }
}
