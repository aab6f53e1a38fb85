package io.leadscore.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.leadscore.jobs.cli.JobCommand;
import io.leadscore.jobs.cli.JobContext;
import io.leadscore.jobs.config.ConfigException;
import io.leadscore.jobs.config.LeadscoreConfig;
import io.leadscore.jobs.generate.DropFiles;
import io.leadscore.jobs.generate.DropFiles.Kind;
import io.leadscore.jobs.generate.DropLines;
import io.leadscore.jobs.generate.DropLines.DropSchema;
import io.leadscore.jobs.generate.DropWriter;
import io.leadscore.jobs.generate.GeneratorParams;
import io.leadscore.jobs.generate.OracleAuc;
import io.leadscore.jobs.generate.TruthFiles;
import io.leadscore.jobs.generate.TruthModel;
import io.leadscore.jobs.generate.Trap;
import io.leadscore.jobs.metrics.JobMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Writes synthetic CRM exports (daily lead CSV drops and activity-event JSON lines) with
 * planted traps into the landing folder, and their ground truth beside it; prints the oracle
 * AUC. See docs/generator.md.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = "Write synthetic CRM lead and event drops with known ground truth into the"
        + " landing folder (source 'synthetic'); print the oracle AUC.")
public final class GenerateJob extends JobCommand {
  /** Leads per simulation task when --partitions is not given. */
  static final long LEADS_PER_PARTITION = 250_000;
  static final int MAX_PARTITIONS = 100_000;

  @Option(names = "--leads", paramLabel = "N", defaultValue = "20000",
      description = "Leads created over the whole world (default: ${DEFAULT-VALUE}).")
  long leads;

  @Option(names = "--days", paramLabel = "N", defaultValue = "90",
      description = "Days of the simulated world, one drop each (default: ${DEFAULT-VALUE}).")
  int days;

  @Option(names = "--drops", paramLabel = "N",
      description = "Write only the first N drops of the world (default:"
      + " all --days); a later run with a larger N adds drops, the earlier stay identical.")
  Integer drops;

