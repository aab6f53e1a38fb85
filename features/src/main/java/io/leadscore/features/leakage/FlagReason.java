package io.leadscore.features.leakage;

/** Why the detector flagged a feature. */
public enum FlagReason {
  HIGH_AUC(Kind.LEAKAGE, "the feature alone nearly decides the outcome"),
  HIGH_CRAMERS_V(Kind.LEAKAGE, "the levels are strongly associated with the outcome"),
  HIGH_POINT_BISERIAL(Kind.LEAKAGE, "the value is strongly correlated with the outcome"),
  PURE_LEVELS(Kind.LEAKAGE, "many rows sit in levels that (almost) never or always convert"),
  SPARSE_AND_DECISIVE(Kind.LEAKAGE,
      "filled for few leads, yet decisive where filled: typical of fields the sales team fills"
          + " in during or after contact"),
  EMPTY(Kind.QUALITY, "no value in the training rows"),
  CONSTANT(Kind.QUALITY, "a single value in the training rows"),
  IDENTIFIER_LIKE(Kind.QUALITY, "mostly distinct values: an identifier, not a feature"),
  FILL_RATE_SHIFT(Kind.SHIFT, "filled far more or less often in the scoring rows than in training"),
  DISTRIBUTION_SHIFT(Kind.SHIFT, "distributed differently in the scoring rows than in training");

  /** Leakage and shift flags can be allow-listed; quality flags always exclude. */
  public enum Kind { LEAKAGE, QUALITY, SHIFT }

  private final Kind kind;
  private final String meaning;

  FlagReason(Kind kind, String meaning) {
    this.kind = kind;
    this.meaning = meaning;
  }

  public Kind kind() {
    return kind;
  }

  public String meaning() {
    return meaning;
  }
}
