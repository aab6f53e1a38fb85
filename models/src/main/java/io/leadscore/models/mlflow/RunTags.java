package io.leadscore.models.mlflow;

import io.leadscore.models.InputTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Names and builders of the tags every leadscore training run carries. */
public final class RunTags {

  /** MLflow's own tag for the source commit (shown in the UI). */
  public static final String GIT_COMMIT = "mlflow.source.git.commit";
  /** MLflow's own tag for what produced the run. */
  public static final String SOURCE_NAME = "mlflow.source.name";
  public static final String SPARK_VERSION = "leadscore.spark_version";
  /** Prefix of one tag per input table: {@code leadscore.input.<name>} = location@v<version>. */
  public static final String INPUT_PREFIX = "leadscore.input.";
  /** Environment variable that overrides the detected commit (CI, cluster images). */
  public static final String GIT_COMMIT_ENV = "LEADSCORE_GIT_COMMIT";
  public static final String UNKNOWN_COMMIT = "unknown";

  private RunTags() {}

  /** Git commit, Spark version, every input table with its Delta version, and the source. */
  public static Map<String, String> standard(
      String gitCommit, List<InputTable> inputs, String sparkVersion, String sourceName) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(GIT_COMMIT, gitCommit);
    tags.put(SPARK_VERSION, sparkVersion);
    tags.put(SOURCE_NAME, sourceName);
    tags.putAll(inputTags(inputs));
    return tags;
  }

  /** One tag per table: {@code leadscore.input.gold.features} = {@code /lake/gold/features@v7}. */
  public static Map<String, String> inputTags(List<InputTable> inputs) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (InputTable t : inputs) {
      tags.put(INPUT_PREFIX + t.name(), t.pinned());
    }
    return tags;
  }

  /**
   * The commit being run: {@value #GIT_COMMIT_ENV} if set, else {@code git rev-parse HEAD} in
   * the working folder, else {@value #UNKNOWN_COMMIT} (a jar on a cluster has no checkout).
   */
  public static String detectGitCommit() {
    return detectGitCommit(System.getenv(), Path.of("").toAbsolutePath());
  }

  static String detectGitCommit(Map<String, String> env, Path dir) {
    String fromEnv = env.get(GIT_COMMIT_ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.strip();
    }
    try {
      Process p = new ProcessBuilder("git", "rev-parse", "HEAD").directory(dir.toFile())
          .redirectErrorStream(true).start();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return UNKNOWN_COMMIT;
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.exitValue() == 0 && out.matches("[0-9a-f]{40}") ? out : UNKNOWN_COMMIT;
    } catch (IOException e) {
      return UNKNOWN_COMMIT;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return UNKNOWN_COMMIT;
    }
  }
}
