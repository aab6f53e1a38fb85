package io.leadscore.jobs;

import io.leadscore.features.FeatureSpec;
import io.leadscore.features.gold.ContractFeatures;
import io.leadscore.features.gold.GoldColumns;
import io.leadscore.features.gold.GoldFeatures;
import io.leadscore.features.gold.GoldWriter;
import io.leadscore.features.gold.ObservationPoints;
import io.leadscore.jobs.cli.JobCommand;
import io.leadscore.jobs.cli.JobContext;
import io.leadscore.jobs.cli.LeadscoreException;
import io.leadscore.jobs.config.ConfigException;
import io.leadscore.transforms.contract.ColumnSpec;
import io.leadscore.transforms.contract.Contract;
import io.leadscore.transforms.contract.DatasetContract;
import io.leadscore.transforms.lakehouse.Table;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Silver → gold: point-in-time features. Training mode writes one row per matured lead at its
 * observation point with its label; scoring mode MERGEs one row per current lead as of the run
 * date, rewriting only leads whose features changed.
 */
@Command(name = "features", mixinStandardHelpOptions = true,
    description = "Build point-in-time features of a source into gold (training or scoring).")
public final class FeaturesJob extends JobCommand {
  /** The two modes. */
  public enum Mode { training, scoring }

  @Mixin
  ContractOptions contract;

  @Option(names = "--mode", required = true, paramLabel = "MODE",
      description = "training (labelled rows at each lead's observation point) or scoring"
          + " (current leads as of --as-of). Valid: ${COMPLETION-CANDIDATES}")
  Mode mode;

  @Option(names = "--as-of", paramLabel = "WHEN",
      description = "Date (UTC midnight) or ISO instant. Scoring: the observation point"
          + " (default: today 00:00 UTC). Training: the cutoff; label windows end before it"
          + " (default: now).")
  String asOf;

  private Instant asOfInstant;

  @Override
  protected String description() {
    return mode + " features of " + contract.source();
  }

  @Override
  protected void checkOptions() {
    contract.load(configFile);
    asOfInstant = parseAsOf(asOf, mode);
  }

  @Override
  protected void run(JobContext ctx) {
    Contract c = contract.contract();
    String source = c.source();
    ctx.step("read silver of " + source);
    Dataset<Row> leads = readTable(ctx, ctx.lakehouse().path(Table.SILVER_LEADS, source),
        "run ingest and validate for " + source + " first").orElseThrow();
    Optional<Dataset<Row>> events = c.events().flatMap(e -> readTable(ctx,
        ctx.lakehouse().path(Table.SILVER_EVENTS, source), null));
    String inputs = inputVersions(ctx, source);
    String training = ctx.lakehouse().path(Table.GOLD_FEATURES, source);

    if (mode == Mode.training) {
      ctx.step("observation points and labels");
      Dataset<Row> spine = ObservationPoints.trainingSpine(leads, c.leads(), asOfInstant);
      List<String> eventTypes = events.map(e -> eventTypes(e, c)).orElse(List.of());
      FeatureSpec spec = ContractFeatures.spec(c.leads(), c.events(), eventTypes, true);
      ctx.step("build and write training features");
      Dataset<Row> gold = GoldFeatures.build(spine, events, spec, leadStart(c))
          .withColumn(GoldColumns.FEATURES_RUN_ID, functions.lit(ctx.runId()));
      GoldWriter.overwriteTraining(gold, training,
          Map.of(GoldColumns.EVENT_TYPES_PROPERTY, String.join(",", eventTypes)), inputs);
      Dataset<Row> written = ctx.spark().read().format("delta").load(training);
      long rows = written.count();
      long positives = written.where(functions.col(GoldColumns.LABEL).equalTo(1)).count();
      ctx.metrics().addRows("read", leads.count()).addRows("written", rows);
      ctx.say("%d training rows (%d positive, %.1f %%), %d features, inputs %s", rows,
          positives, rows == 0 ? 0 : 100.0 * positives / rows, spec.featureColumns().size(),
          inputs);
      return;
    }
    List<String> eventTypes = GoldWriter.tableProperty(ctx.spark(), training,
        GoldColumns.EVENT_TYPES_PROPERTY)
        .map(v -> v.isEmpty() ? List.<String>of() : Arrays.asList(v.split(",")))
        .orElseThrow(() -> LeadscoreException.jobFailed("no training features at %s: run"
            + " features --mode training --source %s first (scoring uses its event types)",
            training, source));
    ctx.step("observation points as of " + asOfInstant);
    Dataset<Row> spine = ObservationPoints.scoringSpine(leads, c.leads(), asOfInstant);
    FeatureSpec spec = ContractFeatures.spec(c.leads(), c.events(), eventTypes, false);
    ctx.step("build and merge scoring features");
    Dataset<Row> gold = GoldFeatures.build(spine, events, spec, leadStart(c))
        .withColumn(GoldColumns.FEATURES_RUN_ID, functions.lit(ctx.runId()));
    String scoring = ctx.lakehouse().path(Table.GOLD_SCORING_FEATURES, source);
    long version = GoldWriter.mergeScoring(gold, scoring, inputs);
    long rows = ctx.spark().read().format("delta").load(scoring).count();
    ctx.metrics().addRows("read", leads.count()).addRows("written", rows);
    ctx.say("%d current leads as of %s in %s (version %d), inputs %s", rows, asOfInstant,
        scoring, version, inputs);
  }

