package io.leadscore.transforms.contract;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The spellings of true and false in a source (compared after trimming). */
public record BooleanValues(
    @JsonProperty(value = "true", required = true) List<String> trueValues,
    @JsonProperty(value = "false", required = true) List<String> falseValues) {

  public static final BooleanValues DEFAULT = new BooleanValues(
      List.of("Yes", "yes", "YES", "1", "true", "TRUE", "True", "Y", "y"),
      List.of("No", "no", "NO", "0", "false", "FALSE", "False", "N", "n"));

  public BooleanValues {
    trueValues = trueValues == null ? List.of() : List.copyOf(trueValues);
    falseValues = falseValues == null ? List.of() : List.copyOf(falseValues);
  }
}
