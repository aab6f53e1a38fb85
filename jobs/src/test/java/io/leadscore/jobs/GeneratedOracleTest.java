package io.leadscore.jobs;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.leadscore.models.mlflow.MlflowTracking;
import io.leadscore.transforms.lakehouse.Lakehouse;
import io.leadscore.transforms.lakehouse.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5's must-show on generated data, through the real jobs (generate → ingest → validate
 * → features → train): a model trained on clean features stays at or below the oracle AUC on
 * the same test rows, and with the planted status leak allowed through it rises above it.
 *
 * <p>No tolerance on "at or below": everything here is deterministic (seeded generator, hash
 * split, seeded training), and on this small world the clean model stays well below the
 * oracle (it has to learn ~60 coefficients from a few thousand rows), so a strict comparison
 * cannot flip by chance between runs; it would only flip if something leaked.
 */
class GeneratedOracleTest extends JobTestSupport {
  private static final String FAST = String.join("\n",
      "training:",
      "  families: [lr]",
      "  folds: 2",
      // The regularisation both runs pick from the default grid [0, 0.003, 0.03]: the same
      // models in a third of the fits (this test is about the oracle, not the tuning).
      "  grids: { lr: { regParam: [0.03] } }",
      "  testFraction: 0.3",
      "  gate: { criteria: [\"roc_auc >= 0.5\"], minImprovement: 0.0 }");
  // 120 days so that most leads' 37-day window (7 to the observation point + 30 of label)
  // ends before the last drop; features are cut off the day after it.
  private static final String DAYS = "120";
  private static final String CUTOFF = "2026-05-05";
  private static final Pattern SIDE_BY_SIDE = Pattern.compile("test ROC AUC ([0-9.]+) vs oracle"
      + " AUC ([0-9.]+) on the same ([0-9]+) rows: ratio ([0-9.]+)");

  @TempDir
  Path dir;

  @Test
  void aCleanModelStaysAtOrBelowTheOracleAndTheAllowedStatusLeakLiftsItAbove() throws Exception {
    Path config = writeConfig(dir, FAST);
    Path clean = projectRoot().resolve("conf/contracts/synthetic.yaml");
    Path leaky = dir.resolve("synthetic-status-allowed.yaml");
    String shipped = Files.readString(clean);
    String allowed = shipped.replaceFirst("leaky: \"sales stage",
        "leakageExempt: \"test only, let the planted leak through: sales stage");
    assertThat(allowed).as("the shipped contract declares status leaky").isNotEqualTo(shipped);
    Files.writeString(leaky, allowed);
    Lakehouse lake = new Lakehouse(dir.resolve("lakehouse").toString());
    String model = "leadscore_oracle_" + UUID.randomUUID().toString().substring(0, 8);

    run("generate", "--config", config.toString(), "--leads", "5000", "--days", DAYS,
        "--seed", "11");
    run("ingest", "--config", config.toString(), "--source", "synthetic", "--contract",
        clean.toString());
    run("validate", "--config", config.toString(), "--source", "synthetic", "--contract",
        clean.toString());

    // Clean: the shipped contract (status declared leaky), the leakage detector on.
    run("features", "--config", config.toString(), "--source", "synthetic", "--mode",
        "training", "--as-of", CUTOFF, "--contract", clean.toString());
    CliResult cleanRun = run("train", "--config", config.toString(), "--source", "synthetic",
        "--contract", clean.toString(), "--model-name", model);
    double[] cleanFigures = sideBySide(cleanRun);

    // Leaky: status allow-listed, so the features job keeps it and the detector may not drop it.
    run("features", "--config", config.toString(), "--source", "synthetic", "--mode",
        "training", "--as-of", CUTOFF, "--contract", leaky.toString());
    CliResult leakyRun = run("train", "--config", config.toString(), "--source", "synthetic",
        "--contract", leaky.toString(), "--model-name", model);
    double[] leakyFigures = sideBySide(leakyRun);
    System.out.printf("clean: model %.4f, oracle %.4f, %d rows, ratio %.4f%n",
        cleanFigures[0], cleanFigures[1], (long) cleanFigures[2], cleanFigures[3]);
    System.out.printf("leaky: model %.4f, oracle %.4f, %d rows, ratio %.4f%n",
        leakyFigures[0], leakyFigures[1], (long) leakyFigures[2], leakyFigures[3]);

    assertThat(cleanRun.stdout()).contains("(at or below the oracle)");
    assertThat(reported(cleanRun, "test rows without truth")).isZero();
    // A few leads lose their conversion row to planted bad records (quarantined, or in a drop
    // refused for its encoding): their gold label is 0 while the truth drew 1. Both AUCs use the
    // gold label, so the comparison stays like for like; there must be only a handful.
    assertThat(reported(cleanRun, "labels differ from the truth"))
        .isLessThanOrEqualTo((long) (cleanFigures[2] / 100));
    assertThat(cleanFigures[0]).isLessThanOrEqualTo(cleanFigures[1]);
    assertThat(cleanFigures[3]).isLessThanOrEqualTo(1.0);
    assertThat(leakyRun.stdout()).contains("ABOVE the oracle");
    assertThat(leakyFigures[0]).isGreaterThan(leakyFigures[1]);
    assertThat(leakyFigures[3]).isGreaterThan(1.0);
    // Same split, same rows, same truth: the oracle's figure is the same in both runs.
    assertThat(leakyFigures[1]).isEqualTo(cleanFigures[1]);
    assertThat(leakyFigures[2]).isEqualTo(cleanFigures[2]).isGreaterThan(500);
    assertThat(cleanRun.stdout()).contains("on " + (long) cleanFigures[2] + " rows");

    // The detector flagged the status by itself; only the allow-list kept it.
    List<Row> status = spark().read().format("delta").load(lake.path(Table.LEAKAGE_REPORT))
        .where(col("feature").equalTo("status")).collectAsList();
    assertThat(status).hasSize(1);
    assertThat(status.get(0).<String>getAs("decision")).isEqualTo("keep_allow_listed");
    assertThat(status.get(0).<String>getList(status.get(0).fieldIndex("flags"))).isNotEmpty();

    MlflowTracking.connect(System.getenv().getOrDefault("LEADSCORE_TEST_MLFLOW_URI",
        "http://127.0.0.1:5000")).registry().deleteRegisteredModel(model);
  }

  private static CliResult run(String... args) {
    CliResult result = runCli(args);
    assertThat(result.exitCode()).as(String.join(" ", args) + "\n" + result.output()).isZero();
    return result;
  }

  /** The count the train job printed before {@code what}; 0 when it printed none. */
  private static long reported(CliResult train, String what) {
    Matcher m = Pattern.compile("([0-9]+) " + Pattern.quote(what)).matcher(train.stdout());
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  /** Model AUC, oracle AUC, rows, ratio from the train job's side-by-side line. */
  private static double[] sideBySide(CliResult train) {
    Matcher m = SIDE_BY_SIDE.matcher(train.stdout());
    assertThat(m.find()).as(train.stdout()).isTrue();
    return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)),
        Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4))};
  }
}