  /** The leads' creation column: events dated before it are not read (see ActivityFeatures). */
  private static Optional<String> leadStart(Contract c) {
    return c.leads().columnWithRole(ColumnSpec.Role.CREATED_AT).map(ColumnSpec::name);
  }

  private static Optional<Dataset<Row>> readTable(JobContext ctx, String path, String ifMissing) {
    if (GoldWriter.latestVersion(ctx.spark(), path).isEmpty()) {
      if (ifMissing != null) {
        throw LeadscoreException.jobFailed("no table at %s: %s", path, ifMissing);
      }
      return Optional.empty();
    }
    return Optional.of(ctx.spark().read().format("delta").load(path));
  }

  /** Event types seen in the events, sorted: each becomes a family of activity features. */
  private static List<String> eventTypes(Dataset<Row> events, Contract c) {
    String typeColumn = c.events().flatMap(d -> d.columnWithRole(ColumnSpec.Role.EVENT_TYPE))
        .map(ColumnSpec::name).orElse(null);
    if (typeColumn == null) {
      return List.of();
    }
    return events.select(typeColumn).where(functions.col(typeColumn).isNotNull()).distinct()
        .orderBy(typeColumn).collectAsList().stream().map(r -> r.getString(0)).toList();
  }

  private static String inputVersions(JobContext ctx, String source) {
    StringBuilder json = new StringBuilder("{");
    for (Table t : List.of(Table.SILVER_LEADS, Table.SILVER_EVENTS)) {
      Optional<Long> v = GoldWriter.latestVersion(ctx.spark(), ctx.lakehouse().path(t, source));
      if (v.isPresent()) {
        json.append(json.length() > 1 ? "," : "").append(String.format("\"%s/%s\":%d",
            t.layer().folder(), t.tableName(), v.get()));
      }
    }
    return json.append("}").toString();
  }

  static Instant parseAsOf(String text, Mode mode) {
    if (text == null) {
      Instant now = Instant.now();
      return mode == Mode.scoring ? now.truncatedTo(ChronoUnit.DAYS) : now;
    }
    try {
      return text.contains("T") ? Instant.parse(text)
          : LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeParseException e) {
      throw new ConfigException(String.format(
          "--as-of must be a date (2026-01-31) or an ISO instant (2026-01-31T12:00:00Z),"
              + " cannot be: %s", text));
    }
  }
}
