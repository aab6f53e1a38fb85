package io.leadscore.jobs.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Pushes to a real Pushgateway, started by the test on a free loopback port. */
class JobMetricsTest {
  private static PushgatewayProcess pushgateway;

  @BeforeAll
  static void startPushgateway() throws Exception {
    pushgateway = PushgatewayProcess.start();
  }

  @AfterAll
  static void stopPushgateway() {
    if (pushgateway != null) {
      pushgateway.close();
    }
  }

  @Test
  void pushesStatusDurationRowsRunIdAndJobGauges() throws Exception {
    JobMetrics metrics = new JobMetrics("validate", "run-42")
        .addRows(JobMetrics.ROWS_READ, 100).addRows("quarantined", 7).addRows("quarantined", 3)
        .gauge("quarantine_rate", "Share of rows quarantined", 0.1)
        .gauge("tier_share", "Share per tier", new String[] {"tier"}, new String[] {"A"}, 0.25)
        .gauge("tier_share", "Share per tier", new String[] {"tier"}, new String[] {"B"}, 0.75);

    boolean pushed = metrics.push(pushgateway.address(), true, Duration.ofMillis(1500));

    String scraped = pushgateway.scrape();
    assertThat(pushed).isTrue();
    assertThat(scraped)
        .contains("leadscore_job_success{instance=\"\",job=\"leadscore_validate\"} 1")
        .contains("leadscore_job_duration_seconds{instance=\"\",job=\"leadscore_validate\"} 1.5")
        .contains("leadscore_job_rows{instance=\"\",job=\"leadscore_validate\",kind=\"quarantined\"} 10")
        .contains("run_id=\"run-42\"")
        .contains("leadscore_quarantine_rate{instance=\"\",job=\"leadscore_validate\"} 0.1")
        .contains("tier=\"B\"} 0.75")
        .contains("leadscore_job_last_success_timestamp_seconds{instance=\"\",job=\"leadscore_validate\"}");
  }

  @Test
  void aFailedRunKeepsTheLastSuccessTimestamp() throws Exception {
    new JobMetrics("score", "ok-run").push(pushgateway.address(), true, Duration.ofSeconds(1));
    String before = line(pushgateway.scrape(), "leadscore_job_last_success_timestamp_seconds",
        "leadscore_score");

    new JobMetrics("score", "bad-run").push(pushgateway.address(), false, Duration.ofSeconds(2));

    String after = pushgateway.scrape();
    assertThat(line(after, "leadscore_job_success", "leadscore_score")).endsWith(" 0");
    assertThat(line(after, "leadscore_job_last_success_timestamp_seconds", "leadscore_score"))
        .isEqualTo(before);
    assertThat(after).contains("run_id=\"bad-run\",status=\"failed\"");
  }

  @Test
  void anAbsentPushgatewayGivesOneWarningAndNoFailure() {
    PrintStream oldErr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    boolean pushed;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      pushed = new JobMetrics("ingest", "r1").addRows("read", 5)
          .push("127.0.0.1:" + PushgatewayProcess.freePort(), true, Duration.ofSeconds(1));
    } finally {
      System.setErr(oldErr);
    }
    String warning = err.toString(StandardCharsets.UTF_8);
    assertThat(pushed).isFalse();
    assertThat(warning.lines()).hasSize(1);
    assertThat(warning).startsWith("WARN leadscore ingest: metrics not pushed");
  }

  @Test
  void negativeRowCountsAreRejectedWithTheValue() {
    assertThatThrownBy(() -> new JobMetrics("x", "r").addRows("read", -3))
        .hasMessageContaining("cannot be: -3");
  }

  private static String line(String scrape, String metric, String job) {
    return scrape.lines()
        .filter(l -> l.startsWith(metric + "{") && l.contains("job=\"" + job + "\""))
        .findFirst().orElseThrow(() -> new AssertionError(metric + " not in\n" + scrape));
  }
}
