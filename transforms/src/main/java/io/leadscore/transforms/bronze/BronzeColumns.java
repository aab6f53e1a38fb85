package io.leadscore.transforms.bronze;

import java.util.List;

/**
 * Names of the bronze columns that are not the contract's own: lineage, rescued extra
 * columns and the raw text of records that could not be parsed.
 */
public final class BronzeColumns {
  private BronzeColumns() {}

  /** Extra columns of the file the contract does not declare: header name → raw value. */
  public static final String RESCUED = "_rescued";
  /** Raw text of a record that could not be split into the header's columns (else null). */
  public static final String CORRUPT_RECORD = "_corrupt_record";
  /** Fully qualified path of the landing file. */
  public static final String SOURCE_FILE = "_source_file";
  /**
   * Position of the record in the file, counting the CSV header as 1: the line number for JSON
   * lines, and for CSV without blank lines or line breaks inside quoted fields.
   */
  public static final String RECORD_NUMBER = "_record_number";
  /** SHA-256 of the file's bytes. */
  public static final String FILE_HASH = "_file_hash";
  /** 1, 2, … per path: a changed file is ingested again as a new version. */
  public static final String FILE_VERSION = "_file_version";
  /** One per ingested file version; validate tracks which batches it has processed. */
  public static final String BATCH_ID = "_batch_id";
  public static final String INGEST_RUN_ID = "_ingest_run_id";
  public static final String INGESTED_AT = "_ingested_at";

  public static final List<String> LINEAGE = List.of(SOURCE_FILE, RECORD_NUMBER, FILE_HASH,
      FILE_VERSION, BATCH_ID, INGEST_RUN_ID, INGESTED_AT);
}
