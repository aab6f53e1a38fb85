package io.leadscore.jobs.cli;

/** A failure the CLI reports as one line (what, where, what to do) with a fixed exit code. */
public class LeadscoreException extends RuntimeException {
  public static final int EXIT_OK = 0;
  public static final int EXIT_JOB_FAILED = 1;
  public static final int EXIT_USAGE = 2;
  /**
   * The score job finished writing and found drift above {@code scoring.driftThreshold}: a
   * result, not a failure (the daily DAG branches on it to retrain; see airflow-dags/README.md).
   */
  public static final int EXIT_DRIFT = 3;

  private final int exitCode;

  public LeadscoreException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public LeadscoreException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }

  /** The job ran and could not finish: bad data it cannot quarantine, a blocking check. */
  public static LeadscoreException jobFailed(String format, Object... args) {
    return new LeadscoreException(EXIT_JOB_FAILED, String.format(format, args));
  }
}
