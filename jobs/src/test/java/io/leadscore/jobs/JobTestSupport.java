package io.leadscore.jobs;

import io.leadscore.jobs.cli.LeadscoreCli;
import io.leadscore.testing.SparkTestSupport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs jobs in-process through the real CLI against a lakehouse in a temporary folder. The
 * job's SparkSession is the shared test session (the CLI reuses a running default session and
 * leaves it running).
 */
public abstract class JobTestSupport extends SparkTestSupport {

  /** What one CLI invocation returned and printed. */
  public record CliResult(int exitCode, String stdout, String stderr) {
    public String output() {
      return stdout + stderr;
    }
  }

  /**
   * Writes a config for a lakehouse under {@code dir}; metrics go to
   * {@code $LEADSCORE_TEST_PUSHGATEWAY} when set, else to a closed port (one warning, no
   * failure), and MLflow to {@code $LEADSCORE_TEST_MLFLOW_URI} (default the local stack).
   */
  public static Path writeConfig(Path dir, String extraYaml) throws IOException {
    String pushgateway = envOr("LEADSCORE_TEST_PUSHGATEWAY", "127.0.0.1:9");
    String mlflow = envOr("LEADSCORE_TEST_MLFLOW_URI", "http://127.0.0.1:5000");
    String yaml = String.join("\n",
        "lakehouse:",
        "  root: " + dir.resolve("lakehouse").toAbsolutePath(),
        "  landing: " + dir.resolve("landing").toAbsolutePath(),
        "mlflow:",
        "  trackingUri: " + mlflow,
        "metrics:",
        "  pushgateway: " + pushgateway,
        "pii:",
        "  hashKey: test-only-pii-key",
        extraYaml == null ? "" : extraYaml,
        "");
    Path file = dir.resolve("test.yaml");
    Files.createDirectories(dir);
    Files.writeString(file, yaml);
    return file;
  }

  /** Runs {@code leadscore <args>} in this JVM and captures what it prints. */
  public static CliResult runCli(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(new TeeStream(out, oldOut), true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(new TeeStream(err, oldErr), true,
            StandardCharsets.UTF_8)) {
      System.setOut(o);
      System.setErr(e);
      code = LeadscoreCli.commandLine().execute(args);
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    return new CliResult(code, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  private static String envOr(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }

  /** Keeps the output visible in the Surefire report while capturing it. */
  private static final class TeeStream extends java.io.OutputStream {
    private final java.io.OutputStream a;
    private final java.io.OutputStream b;

    TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int c) throws IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public void write(byte[] buf, int off, int len) throws IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }
  }
}
