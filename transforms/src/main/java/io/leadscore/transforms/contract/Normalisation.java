package io.leadscore.transforms.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How string values are cleaned, in this order: trim, collapse inner white space, missing
 * tokens → null, case folding, spelling variants. Unset keys inherit from the dataset.
 */
public record Normalisation(
    @JsonProperty("trim") Boolean trim,
    @JsonProperty("collapseSpaces") Boolean collapseSpaces,
    @JsonProperty("case") CaseFold caseFold,
    @JsonProperty("variants") Map<String, String> variants) {

  public static final Normalisation DEFAULT = new Normalisation(true, false, CaseFold.NONE,
      Map.of());

  /** Case folding of values. */
  public enum CaseFold {
    NONE, LOWER, UPPER, TITLE;

    @JsonCreator
    public static CaseFold of(String value) {
      return Names.parse(CaseFold.class, "case", value);
    }
  }

  public Normalisation {
    variants = variants == null ? null : java.util.Collections.unmodifiableMap(
        new LinkedHashMap<>(variants));
  }

  /** This normalisation with unset keys taken from {@code base}. */
  public Normalisation over(Normalisation base) {
    return new Normalisation(
        trim != null ? trim : base.trim(),
        collapseSpaces != null ? collapseSpaces : base.collapseSpaces(),
        caseFold != null ? caseFold : base.caseFold(),
        variants != null ? variants : base.variants());
  }
}
