package io.leadscore.jobs.generate;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadscore.jobs.JobTestSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The generate job end to end through the CLI: determinism, layout, options, leftovers. */
class GenerateJobTest extends JobTestSupport {

  @TempDir
  Path dir;

  /** Runs generate with small defaults; options in {@code more} replace the defaults. */
  private CliResult generate(Path config, Path root, String... more) {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("--landing", root.resolve("landing").toString());
    options.put("--leads", "3000");
    options.put("--days", "12");
    options.put("--drift-from-day", "6");
    options.put("--bad-record-rate", "0.05");
    options.put("--schema-change-rate", "0.2");
    options.put("--bad-encoding-rate", "0.2");
    for (int i = 0; i < more.length; i++) {
      boolean flag = i + 1 == more.length || more[i + 1].startsWith("--");
      options.put(more[i], flag ? null : more[++i]);
    }
    List<String> args = new ArrayList<>(List.of("generate", "--config", config.toString()));
    options.forEach((option, value) -> {
      args.add(option);
      if (value != null) {
        args.add(value);
      }
    });
    return runCli(args.toArray(String[]::new));
  }

  /** Relative path → bytes of every file under {@code root}. */
  private static Map<String, byte[]> contents(Path root) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        out.put(root.relativize(p).toString(), Files.readAllBytes(p));
      }
    }
    return out;
  }

  @Test
  void sameSeedGivesTheSameBytesWhateverThePartitioningAndRerunning() throws Exception {
    Path config = writeConfig(dir, "");
    CliResult a = generate(config, dir.resolve("a"), "--partitions", "2");
    CliResult b = generate(config, dir.resolve("b"), "--partitions", "7");
    assertThat(a.exitCode()).as(a.output()).isZero();
    assertThat(b.exitCode()).as(b.output()).isZero();
    assertThat(a.stdout()).containsPattern("oracle AUC 0\\.[0-9]{4} \\(exact, 3,000 leads");

    Map<String, byte[]> first = contents(dir.resolve("a"));
    Map<String, byte[]> second = contents(dir.resolve("b"));
    // 12 lead drops, 12 event drops, 12 truth files and the summary; nothing else (no .crc).
    assertThat(first).hasSize(37);
    assertThat(first.keySet()).contains("landing/synthetic/leads/2026-01-05/leads_2026-01-05.csv",
        "landing/synthetic/events/2026-01-16/events_2026-01-16.jsonl",
        "truth/synthetic/truth_2026-01-16.csv", "truth/synthetic/_generator.json");
    assertThat(second.keySet()).isEqualTo(first.keySet());
    for (String file : first.keySet()) {
      assertThat(second.get(file)).as(file).isEqualTo(first.get(file));
    }

    // Rerunning into the same folders rewrites the same bytes (no --replace needed).
    CliResult again = generate(config, dir.resolve("a"), "--partitions", "5");
    assertThat(again.exitCode()).as(again.output()).isZero();
    Map<String, byte[]> rerun = contents(dir.resolve("a"));
    for (String file : first.keySet()) {
      assertThat(rerun.get(file)).as(file).isEqualTo(first.get(file));
    }

    // Another seed gives other data (so the comparisons above could fail).
    CliResult other = generate(config, dir.resolve("c"), "--seed", "43");
    assertThat(other.exitCode()).isZero();
    Map<String, byte[]> third = contents(dir.resolve("c"));
    String drop = "landing/synthetic/leads/2026-01-07/leads_2026-01-07.csv";
    assertThat(Arrays.equals(third.get(drop), first.get(drop))).isFalse();
  }

  @Test
  void laterRunsWithMoreDropsAddFilesAndKeepTheEarlierBytes() throws Exception {
    Path config = writeConfig(dir, "");
    assertThat(generate(config, dir.resolve("full")).exitCode()).isZero();
    CliResult first = generate(config, dir.resolve("growing"), "--drops", "4");
    assertThat(first.exitCode()).as(first.output()).isZero();
    assertThat(first.stdout()).contains("of 3,000 leads").contains("(4 of 12 daily drops)");
    Map<String, byte[]> early = contents(dir.resolve("growing"));
    assertThat(early).hasSize(3 * 4 + 1);
    CliResult later = generate(config, dir.resolve("growing"), "--drops", "7");
    assertThat(later.exitCode()).as(later.output()).isZero();
    Map<String, byte[]> grown = contents(dir.resolve("growing"));
    assertThat(grown).hasSize(3 * 7 + 1);
    Map<String, byte[]> full = contents(dir.resolve("full"));
    for (String file : grown.keySet()) {
      if (file.endsWith("_generator.json")) {
        continue;
      }
      // Every drop of the grown run is the full run's drop of that day, byte for byte.
      assertThat(grown.get(file)).as(file).isEqualTo(full.get(file));
      if (early.containsKey(file)) {
        assertThat(early.get(file)).as(file).isEqualTo(grown.get(file));
      }
    }
  }

  @Test
  void sparkReadsTheDropsAndTheTruth() throws Exception {
    Path config = writeConfig(dir, "");
    CliResult r = generate(config, dir, "--bad-record-rate", "0", "--schema-change-rate", "0",
        "--bad-encoding-rate", "0");
    assertThat(r.exitCode()).as(r.output()).isZero();
    Path drop = dir.resolve("landing/synthetic/leads/2026-01-06/leads_2026-01-06.csv");
    long lines = Files.readAllLines(drop).size();
    Dataset<Row> leads = spark().read().option("header", "true").option("mode", "FAILFAST")
        .csv(drop.toString());
    assertThat(leads.columns()).containsExactlyElementsOf(DropLines.LEAD_COLUMNS);
    assertThat(leads.count()).isEqualTo(lines - 1);
    // Quoted commas stay inside their field: every company_size parses as a number.
    assertThat(leads.where("cast(company_size as int) is null").count()).isZero();

    Dataset<Row> events = spark().read().json(
        dir.resolve("landing/synthetic/events/*/*.jsonl").toString());
    assertThat(events.columns()).containsExactlyInAnyOrder("event_id", "lead_id", "event_type",
        "occurred_at");
    Dataset<Row> truth = TruthFiles.read(spark(), dir.resolve("truth/synthetic").toString());
    assertThat(truth.count()).isEqualTo(3000);
    assertThat(truth.select(TruthFiles.LEAD_ID).distinct().count()).isEqualTo(3000);
  }

  @Test
  void refusesDropsOfAnotherRunUnlessReplaceIsGiven() throws Exception {
    Path config = writeConfig(dir, "");
    assertThat(generate(config, dir, "--leads", "300", "--days", "5").exitCode()).isZero();
    CliResult shorter = generate(config, dir, "--leads", "300", "--days", "3");
    assertThat(shorter.exitCode()).isEqualTo(2);
    assertThat(shorter.stderr()).contains("--replace").contains("2026-01-09")
        .doesNotContain("\tat ");
    CliResult replaced = generate(config, dir, "--leads", "300", "--days", "3", "--replace");
    assertThat(replaced.exitCode()).as(replaced.output()).isZero();
    assertThat(GeneratedDrops.files(dir.resolve("landing/synthetic/leads"), ".csv")).hasSize(3);
    assertThat(GeneratedDrops.files(dir.resolve("truth/synthetic"), ".csv")).hasSize(3);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--leads|0|--leads must be between 1 and 8589934592, cannot be: 0",
      "--leads|abc|'abc'",
      "--days|0|--days must be between 1 and 3650, cannot be: 0",
      "--start-date|2026-13-01|--start-date must be a date like 2026-01-05, cannot be: 2026-13-01",
      "--bad-record-rate|0.9|--bad-record-rate must be between 0 and 0.5, cannot be: 0.9",
      "--schema-change-rate|-0.1|--schema-change-rate must be between 0 and 0.5, cannot be: -0.1",
      "--leak-rate|1.5|--leak-rate must be between 0 and 1.0, cannot be: 1.5",
      "--bad-encoding-rate|2|--bad-encoding-rate must be between 0 and 1.0, cannot be: 2.0",
      "--drift-from-day|-1|--drift-from-day must be >= 0",
      "--drift-strength|2|--drift-strength must be between 0 (no drift) and 1, cannot be: 2.0",
      "--partitions|0|--partitions must be between 1 and 100000, cannot be: 0",
      "--drops|91|--drops must be between 1 and --days (90), cannot be: 91"})
  void badOptionsExitWith2AndNameTheValue(String option, String value, String message)
      throws Exception {
    Path config = writeConfig(dir, "");
    CliResult r = runCli("generate", "--config", config.toString(), option, value);
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stderr()).contains(message).doesNotContain("\tat ");
    assertThat(dir.resolve("landing")).doesNotExist();
  }

  @Test
  void truthInsideTheLandingFolderIsAConfigError() throws Exception {
    Path config = writeConfig(dir, "");
    String inside = dir.resolve("landing/truth").toString();
    CliResult r = runCli("generate", "--config", config.toString(), "--truth", inside);
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stderr()).contains("--truth must be outside the landing folder")
        .contains("cannot be: " + inside);
  }
}
