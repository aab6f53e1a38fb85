package io.leadscore.features;

/** Names of derived feature columns and special category tokens, in one place. */
public final class FeatureNames {
  private FeatureNames() {}

  /** The assembled feature vector the models read. */
  public static final String FEATURES = "features";

  /** Category token for levels too rare in training and for levels never seen in training. */
  public static final String OTHER_TOKEN = "__other__";
  /** Category token for a null or blank value. */
  public static final String MISSING_TOKEN = "__missing__";

  public static final String MISSING_SUFFIX = "__missing";
  public static final String GROUPED_SUFFIX = "__grp";
  public static final String INDEX_SUFFIX = "__idx";
  public static final String ONE_HOT_SUFFIX = "__ohe";
  public static final String IMPUTED_SUFFIX = "__imp";
  public static final String NUMBER_SUFFIX = "__num";

  /** 1.0 when {@code column} is null (or NaN), else 0.0. */
  public static String missingIndicator(String column) {
    return column + MISSING_SUFFIX;
  }

  public static String grouped(String column) {
    return column + GROUPED_SUFFIX;
  }

  public static String indexed(String column) {
    return column + INDEX_SUFFIX;
  }

  public static String oneHot(String column) {
    return column + ONE_HOT_SUFFIX;
  }

  public static String imputed(String column) {
    return column + IMPUTED_SUFFIX;
  }

  /** A boolean column as a 1.0/0.0/null double. */
  public static String asNumber(String column) {
    return column + NUMBER_SUFFIX;
  }
}
