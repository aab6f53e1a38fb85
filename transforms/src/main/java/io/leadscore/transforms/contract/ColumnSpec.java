package io.leadscore.transforms.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** One column of a dataset: its name in the file, its canonical name, type, role and care. */
public record ColumnSpec(
    @JsonProperty(value = "source", required = true) String source,
    @JsonProperty(value = "name", required = true) String name,
    @JsonProperty("type") Type type,
    @JsonProperty("format") String format,
    @JsonProperty("nullable") Boolean nullable,
    @JsonProperty("required") Boolean required,
    @JsonProperty("role") Role role,
    @JsonProperty("kind") Kind kind,
    @JsonProperty("pii") Pii pii,
    @JsonProperty("booleans") BooleanValues booleans,
    @JsonProperty("missingTokens") List<String> missingTokens,
    @JsonProperty("normalise") Normalisation normalise,
    @JsonProperty("exclude") String exclude,
    @JsonProperty("leaky") String leaky,
    @JsonProperty("leakageExempt") String leakageExempt,
    @JsonProperty("description") String description) {

  public ColumnSpec {
    type = type == null ? Type.STRING : type;
    nullable = nullable == null || nullable;
    required = required == null || required;
    missingTokens = missingTokens == null ? List.of() : List.copyOf(missingTokens);
    if (kind == null) {
      kind = defaultKind(type, role);
    }
  }

  /** Value types of silver columns. */
  public enum Type {
    STRING, INTEGER, LONG, DOUBLE, BOOLEAN, DATE, TIMESTAMP;

    @JsonCreator
    public static Type of(String value) {
      return Names.parse(Type.class, "type", value);
    }

    public boolean isNumeric() {
      return this == INTEGER || this == LONG || this == DOUBLE;
    }

    public boolean isTemporal() {
      return this == DATE || this == TIMESTAMP;
    }
  }

  /** What a column means to the pipeline; at most one column per role. */
  public enum Role {
    ID, CREATED_AT, UPDATED_AT, LABEL, LABEL_EVENT, LEAD_REF, EVENT_TIME, EVENT_TYPE;

    @JsonCreator
    public static Role of(String value) {
      return Names.parse(Role.class, "role", value);
    }
  }

  /** How feature engineering treats a column. */
  public enum Kind {
    CATEGORICAL, NUMERIC, BOOLEAN, TIMESTAMP, TEXT, IDENTIFIER;

    @JsonCreator
    public static Kind of(String value) {
      return Names.parse(Kind.class, "kind", value);
    }
  }

  /** Personal data kinds: never in clear past bronze. */
  public enum Pii {
    EMAIL, PHONE, NAME, FREE_TEXT;

    @JsonCreator
    public static Pii of(String value) {
      return Names.parse(Pii.class, "pii", value);
    }
  }

  public boolean isPii() {
    return pii != null;
  }

  /**
   * Whether later stages may turn this column into a model feature: not an id, timestamp role,
   * label, PII, excluded or declared leaky.
   */
  public boolean isFeatureCandidate() {
    return role == null && pii == null && exclude == null && leaky == null
        && kind != Kind.IDENTIFIER;
  }

  private static Kind defaultKind(Type type, Role role) {
    if (role == Role.ID || role == Role.LEAD_REF) {
      return Kind.IDENTIFIER;
    }
    return switch (type) {
      case INTEGER, LONG, DOUBLE -> Kind.NUMERIC;
      case BOOLEAN -> Kind.BOOLEAN;
      case DATE, TIMESTAMP -> Kind.TIMESTAMP;
      default -> Kind.CATEGORICAL;
    };
  }
}
