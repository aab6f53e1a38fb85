package io.leadscore.transforms.silver;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Names of the silver and quarantine columns that are not the contract's own. */
public final class SilverColumns {
  private SilverColumns() {}

  /** Working column: the raw bronze values of the declared columns (a struct). */
  public static final String RAW = "_raw";
  /** Working column: every rule a row broke (array of {@link #VIOLATION}). */
  public static final String VIOLATIONS = "_violations";
  /** Silver: names of the warning rules the row broke (it passed anyway). */
  public static final String WARNINGS = "_warnings";
  public static final String VALIDATE_RUN_ID = "_validate_run_id";
  public static final String VALIDATED_AT = "_validated_at";

  /** Derived columns of PII: {@code <name>_hash}, {@code <email>_domain_type}, … */
  public static final String HASH_SUFFIX = "_hash";
  public static final String DOMAIN_TYPE_SUFFIX = "_domain_type";
  public static final String PRESENT_SUFFIX = "_present";
  public static final String VALID_SUFFIX = "_valid";

  /** Values of {@code <email>_domain_type}. */
  public static final String DOMAIN_FREE = "free";
  public static final String DOMAIN_CORPORATE = "corporate";
  public static final String DOMAIN_INVALID = "invalid";

  /** Fields of one broken rule. */
  public static final String RULE = "rule";
  public static final String COLUMN = "column";
  public static final String SEVERITY = "severity";
  public static final String MESSAGE = "message";
  public static final StructType VIOLATION = new StructType()
      .add(RULE, DataTypes.StringType, false)
      .add(COLUMN, DataTypes.StringType, true)
      .add(SEVERITY, DataTypes.StringType, false)
      .add(MESSAGE, DataTypes.StringType, false);

  /** Quarantine table columns (besides the bronze lineage columns). */
  public static final String Q_DATASET = "dataset";
  public static final String Q_RAW = "raw";
  public static final String Q_RAW_TEXT = "raw_text";
  public static final String Q_VIOLATIONS = "violations";
  public static final String Q_VALIDATE_RUN_ID = "validate_run_id";
  public static final String Q_QUARANTINED_AT = "quarantined_at";
}
