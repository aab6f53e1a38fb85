package io.leadscore.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadscore.jobs.JobTestSupport;
import io.leadscore.jobs.JobTestSupport.CliResult;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Usage and configuration errors: exit 2, one clear line, no Spark started, no stack trace. */
class LeadscoreCliTest {

  @TempDir
  Path dir;

  @Test
  void noJobIsAUsageError() {
    CliResult result = JobTestSupport.runCli();

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr()).contains("name a job to run").contains("Usage: leadscore");
  }

  @Test
  void unknownJobAndUnknownOptionAreUsageErrors() {
    CliResult unknownJob = JobTestSupport.runCli("explode");
    CliResult unknownOption = JobTestSupport.runCli("doctor", "--colour", "red");

    assertThat(unknownJob.exitCode()).isEqualTo(2);
    assertThat(unknownJob.stderr()).contains("explode");
    assertThat(unknownOption.exitCode()).isEqualTo(2);
    assertThat(unknownOption.stderr()).contains("--colour");
  }

  @Test
  void everyJobHasHelp() {
    CliResult top = JobTestSupport.runCli("--help");
    CliResult doctor = JobTestSupport.runCli("doctor", "--help");

    assertThat(top.exitCode()).isZero();
    assertThat(top.stdout()).contains("doctor").contains("Exit codes");
    assertThat(doctor.exitCode()).isZero();
    assertThat(doctor.stdout()).contains("--config");
  }

  @Test
  void configErrorsExitWithTwoBeforeSparkStarts() throws Exception {
    Path config = JobTestSupport.writeConfig(dir, "");
    Files.writeString(config, Files.readString(config).replace("trackingUri", "trackingUrl"));

    CliResult unknownKey = JobTestSupport.runCli("doctor", "--config", config.toString());
    CliResult missingFile = JobTestSupport.runCli("doctor", "--config", "conf/nope.yaml");

    assertThat(unknownKey.exitCode()).isEqualTo(2);
    assertThat(unknownKey.stderr()).contains("unknown key 'mlflow.trackingUrl'")
        .doesNotContain("\tat ");
    assertThat(missingFile.exitCode()).isEqualTo(2);
    assertThat(missingFile.stderr()).contains("conf/nope.yaml does not exist");
    // The run summary is printed only once Spark ran: config errors stop before it.
    assertThat(unknownKey.stdout()).isEmpty();
    assertThat(missingFile.stdout()).isEmpty();
  }

  @Test
  void missingEnvironmentVariableIsAConfigError() throws Exception {
    Path config = JobTestSupport.writeConfig(dir, "");
    Files.writeString(config, Files.readString(config)
        .replace("hashKey: test-only-pii-key", "hashKey: ${LEADSCORE_TEST_SURELY_UNSET_VAR}"));

    CliResult result = JobTestSupport.runCli("doctor", "--config", config.toString(), "--verbose");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr()).contains("pii.hashKey")
        .contains("LEADSCORE_TEST_SURELY_UNSET_VAR")
        .contains("ConfigException"); // --verbose prints the stack trace
  }
}
