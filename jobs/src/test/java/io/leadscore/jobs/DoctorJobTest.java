package io.leadscore.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadscore.transforms.lakehouse.Lakehouse;
import io.leadscore.transforms.lakehouse.Table;
import java.nio.file.Path;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DoctorJobTest extends JobTestSupport {

  @TempDir
  Path dir;

  @Test
  void recordsEveryRunInTheJobRunsTableWhateverTheOutcome() throws Exception {
    // MLflow on a closed port: the doctor must fail with exit 1 and still record its run.
    Path config = writeConfig(dir, "");
    String yaml = java.nio.file.Files.readString(config)
        .replaceAll("trackingUri: .*", "trackingUri: http://127.0.0.1:9");
    java.nio.file.Files.writeString(config, yaml);

    CliResult first = runCli("doctor", "--config", config.toString());
    CliResult second = runCli("doctor", "--config", config.toString());

    assertThat(first.exitCode()).isEqualTo(1);
    assertThat(first.stderr()).contains("MLflow does not answer at http://127.0.0.1:9/health")
        .contains("bin/stack up").doesNotContain("\tat ");
    assertThat(second.stdout()).contains("1 earlier job runs recorded");
    String jobRuns = new Lakehouse(dir.resolve("lakehouse").toString()).path(Table.JOB_RUNS);
    Row[] runs = (Row[]) spark().read().format("delta").load(jobRuns)
        .orderBy("started_at").select("job", "status", "message").collect();
    assertThat(runs).hasSize(2);
    assertThat(runs[0].getString(0)).isEqualTo("doctor");
    assertThat(runs[0].getString(1)).isEqualTo("failed");
    assertThat(runs[0].getString(2)).contains("MLflow does not answer");
  }
}
