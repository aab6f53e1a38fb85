package io.leadscore.jobs.cli;

import io.leadscore.jobs.config.LeadscoreConfig;
import io.leadscore.jobs.metrics.JobMetrics;
import io.leadscore.transforms.lakehouse.Lakehouse;
import java.time.Instant;
import org.apache.spark.sql.SparkSession;

/** What a job's {@code run} gets: the one session, the config, the tables, the run's metrics. */
public record JobContext(
    SparkSession spark,
    LeadscoreConfig config,
    Lakehouse lakehouse,
    String job,
    String runId,
    Instant startedAt,
    JobMetrics metrics) {

  /** Names the step in the Spark UI: the job group stays, the description follows the step. */
  public void step(String description) {
    spark.sparkContext().setJobDescription("leadscore " + job + " [" + runId + "]: " + description);
  }

  /** One line on stdout for the person running the job. */
  public void say(String format, Object... args) {
    System.out.printf("leadscore %s: %s%n", job, String.format(format, args));
  }
}