  @Option(names = "--start-date", paramLabel = "DATE", defaultValue = "2026-01-05",
      description = "Date of the first drop, yyyy-MM-dd (default: ${DEFAULT-VALUE}).")
  String startDate;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
      description = "Seed of every random draw (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--bad-record-rate", paramLabel = "RATE", defaultValue = "0.01",
      description = "Share of export lines with a planted bad record, 0-0.5"
          + " (default: ${DEFAULT-VALUE}).")
  double badRecordRate;

  @Option(names = "--schema-change-rate", paramLabel = "RATE", defaultValue = "0.05",
      description = "Share of lead drops with an extra column, and of drops missing the optional"
          + " phone column, 0-0.5 (default: ${DEFAULT-VALUE}).")
  double schemaChangeRate;

  @Option(names = "--bad-encoding-rate", paramLabel = "RATE", defaultValue = "0.02",
      description = "Share of lead drops exported in ISO-8859-1 instead of UTF-8, 0-1"
          + " (default: ${DEFAULT-VALUE}).")
  double badEncodingRate;

  @Option(names = "--leak-rate", paramLabel = "RATE", defaultValue = "0.8",
      description = "Share of leads whose status reveals the outcome (Won/Lost) and of converters"
          + " with post-conversion events, 0-1 (default: ${DEFAULT-VALUE}).")
  double leakRate;

  @Option(names = "--drift-from-day", paramLabel = "DAY", defaultValue = "60",
      description = "First day (0 = start date) whose new leads drift (default: ${DEFAULT-VALUE}).")
  int driftFromDay;

  @Option(names = "--drift-strength", paramLabel = "S", defaultValue = "1.0",
      description = "Drift of source mix and engagement, 0 (none) to 1"
          + " (default: ${DEFAULT-VALUE}).")
  double driftStrength;

  @Option(names = "--landing", paramLabel = "PATH",
      description = "Landing folder, local or s3a:// (default: lakehouse.landing of the config).")
  String landingOption;

  @Option(names = "--truth", paramLabel = "PATH",
      description = "Truth folder, outside the landing folder (default: <landing>/../truth/"
          + DropFiles.SOURCE + ").")
  String truthOption;

  @Option(names = "--partitions", paramLabel = "N",
      description = "Simulation tasks (default: 2 per core, at least"
      + " one per " + LEADS_PER_PARTITION + " leads).")
  Integer partitions;

  @Option(names = "--replace", description = "Delete earlier generated drops and truth first"
      + " (without it, files of another run in those folders stop the job).")
  boolean replace;

  private GeneratorParams params;
  private String landing;
  private String truth;

  @Override
  protected String description() {
    return "generate synthetic CRM drops";
  }

  @Override
  protected void checkOptions() {
    LocalDate start;
    try {
      start = LocalDate.parse(startDate);
    } catch (DateTimeParseException e) {
      throw new ConfigException(
          "--start-date must be a date like 2026-01-05, cannot be: " + startDate);
    }
    params = new GeneratorParams(leads, days, drops == null ? days : drops, start, seed,
        badRecordRate, schemaChangeRate, badEncodingRate, leakRate, driftFromDay, driftStrength)
        .checked();
    if (partitions != null && (partitions < 1 || partitions > MAX_PARTITIONS)) {
      throw new ConfigException(String.format(
          "--partitions must be between 1 and %d, cannot be: %d", MAX_PARTITIONS, partitions));
    }
  }

  /** Resolves and checks the folders before Spark starts, so a mistake costs nothing. */
  @Override
  protected LeadscoreConfig loadConfig() {
    LeadscoreConfig config = super.loadConfig();
    landing = location("--landing", landingOption != null ? landingOption
        : config.lakehouse().landing());
    if (truthOption != null) {
      truth = location("--truth", truthOption);
    } else {
      Path parent = new Path(landing).getParent();
      if (parent == null) {
        throw new ConfigException("the landing folder " + landing + " has no parent folder for"
            + " the truth: pass --truth <folder outside the landing folder>");
      }
      truth = DropFiles.stripSlash(parent.toString()) + "/truth/" + DropFiles.SOURCE;
    }
    if (inside(truth, landing) || inside(landing, truth)) {
      throw new ConfigException(String.format("--truth must be outside the landing folder %s"
          + " (the pipeline must never read it) and must not contain it, cannot be: %s",
          landing, truth));
    }
    return config;
  }

  private static String location(String option, String value) {
    if (value == null || value.isBlank()) {
      throw new ConfigException(option + " must not be empty, cannot be: '" + value + "'");
    }
    if (!value.contains(":")) {
      return Paths.get(value).toAbsolutePath().normalize().toString();
    }
    try {
      java.net.URI uri = new java.net.URI(value);
      if (uri.getScheme() == null || uri.getPath() == null) {
        throw new ConfigException(option + " must be a local path or a URI like"
            + " s3a://bucket/landing, cannot be: " + value);
      }
    } catch (java.net.URISyntaxException e) {
      throw new ConfigException(option + " is not a valid path or URI (" + e.getReason()
          + "), cannot be: " + value);
    }
    return DropFiles.stripSlash(value);
  }

  private static boolean inside(String path, String folder) {
    return path.equals(folder) || path.startsWith(folder + "/");
  }

  @Override
  protected void run(JobContext ctx) throws IOException {
    SparkSession spark = ctx.spark();
    DropFiles files = new DropFiles(landing, truth, params.startDate(), params.drops());
    int tasks = partitions != null ? partitions : (int) Math.min(MAX_PARTITIONS,
        Math.max(2L * spark.sparkContext().defaultParallelism(),
            (params.leads() + LEADS_PER_PARTITION - 1) / LEADS_PER_PARTITION));
    long written = new io.leadscore.jobs.generate.Schedule(params).first(params.drops());
    ctx.say("%,d of %,d leads created %s to %s (%d of %d daily drops), seed %d, %d simulation"
        + " tasks", written, params.leads(), params.startDate(), params.date(params.drops() - 1),
        params.drops(), params.days(), params.seed(), tasks);

    ctx.step("check the output folders for files of other runs");
    prepareFolders(ctx, files);

    ctx.step("simulate the leads and write the daily drops");
    long started = System.nanoTime();
    DropLines dropLines = new DropLines(params, files);
    DropWriter.Counts counts = DropWriter.write(spark,
        DropWriter.lines(spark, dropLines, files, tasks), files);
    double seconds = (System.nanoTime() - started) / 1e9;

    ctx.step("compute the oracle AUC from the truth files");
    Dataset<Row> truthRows = TruthFiles.read(spark, files.truthRoot());
    OracleAuc.Result oracle = OracleAuc.exact(truthRows, TruthFiles.TRUE_PROBABILITY,
        TruthFiles.CONVERTED);

    long leadLines = counts.lines(Kind.LEADS);
    long eventLines = counts.lines(Kind.EVENTS);
    ctx.metrics().addRows(JobMetrics.ROWS_WRITTEN, leadLines + eventLines);
    ctx.metrics().gauge("generator_oracle_auc",
        "Exact ROC AUC of the generator's true probabilities against the drawn outcomes",
        Double.isNaN(oracle.auc()) ? 0 : oracle.auc());
    ctx.metrics().gauge("generator_conversion_rate", "Share of generated leads that converted",
        oracle.positives() / (double) Math.max(1, counts.lines(Kind.TRUTH)));
    report(ctx, files, counts, oracle, seconds);
    writeSummary(spark, files, counts, oracle);
  }

  /** Refuses to mix drops of different runs; --replace clears the folders first. */
  private void prepareFolders(JobContext ctx, DropFiles files) throws IOException {
    Set<String> planned = new HashSet<>();
    for (int f = 0; f < files.fileCount(); f++) {
      planned.add(new Path(files.path(f)).toUri().getPath());
    }
    planned.add(new Path(files.summaryPath()).toUri().getPath());
    for (String root : files.roots()) {
      Path path = new Path(root);
      FileSystem fs = path.getFileSystem(ctx.spark().sparkContext().hadoopConfiguration());
      if (!fs.exists(path)) {
        continue;
      }
      if (replace) {
        ctx.say("--replace: deleting %s", root);
        fs.delete(path, true);
        continue;
      }
      List<String> foreign = new ArrayList<>();
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(path, true);
      while (it.hasNext() && foreign.size() < 3) {
        Path p = it.next().getPath();
        if (!p.getName().startsWith(".") && !planned.contains(p.toUri().getPath())) {
          foreign.add(p.toString());
        }
      }
      if (!foreign.isEmpty()) {
        throw new ConfigException(String.format("%s holds files this run would not write (e.g."
            + " %s): they come from a run with other --days, --drops or --start-date; pass"
            + " --replace to delete them, or choose another --landing/--truth", root,
            String.join(", ", foreign)));
      }
    }
  }

  private void report(JobContext ctx, DropFiles files, DropWriter.Counts counts,
      OracleAuc.Result oracle, double seconds) {
    int extra = 0;
    int missing = 0;
    int latin1 = 0;
    for (int d = 0; d < params.drops(); d++) {
      DropSchema schema = DropLines.schemaOf(params, d);
      extra += schema == DropSchema.EXTRA_COLUMN ? 1 : 0;
      missing += schema == DropSchema.MISSING_OPTIONAL_COLUMN ? 1 : 0;
      latin1 += DropLines.latin1Drop(params, d) ? 1 : 0;
    }
    ctx.say("lead drops: %,d rows, %s in %s (extra column %s in %d drops, %s missing in %d,"
        + " %d in ISO-8859-1)", counts.lines(Kind.LEADS), megabytes(counts.bytes(Kind.LEADS)),
        files.leadsRoot(), DropLines.EXTRA_COLUMN, extra, DropLines.OPTIONAL_COLUMN, missing,
        latin1);
    ctx.say("event drops: %,d events, %s in %s", counts.lines(Kind.EVENTS),
        megabytes(counts.bytes(Kind.EVENTS)), files.eventsRoot());
    long truthRows = counts.lines(Kind.TRUTH);
    ctx.say("truth: %,d leads, %,d converted within %d days after the observation point"
        + " (%.2f %%) in %s", truthRows, oracle.positives(), TruthModel.LABEL_WINDOW_DAYS,
        100.0 * oracle.positives() / Math.max(1, truthRows), files.truthRoot());
    ctx.say("planted bad records (rate %s): %s", params.badRecordRate(), trapSummary(counts));
    ctx.say("leakage (rate %s): status Won/Lost and post-conversion events; drift: %s",
        params.leakRate(), params.hasDrift() ? String.format(Locale.ROOT,
            "from day %d (%s), strength %s", params.driftFromDay(),
            params.date(params.driftFromDay()), params.driftStrength()) : "none");
    ctx.say("simulated and wrote %s in %.1f s (%,.0f leads/s)",
        megabytes(counts.bytes(Kind.LEADS) + counts.bytes(Kind.EVENTS)
            + counts.bytes(Kind.TRUTH)), seconds, params.leads() / Math.max(seconds, 1e-9));
    ctx.say("oracle AUC %s (exact, %,d leads: true probabilities against drawn outcomes)",
        Double.isNaN(oracle.auc()) ? "n/a (one class only)"
            : String.format(Locale.ROOT, "%.4f", oracle.auc()),
        oracle.positives() + oracle.negatives());
  }

  private static String trapSummary(DropWriter.Counts counts) {
    List<String> parts = new ArrayList<>();
    for (Trap t : Trap.values()) {
      if (counts.traps(t) > 0) {
        parts.add(t.name().toLowerCase(Locale.ROOT) + " " + counts.traps(t));
      }
    }
    return parts.isEmpty() ? "none" : String.join(", ", parts);
  }

  private static String megabytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
  }

  /** {@code <truth>/_generator.json}: parameters, counts and the oracle AUC, for evaluations. */
  private void writeSummary(SparkSession spark, DropFiles files, DropWriter.Counts counts,
      OracleAuc.Result oracle) throws IOException {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("source", DropFiles.SOURCE);
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("leads", params.leads());
    p.put("days", params.days());
    p.put("drops", params.drops());
    p.put("start_date", params.startDate().toString());
    p.put("seed", params.seed());
    p.put("bad_record_rate", params.badRecordRate());
    p.put("schema_change_rate", params.schemaChangeRate());
    p.put("bad_encoding_rate", params.badEncodingRate());
    p.put("leak_rate", params.leakRate());
    p.put("drift_from_day", params.driftFromDay());
    p.put("drift_strength", params.driftStrength());
    summary.put("parameters", p);
    summary.put("observation_days", TruthModel.OBSERVATION_DAYS);
    summary.put("label_window_days", TruthModel.LABEL_WINDOW_DAYS);
    summary.put("lead_rows", counts.lines(Kind.LEADS));
    summary.put("events", counts.lines(Kind.EVENTS));
    summary.put("truth_rows", counts.lines(Kind.TRUTH));
    summary.put("converted", oracle.positives());
    summary.put("oracle_auc", Double.isNaN(oracle.auc()) ? null : oracle.auc());
    Map<String, Long> traps = new LinkedHashMap<>();
    for (Trap t : Trap.values()) {
      traps.put(t.name().toLowerCase(Locale.ROOT), counts.traps(t));
    }
    summary.put("planted_bad_records", traps);
    byte[] json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValueAsString(summary).concat("\n").getBytes(StandardCharsets.UTF_8);
    Path path = new Path(files.summaryPath());
    FileSystem fs = FileSystem.newInstance(path.toUri(),
        spark.sparkContext().hadoopConfiguration());
    try {
      fs.setWriteChecksum(false);
      try (OutputStream out = fs.create(path, true)) {
        out.write(json);
      }
    } finally {
      fs.close();
    }
  }
}
