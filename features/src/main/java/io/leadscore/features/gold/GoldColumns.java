package io.leadscore.features.gold;

/** Column names of the gold feature tables (training and scoring). */
public final class GoldColumns {
  private GoldColumns() {}

  /** The lead id, whatever the source calls it (renamed from the contract's id column). */
  public static final String LEAD_ID = "lead_id";
  /** The observation point: features see only what happened strictly before it. */
  public static final String AS_OF = "as_of";
  /** 0/1 outcome (training rows only). */
  public static final String LABEL = "label";
  /** Hash of every feature value of a row: what the scoring job compares to find changes. */
  public static final String FEATURE_HASH = "_feature_hash";
  /** The features run that last wrote the row. */
  public static final String FEATURES_RUN_ID = "_features_run_id";

  /** Derived attribute features, added when the source has the column they derive from. */
  public static final String JOB_TITLE = "job_title";
  public static final String JOB_TITLE_SENIORITY = "job_title_seniority";
  public static final String COMPANY_SIZE = "company_size";
  public static final String COMPANY_SIZE_BUCKET = "company_size_bucket";

  /** Delta table property of the training features: the event types that became features. */
  public static final String EVENT_TYPES_PROPERTY = "leadscore.eventTypes";
}
