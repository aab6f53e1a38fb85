package io.leadscore.jobs.cli;

import io.leadscore.jobs.config.ConfigLoader;
import io.leadscore.jobs.config.LeadscoreConfig;
import io.leadscore.jobs.metrics.JobMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The frame every job runs in: options checked, config loaded (errors → exit 2 before Spark
 * starts), the one SparkSession built, the job group set, the run recorded in
 * {@code ops/job_runs} and its metrics pushed whatever the outcome, and failures reported as
 * one line (the stack trace only with {@code --verbose}).
 */
public abstract class JobCommand implements Callable<Integer> {

  @Option(names = "--config", paramLabel = "FILE", defaultValue = "conf/local.yaml",
      description = "Environment config (default: ${DEFAULT-VALUE}).")
  protected Path configFile;

  @Option(names = "--verbose", description = "Print stack traces of errors.")
  protected boolean verbose;

  @Spec
  protected CommandSpec spec;

  /** One sentence for the Spark UI's job group. */
  protected abstract String description();

  /** Checks the job's own options; throw {@link io.leadscore.jobs.config.ConfigException}. */
  protected void checkOptions() {}

  /** read → transform… → write. Throw {@link LeadscoreException} for a failure to report. */
  protected abstract void run(JobContext ctx) throws Exception;

  /** Loads the config; tests may override to inject one. */
  protected LeadscoreConfig loadConfig() {
    return ConfigLoader.fromSystemEnvironment().load(configFile);
  }

  @Override
  public final Integer call() {
    String job = spec.name();
    LeadscoreConfig config;
    try {
      checkOptions();
      config = loadConfig();
    } catch (LeadscoreException e) {
      return report(job, e.exitCode(), e.getMessage(), e);
    }

    String runId = UUID.randomUUID().toString();
    Instant startedAt = Instant.now();
    JobMetrics metrics = new JobMetrics(job, runId);
    boolean sessionExisted = SparkSession.getDefaultSession().isDefined();
    SparkSession spark = null;
    int exitCode;
    String failure = null;
    JobContext ctx = null;
    try {
      spark = SparkSessions.build("leadscore " + job, config);
      spark.sparkContext().setJobGroup(runId, "leadscore " + job + ": " + description(), false);
      ctx = new JobContext(spark, config, config.lakehouseLayout(), job, runId, startedAt,
          metrics);
      run(ctx);
      exitCode = LeadscoreException.EXIT_OK;
    } catch (LeadscoreException e) {
      failure = e.getMessage();
      exitCode = report(job, e.exitCode(), e.getMessage(), e);
    } catch (Exception e) {
      failure = e.getClass().getSimpleName() + ": " + e.getMessage();
      exitCode = report(job, LeadscoreException.EXIT_JOB_FAILED,
          "failed with " + failure + " (run with --verbose for the stack trace)", e);
    }
    // Drift is a result the DAG branches on, not a failure of the run.
    boolean succeeded = exitCode == LeadscoreException.EXIT_OK
        || exitCode == LeadscoreException.EXIT_DRIFT;
    if (ctx != null) {
      try {
        spark.sparkContext().setJobDescription("leadscore " + job + ": record the run");
        JobRunLog.append(ctx, succeeded ? "success" : "failed", failure);
      } catch (Exception e) {
        System.err.printf("WARN leadscore %s: run %s not recorded in the job_runs table: %s%n",
            job, runId, e.getMessage());
      }
    }
    if (config.metrics().enabled()) {
      metrics.push(config.metrics().pushgateway(), succeeded,
          Duration.between(startedAt, Instant.now()));
    }
    System.out.printf("leadscore %s: %s in %.1f s, run %s, rows %s%n", job,
        succeeded ? "succeeded" : "FAILED",
        Duration.between(startedAt, Instant.now()).toMillis() / 1000.0, runId,
        metrics.rowCounts());
    if (spark != null && !sessionExisted) {
      spark.stop();
    }
    return exitCode;
  }

  private int report(String job, int exitCode, String message, Throwable error) {
    System.err.printf("leadscore %s: error: %s%n", job, message);
    if (verbose) {
      error.printStackTrace(System.err);
    }
    return exitCode;
  }
}
