package io.leadscore.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the real X Education file is: {@code $LEADSCORE_XEDUCATION_CSV}, else
 * {@code ../shared/data/xeducation-leads/Leads.csv} beside the checkout. Its license is
 * unknown, so it is never copied into the project; tests that need it skip when it is absent.
 */
public final class SharedData {
  private SharedData() {}

  public static Path xeducationCsvOrSkip() {
    String env = System.getenv("LEADSCORE_XEDUCATION_CSV");
    Path path = env != null && !env.isBlank()
        ? Paths.get(env)
        : SparkTestSupport.projectRoot().resolve("../shared/data/xeducation-leads/Leads.csv")
            .normalize();
    Assumptions.assumeTrue(Files.isRegularFile(path),
        "X Education data not found at " + path
            + ": set LEADSCORE_XEDUCATION_CSV or put ../shared beside the checkout");
    return path;
  }
}
